package simulate

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/policy"
)

// Random policy sets for the property tests: statements drawn from small
// pools so that matches, near matches and misses all occur.
var (
	poolActions   = []string{"s3:GetObject", "s3:PutObject", "s3:ListBucket", "ec2:RunInstances", "iam:PassRole", "sqs:SendMessage"}
	poolPatterns  = []string{"*", "s3:*", "s3:Get*", "s3:*Object", "ec2:*", "iam:Pass?ole", "sqs:SendMessage", "S3:getobject"}
	poolResources = []string{"*", "arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", "arn:aws:s3:::other/*", "arn:aws:ec2:*:*:instance/*", "arn:aws:iam::111122223333:role/*", "arn:aws:sqs:us-east-1:*:q"}
	poolRequests  = []string{"arn:aws:s3:::bucket/a", "arn:aws:s3:::bucket", "arn:aws:s3:::other/x", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", "arn:aws:iam::111122223333:role/R", "arn:aws:sqs:us-east-1:111122223333:q"}
	poolPrincipal = []string{`"*"`, `{"AWS":"111122223333"}`, `{"AWS":"arn:aws:iam::111122223333:user/alice"}`, `{"AWS":"arn:aws:iam::111122223333:role/Dev"}`, `{"AWS":"444455556666"}`}
	poolCallers   = []string{"arn:aws:iam::111122223333:user/alice", "arn:aws:sts::111122223333:assumed-role/Dev/s1", "arn:aws:iam::444455556666:user/bob"}
	poolConds     = []string{``, ``, `,"Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"}}`, `,"Condition":{"Bool":{"aws:SecureTransport":"true"}}`, `,"Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}`, `,"Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`}
)

func pick(r *rand.Rand, l []string) string { return l[r.Intn(len(l))] }

func randStatement(r *rand.Rand, resource bool, denyRate float64) string {
	eff := "Allow"
	if r.Float64() < denyRate {
		eff = "Deny"
	}
	act := "Action"
	if r.Intn(8) == 0 {
		act = "NotAction"
	}
	pr := ""
	if resource {
		pr = `,"Principal":` + pick(r, poolPrincipal)
	}
	return fmt.Sprintf(`{"Effect":%q,%q:[%q,%q],"Resource":%q%s%s}`, eff, act, pick(r, poolPatterns), pick(r, poolPatterns), pick(r, poolResources), pr, pick(r, poolConds))
}

func randPolicy(t testing.TB, r *rand.Rand, name string, resource bool, denyRate float64) *Policy {
	n := 1 + r.Intn(3)
	var sts []string
	for i := 0; i < n; i++ {
		sts = append(sts, randStatement(r, resource, denyRate))
	}
	return mustCompile(t, `{"Version":"2012-10-17","Statement":[`+strings.Join(sts, ",")+`]}`, name)
}

func mustCompile(t testing.TB, src, name string) *Policy {
	t.Helper()
	doc, err := policy.Parse([]byte(src), name)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Compile(doc)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func randSet(t testing.TB, r *rand.Rand, denyRate float64) *Set {
	s := &Set{}
	for i := 0; i < 1+r.Intn(3); i++ {
		s.Identity = append(s.Identity, randPolicy(t, r, fmt.Sprintf("id%d", i), false, denyRate))
	}
	if r.Intn(2) == 0 {
		s.Resource = randPolicy(t, r, "res", true, denyRate)
	}
	s.Boundary = randPolicy(t, r, "boundary", false, denyRate)
	for l := 0; l < 1+r.Intn(2); l++ {
		var lv []*Policy
		for i := 0; i < 1+r.Intn(2); i++ {
			lv = append(lv, randPolicy(t, r, fmt.Sprintf("scp%d.%d", l, i), false, denyRate))
		}
		s.SCPs = append(s.SCPs, lv)
	}
	if r.Intn(2) == 0 {
		s.Session = []*Policy{randPolicy(t, r, "session0", false, denyRate), randPolicy(t, r, "session1", false, denyRate)}
	}
	return s
}

func randRequest(r *rand.Rand) *Request {
	req := &Request{PrincipalARN: pick(r, poolCallers), Action: pick(r, poolActions), Resource: pick(r, poolRequests), Context: Context{}}
	if r.Intn(2) == 0 {
		req.Context["aws:PrincipalTag/team"] = []string{pick(r, []string{"blue", "red"})}
	}
	if r.Intn(2) == 0 {
		req.Context["aws:SecureTransport"] = []string{pick(r, []string{"true", "false"})}
	}
	if r.Intn(2) == 0 {
		req.Context["aws:TagKeys"] = []string{"a", "c"}[:r.Intn(3)]
	}
	if r.Intn(2) == 0 {
		req.Context["aws:SourceIp"] = []string{pick(r, []string{"10.1.2.3", "192.168.0.1"})}
	}
	if strings.Contains(req.Resource, ":s3:") && r.Intn(2) == 0 {
		req.ResourceAccount = "111122223333"
	}
	return req
}

// TestPropertyDenyAlwaysDenies: "An explicit deny overrides an explicit
// allow" (reference_policies_evaluation-logic_policy-eval-denyallow):
// adding a Deny statement that matches the request, to any policy type,
// always gives ExplicitDeny.
func TestPropertyDenyAlwaysDenies(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 3000; i++ {
		s := randSet(t, r, 0.1)
		req := randRequest(r)
		deny := mustCompile(t, fmt.Sprintf(`{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*","Action":%q,"Resource":"*"}}`, req.Action), "deny")
		switch r.Intn(5) {
		case 0:
			s.Identity = append(s.Identity, deny)
		case 1:
			s.Resource = deny
		case 2:
			s.Boundary = deny
		case 3:
			s.SCPs = append(s.SCPs, []*Policy{deny})
		case 4:
			s.Session = append(s.Session, deny)
		}
		if got := s.Evaluate(req); got.Decision != ExplicitDeny {
			t.Fatalf("case %d: %s, want ExplicitDeny for %+v", i, got.Decision, req)
		}
	}
}

// TestPropertyRemovalNeverAllows: with a boundary and SCPs present,
// removing an Allow-only identity, resource or session policy, or one SCP
// of a level that keeps another, never turns a denied request into an
// allowed one (each of those policies can only add allows; the guards
// stay in place).
func TestPropertyRemovalNeverAllows(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	checked := 0
	for i := 0; i < 3000; i++ {
		s := randSet(t, r, 0.15)
		req := randRequest(r)
		before := s.Evaluate(req)
		if before.Decision == Allowed {
			continue
		}
		for _, smaller := range removals(s) {
			after := smaller.Evaluate(req)
			checked++
			if after.Decision == Allowed {
				t.Fatalf("case %d: removing a policy turned %s into Allowed for %+v", i, before.Decision, req)
			}
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d removals checked", checked)
	}
}

// removals returns copies of s each without one removable policy (see
// TestPropertyRemovalNeverAllows). Policies with Deny statements stay:
// removing a Deny may of course allow.
func removals(s *Set) []*Set {
	hasDeny := func(p *Policy) bool {
		for _, st := range p.statements {
			if st.deny {
				return true
			}
		}
		return false
	}
	var out []*Set
	for i, p := range s.Identity {
		if !hasDeny(p) {
			c := *s
			c.Identity = append(append([]*Policy(nil), s.Identity[:i]...), s.Identity[i+1:]...)
			out = append(out, &c)
		}
	}
	if s.Resource != nil && !hasDeny(s.Resource) {
		c := *s
		c.Resource = nil
		out = append(out, &c)
	}
	if len(s.Session) > 1 {
		for i, p := range s.Session {
			if !hasDeny(p) {
				c := *s
				c.Session = append(append([]*Policy(nil), s.Session[:i]...), s.Session[i+1:]...)
				out = append(out, &c)
			}
		}
	}
	for l, lv := range s.SCPs {
		if len(lv) < 2 {
			continue
		}
		for i, p := range lv {
			if !hasDeny(p) {
				c := *s
				c.SCPs = append([][]*Policy(nil), s.SCPs...)
				c.SCPs[l] = append(append([]*Policy(nil), lv[:i]...), lv[i+1:]...)
				out = append(out, &c)
			}
		}
	}
	return out
}

// TestEvaluateAllMatchesEvaluate: the parallel batch gives the same
// answers, in order, as one request at a time.
func TestEvaluateAllMatchesEvaluate(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	s := randSet(t, r, 0.1)
	reqs := make([]Request, 1000)
	for i := range reqs {
		reqs[i] = *randRequest(r)
	}
	all := s.EvaluateAll(reqs)
	for i := range reqs {
		one := s.Evaluate(&reqs[i])
		if all[i].Decision != one.Decision || all[i].Reason != one.Reason || all[i].Action != reqs[i].Action {
			t.Fatalf("request %d: batch %s (%s), alone %s (%s)", i, all[i].Decision, all[i].Reason, one.Decision, one.Reason)
		}
	}
}
