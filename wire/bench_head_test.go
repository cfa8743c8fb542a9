package wire

import (
	"testing"
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

func TestBenchHeadSize(t *testing.T) {
	if len(benchHead) != 441 {
		t.Fatalf("benchHead is %d bytes, want 441", len(benchHead))
	}
}

// parseHead decodes benchHead with the pure decoders, as a client does.
func parseHead(d *HeaderDecoder, b []byte) (int, error) {
	sl, n, err := ParseStatusLine(b, nil)
	if err != nil {
		return 0, err
	}
	_ = sl
	d.Reset(nil, false)
	fields := 0
	for {
		_, _, m, done, err := d.Next(b[n:])
		if err != nil {
			return 0, err
		}
		n += m
		if done {
			return fields, nil
		}
		fields++
	}
}

func BenchmarkParseHead(b *testing.B) {
	in := []byte(benchHead)
	var d HeaderDecoder
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if n, err := parseHead(&d, in); err != nil || n != 11 {
			b.Fatal(n, err)
		}
	}
}

func BenchmarkAppendRequestHead(b *testing.B) {
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		buf = buf[:0]
		buf, _ = AppendRequestLine(buf, "GET", "/index.html?q=1", Version11)
		buf, _ = AppendField(buf, "Host", "www.example.com")
		buf, _ = AppendField(buf, "Accept-Encoding", "identity")
		buf, _ = AppendField(buf, "User-Agent", "httpstack/1.0")
		buf, _ = AppendField(buf, "Accept", "*/*")
		buf = append(buf, '\r', '\n')
	}
	b.SetBytes(int64(len(buf)))
}
