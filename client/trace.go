package client

import (
	"crypto/tls"

	"github.com/httpstack/httpstack/message"
)

// Trace holds hooks that observe a connection; any of them may be nil.
// They run on the goroutine making the call and must not call back into
// the Conn. Connect and Send stand for Python's audit events
// http.client.connect and http.client.send.
type Trace struct {
	// Connect is called before every dial with the host and port given
	// to New, as [Conn.Host] and [Conn.Port] report them (ASCII after
	// IDNA, IPv6 without brackets); with a tunnel they are the proxy's.
	Connect func(host string, port int)
	// TLSHandshakeDone is called after a TLS handshake succeeded.
	TLSHandshakeDone func(state tls.ConnectionState)
	// Send is called with every block written, just before it is
	// written, each block being exactly one Write: the blocks joined are
	// the bytes of the requests and of Conn.Send on the wire, before any
	// TLS encryption. The CONNECT request of a tunnel is written by
	// transport.Tunnel and is not reported. data is only valid during the
	// call.
	Send func(data []byte)
	// GotFirstResponseByte is called when the first status line of a
	// response has been read.
	GotFirstResponseByte func()
	// Got1xxResponse is called for each interim response skipped before
	// the final one, 103 Early Hints among them.
	Got1xxResponse func(code int, header message.Header)
}
