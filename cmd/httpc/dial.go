package main

import (
	"context"
	"crypto/tls"
	"io"
	"net"

	"github.com/httpstack/httpstack/transport"
)

// recordDialer is the bottom of every dialer chain httpc builds (over TCP,
// SOCKS5 or a Unix socket). It remembers how its last dial went, so that
// a failed connect can be blamed on the right layer: a failure here is
// "couldn't connect", one above it (the tunnel or TLS) is not.
type recordDialer struct {
	base    transport.Dialer
	lastErr error    // the last dial's error, or nil
	remote  net.Addr // the last successful dial's peer
}

// DialContext dials through the base dialer and records the outcome.
func (d *recordDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	c, err := d.base.DialContext(ctx, network, address)
	d.lastErr = err
	if err == nil {
		d.remote = c.RemoteAddr()
	}
	return c, err
}

// teeDialer is the top of the dialer chain in --raw mode: the connections
// it returns copy every byte read from them to w, so that w receives the
// exact bytes the client reads, after any TLS has been removed.
type teeDialer struct {
	base  transport.Dialer
	w     io.Writer
	onTLS func(tls.ConnectionState) // called after a TLS handshake, if set
}

// DialContext dials through the base dialer and wraps the connection.
func (d *teeDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	c, err := d.base.DialContext(ctx, network, address)
	if err != nil {
		return nil, err
	}
	if tc, ok := c.(*tls.Conn); ok && d.onTLS != nil {
		d.onTLS(tc.ConnectionState())
	}
	return &teeConn{Conn: c, w: d.w}, nil
}

// teeConn copies what is read from its Conn to w. Errors writing to w
// are left to w to report (see errWriter).
type teeConn struct {
	net.Conn
	w io.Writer
}

func (c *teeConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.w.Write(p[:n])
	}
	return n, err
}

// NetConn returns the wrapped connection, as tls.Conn.NetConn does, so
// that Response.Fileno can find the socket.
func (c *teeConn) NetConn() net.Conn { return c.Conn }

// errWriter remembers the first error of its writer and then discards
// everything, so that a broken stdout shows up once, as exit code 23.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	if err != nil {
		e.err = err
	}
	return n, err
}
