package main

import (
	"encoding/pem"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/httpstack/httpstack/testutil"
)

func TestIncludeAndHead(t *testing.T) {
	srv := newRawServer(t, func(_ int, req *http.Request) (string, bool) {
		if req.Method == "HEAD" {
			return "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Case: Kept\r\n\r\n", false
		}
		return "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Case: Kept\r\n\r\nhello", false
	})
	u := "http://" + srv.Addr() + "/"
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"body only", []string{u}, "hello"},
		{"-i", []string{"-i", u}, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Case: Kept\r\n\r\nhello"},
		{"--include", []string{"--include", u}, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Case: Kept\r\n\r\nhello"},
		{"-I", []string{"-I", u}, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Case: Kept\r\n\r\n"},
		{"--head", []string{"--head", u}, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Case: Kept\r\n\r\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := runHTTPC(t, "", tc.args...)
			if r.code != exitOK || r.stdout != tc.want {
				t.Errorf("httpc %q: exit %d, stdout %q, stderr %q; want 0, %q", tc.args, r.code, r.stdout, r.stderr, tc.want)
			}
		})
	}
}

func TestOutputFile(t *testing.T) {
	srv := newRawServer(t, nil)
	dir := t.TempDir()
	f1 := filepath.Join(dir, "one.txt")
	f2 := filepath.Join(dir, "two.txt")
	u := "http://" + srv.Addr() + "/"
	r := runHTTPC(t, "", "-o", f1, u, "-i", "--output", f2, u, u)
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	for _, c := range []struct{ file, want string }{
		{f1, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello"},
		{f2, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello"},
	} {
		got, err := os.ReadFile(c.file)
		if err != nil || string(got) != c.want {
			t.Errorf("%s = %q, %v; want %q", c.file, got, err, c.want)
		}
	}
	// The third URL has no -o: its output goes to stdout.
	if want := "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello"; r.stdout != want {
		t.Errorf("stdout %q, want %q", r.stdout, want)
	}
	if r.stderr != "" {
		t.Errorf("stderr %q, want nothing (no terminal, no progress meter)", r.stderr)
	}
}

func TestProgressMeter(t *testing.T) {
	defer func(f func(io.Writer) bool) { stderrIsTerminal = f }(stderrIsTerminal)
	stderrIsTerminal = func(io.Writer) bool { return true }
	srv := newRawServer(t, nil)
	out := filepath.Join(t.TempDir(), "out")
	u := "http://" + srv.Addr() + "/"
	r := runHTTPC(t, "", "-o", out, u)
	if r.code != exitOK || !strings.Contains(r.stderr, "100% [====================] 5 B / 5 B") || !strings.HasSuffix(r.stderr, "\n") {
		t.Errorf("exit %d, stderr %q; want a finished progress meter", r.code, r.stderr)
	}
	r = runHTTPC(t, "", "-s", "-o", out, u)
	if r.code != exitOK || r.stderr != "" {
		t.Errorf("-s: exit %d, stderr %q; want no meter", r.code, r.stderr)
	}
}

func TestRenderProgress(t *testing.T) {
	tests := []struct {
		n, total int64
		secs     float64
		want     string
	}{
		{0, 2048, 0, "  0% [>                   ] 0 B / 2.0 KiB  0 B/s  ETA --:--"},
		{1024, 2048, 1, " 50% [==========>         ] 1.0 KiB / 2.0 KiB  1.0 KiB/s  ETA 0:01"},
		{2048, 2048, 2, "100% [====================] 2.0 KiB / 2.0 KiB  1.0 KiB/s  ETA 0:00"},
		{3 << 20, -1, 3, "3.0 MiB  1.0 MiB/s  0:03"},
		{0, 0, 0, "100% [====================] 0 B / 0 B  0 B/s  ETA 0:00"},
		{1, 1 << 30, 1, "  0% [>                   ] 1 B / 1.0 GiB  1 B/s  ETA 298261:37:03"},
	}
	for _, tc := range tests {
		got := renderProgress(tc.n, tc.total, durationSecs(tc.secs))
		if got != tc.want {
			t.Errorf("renderProgress(%d, %d, %vs) = %q, want %q", tc.n, tc.total, tc.secs, got, tc.want)
		}
	}
}

func TestRaw(t *testing.T) {
	srv := newRawServer(t, nil)
	u := "http://" + srv.Addr() + "/raw"
	r := runHTTPC(t, "", "--raw", "-d", "k=v", u)
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	reqs := srv.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	if want := reqs[0] + okReply; r.stdout != want {
		t.Errorf("--raw stdout: %s", testutil.ByteDiff([]byte(want), []byte(r.stdout)))
	}
}

func TestConnectionReuse(t *testing.T) {
	srv := newRawServer(t, nil)
	other := newRawServer(t, nil)
	u := "http://" + srv.Addr()
	r := runHTTPC(t, "", "-v", u+"/1", u+"/2", "http://"+other.Addr()+"/3", u+"/4")
	if r.code != exitOK || r.stdout != "hellohellohellohello" {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if n := srv.Accepted(); n != 1 {
		t.Errorf("server accepted %d connections for 3 URLs, want 1", n)
	}
	if n := len(srv.requests()); n != 3 {
		t.Errorf("server got %d requests, want 3", n)
	}
	for _, want := range []string{
		"* Connected to " + srv.Addr() + "\n",
		"* Re-using connection to " + srv.Addr() + "\n",
		"* Connected to " + other.Addr(),
		"send: \"GET /2 HTTP/1.1\\r\\n", // the client's debug transcript
		"reply: \"HTTP/1.1 200 OK\\r\\n\"",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("-v stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if n := strings.Count(r.stderr, "* Re-using connection to "+srv.Addr()); n != 2 {
		t.Errorf("%d re-use notes, want 2:\n%s", n, r.stderr)
	}
}

func TestConnectionCloseDialsAgain(t *testing.T) {
	srv := newRawServer(t, func(int, *http.Request) (string, bool) {
		return "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", true
	})
	u := "http://" + srv.Addr() + "/"
	r := runHTTPC(t, "", "-v", u, u)
	if r.code != exitOK || r.stdout != "okok" || srv.Accepted() != 2 || strings.Contains(r.stderr, "Re-using") {
		t.Errorf("exit %d, stdout %q, accepted %d, stderr:\n%s", r.code, r.stdout, srv.Accepted(), r.stderr)
	}
}

// TestRetryOnStaleConnection: the server drops a kept-alive connection
// when the second request arrives on it, without answering (as a server
// whose idle timeout fired just then does); that request fails with
// RemoteDisconnected and is sent again on a new connection. (A close the
// client can see before it writes never reaches httpc: the client then
// dials anew by itself.)
func TestRetryOnStaleConnection(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		stdin string
		retry bool
	}{
		{"GET", nil, "", true},
		{"-d", []string{"-d", "x=1"}, "", true},
		{"-T - can't be replayed", []string{"-T", "-"}, "data", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newRawServer(t, func(n int, _ *http.Request) (string, bool) {
				if n == 1 {
					return "", true // the second request: close, no answer
				}
				return okReply, false
			})
			u := "http://" + srv.Addr() + "/"
			r := runHTTPC(t, tc.stdin, append(tc.args, "-v", u, u)...)
			if !tc.retry {
				if r.code == exitOK || strings.Contains(r.stderr, "retrying") {
					t.Errorf("exit %d, stderr:\n%s; want a failure without retry", r.code, r.stderr)
				}
				return
			}
			if r.code != exitOK || r.stdout != "hellohello" {
				t.Fatalf("exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
			}
			if n := srv.Accepted(); n != 2 {
				t.Errorf("accepted %d, want 2", n)
			}
			if !strings.Contains(r.stderr, "retrying on a new one") {
				t.Errorf("stderr lacks the retry note:\n%s", r.stderr)
			}
		})
	}
}

func TestUnixSocket(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "s.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Skipf("no unix sockets: %v", err)
	}
	srv := &rawServer{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			srv.serve(c, func(int, *http.Request) (string, bool) { return okReply, false })
			c.Close()
		}
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	r := runHTTPC(t, "", "--unix-socket", sock, "http://daemon.local/v1/ping", "http://daemon.local/v1/pong")
	if r.code != exitOK || r.stdout != "hellohello" {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	reqs := srv.requests()
	if len(reqs) != 2 || !strings.HasPrefix(reqs[0], "GET /v1/ping HTTP/1.1\r\nHost: daemon.local\r\n") {
		t.Errorf("requests %q", reqs)
	}
}

// tlsFixture is an HTTPS server whose certificate, for names, comes from
// a fresh CA written to a PEM file.
type tlsFixture struct {
	addr, caFile string
	ca           *testutil.CA
}

func newTLSFixture(t *testing.T, names ...string) *tlsFixture {
	t.Helper()
	ca := testutil.NewCA(t)
	srv := testutil.NewHTTPServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "secure "+r.Host+r.URL.Path)
	}), ca.ServerConfig(names...))
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	b := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Certificate().Raw})
	if err := os.WriteFile(caFile, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return &tlsFixture{addr: srv.Addr(), caFile: caFile, ca: ca}
}

func TestTLS(t *testing.T) {
	fx := newTLSFixture(t, "127.0.0.1")
	wrongName := newTLSFixture(t, "other.example")
	// A plain HTTP server that speaks first, so the TLS client reads HTTP.
	plainHTTP := testutil.NewServer(t, func(c net.Conn) {
		io.WriteString(c, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
	})
	u := "https://" + fx.addr + "/x"
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"--cacert", []string{"--cacert", fx.caFile, u}, exitOK, "secure " + fx.addr + "/x", ""},
		{"-k", []string{"-k", u}, exitOK, "secure " + fx.addr + "/x", ""},
		{"--insecure, -v", []string{"--insecure", "-v", u}, exitOK, "secure " + fx.addr + "/x", "* TLS handshake done: TLS 1.3"},
		{"--raw shows plaintext", []string{"--raw", "--cacert", fx.caFile, u}, exitOK, "GET /x HTTP/1.1\r\nHost: " + fx.addr, ""},
		{"untrusted", []string{u}, exitTLS, "", "httpc: TLS handshake with " + fx.addr + " failed: x509: certificate signed by unknown authority"},
		{"wrong name", []string{"--cacert", wrongName.caFile, "https://" + wrongName.addr + "/"}, exitTLS, "", "httpc: TLS handshake with " + wrongName.addr + " failed: x509:"},
		{"not TLS at all", []string{"-k", "https://" + plainHTTP.Addr() + "/"}, exitTLS, "", "failed: tls: first record does not look like a TLS handshake"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := runHTTPC(t, "", tc.args...)
			if r.code != tc.code || !strings.Contains(r.stdout, tc.stdout) || !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("httpc %q: exit %d, stdout %q, stderr %q; want %d, %q, %q", tc.args, r.code, r.stdout, r.stderr, tc.code, tc.stdout, tc.stderr)
			}
			if tc.code != exitOK && strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("error is not one line: %q", r.stderr)
			}
		})
	}
}

func TestProxy(t *testing.T) {
	plain := newRawServer(t, nil)
	fx := newTLSFixture(t, "secure.test")
	proxy := testutil.NewConnectProxy(t, testutil.ProxyOptions{
		Targets:     map[string]string{"secure.test:443": fx.addr},
		ReplyHeader: nil,
	})
	tests := []struct {
		name    string
		args    []string
		connect string // the CONNECT line the proxy must see
		stdout  string
	}{
		{"http", []string{"--proxy", proxy.Addr(), "http://" + plain.Addr() + "/p"},
			"CONNECT " + plain.Addr() + " HTTP/1.1\r\nHost: " + plain.Addr() + "\r\n\r\n", "hello"},
		{"https", []string{"-x", proxy.Addr(), "--cacert", fx.caFile, "https://secure.test/s"},
			"CONNECT secure.test:443 HTTP/1.1\r\nHost: secure.test:443\r\n\r\n", "secure secure.test/s"},
		{"https --raw", []string{"--raw", "--proxy", "http://" + proxy.Addr(), "--cacert", fx.caFile, "https://secure.test/r"},
			"CONNECT secure.test:443 HTTP/1.1\r\nHost: secure.test:443\r\n\r\n", "GET /r HTTP/1.1\r\nHost: secure.test\r\n"},
		{"http --raw", []string{"--raw", "--proxy", proxy.Addr(), "http://" + plain.Addr() + "/q"},
			"CONNECT " + plain.Addr() + " HTTP/1.1\r\nHost: " + plain.Addr() + "\r\n\r\n", "GET /q HTTP/1.1\r\nHost: " + plain.Addr() + "\r\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(proxy.Requests())
			r := runHTTPC(t, "", tc.args...)
			if r.code != exitOK || !strings.Contains(r.stdout, tc.stdout) {
				t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
			reqs := proxy.Requests()
			if len(reqs) != before+1 || reqs[before] != tc.connect {
				t.Errorf("proxy saw %q, want one more: %q", reqs[before:], tc.connect)
			}
			if strings.Contains(r.stdout, "CONNECT") {
				t.Errorf("the CONNECT exchange leaked into stdout: %q", r.stdout)
			}
		})
	}
}

func TestSOCKS5(t *testing.T) {
	srv := newRawServer(t, nil)
	socks := testutil.NewSOCKS5Server(t, "me", "pw")
	u := "http://" + srv.Addr() + "/s"
	r := runHTTPC(t, "", "--socks5", "me:pw@"+socks.Addr(), u, u)
	if r.code != exitOK || r.stdout != "hellohello" {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if got := socks.Requests(); len(got) != 1 || got[0] != srv.Addr() {
		t.Errorf("SOCKS5 requests %q, want one to %s (the connection is re-used)", got, srv.Addr())
	}
	r = runHTTPC(t, "", "--socks5", "me:wrong@"+socks.Addr(), u)
	if r.code != exitConnect || !strings.HasPrefix(r.stderr, "httpc: couldn't connect to "+srv.Addr()+" through SOCKS5 proxy "+socks.Addr()+": ") {
		t.Errorf("bad credentials: exit %d, stderr %q", r.code, r.stderr)
	}
}

// durationSecs converts seconds to a time.Duration.
func durationSecs(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
