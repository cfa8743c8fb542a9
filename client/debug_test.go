package client

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/httpstack/httpstack/message"
	"github.com/httpstack/httpstack/testutil"
)

// Debug transcripts D01–D05 of reference §6, with deviation 21: Python's
// lines with Go quoting, written to WithDebugOutput.

func TestDebugTranscript(t *testing.T) {
	tests := []struct {
		name    string
		host    string
		level   int
		tunnel  string
		tHeader message.Header
		reply   string
		method  string
		body    any
		header  message.Header
		want    string
	}{
		{
			name:  "D01/request-100-response",
			level: 1,
			reply: "HTTP/1.1 100 Continue\r\nX-Hundred: 1\r\n\r\n" +
				"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nSet-Cookie: a\r\nSet-Cookie: b\r\n\r\nhi",
			method: "POST", body: "body", header: rqHdr("X-A", "v"),
			// Deviation 7: the small body is in the same send as the head.
			want: `send: "POST /p HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\nContent-Length: 4\r\nX-A: v\r\n\r\nbody"` + "\n" +
				`reply: "HTTP/1.1 100 Continue\r\n"` + "\n" +
				`headers: ["X-Hundred: 1\r\n", "\r\n"]` + "\n" +
				`reply: "HTTP/1.1 200 OK\r\n"` + "\n" +
				"header: Content-Length: 2\n" +
				"header: Set-Cookie: a\n" +
				"header: Set-Cookie: b\n",
		},
		{
			name:   "D01/100-without-fields",
			level:  2,
			reply:  "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
			method: "GET",
			want: `send: "GET /p HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\n\r\n"` + "\n" +
				`reply: "HTTP/1.1 100 Continue\r\n"` + "\n" +
				`headers: ["\r\n"]` + "\n" +
				`reply: "HTTP/1.1 204 No Content\r\n"` + "\n",
		},
		{
			name:   "D02/unsized-seq-with-empty-piece",
			level:  1,
			reply:  "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
			method: "POST", body: rqSeq("ab", "", "cde"),
			want: "Unable to determine size of iter.Seq[[]uint8]\n" +
				`send: "POST /p HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\nTransfer-Encoding: chunked\r\n\r\n"` + "\n" +
				`send: "2\r\nab\r\n"` + "\n" +
				"Zero length chunk ignored\n" +
				`send: "3\r\ncde\r\n"` + "\n" +
				`send: "0\r\n\r\n"` + "\n" +
				`reply: "HTTP/1.1 200 OK\r\n"` + "\n" +
				"header: Content-Length: 0\n",
		},
		{
			// Python 3.12+ prints the CONNECT send and each raw proxy
			// header line with its CRLF; ours prints the parsed fields
			// (the CONNECT is written by transport.Tunnel, see Trace.Send).
			name:   "D03/tunnel",
			level:  1,
			tunnel: "destination.com", tHeader: rqHdr("Proxy-Authorization", "Basic dTpw"),
			reply:  "HTTP/1.1 200 Connection established\r\nX-Dummy: 1\r\nProxy-Agent: p\r\n\r\n" + rqOK,
			method: "GET",
			want: "header: X-Dummy: 1\n" +
				"header: Proxy-Agent: p\n" +
				`send: "GET /p HTTP/1.1\r\nHost: destination.com\r\nAccept-Encoding: identity\r\n\r\n"` + "\n" +
				`reply: "HTTP/1.1 200 OK\r\n"` + "\n" +
				"header: Content-Length: 2\n",
		},
		{
			name:   "D03/tunnel-refused",
			level:  1,
			tunnel: "destination.com",
			reply:  "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n",
			method: "GET",
			want:   "header: Proxy-Authenticate: Basic\n",
		},
		{
			// Python: "reading a readable" and "encoding file using
			// iso-8859-1" for a text file; Go readers give bytes.
			name:   "D04/reader-body",
			level:  1,
			reply:  "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
			method: "POST", body: strings.NewReader("h\xe9llo"),
			want: "Unable to determine size of *strings.Reader\n" +
				`send: "POST /p HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\nTransfer-Encoding: chunked\r\n\r\n"` + "\n" +
				"reading a readable\n" +
				`send: "5\r\nh\xe9llo\r\n"` + "\n" +
				`send: "0\r\n\r\n"` + "\n" +
				`reply: "HTTP/1.1 200 OK\r\n"` + "\n" +
				"header: Content-Length: 0\n",
		},
		{
			name:   "D04/reader-with-content-length",
			level:  1,
			reply:  "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
			method: "PUT", body: strings.NewReader("abc"), header: rqHdr("Content-Length", "3"),
			want: `send: "PUT /p HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\nContent-Length: 3\r\n\r\n"` + "\n" +
				"reading a readable\n" +
				`send: "abc"` + "\n" +
				`reply: "HTTP/1.1 200 OK\r\n"` + "\n" +
				"header: Content-Length: 0\n",
		},
		{
			// Python prints the folded value with its raw CRLF
			// ("header: Fold: a\r\n b"); ours is unfolded (deviation 10).
			name:   "D05/response-headers-folded",
			level:  1,
			reply:  "HTTP/1.1 404 Not Found\r\nFold: a\r\n b\r\nX-Empty:\r\nContent-Length: 0\r\n\r\n",
			method: "GET",
			want: `send: "GET /p HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\n\r\n"` + "\n" +
				`reply: "HTTP/1.1 404 Not Found\r\n"` + "\n" +
				"header: Fold: a b\n" +
				"header: X-Empty: \n" +
				"header: Content-Length: 0\n",
		},
		{
			name:   "D05/status-line-quoting",
			level:  1,
			reply:  "HTTP/1.0 200 caf\xe9 \"ok\"\r\nContent-Length: 0\r\n\r\n",
			method: "GET",
			want: `send: "GET /p HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\n\r\n"` + "\n" +
				`reply: "HTTP/1.0 200 caf\xe9 \"ok\"\r\n"` + "\n" +
				"header: Content-Length: 0\n",
		},
		{
			name:   "D05/status-without-reason",
			level:  1,
			reply:  "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n",
			method: "GET",
			want: `send: "GET /p HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\n\r\n"` + "\n" +
				`reply: "HTTP/1.1 200\r\n"` + "\n" +
				"header: Content-Length: 0\n",
		},
		{
			name:   "level-0-is-silent",
			level:  0,
			reply:  "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
			method: "POST", body: rqSeq("a", ""),
			want: "",
		},
		{
			name:   "negative-level-is-silent",
			level:  -1,
			reply:  "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
			method: "GET",
			want:   "",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			var buf bytes.Buffer
			host := tc.host
			if host == "" {
				host = "example.com"
			}
			d := testutil.NewFakeDialer(tc.reply)
			c, err := New(host, WithDialer(d), WithDebugOutput(&buf))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDebugLevel(tc.level)
			if tc.tunnel != "" {
				if err := c.SetTunnel(tc.tunnel, 0, tc.tHeader); err != nil {
					t.Fatal(err)
				}
			}
			if err := c.Request(ctx, tc.method, "/p", tc.body, tc.header); err == nil {
				r, err := c.GetResponse(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if r.DebugLevel != tc.level {
					t.Errorf("Response.DebugLevel = %d, want %d", r.DebugLevel, tc.level)
				}
				if _, err := io.ReadAll(r); err != nil {
					t.Fatal(err)
				}
				r.Close()
			}
			if diff := cmp.Diff(strings.Split(tc.want, "\n"), strings.Split(buf.String(), "\n")); diff != "" {
				t.Errorf("transcript (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDebugSend checks the transcript of Send, which writes data as it is.
func TestDebugSend(t *testing.T) {
	var buf bytes.Buffer
	c, err := New("example.com", WithDialer(testutil.NewFakeDialer()), WithDebugOutput(&buf), WithBlocksize(4))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDebugLevel(1)
	ctx := context.Background()
	for _, data := range []any{"ab\x00", []byte("\xff"), strings.NewReader("123456"), rqSeq("", "x")} {
		if err := c.Send(ctx, data); err != nil {
			t.Fatal(err)
		}
	}
	want := `send: "ab\x00"` + "\n" +
		`send: "\xff"` + "\n" +
		"reading a readable\n" +
		`send: "1234"` + "\n" +
		`send: "56"` + "\n" +
		"Zero length chunk ignored\n" +
		`send: "x"` + "\n"
	if diff := cmp.Diff(strings.Split(want, "\n"), strings.Split(buf.String(), "\n")); diff != "" {
		t.Errorf("transcript (-want +got):\n%s", diff)
	}
}

// TestTraceSend checks that the blocks Trace.Send sees are exactly the
// Writes made, in order, for every kind of body (the audit event
// http.client.send).
func TestTraceSend(t *testing.T) {
	big := strings.Repeat("B", maxCoalesce+1)
	tests := []struct {
		name   string
		method string
		body   any
		header message.Header
		opts   []Option
		nSends int
	}{
		{"no-body", "GET", nil, nil, nil, 1},
		{"small-bytes", "POST", []byte("xy"), nil, nil, 1},
		{"big-string", "POST", big, nil, nil, 2},
		{"reader", "PUT", strings.NewReader(strings.Repeat("a", 9)), nil, []Option{WithBlocksize(8)}, 4},
		{"seq", "POST", rqSeq("ab", "", "cde"), nil, nil, 4},
		{"raw-seq", "POST", rqSeq("one", "two"), rqHdr("Content-Length", "6"), nil, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var sends [][]byte
			tr := &Trace{Send: func(p []byte) { sends = append(sends, bytes.Clone(p)) }}
			c, d := rqNew(t, "example.com", []string{"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"}, append(tc.opts, WithTrace(tr))...)
			if err := c.Request(context.Background(), tc.method, "/", tc.body, tc.header); err != nil {
				t.Fatal(err)
			}
			writes := rqWritten(t, d).Writes()
			if diff := cmp.Diff(writes, sends); diff != "" {
				t.Errorf("Trace.Send blocks differ from Writes (-writes +sends):\n%s", diff)
			}
			if len(sends) != tc.nSends {
				t.Errorf("%d sends, want %d", len(sends), tc.nSends)
			}
		})
	}
}

// TestTraceOrder checks every hook of a plain exchange, in order: Connect
// with the host and port given to New (the audit event
// http.client.connect), the sends, the first response byte, each interim
// response (103 Early Hints among them, deviation 12), and a second
// Connect after the server closed the connection.
func TestTraceOrder(t *testing.T) {
	tests := []struct {
		name    string
		host    string
		opts    []Option
		replies []string
		want    []string
	}{
		{
			name:    "keep-alive",
			host:    "example.com:8080",
			replies: []string{rqOK + rqOK},
			want: []string{
				"connect example.com 8080",
				"send GET /0", "first-byte",
				"send GET /1", "first-byte",
			},
		},
		{
			name:    "redial-after-close",
			host:    "b\u00fccher.example",
			replies: []string{"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nhi", rqOK},
			want: []string{
				"connect xn--bcher-kva.example 80",
				"send GET /0", "first-byte",
				"connect xn--bcher-kva.example 80",
				"send GET /1", "first-byte",
			},
		},
		{
			name: "interim-responses",
			host: "[::1]",
			opts: []Option{WithPort(81)},
			replies: []string{
				"HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\nLink: </a.js>; rel=preload\r\n\r\n" +
					"HTTP/1.1 100 Continue\r\n\r\n" +
					"HTTP/1.1 102 Processing\r\nX: 1\r\n\r\n" +
					rqOK +
					"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n",
			},
			want: []string{
				"connect ::1 81",
				"send GET /0", "first-byte",
				`1xx 103 [{Link </s.css>; rel=preload} {Link </a.js>; rel=preload}]`,
				"1xx 100 []",
				"1xx 102 [{X 1}]",
				// 101 is a final response, not an interim one.
				"send GET /1", "first-byte",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			var events []string
			tr := &Trace{
				Connect: func(host string, port int) { events = append(events, fmt.Sprint("connect ", host, " ", port)) },
				Send: func(p []byte) {
					line, _, _ := strings.Cut(string(p), " HTTP/1.1")
					events = append(events, "send "+line)
				},
				GotFirstResponseByte: func() { events = append(events, "first-byte") },
				Got1xxResponse: func(code int, h message.Header) {
					events = append(events, fmt.Sprint("1xx ", code, " ", h))
				},
				TLSHandshakeDone: nil,
			}
			d := testutil.NewFakeDialer(tc.replies...)
			c, err := New(tc.host, append([]Option{WithDialer(d), WithTrace(tr)}, tc.opts...)...)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			for i := range 2 {
				if err := c.Request(ctx, "GET", fmt.Sprint("/", i), nil, nil); err != nil {
					t.Fatal(err)
				}
				r, err := c.GetResponse(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := io.ReadAll(r); err != nil {
					t.Fatal(err)
				}
				r.Close()
			}
			if diff := cmp.Diff(tc.want, events); diff != "" {
				t.Errorf("trace events (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTraceConnectArgs checks that Trace.Connect reports what New was
// given (after IDNA and port defaulting), for NewTLS and tunnels too, even
// when the dial then fails.
func TestTraceConnectArgs(t *testing.T) {
	tests := []struct {
		name   string
		tls    bool
		host   string
		tunnel string
		want   string
	}{
		{"plain-default-port", false, "example.com", "", "example.com 80"},
		{"tls-default-port", true, "secure.example", "", "secure.example 443"},
		{"tls-port-80", true, "secure.example:80", "", "secure.example 80"},
		{"ipv6-zone", false, "[fe80::1%eth0]:8080", "", "fe80::1%eth0 8080"},
		{"tunnel-reports-proxy", false, "proxy.example:3128", "destination.com:8888", "proxy.example 3128"},
		{"tls-tunnel-reports-proxy", true, "proxy.example:3128", "destination.com", "proxy.example 3128"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			tr := &Trace{Connect: func(host string, port int) { got = append(got, fmt.Sprint(host, " ", port)) }}
			ctor := New
			if tc.tls {
				ctor = NewTLS
			}
			d := testutil.NewFakeDialer(rqProxyOK)
			c, err := ctor(tc.host, WithDialer(d), WithTrace(tr))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if tc.tunnel != "" {
				if err := c.SetTunnel(tc.tunnel, 0, nil); err != nil {
					t.Fatal(err)
				}
			}
			c.Connect(context.Background()) // TLS over a FakeConn fails; the hook has run
			if diff := cmp.Diff([]string{tc.want}, got); diff != "" {
				t.Errorf("Trace.Connect (-want +got):\n%s", diff)
			}
		})
	}
}
