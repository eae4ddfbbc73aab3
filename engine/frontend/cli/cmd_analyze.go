package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/leastpriv/policysentry/engine/audit"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/policy"
	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"
)

func init() { register(newAnalyzeCmd) }

func newAnalyzeCmd(app *App) *Command {
	var target, level, auditFile, format, failOn string
	cmd := &cobra.Command{
		Use:   "analyze",
		Short: "Audit IAM policies: expand wildcards, access levels, risky actions.",
		Long: "Audit IAM policy files (a policy, a folder of policies, or the output of " +
			"`aws iam get-account-authorization-details`): expand wildcards, group the allowed actions by " +
			"access level, and report privilege escalation, resource exposure, credentials exposure, data " +
			"exfiltration and infrastructure modification risks, each finding with its statement, whether it is " +
			"constrained by Resource or Condition, and a severity. The exit code is 0 whatever the findings unless " +
			"--fail-on is given (then 3).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			db, err := app.DB()
			if err != nil {
				return err
			}
			var threshold audit.Severity
			if failOn != "" {
				if threshold, err = audit.ParseSeverity(failOn); err != nil {
					return Usagef("Invalid value for '--fail-on': %v", err)
				}
			}
			opts := audit.Options{InfrastructureModification: true}
			if auditFile != "" {
				src, err := os.ReadFile(auditFile)
				if err != nil {
					return fmt.Errorf("--from-audit-file: %w", err)
				}
				l, err := audit.ParseAuditFile(src, auditFile)
				if err != nil {
					return err
				}
				opts.Lists = []*audit.List{l}
				opts.InfrastructureModification = false
			}
			docs, failed, err := loadPolicies(db, target)
			if err != nil {
				return err
			}
			rep, err := audit.Analyze(db, docs, opts)
			if err != nil {
				return err
			}
			rep.Policies = append(rep.Policies, failed...)
			if level != "" {
				return app.printLevel(db, rep, level, format)
			}
			switch format {
			case "json":
				enc := json.NewEncoder(app.Stdout)
				enc.SetIndent("", "  ")
				if err := enc.Encode(rep); err != nil {
					return err
				}
			case "yaml":
				b, _ := yaml.Marshal(rep)
				app.Stdout.Write(b)
			default:
				if err := rep.WriteText(app.Stdout); err != nil {
					return err
				}
			}
			if len(failed) > 0 {
				return &exitError{code: ExitError, msg: fmt.Sprintf("Error: %d policy files could not be read or hold policies AWS would reject", len(failed))}
			}
			if threshold != "" {
				if w := rep.Worst(); w != "" && w.AtLeast(threshold) {
					return &exitError{code: 3, msg: fmt.Sprintf("findings at severity %s or above (worst: %s)", threshold, w)}
				}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&target, "policy", "p", "", "A policy file, or a folder of policy files (*.json).")
	f.StringVarP(&level, "from-access-level", "a", "", "Only list the allowed actions at this access level.")
	f.StringVar(&auditFile, "from-audit-file", "", "Check the actions listed in this file (one per line, wildcards allowed) instead of the built-in risk lists.")
	addFmt(cmd, &format, `Output format. Defaults to "text"`, "text", "json", "yaml", "text")
	f.StringVar(&failOn, "fail-on", "", "Exit with code 3 when a finding is at this severity or above: critical, high, medium or low.")
	addFlagMeta(f, "policy", "", nil, true)
	addFlagMeta(f, "from-access-level", "", []string{"read", "write", "list", "tagging", "permissions-management"}, false)
	addFlagMeta(f, "fail-on", "", []string{"critical", "high", "medium", "low"}, false)
	return cmd
}

// printLevel prints only the allowed actions at one access level; JSON is
// a plain sorted array of service:Action strings.
func (app *App) printLevel(db *iamdb.DB, rep *audit.Report, level, format string) error {
	l, err := iamdb.ParseAccessLevel(level)
	if err != nil {
		return err
	}
	acts := rep.ActionsAt(l)
	switch format {
	case "json":
		b, _ := json.MarshalIndent(acts, "", "    ")
		fmt.Fprintln(app.Stdout, string(b))
	case "yaml":
		b, _ := yaml.Marshal(acts)
		app.Stdout.Write(b)
	default:
		for _, a := range acts {
			fmt.Fprintln(app.Stdout, a)
		}
	}
	return nil
}

// loadPolicies reads a policy file or every *.json file in a folder.
// Unreadable files are returned as reports with an error.
func loadPolicies(db *iamdb.DB, target string) ([]*policy.Document, []*audit.PolicyReport, error) {
	info, err := os.Stat(target)
	if err != nil {
		return nil, nil, fmt.Errorf("--policy: %w", err)
	}
	files := []string{target}
	if info.IsDir() {
		files = nil
		err := filepath.WalkDir(target, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.EqualFold(filepath.Ext(path), ".json") {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
		sort.Strings(files)
		if len(files) == 0 {
			return nil, nil, fmt.Errorf("--policy %s: the folder has no .json files", target)
		}
	}
	var docs []*policy.Document
	var failed []*audit.PolicyReport
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err == nil {
			src = decodeBareURLEncoded(src)
			var ds []*policy.Document
			if ds, err = policy.Load(src, f); err == nil {
				var rejected []*audit.PolicyReport
				ds, rejected = checkBeforeAudit(db, src, f, ds) // validate first: see cmd_analyze_check.go
				failed = append(failed, rejected...)
			}
			docs = append(docs, ds...)
		}
		if err != nil {
			if !info.IsDir() {
				return nil, nil, err
			}
			failed = append(failed, &audit.PolicyReport{Name: f, Error: err.Error(), Findings: []audit.Finding{}})
		}
	}
	return docs, failed, nil
}
