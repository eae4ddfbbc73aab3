// Package awsfake is a local stand-in for the AWS APIs that
// download-policies calls, for tests: sts:GetCallerIdentity and
// iam:GetAccountAuthorizationDetails, answering in the Query protocol's
// XML as AWS documents it, with paging (MaxItems, IsTruncated, Marker),
// URL-encoded policy documents, and on demand Throttling and AccessDenied
// errors; and the credential sources of the default chain:
// sts:AssumeRole and sts:AssumeRoleWithWebIdentity, the IAM Identity
// Center portal's GetRoleCredentials (GET /federation/credentials), the
// OIDC service's CreateToken for refresh tokens (POST /token), a
// container credentials endpoint (GET /container-credentials) and the
// EC2 instance metadata service (/latest/...). Point the client at it
// with AWS_ENDPOINT_URL (or AWS_ENDPOINT_URL_IAM, _STS, _SSO),
// AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_EC2_METADATA_SERVICE_ENDPOINT.
// Calls records every request with the access key that signed it.
package awsfake

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Entity is one user, group, role or managed policy; XML is its <member>
// body, Kind its filter entity type (User, Group, Role,
// LocalManagedPolicy, AWSManagedPolicy).
type Entity struct {
	Kind string
	XML  string
}

// Server is the fake endpoint.
type Server struct {
	// Account and Arn are GetCallerIdentity's answer.
	Account, Arn string
	// Entities are served in this order, filtered by the request's Filter.
	Entities []Entity
	// MaxPage caps a page below the request's MaxItems (0: no cap).
	MaxPage int
	// ThrottleEvery, when > 0, answers every Nth IAM request with a
	// Throttling error (HTTP 400), which the SDK retries.
	ThrottleEvery int
	// DenyIAM answers GetAccountAuthorizationDetails with AccessDenied.
	DenyIAM bool
	// DenyRoles are role names whose AssumeRole is denied.
	DenyRoles []string
	// WebIdentityToken is the one token AssumeRoleWithWebIdentity accepts.
	WebIdentityToken string
	// WebIdentityFailures answers the first N AssumeRoleWithWebIdentity
	// requests with InvalidIdentityToken, as STS does while a new
	// identity provider's keys propagate (the SDK retries it).
	WebIdentityFailures int
	// SSOToken is the one access token GetRoleCredentials accepts.
	SSOToken string
	// SSORefreshToken is the one refresh token the OIDC CreateToken
	// (POST /token) accepts; it answers SSOToken and "refreshed-" +
	// SSORefreshToken as the new refresh token.
	SSORefreshToken string
	// ContainerToken, when set, is the Authorization the container
	// endpoint requires.
	ContainerToken string

	mu       sync.Mutex
	requests map[string]int
	throttle int
	calls    []Call
}

// Call is one request: its action (a Query action, GetRoleCredentials,
// Container or IMDS), the access key that signed it ("" when unsigned)
// and the region it was signed for, and its parameters.
type Call struct {
	Action, AccessKey, Region string
	Params                    url.Values
}

// Calls returns the requests in the order they came.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

func (s *Server) record(c Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, c)
}

// signer returns the access key and region of a Signature Version 4
// Authorization header ("" when there is none).
func signer(r *http.Request) (key, region string) {
	_, cred, ok := strings.Cut(r.Header.Get("Authorization"), "Credential=")
	if !ok {
		return "", ""
	}
	cred, _, _ = strings.Cut(cred, ",")
	parts := strings.Split(cred, "/") // KEY/DATE/REGION/SERVICE/aws4_request
	if len(parts) < 3 {
		return parts[0], ""
	}
	return parts[0], parts[2]
}

// Start serves s on a local httptest server; close it when done.
func (s *Server) Start() *httptest.Server {
	return httptest.NewServer(s)
}

// Requests returns how many requests each Action had, throttled ones included.
func (s *Server) Requests(action string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[action]
}

// Throttled returns how many Throttling errors were sent.
func (s *Server) Throttled() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.throttle
}

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/federation/credentials":
		s.sso(w, r)
		return
	case r.URL.Path == "/token":
		s.createToken(w, r)
		return
	case r.URL.Path == "/container-credentials":
		s.container(w, r)
		return
	case strings.HasPrefix(r.URL.Path, "/latest/"):
		s.imds(w, r)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, 400, "MalformedQueryString", err.Error())
		return
	}
	action := r.Form.Get("Action")
	key, region := signer(r)
	params := url.Values{}
	for k, v := range r.PostForm {
		if k != "Action" && k != "Version" {
			params[k] = v
		}
	}
	s.record(Call{Action: action, AccessKey: key, Region: region, Params: params})
	if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ") && action != "AssumeRoleWithWebIdentity" {
		s.fail(w, 403, "MissingAuthenticationToken", "Request is missing Authentication Token")
		return
	}
	s.mu.Lock()
	if s.requests == nil {
		s.requests = map[string]int{}
	}
	s.requests[action]++
	n := s.requests[action]
	throttle := s.ThrottleEvery > 0 && action == "GetAccountAuthorizationDetails" && n%s.ThrottleEvery == 0
	if throttle {
		s.throttle++
	}
	s.mu.Unlock()
	switch action {
	case "GetCallerIdentity":
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprintf(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>%s</Arn>
    <UserId>AIDACKCEVSQ6C2EXAMPLE</UserId>
    <Account>%s</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>`, esc(s.Arn), esc(s.Account))
	case "AssumeRole":
		role := lastPart(r.Form.Get("RoleArn"))
		if slices.Contains(s.DenyRoles, role) {
			s.fail(w, 403, "AccessDenied", fmt.Sprintf("User: %s is not authorized to perform: sts:AssumeRole on resource: %s", key, r.Form.Get("RoleArn")))
			return
		}
		s.assumed(w, "AssumeRole", "ASIA"+role, r.Form.Get("RoleArn"))
	case "AssumeRoleWithWebIdentity":
		if n <= s.WebIdentityFailures || r.Form.Get("WebIdentityToken") != s.WebIdentityToken || s.WebIdentityToken == "" {
			s.fail(w, 400, "InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider")
			return
		}
		s.assumed(w, "AssumeRoleWithWebIdentity", "ASIAWEB"+lastPart(r.Form.Get("RoleArn")), r.Form.Get("RoleArn"))
	case "GetAccountAuthorizationDetails":
		if throttle {
			s.fail(w, 400, "Throttling", "Rate exceeded")
			return
		}
		if s.DenyIAM {
			s.fail(w, 403, "AccessDenied", fmt.Sprintf("User: %s is not authorized to perform: iam:GetAccountAuthorizationDetails on resource: *", s.Arn))
			return
		}
		s.details(w, r.Form)
	default:
		s.fail(w, 400, "InvalidAction", "Could not find operation "+action)
	}
}

// assumed answers AssumeRole or AssumeRoleWithWebIdentity with the
// access key key, valid for an hour.
func (s *Server) assumed(w http.ResponseWriter, action, key, roleArn string) {
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<%[1]sResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <%[1]sResult>
    <Credentials>
      <AccessKeyId>%[2]s</AccessKeyId>
      <SecretAccessKey>secret-%[2]s</SecretAccessKey>
      <SessionToken>token-%[2]s</SessionToken>
      <Expiration>%[3]s</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <Arn>%[4]s</Arn>
      <AssumedRoleId>AROA:session</AssumedRoleId>
    </AssumedRoleUser>
  </%[1]sResult>
</%[1]sResponse>`, action, esc(key), time.Now().Add(time.Hour).UTC().Format(time.RFC3339), esc(strings.Replace(roleArn, ":iam::", ":sts::", 1)))
}

// sso answers GetRoleCredentials: ASIASSO+role_name for the SSOToken,
// else 401 UnauthorizedException.
func (s *Server) sso(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.record(Call{Action: "GetRoleCredentials", Params: url.Values{"account_id": q["account_id"], "role_name": q["role_name"]}})
	w.Header().Set("Content-Type", "application/json")
	if s.SSOToken == "" || r.Header.Get("x-amz-sso_bearer_token") != s.SSOToken {
		w.Header().Set("X-Amzn-Errortype", "UnauthorizedException:http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"message":"Session token not found or invalid"}`)
		return
	}
	fmt.Fprintf(w, `{"roleCredentials":{"accessKeyId":%q,"secretAccessKey":"secret","sessionToken":"token","expiration":%d}}`,
		"ASIASSO"+q.Get("role_name"), time.Now().Add(time.Hour).UnixMilli())
}

// createToken answers the SSO OIDC CreateToken with a refresh token.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	var in struct {
		ClientID     string `json:"clientId"`
		ClientSecret string `json:"clientSecret"`
		GrantType    string `json:"grantType"`
		RefreshToken string `json:"refreshToken"`
	}
	_ = json.NewDecoder(r.Body).Decode(&in)
	s.record(Call{Action: "CreateToken", Params: url.Values{"grantType": {in.GrantType}, "refreshToken": {in.RefreshToken}}})
	w.Header().Set("Content-Type", "application/json")
	if in.GrantType != "refresh_token" || s.SSORefreshToken == "" || in.RefreshToken != s.SSORefreshToken || in.ClientID == "" || in.ClientSecret == "" {
		w.Header().Set("X-Amzn-Errortype", "InvalidGrantException:")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"error":"invalid_grant","error_description":"Invalid refresh token provided"}`)
		return
	}
	fmt.Fprintf(w, `{"accessToken":%q,"expiresIn":3600,"refreshToken":%q,"tokenType":"Bearer"}`, s.SSOToken, "refreshed-"+s.SSORefreshToken)
}

// container answers as the ECS container credentials endpoint:
// ASIACONTAINER.
func (s *Server) container(w http.ResponseWriter, r *http.Request) {
	s.record(Call{Action: "Container"})
	w.Header().Set("Content-Type", "application/json")
	if s.ContainerToken != "" && r.Header.Get("Authorization") != s.ContainerToken {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"code":"AccessDenied","message":"wrong authorization token"}`)
		return
	}
	fmt.Fprintf(w, `{"AccessKeyId":"ASIACONTAINER","SecretAccessKey":"secret","Token":"token","Expiration":%q}`, time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
}

// imds answers as IMDSv2 for an instance with the role instance-role:
// ASIAIMDS.
func (s *Server) imds(w http.ResponseWriter, r *http.Request) {
	const token = "imds-session-token"
	switch {
	case r.Method == http.MethodPut && r.URL.Path == "/latest/api/token":
		w.Header().Set("X-Aws-Ec2-Metadata-Token-Ttl-Seconds", r.Header.Get("X-Aws-Ec2-Metadata-Token-Ttl-Seconds"))
		fmt.Fprint(w, token)
		return
	case r.Header.Get("X-Aws-Ec2-Metadata-Token") != token:
		w.WriteHeader(http.StatusUnauthorized)
		return
	case r.URL.Path == "/latest/meta-data/iam/security-credentials/":
		fmt.Fprint(w, "instance-role")
		return
	case r.URL.Path == "/latest/meta-data/iam/security-credentials/instance-role":
		s.record(Call{Action: "IMDS"})
		fmt.Fprintf(w, `{"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"ASIAIMDS","SecretAccessKey":"secret","Token":"token","Expiration":%q}`, time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
		return
	}
	w.WriteHeader(http.StatusNotFound)
}

func (s *Server) details(w http.ResponseWriter, form url.Values) {
	kinds := map[string]bool{}
	for i := 1; ; i++ {
		v := form.Get(fmt.Sprintf("Filter.member.%d", i))
		if v == "" {
			break
		}
		kinds[v] = true
	}
	var list []Entity
	for _, e := range s.Entities {
		if len(kinds) == 0 || kinds[e.Kind] {
			list = append(list, e)
		}
	}
	start := 0
	if m := form.Get("Marker"); m != "" {
		var err error
		if start, err = strconv.Atoi(strings.TrimPrefix(m, "marker-")); err != nil || start < 0 || start > len(list) {
			s.fail(w, 400, "InvalidInput", "Invalid Marker")
			return
		}
	}
	size := 100 // IAM's default MaxItems
	if v := form.Get("MaxItems"); v != "" {
		size, _ = strconv.Atoi(v)
	}
	if s.MaxPage > 0 && size > s.MaxPage {
		size = s.MaxPage
	}
	end := min(start+size, len(list))
	sections := map[string]*strings.Builder{"User": {}, "Group": {}, "Role": {}, "Policy": {}}
	for _, e := range list[start:end] {
		k := e.Kind
		if strings.HasSuffix(k, "ManagedPolicy") {
			k = "Policy"
		}
		sections[k].WriteString("      <member>" + e.XML + "</member>\n")
	}
	var b strings.Builder
	b.WriteString(`<GetAccountAuthorizationDetailsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <GetAccountAuthorizationDetailsResult>
`)
	if end < len(list) {
		fmt.Fprintf(&b, "    <IsTruncated>true</IsTruncated>\n    <Marker>marker-%d</Marker>\n", end)
	} else {
		b.WriteString("    <IsTruncated>false</IsTruncated>\n")
	}
	for _, sec := range []struct{ tag, kind string }{{"UserDetailList", "User"}, {"GroupDetailList", "Group"}, {"RoleDetailList", "Role"}, {"Policies", "Policy"}} {
		fmt.Fprintf(&b, "    <%s>\n%s    </%s>\n", sec.tag, sections[sec.kind].String(), sec.tag)
	}
	b.WriteString(`  </GetAccountAuthorizationDetailsResult>
  <ResponseMetadata>
    <RequestId>92e79ae7-7399-11e4-8c85-4b53eEXAMPLE</RequestId>
  </ResponseMetadata>
</GetAccountAuthorizationDetailsResponse>`)
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprint(w, b.String())
}

func (s *Server) fail(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <Error>
    <Type>Sender</Type>
    <Code>%s</Code>
    <Message>%s</Message>
  </Error>
  <RequestId>4c9f6c4b-8b1d-11e4-9a2c-EXAMPLE</RequestId>
</ErrorResponse>`, esc(code), esc(msg))
}

// Encode URL-encodes a policy document as IAM returns it.
func Encode(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// User is a <member> of UserDetailList with one inline policy, in a group,
// with one attached managed policy.
func User(account, name, group, inlineName, inlineDoc, attachedArn string) Entity {
	return Entity{Kind: "User", XML: fmt.Sprintf(`
        <Path>/</Path><UserName>%[2]s</UserName><UserId>AIDA%[2]s</UserId>
        <Arn>arn:aws:iam::%[1]s:user/%[2]s</Arn><CreateDate>2013-10-14T18:32:24Z</CreateDate>
        <UserPolicyList><member><PolicyName>%[4]s</PolicyName><PolicyDocument>%[5]s</PolicyDocument></member></UserPolicyList>
        <GroupList><member>%[3]s</member></GroupList>
        <AttachedManagedPolicies><member><PolicyName>%[7]s</PolicyName><PolicyArn>%[6]s</PolicyArn></member></AttachedManagedPolicies>
`, account, esc(name), esc(group), esc(inlineName), Encode(inlineDoc), esc(attachedArn), esc(lastPart(attachedArn)))}
}

// Group is a <member> of GroupDetailList with one inline policy.
func Group(account, name, inlineName, inlineDoc string) Entity {
	return Entity{Kind: "Group", XML: fmt.Sprintf(`
        <Path>/</Path><GroupName>%[2]s</GroupName><GroupId>AGPA%[2]s</GroupId>
        <Arn>arn:aws:iam::%[1]s:group/%[2]s</Arn><CreateDate>2013-10-14T18:32:24Z</CreateDate>
        <GroupPolicyList><member><PolicyName>%[3]s</PolicyName><PolicyDocument>%[4]s</PolicyDocument></member></GroupPolicyList>
        <AttachedManagedPolicies/>
`, account, esc(name), esc(inlineName), Encode(inlineDoc))}
}

// Role is a <member> of RoleDetailList with a trust policy, one inline
// policy and one attached managed policy.
func Role(account, name, trustDoc, inlineName, inlineDoc, attachedArn string) Entity {
	return Entity{Kind: "Role", XML: fmt.Sprintf(`
        <Path>/</Path><RoleName>%[2]s</RoleName><RoleId>AROA%[2]s</RoleId>
        <Arn>arn:aws:iam::%[1]s:role/%[2]s</Arn><CreateDate>2014-07-30T17:09:20Z</CreateDate>
        <AssumeRolePolicyDocument>%[3]s</AssumeRolePolicyDocument>
        <InstanceProfileList><member><Path>/</Path><InstanceProfileName>%[2]s</InstanceProfileName><InstanceProfileId>AIPA%[2]s</InstanceProfileId><Arn>arn:aws:iam::%[1]s:instance-profile/%[2]s</Arn><CreateDate>2014-07-30T17:09:20Z</CreateDate><Roles/></member></InstanceProfileList>
        <RolePolicyList><member><PolicyName>%[4]s</PolicyName><PolicyDocument>%[5]s</PolicyDocument></member></RolePolicyList>
        <AttachedManagedPolicies><member><PolicyName>%[7]s</PolicyName><PolicyArn>%[6]s</PolicyArn></member></AttachedManagedPolicies>
`, account, esc(name), Encode(trustDoc), esc(inlineName), Encode(inlineDoc), esc(attachedArn), esc(lastPart(attachedArn)))}
}

// ManagedPolicy is a <member> of Policies: arn names it (an
// arn:aws:iam::aws:policy/... one is AWS managed), with two versions, the
// default one holding doc.
func ManagedPolicy(arn, doc string, attachments int) Entity {
	kind := "LocalManagedPolicy"
	if strings.Contains(arn, ":iam::aws:") {
		kind = "AWSManagedPolicy"
	}
	name := lastPart(arn)
	return Entity{Kind: kind, XML: fmt.Sprintf(`
        <PolicyName>%[1]s</PolicyName><PolicyId>ANPA%[1]s</PolicyId><Arn>%[2]s</Arn><Path>/</Path>
        <DefaultVersionId>v2</DefaultVersionId><AttachmentCount>%[4]d</AttachmentCount><PermissionsBoundaryUsageCount>0</PermissionsBoundaryUsageCount>
        <IsAttachable>true</IsAttachable><CreateDate>2015-02-06T19:58:34Z</CreateDate><UpdateDate>2015-02-06T19:58:34Z</UpdateDate>
        <PolicyVersionList>
          <member><Document>%[3]s</Document><VersionId>v2</VersionId><IsDefaultVersion>true</IsDefaultVersion><CreateDate>2015-02-06T19:58:34Z</CreateDate></member>
          <member><Document>%[5]s</Document><VersionId>v1</VersionId><IsDefaultVersion>false</IsDefaultVersion><CreateDate>2015-02-06T19:58:34Z</CreateDate></member>
        </PolicyVersionList>
`, esc(name), esc(arn), Encode(doc), attachments, Encode(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`))}
}

func lastPart(arn string) string {
	return arn[strings.LastIndexByte(arn, '/')+1:]
}
