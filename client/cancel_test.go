package client

import (
	"context"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/testutil"
)

// hangingDialer blocks its first dial until the context ends, as a dial
// to an unresponsive host does, and hands the later ones to next.
type hangingDialer struct {
	mu    sync.Mutex
	dials int
	next  *testutil.FakeDialer
}

func (d *hangingDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	d.mu.Lock()
	d.dials++
	first := d.dials == 1
	d.mu.Unlock()
	if !first {
		return d.next.DialContext(ctx, network, address)
	}
	<-ctx.Done()
	return nil, &net.OpError{Op: "dial", Net: network, Err: ctx.Err()}
}

// cancelCase is a call that blocks on the network, how the blocking
// ends, and what the call must return then.
type cancelCase struct {
	name string
	// reply is the first socket's script; the second dial reads
	// replyRedial.
	reply testutil.FakeReply
	// hang, if set, replaces the first dial by one that blocks.
	hang bool
	opts []Option
	// block runs the call that blocks, with ctx; it returns the error.
	block func(t *testing.T, c *Conn, ctx context.Context) error
	// end ends the blocking: cancel the context, let the fake clock
	// reach a deadline, or close the Conn.
	end func(c *Conn, cancel context.CancelFunc)
	// err and errAlso are what block must return.
	err     error
	errAlso []error
	// elapsed, if set, is the fake time the call must have taken; the
	// context then has a deadline of 5s unless WithTimeout is used.
	elapsed time.Duration
	// state is the state the Conn must be in afterwards.
	state string
}

func cancelIt(_ *Conn, cancel context.CancelFunc) { cancel() }
func closeIt(c *Conn, _ context.CancelFunc)       { c.Close() }
func waitIt(*Conn, context.CancelFunc)            {}

func blockRequest(t *testing.T, c *Conn, ctx context.Context) error {
	return c.Request(ctx, "PUT", "/", "body", nil)
}

func blockGetResponse(t *testing.T, c *Conn, ctx context.Context) error {
	if err := c.Request(context.Background(), "GET", "/", nil, nil); err != nil {
		t.Errorf("Request: %v", err)
		return nil
	}
	r, err := c.GetResponse(ctx)
	if r != nil && err != nil {
		t.Errorf("GetResponse returned a response with error %v", err)
	}
	return err
}

// blockBody reads a response whose body stalls after "abc".
func blockBody(t *testing.T, c *Conn, ctx context.Context) error {
	if err := c.Request(context.Background(), "GET", "/", nil, nil); err != nil {
		t.Errorf("Request: %v", err)
		return nil
	}
	r, err := c.GetResponse(ctx)
	if err != nil {
		t.Errorf("GetResponse: %v", err)
		return nil
	}
	b, err := readBody(r, 512)
	if string(b) != "abc" {
		t.Errorf("body %q before the stall, want abc", b)
	}
	if !r.IsClosed() {
		t.Error("IsClosed false after a body error")
	}
	return err
}

// TestCancel covers cancellation and timeouts in every blocking phase
// (connect, send, GetResponse, body), Conn.Close from another goroutine,
// and WithTimeout. It runs under testing/synctest, so "blocked" and
// every duration are exact and nothing sleeps. After each case the Conn
// must be usable: the next request dials again and succeeds.
func TestCancel(t *testing.T) {
	stall := "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"
	hangRead := testutil.FakeReply{Hang: true}
	hangWrite := testutil.FakeReply{HangWrite: true}
	cases := []cancelCase{
		{
			name: "connect/cancel", hang: true, block: blockRequest, end: cancelIt,
			err: context.Canceled, state: "Idle",
		},
		{
			name: "connect/deadline", hang: true, block: blockRequest, end: waitIt,
			err: context.DeadlineExceeded, elapsed: 5 * time.Second, state: "Idle",
		},
		{
			name: "connect/with-timeout", hang: true, block: blockRequest, end: waitIt,
			opts: []Option{WithTimeout(2 * time.Second)},
			err:  context.DeadlineExceeded, elapsed: 2 * time.Second, state: "Idle",
		},
		{
			name: "send/cancel", reply: hangWrite, block: blockRequest, end: cancelIt,
			err: context.Canceled, errAlso: []error{os.ErrDeadlineExceeded}, state: "Idle",
		},
		{
			name: "send/deadline", reply: hangWrite, block: blockRequest, end: waitIt,
			err: context.DeadlineExceeded, elapsed: 5 * time.Second, state: "Idle",
		},
		{
			// A write error without a context error keeps Request-sent
			// (deviation 8).
			name: "send/with-timeout", reply: hangWrite, block: blockRequest, end: waitIt,
			opts: []Option{WithTimeout(2 * time.Second)},
			err:  os.ErrDeadlineExceeded, elapsed: 2 * time.Second, state: "Request-sent",
		},
		{
			name: "send/conn-close", reply: hangWrite, block: blockRequest, end: closeIt,
			err: net.ErrClosed, state: "Idle",
		},
		{
			name: "getresponse/cancel", reply: hangRead, block: blockGetResponse, end: cancelIt,
			err: context.Canceled, state: "Idle",
		},
		{
			name:  "getresponse/cancel-inside-head",
			reply: testutil.FakeReply{Data: "HTTP/1.1 200 OK\r\nX-A: 1\r\n", Hang: true},
			block: blockGetResponse, end: cancelIt,
			err: context.Canceled, state: "Idle",
		},
		{
			name: "getresponse/deadline", reply: hangRead, block: blockGetResponse, end: waitIt,
			err: context.DeadlineExceeded, elapsed: 5 * time.Second, state: "Idle",
		},
		{
			// L timeout case on a fake socket: Python raises TimeoutError
			// and stays in Request-sent; we close and go Idle (deviation 9).
			name: "getresponse/with-timeout", reply: hangRead, block: blockGetResponse, end: waitIt,
			opts: []Option{WithTimeout(2 * time.Second)},
			err:  os.ErrDeadlineExceeded, elapsed: 2 * time.Second, state: "Idle",
		},
		{
			name: "getresponse/conn-close", reply: hangRead, block: blockGetResponse, end: closeIt,
			err: net.ErrClosed, state: "Idle",
		},
		{
			name:  "body/cancel",
			reply: testutil.FakeReply{Data: stall, Hang: true}, block: blockBody, end: cancelIt,
			err:     &errors.IncompleteReadError{Expected: 7},
			errAlso: []error{context.Canceled, os.ErrDeadlineExceeded},
			state:   "Idle",
		},
		{
			name:  "body/deadline",
			reply: testutil.FakeReply{Data: stall, Hang: true}, block: blockBody, end: waitIt,
			err:     &errors.IncompleteReadError{Expected: 7},
			errAlso: []error{context.DeadlineExceeded},
			elapsed: 5 * time.Second, state: "Idle",
		},
		{
			name:  "body/with-timeout",
			reply: testutil.FakeReply{Data: stall, Hang: true}, block: blockBody, end: waitIt,
			opts:    []Option{WithTimeout(2 * time.Second)},
			err:     &errors.IncompleteReadError{Expected: 7},
			errAlso: []error{os.ErrDeadlineExceeded},
			elapsed: 2 * time.Second, state: "Idle",
		},
		{
			name:  "body/conn-close",
			reply: testutil.FakeReply{Data: stall, Hang: true}, block: blockBody, end: closeIt,
			err:     &errors.IncompleteReadError{Expected: 7},
			errAlso: []error{net.ErrClosed},
			state:   "Idle",
		},
		{
			name:  "body/chunked-cancel",
			reply: testutil.FakeReply{Data: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n", Hang: true},
			block: blockBody, end: cancelIt,
			err:     &errors.IncompleteReadError{Expected: -1},
			errAlso: []error{context.Canceled},
			state:   "Idle",
		},
		{
			name:  "body/until-close-cancel",
			reply: testutil.FakeReply{Data: "HTTP/1.0 200 OK\r\n\r\nabc", Hang: true},
			block: blockBody, end: cancelIt,
			err:     &errors.IncompleteReadError{Expected: -1},
			errAlso: []error{context.Canceled},
			state:   "Idle",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				fd := testutil.NewFakeDialerReplies(tc.reply, testutil.FakeReply{Data: replyRedial})
				opts := []Option{WithDialer(fd)}
				var hd *hangingDialer
				if tc.hang {
					hd = &hangingDialer{next: testutil.NewFakeDialer(replyRedial)}
					opts = []Option{WithDialer(hd)}
				}
				c, err := New("example.com", append(opts, tc.opts...)...)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				var ctx context.Context
				var cancel context.CancelFunc
				if tc.elapsed != 0 && tc.opts == nil {
					ctx, cancel = context.WithTimeout(context.Background(), 5*time.Second)
				} else {
					ctx, cancel = context.WithCancel(context.Background())
				}
				defer cancel()
				start := time.Now()
				done := make(chan error, 1)
				go func() { done <- tc.block(t, c, ctx) }()
				synctest.Wait()
				select {
				case err := <-done:
					t.Fatalf("the call did not block: %v", err)
				default:
				}
				tc.end(c, cancel)
				err = <-done
				elapsed := time.Since(start)
				assertErrMatches(t, "blocked call", err, tc.err, tc.errAlso...)
				if tc.elapsed != 0 && elapsed != tc.elapsed {
					t.Fatalf("took %v, want %v", elapsed, tc.elapsed)
				}
				if tc.elapsed == 0 && elapsed != 0 {
					t.Fatalf("took %v of fake time, want none", elapsed)
				}
				if got := c.state.String(); got != tc.state {
					t.Fatalf("state %s, want %s", got, tc.state)
				}
				if !tc.hang {
					if cs := fd.Conns(); len(cs) != 1 || cs[0].Closed() != (tc.state == "Idle") {
						t.Fatalf("first socket closed: %v, want %v", cs[0].Closed(), tc.state == "Idle")
					}
				}
				// The Conn is usable again: a new request dials.
				if tc.state == "Request-sent" {
					c.Close()
				}
				if err := c.Request(context.Background(), "GET", "/next", nil, nil); err != nil {
					t.Fatalf("next Request: %v", err)
				}
				r, err := c.GetResponse(context.Background())
				if err != nil {
					t.Fatalf("next GetResponse: %v", err)
				}
				if b, err := io.ReadAll(r); string(b) != "redial" || err != nil {
					t.Fatalf("next body %q, %v", b, err)
				}
			})
		})
	}
}

// TestCancelBeforeCall: a context that is already done fails the call
// before any I/O.
func TestCancelBeforeCall(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	t.Run("Request", func(t *testing.T) {
		d := testutil.NewFakeDialer(replyNext)
		c, err := New("example.com", WithDialer(d))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		err = c.Request(ctx, "GET", "/", nil, nil)
		assertErrMatches(t, "Request", err, context.Canceled)
		if len(d.Dials()) != 0 || c.state != stateIdle {
			t.Fatalf("dials %v, state %s", d.Dials(), c.state)
		}
	})
	t.Run("GetResponse", func(t *testing.T) {
		d := testutil.NewFakeDialer(replyNext)
		c, err := New("example.com", WithDialer(d))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := c.Request(context.Background(), "GET", "/", nil, nil); err != nil {
			t.Fatal(err)
		}
		r, err := c.GetResponse(ctx)
		assertErrMatches(t, "GetResponse", err, context.Canceled)
		if r != nil || c.state != stateIdle || !d.Conns()[0].Closed() {
			t.Fatalf("response %v, state %s, socket closed %v", r, c.state, d.Conns()[0].Closed())
		}
		if d.Conns()[0].Unread() != replyNext {
			t.Fatalf("GetResponse read %q from the socket", replyNext[:len(replyNext)-len(d.Conns()[0].Unread())])
		}
	})
}

// TestCancelAfterBodyBuffered: a cancellation that fires while the rest
// of the body is already buffered lets the body complete, and must not
// leave the kept-alive socket with a spoiled deadline for the next
// request.
func TestCancelAfterBodyBuffered(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		x := newFakeExchange(t, nil, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"+replyNext)
		if err := x.c.Request(context.Background(), "GET", "/", nil, nil); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		r, err := x.c.GetResponse(ctx)
		if err != nil {
			t.Fatal(err)
		}
		cancel()
		synctest.Wait() // the cancellation has spoiled the socket's deadline
		if b, err := readBody(r, 512); string(b) != "hello" || err != nil {
			t.Fatalf("body %q, %v", b, err)
		}
		x.checkNext(t, "next")
	})
}

// TestCancelAfterHeadRead: the same for a response without a body, whose
// guard ends inside GetResponse.
func TestCancelAfterHeadRead(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		x := newFakeExchange(t, nil, "HTTP/1.1 204 No Content\r\n\r\n"+replyNext)
		x.c.cfg.trace.GotFirstResponseByte = func() {
			// Cancel in the middle of reading the head: the head is
			// buffered, so the read completes anyway.
			cancel()
			synctest.Wait()
		}
		if err := x.c.Request(context.Background(), "GET", "/", nil, nil); err != nil {
			t.Fatal(err)
		}
		r, err := x.c.GetResponse(ctx)
		if err != nil {
			t.Fatalf("GetResponse with the head buffered: %v", err)
		}
		x.c.cfg.trace.GotFirstResponseByte = nil
		if b, err := readBody(r, 512); len(b) != 0 || err != nil {
			t.Fatalf("body %q, %v", b, err)
		}
		x.checkNext(t, "next")
	})
}

// TestCloseDuringGetResponseResult: a Close from another goroutine that
// lands after the response head was read still makes GetResponse fail,
// and then it must not also return the response (whose socket it must
// not leak).
func TestCloseDuringGetResponseResult(t *testing.T) {
	for _, reply := range []string{
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
		"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhello",
	} {
		t.Run(strings.SplitN(reply, "\r\n", 3)[1], func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				x := newFakeExchange(t, nil, reply, replyRedial)
				entered, release := make(chan struct{}), make(chan struct{})
				x.c.cfg.trace.GotFirstResponseByte = func() {
					close(entered)
					<-release
				}
				if err := x.c.Request(context.Background(), "GET", "/", nil, nil); err != nil {
					t.Fatal(err)
				}
				type result struct {
					r   *Response
					err error
				}
				done := make(chan result, 1)
				go func() {
					r, err := x.c.GetResponse(context.Background())
					done <- result{r, err}
				}()
				<-entered
				x.c.Close()
				close(release)
				res := <-done
				assertErrMatches(t, "GetResponse", res.err, net.ErrClosed)
				if res.r != nil {
					t.Fatalf("GetResponse returned a response with its error: %+v", res.r)
				}
				if !x.conn(t, 0).Closed() {
					t.Fatal("the socket was not closed")
				}
				x.c.cfg.trace.GotFirstResponseByte = nil
				x.checkNext(t, "redial")
			})
		})
	}
}

// TestCancelPipelinedSendKeepsPendingBody: a pipelined request whose send
// is cancelled drops the socket; the response still pending on it must
// never read the bytes of the socket dialled next.
func TestCancelPipelinedSendKeepsPendingBody(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		sends := 0
		tr := &Trace{Send: func([]byte) {
			sends++
			if sends == 2 {
				// The pipelined request: cancel it as it is written.
				cancel()
				synctest.Wait()
			}
		}}
		d := testutil.NewFakeDialer("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello", replyRedial)
		c, err := New("example.com", WithDialer(d), WithTrace(tr))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := c.Request(context.Background(), "GET", "/a", nil, nil); err != nil {
			t.Fatal(err)
		}
		r0, err := c.GetResponse(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		err = c.Request(ctx, "GET", "/b", nil, nil)
		assertErrMatches(t, "cancelled pipelined Request", err, context.Canceled)
		if err := c.Request(context.Background(), "GET", "/c", nil, nil); err != nil {
			t.Fatalf("Request after the cancelled one: %v", err)
		}
		b, err := readBody(r0, 512)
		if strings.Contains(string(b), "HTTP/1.1") || err == nil {
			t.Fatalf("the pending response read %q, %v: bytes of another socket, or no error for its cut body", b, err)
		}
	})
}
