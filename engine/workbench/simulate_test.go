package workbench_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/simulate"
	"github.com/leastpriv/policysentry/engine/workbench"
)

func input(t *testing.T, path string) workbench.Input {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return workbench.Input{Name: path, Data: b}
}

// TestSimulate runs a simulation from files: an identity policy, a
// boundary, two SCP levels, a principal from an authorization-details
// dump, and a wildcard action that expands against the dataset.
func TestSimulate(t *testing.T) {
	db := defaultDB(t)
	dir := "../frontend/cli/testdata/simulate/"
	boundary := input(t, dir+"boundary.json")
	auth := input(t, dir+"authdetails.json")
	res, err := workbench.Simulate(db, workbench.SimulateInput{
		Identity:    []workbench.Input{input(t, dir+"identity.json")},
		Boundary:    &boundary,
		SCPs:        [][]workbench.Input{{input(t, dir+"scp-root.json")}, {input(t, dir+"scp-ou.json")}},
		AuthDetails: &auth, Principal: "alice",
		Requests: []simulate.Request{
			{Action: "s3:GetObject", Resource: "arn:aws:s3:::docs/a", Context: simulate.Context{"aws:RequestedRegion": {"eu-west-1"}}},
			{Action: "iam:CreateUs?r", Resource: "arn:aws:iam::111122223333:user/x", Context: simulate.Context{"aws:SourceIp": {"203.0.113.1"}}},
			{Action: "s3:GetObject", Resource: "arn:aws:s3:::docs/a", Context: simulate.Context{"aws:RequestedRegion": {"us-east-1"}}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range res.Output.Results {
		got = append(got, r.Action+" "+string(r.Decision)+" "+r.Principal)
	}
	want := []string{
		"s3:GetObject Allowed arn:aws:iam::111122223333:user/alice",
		"iam:CreateUser ImplicitDeny arn:aws:iam::111122223333:user/alice",
		"s3:GetObject ExplicitDeny arn:aws:iam::111122223333:user/alice",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The given boundary replaces the dump's (which allows only S3): the
	// denial of iam:CreateUser is the given boundary's.
	if n := res.Output.Results[1].NearMiss; n == nil || n.Policy != dir+"boundary.json" {
		t.Errorf("near miss %+v, want the given boundary", n)
	}
}

// TestSimulateErrors: inputs that cannot be read are diagnostics at the
// problem; a wildcard that matches nothing is CodeInvalidSimulation.
func TestSimulateErrors(t *testing.T) {
	db := defaultDB(t)
	bad := workbench.Input{Name: "bad.json", Data: []byte("{\"Version\": \"2012-10-17\", \"Statement\": [\n  {\"Effect\": \"Allow\", \"Action\": \"s3\"}]}")}
	_, err := workbench.Simulate(db, workbench.SimulateInput{Identity: []workbench.Input{bad}, Requests: []simulate.Request{{Action: "s3:GetObject"}}})
	var l diag.List
	if !errors.As(err, &l) || l[0].Code != simulate.CodeInvalidAction || l[0].Start.String() != "bad.json:2:3" {
		t.Errorf("got %v", err)
	}
	good := workbench.Input{Name: "good.json", Data: []byte(`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}`)}
	_, err = workbench.Simulate(db, workbench.SimulateInput{Identity: []workbench.Input{good}, Requests: []simulate.Request{{Action: "s3:Nothing*"}}})
	if !errors.As(err, &l) || l[0].Code != workbench.CodeInvalidSimulation || l[0].Path != "$.requests[0].action" {
		t.Errorf("got %v", err)
	}
	_, err = workbench.SimulateJSON(db, []byte("{\"requests\": [\n {\"action\": 3}]}"), "body")
	if !errors.As(err, &l) || l[0].Code != workbench.CodeInvalidSimulation || l[0].Start.String() != "body:2:14" {
		t.Errorf("got %v", err)
	}
}

// TestSimulateJSON: the API's and the web app's input, with a policy as
// text; the deciding statement's position is in that text.
func TestSimulateJSON(t *testing.T) {
	body := `{"policies": {"identity": ["{\"Version\": \"2012-10-17\",\n \"Statement\": [{\"Sid\": \"A\", \"Effect\": \"Allow\", \"Action\": \"ec2:Describe*\", \"Resource\": \"*\"}]}"]},
	 "requests": [{"action": "ec2:DescribeInstances"}, {"action": "ec2:RunInstances"}]}`
	res, err := workbench.SimulateJSON(defaultDB(t), []byte(body), "body")
	if err != nil {
		t.Fatal(err)
	}
	o := res.Output
	if o.Allowed != 1 || o.Denied != 1 || o.Results[0].Deciding[0].At.String() != "identity[0]:2:16" {
		t.Errorf("%d allowed, %d denied, at %s", o.Allowed, o.Denied, o.Results[0].Deciding[0].At)
	}
	if o.Results[0].Principal != "arn:aws:iam::123456789012:user/simulated" {
		t.Errorf("default principal %s", o.Results[0].Principal)
	}
}

// TestParseContext: values are typed by the key (global keys, the
// dataset's service keys), ArrayOf keys split on commas.
func TestParseContext(t *testing.T) {
	db := defaultDB(t)
	ctx, err := workbench.ParseContext(db, []string{"aws:SourceIp=10.0.0.1", "aws:TagKeys=a,b", "s3:max-keys=10", "aws:PrincipalTag/team=x,y", "aws:TagKeys=c"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(ctx["aws:TagKeys"], "|") != "a|b|c" || strings.Join(ctx["aws:PrincipalTag/team"], "|") != "x,y" || ctx["s3:max-keys"][0] != "10" {
		t.Errorf("context %v", ctx)
	}
	for _, bad := range []string{"aws:SourceIp=nope", "aws:MultiFactorAuthAge=soon", "aws:SecureTransport=yes", "s3:max-keys=ten", "novalue"} {
		if _, err := workbench.ParseContext(db, []string{bad}); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
	if kt := workbench.KeyType(db, "s3:RequestObjectTag/team"); kt.String() != "String" {
		t.Errorf("s3:RequestObjectTag/team is %s", kt)
	}
}

// TestContextKeys offers the action's keys (for the resource type the ARN
// matches) and the global ones.
func TestContextKeys(t *testing.T) {
	db := defaultDB(t)
	names := func(keys []workbench.ContextKey) map[string]string {
		m := map[string]string{}
		for _, k := range keys {
			m[k.Name] = k.Type
		}
		return m
	}
	all := names(workbench.ContextKeys(db, "s3:GetObject", ""))
	if all["s3:ExistingObjectTag/<key>"] == "" || all["aws:SourceIp"] != "IPAddress" {
		t.Errorf("keys lack s3:ExistingObjectTag/<key> or aws:SourceIp: %v", all)
	}
	// iam:PassRole has no resource-specific keys; ec2:RunInstances on an
	// instance ARN offers ec2:InstanceType, on an image ARN it does not.
	inst := names(workbench.ContextKeys(db, "ec2:RunInstances", "arn:aws:ec2:us-east-1:111122223333:instance/*"))
	img := names(workbench.ContextKeys(db, "ec2:RunInstances", "arn:aws:ec2:us-east-1::image/ami-1"))
	if inst["ec2:InstanceType"] == "" || img["ec2:InstanceType"] != "" {
		t.Errorf("ec2:InstanceType offered for instance %v, for image %v", inst["ec2:InstanceType"] != "", img["ec2:InstanceType"] != "")
	}
}
