package migration_test

import (
	"context"
	"fmt"
	"os"
	"strings"
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
	// spec declares firms with the key name name, keyed by id, or by id
	// and name when name ends in "_2".
	spec := func(name string) []byte {
		s := "tables:\n  firms:\n    columns:\n      id: {type: bigint, identity: true}\n      name: text\n"
		if strings.HasSuffix(name, "_2") {
			s += "    primary_key: [id, name]\n"
		} else {
			s += "    primary_key: [id]\n"
		}
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
	steps := []struct{ spec, want string }{{"companies_pkey", "companies_pkey"}, {"firms_pk", "firms_pk"}, {"firms_pk_2", "firms_pk_2"}, {"", "firms_pkey"}}
	files := make([]int, len(steps)) // migrations each step wrote
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
		applied, err := m.Up(ctx)
		if err != nil {
			t.Fatalf("step %d up: %v", i, err)
		}
		files[i] = len(applied)
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
		if _, err := m.Down(ctx, files[i]); err != nil {
			t.Fatalf("down from step %d: %v", i, err)
		}
		if got := pkName(); got != steps[i-1].want {
			t.Fatalf("down from step %d: primary key %q, want %q", i, got, steps[i-1].want)
		}
	}
}

// TestDeferrableForeignKeyMigrates makes a foreign key deferrable, then
// changes its ON DELETE action, which Atlas plans as dropping the key
// and adding it again, then makes it not deferrable, running each
// migration on PostgreSQL: the key is deferrable exactly when the spec
// says so after each, and every down migration gives the previous state
// back.
func TestDeferrableForeignKeyMigrates(t *testing.T) {
	spec := func(extra string) []byte {
		return []byte("tables:\n  firms:\n    columns:\n      id: {type: bigint, primary_key: true}\n" +
			"  staff:\n    columns:\n      id: {type: bigint, primary_key: true}\n      firm_id: {type: bigint, references: firms.id" + extra + "}\n")
	}
	p := newProject(t, "golang-migrate")
	db := openDB(t)
	ctx := context.Background()
	state := func() string {
		t.Helper()
		var deferrable, deferred bool
		var del string
		if err := db.pool.QueryRow(ctx, `SELECT condeferrable, condeferred, confdeltype::text FROM pg_constraint WHERE conname = 'staff_firm_id_fkey'`).Scan(&deferrable, &deferred, &del); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("deferrable=%v deferred=%v on_delete=%s", deferrable, deferred, del)
	}
	steps := []struct{ extra, want string }{
		{"", "deferrable=false deferred=false on_delete=a"},
		{", deferrable: deferred", "deferrable=true deferred=true on_delete=a"},
		{", deferrable: deferred, on_delete: cascade", "deferrable=true deferred=true on_delete=c"},
		{", on_delete: cascade", "deferrable=false deferred=false on_delete=c"},
	}
	// files[i] is how many migrations step i wrote (a lock-safe plan
	// validates the new key in one of its own).
	files := make([]int, len(steps))
	for i, st := range steps {
		p.setSpec(spec(st.extra))
		res := p.diff(fmt.Sprintf("step%d", i), true)
		if res.Blocked || res.Planned.Empty() {
			t.Fatalf("step %d: %s", i, report(res))
		}
		m, err := runmigrate.New(db.pool, os.DirFS(p.migrationsDir()), runmigrate.Options{})
		if err != nil {
			t.Fatal(err)
		}
		applied, err := m.Up(ctx)
		if err != nil {
			t.Fatalf("step %d up: %v", i, err)
		}
		files[i] = len(applied)
		if got := state(); got != st.want {
			t.Fatalf("step %d: %s, want %s\n%s", i, got, st.want, report(res))
		}
	}
	m, err := runmigrate.New(db.pool, os.DirFS(p.migrationsDir()), runmigrate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := len(steps) - 1; i > 0; i-- {
		if _, err := m.Down(ctx, files[i]); err != nil {
			t.Fatalf("down from step %d: %v", i, err)
		}
		if got := state(); got != steps[i-1].want {
			t.Fatalf("down from step %d: %s, want %s", i, got, steps[i-1].want)
		}
	}
}
