package migration_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// enumsOf describes every enum type of the database's public schema as
// the catalog holds it, one line each: its labels in order and its
// comment.
func enumsOf(t *testing.T, db *testDB) string {
	t.Helper()
	var s string
	err := db.pool.QueryRow(context.Background(), `
SELECT coalesce(string_agg(t.typname || ': '
    || (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid)
    || ' comment ' || coalesce(obj_description(t.oid, 'pg_type'), '-'), E'\n' ORDER BY t.typname), '')
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = 'public' AND t.typtype = 'e'`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestEnumCommentsUpAndDown: an enum type the migration makes (a new
// one, or one replaced to drop a value) has the comment the spec gives
// it, and one the down migration makes again (the dropped enum, the old
// one of a replaced enum) has its comment back, as new databases made
// from the after and before specs have. The replaced type was made
// without it, both ways, and the dropped one came back without it.
func TestEnumCommentsUpAndDown(t *testing.T) {
	for _, name := range []string{"enum_comment_dropped", "enum_comment_replaced"} {
		t.Run(name, func(t *testing.T) {
			before, after := caseSpecs(t, filepath.Join("..", "..", "testdata", "migrations", name))
			wantBefore, wantAfter := freshState(t, before, enumsOf), freshState(t, after, enumsOf)
			if strings.Contains(wantBefore, " comment -") {
				t.Fatalf("the case's enums carry no comment:\n%s", wantBefore)
			}

			p := newProject(t, "golang-migrate")
			p.setSpec(before)
			p.diff("initial", false)
			p.setSpec(after)
			p.diff("change", true)
			db := openDB(t)
			ctx := context.Background()
			m := p.migrator(t, db, "golang-migrate")
			if _, err := m.Up(ctx); err != nil {
				t.Fatalf("up: %v", err)
			}
			if d := cmp.Diff(wantAfter, enumsOf(t, db)); d != "" {
				t.Errorf("after the up migration, the enums differ from a new database's (-new +migrated):\n%s", d)
			}
			if _, err := m.Down(ctx, 1); err != nil {
				t.Fatalf("down: %v", err)
			}
			if d := cmp.Diff(wantBefore, enumsOf(t, db)); d != "" {
				t.Errorf("after the down migration, the enums differ from a new database's (-new +migrated):\n%s", d)
			}
		})
	}
}
