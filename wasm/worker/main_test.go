package main

import (
	"reflect"
	"testing"
)

func TestCORSOrigins(t *testing.T) {
	cases := map[string][]string{
		"":                                     nil,
		" , ":                                  nil,
		"*":                                    {"*"},
		"https://a.example, https://b.example": {"https://a.example", "https://b.example"},
	}
	for in, want := range cases {
		if got := corsOrigins(in); !reflect.DeepEqual(got, want) {
			t.Errorf("corsOrigins(%q) = %q, want %q", in, got, want)
		}
	}
}
