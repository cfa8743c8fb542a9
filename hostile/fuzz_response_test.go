package hostile

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/httpstack/httpstack/client"
	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/message"
	"github.com/httpstack/httpstack/testutil"
	"github.com/httpstack/httpstack/wire"
)

// hostileResponses are hand-written hostile replies: one per class of
// attack in /work/shared/reference/security.md §1-§2, as fuzz seeds.
var hostileResponses = []string{
	"",
	"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
	"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
	"HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775807\r\n\r\nhi",
	"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\nhi",
	"HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nhi",
	"HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\nContent-Length: 2\r\n\r\nhi",
	"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nhiy",
	"HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nhi",
	"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7fffffffffffffff\r\nabc",
	"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\nabc",
	"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\nhi\r\n0\r\n\r\n",
	"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;a=b;c=\"d\"\r\nhi\r\n0\r\nX-T: 1\r\n\r\n",
	"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2 ;a\r\nhi\r\n0\r\n\r\n",
	"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhiXX0\r\n\r\n",
	"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n",
	"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
	"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
	"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
	"HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\tc\r\nContent-Length: 0\r\n\r\n",
	"HTTP/1.1 200 OK\r\n X: a\r\n\r\n",
	"HTTP/1.1 200 OK\r\nX: a\x00b\r\n\r\n",
	"HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n",
	"HTTP/1.1 200 OK\nContent-Length: 1\n\nx",
	"HTTP/1.1 200 O\rK\r\n\r\n",
	"HTTP/1.1 200 OK\x00\r\n\r\n",
	"HTTP/1.1 000 OK\r\n\r\n",
	"HTTP/1.1 +20 OK\r\n\r\n",
	"HTTP/2.0 200 OK\r\n\r\n",
	"HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n",
	"HTTP/0.9 200 OK\r\n\r\n",
	" HTTP/1.1 200 OK\r\n\r\n",
	"\r\nHTTP/1.1 200 OK\r\n\r\n",
	"HTTP/1.1 200\r\n\r\n",
	"HTTP/1.1  200 OK\r\n\r\n",
	"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx",
	"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n",
	"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\nraw bytes",
	"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello",
	"HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
	"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\ny",
	"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nxHTTP/1.1 200 OK\r\n\r\n",
	"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nxHTTP/1.0 200 OK\r\n\r\nz",
	"HTTP/1.1 200 OK\r\n\r\nclose-delimited body",
	"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n",
	"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",
	"HTTP/1.1 200 OK\r\nContent-Length: 0",
	"HTTP/1.1 2",
}

// corpusDir returns the peer corpus directory, or "" when it is absent
// (the seeds are then the hand-written ones only). The corpus is read in
// place, never copied into the repository.
func corpusDir() string {
	dir := os.Getenv("HTTPSTACK_CORPUS")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "corpus")
	}
	if _, err := os.Stat(filepath.Join(dir, "responses.json")); err != nil {
		return ""
	}
	return dir
}

// corpusSeeds returns up to limit raw responses from responses.json and up
// to limit/3 chunked bodies from chunked.json wrapped in a chunked response
// head, spread evenly over the files.
func corpusSeeds(tb testing.TB, limit int) [][]byte {
	dir := corpusDir()
	if dir == "" {
		return nil
	}
	var out [][]byte
	load := func(name string, n int, wrap func(b []byte) []byte) {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			tb.Fatalf("corpus: %v", err)
		}
		var cases []struct {
			Raw   []byte `json:"raw_base64"`
			Input []byte `json:"input_base64"`
		}
		if err := json.Unmarshal(data, &cases); err != nil {
			tb.Fatalf("corpus %s: %v", name, err)
		}
		step := max(1, len(cases)/n)
		for i := 0; i < len(cases) && n > 0; i += step {
			b := cases[i].Raw
			if b == nil {
				b = cases[i].Input
			}
			if len(b) > 8<<10 {
				continue
			}
			out = append(out, wrap(b))
			n--
		}
	}
	load("responses.json", limit, func(b []byte) []byte { return b })
	load("chunked.json", limit/3, func(b []byte) []byte {
		return append([]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), b...)
	})
	return out
}

// catalogueSeeds returns the replies of the hostile catalogue
// (testdata/responses, read with catalogue_test.go's loader): each case's
// response sections joined, as a server would send them, when they fit
// in 8 KiB (the catalogue's streams of megabytes are left out).
func catalogueSeeds(tb testing.TB) [][]byte {
	var out [][]byte
	for _, cf := range loadCatalogue(tb, filepath.Join("testdata", "responses")) {
		var raw []byte
		for _, s := range cf.sections {
			if s.kind == "response" || s.kind == "segment" {
				raw = append(raw, s.data...)
			}
		}
		if len(raw) > 0 && len(raw) <= 8<<10 {
			out = append(out, raw)
		}
	}
	return out
}

// responseSeeds returns the hostile responses, the hostile catalogue and
// a sample of the peer corpus.
func responseSeeds(tb testing.TB) [][]byte {
	var out [][]byte
	for _, s := range hostileResponses {
		out = append(out, []byte(s))
	}
	out = append(out, catalogueSeeds(tb)...)
	return append(out, corpusSeeds(tb, 48)...)
}

// smallLimits makes every limit reachable by short fuzz inputs.
var smallLimits = wire.Limits{
	MaxLine:           64,
	MaxHeaders:        4,
	MaxHeaderBytes:    256,
	MaxInterim:        2,
	MaxTrailers:       2,
	MaxChunkExtension: 16,
	MaxChunkOverhead:  64,
}

// Bits of the mode argument of the response fuzz targets.
const (
	modeOneByte   = 1 << iota // the conn delivers one byte per Read
	modeSmall                 // smallLimits instead of the defaults
	modeReadSmall             // read the body 7 bytes at a time
	modeWriteTo               // read the body with WriteTo
	modeSecond                // send a second request on the same Conn
)

// wrapDialer dials d and wraps each conn.
type wrapDialer struct {
	d    *testutil.FakeDialer
	wrap func(net.Conn) net.Conn
}

func (w wrapDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	c, err := w.d.DialContext(ctx, network, address)
	if err != nil || w.wrap == nil {
		return c, err
	}
	return w.wrap(c), nil
}

// checkErr fails unless err belongs to this module's error tree.
func checkErr(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil && !errors.Is(err, errors.ErrHTTP) {
		t.Fatalf("%s: error %T %q is not from package errors", what, err, err)
	}
}

// readBody reads resp's body the way mode says.
func readBody(resp *client.Response, mode uint8) ([]byte, error) {
	switch {
	case mode&modeWriteTo != 0:
		var b bytes.Buffer
		_, err := resp.WriteTo(&b)
		return b.Bytes(), err
	case mode&modeReadSmall != 0:
		var out []byte
		p := make([]byte, 7)
		for {
			n, err := resp.Read(p)
			out = append(out, p[:n]...)
			if err == io.EOF {
				return out, nil
			}
			if err != nil {
				return out, err
			}
		}
	}
	return io.ReadAll(resp)
}

// respOutcome is what the client made of one response.
type respOutcome struct {
	err  error
	resp *client.Response
	body []byte
}

// exchange sends one request on c and reads the whole response.
func exchange(t *testing.T, c *client.Conn, method, target string, mode uint8) respOutcome {
	t.Helper()
	ctx := context.Background()
	if err := c.Request(ctx, method, target, nil, nil); err != nil {
		// The fake conn accepts every write; only a redial can fail.
		t.Fatalf("Request: %v", err)
	}
	resp, err := c.GetResponse(ctx)
	if err != nil {
		checkErr(t, "GetResponse", err)
		if resp != nil {
			t.Fatalf("GetResponse returned a response with error %v", err)
		}
		return respOutcome{err: err}
	}
	body, err := readBody(resp, mode)
	checkErr(t, "reading the body", err)
	if err := resp.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return respOutcome{err: err, resp: resp, body: body}
}

// sameOutcome fails unless the client's outcome matches the wire
// decoders' on the same bytes.
func sameOutcome(t *testing.T, what string, got respOutcome, want wireResult) {
	t.Helper()
	if (got.err == nil) != (want.err == nil) {
		t.Fatalf("%s: client err = %v, wire err = %v", what, got.err, want.err)
	}
	if got.resp == nil {
		return
	}
	r := got.resp
	if int(r.Status) != want.status || r.Version != int(want.version) || r.Reason != want.reason {
		t.Fatalf("%s: client status %d %d %q, wire %d %d %q", what, r.Status, r.Version, r.Reason, want.status, want.version, want.reason)
	}
	if !equalHeader(r.Header, want.header) {
		t.Fatalf("%s: client header %q, wire %q", what, r.Header, want.header)
	}
	if got.err == nil && (!bytes.Equal(got.body, want.body) || !equalHeader(r.Trailer, want.trailer)) {
		t.Fatalf("%s: client body %q trailer %q, wire %q %q", what, got.body, r.Trailer, want.body, want.trailer)
	}
}

func equalHeader(a, b message.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// checkResponse runs raw as the server's reply to method through the
// client and checks the invariants every reply must keep, whatever its
// bytes:
//   - no panic, no hang (the fake conn never blocks, so a slow exec is a
//     loop), every error from package errors;
//   - the body is never longer than the input, and a body framed by
//     length or the connection's end is a run of the input's bytes;
//   - bodiless responses (HEAD, 1xx, 204, 304) have no body;
//   - every header field the client returns is valid and trimmed;
//   - the client agrees with the wire decoders run directly on raw;
//   - with modeSecond, a second request on the same Conn either reads
//     the bytes after the first response from the same connection (only
//     if that response was complete and allowed reuse), or dials again.
func checkResponse(t *testing.T, method string, raw []byte, mode uint8) {
	start := time.Now()
	lim := &wire.Limits{}
	if mode&modeSmall != 0 {
		l := smallLimits
		lim = &l
	}
	d := wrapDialer{d: testutil.NewFakeDialer(string(raw))}
	if mode&modeOneByte != 0 {
		d.wrap = testutil.OneByteConn
	}
	c, err := client.New("example.com", client.WithDialer(d), client.WithLimits(lim))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	target := "/"
	if method == "CONNECT" {
		target = "example.org:443"
	}
	first := exchange(t, c, method, target, mode)
	want := wireRead(raw, method, lim, true)
	sameOutcome(t, "first response", first, want)

	if len(first.body) > len(raw) {
		t.Fatalf("body of %d bytes from %d input bytes", len(first.body), len(raw))
	}
	if r := first.resp; r != nil {
		code := int(r.Status)
		if code < 100 || code > 999 || (r.Version != 10 && r.Version != 11) {
			t.Fatalf("status %d version %d", code, r.Version)
		}
		if hasCTL(r.Reason) || strings.Trim(r.Reason, " \t") != r.Reason {
			t.Fatalf("reason %q", r.Reason)
		}
		for _, h := range []message.Header{r.Header, r.Trailer} {
			for _, f := range h {
				if !wire.ValidFieldName(f.Name) || !wire.ValidFieldValue(f.Value) || strings.Trim(f.Value, " \t") != f.Value {
					t.Fatalf("field %q", f)
				}
			}
		}
		bodiless := method == "HEAD" || code < 200 || code == 204 || code == 304
		if bodiless && len(first.body) > 0 {
			t.Fatalf("%s %d response with a body %q", method, code, first.body)
		}
		if first.err == nil && want.framing.Kind != wire.FrameChunked && !bytes.Contains(raw, first.body) {
			t.Fatalf("body %q is not a run of the input", first.body)
		}
		if first.err == nil && want.framing.Kind == wire.FrameLength && int64(len(first.body)) != want.framing.Length {
			t.Fatalf("Content-Length %d, body %d bytes", want.framing.Length, len(first.body))
		}
	}

	if mode&modeSecond != 0 && first.err == nil {
		second := exchange(t, c, "GET", "/2", mode)
		if len(first.body)+len(second.body) > len(raw) {
			t.Fatalf("bodies of %d+%d bytes from %d input bytes", len(first.body), len(second.body), len(raw))
		}
		switch dials := len(d.d.Dials()); dials {
		case 1:
			// Kept alive: only after a complete response whose framing
			// says where it ends, and never after Connection: close.
			k := want.framing.Kind
			if k == wire.FrameUntilClose || k == wire.FrameTunnel || want.status == 101 || want.framing.Close {
				t.Fatalf("connection reused after a %v response (status %d)", k, want.status)
			}
			if hasCloseToken(want.header) {
				t.Fatal("connection reused after Connection: close")
			}
			if want.consumed >= 0 {
				sameOutcome(t, "second response", second, wireRead(raw[want.consumed:], "GET", lim, true))
			}
		case 2:
			// Dialled again: the fresh fake conn is empty.
			if !errors.Is(second.err, errors.ErrRemoteDisconnected) {
				t.Fatalf("second response on a new conn: %v", second.err)
			}
		default:
			t.Fatalf("%d dials for two requests", dials)
		}
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Fatalf("took %v for %d input bytes", el, len(raw))
	}
}

func hasCloseToken(h message.Header) bool {
	for _, v := range h.Values("Connection") {
		for _, tok := range strings.Split(v, ",") {
			if strings.EqualFold(strings.Trim(tok, " \t"), "close") {
				return true
			}
		}
	}
	return false
}

func fuzzResponse(f *testing.F, method string) {
	for i, s := range responseSeeds(f) {
		f.Add(s, uint8(i%32))
	}
	f.Fuzz(func(t *testing.T, raw []byte, mode uint8) {
		defer watchdog("FuzzResponse"+method, raw, 10*time.Second)()
		checkResponse(t, method, raw, mode)
	})
}

// FuzzResponseGET feeds arbitrary bytes as the server's reply to a GET
// through client.Conn; see checkResponse for the invariants.
func FuzzResponseGET(f *testing.F) { fuzzResponse(f, "GET") }

// FuzzResponseHEAD is FuzzResponseGET for HEAD: no body may ever be read.
func FuzzResponseHEAD(f *testing.F) { fuzzResponse(f, "HEAD") }

// FuzzResponseCONNECT is FuzzResponseGET for CONNECT: a 2xx reply turns
// the connection into a tunnel whose bytes are the body.
func FuzzResponseCONNECT(f *testing.F) { fuzzResponse(f, "CONNECT") }
