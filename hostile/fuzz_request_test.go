package hostile

import (
	"bytes"
	"context"
	"iter"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/httpstack/httpstack/client"
	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/message"
	"github.com/httpstack/httpstack/testutil"
	"github.com/httpstack/httpstack/wire"
)

// Body kinds of FuzzRequest (mode % 5).
const (
	bodyNil = iota
	bodyBytes
	bodyString
	bodyReader
	bodySeq
)

// Other bits of FuzzRequest's mode.
const (
	reqEncodeChunked = 1 << (iota + 3) // pass client.EncodeChunked()
	reqOneField                        // send only the first caller field
	reqNoFields                        // send no caller field
)

// makeBody turns data into the body kind.
func makeBody(kind int, data []byte) any {
	switch kind {
	case bodyBytes:
		return data
	case bodyString:
		return string(data)
	case bodyReader:
		return bytes.NewReader(data)
	case bodySeq:
		// Three pieces, some possibly empty.
		a, b := len(data)/3, 2*len(data)/3
		return iter.Seq[[]byte](func(yield func([]byte) bool) {
			_ = yield(data[:a]) && yield(data[a:b]) && yield(data[b:])
		})
	}
	return nil
}

// wantField is one field FuzzRequest expects on the wire.
type wantField struct{ name, value string }

// FuzzRequest fuzzes the request serializer: Request with an arbitrary
// method, target, two header fields and a body of each kind either fails
// with a typed error (ErrInvalidMethod, ErrInvalidURL, ErrInvalidHeader)
// having dialled and written nothing, or writes bytes that re-parse with
// wire.ParseRequestLine and wire.HeaderDecoder into the same method,
// target and fields, preceded by the automatic Host, Accept-Encoding and
// framing fields, followed by exactly the body.
func FuzzRequest(f *testing.F) {
	seeds := []struct {
		method, target, n1, v1, n2, v2, body string
		mode                                 uint8
	}{
		{"GET", "/", "Accept", "*/*", "X-A", "1", "", reqNoFields},
		{"POST", "/form?a=1", "Content-Type", "text/plain", "X-B", " padded\t", "hello", bodyBytes},
		{"PUT", "/p", "X-A", "1", "X-A", "2", "data", bodyString},
		{"PATCH", "", "Host", "other.example:8080", "Accept-Encoding", "gzip", "", bodyNil},
		{"POST", "/chunked", "X-Chunk", "yes", "X-C", "", "0123456789abcdef", bodyReader},
		{"POST", "/seq", "X-Seq", "1", "X-D", "v", "abcdefghi", bodySeq},
		{"POST", "/te", "Transfer-Encoding", "chunked", "X-E", "1", "body", bodyBytes | reqEncodeChunked},
		{"POST", "/cl", "Content-Length", "3", "X-F", "1", "abc", bodyString},
		{"GET", "http://user:pw@origin.example:81/x", "X-G", "1", "X-H", "2", "", reqOneField},
		{"OPTIONS", "*", "X-I", "\xe9t\xe9", "X-J", "1", "", 0},
		{"CONNECT", "example.org:443", "Proxy-Authorization", "Basic x", "X-K", "1", "", 0},
		{"GET / HTTP/1.1\r\nX-Injected: 1\r\nY:", "/", "X", "1", "Y", "2", "", 0},
		{"GET", "/?a=1 HTTP/1.1\r\nX-injected: header", "X", "1", "Y", "2", "", 0},
		{"GET", "/", "X-Inj", "a\r\nInjected: 1", "Y", "2", "", 0},
		{"GET", "/", "Content-Length X", "1", "Y", "2", "", 0},
		{"GET", "/", "X", "v\r\n X-Folded: 1", "Y", "a\x00b", "", 0},
		{"G ET", "/\x7f", "X", "1", "Y", "2", "", 0},
		{"GET", "/caf\xc3\xa9", "X", "1", "Y", "2", "", 0},
	}
	for _, s := range seeds {
		f.Add(s.method, s.target, s.n1, s.v1, s.n2, s.v2, []byte(s.body), s.mode)
	}
	f.Fuzz(func(t *testing.T, method, target, n1, v1, n2, v2 string, data []byte, mode uint8) {
		defer watchdog("FuzzRequest", []byte(method+" "+target), 10*time.Second)()
		kind := int(mode % 5)
		header := message.Header{{Name: n1, Value: v1}, {Name: n2, Value: v2}}
		switch {
		case mode&reqNoFields != 0:
			header = nil
		case mode&reqOneField != 0:
			header = header[:1]
		}
		var opts []client.RequestOption
		if mode&reqEncodeChunked != 0 {
			opts = append(opts, client.EncodeChunked())
		}
		d := testutil.NewFakeDialer()
		c, err := client.New("example.com", client.WithDialer(d))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		err = c.Request(context.Background(), method, target, makeBody(kind, data), header, opts...)

		// What the grammar predicts.
		sentTarget := target
		if sentTarget == "" {
			sentTarget = "/"
		}
		var bad []error
		if !wire.ValidMethod(method) {
			bad = append(bad, errors.ErrInvalidMethod)
		}
		if !wire.ValidTarget(sentTarget) {
			bad = append(bad, errors.ErrInvalidURL)
		}
		for _, fl := range header {
			if !wire.ValidFieldName(fl.Name) || !wire.ValidFieldValue(fl.Value) {
				bad = append(bad, errors.ErrInvalidHeader)
				break
			}
		}

		if err != nil {
			matched := false
			for _, k := range bad {
				matched = matched || errors.Is(err, k)
			}
			if !matched {
				t.Fatalf("Request(%q, %q, %q) = %v; the grammar predicts %v", method, target, header, err, bad)
			}
			if n := len(d.Dials()); n != 0 {
				t.Fatalf("refused request dialled %d times", n)
			}
			return
		}
		if len(bad) > 0 {
			t.Fatalf("Request(%q, %q, %q) succeeded; the grammar predicts %v", method, target, header, bad)
		}
		conns := d.Conns()
		if len(conns) != 1 {
			t.Fatalf("%d conns for one request", len(conns))
		}
		checkWrittenRequest(t, conns[0].Written(), method, sentTarget, header, kind, data, mode&reqEncodeChunked != 0)
	})
}

// checkWrittenRequest re-parses what Request wrote.
func checkWrittenRequest(t *testing.T, w []byte, method, target string, header message.Header, kind int, data []byte, encodeChunked bool) {
	t.Helper()
	rl, n, err := wire.ParseRequestLine(w, &wire.Limits{MaxLine: len(w) + 1})
	if err != nil {
		t.Fatalf("request line of %q: %v", w, err)
	}
	if string(rl.Method) != method || string(rl.Target) != target || rl.Version != wire.Version11 {
		t.Fatalf("request line %q %q %v, want %q %q", rl.Method, rl.Target, rl.Version, method, target)
	}
	w = w[n:]

	var got []wantField
	var hd wire.HeaderDecoder
	hd.Reset(&wire.Limits{MaxLine: len(w) + 1, MaxHeaders: 16, MaxHeaderBytes: len(w) + 1}, false)
	for {
		name, value, n, done, err := hd.Next(w)
		if err != nil {
			t.Fatalf("header block of %q: %v", w, err)
		}
		w = w[n:]
		if done {
			break
		}
		got = append(got, wantField{string(name), string(value)})
	}

	// The automatic fields, in http.client's order.
	var want []wantField
	if !header.Has("Host") {
		if len(got) == 0 || got[0].name != "Host" {
			t.Fatalf("fields %q: no automatic Host first", got)
		}
		host := got[0].value
		// An absolute-form target names its own authority.
		if host != "example.com" && !(strings.Contains(target, "://") && strings.Contains(target, host)) {
			t.Fatalf("Host %q for target %q", host, target)
		}
		want = append(want, wantField{"Host", host})
	}
	if !header.Has("Accept-Encoding") {
		want = append(want, wantField{"Accept-Encoding", "identity"})
	}
	chunked := false
	switch {
	case header.Has("Content-Length"):
	case header.Has("Transfer-Encoding"):
		chunked = encodeChunked
	case kind == bodyNil:
		if m := strings.ToUpper(method); m == "POST" || m == "PUT" || m == "PATCH" {
			want = append(want, wantField{"Content-Length", "0"})
		}
	case kind == bodyBytes || kind == bodyString:
		want = append(want, wantField{"Content-Length", strconv.Itoa(len(data))})
	default:
		want = append(want, wantField{"Transfer-Encoding", "chunked"})
		chunked = true
	}
	for _, fl := range header {
		want = append(want, wantField{fl.Name, strings.Trim(fl.Value, " \t")})
	}
	if len(got) != len(want) {
		t.Fatalf("fields %q, want %q", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("field %d: %q, want %q (all: %q)", i, got[i], want[i], got)
		}
	}

	// The body: exactly the data, chunk-encoded or not.
	if !chunked {
		if !bytes.Equal(w, data) && !(kind == bodyNil && len(w) == 0) {
			t.Fatalf("body %q, want %q", w, data)
		}
		return
	}
	var cd wire.ChunkedDecoder
	cd.Reset(&wire.Limits{MaxLine: len(w) + 1})
	var body []byte
	for {
		ev, n, err := cd.Next(w)
		if err != nil {
			t.Fatalf("chunked body %q: %v", w, err)
		}
		w = w[n:]
		if ev.Kind == wire.ChunkData {
			body = append(body, ev.Data...)
		}
		if ev.Kind == wire.ChunkEnd {
			break
		}
	}
	if len(w) != 0 || (kind != bodyNil && !bytes.Equal(body, data)) || (kind == bodyNil && len(body) != 0) {
		t.Fatalf("chunked body decodes to %q with %q left, want %q", body, w, data)
	}
}
