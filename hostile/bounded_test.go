package hostile

// Bounded resources: inputs that are enormous or never end must cost the
// client memory proportional to what it keeps, never to a number the peer
// chose or to how long the peer keeps talking, and a slow peer must not
// outlive the caller's deadline. Memory is measured with
// runtime.ReadMemStats, bytes with counting connections and time with the
// fake clock of testing/synctest, so that nothing depends on the speed of
// the machine.

import (
	"context"
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/httpstack/httpstack/client"
	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/testutil"
	"github.com/httpstack/httpstack/wire"
)

const (
	// readSlack is what a reader may take beyond a limit: one read
	// buffer's worth (the client reads 16 KiB at a time; 64 KiB leaves
	// room for a line collected across buffer refills).
	readSlack = 64 << 10
	// heapBudget bounds the heap growth while a body of any declared
	// size is read (security.md §5 goal 6).
	heapBudget = 256 << 10
	// streamCap ends an endless stream, so that a client that never
	// stops fails its test instead of running forever.
	streamCap = 256 << 20
)

// declaredLengthCases are responses that declare a huge body and send
// little or a lot of it. served is how much body the peer sends before
// closing; the client must stream it through the caller's buffer.
var declaredLengthCases = []struct {
	name     string
	head     string // status line, fields, the blank line and framing
	body     string // the start of the body, sent after head
	fill     string // repeated after body, up to served bytes
	served   int64
	wantErr  error
	expected int64 // IncompleteReadError.Expected
	cve      []string
}{
	{
		name:     "content-length-max-int64",
		head:     "HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775807\r\n\r\n",
		fill:     "x",
		served:   8 << 20,
		wantErr:  errors.ErrIncompleteRead,
		expected: 9223372036854775807 - 8<<20,
		cve:      []string{"CVE-2025-13836", "fasthttp-42f83c6"},
	},
	{
		name:     "chunk-size-7fffffffffffffff",
		head:     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7fffffffffffffff\r\n",
		fill:     "x",
		served:   8 << 20,
		wantErr:  errors.ErrIncompleteRead,
		expected: -1,
		cve:      []string{"CVE-2021-32714", "CVE-2025-13836"},
	},
	{
		name:     "100MB-declared-cut-after-2-bytes",
		head:     "HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n",
		body:     "hi",
		wantErr:  errors.ErrIncompleteRead,
		expected: 100000000 - 2,
		cve:      []string{"CVE-2025-13836"},
	},
}

// TestBoundedDeclaredLength reads bodies whose declared size is huge and
// checks that less than heapBudget is allocated while they are read,
// however much is declared or sent (CVE-2025-13836: CPython allocated the
// declared length up front). It counts every allocation (TotalAlloc), a
// stricter measure than the live heap.
func TestBoundedDeclaredLength(t *testing.T) {
	for _, tc := range declaredLengthCases {
		t.Run(tc.name, func(t *testing.T) {
			sc := newStreamConn(tc.head+tc.body, tc.fill, int64(len(tc.head)+len(tc.body))+tc.served)
			c := newBoundedConn(t, sc, nil)
			ctx := context.Background()
			if err := c.Request(ctx, "GET", "/", nil, nil); err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 32<<10)
			var got int64
			var err error
			growth := heapGrowth(func() {
				var resp *client.Response
				resp, err = c.GetResponse(ctx)
				if err != nil {
					return
				}
				defer resp.Close()
				for {
					var n int
					n, err = resp.Read(buf)
					got += int64(n)
					if err != nil {
						return
					}
				}
			})
			if !errors.Is(err, tc.wantErr) || !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("read error %v, want %v with io.ErrUnexpectedEOF", err, tc.wantErr)
			}
			var ire *errors.IncompleteReadError
			if errors.As(err, &ire) && ire.Expected != tc.expected {
				t.Errorf("IncompleteReadError.Expected = %d, want %d", ire.Expected, tc.expected)
			}
			if body := sc.served() - int64(len(tc.head)); got != body {
				t.Errorf("read %d body bytes, the peer sent %d", got, body)
			}
			if growth > heapBudget {
				t.Errorf("%d bytes allocated while reading, want at most %d", growth, heapBudget)
			}
			t.Logf("read %d body bytes, %d bytes allocated", got, growth)
		})
	}
}

// endlessCase is a peer that sends prefix and then pattern forever.
type endlessCase struct {
	name    string
	prefix  string
	pattern string
	limits  *wire.Limits
	tunnel  bool   // the stream is a proxy's reply to CONNECT
	at      string // "head" (GetResponse or, with tunnel, Request) or "body"
	wantErr error
	// limit is the limit, in bytes, that must stop the stream: at most
	// limit + readSlack bytes may be read, and the live heap may grow by
	// at most 2*limit + readSlack (security.md §5 goal 7).
	limit int
	cve   []string
}

var endlessCases = []endlessCase{
	{
		name: "status-line", prefix: "HTTP/1.1 200 ", pattern: "a",
		at: "head", wantErr: errors.ErrLineTooLong, limit: wire.DefaultLimits.MaxLine,
		cve: []string{"CVE-2013-1752"},
	},
	{
		name: "header-line", prefix: "HTTP/1.1 200 OK\r\nX: ", pattern: "a",
		at: "head", wantErr: errors.ErrLineTooLong, limit: wire.DefaultLimits.MaxLine,
		cve: []string{"CVE-2013-1752", "CVE-2023-38039", "CVE-2021-31525"},
	},
	{
		name: "header-lines", prefix: "HTTP/1.1 200 OK\r\n", pattern: "X: y\r\n",
		at: "head", wantErr: errors.ErrTooManyHeaders, limit: 6 * wire.DefaultLimits.MaxHeaders,
		cve: []string{"CVE-2013-1752", "CVE-2023-38039", "CVE-2023-24534"},
	},
	{
		name: "header-bytes", prefix: "HTTP/1.1 200 OK\r\n", pattern: "X-Filler: " + strings.Repeat("v", 990) + "\r\n",
		limits: &wire.Limits{MaxHeaders: 1 << 30},
		at:     "head", wantErr: errors.ErrTooManyHeaders, limit: wire.DefaultLimits.MaxHeaderBytes,
		cve: []string{"CVE-2023-38039", "CVE-2021-31525", "CVE-2023-24534"},
	},
	{
		name: "obs-fold-lines", prefix: "HTTP/1.1 200 OK\r\nX: a\r\n", pattern: " b\r\n",
		at: "head", wantErr: errors.ErrTooManyHeaders, limit: 4 * wire.DefaultLimits.MaxHeaders,
		cve: []string{"CVE-2025-61724"},
	},
	{
		name: "interim-responses", prefix: "", pattern: "HTTP/1.1 100 Continue\r\n\r\n",
		at: "head", wantErr: errors.ErrTooManyInterim, limit: 25 * wire.DefaultLimits.MaxInterim,
		cve: []string{"GHSA-w4q2-g22w-6fr4"},
	},
	{
		name: "interim-header-lines", prefix: "HTTP/1.1 100 Continue\r\n", pattern: "X: y\r\n",
		at: "head", wantErr: errors.ErrTooManyHeaders, limit: 6 * wire.DefaultLimits.MaxHeaders,
		cve: []string{"CVE-2021-3737"},
	},
	{
		name: "trailer-lines", prefix: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n", pattern: "X: y\r\n",
		at: "body", wantErr: errors.ErrTooManyHeaders, limit: 6 * wire.DefaultLimits.MaxTrailers,
		cve: []string{"GHSA-w4q2-g22w-6fr4"},
	},
	{
		name: "trailer-line", prefix: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: ", pattern: "a",
		at: "body", wantErr: errors.ErrLineTooLong, limit: wire.DefaultLimits.MaxLine,
		cve: []string{"GHSA-w4q2-g22w-6fr4"},
	},
	{
		name: "chunk-extension", prefix: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;", pattern: "a",
		at: "body", wantErr: errors.ErrLineTooLong, limit: wire.DefaultLimits.MaxChunkExtension,
		cve: []string{"CVE-2024-22019", "CVE-2023-39326"},
	},
	{
		name: "chunk-extension-list", prefix: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1", pattern: ";a=b",
		at: "body", wantErr: errors.ErrLineTooLong, limit: wire.DefaultLimits.MaxChunkExtension,
		cve: []string{"CVE-2024-22019"},
	},
	{
		name: "chunk-size-digits", prefix: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1", pattern: "0",
		at: "body", wantErr: errors.ErrInvalidChunk, limit: 17,
		cve: []string{"CVE-2021-32714"},
	},
	{
		name: "chunk-overhead", prefix: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", pattern: "1;a=" + strings.Repeat("b", 4000) + "\r\nx\r\n",
		at: "body", wantErr: errors.ErrInvalidChunk, limit: wire.DefaultLimits.MaxChunkOverhead,
		cve: []string{"CVE-2023-39326"},
	},
	{
		name: "connect-reply-header-lines", prefix: "HTTP/1.1 200 Connection established\r\n", pattern: "X: y\r\n",
		tunnel: true, at: "head", wantErr: errors.ErrTooManyHeaders, limit: 6 * wire.DefaultLimits.MaxHeaders,
		cve: []string{"CPython-3.11-tunnel", "CVE-2023-38039"},
	},
	{
		name: "connect-reply-header-line", prefix: "HTTP/1.1 200 Connection established\r\nX: ", pattern: "a",
		tunnel: true, at: "head", wantErr: errors.ErrLineTooLong, limit: wire.DefaultLimits.MaxLine,
		cve: []string{"CPython-3.11-tunnel"},
	},
	{
		name: "connect-reply-status-line", prefix: "HTTP/1.1 200 ", pattern: "a",
		tunnel: true, at: "head", wantErr: errors.ErrLineTooLong, limit: wire.DefaultLimits.MaxLine,
		cve: []string{"CPython-3.11-tunnel"},
	},
}

// TestBoundedEndless serves endless heads, interim responses, trailers and
// chunk lines (security.md §5 goal 7): each must stop with its typed error
// after reading at most the limit plus readSlack bytes, with the live heap
// growing by at most twice the limit plus readSlack. The live heap is
// sampled after a collection at every read the client makes, so it is
// what the client keeps, not the garbage of amortised buffer growth.
func TestBoundedEndless(t *testing.T) {
	for _, tc := range endlessCases {
		t.Run(tc.name, func(t *testing.T) {
			sc := newStreamConn(tc.prefix, tc.pattern, streamCap)
			c := newBoundedConn(t, sc, tc.limits)
			ctx := context.Background()
			if tc.tunnel {
				if err := c.SetTunnel("origin.example", 443, nil); err != nil {
					t.Fatal(err)
				}
			}
			var err error
			growth := livePeak(sc, func() {
				err = c.Request(ctx, "GET", "/", nil, nil)
				if err != nil {
					return
				}
				var resp *client.Response
				resp, err = c.GetResponse(ctx)
				if err != nil {
					return
				}
				defer resp.Close()
				if tc.at == "head" {
					t.Errorf("GetResponse succeeded on an endless head (status %d)", resp.Status)
					return
				}
				_, err = io.Copy(io.Discard, resp)
			})
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("error %v, want %v", err, tc.wantErr)
			}
			var ck caseChecker
			checkErrorText(&ck, "the error", err)
			ck.report(t, "")
			if n, max := sc.served(), int64(len(tc.prefix)+tc.limit+readSlack); n > max {
				t.Errorf("read %d bytes of the endless stream, want at most %d (limit %d + %d)", n, max, tc.limit, readSlack)
			}
			if max := uint64(2*tc.limit + readSlack); growth > max {
				t.Errorf("the live heap grew by %d bytes, want at most %d (2 x limit %d + %d)", growth, max, tc.limit, readSlack)
			}
			if !sc.isClosed() {
				t.Errorf("the connection is still open after the error")
			}
			t.Logf("stopped after %d bytes, heap growth %d bytes: %v", sc.served(), growth, err)
		})
	}
}

// TestBoundedDrip plays servers that send one byte every 500 ms, forever
// as far as the client can tell, under testing/synctest's fake clock: a
// context deadline must end the exchange no later than 100 ms after it
// passes, whether the head or the body drips, and WithTimeout must end it
// no later than 100 ms after a read has waited that long (security.md §5
// goal 8; CPython's per-read timeout let a dripping server keep a
// timeout=1.0 request alive for 6 s).
func TestBoundedDrip(t *testing.T) {
	const interval = 500 * time.Millisecond
	const grace = 100 * time.Millisecond
	tests := []struct {
		name     string
		head     string // sent at once
		drip     string // then one byte per interval
		deadline time.Duration
		timeout  time.Duration // WithTimeout
		at       string        // head or body
		want     error
		bound    time.Duration // the exchange must end by bound + grace
		bug      string
	}{
		{
			name: "head-context-deadline", drip: "HTTP/1.1 200 OK\r\nX: " + strings.Repeat("a", 200),
			deadline: time.Second, at: "head", want: context.DeadlineExceeded, bound: time.Second,
		},
		{
			name: "body-context-deadline", head: "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", drip: strings.Repeat("b", 1000),
			deadline: time.Second, at: "body", want: context.DeadlineExceeded, bound: time.Second,
		},
		{
			name: "chunked-body-context-deadline", head: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", drip: strings.Repeat("1\r\nb\r\n", 200),
			deadline: time.Second, at: "body", want: context.DeadlineExceeded, bound: time.Second,
		},
		{
			name: "head-read-timeout", drip: "HTTP/1.1 200 OK\r\nX: " + strings.Repeat("a", 200),
			timeout: 300 * time.Millisecond, at: "head", want: os.ErrDeadlineExceeded, bound: 300 * time.Millisecond,
		},
		{
			name: "body-read-timeout", head: "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", drip: strings.Repeat("b", 1000),
			timeout: 300 * time.Millisecond, at: "body", want: os.ErrDeadlineExceeded, bound: 300 * time.Millisecond,
		},
		{
			name: "head-timeout-dripping", drip: "HTTP/1.1 200 OK\r\nX: " + strings.Repeat("a", 200),
			timeout: time.Second, at: "head", want: os.ErrDeadlineExceeded, bound: time.Second,
		},
		{
			// WithTimeout bounds every single read of the body, as
			// Python's socket timeout does (a download may take longer
			// than the timeout as long as data keeps coming); a whole
			// body is bounded by the context deadline (the rows above).
			// A drip slower than the timeout fails within it.
			name: "body-timeout-stalling", head: "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", drip: strings.Repeat("b", 1000),
			timeout: 300 * time.Millisecond, at: "body", want: os.ErrDeadlineExceeded, bound: 300 * time.Millisecond,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var ck caseChecker
			synctest.Test(t, func(t *testing.T) {
				dc := newDripConn(tc.head, tc.drip, interval)
				opts := []client.Option{client.WithDialer(&oneConnDialer{conn: dc})}
				if tc.timeout > 0 {
					opts = append(opts, client.WithTimeout(tc.timeout))
				}
				c, err := client.New("example.com", opts...)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				ctx := context.Background()
				if tc.deadline > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, tc.deadline)
					defer cancel()
				}
				start := time.Now()
				if err := c.Request(ctx, "GET", "/", nil, nil); err != nil {
					t.Fatal(err)
				}
				resp, err := c.GetResponse(ctx)
				if err == nil {
					defer resp.Close()
					if tc.at == "head" {
						ck.errorf("GetResponse succeeded after %v, want %v", time.Since(start), tc.want)
					}
					_, err = io.Copy(io.Discard, resp)
				} else if tc.at == "body" {
					ck.errorf("GetResponse: %v; want the head at once", err)
				}
				elapsed := time.Since(start)
				if !errors.Is(err, tc.want) {
					ck.errorf("error after %v: %v; want %v", elapsed, err, tc.want)
				}
				if elapsed > tc.bound+grace {
					ck.errorf("the exchange lasted %v (%d bytes dripped), want at most %v + %v", elapsed, dc.served(), tc.bound, grace)
				}
				if tc.at == "body" && !errors.Is(err, errors.ErrIncompleteRead) {
					ck.errorf("body error %v does not match ErrIncompleteRead", err)
				}
				c.Close()
			})
			ck.report(t, tc.bug)
		})
	}
}

// TestBoundedSilentServer: a server that accepts the request and never
// answers (testutil's hanging FakeConn) fails at the context deadline.
func TestBoundedSilentServer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := testutil.NewFakeDialerReplies(testutil.FakeReply{Hang: true})
		c, err := client.New("example.com", client.WithDialer(d))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		start := time.Now()
		if err := c.Request(ctx, "GET", "/", nil, nil); err != nil {
			t.Fatal(err)
		}
		_, err = c.GetResponse(ctx)
		elapsed := time.Since(start)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("GetResponse = %v, want context.DeadlineExceeded", err)
		}
		if elapsed > time.Second+100*time.Millisecond {
			t.Errorf("GetResponse returned after %v, want at most 1.1s", elapsed)
		}
	})
}

// --- helpers ---------------------------------------------------------------

// heapGrowth runs f and returns the bytes allocated on the heap meanwhile
// (TotalAlloc counts every allocation, also those freed since, so a
// buffer sized from a declared length shows however briefly it lived).
func heapGrowth(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// livePeak runs f and returns the largest growth of the live heap seen
// at sc's reads, each measured after a collection.
func livePeak(sc *streamConn, f func()) uint64 {
	base := liveHeap()
	var peak uint64
	sc.onRead = func() {
		if h := liveHeap(); h > peak {
			peak = h
		}
	}
	f()
	sc.onRead = nil
	if peak < base {
		return 0
	}
	return peak - base
}

func liveHeap() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// newBoundedConn returns a client.Conn whose only dial returns nc.
func newBoundedConn(t *testing.T, nc net.Conn, lim *wire.Limits) *client.Conn {
	t.Helper()
	opts := []client.Option{client.WithDialer(&oneConnDialer{conn: nc})}
	if lim != nil {
		opts = append(opts, client.WithLimits(lim))
	}
	c, err := client.New("example.com", opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// oneConnDialer returns conn on its first dial and fails every later one.
type oneConnDialer struct {
	mu     sync.Mutex
	conn   net.Conn
	dialed bool
}

func (d *oneConnDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.dialed {
		return nil, errors.Wrap(errors.ErrNotConnected, "hostile: one connection only")
	}
	d.dialed = true
	return d.conn, nil
}

// streamConn serves prefix and then pattern, repeated, until total bytes
// were served; then io.EOF. It counts what it serves, swallows writes
// and never blocks.
type streamConn struct {
	onRead func() // called at the start of every Read, if set

	mu      sync.Mutex
	prefix  string
	pattern string
	total   int64
	n       int64
	closed  bool
}

func newStreamConn(prefix, pattern string, total int64) *streamConn {
	return &streamConn{prefix: prefix, pattern: pattern, total: total}
}

func (c *streamConn) Read(p []byte) (int, error) {
	if c.onRead != nil {
		c.onRead()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return 0, net.ErrClosed
	}
	if c.n >= c.total {
		return 0, io.EOF
	}
	if left := c.total - c.n; int64(len(p)) > left {
		p = p[:left]
	}
	i := 0
	for i < len(p) {
		var k int
		if c.n < int64(len(c.prefix)) {
			k = copy(p[i:], c.prefix[c.n:])
		} else if c.pattern == "" {
			break
		} else {
			off := (c.n - int64(len(c.prefix))) % int64(len(c.pattern))
			k = copy(p[i:], c.pattern[off:])
		}
		i += k
		c.n += int64(k)
	}
	if i == 0 {
		c.total = c.n
		return 0, io.EOF
	}
	return i, nil
}

func (c *streamConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return 0, net.ErrClosed
	}
	return len(p), nil
}

func (c *streamConn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	return nil
}

func (c *streamConn) served() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

func (c *streamConn) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

func (c *streamConn) LocalAddr() net.Addr              { return peerAddr{} }
func (c *streamConn) RemoteAddr() net.Addr             { return peerAddr{} }
func (c *streamConn) SetDeadline(time.Time) error      { return nil }
func (c *streamConn) SetReadDeadline(time.Time) error  { return nil }
func (c *streamConn) SetWriteDeadline(time.Time) error { return nil }

// dripConn serves head at once and then drip one byte per interval,
// then io.EOF. Reads honour the read deadline and Close; both wake a
// blocked Read. Under testing/synctest the waits run on the fake clock.
type dripConn struct {
	mu       sync.Mutex
	data     string
	head     int
	pos      int
	start    time.Time
	interval time.Duration
	readDL   time.Time
	changed  chan struct{} // closed and replaced when a deadline changes or the conn closes
	closed   bool
}

func newDripConn(head, drip string, interval time.Duration) *dripConn {
	return &dripConn{data: head + drip, head: len(head), interval: interval, start: time.Now(), changed: make(chan struct{})}
}

// due returns when byte i may be read.
func (c *dripConn) due(i int) time.Time {
	if i < c.head {
		return c.start
	}
	return c.start.Add(time.Duration(i-c.head+1) * c.interval)
}

func (c *dripConn) Read(p []byte) (int, error) {
	for {
		c.mu.Lock()
		if c.closed {
			c.mu.Unlock()
			return 0, net.ErrClosed
		}
		if c.pos >= len(c.data) {
			c.mu.Unlock()
			return 0, io.EOF
		}
		now := time.Now()
		if !c.readDL.IsZero() && !now.Before(c.readDL) {
			c.mu.Unlock()
			return 0, &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}
		}
		if due := c.due(c.pos); !now.Before(due) {
			n := 0
			for n < len(p) && c.pos < len(c.data) && !now.Before(c.due(c.pos)) {
				p[n] = c.data[c.pos]
				n++
				c.pos++
			}
			c.mu.Unlock()
			return n, nil
		}
		wait := c.due(c.pos).Sub(now)
		if !c.readDL.IsZero() && c.readDL.Sub(now) < wait {
			wait = c.readDL.Sub(now)
		}
		changed := c.changed
		c.mu.Unlock()
		timer := time.NewTimer(wait)
		select {
		case <-timer.C:
		case <-changed:
		}
		timer.Stop()
	}
}

func (c *dripConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return 0, net.ErrClosed
	}
	return len(p), nil
}

func (c *dripConn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return net.ErrClosed
	}
	c.closed = true
	close(c.changed)
	return nil
}

func (c *dripConn) setRead(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.readDL = t
	if !c.closed {
		close(c.changed)
		c.changed = make(chan struct{})
	}
}

func (c *dripConn) served() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pos
}

func (c *dripConn) LocalAddr() net.Addr                { return peerAddr{} }
func (c *dripConn) RemoteAddr() net.Addr               { return peerAddr{} }
func (c *dripConn) SetDeadline(t time.Time) error      { c.setRead(t); return nil }
func (c *dripConn) SetReadDeadline(t time.Time) error  { c.setRead(t); return nil }
func (c *dripConn) SetWriteDeadline(t time.Time) error { return nil }
