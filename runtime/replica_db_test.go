package runtime_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// Statements of the replica tests. Each read returns whether the server
// that ran it is a standby, so the test knows where it landed.
const (
	markedRead   = "-- name: items.Where replica=ok\nSELECT pg_is_in_recovery(), count(*) FROM items"
	unmarkedRead = "-- name: items.Count\nSELECT pg_is_in_recovery(), count(*) FROM items"
	writeItem    = "-- name: items.Create\nINSERT INTO items (name) VALUES ($1)"
)

// replicaPair is a primary and a streaming replica of it, started for one
// test, with a database "app" holding table items on both.
type replicaPair struct {
	primary, replica *pgtest.Cluster
}

func startReplicaPair(t *testing.T) *replicaPair {
	t.Helper()
	ctx := testContext(t)
	primary := ownCluster(t, ctx, pgtest.Options{})
	if err := primary.CreateDatabase(ctx, "app", ""); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, primary.URL("app"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = conn.Exec(ctx, "CREATE TABLE items (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL)")
	conn.Close(ctx)
	if err != nil {
		t.Fatal(err)
	}
	replica, err := pgtest.StartReplica(ctx, primary, pgtest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { replica.Close() })
	if in, err := replica.InRecovery(ctx); err != nil || !in {
		t.Fatalf("replica in recovery: %v, %v", in, err)
	}
	return &replicaPair{primary: primary, replica: replica}
}

// open opens a DB on the primary's app database with the replica's as
// replica; cfg's other settings are kept.
func (p *replicaPair) open(t *testing.T, cfg runtime.Config, replicaURLs ...string) *runtime.DB {
	t.Helper()
	cfg.URL = p.primary.URL("app")
	cfg.ReplicaURLs = replicaURLs
	if len(replicaURLs) == 0 {
		cfg.ReplicaURLs = []string{p.replica.URL("app")}
	}
	db, err := runtime.Open(testContext(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

// poolRecorder records the pool of every statement, by operation.
type poolRecorder struct {
	mu    sync.Mutex
	pools map[string][]string
}

func (r *poolRecorder) ObserveQuery(_ context.Context, e *runtime.QueryEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pools == nil {
		r.pools = map[string][]string{}
	}
	pool := e.Pool
	if e.Replica != strings.HasPrefix(pool, "replica ") {
		pool = "inconsistent: " + pool
	}
	r.pools[e.Op] = append(r.pools[e.Op], pool)
}

func (r *poolRecorder) take(op string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.pools[op]
	delete(r.pools, op)
	return out
}

// onStandby runs sql with QueryRow and reports whether it ran on a
// standby.
func onStandby(t *testing.T, ctx context.Context, db runtime.DBTX, sql string) bool {
	t.Helper()
	var in bool
	var n int64
	if err := db.QueryRow(ctx, sql).Scan(&in, &n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return in
}

func TestReplicaRouting(t *testing.T) {
	p := startReplicaPair(t)
	ctx := testContext(t)
	rec := &poolRecorder{}
	db := p.open(t, runtime.Config{Observers: []runtime.Observer{rec}})
	replicaPool := "replica 127.0.0.1:" + fmt.Sprint(p.replica.Port())

	if _, err := db.Exec(ctx, writeItem, "a"); err != nil {
		t.Fatal(err)
	}
	if got := rec.take("items.Create"); len(got) != 1 || got[0] != "primary" {
		t.Errorf("write ran on %v, want the primary", got)
	}
	if err := pgtest.WaitForReplay(ctx, p.replica, p.primary); err != nil {
		t.Fatal(err)
	}

	t.Run("QueryRow", func(t *testing.T) {
		if !onStandby(t, ctx, db, markedRead) {
			t.Error("a replica=ok read ran on the primary")
		}
		if got := rec.take("items.Where"); len(got) != 1 || got[0] != replicaPool {
			t.Errorf("observers saw pools %v, want [%s]", got, replicaPool)
		}
	})
	t.Run("Query", func(t *testing.T) {
		rows, err := db.Query(ctx, markedRead)
		if err != nil {
			t.Fatal(err)
		}
		type result struct {
			In bool
			N  int64
		}
		got, err := pgx.CollectRows(rows, pgx.RowToStructByPos[result])
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || !got[0].In || got[0].N != 1 {
			t.Errorf("got %+v, want one row from the standby counting the replayed item", got)
		}
	})
	t.Run("SendBatch", func(t *testing.T) {
		b := &pgx.Batch{}
		b.Queue(markedRead)
		b.Queue("-- name: items.Again replica=ok\nSELECT pg_is_in_recovery(), 0::bigint")
		br := db.SendBatch(ctx, b)
		for i := range 2 {
			var in bool
			var n int64
			if err := br.QueryRow().Scan(&in, &n); err != nil {
				t.Fatal(err)
			}
			if !in {
				t.Errorf("statement %d of a replica=ok batch ran on the primary", i)
			}
		}
		if err := br.Close(); err != nil {
			t.Fatal(err)
		}
		// One statement not marked keeps the whole batch on the primary.
		b = &pgx.Batch{}
		b.Queue(markedRead)
		b.Queue(unmarkedRead)
		br = db.SendBatch(ctx, b)
		var in bool
		var n int64
		if err := br.QueryRow().Scan(&in, &n); err != nil {
			t.Fatal(err)
		}
		if in {
			t.Error("a batch with a statement not marked replica=ok ran on the replica")
		}
		br.Close()
	})
	t.Run("NotMarked", func(t *testing.T) {
		if onStandby(t, ctx, db, unmarkedRead) {
			t.Error("a read without replica=ok ran on the replica")
		}
	})
	t.Run("InTransaction", func(t *testing.T) {
		err := db.InTx(ctx, runtime.TxOptions{}, func(tx pgx.Tx) error {
			if onStandby(t, ctx, tx, markedRead) {
				t.Error("a replica=ok read inside a transaction ran on the replica")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Run("Primary", func(t *testing.T) {
		if onStandby(t, runtime.Primary(ctx), db, markedRead) {
			t.Error("a read with runtime.Primary ran on the replica")
		}
	})
	t.Run("Stats", func(t *testing.T) {
		s := db.Stats()
		if len(s.Replicas) != 1 {
			t.Fatalf("Stats().Replicas = %+v", s.Replicas)
		}
		r := s.Replicas[0]
		if !r.Healthy || r.Reads != 3 || r.Failures != 0 || r.Downs != 0 || r.Name != strings.TrimPrefix(replicaPool, "replica ") {
			t.Errorf("replica stats %+v", r)
		}
	})
}

func TestReadYourWrites(t *testing.T) {
	p := startReplicaPair(t)
	ctx := testContext(t)
	// A window far longer than the test: it never closes on its own here.
	db := p.open(t, runtime.Config{ReadYourWrites: time.Hour})

	sctx := runtime.WithSession(ctx)
	if !onStandby(t, sctx, db, markedRead) {
		t.Error("a session that has not written read from the primary")
	}
	if _, err := db.Exec(sctx, writeItem, "mine"); err != nil {
		t.Fatal(err)
	}
	if onStandby(t, sctx, db, markedRead) {
		t.Error("a session read from the replica right after it wrote")
	}
	var n int64
	var in bool
	if err := db.QueryRow(sctx, markedRead).Scan(&in, &n); err != nil || n != 1 {
		t.Errorf("the session's own write is not visible to it: %d rows, %v", n, err)
	}
	if !onStandby(t, ctx, db, markedRead) {
		t.Error("a context without the session read from the primary")
	}
	if !onStandby(t, runtime.WithSession(ctx), db, markedRead) {
		t.Error("another session read from the primary")
	}

	// A session restored from an earlier request: its write is long past.
	old := runtime.NewSession()
	old.RecordWrite(time.Now().Add(-2 * time.Hour))
	if !onStandby(t, runtime.UseSession(ctx, old), db, markedRead) {
		t.Error("a session whose last write is older than the window read from the primary")
	}
	// A write through a transaction counts too, and so does one through
	// QueryRow (INSERT … RETURNING).
	tctx := runtime.UseSession(ctx, runtime.NewSession())
	err := db.InTx(tctx, runtime.TxOptions{}, func(tx pgx.Tx) error {
		_, err := tx.Exec(tctx, writeItem, "in tx")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if onStandby(t, tctx, db, markedRead) {
		t.Error("a session read from the replica after a transaction of it committed")
	}
	rctx := runtime.UseSession(ctx, runtime.NewSession())
	var id int64
	if err := db.QueryRow(rctx, "-- name: items.Create\nINSERT INTO items (name) VALUES ('r') RETURNING id").Scan(&id); err != nil {
		t.Fatal(err)
	}
	if onStandby(t, rctx, db, markedRead) {
		t.Error("a session read from the replica after INSERT … RETURNING")
	}
	// A read-only transaction is not a write.
	roctx := runtime.UseSession(ctx, runtime.NewSession())
	err = db.InTx(roctx, runtime.TxOptions{ReadOnly: true}, func(tx pgx.Tx) error {
		_, err := tx.Exec(roctx, "SELECT 1")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !onStandby(t, roctx, db, markedRead) {
		t.Error("a read-only transaction kept the session on the primary")
	}

	// Without ReadYourWrites, sessions change nothing.
	plain := p.open(t, runtime.Config{})
	pctx := runtime.WithSession(ctx)
	if _, err := plain.Exec(pctx, writeItem, "x"); err != nil {
		t.Fatal(err)
	}
	if !onStandby(t, pctx, plain, markedRead) {
		t.Error("a session kept its reads on the primary with ReadYourWrites off")
	}
}

// TestReplicaStopsAndComesBack stops the replica while readers run: every
// read succeeds, on the primary once the replica is gone, and reads go
// back to the replica once it is started again. A read whose connection
// dies after its first row or result arrived (rarely: the backend ends
// between its result and the end of the statement) fails with a
// connection error, as docs/scale-out.md says; any other error fails
// the test.
func TestReplicaStopsAndComesBack(t *testing.T) {
	p := startReplicaPair(t)
	ctx := testContext(t)
	db := p.open(t, runtime.Config{ReplicaRetry: 20 * time.Millisecond})

	var calls, failures, late, onReplica, onPrimary atomic.Int64
	var firstErr atomic.Value
	read := func(i int) {
		var in bool
		var err error
		// lateErr is a failure after the read's first row or result
		// arrived: the connection died before the statement's end
		// (PostgreSQL ends a backend that is between its result and
		// the next message). The caller has read rows, so the read
		// is not run again: the caller sees the error.
		var lateErr error
		switch i % 3 {
		case 0:
			var n int64
			err = db.QueryRow(ctx, markedRead).Scan(&in, &n)
		case 1:
			var rows pgx.Rows
			rows, err = db.Query(ctx, markedRead)
			if err == nil {
				got := false
				for rows.Next() {
					var n int64
					err = rows.Scan(&in, &n)
					got = true
				}
				if rerr := rows.Err(); err == nil && got {
					lateErr = rerr
				} else if err == nil {
					err = rerr
				}
			}
		case 2:
			b := &pgx.Batch{}
			b.Queue(markedRead)
			br := db.SendBatch(ctx, b)
			var n int64
			err = br.QueryRow().Scan(&in, &n)
			if cerr := br.Close(); err == nil {
				lateErr = cerr
			}
		}
		calls.Add(1)
		if lateErr != nil {
			if runtime.KindOf(lateErr) != runtime.KindConnection {
				err = lateErr
			} else {
				late.Add(1)
				return
			}
		}
		switch {
		case err != nil:
			failures.Add(1)
			firstErr.CompareAndSwap(nil, err)
		case in:
			onReplica.Add(1)
		default:
			onPrimary.Add(1)
		}
	}

	// Readers run until told to stop.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				read(i)
			}
		}()
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for !cond() {
			if ctx.Err() != nil {
				close(stop)
				wg.Wait()
				t.Fatalf("gave up waiting for %s", what)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	waitFor("reads on the replica", func() bool { return onReplica.Load() >= 50 })
	if err := p.replica.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	stoppedAt := onPrimary.Load()
	waitFor("reads on the primary", func() bool { return onPrimary.Load() >= stoppedAt+200 })
	s := db.Stats().Replicas[0]
	if s.Healthy || s.Downs < 1 || s.LastError == "" {
		t.Errorf("replica stats after the stop: %+v", s)
	}
	t.Logf("replica taken out: %s", s.LastError)

	if err := p.replica.Start(ctx); err != nil {
		t.Fatal(err)
	}
	backAt := onReplica.Load()
	waitFor("reads back on the replica", func() bool { return onReplica.Load() >= backAt+50 })
	close(stop)
	wg.Wait()

	t.Logf("%d reads: %d on the replica, %d on the primary, %d failed, %d after their first row; %d moved to the primary after failing on the replica",
		calls.Load(), onReplica.Load(), onPrimary.Load(), failures.Load(), late.Load(), db.Stats().Replicas[0].Failures)
	if n := failures.Load(); n > 0 {
		t.Fatalf("%d reads failed; the first: %v", n, firstErr.Load())
	}
	if s := db.Stats().Replicas[0]; !s.Healthy {
		t.Errorf("replica not healthy after it came back: %+v", s)
	}
}

func TestReplicaLagTakesItOut(t *testing.T) {
	p := startReplicaPair(t)
	ctx := testContext(t)
	db := p.open(t, runtime.Config{MaxReplicaLag: 50 * time.Millisecond, ReplicaRetry: 10 * time.Millisecond})
	if !onStandby(t, ctx, db, markedRead) {
		t.Fatal("the replica is not used while it keeps up")
	}
	admin, err := pgx.Connect(ctx, p.replica.URL("app"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "SELECT pg_wal_replay_pause()"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, writeItem, "behind"); err != nil {
		t.Fatal(err)
	}
	// The lag grows while replay is paused; reads trigger the checks.
	for onStandby(t, ctx, db, markedRead) {
		if ctx.Err() != nil {
			t.Fatal("the lagging replica was never taken out")
		}
		time.Sleep(5 * time.Millisecond)
	}
	s := db.Stats().Replicas[0]
	if s.Healthy || !strings.Contains(s.LastError, "exceeds MaxReplicaLag") {
		t.Errorf("stats of the lagging replica: %+v", s)
	}
	if _, err := admin.Exec(ctx, "SELECT pg_wal_replay_resume()"); err != nil {
		t.Fatal(err)
	}
	for !onStandby(t, ctx, db, markedRead) {
		if ctx.Err() != nil {
			t.Fatal("the replica did not come back after catching up")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestReplicaPolicies(t *testing.T) {
	p := startReplicaPair(t)
	ctx := testContext(t)
	// Two pools on the one replica, told apart by the host's spelling.
	urls := []string{p.replica.URL("app"), strings.Replace(p.replica.URL("app"), "127.0.0.1", "localhost", 1)}
	names := []string{"replica 127.0.0.1:" + fmt.Sprint(p.replica.Port()), "replica localhost:" + fmt.Sprint(p.replica.Port())}

	t.Run("RoundRobin", func(t *testing.T) {
		rec := &poolRecorder{}
		db := p.open(t, runtime.Config{Observers: []runtime.Observer{rec}}, urls...)
		for range 6 {
			onStandby(t, ctx, db, markedRead)
		}
		count := map[string]int{}
		for _, pool := range rec.take("items.Where") {
			count[pool]++
		}
		if count[names[0]] != 3 || count[names[1]] != 3 {
			t.Errorf("round robin spread 6 reads as %v", count)
		}
	})
	t.Run("LeastBusy", func(t *testing.T) {
		rec := &poolRecorder{}
		db := p.open(t, runtime.Config{Observers: []runtime.Observer{rec}, ReplicaPolicy: runtime.ReplicaLeastBusy}, urls...)
		// Rows left open hold a connection of the pool they came from.
		held, err := db.Query(ctx, "-- name: items.Hold replica=ok\nSELECT 1")
		if err != nil {
			t.Fatal(err)
		}
		busy := rec.take("items.Hold")
		for range 4 {
			onStandby(t, ctx, db, markedRead)
		}
		held.Close()
		busy = append(busy, rec.take("items.Hold")...)
		if len(busy) != 1 {
			t.Fatalf("held rows reported as %v", busy)
		}
		for _, pool := range rec.take("items.Where") {
			if pool == busy[0] {
				t.Errorf("a read went to %s, whose pool had a connection in use, while the other's was idle", pool)
			}
		}
	})
}

func TestUnreachableReplicaAtOpen(t *testing.T) {
	pgtest.SkipIfDisabled(t)
	ctx := testContext(t)
	url := pgtest.URL(t)
	// A port nothing listens on: the cluster's, once it is stopped.
	gone, err := pgtest.Start(ctx, pgtest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	deadURL := gone.URL("postgres") + "&connect_timeout=2"
	gone.Close()
	db, err := runtime.Open(ctx, runtime.Config{URL: url, ReplicaURLs: []string{deadURL}})
	if err != nil {
		t.Fatalf("Open failed for an unreachable replica: %v", err)
	}
	defer db.Close()
	var one int
	if err := db.QueryRow(ctx, "-- name: t.One replica=ok\nSELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("read with the only replica down: %d, %v", one, err)
	}
	s := db.Stats().Replicas[0]
	if s.Healthy || s.Reads != 0 {
		t.Errorf("stats of an unreachable replica: %+v", s)
	}
}
