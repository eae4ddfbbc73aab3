package writer

import (
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/leastpriv/policysentry/engine/suggest"
)

// NearestFormats returns up to n ARN formats of the service that look most
// like the given ARN, for "matches no resource type" warnings.
func NearestFormats(svc *iamdb.Service, arnStr string, n int) []string {
	var formats []string
	for _, r := range svc.Resources {
		formats = append(formats, r.ARN)
	}
	near := suggest.Nearest(arnStr, formats, n)
	if len(near) == 0 && len(formats) > 0 {
		if len(formats) > n {
			formats = formats[:n]
		}
		return formats
	}
	return near
}
