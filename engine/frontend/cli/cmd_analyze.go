package cli

import (
	"fmt"
	"os"

	"github.com/leastpriv/policysentry/engine/audit"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/workbench"
	"github.com/spf13/cobra"
)

func init() { register("analyze", newAnalyzeCmd) }

func newAnalyzeCmd(app *App) *Command {
	var target, level, auditFile, format, failOn, exclusionsFile string
	cmd := &cobra.Command{
		Use:   "analyze",
		Short: "Audit IAM policies: expand wildcards, access levels, risky actions.",
		Long: "Audit IAM policy files (a policy, a folder of policies, or the output of " +
			"`aws iam get-account-authorization-details`): expand wildcards, group the allowed actions by " +
			"access level, and report privilege escalation, resource exposure, credentials exposure, data " +
			"exfiltration and infrastructure modification risks, each finding with its statement, whether it reaches " +
			"every resource of its actions (decided from the ARN formats, not from a literal \"*\") or is constrained " +
			"by Resource or Condition, and a severity. Authorization details are analysed per principal (users with " +
			"their groups, groups, roles): Deny statements subtracted across policies, permissions boundaries applied, " +
			"escalation paths completed across policies, and trust policies assessed. The exit code is 0 whatever the " +
			"findings unless --fail-on is given (then 3).",
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
			if exclusionsFile != "" {
				src, err := os.ReadFile(exclusionsFile)
				if err != nil {
					return fmt.Errorf("--exclusions-file: %w", err)
				}
				if opts.Exclusions, err = audit.ParseExclusions(src, exclusionsFile); err != nil {
					return err
				}
			}
			res, failed, err := auditPolicies(db, target, opts)
			if err != nil {
				return err
			}
			rep := res.Report
			if level != "" {
				l, err := iamdb.ParseAccessLevel(level)
				if err != nil {
					return err
				}
				out, _, err := res.RenderLevel(l, format)
				if err != nil {
					return err
				}
				if _, err := app.Stdout.Write(out); err != nil {
					return err
				}
			} else if _, err := res.RenderTo(app.Stdout, format); err != nil {
				return err
			}
			if failed > 0 {
				return &exitError{code: ExitError, msg: fmt.Sprintf("Error: %d policy files could not be read", failed)}
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
	addFmt(cmd, &format, `Output format. Defaults to "text"`, "text", "json", "yaml", "csv", "sarif", "text")
	f.StringVar(&exclusionsFile, "exclusions-file", "", "A Cloudsplaining-style exclusions.yml: policies, roles, users, groups, include-actions, exclude-actions, known-accounts (globs, any case).")
	f.StringVar(&failOn, "fail-on", "", "Exit with code 3 when a finding is at this severity or above: critical, high, medium or low.")
	addFlagMeta(f, "policy", "", nil, true)
	addFlagMeta(f, "from-access-level", "", []string{"read", "write", "list", "tagging", "permissions-management"}, false)
	addFlagMeta(f, "fail-on", "", []string{"critical", "high", "medium", "low"}, false)
	return cmd
}

// auditPolicies audits a policy file, or every .json file of a folder;
// it returns how many files of the folder could not be read (they are in
// the report with their error). A single file that cannot be read is an
// error.
func auditPolicies(db *iamdb.DB, target string, opts audit.Options) (*workbench.AuditResult, int, error) {
	info, err := os.Stat(target)
	if err != nil {
		return nil, 0, fmt.Errorf("--policy: %w", err)
	}
	if !info.IsDir() {
		src, err := os.ReadFile(target)
		if err != nil {
			return nil, 0, err
		}
		res, err := workbench.Audit(db, src, target, workbench.AuditOptions{Options: opts})
		if err != nil {
			return nil, 0, err
		}
		return res, 0, nil
	}
	files, err := policyFilesIn(target)
	if err != nil {
		return nil, 0, err
	}
	inputs := make([]workbench.Input, len(files))
	unreadable := map[string]error{}
	for i, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			unreadable[f] = err
		}
		inputs[i] = workbench.Input{Name: f, Data: src}
	}
	res, err := workbench.AuditAll(db, inputs, workbench.AuditOptions{Options: opts})
	if err != nil {
		return nil, 0, err
	}
	failed := 0
	for _, p := range res.Report.Policies {
		if e, ok := unreadable[p.Name]; ok {
			p.Error = e.Error()
		}
		if p.Error != "" {
			failed++
		}
	}
	return res, failed, nil
}
