package condition

import (
	"slices"
	"testing"
)

func TestParseOperator(t *testing.T) {
	tests := []struct {
		text     string
		base     string
		set      SetQualifier
		ifExists bool
		wantErr  bool
		suggest  string
	}{
		{text: "StringEquals", base: "StringEquals"},
		{text: "ForAnyValue:StringLikeIfExists", base: "StringLike", set: ForAnyValue, ifExists: true},
		{text: "ForAllValues:ArnNotLike", base: "ArnNotLike", set: ForAllValues},
		{text: "NumericLessThanEqualsIfExists", base: "NumericLessThanEquals", ifExists: true},
		{text: "Null", base: "Null"},
		{text: "ForAllValues:Null", base: "Null", set: ForAllValues},
		{text: "NullIfExists", wantErr: true, suggest: "Null"},
		{text: "stringequals", wantErr: true, suggest: "StringEquals"},
		{text: "StringEqual", wantErr: true, suggest: "StringEquals"},
		{text: "ForAnyValues:StringEquals", wantErr: true, suggest: "ForAnyValue:StringEquals"},
		{text: "StringEqualsIfexists", wantErr: true, suggest: "StringEqualsIfExists"},
		{text: "IfExists", wantErr: true},
		// Lowering Ⱥ and İ makes them longer: the suffix must still be
		// cut from the text as written (a fuzzer found a panic here).
		{text: "ȺȺȺStringEqualsIfexists", wantErr: true, suggest: "StringEqualsIfExists"},
		{text: "ȺȺȺȺȺȺȺȺȺIfExists", wantErr: true},
		{text: "ForAnyValue:İIfExists", wantErr: true},
		{text: "", wantErr: true},
	}
	for _, tc := range tests {
		op, err := ParseOperator(tc.text)
		if tc.wantErr {
			if err == nil {
				t.Errorf("%q: no error", tc.text)
				continue
			}
			if tc.suggest != "" {
				oe := err.(*OperatorError)
				if !slices.Contains(oe.Suggestions, tc.suggest) {
					t.Errorf("%q: suggestions %v lack %q", tc.text, oe.Suggestions, tc.suggest)
				}
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.text, err)
			continue
		}
		if op.Base.Name != tc.base || op.Set != tc.set || op.IfExists != tc.ifExists {
			t.Errorf("%q: got %+v", tc.text, op)
		}
		if op.String() != tc.text {
			t.Errorf("%q: String() = %q", tc.text, op.String())
		}
	}
}

func TestParseKeyType(t *testing.T) {
	tests := map[string]KeyType{
		"String": {String, false}, "ArrayOfString": {String, true}, "ARN": {ARN, false},
		"ArrayOfARN": {ARN, true}, "Bool": {Bool, false}, "Boolean": {Bool, false},
		"Long": {Numeric, false}, "Numeric": {Numeric, false}, "Date": {Date, false},
		"IPAddress": {IPAddress, false}, "Binary": {Binary, false}, "": {Unknown, false},
	}
	for in, want := range tests {
		if got := ParseKeyType(in); got != want {
			t.Errorf("ParseKeyType(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestLookupGlobal(t *testing.T) {
	tests := []struct {
		name string
		want string
	}{
		{"aws:SourceIp", "aws:SourceIp"},
		{"AWS:sourceip", "aws:SourceIp"},
		{"aws:ResourceTag/team", "aws:ResourceTag/"},
		{"aws:ResourceTag/", ""},
		{"aws:ResourceTag", ""},
		{"aws:SourceIP2", ""},
		{"s3:prefix", ""},
	}
	for _, tc := range tests {
		g := LookupGlobal(tc.name)
		got := ""
		if g != nil {
			got = g.Name
		}
		if got != tc.want {
			t.Errorf("LookupGlobal(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
	if !LookupGlobal("aws:TagKeys").Type.MultiValued {
		t.Error("aws:TagKeys is multivalued")
	}
}

func TestCheckValue(t *testing.T) {
	tests := []struct {
		t  Type
		v  string
		ok bool
	}{
		{Numeric, "10", true}, {Numeric, "1.5", true}, {Numeric, "ten", false},
		{Date, "2026-12-01T00:00:00Z", true}, {Date, "2026-12-01", true}, {Date, "1764547200", true},
		{Date, "yesterday", false},
		{Bool, "true", true}, {Bool, "FALSE", true}, {Bool, "yes", false},
		{IPAddress, "203.0.113.0/24", true}, {IPAddress, "2001:db8::/32", true}, {IPAddress, "10.0.0.1", true},
		{IPAddress, "10.0.0.256", false}, {IPAddress, "vpc-1234", false},
		{Binary, "QmluYXJ5", true}, {Binary, "not base64!", false},
		{String, "anything", true}, {Numeric, "${aws:username}", true},
	}
	for _, tc := range tests {
		err := CheckValue(tc.t, tc.v)
		if (err == nil) != tc.ok {
			t.Errorf("CheckValue(%v, %q) = %v, want ok=%v", tc.t, tc.v, err, tc.ok)
		}
	}
}

func TestFits(t *testing.T) {
	if !Fits(String, ARN) || !Usable(String, ARN) {
		t.Error("String operators are usable on ARN keys")
	}
	if Fits(Numeric, String) || Fits(Bool, IPAddress) {
		t.Error("Numeric on String / Bool on IP must not fit")
	}
	if !Fits(Null, Date) || !Fits(Date, Unknown) {
		t.Error("Null fits all; Unknown keys fit all")
	}
}
