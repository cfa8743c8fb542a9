package hostile

import (
	"bufio"
	"context"
	"crypto/tls"
	"io"
	"net"
	"os"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/httpstack/httpstack/client"
	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/testutil"
)

// Fault injection (reference §5 goal 11): a server that closes, resets,
// stalls or half-closes at every stage of a response, over loopback TCP
// and over net.Pipe. Each case ends in the expected typed error, and the
// Conn recovers: its next request goes over a new connection.

// faultOKReply is the answer of a well-behaved server.
const faultOKReply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

// pipeRequest is what client.New("example.com") sends for GET /.
const pipeRequest = "GET / HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\n\r\n"

// faultTimeout bounds every exchange of these tests; no case needs more
// than a fraction of it.
const faultTimeout = 10 * time.Second

// readHead reads one request head from br (the requests here have no
// body).
func readHead(br *bufio.Reader) error {
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return err
		}
		if line == "\r\n" {
			return nil
		}
	}
}

// connHandler serves one accepted connection.
type connHandler func(t *testing.T, c net.Conn, br *bufio.Reader)

// replyAndClose answers the first request with reply, then closes.
func replyAndClose(reply string) connHandler {
	return func(t *testing.T, c net.Conn, br *bufio.Reader) {
		if readHead(br) != nil {
			return
		}
		io.WriteString(c, reply)
	}
}

// serveOK answers every request with faultOKReply.
func serveOK(t *testing.T, c net.Conn, br *bufio.Reader) {
	for readHead(br) == nil {
		if _, err := io.WriteString(c, faultOKReply); err != nil {
			return
		}
	}
}

// faultServer starts a loopback server whose n-th connection is served
// by handlers[n], and every later one by serveOK.
func faultServer(t *testing.T, handlers ...connHandler) *testutil.Server {
	var n atomic.Int32
	return testutil.NewServer(t, func(c net.Conn) {
		i := int(n.Add(1)) - 1
		h := serveOK
		if i < len(handlers) {
			h = handlers[i]
		}
		h(t, c, bufio.NewReader(c))
	})
}

// wantErrIs fails unless err matches every target.
func wantErrIs(t *testing.T, what string, err error, targets ...error) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error, want one matching %v", what, targets)
	}
	for _, target := range targets {
		if !errors.Is(err, target) {
			t.Errorf("%s: error %q does not match %v", what, err, target)
		}
	}
}

// wantIncomplete fails unless err is an *errors.IncompleteReadError with
// the given Expected.
func wantIncomplete(t *testing.T, what string, err error, expected int64) {
	t.Helper()
	var ie *errors.IncompleteReadError
	if !errors.As(err, &ie) {
		t.Fatalf("%s: error %v (%T), want *errors.IncompleteReadError", what, err, err)
	}
	if ie.Expected != expected {
		t.Errorf("%s: Expected = %d, want %d (%v)", what, ie.Expected, expected, err)
	}
}

// get sends GET / on c and returns the response or the error.
func get(ctx context.Context, t *testing.T, c *client.Conn) (*client.Response, error) {
	t.Helper()
	if err := c.Request(ctx, "GET", "/", nil, nil); err != nil {
		t.Fatalf("Request: %v", err)
	}
	return c.GetResponse(ctx)
}

// wantRecovered checks that c answers a new request with faultOKReply.
func wantRecovered(ctx context.Context, t *testing.T, c *client.Conn) {
	t.Helper()
	resp, err := get(ctx, t, c)
	if err != nil {
		t.Fatalf("request after the fault: %v", err)
	}
	body, err := io.ReadAll(resp)
	if err != nil || string(body) != "ok" {
		t.Fatalf("request after the fault: body %q, err %v", body, err)
	}
	resp.Close()
}

// closeCase is a server that sends reply and closes the connection.
type closeCase struct {
	name  string
	reply string
	// headErr, when set, are what the GetResponse error must match.
	headErr []error
	// Otherwise the body read must end with an *IncompleteReadError with
	// this Expected (or, with complete, succeed) after delivering body.
	expected int64
	complete bool
	body     string
}

var closeCases = []closeCase{
	{name: "before status line", reply: "",
		headErr: []error{errors.ErrRemoteDisconnected, errors.ErrBadStatusLine, syscall.ECONNRESET}},
	{name: "mid status line", reply: "HTTP/1.1 20",
		headErr: []error{errors.ErrRemoteDisconnected, io.ErrUnexpectedEOF}},
	{name: "mid header line", reply: "HTTP/1.1 200 OK\r\nContent-Le",
		headErr: []error{errors.ErrRemoteDisconnected, io.ErrUnexpectedEOF}},
	{name: "before end of head", reply: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n",
		headErr: []error{errors.ErrRemoteDisconnected, io.ErrUnexpectedEOF}},
	{name: "mid 1xx", reply: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 2",
		headErr: []error{errors.ErrRemoteDisconnected, io.ErrUnexpectedEOF}},
	{name: "mid length body", reply: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello",
		expected: 5, body: "hello"},
	{name: "length body not started", reply: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n",
		expected: 10},
	{name: "mid chunk", reply: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
		expected: -1, body: "hel"},
	{name: "mid chunk size", reply: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1",
		expected: -1, body: "hello"},
	{name: "before last chunk", reply: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
		expected: -1, body: "hello"},
	{name: "mid trailer", reply: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Sum: 1",
		expected: -1, body: "hello"},
	{name: "after trailer line", reply: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Sum: 1\r\n",
		expected: -1, body: "hello"},
	{name: "before final CRLF", reply: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n",
		expected: -1, body: "hello"},
	// The control case: a close-delimited body ends at the close.
	{name: "close-delimited body", reply: "HTTP/1.1 200 OK\r\n\r\nall of it", complete: true, body: "all of it"},
}

// runCloseCase runs one exchange against a server that closes and checks
// the outcome, then the recovery.
func runCloseCase(ctx context.Context, t *testing.T, c *client.Conn, tc closeCase) {
	resp, err := get(ctx, t, c)
	if tc.headErr != nil {
		if resp != nil {
			t.Fatalf("GetResponse returned a response with error %v", err)
		}
		wantErrIs(t, "GetResponse", err, tc.headErr...)
		checkErr(t, "GetResponse", err)
	} else {
		if err != nil {
			t.Fatalf("GetResponse: %v", err)
		}
		body, err := io.ReadAll(resp)
		if string(body) != tc.body {
			t.Errorf("body %q, want %q", body, tc.body)
		}
		if tc.complete {
			if err != nil {
				t.Fatalf("body: %v", err)
			}
		} else {
			wantIncomplete(t, "body", err, tc.expected)
			wantErrIs(t, "body", err, errors.ErrIncompleteRead, io.ErrUnexpectedEOF)
		}
		resp.Close()
	}
	wantRecovered(ctx, t, c)
}

// TestFaultClose: the server closes the connection at every stage of the
// response, over loopback TCP and over net.Pipe.
func TestFaultClose(t *testing.T) {
	for _, tc := range closeCases {
		t.Run("tcp/"+tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), faultTimeout)
			defer cancel()
			srv := faultServer(t, replyAndClose(tc.reply))
			c, err := client.New(srv.Addr())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			runCloseCase(ctx, t, c, tc)
			if n := srv.Accepted(); n != 2 {
				t.Errorf("%d connections, want 2 (the faulty one never reused)", n)
			}
		})
		t.Run("pipe/"+tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), faultTimeout)
			defer cancel()
			d := testutil.NewPipeDialer(t,
				testutil.Script{{Expect: pipeRequest, Reply: tc.reply, Close: true}},
				testutil.Script{{Expect: pipeRequest, Reply: faultOKReply}})
			c, err := client.New("example.com", client.WithDialer(d))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			runCloseCase(ctx, t, c, tc)
		})
	}
}

// TestFaultReset: the server aborts the connection (RST, via
// testutil.ResetConn) before the status line, in a length body and in a
// chunk; the client must see ECONNRESET inside a typed error.
func TestFaultReset(t *testing.T) {
	tests := []struct {
		name    string
		head    string // sent before the reset, after the request
		bodyLen int    // body bytes in head the client reads before the reset
		headErr bool
		expect  int64
	}{
		{name: "before status line", headErr: true},
		{name: "mid length body", head: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello", bodyLen: 5, expect: 5},
		{name: "mid chunk", head: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\nhello", bodyLen: 5, expect: -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), faultTimeout)
			defer cancel()
			read := make(chan struct{}) // the client has read what was sent
			srv := faultServer(t, func(t *testing.T, c net.Conn, br *bufio.Reader) {
				if readHead(br) != nil {
					return
				}
				io.WriteString(c, tc.head)
				if !tc.headErr {
					select {
					case <-read:
					case <-ctx.Done():
					}
				}
				testutil.ResetConn(c)
			})
			c, err := client.New(srv.Addr())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			resp, err := get(ctx, t, c)
			if tc.headErr {
				wantErrIs(t, "GetResponse", err, errors.ErrRemoteDisconnected, syscall.ECONNRESET)
				checkErr(t, "GetResponse", err)
			} else {
				if err != nil {
					t.Fatalf("GetResponse: %v", err)
				}
				buf := make([]byte, tc.bodyLen)
				if _, err := io.ReadFull(resp, buf); err != nil {
					t.Fatalf("reading the bytes sent before the reset: %v", err)
				}
				close(read)
				_, err = io.ReadAll(resp)
				wantIncomplete(t, "body", err, tc.expect)
				wantErrIs(t, "body", err, errors.ErrIncompleteRead, syscall.ECONNRESET)
				resp.Close()
			}
			wantRecovered(ctx, t, c)
		})
	}
}

// stallReply is a head and the start of a body, after which the server
// goes silent without closing.
const stallReply = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhe"

// TestFaultStall: the server stops sending after the head (or before
// it). WithTimeout bounds each read, a context deadline the whole
// exchange; either way the client fails with a typed error naming the
// timeout, over TCP, net.Pipe and testutil.StallConn.
func TestFaultStall(t *testing.T) {
	const limit = 200 * time.Millisecond
	transports := []struct {
		name string
		dial func(t *testing.T, reply string) (host string, opts []client.Option)
	}{
		{"tcp", func(t *testing.T, reply string) (string, []client.Option) {
			srv := faultServer(t, func(t *testing.T, c net.Conn, br *bufio.Reader) {
				if readHead(br) != nil {
					return
				}
				io.WriteString(c, reply)
				io.Copy(io.Discard, br) // until the client closes
			})
			return srv.Addr(), nil
		}},
		{"pipe", func(t *testing.T, reply string) (string, []client.Option) {
			d := testutil.NewPipeDialer(t, testutil.Script{{Expect: pipeRequest, Reply: reply}})
			return "example.com", []client.Option{client.WithDialer(d)}
		}},
		{"stallconn", func(t *testing.T, reply string) (string, []client.Option) {
			d := stallDialer{data: reply + "llo world, never seen", after: len(reply)}
			if reply == "" {
				d = stallDialer{data: faultOKReply}
			}
			return "example.com", []client.Option{client.WithDialer(d)}
		}},
	}
	tests := []struct {
		name     string
		reply    string
		deadline bool // a context deadline instead of WithTimeout
	}{
		{name: "head/timeout"},
		{name: "head/deadline", deadline: true},
		{name: "body/timeout", reply: stallReply},
		{name: "body/deadline", reply: stallReply, deadline: true},
	}
	for _, tr := range transports {
		for _, tc := range tests {
			t.Run(tr.name+"/"+tc.name, func(t *testing.T) {
				host, opts := tr.dial(t, tc.reply)
				ctx, cancel := context.WithTimeout(context.Background(), faultTimeout)
				defer cancel()
				var timeoutErr error = os.ErrDeadlineExceeded
				if tc.deadline {
					ctx, cancel = context.WithTimeout(ctx, limit)
					defer cancel()
					timeoutErr = context.DeadlineExceeded
				} else {
					opts = append(opts, client.WithTimeout(limit))
				}
				c, err := client.New(host, opts...)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				resp, err := get(ctx, t, c)
				if tc.reply == "" {
					wantErrIs(t, "GetResponse", err, timeoutErr)
					return
				}
				if err != nil {
					t.Fatalf("GetResponse: %v", err)
				}
				defer resp.Close()
				body, err := io.ReadAll(resp)
				if string(body) != "he" {
					t.Errorf("body %q, want %q", body, "he")
				}
				wantIncomplete(t, "body", err, 8)
				wantErrIs(t, "body", err, errors.ErrIncompleteRead, timeoutErr)
			})
		}
	}
}

// stallDialer dials FakeConns serving data, wrapped in
// testutil.StallConn to stall after the first after bytes.
type stallDialer struct {
	data  string
	after int
}

func (d stallDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	return testutil.StallConn(testutil.NewFakeConn(testutil.FakeReply{Data: d.data}), d.after), nil
}

// TestFaultHalfClose: the server half-closes (CloseWrite, a FIN) while
// still reading.
//   - After a close-delimited body, the FIN is the end of the body: the
//     body is complete and the connection is not reused.
//   - On an idle kept-alive connection, a FIN that has arrived before
//     the next request makes the client send it on a new connection; one
//     that arrives after the request was written makes it fail with
//     ErrRemoteDisconnected (Python's RemoteDisconnected; the caller may
//     retry), and the one after dials again. Which of the two happens
//     depends on timing; either way nothing is read from the half-closed
//     connection after the FIN.
func TestFaultHalfClose(t *testing.T) {
	t.Run("close-delimited body", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), faultTimeout)
		defer cancel()
		srv := faultServer(t, func(t *testing.T, c net.Conn, br *bufio.Reader) {
			if readHead(br) != nil {
				return
			}
			io.WriteString(c, "HTTP/1.1 200 OK\r\n\r\nuntil FIN")
			c.(*net.TCPConn).CloseWrite()
			io.Copy(io.Discard, br)
		})
		c, err := client.New(srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		resp, err := get(ctx, t, c)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp)
		if err != nil || string(body) != "until FIN" {
			t.Fatalf("body %q, err %v", body, err)
		}
		resp.Close()
		wantRecovered(ctx, t, c)
		if n := srv.Accepted(); n != 2 {
			t.Errorf("%d connections, want 2", n)
		}
	})
	t.Run("idle keep-alive", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), faultTimeout)
		defer cancel()
		srv := faultServer(t, func(t *testing.T, c net.Conn, br *bufio.Reader) {
			if readHead(br) != nil {
				return
			}
			io.WriteString(c, faultOKReply)
			c.(*net.TCPConn).CloseWrite()
			readHead(br) // the second request arrives, unanswered
			io.Copy(io.Discard, br)
		})
		c, err := client.New(srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		wantRecovered(ctx, t, c)
		resp, err := get(ctx, t, c)
		if err == nil {
			// The client saw the FIN before sending (client/stale.go)
			// and sent the request on a new connection.
			body, err := io.ReadAll(resp)
			if err != nil || string(body) != "ok" || srv.Accepted() != 2 {
				t.Fatalf("after the FIN: body %q, err %v, %d connections", body, err, srv.Accepted())
			}
			resp.Close()
		} else {
			// The FIN arrived after the request was written.
			wantErrIs(t, "GetResponse after the FIN", err, errors.ErrRemoteDisconnected, syscall.ECONNRESET)
			wantRecovered(ctx, t, c)
		}
		if n := srv.Accepted(); n != 2 {
			t.Errorf("%d connections, want 2", n)
		}
	})
}

// TestFaultTLSNoCloseNotify: over TLS, a close-delimited body must end
// with close_notify; a server (or attacker) that just closes the TCP
// connection has truncated the body. A length-delimited body cut the same
// way is incomplete too, and a body ended by close_notify is complete.
func TestFaultTLSNoCloseNotify(t *testing.T) {
	tests := []struct {
		name        string
		reply       string
		closeNotify bool
		wantBody    string
		expect      int64 // -2: complete
	}{
		{"close-delimited/close_notify", "HTTP/1.1 200 OK\r\n\r\nall of it", true, "all of it", -2},
		// Regression: crypto/tls returns io.EOF when TCP ends at a record
		// boundary without close_notify; that once read as a complete
		// body (a truncation attack).
		{"close-delimited/raw close", "HTTP/1.1 200 OK\r\n\r\npart of", false, "part of", -1},
		{"length/raw close", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello", false, "hello", 5},
		{"chunked/raw close", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", false, "hello", -1},
	}
	ca := testutil.NewCA(t)
	cfg := ca.ServerConfig("127.0.0.1")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), faultTimeout)
			defer cancel()
			srv := faultServer(t, func(t *testing.T, raw net.Conn, _ *bufio.Reader) {
				sc := tls.Server(raw, cfg)
				sc.SetDeadline(time.Now().Add(faultTimeout))
				if readHead(bufio.NewReader(sc)) != nil {
					return
				}
				io.WriteString(sc, tc.reply)
				if tc.closeNotify {
					sc.Close()
				} else {
					raw.Close()
				}
			})
			c, err := client.NewTLS(srv.Addr(), client.WithTLSConfig(ca.ClientConfig()))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			resp, err := get(ctx, t, c)
			if err != nil {
				t.Fatalf("GetResponse: %v", err)
			}
			defer resp.Close()
			body, err := io.ReadAll(resp)
			if string(body) != tc.wantBody {
				t.Errorf("body %q, want %q", body, tc.wantBody)
			}
			switch {
			case tc.expect == -2:
				if err != nil {
					t.Fatalf("body: %v", err)
				}
			default:
				wantIncomplete(t, "body", err, tc.expect)
				wantErrIs(t, "body", err, errors.ErrIncompleteRead, io.ErrUnexpectedEOF)
			}
		})
	}
}
