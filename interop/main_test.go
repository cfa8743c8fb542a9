//go:build interop

package interop

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/httpstack/httpstack/client"
	"github.com/httpstack/httpstack/message"
)

// Environment variables set by scripts/interop.sh.
const (
	envNginx     = "HTTPSTACK_INTEROP_NGINX"
	envNginxTLS  = "HTTPSTACK_INTEROP_NGINX_TLS"
	envApache    = "HTTPSTACK_INTEROP_APACHE"
	envSquid     = "HTTPSTACK_INTEROP_SQUID"
	envTinyproxy = "HTTPSTACK_INTEROP_TINYPROXY"
	envBackend   = "HTTPSTACK_INTEROP_BACKEND"
	envCA        = "HTTPSTACK_INTEROP_CA"
	envDocroot   = "HTTPSTACK_INTEROP_DOCROOT"
	envVersions  = "HTTPSTACK_INTEROP_VERSIONS"
)

// testTimeout bounds each test; every client also has a per-I/O timeout.
const testTimeout = 30 * time.Second

// backendUp records whether TestMain started the backend.
var backendUp bool

func TestMain(m *testing.M) {
	if v := os.Getenv(envVersions); v != "" {
		fmt.Printf("interop: servers: %s\n", v)
	}
	var srv *http.Server
	if addr := os.Getenv(envBackend); addr != "" {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			fmt.Fprintf(os.Stderr, "interop: backend: %v\n", err)
			os.Exit(1)
		}
		srv = &http.Server{Handler: backend(), ReadHeaderTimeout: 10 * time.Second}
		go srv.Serve(ln) //nolint:errcheck // ErrServerClosed after Shutdown
		backendUp = true
	}
	code := m.Run()
	if srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		srv.Shutdown(ctx) //nolint:errcheck // best effort at exit
		cancel()
	}
	os.Exit(code)
}

// backend is the origin behind nginx's and Apache's /backend/ prefix:
//
//	/stream?size=N&chunk=M  N bytes of pattern(N), flushed every M bytes,
//	                        so net/http sends them chunked
//	/echo                   reads the request body and answers
//	                        "method=M len=N sha256=HEX" plus headers saying
//	                        how the body was framed when it arrived
func backend() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/stream", func(w http.ResponseWriter, r *http.Request) {
		size, err1 := strconv.Atoi(r.URL.Query().Get("size"))
		chunk, err2 := strconv.Atoi(r.URL.Query().Get("chunk"))
		if err1 != nil || err2 != nil || size < 0 || chunk < 1 {
			http.Error(w, "bad size or chunk", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		fl := w.(http.Flusher)
		fl.Flush() // the head goes out now, so even size=0 is chunked
		body := pattern(size)
		for off := 0; off < size; off += chunk {
			if _, err := w.Write(body[off:min(off+chunk, size)]); err != nil {
				return
			}
			fl.Flush()
		}
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		h := sha256.New()
		n, err := io.Copy(h, r.Body)
		if err != nil {
			http.Error(w, "read body: "+err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("X-Echo-Transfer-Encoding", strings.Join(r.TransferEncoding, ","))
		w.Header().Set("X-Echo-Content-Length", strconv.FormatInt(r.ContentLength, 10))
		fmt.Fprint(w, echoLine(r.Method, n, h.Sum(nil)))
	})
	return mux
}

func echoLine(method string, n int64, sum []byte) string {
	return fmt.Sprintf("method=%s len=%d sha256=%x", method, n, sum)
}

// pattern returns n deterministic bytes that do not repeat with a short
// period, so that a lost or duplicated chunk changes the hash.
func pattern(n int) []byte {
	b := make([]byte, n)
	var x uint32 = 2463534242
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// need returns the value of the environment variable, skipping the test
// when it is unset outside CI and failing it under CI.
func need(t *testing.T, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v != "" {
		return v
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not set under CI: run the suite through scripts/interop.sh", name)
	}
	t.Skipf("%s is not set: run scripts/interop.sh (make interop)", name)
	return ""
}

// needBackend is need for the backend, which TestMain must also have started.
func needBackend(t *testing.T) {
	t.Helper()
	need(t, envBackend)
	if !backendUp {
		t.Fatal("backend not started")
	}
}

// splitAddr splits "host:port" with a numeric port.
func splitAddr(t *testing.T, addr string) (string, int) {
	t.Helper()
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("address %q: %v", addr, err)
	}
	port, err := strconv.Atoi(p)
	if err != nil {
		t.Fatalf("address %q: %v", addr, err)
	}
	return host, port
}

// caPool loads the CA that signed nginx's certificate.
func caPool(t *testing.T) *x509.CertPool {
	t.Helper()
	pem, err := os.ReadFile(need(t, envCA))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("%s: no certificate", os.Getenv(envCA))
	}
	return pool
}

// docFile returns the contents of a static file the servers serve.
func docFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(need(t, envDocroot), name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// probe records what a connection's Trace saw.
type probe struct {
	dials      []string // "host:port" per Connect
	handshakes []tls.ConnectionState
	sent       bytes.Buffer // every byte written, in order
}

func (p *probe) trace() *client.Trace {
	return &client.Trace{
		Connect: func(host string, port int) {
			p.dials = append(p.dials, net.JoinHostPort(host, strconv.Itoa(port)))
		},
		TLSHandshakeDone: func(s tls.ConnectionState) {
			p.handshakes = append(p.handshakes, s)
		},
		Send: func(b []byte) { p.sent.Write(b) },
	}
}

// dial returns a plain connection to addr and its probe.
func dial(t *testing.T, addr string, opts ...client.Option) (*client.Conn, *probe) {
	t.Helper()
	p := &probe{}
	opts = append([]client.Option{client.WithTimeout(10 * time.Second), client.WithTrace(p.trace())}, opts...)
	c, err := client.New(addr, opts...)
	if err != nil {
		t.Fatalf("client.New(%q): %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return c, p
}

// dialTLS returns a TLS connection to addr using cfg, and its probe.
func dialTLS(t *testing.T, addr string, cfg *tls.Config) (*client.Conn, *probe) {
	t.Helper()
	p := &probe{}
	c, err := client.NewTLS(addr, client.WithTimeout(10*time.Second), client.WithTrace(p.trace()), client.WithTLSConfig(cfg))
	if err != nil {
		t.Fatalf("client.NewTLS(%q): %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return c, p
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

// exchange sends one request, reads the whole response body and closes
// the response. It fails the test on any error.
func exchange(t *testing.T, ctx context.Context, c *client.Conn, method, target string, body any, h message.Header, opts ...client.RequestOption) (*client.Response, []byte) {
	t.Helper()
	if err := c.Request(ctx, method, target, body, h, opts...); err != nil {
		t.Fatalf("%s %s: Request: %v", method, target, err)
	}
	resp, err := c.GetResponse(ctx)
	if err != nil {
		t.Fatalf("%s %s: GetResponse: %v", method, target, err)
	}
	got, err := io.ReadAll(resp)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, target, err)
	}
	if err := resp.Close(); err != nil {
		t.Fatalf("%s %s: Close: %v", method, target, err)
	}
	return resp, got
}

// wantStatus fails the test unless resp has the status code.
func wantStatus(t *testing.T, resp *client.Response, code int) {
	t.Helper()
	if int(resp.Status) != code {
		t.Fatalf("status = %d %q, want %d (headers %v)", resp.Status, resp.Reason, code, resp.Header)
	}
}

// wantBody fails the test unless got equals want, comparing by length and
// SHA-256 so that a mismatch of a megabyte prints two lines.
func wantBody(t *testing.T, got, want []byte) {
	t.Helper()
	if !bytes.Equal(got, want) {
		t.Fatalf("body: got %d bytes sha256 %s, want %d bytes sha256 %s", len(got), sum(got), len(want), sum(want))
	}
}

// wantDials fails the test unless the connection dialled n times.
func wantDials(t *testing.T, p *probe, n int) {
	t.Helper()
	if len(p.dials) != n {
		t.Fatalf("dials = %d %v, want %d", len(p.dials), p.dials, n)
	}
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

func sha256Of(b []byte) []byte {
	s := sha256.Sum256(b)
	return s[:]
}

func contains(b []byte, s string) bool { return bytes.Contains(b, []byte(s)) }
