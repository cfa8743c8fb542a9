//go:build unix

package client

import (
	"net"
	"syscall"
)

// peeker looks into a socket's receive buffer without consuming it. It is
// made once per socket so that a check allocates nothing.
type peeker struct {
	nc    net.Conn
	raw   syscall.RawConn
	fn    func(fd uintptr) bool
	buf   [1]byte
	ready bool
}

// peerSentOrClosed reports whether the kernel holds bytes from the peer,
// or the peer's end of the stream, for a plain TCP or Unix socket: one
// non-blocking recv with MSG_PEEK, which consumes nothing.
func (c *Conn) peerSentOrClosed(sock net.Conn) bool {
	p := &c.peek
	if p.nc != sock {
		sc, ok := sock.(syscall.Conn)
		if !ok {
			return false
		}
		raw, err := sc.SyscallConn()
		if err != nil {
			return false
		}
		p.nc, p.raw = sock, raw
		if p.fn == nil {
			p.fn = func(fd uintptr) bool {
				n, _, err := syscall.Recvfrom(int(fd), p.buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
				// n > 0: unsolicited bytes; n == 0 without error: the
				// peer closed; another error than EAGAIN: the socket is
				// broken. Each means "don't reuse".
				p.ready = n > 0 || (n == 0 && err == nil) || (err != nil && err != syscall.EAGAIN)
				return true
			}
		}
	}
	p.ready = false
	if err := p.raw.Read(p.fn); err != nil {
		return true
	}
	return p.ready
}
