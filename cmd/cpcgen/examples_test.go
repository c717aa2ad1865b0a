package main

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// TestCheckExamples runs check on the examples and on the benchmarks'
// project, as CI does: their generated code, docs pages and JSON Schemas
// are current, and the examples' migrations cover their specs, with
// atlas.sum intact.
func TestCheckExamples(t *testing.T) {
	if code, out, errOut := cpcgen(t, "-C", filepath.Join("..", "..", "bench"), "check"); code != 0 {
		t.Errorf("check bench: exit %d\n%s%s", code, out, errOut)
	}
	examples, err := filepath.Glob("../../examples/*/cpcgen.yaml")
	if err != nil || len(examples) < 2 {
		t.Fatalf("examples: %v, %v", examples, err)
	}
	for _, cfg := range examples {
		dir := filepath.Dir(cfg)
		code, out, errOut := cpcgen(t, "-C", dir, "check")
		if code != 0 || !strings.Contains(out, "migrations cover the spec") {
			t.Errorf("check %s: exit %d\n%s%s", dir, code, out, errOut)
		}
	}
}

// TestExamplesMigrationsMatch applies each example's migrations to a
// fresh database and checks it against them (check --url), then reverts
// them all: the steps migrate diff wrote go up and down cleanly.
func TestExamplesMigrationsMatch(t *testing.T) {
	examples, _ := filepath.Glob("../../examples/*/cpcgen.yaml")
	for _, cfg := range examples {
		dir := filepath.Dir(cfg)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			url := pgtest.URL(t)
			mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", url)
			out, _ := mustRun(t, 0, "-C", dir, "check", "--url", url)
			contains(t, "check --url", out, "none pending, schema matches the migrations")
			ups, _ := filepath.Glob(filepath.Join(dir, "migrations", "*.up.sql"))
			n := strconv.Itoa(len(ups))
			out, _ = mustRun(t, 0, "-C", dir, "migrate", "down", n, "--url", url)
			contains(t, "migrate down", out, n+" migration(s) reverted")
		})
	}
}
