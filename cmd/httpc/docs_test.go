package main

import (
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/httpstack/httpstack/testutil"
)

// docPath is docs/httpc.md, relative to this package.
const docPath = "../../docs/httpc.md"

// docExamples returns the commands of the "## Examples" section of
// docs/httpc.md.
func docExamples(t *testing.T) []string {
	t.Helper()
	doc, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(doc), "\n## Examples\n")
	if !ok {
		t.Fatal("docs/httpc.md has no Examples section")
	}
	_, block, ok := strings.Cut(sec, "```sh\n")
	if !ok {
		t.Fatal("the Examples section has no sh block")
	}
	block, _, _ = strings.Cut(block, "```")
	var cmds []string
	for _, l := range strings.Split(block, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			cmds = append(cmds, l)
		}
	}
	return cmds
}

// shellWords splits a command line at blanks, honouring single and
// double quotes (enough for the documentation's examples).
func shellWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				cur.WriteByte(c)
			}
		case c == '\'' || c == '"':
			quote, inWord = c, true
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated quote in %q", s)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

var exitComment = regexp.MustCompile(`\s+# exit (\d+)$`)

// TestDocsExamples runs every command of docs/httpc.md's Examples with
// loopback servers standing in for the hosts it names.
func TestDocsExamples(t *testing.T) {
	cmds := docExamples(t)
	if len(cmds) < 10 {
		t.Fatalf("only %d examples", len(cmds))
	}
	dir := t.TempDir()
	t.Chdir(dir)

	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "ok %s %s %s (%d bytes)\n", r.Method, r.Host, r.URL.Path, len(b))
	})
	web := testutil.NewHTTPServer(t, handler, nil)
	ca := testutil.NewCA(t)
	secure := testutil.NewHTTPServer(t, handler, ca.ServerConfig())
	proxy := testutil.NewConnectProxy(t, testutil.ProxyOptions{})
	socks := testutil.NewSOCKS5Server(t, "user", "secret")

	sock := filepath.Join(dir, "app.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Skipf("no unix sockets: %v", err)
	}
	unixSrv := &http.Server{Handler: handler}
	done := make(chan struct{})
	go func() { defer close(done); unixSrv.Serve(ln) }()
	t.Cleanup(func() { unixSrv.Close(); <-done })

	for name, content := range map[string]string{
		"form.txt":  "name=Ada&\nlang=go\n",
		"photo.jpg": "\xff\xd8\xff\xe0 not really a JPEG",
		"ca.pem":    string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Certificate().Raw})),
	} {
		if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	replacer := strings.NewReplacer(
		"localhost:8080", web.Addr(),
		"localhost:8443", secure.Addr(),
		"proxy.example:3128", proxy.Addr(),
		"socks.example:1080", socks.Addr(),
		"/run/app.sock", sock,
	)

	for _, cmd := range cmds {
		t.Run(cmd, func(t *testing.T) {
			line := replacer.Replace(cmd)
			wantCode := 0
			if m := exitComment.FindStringSubmatch(line); m != nil {
				wantCode, _ = strconv.Atoi(m[1])
				line = line[:len(line)-len(m[0])]
			}
			stdin := ""
			if pre, post, ok := strings.Cut(line, " | "); ok {
				words, err := shellWords(pre)
				if err != nil || len(words) == 0 || words[0] != "echo" {
					t.Fatalf("unsupported pipe in %q", cmd)
				}
				stdin = strings.Join(words[1:], " ") + "\n"
				line = post
			}
			words, err := shellWords(line)
			if err != nil || len(words) == 0 || words[0] != "httpc" {
				t.Fatalf("not an httpc command: %q (%v)", cmd, err)
			}
			r := runHTTPC(t, stdin, words[1:]...)
			if r.code != wantCode {
				t.Fatalf("exit %d, want %d; stderr %q", r.code, wantCode, r.stderr)
			}
			if wantCode == 0 && r.stdout == "" && !strings.Contains(cmd, " -o ") {
				t.Errorf("no output; stderr %q", r.stderr)
			}
		})
	}
	for _, f := range []string{"out.html", "second.html"} {
		if b, err := os.ReadFile(f); err != nil || !strings.HasPrefix(string(b), "ok GET ") {
			t.Errorf("%s = %q, %v", f, b, err)
		}
	}
}

// TestDocsFlags checks that docs/httpc.md and the usage text name every
// flag httpc accepts.
func TestDocsFlags(t *testing.T) {
	doc, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	fs := newFlagSet(&options{})
	n := 0
	fs.VisitAll(func(f *flag.Flag) {
		n++
		name := "-" + f.Name
		if len(f.Name) > 1 {
			name = "--" + f.Name
		}
		if !strings.Contains(string(doc), "`"+name) {
			t.Errorf("docs/httpc.md does not document %s", name)
		}
		if !strings.Contains(usage, name+" ") && !strings.Contains(usage, name+",") {
			t.Errorf("the usage text does not document %s", name)
		}
	})
	if n < 30 {
		t.Errorf("only %d flags visited", n)
	}
}
