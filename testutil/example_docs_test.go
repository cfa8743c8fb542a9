package testutil_test

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"

	"github.com/httpstack/httpstack/client"
	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/testutil"
	"github.com/httpstack/httpstack/transport"
)

// These examples are the code blocks of docs/testing.md: how to test code
// that uses httpstack without a network.

// A FakeDialer replays canned bytes and records what is written, with no
// socket and no goroutine: the test sees the exact request the client
// sent as soon as the call returns.
func ExampleFakeDialer() {
	d := testutil.NewFakeDialer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")
	conn, err := client.New("api.example.com", client.WithDialer(d))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()

	ctx := context.Background()
	if err := conn.Request(ctx, "GET", "/v1/items", nil, nil); err != nil {
		fmt.Println(err)
		return
	}
	resp, err := conn.GetResponse(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp)
	fmt.Printf("%s %q\n", resp.Status, body)
	fmt.Println(d.Dials())
	fmt.Printf("%q\n", d.Conns()[0].Written())
	// Output:
	// 200 OK "hi"
	// [api.example.com:80]
	// "GET /v1/items HTTP/1.1\r\nHost: api.example.com\r\nAccept-Encoding: identity\r\n\r\n"
}

// A PipeDialer's peer plays a script over net.Pipe: it checks every byte
// the client sends against Expect and fails the test on a difference,
// then answers with Reply. One script per connection, so a test can
// check that the client dials again after the server closed.
func ExamplePipeDialer() {
	tb := testutil.NewExampleTB()
	defer tb.Close()
	const get = "GET / HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\n\r\n"
	d := testutil.NewPipeDialer(tb,
		testutil.Script{{
			Expect: get,
			Reply:  "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\none",
			Close:  true,
		}},
		testutil.Script{{
			Expect: get,
			Reply:  "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ntwo",
		}},
	)
	conn, err := client.New("example.com", client.WithDialer(d))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()

	ctx := context.Background()
	for range 2 {
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
		fmt.Printf("%q\n", body)
	}
	fmt.Println(len(d.Dials()), "dials,", d.Remaining(), "scripts left")
	// Output:
	// "one"
	// "two"
	// 2 dials, 0 scripts left
}

// NewCA makes a certificate authority for one test, in memory. Its
// ServerConfig gives a loopback server a certificate for any name, and its
// Pool lets the client verify it: no InsecureSkipVerify, no files.
func ExampleNewCA() {
	tb := testutil.NewExampleTB()
	defer tb.Close()
	ca := testutil.NewCA(tb)
	srv := testutil.NewHTTPServer(tb, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s over %s", r.TLS.ServerName, r.Proto)
	}), ca.ServerConfig("api.example.com"))

	// The dialer sends every connection to the loopback server; TLS still
	// checks the certificate against the name api.example.com.
	toServer := dialFunc(func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, srv.Addr())
	})
	conn, err := client.NewTLS("api.example.com",
		client.WithDialer(toServer),
		client.WithTLSConfig(&tls.Config{RootCAs: ca.Pool()}))
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
	fmt.Println(resp.Status, string(body))
	// Output:
	// 200 OK hello api.example.com over HTTP/1.1
}

// dialFunc turns a function into a transport.Dialer.
type dialFunc func(ctx context.Context, network, address string) (net.Conn, error)

func (f dialFunc) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	return f(ctx, network, address)
}

var _ transport.Dialer = dialFunc(nil)

// A ConnectProxy answers CONNECT on loopback and records each request
// head, so a test can check what the client sent to the proxy. Refuse (or
// RequireAuth) makes it answer 407, which the client reports as a
// TunnelError.
func ExampleNewConnectProxy() {
	tb := testutil.NewExampleTB()
	defer tb.Close()
	proxy := testutil.NewConnectProxy(tb, testutil.ProxyOptions{Refuse: true})

	conn, err := client.New(proxy.Addr())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	if err := conn.SetTunnel("www.example.com", 443, nil); err != nil {
		fmt.Println(err)
		return
	}
	err = conn.Request(context.Background(), "GET", "/", nil, nil)

	var te *errors.TunnelError
	fmt.Println(errors.As(err, &te), te.Status, errors.Is(err, errors.ErrTunnel))
	fmt.Println(conn.ProxyResponseHeaders().Get("Proxy-Authenticate"))
	fmt.Printf("%q\n", proxy.Requests())
	// Output:
	// true 407 true
	// Basic realm="testutil"
	// ["CONNECT www.example.com:443 HTTP/1.1\r\nHost: www.example.com:443\r\n\r\n"]
}

// The fault wrappers turn any connection into a misbehaving one. Here
// CutConn ends the server's reply three bytes into a ten-byte body: the
// client reports the short body as an IncompleteReadError, never as a
// complete one.
func ExampleCutConn() {
	const head = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"
	cut := dialFunc(func(ctx context.Context, network, address string) (net.Conn, error) {
		c := testutil.NewFakeConn(testutil.FakeReply{Data: head + "0123456789"})
		return testutil.CutConn(c, len(head)+3), nil
	})
	conn, err := client.New("example.com", client.WithDialer(cut))
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
	body, err := io.ReadAll(resp)
	var ire *errors.IncompleteReadError
	fmt.Printf("%q %v\n", body, errors.As(err, &ire))
	fmt.Println(ire.Expected, "bytes missing;", errors.Is(err, io.ErrUnexpectedEOF))
	// Output:
	// "012" true
	// 7 bytes missing; true
}

// A transcript is a conversation recorded in x/crypto/ssh's format, one
// hex dump per flow. ScriptFromFlows replays it through a PipeDialer,
// checking the client's bytes against the recorded ones.
func ExampleScriptFromFlows() {
	tb := testutil.NewExampleTB()
	defer tb.Close()
	transcript := testutil.FormatTranscript([]testutil.Flow{
		{FromClient: true, Data: []byte("HEAD / HTTP/1.1\r\nHost: h\r\nAccept-Encoding: identity\r\n\r\n")},
		{FromClient: false, Data: []byte("HTTP/1.1 204 No Content\r\n\r\n")},
	})
	fmt.Printf("%s", transcript) // what a file under testdata/ holds

	flows, err := testutil.ParseTranscript(transcript)
	if err != nil {
		fmt.Println(err)
		return
	}
	d := testutil.NewPipeDialer(tb, testutil.ScriptFromFlows(flows))
	conn, err := client.New("h", client.WithDialer(d))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()

	ctx := context.Background()
	if err := conn.Request(ctx, "HEAD", "/", nil, nil); err != nil {
		fmt.Println(err)
		return
	}
	resp, err := conn.GetResponse(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Close()
	fmt.Println(resp.Status)
	// Output:
	// >>> Flow 1 (client to server)
	// 00000000  48 45 41 44 20 2f 20 48  54 54 50 2f 31 2e 31 0d  |HEAD / HTTP/1.1.|
	// 00000010  0a 48 6f 73 74 3a 20 68  0d 0a 41 63 63 65 70 74  |.Host: h..Accept|
	// 00000020  2d 45 6e 63 6f 64 69 6e  67 3a 20 69 64 65 6e 74  |-Encoding: ident|
	// 00000030  69 74 79 0d 0a 0d 0a                              |ity....|
	// >>> Flow 2 (server to client)
	// 00000000  48 54 54 50 2f 31 2e 31  20 32 30 34 20 4e 6f 20  |HTTP/1.1 204 No |
	// 00000010  43 6f 6e 74 65 6e 74 0d  0a 0d 0a                 |Content....|
	// 204 No Content
}
