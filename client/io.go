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
	ctx  context.Context
	stop func() bool
	dl   time.Time // the context's deadline, or zero
}

// arm sets up a guard for ctx on nc.
func (c *Conn) arm(ctx context.Context, nc net.Conn) guard {
	g := guard{ctx: ctx}
	if d, ok := ctx.Deadline(); ok {
		g.dl = d
	}
	if ctx.Done() != nil {
		g.stop = context.AfterFunc(ctx, func() { nc.SetDeadline(aLongTimeAgo) })
	}
	if c.cfg.timeout == 0 && !g.dl.Equal(c.deadline) {
		nc.SetDeadline(g.dl)
		c.deadline = g.dl
	}
	return g
}

// beforeIO applies WithTimeout to the next read or write.
func (c *Conn) beforeIO(g *guard, nc net.Conn) {
	if c.cfg.timeout == 0 {
		return
	}
	dl := time.Now().Add(c.cfg.timeout)
	if !g.dl.IsZero() && g.dl.Before(dl) {
		dl = g.dl
	}
	nc.SetDeadline(dl)
	c.deadline = dl
}

// disarm ends the guard. It reports whether the context's cancellation
// fired, in which case the socket's deadline is spoiled and the caller
// must close it.
func (g *guard) disarm() (fired bool) {
	if g.stop == nil {
		return false
	}
	stop := g.stop
	g.stop = nil
	return !stop()
}

// ioError annotates a network error. If the context ended, its error is
// returned (wrapped, with the network error kept) so that
// errors.Is(err, context.Canceled) holds.
func ioError(ctx context.Context, op string, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return errors.Wrap(errors.Join(cerr, err), "http: "+op)
	}
	return errors.Wrap(err, "http: "+op)
}
