package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/httpstack/httpstack/message"
	"github.com/httpstack/httpstack/wire"
)

// version is httpc's version, sent in the default User-Agent.
const version = "0.1.0"

// defaultUserAgent is the User-Agent sent unless -A or -H says otherwise.
const defaultUserAgent = "httpc/" + version

// usage is printed by -h. Keep it in step with docs/httpc.md.
const usage = `usage: httpc [flags] URL...
       httpc demo

httpc sends an HTTP/1.1 request to each URL and writes the response body to
standard output. URLs for the same scheme, host and port share one
connection, in order. A URL without "scheme://" is taken as http://.
Flags may come before or after the URLs; "--" ends them.

Request:
  -X, --request METHOD      request method (default GET; HEAD with -I,
                            POST with -d, PUT with -T)
  -H, --header 'Name: value'
                            add a header field; repeatable; order and case
                            are kept; 'Name;' sends an empty value; replaces
                            httpc's own field of the same name
  -d, --data DATA           send DATA as a form body (POST, Content-Type
                            application/x-www-form-urlencoded); @FILE reads
                            FILE without its CR and LF bytes, @- reads stdin;
                            several -d are joined with '&'
      --data-binary DATA    like -d, but @FILE is sent byte for byte
  -T, --upload-file FILE    upload FILE (PUT): with Content-Length for a
                            regular file, chunked for '-' (stdin) or a pipe;
                            a URL ending in '/' gets FILE's name appended
  -I, --head                send HEAD and print the response head
  -A, --user-agent NAME     User-Agent value (default ` + defaultUserAgent + `)

Response:
  -i, --include             print the response head before the body
  -o, --output FILE         write the body to FILE instead of stdout; give
                            one per URL, in order (a progress meter is shown
                            when stderr is a terminal)
  -f, --fail                exit 22, printing no body, on a status >= 400
  -s, --silent              show no progress meter
  -v, --verbose             connection notes ('* ' lines) and the client's
                            debug transcript on stderr
      --raw                 write the exact bytes sent and received to
                            stdout instead of the body

Connection:
  -x, --proxy HOST:PORT     tunnel through an HTTP proxy with CONNECT (for
                            http:// URLs too)
      --socks5 [USER:PASS@]HOST:PORT
                            connect through a SOCKS5 proxy, which resolves
                            host names
      --unix-socket PATH    connect to a Unix domain socket instead of the
                            URL's host (the Host field still names it)
      --cacert FILE         trust the PEM certificates in FILE instead of
                            the system's roots
  -k, --insecure            don't verify the server's certificate
      --timeout DURATION    bound the connect and every read and write
                            (e.g. 5s, 500ms, or 2 for seconds)
  -m, --max-time DURATION   bound the whole run
  -h, --help                show this help

Exit codes:
  0    success
  1    transfer failed: the connection broke or the body ended early
  2    usage: unknown flag, bad flag value or header, no URL
  3    bad URL
  6    couldn't resolve the host
  7    couldn't connect: refused, unreachable, proxy or SOCKS5 failure,
       CONNECT refused by the proxy
  8    bad response: not HTTP/1.x, malformed head, body framing or chunks,
       or the connection closed without a response
  22   status >= 400 with -f
  23   couldn't write the output (-o FILE or stdout)
  26   couldn't read an input file (-d @FILE, --data-binary @FILE, -T FILE,
       --cacert FILE)
  28   timed out (--timeout, --max-time)
  35   TLS handshake failed (certificate not trusted or not for the host,
       protocol error)
  130  interrupted
`

// options holds the parsed command line.
type options struct {
	method     string
	header     message.Header // -H, in order; validated
	data       []dataArg      // -d and --data-binary, in order
	upload     string         // -T
	head       bool           // -I
	include    bool           // -i
	verbose    bool           // -v
	raw        bool           // --raw
	outputs    []string       // -o, one per URL
	fail       bool           // -f
	silent     bool           // -s
	userAgent  string         // -A
	proxy      string         // --proxy, as host:port
	socks5     string         // --socks5 host:port, without credentials
	socksUser  string         // user from --socks5 user:pass@host:port
	socksPass  string         // password from --socks5
	unixSocket string         // --unix-socket
	cacert     string         // --cacert
	insecure   bool           // -k
	timeout    time.Duration  // --timeout
	maxTime    time.Duration  // --max-time
	help       bool           // -h
	urls       []string
}

// dataArg is one -d or --data-binary value.
type dataArg struct {
	value  string
	binary bool
}

// usageError is a bad command line (exit code 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error {
	*l = append(*l, s)
	return nil
}

// headerList is the repeatable -H flag. Each value is parsed and
// validated with wire as it is set, so a bad field is a usage error.
type headerList struct{ h *message.Header }

func (l headerList) String() string { return "" }
func (l headerList) Set(s string) error {
	f, err := parseHeaderArg(s)
	if err != nil {
		return err
	}
	*l.h = append(*l.h, f)
	return nil
}

// dataList is the -d (binary false) or --data-binary (binary true) flag.
type dataList struct {
	d      *[]dataArg
	binary bool
}

func (l dataList) String() string { return "" }
func (l dataList) Set(s string) error {
	*l.d = append(*l.d, dataArg{value: s, binary: l.binary})
	return nil
}

// durationFlag takes a Go duration ("1.5s", "500ms") or a number of
// seconds ("2", "0.5"), as curl does.
type durationFlag struct{ d *time.Duration }

func (f durationFlag) String() string {
	if f.d == nil {
		return ""
	}
	return f.d.String()
}

func (f durationFlag) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		secs, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || math.IsNaN(secs) || math.IsInf(secs, 0) || secs > maxSeconds {
			return fmt.Errorf("want a duration such as 5s, 500ms or 2")
		}
		d = time.Duration(secs * float64(time.Second))
	}
	if d <= 0 {
		return fmt.Errorf("must be positive")
	}
	*f.d = d
	return nil
}

// maxSeconds is the largest number of seconds a duration flag takes.
const maxSeconds = 1 << 32

// parseHeaderArg parses one -H value: "Name: value" (leading blanks of
// the value dropped, trailing ones kept, as curl does) or "Name;" for an
// empty value. The field is validated with wire.
func parseHeaderArg(s string) (message.Field, error) {
	if name, ok := strings.CutSuffix(s, ";"); ok && !strings.Contains(name, ":") {
		if !wire.ValidFieldName(name) {
			return message.Field{}, fmt.Errorf("bad header name %q", name)
		}
		return message.Field{Name: name}, nil
	}
	name, value, ok := strings.Cut(s, ":")
	if !ok {
		return message.Field{}, fmt.Errorf("want 'Name: value', got %q", s)
	}
	if !wire.ValidFieldName(name) {
		return message.Field{}, fmt.Errorf("bad header name %q", name)
	}
	value = strings.TrimLeft(value, " \t")
	if !wire.ValidFieldValue(value) {
		return message.Field{}, fmt.Errorf("bad value for header %s: control characters are not allowed", name)
	}
	return message.Field{Name: name, Value: value}, nil
}

// newFlagSet declares every flag of o, short and long names sharing one
// variable so that -H and --header interleave in order.
func newFlagSet(o *options) *flag.FlagSet {
	fs := flag.NewFlagSet("httpc", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	str := func(p *string, names ...string) {
		for _, n := range names {
			fs.StringVar(p, n, "", "")
		}
	}
	boolean := func(p *bool, names ...string) {
		for _, n := range names {
			fs.BoolVar(p, n, false, "")
		}
	}
	value := func(v flag.Value, names ...string) {
		for _, n := range names {
			fs.Var(v, n, "")
		}
	}
	str(&o.method, "X", "request")
	value(headerList{&o.header}, "H", "header")
	value(dataList{&o.data, false}, "d", "data")
	value(dataList{&o.data, true}, "data-binary")
	str(&o.upload, "T", "upload-file")
	boolean(&o.head, "I", "head")
	str(&o.userAgent, "A", "user-agent")
	boolean(&o.include, "i", "include")
	value((*stringList)(&o.outputs), "o", "output")
	boolean(&o.fail, "f", "fail")
	boolean(&o.silent, "s", "silent")
	boolean(&o.verbose, "v", "verbose")
	boolean(&o.raw, "raw")
	str(&o.proxy, "x", "proxy")
	str(&o.socks5, "socks5")
	str(&o.unixSocket, "unix-socket")
	str(&o.cacert, "cacert")
	boolean(&o.insecure, "k", "insecure")
	value(durationFlag{&o.timeout}, "timeout")
	value(durationFlag{&o.maxTime}, "m", "max-time")
	boolean(&o.help, "h", "help")
	return fs
}

// parseArgs parses the command line. Flags may precede or follow URLs;
// "--" makes everything after it a URL. It returns a *usageError for
// anything wrong with the flags; URLs are checked later (exit code 3).
func parseArgs(args []string) (*options, error) {
	o := &options{}
	fs := newFlagSet(o)
	o.userAgent = defaultUserAgent // after newFlagSet, which zeroes every flag
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usagef("%s", flagError(err))
		}
		rest := fs.Args()
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			o.urls = append(o.urls, rest...)
			break
		}
		if len(rest) == 0 {
			break
		}
		o.urls = append(o.urls, rest[0])
		args = rest[1:]
	}
	if o.help {
		return o, nil
	}
	if err := o.check(); err != nil {
		return nil, err
	}
	return o, nil
}

// flagError rewords the flag package's errors as one line.
func flagError(err error) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		return "unknown flag " + name
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return "flag " + name + " needs an argument"
	}
	// "invalid value "x" for flag -H: reason"
	return msg
}

// check validates combinations of flags.
func (o *options) check() error {
	if len(o.urls) == 0 {
		return usagef("no URL given")
	}
	if o.method != "" && !wire.ValidMethod(o.method) {
		return usagef("bad method %q for -X: want a token such as GET or PROPFIND", o.method)
	}
	if o.head && (len(o.data) > 0 || o.upload != "") {
		return usagef("-I can't be used with -d or -T: a HEAD request has no body")
	}
	if len(o.data) > 0 && o.upload != "" {
		return usagef("-d and -T can't be used together")
	}
	if o.socks5 != "" && o.unixSocket != "" {
		return usagef("--socks5 and --unix-socket can't be used together")
	}
	if len(o.outputs) > len(o.urls) {
		return usagef("%d -o flags for %d URLs", len(o.outputs), len(o.urls))
	}
	if !wire.ValidFieldValue(o.userAgent) {
		return usagef("bad -A value: control characters are not allowed")
	}
	if o.proxy != "" {
		p, err := checkHostPort(o.proxy, "--proxy", "http://")
		if err != nil {
			return err
		}
		o.proxy = p
	}
	if o.socks5 != "" {
		hp := strings.TrimPrefix(o.socks5, "socks5://")
		if i := strings.LastIndexByte(hp, '@'); i >= 0 {
			user, pass, ok := strings.Cut(hp[:i], ":")
			if !ok || user == "" {
				return usagef("--socks5 %q: want USER:PASS@HOST:PORT", o.socks5)
			}
			o.socksUser, o.socksPass = user, pass
			hp = hp[i+1:]
		}
		p, err := checkHostPort(hp, "--socks5", "")
		if err != nil {
			return err
		}
		o.socks5 = p
	}
	return nil
}

// checkHostPort validates a proxy address "host:port", allowing one
// optional scheme prefix, and returns it without the prefix.
func checkHostPort(s, flagName, scheme string) (string, error) {
	hp := strings.TrimPrefix(s, scheme)
	host, port, err := net.SplitHostPort(hp)
	if err != nil || host == "" {
		return "", usagef("%s %q: want HOST:PORT", flagName, s)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", usagef("%s %q: bad port %q", flagName, s, port)
	}
	return hp, nil
}
