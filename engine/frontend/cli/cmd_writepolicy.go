package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/policyfmt"
	"github.com/leastpriv/policysentry/engine/workbench"
	"github.com/leastpriv/policysentry/engine/writer"
	"github.com/spf13/cobra"
)

func init() {
	register("write-policy", newWritePolicyCmd)
	register("write-policy-dir", newWritePolicyDirCmd)
}

// minimizeFlags are --minimize / -m and --minimize_length, which click
// lets users write as "--minimize N".
type minimizeFlags struct {
	on     bool
	length int
}

func (m *minimizeFlags) add(cmd *cobra.Command) {
	cmd.Flags().BoolVarP(&m.on, "minimize", "m", false, "Minimize the resulting statement with *safe* usage of wildcards to reduce policy length.")
	cmd.Flags().IntVar(&m.length, "minimize_length", 0, "Sets the minimum character length for minimization. Defaults to zero.")
	addFlagMeta(cmd.Flags(), "minimize_length", "INTEGER RANGE", nil, false)
}

func (m *minimizeFlags) options() (writer.Options, error) {
	if m.length < 0 {
		return writer.Options{}, Usagef("Invalid value for '--minimize_length': %d is not in the range x>=0.", m.length)
	}
	return writer.Options{Minimize: m.on, MinLength: m.length}, nil
}

func newWritePolicyCmd(app *App) *Command {
	var input, format, split string
	var min minimizeFlags
	cmd := &cobra.Command{
		Use:         "write-policy",
		Short:       "Write least-privilege IAM policies, restricting all actions to resource ARNs.",
		Long:        "Write least-privilege IAM policies, restricting all actions to resource ARNs.",
		Annotations: map[string]string{annCompat: "true"},
		Args:        cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := min.options()
			if err != nil {
				return err
			}
			var limit policyfmt.Limit
			if cmd.Flags().Changed("split") {
				if limit, err = policyfmt.LookupLimit(split); err != nil {
					return Usagef("Invalid value for '--split': %v", err)
				}
			}
			var src []byte
			name := input
			if input == "" {
				name = "<stdin>"
				src, err = io.ReadAll(app.Stdin)
			} else {
				src, err = os.ReadFile(input)
			}
			if err != nil {
				return fmt.Errorf("reading the template: %w", err)
			}
			db, err := app.DB()
			if err != nil {
				return err
			}
			out, err := app.writePolicy(db, src, name, workbench.WriteOptions{Options: opts, Formats: []string{format}, Split: limit})
			if err != nil {
				return err
			}
			_, err = app.Stdout.Write(out)
			return err
		},
	}
	cmd.Flags().StringVarP(&input, "input-file", "i", "", "Path of the YAML File used for generating policies")
	min.add(cmd)
	addFmt(cmd, &format, `Format output as YAML or JSON. Defaults to "json"`, policyfmt.Default().Name, fmtChoices()...)
	cmd.Flags().StringVar(&split, "split", "", "Split the policy into policies that each fit an AWS quota: "+strings.Join(policyfmt.LimitKeys(), ", ")+", or a number of characters.")
	addFlagMeta(cmd.Flags(), "split", "QUOTA", nil, false)
	addVerbose(cmd)
	return cmd
}

// writePolicy writes the template's policy in the one format opts names;
// the warnings, the size report and what a split did go to stderr. A
// resource or trust template goes to writeGrant.
func (app *App) writePolicy(db *iamdb.DB, src []byte, name string, opts workbench.WriteOptions) ([]byte, error) {
	if workbench.IsGrant(src) {
		if opts.Split != (policyfmt.Limit{}) {
			return nil, Usagef("--split applies to identity policies (crud and actions templates), not to resource or trust templates")
		}
		return app.writeGrant(db, src, name, opts.Options, opts.Formats[0])
	}
	res, err := workbench.Write(db, src, name, opts)
	if err != nil {
		return nil, err
	}
	for _, w := range res.Diagnostics {
		fmt.Fprintf(app.Stderr, "%s: %s\n", w.Severity.Label(), w.Error())
	}
	fmt.Fprintf(app.Stderr, "%s: %s\n", diag.DisplayName(name), res.Size.Summary())
	if res.Split != nil {
		fmt.Fprintf(app.Stderr, "%s: %s\n", diag.DisplayName(name), res.Split.Summary())
	}
	return res.Renderings[0].Text, nil
}

// fmtChoices are the --fmt values of write-policy: Policy Sentry's, in
// its order (its help text shows them), then any other format.
func fmtChoices() []string {
	out := []string{"yaml", "json", "terraform"}
	for _, n := range policyfmt.Names() {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

func newWritePolicyDirCmd(app *App) *Command {
	var inDir, outDir string
	var min minimizeFlags
	cmd := &cobra.Command{
		Use:   "write-policy-dir",
		Short: "Write a policy for every YAML template in a folder (one JSON file each).",
		Long:  "Write an IAM policy for every YAML template (*.yml, *.yaml) in --input-dir into --output-dir, one JSON file per template, named after it.",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := min.options()
			if err != nil {
				return err
			}
			db, err := app.DB()
			if err != nil {
				return err
			}
			entries, err := os.ReadDir(inDir)
			if err != nil {
				return fmt.Errorf("--input-dir: %w", err)
			}
			if err := os.MkdirAll(outDir, 0o755); err != nil {
				return fmt.Errorf("--output-dir: %w", err)
			}
			var names []string
			for _, e := range entries {
				ext := strings.ToLower(filepath.Ext(e.Name()))
				if !e.IsDir() && (ext == ".yml" || ext == ".yaml") {
					names = append(names, e.Name())
				}
			}
			sort.Strings(names)
			if len(names) == 0 {
				return fmt.Errorf("--input-dir %s has no .yml or .yaml templates", inDir)
			}
			var failed []string
			for _, n := range names {
				path := filepath.Join(inDir, n)
				src, err := os.ReadFile(path)
				if err == nil {
					var out []byte
					out, err = app.writePolicy(db, src, path, workbench.WriteOptions{Options: opts, Formats: []string{"json"}})
					if err == nil {
						dst := filepath.Join(outDir, strings.TrimSuffix(n, filepath.Ext(n))+".json")
						err = os.WriteFile(dst, out, 0o644)
						if err == nil {
							fmt.Fprintf(app.Stdout, "%s -> %s\n", path, dst)
						}
					}
				}
				if err != nil {
					fmt.Fprintln(app.Stderr, err)
					failed = append(failed, n)
				}
			}
			if len(failed) > 0 {
				return fmt.Errorf("%d of %d templates failed: %s", len(failed), len(names), strings.Join(failed, ", "))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&inDir, "input-dir", "", "Folder of YAML templates.")
	cmd.Flags().StringVar(&outDir, "output-dir", "", "Folder to write the JSON policies to (created if missing).")
	min.add(cmd)
	addFlagMeta(cmd.Flags(), "input-dir", "", nil, true)
	addFlagMeta(cmd.Flags(), "output-dir", "", nil, true)
	return cmd
}
