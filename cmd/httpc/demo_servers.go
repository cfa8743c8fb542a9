package main

import (
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// The demo's HTTPS origin. The proxy maps this name to the loopback TLS
// server, so no DNS is involved; ".test" is reserved (RFC 6761).
const (
	demoTLSHost = "demo.httpstack.test"
	demoRefused = "forbidden.httpstack.test"
)

// demoPage is what GET / returns: long enough to be read 200 bytes at a
// time, as in the http.client documentation.
const demoPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>httpstack demo</title></head>
<body>
<h1>Hello from the httpc demo server</h1>
<p>This page was served by net/http on loopback and fetched with
github.com/httpstack/httpstack/client, Python's http.client in Go.</p>
<p>Its length is known, so it is sent with Content-Length.</p>
<p>The documentation reads it 200 bytes at a time: read(200).</p>
</body>
</html>
`

// demoChunks are written one by one, each flushed, so that net/http sends
// them as chunks; the X-Checksum trailer follows.
var demoChunks = []string{"first chunk\n", "second chunk\n", "third and last chunk\n"}

// demoServers are the in-process peers of the demo: plain HTTP, HTTPS and
// a CONNECT proxy, all on 127.0.0.1 with ephemeral ports.
type demoServers struct {
	ca         *demoCA
	httpLn     net.Listener
	tlsLn      net.Listener
	httpSrv    *http.Server
	tlsSrv     *http.Server
	proxy      *demoProxy
	accepted   atomic.Int32 // connections the HTTP server accepted
	wg         sync.WaitGroup
	mu         sync.Mutex
	files      map[string]string // bodies stored by PUT /file
	uploadSeen string            // Transfer-Encoding of the last PUT /upload
}

// startDemoServers starts all three servers.
func startDemoServers() (*demoServers, error) {
	d := &demoServers{files: make(map[string]string)}
	ok := false
	defer func() {
		if !ok {
			d.close()
		}
	}()
	var err error
	if d.ca, err = newDemoCA(); err != nil {
		return nil, err
	}
	leaf, err := d.ca.leaf(demoTLSHost, "localhost", "127.0.0.1")
	if err != nil {
		return nil, err
	}
	quiet := log.New(io.Discard, "", 0)
	if d.httpLn, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		return nil, err
	}
	d.httpSrv = &http.Server{
		Handler:  noDate(d.httpMux()),
		ErrorLog: quiet,
		ConnState: func(_ net.Conn, st http.ConnState) {
			if st == http.StateNew {
				d.accepted.Add(1)
			}
		},
	}
	d.serve(d.httpSrv, d.httpLn)
	if d.tlsLn, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		return nil, err
	}
	d.tlsSrv = &http.Server{
		Handler:   noDate(http.HandlerFunc(d.hello)),
		ErrorLog:  quiet,
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{leaf}, NextProtos: []string{"http/1.1"}},
	}
	d.serve(d.tlsSrv, tls.NewListener(d.tlsLn, d.tlsSrv.TLSConfig))
	d.proxy, err = startDemoProxy(map[string]string{
		demoTLSHost + ":443": d.tlsLn.Addr().String(),
	})
	if err != nil {
		return nil, err
	}
	ok = true
	return d, nil
}

func (d *demoServers) serve(srv *http.Server, ln net.Listener) {
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		srv.Serve(ln)
	}()
}

// close shuts every server down and waits for them.
func (d *demoServers) close() {
	for _, srv := range []*http.Server{d.httpSrv, d.tlsSrv} {
		if srv != nil {
			srv.Close()
		}
	}
	for _, ln := range []net.Listener{d.httpLn, d.tlsLn} {
		if ln != nil {
			ln.Close()
		}
	}
	if d.proxy != nil {
		d.proxy.close()
	}
	d.wg.Wait()
}

func (d *demoServers) httpAddr() string { return d.httpLn.Addr().String() }
func (d *demoServers) tlsAddr() string  { return d.tlsLn.Addr().String() }

// noDate keeps the Date field out of responses, so that the transcript
// is the same on every run.
func noDate(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Date"] = nil
		h.ServeHTTP(w, r)
	})
}

// httpMux routes the plain HTTP server's requests, one handler per step.
func (d *demoServers) httpMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		writeBody(w, http.StatusOK, "text/html; charset=utf-8", demoPage)
	})
	mux.HandleFunc("POST /{$}", d.form)
	mux.HandleFunc("PUT /file", d.putFile)
	mux.HandleFunc("PUT /upload", d.upload)
	mux.HandleFunc("GET /chunked", chunked)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeBody(w, http.StatusNotFound, "text/html; charset=utf-8", "<h1>404 Not Found</h1>\n<p>No parrot here.</p>\n")
	})
	return mux
}

// writeBody sends a whole body with Content-Length.
func writeBody(w http.ResponseWriter, code int, contentType, body string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(code)
	io.WriteString(w, body)
}

// form answers the documentation's POST example: a form whose @number
// field names an issue, answered with a redirect to it.
func (d *demoServers) form(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		writeBody(w, http.StatusUnsupportedMediaType, "text/plain", "want a form\n")
		return
	}
	if err := r.ParseForm(); err != nil {
		writeBody(w, http.StatusBadRequest, "text/plain", "bad form\n")
		return
	}
	n := r.PostForm.Get("@number")
	if _, err := strconv.Atoi(n); err != nil || r.PostForm.Get("@action") != "show" {
		writeBody(w, http.StatusBadRequest, "text/plain", "want @number and @action=show\n")
		return
	}
	loc := "http://" + r.Host + "/issue" + n
	w.Header().Set("Location", loc)
	writeBody(w, http.StatusFound, "text/html; charset=utf-8", fmt.Sprintf("Redirecting to <a href=%q>%s</a>", loc, loc))
}

// putFile stores the body of PUT /file.
func (d *demoServers) putFile(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeBody(w, http.StatusBadRequest, "text/plain", "bad body\n")
		return
	}
	d.mu.Lock()
	d.files[r.URL.Path] = string(b)
	d.mu.Unlock()
	writeBody(w, http.StatusOK, "text/plain", fmt.Sprintf("stored %d bytes at %s\n", len(b), r.URL.Path))
}

// upload echoes a streamed body and says how it was framed.
func (d *demoServers) upload(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeBody(w, http.StatusBadRequest, "text/plain", "bad body\n")
		return
	}
	te := strings.Join(r.TransferEncoding, ", ")
	d.mu.Lock()
	d.uploadSeen = te
	d.mu.Unlock()
	writeBody(w, http.StatusOK, "text/plain", fmt.Sprintf("received %d bytes (Transfer-Encoding: %s):\n%s", len(b), te, b))
}

// chunked streams demoChunks with chunked coding and a checksum trailer.
func chunked(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Trailer", "X-Checksum")
	fl, _ := w.(http.Flusher)
	sum := sha256.New()
	for _, c := range demoChunks {
		io.WriteString(w, c)
		io.WriteString(sum, c)
		if fl != nil {
			fl.Flush()
		}
	}
	w.Header().Set("X-Checksum", "sha256:"+hex.EncodeToString(sum.Sum(nil)))
}

// demoChecksum is the X-Checksum trailer value the chunked step expects.
func demoChecksum() string {
	sum := sha256.Sum256([]byte(strings.Join(demoChunks, "")))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// hello is the HTTPS server's only page.
func (d *demoServers) hello(w http.ResponseWriter, r *http.Request) {
	v, sni := "plain TCP", ""
	if r.TLS != nil {
		v, sni = tls.VersionName(r.TLS.Version), r.TLS.ServerName
	}
	writeBody(w, http.StatusOK, "text/plain", fmt.Sprintf("hello over %s (SNI %q), you asked for %s%s\n", v, sni, r.Host, r.URL.Path))
}
