package docs_test

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/generator"
	"github.com/cpcgen/cpcgen/generator/docs"
	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/writer"
	"github.com/cpcgen/cpcgen/spec"
)

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

// TestUniqueConstraintListed checks that a unique key declared as a
// constraint (constraint: true) is listed with the indexes, as a
// constraint.
func TestUniqueConstraintListed(t *testing.T) {
	files, err := docs.Generate(build(t, "batches_upserts"), "docs")
	if err != nil {
		t.Fatal(err)
	}
	need(t, string(files[0].Data), "| `slots_day_room_key` | `day`, `room` | yes (a constraint) | btree |")
}

// TestNullsNotDistinctListed checks that a unique key whose NULLs
// conflict says so in the indexes' table.
func TestNullsNotDistinctListed(t *testing.T) {
	files, err := docs.Generate(build(t, "composite_pk"), "docs")
	if err != nil {
		t.Fatal(err)
	}
	need(t, string(files[0].Data), "| `coupons_region_key` | `region` | yes, NULLS NOT DISTINCT | btree |")
}

// TestHostileText: the page prints comments, which import copies from
// any database, and SQL. No comment may become HTML where the page is
// rendered, and no line of SQL may close its fenced block (a function
// body holding a line of three backticks ended the block there, and what
// followed was Markdown and HTML).
func TestHostileText(t *testing.T) {
	page := pageOf(t, `tables:
  notes:
    comment: "<img src=x onerror=alert(1)> &lt; | a < b, a <> b"
    columns:
      id:   {type: bigint, primary_key: true}
      body: {type: text, comment: "<script>alert(1)</script>"}
      mood: {type: odd}
enums:
  odd:
    values: ["`+"``"+` <img src=y onerror=alert(3)> `+"``"+`", plain]
queries:
  notes:
    - name: Odd
      sql: |
        SELECT id FROM notes -- `+"````"+` in a comment
        WHERE body <> ''
      columns: {id: bigint}
sql_objects:
  - name: fence
    kind: function
    comment: "<b>bold</b>"
    sql: |
      CREATE FUNCTION fence() RETURNS text LANGUAGE sql AS $$ SELECT '
      `+"```"+`
      </details><script>alert(2)</script>
      '::text $$
`)
	open := "" // the fence of the block a line is in
	for i, l := range strings.Split(page, "\n") {
		if run := strings.TrimLeft(l, "`"); len(l)-len(run) >= 3 {
			switch {
			case open == "":
				open = l[:len(l)-len(run)]
				continue
			case run == "" && len(l) >= len(open):
				open = ""
				continue
			}
		}
		if open == "" {
			for _, bad := range []string{"<img", "<script", "<b>", "&lt; |"} {
				if strings.Contains(withoutCodeSpans(l), bad) {
					t.Errorf("line %d, outside code, reads %q: %s", i+1, bad, l)
				}
			}
		}
	}
	need(t, page, "&lt;img src=x onerror=alert(1)> &amp;lt; \\| a < b, a <> b")
	need(t, page, "`````sql\nSELECT id FROM notes -- ```` in a comment\n")
	need(t, page, "````sql\nCREATE FUNCTION fence()")
	need(t, page, "``` `` <img src=y onerror=alert(3)> `` ```")
}

// pageOf returns the docs page of a package of one spec file.
func pageOf(t *testing.T, specYAML string) string {
	t.Helper()
	cfg, err := spec.ParseConfig(t.TempDir(), "cpcgen.yaml", []byte("version: 1\npackage: {name: notesdb, dir: ./out}\nspecs: [./*.yaml]\ndocs: {dir: ./docs}\n"))
	if err != nil {
		t.Fatal(err)
	}
	proj, err := spec.Parse(cfg, []spec.File{{Name: "spec.yaml", Data: []byte(specYAML)}})
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := generator.Build(proj)
	if err == nil {
		var files []writer.File
		if files, err = docs.Generate(pkg, "docs"); err == nil {
			return string(files[0].Data)
		}
	}
	t.Fatal(err)
	return ""
}

// withoutCodeSpans returns a line of Markdown without its code spans: a
// run of backticks opens one, which the next run of as many closes.
func withoutCodeSpans(l string) string {
	var out strings.Builder
	for i := 0; i < len(l); {
		if l[i] != '`' {
			out.WriteByte(l[i])
			i++
			continue
		}
		n := len(l[i:]) - len(strings.TrimLeft(l[i:], "`"))
		ticks := l[i : i+n]
		closed := false
		for j := i + n; j < len(l); {
			k := strings.Index(l[j:], ticks)
			if k < 0 {
				break
			}
			k += j
			if m := len(l[k:]) - len(strings.TrimLeft(l[k:], "`")); m == n {
				i, closed = k+n, true
				break
			} else {
				j = k + m
			}
		}
		if !closed {
			out.WriteString(ticks)
			i += n
		}
	}
	return out.String()
}
