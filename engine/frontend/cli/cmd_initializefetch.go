package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/internal/sarfetch"
	"github.com/spf13/cobra"
)

// fetchOpts are initialize --fetch's options (hidden in --help, which
// stays Policy Sentry's; documented in README.md).
type fetchOpts struct {
	indexURL string
	out      string
	timeout  time.Duration
	showAll  bool
}

func addFetchFlags(cmd *cobra.Command, o *fetchOpts) {
	f := cmd.Flags()
	def := sarfetch.DefaultIndexURL
	if v := os.Getenv("POLICY_SENTRY_SAR_URL"); v != "" {
		def = v
	}
	f.StringVar(&o.indexURL, "fetch-url", def, "With --fetch: the Service Authorization Reference index to read (default also from POLICY_SENTRY_SAR_URL).")
	f.StringVar(&o.out, "fetch-out", "", "With --fetch: write iam.bin.zst and manifest.json into this folder instead of ~/.policy-sentry (the scheduled refresh writes dataset/).")
	f.DurationVar(&o.timeout, "fetch-timeout", 10*time.Minute, "With --fetch: give up after this long (run again to resume).")
	f.BoolVar(&o.showAll, "fetch-list-all", false, "With --fetch: list every added and removed action in the summary, not only the first 20.")
	for _, n := range []string{"fetch-url", "fetch-out", "fetch-timeout", "fetch-list-all"} {
		f.Lookup(n).Hidden = true
	}
}

// initializeFetch builds the dataset from AWS's Service Authorization
// Reference: download (resumable, cached in ~/.policy-sentry/sar), merge
// with the built-in dataset's descriptions, dependent actions and the
// access-level overrides, write iam.bin.zst and manifest.json, and print
// what changed against the built-in dataset.
func (app *App) initializeFetch(ctx context.Context, o *fetchOpts) error {
	home, err := os.UserHomeDir()
	if err != nil {
		return fmt.Errorf("--fetch: cannot find the home folder: %w", err)
	}
	root := filepath.Join(home, ".policy-sentry")
	out := o.out
	if out == "" {
		out = root
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	fmt.Fprintf(app.Stderr, "Fetching the Service Authorization Reference from %s\n", o.indexURL)
	res, err := sarfetch.Download(ctx, sarfetch.Options{
		IndexURL: o.indexURL,
		CacheDir: filepath.Join(root, "sar"),
		Progress: func(done, total int, service string, st sarfetch.Status) {
			if done == total || done%50 == 0 {
				fmt.Fprintf(app.Stderr, "  %d/%d services\n", done, total)
			}
		},
	})
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("--fetch: gave up after %s: %w", o.timeout, err)
		}
		return fmt.Errorf("--fetch: %w", err)
	}
	fmt.Fprintf(app.Stderr, "  %d downloaded, %d unchanged since the last fetch, %d resumed from an interrupted run\n",
		res.Downloaded, res.NotModified, res.Resumed)
	base, err := dataset.Default()
	if err != nil {
		return err
	}
	db, err := sarfetch.Build(res.Dir, base, dataset.OverridesYAML(), "dataset/overrides.yml", iamdb.Manifest{
		Package:   o.indexURL,
		Version:   time.Now().UTC().Format("2006.01.02"),
		BuildDate: time.Now().UTC().Format(time.RFC3339),
	})
	if err != nil {
		return fmt.Errorf("--fetch: %w", err)
	}
	c, err := iamdb.Compress(db)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(c)
	m := db.Manifest
	m.File, m.SHA256, m.Size = "iam.bin.zst", hex.EncodeToString(sum[:]), int64(len(c))
	mj, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("--fetch: %w", err)
	}
	if err := os.WriteFile(filepath.Join(out, "iam.bin.zst"), c, 0o644); err != nil {
		return fmt.Errorf("--fetch: %w", err)
	}
	if err := os.WriteFile(filepath.Join(out, "manifest.json"), append(mj, '\n'), 0o644); err != nil {
		return fmt.Errorf("--fetch: %w", err)
	}
	max := 20
	if o.showAll {
		max = 0
	}
	fmt.Fprintf(app.Stdout, "Changes against the built-in dataset (%s %s):\n", base.Manifest.Source, base.Manifest.Version)
	fmt.Fprint(app.Stdout, sarfetch.Compare(base, db).Text(max))
	fmt.Fprintf(app.Stdout, "Wrote the dataset (%d services, %d actions, %d access-level overrides) to %s\n",
		m.Counts.Services, m.Counts.Actions, m.Overrides, filepath.Join(out, "iam.bin.zst"))
	if out == root {
		fmt.Fprintf(app.Stdout, "It is used from now on. Delete %s to use the built-in one again.\n", filepath.Join(root, "iam.bin.zst"))
	}
	return nil
}
