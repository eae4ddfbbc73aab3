package writer_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/writer"
)

// TestActionPatternsGrantEveryMatch writes an actions template for each
// pattern and checks that every action the pattern matches in the
// dataset is granted (nothing dropped), on its resource types' ARN
// formats when it has any, and that nothing else but dependent actions
// is.
func TestActionPatternsGrantEveryMatch(t *testing.T) {
	db := defaultDB(t)
	for _, pattern := range []string{"sqs:*", "s3:Get*", "S3:GET*TAGGING", "*Object?cl", "ec2:Describe?pcs", "kms:*Key*", "lambda:*"} {
		t.Run(pattern, func(t *testing.T) {
			tmpl := parse(t, "mode: actions\nactions:\n- '"+pattern+"'\n")
			res, err := writer.Write(db, tmpl, writer.Options{})
			if err != nil {
				t.Fatal(err)
			}
			want := writer.ExpandAction(db, pattern)
			if len(want) == 0 {
				t.Fatal("the pattern matches nothing: the test checks nothing")
			}
			onARN := map[string]bool{}
			granted := map[string]bool{}
			for _, s := range res.Policy.Statement {
				for _, a := range s.Action {
					granted[strings.ToLower(a)] = true
					if s.Resource[0] != "*" {
						onARN[strings.ToLower(a)] = true
					}
				}
			}
			deps := map[string]bool{}
			for _, name := range want {
				a := db.Action(name)
				for _, d := range a.DependentActions() {
					deps[strings.ToLower(d)] = true
				}
				if !granted[strings.ToLower(name)] {
					t.Errorf("%s is not granted", name)
				}
				if ownFormats(a) && !onARN[strings.ToLower(name)] {
					t.Errorf("%s has resource types but is not granted on their ARN formats", name)
				}
			}
			matched := map[string]bool{}
			for _, name := range want {
				matched[strings.ToLower(name)] = true
			}
			for g := range granted {
				if !matched[g] && !deps[g] {
					t.Errorf("%s is granted but neither matched nor a dependent action", g)
				}
			}
			for _, name := range want {
				if strings.Contains(pattern, ":") && !iamdb.Glob(pattern, name) {
					t.Errorf("ExpandAction(%s) gave %s", pattern, name)
				}
			}
		})
	}
}

// ownFormats reports whether the action has a resource type whose ARN
// format is of its own service (formats of another service, such as
// s3-object-lambda's for some s3 actions, are granted on "*" as Policy
// Sentry does).
func ownFormats(a *iamdb.Action) bool {
	for _, r := range a.Resources {
		if r.Resource != nil && strings.HasPrefix(r.Resource.ARN, "arn:${Partition}:"+a.Service.Prefix+":") {
			return true
		}
	}
	return false
}

// TestActionPatternNoMatch checks that a pattern matching nothing is an
// error at its line and column naming the nearest actions, and that
// writing stops.
func TestActionPatternNoMatch(t *testing.T) {
	db := defaultDB(t)
	tmpl := parse(t, "mode: actions\nactions:\n- s3:GetObject\n- sss:GetObjec?\n- s3:Gett*Acl\n")
	res, err := writer.Write(db, tmpl, writer.Options{})
	var l diag.List
	if !errors.As(err, &l) || res != nil || len(l) != 2 {
		t.Fatalf("err %v, result %v", err, res)
	}
	for i, want := range []struct {
		line    int
		nearest string
	}{{4, "s3:GetObject"}, {5, "s3:GetBucketAcl"}} {
		d := l[i]
		if d.Start.Line != want.line || d.Start.Column != 3 || d.Code != writer.CodeInvalidAction ||
			!strings.Contains(d.Message, "matches no action") || len(d.Suggestions) == 0 || d.Suggestions[0] != want.nearest {
			t.Errorf("problem %d: %s (suggestions %v); want line %d nearest %s", i, d, d.Suggestions, want.line, want.nearest)
		}
	}
}

// TestBroadActionPattern checks the warning on patterns that grant a
// whole service or many actions, and none on narrow ones.
func TestBroadActionPattern(t *testing.T) {
	db := defaultDB(t)
	for pattern, broad := range map[string]bool{"s3:*": true, "sqs:*": true, "*:Get*": true, "s3:Get*": false, "kms:Describe*": false} {
		res, err := writer.Write(db, parse(t, "mode: actions\nactions:\n- '"+pattern+"'\n"), writer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		got := false
		for _, w := range res.Warnings {
			if w.Code == writer.CodeBroadActionPattern {
				got = true
				if w.Start.Line != 3 || w.Start.Column != 3 {
					t.Errorf("%s: warning at %d:%d", pattern, w.Start.Line, w.Start.Column)
				}
			}
		}
		if got != broad {
			t.Errorf("%s: broad warning %v, want %v (%v)", pattern, got, broad, res.Warnings)
		}
	}
}
