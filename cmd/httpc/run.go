package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/signal"
	"strings"

	"golang.org/x/net/proxy"

	"github.com/httpstack/httpstack/errors"
	"github.com/httpstack/httpstack/transport"
)

// run is httpc without the process around it: it parses args, does the
// transfers and returns the exit code. It never panics: a panic is
// reported as an internal error on one line.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "httpc: internal error: %s\n", oneLine(fmt.Sprint(r)))
			code = exitTransfer
		}
	}()
	if len(args) > 0 && args[0] == "demo" {
		return runDemo(args[1:], stdout, stderr)
	}
	o, err := parseArgs(args)
	if err != nil {
		fmt.Fprintf(stderr, "httpc: %s (see httpc -h)\n", oneLine(err.Error()))
		return exitUsage
	}
	if o.help {
		io.WriteString(stdout, usage)
		return exitOK
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if o.maxTime > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.maxTime)
		defer cancel()
	}
	s, err := newSession(ctx, o, stdin, stdout, stderr)
	if err != nil {
		return s.report(err)
	}
	defer s.close()
	return s.runAll()
}

// runAll checks every URL, then fetches them in order. A failed transfer
// is reported and the next URL is tried, unless the run was interrupted
// or --max-time ran out; the exit code is the first failure's.
func (s *session) runAll() int {
	targets := make([]*target, len(s.o.urls))
	for i, raw := range s.o.urls {
		t, err := parseTarget(raw, s.uploadName())
		if err != nil {
			return s.report(failf(exitURL, err, "%s", err))
		}
		targets[i] = t
	}
	code := exitOK
	for i, t := range targets {
		err := s.fetch(i, t)
		if err == nil {
			continue
		}
		c := s.report(err)
		if code == exitOK {
			code = c
		}
		if s.ctx.Err() != nil {
			break
		}
	}
	return code
}

// report prints err on one line and returns its exit code.
func (s *session) report(err error) int {
	var xe *exitError
	if !errors.As(err, &xe) {
		xe = failf(exitTransfer, err, "%s", err)
	}
	fmt.Fprintf(s.stderr, "httpc: %s\n", xe.msg)
	return xe.code
}

// uploadName returns the -T file name to append to URLs ending in "/".
func (s *session) uploadName() string {
	if s.o.upload == "-" {
		return ""
	}
	return s.o.upload
}

// session is the state of one run: options, streams, the request body
// given by -d, the dialer and TLS configuration, and one connection per
// scheme, host and port.
type session struct {
	o      *options
	ctx    context.Context
	stdin  io.Reader
	stdout *errWriter
	stderr io.Writer

	data    []byte // the body given by -d and --data-binary, or nil
	base    transport.Dialer
	via     string // " through ...", naming the proxy or socket in messages
	tlsConf *tls.Config

	conns        map[string]*originConn
	showProgress bool // stderr is a terminal and -s was not given
}

// newSession reads the -d data and the --cacert file and builds the
// bottom dialer. The session it returns can report errors even when err
// is not nil.
func newSession(ctx context.Context, o *options, stdin io.Reader, stdout, stderr io.Writer) (*session, error) {
	s := &session{
		o:      o,
		ctx:    ctx,
		stdin:  stdin,
		stdout: &errWriter{w: stdout},
		stderr: stderr,
		conns:  make(map[string]*originConn),
	}
	s.showProgress = !o.silent && stderrIsTerminal(stderr)
	if len(o.data) > 0 {
		parts := make([]string, 0, len(o.data))
		for _, d := range o.data {
			v, err := s.dataValue(d)
			if err != nil {
				return s, err
			}
			parts = append(parts, v)
		}
		s.data = []byte(strings.Join(parts, "&"))
	}
	if o.cacert != "" || o.insecure {
		s.tlsConf = &tls.Config{InsecureSkipVerify: o.insecure}
		if o.cacert != "" {
			pem, err := os.ReadFile(o.cacert)
			if err != nil {
				return s, failf(exitRead, err, "couldn't read --cacert file: %s", pathError(err))
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return s, failf(exitRead, nil, "no PEM certificates in --cacert file %s", o.cacert)
			}
			s.tlsConf.RootCAs = pool
		}
	}
	s.base = &net.Dialer{}
	switch {
	case o.unixSocket != "":
		s.base = &transport.Unix{Path: o.unixSocket}
		s.via = " through unix socket " + o.unixSocket
	case o.socks5 != "":
		var auth *proxy.Auth
		if o.socksUser != "" {
			auth = &proxy.Auth{User: o.socksUser, Password: o.socksPass}
		}
		d, err := transport.SOCKS5(o.socks5, auth, nil)
		if err != nil {
			return s, failf(exitUsage, err, "--socks5: %s", cause(err))
		}
		s.base = d
		s.via = " through SOCKS5 proxy " + o.socks5
	}
	if o.proxy != "" {
		s.via = " through proxy " + o.proxy + s.via
	}
	return s, nil
}

// dataValue returns the bytes of one -d or --data-binary argument.
func (s *session) dataValue(d dataArg) (string, error) {
	name, ok := strings.CutPrefix(d.value, "@")
	if !ok {
		return d.value, nil
	}
	var b []byte
	var err error
	if name == "-" {
		b, err = io.ReadAll(s.stdin)
	} else {
		b, err = os.ReadFile(name)
	}
	if err != nil {
		return "", failf(exitRead, err, "couldn't read data file: %s", pathError(err))
	}
	if !d.binary {
		b = bytes.ReplaceAll(b, []byte("\r"), nil)
		b = bytes.ReplaceAll(b, []byte("\n"), nil)
	}
	return string(b), nil
}

// pathError renders a file error as "name: reason".
func pathError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Path + ": " + pe.Err.Error()
	}
	return err.Error()
}

// close closes every connection.
func (s *session) close() {
	for _, oc := range s.conns {
		oc.conn.Close()
	}
}

// verbosef prints a "* " note on stderr with -v.
func (s *session) verbosef(format string, args ...any) {
	if s.o.verbose {
		fmt.Fprintf(s.stderr, "* "+format+"\n", args...)
	}
}

// stderrIsTerminal decides whether the progress meter is drawn; tests
// replace it.
var stderrIsTerminal = isTerminal

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
