package validate

import (
	"fmt"
	"strings"

	"github.com/leastpriv/policysentry/engine/condition"
	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/internal/arn"
	"github.com/leastpriv/policysentry/engine/internal/lazyre"
	"github.com/leastpriv/policysentry/engine/internal/suggest"
)

var (
	accountRe = lazyre.New(`^\d{12}$`)
	// placeholderRe is a placeholder of an ARN format (${TrailName}).
	placeholderRe = lazyre.New(`\$\{[^}]*\}`)
)

// wildOrVar reports a field that holds a wildcard or a policy variable,
// which the format checks cannot judge.
func wildOrVar(s string) bool { return strings.ContainsAny(s, "*?") || strings.Contains(s, "${") }

// resourcesOf checks Resource and NotResource values and the
// statement-level resource findings.
func (v *validator) resourcesOf(st *statement) {
	v.badResource = false
	for i := range st.resources {
		v.resource(&st.resources[i])
	}
	for i := range st.notResources {
		v.resource(&st.notResources[i])
	}
	if v.db == nil || st.effect != "Allow" || len(st.resources) == 0 || v.opts.PolicyType == Trust {
		return
	}
	star := false
	for _, r := range st.resources {
		if r.s == "*" {
			star = true
		}
	}
	if star && !st.allActions && len(st.granted) > 0 && v.opts.PolicyType == Identity {
		// An action pattern ("s3:*", "ec2:Describe*") is named as written,
		// once, when one of the actions it covers supports resource-level
		// permissions, as Parliament does.
		var named []string
		seen := map[*item]bool{}
		for _, g := range st.granted {
			if g.a.WildcardOnly() || seen[g.it] {
				continue
			}
			if g.pat {
				seen[g.it] = true
				named = append(named, g.it.s)
				continue
			}
			named = append(named, g.a.FullName())
		}
		if len(named) > 0 {
			if len(named) > 5 {
				named = append(named[:5], fmt.Sprintf("and %d more", len(named)-5))
			}
			n := st.resource
			v.at("RESOURCE_STAR", n, st.path+".Resource", fmt.Sprintf("Resource \"*\" grants actions that support resource-level permissions (%s): name the resources they need", strings.Join(named, ", ")))
		}
	}
	if !star && !v.badResource {
		v.mismatches(st)
	}
}

// arnPrefixes reports Resource and NotResource strings that are neither
// "*" nor ARNs, as resourceChecks does: the one resource check that
// rejects a policy.
func (v *validator) arnPrefixes(st *statement) {
	for _, list := range [][]item{st.resources, st.notResources} {
		for i := range list {
			if it := &list[i]; it.s != "*" && !strings.HasPrefix(it.s, "arn:") && !v.apiShortForm(it.s) {
				v.arnPrefix(it)
			}
		}
	}
}

// apiShortForm reports whether a resource is API Gateway's short form in
// a resource policy ("execute-api:/stage/GET/pets", "execute-api:/*"):
// API Gateway reads it as that path of the API the policy is attached to.
func (v *validator) apiShortForm(s string) bool {
	return v.opts.PolicyType == Resource && (v.rt == nil || v.rt.hasARNService("execute-api")) && arn.APIShortForm(s)
}

// arnPrefix reports a resource that does not start with arn:.
func (v *validator) arnPrefix(it *item) {
	v.at("INVALID_ARN_PREFIX", it.n, it.path, fmt.Sprintf("the resource %q is neither \"*\" nor an ARN: write arn:partition:service:region:account:resource", it.s))
}

// resource checks one Resource or NotResource string.
func (v *validator) resource(it *item) {
	n := len(v.out)
	v.resourceChecks(it)
	for _, d := range v.out[n:] {
		if d.Severity == diag.Error {
			v.badResource = true
		}
	}
}

// resourceChecks checks one Resource or NotResource string.
func (v *validator) resourceChecks(it *item) {
	s := it.s
	v.variables(it, true)
	if s == "*" {
		return
	}
	if !strings.HasPrefix(s, "arn:") {
		if !v.apiShortForm(s) {
			v.arnPrefix(it)
		}
		return
	}
	f := strings.SplitN(s, ":", 6)
	if len(f) < 6 || f[5] == "" {
		v.at("MISSING_ARN_FIELD", it.n, it.path, fmt.Sprintf("the ARN %q lacks fields: an ARN is arn:partition:service:region:account:resource (empty region or account fields keep their colons)", s))
		return
	}
	partition, service, region, account, res := f[1], f[2], f[3], f[4], f[5]
	if !wildOrVar(partition) && !arn.IsPartition(partition) {
		v.at("INVALID_PARTITION", it.n, it.path, fmt.Sprintf("the partition %q in %q is not an AWS partition (aws, aws-cn, aws-us-gov, ...)", partition, s), suggest.Nearest(partition, arn.Partitions, 1)...)
	}
	if strings.Trim(service, "*") == "" && strings.Trim(res, "*/:") == "" && strings.Trim(region, "*") == "" && strings.Trim(account, "*") == "" {
		v.at("RESOURCE_EFFECTIVELY_STAR", it.n, it.path, fmt.Sprintf("the resource %q matches every resource: write \"*\" if that is meant, else name the resources", s), "*")
		return
	}
	if !wildOrVar(region) && region != "" && !condition.IsRegion(region) {
		v.at("INVALID_ARN_REGION", it.n, it.path, fmt.Sprintf("the region %q in %q is not a Region name (for example us-east-1)", region, s))
	}
	if !wildOrVar(account) && account != "" && account != "aws" && !accountRe.MatchString(account) {
		v.at("INVALID_ARN_ACCOUNT", it.n, it.path, fmt.Sprintf("the account %q in %q is not a 12-digit account ID", account, s))
	}
	if v.rt != nil && !wildOrVar(service) && !v.rt.hasARNService(strings.ToLower(service)) {
		v.at("UNSUPPORTED_RESOURCE_ARN_IN_POLICY", it.n, it.path, fmt.Sprintf("the ARN %q is of service %q: a %s policy applies to %s resources", s, service, v.rt.name, strings.Join(v.rt.arnServices, ", ")))
	}
	if v.db == nil || wildOrVar(service) {
		return
	}
	formats := v.idx.byARNService[service]
	if len(formats) == 0 {
		if lf := v.idx.byARNService[strings.ToLower(service)]; len(lf) > 0 {
			v.at("INVALID_ARN_SERVICE_CASE", it.n, it.path, fmt.Sprintf("the service %q in %q must be lower-case", service, s), strings.Replace(s, ":"+service+":", ":"+strings.ToLower(service)+":", 1))
			return
		}
		if v.db.Service(service) != nil {
			// A service whose reference documents no resource type
			// (applicationinsights, migrationhub-strategy): its ARNs exist
			// but cannot be checked, so nothing is reported.
			return
		}
		v.at("INVALID_SERVICE", it.n, it.path, fmt.Sprintf("no resource type has ARNs of service %q (%q)", service, s), suggest.Nearest(service, v.idx.arnServices, 3)...)
		return
	}
	p := policyPattern(res)
	var matching []*format
	for _, fm := range formats {
		if intersects(p, fm.loose) {
			matching = append(matching, fm)
		}
	}
	if len(matching) > 0 {
		allRegion, noRegion, noAccount := true, true, true
		for _, fm := range matching {
			allRegion = allRegion && fm.region
			noRegion = noRegion && !fm.region
			noAccount = noAccount && !fm.account
		}
		if region == "" && allRegion {
			v.at("MISSING_ARN_REGION", it.n, it.path, fmt.Sprintf("the ARN %q has no region, but %s resources of this form always have one: add the Region or *", s, service))
		}
		if region != "" && region != "*" && noRegion {
			v.at("ARN_REGION_NOT_ALLOWED", it.n, it.path, fmt.Sprintf("the ARN %q has a region, but %s resource ARNs of this form have none: leave the field empty", s, service), strings.Replace(s, ":"+region+":", "::", 1))
		}
		if account != "" && account != "*" && noAccount {
			v.at("ARN_ACCOUNT_NOT_ALLOWED", it.n, it.path, fmt.Sprintf("the ARN %q has an account, but %s resource ARNs of this form have none: leave the field empty", s, service))
		}
		if fm := everyOfType(partition, region, account, res, matching); fm != nil {
			what := fmt.Sprintf("every %s resource of its type (%s)", service, fm.res.ARN)
			if strings.Trim(res, "*") == "" {
				what = fmt.Sprintf("every %s resource", service)
			}
			v.at("RESOURCE_EFFECTIVELY_STAR", it.n, it.path, fmt.Sprintf("the resource %q matches %s in every partition, Region and account: write \"*\" if that is meant, else name the resources", s, what), "*")
		}
		return
	}
	var ex []string
	for i, fm := range formats {
		if i == 3 {
			ex = append(ex, "...")
			break
		}
		ex = append(ex, fm.res.ARN)
	}
	v.at("INVALID_ARN_RESOURCE", it.n, it.path, fmt.Sprintf("the resource part %q of %q matches no %s resource type's ARN format (%s)", res, s, service, strings.Join(ex, ", ")))
}

// everyOfType returns the resource type whose every resource the ARN
// fields name: partition "*", region and account "*" (or empty where the
// type has none), and a resource part that is the type's with each
// placeholder a "*" ("arn:*:cloudtrail:*:*:trail/*"), or "*" alone. Such
// a resource is Resource "*" for the type's actions, as Parliament's
// RESOURCE_EFFECTIVELY_STAR says; a named partition, Region or account
// scopes it.
func everyOfType(partition, region, account, res string, matching []*format) *format {
	if partition != "*" {
		return nil
	}
	for _, fm := range matching {
		if region != "*" && (region != "" || fm.region) || account != "*" && (account != "" || fm.account) {
			continue
		}
		if strings.Trim(res, "*") == "" {
			return fm
		}
		f := strings.SplitN(fm.res.ARN, ":", 6)
		if len(f) == 6 && res == placeholderRe.ReplaceAllString(f[5], "*") {
			return fm
		}
	}
	return nil
}

// mismatches reports actions none of whose resource types can match any
// of the statement's resources (Parliament's RESOURCE_MISMATCH). Only
// actions named without wildcards are judged.
func (v *validator) mismatches(st *statement) {
	reported := map[*item]bool{}
	for _, g := range st.granted {
		if g.pat || reported[g.it] {
			continue
		}
		if v.actionMatchesSome(g.a, st.resources) {
			continue
		}
		reported[g.it] = true
		var types []string
		for _, r := range g.a.Resources {
			if r.Resource != nil {
				types = append(types, r.Resource.ARN)
			}
		}
		msg := fmt.Sprintf("%s supports only Resource \"*\": the statement's resources grant it nothing", g.a.FullName())
		if len(types) > 0 {
			if len(types) > 3 {
				types = append(types[:3], "...")
			}
			msg = fmt.Sprintf("none of the statement's resources is a resource type of %s (%s): the statement grants it nothing", g.a.FullName(), strings.Join(types, ", "))
		}
		v.at("RESOURCE_MISMATCH", g.it.n, g.it.path, msg)
	}
}

func (v *validator) actionMatchesSome(a *iamdb.Action, resources []item) bool {
	if v.mismatch == nil {
		v.mismatch = map[matchKey]bool{}
	}
	wildcardOnly := true
	for _, ar := range a.Resources {
		if ar.Name == "" {
			continue
		}
		wildcardOnly = false
		if ar.Resource == nil {
			return true // a type the dataset does not define: cannot judge
		}
		for _, r := range resources {
			k := matchKey{r.s, ar.Resource}
			m, ok := v.mismatch[k]
			if !ok {
				m = arnMatchesFormat(r.s, ar.Resource)
				v.mismatch[k] = m
			}
			if m {
				return true
			}
		}
	}
	if wildcardOnly {
		for _, r := range resources {
			if strings.Trim(r.s, "*") == "" || strings.HasPrefix(r.s, "${") || arn.ServiceWide(r.s, a.Service.Prefix) {
				return true
			}
		}
		return false
	}
	return false
}

// arnMatchesFormat reports whether a policy resource can name a resource
// of the format (strict placeholders). Unparsable resources match, as
// they have their own findings.
func arnMatchesFormat(res string, rt *iamdb.Resource) bool {
	r := strings.SplitN(res, ":", 6)
	f := strings.SplitN(rt.ARN, ":", 6)
	if len(r) < 6 || len(f) < 6 {
		return true
	}
	if !wildOrVar(r[2]) && r[2] != formatService(f[2], rt.Service) {
		return false
	}
	return intersects(policyPattern(r[5]), pattern(f[5], true))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
