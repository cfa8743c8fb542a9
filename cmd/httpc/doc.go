// Httpc is a curl-like command built on the httpstack client: it sends one
// HTTP/1.1 request per URL and writes the response body to standard output.
//
// Usage:
//
//	httpc [flags] URL...
//	httpc demo
//
// httpc uses only the module's own packages (client, transport, wire,
// message, status and errors) to talk to servers. Header fields are sent in
// the order and case given with -H; several URLs for the same scheme, host
// and port share one connection, in order. -v prints connection notes and
// the client's debug transcript (Python's set_debuglevel) on standard
// error, and --raw prints the exact bytes sent and received.
//
// "httpc demo" starts an HTTP server, an HTTPS server with a CA generated at
// run time and a CONNECT proxy, all in-process on loopback, and walks
// through the examples of Python's http.client documentation with
// client.Conn, printing what goes over the wire. It exits 0 only if every
// step gave the expected result.
//
// Run "httpc -h" for the flags and exit codes; docs/httpc.md has the
// details and examples.
package main
