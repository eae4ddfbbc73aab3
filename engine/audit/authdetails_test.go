package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/diag"
	"github.com/leastpriv/policysentry/engine/internal/golden"
)

// TestAuthDetailsErrors reads each malformed authorization-details file
// of testdata/accounts/bad: the error is one diagnostic with the JSON
// path and line:column of the problem (testdata/accounts/bad.golden.txt).
func TestAuthDetailsErrors(t *testing.T) {
	files, err := filepath.Glob("testdata/accounts/bad/*.json")
	if err != nil || len(files) == 0 {
		t.Fatal("no cases", err)
	}
	db := defaultDB(t)
	var out bytes.Buffer
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f)
		if !IsAuthorizationDetails(src) {
			t.Fatalf("%s: not taken for authorization details", name)
		}
		_, err = AnalyzeAccount(db, src, name, Options{})
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		var l diag.List
		if errors.As(err, &l) && len(l) > 0 && l[0].Path != "" && !l[0].Start.IsValid() {
			t.Errorf("%s: diagnostic without a place: %v", name, err)
		}
		fmt.Fprintf(&out, "%s\n", err)
	}
	golden.Check(t, "testdata/accounts/bad.golden.txt", out.Bytes(), "go test ./engine/audit -run TestAuthDetailsErrors -update")
}

// TestAccountListOrder gives the same report whatever the order of the
// lists in the file: AWS writes Policies last, so managed policies are
// attached only once read.
func TestAccountListOrder(t *testing.T) {
	src, err := os.ReadFile("testdata/accounts/account.json")
	if err != nil {
		t.Fatal(err)
	}
	var lists map[string]json.RawMessage
	if err := json.Unmarshal(src, &lists); err != nil {
		t.Fatal(err)
	}
	reorder := func(keys ...string) []byte {
		var b bytes.Buffer
		b.WriteString("{")
		for i, k := range keys {
			if i > 0 {
				b.WriteString(",\n")
			}
			fmt.Fprintf(&b, "%q: %s", k, lists[k])
		}
		b.WriteString("}")
		return b.Bytes()
	}
	db := defaultDB(t)
	var want string
	for i, order := range [][]string{
		{"UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"},
		{"Policies", "RoleDetailList", "GroupDetailList", "UserDetailList"},
		{"RoleDetailList", "Policies", "UserDetailList", "GroupDetailList"},
	} {
		rep, err := AnalyzeAccount(db, reorder(order...), "account.json", Options{InfrastructureModification: true})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := rep.WriteJSON(&b); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			want = b.String()
			continue
		}
		if b.String() != want {
			t.Errorf("lists in the order %v: another report", order)
		}
	}
}

// TestAccountProgress follows the progress reports of an account: bytes
// read up to the size, then principals evaluated up to their number;
// never backwards, ending at 1.
func TestAccountProgress(t *testing.T) {
	src := replicateAccount(t, 20) // 20 copies of account.json's principals
	var got []Progress
	rep, err := AnalyzeAccount(defaultDB(t), src, "account.json", Options{Progress: func(p Progress) { got = append(got, p) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) < 4 {
		t.Fatalf("%d progress reports for %d principals", len(got), len(rep.Principals))
	}
	for i := 1; i < len(got); i++ {
		if got[i].Fraction() < got[i-1].Fraction() || got[i].Read < got[i-1].Read || got[i].Done < got[i-1].Done {
			t.Fatalf("progress went back: %+v then %+v", got[i-1], got[i])
		}
	}
	last := got[len(got)-1]
	if last.Read != len(src) || last.Size != len(src) || last.Done != len(rep.Principals) || last.Principals != len(rep.Principals) || last.Fraction() != 1 {
		t.Errorf("last report %+v, want everything read and %d principals done", last, len(rep.Principals))
	}
	if got[0].Done != 0 || got[0].Fraction() >= 0.5 {
		t.Errorf("first report %+v: expected reading", got[0])
	}
}

// replicateAccount builds an account of n copies of account.json's users,
// groups and roles (renamed per copy; the managed policies once), for
// progress tests and benchmarks.
func replicateAccount(tb testing.TB, n int) []byte {
	tb.Helper()
	src, err := os.ReadFile("testdata/accounts/account.json")
	if err != nil {
		tb.Fatal(err)
	}
	var ad map[string][]map[string]any
	if err := json.Unmarshal(src, &ad); err != nil {
		tb.Fatal(err)
	}
	out := map[string][]map[string]any{"Policies": ad["Policies"]}
	for k := 0; k < n; k++ {
		for list, key := range map[string]string{"UserDetailList": "UserName", "GroupDetailList": "GroupName", "RoleDetailList": "RoleName"} {
			for _, e := range ad[list] {
				c := map[string]any{}
				for f, v := range e {
					c[f] = v
				}
				c[key] = fmt.Sprintf("%s-%d", e[key], k)
				if list == "UserDetailList" {
					var gl []string
					for _, g := range e["GroupList"].([]any) {
						gl = append(gl, fmt.Sprintf("%s-%d", g, k))
					}
					c["GroupList"] = gl
				}
				out[list] = append(out[list], c)
			}
		}
	}
	b, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// BenchmarkDecodeAuthDetails reads an account of about 3,800 principals
// (200 copies of account.json) without analysing it: the streaming
// decoder's cost alone.
func BenchmarkDecodeAuthDetails(b *testing.B) {
	src := replicateAccount(b, 200)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	n := 0
	count := func(int, int) { n++ }
	v := authVisitor{
		user:   func(i int, _ *authUser, r int) error { count(i, r); return nil },
		group:  func(i int, _ *authGroup, r int) error { count(i, r); return nil },
		role:   func(i int, _ *authRole, r int) error { count(i, r); return nil },
		policy: func(i int, _ *authPolicy, r int) error { count(i, r); return nil },
	}
	for b.Loop() {
		n = 0
		if err := decodeAuthDetails(src, "account.json", v); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "elements")
}

// BenchmarkAnalyzeAccount analyses the same account per principal and
// writes its JSON report.
func BenchmarkAnalyzeAccount(b *testing.B) {
	src := replicateAccount(b, 200)
	db := defaultDB(b)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		rep, err := AnalyzeAccount(db, src, "account.json", Options{InfrastructureModification: true})
		if err != nil {
			b.Fatal(err)
		}
		var w strings.Builder
		if err := rep.WriteJSON(&w); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(rep.Principals)), "principals")
		b.ReportMetric(float64(w.Len())/1e6, "report-MB")
	}
}

// BenchmarkDecodeAuthDetailsUnmarshal is the reference for
// BenchmarkDecodeAuthDetails: the same file decoded whole with
// json.Unmarshal into the same element types (how it was read before
// the streaming decoder), every list held at once.
func BenchmarkDecodeAuthDetailsUnmarshal(b *testing.B) {
	src := replicateAccount(b, 200)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		var ad struct {
			UserDetailList  []authUser
			GroupDetailList []authGroup
			RoleDetailList  []authRole
			Policies        []authPolicy
		}
		if err := json.Unmarshal(src, &ad); err != nil {
			b.Fatal(err)
		}
	}
}
