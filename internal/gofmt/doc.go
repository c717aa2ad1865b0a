// Package gofmt formats Go source files as gofmt does, faster: it is
// go/format.Source for complete files on a copy of go/printer (package
// printer below) that spends less time measuring nodes. The generator
// formats every Go file it writes with it; formatting is most of what
// cold generation costs.
//
// Its output is byte for byte go/format's: the tests format the Go
// files of the standard library's go/ packages, go/printer's own test
// inputs and every generated file in the repository both ways and
// compare. They fail when the Go release that builds the tool formats
// differently from the copy, which is then taken over again (package
// printer says how).
package gofmt
