// Package testutil provides test peers for this module: deterministic fake
// and in-memory dialers, loopback TCP, HTTP and TLS servers, a CONNECT
// proxy and a SOCKS5 server, fault-injecting connection wrappers and a
// goroutine leak check.
//
// It is imported only by tests and examples, never by library code.
// Everything it starts listens on loopback only (127.0.0.1) and is shut
// down through t.Cleanup with bounded timeouts. TLS keys and certificates
// are generated at run time ([NewCA]); nothing secret is committed.
//
// # Peers
//
//   - [FakeDialer] and [FakeConn]: canned replies, recorded writes, no
//     goroutines (Python's FakeSocket). Created inside a testing/synctest
//     bubble, their hangs and deadlines run on the bubble's fake clock.
//   - [PipeDialer]: net.Pipe with a goroutine playing a [Script] of
//     expected bytes and replies.
//   - [NewServer], [NewHTTPServer]: loopback TCP and net/http servers.
//   - [NewConnectProxy], [NewSOCKS5Server]: loopback proxies.
//
// # Transcripts
//
// [ParseTranscript], [FormatTranscript] and [LoadScript] read and write
// recorded conversations in x/crypto/ssh's ">>> Flow N (client to
// server)" + hex dump format, kept under testdata/; [Record] captures one
// against a reference peer when a test runs with its -update flag, and
// [ScriptFromFlows] replays it through a [PipeDialer].
//
// # Examples
//
// Runnable examples get no *testing.T: [NewExampleTB] supplies a
// testing.TB whose Close runs the cleanups.
//
// # Faults
//
// [OneByteConn], [CutConn], [StallConn] and [ResetConn] reproduce slow,
// truncated, stalled and reset connections.
//
// # Leaks
//
// [LeakCheck] (from TestMain) and [VerifyNoLeaks] (per test) fail when
// goroutines outlive the code under test.
package testutil
