package cachetest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// gatedCache is a shared Cache whose invalidations and flushes first
// call a hook, and which can hold the answer of one Get.
type gatedCache struct {
	runtime.Cache
	// before runs (once) before an invalidation or a flush is sent.
	before atomic.Pointer[func()]
	// hold, when set, is taken by the next Get: its answer, already
	// given by Redis, waits until the channel closes; got is closed when
	// it has the answer.
	hold atomic.Pointer[chan struct{}]
	got  chan struct{}
}

func (g *gatedCache) Get(ctx context.Context, table string, keys []string) ([][]byte, []uint64, error) {
	values, leases, err := g.Cache.Get(ctx, table, keys)
	if h := g.hold.Swap(nil); h != nil {
		close(g.got)
		<-*h
	}
	return values, leases, err
}

func (g *gatedCache) runBefore() {
	if f := g.before.Swap(nil); f != nil {
		(*f)()
	}
}

func (g *gatedCache) Invalidate(ctx context.Context, table string, keys []string) error {
	g.runBefore()
	return g.Cache.Invalidate(ctx, table, keys)
}

func (g *gatedCache) Flush(ctx context.Context, table string) error {
	g.runBefore()
	return g.Cache.Flush(ctx, table)
}

// TestOwnWriteAfterSharedInvalidation forces the interleaving that broke
// read-your-writes with a shared cache: a write commits version 2; a
// miss on the writer's own DB asks Redis before the write's Redis delete
// and is answered version 1 (still there), but the answer is slow to
// come back; the write deletes the key and returns; a read that begins
// after it must see version 2 — not wait for the slow miss and share its
// version 1. Once for an invalidation of the row's key, once for one of
// the whole table.
func TestOwnWriteAfterSharedInvalidation(t *testing.T) {
	shared := sharedRedis(t)
	for _, whole := range []bool{false, true} {
		name := "key"
		if whole {
			name = "whole table"
		}
		t.Run(name, func(t *testing.T) {
			url := pgtest.URL(t)
			ctx := runtime.WithTenant(testContext(t), int64(1))
			gate := &gatedCache{Cache: shared(0), got: make(chan struct{})}
			cfg := cached()
			cfg.Cache.Shared = gate
			db := openDB(t, url, cfg)
			repo := NewItemRepo(db)
			if _, err := repo.Create(ctx, 1, "one", "v1"); err != nil {
				t.Fatal(err)
			}
			// Version 1 is filled into Redis, and served from it.
			for range 2 {
				if v, err := repo.FindByID(ctx, 1); err != nil || v.Version != 1 {
					t.Fatalf("%+v, %v", v, err)
				}
			}
			if s := itemStats(t, db); s.Hits != 1 {
				t.Fatalf("the second read was not a hit: %+v", s)
			}

			release := make(chan struct{})
			var slow sync.WaitGroup
			var slowErr error
			hook := func() {
				// The slow miss: its Get reaches Redis before the write's
				// delete, and its answer is held back.
				gate.hold.Store(&release)
				slow.Add(1)
				go func() {
					defer slow.Done()
					_, slowErr = repo.FindByID(ctx, 1)
				}()
				<-gate.got
			}
			gate.before.Store(&hook)
			if whole {
				w := runtime.Scope(runtime.Invalidating(db, itemsCache.AllRows()), int64(1))
				if _, err := w.Exec(ctx, `UPDATE items SET version = 2, payload = 'v2' WHERE id = 1 AND tenant_id = $1`, int64(1)); err != nil {
					t.Fatal(err)
				}
			} else if v, err := repo.Update(ctx, 1, "v2", nil); err != nil || v.Version != 2 {
				t.Fatalf("update: %+v, %v", v, err)
			}
			if gate.before.Load() != nil {
				t.Fatal("the write sent no invalidation to the shared cache")
			}

			// The write has returned: a read now sees version 2, without
			// the slow miss being let go.
			type result struct {
				v   Item
				err error
			}
			done := make(chan result, 1)
			go func() {
				v, err := repo.FindByID(ctx, 1)
				done <- result{v, err}
			}()
			var r result
			select {
			case r = <-done:
			case <-time.After(30 * time.Second):
				close(release)
				r = <-done
				t.Errorf("a read after the write waited for a miss that began before the write returned (got version %d)", r.v.Version)
			}
			if r.err != nil || r.v.Version != 2 {
				t.Errorf("read after the write: %+v, %v; want version 2", r.v, r.err)
			}
			select {
			case <-release:
			default:
				close(release)
			}
			slow.Wait()
			if slowErr != nil {
				t.Fatal(slowErr)
			}
		})
	}
}
