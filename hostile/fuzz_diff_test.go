package hostile

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/message"
	"github.com/httpstack/httpstack/wire"
)

// wireResult is what package wire makes of one response read from a
// byte string, the way a client reads a connection.
type wireResult struct {
	err      error
	status   int
	version  wire.Version
	reason   string
	header   message.Header
	framing  wire.Framing
	body     []byte
	trailer  message.Header
	consumed int // bytes of the input the response took, when err == nil
}

// wireRead decodes one response to method from raw with the wire codecs
// only: status line, header block, framing, body. With skip1xx it skips
// interim responses other than 101, bounded as the client bounds them;
// without it an interim response is the result (as http.ReadResponse
// returns it).
func wireRead(raw []byte, method string, lim *wire.Limits, skip1xx bool) wireResult {
	var r wireResult
	src := bytes.NewReader(raw)
	br := bufio.NewReaderSize(src, 16<<10)
	maxInterim := lim.Resolved().MaxInterim
	for interim := 0; ; interim++ {
		sl, err := wire.ReadStatusLine(br, lim)
		if err != nil {
			r.err = err
			return r
		}
		r.status, r.version, r.reason = sl.Code, sl.Version, string(sl.Reason)
		final := sl.Code >= 200 || sl.Code == 101 || !skip1xx
		if !final && interim >= maxInterim {
			r.err = errors.ErrTooManyInterim
			return r
		}
		var hb message.HeaderBuilder
		err = wire.ReadHeaderBlock(br, lim, false, func(name, value []byte) error {
			hb.Add(name, value)
			return nil
		})
		if err != nil {
			r.err = err
			return r
		}
		r.header = hb.Build()
		if final {
			break
		}
	}
	r.framing, r.err = wire.BodyFraming(method, r.status, r.header.Values("Transfer-Encoding"), r.header.Values("Content-Length"), lim)
	if r.err != nil {
		return r
	}
	switch r.framing.Kind {
	case wire.FrameNone:
	case wire.FrameTunnel, wire.FrameUntilClose:
		r.body, r.err = io.ReadAll(br)
	case wire.FrameLength:
		r.body, r.err = io.ReadAll(io.LimitReader(br, r.framing.Length))
		if r.err == nil && int64(len(r.body)) < r.framing.Length {
			r.err = io.ErrUnexpectedEOF
		}
	case wire.FrameChunked:
		cr := wire.NewChunkedReader(br, lim)
		r.body, r.err = io.ReadAll(cr)
		if t := cr.Trailer(); len(t) > 0 {
			r.trailer = message.Header(t)
		}
		if len(cr.Leftover()) > 0 {
			// The reader took bytes past the body out of br: the
			// consumed count below would be wrong.
			r.consumed = -1
			return r
		}
	}
	if r.err == nil {
		r.consumed = len(raw) - src.Len() - br.Buffered()
	}
	return r
}

// goResult is what net/http makes of the same bytes.
type goResult struct {
	err    error
	status int
	body   []byte
}

func goRead(raw []byte, method string) goResult {
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), &http.Request{Method: method})
	if err != nil {
		return goResult{err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return goResult{err: err, status: resp.StatusCode, body: body}
}

// headLines splits the response head (up to the first empty line, or all
// of raw) into lines without their terminators; the status line is first.
func headLines(raw []byte) []string {
	var lines []string
	for len(raw) > 0 {
		i := bytes.IndexByte(raw, '\n')
		if i < 0 {
			lines = append(lines, string(raw))
			break
		}
		line := strings.TrimSuffix(string(raw[:i]), "\r")
		raw = raw[i+1:]
		if line == "" && len(lines) > 0 {
			break
		}
		lines = append(lines, line)
	}
	return lines
}

// fieldValues returns the values of the head's field lines named name
// (ASCII case-insensitive, the name as sent, not trimmed).
func fieldValues(lines []string, name string) []string {
	var vals []string
	for _, l := range lines[min(1, len(lines)):] {
		if n, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(n, name) {
			vals = append(vals, strings.Trim(v, " \t"))
		}
	}
	return vals
}

// bodiless reports whether the response has no body by RFC 9112 §6.3
// item 1, going by the status line as sent.
func bodiless(method string, lines []string) bool {
	if method == "HEAD" {
		return true
	}
	_, rest, _ := strings.Cut(lines[0], " ")
	code := rest[:min(3, len(rest))]
	return strings.HasPrefix(code, "1") || code == "204" || code == "304"
}

// anyLine reports whether a line of raw (CR dropped) satisfies match.
func anyLine(raw []byte, match func(string) bool) bool {
	for _, l := range strings.Split(string(raw), "\n") {
		if match(strings.TrimSuffix(l, "\r")) {
			return true
		}
	}
	return false
}

// isSpacedFieldName matches a field line whose name holds a SP ("A B: c",
// "Content-Length : 2"); a continuation line (leading whitespace) does
// not count.
func isSpacedFieldName(l string) bool {
	name, _, ok := strings.Cut(l, ":")
	return ok && name != "" && name[0] != ' ' && name[0] != '\t' && strings.Contains(name, " ")
}

// hasEmptyListElement reports whether a comma-separated value holds an
// empty element (", chunked", "chunked,,").
func hasEmptyListElement(values []string) bool {
	for _, v := range values {
		if !strings.Contains(v, ",") {
			continue
		}
		for _, e := range strings.Split(v, ",") {
			if strings.Trim(e, " \t") == "" {
				return true
			}
		}
	}
	return false
}

func slicesContain(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// chunkLineMatches reports whether a line after the head of raw (CR
// dropped) satisfies match. It looks at every such line, data included,
// which is good enough to recognise a hostile chunk-size line.
func chunkLineMatches(raw []byte, match func(string) bool) bool {
	i := bytes.Index(raw, []byte("\n\r\n"))
	if j := bytes.Index(raw, []byte("\n\n")); j >= 0 && (i < 0 || j < i) {
		i = j
	}
	if i < 0 {
		return false
	}
	for _, l := range strings.Split(string(raw[i+1:]), "\n") {
		if match(strings.TrimSuffix(l, "\r")) {
			return true
		}
	}
	return false
}

// hexPrefix returns the length of the run of hex digits at the start of s.
func hexPrefix(s string) int {
	n := 0
	for n < len(s) && strings.IndexByte("0123456789abcdefABCDEF", s[n]) >= 0 {
		n++
	}
	return n
}

// isSizeThenWS matches "1a  ": a chunk size followed by whitespace only.
func isSizeThenWS(l string) bool {
	n := hexPrefix(l)
	return n > 0 && n < len(l) && strings.Trim(l[n:], " \t") == ""
}

// isSizeWSSemicolon matches "1a \t;ext": whitespace between size and ';'.
func isSizeWSSemicolon(l string) bool {
	n := hexPrefix(l)
	rest := strings.TrimLeft(l[n:], " \t")
	return n > 0 && len(rest) < len(l)-n && strings.HasPrefix(rest, ";")
}

// isBadExtLine matches a chunk-size line whose extensions break
// RFC 9112 §7.1.1:
//
//	chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
//	chunk-ext-val = token / quoted-string
func isBadExtLine(l string) bool {
	n := hexPrefix(l)
	if n == 0 || !strings.ContainsRune(l[n:], ';') {
		return false
	}
	s := l[n:]
	ws := func() bool {
		t := strings.TrimLeft(s, " \t")
		skipped := len(t) < len(s)
		s = t
		return skipped
	}
	token := func() bool {
		k := 0
		for k < len(s) && wire.IsTokenByte(s[k]) {
			k++
		}
		s = s[k:]
		return k > 0
	}
	for {
		// BWS is allowed only before ';' and '=': whitespace at the end
		// of the line is not in the grammar.
		if ws() && s == "" {
			return true
		}
		if s == "" {
			return false
		}
		if s[0] != ';' {
			return true
		}
		s = s[1:]
		ws()
		if !token() {
			return true
		}
		save := s
		if ws() && s == "" {
			return true
		}
		if s == "" || s[0] != '=' {
			s = save
			continue
		}
		s = s[1:]
		ws()
		if s != "" && s[0] == '"' {
			k := 1
			for ; k < len(s) && s[k] != '"'; k++ {
				if c := s[k]; c == '\\' {
					k++
				} else if c < ' ' && c != '\t' || c == 0x7f {
					return true
				}
			}
			if k >= len(s) {
				return true
			}
			s = s[k+1:]
		} else if !token() {
			return true
		}
	}
}

// bareLFAfterHead reports whether the bytes after the head hold a LF
// without a CR before it.
func bareLFAfterHead(raw []byte) bool {
	i := bytes.Index(raw, []byte("\n\r\n"))
	if j := bytes.Index(raw, []byte("\n\n")); j >= 0 && (i < 0 || j < i) {
		i = j
	}
	if i < 0 {
		return false
	}
	body := raw[i+1:]
	for k, c := range body {
		if c == '\n' && (k == 0 || body[k-1] != '\r') {
			return true
		}
	}
	return false
}

func hasCTL(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' && c != '\t' || c == 0x7f {
			return true
		}
	}
	return false
}

// diffCase is one input on which our codecs and net/http disagree.
type diffCase struct {
	raw         []byte
	method      string
	lines       []string // head lines, status line first
	ours        wireResult
	gr          goResult
	oursRejects bool // we fail, Go accepts
	goRejects   bool // Go fails, we accept
}

func (d *diffCase) has(name string) bool { return len(fieldValues(d.lines, name)) > 0 }

func (d *diffCase) oursIs(target error) bool { return d.oursRejects && errors.Is(d.ours.err, target) }

// diffRule is one known, deliberate difference between our codecs and
// net/http: the side that is stricter and why. Keep the list short: a new
// rule needs a justification from RFC 9110/9112 or docs/deviations.md,
// and an example that TestKnownDiffRules checks still differs.
type diffRule struct {
	reason  string
	example string // a GET response on which the rule fires
	match   func(d *diffCase) bool
}

const chunkedHead = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"

var diffRules = []diffRule{
	{"HTTP/1.0 with Transfer-Encoding: Go ignores TE (go.dev/issue/12785); we apply it as CPython does",
		"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
		func(d *diffCase) bool {
			return strings.HasPrefix(d.lines[0], "HTTP/1.0 ") && d.has("Transfer-Encoding")
		}},
	{"Transfer-Encoding with Content-Length: RFC 9112 §6.3 item 3 'ought to be handled as an error'; Go uses TE",
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
		func(d *diffCase) bool {
			return d.oursIs(errors.ErrInvalidFraming) && d.has("Transfer-Encoding") && d.has("Content-Length")
		}},
	{"several Content-Length values with the same decimal value (a list, leading zeros): RFC 9112 §6.3 item 5 and RFC 9110 §8.6 allow one value; Go compares the text and refuses lists",
		"HTTP/1.1 200 OK\r\nContent-Length: 2, 02\r\n\r\nhi",
		func(d *diffCase) bool {
			cl := fieldValues(d.lines, "Content-Length")
			return d.goRejects && (len(cl) > 1 || slicesContain(cl, ","))
		}},
	{"SP in a field name or before the colon: RFC 9112 §5.1 forbids it; Go keeps such fields (unused for framing)",
		"HTTP/1.1 200 OK\r\nContent-Length : 2\r\n\r\nhi",
		func(d *diffCase) bool { return d.oursIs(errors.ErrInvalidHeader) && anyLine(d.raw, isSpacedFieldName) }},
	{"more fields than our limits (100 per block, Python parity, reference §5 goal 5); ReadResponse has no count limit",
		"HTTP/1.1 200 OK\r\n" + strings.Repeat("X: y\r\n", 101) + "Content-Length: 0\r\n\r\n",
		func(d *diffCase) bool { return d.oursIs(errors.ErrTooManyHeaders) }},
	{"empty elements in a Transfer-Encoding list: RFC 9110 §5.6.1 says recipients MUST accept them; Go refuses",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: , chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
		func(d *diffCase) bool {
			return d.goRejects && hasEmptyListElement(fieldValues(d.lines, "Transfer-Encoding"))
		}},
	{"Transfer-Encoding on a bodiless response: RFC 9112 §6.3 item 1 ends it at the head; Go validates TE first",
		"HTTP/1.1 204 No Content\r\nTransfer-Encoding: gzip\r\n\r\n",
		func(d *diffCase) bool {
			return d.goRejects && bodiless(d.method, d.lines) && d.has("Transfer-Encoding")
		}},
	{"whitespace after a chunk size without ';': not in RFC 9112 §7.1 grammar; Go trims it",
		chunkedHead + "2 \r\nhi\r\n0\r\n\r\n",
		func(d *diffCase) bool {
			return d.oursIs(errors.ErrInvalidChunk) && chunkLineMatches(d.raw, isSizeThenWS)
		}},
	{"malformed chunk extension: RFC 9112 §7.1.1 grammar; Go skips extensions unparsed",
		chunkedHead + "2;=x\r\nhi\r\n0\r\n\r\n",
		func(d *diffCase) bool {
			return d.oursIs(errors.ErrInvalidChunk) && chunkLineMatches(d.raw, isBadExtLine)
		}},
	{"BWS before ';' in a chunk line: RFC 9112 §7.1.1 allows it; Go refuses it",
		chunkedHead + "2 ;a=b\r\nhi\r\n0\r\n\r\n",
		func(d *diffCase) bool { return d.goRejects && chunkLineMatches(d.raw, isSizeWSSemicolon) }},
	{"bare LF in the trailer section: chunked framing requires CRLF (erratum 7633, CVE-2025-22871); Go reads trailers with textproto",
		chunkedHead + "2\r\nhi\r\n0\r\nA: 1\n\r\n\r\n",
		func(d *diffCase) bool { return d.oursIs(errors.ErrInvalidChunk) && bareLFAfterHead(d.raw) }},
	{"status code below 100: RFC 9110 §15 codes are 1xx-5xx (ours: 100..999); Go accepts 000..099",
		"HTTP/1.1 099 Low\r\nContent-Length: 0\r\n\r\n",
		func(d *diffCase) bool { return d.oursIs(errors.ErrBadStatusLine) && d.gr.status < 100 }},
	{"CTL (NUL, bare CR, ...) in the status line: RFC 9112 §2.2/§4 reason-phrase excludes CTLs; Go keeps them",
		"HTTP/1.1 200 O\x00K\r\nContent-Length: 0\r\n\r\n",
		func(d *diffCase) bool { return d.oursIs(errors.ErrBadStatusLine) && hasCTL(d.lines[0]) }},
	{"more than one SP in the status line: RFC 9112 §4 grammar has exactly one; Go trims them",
		"HTTP/1.1  200 OK\r\nContent-Length: 0\r\n\r\n",
		func(d *diffCase) bool { return d.oursIs(errors.ErrBadStatusLine) && strings.Contains(d.lines[0], "  ") }},
	{"HTTP version other than 1.x: we speak HTTP/1.x only (Python UnknownProtocol); Go accepts any HTTP/d.d",
		"HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n",
		func(d *diffCase) bool { return d.oursIs(errors.ErrUnknownProtocol) }},
}

// knownDiff returns the rule that explains why ours and Go's results on
// raw differ, or nil when the difference is not a known, deliberate one.
func knownDiff(raw []byte, method string, ours wireResult, gr goResult) *diffRule {
	d := &diffCase{
		raw: raw, method: method, lines: headLines(raw), ours: ours, gr: gr,
		oursRejects: ours.err != nil && gr.err == nil,
		goRejects:   gr.err != nil && ours.err == nil,
	}
	if len(d.lines) == 0 {
		return nil
	}
	for i := range diffRules {
		if diffRules[i].match(d) {
			return &diffRules[i]
		}
	}
	return nil
}

// TestKnownDiffRules checks that every rule's example still differs and
// is explained by that rule, so that a rule made obsolete by a change on
// either side is noticed and removed.
func TestKnownDiffRules(t *testing.T) {
	if len(diffRules) > 25 {
		t.Errorf("%d known differences with net/http; the goal is at most 25 (reference §5 goal 10)", len(diffRules))
	}
	for i, r := range diffRules {
		raw := []byte(r.example)
		ours, gr := wireRead(raw, "GET", nil, false), goRead(raw, "GET")
		if (ours.err == nil) == (gr.err == nil) && ours.status == gr.status && bytes.Equal(ours.body, gr.body) {
			t.Errorf("rule %d (%s): the example %q no longer differs: remove the rule", i, r.reason, raw)
			continue
		}
		if got := knownDiff(raw, "GET", ours, gr); got != &diffRules[i] {
			t.Errorf("rule %d (%s): the example %q is explained by %v", i, r.reason, raw, got)
		}
	}
}

// FuzzFramingDiff feeds the same bytes to our codecs (wireRead, one
// response, interim responses not skipped) and to net/http.ReadResponse,
// for GET and HEAD, and fails on any disagreement about the outcome
// (accept or reject), the status code or the body that knownDiff does not
// explain.
func FuzzFramingDiff(f *testing.F) {
	for _, s := range responseSeeds(f) {
		f.Add(s, false)
	}
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"), true)
	f.Fuzz(func(t *testing.T, raw []byte, head bool) {
		method := "GET"
		if head {
			method = "HEAD"
		}
		defer watchdog("FuzzFramingDiff", raw, 10*time.Second)()
		ours := wireRead(raw, method, nil, false)
		gr := goRead(raw, method)
		var what string
		switch {
		case (ours.err == nil) != (gr.err == nil):
			what = "outcome"
		case ours.err != nil:
			return
		case ours.status != gr.status:
			what = "status"
		case !bytes.Equal(ours.body, gr.body):
			what = "body"
		default:
			return
		}
		if knownDiff(raw, method, ours, gr) != nil {
			return
		}
		t.Fatalf("%s %q: %s differs:\n\tours: err=%v status=%d framing=%v body=%q\n\tgo:   err=%v status=%d body=%q",
			method, raw, what, ours.err, ours.status, ours.framing, ours.body, gr.err, gr.status, gr.body)
	})
}

// watchdog crashes the fuzz worker if one exec runs longer than limit,
// so that a hang (which the fuzzing engine does not detect) becomes a
// crasher input. Call the returned stop func when the exec ends.
func watchdog(what string, input []byte, limit time.Duration) (stop func() bool) {
	tm := time.AfterFunc(limit, func() {
		panic(fmt.Sprintf("hang: %s did not finish in %v on %d-byte input %q", what, limit, len(input), input[:min(len(input), 512)]))
	})
	return tm.Stop
}
