package transport

import (
	"context"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/message"
	"github.com/httpstack/httpstack/testutil"
	"github.com/httpstack/httpstack/wire"
)

const ok200 = "HTTP/1.1 200 Connection established\r\n\r\n"

func TestTunnelRequest(t *testing.T) {
	tests := []struct {
		name   string
		addr   string
		header message.Header
		want   string
	}{
		{
			name: "plain",
			addr: "destination.com:80",
			want: "CONNECT destination.com:80 HTTP/1.1\r\nHost: destination.com:80\r\n\r\n",
		},
		{
			name:   "headers in order",
			addr:   "example.com:443",
			header: hdr("Proxy-Authorization", "Basic dTpw", "User-Agent", "x"),
			want:   "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nProxy-Authorization: Basic dTpw\r\nUser-Agent: x\r\n\r\n",
		},
		{
			// CPython 3.12+: the caller's Host replaces the automatic one
			// and keeps its spelling.
			name:   "caller host",
			addr:   "destination.com:80",
			header: hdr("HOST", "example.com:9876", "User-Agent", "x"),
			want:   "CONNECT destination.com:80 HTTP/1.1\r\nHOST: example.com:9876\r\nUser-Agent: x\r\n\r\n",
		},
		{
			name: "IPv6 bracketed in both",
			addr: "[1:2:3::4]:1234",
			want: "CONNECT [1:2:3::4]:1234 HTTP/1.1\r\nHost: [1:2:3::4]:1234\r\n\r\n",
		},
		{
			name: "IPv4",
			addr: "192.0.2.1:8080",
			want: "CONNECT 192.0.2.1:8080 HTTP/1.1\r\nHost: 192.0.2.1:8080\r\n\r\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := testutil.NewFakeDialer(ok200)
			tun := &Tunnel{Base: d, Proxy: "proxy.example:3128", Header: tc.header}
			c, err := tun.DialContext(context.Background(), "tcp", tc.addr)
			if err != nil {
				t.Fatalf("DialContext: %v", err)
			}
			defer c.Close()
			if diff := cmp.Diff([]string{"proxy.example:3128"}, d.Dials()); diff != "" {
				t.Errorf("dials (-want +got):\n%s", diff)
			}
			writes := d.Conns()[0].Writes()
			if len(writes) != 1 {
				t.Fatalf("CONNECT sent in %d writes, want exactly 1: %q", len(writes), writes)
			}
			if diff := testutil.ByteDiff([]byte(tc.want), writes[0]); diff != "" {
				t.Errorf("CONNECT request:\n%s", diff)
			}
		})
	}
}

func TestTunnelRefusesInvalidRequest(t *testing.T) {
	var urlErr *errors.InvalidURLError
	var hdrErr *errors.HeaderError
	tests := []struct {
		name   string
		addr   string
		header message.Header
		target any
	}{
		{"CRLF in host", "example.com\r\nX-Injected: 1:443", nil, &urlErr},
		{"LF in host", "example.com\nX: 1:443", nil, &urlErr},
		{"space in host", "exa mple.com:80", nil, &urlErr},
		{"NUL in host", "a\x00b:80", nil, &urlErr},
		{"DEL in host", "a\x7fb:80", nil, &urlErr},
		{"non-ASCII host", "δπθ.gr:80", nil, &urlErr},
		{"slash in host", "a/b:80", nil, &urlErr},
		{"empty host", ":80", nil, &urlErr},
		{"no port", "example.com", nil, &urlErr},
		{"empty port", "example.com:", nil, &urlErr},
		{"port zero", "example.com:0", nil, &urlErr},
		{"port too big", "example.com:65536", nil, &urlErr},
		{"port not numeric", "example.com:8o", nil, &urlErr},
		{"signed port", "example.com:+80", nil, &urlErr},
		{"CRLF in header value", "example.com:443", hdr("X", "a\r\nInjected: 1"), &hdrErr},
		{"LF in header value", "example.com:443", hdr("X", "a\nb"), &hdrErr},
		{"NUL in header value", "example.com:443", hdr("X", "a\x00b"), &hdrErr},
		{"space in header name", "example.com:443", hdr("Bad Name", "v"), &hdrErr},
		{"colon in header name", "example.com:443", hdr("X:", "v"), &hdrErr},
		{"CRLF in header name", "example.com:443", hdr("X\r\nY", "v"), &hdrErr},
		{"CRLF in caller host", "example.com:443", hdr("Host", "a\r\nb"), &hdrErr},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := testutil.NewFakeDialer(ok200)
			tun := &Tunnel{Base: d, Proxy: "proxy:3128", Header: tc.header}
			_, err := tun.DialContext(context.Background(), "tcp", tc.addr)
			if !errors.As(err, tc.target) {
				t.Fatalf("DialContext error = %v (%T), want %T", err, err, tc.target)
			}
			if hdrErr != nil && hdrErr.Remote {
				t.Errorf("HeaderError.Remote = true for a caller's header")
			}
			if n := len(d.Dials()); n != 0 {
				t.Errorf("proxy dialled %d times for an invalid request", n)
			}

			// Handshake on an open conn writes nothing either.
			c := testutil.NewFakeConn(testutil.FakeReply{Data: ok200})
			if _, err := tun.Handshake(context.Background(), c, tc.addr); !errors.As(err, tc.target) {
				t.Fatalf("Handshake error = %v, want %T", err, tc.target)
			}
			if w := c.Written(); len(w) != 0 {
				t.Errorf("Handshake wrote %q for an invalid request", w)
			}
		})
	}
}

type response struct {
	code   int
	reason string
	header message.Header
}

func TestTunnelReply(t *testing.T) {
	long := make([]byte, 200)
	for i := range long {
		long[i] = 'a'
	}
	var tooMany string
	for range 101 {
		tooMany += "X-A: b\r\n"
	}
	tests := []struct {
		name     string
		reply    string
		limits   *wire.Limits
		wantResp *response // OnResponse call, nil if none
		wantErr  func(error) bool
		wantRead string // bytes read from the tunnel after success
	}{
		{
			name:     "200",
			reply:    ok200,
			wantResp: &response{200, "Connection established", nil},
		},
		{
			name:     "200 with headers and bytes after",
			reply:    "HTTP/1.1 200 OK\r\nX-Proxy: yes\r\nProxy-Agent: t\r\n\r\nHTTP/1.1 204 early\r\n",
			wantResp: &response{200, "OK", hdr("X-Proxy", "yes", "Proxy-Agent", "t")},
			wantRead: "HTTP/1.1 204 early\r\n",
		},
		{
			name:     "other 2xx",
			reply:    "HTTP/1.0 204 No Content\r\n\r\n",
			wantResp: &response{204, "No Content", nil},
		},
		{
			name:     "bare LF reply",
			reply:    "HTTP/1.1 200 OK\nVia: p\n\nxyz",
			wantResp: &response{200, "OK", hdr("Via", "p")},
			wantRead: "xyz",
		},
		{
			name:     "407",
			reply:    "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\nContent-Length: 0\r\n\r\n",
			wantResp: &response{407, "Proxy Authentication Required", hdr("Proxy-Authenticate", "Basic", "Content-Length", "0")},
			wantErr: func(err error) bool {
				var te *errors.TunnelError
				return errors.As(err, &te) && te.Status == 407 && te.Reason == "Proxy Authentication Required" && errors.Is(err, errors.ErrTunnel)
			},
		},
		{
			name:     "301 is a failure",
			reply:    "HTTP/1.1 301 Moved\r\n\r\n",
			wantResp: &response{301, "Moved", nil},
			wantErr: func(err error) bool {
				var te *errors.TunnelError
				return errors.As(err, &te) && te.Status == 301
			},
		},
		{
			name:  "closed before reply",
			reply: "",
			wantErr: func(err error) bool {
				return errors.Is(err, errors.ErrRemoteDisconnected) && errors.Is(err, io.EOF) &&
					errors.Is(err, errors.ErrBadStatusLine) && errors.Is(err, syscall.ECONNRESET)
			},
		},
		{
			name:    "EOF in status line",
			reply:   "HTTP/1.1 200",
			wantErr: func(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) },
		},
		{
			name:    "EOF in headers",
			reply:   "HTTP/1.1 200 OK\r\nX: y\r\n",
			wantErr: func(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) },
		},
		{
			name:  "bad status line",
			reply: "garbage\r\n\r\n",
			wantErr: func(err error) bool {
				var bs *errors.BadStatusLineError
				// wire may reject at the first bytes that cannot start
				// "HTTP/", before the whole line has arrived.
				return errors.As(err, &bs) && bs.Line != "" && strings.HasPrefix("garbage", bs.Line)
			},
		},
		{
			name:    "too many headers",
			reply:   "HTTP/1.1 200 OK\r\n" + tooMany + "\r\n",
			wantErr: func(err error) bool { return errors.Is(err, errors.ErrTooManyHeaders) },
		},
		{
			name:    "header limit from Limits",
			reply:   "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n",
			limits:  &wire.Limits{MaxHeaders: 2},
			wantErr: func(err error) bool { return errors.Is(err, errors.ErrTooManyHeaders) },
		},
		{
			name:    "status line too long",
			reply:   "HTTP/1.1 200 " + string(long) + "\r\n\r\n",
			limits:  &wire.Limits{MaxLine: 100},
			wantErr: func(err error) bool { return errors.Is(err, errors.ErrLineTooLong) },
		},
		{
			name:  "invalid header from proxy",
			reply: "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
			wantErr: func(err error) bool {
				var he *errors.HeaderError
				return errors.As(err, &he) && he.Remote
			},
		},
	}
	for _, tc := range tests {
		for _, split := range []bool{false, true} {
			name := tc.name
			if split {
				name += "/one byte reads"
			}
			t.Run(name, func(t *testing.T) {
				d := testutil.NewFakeDialer(tc.reply)
				var base Dialer = d
				if split {
					base = oneByteDialer(d)
				}
				var got *response
				tun := &Tunnel{Base: base, Proxy: "proxy:3128", Limits: tc.limits,
					OnResponse: func(code int, reason string, h message.Header) {
						if got != nil {
							t.Error("OnResponse called twice")
						}
						got = &response{code, reason, h}
					}}
				c, err := tun.DialContext(context.Background(), "tcp", "example.com:443")
				fc := d.Conns()[0]
				if diff := cmp.Diff(tc.wantResp, got, cmp.AllowUnexported(response{})); diff != "" {
					t.Errorf("OnResponse (-want +got):\n%s", diff)
				}
				if tc.wantErr != nil {
					if c != nil || err == nil || !tc.wantErr(err) {
						t.Fatalf("DialContext = %v, %v (%T); want the listed error", c, err, err)
					}
					if !fc.Closed() {
						t.Error("proxy conn not closed after a failed CONNECT")
					}
					return
				}
				if err != nil {
					t.Fatalf("DialContext: %v", err)
				}
				ph, ok := c.(interface{ ProxyHeader() message.Header })
				if !ok {
					t.Fatalf("tunnel conn %T has no ProxyHeader method", c)
				}
				if diff := cmp.Diff(tc.wantResp.header, ph.ProxyHeader()); diff != "" {
					t.Errorf("ProxyHeader (-want +got):\n%s", diff)
				}
				rest, err := io.ReadAll(c)
				if err != nil || string(rest) != tc.wantRead {
					t.Errorf("tunnel read = %q, %v; want %q, nil", rest, err, tc.wantRead)
				}
				if fc.Closed() {
					t.Error("proxy conn closed after a successful CONNECT")
				}
				c.Close()
			})
		}
	}
}

func TestTunnelConnLeftover(t *testing.T) {
	c := testutil.NewFakeConn(testutil.FakeReply{Data: "HTTP/1.1 200 OK\r\n\r\nabcdef"})
	tun := &Tunnel{Proxy: "proxy:1"}
	conn, err := tun.Handshake(context.Background(), c, "example.com:443")
	if err != nil {
		t.Fatal(err)
	}
	tc := conn.(*tunnelConn)
	if tc.NetConn() != net.Conn(c) {
		t.Error("NetConn does not return the proxy conn")
	}
	buf := make([]byte, 4)
	steps := []struct {
		want    string
		drained bool
	}{
		{"abcd", false},
		{"ef", true},
	}
	for _, st := range steps {
		n, err := conn.Read(buf)
		if err != nil || string(buf[:n]) != st.want {
			t.Fatalf("Read = %q, %v; want %q", buf[:n], err, st.want)
		}
		if tc.drained.Load() != st.drained {
			t.Errorf("after reading %q drained = %v, want %v", st.want, !st.drained, st.drained)
		}
	}
	if n, err := conn.Read(buf); n != 0 || err != io.EOF {
		t.Errorf("Read after leftover = %d, %v; want 0, EOF", n, err)
	}
}

// TestTunnelPipe runs CONNECT over net.Pipe against a scripted proxy, with
// no listener (STYLE rule 13).
func TestTunnelPipe(t *testing.T) {
	d := testutil.NewPipeDialer(t, testutil.Script{
		{Expect: "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nProxy-Authorization: Basic dTpw\r\n\r\n",
			Reply: "HTTP/1.1 200 OK\r\nVia: 1.1 p\r\n\r\n"},
		{Expect: "ping", Reply: "pong"},
	})
	tun := &Tunnel{Base: d, Proxy: "proxy:3128", Header: hdr("Proxy-Authorization", "Basic dTpw")}
	c, err := tun.DialContext(context.Background(), "tcp", "example.com:443")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got := roundTrip(t, c, "ping"); got != "pong" {
		t.Errorf("through tunnel got %q, want pong", got)
	}
}

func TestTunnelCancel(t *testing.T) {
	tests := []struct {
		name  string
		reply testutil.FakeReply
		// cancelOnDial cancels inside the base dialer, which then waits for ctx.
		cancelOnDial bool
		// cancelOnWrite cancels as the CONNECT request is written.
		cancelOnWrite bool
	}{
		{name: "during dial", cancelOnDial: true},
		{name: "during write", reply: testutil.FakeReply{HangWrite: true}, cancelOnWrite: true},
		{name: "during read", reply: testutil.FakeReply{Data: "HTTP/1.1 200 OK\r\n", Hang: true}, cancelOnWrite: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			fd := testutil.NewFakeDialerReplies(tc.reply)
			var base Dialer = fd
			if tc.cancelOnDial {
				base = dialerFunc(func(ctx context.Context, network, address string) (net.Conn, error) {
					cancel()
					<-ctx.Done()
					return nil, ctx.Err()
				})
			}
			if tc.cancelOnWrite {
				base = hookDialer(fd, cancel)
			}
			tun := &Tunnel{Base: base, Proxy: "proxy:3128"}
			_, err := tun.DialContext(ctx, "tcp", "example.com:443")
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("DialContext = %v, want context.Canceled", err)
			}
			for _, c := range fd.Conns() {
				if !c.Closed() {
					t.Error("proxy conn left open")
				}
			}
		})
	}
}

// TestTunnelDeadline runs under testing/synctest: the proxy never
// answers, and the fake clock reaches the context's deadline at once.
func TestTunnelDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		fd := testutil.NewFakeDialerReplies(testutil.FakeReply{Data: "HTTP/1.1 200 OK\r\n", Hang: true})
		tun := &Tunnel{Base: fd, Proxy: "proxy:3128"}
		start := time.Now()
		_, err := tun.DialContext(ctx, "tcp", "example.com:443")
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("DialContext = %v, want context.DeadlineExceeded", err)
		}
		if d := time.Since(start); d != time.Minute {
			t.Errorf("failed after %v of fake time, want exactly the 1m deadline", d)
		}
		if !fd.Conns()[0].Closed() {
			t.Error("proxy conn left open")
		}
	})
}

func TestTunnelHandshakeAlreadyCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := testutil.NewFakeConn(testutil.FakeReply{Data: ok200})
	if _, err := (&Tunnel{}).Handshake(ctx, c, "example.com:443"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Handshake = %v, want context.Canceled", err)
	}
	if len(c.Written()) != 0 || !c.Closed() {
		t.Errorf("written %q, closed %v; want nothing written and closed", c.Written(), c.Closed())
	}
}

// TestTunnelDeadlinesRestored checks that a successful handshake under a
// deadline leaves the conn without one.
func TestTunnelDeadlinesRestored(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 1e9)
	defer cancel()
	client, server := net.Pipe()
	defer client.Close()
	defer server.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 512)
		server.Read(buf)
		server.Write([]byte(ok200))
	}()
	c, err := (&Tunnel{}).Handshake(ctx, client, "example.com:443")
	<-done
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	// A write now must not fail with a deadline error: the pipe blocks
	// until the peer reads.
	go func() {
		buf := make([]byte, 1)
		server.Read(buf)
	}()
	if _, err := c.Write([]byte("x")); err != nil {
		t.Errorf("write after handshake: %v", err)
	}
}

func TestTunnelProxy(t *testing.T) {
	echo := echoServer(t)
	tests := []struct {
		name    string
		opts    testutil.ProxyOptions
		header  message.Header
		wantErr int // expected TunnelError status, 0 for success
		wantHdr message.Header
	}{
		{name: "open proxy"},
		{name: "auth required, none given", opts: testutil.ProxyOptions{RequireAuth: "Basic dTpw"}, wantErr: 407,
			wantHdr: hdr("Proxy-Authenticate", `Basic realm="testutil"`, "Content-Length", "0")},
		{name: "auth given", opts: testutil.ProxyOptions{RequireAuth: "Basic dTpw"}, header: hdr("Proxy-Authorization", "Basic dTpw")},
		{name: "bytes after 200", opts: testutil.ProxyOptions{ExtraAfter200: "early"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := testutil.NewConnectProxy(t, tc.opts)
			var gotHdr message.Header
			tun := &Tunnel{Base: &net.Dialer{}, Proxy: p.Addr(), Header: tc.header,
				OnResponse: func(code int, reason string, h message.Header) { gotHdr = h }}
			c, err := tun.DialContext(context.Background(), "tcp", echo.Addr())
			if tc.wantErr != 0 {
				var te *errors.TunnelError
				if !errors.As(err, &te) || te.Status != tc.wantErr {
					t.Fatalf("DialContext = %v, want TunnelError %d", err, tc.wantErr)
				}
				if diff := cmp.Diff(tc.wantHdr, gotHdr); diff != "" {
					t.Errorf("OnResponse header (-want +got):\n%s", diff)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if tc.opts.ExtraAfter200 != "" {
				buf := make([]byte, len(tc.opts.ExtraAfter200))
				if _, err := readFull(c, buf); err != nil || string(buf) != tc.opts.ExtraAfter200 {
					t.Errorf("first tunnel bytes = %q, %v; want %q", buf, err, tc.opts.ExtraAfter200)
				}
			}
			if got := roundTrip(t, c, "hello"); got != "hello" {
				t.Errorf("echo through tunnel = %q", got)
			}
			reqs := p.Requests()
			want := "CONNECT " + echo.Addr() + " HTTP/1.1\r\nHost: " + echo.Addr() + "\r\n"
			for _, f := range tc.header {
				want += f.Name + ": " + f.Value + "\r\n"
			}
			want += "\r\n"
			if len(reqs) != 1 || reqs[0] != want {
				t.Errorf("proxy saw %q, want [%q]", reqs, want)
			}
		})
	}
}
