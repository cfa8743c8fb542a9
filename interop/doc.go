// Package interop is the interoperability suite: it runs package client
// against real servers and proxies (nginx, Apache httpd, Squid and
// tinyproxy) that scripts/interop.sh installs from Debian's packages,
// configures from testdata/*.tmpl and starts on loopback ports before
// running
//
//	go test -tags interop ./interop/
//
// The tests are behind the build tag "interop", so `go test ./...` never
// needs the servers. `make interop` runs the script; docs/interop.md lists
// the servers and the cases.
//
// # Environment
//
// The script passes everything through environment variables:
//
//	HTTPSTACK_INTEROP_NGINX      nginx, plain HTTP (127.0.0.1:port)
//	HTTPSTACK_INTEROP_NGINX_TLS  nginx, TLS with ALPN
//	HTTPSTACK_INTEROP_APACHE     Apache httpd, plain HTTP
//	HTTPSTACK_INTEROP_SQUID      Squid, forward proxy and CONNECT
//	HTTPSTACK_INTEROP_TINYPROXY  tinyproxy, forward proxy and CONNECT
//	HTTPSTACK_INTEROP_BACKEND    address the test's own Go backend listens on;
//	                             nginx and Apache proxy /backend/ to it
//	HTTPSTACK_INTEROP_CA         PEM file of the CA that signed nginx's certificate
//	HTTPSTACK_INTEROP_DOCROOT    directory the servers serve static files from
//	HTTPSTACK_INTEROP_VERSIONS   server versions, logged once
//
// A test whose variables are unset is skipped, unless CI is set: then it
// fails, so that a CI run can never pass by testing nothing.
package interop
