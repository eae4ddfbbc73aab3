package main

import (
	"html"
	"strings"

	"github.com/leastpriv/policysentry/engine/frontend/webapp"
	"github.com/leastpriv/policysentry/engine/iamdb"
	"github.com/vugu/vugu"
)

// BrowseScreen shows the dataset: the services, and per service its
// actions (filtered), ARN formats and condition keys. #service=<prefix>
// links open a service.
type BrowseScreen struct {
	app *App
	// Query filters the service list; Service is the one shown.
	Query   string
	Service string
	filter  webapp.ActionFilter
	// shown is how many of the filtered actions the table shows beyond
	// the first page (actionPage); a new service or filter resets it.
	shown int
	// The filtered actions of the last render, kept while the service
	// and filter are the same.
	hits    []*iamdb.Action
	hitsKey actionsKey
	// The service list's HTML and what it was made from.
	list    vugu.HTML
	listKey listKey
}

// actionPage is how many action rows the table shows at first and each
// "Show more" adds: drawing all of ec2's ~700 rows (4 cells each) takes
// the main thread for a long frame at each render of the screen.
const actionPage = 100

// accessLevelChoices are the access-level filter's options; each marks
// itself selected from the filter, so a reset (a new service) shows "any".
var accessLevelChoices = []webapp.Choice{
	{Key: "", Label: "any"},
	{Key: "read", Label: "Read"},
	{Key: "write", Label: "Write"},
	{Key: "list", Label: "List"},
	{Key: "tagging", Label: "Tagging"},
	{Key: "permissions-management", Label: "Permissions management"},
}

// actionsKey is what the filtered actions depend on.
type actionsKey struct {
	db      *iamdb.DB
	service string
	filter  webapp.ActionFilter
}

func newBrowseScreen(app *App) screen { return &BrowseScreen{app: app} }

func (c *BrowseScreen) saveState(s *webapp.State) { s.Service = c.Service }

func (c *BrowseScreen) loadState(s webapp.State) { c.Service = s.Service }

// servicePrefix starts the screen's links.
const servicePrefix = "service="

func (c *BrowseScreen) link() string {
	if c.Service == "" {
		return ""
	}
	return servicePrefix + c.Service
}

func (c *BrowseScreen) openLink(fragment string) bool {
	p, ok := strings.CutPrefix(fragment, servicePrefix)
	if ok {
		c.Service, c.filter, c.shown = p, webapp.ActionFilter{}, 0
	}
	return ok
}

// OnSearch filters the service list.
func (c *BrowseScreen) OnSearch(e vugu.DOMEvent) { c.Query = e.PropString("target", "value") }

// serviceList is the service list's items as HTML, made again only when
// the dataset, the query or the service shown changes: ~450 items built
// as Vugu nodes at each render were most of the screen's cost.
func (c *BrowseScreen) serviceList() vugu.HTML {
	k := listKey{c.app.DB, c.Query, c.Service}
	if k == c.listKey {
		return c.list
	}
	var b strings.Builder
	if c.app.DB != nil {
		for _, s := range webapp.SearchServices(c.app.DB, c.Query) {
			p := html.EscapeString(s.Prefix)
			b.WriteString(`<li><a href="#` + servicePrefix + p + `"`)
			if s.Prefix == c.Service {
				b.WriteString(` class="active"`)
			}
			b.WriteString(`><b>` + p + `</b> <small>` + html.EscapeString(s.Name) + `</small></a></li>`)
		}
	}
	c.list, c.listKey = vugu.HTML(b.String()), k
	return c.list
}

// listKey is what the service list depends on.
type listKey struct {
	db             *iamdb.DB
	query, service string
}

// OnServiceClick opens the service of the link clicked in the list (the
// target is the link or its <b> or <small>).
func (c *BrowseScreen) OnServiceClick(e vugu.DOMEvent) {
	h := e.PropString("target", "hash")
	if h == "" {
		h = e.PropString("target", "parentElement", "hash")
	}
	if p, ok := strings.CutPrefix(h, "#"+servicePrefix); ok {
		c.SelectService(e, p)
	}
}

// SelectService opens a service.
func (c *BrowseScreen) SelectService(e vugu.DOMEvent, prefix string) {
	e.PreventDefault()
	c.Service, c.filter, c.shown = prefix, webapp.ActionFilter{}, 0
	c.app.syncHash()
	c.app.save()
}

func (c *BrowseScreen) service() *iamdb.Service {
	if c.app.DB == nil || c.Service == "" {
		return nil
	}
	return c.app.DB.Service(c.Service)
}

// value is the value of the event's control.
func value(e vugu.DOMEvent) string { return e.PropString("target", "value") }

// OnFilter sets one of the action filter's fields from its control and
// goes back to the first page.
func (c *BrowseScreen) OnFilter(e vugu.DOMEvent, field *string) {
	*field, c.shown = value(e), 0
}

// ShowMore shows the next page of actions.
func (c *BrowseScreen) ShowMore() { c.shown += actionPage }

// ShowAll shows every filtered action.
func (c *BrowseScreen) ShowAll() { c.shown = len(c.actions()) }

// actions is the service's actions that pass the filter, all of them.
func (c *BrowseScreen) actions() []*iamdb.Action {
	s := c.service()
	if s == nil {
		return nil
	}
	k := actionsKey{c.app.DB, c.Service, c.filter}
	if c.hits == nil || k != c.hitsKey {
		c.hits, c.hitsKey = webapp.FilterActions(s, c.filter), k
		if c.hits == nil {
			c.hits = []*iamdb.Action{}
		}
	}
	return c.hits
}

// page is the actions the table shows.
func (c *BrowseScreen) page() []*iamdb.Action {
	a := c.actions()
	return a[:min(len(a), actionPage+c.shown)]
}

// hidden is how many filtered actions the table does not show.
func (c *BrowseScreen) hidden() int { return len(c.actions()) - len(c.page()) }
