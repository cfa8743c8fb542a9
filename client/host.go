package client

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/wire"
)

// Default ports, Python's HTTP_PORT and HTTPS_PORT.
const (
	HTTPPort  = 80
	HTTPSPort = 443
)

// hostPort is a validated host (ASCII, without brackets) and port.
type hostPort struct {
	host string // for dialling and the Host header: ASCII, IPv6 without brackets
	port int
}

// parseHostPort splits "host", "host:port", "[v6]" or "[v6]:port" (Python's
// _get_hostport). explicitPort, when non-zero, overrides any port in the
// string, as Python's port argument does; the host is then taken whole
// (brackets removed). A non-numeric, empty or out-of-range port is
// *InvalidURLError; so is a host with control characters, space or DEL,
// or a non-ASCII one that is not valid UTF-8 or fails IDNA.
func parseHostPort(s string, explicitPort, defaultPort int) (hostPort, error) {
	if err := validateHost(s); err != nil {
		return hostPort{}, err
	}
	if explicitPort < 0 || explicitPort > 65535 {
		return hostPort{}, invalidPort(itoa(explicitPort))
	}
	host, portStr, hasPort := s, "", false
	if explicitPort == 0 {
		if strings.HasPrefix(s, "[") {
			end := strings.IndexByte(s, ']')
			if end < 0 {
				return hostPort{}, &errors.InvalidURLError{URL: s, Reason: "missing ']' in IPv6 address"}
			}
			host = s[1:end]
			rest := s[end+1:]
			if rest != "" {
				if rest[0] != ':' {
					return hostPort{}, &errors.InvalidURLError{URL: s, Reason: "unexpected text after ']'"}
				}
				portStr, hasPort = rest[1:], true
			}
		} else if i := strings.LastIndexByte(s, ':'); i >= 0 {
			if strings.Count(s, ":") > 1 {
				// A bare IPv6 literal: Python would read "::1" as host ":"
				// and port 1; we take it as an address without a port.
				host = s
			} else {
				host, portStr, hasPort = s[:i], s[i+1:], true
			}
		}
	} else {
		host = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	}
	port := defaultPort
	switch {
	case explicitPort != 0:
		port = explicitPort
	case hasPort:
		p, err := parsePort(portStr)
		if err != nil {
			return hostPort{}, err
		}
		port = p
	}
	if host == "" {
		return hostPort{}, &errors.InvalidURLError{URL: s, Reason: "empty host"}
	}
	if !utf8.ValidString(host) {
		// idna would quietly map the bad bytes to some other name.
		return hostPort{}, &errors.InvalidURLError{URL: s, Reason: "host is not valid UTF-8"}
	}
	ascii, err := asciiHost(host)
	if err != nil {
		return hostPort{}, &errors.InvalidURLError{URL: s, Reason: "bad international host name: " + err.Error()}
	}
	bracketed := explicitPort == 0 && strings.HasPrefix(s, "[") || strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]")
	if ascii == "" {
		// IDNA maps some code points (variation selectors, soft
		// hyphens) to nothing.
		return hostPort{}, &errors.InvalidURLError{URL: s, Reason: "host is empty after IDNA mapping"}
	}
	if reason := wire.CheckHost(ascii, bracketed); reason != "" {
		return hostPort{}, &errors.InvalidURLError{URL: s, Reason: reason}
	}
	return hostPort{host: ascii, port: port}, nil
}

// parsePort accepts 1*DIGIT in 1..65535 ([wire.ParsePort]).
func parsePort(s string) (int, error) {
	n, ok := wire.ParsePort(s)
	if !ok {
		return 0, invalidPort(s)
	}
	return n, nil
}

func invalidPort(s string) error {
	return &errors.InvalidURLError{URL: s, Reason: "nonnumeric or out-of-range port " + strconv.Quote(s)}
}

// validateHost refuses bytes 0x00-0x20 and 0x7f (Python's _validate_host,
// CVE-2019-18348).
func validateHost(s string) error {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7f {
			return &errors.InvalidURLError{URL: s, Reason: "host can't contain control characters or space"}
		}
	}
	return nil
}

// asciiHost encodes a non-ASCII host name with IDNA (RFC 5891), as Python
// encodes it with the idna codec for the Host header. ASCII hosts are
// returned unchanged, case included.
func asciiHost(h string) (string, error) {
	for i := 0; i < len(h); i++ {
		if h[i] >= 0x80 {
			return idna.Lookup.ToASCII(h)
		}
	}
	return h, nil
}

// appendHostHeaderValue appends the value of an automatic Host header for
// host and port: IPv6 bracketed with any zone removed, the port omitted
// when it is the default (Python's putrequest rules).
func appendHostHeaderValue(dst []byte, host string, port, defaultPort int) []byte {
	if strings.IndexByte(host, ':') >= 0 {
		if i := strings.IndexByte(host, '%'); i >= 0 {
			host = host[:i]
		}
		dst = append(dst, '[')
		dst = append(dst, host...)
		dst = append(dst, ']')
	} else {
		dst = append(dst, host...)
	}
	if port != defaultPort {
		dst = append(dst, ':')
		dst = strconv.AppendInt(dst, int64(port), 10)
	}
	return dst
}

// joinHostPort is net.JoinHostPort without its allocation of a
// temporary for the port.
func joinHostPort(host string, port int) string {
	b := make([]byte, 0, len(host)+8)
	if strings.IndexByte(host, ':') >= 0 {
		b = append(b, '[')
		b = append(b, host...)
		b = append(b, ']')
	} else {
		b = append(b, host...)
	}
	b = append(b, ':')
	b = strconv.AppendInt(b, int64(port), 10)
	return string(b)
}

// absoluteNetloc returns the authority of an absolute-form target
// ("http://host:port/path") for the Host header, or "" when target is not
// absolute. Like Python it requires the target to start with lowercase
// "http"; unlike Python it drops userinfo, which RFC 9110 §7.2 forbids in
// Host and which would leak credentials. An IPv6 zone is cut as Python
// does ("[fe80::1%25eth0]:8080" gives "[fe80::1]"); a '%' outside brackets
// is a percent-encoded octet of a registered name and is kept (Python
// fails an assertion there).
func absoluteNetloc(target string) string {
	if !strings.HasPrefix(target, "http") {
		return ""
	}
	i := strings.Index(target, "://")
	if i < 0 {
		return ""
	}
	for j := 0; j < i; j++ {
		c := target[j]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return ""
		}
	}
	rest := target[i+3:]
	if end := strings.IndexAny(rest, "/?#"); end >= 0 {
		rest = rest[:end]
	}
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		rest = rest[at+1:]
	}
	if strings.HasPrefix(rest, "[") {
		if pct := strings.IndexByte(rest, '%'); pct >= 0 {
			rest = rest[:pct] + "]"
		}
	}
	return rest
}

func itoa(n int) string { return strconv.Itoa(n) }
