package cli

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/internal/golden"
)

// TestSimulateGolden runs each line of testdata/simulate/cases.txt and
// compares the exit code, stdout and stderr with its golden file.
func TestSimulateGolden(t *testing.T) {
	f, err := os.Open("testdata/simulate/cases.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		name, args := fields[0], fields[1:]
		n++
		t.Run(name, func(t *testing.T) {
			code, out, errOut := run(t, "", args...)
			got := fmt.Sprintf("exit %d\n-- stdout --\n%s-- stderr --\n%s", code, out, errOut)
			golden.Check(t, filepath.Join("testdata/simulate", name+".golden"), []byte(got), "go test ./engine/frontend/cli -run TestSimulateGolden -update")
		})
	}
	if n < 10 {
		t.Fatalf("only %d cases", n)
	}
}

// TestSimulateExitCodes pins the exit codes the golden files record: 0
// when every request is allowed, 3 when one is denied, 2 for usage
// errors, 1 for bad input files.
func TestSimulateExitCodes(t *testing.T) {
	for _, c := range []struct {
		args []string
		want int
	}{
		{[]string{"simulate", "--policy", "testdata/simulate/identity.json", "--action", "s3:GetObject", "--resource", "arn:aws:s3:::docs/a"}, 0},
		{[]string{"simulate", "--policy", "testdata/simulate/identity.json", "--action", "s3:GetObject", "--action", "s3:PutObject", "--resource", "arn:aws:s3:::docs/a"}, ExitDenied},
		{[]string{"simulate", "--policy", "testdata/simulate/identity.json", "--action", "s3:GetObject", "--requests", "testdata/simulate/requests.json"}, ExitUsage},
		{[]string{"simulate", "--policy", "testdata/simulate/broken.json", "--action", "s3:GetObject"}, ExitError},
		{[]string{"simulate", "--policy", "testdata/simulate/missing.json", "--action", "s3:GetObject"}, ExitError},
	} {
		if code, _, errOut := run(t, "", c.args...); code != c.want {
			t.Errorf("%v: exit %d, want %d\n%s", c.args, code, c.want, errOut)
		}
	}
}
