package migrate_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cpcgen/cpcgen/runtime/migrate"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// TestInvalidIndexDuplicates: CREATE UNIQUE INDEX CONCURRENTLY over
// duplicate rows fails and leaves an invalid index behind, which IF NOT
// EXISTS would then silently keep. Once the duplicates are gone, the next
// run drops it and builds a valid one that enforces uniqueness.
func TestInvalidIndexDuplicates(t *testing.T) {
	url := pgtest.URL(t)
	pool := newPool(t, url)
	ctx := context.Background()
	mustExec(t, pool, `CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL);
INSERT INTO users SELECT g, 'u' || g || '@example.com' FROM generate_series(1, 2000) g;
UPDATE users SET email = 'u1@example.com' WHERE id = 2`)
	fsys := fstest.MapFS{
		"000001_email.up.sql":   file("-- cpcgen:no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email);\n"),
		"000001_email.down.sql": file("DROP INDEX CONCURRENTLY IF EXISTS users_email_key;\n"),
	}
	rec := newLogRecorder()
	m := mustNew(t, pool, fsys, migrate.Options{Logger: slog.New(rec)})
	_, err := m.Up(ctx)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "23505" {
		t.Fatalf("got %v, want a unique violation", err)
	}
	if valid, exists := indexState(t, pool, "users_email_key"); !exists || valid {
		t.Fatalf("after the failed build the index exists %v, valid %v; want an invalid one", exists, valid)
	}
	mustExec(t, pool, `UPDATE users SET email = 'u2@example.com' WHERE id = 2`)
	applied, err := m.Up(ctx)
	if err != nil || len(applied) != 1 || !applied[0].Resumed {
		t.Fatalf("the run after the repair: %+v %v", applied, err)
	}
	if valid, exists := indexState(t, pool, "users_email_key"); !exists || !valid {
		t.Fatalf("after the next run the index exists %v, valid %v", exists, valid)
	}
	_, err = pool.Exec(ctx, `INSERT INTO users VALUES (9999, 'u1@example.com')`)
	if !errors.As(err, &pgErr) || pgErr.Code != "23505" || pgErr.ConstraintName != "users_email_key" {
		t.Errorf("the rebuilt index does not enforce uniqueness: %v", err)
	}
	if !strings.Contains(rec.all(), "dropped an invalid index") {
		t.Errorf("no record of the invalid index dropped:\n%s", rec.all())
	}
	// The down part runs outside a transaction too (a lone DROP INDEX
	// CONCURRENTLY needs no directive).
	if !m.Migrations()[0].Down.NoTransaction {
		t.Error("the down file of one DROP INDEX CONCURRENTLY runs in a transaction")
	}
	if _, err := m.Down(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if _, exists := indexState(t, pool, "users_email_key"); exists {
		t.Error("the down migration left the index")
	}
}

// TestInvalidIndexCanceledBuild: a concurrent build canceled while it
// waits (an operator's pg_cancel_backend, a deploy killed) leaves an
// invalid index; the next run detects it, drops it and builds it again.
func TestInvalidIndexCanceledBuild(t *testing.T) {
	pool, b, fsys := heldIndexBuild(t, 5000)
	ctx := context.Background()
	opts := migrate.Options{LockTimeout: -1}
	m := mustNew(t, pool, fsys, opts)
	done := make(chan error, 1)
	go func() {
		_, err := m.Up(ctx)
		done <- err
	}()
	var pid int
	waitUntil(t, "the build waits for the writer", func() bool {
		_ = pool.QueryRow(ctx, `SELECT coalesce(max(pid), 0) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%CREATE INDEX CONCURRENTLY orders_status_idx%'`).Scan(&pid)
		return pid != 0
	})
	if valid, exists := indexState(t, pool, "orders_status_idx"); !exists || valid {
		t.Fatalf("while the build waits the index exists %v, valid %v", exists, valid)
	}
	mustExec(t, pool, `SELECT pg_cancel_backend($1)`, pid)
	err := <-done
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "57014" {
		t.Fatalf("got %v, want the build canceled", err)
	}
	if valid, exists := indexState(t, pool, "orders_status_idx"); !exists || valid {
		t.Fatalf("after the cancel the index exists %v, valid %v; want an invalid one", exists, valid)
	}
	b.release(t)
	resumeBuilds(t, pool, fsys, opts, "orders_status_idx")
}

// TestInvalidIndexWithoutClaim: an invalid index that no claim accounts
// for (a build run by hand, a claim deleted by an operator) is dropped
// and built again by the migration that creates it.
func TestInvalidIndexWithoutClaim(t *testing.T) {
	url := pgtest.URL(t)
	pool := newPool(t, url)
	ctx := context.Background()
	mustExec(t, pool, `CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL);
INSERT INTO users VALUES (1, 'a'), (2, 'a')`)
	if _, err := pool.Exec(ctx, `CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email)`); err == nil {
		t.Fatal("the build over duplicates succeeded")
	}
	mustExec(t, pool, `DELETE FROM users WHERE id = 2`)
	fsys := fstest.MapFS{"000001_email.up.sql": file("CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);\n")}
	applied, err := mustNew(t, pool, fsys, migrate.Options{}).Up(ctx)
	if err != nil || len(applied) != 1 || applied[0].Resumed {
		t.Fatalf("Up: %+v %v", applied, err)
	}
	if valid, exists := indexState(t, pool, "users_email_key"); !exists || !valid {
		t.Fatalf("the index exists %v, valid %v", exists, valid)
	}
}

// TestStaleClaim: a claim whose owner stopped refreshing it and runs no
// statement (a deployer killed during its build) is taken over by the
// next run, which resumes at the statement not done: an invalid index is
// rebuilt, a valid one (the build finished after its client died) is
// kept. A fresh claim is waited for, not taken over.
func TestStaleClaim(t *testing.T) {
	url := pgtest.URL(t)
	pool := newPool(t, url)
	ctx := context.Background()
	mustExec(t, pool, `CREATE TABLE orders (id int PRIMARY KEY, status text, region text); INSERT INTO orders SELECT g, 'new', 'eu' FROM generate_series(1, 1000) g`)
	const idx1 = "CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);\n"
	const idx2 = "CREATE INDEX CONCURRENTLY orders_region_idx ON orders (region);\n"
	// Apply nothing yet, only create the runner's tables.
	if _, err := mustNew(t, pool, fstest.MapFS{}, migrate.Options{}).Up(ctx); err != nil {
		t.Fatal(err)
	}
	sum := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	// The dead deployer left an invalid index for 1 and a valid one for 2.
	mustExec(t, pool, `CREATE INDEX orders_region_idx ON orders (region)`)
	mustExec(t, pool, `CREATE INDEX orders_status_idx ON orders (status); UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'orders_status_idx'::regclass`)
	mustExec(t, pool, `INSERT INTO cpcgen_migrations_claims (version, name, claimed_by, checksum, done, tag, heartbeat_at)
VALUES (1, 'status', 'a deployer that died', $1, 0, 'deadbeef', now() - interval '2 hours'),
       (2, 'region', 'a deployer that died', $2, 0, 'deadbeef', now() - interval '2 hours')`, sum(idx1), sum(idx2))

	fresh := fstest.MapFS{"000001_status.up.sql": file(idx1), "000002_region.up.sql": file(idx2), "000003_x.up.sql": file("VACUUM orders;\n")}
	rec := newLogRecorder()
	m := mustNew(t, pool, fresh, migrate.Options{ClaimTimeout: time.Hour, PollInterval: 20 * time.Millisecond, Logger: slog.New(rec)})
	applied, err := m.UpTo(ctx, 2)
	if err != nil || len(applied) != 2 || !applied[0].Resumed || !applied[1].Resumed {
		t.Fatalf("applied %+v, %v; want 1 and 2 resumed", applied, err)
	}
	// A fresh claim is waited for.
	mustExec(t, pool, `INSERT INTO cpcgen_migrations_claims (version, name, claimed_by, checksum, done, tag, heartbeat_at) VALUES (3, 'x', 'a live deployer', 'x', 0, 'cafe', now())`)
	wctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if applied, err := m.Up(wctx); !errors.Is(err, context.DeadlineExceeded) || len(applied) != 0 {
		t.Fatalf("fresh claim: %+v %v", applied, err)
	}
	var by string
	if err := pool.QueryRow(ctx, `SELECT claimed_by FROM cpcgen_migrations_claims WHERE version = 3`).Scan(&by); err != nil || by != "a live deployer" {
		t.Fatalf("the fresh claim is now %q (%v)", by, err)
	}
	for _, name := range []string{"orders_status_idx", "orders_region_idx"} {
		if valid, exists := indexState(t, pool, name); !exists || !valid {
			t.Errorf("index %s exists %v, valid %v", name, exists, valid)
		}
	}
	logs := rec.all()
	if !strings.Contains(logs, "showed no sign of life") || !strings.Contains(logs, "the interrupted run built it") || !strings.Contains(logs, "dropped an invalid index") {
		t.Errorf("log:\n%s", logs)
	}
}
