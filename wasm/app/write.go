package main

import (
	"time"

	"github.com/leastpriv/policysentry/engine/frontend/webapp"
	"github.com/leastpriv/policysentry/engine/template"
	"github.com/vugu/vugu"
)

// writeScreen is what the two write screens (CrudScreen, ActionsScreen)
// share: a template's text, the form's model of it, and its policy.
type writeScreen struct {
	app  *App
	id   screenID
	mode template.Mode

	// YAML is the template text; Out its policy (with the errors when
	// the text does not write one: the last good policy stays).
	YAML string
	Out  webapp.PolicyOutput
	// locked is set while the YAML does not parse: the form then shows
	// the last parsed template read-only, so a form edit never
	// overwrites what is being typed in the YAML.
	locked bool

	tmpl  *template.Template
	cond  *ConditionEditor     // the condition editor (conditionEditor)
	stale bool                 // Out is out of date: the screen was hidden when its input changed
	opts  webapp.OutputOptions // the options Out was written with
	panel *OutputPanel
}

func newWriteScreen(app *App, id screenID, mode template.Mode, yaml string) writeScreen {
	return writeScreen{app: app, id: id, mode: mode, YAML: yaml}
}

// outputPanel is the screen's output panel.
func (w *writeScreen) outputPanel() *OutputPanel {
	if w.panel == nil {
		w.panel = &OutputPanel{Settings: &w.app.Output, Out: &w.Out, Save: w.app.save, Copied: w.app.copied}
	}
	return w.panel
}

// refresh writes the policy if the screen is shown; a hidden screen is
// marked stale instead and written by Compute before it is next shown
// (or by catchUp in the background after start-up), so that start-up
// writes one policy.
func (w *writeScreen) refresh() {
	if w.app.Tab != w.id {
		w.stale = true
		return
	}
	w.regen(false)
}

// Compute runs before each render of the screen (Vugu's lifecycle): it
// writes the policy again if it went stale while hidden or the output
// settings changed.
func (w *writeScreen) Compute(ctx vugu.ComputeCtx) { w.catchUp() }

// catchUp writes the policy again if it is out of date.
func (w *writeScreen) catchUp() {
	if w.stale || w.opts != w.app.Output.writerOptions() {
		w.regen(false)
	}
}

// regen writes the policy from the YAML. fromForm says the YAML was just
// written from the form's template, which then stays the form's model
// even when the YAML does not validate yet (a half-typed ARN), so the
// form stays editable.
func (w *writeScreen) regen(fromForm bool) {
	if w.app.DB == nil {
		return
	}
	w.stale = false
	w.opts = w.app.Output.writerOptions()
	start := time.Now()
	o, ok := webapp.PolicyOutput{}, false
	if !fromForm {
		o, ok = w.app.takeInitial(w.id, w.YAML, w.opts) // the page's own policy (initial.go)
	}
	if !ok {
		o = webapp.WritePolicyWith(w.app.DB, w.YAML, w.opts)
	}
	// A template read from the text is the form's model (form edits keep
	// the two in step; the text is the truth).
	if o.Template != nil {
		w.tmpl = o.Template
	}
	w.locked = o.Template == nil && !fromForm
	if len(o.Errors) > 0 {
		w.Out.Errors = o.Errors
	} else {
		w.Out = o
	}
	setRegenTime(float64(time.Since(start).Microseconds()) / 1000)
}

// OnYAML handles typing in the template textarea.
func (w *writeScreen) OnYAML(e vugu.DOMEvent) {
	w.YAML = e.PropString("target", "value")
	w.refresh()
	w.app.save()
}

// template is the form's model of the YAML (an empty template before
// one was parsed).
func (w *writeScreen) template() *template.Template {
	if w.tmpl == nil {
		w.tmpl = &template.Template{Mode: w.mode}
	}
	return w.tmpl
}

// formEdit makes a form edit: f edits the YAML text and the form's model
// of it together (webapp.Edit), so the text keeps the user's comments and
// formatting. On an error (the text is mid-typing and not YAML) the text
// stays as typed and the notice says why.
func (w *writeScreen) formEdit(f func(src string, t *template.Template) (string, error)) {
	y, err := f(w.YAML, w.template())
	if err != nil {
		w.app.Notice = "The form could not change the YAML: " + err.Error()
		return
	}
	if template.IsFirstFormat([]byte(w.YAML)) {
		// The first format is rewritten, not edited in place: keep the
		// original behind "Restore previous work".
		w.app.keepPrevious()
		w.app.Notice = "The form rewrote this first-format template (roles_with_crud_levels / roles_with_actions) in the current format, which it can edit in place; its comments were not kept. \"Restore previous work\" brings the original text back."
	}
	w.YAML = y
	w.regen(true)
	w.app.save()
}

// takeDrop takes a single dropped template of the screen's mode.
func (w *writeScreen) takeDrop(fs []webapp.File, shown bool) bool {
	return len(fs) == 1 && webapp.IsTemplateFile(fs[0].Name) && w.importTemplate(fs[0])
}

// importTemplate shows a template on the screen if it is of the screen's
// mode, and says whether it was.
func (w *writeScreen) importTemplate(f webapp.File) bool {
	if webapp.TemplateMode(string(f.Data)) != w.mode {
		return false
	}
	w.app.Tab = w.id
	w.YAML = string(f.Data)
	w.refresh()
	w.app.Notice = "Imported " + f.Name
	w.app.save()
	return true
}

// OnImport reads a template picked with the file input; it goes to the
// write screen of its mode.
func (w *writeScreen) OnImport(e vugu.DOMEvent) {
	w.app.readFiles(e.JSEventTarget().Get("files"), func(fs []webapp.File) {
		if len(fs) == 0 {
			return
		}
		for _, s := range w.app.screens {
			if t, ok := s.(interface{ importTemplate(webapp.File) bool }); ok && t.importTemplate(fs[0]) {
				return
			}
		}
	})
}

// Export downloads the template as YAML.
func (w *writeScreen) Export(e vugu.DOMEvent) {
	download(string(w.id)+".yml", "application/yaml", w.YAML)
}

// bigTexts adds the template textarea.
func (w *writeScreen) bigTexts(m map[string]string) { m[string(w.id)+"-yaml"] = w.YAML }
