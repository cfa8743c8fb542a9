package wire

import (
	"net/netip"
	"strings"
)

// hostTable marks the bytes of a registered name that may be dialled and
// sent in a Host header or a CONNECT target: RFC 3986's unreserved
// characters,
//
//	unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~"
//
// Userinfo, paths, queries, fragments and sub-delimiters are refused, so
// nothing but a host reaches the wire (the CVE-2019-14809 family).
var hostTable = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
		t[c-'a'+'A'] = true
	}
	t['-'], t['.'], t['_'], t['~'] = true, true, true, true
	return t
}()

// CheckHost reports why host may not be sent as the host of a Host
// header or CONNECT target, or "" when it may. host is ASCII (IDNA
// already applied) and carries no brackets or port. A host containing a
// colon, or one the caller found in brackets (bracketed), must be an IPv6
// address, optionally with a zone; any other host is a registered name or
// IPv4 address made of unreserved characters.
func CheckHost(host string, bracketed bool) string {
	if host == "" {
		return "empty host"
	}
	if bracketed || strings.IndexByte(host, ':') >= 0 {
		ip, err := netip.ParseAddr(host)
		if err != nil || !ip.Is6() {
			return "brackets and colons are only for IPv6 addresses"
		}
		// netip takes any text after '%' as the zone; RFC 6874 allows
		// unreserved characters only (a percent-encoded zone is decoded
		// before it gets here).
		for _, c := range []byte(ip.Zone()) {
			if !hostTable[c] {
				return "IPv6 zone may only contain letters, digits, '-', '.', '_' and '~'"
			}
		}
		return ""
	}
	for i := 0; i < len(host); i++ {
		if !hostTable[host[i]] {
			return "host may only contain letters, digits, '-', '.', '_' and '~'"
		}
	}
	return ""
}

// ParsePort parses a port: 1 to 5 decimal digits with a value in
// 1..65535, nothing else (no sign, no space).
func ParsePort(s string) (int, bool) {
	if s == "" || len(s) > 5 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, n >= 1 && n <= 65535
}
