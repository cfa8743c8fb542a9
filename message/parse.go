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
// [wire.DefaultLimits]). Decoding is done by [wire.ReadHeaderBlock]; the
// fields are turned into strings by a [HeaderBuilder], so a successful
// call makes two allocations whatever the number of fields. EOF before
// the empty line gives an error wrapping io.ErrUnexpectedEOF.
func ParseHeadersLimits(r *bufio.Reader, lim *wire.Limits) (Header, error) {
	b := builderPool.Get().(*HeaderBuilder)
	b.Reset()
	err := wire.ReadHeaderBlock(r, lim, false, func(name, value []byte) error {
		b.Add(name, value)
		return nil
	})
	var h Header
	if err == nil {
		h = b.Build()
	}
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
// allocations: one string holding every name and value back to back, and
// the []Field slice whose strings point into it. Its buffers are reused
// across Reset, so a builder kept by a connection allocates nothing but
// those two on the steady path.
//
// The zero value is ready to use. A HeaderBuilder is not safe for
// concurrent use.
type HeaderBuilder struct {
	buf  []byte
	ends []int // per field: end of name, end of value, as offsets in buf
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
	n := len(b.ends) / 2
	var h Header
	if dst != nil && cap(dst) >= n {
		h = dst[:n]
	} else {
		h = make(Header, n)
	}
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
