package cli

import (
	"fmt"
	"io"
	"os"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/validate"
	"github.com/leastpriv/policysentry/engine/workbench"
	"github.com/spf13/cobra"
)

func init() { register("validate", newValidateCmd) }

const validateLong = `Validate IAM policies offline, as IAM Access Analyzer's policy validation does, without
credentials or network: each finding has Access Analyzer's finding type (ERROR, SECURITY_WARNING,
WARNING, SUGGESTION) and issue code, a message, the JSON path, the line and column, and a link to the
documentation of the check (--list-checks lists them).

--policy takes a policy file, a folder (every *.json file in it), or - for standard input, in every
shape analyze reads: a policy, an array of policies, get-policy-version output, get-role output, or
get-account-authorization-details output (each policy named after its owner; roles' trust policies
are validated as trust policies). URL-encoded documents, as IAM's API returns them, are decoded.

--ignore takes a YAML file of rules; a finding is dropped when every field of a rule matches:

` + "\b\n" + `  ignore:
    - code: RESOURCE_STAR                  # this code everywhere
    - code: PASS_ROLE_WITH_STAR_IN_RESOURCE
      path: '^\$\.Statement\[2\]'          # only under this JSON path (regular expression)
    - file: 'legacy/**'                    # every finding in these files (glob; ** crosses folders)
    - file: '*.trust.json'                 # a glob without / matches the base name
      code: MISSING_VERSION
    - policy: 'role/ci-*'                  # policies of an authorization-details dump, by name

Custom checks, as Access Analyzer's CheckAccessNotGranted and CheckNoPublicAccess do online:
--must-not-grant FILE and --guardrail NAME report each statement granting forbidden access
(MUST_NOT_GRANT); --check-public reports resource and trust policy statements open to anyone
(PUBLIC_ACCESS). Both are SECURITY_WARNINGs.

Unknown codes in the ignore file are an error. The exit code is 3 when a finding is at the --fail-on
finding type or above, 1 when an input cannot be read, else 0.`

func newValidateCmd(app *App) *Command {
	var target, policyType, resourceType, format, failOn, ignoreFile string
	var listChecks, public bool
	var guards guardFlags
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Validate IAM policies offline, like IAM Access Analyzer (issue codes, lines, SARIF).",
		Long:  validateLong,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if listChecks {
				return writeChecks(app.Stdout)
			}
			if target == "" {
				return Usagef("Missing option '--policy'.")
			}
			pt, err := validate.ParsePolicyType(policyType)
			if err != nil {
				return Usagef("Invalid value for '--policy-type': %v", err)
			}
			opts := validate.Options{PolicyType: pt, ResourceType: resourceType}
			if err := opts.CheckOptions(); err != nil {
				return Usagef("Invalid value for '--resource-type': %v", err)
			}
			var threshold diag.Severity = -1
			if failOn != "" {
				if threshold, err = diag.ParseSeverity(failOn); err != nil {
					return Usagef("Invalid value for '--fail-on': %v", err)
				}
			}
			var ig *validate.Ignore
			if ignoreFile != "" {
				src, err := os.ReadFile(ignoreFile)
				if err != nil {
					return fmt.Errorf("--ignore: %w", err)
				}
				if ig, err = validate.ParseIgnore(src, ignoreFile); err != nil {
					return fmt.Errorf("--ignore: %w", err)
				}
			}
			db, err := app.DB()
			if err != nil {
				return err
			}
			if opts.Guardrails, err = guards.resolve(db); err != nil {
				return err
			}
			opts.CheckPublic = public
			inputs, err := readValidateInputs(target, app.Stdin)
			if err != nil {
				return err
			}
			res, err := workbench.ValidateAll(db, inputs, workbench.ValidateOptions{Options: opts, Ignore: ig})
			if err != nil {
				return err
			}
			out, err := res.Render(format, Version)
			if err != nil {
				return err
			}
			if _, err := app.Stdout.Write(out); err != nil {
				return err
			}
			if threshold >= 0 {
				if w, ok := res.Worst(); ok && w <= threshold {
					return &exitError{code: 3, msg: fmt.Sprintf("findings at %s or above (worst: %s)", threshold, w)}
				}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&target, "policy", "p", "", "A policy file, a folder of policy files (*.json), or - for standard input.")
	f.StringVar(&policyType, "policy-type", "identity", "Policy type for documents whose type the input does not say: identity, resource, scp, rcp or trust.")
	f.StringVar(&resourceType, "resource-type", "", "For resource policies: the resource type, e.g. AWS::S3::Bucket, AWS::KMS::Key, AWS::SQS::Queue, AWS::SNS::Topic, AWS::Lambda::Function, AWS::SecretsManager::Secret, AWS::ECR::Repository.")
	addFmt(cmd, &format, `Output format. Defaults to "text"`, "text", "text", "json", "sarif")
	f.StringVar(&failOn, "fail-on", "", "Exit with code 3 when a finding is of this type or above: error, security-warning, warning or suggestion.")
	f.StringVar(&ignoreFile, "ignore", "", "YAML file of rules that drop findings by code, JSON path (regex), file or policy name (glob).")
	guards.add(f, "the policies")
	f.BoolVar(&public, "check-public", false, "Report resource and trust policy statements that any principal can use (PUBLIC_ACCESS).")
	f.BoolVar(&listChecks, "list-checks", false, "List every check: issue code, finding type and description.")
	addFlagMeta(f, "policy", "", nil, false)
	addFlagMeta(f, "policy-type", "", []string{"identity", "resource", "scp", "rcp", "trust"}, false)
	addFlagMeta(f, "fail-on", "", []string{"error", "security-warning", "warning", "suggestion"}, false)
	return cmd
}

// readValidateInputs reads a file, every *.json file of a folder (sorted),
// or standard input ("-").
func readValidateInputs(target string, stdin io.Reader) ([]workbench.Input, error) {
	if target == "-" {
		src, err := io.ReadAll(stdin)
		if err != nil {
			return nil, fmt.Errorf("--policy -: reading standard input: %w", err)
		}
		return []workbench.Input{{Name: diag.StdinName, Data: src}}, nil
	}
	info, err := os.Stat(target)
	if err != nil {
		return nil, fmt.Errorf("--policy: %w", err)
	}
	files := []string{target}
	if info.IsDir() {
		if files, err = policyFilesIn(target); err != nil {
			return nil, err
		}
	}
	out := make([]workbench.Input, 0, len(files))
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("--policy: %w", err)
		}
		out = append(out, workbench.Input{Name: f, Data: src})
	}
	return out, nil
}

// writeChecks lists the table of checks.
func writeChecks(w io.Writer) error {
	for _, c := range validate.Checks() {
		if _, err := fmt.Fprintf(w, "%-55s %-16s %s\n", c.Code, c.Severity, c.Description); err != nil {
			return err
		}
	}
	return nil
}
