package policyfmt

import (
	"sort"
	"strings"
)

// PyYAML renders v like PyYAML's yaml.dump(v) (keys sorted, block style,
// sequences not indented under their key), without the final print newline.
func PyYAML(v Value) string {
	var b strings.Builder
	switch x := v.(type) {
	case string:
		b.WriteString(yamlScalar(x) + "\n...\n")
	default:
		writeYAML(&b, v, 0, false)
	}
	return b.String()
}

func writeYAML(b *strings.Builder, v Value, indent int, inSeq bool) {
	pad := strings.Repeat(" ", indent)
	switch x := v.(type) {
	case []string:
		vals := make([]Value, len(x))
		for i, s := range x {
			vals[i] = s
		}
		writeYAML(b, vals, indent, inSeq)
	case []Value:
		if len(x) == 0 {
			b.WriteString("[]\n")
			return
		}
		for i, e := range x {
			if i > 0 || !inSeq {
				b.WriteString(pad)
			}
			b.WriteString("- ")
			switch e.(type) {
			case Object, []Value, []string:
				if isEmpty(e) {
					writeYAML(b, e, indent+2, true)
				} else {
					writeYAML(b, e, indent+2, true)
				}
			default:
				b.WriteString(scalarString(e) + "\n")
			}
		}
	case Object:
		if len(x) == 0 {
			b.WriteString("{}\n")
			return
		}
		fields := append(Object(nil), x...)
		sort.SliceStable(fields, func(i, j int) bool { return fields[i].Key < fields[j].Key })
		for i, f := range fields {
			if i > 0 || !inSeq {
				b.WriteString(pad)
			}
			b.WriteString(yamlScalar(f.Key) + ":")
			switch f.Value.(type) {
			case Object, []Value, []string:
				if isEmpty(f.Value) {
					b.WriteString(" ")
					writeYAML(b, f.Value, indent, false)
				} else if _, ok := f.Value.(Object); ok {
					b.WriteString("\n")
					writeYAML(b, f.Value, indent+2, false)
				} else {
					b.WriteString("\n")
					writeYAML(b, f.Value, indent, false)
				}
			default:
				b.WriteString(" " + scalarString(f.Value) + "\n")
			}
		}
	default:
		b.WriteString(scalarString(v) + "\n")
	}
}

func isEmpty(v Value) bool {
	switch x := v.(type) {
	case Object:
		return len(x) == 0
	case []Value:
		return len(x) == 0
	case []string:
		return len(x) == 0
	}
	return false
}

func scalarString(v Value) string {
	switch x := v.(type) {
	case string:
		return yamlScalar(x)
	case nil:
		return "null"
	case bool:
		if x {
			return "true"
		}
		return "false"
	}
	return PyJSON(v, -1)
}
