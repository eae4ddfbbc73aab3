package overrides

import (
	"bufio"
	"bytes"
	"errors"
	"github.com/leastpriv/policysentry/engine/diag"
	"os"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/iamdb"
)

func testDB() *iamdb.DB {
	s := &iamdb.Service{Prefix: "iam"}
	s.SetActions([]*iamdb.Action{
		{Name: "CreateRole", AccessLevel: iamdb.Write},
		{Name: "PassRole", AccessLevel: iamdb.Write},
		{Name: "ListRoles", AccessLevel: iamdb.List},
	})
	return iamdb.New(iamdb.Manifest{}, []*iamdb.Service{s})
}

func TestParseAndApply(t *testing.T) {
	src := []byte("iam:\n  Permissions management:\n    - createrole\n    - iam:PassRole\n  list:\n    - ListRoles\n")
	ovs, err := Parse(src, "o.yml")
	if err != nil {
		t.Fatal(err)
	}
	if len(ovs) != 3 || ovs[1].Action != "PassRole" || ovs[1].Pos.Line != 4 || ovs[1].Pos.Column != 7 {
		t.Fatalf("parsed %+v", ovs)
	}
	db := testDB()
	changed, err := Apply(db, "o.yml", ovs)
	if err != nil {
		t.Fatal(err)
	}
	if changed != 2 {
		t.Errorf("%d changed, want 2 (ListRoles already is List)", changed)
	}
	for _, name := range []string{"iam:CreateRole", "iam:PassRole"} {
		if l := db.Action(name).AccessLevel; l != iamdb.PermissionsManagement {
			t.Errorf("%s is %v after the override", name, l)
		}
	}
}

func TestErrors(t *testing.T) {
	cases := []struct {
		src, want string
	}{
		{"iam: [a]\n", "o.yml:1:6: service iam: expected a mapping"},
		{"iam:\n  Admin:\n    - x\n", "o.yml:2:3: service iam: unknown access level"},
		{"iam:\n  Read: createrole\n", "o.yml:2:9: service iam, Read: expected a list"},
		{"iam:\n  Read:\n    - {a: b}\n", "o.yml:3:7: service iam, Read: expected an action name"},
		{"- a\n", "o.yml:1:1: expected a mapping"},
		{"iam: {\n", "o.yml:1:6: invalid YAML: "},
	}
	for _, c := range cases {
		_, err := Parse([]byte(c.src), "o.yml")
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q: error %v, want it to start with %q", c.src, err, c.want)
		}
	}
	if ovs, err := Parse(nil, "empty.yml"); err != nil || len(ovs) != 0 {
		t.Errorf("empty file: %v, %v", ovs, err)
	}

	ovs, _ := Parse([]byte("iam:\n  Read:\n    - PassRol\niamm:\n  Read:\n    - PassRole\n"), "o.yml")
	_, err := Apply(testDB(), "o.yml", ovs[:1])
	var e diag.List
	if !errors.As(err, &e) || e[0].Line() != 3 || !strings.Contains(e[0].Message, "did you mean PassRole") || e[0].Suggestions[0] != "PassRole" || e[0].Code != CodeInvalidAction {
		t.Errorf("unknown action: %v", err)
	}
	_, err = Apply(testDB(), "o.yml", ovs[1:])
	if !errors.As(err, &e) || e[0].Line() != 6 || !strings.Contains(e[0].Message, "unknown service iamm; did you mean iam") {
		t.Errorf("unknown service: %v", err)
	}
}

// TestShippedOverridesExplained checks that dataset/overrides.yml parses
// and that every service block in it comes with a comment explaining it.
func TestShippedOverridesExplained(t *testing.T) {
	const file = "../../dataset/overrides.yml"
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	ovs, err := Parse(src, file)
	if err != nil {
		t.Fatal(err)
	}
	if len(ovs) == 0 {
		t.Fatal("no overrides")
	}
	sc := bufio.NewScanner(bytes.NewReader(src))
	line, service, explained := 0, "", false
	for sc.Scan() {
		line++
		l := sc.Text()
		switch {
		case l != "" && l[0] != ' ' && l[0] != '#':
			if service != "" && !explained {
				t.Errorf("%s: service %s has no comment explaining its corrections", file, service)
			}
			service, explained = strings.TrimSuffix(l, ":"), false
		case strings.HasPrefix(strings.TrimSpace(l), "#") && service != "":
			explained = true
		}
	}
	if service != "" && !explained {
		t.Errorf("%s: service %s has no comment explaining its corrections", file, service)
	}
}
