package client

import (
	"bytes"
	"context"
	"io"
	"iter"
	"net"
	"slices"
	"strings"
	"syscall"
	"testing"
	"testing/iotest"
	"time"

	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/message"
	"github.com/httpstack/httpstack/testutil"
)

// Request serialization scenarios Q01–Q37 of reference §7, adapted to the
// Go body types and to docs/deviations.md (client-deviations.md): every
// row checks the whole byte stream and, where the scenario is about write
// calls, the boundaries of every Write.

// rqH is Python's H: the automatic headers of a request to example.com.
const rqH = "Host: example.com\r\nAccept-Encoding: identity\r\n"

// rqHdr builds a Header from name, value pairs.
func rqHdr(kv ...string) message.Header {
	h := make(message.Header, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		h = append(h, message.Field{Name: kv[i], Value: kv[i+1]})
	}
	return h
}

// rqSeq returns the pieces as an iter.Seq[[]byte], the Go counterpart of a
// Python iterable body.
func rqSeq(pieces ...string) iter.Seq[[]byte] {
	bs := make([][]byte, len(pieces))
	for i, p := range pieces {
		bs[i] = []byte(p)
	}
	return slices.Values(bs)
}

// rqNew returns a Conn to host over a FakeDialer serving replies.
func rqNew(t *testing.T, host string, replies []string, opts ...Option) (*Conn, *testutil.FakeDialer) {
	t.Helper()
	d := testutil.NewFakeDialer(replies...)
	c, err := New(host, append([]Option{WithDialer(d)}, opts...)...)
	if err != nil {
		t.Fatalf("New(%q): %v", host, err)
	}
	t.Cleanup(func() { c.Close() })
	return c, d
}

// rqWritten returns the bytes written on the only connection dialled.
func rqWritten(t *testing.T, d *testutil.FakeDialer) *testutil.FakeConn {
	t.Helper()
	conns := d.Conns()
	if len(conns) != 1 {
		t.Fatalf("dialled %d connections (%q), want 1", len(conns), d.Dials())
	}
	return conns[0]
}

// rqCheckBytes compares the whole stream and, if writes is not nil, every
// Write boundary.
func rqCheckBytes(t *testing.T, fc *testutil.FakeConn, want string, writes []string) {
	t.Helper()
	if diff := testutil.ByteDiff([]byte(want), fc.Written()); diff != "" {
		t.Errorf("bytes written:\n%s\nwant %q\n got %q", diff, want, fc.Written())
	}
	if writes == nil {
		return
	}
	got := fc.Writes()
	if len(got) != len(writes) {
		t.Errorf("%d Writes, want %d:\n got %q\nwant %q", len(got), len(writes), got, writes)
		return
	}
	for i := range writes {
		if string(got[i]) != writes[i] {
			t.Errorf("Write %d = %q, want %q", i, got[i], writes[i])
		}
	}
}

// rqReader is an io.Reader that is nothing else (no WriterTo, no Len), as
// a Python file object is just something with read().
type rqReader struct{ r io.Reader }

func (r rqReader) Read(p []byte) (int, error) { return r.r.Read(p) }

func TestRequestBytes(t *testing.T) {
	big := strings.Repeat("b", maxCoalesce)
	bigger := big + "!"
	alpha := "abcdefghijklmnopqrstuvwxyz"
	tests := []struct {
		name           string
		opts           []Option
		method, target string
		body           any
		header         message.Header
		ropts          []RequestOption
		want           string
		writes         []string // nil: boundaries not checked
	}{
		{
			name: "Q01/get-root", method: "GET", target: "/",
			want:   "GET / HTTP/1.1\r\n" + rqH + "\r\n",
			writes: []string{"GET / HTTP/1.1\r\n" + rqH + "\r\n"},
		},
		{
			name: "Q02/empty-target-is-slash", method: "GET", target: "",
			want: "GET / HTTP/1.1\r\n" + rqH + "\r\n",
		},
		{name: "Q03/POST-nil-body", method: "POST", target: "/", want: "POST / HTTP/1.1\r\n" + rqH + "Content-Length: 0\r\n\r\n"},
		{name: "Q03/PUT-nil-body", method: "PUT", target: "/", want: "PUT / HTTP/1.1\r\n" + rqH + "Content-Length: 0\r\n\r\n"},
		{name: "Q03/PATCH-nil-body", method: "PATCH", target: "/", want: "PATCH / HTTP/1.1\r\n" + rqH + "Content-Length: 0\r\n\r\n"},
		{name: "Q03/lowercase-post-nil-body", method: "post", target: "/", want: "post / HTTP/1.1\r\n" + rqH + "Content-Length: 0\r\n\r\n"},
		{name: "Q03/pUt-nil-body", method: "pUt", target: "/", want: "pUt / HTTP/1.1\r\n" + rqH + "Content-Length: 0\r\n\r\n"},
		{name: "Q03/GET-nil-body", method: "GET", target: "/", want: "GET / HTTP/1.1\r\n" + rqH + "\r\n"},
		{name: "Q03/DELETE-nil-body", method: "DELETE", target: "/", want: "DELETE / HTTP/1.1\r\n" + rqH + "\r\n"},
		{name: "Q03/HEAD-nil-body", method: "HEAD", target: "/", want: "HEAD / HTTP/1.1\r\n" + rqH + "\r\n"},
		{name: "Q03/OPTIONS-star", method: "OPTIONS", target: "*", want: "OPTIONS * HTTP/1.1\r\n" + rqH + "\r\n"},
		{name: "Q03/CONNECT-nil-body", method: "CONNECT", target: "/", want: "CONNECT / HTTP/1.1\r\n" + rqH + "\r\n"},
		{name: "Q03/TRACE-nil-body", method: "TRACE", target: "/", want: "TRACE / HTTP/1.1\r\n" + rqH + "\r\n"},
		{name: "Q03/POSTX-is-not-POST", method: "POSTX", target: "/", want: "POSTX / HTTP/1.1\r\n" + rqH + "\r\n"},
		{
			name: "Q04/GET-empty-string-body", method: "GET", target: "/", body: "",
			want:   "GET / HTTP/1.1\r\n" + rqH + "Content-Length: 0\r\n\r\n",
			writes: []string{"GET / HTTP/1.1\r\n" + rqH + "Content-Length: 0\r\n\r\n"},
		},
		{
			name: "Q04/GET-empty-bytes-body", method: "GET", target: "/", body: []byte{},
			want: "GET / HTTP/1.1\r\n" + rqH + "Content-Length: 0\r\n\r\n",
		},
		{
			// Strings are bytes: no Latin-1 step (deviation 5).
			name: "Q05/latin1-byte-string", method: "POST", target: "/", body: "caf\xe9",
			want:   "POST / HTTP/1.1\r\n" + rqH + "Content-Length: 4\r\n\r\ncaf\xe9",
			writes: []string{"POST / HTTP/1.1\r\n" + rqH + "Content-Length: 4\r\n\r\ncaf\xe9"},
		},
		{
			// Python: UnicodeEncodeError. Go sends the UTF-8 bytes.
			name: "Q05/utf8-string-is-bytes", method: "POST", target: "/", body: "snow\u2603man",
			want: "POST / HTTP/1.1\r\n" + rqH + "Content-Length: 10\r\n\r\nsnow\xe2\x98\x83man",
		},
		{
			name: "Q06/bytes-body", method: "POST", target: "/", body: []byte("xyz"),
			want:   "POST / HTTP/1.1\r\n" + rqH + "Content-Length: 3\r\n\r\nxyz",
			writes: []string{"POST / HTTP/1.1\r\n" + rqH + "Content-Length: 3\r\n\r\nxyz"},
		},
		{
			// A nil []byte is an empty body, not a missing one.
			name: "Q06/nil-bytes-is-empty-body", method: "GET", target: "/", body: []byte(nil),
			want: "GET / HTTP/1.1\r\n" + rqH + "Content-Length: 0\r\n\r\n",
		},
		{
			name: "Q06/binary-bytes-body", method: "POST", target: "/", body: []byte{1, 0, 0, 0, 2, 0, 0, 0},
			want: "POST / HTTP/1.1\r\n" + rqH + "Content-Length: 8\r\n\r\n\x01\x00\x00\x00\x02\x00\x00\x00",
		},
		{
			name: "Q07/reader-is-chunked", method: "POST", target: "/", body: rqReader{strings.NewReader("hello")},
			want: "POST / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
			writes: []string{
				"POST / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\n",
				"5\r\nhello\r\n",
				"0\r\n\r\n",
			},
		},
		{
			// A *bytes.Reader has a known Len, but like Python's BytesIO it
			// is a file and is sent chunked.
			name: "Q07/bytes-reader-is-chunked", method: "POST", target: "/", body: bytes.NewReader([]byte("hello")),
			want: "POST / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
		},
		{
			name: "Q07/bytes-buffer-is-chunked", method: "PUT", target: "/", body: bytes.NewBufferString("hello"),
			want: "PUT / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
		},
		{
			name: "Q07/empty-reader", method: "POST", target: "/", body: strings.NewReader(""),
			want:   "POST / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
			writes: []string{"POST / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\n", "0\r\n\r\n"},
		},
		{
			name: "Q08/latin1-text-reader", method: "POST", target: "/", body: strings.NewReader("h\xe9llo"),
			want: "POST / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\n5\r\nh\xe9llo\r\n0\r\n\r\n",
		},
		{
			name: "Q08/utf8-text-reader", method: "POST", target: "/", body: strings.NewReader("h\u00e9llo"),
			want: "POST / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\n6\r\nh\xc3\xa9llo\r\n0\r\n\r\n",
		},
		{
			name: "Q09/seq-skips-empty-piece", method: "POST", target: "/", body: rqSeq("ab", "", "cde"),
			want: "POST / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\n2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n",
			writes: []string{
				"POST / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\n",
				"2\r\nab\r\n",
				"3\r\ncde\r\n",
				"0\r\n\r\n",
			},
		},
		{
			name: "Q10/empty-seq", method: "POST", target: "/", body: rqSeq(),
			want:   "POST / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
			writes: []string{"POST / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\n", "0\r\n\r\n"},
		},
		{
			// A func literal is a func(func([]byte) bool), not an
			// iter.Seq[[]byte], yet it is the same thing to a caller.
			name: "Q09/func-literal-seq", method: "POST", target: "/",
			body: func(yield func([]byte) bool) {
				_ = yield([]byte("ab")) && yield([]byte("cde"))
			},
			want: "POST / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\n2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n",
		},
		{
			name: "Q11/seq-with-content-length-is-raw", method: "POST", target: "/",
			body: rqSeq("one", "two"), header: rqHdr("Content-Length", "6"),
			want:   "POST / HTTP/1.1\r\n" + rqH + "Content-Length: 6\r\n\r\nonetwo",
			writes: []string{"POST / HTTP/1.1\r\n" + rqH + "Content-Length: 6\r\n\r\n", "one", "two"},
		},
		{
			name: "Q11/reader-with-content-length-is-raw", method: "PUT", target: "/",
			body: strings.NewReader("hello"), header: rqHdr("content-length", "5"),
			want:   "PUT / HTTP/1.1\r\n" + rqH + "content-length: 5\r\n\r\nhello",
			writes: []string{"PUT / HTTP/1.1\r\n" + rqH + "content-length: 5\r\n\r\n", "hello"},
		},
		{
			// The caller's Content-Length is sent as given, even if wrong.
			name: "Q11/wrong-content-length-sent-as-given", method: "POST", target: "/",
			body: "body", header: rqHdr("Content-Length", "42"),
			want: "POST / HTTP/1.1\r\n" + rqH + "Content-Length: 42\r\n\r\nbody",
		},
		{
			name: "Q11/content-length-beats-encode-chunked", method: "POST", target: "/",
			body: rqSeq("one", "two"), header: rqHdr("Content-Length", "6", "Transfer-Encoding", "chunked"),
			ropts: []RequestOption{EncodeChunked()},
			want:  "POST / HTTP/1.1\r\n" + rqH + "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\nonetwo",
		},
		{
			name: "Q12/seq-with-te-no-encode-is-raw", method: "POST", target: "/",
			body: rqSeq("one", "two"), header: rqHdr("Transfer-Encoding", "chunked"),
			want:   "POST / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\nonetwo",
			writes: []string{"POST / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\n", "one", "two"},
		},
		{
			name: "Q13/seq-with-te-and-encode-chunked", method: "POST", target: "/",
			body: rqSeq("one", "two"), header: rqHdr("Transfer-Encoding", "gzip, chunked"),
			ropts: []RequestOption{EncodeChunked()},
			want:  "POST / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: gzip, chunked\r\n\r\n3\r\none\r\n3\r\ntwo\r\n0\r\n\r\n",
			writes: []string{
				"POST / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: gzip, chunked\r\n\r\n",
				"3\r\none\r\n", "3\r\ntwo\r\n", "0\r\n\r\n",
			},
		},
		{
			name: "Q13/bytes-with-te-and-encode-chunked-is-one-chunk", method: "POST", target: "/",
			body: []byte("abc"), header: rqHdr("transfer-encoding", "chunked"),
			ropts:  []RequestOption{EncodeChunked()},
			want:   "POST / HTTP/1.1\r\n" + rqH + "transfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
			writes: []string{"POST / HTTP/1.1\r\n" + rqH + "transfer-encoding: chunked\r\n\r\n", "3\r\nabc\r\n", "0\r\n\r\n"},
		},
		{
			name: "Q13/string-with-te-and-encode-chunked-is-one-chunk", method: "POST", target: "/",
			body: "abc", header: rqHdr("Transfer-Encoding", "chunked"),
			ropts:  []RequestOption{EncodeChunked()},
			want:   "POST / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
			writes: []string{"POST / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\n", "3\r\nabc\r\n", "0\r\n\r\n"},
		},
		{
			name: "Q13/empty-string-with-te-and-encode-chunked", method: "POST", target: "/",
			body: "", header: rqHdr("Transfer-Encoding", "chunked"),
			ropts:  []RequestOption{EncodeChunked()},
			want:   "POST / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
			writes: []string{"POST / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\n", "0\r\n\r\n"},
		},
		{
			// Python sends no body at all for body=None, leaving a chunked
			// message unterminated; ours is an empty chunked body.
			name: "Q13/nil-body-with-te-and-encode-chunked-is-empty-body", method: "POST", target: "/",
			header: rqHdr("Transfer-Encoding", "chunked"), ropts: []RequestOption{EncodeChunked()},
			want:   "POST / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
			writes: []string{"POST / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\n", "0\r\n\r\n"},
		},
		{
			name: "Q14/encode-chunked-ignored-without-te", method: "POST", target: "/",
			body: []byte("abc"), ropts: []RequestOption{EncodeChunked()},
			want:   "POST / HTTP/1.1\r\n" + rqH + "Content-Length: 3\r\n\r\nabc",
			writes: []string{"POST / HTTP/1.1\r\n" + rqH + "Content-Length: 3\r\n\r\nabc"},
		},
		{
			name: "Q14/encode-chunked-nil-body-without-te", method: "POST", target: "/",
			ropts: []RequestOption{EncodeChunked()},
			want:  "POST / HTTP/1.1\r\n" + rqH + "Content-Length: 0\r\n\r\n",
		},
		{
			name: "Q15/26-byte-chunk-is-1A", method: "POST", target: "/", body: rqSeq(alpha),
			want: "POST / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\n1A\r\n" + alpha + "\r\n0\r\n\r\n",
		},
		{
			name: "Q15/255-byte-chunk-is-FF", method: "POST", target: "/", body: rqSeq(strings.Repeat("z", 255)),
			want: "POST / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\nFF\r\n" + strings.Repeat("z", 255) + "\r\n0\r\n\r\n",
		},
		{
			name: "Q16/header-order", method: "POST", target: "/p", body: []byte("xy"),
			header: rqHdr("X-A", "1", "x-b", "2", "Content-Type", "text/plain"),
			want:   "POST /p HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\nContent-Length: 2\r\nX-A: 1\r\nx-b: 2\r\nContent-Type: text/plain\r\n\r\nxy",
		},
		{
			name: "Q16/repeated-fields-stay-repeated", method: "GET", target: "/",
			header: rqHdr("Cookie", "a=1", "X", "1", "cookie", "b=2"),
			want:   "GET / HTTP/1.1\r\n" + rqH + "Cookie: a=1\r\nX: 1\r\ncookie: b=2\r\n\r\n",
		},
		{
			name: "Q16/values-verbatim", method: "GET", target: "/",
			header: rqHdr("T", " sp ", "Empty", "", "Tab", "a\tb", "Latin", "caf\xe9", "UTF8", "\u2603"),
			want:   "GET / HTTP/1.1\r\n" + rqH + "T:  sp \r\nEmpty: \r\nTab: a\tb\r\nLatin: caf\xe9\r\nUTF8: \xe2\x98\x83\r\n\r\n",
		},
		{
			name: "Q17/explicit-host-suppresses-auto", method: "GET", target: "/",
			header: rqHdr("host", "other:1"),
			want:   "GET / HTTP/1.1\r\nAccept-Encoding: identity\r\nhost: other:1\r\n\r\n",
		},
		{
			name: "Q17/explicit-HOST-keeps-position", method: "POST", target: "/", body: "x",
			header: rqHdr("X-First", "1", "HOST", "h.example"),
			want:   "POST / HTTP/1.1\r\nAccept-Encoding: identity\r\nContent-Length: 1\r\nX-First: 1\r\nHOST: h.example\r\n\r\nx",
		},
		{
			name: "Q18/explicit-accept-encoding-suppresses-auto", method: "GET", target: "/",
			header: rqHdr("ACCEPT-ENCODING", "gzip"),
			want:   "GET / HTTP/1.1\r\nHost: example.com\r\nACCEPT-ENCODING: gzip\r\n\r\n",
		},
		{
			name: "Q18/both-explicit", method: "GET", target: "/",
			header: rqHdr("Accept-Encoding", "br", "Host", "x"),
			want:   "GET / HTTP/1.1\r\nAccept-Encoding: br\r\nHost: x\r\n\r\n",
		},
		{
			name: "Q34/blocksize-8", opts: []Option{WithBlocksize(8)}, method: "PUT", target: "/",
			body: strings.NewReader(strings.Repeat("a", 9)),
			want: "PUT / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\n8\r\naaaaaaaa\r\n1\r\na\r\n0\r\n\r\n",
			writes: []string{
				"PUT / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\n",
				"8\r\naaaaaaaa\r\n", "1\r\na\r\n", "0\r\n\r\n",
			},
		},
		{
			name: "Q34/one-byte-reads", method: "PUT", target: "/",
			body: iotest.OneByteReader(strings.NewReader("abc")),
			want: "PUT / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\n1\r\na\r\n1\r\nb\r\n1\r\nc\r\n0\r\n\r\n",
			writes: []string{
				"PUT / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\n",
				"1\r\na\r\n", "1\r\nb\r\n", "1\r\nc\r\n", "0\r\n\r\n",
			},
		},
		{
			name: "Q34/data-with-eof", method: "PUT", target: "/",
			body: iotest.DataErrReader(strings.NewReader("abc")),
			want: "PUT / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
		},
		{
			name: "Q37/expect-100-continue-body-follows-at-once", method: "POST", target: "/",
			body: "body", header: rqHdr("Expect", "100-continue"),
			want:   "POST / HTTP/1.1\r\n" + rqH + "Content-Length: 4\r\nExpect: 100-continue\r\n\r\nbody",
			writes: []string{"POST / HTTP/1.1\r\n" + rqH + "Content-Length: 4\r\nExpect: 100-continue\r\n\r\nbody"},
		},
		{
			// Deviation 7: up to 16 KiB goes out with the head.
			name: "coalesce/16KiB-bytes-one-write", method: "POST", target: "/", body: []byte(big),
			want:   "POST / HTTP/1.1\r\n" + rqH + "Content-Length: 16384\r\n\r\n" + big,
			writes: []string{"POST / HTTP/1.1\r\n" + rqH + "Content-Length: 16384\r\n\r\n" + big},
		},
		{
			name: "coalesce/16KiB+1-bytes-two-writes", method: "POST", target: "/", body: []byte(bigger),
			want:   "POST / HTTP/1.1\r\n" + rqH + "Content-Length: 16385\r\n\r\n" + bigger,
			writes: []string{"POST / HTTP/1.1\r\n" + rqH + "Content-Length: 16385\r\n\r\n", bigger},
		},
		{
			name: "coalesce/16KiB-string-one-write", method: "PUT", target: "/", body: big,
			writes: []string{"PUT / HTTP/1.1\r\n" + rqH + "Content-Length: 16384\r\n\r\n" + big},
			want:   "PUT / HTTP/1.1\r\n" + rqH + "Content-Length: 16384\r\n\r\n" + big,
		},
		{
			name: "coalesce/16KiB+1-string-two-writes", method: "PUT", target: "/", body: bigger,
			want:   "PUT / HTTP/1.1\r\n" + rqH + "Content-Length: 16385\r\n\r\n" + bigger,
			writes: []string{"PUT / HTTP/1.1\r\n" + rqH + "Content-Length: 16385\r\n\r\n", bigger},
		},
		{
			name: "target/query-and-fragment-sent-as-is", method: "GET", target: "/a?b=c&d#frag",
			want: "GET /a?b=c&d#frag HTTP/1.1\r\n" + rqH + "\r\n",
		},
		{
			name: "target/double-slash-and-no-slash", method: "GET", target: "//double",
			want: "GET //double HTTP/1.1\r\n" + rqH + "\r\n",
		},
		{
			name: "target/no-slash", method: "GET", target: "no-slash",
			want: "GET no-slash HTTP/1.1\r\n" + rqH + "\r\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, d := rqNew(t, "example.com", nil, tc.opts...)
			if err := c.Request(context.Background(), tc.method, tc.target, tc.body, tc.header, tc.ropts...); err != nil {
				t.Fatalf("Request: %v", err)
			}
			rqCheckBytes(t, rqWritten(t, d), tc.want, tc.writes)
			if c.state != stateReqSent {
				t.Errorf("state %v, want Request-sent", c.state)
			}
		})
	}
}

// TestPutRequestBytes covers the step-by-step API: PutRequest (Q26 and
// skip_host/skip_accept_encoding), PutHeader, EndHeaders and Send.
func TestPutRequestBytes(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		run    func(c *Conn) error
		want   string
		writes []string
	}{
		{
			name: "Q26/putheader-continuation-and-empty",
			run: func(c *Conn) error {
				return rqSteps(c.PutRequest("GET", "/"),
					c.PutHeader("A", "v1", "v2", "3"),
					c.PutHeader("Empty"),
					c.PutHeader("B", "True"),
					c.PutHeader("T", " sp "),
					c.EndHeaders(ctx, nil))
			},
			want: "GET / HTTP/1.1\r\n" + rqH + "A: v1\r\n\tv2\r\n\t3\r\nEmpty: \r\nB: True\r\nT:  sp \r\n\r\n",
		},
		{
			name: "Q26/empty-string-value-and-repeats",
			run: func(c *Conn) error {
				return rqSteps(c.PutRequest("GET", "/"),
					c.PutHeader("E", ""),
					c.PutHeader("R", "1"),
					c.PutHeader("R", "2"),
					c.EndHeaders(ctx, nil))
			},
			want: "GET / HTTP/1.1\r\n" + rqH + "E: \r\nR: 1\r\nR: 2\r\n\r\n",
		},
		{
			name: "skip-host",
			run: func(c *Conn) error {
				return rqSteps(c.PutRequest("GET", "/", SkipHost()), c.EndHeaders(ctx, nil))
			},
			want: "GET / HTTP/1.1\r\nAccept-Encoding: identity\r\n\r\n",
		},
		{
			name: "skip-accept-encoding",
			run: func(c *Conn) error {
				return rqSteps(c.PutRequest("GET", "/", SkipAcceptEncoding()), c.EndHeaders(ctx, nil))
			},
			want: "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
		},
		{
			name: "skip-both-then-own",
			run: func(c *Conn) error {
				return rqSteps(c.PutRequest("GET", "/x", SkipHost(), SkipAcceptEncoding()),
					c.PutHeader("Host", "mine"), c.EndHeaders(ctx, nil))
			},
			want: "GET /x HTTP/1.1\r\nHost: mine\r\n\r\n",
		},
		{
			name: "putrequest-adds-no-framing",
			run: func(c *Conn) error {
				return rqSteps(c.PutRequest("POST", "/"), c.EndHeaders(ctx, nil))
			},
			want: "POST / HTTP/1.1\r\n" + rqH + "\r\n",
		},
		{
			// Q35: Python sends the head, then raises TypeError for a str
			// body; Go strings are bytes and go out with the head.
			name: "Q35/endheaders-string-body",
			run: func(c *Conn) error {
				return rqSteps(c.PutRequest("POST", "/"), c.EndHeaders(ctx, "str body"))
			},
			want:   "POST / HTTP/1.1\r\n" + rqH + "\r\nstr body",
			writes: []string{"POST / HTTP/1.1\r\n" + rqH + "\r\nstr body"},
		},
		{
			name: "endheaders-encode-chunked-bytes",
			run: func(c *Conn) error {
				return rqSteps(c.PutRequest("POST", "/"), c.PutHeader("Transfer-Encoding", "chunked"),
					c.EndHeaders(ctx, []byte("abc"), EncodeChunked()))
			},
			want:   "POST / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
			writes: []string{"POST / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\n", "3\r\nabc\r\n", "0\r\n\r\n"},
		},
		{
			name: "endheaders-reader-raw-without-encode-chunked",
			run: func(c *Conn) error {
				return rqSteps(c.PutRequest("PUT", "/"), c.PutHeader("Content-Length", "5"),
					c.EndHeaders(ctx, strings.NewReader("hello")))
			},
			want:   "PUT / HTTP/1.1\r\n" + rqH + "Content-Length: 5\r\n\r\nhello",
			writes: []string{"PUT / HTTP/1.1\r\n" + rqH + "Content-Length: 5\r\n\r\n", "hello"},
		},
		{
			name: "endheaders-nil-encode-chunked-is-empty-body",
			run: func(c *Conn) error {
				return rqSteps(c.PutRequest("POST", "/"), c.PutHeader("Transfer-Encoding", "chunked"),
					c.EndHeaders(ctx, nil, EncodeChunked()))
			},
			want:   "POST / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
			writes: []string{"POST / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\n", "0\r\n\r\n"},
		},
		{
			// Without EncodeChunked the caller frames the body with Send.
			name: "endheaders-nil-then-send-own-chunks",
			run: func(c *Conn) error {
				return rqSteps(c.PutRequest("POST", "/"), c.PutHeader("Transfer-Encoding", "chunked"),
					c.EndHeaders(ctx, nil),
					c.Send(ctx, "2\r\nhi\r\n"), c.Send(ctx, "0\r\n\r\n"))
			},
			want:   "POST / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
			writes: []string{"POST / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\n", "2\r\nhi\r\n", "0\r\n\r\n"},
		},
		{
			name: "send-after-endheaders",
			run: func(c *Conn) error {
				return rqSteps(c.PutRequest("POST", "/"), c.PutHeader("Content-Length", "5"),
					c.EndHeaders(ctx, nil), c.Send(ctx, "hel"), c.Send(ctx, []byte("lo")))
			},
			want:   "POST / HTTP/1.1\r\n" + rqH + "Content-Length: 5\r\n\r\nhello",
			writes: []string{"POST / HTTP/1.1\r\n" + rqH + "Content-Length: 5\r\n\r\n", "hel", "lo"},
		},
		{
			name: "send-seq-is-raw",
			run: func(c *Conn) error {
				return c.Send(ctx, rqSeq("a", "", "bc"))
			},
			want:   "abc",
			writes: []string{"a", "bc"},
		},
		{
			// §1: a 20000-byte file passed to send() makes 3 sendall calls.
			name: "send-reader-in-blocks",
			run: func(c *Conn) error {
				return c.Send(ctx, strings.NewReader(strings.Repeat("r", 20000)))
			},
			want:   strings.Repeat("r", 20000),
			writes: []string{strings.Repeat("r", 8192), strings.Repeat("r", 8192), strings.Repeat("r", 3616)},
		},
		{
			// send() works in any state and writes at once; it must not
			// disturb the head being built.
			name: "send-while-request-started",
			run: func(c *Conn) error {
				return rqSteps(c.PutRequest("GET", "/"), c.PutHeader("X", "1"),
					c.Send(ctx, "early"), c.PutHeader("Y", "2"), c.EndHeaders(ctx, nil))
			},
			want:   "earlyGET / HTTP/1.1\r\n" + rqH + "X: 1\r\nY: 2\r\n\r\n",
			writes: []string{"early", "GET / HTTP/1.1\r\n" + rqH + "X: 1\r\nY: 2\r\n\r\n"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, d := rqNew(t, "example.com", nil)
			if err := tc.run(c); err != nil {
				t.Fatalf("%v", err)
			}
			rqCheckBytes(t, rqWritten(t, d), tc.want, tc.writes)
		})
	}
}

// rqSteps returns the first error of calls already made in order.
func rqSteps(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// rqErrCheck checks an error; it returns a description of what is wrong,
// or "".
type rqErrCheck func(err error) string

// rqIs wants errors.Is(err, target).
func rqIs(target error) rqErrCheck {
	return func(err error) string {
		if !errors.Is(err, target) {
			return "want errors.Is " + target.Error()
		}
		return ""
	}
}

// rqLocalHeader wants a caller-side *errors.HeaderError for name.
func rqLocalHeader(name string) rqErrCheck {
	return func(err error) string {
		var he *errors.HeaderError
		switch {
		case !errors.As(err, &he):
			return "want *errors.HeaderError"
		case he.Remote:
			return "HeaderError.Remote is true for a caller's field"
		case he.Name != name:
			return "HeaderError.Name = " + he.Name + ", want " + name
		case !errors.Is(err, errors.ErrInvalidHeader):
			return "want errors.Is ErrInvalidHeader"
		}
		return ""
	}
}

// rqBadURL wants an *errors.InvalidURLError.
func rqBadURL() rqErrCheck {
	return func(err error) string {
		var ue *errors.InvalidURLError
		if !errors.As(err, &ue) || !errors.Is(err, errors.ErrInvalidURL) {
			return "want *errors.InvalidURLError"
		}
		return ""
	}
}

// rqBadMethod wants ErrInvalidMethod through an *errors.ProtocolError.
func rqBadMethod() rqErrCheck {
	return func(err error) string {
		var pe *errors.ProtocolError
		if !errors.As(err, &pe) || !errors.Is(err, errors.ErrInvalidMethod) {
			return "want *errors.ProtocolError matching ErrInvalidMethod"
		}
		return ""
	}
}

// TestRequestRejected covers Q27–Q30 and Q35/Q36 as adapted by deviations
// 1–5: each bad input is refused with its typed error before anything is
// dialled or written, the connection is left Idle with nothing buffered,
// and a good request sent right after carries nothing of the bad one.
func TestRequestRejected(t *testing.T) {
	ctx := context.Background()
	type row struct {
		name  string
		call  func(c *Conn) error
		check rqErrCheck
	}
	var tests []row
	header := func(name, value string) func(c *Conn) error {
		return func(c *Conn) error {
			return c.Request(ctx, "GET", "/bad", nil, rqHdr("X-Good", "1", name, value))
		}
	}
	putHeader := func(name string, values ...string) func(c *Conn) error {
		return func(c *Conn) error {
			if err := c.PutRequest("GET", "/bad"); err != nil {
				return err
			}
			if err := c.PutHeader("X-Good", "1"); err != nil {
				return err
			}
			return c.PutHeader(name, values...)
		}
	}
	// Q27: names Python rejects too, then names Python accepts but that
	// are not RFC 9110 tokens (deviation 2).
	for _, name := range []string{"", " Lead", "\tLead", ":x", "Bad:Name", "Bad\r\nName", "Trail\n", "\x0bX",
		"Key Space", "KeySpace ", "\xa0NB", "Ctl\x01Name", "X\x0bY", "\u2603", "Del\x7f", "a(b)", "x\"y"} {
		tests = append(tests,
			row{"Q27/request/name=" + name, header(name, "v"), rqLocalHeader(name)},
			row{"Q27/putheader/name=" + name, putHeader(name, "v"), rqLocalHeader(name)})
	}
	// Q28: values Python rejects, then the obs-fold, NUL and DEL values
	// it lets through (deviation 2).
	for _, value := range []string{"v\r\n", "\r", "\n", "a\rb", "a\nb", "a\r\nb", "v\r\nInjected: 1",
		"a\r\n b", "a\n\tb", "a\r b", "a\x00b", "a\x7fb", "a\x01b", "\x1b[0m"} {
		tests = append(tests,
			row{"Q28/request/value=" + value, header("X-Bad", value), rqLocalHeader("X-Bad")},
			row{"Q28/putheader/value=" + value, putHeader("X-Bad", value), rqLocalHeader("X-Bad")})
	}
	tests = append(tests,
		row{"Q28/putheader/second-value-bad", putHeader("X-Bad", "ok", "a\nb"), rqLocalHeader("X-Bad")})
	// Q29: methods (deviation 3: tokens only, so space, DEL, non-ASCII
	// and the empty method are refused too).
	for _, m := range []string{"GET\r", "POST\n", "G\x00T", "G\tT", "\nPUT", "G ET", "G\x7fT", "G\u00c9T", "", "GET /x HTTP/1.1\r\nX:"} {
		tests = append(tests,
			row{"Q29/request/method=" + m, func(c *Conn) error { return c.Request(ctx, m, "/bad", nil, nil) }, rqBadMethod()},
			row{"Q29/putrequest/method=" + m, func(c *Conn) error { return c.PutRequest(m, "/bad") }, rqBadMethod()})
	}
	// Q30: targets (deviation 4: non-ASCII is InvalidURLError too).
	for _, u := range []string{"/a b", "/a\tb", "/a\r\nb", "/\x00", "/\x7f", "/\x1f", "http://h/ x", "/\x80", "/caf\u00e9",
		"/ HTTP/1.1\r\nInjected: 1\r\nX:"} {
		tests = append(tests,
			row{"Q30/request/target=" + u, func(c *Conn) error { return c.Request(ctx, "GET", u, nil, nil) }, rqBadURL()},
			row{"Q30/putrequest/target=" + u, func(c *Conn) error { return c.PutRequest("GET", u) }, rqBadURL()})
	}
	// Q35/Q36: body types (deviation 5: refused before the head is sent).
	for _, b := range []struct {
		name string
		body any
	}{
		{"int", 5}, {"float", 1.5}, {"strings", []string{"a"}}, {"map", map[string]string{}},
		{"struct", struct{}{}}, {"seq-of-string", slices.Values([]string{"a"})}, {"byte-chan", make(chan []byte)},
	} {
		tests = append(tests,
			row{"Q36/request/body=" + b.name, func(c *Conn) error { return c.Request(ctx, "POST", "/bad", b.body, nil) }, rqIs(errors.ErrInvalidBody)},
			row{"Q35/endheaders/body=" + b.name, func(c *Conn) error {
				if err := c.PutRequest("POST", "/bad"); err != nil {
					return err
				}
				return c.EndHeaders(ctx, b.body)
			}, rqIs(errors.ErrInvalidBody)},
			row{"Q35/send/body=" + b.name, func(c *Conn) error { return c.Send(ctx, b.body) }, rqIs(errors.ErrInvalidBody)})
	}

	const good = "GET /good HTTP/1.1\r\n" + rqH + "\r\n"
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, d := rqNew(t, "example.com", nil)
			err := tc.call(c)
			if err == nil {
				t.Fatal("call succeeded, want an error")
			}
			if msg := tc.check(err); msg != "" {
				t.Fatalf("%v: %s", err, msg)
			}
			if !strings.HasPrefix(err.Error(), "http: ") {
				t.Errorf("error %q does not start with \"http: \"", err)
			}
			if c.state != stateIdle || len(c.buf) != 0 {
				t.Errorf("after the error: state %v, %d bytes buffered; want Idle, none", c.state, len(c.buf))
			}
			if n := len(d.Dials()); n != 0 {
				t.Errorf("dialled %d times before anything valid was sent", n)
			}
			if err := c.Request(ctx, "GET", "/good", nil, nil); err != nil {
				t.Fatalf("good request after the rejected one: %v", err)
			}
			rqCheckBytes(t, rqWritten(t, d), good, []string{good})
		})
	}
}

// TestRequestRejectedOnOpenConn repeats a few rejections on a kept-alive
// connection: the bad request must not reach the socket, and the next
// good one goes out on the same connection.
func TestRequestRejectedOnOpenConn(t *testing.T) {
	ctx := context.Background()
	const ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
	tests := []struct {
		name  string
		call  func(c *Conn) error
		check rqErrCheck
	}{
		{"header-value", func(c *Conn) error {
			return c.Request(ctx, "GET", "/bad", nil, rqHdr("X", "a\r\nInjected: 1"))
		}, rqLocalHeader("X")},
		{"header-name", func(c *Conn) error {
			return c.Request(ctx, "GET", "/bad", nil, rqHdr("Bad Name", "v"))
		}, rqLocalHeader("Bad Name")},
		{"method", func(c *Conn) error { return c.Request(ctx, "G ET", "/bad", nil, nil) }, rqBadMethod()},
		{"target", func(c *Conn) error { return c.Request(ctx, "GET", "/b d", nil, nil) }, rqBadURL()},
		{"body", func(c *Conn) error { return c.Request(ctx, "POST", "/bad", 42, nil) }, rqIs(errors.ErrInvalidBody)},
		{"putheader", func(c *Conn) error {
			if err := c.PutRequest("GET", "/bad"); err != nil {
				return err
			}
			return c.PutHeader("X", "\x00")
		}, rqLocalHeader("X")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, d := rqNew(t, "example.com", []string{ok + ok})
			if err := c.Request(ctx, "GET", "/one", nil, nil); err != nil {
				t.Fatal(err)
			}
			r, err := c.GetResponse(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if b, err := io.ReadAll(r); err != nil || string(b) != "ok" {
				t.Fatalf("body %q, %v", b, err)
			}
			err = tc.call(c)
			if msg := tc.check(err); msg != "" {
				t.Fatalf("%v: %s", err, msg)
			}
			if err := c.Request(ctx, "GET", "/two", nil, nil); err != nil {
				t.Fatal(err)
			}
			if r, err = c.GetResponse(ctx); err != nil {
				t.Fatal(err)
			}
			r.Close()
			want := "GET /one HTTP/1.1\r\n" + rqH + "\r\nGET /two HTTP/1.1\r\n" + rqH + "\r\n"
			rqCheckBytes(t, rqWritten(t, d), want, []string{
				"GET /one HTTP/1.1\r\n" + rqH + "\r\n",
				"GET /two HTTP/1.1\r\n" + rqH + "\r\n",
			})
		})
	}
}

// TestConnectFailureLeavesIdle checks deviation 8: a failed dial abandons
// the request, and the next one dials again and sends only itself.
func TestConnectFailureLeavesIdle(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		send func(c *Conn) error
	}{
		{"request", func(c *Conn) error { return c.Request(ctx, "POST", "/first", "body", nil) }},
		{"endheaders", func(c *Conn) error {
			return rqSteps(c.PutRequest("GET", "/first"), c.PutHeader("X", "1"), c.EndHeaders(ctx, nil))
		}},
		{"send", func(c *Conn) error { return c.Send(ctx, "stray") }},
		{"connect", func(c *Conn) error { return c.Connect(ctx) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, d := rqNew(t, "example.com:8080", nil)
			d.Err = syscall.ECONNREFUSED
			err := tc.send(c)
			if !errors.Is(err, syscall.ECONNREFUSED) {
				t.Fatalf("err = %v, want ECONNREFUSED", err)
			}
			if c.state != stateIdle || len(c.buf) != 0 || c.conn() != nil {
				t.Fatalf("state %v, %d bytes buffered, conn %v; want Idle, none, nil", c.state, len(c.buf), c.conn())
			}
			d.Err = nil
			if err := c.Request(ctx, "GET", "/second", nil, nil); err != nil {
				t.Fatal(err)
			}
			if got := d.Dials(); !slices.Equal(got, []string{"example.com:8080", "example.com:8080"}) {
				t.Errorf("dials %q", got)
			}
			want := "GET /second HTTP/1.1\r\nHost: example.com:8080\r\nAccept-Encoding: identity\r\n\r\n"
			rqCheckBytes(t, d.Conns()[0], want, []string{want})
		})
	}
}

// TestWriteErrorKeepsRequestSent is C16 on the send side: the body write
// fails, the state stays Request-sent, and the server's early 401 is still
// readable.
func TestWriteErrorKeepsRequestSent(t *testing.T) {
	ctx := context.Background()
	head := "POST /upload HTTP/1.1\r\n" + rqH + "Content-Length: 20000\r\n\r\n"
	tests := []struct {
		name string
		body any
	}{
		{"bytes", make([]byte, 20000)},
		{"string", strings.Repeat("x", 20000)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := testutil.NewFakeDialerReplies(testutil.FakeReply{
				Data:           "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic\r\nContent-Length: 0\r\n\r\n",
				FailWriteAfter: len(head),
			})
			c, err := New("example.com", WithDialer(d))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			err = c.Request(ctx, "POST", "/upload", tc.body, nil)
			if !errors.Is(err, syscall.EPIPE) {
				t.Fatalf("Request: %v, want EPIPE", err)
			}
			if c.state != stateReqSent {
				t.Fatalf("state %v, want Request-sent", c.state)
			}
			r, err := c.GetResponse(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if r.Status != 401 || r.GetHeader("www-authenticate", "") != "Basic" {
				t.Errorf("got %d %q", r.Status, r.Header)
			}
			rqCheckBytes(t, d.Conns()[0], head, []string{head})
		})
	}
}

// rqErrReader returns data, then err.
type rqErrReader struct {
	data string
	err  error
}

func (r *rqErrReader) Read(p []byte) (int, error) {
	if r.data == "" {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

// TestBodyReadError checks that a failing body reader's error comes back
// unchanged in the chain, after what was read was sent.
func TestBodyReadError(t *testing.T) {
	errDisk := errors.New("disk on fire")
	c, d := rqNew(t, "example.com", nil)
	err := c.Request(context.Background(), "PUT", "/", &rqErrReader{data: "abc", err: errDisk}, nil)
	if !errors.Is(err, errDisk) {
		t.Fatalf("err = %v, want the reader's error", err)
	}
	want := "PUT / HTTP/1.1\r\n" + rqH + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n"
	rqCheckBytes(t, rqWritten(t, d), want, nil)
}

// rqClosingReader closes the connection from inside the body, as another
// goroutine's Close would while the body is being sent.
type rqClosingReader struct {
	c    *Conn
	left int
}

func (r *rqClosingReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	r.c.Close()
	r.left--
	p[0] = 'x'
	return 1, nil
}

// TestCloseDuringBody checks that Close while a body is being written
// makes the call fail cleanly, with or without a timeout, and that the
// Conn can be used again.
func TestCloseDuringBody(t *testing.T) {
	tests := []struct {
		name string
		opts []Option
	}{
		{"no-timeout", nil},
		{"timeout", []Option{WithTimeout(time.Minute)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, d := rqNew(t, "example.com", nil, tc.opts...)
			err := c.Request(context.Background(), "PUT", "/", &rqClosingReader{c: c, left: 3}, nil)
			if err == nil {
				t.Fatal("Request succeeded on a closed connection")
			}
			if c.state != stateIdle || c.conn() != nil {
				t.Errorf("state %v, conn %v after Close; want Idle, nil", c.state, c.conn())
			}
			if err := c.Request(context.Background(), "GET", "/again", nil, nil); err != nil {
				t.Fatal(err)
			}
			if n := len(d.Conns()); n != 2 {
				t.Fatalf("%d dials, want 2", n)
			}
			want := "GET /again HTTP/1.1\r\n" + rqH + "\r\n"
			rqCheckBytes(t, d.Conns()[1], want, []string{want})
		})
	}
}

// rqClosingDialer closes the Conn during its first dial, as another
// goroutine's Close would while the dial is in progress.
type rqClosingDialer struct {
	c    *Conn
	d    *testutil.FakeDialer
	done bool
}

func (d *rqClosingDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	if !d.done {
		d.done = true
		d.c.Close()
	}
	return d.d.DialContext(ctx, network, address)
}

// TestCloseDuringDial checks that a socket dialled while Close runs is
// closed unused: the request is not sent on it, and the next request
// dials again and sends only itself.
func TestCloseDuringDial(t *testing.T) {
	ctx := context.Background()
	fd := testutil.NewFakeDialer()
	d := &rqClosingDialer{d: fd}
	c, err := New("example.com", WithDialer(d))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	d.c = c
	err = c.Request(ctx, "GET", "/first", nil, nil)
	if !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Request during Close: %v, want net.ErrClosed", err)
	}
	if c.state != stateIdle || c.conn() != nil {
		t.Fatalf("state %v, conn %v; want Idle, nil", c.state, c.conn())
	}
	first := fd.Conns()[0]
	if len(first.Written()) != 0 || !first.Closed() {
		t.Errorf("the socket dialled during Close got %q, closed %v; want nothing, true", first.Written(), first.Closed())
	}
	if err := c.Request(ctx, "GET", "/second", nil, nil); err != nil {
		t.Fatal(err)
	}
	want := "GET /second HTTP/1.1\r\n" + rqH + "\r\n"
	rqCheckBytes(t, fd.Conns()[1], want, []string{want})
}

// TestOptions checks the option values a Conn reports and the options
// that refuse bad values.
func TestOptions(t *testing.T) {
	tests := []struct {
		name      string
		opts      []Option
		blocksize int
		timeout   time.Duration
		err       error
	}{
		{name: "defaults", blocksize: 8192},
		{name: "blocksize", opts: []Option{WithBlocksize(1)}, blocksize: 1},
		{name: "timeout", opts: []Option{WithTimeout(3 * time.Second)}, blocksize: 8192, timeout: 3 * time.Second},
		{name: "blocksize-zero", opts: []Option{WithBlocksize(0)}, err: errors.ErrInvalidArgument},
		{name: "blocksize-negative", opts: []Option{WithBlocksize(-8)}, err: errors.ErrInvalidArgument},
		{name: "port-zero", opts: []Option{WithPort(0)}, err: errors.ErrInvalidURL},
		{name: "port-too-big", opts: []Option{WithPort(1 << 16)}, err: errors.ErrInvalidURL},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New("example.com", tc.opts...)
			if tc.err != nil {
				if !errors.Is(err, tc.err) || c != nil || !strings.HasPrefix(err.Error(), "http: ") {
					t.Fatalf("New: %v, %v; want an \"http: \" error matching %v", c, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Blocksize() != tc.blocksize || c.Timeout() != tc.timeout {
				t.Errorf("Blocksize %d, Timeout %v; want %d, %v", c.Blocksize(), c.Timeout(), tc.blocksize, tc.timeout)
			}
		})
	}
	if HTTPPort != 80 || HTTPSPort != 443 || DefaultBlocksize != 8192 {
		t.Errorf("constants %d %d %d", HTTPPort, HTTPSPort, DefaultBlocksize)
	}
}
