package migrate_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/migrate"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

func tables(t *testing.T, pool *pgxpool.Pool) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func mustNew(t *testing.T, db migrate.Conn, fsys fstest.MapFS, opts migrate.Options) *migrate.Migrator {
	t.Helper()
	m, err := migrate.New(db, fsys, opts)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestFormatsUpDown applies and reverts the same two migrations written
// in every format, one of them outside a transaction.
func TestFormatsUpDown(t *testing.T) {
	dirs := map[string]fstest.MapFS{
		migrate.FormatGolangMigrate: {
			"000001_users.up.sql":   file("CREATE TABLE users (id int);\n"),
			"000001_users.down.sql": file("DROP TABLE users;\n"),
			"000002_index.up.sql":   file("-- cpcgen:no-transaction\nCREATE INDEX CONCURRENTLY users_id_idx ON users (id);\n"),
			"000002_index.down.sql": file("DROP INDEX users_id_idx;\n"),
		},
		migrate.FormatGoose: {
			"000001_users.sql": file("-- +goose Up\nCREATE TABLE users (id int);\n-- +goose Down\nDROP TABLE users;\n"),
			"000002_index.sql": file("-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY users_id_idx ON users (id);\n-- +goose Down\nDROP INDEX users_id_idx;\n"),
		},
		migrate.FormatFlyway: {
			"V1__users.sql": file("CREATE TABLE users (id int);\n"),
			"U1__users.sql": file("DROP TABLE users;\n"),
			"V2__index.sql": file("CREATE INDEX users_id_idx ON users (id);\n"),
			"U2__index.sql": file("DROP INDEX users_id_idx;\n"),
		},
		migrate.FormatDbmate: {
			"000001_users.sql": file("-- migrate:up\nCREATE TABLE users (id int);\n-- migrate:down\nDROP TABLE users;\n"),
			"000002_index.sql": file("-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY users_id_idx ON users (id);\n-- migrate:down\nDROP INDEX users_id_idx;\n"),
		},
		migrate.FormatAtlas: {
			"000001_users.sql": file("CREATE TABLE users (id int);\n"),
			"000002_index.sql": file("-- atlas:txmode none\nCREATE INDEX CONCURRENTLY users_id_idx ON users (id);\n"),
		},
	}
	for _, f := range migrate.Formats {
		if dirs[f.Name] == nil {
			t.Errorf("format %s has no directory here", f.Name)
		}
	}
	for format, fsys := range dirs {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			pool := pgtest.Pool(t)
			ctx := context.Background()
			var lines []string
			m := mustNew(t, pool, fsys, migrate.Options{Format: format, OnApply: func(a migrate.Applied) {
				lines = append(lines, fmt.Sprintf("%d %s down=%v", a.Version, a.File, a.Down))
			}})
			applied, err := m.Up(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(applied) != 2 || len(lines) != 2 {
				t.Fatalf("applied %+v, reported %q", applied, lines)
			}
			var idx int
			if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_indexes WHERE indexname = 'users_id_idx'`).Scan(&idx); err != nil || idx != 1 {
				t.Fatalf("index: %d %v", idx, err)
			}
			again, err := m.Up(ctx)
			if err != nil || len(again) != 0 {
				t.Fatalf("second Up: %v %v", again, err)
			}
			st, err := m.Status(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(st) != 2 || st[0].Revision == nil || st[1].Revision == nil || st[0].Changed {
				t.Fatalf("status: %+v", st)
			}
			if format == migrate.FormatAtlas {
				if _, err := m.Down(ctx, 1); err == nil || !strings.Contains(err.Error(), "no down migration") {
					t.Fatalf("down on atlas: %v", err)
				}
				return
			}
			down, err := m.Down(ctx, 2)
			if err != nil {
				t.Fatal(err)
			}
			if len(down) != 2 || down[0].Version != 2 || !down[0].Down {
				t.Fatalf("down: %+v", down)
			}
			if got := tables(t, pool); strings.Join(got, ",") != "cpcgen_migrations,cpcgen_migrations_claims" {
				t.Fatalf("tables after down: %v", got)
			}
		})
	}
}

// TestUpTo applies up to a version, then the rest.
func TestUpTo(t *testing.T) {
	pool := pgtest.Pool(t)
	ctx := context.Background()
	fsys := fstest.MapFS{}
	for i := 1; i <= 4; i++ {
		fsys[fmt.Sprintf("%06d_t%d.up.sql", i, i)] = file(fmt.Sprintf("CREATE TABLE t%d (x int);", i))
	}
	m := mustNew(t, pool, fsys, migrate.Options{Table: "schema_versions"})
	if got, err := m.UpTo(ctx, 2); err != nil || len(got) != 2 {
		t.Fatalf("UpTo(2): %v %v", got, err)
	}
	if got := tables(t, pool); strings.Join(got, ",") != "schema_versions,schema_versions_claims,t1,t2" {
		t.Fatalf("tables: %v", got)
	}
	if _, err := m.UpTo(ctx, 7); err == nil {
		t.Fatal("UpTo of an unknown version succeeded")
	}
	if got, err := m.Up(ctx); err != nil || len(got) != 2 || got[0].Version != 3 {
		t.Fatalf("Up: %v %v", got, err)
	}
}

// TestConcurrentUp runs 8 deployers against one database at once, each
// with its own pool: every migration, including one that runs outside a
// transaction, is applied exactly once, and every deployer succeeds.
func TestConcurrentUp(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	fsys := fstest.MapFS{
		"000001_log.up.sql": file("CREATE TABLE log (version int NOT NULL);\nINSERT INTO log VALUES (1);\n"),
	}
	for v := 2; v <= 10; v++ {
		sql := fmt.Sprintf("CREATE TABLE t%d (x int);\nINSERT INTO log VALUES (%d);\nSELECT pg_sleep(0.01);\n", v, v)
		if v == 6 {
			// Outside a transaction: the claim protocol, not the lock,
			// keeps it exactly-once.
			sql = "-- cpcgen:no-transaction\nCREATE INDEX CONCURRENTLY log_version_idx ON log (version);\nINSERT INTO log VALUES (6);\n"
		}
		fsys[fmt.Sprintf("%06d_step%d.up.sql", v, v)] = file(sql)
	}
	const deployers = 8
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		applied = map[int64]int{}
		errs    []error
	)
	start := make(chan struct{})
	for i := 0; i < deployers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pool, err := pgxpool.New(ctx, url)
			if err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
				return
			}
			defer pool.Close()
			m, err := migrate.New(pool, fsys, migrate.Options{})
			if err == nil {
				<-start
				var got []migrate.Applied
				got, err = m.Up(ctx)
				mu.Lock()
				for _, a := range got {
					applied[a.Version]++
				}
				mu.Unlock()
			}
			if err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	close(start)
	wg.Wait()
	if len(errs) > 0 {
		t.Fatalf("%d deployer(s) failed, first: %v", len(errs), errs[0])
	}
	for v := int64(1); v <= 10; v++ {
		if applied[v] != 1 {
			t.Errorf("migration %d reported applied %d times", v, applied[v])
		}
	}
	check, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer check.Close()
	var logged, distinct, revisions, claims int
	if err := check.QueryRow(ctx, `SELECT count(*), count(DISTINCT version) FROM log`).Scan(&logged, &distinct); err != nil {
		t.Fatal(err)
	}
	if err := check.QueryRow(ctx, `SELECT count(*) FROM cpcgen_migrations`).Scan(&revisions); err != nil {
		t.Fatal(err)
	}
	if err := check.QueryRow(ctx, `SELECT count(*) FROM cpcgen_migrations_claims`).Scan(&claims); err != nil {
		t.Fatal(err)
	}
	if logged != 10 || distinct != 10 || revisions != 10 || claims != 0 {
		t.Fatalf("log rows %d (distinct %d), revisions %d, claims %d; want 10, 10, 10, 0", logged, distinct, revisions, claims)
	}
}

// TestFailingStatement: a migration whose second of three statements
// fails leaves nothing behind, records no revision, and says which file,
// statement and server message.
func TestFailingStatement(t *testing.T) {
	pool := pgtest.Pool(t)
	ctx := context.Background()
	fsys := fstest.MapFS{
		"000001_users.up.sql": file("CREATE TABLE users (id int PRIMARY KEY);\n"),
		"000002_orders.up.sql": file("-- orders and their totals\nCREATE TABLE orders (id int PRIMARY KEY);\n\nUPDATE users\n  SET id = totl;\n" +
			"CREATE TABLE order_items (id int);\n"),
		"000003_more.up.sql": file("CREATE TABLE more (id int);\n"),
	}
	m := mustNew(t, pool, fsys, migrate.Options{})
	applied, err := m.Up(ctx)
	if len(applied) != 1 || applied[0].Version != 1 {
		t.Fatalf("applied %+v", applied)
	}
	var se *migrate.StatementError
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T) is not a *StatementError", err, err)
	}
	if se.File != "000002_orders.up.sql" || se.Index != 1 || se.Line != 4 || se.ErrLine != 5 {
		t.Errorf("StatementError %+v", se)
	}
	var dbErr *runtime.DbError
	var pgErr *pgconn.PgError
	if !errors.As(err, &dbErr) || !errors.As(err, &pgErr) || pgErr.Code != "42703" {
		t.Errorf("error does not wrap a DbError and the PgError 42703: %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"000002_orders.up.sql:4", "statement 2", `UPDATE users`, `column "totl" does not exist`, "42703", "line 5, column"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if got := tables(t, pool); strings.Join(got, ",") != "cpcgen_migrations,cpcgen_migrations_claims,users" {
		t.Errorf("tables after the failure: %v", got)
	}
	st, err := m.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st[0].Revision == nil || st[1].Revision != nil || st[2].Revision != nil {
		t.Errorf("revisions after the failure: %+v", st)
	}
}

// TestValidateFailureHint: a constraint added NOT VALID that the rows
// already there break fails at its VALIDATE CONSTRAINT with the message
// saying what to do; once the rows are corrected, the next run applies
// the file.
func TestValidateFailureHint(t *testing.T) {
	pool := pgtest.Pool(t)
	ctx := context.Background()
	fsys := fstest.MapFS{
		"000001_users.up.sql": file("CREATE TABLE users (id int PRIMARY KEY, email text);\nINSERT INTO users VALUES (1, NULL), (2, 'b@example.com');\n"),
		"000002_email.up.sql": file(`ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;` + "\n"),
		"000003_email_validate.up.sql": file(`ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;` + "\n" +
			`ALTER TABLE users ALTER COLUMN email SET NOT NULL;` + "\n"),
	}
	m := mustNew(t, pool, fsys, migrate.Options{})
	applied, err := m.Up(ctx)
	if len(applied) != 2 || err == nil {
		t.Fatalf("applied %+v, err %v", applied, err)
	}
	for _, want := range []string{"000003_email_validate.up.sql:1", `is violated by some row`, "23514", "earlier statement added NOT VALID", "the rows holding NULL", "run the migrations again"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q lacks %q", err, want)
		}
	}
	if _, err := pool.Exec(ctx, `UPDATE users SET email = 'a@example.com' WHERE email IS NULL`); err != nil {
		t.Fatal(err)
	}
	if applied, err := m.Up(ctx); err != nil || len(applied) != 1 {
		t.Fatalf("after the rows are corrected: applied %+v, err %v", applied, err)
	}
	// Another failure keeps PostgreSQL's message alone.
	if msg := (&migrate.StatementError{File: "f.up.sql", Statement: "UPDATE users SET id = 1", Err: &pgconn.PgError{Code: "23514", Message: "x"}}).Error(); strings.Contains(msg, "NOT VALID") {
		t.Errorf("hint on a statement that validates nothing: %s", msg)
	}
}

// TestChangedAppliedFile: editing a file after it was applied stops the
// next run before anything runs, even a pending migration.
func TestChangedAppliedFile(t *testing.T) {
	pool := pgtest.Pool(t)
	ctx := context.Background()
	fsys := fstest.MapFS{"000001_users.up.sql": file("CREATE TABLE users (id int);\n")}
	if _, err := mustNew(t, pool, fsys, migrate.Options{}).Up(ctx); err != nil {
		t.Fatal(err)
	}
	edited := fstest.MapFS{
		"000001_users.up.sql": file("CREATE TABLE users (id bigint);\n"),
		"000002_more.up.sql":  file("CREATE TABLE more (id int);\n"),
	}
	m := mustNew(t, pool, edited, migrate.Options{})
	_, err := m.Up(ctx)
	var ce *migrate.ChangedError
	if !errors.As(err, &ce) || ce.File != "000001_users.up.sql" || !strings.Contains(err.Error(), "changed after it was applied") {
		t.Fatalf("got %v, want a ChangedError on 000001_users.up.sql", err)
	}
	if got := tables(t, pool); strings.Join(got, ",") != "cpcgen_migrations,cpcgen_migrations_claims,users" {
		t.Errorf("something ran: %v", got)
	}
	if _, err := m.Down(ctx, 1); !errors.As(err, &ce) {
		t.Errorf("Down: got %v, want a ChangedError", err)
	}
	st, err := m.Status(ctx)
	if err != nil || !st[0].Changed {
		t.Errorf("status: %+v %v", st, err)
	}
}

// TestFailedNoTransaction: a no-transaction file that fails part-way
// leaves its claim with the error and how far it got. The next run
// resumes at the failed statement without running the ones before it
// again; a file edited since the failure is refused.
func TestFailedNoTransaction(t *testing.T) {
	pool := pgtest.Pool(t)
	ctx := context.Background()
	const sql = "-- cpcgen:no-transaction\nCREATE TABLE t (id int);\nCREATE INDEX CONCURRENTLY t_idx ON missing (id);\n"
	fsys := fstest.MapFS{"000001_t.up.sql": file(sql)}
	m := mustNew(t, pool, fsys, migrate.Options{})
	for run := 1; run <= 2; run++ {
		_, err := m.Up(ctx)
		var se *migrate.StatementError
		if !errors.As(err, &se) || se.Index != 1 || !strings.Contains(err.Error(), `relation "missing" does not exist`) || !strings.Contains(err.Error(), "resumes at this one") {
			t.Fatalf("run %d: got %v, want statement 2 failing on the missing table", run, err)
		}
	}
	edited := fstest.MapFS{"000001_t.up.sql": file(sql + "SELECT 1;\n")}
	_, err := mustNew(t, pool, edited, migrate.Options{}).Up(ctx)
	if err == nil || !strings.Contains(err.Error(), "stopped after 1 of its statements") || !strings.Contains(err.Error(), "DELETE FROM") {
		t.Fatalf("edited file: %v", err)
	}
	if _, err := pool.Exec(ctx, `CREATE TABLE missing (id int)`); err != nil {
		t.Fatal(err)
	}
	applied, err := m.Up(ctx)
	if err != nil || len(applied) != 1 || !applied[0].Resumed {
		t.Fatalf("the run after the repair: %+v %v", applied, err)
	}
	var claims int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM cpcgen_migrations_claims`).Scan(&claims); err != nil || claims != 0 {
		t.Fatalf("claims left: %d %v", claims, err)
	}
}

// TestUnknownRevision: a database with a migration the directory lacks
// is refused.
func TestUnknownRevision(t *testing.T) {
	pool := pgtest.Pool(t)
	ctx := context.Background()
	two := fstest.MapFS{
		"000001_a.up.sql": file("CREATE TABLE a (id int);"),
		"000002_b.up.sql": file("CREATE TABLE b (id int);"),
	}
	if _, err := mustNew(t, pool, two, migrate.Options{}).Up(ctx); err != nil {
		t.Fatal(err)
	}
	one := fstest.MapFS{"000001_a.up.sql": two["000001_a.up.sql"]}
	_, err := mustNew(t, pool, one, migrate.Options{}).Up(ctx)
	if err == nil || !strings.Contains(err.Error(), "migration 2 (b) applied") {
		t.Fatalf("got %v", err)
	}
}

// TestMixedFileRefused: a file mixing a statement that refuses a
// transaction with statements that need one is refused before anything
// of it runs.
func TestMixedFileRefused(t *testing.T) {
	pool := pgtest.Pool(t)
	ctx := context.Background()
	fsys := fstest.MapFS{
		"000001_a.up.sql": file("CREATE TABLE a (x int);\n"),
		"000002_b.up.sql": file("CREATE TABLE b (x int);\nCREATE INDEX CONCURRENTLY b_x ON b (x);\n"),
	}
	applied, err := mustNew(t, pool, fsys, migrate.Options{}).Up(ctx)
	if err == nil || len(applied) != 1 || !strings.Contains(err.Error(), "000002_b.up.sql:2: CREATE INDEX CONCURRENTLY cannot run inside a transaction") {
		t.Fatalf("got %+v, %v", applied, err)
	}
	if got := strings.Join(tables(t, pool), ","); got != "a,cpcgen_migrations,cpcgen_migrations_claims" {
		t.Fatalf("tables: %s", got)
	}
}

// TestOldClaimsTable: a claims table made before claims could be resumed
// gains its new columns; a failed claim in it, which does not say how far
// its file got, is refused with the repair to make, and once deleted the
// file runs.
func TestOldClaimsTable(t *testing.T) {
	pool := pgtest.Pool(t)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `CREATE TABLE cpcgen_migrations (version bigint PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(), duration_ms bigint NOT NULL);
CREATE TABLE cpcgen_migrations_claims (version bigint PRIMARY KEY, name text NOT NULL, claimed_by text NOT NULL,
  claimed_at timestamptz NOT NULL DEFAULT now(), failed text);
INSERT INTO cpcgen_migrations_claims (version, name, claimed_by, failed) VALUES (1, 't', 'an old runner', 'boom')`); err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{"000001_t.up.sql": file("-- cpcgen:no-transaction\nCREATE TABLE t (id int);\n")}
	m := mustNew(t, pool, fsys, migrate.Options{})
	_, err := m.Up(ctx)
	if err == nil || !strings.Contains(err.Error(), "failed part-way: boom; its claim does not say how far it got") || !strings.Contains(err.Error(), "DELETE FROM") {
		t.Fatalf("got %v", err)
	}
	if _, err := pool.Exec(ctx, `DELETE FROM cpcgen_migrations_claims`); err != nil {
		t.Fatal(err)
	}
	if applied, err := m.Up(ctx); err != nil || len(applied) != 1 {
		t.Fatalf("after the repair: %+v %v", applied, err)
	}
}
