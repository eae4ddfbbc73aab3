package webapp

import (
	"reflect"
	"strings"
	"testing"

	"github.com/leastpriv/policysentry/engine/template"
)

// values is a template's lists as plain strings, by key (empty lists
// left out): what the form shows.
func values(t *template.Template) map[string][]string {
	out := map[string][]string{}
	for _, key := range template.ListKeys {
		for _, e := range *t.Entries(key) {
			out[key] = append(out[key], e.Value)
		}
	}
	return out
}

// checkInStep parses the text and checks that it reads as the form's
// model t.
func checkInStep(t *testing.T, y string, model *template.Template) {
	t.Helper()
	parsed, err := template.Parse([]byte(y), "t")
	if err != nil {
		t.Fatalf("%v\n%s", err, y)
	}
	if g, w := values(parsed), values(model); !reflect.DeepEqual(g, w) {
		t.Errorf("the text reads %v, the form's model is %v\n%s", g, w, y)
	}
}

func TestFormRowsRoundTrip(t *testing.T) {
	src := "# my template\n" + DefaultCRUD
	tm, err := template.Parse([]byte(src), "t")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range CRUDSections {
		y, err := AddRow(src, tm, s.Key, "")
		if err != nil {
			t.Fatal(err)
		}
		if n := len(*tm.Entries(s.Key)); n == 0 {
			t.Errorf("%s: no empty row in the model", s.Key)
		}
		checkInStep(t, y, tm)
		if !strings.Contains(y, "# my template\n") {
			t.Errorf("%s: the comment is gone:\n%s", s.Key, y)
		}
		src = y
	}
}

const commented = `mode: crud # the mode
name: example
# what we read
read:
- arn:aws:s3:::example-bucket/* # objects
write:
- arn:aws:s3:::example-bucket/*
`

func TestFormEditsKeepComments(t *testing.T) {
	tm, err := template.Parse([]byte(commented), "t")
	if err != nil {
		t.Fatal(err)
	}
	y, err := SetRow(commented, tm, "read", 0, "arn:aws:s3:::other/*")
	if err != nil {
		t.Fatal(err)
	}
	checkInStep(t, y, tm)
	want := strings.Replace(commented, "example-bucket/* # objects", "other/* # objects", 1)
	if y != want {
		t.Errorf("SetRow gave\n%s\nwant\n%s", y, want)
	}
	if y, err = AddRow(y, tm, "sts.assume-role", "arn:aws:iam::123456789012:role/r"); err != nil {
		t.Fatal(err)
	}
	checkInStep(t, y, tm)
	if y, err = RemoveRow(y, tm, "write", 0); err != nil {
		t.Fatal(err)
	}
	checkInStep(t, y, tm)
	for _, c := range []string{"# the mode", "# what we read", "# objects"} {
		if !strings.Contains(y, c) {
			t.Errorf("%q lost:\n%s", c, y)
		}
	}
	if !strings.Contains(y, "write: []\n") || !strings.Contains(y, "sts:\n  assume-role:\n  - arn:aws:iam::123456789012:role/r\n") {
		t.Errorf("unexpected text:\n%s", y)
	}
}

func TestFormEditKeepsInvalidText(t *testing.T) {
	tm, err := template.Parse([]byte(commented), "t")
	if err != nil {
		t.Fatal(err)
	}
	before := values(tm)
	typing := commented + "list: [arn:aws:s3:::half\n"
	y, err := AddRow(typing, tm, "read", "arn:aws:s3:::b")
	if err == nil {
		t.Fatalf("no error; got\n%s", y)
	}
	if !strings.Contains(err.Error(), "template:") || !strings.Contains(err.Error(), "invalid YAML") {
		t.Errorf("error does not say where: %v", err)
	}
	if !reflect.DeepEqual(values(tm), before) {
		t.Errorf("the model changed on an error")
	}
	if _, err := RemoveRow(commented, tm, "read", 5); err == nil {
		t.Error("no error for a missing row")
	}
	if !reflect.DeepEqual(values(tm), before) {
		t.Errorf("the model changed on an error")
	}
}

func TestFormActions(t *testing.T) {
	src := string(template.Skeleton(template.ModeActions))
	tm, err := template.Parse([]byte(src), "t")
	if err != nil {
		t.Fatal(err)
	}
	y, err := AddAction(src, tm, "s3:GetObject")
	if err != nil {
		t.Fatal(err)
	}
	if y, err = AddAction(y, tm, "kms:Decrypt"); err != nil {
		t.Fatal(err)
	}
	checkInStep(t, y, tm)
	// The skeleton's other lines (its commented condition block) stay.
	want := strings.Replace(src, "actions:\n- ''\n", "actions:\n- s3:GetObject\n- kms:Decrypt\n", 1)
	if y != want {
		t.Errorf("got\n%s\nwant\n%s", y, want)
	}
	if y, err = RemoveAction(y, tm, 0); err != nil {
		t.Fatal(err)
	}
	checkInStep(t, y, tm)
	if y, err = RemoveAction(y, tm, 0); err != nil {
		t.Fatal(err)
	}
	checkInStep(t, y, tm)
	if want := strings.Replace(src, "actions:\n- ''\n", "actions: []\n", 1); y != want {
		t.Errorf("got\n%s\nwant\n%s", y, want)
	}
	if _, err := RemoveAction(y, tm, 0); err == nil {
		t.Error("no error removing from an empty list")
	}
}

func TestFormEditEmptyAndFirstFormat(t *testing.T) {
	tm := &template.Template{Mode: template.ModeCRUD}
	y, err := AddRow("", tm, "read", "arn:aws:s3:::b")
	if err != nil {
		t.Fatal(err)
	}
	if y != "mode: crud\nread:\n- arn:aws:s3:::b\n" {
		t.Errorf("from empty text: %q", y)
	}
	first := "roles_with_crud_levels:\n- name: r\n  read: [arn:aws:s3:::a]\n"
	tm, err = template.Parse([]byte(first), "t")
	if err != nil {
		t.Fatal(err)
	}
	if y, err = AddRow(first, tm, "write", "arn:aws:s3:::w"); err != nil {
		t.Fatal(err)
	}
	checkInStep(t, y, tm)
	if !strings.HasPrefix(y, "mode: crud\n") {
		t.Errorf("first format not rewritten:\n%s", y)
	}
}
