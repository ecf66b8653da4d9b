// Command status is a tiny HTTP service that reports who it is and how it is configured. It
// answers GET /healthz with one JSON document, which needs nothing more than the net package.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"net"
	"strconv"
	"strings"

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
	listener, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatalf("status: %v", err)
	}
	log.Printf("status: %s serving on %s", *name, listener.Addr())
	health := describe(settings, *name)
	for {
		conn, err := listener.Accept()
		if err != nil {
			log.Fatalf("status: %v", err)
		}
		go serve(conn, health)
	}
}

// serve reads one request's head and answers it: the health document, or 404.
func serve(conn net.Conn, health string) {
	defer conn.Close()
	reader := bufio.NewReader(conn)
	requestLine, err := reader.ReadString('\n')
	if err != nil {
		return
	}
	// Read the headers too: closing a socket with unread data would reset the connection.
	for {
		line, err := reader.ReadString('\n')
		if err != nil || strings.TrimSpace(line) == "" {
			break
		}
	}
	status, body := "200 OK", health
	if !strings.HasPrefix(requestLine, "GET /healthz ") {
		status, body = "404 Not Found", "{}"
	}
	fmt.Fprintf(conn, "HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		status, len(body), body)
}

// describe is the health answer: the instance's name, its greeting and its settings, as JSON.
func describe(s settings, name string) string {
	fields := [][2]string{
		{"service", name},
		{"greeting", greeting.For(name)},
		{"team", s.Team},
		{"log_format", s.LogFormat},
	}
	parts := make([]string, 0, len(fields))
	for _, f := range fields {
		parts = append(parts, strconv.Quote(f[0])+": "+strconv.Quote(f[1]))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}
