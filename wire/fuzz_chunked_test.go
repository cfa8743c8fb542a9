package wire

import (
	"bufio"
	"bytes"
	"io"
	"slices"
	"testing"

	"github.com/httpstack/httpstack/errors"
)

// FuzzChunkedDecoder checks, on any input, that the decoder never panics,
// keeps its consumption rule, fails only with this module's errors, gives
// the same result fed whole and byte by byte and through ChunkedReader,
// and that a decoded body survives a round trip: decode → AppendChunk /
// AppendLastChunk → decode gives the same body and trailers.
func FuzzChunkedDecoder(f *testing.F) {
	for _, tc := range chunkCases {
		if len(tc.wire) <= 4096 {
			f.Add([]byte(tc.wire), tc.lim != nil)
		}
	}
	f.Add([]byte("7FFFFFFFFFFFFFFF\r\nabc"), false)
	f.Add([]byte("1;a=\"\\\"\"\r\nx\r\n0\r\nA: b\r\n c\r\n\r\n"), true)
	small := &Limits{MaxLine: 32, MaxChunkExtension: 8, MaxTrailers: 2, MaxHeaderBytes: 64, MaxChunkOverhead: 40}
	f.Fuzz(func(t *testing.T, data []byte, useSmall bool) {
		var lim *Limits
		if useSmall {
			lim = small
		}
		whole, pieces := fuzzDecode(t, data, lim)
		if whole.err != nil && whole.err != ErrNeedMore {
			if !errors.Is(whole.err, errors.ErrHTTP) {
				t.Fatalf("error %#v is not one of ours", whole.err)
			}
			switch {
			case errors.Is(whole.err, errors.ErrInvalidChunk), errors.Is(whole.err, errors.ErrLineTooLong),
				errors.Is(whole.err, errors.ErrInvalidHeader), errors.Is(whole.err, errors.ErrTooManyHeaders):
			default:
				t.Fatalf("unexpected error kind %v", whole.err)
			}
		}

		// The byte-by-byte and adapter runs rescan unfinished lines, so
		// they are quadratic in the line length; keep each exec cheap
		// (the fuzzer's minimiser runs the target thousands of times).
		if len(data) <= 2048 {
			fuzzIncremental(t, data, lim, whole)
		}
		if whole.err != nil {
			return
		}
		// Round trip: re-encode chunk by chunk and decode again.
		var enc []byte
		for _, p := range pieces {
			enc = AppendChunk(enc, p)
		}
		enc, err := AppendLastChunk(enc, whole.trailer...)
		if err != nil {
			t.Fatalf("re-encoding decoded trailers: %v", err)
		}
		// Re-decode under the default limits: the encoder writes "Name: "
		// where the input may have had "Name:", one byte more per line.
		again, _ := fuzzDecode(t, enc, nil)
		if again.err != nil || again.body != whole.body || !slices.Equal(again.trailer, whole.trailer) || again.n != len(enc) {
			t.Fatalf("round trip: %q → %q → %+v, want %+v", data, enc, again, whole)
		}
	})
}

// fuzzIncremental checks that feeding data byte by byte, and reading it
// through ChunkedReader, agree with the whole decode.
func fuzzIncremental(t *testing.T, data []byte, lim *Limits, whole chunkResult) {
	bw := runBytewise(chunkStepper(lim), data)
	wantOut := whole.body
	for _, f := range whole.trailer {
		wantOut += renderTrailer(f.Name, f.Value)
	}
	if bw.out != wantOut && whole.err == nil {
		t.Fatalf("byte by byte gave %q, whole %q", bw.out, wantOut)
	}
	if (whole.err == nil) != (bw.err == "" && !bw.need) || (whole.err == nil && bw.n != whole.n) ||
		(whole.err != nil && whole.err != ErrNeedMore && bw.err != whole.err.Error()) {
		t.Fatalf("byte by byte gave %+v, whole %+v", bw, whole)
	}
	// Every strict prefix of a complete body asks for more.
	if whole.err == nil && whole.n <= 128 {
		for k := 0; k < whole.n; k++ {
			if p := runWhole(chunkStepper(lim), data[:k]); !p.need || p.err != "" {
				t.Fatalf("prefix %d of %q: %+v, want ErrNeedMore", k, data[:whole.n], p)
			}
		}
	}

	// Through the adapter, with a buffer smaller than most lines.
	br := bufio.NewReaderSize(bytes.NewReader(data), 16)
	body, trailer, err := readChunked(NewChunkedReader(br, lim), 7)
	switch {
	case whole.err == nil:
		if err != io.EOF || body != whole.body || !slices.Equal(trailer, whole.trailer) {
			t.Fatalf("ChunkedReader: %q %q %v; decoder %q %q", body, trailer, err, whole.body, whole.trailer)
		}
	case whole.err == ErrNeedMore:
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("ChunkedReader on a cut body: %v", err)
		}
	default:
		if err == nil || err.Error() != whole.err.Error() {
			t.Fatalf("ChunkedReader error %v, decoder %v", err, whole.err)
		}
	}
}

// fuzzDecode decodes data whole, checking the consumption rule, and
// returns the result and the data pieces.
func fuzzDecode(t *testing.T, data []byte, lim *Limits) (chunkResult, [][]byte) {
	var d ChunkedDecoder
	d.Reset(lim)
	var r chunkResult
	var pieces [][]byte
	for {
		ev, n, err := d.Next(data[r.n:])
		if err != nil {
			if n != 0 {
				t.Fatalf("error %v with n = %d", err, n)
			}
			if _, n2, err2 := d.Next(data[r.n:]); err != ErrNeedMore && (err2 != err || n2 != 0) {
				t.Fatalf("error not sticky: %v then %v", err, err2)
			}
			r.err = err
			break
		}
		if n <= 0 || r.n+n > len(data) {
			t.Fatalf("event %v consumed %d of %d bytes", ev.Kind, n, len(data)-r.n)
		}
		r.n += n
		switch ev.Kind {
		case ChunkData:
			if len(ev.Data) == 0 {
				t.Fatal("empty ChunkData")
			}
			r.body += string(ev.Data)
			pieces = append(pieces, ev.Data)
		case ChunkTrailer:
			r.trailer = append(r.trailer, Field{Name: string(ev.Name), Value: string(ev.Value)})
		case ChunkEnd:
			if !d.Done() || d.Remaining() != -1 {
				t.Fatal("ChunkEnd but the decoder is not done")
			}
			return r, pieces
		default:
			t.Fatalf("unknown event %v", ev.Kind)
		}
	}
	return r, pieces
}
