package migration_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// domainsOf describes every domain of the database's public schema as
// the catalog holds it: data type, default, NOT NULL, each check by
// name with its definition, and the comment.
func domainsOf(t *testing.T, db *testDB) string {
	t.Helper()
	rows, err := db.pool.Query(context.Background(), `
SELECT t.typname || ': ' || format_type(t.typbasetype, t.typtypmod)
  || ' default ' || coalesce(t.typdefault, '-') || CASE WHEN t.typnotnull THEN ' not null' ELSE '' END
  || ' comment ' || coalesce(obj_description(t.oid, 'pg_type'), '-')
  || coalesce((SELECT ' ' || string_agg(c.conname || ' ' || pg_get_constraintdef(c.oid), ', ' ORDER BY c.conname)
               FROM pg_constraint c WHERE c.contypid = t.oid), '')
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = 'public' AND t.typtype = 'd' ORDER BY t.typname`)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, "\n")
}

// caseSpecs reads the before and after specs of the migration case in
// dir.
func caseSpecs(t *testing.T, dir string) (before, after []byte) {
	t.Helper()
	before, err := os.ReadFile(filepath.Join(dir, "before.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	after, err = os.ReadFile(filepath.Join(dir, "after.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return before, after
}

// freshState applies spec's first migration to a new database and
// returns what describe says of it.
func freshState(t *testing.T, spec []byte, describe func(*testing.T, *testDB) string) string {
	t.Helper()
	p := newProject(t, "golang-migrate")
	p.setSpec(spec)
	p.diff("initial", false)
	db := openDB(t)
	if _, err := p.migrator(t, db, "golang-migrate").Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	return describe(t, db)
}

// TestDomainChangedInPlace: the domains of objects_domain_in_use, which
// columns use, changed in place by the up migration, are what a new
// database created from the after spec holds (check names included),
// and the down migration gives back those of the before spec, with a
// row in the table throughout.
func TestDomainChangedInPlace(t *testing.T) {
	before, after := caseSpecs(t, filepath.Join("testdata", "migrations", "objects_domain_in_use"))
	wantBefore, wantAfter := freshState(t, before, domainsOf), freshState(t, after, domainsOf)
	if wantBefore == wantAfter || !strings.Contains(wantAfter, "code_check1") {
		t.Fatalf("the case changes no domain, or not as this test expects:\n%s", wantAfter)
	}

	p := newProject(t, "golang-migrate")
	p.setSpec(before)
	p.diff("initial", false)
	p.setSpec(after)
	p.diff("change", false)
	db := openDB(t)
	ctx := context.Background()
	m := p.migrator(t, db, "golang-migrate")
	if _, err := m.UpTo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := db.pool.Exec(ctx, `INSERT INTO accounts (id, code, email, tags) VALUES (1, 'ab', 'a@b', '{x,y}')`); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatalf("up: %v", err)
	}
	if d := cmp.Diff(wantAfter, domainsOf(t, db)); d != "" {
		t.Errorf("after the up migration, the domains differ from a new database's (-new +migrated):\n%s", d)
	}
	if _, err := m.Down(ctx, 1); err != nil {
		t.Fatalf("down: %v", err)
	}
	if d := cmp.Diff(wantBefore, domainsOf(t, db)); d != "" {
		t.Errorf("after the down migration, the domains differ from a new database's (-new +migrated):\n%s", d)
	}
}
