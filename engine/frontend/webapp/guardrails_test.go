package webapp

import (
	"strings"
	"testing"
)

func TestGuardrailNames(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"iam-write", "iam-write"},
		{" iam-write,, disable-logging\niam-write\t", "iam-write|disable-logging"},
	} {
		if got := strings.Join(GuardrailNames(tc.in), "|"); got != tc.want {
			t.Errorf("GuardrailNames(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct {
		list, name string
		on         bool
		want       string
	}{
		{"", "iam-write", true, "iam-write"},
		{"iam-write", "iam-write", true, "iam-write"},
		{"iam-write, organizations", "iam-write", false, "organizations"},
		{"organizations", "iam-write", true, "organizations,iam-write"},
		{"organizations", "iam-write", false, "organizations"},
	} {
		if got := ToggleGuardrail(tc.list, tc.name, tc.on); got != tc.want {
			t.Errorf("ToggleGuardrail(%q, %q, %v) = %q, want %q", tc.list, tc.name, tc.on, got, tc.want)
		}
	}
}

// TestGuardrailChoices: every built-in, sorted, with its description, on
// when the list names it.
func TestGuardrailChoices(t *testing.T) {
	var got []string
	for _, c := range GuardrailChoices("organizations, iam-write") {
		if c.Why == "" {
			t.Errorf("%s has no description", c.Name)
		}
		if c.On {
			got = append(got, "+"+c.Name)
		} else {
			got = append(got, c.Name)
		}
	}
	if want := "disable-logging|+iam-write|kms-key-policy|+organizations"; strings.Join(got, "|") != want {
		t.Errorf("GuardrailChoices = %s, want %s", strings.Join(got, "|"), want)
	}
}
