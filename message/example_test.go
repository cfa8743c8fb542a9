package message_test

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/httpstack/httpstack/message"
)

func ExampleHeader() {
	h := message.Header{{Name: "Host", Value: "example.com"}, {Name: "Accept", Value: "*/*"}}
	h.Add("x-trace", "1")
	h.Add("X-Trace", "2")
	fmt.Println(h.Get("ACCEPT"))
	fmt.Println(h.Values("x-TRACE"))
	h.Set("x-trace", "3")
	for _, f := range h {
		fmt.Printf("%s: %s\n", f.Name, f.Value)
	}
	// Output:
	// */*
	// [1 2]
	// Host: example.com
	// Accept: */*
	// x-trace: 3
}

func ExampleParseHeaders() {
	r := bufio.NewReader(strings.NewReader("Content-Type: text/plain\r\n" +
		"set-cookie: a=1\r\n" +
		"Set-Cookie: b=2\r\n" +
		"\r\n" +
		"hello"))
	h, err := message.ParseHeaders(r)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(h.Get("content-type"))
	fmt.Println(h.Values("Set-Cookie"))
	fmt.Println(h[1].Name) // the case as received
	body, _ := r.ReadString(0)
	fmt.Println(body)
	// Output:
	// text/plain
	// [a=1 b=2]
	// set-cookie
	// hello
}

func ExampleParseHeaders_strict() {
	// http.client would silently drop every header here; ParseHeaders
	// reports the line.
	r := bufio.NewReader(strings.NewReader("X-A : 1\r\nContent-Length: 5\r\n\r\n"))
	_, err := message.ParseHeaders(r)
	fmt.Println(err)
	// Output:
	// http: invalid header field "X-A ": whitespace before colon
}

func ExampleHeaderBuilder() {
	var b message.HeaderBuilder
	b.Add([]byte("Host"), []byte("example.com"))
	b.Add([]byte("Accept"), []byte("*/*"))
	h := b.Build() // one string and one slice, whatever the number of fields
	fmt.Println(len(h), h.Get("host"))
	// Output:
	// 2 example.com
}
