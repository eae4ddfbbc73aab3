package diff

import (
	"github.com/leastpriv/policysentry/engine/internal/wildcard"

	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/policy"
)

// TestSoundness is the property the diff must keep: for random policy
// pairs (Allow and Deny, Action and NotAction, Resource and NotResource,
// wildcards), whenever NEW allows an (action, ARN) that OLD does not,
// evaluated over sample ARNs of every resource type of the services
// involved, Compare reports new access for that action.
func TestSoundness(t *testing.T) {
	d := db(t)
	services := []string{"s3", "sqs", "kms", "ssm"}
	var acts []*iamdb.Action
	var arns []string
	for _, p := range services {
		svc := d.Service(p)
		acts = append(acts, svc.Actions()...)
		for _, r := range svc.Resources {
			for _, v := range []string{"a", "b", "prod-x"} {
				arns = append(arns, sampleARN(r.ARN, v))
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200; i++ {
		oldDoc := randomPolicy(rng, acts, arns)
		newDoc := randomPolicy(rng, acts, arns)
		old := parse(t, oldDoc, "old.json")
		nw := parse(t, newDoc, "new.json")
		res, err := Compare(d, old, nw)
		if err != nil {
			t.Fatal(err)
		}
		reported := map[string]bool{}
		for _, c := range res.New {
			for _, a := range c.Actions {
				reported[strings.ToLower(a)] = true
			}
		}
		for _, a := range acts {
			name := a.Service.Prefix + ":" + a.Name
			for _, arn := range actionARNs(a) {
				if allowed(nw, name, arn) && !allowed(old, name, arn) && !reported[strings.ToLower(name)] {
					t.Fatalf("case %d: NEW allows %s on %s, OLD does not, and the diff does not report it\nOLD %s\nNEW %s", i, name, arn, oldDoc, newDoc)
				}
			}
		}
	}
}

// actionARNs are sample ARNs of the action's resource types ("*" for an
// action without resource types): the resources a request can name.
func actionARNs(a *iamdb.Action) []string {
	var out []string
	for _, r := range a.Resources {
		if r.Resource == nil {
			continue
		}
		for _, v := range []string{"a", "b", "prod-x"} {
			out = append(out, sampleARN(r.Resource.ARN, v))
		}
	}
	if len(out) == 0 {
		out = []string{"*"}
	}
	return out
}

func sampleARN(format, v string) string {
	s := placeholder.ReplaceAllStringFunc(format, func(ph string) string {
		switch ph {
		case "${Partition}":
			return "aws"
		case "${Region}":
			return "us-east-1"
		case "${Account}":
			return "111122223333"
		}
		return v
	})
	return s
}

func parse(t *testing.T, src, name string) []*policy.Document {
	t.Helper()
	docs, err := policy.Load([]byte(src), name)
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	return docs
}

func randomPolicy(rng *rand.Rand, acts []*iamdb.Action, arns []string) string {
	type stmt struct {
		Effect      string   `json:"Effect"`
		Action      []string `json:"Action,omitempty"`
		NotAction   []string `json:"NotAction,omitempty"`
		Resource    []string `json:"Resource,omitempty"`
		NotResource []string `json:"NotResource,omitempty"`
	}
	n := 1 + rng.IntN(4)
	var ss []stmt
	for range n {
		s := stmt{Effect: "Allow"}
		if rng.IntN(4) == 0 {
			s.Effect = "Deny"
		}
		var ap []string
		for range 1 + rng.IntN(3) {
			a := acts[rng.IntN(len(acts))]
			name := a.Service.Prefix + ":" + a.Name
			switch rng.IntN(5) {
			case 0:
				name = a.Service.Prefix + ":" + a.Name[:1+rng.IntN(len(a.Name))] + "*"
			case 1:
				name = a.Service.Prefix + ":*"
			}
			ap = append(ap, name)
		}
		if rng.IntN(6) == 0 {
			s.NotAction = ap
		} else {
			s.Action = ap
		}
		var rp []string
		for range 1 + rng.IntN(2) {
			r := arns[rng.IntN(len(arns))]
			switch rng.IntN(5) {
			case 0:
				r = "*"
			case 1:
				r = r[:len(r)-1-rng.IntN(min(3, len(r)-1))] + "*"
			}
			rp = append(rp, r)
		}
		if rng.IntN(8) == 0 {
			s.NotResource = rp
		} else {
			s.Resource = rp
		}
		ss = append(ss, s)
	}
	b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": ss})
	return string(b)
}

// compiled is a policy set with its action patterns lower-cased once.
type compiled []cstmt

type cstmt struct {
	s         policy.Statement
	acts, not []string
}

func compile(docs []*policy.Document) compiled {
	var out compiled
	for _, d := range docs {
		for _, s := range d.Statement {
			c := cstmt{s: s}
			for _, p := range s.Action {
				c.acts = append(c.acts, strings.ToLower(p))
			}
			for _, p := range s.NotAction {
				c.not = append(c.not, strings.ToLower(p))
			}
			out = append(out, c)
		}
	}
	return out
}

// allowed is an independent, literal evaluation of identity policies
// without conditions: some Allow matches and no Deny matches. Actions
// match case-insensitively; resources case-sensitively, segment by
// segment for six-field ARNs.
func allowed(docs []*policy.Document, action, arn string) bool {
	return compile(docs).allowed(strings.ToLower(action), arn)
}

func (c compiled) allowed(lower, arn string) bool {
	allow := false
	for _, s := range c {
		if !s.matchesAction(lower) || !resourceMatches(s.s, arn) {
			continue
		}
		if s.s.Effect == "Deny" {
			return false
		}
		allow = true
	}
	return allow
}

// matchesAction matches a lower-case action against the statement's
// Action or NotAction.
func (s cstmt) matchesAction(lower string) bool {
	if len(s.s.NotAction) > 0 {
		for _, p := range s.not {
			if iamdb.GlobLower(p, lower) {
				return false
			}
		}
		return true
	}
	for _, p := range s.acts {
		if iamdb.GlobLower(p, lower) {
			return true
		}
	}
	return false
}

func resourceMatches(s policy.Statement, arn string) bool {
	if len(s.NotResource) > 0 {
		for _, p := range s.NotResource {
			if arnMatch(p, arn) {
				return false
			}
		}
		return true
	}
	for _, p := range s.Resource {
		if arnMatch(p, arn) {
			return true
		}
	}
	return false
}

func arnMatch(p, arn string) bool {
	ps := strings.SplitN(p, ":", 6)
	as := strings.SplitN(arn, ":", 6)
	if len(ps) < 6 || len(as) < 6 {
		return wildcard.Match(p, arn)
	}
	for i := range ps {
		if !wildcard.Match(ps[i], as[i]) {
			return false
		}
	}
	return true
}
