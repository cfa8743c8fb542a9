package client

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/httpstack/httpstack/message"
	"github.com/httpstack/httpstack/wire"
)

// debugf writes one line of the debug transcript (Python's print calls
// under debuglevel > 0).
func (c *Conn) debugf(format string, args ...any) {
	fmt.Fprintf(c.debugOut, format, args...)
}

// quote renders bytes as a Go string literal, the Go counterpart of the
// repr of bytes that Python prints.
func quote(p []byte) string { return strconv.Quote(string(p)) }

// quoteStatusLine renders a status line as it was sent, with a CRLF.
func quoteStatusLine(sl wire.StatusLine) string {
	var b strings.Builder
	b.Write(sl.Proto)
	b.WriteByte(' ')
	b.WriteString(strconv.Itoa(sl.Code))
	if len(sl.Reason) > 0 {
		b.WriteByte(' ')
		b.Write(sl.Reason)
	}
	b.WriteString("\r\n")
	return strconv.Quote(b.String())
}

// quoteFields renders an interim response's header block as one list, as
// Python prints the lines of a skipped 100 Continue.
func quoteFields(h message.Header) string {
	var b strings.Builder
	b.WriteByte('[')
	for _, f := range h {
		b.WriteString(strconv.Quote(f.Name + ": " + f.Value + "\r\n"))
		b.WriteString(", ")
	}
	b.WriteString(strconv.Quote("\r\n"))
	b.WriteByte(']')
	return b.String()
}
