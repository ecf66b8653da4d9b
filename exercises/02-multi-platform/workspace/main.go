// pinger is a small HTTP service: /healthz for probes, /info to show where it runs. It speaks
// just enough HTTP/1.1 with the net package alone: net/http would multiply the compile time,
// and this exercise compiles it for two platforms (under QEMU when done the slow way).
package main

import (
	"bufio"
	"fmt"
	"log"
	"net"
	"os"
	"runtime"
	"strings"
	"time"
)

func main() {
	started := time.Now()
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	listener, err := net.Listen("tcp", ":"+port)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("pinger listening on :%s (%s/%s)", port, runtime.GOOS, runtime.GOARCH)
	for {
		conn, err := listener.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go serve(conn, started)
	}
}

// serve answers one request: the path picks the body, anything else is a 404.
func serve(conn net.Conn, started time.Time) {
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
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
	fields := strings.Fields(requestLine)
	path := ""
	if len(fields) >= 2 && fields[0] == "GET" {
		path = fields[1]
	}
	status, kind, body := "404 Not Found", "text/plain", "not found\n"
	switch path {
	case "/healthz":
		status, body = "200 OK", "ok\n"
	case "/info":
		status, kind = "200 OK", "application/json"
		body = fmt.Sprintf("{\"os\":%q,\"arch\":%q,\"goVersion\":%q,\"uptime\":%q}\n",
			runtime.GOOS, runtime.GOARCH, runtime.Version(), time.Since(started).Round(time.Second).String())
	}
	fmt.Fprintf(conn, "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		status, kind, len(body), body)
}
