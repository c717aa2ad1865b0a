package generator_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpcgen/cpcgen/generator"
	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/runtime"
)

// TestStatementsComplete checks, for every golden case, that
// Package.Statements lists exactly the statement constants the emitted
// code declares, with the same text, and that each has a position.
func TestStatementsComplete(t *testing.T) {
	for _, dir := range goldenCases(t) {
		pkg := buildCase(t, dir)
		tree, err := generator.Emit(pkg)
		if err != nil {
			t.Fatal(err)
		}
		// A loader's statements are the Ops of its runtime.Loader
		// variables, named after the relation.
		loaders := map[string]string{}
		for _, tab := range pkg.Tables {
			for _, r := range tab.Relations {
				if r.Loader == "" || r.LoadSQL.Const == "" {
					continue
				}
				loaders[r.Loader] = r.LoadSQL.Const
				if r.LoadSQL.WithDeleted != nil {
					loaders[r.Loader+ir.WithDeletedSuffix] = r.LoadSQL.WithDeleted.Const
				}
			}
		}
		emitted := map[string]string{}
		for _, f := range tree.Files {
			if !strings.HasSuffix(f.Path, ".go") {
				continue
			}
			for name, sql := range sqlConsts(t, f.Path, f.Data) {
				if v, ok := strings.CutPrefix(name, "loader:"); ok {
					if name, ok = loaders[v]; !ok {
						t.Errorf("%s: %s: a runtime.Loader of no relation", dir, v)
					}
				}
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
// named sql…, the elements of its arrays of statements named sql…
// (a query's variants), as name[i], and the fallback statement of each
// runtime.Update named update<Plural>, as sql<Plural>Update, rendered by
// the runtime from the parts the file gives it.
func sqlConsts(t *testing.T, name string, src []byte) map[string]string {
	out := sqlConstDecls(t, name, src)
	// The constants an Op's SQL is built from (the start that UpdateMany
	// and UpdateManyReturning share) are parts, not statements.
	parts := map[string]bool{}
	defer func() {
		for p := range parts {
			delete(out, p)
		}
	}()
	f, err := parser.ParseFile(token.NewFileSet(), name, src, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.VAR {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			for i, id := range vs.Names {
				if sql, ok := opSQL(t, id.Name, vs, i, out, parts); ok {
					out["sql"+strings.TrimPrefix(id.Name, "op")] = sql
					continue
				}
				if sql, ok := loaderSQL(t, id.Name, vs, i, out, parts); ok {
					out["loader:"+id.Name] = sql
					continue
				}
				if !strings.HasPrefix(id.Name, "update") || i >= len(vs.Values) {
					continue
				}
				u, ok := vs.Values[i].(*ast.UnaryExpr)
				if !ok {
					continue
				}
				lit, ok := u.X.(*ast.CompositeLit)
				if !ok {
					continue
				}
				if sel, ok := lit.Type.(*ast.SelectorExpr); !ok || sel.Sel.Name != "Update" {
					continue
				}
				q := updateLiteral(t, id.Name, lit, out)
				out["sql"+strings.TrimPrefix(id.Name, "update")+"Update"] = q.FallbackSQL()
			}
		}
	}
	return out
}

// addrLit returns the composite literal whose address variable i of vs
// is initialized with (&T{…}).
func addrLit(vs *ast.ValueSpec, i int) (*ast.CompositeLit, bool) {
	if i >= len(vs.Values) {
		return nil, false
	}
	u, ok := vs.Values[i].(*ast.UnaryExpr)
	if !ok {
		return nil, false
	}
	lit, ok := u.X.(*ast.CompositeLit)
	return lit, ok
}

// opSQL returns the statement of variable i of vs when it is a
// runtime.Op named op… with a statement of its own: its SQL field (see
// opLitSQL).
func opSQL(t *testing.T, name string, vs *ast.ValueSpec, i int, consts map[string]string, parts map[string]bool) (string, bool) {
	if !strings.HasPrefix(name, "op") {
		return "", false
	}
	lit, ok := addrLit(vs, i)
	if !ok {
		return "", false
	}
	if sel, ok := lit.Type.(*ast.SelectorExpr); !ok || sel.Sel.Name != "Op" {
		return "", false
	}
	// An Op that names a statement whose constant is declared (its SQL
	// that constant), or the statements a call picks (no SQL), is not a
	// statement of its own.
	for _, e := range lit.Elts {
		if kv, ok := e.(*ast.KeyValueExpr); ok && kv.Key.(*ast.Ident).Name == "SQL" {
			if _, named := kv.Value.(*ast.Ident); named {
				return "", false
			}
			return opLitSQL(t, name, lit, consts, parts), true
		}
	}
	return "", false
}

// loaderSQL returns the statement of variable i of vs when it is a
// runtime.Loader: the SQL of its Op.
func loaderSQL(t *testing.T, name string, vs *ast.ValueSpec, i int, consts map[string]string, parts map[string]bool) (string, bool) {
	lit, ok := addrLit(vs, i)
	if !ok {
		return "", false
	}
	if typ, ok := lit.Type.(*ast.IndexListExpr); !ok {
		return "", false
	} else if sel, ok := typ.X.(*ast.SelectorExpr); !ok || sel.Sel.Name != "Loader" {
		return "", false
	}
	for _, e := range lit.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok || kv.Key.(*ast.Ident).Name != "Op" {
			continue
		}
		if u, ok := kv.Value.(*ast.UnaryExpr); ok {
			if op, ok := u.X.(*ast.CompositeLit); ok {
				return opLitSQL(t, name, op, consts, parts), true
			}
		}
	}
	t.Fatalf("%s: runtime.Loader without an Op literal", name)
	return "", false
}

// opLitSQL returns the SQL field of the composite literal of a
// runtime.Op: a string literal or a sum of literals and the file's
// constants (consts), each of which it adds to parts.
func opLitSQL(t *testing.T, name string, lit *ast.CompositeLit, consts map[string]string, parts map[string]bool) string {
	for _, e := range lit.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok || kv.Key.(*ast.Ident).Name != "SQL" {
			continue
		}
		var eval func(e ast.Expr) string
		eval = func(e ast.Expr) string {
			switch e := e.(type) {
			case *ast.BasicLit:
				sql, err := strconv.Unquote(e.Value)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				return sql
			case *ast.Ident:
				sql, ok := consts[e.Name]
				if !ok {
					t.Fatalf("%s: SQL names %s, not a constant of the file", name, e.Name)
				}
				parts[e.Name] = true
				return sql
			case *ast.BinaryExpr:
				if e.Op == token.ADD {
					return eval(e.X) + eval(e.Y)
				}
			}
			t.Fatalf("%s: SQL is not a literal or a sum of literals and constants", name)
			return ""
		}
		return eval(kv.Value)
	}
	t.Fatalf("%s: runtime.Op without SQL", name)
	return ""
}

// updateLiteral evaluates the composite literal of a runtime.Update,
// its fields constants, literals, bit masks and slices of them; consts
// are the file's statement constants, which Fallback may name.
func updateLiteral(t *testing.T, name string, lit *ast.CompositeLit, consts map[string]string) *runtime.Update {
	t.Helper()
	q := new(runtime.Update)
	v := reflect.ValueOf(q).Elem()
	var eval func(e ast.Expr) any
	eval = func(e ast.Expr) any {
		switch e := e.(type) {
		case *ast.BasicLit:
			switch e.Kind {
			case token.STRING:
				s, err := strconv.Unquote(e.Value)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				return s
			case token.INT:
				n, err := strconv.ParseUint(e.Value, 0, 64)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				return n
			}
		case *ast.ParenExpr:
			return eval(e.X)
		case *ast.BinaryExpr:
			x, y := eval(e.X).(uint64), eval(e.Y).(uint64)
			switch e.Op {
			case token.SHL:
				return x << y
			case token.OR:
				return x | y
			}
		case *ast.Ident:
			if s, ok := consts[e.Name]; ok {
				return s
			}
		case *ast.CompositeLit:
			var out []any
			for _, el := range e.Elts {
				out = append(out, eval(el))
			}
			return out
		}
		t.Fatalf("%s: cannot evaluate %T in a runtime.Update literal", name, e)
		return nil
	}
	for _, el := range lit.Elts {
		kv := el.(*ast.KeyValueExpr)
		key := kv.Key.(*ast.Ident).Name
		if key == "Op" {
			continue // how errors are wrapped: no part of the statement
		}
		f := v.FieldByName(key)
		if !f.IsValid() {
			t.Fatalf("%s: runtime.Update has no field %s", name, key)
		}
		val := eval(kv.Value)
		switch f.Kind() {
		case reflect.String:
			f.SetString(val.(string))
		case reflect.Int:
			f.SetInt(int64(val.(uint64)))
		case reflect.Uint64:
			f.SetUint(val.(uint64))
		case reflect.Slice:
			elems := val.([]any)
			s := reflect.MakeSlice(f.Type(), len(elems), len(elems))
			for j, x := range elems {
				switch x := x.(type) {
				case string:
					s.Index(j).SetString(x)
				case uint64:
					if s.Index(j).Kind() == reflect.Uint64 {
						s.Index(j).SetUint(x)
					} else {
						s.Index(j).SetInt(int64(x))
					}
				}
			}
			f.Set(s)
		default:
			t.Fatalf("%s: field %s of kind %s", name, key, f.Kind())
		}
	}
	return q
}

// sqlConstDecls returns the string constants of a Go file named sql…,
// and the elements of its arrays of statements named sql… as name[i].
func sqlConstDecls(t *testing.T, name string, src []byte) map[string]string {
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
