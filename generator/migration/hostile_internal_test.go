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

// TestEnumOf names the enum of an ALTER TYPE as Atlas's planner writes
// it, quoted: a doubled quote inside kept, a schema left out (it
// returned a for "a""b", and the schema for "s"."t").
func TestEnumOf(t *testing.T) {
	for cmd, want := range map[string]string{
		`ALTER TYPE "a""b" ADD VALUE 'x'`:  `a"b`,
		`ALTER TYPE "s"."t" ADD VALUE 'x'`: "t",
		`ALTER TYPE "mood" ADD VALUE 'ok'`: "mood",
	} {
		if got := enumOf(cmd); got != want {
			t.Errorf("enumOf(%q) = %q, want %q", cmd, got, want)
		}
	}
}
