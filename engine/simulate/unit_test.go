package simulate

import (
	"errors"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/diag"
)

func TestGlob(t *testing.T) {
	for _, c := range []struct {
		p, s string
		want bool
	}{
		{"*", "", true},
		{"a*c", "abbbc", true},
		{"a*c", "abbbd", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"*Object", "GetObject", true},
		{"*Object", "GetObjectTagging", false},
		{"é?", "éx", true},
		{"?", "é", true},
		{"ab", "AB", false},
	} {
		if got := glob(c.p, c.s); got != c.want {
			t.Errorf("glob(%q, %q) = %v, want %v", c.p, c.s, got, c.want)
		}
	}
}

func TestArnGlob(t *testing.T) {
	for _, c := range []struct {
		p, s string
		want bool
	}{
		{"*", "anything", true},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/x/y:z", true},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::B/x", false},
		{"arn:aws:sqs:*:q", "arn:aws:sqs:us-east-1:111:q", false},
		{"arn:aws:sqs:*:*:q", "arn:aws:sqs:us-east-1:111:q", true},
		{"arn:aws:logs:*:*:log-group:/aws/*", "arn:aws:logs:eu-west-1:1:log-group:/aws/x:log-stream:y", true},
		{"arn:aws:s3:::b", "arn:aws:s3:::b/", false},
		{"not-an-arn", "not-an-arn", true},
	} {
		if got := arnGlob(c.p, c.s); got != c.want {
			t.Errorf("arnGlob(%q, %q) = %v, want %v", c.p, c.s, got, c.want)
		}
	}
}

// TestResourceGlob: in the Resource element, "if the * wildcard is the
// last character of a resource ARN segment, it can expand to match
// beyond the colon boundaries" (IAM User Guide, IAM JSON policy
// elements: Resource); a * inside a part does not.
func TestResourceGlob(t *testing.T) {
	for _, c := range []struct {
		p, s string
		want bool
	}{
		{"arn:aws:sqs:*:q", "arn:aws:sqs:us-east-1:111:q", true},
		{"arn:aws:s3:*", "arn:aws:s3:::bucket/key", true},
		{"arn:aws:s3*", "arn:aws:s3:::bucket", true},
		{"arn:aws:s3:*", "arn:aws:sqs:us-east-1:111:q", false},
		{"arn:aws:sqs:us-*-1:q", "arn:aws:sqs:us-east-1:111:q", false},
		{"arn:aws:sqs:*:*:q", "arn:aws:sqs:us-east-1:111:q", true},
		{"arn:aws:sqs:*:*:q", "arn:aws:sqs:us-east-1:111:r", false},
		{"arn:aws:s3:::b", "arn:aws:s3:::b/", false},
		{"arn:aws:s3", "arn:aws:s3:::b", false},
	} {
		if got := resourceGlob(c.p, c.s); got != c.want {
			t.Errorf("resourceGlob(%q, %q) = %v, want %v", c.p, c.s, got, c.want)
		}
		m := masked{r: []rune(c.p), lit: make([]bool, len([]rune(c.p)))}
		if got := resourceGlobMasked(m, c.s); got != c.want {
			t.Errorf("resourceGlobMasked(%q, %q) = %v, want %v", c.p, c.s, got, c.want)
		}
	}
}

func TestTemplate(t *testing.T) {
	keys := map[string][]string{"aws:username": {"alice"}, "aws:tagkeys": {"a", "b"}}
	for _, c := range []struct {
		in   string
		want string // alternatives joined by |, "" = unresolved
	}{
		{"home/${aws:username}/*", "home/alice/*"},
		{"home/${AWS:UserName}/*", "home/alice/*"},
		{"${aws:PrincipalTag/team, 'none'}", "none"},
		{"${aws:PrincipalTag/team,'none'}", "none"},
		{"${aws:PrincipalTag/team}", ""},
		{"${*}${?}${$}", "*?$"},
		{"k/${aws:TagKeys}", "k/a|k/b"},
		{"${unterminated", "${unterminated"},
	} {
		tm := parseTemplate(c.in)
		var got []string
		if tm == nil {
			got = []string{c.in}
		} else {
			for _, m := range tm.expand(keys) {
				got = append(got, m.String())
			}
		}
		if strings.Join(got, "|") != c.want {
			t.Errorf("%q expands to %q, want %q", c.in, strings.Join(got, "|"), c.want)
		}
	}
	m := parseTemplate("a${*}b*").expand(keys)[0]
	if globRunes(m.r, m.lit, []rune("axb")) || !globRunes(m.r, m.lit, []rune("a*bzzz")) {
		t.Error("${*} must be a literal asterisk and * a wildcard")
	}
}

func TestParsePrincipal(t *testing.T) {
	for _, c := range []struct {
		in   string
		kind principalKind
		acct string
		role string
	}{
		{"", anonymous, "", ""},
		{"111122223333", rootUser, "111122223333", ""},
		{"arn:aws:iam::111122223333:root", rootUser, "111122223333", ""},
		{"arn:aws:iam::111122223333:user/dev/alice", iamUser, "111122223333", ""},
		{"arn:aws:sts::111122223333:assumed-role/Dev/s1", roleSession, "111122223333", "arn:aws:iam::111122223333:role/Dev"},
		{"arn:aws-cn:sts::111122223333:federated-user/bob", federatedUser, "111122223333", ""},
		{"s3.amazonaws.com", servicePrincipal, "", ""},
	} {
		p := parsePrincipal(c.in)
		if p.kind != c.kind || p.account != c.acct || (c.role != "" && p.roleARN != c.role) {
			t.Errorf("%q: kind %d account %q role %q", c.in, p.kind, p.account, p.roleARN)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	for _, c := range []struct {
		src, code, want string
	}{
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqual":{"k":"v"}}}]}`,
			CodeInvalidCondition, `p:1:38: $.Statement[0].Condition.StringEqual: unknown condition operator "StringEqual"; did you mean StringEquals`},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NumericLessThan":{"k":"ten"}}}]}`,
			CodeInvalidCondition, `p:1:38: $.Statement[0].Condition.NumericLessThan.k: "ten" is not a number`},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3","Resource":"*"}]}`,
			CodeInvalidAction, `p:1:38: $.Statement[0].Action: "s3": expected service:Action`},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Aws":"*"},"Action":"s3:*"}]}`,
			CodeInvalidPrincipal, `$.Statement[0].Principal: unknown principal type "Aws"`},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"me","Action":"s3:*"}]}`,
			CodeInvalidPrincipal, `$.Statement[0].Principal: expected "*" or an object`},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.300"}}}]}`,
			CodeInvalidCondition, `$.Statement[0].Condition.IpAddress.aws:SourceIp: "10.0.0.300" is not an IP address`},
		{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Condition":{"Bool":["x"]}}]}`,
			CodeInvalidCondition, `$.Statement[0].Condition.Bool: expected an object of condition keys`},
	} {
		_, err := Parse([]byte(c.src), "p")
		var l diag.List
		if !errors.As(err, &l) || len(l) != 1 || l[0].Code != c.code || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s:\n got %v (%v)\nwant %s %s", c.src, err, l, c.code, c.want)
		}
	}
	_, err := Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Condition":{"StringEqualsIfexists":{"k":"v"}}}]}`), "p")
	var l diag.List
	if !errors.As(err, &l) || len(l[0].Suggestions) == 0 || l[0].Suggestions[0] != "StringEqualsIfExists" {
		t.Errorf("want the suggestion StringEqualsIfExists, got %v", err)
	}
}

func TestCacheReturnsSamePolicy(t *testing.T) {
	c := NewCache(2)
	src := []byte(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`)
	a, err := c.Parse(src, "a")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := c.Parse(src, "a")
	if a != b {
		t.Error("the cache compiled the same policy twice")
	}
	if d, _ := c.Parse(src, "other"); d == a || d.Name != "other" {
		t.Error("a different name must give its own policy")
	}
}

func TestDerivedKeys(t *testing.T) {
	s := &Set{Identity: []*Policy{mustCompile(t, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333","aws:PrincipalType":"AssumedRole"},"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/Dev"}}}}`, "p")}}
	res := s.Evaluate(&Request{PrincipalARN: "arn:aws:sts::111122223333:assumed-role/Dev/s1", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"})
	if res.Decision != Allowed {
		t.Fatalf("%s: %s", res.Decision, res.Reason)
	}
	if strings.Join(res.Derived, ",") != "aws:PrincipalAccount,aws:PrincipalArn,aws:PrincipalIsAWSService,aws:PrincipalType" {
		t.Errorf("derived %v", res.Derived)
	}
	res = s.Evaluate(&Request{PrincipalARN: "arn:aws:sts::111122223333:assumed-role/Dev/s1", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Context: Context{"AWS:PrincipalAccount": {"999988887777"}}})
	if res.Decision != ImplicitDeny {
		t.Errorf("a request's own key must win over the derived one: %s", res.Decision)
	}
}

func TestParseRequests(t *testing.T) {
	reqs, err := ParseRequests([]byte(`{"requests": [{"action": "s3:GetObject", "context": {"aws:TagKeys": ["a", "b"], "s3:max-keys": 10, "aws:SecureTransport": true, "e": []}}]}`), "r.json")
	if err != nil {
		t.Fatal(err)
	}
	c := reqs[0].Context
	if strings.Join(c["aws:TagKeys"], ",") != "a,b" || c["s3:max-keys"][0] != "10" || c["aws:SecureTransport"][0] != "true" || c["e"] == nil || len(c["e"]) != 0 {
		t.Errorf("context %#v", c)
	}
	for _, bad := range []struct{ src, want string }{
		{"[{\"action\": \"s3:GetObject\",\n \"resource\": }]", "r.json: 2:15: invalid character"},
		{`[{"action": "s3:GetObject", "context": {"k": null}}]`, `r.json: requests[0]: context key "k": expected a string, number or boolean, found null`},
		{`[{"action": "s3:GetObject"}, {"action": "GetObject"}]`, `r.json: requests[1]: action "GetObject": expected service:Action`},
		{`{"policies": {}}`, `r.json: expected an array of requests or an object with "requests"`},
		{`{"requests": {}}`, `r.json: requests: expected an array of requests`},
	} {
		if _, err := ParseRequests([]byte(bad.src), "r.json"); err == nil || !strings.HasPrefix(err.Error(), bad.want) {
			t.Errorf("%s: got %v, want %s", bad.src, err, bad.want)
		}
	}
}
