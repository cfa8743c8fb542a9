package errors_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/httpstack/httpstack/errors"
)

// sentinels lists every sentinel the package exports, by name.
var sentinels = []struct {
	name string
	err  error
}{
	{"ErrHTTP", errors.ErrHTTP},
	{"ErrNotConnected", errors.ErrNotConnected},
	{"ErrInvalidURL", errors.ErrInvalidURL},
	{"ErrUnknownProtocol", errors.ErrUnknownProtocol},
	{"ErrUnknownTransferEncoding", errors.ErrUnknownTransferEncoding},
	{"ErrUnimplementedFileMode", errors.ErrUnimplementedFileMode},
	{"ErrIncompleteRead", errors.ErrIncompleteRead},
	{"ErrImproperConnectionState", errors.ErrImproperConnectionState},
	{"ErrCannotSendRequest", errors.ErrCannotSendRequest},
	{"ErrCannotSendHeader", errors.ErrCannotSendHeader},
	{"ErrResponseNotReady", errors.ErrResponseNotReady},
	{"ErrBadStatusLine", errors.ErrBadStatusLine},
	{"ErrLineTooLong", errors.ErrLineTooLong},
	{"ErrRemoteDisconnected", errors.ErrRemoteDisconnected},
	{"ErrInvalidMethod", errors.ErrInvalidMethod},
	{"ErrInvalidHeader", errors.ErrInvalidHeader},
	{"ErrTooManyHeaders", errors.ErrTooManyHeaders},
	{"ErrInvalidChunk", errors.ErrInvalidChunk},
	{"ErrInvalidContentLength", errors.ErrInvalidContentLength},
	{"ErrTunnel", errors.ErrTunnel},
	{"ErrInvalidFraming", errors.ErrInvalidFraming},
	{"ErrTooManyInterim", errors.ErrTooManyInterim},
	{"ErrInvalidBody", errors.ErrInvalidBody},
	{"ErrTLS", errors.ErrTLS},
}

// sample values of every typed error, with fields filled in.
var (
	incompleteRead = &errors.IncompleteReadError{Partial: []byte("1234567"), Expected: 3, Err: io.ErrUnexpectedEOF}
	badStatusLine  = &errors.BadStatusLineError{Line: "HTTP/1.1 abc OK", Reason: "invalid status code"}
	lineTooLong    = &errors.LineTooLongError{LineType: "header line", Limit: 65536}
	invalidURL     = &errors.InvalidURLError{URL: "example.com:abc", Reason: "nonnumeric port"}
	tunnel         = &errors.TunnelError{Status: 407, Reason: "Proxy Authentication Required"}
	header         = &errors.HeaderError{Name: "X-Bad", Value: "a\rb", Reason: "invalid field value", Remote: true}
	stateRequest   = &errors.StateError{Kind: errors.ErrCannotSendRequest, State: "Request-sent"}
	stateHeader    = &errors.StateError{Kind: errors.ErrCannotSendHeader, State: "Idle"}
	stateResponse  = &errors.StateError{Kind: errors.ErrResponseNotReady, State: "Idle"}
	unknownProto   = &errors.UnknownProtocolError{Version: "HTTP/2.0"}
	protoChunk     = &errors.ProtocolError{Kind: errors.ErrInvalidChunk, Detail: "bare LF after chunk size"}
	protoFraming   = &errors.ProtocolError{Kind: errors.ErrInvalidFraming, Detail: "Transfer-Encoding with Content-Length"}
)

// matches is every (error, ancestor) pair that errors.Is must accept,
// taken from API.md's tree and the package documentation. Together with
// the reflexive pairs it is the complete relation among the sentinels:
// TestSentinelTreeIsExact checks that no other pair matches.
var matches = []struct {
	name     string
	err      error
	ancestor error
}{
	// Every sentinel ⇒ ErrHTTP (Python: every exception derives from HTTPException).
	{"NotConnected⇒HTTP", errors.ErrNotConnected, errors.ErrHTTP},
	{"InvalidURL⇒HTTP", errors.ErrInvalidURL, errors.ErrHTTP},
	{"UnknownProtocol⇒HTTP", errors.ErrUnknownProtocol, errors.ErrHTTP},
	{"UnknownTransferEncoding⇒HTTP", errors.ErrUnknownTransferEncoding, errors.ErrHTTP},
	{"UnimplementedFileMode⇒HTTP", errors.ErrUnimplementedFileMode, errors.ErrHTTP},
	{"IncompleteRead⇒HTTP", errors.ErrIncompleteRead, errors.ErrHTTP},
	{"ImproperConnectionState⇒HTTP", errors.ErrImproperConnectionState, errors.ErrHTTP},
	{"CannotSendRequest⇒HTTP", errors.ErrCannotSendRequest, errors.ErrHTTP},
	{"CannotSendHeader⇒HTTP", errors.ErrCannotSendHeader, errors.ErrHTTP},
	{"ResponseNotReady⇒HTTP", errors.ErrResponseNotReady, errors.ErrHTTP},
	{"BadStatusLine⇒HTTP", errors.ErrBadStatusLine, errors.ErrHTTP},
	{"LineTooLong⇒HTTP", errors.ErrLineTooLong, errors.ErrHTTP},
	{"RemoteDisconnected⇒HTTP", errors.ErrRemoteDisconnected, errors.ErrHTTP},
	{"InvalidMethod⇒HTTP", errors.ErrInvalidMethod, errors.ErrHTTP},
	{"InvalidHeader⇒HTTP", errors.ErrInvalidHeader, errors.ErrHTTP},
	{"TooManyHeaders⇒HTTP", errors.ErrTooManyHeaders, errors.ErrHTTP},
	{"InvalidChunk⇒HTTP", errors.ErrInvalidChunk, errors.ErrHTTP},
	{"InvalidContentLength⇒HTTP", errors.ErrInvalidContentLength, errors.ErrHTTP},
	{"Tunnel⇒HTTP", errors.ErrTunnel, errors.ErrHTTP},
	{"InvalidFraming⇒HTTP", errors.ErrInvalidFraming, errors.ErrHTTP},
	{"TooManyInterim⇒HTTP", errors.ErrTooManyInterim, errors.ErrHTTP},
	{"InvalidBody⇒HTTP", errors.ErrInvalidBody, errors.ErrHTTP},
	{"TLS⇒HTTP", errors.ErrTLS, errors.ErrHTTP},

	// Python: CannotSendRequest, CannotSendHeader, ResponseNotReady(ImproperConnectionState).
	{"CannotSendRequest⇒ImproperConnectionState", errors.ErrCannotSendRequest, errors.ErrImproperConnectionState},
	{"CannotSendHeader⇒ImproperConnectionState", errors.ErrCannotSendHeader, errors.ErrImproperConnectionState},
	{"ResponseNotReady⇒ImproperConnectionState", errors.ErrResponseNotReady, errors.ErrImproperConnectionState},

	// Python: class RemoteDisconnected(ConnectionResetError, BadStatusLine).
	{"RemoteDisconnected⇒BadStatusLine", errors.ErrRemoteDisconnected, errors.ErrBadStatusLine},
	{"RemoteDisconnected⇒ECONNRESET", errors.ErrRemoteDisconnected, syscall.ECONNRESET},

	// Go-side: a run of 1xx responses is a kind of header overflow.
	{"TooManyInterim⇒TooManyHeaders", errors.ErrTooManyInterim, errors.ErrTooManyHeaders},

	// Each typed error ⇒ its sentinel and ErrHTTP (and its sentinel's parents).
	{"IncompleteReadError⇒IncompleteRead", incompleteRead, errors.ErrIncompleteRead},
	{"IncompleteReadError⇒HTTP", incompleteRead, errors.ErrHTTP},
	{"IncompleteReadError⇒cause", incompleteRead, io.ErrUnexpectedEOF},
	{"BadStatusLineError⇒BadStatusLine", badStatusLine, errors.ErrBadStatusLine},
	{"BadStatusLineError⇒HTTP", badStatusLine, errors.ErrHTTP},
	{"LineTooLongError⇒LineTooLong", lineTooLong, errors.ErrLineTooLong},
	{"LineTooLongError⇒HTTP", lineTooLong, errors.ErrHTTP},
	{"InvalidURLError⇒InvalidURL", invalidURL, errors.ErrInvalidURL},
	{"InvalidURLError⇒HTTP", invalidURL, errors.ErrHTTP},
	{"TunnelError⇒Tunnel", tunnel, errors.ErrTunnel},
	{"TunnelError⇒HTTP", tunnel, errors.ErrHTTP},
	{"HeaderError⇒InvalidHeader", header, errors.ErrInvalidHeader},
	{"HeaderError⇒HTTP", header, errors.ErrHTTP},
	{"StateError(CannotSendRequest)⇒CannotSendRequest", stateRequest, errors.ErrCannotSendRequest},
	{"StateError(CannotSendRequest)⇒ImproperConnectionState", stateRequest, errors.ErrImproperConnectionState},
	{"StateError(CannotSendRequest)⇒HTTP", stateRequest, errors.ErrHTTP},
	{"StateError(CannotSendHeader)⇒CannotSendHeader", stateHeader, errors.ErrCannotSendHeader},
	{"StateError(CannotSendHeader)⇒ImproperConnectionState", stateHeader, errors.ErrImproperConnectionState},
	{"StateError(ResponseNotReady)⇒ResponseNotReady", stateResponse, errors.ErrResponseNotReady},
	{"StateError(ResponseNotReady)⇒HTTP", stateResponse, errors.ErrHTTP},
	{"StateError(nil Kind)⇒ImproperConnectionState", &errors.StateError{State: "Idle"}, errors.ErrImproperConnectionState},
	{"UnknownProtocolError⇒UnknownProtocol", unknownProto, errors.ErrUnknownProtocol},
	{"UnknownProtocolError⇒HTTP", unknownProto, errors.ErrHTTP},
	{"ProtocolError(InvalidChunk)⇒InvalidChunk", protoChunk, errors.ErrInvalidChunk},
	{"ProtocolError(InvalidChunk)⇒HTTP", protoChunk, errors.ErrHTTP},
	{"ProtocolError(InvalidFraming)⇒InvalidFraming", protoFraming, errors.ErrInvalidFraming},
	{"ProtocolError(InvalidFraming)⇒HTTP", protoFraming, errors.ErrHTTP},
	{"ProtocolError(nil Kind)⇒HTTP", &errors.ProtocolError{Detail: "x"}, errors.ErrHTTP},
}

// nonMatches is a sample of pairs that must not match: siblings, parents
// seen from below, and the network errors a sentinel only resembles.
var nonMatches = []struct {
	name   string
	err    error
	target error
}{
	{"BadStatusLine⇏RemoteDisconnected", errors.ErrBadStatusLine, errors.ErrRemoteDisconnected},
	{"BadStatusLine⇏ECONNRESET", errors.ErrBadStatusLine, syscall.ECONNRESET},
	{"RemoteDisconnected⇏ECONNREFUSED", errors.ErrRemoteDisconnected, syscall.ECONNREFUSED},
	{"RemoteDisconnected⇏EOF", errors.ErrRemoteDisconnected, io.EOF},
	{"CannotSendRequest⇏CannotSendHeader", errors.ErrCannotSendRequest, errors.ErrCannotSendHeader},
	{"CannotSendHeader⇏ResponseNotReady", errors.ErrCannotSendHeader, errors.ErrResponseNotReady},
	{"ResponseNotReady⇏CannotSendRequest", errors.ErrResponseNotReady, errors.ErrCannotSendRequest},
	{"ImproperConnectionState⇏CannotSendRequest", errors.ErrImproperConnectionState, errors.ErrCannotSendRequest},
	{"InvalidChunk⇏ImproperConnectionState", errors.ErrInvalidChunk, errors.ErrImproperConnectionState},
	{"InvalidChunk⇏IncompleteRead", errors.ErrInvalidChunk, errors.ErrIncompleteRead},
	{"InvalidContentLength⇏InvalidHeader", errors.ErrInvalidContentLength, errors.ErrInvalidHeader},
	{"TooManyHeaders⇏TooManyInterim", errors.ErrTooManyHeaders, errors.ErrTooManyInterim},
	{"TooManyHeaders⇏LineTooLong", errors.ErrTooManyHeaders, errors.ErrLineTooLong},
	{"InvalidMethod⇏InvalidHeader", errors.ErrInvalidMethod, errors.ErrInvalidHeader},
	{"HTTP⇏NotConnected", errors.ErrHTTP, errors.ErrNotConnected},
	{"HTTP⇏ImproperConnectionState", errors.ErrHTTP, errors.ErrImproperConnectionState},
	{"HTTP⇏BadStatusLine", errors.ErrHTTP, errors.ErrBadStatusLine},
	{"HTTP⇏RemoteDisconnected", errors.ErrHTTP, errors.ErrRemoteDisconnected},
	{"HTTP⇏ECONNRESET", errors.ErrHTTP, syscall.ECONNRESET},
	{"IncompleteReadError⇏BadStatusLine", incompleteRead, errors.ErrBadStatusLine},
	{"IncompleteReadError(no cause)⇏UnexpectedEOF", &errors.IncompleteReadError{Expected: -1}, io.ErrUnexpectedEOF},
	{"BadStatusLineError⇏RemoteDisconnected", badStatusLine, errors.ErrRemoteDisconnected},
	{"LineTooLongError⇏TooManyHeaders", lineTooLong, errors.ErrTooManyHeaders},
	{"TunnelError⇏ImproperConnectionState", tunnel, errors.ErrImproperConnectionState},
	{"HeaderError⇏InvalidMethod", header, errors.ErrInvalidMethod},
	{"StateError(CannotSendRequest)⇏CannotSendHeader", stateRequest, errors.ErrCannotSendHeader},
	{"StateError(ResponseNotReady)⇏NotConnected", stateResponse, errors.ErrNotConnected},
	{"UnknownProtocolError⇏BadStatusLine", unknownProto, errors.ErrBadStatusLine},
	{"ProtocolError(InvalidChunk)⇏InvalidFraming", protoChunk, errors.ErrInvalidFraming},
	{"ProtocolError(InvalidChunk)⇏ImproperConnectionState", protoChunk, errors.ErrImproperConnectionState},
}

// wrappers are the ways an error travels up the stack; errors.Is and
// errors.As must see through every one of them.
var wrappers = []struct {
	name string
	wrap func(error) error
}{
	{"bare", func(err error) error { return err }},
	{"%w", func(err error) error { return fmt.Errorf("http: getresponse: %w", err) }},
	{"%w%w", func(err error) error { return fmt.Errorf("outer: %w", fmt.Errorf("inner: %w", err)) }},
	{"Wrap", func(err error) error { return errors.Wrap(err, "http: request") }},
	{"Wrapf(Wrap)", func(err error) error { return errors.Wrapf(errors.Wrap(err, "inner"), "outer %d", 1) }},
	{"Join", func(err error) error { return errors.Join(io.ErrClosedPipe, err) }},
}

func TestIsMatches(t *testing.T) {
	for _, tc := range matches {
		for _, w := range wrappers {
			t.Run(tc.name+"/"+w.name, func(t *testing.T) {
				err := w.wrap(tc.err)
				if !errors.Is(err, tc.ancestor) {
					t.Errorf("errors.Is(%v, %v) = false, want true", err, tc.ancestor)
				}
			})
		}
	}
}

func TestIsNonMatches(t *testing.T) {
	for _, tc := range nonMatches {
		for _, w := range wrappers {
			t.Run(tc.name+"/"+w.name, func(t *testing.T) {
				err := w.wrap(tc.err)
				if errors.Is(err, tc.target) {
					t.Errorf("errors.Is(%v, %v) = true, want false", err, tc.target)
				}
			})
		}
	}
}

// TestSentinelTreeIsExact checks every ordered pair of sentinels: a pair
// matches exactly when it is reflexive or listed in matches, so nothing in
// the tree matches by accident (ErrHTTP matches no child, siblings never
// match each other).
func TestSentinelTreeIsExact(t *testing.T) {
	want := make(map[[2]error]bool)
	for _, m := range matches {
		want[[2]error{m.err, m.ancestor}] = true
	}
	for _, a := range sentinels {
		for _, b := range sentinels {
			expect := a.err == b.err || want[[2]error{a.err, b.err}]
			if got := errors.Is(a.err, b.err); got != expect {
				t.Errorf("errors.Is(%s, %s) = %v, want %v", a.name, b.name, got, expect)
			}
		}
	}
}

func TestSentinelsAreDistinct(t *testing.T) {
	seen := make(map[error]string)
	msgs := make(map[string]string)
	for _, s := range sentinels {
		if s.err == nil {
			t.Fatalf("%s is nil", s.name)
		}
		if prev, ok := seen[s.err]; ok {
			t.Errorf("%s and %s are the same value", prev, s.name)
		}
		seen[s.err] = s.name
		if prev, ok := msgs[s.err.Error()]; ok {
			t.Errorf("%s and %s share the message %q", prev, s.name, s.err.Error())
		}
		msgs[s.err.Error()] = s.name
	}
}

// TestRemoteDisconnectedIsConnReset reaches the errno itself, the way a
// caller that handles ECONNRESET from any source would.
func TestRemoteDisconnectedIsConnReset(t *testing.T) {
	for _, w := range wrappers {
		t.Run(w.name, func(t *testing.T) {
			var errno syscall.Errno
			if !errors.As(w.wrap(errors.ErrRemoteDisconnected), &errno) {
				t.Fatal("errors.As(ErrRemoteDisconnected, *syscall.Errno) = false")
			}
			if errno != syscall.ECONNRESET {
				t.Errorf("errno = %v, want ECONNRESET", errno)
			}
		})
	}
}

// checkAs asserts that errors.As finds exactly want (the same pointer) in err.
func checkAs[T error](t *testing.T, err error, want T) {
	t.Helper()
	var got T
	if !errors.As(err, &got) {
		t.Fatalf("errors.As(%v, %T) = false, want true", err, &got)
	}
	if any(got) != any(want) {
		t.Errorf("errors.As(%v, %T) found %#v, want %#v", err, &got, got, want)
	}
}

func TestAs(t *testing.T) {
	tests := []struct {
		name  string
		err   error
		check func(*testing.T, error)
	}{
		{"IncompleteReadError", incompleteRead, func(t *testing.T, err error) { checkAs(t, err, incompleteRead) }},
		{"BadStatusLineError", badStatusLine, func(t *testing.T, err error) { checkAs(t, err, badStatusLine) }},
		{"LineTooLongError", lineTooLong, func(t *testing.T, err error) { checkAs(t, err, lineTooLong) }},
		{"InvalidURLError", invalidURL, func(t *testing.T, err error) { checkAs(t, err, invalidURL) }},
		{"TunnelError", tunnel, func(t *testing.T, err error) { checkAs(t, err, tunnel) }},
		{"HeaderError", header, func(t *testing.T, err error) { checkAs(t, err, header) }},
		{"StateError", stateRequest, func(t *testing.T, err error) { checkAs(t, err, stateRequest) }},
		{"UnknownProtocolError", unknownProto, func(t *testing.T, err error) { checkAs(t, err, unknownProto) }},
		{"ProtocolError", protoChunk, func(t *testing.T, err error) { checkAs(t, err, protoChunk) }},
	}
	for _, tc := range tests {
		for _, w := range wrappers {
			t.Run(tc.name+"/"+w.name, func(t *testing.T) { tc.check(t, w.wrap(tc.err)) })
		}
	}
}

func TestAsDoesNotCrossTypes(t *testing.T) {
	for _, w := range wrappers {
		t.Run(w.name, func(t *testing.T) {
			var bsl *errors.BadStatusLineError
			if errors.As(w.wrap(errors.ErrBadStatusLine), &bsl) {
				t.Errorf("errors.As(ErrBadStatusLine, *BadStatusLineError) = true: a sentinel is not its typed form")
			}
			if errors.As(w.wrap(errors.ErrRemoteDisconnected), &bsl) {
				t.Errorf("errors.As(ErrRemoteDisconnected, *BadStatusLineError) = true")
			}
			var he *errors.HeaderError
			if errors.As(w.wrap(tunnel), &he) {
				t.Errorf("errors.As(*TunnelError, *HeaderError) = true")
			}
			var se *errors.StateError
			if errors.As(w.wrap(protoChunk), &se) {
				t.Errorf("errors.As(*ProtocolError, *StateError) = true")
			}
		})
	}
}

// TestIncompleteReadCause checks that the cause of an IncompleteReadError
// stays reachable: a deadline stays a deadline, a net.OpError stays one.
func TestIncompleteReadCause(t *testing.T) {
	opErr := &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}
	tests := []struct {
		name   string
		cause  error
		is     []error
		isNot  []error
		wantOp bool // errors.As finds opErr
	}{
		{"nil", nil, []error{errors.ErrIncompleteRead, errors.ErrHTTP}, []error{io.ErrUnexpectedEOF, io.EOF}, false},
		{"UnexpectedEOF", io.ErrUnexpectedEOF, []error{errors.ErrIncompleteRead, io.ErrUnexpectedEOF}, []error{io.EOF}, false},
		{"deadline", fmt.Errorf("read body: %w", opErr), []error{errors.ErrIncompleteRead, os.ErrDeadlineExceeded}, []error{io.ErrUnexpectedEOF}, true},
	}
	for _, tc := range tests {
		for _, w := range wrappers {
			t.Run(tc.name+"/"+w.name, func(t *testing.T) {
				e := &errors.IncompleteReadError{Partial: []byte("ab"), Expected: 5, Err: tc.cause}
				err := w.wrap(e)
				for _, target := range tc.is {
					if !errors.Is(err, target) {
						t.Errorf("errors.Is(%v, %v) = false, want true", err, target)
					}
				}
				for _, target := range tc.isNot {
					if errors.Is(err, target) {
						t.Errorf("errors.Is(%v, %v) = true, want false", err, target)
					}
				}
				checkAs(t, err, e)
				var op *net.OpError
				if got := errors.As(err, &op); got != tc.wantOp || (got && op != opErr) {
					t.Errorf("errors.As(%v, *net.OpError) = %v (%v), want %v", err, got, op, tc.wantOp)
				}
				var ne net.Error
				if got := errors.As(err, &ne); got != tc.wantOp || (got && !ne.Timeout()) {
					t.Errorf("errors.As(%v, net.Error) = %v, want %v and a timeout", err, got, tc.wantOp)
				}
			})
		}
	}
}

func TestIncompleteReadUnwrap(t *testing.T) {
	tests := []struct {
		name  string
		cause error
		want  []error
	}{
		{"no cause", nil, []error{errors.ErrIncompleteRead}},
		{"cause", io.ErrUnexpectedEOF, []error{errors.ErrIncompleteRead, io.ErrUnexpectedEOF}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := (&errors.IncompleteReadError{Err: tc.cause}).Unwrap()
			if !slices.Equal(got, tc.want) {
				t.Errorf("Unwrap() = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestErrorText(t *testing.T) {
	long := strings.Repeat("a", 200)
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"IncompleteRead", &errors.IncompleteReadError{Partial: []byte("1234567"), Expected: 3},
			"http: incomplete read (7 bytes read, 3 more expected)"},
		{"IncompleteRead/unknown", &errors.IncompleteReadError{Expected: -1},
			"http: incomplete read (0 bytes read)"},
		{"IncompleteRead/cause", &errors.IncompleteReadError{Partial: []byte("ab"), Expected: 0, Err: io.ErrUnexpectedEOF},
			"http: incomplete read (2 bytes read, 0 more expected): unexpected EOF"},
		{"BadStatusLine", &errors.BadStatusLineError{Line: "HTTP/1.1 abc OK"},
			`http: bad status line "HTTP/1.1 abc OK"`},
		{"BadStatusLine/reason", &errors.BadStatusLineError{Line: "ICY 200 OK", Reason: "not HTTP"},
			`http: bad status line "ICY 200 OK": not HTTP`},
		{"BadStatusLine/truncated", &errors.BadStatusLineError{Line: long},
			`http: bad status line "` + long[:128] + `..."`},
		{"BadStatusLine/control", &errors.BadStatusLineError{Line: "HTTP/1.1 200 \x00"},
			`http: bad status line "HTTP/1.1 200 \x00"`},
		{"LineTooLong/limit", &errors.LineTooLongError{LineType: "header line", Limit: 65536},
			"http: got more than 65536 bytes when reading header line"},
		{"LineTooLong/no limit", &errors.LineTooLongError{LineType: "status line"},
			"http: line too long when reading status line"},
		{"InvalidURL", &errors.InvalidURLError{URL: "example.com:abc", Reason: "nonnumeric port"},
			`http: invalid URL "example.com:abc": nonnumeric port`},
		{"InvalidURL/no reason", &errors.InvalidURLError{URL: "a b"},
			`http: invalid URL "a b"`},
		{"Tunnel", &errors.TunnelError{Status: 407, Reason: "Proxy Authentication Required"},
			"http: tunnel connection failed: 407 Proxy Authentication Required"},
		{"Tunnel/no reason", &errors.TunnelError{Status: 502},
			"http: tunnel connection failed: 502"},
		{"Header/name", &errors.HeaderError{Name: "X Bad", Reason: "invalid field name"},
			`http: invalid header field "X Bad": invalid field name`},
		{"Header/value", &errors.HeaderError{Name: "X-Ok", Value: "a\r\nb", Reason: "invalid field value"},
			`http: invalid header field "X-Ok" value "a\r\nb": invalid field value`},
		{"Header/no reason", &errors.HeaderError{Name: "X"},
			`http: invalid header field "X"`},
		{"State", &errors.StateError{Kind: errors.ErrCannotSendRequest, State: "Request-sent"},
			"http: cannot send request (state Request-sent)"},
		{"State/no state", &errors.StateError{Kind: errors.ErrResponseNotReady},
			"http: response not ready"},
		{"State/nil kind", &errors.StateError{State: "Idle"},
			"http: improper connection state (state Idle)"},
		{"UnknownProtocol", &errors.UnknownProtocolError{Version: "HTTP/2.0"},
			`http: unknown protocol "HTTP/2.0"`},
		{"Protocol", &errors.ProtocolError{Kind: errors.ErrInvalidChunk, Detail: "bare LF after chunk size"},
			"http: invalid chunked encoding: bare LF after chunk size"},
		{"Protocol/no detail", &errors.ProtocolError{Kind: errors.ErrInvalidContentLength},
			"http: invalid Content-Length"},
		{"Protocol/nil kind", &errors.ProtocolError{},
			"http: error"},
		{"RemoteDisconnected", errors.ErrRemoteDisconnected,
			"http: remote end closed connection without response"},
		{"Wrap", errors.Wrap(errors.ErrNotConnected, "http: send"),
			"http: send: http: not connected"},
		{"Wrapf", errors.Wrapf(errors.ErrTunnel, "http: connect %s:%d", "proxy", 3128),
			"http: connect proxy:3128: http: tunnel connection failed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.want {
				t.Errorf("Error() = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestMessagesHavePrefix checks the "http: " prefix on every sentinel and
// on every typed error, both filled in and at its zero value.
func TestMessagesHavePrefix(t *testing.T) {
	all := []error{
		incompleteRead, badStatusLine, lineTooLong, invalidURL, tunnel, header,
		stateRequest, stateHeader, stateResponse, unknownProto, protoChunk, protoFraming,
		&errors.IncompleteReadError{}, &errors.BadStatusLineError{}, &errors.LineTooLongError{},
		&errors.InvalidURLError{}, &errors.TunnelError{}, &errors.HeaderError{}, &errors.StateError{},
		&errors.UnknownProtocolError{}, &errors.ProtocolError{},
	}
	for _, s := range sentinels {
		all = append(all, s.err)
	}
	for _, err := range all {
		t.Run(fmt.Sprintf("%T/%s", err, err), func(t *testing.T) {
			if msg := err.Error(); !strings.HasPrefix(msg, "http: ") {
				t.Errorf("message %q does not start with %q", msg, "http: ")
			}
		})
	}
}

func TestWrapNil(t *testing.T) {
	if err := errors.Wrap(nil, "http: x"); err != nil {
		t.Errorf("Wrap(nil) = %v, want nil", err)
	}
	if err := errors.Wrapf(nil, "http: %d", 1); err != nil {
		t.Errorf("Wrapf(nil) = %v, want nil", err)
	}
}

func TestReexports(t *testing.T) {
	a, b := errors.New("a"), errors.New("a")
	if a == b || errors.Is(a, b) {
		t.Errorf("New returned equal errors for two calls")
	}
	if a.Error() != "a" {
		t.Errorf("New(%q).Error() = %q", "a", a.Error())
	}
	if got := errors.Unwrap(errors.Wrap(a, "ctx")); got != a {
		t.Errorf("Unwrap(Wrap(a)) = %v, want a", got)
	}
	if got := errors.Unwrap(a); got != nil {
		t.Errorf("Unwrap(New) = %v, want nil", got)
	}
	j := errors.Join(a, errors.ErrTunnel)
	if !errors.Is(j, a) || !errors.Is(j, errors.ErrHTTP) || errors.Is(j, b) {
		t.Errorf("Join(a, ErrTunnel) does not match exactly its members")
	}
	if errors.Join() != nil || errors.Join(nil, nil) != nil {
		t.Errorf("Join of nils is not nil")
	}
}

// ---- error discipline across the repository ----

// nonLibraryDirs are top-level directories whose code is not library code:
// tools, the command, test helpers and benchmarks may format their own
// messages.
var nonLibraryDirs = map[string]bool{
	"bench": true, "cmd": true, "examples": true, "scripts": true, "testutil": true, "tools": true,
}

// lintSource reports the error-discipline violations in one non-test Go
// file. library says whether the file is library code, where every error
// must be a sentinel or typed error of package errors (wrapped with %w).
// Outside package errors, no non-test file may import the standard
// "errors": ours re-exports what it offers.
func lintSource(fset *token.FileSet, filename string, src []byte, library bool) ([]string, error) {
	f, err := parser.ParseFile(fset, filename, src, parser.SkipObjectResolution|parser.ParseComments)
	if err != nil {
		return nil, err
	}
	for _, cg := range f.Comments {
		if cg.Pos() > f.Package {
			break
		}
		for _, c := range cg.List {
			if strings.HasPrefix(c.Text, "//go:build") && slices.Contains(strings.Fields(c.Text), "ignore") {
				return nil, nil // a generator or scratch file that is never built
			}
		}
	}
	var problems []string
	report := func(pos token.Pos, format string, args ...any) {
		problems = append(problems, fset.Position(pos).String()+": "+fmt.Sprintf(format, args...))
	}
	errorsNames := map[string]bool{} // local names of std "errors" and ours
	fmtName := ""
	for _, imp := range f.Imports {
		path, _ := strconv.Unquote(imp.Path.Value)
		local := ""
		if imp.Name != nil {
			local = imp.Name.Name
		}
		switch path {
		case "errors":
			report(imp.Pos(), `imports the standard "errors"; import "github.com/httpstack/httpstack/errors" instead`)
			if local == "" {
				local = "errors"
			}
			errorsNames[local] = true
		case "github.com/httpstack/httpstack/errors":
			if local == "" {
				local = "errors"
			}
			errorsNames[local] = true
		case "fmt":
			if local == "" {
				local = "fmt"
			}
			fmtName = local
		}
	}
	if !library {
		return problems, nil
	}
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		pkg, ok := sel.X.(*ast.Ident)
		if !ok {
			return true
		}
		switch {
		case errorsNames[pkg.Name] && sel.Sel.Name == "New":
			report(call.Pos(), "%s.New in library code: use a sentinel or typed error of package errors", pkg.Name)
		case pkg.Name == fmtName && fmtName != "" && sel.Sel.Name == "Errorf":
			if len(call.Args) == 0 {
				report(call.Pos(), "fmt.Errorf without a format")
				break
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				report(call.Pos(), "fmt.Errorf with a non-literal format: wrap a sentinel or typed error with %%w")
				break
			}
			format, err := strconv.Unquote(lit.Value)
			if err != nil || !strings.Contains(format, "%w") {
				report(call.Pos(), "fmt.Errorf(%s) without %%w: wrap a sentinel or typed error", lit.Value)
			}
		}
		return true
	})
	return problems, nil
}

func TestLintSource(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		library bool
		want    int // number of problems
	}{
		{"clean", `package p
import "github.com/httpstack/httpstack/errors"
var ErrX = errors.ErrHTTP
func f(err error) error { return errors.Wrap(err, "http: f") }`, true, 0},
		{"std errors import", `package p
import "errors"
var _ = errors.Is`, true, 1},
		{"std errors import in cmd", `package main
import "errors"
var _ = errors.Is`, false, 1},
		{"std errors aliased", `package p
import stderrors "errors"
var e = stderrors.New("x")`, true, 2},
		{"our errors.New", `package p
import "github.com/httpstack/httpstack/errors"
var e = errors.New("http: x")`, true, 1},
		{"our errors.New aliased", `package p
import herr "github.com/httpstack/httpstack/errors"
func f() error { return herr.New("http: x") }`, true, 1},
		{"errors.New outside library", `package main
import "github.com/httpstack/httpstack/errors"
var e = errors.New("usage")`, false, 0},
		{"Errorf without %w", `package p
import "fmt"
func f(n int) error { return fmt.Errorf("http: bad %d", n) }`, true, 1},
		{"Errorf with %w", `package p
import ("fmt"; "github.com/httpstack/httpstack/errors")
func f(n int) error { return fmt.Errorf("http: bad %d: %w", n, errors.ErrInvalidChunk) }`, true, 0},
		{"Errorf raw string with %w", "package p\nimport \"fmt\"\nfunc f(e error) error { return fmt.Errorf(`x: %w`, e) }", true, 0},
		{"Errorf non-literal", `package p
import "fmt"
const format = "http: %w"
func f(e error) error { return fmt.Errorf(format, e) }`, true, 1},
		{"Errorf aliased fmt", `package p
import f "fmt"
var e = f.Errorf("http: x")`, true, 1},
		{"Errorf outside library", `package main
import "fmt"
var e = fmt.Errorf("usage: %s", "x")`, false, 0},
		{"other New is fine", `package p
import "bytes"
var b = bytes.NewReader(nil)
type errors struct{}
func (errors) New() {}`, true, 0},
		{"build ignore", `//go:build ignore

package main
import "errors"
var e = errors.New("gen")`, true, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			problems, err := lintSource(token.NewFileSet(), "x.go", []byte(tc.src), tc.library)
			if err != nil {
				t.Fatal(err)
			}
			if len(problems) != tc.want {
				t.Errorf("got %d problems, want %d:\n%s", len(problems), tc.want, strings.Join(problems, "\n"))
			}
		})
	}
}

// moduleRoot walks up from the test's directory to the go.mod of this module.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}

// TestErrorDiscipline walks every non-test Go file of the module (nested
// modules such as bench/ and testdata/ excluded). Outside package errors no
// file may import the standard "errors"; library code may not call
// errors.New or fmt.Errorf without %w, so every failure stays matchable.
func TestErrorDiscipline(t *testing.T) {
	root := moduleRoot(t)
	fset := token.NewFileSet()
	var problems []string
	files := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "." {
				return nil
			}
			name := d.Name()
			if name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
				return filepath.SkipDir // another module
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") {
			return nil
		}
		segs := strings.Split(rel, "/")
		if segs[0] == "errors" {
			return nil
		}
		library := !nonLibraryDirs[segs[0]] && !slices.Contains(segs[:len(segs)-1], "testutil")
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		p, err := lintSource(fset, rel, src, library)
		if err != nil {
			// A file that does not parse is another test's failure (the
			// build breaks); note it but keep checking the rest.
			t.Logf("skipping %s: %v", rel, err)
			return nil
		}
		problems = append(problems, p...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
	t.Logf("checked %d non-test Go files outside errors/", files)
}
