package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/leastpriv/policysentry/engine/internal/awsaccount"
	"github.com/spf13/cobra"
)

// newDownloadPoliciesCmd is Policy Sentry's download-policies: it reads
// the account's IAM policies with the user's own AWS credentials and
// writes them under ~/.policy_sentry/policy-analysis/ACCOUNT/, or, with
// --output, as one get-account-authorization-details JSON file that
// analyze, analyze-iam-policy and the web app read.
func newDownloadPoliciesCmd(app *App) *Command {
	var o downloadOpts
	cmd := &cobra.Command{
		Use:   "download-policies",
		Short: "Download an AWS account's IAM policies for the analyze commands (uses your AWS credentials).",
		Long: "Download remote IAM policies to a directory for use in the analyze-iam-policy and analyze commands: " +
			"the default version of each managed policy, one JSON file per policy, in " +
			"~/.policy_sentry/policy-analysis/ACCOUNT_ID/customer-managed (and aws-managed with --aws-managed). " +
			"With --output, write instead the whole account (users, groups, roles, their inline policies and " +
			"attachments, managed policies) as one file in the format of `aws iam get-account-authorization-details`.\n\n" +
			"Credentials come from the AWS SDKs' usual places, in their order (--profile, else AWS_ACCESS_KEY_ID, AWS_PROFILE or the default profile " +
			"of ~/.aws/config and ~/.aws/credentials with roles, SSO and credential_process, then container or EC2 instance credentials); the " +
			"identity needs iam:GetAccountAuthorizationDetails and sts:GetCallerIdentity. Nothing is sent " +
			"anywhere but AWS.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := context.WithTimeout(cmd.Context(), o.timeout)
			defer cancel()
			if o.recursive {
				profiles, err := awsProfiles()
				if err != nil {
					return err
				}
				for _, p := range profiles {
					fmt.Fprintf(app.Stdout, "Downloading policies under profile %s\n", p)
					o.profile = p
					if err := app.downloadPolicies(ctx, &o); err != nil {
						return err
					}
				}
				return nil
			}
			return app.downloadPolicies(ctx, &o)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.recursive, "recursive", false, "Use this flag to download *all* IAM policies from accounts listed in your AWS credentials file.")
	f.StringVar(&o.profile, "profile", "", "To authenticate to AWS and analyze *all* existing IAM policies. Default: the environment's keys, else AWS_PROFILE, else the default profile.")
	f.BoolVar(&o.awsManaged, "aws-managed", false, "Use flag if you want to download AWS Managed policies too.")
	f.BoolVar(&o.unattached, "include-unattached", false, "Download both attached and unattached policies.")
	f.StringVarP(&o.output, "output", "o", "", "Write the whole account as one get-account-authorization-details JSON file ('-' for stdout) instead of the policy folders.")
	f.DurationVar(&o.timeout, "timeout", 15*time.Minute, "Give up after this long (retries on throttling included).")
	addFlagMeta(f, "timeout", "DURATION", nil, false)
	addFlagMeta(f, "output", "FILE", nil, false)
	registerPathCompletion(cmd, "output", "json")
	_ = cmd.RegisterFlagCompletionFunc("profile", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		p, _ := awsProfiles()
		return p, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

type downloadOpts struct {
	profile, output                   string
	recursive, awsManaged, unattached bool
	timeout                           time.Duration
}

func (app *App) downloadPolicies(ctx context.Context, o *downloadOpts) error {
	ao := awsaccount.Options{Profile: o.profile, Progress: func(page int, d *awsaccount.Details) {
		fmt.Fprintf(app.Stderr, "page %d: %d users, %d groups, %d roles, %d managed policies\n",
			page, len(d.UserDetailList), len(d.GroupDetailList), len(d.RoleDetailList), len(d.Policies))
	}}
	if o.output == "" {
		ao.Filter = awsaccount.Filter{CustomerManaged: true, AWSManaged: o.awsManaged}
	}
	res, err := awsaccount.Download(ctx, ao)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("download-policies: gave up after --timeout %s: %w", o.timeout, err)
		}
		return err
	}
	if o.output != "" {
		return app.writeAuthDetails(res, o.output)
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return fmt.Errorf("download-policies: cannot find the home folder: %w", err)
	}
	base := filepath.Join(home, ".policy_sentry", "policy-analysis", res.AccountID)
	type kind struct {
		dir string
		aws bool
	}
	kinds := []kind{{"customer-managed", false}}
	if o.awsManaged {
		kinds = append(kinds, kind{"aws-managed", true})
	}
	for _, k := range kinds {
		dir := filepath.Join(base, k.dir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("download-policies: %w", err)
		}
		fmt.Fprintf(app.Stdout, "Writing the policy files to %s\n", dir)
		written, skipped := 0, 0
		keep := map[string]bool{}
		for i := range res.Details.Policies {
			p := &res.Details.Policies[i]
			if p.AWSManaged() != k.aws {
				continue
			}
			if p.AttachmentCount == 0 && !o.unattached {
				skipped++
				continue
			}
			doc := p.DefaultDocument()
			if doc == nil {
				app.Warnf("%s: no default version document; skipped", p.Arn)
				continue
			}
			var buf bytes.Buffer
			if err := json.Indent(&buf, doc, "", "    "); err != nil {
				return fmt.Errorf("%s: %w", p.Arn, err)
			}
			buf.WriteByte('\n')
			if err := os.WriteFile(filepath.Join(dir, p.PolicyName+".json"), buf.Bytes(), 0o644); err != nil {
				return fmt.Errorf("download-policies: %w", err)
			}
			keep[p.PolicyName+".json"] = true
			written++
		}
		// A policy of an earlier download that this one did not write
		// (deleted, detached) would be analyzed as if it were current.
		stale, err := removeStale(dir, keep)
		if err != nil {
			return err
		}
		if stale > 0 {
			fmt.Fprintf(app.Stdout, "Removed %d policy files of an earlier download that this one did not write\n", stale)
		}
		msg := fmt.Sprintf("Wrote %d %s policies", written, strings.ReplaceAll(k.dir, "-", " "))
		if skipped > 0 {
			msg += fmt.Sprintf(" (%d not attached to anything skipped; --include-unattached downloads them)", skipped)
		}
		fmt.Fprintln(app.Stdout, msg)
	}
	fmt.Fprintf(app.Stdout, "\nAnalyze them with:\n  policy-sentry analyze-iam-policy --policy %s --from-access-level permissions-management\n", filepath.Join(base, "customer-managed"))
	return nil
}

// writeAuthDetails writes the get-account-authorization-details JSON.
func (app *App) writeAuthDetails(res *awsaccount.Result, path string) error {
	b, err := json.MarshalIndent(res.Details, "", "    ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	d := res.Details
	summary := fmt.Sprintf("account %s: %d users, %d groups, %d roles, %d managed policies (%d pages)",
		res.AccountID, len(d.UserDetailList), len(d.GroupDetailList), len(d.RoleDetailList), len(d.Policies), res.Pages)
	if path == "-" {
		_, err := app.Stdout.Write(b)
		fmt.Fprintln(app.Stderr, summary)
		return err
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("--output: %w", err)
	}
	fmt.Fprintf(app.Stdout, "Wrote %s to %s\nAudit it with: policy-sentry analyze --policy %s\n", summary, path, path)
	return nil
}

// awsProfiles lists the profiles of the AWS shared config and credentials
// files (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE or ~/.aws/...),
// sorted, for --recursive and completion.
func awsProfiles() ([]string, error) {
	profiles, err := awsaccount.Profiles()
	if err != nil {
		return nil, fmt.Errorf("--recursive: %w", err)
	}
	if len(profiles) == 0 {
		return nil, errors.New("--recursive: no profiles in the AWS config or credentials file: add them with `aws configure --profile NAME`")
	}
	return profiles, nil
}

// removeStale removes the *.json files in dir that keep does not name.
func removeStale(dir string, keep map[string]bool) (int, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, f := range names {
		if !keep[filepath.Base(f)] {
			if err := os.Remove(f); err != nil {
				return n, fmt.Errorf("download-policies: %w", err)
			}
			n++
		}
	}
	return n, nil
}
