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

// TestIdleConnReleasesReadBuffer: between responses a kept-alive
// connection holds no read buffer, so idle connections stay small; the
// next response takes one again. A buffer with unread bytes is kept for
// dropStaleConn to see.
func TestIdleConnReleasesReadBuffer(t *testing.T) {
	srv := keepAliveServer(t)
	c, err := New(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	buf := make([]byte, 64)
	for i := range 3 {
		doGet(t, c, buf)
		if c.br != nil {
			t.Fatalf("request %d: the idle connection still holds its read buffer", i)
		}
	}
	if srv.Accepted() != 1 {
		t.Fatalf("%d connections accepted, want 1", srv.Accepted())
	}

	// A closing response gives back the buffer it took with the socket.
	rc := &replayConn{resp: []byte("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nhi")}
	c2, err := New("example.com", WithDialer(replayDialer{rc}))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c2.Request(ctx, "GET", "/", nil, nil); err != nil {
		t.Fatal(err)
	}
	r, err := c2.GetResponse(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c2.br != nil {
		t.Fatal("the Conn kept the read buffer of a response that took the socket")
	}
	if b, err := io.ReadAll(r); err != nil || string(b) != "hi" {
		t.Fatalf("body %q, %v", b, err)
	}
	if r.br != nil || !rc.closed {
		t.Fatal("the finished closing response kept its buffer or socket")
	}

	// Bytes after the body keep the buffer.
	rc3 := &replayConn{resp: []byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiEXTRA")}
	c3, err := New("example.com", WithDialer(replayDialer{rc3}))
	if err != nil {
		t.Fatal(err)
	}
	if err := c3.Request(ctx, "GET", "/", nil, nil); err != nil {
		t.Fatal(err)
	}
	r3, err := c3.GetResponse(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(r3); err != nil || string(b) != "hi" {
		t.Fatalf("body %q, %v", b, err)
	}
	if c3.br == nil || c3.br.Buffered() != len("EXTRA") {
		t.Fatal("the read buffer holding unread bytes was given back")
	}
}
