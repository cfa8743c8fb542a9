package transport

import (
	"context"
	"net"

	"golang.org/x/net/proxy"

	"github.com/httpstack/httpstack/errors"
)

// SOCKS5 returns a Dialer that reaches its targets through the SOCKS5
// proxy at proxyAddr (host:port), with optional username/password
// authentication (RFC 1928, RFC 1929), using golang.org/x/net/proxy.
// forward dials the proxy; nil means a zero net.Dialer. Target host names
// are sent to the proxy unresolved (socks5h semantics).
//
// The returned Dialer honours ctx during the dial and the SOCKS exchange.
// Stack a [TLS] on top of it for HTTPS.
func SOCKS5(proxyAddr string, auth *proxy.Auth, forward Dialer) (Dialer, error) {
	var fwd proxy.Dialer
	if forward != nil {
		fwd = forwardDialer{forward}
	}
	d, err := proxy.SOCKS5("tcp", proxyAddr, auth, fwd)
	if err != nil {
		return nil, err
	}
	cd, ok := d.(proxy.ContextDialer)
	if !ok {
		return nil, errors.Wrapf(errors.ErrHTTP, "http: SOCKS5 dialer %T has no DialContext", d)
	}
	return socksDialer{cd}, nil
}

// socksDialer makes the errors of x/net/proxy's dialer match ctx's error
// when ctx ended the exchange (proxy reports the I/O timeout it caused).
type socksDialer struct{ d proxy.ContextDialer }

func (s socksDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	c, err := s.d.DialContext(ctx, network, address)
	if err != nil {
		return nil, contextError(ctx, err)
	}
	return c, nil
}

// forwardDialer adapts a Dialer to x/net/proxy's Dialer and ContextDialer;
// proxy uses DialContext when it is present.
type forwardDialer struct{ d Dialer }

func (f forwardDialer) Dial(network, address string) (net.Conn, error) {
	return f.d.DialContext(context.Background(), network, address)
}

func (f forwardDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	return f.d.DialContext(ctx, network, address)
}
