package testutil

import (
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/nettest"

	"github.com/httpstack/httpstack/errors"
)

// wrapPipe returns a nettest.MakePipe whose first end is wrapped.
func wrapPipe(wrap func(net.Conn) net.Conn) nettest.MakePipe {
	return func() (c1, c2 net.Conn, stop func(), err error) {
		a, b := net.Pipe()
		w := wrap(a)
		return w, b, func() { w.Close(); b.Close() }, nil
	}
}

func TestWrappersNettest(t *testing.T) {
	tests := []struct {
		name string
		wrap func(net.Conn) net.Conn
	}{
		{"OneByteConn", OneByteConn},
		// Limits beyond what the suite transfers: only the pass-through
		// behaviour (deadlines, Close, concurrency) is under test here.
		{"CutConn", func(c net.Conn) net.Conn { return CutConn(c, 1<<40) }},
		{"StallConn", func(c net.Conn) net.Conn { return StallConn(c, 1<<40) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { nettest.TestConn(t, wrapPipe(tc.wrap)) })
	}
}

// feed returns a conn that reads data and then EOF.
func feed(data string) net.Conn { return NewFakeConn(FakeReply{Data: data}) }

func TestOneByteConn(t *testing.T) {
	c := OneByteConn(feed("abc"))
	buf := make([]byte, 8)
	for _, want := range []string{"a", "b", "c"} {
		n, err := c.Read(buf)
		if err != nil || string(buf[:n]) != want {
			t.Fatalf("Read = %q, %v; want %q", buf[:n], err, want)
		}
	}
	if _, err := c.Read(buf); err != io.EOF {
		t.Errorf("final Read error = %v, want EOF", err)
	}
}

func TestCutConn(t *testing.T) {
	tests := []struct {
		data string
		n    int
		want string
	}{
		{"hello world", 5, "hello"},
		{"hi", 5, "hi"},
		{"hi", 0, ""},
	}
	for _, tc := range tests {
		got, err := io.ReadAll(CutConn(feed(tc.data), tc.n))
		if err != nil || string(got) != tc.want {
			t.Errorf("CutConn(%q, %d) read %q, %v; want %q", tc.data, tc.n, got, err, tc.want)
		}
	}
}

func TestStallConn(t *testing.T) {
	t.Run("deadline", func(t *testing.T) {
		c := StallConn(feed("hello world"), 5)
		got := make([]byte, 5)
		if _, err := io.ReadFull(c, got); err != nil || string(got) != "hello" {
			t.Fatalf("read %q, %v", got, err)
		}
		c.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
		if _, err := c.Read(got); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("stalled Read = %v, want os.ErrDeadlineExceeded", err)
		}
	})
	t.Run("close", func(t *testing.T) {
		c := StallConn(feed("x"), 0)
		done := make(chan error, 1)
		go func() { _, err := c.Read(make([]byte, 1)); done <- err }()
		c.Close()
		if err := <-done; !errors.Is(err, net.ErrClosed) {
			t.Errorf("stalled Read after Close = %v, want net.ErrClosed", err)
		}
	})
}

func TestResetConn(t *testing.T) {
	got := make(chan error, 1)
	s := NewServer(t, func(c net.Conn) {
		c.SetReadDeadline(time.Now().Add(cleanupTimeout))
		_, err := io.Copy(io.Discard, c)
		got <- err
	})
	c, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	c.Write([]byte("x"))
	if err := ResetConn(OneByteConn(c)); err != nil {
		t.Fatalf("ResetConn: %v", err)
	}
	if err := <-got; !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("peer read error = %v, want ECONNRESET", err)
	}
}
