package main

import (
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
		c.Service, c.filter = p, webapp.ActionFilter{}
	}
	return ok
}

// OnSearch filters the service list.
func (c *BrowseScreen) OnSearch(e vugu.DOMEvent) { c.Query = e.PropString("target", "value") }

func (c *BrowseScreen) services() []webapp.ServiceHit {
	if c.app.DB == nil {
		return nil
	}
	return webapp.SearchServices(c.app.DB, c.Query)
}

func (c *BrowseScreen) serviceClass(p string) string {
	if p == c.Service {
		return "active"
	}
	return ""
}

// SelectService opens a service.
func (c *BrowseScreen) SelectService(e vugu.DOMEvent, prefix string) {
	e.PreventDefault()
	c.Service, c.filter = prefix, webapp.ActionFilter{}
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

func (c *BrowseScreen) actions() []*iamdb.Action {
	s := c.service()
	if s == nil {
		return nil
	}
	return webapp.FilterActions(s, c.filter)
}
