package transport

import (
	"net"
	"sync"
	"sync/atomic"

	"github.com/httpstack/httpstack/message"
)

// tunnelConn is the connection [Tunnel] returns: the proxy connection,
// preceded by the bytes the proxy sent after its reply head.
//
// Once those bytes are read, Read costs one atomic load on top of the
// underlying Read.
type tunnelConn struct {
	net.Conn
	header message.Header

	drained atomic.Bool // pending is empty and will stay so
	mu      sync.Mutex  // guards pending
	pending []byte
}

// Read returns the proxy's leftover bytes first, then reads from the
// proxy connection.
func (c *tunnelConn) Read(p []byte) (int, error) {
	if c.drained.Load() {
		return c.Conn.Read(p)
	}
	c.mu.Lock()
	if len(c.pending) == 0 {
		c.mu.Unlock()
		return c.Conn.Read(p)
	}
	n := copy(p, c.pending)
	c.pending = c.pending[n:]
	if len(c.pending) == 0 {
		c.pending = nil
		c.drained.Store(true)
	}
	c.mu.Unlock()
	return n, nil
}

// ProxyHeader returns the header fields of the proxy's CONNECT reply.
func (c *tunnelConn) ProxyHeader() message.Header { return c.header }

// NetConn returns the underlying proxy connection. Reading from it
// directly skips any bytes not yet returned by Read.
func (c *tunnelConn) NetConn() net.Conn { return c.Conn }
