package generator_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpcgen/cpcgen/generator"
	"github.com/cpcgen/cpcgen/spec"
)

// TestErrorCases runs the front of the pipeline (spec.Load, then Build) on
// every project under testdata/errors and compares the error text with the
// case's want.txt; -update rewrites them.
func TestErrorCases(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("..", "testdata", "errors", "*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 12 {
		t.Fatalf("found %d error cases, want at least 12", len(dirs))
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			proj, err := spec.Load(dir)
			if err == nil {
				_, _, err = generator.Generate(proj)
			}
			if err == nil {
				t.Fatal("the project generated without errors")
			}
			var list spec.ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error is %T, not a spec.ErrorList: %v", err, err)
			}
			got := err.Error() + "\n"
			wantFile := filepath.Join(dir, "want.txt")
			if *update {
				if err := os.WriteFile(wantFile, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(wantFile)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}
