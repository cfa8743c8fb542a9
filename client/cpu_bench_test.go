package client

import (
	"bufio"
	"context"
	"net"
	"testing"
	"time"

	"github.com/httpstack/httpstack/errors"
)

// replayConn is an in-memory connection that answers every Write with
// one copy of a canned response, so that a benchmark over it measures the
// client's own CPU per request with no kernel and no scheduler in the way.
type replayConn struct {
	resp    []byte
	pending []byte
	closed  bool
}

func (c *replayConn) Read(p []byte) (int, error) {
	if c.closed {
		return 0, net.ErrClosed
	}
	if len(c.pending) == 0 {
		return 0, errors.New("replayConn: read with no request outstanding")
	}
	n := copy(p, c.pending)
	c.pending = c.pending[n:]
	return n, nil
}

func (c *replayConn) Write(p []byte) (int, error) {
	if c.closed {
		return 0, net.ErrClosed
	}
	c.pending = c.resp
	return len(p), nil
}

func (c *replayConn) Close() error { c.closed = true; return nil }
func (c *replayConn) LocalAddr() net.Addr {
	return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}
}
func (c *replayConn) RemoteAddr() net.Addr             { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 80} }
func (c *replayConn) SetDeadline(time.Time) error      { return nil }
func (c *replayConn) SetReadDeadline(time.Time) error  { return nil }
func (c *replayConn) SetWriteDeadline(time.Time) error { return nil }

type replayDialer struct{ conn *replayConn }

func (d replayDialer) DialContext(context.Context, string, string) (net.Conn, error) {
	return d.conn, nil
}

// BenchmarkGetCPU is BenchmarkGet without the socket: the client's own
// work per kept-alive small GET (encode, parse, frame, read the body).
func BenchmarkGetCPU(b *testing.B) {
	rc := &replayConn{resp: []byte(smallResponse)}
	benchGets(b, "bench.example", WithDialer(replayDialer{rc}))
}

// BenchmarkGetCPUFloor is the least a client can do over the same
// in-memory connection: write fixed bytes, skip the head line by line,
// read 13 body bytes. BenchmarkGetCPU's excess over it is the cost of
// the client's rules.
func BenchmarkGetCPUFloor(b *testing.B) {
	rc := &replayConn{resp: []byte(smallResponse)}
	br := bufio.NewReaderSize(rc, 8<<10)
	req := []byte("GET /small HTTP/1.1\r\nHost: bench.example\r\nAccept-Encoding: identity\r\n\r\n")
	buf := make([]byte, 64)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := rc.Write(req); err != nil {
			b.Fatal(err)
		}
		for {
			line, err := br.ReadSlice('\n')
			if err != nil {
				b.Fatal(err)
			}
			if len(line) == 2 {
				break
			}
		}
		if _, err := br.Read(buf[:13]); err != nil {
			b.Fatal(err)
		}
	}
}
