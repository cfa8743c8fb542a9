package main

import (
	"bufio"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/httpstack/httpstack/message"
	"github.com/httpstack/httpstack/wire"
)

// proxyTimeout bounds the CONNECT exchange and the dial to a target.
const proxyTimeout = 5 * time.Second

// demoProxy is the demo's HTTP proxy. It serves CONNECT only, and only to
// the targets in its route table (names it maps to loopback servers), so
// it can never reach beyond loopback. The request line and header are
// decoded with wire and message, the reply encoded with them.
type demoProxy struct {
	ln     net.Listener
	routes map[string]string // CONNECT target (host:port) → address dialled

	wg     sync.WaitGroup
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
	log    []proxyExchange
}

// proxyExchange is one CONNECT request head and the reply head sent back,
// as text lines without CRLFs, for the demo's transcript.
type proxyExchange struct {
	request, reply []string
}

// startDemoProxy listens on 127.0.0.1:0 and serves until close.
func startDemoProxy(routes map[string]string) (*demoProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &demoProxy{ln: ln, routes: routes, conns: make(map[net.Conn]struct{})}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			if !p.track(c) {
				return
			}
			p.wg.Add(1)
			go func() {
				defer p.wg.Done()
				defer p.untrack(c)
				p.handle(c)
			}()
		}
	}()
	return p, nil
}

// addr returns the proxy's host:port.
func (p *demoProxy) addr() string { return p.ln.Addr().String() }

// close stops the proxy, closes every connection and tunnel and waits for
// its goroutines.
func (p *demoProxy) close() {
	p.ln.Close()
	p.mu.Lock()
	p.closed = true
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// exchanges returns the log of CONNECT exchanges, oldest first.
func (p *demoProxy) exchanges() []proxyExchange {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]proxyExchange(nil), p.log...)
}

func (p *demoProxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		c.Close()
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *demoProxy) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	c.Close()
}

// handle serves one client connection: one CONNECT, then the tunnel.
func (p *demoProxy) handle(c net.Conn) {
	c.SetDeadline(time.Now().Add(proxyTimeout))
	br := bufio.NewReader(c)
	rl, err := wire.ReadRequestLine(br, nil)
	if err != nil {
		p.reply(c, nil, 400, "Bad Request")
		return
	}
	method, target := string(rl.Method), string(rl.Target)
	h, err := message.ParseHeaders(br)
	if err != nil {
		p.reply(c, nil, 400, "Bad Request")
		return
	}
	head := []string{method + " " + target + " " + rl.Version.String()}
	for _, f := range h {
		head = append(head, f.Name+": "+f.Value)
	}
	if method != "CONNECT" {
		p.reply(c, head, 405, "Method Not Allowed")
		return
	}
	dest, ok := p.routes[strings.ToLower(target)]
	if !ok {
		p.reply(c, head, 403, "Forbidden")
		return
	}
	tc, err := net.DialTimeout("tcp", dest, proxyTimeout)
	if err != nil {
		p.reply(c, head, 502, "Bad Gateway")
		return
	}
	if !p.track(tc) {
		return
	}
	defer p.untrack(tc)
	if !p.reply(c, head, 200, "Connection established") {
		return
	}
	c.SetDeadline(time.Time{})
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		io.Copy(c, tc)
		c.Close()
		tc.Close()
	}()
	// br may already hold bytes the client sent after its CONNECT.
	io.Copy(tc, br)
	tc.Close()
	c.Close()
}

// reply writes a status line and the proxy's fields, logs the exchange,
// and reports whether the write worked. Replies other than 200 carry an
// empty body and end the connection.
func (p *demoProxy) reply(c net.Conn, reqHead []string, code int, reason string) bool {
	h := message.Header{{Name: "Proxy-Agent", Value: "httpc-demo-proxy"}}
	if code != 200 {
		h = append(h, message.Field{Name: "Content-Length", Value: "0"}, message.Field{Name: "Connection", Value: "close"})
	}
	b, err := wire.AppendStatusLine(nil, wire.Version11, code, reason)
	if err != nil {
		return false
	}
	if b, err = h.AppendTo(b); err != nil {
		return false
	}
	b = append(b, "\r\n"...)
	p.mu.Lock()
	p.log = append(p.log, proxyExchange{request: reqHead, reply: strings.Split(strings.TrimSuffix(string(b), "\r\n\r\n"), "\r\n")})
	p.mu.Unlock()
	_, err = c.Write(b)
	return err == nil
}
