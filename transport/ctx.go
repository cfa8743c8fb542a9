package transport

import (
	"context"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/httpstack/httpstack/errors"
)

// aLongTimeAgo is a deadline in the past: setting it makes every blocked
// Read or Write on a conn return at once.
var aLongTimeAgo = time.Unix(1, 0)

// bindContext makes I/O on conn follow ctx until the returned function is
// called: conn's deadline is set to ctx's deadline, and cancelling ctx
// moves it into the past so that a blocked Read or Write returns. The
// returned function undoes this: it waits for a running cancellation
// callback to finish (so no goroutine outlives the call) and clears the
// conn's deadlines.
//
// For a context that can never be cancelled and has no deadline,
// bindContext does nothing.
func bindContext(ctx context.Context, conn net.Conn) (release func()) {
	deadline, hasDeadline := ctx.Deadline()
	if !hasDeadline && ctx.Done() == nil {
		return func() {}
	}
	if hasDeadline {
		conn.SetDeadline(deadline)
	}
	fired := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		conn.SetDeadline(aLongTimeAgo)
		close(fired)
	})
	return func() {
		if !stop() {
			<-fired
		}
		conn.SetDeadline(time.Time{})
	}
}

// contextError returns err annotated with the context's error when the
// context ended the operation, so that errors.Is(err, context.Canceled)
// or context.DeadlineExceeded holds; otherwise it returns err. A deadline
// timeout that fires a moment before the context notices its own expiry
// counts as the context's.
func contextError(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	cerr := ctx.Err()
	if cerr == nil && errors.Is(err, os.ErrDeadlineExceeded) {
		if d, ok := ctx.Deadline(); ok && !time.Now().Before(d) {
			cerr = context.DeadlineExceeded
		}
	}
	if cerr == nil || errors.Is(err, cerr) {
		return err
	}
	return fmt.Errorf("http: %w (%w)", cerr, err)
}
