// Package docs holds the httpstack book, the Markdown files in this
// directory, and the tests that keep it true. It has no API: it exists so
// that `go test ./docs/` checks the documentation the way other packages'
// tests check their code.
//
// # Code blocks
//
// Every ```go block of README.md and docs/*.md is compiled code. The line
// right before its opening fence is a marker naming a function of a Go
// file in this module,
//
//	<!-- example: client/example_test.go Example_get -->
//
// and the block must equal that function's body, or, when the marker ends
// in "whole", the whole declaration from its keyword on (a method is named
// Type.Method; a type may be named with "whole" too). Texts are compared
// line by line after removing each line's leading and trailing white
// space and dropping blank lines: indentation in the Markdown does not
// matter, every token and comment does. A go block without a marker, or a
// marker without a block, fails the test. The named functions are
// examples and tests of their packages, so `go test ./...` compiles and
// runs them.
//
// After changing an example, copy it into the book again with
//
//	go test ./docs/ -run TestGoBlocks -update
//
// # Other checks
//
//   - Every relative link points at a file that exists and every #anchor
//     at a heading of the linked file; docs/index.md links every chapter.
//   - The make targets and the ./paths named in ```sh blocks exist.
//   - Every Go name cited by python-mapping.md exists, every row's status is
//     "works" or "untested", and a "works" row's Go names are used by some
//     test of the module.
//   - The packages' imports follow the layer table of architecture.md.
//
// The README's example function is in readme_example_test.go; the
// examples of the guide's chapters that belong to no single package are in
// examples_test.go.
package docs
