package docs_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpcgen/cpcgen/generator"
	"github.com/cpcgen/cpcgen/generator/docs"
	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/spec"
)

var update = flag.Bool("update", false, "rewrite the golden pages under testdata")

func build(t *testing.T, name string) *ir.Package {
	t.Helper()
	proj, err := spec.Load(filepath.Join("..", "..", "testdata", "golden", name))
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := generator.Build(proj)
	if err != nil {
		t.Fatal(err)
	}
	return pkg
}

// TestGolden compares the page of two golden cases with the expected
// one. Run `go test ./generator/docs -update` to rewrite them.
func TestGolden(t *testing.T) {
	for _, name := range []string{"queries_raw", "relations"} {
		t.Run(name, func(t *testing.T) {
			files, err := docs.Generate(build(t, name), "docs/db")
			if err != nil {
				t.Fatal(err)
			}
			if len(files) != 1 || !strings.HasPrefix(files[0].Path, "docs/db/") || !strings.HasSuffix(files[0].Path, ".md") {
				t.Fatalf("files = %v", files)
			}
			golden := filepath.Join("testdata", name+".md")
			if *update {
				if err := os.WriteFile(golden, files[0].Data, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), string(files[0].Data)); diff != "" {
				t.Errorf("%s (-want +got); run go test ./generator/docs -update if intended:\n%s", golden, diff)
			}
		})
	}
}

// TestComplete checks on the 33-table case that the page has every
// table, column, enum, index, check, foreign key and query, is
// deterministic, and splits the ER diagram by spec file.
func TestComplete(t *testing.T) {
	pkg := build(t, "realistic")
	a, err := docs.Generate(pkg, "docs")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := docs.Generate(build(t, "realistic"), "docs")
	if !bytes.Equal(a[0].Data, b[0].Data) {
		t.Fatal("two runs differ")
	}
	page := string(a[0].Data)
	if !strings.HasPrefix(page, docs.Header+"\n") {
		t.Errorf("page does not start with the header")
	}
	for _, e := range pkg.Enums {
		need(t, page, "<a id=\"enum-"+e.SQLName+"\"></a>`"+e.SQLName+"`")
	}
	for _, tb := range pkg.Tables {
		need(t, page, "\n### "+tb.SQLName+"\n")
		for _, c := range tb.Columns {
			need(t, page, "| `"+c.SQLName+"` | ")
		}
		for _, q := range tb.Queries {
			need(t, page, "#### "+tb.Repo+"."+q.Name+"\n")
		}
		for _, ix := range tb.Indexes {
			need(t, page, "| `"+ix.Name+"` | ")
		}
		columnChecks := map[string]bool{}
		for _, c := range tb.Columns {
			columnChecks[c.CheckName] = true
		}
		for _, ck := range tb.Checks {
			if !columnChecks[ck.SQLName] {
				need(t, page, "| `"+ck.SQLName+"` | ")
			}
		}
		for _, c := range tb.Columns {
			if c.References != nil {
				need(t, page, "| `"+c.References.Name+"` | ")
			}
		}
	}
	if n := strings.Count(page, "```mermaid\nerDiagram\n"); n != len(pkg.Sources) {
		t.Errorf("%d diagrams for %d spec files", n, len(pkg.Sources))
	}
	for _, src := range pkg.Sources {
		need(t, page, "## ER diagram: "+src+"\n")
	}
}

func need(t *testing.T, page, s string) {
	t.Helper()
	if !strings.Contains(page, s) {
		t.Errorf("page lacks %q", s)
	}
}
