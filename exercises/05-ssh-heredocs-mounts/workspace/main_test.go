package main

import (
	"strings"
	"testing"
)

func TestDescribeGreetsByName(t *testing.T) {
	got := describe(settings{Team: "ops", LogFormat: "$level"}, "edge-1")
	for _, want := range []string{`"service": "edge-1"`, `edge-1!"`, `"log_format": "$level"`} {
		if !strings.Contains(got, want) {
			t.Fatalf("%s does not contain %s", got, want)
		}
	}
}
