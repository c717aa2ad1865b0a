package migration

import (
	"strings"
	"testing"
)

// TestCreatedTables reads the tables an object's statements create.
func TestCreatedTables(t *testing.T) {
	for sql, want := range map[string]string{
		`CREATE TABLE legacy (id int)`: "legacy",
		`create unlogged table if not exists "Odd Name" (id int); COMMENT ON TABLE "Odd Name" IS 'x'`: `"Odd Name"`,
		`CREATE TEMP TABLE a (x int); CREATE TABLE app.b PARTITION OF app.p DEFAULT`:                  "a app.b",
		`CREATE TABLE t2 AS SELECT 1`: "t2",
		`CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$ CREATE TABLE x (y int) $$`: "",
		`ALTER TABLE t ADD COLUMN c int; CREATE INDEX ON t (c)`:                         "",
		`-- CREATE TABLE commented (x int)
CREATE VIEW v AS SELECT 'CREATE TABLE s'`: "",
	} {
		if got := strings.Join(createdTables(sql), " "); got != want {
			t.Errorf("createdTables(%q) = %q, want %q", sql, got, want)
		}
	}
}

// TestUnchecked turns PostgreSQL's check of LANGUAGE sql bodies off
// around a function made again as it was, but not around one with a
// BEGIN ATOMIC body, which is parsed whatever the setting: a string
// body whose text holds the words BEGIN ATOMIC (the pattern match took
// it for one, and left the check on) gets the setting.
func TestUnchecked(t *testing.T) {
	off := func(sql string) string {
		return "SET check_function_bodies = off;\n" + sql + ";\nRESET check_function_bodies"
	}
	for _, sql := range []string{
		"CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT n FROM t -- not BEGIN ATOMIC\n $$",
		"CREATE FUNCTION f() RETURNS text LANGUAGE sql AS 'SELECT ''BEGIN ATOMIC'' FROM t'",
	} {
		if got := unchecked(sql); got != off(sql) {
			t.Errorf("unchecked(%q) = %q, want the check off around it", sql, got)
		}
	}
	for _, sql := range []string{
		"CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT n FROM t; END",
		"CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$",
	} {
		if got := unchecked(sql); got != sql {
			t.Errorf("unchecked(%q) = %q, want it as it is", sql, got)
		}
	}
}
