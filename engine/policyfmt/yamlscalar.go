package policyfmt

import (
	"regexp"
	"strings"
	"sync"
)

// implicit matches plain scalars that PyYAML would read back as something
// other than a string (bool, null, int, float, timestamp), which it quotes.
// It is compiled on first use: only --fmt yaml needs it.
var implicit = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(implicitPattern) })

const implicitPattern = `^(?:` +
	`yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|y|Y|n|N|` +
	`~|null|Null|NULL|` +
	`[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+|` +
	`[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|` +
	`[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|` +
	`[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?|` +
	`<<|=)$`

// yamlScalar returns s as PyYAML writes a string in block context: plain
// when it can be read back unchanged, otherwise single-quoted.
func yamlScalar(s string) string {
	if needsQuotes(s) {
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return s
}

func needsQuotes(s string) bool {
	if s == "" || implicit().MatchString(s) {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return true
	}
	if strings.ContainsAny(s[:1], "#,[]{}&*!|>'\"%@`") {
		return true
	}
	if strings.ContainsAny(s[:1], "-?:") && (len(s) == 1 || s[1] == ' ') {
		return true
	}
	if strings.Contains(s, ": ") || strings.Contains(s, " #") || strings.HasSuffix(s, ":") {
		return true
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r > 0x7e {
			return true
		}
	}
	return false
}
