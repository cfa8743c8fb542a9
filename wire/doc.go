// Package wire implements the HTTP/1.1 wire format as pure codecs: request
// and status lines, header and trailer sections, chunked bodies, body
// framing and the [Limits] that bound them, with thin adapters over
// *bufio.Reader.
//
// It owns the encoding and decoding of request lines, status lines, header
// fields and blocks, chunked bodies and trailers. It does not open
// sockets, hold connection state or allocate per byte.
//
// # Decoders
//
// Every decoder takes a byte slice and reports how many bytes it consumed,
// in the shape of [ParseStatusLine]:
//
//	func ParseStatusLine(b []byte, lim *Limits) (StatusLine, int, error)
//
// On incomplete input a decoder returns [ErrNeedMore] and consumes
// nothing; the caller appends bytes and calls again. Results are views
// into the input, valid as long as the input is. Header sections are
// decoded one field at a time by a [HeaderDecoder], so that a caller never
// needs a whole block in memory; a block that is already buffered whole
// can be located in one pass with [HeaderDecoder.Spans], which falls back
// to the field-by-field rules for anything unusual. Decoders make no
// allocation on success.
//
// Lines end in CRLF; a bare LF is accepted at the end of a start line or
// a field line (RFC 9112 §2.2), a bare CR nowhere.
//
// # Encoders
//
// Encoders append to a caller's buffer and validate what they write:
// [AppendRequestLine], [AppendStatusLine], [AppendField]. Each has a
// matching length function ([RequestLineLen], [FieldLen]).
//
// # Adapters
//
// [ReadStatusLine], [ReadRequestLine] and [ReadHeaderBlock] run the
// decoders over a *bufio.Reader: they peek at the buffered bytes, decode,
// and discard what was consumed. An item longer than the reader's buffer
// is collected into a scratch buffer, bounded by the same limits. They
// are the only functions here that do I/O.
//
// # Limits
//
// Every decoder enforces its [Limits] on incomplete input too: once the
// bytes it holds exceed a limit it fails instead of asking for more. A
// nil *Limits means [DefaultLimits], which match http.client's: lines of
// up to 65536 bytes including the terminator, 100 header lines.
//
// # Errors
//
// Every error comes from package github.com/httpstack/httpstack/errors:
// *errors.BadStatusLineError and *errors.UnknownProtocolError for status
// lines, *errors.HeaderError (Remote true for what the peer sent, false
// for what the caller gave), *errors.LineTooLongError,
// *errors.InvalidURLError, *errors.ProtocolError with a Kind such as
// errors.ErrInvalidMethod or errors.ErrInvalidChunk, and errors matching
// errors.ErrTooManyHeaders. [ErrNeedMore] is flow control and never leaves
// the adapters.
//
// # Concurrency
//
// Functions are safe for concurrent use; a [HeaderDecoder] is not.
//
// References:
//   - [RFC 9110]: HTTP Semantics (§5.6 tokens, §2.5 versions)
//   - [RFC 9112]: HTTP/1.1 (§2 message format, §3 request line, §4 status
//     line, §5 field syntax, §7 chunked)
//
// [RFC 9110]: https://www.rfc-editor.org/rfc/rfc9110
// [RFC 9112]: https://www.rfc-editor.org/rfc/rfc9112
package wire
