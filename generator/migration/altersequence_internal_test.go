package migration

import (
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpcgen/cpcgen/generator/ir"
)

// TestParseSequence reads the options of CREATE SEQUENCE statements as
// import and real schemas write them, with PostgreSQL's defaults for
// those left out (by the data type and the increment's sign), and
// refuses what it does not know.
func TestParseSequence(t *testing.T) {
	for _, tc := range []struct {
		sql  string
		want sequenceDef
		ok   bool
	}{
		{"CREATE SEQUENCE seq_a\n  AS integer\n  START WITH 10\n  INCREMENT BY 5\n  MINVALUE 10\n  MAXVALUE 2147483647\n  CACHE 20;\nCOMMENT ON SEQUENCE seq_a IS 'x'",
			sequenceDef{name: "seq_a", typ: "integer", inc: 5, min: 10, max: math.MaxInt32, start: 10, cache: 20, comments: "COMMENT ON SEQUENCE seq_a IS 'x'"}, true},
		{"CREATE SEQUENCE s", sequenceDef{name: "s", typ: "bigint", inc: 1, min: 1, max: math.MaxInt64, start: 1, cache: 1}, true},
		{"create sequence if not exists public.\"S\" as pg_catalog.int2 increment -2 no minvalue no maxvalue no cycle",
			sequenceDef{name: `public."S"`, typ: "smallint", inc: -2, min: math.MinInt16, max: -1, start: -1, cache: 1}, true},
		{"CREATE UNLOGGED SEQUENCE s AS int4 MINVALUE -5 START -5 CYCLE OWNED BY t.id CACHE 3",
			sequenceDef{name: "s", typ: "integer", inc: 1, min: -5, max: math.MaxInt32, start: -5, cache: 3, cycle: true, unlogged: true, ownedBy: "t . id", ownedByText: "t.id"}, true},
		{"CREATE TEMP SEQUENCE s OWNED BY NONE", sequenceDef{name: "s", typ: "bigint", inc: 1, min: 1, max: math.MaxInt64, start: 1, cache: 1, temp: true}, true},
		{"CREATE SEQUENCE s INCREMENT BY -1", sequenceDef{name: "s", typ: "bigint", inc: -1, min: math.MinInt64, max: -1, start: -1, cache: 1}, true},
		{"CREATE SEQUENCE s; SELECT setval('s', 10)", sequenceDef{}, false},
		{"CREATE SEQUENCE s CACHE 1 CACHE 2", sequenceDef{}, false},
		{"CREATE SEQUENCE s MINVALUE 1 NO MINVALUE", sequenceDef{}, false},
		{"CREATE SEQUENCE s AS numeric", sequenceDef{}, false},
		{"CREATE SEQUENCE s INCREMENT BY 0", sequenceDef{}, false},
		{"CREATE SEQUENCE s START WITH 1.5", sequenceDef{}, false},
		{"CREATE SEQUENCE s RESTART WITH 5", sequenceDef{}, false},
		{"CREATE TABLE s (a int)", sequenceDef{}, false},
	} {
		got, ok := parseSequence(tc.sql)
		if ok != tc.ok {
			t.Errorf("parseSequence(%q): ok %v, want %v", tc.sql, ok, tc.ok)
			continue
		}
		if ok {
			if d := cmp.Diff(tc.want, got, cmp.AllowUnexported(sequenceDef{})); d != "" {
				t.Errorf("parseSequence(%q) (-want +got):\n%s", tc.sql, d)
			}
		}
	}
}

// TestAlterSequence plans the ALTER SEQUENCE from one CREATE SEQUENCE to
// another and back: only the options whose values differ (one written
// out with its default value is none), the bounds with a change of type,
// the comments when they differ, and no statement at all for the same
// sequence written otherwise; anything else is refused.
func TestAlterSequence(t *testing.T) {
	for _, tc := range []struct {
		from, to string
		up, down string
		notes    [2]string
		ok       bool
	}{
		{"CREATE SEQUENCE s", "CREATE SEQUENCE s START 1 INCREMENT BY 1 NO MINVALUE MAXVALUE 9223372036854775807 CACHE 1 NO CYCLE", "", "", [2]string{}, true},
		{"CREATE SEQUENCE s", "CREATE SEQUENCE s INCREMENT BY 5 CACHE 20 CYCLE",
			"ALTER SEQUENCE s INCREMENT BY 5 CACHE 20 CYCLE", "ALTER SEQUENCE s INCREMENT BY 1 CACHE 1 NO CYCLE", [2]string{}, true},
		{"CREATE SEQUENCE s AS integer", "CREATE SEQUENCE s",
			"ALTER SEQUENCE s AS bigint MINVALUE 1 MAXVALUE 9223372036854775807", "ALTER SEQUENCE s AS integer MINVALUE 1 MAXVALUE 2147483647",
			[2]string{"", "the down migration's statement fails while the value is outside the old range, 1 to 2147483647"}, true},
		{"CREATE SEQUENCE s MAXVALUE 100", "CREATE SEQUENCE s MAXVALUE 50 START 10 MINVALUE 10",
			"ALTER SEQUENCE s MINVALUE 10 MAXVALUE 50 START WITH 10", "ALTER SEQUENCE s MINVALUE 1 MAXVALUE 100 START WITH 1",
			[2]string{"PostgreSQL refuses it while the value is outside the new range, 10 to 50", ""}, true},
		{"CREATE SEQUENCE s MAXVALUE 100", "CREATE SEQUENCE s MAXVALUE 200 START 10 MINVALUE 10",
			"ALTER SEQUENCE s MINVALUE 10 MAXVALUE 200 START WITH 10", "ALTER SEQUENCE s MINVALUE 1 MAXVALUE 100 START WITH 1",
			[2]string{"PostgreSQL refuses it while the value is outside the new range, 10 to 200", "the down migration's statement fails while the value is outside the old range, 1 to 100"}, true},
		{"CREATE SEQUENCE s INCREMENT BY 1", "CREATE SEQUENCE s INCREMENT BY -1",
			"ALTER SEQUENCE s INCREMENT BY -1 MINVALUE -9223372036854775808 MAXVALUE -1 START WITH -1", "ALTER SEQUENCE s INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1",
			[2]string{"PostgreSQL refuses it while the value is outside the new range, -9223372036854775808 to -1", "the down migration's statement fails while the value is outside the old range, 1 to 9223372036854775807"}, true},
		{"CREATE SEQUENCE s;\nCOMMENT ON SEQUENCE s IS 'a'", "CREATE SEQUENCE s CACHE 5",
			"ALTER SEQUENCE s CACHE 5;\nCOMMENT ON SEQUENCE s IS NULL", "ALTER SEQUENCE s CACHE 1;\nCOMMENT ON SEQUENCE s IS 'a'", [2]string{}, true},
		{"CREATE SEQUENCE s;\nCOMMENT ON SEQUENCE s IS 'a'", "create sequence s;\ncomment on sequence s is 'a'", "", "", [2]string{}, true},
		{"CREATE SEQUENCE s", "CREATE SEQUENCE t", "", "", [2]string{}, false},
		{"CREATE SEQUENCE s", "CREATE SEQUENCE other.s", "", "", [2]string{}, false},
		{"CREATE SEQUENCE s", "CREATE UNLOGGED SEQUENCE s", "ALTER SEQUENCE s SET UNLOGGED", "ALTER SEQUENCE s SET LOGGED", [2]string{}, true},
		{"CREATE UNLOGGED SEQUENCE s CACHE 5", "CREATE SEQUENCE s",
			"ALTER SEQUENCE s CACHE 1;\nALTER SEQUENCE s SET LOGGED", "ALTER SEQUENCE s CACHE 5;\nALTER SEQUENCE s SET UNLOGGED", [2]string{}, true},
		{"CREATE SEQUENCE s", "CREATE SEQUENCE s OWNED BY t.id", "ALTER SEQUENCE s OWNED BY t.id", "ALTER SEQUENCE s OWNED BY NONE", [2]string{}, true},
		{"CREATE SEQUENCE s OWNED BY t.id", "CREATE SEQUENCE s OWNED BY \"t\".\"n\"", "ALTER SEQUENCE s OWNED BY \"t\".\"n\"", "ALTER SEQUENCE s OWNED BY t.id", [2]string{}, true},
		{"CREATE SEQUENCE s OWNED BY t.id", "CREATE SEQUENCE s OWNED BY NONE", "ALTER SEQUENCE s OWNED BY NONE", "ALTER SEQUENCE s OWNED BY t.id", [2]string{}, true},
		{"CREATE TEMP SEQUENCE s", "CREATE SEQUENCE s", "", "", [2]string{}, false},
		{"CREATE SEQUENCE s", "CREATE SEQUENCE s;\nSELECT setval('s', 5)", "", "", [2]string{}, false},
	} {
		up, down, notes, ok := alterSequence(&ir.Object{Create: tc.from}, &ir.Object{Create: tc.to})
		if ok != tc.ok {
			t.Errorf("alterSequence(%q, %q): ok %v, want %v", tc.from, tc.to, ok, tc.ok)
			continue
		}
		if d := cmp.Diff([]any{tc.up, tc.down, tc.notes}, []any{up, down, notes}); ok && d != "" {
			t.Errorf("alterSequence(%q, %q) (-want +got):\n%s", tc.from, tc.to, d)
		}
	}
}

// TestRenamedSequence: a sequence renamed_from another is renamed first
// and changed after, back the other way; its comment, the same but for
// the name, is not set again; another schema or a statement other than
// COMMENT ON after it is no rename.
func TestRenamedSequence(t *testing.T) {
	for _, tc := range []struct {
		from, to string
		up, down string
		ok       bool
	}{
		{"CREATE SEQUENCE a", "CREATE SEQUENCE b", "ALTER SEQUENCE a RENAME TO b", "ALTER SEQUENCE b RENAME TO a", true},
		{"CREATE SEQUENCE a;\nCOMMENT ON SEQUENCE a IS 'x'", "CREATE UNLOGGED SEQUENCE b CACHE 5;\nCOMMENT ON SEQUENCE b IS 'x'",
			"ALTER SEQUENCE a RENAME TO b;\nALTER SEQUENCE b CACHE 5;\nALTER SEQUENCE b SET UNLOGGED",
			"ALTER SEQUENCE b CACHE 1;\nALTER SEQUENCE b SET LOGGED;\nALTER SEQUENCE b RENAME TO a", true},
		{"CREATE SEQUENCE a;\nCOMMENT ON SEQUENCE a IS 'x'", "CREATE SEQUENCE b",
			"ALTER SEQUENCE a RENAME TO b;\nCOMMENT ON SEQUENCE b IS NULL",
			"ALTER SEQUENCE b RENAME TO a;\nCOMMENT ON SEQUENCE a IS 'x'", true},
		{"CREATE SEQUENCE app.a", "CREATE SEQUENCE app.b", "ALTER SEQUENCE app.a RENAME TO b", "ALTER SEQUENCE app.b RENAME TO a", true},
		{"CREATE SEQUENCE a", "CREATE SEQUENCE app.b", "", "", false},
		{"CREATE SEQUENCE a", "CREATE SEQUENCE b;\nSELECT setval('b', 5)", "", "", false},
	} {
		name := func(sql string) (string, string) {
			s, _ := parseSequence(sql)
			schema, _, ok := strings.Cut(s.name, ".")
			if !ok {
				schema = ""
			}
			return s.name, schema
		}
		on, os := name(tc.from)
		nn, ns := name(tc.to)
		up, down, _, ok := renamedSequence(&ir.Object{Name: on, Schema: os, Create: tc.from}, &ir.Object{Name: nn, Schema: ns, Create: tc.to})
		if ok != tc.ok {
			t.Errorf("renamedSequence(%q, %q): ok %v, want %v", tc.from, tc.to, ok, tc.ok)
			continue
		}
		if d := cmp.Diff([]string{tc.up, tc.down}, []string{up, down}); ok && d != "" {
			t.Errorf("renamedSequence(%q, %q) (-want +got):\n%s", tc.from, tc.to, d)
		}
	}
}

// TestSequenceRenames: a rename is planned only when the sequence
// renamed_from names is after the last migration, the package no longer
// declares it, and the new name is not after the last migration yet.
func TestSequenceRenames(t *testing.T) {
	seq := func(name, from string) *ir.Object {
		return &ir.Object{Key: "sequence " + name, Kind: "sequence", Name: name, RenamedFrom: from, Create: "CREATE SEQUENCE " + name}
	}
	for _, tc := range []struct {
		cur, want []*ir.Object
		renamed   bool
	}{
		{[]*ir.Object{seq("a", "")}, []*ir.Object{seq("b", "a")}, true},
		{[]*ir.Object{seq("a", "")}, []*ir.Object{seq("b", "a"), seq("a", "")}, false},
		{[]*ir.Object{seq("a", ""), seq("b", "")}, []*ir.Object{seq("b", "a")}, false},
		{[]*ir.Object{seq("c", "")}, []*ir.Object{seq("b", "a")}, false},
	} {
		got := sequenceRenames(&ir.Package{Objects: tc.want}, tc.cur)
		if (got["sequence b"] != nil) != tc.renamed {
			t.Errorf("cur %d objects, want %d: renamed %v, want %v", len(tc.cur), len(tc.want), got["sequence b"] != nil, tc.renamed)
		}
	}
}
