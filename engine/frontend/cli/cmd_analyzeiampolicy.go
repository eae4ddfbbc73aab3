package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/leastpriv/policysentry/engine/audit"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/policy"
	"github.com/spf13/cobra"
)

// accessLevelChoices are the --from-access-level values.
var accessLevelChoices = []string{"read", "write", "list", "tagging", "permissions-management"}

// newAnalyzeIAMPolicyCmd is Policy Sentry 0.5-0.6's analyze-iam-policy,
// with its documented output: "Evaluating: FILE", "Access level: LEVEL"
// and the actions as a Python list, or, for a folder, one "Policy: NAME"
// block per file. The analysis is the audit engine's, as for `analyze`.
func newAnalyzeIAMPolicyCmd(app *App) *Command {
	var o iamPolicyOpts
	cmd := &cobra.Command{
		Use:   "analyze-iam-policy",
		Short: "Analyze IAM Actions given a JSON policy file (Policy Sentry 0.5 form of analyze).",
		Long: "Analyze IAM Actions given a JSON policy file or a folder of them: expand the wildcards, then list " +
			"the actions at one access level (--from-access-level) or audit them against a list of risky " +
			"actions (--from-audit-file, or the built-in privilege escalation, resource exposure, credentials " +
			"exposure and data exfiltration lists). The `analyze` command gives the full report.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.resolveAliases(); err != nil {
				return err
			}
			db, err := app.DB()
			if err != nil {
				return err
			}
			return app.analyzeIAMPolicy(db, &o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.auditFile, "from-audit-file", "", "The file containing AWS actions to audit, one per line (wildcards allowed). "+
		"A missing file named like a bundled one (privilege-escalation.txt, resource-exposure.txt, credentials-exposure.txt, "+
		"data-exfiltration.txt, infrastructure-modification.txt) uses the bundled list. Default: the built-in risk lists.")
	f.StringVar(&o.level, "from-access-level", "", "Show CRUD levels. Acceptable values are read, write, list, tagging, permissions-management")
	f.StringVar(&o.policy, "policy", "", "Supply the requestor's IAM policy as a JSON file, or a folder of them. Accepts relative path.  [required]")
	// Policy Sentry 0.4's spellings, still in its cheat sheets.
	f.StringVar(&o.file, "file", "", "Same as --policy (Policy Sentry 0.4).")
	f.StringVar(&o.show, "show", "", "An access level (as --from-access-level) or a path (as --policy) (Policy Sentry 0.4).")
	f.StringVar(&o.oldAudit, "audit-file", "", "Same as --from-audit-file (Policy Sentry 0.4).")
	for _, n := range []string{"file", "show", "audit-file"} {
		f.Lookup(n).Hidden = true
	}
	addFlagMeta(f, "from-access-level", "", accessLevelChoices, false)
	addFlagMeta(f, "policy", "TEXT", nil, false)
	registerPathCompletion(cmd, "policy", "json")
	registerPathCompletion(cmd, "file", "json")
	registerPathCompletion(cmd, "from-audit-file", "txt")
	return cmd
}

type iamPolicyOpts struct {
	policy, level, auditFile string
	file, show, oldAudit     string
}

// resolveAliases folds Policy Sentry 0.4's --file, --show and --audit-file
// into the current flags.
func (o *iamPolicyOpts) resolveAliases() error {
	if o.file != "" {
		if o.policy != "" && o.policy != o.file {
			return Usagef("--file and --policy name different policies: give one.")
		}
		o.policy = o.file
	}
	if o.show != "" {
		if isAccessLevelKey(o.show) {
			if o.level == "" {
				o.level = o.show
			}
		} else if o.policy == "" {
			o.policy = o.show
		} else {
			return Usagef("Invalid value for '--show': '%s' is not one of %s.", o.show, quoteChoices(accessLevelChoices))
		}
	}
	if o.oldAudit != "" && o.auditFile == "" {
		o.auditFile = o.oldAudit
	}
	if o.policy == "" {
		return Usagef("Missing option '--policy'.")
	}
	return nil
}

func isAccessLevelKey(s string) bool {
	for _, c := range accessLevelChoices {
		if strings.EqualFold(c, s) {
			return true
		}
	}
	return false
}

func quoteChoices(choices []string) string {
	q := make([]string, len(choices))
	for i, c := range choices {
		q[i] = "'" + c + "'"
	}
	return strings.Join(q, ", ")
}

// iamPolicyFile is one analyzed file: its header name and report.
type iamPolicyFile struct {
	name string
	rep  *audit.Report
}

func (app *App) analyzeIAMPolicy(db *iamdb.DB, o *iamPolicyOpts) error {
	info, err := os.Stat(o.policy)
	if err != nil {
		return fmt.Errorf("--policy: file or folder does not exist: %s; give the path of a policy JSON file or of a folder of them", o.policy)
	}
	opts := audit.Options{}
	if o.auditFile != "" {
		l, err := app.auditList(o.auditFile)
		if err != nil {
			return err
		}
		opts.Lists = []*audit.List{l}
	}
	var level iamdb.AccessLevel
	if o.level != "" {
		if level, err = iamdb.ParseAccessLevel(o.level); err != nil {
			return Usagef("Invalid value for '--from-access-level': %v", err)
		}
	}
	files := []string{o.policy}
	if info.IsDir() {
		if files, err = policyFilesIn(o.policy); err != nil {
			return err
		}
	}
	var results []iamPolicyFile
	failed := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		var docs []*policy.Document
		if err == nil {
			docs, err = policy.Load(src, f)
		}
		if err != nil {
			if !info.IsDir() {
				return err
			}
			fmt.Fprintf(app.Stderr, "Error: %v\n", err)
			failed++
			continue
		}
		rep, err := audit.Analyze(db, docs, opts)
		if err != nil {
			return err
		}
		for _, p := range rep.Policies {
			for _, u := range p.Unknown {
				msg := fmt.Sprintf("%s: %s: %s matches no action in the dataset", f, u.Statement, u.Pattern)
				if len(u.Suggestions) > 0 {
					msg += "; did you mean " + strings.Join(u.Suggestions, ", ") + "?"
				}
				app.Warnf("%s", msg)
			}
		}
		name := f
		if info.IsDir() {
			if rel, err := filepath.Rel(o.policy, f); err == nil {
				name = filepath.ToSlash(rel)
			}
		}
		results = append(results, iamPolicyFile{name: name, rep: rep})
	}
	w := app.Stdout
	if info.IsDir() {
		fmt.Fprintf(w, "Evaluating policy files in %s\n", o.policy)
	} else {
		fmt.Fprintf(w, "Evaluating: %s\n", o.policy)
	}
	// One block per file; an authorization-details file (many documents)
	// gets one block per document, named after its owner and policy.
	type block struct {
		name string
		rep  *audit.Report
	}
	var blocks []block
	headers := info.IsDir()
	for _, r := range results {
		if len(r.rep.Policies) <= 1 {
			blocks = append(blocks, block{r.name, r.rep})
			continue
		}
		headers = true
		for _, p := range r.rep.Policies {
			blocks = append(blocks, block{r.name + ": " + p.Name, &audit.Report{Policies: []*audit.PolicyReport{p}}})
		}
	}
	if o.level != "" {
		fmt.Fprintf(w, "Access level: %s\n", strings.ToLower(o.level))
		for _, b := range blocks {
			acts := lowerAll(b.rep.ActionsAt(level))
			if headers {
				if len(acts) == 0 {
					continue
				}
				fmt.Fprintf(w, "\nPolicy: %s\n", b.name)
			}
			fmt.Fprintln(w, pyList(acts))
		}
	} else {
		for _, b := range blocks {
			if headers {
				fmt.Fprintf(w, "\nPolicy: %s\n", b.name)
			}
			writeRiskyActions(w, b.rep, len(opts.Lists) == 1)
		}
	}
	if failed > 0 {
		return &exitError{code: ExitError, msg: fmt.Sprintf("Error: %d of %d policy files could not be read", failed, len(files))}
	}
	return nil
}

// writeRiskyActions is the audit block: the expanded actions, then the
// risky ones. With one list (an audit file) each line is the action;
// with the built-in lists the action is followed by the lists it is on.
func writeRiskyActions(w io.Writer, rep *audit.Report, oneList bool) {
	var all []string
	risky := map[string][]string{}
	for _, p := range rep.Policies {
		for _, la := range p.Allowed {
			level, err := iamdb.ParseAccessLevel(la.Level)
			if err != nil {
				level = audit.AnyLevel
			}
			all = append(all, rep.Expand(la.Actions, level)...)
		}
		for _, f := range p.Findings {
			for _, a := range rep.Expand(f.Actions, audit.AnyLevel) {
				a = strings.ToLower(a)
				if !slices.Contains(risky[a], f.List) {
					risky[a] = append(risky[a], f.List)
				}
			}
		}
	}
	all = lowerAll(all)
	fmt.Fprintln(w, "These are the expanded actions")
	fmt.Fprintln(w, pyList(all))
	fmt.Fprintln(w, "Auditing for risky actions...")
	fmt.Fprintln(w, "Please justify why you need permissions to the following actions:")
	names := make([]string, 0, len(risky))
	for a := range risky {
		names = append(names, a)
	}
	sort.Strings(names)
	for _, a := range names {
		if oneList {
			fmt.Fprintln(w, a)
			continue
		}
		fmt.Fprintf(w, "%s  (%s)\n", a, strings.Join(risky[a], ", "))
	}
	fmt.Fprintln(w, "Auditing for risky actions complete!")
}

// auditList reads --from-audit-file. A missing file whose name is a
// bundled audit file's (Policy Sentry installed them under
// ~/.policy_sentry/audit/) is served by the built-in list of that name.
func (app *App) auditList(path string) (*audit.List, error) {
	src, err := os.ReadFile(path)
	if err == nil {
		return audit.ParseAuditFile(src, path)
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("--from-audit-file: %w", err)
	}
	id := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	lists, lerr := audit.BuiltinLists()
	if lerr != nil {
		return nil, lerr
	}
	infra, lerr := audit.InfrastructureModificationList()
	if lerr != nil {
		return nil, lerr
	}
	lists = append(lists, infra)
	var ids []string
	for _, l := range lists {
		if l.ID == id {
			app.Warnf("--from-audit-file %s does not exist; using the bundled %s list", path, id)
			return l, nil
		}
		ids = append(ids, l.ID+".txt")
	}
	return nil, fmt.Errorf("--from-audit-file: %s does not exist; give a file of actions, one per line, or a bundled list name: %s", path, strings.Join(ids, ", "))
}

// policyFilesIn lists the *.json files under dir, sorted.
func policyFilesIn(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.EqualFold(filepath.Ext(path), ".json") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("--policy %s: %w", dir, err)
	}
	sort.Strings(files)
	if len(files) == 0 {
		return nil, fmt.Errorf("--policy %s: the folder has no .json files", dir)
	}
	return files, nil
}

// lowerAll lower-cases action names (Policy Sentry 0.5 printed them so),
// sorted and without duplicates.
func lowerAll(acts []string) []string {
	set := make(map[string]bool, len(acts))
	out := make([]string, 0, len(acts))
	for _, a := range acts {
		a = strings.ToLower(a)
		if !set[a] {
			set[a] = true
			out = append(out, a)
		}
	}
	sort.Strings(out)
	return out
}

// pyList formats strings as Python's pprint.PrettyPrinter(indent=4)
// prints a list of them: on one line when it fits in 80 columns,
// otherwise one item a line after "[   ".
func pyList(items []string) string {
	reprs := make([]string, len(items))
	for i, s := range items {
		reprs[i] = pyRepr(s)
	}
	one := "[" + strings.Join(reprs, ", ") + "]"
	if len(one) <= 80 {
		return one
	}
	return "[   " + strings.Join(reprs, ",\n    ") + "]"
}

// pyRepr is Python's repr of a str: single quotes unless the string
// holds one and no double quote.
func pyRepr(s string) string {
	q := "'"
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		q = `"`
	}
	var b strings.Builder
	b.WriteString(q)
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case string(r) == q:
			b.WriteString(`\` + q)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteString(q)
	return b.String()
}
