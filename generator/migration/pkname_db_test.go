package migration_test

import (
	"context"
	"os"
	"testing"

	"github.com/cpcgen/cpcgen/generator/migration"
	runmigrate "github.com/cpcgen/cpcgen/runtime/migrate"
)

// TestPrimaryKeyNameMigrates creates a table whose primary key has a name
// of its own (primary_key_name:), changes the name, then drops the
// setting, running each migration on PostgreSQL: the key has the name
// the spec gives after each, the rest of the table is left alone, and
// every down migration gives the previous name back.
func TestPrimaryKeyNameMigrates(t *testing.T) {
	spec := func(name string) []byte {
		s := "tables:\n  firms:\n    columns:\n      id: {type: bigint, primary_key: true, identity: true}\n      name: text\n"
		if name != "" {
			s += "    primary_key_name: " + name + "\n"
		}
		return []byte(s)
	}
	p := newProject(t, "golang-migrate")
	db := openDB(t)
	ctx := context.Background()
	pkName := func() string {
		t.Helper()
		var n string
		if err := db.pool.QueryRow(ctx, `SELECT conname FROM pg_constraint WHERE conrelid = 'firms'::regclass AND contype = 'p'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	steps := []struct{ spec, want string }{{"companies_pkey", "companies_pkey"}, {"firms_pk", "firms_pk"}, {"", "firms_pkey"}}
	for i, st := range steps {
		p.setSpec(spec(st.spec))
		res := p.diff(st.want, false)
		if res.Blocked || res.Planned.Empty() {
			t.Fatalf("step %d: %s", i, report(res))
		}
		m, err := runmigrate.New(db.pool, os.DirFS(p.migrationsDir()), runmigrate.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Up(ctx); err != nil {
			t.Fatalf("step %d up: %v", i, err)
		}
		if got := pkName(); got != st.want {
			t.Fatalf("step %d: primary key %q, want %q\n%s", i, got, st.want, report(res))
		}
		dir, err := migration.ReadDir(p.root, "migrations", "golang-migrate")
		if err != nil {
			t.Fatal(err)
		}
		if left, err := migration.Uncovered(p.build(), dir); err != nil || len(left) > 0 {
			t.Fatalf("step %d: uncovered %q %v", i, left, err)
		}
	}
	m, err := runmigrate.New(db.pool, os.DirFS(p.migrationsDir()), runmigrate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := len(steps) - 1; i > 0; i-- {
		if _, err := m.Down(ctx, 1); err != nil {
			t.Fatalf("down from step %d: %v", i, err)
		}
		if got := pkName(); got != steps[i-1].want {
			t.Fatalf("down from step %d: primary key %q, want %q", i, got, steps[i-1].want)
		}
	}
}
