package wire

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/httpstack/httpstack/errors"
)

// chunkStepper adapts a ChunkedDecoder to the feed harness. Data renders
// as itself and a trailer field as "\x00Name: Value\n", so the renderings
// of one body concatenate to the same string however the input is cut.
func chunkStepper(lim *Limits) func() stepper {
	return func() stepper {
		var d ChunkedDecoder
		d.Reset(lim)
		return func(b []byte) (string, int, bool, error) {
			ev, n, err := d.Next(b)
			if err != nil {
				return "", n, false, err
			}
			if n == 0 {
				return "", 0, false, errors.New("test: event without progress")
			}
			switch ev.Kind {
			case ChunkData:
				if len(ev.Data) == 0 {
					return "", n, false, errors.New("test: empty ChunkData")
				}
				return string(ev.Data), n, false, nil
			case ChunkTrailer:
				return renderTrailer(string(ev.Name), string(ev.Value)), n, false, nil
			case ChunkEnd:
				if !d.Done() {
					return "", n, false, errors.New("test: ChunkEnd but not Done")
				}
				return "", n, true, nil
			}
			return "", n, false, errors.New("test: unknown event kind " + ev.Kind.String())
		}
	}
}

func renderTrailer(name, value string) string { return "\x00" + name + ": " + value + "\n" }

// chunkResult is a whole body decoded in one pass.
type chunkResult struct {
	body    string
	trailer []Field
	n       int
	err     error
}

// decodeChunked decodes input whole with a fresh decoder.
func decodeChunked(input []byte, lim *Limits) chunkResult {
	var d ChunkedDecoder
	d.Reset(lim)
	var r chunkResult
	var body bytes.Buffer
	for {
		ev, n, err := d.Next(input[r.n:])
		if err != nil {
			r.err = err
			break
		}
		r.n += n
		if ev.Kind == ChunkData {
			body.Write(ev.Data)
		}
		if ev.Kind == ChunkTrailer {
			r.trailer = append(r.trailer, Field{Name: string(ev.Name), Value: string(ev.Value)})
		}
		if ev.Kind == ChunkEnd {
			break
		}
	}
	r.body = body.String()
	return r
}

// chunkCase is one row of the table that drives both the decoder and the
// encoders.
type chunkCase struct {
	name  string
	wire  string
	lim   *Limits
	body  string
	trail []Field
	// chunks, when non-nil, are the pieces that AppendChunk and
	// AppendLastChunk(trail...) must encode to exactly wire.
	chunks []string

	err      error  // for a bad body: the sentinel the error must match
	lineType string // for a LineTooLongError: its LineType
}

func (tc chunkCase) wantRender() string {
	s := tc.body
	for _, f := range tc.trail {
		s += renderTrailer(f.Name, f.Value)
	}
	return s
}

var chunkCases = []chunkCase{
	// Valid bodies. The first is RFC 9112 §7.1's shape.
	{name: "one chunk", wire: "5\r\nhello\r\n0\r\n\r\n", body: "hello", chunks: []string{"hello"}},
	{name: "two chunks", wire: "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", body: "hello world", chunks: []string{"hello", " world"}},
	{name: "empty body", wire: "0\r\n\r\n", chunks: []string{}},
	{name: "upper-case hex", wire: "A\r\n0123456789\r\n0\r\n\r\n", body: "0123456789", chunks: []string{"0123456789"}},
	{name: "lower-case hex", wire: "a\r\n0123456789\r\n0\r\n\r\n", body: "0123456789"},
	{name: "multi-digit size", wire: "1F\r\n" + strings.Repeat("x", 31) + "\r\n0\r\n\r\n", body: strings.Repeat("x", 31), chunks: []string{strings.Repeat("x", 31)}},
	{name: "leading zeros", wire: "0005\r\nhello\r\n000\r\n\r\n", body: "hello"},
	{name: "16 hex digits", wire: "000000000000000A\r\n0123456789\r\n0000000000000000\r\n\r\n", body: "0123456789"},
	{name: "data holds CRLF", wire: "4\r\n\r\n\r\n\r\n0\r\n\r\n", body: "\r\n\r\n", chunks: []string{"\r\n\r\n"}},
	{name: "one-byte chunks", wire: "1\r\na\r\n1\r\nb\r\n1\r\nc\r\n0\r\n\r\n", body: "abc", chunks: []string{"a", "b", "c"}},
	{name: "binary data", wire: "3\r\n\x00\xff\n\r\n0\r\n\r\n", body: "\x00\xff\n", chunks: []string{"\x00\xff\n"}},
	{name: "trailers", wire: "5\r\nhello\r\n0\r\nExpires: never\r\nX-Sum: abc\r\n\r\n", body: "hello",
		trail: []Field{{"Expires", "never"}, {"X-Sum", "abc"}}, chunks: []string{"hello"}},
	{name: "trailer with empty value", wire: "0\r\nX-Empty: \r\n\r\n", trail: []Field{{"X-Empty", ""}}, chunks: []string{}},
	{name: "trailer OWS trimmed", wire: "0\r\nA:  b \t\r\n\r\n", trail: []Field{{"A", "b"}}},
	{name: "trailer obs-fold", wire: "0\r\nA: b\r\n c\r\n\r\n", trail: []Field{{"A", "b c"}}},
	{name: "extension name", wire: "5;name\r\nhello\r\n0\r\n\r\n", body: "hello"},
	{name: "extension token value", wire: "5;name=value\r\nhello\r\n0\r\n\r\n", body: "hello"},
	{name: "extension quoted value", wire: "5;n=\"a \\\"q\\\" ;=\t\"\r\nhello\r\n0\r\n\r\n", body: "hello"},
	{name: "extension quoted obs-text", wire: "5;n=\"\x80\xff\"\r\nhello\r\n0\r\n\r\n", body: "hello"},
	{name: "extension empty quoted", wire: "5;n=\"\"\r\nhello\r\n0\r\n\r\n", body: "hello"},
	{name: "several extensions", wire: "5;a;b=1;c=\"2\"\r\nhello\r\n0\r\n\r\n", body: "hello"},
	{name: "extension BWS", wire: "5 ; a = b ;\tc\t=\t\"d\" ; e\r\nhello\r\n0\r\n\r\n", body: "hello"},
	{name: "last-chunk extension", wire: "5\r\nhello\r\n0;done=1\r\nA: b\r\n\r\n", body: "hello", trail: []Field{{"A", "b"}}},

	// Bare LF and bare CR: chunk framing is strict (CVE-2025-22871).
	{name: "bare LF after size", wire: "2\nhi\r\n0\r\n\r\n", err: errors.ErrInvalidChunk},
	{name: "bare LF after extension", wire: "2;a=b\nhi\r\n0\r\n\r\n", err: errors.ErrInvalidChunk},
	{name: "bare LF after data", wire: "2\r\nhi\n0\r\n\r\n", err: errors.ErrInvalidChunk},
	{name: "bare LF after last chunk", wire: "2\r\nhi\r\n0\n\r\n", err: errors.ErrInvalidChunk},
	{name: "bare LF final line", wire: "0\r\n\n", err: errors.ErrInvalidChunk},
	{name: "bare LF in trailer", wire: "0\r\nA: b\n\r\n", err: errors.ErrInvalidChunk},
	{name: "bare LF everywhere", wire: "2\nhi\n0\n\n", err: errors.ErrInvalidChunk},
	{name: "bare CR after size", wire: "2\rhi\r\n0\r\n\r\n", err: errors.ErrInvalidChunk},
	{name: "bare CR in extension", wire: "2;a\rb\r\nhi\r\n0\r\n\r\n", err: errors.ErrInvalidChunk},
	{name: "CR CR LF", wire: "2\r\r\nhi\r\n0\r\n\r\n", err: errors.ErrInvalidChunk},
	{name: "bare CR in trailer", wire: "0\r\nA: b\rc\r\n\r\n", err: errors.ErrInvalidHeader},

	// CRLF after chunk data.
	{name: "data too long", wire: "2\r\nhi!\r\n0\r\n\r\n", err: errors.ErrInvalidChunk},
	{name: "data not followed by CRLF", wire: "2\r\nhiXX0\r\n\r\n", err: errors.ErrInvalidChunk},
	{name: "data followed by CR only", wire: "2\r\nhi\rX0\r\n\r\n", err: errors.ErrInvalidChunk},

	// The size grammar: 1*HEXDIG, at most 16 digits, fits int64.
	{name: "empty size", wire: "\r\nhi\r\n0\r\n\r\n", err: errors.ErrInvalidChunk},
	{name: "plus sign", wire: "+2\r\nhi\r\n0\r\n\r\n", err: errors.ErrInvalidChunk},
	{name: "minus sign", wire: "-2\r\nhi\r\n0\r\n\r\n", err: errors.ErrInvalidChunk},
	{name: "0x prefix", wire: "0x2\r\nhi\r\n0\r\n\r\n", err: errors.ErrInvalidChunk},
	{name: "underscore", wire: "1_0\r\n0123456789abcdef\r\n0\r\n\r\n", err: errors.ErrInvalidChunk},
	{name: "leading space", wire: " 2\r\nhi\r\n0\r\n\r\n", err: errors.ErrInvalidChunk},
	{name: "trailing space", wire: "2 \r\nhi\r\n0\r\n\r\n", err: errors.ErrInvalidChunk},
	{name: "trailing tab", wire: "2\t\r\nhi\r\n0\r\n\r\n", err: errors.ErrInvalidChunk},
	{name: "space inside size", wire: "2 x\r\nhi\r\n0\r\n\r\n", err: errors.ErrInvalidChunk},
	{name: "non-hex digit", wire: "g\r\n", err: errors.ErrInvalidChunk},
	{name: "hex then junk", wire: "2x\r\nhi\r\n0\r\n\r\n", err: errors.ErrInvalidChunk},
	{name: "17 hex digits", wire: "00000000000000002\r\nhi\r\n0\r\n\r\n", err: errors.ErrInvalidChunk},
	{name: "17 zeros", wire: "00000000000000000\r\n\r\n", err: errors.ErrInvalidChunk},
	{name: "size over int64", wire: "8000000000000000\r\nhi\r\n", err: errors.ErrInvalidChunk},
	{name: "size max uint64", wire: "FFFFFFFFFFFFFFFF\r\nhi\r\n", err: errors.ErrInvalidChunk},

	// Extension grammar.
	{name: "extension empty name", wire: "2;\r\nhi\r\n0\r\n\r\n", err: errors.ErrInvalidChunk},
	{name: "extension no name", wire: "2;=v\r\nhi\r\n0\r\n\r\n", err: errors.ErrInvalidChunk},
	{name: "extension empty value", wire: "2;n=\r\nhi\r\n0\r\n\r\n", err: errors.ErrInvalidChunk},
	{name: "extension trailing BWS", wire: "2;n \r\nhi\r\n0\r\n\r\n", err: errors.ErrInvalidChunk},
	{name: "extension value trailing BWS", wire: "2;n=v \r\nhi\r\n0\r\n\r\n", err: errors.ErrInvalidChunk},
	{name: "extension space in name", wire: "2;a b\r\nhi\r\n0\r\n\r\n", err: errors.ErrInvalidChunk},
	{name: "extension space in value", wire: "2;a=b c\r\nhi\r\n0\r\n\r\n", err: errors.ErrInvalidChunk},
	{name: "extension unterminated quote", wire: "2;a=\"b\r\nhi\r\n0\r\n\r\n", err: errors.ErrInvalidChunk},
	{name: "extension text after quote", wire: "2;a=\"b\"c\r\nhi\r\n0\r\n\r\n", err: errors.ErrInvalidChunk},
	{name: "extension NUL in quote", wire: "2;a=\"\x00\"\r\nhi\r\n0\r\n\r\n", err: errors.ErrInvalidChunk},
	{name: "extension DEL in name", wire: "2;a\x7f\r\nhi\r\n0\r\n\r\n", err: errors.ErrInvalidChunk},
	{name: "extension separator in token", wire: "2;a=b@c\r\nhi\r\n0\r\n\r\n", err: errors.ErrInvalidChunk},
	{name: "extension NUL", wire: "2;\x00\r\nhi\r\n0\r\n\r\n", err: errors.ErrInvalidChunk},
	{name: "extension LF in quote", wire: "2;a=\"\n\"\r\nhi\r\n0\r\n\r\n", err: errors.ErrInvalidChunk},

	// Trailers go through the header decoder.
	{name: "trailer space in name", wire: "0\r\nBad Name: x\r\n\r\n", err: errors.ErrInvalidHeader},
	{name: "trailer missing colon", wire: "0\r\nnocolon\r\n\r\n", err: errors.ErrInvalidHeader},
	{name: "trailer leading whitespace", wire: "0\r\n A: b\r\n\r\n", err: errors.ErrInvalidHeader},
	{name: "trailer NUL in value", wire: "0\r\nA: b\x00\r\n\r\n", err: errors.ErrInvalidHeader},
	{name: "trailer obs-fold rejected", wire: "0\r\nA: b\r\n c\r\n\r\n", lim: &Limits{RejectObsFold: true}, err: errors.ErrInvalidHeader},

	// Limits at max-1, max and max+1. The size line "5;" + name + CRLF
	// is len(name)+4 bytes; its extension is len(name)+1 bytes.
	{name: "MaxLine-1", wire: "5;" + strings.Repeat("n", 15) + "\r\nhello\r\n0\r\n\r\n", lim: &Limits{MaxLine: 20}, body: "hello"},
	{name: "MaxLine", wire: "5;" + strings.Repeat("n", 16) + "\r\nhello\r\n0\r\n\r\n", lim: &Limits{MaxLine: 20}, body: "hello"},
	{name: "MaxLine+1", wire: "5;" + strings.Repeat("n", 17) + "\r\nhello\r\n0\r\n\r\n", lim: &Limits{MaxLine: 20},
		err: errors.ErrLineTooLong, lineType: "chunk size"},
	{name: "MaxLine+1 ending in CR", wire: "5;" + strings.Repeat("n", 16) + "\r", lim: &Limits{MaxLine: 19},
		err: errors.ErrLineTooLong, lineType: "chunk size"},
	{name: "MaxLine+1 in digits", wire: "0000000000000005\r\nhello\r\n0\r\n\r\n", lim: &Limits{MaxLine: 17},
		err: errors.ErrLineTooLong, lineType: "chunk size"},
	{name: "MaxLine digits", wire: "0000000000000005\r\nhello\r\n0\r\n\r\n", lim: &Limits{MaxLine: 18}, body: "hello"},
	{name: "MaxLine+1 unterminated", wire: "5;" + strings.Repeat("n", 100), lim: &Limits{MaxLine: 20},
		err: errors.ErrLineTooLong, lineType: "chunk size"},
	{name: "MaxChunkExtension-1", wire: "5;" + strings.Repeat("n", 8) + "\r\nhello\r\n0\r\n\r\n", lim: &Limits{MaxChunkExtension: 10}, body: "hello"},
	{name: "MaxChunkExtension", wire: "5;" + strings.Repeat("n", 9) + "\r\nhello\r\n0\r\n\r\n", lim: &Limits{MaxChunkExtension: 10}, body: "hello"},
	{name: "MaxChunkExtension+1", wire: "5;" + strings.Repeat("n", 10) + "\r\nhello\r\n0\r\n\r\n", lim: &Limits{MaxChunkExtension: 10},
		err: errors.ErrLineTooLong, lineType: "chunk extension"},
	{name: "MaxChunkExtension+1 unterminated", wire: "5;" + strings.Repeat("n", 1000), lim: &Limits{MaxChunkExtension: 10},
		err: errors.ErrLineTooLong, lineType: "chunk extension"},
	{name: "MaxChunkExtension counts BWS", wire: "5" + strings.Repeat(" ", 10) + ";a\r\nhello\r\n0\r\n\r\n", lim: &Limits{MaxChunkExtension: 10},
		err: errors.ErrLineTooLong, lineType: "chunk extension"},
	{name: "MaxTrailers-1", wire: "0\r\nA: 1\r\n\r\n", lim: &Limits{MaxTrailers: 2}, trail: []Field{{"A", "1"}}},
	{name: "MaxTrailers", wire: "0\r\nA: 1\r\nB: 2\r\n\r\n", lim: &Limits{MaxTrailers: 2}, trail: []Field{{"A", "1"}, {"B", "2"}}},
	{name: "MaxTrailers+1", wire: "0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", lim: &Limits{MaxTrailers: 2}, err: errors.ErrTooManyHeaders},
	{name: "MaxTrailers ignores MaxHeaders", wire: "0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", lim: &Limits{MaxHeaders: 1, MaxTrailers: 3},
		trail: []Field{{"A", "1"}, {"B", "2"}, {"C", "3"}}},
	{name: "trailer MaxLine-1", wire: "0\r\nA: " + strings.Repeat("v", 14) + "\r\n\r\n", lim: &Limits{MaxLine: 20},
		trail: []Field{{"A", strings.Repeat("v", 14)}}},
	{name: "trailer MaxLine", wire: "0\r\nA: " + strings.Repeat("v", 15) + "\r\n\r\n", lim: &Limits{MaxLine: 20},
		trail: []Field{{"A", strings.Repeat("v", 15)}}},
	{name: "trailer MaxLine+1", wire: "0\r\nA: " + strings.Repeat("v", 16) + "\r\n\r\n", lim: &Limits{MaxLine: 20},
		err: errors.ErrLineTooLong, lineType: "trailer line"},

	// The overhead budget: one 1-byte chunk whose size line is L bytes
	// leaves an excess of L+2-(16+2) = L-16.
	{name: "MaxChunkOverhead-1", wire: overheadBody(115), lim: &Limits{MaxChunkOverhead: 100}, body: "x"},
	{name: "MaxChunkOverhead", wire: overheadBody(116), lim: &Limits{MaxChunkOverhead: 100}, body: "x"},
	{name: "MaxChunkOverhead+1", wire: overheadBody(117), lim: &Limits{MaxChunkOverhead: 100}, err: errors.ErrInvalidChunk},
	{name: "overhead accumulates", wire: strings.Repeat("1;"+strings.Repeat("e", 46)+"\r\nx\r\n", 4) + "0\r\n\r\n",
		lim: &Limits{MaxChunkOverhead: 100}, err: errors.ErrInvalidChunk},
	{name: "overhead earned back by data", wire: "1;" + strings.Repeat("e", 90) + "\r\nx\r\n40\r\n" + strings.Repeat("d", 64) + "\r\n" +
		"1;" + strings.Repeat("e", 90) + "\r\nx\r\n0\r\n\r\n",
		lim: &Limits{MaxChunkOverhead: 100}, body: "x" + strings.Repeat("d", 64) + "x"},
	{name: "tiny chunks within default budget", wire: strings.Repeat("1\r\nx\r\n", 50000) + "0\r\n\r\n", body: strings.Repeat("x", 50000)},
}

// overheadBody returns a body of one 1-byte chunk whose size line,
// CRLF included, is lineLen bytes.
func overheadBody(lineLen int) string {
	return "1;" + strings.Repeat("e", lineLen-4) + "\r\nx\r\n0\r\n\r\n"
}

func TestChunkedDecoder(t *testing.T) {
	for _, tc := range chunkCases {
		t.Run(tc.name, func(t *testing.T) {
			got := decodeChunked([]byte(tc.wire), tc.lim)
			if tc.err != nil {
				if !errors.Is(got.err, tc.err) {
					t.Fatalf("error %v, want one matching %v", got.err, tc.err)
				}
				if tc.lineType != "" {
					var lt *errors.LineTooLongError
					if !errors.As(got.err, &lt) || lt.LineType != tc.lineType {
						t.Fatalf("error %#v, want a LineTooLongError for %q", got.err, tc.lineType)
					}
				}
				var pe *errors.ProtocolError
				if errors.Is(got.err, errors.ErrInvalidChunk) && !errors.As(got.err, &pe) {
					t.Errorf("error %#v is not a *errors.ProtocolError", got.err)
				}
			} else {
				if got.err != nil {
					t.Fatalf("error %v", got.err)
				}
				if got.body != tc.body || !slices.Equal(got.trailer, tc.trail) || got.n != len(tc.wire) {
					t.Fatalf("got body %q trailers %q n=%d, want %q %q n=%d", got.body, got.trailer, got.n, tc.body, tc.trail, len(tc.wire))
				}
			}
			if len(tc.wire) > 4096 {
				return // the every-prefix run is quadratic
			}
			// Whole, byte by byte, with trailing bytes, every prefix.
			res := feed(t, tc.wire, chunkStepper(tc.lim))
			if tc.err == nil && (res.err != "" || res.need || res.out != tc.wantRender() || res.n != len(tc.wire)) {
				t.Errorf("feed: %+v, want out %q n=%d", res, tc.wantRender(), len(tc.wire))
			}
			if tc.err != nil && (res.err == "" || res.need) {
				t.Errorf("feed: %+v, want an error", res)
			}
		})
	}
}

func TestChunkEncoders(t *testing.T) {
	for _, tc := range chunkCases {
		if tc.chunks == nil {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			var dst []byte
			want := 0
			for _, c := range tc.chunks {
				dst = AppendChunk(dst, []byte(c))
				want += ChunkLen(len(c))
			}
			if len(dst) != want {
				t.Errorf("len = %d, ChunkLen sum = %d", len(dst), want)
			}
			before := len(dst)
			dst, err := AppendLastChunk(dst, tc.trail...)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(dst) - before; n != LastChunkLen(tc.trail...) {
				t.Errorf("AppendLastChunk wrote %d bytes, LastChunkLen = %d", n, LastChunkLen(tc.trail...))
			}
			if string(dst) != tc.wire {
				t.Errorf("encoded %q, want %q", dst, tc.wire)
			}
		})
	}
}

func TestAppendChunk(t *testing.T) {
	tests := []struct {
		n    int
		head string
	}{
		{1, "1\r\n"},
		{9, "9\r\n"},
		{10, "A\r\n"},
		{15, "F\r\n"},
		{16, "10\r\n"},
		{255, "FF\r\n"},
		{256, "100\r\n"},
		{4096, "1000\r\n"},
		{65535, "FFFF\r\n"},
	}
	for _, tc := range tests {
		p := bytes.Repeat([]byte{'x'}, tc.n)
		got := AppendChunk([]byte("pre"), p)
		want := "pre" + tc.head + string(p) + "\r\n"
		if string(got) != want {
			t.Errorf("AppendChunk(%d bytes) = %.20q..., want %.20q...", tc.n, got, want)
		}
		if ChunkLen(tc.n) != len(want)-3 {
			t.Errorf("ChunkLen(%d) = %d, want %d", tc.n, ChunkLen(tc.n), len(want)-3)
		}
	}
	if got := AppendChunk([]byte("pre"), nil); string(got) != "pre" {
		t.Errorf("AppendChunk(empty) = %q, want dst unchanged", got)
	}
	if ChunkLen(0) != 0 {
		t.Errorf("ChunkLen(0) = %d, want 0", ChunkLen(0))
	}
	if got := appendHex(nil, math.MaxUint64); string(got) != "FFFFFFFFFFFFFFFF" || hexLen(math.MaxUint64) != 16 {
		t.Errorf("appendHex(MaxUint64) = %q, hexLen %d", got, hexLen(math.MaxUint64))
	}
}

func TestAppendLastChunkInvalid(t *testing.T) {
	tests := []struct {
		name    string
		trailer []Field
	}{
		{"space in name", []Field{{"Bad Name", "x"}}},
		{"empty name", []Field{{"", "x"}}},
		{"CRLF in value", []Field{{"A", "b\r\nEvil: 1"}}},
		{"LF in value", []Field{{"A", "b\nc"}}},
		{"NUL in value", []Field{{"A", "b\x00"}}},
		{"second field bad", []Field{{"A", "ok"}, {"B:", "x"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dst := []byte("prefix")
			got, err := AppendLastChunk(dst, tc.trailer...)
			var he *errors.HeaderError
			if !errors.As(err, &he) || he.Remote {
				t.Fatalf("error %#v, want a local *errors.HeaderError", err)
			}
			if string(got) != "prefix" {
				t.Errorf("dst = %q, want it unchanged", got)
			}
		})
	}
}

// TestChunkedDecoderEvents checks the event sequence and the decoder's
// state accessors on one body fed whole.
func TestChunkedDecoderEvents(t *testing.T) {
	input := []byte("3\r\nabc\r\n2\r\nde\r\n0\r\nT: v\r\n\r\nNEXT")
	var d ChunkedDecoder
	d.Reset(nil)
	if d.Remaining() != -1 {
		t.Errorf("Remaining before start = %d, want -1", d.Remaining())
	}
	type step struct {
		kind      ChunkEventKind
		text      string
		n         int
		remaining int64
	}
	want := []step{
		{ChunkData, "abc", 6, 0},
		{ChunkData, "de", 7, 0},
		{ChunkTrailer, "T: v", 11, -1},
		{ChunkEnd, "", 2, -1},
		{ChunkEnd, "", 0, -1}, // ChunkEnd repeats without consuming
	}
	off := 0
	for i, w := range want {
		ev, n, err := d.Next(input[off:])
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		text := string(ev.Data)
		if ev.Kind == ChunkTrailer {
			text = string(ev.Name) + ": " + string(ev.Value)
		}
		if got := (step{ev.Kind, text, n, d.Remaining()}); got != w {
			t.Errorf("step %d: got %+v, want %+v", i, got, w)
		}
		off += n
	}
	if string(input[off:]) != "NEXT" || !d.Done() {
		t.Errorf("left %q, Done %v; want \"NEXT\", true", input[off:], d.Done())
	}
}

// TestChunkedDecoderPartialData checks that data comes back in pieces, a
// size line is held back until a data byte follows it, and Remaining
// tracks the chunk.
func TestChunkedDecoderPartialData(t *testing.T) {
	var d ChunkedDecoder
	d.Reset(nil)
	if _, n, err := d.Next([]byte("a\r\n")); err != ErrNeedMore || n != 0 {
		t.Fatalf("size line alone: n=%d err=%v, want 0, ErrNeedMore", n, err)
	}
	ev, n, err := d.Next([]byte("a\r\n0123"))
	if err != nil || string(ev.Data) != "0123" || n != 7 || d.Remaining() != 6 {
		t.Fatalf("got %q n=%d err=%v remaining=%d", ev.Data, n, err, d.Remaining())
	}
	ev, n, err = d.Next([]byte("456789\r"))
	if err != nil || string(ev.Data) != "456789" || n != 6 || d.Remaining() != 0 {
		t.Fatalf("got %q n=%d err=%v remaining=%d", ev.Data, n, err, d.Remaining())
	}
	if _, n, err := d.Next([]byte("\r")); err != ErrNeedMore || n != 0 {
		t.Fatalf("lone CR: n=%d err=%v, want 0, ErrNeedMore", n, err)
	}
	if _, n, err := d.Next([]byte("\r\n0\r\n")); err != ErrNeedMore || n != 0 {
		t.Fatalf("last chunk without trailer section: n=%d err=%v, want 0, ErrNeedMore", n, err)
	}
	ev, n, err = d.Next([]byte("\r\n0\r\n\r\n"))
	if err != nil || ev.Kind != ChunkEnd || n != 7 {
		t.Fatalf("got %v n=%d err=%v, want ChunkEnd n=7", ev.Kind, n, err)
	}
}

// TestChunkedDecoderLargeSize checks the largest size accepted: the
// decoder returns the data it holds without waiting for the rest.
func TestChunkedDecoderLargeSize(t *testing.T) {
	var d ChunkedDecoder
	d.Reset(nil)
	ev, n, err := d.Next([]byte("7FFFFFFFFFFFFFFF\r\nab"))
	if err != nil || string(ev.Data) != "ab" || n != 20 || d.Remaining() != math.MaxInt64-2 {
		t.Fatalf("got %q n=%d err=%v remaining=%d", ev.Data, n, err, d.Remaining())
	}
}

// TestChunkedDecoderSticky checks that an error repeats.
func TestChunkedDecoderSticky(t *testing.T) {
	var d ChunkedDecoder
	d.Reset(nil)
	_, _, err1 := d.Next([]byte("2\nhi\r\n"))
	_, n, err2 := d.Next([]byte("2\r\nhi\r\n"))
	if err1 == nil || err2 != err1 || n != 0 {
		t.Fatalf("errors %v then %v (n=%d), want the same error twice", err1, err2, n)
	}
	d.Reset(nil)
	if ev, _, err := d.Next([]byte("2\r\nhi\r\n")); err != nil || string(ev.Data) != "hi" {
		t.Fatalf("after Reset: %q %v", ev.Data, err)
	}
}

// TestChunkedDecoderZeroValue checks that a decoder never Reset uses
// DefaultLimits.
func TestChunkedDecoderZeroValue(t *testing.T) {
	var d ChunkedDecoder
	got := decodeChunked([]byte("1\r\nx\r\n0\r\n\r\n"), nil)
	ev, _, err := d.Next([]byte("1\r\nx\r\n"))
	if err != nil || string(ev.Data) != "x" || got.body != "x" {
		t.Fatalf("zero decoder: %q %v", ev.Data, err)
	}
}

// TestChunkedDecoderNoAlloc checks the success path allocates nothing.
func TestChunkedDecoderNoAlloc(t *testing.T) {
	input := []byte("5;ext=\"v\"\r\nhello\r\n6\r\n world\r\n0\r\nA: b\r\n\r\n")
	var d ChunkedDecoder
	allocs := testing.AllocsPerRun(100, func() {
		d.Reset(nil)
		off := 0
		for {
			ev, n, err := d.Next(input[off:])
			if err != nil {
				panic(err)
			}
			off += n
			if ev.Kind == ChunkEnd {
				break
			}
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per body, want 0", allocs)
	}
}

// TestChunkEventKindString covers the debug names.
func TestChunkEventKindString(t *testing.T) {
	for k, want := range map[ChunkEventKind]string{ChunkData: "ChunkData", ChunkTrailer: "ChunkTrailer", ChunkEnd: "ChunkEnd", 9: "ChunkEventKind(9)"} {
		if k.String() != want {
			t.Errorf("%d.String() = %q, want %q", k, k.String(), want)
		}
	}
}

// TestChunkedDecoderLimitsOnIncompleteInput checks that a limit fails as
// soon as the bytes held prove it broken, and not a byte earlier.
func TestChunkedDecoderLimitsOnIncompleteInput(t *testing.T) {
	tests := []struct {
		name     string
		input    string
		lim      *Limits
		lineType string // "" means ErrNeedMore
	}{
		{"line can still end at MaxLine", "5;" + strings.Repeat("n", 16), &Limits{MaxLine: 20}, ""},
		{"CR at MaxLine-1", "5;" + strings.Repeat("n", 16) + "\r", &Limits{MaxLine: 20}, ""},
		{"line cannot end by MaxLine", "5;" + strings.Repeat("n", 17), &Limits{MaxLine: 20}, "chunk size"},
		{"digits cannot end by MaxLine", "0000000000000005", &Limits{MaxLine: 17}, "chunk size"},
		{"digits can end at MaxLine", "0000000000000005", &Limits{MaxLine: 18}, ""},
		{"extension at max", "5;" + strings.Repeat("n", 9), &Limits{MaxChunkExtension: 10}, ""},
		{"extension over max", "5;" + strings.Repeat("n", 10), &Limits{MaxChunkExtension: 10}, "chunk extension"},
		{"after data CRLF", "1\r\nx\r\n1;" + strings.Repeat("n", 17), &Limits{MaxLine: 20}, "chunk size"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := decodeChunked([]byte(tc.input), tc.lim)
			if tc.lineType == "" {
				if res.err != ErrNeedMore {
					t.Fatalf("error %v, want ErrNeedMore", res.err)
				}
				return
			}
			var lt *errors.LineTooLongError
			if !errors.As(res.err, &lt) || lt.LineType != tc.lineType {
				t.Fatalf("error %v, want LineTooLongError for %q", res.err, tc.lineType)
			}
		})
	}
}
