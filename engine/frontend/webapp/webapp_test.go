package webapp

import (
	"reflect"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/audit"
	"github.com/leastpriv/policysentry/engine/policyfmt"
	"github.com/leastpriv/policysentry/engine/writer"
)

func TestFragmentRoundTrip(t *testing.T) {
	s := State{Tab: "actions", CRUDYAML: DefaultCRUD, ActionsYAML: DefaultActions, AuditText: "{}", Minimize: true, MinLength: 3, OutTab: "yaml", Service: "kms"}
	s.SetScreen("validate", map[string]string{"text": "{}", "type": "scp"})
	f := EncodeFragment(s)
	if !strings.HasPrefix(f, "s=") || strings.ContainsAny(f, "+/= #&") && strings.Count(f, "=") != 1 {
		t.Fatalf("fragment %q is not URL-safe", f)
	}
	got, err := DecodeFragment("#" + f)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, s) {
		t.Errorf("round trip: got %+v, want %+v", got, s)
	}
	for _, bad := range []string{"", "#x=1", "#s=!!", "#s=AAAA"} {
		if _, err := DecodeFragment(bad); err == nil {
			t.Errorf("DecodeFragment(%q) accepted a damaged link", bad)
		}
	}
}

func TestWritePolicySizeText(t *testing.T) {
	db, src := crudCase(t)
	for _, minimize := range []bool{false, true} {
		out := WritePolicy(db, string(src), writer.Options{Minimize: minimize})
		if out.SizeText != out.Size.Describe(minimize) || !strings.Contains(out.SizeText, "characters (whitespace not counted)") {
			t.Errorf("minimize %v: SizeText %q", minimize, out.SizeText)
		}
		for _, w := range out.Warnings {
			if strings.Contains(w.Message, "over the AWS limit") {
				t.Errorf("the size warning is in Warnings too: %v", w)
			}
		}
		if all := out.AllRenderings(); len(all) != len(policyfmt.Formats()) || out.JSON != string(all[0].Text) {
			t.Errorf("renderings %d, JSON tab differs from the json rendering", len(all))
		}
		for _, tc := range []struct{ tab, name, media, text string }{
			{"yaml", "policy.yml", "application/yaml", out.Text("yaml")},
			{"terraform", "policy.tf.json", "application/json", out.Text("terraform")},
			{"json", "policy.json", "application/json", out.JSON},
			{"", "policy.json", "application/json", out.JSON},
		} {
			if n, m, x := out.File(tc.tab); n != tc.name || m != tc.media || x != tc.text {
				t.Errorf("File(%q) = %q, %q, %d bytes", tc.tab, n, m, len(x))
			}
		}
	}
}

func TestSeveritySummary(t *testing.T) {
	p := &audit.PolicyReport{Findings: []audit.Finding{{Severity: "high"}, {Severity: "critical"}, {Severity: "high"}, {Severity: "low"}}}
	if got, want := SeveritySummary(p), "4 findings: 1 critical, 2 high, 1 low"; got != want {
		t.Errorf("SeveritySummary = %q, want %q", got, want)
	}
	if got := SeveritySummary(&audit.PolicyReport{}); got != "no findings" {
		t.Errorf("empty: %q", got)
	}
}

func TestAuditFilesProgress(t *testing.T) {
	db, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	// A dump-like input: an array of 40 policies, plus a broken file.
	var docs []string
	for i := 0; i < 40; i++ {
		docs = append(docs, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}]}`)
	}
	files := []File{
		{Name: "many.json", Data: []byte("[" + strings.Join(docs, ",") + "]")},
		{Name: "bad.json", Data: []byte("{\n  \"Statement\": [ {\"Effect\": \"Allow\", }\n]}")},
	}
	var calls [][2]int
	rep, err := AuditFilesProgress(db, files, "", func(done, total int) { calls = append(calls, [2]int{done, total}) })
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Policies) != 41 {
		t.Fatalf("%d reports, want 40 policies and 1 error", len(rep.Policies))
	}
	if len(calls) < 3 || calls[len(calls)-1] != [2]int{40, 40} {
		t.Errorf("progress calls %v: want several, ending at 40/40", calls)
	}
	last := rep.Policies[40]
	if last.Name != "bad.json" || !strings.Contains(last.Error, "bad.json:2:") {
		t.Errorf("parse error without line: %+v", last)
	}
	if rep.Policies[0].Error != "" || len(rep.Policies[0].Findings) == 0 {
		t.Errorf("iam:PassRole on * has no findings: %+v", rep.Policies[0])
	}
}

func TestReportSummary(t *testing.T) {
	r := &audit.Report{Policies: []*audit.PolicyReport{
		{Findings: []audit.Finding{{Severity: "high"}, {Severity: "critical"}}},
		{Findings: []audit.Finding{{Severity: "high"}}},
		{Error: "x.json:1:1: bad"},
		{},
	}}
	if got, want := ReportSummary(r), "4 policies: 1 with critical findings, 1 more with high-severity ones, 1 unreadable"; got != want {
		t.Errorf("ReportSummary = %q, want %q", got, want)
	}
}

func TestSavedRoundTrip(t *testing.T) {
	s := State{Tab: "crud", CRUDYAML: DefaultCRUD, AuditText: strings.Repeat("x", 1000)}
	for _, v := range []string{EncodeSaved(s), EncodeFragment(s)} {
		got, err := DecodeSaved(v)
		if err != nil || !reflect.DeepEqual(got, s) {
			t.Errorf("DecodeSaved(%.20q) = %+v, %v", v, got, err)
		}
	}
	if _, err := DecodeSaved("{broken"); err == nil {
		t.Errorf("damaged saved state accepted")
	}
}

// TestWritePolicySplit checks the output panel's split and format menus:
// with a split every tab shows the parts and SplitText says what was
// done; an unknown quota is an error; the menus list every format and
// every quota.
func TestWritePolicySplit(t *testing.T) {
	db, src := crudCase(t)
	out := WritePolicyWith(db, string(src), OutputOptions{Split: "user-inline"})
	if len(out.Errors) > 0 || !strings.HasPrefix(out.SplitText, "split into 2 policies") {
		t.Fatalf("errors %v, SplitText %q", out.Errors, out.SplitText)
	}
	if !strings.Contains(out.JSON, `"policy-2": {`) || !strings.Contains(out.Text("cloudformation"), "Policy2:") || !strings.Contains(out.Text("cdk"), "policy2Statements") {
		t.Errorf("renderings are not of the parts:\n%s", out.JSON)
	}
	if whole := WritePolicyWith(db, string(src), OutputOptions{}); whole.SplitText != "" || whole.Text("terraform-hcl") == "" {
		t.Errorf("without a split: SplitText %q", whole.SplitText)
	}
	if bad := WritePolicyWith(db, string(src), OutputOptions{Split: "huge"}); len(bad.Errors) != 1 || !strings.Contains(bad.Errors[0].Message, "unknown split quota") {
		t.Errorf("unknown quota: %v", bad.Errors)
	}
	if fc := FormatChoices(); len(fc) != len(policyfmt.Formats()) || fc[3] != (Choice{"terraform-hcl", "Terraform HCL"}) {
		t.Errorf("FormatChoices = %v", fc)
	}
	if sc := SplitChoices(); len(sc) != 5 || sc[0].Key != "" || sc[3] != (Choice{"managed", "Split for a managed policy (6,144)"}) {
		t.Errorf("SplitChoices = %v", sc)
	}
}
