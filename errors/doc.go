// Package errors defines the error tree of httpstack: sentinels that mirror
// Python's http.client exception classes, typed errors that carry data, and
// re-exports of the standard library's [Is], [As], [Unwrap] and [Join], so a
// caller who imports this package under the name errors loses nothing.
//
// It owns every error value of the module and imports nothing of ours.
//
// # The tree
//
// Every sentinel matches [ErrHTTP] (Python's HTTPException). Beneath it:
//
//	ErrImproperConnectionState
//	    ErrCannotSendRequest, ErrCannotSendHeader, ErrResponseNotReady
//	ErrBadStatusLine
//	    ErrRemoteDisconnected (also syscall.ECONNRESET)
//	ErrTooManyHeaders
//	    ErrTooManyInterim
//	ErrNotConnected, ErrInvalidURL, ErrUnknownProtocol,
//	ErrUnknownTransferEncoding, ErrUnimplementedFileMode, ErrIncompleteRead,
//	ErrLineTooLong, ErrInvalidMethod, ErrInvalidHeader, ErrInvalidChunk,
//	ErrInvalidContentLength, ErrInvalidFraming, ErrTunnel, ErrInvalidBody,
//	ErrInvalidArgument, ErrTLS
//
// Typed errors ([*IncompleteReadError], [*BadStatusLineError],
// [*LineTooLongError], [*InvalidURLError], [*TunnelError], [*HeaderError],
// [*StateError], [*UnknownProtocolError], [*ProtocolError]) are reached
// with [As] and also match their sentinel with [Is]. Errors from the
// network pass through wrapped with %w, so context.DeadlineExceeded,
// os.ErrDeadlineExceeded and syscall errors stay matchable.
//
// Every message starts with "http: ".
package errors
