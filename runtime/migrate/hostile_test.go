package migrate

import (
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/internal/sqllex/sqllextest"
)

// TestHostileSplit: a statement holding any quoting form splits where
// PostgreSQL ends it, and a backfill's SET and WHERE keep their text.
func TestHostileSplit(t *testing.T) {
	for _, h := range sqllextest.Cases {
		first := "SELECT f(" + h.SQL + ", x)"
		src := first + ";\nSELECT 2;\n"
		stmts, err := splitStatements("f.sql", src, 0, lineAt0(src))
		if err != nil {
			t.Errorf("%s: %q: %v", h.Name, src, err)
			continue
		}
		if len(stmts) != 2 || stmts[0].SQL != first || stmts[1].SQL != "SELECT 2" || stmts[1].Line != 2+strings.Count(h.SQL, "\n") {
			t.Errorf("%s: %q: got %+v", h.Name, src, stmts)
		}
		u, err := parseBackfillUpdate("UPDATE t SET c = f(" + h.SQL + ", x) WHERE id = 1")
		if err != nil || u.Set != "c = f("+h.SQL+", x)" || u.Where != "id = 1" {
			t.Errorf("%s: backfill: %+v, %v", h.Name, u, err)
		}
	}
}
