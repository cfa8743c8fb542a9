package transport

import (
	"context"
	"crypto/tls"
	"net"
	"strings"

	"github.com/httpstack/httpstack/errors"
)

// alpnHTTP11 is the ALPN protocol ID of HTTP/1.1 (RFC 7301, IANA registry).
const alpnHTTP11 = "http/1.1"

// TLS dials Base and runs a TLS client handshake over the connection, the
// way Python's HTTPSConnection wraps its socket with
// SSLContext.wrap_socket(server_hostname=host).
//
// The handshake uses a clone of Config (the caller's value is never
// modified) with these defaults:
//
//   - ServerName is the host of the dialled address, unless Config sets
//     one. For an IP literal no SNI is sent and the certificate is checked
//     against its IP SANs.
//   - NextProtos is ["http/1.1"] unless Config sets NextProtos.
//   - MinVersion is TLS 1.2 unless Config asks for a higher one.
//   - Certificates are verified unless Config sets InsecureSkipVerify.
//
// If the server selects an ALPN protocol other than "http/1.1", the
// handshake fails with an error matching [errors.ErrTLS]: this module
// speaks HTTP/1.1 only. Certificate failures pass through wrapped, so
// errors.As finds *tls.CertificateVerificationError,
// x509.UnknownAuthorityError and x509.HostnameError.
//
// Stacked on a [Tunnel], the address TLS dials is the tunnel's target, so
// SNI and verification use the origin's name, not the proxy's.
type TLS struct {
	// Base dials the underlying connection. It must not be nil.
	Base Dialer
	// Config is the TLS configuration to start from; nil means a zero
	// tls.Config (system roots, verification on).
	Config *tls.Config
}

// DialContext dials address through t.Base and performs the TLS handshake
// under ctx. On failure the underlying connection is closed.
func (t *TLS) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return nil, &errors.InvalidURLError{URL: address, Reason: "missing or malformed port"}
	}
	raw, err := t.Base.DialContext(ctx, network, address)
	if err != nil {
		return nil, err
	}
	tc, err := t.Handshake(ctx, raw, host)
	if err != nil {
		return nil, err
	}
	return tc, nil
}

// Handshake runs the TLS client handshake over conn, an already connected
// transport, with serverName (a host name or IP literal, no port) for SNI
// and certificate verification. It honours ctx's cancellation and
// deadline. On failure it closes conn, which is unusable after a failed
// handshake.
func (t *TLS) Handshake(ctx context.Context, conn net.Conn, serverName string) (*tls.Conn, error) {
	cfg := t.config(serverName)
	tc := tls.Client(&eofConn{Conn: conn}, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		conn.Close()
		return nil, errors.Wrapf(contextError(ctx, err), "http: TLS handshake with %q", cfg.ServerName)
	}
	if p := tc.ConnectionState().NegotiatedProtocol; p != "" && p != alpnHTTP11 {
		tc.Close()
		return nil, errors.Wrapf(errors.ErrTLS, "http: server %q selected ALPN protocol %q, want %q", cfg.ServerName, p, alpnHTTP11)
	}
	return tc, nil
}

// config returns the handshake configuration for serverName: a clone of
// t.Config with this package's defaults filled in.
func (t *TLS) config(serverName string) *tls.Config {
	var cfg *tls.Config
	if t.Config != nil {
		cfg = t.Config.Clone()
	} else {
		cfg = &tls.Config{}
	}
	if cfg.ServerName == "" {
		// A bracketed IPv6 literal, or one with a zone, is verified as
		// the bare address.
		name := strings.TrimSuffix(strings.TrimPrefix(serverName, "["), "]")
		if i := strings.IndexByte(name, '%'); i >= 0 && strings.IndexByte(name, ':') >= 0 {
			name = name[:i]
		}
		cfg.ServerName = name
	}
	if len(cfg.NextProtos) == 0 {
		cfg.NextProtos = []string{alpnHTTP11}
	}
	if cfg.MinVersion < tls.VersionTLS12 {
		cfg.MinVersion = tls.VersionTLS12
	}
	return cfg
}
