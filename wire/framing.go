package wire

import (
	"math"
	"strconv"

	"github.com/httpstack/httpstack/errors"
)

// FramingKind says how the body of a response is delimited.
type FramingKind uint8

// The ways a response body can be framed (RFC 9112 §6.3).
const (
	// FrameNone: the response has no body; it ends with its header
	// section (HEAD, 1xx, 204, 304).
	FrameNone FramingKind = iota + 1
	// FrameTunnel: a 2xx answer to CONNECT; the connection becomes a
	// tunnel right after the header section.
	FrameTunnel
	// FrameChunked: the body uses the chunked transfer coding; decode it
	// with [ChunkedDecoder].
	FrameChunked
	// FrameUntilClose: the body runs until the server closes the
	// connection.
	FrameUntilClose
	// FrameLength: the body is exactly Framing.Length bytes.
	FrameLength
)

// String returns the kind's name, for test output and debugging.
func (k FramingKind) String() string {
	switch k {
	case FrameNone:
		return "FrameNone"
	case FrameTunnel:
		return "FrameTunnel"
	case FrameChunked:
		return "FrameChunked"
	case FrameUntilClose:
		return "FrameUntilClose"
	case FrameLength:
		return "FrameLength"
	}
	return "FramingKind(" + strconv.Itoa(int(k)) + ")"
}

// Framing is the outcome of [BodyFraming].
type Framing struct {
	Kind FramingKind
	// Length is the body length for FrameLength, and 0 otherwise.
	Length int64
	// Close reports that the framing itself forbids reusing the
	// connection after this response: the body runs until close, or the
	// response carried Transfer-Encoding and Content-Length and was
	// accepted only under Limits.AllowTransferEncodingWithContentLength
	// (RFC 9112 §6.3 item 3).
	Close bool
}

// BodyFraming decides how the body of a response is delimited, walking
// the steps of RFC 9112 §6.3 for a response to a request with the given
// method (compared exactly, as http.client compares "HEAD") and status
// code. transferEncoding and contentLength are the values of every
// Transfer-Encoding and Content-Length field line of the response, in
// order; nil or empty means the field is absent. lim (nil means
// [DefaultLimits]) supplies AllowTransferEncodingWithContentLength.
//
// Errors, as *errors.ProtocolError:
//   - Kind errors.ErrInvalidFraming: Transfer-Encoding together with
//     Content-Length (unless allowed by lim), an empty Transfer-Encoding,
//     or "chunked" applied more than once or not as the final coding;
//   - Kind errors.ErrUnknownTransferEncoding: any transfer coding other
//     than a single "chunked";
//   - Kind errors.ErrInvalidContentLength: see [ParseContentLength].
//
// # Deviation from RFC 9112 §6.3 item 4
//
// The RFC reads a response whose Transfer-Encoding does not end in
// chunked until the connection closes. This package cannot decode any
// other transfer coding (gzip, deflate, compress, ...), and handing the
// caller coded bytes as if they were the body would be silent corruption,
// so such a response fails with ErrUnknownTransferEncoding instead, as Go's
// net/http does. docs/deviations.md ("Body framing") records this choice.
func BodyFraming(method string, code int, transferEncoding, contentLength []string, lim *Limits) (Framing, error) {
	// Step 1: a response to HEAD, and every 1xx, 204 and 304 response,
	// ends with its header section, whatever framing fields it carries.
	// A Content-Length it carries must still be well formed: differing
	// or malformed values are refused here as everywhere (Go's
	// net/http does the same), so no message is framed two ways.
	if method == "HEAD" || (code >= 100 && code < 200) || code == 204 || code == 304 {
		if len(contentLength) > 0 {
			if _, err := ParseContentLength(contentLength); err != nil {
				return Framing{}, err
			}
		}
		return Framing{Kind: FrameNone}, nil
	}

	// Step 2: a 2xx response to CONNECT switches the connection to a
	// tunnel right after the header section.
	if method == "CONNECT" && code >= 200 && code < 300 {
		return Framing{Kind: FrameTunnel}, nil
	}

	// Step 3: Transfer-Encoding overrides Content-Length; receiving both
	// is a smuggling signal, so it is an error unless the limits ask for
	// the RFC's fallback: use Transfer-Encoding and close afterwards. (A
	// Transfer-Encoding in an HTTP/1.0 response is the caller's to
	// refuse: BodyFraming does not see the version.)
	if len(transferEncoding) > 0 {
		closeAfter := false
		if len(contentLength) > 0 {
			if !lim.resolve().AllowTransferEncodingWithContentLength {
				return Framing{}, errTEWithCL
			}
			closeAfter = true
		}
		// Step 4: chunked as the final (here: only) coding frames the
		// body; any other coding is refused (see the deviation above).
		if err := checkTransferEncoding(transferEncoding); err != nil {
			return Framing{}, err
		}
		return Framing{Kind: FrameChunked, Close: closeAfter}, nil
	}

	// Steps 5 and 6: an invalid Content-Length is an unrecoverable
	// error; a valid one gives the body length.
	if len(contentLength) > 0 {
		n, err := ParseContentLength(contentLength)
		if err != nil {
			return Framing{}, err
		}
		return Framing{Kind: FrameLength, Length: n}, nil
	}

	// Step 8 (step 7 is for requests): otherwise the body runs until the
	// server closes the connection.
	return Framing{Kind: FrameUntilClose, Close: true}, nil
}

// checkTransferEncoding accepts exactly one "chunked" coding across all
// Transfer-Encoding field values:
//
//	Transfer-Encoding = #transfer-coding
//	transfer-coding   = token *( OWS ";" OWS transfer-parameter )
//
// Names compare case-insensitively; OWS around list elements is ignored
// and so are empty elements (RFC 9110 §5.6.1). chunked must be the final
// coding and appear once (RFC 9112 §6.1); anything else, including
// "chunked" with parameters, is a coding this package cannot decode.
func checkTransferEncoding(values []string) error {
	codings, chunked := 0, 0
	lastChunked := false
	unknown := ""
	for _, v := range values {
		for len(v) > 0 {
			var elem string
			elem, v = CutListElement(v)
			if elem == "" {
				continue
			}
			codings++
			lastChunked = EqualFold(elem, "chunked")
			if lastChunked {
				chunked++
			} else if unknown == "" {
				unknown = elem
			}
		}
	}
	switch {
	case codings == 0:
		return &errors.ProtocolError{Kind: errors.ErrInvalidFraming, Detail: "empty Transfer-Encoding"}
	case chunked > 1:
		return &errors.ProtocolError{Kind: errors.ErrInvalidFraming, Detail: "chunked applied more than once"}
	case chunked == 1 && !lastChunked:
		return &errors.ProtocolError{Kind: errors.ErrInvalidFraming, Detail: "chunked is not the final transfer coding"}
	case unknown != "":
		return &errors.ProtocolError{Kind: errors.ErrUnknownTransferEncoding, Detail: "unsupported transfer coding " + quoteTruncString(unknown)}
	}
	return nil
}

// ParseContentLength returns the body length given by the values of every
// Content-Length field line of a message:
//
//	Content-Length = 1*DIGIT
//
// Strict, unlike Python's int(): no sign, no "_", no inner spaces, and an
// overflow check. A value may be a comma-separated list of identical
// numbers (RFC 9110 §8.6 lets a recipient accept "42, 42"); OWS around
// each element is ignored. All numbers across all values must be equal.
// Anything else, and no value at all, is an *errors.ProtocolError with
// Kind errors.ErrInvalidContentLength.
func ParseContentLength(values []string) (int64, error) {
	n := int64(-1)
	for _, v := range values {
		for {
			elem := v
			i := indexByteString(v, ',')
			if i >= 0 {
				elem = v[:i]
			}
			m, ok := parseDecimal(trimOWSString(elem))
			if !ok {
				return 0, &errors.ProtocolError{Kind: errors.ErrInvalidContentLength, Detail: "invalid value " + quoteTruncString(v)}
			}
			if n >= 0 && m != n {
				return 0, &errors.ProtocolError{Kind: errors.ErrInvalidContentLength, Detail: "conflicting values"}
			}
			n = m
			if i < 0 {
				break
			}
			v = v[i+1:]
		}
	}
	if n < 0 {
		return 0, &errors.ProtocolError{Kind: errors.ErrInvalidContentLength, Detail: "no value"}
	}
	return n, nil
}

// parseDecimal parses 1*DIGIT into an int64, refusing overflow.
func parseDecimal(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if n > (math.MaxInt64-int64(c-'0'))/10 {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

func indexByteString(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

func trimOWSString(s string) string {
	for len(s) > 0 && isOWS(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isOWS(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

// quoteTruncString quotes a peer-supplied string for an error message,
// bounded so that a hostile value cannot flood logs.
func quoteTruncString(s string) string {
	const max = 64
	if len(s) > max {
		return strconv.Quote(s[:max]) + "..."
	}
	return strconv.Quote(s)
}

var errTEWithCL error = &errors.ProtocolError{Kind: errors.ErrInvalidFraming, Detail: "Transfer-Encoding together with Content-Length"}
