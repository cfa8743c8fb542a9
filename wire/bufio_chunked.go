package wire

import (
	"bufio"
	"io"

	"github.com/httpstack/httpstack/errors"
)

// ChunkedReader reads a chunked body from a *bufio.Reader through a
// [ChunkedDecoder]. It is a thin adapter: it holds no protocol logic, it
// only moves bytes between the bufio.Reader and the decoder
// (Peek → decode → Discard). A chunk line or trailer line longer than the
// bufio.Reader's buffer is collected in a scratch buffer that the
// decoder's limits bound.
//
// Read returns decoded body bytes; after the trailer section's final CRLF
// it returns io.EOF, and [ChunkedReader.Trailer] then holds the trailer
// fields. Bytes after the body stay in the bufio.Reader, unless the
// scratch buffer had to take them (only when a line did not fit the
// bufio.Reader's buffer): [ChunkedReader.Leftover] then returns them, and
// a caller that cannot put them back must not reuse the connection.
//
// A ChunkedReader is not safe for concurrent use.
type ChunkedReader struct {
	br      *bufio.Reader
	dec     ChunkedDecoder
	pend    []byte // bytes taken out of br; decoded before br's
	pendOff int    // consumed prefix of pend
	trailer []Field
	err     error // sticky: io.EOF at the end, or the failure
}

// NewChunkedReader returns a ChunkedReader that decodes the chunked body
// read from br under lim (nil means [DefaultLimits]).
func NewChunkedReader(br *bufio.Reader, lim *Limits) *ChunkedReader {
	r := new(ChunkedReader)
	r.Reset(br, lim)
	return r
}

// Reset makes r decode a new body from br under lim, keeping its scratch
// buffer. A Trailer slice returned earlier stays intact.
func (r *ChunkedReader) Reset(br *bufio.Reader, lim *Limits) {
	r.br = br
	r.dec.Reset(lim)
	r.pend = r.pend[:0]
	r.pendOff = 0
	r.trailer = nil
	r.err = nil
}

// Read reads decoded body bytes into p. It blocks only while it has no
// byte to return, so it may return fewer than len(p) bytes even when more
// arrived. It returns io.EOF after the body's end, and the decoder's
// error (errors.ErrInvalidChunk, errors.ErrLineTooLong, ...) when the
// body is malformed. If the underlying reader ends before the body does,
// Read returns an error matching io.ErrUnexpectedEOF; other errors of the
// underlying reader are returned unchanged. Errors are sticky.
func (r *ChunkedReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	if k, err := r.readDirect(p); k > 0 || err != nil {
		return k, err
	}
	n := 0
	for {
		in := r.input()
		ev, k, err := r.dec.next(in, len(p)-n)
		switch {
		case err == nil:
			switch ev.Kind {
			case ChunkData:
				n += copy(p[n:], ev.Data)
			case ChunkTrailer:
				r.trailer = append(r.trailer, Field{Name: string(ev.Name), Value: string(ev.Value)})
			case ChunkEnd:
				r.consume(k)
				r.err = io.EOF
				return n, io.EOF
			}
			r.consume(k)
			if n == len(p) {
				return n, nil
			}
		case err != ErrNeedMore:
			r.err = err
			return n, err
		case n > 0:
			// Return what we have rather than block for more.
			return n, nil
		default:
			if err := r.more(); err != nil {
				r.err = err
				return 0, err
			}
		}
	}
}

// Leftover returns the bytes after the body's end that r took out of the
// bufio.Reader into its scratch buffer, or nil. It is nil unless a chunk
// line or trailer line was longer than the bufio.Reader's buffer. The
// slice is valid until the next Reset.
func (r *ChunkedReader) Leftover() []byte {
	if !r.dec.Done() || r.pendOff == len(r.pend) {
		return nil
	}
	return r.pend[r.pendOff:]
}

// readDirect reads chunk data straight from br into p when nothing is
// buffered, so that a large p is filled by the underlying reader with no
// copy through br's buffer. It returns 0, nil when it does not apply.
func (r *ChunkedReader) readDirect(p []byte) (int, error) {
	if r.dec.state != stateData || r.dec.err != nil || r.pendOff < len(r.pend) || r.br.Buffered() > 0 {
		return 0, nil
	}
	if int64(len(p)) > r.dec.remaining {
		p = p[:r.dec.remaining]
	}
	k, err := r.br.Read(p)
	r.dec.skipData(k)
	if k > 0 {
		return k, nil
	}
	if err != nil {
		r.err = eofIsUnexpected(err)
		return 0, r.err
	}
	return 0, nil
}

// Trailer returns the trailer fields received so far, copied into
// strings; it is complete once Read has returned io.EOF. The slice
// belongs to the caller.
func (r *ChunkedReader) Trailer() []Field { return r.trailer }

// input returns the bytes to decode next: the scratch buffer if it holds
// any, else what br has buffered.
func (r *ChunkedReader) input() []byte {
	if r.pendOff < len(r.pend) {
		return r.pend[r.pendOff:]
	}
	b, _ := r.br.Peek(r.br.Buffered())
	return b
}

// consume drops k decoded bytes from the input returned by input.
func (r *ChunkedReader) consume(k int) {
	if r.pendOff < len(r.pend) {
		r.pendOff += k
		if r.pendOff == len(r.pend) {
			r.pend, r.pendOff = r.pend[:0], 0
		}
		return
	}
	_, _ = r.br.Discard(k) // k <= Buffered(): cannot fail
}

// more makes input return at least one more byte, or fails.
func (r *ChunkedReader) more() error {
	if r.pendOff == len(r.pend) && r.br.Buffered() < r.br.Size() {
		_, err := r.br.Peek(r.br.Buffered() + 1)
		return eofIsUnexpected(err)
	}
	// The item does not fit br's buffer: move br's bytes to the scratch
	// buffer. The decoder fails before the scratch buffer exceeds its
	// limits, so it stays bounded.
	if r.pendOff > 0 {
		r.pend = r.pend[:copy(r.pend, r.pend[r.pendOff:])]
		r.pendOff = 0
	}
	if r.br.Buffered() == 0 {
		if _, err := r.br.Peek(1); err != nil {
			return eofIsUnexpected(err)
		}
	}
	b, _ := r.br.Peek(r.br.Buffered())
	r.pend = append(r.pend, b...)
	_, _ = r.br.Discard(len(b))
	return nil
}

// eofIsUnexpected turns io.EOF, which inside a body means the peer closed
// too early, into io.ErrUnexpectedEOF; other errors pass unchanged.
func eofIsUnexpected(err error) error {
	if err == io.EOF {
		return errors.Wrap(io.ErrUnexpectedEOF, "http: chunked body ended early")
	}
	return err
}
