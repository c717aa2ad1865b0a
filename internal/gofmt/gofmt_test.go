package gofmt_test

import (
	"bytes"
	"go/format"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/internal/gofmt"
)

// corpus lists the files TestSameAsGoFormat formats: the Go files of the
// standard library's go/ packages, the test inputs and expected outputs
// of go/printer and cmd/gofmt (the printer's corner cases), and every Go
// file under the repository's testdata/golden and examples (what the
// generator writes).
func corpus(t *testing.T) []string {
	t.Helper()
	goroot := runtime.GOROOT()
	var files []string
	for _, pattern := range []string{
		"src/go/*/*.go",
		"src/go/printer/testdata/*",
		"src/cmd/gofmt/testdata/*",
	} {
		m, err := filepath.Glob(filepath.Join(goroot, pattern))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 200 {
		t.Fatalf("found %d files of the Go distribution under %s; want its sources (GOROOT/src)", len(files), goroot)
	}
	for _, dir := range []string{"../../testdata/golden", "../../examples"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".go") {
				files = append(files, path)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// TestSameAsGoFormat formats every file of the corpus that parses as a
// complete Go file with Source and with go/format.Source and wants the
// same bytes. It does the same with each file's formatted form and with
// the file with one line in three dropped (inputs laid out unlike any
// generated file).
func TestSameAsGoFormat(t *testing.T) {
	compared := 0
	for _, path := range corpus(t) {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		inputs := [][]byte{src, dropLines(src)}
		if f, err := format.Source(src); err == nil {
			inputs = append(inputs, f)
		}
		for i, in := range inputs {
			if _, err := parser.ParseFile(token.NewFileSet(), "", in, parser.ParseComments); err != nil {
				continue // a fragment, or not Go
			}
			want, werr := format.Source(in)
			got, gerr := gofmt.Source(in)
			if (werr != nil) != (gerr != nil) {
				t.Errorf("%s (input %d): go/format error %v, gofmt error %v", path, i, werr, gerr)
				continue
			}
			if werr != nil {
				continue
			}
			compared++
			if !bytes.Equal(got, want) {
				t.Errorf("%s (input %d): output differs from go/format's at byte %d", path, i, firstDiff(got, want))
			}
		}
	}
	if compared < 400 {
		t.Fatalf("compared %d files; the corpus is missing", compared)
	}
	t.Logf("%d inputs formatted the same", compared)
}

// dropLines returns src without every third line that is not part of the
// package clause or the imports.
func dropLines(src []byte) []byte {
	lines := bytes.SplitAfter(src, []byte("\n"))
	var out []byte
	for i, l := range lines {
		if i%3 == 2 && !bytes.HasPrefix(l, []byte("package ")) && !bytes.HasPrefix(l, []byte("import")) {
			continue
		}
		out = append(out, l...)
	}
	return out
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestSyntaxError reports the parser's error, as go/format does, and
// accepts no fragment.
func TestSyntaxError(t *testing.T) {
	for _, src := range []string{"package p\nfunc f( {}\n", "func f() {}\n"} {
		_, err := gofmt.Source([]byte(src))
		_, want := format.Source([]byte(src))
		if err == nil {
			t.Errorf("Source(%q): no error", src)
			continue
		}
		if want != nil && err.Error() != want.Error() {
			t.Errorf("Source(%q) = %v; go/format says %v", src, err, want)
		}
	}
}

// FuzzSameAsGoFormat formats what the fuzzer makes of small files in
// the shapes the generator writes (composite literals holding multi-line
// raw strings, grouped declarations, returns of literals and closures)
// with Source and with go/format.Source and wants the same result:
// go test -fuzz FuzzSameAsGoFormat ./internal/gofmt.
func FuzzSameAsGoFormat(f *testing.F) {
	for _, src := range []string{
		"package p\n\nvar op = &runtime.Op{Name: \"t.Create\", Errs: errs, Params: []string{\"id\", \"name\"}, SQL: `-- name: t.Create\nINSERT INTO \"t\" (\"id\")\nVALUES ($1)`}\n",
		"package p\n\nvar (\n// ErrA is a.\nErrA = &S{Kind: K, Table: \"t\"}\n// ErrLonger is b.\nErrLonger = &S{Kind: KindConflict,\nTable: \"t\"}\n)\n",
		"package p\n\nfunc f(x int) (T, error) {\nreturn T{A: x, B: func(a, b int) int { return a - b }}, nil\n}\n\nconst (\nsqlA = `SELECT 1`\nsqlLonger = `SELECT\n2`\n)\n",
		"package p\n\ntype T struct {\nID uuid.UUID `json:\"id\"`\nCustomerID runtime.Null [uuid.UUID] `json:\"customer_id\"`\n}\n\nvar l = &runtime.Keyset[T]{\nFirst: sqlFirst,\nAfter: sqlAfter,\nKey: func(r *T) []any { return []any{r.ID} },\n}\n",
	} {
		f.Add([]byte(src))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if _, err := parser.ParseFile(token.NewFileSet(), "", src, parser.ParseComments); err != nil {
			return
		}
		want, werr := format.Source(src)
		got, gerr := gofmt.Source(src)
		if (werr != nil) != (gerr != nil) {
			t.Fatalf("go/format error %v, gofmt error %v", werr, gerr)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("output differs from go/format's at byte %d", firstDiff(got, want))
		}
	})
}
