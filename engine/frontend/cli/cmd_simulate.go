package cli

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/leastpriv/policysentry/engine/condition"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/policy"
	"github.com/leastpriv/policysentry/engine/simulate"
	"github.com/spf13/cobra"
)

func init() { register(newSimulateCmd) }

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
	set, err := loadSet(fl)
	if err != nil {
		return err
	}
	var who *simulate.Principal
	if fl.principal != "" {
		src, err := os.ReadFile(fl.authDetails)
		if err != nil {
			return fmt.Errorf("--auth-details: %w", err)
		}
		if who, err = simulate.LoadPrincipal(src, fl.authDetails, fl.principal); err != nil {
			return err
		}
		set.Identity = append(who.Identity, set.Identity...)
		if set.Boundary == nil {
			set.Boundary = who.Boundary
		}
	}
	if len(set.Identity) == 0 && set.Resource == nil {
		return Usagef("give at least one --policy, --resource-policy or --principal")
	}
	var reqs []simulate.Request
	if fl.requests != "" {
		src, err := os.ReadFile(fl.requests)
		if err != nil {
			return fmt.Errorf("--requests: %w", err)
		}
		if reqs, err = simulate.ParseRequests(src, fl.requests); err != nil {
			return err
		}
	} else {
		db, err := app.DB()
		if err != nil {
			return err
		}
		if reqs, err = flagRequests(db, fl); err != nil {
			return err
		}
	}
	for i := range reqs {
		r := &reqs[i]
		if who != nil {
			if r.PrincipalARN == "" {
				r.PrincipalARN = who.PrincipalARN()
			}
			r.Context = who.Context(r.Context)
		}
		if r.PrincipalARN == "" {
			r.PrincipalARN = defaultPrincipal(r)
		}
	}
	out := &simulate.Output{}
	for _, res := range set.EvaluateAll(reqs) {
		out.Add(res)
	}
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

// defaultPrincipal is a user in the resource's account.
func defaultPrincipal(r *simulate.Request) string {
	acct := r.ResourceAccount
	if acct == "" {
		if p := strings.SplitN(r.Resource, ":", 6); len(p) == 6 {
			acct = p[4]
		}
	}
	if acct == "" {
		acct = "123456789012"
	}
	return "arn:aws:iam::" + acct + ":user/simulated"
}

// loadSet reads the policy files named by the flags.
func loadSet(fl *simulateFlags) (*simulate.Set, error) {
	s := &simulate.Set{ResourcePolicyRequired: fl.required}
	load := func(flag, file string) ([]*simulate.Policy, error) {
		src, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("--%s: %w", flag, err)
		}
		docs, err := policy.Load(src, file)
		if err != nil {
			return nil, err
		}
		out := make([]*simulate.Policy, 0, len(docs))
		for _, d := range docs {
			p, err := simulate.Compile(d)
			if err != nil {
				return nil, err
			}
			out = append(out, p)
		}
		return out, nil
	}
	single := func(flag, file string) (*simulate.Policy, error) {
		if file == "" {
			return nil, nil
		}
		ps, err := load(flag, file)
		if err != nil {
			return nil, err
		}
		if len(ps) != 1 {
			return nil, Usagef("--%s %s: expected one policy document, found %d", flag, file, len(ps))
		}
		return ps[0], nil
	}
	for _, f := range fl.policies {
		ps, err := load("policy", f)
		if err != nil {
			return nil, err
		}
		s.Identity = append(s.Identity, ps...)
	}
	for _, f := range fl.sessions {
		ps, err := load("session-policy", f)
		if err != nil {
			return nil, err
		}
		s.Session = append(s.Session, ps...)
	}
	var err error
	if s.Resource, err = single("resource-policy", fl.resourcePolicy); err != nil {
		return nil, err
	}
	if s.Boundary, err = single("boundary", fl.boundary); err != nil {
		return nil, err
	}
	for _, f := range fl.scps {
		ps, err := load("scp", f)
		if err != nil {
			return nil, err
		}
		s.SCPs = append(s.SCPs, ps)
	}
	for _, f := range fl.rcps {
		ps, err := load("rcp", f)
		if err != nil {
			return nil, err
		}
		s.RCPs = append(s.RCPs, ps)
	}
	return s, nil
}

// flagRequests builds the requests of --action, --resource, --context:
// one per action after expanding wildcards against the dataset.
func flagRequests(db *iamdb.DB, fl *simulateFlags) ([]simulate.Request, error) {
	var actions []string
	for _, a := range fl.actions {
		if !strings.Contains(a, ":") && a != "*" {
			return nil, Usagef("--action %q: expected service:Action", a)
		}
		if !strings.ContainsAny(a, "*?") {
			if act := db.Action(a); act != nil {
				a = act.FullName()
			}
			actions = append(actions, a)
			continue
		}
		acts := db.Expand(a)
		if len(acts) == 0 {
			return nil, Usagef("--action %q matches no action in the dataset", a)
		}
		for _, act := range acts {
			actions = append(actions, act.FullName())
		}
	}
	ctx := simulate.Context{}
	var order []string
	for _, kv := range fl.contexts {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, Usagef("--context %q: expected key=value", kv)
		}
		kt := keyType(db, k)
		vals := []string{v}
		if kt.MultiValued {
			vals = nil
			if v != "" {
				vals = strings.Split(v, ",")
			}
		}
		for _, x := range vals {
			if err := condition.CheckValue(kt.Type, x); err != nil {
				return nil, Usagef("--context %s: %v (the key's type is %s)", k, err, kt)
			}
		}
		if _, seen := ctx[k]; !seen {
			order = append(order, k)
		}
		ctx[k] = append(ctx[k], vals...)
	}
	sort.Strings(order)
	reqs := make([]simulate.Request, 0, len(actions))
	for _, a := range actions {
		reqs = append(reqs, simulate.Request{PrincipalARN: fl.principalARN, Action: a, Resource: fl.resource,
			ResourceAccount: fl.resAcct, Context: ctx})
	}
	return reqs, nil
}

// keyType is a condition key's type: a global key's, or the dataset's for
// a service key (String when unknown).
func keyType(db *iamdb.DB, key string) condition.KeyType {
	if g := condition.LookupGlobal(key); g != nil {
		return g.Type
	}
	if svc, _, ok := strings.Cut(key, ":"); ok {
		if s := db.Service(strings.ToLower(svc)); s != nil {
			if c := s.Condition(key); c != nil {
				return condition.ParseKeyType(c.Type)
			}
			// Keys with a suffix: "s3:RequestObjectTag/${TagKey}".
			if i := strings.IndexByte(key, '/'); i > 0 {
				prefix := strings.ToLower(key[:i+1])
				for _, c := range s.Conditions {
					if strings.HasPrefix(strings.ToLower(c.Name), prefix) {
						return condition.ParseKeyType(c.Type)
					}
				}
			}
		}
	}
	return condition.KeyType{Type: condition.String}
}
