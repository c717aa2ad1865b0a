package generator_test

import (
	"go/build"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHostileComments: comments come from specs and, through import,
// from any database's COMMENT ON, and the generated code writes them as
// doc comments. No comment text may be more than a comment: a line
// reading //go:generate rm -rf / was a directive go generate would run,
// one reading +build ignore became a // +build line that gofmt moved to
// the file's header, so that the table's file left the package (its
// repository undefined), a byte order mark did not compile, and a
// bidirectional override could make the code read otherwise than it
// compiles.
func TestHostileComments(t *testing.T) {
	hostile := `"first line\n//go:generate rm -rf /\n+build ignore\n//go:build ignore\n//line evil.go:1\n//export Evil\n/* block */\nbidi \u202e reversed \u2066 isolate, bom \ufeff, bell \a, nel \u0085 end"`
	specYAML := `enums:
  mood:
    values: [calm, angry]
    comment: ` + hostile + `
tables:
  notes:
    comment: ` + hostile + `
    columns:
      id:   {type: bigint, primary_key: true, identity: true}
      body: {type: text, comment: ` + hostile + `}
      mood: {type: mood}
queries:
  notes:
    - name: ByBody
      comment: ` + hostile + `
      where: {body: eq}
      returns: many
`
	root := t.TempDir()
	_, tree := generateProject(t, root, "notesdb", specYAML)
	out := t.TempDir()
	var goFiles int
	for _, f := range tree.Files {
		if !strings.HasSuffix(f.Path, ".go") {
			continue
		}
		goFiles++
		name := filepath.Base(f.Path)
		src := string(f.Data)
		if _, err := parser.ParseFile(token.NewFileSet(), f.Path, f.Data, parser.ParseComments); err != nil {
			t.Errorf("%s does not parse: %v", f.Path, err)
		}
		if err := os.WriteFile(filepath.Join(out, name), f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		if ok, err := build.Default.MatchFile(out, name); err != nil || !ok {
			t.Errorf("%s is left out of builds (%v):\n%s", f.Path, err, head(src, 8))
		}
		for i, line := range strings.Split(src, "\n") {
			l := strings.TrimSpace(line)
			if !strings.HasPrefix(l, "//") {
				continue
			}
			if l != "//" && !strings.HasPrefix(l, "// ") || constraint.IsPlusBuild(l) || constraint.IsGoBuild(l) {
				t.Errorf("%s:%d: a comment line the Go toolchain reads: %q", f.Path, i+1, line)
			}
		}
		if i := strings.IndexAny(src, "\u202e\u2066\ufeff\a"); i >= 0 {
			t.Errorf("%s: a hidden character at byte %d: %q", f.Path, i, src[max(0, i-20):i+4])
		}
		if strings.Contains(src, "reversed") && !strings.Contains(src, `bidi \u202e reversed \u2066 isolate, bom \ufeff, bell \u0007, nel`) {
			t.Errorf("%s: the hidden characters are not written as escapes:\n%s", f.Path, src)
		}
	}
	if goFiles == 0 {
		t.Fatal("no Go files generated")
	}
	notes, err := os.ReadFile(filepath.Join(out, "notes.gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"// //go:generate rm -rf /", "// (+build ignore)", "// //line evil.go:1", "// /* block */"} {
		if !strings.Contains(string(notes), want+"\n") {
			t.Errorf("notes.gen.go lacks the comment line %q", want)
		}
	}
}

// head returns the first n lines of s.
func head(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}
