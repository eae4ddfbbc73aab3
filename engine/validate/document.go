package validate

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"unicode/utf8"

	"github.com/leastpriv/policysentry/engine/policy"
)

// crossStatement runs the checks that compare statements: Sid uniqueness
// and redundant statements.
func (v *validator) crossStatement() {
	sids := map[string]*statement{}
	canon := map[string]*statement{}
	for _, st := range v.stmts {
		if st.sid != nil && st.sid.Kind == policy.String && st.sid.Str != "" {
			if first := sids[st.sid.Str]; first != nil {
				code, why := "UNIQUE_SIDS_RECOMMENDED", "give each statement its own Sid"
				if v.opts.PolicyType == Resource || v.opts.PolicyType == SCP || v.opts.PolicyType == RCP {
					code, why = "UNIQUE_SIDS_REQUIRED", fmt.Sprintf("%s policies require unique Sids", v.opts.PolicyType)
				}
				v.at(code, st.sid, st.path+".Sid", fmt.Sprintf("the Sid %q is also the Sid of %s: %s", st.sid.Str, first.path, why))
			} else {
				sids[st.sid.Str] = st
			}
		}
		if v.opts.rejectsOnly {
			continue // REDUNDANT_STATEMENT does not reject
		}
		key := canonical(st.n)
		if first := canon[key]; first != nil {
			v.emit("REDUNDANT_STATEMENT", st.n.Start, st.n.Start+1, st.path, fmt.Sprintf("the statement repeats %s (apart from its Sid): remove it", first.path))
		} else {
			canon[key] = st
		}
	}
}

// canonical encodes a statement without its Sid, members sorted by key,
// so that equal statements in any order compare equal.
func canonical(n *policy.Node) string {
	var b bytes.Buffer
	var write func(n *policy.Node, top bool)
	write = func(n *policy.Node, top bool) {
		switch n.Kind {
		case policy.Object:
			idx := make([]int, 0, len(n.Members))
			for i, m := range n.Members {
				if top && m.Key == "Sid" {
					continue
				}
				idx = append(idx, i)
			}
			sort.SliceStable(idx, func(a, c int) bool { return n.Members[idx[a]].Key < n.Members[idx[c]].Key })
			b.WriteByte('{')
			for _, i := range idx {
				b.WriteString(strconv.Quote(n.Members[i].Key))
				b.WriteByte(':')
				write(n.Members[i].Value, false)
				b.WriteByte(',')
			}
			b.WriteByte('}')
		case policy.Array:
			b.WriteByte('[')
			for _, e := range n.Elems {
				write(e, false)
				b.WriteByte(',')
			}
			b.WriteByte(']')
		case policy.String:
			b.WriteString(strconv.Quote(n.Str))
		case policy.Bool:
			b.WriteString(strconv.FormatBool(n.Bool))
		case policy.Null:
			b.WriteString("null")
		default:
			b.WriteString(n.Str)
		}
	}
	write(n, true)
	return b.String()
}

// Quotas of policy sizes in characters, whitespace outside strings not
// counted (IAM User Guide, "IAM and AWS STS quotas"; AWS Organizations
// quotas for SCPs and RCPs).
const (
	identityQuota = 6144
	trustQuota    = 2048
	scpQuota      = 5120
	rcpQuota      = 5120
)

// size checks the policy against its type's quota.
func (v *validator) size() {
	if v.opts.rejectsOnly && v.opts.PolicyType != SCP && v.opts.PolicyType != RCP {
		return // only the SCP and RCP quotas reject
	}
	n := policySize(v.src)
	var code string
	var quota int
	switch v.opts.PolicyType {
	case Identity:
		code, quota = "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA", identityQuota
	case Trust:
		code, quota = "POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA", trustQuota
	case SCP:
		code, quota = "POLICY_SIZE_EXCEEDS_SCP_QUOTA", scpQuota
	case RCP:
		code, quota = "POLICY_SIZE_EXCEEDS_RCP_QUOTA", rcpQuota
	case Resource:
		if v.rt == nil || v.rt.quota == 0 {
			return
		}
		code, quota = "POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA", v.rt.quota
		n = len(bytes.TrimSpace(v.src))
	}
	if n > quota {
		v.emit(code, 0, 1, "$", fmt.Sprintf("the policy has %d characters (whitespace excluded), more than the %s policy quota of %d: split it", n, v.opts.PolicyType, quota))
	}
}

// policySize counts the characters of src, whitespace outside strings
// excluded, as IAM counts against its quotas.
func policySize(src []byte) int {
	n, in, esc := 0, false, false
	for i := 0; i < len(src); {
		r, w := utf8.DecodeRune(src[i:])
		i += w
		switch {
		case in:
			n++
			switch {
			case esc:
				esc = false
			case r == '\\':
				esc = true
			case r == '"':
				in = false
			}
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
		default:
			n++
			if r == '"' {
				in = true
			}
		}
	}
	return n
}
