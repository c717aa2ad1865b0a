package cachetest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// readItem reads item id as a cache miss does, outside the cache.
func readItem(t *testing.T, ctx context.Context, db runtime.DBTX, id int64) Item {
	t.Helper()
	tenant, _ := runtime.TenantFrom(ctx)
	var v Item
	if err := scanItem(db.QueryRow(ctx, sqlItemsFindByID, id, tenant), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// itemStats returns db's counters of table items.
func itemStats(t *testing.T, db *runtime.DB) runtime.TableCacheStats {
	t.Helper()
	s, _ := db.Stats().Cache.Table("items")
	return s
}

// fillRaceCase is one way of running the write between the miss's read
// and its fill.
type fillRaceCase struct {
	name string
	// instances returns the reader and the writer (the same DB for a
	// local write), and a third instance that never read the row.
	instances func(t *testing.T, url string) (reader, writer, fresh *runtime.DB)
	// arrived waits until the write's invalidation reached the reader.
	arrived func(t *testing.T, ctx context.Context, reader *runtime.DB)
	// sharedDrop is set when the stale fill is refused by the shared
	// cache's lease rather than counted as dropped by the reader.
	sharedDrop bool
}

func fillRaceCases(t *testing.T) []fillRaceCase {
	inProcess := func(t *testing.T, url string) (reader, writer, fresh *runtime.DB) {
		return openDB(t, url, cached()), openDB(t, url, cached()), openDB(t, url, cached())
	}
	sync := func(t *testing.T, ctx context.Context, reader *runtime.DB) {
		if err := reader.SyncCache(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return []fillRaceCase{
		{
			name: "local write",
			instances: func(t *testing.T, url string) (reader, writer, fresh *runtime.DB) {
				db := openDB(t, url, cached())
				return db, db, openDB(t, url, cached())
			},
			arrived: func(*testing.T, context.Context, *runtime.DB) {},
		},
		{name: "write by another instance", instances: inProcess, arrived: sync},
		{
			name: "redis, write by another instance",
			instances: func(t *testing.T, url string) (reader, writer, fresh *runtime.DB) {
				shared := sharedRedis(t)
				open := func(n int) *runtime.DB {
					cfg := cached()
					cfg.Cache.Shared = shared(n)
					return openDB(t, url, cfg)
				}
				return open(0), open(1), open(2)
			},
			// The writer dropped the key in Redis, ending the reader's
			// lease, before its write returned; the reader's listener need
			// not have run.
			arrived:    func(*testing.T, context.Context, *runtime.DB) {},
			sharedDrop: true,
		},
	}
}

// TestFillRace forces the interleaving of the fill race: a miss reads
// version 1, a write commits version 2 and its invalidation arrives, and
// only then does the miss fill. The fill must be dropped: the next
// read, on the reader and on an instance that never read the row, sees
// version 2. The same steps with the write after the fill show the row
// is stored otherwise, so the test can fail.
func TestFillRace(t *testing.T) {
	for _, c := range fillRaceCases(t) {
		t.Run(c.name, func(t *testing.T) {
			url := pgtest.URL(t)
			ctx := runtime.WithTenant(testContext(t), int64(1))
			reader, writer, fresh := c.instances(t, url)
			rr, rw, rf := NewItemRepo(reader), NewItemRepo(writer), NewItemRepo(fresh)
			if _, err := rw.Create(ctx, 1, "one", "v1"); err != nil {
				t.Fatal(err)
			}

			// The miss, and its read of version 1.
			_, ok, fill := itemsCache.Get(ctx, reader, int64(1), int64(1))
			if ok || fill == nil {
				t.Fatalf("Get on an empty cache: ok %v, fill %v; want a miss with a fill", ok, fill)
			}
			old := readItem(t, ctx, reader, 1)
			// The write commits version 2 and its invalidation arrives.
			if v, err := rw.Update(ctx, 1, "v2", nil); err != nil || v.Version != 2 {
				t.Fatalf("update: %+v, %v", v, err)
			}
			c.arrived(t, ctx, reader)
			// Only now does the miss fill, with version 1.
			dropped := itemStats(t, reader).DroppedFills
			fill.Done(ctx, &old)
			if got := itemStats(t, reader).DroppedFills; !c.sharedDrop && got != dropped+1 {
				t.Errorf("dropped fills: %d, want %d", got, dropped+1)
			}
			for _, r := range []*ItemRepo{rr, rf} {
				v, err := r.FindByID(ctx, 1)
				if err != nil || v.Version != 2 {
					t.Fatalf("after the fill race: %+v, %v; want version 2", v, err)
				}
			}

			// Control: a fill before the write is stored (a hit follows).
			// The write's invalidation through the reader's listener may
			// still be on its way (with Redis, arrived does not wait for
			// it): it must land before the fill, not evict it after.
			if err := reader.SyncCache(ctx); err != nil {
				t.Fatal(err)
			}
			_, _, fill = itemsCache.Get(ctx, reader, int64(1), int64(99))
			fill.Abort()
			if err := reader.FlushCache(ctx); err != nil {
				t.Fatal(err)
			}
			_, ok, fill = itemsCache.Get(ctx, reader, int64(1), int64(1))
			if ok || fill == nil {
				t.Fatalf("Get after a flush: ok %v; want a miss", ok)
			}
			cur := readItem(t, ctx, reader, 1)
			fill.Done(ctx, &cur)
			hits := itemStats(t, reader).Hits
			if v, err := rr.FindByID(ctx, 1); err != nil || v.Version != 2 {
				t.Fatalf("%+v, %v", v, err)
			}
			if got := itemStats(t, reader).Hits; got != hits+1 {
				t.Errorf("a fill with no write in between was not stored: hits %d, want %d", got, hits+1)
			}
		})
	}
}

// TestFillAcrossListenerLoss: a fill that began before the listener
// lost its connection is dropped, even though no write touched its key:
// notifications may have been missed meanwhile. While the listener is
// down, reads go to the database.
func TestFillAcrossListenerLoss(t *testing.T) {
	url := pgtest.URL(t)
	ctx := runtime.WithTenant(testContext(t), int64(1))
	cfg := cached()
	cfg.ApplicationName = "fill-loss"
	db := openDB(t, url, cfg)
	repo := NewItemRepo(db)
	if _, err := repo.Create(ctx, 1, "one", "v1"); err != nil {
		t.Fatal(err)
	}
	_, _, fill := itemsCache.Get(ctx, db, int64(1), int64(1))
	row := readItem(t, ctx, db, 1)

	// Hold the listener down: refuse new connections to the database,
	// terminate the listener, and let it back once the test has looked.
	allowConnections(t, url, false)
	pgtest.Exec(t, pgtest.Current(t).URL("postgres"), `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'fill-loss (cache listener)'`)
	waitState(t, db, runtime.CacheDisconnected)
	bypassed := itemStats(t, db).Bypassed
	if v, err := repo.FindByID(ctx, 1); err != nil || v.Version != 1 {
		t.Fatalf("read while disconnected: %+v, %v", v, err)
	}
	if got := itemStats(t, db).Bypassed; got != bypassed+1 {
		t.Errorf("a read while the listener is down: bypassed %d, want %d", got, bypassed+1)
	}
	// The lost listener does not make the DB unhealthy; only the refused
	// connections can, when the pool has no idle connection to check with
	// (one may still be in its reset after release).
	if h := db.Health(ctx); h.Cache != runtime.CacheDisconnected || h.CacheError == "" ||
		!h.OK && !strings.Contains(h.Error, "not currently accepting connections") {
		t.Errorf("health while disconnected: cache %q, ok %v, error %q, cache error %q", h.Cache, h.OK, h.Error, h.CacheError)
	}
	allowConnections(t, url, true)
	waitState(t, db, runtime.CacheListening)

	dropped := itemStats(t, db).DroppedFills
	fill.Done(ctx, &row)
	if got := itemStats(t, db).DroppedFills; got != dropped+1 {
		t.Errorf("a fill across a lost listener was stored: dropped %d, want %d", got, dropped+1)
	}
	cs := db.Stats().Cache
	if cs.Disconnects != 1 || cs.Reconnects != 1 || cs.Flushes < 3 {
		t.Errorf("stats: %d disconnects, %d reconnects, %d flushes; want 1, 1 and at least 3 (open, loss, reconnect)", cs.Disconnects, cs.Reconnects, cs.Flushes)
	}
}

// allowConnections lets connections to the database of url in or not.
// It names the database from url: while connections are refused, the
// DB under test may have no connection left to ask.
func allowConnections(t *testing.T, url string, allow bool) {
	t.Helper()
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	pgtest.Exec(t, pgtest.Current(t).URL("postgres"), fmt.Sprintf("ALTER DATABASE %s ALLOW_CONNECTIONS %t", pgx.Identifier{cfg.Database}.Sanitize(), allow))
}

// waitState waits until db's cache is in state.
func waitState(t *testing.T, db *runtime.DB, state runtime.CacheState) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for db.Stats().Cache.State != state {
		if time.Now().After(deadline) {
			t.Fatalf("cache state %s, want %s", db.Stats().Cache.State, state)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestSingleflight: concurrent misses of one key make one database read.
func TestSingleflight(t *testing.T) {
	url := pgtest.URL(t)
	ctx := runtime.WithTenant(testContext(t), int64(1))
	db := openDB(t, url, cached())
	repo := NewItemRepo(db)
	if _, err := repo.Create(ctx, 1, "one", "v1"); err != nil {
		t.Fatal(err)
	}
	// Hold the first reader's fill open while the others arrive.
	_, _, fill := itemsCache.Get(ctx, db, int64(1), int64(1))
	const readers = 8
	var wg sync.WaitGroup
	results := make(chan Item, readers)
	for range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := repo.FindByID(ctx, 1)
			if err != nil {
				t.Error(err)
			}
			results <- v
		}()
	}
	// Give them time to arrive and wait; those that come later hit the
	// row the fill stores. Either way, none reads the database.
	time.Sleep(100 * time.Millisecond)
	row := readItem(t, ctx, db, 1)
	fill.Done(ctx, &row)
	wg.Wait()
	close(results)
	for v := range results {
		if v.Version != 1 {
			t.Errorf("a waiting reader got %+v", v)
		}
	}
	q, _ := db.Stats().Query("items.FindByID")
	// One read by readItem above; none by the waiting readers.
	if q.Count != 1 {
		t.Errorf("%d concurrent misses ran %d statements, want 1 (the filler's)", readers, q.Count)
	}
	s := itemStats(t, db)
	if s.Waited+s.Hits != readers {
		t.Errorf("waited %d + hits %d, want %d", s.Waited, s.Hits, readers)
	}
	t.Logf("%d readers waited for the fill, %d came after it and hit", s.Waited, s.Hits)
}

// TestTransactions: reads in a transaction bypass the cache; a write's
// invalidation is applied when the transaction commits, not before and
// not on rollback; a rolled-back savepoint's invalidations are still
// applied at commit (too many is safe).
func TestTransactions(t *testing.T) {
	url := pgtest.URL(t)
	ctx := runtime.WithTenant(testContext(t), int64(1))
	db := openDB(t, url, cached())
	repo := NewItemRepo(db)
	for id := int64(1); id <= 3; id++ {
		if _, err := repo.Create(ctx, id, fmt.Sprint("s", id), "v1"); err != nil {
			t.Fatal(err)
		}
		if _, err := repo.FindByID(ctx, id); err != nil { // cached
			t.Fatal(err)
		}
	}
	version := func(id int64) int64 {
		v, err := repo.FindByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return v.Version
	}

	err := db.InTx(ctx, runtime.TxOptions{}, func(tx pgx.Tx) error {
		txRepo := NewItemRepo(tx)
		hits := itemStats(t, db).Hits
		if _, err := txRepo.FindByID(ctx, 1); err != nil {
			return err
		}
		if got := itemStats(t, db).Hits; got != hits {
			t.Errorf("a read in a transaction hit the cache")
		}
		if _, err := txRepo.Update(ctx, 1, "v2", nil); err != nil {
			return err
		}
		// Not committed: the pool's readers still see version 1, from
		// the cache, which is right.
		if v := version(1); v != 1 {
			t.Errorf("before commit, item 1 reads version %d", v)
		}
		// A savepoint that writes item 2 and rolls back.
		_ = runtime.InTx(ctx, tx, runtime.TxOptions{}, func(sp pgx.Tx) error {
			if _, err := NewItemRepo(sp).Update(ctx, 2, "v2", nil); err != nil {
				return err
			}
			return fmt.Errorf("roll the savepoint back")
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if v := version(1); v != 2 {
		t.Errorf("after commit, item 1 reads version %d, want 2", v)
	}
	if v := version(2); v != 1 {
		t.Errorf("item 2, whose update rolled back, reads version %d, want 1", v)
	}
	if s := itemStats(t, db); s.Invalidations != 2 {
		t.Errorf("invalidations at commit: %d, want 2 (item 1, and item 2 of the rolled-back savepoint)", s.Invalidations)
	}

	// A transaction that rolls back applies nothing.
	before := itemStats(t, db).Invalidations
	_ = db.InTx(ctx, runtime.TxOptions{}, func(tx pgx.Tx) error {
		if _, err := NewItemRepo(tx).Update(ctx, 3, "v2", nil); err != nil {
			return err
		}
		return fmt.Errorf("roll back")
	})
	if got := itemStats(t, db).Invalidations; got != before {
		t.Errorf("a rolled-back transaction applied %d invalidations", got-before)
	}
	if v := version(3); v != 1 {
		t.Errorf("item 3 reads version %d, want 1", v)
	}

	// A transaction begun by hand works the same.
	tx, err := db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewItemRepo(tx).Update(ctx, 3, "v3", nil); err != nil {
		t.Fatal(err)
	}
	if v := version(3); v != 1 {
		t.Errorf("before commit, item 3 reads version %d", v)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if v := version(3); v != 2 {
		t.Errorf("after commit, item 3 reads version %d, want 2", v)
	}
}
