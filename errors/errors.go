package errors

import (
	stderrors "errors"
	"fmt"
	"syscall"
)

// kind is a sentinel error that unwraps to its parents, so that errors.Is
// walks the same tree as Python's exception classes.
type kind struct {
	msg     string
	parents []error
}

func (k *kind) Error() string   { return k.msg }
func (k *kind) Unwrap() []error { return k.parents }

func newKind(msg string, parents ...error) error {
	return &kind{msg: msg, parents: parents}
}

// ErrHTTP is the root of the tree: every error this module defines matches
// it with [Is]. It stands for Python's http.client.HTTPException.
var ErrHTTP = newKind("http: error")

// Sentinels mirroring the http.client exception classes. Each matches
// [ErrHTTP]; see the package documentation for the full tree.
var (
	// ErrNotConnected reports a send on a connection that is not open and
	// may not open itself (Python: NotConnected).
	ErrNotConnected = newKind("http: not connected", ErrHTTP)

	// ErrInvalidURL reports a bad host, port or request target
	// (Python: InvalidURL). The typed form is [*InvalidURLError].
	ErrInvalidURL = newKind("http: invalid URL", ErrHTTP)

	// ErrUnknownProtocol reports a status line whose HTTP version is not
	// 1.x (Python: UnknownProtocol).
	ErrUnknownProtocol = newKind("http: unknown protocol", ErrHTTP)

	// ErrUnknownTransferEncoding reports a Transfer-Encoding this client
	// cannot decode (Python: UnknownTransferEncoding, which it never raises).
	ErrUnknownTransferEncoding = newKind("http: unknown transfer encoding", ErrHTTP)

	// ErrUnimplementedFileMode exists for parity with Python's
	// UnimplementedFileMode; nothing in this module returns it.
	ErrUnimplementedFileMode = newKind("http: unimplemented file mode", ErrHTTP)

	// ErrIncompleteRead reports a body that ended before its framing said
	// it would (Python: IncompleteRead). The typed form is
	// [*IncompleteReadError].
	ErrIncompleteRead = newKind("http: incomplete read", ErrHTTP)

	// ErrImproperConnectionState is the parent of the three state errors
	// (Python: ImproperConnectionState).
	ErrImproperConnectionState = newKind("http: improper connection state", ErrHTTP)

	// ErrCannotSendRequest reports a new request while the connection is
	// not idle (Python: CannotSendRequest).
	ErrCannotSendRequest = newKind("http: cannot send request", ErrImproperConnectionState, ErrHTTP)

	// ErrCannotSendHeader reports a header or end of headers outside a
	// started request (Python: CannotSendHeader).
	ErrCannotSendHeader = newKind("http: cannot send header", ErrImproperConnectionState, ErrHTTP)

	// ErrResponseNotReady reports GetResponse before a request was sent or
	// while an earlier response is still unread (Python: ResponseNotReady).
	ErrResponseNotReady = newKind("http: response not ready", ErrImproperConnectionState, ErrHTTP)

	// ErrBadStatusLine reports a status line that is not HTTP
	// (Python: BadStatusLine). The typed form is [*BadStatusLineError].
	ErrBadStatusLine = newKind("http: bad status line", ErrHTTP)

	// ErrLineTooLong reports a line over the configured limit
	// (Python: LineTooLong). The typed form is [*LineTooLongError].
	ErrLineTooLong = newKind("http: line too long", ErrHTTP)

	// ErrRemoteDisconnected reports that the peer closed the connection
	// before sending a status line (Python: RemoteDisconnected). It matches
	// [ErrBadStatusLine] and syscall.ECONNRESET, as Python's class derives
	// from both BadStatusLine and ConnectionResetError.
	ErrRemoteDisconnected = newKind("http: remote end closed connection without response", ErrBadStatusLine, syscall.ECONNRESET, ErrHTTP)

	// ErrInvalidMethod reports a request method that is not an RFC 9110
	// token (Python raises ValueError).
	ErrInvalidMethod = newKind("http: invalid method", ErrHTTP)

	// ErrInvalidHeader reports a header field that is not valid, whether
	// the caller gave it or the peer sent it (Python raises ValueError for
	// the former). The typed form is [*HeaderError].
	ErrInvalidHeader = newKind("http: invalid header field", ErrHTTP)

	// ErrTooManyHeaders reports a header block, trailer block or run of
	// interim responses over its configured count.
	ErrTooManyHeaders = newKind("http: too many header fields", ErrHTTP)

	// ErrInvalidChunk reports chunked framing that breaks RFC 9112 §7.1.
	ErrInvalidChunk = newKind("http: invalid chunked encoding", ErrHTTP)

	// ErrInvalidContentLength reports a Content-Length that is not a
	// single non-negative decimal number (RFC 9112 §6.3).
	ErrInvalidContentLength = newKind("http: invalid Content-Length", ErrHTTP)

	// ErrTunnel reports a proxy that refused a CONNECT request. The typed
	// form is [*TunnelError].
	ErrTunnel = newKind("http: tunnel connection failed", ErrHTTP)

	// ErrInvalidFraming reports a response whose body framing cannot be
	// determined safely, such as Transfer-Encoding together with
	// Content-Length (RFC 9112 §6.3, a request-smuggling vector).
	ErrInvalidFraming = newKind("http: invalid message framing", ErrHTTP)

	// ErrTooManyInterim reports more interim (1xx) responses than the
	// configured limit. It also matches [ErrTooManyHeaders].
	ErrTooManyInterim = newKind("http: too many interim responses", ErrTooManyHeaders, ErrHTTP)

	// ErrInvalidBody reports a request body of a type the client cannot
	// send (Python raises TypeError).
	ErrInvalidBody = newKind("http: invalid request body", ErrHTTP)

	// ErrInvalidArgument reports a bad option or argument given by the
	// caller that no more specific error covers (Python raises ValueError
	// or TypeError).
	ErrInvalidArgument = newKind("http: invalid argument", ErrHTTP)

	// ErrTLS reports a TLS-level failure that is not a certificate error,
	// such as a server choosing an application protocol other than HTTP/1.1.
	ErrTLS = newKind("http: TLS failure", ErrHTTP)
)

// New returns an error with the given text. It exists so that code which
// imports this package under the name errors keeps the standard function.
func New(text string) error { return stderrors.New(text) }

// Is reports whether any error in err's tree matches target (the standard
// library's errors.Is).
func Is(err, target error) bool { return stderrors.Is(err, target) }

// As finds the first error in err's tree that matches target (the standard
// library's errors.As).
func As(err error, target any) bool { return stderrors.As(err, target) }

// Unwrap returns the result of calling the Unwrap method on err (the
// standard library's errors.Unwrap).
func Unwrap(err error) error { return stderrors.Unwrap(err) }

// Join returns an error that wraps the given errors (the standard
// library's errors.Join).
func Join(errs ...error) error { return stderrors.Join(errs...) }

// Wrap returns an error that prints as "context: err" and unwraps to err,
// or nil when err is nil. It annotates an error at a public edge without
// hiding it from [Is] and [As].
func Wrap(err error, context string) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", context, err)
}

// Wrapf is [Wrap] with a formatted context.
func Wrapf(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), err)
}
