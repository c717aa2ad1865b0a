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

// TestAddedValue reads the ADD VALUE clause of an ALTER TYPE from its
// tokens: the words ADD VALUE inside a quoted type name or a label are
// not the clause. Split at the first " ADD VALUE " of the text, the
// type "x ADD VALUE y" gave the value y" and IF NOT EXISTS went into
// its name, and a RENAME VALUE of 'x ADD VALUE y' counted as an added
// value and had its label rewritten.
func TestAddedValue(t *testing.T) {
	for _, c := range []struct {
		cmd, value, ifNotExists string
	}{
		{`ALTER TYPE "mood" ADD VALUE 'ok'`, `'ok'`, `ALTER TYPE "mood" ADD VALUE IF NOT EXISTS 'ok'`},
		{`ALTER TYPE "x ADD VALUE y" ADD VALUE 'b'`, `'b'`, `ALTER TYPE "x ADD VALUE y" ADD VALUE IF NOT EXISTS 'b'`},
		{`ALTER TYPE "s"."x ADD VALUE y" ADD VALUE 'it''s fine' BEFORE 'b'`, `'it''s fine'`, `ALTER TYPE "s"."x ADD VALUE y" ADD VALUE IF NOT EXISTS 'it''s fine' BEFORE 'b'`},
		{`ALTER TYPE "mood" ADD VALUE IF NOT EXISTS 'a ADD VALUE b'`, `'a ADD VALUE b'`, `ALTER TYPE "mood" ADD VALUE IF NOT EXISTS 'a ADD VALUE b'`},
		{`ALTER TYPE "mood" RENAME VALUE 'x ADD VALUE y' TO 'z'`, "", `ALTER TYPE "mood" RENAME VALUE 'x ADD VALUE y' TO 'z'`},
		{`ALTER TYPE "x ADD VALUE y" RENAME TO "z"`, "", `ALTER TYPE "x ADD VALUE y" RENAME TO "z"`},
		{`COMMENT ON TYPE "mood" IS ' ADD VALUE '`, "", `COMMENT ON TYPE "mood" IS ' ADD VALUE '`},
	} {
		value, ok := addedValue(c.cmd)
		if value != c.value || ok != (c.value != "") {
			t.Errorf("addedValue(%s) = %q, %v; want %q", c.cmd, value, ok, c.value)
		}
		if got := addValueIfNotExists(c.cmd); got != c.ifNotExists {
			t.Errorf("addValueIfNotExists(%s) =\n%s\nwant\n%s", c.cmd, got, c.ifNotExists)
		}
	}
}
