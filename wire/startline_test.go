package wire

import (
	"fmt"
	"strings"
	"testing"

	"github.com/httpstack/httpstack/errors"
)

func statusStepper(lim *Limits) func() stepper {
	return func() stepper {
		return func(b []byte) (string, int, bool, error) {
			sl, n, err := ParseStatusLine(b, lim)
			if err != nil {
				return "", n, false, err
			}
			return fmt.Sprintf("%d %d %q %q", sl.Version, sl.Code, sl.Reason, sl.Proto), n, true, nil
		}
	}
}

func requestStepper(lim *Limits) func() stepper {
	return func() stepper {
		return func(b []byte) (string, int, bool, error) {
			rl, n, err := ParseRequestLine(b, lim)
			if err != nil {
				return "", n, false, err
			}
			return fmt.Sprintf("%q %q %d", rl.Method, rl.Target, rl.Version), n, true, nil
		}
	}
}

func TestParseStatusLine(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		version Version
		code    int
		reason  string
		proto   string
		wantErr error // matched with errors.Is
	}{
		{name: "RFC9112Example", in: "HTTP/1.1 200 OK\r\n", version: 11, code: 200, reason: "OK", proto: "HTTP/1.1"},
		{name: "HTTP10", in: "HTTP/1.0 404 Not Found\r\n", version: 10, code: 404, reason: "Not Found", proto: "HTTP/1.0"},
		{name: "NoReason", in: "HTTP/1.1 200\r\n", version: 11, code: 200, proto: "HTTP/1.1"},
		{name: "EmptyReason", in: "HTTP/1.1 204 \r\n", version: 11, code: 204, proto: "HTTP/1.1"},
		{name: "BareLF", in: "HTTP/1.1 200 OK\n", version: 11, code: 200, reason: "OK", proto: "HTTP/1.1"},
		{name: "ReasonOWSTrimmedInnerKept", in: "HTTP/1.1 404  Not  Found \t\r\n", version: 11, code: 404, reason: "Not  Found", proto: "HTTP/1.1"},
		{name: "ReasonHTAB", in: "HTTP/1.1 200 a\tb\r\n", version: 11, code: 200, reason: "a\tb", proto: "HTTP/1.1"},
		{name: "ReasonObsText", in: "HTTP/1.1 200 \xe9t\xe9\r\n", version: 11, code: 200, reason: "\xe9t\xe9", proto: "HTTP/1.1"},
		{name: "Code100", in: "HTTP/1.1 100 Continue\r\n", version: 11, code: 100, reason: "Continue", proto: "HTTP/1.1"},
		{name: "Code999", in: "HTTP/1.1 999 Odd\r\n", version: 11, code: 999, reason: "Odd", proto: "HTTP/1.1"},
		{name: "HigherMinorIs11", in: "HTTP/1.2 200 OK\r\n", version: 11, code: 200, reason: "OK", proto: "HTTP/1.2"},
		{name: "Minor9Is11", in: "HTTP/1.9 200 OK\r\n", version: 11, code: 200, reason: "OK", proto: "HTTP/1.9"},

		{name: "LowercaseName", in: "http/1.1 200 OK\r\n", wantErr: errors.ErrBadStatusLine},
		{name: "ICY", in: "ICY 200 OK\r\n", wantErr: errors.ErrBadStatusLine},
		{name: "EmptyLine", in: "\r\n", wantErr: errors.ErrBadStatusLine},
		{name: "HTML", in: "<html>\r\n", wantErr: errors.ErrBadStatusLine},
		{name: "LeadingSpace", in: " HTTP/1.1 200 OK\r\n", wantErr: errors.ErrBadStatusLine},
		{name: "NoCode", in: "HTTP/1.1\r\n", wantErr: errors.ErrBadStatusLine},
		{name: "NoCodeAfterSP", in: "HTTP/1.1 \r\n", wantErr: errors.ErrBadStatusLine},
		{name: "TwoSP", in: "HTTP/1.1  200 OK\r\n", wantErr: errors.ErrBadStatusLine},
		{name: "TabSeparator", in: "HTTP/1.1\t200\tOK\r\n", wantErr: errors.ErrBadStatusLine},
		{name: "TabAfterCode", in: "HTTP/1.1 200\tOK\r\n", wantErr: errors.ErrBadStatusLine},
		{name: "Underscore", in: "HTTP/1.1 2_00 OK\r\n", wantErr: errors.ErrBadStatusLine},
		{name: "Plus", in: "HTTP/1.1 +200 OK\r\n", wantErr: errors.ErrBadStatusLine},
		{name: "LeadingZero", in: "HTTP/1.1 0200 OK\r\n", wantErr: errors.ErrBadStatusLine},
		{name: "Code099", in: "HTTP/1.1 099 OK\r\n", wantErr: errors.ErrBadStatusLine},
		{name: "TwoDigits", in: "HTTP/1.1 20 OK\r\n", wantErr: errors.ErrBadStatusLine},
		{name: "FourDigits", in: "HTTP/1.1 1000 OK\r\n", wantErr: errors.ErrBadStatusLine},
		{name: "Negative", in: "HTTP/1.1 -100 OK\r\n", wantErr: errors.ErrBadStatusLine},
		{name: "Letters", in: "HTTP/1.1 abc OK\r\n", wantErr: errors.ErrBadStatusLine},
		{name: "Decimal", in: "HTTP/1.1 400.100 OK\r\n", wantErr: errors.ErrBadStatusLine},
		{name: "Suffix", in: "HTTP/1.1 100x OK\r\n", wantErr: errors.ErrBadStatusLine},
		{name: "BareCRInReason", in: "HTTP/1.1 200 O\rK\r\n", wantErr: errors.ErrBadStatusLine},
		{name: "BareCRAfterVersion", in: "HTTP/1.1\r200 OK\r\n", wantErr: errors.ErrBadStatusLine},
		{name: "NULInReason", in: "HTTP/1.1 200 O\x00K\r\n", wantErr: errors.ErrBadStatusLine},
		{name: "DELInReason", in: "HTTP/1.1 200 O\x7fK\r\n", wantErr: errors.ErrBadStatusLine},
		{name: "BadCodeBeforeBadVersion", in: "HTTP/2.0 abc\r\n", wantErr: errors.ErrBadStatusLine},

		{name: "HTTP2", in: "HTTP/2.0 200 OK\r\n", wantErr: errors.ErrUnknownProtocol},
		{name: "HTTP2NoMinor", in: "HTTP/2 200 OK\r\n", wantErr: errors.ErrUnknownProtocol},
		{name: "HTTP09", in: "HTTP/0.9 200 OK\r\n", wantErr: errors.ErrUnknownProtocol},
		{name: "EmptyVersion", in: "HTTP/ 200 OK\r\n", wantErr: errors.ErrUnknownProtocol},
		{name: "MinorTwoDigits", in: "HTTP/1.10 200 OK\r\n", wantErr: errors.ErrUnknownProtocol},
		{name: "MinorLeadingZero", in: "HTTP/1.01 200 OK\r\n", wantErr: errors.ErrUnknownProtocol},
		{name: "NoMinor", in: "HTTP/1. 200 OK\r\n", wantErr: errors.ErrUnknownProtocol},
		{name: "NoDot", in: "HTTP/1 200 OK\r\n", wantErr: errors.ErrUnknownProtocol},
		{name: "VersionSuffix", in: "HTTP/1.1x 200 OK\r\n", wantErr: errors.ErrUnknownProtocol},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sl, n, err := ParseStatusLine([]byte(tc.in), nil)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				if n != 0 {
					t.Errorf("n = %d on error, want 0", n)
				}
			} else {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				if n != len(tc.in) || sl.Version != tc.version || sl.Code != tc.code ||
					string(sl.Reason) != tc.reason || string(sl.Proto) != tc.proto {
					t.Errorf("got %+v (Reason %q Proto %q), n=%d; want %d %d %q %q n=%d",
						sl, sl.Reason, sl.Proto, n, tc.version, tc.code, tc.reason, tc.proto, len(tc.in))
				}
			}
			feed(t, tc.in, statusStepper(nil))
		})
	}
}

func TestParseStatusLineErrorFields(t *testing.T) {
	_, _, err := ParseStatusLine([]byte("ICY 200 OK\r\n"), nil)
	var bad *errors.BadStatusLineError
	if !errors.As(err, &bad) || bad.Line != "ICY 200 OK" {
		t.Errorf("err = %#v, want BadStatusLineError with Line %q", err, "ICY 200 OK")
	}
	_, _, err = ParseStatusLine([]byte("HTTP/2.0 200 OK\n"), nil)
	var up *errors.UnknownProtocolError
	if !errors.As(err, &up) || up.Version != "HTTP/2.0" {
		t.Errorf("err = %#v, want UnknownProtocolError with Version HTTP/2.0", err)
	}
}

// lineOfLen builds a status line of exactly n bytes including CRLF.
func lineOfLen(prefix string, n int) string {
	return prefix + strings.Repeat("a", n-len(prefix)-2) + "\r\n"
}

func TestStartLineMaxLine(t *testing.T) {
	for _, max := range []int{64, DefaultLimits.MaxLine} {
		lim := &Limits{MaxLine: max}
		type parseFn func(b []byte) (int, error)
		parsers := []struct {
			name, prefix, lineType string
			parse                  parseFn
		}{
			{"status", "HTTP/1.1 200 ", "status line", func(b []byte) (int, error) {
				_, n, err := ParseStatusLine(b, lim)
				return n, err
			}},
			{"request", "GET /", "request line", func(b []byte) (int, error) {
				// The target grows; the version closes the line.
				_, n, err := ParseRequestLine(b, lim)
				return n, err
			}},
		}
		for _, p := range parsers {
			mk := func(n int) string {
				if p.name == "request" {
					return p.prefix + strings.Repeat("a", n-len(p.prefix)-len(" HTTP/1.1\r\n")) + " HTTP/1.1\r\n"
				}
				return lineOfLen(p.prefix, n)
			}
			for _, tc := range []struct {
				len     int
				tooLong bool
			}{{max - 1, false}, {max, false}, {max + 1, true}} {
				t.Run(fmt.Sprintf("%s/max%d/len%d", p.name, max, tc.len), func(t *testing.T) {
					line := mk(tc.len)
					n, err := p.parse([]byte(line))
					var tl *errors.LineTooLongError
					if tc.tooLong {
						if !errors.As(err, &tl) || tl.LineType != p.lineType || tl.Limit != max {
							t.Fatalf("err = %v, want LineTooLongError{%q, %d}", err, p.lineType, max)
						}
						// Also on incomplete input: max bytes without LF.
						if _, err := p.parse([]byte(line[:max])); !errors.As(err, &tl) {
							t.Errorf("incomplete %d bytes: err = %v, want LineTooLongError", max, err)
						}
						return
					}
					if err != nil || n != tc.len {
						t.Fatalf("n, err = %d, %v; want %d, nil", n, err, tc.len)
					}
					// Incomplete but still within the limit: need more.
					if _, err := p.parse([]byte(line[:tc.len-1])); err != ErrNeedMore {
						t.Errorf("without LF: err = %v, want ErrNeedMore", err)
					}
				})
			}
		}
	}
}

func TestParseRequestLine(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		method  string
		target  string
		version Version
		wantErr error
	}{
		{name: "Simple", in: "GET / HTTP/1.1\r\n", method: "GET", target: "/", version: 11},
		{name: "LowercaseMethodBareLF", in: "post /p?q=1 HTTP/1.0\n", method: "post", target: "/p?q=1", version: 10},
		{name: "Asterisk", in: "OPTIONS * HTTP/1.1\r\n", method: "OPTIONS", target: "*", version: 11},
		{name: "Authority", in: "CONNECT example.com:443 HTTP/1.1\r\n", method: "CONNECT", target: "example.com:443", version: 11},
		{name: "Absolute", in: "GET http://example.com/a HTTP/1.1\r\n", method: "GET", target: "http://example.com/a", version: 11},
		{name: "HigherMinor", in: "GET / HTTP/1.5\r\n", method: "GET", target: "/", version: 11},

		{name: "MethodNotToken", in: "G(T / HTTP/1.1\r\n", wantErr: errors.ErrInvalidMethod},
		{name: "EmptyMethod", in: " / HTTP/1.1\r\n", wantErr: errors.ErrInvalidMethod},
		{name: "OnlyMethod", in: "GET\r\n", wantErr: errors.ErrInvalidURL},
		{name: "EmptyTarget", in: "GET  HTTP/1.1\r\n", wantErr: errors.ErrInvalidURL},
		{name: "CTLInTarget", in: "GET /\x01 HTTP/1.1\r\n", wantErr: errors.ErrInvalidURL},
		{name: "BareCRInTarget", in: "GET /\r HTTP/1.1\r\n", wantErr: errors.ErrInvalidURL},
		{name: "NonASCIITarget", in: "GET /\xe9 HTTP/1.1\r\n", wantErr: errors.ErrInvalidURL},
		{name: "NoVersion", in: "GET /\r\n", wantErr: errors.ErrUnknownProtocol},
		{name: "HTTP2", in: "GET / HTTP/2.0\r\n", wantErr: errors.ErrUnknownProtocol},
		{name: "ExtraPart", in: "GET / HTTP/1.1 x\r\n", wantErr: errors.ErrUnknownProtocol},
		{name: "TrailingSP", in: "GET / HTTP/1.1 \r\n", wantErr: errors.ErrUnknownProtocol},
		{name: "BareCRInVersion", in: "GET / HTTP/1.1\r\r\n", wantErr: errors.ErrUnknownProtocol},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rl, n, err := ParseRequestLine([]byte(tc.in), nil)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) || n != 0 {
					t.Fatalf("n, err = %d, %v; want 0, %v", n, err, tc.wantErr)
				}
			} else if err != nil || n != len(tc.in) || string(rl.Method) != tc.method ||
				string(rl.Target) != tc.target || rl.Version != tc.version {
				t.Fatalf("got %q %q %d n=%d err=%v", rl.Method, rl.Target, rl.Version, n, err)
			}
			feed(t, tc.in, requestStepper(nil))
		})
	}
}

func TestAppendRequestLine(t *testing.T) {
	tests := []struct {
		name           string
		method, target string
		v              Version
		want           string
		wantErr        error
	}{
		{name: "Get", method: "GET", target: "/", v: 11, want: "GET / HTTP/1.1\r\n"},
		{name: "EmptyTargetIsSlash", method: "post", target: "", v: 10, want: "post / HTTP/1.0\r\n"},
		{name: "Query", method: "GET", target: "/a?b=c&d=%20", v: 11, want: "GET /a?b=c&d=%20 HTTP/1.1\r\n"},
		{name: "Connect", method: "CONNECT", target: "h:443", v: 11, want: "CONNECT h:443 HTTP/1.1\r\n"},
		{name: "MethodSpace", method: "G T", target: "/", v: 11, wantErr: errors.ErrInvalidMethod},
		{name: "MethodEmpty", method: "", target: "/", v: 11, wantErr: errors.ErrInvalidMethod},
		{name: "MethodCRLF", method: "GET\r\nX:", target: "/", v: 11, wantErr: errors.ErrInvalidMethod},
		{name: "TargetSpace", method: "GET", target: "/a b", v: 11, wantErr: errors.ErrInvalidURL},
		{name: "TargetCRLF", method: "GET", target: "/\r\nX: y", v: 11, wantErr: errors.ErrInvalidURL},
		{name: "TargetDEL", method: "GET", target: "/\x7f", v: 11, wantErr: errors.ErrInvalidURL},
		{name: "TargetNonASCII", method: "GET", target: "/\xc3\xa9", v: 11, wantErr: errors.ErrInvalidURL},
		{name: "Version20", method: "GET", target: "/", v: 20, wantErr: errors.ErrUnknownProtocol},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dst := []byte("prefix")
			got, err := AppendRequestLine(dst, tc.method, tc.target, tc.v)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) || string(got) != "prefix" {
					t.Fatalf("got %q, %v; want dst unchanged and %v", got, err, tc.wantErr)
				}
				if tc.wantErr == errors.ErrInvalidURL {
					var ue *errors.InvalidURLError
					if !errors.As(err, &ue) || ue.URL != tc.target {
						t.Errorf("err = %#v, want InvalidURLError{URL: %q}", err, tc.target)
					}
				}
				return
			}
			if err != nil || string(got) != "prefix"+tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, "prefix"+tc.want)
			}
			if l := RequestLineLen(tc.method, tc.target, tc.v); l != len(tc.want) {
				t.Errorf("RequestLineLen = %d, want %d", l, len(tc.want))
			}
			rl, n, err := ParseRequestLine(got[len("prefix"):], nil)
			target := tc.target
			if target == "" {
				target = "/"
			}
			if err != nil || n != len(tc.want) || string(rl.Method) != tc.method || string(rl.Target) != target || rl.Version != tc.v {
				t.Errorf("decode: %q %q %d n=%d err=%v", rl.Method, rl.Target, rl.Version, n, err)
			}
		})
	}
}

func TestAppendStatusLine(t *testing.T) {
	tests := []struct {
		name    string
		v       Version
		code    int
		reason  string
		want    string
		wantErr error
	}{
		{name: "OK", v: 11, code: 200, reason: "OK", want: "HTTP/1.1 200 OK\r\n"},
		{name: "HTTP10NoReason", v: 10, code: 404, want: "HTTP/1.0 404 \r\n"},
		{name: "Code999", v: 11, code: 999, reason: "x\ty", want: "HTTP/1.1 999 x\ty\r\n"},
		{name: "Code99", v: 11, code: 99, wantErr: errors.ErrBadStatusLine},
		{name: "Code1000", v: 11, code: 1000, wantErr: errors.ErrBadStatusLine},
		{name: "ReasonCRLF", v: 11, code: 200, reason: "OK\r\nX: y", wantErr: errors.ErrBadStatusLine},
		{name: "Version09", v: 9, code: 200, wantErr: errors.ErrUnknownProtocol},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := AppendStatusLine(nil, tc.v, tc.code, tc.reason)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) || got != nil {
					t.Fatalf("got %q, %v; want nil, %v", got, err, tc.wantErr)
				}
				return
			}
			if err != nil || string(got) != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
			sl, n, err := ParseStatusLine(got, nil)
			if err != nil || n != len(got) || sl.Version != tc.v || sl.Code != tc.code || string(sl.Reason) != tc.reason {
				t.Errorf("decode: %+v n=%d err=%v", sl, n, err)
			}
		})
	}
}

func TestStartLineAllocs(t *testing.T) {
	status := []byte("HTTP/1.1 200 OK\r\n")
	request := []byte("GET /index.html HTTP/1.1\r\n")
	buf := make([]byte, 0, 128)
	tests := []struct {
		name string
		f    func()
	}{
		{"ParseStatusLine", func() { _, _, _ = ParseStatusLine(status, nil) }},
		{"ParseStatusLineNeedMore", func() { _, _, _ = ParseStatusLine(status[:5], nil) }},
		{"ParseRequestLine", func() { _, _, _ = ParseRequestLine(request, nil) }},
		{"AppendRequestLine", func() { _, _ = AppendRequestLine(buf[:0], "GET", "/index.html", Version11) }},
		{"AppendStatusLine", func() { _, _ = AppendStatusLine(buf[:0], Version11, 200, "OK") }},
	}
	for _, tc := range tests {
		if a := testing.AllocsPerRun(100, tc.f); a != 0 {
			t.Errorf("%s: %v allocs, want 0", tc.name, a)
		}
	}
}
