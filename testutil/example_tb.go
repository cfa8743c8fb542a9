package testutil

import (
	"fmt"
	"os"
	"sync"
	"testing"
)

// ExampleTB is a testing.TB for runnable examples, which get no *testing.T:
// it collects Cleanup functions and runs them (last first) on Close, and
// prints failures to standard output so that the example's Output check
// catches them. Fatal and Fatalf print and then panic. Methods it does
// not implement panic.
type ExampleTB struct {
	testing.TB // nil: unimplemented methods panic

	mu       sync.Mutex
	cleanups []func()
	failed   bool
}

// NewExampleTB returns an ExampleTB; call Close when the example ends.
func NewExampleTB() *ExampleTB { return &ExampleTB{} }

// Close runs the registered cleanups, last registered first.
func (e *ExampleTB) Close() {
	for {
		e.mu.Lock()
		if len(e.cleanups) == 0 {
			e.mu.Unlock()
			return
		}
		f := e.cleanups[len(e.cleanups)-1]
		e.cleanups = e.cleanups[:len(e.cleanups)-1]
		e.mu.Unlock()
		f()
	}
}

// Cleanup registers f to run on Close.
func (e *ExampleTB) Cleanup(f func()) {
	e.mu.Lock()
	e.cleanups = append(e.cleanups, f)
	e.mu.Unlock()
}

// TempDir returns a new temporary directory, removed on Close.
func (e *ExampleTB) TempDir() string {
	dir, err := os.MkdirTemp("", "httpstack-example-")
	if err != nil {
		e.Fatalf("testutil: TempDir: %v", err)
	}
	e.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// Helper does nothing.
func (e *ExampleTB) Helper() {}

// Name returns "example".
func (e *ExampleTB) Name() string { return "example" }

// Log prints its arguments to standard error.
func (e *ExampleTB) Log(args ...any) { fmt.Fprintln(os.Stderr, args...) }

// Logf prints to standard error.
func (e *ExampleTB) Logf(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }

// Error prints its arguments to standard output and marks the example failed.
func (e *ExampleTB) Error(args ...any) {
	e.Fail()
	fmt.Println(append([]any{"FAIL:"}, args...)...)
}

// Errorf prints to standard output and marks the example failed.
func (e *ExampleTB) Errorf(format string, args ...any) {
	e.Fail()
	fmt.Printf("FAIL: "+format+"\n", args...)
}

// Fatal is Error followed by FailNow.
func (e *ExampleTB) Fatal(args ...any) { e.Error(args...); e.FailNow() }

// Fatalf is Errorf followed by FailNow.
func (e *ExampleTB) Fatalf(format string, args ...any) { e.Errorf(format, args...); e.FailNow() }

// Fail marks the example failed.
func (e *ExampleTB) Fail() {
	e.mu.Lock()
	e.failed = true
	e.mu.Unlock()
}

// FailNow panics: an example cannot stop its goroutine the way a test can.
func (e *ExampleTB) FailNow() {
	e.Fail()
	panic("testutil: example failed")
}

// Failed reports whether a failure was recorded.
func (e *ExampleTB) Failed() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.failed
}
