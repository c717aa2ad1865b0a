package scaleoutdb

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("schema.sql"))) }

func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// failureCounter counts the statements that failed with a
// serialization failure or a deadlock: each is one failed attempt of a
// transaction.
type failureCounter struct{ serialization, deadlock atomic.Int64 }

func (c *failureCounter) ObserveQuery(_ context.Context, e *runtime.QueryEvent) {
	switch e.Kind {
	case runtime.KindSerialization:
		c.serialization.Add(1)
	case runtime.KindDeadlock:
		c.deadlock.Add(1)
	}
}

// contention runs workers goroutines that each increment the counters
// perWorker times, each increment a read-modify-write (FindByID, then
// Update to n+1) in its own transaction with opts, all on two hot rows.
// It returns the attempts each successful increment took, the errors of
// the increments that failed, and what the counters hold afterwards.
type contentionResult struct {
	attempts []int // per successful increment
	failed   []error
	applied  map[int32]int64 // successful increments per counter
	counters map[int32]int64 // what the rows hold
	elapsed  time.Duration
}

func contention(t *testing.T, s *Store, opts runtime.TxOptions, workers, perWorker int) contentionResult {
	t.Helper()
	ctx := testContext(t)
	const hot = 2
	for id := int32(1); id <= hot; id++ {
		if _, err := s.Counters.UpsertByID(ctx, NewCounter{ID: id, N: runtime.Set[int64](0)}); err != nil {
			t.Fatal(err)
		}
	}
	res := contentionResult{applied: map[int32]int64{}, counters: map[int32]int64{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				id := int32(1 + (w+i)%hot)
				attempts := 0
				err := s.InTxWith(ctx, opts, func(tx *Store) error {
					attempts++
					c, err := tx.Counters.FindByID(ctx, id)
					if err != nil {
						return err
					}
					_, err = tx.Counters.Update(ctx, id, CounterUpdate{N: runtime.Set(c.N + 1)})
					return err
				})
				mu.Lock()
				if err != nil {
					res.failed = append(res.failed, err)
				} else {
					res.attempts = append(res.attempts, attempts)
					res.applied[id]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	all, err := s.Counters.FindAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range all {
		res.counters[c.ID] = c.N
	}
	return res
}

// summary describes the attempts: retries, the most one increment took,
// and how many increments took each number of attempts.
func (r contentionResult) summary() (retries, most int, histogram string) {
	counts := map[int]int{}
	for _, a := range r.attempts {
		retries += a - 1
		most = max(most, a)
		counts[a]++
	}
	keys := make([]int, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d×%d", counts[k], k)
	}
	return retries, most, strings.Join(parts, " ")
}

// TestSerializableRetriesUnderContention proves the retry path of InTx
// on real contention: 16 goroutines increment two counters 25 times each
// with read-modify-write transactions at SERIALIZABLE, whose concurrent
// attempts the server aborts with SQLSTATE 40001. Every increment lands
// exactly once, and each retry is one serialization failure (or
// deadlock) the observers saw.
func TestSerializableRetriesUnderContention(t *testing.T) {
	const workers, perWorker = 16, 25
	failures := &failureCounter{}
	db, err := runtime.Open(testContext(t), runtime.Config{URL: pgtest.URL(t), MaxConns: workers, Observers: []runtime.Observer{failures}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := NewStore(db)
	opts := runtime.TxOptions{Isolation: pgx.Serializable, MaxAttempts: 100}
	res := contention(t, s, opts, workers, perWorker)
	for _, err := range res.failed {
		t.Errorf("increment failed: %v", err)
	}
	if len(res.attempts) != workers*perWorker {
		t.Fatalf("%d increments succeeded, want %d", len(res.attempts), workers*perWorker)
	}
	for id, n := range res.counters {
		if n != res.applied[id] {
			t.Errorf("counter %d holds %d after %d increments", id, n, res.applied[id])
		}
	}
	retries, most, hist := res.summary()
	seen := failures.serialization.Load() + failures.deadlock.Load()
	if int64(retries) != seen {
		t.Errorf("%d retries, but the observers saw %d serialization failures and %d deadlocks", retries, failures.serialization.Load(), failures.deadlock.Load())
	}
	if retries == 0 {
		t.Error("no transaction was retried: the test made no contention")
	}
	t.Logf("%d increments by %d goroutines on 2 rows at SERIALIZABLE in %s: %d retries (%d serialization failures, %d deadlocks), at most %d attempts for one increment; attempts: %s",
		len(res.attempts), workers, res.elapsed.Round(time.Millisecond), retries, failures.serialization.Load(), failures.deadlock.Load(), most, hist)
}

// TestRetryBoundsUnderContention runs the same contention with a bound
// of 2 attempts: increments that run out fail with a serialization
// failure that says how many attempts were made, and change nothing, so
// the counters hold exactly the increments that succeeded. Under READ
// COMMITTED the same read-modify-write loses updates, which is why it
// needs SERIALIZABLE (or SELECT … FOR UPDATE).
func TestRetryBoundsUnderContention(t *testing.T) {
	const workers, perWorker = 16, 25
	db, err := runtime.Open(testContext(t), runtime.Config{URL: pgtest.URL(t), MaxConns: workers})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := NewStore(db)

	res := contention(t, s, runtime.TxOptions{Isolation: pgx.Serializable, MaxAttempts: 2}, workers, perWorker)
	for id, n := range res.counters {
		if n != res.applied[id] {
			t.Errorf("counter %d holds %d after %d successful increments", id, n, res.applied[id])
		}
	}
	for _, err := range res.failed {
		var de *runtime.DbError
		if !errors.As(err, &de) || !(errors.Is(err, runtime.ErrSerialization) || errors.Is(err, runtime.ErrDeadlock)) || !strings.Contains(de.Message, "gave up after 2 attempts") {
			t.Errorf("an increment that ran out of attempts failed with %v", err)
		}
	}
	t.Logf("MaxAttempts 2: %d of %d increments succeeded, %d gave up; the counters hold exactly the successful ones",
		len(res.attempts), workers*perWorker, len(res.failed))

	def := contention(t, s, runtime.TxOptions{Isolation: pgx.Serializable}, workers, perWorker)
	for id, n := range def.counters {
		if n != def.applied[id] {
			t.Errorf("defaults: counter %d holds %d after %d successful increments", id, n, def.applied[id])
		}
	}
	retries, most, _ := def.summary()
	t.Logf("defaults (5 attempts, backoff 2ms–250ms): %d of %d increments succeeded, %d gave up, %d retries, at most %d attempts",
		len(def.attempts), workers*perWorker, len(def.failed), retries, most)

	lost := contention(t, s, runtime.TxOptions{Isolation: pgx.ReadCommitted}, workers, perWorker)
	var applied, held int64
	for id, n := range lost.counters {
		applied += lost.applied[id]
		held += n
	}
	if held > applied {
		t.Errorf("READ COMMITTED: the counters hold %d, more than the %d increments", held, applied)
	}
	t.Logf("READ COMMITTED, same read-modify-write: %d increments reported success, the counters hold %d (%d lost updates)", applied, held, applied-held)
}
