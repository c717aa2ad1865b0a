package generator_test

import (
	"go/ast"
	"go/token"
	"path/filepath"
	"slices"
	"testing"

	"github.com/cpcgen/cpcgen/generator"
)

// TestTableMethodsMatchTheCode checks ir.Table.Methods, which the docs
// page lists, against the methods the Go emitter declares on each
// repository of every golden case and example.
func TestTableMethodsMatchTheCode(t *testing.T) {
	for _, dir := range goldenCases(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			pkg := buildCase(t, dir)
			tree, err := generator.Emit(pkg)
			if err != nil {
				t.Fatal(err)
			}
			declared := map[string][]string{}
			for _, file := range goFiles(t, token.NewFileSet(), tree) {
				for _, d := range file.Decls {
					fn, ok := d.(*ast.FuncDecl)
					if !ok || fn.Recv == nil || !fn.Name.IsExported() {
						continue
					}
					star, ok := fn.Recv.List[0].Type.(*ast.StarExpr)
					if !ok {
						continue
					}
					if id, ok := star.X.(*ast.Ident); ok {
						declared[id.Name] = append(declared[id.Name], fn.Name.Name)
					}
				}
			}
			for _, tb := range append(pkg.Tables, pkg.Views...) {
				want := tb.Methods()
				got := declared[tb.Repo]
				slices.Sort(want)
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Errorf("%s: the code declares %v; Table.Methods says %v", tb.Repo, got, want)
				}
			}
		})
	}
}
