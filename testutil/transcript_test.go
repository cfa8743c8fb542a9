package testutil

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestTranscriptRoundTrip(t *testing.T) {
	flows := []Flow{
		{FromClient: true, Data: []byte("CONNECT origin.test:80 HTTP/1.1\r\nHost: origin.test:80\r\n\r\n")},
		{Data: []byte("HTTP/1.1 200 Connection established\r\n\r\n")},
		{FromClient: true, Data: []byte("ping")},
		{FromClient: true, Data: []byte{0, 1, 0xff}},
		{Data: []byte("pong")},
	}
	text := FormatTranscript(flows)
	got, err := ParseTranscript(text)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(flows, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s\n%s", diff, text)
	}
	wantScript := Script{
		{Expect: string(flows[0].Data), Reply: string(flows[1].Data)},
		{Expect: "ping\x00\x01\xff", Reply: "pong"},
	}
	if diff := cmp.Diff(wantScript, ScriptFromFlows(got)); diff != "" {
		t.Errorf("ScriptFromFlows (-want +got):\n%s", diff)
	}
}

func TestParseTranscriptErrors(t *testing.T) {
	tests := []struct{ name, text string }{
		{"data before header", "00000000  41  |A|\n"},
		{"bad header", ">>> Flow 1 (sideways)\n"},
		{"bad hex", ">>> Flow 1 (client to server)\n00000000  4g  |?|\n"},
		{"long hex", ">>> Flow 1 (client to server)\n00000000  414  |?|\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ParseTranscript([]byte(tc.text)); err == nil {
				t.Error("ParseTranscript succeeded")
			}
		})
	}
}

func TestRecordingConn(t *testing.T) {
	c := Record(NewFakeConn(FakeReply{Data: "HTTP/1.1 200 OK\r\n\r\n"}))
	c.Write([]byte("GET "))
	c.Write([]byte("/ HTTP/1.1\r\n\r\n"))
	buf := make([]byte, 5)
	c.Read(buf)
	c.Read(buf)
	want := []Flow{
		{FromClient: true, Data: []byte("GET / HTTP/1.1\r\n\r\n")},
		{Data: []byte("HTTP/1.1 2")},
	}
	if diff := cmp.Diff(want, c.Flows()); diff != "" {
		t.Errorf("Flows (-want +got):\n%s", diff)
	}
}
