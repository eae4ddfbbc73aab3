package webapp

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/dataset"
	"github.com/leastpriv/policysentry/engine/audit"
	"github.com/leastpriv/policysentry/engine/internal/golden"
)

func loadAccount(t *testing.T, progress func(audit.Progress)) *Account {
	t.Helper()
	db, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("testdata/account.json")
	if err != nil {
		t.Fatal(err)
	}
	a, err := AuditAccount(db, File{Name: "acme/account.json", Data: src}, "", progress)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func writeRows(b *bytes.Buffer, title string, p AccountPage) {
	fmt.Fprintf(b, "## %s: %d matching, from %d\n", title, p.Matching, p.Offset)
	for _, r := range p.Rows {
		fmt.Fprintf(b, "%-28s %-5s %-8s %v total=%d paths=%s\n", r.Principal, r.Type, r.Worst, r.Counts, r.Total, strings.Join(r.Paths, ","))
	}
}

// TestAccountPanel audits testdata/account.json as the account panel does
// and checks against testdata/account.golden.txt: the summary, the
// columns, the table in report order, sorted, filtered and paged, and
// one principal's findings with their policies and statements.
func TestAccountPanel(t *testing.T) {
	var reports int
	a := loadAccount(t, func(audit.Progress) { reports++ })
	if reports == 0 {
		t.Error("no progress reported")
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "summary: %s\n", a.Summary())
	fmt.Fprintf(&b, "columns: %s\n", strings.Join(a.Categories, ", "))
	fmt.Fprintf(&b, "titles: %s\n", strings.Join(a.CategoryTitles, ", "))
	writeRows(&b, "all, report order", a.Query(AccountQuery{}))
	writeRows(&b, "sorted by principal", a.Query(AccountQuery{Sort: "principal"}))
	writeRows(&b, "most escalation paths first", a.Query(AccountQuery{Sort: "paths", Desc: true}))
	writeRows(&b, "most privilege-escalation findings first", a.Query(AccountQuery{Sort: "privilege-escalation", Desc: true, Limit: 3}))
	writeRows(&b, "roles", a.Query(AccountQuery{Type: "role"}))
	writeRows(&b, "at least high", a.Query(AccountQuery{MinSeverity: audit.SeverityHigh}))
	writeRows(&b, "filter ec2-001", a.Query(AccountQuery{Filter: "EC2-001"}))
	writeRows(&b, "filter user/, page 2 of 2 rows", a.Query(AccountQuery{Filter: "user/", Offset: 2, Limit: 2}))
	writeRows(&b, "offset past the end", a.Query(AccountQuery{Offset: 1000, Limit: 10}))
	for _, name := range []string{a.Rows[0].Principal, "user/solo"} {
		fmt.Fprintf(&b, "## findings of %s\n", name)
		for _, f := range a.Findings(name) {
			fmt.Fprintf(&b, "%s | %s | %s %s | %s | %s", f.Severity, f.Category, f.Path, f.Method, strings.Join(f.Actions, " "), f.Detail)
			for _, s := range f.Sources {
				fmt.Fprintf(&b, " | %s :: %s", s.Policy, s.Statement)
			}
			b.WriteString("\n")
			if f.Why == "" {
				t.Errorf("%s: a finding without its explanation: %+v", name, f)
			}
		}
	}
	if a.Findings("user/nobody") != nil {
		t.Error("findings for an unknown principal")
	}
	golden.Check(t, "testdata/account.golden.txt", b.Bytes(), "go test ./engine/frontend/webapp -run TestAccountPanel -update")
}

// TestAccountExport downloads the report in each format: names, media
// types and contents that parse, with one CSV row per surviving finding
// of each principal.
func TestAccountExport(t *testing.T) {
	a := loadAccount(t, nil)
	want := 0
	for _, r := range a.Rows {
		want += len(a.Findings(r.Principal))
	}
	for _, tc := range []struct{ format, name, media string }{
		{"csv", "account-audit.csv", "text/csv"},
		{"sarif", "account-audit.sarif", "application/sarif+json"},
		{"json", "account-audit.json", "application/json"},
	} {
		name, media, data, err := a.Export(tc.format)
		if err != nil {
			t.Fatal(err)
		}
		if name != tc.name || media != tc.media {
			t.Errorf("%s: %s (%s), want %s (%s)", tc.format, name, media, tc.name, tc.media)
		}
		switch tc.format {
		case "csv":
			rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(rows)-1 != want {
				t.Errorf("csv: %d rows, want %d findings", len(rows)-1, want)
			}
		default:
			var v map[string]any
			if err := json.Unmarshal(data, &v); err != nil {
				t.Errorf("%s: %v", tc.format, err)
			}
		}
	}
	if _, _, _, err := a.Export("pdf"); err == nil {
		t.Error("an unknown format was accepted")
	}
}

// TestAuditAccountErrors: a file that is not an account, and a broken one
// (its error at the problem).
func TestAuditAccountErrors(t *testing.T) {
	db, err := dataset.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ src, want string }{
		{`{"Statement": []}`, "x.json is not `aws iam get-account-authorization-details` output"},
		{"{\"UserDetailList\": [\n  {\"UserName\": 1}]}", "x.json:2:16: $.UserDetailList[0].UserName: expected a string, found a number"},
	} {
		_, err := AuditAccount(db, File{Name: "x.json", Data: []byte(tc.src)}, "", nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.src, err, tc.want)
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
