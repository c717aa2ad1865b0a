package migrate_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/cpcgen/cpcgen/runtime/migrate"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// TestMigrationKilledMidFile terminates the migrating connection while its
// file is half done: the file's earlier statements must be rolled back,
// no revision recorded, and the next Up must apply the file completely.
func TestMigrationKilledMidFile(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t)
	if _, err := pool.Exec(ctx, `CREATE TABLE hold (on_purpose int); INSERT INTO hold VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{
		"000001_users.up.sql": file("CREATE TABLE users (id int PRIMARY KEY);\n"),
		// The second file sleeps while the table hold has a row: long enough
		// for the test to kill it after its first two statements ran.
		"000002_orders.up.sql": file("CREATE TABLE orders (id int PRIMARY KEY);\nINSERT INTO users VALUES (1);\n" +
			"SELECT pg_sleep(60) FROM hold;\nCREATE TABLE order_items (id int);\n"),
	}
	m := mustNew(t, pool, fsys, migrate.Options{})
	done := make(chan error, 1)
	go func() {
		_, err := m.Up(ctx)
		done <- err
	}()
	var pid int
	deadline := time.Now().Add(30 * time.Second)
	for pid == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the migration never reached its sleep")
		}
		time.Sleep(10 * time.Millisecond)
		pool.QueryRow(ctx, `SELECT coalesce(max(pid), 0) FROM pg_stat_activity WHERE wait_event = 'PgSleep'`).Scan(&pid)
	}
	var killed bool
	if err := pool.QueryRow(ctx, `SELECT pg_terminate_backend($1)`, pid).Scan(&killed); err != nil || !killed {
		t.Fatalf("terminate the migrating backend: %v %v", killed, err)
	}
	err := <-done
	if err == nil {
		t.Fatal("Up succeeded although its connection was killed")
	}
	if got := strings.Join(tables(t, pool), ","); got != "cpcgen_migrations,cpcgen_migrations_claims,hold,users" {
		t.Fatalf("tables after the kill: %s", got)
	}
	var users int
	pool.QueryRow(ctx, `SELECT count(*) FROM users`).Scan(&users)
	st, serr := m.Status(ctx)
	if serr != nil {
		t.Fatal(serr)
	}
	if st[0].Revision == nil || st[1].Revision != nil || users != 0 {
		t.Fatalf("after the kill: revisions %+v, %d users", st, users)
	}
	t.Logf("injected: pg_terminate_backend on the migrating connection in the third statement of 000002; observed: %v; schema and revisions as before the file", err)

	if _, err := pool.Exec(ctx, `DELETE FROM hold`); err != nil {
		t.Fatal(err)
	}
	applied, err := m.Up(ctx)
	if err != nil || len(applied) != 1 || applied[0].Version != 2 {
		t.Fatalf("the next Up: %+v %v", applied, err)
	}
	if got := strings.Join(tables(t, pool), ","); got != "cpcgen_migrations,cpcgen_migrations_claims,hold,order_items,orders,users" {
		t.Fatalf("tables after the next Up: %s", got)
	}
}
