package transport_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"

	"golang.org/x/net/proxy"

	"github.com/httpstack/httpstack/message"
	"github.com/httpstack/httpstack/testutil"
	"github.com/httpstack/httpstack/transport"
)

// hello answers every request with its protocol, host and, over TLS, the
// server name the client sent.
var hello = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintf(w, "hello %s from %s", r.Host, r.Proto)
})

// fetch sends a GET over conn and prints the status line and body.
func fetch(conn net.Conn, host string) {
	fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", host)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.Status, string(body))
}

func ExampleTLS() {
	t := testutil.NewExampleTB() // examples get no *testing.T
	defer t.Close()
	ca := testutil.NewCA(t)
	srv := testutil.NewHTTPServer(t, hello, ca.ServerConfig("localhost"))
	_, port, _ := net.SplitHostPort(srv.Addr())

	d := &transport.TLS{
		Base:   &net.Dialer{},
		Config: &tls.Config{RootCAs: ca.Pool()},
	}
	conn, err := d.DialContext(context.Background(), "tcp", net.JoinHostPort("localhost", port))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	fmt.Println("ALPN:", conn.(*tls.Conn).ConnectionState().NegotiatedProtocol)
	fetch(conn, "localhost")
	// Output:
	// ALPN: http/1.1
	// 200 OK hello localhost from HTTP/1.1
}

func ExampleTunnel() {
	t := testutil.NewExampleTB()
	defer t.Close()
	ca := testutil.NewCA(t)
	origin := testutil.NewHTTPServer(t, hello, ca.ServerConfig("origin.test"))
	p := testutil.NewConnectProxy(t, testutil.ProxyOptions{
		RequireAuth: "Basic dXNlcjpwYXNz",
		ReplyHeader: message.Header{{Name: "Proxy-Agent", Value: "testutil"}},
		Targets:     map[string]string{"origin.test:443": origin.Addr()},
	})

	// TCP → Tunnel → TLS: SNI and certificate checks use origin.test.
	d := &transport.TLS{
		Base: &transport.Tunnel{
			Base:   &net.Dialer{},
			Proxy:  p.Addr(),
			Header: message.Header{{Name: "Proxy-Authorization", Value: "Basic dXNlcjpwYXNz"}},
			OnResponse: func(code int, reason string, h message.Header) {
				fmt.Println("proxy:", code, reason, h)
			},
		},
		Config: &tls.Config{RootCAs: ca.Pool()},
	}
	conn, err := d.DialContext(context.Background(), "tcp", "origin.test:443")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	fetch(conn, "origin.test")
	// Output:
	// proxy: 200 Connection established [{Proxy-Agent testutil}]
	// 200 OK hello origin.test from HTTP/1.1
}

func ExampleSOCKS5() {
	t := testutil.NewExampleTB()
	defer t.Close()
	srv := testutil.NewHTTPServer(t, hello, nil)
	socks := testutil.NewSOCKS5Server(t, "user", "pass")

	d, err := transport.SOCKS5(socks.Addr(), &proxy.Auth{User: "user", Password: "pass"}, &net.Dialer{})
	if err != nil {
		fmt.Println(err)
		return
	}
	conn, err := d.DialContext(context.Background(), "tcp", srv.Addr())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	fetch(conn, "example.test")
	// Output:
	// 200 OK hello example.test from HTTP/1.1
}

func ExampleUnix() {
	t := testutil.NewExampleTB()
	defer t.Close()
	sock := filepath.Join(t.TempDir(), "daemon.sock")
	testutil.NewUnixServer(t, sock, func(c net.Conn) {
		r, err := http.ReadRequest(bufio.NewReader(c))
		if err != nil {
			return
		}
		body := "hello " + r.Host + " over a unix socket"
		fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
	})

	// The address is only what the client would put in Host.
	d := &transport.Unix{Path: sock}
	conn, err := d.DialContext(context.Background(), "tcp", "docker:80")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	fetch(conn, "docker")
	// Output:
	// 200 OK hello docker over a unix socket
}
