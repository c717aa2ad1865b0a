package generator_test

import (
	"fmt"
	"testing"

	"github.com/cpcgen/cpcgen/generator"
	"github.com/cpcgen/cpcgen/internal/synth"
	"github.com/cpcgen/cpcgen/spec"
)

// BenchmarkGenerate measures the whole in-memory pipeline (parse and
// validate the YAML, Build, Emit with gofmt'd Go and schema.sql) on
// synthetic projects.
func BenchmarkGenerate(b *testing.B) {
	for _, n := range []int{100, 500, 1000} {
		b.Run(fmt.Sprintf("tables=%d", n), func(b *testing.B) {
			files := synth.Files(n)
			b.ReportAllocs()
			for b.Loop() {
				cfg, err := spec.ParseConfig(".", "cpcgen.yaml", synth.Config())
				if err != nil {
					b.Fatal(err)
				}
				proj, err := spec.Parse(cfg, files)
				if err != nil {
					b.Fatal(err)
				}
				if _, _, err := generator.Generate(proj); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestSyntheticProjectGenerates keeps the synthetic project valid.
func TestSyntheticProjectGenerates(t *testing.T) {
	cfg, err := spec.ParseConfig(".", "cpcgen.yaml", synth.Config())
	if err != nil {
		t.Fatal(err)
	}
	proj, err := spec.Parse(cfg, synth.Files(120))
	if err != nil {
		t.Fatal(err)
	}
	_, tree, err := generator.Generate(proj)
	if err != nil {
		t.Fatal(err)
	}
	if len(tree.Files) < 120 {
		t.Fatalf("%d files for 120 tables", len(tree.Files))
	}
}
