package wire

import (
	"bytes"
	"encoding/binary"

	"github.com/httpstack/httpstack/errors"
)

// HeaderDecoder decodes a header section or a trailer section (RFC 9112
// §5, §7.1.2) one field at a time:
//
//	field-line   = field-name ":" OWS field-value OWS
//	field-name   = token
//	obs-fold     = OWS CRLF RWS
//
// It carries the line count, the byte budget and the obs-fold scratch
// buffer between calls, so that a caller never needs the whole block in
// memory at once. The zero value decodes a header section with
// [DefaultLimits]; call [HeaderDecoder.Reset] to choose limits or decode a
// trailer section.
//
// A HeaderDecoder is not safe for concurrent use.
type HeaderDecoder struct {
	maxLine    int
	maxLines   int
	maxBytes   int
	rejectFold bool
	trailer    bool

	lines  int    // physical field lines consumed, continuation lines included
	fields int    // fields returned
	used   int    // bytes consumed, line terminators included
	fold   []byte // the unfolded value of the last obs-folded field
}

// Reset prepares d for a new block under lim (nil means [DefaultLimits]).
// With trailer set the block is a trailer section: it counts against
// lim.MaxTrailers instead of lim.MaxHeaders and its lines are called
// "trailer line" in a *errors.LineTooLongError. The fold buffer is kept.
func (d *HeaderDecoder) Reset(lim *Limits, trailer bool) {
	l := lim.resolve()
	d.maxLine = l.MaxLine
	d.maxLines = l.MaxHeaders
	if trailer {
		d.maxLines = l.MaxTrailers
	}
	d.maxBytes = l.MaxHeaderBytes
	d.rejectFold = l.RejectObsFold
	d.trailer = trailer
	d.lines, d.fields, d.used = 0, 0, 0
	d.fold = d.fold[:0]
}

// Fields returns the number of fields decoded since the last Reset.
func (d *HeaderDecoder) Fields() int { return d.fields }

// Next decodes the next field from the start of b. It returns either one
// field (done false) or, on the empty line that ends the block, done true.
// n counts the bytes consumed: the field's lines with their terminators,
// or the empty line.
//
// Lines end in CRLF or in a bare LF (RFC 9112 §2.2). Leading and trailing
// OWS of the value is removed. A field continued by obs-fold lines is
// unfolded: each fold becomes one SP (RFC 9112 §5.2), unless the limits
// set RejectObsFold. Because a following line might continue the field,
// Next returns a field only once b holds the first byte after it.
//
// name and value are views into b, valid as long as b is, except for an
// unfolded value: it is a view into d's own buffer, valid until the next
// call on d.
//
// On incomplete input Next returns (nil, nil, 0, false, ErrNeedMore),
// unless the bytes held already break a limit. Errors: *errors.HeaderError
// (Remote true) for a malformed line (missing colon, whitespace before the
// colon, an empty or non-token name, a CTL or DEL in the value, a bare CR,
// a first line starting with whitespace, obs-fold when rejected);
// *errors.LineTooLongError for a line over MaxLine; an error matching
// errors.ErrTooManyHeaders for more than MaxHeaders (MaxTrailers) lines or
// a block over MaxHeaderBytes. After an error the state of d is undefined
// until Reset.
func (d *HeaderDecoder) Next(b []byte) (name, value []byte, n int, done bool, err error) {
	if d.maxLine == 0 {
		d.Reset(nil, false)
	}
	if c, vs, ve, n, ok := d.fast(b); ok {
		return b[:c], b[vs:ve], n, false, nil
	}
	// Once the count is reached, any line but the empty one is one too
	// many; its first byte tells.
	if len(b) > 0 && d.lines >= d.maxLines && b[0] != '\r' && b[0] != '\n' {
		return nil, nil, 0, false, d.tooMany()
	}
	i, err := d.findLine(b, d.used)
	if err != nil {
		return nil, nil, 0, false, err
	}
	if i < 0 {
		return nil, nil, 0, false, ErrNeedMore
	}
	line := cutLine(b, i)
	if len(line) == 0 {
		d.used += i + 1
		return nil, nil, i + 1, true, nil
	}
	if d.lines >= d.maxLines {
		return nil, nil, 0, false, d.tooMany()
	}
	c := bytes.IndexByte(line, ':')
	if c <= 0 {
		return nil, nil, 0, false, d.lineError(line)
	}
	name = line[:c]
	for _, ch := range name {
		if !tokenTable[ch] {
			return nil, nil, 0, false, d.lineError(line)
		}
	}
	value = line[c+1:]
	for _, ch := range value {
		if !fieldValueTable[ch] {
			return nil, nil, 0, false, d.lineError(line)
		}
	}
	value = trimOWS(value)
	n = i + 1
	if n == len(b) {
		return nil, nil, 0, false, ErrNeedMore
	}
	if !isOWS(b[n]) {
		d.lines++
		d.fields++
		d.used += n
		return name, value, n, false, nil
	}
	return d.unfold(b, name, value, n)
}

// fast decodes the common case, a complete, valid, unfolded field line
// followed by at least one byte that is not SP or HTAB, in one pass over
// its bytes. It returns the field as offsets into b: the name is b[:c],
// the value, without its OWS, b[vs:ve]; n counts the line with its
// terminator. Anything else (the empty line, obs-fold, incomplete input,
// a limit, an error) makes it report !ok, and Next takes the general
// path, which gives the same results for these inputs.
func (d *HeaderDecoder) fast(b []byte) (c, vs, ve, n int, ok bool) {
	if d.lines >= d.maxLines {
		return 0, 0, 0, 0, false
	}
	w := b
	if max := min(d.maxLine, d.maxBytes-d.used); len(w) > max {
		w = w[:max]
	}
	i := 0
	for i < len(w) && tokenTable[w[i]] {
		i++
	}
	if i == 0 || i == len(w) || w[i] != ':' {
		return 0, 0, 0, 0, false
	}
	c = i
	i++
	for i < len(w) && isOWS(w[i]) {
		i++
	}
	vs = i
	i = skipPlainValue(w, i)
	for i < len(w) && fieldValueTable[w[i]] {
		i++
	}
	ve = i
	if i < len(w) && w[i] == '\r' {
		i++
	}
	// w[i] must be the LF, and b must hold the byte after it.
	if i+1 >= len(b) || i >= len(w) || w[i] != '\n' || isOWS(b[i+1]) {
		return 0, 0, 0, 0, false
	}
	for ve > vs && isOWS(b[ve-1]) {
		ve--
	}
	d.lines++
	d.fields++
	d.used += i + 1
	return c, vs, ve, i + 1, true
}

// skipPlainValue returns the index of the first 8-byte word of b[i:]
// that may hold a byte other than SP, VCHAR or obs-text (a control byte,
// HTAB included, or DEL), scanning a word at a time; the caller finishes
// byte by byte with fieldValueTable, which stays the rule. Field values
// are mostly plain text ended by CR, so this skips all but their last
// few bytes.
func skipPlainValue(b []byte, i int) int {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		// A byte below 0x20 (its high bit clear, so not obs-text) or
		// equal to 0x7f sets its high bit here; a false alarm only stops
		// the skipping early.
		del := x ^ (0x7f * ones)
		if (x-0x20*ones)&^x&highs != 0 || (del-ones)&^del&highs != 0 {
			break
		}
	}
	return i
}

// A FieldSpan locates one field of a block decoded by
// [HeaderDecoder.Spans]: in that block b, the name is
// b[NameStart:NameEnd] and the value, without its surrounding OWS,
// b[ValueStart:ValueEnd].
type FieldSpan struct {
	NameStart, NameEnd, ValueStart, ValueEnd int
}

// Spans is the fast path for a block that is already buffered whole: it
// decodes the fields at the start of b up to and including the empty
// line that ends the block, appends where each one lies in b to spans,
// and returns the extended slice and the length of the block. It makes
// one pass over the bytes and copies nothing, so that a caller can turn
// the whole block into one string and slice its fields out of it.
//
// ok is false when b does not hold the whole block or the block needs
// more than the fast path gives: a folded field, a malformed line, a
// limit reached. The state of d is then undefined; Reset it and decode
// b from its start with [HeaderDecoder.Next], which gives the fields, or
// the error, for such input. spans may have been appended to either way.
func (d *HeaderDecoder) Spans(b []byte, spans []FieldSpan) (_ []FieldSpan, n int, ok bool) {
	if d.maxLine == 0 {
		d.Reset(nil, false)
	}
	off := 0
	for {
		rest := b[off:]
		// The empty line.
		k := 0
		switch {
		case len(rest) >= 1 && rest[0] == '\n':
			k = 1
		case len(rest) >= 2 && rest[0] == '\r' && rest[1] == '\n':
			k = 2
		}
		if k > 0 {
			if k > min(d.maxLine, d.maxBytes-d.used) {
				return spans, 0, false
			}
			d.used += k
			return spans, off + k, true
		}
		c, vs, ve, m, ok := d.fast(rest)
		if !ok {
			return spans, 0, false
		}
		spans = append(spans, FieldSpan{off, off + c, off + vs, off + ve})
		off += m
	}
}

// unfold continues the field whose first line is b[:n] and whose trimmed
// value is value with the obs-fold lines that follow it.
func (d *HeaderDecoder) unfold(b, name, value []byte, n int) ([]byte, []byte, int, bool, error) {
	if d.rejectFold {
		return nil, nil, 0, false, d.headerError(name, nil, "obs-fold")
	}
	lines, used := d.lines+1, d.used+n
	fold := append(d.fold[:0], value...)
	for n < len(b) && isOWS(b[n]) {
		if lines >= d.maxLines {
			return nil, nil, 0, false, d.tooMany()
		}
		j, err := d.findLine(b[n:], used)
		if err != nil {
			return nil, nil, 0, false, err
		}
		if j < 0 {
			d.fold = fold
			return nil, nil, 0, false, ErrNeedMore
		}
		cont := cutLine(b[n:], j)
		for _, ch := range cont {
			if !fieldValueTable[ch] {
				d.fold = fold
				return nil, nil, 0, false, d.valueError(name, cont)
			}
		}
		if cont = trimOWS(cont); len(cont) > 0 {
			if len(fold) > 0 {
				fold = append(fold, ' ')
			}
			fold = append(fold, cont...)
		}
		n += j + 1
		lines++
		used += j + 1
	}
	d.fold = fold
	if n == len(b) {
		return nil, nil, 0, false, ErrNeedMore
	}
	d.lines = lines
	d.used = used
	d.fields++
	return name, fold, n, false, nil
}

// findLine finds the LF ending the line at the start of b, given that
// used bytes of the block were consumed before it, and enforces MaxLine
// and MaxHeaderBytes.
func (d *HeaderDecoder) findLine(b []byte, used int) (int, error) {
	remain := d.maxBytes - used
	if remain >= d.maxLine {
		return findLine(b, d.maxLine, d.lineType())
	}
	w := b
	if len(w) > remain {
		w = w[:remain]
	}
	if i := bytes.IndexByte(w, '\n'); i >= 0 {
		return i, nil
	}
	if len(b) >= remain {
		return -1, errors.Wrapf(errors.ErrTooManyHeaders, "http: %s block larger than %d bytes", d.blockName(), d.maxBytes)
	}
	return -1, nil
}

func (d *HeaderDecoder) lineType() string {
	if d.trailer {
		return "trailer line"
	}
	return "header line"
}

func (d *HeaderDecoder) blockName() string {
	if d.trailer {
		return "trailer"
	}
	return "header"
}

func (d *HeaderDecoder) tooMany() error {
	if d.trailer {
		return errors.Wrapf(errors.ErrTooManyHeaders, "http: got more than %d trailers", d.maxLines)
	}
	return errors.Wrapf(errors.ErrTooManyHeaders, "http: got more than %d headers", d.maxLines)
}

func (d *HeaderDecoder) headerError(name, value []byte, reason string) error {
	return &errors.HeaderError{Name: string(name), Value: string(value), Reason: reason, Remote: true}
}

// lineError explains why line (without its terminator) is not a valid
// field line. It runs only once the fast path has failed.
func (d *HeaderDecoder) lineError(line []byte) error {
	if bytes.IndexByte(line, '\r') >= 0 {
		return d.headerError(line, nil, "bare CR")
	}
	if isOWS(line[0]) {
		return d.headerError(line, nil, "leading whitespace")
	}
	c := bytes.IndexByte(line, ':')
	switch {
	case c < 0:
		return d.headerError(line, nil, "missing colon")
	case c == 0:
		return d.headerError(line, nil, "empty name")
	case isOWS(line[c-1]):
		return d.headerError(line[:c], nil, "whitespace before colon")
	case !ValidToken(line[:c]):
		return d.headerError(line[:c], nil, "name is not a token")
	}
	return d.valueError(line[:c], line[c+1:])
}

// valueError explains why value holds a forbidden byte.
func (d *HeaderDecoder) valueError(name, value []byte) error {
	switch {
	case bytes.IndexByte(value, '\r') >= 0:
		return d.headerError(name, value, "bare CR")
	case bytes.IndexByte(value, 0) >= 0:
		return d.headerError(name, value, "NUL in value")
	}
	return d.headerError(name, value, "control character in value")
}
