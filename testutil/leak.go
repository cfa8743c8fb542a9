package testutil

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// leakWait is how long a leak check polls for goroutines to exit.
var leakWait = 5 * time.Second

// ignoredStacks marks goroutines that belong to the runtime or the test
// framework rather than to code under test.
var ignoredStacks = []string{
	"testing.tRunner(",
	"testing.(*M).",
	"testing.runFuzzing(",
	"testing.(*F).",
	"os/signal.signal_recv",
	"os/signal.loop",
	"runtime.ensureSigM",
	"runtime/trace.",
	"testutil.goroutines(",
}

// goroutines returns the stacks of the live goroutines that are not
// ignored, keyed by goroutine ID.
func goroutines() map[string]string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	out := make(map[string]string)
next:
	for _, g := range strings.Split(string(buf), "\n\n") {
		for _, s := range ignoredStacks {
			if strings.Contains(g, s) {
				continue next
			}
		}
		// "goroutine 42 [chan receive]:"
		id, _, _ := strings.Cut(strings.TrimPrefix(g, "goroutine "), " ")
		out[id] = g
	}
	return out
}

// leaked polls for up to leakWait until no goroutine outside base is
// running, and returns the stacks of those that remain.
func leaked(base map[string]string) []string {
	deadline := time.Now().Add(leakWait)
	for {
		var extra []string
		for id, g := range goroutines() {
			if _, ok := base[id]; !ok {
				extra = append(extra, g)
			}
		}
		if len(extra) == 0 || time.Now().After(deadline) {
			return extra
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// LeakCheck runs the tests of m and then checks that every goroutine they
// started has exited, polling for a few seconds. It returns m.Run's exit
// code, or 1 (after printing the leaked stacks) on a leak. Use it from
// TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(testutil.LeakCheck(m)) }
func LeakCheck(m *testing.M) int {
	base := goroutines()
	code := m.Run()
	if code != 0 {
		return code
	}
	if extra := leaked(base); len(extra) > 0 {
		fmt.Fprintf(os.Stderr, "testutil: %d goroutine(s) leaked by tests:\n\n%s\n", len(extra), strings.Join(extra, "\n\n"))
		return 1
	}
	return 0
}

// VerifyNoLeaks records the running goroutines and registers a cleanup
// that fails t if, after the test and the cleanups registered after this
// call, goroutines started since remain (polling for a few seconds). Call
// it first in a test, so its cleanup runs last. It does not work with
// parallel tests.
func VerifyNoLeaks(t testing.TB) {
	t.Helper()
	base := goroutines()
	t.Cleanup(func() {
		if extra := leaked(base); len(extra) > 0 {
			t.Errorf("testutil: %d goroutine(s) leaked:\n\n%s", len(extra), strings.Join(extra, "\n\n"))
		}
	})
}
