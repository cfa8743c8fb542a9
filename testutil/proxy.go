package testutil

import (
	"bufio"
	"crypto/tls"
	"encoding/binary"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/httpstack/httpstack/message"
)

// dialTimeout bounds a proxy's dial to its (loopback) target.
const dialTimeout = 5 * time.Second

// isLoopbackHost reports whether host is "localhost" or a loopback IP.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// splice copies between client (reading through r, which may hold bytes
// already buffered from client) and target until either side ends, then
// closes both.
func splice(g *group, client net.Conn, r io.Reader, target net.Conn) {
	g.goFunc(func() {
		io.Copy(client, target)
		client.Close()
		target.Close()
	})
	io.Copy(target, r)
	client.Close()
	target.Close()
}

// ProxyOptions configures a [ConnectProxy].
type ProxyOptions struct {
	// RequireAuth, if set, is the Proxy-Authorization value every CONNECT
	// must carry (e.g. "Basic dTpw"); others get 407.
	RequireAuth string
	// Refuse answers every CONNECT with 407.
	Refuse bool
	// Authenticate is the Proxy-Authenticate value sent with 407; empty
	// means `Basic realm="testutil"`.
	Authenticate string
	// ReplyHeader holds extra fields for every reply (200 and 407).
	ReplyHeader message.Header
	// ExtraAfter200 is written right after the 200 reply head, in the
	// same write, as if the target had spoken first.
	ExtraAfter200 string
	// Targets rewrites CONNECT targets (host:port as sent) to other
	// addresses before dialling, so that a test can CONNECT to a name
	// such as "target.example:443" and reach a loopback server. Whatever
	// the rewriting, only loopback targets are dialled (others get 403).
	Targets map[string]string
	// TLS, if set, makes the proxy speak TLS to its clients (an HTTPS
	// proxy).
	TLS *tls.Config
}

// ConnectProxy is a loopback HTTP proxy that only serves CONNECT to
// loopback targets.
type ConnectProxy struct {
	opts ProxyOptions
	ln   net.Listener
	g    group

	mu   sync.Mutex
	reqs []string
}

// NewConnectProxy starts a CONNECT proxy on 127.0.0.1. t.Cleanup closes
// it and every tunnel and waits (bounded) for its goroutines.
func NewConnectProxy(t testing.TB, opts ProxyOptions) *ConnectProxy {
	t.Helper()
	p := &ConnectProxy{opts: opts, ln: listenLoopback(t)}
	if opts.TLS != nil {
		p.ln = tls.NewListener(p.ln, opts.TLS)
	}
	p.g.serve(p.ln, nil, p.handle)
	t.Cleanup(func() {
		p.ln.Close()
		p.g.shutdown(t, "ConnectProxy")
	})
	return p
}

// Addr returns the proxy's host:port.
func (p *ConnectProxy) Addr() string { return p.ln.Addr().String() }

// Requests returns the head of each CONNECT request received, exactly as
// sent (request line, fields and the empty line), in order.
func (p *ConnectProxy) Requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.reqs...)
}

// readHead reads a request head of at most 64 KiB and 100 lines.
func readHead(br *bufio.Reader) (head string, lines []string, ok bool) {
	var b strings.Builder
	for len(lines) < 101 && b.Len() < 64<<10 {
		line, err := br.ReadString('\n')
		b.WriteString(line)
		if err != nil {
			return b.String(), lines, false
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			return b.String(), lines, len(lines) > 0
		}
		lines = append(lines, line)
	}
	return b.String(), lines, false
}

func (p *ConnectProxy) handle(c net.Conn) {
	c.SetDeadline(time.Now().Add(cleanupTimeout))
	br := bufio.NewReader(c)
	head, lines, ok := readHead(br)
	if head != "" {
		p.mu.Lock()
		p.reqs = append(p.reqs, head)
		p.mu.Unlock()
	}
	if !ok {
		p.reply(c, "400 Bad Request", "")
		return
	}
	parts := strings.Split(lines[0], " ")
	if len(parts) != 3 || parts[0] != "CONNECT" {
		p.reply(c, "405 Method Not Allowed", "")
		return
	}
	auth := ""
	for _, l := range lines[1:] {
		name, value, _ := strings.Cut(l, ":")
		if strings.EqualFold(name, "Proxy-Authorization") {
			auth = strings.TrimSpace(value)
		}
	}
	if p.opts.Refuse || (p.opts.RequireAuth != "" && auth != p.opts.RequireAuth) {
		a := p.opts.Authenticate
		if a == "" {
			a = `Basic realm="testutil"`
		}
		p.reply(c, "407 Proxy Authentication Required", "Proxy-Authenticate: "+a+"\r\nContent-Length: 0\r\n")
		return
	}
	target := parts[1]
	if to, ok := p.opts.Targets[target]; ok {
		target = to
	}
	host, _, err := net.SplitHostPort(target)
	if err != nil || !isLoopbackHost(host) {
		p.reply(c, "403 Forbidden", "Content-Length: 0\r\n")
		return
	}
	tc, err := net.DialTimeout("tcp", target, dialTimeout)
	if err != nil {
		p.reply(c, "502 Bad Gateway", "Content-Length: 0\r\n")
		return
	}
	if !p.g.track(tc) {
		return
	}
	defer p.g.untrack(tc)
	if !p.reply(c, "200 Connection established", "") {
		return
	}
	c.SetDeadline(time.Time{})
	splice(&p.g, c, br, tc)
}

// reply writes one reply head (plus ExtraAfter200 for a 200) in one write.
func (p *ConnectProxy) reply(c net.Conn, status, fields string) bool {
	var b strings.Builder
	b.WriteString("HTTP/1.1 " + status + "\r\n")
	for _, f := range p.opts.ReplyHeader {
		b.WriteString(f.Name + ": " + f.Value + "\r\n")
	}
	b.WriteString(fields + "\r\n")
	if strings.HasPrefix(status, "200") {
		b.WriteString(p.opts.ExtraAfter200)
	}
	_, err := io.WriteString(c, b.String())
	return err == nil
}

// SOCKS5Server is a loopback SOCKS5 server (RFC 1928) supporting only the
// CONNECT command, to loopback targets, with optional username/password
// authentication (RFC 1929).
type SOCKS5Server struct {
	user, pass string
	ln         net.Listener
	g          group

	mu   sync.Mutex
	reqs []string
}

// NewSOCKS5Server starts a SOCKS5 server on 127.0.0.1. With a non-empty
// user it requires username/password authentication with user and pass;
// otherwise it requires none. t.Cleanup closes it and waits (bounded).
func NewSOCKS5Server(t testing.TB, user, pass string) *SOCKS5Server {
	t.Helper()
	s := &SOCKS5Server{user: user, pass: pass, ln: listenLoopback(t)}
	s.g.serve(s.ln, nil, s.handle)
	t.Cleanup(func() {
		s.ln.Close()
		s.g.shutdown(t, "SOCKS5Server")
	})
	return s
}

// Addr returns the server's host:port.
func (s *SOCKS5Server) Addr() string { return s.ln.Addr().String() }

// Requests returns the target (host:port, as the client named it) of each
// CONNECT request received, in order.
func (s *SOCKS5Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.reqs...)
}

// SOCKS5 constants (RFC 1928 §3, §4, §6; RFC 1929 §2).
const (
	socksVersion     = 5
	socksNoAuth      = 0
	socksUserPass    = 2
	socksNoMethod    = 0xff
	socksConnect     = 1
	socksIPv4        = 1
	socksDomain      = 3
	socksIPv6        = 4
	socksSucceeded   = 0
	socksNotAllowed  = 2
	socksRefused     = 5
	socksCmdNotSupp  = 7
	socksAddrNotSupp = 8
)

func (s *SOCKS5Server) handle(c net.Conn) {
	c.SetDeadline(time.Now().Add(cleanupTimeout))
	br := bufio.NewReader(c)
	var hdr [2]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil || hdr[0] != socksVersion {
		return
	}
	methods := make([]byte, hdr[1])
	if _, err := io.ReadFull(br, methods); err != nil {
		return
	}
	want := byte(socksNoAuth)
	if s.user != "" {
		want = socksUserPass
	}
	if !strings.ContainsRune(string(methods), rune(want)) {
		c.Write([]byte{socksVersion, socksNoMethod})
		return
	}
	if _, err := c.Write([]byte{socksVersion, want}); err != nil {
		return
	}
	if want == socksUserPass && !s.authenticate(br, c) {
		return
	}
	var req [4]byte
	if _, err := io.ReadFull(br, req[:]); err != nil || req[0] != socksVersion {
		return
	}
	var host string
	switch req[3] {
	case socksIPv4, socksIPv6:
		ip := make([]byte, 4)
		if req[3] == socksIPv6 {
			ip = make([]byte, 16)
		}
		if _, err := io.ReadFull(br, ip); err != nil {
			return
		}
		host = net.IP(ip).String()
	case socksDomain:
		n, err := br.ReadByte()
		if err != nil {
			return
		}
		name := make([]byte, n)
		if _, err := io.ReadFull(br, name); err != nil {
			return
		}
		host = string(name)
	default:
		s.replyCode(c, socksAddrNotSupp, nil)
		return
	}
	var portb [2]byte
	if _, err := io.ReadFull(br, portb[:]); err != nil {
		return
	}
	target := net.JoinHostPort(host, strconv.Itoa(int(binary.BigEndian.Uint16(portb[:]))))
	s.mu.Lock()
	s.reqs = append(s.reqs, target)
	s.mu.Unlock()
	if req[1] != socksConnect {
		s.replyCode(c, socksCmdNotSupp, nil)
		return
	}
	if !isLoopbackHost(host) {
		s.replyCode(c, socksNotAllowed, nil)
		return
	}
	tc, err := net.DialTimeout("tcp", target, dialTimeout)
	if err != nil {
		s.replyCode(c, socksRefused, nil)
		return
	}
	if !s.g.track(tc) {
		return
	}
	defer s.g.untrack(tc)
	if !s.replyCode(c, socksSucceeded, tc.LocalAddr().(*net.TCPAddr)) {
		return
	}
	c.SetDeadline(time.Time{})
	splice(&s.g, c, br, tc)
}

// authenticate runs the username/password subnegotiation (RFC 1929).
func (s *SOCKS5Server) authenticate(br *bufio.Reader, c net.Conn) bool {
	ver, err := br.ReadByte()
	if err != nil || ver != 1 {
		return false
	}
	readField := func() (string, bool) {
		n, err := br.ReadByte()
		if err != nil {
			return "", false
		}
		b := make([]byte, n)
		_, err = io.ReadFull(br, b)
		return string(b), err == nil
	}
	user, ok1 := readField()
	pass, ok2 := readField()
	if !ok1 || !ok2 || user != s.user || pass != s.pass {
		c.Write([]byte{1, 1})
		return false
	}
	_, err = c.Write([]byte{1, 0})
	return err == nil
}

// replyCode sends a reply with the bound address (0.0.0.0:0 when nil).
func (s *SOCKS5Server) replyCode(c net.Conn, code byte, bound *net.TCPAddr) bool {
	b := []byte{socksVersion, code, 0, socksIPv4, 0, 0, 0, 0, 0, 0}
	if bound != nil {
		if ip4 := bound.IP.To4(); ip4 != nil {
			copy(b[4:8], ip4)
		}
		binary.BigEndian.PutUint16(b[8:], uint16(bound.Port))
	}
	_, err := c.Write(b)
	return err == nil
}
