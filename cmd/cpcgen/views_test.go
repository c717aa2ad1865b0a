package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/internal/testfile"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// viewsSpec declares a table, a view over it and a materialized view
// over the view, with a unique index; query is the view's query.
func viewsSpec(query string, extra string) string {
	return `tables:
  accounts:
    columns:
      id:      {type: bigint, primary_key: true, identity: true}
      owner:   text
      balance: {type: "numeric(18,2)", default: 0}
      closed:  {type: boolean, default: false}
  open_accounts:
    view:
      depends_on: [accounts]
      sql: ` + query + `
    columns:
      id:      {type: bigint, primary_key: true}
      owner:   text
      balance: numeric
` + extra + `  owner_totals:
    view:
      materialized: true
      depends_on: [open_accounts]
      sql: SELECT owner, sum(balance) AS total FROM open_accounts GROUP BY owner
    columns:
      owner: {type: text, primary_key: true}
      total: numeric
    indexes:
      - {columns: [owner], unique: true}
`
}

// TestViewModelsMigrate takes views declared as models through
// migrations: created after the table in dependency order, checked
// green, vetted clean; then a changed query drops and creates the view
// again, with the materialized view that reads it.
func TestViewModelsMigrate(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	testfile.Write(t, dir, "schema/app.yaml", viewsSpec("SELECT id, owner, balance FROM accounts WHERE NOT closed", ""))
	live := pgtest.URL(t)
	migrateInit(t, dir, live)
	out, _ := mustRun(t, 0, "-C", dir, "check", "--url", live)
	contains(t, "check", out, "1 migration(s) applied, none pending, schema matches the migrations")
	out, _ = mustRun(t, 0, "-C", dir, "vet", "--dev-url", pgtest.Current(t).AdminURL())
	contains(t, "vet", out, "no problems")

	// A changed query and a new column.
	testfile.Write(t, dir, "schema/app.yaml", viewsSpec("SELECT id, owner, balance, balance > 100 AS rich FROM accounts WHERE NOT closed", "      rich:    boolean\n"))
	mustRun(t, 0, "-C", dir, "generate")
	mustRun(t, 0, "-C", dir, "migrate", "diff", "rich")
	ups, _ := filepath.Glob(filepath.Join(dir, "migrations", "000002_*.up.sql"))
	if len(ups) != 1 {
		t.Fatalf("migration 2: %v", ups)
	}
	up, err := os.ReadFile(ups[0])
	if err != nil {
		t.Fatal(err)
	}
	s := string(up)
	order := []string{"DROP MATERIALIZED VIEW owner_totals", "DROP VIEW open_accounts", "CREATE VIEW open_accounts", "CREATE MATERIALIZED VIEW owner_totals", "CREATE UNIQUE INDEX owner_totals_owner_key"}
	at := 0
	for _, stmt := range order {
		i := strings.Index(s[at:], stmt)
		if i < 0 {
			t.Fatalf("migration 2 lacks %q after byte %d, in order %q:\n%s", stmt, at, order, s)
		}
		at += i + len(stmt)
	}
	mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", live)
	out, _ = mustRun(t, 0, "-C", dir, "check", "--url", live)
	contains(t, "check after the change", out, "2 migration(s) applied, none pending, schema matches the migrations")
	out, _ = mustRun(t, 0, "-C", dir, "vet", "--dev-url", pgtest.Current(t).AdminURL())
	contains(t, "vet after the change", out, "no problems")

	// A declared type the query does not return is found by vet.
	testfile.Write(t, dir, "schema/app.yaml", strings.Replace(viewsSpec("SELECT id, owner, balance, balance > 100 AS rich FROM accounts WHERE NOT closed", "      rich:    boolean\n"),
		"total: numeric", "total: integer", 1))
	mustRun(t, 0, "-C", dir, "generate")
	out, _ = mustRun(t, 1, "-C", dir, "vet", "--dev-url", pgtest.Current(t).AdminURL())
	contains(t, "vet of a view column of another type", out,
		`schema/app.yaml:24:7: type mismatch: column "total" of view "owner_totals" is integer in the specs, numeric as the view's query computes it`)
}
