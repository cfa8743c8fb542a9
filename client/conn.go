package client

import (
	"bufio"
	"context"
	"crypto/tls"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/message"
	"github.com/httpstack/httpstack/transport"
	"github.com/httpstack/httpstack/wire"
)

// Conn is one HTTP/1.1 client connection, Python's HTTPConnection (or
// HTTPSConnection when made by [NewTLS]). It dials lazily on the first
// send, keeps the connection alive between requests when the server
// allows, and dials again after the server or an error closed it. It never
// retries a request by itself.
//
// A Conn is not safe for concurrent use, with one exception: [Conn.Close]
// may be called from another goroutine to abort a call that is blocked on
// the network.
type Conn struct {
	// Configuration, fixed after New.
	target      hostPort // the server (or, with a tunnel, the proxy)
	defaultPort int
	useTLS      bool
	cfg         config
	limits      wire.Limits
	debugOut    io.Writer

	// Tunnel configuration (SetTunnel).
	tunnel       *hostPort
	hostValue    string // the automatic Host value: the tunnel target's if any, else the target's
	tunnelHeader message.Header

	// Request state, owned by the goroutine making calls.
	state      connState
	buf        []byte // the request head being built
	method     string // method of the last request sent
	url        string // target of the last request sent
	debugLevel int
	pending    *Response // the previous response, while its body is unread
	br         *bufio.Reader
	hb         message.HeaderBuilder // reused to build response headers
	peek       peeker                // looks for bytes on an idle socket
	lastSend   time.Duration         // monoNow when dropStaleConn last passed a kept-alive socket
	cr         *wire.ChunkedReader   // reused for kept-alive chunked bodies

	// Guarded by mu: the socket and what Close from another goroutine needs.
	mu          sync.Mutex
	nc          net.Conn
	busy        bool           // a call is in progress
	aborted     bool           // Close ran while busy
	proxyHeader message.Header // nil until a CONNECT reply head is parsed

	deadline time.Time // the deadline last set on nc
}

// New returns a connection to host, which may be "host", "host:port",
// "[v6addr]" or "[v6addr]:port" (Python's HTTPConnection). The default port
// is [HTTPPort]. A non-numeric, empty or out-of-range port, or a host with
// control characters, is an *errors.InvalidURLError. No I/O happens until
// the first request is sent (or [Conn.Connect]).
func New(host string, opts ...Option) (*Conn, error) {
	return newConn(host, false, opts)
}

// NewTLS returns a connection that speaks TLS to host (Python's
// HTTPSConnection): default port [HTTPSPort], certificate and host name
// verified unless [WithTLSConfig] says otherwise, ALPN "http/1.1".
func NewTLS(host string, opts ...Option) (*Conn, error) {
	return newConn(host, true, opts)
}

func newConn(host string, useTLS bool, opts []Option) (*Conn, error) {
	c := &Conn{useTLS: useTLS, defaultPort: HTTPPort}
	if useTLS {
		c.defaultPort = HTTPSPort
	}
	for _, o := range opts {
		if err := o(&c.cfg); err != nil {
			return nil, err
		}
	}
	hp, err := parseHostPort(host, c.cfg.port, c.defaultPort)
	if err != nil {
		return nil, err
	}
	c.target = hp
	c.hostValue = string(appendHostHeaderValue(nil, hp.host, hp.port, c.defaultPort))
	if c.cfg.blocksize == 0 {
		c.cfg.blocksize = DefaultBlocksize
	}
	c.limits = c.cfg.limits.Resolved()
	c.debugOut = c.cfg.debugOut
	if c.debugOut == nil {
		c.debugOut = os.Stdout
	}
	return c, nil
}

// Host returns the host the connection was made for (ASCII, IPv6 without
// brackets), Python's host attribute.
func (c *Conn) Host() string { return c.target.host }

// Port returns the port the connection was made for, Python's port
// attribute.
func (c *Conn) Port() int { return c.target.port }

// Blocksize returns how many bytes are read at a time from an io.Reader
// body (Python's blocksize).
func (c *Conn) Blocksize() int { return c.cfg.blocksize }

// Timeout returns the timeout set by [WithTimeout].
func (c *Conn) Timeout() time.Duration { return c.cfg.timeout }

// SetDebugLevel sets the debug level (Python's set_debuglevel). A level
// above 0 writes the transcript of every request and response, Python's
// "send:", "reply:" and "header:" lines with Go quoting, to os.Stdout or
// the writer given to [WithDebugOutput]. Responses take the level in force
// when [Conn.GetResponse] creates them.
func (c *Conn) SetDebugLevel(level int) { c.debugLevel = level }

// SetTunnel makes the connection go through an HTTP CONNECT tunnel to
// host:port (Python's set_tunnel): the Conn's own host and port become the
// proxy's, and every request is sent to host inside the tunnel. host may
// carry a port as "host:port" or "[v6]:port"; port 0 means the default port
// of the connection (80, or 443 for NewTLS). header is sent with the
// CONNECT request (for example Proxy-Authorization); a Host field in it
// replaces the automatic one. Host, port and header are validated here
// (*errors.InvalidURLError, *errors.HeaderError), so nothing malformed is
// ever sent, and a rejected call leaves the previous setting in force.
// SetTunnel on a connected Conn is an error matching ErrInvalidArgument,
// as in Python.
func (c *Conn) SetTunnel(host string, port int, header message.Header) error {
	c.mu.Lock()
	connected := c.nc != nil
	c.mu.Unlock()
	if connected {
		return errors.Wrap(errors.ErrInvalidArgument, "http: can't set up tunnel for established connection")
	}
	hp, err := parseHostPort(host, port, c.defaultPort)
	if err != nil {
		return err
	}
	for _, f := range header {
		if _, err := wire.AppendField(nil, f.Name, f.Value); err != nil {
			return err
		}
	}
	c.tunnel = &hp
	c.hostValue = string(appendHostHeaderValue(nil, hp.host, hp.port, c.defaultPort))
	c.tunnelHeader = header.Clone()
	return nil
}

// ProxyResponseHeaders returns the header fields of the proxy's reply to
// the last CONNECT request, also after the proxy refused it (Python's
// get_proxy_response_headers); a reply without fields gives an empty,
// non-nil Header. It returns nil when no CONNECT was sent, or when the
// last reply could not be parsed, as Python returns None.
func (c *Conn) ProxyResponseHeaders() message.Header {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.proxyHeader
}

// Connect dials the server now instead of on the first send (Python's
// connect): TCP, then the CONNECT tunnel if one is set, then TLS for
// NewTLS. It does nothing if the connection is already open.
func (c *Conn) Connect(ctx context.Context) (err error) {
	c.enter()
	defer c.exit(&err)
	_, err = c.connect(ctx)
	return err
}

// Close closes the socket, forgets any request being built and closes the
// pending response (Python's close, except that nothing of a half-built
// request survives it). The next request dials again. Close may be called
// from another goroutine to abort a blocked call, which then returns an
// error. It always returns nil.
func (c *Conn) Close() error {
	c.mu.Lock()
	nc := c.nc
	c.nc = nil
	if c.busy {
		c.aborted = true
	} else {
		// Reset under the lock: a call that enters next waits for it in
		// enter, so the owner's next access happens after the reset.
		c.reset()
	}
	c.mu.Unlock()
	if nc != nil {
		nc.Close()
	}
	return nil
}

// reset returns the request state to Idle and closes the pending response.
// It runs on the goroutine that owns the state.
func (c *Conn) reset() {
	c.abandonRequest()
	c.deadline = time.Time{}
	if p := c.pending; p != nil {
		c.pending = nil
		p.detach()
	}
}

// enter marks a call in progress so that a concurrent Close leaves the
// request state to exit. It returns the open socket, or nil, read under
// the same lock.
func (c *Conn) enter() net.Conn {
	c.mu.Lock()
	c.busy = true
	nc := c.nc
	c.mu.Unlock()
	return nc
}

// exit ends a call; if Close ran meanwhile it resets the state and makes
// sure the call reports the abort.
func (c *Conn) exit(errp *error) {
	c.mu.Lock()
	c.busy = false
	aborted := c.aborted
	c.aborted = false
	if aborted {
		c.reset()
	}
	c.mu.Unlock()
	if aborted {
		if *errp == nil {
			*errp = errors.Wrap(net.ErrClosed, "http: connection closed while in use")
		}
	}
}

// conn returns the open socket, or nil.
func (c *Conn) conn() net.Conn {
	c.mu.Lock()
	nc := c.nc
	c.mu.Unlock()
	return nc
}

// dropConn forgets the socket and closes it.
//
// A pending response whose body is not read to the end reads from the
// same socket and buffer: it is detached, so its next Read fails instead
// of reading from whatever connection the buffer is reset onto next.
func (c *Conn) dropConn() {
	c.mu.Lock()
	nc := c.nc
	c.nc = nil
	c.mu.Unlock()
	if nc != nil {
		nc.Close()
	}
	if p := c.pending; p != nil {
		c.pending = nil
		if !p.bodyDone() {
			p.detach()
			c.br = nil // the response keeps reading its own buffer
		}
	}
	c.deadline = time.Time{}
}

// detachConn hands the socket to a response that will close it, leaving
// the Conn without one.
func (c *Conn) detachConn() {
	c.mu.Lock()
	c.nc = nil
	c.mu.Unlock()
	c.br = nil
	c.deadline = time.Time{}
}

// connect dials the chain TCP → [Tunnel] → [TLS] if not connected, and
// returns the socket to use. Callers use that value rather than reading
// c.nc again, which a concurrent Close may have cleared (the socket is
// then closed, and I/O on it fails).
func (c *Conn) connect(ctx context.Context) (net.Conn, error) {
	if nc := c.conn(); nc != nil {
		return nc, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, errors.Wrap(err, "http: connect")
	}
	if t := c.cfg.trace; t != nil && t.Connect != nil {
		t.Connect(c.target.host, c.target.port)
	}
	if c.cfg.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.cfg.timeout)
		defer cancel()
	}
	d, address := c.dialChain()
	nc, err := d.DialContext(ctx, "tcp", address)
	if err != nil {
		return nil, errors.Wrapf(err, "http: connect to %s", address)
	}
	if tc, ok := nc.(*tls.Conn); ok {
		if t := c.cfg.trace; t != nil && t.TLSHandshakeDone != nil {
			t.TLSHandshakeDone(tc.ConnectionState())
		}
	}
	c.mu.Lock()
	if c.aborted {
		// Close ran during the dial: the new socket must not carry the
		// request, nor outlive the call.
		c.mu.Unlock()
		nc.Close()
		return nil, errors.Wrap(net.ErrClosed, "http: connection closed while dialling")
	}
	c.nc = nc
	c.mu.Unlock()
	if c.br != nil {
		c.br.Reset(nc)
	}
	c.deadline = time.Time{}
	return nc, nil
}

// readBufferSize is the size of the connection's read buffer: room for
// common response heads and for a 16 KiB chunk with its line, so that a
// chunked body takes one read(2) per chunk. Longer heads still decode
// (the wire adapters collect them line by line); body reads of at least
// this size bypass it. A connection holds its buffer only while a
// response is being read (see releaseReader), so idle connections cost
// little memory whatever the size.
const readBufferSize = 16 << 10

// readers holds the read buffers of connections that are between
// responses.
var readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, readBufferSize) }}

// reader returns the connection's read buffer on nc, taking one from the
// pool when the connection gave its own back.
func (c *Conn) reader(nc net.Conn) *bufio.Reader {
	if c.br == nil {
		c.br = readers.Get().(*bufio.Reader)
		c.br.Reset(nc)
	}
	return c.br
}

// releaseReader gives the read buffer back to the pool when it holds no
// byte, which is so between a finished response and the next one (bytes
// buffered then are unsolicited, and dropStaleConn must see them). The
// next response takes a buffer again; nothing is lost, since a buffer
// with nothing in it has no state but its reader.
func (c *Conn) releaseReader() {
	if br := c.br; br != nil && br.Buffered() == 0 {
		c.br = nil
		putReader(br)
	}
}

// putReader returns a read buffer nobody reads from any more to the pool.
func putReader(br *bufio.Reader) {
	br.Reset(nil)
	readers.Put(br)
}

// dialChain builds the dialer chain and the address to dial. Layers wrap
// layers: there is no switch over kinds of proxy.
func (c *Conn) dialChain() (d transport.Dialer, address string) {
	d = c.cfg.dialer
	if d == nil {
		nd := &net.Dialer{}
		if c.cfg.sourceAddr != nil {
			nd.LocalAddr = c.cfg.sourceAddr
		}
		d = nd
	}
	address = joinHostPort(c.target.host, c.target.port)
	if c.tunnel != nil {
		c.mu.Lock()
		c.proxyHeader = nil
		c.mu.Unlock()
		d = &transport.Tunnel{
			Base:       d,
			Proxy:      address,
			Header:     c.tunnelHeader,
			Limits:     &c.limits,
			OnResponse: c.onProxyResponse,
		}
		address = joinHostPort(c.tunnel.host, c.tunnel.port)
	}
	if c.useTLS {
		d = &transport.TLS{Base: d, Config: c.cfg.tlsConfig}
	}
	return d, address
}

func (c *Conn) onProxyResponse(code int, reason string, h message.Header) {
	if h == nil {
		h = message.Header{}
	}
	c.mu.Lock()
	c.proxyHeader = h
	c.mu.Unlock()
	if c.debugLevel > 0 {
		for _, f := range h {
			c.debugf("header: %s: %s\n", f.Name, f.Value)
		}
	}
}
