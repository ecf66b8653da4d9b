package main

import (
	"strings"
	"testing"
)

func TestDescribeGreetsByName(t *testing.T) {
	got := describe(settings{Team: "ops", LogFormat: "$level"}, "edge-1")
	if got["service"] != "edge-1" || !strings.Contains(got["greeting"], "edge-1") {
		t.Fatalf("got %v", got)
	}
}
