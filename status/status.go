package status

import "strconv"

// Code is an HTTP status code, the three-digit number on a response's
// status line. Any int converts to a Code; [Code.Text] tells whether it is
// one this package knows.
//
// Code implements [fmt.Stringer], so fmt prints the status line form
// ("404 Not Found"), while the %d verb prints the number.
//
// The class helpers ([Code.IsSuccess] and the rest) go by the first digit
// alone (RFC 9110, 15), so they answer for unregistered codes too:
// Code(599).IsServerError() is true. They match Python's
// HTTPStatus.is_informational, is_success, is_redirection, is_client_error
// and is_server_error.
type Code int

// The constants are exactly the members of Python 3.13's http.HTTPStatus
// (so 306, which RFC 9110 marks unused, is absent), named as net/http names
// them without its Status prefix, except [ImATeapot]. Each comment ends with
// the section that defines the code. Where RFC 9110 renamed a code, the new
// name is the constant and the old one an alias of the same value.
const (
	// 1xx: informational (RFC 9110, 15.2).

	// Continue is 100 Continue.
	// RFC 9110, 15.2.1
	Continue Code = 100

	// SwitchingProtocols is 101 Switching Protocols.
	// RFC 9110, 15.2.2
	SwitchingProtocols Code = 101

	// Processing is 102 Processing.
	// RFC 4918 dropped it from WebDAV, but it stays registered.
	// RFC 2518, 10.1
	Processing Code = 102

	// EarlyHints is 103 Early Hints.
	// RFC 8297, 2
	EarlyHints Code = 103

	// 2xx: successful (RFC 9110, 15.3).

	// OK is 200 OK.
	// RFC 9110, 15.3.1
	OK Code = 200

	// Created is 201 Created.
	// RFC 9110, 15.3.2
	Created Code = 201

	// Accepted is 202 Accepted.
	// RFC 9110, 15.3.3
	Accepted Code = 202

	// NonAuthoritativeInfo is 203 Non-Authoritative Information.
	// RFC 9110, 15.3.4
	NonAuthoritativeInfo Code = 203

	// NonAuthoritativeInformation is [NonAuthoritativeInfo] under its full
	// name, as the RFC and Python's NON_AUTHORITATIVE_INFORMATION spell it;
	// net/http shortens it.
	// RFC 9110, 15.3.4
	NonAuthoritativeInformation = NonAuthoritativeInfo

	// NoContent is 204 No Content.
	// RFC 9110, 15.3.5
	NoContent Code = 204

	// ResetContent is 205 Reset Content.
	// RFC 9110, 15.3.6
	ResetContent Code = 205

	// PartialContent is 206 Partial Content.
	// RFC 9110, 15.3.7
	PartialContent Code = 206

	// MultiStatus is 207 Multi-Status.
	// RFC 4918, 11.1
	MultiStatus Code = 207

	// AlreadyReported is 208 Already Reported.
	// RFC 5842, 7.1
	AlreadyReported Code = 208

	// IMUsed is 226 IM Used.
	// RFC 3229, 10.4.1
	IMUsed Code = 226

	// 3xx: redirection (RFC 9110, 15.4).

	// MultipleChoices is 300 Multiple Choices.
	// RFC 9110, 15.4.1
	MultipleChoices Code = 300

	// MovedPermanently is 301 Moved Permanently.
	// RFC 9110, 15.4.2
	MovedPermanently Code = 301

	// Found is 302 Found.
	// RFC 9110, 15.4.3
	Found Code = 302

	// SeeOther is 303 See Other.
	// RFC 9110, 15.4.4
	SeeOther Code = 303

	// NotModified is 304 Not Modified.
	// RFC 9110, 15.4.5
	NotModified Code = 304

	// UseProxy is 305 Use Proxy.
	// RFC 9110 deprecates it: clients must not act on it.
	// RFC 9110, 15.4.6
	UseProxy Code = 305

	// TemporaryRedirect is 307 Temporary Redirect.
	// RFC 9110, 15.4.8
	TemporaryRedirect Code = 307

	// PermanentRedirect is 308 Permanent Redirect.
	// RFC 9110, 15.4.9
	PermanentRedirect Code = 308

	// 4xx: client error (RFC 9110, 15.5).

	// BadRequest is 400 Bad Request.
	// RFC 9110, 15.5.1
	BadRequest Code = 400

	// Unauthorized is 401 Unauthorized.
	// RFC 9110, 15.5.2
	Unauthorized Code = 401

	// PaymentRequired is 402 Payment Required.
	// RFC 9110, 15.5.3
	PaymentRequired Code = 402

	// Forbidden is 403 Forbidden.
	// RFC 9110, 15.5.4
	Forbidden Code = 403

	// NotFound is 404 Not Found.
	// RFC 9110, 15.5.5
	NotFound Code = 404

	// MethodNotAllowed is 405 Method Not Allowed.
	// RFC 9110, 15.5.6
	MethodNotAllowed Code = 405

	// NotAcceptable is 406 Not Acceptable.
	// RFC 9110, 15.5.7
	NotAcceptable Code = 406

	// ProxyAuthRequired is 407 Proxy Authentication Required.
	// RFC 9110, 15.5.8
	ProxyAuthRequired Code = 407

	// ProxyAuthenticationRequired is [ProxyAuthRequired] under its full
	// name, as the RFC and Python's PROXY_AUTHENTICATION_REQUIRED spell it;
	// net/http shortens it.
	// RFC 9110, 15.5.8
	ProxyAuthenticationRequired = ProxyAuthRequired

	// RequestTimeout is 408 Request Timeout.
	// RFC 9110, 15.5.9
	RequestTimeout Code = 408

	// Conflict is 409 Conflict.
	// RFC 9110, 15.5.10
	Conflict Code = 409

	// Gone is 410 Gone.
	// RFC 9110, 15.5.11
	Gone Code = 410

	// LengthRequired is 411 Length Required.
	// RFC 9110, 15.5.12
	LengthRequired Code = 411

	// PreconditionFailed is 412 Precondition Failed.
	// RFC 9110, 15.5.13
	PreconditionFailed Code = 412

	// ContentTooLarge is 413 Content Too Large.
	// RFC 2616 called it Request Entity Too Large (RFC 7231: Payload Too
	// Large); the first name is kept as [RequestEntityTooLarge].
	// RFC 9110, 15.5.14
	ContentTooLarge Code = 413

	// RequestEntityTooLarge is the RFC 2616 name of [ContentTooLarge], kept as
	// an alias the way Python's http.HTTPStatus keeps REQUEST_ENTITY_TOO_LARGE.
	// RFC 9110, 15.5.14; formerly RFC 2616, 10.4.14
	RequestEntityTooLarge = ContentTooLarge

	// URITooLong is 414 URI Too Long.
	// RFC 2616 called it Request-URI Too Long; that name is kept as
	// [RequestURITooLong].
	// RFC 9110, 15.5.15
	URITooLong Code = 414

	// RequestURITooLong is the RFC 2616 name of [URITooLong], kept as
	// an alias the way Python's http.HTTPStatus keeps REQUEST_URI_TOO_LONG.
	// RFC 9110, 15.5.15; formerly RFC 2616, 10.4.15
	RequestURITooLong = URITooLong

	// UnsupportedMediaType is 415 Unsupported Media Type.
	// RFC 9110, 15.5.16
	UnsupportedMediaType Code = 415

	// RangeNotSatisfiable is 416 Range Not Satisfiable.
	// RFC 2616 called it Requested Range Not Satisfiable; that name is kept
	// as [RequestedRangeNotSatisfiable].
	// RFC 9110, 15.5.17
	RangeNotSatisfiable Code = 416

	// RequestedRangeNotSatisfiable is the RFC 2616 name of
	// [RangeNotSatisfiable], kept as an alias the way Python's
	// http.HTTPStatus keeps REQUESTED_RANGE_NOT_SATISFIABLE.
	// RFC 9110, 15.5.17; formerly RFC 2616, 10.4.17
	RequestedRangeNotSatisfiable = RangeNotSatisfiable

	// ExpectationFailed is 417 Expectation Failed.
	// RFC 9110, 15.5.18
	ExpectationFailed Code = 417

	// ImATeapot is 418 I'm a Teapot.
	// RFC 9110 reserves the code (unused) because RFC 2324's joke made it
	// too widely deployed to reassign; Python lists it as IM_A_TEAPOT.
	// RFC 9110, 15.5.19
	ImATeapot Code = 418

	// MisdirectedRequest is 421 Misdirected Request.
	// RFC 9110, 15.5.20
	MisdirectedRequest Code = 421

	// UnprocessableContent is 422 Unprocessable Content.
	// RFC 4918 called it Unprocessable Entity; that name is kept as
	// [UnprocessableEntity].
	// RFC 9110, 15.5.21
	UnprocessableContent Code = 422

	// UnprocessableEntity is the RFC 4918 name of [UnprocessableContent], kept as
	// an alias the way Python's http.HTTPStatus keeps UNPROCESSABLE_ENTITY.
	// RFC 9110, 15.5.21; formerly RFC 4918, 11.2
	UnprocessableEntity = UnprocessableContent

	// Locked is 423 Locked.
	// RFC 4918, 11.3
	Locked Code = 423

	// FailedDependency is 424 Failed Dependency.
	// RFC 4918, 11.4
	FailedDependency Code = 424

	// TooEarly is 425 Too Early.
	// RFC 8470, 5.2
	TooEarly Code = 425

	// UpgradeRequired is 426 Upgrade Required.
	// RFC 9110, 15.5.22
	UpgradeRequired Code = 426

	// PreconditionRequired is 428 Precondition Required.
	// RFC 6585, 3
	PreconditionRequired Code = 428

	// TooManyRequests is 429 Too Many Requests.
	// RFC 6585, 4
	TooManyRequests Code = 429

	// RequestHeaderFieldsTooLarge is 431 Request Header Fields Too Large.
	// RFC 6585, 5
	RequestHeaderFieldsTooLarge Code = 431

	// UnavailableForLegalReasons is 451 Unavailable For Legal Reasons.
	// RFC 7725, 3
	UnavailableForLegalReasons Code = 451

	// 5xx: server error (RFC 9110, 15.6).

	// InternalServerError is 500 Internal Server Error.
	// RFC 9110, 15.6.1
	InternalServerError Code = 500

	// NotImplemented is 501 Not Implemented.
	// RFC 9110, 15.6.2
	NotImplemented Code = 501

	// BadGateway is 502 Bad Gateway.
	// RFC 9110, 15.6.3
	BadGateway Code = 502

	// ServiceUnavailable is 503 Service Unavailable.
	// RFC 9110, 15.6.4
	ServiceUnavailable Code = 503

	// GatewayTimeout is 504 Gateway Timeout.
	// RFC 9110, 15.6.5
	GatewayTimeout Code = 504

	// HTTPVersionNotSupported is 505 HTTP Version Not Supported.
	// RFC 9110, 15.6.6
	HTTPVersionNotSupported Code = 505

	// VariantAlsoNegotiates is 506 Variant Also Negotiates.
	// RFC 2295, 8.1
	VariantAlsoNegotiates Code = 506

	// InsufficientStorage is 507 Insufficient Storage.
	// RFC 4918, 11.5
	InsufficientStorage Code = 507

	// LoopDetected is 508 Loop Detected.
	// RFC 5842, 7.2
	LoopDetected Code = 508

	// NotExtended is 510 Not Extended.
	// RFC 2774, 7
	NotExtended Code = 510

	// NetworkAuthenticationRequired is 511 Network Authentication Required.
	// RFC 6585, 6
	NetworkAuthenticationRequired Code = 511
)

// phrases maps a code to its reason phrase. The phrases are those of
// Python 3.13's HTTPStatus(code).phrase, letter for letter; the registry's
// names differ in case here and there ("I'm a Teapot", "Non-Authoritative
// Information"). An array indexed by the code keeps lookups free of hashing
// and allocation; gaps are "".
var phrases = [...]string{
	Continue:                      "Continue",
	SwitchingProtocols:            "Switching Protocols",
	Processing:                    "Processing",
	EarlyHints:                    "Early Hints",
	OK:                            "OK",
	Created:                       "Created",
	Accepted:                      "Accepted",
	NonAuthoritativeInfo:          "Non-Authoritative Information",
	NoContent:                     "No Content",
	ResetContent:                  "Reset Content",
	PartialContent:                "Partial Content",
	MultiStatus:                   "Multi-Status",
	AlreadyReported:               "Already Reported",
	IMUsed:                        "IM Used",
	MultipleChoices:               "Multiple Choices",
	MovedPermanently:              "Moved Permanently",
	Found:                         "Found",
	SeeOther:                      "See Other",
	NotModified:                   "Not Modified",
	UseProxy:                      "Use Proxy",
	TemporaryRedirect:             "Temporary Redirect",
	PermanentRedirect:             "Permanent Redirect",
	BadRequest:                    "Bad Request",
	Unauthorized:                  "Unauthorized",
	PaymentRequired:               "Payment Required",
	Forbidden:                     "Forbidden",
	NotFound:                      "Not Found",
	MethodNotAllowed:              "Method Not Allowed",
	NotAcceptable:                 "Not Acceptable",
	ProxyAuthRequired:             "Proxy Authentication Required",
	RequestTimeout:                "Request Timeout",
	Conflict:                      "Conflict",
	Gone:                          "Gone",
	LengthRequired:                "Length Required",
	PreconditionFailed:            "Precondition Failed",
	ContentTooLarge:               "Content Too Large",
	URITooLong:                    "URI Too Long",
	UnsupportedMediaType:          "Unsupported Media Type",
	RangeNotSatisfiable:           "Range Not Satisfiable",
	ExpectationFailed:             "Expectation Failed",
	ImATeapot:                     "I'm a Teapot",
	MisdirectedRequest:            "Misdirected Request",
	UnprocessableContent:          "Unprocessable Content",
	Locked:                        "Locked",
	FailedDependency:              "Failed Dependency",
	TooEarly:                      "Too Early",
	UpgradeRequired:               "Upgrade Required",
	PreconditionRequired:          "Precondition Required",
	TooManyRequests:               "Too Many Requests",
	RequestHeaderFieldsTooLarge:   "Request Header Fields Too Large",
	UnavailableForLegalReasons:    "Unavailable For Legal Reasons",
	InternalServerError:           "Internal Server Error",
	NotImplemented:                "Not Implemented",
	BadGateway:                    "Bad Gateway",
	ServiceUnavailable:            "Service Unavailable",
	GatewayTimeout:                "Gateway Timeout",
	HTTPVersionNotSupported:       "HTTP Version Not Supported",
	VariantAlsoNegotiates:         "Variant Also Negotiates",
	InsufficientStorage:           "Insufficient Storage",
	LoopDetected:                  "Loop Detected",
	NotExtended:                   "Not Extended",
	NetworkAuthenticationRequired: "Network Authentication Required",
}

// lines holds "<code> <phrase>" for every known code, built once so that
// [Code.String] does not allocate for them.
var lines = func() (l [len(phrases)]string) {
	for i, p := range phrases {
		if p != "" {
			l[i] = strconv.Itoa(i) + " " + p
		}
	}
	return l
}()

// Text returns the reason phrase of code, such as "Not Found" for 404, or
// "" if code is not one of the codes this package defines (including any
// negative or out-of-range int). It does not allocate.
//
// Text stands for Python's http.client.responses[code], except that an
// unknown code yields "" rather than a KeyError.
func Text(code int) string {
	if uint(code) < uint(len(phrases)) {
		return phrases[code]
	}
	return ""
}

// Text returns the reason phrase of c, such as "Not Found" for [NotFound],
// or "" if c is unknown. It does not allocate.
func (c Code) Text() string { return Text(int(c)) }

// String returns c as on a status line without the version: "404 Not Found"
// for a known code, and just the number ("599") for an unknown one. It does
// not allocate for known codes.
func (c Code) String() string {
	if uint(c) < uint(len(lines)) && lines[c] != "" {
		return lines[c]
	}
	return strconv.Itoa(int(c))
}

// IsInformational reports whether c is in 100-199, an interim response.
// RFC 9110, 15.2
func (c Code) IsInformational() bool { return 100 <= c && c <= 199 }

// IsSuccess reports whether c is in 200-299.
// RFC 9110, 15.3
func (c Code) IsSuccess() bool { return 200 <= c && c <= 299 }

// IsRedirect reports whether c is in 300-399. Python names this
// is_redirection.
// RFC 9110, 15.4
func (c Code) IsRedirect() bool { return 300 <= c && c <= 399 }

// IsClientError reports whether c is in 400-499.
// RFC 9110, 15.5
func (c Code) IsClientError() bool { return 400 <= c && c <= 499 }

// IsServerError reports whether c is in 500-599.
// RFC 9110, 15.6
func (c Code) IsServerError() bool { return 500 <= c && c <= 599 }
