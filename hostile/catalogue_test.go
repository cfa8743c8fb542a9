package hostile

// The hostile catalogue: data-driven cases under testdata/responses (what a
// hostile server sends) and testdata/callers (what a careless or hostile
// caller hands to the API), replayed through the whole client.
//
// # Case files
//
// A case is one text file. It starts with header lines
//
//	# key: value
//
// and, for responses, continues with sections opened by "--- kind" lines
// whose content is the raw bytes, escaped (see unescapeCase): line breaks in
// the file are not data, so "\r\n" is written out wherever it is sent.
// Lines may not end in whitespace and the file may hold no raw control or
// non-ASCII byte: every such byte is written as an escape, so that what
// the file shows is exactly what is sent. Values of header lines are
// escaped the same way.
//
// Keys common to both kinds:
//
//	name         the file's base name without ".txt"
//	cve          comma-separated CVE (or advisory) ids, see cveRows
//	rule         comma-separated RFC rule ids, see ruleRows
//	note         free text
//	expect       "ok" or "error <Sentinel> [<Sentinel>...]": every
//	             sentinel must match with errors.Is
//	error-type   a typed error that errors.As must find, e.g. HeaderError
//	line-type    LineTooLongError.LineType
//	expect-bug   the case shows a known defect: see the package doc
//
// Response cases (testdata/responses):
//
//	method, target         the request (default GET /)
//	request-header         "Name: value", repeatable
//	request-body           sent with the request
//	limits                 wire.Limits fields, "Name" (bool) or "Name=N"
//	tunnel                 host:port given to SetTunnel; the first section
//	                       is then the proxy's reply to CONNECT
//	tunnel-header          "Name: value" given to SetTunnel, repeatable
//	at                     where the error is expected: connect (Request),
//	                       head (GetResponse, the default) or body (Read)
//	status, reason, version
//	header                 "Name: value", repeatable: the exact header list
//	header-count           instead of header: the number of fields
//	body                   the body bytes (for at=body: those read before
//	                       the error)
//	trailer                "Name: value", repeatable: the exact trailers
//	incomplete-expected    IncompleteReadError.Expected
//	tunnel-status          TunnelError.Status
//	written                the exact bytes the client wrote on the first
//	                       connection during the case
//	reuse                  yes or no: whether the follow-up request may go
//	                       over the same connection (checked by counting
//	                       dials)
//
// Sections: "--- response" starts the next reply, which the peer sends
// only once the client has written its next request (the first reply once
// the first request is written); "--- connect" is the same for a proxy's
// CONNECT reply; "--- segment" adds bytes to the current reply that reach
// the client in a separate read (bytes arriving after the response, while
// the connection is idle).
//
// The peer of response cases is peerConn rather than testutil.FakeConn,
// whose reply is readable all at once: a follow-up response must arrive
// only after the follow-up request, or it could not be told apart from
// unsolicited bytes queued behind the case's response. Caller cases and
// the silent server of bounded_test.go use testutil's fakes.
//
// Caller cases (testdata/callers):
//
//	call         new, request, putrequest, putheader, endheaders, send,
//	             settunnel or settunnel-connected
//	host, port   for New (host default example.com) and WithPort
//	method, target, body (see bodyValue)
//	hname, hvalue  a header name and its value(s): for request one value
//	             per name, for putheader all hvalues after the hname
//	tunnel-host, tunnel-port, tunnel-hname, tunnel-hvalue
//	written      for expect ok: the exact bytes written for the call
//	             and the response read after it
//
// After a failing caller case nothing may have been written, and the Conn
// must serve a clean request afterwards with exactly the bytes of that
// request on the wire.

import (
	"context"
	"flag"
	"fmt"
	"io"
	"iter"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/httpstack/httpstack/client"
	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/message"
	"github.com/httpstack/httpstack/testutil"
	"github.com/httpstack/httpstack/wire"
)

var updateSecurityDoc = flag.Bool("update-security-doc", false, "rewrite the CVE and rule tables of docs/security.md from the catalogue")

const (
	responseDir = "testdata/responses"
	callerDir   = "testdata/callers"
	securityDoc = "../docs/security.md"

	// followUp answers the request made after every response case.
	followUp = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext"
	// connectOK is a proxy's reply opening a tunnel.
	connectOK = "HTTP/1.1 200 Connection established\r\n\r\n"
	// maxBody bounds what a case reads from a body, so that a client
	// that never stops fails the case instead of hanging it.
	maxBody = 64 << 20
	// bytewiseMax is the largest case also replayed one byte per read.
	bytewiseMax = 1 << 16
)

// TestResponseCatalogue replays every hostile response through
// client.Conn: Request, GetResponse, reading the body to its end, Close,
// and a follow-up request that tells whether the connection was reused.
// Each case runs twice, with the peer's bytes delivered whole and one
// byte per read; both must give the same outcome.
func TestResponseCatalogue(t *testing.T) {
	cases := loadCatalogue(t, responseDir)
	if len(cases) < 120 {
		t.Errorf("%d response cases, want at least 120", len(cases))
	}
	for _, cf := range cases {
		t.Run(cf.name, func(t *testing.T) {
			rc, err := parseResponseCase(cf)
			if err != nil {
				t.Fatalf("%s: %v", cf.path, err)
			}
			modes := []bool{false}
			if rc.size() <= bytewiseMax && cf.get("peer") != "socket" {
				modes = append(modes, true)
			}
			for _, bytewise := range modes {
				mode := "whole"
				if bytewise {
					mode = "bytewise"
				}
				t.Run(mode, func(t *testing.T) {
					var ck caseChecker
					ck.guard(func() { rc.run(&ck, bytewise) })
					ck.report(t, cf.get("expect-bug"))
				})
			}
		})
	}
}

// TestCallerCatalogue feeds every hostile caller input to the API.
func TestCallerCatalogue(t *testing.T) {
	cases := loadCatalogue(t, callerDir)
	if len(cases) < 30 {
		t.Errorf("%d caller cases, want at least 30", len(cases))
	}
	for _, cf := range cases {
		t.Run(cf.name, func(t *testing.T) {
			cc, err := parseCallerCase(cf)
			if err != nil {
				t.Fatalf("%s: %v", cf.path, err)
			}
			var ck caseChecker
			ck.guard(func() { cc.run(&ck) })
			ck.report(t, cf.get("expect-bug"))
		})
	}
}

// TestCatalogueFormat checks the escaping rules on small inputs, so that a
// mistake in the loader cannot make every case vacuous.
func TestCatalogueFormat(t *testing.T) {
	tests := []struct {
		in   string
		want string
		err  bool
	}{
		{in: `HTTP/1.1 200 OK\r\n`, want: "HTTP/1.1 200 OK\r\n"},
		{in: `\0\x00\x7f\xFF\t\\`, want: "\x00\x00\x7f\xff\t\\"},
		{in: `a%repeat[3 x b\r]%c`, want: "ab\rb\rb\rc"},
		{in: `%repeat[0 x b]%`, want: ""},
		{in: `%repeat[2 x a%repeat[2 x b]%\r]%`, want: "abb\rabb\r"},
		{in: `%repeat[2 x ]\%]%`, want: "]%]%"},
		{in: `\%repeat[2 x b]%`, want: "%repeat[2 x b]%"},
		{in: `\q`, err: true},
		{in: `\x4`, err: true},
		{in: `\`, err: true},
		{in: `%repeat[x b]%`, err: true},
		{in: `%repeat[2 x b`, err: true},
	}
	for _, tc := range tests {
		got, err := unescapeCase(tc.in)
		if tc.err {
			if err == nil {
				t.Errorf("unescapeCase(%q) = %q, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || string(got) != tc.want {
			t.Errorf("unescapeCase(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	bad := []string{
		"# name: x\n# expect: ok\n--- response\nHTTP/1.1 200 OK \n",         // trailing space
		"# name: x\n# expect: ok\n--- response\nHTTP/1.1\t200 OK\n",         // raw tab
		"# name: x\n# expect: ok\n--- response\nHTTP/1.1 200 \xe2\n",        // raw non-ASCII
		"# name: x\n# Expect: ok\n",                                         // bad key
		"# name: x\nfree text\n",                                            // stray line
		"# name: x\n# expect: ok\n--- bogus\nabc\n",                         // unknown section
		"# name: x\n# expect: ok\n--- segment\nabc\n",                       // segment before response
		"# name: x\n# expect: ok\n--- response\n%repeat[9999999999 x a]%\n", // too big
	}
	for _, text := range bad {
		if _, err := parseCaseText("x.txt", []byte(text)); err == nil {
			t.Errorf("parseCaseText(%q) succeeded, want an error", text)
		}
	}
}

// --- case files ------------------------------------------------------------

// caseFile is one parsed case: its header lines in order and its sections.
type caseFile struct {
	path     string
	name     string
	fields   []keyValue
	sections []caseSection
}

type keyValue struct{ key, value string }

type caseSection struct {
	kind string // response, connect, segment
	data []byte
}

// get returns the value of the first header line with key, or "".
func (cf *caseFile) get(key string) string {
	for _, kv := range cf.fields {
		if kv.key == key {
			return kv.value
		}
	}
	return ""
}

// has reports whether a header line with key is present.
func (cf *caseFile) has(key string) bool {
	for _, kv := range cf.fields {
		if kv.key == key {
			return true
		}
	}
	return false
}

// all returns the values of every header line with key, in order.
func (cf *caseFile) all(key string) []string {
	var vs []string
	for _, kv := range cf.fields {
		if kv.key == key {
			vs = append(vs, kv.value)
		}
	}
	return vs
}

// list splits a comma-separated value into trimmed, non-empty items.
func (cf *caseFile) list(key string) []string {
	var out []string
	for _, v := range cf.all(key) {
		for item := range strings.SplitSeq(v, ",") {
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
	}
	return out
}

// loadCatalogue parses every *.txt file of dir, sorted by name.
func loadCatalogue(t testing.TB, dir string) []*caseFile {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(paths)
	var cases []*caseFile
	for _, p := range paths {
		text, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		cf, err := parseCaseText(p, text)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		cases = append(cases, cf)
	}
	return cases
}

// parseCaseText parses one case file.
func parseCaseText(path string, text []byte) (*caseFile, error) {
	cf := &caseFile{path: path}
	for i, c := range text {
		if c != '\n' && (c < 0x20 || c >= 0x7f) {
			return nil, fmt.Errorf("byte %d is %q: write control and non-ASCII bytes as escapes", i, c)
		}
	}
	lines := strings.Split(strings.TrimSuffix(string(text), "\n"), "\n")
	var cur *caseSection
	for n, line := range lines {
		where := fmt.Sprintf("line %d", n+1)
		if strings.TrimRight(line, " ") != line {
			return nil, fmt.Errorf("%s ends in a space: write it as \\x20", where)
		}
		switch {
		case strings.HasPrefix(line, "--- "):
			kind := strings.TrimPrefix(line, "--- ")
			switch kind {
			case "response", "connect":
			case "segment":
				if len(cf.sections) == 0 {
					return nil, fmt.Errorf("%s: a segment must follow a response", where)
				}
			default:
				return nil, fmt.Errorf("%s: unknown section %q", where, kind)
			}
			cf.sections = append(cf.sections, caseSection{kind: kind})
			cur = &cf.sections[len(cf.sections)-1]
		case cur != nil:
			// Line breaks are not data: the section's lines are joined
			// and decoded once the section ends, so a macro may span
			// lines.
			cur.data = append(cur.data, line...)
		case line == "":
		case strings.HasPrefix(line, "# "):
			key, value, ok := strings.Cut(strings.TrimPrefix(line, "# "), ":")
			if !ok || !validKey(key) {
				return nil, fmt.Errorf("%s: want \"# key: value\" with a lower-case key", where)
			}
			if value != "" && !strings.HasPrefix(value, " ") {
				return nil, fmt.Errorf("%s: want a space after the colon", where)
			}
			cf.fields = append(cf.fields, keyValue{key, strings.TrimPrefix(value, " ")})
		default:
			return nil, fmt.Errorf("%s: stray line %q", where, line)
		}
	}
	for i := range cf.sections {
		b, err := unescapeCase(string(cf.sections[i].data))
		if err != nil {
			return nil, fmt.Errorf("section %d (%s): %v", i+1, cf.sections[i].kind, err)
		}
		cf.sections[i].data = b
	}
	cf.name = cf.get("name")
	if want := strings.TrimSuffix(filepath.Base(path), ".txt"); cf.name != want {
		return nil, fmt.Errorf("name %q, want the file's base name %q", cf.name, want)
	}
	return cf, nil
}

func validKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// maxRepeat bounds the bytes one %repeat macro may produce.
const maxRepeat = 16 << 20

// unescapeCase decodes the escapes of a case file: \r, \n, \t, \0, \\, \%,
// \xHH, and the macro %repeat[N x TEXT]% (TEXT, itself escaped and
// possibly holding macros, repeated N times; the matching "]%" ends it).
func unescapeCase(s string) ([]byte, error) {
	var b []byte
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			if i+1 >= len(s) {
				return nil, fmt.Errorf("backslash at the end of %q", s)
			}
			switch e := s[i+1]; e {
			case 'r':
				b = append(b, '\r')
			case 'n':
				b = append(b, '\n')
			case 't':
				b = append(b, '\t')
			case '0':
				b = append(b, 0)
			case '\\', '%':
				b = append(b, e)
			case 'x':
				if i+4 > len(s) {
					return nil, fmt.Errorf("short \\x escape in %q", s)
				}
				v, err := strconv.ParseUint(s[i+2:i+4], 16, 8)
				if err != nil {
					return nil, fmt.Errorf("bad \\x escape %q", s[i:i+4])
				}
				b = append(b, byte(v))
				i += 4
				continue
			default:
				return nil, fmt.Errorf("unknown escape \\%c", e)
			}
			i += 2
		case strings.HasPrefix(s[i:], "%repeat["):
			rest := s[i+len("%repeat["):]
			end := macroEnd(rest)
			if end < 0 {
				return nil, fmt.Errorf("unterminated %%repeat in %.80q", s)
			}
			count, text, ok := strings.Cut(rest[:end], " x ")
			n, err := strconv.Atoi(count)
			if !ok || err != nil || n < 0 {
				return nil, fmt.Errorf("want %%repeat[N x TEXT]%%, got %q", rest[:end])
			}
			unit, err := unescapeCase(text)
			if err != nil {
				return nil, err
			}
			if n > 0 && len(unit) > maxRepeat/n {
				return nil, fmt.Errorf("%%repeat of %d x %d bytes is too big", n, len(unit))
			}
			b = append(b, bytesRepeat(unit, n)...)
			i += len("%repeat[") + end + len("]%")
		default:
			b = append(b, c)
			i++
		}
	}
	return b, nil
}

// macroEnd returns the index in s of the "]%" that closes a %repeat whose
// header was just consumed, skipping escapes and nested macros, or -1.
func macroEnd(s string) int {
	depth := 1
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\':
			i++
		case strings.HasPrefix(s[i:], "%repeat["):
			depth++
			i += len("%repeat[") - 1
		case strings.HasPrefix(s[i:], "]%"):
			depth--
			if depth == 0 {
				return i
			}
			i++
		}
	}
	return -1
}

func bytesRepeat(unit []byte, n int) []byte {
	out := make([]byte, 0, len(unit)*n)
	for range n {
		out = append(out, unit...)
	}
	return out
}

// unescapeString decodes a header value.
func unescapeString(s string) (string, error) {
	b, err := unescapeCase(s)
	return string(b), err
}

// --- expectations ----------------------------------------------------------

// sentinels names every sentinel a case may expect.
var sentinelNames = map[string]error{
	"ErrHTTP":                    errors.ErrHTTP,
	"ErrNotConnected":            errors.ErrNotConnected,
	"ErrInvalidURL":              errors.ErrInvalidURL,
	"ErrUnknownProtocol":         errors.ErrUnknownProtocol,
	"ErrUnknownTransferEncoding": errors.ErrUnknownTransferEncoding,
	"ErrIncompleteRead":          errors.ErrIncompleteRead,
	"ErrImproperConnectionState": errors.ErrImproperConnectionState,
	"ErrCannotSendRequest":       errors.ErrCannotSendRequest,
	"ErrCannotSendHeader":        errors.ErrCannotSendHeader,
	"ErrResponseNotReady":        errors.ErrResponseNotReady,
	"ErrBadStatusLine":           errors.ErrBadStatusLine,
	"ErrLineTooLong":             errors.ErrLineTooLong,
	"ErrRemoteDisconnected":      errors.ErrRemoteDisconnected,
	"ErrInvalidMethod":           errors.ErrInvalidMethod,
	"ErrInvalidHeader":           errors.ErrInvalidHeader,
	"ErrTooManyHeaders":          errors.ErrTooManyHeaders,
	"ErrInvalidChunk":            errors.ErrInvalidChunk,
	"ErrInvalidContentLength":    errors.ErrInvalidContentLength,
	"ErrTunnel":                  errors.ErrTunnel,
	"ErrInvalidFraming":          errors.ErrInvalidFraming,
	"ErrTooManyInterim":          errors.ErrTooManyInterim,
	"ErrInvalidBody":             errors.ErrInvalidBody,
	"ErrInvalidArgument":         errors.ErrInvalidArgument,
	"io.ErrUnexpectedEOF":        io.ErrUnexpectedEOF,
}

// expectation is what a case says about its outcome.
type expectation struct {
	ok        bool
	errs      []error  // every one must match errors.Is
	errNames  []string // their names, for messages
	errorType string
	lineType  string
	bug       string
}

func parseExpectation(cf *caseFile) (expectation, error) {
	var x expectation
	x.bug = cf.get("expect-bug")
	words := strings.Fields(cf.get("expect"))
	switch {
	case len(words) == 1 && words[0] == "ok":
		x.ok = true
	case len(words) >= 2 && words[0] == "error":
		for _, w := range words[1:] {
			e, ok := sentinelNames[w]
			if !ok {
				return x, fmt.Errorf("unknown sentinel %q", w)
			}
			x.errs = append(x.errs, e)
			x.errNames = append(x.errNames, w)
		}
	default:
		return x, fmt.Errorf("expect %q: want \"ok\" or \"error <Sentinel>...\"", cf.get("expect"))
	}
	x.errorType = cf.get("error-type")
	if x.errorType != "" {
		if _, ok := typedErrors[x.errorType]; !ok {
			return x, fmt.Errorf("unknown error-type %q", x.errorType)
		}
	}
	x.lineType = cf.get("line-type")
	if x.ok && (x.errorType != "" || x.lineType != "") {
		return x, fmt.Errorf("error-type or line-type on an ok case")
	}
	return x, nil
}

// typedErrors finds a typed error in err with errors.As and returns it.
var typedErrors = map[string]func(error) (error, bool){
	"BadStatusLineError":   asTyped[*errors.BadStatusLineError],
	"LineTooLongError":     asTyped[*errors.LineTooLongError],
	"HeaderError":          asTyped[*errors.HeaderError],
	"UnknownProtocolError": asTyped[*errors.UnknownProtocolError],
	"ProtocolError":        asTyped[*errors.ProtocolError],
	"IncompleteReadError":  asTyped[*errors.IncompleteReadError],
	"TunnelError":          asTyped[*errors.TunnelError],
	"InvalidURLError":      asTyped[*errors.InvalidURLError],
	"StateError":           asTyped[*errors.StateError],
}

func asTyped[T error](err error) (error, bool) {
	var target T
	if errors.As(err, &target) {
		return target, true
	}
	return nil, false
}

// checkError compares err with x and the rules every error must follow:
// it is part of the errors tree (ErrHTTP), a HeaderError says whether the
// peer or the caller is at fault, and its text quotes hostile bytes.
func (x *expectation) checkError(ck *caseChecker, what string, err error, remote bool) {
	if err == nil {
		ck.errorf("%s succeeded, want an error matching %s", what, strings.Join(x.errNames, ", "))
		return
	}
	for i, e := range x.errs {
		if !errors.Is(err, e) {
			ck.errorf("%s: error %q does not match %s", what, err, x.errNames[i])
		}
	}
	if !errors.Is(err, errors.ErrHTTP) {
		ck.errorf("%s: error %q is not part of the errors tree (errors.Is(err, ErrHTTP) is false)", what, err)
	}
	if x.errorType != "" {
		te, ok := typedErrors[x.errorType](err)
		if !ok {
			ck.errorf("%s: errors.As found no *%s in %q", what, x.errorType, err)
		} else if lt, ok := te.(*errors.LineTooLongError); ok && x.lineType != "" && lt.LineType != x.lineType {
			ck.errorf("%s: LineTooLongError.LineType = %q, want %q", what, lt.LineType, x.lineType)
		}
	}
	var he *errors.HeaderError
	if errors.As(err, &he) && he.Remote != remote {
		ck.errorf("%s: HeaderError.Remote = %v, want %v (%q)", what, he.Remote, remote, err)
	}
	checkErrorText(ck, what, err)
}

// maxErrorText bounds an error message: hostile bytes must be truncated
// (CVE-2026-42507).
const maxErrorText = 1024

// checkErrorText fails when an error message carries raw control bytes
// (log injection, CVE-2026-42507) or is unbounded. Line feeds separate
// joined errors and are allowed.
func checkErrorText(ck *caseChecker, what string, err error) {
	msg := err.Error()
	if len(msg) > maxErrorText {
		ck.errorf("%s: error text is %d bytes, want at most %d: %.200q...", what, len(msg), maxErrorText, msg)
	}
	for i := 0; i < len(msg); i++ {
		if c := msg[i]; (c < 0x20 && c != '\n') || c == 0x7f {
			ck.errorf("%s: error text holds the raw byte %q at %d: %q", what, c, i, msg)
			return
		}
	}
}

// --- checker ---------------------------------------------------------------

// caseChecker collects a case's failures, so that a case marked expect-bug
// can be skipped while its defect reproduces and failed once it does not.
type caseChecker struct {
	failures []string
}

func (ck *caseChecker) errorf(format string, args ...any) {
	ck.failures = append(ck.failures, fmt.Sprintf(format, args...))
}

// guard runs f and records a panic as a failure.
func (ck *caseChecker) guard(f func()) {
	defer func() {
		if p := recover(); p != nil {
			ck.errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	f()
}

// report turns the failures into test results.
func (ck *caseChecker) report(t *testing.T, bug string) {
	t.Helper()
	if bug == "" {
		for _, f := range ck.failures {
			t.Error(f)
		}
		return
	}
	if len(ck.failures) == 0 {
		t.Errorf("the case is marked expect-bug (%s) but now passes: remove the expect-bug line", bug)
		return
	}
	for _, f := range ck.failures {
		t.Log(f)
	}
	t.Skipf("BUG: %s", bug)
}

// --- response cases --------------------------------------------------------

// responseCase is a parsed file of testdata/responses.
type responseCase struct {
	cf         *caseFile
	x          expectation
	method     string
	target     string
	reqHeader  message.Header
	reqBody    []byte
	hasBody    bool
	limits     *wire.Limits
	tunnel     string
	tunnelHdr  message.Header
	at         string
	status     int
	reason     *string
	version    int
	header     message.Header
	checkHdr   bool
	hdrCount   int
	body       *string
	trailer    message.Header
	expected   *int64
	tunnelCode int
	written    *string
	reuse      bool
	replies    []peerReply
}

// peerReply is what the peer sends for one request: segments, each reaching
// the client in reads of its own.
type peerReply [][]byte

var responseKeys = caseKeys("name", "cve", "rule", "note", "expect", "error-type", "line-type", "expect-bug",
	"method", "target", "request-header", "request-body", "limits", "tunnel", "tunnel-header", "at",
	"status", "reason", "version", "header", "header-count", "body", "trailer",
	"incomplete-expected", "tunnel-status", "written", "reuse", "peer")

func caseKeys(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

func checkKeys(cf *caseFile, allowed map[string]bool) error {
	for _, kv := range cf.fields {
		if !allowed[kv.key] {
			return fmt.Errorf("unknown key %q", kv.key)
		}
	}
	for _, k := range []string{"name", "expect"} {
		if !cf.has(k) {
			return fmt.Errorf("missing %q", k)
		}
	}
	return nil
}

func parseResponseCase(cf *caseFile) (*responseCase, error) {
	if err := checkKeys(cf, responseKeys); err != nil {
		return nil, err
	}
	rc := &responseCase{cf: cf, method: "GET", target: "/", at: "head"}
	var err error
	if rc.x, err = parseExpectation(cf); err != nil {
		return nil, err
	}
	str := func(key string, dst *string) {
		if err == nil && cf.has(key) {
			*dst, err = unescapeString(cf.get(key))
		}
	}
	optStr := func(key string) *string {
		if err != nil || !cf.has(key) {
			return nil
		}
		var s string
		s, err = unescapeString(cf.get(key))
		return &s
	}
	num := func(key string, dst *int) {
		if err == nil && cf.has(key) {
			*dst, err = strconv.Atoi(cf.get(key))
		}
	}
	fields := func(key string) message.Header {
		var h message.Header
		for _, v := range cf.all(key) {
			if err != nil {
				return nil
			}
			var s string
			if s, err = unescapeString(v); err != nil {
				return nil
			}
			name, value, ok := strings.Cut(s, ":")
			if !ok {
				err = fmt.Errorf("%s %q: want \"Name: value\"", key, v)
				return nil
			}
			h = append(h, message.Field{Name: name, Value: strings.TrimPrefix(value, " ")})
		}
		return h
	}
	str("method", &rc.method)
	str("target", &rc.target)
	rc.reqHeader = fields("request-header")
	if cf.has("request-body") {
		rc.hasBody = true
		var s string
		str("request-body", &s)
		rc.reqBody = []byte(s)
	}
	str("tunnel", &rc.tunnel)
	rc.tunnelHdr = fields("tunnel-header")
	str("at", &rc.at)
	num("status", &rc.status)
	rc.reason = optStr("reason")
	num("version", &rc.version)
	rc.header = fields("header")
	rc.checkHdr = cf.has("header")
	num("header-count", &rc.hdrCount)
	rc.body = optStr("body")
	rc.trailer = fields("trailer")
	num("tunnel-status", &rc.tunnelCode)
	rc.written = optStr("written")
	if cf.has("incomplete-expected") {
		var n int64
		n, err = strconv.ParseInt(cf.get("incomplete-expected"), 10, 64)
		rc.expected = &n
	}
	if err != nil {
		return nil, err
	}
	if rc.limits, err = parseLimits(cf.list("limits")); err != nil {
		return nil, err
	}
	switch rc.at {
	case "connect", "head", "body":
	default:
		return nil, fmt.Errorf("at %q: want connect, head or body", rc.at)
	}
	if rc.at == "connect" && rc.tunnel == "" {
		return nil, fmt.Errorf("at connect needs a tunnel")
	}
	switch cf.get("reuse") {
	case "yes":
		rc.reuse = true
	case "no":
	default:
		return nil, fmt.Errorf("reuse %q: want yes or no", cf.get("reuse"))
	}
	if rc.x.ok && !rc.checkHdr && !cf.has("header-count") {
		return nil, fmt.Errorf("an ok case must give its header fields (header) or their number (header-count)")
	}
	if rc.x.ok && (rc.status == 0 || rc.body == nil) {
		return nil, fmt.Errorf("an ok case must give status and body")
	}
	for i, s := range cf.sections {
		switch s.kind {
		case "connect":
			if rc.tunnel == "" || i != 0 {
				return nil, fmt.Errorf("a connect section must come first and needs a tunnel")
			}
			rc.replies = append(rc.replies, peerReply{s.data})
		case "response":
			rc.replies = append(rc.replies, peerReply{s.data})
		case "segment":
			last := &rc.replies[len(rc.replies)-1]
			*last = append(*last, s.data)
		}
	}
	if len(rc.replies) == 0 {
		return nil, fmt.Errorf("no response section")
	}
	if rc.tunnel != "" && cf.sections[0].kind != "connect" {
		return nil, fmt.Errorf("a tunnel case starts with a connect section")
	}
	return rc, nil
}

// parseLimits builds wire.Limits from "Field" (a bool set to true) and
// "Field=N" items; no items means nil (the defaults).
func parseLimits(items []string) (*wire.Limits, error) {
	if len(items) == 0 {
		return nil, nil
	}
	var l wire.Limits
	v := reflect.ValueOf(&l).Elem()
	for _, item := range items {
		name, num, hasNum := strings.Cut(item, "=")
		f := v.FieldByName(name)
		if !f.IsValid() {
			return nil, fmt.Errorf("limits: no field %q in wire.Limits", name)
		}
		switch f.Kind() {
		case reflect.Bool:
			if hasNum {
				return nil, fmt.Errorf("limits: %s is a bool", name)
			}
			f.SetBool(true)
		case reflect.Int:
			n, err := strconv.Atoi(num)
			if !hasNum || err != nil {
				return nil, fmt.Errorf("limits: want %s=N", name)
			}
			f.SetInt(int64(n))
		default:
			return nil, fmt.Errorf("limits: unsupported field %s", name)
		}
	}
	return &l, nil
}

// size is the number of bytes the peer sends.
func (rc *responseCase) size() int {
	n := 0
	for _, r := range rc.replies {
		for _, s := range r {
			n += len(s)
		}
	}
	return n
}

// run plays the case once.
func (rc *responseCase) run(ck *caseChecker, bytewise bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d := &peerDialer{bytewise: bytewise, socket: rc.cf.get("peer") == "socket"}
	defer d.shutdown()
	d.script = func(n int) []peerReply {
		var rs []peerReply
		if n == 0 {
			rs = append(rs, rc.replies...)
		} else if rc.tunnel != "" {
			rs = append(rs, peerReply{[]byte(connectOK)})
		}
		return append(rs, peerReply{[]byte(followUp)})
	}
	opts := []client.Option{client.WithDialer(d)}
	if rc.limits != nil {
		opts = append(opts, client.WithLimits(rc.limits))
	}
	c, err := client.New("example.com", opts...)
	if err != nil {
		ck.errorf("New: %v", err)
		return
	}
	defer c.Close()
	if rc.tunnel != "" {
		if err := c.SetTunnel(rc.tunnel, 0, rc.tunnelHdr); err != nil {
			ck.errorf("SetTunnel(%q): %v", rc.tunnel, err)
			return
		}
	}
	var body any
	if rc.hasBody {
		body = rc.reqBody
	}
	rc.exchange(ck, ctx, c, d, body)
	if rc.written != nil {
		if got := string(d.conn(0).writtenBytes()); got != *rc.written {
			ck.errorf("bytes written on the first connection:\n%s", testutil.ByteDiff([]byte(*rc.written), []byte(got)))
		}
	}
	checkFollowUp(ck, ctx, c, d, rc.reuse)
}

// exchange sends the case's request and checks the response.
func (rc *responseCase) exchange(ck *caseChecker, ctx context.Context, c *client.Conn, d *peerDialer, body any) {
	err := c.Request(ctx, rc.method, rc.target, body, rc.reqHeader)
	if rc.at == "connect" {
		rc.x.checkError(ck, "Request", err, true)
		if te, ok := asTyped[*errors.TunnelError](err); ok && rc.tunnelCode != 0 && te.(*errors.TunnelError).Status != rc.tunnelCode {
			ck.errorf("TunnelError.Status = %d, want %d", te.(*errors.TunnelError).Status, rc.tunnelCode)
		}
		return
	}
	if err != nil {
		ck.errorf("Request: %v", err)
		return
	}
	resp, err := c.GetResponse(ctx)
	if rc.at == "head" && !rc.x.ok {
		rc.x.checkError(ck, "GetResponse", err, true)
		if resp != nil {
			if err != nil {
				ck.errorf("GetResponse returned a Response with its error")
			}
			resp.Close()
		}
		if !d.conn(0).isClosed() {
			ck.errorf("the connection is still open after GetResponse failed")
		}
		return
	}
	if err != nil {
		ck.errorf("GetResponse: %v", err)
		return
	}
	defer resp.Close()
	rc.checkHead(ck, resp)
	got, err := drainBody(resp)
	if rc.x.ok {
		if err != nil {
			ck.errorf("reading the body: %v (after %q)", err, clipBytes(got))
		}
	} else {
		rc.x.checkError(ck, "reading the body", err, true)
		if ire, ok := asTyped[*errors.IncompleteReadError](err); ok && rc.expected != nil {
			if e := ire.(*errors.IncompleteReadError).Expected; e != *rc.expected {
				ck.errorf("IncompleteReadError.Expected = %d, want %d", e, *rc.expected)
			}
		}
	}
	if rc.body != nil && string(got) != *rc.body {
		ck.errorf("body = %q, want %q", clipBytes(got), clipBytes([]byte(*rc.body)))
	}
	if rc.x.ok {
		if diff := cmp.Diff(rc.trailer, resp.Trailer, cmpHeader); diff != "" {
			ck.errorf("Trailer (-want +got):\n%s", diff)
		}
	}
}

// cmpHeader treats a nil and an empty Header alike.
var cmpHeader = cmp.Comparer(func(a, b message.Header) bool {
	return len(a) == len(b) && (len(a) == 0 || reflect.DeepEqual(a, b))
})

// checkHead compares status line and header fields.
func (rc *responseCase) checkHead(ck *caseChecker, resp *client.Response) {
	if rc.status != 0 && int(resp.Status) != rc.status {
		ck.errorf("Status = %d, want %d", resp.Status, rc.status)
	}
	if rc.reason != nil && resp.Reason != *rc.reason {
		ck.errorf("Reason = %q, want %q", resp.Reason, *rc.reason)
	}
	if rc.version != 0 && resp.Version != rc.version {
		ck.errorf("Version = %d, want %d", resp.Version, rc.version)
	}
	if rc.checkHdr {
		if diff := cmp.Diff(rc.header, resp.Header, cmpHeader); diff != "" {
			ck.errorf("Header (-want +got):\n%s", diff)
		}
	}
	if rc.cf.has("header-count") && len(resp.Header) != rc.hdrCount {
		ck.errorf("%d header fields, want %d", len(resp.Header), rc.hdrCount)
	}
}

// readAll reads a body to its end or first error, through a small buffer
// so that bodies arrive in several reads, and stops at maxBody.
func drainBody(r io.Reader) ([]byte, error) {
	var out []byte
	buf := make([]byte, 1000)
	for len(out) < maxBody {
		n, err := r.Read(buf)
		out = append(out, buf[:n]...)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
	}
	return out, fmt.Errorf("body longer than %d bytes", maxBody)
}

// clip shortens what a failure message shows of a body.
func clipBytes(b []byte) []byte {
	if len(b) > 200 {
		return append(b[:200:200], "..."...)
	}
	return b
}

// checkFollowUp sends one more request and checks, from the dials, that
// the connection was reused exactly when allowed, and that the follow-up
// gets its own response.
func checkFollowUp(ck *caseChecker, ctx context.Context, c *client.Conn, d *peerDialer, reuse bool) {
	if err := c.Request(ctx, "GET", "/next", nil, nil); err != nil {
		ck.errorf("follow-up Request: %v", err)
		return
	}
	resp, err := c.GetResponse(ctx)
	if err != nil {
		ck.errorf("follow-up GetResponse: %v (dials %d)", err, d.dials())
		return
	}
	got, err := drainBody(resp)
	resp.Close()
	if err != nil || resp.Status != 200 || string(got) != "next" {
		ck.errorf("follow-up response = %d %q, %v; want 200 \"next\" (a stale byte was taken for the next response)", resp.Status, clipBytes(got), err)
	}
	want := 2
	if reuse {
		want = 1
	}
	if n := d.dials(); n != want {
		ck.errorf("%d dials for the case and its follow-up, want %d (reuse %v)", n, want, reuse)
	}
	if first := d.conn(0); !reuse && !first.isClosed() {
		ck.errorf("the first connection was not closed")
	}
}

// --- the scripted peer -----------------------------------------------------

// peerDialer hands out peerConns; script(n) gives the replies of the n-th
// connection.
//
// With socket set (a case's "# peer: socket"), the client gets a real
// loopback TCP socket instead, and a pump goroutine plays the peerConn on
// the server's end: each request is handed to the peerConn and whatever it
// then has queued is written at once. That is for cases about bytes on a
// kept-alive socket, which the client checks only on operating-system
// sockets (an in-memory connection may hold the replies to later requests
// from the start, as Python's FakeSocket does).
type peerDialer struct {
	bytewise bool
	socket   bool
	script   func(n int) []peerReply

	mu    sync.Mutex
	conns []*peerConn
	ln    net.Listener
	wg    sync.WaitGroup
}

func (d *peerDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	c := &peerConn{replies: d.script(len(d.conns)), bytewise: d.bytewise, armed: true}
	d.conns = append(d.conns, c)
	if !d.socket {
		return c, nil
	}
	if d.ln == nil {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		d.ln = ln
	}
	cc, err := net.Dial("tcp", d.ln.Addr().String())
	if err != nil {
		return nil, err
	}
	sc, err := d.ln.Accept()
	if err != nil {
		cc.Close()
		return nil, err
	}
	c.pumped = make(chan struct{})
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		defer close(c.pumped)
		defer sc.Close()
		pump(sc, c)
	}()
	return cc, nil
}

// pump relays between the server's end of a socket and a peerConn: bytes
// from the client go to the peerConn, and all it has queued in reply is
// written in one write, as a server writes a response (and anything it
// sends beyond it) at once.
func pump(sc net.Conn, c *peerConn) {
	buf := make([]byte, 64<<10)
	out := make([]byte, 64<<10)
	for {
		n, err := sc.Read(buf)
		if n > 0 {
			c.Write(buf[:n])
			var reply []byte
			for {
				k, rerr := c.Read(out)
				reply = append(reply, out[:k]...)
				if rerr != nil || k == 0 {
					break
				}
			}
			if len(reply) > 0 {
				if _, werr := sc.Write(reply); werr != nil {
					break
				}
			}
		}
		if err != nil {
			break
		}
	}
	c.Close()
}

// shutdown stops the listener and waits for the pumps.
func (d *peerDialer) shutdown() {
	d.mu.Lock()
	if d.ln != nil {
		d.ln.Close()
	}
	d.mu.Unlock()
	d.wg.Wait()
}

func (d *peerDialer) dials() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.conns)
}

// conn returns the n-th connection, or an empty closed one.
func (d *peerDialer) conn(n int) *peerConn {
	d.mu.Lock()
	defer d.mu.Unlock()
	if n < len(d.conns) {
		return d.conns[n]
	}
	return &peerConn{closed: true}
}

// peerConn plays a server that answers each request with its next reply:
// a reply becomes readable when the client writes after having read (or,
// for the first, on its first write), as a server answers once a request
// arrives. Each segment of a reply is delivered in reads of its own, and
// bytes left unread stay queued before the next reply, as they would in a
// socket. When nothing is queued Read returns io.EOF: the peer has closed.
// It starts no goroutine and never blocks.
type peerConn struct {
	pumped   chan struct{} // socket mode: closed when the pump is done
	mu       sync.Mutex
	replies  []peerReply
	segs     [][]byte
	armed    bool
	bytewise bool
	written  []byte
	closed   bool
}

func (c *peerConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return 0, net.ErrClosed
	}
	c.armed = true
	for len(c.segs) > 0 && len(c.segs[0]) == 0 {
		c.segs = c.segs[1:]
	}
	if len(p) == 0 {
		return 0, nil
	}
	if len(c.segs) == 0 {
		return 0, io.EOF
	}
	if c.bytewise {
		p = p[:1]
	}
	n := copy(p, c.segs[0])
	c.segs[0] = c.segs[0][n:]
	return n, nil
}

func (c *peerConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return 0, net.ErrClosed
	}
	c.written = append(c.written, p...)
	if c.armed && len(c.replies) > 0 {
		c.armed = false
		for _, s := range c.replies[0] {
			c.segs = append(c.segs, slices.Clone(s))
		}
		c.replies = c.replies[1:]
	}
	return len(p), nil
}

func (c *peerConn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return net.ErrClosed
	}
	c.closed = true
	return nil
}

func (c *peerConn) isClosed() bool {
	if c.pumped != nil {
		// The pump closes the peerConn when the client closes its socket.
		select {
		case <-c.pumped:
		case <-time.After(5 * time.Second):
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

func (c *peerConn) writtenBytes() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.written)
}

func (c *peerConn) LocalAddr() net.Addr              { return peerAddr{} }
func (c *peerConn) RemoteAddr() net.Addr             { return peerAddr{} }
func (c *peerConn) SetDeadline(time.Time) error      { return nil }
func (c *peerConn) SetReadDeadline(time.Time) error  { return nil }
func (c *peerConn) SetWriteDeadline(time.Time) error { return nil }

type peerAddr struct{}

func (peerAddr) Network() string { return "tcp" }
func (peerAddr) String() string  { return "peer:0" }

// --- caller cases ----------------------------------------------------------

// okReply answers the requests of caller cases.
const okReply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

// cleanRequest is what the request made after a rejected call must look
// like on the wire: nothing of the rejected call may leak into it.
const cleanRequest = "GET /ok HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\n\r\n"

var callerKeys = caseKeys("name", "cve", "rule", "note", "expect", "error-type", "line-type", "expect-bug",
	"call", "host", "port", "method", "target", "body", "hname", "hvalue",
	"tunnel-host", "tunnel-port", "tunnel-hname", "tunnel-hvalue", "written")

// callerCase is a parsed file of testdata/callers.
type callerCase struct {
	cf         *caseFile
	x          expectation
	call       string
	host       string
	port       int
	method     string
	target     string
	body       any
	header     []headerArg
	tunnelHost string
	tunnelPort int
	tunnelHdr  []headerArg
	written    *string
}

// headerArg is one hname with the hvalues after it.
type headerArg struct {
	name   string
	values []string
}

func parseCallerCase(cf *caseFile) (*callerCase, error) {
	if err := checkKeys(cf, callerKeys); err != nil {
		return nil, err
	}
	cc := &callerCase{cf: cf, call: cf.get("call"), host: "example.com", method: "GET", target: "/"}
	var err error
	if cc.x, err = parseExpectation(cf); err != nil {
		return nil, err
	}
	switch cc.call {
	case "new", "request", "putrequest", "putheader", "endheaders", "send", "settunnel", "settunnel-connected":
	default:
		return nil, fmt.Errorf("call %q: unknown", cc.call)
	}
	str := func(key string, dst *string) {
		if err == nil && cf.has(key) {
			*dst, err = unescapeString(cf.get(key))
		}
	}
	str("host", &cc.host)
	str("method", &cc.method)
	str("target", &cc.target)
	str("tunnel-host", &cc.tunnelHost)
	if err == nil && cf.has("port") {
		cc.port, err = strconv.Atoi(cf.get("port"))
	}
	if err == nil && cf.has("tunnel-port") {
		cc.tunnelPort, err = strconv.Atoi(cf.get("tunnel-port"))
	}
	if err == nil && cf.has("written") {
		var s string
		str("written", &s)
		cc.written = &s
	}
	if err != nil {
		return nil, err
	}
	if cf.has("body") {
		if cc.body, err = bodyValue(cf.get("body")); err != nil {
			return nil, err
		}
	}
	if cc.header, err = headerArgs(cf, "hname", "hvalue"); err != nil {
		return nil, err
	}
	if cc.tunnelHdr, err = headerArgs(cf, "tunnel-hname", "tunnel-hvalue"); err != nil {
		return nil, err
	}
	if cc.x.ok && cc.written == nil {
		return nil, fmt.Errorf("an ok caller case must give the bytes written")
	}
	return cc, nil
}

// headerArgs pairs each name line with the value lines after it.
func headerArgs(cf *caseFile, nameKey, valueKey string) ([]headerArg, error) {
	var out []headerArg
	for _, kv := range cf.fields {
		switch kv.key {
		case nameKey:
			s, err := unescapeString(kv.value)
			if err != nil {
				return nil, err
			}
			out = append(out, headerArg{name: s})
		case valueKey:
			if len(out) == 0 {
				return nil, fmt.Errorf("%s before any %s", valueKey, nameKey)
			}
			s, err := unescapeString(kv.value)
			if err != nil {
				return nil, err
			}
			last := &out[len(out)-1]
			last.values = append(last.values, s)
		}
	}
	return out, nil
}

// bodyValue turns a body description into a Go value: "string:TEXT",
// "bytes:TEXT", "reader:TEXT" and "seq:TEXT" (pieces split at "|") are
// valid bodies; the other kinds are types the API must refuse.
func bodyValue(desc string) (any, error) {
	kind, text, _ := strings.Cut(desc, ":")
	data, err := unescapeString(text)
	if err != nil {
		return nil, err
	}
	switch kind {
	case "string":
		return data, nil
	case "bytes":
		return []byte(data), nil
	case "reader":
		return strings.NewReader(data), nil
	case "seq":
		return iter.Seq[[]byte](func(yield func([]byte) bool) {
			for piece := range strings.SplitSeq(data, "|") {
				if !yield([]byte(piece)) {
					return
				}
			}
		}), nil
	case "int":
		return 42, nil
	case "bool":
		return true, nil
	case "map":
		return map[string]string{"a": "b"}, nil
	case "strings":
		return []string{"a", "b"}, nil
	case "runes":
		return []rune("abc"), nil
	case "struct":
		return struct{ A string }{"a"}, nil
	case "pointer":
		s := "abc"
		return &s, nil
	case "chan":
		return make(chan []byte), nil
	case "func":
		return func() {}, nil
	case "seq-string":
		return iter.Seq[string](func(func(string) bool) {}), nil
	case "seq2":
		return iter.Seq2[int, []byte](func(func(int, []byte) bool) {}), nil
	case "error":
		return errors.ErrHTTP, nil
	}
	return nil, fmt.Errorf("body %q: unknown kind", desc)
}

// run performs the call and checks its outcome.
func (cc *callerCase) run(ck *caseChecker) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d := testutil.NewFakeDialer(okReply, okReply, okReply)
	if cc.call == "settunnel" && cc.x.ok {
		// The request after SetTunnel goes through the tunnel: the proxy
		// opens it, then the origin answers.
		d = testutil.NewFakeDialer(connectOK+okReply, connectOK+okReply)
	}
	opts := []client.Option{client.WithDialer(d)}
	if cc.port != 0 {
		opts = append(opts, client.WithPort(cc.port))
	}
	c, err := client.New(cc.host, opts...)
	if cc.call == "new" && !cc.x.ok {
		cc.x.checkError(ck, "New", err, false)
		if err != nil && c != nil {
			ck.errorf("New returned a Conn with its error")
		}
		return
	}
	if err != nil {
		ck.errorf("New(%q): %v", cc.host, err)
		return
	}
	defer c.Close()
	err = cc.call1(ctx, c)
	if cc.x.ok {
		if err != nil {
			ck.errorf("%s: %v", cc.call, err)
			return
		}
		if cc.call != "new" && cc.call != "settunnel" {
			resp, err := c.GetResponse(ctx)
			if err != nil {
				ck.errorf("GetResponse: %v", err)
				return
			}
			if got, err := drainBody(resp); err != nil || string(got) != "ok" {
				ck.errorf("response body %q, %v; want \"ok\"", got, err)
			}
			resp.Close()
		} else if !cleanRoundTrip(ck, ctx, c, "/") {
			return
		}
		if got := writtenAll(d); got != *cc.written {
			ck.errorf("bytes written:\n%s", testutil.ByteDiff([]byte(*cc.written), []byte(got)))
		}
		return
	}
	cc.x.checkError(ck, cc.call, err, false)
	if got := writtenAll(d); got != "" {
		ck.errorf("a rejected call wrote %q", got)
	}
	// The Conn must serve a clean request afterwards.
	if !cleanRoundTrip(ck, ctx, c, "/ok") {
		return
	}
	if got := writtenAll(d); got != cleanRequest {
		ck.errorf("bytes written by the request after the rejected call:\n%s", testutil.ByteDiff([]byte(cleanRequest), []byte(got)))
	}
}

// call1 makes the case's call.
func (cc *callerCase) call1(ctx context.Context, c *client.Conn) error {
	switch cc.call {
	case "new":
		return nil
	case "request":
		var h message.Header
		for _, f := range cc.header {
			for _, v := range f.values {
				h = append(h, message.Field{Name: f.name, Value: v})
			}
			if len(f.values) == 0 {
				h = append(h, message.Field{Name: f.name})
			}
		}
		return c.Request(ctx, cc.method, cc.target, cc.body, h)
	case "putrequest":
		return c.PutRequest(cc.method, cc.target)
	case "putheader":
		if err := c.PutRequest(cc.method, cc.target); err != nil {
			return errors.Wrap(err, "hostile: PutRequest before PutHeader")
		}
		for _, f := range cc.header {
			if err := c.PutHeader(f.name, f.values...); err != nil {
				return err
			}
		}
		return c.EndHeaders(ctx, cc.body)
	case "endheaders":
		if err := c.PutRequest(cc.method, cc.target); err != nil {
			return errors.Wrap(err, "hostile: PutRequest before EndHeaders")
		}
		return c.EndHeaders(ctx, cc.body)
	case "send":
		return c.Send(ctx, cc.body)
	case "settunnel", "settunnel-connected":
		if cc.call == "settunnel-connected" {
			if err := c.Connect(ctx); err != nil {
				return errors.Wrap(err, "hostile: Connect before SetTunnel")
			}
		}
		var h message.Header
		for _, f := range cc.tunnelHdr {
			for _, v := range f.values {
				h = append(h, message.Field{Name: f.name, Value: v})
			}
		}
		return c.SetTunnel(cc.tunnelHost, cc.tunnelPort, h)
	}
	return errors.Wrapf(errors.ErrInvalidArgument, "hostile: unknown call %q", cc.call)
}

// cleanRoundTrip sends GET target and reads the "ok" response.
func cleanRoundTrip(ck *caseChecker, ctx context.Context, c *client.Conn, target string) bool {
	if err := c.Request(ctx, "GET", target, nil, nil); err != nil {
		ck.errorf("the Conn is unusable after the call: Request: %v", err)
		return false
	}
	resp, err := c.GetResponse(ctx)
	if err != nil {
		ck.errorf("the Conn is unusable after the call: GetResponse: %v", err)
		return false
	}
	defer resp.Close()
	if got, err := drainBody(resp); err != nil || string(got) != "ok" {
		ck.errorf("response after the call: %q, %v; want \"ok\"", got, err)
		return false
	}
	return true
}

// writtenAll returns the bytes written on every connection, in order.
func writtenAll(d *testutil.FakeDialer) string {
	var b []byte
	for _, c := range d.Conns() {
		b = append(b, c.Written()...)
	}
	return string(b)
}

// --- coverage tables -------------------------------------------------------

// cveRow is one row of security.md §1: ids, where they come from, the
// hostile input, and either the cases that cover it (found by the ids in
// the case files and the bounded tests) or why no case applies.
type cveRow struct {
	ids    []string
	source string
	what   string
	na     string // non-empty: not applicable to this client, and why
}

// naTLS and the others explain rows that no byte-level case can cover.
const (
	naTLS      = "TLS verification: on by default in transport.TLS; tested with real handshakes by client.TestTLSVerifyFails and transport.TestTLS"
	naRedirect = "redirects: the client follows none (http.client does not either)"
	naProxyEnv = "proxy environment variables: the client reads none"
	naCookies  = "cookies: the client stores and sends none"
	naDecode   = "content decoding: the client decodes no Content-Encoding"
	naHTTP2    = "HTTP/2 only: this client speaks HTTP/1.1"
	naReuse    = "connection reuse keys: a Conn serves one origin (and one tunnel target), so no connection is ever shared between hosts"
)

var cveRows = []cveRow{
	{ids: []string{"CVE-2013-1752"}, source: "CPython", what: "status or header line that never ends; unlimited header lines"},
	{ids: []string{"CVE-2014-9365"}, source: "CPython", what: "HTTPS without certificate verification by default", na: naTLS},
	{ids: []string{"CVE-2016-5699"}, source: "CPython", what: "CR/LF in header names and values given to putheader"},
	{ids: []string{"CVE-2016-1000110"}, source: "CPython", what: "httpoxy: HTTP_PROXY from a CGI request header", na: naProxyEnv},
	{ids: []string{"CVE-2019-9740"}, source: "CPython", what: "CR/LF in the request target"},
	{ids: []string{"CVE-2019-9947"}, source: "CPython", what: "CR/LF in the path of the request target"},
	{ids: []string{"CVE-2019-18348"}, source: "CPython", what: "CR/LF in the host, copied into Host"},
	{ids: []string{"CVE-2020-26116"}, source: "CPython", what: "CR/LF (and SP, DEL) in the method"},
	{ids: []string{"CVE-2021-3737"}, source: "CPython", what: "endless header lines after 100 Continue"},
	{ids: []string{"GHSA-w4q2-g22w-6fr4"}, source: "CPython gh-150743", what: "endless trailers; endless 1xx responses"},
	{ids: []string{"CVE-2025-13836"}, source: "CPython gh-119451", what: "Content-Length allocated up front"},
	{ids: []string{"gh-146211"}, source: "CPython (urllib3 #5091)", what: "CR/LF in set_tunnel host and CONNECT headers"},
	{ids: []string{"gh-150751"}, source: "CPython", what: "int() parses Content-Length and chunk sizes (sign, _, 0x, spaces)"},
	{ids: []string{"CVE-2022-0391"}, source: "CPython", what: "tab, CR, LF stripped from URLs before validation"},
	{ids: []string{"CVE-2023-24329"}, source: "CPython", what: "leading C0 control or space in a URL bypasses checks"},
	{ids: []string{"CPython-3.11-tunnel"}, source: "CPython 3.11 _tunnel", what: "unlimited header lines in the proxy's CONNECT reply"},
	{ids: []string{"CVE-2015-5739"}, source: "Go GO-2021-0159", what: "invalid header names treated as Content-Length"},
	{ids: []string{"CVE-2015-5740"}, source: "Go GO-2021-0159", what: "duplicate differing Content-Length"},
	{ids: []string{"CVE-2015-5741"}, source: "Go GO-2021-0159", what: "Content-Length together with Transfer-Encoding"},
	{ids: []string{"CVE-2016-5386"}, source: "Go GO-2022-0761", what: "httpoxy", na: naProxyEnv},
	{ids: []string{"CVE-2019-9741"}, source: "Go GO-2022-0221", what: "CR/LF in the request target"},
	{ids: []string{"CVE-2019-14809"}, source: "Go GO-2022-0211", what: "malformed host whose Host differs from what is dialled"},
	{ids: []string{"CVE-2025-47912"}, source: "Go GO-2025-4010", what: "non-IPv6 text inside brackets in a host"},
	{ids: []string{"CVE-2026-25679"}, source: "Go GO-2026-4601", what: "malformed IPv6 literals and bracketed hosts"},
	{ids: []string{"CVE-2019-16276"}, source: "Go GO-2022-0212", what: "whitespace between field name and colon"},
	{ids: []string{"CVE-2021-31525"}, source: "Go GO-2022-0236", what: "huge header panics the client"},
	{ids: []string{"CVE-2022-1705"}, source: "Go GO-2022-0525", what: "invalid Transfer-Encoding values taken as chunked"},
	{ids: []string{"CVE-2023-24534"}, source: "Go GO-2023-1704", what: "header parsing allocates far more than the headers"},
	{ids: []string{"CVE-2023-29406"}, source: "Go GO-2023-1878", what: "CR/LF in the Host header"},
	{ids: []string{"CVE-2023-39326"}, source: "Go GO-2023-2382", what: "chunk extensions that make the reader work without progress"},
	{ids: []string{"CVE-2024-24791"}, source: "Go GO-2024-2963", what: "final status in answer to Expect: 100-continue leaves the connection in a bad state"},
	{ids: []string{"CVE-2023-45289", "CVE-2024-45336", "CVE-2025-4673"}, source: "Go", what: "credentials kept on cross-origin redirects", na: naRedirect},
	{ids: []string{"CVE-2025-22870"}, source: "Go GO-2025-3503", what: "NO_PROXY matching with IPv6 zone IDs", na: naProxyEnv},
	{ids: []string{"CVE-2025-22871"}, source: "Go GO-2025-3563", what: "chunk-size line ending in a bare LF"},
	{ids: []string{"CVE-2025-58186"}, source: "Go GO-2025-4012", what: "many tiny cookies", na: naCookies},
	{ids: []string{"CVE-2025-61724"}, source: "Go GO-2025-4015", what: "many continuation lines: quadratic concatenation"},
	{ids: []string{"CVE-2026-42507"}, source: "Go GO-2026-5039", what: "attacker bytes echoed raw into error text (every case checks its error text too)"},
	{ids: []string{"CVE-2019-9512", "CVE-2019-9514", "CVE-2023-39325", "CVE-2023-44487", "CVE-2023-45288", "CVE-2026-33814"}, source: "x/net/http2", what: "HTTP/2 floods and frame-size loops", na: naHTTP2},
	{ids: []string{"CVE-2023-38039"}, source: "curl", what: "endless headers eat all memory (CONNECT headers included)"},
	{ids: []string{"CVE-2022-32206"}, source: "curl", what: "unbounded Content-Encoding chain"},
	{ids: []string{"CVE-2023-23916"}, source: "curl", what: "many Content-Encoding fields"},
	{ids: []string{"CVE-2022-32205"}, source: "curl", what: "many or huge Set-Cookie", na: naCookies},
	{ids: []string{"CVE-2022-35252"}, source: "curl", what: "control codes in cookies (here: in any field value)"},
	{ids: []string{"CVE-2014-8150"}, source: "curl", what: "CR/LF in an absolute-form target sent to a proxy"},
	{ids: []string{"CVE-2012-0036"}, source: "curl", what: "percent-encoded CR/LF decoded into protocol lines"},
	{ids: []string{"CVE-2022-42915"}, source: "curl", what: "double free when a proxy refuses CONNECT"},
	{ids: []string{"CVE-2022-43552"}, source: "curl", what: "use after free when a proxy refuses CONNECT"},
	{ids: []string{"CVE-2015-3153"}, source: "curl", what: "origin headers also sent to the proxy"},
	{ids: []string{"CVE-2003-1605"}, source: "curl", what: "origin headers also sent to the proxy"},
	{ids: []string{"CVE-2018-1000007", "CVE-2022-27774", "CVE-2022-27776", "CVE-2025-14524", "CVE-2026-6253"}, source: "curl", what: "credentials on redirects", na: naRedirect},
	{ids: []string{"CVE-2018-1000005"}, source: "curl", what: "malformed trailers (NUL in a trailer: curl test 2106)"},
	{ids: []string{"CVE-2009-2417", "CVE-2013-4545", "CVE-2014-0139", "CVE-2016-3739", "CVE-2024-2466"}, source: "curl", what: "certificate name checks", na: naTLS},
	{ids: []string{"CVE-2021-22890", "CVE-2016-5419", "CVE-2016-7141", "CVE-2026-8932"}, source: "curl", what: "a reused connection with the wrong host, certificate or proxy", na: naReuse},
	{ids: []string{"CVE-2019-11236"}, source: "urllib3", what: "CR/LF in the request target"},
	{ids: []string{"CVE-2020-26137"}, source: "urllib3", what: "CR/LF in the method"},
	{ids: []string{"CVE-2020-7212"}, source: "urllib3", what: "quadratic URL parsing with many '%' or '@'"},
	{ids: []string{"CVE-2021-33503"}, source: "urllib3", what: "ReDoS in URL authority parsing"},
	{ids: []string{"CVE-2016-9015", "CVE-2019-11324", "CVE-2021-28363"}, source: "urllib3", what: "TLS verification silently off", na: naTLS},
	{ids: []string{"CVE-2018-20060", "CVE-2023-43804", "CVE-2024-37891", "GHSA-qccp-gfcp-xxvc", "CVE-2023-45803"}, source: "urllib3", what: "headers or body kept on redirects", na: naRedirect},
	{ids: []string{"CVE-2025-66418"}, source: "urllib3", what: "unbounded Content-Encoding chain"},
	{ids: []string{"CVE-2025-66471"}, source: "urllib3", what: "decompression bomb through the streaming API"},
	{ids: []string{"CVE-2026-21441"}, source: "urllib3", what: "decompression of bodies discarded on redirects", na: naDecode},
	{ids: []string{"fasthttp-42f83c6"}, source: "fasthttp", what: "huge response sizes overflow a buffer computation and panic"},
	{ids: []string{"fasthttp-4aadf9a"}, source: "fasthttp", what: "malformed trailers panic (also 7db0597, 1116d03)"},
	{ids: []string{"fasthttp-bce5766"}, source: "fasthttp", what: "ambiguous CL/TE combinations (smuggling)"},
	{ids: []string{"fasthttp-7b273dc"}, source: "fasthttp", what: "CR inside header names"},
	{ids: []string{"fasthttp-7b74fc9"}, source: "fasthttp", what: "LF inside chunk extensions (also 3c43293)"},
	{ids: []string{"fasthttp-5213168"}, source: "fasthttp", what: "invalid trailer names and values (also a1c842f, d93cb94)"},
	{ids: []string{"fasthttp-e2f8a25"}, source: "fasthttp", what: "CR/LF through header and first-line setters (also 3eab931, 00410e7, 19b39dd)"},
	{ids: []string{"fasthttp-534461a"}, source: "fasthttp", what: "CR/LF in the proxy CONNECT target"},
	{ids: []string{"fasthttp-c497746"}, source: "fasthttp", what: "whitespace before ';' in a chunk line (we accept BWS there, RFC 9112 §7.1.1; deviations F6)"},
	{ids: []string{"fasthttp-0b4cede"}, source: "fasthttp", what: "response Transfer-Encoding other than a single chunked"},
	{ids: []string{"fasthttp-ad93216"}, source: "fasthttp", what: "duplicate Content-Length in responses"},
	{ids: []string{"fasthttp-c3791f8"}, source: "fasthttp", what: "Content-Length that wraps around on overflow"},
	{ids: []string{"CVE-2021-32714"}, source: "hyper", what: "chunk-size integer overflow"},
	{ids: []string{"CVE-2021-32715"}, source: "hyper", what: "Content-Length: +3 accepted"},
	{ids: []string{"CVE-2023-30589"}, source: "llhttp", what: "bare CR taken as a header line end"},
	{ids: []string{"CVE-2024-27982"}, source: "llhttp", what: "space before the Content-Length colon"},
	{ids: []string{"CVE-2024-22019"}, source: "Node.js", what: "unbounded chunk-extension reading"},
	{ids: []string{"CVE-2022-31150"}, source: "undici", what: "CR/LF injection through header values"},
	{ids: []string{"CVE-2022-35948"}, source: "undici", what: "CR/LF injection through content-type and names"},
	{ids: []string{"CVE-2023-23936"}, source: "undici", what: "CR/LF injection through Host"},
	{ids: []string{"GHSA-gfw2-4jvh-wgfg"}, source: "aiohttp", what: "int() framing, NUL/CR/LF in values, whitespace before colon"},
	{ids: []string{"CVE-2024-52304"}, source: "aiohttp", what: "LF in chunk extensions"},
	{ids: []string{"CVE-2025-53643"}, source: "aiohttp", what: "trailer section not parsed (smuggling)"},
	{ids: []string{"CVE-2026-34520"}, source: "aiohttp", what: "NUL and CTL accepted in response headers"},
	{ids: []string{"CVE-2025-55315"}, source: "Kestrel", what: "LF inside a chunk extension"},
	{ids: []string{"CVE-2026-33870"}, source: "netty", what: "chunk-extension parsing"},
	{ids: []string{"Twisted-10130"}, source: "Twisted #10130", what: "negative chunk size through int()"},
}

// ruleRow is one rule of security.md §2 (RFC 9112 / RFC 9110 for a client
// reading responses) or of §5 goals 14 and 15 (what a client writes).
type ruleRow struct {
	id, section, behaviour string
}

var ruleRows = []ruleRow{
	{"te-cl", "RFC 9112 §6.3 item 3", "Transfer-Encoding with Content-Length: ErrInvalidFraming; with AllowTransferEncodingWithContentLength the Transfer-Encoding is processed and the connection closes"},
	{"cl-differing", "RFC 9112 §6.3 item 5", "differing Content-Length values: ErrInvalidContentLength, also on bodiless responses"},
	{"cl-same", "RFC 9112 §6.3 item 5, RFC 9110 §8.6", "equal values, in a list or in several fields, are one value; empty list elements are an error"},
	{"cl-grammar", "RFC 9110 §8.6", "1*DIGIT only (no sign, 0x, _, inner space), overflow checked"},
	{"te-unknown", "RFC 9112 §6.1, §6.3 item 4, §7", "a single chunked only: other codings ErrUnknownTransferEncoding, chunked not last ErrInvalidFraming; only OWS trimmed"},
	{"te-chunked-twice", "RFC 9112 §6.1", "chunked applied twice: ErrInvalidFraming"},
	{"te-http10", "RFC 9112 §6.1", "Transfer-Encoding in an HTTP/1.0 response is faulty framing"},
	{"obs-fold", "RFC 9112 §5.2", "obs-fold replaced by one SP before the value is interpreted; RejectObsFold refuses it"},
	{"ws-first-field", "RFC 9112 §2.2", "whitespace before the first field line: HeaderError"},
	{"bare-lf-head", "RFC 9112 §2.2", "a bare LF ends a line of the head (not of chunked framing)"},
	{"bare-cr", "RFC 9112 §2.2", "a bare CR is an error everywhere"},
	{"ws-before-colon", "RFC 9112 §5.1", "whitespace between name and colon: HeaderError"},
	{"ctl-in-fields", "RFC 9110 §5.5, §5.6.2", "names are tokens; values hold no CTL but HTAB and no DEL (obs-text allowed); OWS trimmed"},
	{"header-limits", "RFC 9110 §5.4, §17.5", "line, field count, header bytes, interim count and trailer count bounded; limit and limit+1 tested"},
	{"chunk-size", "RFC 9112 §7.1", "1 to 16 HEXDIG, at most 2^63-1"},
	{"chunk-bare-lf-cr", "RFC 9112 §7.1, erratum 7633", "bare LF or CR in any chunk line, after data or in trailers: ErrInvalidChunk"},
	{"chunk-data-crlf", "RFC 9112 §7.1", "exactly CRLF after chunk data"},
	{"chunk-ext-size", "RFC 9112 §7.1.1", "extensions follow the grammar, bounded by MaxChunkExtension and the MaxChunkOverhead budget"},
	{"trailers", "RFC 9112 §7.1.2, RFC 9110 §6.5", "trailers validated like fields, bounded, kept in Response.Trailer and never merged"},
	{"incomplete", "RFC 9112 §8", "a cut head or body is a typed error and the connection is not reused"},
	{"no-body", "RFC 9112 §6.3 item 1", "HEAD, 1xx, 204 and 304 end at the blank line; bytes after it are not the next response"},
	{"interim-1xx", "RFC 9110 §15.2", "every 1xx but 101 is skipped, at most MaxInterim; their heads are bounded like any head"},
	{"unsolicited-101", "RFC 9110 §7.8, §15.2.2", "a 101 is returned without a body and the connection closes (C11)"},
	{"unsolicited-data", "RFC 9112 §11.1", "bytes no request asked for are never taken for a later response; the connection closes"},
	{"connect-2xx", "RFC 9110 §9.3.6, RFC 9112 §6.3 item 2", "a 2xx to CONNECT opens the tunnel, CL and TE ignored; the reply head has the usual limits; headers stay on their side"},
	{"status-line", "RFC 9112 §4, §2.3; RFC 9110 §2.5, §15", "HTTP-version SP 3DIGIT [SP reason], HTTP/1.x only, code 100-999"},
	{"req-method", "RFC 9110 §9.1", "the method is a token"},
	{"req-target", "RFC 9112 §3.2", "the target is visible ASCII without SP; percent-encoding is sent as is"},
	{"req-host", "RFC 9110 §7.2, RFC 3986 §3.2", "the host has no CTL or SP, a valid port, and the same value is dialled and sent in Host"},
	{"req-field", "RFC 9110 §5.1, §5.5", "field names are tokens, values hold no CR, LF, NUL or other CTL but HTAB"},
	{"req-tunnel", "RFC 9110 §9.3.6", "the tunnel host, port and CONNECT fields are validated when set"},
	{"req-body", "-", "only nil, string, []byte, io.Reader and iter.Seq[[]byte] bodies; anything else fails before a byte is written"},
}

// coverage maps each CVE id and rule id to the cases naming it: catalogue
// files by name, bounded tests by their test path.
type coverage struct {
	cves  map[string][]string
	rules map[string][]string
}

func collectCoverage(t *testing.T) coverage {
	t.Helper()
	cov := coverage{cves: map[string][]string{}, rules: map[string][]string{}}
	seen := map[string]string{}
	for _, dir := range []string{responseDir, callerDir} {
		for _, cf := range loadCatalogue(t, dir) {
			if prev, ok := seen[cf.name]; ok {
				t.Errorf("case name %q is used in %s and %s", cf.name, prev, dir)
			}
			seen[cf.name] = dir
			for _, id := range cf.list("cve") {
				cov.cves[id] = append(cov.cves[id], cf.name)
			}
			for _, id := range cf.list("rule") {
				cov.rules[id] = append(cov.rules[id], cf.name)
			}
		}
	}
	for _, tc := range declaredLengthCases {
		for _, id := range tc.cve {
			cov.cves[id] = append(cov.cves[id], "TestBoundedDeclaredLength/"+tc.name)
		}
	}
	for _, tc := range endlessCases {
		for _, id := range tc.cve {
			cov.cves[id] = append(cov.cves[id], "TestBoundedEndless/"+tc.name)
		}
	}
	return cov
}

// TestCoverageTables checks that every CVE of security.md §1 that applies
// to an HTTP/1.1 client and every rule of §2 has at least one case, that
// cases name only known ids, and that the tables in docs/security.md are
// the ones the catalogue gives (rewrite them with -update-security-doc).
func TestCoverageTables(t *testing.T) {
	cov := collectCoverage(t)
	known := map[string]bool{}
	for _, r := range cveRows {
		for _, id := range r.ids {
			if known[id] {
				t.Errorf("CVE table: %s listed twice", id)
			}
			known[id] = true
			switch n := len(cov.cves[id]); {
			case r.na == "" && n == 0:
				t.Errorf("CVE table: %s applies to this client but no case covers it", id)
			case r.na != "" && n > 0:
				t.Errorf("CVE table: %s is marked not applicable but cases %v cover it", id, cov.cves[id])
			}
		}
	}
	for id, cases := range cov.cves {
		if !known[id] {
			t.Errorf("cases %v name %s, which is not in cveRows", cases, id)
		}
	}
	knownRule := map[string]bool{}
	for _, r := range ruleRows {
		knownRule[r.id] = true
		if len(cov.rules[r.id]) == 0 {
			t.Errorf("rule %s (%s) has no case", r.id, r.section)
		}
	}
	for id, cases := range cov.rules {
		if !knownRule[id] {
			t.Errorf("cases %v name rule %s, which is not in ruleRows", cases, id)
		}
	}

	doc, err := os.ReadFile(securityDoc)
	if err != nil {
		t.Fatal(err)
	}
	got := string(doc)
	want := got
	for _, tbl := range []struct{ marker, body string }{
		{"cve-table", cveTable(cov)},
		{"rule-table", ruleTable(cov)},
	} {
		var ok bool
		want, ok = replaceMarked(want, tbl.marker, tbl.body)
		if !ok {
			t.Fatalf("%s has no <!-- hostile:%s:begin --> ... end marker pair", securityDoc, tbl.marker)
		}
	}
	if got == want {
		return
	}
	if *updateSecurityDoc {
		if err := os.WriteFile(securityDoc, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("rewrote the tables of %s", securityDoc)
		return
	}
	t.Errorf("the tables of %s are out of date; run go test ./hostile -run TestCoverageTables -update-security-doc\n%s",
		securityDoc, cmp.Diff(got, want))
}

// replaceMarked replaces the text between the begin and end markers.
func replaceMarked(doc, marker, body string) (string, bool) {
	begin := "<!-- hostile:" + marker + ":begin -->\n"
	end := "<!-- hostile:" + marker + ":end -->"
	i := strings.Index(doc, begin)
	j := strings.Index(doc, end)
	if i < 0 || j < i {
		return doc, false
	}
	return doc[:i+len(begin)] + body + doc[j:], true
}

func caseList(names []string) string {
	names = slices.Clone(names)
	sort.Strings(names)
	names = slices.Compact(names)
	var b strings.Builder
	for i, n := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("`" + n + "`")
	}
	return b.String()
}

func cveTable(cov coverage) string {
	var b strings.Builder
	b.WriteString("| ID | Source | Hostile input | Covered by |\n|---|---|---|---|\n")
	for _, r := range cveRows {
		var cases []string
		for _, id := range r.ids {
			cases = append(cases, cov.cves[id]...)
		}
		covered := caseList(cases)
		if r.na != "" {
			covered = "not applicable: " + r.na
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", strings.Join(r.ids, ", "), r.source, r.what, covered)
	}
	return b.String()
}

func ruleTable(cov coverage) string {
	var b strings.Builder
	b.WriteString("| Rule | Section | Behaviour | Cases |\n|---|---|---|---|\n")
	for _, r := range ruleRows {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", r.id, r.section, r.behaviour, caseList(cov.rules[r.id]))
	}
	return b.String()
}
