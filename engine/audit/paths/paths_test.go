package paths

import (
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/dataset"
)

// TestCatalogueAgainstDataset fails when a path names an action or a
// resource type that today's dataset lacks.
func TestCatalogueAgainstDataset(t *testing.T) {
	ps, err := All()
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) < 60 {
		t.Errorf("only %d paths", len(ps))
	}
	db, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, msg := range Check(db, ps) {
		t.Error(msg)
	}
	// Every pathfinding.cloud family the catalogue claims is present.
	for _, prefix := range []string{"iam-", "ec2-", "lambda-", "glue-", "cloudformation-", "codebuild-", "ecs-", "sagemaker-", "ssm-", "apprunner-", "bedrock-", "sts-", "rhino-"} {
		found := false
		for _, p := range ps {
			found = found || strings.HasPrefix(p.ID, prefix)
		}
		if !found {
			t.Errorf("no path with id %s*", prefix)
		}
	}
}
