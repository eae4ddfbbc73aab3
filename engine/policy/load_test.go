package policy

import (
	"errors"
	"github.com/leastpriv/policysentry/engine/diag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/internal/golden"
)

// TestLoadErrors loads every bad policy file in testdata/errors and
// compares the error with <name>.err (-update rewrites). Every error must
// carry a line and column or a JSON path, never be a panic.
func TestLoadErrors(t *testing.T) {
	files, _ := filepath.Glob("testdata/errors/*.json")
	if len(files) < 15 {
		t.Fatalf("only %d bad policies", len(files))
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			docs, err := Load(src, filepath.Base(f))
			if err == nil {
				t.Fatalf("no error; loaded %d documents", len(docs))
			}
			var l diag.List
			if !errors.As(err, &l) || len(l) != 1 {
				t.Fatalf("error of type %T: %v", err, err)
			}
			if l[0].Code == "" {
				t.Errorf("error without a code: %+v", l[0])
			}
			if e := l[0]; e.Line() == 0 && e.Path == "" {
				t.Errorf("error without line:column or JSON path: %v", err)
			}
			got := err.Error() + "\n"
			golden.Check(t, strings.TrimSuffix(f, ".json")+".err", []byte(got), "")
		})
	}
}

// TestLoadPositions checks positions independently of the golden files:
// the error points at the offending value.
func TestLoadPositions(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		line, col int
		path      string
		code      string
	}{
		{"bad effect", "{\"Statement\": [\n  {\"Effect\": \"allow\", \"Action\": \"*\"}\n]}", 2, 14, "$.Statement[0].Effect", CodeInvalidEffect},
		{"bad action item", "{\"Statement\": {\"Effect\": \"Allow\",\n \"Action\": [\"s3:*\",\n    7]}}", 3, 5, "$.Statement.Action[1]", CodeDataType},
		{"syntax", "{\"Statement\": [\n  {\"Effect\" \"Allow\"}]}", 2, 13, "", CodeJSONSyntax},
		{"both Action and NotAction", "{\"Statement\": {\"Effect\": \"Allow\", \"Action\": \"*\", \"NotAction\": \"s3:*\"}}", 1, 15, "$.Statement", CodeElementCombination},
		{"column in characters", "{\"Statement\": {\"Sid\": \"é\", \"Effect\": \"Allow\", \"Action\": 7}}", 1, 57, "$.Statement.Action", CodeDataType},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load([]byte(tc.src), "p.json")
			var l diag.List
			if !errors.As(err, &l) {
				t.Fatalf("error %v", err)
			}
			if e := l[0]; e.Start.Line != tc.line || e.Start.Column != tc.col || e.Path != tc.path || e.Code != tc.code {
				t.Errorf("at %d:%d %q %s, want %d:%d %q %s: %v", e.Start.Line, e.Start.Column, e.Path, e.Code, tc.line, tc.col, tc.path, tc.code, err)
			}
		})
	}
}

// TestLoadShapes checks every input shape AWS produces.
func TestLoadShapes(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		docs      int
		check     func(ds []*Document) bool
	}{
		{"statement object, string action", `{"Statement": {"Sid": "A", "Effect": "Deny", "NotAction": "s3:*", "NotResource": "arn:aws:s3:::b"}}`, 1,
			func(ds []*Document) bool {
				s := ds[0].Statement[0]
				return s.Label() == "A" && s.Effect == "Deny" && s.NotAction[0] == "s3:*" && s.NotResource[0] == "arn:aws:s3:::b"
			}},
		{"index label, principal and condition kept", `{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:GetObject", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}`, 1,
			func(ds []*Document) bool {
				s := ds[0].Statement[0]
				return s.Label() == "Statement[0]" && s.HasCondition() && string(s.Principal) == `{"AWS":"*"}`
			}},
		{"empty condition is no condition", `{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {}}]}`, 1,
			func(ds []*Document) bool { return !ds[0].Statement[0].HasCondition() }},
		{"array of documents", `[{"Statement": []}, {"Statement": {"Effect": "Allow", "Action": "*"}}]`, 2,
			func(ds []*Document) bool { return ds[1].Name == "p.json[1]" }},
		{"get-policy-version output, URL-encoded", `{"PolicyVersion": {"Document": "%7B%22Statement%22%3A%5B%5D%7D", "VersionId": "v3"}}`, 1,
			func(ds []*Document) bool { return ds[0].Statement == nil }},
		{"authorization details", `{"RoleDetailList": [{"RoleName": "r", "RolePolicyList": [{"PolicyName": "i", "PolicyDocument": {"Statement": []}}],
			"AttachedManagedPolicies": [{"PolicyArn": "arn:aws:iam::1:policy/m"}]}],
			"Policies": [{"PolicyName": "m", "Arn": "arn:aws:iam::1:policy/m", "DefaultVersionId": "v2", "PolicyVersionList": [
				{"VersionId": "v1", "IsDefaultVersion": false, "Document": {"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}},
				{"VersionId": "v2", "IsDefaultVersion": true, "Document": {"Statement": []}}]}]}`, 2,
			func(ds []*Document) bool {
				return ds[0].Name == "role/r inline policy i" && ds[1].Name == "policy/m (v2), attached to role/r" && len(ds[1].Statement) == 0
			}},
		{"authorization details with null lists (read as empty, as encoding/json does)", `{"UserDetailList": null, "GroupDetailList": null, "Policies": null,
			"RoleDetailList": [{"RoleName": "r", "RolePolicyList": null}, {"RoleName": "s", "RolePolicyList": [{"PolicyName": "i", "PolicyDocument": {"Statement": []}}]}]}`, 1,
			func(ds []*Document) bool { return ds[0].Name == "role/s inline policy i" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds, err := Load([]byte(tc.src), "p.json")
			if err != nil {
				t.Fatal(err)
			}
			if len(ds) != tc.docs || !tc.check(ds) {
				t.Errorf("%d documents: %+v", len(ds), ds)
			}
		})
	}
}
