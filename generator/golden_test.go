package generator_test

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/cpcgen/cpcgen/generator"
	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/writer"
	"github.com/cpcgen/cpcgen/spec"
)

var update = flag.Bool("update", false, "rewrite every golden file of the repository: testdata/golden, the examples' generated code, docs pages and JSON Schemas, docs/types.md, and the expected migrations (testdata/migrations)")

// goldenCases lists the directories of testdata/golden holding a case,
// and the examples: their generated packages and docs pages are goldens
// too, so that -update keeps them current.
func goldenCases(t *testing.T) []string {
	t.Helper()
	configs, err := filepath.Glob(filepath.Join("..", "testdata", "golden", "*", "cpcgen.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(configs) == 0 {
		t.Fatal("no golden cases found")
	}
	examples, err := filepath.Glob(filepath.Join("..", "examples", "*", "cpcgen.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	configs = append(configs, examples...)
	var dirs []string
	for _, c := range configs {
		dirs = append(dirs, filepath.Dir(c))
	}
	return dirs
}

// generate runs the whole pipeline on a case, in memory.
func generate(t *testing.T, dir string) writer.Tree {
	t.Helper()
	tree, err := generator.Emit(buildCase(t, dir))
	if err != nil {
		t.Fatalf("emit: %v", err)
	}
	return tree
}

// buildCase loads a case and builds its package.
func buildCase(t *testing.T, dir string) *ir.Package {
	t.Helper()
	proj, err := spec.Load(dir)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	pkg, err := generator.Build(proj)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return pkg
}

// TestGolden compares the output of every case with its expected tree.
// Run `go test ./generator -update` to rewrite them, and review the diff.
func TestGolden(t *testing.T) {
	for _, dir := range goldenCases(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			tree := generate(t, dir)
			if *update {
				if _, err := writer.Write(dir, tree); err != nil {
					t.Fatal(err)
				}
				return
			}
			diffs, err := writer.Compare(dir, tree)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range diffs {
				t.Errorf("%s: %s file (-want +got); run `go test ./generator -update` if the change is intended:\n%s", d.Path, d.Kind, d.Diff)
			}
		})
	}
}

// TestDeterministic generates every case twice and compares the bytes.
func TestDeterministic(t *testing.T) {
	for _, dir := range goldenCases(t) {
		a, b := generate(t, dir), generate(t, dir)
		if len(a.Files) != len(b.Files) {
			t.Fatalf("%s: %d files, then %d", dir, len(a.Files), len(b.Files))
		}
		for i := range a.Files {
			if a.Files[i].Path != b.Files[i].Path || !bytes.Equal(a.Files[i].Data, b.Files[i].Data) {
				t.Errorf("%s: %s differs between two runs", dir, a.Files[i].Path)
			}
		}
	}
}

// TestUpdateEverything is the rest of -update: the JSON Schemas of the
// examples and of bench/ (as cpcgen schema writes them) and the expected
// migrations, whose test needs a server of its own and runs in its
// package.
func TestUpdateEverything(t *testing.T) {
	if !*update {
		t.Skip("only with -update")
	}
	examples, err := filepath.Glob(filepath.Join("..", "examples", "*", "schema", spec.SpecSchemaFile))
	if err != nil {
		t.Fatal(err)
	}
	examples = append(examples, filepath.Join("..", "bench", "schema", spec.SpecSchemaFile))
	for _, p := range examples {
		dir := filepath.Dir(p)
		for name, data := range map[string][]byte{spec.SpecSchemaFile: spec.SpecSchema(), spec.ConfigSchemaFile: spec.ConfigSchema()} {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	cmd := exec.Command("go", "test", "-count=1", "-run", "TestGoldenDiffs", "./migration", "-update")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go test ./generator/migration -update: %v\n%s", err, out)
	}
}
