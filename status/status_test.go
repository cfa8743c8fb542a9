package status

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// pythonStatus lists every member of Python 3.13's http.HTTPStatus (aliases
// aside) with the constant that stands for it and HTTPStatus(code).phrase,
// as printed by:
//
//	python3.13 -c 'import http
//	for s in http.HTTPStatus: print(s.value, repr(s.phrase))'
var pythonStatus = []struct {
	code   int
	c      Code
	phrase string
}{
	{100, Continue, "Continue"},
	{101, SwitchingProtocols, "Switching Protocols"},
	{102, Processing, "Processing"},
	{103, EarlyHints, "Early Hints"},
	{200, OK, "OK"},
	{201, Created, "Created"},
	{202, Accepted, "Accepted"},
	{203, NonAuthoritativeInfo, "Non-Authoritative Information"},
	{204, NoContent, "No Content"},
	{205, ResetContent, "Reset Content"},
	{206, PartialContent, "Partial Content"},
	{207, MultiStatus, "Multi-Status"},
	{208, AlreadyReported, "Already Reported"},
	{226, IMUsed, "IM Used"},
	{300, MultipleChoices, "Multiple Choices"},
	{301, MovedPermanently, "Moved Permanently"},
	{302, Found, "Found"},
	{303, SeeOther, "See Other"},
	{304, NotModified, "Not Modified"},
	{305, UseProxy, "Use Proxy"},
	{307, TemporaryRedirect, "Temporary Redirect"},
	{308, PermanentRedirect, "Permanent Redirect"},
	{400, BadRequest, "Bad Request"},
	{401, Unauthorized, "Unauthorized"},
	{402, PaymentRequired, "Payment Required"},
	{403, Forbidden, "Forbidden"},
	{404, NotFound, "Not Found"},
	{405, MethodNotAllowed, "Method Not Allowed"},
	{406, NotAcceptable, "Not Acceptable"},
	{407, ProxyAuthRequired, "Proxy Authentication Required"},
	{408, RequestTimeout, "Request Timeout"},
	{409, Conflict, "Conflict"},
	{410, Gone, "Gone"},
	{411, LengthRequired, "Length Required"},
	{412, PreconditionFailed, "Precondition Failed"},
	{413, ContentTooLarge, "Content Too Large"},
	{414, URITooLong, "URI Too Long"},
	{415, UnsupportedMediaType, "Unsupported Media Type"},
	{416, RangeNotSatisfiable, "Range Not Satisfiable"},
	{417, ExpectationFailed, "Expectation Failed"},
	{418, ImATeapot, "I'm a Teapot"},
	{421, MisdirectedRequest, "Misdirected Request"},
	{422, UnprocessableContent, "Unprocessable Content"},
	{423, Locked, "Locked"},
	{424, FailedDependency, "Failed Dependency"},
	{425, TooEarly, "Too Early"},
	{426, UpgradeRequired, "Upgrade Required"},
	{428, PreconditionRequired, "Precondition Required"},
	{429, TooManyRequests, "Too Many Requests"},
	{431, RequestHeaderFieldsTooLarge, "Request Header Fields Too Large"},
	{451, UnavailableForLegalReasons, "Unavailable For Legal Reasons"},
	{500, InternalServerError, "Internal Server Error"},
	{501, NotImplemented, "Not Implemented"},
	{502, BadGateway, "Bad Gateway"},
	{503, ServiceUnavailable, "Service Unavailable"},
	{504, GatewayTimeout, "Gateway Timeout"},
	{505, HTTPVersionNotSupported, "HTTP Version Not Supported"},
	{506, VariantAlsoNegotiates, "Variant Also Negotiates"},
	{507, InsufficientStorage, "Insufficient Storage"},
	{508, LoopDetected, "Loop Detected"},
	{510, NotExtended, "Not Extended"},
	{511, NetworkAuthenticationRequired, "Network Authentication Required"},
}

func TestPythonStatus(t *testing.T) {
	if got, want := len(pythonStatus), 62; got != want {
		t.Fatalf("table has %d codes, Python 3.13 has %d", got, want)
	}
	for _, tc := range pythonStatus {
		t.Run(strconv.Itoa(tc.code), func(t *testing.T) {
			if int(tc.c) != tc.code {
				t.Errorf("constant = %d, want %d", int(tc.c), tc.code)
			}
			if got := Text(tc.code); got != tc.phrase {
				t.Errorf("Text(%d) = %q, want %q", tc.code, got, tc.phrase)
			}
			if got := tc.c.Text(); got != tc.phrase {
				t.Errorf("Code(%d).Text() = %q, want %q", tc.code, got, tc.phrase)
			}
			wantString := strconv.Itoa(tc.code) + " " + tc.phrase
			if got := tc.c.String(); got != wantString {
				t.Errorf("Code(%d).String() = %q, want %q", tc.code, got, wantString)
			}
			if got := fmt.Sprint(tc.c); got != wantString {
				t.Errorf("fmt.Sprint(Code(%d)) = %q, want %q", tc.code, got, wantString)
			}
			if got := fmt.Sprintf("%d", tc.c); got != strconv.Itoa(tc.code) {
				t.Errorf("%%d of Code(%d) = %q", tc.code, got)
			}
			checkClass(t, tc.c, tc.code/100)
		})
	}
}

// checkClass checks that exactly the helper of class (1-5) reports true, or
// none of them when class is outside 1-5.
func checkClass(t *testing.T, c Code, class int) {
	t.Helper()
	got := [...]bool{
		1: c.IsInformational(),
		2: c.IsSuccess(),
		3: c.IsRedirect(),
		4: c.IsClientError(),
		5: c.IsServerError(),
	}
	for k := 1; k <= 5; k++ {
		if want := k == class; got[k] != want {
			t.Errorf("Code(%d): class %dxx helper = %v, want %v", int(c), k, got[k], want)
		}
	}
}

// TestOnlyPythonCodes checks the other direction: no code outside the table
// has a phrase, so the set of known codes is exactly Python's.
func TestOnlyPythonCodes(t *testing.T) {
	known := make(map[int]bool)
	for _, tc := range pythonStatus {
		known[tc.code] = true
	}
	for code := -100; code <= 2000; code++ {
		if known[code] {
			continue
		}
		if got := Text(code); got != "" {
			t.Errorf("Text(%d) = %q, want \"\"", code, got)
		}
	}
}

func TestUnknown(t *testing.T) {
	for _, code := range []int{
		math.MinInt, math.MinInt32, -404, -1, 0, 1, 99, 104, 209, 225, 227,
		306, 309, 419, 420, 427, 430, 450, 452, 509, 512, 599, 600, 999,
		1000, 1404, math.MaxInt32, math.MaxInt,
	} {
		if got := Text(code); got != "" {
			t.Errorf("Text(%d) = %q, want \"\"", code, got)
		}
		c := Code(code)
		if got := c.Text(); got != "" {
			t.Errorf("Code(%d).Text() = %q, want \"\"", code, got)
		}
		if got, want := c.String(), strconv.Itoa(code); got != want {
			t.Errorf("Code(%d).String() = %q, want %q", code, got, want)
		}
	}
}

func TestClassBoundaries(t *testing.T) {
	for _, tc := range []struct {
		code  int
		class int // 0: no class
	}{
		{math.MinInt, 0}, {-100, 0}, {0, 0}, {99, 0},
		{100, 1}, {150, 1}, {199, 1},
		{200, 2}, {299, 2},
		{300, 3}, {306, 3}, {399, 3},
		{400, 4}, {419, 4}, {499, 4},
		{500, 5}, {599, 5},
		{600, 0}, {999, 0}, {1000, 0}, {math.MaxInt, 0},
	} {
		checkClass(t, Code(tc.code), tc.class)
	}
}

// TestRenamed checks RFC 9110's names, the older aliases and the phrases
// Python 3.13 gives them.
func TestRenamed(t *testing.T) {
	for _, tc := range []struct {
		name      string
		new, old  Code
		code      int
		phrase    string
		oldPhrase string
	}{
		{"413", ContentTooLarge, RequestEntityTooLarge, 413, "Content Too Large", "Request Entity Too Large"},
		{"414", URITooLong, RequestURITooLong, 414, "URI Too Long", "Request-URI Too Long"},
		{"416", RangeNotSatisfiable, RequestedRangeNotSatisfiable, 416, "Range Not Satisfiable", "Requested Range Not Satisfiable"},
		{"422", UnprocessableContent, UnprocessableEntity, 422, "Unprocessable Content", "Unprocessable Entity"},
		{"203", NonAuthoritativeInfo, NonAuthoritativeInformation, 203, "Non-Authoritative Information", ""},
		{"407", ProxyAuthRequired, ProxyAuthenticationRequired, 407, "Proxy Authentication Required", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.new != tc.old || int(tc.new) != tc.code {
				t.Errorf("constants = %d, %d; want both %d", int(tc.new), int(tc.old), tc.code)
			}
			if got := tc.old.Text(); got != tc.phrase {
				t.Errorf("Text = %q, want %q", got, tc.phrase)
			}
			if tc.oldPhrase != "" && tc.old.Text() == tc.oldPhrase {
				t.Errorf("Text = old phrase %q; Python 3.13 uses %q", tc.oldPhrase, tc.phrase)
			}
		})
	}
}

// TestNamedPhrases spells out the phrases most likely to drift from Python:
// the renamed codes, the teapot's capital T, the newer registrations.
func TestNamedPhrases(t *testing.T) {
	for _, tc := range []struct {
		c    Code
		want string
	}{
		{EarlyHints, "103 Early Hints"},
		{NonAuthoritativeInfo, "203 Non-Authoritative Information"},
		{MultiStatus, "207 Multi-Status"},
		{IMUsed, "226 IM Used"},
		{ContentTooLarge, "413 Content Too Large"},
		{URITooLong, "414 URI Too Long"},
		{RangeNotSatisfiable, "416 Range Not Satisfiable"},
		{ImATeapot, "418 I'm a Teapot"},
		{MisdirectedRequest, "421 Misdirected Request"},
		{UnprocessableContent, "422 Unprocessable Content"},
		{TooEarly, "425 Too Early"},
		{UnavailableForLegalReasons, "451 Unavailable For Legal Reasons"},
		{HTTPVersionNotSupported, "505 HTTP Version Not Supported"},
		{NetworkAuthenticationRequired, "511 Network Authentication Required"},
		{Code(306), "306"},
		{Code(599), "599"},
	} {
		if got := tc.c.String(); got != tc.want {
			t.Errorf("Code(%d).String() = %q, want %q", int(tc.c), got, tc.want)
		}
	}
}

func TestNoAllocs(t *testing.T) {
	var sink string
	var b bool
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"Text(404)", func() { sink = Text(404) }},
		{"Text(-1)", func() { sink = Text(-1) }},
		{"Text(1000)", func() { sink = Text(1000) }},
		{"Code.Text", func() { sink = ImATeapot.Text() }},
		{"Code.String", func() { sink = NotFound.String() }},
		{"classes", func() {
			c := Code(503)
			b = c.IsInformational() || c.IsSuccess() || c.IsRedirect() || c.IsClientError() || !c.IsServerError()
		}},
	} {
		if n := testing.AllocsPerRun(100, tc.f); n != 0 {
			t.Errorf("%s: %v allocs, want 0", tc.name, n)
		}
	}
	_, _ = sink, b
}

// rfcRef is the line every constant's doc comment ends with, optionally
// followed by the section that used to define it.
var rfcRef = regexp.MustCompile(`^RFC \d+, \d+(\.\d+)*(; formerly RFC \d+, \d+(\.\d+)*)?$`)

// TestDocCitesRFC keeps the promise of STYLE rule 21: each constant carries a
// doc comment that starts with its name and ends with its RFC section.
func TestDocCitesRFC(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "status.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			name := vs.Names[0].Name
			n++
			if vs.Doc == nil {
				t.Errorf("%s: no doc comment", name)
				continue
			}
			text := strings.TrimSpace(vs.Doc.Text())
			if !strings.HasPrefix(text, name+" ") {
				t.Errorf("%s: doc comment does not start with the name: %q", name, text)
			}
			lines := strings.Split(text, "\n")
			if last := lines[len(lines)-1]; !rfcRef.MatchString(last) {
				t.Errorf("%s: doc comment ends with %q, want an RFC section", name, last)
			}
		}
	}
	// 62 codes, 4 RFC 9110 renames, 2 long net/http names.
	if want := 62 + 4 + 2; n != want {
		t.Errorf("found %d constants, want %d", n, want)
	}
}

func BenchmarkText(b *testing.B) {
	var s string
	for i := 0; b.Loop(); i++ {
		s = Text(100 + i%500)
	}
	_ = s
}

func BenchmarkString(b *testing.B) {
	var s string
	for b.Loop() {
		s = NotFound.String()
	}
	_ = s
}
