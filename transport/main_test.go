package transport

import (
	"context"
	"net"
	"os"
	"testing"

	"github.com/httpstack/httpstack/message"
	"github.com/httpstack/httpstack/testutil"
)

func TestMain(m *testing.M) { os.Exit(testutil.LeakCheck(m)) }

// dialerFunc adapts a function to Dialer.
type dialerFunc func(ctx context.Context, network, address string) (net.Conn, error)

func (f dialerFunc) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	return f(ctx, network, address)
}

// hookConn calls onWrite before each Write; tests use it to cancel a
// context at a known point of an exchange.
type hookConn struct {
	net.Conn
	onWrite func()
}

func (c *hookConn) Write(p []byte) (int, error) {
	if c.onWrite != nil {
		c.onWrite()
	}
	return c.Conn.Write(p)
}

// hookDialer wraps every conn d returns with onWrite.
func hookDialer(d Dialer, onWrite func()) Dialer {
	return dialerFunc(func(ctx context.Context, network, address string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, address)
		if err != nil {
			return nil, err
		}
		return &hookConn{Conn: c, onWrite: onWrite}, nil
	})
}

// oneByteDialer wraps every conn d returns with testutil.OneByteConn.
func oneByteDialer(d Dialer) Dialer {
	return dialerFunc(func(ctx context.Context, network, address string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, address)
		if err != nil {
			return nil, err
		}
		return testutil.OneByteConn(c), nil
	})
}

// echoServer starts a loopback server that echoes what it reads.
func echoServer(t *testing.T) *testutil.Server {
	return testutil.NewServer(t, func(c net.Conn) {
		buf := make([]byte, 4096)
		for {
			n, err := c.Read(buf)
			if n > 0 {
				if _, err := c.Write(buf[:n]); err != nil {
					return
				}
			}
			if err != nil {
				return
			}
		}
	})
}

// roundTrip writes msg to c and reads back len(msg) bytes.
func roundTrip(t *testing.T, c net.Conn, msg string) string {
	t.Helper()
	if _, err := c.Write([]byte(msg)); err != nil {
		t.Fatalf("write: %v", err)
	}
	buf := make([]byte, len(msg))
	n, err := readFull(c, buf)
	if err != nil {
		t.Fatalf("read after %d bytes: %v", n, err)
	}
	return string(buf)
}

func readFull(c net.Conn, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := c.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// hdr builds a message.Header from name, value pairs.
func hdr(kv ...string) message.Header {
	h := make(message.Header, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		h = append(h, message.Field{Name: kv[i], Value: kv[i+1]})
	}
	return h
}
