// pinger is a small HTTP service: /healthz for probes, /info to show where it runs.
package main

import (
	"encoding/json"
	"log"
	"net/http"
	"os"
	"runtime"
	"time"
)

type info struct {
	OS      string `json:"os"`
	Arch    string `json:"arch"`
	Version string `json:"goVersion"`
	Uptime  string `json:"uptime"`
}

func main() {
	started := time.Now()
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("/info", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(info{runtime.GOOS, runtime.GOARCH, runtime.Version(), time.Since(started).Round(time.Second).String()})
	})
	log.Printf("pinger listening on :%s (%s/%s)", port, runtime.GOOS, runtime.GOARCH)
	log.Fatal(http.ListenAndServe(":"+port, mux))
}
