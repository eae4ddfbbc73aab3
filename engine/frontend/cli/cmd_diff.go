package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/leastpriv/policysentry/engine/diff"
	"github.com/leastpriv/policysentry/engine/workbench"
)

func init() { register("diff", newDiffCmd) }

func newDiffCmd(app *App) *Command {
	var format, resourceType string
	var guards guardFlags
	var public bool
	cmd := &cobra.Command{
		Use:   "diff OLD NEW",
		Short: "Review a policy change offline: new access, guardrails, public access.",
		Long: "Compare two policies (files, folders matched by file name, or - for standard input) and list the " +
			"access NEW grants that OLD did not, as actions on resource patterns with the statements responsible, " +
			"and what NEW no longer grants. Wildcards and NotAction are expanded against the dataset, resource " +
			"patterns compared as patterns, Deny statements subtracted, and conditions compared conservatively " +
			"(a removed or loosened condition \"may grant\" new access). --must-not-grant and --guardrail check NEW " +
			"against forbidden access; --public checks resource and trust policies for public access. Exit code 3 " +
			"when NEW grants new access, hits a guardrail or is public; 0 otherwise.",
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			db, err := app.DB()
			if err != nil {
				return err
			}
			var opts diff.Options
			if opts.Guardrails, err = guards.resolve(db); err != nil {
				return err
			}
			opts.Public, opts.ResourceType = public || resourceType != "", resourceType
			if args[0] == "-" && args[1] == "-" {
				return Usagef("only one of OLD and NEW can be - (standard input)")
			}
			olds, oldDir, err := readInputs(args[0], app.Stdin)
			if err != nil {
				return fmt.Errorf("OLD: %w", err)
			}
			news, newDir, err := readInputs(args[1], app.Stdin)
			if err != nil {
				return fmt.Errorf("NEW: %w", err)
			}
			if oldDir != newDir {
				return Usagef("OLD and NEW must both be files or both be folders")
			}
			res, err := workbench.Diff(db, olds, news, workbench.DiffOptions{Options: opts, Folders: oldDir})
			if err != nil {
				return err
			}
			out, err := workbench.RenderDiff(res, format)
			if err != nil {
				return err
			}
			if _, err := app.Stdout.Write(out); err != nil {
				return err
			}
			rev := res.Review
			if rev.Failed() {
				return &exitError{code: 3, msg: "NEW grants new access, hits a guardrail or allows public access"}
			}
			return nil
		},
	}
	f := cmd.Flags()
	addFmt(cmd, &format, `Output format. Defaults to "text"`, "text", "text", "json", "sarif")
	guards.add(f, "NEW")
	f.BoolVar(&public, "public", false, "Also report statements of NEW that allow public access (resource and trust policies).")
	f.StringVar(&resourceType, "resource-type", "", "The resource type of a resource policy, e.g. AWS::S3::Bucket (implies --public).")
	addFlagMeta(f, "resource-type", "", diff.PublicResourceTypes, false)
	return cmd
}

// readInputs reads a policy file, "-" (stdin) or every *.json file of a
// folder, named relative to the folder so that OLD and NEW folders match
// by name. dir reports a folder.
func readInputs(target string, stdin io.Reader) (ins []workbench.DiffInput, dir bool, err error) {
	if target == "-" {
		b, err := io.ReadAll(stdin)
		if err != nil {
			return nil, false, err
		}
		return []workbench.DiffInput{{Input: workbench.Input{Name: "-", Data: b}, Key: "-"}}, false, nil
	}
	info, err := os.Stat(target)
	if err != nil {
		return nil, false, err
	}
	if !info.IsDir() {
		b, err := os.ReadFile(target)
		if err != nil {
			return nil, false, err
		}
		return []workbench.DiffInput{{Input: workbench.Input{Name: target, Data: b}, Key: target}}, false, nil
	}
	err = filepath.WalkDir(target, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.EqualFold(filepath.Ext(path), ".json") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(target, path)
		ins = append(ins, workbench.DiffInput{Input: workbench.Input{Name: path, Data: b}, Key: filepath.ToSlash(rel)})
		return nil
	})
	sort.Slice(ins, func(i, j int) bool { return ins[i].Key < ins[j].Key })
	return ins, true, err
}
