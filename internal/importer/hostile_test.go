package importer

import (
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/internal/sqllex/sqllextest"
)

// TestHostileScanners: a schema file's statements split where PostgreSQL
// ends them, and a C function's argument list and a function's identity
// arguments end and split where they do, whatever quoting form they hold.
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
		args := "a text DEFAULT " + h.SQL + ", b int"
		_, sig := cFunction("CREATE FUNCTION f(" + args + ") RETURNS int LANGUAGE c AS 'lib', 'f'")
		if want := "f(" + strings.Join(strings.Fields(args), " ") + ")"; sig != want {
			t.Errorf("%s: C function signature %q, want %q", h.Name, sig, want)
		}
		if items := identityArgs("a " + h.SQL + ", b int"); len(items) != 2 {
			t.Errorf("%s: identity arguments %v", h.Name, items)
		}
	}
}
