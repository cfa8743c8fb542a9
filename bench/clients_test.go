package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"

	"github.com/httpstack/httpstack/client"
	"github.com/valyala/fasthttp"
)

// A benchClient performs one request of a scenario on its single
// keep-alive connection and reads the whole response body.
type benchClient interface {
	// do sends sc's request and returns the number of body bytes read.
	do(sc *scenario) (int, error)
	close()
}

// clientKinds are the clients of BenchmarkClient, in table order.
// httpstack_copy is httpstack reading the body with io.Copy(io.Discard, r),
// which goes through Response.WriteTo; it is not one of the compared
// peers, only a second way of using ours.
var clientKinds = []struct {
	name string
	new  func(addr string) (benchClient, error)
}{
	{"httpstack", func(addr string) (benchClient, error) { return newHTTPStack(addr, false) }},
	{"httpstack_copy", func(addr string) (benchClient, error) { return newHTTPStack(addr, true) }},
	{"fasthttp", newFastHTTP},
	{"nethttp", newNetHTTP},
	{"floor", newFloor},
}

// readBufSize is the size of the buffer a client reads a body into.
const readBufSize = 32 << 10

// httpStackClient is our client.Conn used as Python's http.client is:
// Request, GetResponse, read the body, Close.
type httpStackClient struct {
	c      *client.Conn
	ctx    context.Context
	buf    []byte
	ioCopy bool
}

func newHTTPStack(addr string, ioCopy bool) (benchClient, error) {
	c, err := client.New(addr)
	if err != nil {
		return nil, err
	}
	return &httpStackClient{c: c, ctx: context.Background(), buf: make([]byte, readBufSize), ioCopy: ioCopy}, nil
}

func (h *httpStackClient) do(sc *scenario) (int, error) {
	var err error
	if sc.body != nil {
		err = h.c.Request(h.ctx, sc.method, sc.path, sc.body, nil)
	} else {
		err = h.c.Request(h.ctx, sc.method, sc.path, nil, nil)
	}
	if err != nil {
		return 0, err
	}
	r, err := h.c.GetResponse(h.ctx)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	if r.Status != 200 {
		return 0, fmt.Errorf("status %d", r.Status)
	}
	if h.ioCopy {
		n, err := io.Copy(io.Discard, r)
		return int(n), err
	}
	n := 0
	for {
		k, err := r.Read(h.buf)
		n += k
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

func (h *httpStackClient) close() { h.c.Close() }

// fastHTTPClient is a fasthttp HostClient limited to one connection.
// Requests are built once and reused with one reused response, fasthttp's
// cheapest use.
type fastHTTPClient struct {
	hc   *fasthttp.HostClient
	reqs map[*scenario]*fasthttp.Request
	resp *fasthttp.Response
}

func newFastHTTP(addr string) (benchClient, error) {
	f := &fastHTTPClient{
		hc:   &fasthttp.HostClient{Addr: addr, MaxConns: 1},
		reqs: make(map[*scenario]*fasthttp.Request),
		resp: fasthttp.AcquireResponse(),
	}
	for _, sc := range scenarios {
		req := fasthttp.AcquireRequest()
		req.Header.SetMethod(sc.method)
		req.SetRequestURI("http://" + addr + sc.path)
		if sc.body != nil {
			req.SetBodyRaw(sc.body)
		}
		f.reqs[sc] = req
	}
	return f, nil
}

func (f *fastHTTPClient) do(sc *scenario) (int, error) {
	if err := f.hc.Do(f.reqs[sc], f.resp); err != nil {
		return 0, err
	}
	if c := f.resp.StatusCode(); c != 200 {
		return 0, fmt.Errorf("status %d", c)
	}
	return len(f.resp.Body()), nil
}

func (f *fastHTTPClient) close() {
	f.hc.CloseIdleConnections()
	for _, req := range f.reqs {
		fasthttp.ReleaseRequest(req)
	}
	fasthttp.ReleaseResponse(f.resp)
}

// netHTTPClient is a net/http Client whose Transport keeps one
// connection. Requests are built once and reused, net/http's cheapest use.
type netHTTPClient struct {
	c    *http.Client
	tr   *http.Transport
	reqs map[*scenario]*http.Request
	body rewindBody
	buf  []byte
}

// rewindBody is a request body that can be sent again: Close does nothing.
type rewindBody struct{ bytes.Reader }

func (*rewindBody) Close() error { return nil }

func newNetHTTP(addr string) (benchClient, error) {
	tr := &http.Transport{
		MaxConnsPerHost:     1,
		MaxIdleConnsPerHost: 1,
		DisableCompression:  true,
	}
	n := &netHTTPClient{
		c:    &http.Client{Transport: tr},
		tr:   tr,
		reqs: make(map[*scenario]*http.Request),
		buf:  make([]byte, readBufSize),
	}
	for _, sc := range scenarios {
		req, err := http.NewRequest(sc.method, "http://"+addr+sc.path, nil)
		if err != nil {
			return nil, err
		}
		n.reqs[sc] = req
	}
	return n, nil
}

func (n *netHTTPClient) do(sc *scenario) (int, error) {
	req := n.reqs[sc]
	if sc.body != nil {
		n.body.Reset(sc.body)
		req.Body = &n.body
		req.ContentLength = int64(len(sc.body))
	}
	resp, err := n.c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return 0, fmt.Errorf("status %d", resp.StatusCode)
	}
	total := 0
	for {
		k, err := resp.Body.Read(n.buf)
		total += k
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

func (n *netHTTPClient) close() { n.tr.CloseIdleConnections() }

// floorClient writes fixed request bytes and reads the response with no
// header handling: it skips the head up to the blank line, then reads the
// body by the length it was told or by chunk sizes. It is the practical
// limit of a Go client on this machine.
type floorClient struct {
	addr string
	nc   net.Conn
	br   *bufio.Reader
	reqs map[*scenario][]byte
	buf  []byte
}

func newFloor(addr string) (benchClient, error) {
	f := &floorClient{addr: addr, reqs: make(map[*scenario][]byte), buf: make([]byte, readBufSize)}
	for _, sc := range scenarios {
		req := sc.method + " " + sc.path + " HTTP/1.1\r\nHost: " + addr + "\r\n"
		if sc.body != nil {
			req += "Content-Length: " + strconv.Itoa(len(sc.body)) + "\r\n"
		}
		f.reqs[sc] = append([]byte(req+"\r\n"), sc.body...)
	}
	return f, nil
}

func (f *floorClient) do(sc *scenario) (int, error) {
	if f.nc == nil {
		nc, err := net.Dial("tcp", f.addr)
		if err != nil {
			return 0, err
		}
		f.nc = nc
		f.br = bufio.NewReaderSize(nc, 16<<10)
	}
	if _, err := f.nc.Write(f.reqs[sc]); err != nil {
		return 0, err
	}
	// Skip the head.
	for {
		line, err := f.br.ReadSlice('\n')
		if err != nil {
			return 0, err
		}
		if len(line) == 2 {
			break
		}
	}
	if !sc.chunked {
		return f.readN(sc.bodyLen)
	}
	total := 0
	for {
		line, err := f.br.ReadSlice('\n')
		if err != nil {
			return total, err
		}
		size := 0
		for _, c := range line[:len(line)-2] {
			size = size<<4 | int(unhex(c))
		}
		if size == 0 {
			_, err := f.br.Discard(2)
			return total, err
		}
		n, err := f.readN(size)
		total += n
		if err != nil {
			return total, err
		}
		if _, err := f.br.Discard(2); err != nil {
			return total, err
		}
	}
}

// readN reads n body bytes into f.buf, a buffer at a time.
func (f *floorClient) readN(n int) (int, error) {
	total := 0
	for total < n {
		k, err := f.br.Read(f.buf[:min(len(f.buf), n-total)])
		total += k
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10
	}
	return 0
}

func (f *floorClient) close() {
	if f.nc != nil {
		f.nc.Close()
	}
}
