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
