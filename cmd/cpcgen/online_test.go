package main

import (
	"testing"

	"github.com/cpcgen/cpcgen/internal/testfile"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// TestDiffRewriteSize refuses a column type change that rewrites a table,
// with the table's size read from the database of --url, and writes it
// with --allow-rewrite; online: false reports it without refusing.
func TestDiffRewriteSize(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	writeUsers(t, dir, "karma: {type: integer, default: 0}")
	url := pgtest.URL(t)
	migrateInit(t, dir, url)
	pgtest.Exec(t, url, `INSERT INTO users (email) SELECT 'u' || g || '@example.com' FROM generate_series(1, 5000) g`, `ANALYZE users`)

	writeUsers(t, dir, "karma: {type: bigint, default: 0}")
	mustRun(t, 0, "-C", dir, "generate")
	_, errOut := mustRun(t, 2, "-C", dir, "migrate", "diff", "widen_karma", "--url", url)
	contains(t, "refusal", errOut, `table-rewrite (CPC401): changing type of "users"."karma" from integer to bigint rewrites table "users" under an ACCESS EXCLUSIVE lock`,
		`("users" holds about 5,000 rows, `, "1 rewriting a table (--allow-rewrite)")
	_, errOut = mustRun(t, 2, "-C", dir, "migrate", "diff", "widen_karma")
	contains(t, "refusal without a database", errOut, "(run it with --url to see the table's size)")

	// online: false reports it and writes the migration.
	testfile.Write(t, dir, "cpcgen.yaml", "version: 1\npackage: {name: appdb, dir: ./internal/appdb}\nspecs: [./schema/*.yaml]\nmigrations: {dir: ./migrations, format: golang-migrate, online: false}\n")
	_, errOut = mustRun(t, 0, "-C", dir, "migrate", "diff", "widen_karma", "--url", url)
	contains(t, "offline report", errOut, "table-rewrite (CPC401)")
	mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", url)
}
