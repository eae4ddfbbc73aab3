package awsaccount

import (
	"strings"
	"testing"
)

// TestParseINI covers the file syntax the AWS CLI accepts: comments,
// quotes, ':' as '=', indented sub-properties and continuations, CRLF,
// and sections that appear twice.
func TestParseINI(t *testing.T) {
	const file = "\ufeff# comment\r\n" +
		"[profile a] ; a comment after the header\r\n" +
		"Region = eu-west-1 # a comment after the value\n" +
		"role_arn: arn:aws:iam::1:role/x\n" +
		"quoted = \"a b\"\n" +
		"hash = a#b\n" +
		"s3 =\n" +
		"  max_concurrent_requests = 10\n" +
		"\tmax_queue_size = 1000\n" +
		"long = first\n" +
		"  second\n" +
		"  promoted = yes\n" +
		"empty =\n" +
		"  not a continuation of an empty value\n" +
		"process = \"cat\" \"a b\"\n" +
		"single = 'it'\n" +
		"commented = # only a comment\n" +
		"\n" +
		"[services   x]\n" +
		"iam =\n" +
		"  endpoint_url = http://localhost:1/\n" +
		"[profile a]\n" +
		"region = eu-west-2\n"
	secs, err := parseINI("config", []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	if len(secs) != 2 || secs[0].name != "profile a" || secs[1].name != "services x" {
		t.Fatalf("sections %v", secs)
	}
	a := secs[0].keys
	for key, want := range map[string]string{"region": "eu-west-2", "role_arn": "arn:aws:iam::1:role/x", "quoted": "a b", "hash": "a#b", "long": "first\nsecond", "s3": "", "promoted": "yes",
		"empty": "", "process": `"cat" "a b"`, "single": "it", "commented": ""} {
		if v := a[key]; v == nil || v.value != want {
			t.Errorf("%s = %+v, want %q", key, v, want)
		}
	}
	if a["s3"].sub["max_queue_size"] != "1000" || a["s3"].sub["max_concurrent_requests"] != "10" {
		t.Errorf("s3 sub-properties %v", a["s3"].sub)
	}
	if a["region"].line != 23 || a["role_arn"].line != 4 {
		t.Errorf("lines: region %d, role_arn %d", a["region"].line, a["role_arn"].line)
	}
	if secs[1].keys["iam"].sub["endpoint_url"] != "http://localhost:1/" {
		t.Errorf("services section %v", secs[1].keys["iam"])
	}
}

// TestParseINIIndentedHeader: an indented line in brackets is a section
// header, as the SDK reads it, not a continuation of the value above.
func TestParseINIIndentedHeader(t *testing.T) {
	secs, err := parseINI("f", []byte("[default]\nregion = us-east-1\n  [profile dev] # pasted\naws_access_key_id = AKID\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(secs) != 2 || secs[1].name != "profile dev" || secs[0].keys["region"].value != "us-east-1" ||
		secs[1].keys["aws_access_key_id"] == nil || secs[0].keys["aws_access_key_id"] != nil {
		t.Errorf("sections %+v %+v", secs[0], secs[len(secs)-1])
	}
}

// TestParseINIHeaderNames: a header's type and name are split at the
// first run of blanks, and the name is kept as written after it, as the
// SDK splits them.
func TestParseINIHeaderNames(t *testing.T) {
	for in, want := range map[string]string{
		"[profile   dev]":       "profile dev",
		"[\tprofile\tdev ]":     "profile dev",
		"[profile my  profile]": "profile my  profile",
		"[ default ]":           "default",
		"[sso-session corp]":    "sso-session corp",
	} {
		secs, err := parseINI("f", []byte(in+"\nk = v\n"))
		if err != nil || len(secs) != 1 || secs[0].name != want {
			t.Errorf("%q: %v %v, want section %q", in, secs, err, want)
		}
	}
}

// TestParseINIErrors: each malformed line is an error naming file:line.
func TestParseINIErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"[default\nregion = x\n", "f:1: a section header needs a closing ']'"},
		{"[]\n", "f:1: a section header without a name"},
		{"region = x\n", "f:1: \"region = x\" is outside any [section]"},
		{"[default]\nregion\n", "f:2: expected `key = value`"},
		{"[default]\n  indented\n", "f:2: an indented line"},
		{"  k = v\n[default]\n", "f:1: \"k = v\" is outside any [section]"},
		{"[default]\n  =x\n", "f:2: expected `key = value`"},
	} {
		_, err := parseINI("f", []byte(c.in))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("parseINI(%q) = %v, want %q", c.in, err, c.want)
		}
	}
}

// FuzzParseINI: parsing never panics; a parsed file's section names are
// not empty, without blanks around them or doubled between type and name;
// its keys are lower case, not empty, without '=' or ':', with a position
// inside the file.
func FuzzParseINI(f *testing.F) {
	f.Add("[default]\nregion = us-east-1\n")
	f.Add("[profile a]\ns3 =\n  x = 1\n  y\nz: \"q\" ; c\n")
	f.Add("\ufeff[a]\r\nk=\n\tcont\n")
	f.Fuzz(func(t *testing.T, s string) {
		secs, err := parseINI("f", []byte(s))
		if err != nil {
			return
		}
		lines := strings.Count(s, "\n") + 1
		for _, sec := range secs {
			if sec.name == "" || sec.name != strings.Trim(sec.name, " \t") || strings.Contains(sec.name, "  ") && !strings.Contains(strings.SplitN(sec.name, " ", 2)[1], "  ") {
				t.Fatalf("section name %q", sec.name)
			}
			for k, v := range sec.keys {
				if k == "" || k != strings.ToLower(k) || strings.ContainsAny(k, "=:") || v.line < 1 || v.line > lines {
					t.Fatalf("section %q key %q at line %d of %d", sec.name, k, v.line, lines)
				}
			}
		}
	})
}
