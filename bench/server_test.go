package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The raw server answers every client with pre-built bytes chosen by the
// request path. It reads a request by scanning for the blank line and
// skipping a Content-Length body; it parses nothing else. Its goroutines
// carry the pprof label side=server so that a profile of a client
// benchmark can leave them out (go tool pprof -tagignore side=server).

// smallBody is the body of the small responses.
const smallBody = "Hello, World!"

// commonFields are the ten header fields of every response but the last
// framing field, which each response adds.
const commonFields = "Date: Mon, 23 May 2005 22:38:34 GMT\r\n" +
	"Server: rawserver/1.0\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"Cache-Control: no-cache, no-store, must-revalidate\r\n" +
	"X-Content-Type-Options: nosniff\r\n" +
	"X-Frame-Options: DENY\r\n" +
	"Vary: Accept-Encoding\r\n" +
	"X-Request-Id: 7f3c9a2e-5b1d-4e8f-9a6c-2d4b8e1f0a3c\r\n" +
	"Connection: keep-alive\r\n"

// chunkSize is the chunk size of the chunked responses.
const chunkSize = 16 << 10

// A scenario is one kind of request and the response the server gives it.
type scenario struct {
	name    string // benchmark name
	method  string
	path    string
	body    []byte // request body, nil for none
	resp    []byte // the whole response as the server writes it
	bodyLen int    // length of the decoded response body
	chunked bool   // the response body is chunked
}

// scenarios are the client benchmarks, in table order.
var scenarios = []*scenario{
	{name: "small", method: "GET", path: "/small", bodyLen: len(smallBody)},
	{name: "post1k", method: "POST", path: "/post", body: bytes.Repeat([]byte("p"), 1024), bodyLen: len(smallBody)},
	{name: "64k", method: "GET", path: "/64k", bodyLen: 64 << 10},
	{name: "chunked1m", method: "GET", path: "/chunked1m", bodyLen: 1 << 20, chunked: true},
}

// streamSize is the body size of /stream1g and /stream1g-chunked.
const streamSize = 1 << 30

func init() {
	for _, sc := range scenarios {
		sc.resp = buildResponse(sc.bodyLen, sc.chunked)
	}
}

// buildResponse returns a 200 response with the common fields and a body
// of n bytes, chunked in chunkSize pieces or with a Content-Length.
func buildResponse(n int, chunked bool) []byte {
	b := []byte("HTTP/1.1 200 OK\r\n" + commonFields)
	if chunked {
		b = append(b, "Transfer-Encoding: chunked\r\n\r\n"...)
		return appendChunked(b, n)
	}
	b = append(b, "Content-Length: "...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, "\r\n\r\n"...)
	return append(b, bodyBytes(n)...)
}

// bodyBytes returns n body bytes: smallBody for the small responses, a
// repeating pattern otherwise.
func bodyBytes(n int) []byte {
	if n == len(smallBody) {
		return []byte(smallBody)
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = 'a' + byte(i%26)
	}
	return b
}

// appendChunked appends a chunked body of n bytes in chunkSize chunks and
// the last chunk.
func appendChunked(dst []byte, n int) []byte {
	data := bodyBytes(n)
	for len(data) > 0 {
		k := min(chunkSize, len(data))
		dst = strconv.AppendInt(dst, int64(k), 16)
		dst = append(dst, "\r\n"...)
		dst = append(dst, data[:k]...)
		dst = append(dst, "\r\n"...)
		data = data[k:]
	}
	return append(dst, "0\r\n\r\n"...)
}

// rawServer is the minimal server: one goroutine per connection.
type rawServer struct {
	ln       net.Listener
	addr     string
	routes   map[string][]byte
	accepted atomic.Int64 // connections accepted
	requests atomic.Int64 // requests read and about to be answered

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

// newRawServer starts a raw server on a loopback port.
func newRawServer() (*rawServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &rawServer{
		ln:     ln,
		addr:   ln.Addr().String(),
		routes: make(map[string][]byte),
		conns:  make(map[net.Conn]struct{}),
	}
	for _, sc := range scenarios {
		s.routes[sc.path] = sc.resp
	}
	s.wg.Add(1)
	go pprof.Do(context.Background(), pprof.Labels("side", "server"), func(context.Context) { s.serve() })
	return s, nil
}

// startRawServer starts a raw server that closes when tb ends.
func startRawServer(tb testing.TB) *rawServer {
	tb.Helper()
	s, err := newRawServer()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Close)
	return s
}

func (s *rawServer) serve() {
	defer s.wg.Done()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			nc.Close()
			return
		}
		s.conns[nc] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		s.accepted.Add(1)
		go func() {
			defer s.wg.Done()
			s.handle(nc)
			s.mu.Lock()
			delete(s.conns, nc)
			s.mu.Unlock()
			nc.Close()
		}()
	}
}

// Close stops the server, closes every connection and waits for the
// goroutines.
func (s *rawServer) Close() {
	s.mu.Lock()
	s.closed = true
	for nc := range s.conns {
		nc.Close()
	}
	s.mu.Unlock()
	s.ln.Close()
	s.wg.Wait()
}

var crlfcrlf = []byte("\r\n\r\n")

// handle answers requests on nc until it closes or sends something the
// server does not understand.
func (s *rawServer) handle(nc net.Conn) {
	buf := make([]byte, 32<<10)
	start, end := 0, 0
	for {
		i := bytes.Index(buf[start:end], crlfcrlf)
		if i < 0 {
			if start > 0 {
				end = copy(buf, buf[start:end])
				start = 0
			}
			if end == len(buf) {
				return // head too large
			}
			n, err := nc.Read(buf[end:])
			if n == 0 && err != nil {
				return
			}
			end += n
			continue
		}
		head := buf[start : start+i+4]
		start += i + 4
		path, clen, ok := parseRequestHead(head)
		if !ok {
			nc.Write([]byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
			return
		}
		// Choose the answer before the body is read: path points into buf.
		var resp []byte
		stream, chunked := false, false
		switch {
		case bytes.Equal(path, []byte("/stream1g")):
			stream = true
		case bytes.Equal(path, []byte("/stream1g-chunked")):
			stream, chunked = true, true
		default:
			var found bool
			resp, found = s.routes[string(path)] // no allocation
			if !found {
				nc.Write([]byte("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
				return
			}
		}
		// Skip the body.
		for clen > 0 {
			if avail := end - start; avail > 0 {
				k := min(avail, clen)
				start += k
				clen -= k
				continue
			}
			start, end = 0, 0
			n, err := nc.Read(buf)
			if n == 0 && err != nil {
				return
			}
			end = n
		}
		if start == end {
			start, end = 0, 0
		}
		// Counted before the answer, so that a client that has read it
		// sees the count.
		s.requests.Add(1)
		var err error
		if stream {
			err = writeStream(nc, chunked)
		} else {
			_, err = nc.Write(resp)
		}
		if err != nil {
			return
		}
	}
}

// parseRequestHead returns the path of a request head and its
// Content-Length (0 when absent). It refuses chunked request bodies, which
// no benchmark sends. It does not allocate.
func parseRequestHead(head []byte) (path []byte, clen int, ok bool) {
	line, rest, _ := bytes.Cut(head, []byte("\r\n"))
	_, after, found := bytes.Cut(line, []byte(" "))
	if !found {
		return nil, 0, false
	}
	target, _, found := bytes.Cut(after, []byte(" "))
	if !found {
		return nil, 0, false
	}
	for len(rest) > 0 {
		var field []byte
		field, rest, _ = bytes.Cut(rest, []byte("\r\n"))
		name, value, found := bytes.Cut(field, []byte(":"))
		if !found {
			continue
		}
		switch {
		case asciiEqualFold(name, "content-length"):
			value = bytes.TrimSpace(value)
			if len(value) == 0 || len(value) > 12 {
				return nil, 0, false
			}
			clen = 0
			for _, c := range value {
				if c < '0' || c > '9' {
					return nil, 0, false
				}
				clen = clen*10 + int(c-'0')
			}
		case asciiEqualFold(name, "transfer-encoding"):
			return nil, 0, false
		}
	}
	return target, clen, true
}

func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		x, y := b[i], s[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// writeStream writes a 1 GiB response, chunked in chunkSize chunks or with
// a Content-Length, from one reused block.
func writeStream(w io.Writer, chunked bool) error {
	head := "HTTP/1.1 200 OK\r\n" + commonFields
	if chunked {
		head += "Transfer-Encoding: chunked\r\n\r\n"
	} else {
		head += "Content-Length: " + strconv.Itoa(streamSize) + "\r\n\r\n"
	}
	if _, err := io.WriteString(w, head); err != nil {
		return err
	}
	var block []byte
	if chunked {
		// Four chunks per write.
		for range 4 {
			block = appendChunked(block, chunkSize)
			block = block[:len(block)-len("0\r\n\r\n")]
		}
	} else {
		block = bodyBytes(64 << 10)
	}
	per := 64 << 10
	for sent := 0; sent < streamSize; sent += per {
		if _, err := w.Write(block); err != nil {
			return err
		}
	}
	if chunked {
		_, err := io.WriteString(w, "0\r\n\r\n")
		return err
	}
	return nil
}

// childEnv makes the test binary run a raw server instead of the tests;
// see TestMain.
const childEnv = "BENCH_RAWSERVER_CHILD"

// TestMain runs the raw server when the binary was started as a child by
// startChildServer: it prints the address, serves until its standard input
// closes, then prints the number of accepted connections.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		s, err := newRawServer()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(s.addr)
		io.Copy(io.Discard, os.Stdin)
		s.Close()
		fmt.Println("accepted", s.accepted.Load())
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// childServer is a raw server in a child process, so that measuring memory
// counts only the client.
type childServer struct {
	addr  string
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Reader
}

// startChildServer starts the test binary as a raw server child process.
func startChildServer(t *testing.T) *childServer {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	cs := &childServer{cmd: cmd, stdin: stdin, out: bufio.NewReader(stdout)}
	line, err := cs.out.ReadString('\n')
	if err != nil {
		stdin.Close()
		cmd.Wait()
		t.Fatalf("child server: %v", err)
	}
	cs.addr = strings.TrimSpace(line)
	t.Cleanup(func() { cs.stop(t) })
	return cs
}

// stop ends the child and returns how many connections it accepted.
func (cs *childServer) stop(t *testing.T) int {
	if cs.cmd == nil {
		return -1
	}
	cs.stdin.Close()
	line, _ := cs.out.ReadString('\n')
	done := make(chan error, 1)
	go func() { done <- cs.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("child server: %v", err)
		}
	case <-time.After(30 * time.Second):
		cs.cmd.Process.Kill()
		<-done
		t.Errorf("child server did not stop")
	}
	cs.cmd = nil
	n, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(line), "accepted "))
	if err != nil {
		return -1
	}
	return n
}
