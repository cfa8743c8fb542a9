package hostile

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/httpstack/httpstack/client"
	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/message"
	"github.com/httpstack/httpstack/testutil"
	"github.com/httpstack/httpstack/wire"
)

// safeWireText reports whether s may appear in a request line or a Host
// value: visible ASCII only (no CTL, SP, DEL or non-ASCII byte).
func safeWireText(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return s != ""
}

// checkAuthority fails unless addr is host:port with a safe host and a
// port in 1..65535, and returns host and port.
func checkAuthority(t *testing.T, what, addr string) (string, int) {
	t.Helper()
	host, port, err := splitAuthority(addr)
	if err != "" {
		t.Fatalf("%s %q: %s", what, addr, err)
	}
	return host, port
}

// splitAuthority splits host:port, or says what is wrong with it.
func splitAuthority(addr string) (host string, port int, problem string) {
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, err.Error()
	}
	port, err = strconv.Atoi(portStr)
	if err != nil || port < 1 || port > 65535 || strconv.Itoa(port) != portStr {
		return "", 0, "bad port"
	}
	if !safeWireText(host) || strings.ContainsAny(host, "[]") {
		return "", 0, "unsafe host"
	}
	return host, port, ""
}

// parseRequests splits w into request heads (request line and fields),
// failing on anything that does not parse. Bodies are not expected.
func parseRequests(t *testing.T, w []byte) (lines []wire.RequestLine, heads []message.Header) {
	t.Helper()
	for len(w) > 0 {
		rl, n, err := wire.ParseRequestLine(w, &wire.Limits{MaxLine: len(w) + 1})
		if err != nil {
			t.Fatalf("request line of %q: %v", w, err)
		}
		w = w[n:]
		var h message.Header
		var hd wire.HeaderDecoder
		hd.Reset(&wire.Limits{MaxLine: len(w) + 1, MaxHeaderBytes: len(w) + 1}, false)
		for {
			name, value, n, done, err := hd.Next(w)
			if err != nil {
				t.Fatalf("header block of %q: %v", w, err)
			}
			w = w[n:]
			if done {
				break
			}
			h = append(h, message.Field{Name: string(name), Value: string(value)})
		}
		lines = append(lines, rl)
		heads = append(heads, h)
	}
	return lines, heads
}

// FuzzNew fuzzes host validation: New either fails with an
// *errors.InvalidURLError, or gives a Conn whose dial address and Host
// header hold only visible ASCII, with the port it reports; and the Host
// value it sends, given back to New, names the same host and port.
func FuzzNew(f *testing.F) {
	for _, s := range []string{
		"example.com", "example.com:8080", "[::1]:8080", "::1", "[fe80::1%25eth0]:81", "b\xc3\xbccher.example",
		"h:", "h:0", "h:65536", "h:+80", "h: 80", "127.0.0.1\r\nX-Injected: 1:1234", "[::1", "[::1]x", "a b",
		"xn--bcher-kva.example", "\xff", "evil.com/path?q#f", "user@host", "h:00080", "1:2:3", ":80", "",
		"fe80::1%a]b", "fe80::1%a/b@c",
	} {
		f.Add(s, 0)
		f.Add(s, 443)
	}
	f.Add("example.com", 70000)
	f.Fuzz(func(t *testing.T, host string, port int) {
		defer watchdog("FuzzNew", []byte(host), 10*time.Second)()
		d := testutil.NewFakeDialer("HTTP/1.1 204 No Content\r\n\r\n")
		opts := []client.Option{client.WithDialer(d)}
		if port != 0 {
			opts = append(opts, client.WithPort(port))
		}
		c, err := client.New(host, opts...)
		if err != nil {
			var ue *errors.InvalidURLError
			if !errors.As(err, &ue) {
				t.Fatalf("New(%q, port %d): %T %v, want *errors.InvalidURLError", host, port, err, err)
			}
			return
		}
		defer c.Close()
		if port != 0 && (port < 1 || port > 65535) {
			t.Fatalf("New(%q) accepted port %d", host, port)
		}
		if err := c.Request(context.Background(), "GET", "/", nil, nil); err != nil {
			t.Fatalf("New(%q) accepted, Request: %v", host, err)
		}
		dials := d.Dials()
		if len(dials) != 1 {
			t.Fatalf("%d dials", len(dials))
		}
		// Regression: "::[" and "[::1]:8080" with WithPort(443) used to be
		// accepted and dialled as "[::[]:80" and "[::1]:8080]:443".
		dh, dp, problem := splitAuthority(dials[0])
		if problem != "" {
			t.Fatalf("New(%q, port %d): dial address %q: %s", host, port, dials[0], problem)
		}
		if dp != c.Port() || dh != c.Host() {
			t.Fatalf("dialled %q, Conn says %q port %d", dials[0], c.Host(), c.Port())
		}
		_, heads := parseRequests(t, d.Conns()[0].Written())
		hostHdr := heads[0].Get("Host")
		if !safeWireText(hostHdr) {
			t.Fatalf("Host header %q", hostHdr)
		}
		// The Host value sent names the same server.
		if strings.Contains(c.Host(), "%") {
			return // a zone is not sent in Host (RFC 9110 §7.2)
		}
		c2, err := client.New(hostHdr)
		if err != nil {
			t.Fatalf("New(%q) for the Host header sent by New(%q): %v", hostHdr, host, err)
		}
		if c2.Host() != c.Host() || c2.Port() != c.Port() {
			t.Fatalf("New(%q) sends Host %q, which is %q port %d, not %q port %d", host, hostHdr, c2.Host(), c2.Port(), c.Host(), c.Port())
		}
	})
}

// FuzzSetTunnel fuzzes tunnel validation: SetTunnel either fails with an
// *errors.InvalidURLError or *errors.HeaderError and dials nothing, or
// the CONNECT request and the request inside the tunnel are sent and
// re-parse: a safe host:port authority in the CONNECT line and its Host
// field, the caller's field intact, and the inner Host naming the tunnel
// target. What SetTunnel accepts, the dial never refuses.
func FuzzSetTunnel(f *testing.F) {
	for _, s := range []struct {
		host, name, value string
		port              int
	}{
		{"origin.example", "Proxy-Authorization", "Basic dXNlcjpwdw==", 0},
		{"origin.example:8443", "", "", 0},
		{"[::1]:8080", "X-A", "1", 0},
		{"::1", "X-A", "1", 443},
		{"b\xc3\xbccher.example", "X", "y", 0},
		{"example.com\r\nX-Injected: 1", "X", "y", 0},
		{"example.com", "X-Inj", "a\r\nInjected: 1", 0},
		{"example.com", "Bad Name", "v", 0},
		{"example.com", "Host", "spoofed.example", 0},
		{"a/b@c", "X", "y", 0},
		{"h:", "X", "y", 0},
		{"h", "X", "y", 70000},
		{"[fe80::1%25eth0]:81", "X", "y", 0},
	} {
		f.Add(s.host, s.port, s.name, s.value)
	}
	f.Fuzz(func(t *testing.T, host string, port int, name, value string) {
		defer watchdog("FuzzSetTunnel", []byte(host), 10*time.Second)()
		d := testutil.NewFakeDialer("HTTP/1.1 200 Connection established\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n")
		c, err := client.New("proxy.example:3128", client.WithDialer(d))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		var header message.Header
		if name != "" || value != "" {
			header = message.Header{{Name: name, Value: value}}
		}
		if err := c.SetTunnel(host, port, header); err != nil {
			var ue *errors.InvalidURLError
			var he *errors.HeaderError
			if !errors.As(err, &ue) && !(errors.As(err, &he) && !he.Remote) {
				t.Fatalf("SetTunnel(%q, %d, %q): %T %v, want *InvalidURLError or *HeaderError", host, port, header, err, err)
			}
			if he != nil && (wire.ValidFieldName(name) && wire.ValidFieldValue(value)) {
				t.Fatalf("SetTunnel refused a valid field %q: %v", header, err)
			}
			if n := len(d.Dials()); n != 0 {
				t.Fatalf("refused SetTunnel dialled %d times", n)
			}
			return
		}
		if port < 0 || port > 65535 {
			t.Fatalf("SetTunnel(%q) accepted port %d", host, port)
		}
		ctx := context.Background()
		if err := c.Request(ctx, "GET", "/", nil, nil); err != nil {
			t.Fatalf("SetTunnel(%q, %d, %q) accepted, Request: %v", host, port, header, err)
		}
		resp, err := c.GetResponse(ctx)
		if err != nil {
			t.Fatalf("GetResponse through the tunnel: %v", err)
		}
		resp.Close()
		if dials := d.Dials(); len(dials) != 1 || dials[0] != "proxy.example:3128" {
			t.Fatalf("dials %q", dials)
		}
		lines, heads := parseRequests(t, d.Conns()[0].Written())
		if len(lines) != 2 {
			t.Fatalf("%d requests written, want CONNECT and GET", len(lines))
		}
		if string(lines[0].Method) != "CONNECT" || string(lines[1].Method) != "GET" {
			t.Fatalf("methods %q, %q", lines[0].Method, lines[1].Method)
		}
		authority := string(lines[0].Target)
		checkAuthority(t, "CONNECT target", authority)
		want := message.Header{}
		if !header.Has("Host") {
			want = append(want, message.Field{Name: "Host", Value: authority})
		}
		for _, fl := range header {
			want = append(want, message.Field{Name: fl.Name, Value: strings.Trim(fl.Value, " \t")})
		}
		if !equalHeader(heads[0], want) {
			t.Fatalf("CONNECT fields %q, want %q", heads[0], want)
		}
		// Inside the tunnel, Host is the target (its port omitted when it
		// is the default).
		inner := heads[1].Get("Host")
		if !safeWireText(inner) {
			t.Fatalf("inner Host %q", inner)
		}
		// A zone is not sent in Host (RFC 9110 §7.2, RFC 6874 §2).
		if h, p, ok := strings.Cut(authority, "%"); ok && strings.HasPrefix(h, "[") {
			authority = h + p[strings.IndexByte(p, ']'):]
		}
		if inner != authority && inner+":80" != authority {
			t.Fatalf("inner Host %q for CONNECT %q", inner, authority)
		}
	})
}
