package wire

import (
	"fmt"
	"strings"
	"testing"

	"github.com/httpstack/httpstack/errors"
)

func headerStepper(lim *Limits, trailer bool) func() stepper {
	return func() stepper {
		var d HeaderDecoder
		d.Reset(lim, trailer)
		return func(b []byte) (string, int, bool, error) {
			name, value, n, done, err := d.Next(b)
			if err != nil || done {
				return "", n, done, err
			}
			return fmt.Sprintf("%s: %q\n", name, value), n, false, nil
		}
	}
}

// fieldsText renders fields as headerStepper does.
func fieldsText(fields ...string) string {
	var b strings.Builder
	for i := 0; i < len(fields); i += 2 {
		fmt.Fprintf(&b, "%s: %q\n", fields[i], fields[i+1])
	}
	return b.String()
}

func TestHeaderDecoder(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		lim    *Limits
		fields []string // name, value pairs
		reason string   // HeaderError reason, when an error is expected
		err    error    // otherwise a sentinel the error must match
	}{
		{name: "Empty", in: "\r\n"},
		{name: "EmptyBareLF", in: "\n"},
		{name: "RFC9112Example", in: "Host: www.example.com\r\nAccept-Language: en, mi\r\n\r\n",
			fields: []string{"Host", "www.example.com", "Accept-Language", "en, mi"}},
		{name: "CaseAndOrderKept", in: "x-B: 1\r\nX-a: 2\r\nx-b: 3\r\n\r\n",
			fields: []string{"x-B", "1", "X-a", "2", "x-b", "3"}},
		{name: "BareLF", in: "A: 1\nB: 2\n\n", fields: []string{"A", "1", "B", "2"}},
		{name: "MixedTerminators", in: "A: 1\nB: 2\r\n\n", fields: []string{"A", "1", "B", "2"}},
		{name: "OWSTrimmed", in: "A:   x y \t\r\nB:\tz\t\r\n\r\n", fields: []string{"A", "x y", "B", "z"}},
		{name: "EmptyValue", in: "A:\r\nB: \r\n\r\n", fields: []string{"A", "", "B", ""}},
		{name: "ObsText", in: "A: \xe2\x98\x83\r\n\r\n", fields: []string{"A", "\xe2\x98\x83"}},
		{name: "ColonInValue", in: "A: b:c\r\n\r\n", fields: []string{"A", "b:c"}},
		{name: "TokenChars", in: "!#$%&'*+-.^_`|~09az: v\r\n\r\n", fields: []string{"!#$%&'*+-.^_`|~09az", "v"}},
		{name: "ObsFold", in: "Obs: text\r\n folded with space\r\n\tfolded with tab\r\nB: 2\r\n\r\n",
			fields: []string{"Obs", "text folded with space folded with tab", "B", "2"}},
		{name: "ObsFoldBareLF", in: "A: x\n more\n\n", fields: []string{"A", "x more"}},
		{name: "ObsFoldEmptyFirst", in: "A:\r\n  x\r\n\r\n", fields: []string{"A", "x"}},
		{name: "ObsFoldBlankContinuation", in: "A: x\r\n \r\n\ty\r\n\r\n", fields: []string{"A", "x y"}},
		{name: "ObsFoldLast", in: "A: 1\r\nB: x\r\n y\r\n\r\n", fields: []string{"A", "1", "B", "x y"}},

		{name: "MissingColon", in: "GarbageLine\r\n\r\n", reason: "missing colon"},
		{name: "WhitespaceBeforeColon", in: "X-A : 1\r\n\r\n", reason: "whitespace before colon"},
		{name: "TabBeforeColon", in: "X-A\t: 1\r\n\r\n", reason: "whitespace before colon"},
		{name: "EmptyName", in: ": nval\r\n\r\n", reason: "empty name"},
		{name: "NonTokenName", in: "X-\xe9: 1\r\n\r\n", reason: "name is not a token"},
		{name: "SpaceInName", in: "Key Space: 1\r\n\r\n", reason: "name is not a token"},
		{name: "BareCRInValue", in: "X-E: a\rb\r\n\r\n", reason: "bare CR"},
		{name: "BareCRInName", in: "X\r-E: a\r\n\r\n", reason: "bare CR"},
		{name: "BareCRLine", in: "A: 1\r\n\r\r\n", fields: nil, reason: "bare CR"},
		{name: "CRCREndsLine", in: "A: 1\r\r\n\r\n", reason: "bare CR"},
		{name: "NULInValue", in: "A: a\x00b\r\n\r\n", reason: "NUL in value"},
		{name: "CTLInValue", in: "A: a\x01b\r\n\r\n", reason: "control character in value"},
		{name: "DELInValue", in: "A: a\x7fb\r\n\r\n", reason: "control character in value"},
		{name: "LeadingWhitespace", in: " A: 1\r\n\r\n", reason: "leading whitespace"},
		{name: "BareCRInFold", in: "A: 1\r\n b\rc\r\n\r\n", reason: "bare CR"},
		{name: "NULInFold", in: "A: 1\r\n b\x00\r\n\r\n", reason: "NUL in value"},
		{name: "ObsFoldRejected", in: "A: 1\r\n 2\r\n\r\n", lim: &Limits{RejectObsFold: true}, reason: "obs-fold"},

		{name: "TooManyLines", in: "A: 1\r\nB: 2\r\nC: 3\r\n\r\n", lim: &Limits{MaxHeaders: 2}, err: errors.ErrTooManyHeaders},
		{name: "FoldCountsAsLine", in: "A: 1\r\n 2\r\n 3\r\n\r\n", lim: &Limits{MaxHeaders: 2}, err: errors.ErrTooManyHeaders},
		{name: "BlockTooLarge", in: "A: 1234\r\nB: 5678\r\n\r\n", lim: &Limits{MaxHeaderBytes: 16}, err: errors.ErrTooManyHeaders},
		{name: "LineTooLong", in: "A: 12345678\r\n\r\n", lim: &Limits{MaxLine: 8}, err: errors.ErrLineTooLong},
		{name: "FoldLineTooLong", in: "A: 1\r\n 12345678\r\n\r\n", lim: &Limits{MaxLine: 8}, err: errors.ErrLineTooLong},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := feed(t, tc.in, headerStepper(tc.lim, false))
			if tc.reason == "" && tc.err == nil {
				if got.err != "" || got.need || got.n != len(tc.in) || got.out != fieldsText(tc.fields...) {
					t.Fatalf("got %+v, want fields %q consuming %d", got, tc.fields, len(tc.in))
				}
				return
			}
			// Run again to inspect the error value.
			var d HeaderDecoder
			d.Reset(tc.lim, false)
			b := []byte(tc.in)
			var err error
			for {
				var n int
				var done bool
				_, _, n, done, err = d.Next(b)
				if err != nil || done {
					break
				}
				b = b[n:]
			}
			if tc.reason != "" {
				var he *errors.HeaderError
				if !errors.As(err, &he) || he.Reason != tc.reason || !he.Remote {
					t.Fatalf("err = %#v, want remote HeaderError %q", err, tc.reason)
				}
				return
			}
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
		})
	}
}

func TestHeaderDecoderTrailer(t *testing.T) {
	var d HeaderDecoder
	d.Reset(&Limits{MaxLine: 8, MaxTrailers: 1, MaxHeaders: 50}, true)
	_, _, _, _, err := d.Next([]byte("A: 123456789\r\n"))
	var tl *errors.LineTooLongError
	if !errors.As(err, &tl) || tl.LineType != "trailer line" || tl.Limit != 8 {
		t.Errorf("err = %v, want LineTooLongError for trailer line", err)
	}
	d.Reset(&Limits{MaxTrailers: 1, MaxHeaders: 50}, true)
	_, _, n, _, err := d.Next([]byte("A: 1\r\nB: 2\r\n\r\n"))
	if err != nil || n != 6 {
		t.Fatalf("first trailer: n=%d err=%v", n, err)
	}
	if _, _, _, _, err = d.Next([]byte("B: 2\r\n\r\n")); !errors.Is(err, errors.ErrTooManyHeaders) || !strings.Contains(err.Error(), "trailers") {
		t.Errorf("err = %v, want too many trailers", err)
	}
	if d.Fields() != 1 {
		t.Errorf("Fields() = %d, want 1", d.Fields())
	}
}

// block builds a header block with n field lines of about lineLen bytes.
func block(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "X-%d: v\r\n", i)
	}
	b.WriteString("\r\n")
	return b.String()
}

func TestHeaderDecoderMaxHeaders(t *testing.T) {
	for _, max := range []int{5, DefaultLimits.MaxHeaders} {
		for _, count := range []int{max - 1, max, max + 1} {
			t.Run(fmt.Sprintf("max%d/fields%d", max, count), func(t *testing.T) {
				lim := &Limits{MaxHeaders: max}
				got := runWhole(headerStepper(lim, false), []byte(block(count)))
				if count <= max {
					if got.err != "" || got.need || strings.Count(got.out, "\n") != count {
						t.Fatalf("got %+v, want %d fields", got, count)
					}
					return
				}
				if !strings.Contains(got.err, "too many header fields") {
					t.Fatalf("got %+v, want ErrTooManyHeaders", got)
				}
				// The limit holds on incomplete input: the first byte of
				// line max+1 is enough.
				in := block(count)
				cut := strings.Index(in, fmt.Sprintf("X-%d:", max)) + 1
				if p := runWhole(headerStepper(lim, false), []byte(in[:cut])); !strings.Contains(p.err, "too many header fields") {
					t.Errorf("incomplete: got %+v, want ErrTooManyHeaders", p)
				}
			})
		}
	}
}

func TestHeaderDecoderMaxLine(t *testing.T) {
	for _, max := range []int{32, DefaultLimits.MaxLine} {
		for _, l := range []int{max - 1, max, max + 1} {
			t.Run(fmt.Sprintf("max%d/len%d", max, l), func(t *testing.T) {
				line := "A: " + strings.Repeat("v", l-5) + "\r\n"
				in := line + "\r\n"
				lim := &Limits{MaxLine: max}
				got := runWhole(headerStepper(lim, false), []byte(in))
				if l <= max {
					if got.err != "" || got.n != len(in) {
						t.Fatalf("got %+v, want success", got)
					}
					return
				}
				want := (&errors.LineTooLongError{LineType: "header line", Limit: max}).Error()
				if got.err != want {
					t.Fatalf("got %+v, want %q", got, want)
				}
				if p := runWhole(headerStepper(lim, false), []byte(line[:max])); p.err != want {
					t.Errorf("incomplete %d bytes: got %+v, want %q", max, p, want)
				}
				if p := runWhole(headerStepper(lim, false), []byte(line[:max-1])); !p.need {
					t.Errorf("incomplete %d bytes: got %+v, want ErrNeedMore", max-1, p)
				}
			})
		}
	}
}

func TestHeaderDecoderMaxHeaderBytes(t *testing.T) {
	in := "A: 1\r\nB: 2\r\n\r\n" // 14 bytes
	for _, tc := range []struct {
		max int
		ok  bool
	}{{13, false}, {14, true}, {15, true}} {
		t.Run(fmt.Sprint(tc.max), func(t *testing.T) {
			got := feed(t, in, headerStepper(&Limits{MaxHeaderBytes: tc.max}, false))
			if tc.ok != (got.err == "") {
				t.Fatalf("got %+v, want ok=%v", got, tc.ok)
			}
		})
	}
}

func TestHeaderDecoderFoldView(t *testing.T) {
	// An unfolded value lives in the decoder's buffer; an unfolded one in b.
	var d HeaderDecoder
	b := []byte("A: x\r\n y\r\nB: z\r\n\r\n")
	_, v, n, _, err := d.Next(b)
	if err != nil || string(v) != "x y" || n != 10 {
		t.Fatalf("got %q n=%d err=%v", v, n, err)
	}
	name, v, _, _, err := d.Next(b[n:])
	if err != nil || &v[0] != &b[n+3] || &name[0] != &b[n] {
		t.Errorf("plain field is not a view into the input")
	}
}

func TestHeaderDecoderAllocs(t *testing.T) {
	in := []byte(benchHead[strings.Index(benchHead, "\n")+1:])
	var d HeaderDecoder
	decode := func() {
		d.Reset(nil, false)
		b := in
		for {
			_, _, n, done, err := d.Next(b)
			if err != nil {
				t.Fatal(err)
			}
			if done {
				return
			}
			b = b[n:]
		}
	}
	if a := testing.AllocsPerRun(100, decode); a != 0 {
		t.Errorf("%v allocs, want 0", a)
	}
	folded := []byte("A: x\r\n y\r\n\r\n")
	decodeFolded := func() {
		d.Reset(nil, false)
		_, _, _, _, _ = d.Next(folded)
	}
	decodeFolded()
	if a := testing.AllocsPerRun(100, decodeFolded); a != 0 {
		t.Errorf("folded, warm buffer: %v allocs, want 0", a)
	}
}
