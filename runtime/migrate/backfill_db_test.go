package migrate_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cpcgen/cpcgen/runtime/migrate"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func count(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

// TestBackfill walks a table with a composite key in batches, changes
// only the rows Where selects, reports each batch, does nothing when
// called again, and refuses a changed definition under the same name and
// keys that cannot be walked.
func TestBackfill(t *testing.T) {
	pool := newPool(t, pgtest.URL(t))
	ctx := context.Background()
	mustExec(t, pool, `CREATE TABLE items (tenant int, id int, n int NOT NULL DEFAULT 0, kind text, note text,
  PRIMARY KEY (tenant, id), UNIQUE (note));
INSERT INTO items (tenant, id, kind) SELECT t, g, CASE WHEN g % 2 = 0 THEN 'a' ELSE 'b' END FROM generate_series(1, 3) t, generate_series(1, 850) g;
ANALYZE items`)
	var reports []migrate.BackfillProgress
	spec := migrate.BackfillSpec{Name: "items-n", Table: "items", Set: "n = n + 1", Where: "kind = 'a'", BatchSize: 300,
		Progress: func(p migrate.BackfillProgress) { reports = append(reports, p) }}
	p, err := migrate.Backfill(ctx, pool, spec)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Done || p.Batches != 9 || p.Rows != 1275 || p.Estimate != 2550 || len(reports) != 9 {
		t.Fatalf("progress %+v after %d reports; want 9 batches, 1275 rows, estimate 2550", p, len(reports))
	}
	for i, r := range reports {
		if r.Batches != int64(i+1) || (i < 8 && (r.Done || len(r.LastKey) != 2)) {
			t.Errorf("report %d: %+v", i, r)
		}
	}
	if got := reports[0].LastKey; got[0] != "1" || got[1] != "300" {
		t.Errorf("first batch ends at key %v, want [1 300]", got)
	}
	if bad := count(t, pool, `SELECT count(*) FROM items WHERE n <> CASE kind WHEN 'a' THEN 1 ELSE 0 END`); bad != 0 {
		t.Fatalf("%d rows changed a number of times other than once (or changed though not selected)", bad)
	}
	again, err := migrate.Backfill(ctx, pool, spec)
	if err != nil || !again.Done || again.Batches != 9 || count(t, pool, `SELECT count(*) FROM items WHERE n > 1`) != 0 {
		t.Fatalf("second call: %+v %v", again, err)
	}

	mustExec(t, pool, `CREATE TABLE copies (tenant int, id int); CREATE TABLE bare (x int); CREATE TABLE nullable (x int UNIQUE)`)
	cp, err := migrate.Backfill(ctx, pool, migrate.BackfillSpec{Name: "copy", Table: "public.items", SQL: "INSERT INTO copies SELECT tenant, id FROM batch", BatchSize: 1000})
	if err != nil || cp.Batches != 3 || cp.Rows != 2550 || count(t, pool, `SELECT count(DISTINCT (tenant, id)) FROM copies`) != 2550 {
		t.Fatalf("SQL form: %+v %v", cp, err)
	}

	for _, c := range []struct {
		spec migrate.BackfillSpec
		want string
	}{
		{migrate.BackfillSpec{Name: "items-n", Table: "items", Set: "n = n + 2"}, "started with another table, key or change"},
		{migrate.BackfillSpec{Name: "k", Table: "items", Key: []string{"id", "tenant"}, Set: "n = 0"}, "key (id, tenant) is not the column list of a unique index of table \"items\", in order; the batches need one to walk the table (unique keys without NULLs: (tenant, id))"},
		{migrate.BackfillSpec{Name: "k", Table: "nullable", Key: []string{"x"}, Set: "x = 0"}, "may hold NULLs"},
		{migrate.BackfillSpec{Name: "k", Table: "bare", Set: "x = 0"}, `table "bare" has no primary key`},
		{migrate.BackfillSpec{Name: "k", Table: "nope", Set: "x = 0"}, `table "nope" does not exist`},
		{migrate.BackfillSpec{Name: "k", Table: "items"}, "needs Set"},
		{migrate.BackfillSpec{Name: "k", Table: "items; DROP TABLE items", Set: "x = 0"}, "is not a table name"},
	} {
		_, err := migrate.Backfill(ctx, pool, c.spec)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "migrate: backfill") {
			t.Errorf("%+v: got %v, want %q", c.spec, err, c.want)
		}
	}
}

// TestBackfillLockTimeout: a batch blocked by a row lock an application
// transaction holds times out, is retried, and after its attempts stops
// with the blocker named; the batches before it stay done, and the next
// call finishes the walk.
func TestBackfillLockTimeout(t *testing.T) {
	url := pgtest.URL(t)
	pool := newPool(t, url)
	ctx := context.Background()
	mustExec(t, pool, `CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL DEFAULT 0); INSERT INTO t (id) SELECT generate_series(1, 1000)`)
	b := block(t, url, "SELECT * FROM t WHERE id = 450 FOR UPDATE")
	spec := migrate.BackfillSpec{Name: "t-n", Table: "t", Set: "n = n + 1", BatchSize: 100, LockTimeout: 100 * time.Millisecond, LockAttempts: 2, LockBackoff: 10 * time.Millisecond}
	p, err := migrate.Backfill(ctx, pool, spec)
	var le *migrate.LockTimeoutError
	if !errors.As(err, &le) || le.Attempts != 2 || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", b.pid)) || !strings.Contains(err.Error(), `backfill "t-n", the batch after key [400]`) {
		t.Fatalf("got %v, want a LockTimeoutError naming pid %d", err, b.pid)
	}
	if p.Batches != 4 || p.Done || count(t, pool, `SELECT count(*) FROM t WHERE n = 1`) != 400 {
		t.Fatalf("progress %+v", p)
	}
	b.release(t)
	p, err = migrate.Backfill(ctx, pool, spec)
	if err != nil || !p.Done || p.Rows != 1000 || count(t, pool, `SELECT count(*) FROM t WHERE n <> 1`) != 0 {
		t.Fatalf("second call: %+v %v", p, err)
	}
}

// TestBackfillDirective: a migration file's backfill directive runs its
// UPDATE in batches under the claim protocol. Canceled part-way, the
// migration resumes on the next run where the backfill stopped, every
// row changed exactly once, and the statements after it run.
func TestBackfillDirective(t *testing.T) {
	t.Run("pool", func(t *testing.T) { testBackfillDirective(t, false) })
	t.Run("single connection", func(t *testing.T) { testBackfillDirective(t, true) })
}

func testBackfillDirective(t *testing.T, single bool) {
	url := pgtest.URL(t)
	pool := newPool(t, url)
	ctx := context.Background()
	var db migrate.Conn = pool
	if single {
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		db = conn
	}
	mustExec(t, pool, `CREATE TABLE t (id int PRIMARY KEY, x int NOT NULL, y int, n int NOT NULL DEFAULT 0);
INSERT INTO t (id, x) SELECT g, g FROM generate_series(1, 5000) g`)
	fsys := fstest.MapFS{"000001_fill.up.sql": file("-- Migration 000001 fill\n\n-- cpcgen:no-transaction\n" +
		"-- fill y from x\n-- cpcgen:backfill batch=400\nUPDATE t SET y = x * 2, n = n + 1 WHERE y IS NULL;\n" +
		"ALTER TABLE t ALTER COLUMN y SET NOT NULL;\n")}
	var batches []int64
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	opts := migrate.Options{OnBackfill: func(p migrate.BackfillProgress) {
		batches = append(batches, p.Batches)
		if p.Batches == 5 {
			cancel()
		}
	}}
	_, err := mustNew(t, db, fsys, opts).Up(cctx)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "000001_fill.up.sql:6: backfill \"000001_fill.up.sql:6\": stopped after 5 batches") {
		t.Fatalf("canceled run: %v", err)
	}
	if done := count(t, pool, `SELECT count(*) FROM t WHERE n = 1`); done != 2000 || count(t, pool, `SELECT rows FROM cpcgen_migrations_backfills`) != 2000 {
		t.Fatalf("after the cancel %d rows done, want the 5 batches of 400", done)
	}
	applied, err := mustNew(t, db, fsys, opts).Up(ctx)
	if err != nil || len(applied) != 1 || !applied[0].Resumed {
		t.Fatalf("the next run: %+v %v", applied, err)
	}
	if batches[5] != 6 || batches[len(batches)-1] != 13 {
		t.Errorf("batches reported %v, want 1-5 then 6-13", batches)
	}
	if bad := count(t, pool, `SELECT count(*) FROM t WHERE n <> 1 OR y <> x * 2`); bad != 0 {
		t.Fatalf("%d rows not changed exactly once", bad)
	}
	if !columnNotNull(t, pool, "t", "y") {
		t.Error("the statement after the backfill did not run")
	}
	if left := count(t, pool, `SELECT count(*) FROM cpcgen_migrations_backfills`); left != 0 {
		t.Errorf("%d backfill progress rows left after the migration was recorded", left)
	}
}

func columnNotNull(t *testing.T, pool *pgxpool.Pool, table, column string) bool {
	t.Helper()
	return count(t, pool, `SELECT count(*) FROM information_schema.columns WHERE table_name = $1 AND column_name = $2 AND is_nullable = 'NO'`, table, column) == 1
}

// writerLoad is an application's write traffic: each worker updates a
// random row, and every tenth operation inserts a new one, one operation
// per millisecond at most, measuring the latency of each. stop ends it between operations (a write blocked by
// the change still counts, however long it waits) and returns the
// latencies.
type writerLoad struct {
	stop    func() []time.Duration
	errors  atomic.Int64
	lastErr atomic.Value
}

func startWriters(t testing.TB, pool *pgxpool.Pool, workers int, rows int64, nextID *atomic.Int64) *writerLoad {
	w := &writerLoad{}
	ctx := context.Background()
	var stopped atomic.Bool
	var wg sync.WaitGroup
	var mu sync.Mutex
	var lat []time.Duration
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			tick := time.NewTicker(time.Millisecond)
			defer tick.Stop()
			for op := 0; !stopped.Load(); op++ {
				<-tick.C
				start := time.Now()
				var err error
				if op%10 == 9 {
					_, err = pool.Exec(ctx, `INSERT INTO events (id) VALUES ($1)`, nextID.Add(1))
				} else {
					_, err = pool.Exec(ctx, `UPDATE events SET touched = touched + 1 WHERE id = $1`, 1+rand.Int64N(rows))
				}
				if err != nil {
					w.errors.Add(1)
					w.lastErr.Store(err.Error())
					continue
				}
				mine = append(mine, time.Since(start))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	w.stop = func() []time.Duration {
		stopped.Store(true)
		wg.Wait()
		return lat
	}
	return w
}

// latencySummary returns the maximum and the 99th percentile.
func latencySummary(lat []time.Duration) (maxLat, p99 time.Duration) {
	if len(lat) == 0 {
		return 0, 0
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return lat[len(lat)-1], lat[len(lat)*99/100]
}

// TestBackfillMillionResumed backfills 1,000,000 rows in batches while two
// writers update random rows and insert new ones; the backfill is
// canceled part-way (in or between batches), then resumed to the end.
// Every row is changed exactly once, no write fails, and the longest
// write is reported.
func TestBackfillMillionResumed(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000,000 rows: not in -short")
	}
	cfg, err := pgxpool.ParseConfig(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 8
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	ctx := context.Background()
	const rows = 1_000_000
	mustExec(t, pool, `CREATE TABLE events (id bigint PRIMARY KEY, n int NOT NULL DEFAULT 0, touched int NOT NULL DEFAULT 0);
INSERT INTO events (id) SELECT generate_series(1, 1000000); ANALYZE events`)
	var nextID atomic.Int64
	nextID.Store(rows)
	load := startWriters(t, pool, 2, rows, &nextID)
	defer load.stop()

	progressed := make(chan int64, 1000)
	spec := migrate.BackfillSpec{Name: "events-n", Table: "events", Set: "n = n + 1", BatchSize: 10_000, Pause: time.Millisecond,
		Progress: func(p migrate.BackfillProgress) {
			select {
			case progressed <- p.Batches:
			default:
			}
		}}
	cctx, cancel := context.WithCancel(ctx)
	go func() {
		for b := range progressed {
			if b >= 40 {
				// Cancel while the next batch may be in flight.
				time.Sleep(time.Duration(rand.IntN(20)) * time.Millisecond)
				cancel()
				return
			}
		}
	}()
	start := time.Now()
	p1, err := migrate.Backfill(cctx, pool, spec)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled call: %+v %v", p1, err)
	}
	recorded := count(t, pool, `SELECT rows FROM cpcgen_migrations_backfills WHERE name = 'events-n'`)
	if changed := count(t, pool, `SELECT count(*) FROM events WHERE n = 1`); changed != recorded || count(t, pool, `SELECT count(*) FROM events WHERE n > 1`) != 0 || recorded < 400_000 || recorded >= rows {
		t.Fatalf("after the cancel: %d rows changed once, %d recorded (call returned %+v)", changed, recorded, p1)
	}
	p2, err := migrate.Backfill(ctx, pool, spec)
	if err != nil || !p2.Done || p2.Batches <= p1.Batches {
		t.Fatalf("resumed call: %+v %v", p2, err)
	}
	elapsed := time.Since(start)
	lat := load.stop()
	if bad := count(t, pool, `SELECT count(*) FROM events WHERE id <= 1000000 AND n <> 1`); bad != 0 {
		t.Fatalf("%d of the 1,000,000 rows were not changed exactly once", bad)
	}
	if twice := count(t, pool, `SELECT count(*) FROM events WHERE n > 1`); twice != 0 {
		t.Fatalf("%d rows changed twice", twice)
	}
	if once := count(t, pool, `SELECT count(*) FROM events WHERE n = 1`); once != p2.Rows {
		t.Fatalf("%d rows changed, %d reported", once, p2.Rows)
	}
	if n := load.errors.Load(); n > 0 {
		t.Fatalf("%d writes failed during the backfill, last: %v", n, load.lastErr.Load())
	}
	maxLat, p99 := latencySummary(lat)
	t.Logf("backfill of %d rows (+%d inserted meanwhile) in %d batches of 10,000, canceled after %d and resumed: %s; writers: %d writes, p99 %s, longest %s",
		rows, nextID.Load()-rows, p2.Batches, p1.Batches, elapsed.Round(time.Millisecond), len(lat), p99, maxLat)
}

// TestRunnerTables: RunnerTable names the revisions table, the claims
// and the backfills' progress (which stays after the migration that ran
// the backfill is reverted), and nothing else.
func TestRunnerTables(t *testing.T) {
	for _, name := range []string{migrate.DefaultTable, migrate.DefaultTable + "_claims", migrate.DefaultTable + "_backfills"} {
		if !migrate.RunnerTable(migrate.DefaultTable, name) {
			t.Errorf("RunnerTable(%q) = false", name)
		}
	}
	if migrate.RunnerTable(migrate.DefaultTable, "orders") || migrate.RunnerTable(migrate.DefaultTable, migrate.DefaultTable+"_x") {
		t.Error("RunnerTable claims a table of the schema")
	}
}
