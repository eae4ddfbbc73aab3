package main

import (
	"fmt"

	"github.com/leastpriv/policysentry/engine/frontend/webapp"
)

// locTitle is the tooltip of a link to a statement.
func locTitle(l webapp.Loc) string {
	if l.EndLine > l.Line {
		return fmt.Sprintf("select lines %d to %d of the %s policy", l.Line, l.EndLine, l.Box)
	}
	return fmt.Sprintf("select line %d of the %s policy", l.Line, l.Box)
}
