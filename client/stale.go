package client

import (
	"net"
	"time"
)

// peekAfterIdle is how long after the previous request (and so at least
// as long as the socket may have been idle) dropStaleConn asks the kernel
// whether the server sent or closed anything.
const peekAfterIdle = time.Millisecond

// monoEpoch anchors monoNow.
var monoEpoch = time.Now()

// monoNow reads the monotonic clock alone (time.Now reads the wall clock
// as well), for timing idle connections.
func monoNow() time.Duration { return time.Since(monoEpoch) }

// dropStaleConn closes a kept-alive socket that must not carry the next
// request: one on which the server sent bytes nobody asked for, or which
// the server has closed while it was idle. Bytes that arrive on an idle
// connection can only be an unsolicited response or garbage; reading them
// as the answer to the next request would desynchronise the exchange
// (response smuggling). A server that closed an idle connection would
// make the next request fail with ErrRemoteDisconnected although it was
// never sent. Either way the request goes out on a fresh connection;
// nothing is retried, since nothing was sent.
//
// While an earlier response is still being read (pipelining), buffered
// bytes are its body or the next response, and the socket is kept.
//
// It returns the socket the request may go out on, or nil when there is
// none and the caller must dial.
func (c *Conn) dropStaleConn() net.Conn {
	nc := c.conn()
	if nc == nil || (c.pending != nil && !c.pending.bodyDone()) {
		return nc
	}
	sock, direct := osSocket(nc)
	if sock == nil {
		// An in-memory connection (a test double) may hold the replies
		// to several requests from the start, as Python's FakeSocket
		// does; its order is the script's, so it is trusted.
		return nc
	}
	if c.br != nil && c.br.Buffered() > 0 {
		c.dropConn()
		return nil
	}
	if !direct {
		return nc
	}
	// The kernel is asked only after the connection may have sat idle a
	// while: a request sent right after the last one (and so right after
	// its response) has no window for a server's close or stray bytes to
	// arrive unseen, and back-to-back requests skip a system call each.
	// Timing from the last request rather than from its response reads
	// the clock once per request and errs towards asking.
	now := monoNow()
	idle := now - c.lastSend
	c.lastSend = now
	if idle >= peekAfterIdle && c.peerSentOrClosed(sock) {
		c.dropConn()
		return nil
	}
	return nc
}

// osSocket finds the operating-system socket under nc, unwrapping TLS and
// tunnel connections. direct reports that nc is the socket itself, so
// that the kernel's receive buffer holds exactly what nc would read next.
func osSocket(nc net.Conn) (sock net.Conn, direct bool) {
	direct = true
	for {
		switch c := nc.(type) {
		case *net.TCPConn, *net.UnixConn:
			return c, direct
		case interface{ NetConn() net.Conn }:
			nc = c.NetConn()
			direct = false
		default:
			return nil, false
		}
	}
}
