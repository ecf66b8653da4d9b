package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

type settings struct {
	Team      string
	LogFormat string
}

// loadSettings reads `key = value` lines; blank lines and lines starting with # are skipped.
func loadSettings(path string) (settings, error) {
	file, err := os.Open(path)
	if err != nil {
		return settings{}, err
	}
	defer file.Close()
	return parseSettings(bufio.NewScanner(file))
}

func parseSettings(lines *bufio.Scanner) (settings, error) {
	var s settings
	for n := 1; lines.Scan(); n++ {
		line := strings.TrimSpace(lines.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			return settings{}, fmt.Errorf("line %d: expected key = value", n)
		}
		switch strings.TrimSpace(key) {
		case "team":
			s.Team = strings.TrimSpace(value)
		case "log_format":
			s.LogFormat = strings.TrimSpace(value)
		default:
			return settings{}, fmt.Errorf("line %d: unknown setting %q", n, strings.TrimSpace(key))
		}
	}
	if s.Team == "" || s.LogFormat == "" {
		return settings{}, fmt.Errorf("team and log_format must both be set")
	}
	return s, lines.Err()
}
