package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/testutil"
)

// hello is what a TLS test server saw of a ClientHello.
type hello struct {
	ServerName string
	ALPN       []string
}

// tlsServer is a loopback TLS server that records ClientHellos and, after
// a handshake, writes "hi" and waits for the client to close.
type tlsServer struct {
	*testutil.Server
	mu     sync.Mutex
	hellos []hello
}

func newTLSServer(t *testing.T, cfg *tls.Config) *tlsServer {
	s := &tlsServer{}
	cfg = cfg.Clone()
	cfg.GetConfigForClient = func(chi *tls.ClientHelloInfo) (*tls.Config, error) {
		s.mu.Lock()
		s.hellos = append(s.hellos, hello{chi.ServerName, chi.SupportedProtos})
		s.mu.Unlock()
		return nil, nil
	}
	s.Server = testutil.NewServer(t, func(c net.Conn) {
		tc := tls.Server(c, cfg)
		if err := tc.Handshake(); err != nil {
			return
		}
		tc.Write([]byte("hi"))
		io.Copy(io.Discard, tc)
	})
	return s
}

func (s *tlsServer) Hellos() []hello {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.hellos)
}

// readHi reads the server's greeting.
func readHi(t *testing.T, c net.Conn) {
	t.Helper()
	buf := make([]byte, 2)
	if _, err := readFull(c, buf); err != nil || string(buf) != "hi" {
		t.Fatalf("read greeting = %q, %v", buf, err)
	}
}

// port returns the port of a host:port.
func port(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}

func TestTLS(t *testing.T) {
	ca := testutil.NewCA(t)
	other := testutil.NewCA(t)
	h2 := ca.ServerConfig("localhost")
	h2.NextProtos = []string{"h2"}
	noALPN := ca.ServerConfig("localhost")
	noALPN.NextProtos = nil
	tls11 := ca.ServerConfig("localhost")
	tls11.MaxVersion = tls.VersionTLS11

	tests := []struct {
		name      string
		server    *tls.Config
		client    *tls.Config
		host      string // dialled host; port is the server's
		wantHello hello
		wantALPN  string
		wantErr   func(error) bool
	}{
		{
			name:      "DNS name",
			server:    ca.ServerConfig("localhost"),
			client:    ca.ClientConfig(),
			host:      "localhost",
			wantHello: hello{"localhost", []string{"http/1.1"}},
			wantALPN:  "http/1.1",
		},
		{
			name:      "IP SAN, no SNI",
			server:    ca.ServerConfig("127.0.0.1"),
			client:    ca.ClientConfig(),
			host:      "127.0.0.1",
			wantHello: hello{"", []string{"http/1.1"}},
			wantALPN:  "http/1.1",
		},
		{
			name:      "server without ALPN",
			server:    noALPN,
			client:    ca.ClientConfig(),
			host:      "localhost",
			wantHello: hello{"localhost", []string{"http/1.1"}},
		},
		{
			name:      "caller's NextProtos kept",
			server:    ca.ServerConfig("localhost"),
			client:    &tls.Config{RootCAs: ca.Pool(), NextProtos: []string{"x-test", "http/1.1"}},
			host:      "localhost",
			wantHello: hello{"localhost", []string{"x-test", "http/1.1"}},
			wantALPN:  "http/1.1",
		},
		{
			name:      "InsecureSkipVerify honoured",
			server:    other.ServerConfig("localhost"),
			client:    &tls.Config{InsecureSkipVerify: true},
			host:      "localhost",
			wantHello: hello{"localhost", []string{"http/1.1"}},
			wantALPN:  "http/1.1",
		},
		{
			name:   "unknown CA",
			server: other.ServerConfig("localhost"),
			client: ca.ClientConfig(),
			host:   "localhost",
			wantErr: func(err error) bool {
				var ua x509.UnknownAuthorityError
				var cv *tls.CertificateVerificationError
				return errors.As(err, &ua) && errors.As(err, &cv)
			},
		},
		{
			name:   "wrong host name",
			server: ca.ServerConfig("other.example"),
			client: ca.ClientConfig(),
			host:   "localhost",
			wantErr: func(err error) bool {
				var he x509.HostnameError
				return errors.As(err, &he)
			},
		},
		{
			name:   "IP not in SANs",
			server: ca.ServerConfig("localhost"),
			client: ca.ClientConfig(),
			host:   "127.0.0.1",
			wantErr: func(err error) bool {
				var he x509.HostnameError
				return errors.As(err, &he)
			},
		},
		{
			name:    "server selects h2",
			server:  h2,
			client:  &tls.Config{RootCAs: ca.Pool(), NextProtos: []string{"h2", "http/1.1"}},
			host:    "localhost",
			wantErr: func(err error) bool { return errors.Is(err, errors.ErrTLS) },
		},
		{
			name:   "TLS 1.1 refused",
			server: tls11,
			client: ca.ClientConfig(),
			host:   "localhost",
			wantErr: func(err error) bool {
				return err != nil && !errors.Is(err, errors.ErrTLS)
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTLSServer(t, tc.server)
			before := tc.client.Clone()
			d := &TLS{Base: &net.Dialer{}, Config: tc.client}
			c, err := d.DialContext(context.Background(), "tcp", net.JoinHostPort(tc.host, port(s.Addr())))
			if after := snapshot(tc.client); after != snapshot(before) {
				t.Errorf("caller's Config modified: %+v, was %+v", after, snapshot(before))
			}
			if tc.wantErr != nil {
				if err == nil || !tc.wantErr(err) {
					t.Fatalf("DialContext = %v; want the listed error", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("DialContext: %v", err)
			}
			defer c.Close()
			tc2 := c.(*tls.Conn)
			if p := tc2.ConnectionState().NegotiatedProtocol; p != tc.wantALPN {
				t.Errorf("ALPN = %q, want %q", p, tc.wantALPN)
			}
			if v := tc2.ConnectionState().Version; v < tls.VersionTLS12 {
				t.Errorf("TLS version %x < 1.2", v)
			}
			readHi(t, c)
			if diff := cmp.Diff([]hello{tc.wantHello}, s.Hellos()); diff != "" {
				t.Errorf("ClientHello (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTLSHandshakePipe runs the handshake over net.Pipe, without a
// listener (STYLE rule 13).
func TestTLSHandshakePipe(t *testing.T) {
	ca := testutil.NewCA(t)
	client, server := net.Pipe()
	done := make(chan error, 1)
	go func() {
		sc := tls.Server(server, ca.ServerConfig("example.com"))
		err := sc.Handshake()
		if err == nil {
			_, err = sc.Write([]byte("hi"))
		}
		done <- err
		io.Copy(io.Discard, sc)
		sc.Close()
	}()
	c, err := (&TLS{Config: ca.ClientConfig()}).Handshake(context.Background(), client, "example.com")
	if err != nil {
		t.Fatal(err)
	}
	readHi(t, c)
	if err := <-done; err != nil {
		t.Fatalf("server: %v", err)
	}
	if got := c.ConnectionState().ServerName; got != "example.com" {
		t.Errorf("ServerName = %q", got)
	}
	c.Close()
}

func TestTLSCancelDuringHandshake(t *testing.T) {
	// A server that accepts and never answers the ClientHello.
	s := testutil.NewServer(t, func(c net.Conn) { io.Copy(io.Discard, c) })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var once sync.Once
	d := &TLS{Base: hookDialer(&net.Dialer{}, func() { once.Do(cancel) }), Config: &tls.Config{InsecureSkipVerify: true}}
	_, err := d.DialContext(ctx, "tcp", s.Addr())
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("DialContext = %v, want context.Canceled", err)
	}
}

func TestTLSCancelDuringDial(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	// A cancelled ctx makes net.Dialer fail before connecting.
	d := &TLS{Base: &net.Dialer{}}
	if _, err := d.DialContext(ctx, "tcp", "127.0.0.1:1"); !errors.Is(err, context.Canceled) {
		t.Fatalf("DialContext = %v, want context.Canceled", err)
	}
}

func TestTLSBadAddress(t *testing.T) {
	d := &TLS{Base: testutil.NewFakeDialer()}
	var ue *errors.InvalidURLError
	if _, err := d.DialContext(context.Background(), "tcp", "no-port"); !errors.As(err, &ue) {
		t.Fatalf("DialContext = %v, want *InvalidURLError", err)
	}
}

func TestTLSConfigDefaults(t *testing.T) {
	tests := []struct {
		name       string
		cfg        *tls.Config
		serverName string
		want       *tls.Config
	}{
		{"nil config", nil, "example.com", &tls.Config{ServerName: "example.com", NextProtos: []string{"http/1.1"}, MinVersion: tls.VersionTLS12}},
		{"bracketed IPv6", nil, "[::1]", &tls.Config{ServerName: "::1", NextProtos: []string{"http/1.1"}, MinVersion: tls.VersionTLS12}},
		{"IPv6 zone dropped", nil, "fe80::1%eth0", &tls.Config{ServerName: "fe80::1", NextProtos: []string{"http/1.1"}, MinVersion: tls.VersionTLS12}},
		{"caller ServerName wins", &tls.Config{ServerName: "x.example"}, "example.com", &tls.Config{ServerName: "x.example", NextProtos: []string{"http/1.1"}, MinVersion: tls.VersionTLS12}},
		{"higher MinVersion kept", &tls.Config{MinVersion: tls.VersionTLS13}, "a", &tls.Config{ServerName: "a", NextProtos: []string{"http/1.1"}, MinVersion: tls.VersionTLS13}},
		{"lower MinVersion raised", &tls.Config{MinVersion: tls.VersionTLS10}, "a", &tls.Config{ServerName: "a", NextProtos: []string{"http/1.1"}, MinVersion: tls.VersionTLS12}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := (&TLS{Config: tc.cfg}).config(tc.serverName)
			if got.ServerName != tc.want.ServerName || !slices.Equal(got.NextProtos, tc.want.NextProtos) || got.MinVersion != tc.want.MinVersion {
				t.Errorf("config = {ServerName %q, NextProtos %q, MinVersion %x}, want {%q, %q, %x}",
					got.ServerName, got.NextProtos, got.MinVersion, tc.want.ServerName, tc.want.NextProtos, tc.want.MinVersion)
			}
			if tc.cfg != nil && got == tc.cfg {
				t.Error("config returned the caller's Config instead of a clone")
			}
		})
	}
}

// configSnapshot is the part of a tls.Config that TLS fills in.
type configSnapshot struct {
	ServerName string
	NextProtos string
	MinVersion uint16
	RootCAs    *x509.CertPool
	Insecure   bool
}

func snapshot(c *tls.Config) configSnapshot {
	return configSnapshot{c.ServerName, strings.Join(c.NextProtos, ","), c.MinVersion, c.RootCAs, c.InsecureSkipVerify}
}
