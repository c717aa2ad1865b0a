package generator_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/generator/writer"
)

// TestNoUnusedDeclarations checks that the generated Go of every golden
// case and example declares nothing unexported that the package does not
// use: a function, variable, constant, type or method the emitter wrote
// for a method it then left out (method families, behaviours) is dead
// code in the user's package, which linters report and every build
// compiles.
func TestNoUnusedDeclarations(t *testing.T) {
	for _, dir := range goldenCases(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			fset := token.NewFileSet()
			declared := map[string]token.Pos{}
			uses := map[string]int{}
			for _, file := range goFiles(t, fset, generate(t, dir)) {
				decl := map[*ast.Ident]bool{}
				for _, d := range file.Decls {
					for _, id := range declaredIdents(d) {
						if !id.IsExported() && id.Name != "_" && id.Name != "init" {
							declared[id.Name] = id.Pos()
							decl[id] = true
						}
					}
				}
				ast.Inspect(file, func(n ast.Node) bool {
					if id, ok := n.(*ast.Ident); ok && !decl[id] {
						uses[id.Name]++
					}
					return true
				})
			}
			var unused []string
			for name, pos := range declared {
				if uses[name] == 0 {
					unused = append(unused, fset.Position(pos).String()+": "+name)
				}
			}
			slices.Sort(unused)
			for _, u := range unused {
				t.Errorf("%s is declared and never used", u)
			}
		})
	}
}

// goFiles parses the Go files of a generated tree.
func goFiles(t *testing.T, fset *token.FileSet, tree writer.Tree) []*ast.File {
	t.Helper()
	var out []*ast.File
	for _, f := range tree.Files {
		if !strings.HasSuffix(f.Path, ".go") {
			continue
		}
		file, err := parser.ParseFile(fset, f.Path, f.Data, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, file)
	}
	return out
}

// declaredIdents returns the names a top-level declaration declares:
// functions and methods, and the names of its specs.
func declaredIdents(d ast.Decl) []*ast.Ident {
	switch d := d.(type) {
	case *ast.FuncDecl:
		return []*ast.Ident{d.Name}
	case *ast.GenDecl:
		var out []*ast.Ident
		for _, s := range d.Specs {
			switch s := s.(type) {
			case *ast.ValueSpec:
				out = append(out, s.Names...)
			case *ast.TypeSpec:
				out = append(out, s.Name)
			}
		}
		return out
	}
	return nil
}
