package testutil

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/httpstack/httpstack/errors"
)

// cleanupTimeout bounds how long a Cleanup waits for helper goroutines.
const cleanupTimeout = 5 * time.Second

// Step is one exchange of a scripted peer: it reads exactly len(Expect)
// bytes and fails the test if they differ from Expect, then writes Reply,
// then closes the connection if Close is set.
type Step struct {
	Expect string
	Reply  string
	Close  bool
}

// Script is the whole conversation of one connection's peer.
type Script []Step

// PipeDialer hands out in-memory connections (net.Pipe) whose far end is
// a goroutine playing a [Script]. The n-th dial plays scripts[n]; a dial
// beyond the scripts fails the test.
//
// net.Pipe is synchronous: a peer's Reply write completes only as the
// client reads it, so a client that never reads a reply stalls its peer
// (a client that closes instead is fine).
//
// When a script ends without Close, the peer keeps the connection open
// and reports any further bytes the client sends as a test error, until
// the client closes its end or the test ends.
//
// t.Cleanup closes every connection and waits (bounded) for the peers.
type PipeDialer struct {
	t testing.TB

	mu      sync.Mutex
	scripts []Script
	dials   []string
	conns   []net.Conn
	wg      sync.WaitGroup
}

// NewPipeDialer returns a PipeDialer playing scripts, one per dial.
func NewPipeDialer(t testing.TB, scripts ...Script) *PipeDialer {
	t.Helper()
	d := &PipeDialer{t: t, scripts: scripts}
	t.Cleanup(d.cleanup)
	return d
}

// DialContext returns the client end of a new pipe whose peer plays the
// next script.
func (d *PipeDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.dials = append(d.dials, address)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(d.scripts) == 0 {
		d.t.Errorf("testutil: PipeDialer: unexpected dial %d to %q: no script left", len(d.dials), address)
		return nil, errors.Wrapf(errors.ErrNotConnected, "testutil: no script for dial %d", len(d.dials))
	}
	s := d.scripts[0]
	d.scripts = d.scripts[1:]
	client, server := net.Pipe()
	d.conns = append(d.conns, client, server)
	n := len(d.dials)
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		defer server.Close()
		playScript(d.t, "dial "+strconv.Itoa(n)+" ("+address+")", server, s)
	}()
	return client, nil
}

// Dials returns the addresses dialled so far, in order.
func (d *PipeDialer) Dials() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.dials...)
}

// Remaining returns how many scripts have not been dialled.
func (d *PipeDialer) Remaining() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.scripts)
}

func (d *PipeDialer) cleanup() {
	d.mu.Lock()
	for _, c := range d.conns {
		c.Close()
	}
	d.mu.Unlock()
	if !waitTimeout(&d.wg, cleanupTimeout) {
		d.t.Errorf("testutil: PipeDialer: peers still running %v after cleanup", cleanupTimeout)
	}
}

// playScript runs s as the peer on conn, reporting mismatches on t.
func playScript(t testing.TB, who string, conn net.Conn, s Script) {
	for i, st := range s {
		if len(st.Expect) > 0 {
			got := make([]byte, len(st.Expect))
			n, err := io.ReadFull(conn, got)
			if n != len(st.Expect) || !bytes.Equal(got[:n], []byte(st.Expect)) {
				t.Errorf("testutil: peer %s step %d: read %d of %d expected bytes (err %v)\n%s",
					who, i, n, len(st.Expect), err, ByteDiff([]byte(st.Expect), got[:n]))
				return
			}
		}
		if len(st.Reply) > 0 {
			// A client may close without reading the whole reply (an
			// error path, an unread body); that is not a script failure.
			if _, err := io.WriteString(conn, st.Reply); err != nil {
				return
			}
		}
		if st.Close {
			return
		}
	}
	// Script done: the client should send nothing more.
	buf := make([]byte, 512)
	var extra []byte
	for {
		n, err := conn.Read(buf)
		extra = append(extra, buf[:n]...)
		if err != nil {
			break
		}
	}
	if len(extra) > 0 {
		t.Errorf("testutil: peer %s: %d unexpected bytes after the script: %s", who, len(extra), quoteTrunc(extra, 200))
	}
}

// ByteDiff describes how got differs from want: the first differing
// offset and quoted context around it from both sides. It returns "" if
// they are equal.
func ByteDiff(want, got []byte) string {
	if bytes.Equal(want, got) {
		return ""
	}
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	const ctx = 24
	lo := max(i-ctx, 0)
	var b bytes.Buffer
	fmt.Fprintf(&b, "first difference at offset %d (want %d bytes, got %d bytes)\n", i, len(want), len(got))
	fmt.Fprintf(&b, "  want[%d:]: %s\n", lo, quoteTrunc(want[lo:min(i+ctx, len(want))], 2*ctx))
	fmt.Fprintf(&b, "   got[%d:]: %s", lo, quoteTrunc(got[lo:min(i+ctx, len(got))], 2*ctx))
	return b.String()
}

func quoteTrunc(b []byte, n int) string {
	if len(b) > n {
		return strconv.Quote(string(b[:n])) + "..."
	}
	return strconv.Quote(string(b))
}

// waitTimeout waits for wg for at most d and reports whether it finished.
func waitTimeout(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-done:
		return true
	case <-timer.C:
		return false
	}
}
