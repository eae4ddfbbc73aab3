package awsaccount

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// queryClient sends one AWS service's requests in the Query protocol (a
// form POSTed to the service's endpoint, an XML answer), signed with the
// SDK's Signature Version 4 signer, retried with the configuration's
// retryer. IAM (iamquery.go) and STS (stsquery.go) use it; it stands in
// for the SDK's service clients, whose package initialisation every CLI
// command paid for (issue 17, see the README).
type queryClient struct {
	name     string // the service in error messages, as the SDK names it: "IAM", "STS"
	signName string // the signing name: "iam", "sts"
	version  string // the API version, e.g. "2010-05-08"
	endpoint string // the URL requests are POSTed to
	region   string // the signing region
	// creds signs the requests; nil sends them unsigned (STS's
	// AssumeRoleWithWebIdentity).
	creds   aws.CredentialsProvider
	http    aws.HTTPClient
	retryer func() aws.Retryer
	signer  *v4.Signer
	// retryCodes are error codes retried besides the retryer's own, as
	// the SDK's client of the service retries them (STS:
	// IDPCommunicationError).
	retryCodes []string
}

// apiError is an error response of an AWS API: its code and message with
// the HTTP status, which the SDK's retryer reads (throttling codes, 5xx)
// and explain turns into advice.
type apiError struct {
	smithy.GenericAPIError
	status          int
	service, action string
}

// HTTPStatusCode is the response's HTTP status.
func (e *apiError) HTTPStatusCode() int { return e.status }

// Error says which call failed, as the SDK's errors do.
func (e *apiError) Error() string {
	return fmt.Sprintf("operation error %s: %s, StatusCode: %d, api error %s: %s", e.service, e.action, e.status, e.Code, e.Message)
}

// call sends the action with its parameters, retrying as the
// configuration's retryer says, and decodes the XML answer into out.
func (c *queryClient) call(ctx context.Context, action string, params url.Values, out any) error {
	form := url.Values{"Action": {action}, "Version": {c.version}}
	for k, v := range params {
		form[k] = v
	}
	retryer := c.retryer
	if codes := c.retryCodes; len(codes) > 0 && retryer != nil {
		retryer = func() aws.Retryer { return retry.AddWithErrorCodes(c.retryer(), codes...) }
	}
	body, err := retrying(ctx, retryer, func() ([]byte, error) { return c.send(ctx, action, form) })
	if err != nil {
		return err
	}
	if err := xml.Unmarshal(body, out); err != nil {
		return fmt.Errorf("operation error %s: %s: reading the response: %w", c.name, action, err)
	}
	return nil
}

// retrying calls send until it succeeds, the retryer gives up or ctx ends.
func retrying(ctx context.Context, retryer func() aws.Retryer, send func() ([]byte, error)) ([]byte, error) {
	var r aws.Retryer
	if retryer != nil {
		r = retryer()
	}
	for attempt := 1; ; attempt++ {
		body, err := send()
		if err == nil {
			return body, nil
		}
		if r == nil || attempt >= r.MaxAttempts() || !r.IsErrorRetryable(err) {
			return nil, err
		}
		delay, derr := r.RetryDelay(attempt, err)
		if derr != nil {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w (waiting to retry after: %v)", ctx.Err(), err)
		case <-time.After(delay):
		}
	}
}

// send signs and sends one request.
func (c *queryClient) send(ctx context.Context, action string, form url.Values) ([]byte, error) {
	payload := form.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, strings.NewReader(payload))
	if err != nil {
		return nil, fmt.Errorf("%s endpoint %q: %w", c.name, c.endpoint, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	if c.creds != nil {
		creds, err := c.creds.Retrieve(ctx)
		if err != nil {
			return nil, fmt.Errorf("failed to retrieve credentials: %w", err)
		}
		sum := sha256.Sum256([]byte(payload))
		if err := c.signer.SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), c.signName, c.region, time.Now().UTC()); err != nil {
			return nil, fmt.Errorf("signing the request: %w", err)
		}
	}
	status, _, body, err := do(c.http, req)
	if err != nil {
		return nil, err
	}
	if status/100 != 2 {
		var e struct {
			Error struct {
				Code    string `xml:"Code"`
				Message string `xml:"Message"`
			} `xml:"Error"`
		}
		_ = xml.Unmarshal(body, &e) // a body that is not an ErrorResponse keeps the status alone
		return nil, newAPIError(c.name, action, status, e.Error.Code, e.Error.Message)
	}
	return body, nil
}

// newAPIError is an error answer; a missing code is the HTTP status text.
func newAPIError(service, action string, status int, code, msg string) *apiError {
	if code == "" {
		code = http.StatusText(status)
	}
	return &apiError{GenericAPIError: smithy.GenericAPIError{Code: code, Message: msg}, status: status, service: service, action: action}
}

// do sends req with client (http.DefaultClient when nil) and reads the
// whole answer. A failure to connect or to read is a RequestSendError,
// which the SDK's retryer treats as a connection error.
func do(client aws.HTTPClient, req *http.Request) (int, http.Header, []byte, error) {
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, nil, &smithyhttp.RequestSendError{Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, nil, &smithyhttp.RequestSendError{Err: fmt.Errorf("reading the response: %w", err)}
	}
	return resp.StatusCode, resp.Header, body, nil
}
