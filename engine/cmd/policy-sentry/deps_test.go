package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestNoSDKServicePackages fails when the CLI links a package of the AWS
// SDK that builds service clients or endpoint tables at start-up: Go
// initialises every linked package in every process, so each of them
// costs every command, not only download-policies (issue 17; see
// engine/frontend/cli/README.md). engine/internal/awsaccount has its own
// credential chain and Query-protocol client for that reason.
func TestNoSDKServicePackages(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, "github.com/leastpriv/policysentry/engine/internal/awsaccount") {
		t.Fatalf("go list -deps does not list engine/internal/awsaccount: the check below would prove nothing:\n%s", out)
	}
	for _, banned := range []string{
		"github.com/aws/aws-sdk-go-v2/service/",
		"github.com/aws/aws-sdk-go-v2/config",
		"github.com/aws/aws-sdk-go-v2/credentials/stscreds",
		"github.com/aws/aws-sdk-go-v2/credentials/ssocreds",
		"github.com/aws/aws-sdk-go-v2/credentials/logincreds",
		"github.com/aws/aws-sdk-go-v2/internal/endpoints",
	} {
		for _, d := range deps {
			if strings.HasPrefix(d, banned) {
				t.Errorf("the CLI links %s: it initialises at every start (go list -deps ./engine/cmd/policy-sentry)", d)
			}
		}
	}
}
