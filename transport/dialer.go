package transport

import (
	"context"
	"net"
)

// Dialer opens connections. It is the one interface every layer of this
// package takes and returns, so layers compose by wrapping: a [TLS] or a
// [Tunnel] holds a Base Dialer and is itself a Dialer.
//
// There is deliberately no context-less Dial method (STYLE rule 11):
// cancellation and deadlines always travel in ctx.
//
// The TCP layer is a plain *net.Dialer, used as it is: it already
// satisfies Dialer, and its Timeout, LocalAddr (Python's source_address)
// and KeepAlive fields configure the socket. So do the dialers of
// golang.org/x/net/proxy.
type Dialer interface {
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

var (
	_ Dialer = (*net.Dialer)(nil)
	_ Dialer = (*TLS)(nil)
	_ Dialer = (*Tunnel)(nil)
	_ Dialer = (*Unix)(nil)
)

// Unix dials a Unix domain socket. Its DialContext ignores the network and
// address it is given and always dials Path, so that an HTTP client
// configured for "host:port" can talk to a local daemon (Docker, systemd)
// while still sending that host in its Host header.
type Unix struct {
	// Path is the file system path (or, on Linux, the "@"-prefixed
	// abstract name) of the socket.
	Path string
	// Dialer, if non-nil, supplies the timeout and other dial options.
	// A nil Dialer means a zero net.Dialer.
	Dialer *net.Dialer
}

// DialContext dials the Unix socket u.Path; network and address are
// ignored.
func (u *Unix) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	d := u.Dialer
	if d == nil {
		d = &net.Dialer{}
	}
	return d.DialContext(ctx, "unix", u.Path)
}
