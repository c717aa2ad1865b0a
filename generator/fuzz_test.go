package generator_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/cpcgen/cpcgen/generator"
	"github.com/cpcgen/cpcgen/spec"
)

// FuzzGenerate runs the whole in-memory pipeline on arbitrary spec files.
// Whatever the spec package accepts, Build and Emit must turn into Go that
// formats (a render failure is a generator bug) or reject with positioned
// errors; neither may panic.
func FuzzGenerate(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("..", "testdata", "golden", "*", "schema", "*.yaml"))
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("tables:\n  t:\n    columns:\n      id: {type: integer, primary_key: true}\n"))
	cfg, err := spec.ParseConfig(".", "cpcgen.yaml", []byte("version: 1\npackage: {name: fuzzdb, dir: ./out}\nspecs: [./schema/*.yaml]\n"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		proj, err := spec.Parse(cfg, []spec.File{{Name: "schema/a.yaml", Data: data}})
		if err != nil {
			return
		}
		_, _, err = generator.Generate(proj)
		if err == nil {
			return
		}
		var list spec.ErrorList
		if !errors.As(err, &list) {
			t.Fatalf("generation failed on a valid spec: %v", err)
		}
		for _, e := range list {
			if !e.Pos.IsValid() {
				t.Fatalf("error without a position: %v", e)
			}
		}
	})
}
