package audit

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/internal/golden"
	"github.com/leastpriv/policysentry/engine/policy"
)

// findings returns the findings of a list (and method, when given).
func findings(pr *PolicyReport, list, method string) []Finding {
	var out []Finding
	for _, f := range pr.Findings {
		if f.List == list && (method == "" || f.Method == method) {
			out = append(out, f)
		}
	}
	return out
}

func analyzeOne(t *testing.T, src string, opts Options) *PolicyReport {
	t.Helper()
	docs, err := policy.Load([]byte(src), "p.json")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Analyze(defaultDB(t), docs, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep.Policies[0]
}

// TestAnalyzeCases checks findings, constraints and severities on small
// policies, one behaviour each.
func TestAnalyzeCases(t *testing.T) {
	const passRoleLambda = `"iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"`
	for _, tc := range []struct {
		name, src string
		opts      Options
		check     func(t *testing.T, pr *PolicyReport)
	}{
		{"combination fires only when complete", `{"Statement": {"Effect": "Allow", "Action": ["iam:PassRole", "lambda:CreateFunction"], "Resource": "*"}}`, Options{},
			func(t *testing.T, pr *PolicyReport) {
				if f := findings(pr, "privilege-escalation", "PassExistingRoleToNewLambdaThenInvoke"); len(f) != 0 {
					t.Errorf("method fired without lambda:InvokeFunction: %+v", f)
				}
			}},
		{"combination on * without condition is critical", `{"Statement": [{"Sid": "Lambda", "Effect": "Allow", "Action": [` + passRoleLambda + `], "Resource": "*"}]}`, Options{},
			func(t *testing.T, pr *PolicyReport) {
				f := findings(pr, "privilege-escalation", "PassExistingRoleToNewLambdaThenInvoke")
				if len(f) != 1 {
					t.Fatalf("%d findings", len(f))
				}
				if f[0].Severity != SeverityCritical || !f[0].Unconstrained || f[0].Conditioned || f[0].Statements[0] != "Lambda" || len(f[0].Actions) != 3 {
					t.Errorf("finding %+v", f[0])
				}
			}},
		{"combination across statements names both", `{"Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/app"},
			{"Effect": "Allow", "Action": ["lambda:CreateFunction", "lambda:InvokeFunction"], "Resource": "*", "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}}]}`, Options{},
			func(t *testing.T, pr *PolicyReport) {
				f := findings(pr, "privilege-escalation", "PassExistingRoleToNewLambdaThenInvoke")
				if len(f) != 1 {
					t.Fatalf("%d findings", len(f))
				}
				if strings.Join(f[0].Statements, ",") != "Statement[0],Statement[1]" || f[0].Unconstrained || f[0].Conditioned {
					t.Errorf("finding %+v", f[0])
				}
				if !f[0].Severity.AtLeast(SeverityLow) || f[0].Severity.AtLeast(SeverityCritical) {
					t.Errorf("severity %s for a partly constrained grant", f[0].Severity)
				}
			}},
		{"severity ranks * above ARNs above conditions", `{"Statement": [
			{"Sid": "Star", "Effect": "Allow", "Action": "s3:PutBucketPolicy", "Resource": "*"},
			{"Sid": "Arn", "Effect": "Allow", "Action": "sqs:AddPermission", "Resource": "arn:aws:sqs:us-east-1:123456789012:q"},
			{"Sid": "ArnCond", "Effect": "Allow", "Action": "sns:AddPermission", "Resource": "arn:aws:sns:us-east-1:123456789012:t", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}]}`, Options{},
			func(t *testing.T, pr *PolicyReport) {
				sev := map[string]Severity{}
				for _, f := range findings(pr, "resource-exposure", "") {
					sev[f.Statements[0]] = f.Severity
				}
				if !(sev["Star"].AtLeast(sev["Arn"]) && sev["Arn"].AtLeast(sev["ArnCond"]) && sev["Star"] != sev["ArnCond"]) {
					t.Errorf("severities %v", sev)
				}
				if pr.Findings[0].Statements[0] != "Star" {
					t.Errorf("findings not ranked by severity: first is %+v", pr.Findings[0])
				}
			}},
		{"NotAction allows everything else", `{"Statement": {"Effect": "Allow", "NotAction": ["iam:*", "sts:*"], "Resource": "*"}}`, Options{},
			func(t *testing.T, pr *PolicyReport) {
				for _, l := range pr.Allowed {
					for _, a := range l.Actions {
						if strings.HasPrefix(a, "iam:") || strings.HasPrefix(a, "sts:") {
							t.Fatalf("%s allowed through NotAction", a)
						}
					}
				}
				if len(findings(pr, "privilege-escalation", "AttachUserPolicy")) != 0 {
					t.Error("IAM escalation reported though iam:* is excluded")
				}
				if len(findings(pr, "privilege-escalation", "SSMSendCommand")) != 1 {
					t.Error("ssm:SendCommand not reported")
				}
			}},
		{"unconditional Deny removes actions", `{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]}`, Options{},
			func(t *testing.T, pr *PolicyReport) {
				if len(pr.Denied) == 0 || !strings.HasPrefix(pr.Denied[0], "iam:") {
					t.Errorf("denied %v", pr.Denied)
				}
				if len(findings(pr, "privilege-escalation", "CreateAccessKey")) != 0 {
					t.Error("denied action reported")
				}
			}},
		{"case-insensitive actions with ?", `{"Statement": {"Effect": "Allow", "Action": "S3:getobjec?", "Resource": "*"}}`, Options{},
			func(t *testing.T, pr *PolicyReport) {
				if pr.Allowed[0].Level != "read" || len(pr.Allowed[0].Actions) != 1 || pr.Allowed[0].Actions[0] != "s3:GetObject" {
					t.Errorf("allowed %+v", pr.Allowed)
				}
			}},
		{"unknown actions reported with suggestions", `{"Statement": {"Effect": "Allow", "Action": ["s3:GetObjekt", "s4:GetObject"], "Resource": "*"}}`, Options{},
			func(t *testing.T, pr *PolicyReport) {
				if len(pr.Unknown) != 2 || pr.Unknown[0].Suggestions[0] != "s3:GetObject" || pr.Unknown[1].Pattern != "s4:GetObject" {
					t.Errorf("unknown %+v", pr.Unknown)
				}
			}},
		{"infrastructure modification", `{"Statement": [{"Sid": "All", "Effect": "Allow", "Action": "ec2:*", "Resource": "*"},
			{"Sid": "Cond", "Effect": "Allow", "Action": "sqs:*", "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/team": "a"}}}]}`, Options{InfrastructureModification: true},
			func(t *testing.T, pr *PolicyReport) {
				var terminate, ec2Level, sqsLevel bool
				for _, f := range findings(pr, "infrastructure-modification", "") {
					switch {
					case len(f.Actions) == 1 && f.Actions[0] == "ec2:TerminateInstances":
						terminate = true
					case strings.HasPrefix(f.Actions[0], "ec2:"):
						ec2Level = true
						for _, a := range f.Actions {
							if a == "ec2:TerminateInstances" {
								t.Error("ec2:TerminateInstances reported twice")
							}
						}
					case strings.HasPrefix(f.Actions[0], "sqs:") && len(f.Actions) > 1:
						sqsLevel = true
					}
				}
				if !terminate || !ec2Level || sqsLevel {
					t.Errorf("terminate %v, ec2 level rule %v, sqs (conditioned) level rule %v", terminate, ec2Level, sqsLevel)
				}
			}},
		{"NotResource * grants nothing", `{"Statement": {"Sid": "Nothing", "Effect": "Allow", "Action": ["iam:PassRole", "xray:PutTraceSegments"], "NotResource": "*"}}`, Options{InfrastructureModification: true},
			func(t *testing.T, pr *PolicyReport) {
				if len(pr.Findings) != 0 {
					t.Errorf("findings for a statement that applies to nothing: %+v", pr.Findings)
				}
				if len(pr.Ineffective) != 1 || pr.Ineffective[0].Statement != "Nothing" || pr.Ineffective[0].Count != 2 {
					t.Errorf("ineffective %+v", pr.Ineffective)
				}
			}},
		{"actions that accept only Resource * get no advice to constrain them", `{"Statement": {"Effect": "Allow", "Action": ["xray:PutTraceSegments", "ecr:GetAuthorizationToken"], "Resource": "*"}}`, Options{InfrastructureModification: true},
			func(t *testing.T, pr *PolicyReport) {
				for _, f := range pr.Findings {
					if f.List == "infrastructure-modification" {
						t.Errorf("wildcard-only action flagged as unconstrained infrastructure modification: %+v", f)
					}
				}
				f := findings(pr, "credentials-exposure", "")
				if len(f) != 1 || !f[0].WildcardOnly || f[0].Severity != SeverityHigh {
					t.Errorf("ecr:GetAuthorizationToken: %+v, want the list's severity (high), marked wildcard-only", f)
				}
			}},
		{"an ARN pattern covering every role ranks as *", `{"Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::*:role/*"}, {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"}]}`, Options{},
			func(t *testing.T, pr *PolicyReport) {
				f := findings(pr, "privilege-escalation", "PassExistingRoleToNewEC2Instance")
				if len(f) != 1 || f[0].Severity != SeverityCritical || !f[0].Unconstrained {
					t.Errorf("%+v", f)
				}
			}},
		{"Allow * and Deny * in one policy: nothing", `{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "Action": "*", "Resource": "*"}]}`, Options{InfrastructureModification: true},
			func(t *testing.T, pr *PolicyReport) {
				if len(pr.Findings) != 0 {
					t.Errorf("%d findings", len(pr.Findings))
				}
			}},
		{"a conditional Deny is noted, not subtracted", `{"Statement": [{"Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "*"}, {"Sid": "MFA", "Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}]}`, Options{},
			func(t *testing.T, pr *PolicyReport) {
				if len(findings(pr, "privilege-escalation", "CreateAccessKey")) != 1 || len(pr.Notes) != 1 || !strings.HasPrefix(pr.Notes[0], "MFA:") {
					t.Errorf("findings %d, notes %v", len(pr.Findings), pr.Notes)
				}
			}},
		{"custom audit list", `{"Statement": {"Effect": "Allow", "Action": ["s3:Get*"], "Resource": "arn:aws:s3:::b/*"}}`,
			Options{Lists: []*List{mustAuditFile(t, "# mine\ns3:GetObject\ns3:getobjectacl  \n\nkms:Decrypt\n")}},
			func(t *testing.T, pr *PolicyReport) {
				if len(pr.Findings) != 2 || pr.Findings[0].List != "custom" || pr.Findings[0].Actions[0] != "s3:GetObject" || pr.Findings[1].Actions[0] != "s3:GetObjectAcl" {
					t.Errorf("findings %+v", pr.Findings)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.check(t, analyzeOne(t, tc.src, tc.opts)) })
	}
}

func mustAuditFile(t *testing.T, src string) *List {
	l, err := ParseAuditFile([]byte(src), "audit.txt")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestParseAuditFileErrors checks that bad audit files name
// file:line:column.
func TestParseAuditFileErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"s3:GetObject\nGetObject\n", "audit.txt:2:1: \"GetObject\" is not an action"},
		{"s3:GetObject, s3:PutObject\n", "audit.txt:1:1:"},
		{"s3:GetObject\r\n  é:x y # c\n", "audit.txt:2:3: \"é:x y\" is not an action"},
		{"# nothing\n\n", "audit.txt: the audit file lists no actions"},
	} {
		_, err := ParseAuditFile([]byte(tc.src), "audit.txt")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.src, err, tc.want)
		}
	}
}

// TestAnalyzeGolden analyzes every policy in testdata/policies (each file
// may hold several documents) with every list and compares the whole
// report with <name>.report.json (-update rewrites).
func TestAnalyzeGolden(t *testing.T) {
	db := defaultDB(t)
	files, _ := filepath.Glob("testdata/policies/*.json")
	var inputs []string
	for _, f := range files {
		if !strings.HasSuffix(f, ".report.json") {
			inputs = append(inputs, f)
		}
	}
	if len(inputs) < 3 {
		t.Fatalf("only %d golden policies", len(inputs))
	}
	for _, f := range inputs {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			docs, err := policy.Load(src, filepath.Base(f))
			if err != nil {
				t.Fatal(err)
			}
			rep, err := Analyze(db, docs, Options{InfrastructureModification: true})
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.MarshalIndent(rep, "", "  ")
			got = append(got, '\n')
			again, _ := Analyze(db, docs, Options{InfrastructureModification: true})
			if b, _ := json.MarshalIndent(again, "", "  "); string(b)+"\n" != string(got) {
				t.Fatal("two runs gave different reports")
			}
			golden.Check(t, strings.TrimSuffix(f, ".json")+".report.json", got, "")
		})
	}
}

// TestWriteSARIF checks the SARIF log of a policy file: one rule per
// list entry or path, each result at its statement's line and column.
func TestWriteSARIF(t *testing.T) {
	src := "{\"Statement\": [\n  {\"Effect\": \"Allow\", \"Action\": \"iam:PassRole\", \"Resource\": \"*\"},\n  {\"Sid\": \"Run\", \"Effect\": \"Allow\", \"Action\": \"ec2:RunInstances\", \"Resource\": \"*\"}]}"
	docs, err := policy.Load([]byte(src), "p.json")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Analyze(defaultDB(t), docs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := rep.WriteSARIF(&b, diag.SARIFTool{Name: "policy-sentry"}, "p.json"); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct{ ID string } `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string } `json:"artifactLocation"`
						Region           struct {
							StartLine, StartColumn int
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(b.String()), &log); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range log.Runs[0].Results {
		if r.RuleID == "privilege-escalation/ec2-001" {
			found = true
			reg := r.Locations[0].PhysicalLocation.Region
			if reg.StartLine != 2 || reg.StartColumn != 3 || r.Locations[0].PhysicalLocation.ArtifactLocation.URI != "p.json" {
				t.Errorf("ec2-001 at %+v", r.Locations[0].PhysicalLocation)
			}
		}
	}
	if !found || len(log.Runs[0].Tool.Driver.Rules) == 0 {
		t.Errorf("SARIF log:\n%s", b.String())
	}
}
