package condition

import "strings"

// Type is the value type a condition operator compares or a condition key
// holds.
type Type int

// Value types, as AWS's condition operator documentation groups them.
const (
	// Unknown is a type name this package does not recognise.
	Unknown Type = iota
	String
	Numeric
	Date
	Bool
	Binary
	IPAddress
	ARN
	// Null is the Null operator's "type": it checks presence, of any key.
	Null
)

var typeNames = [...]string{"Unknown", "String", "Numeric", "Date", "Bool", "Binary", "IPAddress", "ARN", "Null"}

// String is the type's name as AWS writes it.
func (t Type) String() string {
	if t < 0 || int(t) >= len(typeNames) {
		return "Unknown"
	}
	return typeNames[t]
}

// KeyType is a condition key's declared type: its value type and whether
// the key can hold several values in one request (AWS's "ArrayOf..." types,
// which need ForAllValues or ForAnyValue).
type KeyType struct {
	Type        Type
	MultiValued bool
}

// String is the type as AWS writes it ("ArrayOfString", "Bool", ...).
func (k KeyType) String() string {
	if k.MultiValued {
		return "ArrayOf" + k.Type.String()
	}
	return k.Type.String()
}

// ParseKeyType reads a condition-key type name as the dataset and AWS's
// Service Authorization Reference spell it: "String", "ArrayOfString",
// "ARN", "ArrayOfARN", "Bool", "Boolean", "Date", "Numeric", "Long",
// "Integer", "IPAddress", "Ip", "Binary". It is case-insensitive and
// returns Unknown for anything else (an empty type in the dataset).
func ParseKeyType(name string) KeyType {
	n := strings.ToLower(strings.TrimSpace(name))
	var k KeyType
	if rest, ok := strings.CutPrefix(n, "arrayof"); ok {
		k.MultiValued = true
		n = rest
	}
	switch n {
	case "string":
		k.Type = String
	case "arn":
		k.Type = ARN
	case "bool", "boolean":
		k.Type = Bool
	case "date":
		k.Type = Date
	case "numeric", "long", "integer", "number":
		k.Type = Numeric
	case "ipaddress", "ip":
		k.Type = IPAddress
	case "binary":
		k.Type = Binary
	default:
		k.Type = Unknown
	}
	return k
}

// Fits reports whether an operator of type op may compare a key of type
// key without a type mismatch. String operators also fit ARN keys (AWS
// documents StringLike on ARNs as usable; Parliament calls it
// MISMATCHED_TYPE_BUT_USABLE), and ARN operators fit String keys that hold
// ARNs; both count as fitting, and Usable reports the distinction. Null
// fits every key. Unknown key types fit everything.
func Fits(op, key Type) bool {
	if op == key || op == Null || key == Unknown {
		return true
	}
	return Usable(op, key)
}

// Usable reports an operator and key type pair that differ but work in
// practice: String operators on ARN keys, and Date/Numeric on each other
// (epoch seconds).
func Usable(op, key Type) bool {
	switch {
	case op == String && key == ARN, op == ARN && key == String:
		return true
	case op == Numeric && key == Date, op == Date && key == Numeric:
		return true
	}
	return false
}
