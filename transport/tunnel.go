package transport

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"

	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/message"
	"github.com/httpstack/httpstack/wire"
)

// Tunnel dials an HTTP proxy through Base and asks it, with CONNECT
// (RFC 9110 §9.3.6), for a tunnel to the address being dialled. It is
// Python's HTTPConnection.set_tunnel as a layer: stack a [TLS] on top of
// it for HTTPS through a proxy, or put it on top of a TLS for an HTTPS
// proxy:
//
//	// TCP → Tunnel → TLS
//	d := &TLS{Base: &Tunnel{Base: &net.Dialer{}, Proxy: "proxy:3128"}, Config: cfg}
//	// TCP → TLS → Tunnel → TLS (TLS to the proxy, then TLS to the origin)
//	d := &TLS{Base: &Tunnel{Base: &TLS{Base: &net.Dialer{}, Config: proxyCfg}, Proxy: "proxy:443"}, Config: cfg}
//
// The request is
//
//	CONNECT host:port HTTP/1.1\r\n
//	Host: host:port\r\n
//	<Header fields>\r\n
//	\r\n
//
// sent in exactly one Write, as CPython has done since bpo-43332. An IPv6
// host is bracketed in both places. The host, port and every header field
// are validated before anything is dialled or sent (gh-146211: CR/LF in a
// tunnel host or header was an injection vector).
//
// The reply is decoded with package wire under Limits. A 2xx status gives
// the tunnelled connection; any bytes the proxy sent after its reply head
// are the first bytes read from it (Python treats them as tunnel data
// too). Any other status closes the connection and returns
// *errors.TunnelError.
type Tunnel struct {
	// Base dials the proxy. It must not be nil.
	Base Dialer
	// Proxy is the proxy's host:port.
	Proxy string
	// Header holds extra CONNECT request fields, such as
	// Proxy-Authorization, sent in order after Host. A field named Host
	// (any case) replaces the automatic one and keeps the caller's
	// spelling, as in CPython 3.12+.
	Header message.Header
	// Limits bounds the proxy's reply; nil means wire.DefaultLimits.
	Limits *wire.Limits
	// OnResponse, if set, is called with the proxy's reply (status code,
	// reason phrase and header fields) once the reply head has been read,
	// whether the CONNECT succeeded or not, before DialContext or
	// Handshake returns. It is not called when the reply could not be
	// parsed. The header belongs to the callee.
	OnResponse func(code int, reason string, header message.Header)
}

// DialContext validates the CONNECT request for address (host:port),
// dials t.Proxy through t.Base with network, and runs [Tunnel.Handshake].
// Nothing is dialled when the request is invalid.
func (t *Tunnel) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	req, err := t.request(address)
	if err != nil {
		return nil, err
	}
	conn, err := t.Base.DialContext(ctx, network, t.Proxy)
	if err != nil {
		return nil, errors.Wrapf(err, "http: dialing proxy %s", t.Proxy)
	}
	return t.handshake(ctx, conn, req)
}

// Handshake runs CONNECT for address (host:port) over conn, an open
// connection to the proxy. It honours ctx's cancellation and deadline
// during the write and the read, and clears conn's deadlines before it
// returns. On any failure it closes conn; an invalid request is refused
// before anything is written (and conn is then left open).
//
// On success the returned conn reads first whatever the proxy sent after
// its reply head, then from conn; it has a ProxyHeader method returning
// the reply's header fields.
func (t *Tunnel) Handshake(ctx context.Context, conn net.Conn, address string) (net.Conn, error) {
	req, err := t.request(address)
	if err != nil {
		return nil, err
	}
	return t.handshake(ctx, conn, req)
}

// request builds and validates the whole CONNECT request head.
func (t *Tunnel) request(address string) ([]byte, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, &errors.InvalidURLError{URL: address, Reason: "tunnel target must be host:port"}
	}
	if err := checkTunnelHost(address, host, port); err != nil {
		return nil, err
	}
	authority := net.JoinHostPort(host, port)
	b := make([]byte, 0, 64+len(authority)*2+headerLen(t.Header))
	b, err = wire.AppendRequestLine(b, "CONNECT", authority, wire.Version11)
	if err != nil {
		return nil, err
	}
	if !t.Header.Has("Host") {
		if b, err = wire.AppendField(b, "Host", authority); err != nil {
			return nil, err
		}
	}
	for _, f := range t.Header {
		if b, err = wire.AppendField(b, f.Name, f.Value); err != nil {
			return nil, err
		}
	}
	return append(b, "\r\n"...), nil
}

func headerLen(h message.Header) int {
	n := 0
	for _, f := range h {
		n += len(f.Name) + len(f.Value) + 4
	}
	return n
}

// checkTunnelHost refuses a target that could not be sent safely: a host
// that is not a registered name or IP address of plain ASCII (IDNA is the
// caller's job; [wire.CheckHost] has the rule), or a port that is not a
// decimal number in 1..65535 ([wire.ParsePort]).
func checkTunnelHost(address, host, port string) error {
	if reason := wire.CheckHost(host, false); reason != "" {
		return &errors.InvalidURLError{URL: address, Reason: "tunnel " + reason}
	}
	if _, ok := wire.ParsePort(port); !ok {
		return &errors.InvalidURLError{URL: address, Reason: "nonnumeric or out-of-range port"}
	}
	return nil
}

// handshake writes req and reads the proxy's reply under ctx.
func (t *Tunnel) handshake(ctx context.Context, conn net.Conn, req []byte) (_ net.Conn, err error) {
	if err := ctx.Err(); err != nil {
		conn.Close()
		return nil, err
	}
	release := bindContext(ctx, conn)
	defer func() {
		release()
		if err != nil {
			conn.Close()
			err = contextError(ctx, err)
		}
	}()
	if _, err := conn.Write(req); err != nil {
		return nil, err
	}
	br := bufio.NewReader(conn)
	code, reason, header, err := t.readReply(br)
	if err != nil {
		return nil, err
	}
	if t.OnResponse != nil {
		t.OnResponse(code, reason, header)
	}
	if code < 200 || code > 299 {
		return nil, &errors.TunnelError{Status: code, Reason: reason}
	}
	tc := &tunnelConn{Conn: conn, header: header}
	if n := br.Buffered(); n > 0 {
		tc.pending = make([]byte, n)
		br.Read(tc.pending)
	} else {
		tc.drained.Store(true)
	}
	return tc, nil
}

// readReply decodes the proxy's status line and header block, copying
// what it keeps out of br's buffer.
func (t *Tunnel) readReply(br *bufio.Reader) (code int, reason string, header message.Header, err error) {
	sl, err := wire.ReadStatusLine(br, t.Limits)
	if err != nil {
		return 0, "", nil, cutReply(err)
	}
	code, reason = sl.Code, string(sl.Reason)
	err = wire.ReadHeaderBlock(br, t.Limits, false, func(name, value []byte) error {
		header = append(header, message.Field{Name: string(name), Value: string(value)})
		return nil
	})
	if err != nil {
		return 0, "", nil, cutReply(err)
	}
	return code, reason, header, nil
}

// cutReply makes a proxy that closed the connection before the end of its
// reply head an ErrRemoteDisconnected (keeping io.EOF or
// io.ErrUnexpectedEOF matchable); other errors pass unchanged.
func cutReply(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: %w", errors.ErrRemoteDisconnected, err)
	}
	return err
}
