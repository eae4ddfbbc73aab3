package main

import (
	"fmt"
	"maps"

	"github.com/leastpriv/policysentry/engine/frontend/webapp"
)

// locTitle is the tooltip of a link to a statement.
func locTitle(l webapp.Loc) string {
	if l.EndLine > l.Line {
		return fmt.Sprintf("select lines %d to %d of the %s policy", l.Line, l.EndLine, l.Box)
	}
	return fmt.Sprintf("select line %d of the %s policy", l.Line, l.Box)
}

// bigTextValues are the large text fields of every screen by element id,
// for syncBigText.
func (c *Root) bigTextValues() map[string]string {
	m := map[string]string{"crud-yaml": c.CRUDYAML, "actions-yaml": c.ActionsYAML,
		"audit-input": c.AuditText, "audit-list": c.AuditList, "share-link": c.ShareURL}
	maps.Copy(m, c.compareScreen.texts())
	maps.Copy(m, c.simulateScreen.texts())
	return m
}
