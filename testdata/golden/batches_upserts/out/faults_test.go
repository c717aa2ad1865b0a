package bulkdb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// The tests in this file inject faults — a server restart under load, a
// context canceled in the middle of a COPY or a transaction, an exhausted
// pool — and log what they injected and what they observed.

// waitFor polls cond until it holds or the safety bound runs out.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestServerRestartUnderLoad restarts a durable server while 16 goroutines
// insert through the generated repository. Every call must either succeed
// or fail with a Connection-kind error; the pool must recover without
// being reopened; every insert that reported success must be there after
// the restart.
func TestServerRestartUnderLoad(t *testing.T) {
	pgtest.SkipIfDisabled(t)
	ctx := context.Background()
	cluster, err := pgtest.Start(ctx, pgtest.Options{Durable: true})
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	if err := cluster.CreateDatabase(ctx, "app", ""); err != nil {
		t.Fatal(err)
	}
	url := cluster.URL("app")
	if err := pgtest.ExecFiles("schema.sql")(ctx, url); err != nil {
		t.Fatal(err)
	}
	db, err := runtime.Open(ctx, runtime.Config{URL: url, MaxConns: 8, ConnectTimeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	store := NewStore(db)

	var (
		acked     sync.Map // id → name
		ok, fails atomic.Int64
		badErr    atomic.Value
		stop      atomic.Bool
		wg        sync.WaitGroup
	)
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				name := fmt.Sprintf("w%d-%d", w, i)
				e, err := store.Events.Create(ctx, NewEvent{Name: name, Kind: MoodHappy, Amount: decimal.NewFromInt(int64(i))})
				if err != nil {
					fails.Add(1)
					if runtime.KindOf(err) != runtime.KindConnection {
						badErr.Store(err)
					}
					time.Sleep(5 * time.Millisecond)
					continue
				}
				ok.Add(1)
				acked.Store(e.ID, name)
			}
		}(w)
	}
	waitFor(t, "writes before the restart", func() bool { return ok.Load() >= 200 })
	before := ok.Load()
	if err := cluster.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "writes after the restart", func() bool { return ok.Load() >= before+500 })
	stop.Store(true)
	wg.Wait()
	if err, _ := badErr.Load().(error); err != nil {
		t.Fatalf("a call failed with kind %v, not a connection error: %v", runtime.KindOf(err), err)
	}

	// Every acknowledged write is there, with the name it was written with.
	var lost, checked int
	acked.Range(func(k, v any) bool {
		checked++
		e, err := store.Events.FindByID(ctx, k.(int64))
		if err != nil || e.Name != v.(string) {
			lost++
		}
		return true
	})
	t.Logf("injected: fast restart of the server under 16 writers; observed: %d writes acknowledged (%d before the restart), %d calls failed with connection errors, %d acknowledged writes lost",
		checked, before, fails.Load(), lost)
	if lost != 0 {
		t.Fatalf("%d acknowledged writes lost", lost)
	}
	if fails.Load() == 0 {
		t.Log("no call failed: the restart fell between calls")
	}
}

// sleepTrigger makes inserts of a row named "slow" sleep on the server, so
// that a test can cancel a statement in the middle of its work.
func sleepTrigger(t *testing.T, ctx context.Context, db *runtime.DB) {
	t.Helper()
	_, err := db.Exec(ctx, `
CREATE FUNCTION slow_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.name = 'slow' THEN PERFORM pg_sleep(60); END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER slow_insert BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION slow_insert();`)
	if err != nil {
		t.Fatal(err)
	}
}

// cancelWhenSleeping cancels once the server is sleeping in the trigger.
func cancelWhenSleeping(t *testing.T, admin *runtime.DB, cancel context.CancelFunc) {
	t.Helper()
	waitFor(t, "the statement to reach the slow row", func() bool {
		var n int
		admin.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'`).Scan(&n)
		return n > 0
	})
	cancel()
}

func TestCancelInTheMiddleOfCreateMany(t *testing.T) {
	ctx := context.Background()
	db := pgtest.Open(t)
	sleepTrigger(t, ctx, db)
	store := NewStore(db)
	rows := make([]NewEvent, 20000)
	for i := range rows {
		rows[i] = NewEvent{Name: fmt.Sprintf("e%d", i), Kind: MoodSad, Amount: decimal.NewFromInt(int64(i))}
	}
	rows[15000].Name = "slow" // the COPY has sent and inserted 15,000 rows when it stops here
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		_, err := store.Events.CreateMany(cctx, rows)
		done <- err
	}()
	cancelWhenSleeping(t, db, cancel)
	copyErr := <-done
	if !errors.Is(copyErr, runtime.ErrCanceled) {
		t.Fatalf("CreateMany after cancel: %v, want a Canceled error", copyErr)
	}
	n, err := store.Events.Count(ctx)
	if err != nil || n != 0 {
		t.Fatalf("rows after a canceled CreateMany: %d %v", n, err)
	}
	t.Logf("injected: context canceled while COPY waited on row 15,001 of 20,000; observed: %v, %d rows left", runtime.KindOf(copyErr), n)
}

func TestCancelInTheMiddleOfInTx(t *testing.T) {
	ctx := context.Background()
	db := pgtest.Open(t)
	sleepTrigger(t, ctx, db)
	store := NewStore(db)
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- store.InTx(cctx, func(tx *Store) error {
			for i := 0; i < 10; i++ {
				if _, err := tx.Events.Create(cctx, NewEvent{Name: fmt.Sprint(i), Kind: MoodHappy, Amount: decimal.Zero}); err != nil {
					return err
				}
			}
			if _, err := tx.Items.Create(cctx, NewItem{SKU: "in-tx", Name: "x"}); err != nil {
				return err
			}
			_, err := tx.Events.Create(cctx, NewEvent{Name: "slow", Kind: MoodHappy, Amount: decimal.Zero})
			return err
		})
	}()
	cancelWhenSleeping(t, db, cancel)
	err := <-done
	if !errors.Is(err, runtime.ErrCanceled) {
		t.Fatalf("InTx after cancel: %v, want a Canceled error", err)
	}
	events, _ := store.Events.Count(ctx)
	items, _ := store.Items.Count(ctx)
	if events != 0 || items != 0 {
		t.Fatalf("after a canceled transaction: %d events, %d items", events, items)
	}
	t.Logf("injected: context canceled during the 12th statement of a transaction; observed: %v, nothing committed", runtime.KindOf(err))
}

func TestPoolExhaustion(t *testing.T) {
	ctx := context.Background()
	db, err := runtime.Open(ctx, runtime.Config{URL: pgtest.URL(t), MaxConns: 2, AcquireTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	store := NewStore(db)
	var held []pgx.Tx
	for i := 0; i < 2; i++ {
		tx, err := db.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, tx)
	}
	start := time.Now()
	_, err = store.Events.Count(ctx)
	waited := time.Since(start)
	var dbErr *runtime.DbError
	if !errors.As(err, &dbErr) || dbErr.Kind != runtime.KindTimeout || !strings.Contains(err.Error(), "pool") {
		t.Fatalf("call on an exhausted pool: %v", err)
	}
	if waited < 300*time.Millisecond {
		t.Fatalf("gave up after %v, before the acquire timeout", waited)
	}
	for _, tx := range held {
		tx.Rollback(ctx)
	}
	if _, err := store.Events.Count(ctx); err != nil {
		t.Fatalf("after releasing the connections: %v", err)
	}
	t.Logf("injected: both connections of a 2-connection pool held; observed after %v: %v", waited.Round(time.Millisecond), err)
}
