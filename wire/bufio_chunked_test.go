package wire

import (
	"bufio"
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/httpstack/httpstack/errors"
)

// readChunked reads a whole body through a ChunkedReader with reads of
// at most step bytes and returns the body, the trailers and the final
// error (io.EOF on success).
func readChunked(r *ChunkedReader, step int) (string, []Field, error) {
	var body bytes.Buffer
	p := make([]byte, step)
	for i := 0; ; i++ {
		n, err := r.Read(p)
		if n < 0 || n > len(p) {
			panic("bad Read count")
		}
		body.Write(p[:n])
		if err != nil {
			return body.String(), r.Trailer(), err
		}
		if n == 0 && i > 1<<20 {
			return body.String(), r.Trailer(), errors.New("test: no progress")
		}
	}
}

// TestChunkedReaderMatchesDecoder runs every table case through the
// adapter, over several buffer sizes, source readers and read sizes, and
// checks that it reports what the pure decoder reports.
func TestChunkedReaderMatchesDecoder(t *testing.T) {
	sources := []struct {
		name string
		wrap func(io.Reader) io.Reader
	}{
		{"plain", func(r io.Reader) io.Reader { return r }},
		{"one byte", iotest.OneByteReader},
		{"half", iotest.HalfReader},
	}
	const next = "HTTP/1.1 200 OK\r\n"
	for _, tc := range chunkCases {
		if len(tc.wire) > 4096 {
			continue // covered by the decoder test; slow byte-wise here
		}
		want := decodeChunked([]byte(tc.wire), tc.lim)
		for _, size := range []int{16, 64, 4096} {
			for _, src := range sources {
				for _, step := range []int{1, 3, 4096} {
					br := bufio.NewReaderSize(src.wrap(strings.NewReader(tc.wire+next)), size)
					r := NewChunkedReader(br, tc.lim)
					body, trailer, err := readChunked(r, step)
					where := func() string {
						return tc.name + "/" + src.name + "/bufio " + itoa(size) + "/read " + itoa(step)
					}
					if want.err != nil {
						if err != want.err && err.Error() != want.err.Error() {
							t.Errorf("%s: error %v, decoder gave %v", where(), err, want.err)
						}
						if !strings.HasPrefix(want.body, body) {
							t.Errorf("%s: body %q is not a prefix of %q", where(), body, want.body)
						}
						continue
					}
					if err != io.EOF || body != want.body || !slices.Equal(trailer, want.trailer) {
						t.Errorf("%s: got %q %q %v, want %q %q EOF", where(), body, trailer, err, want.body, want.trailer)
					}
					// The bytes after the body stay in br when every line
					// fit its buffer.
					rest, _ := io.ReadAll(br)
					if size == 4096 && r.Leftover() != nil {
						t.Errorf("%s: Leftover %q with every line in the buffer", where(), r.Leftover())
					}
					if got := string(r.Leftover()) + string(rest); got != next {
						t.Errorf("%s: left %q in the reader, want %q", where(), got, next)
					}
					if n, err := r.Read(make([]byte, 1)); n != 0 || err != io.EOF {
						t.Errorf("%s: Read after EOF = %d, %v", where(), n, err)
					}
				}
			}
		}
	}
}

func itoa(n int) string { return string(appendDecimal(nil, n)) }

func appendDecimal(dst []byte, n int) []byte {
	if n >= 10 {
		dst = appendDecimal(dst, n/10)
	}
	return append(dst, byte('0'+n%10))
}

// TestChunkedReaderUnexpectedEOF checks every strict prefix of valid
// bodies: the reader returns a prefix of the body and then an error
// matching io.ErrUnexpectedEOF.
func TestChunkedReaderUnexpectedEOF(t *testing.T) {
	for _, tc := range chunkCases {
		if tc.err != nil || len(tc.wire) > 4096 {
			continue
		}
		for k := 0; k < len(tc.wire); k++ {
			br := bufio.NewReaderSize(strings.NewReader(tc.wire[:k]), 16)
			body, _, err := readChunked(NewChunkedReader(br, tc.lim), 5)
			if !errors.Is(err, io.ErrUnexpectedEOF) || !strings.HasPrefix(tc.body, body) {
				t.Errorf("%s: prefix %d: got %q, %v; want a prefix of the body and io.ErrUnexpectedEOF", tc.name, k, body, err)
			}
		}
	}
}

// TestChunkedReaderLongLines reads lines far longer than the bufio
// buffer through the scratch buffer.
func TestChunkedReaderLongLines(t *testing.T) {
	ext := ";" + strings.Repeat("e", 3000)
	trailer := strings.Repeat("v", 5000)
	wire := "5" + ext + "\r\nhello\r\n3\r\nabc\r\n0" + ext + "\r\nX: " + trailer + "\r\n\r\nNEXT"
	for _, step := range []int{1, 2, 4096} {
		br := bufio.NewReaderSize(iotest.HalfReader(strings.NewReader(wire)), 16)
		r := NewChunkedReader(br, nil)
		body, tr, err := readChunked(r, step)
		if err != io.EOF || body != "helloabc" || !slices.Equal(tr, []Field{{"X", trailer}}) {
			t.Fatalf("read %d: got %q %d trailers %v", step, body, len(tr), err)
		}
		if len(r.Leftover()) == 0 {
			t.Errorf("read %d: Leftover empty; this case should strand bytes in the scratch buffer", step)
		}
		// The bytes after the body are in the scratch buffer or in br.
		rest, _ := io.ReadAll(br)
		if got := string(r.Leftover()) + string(rest); got != "NEXT" {
			t.Errorf("read %d: Leftover %q + rest %q, want \"NEXT\"", step, r.Leftover(), rest)
		}
	}
	// Over the limit: the scratch buffer stops growing with an error.
	long := "5;" + strings.Repeat("e", 5000) + "\r\nhello\r\n0\r\n\r\n"
	br := bufio.NewReaderSize(strings.NewReader(long), 16)
	r := NewChunkedReader(br, nil)
	if _, _, err := readChunked(r, 64); !errors.Is(err, errors.ErrLineTooLong) {
		t.Fatalf("error %v, want ErrLineTooLong", err)
	}
	if r.Leftover() != nil {
		t.Errorf("Leftover after an error = %q, want nil", r.Leftover())
	}
	if cap(r.pend) > 2*DefaultLimits.MaxChunkExtension+64 {
		t.Errorf("scratch buffer grew to %d bytes", cap(r.pend))
	}
}

// errAfter returns data and then err.
type errAfter struct {
	data string
	err  error
}

func (e *errAfter) Read(p []byte) (int, error) {
	if e.data == "" {
		return 0, e.err
	}
	n := copy(p, e.data)
	e.data = e.data[n:]
	return n, nil
}

// TestChunkedReaderSourceError checks that a network error reaches the
// caller unchanged and sticks.
func TestChunkedReaderSourceError(t *testing.T) {
	netErr := errors.New("test: connection reset")
	br := bufio.NewReader(&errAfter{data: "5\r\nhel", err: netErr})
	r := NewChunkedReader(br, nil)
	body, _, err := readChunked(r, 100)
	if body != "hel" || err != netErr {
		t.Fatalf("got %q, %v; want \"hel\", the source's error", body, err)
	}
	if _, err := r.Read(make([]byte, 1)); err != netErr {
		t.Fatalf("second Read: %v, want the same error", err)
	}
}

// TestChunkedReaderEOFWithData checks that the end is reported with the
// last data when it is already buffered, and that Reset reuses the reader.
func TestChunkedReaderEOFWithData(t *testing.T) {
	br := bufio.NewReader(strings.NewReader("5\r\nhello\r\n0\r\nT: 1\r\n\r\n"))
	r := NewChunkedReader(br, nil)
	p := make([]byte, 100)
	n, err := r.Read(p)
	if string(p[:n]) != "hello" || err != io.EOF || !slices.Equal(r.Trailer(), []Field{{"T", "1"}}) {
		t.Fatalf("got %q, %v, %q", p[:n], err, r.Trailer())
	}
	if n, err := r.Read(nil); n != 0 || err != io.EOF {
		t.Fatalf("Read(nil) after EOF = %d, %v", n, err)
	}
	old := r.Trailer()
	br.Reset(strings.NewReader("2\r\nhi\r\n0\r\n\r\n"))
	r.Reset(br, nil)
	if n, err := r.Read(nil); n != 0 || err != nil {
		t.Fatalf("Read(nil) = %d, %v; want 0, nil", n, err)
	}
	body, tr, err := readChunked(r, 10)
	if body != "hi" || len(tr) != 0 || err != io.EOF || old[0] != (Field{"T", "1"}) {
		t.Fatalf("after Reset: %q %q %v (old %q)", body, tr, err, old)
	}
}

// TestChunkedReaderNoAlloc checks that reading a body without trailers
// allocates nothing once the reader exists.
func TestChunkedReaderNoAlloc(t *testing.T) {
	wire := []byte("5\r\nhello\r\n6;e=1\r\n world\r\n0\r\n\r\n")
	src := bytes.NewReader(wire)
	br := bufio.NewReader(src)
	r := NewChunkedReader(br, nil)
	p := make([]byte, 4)
	allocs := testing.AllocsPerRun(100, func() {
		src.Reset(wire)
		br.Reset(src)
		r.Reset(br, nil)
		for {
			if _, err := r.Read(p); err != nil {
				if err != io.EOF {
					panic(err)
				}
				break
			}
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per body, want 0", allocs)
	}
}
