package bench

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"testing"
	"time"

	"github.com/httpstack/httpstack/client"
)

// maxStreamGrowth is the most the peak RSS may grow while 1 GiB streams
// through one response.
const maxStreamGrowth = 8 << 20

// TestStream1GiB streams a 1 GiB body, with a Content-Length and chunked,
// through Response.Read (a reused 32 KiB buffer) and Response.WriteTo
// (io.Copy to io.Discard), from a raw server in a child process, and fails
// if the process's peak RSS (VmHWM) grew by 8 MiB or more. It runs only
// with BENCH_STREAM=1 (make stream): it moves 4 GiB over loopback.
func TestStream1GiB(t *testing.T) {
	if os.Getenv("BENCH_STREAM") != "1" {
		t.Skip("set BENCH_STREAM=1 to stream 4 x 1 GiB (make stream)")
	}
	cs := startChildServer(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		path    string
		writeTo bool
	}{
		{"length/Read", "/stream1g", false},
		{"length/WriteTo", "/stream1g", true},
		{"chunked/Read", "/stream1g-chunked", false},
		{"chunked/WriteTo", "/stream1g-chunked", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := client.New(cs.addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			buf := make([]byte, readBufSize)
			// A first request sets up the connection's buffers.
			if n, err := getInto(ctx, c, "/small", buf, false); err != nil || n != int64(len(smallBody)) {
				t.Fatalf("warm-up: %d bytes, %v", n, err)
			}
			runtime.GC()
			debug.FreeOSMemory()
			base := resetPeakRSS(t)
			var ms0, ms1 runtime.MemStats
			runtime.ReadMemStats(&ms0)
			start := time.Now()
			n, err := getInto(ctx, c, tc.path, buf, tc.writeTo)
			elapsed := time.Since(start)
			runtime.ReadMemStats(&ms1)
			if err != nil || n != streamSize {
				t.Fatalf("read %d bytes, want %d: %v", n, streamSize, err)
			}
			peak := procStatusKB(t, "VmHWM") << 10
			growth := peak - base
			t.Logf("%s: %.2f GiB/s; peak RSS %.1f MiB, grew %.2f MiB; allocated %d B in %d objects; %d GCs",
				tc.name, float64(streamSize)/elapsed.Seconds()/(1<<30),
				float64(peak)/(1<<20), float64(growth)/(1<<20),
				ms1.TotalAlloc-ms0.TotalAlloc, ms1.Mallocs-ms0.Mallocs, ms1.NumGC-ms0.NumGC)
			if growth >= maxStreamGrowth {
				t.Errorf("peak RSS grew by %d bytes while streaming 1 GiB, want < %d", growth, maxStreamGrowth)
			}
		})
	}
	if n := cs.stop(t); n != 4 {
		t.Errorf("the server accepted %d connections, want 4 (one per subtest)", n)
	}
}

// getInto sends GET path on c and reads the whole body, through Read into
// buf or through io.Copy (Response.WriteTo).
func getInto(ctx context.Context, c *client.Conn, path string, buf []byte, writeTo bool) (int64, error) {
	if err := c.Request(ctx, "GET", path, nil, nil); err != nil {
		return 0, err
	}
	r, err := c.GetResponse(ctx)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	if writeTo {
		return io.Copy(io.Discard, r)
	}
	var total int64
	for {
		n, err := r.Read(buf)
		total += int64(n)
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// resetPeakRSS resets the process's peak RSS (VmHWM) to its current RSS
// through /proc/self/clear_refs and returns that RSS in bytes. Where the
// reset is refused, the peak stays and the current RSS is returned, so the
// growth measured may only be smaller than the truth if the old peak was
// higher; the test then says so.
func resetPeakRSS(t *testing.T) int64 {
	t.Helper()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Logf("cannot reset the peak RSS (%v): growth is measured from the current RSS", err)
	}
	rss := procStatusKB(t, "VmRSS") << 10
	if hwm := procStatusKB(t, "VmHWM") << 10; hwm > rss+maxStreamGrowth/2 {
		t.Logf("peak RSS %d B is above the current RSS %d B: growth below %d B cannot be seen", hwm, rss, hwm-rss)
	}
	return rss
}

// procStatusKB returns a "kB" field of /proc/self/status.
func procStatusKB(t *testing.T, name string) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	prefix := []byte(name + ":")
	for sc.Scan() {
		line := sc.Bytes()
		if !bytes.HasPrefix(line, prefix) {
			continue
		}
		v := bytes.TrimSuffix(bytes.TrimSpace(line[len(prefix):]), []byte(" kB"))
		n, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return n
	}
	t.Fatalf("no %s in /proc/self/status", name)
	return 0
}
