package client

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"testing"

	"github.com/httpstack/httpstack/testutil"
)

// smallResponse is the small GET of the performance brief: 200, ten
// header fields, a 13-byte body.
const smallResponse = "HTTP/1.1 200 OK\r\n" +
	"Server: bench\r\n" +
	"Date: Wed, 25 Nov 2026 12:00:00 GMT\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"Content-Length: 13\r\n" +
	"Cache-Control: no-cache\r\n" +
	"X-Request-Id: 0123456789abcdef\r\n" +
	"X-Frame-Options: DENY\r\n" +
	"X-Content-Type-Options: nosniff\r\n" +
	"Vary: Accept-Encoding\r\n" +
	"Connection: keep-alive\r\n" +
	"\r\n" +
	"Hello, world!"

// keepAliveServer answers every request head with smallResponse on a
// loopback socket.
func keepAliveServer(t testing.TB) *testutil.Server {
	resp := []byte(smallResponse)
	return testutil.NewServer(t, func(nc net.Conn) {
		br := bufio.NewReader(nc)
		for {
			// Read one request head (requests here have no body).
			for {
				line, err := br.ReadSlice('\n')
				if err != nil {
					return
				}
				if len(line) <= 2 {
					break
				}
			}
			if _, err := nc.Write(resp); err != nil {
				return
			}
		}
	})
}

// doGet runs one request/response cycle and reads the body into buf.
func doGet(tb testing.TB, c *Conn, buf []byte) {
	ctx := context.Background()
	if err := c.Request(ctx, "GET", "/small", nil, nil); err != nil {
		tb.Fatal(err)
	}
	r, err := c.GetResponse(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	n, err := io.ReadFull(r, buf[:13])
	if err != nil || !bytes.Equal(buf[:n], []byte("Hello, world!")) {
		tb.Fatalf("body %q, %v", buf[:n], err)
	}
	if _, err := r.Read(buf); err != io.EOF {
		tb.Fatalf("after the body: %v, want io.EOF", err)
	}
}

// TestAllocsPerGet: a kept-alive GET allocates the Response and the
// string behind its header fields, and nothing else (the performance
// budget is 3).
func TestAllocsPerGet(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts differ under -race")
	}
	srv := keepAliveServer(t)
	c, err := New(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	buf := make([]byte, 64)
	doGet(t, c, buf) // dial and warm the buffers
	n := testing.AllocsPerRun(200, func() { doGet(t, c, buf) })
	if n > 2 {
		t.Fatalf("a kept-alive GET allocates %v times, want at most 2", n)
	}
	if srv.Accepted() != 1 {
		t.Fatalf("%d connections accepted, want 1 (keep-alive)", srv.Accepted())
	}
}

// BenchmarkGet measures a kept-alive small GET over loopback.
func BenchmarkGet(b *testing.B) {
	srv := keepAliveServer(b)
	benchGets(b, srv.Addr())
}

// benchGets runs doGet in a benchmark loop on a Conn to host made with
// opts, after one request to dial and warm the buffers.
func benchGets(b *testing.B, host string, opts ...Option) {
	c, err := New(host, opts...)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	buf := make([]byte, 64)
	doGet(b, c, buf)
	b.ReportAllocs()
	for b.Loop() {
		doGet(b, c, buf)
	}
}
