package migration

import (
	"testing"

	"github.com/cpcgen/cpcgen/internal/sqllex/sqllextest"
)

// TestHostileScanners: whether parentheses enclose a whole generation
// expression, and how many arguments a DROP FUNCTION names, do not
// depend on what the quoted text inside says.
func TestHostileScanners(t *testing.T) {
	for _, h := range sqllextest.Cases {
		if whole := "(" + h.SQL + "\n)"; wrapped(whole) != whole {
			t.Errorf("%s: wrapped(%q) = %q", h.Name, whole, wrapped(whole))
		}
		if two := "(1) + (" + h.SQL + "\n)"; wrapped(two) != "("+two+")" {
			t.Errorf("%s: wrapped(%q) = %q", h.Name, two, wrapped(two))
		}
		if n := inArgs("DROP FUNCTION f(a " + h.SQL + "\n, b int)"); n != 2 {
			t.Errorf("%s: inArgs: %d", h.Name, n)
		}
	}
}
