// Package hostile holds the adversarial test suites of this module; it has
// no code of its own. Everything here runs the real client (package
// client over package wire) against bytes chosen by an attacker, through
// in-memory connections, and checks that the client fails safely: with a
// typed error from package errors, never a panic, never with memory that
// follows a number the peer chose, and never handing bytes that belong to
// one exchange to the next.
//
// It owns the hostile catalogue and the tests that replay it. It must not
// hold library code: the package exists for its _test.go files and their
// testdata.
//
// # The catalogue
//
// testdata/responses holds one file per hostile server response and
// testdata/callers one file per hostile caller input (a method, target,
// host, port, header, tunnel setting or body type handed to the client's
// API). A file is a header of "# key: value" lines followed, for
// responses, by "--- response" sections with the raw bytes, escaped so
// that the files are readable and exact: \r, \n, \t, \0, \xHH, \\ and
// the macro %repeat[N x text]%. Line breaks in a section are not data;
// every byte on the wire is written out. The format is described in
// catalogue_test.go.
//
// Each case states its expected outcome: the error (matched with
// errors.Is against the sentinels of package errors, and optionally
// errors.As against a typed error) or the exact result (status, reason,
// header fields, body bytes, trailer fields), and whether the connection
// may carry the next request, checked by counting dials on a follow-up
// request. Each case names the CVEs and RFC 9112 rules it covers;
// docs/security.md lists them and a test keeps that table in step with
// the files.
//
// # Bounded resources
//
// bounded_test.go serves endless or enormous inputs through counting
// connections and checks that reading stops at the configured limit plus
// one read buffer, that heap growth stays small (runtime.ReadMemStats),
// and that a server dripping bytes does not outlive a deadline (under
// testing/synctest, so that no check depends on the wall clock).
//
// # Known bugs
//
// A case whose header carries "# expect-bug: ..." documents a defect that
// is not fixed yet: the test skips it with "BUG: ..." while the defect
// reproduces, and fails once it no longer does, so that the marker is
// removed together with the fix.
//
// References:
//   - [RFC 9110]: HTTP Semantics
//   - [RFC 9112]: HTTP/1.1
//   - docs/security.md: limits, defaults and the CVE table
//
// [RFC 9110]: https://www.rfc-editor.org/rfc/rfc9110
// [RFC 9112]: https://www.rfc-editor.org/rfc/rfc9112
package hostile
