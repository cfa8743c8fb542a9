package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/httpstack/httpstack/testutil"
)

// TestRequestBytes checks each flag's effect on the exact bytes sent.
// HOST stands for the server's host:port.
func TestRequestBytes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	form := write("form.txt", "a=1\r\n&b=2\n")
	bin := write("data.bin", "x\r\ny\n")
	upload := write("upload.txt", "file body\n")
	const std = "Host: HOST\r\nUser-Agent: " + defaultUserAgent + "\r\nAccept: */*\r\n"

	tests := []struct {
		name  string
		args  []string // before the URL
		path  string   // after http://HOST
		stdin string
		want  string
	}{
		{"GET by default", nil, "/a/b?c=d", "",
			"GET /a/b?c=d HTTP/1.1\r\n" + std + "\r\n"},
		{"no path sends /", nil, "", "",
			"GET / HTTP/1.1\r\n" + std + "\r\n"},
		{"-X sets the method as given", []string{"-X", "PROPFIND"}, "/", "",
			"PROPFIND / HTTP/1.1\r\n" + std + "\r\n"},
		{"-X POST without a body sends Content-Length: 0", []string{"--request", "POST"}, "/", "",
			"POST / HTTP/1.1\r\n" + std + "Content-Length: 0\r\n\r\n"},
		{"-H fields come last, in order and case", []string{"-H", "X-B: 2", "--header", "x-a:1", "-H", "X-Empty;"}, "/", "",
			"GET / HTTP/1.1\r\n" + std + "X-B: 2\r\nx-a: 1\r\nX-Empty: \r\n\r\n"},
		{"-H replaces httpc's own fields", []string{"-H", "accept: text/plain", "-H", "host: other.example", "-H", "user-agent: me"}, "/", "",
			"GET / HTTP/1.1\r\naccept: text/plain\r\nhost: other.example\r\nuser-agent: me\r\n\r\n"},
		{"-A sets the User-Agent", []string{"-A", "agent/2"}, "/", "",
			"GET / HTTP/1.1\r\nHost: HOST\r\nUser-Agent: agent/2\r\nAccept: */*\r\n\r\n"},
		{"-A '' sends none", []string{"-A", ""}, "/", "",
			"GET / HTTP/1.1\r\nHost: HOST\r\nAccept: */*\r\n\r\n"},
		{"-I sends HEAD", []string{"-I"}, "/", "",
			"HEAD / HTTP/1.1\r\n" + std + "\r\n"},
		{"-d posts a form, several joined with &", []string{"-d", "a=1", "--data", "b=2"}, "/f", "",
			"POST /f HTTP/1.1\r\n" + std + "Content-Length: 7\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\na=1&b=2"},
		{"-d @file drops CR and LF", []string{"-d", "@" + form}, "/", "",
			"POST / HTTP/1.1\r\n" + std + "Content-Length: 7\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\na=1&b=2"},
		{"-d @- reads stdin", []string{"-d", "@-"}, "/", "x=1\n",
			"POST / HTTP/1.1\r\n" + std + "Content-Length: 3\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\nx=1"},
		{"--data-binary @file is sent as it is", []string{"--data-binary", "@" + bin}, "/", "",
			"POST / HTTP/1.1\r\n" + std + "Content-Length: 5\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\nx\r\ny\n"},
		{"-d with -H Content-Type", []string{"-d", "{}", "-H", "Content-Type: application/json"}, "/", "",
			"POST / HTTP/1.1\r\n" + std + "Content-Length: 2\r\nContent-Type: application/json\r\n\r\n{}"},
		{"-d with -H Transfer-Encoding: chunked is chunk-encoded", []string{"-d", "abc", "-H", "Transfer-Encoding: chunked"}, "/", "",
			"POST / HTTP/1.1\r\n" + std + "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"},
		{"-T file sends Content-Length", []string{"-T", upload}, "/up", "",
			"PUT /up HTTP/1.1\r\n" + std + "Content-Length: 10\r\n\r\nfile body\n"},
		{"-T file to a URL ending in / appends the name", []string{"--upload-file", upload}, "/dir/", "",
			"PUT /dir/upload.txt HTTP/1.1\r\n" + std + "Content-Length: 10\r\n\r\nfile body\n"},
		{"-T - sends stdin chunked", []string{"-T", "-"}, "/up", "streamed",
			"PUT /up HTTP/1.1\r\n" + std + "Transfer-Encoding: chunked\r\n\r\n8\r\nstreamed\r\n0\r\n\r\n"},
		{"-T - with -X POST", []string{"-X", "POST", "-T", "-"}, "/up", "s",
			"POST /up HTTP/1.1\r\n" + std + "Transfer-Encoding: chunked\r\n\r\n1\r\ns\r\n0\r\n\r\n"},
		{"user:pass@ sends Basic auth", nil, "/", "",
			"GET / HTTP/1.1\r\n" + std + "Authorization: Basic dXNlcjpwYXNz\r\n\r\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := newRawServer(t, nil)
			u := "http://" + srv.Addr() + tc.path
			if strings.Contains(tc.want, "Authorization: Basic") {
				u = "http://user:pass@" + srv.Addr() + tc.path
			}
			r := runHTTPC(t, tc.stdin, append(tc.args, u)...)
			if r.code != exitOK {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			reqs := srv.requests()
			if len(reqs) != 1 {
				t.Fatalf("server got %d requests, want 1", len(reqs))
			}
			want := strings.ReplaceAll(tc.want, "HOST", srv.Addr())
			if d := testutil.ByteDiff([]byte(want), []byte(reqs[0])); d != "" {
				t.Errorf("request bytes differ: %s", d)
			}
			if !strings.HasPrefix(tc.want, "HEAD") && r.stdout != "hello" {
				t.Errorf("stdout %q, want the body %q", r.stdout, "hello")
			}
		})
	}
}
