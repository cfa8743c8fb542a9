package wire

import (
	"testing"

	"github.com/httpstack/httpstack/errors"
)

func TestBodyFraming(t *testing.T) {
	lenient := &Limits{AllowTransferEncodingWithContentLength: true}
	chunked := []string{"chunked"}
	tests := []struct {
		name   string
		method string
		code   int
		te, cl []string
		lim    *Limits
		want   Framing
		err    error
	}{
		// Step 1: no body.
		{name: "HEAD", method: "HEAD", code: 200, cl: []string{"10"}, want: Framing{Kind: FrameNone}},
		{name: "HEAD chunked", method: "HEAD", code: 200, te: chunked, want: Framing{Kind: FrameNone}},
		{name: "HEAD with TE and CL", method: "HEAD", code: 200, te: chunked, cl: []string{"1"}, want: Framing{Kind: FrameNone}},
		{name: "head is not HEAD", method: "head", code: 200, cl: []string{"10"}, want: Framing{Kind: FrameLength, Length: 10}},
		{name: "100", method: "GET", code: 100, want: Framing{Kind: FrameNone}},
		{name: "101", method: "GET", code: 101, te: chunked, want: Framing{Kind: FrameNone}},
		{name: "103", method: "GET", code: 103, cl: []string{"5"}, want: Framing{Kind: FrameNone}},
		{name: "199", method: "GET", code: 199, want: Framing{Kind: FrameNone}},
		{name: "204", method: "GET", code: 204, cl: []string{"5"}, want: Framing{Kind: FrameNone}},
		{name: "304 chunked", method: "GET", code: 304, te: chunked, want: Framing{Kind: FrameNone}},
		{name: "304 bad CL", method: "GET", code: 304, cl: []string{"x"}, err: errors.ErrInvalidContentLength},
		{name: "204 differing CL", method: "GET", code: 204, cl: []string{"7", "8"}, err: errors.ErrInvalidContentLength},
		{name: "HEAD equal CLs", method: "HEAD", code: 200, cl: []string{"7", "7"}, want: Framing{Kind: FrameNone}},

		// Step 2: tunnel.
		{name: "CONNECT 200", method: "CONNECT", code: 200, want: Framing{Kind: FrameTunnel}},
		{name: "CONNECT 200 with CL", method: "CONNECT", code: 200, cl: []string{"5"}, want: Framing{Kind: FrameTunnel}},
		{name: "CONNECT 299", method: "CONNECT", code: 299, want: Framing{Kind: FrameTunnel}},
		{name: "CONNECT 407", method: "CONNECT", code: 407, cl: []string{"3"}, want: Framing{Kind: FrameLength, Length: 3}},
		{name: "CONNECT 300", method: "CONNECT", code: 300, want: Framing{Kind: FrameUntilClose, Close: true}},
		{name: "connect is not CONNECT", method: "connect", code: 200, want: Framing{Kind: FrameUntilClose, Close: true}},

		// Step 3: TE with CL.
		{name: "TE and CL", method: "GET", code: 200, te: chunked, cl: []string{"5"}, err: errors.ErrInvalidFraming},
		{name: "TE and bad CL", method: "GET", code: 200, te: chunked, cl: []string{"x"}, err: errors.ErrInvalidFraming},
		{name: "TE and CL lenient", method: "GET", code: 200, te: chunked, cl: []string{"5"}, lim: lenient,
			want: Framing{Kind: FrameChunked, Close: true}},
		{name: "TE and bad CL lenient", method: "GET", code: 200, te: chunked, cl: []string{"x"}, lim: lenient,
			want: Framing{Kind: FrameChunked, Close: true}},
		{name: "gzip and CL lenient", method: "GET", code: 200, te: []string{"gzip"}, cl: []string{"5"}, lim: lenient,
			err: errors.ErrUnknownTransferEncoding},

		// Step 4: TE.
		{name: "chunked", method: "GET", code: 200, te: chunked, want: Framing{Kind: FrameChunked}},
		{name: "CHUNKED", method: "GET", code: 200, te: []string{"CHUNKED"}, want: Framing{Kind: FrameChunked}},
		{name: "Chunked with OWS", method: "GET", code: 200, te: []string{" \tChunked\t "}, want: Framing{Kind: FrameChunked}},
		{name: "empty elements ignored", method: "GET", code: 200, te: []string{", ,chunked,"}, want: Framing{Kind: FrameChunked}},
		{name: "empty value and chunked", method: "GET", code: 200, te: []string{"", "chunked"}, want: Framing{Kind: FrameChunked}},
		{name: "POST 201 chunked", method: "POST", code: 201, te: chunked, want: Framing{Kind: FrameChunked}},
		{name: "500 chunked", method: "GET", code: 500, te: chunked, want: Framing{Kind: FrameChunked}},
		{name: "chunked twice in one value", method: "GET", code: 200, te: []string{"chunked, chunked"}, err: errors.ErrInvalidFraming},
		{name: "chunked in two lines", method: "GET", code: 200, te: []string{"chunked", "chunked"}, err: errors.ErrInvalidFraming},
		{name: "chunked not last", method: "GET", code: 200, te: []string{"chunked, gzip"}, err: errors.ErrInvalidFraming},
		{name: "chunked not last across lines", method: "GET", code: 200, te: []string{"chunked", "gzip"}, err: errors.ErrInvalidFraming},
		{name: "gzip then chunked", method: "GET", code: 200, te: []string{"gzip, chunked"}, err: errors.ErrUnknownTransferEncoding},
		{name: "gzip", method: "GET", code: 200, te: []string{"gzip"}, err: errors.ErrUnknownTransferEncoding},
		{name: "identity", method: "GET", code: 200, te: []string{"identity"}, err: errors.ErrUnknownTransferEncoding},
		{name: "chunked with parameter", method: "GET", code: 200, te: []string{"chunked;q=1"}, err: errors.ErrUnknownTransferEncoding},
		{name: "chunked with VT", method: "GET", code: 200, te: []string{"chunked\v"}, err: errors.ErrUnknownTransferEncoding},
		{name: "chunked with inner space", method: "GET", code: 200, te: []string{"chun ked"}, err: errors.ErrUnknownTransferEncoding},
		{name: "Kelvin sign", method: "GET", code: 200, te: []string{"chun\u212aed"}, err: errors.ErrUnknownTransferEncoding},
		{name: "empty TE", method: "GET", code: 200, te: []string{""}, err: errors.ErrInvalidFraming},
		{name: "commas only", method: "GET", code: 200, te: []string{" , "}, err: errors.ErrInvalidFraming},

		// Steps 5 and 6: Content-Length.
		{name: "CL", method: "GET", code: 200, cl: []string{"42"}, want: Framing{Kind: FrameLength, Length: 42}},
		{name: "CL zero", method: "GET", code: 200, cl: []string{"0"}, want: Framing{Kind: FrameLength}},
		{name: "CL repeated equal", method: "GET", code: 200, cl: []string{"42", "42"}, want: Framing{Kind: FrameLength, Length: 42}},
		{name: "CL list equal", method: "GET", code: 200, cl: []string{"42, 42"}, want: Framing{Kind: FrameLength, Length: 42}},
		{name: "CL differing", method: "GET", code: 200, cl: []string{"42", "43"}, err: errors.ErrInvalidContentLength},
		{name: "CL negative", method: "GET", code: 200, cl: []string{"-1"}, err: errors.ErrInvalidContentLength},

		// Step 8: until close.
		{name: "nothing", method: "GET", code: 200, want: Framing{Kind: FrameUntilClose, Close: true}},
		{name: "empty slices", method: "GET", code: 200, te: []string{}, cl: []string{}, want: Framing{Kind: FrameUntilClose, Close: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := BodyFraming(tc.method, tc.code, tc.te, tc.cl, tc.lim)
			if tc.err != nil {
				var pe *errors.ProtocolError
				if !errors.Is(err, tc.err) || !errors.As(err, &pe) {
					t.Fatalf("error %v, want a *errors.ProtocolError matching %v", err, tc.err)
				}
				if got != (Framing{}) {
					t.Errorf("framing %+v with an error, want zero", got)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func TestParseContentLength(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		want   int64
		ok     bool
	}{
		{"zero", []string{"0"}, 0, true},
		{"simple", []string{"5"}, 5, true},
		{"leading zeros", []string{"007"}, 7, true},
		{"max int64", []string{"9223372036854775807"}, 1<<63 - 1, true},
		{"max int64 leading zeros", []string{"0009223372036854775807"}, 1<<63 - 1, true},
		{"OWS", []string{" 5\t"}, 5, true},
		{"list", []string{"5,5"}, 5, true},
		{"list OWS", []string{"5 ,\t5"}, 5, true},
		{"repeated", []string{"5", "5", "05"}, 5, true},

		{"none", nil, 0, false},
		{"empty", []string{""}, 0, false},
		{"spaces", []string{"  "}, 0, false},
		{"plus", []string{"+5"}, 0, false},
		{"minus", []string{"-5"}, 0, false},
		{"underscore", []string{"1_0"}, 0, false},
		{"hex", []string{"0x5"}, 0, false},
		{"inner space", []string{"1 0"}, 0, false},
		{"letters", []string{"abc"}, 0, false},
		{"decimal point", []string{"5.0"}, 0, false},
		{"exponent", []string{"5e2"}, 0, false},
		{"non-ASCII digit", []string{"\u0665"}, 0, false},
		{"overflow", []string{"9223372036854775808"}, 0, false},
		{"huge", []string{"99999999999999999999"}, 0, false},
		{"differing list", []string{"5, 6"}, 0, false},
		{"differing values", []string{"3", "5"}, 0, false},
		{"empty element", []string{"5,,5"}, 0, false},
		{"trailing comma", []string{"5,"}, 0, false},
		{"leading comma", []string{",5"}, 0, false},
		{"good then empty", []string{"5", ""}, 0, false},
		{"NUL", []string{"5\x00"}, 0, false},
		{"CR", []string{"5\r"}, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseContentLength(tc.values)
			if !tc.ok {
				var pe *errors.ProtocolError
				if !errors.Is(err, errors.ErrInvalidContentLength) || !errors.As(err, &pe) {
					t.Fatalf("got %d, %v; want an ErrInvalidContentLength ProtocolError", got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %d, %v; want %d", got, err, tc.want)
			}
		})
	}
}

// TestFramingErrorsQuoteValues checks that a hostile value appears in an
// error message quoted and truncated.
func TestFramingErrorsQuoteValues(t *testing.T) {
	long := "x\r\nEvil: 1" + string(make([]byte, 500))
	_, err := ParseContentLength([]string{long})
	_, err2 := BodyFraming("GET", 200, []string{long}, nil, nil)
	for _, e := range []error{err, err2} {
		msg := e.Error()
		if len(msg) > 400 || containsAny(msg, "\r\n\x00") {
			t.Errorf("message %q is not quoted and bounded", msg)
		}
	}
}

func containsAny(s, chars string) bool {
	for i := 0; i < len(s); i++ {
		for j := 0; j < len(chars); j++ {
			if s[i] == chars[j] {
				return true
			}
		}
	}
	return false
}

func TestFramingKindString(t *testing.T) {
	for k, want := range map[FramingKind]string{FrameNone: "FrameNone", FrameTunnel: "FrameTunnel", FrameChunked: "FrameChunked",
		FrameUntilClose: "FrameUntilClose", FrameLength: "FrameLength", 0: "FramingKind(0)"} {
		if k.String() != want {
			t.Errorf("%d.String() = %q, want %q", k, k.String(), want)
		}
	}
}
