package main

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/httpstack/httpstack/message"
)

func TestParseArgs(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want options // only the fields compared below
	}{
		{"one URL", []string{"http://a/"}, options{urls: []string{"http://a/"}}},
		{"short and long flags", []string{"-X", "PUT", "--include", "-v", "--raw", "-k", "--fail", "-s", "http://a/"},
			options{method: "PUT", include: true, verbose: true, raw: true, insecure: true, fail: true, silent: true, urls: []string{"http://a/"}}},
		{"-H and --header interleave in order, case kept",
			[]string{"-H", "X-B: 2", "--header", "x-a:1", "-H", "X-Empty;", "-H", "X-Sp:  v ", "u"},
			options{header: message.Header{{Name: "X-B", Value: "2"}, {Name: "x-a", Value: "1"}, {Name: "X-Empty"}, {Name: "X-Sp", Value: "v "}}, urls: []string{"u"}}},
		{"-d and --data-binary keep their order",
			[]string{"-d", "a=1", "--data-binary", "@f", "--data", "b=2", "u"},
			options{data: []dataArg{{value: "a=1"}, {value: "@f", binary: true}, {value: "b=2"}}, urls: []string{"u"}}},
		{"flags after URLs", []string{"http://a/", "-o", "f1", "http://b/", "--output", "f2"},
			options{outputs: []string{"f1", "f2"}, urls: []string{"http://a/", "http://b/"}}},
		{"-- ends the flags", []string{"-i", "--", "-X", "u"},
			options{include: true, urls: []string{"-X", "u"}}},
		{"durations as Go durations or seconds", []string{"--timeout", "1.5", "-m", "2m", "u"},
			options{timeout: 1500 * time.Millisecond, maxTime: 2 * time.Minute, urls: []string{"u"}}},
		{"proxy scheme dropped", []string{"--proxy", "http://127.0.0.1:3128", "u"},
			options{proxy: "127.0.0.1:3128", urls: []string{"u"}}},
		{"socks5 credentials split off", []string{"--socks5", "me:pw@127.0.0.1:1080", "u"},
			options{socks5: "127.0.0.1:1080", socksUser: "me", socksPass: "pw", urls: []string{"u"}}},
		{"unix socket, cacert, upload, head", []string{"--unix-socket", "/s", "--cacert", "ca.pem", "-I", "u"},
			options{unixSocket: "/s", cacert: "ca.pem", head: true, urls: []string{"u"}}},
		{"upload", []string{"-T", "-", "-A", "me/1", "u"},
			options{upload: "-", userAgent: "me/1", urls: []string{"u"}}},
		{"help", []string{"-h"}, options{help: true}},
		{"long help", []string{"--help"}, options{help: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseArgs(tc.args)
			if err != nil {
				t.Fatalf("parseArgs(%q): %v", tc.args, err)
			}
			want := tc.want
			if want.userAgent == "" {
				want.userAgent = defaultUserAgent
			}
			if diff := cmp.Diff(want, *got, cmp.AllowUnexported(options{}, dataArg{})); diff != "" {
				t.Errorf("parseArgs(%q) mismatch (-want +got):\n%s", tc.args, diff)
			}
		})
	}
}

func TestParseArgsErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // in the message
	}{
		{"no URL", nil, "no URL given"},
		{"unknown flag", []string{"--nope", "u"}, "unknown flag -nope"},
		{"missing argument", []string{"u", "-X"}, "flag -X needs an argument"},
		{"header without colon", []string{"-H", "NoColon", "u"}, "want 'Name: value'"},
		{"header with bad name", []string{"-H", "Bad Name: v", "u"}, `bad header name "Bad Name"`},
		{"header with CR", []string{"-H", "X: a\rb", "u"}, "control characters"},
		{"bad method", []string{"-X", "GET /x", "u"}, "bad method"},
		{"-I with -d", []string{"-I", "-d", "x", "u"}, "-I can't be used with -d or -T"},
		{"-d with -T", []string{"-d", "x", "-T", "f", "u"}, "-d and -T can't be used together"},
		{"socks5 and unix socket", []string{"--socks5", "h:1", "--unix-socket", "/s", "u"}, "can't be used together"},
		{"too many -o", []string{"-o", "a", "-o", "b", "u"}, "2 -o flags for 1 URLs"},
		{"bad proxy", []string{"--proxy", "nohost", "u"}, "want HOST:PORT"},
		{"bad proxy port", []string{"--proxy", "h:99999", "u"}, "bad port"},
		{"bad socks5 credentials", []string{"--socks5", "me@h:1", "u"}, "USER:PASS@HOST:PORT"},
		{"bad duration", []string{"--timeout", "soon", "u"}, "want a duration"},
		{"negative duration", []string{"--timeout", "-1s", "u"}, "must be positive"},
		{"bad user agent", []string{"-A", "a\nb", "u"}, "bad -A value"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseArgs(tc.args)
			if _, ok := err.(*usageError); !ok {
				t.Fatalf("parseArgs(%q) = %v, want a *usageError", tc.args, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("parseArgs(%q) = %q, want it to contain %q", tc.args, err, tc.want)
			}
		})
	}
}

func TestParseTarget(t *testing.T) {
	tests := []struct {
		raw, upload string
		want        target
	}{
		{"http://example.com", "", target{host: "example.com", port: 80, hostHeader: "example.com", reqTarget: "/", key: "http://example.com:80"}},
		{"example.com:8080/a?b=c", "", target{host: "example.com", port: 8080, hostHeader: "example.com:8080", reqTarget: "/a?b=c", key: "http://example.com:8080"}},
		{"HTTPS://Example.com:443/x#frag", "", target{tls: true, host: "Example.com", port: 443, hostHeader: "Example.com", reqTarget: "/x", key: "https://Example.com:443"}},
		{"http://[::1]:8080/", "", target{host: "::1", port: 8080, hostHeader: "[::1]:8080", reqTarget: "/", key: "http://[::1]:8080"}},
		{"http://bücher.example/", "", target{host: "xn--bcher-kva.example", port: 80, hostHeader: "xn--bcher-kva.example", reqTarget: "/", key: "http://xn--bcher-kva.example:80"}},
		{"http://u:p@h/", "", target{host: "h", port: 80, hostHeader: "h", reqTarget: "/", auth: "Basic dTpw", key: "http://h:80"}},
		{"http://h/p q?x=a b", "", target{host: "h", port: 80, hostHeader: "h", reqTarget: "/p%20q?x=a%20b", key: "http://h:80"}},
		{"http://h/dir/", "some/up load.txt", target{host: "h", port: 80, hostHeader: "h", reqTarget: "/dir/up%20load.txt", key: "http://h:80"}},
		{"http://h", "f.txt", target{host: "h", port: 80, hostHeader: "h", reqTarget: "/f.txt", key: "http://h:80"}},
		{"http://h/name", "f.txt", target{host: "h", port: 80, hostHeader: "h", reqTarget: "/name", key: "http://h:80"}},
	}
	for _, tc := range tests {
		t.Run(tc.raw, func(t *testing.T) {
			got, err := parseTarget(tc.raw, tc.upload)
			if err != nil {
				t.Fatalf("parseTarget(%q): %v", tc.raw, err)
			}
			tc.want.url = tc.raw
			if diff := cmp.Diff(tc.want, *got, cmp.AllowUnexported(target{})); diff != "" {
				t.Errorf("parseTarget(%q) mismatch (-want +got):\n%s", tc.raw, diff)
			}
		})
	}
}

func TestParseTargetErrors(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"ftp://h/", `unsupported scheme "ftp"`},
		{"http://", "no host"},
		{"http://h:port/", "port"},
		{"http://h:99999/", "port"},
		{"http://[::1/", "missing ']'"},
		{"http://a b/", "invalid character"},
	}
	for _, tc := range tests {
		t.Run(tc.raw, func(t *testing.T) {
			_, err := parseTarget(tc.raw, "")
			if _, ok := err.(*urlError); !ok {
				t.Fatalf("parseTarget(%q) = %v, want a *urlError", tc.raw, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("parseTarget(%q) = %q, want it to contain %q", tc.raw, err, tc.want)
			}
		})
	}
}
