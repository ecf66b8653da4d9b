// Command status is a tiny HTTP service that reports who it is and how it is configured.
package main

import (
	"encoding/json"
	"flag"
	"log"
	"net/http"

	greeting "git.course.test/team/greeting.git"
)

func main() {
	configPath := flag.String("config", "/etc/status/status.conf", "settings file")
	listen := flag.String("listen", ":8080", "address to serve on")
	name := flag.String("name", "", "the name this instance answers with")
	flag.Parse()
	if *name == "" {
		log.Fatal("status: -name is required")
	}
	settings, err := loadSettings(*configPath)
	if err != nil {
		log.Fatalf("status: %v", err)
	}
	http.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(describe(settings, *name))
	})
	log.Printf("status: %s serving on %s", *name, *listen)
	log.Fatal(http.ListenAndServe(*listen, nil))
}

// describe is the health answer: the instance's name, its greeting and its settings.
func describe(s settings, name string) map[string]string {
	return map[string]string{
		"service":    name,
		"greeting":   greeting.For(name),
		"team":       s.Team,
		"log_format": s.LogFormat,
	}
}
