package main

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/httpstack/httpstack/testutil"
)

func TestMain(m *testing.M) { os.Exit(testutil.LeakCheck(m)) }

// result is what one run of httpc produced.
type result struct {
	code           int
	stdout, stderr string
}

// runHTTPC runs httpc with args and stdin.
func runHTTPC(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// okReply is the default answer of a rawServer.
const okReply = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello"

// rawServer is a loopback HTTP/1.1 peer that records every request's
// exact bytes and answers each with a reply of the test's choosing.
type rawServer struct {
	*testutil.Server
	mu   sync.Mutex
	reqs []string
}

// newRawServer starts a rawServer. reply returns the bytes to answer the
// n-th request (from 0) with, and whether to close the connection after.
func newRawServer(t *testing.T, reply func(n int, req *http.Request) (string, bool)) *rawServer {
	t.Helper()
	s := &rawServer{}
	if reply == nil {
		reply = func(int, *http.Request) (string, bool) { return okReply, false }
	}
	s.Server = testutil.NewServer(t, func(c net.Conn) { s.serve(c, reply) })
	return s
}

// serve answers requests on c until the client closes it.
func (s *rawServer) serve(c net.Conn, reply func(int, *http.Request) (string, bool)) {
	var raw bytes.Buffer
	br := bufio.NewReader(io.TeeReader(c, &raw))
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		if _, err := io.Copy(io.Discard, req.Body); err != nil {
			return
		}
		s.mu.Lock()
		n := len(s.reqs)
		s.reqs = append(s.reqs, raw.String())
		s.mu.Unlock()
		raw.Reset()
		answer, closeAfter := reply(n, req)
		if _, err := io.WriteString(c, answer); err != nil || closeAfter {
			return
		}
	}
}

// requests returns the raw bytes of the requests received so far.
func (s *rawServer) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.reqs...)
}
