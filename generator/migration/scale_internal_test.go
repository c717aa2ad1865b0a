package migration

import (
	"bytes"
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
