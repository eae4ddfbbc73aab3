package audit

import (
	"reflect"
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
