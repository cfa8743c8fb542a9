package transport

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/nettest"
	"golang.org/x/net/proxy"

	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/testutil"
)

// sniRecorder returns a copy of cfg that records the SNI of each
// ClientHello.
func sniRecorder(cfg *tls.Config) (*tls.Config, func() []string) {
	var mu sync.Mutex
	var names []string
	cfg = cfg.Clone()
	cfg.GetConfigForClient = func(chi *tls.ClientHelloInfo) (*tls.Config, error) {
		mu.Lock()
		names = append(names, chi.ServerName)
		mu.Unlock()
		return nil, nil
	}
	return cfg, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), names...)
	}
}

// whoami answers with the Host it was asked for and the SNI it saw.
var whoami = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	sni := "-"
	if r.TLS != nil {
		sni = r.TLS.ServerName
	}
	fmt.Fprintf(w, "host=%s sni=%s", r.Host, sni)
})

// get sends a GET for host over c and returns the response body.
func get(t *testing.T, c net.Conn, host string) string {
	t.Helper()
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: "+host+"\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatalf("write request: %v", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return string(b)
}

func TestChains(t *testing.T) {
	ca := testutil.NewCA(t)
	originCfg, originSNI := sniRecorder(ca.ServerConfig("target.example"))
	origin := testutil.NewHTTPServer(t, whoami, originCfg)
	plain := testutil.NewHTTPServer(t, whoami, nil)
	targets := map[string]string{"target.example:443": origin.Addr(), "plain.example:80": plain.Addr()}
	httpProxy := testutil.NewConnectProxy(t, testutil.ProxyOptions{Targets: targets})
	proxyCfg, proxySNI := sniRecorder(ca.ServerConfig("127.0.0.1"))
	httpsProxy := testutil.NewConnectProxy(t, testutil.ProxyOptions{Targets: targets, TLS: proxyCfg})
	socks := testutil.NewSOCKS5Server(t, "", "")
	socksAuth := testutil.NewSOCKS5Server(t, "u", "p")
	socksDialer, err := SOCKS5(socks.Addr(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	socksAuthDialer, err := SOCKS5(socksAuth.Addr(), &proxy.Auth{User: "u", Password: "p"}, &net.Dialer{})
	if err != nil {
		t.Fatal(err)
	}
	tcp := &net.Dialer{}

	originHost := "target.example:443"
	tests := []struct {
		name      string
		d         Dialer
		addr      string
		host      string
		want      string
		wantSNI   []string // origin SNI seen (delta)
		wantProxy []string // HTTPS proxy SNI seen (delta)
	}{
		{
			name: "TCP → Tunnel",
			d:    &Tunnel{Base: tcp, Proxy: httpProxy.Addr()},
			addr: "plain.example:80", host: "plain.example",
			want: "host=plain.example sni=-",
		},
		{
			name: "TCP → Tunnel → TLS",
			d:    &TLS{Base: &Tunnel{Base: tcp, Proxy: httpProxy.Addr()}, Config: ca.ClientConfig()},
			addr: originHost, host: "target.example",
			want:    "host=target.example sni=target.example",
			wantSNI: []string{"target.example"},
		},
		{
			name: "TCP → TLS → Tunnel → TLS",
			d: &TLS{
				Base:   &Tunnel{Base: &TLS{Base: tcp, Config: ca.ClientConfig()}, Proxy: httpsProxy.Addr()},
				Config: ca.ClientConfig(),
			},
			addr: originHost, host: "target.example",
			want:      "host=target.example sni=target.example",
			wantSNI:   []string{"target.example"},
			wantProxy: []string{""}, // the proxy is dialled by IP: no SNI
		},
		{
			name: "SOCKS5",
			d:    socksDialer,
			addr: plain.Addr(), host: "plain.example",
			want: "host=plain.example sni=-",
		},
		{
			name: "SOCKS5 with auth → TLS",
			d:    &TLS{Base: socksAuthDialer, Config: &tls.Config{RootCAs: ca.Pool(), ServerName: "target.example"}},
			addr: "localhost:" + port(origin.Addr()), host: "target.example",
			want:    "host=target.example sni=target.example",
			wantSNI: []string{"target.example"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sni0, proxy0 := len(originSNI()), len(proxySNI())
			c, err := tc.d.DialContext(context.Background(), "tcp", tc.addr)
			if err != nil {
				t.Fatalf("DialContext: %v", err)
			}
			defer c.Close()
			if got := get(t, c, tc.host); got != tc.want {
				t.Errorf("response = %q, want %q", got, tc.want)
			}
			if got := originSNI()[sni0:]; strings.Join(got, ",") != strings.Join(tc.wantSNI, ",") {
				t.Errorf("origin SNI = %q, want %q", got, tc.wantSNI)
			}
			if got := proxySNI()[proxy0:]; strings.Join(got, ",") != strings.Join(tc.wantProxy, ",") {
				t.Errorf("proxy SNI = %q, want %q", got, tc.wantProxy)
			}
		})
	}
	reqs := httpProxy.Requests()
	if len(reqs) != 2 || !strings.HasPrefix(reqs[1], "CONNECT target.example:443 HTTP/1.1\r\nHost: target.example:443\r\n") {
		t.Errorf("HTTP proxy requests = %q", reqs)
	}
	if got := socksAuth.Requests(); len(got) != 1 || got[0] != "localhost:"+port(origin.Addr()) {
		t.Errorf("SOCKS5 targets = %q, want the unresolved name", got)
	}
}

func TestSOCKS5Refused(t *testing.T) {
	s := testutil.NewSOCKS5Server(t, "u", "p")
	tests := []struct {
		name string
		auth *proxy.Auth
		addr string
	}{
		{"no credentials", nil, "127.0.0.1:1"},
		{"wrong password", &proxy.Auth{User: "u", Password: "x"}, "127.0.0.1:1"},
		{"non-loopback target", &proxy.Auth{User: "u", Password: "p"}, "192.0.2.1:80"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := SOCKS5(s.Addr(), tc.auth, nil)
			if err != nil {
				t.Fatal(err)
			}
			if c, err := d.DialContext(context.Background(), "tcp", tc.addr); err == nil {
				c.Close()
				t.Fatal("DialContext succeeded")
			}
		})
	}
}

func TestSOCKS5Cancel(t *testing.T) {
	// A "proxy" that accepts and never answers the greeting.
	s := testutil.NewServer(t, func(c net.Conn) { io.Copy(io.Discard, c) })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var once sync.Once
	d, err := SOCKS5(s.Addr(), nil, hookDialer(&net.Dialer{}, func() { once.Do(cancel) }))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.DialContext(ctx, "tcp", "127.0.0.1:1"); !errors.Is(err, context.Canceled) {
		t.Fatalf("DialContext = %v, want context.Canceled", err)
	}
}

func TestUnix(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.sock")
	s := testutil.NewUnixServer(t, path, func(c net.Conn) {
		io.WriteString(c, "unix")
	})
	d := &Unix{Path: s.Addr()}
	c, err := d.DialContext(context.Background(), "tcp", "ignored.example:80")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	b, err := io.ReadAll(c)
	if err != nil || string(b) != "unix" {
		t.Errorf("read = %q, %v", b, err)
	}
	if c.RemoteAddr().Network() != "unix" {
		t.Errorf("network = %q, want unix", c.RemoteAddr().Network())
	}
}

// TestTunnelConnNettest runs x/net/nettest's conformance suite on the
// conn a Tunnel returns, set up over net.Pipe.
func TestTunnelConnNettest(t *testing.T) {
	nettest.TestConn(t, func() (c1, c2 net.Conn, stop func(), err error) {
		client, server := net.Pipe()
		done := make(chan struct{})
		go func() {
			defer close(done)
			br := bufio.NewReader(server)
			for {
				line, err := br.ReadString('\n')
				if err != nil {
					return
				}
				if line == "\r\n" {
					break
				}
			}
			io.WriteString(server, "HTTP/1.1 200 OK\r\n\r\n")
		}()
		c, err := (&Tunnel{}).Handshake(context.Background(), client, "example.com:443")
		<-done
		if err != nil {
			client.Close()
			server.Close()
			return nil, nil, nil, err
		}
		return c, server, func() { c.Close(); server.Close() }, nil
	})
}
