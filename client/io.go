package client

import (
	"context"
	"net"
	"time"

	"github.com/httpstack/httpstack/errors"
)

// aLongTimeAgo is a deadline in the past, used to unblock I/O at once.
var aLongTimeAgo = time.Unix(1, 0)

// guard ties one blocking exchange to a context: it sets the socket's
// deadline from the context's deadline and, when the context can be
// cancelled, arranges for cancellation to unblock the socket. One guard
// covers a whole exchange (the send of a request, the read of a response
// head and body), so the per-read cost is at most one SetDeadline for
// [WithTimeout].
type guard struct {
	ctx   context.Context
	stop  func() bool
	fired chan struct{} // closed once the cancellation has spoiled the deadline
}

// deadline returns the context's deadline, or zero. (It is not kept in
// the guard, which every Response carries.)
func (g *guard) deadline() time.Time {
	dl, _ := g.ctx.Deadline()
	return dl
}

// arm sets up a guard for ctx on nc.
func (c *Conn) arm(ctx context.Context, nc net.Conn) guard {
	g := guard{ctx: ctx}
	dl, _ := ctx.Deadline()
	if ctx.Done() != nil {
		fired := make(chan struct{})
		g.fired = fired
		g.stop = context.AfterFunc(ctx, func() {
			nc.SetDeadline(aLongTimeAgo)
			close(fired)
		})
	}
	if c.cfg.timeout == 0 && !dl.Equal(c.deadline) {
		nc.SetDeadline(dl)
		c.deadline = dl
	}
	return g
}

// beforeIO applies WithTimeout to the next read or write.
func (c *Conn) beforeIO(g *guard, nc net.Conn) {
	if c.cfg.timeout == 0 {
		return
	}
	dl := time.Now().Add(c.cfg.timeout)
	if cdl := g.deadline(); !cdl.IsZero() && cdl.Before(dl) {
		dl = cdl
	}
	nc.SetDeadline(dl)
	c.deadline = dl
}

// disarm ends the guard. It reports whether the context ended: its
// cancellation fired and spoiled the socket's deadline (disarm waits for
// that to be done, so it can't happen later), or its deadline, which the
// socket may have hit first, has passed. The caller must then close the
// socket or reset its deadline.
func (g *guard) disarm() (fired bool) {
	if g.stop == nil {
		return false
	}
	stop := g.stop
	g.stop = nil
	if !stop() {
		<-g.fired
		return true
	}
	dl := g.deadline()
	return !dl.IsZero() && !time.Now().Before(dl)
}

// release ends the guard of an exchange that completed: if the
// cancellation fired at the last moment, it clears the deadline it
// spoiled, so that the kept-alive socket stays usable. (The next call
// arms its own deadline; a missing one is safe, as the cancellation of
// a context with a deadline unblocks the socket anyway.)
func (g *guard) release(nc net.Conn) {
	if g.disarm() {
		nc.SetDeadline(time.Time{})
	}
}

// ioError annotates a network error. If the context ended, its error is
// returned (wrapped, with the network error kept) so that
// errors.Is(err, context.Canceled) holds.
func ioError(ctx context.Context, op string, err error) error {
	if cerr := ctxErr(ctx); cerr != nil {
		return errors.Wrap(errors.Join(cerr, err), "http: "+op)
	}
	return errors.Wrap(err, "http: "+op)
}

// ctxErr is ctx.Err(), except that it is context.DeadlineExceeded as soon
// as ctx's deadline has passed: the socket deadline arm sets from it can
// expire a moment before the context's own timer fires, and the error
// must name the context all the same.
func ctxErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if dl, ok := ctx.Deadline(); ok && !time.Now().Before(dl) {
		return context.DeadlineExceeded
	}
	return nil
}
