package client

import (
	"bufio"
	"context"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/message"
	"github.com/httpstack/httpstack/status"
	"github.com/httpstack/httpstack/transport"
	"github.com/httpstack/httpstack/wire"
)

// Response is the answer to one request, Python's HTTPResponse. Its body
// is read through [Response.Read] (Python's read/readinto) or
// [Response.WriteTo]; it is framed by Content-Length, chunked coding, the
// end of the connection, or has none, as RFC 9112 §6.3 decides.
//
// The body must be read to the end or the Response closed before the next
// response on the same connection can be read; [Conn.GetResponse] returns
// ErrResponseNotReady until then. The Header and Trailer stay valid after
// later requests.
type Response struct {
	// Status is the status code (Python's status).
	Status status.Code
	// Reason is the reason phrase as sent, without surrounding whitespace
	// (Python's reason).
	Reason string
	// Version is 10 for HTTP/1.0 and 11 for HTTP/1.1 (Python's version).
	Version int
	// Header holds the header fields in wire order with their names'
	// case (Python's msg and headers).
	Header message.Header
	// Trailer holds the trailer fields of a chunked body once it has been
	// read to the end; nil before that or without trailers. http.client
	// drops trailers.
	Trailer message.Header
	// URL is the request target of the request this answers (Python's
	// url, which http.client itself never sets).
	URL string
	// DebugLevel is the connection's debug level when the response was
	// read (Python's debuglevel).
	DebugLevel int

	// fields backs Header for responses with few fields, saving an
	// allocation per response.
	fields [responseFields]message.Field

	framing wire.Framing
	left    int64 // FrameLength: bytes still to read
	br      *bufio.Reader
	nc      net.Conn
	conn    *Conn // the Conn holding nc while the response is pending
	cr      *wire.ChunkedReader
	g       guard
	timeout time.Duration
	err     error // sticky body error

	done     atomic.Bool // the body was read to the end (Python's isclosed)
	poisoned atomic.Bool // closed with its body unread: the socket is unusable
	aborted  atomic.Bool // Conn.Close closed the socket under it
	closed   bool        // Close was called (Python's closed)
	own      bool        // the response owns nc and closes it when done
}

// responseFields is how many header fields a Response holds without a
// separate allocation.
const responseFields = 16

// GetResponse reads the response to the request sent last (Python's
// getresponse). Interim 1xx responses other than 101 are skipped, up to
// [wire.Limits].MaxInterim, and reported to [Trace].Got1xxResponse. It is an
// error (ErrResponseNotReady) unless a request was sent and the previous
// response's body was read or closed.
//
// If the server closed the connection without answering, the error matches
// ErrRemoteDisconnected. Any error closes the socket and leaves the
// connection Idle, so the next request dials again (Python leaves it stuck
// in Request-sent for parse errors); an error never comes with a Response.
//
// ctx bounds reading the head and then the body: a context that is done
// fails the call before any I/O, and one that ends while the body is read
// makes Read fail with an *errors.IncompleteReadError that also matches
// the context's error.
func (c *Conn) GetResponse(ctx context.Context) (resp *Response, err error) {
	nc := c.enter()
	defer func() {
		c.exit(&err)
		if err != nil && resp != nil {
			// Close aborted the call after the head was read: the
			// response goes, and with it any socket it took.
			resp.Close()
			resp = nil
		}
	}()
	if p := c.pending; p != nil {
		if p.poisoned.Load() {
			c.pending = nil
			c.dropConn()
			if c.state == stateReqSent {
				c.responseStarted()
				return nil, errors.Wrap(errors.ErrNotConnected, "http: the previous response was closed unread, which closed the connection")
			}
		} else if !p.bodyDone() {
			return nil, &errors.StateError{Kind: errors.ErrResponseNotReady, State: c.state.String()}
		}
		c.pending = nil
	}
	if c.state != stateReqSent {
		return nil, &errors.StateError{Kind: errors.ErrResponseNotReady, State: c.state.String()}
	}
	if nc == nil {
		c.responseStarted()
		return nil, &errors.StateError{Kind: errors.ErrNotConnected, State: c.state.String()}
	}
	if cerr := ctx.Err(); cerr != nil {
		// Fail before any I/O, as connect does; the unread response
		// makes the socket useless.
		c.responseStarted()
		c.dropConn()
		return nil, errors.Wrap(cerr, "http: getresponse")
	}
	g := c.arm(ctx, nc)
	resp, err = c.readResponse(&g, nc)
	c.responseStarted()
	if err != nil {
		fired := g.disarm()
		c.dropConn()
		if fired || ctxErr(ctx) != nil {
			return nil, ioError(ctx, "getresponse", err)
		}
		return nil, err
	}
	return resp, nil
}

// readResponse reads the status line, skips interim responses and reads
// the header block, then decides the framing.
func (c *Conn) readResponse(g *guard, nc net.Conn) (*Response, error) {
	br := c.reader(nc)
	var sl wire.StatusLine
	for interim := 0; ; interim++ {
		c.beforeIO(g, nc)
		var err error
		sl, err = wire.ReadStatusLine(br, &c.limits)
		if err != nil {
			return nil, statusLineError(err)
		}
		if interim == 0 {
			if t := c.cfg.trace; t != nil && t.GotFirstResponseByte != nil {
				t.GotFirstResponseByte()
			}
		}
		if c.debugLevel > 0 {
			c.debugf("reply: %s\n", quoteStatusLine(sl))
		}
		if sl.Code >= 200 || sl.Code == 101 {
			break
		}
		if interim >= c.limits.MaxInterim {
			return nil, errors.Wrapf(errors.ErrTooManyInterim, "http: got more than %d interim responses", c.limits.MaxInterim)
		}
		code := sl.Code
		h, err := c.readHeader(g, nc, br)
		if err != nil {
			return nil, err
		}
		if c.debugLevel > 0 {
			c.debugf("headers: %s\n", quoteFields(h))
		}
		if t := c.cfg.trace; t != nil && t.Got1xxResponse != nil {
			t.Got1xxResponse(code, h)
		}
	}
	r := &Response{
		Status:     status.Code(sl.Code),
		Version:    int(sl.Version),
		URL:        c.url,
		DebugLevel: c.debugLevel,
		br:         br,
		nc:         nc,
		timeout:    c.cfg.timeout,
	}
	if len(sl.Reason) > 0 {
		// The usual phrase is shared instead of copied.
		if text := status.Text(sl.Code); string(sl.Reason) == text {
			r.Reason = text
		} else {
			r.Reason = string(sl.Reason)
		}
	}
	h, err := c.readHeaderInto(g, nc, br, r.fields[:0])
	if err != nil {
		return nil, err
	}
	r.Header = h
	if c.debugLevel > 0 {
		for _, f := range h {
			c.debugf("header: %s: %s\n", f.Name, f.Value)
		}
	}
	var teBuf, clBuf [2]string
	hs := summarize(h, teBuf[:0], clBuf[:0])
	fr, err := wire.BodyFraming(c.method, sl.Code, hs.te, hs.cl, &c.limits)
	if err != nil {
		return nil, err
	}
	if len(hs.te) > 0 && sl.Version == wire.Version10 {
		// RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding has
		// faulty framing; it is processed, then the connection closes.
		fr.Close = true
	}
	r.framing = fr
	r.left = fr.Length
	r.g = *g
	if willClose(r.Version, sl.Code, &hs, fr) {
		// The response takes the socket; the connection dials again next
		// time (Python's will_close).
		r.own = true
		c.detachConn()
	} else {
		r.conn = c
		c.pending = r
	}
	switch fr.Kind {
	case wire.FrameChunked:
		if r.own || c.cr == nil {
			r.cr = wire.NewChunkedReader(br, &c.limits)
			if !r.own {
				c.cr = r.cr
			}
		} else {
			r.cr = c.cr
			r.cr.Reset(br, &c.limits)
		}
	case wire.FrameNone:
		// Nothing more to read: stop watching the context now. The body
		// still counts as unread until Read or Close, as in Python.
		r.g.release(nc)
		if r.own {
			r.nc.Close()
		}
	}
	return r, nil
}

// readHeader reads one header block into a new Header.
func (c *Conn) readHeader(g *guard, nc net.Conn, br *bufio.Reader) (message.Header, error) {
	return c.readHeaderInto(g, nc, br, nil)
}

// readHeaderInto reads one header block into dst's array when it has room.
func (c *Conn) readHeaderInto(g *guard, nc net.Conn, br *bufio.Reader, dst message.Header) (message.Header, error) {
	c.beforeIO(g, nc)
	h, err := c.hb.ReadBlock(br, &c.limits, false, dst)
	if err != nil {
		return nil, headerError(err)
	}
	return h, nil
}

// headSummary is what the framing and keep-alive rules need from a
// response's header, gathered in one pass over its fields.
type headSummary struct {
	te, cl        []string // the Transfer-Encoding and Content-Length values
	connClose     bool     // a Connection field lists "close"
	connKeepAlive bool     // a Connection or Proxy-Connection field lists "keep-alive"
	keepAlive     bool     // the first Keep-Alive field is not empty
}

// summarize reads h once for [headSummary], appending the framing values
// to te and cl (with small arrays behind them it allocates nothing).
func summarize(h message.Header, te, cl []string) headSummary {
	s := headSummary{te: te, cl: cl}
	keepAliveSeen := false
	for _, f := range h {
		// The names' lengths tell the few that matter from the rest.
		switch len(f.Name) {
		case len("Content-Length"):
			if wire.EqualFold(f.Name, "Content-Length") {
				s.cl = append(s.cl, f.Value)
			}
		case len("Transfer-Encoding"):
			if wire.EqualFold(f.Name, "Transfer-Encoding") {
				s.te = append(s.te, f.Value)
			}
		case len("Connection"): // and Keep-Alive, as long
			switch {
			case wire.EqualFold(f.Name, "Connection"):
				closing, keepAlive := connectionTokens(f.Value)
				s.connClose = s.connClose || closing
				s.connKeepAlive = s.connKeepAlive || keepAlive
			case !keepAliveSeen && wire.EqualFold(f.Name, "Keep-Alive"):
				keepAliveSeen = true
				s.keepAlive = f.Value != ""
			}
		case len("Proxy-Connection"):
			if wire.EqualFold(f.Name, "Proxy-Connection") {
				_, keepAlive := connectionTokens(f.Value)
				s.connKeepAlive = s.connKeepAlive || keepAlive
			}
		}
	}
	return s
}

// statusLineError maps the end of the stream before a status line to
// ErrRemoteDisconnected (Python's RemoteDisconnected).
func statusLineError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) {
		return errors.Join(errors.Wrap(errors.ErrRemoteDisconnected, "http: reading status line"), err)
	}
	return err
}

// headerError marks the end of the stream inside a header block.
func headerError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.Join(errors.Wrap(errors.ErrRemoteDisconnected, "http: connection closed inside the response head"), err)
	}
	return err
}

// willClose decides whether the connection must close after this
// response (reference §2.5, with RFC 9110 §7.6.1 token matching instead of
// Python's substring test on the first Connection field only).
func willClose(version, code int, hs *headSummary, fr wire.Framing) bool {
	if fr.Close || fr.Kind == wire.FrameUntilClose || fr.Kind == wire.FrameTunnel || code == 101 {
		return true
	}
	if hs.connClose {
		return true
	}
	if version == 11 {
		return false
	}
	// HTTP/1.0 closes unless the server asks to keep the connection.
	return !hs.keepAlive && !hs.connKeepAlive
}

// connectionTokens reports whether the comma-separated list v holds the
// tokens "close" and "keep-alive" (ASCII case-insensitive).
func connectionTokens(v string) (closing, keepAlive bool) {
	for v != "" {
		var item string
		item, v = wire.CutListElement(v)
		closing = closing || wire.EqualFold(item, "close")
		keepAlive = keepAlive || wire.EqualFold(item, "keep-alive")
	}
	return closing, keepAlive
}

// bodyDone reports whether the body was read to the end or the response
// closed (Python's isclosed).
func (r *Response) bodyDone() bool { return r.done.Load() }

// detach is called by Conn.Close: the socket under a pending response is
// gone, so later reads fail instead of returning a short body (a response
// without a body still reads as empty).
func (r *Response) detach() { r.aborted.Store(true) }

// Read reads body bytes into p (Python's readinto; read(amt) is Read with
// a buffer of amt bytes). It returns io.EOF at the end of the body. A body
// that ends early is an *errors.IncompleteReadError: every byte that
// arrived was already returned by this or an earlier Read (the buffered
// reader hands data over before it reports the end, so Partial, the bytes
// of the failing call, is normally empty and never holds anything not also
// counted in n), and Expected holds the bytes still missing, or -1 for a
// chunked or otherwise unknown remainder. Malformed chunked framing fails with the
// decoder's error (ErrInvalidChunk, ErrLineTooLong, ErrTooManyHeaders).
// Any body error is sticky and closes the socket. After [Conn.Close], the
// body of a pending response can't be read any more (a response without
// a body still reads as empty).
func (r *Response) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if r.closed || r.done.Load() {
		return 0, io.EOF
	}
	if r.aborted.Load() && !r.own && r.framing.Kind != wire.FrameNone {
		return 0, r.fail(errors.Wrap(net.ErrClosed, "http: connection closed while reading the response body"))
	}
	if len(p) == 0 {
		return 0, nil
	}
	switch r.framing.Kind {
	case wire.FrameLength:
		return r.readLength(p)
	case wire.FrameChunked:
		return r.readChunked(p)
	case wire.FrameUntilClose, wire.FrameTunnel:
		return r.readUntilClose(p)
	default:
		r.finish()
		return 0, io.EOF
	}
}

func (r *Response) readLength(p []byte) (int, error) {
	if r.left == 0 {
		r.finish()
		return 0, io.EOF
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	r.beforeRead()
	n, err := r.br.Read(p)
	r.left -= int64(n)
	if r.left == 0 {
		r.finish()
		return n, nil
	}
	if err != nil {
		if err == io.EOF {
			return n, r.fail(&errors.IncompleteReadError{Partial: clone(p[:n]), Expected: r.left, Err: io.ErrUnexpectedEOF})
		}
		return n, r.fail(r.netError(err, p[:n], r.left))
	}
	return n, nil
}

func (r *Response) readChunked(p []byte) (int, error) {
	r.beforeRead()
	n, err := r.cr.Read(p)
	if err == io.EOF {
		if t := r.cr.Trailer(); len(t) > 0 {
			r.Trailer = message.Header(t)
		}
		// A line longer than the read buffer made the chunked reader
		// take what followed the body out of it; those bytes can't be
		// put back, so the socket can't serve the next response.
		spoiled := !r.own && len(r.cr.Leftover()) > 0
		r.finish()
		if spoiled {
			r.dropConn()
		}
		if n > 0 {
			return n, nil
		}
		return 0, io.EOF
	}
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return n, r.fail(&errors.IncompleteReadError{Partial: clone(p[:n]), Expected: -1, Err: err})
		}
		if errors.Is(err, errors.ErrHTTP) {
			return n, r.fail(err)
		}
		return n, r.fail(r.netError(err, p[:n], -1))
	}
	return n, nil
}

func (r *Response) readUntilClose(p []byte) (int, error) {
	r.beforeRead()
	n, err := r.br.Read(p)
	if err == io.EOF && transport.EndedWithoutCloseNotify(r.nc) {
		// Over TLS the body ends with close_notify; a bare end of the
		// TCP stream may be an attacker's truncation (RFC 8446 §6.1).
		return n, r.fail(&errors.IncompleteReadError{Partial: clone(p[:n]), Expected: -1,
			Err: errors.Wrap(io.ErrUnexpectedEOF, "http: TLS connection closed without close_notify")})
	}
	if err == io.EOF {
		r.finish()
		if n > 0 {
			return n, nil
		}
		return 0, io.EOF
	}
	if err != nil {
		return n, r.fail(r.netError(err, p[:n], -1))
	}
	return n, nil
}

// netError wraps a network error met while reading the body. A reset
// connection is an incomplete read; a context that ended is reported as
// such.
func (r *Response) netError(err error, got []byte, expected int64) error {
	if cerr := ctxErr(r.g.ctx); cerr != nil {
		return errors.Join(&errors.IncompleteReadError{Partial: clone(got), Expected: expected, Err: err}, cerr)
	}
	return &errors.IncompleteReadError{Partial: clone(got), Expected: expected, Err: err}
}

// beforeRead applies WithTimeout to the next read.
func (r *Response) beforeRead() {
	if r.timeout > 0 {
		dl := time.Now().Add(r.timeout)
		if cdl := r.g.deadline(); !cdl.IsZero() && cdl.Before(dl) {
			dl = cdl
		}
		r.nc.SetReadDeadline(dl)
	}
}

// finish marks the body read to the end: a kept-alive socket becomes
// reusable, an owned one is closed.
func (r *Response) finish() {
	if r.done.Load() {
		return
	}
	r.g.release(r.nc)
	r.done.Store(true)
	r.cr = nil
	if r.own {
		r.nc.Close()
		putReader(r.br) // it was the response's alone
	} else if c := r.conn; c != nil && c.br == r.br {
		c.releaseReader()
	}
	r.br = nil // a finished body never reads again
}

// fail records a body error: the socket can't be trusted any more.
func (r *Response) fail(err error) error {
	r.err = err
	r.poison()
	return err
}

// poison closes the socket of a body that failed or was abandoned unread,
// whose remaining bytes could otherwise be taken for the next response.
func (r *Response) poison() {
	r.g.disarm()
	r.poisoned.Store(true)
	r.done.Store(true)
	r.dropConn()
}

// dropConn closes the socket and makes the Conn forget it at once, so
// that its next request dials again instead of writing on a closed
// socket.
func (r *Response) dropConn() {
	if r.conn != nil {
		r.conn.forgetConn(r.nc)
	}
	r.nc.Close()
}

// forgetConn makes the Conn drop nc, if it still holds it, without
// touching the request state: a Response calls it when it closes the
// socket it shared with the Conn.
func (c *Conn) forgetConn(nc net.Conn) {
	c.mu.Lock()
	if c.nc == nc {
		c.nc = nil
	}
	c.mu.Unlock()
}

// WriteTo writes the rest of the body to w (io.WriterTo), so that
// io.Copy streams it without a buffer of its own. The part of a
// Content-Length body already buffered is handed to w without a copy;
// the rest goes through one 32 KiB buffer. It returns the bytes written
// and the first error: the body's, as Read returns it, w's, or
// io.ErrShortWrite when w accepts fewer bytes than given without one.
func (r *Response) WriteTo(w io.Writer) (int64, error) {
	var total int64
	if r.framing.Kind == wire.FrameLength && !r.closed && r.err == nil && !(r.aborted.Load() && !r.own) {
		for r.left > 0 && r.br.Buffered() > 0 {
			k := r.br.Buffered()
			if int64(k) > r.left {
				k = int(r.left)
			}
			b, _ := r.br.Peek(k)
			n, err := w.Write(b)
			r.br.Discard(n)
			r.left -= int64(n)
			total += int64(n)
			if err == nil && n < len(b) {
				err = io.ErrShortWrite
			}
			if err != nil {
				return total, err
			}
		}
	}
	if r.framing.Kind == wire.FrameLength && r.left == 0 && r.err == nil && !r.closed {
		// The whole body was buffered: no copy buffer is needed.
		r.finish()
		return total, nil
	}
	bp := copyBufs.Get().(*[32 << 10]byte)
	defer copyBufs.Put(bp)
	buf := bp[:]
	for {
		n, err := r.Read(buf)
		if n > 0 {
			m, werr := w.Write(buf[:n])
			total += int64(m)
			if werr == nil && m < n {
				werr = io.ErrShortWrite
			}
			if werr != nil {
				return total, werr
			}
		}
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// copyBufs holds WriteTo's copy buffers, so that streaming a body does
// not allocate per call.
var copyBufs = sync.Pool{New: func() any { return new([32 << 10]byte) }}

// Close closes the response (Python's close). If the body was not read to
// the end, the rest of a Content-Length body on a kept-alive connection
// is discarded when it is already buffered, and the connection stays
// usable; any other unread body closes the socket, so that its bytes are
// never taken for the next response (Python leaves them to be misparsed),
// and the Conn dials again for its next request. Close always returns
// nil.
func (r *Response) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	if r.done.Load() {
		return nil
	}
	switch {
	case r.framing.Kind == wire.FrameNone:
		r.finish()
	case r.aborted.Load() && !r.own:
		// Conn.Close took the socket, and the read buffer may already
		// serve the Conn's next one: leave it alone.
		r.poison()
	case r.framing.Kind == wire.FrameLength && !r.own && r.left <= int64(r.br.Buffered()):
		r.br.Discard(int(r.left))
		r.left = 0
		r.finish()
	default:
		r.poison()
	}
	return nil
}

// Closed reports whether Close was called (Python's closed).
func (r *Response) Closed() bool { return r.closed }

// IsClosed reports whether the body was read to the end or the response
// closed (Python's isclosed).
func (r *Response) IsClosed() bool { return r.closed || r.done.Load() }

// GetHeader returns the values of the named header field joined with ", ",
// or def when there is none (Python's getheader).
func (r *Response) GetHeader(name, def string) string {
	n := 0
	var first string
	for _, f := range r.Header {
		if wire.EqualFold(f.Name, name) {
			if n == 0 {
				first = f.Value
			}
			n++
		}
	}
	switch n {
	case 0:
		return def
	case 1:
		return first
	}
	var b []byte
	for _, f := range r.Header {
		if wire.EqualFold(f.Name, name) {
			if len(b) > 0 {
				b = append(b, ", "...)
			}
			b = append(b, f.Value...)
		}
	}
	return string(b)
}

// GetHeaders returns the header fields in wire order (Python's
// getheaders).
func (r *Response) GetHeaders() []message.Field { return r.Header }

// Fileno returns the socket's file descriptor (Python's fileno). It fails
// once the response is closed or when the connection has no descriptor
// (an in-memory or TLS connection exposes the underlying one where it
// can).
func (r *Response) Fileno() (uintptr, error) {
	if r.closed {
		return 0, errors.Wrap(errors.ErrNotConnected, "http: fileno on a closed response")
	}
	nc := r.nc
	for {
		if u, ok := nc.(interface{ NetConn() net.Conn }); ok {
			nc = u.NetConn()
			continue
		}
		break
	}
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return 0, errors.Wrapf(errors.ErrNotConnected, "http: %T has no file descriptor", nc)
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return 0, errors.Wrap(err, "http: fileno")
	}
	var fd uintptr
	if err := raw.Control(func(f uintptr) { fd = f }); err != nil {
		return 0, errors.Wrap(err, "http: fileno")
	}
	return fd, nil
}

// GetURL returns URL (Python's geturl).
//
// Deprecated: use the URL field.
func (r *Response) GetURL() string { return r.URL }

// Info returns Header (Python's info).
//
// Deprecated: use the Header field.
func (r *Response) Info() message.Header { return r.Header }

// GetCode returns Status (Python's getcode).
//
// Deprecated: use the Status field.
func (r *Response) GetCode() status.Code { return r.Status }

func clone(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return append([]byte(nil), b...)
}
