package client_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/httpstack/httpstack/client"
	"github.com/httpstack/httpstack/message"
	"github.com/httpstack/httpstack/testutil"
)

// The examples follow the sessions of Python's http.client documentation,
// against loopback servers from package testutil instead of python.org.
// Status codes print as "200 OK" on their own, so the examples print
// int(resp.Status) next to resp.Reason, as Python prints status and reason.

// A GET session: one response read whole, then a second one read 200
// bytes at a time on the same connection. io.ReadFull is Python's
// read(200): it returns 200 bytes unless the body ends first.
func Example_get() {
	tb := testutil.NewExampleTB()
	defer tb.Close()
	srv := testutil.NewHTTPServer(tb, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, strings.Repeat("<!doctype html>\n", 28)) // 448 bytes
	}), nil)

	ctx := context.Background()
	conn, err := client.New(srv.Addr())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()

	if err := conn.Request(ctx, "GET", "/", nil, nil); err != nil {
		fmt.Println(err)
		return
	}
	r1, err := conn.GetResponse(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(int(r1.Status), r1.Reason)
	data1, err := io.ReadAll(r1) // the whole body
	fmt.Println(len(data1), err)

	// The body of the first response was read, so the connection is free.
	if err := conn.Request(ctx, "GET", "/", nil, nil); err != nil {
		fmt.Println(err)
		return
	}
	r1, err = conn.GetResponse(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	chunk := make([]byte, 200)
	for {
		n, err := io.ReadFull(r1, chunk)
		if n > 0 {
			fmt.Printf("%d %q...\n", n, chunk[:16])
		}
		if err != nil { // io.EOF, or io.ErrUnexpectedEOF after a short last piece
			break
		}
	}
	// Output:
	// 200 OK
	// 448 <nil>
	// 200 "<!doctype html>\n"...
	// 200 "e html>\n<!doctyp"...
	// 48 "<!doctype html>\n"...
}

// An invalid request: the server answers 404, which is a response like any
// other, not an error.
func Example_notFound() {
	tb := testutil.NewExampleTB()
	defer tb.Close()
	srv := testutil.NewHTTPServer(tb, http.NotFoundHandler(), nil)

	ctx := context.Background()
	conn, err := client.New(srv.Addr())
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := conn.Request(ctx, "GET", "/parrot.spam", nil, nil); err != nil {
		fmt.Println(err)
		return
	}
	r2, err := conn.GetResponse(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(int(r2.Status), r2.Reason)
	fmt.Println(r2.Status) // a status.Code prints code and text
	data2, _ := io.ReadAll(r2)
	fmt.Printf("%q\n", data2)
	conn.Close()
	// Output:
	// 404 Not Found
	// 404 Not Found
	// "404 page not found\n"
}

// A HEAD session: the response has a Content-Length but never a body.
func Example_head() {
	tb := testutil.NewExampleTB()
	defer tb.Close()
	srv := testutil.NewHTTPServer(tb, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "14432")
		if r.Method != http.MethodHead {
			io.WriteString(w, strings.Repeat("x", 14432))
		}
	}), nil)

	ctx := context.Background()
	conn, err := client.New(srv.Addr())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	if err := conn.Request(ctx, "HEAD", "/", nil, nil); err != nil {
		fmt.Println(err)
		return
	}
	res, err := conn.GetResponse(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(int(res.Status), res.Reason)
	fmt.Println(res.GetHeader("Content-Length", ""))
	data, err := io.ReadAll(res)
	fmt.Println(len(data), err)
	fmt.Println(string(data) == "")
	// Output:
	// 200 OK
	// 14432
	// 0 <nil>
	// true
}

// A POST session with a form body: a string body gets its Content-Length
// and goes out with the head.
func Example_postForm() {
	tb := testutil.NewExampleTB()
	defer tb.Close()
	srv := testutil.NewHTTPServer(tb, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || r.Method != http.MethodPost {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		issue := "/issue" + r.PostForm.Get("@number")
		w.Header().Set("Location", issue)
		w.WriteHeader(http.StatusFound)
		fmt.Fprintf(w, "Redirecting to <a href=%q>%s</a> (%s, %s)", issue, issue,
			r.PostForm.Get("@type"), r.PostForm.Get("@action"))
	}), nil)

	params := url.Values{"@number": {"12524"}, "@type": {"issue"}, "@action": {"show"}}.Encode()
	header := message.Header{
		{Name: "Content-type", Value: "application/x-www-form-urlencoded"},
		{Name: "Accept", Value: "text/plain"},
	}
	ctx := context.Background()
	conn, err := client.New(srv.Addr())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	fmt.Println(params)
	if err := conn.Request(ctx, "POST", "", params, header); err != nil {
		fmt.Println(err)
		return
	}
	response, err := conn.GetResponse(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(int(response.Status), response.Reason)
	data, _ := io.ReadAll(response)
	fmt.Println(string(data))
	// Output:
	// %40action=show&%40number=12524&%40type=issue
	// 302 Found
	// Redirecting to <a href="/issue12524">/issue12524</a> (issue, show)
}

// A PUT session, to a server named by host and port as in
// HTTPConnection("localhost", 8080).
func Example_put() {
	tb := testutil.NewExampleTB()
	defer tb.Close()
	srv := testutil.NewHTTPServer(tb, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %s: stored %d bytes (Content-Length %d)", r.Method, r.URL.Path, len(b), r.ContentLength)
	}), nil)
	host, port, _ := net.SplitHostPort(srv.Addr())
	var portNum int
	fmt.Sscan(port, &portNum)

	const body = "***filecontents***"
	ctx := context.Background()
	conn, err := client.New(host, client.WithPort(portNum))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	if err := conn.Request(ctx, "PUT", "/file", body, nil); err != nil {
		fmt.Println(err)
		return
	}
	response, err := conn.GetResponse(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(int(response.Status), response.Reason)
	data, _ := io.ReadAll(response)
	fmt.Println(string(data))
	// Output:
	// 200 OK
	// PUT /file: stored 18 bytes (Content-Length 18)
}

// A chunked response is decoded as it is read; unlike http.client, the
// trailer fields after the last chunk are kept.
func Example_chunkedRead() {
	tb := testutil.NewExampleTB()
	defer tb.Close()
	srv := testutil.NewHTTPServer(tb, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Trailer", "X-Checksum")
		io.WriteString(w, "hello ")
		w.(http.Flusher).Flush() // the head goes out without a Content-Length
		io.WriteString(w, "world")
		w.Header().Set("X-Checksum", "5eb63bbb")
	}), nil)

	ctx := context.Background()
	conn, err := client.New(srv.Addr())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	if err := conn.Request(ctx, "GET", "/", nil, nil); err != nil {
		fmt.Println(err)
		return
	}
	resp, err := conn.GetResponse(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(int(resp.Status), resp.Reason, resp.GetHeader("Transfer-Encoding", "-"))
	fmt.Println(resp.Trailer == nil) // not before the body was read
	data, err := io.ReadAll(resp)
	fmt.Printf("%q %v\n", data, err)
	fmt.Println(resp.Trailer.Get("X-Checksum"))
	// Output:
	// 200 OK chunked
	// true
	// "hello world" <nil>
	// 5eb63bbb
}

// A body of unknown length, here an iter.Seq[[]byte], is sent with chunked
// transfer coding, one chunk per piece.
func Example_chunkedUpload() {
	tb := testutil.NewExampleTB()
	defer tb.Close()
	srv := testutil.NewHTTPServer(tb, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%v %q", r.TransferEncoding, b)
	}), nil)

	ctx := context.Background()
	conn, err := client.New(srv.Addr())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	pieces := slices.Values([][]byte{[]byte("one,"), []byte("two,"), []byte("three")})
	if err := conn.Request(ctx, "POST", "/upload", pieces, nil); err != nil {
		fmt.Println(err)
		return
	}
	resp, err := conn.GetResponse(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	data, _ := io.ReadAll(resp)
	fmt.Println(int(resp.Status), string(data))
	// Output:
	// 200 [chunked] "one,two,three"
}

// Request sends a whole request. Header fields go out in the given order
// and case, after the automatic Host and Accept-Encoding; the body's type
// decides the framing.
func ExampleConn_Request() {
	tb := testutil.NewExampleTB()
	defer tb.Close()
	srv := testutil.NewHTTPServer(tb, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintf(w, "%s %s %s %q %q", r.Method, r.RequestURI, r.Header.Get("Accept-Encoding"), r.Header.Values("X-Tag"), b)
	}), nil)

	ctx := context.Background()
	conn, err := client.New(srv.Addr())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	header := message.Header{
		{Name: "X-Tag", Value: "a"},
		{Name: "x-tag", Value: "b"},
		{Name: "Content-Type", Value: "application/json"},
	}
	if err := conn.Request(ctx, "POST", "/items?x=1", []byte(`{"n":1}`), header); err != nil {
		fmt.Println(err)
		return
	}
	resp, err := conn.GetResponse(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	data, _ := io.ReadAll(resp)
	fmt.Println(int(resp.Status), resp.Reason, resp.GetHeader("content-type", ""))
	fmt.Println(string(data))
	// Output:
	// 200 OK text/plain
	// POST /items?x=1 identity ["a" "b"] "{\"n\":1}"
}

// SetTunnel sends every request through an HTTP proxy's CONNECT tunnel:
// the Conn is made for the proxy, SetTunnel names the real server.
func ExampleConn_SetTunnel() {
	tb := testutil.NewExampleTB()
	defer tb.Close()
	srv := testutil.NewHTTPServer(tb, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Seen-Host", r.Host)
	}), nil)
	// The proxy maps the name www.example.com to the loopback server.
	proxy := testutil.NewConnectProxy(tb, testutil.ProxyOptions{
		Targets: map[string]string{"www.example.com:80": srv.Addr()},
	})

	ctx := context.Background()
	conn, err := client.New(proxy.Addr())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	if err := conn.SetTunnel("www.example.com", 0, nil); err != nil {
		fmt.Println(err)
		return
	}
	if err := conn.Request(ctx, "HEAD", "/index.html", nil, nil); err != nil {
		fmt.Println(err)
		return
	}
	resp, err := conn.GetResponse(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Close()
	fmt.Println(int(resp.Status), resp.Reason, resp.GetHeader("X-Seen-Host", ""))
	fmt.Printf("%q\n", proxy.Requests()[0])
	fmt.Println(conn.ProxyResponseHeaders())
	// Output:
	// 200 OK www.example.com
	// "CONNECT www.example.com:80 HTTP/1.1\r\nHost: www.example.com:80\r\n\r\n"
	// []
}
