package policy

import (
	"reflect"
	"testing"
)

// TestLoadParsedSameAsLoad: LoadParsed given ParseNode's tree of an input
// returns what Load returns (documents or error), for each input shape,
// a string that is not valid UTF-8 (the tree is then read again) and
// malformed JSON (no tree).
func TestLoadParsedSameAsLoad(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`
	tests := map[string]string{
		"document":      doc,
		"array":         `[` + doc + `,` + doc + `]`,
		"policyversion": `{"PolicyVersion":{"Document":` + doc + `,"VersionId":"v1"}}`,
		"string doc":    `{"PolicyVersion":{"Document":"%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D"}}`,
		"authdetails":   `{"UserDetailList":[{"UserName":"u","UserPolicyList":[{"PolicyName":"p","PolicyDocument":` + doc + `}]}],"Policies":[]}`,
		"invalid utf-8": "{\"Version\":\"2012-10-17\",\"Statement\":{\"Sid\":\"\xff\",\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}",
		"malformed":     `{"Version": "2012-10-17", "Statement": [`,
		"not a policy":  `{"Statement": 3}`,
	}
	for name, src := range tests {
		want, wantErr := Load([]byte(src), "f.json")
		root, _ := ParseNode([]byte(src))
		got, err := LoadParsed([]byte(src), root, "f.json")
		if (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) {
			t.Errorf("%s: error %v, Load's %v", name, err, wantErr)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: LoadParsed\n%#v\nLoad\n%#v", name, got, want)
		}
		if wantErr == nil && len(want) == 0 {
			t.Errorf("%s: no documents: the case proves nothing", name)
		}
	}
}
