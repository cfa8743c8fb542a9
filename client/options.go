package client

import (
	"crypto/tls"
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/transport"
	"github.com/httpstack/httpstack/wire"
)

// DefaultBlocksize is the number of bytes read at a time from an io.Reader
// request body (Python's blocksize default, 8192).
const DefaultBlocksize = 8192

// An Option configures a [Conn] in [New] or [NewTLS]; they stand for the
// keyword arguments of Python's HTTPConnection constructor.
type Option func(*config) error

// config holds what the options set; a Conn copies it once.
type config struct {
	port       int
	timeout    time.Duration
	sourceAddr *net.TCPAddr
	blocksize  int
	tlsConfig  *tls.Config
	dialer     transport.Dialer
	debugOut   io.Writer
	trace      *Trace
	limits     *wire.Limits
}

// WithPort sets the port, overriding any port in the host string (Python's
// port argument). It must be in 1..65535.
func WithPort(port int) Option {
	return func(c *config) error {
		if port < 1 || port > 65535 {
			return invalidPort(itoa(port))
		}
		c.port = port
		return nil
	}
}

// WithTimeout bounds the connect and every single read and write (Python's
// timeout argument). Zero, the default, means no timeout; a context
// deadline still applies.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error { c.timeout = d; return nil }
}

// WithSourceAddress sets the local address to connect from, as an IP
// literal "ip", "ip:port", "[v6]:port" or ":port" (Python's
// source_address). It applies to the default TCP dialer only. An address
// that is not an IP literal or has a bad port is an
// *errors.InvalidURLError; an address the machine does not own fails at
// connect, as Python's bind does.
func WithSourceAddress(addr string) Option {
	return func(c *config) error {
		a, err := parseSourceAddress(addr)
		if err != nil {
			return err
		}
		c.sourceAddr = a
		return nil
	}
}

// WithBlocksize sets how many bytes are read at a time from an io.Reader
// body (Python's blocksize). It must be positive.
func WithBlocksize(n int) Option {
	return func(c *config) error {
		if n <= 0 {
			return errors.Wrapf(errors.ErrInvalidArgument, "http: blocksize %d", n)
		}
		c.blocksize = n
		return nil
	}
}

// WithTLSConfig sets the TLS configuration of a connection made with
// [NewTLS] (Python's context argument). The config is never modified; see
// [transport.TLS] for what is added to a copy of it.
func WithTLSConfig(cfg *tls.Config) Option {
	return func(c *config) error { c.tlsConfig = cfg; return nil }
}

// WithDialer replaces the TCP layer: d is dialled instead of a
// *net.Dialer. A tunnel and TLS still stack on top of it, so a
// [transport.Unix] dialer, a SOCKS5 dialer or an in-memory test dialer
// can carry any connection.
func WithDialer(d transport.Dialer) Option {
	return func(c *config) error { c.dialer = d; return nil }
}

// WithDebugOutput sends the debug transcript of [Conn.SetDebugLevel] to w
// instead of os.Stdout.
func WithDebugOutput(w io.Writer) Option {
	return func(c *config) error { c.debugOut = w; return nil }
}

// WithTrace installs hooks that observe the connection (Python's audit
// events and more).
func WithTrace(t *Trace) Option {
	return func(c *config) error { c.trace = t; return nil }
}

// WithLimits sets the limits applied to everything read from the peer;
// nil means [wire.DefaultLimits].
func WithLimits(l *wire.Limits) Option {
	return func(c *config) error { c.limits = l; return nil }
}

// parseSourceAddress parses the argument of WithSourceAddress without any
// name lookup.
func parseSourceAddress(s string) (*net.TCPAddr, error) {
	host, port := s, ""
	if strings.HasPrefix(s, "[") || strings.Count(s, ":") == 1 {
		h, p, err := net.SplitHostPort(s)
		if err != nil {
			return nil, &errors.InvalidURLError{URL: s, Reason: "bad source address"}
		}
		host, port = h, p
	}
	a := &net.TCPAddr{}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 0 || n > 65535 {
			return nil, &errors.InvalidURLError{URL: s, Reason: "bad source port"}
		}
		a.Port = n
	}
	if host != "" {
		ip, err := netip.ParseAddr(host)
		if err != nil {
			return nil, &errors.InvalidURLError{URL: s, Reason: "source address must be an IP literal"}
		}
		a.IP = ip.AsSlice()
		a.Zone = ip.Zone()
	}
	return a, nil
}

// A RequestOption modifies one request (Python's encode_chunked keyword).
type RequestOption func(*requestConfig)

type requestConfig struct {
	encodeChunked bool
}

// EncodeChunked asks for the body to be sent with chunked transfer coding
// when the caller's headers already carry Transfer-Encoding (Python's
// encode_chunked=True). Without a caller Transfer-Encoding header, Request
// decides the framing itself and this option has no effect, as in Python.
func EncodeChunked() RequestOption {
	return func(r *requestConfig) { r.encodeChunked = true }
}

// A PutRequestOption modifies [Conn.PutRequest].
type PutRequestOption func(*putRequestConfig)

type putRequestConfig struct {
	skipHost, skipAcceptEncoding bool
}

// SkipHost stops PutRequest from adding a Host header (Python's skip_host).
func SkipHost() PutRequestOption {
	return func(p *putRequestConfig) { p.skipHost = true }
}

// SkipAcceptEncoding stops PutRequest from adding "Accept-Encoding:
// identity" (Python's skip_accept_encoding).
func SkipAcceptEncoding() PutRequestOption {
	return func(p *putRequestConfig) { p.skipAcceptEncoding = true }
}
