package docs

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/httpstack/httpstack/testutil"
)

// root is the repository root, seen from this package's directory.
const root = ".."

// pendingDocs are chapters other engineers are writing: links to them are
// allowed to dangle until they land (the test logs them). Remove an entry
// once its file exists.
var pendingDocs = map[string]bool{}

// markdownFiles returns README.md and docs/*.md, as slash paths relative
// to the repository root.
func markdownFiles(t *testing.T) []string {
	t.Helper()
	files := []string{"README.md"}
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		files = append(files, "docs/"+filepath.Base(d))
	}
	if len(files) < 5 {
		t.Fatalf("found only %v: is the test running in docs/?", files)
	}
	return files
}

// readRepo reads a file given as a slash path relative to the root.
func readRepo(rel string) ([]byte, error) {
	return os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
}

// block is one fenced code block of a Markdown file.
type block struct {
	line   int    // line of the opening fence, 1-based
	end    int    // line of the closing fence
	lang   string // info string of the fence, "go", "sh", ...
	marker string // the line before the fence, trimmed
	text   string // the lines between the fences
}

// fenceRE matches an opening or closing code fence and captures the fence
// and the info string.
var fenceRE = regexp.MustCompile("^\\s*(```+|~~~+)\\s*([^`\\s]*)")

// codeBlocks returns the fenced code blocks of a Markdown text. An
// unterminated block is an error.
func codeBlocks(md []byte) ([]block, error) {
	var (
		out   []block
		cur   *block
		fence string
		prev  string
		body  []string
	)
	lines := strings.Split(string(md), "\n")
	for i, l := range lines {
		m := fenceRE.FindStringSubmatch(l)
		switch {
		case cur == nil && m != nil:
			cur = &block{line: i + 1, lang: m[2], marker: strings.TrimSpace(prev)}
			fence, body = m[1], nil
		case cur != nil && m != nil && strings.HasPrefix(m[1], fence) && m[2] == "":
			cur.text = strings.Join(body, "\n")
			cur.end = i + 1
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			body = append(body, l)
		}
		prev = l
	}
	if cur != nil {
		return nil, fmt.Errorf("line %d: code block is never closed", cur.line)
	}
	return out, nil
}

// ref is a parsed example marker.
type ref struct {
	file  string // slash path relative to the root
	name  string // Func, Type.Method or Type
	whole bool   // the whole declaration instead of the body
}

var markerRE = regexp.MustCompile(`^<!--\s*example:\s*(\S+)\s+(\S+)(\s+whole)?\s*-->$`)

// parseMarker parses `<!-- example: path Name [whole] -->`.
func parseMarker(s string) (ref, error) {
	m := markerRE.FindStringSubmatch(s)
	if m == nil {
		return ref{}, fmt.Errorf("go block without a marker: the line before the fence must be <!-- example: path/file.go Func --> (got %q)", s)
	}
	r := ref{file: m[1], name: m[2], whole: m[3] != ""}
	if path.IsAbs(r.file) || strings.HasPrefix(path.Clean(r.file), "..") || !strings.HasSuffix(r.file, ".go") {
		return ref{}, fmt.Errorf("marker %q: the file must be a .go file inside the repository", s)
	}
	return r, nil
}

// lookup returns the source text r names: a function's body without its
// braces, or with whole the declaration from its keyword to its end (doc
// comment excluded). A type may be named only with whole.
func lookup(r ref) (string, error) {
	src, err := readRepo(r.file)
	if err != nil {
		return "", err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, r.file, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return "", err
	}
	text := func(from, to token.Pos) string {
		return string(src[fset.Position(from).Offset:fset.Position(to).Offset])
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if funcName(d) != r.name {
				continue
			}
			if r.whole {
				return text(d.Pos(), d.End()), nil
			}
			if d.Body == nil {
				return "", fmt.Errorf("%s: %s has no body", r.file, r.name)
			}
			return text(d.Body.Lbrace+1, d.Body.Rbrace), nil
		case *ast.GenDecl:
			if d.Tok != token.TYPE {
				continue
			}
			for _, s := range d.Specs {
				ts := s.(*ast.TypeSpec)
				if ts.Name.Name != r.name {
					continue
				}
				if !r.whole {
					return "", fmt.Errorf("%s: %s is a type: mark the block whole", r.file, r.name)
				}
				if d.Lparen.IsValid() { // a grouped declaration
					return "type " + text(ts.Pos(), ts.End()), nil
				}
				return text(d.Pos(), d.End()), nil
			}
		}
	}
	return "", fmt.Errorf("%s: no function or type %s", r.file, r.name)
}

// funcName returns Name for a function and Recv.Name for a method.
func funcName(d *ast.FuncDecl) string {
	if d.Recv == nil || len(d.Recv.List) == 0 {
		return d.Name.Name
	}
	t := d.Recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	switch x := t.(type) {
	case *ast.IndexExpr: // generic receiver T[P]
		t = x.X
	case *ast.IndexListExpr:
		t = x.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name + "." + d.Name.Name
	}
	return d.Name.Name
}

// normalize returns the lines of s that are not blank, each without its
// leading and trailing white space. Two code texts match when their
// normalized lines are equal.
func normalize(s string) []string {
	var out []string
	for l := range strings.Lines(s) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// checkGoBlock verifies that a go block carries a marker and equals the
// code the marker names.
func checkGoBlock(b block) error {
	r, err := parseMarker(b.marker)
	if err != nil {
		return err
	}
	want, err := lookup(r)
	if err != nil {
		return err
	}
	got, exp := normalize(b.text), normalize(want)
	if slices.Equal(got, exp) {
		return nil
	}
	for i := range max(len(got), len(exp)) {
		var g, e string
		if i < len(got) {
			g = got[i]
		}
		if i < len(exp) {
			e = exp[i]
		}
		if g != e {
			return fmt.Errorf("block differs from %s %s at its line %d:\n\tdoc:  %q\n\tcode: %q\n(copy the code into the block again)", r.file, r.name, i+1, g, e)
		}
	}
	return nil // unreachable: the slices differ
}

var update = flag.Bool("update", false, "rewrite the go blocks of README.md and docs/*.md from the code their markers name")

// TestGoBlocks checks every go block of README.md and docs/*.md against
// the function its marker names, and that no marker is left without a
// block. With -update it first rewrites each marked block from the code.
func TestGoBlocks(t *testing.T) {
	seen := 0
	for _, file := range markdownFiles(t) {
		md, err := readRepo(file)
		if err != nil {
			t.Fatal(err)
		}
		blocks, err := codeBlocks(md)
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		if *update {
			md = rewriteBlocks(t, file, md, blocks)
			if blocks, err = codeBlocks(md); err != nil {
				t.Fatal(err)
			}
		}
		markerLines := map[int]bool{}
		for _, b := range blocks {
			if b.lang != "go" && b.lang != "golang" {
				continue
			}
			seen++
			markerLines[b.line-1] = true
			if err := checkGoBlock(b); err != nil {
				t.Errorf("%s:%d: %v", file, b.line, err)
			}
		}
		// A marker must sit right before a go block.
		for i, l := range strings.Split(string(md), "\n") {
			if strings.Contains(l, "<!-- example:") && !markerLines[i+1] {
				t.Errorf("%s:%d: example marker not followed by a ```go block", file, i+1)
			}
		}
	}
	if seen < 20 {
		t.Errorf("found only %d go blocks in the docs; is the fence parser broken?", seen)
	}
}

// rewriteBlocks replaces the text of every marked go block of md with
// the code its marker names, indented as in the source less one level
// for a body, and writes the file if it changed.
func rewriteBlocks(t *testing.T, file string, md []byte, blocks []block) []byte {
	t.Helper()
	lines := strings.Split(string(md), "\n")
	for i := len(blocks) - 1; i >= 0; i-- {
		b := blocks[i]
		if b.lang != "go" {
			continue
		}
		r, err := parseMarker(b.marker)
		if err != nil {
			continue // TestGoBlocks reports it
		}
		src, err := lookup(r)
		if err != nil {
			continue
		}
		code := strings.Split(strings.Trim(src, "\n"), "\n")
		if !r.whole {
			for j, l := range code {
				code[j] = strings.TrimPrefix(l, "\t")
			}
		}
		lines = slices.Replace(lines, b.line, b.end-1, code...)
	}
	out := []byte(strings.Join(lines, "\n"))
	if !bytes.Equal(out, md) {
		if err := os.WriteFile(filepath.Join(root, filepath.FromSlash(file)), out, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("rewrote the go blocks of %s", file)
	}
	return out
}

// TestCheckGoBlock runs the checker on blocks that must pass and blocks
// that must fail, against the functions of this file.
func TestCheckGoBlock(t *testing.T) {
	const self = "docs/docs_test.go"
	body := "\tseen := 0\n" + "for _, file := range markdownFiles(t) {\n"
	tests := []struct {
		name    string
		marker  string
		text    string
		wantErr string // substring of the error; "" means it must pass
	}{
		{"whole function", "<!-- example: " + self + " funcName whole -->",
			mustLookup(t, ref{self, "funcName", true}), ""},
		{"body, reindented", "<!-- example: " + self + " normalize -->",
			"var out []string\n  for l := range strings.Lines(s) {\n\n if l = strings.TrimSpace(l); l != \"\" {\nout = append(out, l)\n}\n}\nreturn out", ""},
		{"type", "<!-- example:  " + self + "   ref   whole -->",
			mustLookup(t, ref{self, "ref", true}), ""},
		{"method", "<!-- example: docs/readme_example_test.go hostsDialer.DialContext -->",
			mustLookup(t, ref{"docs/readme_example_test.go", "hostsDialer.DialContext", false}), ""},
		{"no marker", "", "x := 1", "go block without a marker"},
		{"comment that is no marker", "<!-- see client/example_test.go -->", "x := 1", "go block without a marker"},
		{"body differs", "<!-- example: " + self + " normalize -->", "var out []string", "block differs"},
		{"prefix only", "<!-- example: " + self + " TestGoBlocks -->", body, "block differs"},
		{"token changed", "<!-- example: " + self + " funcName whole -->",
			strings.Replace(mustLookup(t, ref{self, "funcName", true}), "d.Recv == nil", "d.Recv != nil", 1), "block differs"},
		{"whole missing", "<!-- example: " + self + " normalize -->", mustLookup(t, ref{self, "normalize", true}), "block differs"},
		{"no such function", "<!-- example: " + self + " Nope -->", "x := 1", "no function or type Nope"},
		{"no such file", "<!-- example: docs/nope_test.go F -->", "x := 1", "no such file"},
		{"not go", "<!-- example: docs/index.md F -->", "x := 1", "must be a .go file"},
		{"outside", "<!-- example: ../x.go F -->", "x := 1", "must be a .go file"},
		{"type body", "<!-- example: " + self + " ref -->", "x := 1", "mark the block whole"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := checkGoBlock(block{line: 2, lang: "go", marker: tc.marker, text: tc.text})
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("error = %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func mustLookup(t *testing.T, r ref) string {
	t.Helper()
	s, err := lookup(r)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestCodeBlocks checks the fence parser on the shapes the docs use.
func TestCodeBlocks(t *testing.T) {
	md := "text\n" +
		"<!-- example: a.go F -->\n" +
		"```go\n" +
		"x := 1\n" +
		"```\n" +
		"- item\n" +
		"  ```sh\n" +
		"  make test\n" +
		"  ```\n" +
		"````text\n" +
		"```go\n" +
		"````\n"
	got, err := codeBlocks([]byte(md))
	if err != nil {
		t.Fatal(err)
	}
	want := []block{
		{line: 3, end: 5, lang: "go", marker: "<!-- example: a.go F -->", text: "x := 1"},
		{line: 7, end: 9, lang: "sh", marker: "- item", text: "  make test"},
		{line: 10, end: 12, lang: "text", marker: "```", text: "```go"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("codeBlocks:\n got %+v\nwant %+v", got, want)
	}
	if _, err := codeBlocks([]byte("```go\nx\n")); err == nil {
		t.Error("an unterminated block gave no error")
	}
}

// linkRE matches an inline Markdown link or image target.
var linkRE = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// TestLinks checks that every relative link of README.md and docs/*.md
// points at an existing file, and every #anchor at a heading.
func TestLinks(t *testing.T) {
	for _, file := range markdownFiles(t) {
		md, err := readRepo(file)
		if err != nil {
			t.Fatal(err)
		}
		for n, l := range strings.Split(string(stripCode(md)), "\n") {
			for _, m := range linkRE.FindAllStringSubmatch(l, -1) {
				if err := checkLink(file, m[1]); err != nil {
					if p, ok := err.(pendingError); ok {
						t.Logf("%s:%d: link to %s, which is still being written", file, n+1, string(p))
						continue
					}
					t.Errorf("%s:%d: %v", file, n+1, err)
				}
			}
		}
	}
}

// pendingError reports a link to one of pendingDocs that does not exist
// yet.
type pendingError string

func (e pendingError) Error() string { return "pending: " + string(e) }

// checkLink checks one link target of the Markdown file from.
func checkLink(from, target string) error {
	if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
		return nil
	}
	file, anchor, _ := strings.Cut(target, "#")
	rel := from
	if file != "" {
		rel = path.Join(path.Dir(from), file)
		if strings.HasPrefix(rel, "..") {
			return fmt.Errorf("link %q leaves the repository", target)
		}
	}
	src, err := readRepo(rel)
	if err != nil {
		if os.IsNotExist(err) && pendingDocs[rel] {
			return pendingError(rel)
		}
		if fi, serr := os.Stat(filepath.Join(root, filepath.FromSlash(rel))); serr == nil && fi.IsDir() && anchor == "" {
			return nil // a link to a directory
		}
		return fmt.Errorf("link %q: %v", target, err)
	}
	if anchor == "" || !strings.HasSuffix(rel, ".md") {
		return nil
	}
	if !slices.Contains(anchors(src), anchor) {
		return fmt.Errorf("link %q: %s has no heading with anchor #%s", target, rel, anchor)
	}
	return nil
}

// stripCode blanks the lines inside code blocks, keeping line numbers.
func stripCode(md []byte) []byte {
	var out bytes.Buffer
	in := ""
	for _, l := range strings.Split(string(md), "\n") {
		m := fenceRE.FindStringSubmatch(l)
		switch {
		case in == "" && m != nil:
			in = m[1]
			l = ""
		case in != "" && m != nil && strings.HasPrefix(m[1], in) && m[2] == "":
			in = ""
			l = ""
		case in != "":
			l = ""
		}
		out.WriteString(l)
		out.WriteByte('\n')
	}
	return out.Bytes()
}

// anchors returns the GitHub anchors of a Markdown file's headings:
// lower case, punctuation other than '-' and '_' dropped, spaces turned
// into '-', and "-1", "-2" ... appended to repeats.
func anchors(md []byte) []string {
	var out []string
	count := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(stripCode(md)))
	for sc.Scan() {
		l := sc.Text()
		if !strings.HasPrefix(l, "#") {
			continue
		}
		h := strings.TrimSpace(strings.TrimLeft(l, "#"))
		var b strings.Builder
		for _, r := range strings.ToLower(h) {
			switch {
			case r == ' ':
				b.WriteByte('-')
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
				b.WriteRune(r)
			}
		}
		a := b.String()
		if n := count[a]; n > 0 {
			out = append(out, fmt.Sprintf("%s-%d", a, n))
		} else {
			out = append(out, a)
		}
		count[a]++
	}
	return out
}

func TestAnchors(t *testing.T) {
	md := "# The httpstack book\n" +
		"## Python `http.client` → httpstack\n" +
		"```sh\n# not a heading\n```\n" +
		"## Status codes\n" +
		"## Status codes\n" +
		"### HTTPResponse.read([amt])\n"
	want := []string{"the-httpstack-book", "python-httpclient--httpstack", "status-codes", "status-codes-1", "httpresponsereadamt"}
	if got := anchors([]byte(md)); !slices.Equal(got, want) {
		t.Errorf("anchors = %q, want %q", got, want)
	}
	for _, tc := range []struct {
		target string
		ok     bool
	}{
		{"python-mapping.md#status-codes", true},
		{"python-mapping.md#no-such-heading", false},
		{"no-such-file.md", false},
		{"security.md", true}, // pending or present
		{"../README.md#layers", true},
		{"../../etc/passwd", false},
		{"https://docs.python.org/3/", true},
	} {
		err := checkLink("docs/index.md", tc.target)
		if _, pending := err.(pendingError); pending {
			err = nil
		}
		if (err == nil) != tc.ok {
			t.Errorf("checkLink(%q) = %v, want ok %v", tc.target, err, tc.ok)
		}
	}
}

// TestIndexListsEveryChapter checks that docs/index.md links every
// Markdown file in docs/, and the README links docs/index.md.
func TestIndexListsEveryChapter(t *testing.T) {
	index, err := readRepo("docs/index.md")
	if err != nil {
		t.Fatal(err)
	}
	linked := map[string]bool{}
	for _, m := range linkRE.FindAllStringSubmatch(string(stripCode(index)), -1) {
		f, _, _ := strings.Cut(m[1], "#")
		linked[f] = true
	}
	for _, file := range markdownFiles(t) {
		name, ok := strings.CutPrefix(file, "docs/")
		if !ok || name == "index.md" {
			continue
		}
		if !linked[name] {
			t.Errorf("docs/index.md does not link %s", name)
		}
	}
	for p := range pendingDocs {
		if !linked[strings.TrimPrefix(p, "docs/")] {
			t.Errorf("docs/index.md does not link %s", p)
		}
	}
	readme, err := readRepo("README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(readme, []byte("](docs/index.md)")) {
		t.Error("README.md does not link docs/index.md")
	}
}

// TestShellCommands checks what the sh blocks name: make targets exist in
// the Makefile, and ./paths given to go, bash and sh exist.
func TestShellCommands(t *testing.T) {
	mk, err := readRepo("Makefile")
	if err != nil {
		t.Fatal(err)
	}
	targets := makeTargets(mk)
	if !targets["test"] {
		t.Fatalf("no test target among %v: is the Makefile parser broken?", targets)
	}
	checked := 0
	for _, file := range markdownFiles(t) {
		md, err := readRepo(file)
		if err != nil {
			t.Fatal(err)
		}
		blocks, err := codeBlocks(md)
		if err != nil {
			continue // TestGoBlocks reports it
		}
		for _, b := range blocks {
			if b.lang != "sh" && b.lang != "bash" && b.lang != "shell" {
				continue
			}
			for _, cmd := range shellCommands(b.text) {
				checked++
				if err := checkCommand(cmd, targets); err != nil {
					t.Errorf("%s:%d: %q: %v", file, b.line, strings.Join(cmd, " "), err)
				}
			}
		}
	}
	if checked == 0 {
		t.Error("no shell command found in the docs")
	}
}

// makeTargets returns the names of the Makefile's explicit rules.
func makeTargets(mk []byte) map[string]bool {
	out := map[string]bool{}
	re := regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9_. -]*):($|[^=])`)
	for _, l := range strings.Split(string(mk), "\n") {
		if m := re.FindStringSubmatch(l); m != nil {
			for _, name := range strings.Fields(m[1]) {
				out[name] = true
			}
		}
	}
	return out
}

// shellCommands splits a sh block into simple commands: comments
// dropped, lines split at |, ;, && and ||, leading VAR=value assignments
// removed. Quoted words are kept whole (without their quotes).
func shellCommands(text string) [][]string {
	var out [][]string
	for _, line := range strings.Split(text, "\n") {
		var cmd []string
		flush := func() {
			for len(cmd) > 0 && strings.Contains(cmd[0], "=") && !strings.HasPrefix(cmd[0], "-") {
				cmd = cmd[1:]
			}
			if len(cmd) > 0 {
				out = append(out, cmd)
			}
			cmd = nil
		}
		var word strings.Builder
		inWord := false
		var quote rune
		end := func() {
			if inWord {
				cmd = append(cmd, word.String())
				word.Reset()
				inWord = false
			}
		}
	scan:
		for _, r := range line {
			switch {
			case quote != 0:
				if r == quote {
					quote = 0
				} else {
					word.WriteRune(r)
				}
			case r == '\'' || r == '"':
				quote, inWord = r, true
			case r == '#' && !inWord:
				break scan
			case r == ' ' || r == '\t':
				end()
			case r == '|' || r == ';' || r == '&':
				end()
				flush()
			default:
				word.WriteRune(r)
				inWord = true
			}
		}
		end()
		flush()
	}
	return out
}

// checkCommand checks one command of a sh block.
func checkCommand(cmd []string, targets map[string]bool) error {
	exists := func(p string) error {
		p = strings.TrimSuffix(p, "/...")
		if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(p))); err != nil {
			return fmt.Errorf("%s does not exist", p)
		}
		return nil
	}
	switch cmd[0] {
	case "make":
		for _, a := range cmd[1:] {
			if strings.HasPrefix(a, "-") || strings.Contains(a, "=") {
				continue
			}
			if !targets[a] {
				return fmt.Errorf("the Makefile has no target %q", a)
			}
		}
	case "go", "bash", "sh":
		for _, a := range cmd[1:] {
			script := cmd[0] != "go" && strings.HasSuffix(a, ".sh")
			if strings.HasPrefix(a, "./") || script {
				if err := exists(a); err != nil {
					return err
				}
			}
		}
	default:
		if strings.HasPrefix(cmd[0], "./") || strings.HasPrefix(cmd[0], "scripts/") {
			return exists(cmd[0])
		}
	}
	return nil
}

func TestCheckCommand(t *testing.T) {
	targets := map[string]bool{"test": true, "demo": true}
	for _, tc := range []struct {
		line string
		ok   bool
	}{
		{"make test   # all checks", true},
		{"make nope", false},
		{"FOO=1 make demo FUZZTIME=3s", true},
		{"go run ./cmd/httpc demo", true},
		{"go run ./cmd/nope demo", false},
		{"go test -count=1 ./docs/ ./wire/...", true},
		{"bash scripts/interop.sh", true},
		{"bash scripts/nope.sh", false},
		{"./scripts/check.sh -h", true},
		{"echo hi | make nope", false},
		{"go get github.com/httpstack/httpstack", true},
		{"httpc -d 'a=b # c' http://localhost:8080/ # exit 0", true},
	} {
		var err error
		for _, cmd := range shellCommands(tc.line) {
			if err = checkCommand(cmd, targets); err != nil {
				break
			}
		}
		if (err == nil) != tc.ok {
			t.Errorf("%q: err = %v, want ok %v", tc.line, err, tc.ok)
		}
	}
	got := shellCommands(`A=1 B="x y" make test && echo 'a|b' | wc -l # done`)
	want := [][]string{{"make", "test"}, {"echo", "a|b"}, {"wc", "-l"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("shellCommands = %q, want %q", got, want)
	}
}

// TestMain fails the package if an example leaves a goroutine running.
func TestMain(m *testing.M) { os.Exit(testutil.LeakCheck(m)) }

// layers is the import rule of docs/architecture.md: the packages of this
// module that each package's non-test files may import. Imports point
// down only; testutil is for tests.
var layers = map[string][]string{
	"status":    {},
	"errors":    {},
	"wire":      {"errors"},
	"message":   {"wire", "errors"},
	"transport": {"wire", "message", "errors"},
	"client":    {"transport", "message", "wire", "status", "errors", "internal/"},
	"testutil":  {"transport", "message", "wire", "status", "errors"},
	"cmd/httpc": {"client", "transport", "message", "wire", "status", "errors"},
	"internal/": {"message", "wire", "status", "errors"},
	"interop":   {},
	"docs":      {},
}

const modulePath = "github.com/httpstack/httpstack"

// allowedImport reports whether package pkg may import the module
// package imp under rules.
func allowedImport(rules map[string][]string, pkg, imp string) (allowed, known bool) {
	rule, ok := rules[pkg]
	if !ok {
		for k, v := range rules {
			if strings.HasSuffix(k, "/") && strings.HasPrefix(pkg, k) {
				rule, ok = v, true
			}
		}
	}
	if !ok {
		return imp != "testutil" && !strings.HasPrefix(imp, "cmd/"), false
	}
	for _, a := range rule {
		if a == imp || strings.HasSuffix(a, "/") && strings.HasPrefix(imp, a) {
			return true, true
		}
	}
	return false, true
}

// TestImportsPointDown checks the layer rule of docs/architecture.md on
// the non-test Go files of every package in the module.
func TestImportsPointDown(t *testing.T) {
	pkgs := 0
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			name := d.Name()
			if rel != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "bench" || name == "tools") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") {
			return nil
		}
		pkg := path.Dir(rel)
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		if f.Name.Name == "main" && pkg == "." {
			return nil
		}
		pkgs++
		for _, is := range f.Imports {
			imp := strings.Trim(is.Path.Value, `"`)
			sub, ok := strings.CutPrefix(imp, modulePath+"/")
			if !ok {
				continue
			}
			allowed, known := allowedImport(layers, pkg, sub)
			if !allowed {
				t.Errorf("%s imports %s: not allowed by the layer rule (docs/architecture.md)", rel, sub)
			}
			if !known {
				t.Logf("%s: package %s is not in the layer table", rel, pkg)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pkgs < 20 {
		t.Errorf("checked only %d files", pkgs)
	}
}

func TestAllowedImport(t *testing.T) {
	for _, tc := range []struct {
		pkg, imp string
		want     bool
	}{
		{"wire", "errors", true},
		{"wire", "message", false},
		{"message", "client", false},
		{"client", "internal/errd", true},
		{"client", "testutil", false},
		{"internal/errd", "errors", true},
		{"internal/errd", "client", false},
		{"newpkg", "wire", true},
		{"newpkg", "testutil", false},
	} {
		if got, _ := allowedImport(layers, tc.pkg, tc.imp); got != tc.want {
			t.Errorf("allowedImport(%s, %s) = %v, want %v", tc.pkg, tc.imp, got, tc.want)
		}
	}
}

// apiPackages are the packages whose names the docs' tables cite.
var apiPackages = []string{"client", "status", "errors", "message", "wire", "transport", "testutil"}

// declIndex returns the exported names declared by the non-test files of
// the packages: "pkg.Name" for functions, types, constants and
// variables, "pkg.Type.Name" for methods, struct fields and interface
// methods.
func declIndex(t *testing.T) map[string]bool {
	t.Helper()
	idx := map[string]bool{}
	for _, pkg := range apiPackages {
		files, err := filepath.Glob(filepath.Join(root, pkg, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range files {
			if strings.HasSuffix(file, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range f.Decls {
				switch d := d.(type) {
				case *ast.FuncDecl:
					idx[pkg+"."+funcName(d)] = true
					if d.Recv != nil {
						idx[pkg+".*."+d.Name.Name] = true // a method of some type
					}
				case *ast.GenDecl:
					for _, s := range d.Specs {
						switch s := s.(type) {
						case *ast.ValueSpec:
							for _, n := range s.Names {
								idx[pkg+"."+n.Name] = true
							}
						case *ast.TypeSpec:
							idx[pkg+"."+s.Name.Name] = true
							var fields *ast.FieldList
							switch tt := s.Type.(type) {
							case *ast.StructType:
								fields = tt.Fields
							case *ast.InterfaceType:
								fields = tt.Methods
							}
							if fields == nil {
								continue
							}
							for _, fl := range fields.List {
								for _, n := range fl.Names {
									idx[pkg+"."+s.Name.Name+"."+n.Name] = true
								}
							}
						}
					}
				}
			}
		}
	}
	return idx
}

// goNameRE matches a Go name of this module in a code span:
// pkg.Name, pkg.Type.Name, (*pkg.Type).Name or (pkg.Type).Name, not
// preceded by a dot or a word character (so http.client.NOT_FOUND is no
// Go name).
var goNameRE = regexp.MustCompile(`(?:^|[^\w.])\(?\*?(client|status|errors|message|wire|transport|testutil)\.([A-Z]\w*)\)?(?:\.([A-Z]\w*))?`)

// goNames returns the Go names cited in the code spans of a table cell,
// as "pkg.Name" or "pkg.Type.Name".
func goNames(cell string) []string {
	var out []string
	spans := strings.Split(cell, "`")
	for i := 1; i < len(spans); i += 2 {
		for _, m := range goNameRE.FindAllStringSubmatch(spans[i], -1) {
			n := m[1] + "." + m[2]
			if m[3] != "" {
				n += "." + m[3]
			}
			out = append(out, n)
		}
	}
	return out
}

// tableRow is one body row of a Markdown table, with its header.
type tableRow struct {
	line   int
	header []string
	cells  []string
}

// tableRows returns the body rows of every table in md.
func tableRows(md []byte) []tableRow {
	var out []tableRow
	var header []string
	sepSeen := false
	for i, l := range strings.Split(string(stripCode(md)), "\n") {
		l = strings.TrimSpace(l)
		if !strings.HasPrefix(l, "|") {
			header, sepSeen = nil, false
			continue
		}
		cells := splitRow(l)
		switch {
		case header == nil:
			header = cells
		case !sepSeen:
			sepSeen = true // the |---| line
		default:
			out = append(out, tableRow{line: i + 1, header: header, cells: cells})
		}
	}
	return out
}

// splitRow splits a table row at the pipes that are not inside a code
// span or escaped.
func splitRow(l string) []string {
	l = strings.TrimSuffix(strings.TrimPrefix(l, "|"), "|")
	var cells []string
	var cur strings.Builder
	inCode := false
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch {
		case c == '\\' && i+1 < len(l) && l[i+1] == '|':
			cur.WriteByte('|')
			i++
		case c == '`':
			inCode = !inCode
			cur.WriteByte(c)
		case c == '|' && !inCode:
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	return append(cells, strings.TrimSpace(cur.String()))
}

// testedNames returns the identifiers used in the module's _test.go
// files outside this package's checker, for the "works means tested"
// rule.
func testedNames(t *testing.T) map[string]bool {
	t.Helper()
	ids := map[string]bool{}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); p != root && (strings.HasPrefix(n, ".") || n == "testdata" || n == "bench") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, "_test.go") || filepath.Base(p) == "docs_test.go" {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				ids[id.Name] = true
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// TestPythonMapping checks docs/python-mapping.md against the code:
// every Go name it cites exists; every row with a status column says
// "works" or "untested"; and in a "works" row, each name of the Go
// column is used by some test of the module.
func TestPythonMapping(t *testing.T) {
	md, err := readRepo("docs/python-mapping.md")
	if err != nil {
		t.Fatal(err)
	}
	idx := declIndex(t)
	tested := testedNames(t)
	rows := tableRows(md)
	if len(rows) < 150 {
		t.Fatalf("found only %d table rows", len(rows))
	}
	names, untested := 0, 0
	for _, r := range rows {
		status, goCol := -1, -1
		for i, h := range r.header {
			switch h := strings.ToLower(h); {
			case h == "status":
				status = i
			case strings.HasPrefix(h, "go") && goCol < 0:
				goCol = i
			}
		}
		for i, c := range r.cells {
			if i < len(r.header) && strings.HasPrefix(strings.ToLower(r.header[i]), "python") {
				continue
			}
			for _, n := range goNames(c) {
				names++
				if !idx[n] && !isValueMethod(idx, n) {
					t.Errorf("python-mapping.md:%d: %s does not exist", r.line, n)
				}
			}
		}
		if status < 0 {
			continue
		}
		if status >= len(r.cells) {
			t.Errorf("python-mapping.md:%d: row has no status cell", r.line)
			continue
		}
		switch s := strings.Trim(r.cells[status], "* "); s {
		case "works":
			if goCol < 0 || goCol >= len(r.cells) {
				continue
			}
			for _, n := range goNames(r.cells[goCol]) {
				if id := n[strings.LastIndex(n, ".")+1:]; !tested[id] {
					t.Errorf("python-mapping.md:%d: %s is marked works, but no test uses %s", r.line, n, id)
				}
			}
		case "untested":
			untested++
			t.Logf("python-mapping.md:%d: untested: %s", r.line, r.cells[0])
		default:
			t.Errorf("python-mapping.md:%d: status %q, want works or untested", r.line, s)
		}
	}
	if names < 150 {
		t.Errorf("found only %d Go names; is the table parser broken?", names)
	}
}

// isValueMethod reports whether n is pkg.Value.Method, a method called
// on a constant or variable (status.NotFound.Text).
func isValueMethod(idx map[string]bool, n string) bool {
	parts := strings.Split(n, ".")
	return len(parts) == 3 && idx[parts[0]+"."+parts[1]] && idx[parts[0]+".*."+parts[2]]
}

func TestGoNames(t *testing.T) {
	for _, tc := range []struct {
		cell string
		want []string
	}{
		{"`client.New(host string, opts ...Option) (*Conn, error)`", []string{"client.New"}},
		{"`(*client.Conn).Request(ctx)`; `(message.Header).Get(name)`", []string{"client.Conn.Request", "message.Header.Get"}},
		{"`*errors.IncompleteReadError{Partial []byte}`", []string{"errors.IncompleteReadError"}},
		{"`client.Trace.Connect func(host string, port int)`", []string{"client.Trace.Connect"}},
		{"`http.client.NOT_FOUND`, `status.NotFound`", []string{"status.NotFound"}},
		{"client.New outside code", nil},
		{"`errors.Is(err, errors.ErrBadStatusLine)`", []string{"errors.Is", "errors.ErrBadStatusLine"}},
	} {
		if got := goNames(tc.cell); !slices.Equal(got, tc.want) {
			t.Errorf("goNames(%q) = %q, want %q", tc.cell, got, tc.want)
		}
	}
	if got := splitRow("| `a|b` | c \\| d | e |"); !slices.Equal(got, []string{"`a|b`", "c | d", "e"}) {
		t.Errorf("splitRow = %q", got)
	}
}
