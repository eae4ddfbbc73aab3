package audit

import (
	"reflect"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/iamdb"
)

func TestReportActionsAt(t *testing.T) {
	rep := &Report{Policies: []*PolicyReport{
		{Allowed: []LevelActions{
			{Level: iamdb.Read.Key(), Actions: []string{"s3:GetObject", "kms:Decrypt"}},
			{Level: iamdb.Write.Key(), Actions: []string{"s3:PutObject"}},
		}},
		{Allowed: []LevelActions{
			{Level: iamdb.Read.Key(), Actions: []string{"kms:Decrypt", "S3:GetBucketAcl"}},
		}},
	}}
	tests := []struct {
		level iamdb.AccessLevel
		want  []string
	}{
		{iamdb.Read, []string{"S3:GetBucketAcl", "kms:Decrypt", "s3:GetObject"}},
		{iamdb.Write, []string{"s3:PutObject"}},
		{iamdb.Tagging, []string{}},
	}
	for _, tt := range tests {
		if got := rep.ActionsAt(tt.level); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ActionsAt(%v) = %q, want %q", tt.level, got, tt.want)
		}
	}
}

// TestActionsAtFollowsActions checks that --from-access-level lists what
// the Action elements name, as Policy Sentry does, whatever the
// resources: an action granted on a resource of another type is listed;
// one denied outright is not.
func TestActionsAtFollowsActions(t *testing.T) {
	pr := analyzeOne(t, `{"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "xray:PutTraceSegments", "s3:GetBucketPolicy"], "Resource": "arn:aws:s3:::bucket"},
		{"Effect": "Deny", "Action": "s3:GetBucketPolicy", "Resource": "*"}]}`, Options{})
	rep := &Report{Policies: []*PolicyReport{pr}, db: defaultDB(t)}
	if got := strings.Join(rep.ActionsAt(iamdb.Read), ","); got != "s3:GetObject" {
		t.Errorf("read: %s", got)
	}
	if got := strings.Join(rep.ActionsAt(iamdb.Write), ","); got != "xray:PutTraceSegments" {
		t.Errorf("write: %s", got)
	}
}
