package main

import (
	"encoding/base64"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/httpstack/httpstack/client"
	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/wire"
)

// target is one URL of the command line, checked and split into what a
// request needs.
type target struct {
	url        string // as given
	tls        bool   // https
	host       string // ASCII host, IPv6 without brackets
	port       int
	hostHeader string // value of the Host field
	reqTarget  string // origin-form request target
	auth       string // Authorization value from user:pass@, or ""
	key        string // scheme://host:port: URLs with one key share a connection
}

// addr returns host:port, bracketing an IPv6 host.
func (t *target) addr() string { return net.JoinHostPort(t.host, strconv.Itoa(t.port)) }

// urlError is a URL httpc can't use (exit code 3).
type urlError struct {
	url, reason string
}

func (e *urlError) Error() string { return fmt.Sprintf("bad URL %q: %s", e.url, e.reason) }

// parseTarget checks a URL and computes its host, port, Host field and
// request target. uploadName, when not empty, is appended to a path that
// ends in "/" (curl's -T rule).
func parseTarget(raw, uploadName string) (*target, error) {
	s := raw
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, &urlError{raw, err.Error()}
	}
	t := &target{url: raw}
	switch strings.ToLower(u.Scheme) {
	case "http":
	case "https":
		t.tls = true
	default:
		return nil, &urlError{raw, fmt.Sprintf("unsupported scheme %q: only http and https", u.Scheme)}
	}
	if u.Opaque != "" || u.Host == "" {
		return nil, &urlError{raw, "no host"}
	}
	// client.New validates and normalises the host (IDNA, brackets,
	// port range) without any I/O; the probe is thrown away.
	newConn, defaultPort := client.New, client.HTTPPort
	if t.tls {
		newConn, defaultPort = client.NewTLS, client.HTTPSPort
	}
	probe, err := newConn(u.Host)
	if err != nil {
		reason := err.Error()
		var ie *errors.InvalidURLError
		if errors.As(err, &ie) {
			reason = ie.Reason
		}
		return nil, &urlError{raw, reason}
	}
	t.host, t.port = probe.Host(), probe.Port()
	hh := t.host
	if strings.Contains(hh, ":") {
		hh = "[" + hh + "]"
	}
	if t.port != defaultPort {
		hh += ":" + strconv.Itoa(t.port)
	}
	t.hostHeader = hh
	t.key = strings.ToLower(u.Scheme) + "://" + t.addr()

	if uploadName != "" && (u.Path == "" || strings.HasSuffix(u.Path, "/")) {
		if u.Path == "" {
			u.Path = "/"
		}
		u.Path += filepath.Base(uploadName)
		u.RawPath = ""
	}
	rt := u.EscapedPath()
	if rt == "" {
		rt = "/"
	}
	if u.RawQuery != "" || u.ForceQuery {
		rt += "?" + u.RawQuery
	}
	t.reqTarget = escapeTarget(rt)
	if !wire.ValidTarget(t.reqTarget) {
		return nil, &urlError{raw, "bad path or query"}
	}
	if u.User != nil {
		pass, _ := u.User.Password()
		t.auth = "Basic " + base64.StdEncoding.EncodeToString([]byte(u.User.Username()+":"+pass))
	}
	return t, nil
}

// escapeTarget percent-encodes the bytes a request target may not carry
// (controls, space, DEL, non-ASCII), which net/url leaves in a query.
func escapeTarget(s string) string {
	const hex = "0123456789ABCDEF"
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c > ' ' && c < 0x7f {
			if b != nil {
				b = append(b, c)
			}
			continue
		}
		if b == nil {
			b = append([]byte(nil), s[:i]...)
		}
		b = append(b, '%', hex[c>>4], hex[c&15])
	}
	if b == nil {
		return s
	}
	return string(b)
}
