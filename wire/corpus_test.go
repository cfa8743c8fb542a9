package wire

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/httpstack/httpstack/errors"
)

// respCorpusCase is one case of responses.json (see the corpus README).
type respCorpusCase struct {
	ID            string         `json:"id"`
	Raw           []byte         `json:"raw_base64"`
	RequestMethod string         `json:"request_method"`
	PeerMode      string         `json:"peer_mode"`
	HeadOnly      bool           `json:"head_only"`
	StrictOnly    bool           `json:"strict_only"`
	LenientOnly   bool           `json:"lenient_only"`
	PeerLenient   bool           `json:"peer_lenient"`
	ValueOWS      string         `json:"value_ows"`
	Notes         string         `json:"notes"`
	Expect        respCorpusWant `json:"expect"`
}

// respCorpusWant is the expectation for one message.
type respCorpusWant struct {
	Outcome         string            `json:"outcome"`
	ErrorKind       string            `json:"error_kind"`
	ErrorIn         string            `json:"error_in"`
	Version         string            `json:"version"`
	Protocol        string            `json:"protocol"`
	Status          int               `json:"status"`
	Reason          *string           `json:"reason"`
	Headers         *[][2]string      `json:"headers"`
	HeaderLookup    map[string]string `json:"header_lookup"`
	Framing         string            `json:"framing"`
	Body            *[]byte           `json:"body_base64"`
	Trailers        *[][2]string      `json:"trailers"`
	Upgrade         bool              `json:"upgrade"`
	UpgradeData     *[]byte           `json:"upgrade_data_base64"`
	Responses       []respCorpusWant  `json:"responses"`
	AfterMessageErr json.RawMessage   `json:"after_messages_error"`
}

// respMessage is what our codecs made of one message.
type respMessage struct {
	errKind  string // "" on success
	err      error
	version  Version
	status   int
	reason   string
	headers  [][2]string
	framing  string
	body     []byte
	trailers [][2]string
	rest     []byte // bytes left after a 1xx/101 head (upgrade data)
}

// respDeviations lists the responses.json cases where our result differs
// from the peer's expectation, with the reason; the R numbers refer to
// docs/deviations.md ("Response parsing corpus"), which lists every case
// too. A listed case that starts to agree fails the test, so that the
// list stays true. No entry may accept bytes a peer rejects for a
// security reason (see respSecurityKinds): the test fails on those
// whatever this list says.
var respDeviations = map[string]string{
	// R1: no empty lines are skipped before a status line.
	"llhttp/response/connection/http-304-with-content-length": "R1: CRLF before the next status line",
	"llhttp/response/connection/http-100-first-then-400":      "R1: CRLF before the next status line",
	"llhttp/response/pipelining/should-parse-multiple-events": "R1: CRLF before the next status line",
	"llhttp/response/sample/response-starting-with-crlf":      "R1: CRLF before the status line",
	// R2: a bare CR never ends a line.
	"llhttp/response/invalid/bare-cr-after-response-line-lenient": "R2: bare CR as a line ending (llhttp lenient mode only)",
	// R3: bare LF ends a head line (RFC 9112 §2.2), as CPython, h11 and picohttpparser accept.
	"llhttp/response/invalid/only-lfs-present-and-no-body": "R3: bare LF line endings in the head accepted (llhttp strict mode rejects)",
	"llhttp/response/invalid/only-lfs-present":             "R3: bare LF line endings in the head accepted (llhttp strict mode rejects)",
	"llhttp/response/sample/no-carriage-ret":               "R3: bare LF line endings in the head accepted (llhttp strict mode rejects)",
	// R4: only HTTP/1.0 and HTTP/1.x.
	"llhttp/response/lenient-version/invalid-http-version-lenient": "R4: HTTP/5.6 (llhttp lenient mode only)",
	"llhttp/response/sample/http-version-0-9":                      "R4: HTTP/0.9",
	"http-parser/responses/11-http-version-0-9":                    "R4: HTTP/0.9",
	"go/TestReadResponseErrors/22-version-http-2-0":                "R4: HTTP/2.0",
	"llhttp/response/sample/rtsp-response":                         "R4: RTSP/1.1 is not HTTP",
	"llhttp/response/sample/ice-response":                          "R4: ICE/1.1 is not HTTP",
	// R5: exactly one SP between the parts of a status line.
	"picohttpparser/response/multiple-spaces-between-tokens":                 "R5: runs of SP in the status line",
	"go/respTests/22-issue-19989-two-spaces-between-http-version-and-status": "R5: two SP before the status code",
	// R6: status codes 100..999 only.
	"go/TestReadResponseErrors/11-status-000-ok": "R6: status 000",
	"go/TestReadResponseErrors/12-status-001-ok": "R6: status 001",
	// R7: field names are tokens, never empty.
	"http-parser/responses/19-field-space": "R7: space inside a field name (http-parser non-strict build only)",
	"cpython/malformed-headers-coped-with": "R7: empty field name (CPython drops the line)",
	// R8: the head must end with its empty line.
	"cpython/epipe-unterminated-head":    "R8: EOF before the empty line ending the header section",
	"cpython/early-eof-status-line-only": "R8: EOF before the status line's CRLF",
	// R9: framing (docs/deviations.md F1-F4, F6, F10, H8).
	"llhttp/response/transfer-encoding/chunked-before-other-transfer-encoding":                             "R9/F2: chunked not the final coding",
	"llhttp/response/transfer-encoding/multiple-transfer-encoding-where-chunked-is-not-the-last-one":       "R9/F2: chunked not the final coding",
	"http-parser/responses/29-http-200-response-with-chunked-being-not-last-transfer-encoding":             "R9/F2: chunked not the final coding",
	"llhttp/response/transfer-encoding/chunkedchunked-transfer-encoding-does-not-enable-chunked-enconding": "R9/F1: unknown transfer coding chunkedchunked",
	"llhttp/response/transfer-encoding/invalid-obs-fold-after-chunked-value":                               "R9/F1: obs-fold makes the coding \"chunked abc\" (llhttp lenient mode only)",
	"go/respTests/19-issue-12785-http-1-0-response-with-bogus-to-be-ignored-transfer-encodi":               "R9/F1, F4: unknown transfer coding in an HTTP/1.0 response",
	"go/respTests/20-issue-12785-http-1-0-response-with-bogus-to-be-ignored-transfer-encodi":               "R9/F3, F4: Transfer-Encoding with Content-Length in an HTTP/1.0 response",
	"go/respTests/06-chunked-response-with-content-length":                                                 "R9/F3: Transfer-Encoding with Content-Length",
	"http-parser/responses/04-200-trailing-space-on-chunked-body":                                          "R9/F6: SP after the chunk size",
	"cpython/chunked-missing-end":     "R9/F10: EOF after the last-chunk line, before the final CRLF",
	"cpython/negative-content-length": "R9/H8: Content-Length -1",
	// R10: a 101 response has no body; what follows its head is the new protocol.
	"http-parser/responses/24-http-101-response-with-upgrade-and-content-length-header":    "R10: body read before switching protocols (llhttp agrees with us)",
	"http-parser/responses/25-http-101-response-with-upgrade-and-transfer-encoding-header": "R10: body read before switching protocols (llhttp agrees with us)",
}

// respKindDeviations lists cases where we reject as the peer does, but
// for a reason in a different category (R11, R12).
var respKindDeviations = map[string]string{
	// R11: a line is diagnosed when it is complete; an unterminated
	// line at EOF is an incomplete head (only a status line whose first
	// bytes are not "HTTP/" is rejected early).
	"llhttp/response/invalid/invalid-space-after-start-line": "R11: unterminated first header line at EOF",
	"http-parser/invalid-header-field-token-at":              "R11: unterminated header line at EOF",
	"http-parser/invalid-header-field-token-ctl":             "R11: unterminated header line at EOF",
	"http-parser/invalid-header-value-ctl-1":                 "R11: unterminated header line at EOF",
	"http-parser/invalid-header-value-ctl-2":                 "R11: unterminated header line at EOF",
	"go/TestReadResponseErrors/02-http-1-1":                  "R11: unterminated status line at EOF",
	"go/TestReadResponseErrors/03-http-2-0":                  "R11: unterminated status line at EOF",
	"go/TestReadResponseErrors/00-empty":                     "R11: no byte at all is io.EOF (empty response), not an incomplete head",
	// R12: the first violated rule names the error.
	"cpython/overflowing-header-limit-after-100": "R12: the line \"r\" has no colon; CPython counts lines before parsing them",
	"cpython/overflowing-chunked-line":           "R12: 17 hex digits fail before the 65536-byte line limit",
}

// respSecurityKinds are the peer error kinds that guard against request
// smuggling and resource exhaustion; accepting such a case is a failure
// even when listed.
var respSecurityKinds = map[string]bool{
	"bare-cr": true, "invalid-header": true, "invalid-content-length": true,
	"transfer-encoding-conflict": true, "invalid-chunk": true, "incomplete-body": true,
	"line-too-long": true, "too-many-headers": true, "headers-too-large": true,
}

// latin1 turns a corpus string (one character per byte, ISO-8859-1) back
// into the wire bytes.
func latin1(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		b = append(b, byte(r))
	}
	return string(b)
}

// respErrKind maps our error to the corpus's error_kind vocabulary.
func respErrKind(err error, inHead bool) string {
	var bad *errors.BadStatusLineError
	var he *errors.HeaderError
	switch {
	case err == io.EOF:
		return "empty-response"
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, errors.ErrIncompleteRead):
		if inHead {
			return "incomplete-head"
		}
		return "incomplete-body"
	case errors.As(err, &bad):
		switch {
		case bad.Reason == "bare CR":
			return "bare-cr"
		case strings.Contains(bad.Reason, "status code"):
			return "bad-status-code"
		}
		return "bad-status-line"
	case errors.Is(err, errors.ErrUnknownProtocol):
		return "bad-version"
	case errors.As(err, &he):
		if he.Reason == "bare CR" {
			return "bare-cr"
		}
		return "invalid-header"
	case errors.Is(err, errors.ErrLineTooLong):
		return "line-too-long"
	case errors.Is(err, errors.ErrTooManyHeaders):
		if strings.Contains(err.Error(), "block larger") {
			return "headers-too-large"
		}
		return "too-many-headers"
	case errors.Is(err, errors.ErrInvalidContentLength):
		return "invalid-content-length"
	case errors.Is(err, errors.ErrInvalidFraming), errors.Is(err, errors.ErrUnknownTransferEncoding):
		return "transfer-encoding-conflict"
	case errors.Is(err, errors.ErrInvalidChunk):
		return "invalid-chunk"
	}
	return "other: " + err.Error()
}

// respKindsAgree reports whether our error kind answers the peer's. The
// peers' categories are coarse and overlap (README: compare outcome
// first); these are the equivalences that hold by construction.
func respKindsAgree(ours, peer string) bool {
	if ours == peer {
		return true
	}
	statusLine := []string{"bad-status-line", "bad-status-code", "bad-version"}
	if slices.Contains(statusLine, ours) && slices.Contains(statusLine, peer) {
		return true
	}
	switch peer {
	case "bare-lf", "bare-cr":
		// A stray CR or LF makes a malformed line, whichever line it is in.
		return ours == "bare-cr" || ours == "invalid-header" || ours == "invalid-chunk" ||
			slices.Contains(statusLine, ours)
	case "headers-too-large":
		return ours == "too-many-headers" || ours == "line-too-long"
	}
	return false
}

// readRespMessage reads one response from br as a client does: status
// line, header section, framing, body.
func readRespMessage(br *bufio.Reader, method string, headOnly bool) respMessage {
	var m respMessage
	fail := func(err error, inHead bool) respMessage {
		m.err = err
		m.errKind = respErrKind(err, inHead)
		return m
	}
	sl, err := ReadStatusLine(br, nil)
	if err != nil {
		return fail(err, true)
	}
	m.version, m.status, m.reason = sl.Version, sl.Code, string(sl.Reason)
	var te, cl []string
	err = ReadHeaderBlock(br, nil, false, func(name, value []byte) error {
		n, v := string(name), string(value)
		m.headers = append(m.headers, [2]string{n, v})
		switch {
		case strings.EqualFold(n, "Transfer-Encoding"):
			te = append(te, v)
		case strings.EqualFold(n, "Content-Length"):
			cl = append(cl, v)
		}
		return nil
	})
	if err != nil {
		return fail(err, true)
	}
	fr, err := BodyFraming(method, m.status, te, cl, nil)
	if err != nil {
		return fail(err, true)
	}
	if fr.Kind == FrameNone && len(cl) > 0 {
		// Client rule: Content-Length is checked even when the status or
		// the method means no body (BodyFraming step 1 does not look at
		// it), as Go's client does; conflicting lengths are a smuggling
		// signal whatever the status.
		if _, err := ParseContentLength(cl); err != nil {
			return fail(err, true)
		}
	}
	switch fr.Kind {
	case FrameNone:
		m.framing = "none"
		if m.status == 101 {
			m.framing = "upgrade"
		}
	case FrameChunked:
		m.framing = "chunked"
	case FrameUntilClose:
		m.framing = "eof"
	case FrameLength:
		m.framing = "content-length"
		if fr.Length == 0 {
			// llhttp logs a zero Content-Length as no body.
			m.framing = "content-length-0"
		}
	case FrameTunnel:
		m.framing = "upgrade"
	}
	if headOnly {
		return m
	}
	var body bytes.Buffer
	switch fr.Kind {
	case FrameChunked:
		cr := NewChunkedReader(br, nil)
		_, err = io.Copy(&body, cr)
		for _, f := range cr.Trailer() {
			m.trailers = append(m.trailers, [2]string{f.Name, f.Value})
		}
	case FrameUntilClose:
		_, err = io.Copy(&body, br)
	case FrameLength:
		var n int64
		n, err = io.CopyN(&body, br, fr.Length)
		if err == io.EOF && n < fr.Length {
			err = io.ErrUnexpectedEOF
		}
	}
	m.body = body.Bytes()
	if err != nil {
		return fail(err, false)
	}
	return m
}

// compare checks one message against its expectation and returns the
// differences.
func (m respMessage) compare(c *respCorpusCase, w *respCorpusWant) []string {
	var diffs []string
	if w.Outcome == "error" {
		if m.errKind == "" {
			return []string{fmt.Sprintf("accepted; peer rejects (%s)", w.ErrorKind)}
		}
		if !respKindsAgree(m.errKind, w.ErrorKind) {
			return []string{fmt.Sprintf("kind: we say %s (%v), peer %s", m.errKind, m.err, w.ErrorKind)}
		}
		return nil
	}
	if m.errKind != "" {
		return []string{fmt.Sprintf("rejected (%s: %v); peer accepts", m.errKind, m.err)}
	}
	if w.Protocol != "" {
		return []string{"peer accepts protocol " + w.Protocol}
	}
	if want := map[string]Version{"1.0": 10, "1.1": 11}[w.Version]; w.Version != "" && want != m.version {
		diffs = append(diffs, fmt.Sprintf("version %d, want %s", m.version, w.Version))
	}
	if w.Status != 0 && w.Status != m.status {
		diffs = append(diffs, fmt.Sprintf("status %d, want %d", m.status, w.Status))
	}
	if w.Reason != nil && strings.Trim(latin1(*w.Reason), " \t") != m.reason {
		diffs = append(diffs, fmt.Sprintf("reason %q, want %q", m.reason, latin1(*w.Reason)))
	}
	if w.Headers != nil {
		want := make([][2]string, len(*w.Headers))
		for i, h := range *w.Headers {
			want[i] = [2]string{latin1(h[0]), latin1(h[1])}
			if c.ValueOWS == "trailing-retained" {
				want[i][1] = strings.TrimRight(want[i][1], " \t")
			}
		}
		if !slices.Equal(want, m.headers) && !(len(want) == 0 && len(m.headers) == 0) {
			diffs = append(diffs, fmt.Sprintf("headers %q, want %q", m.headers, want))
		}
	}
	for name, v := range w.HeaderLookup {
		var vals []string
		for _, h := range m.headers {
			if strings.EqualFold(h[0], latin1(name)) {
				vals = append(vals, h[1])
			}
		}
		if got := strings.Join(vals, ", "); got != latin1(v) {
			diffs = append(diffs, fmt.Sprintf("lookup %s = %q, want %q", name, got, latin1(v)))
		}
	}
	if m.framing == "content-length-0" && (w.Framing == "none" || w.Framing == "content-length") {
		m.framing = w.Framing
	}
	if w.Framing != "" && w.Framing != m.framing {
		diffs = append(diffs, fmt.Sprintf("framing %s, want %s", m.framing, w.Framing))
	}
	if c.HeadOnly {
		return diffs
	}
	if w.Body != nil && !bytes.Equal(*w.Body, m.body) {
		diffs = append(diffs, fmt.Sprintf("body %q, want %q", trunc(m.body), trunc(*w.Body)))
	}
	if w.Trailers != nil && len(*w.Trailers) > 0 {
		want := make([][2]string, len(*w.Trailers))
		for i, h := range *w.Trailers {
			want[i] = [2]string{latin1(h[0]), latin1(h[1])}
		}
		if !slices.Equal(want, m.trailers) {
			diffs = append(diffs, fmt.Sprintf("trailers %q, want %q", m.trailers, want))
		}
	}
	if w.UpgradeData != nil && !bytes.Equal(*w.UpgradeData, m.rest) {
		diffs = append(diffs, fmt.Sprintf("upgrade data %q, want %q", m.rest, *w.UpgradeData))
	}
	return diffs
}

func trunc(b []byte) []byte {
	if len(b) > 40 {
		return append(b[:40:40], "..."...)
	}
	return b
}

// runRespCase reads every message the case expects and returns the
// differences, prefixed with the message number when there are several.
func runRespCase(c *respCorpusCase) (diffs []string, unsafe bool) {
	br := bufio.NewReader(bytes.NewReader(c.Raw))
	method := c.RequestMethod
	if method == "" {
		method = "GET"
	}
	wants := []respCorpusWant{c.Expect}
	skipInterim := true
	if len(c.Expect.Responses) > 0 {
		// Every message is compared, interim ones included.
		wants = c.Expect.Responses
		skipInterim = false
	}
	for i := range wants {
		w := &wants[i]
		m := readRespMessage(br, method, c.HeadOnly)
		// Client rule (docs/deviations.md C10): skip every 1xx but 101,
		// at most MaxInterim of them.
		for n := 0; skipInterim && m.errKind == "" && m.status < 200 && m.status != 101 && n < DefaultLimits.MaxInterim; n++ {
			m = readRespMessage(br, method, c.HeadOnly)
		}
		if m.errKind == "" && m.framing == "upgrade" {
			m.rest, _ = io.ReadAll(br)
		}
		d := m.compare(c, w)
		if m.errKind == "" && w.Outcome == "error" && respSecurityKinds[w.ErrorKind] {
			unsafe = true
		}
		for _, s := range d {
			if len(wants) > 1 {
				s = fmt.Sprintf("message %d: %s", i+1, s)
			}
			diffs = append(diffs, s)
		}
		if m.errKind != "" || len(d) > 0 {
			break
		}
	}
	return diffs, unsafe
}

// TestResponseCorpus runs responses.json through the status line, header
// block, framing and chunked codecs, reading each case as a client reads
// a connection, and compares with the peers' expectations. A deviation is
// allowed only when listed in respDeviations (and docs/deviations.md).
func TestResponseCorpus(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(corpusDir(t), "responses.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []respCorpusCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	var pass, deviated, kindDeviated int
	seen := map[string]bool{}
	for i := range cases {
		c := &cases[i]
		seen[c.ID] = true
		t.Run(c.ID, func(t *testing.T) {
			diffs, unsafe := runRespCase(c)
			reason, listed := respDeviations[c.ID]
			kindReason, kindListed := respKindDeviations[c.ID]
			onlyKind := len(diffs) == 1 && strings.HasPrefix(diffs[0], "kind:")
			switch {
			case unsafe:
				t.Errorf("accepts a response the peer rejects for a security reason (%s):\n\t%s", c.Expect.ErrorKind, strings.Join(diffs, "\n\t"))
			case len(diffs) == 0 && (listed || kindListed):
				t.Errorf("listed as a deviation (%s%s) but now agrees with the peer: remove it here and in docs/deviations.md", reason, kindReason)
			case len(diffs) == 0:
				pass++
			case onlyKind && kindListed:
				kindDeviated++
			case listed && !onlyKind:
				deviated++
			default:
				t.Errorf("differs from the peer (source mode %q, flags strict_only=%v lenient_only=%v peer_lenient=%v; notes %q):\n\t%s",
					c.PeerMode, c.StrictOnly, c.LenientOnly, c.PeerLenient, c.Notes, strings.Join(diffs, "\n\t"))
			}
		})
	}
	doc, err := os.ReadFile(filepath.Join("..", "docs", "deviations.md"))
	if err != nil {
		t.Fatal(err)
	}
	for id := range respDeviations {
		if !seen[id] {
			t.Errorf("deviation %q names no corpus case", id)
		}
		if !bytes.Contains(doc, []byte("`"+id+"`")) {
			t.Errorf("deviation %q is missing from docs/deviations.md", id)
		}
	}
	for id := range respKindDeviations {
		if !seen[id] {
			t.Errorf("kind deviation %q names no corpus case", id)
		}
		if !bytes.Contains(doc, []byte("`"+id+"`")) {
			t.Errorf("kind deviation %q is missing from docs/deviations.md", id)
		}
	}
	t.Logf("responses.json: %d cases: %d agree, %d listed deviations, %d listed error-kind deviations",
		len(cases), pass, deviated, kindDeviated)
}
