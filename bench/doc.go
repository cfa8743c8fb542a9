// Package bench compares httpstack's client and codecs with other Go HTTP/1.1
// clients: fasthttp's HostClient, net/http's Client, and a hand-minimal
// "floor" client that is the practical limit of a Go client on the machine.
//
// The package has no API; it is made of benchmarks and on-demand tests, in
// a module of its own so that the peers never enter the root go.mod.
//
// # Benchmarks
//
// BenchmarkClient runs every client against one raw-socket server over
// loopback, one keep-alive connection per client, in four scenarios: a small
// GET, a POST with a 1 KiB body, a 64 KiB Content-Length body and a 1 MiB
// chunked body. The server answers every client with the same pre-built
// bytes, chosen by the request path, so its cost is small and equal for all.
// It counts accepted connections, and a benchmark fails if its client opened
// more than one.
//
// BenchmarkHead parses a 441-byte response head of 11 fields in memory with
// package wire, with fasthttp's ResponseHeader.Read, with net/http's
// ReadResponse and with a bytes.Index scan for the blank line.
// BenchmarkChunked decodes a 1 MiB chunked body in memory with package wire,
// with httputil.NewChunkedReader and compares both with a plain copy.
//
// # On-demand tests
//
// TestStream1GiB streams 1 GiB through Response.Read and Response.WriteTo
// and checks that the peak RSS grows by less than 8 MiB. TestIdleConnHeap
// opens 1,000 idle connections and reports the heap each one holds. Both
// run only when BENCH_STREAM=1 or BENCH_IDLE=1 is set (make stream, make
// idle), against a server in a child process so that only the client is
// measured.
//
// # Running
//
// make compare runs each benchmark in its own process, six times
// interleaved, and prints the medians and the ratios ours / peer with
// cmd/ratios. See README.md and docs/performance.md at the repository root.
package bench
