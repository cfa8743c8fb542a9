package testutil

import (
	"crypto/tls"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

// listenLoopback listens on an ephemeral TCP port of 127.0.0.1.
func listenLoopback(t testing.TB) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testutil: listen on loopback: %v", err)
	}
	return ln
}

// group tracks the goroutines and connections of a test server so that
// Cleanup can close them all and wait for them.
type group struct {
	wg     sync.WaitGroup
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
}

// track registers c; it reports false (and closes c) once the group is
// shutting down.
func (g *group) track(c net.Conn) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		c.Close()
		return false
	}
	if g.conns == nil {
		g.conns = make(map[net.Conn]struct{})
	}
	g.conns[c] = struct{}{}
	return true
}

func (g *group) untrack(c net.Conn) {
	g.mu.Lock()
	delete(g.conns, c)
	g.mu.Unlock()
	c.Close()
}

// go runs f in a tracked goroutine.
func (g *group) goFunc(f func()) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		f()
	}()
}

// shutdown closes every tracked conn and waits up to cleanupTimeout.
func (g *group) shutdown(t testing.TB, what string) {
	g.mu.Lock()
	g.closed = true
	for c := range g.conns {
		c.Close()
	}
	g.mu.Unlock()
	if !waitTimeout(&g.wg, cleanupTimeout) {
		t.Errorf("testutil: %s: goroutines still running %v after cleanup", what, cleanupTimeout)
	}
}

// serve accepts on ln until it is closed, running handle for each
// connection in its own tracked goroutine and closing the connection
// when handle returns.
func (g *group) serve(ln net.Listener, accepted func(), handle func(net.Conn)) {
	g.goFunc(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			if accepted != nil {
				accepted()
			}
			if !g.track(c) {
				continue
			}
			g.goFunc(func() {
				defer g.untrack(c)
				handle(c)
			})
		}
	})
}

// Server is a raw TCP server on loopback that runs a handler per
// connection.
type Server struct {
	ln       net.Listener
	g        group
	mu       sync.Mutex
	accepted int
}

// NewServer starts a TCP server on 127.0.0.1 with an ephemeral port.
// Each accepted connection is passed to handler in its own goroutine and
// closed when handler returns. t.Cleanup closes the listener and every
// open connection and waits (bounded) for the handlers.
func NewServer(t testing.TB, handler func(net.Conn)) *Server {
	t.Helper()
	return newServer(t, listenLoopback(t), handler)
}

// NewUnixServer is [NewServer] on a Unix domain socket at path (for
// example filepath.Join(t.TempDir(), "s.sock")); Addr returns path.
func NewUnixServer(t testing.TB, path string, handler func(net.Conn)) *Server {
	t.Helper()
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatalf("testutil: listen on unix socket %q: %v", path, err)
	}
	return newServer(t, ln, handler)
}

func newServer(t testing.TB, ln net.Listener, handler func(net.Conn)) *Server {
	s := &Server{ln: ln}
	s.g.serve(s.ln, func() {
		s.mu.Lock()
		s.accepted++
		s.mu.Unlock()
	}, handler)
	t.Cleanup(func() {
		s.ln.Close()
		s.g.shutdown(t, "Server")
	})
	return s
}

// Addr returns the server's host:port (or socket path).
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Accepted returns how many connections the server has accepted.
func (s *Server) Accepted() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accepted
}

// HTTPServer is a net/http server on loopback, a real HTTP/1.1 peer.
type HTTPServer struct {
	ln  net.Listener
	srv *http.Server
}

// NewHTTPServer serves h on 127.0.0.1 with an ephemeral port, over TLS
// when tlsConfig is non-nil (HTTP/1.1 only: the server never offers h2
// unless tlsConfig.NextProtos does). t.Cleanup closes the server and its
// connections and waits (bounded) for it.
func NewHTTPServer(t testing.TB, h http.Handler, tlsConfig *tls.Config) *HTTPServer {
	t.Helper()
	ln := listenLoopback(t)
	if tlsConfig != nil {
		ln = tls.NewListener(ln, tlsConfig)
	}
	s := &HTTPServer{
		ln: ln,
		srv: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 10 * time.Second,
			ErrorLog:          log.New(io.Discard, "", 0), // expected handshake failures are noise
		},
	}
	s.srv.SetKeepAlivesEnabled(true)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.srv.Serve(ln)
	}()
	t.Cleanup(func() {
		s.srv.Close()
		timer := time.NewTimer(cleanupTimeout)
		defer timer.Stop()
		select {
		case <-done:
		case <-timer.C:
			t.Errorf("testutil: HTTPServer still serving %v after Close", cleanupTimeout)
		}
	})
	return s
}

// Addr returns the server's host:port.
func (s *HTTPServer) Addr() string { return s.ln.Addr().String() }
