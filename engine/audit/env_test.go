package audit

import (
	"testing"
)

// TestExpandMatchesDataset checks that the audit's cached expansion gives
// exactly iamdb's Expand, in the same order, for every kind of pattern.
func TestExpandMatchesDataset(t *testing.T) {
	db := defaultDB(t)
	e := newEnv(db)
	for _, p := range []string{"*", "s3:*", "S3:get*", "*:List*", "?3:Get?bject", "ec2:*Instance?", "iam:Pass*", "*:*",
		"kms:Decrypt", "KMS:DECRYPT", "nosuch:*", "s3", "s3:", "*:", "a*:*a*b*", "lambda:*function*", "**:**"} {
		want := db.Expand(p)
		got := e.expand(p)
		if len(got) != len(want) {
			t.Errorf("%s: %d actions, iamdb gives %d", p, len(got), len(want))
			continue
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s: action %d is %s, iamdb gives %s", p, i, got[i].FullName(), want[i].FullName())
				break
			}
		}
		if again := e.expand(p); len(again) != len(got) {
			t.Errorf("%s: cached expansion differs", p)
		}
	}
}
