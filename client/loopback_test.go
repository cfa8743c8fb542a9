package client

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/testutil"
)

// loopbackBody is the body the raw test server sends for path: 100000
// bytes for "/big", else the path itself.
func loopbackBody(path string) string {
	if path == "/big" {
		return strings.Repeat("b", 100000)
	}
	return path
}

// loopbackReply is the whole response the raw test server sends for path.
func loopbackReply(path string) string {
	body := loopbackBody(path)
	return fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
}

// serveRequests answers the requests read from c, at most max of them
// (0: no limit), and reports each path on paths (if not nil).
func serveRequests(c net.Conn, max int, paths chan<- string) {
	br := bufio.NewReader(c)
	for n := 0; max == 0 || n < max; n++ {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		io.Copy(io.Discard, req.Body)
		if paths != nil {
			paths <- req.URL.Path
		}
		if _, err := io.WriteString(c, loopbackReply(req.URL.Path)); err != nil {
			return
		}
	}
}

// loopbackGet sends GET path on c and reads the whole response.
func loopbackGet(t *testing.T, c *Conn, path string) (string, error) {
	t.Helper()
	ctx := context.Background()
	if err := c.Request(ctx, "GET", path, nil, nil); err != nil {
		return "", err
	}
	r, err := c.GetResponse(ctx)
	if err != nil {
		return "", err
	}
	b, err := io.ReadAll(r)
	return string(b), err
}

func newLoopbackConn(t *testing.T, addr string, opts ...Option) *Conn {
	t.Helper()
	c, err := New(addr, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestLoopbackKeepAlive: L keep-alive, several requests on one socket.
func TestLoopbackKeepAlive(t *testing.T) {
	srv := testutil.NewServer(t, func(c net.Conn) { serveRequests(c, 0, nil) })
	c := newLoopbackConn(t, srv.Addr())
	for _, p := range []string{"/a", "/b", "/big", "/c"} {
		body, err := loopbackGet(t, c, p)
		if err != nil || body != loopbackBody(p) {
			t.Fatalf("GET %s: %d bytes, %v", p, len(body), err)
		}
	}
	if got := srv.Accepted(); got != 1 {
		t.Fatalf("server accepted %d connections, want 1", got)
	}
}

// TestLoopbackServerClosesIdle: L, the server closes an idle keep-alive
// connection; the next request is written, GetResponse reports
// RemoteDisconnected and closes, and the request after dials again.
func TestLoopbackServerClosesIdle(t *testing.T) {
	closed := make(chan struct{})
	var mu sync.Mutex
	conns := 0
	srv := testutil.NewServer(t, func(c net.Conn) {
		mu.Lock()
		conns++
		first := conns == 1
		mu.Unlock()
		if first {
			serveRequests(c, 1, nil)
			c.Close()
			close(closed)
			return
		}
		serveRequests(c, 0, nil)
	})
	c := newLoopbackConn(t, srv.Addr())
	if body, err := loopbackGet(t, c, "/one"); err != nil || body != "/one" {
		t.Fatalf("first GET: %q, %v", body, err)
	}
	<-closed
	time.Sleep(2 * peekAfterIdle) // idle long enough for the kernel check
	// The server's FIN is seen before the request is written: the
	// request goes out on a new connection instead of failing with
	// RemoteDisconnected as in Python (nothing is retried: nothing had
	// been sent).
	if body, err := loopbackGet(t, c, "/two"); err != nil || body != "/two" {
		t.Fatalf("GET after the server closed the idle socket: %q, %v", body, err)
	}
	if got := srv.Accepted(); got != 2 {
		t.Fatalf("server accepted %d connections, want 2", got)
	}
}

// TestLoopbackTimeout: L timeout, a server that never answers. The
// error matches os.ErrDeadlineExceeded; unlike Python (Request-sent, the
// socket kept), the Conn closes the socket and is Idle (deviation 9).
func TestLoopbackTimeout(t *testing.T) {
	srv, got := silentServer(t)
	const timeout = 200 * time.Millisecond
	c := newLoopbackConn(t, srv.Addr(), WithTimeout(timeout))
	if err := c.Request(context.Background(), "GET", "/silent", nil, nil); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r, err := c.GetResponse(context.Background())
	elapsed := time.Since(start)
	assertErrMatches(t, "GetResponse", err, os.ErrDeadlineExceeded)
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("%v is not a net.Error timeout", err)
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, errors.ErrRemoteDisconnected) {
		t.Fatalf("%v names the wrong cause", err)
	}
	if elapsed < timeout || elapsed > 30*time.Second {
		t.Fatalf("GetResponse took %v with a %v timeout", elapsed, timeout)
	}
	if r != nil || c.state != stateIdle || c.conn() != nil {
		t.Fatalf("after the timeout: response %v, state %s, socket %v", r, c.state, c.conn())
	}
	if p := <-got; p != "/silent" {
		t.Fatalf("server got %q", p)
	}
	// Idle: a new request is accepted and dials again.
	if err := c.Request(context.Background(), "GET", "/again", nil, nil); err != nil {
		t.Fatalf("Request after the timeout: %v", err)
	}
	if p := <-got; p != "/again" {
		t.Fatalf("server got %q", p)
	}
}

// TestLoopbackConnectionRefused: L refused. Python leaves Request-sent
// with no socket; the request is abandoned here (deviation 8).
func TestLoopbackConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c := newLoopbackConn(t, addr)
	for _, call := range []struct {
		name string
		do   func() error
	}{
		{"Request", func() error { return c.Request(context.Background(), "GET", "/", nil, nil) }},
		{"Connect", func() error { return c.Connect(context.Background()) }},
		{"PutRequest+EndHeaders", func() error {
			if err := c.PutRequest("GET", "/"); err != nil {
				return err
			}
			return c.EndHeaders(context.Background(), nil)
		}},
	} {
		err := call.do()
		assertErrMatches(t, call.name, err, syscall.ECONNREFUSED)
		if c.state != stateIdle || c.conn() != nil {
			t.Fatalf("%s: state %s, socket %v; want Idle without socket", call.name, c.state, c.conn())
		}
	}
	if err := c.PutRequest("GET", "/"); err != nil {
		t.Fatalf("PutRequest after refusals: %v", err)
	}
}

// TestLoopbackCloseUnreadLargeBody: C14's loopback variant. Python reads
// the rest of a 100000-byte body as the next status line (LineTooLong);
// here closing it closes the socket and the next request dials again.
func TestLoopbackCloseUnreadLargeBody(t *testing.T) {
	srv := testutil.NewServer(t, func(c net.Conn) { serveRequests(c, 0, nil) })
	c := newLoopbackConn(t, srv.Addr())
	if err := c.Request(context.Background(), "GET", "/big", nil, nil); err != nil {
		t.Fatal(err)
	}
	r, err := c.GetResponse(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(r, make([]byte, 10)); err != nil {
		t.Fatal(err)
	}
	r.Close()
	if c.conn() != nil {
		t.Fatal("the Conn kept the socket of a response closed unread")
	}
	if body, err := loopbackGet(t, c, "/next"); err != nil || body != "/next" {
		t.Fatalf("GET after Close: %q, %v", body, err)
	}
	if got := srv.Accepted(); got != 2 {
		t.Fatalf("server accepted %d connections, want 2", got)
	}
}

// TestLoopbackFileno: Fileno is the socket's descriptor, also for a
// response that took the socket (Python: it stays valid after the
// connection handed it over).
func TestLoopbackFileno(t *testing.T) {
	srv := testutil.NewServer(t, func(c net.Conn) {
		br := bufio.NewReader(c)
		if _, err := http.ReadRequest(br); err != nil {
			return
		}
		io.WriteString(c, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nhi")
	})
	c := newLoopbackConn(t, srv.Addr())
	if err := c.Request(context.Background(), "GET", "/", nil, nil); err != nil {
		t.Fatal(err)
	}
	r, err := c.GetResponse(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	fd, err := r.Fileno()
	if err != nil || fd <= 2 {
		t.Fatalf("Fileno = %d, %v", fd, err)
	}
	if b, err := io.ReadAll(r); string(b) != "hi" || err != nil {
		t.Fatalf("body %q, %v", b, err)
	}
	r.Close()
	if _, err := r.Fileno(); !errors.Is(err, errors.ErrNotConnected) {
		t.Fatalf("Fileno after Close: %v", err)
	}
}

// TestLoopbackTLSKeepAlive: NewTLS against net/http over TLS keeps one
// connection for several requests and exposes the descriptor under TLS.
func TestLoopbackTLSKeepAlive(t *testing.T) {
	ca := testutil.NewCA(t)
	var mu sync.Mutex
	remotes := map[string]int{}
	srv := testutil.NewHTTPServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		remotes[r.RemoteAddr]++
		mu.Unlock()
		w.Header().Set("X-Proto", r.Proto)
		io.WriteString(w, "tls"+r.URL.Path)
	}), ca.ServerConfig("127.0.0.1"))
	c, err := NewTLS(srv.Addr(), WithTLSConfig(ca.ClientConfig()))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, p := range []string{"/a", "/b", "/c"} {
		if err := c.Request(context.Background(), "GET", p, nil, nil); err != nil {
			t.Fatal(err)
		}
		r, err := c.GetResponse(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Fileno(); err != nil {
			t.Fatalf("Fileno under TLS: %v", err)
		}
		b, err := io.ReadAll(r)
		if string(b) != "tls"+p || err != nil || r.GetHeader("X-Proto", "") != "HTTP/1.1" {
			t.Fatalf("GET %s: %q, %v, %v", p, b, err, r.Header)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(remotes) != 1 {
		t.Fatalf("requests came over %d connections, want 1: %v", len(remotes), remotes)
	}
}

// silentServer accepts connections, reports each request path on the
// returned channel and never answers.
func silentServer(t *testing.T) (*testutil.Server, <-chan string) {
	got := make(chan string, 4)
	srv := testutil.NewServer(t, func(c net.Conn) {
		br := bufio.NewReader(c)
		if req, err := http.ReadRequest(br); err == nil {
			got <- req.URL.Path
		}
		io.Copy(io.Discard, br)
	})
	return srv, got
}

// TestLoopbackAbort: on a real socket, a cancellation or a Conn.Close
// from another goroutine unblocks GetResponse, and the Conn is Idle.
func TestLoopbackAbort(t *testing.T) {
	cases := []struct {
		name  string
		skip  string
		abort func(c *Conn, cancel context.CancelFunc)
		// is lists the errors GetResponse may match: which one depends
		// on whether GetResponse had started when the abort came.
		is []error
	}{
		{"cancel", "", func(_ *Conn, cancel context.CancelFunc) { cancel() }, []error{context.Canceled}},
		{"conn-close", "", func(c *Conn, _ context.CancelFunc) { c.Close() }, []error{net.ErrClosed, errors.ErrResponseNotReady}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.skip != "" {
				t.Skip(tc.skip)
			}
			srv, got := silentServer(t)
			c := newLoopbackConn(t, srv.Addr())
			if err := c.Request(context.Background(), "GET", "/wait", nil, nil); err != nil {
				t.Fatal(err)
			}
			<-got
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() {
				r, err := c.GetResponse(ctx)
				if r != nil {
					err = fmt.Errorf("got a response: %v", r.Status)
				}
				done <- err
			}()
			tc.abort(c, cancel)
			var err error
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("GetResponse still blocked 30s after the abort")
			}
			matched := false
			for _, target := range tc.is {
				matched = matched || errors.Is(err, target)
			}
			if !matched {
				t.Fatalf("GetResponse: %v, want one of %v", err, tc.is)
			}
			if c.state != stateIdle || c.conn() != nil {
				t.Fatalf("after the abort: state %s, socket %v", c.state, c.conn())
			}
		})
	}
}

// TestSourceAddress: WithSourceAddress binds the local end of the socket
// (Python's source_address) and refuses what is not an IP literal.
func TestSourceAddress(t *testing.T) {
	for _, bad := range []string{"bogus!!", "localhost", "127.0.0.1:x", "127.0.0.1:70000", "[::1", "1.2.3.4.5"} {
		if _, err := New("example.com", WithSourceAddress(bad)); !errors.Is(err, errors.ErrInvalidURL) {
			t.Errorf("WithSourceAddress(%q): err = %v, want ErrInvalidURL", bad, err)
		}
	}
	peer := make(chan string, 1)
	srv := testutil.NewServer(t, func(nc net.Conn) {
		peer <- nc.RemoteAddr().String()
		io.WriteString(nc, "HTTP/1.1 204 No Content\r\n\r\n")
	})
	c, err := New(srv.Addr(), WithSourceAddress("127.0.0.2"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Request(context.Background(), "GET", "/", nil, nil); err != nil {
		t.Fatal(err)
	}
	r, err := c.GetResponse(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	if got := <-peer; !strings.HasPrefix(got, "127.0.0.2:") {
		t.Fatalf("server saw the client at %s, want 127.0.0.2", got)
	}
}

// TestLoopbackUnsolicitedBytes: bytes the server sends beyond a response,
// in the same write or while the connection is idle, are never read as
// the answer to the next request: the socket is dropped and the request
// goes out on a new one.
func TestLoopbackUnsolicitedBytes(t *testing.T) {
	const evil = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil"
	for _, tc := range []struct {
		name  string
		extra func(c net.Conn)
	}{
		{"same-write", nil},
		{"while-idle", func(c net.Conn) { io.WriteString(c, evil) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			conns := 0
			sent := make(chan struct{})
			srv := testutil.NewServer(t, func(c net.Conn) {
				mu.Lock()
				conns++
				first := conns == 1
				mu.Unlock()
				if !first {
					serveRequests(c, 0, nil)
					return
				}
				br := bufio.NewReader(c)
				for {
					line, err := br.ReadString('\n')
					if err != nil || line == "\r\n" {
						break
					}
				}
				if tc.extra == nil {
					io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"+evil)
				} else {
					io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")
					time.Sleep(20 * time.Millisecond)
					tc.extra(c)
				}
				close(sent)
				io.Copy(io.Discard, c)
			})
			c := newLoopbackConn(t, srv.Addr())
			ctx := context.Background()
			if err := c.Request(ctx, "GET", "/one", nil, nil); err != nil {
				t.Fatal(err)
			}
			r, err := c.GetResponse(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if b, err := io.ReadAll(r); err != nil || string(b) != "hi" {
				t.Fatalf("first body %q, %v", b, err)
			}
			<-sent
			// Wait until the idle bytes are in the kernel's buffer.
			time.Sleep(20 * time.Millisecond)
			if body, err := loopbackGet(t, c, "/two"); err != nil || body != "/two" {
				t.Fatalf("second GET: %q, %v (the unsolicited response must not answer it)", body, err)
			}
			if got := srv.Accepted(); got != 2 {
				t.Fatalf("server accepted %d connections, want 2", got)
			}
		})
	}
}
