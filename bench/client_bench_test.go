package bench

import (
	"syscall"
	"testing"
)

// BenchmarkClient runs every client in every scenario against its own raw
// server: Client/<scenario>/<client>. One request is sent before the timer
// starts, so the dial is not measured. The benchmark fails if the client
// opened more than one connection, or read a body of the wrong length.
// Besides ns/op, B/op and allocs/op it reports cpu-ns/op, the process's CPU
// time per request (see processCPU).
func BenchmarkClient(b *testing.B) {
	for _, sc := range scenarios {
		b.Run(sc.name, func(b *testing.B) {
			for _, kind := range clientKinds {
				b.Run(kind.name, func(b *testing.B) {
					benchClientScenario(b, sc, kind.new)
				})
			}
		})
	}
}

func benchClientScenario(b *testing.B, sc *scenario, newClient func(string) (benchClient, error)) {
	srv := startRawServer(b)
	c, err := newClient(srv.addr)
	if err != nil {
		b.Fatal(err)
	}
	defer c.close()
	if n, err := c.do(sc); err != nil || n != sc.bodyLen {
		b.Fatalf("warm-up request: read %d body bytes, want %d: %v", n, sc.bodyLen, err)
	}
	b.SetBytes(int64(sc.bodyLen))
	b.ReportAllocs()
	cpu0 := processCPU(b)
	for b.Loop() {
		n, err := c.do(sc)
		if err != nil || n != sc.bodyLen {
			b.Fatalf("read %d body bytes, want %d: %v", n, sc.bodyLen, err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(processCPU(b)-cpu0)/float64(b.N), "cpu-ns/op")
	if n := srv.accepted.Load(); n != 1 {
		b.Fatalf("keep-alive broken: the client opened %d connections", n)
	}
}

// processCPU returns the CPU time, user and system, the process has used,
// in nanoseconds. Per request it counts the client and the server alike;
// unlike the wall time it does not grow while other processes hold the
// CPU, so on a shared machine it is the steadier measure.
func processCPU(tb testing.TB) int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// TestClients checks that every client reads every scenario's body over a
// single connection, so that the benchmarks measure what they claim.
func TestClients(t *testing.T) {
	for _, kind := range clientKinds {
		t.Run(kind.name, func(t *testing.T) {
			srv := startRawServer(t)
			c, err := kind.new(srv.addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.close()
			const rounds = 3
			for range rounds {
				for _, sc := range scenarios {
					n, err := c.do(sc)
					if err != nil || n != sc.bodyLen {
						t.Fatalf("%s: read %d body bytes, want %d: %v", sc.name, n, sc.bodyLen, err)
					}
				}
			}
			if n := srv.accepted.Load(); n != 1 {
				t.Errorf("opened %d connections, want 1", n)
			}
			if n, want := srv.requests.Load(), int64(rounds*len(scenarios)); n != want {
				t.Errorf("server answered %d requests, want %d", n, want)
			}
		})
	}
}
