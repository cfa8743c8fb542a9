package wire

// Limits bounds everything a decoder will read from a peer. Every limit is
// also enforced on incomplete input: a decoder never asks for more bytes
// once the bytes it already holds exceed a limit.
//
// A zero field means "use the value from [DefaultLimits]"; a nil *Limits
// means DefaultLimits.
type Limits struct {
	// MaxLine is the longest line accepted (status line, request line,
	// header or trailer line, chunk-size line), in bytes, including its
	// line terminator. http.client's _MAXLINE is 65536.
	MaxLine int

	// MaxHeaders is the most field lines in one header block
	// (http.client's _MAXHEADERS: 100).
	MaxHeaders int

	// MaxHeaderBytes bounds the total size of one header block, including
	// line terminators.
	MaxHeaderBytes int

	// MaxInterim is the most interim (1xx) responses skipped before a
	// final response (http.client, gh-150743: 100).
	MaxInterim int

	// MaxTrailers is the most trailer field lines after a chunked body.
	MaxTrailers int

	// MaxChunkExtension bounds the chunk extensions of one chunk-size line,
	// in bytes.
	MaxChunkExtension int

	// MaxChunkOverhead bounds the framing bytes (size lines, extensions,
	// CRLFs) a chunked body may spend beyond what its data earns, so that
	// a body made of tiny chunks with long extensions cannot keep the
	// reader busy without progress (CVE-2023-39326). As in Go's
	// net/http, each chunk charges its size line plus the CRLF after its
	// data and earns 16 bytes plus twice its size; the running excess
	// never drops below zero and may not exceed MaxChunkOverhead.
	MaxChunkOverhead int

	// RejectObsFold makes header decoders reject obsolete line folding
	// (RFC 9112 §5.2) instead of replacing it with one space.
	RejectObsFold bool

	// AllowTransferEncodingWithContentLength makes [BodyFraming] process a
	// response carrying both Transfer-Encoding and Content-Length by its
	// Transfer-Encoding and mark the connection to close, as RFC 9112 §6.3
	// permits, instead of failing with ErrInvalidFraming.
	AllowTransferEncodingWithContentLength bool
}

// DefaultLimits matches http.client's limits where it has them.
var DefaultLimits = Limits{
	MaxLine:           65536,
	MaxHeaders:        100,
	MaxHeaderBytes:    1 << 20,
	MaxInterim:        100,
	MaxTrailers:       100,
	MaxChunkExtension: 4096,
	MaxChunkOverhead:  64 << 10,
}

// resolve returns l with every zero field replaced by its default.
// It is called once per decoder reset, not per byte.
func (l *Limits) resolve() Limits {
	if l == nil {
		return DefaultLimits
	}
	r := *l
	d := &DefaultLimits
	if r.MaxLine <= 0 {
		r.MaxLine = d.MaxLine
	}
	if r.MaxHeaders <= 0 {
		r.MaxHeaders = d.MaxHeaders
	}
	if r.MaxHeaderBytes <= 0 {
		r.MaxHeaderBytes = d.MaxHeaderBytes
	}
	if r.MaxInterim <= 0 {
		r.MaxInterim = d.MaxInterim
	}
	if r.MaxTrailers <= 0 {
		r.MaxTrailers = d.MaxTrailers
	}
	if r.MaxChunkExtension <= 0 {
		r.MaxChunkExtension = d.MaxChunkExtension
	}
	if r.MaxChunkOverhead <= 0 {
		r.MaxChunkOverhead = d.MaxChunkOverhead
	}
	return r
}

// Resolved returns a copy of l with every zero field replaced by its value
// in [DefaultLimits]. A nil l gives DefaultLimits.
func (l *Limits) Resolved() Limits { return l.resolve() }
