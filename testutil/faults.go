package testutil

import (
	"io"
	"net"
	"sync"
	"time"
)

// OneByteConn returns c with every Read delivering at most one byte, to
// exercise code paths that see input split at every offset.
func OneByteConn(c net.Conn) net.Conn { return &oneByteConn{c} }

type oneByteConn struct{ net.Conn }

func (c *oneByteConn) Read(p []byte) (int, error) {
	if len(p) > 1 {
		p = p[:1]
	}
	return c.Conn.Read(p)
}

// CutConn returns c with reads ending in io.EOF after n bytes, as if the
// peer had closed the connection there. Writes pass through.
func CutConn(c net.Conn, n int) net.Conn { return &cutConn{Conn: c, left: n} }

type cutConn struct {
	net.Conn
	mu   sync.Mutex
	left int
}

func (c *cutConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	left := c.left
	c.mu.Unlock()
	if left <= 0 {
		if len(p) == 0 {
			return 0, nil
		}
		return 0, io.EOF
	}
	if len(p) > left {
		p = p[:left]
	}
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	c.left -= n
	c.mu.Unlock()
	return n, err
}

// StallConn returns c with reads blocking once after bytes have been
// read, until the read deadline passes (os.ErrDeadlineExceeded) or the
// conn is closed (net.ErrClosed), like a peer that stops sending without
// closing. Writes pass through.
func StallConn(c net.Conn, after int) net.Conn {
	return &stallConn{Conn: c, left: after, dl: newDeadlines()}
}

type stallConn struct {
	net.Conn
	dl   *deadlines
	mu   sync.Mutex
	left int
}

func (c *stallConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	left := c.left
	c.mu.Unlock()
	if left <= 0 {
		if len(p) == 0 {
			return 0, nil
		}
		return 0, &net.OpError{Op: "read", Net: c.LocalAddr().Network(), Addr: c.RemoteAddr(), Err: c.dl.block(true)}
	}
	if len(p) > left {
		p = p[:left]
	}
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	c.left -= n
	c.mu.Unlock()
	return n, err
}

func (c *stallConn) Close() error {
	c.dl.close()
	return c.Conn.Close()
}

func (c *stallConn) SetDeadline(t time.Time) error {
	c.dl.set(true, true, t)
	return c.Conn.SetDeadline(t)
}

func (c *stallConn) SetReadDeadline(t time.Time) error {
	c.dl.set(true, false, t)
	return c.Conn.SetReadDeadline(t)
}

// ResetConn aborts c: for a TCP connection it sets SO_LINGER to 0 before
// closing, so the peer receives RST (ECONNRESET) instead of FIN. Other
// conns are simply closed. Wrappers from this package are unwrapped.
func ResetConn(c net.Conn) error {
	inner := c
	for {
		switch w := inner.(type) {
		case *oneByteConn:
			inner = w.Conn
			continue
		case *cutConn:
			inner = w.Conn
			continue
		case *stallConn:
			w.dl.close()
			inner = w.Conn
			continue
		}
		break
	}
	if tc, ok := inner.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	return inner.Close()
}
