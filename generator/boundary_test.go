package generator_test

import (
	"go/build"
	"path/filepath"
	"strings"
	"testing"
)

// TestEmittersReadOnlyTheIR checks the pipeline's boundary: the IR and
// every emitter (Go code, schema, docs, migrations, vet) depend on
// neither the spec package nor the builder, directly or through another
// package of the module, so that whatever they need must be a field of
// the IR.
func TestEmittersReadOnlyTheIR(t *testing.T) {
	const mod = "github.com/cpcgen/cpcgen/"
	forbidden := map[string]bool{mod + "spec": true, mod + "generator": true}
	for _, e := range []string{"ir", "gocode", "sqlschema", "docs", "migration", "vet"} {
		seen := map[string]bool{}
		var walk func(path string, chain []string)
		walk = func(path string, chain []string) {
			if seen[path] {
				return
			}
			seen[path] = true
			if forbidden[path] {
				t.Errorf("generator/%s depends on %s (%s); emitters read the IR only: add the fact to package ir", e, path, strings.Join(chain, " → "))
				return
			}
			p, err := build.ImportDir(filepath.Join("..", filepath.FromSlash(strings.TrimPrefix(path, mod))), 0)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			for _, imp := range p.Imports {
				if strings.HasPrefix(imp, mod) {
					walk(imp, append(chain, imp))
				}
			}
		}
		walk(mod+"generator/"+e, []string{"generator/" + e})
	}
}
