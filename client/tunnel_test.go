package client

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/message"
	"github.com/httpstack/httpstack/testutil"
)

// Tunnel scenarios T01–T14 of reference §7, with deviation 20: the
// CONNECT is HTTP/1.1 with a bracketed IPv6 Host, any 2xx opens the
// tunnel, anything else is *errors.TunnelError, and SetTunnel validates
// what it is given.

const (
	rqProxyOK = "HTTP/1.1 200 Connection established\r\n\r\n"
	rqOK      = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"
)

// TestTunnelBytes checks the CONNECT request and the request inside the
// tunnel, Write by Write, over a FakeDialer standing for the proxy.
func TestTunnelBytes(t *testing.T) {
	tests := []struct {
		name       string
		proxy      string
		tls        bool
		tunnelHost string
		tunnelPort int
		header     message.Header // SetTunnel's
		reqHeader  message.Header // Request's
		target     string
		dial       string
		connect    string
		inner      string
	}{
		{
			name: "T01/default-port", proxy: "proxy.example", tunnelHost: "destination.com",
			dial:    "proxy.example:80",
			connect: "CONNECT destination.com:80 HTTP/1.1\r\nHost: destination.com:80\r\n\r\n",
			inner:   "GET / HTTP/1.1\r\nHost: destination.com\r\nAccept-Encoding: identity\r\n\r\n",
		},
		{
			name: "T01/proxy-port", proxy: "proxy.example:3128", tunnelHost: "destination.com",
			dial:    "proxy.example:3128",
			connect: "CONNECT destination.com:80 HTTP/1.1\r\nHost: destination.com:80\r\n\r\n",
			inner:   "GET / HTTP/1.1\r\nHost: destination.com\r\nAccept-Encoding: identity\r\n\r\n",
		},
		{
			name: "T02/port-argument", proxy: "proxy.example", tunnelHost: "destination.com", tunnelPort: 8888,
			dial:    "proxy.example:80",
			connect: "CONNECT destination.com:8888 HTTP/1.1\r\nHost: destination.com:8888\r\n\r\n",
			inner:   "GET / HTTP/1.1\r\nHost: destination.com:8888\r\nAccept-Encoding: identity\r\n\r\n",
		},
		{
			name: "T02/port-in-host", proxy: "proxy.example", tunnelHost: "destination.com:8888",
			dial:    "proxy.example:80",
			connect: "CONNECT destination.com:8888 HTTP/1.1\r\nHost: destination.com:8888\r\n\r\n",
			inner:   "GET / HTTP/1.1\r\nHost: destination.com:8888\r\nAccept-Encoding: identity\r\n\r\n",
		},
		{
			name: "T03/tunnel-HOST-header-replaces-auto", proxy: "proxy.example", tunnelHost: "destination.com",
			header:  rqHdr("HOST", "example.com:9876", "User-Agent", "x"),
			dial:    "proxy.example:80",
			connect: "CONNECT destination.com:80 HTTP/1.1\r\nHOST: example.com:9876\r\nUser-Agent: x\r\n\r\n",
			inner:   "GET / HTTP/1.1\r\nHost: destination.com\r\nAccept-Encoding: identity\r\n\r\n",
		},
		{
			name: "T03/proxy-authorization", proxy: "proxy.example", tunnelHost: "destination.com",
			header:  rqHdr("Proxy-Authorization", "Basic dTpw"),
			dial:    "proxy.example:80",
			connect: "CONNECT destination.com:80 HTTP/1.1\r\nHost: destination.com:80\r\nProxy-Authorization: Basic dTpw\r\n\r\n",
			inner:   "GET / HTTP/1.1\r\nHost: destination.com\r\nAccept-Encoding: identity\r\n\r\n",
		},
		{
			name: "T03/request-HOST-header-sent-as-given", proxy: "proxy.example", tunnelHost: "destination.com",
			reqHeader: rqHdr("HOST", "other.example"),
			dial:      "proxy.example:80",
			connect:   "CONNECT destination.com:80 HTTP/1.1\r\nHost: destination.com:80\r\n\r\n",
			inner:     "GET / HTTP/1.1\r\nAccept-Encoding: identity\r\nHOST: other.example\r\n\r\n",
		},
		{
			name: "T04/ipv6-bracketed-with-port", proxy: "proxy.example", tunnelHost: "[1:2:3::4]", tunnelPort: 1234,
			dial:    "proxy.example:80",
			connect: "CONNECT [1:2:3::4]:1234 HTTP/1.1\r\nHost: [1:2:3::4]:1234\r\n\r\n",
			inner:   "GET / HTTP/1.1\r\nHost: [1:2:3::4]:1234\r\nAccept-Encoding: identity\r\n\r\n",
		},
		{
			name: "T04/ipv6-port-in-host", proxy: "proxy.example", tunnelHost: "[1:2:3::4]:1234",
			dial:    "proxy.example:80",
			connect: "CONNECT [1:2:3::4]:1234 HTTP/1.1\r\nHost: [1:2:3::4]:1234\r\n\r\n",
			inner:   "GET / HTTP/1.1\r\nHost: [1:2:3::4]:1234\r\nAccept-Encoding: identity\r\n\r\n",
		},
		{
			name: "T04/ipv6-bare-with-port", proxy: "proxy.example", tunnelHost: "1:2:3::4", tunnelPort: 1234,
			dial:    "proxy.example:80",
			connect: "CONNECT [1:2:3::4]:1234 HTTP/1.1\r\nHost: [1:2:3::4]:1234\r\n\r\n",
			inner:   "GET / HTTP/1.1\r\nHost: [1:2:3::4]:1234\r\nAccept-Encoding: identity\r\n\r\n",
		},
		{
			name: "T04/ipv6-default-port", proxy: "proxy.example", tunnelHost: "[1:2:3::4]",
			dial:    "proxy.example:80",
			connect: "CONNECT [1:2:3::4]:80 HTTP/1.1\r\nHost: [1:2:3::4]:80\r\n\r\n",
			inner:   "GET / HTTP/1.1\r\nHost: [1:2:3::4]\r\nAccept-Encoding: identity\r\n\r\n",
		},
		{
			name: "T05/idna", proxy: "proxy.example", tunnelHost: "\u03b4\u03c0\u03b8.gr",
			dial:    "proxy.example:80",
			connect: "CONNECT xn--pxaix.gr:80 HTTP/1.1\r\nHost: xn--pxaix.gr:80\r\n\r\n",
			inner:   "GET / HTTP/1.1\r\nHost: xn--pxaix.gr\r\nAccept-Encoding: identity\r\n\r\n",
		},
		{
			name: "T01/ipv6-proxy", proxy: "[::1]:3128", tunnelHost: "destination.com",
			dial:    "[::1]:3128",
			connect: "CONNECT destination.com:80 HTTP/1.1\r\nHost: destination.com:80\r\n\r\n",
			inner:   "GET / HTTP/1.1\r\nHost: destination.com\r\nAccept-Encoding: identity\r\n\r\n",
		},
		{
			// §4.2: an absolute URL sets Host from its netloc even when
			// tunnelling.
			name: "absolute-url-inside-tunnel", proxy: "proxy.example", tunnelHost: "destination.com",
			target:  "http://abs.example:81/x",
			dial:    "proxy.example:80",
			connect: "CONNECT destination.com:80 HTTP/1.1\r\nHost: destination.com:80\r\n\r\n",
			inner:   "GET http://abs.example:81/x HTTP/1.1\r\nHost: abs.example:81\r\nAccept-Encoding: identity\r\n\r\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			d := testutil.NewFakeDialer(rqProxyOK + rqOK)
			c, err := New(tc.proxy, WithDialer(d))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if h := c.ProxyResponseHeaders(); h != nil {
				t.Errorf("ProxyResponseHeaders before any CONNECT = %q, want nil", h)
			}
			if err := c.SetTunnel(tc.tunnelHost, tc.tunnelPort, tc.header); err != nil {
				t.Fatal(err)
			}
			if err := c.Request(ctx, "GET", tc.target, nil, tc.reqHeader); err != nil {
				t.Fatal(err)
			}
			r, err := c.GetResponse(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if b, err := io.ReadAll(r); err != nil || string(b) != "hi" || r.Status != 200 {
				t.Errorf("response %d %q %v", r.Status, b, err)
			}
			if got := d.Dials(); !slices.Equal(got, []string{tc.dial}) {
				t.Errorf("dials %q, want [%q]", got, tc.dial)
			}
			rqCheckBytes(t, rqWritten(t, d), tc.connect+tc.inner, []string{tc.connect, tc.inner})
			if h := c.ProxyResponseHeaders(); h == nil || len(h) != 0 {
				t.Errorf("ProxyResponseHeaders after a reply without fields = %#v, want empty non-nil", h)
			}
		})
	}
}

// TestTunnelHTTPSHost is T14 and the HTTPS defaults: the tunnel port
// defaults to 443 for NewTLS, and the inner Host omits it.
func TestTunnelHTTPSHost(t *testing.T) {
	tests := []struct {
		name       string
		tunnelHost string
		tunnelPort int
		wantHost   string
	}{
		{"T14/port-443-omitted", "dest", 443, "dest"},
		{"T14/port-0-is-443", "dest", 0, "dest"},
		{"T14/port-80-kept", "dest", 80, "dest:80"},
		{"T14/port-in-host", "dest:8443", 0, "dest:8443"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewTLS("proxy.example:8080", WithDialer(testutil.NewFakeDialer()))
			if err != nil {
				t.Fatal(err)
			}
			if err := c.SetTunnel(tc.tunnelHost, tc.tunnelPort, nil); err != nil {
				t.Fatal(err)
			}
			if err := c.PutRequest("HEAD", "/index.html"); err != nil {
				t.Fatal(err)
			}
			want := "HEAD /index.html HTTP/1.1\r\nHost: " + tc.wantHost + "\r\nAccept-Encoding: identity\r\n"
			if string(c.buf) != want {
				t.Errorf("head\n got %q\nwant %q", c.buf, want)
			}
		})
	}
}

// TestTunnelRefused covers T06–T10 with deviation 20: a proxy that does
// not open the tunnel leaves the Conn Idle without a socket, the proxy's
// header fields readable, and the next request dials (and CONNECTs)
// again.
func TestTunnelRefused(t *testing.T) {
	const connect = "CONNECT destination.com:80 HTTP/1.1\r\nHost: destination.com:80\r\n\r\n"
	fields := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "X-%d: v\r\n", i)
		}
		return b.String()
	}
	tests := []struct {
		name    string
		reply   string
		check   rqErrCheck
		headers message.Header // ProxyResponseHeaders after the failure; nil: none parsed
	}{
		{
			name:  "T06/407",
			reply: "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n",
			check: rqTunnelErr(407, "Proxy Authentication Required"),
			// T07: the headers stay readable after the failure.
			headers: rqHdr("Proxy-Authenticate", "Basic"),
		},
		{
			name:    "T06/403-with-body",
			reply:   "HTTP/1.1 403 Forbidden\r\nContent-Length: 4\r\nX-Proxy: p\r\n\r\nnope",
			check:   rqTunnelErr(403, "Forbidden"),
			headers: rqHdr("Content-Length", "4", "X-Proxy", "p"),
		},
		{
			name:    "T06/100-is-not-success",
			reply:   "HTTP/1.1 100 Continue\r\n\r\n",
			check:   rqTunnelErr(100, "Continue"),
			headers: message.Header{},
		},
		{
			name:    "T06/300",
			reply:   "HTTP/1.1 300 Multiple Choices\r\n\r\n",
			check:   rqTunnelErr(300, "Multiple Choices"),
			headers: message.Header{},
		},
		{
			name:    "T06/502-no-reason",
			reply:   "HTTP/1.1 502\r\n\r\n",
			check:   rqTunnelErr(502, ""),
			headers: message.Header{},
		},
		{
			name:  "T08/garbage",
			reply: "garbage\r\n\r\n",
			check: func(err error) string {
				var be *errors.BadStatusLineError
				if !errors.As(err, &be) {
					return "want *errors.BadStatusLineError"
				}
				return ""
			},
		},
		{
			name:  "T08/eof",
			reply: "",
			check: rqIs(errors.ErrRemoteDisconnected),
		},
		{
			name:  "T08/eof-inside-head",
			reply: "HTTP/1.1 200 OK\r\nX-A: 1\r\n",
			check: rqIs(io.ErrUnexpectedEOF),
		},
		{
			name:  "T09/101-header-lines",
			reply: "HTTP/1.1 200 OK\r\n" + fields(101) + "\r\n",
			check: rqIs(errors.ErrTooManyHeaders),
		},
		{
			name:  "T09/long-header-line",
			reply: "HTTP/1.1 200 OK\r\nX: " + strings.Repeat("a", 70000) + "\r\n\r\n",
			check: rqIs(errors.ErrLineTooLong),
		},
		{
			// Python accepts any version here; ours is strict
			// (deviation 10).
			name:  "T10/http2-status-line",
			reply: "HTTP/2 200 OK\r\n\r\n",
			check: func(err error) string {
				var pe *errors.UnknownProtocolError
				if !errors.As(err, &pe) || pe.Version != "HTTP/2" {
					return "want *errors.UnknownProtocolError for HTTP/2"
				}
				return ""
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			d := testutil.NewFakeDialer(tc.reply, rqProxyOK+rqOK)
			c, err := New("proxy.example", WithDialer(d))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if err := c.SetTunnel("destination.com", 0, nil); err != nil {
				t.Fatal(err)
			}
			err = c.Request(ctx, "GET", "/", nil, nil)
			if err == nil {
				t.Fatal("Request succeeded through a refused tunnel")
			}
			if msg := tc.check(err); msg != "" {
				t.Fatalf("%v: %s", err, msg)
			}
			if c.state != stateIdle || c.conn() != nil || len(c.buf) != 0 {
				t.Errorf("state %v, conn %v, %d bytes buffered; want Idle, nil, none", c.state, c.conn(), len(c.buf))
			}
			fc := d.Conns()[0]
			if !fc.Closed() {
				t.Error("the proxy connection was not closed")
			}
			rqCheckBytes(t, fc, connect, []string{connect})
			got := c.ProxyResponseHeaders()
			if diff := cmp.Diff(tc.headers, got); diff != "" || (tc.headers == nil) != (got == nil) {
				t.Errorf("ProxyResponseHeaders (-want +got):\n%s (got nil: %v)", diff, got == nil)
			}
			// The next request dials and CONNECTs again.
			if err := c.Request(ctx, "GET", "/", nil, nil); err != nil {
				t.Fatal(err)
			}
			r, err := c.GetResponse(ctx)
			if err != nil {
				t.Fatal(err)
			}
			r.Close()
			inner := "GET / HTTP/1.1\r\nHost: destination.com\r\nAccept-Encoding: identity\r\n\r\n"
			rqCheckBytes(t, d.Conns()[1], connect+inner, []string{connect, inner})
			if h := c.ProxyResponseHeaders(); h == nil || len(h) != 0 {
				t.Errorf("ProxyResponseHeaders after the second CONNECT = %#v, want empty", h)
			}
		})
	}
}

// rqTunnelErr wants an *errors.TunnelError with the proxy's status.
func rqTunnelErr(code int, reason string) rqErrCheck {
	return func(err error) string {
		var te *errors.TunnelError
		switch {
		case !errors.As(err, &te):
			return "want *errors.TunnelError"
		case te.Status != code || te.Reason != reason:
			return fmt.Sprintf("TunnelError{%d %q}, want {%d %q}", te.Status, te.Reason, code, reason)
		case !errors.Is(err, errors.ErrTunnel):
			return "want errors.Is ErrTunnel"
		}
		return ""
	}
}

// TestTunnel2xx checks deviation 20's other half: any 2xx opens the
// tunnel (Python accepts only 200), and the proxy's fields are kept.
func TestTunnel2xx(t *testing.T) {
	tests := []struct {
		name  string
		reply string
		want  message.Header
	}{
		{"200-with-fields", "HTTP/1.1 200 OK\r\nX-Proxy: yes\r\nProxy-Agent: t\r\n\r\n", rqHdr("X-Proxy", "yes", "Proxy-Agent", "t")},
		{"201", "HTTP/1.1 201 Created\r\n\r\n", message.Header{}},
		{"299", "HTTP/1.0 299 Whatever\r\nVia: p\r\n\r\n", rqHdr("Via", "p")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			d := testutil.NewFakeDialer(tc.reply + rqOK)
			c, err := New("proxy.example", WithDialer(d))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if err := c.SetTunnel("destination.com", 0, nil); err != nil {
				t.Fatal(err)
			}
			if err := c.Request(ctx, "GET", "/", nil, nil); err != nil {
				t.Fatal(err)
			}
			r, err := c.GetResponse(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if b, _ := io.ReadAll(r); string(b) != "hi" {
				t.Errorf("body %q", b)
			}
			if diff := cmp.Diff(tc.want, c.ProxyResponseHeaders()); diff != "" {
				t.Errorf("ProxyResponseHeaders (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTunnelReuse checks that a kept-alive tunnel carries the next
// request without a second CONNECT, and that a closed one is set up again.
func TestTunnelReuse(t *testing.T) {
	ctx := context.Background()
	const (
		connect = "CONNECT destination.com:80 HTTP/1.1\r\nHost: destination.com:80\r\n\r\n"
		inner   = "GET / HTTP/1.1\r\nHost: destination.com\r\nAccept-Encoding: identity\r\n\r\n"
		closing = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi"
	)
	d := testutil.NewFakeDialer(rqProxyOK+rqOK+closing, rqProxyOK+rqOK)
	c, err := New("proxy.example", WithDialer(d))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.SetTunnel("destination.com", 0, nil); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := c.Request(ctx, "GET", "/", nil, nil); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		r, err := c.GetResponse(ctx)
		if err != nil {
			t.Fatalf("response %d: %v", i, err)
		}
		if b, err := io.ReadAll(r); err != nil || string(b) != "hi" {
			t.Fatalf("body %d: %q %v", i, b, err)
		}
	}
	conns := d.Conns()
	if len(conns) != 2 {
		t.Fatalf("%d dials, want 2", len(conns))
	}
	rqCheckBytes(t, conns[0], connect+inner+inner, []string{connect, inner, inner})
	rqCheckBytes(t, conns[1], connect+inner, []string{connect, inner})
}

// TestSetTunnelRejected covers T12 and T13 with deviation 20: SetTunnel
// on an open connection, and CR/LF or other bad bytes in the tunnel host,
// port or header fields, fail at once; nothing is dialled or sent, and
// the previous tunnel setting stays in force.
func TestSetTunnelRejected(t *testing.T) {
	tests := []struct {
		name   string
		host   string
		port   int
		header message.Header
		check  rqErrCheck
	}{
		{"T13/crlf-in-header-value", "dest", 0, rqHdr("X-A", "v\r\nInjected: 1"), rqLocalHeader("X-A")},
		{"T13/lf-in-header-value", "dest", 0, rqHdr("X-A", "v\nInjected: 1"), rqLocalHeader("X-A")},
		{"T13/nul-in-header-value", "dest", 0, rqHdr("X-A", "v\x00"), rqLocalHeader("X-A")},
		{"T13/obs-fold-in-header-value", "dest", 0, rqHdr("X-A", "v\r\n w"), rqLocalHeader("X-A")},
		{"T13/crlf-in-host-header", "dest", 0, rqHdr("Host", "h\r\nInjected: 1"), rqLocalHeader("Host")},
		{"T13/bad-header-name", "dest", 0, rqHdr("X A", "v"), rqLocalHeader("X A")},
		{"T13/empty-header-name", "dest", 0, rqHdr("", "v"), rqLocalHeader("")},
		{"T13/bad-second-field", "dest", 0, rqHdr("X-Ok", "1", "X-Bad:", "v"), rqLocalHeader("X-Bad:")},
		{"T13/crlf-in-host", "d.example/x HTTP/1.1\r\nInjected: 1\r\nX: y", 443, nil, rqBadURL()},
		{"T13/space-in-host", "a b", 0, nil, rqBadURL()},
		{"T13/nul-in-host", "a\x00", 0, nil, rqBadURL()},
		{"T13/del-in-host", "a\x7f", 0, nil, rqBadURL()},
		{"T13/slash-in-host", "d.example/x", 0, nil, rqBadURL()},
		{"T13/at-in-host", "u@d.example", 0, nil, rqBadURL()},
		{"empty-host", "", 0, nil, rqBadURL()},
		{"nonnumeric-port-in-host", "dest:abc", 0, nil, rqBadURL()},
		{"empty-port-in-host", "dest:", 0, nil, rqBadURL()},
		{"port-too-big", "dest", 65536, nil, rqBadURL()},
		{"negative-port", "dest", -1, nil, rqBadURL()},
		{"unclosed-bracket", "[::1", 0, nil, rqBadURL()},
		{"bad-idna", "\u0378.example", 0, nil, rqBadURL()},
	}
	const (
		connect = "CONNECT good.example:80 HTTP/1.1\r\nHost: good.example:80\r\n\r\n"
		inner   = "GET / HTTP/1.1\r\nHost: good.example\r\nAccept-Encoding: identity\r\n\r\n"
	)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			d := testutil.NewFakeDialer(rqProxyOK + rqOK)
			c, err := New("proxy.example", WithDialer(d))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if err := c.SetTunnel("good.example", 0, nil); err != nil {
				t.Fatal(err)
			}
			err = c.SetTunnel(tc.host, tc.port, tc.header)
			if err == nil {
				t.Fatal("SetTunnel accepted it")
			}
			if msg := tc.check(err); msg != "" {
				t.Fatalf("%v: %s", err, msg)
			}
			if n := len(d.Dials()); n != 0 {
				t.Fatalf("SetTunnel dialled %d times", n)
			}
			if err := c.Request(ctx, "GET", "/", nil, nil); err != nil {
				t.Fatal(err)
			}
			rqCheckBytes(t, rqWritten(t, d), connect+inner, []string{connect, inner})
		})
	}
}

// TestSetTunnelAfterConnect is T12: once connected, SetTunnel fails and
// changes nothing; after Close it works again.
func TestSetTunnelAfterConnect(t *testing.T) {
	ctx := context.Background()
	d := testutil.NewFakeDialer("", rqProxyOK+rqOK)
	c, err := New("proxy.example", WithDialer(d))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	err = c.SetTunnel("destination.com", 0, nil)
	if !errors.Is(err, errors.ErrInvalidArgument) || !strings.HasPrefix(err.Error(), "http: ") {
		t.Fatalf("SetTunnel after Connect: %v, want ErrInvalidArgument", err)
	}
	if c.tunnel != nil {
		t.Fatal("the failed SetTunnel set a tunnel")
	}
	if c.ProxyResponseHeaders() != nil {
		t.Error("ProxyResponseHeaders without a tunnel is not nil (T11)")
	}
	// Deviation 22: Connect on an open connection does nothing.
	if err := c.Connect(ctx); err != nil || len(d.Dials()) != 1 {
		t.Fatalf("second Connect: %v, %d dials", err, len(d.Dials()))
	}
	c.Close()
	if err := c.SetTunnel("destination.com", 0, nil); err != nil {
		t.Fatalf("SetTunnel after Close: %v", err)
	}
	if err := c.Request(ctx, "GET", "/", nil, nil); err != nil {
		t.Fatal(err)
	}
	if got := string(d.Conns()[1].Written()); !strings.HasPrefix(got, "CONNECT destination.com:80 HTTP/1.1\r\n") {
		t.Errorf("after Close and SetTunnel: %q", got)
	}
}

// TestTunnelPipe replays a scripted proxy over net.Pipe, step by step, as
// a transcript: the CONNECT, then two requests in the tunnel.
func TestTunnelPipe(t *testing.T) {
	ctx := context.Background()
	d := testutil.NewPipeDialer(t, testutil.Script{
		{Expect: "CONNECT destination.com:8888 HTTP/1.1\r\nHost: destination.com:8888\r\nProxy-Authorization: Basic dTpw\r\n\r\n",
			Reply: "HTTP/1.1 200 Connection established\r\nProxy-Agent: pipe\r\n\r\n"},
		{Expect: "POST /a HTTP/1.1\r\nHost: destination.com:8888\r\nAccept-Encoding: identity\r\nContent-Length: 3\r\n\r\nabc",
			Reply: "HTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nA"},
		{Expect: "GET /b HTTP/1.1\r\nHost: destination.com:8888\r\nAccept-Encoding: identity\r\n\r\n",
			Reply: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nB\r\n0\r\n\r\n"},
	})
	c, err := New("proxy.example:3128", WithDialer(d))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.SetTunnel("destination.com", 8888, rqHdr("Proxy-Authorization", "Basic dTpw")); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		method, target string
		body           any
		code           int
		want           string
	}{
		{"POST", "/a", "abc", 201, "A"},
		{"GET", "/b", nil, 200, "B"},
	} {
		if err := c.Request(ctx, step.method, step.target, step.body, nil); err != nil {
			t.Fatal(err)
		}
		r, err := c.GetResponse(ctx)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		if err != nil || int(r.Status) != step.code || string(b) != step.want {
			t.Errorf("%s %s: %d %q %v", step.method, step.target, r.Status, b, err)
		}
	}
	if got := d.Dials(); !slices.Equal(got, []string{"proxy.example:3128"}) {
		t.Errorf("dials %q", got)
	}
	if diff := cmp.Diff(rqHdr("Proxy-Agent", "pipe"), c.ProxyResponseHeaders()); diff != "" {
		t.Errorf("ProxyResponseHeaders (-want +got):\n%s", diff)
	}
}

// TestTunnelLoopback runs through testutil's CONNECT proxy to a net/http
// server: the CONNECT head as the proxy saw it, the Host the origin saw,
// proxy authentication refused (407, T06/T07) and then accepted.
func TestTunnelLoopback(t *testing.T) {
	srv := testutil.NewHTTPServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s %s host=%s", r.Method, r.RequestURI, r.Host)
	}), nil)
	_, srvPort, _ := net.SplitHostPort(srv.Addr())
	proxy := testutil.NewConnectProxy(t, testutil.ProxyOptions{
		RequireAuth: "Basic dTpw",
		ReplyHeader: rqHdr("Proxy-Agent", "testutil"),
		Targets:     map[string]string{"origin.example:80": srv.Addr()},
	})
	proxyHost, proxyPort, _ := net.SplitHostPort(proxy.Addr())
	ctx := context.Background()
	tests := []struct {
		name        string
		tunnelHost  string
		header      message.Header
		check       rqErrCheck // nil: success
		wantBody    string
		wantConnect string
		wantProxyH  message.Header
	}{
		{
			name: "T06/no-credentials-407", tunnelHost: srv.Addr(),
			check:       rqTunnelErr(407, "Proxy Authentication Required"),
			wantConnect: "CONNECT " + srv.Addr() + " HTTP/1.1\r\nHost: " + srv.Addr() + "\r\n\r\n",
			wantProxyH:  rqHdr("Proxy-Agent", "testutil", "Proxy-Authenticate", `Basic realm="testutil"`, "Content-Length", "0"),
		},
		{
			name: "T06/wrong-credentials-407", tunnelHost: srv.Addr(), header: rqHdr("Proxy-Authorization", "Basic eDp5"),
			check:       rqTunnelErr(407, "Proxy Authentication Required"),
			wantConnect: "CONNECT " + srv.Addr() + " HTTP/1.1\r\nHost: " + srv.Addr() + "\r\nProxy-Authorization: Basic eDp5\r\n\r\n",
			wantProxyH:  rqHdr("Proxy-Agent", "testutil", "Proxy-Authenticate", `Basic realm="testutil"`, "Content-Length", "0"),
		},
		{
			name: "T01/by-address", tunnelHost: srv.Addr(), header: rqHdr("Proxy-Authorization", "Basic dTpw"),
			wantBody:    "GET /path?q host=127.0.0.1:" + srvPort,
			wantConnect: "CONNECT " + srv.Addr() + " HTTP/1.1\r\nHost: " + srv.Addr() + "\r\nProxy-Authorization: Basic dTpw\r\n\r\n",
			wantProxyH:  rqHdr("Proxy-Agent", "testutil"),
		},
		{
			name: "T01/by-name", tunnelHost: "origin.example", header: rqHdr("Proxy-Authorization", "Basic dTpw"),
			wantBody:    "GET /path?q host=origin.example",
			wantConnect: "CONNECT origin.example:80 HTTP/1.1\r\nHost: origin.example:80\r\nProxy-Authorization: Basic dTpw\r\n\r\n",
			wantProxyH:  rqHdr("Proxy-Agent", "testutil"),
		},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var dials []string
			c, err := New(proxy.Addr(), WithTrace(&Trace{Connect: func(host string, port int) {
				dials = append(dials, fmt.Sprint(host, ":", port))
			}}))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if err := c.SetTunnel(tc.tunnelHost, 0, tc.header); err != nil {
				t.Fatal(err)
			}
			err = c.Request(ctx, "GET", "/path?q", nil, nil)
			if tc.check != nil {
				if msg := tc.check(err); msg != "" {
					t.Fatalf("%v: %s", err, msg)
				}
				if c.conn() != nil || c.state != stateIdle {
					t.Errorf("conn %v, state %v after refusal", c.conn(), c.state)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				r, err := c.GetResponse(ctx)
				if err != nil {
					t.Fatal(err)
				}
				b, err := io.ReadAll(r)
				if err != nil || r.Status != 200 || string(b) != tc.wantBody {
					t.Errorf("got %d %q %v, want 200 %q", r.Status, b, err, tc.wantBody)
				}
			}
			if want := []string{proxyHost + ":" + proxyPort}; !slices.Equal(dials, want) {
				t.Errorf("Trace.Connect got %q, want %q (the proxy)", dials, want)
			}
			reqs := proxy.Requests()
			if len(reqs) != i+1 || reqs[i] != tc.wantConnect {
				t.Errorf("proxy saw %q, want last %q", reqs, tc.wantConnect)
			}
			if diff := cmp.Diff(tc.wantProxyH, c.ProxyResponseHeaders()); diff != "" {
				t.Errorf("ProxyResponseHeaders (-want +got):\n%s", diff)
			}
		})
	}
}
