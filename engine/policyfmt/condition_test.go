package policyfmt

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/leastpriv/policysentry/engine/writer"
	"go.yaml.in/yaml/v3"
)

// TestConditionRendering renders a policy with conditions (one value and
// several, characters YAML must quote) in every format and reads each
// back: the same policy; JSON's encoding/json rendering (the size count)
// has the same content too.
func TestConditionRendering(t *testing.T) {
	p := &writer.Policy{Version: "2012-10-17", Statement: []writer.Statement{
		{Sid: "A", Effect: "Allow", Action: []string{"s3:GetObject"}, Resource: []string{"arn:aws:s3:::b/*"},
			Condition: writer.Condition{
				"StringEquals": {"aws:ResourceTag/team": {"payments"}, "aws:RequestedRegion": {"us-east-1", "eu-west-1"}},
				"Bool":         {"aws:MultiFactorAuthPresent": {"true"}},
				"StringLike":   {"s3:prefix": {"*: x", "'q'"}},
			}},
		{Sid: "B", Effect: "Allow", Action: []string{"s3:ListAllMyBuckets"}, Resource: []string{"*"}},
	}}
	generic := func(b []byte, unmarshal func([]byte, any) error) any {
		var v any
		if err := unmarshal(b, &v); err != nil {
			t.Fatalf("%v\n%s", err, b)
		}
		return v
	}
	want := generic(JSON(p), json.Unmarshal)
	if got := generic(YAML(p), yaml.Unmarshal); !reflect.DeepEqual(got, want) {
		t.Errorf("YAML reads back differently\n%s\n%v\n%v", YAML(p), got, want)
	}
	var tf struct{ Policy string }
	if err := json.Unmarshal(Terraform(p), &tf); err != nil {
		t.Fatal(err)
	}
	if got := generic([]byte(tf.Policy), json.Unmarshal); !reflect.DeepEqual(got, want) {
		t.Errorf("Terraform's policy reads back differently: %s", tf.Policy)
	}
	b, _ := json.Marshal(p)
	if got := generic(b, json.Unmarshal); !reflect.DeepEqual(got, want) {
		t.Errorf("encoding/json differs: %s", b)
	}
	var back writer.Policy
	if err := json.Unmarshal(JSON(p), &back); err != nil || !reflect.DeepEqual(&back, p) {
		t.Errorf("JSON does not decode to the policy: %v\n%+v", err, back)
	}
}
