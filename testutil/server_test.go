package testutil

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/proxy"

	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/message"
)

func TestServer(t *testing.T) {
	s := NewServer(t, func(c net.Conn) { io.WriteString(c, "hi") })
	for i := 1; i <= 2; i++ {
		c, err := net.Dial("tcp", s.Addr())
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(c)
		c.Close()
		if err != nil || string(b) != "hi" {
			t.Errorf("read %q, %v", b, err)
		}
		if got := s.Accepted(); got != i {
			t.Errorf("Accepted = %d, want %d", got, i)
		}
	}
	if !strings.HasPrefix(s.Addr(), "127.0.0.1:") {
		t.Errorf("Addr = %q, want loopback", s.Addr())
	}
}

func TestUnixServer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.sock")
	s := NewUnixServer(t, path, func(c net.Conn) { io.WriteString(c, "hi") })
	c, err := net.Dial("unix", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if b, err := io.ReadAll(c); err != nil || string(b) != "hi" {
		t.Errorf("read %q, %v", b, err)
	}
}

// client returns an http.Client offering ALPN http/1.1 that closes its
// idle connections at the end of the test.
func client(t *testing.T, cfg *tls.Config) *http.Client {
	if cfg != nil {
		cfg = cfg.Clone()
		cfg.NextProtos = []string{"http/1.1"}
	}
	tr := &http.Transport{TLSClientConfig: cfg, DisableKeepAlives: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

func TestHTTPServerAndCA(t *testing.T) {
	ca := NewCA(t)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, r.Proto) })
	tests := []struct {
		name    string
		srvCfg  *tls.Config
		cliCfg  *tls.Config
		scheme  string
		host    string
		wantErr bool
	}{
		{"plain", nil, nil, "http", "127.0.0.1", false},
		{"TLS IP SAN", ca.ServerConfig("127.0.0.1"), ca.ClientConfig(), "https", "127.0.0.1", false},
		{"TLS default SANs", ca.ServerConfig(), ca.ClientConfig(), "https", "localhost", false},
		{"TLS unknown CA", NewCA(t).ServerConfig(), ca.ClientConfig(), "https", "127.0.0.1", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := NewHTTPServer(t, h, tc.srvCfg)
			_, port, _ := net.SplitHostPort(s.Addr())
			resp, err := client(t, tc.cliCfg).Get(tc.scheme + "://" + net.JoinHostPort(tc.host, port) + "/")
			if tc.wantErr {
				var ua x509.UnknownAuthorityError
				if !errors.As(err, &ua) {
					t.Fatalf("Get = %v, want x509.UnknownAuthorityError", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if string(b) != "HTTP/1.1" {
				t.Errorf("body = %q, want HTTP/1.1", b)
			}
			if tc.srvCfg != nil && resp.TLS.NegotiatedProtocol != "http/1.1" {
				t.Errorf("ALPN = %q, want http/1.1", resp.TLS.NegotiatedProtocol)
			}
		})
	}
}

func TestCALeaf(t *testing.T) {
	ca := NewCA(t)
	leaf := ca.Leaf("a.example", "192.0.2.1", "::1").Leaf
	if got := strings.Join(leaf.DNSNames, ","); got != "a.example" {
		t.Errorf("DNS SANs = %q", got)
	}
	if len(leaf.IPAddresses) != 2 {
		t.Errorf("IP SANs = %v", leaf.IPAddresses)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: ca.Pool(), DNSName: "a.example"}); err != nil {
		t.Errorf("Verify: %v", err)
	}
	if ca.Leaf().Leaf.SerialNumber.Cmp(leaf.SerialNumber) == 0 {
		t.Error("two leaves share a serial number")
	}
}

// connect sends head to addr and returns the reply head and the conn.
func connect(t *testing.T, addr, head string) (string, net.Conn) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	io.WriteString(c, head)
	br := bufio.NewReader(c)
	var reply strings.Builder
	for {
		line, err := br.ReadString('\n')
		reply.WriteString(line)
		if err != nil || line == "\r\n" {
			break
		}
	}
	return reply.String(), &bufConn{Conn: c, r: br}
}

type bufConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufConn) Read(p []byte) (int, error) { return c.r.Read(p) }

func echo(t *testing.T) *Server {
	return NewServer(t, func(c net.Conn) { io.Copy(c, c) })
}

func TestConnectProxy(t *testing.T) {
	e := echo(t)
	tests := []struct {
		name      string
		opts      ProxyOptions
		head      string
		wantReply string
		wantExtra string
		tunnel    bool
	}{
		{
			name:      "open",
			head:      "CONNECT " + e.Addr() + " HTTP/1.1\r\nHost: " + e.Addr() + "\r\n\r\n",
			wantReply: "HTTP/1.1 200 Connection established\r\n\r\n",
			tunnel:    true,
		},
		{
			name:      "reply header and extra bytes",
			opts:      ProxyOptions{ExtraAfter200: "early", ReplyHeader: message.Header{{Name: "Via", Value: "p"}}},
			head:      "CONNECT " + e.Addr() + " HTTP/1.1\r\n\r\n",
			wantReply: "HTTP/1.1 200 Connection established\r\nVia: p\r\n\r\n",
			wantExtra: "early",
			tunnel:    true,
		},
		{
			name:      "auth missing",
			opts:      ProxyOptions{RequireAuth: "Basic x"},
			head:      "CONNECT " + e.Addr() + " HTTP/1.1\r\n\r\n",
			wantReply: "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"testutil\"\r\nContent-Length: 0\r\n\r\n",
		},
		{
			name:      "auth given",
			opts:      ProxyOptions{RequireAuth: "Basic x"},
			head:      "CONNECT " + e.Addr() + " HTTP/1.1\r\nproxy-authorization: Basic x\r\n\r\n",
			wantReply: "HTTP/1.1 200 Connection established\r\n\r\n",
			tunnel:    true,
		},
		{
			name:      "refuse",
			opts:      ProxyOptions{Refuse: true, Authenticate: "Negotiate"},
			head:      "CONNECT " + e.Addr() + " HTTP/1.1\r\n\r\n",
			wantReply: "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Negotiate\r\nContent-Length: 0\r\n\r\n",
		},
		{
			name:      "non-loopback target",
			head:      "CONNECT 192.0.2.1:80 HTTP/1.1\r\n\r\n",
			wantReply: "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n",
		},
		{
			name:      "rewritten target",
			opts:      ProxyOptions{Targets: map[string]string{"target.example:443": e.Addr()}},
			head:      "CONNECT target.example:443 HTTP/1.1\r\n\r\n",
			wantReply: "HTTP/1.1 200 Connection established\r\n\r\n",
			tunnel:    true,
		},
		{
			name:      "not CONNECT",
			head:      "GET / HTTP/1.1\r\n\r\n",
			wantReply: "HTTP/1.1 405 Method Not Allowed\r\n\r\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := NewConnectProxy(t, tc.opts)
			reply, c := connect(t, p.Addr(), tc.head)
			if reply != tc.wantReply {
				t.Errorf("reply = %q, want %q", reply, tc.wantReply)
			}
			if reqs := p.Requests(); len(reqs) != 1 || reqs[0] != tc.head {
				t.Errorf("Requests = %q, want [%q]", reqs, tc.head)
			}
			if !tc.tunnel {
				return
			}
			want := tc.wantExtra + "ping"
			io.WriteString(c, "ping")
			got := make([]byte, len(want))
			if _, err := io.ReadFull(c, got); err != nil || string(got) != want {
				t.Errorf("through tunnel = %q, %v; want %q", got, err, want)
			}
		})
	}
}

func TestSOCKS5Server(t *testing.T) {
	e := echo(t)
	tests := []struct {
		name       string
		user, pass string
		auth       *proxy.Auth
		target     string
		wantErr    bool
	}{
		{"no auth", "", "", nil, e.Addr(), false},
		{"auth", "u", "p", &proxy.Auth{User: "u", Password: "p"}, e.Addr(), false},
		{"bad password", "u", "p", &proxy.Auth{User: "u", Password: "x"}, e.Addr(), true},
		{"auth required", "u", "p", nil, e.Addr(), true},
		{"domain target", "", "", nil, "localhost:" + e.Addr()[strings.LastIndexByte(e.Addr(), ':')+1:], false},
		{"non-loopback", "", "", nil, "192.0.2.1:80", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSOCKS5Server(t, tc.user, tc.pass)
			d, err := proxy.SOCKS5("tcp", s.Addr(), tc.auth, proxy.Direct)
			if err != nil {
				t.Fatal(err)
			}
			c, err := d.(proxy.ContextDialer).DialContext(context.Background(), "tcp", tc.target)
			if tc.wantErr {
				if err == nil {
					c.Close()
					t.Fatal("dial succeeded")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			io.WriteString(c, "ping")
			got := make([]byte, 4)
			if _, err := io.ReadFull(c, got); err != nil || string(got) != "ping" {
				t.Errorf("echo = %q, %v", got, err)
			}
			if reqs := s.Requests(); len(reqs) != 1 || reqs[0] != tc.target {
				t.Errorf("Requests = %q, want [%q]", reqs, tc.target)
			}
		})
	}
}

func TestExampleTB(t *testing.T) {
	e := NewExampleTB()
	var order []int
	e.Cleanup(func() { order = append(order, 1) })
	e.Cleanup(func() { order = append(order, 2) })
	e.Close()
	if fmt.Sprint(order) != "[2 1]" {
		t.Errorf("cleanup order = %v, want [2 1]", order)
	}
	if e.Failed() {
		t.Error("Failed before any failure")
	}
}
