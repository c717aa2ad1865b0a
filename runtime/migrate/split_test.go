package migrate

import (
	"reflect"
	"testing"
)

func TestSplitStatements(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want []string
	}{
		{"plain", "CREATE TABLE a (x int);\nCREATE TABLE b (y int);\n", []string{"CREATE TABLE a (x int)", "CREATE TABLE b (y int)"}},
		{"no trailing semicolon", "SELECT 1", []string{"SELECT 1"}},
		{"comments", "-- a; b\nSELECT 1; /* c; /* nested; */ d; */ SELECT 2;", []string{"SELECT 1", "SELECT 2"}},
		{"strings", "SELECT 'a;b', 'it''s;';SELECT E'x\\';y';", []string{"SELECT 'a;b', 'it''s;'", "SELECT E'x\\';y'"}},
		{"quoted identifiers", `SELECT 1 AS "a;""b";`, []string{`SELECT 1 AS "a;""b"`}},
		{"dollar quotes", "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\nDO $body$ BEGIN PERFORM 1; END $body$;",
			[]string{"CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql", "DO $body$ BEGIN PERFORM 1; END $body$"}},
		{"positional params are not dollar quotes", "PREPARE p AS SELECT $1; SELECT 2;", []string{"PREPARE p AS SELECT $1", "SELECT 2"}},
		{"begin atomic", "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; SELECT 2; END; SELECT 3;",
			[]string{"CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; SELECT 2; END", "SELECT 3"}},
		{"rule actions in parentheses", "CREATE RULE r AS ON DELETE TO t DO ( DELETE FROM a WHERE (a.id = old.id);\n DELETE FROM b;\n);\nSELECT (1);",
			[]string{"CREATE RULE r AS ON DELETE TO t DO ( DELETE FROM a WHERE (a.id = old.id);\n DELETE FROM b;\n)", "SELECT (1)"}},
		{"only comments", "-- nothing\n/* here */\n", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stmts, err := splitStatements("f.sql", c.src, 0, lineAt0(c.src))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range stmts {
				got = append(got, s.SQL)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %q\nwant %q", got, c.want)
			}
		})
	}
}

func lineAt0(src string) func(int) int {
	idx := lineIndex(src)
	return func(off int) int { return lineAt(idx, off) }
}

func TestSplitStatementsLines(t *testing.T) {
	src := "-- header\n\nCREATE TABLE a (x int);\n\n  CREATE TABLE b (\n  y int\n);\n"
	stmts, err := splitStatements("f.sql", src, 0, lineAt0(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(stmts) != 2 || stmts[0].Line != 3 || stmts[1].Line != 5 {
		t.Fatalf("got %+v", stmts)
	}
	if got := stmts[1].FirstLine(); got != "CREATE TABLE b ( …" {
		t.Errorf("FirstLine = %q", got)
	}
}

func TestSplitStatementsUnterminated(t *testing.T) {
	for _, src := range []string{"SELECT 'abc", `SELECT "abc`, "SELECT $$ abc", "/* abc"} {
		if _, err := splitStatements("f.sql", src, 0, lineAt0(src)); err == nil {
			t.Errorf("%q: no error", src)
		}
	}
}
