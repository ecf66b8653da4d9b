// Package greeting is the platform team's private module: the course serves it from its own
// Git server, over SSH only.
package greeting

// For returns the line a service greets its caller with.
func For(name string) string {
	return "Hello from the platform team, " + name + "!"
}
