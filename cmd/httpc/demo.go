package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/httpstack/httpstack/client"
	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/message"
	"github.com/httpstack/httpstack/status"
)

// Bounds on the demo: the whole run, and each read or write.
const (
	demoTimeout   = 20 * time.Second
	demoIOTimeout = 5 * time.Second
)

// runDemo runs "httpc demo": it starts the demo servers, walks through the
// http.client documentation's examples and returns 0 only if every step
// gave the expected result.
func runDemo(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintf(stderr, "httpc: demo takes no arguments, got %q (see httpc -h)\n", args[0])
		return exitUsage
	}
	ctx, cancel := context.WithTimeout(context.Background(), demoTimeout)
	defer cancel()
	srv, err := startDemoServers()
	if err != nil {
		fmt.Fprintf(stderr, "httpc: demo: starting the servers: %s\n", oneLine(err.Error()))
		return exitTransfer
	}
	defer srv.close()
	d := &demo{ctx: ctx, out: stdout, srv: srv}
	defer d.closeConns()
	d.printf("httpc demo: the examples of Python's http.client documentation, run with\n")
	d.printf("github.com/httpstack/httpstack/client against servers started just now:\n")
	d.printf("  HTTP server   http://%s\n", srv.httpAddr())
	d.printf("  HTTPS server  https://%s (certificate for %s from a CA generated for this run)\n", srv.tlsAddr(), demoTLSHost)
	d.printf("  CONNECT proxy %s (tunnels %s:443 to the HTTPS server)\n", srv.proxy.addr(), demoTLSHost)
	d.printf("Lines: '>' sent, '<' received, '|' body, '*' connection events.\n")

	steps := d.steps()
	failed := 0
	for i, st := range steps {
		d.printf("\n== %d/%d %s\n", i+1, len(steps), st.title)
		d.printf("# Python: %s\n", st.python)
		summary, err := st.run()
		if err != nil {
			failed++
			d.printf("FAIL: %s\n", oneLine(err.Error()))
			continue
		}
		d.printf("ok: %s\n", summary)
	}
	d.printf("\n")
	if failed > 0 {
		d.printf("demo: %d of %d steps FAILED\n", failed, len(steps))
		return exitTransfer
	}
	d.printf("demo: all %d steps passed\n", len(steps))
	return exitOK
}

// demoStep is one example: a title, the Python it stands for, and a run
// function that prints the exchange and checks the result.
type demoStep struct {
	title, python string
	run           func() (string, error)
}

// demo holds the state shared by the steps.
type demo struct {
	ctx   context.Context
	out   io.Writer
	srv   *demoServers
	sent  [][]byte       // blocks written since the last flushSent (Trace.Send)
	conn  *client.Conn   // the connection of steps 1 to 4
	conns []*client.Conn // every connection made, closed at the end
}

func (d *demo) printf(format string, args ...any) { fmt.Fprintf(d.out, format, args...) }

func (d *demo) steps() []demoStep {
	return []demoStep{
		{"GET / and read the whole body",
			`conn = HTTPConnection(host, port); conn.request("GET", "/"); r1 = conn.getresponse(); data1 = r1.read()`,
			d.getPage},
		{"GET / again on the same connection, read 200 bytes at a time",
			`conn.request("GET", "/"); r1 = conn.getresponse(); while chunk := r1.read(200): print(repr(chunk))`,
			d.getInPieces},
		{"GET a page that does not exist",
			`conn.request("GET", "/parrot.spam"); r2 = conn.getresponse(); print(r2.status, r2.reason)`,
			d.getNotFound},
		{"HEAD / (a HEAD response never has a body)",
			`conn.request("HEAD", "/"); res = conn.getresponse(); data = res.read(); print(len(data))`,
			d.head},
		{"POST a form",
			`params = urllib.parse.urlencode({...}); conn.request("POST", "", params, headers)`,
			d.postForm},
		{"PUT a resource",
			`BODY = "***filecontents***"; conn.request("PUT", "/file", BODY)`,
			d.put},
		{"PUT a streamed body: an io.Reader goes out with chunked coding",
			`conn.request("PUT", "/upload", body=file_like_object)  # encode_chunked`,
			d.chunkedUpload},
		{"GET a chunked response with a trailer",
			`r = conn.getresponse(); r.read()  # http.client drops trailers; Response.Trailer keeps them`,
			d.chunkedResponse},
		{"HTTPS through a CONNECT proxy",
			`conn = HTTPSConnection(proxy_host, proxy_port, context=ctx); conn.set_tunnel("` + demoTLSHost + `"); conn.request("GET", "/")`,
			d.httpsTunnel},
		{"A proxy that refuses the tunnel",
			`conn.set_tunnel("` + demoRefused + `"); conn.request("GET", "/")  # raises OSError('Tunnel connection failed: 403 Forbidden')`,
			d.tunnelRefused},
	}
}

// newConn makes a connection that reports to the transcript.
func (d *demo) newConn(tlsConn bool, host string, opts ...client.Option) (*client.Conn, error) {
	trace := &client.Trace{
		Connect: func(h string, p int) {
			d.printf("* connect to %s\n", net.JoinHostPort(h, strconv.Itoa(p)))
		},
		Send: func(p []byte) { d.sent = append(d.sent, bytes.Clone(p)) },
		TLSHandshakeDone: func(st tls.ConnectionState) {
			d.printTunnel()
			d.printf("* TLS handshake done: %s, certificate for %s verified with the demo CA\n",
				tls.VersionName(st.Version), strings.Join(certNames(st), ", "))
		},
	}
	opts = append([]client.Option{client.WithTrace(trace), client.WithTimeout(demoIOTimeout)}, opts...)
	newConn := client.New
	if tlsConn {
		newConn = client.NewTLS
	}
	c, err := newConn(host, opts...)
	if err != nil {
		return nil, err
	}
	d.conns = append(d.conns, c)
	return c, nil
}

func (d *demo) closeConns() {
	for _, c := range d.conns {
		c.Close()
	}
}

// request sends a request and prints what went out.
func (d *demo) request(c *client.Conn, method, target string, body any, h message.Header) error {
	d.sent = nil
	err := c.Request(d.ctx, method, target, body, h)
	d.flushSent()
	return err
}

// roundTrip sends a request, reads the whole response and prints both.
func (d *demo) roundTrip(c *client.Conn, method, target string, body any, h message.Header) (*client.Response, []byte, error) {
	if err := d.request(c, method, target, body, h); err != nil {
		return nil, nil, err
	}
	resp, err := c.GetResponse(d.ctx)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Close()
	d.printHead(resp)
	data, err := io.ReadAll(resp)
	d.printBody(data)
	return resp, data, err
}

// flushSent prints the blocks written since the last call: the head as
// lines, each body block quoted, so chunk framing shows as it was sent.
func (d *demo) flushSent() {
	inHead := true
	for _, b := range d.sent {
		if inHead {
			i := bytes.Index(b, []byte("\r\n\r\n"))
			if i < 0 {
				d.printf("> %s\n", strconv.Quote(string(b)))
				continue
			}
			for _, line := range strings.Split(string(b[:i]), "\r\n") {
				d.printf("> %s\n", line)
			}
			d.printf(">\n")
			b, inHead = b[i+4:], false
			if len(b) == 0 {
				continue
			}
		}
		d.printf("> %s\n", strconv.Quote(string(b)))
	}
	d.sent = nil
}

// printHead prints the status line and fields as received.
func (d *demo) printHead(r *client.Response) {
	for _, line := range strings.Split(strings.TrimSuffix(string(appendHead(nil, r)), "\r\n\r\n"), "\r\n") {
		d.printf("< %s\n", line)
	}
	d.printf("<\n")
}

// printBody prints a body as lines, the first dozen of them.
func (d *demo) printBody(b []byte) {
	if len(b) == 0 {
		return
	}
	lines := strings.SplitAfter(string(b), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	const most = 12
	for i, l := range lines {
		if i == most {
			d.printf("| ... (%d more lines)\n", len(lines)-most)
			break
		}
		if strings.HasSuffix(l, "\n") {
			d.printf("| %s", l)
		} else {
			d.printf("| %s  (no newline at the end)\n", l)
		}
	}
}

// printTunnel prints the last CONNECT exchange the proxy saw: it is sent
// by transport.Tunnel while dialling, so Trace.Send does not see it.
func (d *demo) printTunnel() {
	ex := d.srv.proxy.exchanges()
	if len(ex) == 0 {
		return
	}
	last := ex[len(ex)-1]
	for _, l := range last.request {
		d.printf("> %s\n", l)
	}
	d.printf(">\n")
	for _, l := range last.reply {
		d.printf("< %s\n", l)
	}
	d.printf("<\n")
}

// wantStatus checks a response's status code and reason.
func wantStatus(r *client.Response, code status.Code) error {
	if r.Status != code || r.Reason != code.Text() {
		return fmt.Errorf("got %d %s, want %s", int(r.Status), r.Reason, code)
	}
	return nil
}

func (d *demo) getPage() (string, error) {
	c, err := d.newConn(false, d.srv.httpAddr())
	if err != nil {
		return "", err
	}
	d.conn = c
	r, data, err := d.roundTrip(c, "GET", "/", nil, nil)
	if err != nil {
		return "", err
	}
	if err := wantStatus(r, status.OK); err != nil {
		return "", err
	}
	if string(data) != demoPage {
		return "", fmt.Errorf("got a body of %d bytes that is not the page", len(data))
	}
	return fmt.Sprintf("print(r1.status, r1.reason) → %d %s; len(data1) = %d", int(r.Status), r.Reason, len(data)), nil
}

func (d *demo) getInPieces() (string, error) {
	c := d.conn
	if err := d.request(c, "GET", "/", nil, nil); err != nil {
		return "", err
	}
	r, err := c.GetResponse(d.ctx)
	if err != nil {
		return "", err
	}
	defer r.Close()
	d.printHead(r)
	var got []byte
	var sizes []string
	buf := make([]byte, 200)
	for {
		// io.ReadFull is Python's read(200): up to 200 bytes, fewer
		// only at the end.
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			s := string(buf[:n])
			if len(s) > 40 {
				s = s[:40]
			}
			d.printf("| read(200) → %d bytes: %s...\n", n, strconv.Quote(s))
			got = append(got, buf[:n]...)
			sizes = append(sizes, strconv.Itoa(n))
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return "", err
		}
	}
	if err := wantStatus(r, status.OK); err != nil {
		return "", err
	}
	if string(got) != demoPage {
		return "", fmt.Errorf("the pieces do not make up the page")
	}
	if n := d.srv.accepted.Load(); n != 1 {
		return "", fmt.Errorf("the server accepted %d connections for two requests, want 1 (keep-alive)", n)
	}
	return fmt.Sprintf("pieces of %s bytes; both requests used one connection", strings.Join(sizes, ", ")), nil
}

func (d *demo) getNotFound() (string, error) {
	r, data, err := d.roundTrip(d.conn, "GET", "/parrot.spam", nil, nil)
	if err != nil {
		return "", err
	}
	if err := wantStatus(r, status.NotFound); err != nil {
		return "", err
	}
	if !bytes.Contains(data, []byte("404 Not Found")) {
		return "", fmt.Errorf("the body does not say 404 Not Found")
	}
	return fmt.Sprintf("print(r2.status, r2.reason) → %d %s (an error status is a normal response, not an error)", int(r.Status), r.Reason), nil
}

func (d *demo) head() (string, error) {
	r, data, err := d.roundTrip(d.conn, "HEAD", "/", nil, nil)
	if err != nil {
		return "", err
	}
	if err := wantStatus(r, status.OK); err != nil {
		return "", err
	}
	if len(data) != 0 {
		return "", fmt.Errorf("HEAD gave %d body bytes, want 0", len(data))
	}
	if r.GetHeader("Content-Length", "") != strconv.Itoa(len(demoPage)) {
		return "", fmt.Errorf("Content-Length %q, want %d", r.GetHeader("Content-Length", ""), len(demoPage))
	}
	d.conn.Close()
	return fmt.Sprintf("%d %s; len(data) = %d although Content-Length says %s", int(r.Status), r.Reason, len(data), r.GetHeader("Content-Length", "")), nil
}

func (d *demo) postForm() (string, error) {
	// urllib.parse.urlencode keeps the order of the dict; url.Values would
	// sort the keys, so encode the pairs in order.
	pairs := [][2]string{{"@number", "12524"}, {"@type", "issue"}, {"@action", "show"}}
	var params []string
	for _, p := range pairs {
		params = append(params, url.QueryEscape(p[0])+"="+url.QueryEscape(p[1]))
	}
	headers := message.Header{
		{Name: "Content-type", Value: "application/x-www-form-urlencoded"},
		{Name: "Accept", Value: "text/plain"},
	}
	c, err := d.newConn(false, d.srv.httpAddr())
	if err != nil {
		return "", err
	}
	defer c.Close()
	r, data, err := d.roundTrip(c, "POST", "", strings.Join(params, "&"), headers)
	if err != nil {
		return "", err
	}
	if err := wantStatus(r, status.Found); err != nil {
		return "", err
	}
	if !bytes.HasPrefix(data, []byte("Redirecting to")) || !strings.HasSuffix(r.GetHeader("Location", ""), "/issue12524") {
		return "", fmt.Errorf("want a redirect to /issue12524, got Location %q", r.GetHeader("Location", ""))
	}
	return fmt.Sprintf("%d %s to %s", int(r.Status), r.Reason, r.GetHeader("Location", "")), nil
}

func (d *demo) put() (string, error) {
	const body = "***filecontents***"
	c, err := d.newConn(false, d.srv.httpAddr())
	if err != nil {
		return "", err
	}
	defer c.Close()
	r, _, err := d.roundTrip(c, "PUT", "/file", body, nil)
	if err != nil {
		return "", err
	}
	if err := wantStatus(r, status.OK); err != nil {
		return "", err
	}
	d.srv.mu.Lock()
	stored := d.srv.files["/file"]
	d.srv.mu.Unlock()
	if stored != body {
		return "", fmt.Errorf("the server stored %q, want %q", stored, body)
	}
	return fmt.Sprintf("print(response.status, response.reason) → %d %s; the server stored %d bytes", int(r.Status), r.Reason, len(stored)), nil
}

func (d *demo) chunkedUpload() (string, error) {
	lines := []string{"line one\n", "line two\n", "line three\n"}
	// io.MultiReader returns one piece per Read, so each becomes a chunk.
	readers := make([]io.Reader, len(lines))
	for i, l := range lines {
		readers[i] = strings.NewReader(l)
	}
	c, err := d.newConn(false, d.srv.httpAddr())
	if err != nil {
		return "", err
	}
	defer c.Close()
	r, data, err := d.roundTrip(c, "PUT", "/upload", io.MultiReader(readers...), nil)
	if err != nil {
		return "", err
	}
	if err := wantStatus(r, status.OK); err != nil {
		return "", err
	}
	d.srv.mu.Lock()
	te := d.srv.uploadSeen
	d.srv.mu.Unlock()
	if te != "chunked" || !bytes.HasSuffix(data, []byte(strings.Join(lines, ""))) {
		return "", fmt.Errorf("the server saw Transfer-Encoding %q and body %q", te, data)
	}
	return fmt.Sprintf("%d chunks sent; the server read them back as one body", len(lines)), nil
}

func (d *demo) chunkedResponse() (string, error) {
	c, err := d.newConn(false, d.srv.httpAddr())
	if err != nil {
		return "", err
	}
	defer c.Close()
	r, data, err := d.roundTrip(c, "GET", "/chunked", nil, nil)
	if err != nil {
		return "", err
	}
	for _, f := range r.Trailer {
		d.printf("< %s: %s  (trailer, in resp.Trailer)\n", f.Name, f.Value)
	}
	if err := wantStatus(r, status.OK); err != nil {
		return "", err
	}
	if r.GetHeader("Transfer-Encoding", "") != "chunked" {
		return "", fmt.Errorf("Transfer-Encoding %q, want chunked", r.GetHeader("Transfer-Encoding", ""))
	}
	if string(data) != strings.Join(demoChunks, "") {
		return "", fmt.Errorf("body %q, want the %d chunks joined", data, len(demoChunks))
	}
	if got, want := r.Trailer.Get("X-Checksum"), demoChecksum(); got != want {
		return "", fmt.Errorf("trailer X-Checksum %q, want %q", got, want)
	}
	return fmt.Sprintf("%d bytes in chunks; resp.Trailer.Get(\"X-Checksum\") matches the body", len(data)), nil
}

// fieldList renders fields as "[Name: value, ...]".
func fieldList(h message.Header) string {
	s := make([]string, len(h))
	for i, f := range h {
		s[i] = f.Name + ": " + f.Value
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// tlsConfig trusts only the demo CA.
func (d *demo) tlsConfig() *tls.Config { return &tls.Config{RootCAs: d.srv.ca.pool()} }

func (d *demo) httpsTunnel() (string, error) {
	c, err := d.newConn(true, d.srv.proxy.addr(), client.WithTLSConfig(d.tlsConfig()))
	if err != nil {
		return "", err
	}
	defer c.Close()
	if err := c.SetTunnel(demoTLSHost, 0, nil); err != nil {
		return "", err
	}
	r, data, err := d.roundTrip(c, "GET", "/", nil, nil)
	if err != nil {
		return "", err
	}
	if err := wantStatus(r, status.OK); err != nil {
		return "", err
	}
	if !bytes.Contains(data, []byte(`SNI "`+demoTLSHost+`"`)) {
		return "", fmt.Errorf("the server did not see SNI %s: %q", demoTLSHost, data)
	}
	ph := c.ProxyResponseHeaders()
	if ph.Get("Proxy-Agent") == "" {
		return "", fmt.Errorf("ProxyResponseHeaders() = %v, want the proxy's fields", ph)
	}
	return fmt.Sprintf("%d %s through the tunnel; ProxyResponseHeaders() = %s", int(r.Status), r.Reason, fieldList(ph)), nil
}

func (d *demo) tunnelRefused() (string, error) {
	c, err := d.newConn(true, d.srv.proxy.addr(), client.WithTLSConfig(d.tlsConfig()))
	if err != nil {
		return "", err
	}
	defer c.Close()
	if err := c.SetTunnel(demoRefused, 0, nil); err != nil {
		return "", err
	}
	err = d.request(c, "GET", "/", nil, nil)
	d.printTunnel()
	var te *errors.TunnelError
	if !errors.As(err, &te) {
		return "", fmt.Errorf("got error %v, want an *errors.TunnelError", err)
	}
	d.printf("* error: %v\n", err)
	if te.Status != 403 || !errors.Is(err, errors.ErrTunnel) {
		return "", fmt.Errorf("got %d, want 403 matching errors.ErrTunnel", te.Status)
	}
	ph := c.ProxyResponseHeaders()
	if ph.Get("Proxy-Agent") == "" {
		return "", fmt.Errorf("ProxyResponseHeaders() = %v, want the proxy's fields", ph)
	}
	return fmt.Sprintf("errors.As(err, &te): te.Status = %d, te.Reason = %q; errors.Is(err, errors.ErrTunnel) = true; ProxyResponseHeaders() = %s",
		te.Status, te.Reason, fieldList(ph)), nil
}
