package wire

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/httpstack/httpstack/errors"
)

// corpusDir locates the shared conformance corpus: $HTTPSTACK_CORPUS, or
// ../../shared/corpus from this package's directory. Without it the test
// is skipped, or fails when $CI is set.
func corpusDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("HTTPSTACK_CORPUS")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "corpus")
	}
	if _, err := os.Stat(filepath.Join(dir, "chunked.json")); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("corpus not found: %v (set HTTPSTACK_CORPUS)", err)
		}
		t.Skipf("corpus not found: %v (set HTTPSTACK_CORPUS)", err)
	}
	return dir
}

// chunkedCorpusCase is one case of chunked.json (see the corpus README).
type chunkedCorpusCase struct {
	ID           string `json:"id"`
	Input        []byte `json:"input_base64"`
	Unit         string `json:"unit"`
	DecoderMode  string `json:"decoder_mode"`
	LenientOnly  bool   `json:"lenient_only"`
	PeerLenient  bool   `json:"peer_lenient"`
	PeerMode     string `json:"peer_mode"`
	Notes        string `json:"notes"`
	Expectations struct {
		Outcome         string      `json:"outcome"`
		ErrorKind       string      `json:"error_kind"`
		Body            []byte      `json:"body_base64"`
		BodyBeforeError []byte      `json:"body_before_error_base64"`
		Trailers        *[][]string `json:"trailers"`
		Consumed        *int        `json:"consumed"`
		Leftover        *[]byte     `json:"leftover_base64"`
		ChunkSize       string      `json:"chunk_size"`
	} `json:"expect"`
}

// chunkedCorpusDeviations lists the cases where we knowingly differ from
// the peer's recorded result, with the reason. Each must still differ:
// a listed case that starts to agree fails the test, so the list stays
// true.
var chunkedCorpusDeviations = map[string]string{
	"go/chunk-size/TestParseHexUint/ffffffffffffffff": "Go's parseHexUint returns a uint64; our sizes must fit int64 (2^64-1 is ErrInvalidChunk)",
}

// chunkedCorpusKindDeviations lists cases where the outcome agrees (both
// reject) but the error category differs.
var chunkedCorpusKindDeviations = map[string]string{
	"picohttpparser/chunked/failure/size-2pow64-1-accepted": "picohttpparser accepts 2^64-1 and then runs out of data; we reject the size as over int64",
	"cpython/overflowing-chunked-line":                      "80+ leading zeros: we stop at the 17th hex digit (invalid-chunk) before the 65536-byte line limit",
}

// TestChunkedCorpus runs the decoder over /work/shared/corpus/chunked.json
// and compares with the peers' recorded results, honouring the strictness
// flags: a rejection of a peer_lenient or lenient_only acceptance is the
// conforming answer for us.
func TestChunkedCorpus(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(corpusDir(t), "chunked.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []chunkedCorpusCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	var pass, strict, modeBody, kindDiff, deviation int
	for _, c := range cases {
		t.Run(c.ID, func(t *testing.T) {
			got := runCorpusCase(c)
			exp := c.Expectations
			if got.outcome != exp.Outcome {
				switch {
				case got.outcome == "error" && (c.PeerLenient || c.LenientOnly):
					strict++
					t.Logf("strict: we reject (%s: %v) what the peer accepts leniently (%s)", got.kind, got.err, c.PeerMode)
				case chunkedCorpusDeviations[c.ID] != "":
					deviation++
					t.Logf("deviation: %s", chunkedCorpusDeviations[c.ID])
				default:
					t.Errorf("outcome %s (%v), peer says %s %s", got.outcome, got.err, exp.Outcome, exp.ErrorKind)
				}
				return
			}
			if chunkedCorpusDeviations[c.ID] != "" {
				t.Errorf("listed as a deviation but agrees now; update chunkedCorpusDeviations")
			}
			if got.outcome == "error" {
				if got.kind != exp.ErrorKind && c.LenientOnly {
					// The peer's lenient mode failed later; its strict
					// mode rejects where we do.
					strict++
					t.Logf("strict: we reject with %s, the lenient peer with %s", got.kind, exp.ErrorKind)
					return
				}
				if got.kind != exp.ErrorKind {
					if chunkedCorpusKindDeviations[c.ID] == "" {
						t.Errorf("error kind %s (%v), peer says %s", got.kind, got.err, exp.ErrorKind)
						return
					}
					kindDiff++
					t.Logf("error kind differs: %s", chunkedCorpusKindDeviations[c.ID])
				}
				if exp.BodyBeforeError != nil && string(got.body) != string(exp.BodyBeforeError) {
					t.Errorf("body before error %q, peer delivered %q", got.body, exp.BodyBeforeError)
				}
				if got.kind == exp.ErrorKind {
					if chunkedCorpusKindDeviations[c.ID] != "" {
						t.Errorf("listed as a kind deviation but agrees now; update chunkedCorpusKindDeviations")
					}
					pass++
				}
				return
			}
			if c.Unit == "chunk-size" {
				if got.size != exp.ChunkSize {
					t.Errorf("chunk size %s, want %s", got.size, exp.ChunkSize)
				}
				pass++
				return
			}
			if string(got.body) != string(exp.Body) {
				t.Errorf("body %q, want %q", got.body, exp.Body)
			}
			if c.DecoderMode == "stop-after-last-chunk" {
				// The peer stops after "0\r\n"; we also need the trailer
				// section, so only the body is comparable.
				modeBody++
				return
			}
			if exp.Trailers != nil {
				var want []Field
				for _, f := range *exp.Trailers {
					want = append(want, Field{Name: f[0], Value: f[1]})
				}
				if !slices.Equal(got.trailer, want) {
					t.Errorf("trailers %q, want %q", got.trailer, want)
				}
			}
			left := c.Input[got.n:]
			switch {
			case exp.Consumed != nil && got.n != *exp.Consumed:
				t.Errorf("consumed %d, want %d", got.n, *exp.Consumed)
			case exp.Leftover != nil && string(left) != string(*exp.Leftover):
				t.Errorf("left %q, want %q", left, *exp.Leftover)
			case exp.Consumed == nil && exp.Leftover == nil && len(left) != 0:
				t.Errorf("left %q unconsumed", left)
			}
			pass++
		})
	}
	t.Logf("chunked corpus: %d cases: %d agree, %d body-only (stop-after-last-chunk), %d stricter than a lenient peer, %d agree on rejection with another error kind, %d listed deviations",
		len(cases), pass, modeBody, strict, kindDiff, deviation)
}

// corpusResult is our decoder's verdict on one corpus case.
type corpusResult struct {
	outcome string // "ok" or "error"
	kind    string // the corpus error_kind for our error
	err     error
	body    []byte
	trailer []Field
	n       int
	size    string
}

func runCorpusCase(c chunkedCorpusCase) corpusResult {
	if c.Unit == "chunk-size" {
		// A bare chunk-size token: decode it as a size line.
		var d ChunkedDecoder
		d.Reset(nil)
		size, _, err := d.sizeLine(append(slices.Clip(c.Input), '\r', '\n'))
		if err != nil {
			return corpusResult{outcome: "error", kind: corpusKind(err), err: err}
		}
		return corpusResult{outcome: "ok", size: strconv.FormatInt(size, 10)}
	}
	r := decodeChunked(c.Input, nil)
	res := corpusResult{body: []byte(r.body), trailer: r.trailer, n: r.n, err: r.err}
	switch {
	case r.err == nil:
		res.outcome = "ok"
	case r.err == ErrNeedMore:
		// The input ends (EOF) before the body does.
		res.outcome, res.kind = "error", "incomplete-body"
		if c.DecoderMode == "stop-after-last-chunk" && c.Expectations.Outcome == "ok" {
			// Ours still waits for the trailer section; the peer's
			// verdict is about the bytes up to the last chunk, so
			// complete the body and compare what it holds.
			r = decodeChunked(append(slices.Clip(c.Input), '\r', '\n'), nil)
			if r.err == nil {
				res = corpusResult{outcome: "ok", body: []byte(r.body), trailer: r.trailer, n: r.n}
			}
		}
	default:
		res.outcome, res.kind = "error", corpusKind(r.err)
	}
	return res
}

// corpusKind maps our errors to the corpus's error_kind categories.
func corpusKind(err error) string {
	switch {
	case errors.Is(err, errors.ErrLineTooLong):
		return "line-too-long"
	case errors.Is(err, errors.ErrInvalidChunk):
		return "invalid-chunk"
	case errors.Is(err, errors.ErrTooManyHeaders):
		return "too-many-headers"
	case errors.Is(err, errors.ErrInvalidHeader):
		return "invalid-header"
	}
	return "unexpected: " + err.Error()
}
