package condition

import (
	"encoding/base64"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// CheckValue reports whether the literal policy value v has the form of
// type t: a number for Numeric, an ISO 8601 date or epoch seconds for
// Date, "true" or "false" for Bool (case-insensitive, as AWS accepts), an
// IPv4 or IPv6 address or CIDR range for IPAddress, base64 for Binary, and
// "true"/"false" for Null. String and ARN accept anything. A value holding
// a policy variable ("${...}") is not checked.
func CheckValue(t Type, v string) error {
	if strings.Contains(v, "${") {
		return nil
	}
	switch t {
	case Numeric:
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return fmt.Errorf("%q is not a number", v)
		}
	case Date:
		if _, err := ParseDate(v); err != nil {
			return err
		}
	case Bool, Null:
		if !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
			return fmt.Errorf("%q is not true or false", v)
		}
	case IPAddress:
		if _, err := ParseIPRange(v); err != nil {
			return err
		}
	case Binary:
		if _, err := base64.StdEncoding.DecodeString(v); err != nil {
			return fmt.Errorf("%q is not base64", v)
		}
	}
	return nil
}

// dateLayouts are the ISO 8601 forms AWS accepts in Date conditions.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02",
	"2006-01",
	"2006",
}

// ParseDate reads a Date condition value: ISO 8601 (W3C profile, with or
// without time and zone; no zone means UTC) or epoch seconds.
func ParseDate(v string) (time.Time, error) {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && len(v) > 4 {
		return time.Unix(n, 0).UTC(), nil
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date: use a W3C date such as 2026-12-01 or 2026-12-01T00:00:00Z", v)
}

// ParseIPRange reads an IpAddress condition value: an address or a CIDR
// range, IPv4 or IPv6. A bare address is a /32 (or /128) range.
func ParseIPRange(v string) (netip.Prefix, error) {
	if strings.Contains(v, "/") {
		p, err := netip.ParsePrefix(v)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not an IP address or CIDR range", v)
		}
		return p, nil
	}
	a, err := netip.ParseAddr(v)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an IP address or CIDR range", v)
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}
