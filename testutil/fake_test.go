package testutil

import (
	"context"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/httpstack/httpstack/errors"
)

func TestFakeDialer(t *testing.T) {
	d := NewFakeDialer("HTTP/1.1 200 OK\r\n\r\n", "second")
	ctx := context.Background()
	tests := []struct {
		addr string
		want string
	}{
		{"a:80", "HTTP/1.1 200 OK\r\n\r\n"},
		{"b:80", "second"},
		{"c:80", ""}, // replies exhausted: EOF at once
	}
	for _, tc := range tests {
		c, err := d.DialContext(ctx, "tcp", tc.addr)
		if err != nil {
			t.Fatalf("DialContext(%q): %v", tc.addr, err)
		}
		got, err := io.ReadAll(OneByteConn(c))
		if err != nil || string(got) != tc.want {
			t.Errorf("read from %q = %q, %v; want %q, nil", tc.addr, got, err, tc.want)
		}
		if c.RemoteAddr().String() != tc.addr {
			t.Errorf("RemoteAddr = %v, want %v", c.RemoteAddr(), tc.addr)
		}
	}
	if diff := cmp.Diff([]string{"a:80", "b:80", "c:80"}, d.Dials()); diff != "" {
		t.Errorf("Dials (-want +got):\n%s", diff)
	}
	if n := len(d.Conns()); n != 3 {
		t.Errorf("len(Conns) = %d, want 3", n)
	}
}

func TestFakeDialerErrors(t *testing.T) {
	want := syscall.ECONNREFUSED
	d := &FakeDialer{Err: want}
	if _, err := d.DialContext(context.Background(), "tcp", "x:1"); !errors.Is(err, want) {
		t.Errorf("DialContext with Err = %v, want %v", err, want)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewFakeDialer("x").DialContext(ctx, "tcp", "x:1"); !errors.Is(err, context.Canceled) {
		t.Errorf("DialContext with cancelled ctx = %v, want context.Canceled", err)
	}
	if got := d.Dials(); len(got) != 1 {
		t.Errorf("failed dials recorded = %v, want one", got)
	}
}

func TestFakeConnWrites(t *testing.T) {
	tests := []struct {
		name       string
		failAfter  int
		writes     []string
		wantWrites []string
		wantErrAt  int // index of the first failing write, -1 for none
	}{
		{"records each call", 0, []string{"ab", "", "cde"}, []string{"ab", "cde"}, -1},
		{"fail after 3", 3, []string{"ab", "cde", "f"}, []string{"ab", "c"}, 1},
		{"fail at once", -1, []string{"ab"}, []string{}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := NewFakeConn(FakeReply{FailWriteAfter: tc.failAfter})
			errAt := -1
			for i, w := range tc.writes {
				n, err := c.Write([]byte(w))
				if err != nil {
					if !errors.Is(err, ErrInjectedWrite) || !errors.Is(err, syscall.EPIPE) {
						t.Errorf("write %d error = %v, want ErrInjectedWrite", i, err)
					}
					if errAt < 0 {
						errAt = i
					}
				} else if n != len(w) {
					t.Errorf("write %d = %d, want %d", i, n, len(w))
				}
			}
			if errAt != tc.wantErrAt {
				t.Errorf("first failing write = %d, want %d", errAt, tc.wantErrAt)
			}
			got := []string{}
			for _, w := range c.Writes() {
				got = append(got, string(w))
			}
			if diff := cmp.Diff(tc.wantWrites, got); diff != "" {
				t.Errorf("Writes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFakeDialerFailWriteAfterDefault(t *testing.T) {
	d := NewFakeDialer("")
	d.FailWriteAfter = 2
	c, _ := d.DialContext(context.Background(), "tcp", "x:1")
	if n, err := c.Write([]byte("abc")); n != 2 || !errors.Is(err, ErrInjectedWrite) {
		t.Errorf("Write = %d, %v; want 2, ErrInjectedWrite", n, err)
	}
	if got := string(d.Conns()[0].Written()); got != "ab" {
		t.Errorf("Written = %q, want %q", got, "ab")
	}
}

func TestFakeConnHang(t *testing.T) {
	t.Run("deadline", func(t *testing.T) {
		c := NewFakeConn(FakeReply{Data: "x", Hang: true})
		buf := make([]byte, 4)
		if n, err := c.Read(buf); n != 1 || err != nil {
			t.Fatalf("first Read = %d, %v", n, err)
		}
		c.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
		if _, err := c.Read(buf); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("Read after deadline = %v, want os.ErrDeadlineExceeded", err)
		}
	})
	t.Run("deadline moved while blocked", func(t *testing.T) {
		c := NewFakeConn(FakeReply{Hang: true})
		ctx, cancel := context.WithCancel(context.Background())
		stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Unix(1, 0)) })
		defer stop()
		go cancel()
		if _, err := c.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("Read = %v, want os.ErrDeadlineExceeded", err)
		}
	})
	t.Run("close", func(t *testing.T) {
		c := NewFakeConn(FakeReply{Hang: true, HangWrite: true})
		done := make(chan error, 2)
		go func() { _, err := c.Read(make([]byte, 1)); done <- err }()
		go func() { _, err := c.Write([]byte("x")); done <- err }()
		c.Close()
		for range 2 {
			if err := <-done; !errors.Is(err, net.ErrClosed) {
				t.Errorf("blocked call after Close = %v, want net.ErrClosed", err)
			}
		}
		if !c.Closed() {
			t.Error("Closed() = false after Close")
		}
		if err := c.Close(); !errors.Is(err, net.ErrClosed) {
			t.Errorf("second Close = %v, want net.ErrClosed", err)
		}
	})
}

func TestFakeConnWriteDeadline(t *testing.T) {
	c := NewFakeConn(FakeReply{Data: "abc"})
	c.SetWriteDeadline(time.Unix(1, 0))
	if _, err := c.Write([]byte("x")); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("Write past deadline = %v, want os.ErrDeadlineExceeded", err)
	}
	// The read side is unaffected.
	buf := make([]byte, 1)
	if n, err := c.Read(buf); n != 1 || err != nil || c.Unread() != "bc" {
		t.Errorf("Read = %d, %v, Unread %q; want 1, nil, \"bc\"", n, err, c.Unread())
	}
}
