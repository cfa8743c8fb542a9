package docs

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/httpstack/httpstack/client"
	"github.com/httpstack/httpstack/testutil"
	"github.com/httpstack/httpstack/transport"
)

// getPythonOrg is the README's example, the first GET session of the
// http.client documentation. Called with no options it talks to
// www.python.org; Example_readme runs it against a loopback server.
func getPythonOrg(ctx context.Context, opts ...client.Option) error {
	conn, err := client.NewTLS("www.python.org", opts...) // conn = HTTPSConnection("www.python.org")
	if err != nil {
		return err
	}
	defer conn.Close()

	if err := conn.Request(ctx, "GET", "/", nil, nil); err != nil { // conn.request("GET", "/")
		return err
	}
	r1, err := conn.GetResponse(ctx) // r1 = conn.getresponse()
	if err != nil {
		return err
	}
	defer r1.Close()
	fmt.Println(int(r1.Status), r1.Reason) // print(r1.status, r1.reason)

	data1, err := io.ReadAll(r1) // data1 = r1.read()
	if err != nil {
		return err
	}
	fmt.Println(len(data1), "bytes")
	return nil
}

// hostsDialer is a transport.Dialer of our own, an /etc/hosts for one
// program: it sends connections for the addresses it lists to other
// addresses and dials every other address as it is.
type hostsDialer map[string]string

// DialContext dials the address listed for address, or address itself.
func (h hostsDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	if to, ok := h[address]; ok {
		address = to
	}
	var d net.Dialer
	return d.DialContext(ctx, network, address)
}

var _ transport.Dialer = hostsDialer(nil)

// The README's example, run against a loopback HTTPS server that holds a
// certificate for www.python.org from a CA made for this run. Only the
// dialer (where to connect) and the trusted roots differ from the real
// thing: TLS still verifies the name www.python.org.
func Example_readme() {
	tb := testutil.NewExampleTB()
	defer tb.Close()
	ca := testutil.NewCA(tb)
	srv := testutil.NewHTTPServer(tb, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, strings.Repeat("<!doctype html>\n", 1000))
	}), ca.ServerConfig("www.python.org"))

	err := getPythonOrg(context.Background(),
		client.WithDialer(hostsDialer{"www.python.org:443": srv.Addr()}),
		client.WithTLSConfig(&tls.Config{RootCAs: ca.Pool()}))
	fmt.Println(err)
	// Output:
	// 200 OK
	// 16000 bytes
	// <nil>
}
