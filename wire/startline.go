package wire

import (
	"bytes"

	"github.com/httpstack/httpstack/errors"
)

// StatusLine is a decoded status line (RFC 9112 §4):
//
//	status-line   = HTTP-version SP status-code SP [ reason-phrase ]
//	status-code   = 3DIGIT
//	reason-phrase = 1*( HTAB / SP / VCHAR / obs-text )
//
// Reason and Proto are views into the decoder's input and are valid only
// as long as that input is.
type StatusLine struct {
	// Version is 10 for HTTP/1.0 and 11 for HTTP/1.1 and for any HTTP/1.x
	// with x above 1 (RFC 9110 §2.5: a recipient reads a higher minor
	// version as the highest it supports).
	Version Version
	// Code is the status code, 100 to 999.
	Code int
	// Reason is the reason phrase without leading and trailing SP/HTAB.
	// It may be empty.
	Reason []byte
	// Proto is the version token as sent, e.g. "HTTP/1.1".
	Proto []byte
}

// RequestLine is a decoded request line (RFC 9112 §3):
//
//	request-line = method SP request-target SP HTTP-version
//
// Method and Target are views into the decoder's input.
type RequestLine struct {
	Method  []byte
	Target  []byte
	Version Version
}

// httpPrefix starts every HTTP-version:
//
//	HTTP-version = HTTP-name "/" DIGIT "." DIGIT
//	HTTP-name    = %s"HTTP"
const httpPrefix = "HTTP/"

// findLine returns the index of the first LF in b, or -1 when b holds no
// complete line yet. It enforces max, the longest line including its
// terminator: a LF beyond max, or max bytes without a LF (the line cannot
// end within max bytes any more), give a *LineTooLongError.
func findLine(b []byte, max int, lineType string) (int, error) {
	w := b
	if len(w) > max {
		w = w[:max]
	}
	i := bytes.IndexByte(w, '\n')
	if i >= 0 {
		return i, nil
	}
	if len(b) >= max {
		return -1, &errors.LineTooLongError{LineType: lineType, Limit: max}
	}
	return -1, nil
}

// cutLine returns line b[:i] without its terminator: the LF at i and a CR
// right before it.
func cutLine(b []byte, i int) []byte {
	line := b[:i]
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	return line
}

// parseVersion maps an HTTP-version token to 10 or 11. HTTP/1.0 is 10;
// HTTP/1.1 and HTTP/1.x for a single digit x above 1 are 11 (RFC 9110
// §2.5). Anything else, including HTTP/0.9, HTTP/2.0, HTTP/1.01 and
// HTTP/1, is not a version this package speaks.
func parseVersion(p []byte) (Version, bool) {
	if len(p) != len("HTTP/1.1") || string(p[:len("HTTP/1.")]) != "HTTP/1." {
		return 0, false
	}
	switch c := p[len(p)-1]; {
	case c == '0':
		return Version10, true
	case c >= '1' && c <= '9':
		return Version11, true
	}
	return 0, false
}

// ParseStatusLine decodes one status line from the start of b. n counts
// the bytes consumed, including the line terminator (CRLF or a bare LF,
// RFC 9112 §2.2). The views in the result point into b.
//
// A line that does not start with "HTTP/", has no status code, or whose
// status code is not exactly three digits in 100..999 gives a
// *errors.BadStatusLineError; so does a bare CR or a control character in
// the line. A well-formed line with a version other than HTTP/1.x gives an
// *errors.UnknownProtocolError. Unlike http.client there is no int()-style
// leniency: "+200", "2_00" and "0200" are rejected, and exactly one SP
// separates the parts.
//
// On incomplete input it returns (StatusLine{}, 0, ErrNeedMore), unless
// the line can no longer end within lim.MaxLine bytes (then it returns a
// *errors.LineTooLongError with LineType "status line") or its first
// bytes already differ from "HTTP/" (then it returns the
// *errors.BadStatusLineError at once, with Line holding the bytes seen).
func ParseStatusLine(b []byte, lim *Limits) (StatusLine, int, error) {
	max := DefaultLimits.MaxLine
	if lim != nil && lim.MaxLine > 0 {
		max = lim.MaxLine
	}
	i, err := findLine(b, max, "status line")
	if err != nil {
		return StatusLine{}, 0, err
	}
	if i < 0 {
		// Fail early on bytes that cannot start a status line (a TLS
		// ServerHello, an HTTP/0.9 body) rather than wait for a LF that
		// may never come.
		if k := min(len(b), len(httpPrefix)); string(b[:k]) != httpPrefix[:k] {
			return StatusLine{}, 0, badStatus(b, "does not start with HTTP/")
		}
		return StatusLine{}, 0, ErrNeedMore
	}
	line := cutLine(b, i)
	if len(line) < len(httpPrefix) || string(line[:len(httpPrefix)]) != httpPrefix {
		return StatusLine{}, 0, badStatus(line, "does not start with HTTP/")
	}
	if bytes.IndexByte(line, '\r') >= 0 {
		return StatusLine{}, 0, badStatus(line, "bare CR")
	}
	sp := bytes.IndexByte(line, ' ')
	if sp < 0 {
		return StatusLine{}, 0, badStatus(line, "missing status code")
	}
	proto, rest := line[:sp], line[sp+1:]
	// status-code = 3DIGIT, then SP or the end of the line.
	if len(rest) < 3 || !isDigit(rest[0]) || !isDigit(rest[1]) || !isDigit(rest[2]) ||
		(len(rest) > 3 && rest[3] != ' ') {
		return StatusLine{}, 0, badStatus(line, "status code is not three digits")
	}
	code := int(rest[0]-'0')*100 + int(rest[1]-'0')*10 + int(rest[2]-'0')
	if code < 100 {
		return StatusLine{}, 0, badStatus(line, "status code below 100")
	}
	v, ok := parseVersion(proto)
	if !ok {
		return StatusLine{}, 0, &errors.UnknownProtocolError{Version: string(proto)}
	}
	var reason []byte
	if len(rest) > 3 {
		reason = rest[4:]
		for _, c := range reason {
			if !fieldValueTable[c] {
				return StatusLine{}, 0, badStatus(line, "control character in reason phrase")
			}
		}
		reason = trimOWS(reason)
	}
	return StatusLine{Version: v, Code: code, Reason: reason, Proto: proto}, i + 1, nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func badStatus(line []byte, reason string) error {
	return &errors.BadStatusLineError{Line: string(line), Reason: reason}
}

// ParseRequestLine decodes one request line from the start of b, for
// servers and proxies. n counts the bytes consumed, including the line
// terminator (CRLF or bare LF). Method and Target are views into b.
//
// Exactly one SP separates the three parts. A method that is not a token
// gives an *errors.ProtocolError of kind errors.ErrInvalidMethod; a target
// with a CTL, SP, DEL or non-ASCII byte gives an *errors.InvalidURLError;
// a missing or unsupported version gives an *errors.UnknownProtocolError.
// HTTP/1.x with x above 1 is read as HTTP/1.1 (RFC 9110 §2.5).
//
// Incomplete input and MaxLine are handled as in [ParseStatusLine], with
// LineType "request line".
func ParseRequestLine(b []byte, lim *Limits) (RequestLine, int, error) {
	max := DefaultLimits.MaxLine
	if lim != nil && lim.MaxLine > 0 {
		max = lim.MaxLine
	}
	i, err := findLine(b, max, "request line")
	if err != nil {
		return RequestLine{}, 0, err
	}
	if i < 0 {
		return RequestLine{}, 0, ErrNeedMore
	}
	line := cutLine(b, i)
	sp := bytes.IndexByte(line, ' ')
	if sp < 0 {
		sp = len(line)
	}
	method := line[:sp]
	if !ValidMethod(method) {
		return RequestLine{}, 0, &errors.ProtocolError{Kind: errors.ErrInvalidMethod, Detail: "method " + quoteTrunc(method) + " is not a token"}
	}
	rest := line[min(sp+1, len(line)):]
	sp = bytes.IndexByte(rest, ' ')
	if sp < 0 {
		sp = len(rest)
	}
	target := rest[:sp]
	if !ValidTarget(target) {
		return RequestLine{}, 0, &errors.InvalidURLError{URL: string(target), Reason: "can't contain control characters, space or non-ASCII"}
	}
	if sp == len(rest) {
		return RequestLine{}, 0, &errors.UnknownProtocolError{Version: ""}
	}
	proto := rest[sp+1:]
	v, ok := parseVersion(proto)
	if !ok {
		return RequestLine{}, 0, &errors.UnknownProtocolError{Version: string(proto)}
	}
	return RequestLine{Method: method, Target: target, Version: v}, i + 1, nil
}

// quoteTrunc quotes b for an error message, keeping it short.
func quoteTrunc(b []byte) string {
	const max = 64
	s := b
	suffix := ""
	if len(s) > max {
		s, suffix = s[:max], "..."
	}
	out := make([]byte, 0, len(s)+8)
	out = append(out, '"')
	for _, c := range s {
		switch {
		case c == '"' || c == '\\':
			out = append(out, '\\', c)
		case c < 0x20 || c >= 0x7f:
			const hex = "0123456789abcdef"
			out = append(out, '\\', 'x', hex[c>>4], hex[c&15])
		default:
			out = append(out, c)
		}
	}
	out = append(out, '"')
	return string(out) + suffix
}

// appendVersion appends "HTTP/1.0" or "HTTP/1.1" for a checked v.
func appendVersion(dst []byte, v Version) []byte {
	return append(append(dst, "HTTP/1."...), byte('0'+v%10))
}

// checkVersion reports the error for a version this package cannot send.
func checkVersion(v Version) error {
	if v != Version10 && v != Version11 {
		return &errors.UnknownProtocolError{Version: v.String()}
	}
	return nil
}

// AppendRequestLine appends "method SP target SP HTTP-version CRLF" to dst
// (RFC 9112 §3). An empty target becomes "/", as in http.client. The
// method is sent as given (no case change) and must be an RFC 9110 token,
// else the error is an *errors.ProtocolError of kind
// errors.ErrInvalidMethod. The target must be visible ASCII without SP,
// else the error is an *errors.InvalidURLError. v must be [Version10] or
// [Version11], else the error is an *errors.UnknownProtocolError. On error
// dst is returned unchanged.
func AppendRequestLine(dst []byte, method, target string, v Version) ([]byte, error) {
	if !ValidMethod(method) {
		return dst, &errors.ProtocolError{Kind: errors.ErrInvalidMethod, Detail: "method " + quoteTrunc([]byte(method)) + " is not a token"}
	}
	if target == "" {
		target = "/"
	}
	if !ValidTarget(target) {
		return dst, &errors.InvalidURLError{URL: target, Reason: "can't contain control characters, space or non-ASCII"}
	}
	if err := checkVersion(v); err != nil {
		return dst, err
	}
	dst = append(dst, method...)
	dst = append(dst, ' ')
	dst = append(dst, target...)
	dst = append(dst, ' ')
	dst = appendVersion(dst, v)
	dst = append(dst, '\r', '\n')
	return dst, nil
}

// RequestLineLen returns the length of the request line
// [AppendRequestLine] would append for valid arguments.
func RequestLineLen(method, target string, v Version) int {
	if target == "" {
		target = "/"
	}
	return len(method) + 1 + len(target) + 1 + len("HTTP/1.1\r\n")
}

// AppendStatusLine appends "HTTP-version SP status-code SP reason CRLF" to
// dst (RFC 9112 §4), for servers and test peers. code must be in 100..999
// and reason may hold no CTL other than HTAB, else the error is an
// *errors.BadStatusLineError; v must be [Version10] or [Version11], else
// an *errors.UnknownProtocolError. On error dst is returned unchanged.
func AppendStatusLine(dst []byte, v Version, code int, reason string) ([]byte, error) {
	if err := checkVersion(v); err != nil {
		return dst, err
	}
	if code < 100 || code > 999 {
		return dst, &errors.BadStatusLineError{Line: reason, Reason: "status code out of range 100..999"}
	}
	if !ValidFieldValue(reason) {
		return dst, &errors.BadStatusLineError{Line: reason, Reason: "control character in reason phrase"}
	}
	dst = appendVersion(dst, v)
	dst = append(dst, ' ',
		byte('0'+code/100), byte('0'+code/10%10), byte('0'+code%10), ' ')
	dst = append(dst, reason...)
	return append(dst, '\r', '\n'), nil
}
