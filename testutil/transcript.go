package testutil

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/httpstack/httpstack/errors"
)

// Flow is one run of bytes in one direction of a recorded conversation.
type Flow struct {
	// FromClient is true for client-to-server bytes.
	FromClient bool
	Data       []byte
}

// Transcripts use x/crypto/ssh's recording format: a header line per
// flow followed by an encoding/hex Dump of its bytes:
//
//	>>> Flow 1 (client to server)
//	00000000  43 4f 4e 4e 45 43 54 20  6f 72 69 67 69 6e 2e 74  |CONNECT origin.t|
//	>>> Flow 2 (server to client)
//	00000000  48 54 54 50 2f 31 2e 31  20 32 30 30 20 4f 4b 0d  |HTTP/1.1 200 OK.|
//
// Lines that are empty or start with "#" are ignored.
const (
	flowPrefix   = ">>> Flow "
	clientToSrv  = "(client to server)"
	serverToClnt = "(server to client)"
)

// FormatTranscript renders flows in the transcript format.
func FormatTranscript(flows []Flow) []byte {
	var b bytes.Buffer
	for i, f := range flows {
		dir := serverToClnt
		if f.FromClient {
			dir = clientToSrv
		}
		fmt.Fprintf(&b, "%s%d %s\n", flowPrefix, i+1, dir)
		b.WriteString(hex.Dump(f.Data))
	}
	return b.Bytes()
}

// ParseTranscript decodes the transcript format.
func ParseTranscript(text []byte) ([]Flow, error) {
	var flows []Flow
	for n, line := range strings.Split(string(text), "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if rest, ok := strings.CutPrefix(line, flowPrefix); ok {
			switch {
			case strings.HasSuffix(rest, clientToSrv):
				flows = append(flows, Flow{FromClient: true})
			case strings.HasSuffix(rest, serverToClnt):
				flows = append(flows, Flow{})
			default:
				return nil, transcriptError(n, "bad flow header "+strconv.Quote(line))
			}
			continue
		}
		if len(flows) == 0 {
			return nil, transcriptError(n, "data before the first flow header")
		}
		hexPart, _, _ := strings.Cut(line, "|")
		fields := strings.Fields(hexPart)
		if len(fields) == 0 {
			return nil, transcriptError(n, "empty dump line")
		}
		f := &flows[len(flows)-1]
		for _, h := range fields[1:] { // fields[0] is the offset
			v, err := strconv.ParseUint(h, 16, 8)
			if err != nil || len(h) != 2 {
				return nil, transcriptError(n, "bad hex byte "+strconv.Quote(h))
			}
			f.Data = append(f.Data, byte(v))
		}
	}
	return flows, nil
}

func transcriptError(line int, msg string) error {
	return errors.Wrapf(errors.ErrHTTP, "testutil: transcript line %d: %s", line+1, msg)
}

// ScriptFromFlows turns a transcript into a [Script] for [PipeDialer]:
// client flows become Expect, the server flows that follow them Reply.
func ScriptFromFlows(flows []Flow) Script {
	var s Script
	for _, f := range flows {
		switch {
		case f.FromClient && (len(s) == 0 || s[len(s)-1].Reply != ""):
			s = append(s, Step{Expect: string(f.Data)})
		case f.FromClient:
			s[len(s)-1].Expect += string(f.Data)
		case len(s) == 0:
			s = append(s, Step{Reply: string(f.Data)})
		default:
			s[len(s)-1].Reply += string(f.Data)
		}
	}
	return s
}

// LoadScript reads the transcript file at path (usually under testdata/)
// and returns its [Script]; it fails t if the file cannot be read.
func LoadScript(t testing.TB, path string) Script {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("testutil: %v", err)
	}
	flows, err := ParseTranscript(text)
	if err != nil {
		t.Fatalf("testutil: %s: %v", path, err)
	}
	return ScriptFromFlows(flows)
}

// RecordingConn wraps a client's conn to a reference peer and records
// the conversation, for re-recording transcripts (an -update flag).
// Writes are client flows, Reads server flows; consecutive calls in one
// direction merge into one flow.
type RecordingConn struct {
	net.Conn
	mu    sync.Mutex
	flows []Flow
}

// Record returns c wrapped in a RecordingConn.
func Record(c net.Conn) *RecordingConn { return &RecordingConn{Conn: c} }

func (r *RecordingConn) add(fromClient bool, p []byte) {
	if len(p) == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if n := len(r.flows); n > 0 && r.flows[n-1].FromClient == fromClient {
		r.flows[n-1].Data = append(r.flows[n-1].Data, p...)
		return
	}
	r.flows = append(r.flows, Flow{FromClient: fromClient, Data: append([]byte(nil), p...)})
}

// Read reads from the peer and records the bytes as a server flow.
func (r *RecordingConn) Read(p []byte) (int, error) {
	n, err := r.Conn.Read(p)
	r.add(false, p[:n])
	return n, err
}

// Write writes to the peer and records the bytes as a client flow.
func (r *RecordingConn) Write(p []byte) (int, error) {
	n, err := r.Conn.Write(p)
	r.add(true, p[:n])
	return n, err
}

// Flows returns a copy of the conversation so far.
func (r *RecordingConn) Flows() []Flow {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Flow, len(r.flows))
	for i, f := range r.flows {
		out[i] = Flow{FromClient: f.FromClient, Data: append([]byte(nil), f.Data...)}
	}
	return out
}
