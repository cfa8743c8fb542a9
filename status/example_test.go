package status_test

import (
	"fmt"

	"github.com/httpstack/httpstack/status"
)

func Example() {
	// A Code prints as a status line without the version.
	fmt.Println(status.NotFound)
	fmt.Println(status.ImATeapot)
	fmt.Printf("%d %s\n", status.ContentTooLarge, status.ContentTooLarge.Text())

	// The old names are aliases of the RFC 9110 ones.
	fmt.Println(status.RequestEntityTooLarge == status.ContentTooLarge)

	// Unknown codes have no phrase but still have a class.
	c := status.Code(599)
	fmt.Printf("%v %q %v\n", c, c.Text(), c.IsServerError())
	// Output:
	// 404 Not Found
	// 418 I'm a Teapot
	// 413 Content Too Large
	// true
	// 599 "" true
}

// Text is the Go form of Python's http.client.responses[code].
func ExampleText() {
	fmt.Printf("%q\n", status.Text(404))
	fmt.Printf("%q\n", status.Text(425))
	fmt.Printf("%q\n", status.Text(306)) // unused, so no phrase
	// Output:
	// "Not Found"
	// "Too Early"
	// ""
}

func ExampleCode_IsRedirect() {
	for _, c := range []status.Code{status.OK, status.PermanentRedirect, status.NotModified, status.BadGateway} {
		fmt.Println(c, c.IsRedirect())
	}
	// Output:
	// 200 OK false
	// 308 Permanent Redirect true
	// 304 Not Modified true
	// 502 Bad Gateway false
}
