package main

import (
	"crypto/tls"
	"io"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/httpstack/httpstack/client"
	"github.com/httpstack/httpstack/message"
	"github.com/httpstack/httpstack/transport"
	"github.com/httpstack/httpstack/wire"
)

// originConn is the one client.Conn httpc keeps per scheme, host and port.
type originConn struct {
	conn   *client.Conn
	rec    *recordDialer
	dialed bool // Trace.Connect ran during the last Connect
}

// originConn returns the connection for t's scheme, host and port,
// making it on first use. Without --raw it is client.New or client.NewTLS
// over the bottom dialer, with SetTunnel for --proxy. With --raw, httpc
// stacks the tunnel and TLS itself under a teeDialer, so that the bytes
// copied to stdout are the plaintext the client reads.
func (s *session) originConn(t *target) (*originConn, error) {
	if oc := s.conns[t.key]; oc != nil {
		return oc, nil
	}
	oc := &originConn{rec: &recordDialer{base: s.base}}
	trace := &client.Trace{
		Connect: func(host string, port int) {
			oc.dialed = true
			s.verbosef("Trying %s%s...", net.JoinHostPort(host, strconv.Itoa(port)), s.via)
		},
		TLSHandshakeDone: s.tlsDone,
	}
	if s.o.raw {
		trace.Send = func(p []byte) { s.stdout.Write(p) }
	}
	opts := []client.Option{
		client.WithTrace(trace),
		client.WithDebugOutput(s.stderr),
		client.WithTimeout(s.o.timeout),
	}
	var conn *client.Conn
	var err error
	if s.o.raw {
		var d transport.Dialer = oc.rec
		if s.o.proxy != "" {
			d = &transport.Tunnel{Base: d, Proxy: s.o.proxy, OnResponse: s.proxyReply}
		}
		if t.tls {
			d = &transport.TLS{Base: d, Config: s.tlsConf}
		}
		d = &teeDialer{base: d, w: s.stdout, onTLS: s.tlsDone}
		conn, err = client.New(t.host, append(opts, client.WithPort(t.port), client.WithDialer(d))...)
	} else {
		opts = append(opts, client.WithDialer(oc.rec))
		newConn := client.New
		if t.tls {
			newConn = client.NewTLS
			opts = append(opts, client.WithTLSConfig(s.tlsConf))
		}
		if s.o.proxy != "" {
			conn, err = newConn(s.o.proxy, opts...)
			if err == nil {
				err = conn.SetTunnel(t.host, t.port, nil)
			}
		} else {
			conn, err = newConn(t.host, append(opts, client.WithPort(t.port))...)
		}
	}
	if err != nil {
		return nil, failf(exitURL, err, "bad URL %q: %s", t.url, cause(err))
	}
	if s.o.verbose {
		conn.SetDebugLevel(1)
	}
	oc.conn = conn
	s.conns[t.key] = oc
	return oc, nil
}

// tlsDone notes a finished TLS handshake with -v.
func (s *session) tlsDone(st tls.ConnectionState) {
	if !s.o.verbose {
		return
	}
	peer := ""
	if len(st.PeerCertificates) > 0 {
		peer = ", certificate for " + strings.Join(certNames(st), ", ")
	}
	s.verbosef("TLS handshake done: %s, %s, ALPN %q%s", tls.VersionName(st.Version), tls.CipherSuiteName(st.CipherSuite), st.NegotiatedProtocol, peer)
}

// certNames lists the names the server's certificate is for.
func certNames(st tls.ConnectionState) []string {
	c := st.PeerCertificates[0]
	names := append([]string(nil), c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 {
		names = append(names, c.Subject.CommonName)
	}
	return names
}

// proxyReply notes the proxy's answer to CONNECT with -v (--raw mode; the
// client's debug transcript shows it otherwise).
func (s *session) proxyReply(code int, reason string, h message.Header) {
	s.verbosef("Proxy replied %d %s", code, reason)
	for _, f := range h {
		s.verbosef("Proxy header %s: %s", f.Name, f.Value)
	}
}

// method returns the request method for the flags given.
func (s *session) method() string {
	switch {
	case s.o.method != "":
		return s.o.method
	case s.o.head:
		return "HEAD"
	case s.data != nil:
		return "POST"
	case s.o.upload != "":
		return "PUT"
	}
	return "GET"
}

// fetch runs one request and writes its response.
func (s *session) fetch(i int, t *target) error {
	oc, err := s.originConn(t)
	if err != nil {
		return err
	}
	method := s.method()
	var resp *client.Response
	for attempt := 0; ; attempt++ {
		b, err := s.openBody()
		if err != nil {
			return err
		}
		var reused bool
		resp, reused, err = s.exchange(oc, t, method, b)
		b.close()
		if err == nil {
			break
		}
		if xe, ok := err.(*exitError); ok && reused && attempt == 0 && b.replayable && retryable(xe.err) {
			s.verbosef("Connection to %s died (%s); retrying on a new one", t.addr(), cause(xe.err))
			oc.conn.Close()
			continue
		}
		return err
	}
	return s.output(i, t, resp)
}

// exchange sends the request and reads the response head. reused reports
// whether it went out on a connection that was already open.
func (s *session) exchange(oc *originConn, t *target, method string, b *reqBody) (resp *client.Response, reused bool, err error) {
	oc.dialed = false
	oc.rec.lastErr = nil
	if err := oc.conn.Connect(s.ctx); err != nil {
		return nil, false, classify(phaseConnect, err, t, s.via, oc.rec.lastErr)
	}
	reused = !oc.dialed
	if reused {
		s.verbosef("Re-using connection to %s%s", t.addr(), s.via)
	} else {
		peer := ""
		if a := oc.rec.remote; a != nil && a.String() != t.addr() && a.String() != "" {
			peer = " (" + a.String() + ")"
		}
		s.verbosef("Connected to %s%s%s", t.addr(), peer, s.via)
	}
	if err := s.send(oc.conn, t, method, b); err != nil {
		if b.src != nil && b.src.err != nil {
			oc.conn.Close()
			return nil, reused, failf(exitRead, b.src.err, "couldn't read %s: %s", b.src.name, pathError(b.src.err))
		}
		if reused && retryable(err) {
			return nil, true, classify(phaseSend, err, t, s.via, nil)
		}
		// The server may have answered before it stopped reading the
		// request (a 413, say); the client keeps the connection in
		// Request-sent for this.
		if s.ctx.Err() == nil {
			if resp, rerr := oc.conn.GetResponse(s.ctx); rerr == nil {
				s.verbosef("The server answered before the whole request was sent (%s)", cause(err))
				return resp, reused, nil
			}
		}
		oc.conn.Close()
		return nil, reused, classify(phaseSend, err, t, s.via, nil)
	}
	resp, err = oc.conn.GetResponse(s.ctx)
	if err != nil {
		return nil, reused, classify(phaseResponse, err, t, s.via, nil)
	}
	return resp, reused, nil
}

// send writes the request with the low-level calls (Python's putrequest,
// putheader and endheaders), so that httpc decides every field and its
// order: the same bytes go out with and without --raw.
func (s *session) send(c *client.Conn, t *target, method string, b *reqBody) error {
	if err := c.PutRequest(method, t.reqTarget, client.SkipHost(), client.SkipAcceptEncoding()); err != nil {
		return err
	}
	h, chunked := s.requestHeader(t, method, b)
	for _, f := range h {
		if err := c.PutHeader(f.Name, f.Value); err != nil {
			return err
		}
	}
	var opts []client.RequestOption
	if chunked {
		opts = append(opts, client.EncodeChunked())
	}
	return c.EndHeaders(s.ctx, b.value, opts...)
}

// requestHeader returns the fields to send, in order: Host, User-Agent,
// Accept, Authorization (from user:pass@ in the URL), the body's framing
// and Content-Type, then the -H fields. A -H field replaces httpc's own
// field of the same name (any case). It also reports whether the body
// must be chunk-encoded.
func (s *session) requestHeader(t *target, method string, b *reqBody) (h message.Header, chunked bool) {
	user := s.o.header
	add := func(name, value string) {
		if !user.Has(name) {
			h = append(h, message.Field{Name: name, Value: value})
		}
	}
	add("Host", t.hostHeader)
	if s.o.userAgent != "" {
		add("User-Agent", s.o.userAgent)
	}
	add("Accept", "*/*")
	if t.auth != "" {
		add("Authorization", t.auth)
	}
	switch {
	case user.Has("Transfer-Encoding"):
		// The caller frames the body; chunk it if chunked is the final
		// coding, as Python's encode_chunked expects.
		chunked = finalCodingChunked(user.Values("Transfer-Encoding"))
	case user.Has("Content-Length"):
	case b.value != nil && b.size >= 0:
		h = append(h, message.Field{Name: "Content-Length", Value: strconv.FormatInt(b.size, 10)})
	case b.value != nil:
		h = append(h, message.Field{Name: "Transfer-Encoding", Value: "chunked"})
		chunked = true
	case methodExpectsBody(method):
		h = append(h, message.Field{Name: "Content-Length", Value: "0"})
	}
	if b.form {
		add("Content-Type", "application/x-www-form-urlencoded")
	}
	return append(h, user...), chunked
}

// finalCodingChunked reports whether the last transfer coding listed is
// chunked.
func finalCodingChunked(values []string) bool {
	if len(values) == 0 {
		return false
	}
	codings := strings.Split(values[len(values)-1], ",")
	return strings.EqualFold(strings.TrimSpace(codings[len(codings)-1]), "chunked")
}

// methodExpectsBody reports whether a request without a body still
// carries "Content-Length: 0", as http.client does for these methods.
func methodExpectsBody(m string) bool {
	return strings.EqualFold(m, "POST") || strings.EqualFold(m, "PUT") || strings.EqualFold(m, "PATCH")
}

// reqBody is the body of one request attempt.
type reqBody struct {
	value      any   // nil, []byte or io.Reader, as EndHeaders takes it
	size       int64 // -1 when unknown (sent chunked)
	form       bool  // -d: add the form Content-Type
	replayable bool  // it can be sent again on a new connection
	src        *srcReader
	closer     io.Closer
}

func (b *reqBody) close() {
	if b.closer != nil {
		b.closer.Close()
	}
}

// srcReader remembers a read error of an uploaded file, so that it is
// reported as exit code 26 and not as a network failure.
type srcReader struct {
	r    io.Reader
	name string
	err  error
}

func (r *srcReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		r.err = err
	}
	return n, err
}

// openBody opens the body for one attempt: the -d data, or the -T file
// (with its size when it is a regular file, unknown for stdin or a pipe).
func (s *session) openBody() (*reqBody, error) {
	switch {
	case s.data != nil:
		return &reqBody{value: s.data, size: int64(len(s.data)), form: true, replayable: true}, nil
	case s.o.upload == "-":
		src := &srcReader{r: s.stdin, name: "stdin"}
		return &reqBody{value: src, size: -1, src: src}, nil
	case s.o.upload != "":
		f, err := os.Open(s.o.upload)
		if err != nil {
			return nil, failf(exitRead, err, "couldn't read upload file: %s", pathError(err))
		}
		fi, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, failf(exitRead, err, "couldn't read upload file: %s", pathError(err))
		}
		if fi.IsDir() {
			f.Close()
			return nil, failf(exitRead, nil, "couldn't read upload file: %s is a directory", s.o.upload)
		}
		b := &reqBody{size: -1, closer: f}
		var r io.Reader = f
		if fi.Mode().IsRegular() {
			// Exactly the size announced in Content-Length, even if the
			// file grows meanwhile.
			b.size, b.replayable = fi.Size(), true
			r = io.LimitReader(f, fi.Size())
		}
		b.src = &srcReader{r: r, name: s.o.upload}
		b.value = b.src
		return b, nil
	}
	return &reqBody{replayable: true}, nil
}

// output writes the response: its head with -i or -I, its body to stdout
// or the -o file (with a progress meter on a terminal), trailers with -v.
func (s *session) output(i int, t *target, resp *client.Response) (err error) {
	// Close discards a body that was not read to the end, or closes the
	// socket under it; either way the Conn stays usable for the next URL.
	defer resp.Close()
	if s.o.fail && resp.Status >= 400 {
		return failf(exitHTTPError, nil, "%s returned %d %s", t.url, int(resp.Status), resp.Reason)
	}
	var out io.Writer = s.stdout
	if s.o.raw {
		out = io.Discard
	}
	name := ""
	if i < len(s.o.outputs) {
		name = s.o.outputs[i]
		f, err := os.Create(name)
		if err != nil {
			return failf(exitWrite, err, "couldn't create output file: %s", pathError(err))
		}
		defer func() {
			if cerr := f.Close(); cerr != nil && err == nil {
				err = failf(exitWrite, cerr, "couldn't write output file: %s", pathError(cerr))
			}
		}()
		out = f
	}
	ew := &errWriter{w: out}
	if (s.o.include || s.o.head) && !s.o.raw {
		ew.Write(appendHead(nil, resp))
	}
	var dst io.Writer = ew
	var pm *progress
	if name != "" && s.showProgress {
		pm = newProgress(s.stderr, contentLength(resp))
		dst = &progressWriter{w: ew, p: pm}
	}
	_, rerr := io.Copy(dst, resp)
	if pm != nil {
		pm.finish()
	}
	switch {
	case ew.err != nil:
		return failf(exitWrite, ew.err, "couldn't write output: %s", pathError(ew.err))
	case rerr != nil:
		return classify(phaseBody, rerr, t, s.via, nil)
	case s.stdout.err != nil:
		return failf(exitWrite, s.stdout.err, "couldn't write output: %s", pathError(s.stdout.err))
	}
	for _, f := range resp.Trailer {
		s.verbosef("Trailer %s: %s", f.Name, f.Value)
	}
	return nil
}

// appendHead appends the response head as it came, in wire order, with
// the status line and fields encoded by wire and message.
func appendHead(dst []byte, r *client.Response) []byte {
	b, err := wire.AppendStatusLine(dst, wire.Version(r.Version), int(r.Status), r.Reason)
	if err != nil {
		b = append(dst, "HTTP/1.1 "+strconv.Itoa(int(r.Status))+" "+r.Reason+"\r\n"...)
	}
	if hb, err := r.Header.AppendTo(b); err == nil {
		b = hb
	} else {
		for _, f := range r.Header {
			b = append(b, f.Name+": "+f.Value+"\r\n"...)
		}
	}
	return append(b, "\r\n"...)
}

// contentLength returns the response's Content-Length, or -1.
func contentLength(r *client.Response) int64 {
	n, err := wire.ParseContentLength(r.Header.Values("Content-Length"))
	if err != nil || r.Header.Has("Transfer-Encoding") {
		return -1
	}
	return n
}
