package doccheck

import (
	"os"
	"strings"
	"testing"
)

// SQLBlock returns the first ```sql block that follows the HTML comment
// <!-- marker --> in the Markdown file at path, for a test that runs the
// SQL a guide shows as it is written (docs/operations.md's role set-up,
// say). It fails t when the file, the marker or the block is missing.
func SQLBlock(t testing.TB, path, marker string) string {
	t.Helper()
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "<!-- "+marker+" -->")
	if !ok {
		t.Fatalf("%s has no <!-- %s -->", path, marker)
	}
	_, rest, ok = strings.Cut(rest, "```sql\n")
	if !ok {
		t.Fatalf("%s: no SQL block after <!-- %s -->", path, marker)
	}
	block, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatalf("%s: unterminated SQL block after <!-- %s -->", path, marker)
	}
	return block
}
