package bench

import (
	"context"
	"io"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"testing"

	"github.com/httpstack/httpstack/client"
	"github.com/valyala/fasthttp"
)

// idleConns is how many idle connections TestIdleConnHeap opens per
// client, and maxIdleHeap the heap one of ours may hold.
const (
	idleConns   = 1000
	maxIdleHeap = 16 << 10
)

// TestIdleConnHeap opens idleConns connections with each client, each
// after one finished small GET, against a raw server in a child process,
// and reports the heap, stack and goroutines each idle connection holds
// (after a GC, client object included). It fails if one of ours holds
// more than 16 KiB of heap. It runs only with BENCH_IDLE=1 (make idle).
// With BENCH_IDLE_HEAPPROFILE=path it also writes, for each client, a heap
// profile of every allocation live while the connections are idle, to
// path.<client>.
func TestIdleConnHeap(t *testing.T) {
	if os.Getenv("BENCH_IDLE") != "1" {
		t.Skip("set BENCH_IDLE=1 to open 3 x 1000 connections (make idle)")
	}
	if os.Getenv("BENCH_IDLE_HEAPPROFILE") != "" {
		// Record every allocation, so that the profile accounts for
		// each byte an idle connection holds.
		old := runtime.MemProfileRate
		runtime.MemProfileRate = 1
		t.Cleanup(func() { runtime.MemProfileRate = old })
	}
	cs := startChildServer(t)
	ctx := context.Background()
	buf := make([]byte, readBufSize)
	url := "http://" + cs.addr + "/small"
	kinds := []struct {
		name string
		open func() (keep any, closeFn func(), err error)
	}{
		{"httpstack", func() (any, func(), error) {
			c, err := client.New(cs.addr)
			if err != nil {
				return nil, nil, err
			}
			n, err := getInto(ctx, c, "/small", buf, false)
			if err == nil && n != int64(len(smallBody)) {
				err = io.ErrUnexpectedEOF
			}
			return c, func() { c.Close() }, err
		}},
		{"nethttp", func() (any, func(), error) {
			tr := &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true}
			c := &http.Client{Transport: tr}
			resp, err := c.Get(url)
			if err != nil {
				return nil, nil, err
			}
			_, err = io.CopyBuffer(io.Discard, struct{ io.Reader }{resp.Body}, buf)
			resp.Body.Close()
			return c, tr.CloseIdleConnections, err
		}},
		{"fasthttp", func() (any, func(), error) {
			hc := &fasthttp.HostClient{Addr: cs.addr, MaxConns: 1}
			req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(resp)
			req.SetRequestURI(url)
			err := hc.Do(req, resp)
			return hc, hc.CloseIdleConnections, err
		}},
	}
	keep := make([]any, idleConns)
	closers := make([]func(), idleConns)
	for _, kind := range kinds {
		t.Run(kind.name, func(t *testing.T) {
			ms0, g0 := settledMemStats()
			for i := range keep {
				k, c, err := kind.open()
				if err != nil {
					t.Fatalf("connection %d: %v", i, err)
				}
				keep[i], closers[i] = k, c
			}
			ms1, g1 := settledMemStats()
			if path := os.Getenv("BENCH_IDLE_HEAPPROFILE"); path != "" {
				writeHeapProfile(t, path+"."+kind.name)
			}
			heap := (int64(ms1.HeapAlloc) - int64(ms0.HeapAlloc)) / idleConns
			stack := (int64(ms1.StackInuse) - int64(ms0.StackInuse)) / idleConns
			objs := (int64(ms1.HeapObjects) - int64(ms0.HeapObjects)) / idleConns
			t.Logf("%s: per idle connection %d B heap in %d objects, %d B stack, %.2f goroutines",
				kind.name, heap, objs, stack, float64(g1-g0)/idleConns)
			for i := range keep {
				closers[i]()
				keep[i], closers[i] = nil, nil
			}
			if kind.name == "httpstack" && heap > maxIdleHeap {
				t.Errorf("an idle connection holds %d B of heap, want <= %d", heap, maxIdleHeap)
			}
		})
	}
	if n := cs.stop(t); n != len(kinds)*idleConns {
		t.Errorf("the server accepted %d connections, want %d", n, len(kinds)*idleConns)
	}
}

// writeHeapProfile writes the live heap to path, for go tool pprof
// -sample_index=inuse_space.
func writeHeapProfile(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		t.Fatal(err)
	}
	t.Logf("heap profile written to %s", path)
}

// settledMemStats returns the memory statistics and goroutine count after
// garbage collection.
func settledMemStats() (runtime.MemStats, int) {
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return ms, runtime.NumGoroutine()
}
