package wire

import (
	"testing"

	"github.com/httpstack/httpstack/errors"
)

// checkErr fails unless err is nil, ErrNeedMore or one of ours.
func checkErr(t *testing.T, err error) {
	t.Helper()
	if err != nil && err != ErrNeedMore && !errors.Is(err, errors.ErrHTTP) {
		t.Fatalf("error %T %v is not from package errors", err, err)
	}
}

var statusSeeds = []string{
	"HTTP/1.1 200 OK\r\n", "HTTP/1.0 404 Not Found\n", "HTTP/1.1 200\r\n", "HTTP/1.1 204 \r\n",
	"HTTP/1.2 999 x\ty\r\n", "HTTP/2.0 200 OK\r\n", "HTTP/1.1 2_00 OK\r\n", "HTTP/1.1 200 O\rK\r\n",
	"ICY 200 OK\r\n", "HTTP/1.1 200 \xe9t\xe9\r\n", "\x16\x03\x03\x001", "HTTP/1.1",
}

func FuzzParseStatusLine(f *testing.F) {
	for _, s := range statusSeeds {
		f.Add([]byte(s), uint16(0))
	}
	f.Fuzz(func(t *testing.T, b []byte, maxLine uint16) {
		lim := &Limits{MaxLine: int(maxLine)}
		sl, n, err := ParseStatusLine(b, lim)
		checkErr(t, err)
		if err != nil {
			if n != 0 {
				t.Fatalf("n = %d with error %v", n, err)
			}
			return
		}
		if n <= 0 || n > len(b) || b[n-1] != '\n' || n > lim.resolve().MaxLine {
			t.Fatalf("n = %d for %q", n, b)
		}
		if sl.Code < 100 || sl.Code > 999 || (sl.Version != 10 && sl.Version != 11) {
			t.Fatalf("bad result %+v", sl)
		}
		// Round trip: encode what we decoded, decode again.
		enc, err := AppendStatusLine(nil, sl.Version, sl.Code, string(sl.Reason))
		if err != nil {
			t.Fatalf("re-encode %+v: %v", sl, err)
		}
		sl2, n2, err := ParseStatusLine(enc, nil)
		if err != nil || n2 != len(enc) || sl2.Version != sl.Version || sl2.Code != sl.Code || string(sl2.Reason) != string(sl.Reason) {
			t.Fatalf("round trip of %q: %+v n=%d err=%v, want %+v", enc, sl2, n2, err, sl)
		}
		// Any prefix of the line needs more, or fails at once.
		for k := range n {
			if _, m, err := ParseStatusLine(b[:k], lim); err == nil || m != 0 {
				t.Fatalf("prefix %q: n=%d err=%v", b[:k], m, err)
			}
		}
	})
}

func FuzzParseRequestLine(f *testing.F) {
	for _, s := range []string{
		"GET / HTTP/1.1\r\n", "post /p?q HTTP/1.0\n", "OPTIONS * HTTP/1.1\r\n", "CONNECT h:443 HTTP/1.1\r\n",
		"G(T / HTTP/1.1\r\n", "GET /\x01 HTTP/1.1\r\n", "GET / HTTP/2.0\r\n", "GET /\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rl, n, err := ParseRequestLine(b, nil)
		checkErr(t, err)
		if err != nil {
			return
		}
		if n <= 0 || n > len(b) || b[n-1] != '\n' {
			t.Fatalf("n = %d for %q", n, b)
		}
		enc, err := AppendRequestLine(nil, string(rl.Method), string(rl.Target), rl.Version)
		if err != nil {
			t.Fatalf("re-encode %q %q %d: %v", rl.Method, rl.Target, rl.Version, err)
		}
		if len(enc) != RequestLineLen(string(rl.Method), string(rl.Target), rl.Version) {
			t.Fatalf("RequestLineLen disagrees for %q", enc)
		}
		rl2, n2, err := ParseRequestLine(enc, nil)
		if err != nil || n2 != len(enc) || string(rl2.Method) != string(rl.Method) ||
			string(rl2.Target) != string(rl.Target) || rl2.Version != rl.Version {
			t.Fatalf("round trip of %q: %q %q %d n=%d err=%v", enc, rl2.Method, rl2.Target, rl2.Version, n2, err)
		}
	})
}

// decodeBlock decodes a whole header block from b with a fresh decoder.
func decodeBlock(b []byte, lim *Limits) (fields []Field, n int, err error) {
	var d HeaderDecoder
	d.Reset(lim, false)
	for {
		name, value, m, done, err := d.Next(b[n:])
		if err != nil {
			return fields, n, err
		}
		n += m
		if done {
			return fields, n, nil
		}
		fields = append(fields, Field{Name: string(name), Value: string(value)})
		if d.Fields() != len(fields) {
			panic("HeaderDecoder.Fields out of step")
		}
	}
}

func FuzzHeaderDecoder(f *testing.F) {
	for _, s := range []string{
		benchHead[17:], "\r\n", "A: 1\nB: 2\n\n", "A:   x y \t\r\n\r\n", "Obs: a\r\n b\r\n\tc\r\nB: 2\r\n\r\n",
		"X-A : 1\r\n\r\n", ": v\r\n\r\n", "A: a\rb\r\n\r\n", "A: a\x00b\r\n\r\n", " A: 1\r\n\r\n",
		"A: 1\r\n \r\n\r\n", "A: \xe2\x98\x83\r\n\r\n", "A: 1\r\r\n\r\n",
	} {
		f.Add([]byte(s), uint16(0), uint8(0), uint16(0), false)
	}
	f.Fuzz(func(t *testing.T, b []byte, maxLine uint16, maxHeaders uint8, maxBytes uint16, rejectFold bool) {
		lim := &Limits{MaxLine: int(maxLine), MaxHeaders: int(maxHeaders), MaxHeaderBytes: int(maxBytes), RejectObsFold: rejectFold}
		fields, n, err := decodeBlock(b, lim)
		checkErr(t, err)
		checkSpans(t, b, lim)
		if len(b) <= 256 {
			// Cut anywhere, the stream decodes the same.
			whole := runWhole(headerStepper(lim, false), b)
			if bw := runBytewise(headerStepper(lim, false), b); bw != whole {
				t.Fatalf("byte by byte %+v, whole %+v", bw, whole)
			}
		}
		if err != nil {
			return
		}
		if n > len(b) || n > lim.resolve().MaxHeaderBytes {
			t.Fatalf("consumed %d of %d", n, len(b))
		}
		// Round trip: decode → AppendField → decode is stable.
		var enc []byte
		for _, f := range fields {
			if enc, err = AppendField(enc, f.Name, f.Value); err != nil {
				t.Fatalf("re-encode %q: %v", f, err)
			}
		}
		enc = append(enc, '\r', '\n')
		fields2, n2, err := decodeBlock(enc, nil)
		if err != nil || n2 != len(enc) || len(fields2) != len(fields) {
			t.Fatalf("round trip of %q: %q n=%d err=%v, want %q", enc, fields2, n2, err, fields)
		}
		for i := range fields {
			if fields[i] != fields2[i] {
				t.Fatalf("round trip field %d: %q, want %q", i, fields2[i], fields[i])
			}
		}
	})
}
