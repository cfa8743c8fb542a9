package wire

import (
	"bufio"
	"io"

	"github.com/httpstack/httpstack/errors"
)

// This file holds the only I/O of the package: thin adapters that run the
// pure decoders over a *bufio.Reader. They contain no protocol logic.

// itemReader feeds the bytes buffered in a *bufio.Reader to a decoder,
// reading more until the decoder stops asking for them. An item longer
// than the reader's buffer is collected line by line into scratch; its
// size stays bounded because the decoder enforces its Limits on every
// partial line it is shown.
type itemReader struct {
	br      *bufio.Reader
	scratch []byte
}

// decode runs dec until it returns something other than ErrNeedMore and
// returns its consumption. When inBuf is true the item lies in br's buffer
// and the caller must Discard n bytes once it is done with the views; when
// false the item lies in r.scratch and is already consumed.
//
// lookahead tells that dec may need the byte after the last LF of the item
// (a header field, which a following line could continue).
//
// If br holds no byte at all it returns br's error (io.EOF at a clean end);
// EOF in the middle of an item gives io.ErrUnexpectedEOF.
func (r *itemReader) decode(dec func([]byte) (int, error), lookahead bool) (n int, inBuf bool, err error) {
	br := r.br
	for {
		buf, perr := peekBuffered(br)
		if len(buf) == 0 {
			return 0, false, perr
		}
		n, err := dec(buf)
		if err != ErrNeedMore {
			return n, true, err
		}
		if len(buf) >= br.Size() {
			return r.collect(dec, lookahead)
		}
		if _, perr := br.Peek(len(buf) + 1); perr != nil {
			return 0, false, unexpected(perr)
		}
	}
}

// collect reads the item at the front of br line by line into r.scratch,
// for items that do not fit br's buffer.
func (r *itemReader) collect(dec func([]byte) (int, error), lookahead bool) (int, bool, error) {
	br := r.br
	r.scratch = r.scratch[:0]
	for {
		line, err := br.ReadSlice('\n')
		r.scratch = append(r.scratch, line...)
		if err == bufio.ErrBufferFull {
			// Let dec enforce its limits on the partial line.
			if _, derr := dec(r.scratch); derr != ErrNeedMore {
				return 0, false, derr
			}
			continue
		}
		if err != nil {
			return 0, false, unexpected(err)
		}
		k := len(r.scratch)
		if lookahead {
			p, perr := br.Peek(1)
			if len(p) == 0 {
				if n, derr := dec(r.scratch); derr != ErrNeedMore {
					return n, false, derr
				}
				return 0, false, unexpected(perr)
			}
			r.scratch = append(r.scratch, p[0])
		}
		n, derr := dec(r.scratch)
		r.scratch = r.scratch[:k]
		if derr != ErrNeedMore {
			return n, false, derr
		}
	}
}

// peekBuffered returns every byte br holds, reading once first if it
// holds none; it is empty only with the read's error.
func peekBuffered(br *bufio.Reader) ([]byte, error) {
	buf, err := br.Peek(max(br.Buffered(), 1))
	if b := br.Buffered(); len(buf) > 0 && b > len(buf) {
		// Peek(1) filled the buffer: return all of it.
		buf, _ = br.Peek(b)
	}
	return buf, err
}

// unexpected turns io.EOF inside an item into io.ErrUnexpectedEOF.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// ReadStatusLine reads and decodes one status line from br with
// [ParseStatusLine]. Reason and Proto are views into br's buffer (or, for
// a line longer than that buffer, into a buffer of their own) and are
// valid until the next read from br.
//
// If br is at EOF before the first byte it returns io.EOF itself, so that
// a caller can tell a closed connection (http.client's
// RemoteDisconnected); EOF within the line gives an error wrapping
// io.ErrUnexpectedEOF. Other read errors are returned wrapped; decode
// errors are returned as they are.
func ReadStatusLine(br *bufio.Reader, lim *Limits) (StatusLine, error) {
	// Fast path: the line is in the buffer after at most one fill.
	buf, perr := peekBuffered(br)
	if len(buf) == 0 {
		return StatusLine{}, readError(perr, "status line")
	}
	if sl, n, err := ParseStatusLine(buf, lim); err == nil {
		br.Discard(n)
		return sl, nil
	}
	// Anything else, errors included, takes the general path.
	var sl StatusLine
	r := itemReader{br: br}
	n, inBuf, err := r.decode(func(b []byte) (int, error) {
		var n int
		var err error
		sl, n, err = ParseStatusLine(b, lim)
		return n, err
	}, false)
	if err != nil {
		return StatusLine{}, readError(err, "status line")
	}
	if inBuf {
		br.Discard(n)
	}
	return sl, nil
}

// ReadRequestLine reads and decodes one request line from br with
// [ParseRequestLine]. Method and Target are valid until the next read
// from br. EOF is reported as by [ReadStatusLine].
func ReadRequestLine(br *bufio.Reader, lim *Limits) (RequestLine, error) {
	var rl RequestLine
	r := itemReader{br: br}
	n, inBuf, err := r.decode(func(b []byte) (int, error) {
		var n int
		var err error
		rl, n, err = ParseRequestLine(b, lim)
		return n, err
	}, false)
	if err != nil {
		return RequestLine{}, readError(err, "request line")
	}
	if inBuf {
		br.Discard(n)
	}
	return rl, nil
}

// ReadHeaderBlock reads a header section (or, with trailer set, a trailer
// section) from br with a [HeaderDecoder] and calls fn once per field, in
// order, up to and including the empty line that ends the block. name and
// value are valid only during the call to fn. An error from fn stops the
// reading and is returned as it is, after the field was consumed.
//
// EOF before the empty line, even at the first byte, gives an error
// wrapping io.ErrUnexpectedEOF. Decode errors are returned as they are.
func ReadHeaderBlock(br *bufio.Reader, lim *Limits, trailer bool, fn func(name, value []byte) error) error {
	var d HeaderDecoder
	d.Reset(lim, trailer)
	// Fast path: decode the fields already buffered in one pass, with one
	// Discard, and fall back to the field-by-field loop below only for
	// what is not buffered yet.
	if buf, _ := br.Peek(br.Buffered()); len(buf) > 0 {
		off := 0
		for {
			name, value, n, done, err := d.Next(buf[off:])
			if err == ErrNeedMore {
				break
			}
			if err != nil {
				br.Discard(off)
				return err
			}
			off += n
			if done {
				br.Discard(off)
				return nil
			}
			if ferr := fn(name, value); ferr != nil {
				br.Discard(off)
				return ferr
			}
		}
		br.Discard(off)
	}
	r := itemReader{br: br}
	for {
		var name, value []byte
		var done bool
		n, inBuf, err := r.decode(func(b []byte) (int, error) {
			var n int
			var err error
			name, value, n, done, err = d.Next(b)
			return n, err
		}, true)
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			what := "header block"
			if trailer {
				what = "trailer block"
			}
			return readError(err, what)
		}
		if done {
			if inBuf {
				br.Discard(n)
			}
			return nil
		}
		ferr := fn(name, value)
		if inBuf {
			br.Discard(n)
		}
		if ferr != nil {
			return ferr
		}
	}
}

// readError passes io.EOF and our own errors through and wraps the rest
// (io.ErrUnexpectedEOF, network errors) with what was being read.
func readError(err error, what string) error {
	if err == io.EOF || errors.Is(err, errors.ErrHTTP) {
		return err
	}
	return errors.Wrap(err, "http: reading "+what)
}
