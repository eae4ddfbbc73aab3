package diff

import (
	"fmt"
	"slices"
	"strings"

	"github.com/leastpriv/policysentry/engine/condition"
	"github.com/leastpriv/policysentry/engine/policy"
)

// PublicResourceTypes are the resource types CheckNoPublicAccess knows,
// named as Access Analyzer names them.
var PublicResourceTypes = []string{
	"AWS::S3::Bucket", "AWS::S3::AccessPoint", "AWS::S3::Glacier", "AWS::S3Express::DirectoryBucket",
	"AWS::KMS::Key", "AWS::SQS::Queue", "AWS::SNS::Topic", "AWS::Lambda::Function",
	"AWS::SecretsManager::Secret", "AWS::ECR::Repository", "AWS::IAM::AssumeRolePolicyDocument",
	"AWS::DynamoDB::Table", "AWS::DynamoDB::Stream", "AWS::EFS::FileSystem", "AWS::OpenSearchService::Domain",
	"AWS::Kinesis::Stream", "AWS::Kinesis::StreamConsumer", "AWS::ApiGateway::RestApi",
	"AWS::CodeArtifact::Domain", "AWS::Backup::BackupVault", "AWS::CloudTrail::Dashboard", "AWS::CloudTrail::EventDataStore",
	"AWS::S3Tables::TableBucket", "AWS::S3Tables::Table",
}

// restrictingKeys are condition keys that, compared with a fixed value by
// a positive operator, limit a statement to known callers or networks.
var restrictingKeys = map[string]bool{
	"aws:sourcearn": true, "aws:sourceaccount": true, "aws:sourceowner": true, "aws:sourceorgid": true,
	"aws:sourceorgpaths": true, "aws:principalorgid": true, "aws:principalorgpaths": true,
	"aws:principalaccount": true, "aws:principalarn": true, "aws:userid": true, "aws:sourcevpce": true,
	"aws:sourcevpc": true, "aws:sourcevpcarn": true, "aws:sourceip": true, "aws:vpcsourceip": true,
	"kms:calleraccount": true, "s3:dataaccesspointaccount": true, "s3:dataaccesspointarn": true,
	"lambda:eventsourcetoken": true, "aws:principalservicename": true,
	"cognito-identity.amazonaws.com:aud": true, "sts:externalid": true,
}

// PublicFinding is a statement that opens a resource to anyone.
type PublicFinding struct {
	Statement StatementRef `json:"statement"`
	// Principal is the open principal as written.
	Principal string   `json:"principal"`
	Actions   []string `json:"actions"`
	// Detail says why the statement's conditions do not restrict it.
	Detail string `json:"detail"`
}

// CheckNoPublicAccess reports Allow statements of a resource policy (or
// role trust policy) that any principal can use: Principal "*" or an AWS
// principal "*" (or NotPrincipal with Allow), without a condition that
// really restricts callers (a positive operator, without IfExists or
// ForAllValues, on a key such as aws:SourceArn, aws:SourceAccount,
// aws:PrincipalOrgID, aws:SourceVpce or aws:SourceIp, with a fixed value:
// not "*", not an open IP range). A Deny statement for every principal
// whose negated condition on such a key excludes outsiders also closes it.
// resourceType is one of PublicResourceTypes ("" for any).
func CheckNoPublicAccess(doc *policy.Document, resourceType string) ([]PublicFinding, error) {
	if resourceType != "" && !slices.Contains(PublicResourceTypes, resourceType) {
		return nil, fmt.Errorf("unknown resource type %q: use one of %s", resourceType, strings.Join(PublicResourceTypes, ", "))
	}
	closedBy := closingDenies(doc)
	var out []PublicFinding
	for i := range doc.Statement {
		s := &doc.Statement[i]
		if s.Effect != "Allow" {
			continue
		}
		who, open := openPrincipal(s)
		if !open {
			continue
		}
		conds, err := parseConditions(s.Condition)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", doc.Name, s.Label(), err)
		}
		if restricting(conds) {
			continue
		}
		if closedBy != "" {
			continue
		}
		detail := "no condition restricts who can use it"
		if len(conds) > 0 {
			detail = "its conditions (" + conditionText(conds) + ") do not restrict callers: use a positive operator without IfExists or ForAllValues on aws:SourceArn, aws:SourceAccount, aws:PrincipalOrgID, aws:SourceVpce or aws:SourceIp with a fixed value"
		}
		acts := s.Action
		if len(s.NotAction) > 0 {
			acts = []string{"NotAction: " + strings.Join(s.NotAction, ", ")}
		}
		out = append(out, PublicFinding{
			Statement: StatementRef{Policy: doc.Name, Label: s.Label(), Index: s.Index, Line: s.Line, Column: s.Column},
			Principal: who, Actions: acts, Detail: detail,
		})
	}
	return out, nil
}

// openPrincipal reports whether an Allow statement's principal is
// everyone.
func openPrincipal(s *policy.Statement) (string, bool) {
	if len(s.NotPrinc) > 0 {
		return "NotPrincipal " + string(s.NotPrinc), true
	}
	ps, err := principals(s)
	if err != nil {
		return "", false
	}
	for _, p := range ps {
		if p == "*" || strings.HasSuffix(p, ":*") && strings.HasPrefix(p, "AWS:") {
			return strings.TrimSpace(string(s.Principal)), true
		}
	}
	return "", false
}

// restricting reports whether a clause restricts callers.
func restricting(cs []clause) bool {
	for _, c := range cs {
		if !restrictingKeys[c.key] {
			continue
		}
		op, err := condition.ParseOperator(c.Op)
		if err != nil || op.Base.Negated || op.IfExists || op.Set == condition.ForAllValues || op.Base.Type == condition.Null {
			continue
		}
		if fixedValues(c.key, c.Values) {
			return true
		}
	}
	return false
}

// fixedValues reports whether no value lets everyone through: no bare "*",
// no open IP range, and for ARN-valued keys a fixed account field.
func fixedValues(key string, vals []string) bool {
	if len(vals) == 0 {
		return false
	}
	for _, v := range vals {
		switch {
		case strings.Trim(v, "*?") == "":
			return false
		case key == "aws:sourceip" || key == "aws:vpcsourceip":
			if p, err := condition.ParseIPRange(v); err != nil || p.Bits() == 0 {
				return false
			}
		case key == "aws:sourcearn" || key == "aws:principalarn":
			parts := strings.SplitN(v, ":", 6)
			if strings.ContainsAny(v, "*?") && (len(parts) < 5 || strings.ContainsAny(parts[4], "*?") || parts[4] == "") {
				// S3 bucket ARNs carry no account; a wildcard there is open.
				if !(len(parts) == 6 && parts[2] == "s3" && !strings.ContainsAny(parts[5], "*?")) {
					return false
				}
			}
		case strings.ContainsAny(v, "*?") && key != "aws:principalorgpaths" && key != "aws:sourceorgpaths":
			return false
		}
	}
	return true
}

// closingDenies returns the label of a Deny statement that applies to
// every principal and every action, with a negated condition on a
// restricting key (deny everyone outside my organization), or "".
func closingDenies(doc *policy.Document) string {
	for i := range doc.Statement {
		s := &doc.Statement[i]
		if s.Effect != "Deny" {
			continue
		}
		if _, open := openPrincipal(s); !open {
			continue
		}
		if !slices.Contains(s.Action, "*") {
			continue
		}
		conds, err := parseConditions(s.Condition)
		if err != nil {
			continue
		}
		for _, c := range conds {
			op, err := condition.ParseOperator(c.Op)
			if err != nil || !restrictingKeys[c.key] || !op.Base.Negated || op.Set == condition.ForAllValues {
				continue
			}
			if fixedValues(c.key, c.Values) {
				return s.Label()
			}
		}
	}
	return ""
}
