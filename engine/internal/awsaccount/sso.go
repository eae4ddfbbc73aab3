package awsaccount

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// IAM Identity Center (SSO) profiles, as `aws configure sso` writes them:
//
//	[profile dev]                      [profile old]            (legacy)
//	sso_session = corp                 sso_start_url = https://corp.awsapps.com/start
//	sso_account_id = 123456789012      sso_region = eu-west-1
//	sso_role_name = ReadOnly           sso_account_id = 123456789012
//	[sso-session corp]                 sso_role_name = ReadOnly
//	sso_start_url = https://corp.awsapps.com/start
//	sso_region = eu-west-1
//
// `aws sso login` caches the access token in
// ~/.aws/sso/cache/SHA1.json, SHA1 being the hex SHA-1 of the session's
// name (or, legacy, of the start URL). The token is traded for the role's
// credentials with the portal's GetRoleCredentials
// (GET https://portal.sso.REGION.SUFFIX/federation/credentials). An
// expired token of an sso-session is refreshed as the SDK refreshes it:
// the OIDC service's CreateToken with the cached refresh token
// (POST https://oidc.REGION.SUFFIX/token), and the new token written back
// to the cache for the AWS CLI. A missing token, an expired legacy one, or
// one whose refresh fails is an error saying to run `aws sso login`.

// ssoSettings are a profile's SSO keys, its sso-session's merged in.
type ssoSettings struct {
	profile, session, startURL, region, accountID, roleName string
}

// sso is the credentials of an SSO profile.
func (r *resolver) sso(p *profile) (aws.CredentialsProvider, error) {
	s := ssoSettings{profile: p.name, session: p.get("sso_session"), startURL: p.get("sso_start_url"), region: p.get("sso_region"),
		accountID: p.get("sso_account_id"), roleName: p.get("sso_role_name")}
	cacheKey := s.startURL
	if s.session != "" {
		sec := r.files.ssoSessions[s.session]
		if sec == nil {
			return nil, fmt.Errorf("AWS profile %q: its sso_session %q (%s) has no [sso-session %s] section in %s: run `aws configure sso --profile %s`",
				p.name, s.session, p.at("sso_session"), s.session, r.files.configPath, p.name)
		}
		get := func(k string) string {
			if v := sec.keys[k]; v != nil {
				return v.value
			}
			return ""
		}
		for _, k := range []struct {
			key string
			v   *string
		}{{"sso_start_url", &s.startURL}, {"sso_region", &s.region}} {
			if *k.v != "" && get(k.key) != "" && *k.v != get(k.key) {
				return nil, fmt.Errorf("AWS profile %q: %s (%s) differs from the one of [sso-session %s] (%s:%d): remove it from the profile, the session's is the one used", p.name, k.key, p.at(k.key), s.session, sec.file, sec.keys[k.key].line)
			}
			if get(k.key) != "" {
				*k.v = get(k.key)
			}
		}
		cacheKey = s.session
	}
	var missing []string
	for _, k := range []struct{ key, v string }{{"sso_start_url", s.startURL}, {"sso_region", s.region}, {"sso_account_id", s.accountID}, {"sso_role_name", s.roleName}} {
		if k.v == "" {
			missing = append(missing, k.key)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("AWS profile %q is configured to use SSO but lacks %s: run `aws configure sso --profile %s`", p.name, strings.Join(missing, ", "), p.name)
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return nil, fmt.Errorf("AWS profile %q: the SSO token cache: %w", p.name, err)
	}
	sum := sha1.Sum([]byte(cacheKey))
	cache := filepath.Join(home, ".aws", "sso", "cache", hex.EncodeToString(sum[:])+".json")
	endpoint, ok := r.cfg.endpoints.configured("SSO")
	if !ok {
		endpoint = r.cfg.endpoints.regional("portal.sso", s.region)
	}
	oidc, ok := r.cfg.endpoints.configured("SSO OIDC")
	if !ok {
		oidc = r.cfg.endpoints.regional("oidc", s.region)
	}
	what := fmt.Sprintf("AWS profile %q: IAM Identity Center (SSO) role %s in account %s", p.name, s.roleName, s.accountID)
	login := fmt.Sprintf("run `aws sso login --profile %s` and try again", p.name)
	return aws.CredentialsProviderFunc(func(ctx context.Context) (aws.Credentials, error) {
		token, err := r.ssoToken(ctx, cache, oidc, s.session != "")
		if err != nil {
			return aws.Credentials{}, &credentialsError{source: what, hint: login, err: err}
		}
		c, err := r.roleCredentials(ctx, endpoint, token, s)
		if err != nil {
			hint := ""
			var api *apiError
			if errors.As(err, &api) && (api.status == http.StatusUnauthorized || api.Code == "UnauthorizedException") {
				hint = login
			} else if errors.As(err, &api) && (api.status == http.StatusForbidden || api.Code == "ForbiddenException") {
				hint = "your SSO user may not use this role in this account: check sso_account_id and sso_role_name"
			}
			return c, &credentialsError{source: what, hint: hint, err: err}
		}
		return c, nil
	}), nil
}

// ssoToken reads the access token `aws sso login` cached in path. An
// expired one is refreshed at the OIDC endpoint when refresh is set (an
// sso-session's token) and the cache holds a refresh token and client;
// else it is an error, as a missing or unreadable cache is.
func (r *resolver) ssoToken(ctx context.Context, path, oidc string, refresh bool) (string, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("no SSO login cached (%s)", path)
	}
	if err != nil {
		return "", fmt.Errorf("reading the cached SSO login: %w", err)
	}
	var t struct {
		AccessToken  string `json:"accessToken"`
		ExpiresAt    string `json:"expiresAt"`
		RefreshToken string `json:"refreshToken"`
		ClientID     string `json:"clientId"`
		ClientSecret string `json:"clientSecret"`
	}
	if err := json.Unmarshal(b, &t); err != nil {
		return "", fmt.Errorf("the cached SSO login %s: %w", path, err)
	}
	if t.AccessToken == "" {
		return "", fmt.Errorf("the cached SSO login %s has no accessToken", path)
	}
	expires, ok := parseExpiry(t.ExpiresAt)
	if !ok {
		return "", fmt.Errorf("the cached SSO login %s has expiresAt %q, which is no time (RFC 3339, e.g. 2026-12-02T10:00:00Z)", path, t.ExpiresAt)
	}
	if time.Now().Before(expires) {
		return t.AccessToken, nil
	}
	expired := fmt.Errorf("the SSO login expired at %s", expires.UTC().Format(time.RFC3339))
	if !refresh || t.RefreshToken == "" || t.ClientID == "" || t.ClientSecret == "" {
		return "", expired
	}
	token, err := r.refreshSSOToken(ctx, path, b, oidc, t.ClientID, t.ClientSecret, t.RefreshToken)
	if err != nil {
		return "", fmt.Errorf("%w, and refreshing it failed: %w", expired, err)
	}
	return token, nil
}

// expiryLayouts are the forms of expiresAt in the SSO token cache: RFC
// 3339 (with or without fractional seconds), as the SDKs and the AWS CLI
// write it now, and the "UTC" suffix of AWS CLI v2's first releases (the
// Go SDK rejected that one; the AWS CLI reads it).
var expiryLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999UTC", "2006-01-02T15:04:05.999999999Z0700"}

// parseExpiry parses an expiresAt of the SSO token cache.
func parseExpiry(s string) (time.Time, bool) {
	for _, l := range expiryLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// refreshSSOToken is the OIDC service's CreateToken with the refresh
// token; the new token is written to the cache file (its other fields
// kept, through a temporary file and a rename, with the file's mode), as
// the SDK writes it.
func (r *resolver) refreshSSOToken(ctx context.Context, path string, cached []byte, endpoint, clientID, secret, refreshToken string) (string, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return "", fmt.Errorf("SSO OIDC endpoint %q: %w", endpoint, err)
	}
	req, _ := json.Marshal(map[string]string{"clientId": clientID, "clientSecret": secret, "grantType": "refresh_token", "refreshToken": refreshToken})
	body, err := retrying(ctx, r.cfg.Retryer, func() ([]byte, error) {
		hr, err := http.NewRequestWithContext(ctx, http.MethodPost, u.JoinPath("token").String(), strings.NewReader(string(req)))
		if err != nil {
			return nil, err
		}
		hr.Header.Set("Content-Type", "application/json")
		status, header, body, err := do(r.cfg.HTTPClient, hr)
		if err != nil {
			return nil, err
		}
		if status != http.StatusOK {
			var e struct {
				Error       string `json:"error"`
				Description string `json:"error_description"`
			}
			_ = json.Unmarshal(body, &e) // a body that is not a JSON error keeps the status alone
			code, _, _ := strings.Cut(header.Get("X-Amzn-Errortype"), ":")
			if code == "" {
				code = e.Error
			}
			return nil, newAPIError("SSO OIDC", "CreateToken", status, code, e.Description)
		}
		return body, nil
	})
	if err != nil {
		return "", err
	}
	var out struct {
		AccessToken  string `json:"accessToken"`
		ExpiresIn    int64  `json:"expiresIn"`
		RefreshToken string `json:"refreshToken"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.AccessToken == "" {
		return "", fmt.Errorf("operation error SSO OIDC: CreateToken: the answer has no accessToken (%v)", err)
	}
	var all map[string]any
	if err := json.Unmarshal(cached, &all); err != nil {
		return "", fmt.Errorf("the cached SSO login %s: %w", path, err)
	}
	all["accessToken"] = out.AccessToken
	all["expiresAt"] = time.Now().Add(time.Duration(out.ExpiresIn) * time.Second).UTC().Format(time.RFC3339)
	if out.RefreshToken != "" {
		all["refreshToken"] = out.RefreshToken
	}
	if err := writeFileAtomic(path, all); err != nil {
		return "", fmt.Errorf("caching the refreshed SSO login: %w", err)
	}
	return out.AccessToken, nil
}

// writeFileAtomic writes v as JSON to path through a temporary file and
// a rename, keeping path's mode.
func writeFileAtomic(path string, v any) error {
	mode := os.FileMode(0o600)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	tmp := fmt.Sprintf("%s.tmp-%d", path, time.Now().UnixNano())
	if err := os.WriteFile(tmp, append(b, '\n'), mode); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// roleCredentials is the portal's GetRoleCredentials, retried as the
// other requests are.
func (r *resolver) roleCredentials(ctx context.Context, endpoint, token string, s ssoSettings) (aws.Credentials, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return aws.Credentials{}, fmt.Errorf("SSO endpoint %q: %w", endpoint, err)
	}
	u = u.JoinPath("federation", "credentials")
	u.RawQuery = url.Values{"account_id": {s.accountID}, "role_name": {s.roleName}}.Encode()
	body, err := retrying(ctx, r.cfg.Retryer, func() ([]byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("x-amz-sso_bearer_token", token)
		status, header, body, err := do(r.cfg.HTTPClient, req)
		if err != nil {
			return nil, err
		}
		if status != http.StatusOK {
			var e struct {
				Type    string `json:"__type"`
				Message string `json:"message"`
			}
			_ = json.Unmarshal(body, &e) // a body that is not a JSON error keeps the status alone
			code, _, _ := strings.Cut(header.Get("X-Amzn-Errortype"), ":")
			if code == "" {
				code = e.Type
			}
			if i := strings.LastIndexByte(code, '#'); i >= 0 {
				code = code[i+1:]
			}
			return nil, newAPIError("SSO", "GetRoleCredentials", status, code, e.Message)
		}
		return body, nil
	})
	if err != nil {
		return aws.Credentials{}, err
	}
	var out struct {
		RoleCredentials struct {
			AccessKeyID     string `json:"accessKeyId"`
			SecretAccessKey string `json:"secretAccessKey"`
			SessionToken    string `json:"sessionToken"`
			Expiration      int64  `json:"expiration"` // milliseconds since 1970
		} `json:"roleCredentials"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return aws.Credentials{}, fmt.Errorf("operation error SSO: GetRoleCredentials: reading the response: %w", err)
	}
	rc := out.RoleCredentials
	if rc.AccessKeyID == "" || rc.SecretAccessKey == "" {
		return aws.Credentials{}, errors.New("operation error SSO: GetRoleCredentials: the answer has no credentials")
	}
	return aws.Credentials{AccessKeyID: rc.AccessKeyID, SecretAccessKey: rc.SecretAccessKey, SessionToken: rc.SessionToken,
		CanExpire: true, Expires: time.UnixMilli(rc.Expiration), AccountID: s.accountID, Source: "SSOProvider"}, nil
}
