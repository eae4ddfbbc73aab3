package condition

import (
	"sort"
	"strings"
)

// GlobalKey is a global condition key (aws:...), available in every
// request context where AWS sets it, whatever the action.
type GlobalKey struct {
	// Name as AWS spells it; a key that takes a tag key or other suffix
	// ends in "/" (e.g. "aws:ResourceTag/").
	Name string
	Type KeyType
	// Prefix keys take a suffix after their "/" (the tag key).
	Prefix bool
	// Description is a one-line summary.
	Description string
}

// globalKeys is AWS's list of global condition context keys (IAM User
// Guide, "AWS global condition context keys"), with each key's type.
var globalKeys = []GlobalKey{
	{"aws:PrincipalArn", KeyType{ARN, false}, false, "ARN of the principal that made the request"},
	{"aws:PrincipalAccount", KeyType{String, false}, false, "account of the principal that made the request"},
	{"aws:PrincipalOrgPaths", KeyType{String, true}, false, "AWS Organizations paths of the principal's account"},
	{"aws:PrincipalOrgID", KeyType{String, false}, false, "organization of the principal's account"},
	{"aws:PrincipalTag/", KeyType{String, false}, true, "tag attached to the principal"},
	{"aws:PrincipalIsAWSService", KeyType{Bool, false}, false, "whether an AWS service principal made the call"},
	{"aws:PrincipalServiceName", KeyType{String, false}, false, "service principal that made the call"},
	{"aws:PrincipalServiceNamesList", KeyType{String, true}, false, "every service principal name of the service"},
	{"aws:PrincipalType", KeyType{String, false}, false, "type of principal (Account, User, FederatedUser, AssumedRole, Anonymous)"},
	{"aws:userid", KeyType{String, false}, false, "principal identifier of the requester"},
	{"aws:username", KeyType{String, false}, false, "user name of the requester (IAM users only)"},
	{"aws:AssumedRoot", KeyType{Bool, false}, false, "whether the request used AssumeRoot"},
	{"aws:FederatedProvider", KeyType{String, false}, false, "identity provider that issued the principal's identity"},
	{"aws:TokenIssueTime", KeyType{Date, false}, false, "when temporary credentials were issued"},
	{"aws:MultiFactorAuthAge", KeyType{Numeric, false}, false, "seconds since MFA authentication"},
	{"aws:MultiFactorAuthPresent", KeyType{Bool, false}, false, "whether MFA was used for the temporary credentials"},
	{"aws:ChatbotSourceArn", KeyType{ARN, false}, false, "chat configuration the request came from"},
	{"aws:Ec2InstanceSourceVpc", KeyType{String, false}, false, "VPC the EC2 role credentials were delivered to"},
	{"aws:Ec2InstanceSourcePrivateIPv4", KeyType{IPAddress, false}, false, "private IPv4 of the EC2 instance the credentials were delivered to"},
	{"aws:SourceIdentity", KeyType{String, false}, false, "source identity set when assuming the role"},
	{"aws:SourceIp", KeyType{IPAddress, false}, false, "requester's public IP address"},
	{"aws:SourceVpc", KeyType{String, false}, false, "VPC the request came through (VPC endpoint)"},
	{"aws:SourceVpcArn", KeyType{ARN, false}, false, "ARN of the VPC the request came through"},
	{"aws:SourceVpce", KeyType{String, false}, false, "VPC endpoint the request came through"},
	{"aws:VpceAccount", KeyType{String, false}, false, "account owning the VPC endpoint"},
	{"aws:VpceOrgID", KeyType{String, false}, false, "organization owning the VPC endpoint"},
	{"aws:VpceOrgPaths", KeyType{String, true}, false, "organization paths of the VPC endpoint's account"},
	{"aws:VpcSourceIp", KeyType{IPAddress, false}, false, "requester's IP address inside the VPC"},
	{"aws:ResourceAccount", KeyType{String, false}, false, "account owning the resource"},
	{"aws:ResourceOrgID", KeyType{String, false}, false, "organization of the resource's account"},
	{"aws:ResourceOrgPaths", KeyType{String, true}, false, "organization paths of the resource's account"},
	{"aws:ResourceTag/", KeyType{String, false}, true, "tag attached to the resource"},
	{"aws:CalledVia", KeyType{String, true}, false, "services that made the request on the principal's behalf, in order"},
	{"aws:CalledViaFirst", KeyType{String, false}, false, "first service in the CalledVia chain"},
	{"aws:CalledViaLast", KeyType{String, false}, false, "last service in the CalledVia chain"},
	{"aws:ViaAWSService", KeyType{Bool, false}, false, "whether an AWS service made the request on the principal's behalf"},
	{"aws:CurrentTime", KeyType{Date, false}, false, "date and time of the request"},
	{"aws:EpochTime", KeyType{Date, false}, false, "date and time of the request, as epoch seconds or a date"},
	{"aws:referer", KeyType{String, false}, false, "HTTP referer header (client-supplied: not a security control)"},
	{"aws:RequestedRegion", KeyType{String, false}, false, "Region the request was made to"},
	{"aws:RequestTag/", KeyType{String, false}, true, "tag passed in the request"},
	{"aws:TagKeys", KeyType{String, true}, false, "tag keys passed in the request"},
	{"aws:SecureTransport", KeyType{Bool, false}, false, "whether the request was sent with TLS"},
	{"aws:SourceAccount", KeyType{String, false}, false, "account of the resource making a service-to-service request"},
	{"aws:SourceArn", KeyType{ARN, false}, false, "ARN of the resource making a service-to-service request"},
	{"aws:SourceOrgID", KeyType{String, false}, false, "organization of the resource making a service-to-service request"},
	{"aws:SourceOrgPaths", KeyType{String, true}, false, "organization paths of the resource making a service-to-service request"},
	{"aws:UserAgent", KeyType{String, false}, false, "requester's client application (client-supplied: not a security control)"},
	{"aws:IsMcpServiceAction", KeyType{Bool, false}, false, "whether the request came through an AWS MCP server"},
}

var globalByLower = func() map[string]*GlobalKey {
	m := make(map[string]*GlobalKey, len(globalKeys))
	for i := range globalKeys {
		m[strings.ToLower(globalKeys[i].Name)] = &globalKeys[i]
	}
	return m
}()

// GlobalKeys returns the global condition keys, in documentation order.
// The slice is shared: callers must not change it.
func GlobalKeys() []GlobalKey { return globalKeys }

// LookupGlobal finds the global key named name, case-insensitively (key
// names are case-insensitive in IAM). For prefix keys the name must carry
// a non-empty suffix ("aws:ResourceTag/team"). It returns nil for a name
// that is not a global key.
func LookupGlobal(name string) *GlobalKey {
	lower := strings.ToLower(name)
	if g := globalByLower[lower]; g != nil && !g.Prefix {
		return g
	}
	if i := strings.IndexByte(lower, '/'); i > 0 && i < len(lower)-1 {
		if g := globalByLower[lower[:i+1]]; g != nil && g.Prefix {
			return g
		}
	}
	return nil
}

// IsGlobal reports whether name is in the aws: namespace.
func IsGlobal(name string) bool {
	return len(name) > 4 && strings.EqualFold(name[:4], "aws:")
}

// GlobalNames returns the global key names (prefix keys with their "/"),
// sorted, for suggestions and pickers.
func GlobalNames() []string {
	out := make([]string, len(globalKeys))
	for i, g := range globalKeys {
		out[i] = g.Name
	}
	sort.Strings(out)
	return out
}
