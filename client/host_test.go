package client

import (
	"context"
	"testing"

	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/testutil"
)

// TestHostHeader covers the Host rules of reference §1.2 (Q19–Q25) with
// deviations 18 and 19: the head PutRequest buffers (no I/O yet), the
// host and port the connection keeps, and, for plain connections, the
// address dialled and the whole request on the wire.
func TestHostHeader(t *testing.T) {
	tests := []struct {
		name     string
		tls      bool
		host     string
		opts     []Option
		target   string // "" means "/"
		wantHost string // the Host field value
		host2    string // Conn.Host()
		port     int    // Conn.Port()
		dial     string // address dialled (plain connections only)
	}{
		{name: "Q19/default-port-omitted", host: "example.com", wantHost: "example.com", host2: "example.com", port: 80, dial: "example.com:80"},
		{name: "Q19/port-option", host: "example.com", opts: []Option{WithPort(8080)}, wantHost: "example.com:8080", host2: "example.com", port: 8080, dial: "example.com:8080"},
		{name: "Q19/port-in-host", host: "example.com:8080", wantHost: "example.com:8080", host2: "example.com", port: 8080, dial: "example.com:8080"},
		{name: "Q19/explicit-80-omitted", host: "example.com:80", wantHost: "example.com", host2: "example.com", port: 80, dial: "example.com:80"},
		{name: "Q19/443-kept-on-plain", host: "example.com:443", wantHost: "example.com:443", host2: "example.com", port: 443, dial: "example.com:443"},
		{name: "Q19/leading-zero-port", host: "example.com:080", wantHost: "example.com", host2: "example.com", port: 80, dial: "example.com:80"},
		{name: "Q19/port-65535", host: "example.com:65535", wantHost: "example.com:65535", host2: "example.com", port: 65535, dial: "example.com:65535"},
		{name: "Q19/case-kept", host: "EXAMPLE.com", wantHost: "EXAMPLE.com", host2: "EXAMPLE.com", port: 80, dial: "EXAMPLE.com:80"},
		{name: "Q19/ipv4", host: "127.0.0.1:8080", wantHost: "127.0.0.1:8080", host2: "127.0.0.1", port: 8080, dial: "127.0.0.1:8080"},
		{name: "Q20/ipv6-bracketed", host: "[2001:db8::1]", wantHost: "[2001:db8::1]", host2: "2001:db8::1", port: 80, dial: "[2001:db8::1]:80"},
		{name: "Q20/ipv6-with-port", host: "[2001:db8::1]:81", wantHost: "[2001:db8::1]:81", host2: "2001:db8::1", port: 81, dial: "[2001:db8::1]:81"},
		{name: "Q20/ipv6-zone-dropped-from-host-header", host: "[fe80::1%eth0]", wantHost: "[fe80::1]", host2: "fe80::1%eth0", port: 80, dial: "[fe80::1%eth0]:80"},
		{name: "Q20/ipv6-numeric-zone-and-port", host: "[fe80::1%2]:81", wantHost: "[fe80::1]:81", host2: "fe80::1%2", port: 81, dial: "[fe80::1%2]:81"},
		{name: "Q20/bare-ipv6-with-port-option", host: "::1", opts: []Option{WithPort(8080)}, wantHost: "[::1]:8080", host2: "::1", port: 8080, dial: "[::1]:8080"},
		{name: "Q21/bracketed-ipv6-with-port-option", host: "[::1]", opts: []Option{WithPort(8080)}, wantHost: "[::1]:8080", host2: "::1", port: 8080, dial: "[::1]:8080"},
		// Deviation 19: Python reads "::1" as host ":" and port 1.
		{name: "dev19/bare-ipv6-is-an-address", host: "::1", wantHost: "[::1]", host2: "::1", port: 80, dial: "[::1]:80"},
		{name: "dev19/bare-ipv6-long", host: "2001:db8::1", wantHost: "[2001:db8::1]", host2: "2001:db8::1", port: 80, dial: "[2001:db8::1]:80"},
		{name: "Q22/idna-with-port", host: "b\u00fccher.example:8080", wantHost: "xn--bcher-kva.example:8080", host2: "xn--bcher-kva.example", port: 8080, dial: "xn--bcher-kva.example:8080"},
		{name: "Q22/idna-uppercase-folded", host: "B\u00fccher.example", wantHost: "xn--bcher-kva.example", host2: "xn--bcher-kva.example", port: 80, dial: "xn--bcher-kva.example:80"},
		{name: "Q22/idna-greek", host: "\u03b4\u03c0\u03b8.gr", wantHost: "xn--pxaix.gr", host2: "xn--pxaix.gr", port: 80, dial: "xn--pxaix.gr:80"},
		{name: "Q23/absolute-url-userinfo-dropped", host: "example.com", target: "http://user:pw@t.example:80/a?b", wantHost: "t.example:80", host2: "example.com", port: 80, dial: "example.com:80"},
		{name: "Q23/absolute-url", host: "example.com", target: "http://t.example/a", wantHost: "t.example", host2: "example.com", port: 80, dial: "example.com:80"},
		{name: "Q23/absolute-url-zone-cut", host: "example.com", target: "http://[fe80::1%25eth0]:8080/", wantHost: "[fe80::1]", host2: "example.com", port: 80, dial: "example.com:80"},
		{name: "Q23/absolute-url-ipv6-port", host: "example.com", target: "http://[::1]:8080/x", wantHost: "[::1]:8080", host2: "example.com", port: 80, dial: "example.com:80"},
		{name: "Q23/absolute-url-https", host: "example.com", target: "https://s.example/", wantHost: "s.example", host2: "example.com", port: 80, dial: "example.com:80"},
		{name: "Q23/absolute-url-query-ends-netloc", host: "example.com", target: "http://a.example?q=/", wantHost: "a.example", host2: "example.com", port: 80, dial: "example.com:80"},
		{name: "Q23/absolute-url-fragment-ends-netloc", host: "example.com", target: "http://a.example#f", wantHost: "a.example", host2: "example.com", port: 80, dial: "example.com:80"},
		{name: "Q23/absolute-url-user-only", host: "example.com", target: "http://u@a.example:81/", wantHost: "a.example:81", host2: "example.com", port: 80, dial: "example.com:80"},
		{name: "Q23/absolute-url-percent-in-reg-name-kept", host: "example.com", target: "http://h%41st.example/", wantHost: "h%41st.example", host2: "example.com", port: 80, dial: "example.com:80"},
		{name: "Q24/uppercase-scheme-uses-conn-host", host: "example.com", target: "HTTP://a.example/", wantHost: "example.com", host2: "example.com", port: 80, dial: "example.com:80"},
		{name: "Q24/empty-netloc-uses-conn-host", host: "example.com", target: "http:///path", wantHost: "example.com", host2: "example.com", port: 80, dial: "example.com:80"},
		{name: "Q24/no-slashes-uses-conn-host", host: "example.com", target: "http:foo", wantHost: "example.com", host2: "example.com", port: 80, dial: "example.com:80"},
		{name: "Q24/path-with-url-uses-conn-host", host: "example.com", target: "/http://x.example/", wantHost: "example.com", host2: "example.com", port: 80, dial: "example.com:80"},
		{name: "Q25/https-default-port-omitted", tls: true, host: "secure.example", wantHost: "secure.example", host2: "secure.example", port: 443},
		{name: "Q25/https-port-80-kept", tls: true, host: "secure.example:80", wantHost: "secure.example:80", host2: "secure.example", port: 80},
		{name: "Q25/https-port-option-443", tls: true, host: "secure.example", opts: []Option{WithPort(443)}, wantHost: "secure.example", host2: "secure.example", port: 443},
		{name: "Q25/https-port-8443", tls: true, host: "secure.example:8443", wantHost: "secure.example:8443", host2: "secure.example", port: 8443},
		{name: "Q25/https-ipv6", tls: true, host: "[::1]:443", wantHost: "[::1]", host2: "::1", port: 443},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctor := New
			if tc.tls {
				ctor = NewTLS
			}
			d := testutil.NewFakeDialer()
			c, err := ctor(tc.host, append([]Option{WithDialer(d)}, tc.opts...)...)
			if err != nil {
				t.Fatalf("New(%q): %v", tc.host, err)
			}
			defer c.Close()
			if c.Host() != tc.host2 || c.Port() != tc.port {
				t.Errorf("Host(), Port() = %q, %d; want %q, %d", c.Host(), c.Port(), tc.host2, tc.port)
			}
			target := tc.target
			if target == "" {
				target = "/"
			}
			head := "GET " + target + " HTTP/1.1\r\nHost: " + tc.wantHost + "\r\nAccept-Encoding: identity\r\n"
			if err := c.PutRequest("GET", tc.target); err != nil {
				t.Fatal(err)
			}
			if string(c.buf) != head {
				t.Errorf("buffered head\n got %q\nwant %q", c.buf, head)
			}
			if tc.tls {
				if n := len(d.Dials()); n != 0 {
					t.Errorf("PutRequest dialled %d times", n)
				}
				return
			}
			if err := c.EndHeaders(context.Background(), nil); err != nil {
				t.Fatal(err)
			}
			if got := d.Dials(); len(got) != 1 || got[0] != tc.dial {
				t.Errorf("dialled %q, want [%q]", got, tc.dial)
			}
			rqCheckBytes(t, rqWritten(t, d), head+"\r\n", []string{head + "\r\n"})
		})
	}
}

// TestHostRejected covers Q31/Q32 with deviation 19: control characters
// in the host (CVE-2019-18348), bad ports and broken brackets are
// *errors.InvalidURLError from New and NewTLS, before any I/O.
func TestHostRejected(t *testing.T) {
	tests := []struct {
		name string
		host string
		opts []Option
	}{
		{name: "Q31/space", host: "a b"},
		{name: "Q31/crlf", host: "a\r\nb"},
		{name: "Q31/nul", host: "a\x00"},
		{name: "Q31/del", host: "a\x7f"},
		{name: "Q31/tab", host: "a\tb"},
		{name: "Q31/crlf-injection", host: "example.com\r\nX-Injected: 1"},
		{name: "Q32/nonnumeric-port", host: "h:abc"},
		{name: "dev19/empty-port", host: "h:"},
		{name: "dev19/port-too-big", host: "h:99999"},
		{name: "dev19/port-65536", host: "h:65536"},
		{name: "dev19/negative-port", host: "h:-1"},
		{name: "dev19/port-zero", host: "h:0"},
		{name: "dev19/plus-port", host: "h:+80"},
		{name: "dev19/space-port", host: "h: 81"},
		{name: "dev19/hex-port", host: "h:0x50"},
		{name: "dev19/six-digit-port", host: "h:000080"},
		{name: "Q32/userinfo-is-a-bad-port", host: "user:pw@h"},
		{name: "empty-host", host: ""},
		{name: "empty-host-with-port", host: ":80"},
		{name: "unclosed-bracket", host: "[::1"},
		{name: "text-after-bracket", host: "[::1]x"},
		{name: "bracket-empty-port", host: "[::1]:"},
		{name: "bracket-bad-port", host: "[::1]:abc"},
		{name: "empty-brackets", host: "[]"},
		{name: "empty-brackets-port", host: "[]:80"},
		{name: "bad-idna-rune", host: "\u0378.example"},
		{name: "bad-idna-underscore", host: "\u00fcb_c.example"},
		{name: "invalid-utf8", host: "\xff.example"},
		{name: "port-option-zero", host: "h", opts: []Option{WithPort(0)}},
		{name: "port-option-negative", host: "h", opts: []Option{WithPort(-1)}},
		{name: "port-option-too-big", host: "h", opts: []Option{WithPort(65536)}},
	}
	for _, tc := range tests {
		for _, ctor := range []struct {
			name string
			f    func(string, ...Option) (*Conn, error)
		}{{"New", New}, {"NewTLS", NewTLS}} {
			t.Run(tc.name+"/"+ctor.name, func(t *testing.T) {
				c, err := ctor.f(tc.host, tc.opts...)
				var ue *errors.InvalidURLError
				if !errors.As(err, &ue) || !errors.Is(err, errors.ErrInvalidURL) {
					t.Fatalf("%s(%q) = %v, %v; want *errors.InvalidURLError", ctor.name, tc.host, c, err)
				}
				if c != nil {
					t.Errorf("got a Conn with the error")
				}
			})
		}
	}
}

// TestHostAccepted lists hosts Python takes that must keep working: ASCII
// names are not IDNA-checked, and odd but harmless ones pass through.
func TestHostAccepted(t *testing.T) {
	tests := []struct {
		host string
		want string // Conn.Host()
		port int
	}{
		{"h", "h", 80},
		{"b_c.example", "b_c.example", 80},
		{"localhost:1", "localhost", 1},
		{"[::1]:81", "::1", 81},
		{"xn--bcher-kva.example", "xn--bcher-kva.example", 80},
	}
	for _, tc := range tests {
		t.Run(tc.host, func(t *testing.T) {
			c, err := New(tc.host)
			if err != nil {
				t.Fatal(err)
			}
			if c.Host() != tc.want || c.Port() != tc.port {
				t.Errorf("Host(), Port() = %q, %d; want %q, %d", c.Host(), c.Port(), tc.want, tc.port)
			}
		})
	}
}

// TestHostSyntax: only a host reaches the Host header: userinfo, paths,
// sub-delimiters and brackets around anything but IPv6 are refused.
func TestHostSyntax(t *testing.T) {
	bad := []string{"\ufe0b", "\u034f:51", "user@example.com", "example.com/evil", "[example.com]:80", "[1::2::3]:80", "[1.2.3.4]", "a;b", "a?b", "a#b", "exa mple"}
	for _, h := range bad {
		if _, err := New(h); !errors.Is(err, errors.ErrInvalidURL) {
			t.Errorf("New(%q): err = %v, want ErrInvalidURL", h, err)
		}
	}
	good := []string{"example.com", "EXAMPLE.com:8080", "a_b.example", "127.0.0.1", "[::1]:81", "[fe80::1%eth0]", "::1", "bücher.example"}
	for _, h := range good {
		if _, err := New(h); err != nil {
			t.Errorf("New(%q): %v", h, err)
		}
	}
}
