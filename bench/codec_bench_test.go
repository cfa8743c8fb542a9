package bench

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"net/http/httputil"
	"testing"

	"github.com/httpstack/httpstack/message"
	"github.com/httpstack/httpstack/wire"
	"github.com/valyala/fasthttp"
)

// benchHead is a typical 441-byte response head: a status line and 11
// fields.
const benchHead = "HTTP/1.1 200 OK\r\n" +
	"Date: Mon, 23 May 2005 22:38:34 GMT\r\n" +
	"Content-Type: text/html; charset=UTF-8\r\n" +
	"Content-Length: 155\r\n" +
	"Last-Modified: Wed, 08 Jan 2003 23:11:55 GMT\r\n" +
	"Server: Apache/1.3.3.7 (Unix) (Red-Hat/Linux)\r\n" +
	"ETag: \"3f80f-1b6-3e1cb03b-gz\"\r\n" +
	"Accept-Ranges: bytes\r\n" +
	"Connection: keep-alive\r\n" +
	"Cache-Control: public, max-age=3600, must-revalidate\r\n" +
	"Vary: Accept-Encoding, Accept-Language, Cookie\r\n" +
	"X-Request-Id: 7f3c9a2e-5b1d-4e8f-9a6c-2d4b8e1f0a3c\r\n" +
	"\r\n"

const benchHeadFields = 11

// headParser parses benchHead from in and returns the number of fields
// it found; -1 means it cannot tell.
type headParser func(in []byte) (int, error)

// wireHead decodes a head with the pure wire decoders, as a client on a
// byte buffer would: ParseStatusLine, then HeaderDecoder.Next per field.
func wireHead(d *wire.HeaderDecoder, hb *message.HeaderBuilder, in []byte) (int, error) {
	_, n, err := wire.ParseStatusLine(in, nil)
	if err != nil {
		return 0, err
	}
	d.Reset(nil, false)
	fields := 0
	for {
		name, value, m, done, err := d.Next(in[n:])
		if err != nil {
			return 0, err
		}
		n += m
		if done {
			return fields, nil
		}
		if hb != nil {
			hb.Add(name, value)
		}
		fields++
	}
}

// headParsers are the implementations of BenchmarkHead, in table order.
func headParsers() []struct {
	name  string
	parse headParser
} {
	var (
		d   wire.HeaderDecoder
		hb  message.HeaderBuilder
		h   message.Header
		rd  bytes.Reader
		br  = bufio.NewReaderSize(&rd, 16<<10)
		fh  fasthttp.ResponseHeader
		add = func(name, value []byte) error { hb.Add(name, value); return nil }
	)
	return []struct {
		name  string
		parse headParser
	}{
		// wire: status line and fields decoded in place, no copies.
		{"wire", func(in []byte) (int, error) { return wireHead(&d, nil, in) }},
		// wire_header: the same, then a message.Header built with
		// HeaderBuilder (what a client keeps).
		{"wire_header", func(in []byte) (int, error) {
			hb.Reset()
			n, err := wireHead(&d, &hb, in)
			h = hb.Build()
			return n, err
		}},
		// wire_bufio: the client's own path, the bufio adapters
		// ReadStatusLine and ReadHeaderBlock into a HeaderBuilder.
		{"wire_bufio", func(in []byte) (int, error) {
			rd.Reset(in)
			br.Reset(&rd)
			if _, err := wire.ReadStatusLine(br, nil); err != nil {
				return 0, err
			}
			hb.Reset()
			if err := wire.ReadHeaderBlock(br, nil, false, add); err != nil {
				return 0, err
			}
			h = hb.Build()
			return len(h), nil
		}},
		// fasthttp: ResponseHeader.Read from a bufio.Reader.
		{"fasthttp", func(in []byte) (int, error) {
			rd.Reset(in)
			br.Reset(&rd)
			if err := fh.Read(br); err != nil {
				return 0, err
			}
			return fh.Len(), nil
		}},
		// nethttp: http.ReadResponse from a bufio.Reader.
		{"nethttp", func(in []byte) (int, error) {
			rd.Reset(in)
			br.Reset(&rd)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				return 0, err
			}
			return len(resp.Header), nil
		}},
		// index: a bytes.Index scan for the blank line, the least any
		// parser must do.
		{"index", func(in []byte) (int, error) {
			if end := bytes.Index(in, crlfcrlf) + len(crlfcrlf); end != len(in) {
				return 0, io.ErrUnexpectedEOF
			}
			return -1, nil
		}},
	}
}

// BenchmarkHead parses benchHead in memory: Head/<parser>. Like every
// benchmark here it also reports cpu-ns/op, the process's CPU time per
// operation, steadier than the wall time on a shared machine.
func BenchmarkHead(b *testing.B) {
	in := []byte(benchHead)
	for _, p := range headParsers() {
		b.Run(p.name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			cpu0 := processCPU(b)
			for b.Loop() {
				if _, err := p.parse(in); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(processCPU(b)-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}

// TestHeadParsers checks that every parser of BenchmarkHead accepts the
// whole head and finds its 11 fields.
func TestHeadParsers(t *testing.T) {
	if len(benchHead) != 441 {
		t.Fatalf("benchHead is %d bytes, want 441", len(benchHead))
	}
	for _, p := range headParsers() {
		n, err := p.parse([]byte(benchHead))
		if err != nil {
			t.Errorf("%s: %v", p.name, err)
			continue
		}
		want := benchHeadFields
		if p.name == "index" {
			want = -1
		}
		if n != want {
			t.Errorf("%s: %d fields, want %d", p.name, n, want)
		}
	}
}

// chunkedBody is a 1 MiB body in chunkSize chunks, and plainBody the same
// bytes unframed.
var (
	plainBody   = bodyBytes(1 << 20)
	chunkedBody = appendChunked(nil, 1<<20)
)

// chunkDecoder decodes chunkedBody into dst, a buffer at a time, and
// returns the number of body bytes.
type chunkDecoder func(dst []byte) (int, error)

// chunkDecoders are the implementations of BenchmarkChunked, in table
// order.
func chunkDecoders() []struct {
	name   string
	decode chunkDecoder
} {
	var (
		d  wire.ChunkedDecoder
		rd bytes.Reader
		br = bufio.NewReaderSize(&rd, 16<<10)
		cr = wire.NewChunkedReader(br, nil)
	)
	// readAll reads r into dst, wrapping around when dst is full.
	readAll := func(r io.Reader, dst []byte) (int, error) {
		total, off := 0, 0
		for {
			if off == len(dst) {
				off = 0
			}
			n, err := r.Read(dst[off:])
			off += n
			total += n
			if err == io.EOF {
				return total, nil
			}
			if err != nil {
				return total, err
			}
		}
	}
	return []struct {
		name   string
		decode chunkDecoder
	}{
		// wire: ChunkedDecoder.Next over the whole body, each data view
		// copied into dst.
		{"wire", func(dst []byte) (int, error) {
			d.Reset(nil)
			in := chunkedBody
			total, off := 0, 0
			for {
				ev, n, err := d.Next(in)
				if err != nil {
					return total, err
				}
				in = in[n:]
				switch ev.Kind {
				case wire.ChunkData:
					for data := ev.Data; len(data) > 0; {
						if off == len(dst) {
							off = 0
						}
						k := copy(dst[off:], data)
						off += k
						total += k
						data = data[k:]
					}
				case wire.ChunkEnd:
					return total, nil
				}
			}
		}},
		// wire_reader: the client's path, a ChunkedReader over a
		// 16 KiB bufio.Reader.
		{"wire_reader", func(dst []byte) (int, error) {
			rd.Reset(chunkedBody)
			br.Reset(&rd)
			cr.Reset(br, nil)
			return readAll(cr, dst)
		}},
		// httputil: net/http's chunked reader over the same bufio.Reader.
		{"httputil", func(dst []byte) (int, error) {
			rd.Reset(chunkedBody)
			br.Reset(&rd)
			return readAll(httputil.NewChunkedReader(br), dst)
		}},
		// copy: the unframed body copied into dst, a buffer at a time.
		{"copy", func(dst []byte) (int, error) {
			total := 0
			for in := plainBody; len(in) > 0; {
				k := copy(dst, in)
				total += k
				in = in[k:]
			}
			return total, nil
		}},
	}
}

// BenchmarkChunked decodes a 1 MiB chunked body in memory:
// Chunked/<decoder>.
func BenchmarkChunked(b *testing.B) {
	dst := make([]byte, readBufSize)
	for _, c := range chunkDecoders() {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(plainBody)))
			b.ReportAllocs()
			cpu0 := processCPU(b)
			for b.Loop() {
				if n, err := c.decode(dst); err != nil || n != len(plainBody) {
					b.Fatal(n, err)
				}
			}
			b.ReportMetric(float64(processCPU(b)-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}

// TestChunkDecoders checks that every decoder of BenchmarkChunked returns
// the body's bytes.
func TestChunkDecoders(t *testing.T) {
	for _, c := range chunkDecoders() {
		// A destination the size of the body shows the bytes themselves.
		dst := make([]byte, len(plainBody))
		n, err := c.decode(dst)
		if err != nil || n != len(plainBody) || !bytes.Equal(dst, plainBody) {
			t.Errorf("%s: %d bytes, %v, equal %v", c.name, n, err, bytes.Equal(dst, plainBody))
		}
	}
}
