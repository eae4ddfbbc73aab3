// Command pairs writes every consecutive version pair of the AWS
// managed policy corpus (fetched by `make corpus`) into two folders, OLD
// and NEW, one file per pair under the same name, for measuring
// `policy-sentry diff OLD NEW` on real policy history:
//
//	go run ./engine/internal/managedcorpus/pairs -out /tmp/pairs
//	policy-sentry diff --fmt json /tmp/pairs/old /tmp/pairs/new > /dev/null
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/leastpriv/policysentry/engine/internal/managedcorpus"
)

func main() {
	out := flag.String("out", "pairs", "folder to write old/ and new/ into")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "pairs:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	corpus, err := managedcorpus.Load()
	if err != nil {
		return err
	}
	for _, side := range []string{"old", "new"} {
		if err := os.MkdirAll(filepath.Join(out, side), 0o755); err != nil {
			return err
		}
	}
	n := 0
	for name, p := range corpus {
		ids := p.VersionIDs()
		for i := 1; i < len(ids); i++ {
			file := fmt.Sprintf("%s@%s.json", name, ids[i])
			if err := os.WriteFile(filepath.Join(out, "old", file), p.Versions[ids[i-1]].Document, 0o644); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(out, "new", file), p.Versions[ids[i]].Document, 0o644); err != nil {
				return err
			}
			n++
		}
	}
	fmt.Printf("%d pairs in %s\n", n, out)
	return nil
}
