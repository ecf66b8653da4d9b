package main

import (
	"bufio"
	"strings"
	"testing"
)

func TestParseSettingsKeepsDollarSigns(t *testing.T) {
	s, err := parseSettings(bufio.NewScanner(strings.NewReader("# c\nteam = ops\nlog_format = $time $msg\n")))
	if err != nil {
		t.Fatal(err)
	}
	if s.Team != "ops" || s.LogFormat != "$time $msg" {
		t.Fatalf("got %+v", s)
	}
}

func TestParseSettingsRefusesUnknownKeys(t *testing.T) {
	_, err := parseSettings(bufio.NewScanner(strings.NewReader("team = ops\ncolour = red\n")))
	if err == nil {
		t.Fatal("an unknown key was accepted")
	}
}
