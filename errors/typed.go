package errors

import (
	"fmt"
	"strconv"
)

// IncompleteReadError reports a body that ended early (Python:
// IncompleteRead). Use [As] to reach it; it also matches [ErrIncompleteRead].
//
// Partial holds the body bytes that the failing call had already received
// and, for Read, already copied into the caller's buffer: no received byte
// is lost, Partial only repeats them for inspection. Expected counts the
// bytes still missing, or -1 when the framing (chunked, or a short chunk)
// does not say.
type IncompleteReadError struct {
	Partial  []byte
	Expected int64
	// Err is the underlying cause (io.ErrUnexpectedEOF, a network error),
	// or nil.
	Err error
}

var _ error = (*IncompleteReadError)(nil)

// Error returns "http: incomplete read (N bytes read, M more expected)",
// leaving out the expected count when it is unknown and adding the cause.
func (e *IncompleteReadError) Error() string {
	s := "http: incomplete read (" + strconv.Itoa(len(e.Partial)) + " bytes read"
	if e.Expected >= 0 {
		s += ", " + strconv.FormatInt(e.Expected, 10) + " more expected"
	}
	s += ")"
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns [ErrIncompleteRead] and the cause, if any.
func (e *IncompleteReadError) Unwrap() []error { return withCause(ErrIncompleteRead, e.Err) }

// BadStatusLineError reports a status line that could not be parsed
// (Python: BadStatusLine). Use [As] to reach it; it also matches
// [ErrBadStatusLine].
type BadStatusLineError struct {
	// Line is the offending line without its line terminator.
	Line string
	// Reason says what was wrong with it, or is empty.
	Reason string
}

var _ error = (*BadStatusLineError)(nil)

// Error returns the quoted line (truncated if huge) and the reason.
func (e *BadStatusLineError) Error() string {
	s := "http: bad status line " + strconv.Quote(truncate(e.Line))
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

// Unwrap returns [ErrBadStatusLine].
func (e *BadStatusLineError) Unwrap() error { return ErrBadStatusLine }

// LineTooLongError reports a line longer than the configured limit
// (Python: LineTooLong). Use [As] to reach it; it also matches
// [ErrLineTooLong].
type LineTooLongError struct {
	// LineType names the line: "status line", "header line", "chunk size",
	// "trailer line", "request line" or "chunk extension".
	LineType string
	// Limit is the limit in bytes that was exceeded, or 0 if unknown.
	Limit int
}

var _ error = (*LineTooLongError)(nil)

// Error names the line type and, when known, the limit.
func (e *LineTooLongError) Error() string {
	if e.Limit > 0 {
		return "http: got more than " + strconv.Itoa(e.Limit) + " bytes when reading " + e.LineType
	}
	return "http: line too long when reading " + e.LineType
}

// Unwrap returns [ErrLineTooLong].
func (e *LineTooLongError) Unwrap() error { return ErrLineTooLong }

// InvalidURLError reports a bad host, port or request target (Python:
// InvalidURL). Use [As] to reach it; it also matches [ErrInvalidURL].
type InvalidURLError struct {
	URL    string
	Reason string
}

var _ error = (*InvalidURLError)(nil)

// Error returns the quoted URL (truncated if huge) and the reason.
func (e *InvalidURLError) Error() string {
	s := "http: invalid URL " + strconv.Quote(truncate(e.URL))
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

// Unwrap returns [ErrInvalidURL].
func (e *InvalidURLError) Unwrap() error { return ErrInvalidURL }

// TunnelError reports a proxy that answered CONNECT with a status other
// than 2xx. Use [As] to reach it; it also matches [ErrTunnel]. The proxy's
// response headers stay readable through the connection.
type TunnelError struct {
	Status int
	Reason string
}

var _ error = (*TunnelError)(nil)

// Error returns the proxy's status code and reason phrase.
func (e *TunnelError) Error() string {
	s := "http: tunnel connection failed: " + strconv.Itoa(e.Status)
	if e.Reason != "" {
		s += " " + e.Reason
	}
	return s
}

// Unwrap returns [ErrTunnel].
func (e *TunnelError) Unwrap() error { return ErrTunnel }

// HeaderError reports an invalid header field. Remote is true when the
// peer sent it and false when the caller gave it, so that caller mistakes
// never look like peer misbehaviour. Use [As] to reach it; it also matches
// [ErrInvalidHeader].
type HeaderError struct {
	// Name is the field name, or the whole line when no name could be cut.
	Name string
	// Value is the field value, if any.
	Value string
	// Reason says what is wrong, e.g. "whitespace before colon".
	Reason string
	// Remote reports whether the field came from the peer.
	Remote bool
}

var _ error = (*HeaderError)(nil)

// Error returns the quoted name and value (truncated if huge) and the reason.
func (e *HeaderError) Error() string {
	s := "http: invalid header field"
	if e.Name != "" {
		s += " " + strconv.Quote(truncate(e.Name))
	}
	if e.Value != "" {
		s += " value " + strconv.Quote(truncate(e.Value))
	}
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

// Unwrap returns [ErrInvalidHeader].
func (e *HeaderError) Unwrap() error { return ErrInvalidHeader }

// StateError reports a call made in the wrong connection state. It matches
// its Kind ([ErrCannotSendRequest], [ErrCannotSendHeader],
// [ErrResponseNotReady] or [ErrNotConnected]) and carries the state name,
// as Python's exceptions carry it in args. A nil Kind stands for
// [ErrImproperConnectionState].
type StateError struct {
	Kind  error
	State string
}

var _ error = (*StateError)(nil)

// Error returns the Kind's message and the state name.
func (e *StateError) Error() string {
	if e.State == "" {
		return e.kind().Error()
	}
	return fmt.Sprintf("%s (state %s)", e.kind().Error(), e.State)
}

// Unwrap returns the Kind ([ErrImproperConnectionState] if Kind is nil).
func (e *StateError) Unwrap() error { return e.kind() }

func (e *StateError) kind() error {
	if e.Kind == nil {
		return ErrImproperConnectionState
	}
	return e.Kind
}

// UnknownProtocolError reports a status line whose version this client
// does not speak (Python: UnknownProtocol, with its version attribute).
// It matches [ErrUnknownProtocol].
type UnknownProtocolError struct {
	Version string
}

var _ error = (*UnknownProtocolError)(nil)

// Error returns the quoted version.
func (e *UnknownProtocolError) Error() string {
	return "http: unknown protocol " + strconv.Quote(truncate(e.Version))
}

// Unwrap returns [ErrUnknownProtocol].
func (e *UnknownProtocolError) Unwrap() error { return ErrUnknownProtocol }

// ProtocolError reports a framing violation with the detail needed to
// debug it. It matches Kind (such as [ErrInvalidChunk],
// [ErrInvalidContentLength], [ErrInvalidFraming] or
// [ErrUnknownTransferEncoding]); a nil Kind stands for [ErrHTTP].
type ProtocolError struct {
	Kind   error
	Detail string
}

var _ error = (*ProtocolError)(nil)

// Error returns the Kind's message and the detail.
func (e *ProtocolError) Error() string {
	if e.Detail == "" {
		return e.kind().Error()
	}
	return e.kind().Error() + ": " + e.Detail
}

// Unwrap returns the Kind ([ErrHTTP] if Kind is nil).
func (e *ProtocolError) Unwrap() error { return e.kind() }

func (e *ProtocolError) kind() error {
	if e.Kind == nil {
		return ErrHTTP
	}
	return e.Kind
}

func withCause(sentinel, cause error) []error {
	if cause == nil {
		return []error{sentinel}
	}
	return []error{sentinel, cause}
}

// truncate keeps error messages bounded when a hostile peer sends a huge line.
func truncate(s string) string {
	const max = 128
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
