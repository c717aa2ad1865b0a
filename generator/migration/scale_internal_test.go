package migration

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"ariga.io/atlas/sql/postgres"

	"github.com/cpcgen/cpcgen/generator"
	"github.com/cpcgen/cpcgen/generator/sqlschema"
	"github.com/cpcgen/cpcgen/internal/synth"
	"github.com/cpcgen/cpcgen/spec"
)

// TestMarshalChunksSameText proves that the snapshot written in chunks
// of tables is the text Atlas writes for the whole schema, on every
// golden project (every type, constraint, index, enum and SQL object
// the generator emits) and a synthetic one, at several chunk sizes.
func TestMarshalChunksSameText(t *testing.T) {
	roots, err := filepath.Glob(filepath.Join("..", "..", "testdata", "golden", "*"))
	if err != nil {
		t.Fatal(err)
	}
	projects := map[string]*spec.Project{}
	for _, root := range roots {
		if _, err := os.Stat(filepath.Join(root, "cpcgen.yaml")); err != nil {
			continue
		}
		proj, err := spec.Load(root)
		if err != nil {
			t.Fatalf("load %s: %v", root, err)
		}
		projects[filepath.Base(root)] = proj
	}
	cfg, err := spec.ParseConfig(".", "cpcgen.yaml", synth.Config())
	if err != nil {
		t.Fatal(err)
	}
	if projects["synthetic"], err = spec.Parse(cfg, synth.Files(23)); err != nil {
		t.Fatal(err)
	}
	if len(projects) < 10 {
		t.Fatalf("only %d projects found", len(projects))
	}
	for name, proj := range projects {
		pkg, err := generator.Build(proj)
		if err != nil {
			t.Fatalf("%s: build: %v", name, err)
		}
		s := sqlschema.AtlasSchema(pkg)
		want, err := postgres.MarshalHCL(s)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, n := range []int{1, 2, 7} {
			got, ok, err := marshalChunks(s, n)
			if err != nil || !ok {
				t.Fatalf("%s, chunks of %d: ok %v, err %v", name, n, ok, err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s, chunks of %d: the text differs from the whole schema's:\n%s\nwant:\n%s", name, n, got, want)
			}
		}
	}
}

// BenchmarkDiffScale measures migrate diff on synthetic projects of
// growing size, per table: the first migration into an empty directory
// (plan, render, snapshot), and reading that directory back and
// checking it covers the specs (parse the snapshot, plan nothing). The
// ns/table of the larger size staying near the smaller's is what
// "linear in the number of tables" means; a quadratic step shows as a
// ratio near the ratio of the sizes (compare CPU time on a busy
// machine: go test -bench DiffScale -cpuprofile, or B/op per table).
func BenchmarkDiffScale(b *testing.B) {
	for _, n := range []int{250, 1000} {
		cfg, err := spec.ParseConfig(".", "cpcgen.yaml", synth.Config())
		if err != nil {
			b.Fatal(err)
		}
		proj, err := spec.Parse(cfg, synth.FilesWithQueries(n, 2))
		if err != nil {
			b.Fatal(err)
		}
		pkg, err := generator.Build(proj)
		if err != nil {
			b.Fatal(err)
		}
		root := b.TempDir()
		diff := func() *Result {
			dir, err := ReadDir(root, "migrations", "golang-migrate")
			if err != nil {
				b.Fatal(err)
			}
			res, err := Diff(pkg, dir, Options{Name: "init"})
			if err != nil {
				b.Fatal(err)
			}
			return res
		}
		b.Run(fmt.Sprintf("init/tables=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if res := diff(); len(res.Files) == 0 {
					b.Fatal("no migration planned")
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/table")
		})
		if err := Write(root, diff().Files); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("covered/tables=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				dir, err := ReadDir(root, "migrations", "golang-migrate")
				if err != nil {
					b.Fatal(err)
				}
				changes, err := Uncovered(pkg, dir)
				if err != nil || len(changes) > 0 {
					b.Fatalf("uncovered: %v, %v", changes, err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/table")
		})
	}
}

func TestRenameIdent(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`age < 200`, `"years" < 200`},
		{`"age" >= 0 AND age <> 7`, `"years" >= 0 AND "years" <> 7`},
		{`char_length(age::text) > 0 AND 'age' <> ''`, `char_length("years"::text) > 0 AND 'age' <> ''`},
		{`age(created_at) > '1 day'::interval`, `age(created_at) > '1 day'::interval`},
		{`x::age IS NULL -- age`, `x::age IS NULL -- age`},
		{`ages > 0 AND t.age > 1`, `ages > 0 AND t."years" > 1`},
		{`'unterminated`, `'unterminated`},
	} {
		if got := renameIdent(c.in, map[string]string{"age": "years"}); got != c.want {
			t.Errorf("renameIdent(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestSameRenamed tells an expression written with renamed columns,
// however they are spelt, from one that changed otherwise.
func TestSameRenamed(t *testing.T) {
	renamed := map[string]string{"age": "years", "Label": "title"}
	for _, c := range []struct {
		have, want string
		same       bool
	}{
		{`age < 200`, `years < 200`, true},
		{`age < 200`, `"years" < 200`, true},
		{`"age" >= 0 AND age <> 7`, `years >= 0 AND "years" <> 7`, true},
		{`upper("Label") || age`, `upper(title)   ||  years`, true},
		{`upper("Label")`, `upper(label)`, false},
		{`age(created_at) > 0`, `years(created_at) > 0`, false},
		{`x::age IS NULL`, `x::years IS NULL`, false},
		{`'age' <> '' AND age > 0`, `'years' <> '' AND years > 0`, false},
		{`age < 200`, `years <= 200`, false},
		{`age < 200`, `years < 200 AND true`, false},
	} {
		if got := sameRenamed(c.have, c.want, renamed); got != c.same {
			t.Errorf("sameRenamed(%q, %q) = %v, want %v", c.have, c.want, got, c.same)
		}
	}
}
