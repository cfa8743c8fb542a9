//go:build interop

package interop

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"strconv"
	"testing"

	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/testutil"
)

// wantHandshake checks a TLS handshake with nginx: verified, TLS 1.2 or
// later, ALPN http/1.1, nginx's certificate.
func wantHandshake(t *testing.T, s tls.ConnectionState) {
	t.Helper()
	if !s.HandshakeComplete {
		t.Error("HandshakeComplete = false")
	}
	if s.NegotiatedProtocol != "http/1.1" {
		t.Errorf("ALPN = %q, want http/1.1", s.NegotiatedProtocol)
	}
	if s.Version < tls.VersionTLS12 {
		t.Errorf("TLS version = %s, want ≥ TLS 1.2", tls.VersionName(s.Version))
	}
	if len(s.VerifiedChains) == 0 {
		t.Error("no verified chain")
	}
	if len(s.PeerCertificates) == 0 || s.PeerCertificates[0].Subject.CommonName != "localhost" {
		t.Errorf("peer certificate is not nginx's (CN localhost)")
	}
}

// TestTLS fetches over nginx's TLS listener, by IP and by name, and keeps
// the connection for several requests.
func TestTLS(t *testing.T) {
	for _, by := range []string{"ip", "name"} {
		t.Run(by, func(t *testing.T) {
			addr := need(t, envNginxTLS)
			if by == "name" {
				_, port := splitAddr(t, addr)
				addr = net.JoinHostPort("localhost", strconv.Itoa(port))
			}
			ctx := testContext(t)
			c, p := dialTLS(t, addr, &tls.Config{RootCAs: caPool(t)})
			for _, f := range staticFiles {
				resp, got := exchange(t, ctx, c, "GET", "/"+f.name, nil, nil)
				wantStatus(t, resp, 200)
				wantBody(t, got, docFile(t, f.name))
			}
			wantDials(t, p, 1)
			if len(p.handshakes) != 1 {
				t.Fatalf("handshakes = %d, want 1", len(p.handshakes))
			}
			wantHandshake(t, p.handshakes[0])
			if by == "name" && p.handshakes[0].ServerName != "localhost" {
				t.Errorf("SNI = %q, want localhost", p.handshakes[0].ServerName)
			}
		})
	}
}

// TestTLSVersions pins each TLS version nginx is configured for.
func TestTLSVersions(t *testing.T) {
	for _, v := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		t.Run(tls.VersionName(v), func(t *testing.T) {
			addr := need(t, envNginxTLS)
			ctx := testContext(t)
			c, p := dialTLS(t, addr, &tls.Config{RootCAs: caPool(t), MinVersion: v, MaxVersion: v})
			resp, got := exchange(t, ctx, c, "GET", "/64k.bin", nil, nil)
			wantStatus(t, resp, 200)
			wantBody(t, got, docFile(t, "64k.bin"))
			if len(p.handshakes) != 1 {
				t.Fatalf("handshakes = %d, want 1", len(p.handshakes))
			}
			wantHandshake(t, p.handshakes[0])
			if got := p.handshakes[0].Version; got != v {
				t.Errorf("version = %s, want %s", tls.VersionName(got), tls.VersionName(v))
			}
		})
	}
}

// TestTLSChunked streams a chunked body over TLS.
func TestTLSChunked(t *testing.T) {
	addr := need(t, envNginxTLS)
	needBackend(t)
	ctx := testContext(t)
	c, p := dialTLS(t, addr, &tls.Config{RootCAs: caPool(t)})
	resp, got := exchange(t, ctx, c, "GET", "/backend/stream?size=300001&chunk=5000", nil, nil)
	wantStatus(t, resp, 200)
	if te := resp.Header.Get("Transfer-Encoding"); te != "chunked" {
		t.Errorf("Transfer-Encoding = %q, want chunked", te)
	}
	wantBody(t, got, pattern(300001))
	resp, got = exchange(t, ctx, c, "PUT", "/backend/echo", hideLen{r: bytesReader(pattern(70000))}, nil)
	wantStatus(t, resp, 200)
	if want := echoLine("PUT", 70000, sha256Of(pattern(70000))); string(got) != want {
		t.Errorf("backend received %q, want %q", got, want)
	}
	wantDials(t, p, 1)
}

// TestTLSVerifyFailure checks that certificate failures are reported as
// the crypto/x509 errors and that nothing is sent.
func TestTLSVerifyFailure(t *testing.T) {
	cases := []struct {
		name  string
		cfg   func(t *testing.T) *tls.Config
		check func(t *testing.T, err error)
	}{
		{
			name: "unknown-ca",
			cfg: func(t *testing.T) *tls.Config {
				return &tls.Config{RootCAs: testutil.NewCA(t).Pool()}
			},
			check: func(t *testing.T, err error) {
				var e x509.UnknownAuthorityError
				if !errors.As(err, &e) {
					t.Errorf("error %v (%T) is not an x509.UnknownAuthorityError", err, err)
				}
			},
		},
		{
			name: "wrong-host",
			cfg: func(t *testing.T) *tls.Config {
				return &tls.Config{RootCAs: caPool(t), ServerName: "wrong.interop.test"}
			},
			check: func(t *testing.T, err error) {
				var e x509.HostnameError
				if !errors.As(err, &e) {
					t.Errorf("error %v (%T) is not an x509.HostnameError", err, err)
				} else if e.Host != "wrong.interop.test" {
					t.Errorf("HostnameError.Host = %q", e.Host)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			addr := need(t, envNginxTLS)
			ctx := testContext(t)
			c, p := dialTLS(t, addr, tc.cfg(t))
			for i := range 2 { // the failure repeats: nothing is left half-open
				err := c.Request(ctx, "GET", "/one.bin", nil, nil)
				if err == nil {
					resp, _ := c.GetResponse(ctx)
					t.Fatalf("request %d: no error (response %v)", i+1, resp)
				}
				var cve *tls.CertificateVerificationError
				if !errors.As(err, &cve) {
					t.Errorf("request %d: error %v is not a *tls.CertificateVerificationError", i+1, err)
				}
				tc.check(t, err)
			}
			wantDials(t, p, 2)
			if len(p.handshakes) != 0 {
				t.Errorf("TLSHandshakeDone called %d times", len(p.handshakes))
			}
			if p.sent.Len() != 0 {
				t.Errorf("sent %d bytes over an unverified connection", p.sent.Len())
			}
		})
	}
}
