package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/testutil"
)

// HTTPS on loopback (reference §4.3 and the L cases of §7): NewTLS against
// a net/http server with a certificate from a throw-away CA.

// rqTLSEcho answers with what the server saw of the request and the TLS
// connection.
func rqTLSEcho(w http.ResponseWriter, r *http.Request) {
	sni, alpn := "-", "-"
	if r.TLS != nil {
		sni, alpn = r.TLS.ServerName, r.TLS.NegotiatedProtocol
	}
	fmt.Fprintf(w, "host=%s sni=%s alpn=%s", r.Host, sni, alpn)
}

// rqTLSTrace records the TLS handshakes a Conn reports.
type rqTLSTrace struct {
	mu     sync.Mutex
	states []tls.ConnectionState
	dials  []string
}

func (tr *rqTLSTrace) trace() *Trace {
	return &Trace{
		Connect: func(host string, port int) {
			tr.mu.Lock()
			tr.dials = append(tr.dials, fmt.Sprint(host, " ", port))
			tr.mu.Unlock()
		},
		TLSHandshakeDone: func(s tls.ConnectionState) {
			tr.mu.Lock()
			tr.states = append(tr.states, s)
			tr.mu.Unlock()
		},
	}
}

func (tr *rqTLSTrace) handshakes() []tls.ConnectionState {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return append([]tls.ConnectionState(nil), tr.states...)
}

// TestTLSLoopback sends two requests on one verified TLS connection and
// checks the Host header, SNI, ALPN and the TLSHandshakeDone hook.
func TestTLSLoopback(t *testing.T) {
	ca := testutil.NewCA(t)
	srv := testutil.NewHTTPServer(t, http.HandlerFunc(rqTLSEcho), ca.ServerConfig("localhost", "127.0.0.1", "other.example"))
	_, port, _ := net.SplitHostPort(srv.Addr())
	tests := []struct {
		name     string
		host     string
		cfg      *tls.Config
		wantBody string
		wantSNI  string // ConnectionState.ServerName on the client
	}{
		{
			name: "by-name", host: "localhost:" + port, cfg: &tls.Config{RootCAs: ca.Pool()},
			wantBody: "host=localhost:" + port + " sni=localhost alpn=http/1.1", wantSNI: "localhost",
		},
		{
			// Python sends no SNI for an IP literal; neither does Go.
			name: "by-ip", host: "127.0.0.1:" + port, cfg: &tls.Config{RootCAs: ca.Pool()},
			wantBody: "host=127.0.0.1:" + port + " sni= alpn=http/1.1", wantSNI: "",
		},
		{
			name: "port-option", host: "localhost", cfg: &tls.Config{RootCAs: ca.Pool()},
			wantBody: "host=localhost:" + port + " sni=localhost alpn=http/1.1", wantSNI: "localhost",
		},
		{
			name: "config-server-name-wins", host: "127.0.0.1:" + port, cfg: &tls.Config{RootCAs: ca.Pool(), ServerName: "other.example"},
			wantBody: "host=127.0.0.1:" + port + " sni=other.example alpn=http/1.1", wantSNI: "other.example",
		},
		{
			// A config with its own NextProtos is used as given.
			name: "own-alpn", host: "localhost:" + port, cfg: &tls.Config{RootCAs: ca.Pool(), NextProtos: []string{"http/1.1", "x-other"}},
			wantBody: "host=localhost:" + port + " sni=localhost alpn=http/1.1", wantSNI: "localhost",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			var tr rqTLSTrace
			opts := []Option{WithTLSConfig(tc.cfg), WithTrace(tr.trace())}
			if tc.name == "port-option" {
				p := 0
				fmt.Sscan(port, &p)
				opts = append(opts, WithPort(p))
			}
			c, err := NewTLS(tc.host, opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			for i := range 2 {
				if err := c.Request(ctx, "GET", "/", nil, nil); err != nil {
					t.Fatalf("request %d: %v", i, err)
				}
				r, err := c.GetResponse(ctx)
				if err != nil {
					t.Fatalf("response %d: %v", i, err)
				}
				b, err := io.ReadAll(r)
				if err != nil || r.Status != 200 || string(b) != tc.wantBody {
					t.Errorf("response %d: %d %q %v, want 200 %q", i, r.Status, b, err, tc.wantBody)
				}
			}
			hs := tr.handshakes()
			if len(hs) != 1 {
				t.Fatalf("TLSHandshakeDone called %d times for one kept-alive connection, want 1", len(hs))
			}
			if !hs[0].HandshakeComplete || hs[0].NegotiatedProtocol != "http/1.1" || hs[0].ServerName != tc.wantSNI {
				t.Errorf("handshake state: complete %v, ALPN %q, ServerName %q; want true, http/1.1, %q",
					hs[0].HandshakeComplete, hs[0].NegotiatedProtocol, hs[0].ServerName, tc.wantSNI)
			}
			if len(hs[0].PeerCertificates) == 0 || !strings.Contains(hs[0].PeerCertificates[0].Subject.CommonName, "localhost") {
				t.Errorf("peer certificates %v", hs[0].PeerCertificates)
			}
		})
	}
}

// TestTLSVerifyFails checks that certificate failures come back with the
// x509 error reachable through errors.As, and leave the Conn Idle without
// a socket (Python: SSLCertVerificationError).
func TestTLSVerifyFails(t *testing.T) {
	ca := testutil.NewCA(t)
	other := testutil.NewCA(t)
	srv := testutil.NewHTTPServer(t, http.HandlerFunc(rqTLSEcho), ca.ServerConfig("localhost", "127.0.0.1"))
	_, port, _ := net.SplitHostPort(srv.Addr())
	h2 := testutil.NewHTTPServer(t, http.HandlerFunc(rqTLSEcho), &tls.Config{
		Certificates: []tls.Certificate{ca.Leaf("localhost")},
		NextProtos:   []string{"h2"},
	})
	_, h2port, _ := net.SplitHostPort(h2.Addr())
	tests := []struct {
		name  string
		host  string
		cfg   *tls.Config
		check rqErrCheck
	}{
		{
			name: "unknown-ca", host: "localhost:" + port, cfg: &tls.Config{RootCAs: other.Pool()},
			check: func(err error) string {
				var ua x509.UnknownAuthorityError
				var cv *tls.CertificateVerificationError
				if !errors.As(err, &ua) || !errors.As(err, &cv) {
					return "want x509.UnknownAuthorityError inside *tls.CertificateVerificationError"
				}
				return ""
			},
		},
		{
			name: "wrong-host-name", host: "127.0.0.1:" + port, cfg: &tls.Config{RootCAs: ca.Pool(), ServerName: "wrong.example"},
			check: func(err error) string {
				var he x509.HostnameError
				if !errors.As(err, &he) || he.Host != "wrong.example" {
					return "want x509.HostnameError for wrong.example"
				}
				return ""
			},
		},
		{
			name: "ip-not-in-certificate", host: "127.0.0.1:" + h2port, cfg: &tls.Config{RootCAs: ca.Pool(), NextProtos: []string{"h2", "http/1.1"}},
			check: func(err error) string {
				var he x509.HostnameError
				if !errors.As(err, &he) || he.Host != "127.0.0.1" {
					return "want x509.HostnameError for 127.0.0.1"
				}
				return ""
			},
		},
		{
			name: "server-picks-h2", host: "localhost:" + h2port, cfg: &tls.Config{RootCAs: ca.Pool(), NextProtos: []string{"h2", "http/1.1"}},
			check: rqIs(errors.ErrTLS),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			var tr rqTLSTrace
			c, err := NewTLS(tc.host, WithTLSConfig(tc.cfg), WithTrace(tr.trace()))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			for i := range 2 {
				err := c.Request(ctx, "GET", "/", nil, nil)
				if err == nil {
					t.Fatalf("attempt %d: Request succeeded", i)
				}
				if msg := tc.check(err); msg != "" {
					t.Fatalf("attempt %d: %v: %s", i, err, msg)
				}
				if c.state != stateIdle || c.conn() != nil {
					t.Fatalf("attempt %d: state %v, conn %v; want Idle, nil", i, c.state, c.conn())
				}
			}
			if n := len(tr.handshakes()); n != 0 {
				t.Errorf("TLSHandshakeDone called %d times for refused connections", n)
			}
			if n := len(tr.dials); n != 2 {
				t.Errorf("Trace.Connect called %d times, want 2 (each request dials again)", n)
			}
		})
	}
}

// TestTLSThroughProxy is the L case "HTTPS via a CONNECT proxy": the
// CONNECT names target.example:443, TLS runs inside the tunnel with SNI
// target.example, and the inner Host is target.example.
func TestTLSThroughProxy(t *testing.T) {
	ca := testutil.NewCA(t)
	var mu sync.Mutex
	var snis []string
	cfg := ca.ServerConfig("target.example")
	cfg.GetConfigForClient = func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
		mu.Lock()
		snis = append(snis, hello.ServerName)
		mu.Unlock()
		return nil, nil
	}
	srv := testutil.NewHTTPServer(t, http.HandlerFunc(rqTLSEcho), cfg)
	proxy := testutil.NewConnectProxy(t, testutil.ProxyOptions{
		Targets: map[string]string{"target.example:443": srv.Addr(), "target.example:8443": srv.Addr()},
	})
	tests := []struct {
		name        string
		port        int
		wantConnect string
		wantBody    string
	}{
		{"default-port", 0, "CONNECT target.example:443 HTTP/1.1\r\nHost: target.example:443\r\n\r\n",
			"host=target.example sni=target.example alpn=http/1.1"},
		{"other-port", 8443, "CONNECT target.example:8443 HTTP/1.1\r\nHost: target.example:8443\r\n\r\n",
			"host=target.example:8443 sni=target.example alpn=http/1.1"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			var tr rqTLSTrace
			c, err := NewTLS(proxy.Addr(), WithTLSConfig(&tls.Config{RootCAs: ca.Pool()}), WithTrace(tr.trace()))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if err := c.SetTunnel("target.example", tc.port, nil); err != nil {
				t.Fatal(err)
			}
			if err := c.Request(ctx, "GET", "/", nil, nil); err != nil {
				t.Fatal(err)
			}
			r, err := c.GetResponse(ctx)
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(r)
			if err != nil || string(b) != tc.wantBody {
				t.Errorf("body %q %v, want %q", b, err, tc.wantBody)
			}
			if reqs := proxy.Requests(); len(reqs) != i+1 || reqs[i] != tc.wantConnect {
				t.Errorf("proxy saw %q, want last %q", reqs, tc.wantConnect)
			}
			mu.Lock()
			got := append([]string(nil), snis...)
			mu.Unlock()
			if len(got) != i+1 || got[i] != "target.example" {
				t.Errorf("server saw SNI %q, want last target.example", got)
			}
			if hs := tr.handshakes(); len(hs) != 1 || hs[0].ServerName != "target.example" {
				t.Errorf("handshakes %d, want 1 with ServerName target.example", len(hs))
			}
			proxyHost, proxyPort, _ := net.SplitHostPort(proxy.Addr())
			if want := proxyHost + " " + proxyPort; len(tr.dials) != 1 || tr.dials[0] != want {
				t.Errorf("Trace.Connect %q, want [%q]", tr.dials, want)
			}
		})
	}
}
