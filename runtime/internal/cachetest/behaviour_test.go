package cachetest

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// pair opens two instances on one fresh database; withRedis makes them
// share a Redis.
func pair(t *testing.T, withRedis bool) (a, b *runtime.DB) {
	url := pgtest.URL(t)
	var shared func(int) runtime.Cache
	if withRedis {
		shared = sharedRedis(t)
	}
	open := func(n int) *runtime.DB {
		cfg := cached()
		if shared != nil {
			cfg.Cache.Shared = shared(n)
		}
		return openDB(t, url, cfg)
	}
	return open(0), open(1)
}

func variants(t *testing.T, f func(t *testing.T, withRedis bool)) {
	t.Run("in-process", func(t *testing.T) { f(t, false) })
	t.Run("redis", func(t *testing.T) { f(t, true) })
}

// TestTenantScope: the tenant is part of the key: a row cached for one
// tenant is never served to another, even with the same id.
func TestTenantScope(t *testing.T) {
	variants(t, func(t *testing.T, withRedis bool) {
		a, _ := pair(t, withRedis)
		repo := NewItemRepo(a)
		ctx := testContext(t)
		t1, t2 := runtime.WithTenant(ctx, int64(1)), runtime.WithTenant(ctx, int64(2))
		if _, err := repo.Create(t1, 1, "one", "tenant 1"); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if v, err := repo.FindByID(t1, 1); err != nil || v.Payload != "tenant 1" {
				t.Fatalf("%+v, %v", v, err)
			}
			if _, err := repo.FindByID(t2, 1); !errors.Is(err, runtime.ErrNotFound) {
				t.Fatalf("tenant 2 reads tenant 1's item: %v", err)
			}
			if vs, err := repo.FindByIDs(t2, []int64{1}); err != nil || len(vs) != 0 {
				t.Fatalf("tenant 2 reads tenant 1's item: %+v, %v", vs, err)
			}
		}
		// A write by tenant 2 on id 1 changes nothing and leaves tenant
		// 1's entry correct.
		if _, err := repo.Update(t2, 1, "tenant 2", nil); !errors.Is(err, runtime.ErrNotFound) {
			t.Fatalf("tenant 2 updated tenant 1's item: %v", err)
		}
		if v, err := repo.FindByID(t1, 1); err != nil || v.Payload != "tenant 1" {
			t.Fatalf("%+v, %v", v, err)
		}
		if _, err := repo.FindByID(ctx, 1); !errors.Is(err, runtime.ErrNoTenant) {
			t.Fatalf("a read without tenant: %v", err)
		}
	})
}

// TestWriteKinds runs each kind of write on one instance and reads on
// the other, through the cache, after SyncCache: delete, upsert
// (invalidation after the statement, in its transaction), COPY (a
// notification after the COPY), and the unique-key finder.
func TestWriteKinds(t *testing.T) {
	variants(t, func(t *testing.T, withRedis bool) {
		a, b := pair(t, withRedis)
		ctx := runtime.WithTenant(testContext(t), int64(1))
		ra, rb := NewItemRepo(a), NewItemRepo(b)
		for id := int64(1); id <= 4; id++ {
			if _, err := ra.Create(ctx, id, fmt.Sprint("s", id), "v1"); err != nil {
				t.Fatal(err)
			}
		}
		warm := func() {
			t.Helper()
			if _, err := rb.FindByIDs(ctx, []int64{1, 2, 3, 4}); err != nil {
				t.Fatal(err)
			}
			for _, slug := range []string{"s1", "s2", "s3", "s4"} {
				if _, err := rb.FindBySlug(ctx, slug); err != nil {
					t.Fatal(err)
				}
			}
		}
		synced := func() {
			t.Helper()
			if err := b.SyncCache(ctx); err != nil {
				t.Fatal(err)
			}
		}
		warm()
		warm()
		if s := itemStats(t, b); s.Hits == 0 {
			t.Fatalf("nothing hit: %+v", s)
		}

		// Delete.
		if ok, err := ra.Delete(ctx, 4); err != nil || !ok {
			t.Fatalf("delete: %v, %v", ok, err)
		}
		synced()
		if _, err := rb.FindByID(ctx, 4); !errors.Is(err, runtime.ErrNotFound) {
			t.Errorf("a deleted item is still read: %v", err)
		}
		if _, err := rb.FindBySlug(ctx, "s4"); !errors.Is(err, runtime.ErrNotFound) {
			t.Errorf("a deleted item is still found by slug: %v", err)
		}

		// Upsert on the unique key: the id comes back from the statement.
		if v, err := ra.UpsertBySlug(ctx, 99, "s1", "upserted"); err != nil || v.ID != 1 || v.Version != 2 {
			t.Fatalf("upsert: %+v, %v", v, err)
		}
		synced()
		if v, err := rb.FindByID(ctx, 1); err != nil || v.Payload != "upserted" {
			t.Errorf("after the upsert: %+v, %v", v, err)
		}
		if vs, err := rb.FindByIDs(ctx, []int64{1, 2, 3}); err != nil || len(vs) != 3 || vs[0].Payload != "upserted" || vs[0].ID != 1 || vs[2].ID != 3 {
			t.Errorf("FindByIDs after the upsert: %+v, %v", vs, err)
		}

		// A slug that moves: the index entry s2 → 2 is stale and ignored.
		moved := "s2-moved"
		if _, err := ra.Update(ctx, 2, "v2", &moved); err != nil {
			t.Fatal(err)
		}
		if _, err := ra.Create(ctx, 5, "s2", "new s2"); err != nil {
			t.Fatal(err)
		}
		synced()
		if v, err := rb.FindBySlug(ctx, "s2"); err != nil || v.ID != 5 {
			t.Errorf("slug s2 after it moved to another item: %+v, %v", v, err)
		}
		if v, err := rb.FindBySlug(ctx, moved); err != nil || v.ID != 2 {
			t.Errorf("slug %s: %+v, %v", moved, v, err)
		}
		// Upsert outside a transaction is refused by Invalidate itself.
		if err := runtime.Invalidate(ctx, a, itemsCache.Keys(1, 1)); err == nil || !strings.Contains(err.Error(), "needs a transaction") {
			t.Errorf("Invalidate outside a transaction: %v", err)
		}
	})
}

// TestCopy: a COPY through Invalidating sends its notification after
// the COPY, in its transaction, outside one and inside one; a failed
// COPY sends none.
func TestCopy(t *testing.T) {
	variants(t, func(t *testing.T, withRedis bool) {
		a, b := pair(t, withRedis)
		ctx := testContext(t)
		na, nb := NewNoteRepo(a), NewNoteRepo(b)
		if _, err := na.CreateMany(ctx, []Note{{ID: 1, Version: 1}, {ID: 2, Version: 1}}, false); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if _, err := nb.FindByID(ctx, 1); err != nil {
				t.Fatal(err)
			}
		}
		// Replace note 1 by a COPY in a transaction (a delete and a copy,
		// like a load that replaces rows).
		err := a.InTx(ctx, runtime.TxOptions{}, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, "DELETE FROM notes WHERE id = 1"); err != nil {
				return err
			}
			_, err := NewNoteRepo(tx).CreateMany(ctx, []Note{{ID: 1, Version: 7, Body: "copied"}}, true)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := b.SyncCache(ctx); err != nil {
			t.Fatal(err)
		}
		if v, err := nb.FindByID(ctx, 1); err != nil || v.Version != 7 {
			t.Errorf("after the COPY in a transaction: %+v, %v", v, err)
		}
		// Outside a transaction, and a failing COPY (duplicate key).
		if _, err := na.CreateMany(ctx, []Note{{ID: 3, Version: 1}, {ID: 1, Version: 9}}, true); !errors.Is(runtime.Wrap(err, "", ""), runtime.ErrConflict) {
			t.Fatalf("a COPY of a duplicate key: %v", err)
		}
		if n, err := na.CreateMany(ctx, []Note{{ID: 3, Version: 1}, {ID: 4, Version: 1}}, true); err != nil || n != 2 {
			t.Fatalf("COPY: %d, %v", n, err)
		}
		if err := b.SyncCache(ctx); err != nil {
			t.Fatal(err)
		}
		if v, err := nb.FindByID(ctx, 1); err != nil || v.Version != 7 {
			t.Errorf("after the COPYs: %+v, %v", v, err)
		}
	})
}

// TestLargeInvalidation: a write whose keys do not fit in one
// notification (8000 bytes) flushes the table on the other instances,
// and still drops exactly its keys on its own.
func TestLargeInvalidation(t *testing.T) {
	a, b := pair(t, false)
	ctx := testContext(t)
	rows := make([]Note, 3000)
	for i := range rows {
		rows[i] = Note{ID: int64(i + 1), Version: 1}
	}
	na, nb := NewNoteRepo(a), NewNoteRepo(b)
	if _, err := na.CreateMany(ctx, rows[:1], false); err != nil {
		t.Fatal(err)
	}
	for _, n := range []*NoteRepo{na, nb} {
		for range 2 {
			if _, err := n.FindByID(ctx, 1); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := na.CreateMany(ctx, rows[1:], true); err != nil {
		t.Fatal(err)
	}
	if err := b.SyncCache(ctx); err != nil {
		t.Fatal(err)
	}
	sa, _ := a.Stats().Cache.Table("notes")
	sb, _ := b.Stats().Cache.Table("notes")
	if sa.Invalidations != int64(len(rows)-1) || sa.Entries == 0 {
		t.Errorf("the writer: %d keys invalidated, %d entries; want %d and its entry of note 1 kept", sa.Invalidations, sa.Entries, len(rows)-1)
	}
	if sb.Flushes == 0 || sb.Entries != 0 {
		t.Errorf("the other instance: %d flushes, %d entries; want the table flushed", sb.Flushes, sb.Entries)
	}
}

// TestPgBouncer runs the application's pools behind PgBouncer in
// transaction pooling mode and the listeners on the server directly:
// invalidations reach the other instance. Without a listener URL, Open
// refuses, saying what to do.
func TestPgBouncer(t *testing.T) {
	pgtest.NeedPgBouncer(t)
	ctx := testContext(t)
	cluster := pgtest.Current(t)
	bouncer, err := pgtest.StartPgBouncer(ctx, cluster, pgtest.PgBouncerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bouncer.Close() })
	direct := pgtest.URL(t)
	var name string
	{
		conn, err := pgx.Connect(ctx, direct)
		if err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&name); err != nil {
			t.Fatal(err)
		}
		conn.Close(ctx)
	}
	pooled := bouncer.URL(name)

	cfg := cached()
	cfg.Pooler = runtime.PoolerPgBouncer
	cfg.URL = pooled
	if _, err := runtime.Open(ctx, cfg); err == nil || !strings.Contains(err.Error(), "CPCGEN_CACHE_LISTENER_URL") {
		t.Fatalf("Open behind PgBouncer without a listener URL: %v; want an error naming CPCGEN_CACHE_LISTENER_URL", err)
	}

	open := func() *runtime.DB {
		cfg := cached()
		cfg.Pooler = runtime.PoolerPgBouncer
		cfg.Cache.ListenerURL = direct
		return openDB(t, pooled, cfg)
	}
	a, b := open(), open()
	tctx := runtime.WithTenant(ctx, int64(1))
	ra, rb := NewItemRepo(a), NewItemRepo(b)
	if _, err := ra.Create(tctx, 1, "one", "v1"); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if v, err := rb.FindByID(tctx, 1); err != nil || v.Version != 1 {
			t.Fatalf("%+v, %v", v, err)
		}
	}
	for want := int64(2); want <= 5; want++ {
		if _, err := ra.Update(tctx, 1, "v", nil); err != nil {
			t.Fatal(err)
		}
		if err := b.SyncCache(tctx); err != nil {
			t.Fatal(err)
		}
		if v, err := rb.FindByID(tctx, 1); err != nil || v.Version != want {
			t.Fatalf("behind PgBouncer, the other instance reads %+v, %v; want version %d", v, err, want)
		}
	}
	if s := itemStats(t, b); s.RemoteInvalidations < 4 || s.Hits == 0 {
		t.Errorf("stats behind PgBouncer: %+v", s)
	}
}

// TestCachingOff: with caching off, reads go to the database and writes
// still notify, so instances with caching on stay exact.
func TestCachingOff(t *testing.T) {
	url := pgtest.URL(t)
	ctx := runtime.WithTenant(testContext(t), int64(1))
	off := openDB(t, url, runtime.Config{})
	on := openDB(t, url, cached())
	roff, ron := NewItemRepo(off), NewItemRepo(on)
	if _, err := roff.Create(ctx, 1, "one", "v1"); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := ron.FindByID(ctx, 1); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := roff.Update(ctx, 1, "v2", nil); err != nil {
		t.Fatal(err)
	}
	if err := on.SyncCache(ctx); err != nil {
		t.Fatal(err)
	}
	if v, err := ron.FindByID(ctx, 1); err != nil || v.Version != 2 {
		t.Errorf("%+v, %v", v, err)
	}
	if off.Stats().Cache != nil || off.SyncCache(ctx) != nil {
		t.Errorf("a DB without caching reports cache stats")
	}
	// A plain pool works too, without a cache, for a table without
	// tenant; a tenant table needs a DB with a tenant key, which signs
	// the tenant its policies verify, and refuses before sending.
	pgtest.Exec(t, url, `INSERT INTO notes (id) VALUES (1)`)
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if v, err := NewNoteRepo(pool).FindByID(ctx, 1); err != nil || v.ID != 1 {
		t.Errorf("through a pool: %+v, %v", v, err)
	}
	if _, err := NewItemRepo(pool).FindByID(ctx, 1); !errors.Is(err, runtime.ErrNoTenantKey) {
		t.Errorf("a tenant table through a pool: %v, want ErrNoTenantKey", err)
	}
}

// TestHitAllocations: a hit of the in-process cache allocates at most
// once (the target; the generated pattern above allocates nothing), for
// a table with and without tenant.
func TestHitAllocations(t *testing.T) {
	url := pgtest.URL(t)
	ctx := testContext(t)
	db := openDB(t, url, cached())
	pgtest.Exec(t, url, `INSERT INTO notes (id) VALUES (1); INSERT INTO items (id, tenant_id, slug) VALUES (1, 1, 'one')`)
	notes, items := NewNoteRepo(db), NewItemRepo(db)
	tctx := runtime.WithTenant(ctx, int64(1))
	for _, c := range []struct {
		name string
		read func() error
	}{
		{"notes", func() error { _, err := notes.FindByID(ctx, 1); return err }},
		{"items", func() error { _, err := items.FindByID(tctx, 1); return err }},
	} {
		if err := c.read(); err != nil {
			t.Fatal(err)
		}
		allocs := testing.AllocsPerRun(1000, func() {
			if err := c.read(); err != nil {
				t.Fatal(err)
			}
		})
		t.Logf("%s: %v allocations per hit", c.name, allocs)
		if allocs > 1 {
			t.Errorf("%s: %v allocations per hit, want at most 1", c.name, allocs)
		}
	}
	if s := itemStats(t, db); s.Hits < 1000 {
		t.Errorf("the reads did not hit: %+v", s)
	}
}
