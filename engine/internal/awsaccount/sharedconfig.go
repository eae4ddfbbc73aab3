package awsaccount

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// The AWS shared config and credentials files, as `aws configure` writes
// them and the AWS CLI and SDKs read them:
//
//	file:         line*
//	line:         blank | comment | header | property | subproperty | continuation
//	comment:      [ \t]* ('#' | ';') text
//	header:       [ \t]* '[' name ']' ([ \t]* ('#' | ';') text)?
//	property:     key ('=' | ':') value        (in the first column; value ends at " #" or " ;")
//	subproperty:  [ \t]+ key '=' value         (under a property whose value is empty;
//	                                            elsewhere a property of its own, as in the SDK)
//	continuation: [ \t]+ text                  (no '=' or ':'; appended to the previous property's value)
//
// Keys are case-insensitive; a value in matching quotes loses them
// (unless the quote comes again inside it, as in `"cmd" "arg"`, where the
// SDK's stripping would leave a broken command line). In
// the config file the sections are [default], [profile NAME],
// [sso-session NAME] and [services NAME] ([profile default] wins over
// [default]; other sections are ignored, as the SDK ignores them); in the
// credentials file every section is a profile ([profile NAME] there is
// ignored). A profile's keys in the credentials file win over the same
// keys in the config file. Half a key pair (aws_access_key_id without
// aws_secret_access_key, or the reverse) in a profile's section is an
// error when that profile is used, not before, as in the SDK; when both
// files have the profile, the credentials file's section decides. A
// continuation line under a property whose value is empty is ignored, as
// the SDK ignores it. A line that is none of the above is an error
// naming the file and line, as the AWS CLI reports it (the Go SDK skips
// such lines silently).

// iniValue is one property: its value, its sub-properties, and where it
// was set.
type iniValue struct {
	value string
	sub   map[string]string
	file  string
	line  int
}

// iniSection is a section's properties by lower-case key.
type iniSection struct {
	name string
	file string
	line int
	keys map[string]*iniValue
}

// parseINI reads one file's sections in order of appearance; a section
// that appears twice is one section (later keys win).
func parseINI(path string, data []byte) ([]*iniSection, error) {
	var out []*iniSection
	byName := map[string]*iniSection{}
	var cur *iniSection
	var last *iniValue // the previous property, for subproperties and continuations
	for i, line := range strings.Split(string(data), "\n") {
		n := i + 1
		line = strings.TrimSuffix(line, "\r")
		if i == 0 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || trimmed[0] == '#' || trimmed[0] == ';' {
			continue
		}
		indented := line[0] == ' ' || line[0] == '\t'
		head, _, _ := strings.Cut(line, "#")
		head, _, _ = strings.Cut(head, ";")
		head = strings.TrimSpace(head)
		switch {
		// An indented line in brackets is a header too, as the SDK reads
		// it (a pasted `  [profile x]` is not a continuation).
		case !indented && line[0] == '[' || indented && strings.HasPrefix(head, "[") && strings.HasSuffix(head, "]"):
			if !strings.HasSuffix(head, "]") {
				return nil, fmt.Errorf("%s:%d: a section header needs a closing ']': %q", path, n, trimmed)
			}
			name := sectionName(head[1 : len(head)-1])
			if name == "" {
				return nil, fmt.Errorf("%s:%d: a section header without a name", path, n)
			}
			if byName[name] == nil {
				byName[name] = &iniSection{name: name, file: path, line: n, keys: map[string]*iniValue{}}
				out = append(out, byName[name])
			}
			cur, last = byName[name], nil
		case cur == nil:
			return nil, fmt.Errorf("%s:%d: %q is outside any [section]: put it under [default] or [profile NAME]", path, n, trimmed)
		case !indented:
			// The comment is cut before the split, as the SDK cuts it:
			// `region = # later` is an empty value.
			k, v, ok := splitProperty(trimComment(line))
			if !ok {
				return nil, fmt.Errorf("%s:%d: expected `key = value`, found %q", path, n, trimmed)
			}
			last = &iniValue{value: unquote(v), file: path, line: n}
			cur.keys[k] = last
		case strings.ContainsAny(trimmed, "=:") && (last == nil || last.value != ""):
			// An indented setting that cannot be a sub-property is a
			// setting of its own, as the SDK reads it.
			k, v, ok := splitProperty(trimmed)
			if !ok {
				return nil, fmt.Errorf("%s:%d: expected `key = value`, found %q", path, n, trimmed)
			}
			last = &iniValue{value: unquote(trimComment(v)), file: path, line: n}
			cur.keys[k] = last
		case last == nil:
			return nil, fmt.Errorf("%s:%d: an indented line %q that continues no setting", path, n, trimmed)
		case last.value == "" && strings.ContainsAny(trimmed, "=:"):
			k, v, _ := splitProperty(trimmed)
			if last.sub == nil {
				last.sub = map[string]string{}
			}
			last.sub[k] = unquote(v)
		default:
			if last.sub == nil && last.value != "" {
				last.value += "\n" + trimmed
			}
		}
	}
	return out, nil
}

// sectionName is the name of a header's bracketed text: a type and a
// name split at the first run of blanks (spaces, tabs), joined by one
// space, the name kept as written after the run (`profile my  dev` is
// "my  dev"), as the SDK splits them.
func sectionName(s string) string {
	s = strings.Trim(s, " \t")
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s
	}
	return s[:i] + " " + strings.TrimLeft(s[i:], " \t")
}

// splitProperty splits `key = value` (or `key: value`) and lowers the key.
func splitProperty(s string) (key, value string, ok bool) {
	i := strings.IndexAny(s, "=:")
	if i < 0 {
		return "", "", false
	}
	key = strings.ToLower(strings.TrimSpace(s[:i]))
	return key, strings.TrimSpace(s[i+1:]), key != ""
}

// trimComment cuts a comment that follows a value after a space or tab.
func trimComment(v string) string {
	for _, c := range []string{" #", " ;", "\t#", "\t;"} {
		v, _, _ = strings.Cut(v, c)
	}
	return strings.TrimSpace(v)
}

// unquote strips the quotes around a whole value, as the SDK does,
// unless the quote also occurs inside: `"cat" "a b"` stays as it is (the
// SDK would make it `cat" "a b`, which no shell runs).
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] && !strings.ContainsRune(s[1:len(s)-1], rune(s[0])) {
		return s[1 : len(s)-1]
	}
	return s
}

// profile is one profile of the shared files, its keys merged.
type profile struct {
	name string
	keys map[string]*iniValue
	// partial is half a key pair in the profile's section of the
	// credentials file, else of the config file; an error when the
	// profile is used.
	partial error
	// missing, for the stand-in of a profile that is not in the files,
	// says so (for the error at the end of the chain).
	missing string
}

// check is the profile's error, if its keys cannot be used.
func (p *profile) check() error {
	if p == nil {
		return nil
	}
	return p.partial
}

// hasKeys says whether the profile has both halves of a key pair.
func (p *profile) hasKeys() bool {
	return p.get("aws_access_key_id") != "" && p.get("aws_secret_access_key") != ""
}

// get returns the key's value ("" when it is not set).
func (p *profile) get(key string) string {
	if v := p.keys[key]; v != nil {
		return v.value
	}
	return ""
}

// at says where the key is set: "FILE:LINE".
func (p *profile) at(key string) string {
	if v := p.keys[key]; v != nil {
		return fmt.Sprintf("%s:%d", v.file, v.line)
	}
	return ""
}

// sharedFiles are the profiles, SSO sessions and services sections of
// the config and credentials files.
type sharedFiles struct {
	configPath, credentialsPath string
	profiles                    map[string]*profile
	ssoSessions                 map[string]*iniSection
	services                    map[string]*iniSection
}

// sharedFilePaths returns the config and credentials files:
// AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and
// ~/.aws/credentials ("~/" is the home folder in either).
func sharedFilePaths() (config, credentials string) {
	home, _ := os.UserHomeDir()
	path := func(env, def string) string {
		p := os.Getenv(env)
		if p == "" {
			return filepath.Join(home, ".aws", def)
		}
		if rest, ok := strings.CutPrefix(p, "~/"); ok && home != "" {
			return filepath.Join(home, rest)
		}
		return p
	}
	return path("AWS_CONFIG_FILE", "config"), path("AWS_SHARED_CREDENTIALS_FILE", "credentials")
}

// loadSharedFiles reads the two files; a missing file is an empty one.
func loadSharedFiles() (*sharedFiles, error) {
	f := &sharedFiles{profiles: map[string]*profile{}, ssoSessions: map[string]*iniSection{}, services: map[string]*iniSection{}}
	f.configPath, f.credentialsPath = sharedFilePaths()
	read := func(path string) ([]*iniSection, error) {
		data, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading the AWS shared configuration: %w", err)
		}
		return parseINI(path, data)
	}
	config, err := read(f.configPath)
	if err != nil {
		return nil, err
	}
	add := func(name string, s *iniSection) {
		p := f.profiles[name]
		if p == nil {
			p = &profile{name: name, keys: map[string]*iniValue{}}
			f.profiles[name] = p
		}
		for k, v := range s.keys {
			p.keys[k] = v
		}
		p.partial = halfKeyPair(name, s)
	}
	for _, s := range config {
		switch typ, name, _ := strings.Cut(s.name, " "); {
		case s.name == "default" && f.profiles["default"] == nil:
			add("default", s)
		case typ == "profile" && name != "":
			if name == "default" {
				delete(f.profiles, "default") // [profile default] wins over [default]
			}
			add(name, s)
		case typ == "sso-session" && name != "":
			f.ssoSessions[name] = s
		case typ == "services" && name != "":
			f.services[name] = s
		}
	}
	creds, err := read(f.credentialsPath)
	if err != nil {
		return nil, err
	}
	for _, s := range creds {
		if !strings.HasPrefix(s.name, "profile ") {
			add(s.name, s)
		}
	}
	return f, nil
}

// halfKeyPair is the error of a section holding one half of a key pair
// (nil for none or both).
func halfKeyPair(name string, s *iniSection) error {
	id, secret := s.keys["aws_access_key_id"], s.keys["aws_secret_access_key"]
	if (id == nil) == (secret == nil) {
		return nil
	}
	v, missing := id, "aws_secret_access_key"
	if v == nil {
		v, missing = secret, "aws_access_key_id"
	}
	return fmt.Errorf("%s:%d: profile %q has half of a key pair: add %s", v.file, v.line, name, missing)
}

// Profiles lists the profiles of the AWS shared config and credentials
// files, sorted (for download-policies --recursive and completion).
func Profiles() ([]string, error) {
	f, err := loadSharedFiles()
	if err != nil {
		return nil, err
	}
	return slices.Sorted(maps.Keys(f.profiles)), nil
}

// notFound is the message for a profile that is in neither file.
func (f *sharedFiles) notFound(name string) error {
	return fmt.Errorf("AWS profile %q is not in %s or %s: create it with `aws configure --profile %s`, or pass another --profile", name, f.configPath, f.credentialsPath, name)
}
