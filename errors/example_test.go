package errors_test

import (
	"fmt"
	"io"
	"syscall"

	"github.com/httpstack/httpstack/errors"
)

// Matching works on the tree the way Python's except clauses work on the
// exception classes: a CannotSendRequest is an ImproperConnectionState is
// an HTTPException, however many times it was wrapped on the way up.
func Example() {
	err := fmt.Errorf("http: request: %w",
		&errors.StateError{Kind: errors.ErrCannotSendRequest, State: "Request-sent"})

	fmt.Println(err)
	fmt.Println(errors.Is(err, errors.ErrCannotSendRequest))
	fmt.Println(errors.Is(err, errors.ErrImproperConnectionState))
	fmt.Println(errors.Is(err, errors.ErrHTTP))
	fmt.Println(errors.Is(err, errors.ErrCannotSendHeader))

	var se *errors.StateError
	if errors.As(err, &se) {
		fmt.Println("state:", se.State)
	}
	// Output:
	// http: request: http: cannot send request (state Request-sent)
	// true
	// true
	// true
	// false
	// state: Request-sent
}

// A body cut short reports how much arrived and how much is missing, and
// keeps its cause reachable.
func ExampleIncompleteReadError() {
	err := fmt.Errorf("http: read: %w", &errors.IncompleteReadError{
		Partial:  []byte("1234567"),
		Expected: 3,
		Err:      io.ErrUnexpectedEOF,
	})

	var ire *errors.IncompleteReadError
	if errors.As(err, &ire) {
		fmt.Printf("got %q, %d bytes missing\n", ire.Partial, ire.Expected)
	}
	fmt.Println(errors.Is(err, errors.ErrIncompleteRead))
	fmt.Println(errors.Is(err, io.ErrUnexpectedEOF))
	fmt.Println(err)
	// Output:
	// got "1234567", 3 bytes missing
	// true
	// true
	// http: read: http: incomplete read (7 bytes read, 3 more expected): unexpected EOF
}

// A server that closes the connection without answering is both a bad
// status line and a connection reset, as Python's RemoteDisconnected is
// both a BadStatusLine and a ConnectionResetError.
func Example_remoteDisconnected() {
	err := errors.Wrap(errors.ErrRemoteDisconnected, "http: getresponse")

	fmt.Println(errors.Is(err, errors.ErrBadStatusLine))
	fmt.Println(errors.Is(err, syscall.ECONNRESET))

	// The sentinel is not the typed error: there is no line to show.
	var bsl *errors.BadStatusLineError
	fmt.Println(errors.As(err, &bsl))
	// Output:
	// true
	// true
	// false
}

// A proxy that refuses CONNECT yields a TunnelError with its status.
func ExampleTunnelError() {
	var err error = &errors.TunnelError{Status: 407, Reason: "Proxy Authentication Required"}
	err = errors.Wrapf(err, "http: connect %s", "proxy.example:3128")

	var te *errors.TunnelError
	if errors.As(err, &te) && te.Status == 407 {
		fmt.Println("proxy wants credentials")
	}
	fmt.Println(errors.Is(err, errors.ErrTunnel))
	// Output:
	// proxy wants credentials
	// true
}
