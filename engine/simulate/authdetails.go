package simulate

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/leastpriv/policysentry/engine/internal/suggest"
	"github.com/leastpriv/policysentry/engine/policy"
)

// Principal is one user or role from `aws iam
// get-account-authorization-details` output, with the policies that apply
// to its requests.
type Principal struct {
	// Name is the user or role name; Kind is "user" or "role".
	Name, Kind string
	ARN        string
	// Identity are its inline and attached managed policies, and, for a
	// user, those of its groups.
	Identity []*Policy
	// Boundary is its permissions boundary, or nil.
	Boundary *Policy
	// Tags become aws:PrincipalTag/<key> context keys.
	Tags map[string]string
}

type authEntity struct {
	UserName, RoleName, GroupName string
	Arn                           string
	GroupList                     []string
	AttachedManagedPolicies       []struct{ PolicyName, PolicyArn string }
	PermissionsBoundary           *struct{ PermissionsBoundaryArn string }
	Tags                          []struct{ Key, Value string }
}

type authDump struct {
	UserDetailList  []authEntity
	RoleDetailList  []authEntity
	GroupDetailList []authEntity
	Policies        []struct{ PolicyName, Arn string }
}

// LoadPrincipal finds the user or role called name (or with that ARN) in
// an authorization-details dump and compiles its policies.
func LoadPrincipal(src []byte, file, name string) (*Principal, error) {
	var dump authDump
	if err := json.Unmarshal(src, &dump); err != nil {
		return nil, fmt.Errorf("%s: not get-account-authorization-details output: %w", file, jsonErr(src, err))
	}
	docs, err := policy.Load(src, file)
	if err != nil {
		return nil, err
	}
	byName := map[string]*policy.Document{}
	for _, d := range docs {
		byName[d.Name] = d
	}
	// Managed policies are named "policy/<PolicyName> (<version>)..." by
	// policy.Load; index them by ARN.
	managed := map[string]*policy.Document{}
	for _, p := range dump.Policies {
		prefix := "policy/" + p.PolicyName + " ("
		for _, d := range docs {
			if strings.HasPrefix(d.Name, prefix) {
				managed[p.Arn] = d
				break
			}
		}
	}
	var ent *authEntity
	kind := ""
	var names []string
	for i := range dump.UserDetailList {
		u := &dump.UserDetailList[i]
		names = append(names, u.UserName)
		if u.UserName == name || u.Arn == name {
			ent, kind = u, "user"
		}
	}
	for i := range dump.RoleDetailList {
		r := &dump.RoleDetailList[i]
		names = append(names, r.RoleName)
		if ent == nil && (r.RoleName == name || r.Arn == name) {
			ent, kind = r, "role"
		}
	}
	if ent == nil {
		msg := fmt.Sprintf("%s: no user or role named %q", file, name)
		if s := suggest.Nearest(name, names, 3); len(s) > 0 {
			msg += "; did you mean " + strings.Join(s, " or ") + "?"
		}
		return nil, fmt.Errorf("%s", msg)
	}
	pr := &Principal{Kind: kind, ARN: ent.Arn, Name: ent.UserName + ent.RoleName, Tags: map[string]string{}}
	compile := func(d *policy.Document) error {
		p, err := Compile(d)
		if err != nil {
			return err
		}
		p.File = file
		pr.Identity = append(pr.Identity, p)
		return nil
	}
	attached := func(e *authEntity, who string) error {
		// Inline policies, in document order.
		for _, d := range docs {
			if strings.HasPrefix(d.Name, who+" inline policy ") {
				if err := compile(d); err != nil {
					return err
				}
			}
		}
		for _, a := range e.AttachedManagedPolicies {
			d := managed[a.PolicyArn]
			if d == nil {
				return fmt.Errorf("%s: %s attaches %s, whose document is not in the dump (AWS managed policies are listed only with --filter LocalManagedPolicy AWSManagedPolicy)", file, who, a.PolicyArn)
			}
			if err := compile(d); err != nil {
				return err
			}
		}
		return nil
	}
	if err := attached(ent, kind+"/"+pr.Name); err != nil {
		return nil, err
	}
	for _, g := range ent.GroupList {
		for i := range dump.GroupDetailList {
			if dump.GroupDetailList[i].GroupName == g {
				if err := attached(&dump.GroupDetailList[i], "group/"+g); err != nil {
					return nil, err
				}
			}
		}
	}
	if b := ent.PermissionsBoundary; b != nil && b.PermissionsBoundaryArn != "" {
		d := managed[b.PermissionsBoundaryArn]
		if d == nil {
			return nil, fmt.Errorf("%s: the permissions boundary %s of %s/%s is not in the dump", file, b.PermissionsBoundaryArn, kind, pr.Name)
		}
		if pr.Boundary, err = Compile(d); err != nil {
			return nil, err
		}
		pr.Boundary.File = file
	}
	for _, t := range ent.Tags {
		pr.Tags[t.Key] = t.Value
	}
	return pr, nil
}

// PrincipalARN is the ARN requests of this principal carry: the user's
// ARN, or for a role a session of it ("arn:aws:sts::<account>:assumed-role/<name>/simulated").
func (p *Principal) PrincipalARN() string {
	if p.Kind == "role" {
		parts := strings.SplitN(p.ARN, ":", 6)
		if len(parts) == 6 {
			return fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/simulated", parts[1], parts[4], p.Name)
		}
	}
	return p.ARN
}

// Context returns the principal's tags as aws:PrincipalTag/<key> keys,
// plus aws:PrincipalArn for a role (its ARN with path), added to ctx
// where ctx does not set them.
func (p *Principal) Context(ctx Context) Context {
	out := Context{}
	keys := make([]string, 0, len(p.Tags))
	for k := range p.Tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out["aws:PrincipalTag/"+k] = []string{p.Tags[k]}
	}
	if p.Kind == "role" {
		out["aws:PrincipalArn"] = []string{p.ARN}
	}
	lower := map[string]bool{}
	for k, v := range ctx {
		out[k] = v
		lower[strings.ToLower(k)] = true
	}
	for k := range out {
		if _, own := ctx[k]; !own && lower[strings.ToLower(k)] {
			delete(out, k)
		}
	}
	return out
}
