package wire_test

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/wire"
)

// The examples are the code blocks of docs/wire.md, which shows how to
// build tools (proxies, servers, fuzzers, protocol checkers) on the codecs
// without package client.

// A whole response head, decoded from a byte slice: the status line, the
// header fields one at a time, then the body framing RFC 9112 §6.3
// derives from them. Nothing is read from a connection and nothing is
// copied: every []byte is a view into head.
func Example() {
	head := []byte("HTTP/1.1 200 OK\r\n" +
		"Content-Type: text/plain\r\n" +
		"Content-Length: 5\r\n" +
		"\r\n" +
		"hello")

	sl, n, err := wire.ParseStatusLine(head, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sl.Version, sl.Code, string(sl.Reason))
	head = head[n:]

	var dec wire.HeaderDecoder // the zero value uses DefaultLimits
	var contentLength, transferEncoding []string
	for {
		name, value, n, done, err := dec.Next(head)
		if err != nil {
			fmt.Println(err)
			return
		}
		head = head[n:]
		if done {
			break
		}
		fmt.Printf("%s: %s\n", name, value)
		switch strings.ToLower(string(name)) {
		case "content-length":
			contentLength = append(contentLength, string(value))
		case "transfer-encoding":
			transferEncoding = append(transferEncoding, string(value))
		}
	}

	f, err := wire.BodyFraming("GET", sl.Code, transferEncoding, contentLength, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Kind, f.Length, string(head[:f.Length]))
	// Output:
	// HTTP/1.1 200 OK
	// Content-Type: text/plain
	// Content-Length: 5
	// FrameLength 5 hello
}

// ParseStatusLine reports how many bytes it consumed, or ErrNeedMore
// (consuming nothing) while the line is incomplete: the caller appends
// what arrives and calls again.
func ExampleParseStatusLine() {
	var buf []byte
	for _, part := range []string{"HTTP/1.1 404 Not", " Found\r\nServer: x\r\n"} {
		buf = append(buf, part...)
		sl, n, err := wire.ParseStatusLine(buf, nil)
		if errors.Is(err, wire.ErrNeedMore) {
			fmt.Printf("need more after %q\n", buf)
			continue
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s %d %q, consumed %d of %d bytes\n", sl.Proto, sl.Code, sl.Reason, n, len(buf))
	}

	// Strict where http.client is lenient: no sign, exactly three digits.
	_, _, err := wire.ParseStatusLine([]byte("HTTP/1.1 +200 OK\r\n"), nil)
	var bsl *errors.BadStatusLineError
	fmt.Println(errors.As(err, &bsl), errors.Is(err, errors.ErrBadStatusLine))
	// Output:
	// need more after "HTTP/1.1 404 Not"
	// HTTP/1.1 404 "Not Found", consumed 24 of 35 bytes
	// true true
}

// ParseRequestLine is the server side of ParseStatusLine, for proxies and
// test servers.
func ExampleParseRequestLine() {
	rl, n, err := wire.ParseRequestLine([]byte("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s %s %v (%d bytes)\n", rl.Method, rl.Target, rl.Version, n)
	// Output:
	// CONNECT example.com:443 HTTP/1.1 (34 bytes)
}

// A HeaderDecoder returns one field per call, so a block never has to
// be in memory at once. A field is returned only once the first byte of
// the next line shows it is not continued (obs-fold), which is unfolded
// into one space.
func ExampleHeaderDecoder() {
	block := []byte("Host: example.com\r\n" +
		"X-Folded: one\r\n" +
		"  two\r\n" +
		"set-cookie: a=1\r\n" +
		"\r\n")

	var dec wire.HeaderDecoder
	dec.Reset(nil, false) // nil Limits means DefaultLimits; false: a header section
	for {
		name, value, n, done, err := dec.Next(block)
		if err != nil {
			fmt.Println(err)
			return
		}
		block = block[n:]
		if done {
			break
		}
		fmt.Printf("%q: %q\n", name, value)
	}
	fmt.Println(dec.Fields(), "fields,", len(block), "bytes left")

	// A malformed line is the peer's fault: a HeaderError with Remote set.
	dec.Reset(nil, false)
	_, _, _, _, err := dec.Next([]byte("Bad Name: x\r\n\r\n"))
	var he *errors.HeaderError
	fmt.Println(errors.As(err, &he) && he.Remote, errors.Is(err, errors.ErrInvalidHeader))
	// Output:
	// "Host": "example.com"
	// "X-Folded": "one two"
	// "set-cookie": "a=1"
	// 3 fields, 0 bytes left
	// true true
}

// A ChunkedDecoder turns a chunked body into events: data in pieces,
// trailer fields, then the end. Here the body arrives in two reads, split
// in the middle of a chunk; data is returned as soon as it arrives.
func ExampleChunkedDecoder() {
	reads := []string{
		"5;ext=1\r\nhel",
		"lo\r\n6\r\n world\r\n0\r\nChecksum: 5eb63bbb\r\n\r\nHTTP/1.1 ...",
	}
	var dec wire.ChunkedDecoder
	dec.Reset(nil)
	var buf []byte
	for _, r := range reads {
		buf = append(buf, r...)
		for !dec.Done() {
			ev, n, err := dec.Next(buf)
			if errors.Is(err, wire.ErrNeedMore) {
				break // wait for the next read
			}
			if err != nil {
				fmt.Println(err)
				return
			}
			buf = buf[n:]
			switch ev.Kind {
			case wire.ChunkData:
				fmt.Printf("%v %q\n", ev.Kind, ev.Data)
			case wire.ChunkTrailer:
				fmt.Printf("%v %s: %s\n", ev.Kind, ev.Name, ev.Value)
			case wire.ChunkEnd:
				fmt.Println(ev.Kind)
			}
		}
	}
	fmt.Printf("after the body: %q\n", buf)
	// Output:
	// ChunkData "hel"
	// ChunkData "lo"
	// ChunkData " world"
	// ChunkTrailer Checksum: 5eb63bbb
	// ChunkEnd
	// after the body: "HTTP/1.1 ..."
}

// Encoders append to a buffer the caller owns, validating as they go;
// the Len functions size the buffer exactly.
func ExampleAppendRequestLine() {
	n := wire.RequestLineLen("GET", "/index.html", wire.Version11) +
		wire.FieldLen("Host", "example.com") + 2
	buf := make([]byte, 0, n)

	buf, err := wire.AppendRequestLine(buf, "GET", "/index.html", wire.Version11)
	if err != nil {
		fmt.Println(err)
		return
	}
	buf, err = wire.AppendField(buf, "Host", "example.com")
	if err != nil {
		fmt.Println(err)
		return
	}
	buf = append(buf, "\r\n"...)
	fmt.Printf("%q %v\n", buf, len(buf) == cap(buf))

	// Nothing invalid is ever written: a space in the method is refused
	// and the buffer comes back unchanged.
	out, err := wire.AppendRequestLine(nil, "G ET", "/", wire.Version11)
	fmt.Println(len(out), errors.Is(err, errors.ErrInvalidMethod))
	_, err = wire.AppendField(nil, "X-Evil", "a\r\nInjected: 1")
	fmt.Println(errors.Is(err, errors.ErrInvalidHeader))
	// Output:
	// "GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n" true
	// 0 true
	// true
}

// AppendChunk and AppendLastChunk write a chunked body the way
// http.client does.
func ExampleAppendChunk() {
	var body []byte
	for _, piece := range []string{"hello", "", " world"} {
		body = wire.AppendChunk(body, []byte(piece)) // an empty piece writes nothing
	}
	body, err := wire.AppendLastChunk(body, wire.Field{Name: "Checksum", Value: "5eb63bbb"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%q\n", body)
	fmt.Println(wire.ChunkLen(5), wire.LastChunkLen())
	// Output:
	// "5\r\nhello\r\n6\r\n world\r\n0\r\nChecksum: 5eb63bbb\r\n\r\n"
	// 10 5
}

// BodyFraming walks RFC 9112 §6.3: the method and status come first,
// then Transfer-Encoding, then Content-Length, then read until close.
// Ambiguous framing, the stuff of request smuggling, is an error.
func ExampleBodyFraming() {
	cases := []struct {
		method string
		code   int
		te, cl []string
	}{
		{"HEAD", 200, nil, []string{"14432"}},
		{"GET", 204, nil, nil},
		{"CONNECT", 200, nil, nil},
		{"GET", 200, []string{"chunked"}, nil},
		{"GET", 200, nil, []string{"42, 42"}},
		{"GET", 200, nil, nil},
		{"GET", 200, []string{"chunked"}, []string{"5"}},
		{"GET", 200, []string{"gzip"}, nil},
		{"GET", 200, nil, []string{"5", "6"}},
	}
	for _, c := range cases {
		f, err := wire.BodyFraming(c.method, c.code, c.te, c.cl, nil)
		if err != nil {
			fmt.Printf("%s %d: %v\n", c.method, c.code, err)
			continue
		}
		fmt.Printf("%s %d: %v length=%d close=%v\n", c.method, c.code, f.Kind, f.Length, f.Close)
	}
	// Output:
	// HEAD 200: FrameNone length=0 close=false
	// GET 204: FrameNone length=0 close=false
	// CONNECT 200: FrameTunnel length=0 close=false
	// GET 200: FrameChunked length=0 close=false
	// GET 200: FrameLength length=42 close=false
	// GET 200: FrameUntilClose length=0 close=true
	// GET 200: http: invalid message framing: Transfer-Encoding together with Content-Length
	// GET 200: http: unknown transfer encoding: unsupported transfer coding "gzip"
	// GET 200: http: invalid Content-Length: conflicting values
}

// Limits bound what a decoder accepts, and they hold on incomplete input
// too: a status line that cannot end within MaxLine fails at once rather
// than asking for more bytes for ever.
func ExampleLimits() {
	lim := &wire.Limits{MaxLine: 64, MaxHeaders: 2} // zero fields take DefaultLimits' values
	fmt.Println(lim.Resolved().MaxTrailers == wire.DefaultLimits.MaxTrailers)

	long := []byte("HTTP/1.1 200 " + strings.Repeat("O", 100)) // no CRLF yet
	_, _, err := wire.ParseStatusLine(long, lim)
	var ltl *errors.LineTooLongError
	fmt.Println(errors.As(err, &ltl), ltl.LineType)

	var dec wire.HeaderDecoder
	dec.Reset(lim, false)
	block := []byte("A: 1\r\nB: 2\r\nC: 3\r\n\r\n")
	for {
		_, _, n, done, err := dec.Next(block)
		if err != nil {
			fmt.Println(errors.Is(err, errors.ErrTooManyHeaders))
			break
		}
		if done {
			break
		}
		block = block[n:]
	}
	// Output:
	// true
	// true status line
	// true
}

// The adapters run the same decoders over a *bufio.Reader, for code that
// reads from a connection. Results are views into the reader's buffer,
// valid until the next read.
func ExampleReadStatusLine() {
	br := bufio.NewReader(strings.NewReader("HTTP/1.0 200 OK\r\n" +
		"Transfer-Encoding: chunked\r\n" +
		"\r\n" +
		"3\r\nabc\r\n0\r\nX-Sum: 1\r\n\r\n"))

	sl, err := wire.ReadStatusLine(br, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sl.Version, sl.Code)
	err = wire.ReadHeaderBlock(br, nil, false, func(name, value []byte) error {
		fmt.Printf("%s: %s\n", name, value)
		return nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	cr := wire.NewChunkedReader(br, nil)
	body, err := io.ReadAll(cr)
	fmt.Printf("%q %v %v\n", body, err, cr.Trailer())
	// Output:
	// HTTP/1.0 200
	// Transfer-Encoding: chunked
	// "abc" <nil> [{X-Sum 1}]
}
