package testutil

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
)

// recorder is a testing.TB that records failures instead of reporting
// them, so that the helpers' own failure reports can be tested.
type recorder struct {
	testing.TB
	mu       sync.Mutex
	errs     []string
	cleanups []func()
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
	r.mu.Unlock()
}

func (r *recorder) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }

func (r *recorder) runCleanups() {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
}

func (r *recorder) errors() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.errs...)
}

func TestPipeDialer(t *testing.T) {
	tests := []struct {
		name     string
		send     string
		wantErrs []string // substrings, one per recorded failure
	}{
		{"match", "GET / HTTP/1.1\r\n\r\n", nil},
		{"mismatch", "GET /x HTTP/1.1\r\n", []string{"first difference at offset 5"}},
		{"extra bytes", "GET / HTTP/1.1\r\n\r\nmore", []string{`unexpected bytes after the script: "more"`}},
		{"short", "GET", []string{"read 3 of 18 expected bytes"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			d := NewPipeDialer(rec, Script{{Expect: "GET / HTTP/1.1\r\n\r\n", Reply: "HTTP/1.1 204 No Content\r\n\r\n"}})
			c, err := d.DialContext(context.Background(), "tcp", "example.com:80")
			if err != nil {
				t.Fatal(err)
			}
			wrote := make(chan struct{})
			go func() {
				defer close(wrote)
				io.WriteString(c, tc.send)
				if len(tc.send) < 18 {
					c.Close()
				}
			}()
			if len(tc.wantErrs) == 0 || tc.name == "extra bytes" {
				got := make([]byte, len("HTTP/1.1 204 No Content\r\n\r\n"))
				if _, err := io.ReadFull(c, got); err != nil {
					t.Errorf("reading reply: %v", err)
				}
			}
			<-wrote
			c.Close()
			rec.runCleanups()
			errs := rec.errors()
			if len(errs) != len(tc.wantErrs) {
				t.Fatalf("recorded failures = %q, want %d", errs, len(tc.wantErrs))
			}
			for i, want := range tc.wantErrs {
				if !strings.Contains(errs[i], want) {
					t.Errorf("failure %d = %q, want it to contain %q", i, errs[i], want)
				}
			}
		})
	}
}

func TestPipeDialerUnexpectedDial(t *testing.T) {
	rec := &recorder{TB: t}
	d := NewPipeDialer(rec)
	if _, err := d.DialContext(context.Background(), "tcp", "x:1"); err == nil {
		t.Error("dial without a script succeeded")
	}
	rec.runCleanups()
	if errs := rec.errors(); len(errs) != 1 || !strings.Contains(errs[0], "unexpected dial") {
		t.Errorf("recorded failures = %q, want one unexpected dial", errs)
	}
}

func TestPipeDialerClose(t *testing.T) {
	d := NewPipeDialer(t, Script{{Expect: "hi", Reply: "bye", Close: true}})
	c, err := d.DialContext(context.Background(), "tcp", "x:1")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got := d.Dials(); len(got) != 1 || got[0] != "x:1" || d.Remaining() != 0 {
		t.Errorf("Dials = %q, Remaining = %d; want [x:1], 0", got, d.Remaining())
	}
	go io.WriteString(c, "hi")
	got, err := io.ReadAll(c)
	if string(got) != "bye" || err != nil {
		t.Errorf("ReadAll = %q, %v; want %q, nil", got, err, "bye")
	}
}

func TestByteDiff(t *testing.T) {
	tests := []struct {
		name, want, got, contains string
	}{
		{"equal", "abc", "abc", ""},
		{"middle", "abcdef", "abXdef", `first difference at offset 2 (want 6 bytes, got 6 bytes)`},
		{"short", "abc", "ab", `first difference at offset 2 (want 3 bytes, got 2 bytes)`},
		{"quoted", "a\r\nb", "a\nb", `"a\r\nb"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := ByteDiff([]byte(tc.want), []byte(tc.got))
			if tc.contains == "" {
				if d != "" {
					t.Errorf("ByteDiff = %q, want empty", d)
				}
				return
			}
			if !strings.Contains(d, tc.contains) {
				t.Errorf("ByteDiff = %q, want it to contain %q", d, tc.contains)
			}
		})
	}
}
