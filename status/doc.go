// Package status defines HTTP status codes, their reason phrases and their
// classes, as Python's http.HTTPStatus and http.client.responses do.
//
// It owns [Code], a constant for every code of Python 3.13's
// http.HTTPStatus (RFC 9110's codes and the registered extensions, less the
// unused 306),
// the reason phrases ([Text], [Code.Text]) and the classes
// ([Code.IsInformational], [Code.IsSuccess], [Code.IsRedirect],
// [Code.IsClientError], [Code.IsServerError]). It is a leaf: it must not
// import any other package of this module, and the layers above (wire,
// client) use it for the status of a response.
//
// # Names and phrases
//
// Constants are named as net/http names them, without the Status prefix
// ([OK], [NotFound], [IMUsed], [HTTPVersionNotSupported]), except that 418
// is [ImATeapot] after Python's IM_A_TEAPOT. Codes that RFC 9110 renamed
// carry the new name, with the old one kept as an alias of the same value,
// as Python keeps both:
//
//	ContentTooLarge      (413)  alias RequestEntityTooLarge
//	URITooLong           (414)  alias RequestURITooLong
//	RangeNotSatisfiable  (416)  alias RequestedRangeNotSatisfiable
//	UnprocessableContent (422)  alias UnprocessableEntity
//
// Reason phrases equal Python 3.13's HTTPStatus(code).phrase exactly, so a
// program ported from http.client prints the same status lines: 413 is
// "Content Too Large", 418 "I'm a Teapot", 425 "Too Early". A reason phrase
// received on the wire is the server's own text and belongs to the
// response, not to this package; RFC 9112, 4 lets a client ignore it.
//
// The mapping from every Python name (NOT_FOUND, REQUEST_ENTITY_TOO_LARGE,
// ...) to its constant is in docs/python-mapping.md.
//
// # Unknown codes
//
// Any int converts to a [Code]. For a code without a phrase (306, 599, -1,
// 1000) [Text] returns "" and [Code.String] returns just the number; the
// class helpers still answer by the first digit, which is how RFC 9110, 15
// tells a client to treat a code it does not recognise.
//
// # Allocation and concurrency
//
// Lookups index a fixed array: [Text], [Code.Text] and the class helpers never
// allocate, and neither does [Code.String] for a known code. The package holds
// no mutable state, so everything in it is safe for concurrent use.
//
// References:
//   - [RFC 9110], section 15: HTTP Semantics, status codes
//   - [RFC 9112], section 4: HTTP/1.1 status line
//   - [RFC 2518] (102), [RFC 8297] (103), [RFC 4918] (207, 422, 423, 424,
//     507), [RFC 5842] (208, 508), [RFC 3229] (226), [RFC 8470] (425),
//     [RFC 6585] (428, 429, 431, 511), [RFC 7725] (451), [RFC 2295] (506),
//     [RFC 2774] (510), [RFC 2616] (the old names)
//   - [IANA HTTP Status Code Registry]
//   - [Python http.HTTPStatus]
//
// [RFC 9110]: https://www.rfc-editor.org/rfc/rfc9110
// [RFC 9112]: https://www.rfc-editor.org/rfc/rfc9112
// [RFC 2518]: https://www.rfc-editor.org/rfc/rfc2518
// [RFC 8297]: https://www.rfc-editor.org/rfc/rfc8297
// [RFC 4918]: https://www.rfc-editor.org/rfc/rfc4918
// [RFC 5842]: https://www.rfc-editor.org/rfc/rfc5842
// [RFC 3229]: https://www.rfc-editor.org/rfc/rfc3229
// [RFC 8470]: https://www.rfc-editor.org/rfc/rfc8470
// [RFC 6585]: https://www.rfc-editor.org/rfc/rfc6585
// [RFC 7725]: https://www.rfc-editor.org/rfc/rfc7725
// [RFC 2295]: https://www.rfc-editor.org/rfc/rfc2295
// [RFC 2774]: https://www.rfc-editor.org/rfc/rfc2774
// [RFC 2616]: https://www.rfc-editor.org/rfc/rfc2616
// [IANA HTTP Status Code Registry]: https://www.iana.org/assignments/http-status-codes
// [Python http.HTTPStatus]: https://docs.python.org/3.13/library/http.html#http-status-codes
package status
