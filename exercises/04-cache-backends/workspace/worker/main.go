// The worker packs queued orders. It reads one order per line on stdin ("item quantity") and
// prints how many boxes each needs, so the exercise has a second image with a real compile.
package main

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

const perBox = 6

func boxes(quantity int) int {
	return (quantity + perBox - 1) / perBox
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		fields := strings.Fields(in.Text())
		if len(fields) != 2 {
			continue
		}
		quantity, err := strconv.Atoi(fields[1])
		if err != nil || quantity < 1 {
			continue
		}
		out.WriteString(fields[0] + ": " + strconv.Itoa(boxes(quantity)) + " box(es)\n")
	}
}
