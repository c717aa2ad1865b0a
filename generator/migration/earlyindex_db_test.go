package migration_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/generator/migration"
)

// TestSoftDeleteOffKeepsUniqueIndex takes soft_delete off a table with
// a unique index, which was partial (WHERE deleted_at IS NULL) and goes
// with the column, and runs the online plan one file at a time, up and
// then down: after every file a valid unique index over email stands,
// so a row written between two files cannot repeat an email. The index
// replacing the partial one is built before the column is dropped.
func TestSoftDeleteOffKeepsUniqueIndex(t *testing.T) {
	const base = "tables:\n  users:\n    columns:\n      id: {type: bigint, primary_key: true, identity: true}\n      email: {type: text}\n    indexes:\n      - {columns: [email], unique: true}\n"
	p := newProject(t, "golang-migrate")
	db := openDB(t)
	ctx := context.Background()
	p.setSpec([]byte(base + "    soft_delete: true\n"))
	if res := p.diff("init", true); res.Blocked {
		t.Fatal(report(res))
	}
	m := p.migrator(t, db, "golang-migrate")
	if _, err := m.Up(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.pool.Exec(ctx, `INSERT INTO users (email, deleted_at) VALUES ('a@x', now()), ('b@x', NULL)`); err != nil {
		t.Fatal(err)
	}
	p.setSpec([]byte(base))
	res := p.diffWith(migration.Options{Name: "off", AllowDestructive: true, AllowBreaking: true})
	if res.Blocked {
		t.Fatal(report(res))
	}
	// guarded fails the test unless a valid unique index keys users by
	// email alone, and a second live row of 'b@x' is refused.
	guarded := func(when string) {
		t.Helper()
		var n int
		if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM pg_index i
WHERE i.indrelid = 'users'::regclass AND i.indisunique AND i.indisvalid AND i.indnkeyatts = 1
  AND i.indkey[0] = (SELECT attnum FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'email')`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Fatalf("%s: users has no valid unique index over email\n%s", when, report(res))
		}
		_, err := db.pool.Exec(ctx, `INSERT INTO users (email) VALUES ('b@x')`)
		if err == nil || !strings.Contains(err.Error(), "23505") {
			t.Fatalf("%s: a second 'b@x' was not refused: %v", when, err)
		}
	}
	m = p.migrator(t, db, "golang-migrate")
	all := m.Migrations()
	if len(all) < 3 {
		t.Fatalf("want the plan in several files, got %d migrations\n%s", len(all), report(res))
	}
	for _, mig := range all[1:] {
		if _, err := m.UpTo(ctx, mig.Version); err != nil {
			t.Fatalf("up to %s: %v", mig.File, err)
		}
		guarded("after " + mig.File)
	}
	var name string
	if err := db.pool.QueryRow(ctx, `SELECT string_agg(indexrelname::text, ' ' ORDER BY indexrelname) FROM pg_stat_user_indexes WHERE relname = 'users'`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	if name != "users_email_key users_pkey" {
		t.Fatalf("indexes after the migration: %s", name)
	}
	for range all[2:] {
		if _, err := m.Down(ctx, 1); err != nil {
			t.Fatalf("down: %v", err)
		}
		guarded("down")
	}
	if _, err := m.Down(ctx, 1); err != nil {
		t.Fatalf("down: %v", err)
	}
	if _, err := db.pool.Exec(ctx, `INSERT INTO users (email, deleted_at) VALUES ('b@x', now())`); err != nil {
		t.Fatalf("after the down, the index is partial again: %v", err)
	}
}
