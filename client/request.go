package client

import (
	"context"
	"io"
	"iter"
	"net"
	"strconv"

	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/message"
	"github.com/httpstack/httpstack/wire"
)

// Request sends a request: the request line, the headers and the body
// (Python's request). It is PutRequest, PutHeader for each field and
// EndHeaders, with http.client's header rules (reference §1):
//
//   - Host and "Accept-Encoding: identity" are added first unless header
//     carries them (any case); then Content-Length or Transfer-Encoding;
//     then header's fields in order, names in the caller's case.
//   - If header has Content-Length, the body is sent as it is. Else if it
//     has Transfer-Encoding, the body is chunk-encoded only with
//     [EncodeChunked]. Else the framing follows the body: nil gives
//     "Content-Length: 0" for POST, PUT and PATCH (any case) and nothing
//     for other methods; a string or []byte gives its length; an io.Reader
//     or an iter.Seq[[]byte] (a plain func(yield func([]byte) bool) too)
//     is sent chunked, Blocksize bytes at a time for a reader, empty
//     pieces skipped.
//
// Everything is validated before the first byte is written: a bad method
// is ErrInvalidMethod, a bad target *InvalidURLError, a bad field
// *HeaderError and an unsupported body type ErrInvalidBody, and after any
// of them the connection is Idle again with nothing buffered. The head is
// written in one Write, together with a string or []byte body of up to
// 16 KiB; a larger one takes a second Write, a chunked body one Write per
// chunk and one for the last chunk. A connect failure also leaves the
// connection Idle.
func (c *Conn) Request(ctx context.Context, method, target string, body any, header message.Header, opts ...RequestOption) (err error) {
	c.enter()
	defer c.exit(&err)
	rc := applyRequestOptions(opts)
	var pc putRequestConfig
	hasCL, hasTE := false, false
	for _, f := range header {
		switch {
		case wire.EqualFold(f.Name, "host"):
			pc.skipHost = true
		case wire.EqualFold(f.Name, "accept-encoding"):
			pc.skipAcceptEncoding = true
		case wire.EqualFold(f.Name, "content-length"):
			hasCL = true
		case wire.EqualFold(f.Name, "transfer-encoding"):
			hasTE = true
		}
	}
	if err := checkBody(body); err != nil {
		return err
	}
	if err := c.putRequest(method, target, pc); err != nil {
		return err
	}
	chunked := false
	switch {
	case hasCL:
	case hasTE:
		chunked = rc.encodeChunked
	default:
		switch b := body.(type) {
		case nil:
			if methodExpectsBody(method) {
				c.buf = append(c.buf, "Content-Length: 0\r\n"...)
			}
		case string:
			c.buf = appendContentLength(c.buf, len(b))
		case []byte:
			c.buf = appendContentLength(c.buf, len(b))
		default:
			if c.debugLevel > 0 {
				c.debugf("Unable to determine size of %T\n", body)
			}
			c.buf = append(c.buf, "Transfer-Encoding: chunked\r\n"...)
			chunked = true
		}
	}
	for _, f := range header {
		if err := c.putHeader(f.Name, f.Value); err != nil {
			return err
		}
	}
	return c.endHeaders(ctx, body, chunked)
}

// PutRequest starts a request: it buffers the request line and, unless
// told otherwise with [SkipHost] and [SkipAcceptEncoding], the Host and
// "Accept-Encoding: identity" headers (Python's putrequest). It is an
// error unless the connection is Idle (*StateError matching
// ErrCannotSendRequest). A bad method or target is refused before the
// state changes.
func (c *Conn) PutRequest(method, target string, opts ...PutRequestOption) (err error) {
	c.enter()
	defer c.exit(&err)
	var pc putRequestConfig
	for _, o := range opts {
		o(&pc)
	}
	return c.putRequest(method, target, pc)
}

func (c *Conn) putRequest(method, target string, pc putRequestConfig) error {
	if c.pending != nil && c.pending.bodyDone() {
		c.pending = nil
	}
	if c.state != stateIdle {
		return &errors.StateError{Kind: errors.ErrCannotSendRequest, State: c.state.String()}
	}
	buf, err := wire.AppendRequestLine(c.buf[:0], method, target, wire.Version11)
	if err != nil {
		return err
	}
	if !pc.skipHost {
		buf = append(buf, "Host: "...)
		if netloc := absoluteNetloc(target); netloc != "" {
			buf = append(buf, netloc...)
		} else {
			buf = append(buf, c.hostValue...)
		}
		buf = append(buf, "\r\n"...)
	}
	if !pc.skipAcceptEncoding {
		buf = append(buf, "Accept-Encoding: identity\r\n"...)
	}
	c.buf = buf
	c.method = method
	if target == "" {
		target = "/"
	}
	c.url = target
	c.startRequest()
	return nil
}

// PutHeader buffers one header field (Python's putheader). Several values
// are sent as continuation lines ("Name: v1\r\n\tv2"), as Python does; no
// value sends "Name: ". The name must be an RFC 9110 token and no value
// may hold CR, LF, NUL or other control bytes (stricter than Python, which
// lets obs-fold through): a bad field is *HeaderError and abandons the
// request, so nothing half-built is ever sent. It is an error unless a
// request was started (*StateError matching ErrCannotSendHeader).
func (c *Conn) PutHeader(name string, values ...string) (err error) {
	c.enter()
	defer c.exit(&err)
	return c.putHeader(name, values...)
}

func (c *Conn) putHeader(name string, values ...string) error {
	if c.state != stateReqStarted {
		return &errors.StateError{Kind: errors.ErrCannotSendHeader}
	}
	buf, err := wire.AppendField(c.buf, name, values...)
	if err != nil {
		c.abandonRequest()
		return err
	}
	c.buf = buf
	return nil
}

// EndHeaders ends the head and sends it, followed by body if it is not
// nil (Python's endheaders). The connection is dialled first if needed.
// body is a string, []byte, io.Reader or iter.Seq[[]byte]; with
// [EncodeChunked] it is sent with chunked framing (the caller's headers
// must say so), otherwise as it is; a nil body with EncodeChunked is an
// empty chunked body, "0\r\n\r\n" (Python sends nothing, leaving the
// message unterminated). It is an error unless a request was started
// (*StateError matching ErrCannotSendHeader).
func (c *Conn) EndHeaders(ctx context.Context, body any, opts ...RequestOption) (err error) {
	c.enter()
	defer c.exit(&err)
	rc := applyRequestOptions(opts)
	if c.state != stateReqStarted {
		return &errors.StateError{Kind: errors.ErrCannotSendHeader}
	}
	if err := checkBody(body); err != nil {
		c.abandonRequest()
		return err
	}
	return c.endHeaders(ctx, body, rc.encodeChunked)
}

// Send writes data on the connection, dialling first if needed (Python's
// send). data is a string, []byte, io.Reader (read Blocksize bytes at a
// time, one Write per block) or iter.Seq[[]byte] (one Write per non-empty
// piece), written as it is. It works in any state and neither changes the
// request state nor touches a head being built: it is the low-level way
// to send a body after EndHeaders.
func (c *Conn) Send(ctx context.Context, data any) (err error) {
	c.enter()
	defer c.exit(&err)
	if err := checkBody(data); err != nil {
		return err
	}
	if s, ok := data.(string); ok {
		// writeBody would copy a string into c.buf, which may hold the
		// head of a request being built.
		data = []byte(s)
	}
	nc, err := c.connect(ctx)
	if err != nil {
		return err
	}
	g := c.arm(ctx, nc)
	err = c.writeBody(&g, nc, data, false)
	if g.disarm() && err == nil {
		err = ioError(ctx, "send", ctx.Err())
	}
	return err
}

// maxCoalesce is the largest body written together with the head in one
// Write.
const maxCoalesce = 16 << 10

// endHeaders terminates the head, connects and writes head and body.
func (c *Conn) endHeaders(ctx context.Context, body any, chunked bool) error {
	c.buf = append(c.buf, "\r\n"...)
	c.requestSent()
	nc := c.dropStaleConn()
	var err error
	if nc == nil {
		nc, err = c.connect(ctx)
	}
	if err != nil {
		c.abandonRequest()
		c.dropConn()
		return err
	}
	g := c.arm(ctx, nc)
	err = c.writeHead(&g, nc, body, chunked)
	if g.disarm() {
		c.abandonRequest()
		c.dropConn()
		if err == nil {
			err = ioError(ctx, "send", ctx.Err())
		}
		return err
	}
	if err != nil && ctx.Err() != nil {
		c.abandonRequest()
		c.dropConn()
	}
	// Otherwise the state stays Request-sent even after a write error, so
	// that GetResponse can still read an early answer such as a 401, as
	// Python allows (reference §2.1).
	return err
}

// writeHead writes the buffered head and the body.
func (c *Conn) writeHead(g *guard, nc net.Conn, body any, chunked bool) error {
	head := c.buf
	// A small body of known length goes out with the head in one Write.
	if !chunked {
		switch b := body.(type) {
		case []byte:
			if len(b) <= maxCoalesce {
				head = append(head, b...)
				body = nil
			}
		case string:
			if len(b) <= maxCoalesce {
				head = append(head, b...)
				body = nil
			}
		}
	}
	c.buf = head[:0]
	if err := c.write(g, nc, head); err != nil {
		return err
	}
	if body == nil && !chunked {
		return nil
	}
	// A nil body with chunked framing is an empty body: the last chunk
	// alone keeps the message well-formed (Python sends nothing).
	return c.writeBody(g, nc, body, chunked)
}

// writeBody writes a body, chunk-encoded if chunked.
func (c *Conn) writeBody(g *guard, nc net.Conn, body any, chunked bool) error {
	if f, ok := body.(func(func([]byte) bool)); ok {
		body = iter.Seq[[]byte](f)
	}
	switch b := body.(type) {
	case nil:
	case []byte:
		if err := c.writeBlock(g, nc, b, chunked); err != nil {
			return err
		}
	case string:
		if chunked {
			if err := c.writeBlock(g, nc, []byte(b), true); err != nil {
				return err
			}
		} else if err := c.write(g, nc, append(c.buf[:0], b...)); err != nil {
			return err
		}
	case io.Reader:
		if c.debugLevel > 0 {
			c.debugf("reading a readable\n")
		}
		block := make([]byte, c.cfg.blocksize)
		for {
			n, rerr := b.Read(block)
			if n > 0 {
				if err := c.writeBlock(g, nc, block[:n], chunked); err != nil {
					return err
				}
			}
			if rerr == io.EOF {
				break
			}
			if rerr != nil {
				return errors.Wrap(rerr, "http: reading request body")
			}
		}
	case iter.Seq[[]byte]:
		if err := c.writeSeq(*g, nc, b, chunked); err != nil {
			return err
		}
	}
	if chunked {
		return c.write(g, nc, append(c.buf[:0], "0\r\n\r\n"...))
	}
	return nil
}

// writeSeq writes the pieces of an iterator body. It takes the guard by
// value: the closure handed to the iterator would otherwise move every
// request's guard to the heap.
func (c *Conn) writeSeq(g guard, nc net.Conn, seq iter.Seq[[]byte], chunked bool) error {
	var err error
	seq(func(p []byte) bool {
		if len(p) == 0 {
			if c.debugLevel > 0 {
				c.debugf("Zero length chunk ignored\n")
			}
			return true
		}
		err = c.writeBlock(&g, nc, p, chunked)
		return err == nil
	})
	return err
}

// applyRequestOptions collects opts. Without options it allocates
// nothing (the config would escape through the option functions).
func applyRequestOptions(opts []RequestOption) requestConfig {
	if len(opts) == 0 {
		return requestConfig{}
	}
	rc := new(requestConfig)
	for _, o := range opts {
		o(rc)
	}
	return *rc
}

// writeBlock writes p, as one chunk if chunked (empty p writes nothing).
func (c *Conn) writeBlock(g *guard, nc net.Conn, p []byte, chunked bool) error {
	if !chunked {
		return c.write(g, nc, p)
	}
	if len(p) == 0 {
		return nil
	}
	c.buf = wire.AppendChunk(c.buf[:0], p)
	return c.write(g, nc, c.buf)
}

// write performs exactly one Write of p, reporting it to the debug output
// and the trace.
func (c *Conn) write(g *guard, nc net.Conn, p []byte) error {
	if c.debugLevel > 0 {
		c.debugf("send: %s\n", quote(p))
	}
	if t := c.cfg.trace; t != nil && t.Send != nil {
		t.Send(p)
	}
	c.beforeIO(g, nc)
	if _, err := nc.Write(p); err != nil {
		return ioError(g.ctx, "send", err)
	}
	return nil
}

// checkBody refuses body types the connection cannot send, before anything
// is written (Python sends the head and then raises TypeError).
func checkBody(body any) error {
	switch body.(type) {
	case nil, string, []byte, io.Reader, iter.Seq[[]byte], func(func([]byte) bool):
		return nil
	}
	return errors.Wrapf(errors.ErrInvalidBody, "http: body must be string, []byte, io.Reader or iter.Seq[[]byte], got %T", body)
}

// methodExpectsBody reports whether a request without a body still gets
// "Content-Length: 0" (Python's _METHODS_EXPECTING_BODY, any case).
func methodExpectsBody(m string) bool {
	return wire.EqualFold(m, "POST") || wire.EqualFold(m, "PUT") || wire.EqualFold(m, "PATCH")
}

func appendContentLength(dst []byte, n int) []byte {
	dst = append(dst, "Content-Length: "...)
	dst = strconv.AppendInt(dst, int64(n), 10)
	return append(dst, "\r\n"...)
}
