package docs

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/net/proxy"

	"github.com/httpstack/httpstack/client"
	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/message"
	"github.com/httpstack/httpstack/testutil"
	"github.com/httpstack/httpstack/transport"
)

// The examples of the guide's chapters that belong to no single package:
// getting-started.md, transports.md, testing.md and architecture.md show
// them. Each runs against loopback servers or in-memory dialers.

// Getting started: errors. A 404 is a response, not an error. Errors are
// for what went wrong on the way, and they match the way Python's
// exceptions do: errors.Is for the class, errors.As for the data.
func Example_errors() {
	d := testutil.NewFakeDialer(
		"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
		"", // the second connection closes without answering
	)
	conn, err := client.New("example.com", client.WithDialer(d))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	ctx := context.Background()

	// Calls out of order: Python's ResponseNotReady, an ImproperConnectionState.
	_, err = conn.GetResponse(ctx)
	fmt.Println(errors.Is(err, errors.ErrResponseNotReady), errors.Is(err, errors.ErrImproperConnectionState))

	// A header that would split the request is refused before anything is
	// sent, and the connection stays usable.
	err = conn.Request(ctx, "GET", "/", nil, message.Header{{Name: "X-Id", Value: "1\r\nEvil: 1"}})
	var he *errors.HeaderError
	fmt.Println(errors.Is(err, errors.ErrInvalidHeader), errors.As(err, &he) && !he.Remote)

	if err := conn.Request(ctx, "GET", "/missing", nil, nil); err != nil {
		fmt.Println(err)
		return
	}
	resp, err := conn.GetResponse(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Close()
	fmt.Println(resp.Status, err)

	// The server closed the connection: the Conn dials again, and this
	// time the server hangs up without a word (Python's RemoteDisconnected,
	// both a BadStatusLine and a ConnectionResetError).
	if err := conn.Request(ctx, "GET", "/", nil, nil); err != nil {
		fmt.Println(err)
		return
	}
	_, err = conn.GetResponse(ctx)
	fmt.Println(errors.Is(err, errors.ErrRemoteDisconnected), errors.Is(err, errors.ErrBadStatusLine), errors.Is(err, errors.ErrHTTP))
	// Output:
	// true true
	// true true
	// 404 Not Found <nil>
	// true true true
}

// Getting started: contexts and timeouts. Every blocking call takes a
// context; its deadline bounds the call and cancelling it unblocks the
// call. WithTimeout is Python's timeout argument: it bounds the connect
// and each single read and write. Here the server accepts the request and
// never answers.
func Example_timeout() {
	d := testutil.NewFakeDialerReplies(
		testutil.FakeReply{Hang: true},
		testutil.FakeReply{Hang: true},
	)
	conn, err := client.New("example.com", client.WithDialer(d))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := conn.Request(ctx, "GET", "/slow", nil, nil); err != nil {
		fmt.Println(err)
		return
	}
	_, err = conn.GetResponse(ctx)
	fmt.Println(errors.Is(err, context.DeadlineExceeded))

	// WithTimeout bounds each read: the error is the socket's timeout.
	conn2, err := client.New("example.com", client.WithDialer(d), client.WithTimeout(50*time.Millisecond))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn2.Close()
	if err := conn2.Request(context.Background(), "GET", "/slow", nil, nil); err != nil {
		fmt.Println(err)
		return
	}
	_, err = conn2.GetResponse(context.Background())
	fmt.Println(errors.Is(err, os.ErrDeadlineExceeded))
	// Output:
	// true
	// true
}

// Getting started: keep-alive. A Conn keeps its socket between requests
// once a body was read to the end, and dials again when the server said
// "Connection: close". Trace.Connect counts the dials.
func Example_keepAlive() {
	tb := testutil.NewExampleTB()
	defer tb.Close()
	srv := testutil.NewHTTPServer(tb, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/bye" {
			w.Header().Set("Connection", "close")
		}
		io.WriteString(w, r.URL.Path)
	}), nil)

	dials := 0
	conn, err := client.New(srv.Addr(), client.WithTrace(&client.Trace{
		Connect: func(host string, port int) { dials++ },
	}))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()

	ctx := context.Background()
	for _, path := range []string{"/a", "/b", "/bye", "/c"} {
		if err := conn.Request(ctx, "GET", path, nil, nil); err != nil {
			fmt.Println(err)
			return
		}
		resp, err := conn.GetResponse(ctx)
		if err != nil {
			fmt.Println(err)
			return
		}
		body, err := io.ReadAll(resp) // read to the end: the socket is free again
		fmt.Println(string(body), err, "dials so far:", dials)
	}
	// Output:
	// /a <nil> dials so far: 1
	// /b <nil> dials so far: 1
	// /bye <nil> dials so far: 1
	// /c <nil> dials so far: 2
}

// Getting started: a request built step by step, Python's putrequest,
// putheader, endheaders and send. Nothing is written before EndHeaders,
// which sends the head; Send writes body bytes as they are.
func Example_putRequest() {
	d := testutil.NewFakeDialer("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
	conn, err := client.New("example.com", client.WithDialer(d))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()

	ctx := context.Background()
	steps := []func() error{
		func() error { return conn.PutRequest("PUT", "/notes/1", client.SkipAcceptEncoding()) },
		func() error { return conn.PutHeader("Content-Type", "text/plain") },
		func() error { return conn.PutHeader("Content-Length", "11") },
		func() error { return conn.EndHeaders(ctx, nil) },
		func() error { return conn.Send(ctx, "hello ") },
		func() error { return conn.Send(ctx, []byte("world")) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			fmt.Println(err)
			return
		}
	}
	resp, err := conn.GetResponse(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Close()
	fmt.Println(resp.Status)
	for _, w := range d.Conns()[0].Writes() {
		fmt.Printf("%q\n", w)
	}
	// Output:
	// 201 Created
	// "PUT /notes/1 HTTP/1.1\r\nHost: example.com\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\n"
	// "hello "
	// "world"
}

// Getting started: reading a body. Response is an io.Reader and an
// io.WriterTo, so io.Copy streams a body of any size through a fixed
// buffer, and bufio.Scanner would read it line by line.
func Example_copyBody() {
	d := testutil.NewFakeDialer("HTTP/1.1 200 OK\r\n" +
		"Transfer-Encoding: chunked\r\n" +
		"\r\n" +
		"6\r\nline 1\r\n7\r\n\nline 2\r\n0\r\n\r\n")
	conn, err := client.New("example.com", client.WithDialer(d))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()

	ctx := context.Background()
	if err := conn.Request(ctx, "GET", "/log", nil, nil); err != nil {
		fmt.Println(err)
		return
	}
	resp, err := conn.GetResponse(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Close()
	n, err := io.Copy(os.Stdout, resp)
	fmt.Println()
	fmt.Println(n, err, resp.IsClosed())
	// Output:
	// line 1
	// line 2
	// 13 <nil> true
}

// Transports: an HTTPS proxy. The chain is TCP → TLS (to the proxy) →
// Tunnel (CONNECT) → TLS (to the origin, end to end through the tunnel).
// Each layer is a Dialer wrapping the one below.
func Example_httpsProxy() {
	tb := testutil.NewExampleTB()
	defer tb.Close()
	ca := testutil.NewCA(tb)
	origin := testutil.NewHTTPServer(tb, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s", r.TLS.ServerName)
	}), ca.ServerConfig("origin.example"))
	p := testutil.NewConnectProxy(tb, testutil.ProxyOptions{
		TLS:     ca.ServerConfig(), // the proxy's own certificate, for 127.0.0.1
		Targets: map[string]string{"origin.example:443": origin.Addr()},
	})

	toProxy := &transport.TLS{Base: &net.Dialer{}, Config: &tls.Config{RootCAs: ca.Pool()}}
	d := &transport.TLS{
		Base:   &transport.Tunnel{Base: toProxy, Proxy: p.Addr()},
		Config: &tls.Config{RootCAs: ca.Pool()},
	}
	conn, err := d.DialContext(context.Background(), "tcp", "origin.example:443")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	io.WriteString(conn, "GET / HTTP/1.1\r\nHost: origin.example\r\nConnection: close\r\n\r\n")
	reply, _ := io.ReadAll(conn)
	fmt.Println(strings.HasPrefix(string(reply), "HTTP/1.1 200 OK\r\n"), strings.HasSuffix(string(reply), "hello origin.example"))
	fmt.Printf("%q\n", p.Requests())
	// Output:
	// true true
	// ["CONNECT origin.example:443 HTTP/1.1\r\nHost: origin.example:443\r\n\r\n"]
}

// Transports: the same HTTPS proxy under a client.Conn. The Conn is made
// for the proxy and SetTunnel names the origin, as in Python;
// WithDialer replaces only the bottom layer (here TCP → TLS to the
// proxy), and the Conn stacks the tunnel and the origin's TLS on top.
func Example_clientHTTPSProxy() {
	tb := testutil.NewExampleTB()
	defer tb.Close()
	ca := testutil.NewCA(tb)
	origin := testutil.NewHTTPServer(tb, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s", r.TLS.ServerName)
	}), ca.ServerConfig("origin.example"))
	p := testutil.NewConnectProxy(tb, testutil.ProxyOptions{
		TLS:     ca.ServerConfig(),
		Targets: map[string]string{"origin.example:443": origin.Addr()},
	})

	conn, err := client.NewTLS(p.Addr(),
		client.WithDialer(&transport.TLS{Base: &net.Dialer{}, Config: &tls.Config{RootCAs: ca.Pool()}}),
		client.WithTLSConfig(&tls.Config{RootCAs: ca.Pool()}))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	if err := conn.SetTunnel("origin.example", 443, nil); err != nil {
		fmt.Println(err)
		return
	}

	ctx := context.Background()
	if err := conn.Request(ctx, "GET", "/", nil, nil); err != nil {
		fmt.Println(err)
		return
	}
	resp, err := conn.GetResponse(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp)
	fmt.Println(resp.Status, string(body))
	// Output:
	// 200 OK hello origin.example
}

// Transports: a client.Conn through a SOCKS5 proxy. The SOCKS5 dialer is
// the bottom layer; NewTLS would put TLS on top of it.
func Example_clientSOCKS5() {
	tb := testutil.NewExampleTB()
	defer tb.Close()
	srv := testutil.NewHTTPServer(tb, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s", r.Host)
	}), nil)
	socks := testutil.NewSOCKS5Server(tb, "user", "secret")

	d, err := transport.SOCKS5(socks.Addr(), &proxy.Auth{User: "user", Password: "secret"}, &net.Dialer{})
	if err != nil {
		fmt.Println(err)
		return
	}
	conn, err := client.New(srv.Addr(), client.WithDialer(d))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()

	ctx := context.Background()
	if err := conn.Request(ctx, "GET", "/", nil, nil); err != nil {
		fmt.Println(err)
		return
	}
	resp, err := conn.GetResponse(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp)
	fmt.Println(resp.Status, strings.HasPrefix(string(body), "hello 127.0.0.1:"))
	fmt.Println(len(socks.Requests()), "SOCKS5 CONNECT")
	// Output:
	// 200 OK true
	// 1 SOCKS5 CONNECT
}

// Transports: a daemon's API on a Unix socket, the way Docker's is
// reached. The host given to New only fills the Host header.
func Example_clientUnix() {
	tb := testutil.NewExampleTB()
	defer tb.Close()
	sock := filepath.Join(tb.TempDir(), "api.sock")
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s %s for host %s", r.Method, r.URL.Path, r.Host)
	})}
	l, err := net.Listen("unix", sock)
	if err != nil {
		fmt.Println(err)
		return
	}
	go srv.Serve(l)
	defer srv.Close()

	conn, err := client.New("docker", client.WithDialer(&transport.Unix{Path: sock}))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()

	ctx := context.Background()
	if err := conn.Request(ctx, "GET", "/_ping", nil, nil); err != nil {
		fmt.Println(err)
		return
	}
	resp, err := conn.GetResponse(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp)
	fmt.Println(resp.Status, string(body))
	// Output:
	// 200 OK GET /_ping for host docker
}

// Transports: the handshake of a layer on a connection you already have.
// Tunnel.Handshake runs CONNECT over any net.Conn, here an in-memory pipe
// whose peer plays a script, so the exchange is tested byte for byte
// without a listener. TLS.Handshake does the same for TLS.
func Example_tunnelHandshake() {
	tb := testutil.NewExampleTB()
	defer tb.Close()
	pipe := testutil.NewPipeDialer(tb, testutil.Script{{
		Expect: "CONNECT origin.example:443 HTTP/1.1\r\nHost: origin.example:443\r\nProxy-Authorization: Basic dTpw\r\n\r\n",
		Reply:  "HTTP/1.1 200 Connection established\r\nVia: 1.1 proxy\r\n\r\nhello",
	}})
	ctx := context.Background()
	toProxy, err := pipe.DialContext(ctx, "tcp", "proxy.example:3128")
	if err != nil {
		fmt.Println(err)
		return
	}

	tunnel := &transport.Tunnel{
		Header: message.Header{{Name: "Proxy-Authorization", Value: "Basic dTpw"}},
		OnResponse: func(code int, reason string, h message.Header) {
			fmt.Println(code, reason, h)
		},
	}
	conn, err := tunnel.Handshake(ctx, toProxy, "origin.example:443")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	first := make([]byte, 5)
	_, err = io.ReadFull(conn, first) // what the proxy sent after its reply is tunnel data
	fmt.Printf("%q %v\n", first, err)
	// Output:
	// 200 Connection established [{Via 1.1 proxy}]
	// "hello" <nil>
}

// Getting started: the debug transcript, Python's set_debuglevel. The
// lines are Python's, with Go quoting.
func Example_debugLevel() {
	d := testutil.NewFakeDialer("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok")
	conn, err := client.New("example.com", client.WithDialer(d), client.WithDebugOutput(os.Stdout))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	conn.SetDebugLevel(1)

	ctx := context.Background()
	if err := conn.Request(ctx, "GET", "/", nil, nil); err != nil {
		fmt.Println(err)
		return
	}
	resp, err := conn.GetResponse(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Close()
	// Output:
	// send: "GET / HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\n\r\n"
	// reply: "HTTP/1.1 200 OK\r\n"
	// header: Content-Type: text/plain
	// header: Content-Length: 2
}

// Architecture: the request flow, seen through the trace hooks. The dial
// happens on the first send, the head goes out in one Write (with a small
// body), and the response head is read before the body.
func Example_requestFlow() {
	d := testutil.NewFakeDialer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
	trace := &client.Trace{
		Connect:              func(host string, port int) { fmt.Println("connect", host, port) },
		Send:                 func(data []byte) { fmt.Printf("send %q\n", data) },
		GotFirstResponseByte: func() { fmt.Println("status line read") },
	}
	conn, err := client.New("example.com", client.WithDialer(d), client.WithTrace(trace))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()

	ctx := context.Background()
	fmt.Println("new: no I/O yet,", len(d.Dials()), "dials")
	if err := conn.Request(ctx, "POST", "/echo", "hi", nil); err != nil {
		fmt.Println(err)
		return
	}
	resp, err := conn.GetResponse(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("response", resp.Status, resp.Header)
	body, _ := io.ReadAll(resp)
	fmt.Printf("body %q\n", body)
	// Output:
	// new: no I/O yet, 0 dials
	// connect example.com 80
	// send "POST /echo HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\nContent-Length: 2\r\n\r\nhi"
	// status line read
	// response 200 OK [{Content-Length 2}]
	// body "ok"
}

// Testing: timeouts without waiting. Inside a testing/synctest bubble
// time is fake: the FakeConn hangs, the clock jumps to the deadline as
// soon as every goroutine is blocked, and the test runs in microseconds
// however long the timeout.
func TestDocsTimeoutSynctest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := testutil.NewFakeDialerReplies(testutil.FakeReply{Hang: true})
		conn, err := client.New("example.com", client.WithDialer(d), client.WithTimeout(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()

		start := time.Now()
		if err := conn.Request(t.Context(), "GET", "/", nil, nil); err != nil {
			t.Fatal(err)
		}
		_, err = conn.GetResponse(t.Context())
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("GetResponse = %v, want a timeout", err)
		}
		if got := time.Since(start); got != time.Minute {
			t.Errorf("timed out after %v, want exactly 1m", got)
		}
	})
}
