package importer

import (
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/internal/sqllex/sqllextest"
)

// TestHostileScanners: a schema file's statements split where PostgreSQL
// ends them, whatever quoting form they hold.
func TestHostileScanners(t *testing.T) {
	for _, h := range sqllextest.Cases {
		first := "SELECT f(" + h.SQL + ", x)"
		src := first + ";\nSELECT 2;\n"
		stmts, err := SplitDDL(src)
		if err != nil {
			t.Errorf("%s: %q: %v", h.Name, src, err)
		} else if len(stmts) != 2 || stmts[0].SQL != first || stmts[1].SQL != "SELECT 2" || stmts[1].Line != 2+strings.Count(h.SQL, "\n") {
			t.Errorf("%s: %q: got %+v", h.Name, src, stmts)
		}
	}
}
