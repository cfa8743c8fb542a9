package transport

import (
	"crypto/tls"
	"io"
	"net"
	"sync/atomic"
)

// eofConn sits under a TLS client connection and records whether the
// transport below reached its end. crypto/tls reports both a close_notify
// alert and a bare end of the TCP stream at a record boundary as io.EOF;
// this tells them apart.
type eofConn struct {
	net.Conn
	eof atomic.Bool
}

func (c *eofConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if err == io.EOF {
		c.eof.Store(true)
	}
	return n, err
}

// NetConn returns the wrapped connection.
func (c *eofConn) NetConn() net.Conn { return c.Conn }

// EndedWithoutCloseNotify reports whether conn is a TLS connection made by
// [TLS] whose io.EOF came from the end of the underlying stream rather
// than from the peer's close_notify alert (RFC 8446 §6.1). A body whose
// end is the end of the connection is truncated then: an attacker can cut
// a TCP stream but cannot forge close_notify.
func EndedWithoutCloseNotify(conn net.Conn) bool {
	tc, ok := conn.(*tls.Conn)
	if !ok {
		return false
	}
	ec, ok := tc.NetConn().(*eofConn)
	return ok && ec.eof.Load()
}
