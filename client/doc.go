// Package client is Python's http.client for Go: [Conn] is HTTPConnection
// (and, made by [NewTLS], HTTPSConnection), [Response] is HTTPResponse.
// The method names, the order of calls, the headers added and the bytes
// written follow http.client; where http.client has a bug or a security
// weakness, this package is strict instead (see docs/deviations.md). The
// mapping of every Python name to its Go counterpart is in
// docs/python-mapping.md.
//
// It owns the connection state machine, the request serialization rules,
// response framing, keep-alive and reconnection, the debug transcript and
// the trace hooks. It must not re-implement a codec: request lines, header
// fields, status lines, header blocks and chunked bodies are encoded and
// decoded by package wire, and connections come from a transport.Dialer.
//
// # Requests
//
// [Conn.Request] sends a whole request. The lower-level calls
// [Conn.PutRequest], [Conn.PutHeader], [Conn.EndHeaders] and [Conn.Send]
// build it piece by piece, as in Python. Everything a caller gives is
// validated before the first byte is written: a request that fails
// validation leaves nothing behind, and the connection stays usable.
//
// # The state machine
//
// A Conn is in one of three states, Python's Idle, Request-started and
// Request-sent. PutRequest moves Idle to Request-started, EndHeaders moves
// it to Request-sent, and GetResponse, having read a response head, back
// to Idle. A call made in the wrong state fails with an
// [errors.StateError] that matches ErrCannotSendRequest,
// ErrCannotSendHeader or ErrResponseNotReady. The transitions live in
// state.go, with a table.
//
// # Keep-alive
//
// After a response whose framing allows it (Content-Length or chunked
// coding on an HTTP/1.1 response without "Connection: close", or an
// HTTP/1.0 one that asks for keep-alive), the socket stays open and the
// next request reuses it once the body was read to the end (or closed
// with what is left already buffered). As in Python, a new request may be
// sent before the previous body is read; its GetResponse then waits with
// ErrResponseNotReady until that body is done. When the framing says the
// connection must close, the Response takes the socket and closes it when
// its body ends, and the Conn dials again for the next request. A Conn
// never retries a request by itself.
//
// # Contexts and timeouts
//
// Every blocking call takes a context: its deadline bounds the call and
// its cancellation unblocks it, closing the socket, with an error for
// which errors.Is(err, context.Canceled) holds. The context given to
// GetResponse also governs reading that response's body. [WithTimeout]
// bounds the connect and every single read and write, like Python's
// timeout. No goroutine is started per connection or per request.
//
// # Concurrency
//
// A Conn and its Responses are for one goroutine at a time, except that
// [Conn.Close] may be called from any goroutine to abort a blocked call.
//
// # Limits
//
// What is read from the peer is bounded by [wire.Limits] (see
// [WithLimits]): line length, header count and size, interim responses,
// trailers and chunk overhead. A declared Content-Length is never
// allocated up front; bodies stream through the caller's buffer.
//
// References:
//   - [RFC 9110]: HTTP Semantics
//   - [RFC 9112]: HTTP/1.1
//   - [http.client]: the Python module this package follows
//
// [RFC 9110]: https://www.rfc-editor.org/rfc/rfc9110
// [RFC 9112]: https://www.rfc-editor.org/rfc/rfc9112
// [http.client]: https://docs.python.org/3/library/http.client.html
package client
