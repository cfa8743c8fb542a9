package client

// connState is the request half of the connection's state machine, as in
// Python's http.client (reference §2.1). Transitions, all made in this
// file's methods:
//
//	call            from              to                failure
//	PutRequest      Idle              Request-started   CannotSendRequest; a bad method,
//	                                                    target or header leaves Idle
//	PutHeader       Request-started   Request-started   CannotSendHeader; a bad field
//	                                                    abandons the request (Idle)
//	EndHeaders      Request-started   Request-sent      CannotSendHeader; a failed connect
//	                                                    or write abandons the request (Idle)
//	GetResponse     Request-sent      Idle              ResponseNotReady; a bad or missing
//	                                                    response closes the socket (Idle)
//	Close           any               Idle              (never fails)
//
// Independently of the state, the connection may hold a pending response
// whose body is not yet read: the next GetResponse waits for it (it
// returns ResponseNotReady until that body is read to the end or closed),
// which is how http.client pipelines. A response whose framing says the
// connection must close takes the socket with it and leaves the Conn
// without one; the next request dials again. So does a pending response
// that closes the shared socket: one closed with its body unread (unless
// the rest was buffered), one whose body failed, or one whose chunked
// reader had to take bytes past the body out of the read buffer. A
// request already pipelined on that socket is lost: its GetResponse
// fails with ErrNotConnected.
type connState uint8

const (
	stateIdle connState = iota
	stateReqStarted
	stateReqSent
)

// String returns Python's name of the state, used in error messages.
func (s connState) String() string {
	switch s {
	case stateReqStarted:
		return "Request-started"
	case stateReqSent:
		return "Request-sent"
	default:
		return "Idle"
	}
}

// startRequest moves Idle to Request-started.
func (c *Conn) startRequest() { c.state = stateReqStarted }

// requestSent moves Request-started to Request-sent.
func (c *Conn) requestSent() { c.state = stateReqSent }

// abandonRequest drops a request that failed before or while it was sent:
// nothing of it stays buffered and the connection is usable again
// (unlike Python, reference §2.1 and §2.4).
func (c *Conn) abandonRequest() {
	c.state = stateIdle
	c.buf = c.buf[:0]
}

// responseStarted moves Request-sent to Idle once a response head is read.
func (c *Conn) responseStarted() { c.state = stateIdle }
