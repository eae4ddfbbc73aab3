// Package condition is the engine's knowledge of IAM's Condition element
// grammar, shared by the validator, the simulator and the writer:
//
//   - operators.go: the condition operators AWS documents, each with the
//     value type it compares, and the IfExists suffix and the
//     ForAllValues/ForAnyValue set qualifiers parsed off a full operator
//     name such as "ForAnyValue:StringLikeIfExists";
//   - types.go: the value types (String, Numeric, Date, Bool, Binary,
//     IPAddress, ARN) and how the dataset's condition-key type names
//     ("ArrayOfString", "Long", ...) map to them;
//   - globalkeys.go: the global condition keys (aws:...), which the
//     dataset does not list per action, with their types;
//   - values.go: checks that a literal value has its type's form.
//
// Evaluation against a request lives in engine/simulate.
package condition
