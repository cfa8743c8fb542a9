package wire

import (
	"bytes"

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
	if name, value, n, ok := d.fast(b); ok {
		return name, value, n, false, nil
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
// its bytes. Anything else (the empty line, obs-fold, incomplete input, a
// limit, an error) makes it report !ok, and Next takes the general path,
// which gives the same results for these inputs.
func (d *HeaderDecoder) fast(b []byte) (name, value []byte, n int, ok bool) {
	if d.lines >= d.maxLines {
		return nil, nil, 0, false
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
		return nil, nil, 0, false
	}
	c := i
	i++
	for i < len(w) && fieldValueTable[w[i]] {
		i++
	}
	end := i
	if i < len(w) && w[i] == '\r' {
		i++
	}
	// w[i] must be the LF, and b must hold the byte after it.
	if i+1 >= len(b) || i >= len(w) || w[i] != '\n' || isOWS(b[i+1]) {
		return nil, nil, 0, false
	}
	d.lines++
	d.fields++
	d.used += i + 1
	return b[:c], trimOWS(b[c+1 : end]), i + 1, true
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
