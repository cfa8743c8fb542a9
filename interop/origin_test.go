//go:build interop

package interop

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"iter"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/httpstack/httpstack/client"
	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/message"
)

// origins are the plain-HTTP servers every origin test runs against.
var origins = []struct {
	name string
	env  string
}{
	{"nginx", envNginx},
	{"apache", envApache},
}

// staticFiles are the files scripts/interop.sh puts in the docroot.
var staticFiles = []struct {
	name string
	size int
}{
	{"empty.bin", 0},
	{"one.bin", 1},
	{"64k.bin", 64 << 10},
	{"1m1.bin", 1<<20 + 1},
}

// TestStatic fetches files of several sizes and checks length and hash.
func TestStatic(t *testing.T) {
	for _, srv := range origins {
		for _, f := range staticFiles {
			t.Run(srv.name+"/"+f.name, func(t *testing.T) {
				addr := need(t, srv.env)
				want := docFile(t, f.name)
				if len(want) != f.size {
					t.Fatalf("docroot %s has %d bytes, want %d", f.name, len(want), f.size)
				}
				ctx := testContext(t)
				c, _ := dial(t, addr)
				resp, got := exchange(t, ctx, c, "GET", "/"+f.name, nil, nil)
				wantStatus(t, resp, 200)
				if resp.Version != 11 {
					t.Errorf("version = %d, want 11", resp.Version)
				}
				if cl := resp.Header.Get("Content-Length"); cl != strconv.Itoa(f.size) {
					t.Errorf("Content-Length = %q, want %d", cl, f.size)
				}
				wantBody(t, got, want)
			})
		}
	}
}

// TestHead checks that a HEAD response carries the length but no body and
// leaves the connection usable.
func TestHead(t *testing.T) {
	for _, srv := range origins {
		t.Run(srv.name, func(t *testing.T) {
			addr := need(t, srv.env)
			ctx := testContext(t)
			c, p := dial(t, addr)
			resp, got := exchange(t, ctx, c, "HEAD", "/1m1.bin", nil, nil)
			wantStatus(t, resp, 200)
			if cl := resp.Header.Get("Content-Length"); cl != "1048577" {
				t.Errorf("Content-Length = %q, want 1048577", cl)
			}
			if len(got) != 0 {
				t.Errorf("HEAD body = %d bytes, want none", len(got))
			}
			resp, got = exchange(t, ctx, c, "GET", "/one.bin", nil, nil)
			wantStatus(t, resp, 200)
			wantBody(t, got, docFile(t, "one.bin"))
			wantDials(t, p, 1)
		})
	}
}

// TestNoContent checks a 204 and a request after it on the same connection.
func TestNoContent(t *testing.T) {
	for _, srv := range origins {
		t.Run(srv.name, func(t *testing.T) {
			addr := need(t, srv.env)
			ctx := testContext(t)
			c, p := dial(t, addr)
			resp, got := exchange(t, ctx, c, "GET", "/204", nil, nil)
			wantStatus(t, resp, 204)
			if len(got) != 0 {
				t.Errorf("204 body = %q, want none", got)
			}
			resp, got = exchange(t, ctx, c, "GET", "/64k.bin", nil, nil)
			wantStatus(t, resp, 200)
			wantBody(t, got, docFile(t, "64k.bin"))
			wantDials(t, p, 1)
		})
	}
}

// TestNotModified revalidates with the server's ETag and gets a bodiless 304.
func TestNotModified(t *testing.T) {
	for _, srv := range origins {
		t.Run(srv.name, func(t *testing.T) {
			addr := need(t, srv.env)
			ctx := testContext(t)
			c, p := dial(t, addr)
			resp, got := exchange(t, ctx, c, "GET", "/64k.bin", nil, nil)
			wantStatus(t, resp, 200)
			wantBody(t, got, docFile(t, "64k.bin"))
			etag := resp.Header.Get("ETag")
			if etag == "" {
				t.Fatalf("no ETag in %v", resp.Header)
			}
			resp, got = exchange(t, ctx, c, "GET", "/64k.bin", nil, message.Header{{Name: "If-None-Match", Value: etag}})
			wantStatus(t, resp, 304)
			if len(got) != 0 {
				t.Errorf("304 body = %d bytes, want none", len(got))
			}
			if e := resp.Header.Get("ETag"); e != etag {
				t.Errorf("304 ETag = %q, want %q", e, etag)
			}
			// A stale validator gets the full body again.
			resp, got = exchange(t, ctx, c, "GET", "/64k.bin", nil, message.Header{{Name: "If-None-Match", Value: `"stale"`}})
			wantStatus(t, resp, 200)
			wantBody(t, got, docFile(t, "64k.bin"))
			wantDials(t, p, 1)
		})
	}
}

// TestRedirect checks the status and Location of a configured redirect.
func TestRedirect(t *testing.T) {
	codes := map[string]int{"nginx": 301, "apache": 302}
	for _, srv := range origins {
		t.Run(srv.name, func(t *testing.T) {
			addr := need(t, srv.env)
			ctx := testContext(t)
			c, p := dial(t, addr)
			resp, _ := exchange(t, ctx, c, "GET", "/redirect", nil, nil)
			wantStatus(t, resp, codes[srv.name])
			if loc := resp.Header.Get("Location"); !strings.HasSuffix(loc, "/one.bin") {
				t.Errorf("Location = %q, want …/one.bin", loc)
			}
			resp, got := exchange(t, ctx, c, "GET", "/one.bin", nil, nil)
			wantStatus(t, resp, 200)
			wantBody(t, got, docFile(t, "one.bin"))
			wantDials(t, p, 1)
		})
	}
}

// TestNotFound reads a 404's error page and reuses the connection.
func TestNotFound(t *testing.T) {
	for _, srv := range origins {
		t.Run(srv.name, func(t *testing.T) {
			addr := need(t, srv.env)
			ctx := testContext(t)
			c, p := dial(t, addr)
			resp, got := exchange(t, ctx, c, "GET", "/missing.bin", nil, nil)
			wantStatus(t, resp, 404)
			if cl := resp.Header.Get("Content-Length"); cl != "" && cl != strconv.Itoa(len(got)) {
				t.Errorf("Content-Length = %s, body %d bytes", cl, len(got))
			}
			resp, got = exchange(t, ctx, c, "GET", "/one.bin", nil, nil)
			wantStatus(t, resp, 200)
			wantBody(t, got, docFile(t, "one.bin"))
			wantDials(t, p, 1)
		})
	}
}

// TestChunkedResponse streams the backend's chunked bodies through the
// servers' reverse proxies.
func TestChunkedResponse(t *testing.T) {
	cases := []struct {
		name        string
		size, chunk int
	}{
		{"empty", 0, 1},
		{"one-byte", 1, 1},
		{"small-chunks", 10000, 7},
		{"large", 300001, 7001},
		{"1m1", 1<<20 + 1, 65536},
	}
	for _, srv := range origins {
		for _, tc := range cases {
			t.Run(srv.name+"/"+tc.name, func(t *testing.T) {
				addr := need(t, srv.env)
				needBackend(t)
				ctx := testContext(t)
				c, p := dial(t, addr)
				target := fmt.Sprintf("/backend/stream?size=%d&chunk=%d", tc.size, tc.chunk)
				resp, got := exchange(t, ctx, c, "GET", target, nil, nil)
				wantStatus(t, resp, 200)
				te := resp.Header.Get("Transfer-Encoding")
				cl := resp.Header.Get("Content-Length")
				switch {
				case te == "chunked" && cl == "":
				case srv.name == "apache" && te == "" && cl == strconv.Itoa(tc.size):
					// Apache's content-length filter frames a body whose
					// end it already holds (seen for size 0, now and then).
				default:
					t.Errorf("framing: Transfer-Encoding %q, Content-Length %q; want chunked", te, cl)
				}
				wantBody(t, got, pattern(tc.size))
				// The connection survives a chunked body.
				resp, got = exchange(t, ctx, c, "GET", "/one.bin", nil, nil)
				wantStatus(t, resp, 200)
				wantBody(t, got, docFile(t, "one.bin"))
				wantDials(t, p, 1)
			})
		}
	}
}

// TestStreamedRead reads a chunked body in small pieces and with WriteTo.
func TestStreamedRead(t *testing.T) {
	addr := need(t, envNginx)
	needBackend(t)
	ctx := testContext(t)
	c, _ := dial(t, addr)
	const size = 200003
	for _, how := range []string{"read-13", "writeto"} {
		t.Run(how, func(t *testing.T) {
			if err := c.Request(ctx, "GET", fmt.Sprintf("/backend/stream?size=%d&chunk=4099", size), nil, nil); err != nil {
				t.Fatal(err)
			}
			resp, err := c.GetResponse(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Close()
			var got bytes.Buffer
			switch how {
			case "read-13":
				buf := make([]byte, 13)
				for i := 0; ; i++ {
					if i > size {
						t.Fatal("no EOF after size reads")
					}
					n, err := resp.Read(buf)
					got.Write(buf[:n])
					if err == io.EOF {
						break
					}
					if err != nil {
						t.Fatal(err)
					}
				}
			case "writeto":
				if _, err := resp.WriteTo(&got); err != nil {
					t.Fatal(err)
				}
			}
			wantBody(t, got.Bytes(), pattern(size))
			if !resp.IsClosed() {
				t.Error("IsClosed = false after EOF")
			}
		})
	}
}

// TestKeepAlive sends several requests on one connection and counts dials.
func TestKeepAlive(t *testing.T) {
	for _, srv := range origins {
		t.Run(srv.name, func(t *testing.T) {
			addr := need(t, srv.env)
			ctx := testContext(t)
			c, p := dial(t, addr)
			want := docFile(t, "64k.bin")
			for i := range 5 {
				resp, got := exchange(t, ctx, c, "GET", "/64k.bin", nil, nil)
				wantStatus(t, resp, 200)
				wantBody(t, got, want)
				if len(p.dials) != 1 {
					t.Fatalf("request %d: dials = %v, want 1", i+1, p.dials)
				}
			}
		})
	}
}

// TestKeepAliveLimit uses nginx's /ka3/ location, where keepalive_requests
// is 3: the third response on a connection says "Connection: close" and
// the client must dial again for the fourth.
func TestKeepAliveLimit(t *testing.T) {
	addr := need(t, envNginx)
	ctx := testContext(t)
	c, p := dial(t, addr)
	want := docFile(t, "one.bin")
	for i := 1; i <= 7; i++ {
		resp, got := exchange(t, ctx, c, "GET", "/ka3/one.bin", nil, nil)
		wantStatus(t, resp, 200)
		wantBody(t, got, want)
		closing := i%3 == 0
		if conn := resp.Header.Get("Connection"); (conn == "close") != closing {
			t.Errorf("request %d: Connection = %q, want close: %v", i, conn, closing)
		}
		if wantN := (i-1)/3 + 1; len(p.dials) != wantN {
			t.Fatalf("request %d: dials = %d, want %d", i, len(p.dials), wantN)
		}
	}
}

// hideLen wraps a reader so nothing can learn its length.
type hideLen struct{ r io.Reader }

func (h hideLen) Read(p []byte) (int, error) { return h.r.Read(p) }

// pieces yields b in pieces of the given sizes (an empty one included),
// then the rest.
func pieces(b []byte, sizes ...int) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		for _, n := range sizes {
			n = min(n, len(b))
			if !yield(b[:n]) {
				return
			}
			b = b[n:]
		}
		if len(b) > 0 {
			yield(b)
		}
	}
}

// TestUpload sends bodies of every kind through the reverse proxies to
// the backend, which answers with the length and hash it received.
func TestUpload(t *testing.T) {
	big := pattern(1<<20 + 1)
	mid := pattern(300001)
	// body makes a fresh body for each run: readers and sequences are
	// used up by one request.
	cases := []struct {
		name    string
		method  string
		body    func() any
		sent    []byte
		header  message.Header
		opts    []client.RequestOption
		chunked bool // the client sends it chunked
	}{
		{name: "post-nil", method: "POST", body: func() any { return nil }, sent: nil},
		{name: "post-empty-string", method: "POST", body: func() any { return "" }, sent: nil},
		{name: "post-string", method: "POST", body: func() any { return "hello, interop" }, sent: []byte("hello, interop")},
		{name: "post-bytes-16k", method: "POST", body: func() any { return mid[:16<<10] }, sent: mid[:16<<10]},
		{name: "post-bytes-1m1", method: "POST", body: func() any { return big }, sent: big},
		{name: "put-reader-chunked", method: "PUT", body: func() any { return hideLen{bytes.NewReader(mid)} }, sent: mid, chunked: true},
		{name: "put-reader-empty", method: "PUT", body: func() any { return hideLen{bytes.NewReader(nil)} }, sent: nil, chunked: true},
		{name: "put-seq-chunked", method: "PUT", body: func() any { return pieces(big, 1, 0, 4096, 65536, 7) }, sent: big, chunked: true},
		{
			name: "put-encode-chunked", method: "PUT", body: func() any { return mid }, sent: mid, chunked: true,
			header: message.Header{{Name: "Transfer-Encoding", Value: "chunked"}},
			opts:   []client.RequestOption{client.EncodeChunked()},
		},
		{
			name: "post-explicit-length", method: "POST", body: func() any { return hideLen{bytes.NewReader(mid)} }, sent: mid,
			header: message.Header{{Name: "Content-Length", Value: strconv.Itoa(len(mid))}},
		},
	}
	for _, srv := range origins {
		for _, tc := range cases {
			t.Run(srv.name+"/"+tc.name, func(t *testing.T) {
				addr := need(t, srv.env)
				needBackend(t)
				ctx := testContext(t)
				c, p := dial(t, addr)
				resp, got := exchange(t, ctx, c, tc.method, "/backend/echo", tc.body(), tc.header, tc.opts...)
				wantStatus(t, resp, 200)
				digest := sha256.Sum256(tc.sent)
				if want := echoLine(tc.method, int64(len(tc.sent)), digest[:]); string(got) != want {
					t.Errorf("backend received %q\nwant %q", got, want)
				}
				head, _, _ := bytes.Cut(p.sent.Bytes(), []byte("\r\n\r\n"))
				if isChunked := bytes.Contains(head, []byte("\r\nTransfer-Encoding: chunked")); isChunked != tc.chunked {
					t.Errorf("client sent chunked = %v, want %v; head:\n%s", isChunked, tc.chunked, head)
				}
				t.Logf("backend saw Transfer-Encoding %q Content-Length %s",
					resp.Header.Get("X-Echo-Transfer-Encoding"), resp.Header.Get("X-Echo-Content-Length"))
				// The connection is still good after the upload.
				resp, got = exchange(t, ctx, c, "GET", "/one.bin", nil, nil)
				wantStatus(t, resp, 200)
				wantBody(t, got, docFile(t, "one.bin"))
				wantDials(t, p, 1)
			})
		}
	}
}

// TestTrailer reads the trailer nginx's add_trailer appends to a chunked
// body.
func TestTrailer(t *testing.T) {
	addr := need(t, envNginx)
	needBackend(t)
	ctx := testContext(t)
	c, p := dial(t, addr)
	for _, size := range []int{0, 70001} {
		resp, got := exchange(t, ctx, c, "GET", fmt.Sprintf("/trailer/stream?size=%d&chunk=9000", size), nil, nil)
		wantStatus(t, resp, 200)
		if te := resp.Header.Get("Transfer-Encoding"); te != "chunked" {
			t.Fatalf("Transfer-Encoding = %q, want chunked", te)
		}
		wantBody(t, got, pattern(size))
		if v := resp.Trailer.Get("X-Interop-Trailer"); v != "yes" {
			t.Errorf("size %d: Trailer = %v, want X-Interop-Trailer: yes", size, resp.Trailer)
		}
		if resp.Header.Has("X-Interop-Trailer") {
			t.Errorf("size %d: trailer field also in Header", size)
		}
	}
	wantDials(t, p, 1)
}

// TestCloseDelimited reads a body that nginx ends by closing the
// connection (no Content-Length, no chunked coding), then dials again.
func TestCloseDelimited(t *testing.T) {
	addr := need(t, envNginx)
	needBackend(t)
	ctx := testContext(t)
	c, p := dial(t, addr)
	for i, size := range []int{0, 1, 300001} {
		resp, got := exchange(t, ctx, c, "GET", fmt.Sprintf("/unframed/stream?size=%d&chunk=7000", size), nil, nil)
		wantStatus(t, resp, 200)
		if te, cl := resp.Header.Get("Transfer-Encoding"), resp.Header.Get("Content-Length"); te != "" || cl != "" {
			t.Fatalf("Transfer-Encoding %q, Content-Length %q: want neither", te, cl)
		}
		if h := resp.Header.Get("Connection"); h != "close" {
			t.Errorf("Connection = %q, want close", h)
		}
		wantBody(t, got, pattern(size))
		wantDials(t, p, i+1)
	}
}

// TestRequestClose sends "Connection: close": the server answers and
// closes, and the next request dials again.
func TestRequestClose(t *testing.T) {
	for _, srv := range origins {
		t.Run(srv.name, func(t *testing.T) {
			addr := need(t, srv.env)
			ctx := testContext(t)
			c, p := dial(t, addr)
			resp, got := exchange(t, ctx, c, "GET", "/64k.bin", nil, message.Header{{Name: "Connection", Value: "close"}})
			wantStatus(t, resp, 200)
			wantBody(t, got, docFile(t, "64k.bin"))
			if h := resp.Header.Get("Connection"); h != "close" {
				t.Errorf("Connection = %q, want close", h)
			}
			resp, got = exchange(t, ctx, c, "GET", "/one.bin", nil, nil)
			wantStatus(t, resp, 200)
			wantBody(t, got, docFile(t, "one.bin"))
			wantDials(t, p, 2)
		})
	}
}

// TestExpectContinue sends "Expect: 100-continue" with the body right
// behind the head (http.client never waits for the 100). The servers may
// answer 100 Continue first; the client must skip it and read the final
// response.
func TestExpectContinue(t *testing.T) {
	body := pattern(100003)
	digest := sha256.Sum256(body)
	for _, srv := range origins {
		t.Run(srv.name, func(t *testing.T) {
			addr := need(t, srv.env)
			needBackend(t)
			ctx := testContext(t)
			var interim []int
			p := &probe{}
			tr := p.trace()
			tr.Got1xxResponse = func(code int, _ message.Header) { interim = append(interim, code) }
			c, err := client.New(addr, client.WithTimeout(10*time.Second), client.WithTrace(tr))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			resp, got := exchange(t, ctx, c, "POST", "/backend/echo", body, message.Header{{Name: "Expect", Value: "100-continue"}})
			wantStatus(t, resp, 200)
			if want := echoLine("POST", int64(len(body)), digest[:]); string(got) != want {
				t.Errorf("backend received %q, want %q", got, want)
			}
			for _, code := range interim {
				if code != 100 {
					t.Errorf("interim response %d, want only 100", code)
				}
			}
			t.Logf("interim responses: %v", interim)
			resp, got = exchange(t, ctx, c, "GET", "/one.bin", nil, nil)
			wantStatus(t, resp, 200)
			wantBody(t, got, docFile(t, "one.bin"))
			wantDials(t, p, 1)
		})
	}
}

// bugPoisonedPending is the client bug TestResponseClose runs into (also
// skipped in client/state_test.go as TestPoisonedConnRedials).
const bugPoisonedPending = "BUG: client/request.go putRequest forgets a response closed with its body unread " +
	"(Response.Close closed the socket) but keeps that socket, so the next Request writes on a closed connection " +
	"(net.ErrClosed) instead of dialling again (deviation 16)"

// TestResponseClose closes responses with their bodies unread. A body
// that cannot all be buffered (1 MiB) makes Close drop the connection, so
// the next request dials again; either way the next request works.
func TestResponseClose(t *testing.T) {
	for _, srv := range origins {
		t.Run(srv.name, func(t *testing.T) {
			addr := need(t, srv.env)
			ctx := testContext(t)
			c, p := dial(t, addr)
			if err := c.Request(ctx, "GET", "/1m1.bin", nil, nil); err != nil {
				t.Fatal(err)
			}
			resp, err := c.GetResponse(ctx)
			if err != nil {
				t.Fatal(err)
			}
			head := make([]byte, 10)
			if _, err := io.ReadFull(resp, head); err != nil {
				t.Fatal(err)
			}
			wantBody(t, head, docFile(t, "1m1.bin")[:10])
			if err := resp.Close(); err != nil {
				t.Fatal(err)
			}
			if !resp.Closed() || !resp.IsClosed() {
				t.Errorf("Closed = %v, IsClosed = %v after Close", resp.Closed(), resp.IsClosed())
			}
			if n, err := resp.Read(head); n != 0 || err == nil {
				t.Errorf("Read after Close = %d, %v; want 0 and an error", n, err)
			}
			if err := c.Request(ctx, "GET", "/64k.bin", nil, nil); errors.Is(err, net.ErrClosed) {
				t.Skip(bugPoisonedPending + ": " + err.Error())
			} else if err != nil {
				t.Fatal(err)
			}
			resp, err = c.GetResponse(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(resp)
			if err != nil {
				t.Fatal(err)
			}
			wantStatus(t, resp, 200)
			wantBody(t, got, docFile(t, "64k.bin"))
			wantDials(t, p, 2)

			// A small body may or may not be buffered already: only
			// correctness is checked, not the dial count.
			if err := c.Request(ctx, "GET", "/one.bin", nil, nil); err != nil {
				t.Fatal(err)
			}
			if resp, err = c.GetResponse(ctx); err != nil {
				t.Fatal(err)
			}
			resp.Close()
			resp, got = exchange(t, ctx, c, "GET", "/64k.bin", nil, nil)
			wantStatus(t, resp, 200)
			wantBody(t, got, docFile(t, "64k.bin"))
		})
	}
}

// TestLowLevel builds requests with PutRequest, PutHeader, EndHeaders and
// Send, as Python programs drive http.client.
func TestLowLevel(t *testing.T) {
	body := pattern(50001)
	digest := sha256.Sum256(body)
	for _, srv := range origins {
		t.Run(srv.name, func(t *testing.T) {
			addr := need(t, srv.env)
			needBackend(t)
			ctx := testContext(t)
			c, p := dial(t, addr)
			steps := []struct {
				name string
				err  func() error
			}{
				{"PutRequest", func() error { return c.PutRequest("POST", "/backend/echo") }},
				{"PutHeader Content-Length", func() error { return c.PutHeader("Content-Length", strconv.Itoa(len(body))) }},
				{"PutHeader X-Interop", func() error { return c.PutHeader("X-Interop", "low-level") }},
				{"EndHeaders", func() error { return c.EndHeaders(ctx, body[:1000]) }},
				{"Send []byte", func() error { return c.Send(ctx, body[1000:20000]) }},
				{"Send string", func() error { return c.Send(ctx, string(body[20000:30000])) }},
				{"Send io.Reader", func() error { return c.Send(ctx, hideLen{bytes.NewReader(body[30000:])}) }},
			}
			for _, st := range steps {
				if err := st.err(); err != nil {
					t.Fatalf("%s: %v", st.name, err)
				}
			}
			resp, err := c.GetResponse(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(resp)
			if err != nil {
				t.Fatal(err)
			}
			wantStatus(t, resp, 200)
			if want := echoLine("POST", int64(len(body)), digest[:]); string(got) != want {
				t.Errorf("backend received %q, want %q", got, want)
			}
			// PutRequest with SkipHost and our own Host, on the same connection.
			if err := c.PutRequest("GET", "/one.bin", client.SkipHost(), client.SkipAcceptEncoding()); err != nil {
				t.Fatal(err)
			}
			if err := c.PutHeader("Host", "localhost"); err != nil {
				t.Fatal(err)
			}
			if err := c.EndHeaders(ctx, nil); err != nil {
				t.Fatal(err)
			}
			resp, err = c.GetResponse(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got, err = io.ReadAll(resp)
			if err != nil {
				t.Fatal(err)
			}
			wantStatus(t, resp, 200)
			wantBody(t, got, docFile(t, "one.bin"))
			if !contains(p.sent.Bytes(), "GET /one.bin HTTP/1.1\r\nHost: localhost\r\n\r\n") {
				t.Errorf("second request not sent as built: %q", p.sent.Bytes())
			}
			wantDials(t, p, 1)
		})
	}
}

// TestDebugOutput checks Python's debug transcript against a real reply.
func TestDebugOutput(t *testing.T) {
	addr := need(t, envNginx)
	ctx := testContext(t)
	var out bytes.Buffer
	c, _ := dial(t, addr, client.WithDebugOutput(&out))
	c.SetDebugLevel(1)
	resp, got := exchange(t, ctx, c, "GET", "/one.bin", nil, nil)
	wantStatus(t, resp, 200)
	wantBody(t, got, docFile(t, "one.bin"))
	if resp.DebugLevel != 1 {
		t.Errorf("DebugLevel = %d, want 1", resp.DebugLevel)
	}
	for _, want := range []string{
		"send: \"GET /one.bin HTTP/1.1\\r\\nHost: " + addr + "\\r\\nAccept-Encoding: identity\\r\\n\\r\\n\"\n",
		"reply: \"HTTP/1.1 200 OK\\r\\n\"\n",
		"header: Server: nginx/",
		"header: Content-Length: 1\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("debug output lacks %q:\n%s", want, out.String())
		}
	}
}
