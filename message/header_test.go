package message

import (
	"bufio"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/wire"
)

func TestHeaderLookups(t *testing.T) {
	h := Header{{Name: "Host", Value: "example.com"}, {Name: "Set-Cookie", Value: "a=1"}, {Name: "x-id", Value: "7"}, {Name: "set-cookie", Value: "b=2"}}
	tests := []struct {
		name   string
		get    string
		values []string
		has    bool
	}{
		{"Host", "example.com", []string{"example.com"}, true},
		{"HOST", "example.com", []string{"example.com"}, true},
		{"set-COOKIE", "a=1", []string{"a=1", "b=2"}, true},
		{"X-Id", "7", []string{"7"}, true},
		{"Missing", "", nil, false},
		{"Hos", "", nil, false},
		{"", "", nil, false},
		// Only ASCII folds: U+212A KELVIN SIGN is not "k".
		{"\u212aey", "", nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := h.Get(tc.name); got != tc.get {
				t.Errorf("Get = %q, want %q", got, tc.get)
			}
			if got := h.Values(tc.name); !cmp.Equal(got, tc.values) {
				t.Errorf("Values = %q, want %q", got, tc.values)
			}
			if got := h.Has(tc.name); got != tc.has {
				t.Errorf("Has = %v, want %v", got, tc.has)
			}
		})
	}
	if a := testing.AllocsPerRun(100, func() { _ = h.Get("SET-COOKIE"); _ = h.Has("x-ID") }); a != 0 {
		t.Errorf("Get/Has: %v allocs, want 0", a)
	}
}

func TestHeaderEdits(t *testing.T) {
	tests := []struct {
		name string
		edit func(h *Header)
		want Header
	}{
		{"AddKeepsOthers", func(h *Header) { h.Add("a", "3") },
			Header{{Name: "A", Value: "1"}, {Name: "B", Value: "2"}, {Name: "a", Value: "4"}, {Name: "a", Value: "3"}}},
		{"SetReplacesFirstInPlaceDropsRest", func(h *Header) { h.Set("A", "x") },
			Header{{Name: "A", Value: "x"}, {Name: "B", Value: "2"}}},
		{"SetAppendsWhenMissing", func(h *Header) { h.Set("C", "x") },
			Header{{Name: "A", Value: "1"}, {Name: "B", Value: "2"}, {Name: "a", Value: "4"}, {Name: "C", Value: "x"}}},
		{"DelAllCases", func(h *Header) { h.Del("A") }, Header{{Name: "B", Value: "2"}}},
		{"DelMissing", func(h *Header) { h.Del("Z") }, Header{{Name: "A", Value: "1"}, {Name: "B", Value: "2"}, {Name: "a", Value: "4"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := Header{{Name: "A", Value: "1"}, {Name: "B", Value: "2"}, {Name: "a", Value: "4"}}
			tc.edit(&h)
			if !cmp.Equal(h, tc.want) {
				t.Errorf("got %q, want %q", h, tc.want)
			}
		})
	}
	var nilH Header
	nilH.Add("A", "1")
	if !cmp.Equal(nilH, Header{{Name: "A", Value: "1"}}) {
		t.Errorf("Add on nil: %q", nilH)
	}
}

func TestClone(t *testing.T) {
	if Header(nil).Clone() != nil {
		t.Error("Clone(nil) != nil")
	}
	h := Header{{Name: "A", Value: "1"}}
	c := h.Clone()
	c[0].Value = "2"
	c.Add("B", "3")
	if h[0].Value != "1" || len(h) != 1 {
		t.Errorf("clone shares storage: %q", h)
	}
}

func TestAppendTo(t *testing.T) {
	got, err := Header{{Name: "Host", Value: "x"}, {Name: "a", Value: ""}}.AppendTo([]byte("GET / HTTP/1.1\r\n"))
	if want := "GET / HTTP/1.1\r\nHost: x\r\na: \r\n"; err != nil || string(got) != want {
		t.Errorf("got %q, %v; want %q", got, err, want)
	}
	got, err = Header{{Name: "Host", Value: "x"}, {Name: "Bad", Value: "a\r\nb: c"}}.AppendTo([]byte("pre"))
	var he *errors.HeaderError
	if !errors.As(err, &he) || he.Remote || string(got) != "pre" {
		t.Errorf("got %q, %v; want dst unchanged and a local HeaderError", got, err)
	}
}

func TestParseHeaders(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Header
		err  error
	}{
		{"Simple", "Host: a\r\nX-b: 1\r\nx-B: 2\r\n\r\nbody", Header{{Name: "Host", Value: "a"}, {Name: "X-b", Value: "1"}, {Name: "x-B", Value: "2"}}, nil},
		{"Empty", "\r\nbody", Header{}, nil},
		{"BareLF", "A: 1\n\nbody", Header{{Name: "A", Value: "1"}}, nil},
		{"ObsFold", "A: 1\r\n 2\r\n\r\nbody", Header{{Name: "A", Value: "1 2"}}, nil},
		{"EOF", "A: 1\r\n", nil, io.ErrUnexpectedEOF},
		{"EmptyInput", "", nil, io.ErrUnexpectedEOF},
		{"NoColon", "GarbageLine\r\n\r\n", nil, errors.ErrInvalidHeader},
		{"SpaceBeforeColon", "X-A : 1\r\n\r\n", nil, errors.ErrInvalidHeader},
		{"MaxHeadersMinus1", strings.Repeat("A: 1\r\n", 99) + "\r\nbody", slices.Repeat(Header{{Name: "A", Value: "1"}}, 99), nil},
		{"MaxHeaders", strings.Repeat("A: 1\r\n", 100) + "\r\nbody", slices.Repeat(Header{{Name: "A", Value: "1"}}, 100), nil},
		{"MaxHeadersPlus1", strings.Repeat("A: 1\r\n", 101) + "\r\n", nil, errors.ErrTooManyHeaders},
		{"MaxLine", "A: " + strings.Repeat("x", 65536-5) + "\r\n\r\nbody", Header{{Name: "A", Value: strings.Repeat("x", 65536-5)}}, nil},
		{"LineTooLong", "A: " + strings.Repeat("x", 65536-4) + "\r\n\r\n", nil, errors.ErrLineTooLong},
	}
	// Whole, the block is buffered at once and decoded in place; one byte
	// at a time, it goes field by field through the builder's buffer.
	readers := []struct {
		name string
		wrap func(io.Reader) io.Reader
	}{
		{"Whole", func(r io.Reader) io.Reader { return r }},
		{"OneByte", iotest.OneByteReader},
	}
	for _, tc := range tests {
		for _, rd := range readers {
			if rd.name == "OneByte" && len(tc.in) > 4096 {
				continue // longer than the buffer, it takes that path anyway
			}
			t.Run(tc.name+"/"+rd.name, func(t *testing.T) {
				r := bufio.NewReader(rd.wrap(strings.NewReader(tc.in)))
				h, err := ParseHeaders(r)
				if tc.err != nil {
					if !errors.Is(err, tc.err) || h != nil {
						t.Fatalf("got %q, %v; want nil, %v", h, err, tc.err)
					}
					return
				}
				if err != nil || !cmp.Equal(h, tc.want) || h == nil {
					t.Fatalf("got %#v, %v; want %q", h, err, tc.want)
				}
				if rest, _ := io.ReadAll(r); string(rest) != "body" {
					t.Errorf("left %q unread, want body", rest)
				}
			})
		}
	}
}

// TestReadBlock: a builder reused across blocks read both ways, into an
// array with and without room, and a trailer section under its own
// limit.
func TestReadBlock(t *testing.T) {
	var b HeaderBuilder
	var arr [2]Field
	for i, tc := range []struct {
		in   string
		slow bool
		dst  Header
		want Header
	}{
		{in: "A: 1\r\nB:  2 \r\n\r\n", dst: arr[:0], want: Header{{Name: "A", Value: "1"}, {Name: "B", Value: "2"}}},
		{in: "A: 1\r\n x\r\n\r\n", dst: arr[:0], want: Header{{Name: "A", Value: "1 x"}}},
		{in: "C: 3\r\n\r\n", slow: true, dst: arr[:0], want: Header{{Name: "C", Value: "3"}}},
		{in: "A: 1\r\nB: 2\r\nC: 3\r\n\r\n", want: Header{{Name: "A", Value: "1"}, {Name: "B", Value: "2"}, {Name: "C", Value: "3"}}},
		{in: "A: 1\r\nB: 2\r\nC: 3\r\n\r\n", slow: true, dst: arr[:0], want: Header{{Name: "A", Value: "1"}, {Name: "B", Value: "2"}, {Name: "C", Value: "3"}}},
	} {
		var src io.Reader = strings.NewReader(tc.in + "rest")
		if tc.slow {
			src = iotest.OneByteReader(src)
		}
		br := bufio.NewReader(src)
		h, err := b.ReadBlock(br, nil, false, tc.dst)
		if err != nil || !cmp.Equal(h, tc.want) {
			t.Fatalf("%d: got %q, %v; want %q", i, h, err, tc.want)
		}
		if inArr := len(h) > 0 && &h[0] == &arr[0]; inArr != (tc.dst != nil && len(tc.want) <= len(arr)) {
			t.Errorf("%d: fields in the given array: %v", i, inArr)
		}
		if rest, _ := io.ReadAll(br); string(rest) != "rest" {
			t.Errorf("%d: left %q, want rest", i, rest)
		}
		arr = [2]Field{} // the next case must not see these
	}
	br := bufio.NewReader(strings.NewReader("T1: a\r\nT2: b\r\n\r\n"))
	if _, err := b.ReadBlock(br, &wire.Limits{MaxTrailers: 1}, true, nil); !errors.Is(err, errors.ErrTooManyHeaders) {
		t.Errorf("trailer over MaxTrailers: %v, want ErrTooManyHeaders", err)
	}
}

// TestReadBlockAllocs: a buffered block read into an array with room
// costs one allocation, its string.
func TestReadBlockAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts do not hold under -race")
	}
	var b HeaderBuilder
	var arr [16]Field
	sr := strings.NewReader(head11)
	br := bufio.NewReader(sr)
	read := func() {
		sr.Reset(head11)
		br.Reset(sr)
		if h, err := b.ReadBlock(br, nil, false, arr[:0]); err != nil || len(h) != 11 {
			t.Fatal(h, err)
		}
	}
	read()
	if a := testing.AllocsPerRun(100, read); a != 1 {
		t.Errorf("%v allocs, want 1", a)
	}
}

func TestParseHeadersLimits(t *testing.T) {
	in := "A: 1\r\nB: 2\r\n\r\n"
	if _, err := ParseHeadersLimits(bufio.NewReader(strings.NewReader(in)), &wire.Limits{MaxHeaders: 1}); !errors.Is(err, errors.ErrTooManyHeaders) {
		t.Errorf("MaxHeaders 1: err = %v, want ErrTooManyHeaders", err)
	}
	if h, err := ParseHeadersLimits(bufio.NewReader(strings.NewReader(in)), &wire.Limits{MaxHeaders: 2}); err != nil || len(h) != 2 {
		t.Errorf("MaxHeaders 2: %q, %v", h, err)
	}
}

// head11 is the header section of the wire package's benchmark head:
// 11 fields.
const head11 = "Date: Mon, 23 May 2005 22:38:34 GMT\r\n" +
	"Content-Type: text/html; charset=UTF-8\r\n" +
	"Content-Length: 155\r\n" +
	"Last-Modified: Wed, 08 Jan 2003 23:11:55 GMT\r\n" +
	"Server: Apache/1.3.3.7 (Unix) (Red-Hat/Linux)\r\n" +
	"ETag: \"3f80f-1b6-3e1cb03b-gz\"\r\n" +
	"Accept-Ranges: bytes\r\n" +
	"Connection: keep-alive\r\n" +
	"Cache-Control: public, max-age=3600, must-revalidate\r\n" +
	"Vary: Accept-Encoding, Accept-Language, Cookie\r\n" +
	"X-Request-Id: 7f3c9a2e-5b1d-4e8f-9a6c-2d4b8e1f0a3c\r\n" +
	"\r\n"

func TestParseHeadersAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts do not hold under -race")
	}
	sr := strings.NewReader(head11)
	br := bufio.NewReader(sr)
	parse := func() {
		sr.Reset(head11)
		br.Reset(sr)
		h, err := ParseHeaders(br)
		if err != nil || len(h) != 11 {
			t.Fatal(h, err)
		}
	}
	parse()
	if a := testing.AllocsPerRun(100, parse); a > 2 {
		t.Errorf("%v allocs, want at most 2", a)
	}
}

func TestHeaderBuilder(t *testing.T) {
	var b HeaderBuilder
	if h := b.Build(); h == nil || len(h) != 0 {
		t.Errorf("empty Build = %#v, want empty non-nil", h)
	}
	src := []byte("NameValue")
	b.Add(src[:4], src[4:])
	b.Add([]byte("x"), nil)
	h := b.Build()
	copy(src, "XXXXXXXXX") // the views the builder got go bad
	if want := (Header{{Name: "Name", Value: "Value"}, {Name: "x", Value: ""}}); !cmp.Equal(h, want) || b.Len() != 2 {
		t.Errorf("got %q (Len %d), want %q", h, b.Len(), want)
	}
	b.Reset()
	if b.Len() != 0 {
		t.Errorf("Len after Reset = %d", b.Len())
	}
	b.Add([]byte("A"), []byte("1"))
	if a := testing.AllocsPerRun(100, func() { _ = b.Build() }); a > 2 {
		t.Errorf("Build: %v allocs, want at most 2", a)
	}
}

func BenchmarkParseHeaders(b *testing.B) {
	sr := strings.NewReader(head11)
	br := bufio.NewReader(sr)
	b.ReportAllocs()
	for b.Loop() {
		sr.Reset(head11)
		br.Reset(sr)
		if _, err := ParseHeaders(br); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBuildInto: BuildInto reuses the array it is given when it has room
// and allocates only the backing string then.
func TestBuildInto(t *testing.T) {
	var b HeaderBuilder
	b.Add([]byte("A"), []byte("1"))
	b.Add([]byte("b"), []byte("2"))
	var arr [4]Field
	h := b.BuildInto(arr[:0])
	if len(h) != 2 || &h[0] != &arr[0] || h[0] != (Field{Name: "A", Value: "1"}) || h[1] != (Field{Name: "b", Value: "2"}) {
		t.Fatalf("BuildInto = %q, want the fields in arr", h)
	}
	small := make(Header, 0, 1)
	if h := b.BuildInto(small); len(h) != 2 || cap(small) != 1 {
		t.Fatalf("BuildInto with no room = %q", h)
	}
	if !raceEnabled {
		if n := testing.AllocsPerRun(100, func() { b.BuildInto(arr[:0]) }); n != 1 {
			t.Fatalf("BuildInto allocates %v times, want 1", n)
		}
	}
}
