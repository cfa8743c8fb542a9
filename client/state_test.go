package client

import (
	"bytes"
	"context"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"

	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/message"
	"github.com/httpstack/httpstack/testutil"
)

// stateEnv is the world a state-machine scenario acts on.
type stateEnv struct {
	t     *testing.T
	d     *testutil.FakeDialer
	c     *Conn
	resps []*Response
}

// stateOp is one call of a scenario, with the error it must return (see
// assertErrMatches) and, optionally, the connection state after it.
type stateOp struct {
	what  string
	do    func(e *stateEnv) error
	err   error
	state string // Python's state name after the call; "" skips the check
}

var bgCtx = context.Background()

func opPutRequest(method, target string, err error, state string) stateOp {
	return stateOp{"PutRequest " + method + " " + target, func(e *stateEnv) error { return e.c.PutRequest(method, target) }, err, state}
}

func opPutHeader(name, value string, err error, state string) stateOp {
	return stateOp{"PutHeader " + name, func(e *stateEnv) error { return e.c.PutHeader(name, value) }, err, state}
}

func opEndHeaders(body any, err error, state string) stateOp {
	return stateOp{"EndHeaders", func(e *stateEnv) error { return e.c.EndHeaders(bgCtx, body) }, err, state}
}

func opRequest(method, target string, body any, header message.Header, err error, state string) stateOp {
	return stateOp{"Request " + method + " " + target, func(e *stateEnv) error {
		return e.c.Request(bgCtx, method, target, body, header)
	}, err, state}
}

// opGetResponse calls GetResponse and, on success, keeps the response
// as e.resps[len(e.resps)].
func opGetResponse(err error, state string) stateOp {
	return stateOp{"GetResponse", func(e *stateEnv) error {
		r, err := e.c.GetResponse(bgCtx)
		if err == nil {
			e.resps = append(e.resps, r)
		} else if r != nil {
			e.t.Fatalf("GetResponse returned a response with error %v", err)
		}
		return err
	}, err, state}
}

// opReadAll reads response i to the end and checks the bytes.
func opReadAll(i int, want string, err error) stateOp {
	return stateOp{"read response body", func(e *stateEnv) error {
		b, rerr := readBody(e.resps[i], 512)
		if string(b) != want {
			e.t.Fatalf("response %d: body %q, want %q", i, b, want)
		}
		return rerr
	}, err, ""}
}

func opCloseResp(i int) stateOp {
	return stateOp{"Response.Close", func(e *stateEnv) error { return e.resps[i].Close() }, nil, ""}
}

func opClose(state string) stateOp {
	return stateOp{"Conn.Close", func(e *stateEnv) error { return e.c.Close() }, nil, state}
}

func opConnect() stateOp {
	return stateOp{"Connect", func(e *stateEnv) error { return e.c.Connect(bgCtx) }, nil, ""}
}

func opSend(data any) stateOp {
	return stateOp{"Send", func(e *stateEnv) error { return e.c.Send(bgCtx, data) }, nil, ""}
}

// opDials checks how many times the Conn has dialled so far.
func opDials(n int) stateOp {
	return stateOp{"dials", func(e *stateEnv) error {
		if got := len(e.d.Dials()); got != n {
			e.t.Fatalf("%d dials, want %d", got, n)
		}
		return nil
	}, nil, ""}
}

// opSocket checks whether the Conn holds a socket and whether socket i
// was closed.
func opSocket(held bool, i int, closed bool) stateOp {
	return stateOp{"socket", func(e *stateEnv) error {
		if got := e.c.conn() != nil; got != held {
			e.t.Fatalf("Conn holds a socket: %v, want %v", got, held)
		}
		cs := e.d.Conns()
		if len(cs) <= i {
			e.t.Fatalf("no socket %d", i)
		}
		if got := cs[i].Closed(); got != closed {
			e.t.Fatalf("socket %d closed: %v, want %v", i, got, closed)
		}
		return nil
	}, nil, ""}
}

// opCheck runs f for checks that fit no other op.
func opCheck(what string, f func(e *stateEnv)) stateOp {
	return stateOp{what, func(e *stateEnv) error { f(e); return nil }, nil, ""}
}

func notReady(state string) error {
	return &errors.StateError{Kind: errors.ErrResponseNotReady, State: state}
}

func cannotSendRequest(state string) error {
	return &errors.StateError{Kind: errors.ErrCannotSendRequest, State: state}
}

var cannotSendHeader error = &errors.StateError{Kind: errors.ErrCannotSendHeader}

// get is the head of "GET target" as Request sends it.
func getHead(target string) string {
	return "GET " + target + " HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\n\r\n"
}

// stateCase is one state-machine scenario (reference §2, C01–C16).
type stateCase struct {
	name    string
	replies []testutil.FakeReply
	ops     []stateOp
	// written is what each socket must have received, in dial order.
	written []string
}

func fakeReplies(data ...string) []testutil.FakeReply {
	out := make([]testutil.FakeReply, len(data))
	for i, d := range data {
		out[i] = testutil.FakeReply{Data: d}
	}
	return out
}

func runStateCases(t *testing.T, cases []stateCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := &stateEnv{t: t, d: testutil.NewFakeDialerReplies(tc.replies...)}
			c, err := New("example.com", WithDialer(e.d))
			if err != nil {
				t.Fatal(err)
			}
			e.c = c
			t.Cleanup(func() { c.Close() })
			for i, op := range tc.ops {
				err := op.do(e)
				what := op.what + " (op " + itoa(i) + ")"
				assertErrMatches(t, what, err, op.err)
				if op.state != "" && c.state.String() != op.state {
					t.Fatalf("%s: state %s, want %s", what, c.state, op.state)
				}
			}
			cs := e.d.Conns()
			if len(cs) != len(tc.written) {
				t.Fatalf("%d sockets dialled, want %d", len(cs), len(tc.written))
			}
			for i, want := range tc.written {
				if got := string(cs[i].Written()); got != want {
					t.Errorf("socket %d received:\n%s", i, testutil.ByteDiff([]byte(want), []byte(got)))
				}
			}
		})
	}
}

// TestStateMachine ports C01–C16 (C06–C10, C12 and C14 adapted to
// deviations 1, 9, 16 and 22).
func TestStateMachine(t *testing.T) {
	ok2 := func(body string) string {
		return "HTTP/1.1 200 OK\r\nContent-Length: " + itoa(len(body)) + "\r\n\r\n" + body
	}
	big := strings.Repeat("x", 100000)
	cases := []stateCase{
		{
			name: "C01/fresh-conn",
			ops: []stateOp{
				opGetResponse(notReady("Idle"), "Idle"),
				opPutHeader("X", "1", cannotSendHeader, "Idle"),
				opEndHeaders(nil, cannotSendHeader, "Idle"),
				opDials(0),
			},
		},
		{
			name: "C02/after-putrequest",
			ops: []stateOp{
				opPutRequest("GET", "/", nil, "Request-started"),
				opDials(0),
				opPutRequest("GET", "/", cannotSendRequest("Request-started"), "Request-started"),
				opGetResponse(notReady("Request-started"), "Request-started"),
				opPutHeader("X-A", "1", nil, "Request-started"),
				opEndHeaders(nil, nil, "Request-sent"),
				opDials(1),
			},
			written: []string{"GET / HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\nX-A: 1\r\n\r\n"},
		},
		{
			name:    "C03/after-endheaders",
			replies: fakeReplies(ok2("hi")),
			ops: []stateOp{
				opPutRequest("GET", "/", nil, "Request-started"),
				opEndHeaders(nil, nil, "Request-sent"),
				opPutHeader("X", "1", cannotSendHeader, "Request-sent"),
				opEndHeaders(nil, cannotSendHeader, "Request-sent"),
				opPutRequest("GET", "/b", cannotSendRequest("Request-sent"), "Request-sent"),
				opRequest("GET", "/b", nil, nil, cannotSendRequest("Request-sent"), "Request-sent"),
				opGetResponse(nil, "Idle"),
				opReadAll(0, "hi", nil),
			},
			written: []string{getHead("/")},
		},
		{
			name:    "C04/second-getresponse",
			replies: fakeReplies(ok2("hi")),
			ops: []stateOp{
				opRequest("GET", "/", nil, nil, nil, "Request-sent"),
				opGetResponse(nil, "Idle"),
				opGetResponse(notReady("Idle"), "Idle"),
				opReadAll(0, "hi", nil),
				opGetResponse(notReady("Idle"), "Idle"),
			},
			written: []string{getHead("/")},
		},
		{
			name:    "C05/pipelined-while-unread",
			replies: fakeReplies(ok2("aa") + ok2("bb")),
			ops: []stateOp{
				opRequest("GET", "/a", nil, nil, nil, "Request-sent"),
				opGetResponse(nil, "Idle"),
				opRequest("GET", "/b", nil, nil, nil, "Request-sent"),
				opGetResponse(notReady("Request-sent"), "Request-sent"),
				opReadAll(0, "aa", nil),
				opGetResponse(nil, "Idle"),
				opReadAll(1, "bb", nil),
				opDials(1),
			},
			written: []string{getHead("/a") + getHead("/b")},
		},
		{
			// Deviation 1: the failed request leaves nothing behind.
			name:    "C06/bad-method-leaves-idle",
			replies: fakeReplies(ok2("ok")),
			ops: []stateOp{
				opRequest("G ET", "/", nil, nil, errors.ErrInvalidMethod, "Idle"),
				opDials(0),
				opRequest("GET", "/ok", nil, nil, nil, "Request-sent"),
				opGetResponse(nil, "Idle"),
				opReadAll(0, "ok", nil),
			},
			written: []string{getHead("/ok")},
		},
		{
			name:    "C06/bad-url-leaves-idle",
			replies: fakeReplies(ok2("ok")),
			ops: []stateOp{
				opRequest("GET", "/a b", nil, nil, &errors.InvalidURLError{URL: "/a b"}, "Idle"),
				opRequest("GET", "/ok", nil, nil, nil, "Request-sent"),
			},
			written: []string{getHead("/ok")},
		},
		{
			name:    "C06/bad-header-value-leaves-idle",
			replies: fakeReplies(ok2("ok")),
			ops: []stateOp{
				opRequest("GET", "/first", nil, hdr("X", "bad\n"), &errors.HeaderError{Name: "X", Value: "bad\n"}, "Idle"),
				opRequest("GET", "/second", nil, nil, nil, "Request-sent"),
			},
			written: []string{getHead("/second")},
		},
		{
			name: "C06/bad-body-type-leaves-idle",
			ops: []stateOp{
				opRequest("POST", "/", 5, nil, errors.ErrInvalidBody, "Idle"),
				opDials(0),
				opPutRequest("GET", "/", nil, "Request-started"),
			},
		},
		{
			name:    "C06/putheader-bad-field-abandons",
			replies: fakeReplies(ok2("ok")),
			ops: []stateOp{
				opPutRequest("GET", "/first", nil, "Request-started"),
				opPutHeader("X", "a\r\nb", &errors.HeaderError{Name: "X", Value: "a\r\nb"}, "Idle"),
				opPutHeader("Y", "1", cannotSendHeader, "Idle"),
				opEndHeaders(nil, cannotSendHeader, "Idle"),
				opRequest("GET", "/second", nil, nil, nil, "Request-sent"),
			},
			written: []string{getHead("/second")},
		},
		{
			// Python sends the stale head of /first before /second.
			name:    "C07/close-clears-the-request-buffer",
			replies: fakeReplies(ok2("ok")),
			ops: []stateOp{
				opPutRequest("GET", "/first", nil, "Request-started"),
				opPutHeader("X", "1", nil, "Request-started"),
				opClose("Idle"),
				opRequest("GET", "/second", nil, nil, nil, "Request-sent"),
			},
			written: []string{getHead("/second")},
		},
		{
			// Deviation 9: a bad response closes the socket, Idle.
			name:    "C08/garbage-status-line-closes",
			replies: fakeReplies("garbage\r\n\r\n", ok2("ok")),
			ops: []stateOp{
				opRequest("GET", "/", nil, nil, nil, "Request-sent"),
				opGetResponse(errors.ErrBadStatusLine, "Idle"),
				opSocket(false, 0, true),
				opRequest("GET", "/again", nil, nil, nil, "Request-sent"),
				opGetResponse(nil, "Idle"),
				opReadAll(0, "ok", nil),
				opDials(2),
			},
			written: []string{getHead("/"), getHead("/again")},
		},
		{
			name:    "C09/unknown-protocol-closes",
			replies: fakeReplies("HTTP/2.0 200 OK\r\n\r\n", ok2("ok")),
			ops: []stateOp{
				opRequest("GET", "/", nil, nil, nil, "Request-sent"),
				opGetResponse(&errors.UnknownProtocolError{Version: "HTTP/2.0"}, "Idle"),
				opSocket(false, 0, true),
				opRequest("GET", "/again", nil, nil, nil, "Request-sent"),
				opGetResponse(nil, "Idle"),
				opReadAll(0, "ok", nil),
			},
			written: []string{getHead("/"), getHead("/again")},
		},
		{
			name:    "C09/line-too-long-closes",
			replies: fakeReplies("HTTP/1.1 200 OK\r\nX: "+strings.Repeat("v", 70000)+"\r\n\r\n", ok2("ok")),
			ops: []stateOp{
				opRequest("GET", "/", nil, nil, nil, "Request-sent"),
				opGetResponse(&errors.LineTooLongError{LineType: "header line", Limit: 65536}, "Idle"),
				opSocket(false, 0, true),
				opRequest("GET", "/again", nil, nil, nil, "Request-sent"),
				opGetResponse(nil, "Idle"),
			},
			written: []string{getHead("/"), getHead("/again")},
		},
		{
			name:    "C10/eof-remote-disconnected",
			replies: fakeReplies("", ok2("ok")),
			ops: []stateOp{
				opRequest("GET", "/", nil, nil, nil, "Request-sent"),
				opGetResponse(errors.ErrRemoteDisconnected, "Idle"),
				opSocket(false, 0, true),
				opRequest("GET", "/again", nil, nil, nil, "Request-sent"),
				opGetResponse(nil, "Idle"),
				opReadAll(0, "ok", nil),
			},
			written: []string{getHead("/"), getHead("/again")},
		},
		{
			name:    "C11/connection-close-hands-over-the-socket",
			replies: fakeReplies("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nhi", ok2("ok")),
			ops: []stateOp{
				opRequest("GET", "/", nil, nil, nil, "Request-sent"),
				opGetResponse(nil, "Idle"),
				opCheck("no socket, nothing pending", func(e *stateEnv) {
					if e.c.conn() != nil || e.c.pending != nil {
						e.t.Fatalf("after a closing response: socket %v pending %v", e.c.conn(), e.c.pending)
					}
					if e.d.Conns()[0].Closed() {
						e.t.Fatal("the response's socket closed before its body was read")
					}
				}),
				opReadAll(0, "hi", nil),
				opSocket(false, 0, true),
				opRequest("GET", "/again", nil, nil, nil, "Request-sent"),
				opGetResponse(nil, "Idle"),
				opDials(2),
			},
			written: []string{getHead("/"), getHead("/again")},
		},
		{
			// Deviation 22: Close detaches the pending response, whose
			// reads then fail rather than return a short body.
			name:    "C12/close-with-pending-response",
			replies: fakeReplies(ok2("hello"), ok2("ok")),
			ops: []stateOp{
				opRequest("GET", "/", nil, nil, nil, "Request-sent"),
				opGetResponse(nil, "Idle"),
				opClose("Idle"),
				opCheck("pending forgotten", func(e *stateEnv) {
					if e.c.pending != nil || e.c.conn() != nil {
						e.t.Fatal("Close left a pending response or a socket")
					}
				}),
				opSocket(false, 0, true),
				opReadAll(0, "", net.ErrClosed),
				opCheck("WriteTo after Close", func(e *stateEnv) {
					var buf bytes.Buffer
					n, err := e.resps[0].WriteTo(&buf)
					if n != 0 || !errors.Is(err, net.ErrClosed) {
						e.t.Fatalf("WriteTo = %d, %v; want 0 and net.ErrClosed", n, err)
					}
				}),
				opRequest("GET", "/again", nil, nil, nil, "Request-sent"),
				opGetResponse(nil, "Idle"),
				opReadAll(1, "ok", nil),
			},
			written: []string{getHead("/"), getHead("/again")},
		},
		{
			// The read buffer passes to the next socket: closing the
			// detached response later must not touch it.
			name:    "C12/close-detached-response-after-redial",
			replies: fakeReplies(ok2("hello"), ok2("0123456789")),
			ops: []stateOp{
				opRequest("GET", "/", nil, nil, nil, "Request-sent"),
				opGetResponse(nil, "Idle"),
				opClose("Idle"),
				opRequest("GET", "/again", nil, nil, nil, "Request-sent"),
				opGetResponse(nil, "Idle"),
				opCloseResp(0),
				opReadAll(1, "0123456789", nil),
				opSocket(true, 1, false),
			},
			written: []string{getHead("/"), getHead("/again")},
		},
		{
			// Python: the closed pending response reads b''; with no
			// body there is nothing cut short, so Read reports EOF.
			name:    "C12/close-with-pending-head-response",
			replies: fakeReplies("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", ok2("ok")),
			ops: []stateOp{
				opRequest("HEAD", "/", nil, nil, nil, "Request-sent"),
				opGetResponse(nil, "Idle"),
				opClose("Idle"),
				opReadAll(0, "", nil),
				opRequest("GET", "/again", nil, nil, nil, "Request-sent"),
				opGetResponse(nil, "Idle"),
				opReadAll(1, "ok", nil),
			},
			written: []string{"HEAD / HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\n\r\n", getHead("/again")},
		},
		{
			// As in Python, a response that took the socket is not the
			// Conn's any more: closing the Conn leaves it readable.
			name:    "C12/close-leaves-closing-response-readable",
			replies: fakeReplies("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhello", ok2("ok")),
			ops: []stateOp{
				opRequest("GET", "/", nil, nil, nil, "Request-sent"),
				opGetResponse(nil, "Idle"),
				opClose("Idle"),
				opSocket(false, 0, false),
				opReadAll(0, "hello", nil),
				opSocket(false, 0, true),
			},
			written: []string{getHead("/")},
		},
		{
			name:    "C13/unread-head-blocks-next-response",
			replies: fakeReplies("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n" + ok2("ok")),
			ops: []stateOp{
				opRequest("HEAD", "/", nil, nil, nil, "Request-sent"),
				opGetResponse(nil, "Idle"),
				opRequest("GET", "/b", nil, nil, nil, "Request-sent"),
				opGetResponse(notReady("Request-sent"), "Request-sent"),
				opReadAll(0, "", nil),
				opGetResponse(nil, "Idle"),
				opReadAll(1, "ok", nil),
			},
			written: []string{"HEAD / HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\n\r\n" + getHead("/b")},
		},
		{
			name:    "C13/unread-204-blocks-next-response",
			replies: fakeReplies("HTTP/1.1 204 No Content\r\n\r\n" + ok2("ok")),
			ops: []stateOp{
				opRequest("GET", "/a", nil, nil, nil, "Request-sent"),
				opGetResponse(nil, "Idle"),
				opRequest("GET", "/b", nil, nil, nil, "Request-sent"),
				opGetResponse(notReady("Request-sent"), "Request-sent"),
				opCloseResp(0),
				opGetResponse(nil, "Idle"),
				opReadAll(1, "ok", nil),
			},
			written: []string{getHead("/a") + getHead("/b")},
		},
		{
			name:    "C13/unread-content-length-0-blocks-next-response",
			replies: fakeReplies(ok2("") + ok2("ok")),
			ops: []stateOp{
				opRequest("GET", "/a", nil, nil, nil, "Request-sent"),
				opGetResponse(nil, "Idle"),
				opRequest("GET", "/b", nil, nil, nil, "Request-sent"),
				opGetResponse(notReady("Request-sent"), "Request-sent"),
				opReadAll(0, "", nil),
				opGetResponse(nil, "Idle"),
			},
			written: []string{getHead("/a") + getHead("/b")},
		},
		{
			// Deviation 16: Python parses "hiHTTP/1.1 200 OK" as the
			// next status line; a buffered rest is discarded instead.
			name:    "C14/close-unread-buffered-body-then-request",
			replies: fakeReplies(ok2("hi") + ok2("ok")),
			ops: []stateOp{
				opRequest("GET", "/a", nil, nil, nil, "Request-sent"),
				opGetResponse(nil, "Idle"),
				opCloseResp(0),
				opRequest("GET", "/b", nil, nil, nil, "Request-sent"),
				opGetResponse(nil, "Idle"),
				opReadAll(1, "ok", nil),
				opDials(1),
			},
			written: []string{getHead("/a") + getHead("/b")},
		},
		{
			name:    "C14/close-unread-buffered-body-pipelined",
			replies: fakeReplies(ok2("hi") + ok2("ok")),
			ops: []stateOp{
				opRequest("GET", "/a", nil, nil, nil, "Request-sent"),
				opGetResponse(nil, "Idle"),
				opRequest("GET", "/b", nil, nil, nil, "Request-sent"),
				opCloseResp(0),
				opGetResponse(nil, "Idle"),
				opReadAll(1, "ok", nil),
				opDials(1),
			},
			written: []string{getHead("/a") + getHead("/b")},
		},
		{
			// The unread rest is not buffered: the socket closes, the
			// pipelined request is lost and the next one redials.
			name:    "C14/close-unread-large-body-pipelined",
			replies: fakeReplies(ok2(big)+ok2("lost"), ok2("ok")),
			ops: []stateOp{
				opRequest("GET", "/a", nil, nil, nil, "Request-sent"),
				opGetResponse(nil, "Idle"),
				opRequest("GET", "/b", nil, nil, nil, "Request-sent"),
				opCloseResp(0),
				opSocket(false, 0, true),
				opGetResponse(errors.ErrNotConnected, "Idle"),
				opSocket(false, 0, true),
				opRequest("GET", "/c", nil, nil, nil, "Request-sent"),
				opGetResponse(nil, "Idle"),
				opReadAll(1, "ok", nil),
				opDials(2),
			},
			written: []string{getHead("/a") + getHead("/b"), getHead("/c")},
		},
		{
			name:    "C14/close-unread-large-body-then-request",
			replies: fakeReplies(ok2(big), ok2("ok")),
			ops: []stateOp{
				opRequest("GET", "/a", nil, nil, nil, "Request-sent"),
				opGetResponse(nil, "Idle"),
				opCloseResp(0),
				opRequest("GET", "/b", nil, nil, nil, "Request-sent"),
				opGetResponse(nil, "Idle"),
				opReadAll(1, "ok", nil),
				opDials(2),
			},
			written: []string{getHead("/a"), getHead("/b")},
		},
		{
			// Python: an early 401 can be read after a failed send.
			name: "C16/write-error-then-early-401",
			replies: []testutil.FakeReply{{
				Data:           "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic\r\nContent-Length: 0\r\n\r\n",
				FailWriteAfter: len("PUT / HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\nContent-Length: 20000\r\n\r\n"),
			}},
			ops: []stateOp{
				opRequest("PUT", "/", strings.Repeat("b", 20000), nil, syscall.EPIPE, "Request-sent"),
				opGetResponse(nil, "Idle"),
				opCheck("the 401", func(e *stateEnv) {
					r := e.resps[0]
					if r.Status != 401 || r.GetHeader("www-authenticate", "") != "Basic" {
						e.t.Fatalf("got %d %v", r.Status, r.Header)
					}
				}),
			},
			written: []string{"PUT / HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\nContent-Length: 20000\r\n\r\n"},
		},
		{
			// Python's send works in any state and connects if needed.
			name:    "C16/send-in-any-state",
			replies: fakeReplies(ok2("ok")),
			ops: []stateOp{
				opSend("raw"),
				opDials(1),
				opPutRequest("GET", "/", nil, "Request-started"),
				opSend([]byte("more")),
				opEndHeaders(nil, nil, "Request-sent"),
				opGetResponse(nil, "Idle"),
			},
			written: []string{"rawmore" + getHead("/")},
		},
		{
			// Deviation 22: Connect on an open connection does nothing.
			name:    "C16/connect-twice-dials-once",
			replies: fakeReplies(ok2("ok")),
			ops: []stateOp{
				opConnect(),
				opConnect(),
				opDials(1),
				opRequest("GET", "/", nil, nil, nil, "Request-sent"),
				opGetResponse(nil, "Idle"),
				opDials(1),
			},
			written: []string{getHead("/")},
		},
	}
	runStateCases(t, cases)
}

// TestPoisonedConnRedials: after a body error the socket is closed, and
// the next request must dial again (deviations 15 and 16) rather than
// write on the closed socket the Conn used to hold.
func TestPoisonedConnRedials(t *testing.T) {
	cases := []struct {
		name  string
		reply string
	}{
		{"R46/incomplete-content-length", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nHello"},
		{"R32/invalid-chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\nzz\r\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			x := newFakeExchange(t, nil, tc.reply, replyRedial)
			r, err := x.roundTrip(t, "GET", "/")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.ReadAll(r); err == nil {
				t.Fatal("no body error")
			}
			x.checkNext(t, "redial")
		})
	}
}
