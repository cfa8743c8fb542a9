package wire

import (
	"testing"
)

// spanFields decodes b with Spans and returns the fields it located.
func spanFields(b []byte, lim *Limits) (fields []Field, n int, ok bool) {
	var d HeaderDecoder
	d.Reset(lim, false)
	spans, n, ok := d.Spans(b, nil)
	if !ok {
		return nil, 0, false
	}
	for _, s := range spans {
		fields = append(fields, Field{Name: string(b[s.NameStart:s.NameEnd]), Value: string(b[s.ValueStart:s.ValueEnd])})
	}
	if d.Fields() != len(fields) {
		panic("Spans: HeaderDecoder.Fields out of step")
	}
	return fields, n, true
}

// checkSpans fails t if Spans succeeds on b under lim and disagrees with
// Next, which is the reference.
func checkSpans(t *testing.T, b []byte, lim *Limits) (ok bool) {
	t.Helper()
	got, gotN, ok := spanFields(b, lim)
	if !ok {
		return false
	}
	want, wantN, err := decodeBlock(b, lim)
	if err != nil {
		t.Fatalf("Spans accepted %q (%q), Next rejects it: %v", b, got, err)
	}
	if gotN != wantN || len(got) != len(want) {
		t.Fatalf("Spans on %q: %q n=%d, Next: %q n=%d", b, got, gotN, want, wantN)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("Spans on %q: field %d is %q, Next: %q", b, i, got[i], want[i])
		}
	}
	return true
}

func TestHeaderDecoderSpans(t *testing.T) {
	tests := []struct {
		name string
		in   string
		lim  *Limits
		ok   bool // Spans handles it; otherwise it must leave it to Next
	}{
		{"Empty", "\r\n", nil, true},
		{"EmptyBareLF", "\n", nil, true},
		{"Typical", benchHead[17:], nil, true},
		{"BareLF", "A: 1\nB: 2\n\n", nil, true},
		{"OWSTrimmed", "A:   x y \t\r\nB:\tz\t\r\n\r\n", nil, true},
		{"EmptyValue", "A:\r\nB: \r\nC:   \r\n\r\n", nil, true},
		{"ObsText", "A: \xe2\x98\x83\r\n\r\n", nil, true},
		{"BodyFollows", "A: 1\r\n\r\nbody bytes", nil, true},
		{"AtMaxHeaders", "A: 1\r\nB: 2\r\n\r\n", &Limits{MaxHeaders: 2}, true},
		{"AtMaxHeaderBytes", "A: 1\r\nB: 2\r\n\r\n", &Limits{MaxHeaderBytes: 14}, true},
		{"AtMaxLine", "A: 1234\r\n\r\n", &Limits{MaxLine: 9}, true},

		{"Incomplete", "A: 1\r\nB: 2\r\n", nil, false},
		{"IncompleteEmptyLine", "A: 1\r\n\r", nil, false},
		{"NoByteAfterField", "A: 1\r\n", nil, false},
		{"ObsFold", "A: x\r\n y\r\n\r\n", nil, false},
		{"MissingColon", "Garbage\r\n\r\n", nil, false},
		{"SpaceBeforeColon", "A : 1\r\n\r\n", nil, false},
		{"BareCR", "A: a\rb\r\n\r\n", nil, false},
		{"BareCRLine", "A: 1\r\n\r\r\n", nil, false},
		{"NUL", "A: a\x00b\r\n\r\n", nil, false},
		{"LeadingWhitespace", " A: 1\r\n\r\n", nil, false},
		{"OverMaxHeaders", "A: 1\r\nB: 2\r\nC: 3\r\n\r\n", &Limits{MaxHeaders: 2}, false},
		{"OverMaxHeaderBytes", "A: 1\r\nB: 2\r\n\r\n", &Limits{MaxHeaderBytes: 13}, false},
		{"EmptyLineOverMaxHeaderBytes", "A: 1\r\n\r\n", &Limits{MaxHeaderBytes: 7}, false},
		{"OverMaxLine", "A: 12345\r\n\r\n", &Limits{MaxLine: 9}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if ok := checkSpans(t, []byte(tc.in), tc.lim); ok != tc.ok {
				t.Fatalf("Spans ok = %v, want %v", ok, tc.ok)
			}
		})
	}
}

func TestHeaderDecoderSpansAllocs(t *testing.T) {
	b := []byte(benchHead[17:])
	spans := make([]FieldSpan, 0, 32)
	var d HeaderDecoder
	n := testing.AllocsPerRun(100, func() {
		d.Reset(nil, false)
		if _, _, ok := d.Spans(b, spans[:0]); !ok {
			t.Fatal("Spans refused the benchmark head")
		}
	})
	if n != 0 {
		t.Fatalf("Spans allocates %v times, want 0", n)
	}
}

func BenchmarkHeaderSpans(b *testing.B) {
	head := []byte(benchHead[17:])
	spans := make([]FieldSpan, 0, 32)
	var d HeaderDecoder
	b.SetBytes(int64(len(head)))
	for b.Loop() {
		d.Reset(nil, false)
		if _, _, ok := d.Spans(head, spans[:0]); !ok {
			b.Fatal("Spans refused the head")
		}
	}
}

// TestSkipPlainValue: the word-at-a-time scan skips only bytes the
// fieldValueTable allows, and skips every whole word of plain text.
func TestSkipPlainValue(t *testing.T) {
	plain := []byte("abcdefghijklmnopqrstuvwx") // 24 bytes, three words
	for c := 0; c < 256; c++ {
		for p := range plain {
			b := append([]byte(nil), plain...)
			b[p] = byte(c)
			got := skipPlainValue(b, 0)
			for _, x := range b[:got] {
				if !fieldValueTable[x] {
					t.Fatalf("byte %#x at %d: skipped to %d, past a byte values may not hold", c, p, got)
				}
			}
			if fieldValueTable[c] && c != '\t' && got != len(b) {
				t.Fatalf("byte %#x at %d: stopped at %d in plain text", c, p, got)
			}
			if !fieldValueTable[c] && got > p {
				t.Fatalf("byte %#x at %d: skipped to %d", c, p, got)
			}
		}
	}
	if got := skipPlainValue(plain[:7], 0); got != 0 {
		t.Errorf("a partial word: skipped to %d, want 0", got)
	}
	if got := skipPlainValue(plain, 3); got != 19 {
		t.Errorf("from 3: skipped to %d, want 19", got)
	}
}
