package wire

import (
	"bufio"
	"bytes"
	"io"
	"testing"
)

const (
	benchBodySize  = 1 << 20
	benchChunkSize = 16 << 10
)

// benchBody returns a 1 MiB body and its chunked encoding in 16 KiB
// chunks.
func benchBody() (body, wire []byte) {
	body = make([]byte, benchBodySize)
	for i := range body {
		body[i] = byte(i * 7)
	}
	for p := body; len(p) > 0; p = p[benchChunkSize:] {
		wire = AppendChunk(wire, p[:benchChunkSize])
	}
	wire, _ = AppendLastChunk(wire)
	return body, wire
}

// BenchmarkChunkedDecode decodes a 1 MiB body sent in 16 KiB chunks and
// copies its data out, as a reader would. Compare with
// BenchmarkPlainCopy, which only copies the same 1 MiB.
func BenchmarkChunkedDecode(b *testing.B) {
	body, wire := benchBody()
	dst := make([]byte, len(body))
	var d ChunkedDecoder
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		d.Reset(nil)
		off, k := 0, 0
		for {
			ev, n, err := d.Next(wire[off:])
			if err != nil {
				b.Fatal(err)
			}
			off += n
			if ev.Kind == ChunkEnd {
				break
			}
			k += copy(dst[k:], ev.Data)
		}
		if k != len(body) {
			b.Fatalf("decoded %d bytes", k)
		}
	}
}

// BenchmarkPlainCopy is the baseline for BenchmarkChunkedDecode: one copy
// of the same 1 MiB, with no framing at all.
func BenchmarkPlainCopy(b *testing.B) {
	body, _ := benchBody()
	dst := make([]byte, len(body))
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if copy(dst, body) != len(body) {
			b.Fatal("short copy")
		}
	}
}

// BenchmarkChunkedReader reads the same body through bufio.Reader and
// ChunkedReader into a 32 KiB buffer. Compare with BenchmarkBufioRead.
func BenchmarkChunkedReader(b *testing.B) {
	body, wire := benchBody()
	src := bytes.NewReader(wire)
	br := bufio.NewReaderSize(src, 32<<10)
	r := NewChunkedReader(br, nil)
	p := make([]byte, 32<<10)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		src.Reset(wire)
		br.Reset(src)
		r.Reset(br, nil)
		total := 0
		for {
			n, err := r.Read(p)
			total += n
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		if total != len(body) {
			b.Fatalf("read %d bytes", total)
		}
	}
}

// BenchmarkBufioRead is the baseline for BenchmarkChunkedReader: the
// unframed 1 MiB read through the same bufio.Reader.
func BenchmarkBufioRead(b *testing.B) {
	body, _ := benchBody()
	src := bytes.NewReader(body)
	br := bufio.NewReaderSize(src, 32<<10)
	p := make([]byte, 32<<10)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		src.Reset(body)
		br.Reset(src)
		total := 0
		for {
			n, err := br.Read(p)
			total += n
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		if total != len(body) {
			b.Fatalf("read %d bytes", total)
		}
	}
}
