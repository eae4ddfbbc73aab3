package cli

import (
	"bufio"
	"fmt"
	"os"

	"github.com/leastpriv/policysentry/engine/simulate"
	"github.com/leastpriv/policysentry/engine/workbench"
	"github.com/spf13/cobra"
)

// ExitDenied is simulate's exit code when a request is not allowed.
const ExitDenied = 3

type simulateFlags struct {
	policies, scps, rcps, sessions   []string
	resourcePolicy, boundary         string
	actions, contexts                []string
	resource, principalARN, resAcct  string
	requests, principal, authDetails string
	format                           string
	required                         bool
}

func newSimulateCmd(app *App) *Command {
	var fl simulateFlags
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Simulate requests offline: allowed or denied, by which statement, and why not.",
		Long: "Evaluate requests against IAM policies offline with AWS's policy evaluation logic: identity " +
			"policies, a resource-based policy (same-account and cross-account rules), a permissions boundary, " +
			"session policies, and SCPs and RCPs (--scp/--rcp once per organization level, root first; each " +
			"level must allow). Each answer names the deciding statements (policy, Sid, line:column), every " +
			"condition with the values compared, and for an implicit deny the statement that came closest. " +
			"Give one request with --action (repeatable; wildcards expand against the dataset), --resource, " +
			"--principal-arn and --context key=value (typed by the dataset's condition-key types; list values " +
			"of ArrayOf keys with commas), or many with --requests FILE (a JSON array of " +
			"{action, resource, principal_arn, context}). --principal NAME takes a user's or role's policies, " +
			"groups, boundary and tags from --auth-details (get-account-authorization-details output). " +
			"The exit code is 0 when every request is allowed, 3 otherwise.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return app.runSimulate(&fl)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&fl.policies, "policy", nil, "An identity-based policy file (repeatable; a file may hold several documents).")
	f.StringVar(&fl.resourcePolicy, "resource-policy", "", "The resource-based policy file (bucket policy, key policy, trust policy, ...).")
	f.StringVar(&fl.boundary, "boundary", "", "The permissions boundary policy file.")
	f.StringArrayVar(&fl.sessions, "session-policy", nil, "A session policy file (repeatable).")
	f.StringArrayVar(&fl.scps, "scp", nil, "The SCPs of one organization level, root first (repeatable: one file per level; a file may hold several documents).")
	f.StringArrayVar(&fl.rcps, "rcp", nil, "The RCPs of one organization level, root first (repeatable, like --scp).")
	f.BoolVar(&fl.required, "resource-policy-required", false, "The resource-based policy must allow even within the account (KMS key policies, role trust policies).")
	f.StringArrayVar(&fl.actions, "action", nil, "The action, service:Action (repeatable; wildcards expand against the dataset).")
	f.StringVar(&fl.resource, "resource", "*", "The resource ARN.")
	f.StringVar(&fl.resAcct, "resource-account", "", "The account owning the resource, for ARNs without one (S3).")
	f.StringVar(&fl.principalARN, "principal-arn", "", "Who calls: a user, role or assumed-role session ARN, an account, a service principal. Default: a user in the resource's account.")
	f.StringArrayVar(&fl.contexts, "context", nil, "A condition key and its value, key=value (repeatable).")
	f.StringVar(&fl.requests, "requests", "", "A JSON file of requests, evaluated instead of --action.")
	f.StringVar(&fl.principal, "principal", "", "A user or role name (or ARN) in --auth-details: its policies, groups, boundary and tags.")
	f.StringVar(&fl.authDetails, "auth-details", "", "get-account-authorization-details output, for --principal.")
	addFmt(cmd, &fl.format, `Output format. Defaults to "text"`, "text", "json", "text")
	for name, metavar := range map[string]string{
		"policy": "FILE", "resource-policy": "FILE", "boundary": "FILE", "session-policy": "FILE",
		"scp": "FILE", "rcp": "FILE", "action": "SERVICE:ACTION", "resource": "ARN",
		"resource-account": "ACCOUNT", "principal-arn": "ARN", "context": "KEY=VALUE",
		"requests": "FILE", "principal": "NAME", "auth-details": "FILE",
	} {
		addFlagMeta(f, name, metavar, nil, false)
	}
	return cmd
}

func (app *App) runSimulate(fl *simulateFlags) error {
	if (fl.principal == "") != (fl.authDetails == "") {
		return Usagef("--principal and --auth-details go together")
	}
	if fl.requests == "" && len(fl.actions) == 0 {
		return Usagef("give --action (repeatable) or --requests FILE")
	}
	if fl.requests != "" && (len(fl.actions) > 0 || len(fl.contexts) > 0) {
		return Usagef("--requests replaces --action and --context: give one or the other")
	}
	if len(fl.policies) == 0 && fl.resourcePolicy == "" && fl.principal == "" {
		return Usagef("give at least one --policy, --resource-policy or --principal")
	}
	in := workbench.SimulateInput{ResourcePolicyRequired: fl.required, Principal: fl.principal}
	read := func(flag, file string) (workbench.Input, error) {
		b, err := os.ReadFile(file)
		if err != nil {
			return workbench.Input{}, fmt.Errorf("--%s: %w", flag, err)
		}
		return workbench.Input{Name: file, Data: b}, nil
	}
	readAll := func(flag string, files []string) ([]workbench.Input, error) {
		var out []workbench.Input
		for _, f := range files {
			i, err := read(flag, f)
			if err != nil {
				return nil, err
			}
			out = append(out, i)
		}
		return out, nil
	}
	readOne := func(flag, file string) (*workbench.Input, error) {
		if file == "" {
			return nil, nil
		}
		i, err := read(flag, file)
		return &i, err
	}
	var err error
	if in.Identity, err = readAll("policy", fl.policies); err != nil {
		return err
	}
	if in.Session, err = readAll("session-policy", fl.sessions); err != nil {
		return err
	}
	for _, f := range fl.scps {
		l, err := readAll("scp", []string{f})
		if err != nil {
			return err
		}
		in.SCPs = append(in.SCPs, l)
	}
	for _, f := range fl.rcps {
		l, err := readAll("rcp", []string{f})
		if err != nil {
			return err
		}
		in.RCPs = append(in.RCPs, l)
	}
	if in.Resource, err = readOne("resource-policy", fl.resourcePolicy); err != nil {
		return err
	}
	if in.Boundary, err = readOne("boundary", fl.boundary); err != nil {
		return err
	}
	if in.AuthDetails, err = readOne("auth-details", fl.authDetails); err != nil {
		return err
	}
	db, err := app.DB()
	if err != nil {
		return err
	}
	if fl.requests != "" {
		src, err := os.ReadFile(fl.requests)
		if err != nil {
			return fmt.Errorf("--requests: %w", err)
		}
		if in.Requests, err = simulate.ParseRequests(src, fl.requests); err != nil {
			return err
		}
	} else {
		actions, err := workbench.ExpandActions(db, fl.actions)
		if err != nil {
			return Usagef("--%v", err)
		}
		ctx, err := workbench.ParseContext(db, fl.contexts)
		if err != nil {
			return Usagef("--context %v", err)
		}
		for _, a := range actions {
			in.Requests = append(in.Requests, simulate.Request{PrincipalARN: fl.principalARN, Action: a,
				Resource: fl.resource, ResourceAccount: fl.resAcct, Context: ctx})
		}
	}
	res, err := workbench.Simulate(db, in)
	if err != nil {
		return err
	}
	out := res.Output
	switch fl.format {
	case "json":
		if err := simulate.WriteJSON(app.Stdout, out); err != nil {
			return err
		}
	default:
		w := bufio.NewWriterSize(app.Stdout, 64<<10)
		if err := simulate.WriteText(w, out.Results); err != nil {
			return err
		}
		fmt.Fprintf(w, "\n%d allowed, %d denied\n", out.Allowed, out.Denied)
		if err := w.Flush(); err != nil {
			return err
		}
	}
	if out.Denied > 0 {
		return &exitError{code: ExitDenied}
	}
	return nil
}
