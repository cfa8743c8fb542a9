package message

import (
	"bufio"
	"sync"

	"github.com/httpstack/httpstack/wire"
)

// ParseHeaders reads a header section from r up to and including the
// empty line that ends it, leaving the body unread, under
// [wire.DefaultLimits]. It is Python's http.client.parse_headers(fp),
// but strict: a malformed line is an error (an *errors.HeaderError), not
// a silently dropped header. See [ParseHeadersLimits].
func ParseHeaders(r *bufio.Reader) (Header, error) {
	return ParseHeadersLimits(r, nil)
}

// ParseHeadersLimits is [ParseHeaders] under lim (nil means
// [wire.DefaultLimits]), done by [HeaderBuilder.ReadBlock], so a
// successful call makes two allocations whatever the number of fields. EOF before
// the empty line gives an error wrapping io.ErrUnexpectedEOF.
func ParseHeadersLimits(r *bufio.Reader, lim *wire.Limits) (Header, error) {
	b := builderPool.Get().(*HeaderBuilder)
	h, err := b.ReadBlock(r, lim, false, nil)
	if cap(b.buf) <= maxPooled {
		builderPool.Put(b)
	}
	return h, err
}

// maxPooled keeps unusually large builders out of the pool.
const maxPooled = 64 << 10

var builderPool = sync.Pool{New: func() any { return new(HeaderBuilder) }}

// HeaderBuilder collects decoded fields, given as byte views that are
// about to become invalid, and turns them into a [Header] with two
// allocations: one string holding every name and value, and the []Field
// slice whose strings point into it. Its buffers are reused across Reset,
// so a builder kept by a connection allocates nothing but those two on
// the steady path. [HeaderBuilder.ReadBlock] reads a whole block from a
// *bufio.Reader with it.
//
// The zero value is ready to use. A HeaderBuilder is not safe for
// concurrent use and must not be copied after first use.
type HeaderBuilder struct {
	buf   []byte
	ends  []int // per field: end of name, end of value, as offsets in buf
	spans []wire.FieldSpan
	add   func(name, value []byte) error // b.Add as a callback, made once
}

// ReadBlock reads a header section (or, with trailer set, a trailer
// section) from br under lim (nil means [wire.DefaultLimits]) and
// returns its fields, stored in dst's array when it has room (dst's
// length is ignored), as [HeaderBuilder.BuildInto] does. Errors and
// limits are those of [wire.ReadHeaderBlock]; b is left reset after
// one.
//
// When the whole block is already buffered and its fields are plain
// (one line each) it is decoded in place by [wire.HeaderDecoder.Spans]
// and turned into a single string with no intermediate copy; any other
// block goes through [wire.ReadHeaderBlock] and b's buffer. The fields
// are the same either way.
func (b *HeaderBuilder) ReadBlock(br *bufio.Reader, lim *wire.Limits, trailer bool, dst Header) (Header, error) {
	var d wire.HeaderDecoder
	d.Reset(lim, trailer)
	if buf, _ := br.Peek(br.Buffered()); len(buf) > 0 {
		spans, n, ok := d.Spans(buf, b.spans[:0])
		b.spans = spans[:0]
		if ok {
			h := fromSpans(buf, spans, dst)
			br.Discard(n)
			return h, nil
		}
	}
	b.Reset()
	if b.add == nil {
		b.add = func(name, value []byte) error {
			b.Add(name, value)
			return nil
		}
	}
	if err := wire.ReadHeaderBlock(br, lim, trailer, b.add); err != nil {
		b.Reset()
		return nil, err
	}
	return b.BuildInto(dst), nil
}

// fromSpans makes the fields spans locates in block, with one string for
// all of them (none when there are no fields), stored in dst's array
// when it has room.
func fromSpans(block []byte, spans []wire.FieldSpan, dst Header) Header {
	h := sized(dst, len(spans))
	if len(spans) == 0 {
		return h
	}
	first := spans[0].NameStart
	s := string(block[first:spans[len(spans)-1].ValueEnd])
	for i, sp := range spans {
		h[i] = Field{
			Name:  s[sp.NameStart-first : sp.NameEnd-first],
			Value: s[sp.ValueStart-first : sp.ValueEnd-first],
		}
	}
	return h
}

// sized returns a Header of n fields, in dst's array when it has room.
func sized(dst Header, n int) Header {
	if dst != nil && cap(dst) >= n {
		return dst[:n]
	}
	return make(Header, n)
}

// Reset empties b, keeping its buffers.
func (b *HeaderBuilder) Reset() {
	b.buf = b.buf[:0]
	b.ends = b.ends[:0]
}

// Add copies one field into b.
func (b *HeaderBuilder) Add(name, value []byte) {
	b.buf = append(b.buf, name...)
	b.ends = append(b.ends, len(b.buf))
	b.buf = append(b.buf, value...)
	b.ends = append(b.ends, len(b.buf))
}

// Len returns the number of fields added since the last Reset.
func (b *HeaderBuilder) Len() int { return len(b.ends) / 2 }

// BuildInto is [HeaderBuilder.Build] that stores the fields in dst's
// array when it has room (dst's length is ignored), so a caller that
// embeds a small array saves the slice allocation. Only the string that
// holds the names and values is allocated then.
func (b *HeaderBuilder) BuildInto(dst Header) Header {
	h := sized(dst, len(b.ends)/2)
	s := string(b.buf)
	start := 0
	for i := range h {
		ne, ve := b.ends[2*i], b.ends[2*i+1]
		h[i] = Field{Name: s[start:ne], Value: s[ne:ve]}
		start = ve
	}
	return h
}

// Build returns the fields added since the last Reset as a Header that
// shares no memory with b. A builder with no fields gives an empty,
// non-nil Header. b is unchanged.
func (b *HeaderBuilder) Build() Header {
	return b.BuildInto(nil)
}
