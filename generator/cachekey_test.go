package generator

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/generator/gocode"
	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/spec"
)

// The keys of the tables' Go files rest on two facts about the Go
// emitter, which these tests hold it to.

// TestGoEmitterIgnoresPositions: no code of the Go emitter reads a
// field of type ir.Pos, so that the tables' keys can leave positions
// out (an edit high in a spec file moves the positions of every table
// below it).
func TestGoEmitterIgnoresPositions(t *testing.T) {
	fields := map[string]bool{}
	seen := map[reflect.Type]bool{}
	var collect func(rt reflect.Type)
	collect = func(rt reflect.Type) {
		for rt.Kind() == reflect.Pointer || rt.Kind() == reflect.Slice || rt.Kind() == reflect.Array || rt.Kind() == reflect.Map {
			rt = rt.Elem()
		}
		if rt.Kind() != reflect.Struct || seen[rt] || rt.PkgPath() != reflect.TypeFor[ir.Package]().PkgPath() {
			return
		}
		seen[rt] = true
		for i := 0; i < rt.NumField(); i++ {
			f := rt.Field(i)
			if f.Type == posType {
				fields[f.Name] = true
			}
			collect(f.Type)
		}
	}
	collect(reflect.TypeFor[ir.Package]())
	if !fields["Pos"] || !fields["SQLPos"] {
		t.Fatalf("position fields found: %v; the test does not see the IR", fields)
	}
	files, err := filepath.Glob(filepath.Join("gocode", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && fields[sel.Sel.Name] {
				t.Errorf("%s: the Go emitter reads .%s; the keys of the tables' files leave positions out (cachekey.go): include them there, or do not show positions in Go code",
					fset.Position(sel.Pos()), sel.Sel.Name)
			}
			return true
		})
	}
}

// TestTableFileReadsOnlyNeighbours: a table's Go file is rendered from
// the table, the tables it points to (its key holds their digests), and
// of any other table at most its name (its key holds nothing else of
// them). For every table of every golden case, every fact of every
// other table except its name — scalars changed, lists and pointers
// emptied — is scrambled, and the table's file must come out the same
// (and so must its key).
func TestTableFileReadsOnlyNeighbours(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("..", "testdata", "golden", "*", "cpcgen.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	examples, _ := filepath.Glob(filepath.Join("..", "examples", "*", "cpcgen.yaml"))
	checked := 0
	for _, cfg := range append(dirs, examples...) {
		dir := filepath.Dir(cfg)
		proj, err := spec.Load(dir)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		pkg, err := Build(proj)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		keys, err := computeKeys(pkg, "tool")
		if err != nil {
			t.Fatal(err)
		}
		jobs := gocode.Jobs(pkg)
		for i, tab := range pkg.Tables {
			want := renderTable(t, jobs, tab)
			wantKey := keys.tableFile(i, tab.File)

			// A fresh IR, with every table but this one and its
			// neighbours scrambled.
			other, err := Build(proj)
			if err != nil {
				t.Fatal(err)
			}
			near := map[int]bool{i: true}
			for _, j := range keys.refs[i] {
				near[j] = true
			}
			scrambled := 0
			for j, o := range other.Tables {
				if !near[j] {
					scramble(o)
					scrambled++
				}
			}
			if scrambled == 0 {
				continue
			}
			name := fmt.Sprintf("%s: table %s", filepath.Base(dir), tab.SQLName)
			got := renderTable(t, gocode.Jobs(other), other.Tables[i])
			if !bytes.Equal(want, got) {
				t.Errorf("%s: its file reads facts of tables it does not point to (neither its key nor this test sees them through its fields):\n%s",
					name, firstDiff(want, got))
				continue
			}
			otherKeys, err := computeKeys(other, "tool")
			if err != nil {
				t.Fatal(err)
			}
			if otherKeys.tableFile(i, tab.File) != wantKey {
				t.Errorf("%s: the key changed with the facts of tables it does not point to", name)
			}
			checked++
		}
	}
	if checked < 50 {
		t.Fatalf("only %d tables checked", checked)
	}
}

func renderTable(t *testing.T, jobs []gocode.Job, tab *ir.Table) (out []byte) {
	t.Helper()
	for _, j := range jobs {
		if j.Table == tab {
			defer func() {
				if r := recover(); r != nil {
					out = []byte(fmt.Sprintf("panic: %v", r))
				}
			}()
			f, err := j.Render()
			if err != nil {
				return []byte("error: " + err.Error())
			}
			return f.Data
		}
	}
	t.Fatalf("no job for table %s", tab.SQLName)
	return nil
}

// scramble changes every top-level fact of a table but its SQL name:
// strings get a suffix, booleans flip, numbers grow, lists, pointers and
// structs become empty.
func scramble(tab *ir.Table) {
	v := reflect.ValueOf(tab).Elem()
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		if v.Type().Field(i).Name == "SQLName" || !f.CanSet() {
			continue
		}
		switch f.Kind() {
		case reflect.String:
			f.SetString(f.String() + "Zz")
		case reflect.Bool:
			f.SetBool(!f.Bool())
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			f.SetInt(f.Int() + 1)
		default:
			f.Set(reflect.Zero(f.Type()))
		}
	}
}

func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(al), len(bl))
}
