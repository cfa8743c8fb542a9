package testutil

import (
	"context"
	"io"
	"net"
	"sync"
	"syscall"
	"time"

	"github.com/httpstack/httpstack/errors"
)

// ErrInjectedWrite is the error a [FakeConn] returns from a Write that
// FailWriteAfter makes fail. It matches syscall.EPIPE, as a write to a
// peer that has gone away would.
var ErrInjectedWrite = errors.Wrap(syscall.EPIPE, "testutil: injected write failure")

// FakeReply scripts one [FakeConn].
type FakeReply struct {
	// Data is what the conn's Reads return, in order.
	Data string
	// Hang makes Read block once Data is consumed, instead of returning
	// io.EOF, until the conn is closed or its read deadline passes. Use
	// it for timeout and cancellation tests.
	Hang bool
	// HangWrite makes every Write block until the conn is closed or its
	// write deadline passes.
	HangWrite bool
	// FailWriteAfter, if positive, makes Write fail with
	// [ErrInjectedWrite] once that many bytes have been accepted (a Write
	// that crosses the limit accepts the bytes up to it and reports a
	// short count). A negative value fails the first Write. Zero never
	// fails. Zero also defers to FakeDialer.FailWriteAfter.
	FailWriteAfter int
}

// FakeDialer is a deterministic dialer in the style of Python's test
// FakeSocket: each DialContext returns the next scripted [FakeConn],
// without goroutines or sockets. Once the replies are used up it returns
// conns that read io.EOF at once.
//
// A FakeDialer is safe for concurrent use.
type FakeDialer struct {
	// Err, if set, is returned by every DialContext (which still records
	// the address).
	Err error
	// FailWriteAfter applies to conns whose reply leaves it zero; see
	// [FakeReply].
	FailWriteAfter int

	mu      sync.Mutex
	replies []FakeReply
	dials   []string
	conns   []*FakeConn
}

// NewFakeDialer returns a FakeDialer whose n-th dial reads replies[n]
// followed by io.EOF.
func NewFakeDialer(replies ...string) *FakeDialer {
	d := &FakeDialer{}
	for _, r := range replies {
		d.replies = append(d.replies, FakeReply{Data: r})
	}
	return d
}

// NewFakeDialerReplies returns a FakeDialer scripted with full
// [FakeReply] values.
func NewFakeDialerReplies(replies ...FakeReply) *FakeDialer {
	return &FakeDialer{replies: append([]FakeReply(nil), replies...)}
}

// DialContext records address and returns the next [FakeConn]. It fails
// with ctx's error if ctx is already done, or with d.Err if set.
func (d *FakeDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.dials = append(d.dials, address)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if d.Err != nil {
		return nil, d.Err
	}
	var r FakeReply
	if len(d.replies) > 0 {
		r = d.replies[0]
		d.replies = d.replies[1:]
	}
	if r.FailWriteAfter == 0 {
		r.FailWriteAfter = d.FailWriteAfter
	}
	c := NewFakeConn(r)
	c.remote = fakeAddr{network: network, addr: address}
	d.conns = append(d.conns, c)
	return c, nil
}

// Dials returns the addresses dialled so far, in order.
func (d *FakeDialer) Dials() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.dials...)
}

// Conns returns the conns handed out so far, in order.
func (d *FakeDialer) Conns() []*FakeConn {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]*FakeConn(nil), d.conns...)
}

// FakeConn is an in-memory net.Conn that serves a canned reply and
// records what is written to it. Writes are appended synchronously, so a
// test can inspect them as soon as the code under test returns.
//
// It is safe for concurrent use.
type FakeConn struct {
	reply  FakeReply
	remote net.Addr
	dl     *deadlines

	mu      sync.Mutex
	unread  string
	writes  [][]byte
	written int
	closes  int
}

var _ net.Conn = (*FakeConn)(nil)

// NewFakeConn returns a FakeConn scripted by r, not attached to a dialer.
func NewFakeConn(r FakeReply) *FakeConn {
	return &FakeConn{
		reply:  r,
		unread: r.Data,
		remote: fakeAddr{network: "tcp", addr: "fake:0"},
		dl:     newDeadlines(),
	}
}

// Read returns the next bytes of the reply, then io.EOF (or blocks, if
// the reply hangs). Like a socket it fails once closed or once its read
// deadline has passed.
func (c *FakeConn) Read(p []byte) (int, error) {
	if err := c.dl.check(true); err != nil {
		return 0, c.opError("read", err)
	}
	c.mu.Lock()
	if len(c.unread) > 0 {
		n := copy(p, c.unread)
		c.unread = c.unread[n:]
		c.mu.Unlock()
		return n, nil
	}
	c.mu.Unlock()
	if len(p) == 0 {
		return 0, nil
	}
	if !c.reply.Hang {
		return 0, io.EOF
	}
	return 0, c.opError("read", c.dl.block(true))
}

// Write records p as one write call.
func (c *FakeConn) Write(p []byte) (int, error) {
	if err := c.dl.check(false); err != nil {
		return 0, c.opError("write", err)
	}
	if c.reply.HangWrite {
		return 0, c.opError("write", c.dl.block(false))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(p)
	var err error
	switch limit := c.reply.FailWriteAfter; {
	case limit < 0:
		n, err = 0, ErrInjectedWrite
	case limit > 0 && c.written+n > limit:
		n, err = limit-c.written, ErrInjectedWrite
	}
	if n > 0 {
		c.writes = append(c.writes, append([]byte(nil), p[:n]...))
		c.written += n
	}
	if err != nil {
		return n, c.opError("write", err)
	}
	return n, nil
}

// Close marks the conn closed and wakes blocked calls. Closing twice
// returns net.ErrClosed, like a socket.
func (c *FakeConn) Close() error {
	c.mu.Lock()
	c.closes++
	c.mu.Unlock()
	if !c.dl.close() {
		return c.opError("close", net.ErrClosed)
	}
	return nil
}

// Closed reports whether Close was called.
func (c *FakeConn) Closed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closes > 0
}

// Writes returns a copy of each Write call's accepted bytes, in order.
func (c *FakeConn) Writes() [][]byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([][]byte, len(c.writes))
	for i, w := range c.writes {
		out[i] = append([]byte(nil), w...)
	}
	return out
}

// Written returns all bytes written so far, concatenated.
func (c *FakeConn) Written() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	var b []byte
	for _, w := range c.writes {
		b = append(b, w...)
	}
	return b
}

// Unread returns the part of the reply not yet read.
func (c *FakeConn) Unread() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.unread
}

// LocalAddr returns a placeholder address.
func (c *FakeConn) LocalAddr() net.Addr {
	return fakeAddr{network: c.remote.Network(), addr: "fake-local:0"}
}

// RemoteAddr returns the address that was dialled.
func (c *FakeConn) RemoteAddr() net.Addr { return c.remote }

// SetDeadline sets both deadlines; see net.Conn.
func (c *FakeConn) SetDeadline(t time.Time) error { c.dl.set(true, true, t); return nil }

// SetReadDeadline sets the read deadline; see net.Conn.
func (c *FakeConn) SetReadDeadline(t time.Time) error { c.dl.set(true, false, t); return nil }

// SetWriteDeadline sets the write deadline; see net.Conn.
func (c *FakeConn) SetWriteDeadline(t time.Time) error { c.dl.set(false, true, t); return nil }

func (c *FakeConn) opError(op string, err error) error {
	return &net.OpError{Op: op, Net: c.remote.Network(), Addr: c.remote, Err: err}
}

type fakeAddr struct{ network, addr string }

func (a fakeAddr) Network() string { return a.network }
func (a fakeAddr) String() string  { return a.addr }
