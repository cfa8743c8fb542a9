package client

import (
	"context"
	"io"
	"testing"

	"github.com/httpstack/httpstack/testutil"
)

func TestSmoke(t *testing.T) {
	d := testutil.NewFakeDialer("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhelloHTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n")
	c, err := New("example.com", WithDialer(d))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Request(ctx, "POST", "/p", "xy", nil); err != nil {
		t.Fatal(err)
	}
	r, err := c.GetResponse(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(r)
	if err != nil || string(b) != "hello" || r.Status != 200 || r.GetHeader("x-a", "") != "b" {
		t.Fatalf("%q %v %v", b, err, r)
	}
	if err := c.Request(ctx, "GET", "/q", nil, nil); err != nil {
		t.Fatal(err)
	}
	r, err = c.GetResponse(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, err = io.ReadAll(r)
	if err != nil || string(b) != "abc" || r.Status != 404 || r.Trailer.Get("X-T") != "1" {
		t.Fatalf("%q %v %+v", b, err, r)
	}
	got := string(d.Conns()[0].Written())
	want := "POST /p HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\nContent-Length: 2\r\n\r\nxyGET /q HTTP/1.1\r\nHost: example.com\r\nAccept-Encoding: identity\r\n\r\n"
	if got != want {
		t.Fatalf("got %q", got)
	}
	if len(d.Dials()) != 1 {
		t.Fatal(d.Dials())
	}
}
