// Package transport opens the connections an HTTP/1.1 client talks over:
// TCP, TLS, CONNECT tunnels through HTTP proxies, SOCKS5 proxies and Unix
// sockets.
//
// Every layer is a [Dialer], an interface with one context-first method,
// DialContext(ctx, network, address). Layers compose by wrapping: [TLS]
// and [Tunnel] each hold a Base Dialer, so a client builds its chain once
// and never switches over proxy kinds:
//
//	TCP                      &net.Dialer{}
//	TCP → TLS                &TLS{Base: &net.Dialer{}, Config: cfg}
//	TCP → Tunnel → TLS       &TLS{Base: &Tunnel{Base: &net.Dialer{}, Proxy: "proxy:3128"}, Config: cfg}
//	TCP → TLS → Tunnel → TLS &TLS{Base: &Tunnel{Base: &TLS{Base: &net.Dialer{}, Config: proxyCfg}, Proxy: "proxy:443"}, Config: cfg}
//	SOCKS5 → TLS             &TLS{Base: socksDialer, Config: cfg}
//
// The TCP layer is *net.Dialer itself; it satisfies Dialer as it is.
//
// Each wrapper also runs its handshake on a connection that is already
// open ([TLS.Handshake], [Tunnel.Handshake]), so tests can drive CONNECT
// and TLS over net.Pipe without a listener.
//
// This package owns dialing, the CONNECT exchange and the TLS handshake.
// It does not send requests or read responses: that is package client.
// CONNECT requests are encoded and replies decoded with package wire.
//
// References:
//   - [RFC 9110] §9.3.6 (CONNECT)
//   - [RFC 9112] §3.2.3 (authority-form)
//   - [RFC 7301] (ALPN)
//   - [RFC 1928], [RFC 1929] (SOCKS5 and its username/password method)
//
// # Errors
//
// A refused CONNECT returns *errors.TunnelError (matching
// errors.ErrTunnel); a malformed reply the wire package's typed errors; a
// proxy that closes before replying errors.ErrRemoteDisconnected, which
// also wraps io.EOF. An invalid tunnel host returns
// *errors.InvalidURLError and an invalid CONNECT header field
// *errors.HeaderError with Remote false, in both cases before anything is
// sent. TLS certificate failures pass through wrapped, so errors.As finds
// the crypto/x509 types; an unexpected ALPN protocol matches
// errors.ErrTLS. When ctx ends an operation the error matches
// context.Canceled or context.DeadlineExceeded.
//
// # Concurrency
//
// The dialers hold configuration only and may be used from several
// goroutines at once, provided their fields are not changed meanwhile.
// Cancelling ctx interrupts a blocked dial, write or read promptly;
// no goroutine outlives a call.
//
// [RFC 9110]: https://www.rfc-editor.org/rfc/rfc9110
// [RFC 9112]: https://www.rfc-editor.org/rfc/rfc9112
// [RFC 7301]: https://www.rfc-editor.org/rfc/rfc7301
// [RFC 1928]: https://www.rfc-editor.org/rfc/rfc1928
// [RFC 1929]: https://www.rfc-editor.org/rfc/rfc1929
package transport
