package grant

import (
	"strings"
)

// ResourceType is a kind of resource a resource policy attaches to: its
// CloudFormation type (the name engine/validate and IAM Access Analyzer
// take), the service whose actions the policy grants, and the dataset
// resource types the policy's statements can name.
type ResourceType struct {
	// Name is the CloudFormation type, e.g. "AWS::S3::Bucket".
	Name string
	// Aliases are the short names a template may use ("s3", "bucket").
	Aliases []string
	// Noun names the resource in messages ("bucket").
	Noun string
	// Service is the IAM service prefix of the policy's actions.
	Service string
	// Parts are the dataset resource types the policy covers, the one
	// the template's resources name first.
	Parts []Part
	// Resource says how statements name the resource.
	Resource ResourceElement
	// Also are further dataset resource types whose ARNs the template's
	// resources may have (a Lambda function's versions and aliases,
	// which have policies of their own).
	Also []string
	// Example is an ARN of the resource, for the skeleton and messages.
	Example string
}

// Part is a dataset resource type a resource policy covers, and the ARN
// it has given the ARN of the resource the policy attaches to.
type Part struct {
	// Name is the dataset's resource type name ("bucket", "object").
	Name string
	// Suffix is appended to the resource's ARN ("/*" for a bucket's
	// objects; "" for the resource itself).
	Suffix string
}

// ResourceElement is how a resource policy's statements name the
// resource it is attached to.
type ResourceElement int

const (
	// NamedResource: Resource lists the resource's ARNs (S3, SQS, SNS,
	// Lambda); the template must give them.
	NamedResource ResourceElement = iota
	// StarOrNamed: Resource is "*", meaning the resource the policy is
	// attached to (KMS key policies, Secrets Manager), or the ARNs the
	// template gives.
	StarOrNamed
	// ImpliedResource: statements have no Resource (ECR repository
	// policies); the template gives no ARNs.
	ImpliedResource
)

// resourceTypes are the resource types grant templates take. The
// quotas and the element rules are the services' (Amazon S3 User Guide,
// "Bucket policies"; AWS KMS Developer Guide, "Key policies": Resource
// "*" is "this KMS key"; Secrets Manager User Guide, "Resource-based
// policies": "*" is "this secret"; Amazon ECR User Guide, "Repository
// policies": no Resource element).
var resourceTypes = []ResourceType{
	{Name: "AWS::S3::Bucket", Aliases: []string{"s3", "s3-bucket", "bucket"}, Noun: "bucket", Service: "s3",
		Parts: []Part{{"bucket", ""}, {"object", "/*"}}, Resource: NamedResource, Example: "arn:aws:s3:::example-bucket"},
	{Name: "AWS::KMS::Key", Aliases: []string{"kms", "kms-key", "key"}, Noun: "KMS key", Service: "kms",
		Parts: []Part{{"key", ""}}, Resource: StarOrNamed, Example: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
	{Name: "AWS::SQS::Queue", Aliases: []string{"sqs", "sqs-queue", "queue"}, Noun: "queue", Service: "sqs",
		Parts: []Part{{"queue", ""}}, Resource: NamedResource, Example: "arn:aws:sqs:us-east-1:111122223333:example-queue"},
	{Name: "AWS::SNS::Topic", Aliases: []string{"sns", "sns-topic", "topic"}, Noun: "topic", Service: "sns",
		Parts: []Part{{"topic", ""}}, Resource: NamedResource, Example: "arn:aws:sns:us-east-1:111122223333:example-topic"},
	{Name: "AWS::Lambda::Function", Aliases: []string{"lambda", "lambda-function", "function"}, Noun: "function", Service: "lambda",
		Parts: []Part{{"function", ""}}, Resource: NamedResource, Also: []string{"function version", "function alias"}, Example: "arn:aws:lambda:us-east-1:111122223333:function:example-function"},
	{Name: "AWS::SecretsManager::Secret", Aliases: []string{"secretsmanager", "secretsmanager-secret", "secret"}, Noun: "secret", Service: "secretsmanager",
		Parts: []Part{{"Secret", ""}}, Resource: StarOrNamed, Example: "arn:aws:secretsmanager:us-east-1:111122223333:secret:example-AbCdEf"},
	{Name: "AWS::ECR::Repository", Aliases: []string{"ecr", "ecr-repository", "repository"}, Noun: "repository", Service: "ecr",
		Parts: []Part{{"repository", ""}}, Resource: ImpliedResource, Example: "arn:aws:ecr:us-east-1:111122223333:repository/example"},
}

// ResourceTypes returns the resource types grant templates take, in
// table order.
func ResourceTypes() []ResourceType { return append([]ResourceType(nil), resourceTypes...) }

// ResourceTypeNames are the CloudFormation names of ResourceTypes.
func ResourceTypeNames() []string {
	out := make([]string, len(resourceTypes))
	for i, r := range resourceTypes {
		out[i] = r.Name
	}
	return out
}

// LookupResourceType finds a resource type by its CloudFormation name or
// an alias, case-insensitively; nil when there is none.
func LookupResourceType(name string) *ResourceType {
	name = strings.TrimSpace(name)
	for i := range resourceTypes {
		r := &resourceTypes[i]
		if strings.EqualFold(r.Name, name) {
			return r
		}
		for _, a := range r.Aliases {
			if strings.EqualFold(a, name) {
				return r
			}
		}
	}
	return nil
}

// allNames are every name LookupResourceType takes, for did-you-mean.
func allNames() []string {
	var out []string
	for _, r := range resourceTypes {
		out = append(out, r.Name)
		out = append(out, r.Aliases...)
	}
	return out
}
