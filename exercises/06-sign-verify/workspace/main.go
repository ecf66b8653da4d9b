// Command beacon answers every TCP connection with one line naming the release it runs and
// the architecture it was compiled for: enough to see which image a deploy really started.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"runtime"
)

func main() {
	listen := flag.String("listen", ":8080", "address to serve on")
	flag.Parse()
	release := os.Getenv("RELEASE")
	if release == "" {
		release = "unreleased"
	}
	listener, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatalf("beacon: %v", err)
	}
	log.Printf("beacon %s (%s/%s) on %s", release, runtime.GOOS, runtime.GOARCH, listener.Addr())
	for {
		conn, err := listener.Accept()
		if err != nil {
			log.Fatalf("beacon: %v", err)
		}
		go func(c net.Conn) {
			defer c.Close()
			fmt.Fprintf(c, "beacon %s %s/%s\n", release, runtime.GOOS, runtime.GOARCH)
		}(conn)
	}
}
