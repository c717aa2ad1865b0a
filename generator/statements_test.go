package generator_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpcgen/cpcgen/generator"
	"github.com/cpcgen/cpcgen/spec"
)

// TestStatementsComplete checks, for every golden case, that
// Package.Statements lists exactly the statement constants the emitted
// code declares, with the same text, and that each has a position.
func TestStatementsComplete(t *testing.T) {
	for _, dir := range goldenCases(t) {
		proj, err := spec.Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		pkg, err := generator.Build(proj)
		if err != nil {
			t.Fatal(err)
		}
		tree, err := generator.Emit(pkg)
		if err != nil {
			t.Fatal(err)
		}
		emitted := map[string]string{}
		for _, f := range tree.Files {
			if !strings.HasSuffix(f.Path, ".go") {
				continue
			}
			for name, sql := range sqlConsts(t, f.Path, f.Data) {
				emitted[name] = sql
			}
		}
		listed := map[string]string{}
		for _, s := range pkg.Statements() {
			if _, dup := listed[s.Const]; dup {
				t.Errorf("%s: %s listed twice", dir, s.Const)
			}
			listed[s.Const] = s.SQL
			if !s.Pos.IsValid() {
				t.Errorf("%s: %s has no spec position", dir, s.Const)
			}
			if line, _, _ := strings.Cut(s.SQL, "\n"); line != "-- name: "+s.Name && !strings.HasPrefix(line, "-- name: "+s.Name+" ") {
				t.Errorf("%s: %s does not start with its name %q:\n%s", dir, s.Const, s.Name, s.SQL)
			}
		}
		if diff := cmp.Diff(keys(emitted), keys(listed)); diff != "" {
			t.Errorf("%s: statement constants (-emitted +listed):\n%s", dir, diff)
		}
		for name, sql := range listed {
			if e, ok := emitted[name]; ok && e != sql {
				t.Errorf("%s: %s: listed text differs from the emitted one", dir, name)
			}
		}
	}
}

// sqlConsts returns the statements of a Go file: its string constants
// named sql…, and the elements of its arrays of statements named sql…
// (a query's variants), as name[i].
func sqlConsts(t *testing.T, name string, src []byte) map[string]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), name, src, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	unquote := func(id string, e ast.Expr) string {
		lit, ok := e.(*ast.BasicLit)
		if !ok {
			t.Fatalf("%s: %s is not a literal", name, id)
		}
		v, err := strconv.Unquote(lit.Value)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || (g.Tok != token.CONST && g.Tok != token.VAR) {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			for i, id := range vs.Names {
				if !strings.HasPrefix(id.Name, "sql") || i >= len(vs.Values) {
					continue
				}
				if arr, ok := vs.Values[i].(*ast.CompositeLit); ok && g.Tok == token.VAR {
					for j, e := range arr.Elts {
						key := id.Name + "[" + strconv.Itoa(j) + "]"
						out[key] = unquote(key, e)
					}
					continue
				}
				if g.Tok == token.CONST {
					out[id.Name] = unquote(id.Name, vs.Values[i])
				}
			}
		}
	}
	return out
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
