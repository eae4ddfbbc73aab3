package webapp

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/internal/golden"
	"github.com/leastpriv/policysentry/engine/template"
)

func TestTemplateServices(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want []string
	}{
		{DefaultCRUD, []string{"s3"}},
		{DefaultActions, []string{"kms", "s3"}},
		{"mode: crud\nread: [arn:aws:sqs:us-east-1:1:q, 'arn:aws:s3:::b']\nwildcard-only:\n  service-read: [ec2]\n  single-actions: [iam:ListRoles]\nsts:\n  assume-role: [arn:aws:iam::1:role/r]\n", []string{"ec2", "iam", "s3", "sqs", "sts"}},
		{"mode: actions\nactions: ['*Object', 's3:Get*', '']\n", []string{"s3"}},
	} {
		tm, err := template.Parse([]byte(tc.src), "t.yml")
		if err != nil {
			t.Fatal(err)
		}
		if got := TemplateServices(tm); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q: got %v, want %v", tc.src, got, tc.want)
		}
	}
}

// TestConditionKeys checks the keys offered for the default templates
// against golden lists (name, type) and a few keys' types.
func TestConditionKeys(t *testing.T) {
	db, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	for name, src := range map[string]string{"default-crud": DefaultCRUD, "default-actions": DefaultActions} {
		tm, err := template.Parse([]byte(src), name)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, k := range ConditionKeys(db, tm) {
			fmt.Fprintf(&b, "%s\t%s\n", k.Name, k.Type)
		}
		golden.Check(t, "testdata/conditions/"+name+"-keys.txt", []byte(b.String()), "")
	}
	for _, tc := range []struct{ key, want string }{
		{"aws:ResourceTag/team", "String"},
		{"aws:TagKeys", "ArrayOfString"},
		{"aws:SourceIp", "IPAddress"},
		{"aws:MultiFactorAuthPresent", "Bool"},
		{"s3:prefix", "String"},
		{"kms:EncryptionContextKeys", "ArrayOfString"},
		{"nosuch:key", ""},
	} {
		if got := ConditionKeyType(db, tc.key); got != tc.want {
			t.Errorf("ConditionKeyType(%s) = %q, want %q", tc.key, got, tc.want)
		}
	}
}

func TestConditionOperators(t *testing.T) {
	db, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		key         string
		has, hasNot []string
	}{
		{"aws:ResourceTag/team", []string{"StringEquals", "StringLikeIfExists", "ArnLike", "Null"}, []string{"NumericEquals", "Bool", "IpAddress", "ForAnyValue:StringEquals"}},
		{"aws:TagKeys", []string{"ForAnyValue:StringEquals", "ForAllValues:StringLikeIfExists", "Null"}, []string{"StringEquals", "NumericEquals"}},
		{"aws:SourceIp", []string{"IpAddress", "NotIpAddressIfExists", "Null"}, []string{"StringEquals", "Bool"}},
		{"aws:MultiFactorAuthPresent", []string{"Bool", "BoolIfExists"}, []string{"StringEquals"}},
		{"aws:CurrentTime", []string{"DateLessThan", "NumericLessThan"}, []string{"StringEquals"}},
		{"aws:PrincipalArn", []string{"ArnLike", "StringLike"}, []string{"NumericEquals"}},
		{"nosuch:key", []string{"StringEquals", "NumericEquals", "Bool", "IpAddress"}, []string{"ForAnyValue:StringEquals"}},
	} {
		got := ConditionOperators(db, tc.key)
		for _, op := range tc.has {
			if !slices.Contains(got, op) {
				t.Errorf("%s: %s not offered: %v", tc.key, op, got)
			}
		}
		for _, op := range tc.hasNot {
			if slices.Contains(got, op) {
				t.Errorf("%s: %s offered", tc.key, op)
			}
		}
		if slices.Contains(got, "NullIfExists") {
			t.Errorf("%s: NullIfExists offered", tc.key)
		}
	}
}

func TestParseConditionValues(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"payments", []string{"payments"}},
		{" a, b ,,c ", []string{"a", "b", "c"}},
		{"203.0.113.0/24\n198.51.100.0/24\n\n", []string{"203.0.113.0/24", "198.51.100.0/24"}},
		{"a,b\nc", []string{"a", "b", "c"}},
		{"  ", nil},
	} {
		if got := ParseConditionValues(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestAddRemoveCondition adds a clause to the read section of a
// commented default template, checks the text, the rows and the policy,
// and removes it again.
func TestAddRemoveCondition(t *testing.T) {
	db, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	src := "# my template\n" + DefaultCRUD
	tm, err := template.Parse([]byte(src), "t.yml")
	if err != nil {
		t.Fatal(err)
	}
	out, err := AddCondition(src, tm, "read", "StringEquals", " aws:ResourceTag/team ", []string{"payments"})
	if err != nil {
		t.Fatal(err)
	}
	want := src + "read-condition:\n  StringEquals:\n    aws:ResourceTag/team: payments\n"
	if out != want {
		t.Fatalf("got\n%s\nwant\n%s", out, want)
	}
	rows := ConditionRows(tm)
	if len(rows) != 1 || rows[0].Block != "read-condition" || rows[0].Text != "StringEquals aws:ResourceTag/team: payments" {
		t.Fatalf("rows %+v", rows)
	}
	p := WritePolicyWith(db, out, OutputOptions{})
	if len(p.Errors) > 0 || !strings.Contains(p.JSON, `"aws:ResourceTag/team": "payments"`) {
		t.Fatalf("policy %v\n%s", p.Errors, p.JSON)
	}
	back, err := RemoveCondition(out, tm, "read", 0)
	if err != nil {
		t.Fatal(err)
	}
	if back != src || len(ConditionRows(tm)) != 0 {
		t.Fatalf("removing gave\n%s", back)
	}
	// Errors leave the template as it was.
	for _, f := range []func() (string, error){
		func() (string, error) {
			return AddCondition(src, tm, "read", "StringEqual", "aws:SourceIp", []string{"x"})
		},
		func() (string, error) { return AddCondition(src, tm, "read", "StringEquals", "team", []string{"x"}) },
		func() (string, error) { return AddCondition(src, tm, "read", "StringEquals", "aws:SourceVpc", nil) },
		func() (string, error) { return RemoveCondition(src, tm, "read", 0) },
		func() (string, error) {
			return AddCondition("mode: crud\nread: [\n", tm, "", "Bool", "aws:SecureTransport", []string{"true"})
		},
	} {
		if _, err := f(); err == nil {
			t.Errorf("no error")
		}
	}
	if len(tm.Conditions) != 0 {
		t.Errorf("a failed edit changed the model: %+v", tm.Conditions)
	}
	// The first format is rewritten.
	first := "roles_with_crud_levels:\n- name: r\n  read-access-level: [arn:aws:s3:::b]\n"
	ft := &template.Template{Mode: template.ModeCRUD}
	if ft2, err := template.Parse([]byte(first), "f.yml"); err == nil {
		ft = ft2
	}
	if out, err := AddCondition(first, ft, "", "Bool", "aws:SecureTransport", []string{"true"}); err != nil || !strings.Contains(out, "condition:") || strings.Contains(out, "roles_with") {
		t.Errorf("first format: %v\n%s", err, out)
	}
	if got := ConditionTargets(template.ModeActions); len(got) != 1 || got[0].Key != "" {
		t.Errorf("actions targets %v", got)
	}
	if got := ConditionTargets(template.ModeCRUD); len(got) != 1+len(template.ConditionSections) {
		t.Errorf("crud targets %v", got)
	}
}

func TestShortcutFill(t *testing.T) {
	for _, tc := range []struct {
		name, op, key, values string
		ok                    bool
	}{
		{"source-ip", "IpAddress", "aws:SourceIp", "", true},
		{"mfa", "Bool", "aws:MultiFactorAuthPresent", "true", true},
		{"passed-to-service", "StringEquals", "iam:PassedToService", "", true},
		{"mfa-max-age", "NumericLessThanEquals", "aws:MultiFactorAuthAge", "", true},
		{"resource-tags", "", "", "", false},
		{"nope", "", "", "", false},
	} {
		op, key, values, ok := ShortcutFill(tc.name)
		if op != tc.op || key != tc.key || values != tc.values || ok != tc.ok {
			t.Errorf("%s: got %q %q %q %v", tc.name, op, key, values, ok)
		}
	}
	if n := len(ConditionShortcuts()); n != len(template.Shortcuts()) || n < 10 {
		t.Errorf("%d shortcuts offered", n)
	}
}

// BenchmarkConditionEditor measures what the condition editor does on a
// render (the keys offered, the operators of the key) and on Add (the
// text edit) for the default CRUD template.
func BenchmarkConditionEditor(b *testing.B) {
	db, err := dataset.Default()
	if err != nil {
		b.Fatal(err)
	}
	tm, err := template.Parse([]byte(DefaultCRUD), "t.yml")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("keys", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if len(ConditionKeys(db, tm)) < 50 {
				b.Fatal("too few keys")
			}
		}
	})
	b.Run("operators", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if len(ConditionOperators(db, "aws:ResourceTag/team")) == 0 {
				b.Fatal("no operators")
			}
		}
	})
	b.Run("add", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c := *tm
			if _, err := AddCondition(DefaultCRUD, &c, "read", "StringEquals", "aws:ResourceTag/team", []string{"payments"}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
