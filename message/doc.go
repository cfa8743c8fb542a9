// Package message holds HTTP header fields: [Field] and [Header], an
// ordered, case-preserving list of fields with case-insensitive lookups,
// and [ParseHeaders], which reads a header section from a *bufio.Reader.
//
// It owns the in-memory form of a header section. It does not validate or
// encode fields (package wire does: [wire.AppendField],
// [wire.HeaderDecoder]) and knows nothing about connections.
//
// # Case and order
//
// A [Header] is a slice, not a map: fields keep the order and the name
// spelling they were received or given in, and repeated fields stay
// separate. [Header.Get], [Header.Values], [Header.Has], [Header.Set] and
// [Header.Del] compare names ignoring ASCII case at call time. Nothing is
// canonicalised: "x-request-id" stays "x-request-id" (compare
// net/http's CanonicalMIMEHeaderKey, golang/go#5022).
//
// # Allocation
//
// [ParseHeaders] copies a whole header section into one string and one
// []Field: two allocations whatever the number of fields. [HeaderBuilder]
// does the same for callers that decode with package wire themselves.
// Lookups do not allocate.
//
// # Errors
//
// Parsing is strict, unlike http.client's, which silently drops lines the
// email parser does not understand. A malformed line is an
// *errors.HeaderError with Remote set, a line over the limit an
// *errors.LineTooLongError, too many fields an error matching
// errors.ErrTooManyHeaders; all come from package wire.
//
// # Concurrency
//
// A Header is a plain slice: concurrent reads are safe, writes need the
// caller's synchronisation.
//
// References:
//   - [RFC 9110] §5: Fields
//   - [RFC 9112] §5: Field Syntax
//
// [RFC 9110]: https://www.rfc-editor.org/rfc/rfc9110#section-5
// [RFC 9112]: https://www.rfc-editor.org/rfc/rfc9112#section-5
package message
