package wire

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/httpstack/httpstack/errors"
)

// readers returns the ways the adapter tests wrap an input: buffered
// generously, one byte per Read, and with a bufio buffer (16 bytes, the
// minimum) smaller than most items, which takes the scratch path.
func readers(s string) map[string]*bufio.Reader {
	return map[string]*bufio.Reader{
		"whole":        bufio.NewReader(strings.NewReader(s)),
		"onebyte":      bufio.NewReader(iotest.OneByteReader(strings.NewReader(s))),
		"small":        bufio.NewReaderSize(strings.NewReader(s), 16),
		"smallonebyte": bufio.NewReaderSize(iotest.OneByteReader(strings.NewReader(s)), 16),
	}
}

// readHead runs the adapters over a response head and renders it as the
// pure steppers do.
func readHead(br *bufio.Reader, lim *Limits) (string, error) {
	sl, err := ReadStatusLine(br, lim)
	if err != nil {
		return "", err
	}
	out := fmt.Sprintf("%d %d %q %q", sl.Version, sl.Code, sl.Reason, sl.Proto)
	err = ReadHeaderBlock(br, lim, false, func(name, value []byte) error {
		out += fmt.Sprintf("%s: %q\n", name, value)
		return nil
	})
	return out, err
}

func TestAdaptersMatchDecoders(t *testing.T) {
	long := strings.Repeat("v", 100)
	tests := []struct {
		name string
		head string
	}{
		{"Bench", benchHead},
		{"NoFields", "HTTP/1.0 204\r\n\r\n"},
		{"BareLF", "HTTP/1.1 200 OK\nA: 1\n\n"},
		{"LongStatusLine", "HTTP/1.1 200 " + long + "\r\n\r\n"},
		{"LongField", "HTTP/1.1 200 OK\r\nX-Long: " + long + "\r\nB: 2\r\n\r\n"},
		{"LongFolded", "HTTP/1.1 200 OK\r\nX: " + long + "\r\n " + long + "\r\n\tz\r\nB: 2\r\n\r\n"},
		{"FoldAtEnd", "HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n"},
	}
	for _, tc := range tests {
		// The pure decoders' view.
		sl := runWhole(statusStepper(nil), []byte(tc.head))
		hb := runWhole(headerStepper(nil, false), []byte(tc.head[sl.n:]))
		if sl.err != "" || hb.err != "" || sl.n+hb.n != len(tc.head) {
			t.Fatalf("%s: pure decode failed: %+v %+v", tc.name, sl, hb)
		}
		want := sl.out + hb.out
		for rname, br := range readers(tc.head + "BODY") {
			t.Run(tc.name+"/"+rname, func(t *testing.T) {
				got, err := readHead(br, nil)
				if err != nil || got != want {
					t.Fatalf("got %q, %v; want %q", got, err, want)
				}
				if rest, _ := io.ReadAll(br); string(rest) != "BODY" {
					t.Errorf("left %q unread, want BODY", rest)
				}
			})
		}
	}
}

func TestAdaptersErrors(t *testing.T) {
	long := strings.Repeat("v", 100)
	tests := []struct {
		name string
		in   string
		lim  *Limits
		want error // matched with errors.Is
	}{
		{"EmptyIsEOF", "", nil, io.EOF},
		{"EOFInStatusLine", "HTTP/1.1 200", nil, io.ErrUnexpectedEOF},
		{"EOFBeforeBlock", "HTTP/1.1 200 OK\r\n", nil, io.ErrUnexpectedEOF},
		{"EOFInBlock", "HTTP/1.1 200 OK\r\nA: 1\r\n", nil, io.ErrUnexpectedEOF},
		{"EOFInField", "HTTP/1.1 200 OK\r\nA: 1", nil, io.ErrUnexpectedEOF},
		{"EOFAfterLongField", "HTTP/1.1 200 OK\r\nA: " + long + "\r\n", nil, io.ErrUnexpectedEOF},
		{"BadStatus", "ICY 200 OK\r\n\r\n", nil, errors.ErrBadStatusLine},
		{"BadField", "HTTP/1.1 200 OK\r\nA : 1\r\n\r\n", nil, errors.ErrInvalidHeader},
		{"StatusTooLong", "HTTP/1.1 200 " + long + "\r\n\r\n", &Limits{MaxLine: 64}, errors.ErrLineTooLong},
		{"StatusTooLongNoLF", "HTTP/1.1 200 " + long + long, &Limits{MaxLine: 64}, errors.ErrLineTooLong},
		{"FieldTooLong", "HTTP/1.1 200 OK\r\nA: " + long + "\r\n\r\n", &Limits{MaxLine: 64}, errors.ErrLineTooLong},
		{"FieldTooLongNoLF", "HTTP/1.1 200 OK\r\nA: " + long + long, &Limits{MaxLine: 64}, errors.ErrLineTooLong},
		{"BlockTooLarge", "HTTP/1.1 200 OK\r\nA: " + long + "\r\nB: " + long + "\r\n\r\n", &Limits{MaxHeaderBytes: 150}, errors.ErrTooManyHeaders},
	}
	for _, tc := range tests {
		for rname, br := range readers(tc.in) {
			t.Run(tc.name+"/"+rname, func(t *testing.T) {
				_, err := readHead(br, tc.lim)
				if !errors.Is(err, tc.want) {
					t.Fatalf("err = %v, want %v", err, tc.want)
				}
				if tc.want == io.EOF && err != io.EOF {
					t.Errorf("err = %#v, want io.EOF itself", err)
				}
			})
		}
	}
}

func TestReadRequestLine(t *testing.T) {
	in := "GET /" + strings.Repeat("a", 40) + " HTTP/1.1\r\nHost: x\r\n\r\n"
	for rname, br := range readers(in) {
		t.Run(rname, func(t *testing.T) {
			rl, err := ReadRequestLine(br, nil)
			if err != nil || string(rl.Method) != "GET" || len(rl.Target) != 41 || rl.Version != 11 {
				t.Fatalf("got %q %q %d, %v", rl.Method, rl.Target, rl.Version, err)
			}
			var names []string
			if err := ReadHeaderBlock(br, nil, false, func(name, _ []byte) error {
				names = append(names, string(name))
				return nil
			}); err != nil || len(names) != 1 || names[0] != "Host" {
				t.Fatalf("header block: %q, %v", names, err)
			}
		})
	}
	if _, err := ReadRequestLine(bufio.NewReader(strings.NewReader("")), nil); err != io.EOF {
		t.Errorf("empty input: err = %v, want io.EOF", err)
	}
}

func TestReadHeaderBlockCallbackError(t *testing.T) {
	br := bufio.NewReader(strings.NewReader("A: 1\r\nB: 2\r\n\r\n"))
	stop := errors.ErrInvalidHeader
	calls := 0
	err := ReadHeaderBlock(br, nil, true, func(name, value []byte) error {
		calls++
		return stop
	})
	if err != stop || calls != 1 {
		t.Fatalf("err = %v after %d calls, want the callback's error after 1", err, calls)
	}
	if rest, _ := io.ReadAll(br); string(rest) != "B: 2\r\n\r\n" {
		t.Errorf("left %q, want the second field unread", rest)
	}
}

func TestAdaptersAllocs(t *testing.T) {
	in := strings.NewReader("")
	br := bufio.NewReader(in)
	read := func() {
		in.Reset(benchHead)
		br.Reset(in)
		if _, err := ReadStatusLine(br, nil); err != nil {
			t.Fatal(err)
		}
		if err := ReadHeaderBlock(br, nil, false, func(name, value []byte) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if a := testing.AllocsPerRun(100, read); a != 0 {
		t.Errorf("%v allocs, want 0", a)
	}
}

// TestAdaptersMaxLine checks the limit through the adapters with the
// default 4096-byte bufio buffer, so that long lines take the scratch path.
func TestAdaptersMaxLine(t *testing.T) {
	max := DefaultLimits.MaxLine
	for _, l := range []int{max - 1, max, max + 1} {
		status := lineOfLen("HTTP/1.1 200 ", l)
		field := "A: " + strings.Repeat("v", l-5) + "\r\n"
		for _, tc := range []struct{ name, in, lineType string }{
			{"status", status + "\r\n", "status line"},
			{"field", "HTTP/1.1 200 OK\r\n" + field + "\r\n", "header line"},
		} {
			t.Run(fmt.Sprintf("%s/len%d", tc.name, l), func(t *testing.T) {
				br := bufio.NewReader(strings.NewReader(tc.in + "BODY"))
				_, err := readHead(br, nil)
				if l <= max {
					if err != nil {
						t.Fatal(err)
					}
					if rest, _ := io.ReadAll(br); string(rest) != "BODY" {
						t.Errorf("left %q", rest)
					}
					return
				}
				var tl *errors.LineTooLongError
				if !errors.As(err, &tl) || tl.LineType != tc.lineType || tl.Limit != max {
					t.Fatalf("err = %v, want LineTooLongError{%q, %d}", err, tc.lineType, max)
				}
			})
		}
	}
}

// TestReadStatusLineWholeLineInError checks that a status line rejected
// early is reported with everything already received, not one byte.
func TestReadStatusLineWholeLineInError(t *testing.T) {
	br := bufio.NewReader(strings.NewReader("garbage\r\n\r\n"))
	_, err := ReadStatusLine(br, nil)
	var bsl *errors.BadStatusLineError
	if !errors.As(err, &bsl) || bsl.Line != "garbage" {
		t.Fatalf("err = %v, want BadStatusLineError with Line \"garbage\"", err)
	}
}
