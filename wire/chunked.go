package wire

import (
	"math"
	"strconv"

	"github.com/httpstack/httpstack/errors"
)

// The chunked transfer coding, RFC 9112 §7.1:
//
//	chunked-body   = *chunk
//	                 last-chunk
//	                 trailer-section
//	                 CRLF
//
//	chunk          = chunk-size [ chunk-ext ] CRLF
//	                 chunk-data CRLF
//	chunk-size     = 1*HEXDIG
//	last-chunk     = 1*("0") [ chunk-ext ] CRLF
//
//	chunk-data     = 1*OCTET ; a sequence of chunk-size octets
//
//	chunk-ext      = *( BWS ";" BWS chunk-ext-name
//	                    [ BWS "=" BWS chunk-ext-val ] )
//	chunk-ext-name = token
//	chunk-ext-val  = token / quoted-string
//
//	trailer-section = *( field-line CRLF )
//
// The decoder follows the rules net/http/internal/chunked.go learned the
// hard way, without its io.Reader: every chunk line and the line after each
// chunk's data must end in CRLF (a bare LF is the request-smuggling vector
// of CVE-2025-22871, RFC 9112 erratum 7633), the size has at most 16 hex
// digits and must fit an int64, extensions are checked and skipped within a
// byte budget, and the framing bytes are charged against an "excess
// overhead" budget (CVE-2023-39326).

// ChunkEventKind says what a [ChunkEvent] carries.
type ChunkEventKind uint8

// The events of a chunked body, in the order they occur: any number of
// ChunkData, then any number of ChunkTrailer, then one ChunkEnd.
const (
	// ChunkData carries body bytes in ChunkEvent.Data.
	ChunkData ChunkEventKind = iota + 1
	// ChunkTrailer carries one trailer field in ChunkEvent.Name and Value.
	ChunkTrailer
	// ChunkEnd reports the blank line that ends the trailer section and
	// with it the body.
	ChunkEnd
)

// String returns the event kind's name, for test output and debugging.
func (k ChunkEventKind) String() string {
	switch k {
	case ChunkData:
		return "ChunkData"
	case ChunkTrailer:
		return "ChunkTrailer"
	case ChunkEnd:
		return "ChunkEnd"
	}
	return "ChunkEventKind(" + strconv.Itoa(int(k)) + ")"
}

// ChunkEvent is one step of a chunked body, as h11's Data and
// EndOfMessage events are.
type ChunkEvent struct {
	Kind ChunkEventKind

	// Data holds body bytes for ChunkData. It is a view of the input
	// given to [ChunkedDecoder.Next], valid as long as that input is. It
	// may hold only part of a chunk, and is never empty.
	Data []byte

	// Name and Value hold one trailer field for ChunkTrailer. They have
	// the validity of [HeaderDecoder.Next]'s results: views of the input,
	// except a Value unfolded from obs-fold, which lives in the decoder
	// and is valid until the next call to Next.
	Name, Value []byte
}

// chunkState is where a ChunkedDecoder stands between calls.
type chunkState uint8

const (
	stateSize     chunkState = iota // before a chunk-size line
	stateData                       // inside chunk-data, remaining > 0
	stateDataCRLF                   // after chunk-data, before its CRLF
	stateTrailer                    // inside the trailer section
	stateDone                       // after the final CRLF
)

// ChunkedDecoder decodes a chunked body (RFC 9112 §7.1) from bytes the
// caller supplies; it performs no I/O and allocates nothing on the
// success path. Call [ChunkedDecoder.Reset] before the first use (a zero
// ChunkedDecoder behaves as if Reset(nil) had been called).
//
// # Consumption
//
// Each call to [ChunkedDecoder.Next] either returns an event together with
// n > 0 bytes consumed, or returns ErrNeedMore with n == 0, or fails.
// Framing bytes (the CRLF after a chunk's data, a chunk-size line, the
// last chunk) are consumed only together with the event that follows them:
// a size line is consumed with the first data bytes of its chunk, and the
// last-chunk line with the first trailer field or with ChunkEnd. So on any
// strict prefix of a valid body the decoder returns zero or more ChunkData
// and ChunkTrailer events and then ErrNeedMore with n == 0, never
// ChunkEnd, and never an error; framing the decoder has already looked at
// is scanned again on the next call, which the line limits bound.
//
// # Limits
//
// A chunk-size line, including its CRLF, may be at most Limits.MaxLine
// bytes (*errors.LineTooLongError with LineType "chunk size"); its
// extensions, from the end of the size digits to the CR, at most
// Limits.MaxChunkExtension bytes (LineType "chunk extension"). Both are
// enforced before the line's end arrives: the error comes as soon as the
// bytes held show that the CRLF cannot end the line within the limit. Trailers are decoded by a
// [HeaderDecoder] reset for trailers, so they count against
// Limits.MaxTrailers and the header line and byte limits.
//
// The overhead budget follows net/http: each chunk charges its size line
// plus the CRLF after its data, and earns an allowance of 16 bytes plus
// twice its size; the running excess never drops below zero, and once it
// exceeds Limits.MaxChunkOverhead the body fails with ErrInvalidChunk
// ("too much chunk overhead"). A body of 1-byte chunks without extensions
// never trips it; a body that repeats 4 KiB extensions does after a few
// chunks.
//
// # Errors
//
// Framing violations are *errors.ProtocolError with Kind
// errors.ErrInvalidChunk; limits give *errors.LineTooLongError; trailer
// fields fail as HeaderDecoder fails (*errors.HeaderError,
// errors.ErrTooManyHeaders), except that a bare LF anywhere in the trailer
// section is ErrInvalidChunk, since chunk framing is strict. Errors are
// sticky: once Next has failed it returns the same error.
type ChunkedDecoder struct {
	lim       Limits
	hd        HeaderDecoder
	err       error
	remaining int64 // bytes left in the current chunk's data
	excess    int64 // overhead budget used, see the type's doc
	state     chunkState
	ready     bool // lim is resolved
}

// Reset prepares d to decode a new body under lim (nil means
// [DefaultLimits]). It keeps the trailer decoder's buffers.
func (d *ChunkedDecoder) Reset(lim *Limits) {
	d.lim = lim.resolve()
	d.err = nil
	d.remaining = 0
	d.excess = 0
	d.state = stateSize
	d.ready = true
}

// Done reports whether Next has returned ChunkEnd.
func (d *ChunkedDecoder) Done() bool { return d.state == stateDone }

// Remaining returns the number of data bytes left in the current chunk
// (Python's chunk_left): positive inside a chunk's data, 0 after the data
// while its CRLF is still due, and -1 between chunks, in the trailer
// section and after the end.
func (d *ChunkedDecoder) Remaining() int64 {
	switch d.state {
	case stateData, stateDataCRLF:
		return d.remaining
	}
	return -1
}

// Next decodes from the start of b and returns one event and the number
// of bytes of b it consumed; see the type's doc for the consumption rule.
// A ChunkData event may hold part of a chunk: as much as b holds. ChunkEnd
// is returned once, with n counting the final CRLF; bytes after it are
// not consumed, and later calls return ChunkEnd again with n == 0.
// Incomplete input gives (ChunkEvent{}, 0, ErrNeedMore).
func (d *ChunkedDecoder) Next(b []byte) (ChunkEvent, int, error) {
	return d.next(b, len(b))
}

// next is Next with ChunkData events capped at max bytes (max > 0), so
// that an adapter never consumes more data than its caller can take.
func (d *ChunkedDecoder) next(b []byte, max int) (ChunkEvent, int, error) {
	if !d.ready {
		d.Reset(nil)
	}
	if d.err != nil {
		return ChunkEvent{}, 0, d.err
	}
	switch d.state {
	case stateData:
		if len(b) == 0 {
			return ChunkEvent{}, 0, ErrNeedMore
		}
		return d.data(b, 0, max)
	case stateTrailer:
		return d.trailer(b, 0)
	case stateDone:
		return ChunkEvent{Kind: ChunkEnd}, 0, nil
	}

	// stateSize or stateDataCRLF: framing first, then the event that
	// follows it. Nothing is committed to d until that event is known.
	off := 0
	if d.state == stateDataCRLF {
		switch {
		case len(b) == 0:
			return ChunkEvent{}, 0, ErrNeedMore
		case b[0] != '\r':
			return d.fail(errMissingDataCRLF)
		case len(b) == 1:
			return ChunkEvent{}, 0, ErrNeedMore
		case b[1] != '\n':
			return d.fail(errMissingDataCRLF)
		}
		off = 2
	}
	size, lineLen, err := d.sizeLine(b[off:])
	if err != nil {
		if err == ErrNeedMore {
			return ChunkEvent{}, 0, err
		}
		return d.fail(err)
	}
	off += lineLen

	// The overhead budget (see the type's doc). size <= MaxInt64, so the
	// allowance saturates instead of overflowing.
	excess := d.excess + int64(lineLen)
	if size > 0 {
		excess += 2
	}
	if size >= math.MaxInt64/4 {
		excess = 0
	} else {
		excess -= 16 + 2*size
	}
	excess = max64(excess, 0)
	if excess > int64(d.lim.MaxChunkOverhead) {
		return d.fail(errTooMuchOverhead)
	}

	if size == 0 {
		// The last chunk: the trailer section follows.
		d.hd.Reset(&d.lim, true)
		ev, n, err := d.trailerStep(b, off)
		if err != nil {
			if err == ErrNeedMore {
				return ChunkEvent{}, 0, err
			}
			return d.fail(err)
		}
		d.excess = excess
		return ev, off + n, nil
	}
	if off == len(b) {
		// Keep the size line until a data byte arrives with it.
		return ChunkEvent{}, 0, ErrNeedMore
	}
	d.excess = excess
	d.remaining = size
	d.state = stateData
	return d.data(b, off, max)
}

// data returns the next piece of chunk data found at b[off:], which holds
// at least one byte, with n counting everything up to its end.
func (d *ChunkedDecoder) data(b []byte, off, max int) (ChunkEvent, int, error) {
	k := len(b) - off
	if int64(k) > d.remaining {
		k = int(d.remaining)
	}
	if k > max && max > 0 {
		k = max
	}
	d.skipData(k)
	return ChunkEvent{Kind: ChunkData, Data: b[off : off+k]}, off + k, nil
}

// skipData records that the caller took k bytes of the current chunk's
// data (0 <= k <= Remaining()) without passing them through Next.
func (d *ChunkedDecoder) skipData(k int) {
	d.remaining -= int64(k)
	if d.remaining == 0 {
		d.state = stateDataCRLF
	}
}

// trailer decodes one step of the trailer section at b[off:], failing d
// on error.
func (d *ChunkedDecoder) trailer(b []byte, off int) (ChunkEvent, int, error) {
	ev, n, err := d.trailerStep(b, off)
	if err != nil {
		if err == ErrNeedMore {
			return ChunkEvent{}, 0, err
		}
		return d.fail(err)
	}
	return ev, off + n, nil
}

// trailerStep runs the trailer decoder on b[off:] and moves d to
// stateTrailer or stateDone. n counts bytes from off.
func (d *ChunkedDecoder) trailerStep(b []byte, off int) (ChunkEvent, int, error) {
	name, value, n, done, err := d.hd.Next(b[off:])
	if err != nil {
		return ChunkEvent{}, 0, err
	}
	// HeaderDecoder accepts a bare LF as a line end (RFC 9112 §2.2);
	// inside chunked framing it is a smuggling vector, so refuse it.
	line := b[off : off+n]
	for i, c := range line {
		if c == '\n' && (i == 0 || line[i-1] != '\r') {
			return ChunkEvent{}, 0, errTrailerBareLF
		}
	}
	if done {
		d.state = stateDone
		return ChunkEvent{Kind: ChunkEnd}, n, nil
	}
	d.state = stateTrailer
	return ChunkEvent{Kind: ChunkTrailer, Name: name, Value: value}, n, nil
}

func (d *ChunkedDecoder) fail(err error) (ChunkEvent, int, error) {
	d.err = err
	return ChunkEvent{}, 0, err
}

// States of the chunk-extension scanner in sizeLine.
const (
	extAfterItem   = iota // after the size, a value or a quoted string: BWS ";" or CRLF
	extAfterItemWS        // BWS after an item: more BWS or ";"
	extName0              // after ";": BWS or the first tchar of a name
	extName               // in a name: tchar, BWS, ";", "=" or CRLF
	extAfterNameWS        // BWS after a name: BWS, ";" or "="
	extValue0             // after "=": BWS, tchar or DQUOTE
	extToken              // in a token value: tchar, BWS, ";" or CRLF
	extQuoted             // in a quoted-string
	extQuotedPair         // after a backslash in a quoted-string
)

// sizeLine parses a chunk-size line at the start of b:
//
//	chunk-size [ chunk-ext ] CRLF
//
// It returns the size and the line's length including CRLF, or
// ErrNeedMore if b ends before the line does and no limit is exceeded.
func (d *ChunkedDecoder) sizeLine(b []byte) (int64, int, error) {
	maxLine := d.lim.MaxLine
	i := 0
	var size uint64
	for ; i < len(b); i++ {
		v := hexValue[b[i]]
		if v < 0 {
			break
		}
		if i == 16 {
			return 0, 0, errSizeTooLong
		}
		if i+3 > maxLine {
			// The CRLF cannot follow within the limit.
			return 0, 0, &errors.LineTooLongError{LineType: "chunk size", Limit: maxLine}
		}
		size = size<<4 | uint64(v)
	}
	if i == len(b) {
		return 0, 0, ErrNeedMore
	}
	if i == 0 {
		return 0, 0, errBadSize
	}
	if size > math.MaxInt64 {
		return 0, 0, errSizeOverflow
	}

	extStart, maxExt := i, d.lim.MaxChunkExtension
	state := extAfterItem
	for ; i < len(b); i++ {
		c := b[i]
		if c == '\r' {
			if i+2 > maxLine {
				return 0, 0, &errors.LineTooLongError{LineType: "chunk size", Limit: maxLine}
			}
			if i+1 == len(b) {
				return 0, 0, ErrNeedMore
			}
			if b[i+1] != '\n' {
				return 0, 0, errBareCR
			}
			switch state {
			case extAfterItem, extName, extToken:
				return int64(size), i + 2, nil
			}
			return 0, 0, errBadExtension
		}
		if c == '\n' {
			return 0, 0, errBareLF
		}
		if i+3 > maxLine {
			return 0, 0, &errors.LineTooLongError{LineType: "chunk size", Limit: maxLine}
		}
		if i-extStart >= maxExt {
			return 0, 0, &errors.LineTooLongError{LineType: "chunk extension", Limit: maxExt}
		}
		ws := c == ' ' || c == '\t'
		switch state {
		case extAfterItem, extAfterItemWS:
			switch {
			case ws:
				state = extAfterItemWS
			case c == ';':
				state = extName0
			default:
				return 0, 0, errBadSizeOrExtension(i == extStart)
			}
		case extName0:
			switch {
			case ws:
			case tokenTable[c]:
				state = extName
			default:
				return 0, 0, errBadExtension
			}
		case extName, extAfterNameWS:
			switch {
			case ws:
				state = extAfterNameWS
			case tokenTable[c] && state == extName:
			case c == ';':
				state = extName0
			case c == '=':
				state = extValue0
			default:
				return 0, 0, errBadExtension
			}
		case extValue0:
			switch {
			case ws:
			case tokenTable[c]:
				state = extToken
			case c == '"':
				state = extQuoted
			default:
				return 0, 0, errBadExtension
			}
		case extToken:
			switch {
			case ws:
				state = extAfterItemWS
			case tokenTable[c]:
			case c == ';':
				state = extName0
			default:
				return 0, 0, errBadExtension
			}
		case extQuoted:
			switch {
			case c == '"':
				state = extAfterItem
			case c == '\\':
				state = extQuotedPair
			case !qdtext(c):
				return 0, 0, errBadExtension
			}
		case extQuotedPair:
			// quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
			if !fieldValueTable[c] {
				return 0, 0, errBadExtension
			}
			state = extQuoted
		}
	}
	return 0, 0, ErrNeedMore
}

// qdtext reports whether c may appear unescaped in a quoted-string:
//
//	qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
func qdtext(c byte) bool {
	return fieldValueTable[c] && c != '"' && c != '\\'
}

// errBadSizeOrExtension picks the error for an unexpected byte after the
// size digits: right after them it is a bad size ("2x", "2 x"), later a
// bad extension.
func errBadSizeOrExtension(atSizeEnd bool) error {
	if atSizeEnd {
		return errBadSize
	}
	return errBadExtension
}

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

// The chunked decoder's errors. They carry no peer bytes, so one value of
// each serves every decoder.
var (
	errBadSize         error = &errors.ProtocolError{Kind: errors.ErrInvalidChunk, Detail: "chunk size is not 1*HEXDIG"}
	errSizeTooLong     error = &errors.ProtocolError{Kind: errors.ErrInvalidChunk, Detail: "chunk size has more than 16 hex digits"}
	errSizeOverflow    error = &errors.ProtocolError{Kind: errors.ErrInvalidChunk, Detail: "chunk size overflows int64"}
	errBadExtension    error = &errors.ProtocolError{Kind: errors.ErrInvalidChunk, Detail: "invalid chunk extension"}
	errBareLF          error = &errors.ProtocolError{Kind: errors.ErrInvalidChunk, Detail: "chunk line ends with bare LF"}
	errBareCR          error = &errors.ProtocolError{Kind: errors.ErrInvalidChunk, Detail: "bare CR in chunk line"}
	errMissingDataCRLF error = &errors.ProtocolError{Kind: errors.ErrInvalidChunk, Detail: "chunk data not followed by CRLF"}
	errTooMuchOverhead error = &errors.ProtocolError{Kind: errors.ErrInvalidChunk, Detail: "too much chunk overhead"}
	errTrailerBareLF   error = &errors.ProtocolError{Kind: errors.ErrInvalidChunk, Detail: "bare LF in trailer section"}
)

// AppendChunk appends p as one chunk, "%X\r\n" + p + "\r\n" (the form
// http.client writes), and returns the extended slice. An empty p appends
// nothing, since a zero-size chunk would end the body.
func AppendChunk(dst, p []byte) []byte {
	if len(p) == 0 {
		return dst
	}
	dst = appendHex(dst, uint64(len(p)))
	dst = append(dst, '\r', '\n')
	dst = append(dst, p...)
	return append(dst, '\r', '\n')
}

// ChunkLen returns len(AppendChunk(nil, p)) for a p of n bytes.
func ChunkLen(n int) int {
	if n <= 0 {
		return 0
	}
	return hexLen(uint64(n)) + 2 + n + 2
}

// AppendLastChunk appends the last chunk, the trailer fields and the
// final CRLF: "0\r\n" + fields + "\r\n". Each field is written and
// validated as [AppendField] does; on an invalid field it returns dst
// unchanged and the *errors.HeaderError (Remote false).
func AppendLastChunk(dst []byte, trailer ...Field) ([]byte, error) {
	orig := dst
	dst = append(dst, '0', '\r', '\n')
	for _, f := range trailer {
		var err error
		dst, err = AppendField(dst, f.Name, f.Value)
		if err != nil {
			return orig, err
		}
	}
	return append(dst, '\r', '\n'), nil
}

// LastChunkLen returns len(AppendLastChunk(nil, trailer...)) for valid
// trailer fields.
func LastChunkLen(trailer ...Field) int {
	n := len("0\r\n\r\n")
	for _, f := range trailer {
		n += FieldLen(f.Name, f.Value)
	}
	return n
}

const upperHex = "0123456789ABCDEF"

// appendHex appends v in upper-case hex without leading zeros.
func appendHex(dst []byte, v uint64) []byte {
	var buf [16]byte
	i := len(buf)
	for {
		i--
		buf[i] = upperHex[v&0xF]
		v >>= 4
		if v == 0 {
			break
		}
	}
	return append(dst, buf[i:]...)
}

// hexLen returns the number of hex digits appendHex writes for v.
func hexLen(v uint64) int {
	n := 1
	for v >= 16 {
		v >>= 4
		n++
	}
	return n
}
