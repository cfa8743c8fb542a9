package client

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/message"
	"github.com/httpstack/httpstack/status"
	"github.com/httpstack/httpstack/testutil"
	"github.com/httpstack/httpstack/wire"
)

// The replies of the Python-FakeSocket style tests. A row whose first
// reply is followed by replyNext on the same socket expects the next
// exchange to read "next" without dialling; a row whose response closes
// the connection expects the next exchange to dial and read "redial".
const (
	replyNext   = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext"
	replyRedial = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nredial"
)

// assertErrMatches fails t unless err is what want describes:
//   - nil: no error;
//   - a typed error of package errors: errors.As finds one of that type
//     whose data fields are equal (Reason and Detail, which are prose,
//     need only be non-empty);
//   - anything else: a sentinel that errors.Is must find.
//
// err must also match every error in also with errors.Is.
func assertErrMatches(t *testing.T, what string, err, want error, also ...error) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("%s: unexpected error %v", what, err)
		}
		return
	}
	if err == nil {
		t.Fatalf("%s: got no error, want %v", what, want)
	}
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("%s: error %q (%T): %s", what, err, err, fmt.Sprintf(format, args...))
	}
	switch w := want.(type) {
	case *errors.BadStatusLineError:
		var g *errors.BadStatusLineError
		if !errors.As(err, &g) {
			fail("no *BadStatusLineError")
		}
		if g.Line != w.Line || g.Reason == "" {
			fail("got Line %q Reason %q, want Line %q", g.Line, g.Reason, w.Line)
		}
	case *errors.UnknownProtocolError:
		var g *errors.UnknownProtocolError
		if !errors.As(err, &g) || g.Version != w.Version {
			fail("want *UnknownProtocolError{Version: %q}", w.Version)
		}
	case *errors.LineTooLongError:
		var g *errors.LineTooLongError
		if !errors.As(err, &g) || *g != *w {
			fail("want %+v", *w)
		}
	case *errors.HeaderError:
		var g *errors.HeaderError
		if !errors.As(err, &g) {
			fail("no *HeaderError")
		}
		if g.Name != w.Name || g.Value != w.Value || g.Remote != w.Remote || g.Reason == "" {
			fail("got %+v, want Name %q Value %q Remote %v", *g, w.Name, w.Value, w.Remote)
		}
	case *errors.StateError:
		var g *errors.StateError
		if !errors.As(err, &g) || g.Kind != w.Kind || g.State != w.State {
			fail("want StateError{Kind: %v, State: %q}", w.Kind, w.State)
		}
	case *errors.IncompleteReadError:
		var g *errors.IncompleteReadError
		if !errors.As(err, &g) {
			fail("no *IncompleteReadError")
		}
		if !bytes.Equal(g.Partial, w.Partial) || g.Expected != w.Expected {
			fail("got Partial %q Expected %d, want Partial %q Expected %d", g.Partial, g.Expected, w.Partial, w.Expected)
		}
		if w.Err != nil && !errors.Is(g.Err, w.Err) {
			fail("cause %v, want %v", g.Err, w.Err)
		}
	case *errors.ProtocolError:
		var g *errors.ProtocolError
		if !errors.As(err, &g) || g.Kind != w.Kind || g.Detail == "" {
			fail("want ProtocolError{Kind: %v} with a detail", w.Kind)
		}
	case *errors.InvalidURLError:
		var g *errors.InvalidURLError
		if !errors.As(err, &g) || g.URL != w.URL || g.Reason == "" {
			fail("want InvalidURLError{URL: %q}", w.URL)
		}
	default:
		if !errors.Is(err, want) {
			fail("does not match %v", want)
		}
	}
	for _, a := range also {
		if !errors.Is(err, a) {
			fail("does not match %v", a)
		}
	}
}

// readBody reads r to the end with Reads of size bytes, as a loop over
// Python's readinto would, and returns the bytes and the error that
// ended it (nil for io.EOF).
func readBody(r io.Reader, size int) ([]byte, error) {
	var out []byte
	buf := make([]byte, size)
	for i := 0; i < 1<<20; i++ {
		n, err := r.Read(buf)
		out = append(out, buf[:n]...)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
	}
	return out, errors.New("readBody: no end after 1<<20 reads")
}

// interimResp is one 1xx response seen by Trace.Got1xxResponse.
type interimResp struct {
	Code   int
	Header message.Header
}

// fakeExchange is a Conn over a FakeDialer whose trace records the
// interim responses.
type fakeExchange struct {
	d       *testutil.FakeDialer
	c       *Conn
	interim []interimResp
}

// newFakeExchange returns a Conn to example.com whose n-th dial reads
// replies[n].
func newFakeExchange(t *testing.T, lim *wire.Limits, replies ...string) *fakeExchange {
	t.Helper()
	x := &fakeExchange{d: testutil.NewFakeDialer(replies...)}
	tr := &Trace{Got1xxResponse: func(code int, h message.Header) {
		x.interim = append(x.interim, interimResp{code, h})
	}}
	opts := []Option{WithDialer(x.d), WithTrace(tr)}
	if lim != nil {
		opts = append(opts, WithLimits(lim))
	}
	c, err := New("example.com", opts...)
	if err != nil {
		t.Fatal(err)
	}
	x.c = c
	t.Cleanup(func() { c.Close() })
	return x
}

// roundTrip sends method target and returns GetResponse's result.
func (x *fakeExchange) roundTrip(t *testing.T, method, target string) (*Response, error) {
	t.Helper()
	ctx := context.Background()
	if err := x.c.Request(ctx, method, target, nil, nil); err != nil {
		t.Fatalf("Request(%s %s): %v", method, target, err)
	}
	return x.c.GetResponse(ctx)
}

// conn returns the n-th socket dialled.
func (x *fakeExchange) conn(t *testing.T, n int) *testutil.FakeConn {
	t.Helper()
	cs := x.d.Conns()
	if len(cs) <= n {
		t.Fatalf("only %d conns dialled, want conn %d", len(cs), n)
	}
	return cs[n]
}

// checkNext runs a second GET on x and checks that it reads body "next"
// on the first socket (want "next") or "redial" on a new one (want
// "redial").
func (x *fakeExchange) checkNext(t *testing.T, want string) {
	t.Helper()
	r, err := x.roundTrip(t, "GET", "/next")
	if err != nil {
		t.Fatalf("next exchange: %v", err)
	}
	b, err := readBody(r, 512)
	if err != nil || string(b) != want {
		t.Fatalf("next exchange: body %q, %v; want %q", b, err, want)
	}
	dials := 1
	if want == "redial" {
		dials = 2
	}
	if got := len(x.d.Dials()); got != dials {
		t.Fatalf("next exchange: %d dials, want %d", got, dials)
	}
	if got := x.conn(t, 0).Closed(); got != (want == "redial") {
		t.Fatalf("first socket closed = %v after the next exchange", got)
	}
}

// respCase is one response scenario of reference §7: the bytes the
// server sends to one request and all that can be observed of the
// response.
type respCase struct {
	name   string
	method string // "" means GET
	reply  string
	limits *wire.Limits

	// err is the error GetResponse must return (see assertErrMatches),
	// which also must match errAlso. After it the Conn must have closed
	// its socket and be Idle: the next request dials again.
	err     error
	errAlso []error

	status  status.Code
	reason  string
	version int
	header  message.Header
	interim []interimResp // what Trace.Got1xxResponse saw
	body    string        // read with 512-byte Reads
	bodyErr error         // the error that ends the body; nil means io.EOF
	trailer message.Header

	// next is what the next exchange reads: "next" on the same socket,
	// "redial" on a new one (always, after a body error), "" to skip.
	next string
	// nextErr, if set, is the error of the next GetResponse on the same
	// socket: the bytes the first response left unread.
	nextErr error
}

func runRespCases(t *testing.T, cases []respCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = "GET"
			}
			x := newFakeExchange(t, tc.limits, tc.reply, replyRedial)
			r, err := x.roundTrip(t, method, "/r")
			if tc.err != nil {
				assertErrMatches(t, "GetResponse", err, tc.err, tc.errAlso...)
				if r != nil {
					t.Fatalf("GetResponse returned a response with its error: %+v", r)
				}
				if !x.conn(t, 0).Closed() {
					t.Fatal("the socket is still open after a GetResponse error")
				}
				x.checkNext(t, "redial")
				return
			}
			if err != nil {
				t.Fatalf("GetResponse: %v", err)
			}
			if r.Status != tc.status || r.Reason != tc.reason || r.Version != tc.version {
				t.Fatalf("got %d %q version %d, want %d %q version %d", r.Status, r.Reason, r.Version, tc.status, tc.reason, tc.version)
			}
			if diff := cmp.Diff(tc.header, r.Header); diff != "" {
				t.Fatalf("Header (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.interim, x.interim); diff != "" {
				t.Fatalf("interim responses (-want +got):\n%s", diff)
			}
			if r.IsClosed() {
				t.Fatal("IsClosed before the body was read")
			}
			b, err := readBody(r, 512)
			if string(b) != tc.body {
				t.Fatalf("body %q, want %q", b, tc.body)
			}
			assertErrMatches(t, "reading the body", err, tc.bodyErr)
			if diff := cmp.Diff(tc.trailer, r.Trailer); diff != "" {
				t.Fatalf("Trailer (-want +got):\n%s", diff)
			}
			if !r.IsClosed() || r.Closed() {
				t.Fatalf("after the body: IsClosed %v Closed %v, want true false", r.IsClosed(), r.Closed())
			}
			if tc.bodyErr != nil {
				// The body failed: the socket can't be trusted any more.
				if !x.conn(t, 0).Closed() {
					t.Fatal("the socket is still open after a body error")
				}
				if n, err := r.Read(make([]byte, 8)); n != 0 || err == nil || err == io.EOF {
					t.Fatalf("Read after a body error: %d, %v; want the error again", n, err)
				}
				x.checkNext(t, "redial")
				return
			}
			switch {
			case tc.nextErr != nil:
				_, err := x.roundTrip(t, "GET", "/next")
				assertErrMatches(t, "next GetResponse", err, tc.nextErr)
				if got := len(x.d.Dials()); got != 1 {
					t.Fatalf("%d dials, want 1", got)
				}
			case tc.next != "":
				x.checkNext(t, tc.next)
			}
		})
	}
}

// h builds a Header from name, value pairs.
func hdr(kv ...string) message.Header {
	out := message.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, message.Field{Name: kv[i], Value: kv[i+1]})
	}
	return out
}

func badLine(line string) error { return &errors.BadStatusLineError{Line: line} }

// TestResponseStatusLine ports R01–R16: the status line and version.
func TestResponseStatusLine(t *testing.T) {
	long := func(n int) string {
		// A status line of n bytes including CRLF.
		prefix := "HTTP/1.1 200 "
		return prefix + strings.Repeat("a", n-len(prefix)-2) + "\r\n"
	}
	cases := []respCase{
		{
			name:   "R01/basic",
			reply:  "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello" + replyNext,
			status: 200, reason: "OK", version: 11,
			header: hdr("Content-Length", "5"), body: "hello", next: "next",
		},
		{
			name:   "R02/lf-only",
			reply:  "HTTP/1.1 200 OK\nContent-Length: 5\n\nhello" + replyNext,
			status: 200, reason: "OK", version: 11,
			header: hdr("Content-Length", "5"), body: "hello", next: "next",
		},
		{
			name:   "R03/no-reason",
			reply:  "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n" + replyNext,
			status: 200, reason: "", version: 11,
			header: hdr("Content-Length", "0"), next: "next",
		},
		{
			name:   "R03/no-reason-with-space",
			reply:  "HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n" + replyNext,
			status: 200, reason: "", version: 11,
			header: hdr("Content-Length", "0"), next: "next",
		},
		{
			name:   "R04/reason-inner-spacing-kept",
			reply:  "HTTP/1.1 404 Not  Found  \r\nContent-Length: 0\r\n\r\n" + replyNext,
			status: 404, reason: "Not  Found", version: 11,
			header: hdr("Content-Length", "0"), next: "next",
		},
		{
			name:   "R04/latin1-reason-bytes-kept",
			reply:  "HTTP/1.1 200 \xe9t\xe9\r\nContent-Length: 0\r\n\r\n" + replyNext,
			status: 200, reason: "\xe9t\xe9", version: 11,
			header: hdr("Content-Length", "0"), next: "next",
		},
		{
			// Deviation 10: Python splits on any whitespace.
			name:  "R05/leading-whitespace-rejected",
			reply: "  HTTP/1.1 200 OK\r\n\r\n",
			err:   badLine("  HTTP/1.1 200 OK"),
		},
		{
			name:  "R05/tab-separators-rejected",
			reply: "HTTP/1.1\t200\tOK\r\n\r\n",
			err:   badLine("HTTP/1.1\t200\tOK"),
		},
		{
			name:   "R06/http10-until-close",
			reply:  "HTTP/1.0 200 OK\r\n\r\nbody-until-close",
			status: 200, reason: "OK", version: 10,
			header: hdr(), body: "body-until-close", next: "redial",
		},
		{
			// Deviation 10: HTTP/0.9 is not a version we speak.
			name:  "R07/http09-unknown-protocol",
			reply: "HTTP/0.9 200 OK\r\n\r\n",
			err:   &errors.UnknownProtocolError{Version: "HTTP/0.9"},
		},
		{
			name:   "R08/http12-is-11",
			reply:  "HTTP/1.2 200 OK\r\nContent-Length: 1\r\n\r\nx" + replyNext,
			status: 200, reason: "OK", version: 11,
			header: hdr("Content-Length", "1"), body: "x", next: "next",
		},
		{
			name:  "R08/http1-dot-unknown",
			reply: "HTTP/1. 200 OK\r\n\r\n",
			err:   &errors.UnknownProtocolError{Version: "HTTP/1."},
		},
		{
			name:  "R08/http110-unknown",
			reply: "HTTP/1.10 200 OK\r\n\r\n",
			err:   &errors.UnknownProtocolError{Version: "HTTP/1.10"},
		},
		{
			name:  "R09/http20-unknown",
			reply: "HTTP/2.0 200 OK\r\n\r\n",
			err:   &errors.UnknownProtocolError{Version: "HTTP/2.0"},
		},
		{
			name:  "R09/http2-unknown",
			reply: "HTTP/2 200 OK\r\n\r\n",
			err:   &errors.UnknownProtocolError{Version: "HTTP/2"},
		},
		{
			name:  "R09/http-slash-unknown",
			reply: "HTTP/ 200 OK\r\n\r\n",
			err:   &errors.UnknownProtocolError{Version: "HTTP/"},
		},
		{
			name:  "R10/lowercase-http",
			reply: "http/1.1 200 OK\r\n\r\n",
			err:   badLine("http/1.1 200 OK"),
		},
		{
			name:  "R10/icy",
			reply: "ICY 200 OK\r\n\r\n",
			err:   badLine("ICY 200 OK"),
		},
		{
			name:  "R10/empty-line",
			reply: "\r\nHTTP/1.1 200 OK\r\n\r\n",
			err:   badLine(""),
		},
		{
			name:  "R11/http09-body",
			reply: "<html>hello</html>\r\n",
			err:   badLine("<html>hello</html>"),
		},
		{
			name:    "R12/empty-input-remote-disconnected",
			reply:   "",
			err:     errors.ErrRemoteDisconnected,
			errAlso: []error{errors.ErrBadStatusLine, syscall.ECONNRESET, errors.ErrHTTP},
		},
		{
			// Deviation 9: a status line cut by EOF is a disconnect.
			name:    "R12/partial-status-line",
			reply:   "HTTP/1.1 200 Ok",
			err:     errors.ErrRemoteDisconnected,
			errAlso: []error{errors.ErrBadStatusLine, syscall.ECONNRESET, io.ErrUnexpectedEOF},
		},
		{name: "R13/status-099", reply: "HTTP/1.1 099 X\r\n\r\n", err: badLine("HTTP/1.1 099 X")},
		{name: "R13/status-20", reply: "HTTP/1.1 20 X\r\n\r\n", err: badLine("HTTP/1.1 20 X")},
		{name: "R13/status-1000", reply: "HTTP/1.1 1000 X\r\n\r\n", err: badLine("HTTP/1.1 1000 X")},
		{name: "R13/status-minus-100", reply: "HTTP/1.1 -100 X\r\n\r\n", err: badLine("HTTP/1.1 -100 X")},
		{name: "R13/status-abc", reply: "HTTP/1.1 abc X\r\n\r\n", err: badLine("HTTP/1.1 abc X")},
		{name: "R13/status-400.100", reply: "HTTP/1.1 400.100 X\r\n\r\n", err: badLine("HTTP/1.1 400.100 X")},
		{name: "R13/status-100x", reply: "HTTP/1.1 100x\r\n\r\n", err: badLine("HTTP/1.1 100x")},
		{
			name:   "R13/status-999-accepted",
			reply:  "HTTP/1.1 999 Odd\r\nContent-Length: 0\r\n\r\n" + replyNext,
			status: 999, reason: "Odd", version: 11,
			header: hdr("Content-Length", "0"), next: "next",
		},
		// Deviation 10: Python's int() leniency is gone.
		{name: "R14/status-0200", reply: "HTTP/1.1 0200 OK\r\n\r\n", err: badLine("HTTP/1.1 0200 OK")},
		{name: "R14/status-plus-200", reply: "HTTP/1.1 +200 OK\r\n\r\n", err: badLine("HTTP/1.1 +200 OK")},
		{name: "R14/status-2_00", reply: "HTTP/1.1 2_00 OK\r\n\r\n", err: badLine("HTTP/1.1 2_00 OK")},
		{name: "R15/no-status-code", reply: "HTTP/1.1\r\n", err: badLine("HTTP/1.1")},
		{
			name:   "R16/status-line-65536-accepted",
			reply:  long(65536) + "Content-Length: 0\r\n\r\n" + replyNext,
			status: 200, reason: strings.Repeat("a", 65536-len("HTTP/1.1 200 ")-2), version: 11,
			header: hdr("Content-Length", "0"), next: "next",
		},
		{
			// A header line longer than the read buffer keeps the body
			// and what follows in place.
			name:   "R66/header-line-longer-than-read-buffer",
			reply:  "HTTP/1.1 200 OK\r\nX-Long: " + strings.Repeat("v", 20000) + "\r\nContent-Length: 2\r\n\r\nhi" + replyNext,
			status: 200, reason: "OK", version: 11,
			header: hdr("X-Long", strings.Repeat("v", 20000), "Content-Length", "2"), body: "hi", next: "next",
		},
		{
			name:  "R16/status-line-65537-too-long",
			reply: long(65537) + "\r\n",
			err:   &errors.LineTooLongError{LineType: "status line", Limit: 65536},
		},
	}
	runRespCases(t, cases)
}

// TestResponseInterim ports R17–R22 and C15: 1xx responses.
func TestResponseInterim(t *testing.T) {
	headerLines := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "X-%d: v\r\n", i)
		}
		return b.String()
	}
	continues := func(n int) string { return strings.Repeat("HTTP/1.1 100 Continue\r\n\r\n", n) }
	hundreds := func(n int) []interimResp {
		out := make([]interimResp, n)
		for i := range out {
			out[i] = interimResp{100, hdr()}
		}
		return out
	}
	final := "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi" + replyNext
	cases := []respCase{
		{
			name:   "R17/100-continue-skipped",
			reply:  "HTTP/1.1 100 Continue\r\nX-Skip: 1\r\n\r\n" + final,
			status: 200, reason: "OK", version: 11,
			header: hdr("Content-Length", "2"), body: "hi", next: "next",
			interim: []interimResp{{100, hdr("X-Skip", "1")}},
		},
		{
			// The wire limit counts field lines: 100 are fine (Python
			// counts the blank line too and allows 99).
			name:   "R18/100-with-100-header-lines",
			reply:  "HTTP/1.1 100 Continue\r\n" + headerLines(100) + "\r\n" + final,
			status: 200, reason: "OK", version: 11,
			header: hdr("Content-Length", "2"), body: "hi", next: "next",
			interim: func() []interimResp {
				var hh message.Header
				for i := range 100 {
					hh = append(hh, message.Field{Name: fmt.Sprintf("X-%d", i), Value: "v"})
				}
				return []interimResp{{100, hh}}
			}(),
		},
		{
			name:  "R18/100-with-101-header-lines",
			reply: "HTTP/1.1 100 Continue\r\n" + headerLines(101) + "\r\n" + final,
			err:   errors.ErrTooManyHeaders,
		},
		{
			name:  "R18/100-header-line-too-long",
			reply: "HTTP/1.1 100 Continue\r\nX: " + strings.Repeat("v", 65536) + "\r\n\r\n" + final,
			err:   &errors.LineTooLongError{LineType: "header line", Limit: 65536},
		},
		{
			name:    "R19/100-then-eof",
			reply:   "HTTP/1.1 100 Continue\r\n\r\n",
			err:     errors.ErrRemoteDisconnected,
			errAlso: []error{syscall.ECONNRESET},
		},
		{
			// Deviation 12 (Python returns the 103 and desyncs).
			name:   "R20+C15/103-early-hints-to-trace-200-returned",
			reply:  "HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n" + final,
			status: 200, reason: "OK", version: 11,
			header: hdr("Content-Length", "2"), body: "hi", next: "next",
			interim: []interimResp{{103, hdr("Link", "</s.css>")}},
		},
		{
			name:   "R20/102-processing-skipped",
			reply:  "HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: <a>\r\nLink: <b>\r\n\r\n" + final,
			status: 200, reason: "OK", version: 11,
			header: hdr("Content-Length", "2"), body: "hi", next: "next",
			interim: []interimResp{{102, hdr()}, {103, hdr("Link", "<a>", "Link", "<b>")}},
		},
		{
			// Deviation 12: 101 is final, has no body and the connection
			// closes after it.
			name:   "R21/101-switching-protocols",
			reply:  "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\nRAW",
			status: 101, reason: "Switching Protocols", version: 11,
			header: hdr("Upgrade", "x"), body: "", next: "redial",
		},
		{
			name:   "R22/100-interim-responses-accepted",
			reply:  continues(100) + final,
			status: 200, reason: "OK", version: 11,
			header: hdr("Content-Length", "2"), body: "hi", next: "next",
			interim: hundreds(100),
		},
		{
			// Deviation 12 / gh-150743: the run of 1xx is bounded.
			name:    "R22/101-interim-responses-refused",
			reply:   continues(101) + final,
			err:     errors.ErrTooManyInterim,
			errAlso: []error{errors.ErrTooManyHeaders},
		},
		{
			name:    "R22/interim-limit-from-options",
			reply:   continues(3) + final,
			limits:  &wire.Limits{MaxInterim: 2},
			err:     errors.ErrTooManyInterim,
			errAlso: []error{errors.ErrTooManyHeaders},
		},
	}
	runRespCases(t, cases)
}

// TestResponseZeroLength ports R23–R26: responses without a body.
func TestResponseZeroLength(t *testing.T) {
	cases := []respCase{
		{
			name:   "R23/204-content-length-leaves-bytes",
			reply:  "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello" + replyNext,
			status: 204, reason: "No Content", version: 11,
			header: hdr("Content-Length", "5"), body: "",
			nextErr: badLine("helloHTTP/1.1 200 OK"),
		},
		{
			name:   "R23/304-content-length-leaves-bytes",
			reply:  "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\nhello" + replyNext,
			status: 304, reason: "Not Modified", version: 11,
			header: hdr("Content-Length", "5"), body: "",
			nextErr: badLine("helloHTTP/1.1 200 OK"),
		},
		{
			name:   "R23/204-keeps-alive",
			reply:  "HTTP/1.1 204 No Content\r\n\r\n" + replyNext,
			status: 204, reason: "No Content", version: 11,
			header: hdr(), body: "", next: "next",
		},
		{
			name:   "R24/head-content-length",
			method: "HEAD",
			reply:  "HTTP/1.1 200 OK\r\nContent-Length: 14432\r\n\r\n" + replyNext,
			status: 200, reason: "OK", version: 11,
			header: hdr("Content-Length", "14432"), body: "", next: "next",
		},
		{
			name:   "R25/head-chunked-leaves-chunks",
			method: "HEAD",
			reply:  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" + replyNext,
			status: 200, reason: "OK", version: 11,
			header: hdr("Transfer-Encoding", "chunked"), body: "",
			nextErr: badLine("5"),
		},
		{
			// The method is compared exactly, as Python does.
			name:   "R26/lowercase-head-reads-body",
			method: "head",
			reply:  "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc" + replyNext,
			status: 200, reason: "OK", version: 11,
			header: hdr("Content-Length", "3"), body: "abc", next: "next",
		},
	}
	runRespCases(t, cases)
}

// TestResponseChunked ports R27–R42: chunked bodies (deviation 14:
// strict framing, trailers kept).
func TestResponseChunked(t *testing.T) {
	te := "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	teHeader := hdr("Transfer-Encoding", "chunked")
	ok := func(name, body, want string) respCase {
		return respCase{
			name: name, reply: te + body + replyNext,
			status: 200, reason: "OK", version: 11, header: teHeader,
			body: want, next: "next",
		}
	}
	bad := func(name, body, got string, err error) respCase {
		return respCase{
			name: name, reply: te + body,
			status: 200, reason: "OK", version: 11, header: teHeader,
			body: got, bodyErr: err,
		}
	}
	invalidChunk := &errors.ProtocolError{Kind: errors.ErrInvalidChunk}
	truncated := &errors.IncompleteReadError{Expected: -1, Err: io.ErrUnexpectedEOF}
	trailers := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "T-%d: v\r\n", i)
		}
		return b.String()
	}
	cases := []respCase{
		ok("R27/chunked-extra-left-unread", "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world"),
		{
			name:   "R27/chunked-extra-bytes-are-next-status-line",
			reply:  te + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\nEXTRA\r\n",
			status: 200, reason: "OK", version: 11, header: teHeader,
			body: "hello world", nextErr: badLine("EXTRA"),
		},
		ok("R28/extensions-discarded", "2;name=val\r\nhi\r\n3 ; x\r\nabc\r\n0;last\r\n\r\n", "hiabc"),
		ok("R28/quoted-extension", "2;a=\"q;\\\"x\"\r\nhi\r\n0\r\n\r\n", "hi"),
		{
			name:   "R29/trailers-kept",
			reply:  te + "2\r\nhi\r\n0\r\nX-T: 1\r\nY-T: 2\r\n\r\n" + replyNext,
			status: 200, reason: "OK", version: 11, header: teHeader,
			body: "hi", trailer: hdr("X-T", "1", "Y-T", "2"), next: "next",
		},
		// Deviation 14: Python accepts EOF right after the last chunk.
		bad("R30/last-chunk-without-final-crlf", "2\r\nhi\r\n0\r\n", "hi", truncated),
		bad("R31/last-chunk-missing", "2\r\nhi\r\n", "hi", truncated),
		bad("R31/eof-inside-chunk-data", "5\r\nhel", "hel", truncated),
		bad("R31/eof-inside-size-line", "2\r\nhi\r\n1", "hi", truncated),
		bad("R32/invalid-size", "2\r\nhi\r\nzz\r\n", "hi", invalidChunk),
		bad("R33/size-0x-prefix", "0x2\r\nhi\r\n0\r\n\r\n", "", invalidChunk),
		bad("R33/size-plus-sign", "+2\r\nhi\r\n0\r\n\r\n", "", invalidChunk),
		bad("R33/size-leading-spaces", "  2\r\nhi\r\n0\r\n\r\n", "", invalidChunk),
		bad("R33/size-trailing-spaces", "2  \r\nhi\r\n0\r\n\r\n", "", invalidChunk),
		bad("R33/size-underscore", "1_0\r\n0123456789abcdef\r\n0\r\n\r\n", "", invalidChunk),
		bad("R33/size-space-garbage", "2 x\r\nhi\r\n0\r\n\r\n", "", invalidChunk),
		bad("R33/size-17-hex-digits", "00000000000000002\r\nhi\r\n0\r\n\r\n", "", invalidChunk),
		bad("R33/size-overflow", "FFFFFFFFFFFFFFFFFFFF\r\nhi\r\n0\r\n\r\n", "", invalidChunk),
		ok("R33/size-whitespace-before-extension", "2\t;e\r\nhi\r\n0\r\n\r\n", "hi"),
		ok("R33/size-uppercase-hex", "A\r\n0123456789\r\n0\r\n\r\n", "0123456789"),
		ok("R33/size-leading-zeros", "0002\r\nhi\r\n000\r\n\r\n", "hi"),
		bad("R34/no-crlf-after-data", "2\r\nhiXX3\r\nabc\r\n0\r\n\r\n", "hi", invalidChunk),
		bad("R35/bare-lf", "2\nhi\n0\n\n", "", invalidChunk),
		bad("R35/bare-lf-after-data", "2\r\nhi\n0\r\n\r\n", "hi", invalidChunk),
		bad("R36/chunk-extension-too-long", "2;"+strings.Repeat("x", 5000)+"\r\nhi\r\n0\r\n\r\n", "",
			&errors.LineTooLongError{LineType: "chunk extension", Limit: 4096}),
		{
			name:   "R36/chunk-size-line-too-long",
			reply:  te + "2;" + strings.Repeat("x", 65536) + "\r\nhi\r\n0\r\n\r\n",
			limits: &wire.Limits{MaxChunkExtension: 1 << 20},
			status: 200, reason: "OK", version: 11, header: teHeader,
			bodyErr: &errors.LineTooLongError{LineType: "chunk size", Limit: 65536},
		},
		bad("R37/trailer-line-too-long", "2\r\nhi\r\n0\r\nX: "+strings.Repeat("v", 65536)+"\r\n\r\n", "hi",
			&errors.LineTooLongError{LineType: "trailer line", Limit: 65536}),
		{
			name:   "R38/100-trailers-accepted",
			reply:  te + "2\r\nhi\r\n0\r\n" + trailers(100) + "\r\n" + replyNext,
			status: 200, reason: "OK", version: 11, header: teHeader,
			body: "hi", next: "next",
			trailer: func() message.Header {
				var hh message.Header
				for i := range 100 {
					hh = append(hh, message.Field{Name: fmt.Sprintf("T-%d", i), Value: "v"})
				}
				return hh
			}(),
		},
		{
			// A trailer line longer than the connection's read buffer
			// (16 KiB) makes the chunked reader take the bytes after
			// the body: the socket can't be reused, and the next
			// request dials again rather than lose a response.
			name:   "R37/trailer-line-longer-than-read-buffer",
			reply:  te + "2\r\nhi\r\n0\r\nX-Long: " + strings.Repeat("v", 20000) + "\r\n\r\n" + replyNext,
			status: 200, reason: "OK", version: 11, header: teHeader,
			body: "hi", trailer: hdr("X-Long", strings.Repeat("v", 20000)), next: "redial",
		},
		bad("R38/101-trailers-refused", "2\r\nhi\r\n0\r\n"+trailers(101)+"\r\n", "hi", errors.ErrTooManyHeaders),
		{
			// Deviation 11: a smuggling signal, refused.
			name:  "R39/chunked-with-content-length",
			reply: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 100\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
			err:   &errors.ProtocolError{Kind: errors.ErrInvalidFraming},
		},
		{
			// Opting in gives RFC 9112's fallback: chunked, then close.
			name:   "R39/chunked-with-content-length-allowed",
			reply:  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 100\r\n\r\n2\r\nhi\r\n0\r\n\r\n" + replyNext,
			limits: &wire.Limits{AllowTransferEncodingWithContentLength: true},
			status: 200, reason: "OK", version: 11,
			header: hdr("Transfer-Encoding", "chunked", "Content-Length", "100"),
			body:   "hi", next: "redial",
		},
		{
			name:  "R40/gzip-chunked-refused",
			reply: "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
			err:   &errors.ProtocolError{Kind: errors.ErrUnknownTransferEncoding},
		},
		{
			name:  "R40/identity-refused",
			reply: "HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n\r\nhi",
			err:   &errors.ProtocolError{Kind: errors.ErrUnknownTransferEncoding},
		},
		{
			// Values lose trailing whitespace (deviation 10), so this is
			// plain chunked.
			name:   "R40/chunked-trailing-space",
			reply:  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked \r\n\r\n2\r\nhi\r\n0\r\n\r\n" + replyNext,
			status: 200, reason: "OK", version: 11, header: teHeader,
			body: "hi", next: "next",
		},
		{
			name:   "R41/uppercase-chunked",
			reply:  "HTTP/1.1 200 OK\r\nTransfer-Encoding: CHUNKED\r\n\r\n2\r\nhi\r\n0\r\n\r\n" + replyNext,
			status: 200, reason: "OK", version: 11, header: hdr("Transfer-Encoding", "CHUNKED"),
			body: "hi", next: "next",
		},
		{
			name:  "R42/gzip-then-chunked-fields-refused",
			reply: "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
			err:   &errors.ProtocolError{Kind: errors.ErrUnknownTransferEncoding},
		},
		{
			name:  "R42/chunked-twice-refused",
			reply: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
			err:   &errors.ProtocolError{Kind: errors.ErrInvalidFraming},
		},
		{
			// R56: reading to the end never returns raw framing.
			name:   "R56/chunked-read-all-no-overrun",
			reply:  te + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\nEXTRA",
			status: 200, reason: "OK", version: 11, header: teHeader,
			body: "hello world", nextErr: badLine("EXTRA"),
		},
	}
	runRespCases(t, cases)
}

// TestResponseContentLength ports R43–R48 (deviation 11 and 15).
func TestResponseContentLength(t *testing.T) {
	cl := func(v string) string { return "HTTP/1.1 200 OK\r\nContent-Length: " + v + "\r\n\r\nHello" }
	invalidCL := &errors.ProtocolError{Kind: errors.ErrInvalidContentLength}
	cases := []respCase{
		{name: "R43/abc", reply: cl("abc"), err: invalidCL},
		{name: "R43/negative", reply: cl("-1"), err: invalidCL},
		{name: "R43/empty", reply: "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\nHello", err: invalidCL},
		{name: "R43/overflow", reply: cl("99999999999999999999"), err: invalidCL},
		{
			name:   "R43/equal-list-accepted",
			reply:  cl("5, 5") + replyNext,
			status: 200, reason: "OK", version: 11, header: hdr("Content-Length", "5, 5"),
			body: "Hello", next: "next",
		},
		{
			name:  "R44/two-fields-differing",
			reply: "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nHello",
			err:   invalidCL,
		},
		{
			name:   "R44/two-fields-equal-accepted",
			reply:  "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nHello" + replyNext,
			status: 200, reason: "OK", version: 11, header: hdr("Content-Length", "5", "Content-Length", "5"),
			body: "Hello", next: "next",
		},
		{name: "R45/plus-sign", reply: cl("+5"), err: invalidCL},
		{name: "R45/underscore", reply: cl("0_5"), err: invalidCL},
		{
			name:   "R45/surrounding-whitespace-accepted",
			reply:  cl("   5   ") + replyNext,
			status: 200, reason: "OK", version: 11, header: hdr("Content-Length", "5"),
			body: "Hello", next: "next",
		},
		{
			name:   "R45/zero",
			reply:  "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" + replyNext,
			status: 200, reason: "OK", version: 11, header: hdr("Content-Length", "0"),
			body: "", next: "next",
		},
		{
			// The Read that meets EOF got no byte, so Partial is empty;
			// the bytes before it came with earlier Reads.
			name:   "R46/eof-before-content-length",
			reply:  "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nHello\r\n",
			status: 200, reason: "OK", version: 11, header: hdr("Content-Length", "10"),
			body:    "Hello\r\n",
			bodyErr: &errors.IncompleteReadError{Partial: nil, Expected: 3, Err: io.ErrUnexpectedEOF},
		},
		{
			name:   "R56/read-all-no-overrun",
			reply:  "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nHello123\r\nextradata\r\n",
			status: 200, reason: "OK", version: 11, header: hdr("Content-Length", "10"),
			body: "Hello123\r\n", nextErr: badLine("extradata"),
		},
	}
	runRespCases(t, cases)
}

// readStep is one Read call: its buffer size and what it must return.
type readStep struct {
	size     int
	want     string
	err      error // see assertErrMatches; io.EOF means exactly io.EOF
	isClosed bool  // IsClosed after the call
}

// TestResponseReadSteps ports the read API scenarios R24 and R46–R53
// to Read calls of chosen sizes: read(amt) and readinto(b) are Read with
// a buffer of that size, read1 is one Read.
func TestResponseReadSteps(t *testing.T) {
	te := "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	incomplete := func(partial string, expected int64) error {
		var p []byte
		if partial != "" {
			p = []byte(partial)
		}
		return &errors.IncompleteReadError{Partial: p, Expected: expected}
	}
	cases := []struct {
		name   string
		method string
		reply  string
		steps  []readStep
	}{
		{
			name:   "R24/head-closes-on-read",
			method: "HEAD",
			reply:  "HTTP/1.1 200 OK\r\nContent-Length: 14432\r\n\r\n",
			steps:  []readStep{{0, "", nil, false}, {10, "", io.EOF, true}, {10, "", io.EOF, true}},
		},
		{
			// Deviation 15: Python's read(amt) returns short data
			// silently; the Read that meets EOF fails here.
			name:  "R47/short-reads-then-incomplete",
			reply: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nText",
			steps: []readStep{
				{2, "Te", nil, false},
				{2, "xt", nil, false},
				{1, "", incomplete("", 6), true},
				{1, "", incomplete("", 6), true}, // sticky
			},
		},
		{
			name:  "R46/read-large-then-incomplete",
			reply: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nHello\r\n",
			steps: []readStep{
				{100, "Hello\r\n", nil, false},
				{100, "", incomplete("", 3), true},
			},
		},
		{
			name:  "R48/read-zero-then-clipped",
			reply: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nHello123\r\nextradata",
			steps: []readStep{
				{0, "", nil, false},
				{4, "Hell", nil, false},
				{100, "o123\r\n", nil, true},
				{100, "", io.EOF, true},
			},
		},
		{
			name:  "R49/chunked-read-sizes-cross-chunks",
			reply: te + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\nEXTRA",
			steps: []readStep{
				{3, "hel", nil, false},
				{4, "lo w", nil, false},
				{100, "orld", nil, true},
				{100, "", io.EOF, true},
			},
		},
		{
			name:  "R50/chunked-readinto",
			reply: te + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
			steps: []readStep{
				{4, "hell", nil, false},
				{20, "o world", nil, true},
				{20, "", io.EOF, true},
			},
		},
		{
			name:  "R50/chunked-read-zero-not-closed",
			reply: te + "2\r\nhi\r\n0\r\n\r\n",
			steps: []readStep{{0, "", nil, false}, {2, "hi", nil, false}, {0, "", nil, false}, {1, "", io.EOF, true}},
		},
		{
			name:  "R50/chunked-truncated-in-data",
			reply: te + "5\r\nhel",
			steps: []readStep{
				{100, "hel", nil, false},
				{100, "", incomplete("", -1), true},
			},
		},
		{
			name:  "R53/read1-like",
			reply: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nHello123\r\nextradata",
			steps: []readStep{
				{0, "", nil, false},
				{3, "Hel", nil, false},
				{1 << 10, "lo123\r\n", nil, true},
				{1 << 10, "", io.EOF, true},
			},
		},
		{
			name:  "R06/until-close-reads",
			reply: "HTTP/1.0 200 OK\r\n\r\nabcdef",
			steps: []readStep{
				{4, "abcd", nil, false},
				{4, "ef", nil, false},
				{4, "", io.EOF, true},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = "GET"
			}
			x := newFakeExchange(t, nil, tc.reply)
			r, err := x.roundTrip(t, method, "/")
			if err != nil {
				t.Fatal(err)
			}
			if r.IsClosed() {
				t.Fatal("IsClosed before any Read")
			}
			for i, st := range tc.steps {
				buf := make([]byte, st.size)
				n, err := r.Read(buf)
				what := fmt.Sprintf("step %d: Read(%d)", i, st.size)
				if got := string(buf[:n]); got != st.want {
					t.Fatalf("%s = %q, want %q", what, got, st.want)
				}
				if st.err == io.EOF {
					if err != io.EOF {
						t.Fatalf("%s: error %v, want io.EOF", what, err)
					}
				} else {
					assertErrMatches(t, what, err, st.err)
				}
				if r.IsClosed() != st.isClosed {
					t.Fatalf("%s: IsClosed %v, want %v", what, r.IsClosed(), st.isClosed)
				}
				if r.Closed() {
					t.Fatalf("%s: Closed without Close", what)
				}
			}
		})
	}
}

// TestResponseReadline ports R51 and R52: a line reader over the body is
// bounded by Content-Length, and consuming exactly Content-Length closes
// the response (Python 3.13's behaviour).
func TestResponseReadline(t *testing.T) {
	x := newFakeExchange(t, nil, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nHello123\r\nextradata\r\n")
	r, err := x.roundTrip(t, "GET", "/")
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(r)
	line, err := br.ReadString('\n')
	if line != "Hello123\r\n" || err != nil {
		t.Fatalf("first line %q, %v", line, err)
	}
	if !r.IsClosed() {
		t.Fatal("R52: IsClosed false after the whole Content-Length was read")
	}
	line, err = br.ReadString('\n')
	if line != "" || err != io.EOF {
		t.Fatalf("second line %q, %v; want \"\", EOF", line, err)
	}
	// "extradata" is untouched: it is what the next status line reads.
	_, err = x.roundTrip(t, "GET", "/")
	assertErrMatches(t, "next GetResponse", err, badLine("extradata"))
}

// TestResponsePeek ports R54 and R55: a buffered reader over the body
// never sees bytes past it (Python's peek may).
func TestResponsePeek(t *testing.T) {
	t.Run("R54/content-length", func(t *testing.T) {
		x := newFakeExchange(t, nil, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nHello123\r\nextradata")
		r, err := x.roundTrip(t, "GET", "/")
		if err != nil {
			t.Fatal(err)
		}
		p, err := bufio.NewReader(r).Peek(20)
		if string(p) != "Hello123\r\n" || err != io.EOF {
			t.Fatalf("Peek(20) = %q, %v; want the body and EOF", p, err)
		}
	})
	t.Run("R55/chunked", func(t *testing.T) {
		x := newFakeExchange(t, nil, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\nEXTRA")
		r, err := x.roundTrip(t, "GET", "/")
		if err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReaderSize(r, 16)
		p, err := br.Peek(5)
		if string(p) != "hello" || err != nil {
			t.Fatalf("Peek(5) = %q, %v", p, err)
		}
		br.Discard(5)
		p, err = br.Peek(16)
		if string(p) != " world" || err != io.EOF {
			t.Fatalf("Peek(16) = %q, %v; want \" world\", EOF", p, err)
		}
	})
}

// TestResponseAfterClose ports R57: a closed response reads nothing.
func TestResponseAfterClose(t *testing.T) {
	x := newFakeExchange(t, nil, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
	r, err := x.roundTrip(t, "GET", "/")
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if !r.Closed() || !r.IsClosed() {
		t.Fatalf("Closed %v IsClosed %v after Close", r.Closed(), r.IsClosed())
	}
	if n, err := r.Read(make([]byte, 8)); n != 0 || err != io.EOF {
		t.Fatalf("Read after Close: %d, %v", n, err)
	}
	var buf bytes.Buffer
	if n, err := r.WriteTo(&buf); n != 0 || err != nil || buf.Len() != 0 {
		t.Fatalf("WriteTo after Close: %d, %v, %q", n, err, buf.Bytes())
	}
	if _, err := r.Fileno(); !errors.Is(err, errors.ErrNotConnected) {
		t.Fatalf("Fileno after Close: %v", err)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

// TestResponseFilenoFake: a conn without a descriptor has no Fileno.
func TestResponseFilenoFake(t *testing.T) {
	x := newFakeExchange(t, nil, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
	r, err := x.roundTrip(t, "GET", "/")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Fileno(); !errors.Is(err, errors.ErrNotConnected) {
		t.Fatalf("Fileno on a FakeConn: %v, want ErrNotConnected", err)
	}
}

// headerQuery is one GetHeader call.
type headerQuery struct{ name, def, want string }

// TestResponseHeaders ports R58–R69 (deviation 10: strict header blocks,
// obs-fold unfolded to one space, values trimmed on both sides).
func TestResponseHeaders(t *testing.T) {
	lines := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "X-%d: v\r\n", i)
		}
		return b.String()
	}
	head := func(fields string) string { return "HTTP/1.1 200 OK\r\n" + fields + "Content-Length: 0\r\n\r\n" }
	remote := func(name, value string) error { return &errors.HeaderError{Name: name, Value: value, Remote: true} }
	cases := []struct {
		name    string
		reply   string
		err     error
		header  message.Header
		queries []headerQuery
	}{
		{
			name:   "R58/repeated-fields-joined",
			reply:  head("Set-Cookie: a=1\r\nSet-Cookie: b=2\r\n"),
			header: hdr("Set-Cookie", "a=1", "Set-Cookie", "b=2", "Content-Length", "0"),
			queries: []headerQuery{
				{"set-cookie", "", "a=1, b=2"},
				{"SET-COOKIE", "d", "a=1, b=2"},
				{"content-length", "d", "0"},
				{"x", "", ""},
				{"x", "d", "d"},
			},
		},
		{
			name:    "R58/empty-value-is-not-default",
			reply:   head("X-E:\r\n"),
			header:  hdr("X-E", "", "Content-Length", "0"),
			queries: []headerQuery{{"x-e", "d", ""}},
		},
		{
			name:    "R59/obs-fold-unfolded",
			reply:   head("Obs: text\r\n folded with space\r\n\tfolded with tab\r\n"),
			header:  hdr("Obs", "text folded with space folded with tab", "Content-Length", "0"),
			queries: []headerQuery{{"obs", "", "text folded with space folded with tab"}},
		},
		{
			name:   "R59/obs-fold-lf",
			reply:  head("Obs: text\n more\n"),
			header: hdr("Obs", "text more", "Content-Length", "0"),
		},
		{name: "R60/line-without-colon", reply: head("X-A: 1\r\nGarbageLine\r\n"), err: remote("GarbageLine", "")},
		{name: "R61/whitespace-before-colon", reply: head("X-A : 1\r\n"), err: remote("X-A ", "")},
		{name: "R62/non-ascii-name", reply: head("X-\xe9: 1\r\n"), err: remote("X-\xe9", "")},
		{name: "R63/bare-cr-in-value", reply: head("X-E: a\rb\r\n"), err: remote("X-E: a\rb", "")},
		{name: "R63/nul-in-value", reply: head("X-N: a\x00b\r\n"), err: remote("X-N", " a\x00b")},
		{name: "R64/first-line-continuation", reply: head(" X-A: 1\r\n"), err: remote(" X-A: 1", "")},
		{name: "R64/empty-name", reply: head(": nval\r\n"), err: remote(": nval", "")},
		{
			name:  "R65/100-field-lines",
			reply: "HTTP/1.1 200 OK\r\n" + lines(99) + "Content-Length: 0\r\n\r\n",
			header: func() message.Header {
				var hh message.Header
				for i := range 99 {
					hh = append(hh, message.Field{Name: fmt.Sprintf("X-%d", i), Value: "v"})
				}
				return append(hh, message.Field{Name: "Content-Length", Value: "0"})
			}(),
		},
		{name: "R65/101-field-lines", reply: head(lines(100)), err: errors.ErrTooManyHeaders},
		{
			name:    "R66/header-line-65536",
			reply:   head("X: " + strings.Repeat("v", 65536-5) + "\r\n"),
			header:  hdr("X", strings.Repeat("v", 65536-5), "Content-Length", "0"),
			queries: []headerQuery{{"x", "", strings.Repeat("v", 65536-5)}},
		},
		{
			name:  "R66/header-line-65537",
			reply: head("X: " + strings.Repeat("v", 65536-4) + "\r\n"),
			err:   &errors.LineTooLongError{LineType: "header line", Limit: 65536},
		},
		{
			name:  "R67/value-whitespace-and-bytes",
			reply: head("X-A:    lead\r\nX-B: trail   \r\nX-C:\tTab\t\r\nX-D:\r\nX-V: caf\xe9\r\nX-U: \xe2\x98\x83\r\n"),
			header: hdr("X-A", "lead", "X-B", "trail", "X-C", "Tab", "X-D", "",
				"X-V", "caf\xe9", "X-U", "\u2603", "Content-Length", "0"),
			queries: []headerQuery{{"x-v", "", "caf\xe9"}, {"x-u", "", "☃"}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			x := newFakeExchange(t, nil, tc.reply)
			r, err := x.roundTrip(t, "GET", "/")
			if tc.err != nil {
				var also []error
				if _, ok := tc.err.(*errors.HeaderError); ok {
					also = append(also, errors.ErrInvalidHeader, errors.ErrHTTP)
				}
				assertErrMatches(t, "GetResponse", err, tc.err, also...)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.header, r.Header); diff != "" {
				t.Fatalf("Header (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]message.Field(tc.header), r.GetHeaders()); diff != "" {
				t.Fatalf("GetHeaders (-want +got):\n%s", diff)
			}
			for _, q := range tc.queries {
				if got := r.GetHeader(q.name, q.def); got != q.want {
					t.Errorf("GetHeader(%q, %q) = %q, want %q", q.name, q.def, got, q.want)
				}
			}
		})
	}
}

// TestResponseTooManyHeadersKind: 101 valid field lines fail with
// ErrTooManyHeaders alone, not a sibling sentinel (R65).
func TestResponseTooManyHeadersKind(t *testing.T) {
	var b strings.Builder
	b.WriteString("HTTP/1.1 200 OK\r\n")
	for i := range 101 {
		fmt.Fprintf(&b, "X-%d: v\r\n", i)
	}
	b.WriteString("\r\n")
	x := newFakeExchange(t, nil, b.String())
	_, err := x.roundTrip(t, "GET", "/")
	assertErrMatches(t, "GetResponse", err, errors.ErrTooManyHeaders, errors.ErrHTTP)
	if errors.Is(err, errors.ErrInvalidHeader) || errors.Is(err, errors.ErrLineTooLong) {
		t.Fatalf("%v matches a sibling sentinel", err)
	}
}

// TestResponseAccessors ports R68 and R69: the deprecated accessors and
// URL, which Python never sets and we set to the request target.
func TestResponseAccessors(t *testing.T) {
	x := newFakeExchange(t, nil, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\nX-A: 1\r\n\r\n")
	x.c.SetDebugLevel(0)
	r, err := x.roundTrip(t, "POST", "/items?x=1")
	if err != nil {
		t.Fatal(err)
	}
	if r.GetCode() != status.Created || r.GetCode() != r.Status {
		t.Errorf("GetCode() = %v, Status %v", r.GetCode(), r.Status)
	}
	if r.URL != "/items?x=1" || r.GetURL() != r.URL {
		t.Errorf("URL %q GetURL %q, want /items?x=1", r.URL, r.GetURL())
	}
	info := r.Info()
	if diff := cmp.Diff(hdr("Content-Length", "0", "X-A", "1"), info); diff != "" {
		t.Errorf("Info (-want +got):\n%s", diff)
	}
	if len(info) > 0 && &info[0] != &r.Header[0] {
		t.Error("Info() is not Header (Python: info() is msg)")
	}
	if r.DebugLevel != 0 {
		t.Errorf("DebugLevel %d", r.DebugLevel)
	}
}

// TestResponseURLEmptyTarget: an empty target is sent as "/" and is the
// response's URL.
func TestResponseURLEmptyTarget(t *testing.T) {
	x := newFakeExchange(t, nil, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
	r, err := x.roundTrip(t, "GET", "")
	if err != nil {
		t.Fatal(err)
	}
	if r.URL != "/" {
		t.Fatalf("URL %q, want /", r.URL)
	}
}

// shortWriter accepts at most max bytes per Write and, breaking the
// io.Writer contract as buggy writers do, reports no error.
type shortWriter struct {
	max int
	buf bytes.Buffer
}

func (w *shortWriter) Write(p []byte) (int, error) {
	if len(p) > w.max {
		p = p[:w.max]
	}
	return w.buf.Write(p)
}

// failWriter accepts ok bytes, then fails.
type failWriter struct {
	ok  int
	buf bytes.Buffer
}

var errWriterFull = errors.New("failWriter: full")

func (w *failWriter) Write(p []byte) (int, error) {
	if room := w.ok - w.buf.Len(); len(p) > room {
		w.buf.Write(p[:room])
		return room, errWriterFull
	}
	return w.buf.Write(p)
}

// TestResponseWriteTo covers Response.WriteTo (io.WriterTo), the
// streaming counterpart of Python's read().
func TestResponseWriteTo(t *testing.T) {
	big := strings.Repeat("0123456789", 10000) // larger than the read buffer
	te := "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	cases := []struct {
		name    string
		reply   string
		pre     int       // bytes Read before WriteTo
		w       io.Writer // nil means a bytes.Buffer
		n       int64
		written string
		err     error
		next    string // as respCase.next
	}{
		{
			name:  "WriteTo/content-length",
			reply: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello" + replyNext,
			n:     5, written: "hello", next: "next",
		},
		{
			name:  "WriteTo/content-length-after-read",
			reply: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello" + replyNext,
			pre:   2, n: 3, written: "llo", next: "next",
		},
		{
			name:  "WriteTo/content-length-larger-than-buffer",
			reply: "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + big + replyNext,
			n:     100000, written: big, next: "next",
		},
		{
			name:  "WriteTo/chunked",
			reply: te + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n" + replyNext,
			n:     11, written: "hello world", next: "next",
		},
		{
			name:  "WriteTo/until-close",
			reply: "HTTP/1.0 200 OK\r\n\r\nbody-until-close",
			n:     16, written: "body-until-close", next: "redial",
		},
		{
			name:  "WriteTo/head",
			reply: "HTTP/1.1 204 No Content\r\n\r\n" + replyNext,
			n:     0, written: "", next: "next",
		},
		{
			name:    "WriteTo/R46-incomplete",
			reply:   "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nHello\r\n",
			n:       7,
			written: "Hello\r\n",
			err:     &errors.IncompleteReadError{Expected: 3, Err: io.ErrUnexpectedEOF},
		},
		{
			name:    "WriteTo/chunked-incomplete",
			reply:   te + "5\r\nhello\r\n6\r\n wo",
			n:       8,
			written: "hello wo",
			err:     &errors.IncompleteReadError{Expected: -1, Err: io.ErrUnexpectedEOF},
		},
		{
			name:    "WriteTo/writer-error-content-length",
			reply:   "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
			w:       &failWriter{ok: 3},
			n:       3,
			written: "hel",
			err:     errWriterFull,
		},
		{
			name:    "WriteTo/writer-error-chunked",
			reply:   te + "5\r\nhello\r\n0\r\n\r\n",
			w:       &failWriter{ok: 3},
			n:       3,
			written: "hel",
			err:     errWriterFull,
		},
		{
			name:    "WriteTo/short-write-content-length",
			reply:   "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
			w:       &shortWriter{max: 3},
			n:       3,
			written: "hel",
			err:     io.ErrShortWrite,
		},
		{
			name:    "WriteTo/short-write-chunked",
			reply:   te + "5\r\nhello\r\n0\r\n\r\n",
			w:       &shortWriter{max: 3},
			n:       3,
			written: "hel",
			err:     io.ErrShortWrite,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			x := newFakeExchange(t, nil, tc.reply, replyRedial)
			r, err := x.roundTrip(t, "GET", "/")
			if err != nil {
				t.Fatal(err)
			}
			if tc.pre > 0 {
				if _, err := io.ReadFull(r, make([]byte, tc.pre)); err != nil {
					t.Fatal(err)
				}
			}
			w := tc.w
			if w == nil {
				w = new(bytes.Buffer)
			}
			n, err := r.WriteTo(w)
			var written string
			switch w := w.(type) {
			case *bytes.Buffer:
				written = w.String()
			case *shortWriter:
				written = w.buf.String()
			case *failWriter:
				written = w.buf.String()
			}
			if n != tc.n || written != tc.written {
				t.Fatalf("WriteTo = %d (wrote %d bytes: %q), want %d (%q)", n, len(written), truncMsg(written), tc.n, truncMsg(tc.written))
			}
			assertErrMatches(t, "WriteTo", err, tc.err)
			if tc.next != "" {
				if !r.IsClosed() {
					t.Fatal("IsClosed false after WriteTo")
				}
				x.checkNext(t, tc.next)
			}
		})
	}
}

// trunc shortens s for a failure message.
func truncMsg(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// TestResponseCopy: io.Copy goes through WriteTo and gets the body.
func TestResponseCopy(t *testing.T) {
	x := newFakeExchange(t, nil, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")
	r, err := x.roundTrip(t, "GET", "/")
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder // a Writer without ReadFrom
	n, err := io.Copy(&sb, r)
	if n != 5 || err != nil || sb.String() != "hello" {
		t.Fatalf("io.Copy = %d, %v, %q", n, err, sb.String())
	}
}
