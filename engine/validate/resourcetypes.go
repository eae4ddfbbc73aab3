package validate

import (
	"sort"
	"strings"
)

// resourceType is a resource type a resource policy can attach to: the
// IAM service prefixes of its actions, the service field of its ARNs and
// the size quota of its policy.
type resourceType struct {
	name string
	// prefixes are the action service prefixes the policy may name.
	prefixes []string
	// arnServices are the ARN service fields its resources have.
	arnServices []string
	// quota is the policy size limit in bytes (0: none known).
	quota int
	// impliedResource: the policy's statements name no Resource (the
	// resource the policy is attached to is implied).
	impliedResource bool
}

// resourceTypes are the CloudFormation resource types Access Analyzer's
// validatePolicyResourceType takes (and a few more), with the quotas each
// service documents for its resource policies.
var resourceTypes = []resourceType{
	{"AWS::S3::Bucket", []string{"s3"}, []string{"s3"}, 20 * 1024, false},
	{"AWS::S3::AccessPoint", []string{"s3"}, []string{"s3"}, 20 * 1024, false},
	{"AWS::S3::MultiRegionAccessPoint", []string{"s3"}, []string{"s3"}, 20 * 1024, false},
	{"AWS::S3ObjectLambda::AccessPoint", []string{"s3-object-lambda"}, []string{"s3-object-lambda"}, 20 * 1024, false},
	{"AWS::S3Express::DirectoryBucket", []string{"s3express"}, []string{"s3express"}, 20 * 1024, false},
	{"AWS::S3Tables::TableBucket", []string{"s3tables"}, []string{"s3tables"}, 20 * 1024, false},
	{"AWS::KMS::Key", []string{"kms"}, []string{"kms"}, 32 * 1024, false},
	{"AWS::SQS::Queue", []string{"sqs"}, []string{"sqs"}, 8 * 1024, false},
	{"AWS::SNS::Topic", []string{"sns"}, []string{"sns"}, 30 * 1024, false},
	{"AWS::Lambda::Function", []string{"lambda"}, []string{"lambda"}, 20 * 1024, false},
	{"AWS::SecretsManager::Secret", []string{"secretsmanager"}, []string{"secretsmanager"}, 20 * 1024, false},
	{"AWS::ECR::Repository", []string{"ecr"}, []string{"ecr"}, 10 * 1024, true},
	{"AWS::DynamoDB::Table", []string{"dynamodb"}, []string{"dynamodb"}, 20 * 1024, false},
	{"AWS::DynamoDB::Stream", []string{"dynamodb"}, []string{"dynamodb"}, 20 * 1024, false},
	{"AWS::EFS::FileSystem", []string{"elasticfilesystem"}, []string{"elasticfilesystem"}, 20 * 1024, false},
	{"AWS::OpenSearchService::Domain", []string{"es"}, []string{"es"}, 0, false},
	{"AWS::Kinesis::Stream", []string{"kinesis"}, []string{"kinesis"}, 20 * 1024, false},
	{"AWS::Kinesis::StreamConsumer", []string{"kinesis"}, []string{"kinesis"}, 20 * 1024, false},
	{"AWS::Glacier::Vault", []string{"glacier"}, []string{"glacier"}, 20 * 1024, false},
	{"AWS::Backup::BackupVault", []string{"backup"}, []string{"backup"}, 0, false},
	{"AWS::CodeArtifact::Domain", []string{"codeartifact"}, []string{"codeartifact"}, 0, false},
	{"AWS::CodeArtifact::Repository", []string{"codeartifact"}, []string{"codeartifact"}, 0, false},
	{"AWS::ApiGateway::RestApi", []string{"execute-api"}, []string{"execute-api"}, 0, false},
	{"AWS::Logs::Destination", []string{"logs"}, []string{"logs"}, 0, false},
	{"AWS::EventBridge::EventBus", []string{"events"}, []string{"events"}, 10 * 1024, false},
	{"AWS::CloudTrail::Dashboard", []string{"cloudtrail"}, []string{"cloudtrail"}, 0, false},
	{"AWS::CloudTrail::EventDataStore", []string{"cloudtrail"}, []string{"cloudtrail"}, 0, false},
}

var resourceTypeNames = func() []string {
	out := make([]string, len(resourceTypes))
	for i, r := range resourceTypes {
		out[i] = r.name
	}
	sort.Strings(out)
	return out
}()

// lookupResourceType finds a resource type by name, case-insensitively;
// nil for "" or an unknown name.
func lookupResourceType(name string) *resourceType {
	for i := range resourceTypes {
		if strings.EqualFold(resourceTypes[i].name, name) {
			return &resourceTypes[i]
		}
	}
	return nil
}

func (r *resourceType) hasPrefix(p string) bool {
	for _, x := range r.prefixes {
		if strings.EqualFold(x, p) {
			return true
		}
	}
	return false
}

func (r *resourceType) hasARNService(s string) bool {
	for _, x := range r.arnServices {
		if x == s {
			return true
		}
	}
	return false
}
