package hostile

import (
	"bufio"
	"context"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/httpstack/httpstack/client"
	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/testutil"
	"github.com/httpstack/httpstack/wire"
)

// Load with injected faults (reference §5 goals 11-12): 64 goroutines,
// each with its own Conn, send loadRequests() requests in all to a raw
// loopback server that answers with random bodies (length-delimited,
// chunked or close-delimited) carrying their CRC-32, and breaks 1 % of
// the responses. Every successful body must match its checksum, exactly
// the broken responses must fail, each with the typed error its fault
// calls for, and goroutines and file descriptors must be back to their
// baseline afterwards.

const (
	loadWorkers = 64
	loadSeed    = 0x5eed
)

// Faults the load server injects.
const (
	faultNone       = iota
	faultCloseBody  // close in the middle of a length-delimited body
	faultBadStatus  // a status line that is not HTTP, then close
	faultReset      // RST in the middle of a length-delimited body
	faultTruncChunk // close in the middle of a chunk
	numFaults
)

var faultNames = [numFaults]string{"none", "close mid-body", "bad status line", "RST mid-body", "truncated chunk"}

// Body framings of the load server.
const (
	frameLength = iota
	frameChunked
	frameClose
)

// loadPlan is what the server does for one request id; it is a pure
// function of the id, so the client can tell what to expect.
type loadPlan struct {
	body    []byte
	framing int
	fault   int
	chunks  []int // chunk sizes for frameChunked
}

func planFor(id uint64) loadPlan {
	rng := rand.New(rand.NewPCG(id, loadSeed))
	n := rng.IntN(2048)
	if rng.IntN(100) == 0 {
		n = rng.IntN(64 << 10)
	}
	var p loadPlan
	switch r := rng.IntN(100); {
	case r < 50:
		p.framing = frameLength
	case r < 95:
		p.framing = frameChunked
	default:
		p.framing = frameClose
	}
	if rng.IntN(100) == 0 {
		p.fault = 1 + rng.IntN(numFaults-1)
		n = max(n, 16) // room to cut the body
		switch p.fault {
		case faultCloseBody, faultReset:
			p.framing = frameLength
		case faultTruncChunk:
			p.framing = frameChunked
		}
	}
	p.body = make([]byte, n)
	for i := range p.body {
		p.body[i] = byte(rng.Uint32())
	}
	for left := n; left > 0; {
		k := min(left, 1+rng.IntN(4096))
		p.chunks = append(p.chunks, k)
		left -= k
	}
	return p
}

// loadServer serves planFor's responses and records which ids it broke.
type loadServer struct {
	*testutil.Server
	mu      sync.Mutex
	faulted map[uint64]int
}

func newLoadServer(t *testing.T) *loadServer {
	s := &loadServer{faulted: map[uint64]int{}}
	s.Server = testutil.NewServer(t, s.serve)
	return s
}

func (s *loadServer) serve(c net.Conn) {
	br := bufio.NewReaderSize(c, 4<<10)
	bw := bufio.NewWriterSize(c, 16<<10)
	for {
		rl, err := wire.ReadRequestLine(br, nil)
		if err != nil {
			return
		}
		id, err := strconv.ParseUint(strings.TrimPrefix(string(rl.Target), "/r/"), 10, 64)
		if err != nil {
			return
		}
		if wire.ReadHeaderBlock(br, nil, false, func(name, value []byte) error { return nil }) != nil {
			return
		}
		p := planFor(id)
		if p.fault != faultNone {
			s.mu.Lock()
			s.faulted[id] = p.fault
			s.mu.Unlock()
		}
		if p.fault == faultBadStatus {
			io.WriteString(bw, "HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n")
			bw.Flush()
			return
		}
		fmt.Fprintf(bw, "HTTP/1.1 200 OK\r\nX-Sum: %08x\r\nX-Len: %d\r\n", crc32.ChecksumIEEE(p.body), len(p.body))
		half := len(p.body) / 2
		switch p.framing {
		case frameLength:
			fmt.Fprintf(bw, "Content-Length: %d\r\n\r\n", len(p.body))
			if p.fault != faultNone {
				bw.Write(p.body[:half])
				bw.Flush()
				if p.fault == faultReset {
					testutil.ResetConn(c)
				}
				return
			}
			bw.Write(p.body)
		case frameChunked:
			io.WriteString(bw, "Transfer-Encoding: chunked\r\n\r\n")
			if p.fault == faultTruncChunk {
				fmt.Fprintf(bw, "%x\r\n", len(p.body))
				bw.Write(p.body[:half])
				bw.Flush()
				return
			}
			off := 0
			for _, k := range p.chunks {
				fmt.Fprintf(bw, "%x;n=%d\r\n", k, off)
				bw.Write(p.body[off : off+k])
				io.WriteString(bw, "\r\n")
				off += k
			}
			fmt.Fprintf(bw, "0\r\nX-Chunks: %d\r\n\r\n", len(p.chunks))
		case frameClose:
			io.WriteString(bw, "Connection: close\r\n\r\n")
			bw.Write(p.body)
			bw.Flush()
			return
		}
		if bw.Flush() != nil {
			return
		}
	}
}

// raceEnabled reports whether the test binary was built with -race.
func raceEnabled() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

// loadRequests is HTTPSTACK_LOAD_REQUESTS, or 100,000 (10,000 under
// -race or -short, which must keep make test's load run well under a
// minute on two shared cores).
func loadRequests(t *testing.T) int {
	if s := os.Getenv("HTTPSTACK_LOAD_REQUESTS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			t.Fatalf("HTTPSTACK_LOAD_REQUESTS=%q: want a positive integer", s)
		}
		return n
	}
	if raceEnabled() || testing.Short() {
		return 10_000
	}
	return 100_000
}

// openFDs counts this process's open file descriptors.
func openFDs(t *testing.T) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot count file descriptors: %v", err)
	}
	return len(ents)
}

// loadFailure is one request that failed.
type loadFailure struct {
	id  uint64
	err error
}

// faultMatches reports whether err is the error fault calls for.
func faultMatches(fault int, err error) bool {
	switch fault {
	case faultCloseBody, faultTruncChunk:
		return errors.Is(err, errors.ErrIncompleteRead) && errors.Is(err, io.ErrUnexpectedEOF)
	case faultBadStatus:
		var be *errors.BadStatusLineError
		return errors.As(err, &be)
	case faultReset:
		// The RST may overtake the head (ErrRemoteDisconnected) or cut
		// the body (ErrIncompleteRead); either way it is ECONNRESET.
		return errors.Is(err, syscall.ECONNRESET) &&
			(errors.Is(err, errors.ErrIncompleteRead) || errors.Is(err, errors.ErrRemoteDisconnected))
	}
	return false
}

// typedErr reports whether err is from package errors or a network error
// wrapped by it.
func typedErr(err error) bool {
	var ne *net.OpError
	return errors.Is(err, errors.ErrHTTP) || errors.As(err, &ne)
}

func TestLoadWithFaults(t *testing.T) {
	// Registered first, so they run last: after the server's cleanup.
	testutil.VerifyNoLeaks(t)
	fdBase := openFDs(t)
	t.Cleanup(func() {
		deadline := time.Now().Add(5 * time.Second)
		for {
			n := openFDs(t)
			if n <= fdBase {
				return
			}
			if time.Now().After(deadline) {
				t.Errorf("%d file descriptors open after the load, %d before", n, fdBase)
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	})

	total := loadRequests(t)
	srv := newLoadServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	var next atomic.Uint64
	var ok, bytesRead atomic.Int64
	var mu sync.Mutex
	var failures []loadFailure
	var corrupt []string
	var wg sync.WaitGroup
	start := time.Now()
	for range loadWorkers {
		wg.Go(func() {
			c, err := client.New(srv.Addr())
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			var myFail []loadFailure
			var myCorrupt []string
			for {
				id := next.Add(1) - 1
				if id >= uint64(total) || ctx.Err() != nil {
					break
				}
				body, resp, err := loadExchange(ctx, c, id)
				if err != nil {
					myFail = append(myFail, loadFailure{id, err})
					continue
				}
				want := planFor(id).body
				sum := fmt.Sprintf("%08x", crc32.ChecksumIEEE(body))
				if sum != resp.Header.Get("X-Sum") || strconv.Itoa(len(body)) != resp.Header.Get("X-Len") ||
					crc32.ChecksumIEEE(want) != crc32.ChecksumIEEE(body) {
					myCorrupt = append(myCorrupt, fmt.Sprintf("id %d: %d bytes, sum %s; header says %s %s",
						id, len(body), sum, resp.Header.Get("X-Len"), resp.Header.Get("X-Sum")))
				}
				ok.Add(1)
				bytesRead.Add(int64(len(body)))
			}
			mu.Lock()
			failures = append(failures, myFail...)
			corrupt = append(corrupt, myCorrupt...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err := ctx.Err(); err != nil {
		t.Fatalf("load did not finish: %v", err)
	}

	for _, c := range corrupt {
		t.Errorf("corrupt body: %s", c)
	}
	srv.mu.Lock()
	faulted := srv.faulted
	srv.mu.Unlock()
	byKind := make([]int, numFaults)
	failed := map[uint64]bool{}
	for _, f := range failures {
		failed[f.id] = true
		fault, wasFaulted := faulted[f.id]
		switch {
		case !typedErr(f.err):
			t.Errorf("id %d: untyped error %T %q", f.id, f.err, f.err)
		case !wasFaulted:
			t.Errorf("id %d: failed without an injected fault: %v", f.id, f.err)
		case !faultMatches(fault, f.err):
			t.Errorf("id %d: %s gave %q", f.id, faultNames[fault], f.err)
		default:
			byKind[fault]++
		}
	}
	for id, fault := range faulted {
		if !failed[id] {
			t.Errorf("id %d: %s went unnoticed", id, faultNames[fault])
		}
	}
	if int(ok.Load())+len(failures) != total {
		t.Errorf("%d ok + %d failed != %d requests", ok.Load(), len(failures), total)
	}
	var kinds []string
	for k := faultNone + 1; k < numFaults; k++ {
		kinds = append(kinds, fmt.Sprintf("%s %d", faultNames[k], byKind[k]))
	}
	t.Logf("%d requests (%d workers, race %v) in %v: %.0f req/s, %.1f MB of bodies; %d ok, %d faults injected and detected (%s); %d connections",
		total, loadWorkers, raceEnabled(), elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds(),
		float64(bytesRead.Load())/1e6, ok.Load(), len(failures), strings.Join(kinds, ", "), srv.Accepted())
}

// loadExchange sends GET /r/<id> on c and reads the whole body.
func loadExchange(ctx context.Context, c *client.Conn, id uint64) ([]byte, *client.Response, error) {
	if err := c.Request(ctx, "GET", "/r/"+strconv.FormatUint(id, 10), nil, nil); err != nil {
		return nil, nil, err
	}
	resp, err := c.GetResponse(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Close()
	body, err := io.ReadAll(resp)
	if err != nil {
		return nil, nil, err
	}
	return body, resp, nil
}
