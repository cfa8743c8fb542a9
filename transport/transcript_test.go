package transport

import (
	"context"
	"flag"
	"net"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/httpstack/httpstack/message"
	"github.com/httpstack/httpstack/testutil"
)

var update = flag.Bool("update", false, "re-record testdata transcripts against testutil's reference peers")

// TestTunnelTranscript replays testdata/connect_ok.txt, a CONNECT
// exchange recorded against testutil's ConnectProxy (go test -update
// re-records it).
func TestTunnelTranscript(t *testing.T) {
	const path = "testdata/connect_ok.txt"
	var got message.Header
	tunnel := func(base Dialer) *Tunnel {
		return &Tunnel{
			Base:       base,
			Proxy:      "proxy.test:3128",
			Header:     hdr("Proxy-Authorization", "Basic dTpw"),
			OnResponse: func(code int, reason string, h message.Header) { got = h },
		}
	}
	if *update {
		echo := echoServer(t)
		p := testutil.NewConnectProxy(t, testutil.ProxyOptions{
			RequireAuth: "Basic dTpw",
			ReplyHeader: hdr("Proxy-Agent", "testutil"),
			Targets:     map[string]string{"origin.test:80": echo.Addr()},
		})
		var rec *testutil.RecordingConn
		base := dialerFunc(func(ctx context.Context, network, _ string) (net.Conn, error) {
			c, err := (&net.Dialer{}).DialContext(ctx, network, p.Addr())
			if err != nil {
				return nil, err
			}
			rec = testutil.Record(c)
			return rec, nil
		})
		c, err := tunnel(base).DialContext(context.Background(), "tcp", "origin.test:80")
		if err != nil {
			t.Fatal(err)
		}
		roundTrip(t, c, "ping")
		c.Close()
		if err := os.WriteFile(path, testutil.FormatTranscript(rec.Flows()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d := testutil.NewPipeDialer(t, testutil.LoadScript(t, path))
	c, err := tunnel(d).DialContext(context.Background(), "tcp", "origin.test:80")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if r := roundTrip(t, c, "ping"); r != "ping" {
		t.Errorf("echo through replayed tunnel = %q", r)
	}
	if diff := cmp.Diff(hdr("Proxy-Agent", "testutil"), got); diff != "" {
		t.Errorf("proxy reply header (-want +got):\n%s", diff)
	}
}
