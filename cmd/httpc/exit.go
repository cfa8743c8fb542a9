package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"

	"github.com/httpstack/httpstack/errors"
)

// Exit codes, after curl's where curl has one. Keep them in step with the
// usage text and docs/httpc.md.
const (
	exitOK          = 0   // success
	exitTransfer    = 1   // the transfer broke off; internal error
	exitUsage       = 2   // bad command line
	exitURL         = 3   // bad URL
	exitResolve     = 6   // couldn't resolve the host
	exitConnect     = 7   // couldn't connect
	exitBadResponse = 8   // the server's reply isn't valid HTTP/1.x
	exitHTTPError   = 22  // status >= 400 with -f
	exitWrite       = 23  // couldn't write the output
	exitRead        = 26  // couldn't read an input file
	exitTimeout     = 28  // timed out
	exitTLS         = 35  // TLS handshake failed
	exitInterrupted = 130 // interrupted (SIGINT)
)

// exitError is a failure to report on one line, with its exit code. err,
// if set, is what caused it.
type exitError struct {
	code int
	msg  string
	err  error
}

func (e *exitError) Error() string { return e.msg }

func failf(code int, err error, format string, args ...any) *exitError {
	return &exitError{code: code, msg: oneLine(fmt.Sprintf(format, args...)), err: err}
}

// oneLine keeps an error message on one line.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }), "; ")
}

// phase says which part of an exchange failed.
type phase int

const (
	phaseConnect  phase = iota // Conn.Connect: TCP, SOCKS5, tunnel, TLS
	phaseSend                  // PutRequest, PutHeader, EndHeaders
	phaseResponse              // GetResponse: the response head
	phaseBody                  // reading the response body
)

var phaseDoing = [...]string{
	phaseConnect:  "connecting to",
	phaseSend:     "sending the request to",
	phaseResponse: "waiting for the response from",
	phaseBody:     "reading the response body from",
}

// isTimeout reports whether err comes from a deadline: --max-time (the
// context) or --timeout (the socket).
func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// cause returns the most telling short message in err's chain: a system
// error's text ("connection refused"), a certificate error, or the
// innermost error.
func cause(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno.Error()
	}
	var cve *tls.CertificateVerificationError
	if errors.As(err, &cve) && cve.Err != nil {
		return oneLine(cve.Err.Error())
	}
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return oneLine(err.Error())
		}
		err = u
	}
}

// classify turns an error of the client into a one-line message and an
// exit code. addr names the server; via describes the proxy or socket in
// between; dialErr is the error of the bottom dialer (recordDialer) if the
// connect failed there.
func classify(ph phase, err error, t *target, via string, dialErr error) *exitError {
	addr := t.addr()
	switch {
	case errors.Is(err, context.Canceled):
		return failf(exitInterrupted, err, "interrupted")
	case isTimeout(err):
		return failf(exitTimeout, err, "timed out %s %s%s", phaseDoing[ph], addr, via)
	}
	switch ph {
	case phaseConnect:
		var dns *net.DNSError
		if errors.As(err, &dns) {
			return failf(exitResolve, err, "couldn't resolve host %s: %s", dns.Name, dns.Err)
		}
		var te *errors.TunnelError
		if errors.As(err, &te) {
			return failf(exitConnect, err, "couldn't connect to %s%s: the proxy refused CONNECT with %d %s", addr, via, te.Status, te.Reason)
		}
		if dialErr != nil {
			return failf(exitConnect, err, "couldn't connect to %s%s: %s", addr, via, cause(dialErr))
		}
		if errors.Is(err, errors.ErrHTTP) && !errors.Is(err, errors.ErrTLS) {
			// The dial worked; what failed above it and speaks HTTP
			// is the proxy's reply to CONNECT.
			return failf(exitBadResponse, err, "bad reply from the proxy%s: %s", via, cause(err))
		}
		if t.tls {
			return failf(exitTLS, err, "TLS handshake with %s%s failed: %s", addr, via, cause(err))
		}
		return failf(exitConnect, err, "couldn't connect to %s%s: %s", addr, via, cause(err))
	case phaseSend:
		return failf(exitTransfer, err, "failed sending the request to %s: %s", addr, cause(err))
	case phaseResponse:
		if errors.Is(err, errors.ErrRemoteDisconnected) {
			return failf(exitBadResponse, err, "%s closed the connection without sending a response", addr)
		}
		if errors.Is(err, errors.ErrHTTP) {
			return failf(exitBadResponse, err, "bad response from %s: %s", addr, err)
		}
		return failf(exitTransfer, err, "failed receiving the response from %s: %s", addr, cause(err))
	default: // phaseBody
		var ire *errors.IncompleteReadError
		if errors.As(err, &ire) {
			if ire.Expected >= 0 {
				return failf(exitTransfer, err, "transfer from %s closed with %d bytes remaining to read", addr, ire.Expected)
			}
			return failf(exitTransfer, err, "transfer from %s closed before the end of the body", addr)
		}
		if errors.Is(err, errors.ErrHTTP) {
			return failf(exitBadResponse, err, "bad response body from %s: %s", addr, err)
		}
		return failf(exitTransfer, err, "failed reading the response body from %s: %s", addr, cause(err))
	}
}

// retryable reports whether a request that failed on a re-used
// connection may be sent again on a new one: the server closed the idle
// connection before it saw the request.
func retryable(err error) bool {
	return errors.Is(err, errors.ErrRemoteDisconnected) ||
		errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, net.ErrClosed)
}
