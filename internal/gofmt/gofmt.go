package gofmt

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"

	"github.com/cpcgen/cpcgen/internal/gofmt/printer"
)

// config is go/format's (and cmd/gofmt's) printer configuration; 1<<30
// is the printer's normalizeNumbers mode, which go/format sets too.
var config = printer.Config{Mode: printer.UseSpaces | printer.TabIndent | 1<<30, Tabwidth: 8}

// Source formats a complete Go source file as go/format.Source does,
// imports sorted; unlike it, it does not accept a fragment (a list of
// declarations or statements). A syntax error is returned as the
// parser's error.
func Source(src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	ast.SortImports(fset, file)
	var buf bytes.Buffer
	buf.Grow(len(src) + len(src)/8)
	if err := config.Fprint(&buf, fset, file); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
