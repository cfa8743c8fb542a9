package main

import (
	"strings"
	"testing"
)

func TestDemo(t *testing.T) {
	r := runHTTPC(t, "", "demo")
	if r.code != exitOK {
		t.Fatalf("demo: exit %d, stderr %q, stdout:\n%s", r.code, r.stderr, r.stdout)
	}
	for _, want := range []string{
		"== 1/10 GET / and read the whole body\n",
		"== 2/10 GET / again on the same connection, read 200 bytes at a time\n",
		"ok: pieces of 200, 200, ",
		"== 3/10 GET a page that does not exist\n",
		"< HTTP/1.1 404 Not Found\n",
		"== 4/10 HEAD / (a HEAD response never has a body)\n",
		"> HEAD / HTTP/1.1\n",
		"== 5/10 POST a form\n",
		"> \"%40number=12524&%40type=issue&%40action=show\"\n",
		"< HTTP/1.1 302 Found\n",
		"== 6/10 PUT a resource\n",
		"> \"***filecontents***\"\n",
		"== 7/10 PUT a streamed body: an io.Reader goes out with chunked coding\n",
		"> Transfer-Encoding: chunked\n",
		"> \"0\\r\\n\\r\\n\"\n",
		"== 8/10 GET a chunked response with a trailer\n",
		"< X-Checksum: sha256:",
		"== 9/10 HTTPS through a CONNECT proxy\n",
		"> CONNECT demo.httpstack.test:443 HTTP/1.1\n",
		"* TLS handshake done: ",
		"== 10/10 A proxy that refuses the tunnel\n",
		"< HTTP/1.1 403 Forbidden\n",
		"demo: all 10 steps passed\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	if n := strings.Count(r.stdout, "\nok: "); n != 10 {
		t.Errorf("%d steps ok, want 10", n)
	}
	if strings.Contains(r.stdout, "FAIL") || r.stderr != "" {
		t.Errorf("failures: stderr %q", r.stderr)
	}
}

func TestDemoArgs(t *testing.T) {
	r := runHTTPC(t, "", "demo", "extra")
	if r.code != exitUsage || r.stderr != "httpc: demo takes no arguments, got \"extra\" (see httpc -h)\n" {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}
