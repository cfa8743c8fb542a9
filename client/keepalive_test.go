package client

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/httpstack/httpstack/message"
)

// TestKeepAlive ports C18, Python's will_close table, adapted to
// deviation 13: Connection is a token list read across every Connection
// field ("enclosed" no longer closes, a second "Connection: close"
// does). Each row answers one request; the next request must reuse the
// socket ("next") or dial a new one ("redial"), and a closing response
// must close its socket once its body is read.
func TestKeepAlive(t *testing.T) {
	cases := []struct {
		name   string
		method string
		head   string // status line and fields, without the blank line
		body   string // sent after the blank line
		read   string // the body read back, when it isn't body
		next   string
	}{
		{name: "C18/11-default-keeps", head: "HTTP/1.1 200 OK\r\nContent-Length: 2", body: "hi", next: "next"},
		{name: "C18/11-close", head: "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2", body: "hi", next: "redial"},
		{name: "C18/11-close-any-case", head: "HTTP/1.1 200 OK\r\nConnection: CLOSE\r\nContent-Length: 2", body: "hi", next: "redial"},
		{name: "C18/11-keep-alive-comma-close", head: "HTTP/1.1 200 OK\r\nConnection: keep-alive, ClOsE\r\nContent-Length: 2", body: "hi", next: "redial"},
		{name: "C18/11-close-without-space", head: "HTTP/1.1 200 OK\r\nConnection: keep-alive,close\r\nContent-Length: 2", body: "hi", next: "redial"},
		{name: "C18/11-close-among-empty-elements", head: "HTTP/1.1 200 OK\r\nConnection: , ,close , \r\nContent-Length: 2", body: "hi", next: "redial"},
		// Python: the substring "close" in "enclosed" closes.
		{name: "C18/11-enclosed-keeps", head: "HTTP/1.1 200 OK\r\nConnection: enclosed\r\nContent-Length: 2", body: "hi", next: "next"},
		{name: "C18/11-closed-token-keeps", head: "HTTP/1.1 200 OK\r\nConnection: closed\r\nContent-Length: 2", body: "hi", next: "next"},
		{name: "C18/11-keep-alive", head: "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2", body: "hi", next: "next"},
		{name: "C18/11-upgrade", head: "HTTP/1.1 200 OK\r\nConnection: Upgrade\r\nContent-Length: 2", body: "hi", next: "next"},
		// Python reads only the first Connection field and keeps open.
		{name: "C18/11-keep-alive-then-close-field", head: "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nConnection: close\r\nContent-Length: 2", body: "hi", next: "redial"},
		{name: "C18/11-proxy-connection-close-ignored", head: "HTTP/1.1 200 OK\r\nProxy-Connection: close\r\nContent-Length: 2", body: "hi", next: "next"},
		{name: "C18/10-default-closes", head: "HTTP/1.0 200 OK\r\nContent-Length: 2", body: "hi", next: "redial"},
		{name: "C18/10-empty-keep-alive-field-closes", head: "HTTP/1.0 200 OK\r\nKeep-Alive:\r\nContent-Length: 2", body: "hi", next: "redial"},
		{name: "C18/10-connection-keep-alive", head: "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2", body: "hi", next: "next"},
		{name: "C18/10-connection-keep-alive-any-case", head: "HTTP/1.0 200 OK\r\nConnection: Keep-ALIVE\r\nContent-Length: 2", body: "hi", next: "next"},
		{name: "C18/10-keep-alive-field", head: "HTTP/1.0 200 OK\r\nKeep-Alive: timeout=5\r\nContent-Length: 2", body: "hi", next: "next"},
		{name: "C18/10-proxy-connection-keep-alive", head: "HTTP/1.0 200 OK\r\nProxy-Connection: Keep-Alive\r\nContent-Length: 2", body: "hi", next: "next"},
		{name: "C18/10-keep-alive-and-close", head: "HTTP/1.0 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 2", body: "hi", next: "redial"},
		{name: "C18/10-keep-alive-field-and-close", head: "HTTP/1.0 200 OK\r\nKeep-Alive: timeout=5\r\nConnection: close\r\nContent-Length: 2", body: "hi", next: "redial"},
		{name: "C18/11-no-framing-closes", head: "HTTP/1.1 200 OK", body: "until-close", read: "until-close" + replyNext, next: "redial"},
		{name: "C18/10-keep-alive-without-length-closes", head: "HTTP/1.0 200 OK\r\nConnection: keep-alive", body: "until-close", read: "until-close" + replyNext, next: "redial"},
		{name: "C18/11-204-keeps", head: "HTTP/1.1 204 No Content", next: "next"},
		{name: "C18/10-204-closes", head: "HTTP/1.0 204 No Content", next: "redial"},
		{name: "C18/11-304-keeps", head: "HTTP/1.1 304 Not Modified", next: "next"},
		{name: "C18/11-head-keeps", method: "HEAD", head: "HTTP/1.1 200 OK\r\nContent-Length: 100", next: "next"},
		{name: "C18/11-chunked-keeps", head: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked", body: "2\r\nhi\r\n0\r\n\r\n", read: "hi", next: "next"},
		{name: "C18/10-chunked-closes", head: "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked", body: "2\r\nhi\r\n0\r\n\r\n", read: "hi", next: "redial"},
		// RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 is faulty framing,
		// processed and then closed, whatever Connection says (Python
		// keeps it open).
		{name: "C18/10-chunked-keep-alive-closes", head: "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked", body: "2\r\nhi\r\n0\r\n\r\n", read: "hi", next: "redial"},
		{name: "C18/101-closes", head: "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: x", next: "redial"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = "GET"
			}
			x := newFakeExchange(t, nil, tc.head+"\r\n\r\n"+tc.body+replyNext, replyRedial)
			r, err := x.roundTrip(t, method, "/")
			if err != nil {
				t.Fatal(err)
			}
			closing := tc.next == "redial"
			// A closing response takes the socket; a kept one stays
			// pending on the Conn.
			if held := x.c.conn() != nil; held == closing {
				t.Fatalf("Conn holds the socket: %v, closing %v", held, closing)
			}
			if pending := x.c.pending == r; pending == closing {
				t.Fatalf("response pending on the Conn: %v, closing %v", pending, closing)
			}
			b, err := readBody(r, 512)
			if err != nil {
				t.Fatalf("body: %v", err)
			}
			want := tc.body
			if tc.read != "" {
				want = tc.read
			}
			if string(b) != want {
				t.Fatalf("body %q, want %q", b, want)
			}
			if got := x.conn(t, 0).Closed(); got != closing {
				t.Fatalf("socket closed after the body: %v, want %v", got, closing)
			}
			x.checkNext(t, tc.next)
		})
	}
}

// TestSummarize checks the one pass over a response's fields that
// framing and keep-alive rest on: Connection token matching (RFC 9110
// §7.6.1 lists; ASCII case-insensitive), the framing values in order,
// Keep-Alive and Proxy-Connection.
func TestSummarize(t *testing.T) {
	cases := []struct {
		name string
		h    message.Header
		want headSummary
	}{
		{"single", hdr("Connection", "close"), headSummary{connClose: true}},
		{"case", hdr("connection", "Close"), headSummary{connClose: true}},
		{"list", hdr("Connection", "a, close"), headSummary{connClose: true}},
		{"spaces-and-tabs", hdr("Connection", "a,\t close \t,b"), headSummary{connClose: true}},
		{"second-field", hdr("Connection", "a", "Connection", "close"), headSummary{connClose: true}},
		{"both-tokens", hdr("Connection", "keep-alive, close"), headSummary{connClose: true, connKeepAlive: true}},
		{"substring", hdr("Connection", "enclosed"), headSummary{}},
		{"prefix", hdr("Connection", "close-ish"), headSummary{}},
		{"other-field", hdr("X-Connection", "close", "Connection2", "close"), headSummary{}},
		{"empty", hdr("Connection", ""), headSummary{}},
		{"none", hdr(), headSummary{}},
		{"keep-alive-token", hdr("CONNECTION", "Keep-Alive"), headSummary{connKeepAlive: true}},
		{"proxy-connection", hdr("proxy-connection", "keep-alive"), headSummary{connKeepAlive: true}},
		{"proxy-connection-close-ignored", hdr("Proxy-Connection", "close"), headSummary{}},
		{"keep-alive-field", hdr("keep-alive", "timeout=5"), headSummary{keepAlive: true}},
		{"keep-alive-first-empty", hdr("Keep-Alive", "", "Keep-Alive", "timeout=5"), headSummary{}},
		{"framing-values-in-order", hdr("content-length", "3", "Transfer-Encoding", "gzip", "Content-Length", "4", "TRANSFER-ENCODING", "chunked"),
			headSummary{te: []string{"gzip", "chunked"}, cl: []string{"3", "4"}}},
		{"lookalikes", hdr("Content-Lengths", "3", "Transfer-Encodin", "chunked", "Content_Length", "1"), headSummary{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := summarize(tc.h, nil, nil)
			if !cmp.Equal(got, tc.want, cmp.AllowUnexported(headSummary{}), cmpopts.EquateEmpty()) {
				t.Fatalf("summarize(%v) = %+v, want %+v", tc.h, got, tc.want)
			}
		})
	}
}
