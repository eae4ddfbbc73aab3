package validate

import (
	"sort"
	"strings"
	"sync"

	"github.com/leastpriv/policysentry/engine/condition"
	"github.com/leastpriv/policysentry/engine/iamdb"
)

// index is what the validator looks up in a dataset beyond iamdb's own
// indexes: resource types by the service field of their ARN format, and
// each format split into fields and compiled into match patterns. It is
// built once per DB.
type index struct {
	byARNService map[string][]*format
	arnServices  []string
	prefixes     []string
	// actionNames are every service's action names, for suggestions.
	actionNames map[*iamdb.Service][]string
	lowerNames  map[*iamdb.Service][]string
	conds       map[*iamdb.Service]*condIndex
	// foreign are the condition keys that a service lists under another
	// prefix (ec2:osuser for ec2-instance-connect, catalog:ChangeType for
	// aws-marketplace), built on first use.
	foreign     map[string][]foreignKey
	foreignTmpl []foreignTemplate
	foreignOnce sync.Once
	mu          sync.Mutex
}

// foreignKey is a condition key and the service that lists it.
type foreignKey struct {
	svc *iamdb.Service
	c   *iamdb.Condition
}

// foreignTemplate is a templated foreign key ("elasticloadbalancing:ResourceTag/${TagKey}"
// listed by arc-zonal-shift).
type foreignTemplate struct {
	prefix string // lower-cased, up to "${"
	foreignKey
}

// format is a resource type's ARN format, split.
type format struct {
	res               *iamdb.Resource
	region, account   bool   // the format has a region / account field
	loose, strict     string // resource part as a match pattern
	partitionTemplate bool
}

// condIndex finds a service's condition keys by name, including the
// templated ones ("ec2:ResourceTag/${TagKey}").
type condIndex struct {
	exact     map[string]*iamdb.Condition // lower-cased name
	templates []condTemplate
	names     []string
}

type condTemplate struct {
	prefix string // lower-cased, up to "${"
	c      *iamdb.Condition
}

var indexes sync.Map // *iamdb.DB → *index

func indexOf(db *iamdb.DB) *index {
	if x, ok := indexes.Load(db); ok {
		return x.(*index)
	}
	x := &index{byARNService: map[string][]*format{}, actionNames: map[*iamdb.Service][]string{}, lowerNames: map[*iamdb.Service][]string{}, conds: map[*iamdb.Service]*condIndex{}}
	for _, s := range db.Services {
		x.prefixes = append(x.prefixes, s.Prefix)
		for _, r := range s.Resources {
			parts := strings.SplitN(r.ARN, ":", 6)
			if len(parts) < 6 {
				continue
			}
			f := &format{res: r, region: parts[3] != "", account: parts[4] != "",
				loose: pattern(parts[5], false), strict: pattern(parts[5], true)}
			svc := formatService(parts[2], s)
			if len(x.byARNService[svc]) == 0 {
				x.arnServices = append(x.arnServices, svc)
			}
			x.byARNService[svc] = append(x.byARNService[svc], f)
		}
	}
	sort.Strings(x.arnServices)
	sort.Strings(x.prefixes)
	got, _ := indexes.LoadOrStore(db, x)
	return got.(*index)
}

// formatService returns the service field of a resource type's ARN
// format, or the owning service's prefix when the field is a placeholder:
// backup's recovery point, arn:${Partition}:${Vendor}:..., is the one such
// format; its ARNs under other vendors (an EC2 snapshot, an RDS snapshot)
// are those vendors' own resource types.
func formatService(field string, owner *iamdb.Service) string {
	if wildOrVar(field) {
		return owner.Prefix
	}
	return field
}

// Pattern bytes: a format's placeholders become anyRun (any string) or
// anySeg (any string without '/'); a policy ARN's '*' becomes anyRun and
// '?' anyOne.
const (
	anyRun = '\x01'
	anySeg = '\x02'
	anyOne = '\x03'
)

// pattern compiles a format's resource part. A placeholder matches any
// text; with strict, the placeholders that name things whose names
// cannot hold '/' (noSlash) do not match '/', so that a bucket ARN is
// told from an object ARN and a table from its index.
func pattern(res string, strict bool) string {
	var b strings.Builder
	for i := 0; i < len(res); i++ {
		if res[i] == '*' {
			b.WriteByte(anyRun)
			continue
		}
		if res[i] == '$' && i+1 < len(res) && res[i+1] == '{' {
			end := strings.IndexByte(res[i:], '}')
			if end > 0 {
				if strict && noSlash[res[i+2:i+end]] {
					b.WriteByte(anySeg)
				} else {
					b.WriteByte(anyRun)
				}
				i += end
				continue
			}
		}
		b.WriteByte(res[i])
	}
	return b.String()
}

// noSlash are the ARN placeholders whose values never hold '/' (S3 bucket
// names, DynamoDB table names, SQS queue, SNS topic, Lambda function and
// Kinesis stream names, KMS key IDs, EC2 resource IDs).
var noSlash = map[string]bool{
	"BucketName": true, "TableName": true, "QueueName": true, "TopicName": true, "FunctionName": true,
	"StreamName": true, "KeyId": true, "InstanceId": true, "VolumeId": true, "SnapshotId": true,
	"ImageId": true, "VpcId": true, "SubnetId": true, "SecurityGroupId": true,
}

// policyPattern compiles a policy's ARN resource part: '*' any run, '?'
// any one character; a policy variable matches any run.
func policyPattern(res string) string {
	var b strings.Builder
	for i := 0; i < len(res); i++ {
		switch res[i] {
		case '*':
			b.WriteByte(anyRun)
		case '?':
			b.WriteByte(anyOne)
		case '$':
			if i+1 < len(res) && res[i+1] == '{' {
				if end := strings.IndexByte(res[i:], '}'); end > 0 {
					inner := res[i+2 : i+end]
					switch inner {
					case "*", "?", "$":
						b.WriteString(inner)
					default:
						b.WriteByte(anyRun)
					}
					i += end
					continue
				}
			}
			b.WriteByte('$')
		default:
			b.WriteByte(res[i])
		}
	}
	return b.String()
}

// intersects reports whether some string matches both patterns: the
// literal prefixes and suffixes are compared first (most format pairs
// differ there), then a product-automaton search over (position in a,
// position in b).
func intersects(a, b string) bool {
	for len(a) > 0 && len(b) > 0 && a[0] > anyOne && b[0] > anyOne {
		if a[0] != b[0] {
			return false
		}
		a, b = a[1:], b[1:]
	}
	for len(a) > 0 && len(b) > 0 && a[len(a)-1] > anyOne && b[len(b)-1] > anyOne {
		if a[len(a)-1] != b[len(b)-1] {
			return false
		}
		a, b = a[:len(a)-1], b[:len(b)-1]
	}
	if a == b {
		return true
	}
	w := len(b) + 1
	n := (len(a) + 1) * w
	buf := seenPool.Get().(*[]bool)
	if cap(*buf) < n {
		*buf = make([]bool, n)
	}
	seen := (*buf)[:n]
	clear(seen)
	defer seenPool.Put(buf)
	stack := make([][2]int, 1, 16)
	for len(stack) > 0 {
		st := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		i, j := st[0], st[1]
		if seen[i*w+j] {
			continue
		}
		seen[i*w+j] = true
		if i == len(a) && j == len(b) {
			return true
		}
		if i < len(a) && isRun(a[i]) {
			stack = append(stack, [2]int{i + 1, j})
		}
		if j < len(b) && isRun(b[j]) {
			stack = append(stack, [2]int{i, j + 1})
		}
		if i < len(a) && j < len(b) && compatible(a[i], b[j]) {
			ni, nj := i+1, j+1
			if isRun(a[i]) {
				ni = i
			}
			if isRun(b[j]) {
				nj = j
			}
			stack = append(stack, [2]int{ni, nj})
		}
	}
	return false
}

// seenPool recycles the visited sets of intersects.
var seenPool = sync.Pool{New: func() any { return new([]bool) }}

func isRun(c byte) bool { return c == anyRun || c == anySeg }

// compatible reports whether one character can match both pattern bytes.
func compatible(x, y byte) bool {
	xc, yc := x <= anyOne, y <= anyOne
	switch {
	case xc && yc:
		return true
	case xc:
		return x != anySeg || y != '/'
	case yc:
		return y != anySeg || x != '/'
	}
	return x == y
}

// conditions returns the condition index of a service.
func (x *index) conditions(s *iamdb.Service) *condIndex {
	x.mu.Lock()
	defer x.mu.Unlock()
	if ci := x.conds[s]; ci != nil {
		return ci
	}
	ci := &condIndex{exact: map[string]*iamdb.Condition{}}
	for _, c := range s.Conditions {
		ci.names = append(ci.names, c.Name)
		l := strings.ToLower(c.Name)
		if i := condition.TemplateStart(l); i > 0 {
			ci.templates = append(ci.templates, condTemplate{prefix: l[:i], c: c})
			continue
		}
		ci.exact[l] = c
	}
	x.conds[s] = ci
	return ci
}

// foreignKeys returns the services that list the condition key under a
// prefix other than their own, with the key as each lists it; nil when
// none does. Keys of AWS's global (aws:), web identity and SAML prefixes
// are not indexed: the validator reads those elsewhere.
func (x *index) foreignKeys(db *iamdb.DB, name string) []foreignKey {
	x.foreignOnce.Do(func() {
		x.foreign = map[string][]foreignKey{}
		for _, s := range db.Services {
			for _, c := range s.Conditions {
				prefix, _, _ := strings.Cut(c.Name, ":")
				if strings.EqualFold(prefix, s.Prefix) || strings.EqualFold(prefix, "aws") || strings.EqualFold(prefix, "saml") || strings.Contains(prefix, ".") || strings.Contains(prefix, "$") {
					continue
				}
				l := strings.ToLower(c.Name)
				fk := foreignKey{svc: s, c: c}
				if i := condition.TemplateStart(l); i > 0 {
					x.foreignTmpl = append(x.foreignTmpl, foreignTemplate{prefix: l[:i], foreignKey: fk})
					continue
				}
				x.foreign[l] = append(x.foreign[l], fk)
			}
		}
	})
	l := strings.ToLower(name)
	found := x.foreign[l]
	for _, t := range x.foreignTmpl {
		if strings.HasPrefix(l, t.prefix) && len(l) > len(t.prefix) {
			found = append(found[:len(found):len(found)], t.foreignKey)
		}
	}
	return found
}

// lookup finds a condition key by name; templated keys need a non-empty
// suffix.
func (ci *condIndex) lookup(name string) *iamdb.Condition {
	l := strings.ToLower(name)
	if c := ci.exact[l]; c != nil {
		return c
	}
	for _, t := range ci.templates {
		if strings.HasPrefix(l, t.prefix) && len(l) > len(t.prefix) {
			return t.c
		}
	}
	return nil
}

// actions returns a service's action names, for suggestions.
func (x *index) actions(s *iamdb.Service) []string {
	x.mu.Lock()
	defer x.mu.Unlock()
	if n, ok := x.actionNames[s]; ok {
		return n
	}
	var names []string
	for _, a := range s.Actions() {
		names = append(names, a.Name)
	}
	x.actionNames[s] = names
	return names
}

// lowerActions returns a service's action names lower-cased, in the
// order of Actions(), for wildcard matching.
func (x *index) lowerActions(s *iamdb.Service) []string {
	x.mu.Lock()
	defer x.mu.Unlock()
	if n, ok := x.lowerNames[s]; ok {
		return n
	}
	acts := s.Actions()
	names := make([]string, len(acts))
	for i, a := range acts {
		names[i] = strings.ToLower(a.Name)
	}
	x.lowerNames[s] = names
	return names
}
