package wire

import (
	"strings"
	"testing"

	"github.com/httpstack/httpstack/errors"
)

// A stepper decodes one item from the start of b with a decoder that may
// keep state between calls. It returns the item rendered as a string
// (the renderings of a message's items are concatenated and compared, so
// a decoder that returns data in pieces, like a chunked body, compares
// equal however the input was cut), the bytes consumed, whether the item
// ended the message, and an error. Incomplete input must give
// ("", 0, false, ErrNeedMore).
type stepper func(b []byte) (item string, n int, done bool, err error)

// feedResult is what a whole run of a stepper produced.
type feedResult struct {
	out  string // concatenated items
	n    int    // bytes consumed in total
	err  string // final error text, "" when done without error
	need bool   // the run stopped with ErrNeedMore
}

// trailingGarbage follows the input in the trailing-data run. It starts
// with a byte that neither continues a field line nor ends a block.
const trailingGarbage = "Z\x00trailing garbage\r\n\r\n"

// runWhole steps through b once with a fresh decoder.
func runWhole(newStep func() stepper, b []byte) feedResult {
	step := newStep()
	var r feedResult
	var out strings.Builder
	for {
		item, n, done, err := step(b[r.n:])
		if err == ErrNeedMore {
			if n != 0 {
				r.err = "ErrNeedMore with n != 0"
			}
			r.need = true
			break
		}
		if err != nil {
			r.err = errKey(err)
			break
		}
		out.WriteString(item)
		r.n += n
		if done {
			break
		}
		if n == 0 {
			r.err = "no progress"
			break
		}
	}
	r.out = out.String()
	return r
}

// runBytewise feeds b to one decoder a byte at a time, as a stream: after
// each byte it decodes as many items as the bytes held allow.
func runBytewise(newStep func() stepper, b []byte) feedResult {
	step := newStep()
	var r feedResult
	var out strings.Builder
	for end := 0; end <= len(b); end++ {
		for {
			item, n, done, err := step(b[r.n:end])
			if err == ErrNeedMore {
				if n != 0 {
					r.err = "ErrNeedMore with n != 0"
					r.out = out.String()
					return r
				}
				r.need = true
				break
			}
			r.need = false
			if err != nil {
				r.err = errKey(err)
				r.out = out.String()
				return r
			}
			out.WriteString(item)
			r.n += n
			if done {
				r.out = out.String()
				return r
			}
		}
	}
	r.out = out.String()
	return r
}

// feed runs a decoder over input whole, byte by byte, and with trailing
// bytes, and checks that the three runs agree on the items, the bytes
// consumed and the error. When the whole run succeeds it also checks that
// every strict prefix of the consumed bytes stops with ErrNeedMore. It
// returns the result of the whole run for the caller's own checks.
func feed(t *testing.T, input string, newStep func() stepper) feedResult {
	t.Helper()
	whole := runWhole(newStep, []byte(input))
	if bw := runBytewise(newStep, []byte(input)); bw != whole {
		t.Errorf("byte by byte: got %+v, whole input gave %+v", bw, whole)
	}
	if tr := runWhole(newStep, []byte(input+trailingGarbage)); !whole.need && tr != whole {
		t.Errorf("with trailing bytes: got %+v, whole input gave %+v", tr, whole)
	}
	if whole.err == "" && !whole.need {
		for k := 0; k < whole.n; k++ {
			if p := runWhole(newStep, []byte(input[:k])); !p.need || p.err != "" {
				t.Errorf("prefix of %d/%d bytes: got %+v, want ErrNeedMore", k, whole.n, p)
				break
			}
		}
	}
	return whole
}

// errKey renders an error for comparison across feed runs. A
// *errors.BadStatusLineError may be raised before its line is complete,
// so its Line depends on how much input there was: only its Reason is
// compared.
func errKey(err error) string {
	var bad *errors.BadStatusLineError
	if errors.As(err, &bad) {
		return "bad status line: " + bad.Reason
	}
	return err.Error()
}
