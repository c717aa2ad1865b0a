package cachedb

import (
	"context"
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
	"github.com/cpcgen/cpcgen/runtime/rediscache"
	"github.com/cpcgen/cpcgen/runtime/rediscache/redistest"
)

// The generated cached reads side by side with the same reads uncached
// and with hand-written pgx:
//
//	go test -run '^$' -bench . -benchmem -count 5 ./testdata/golden/cache/out
//
// cpu-ns/op is the CPU time of the whole test process (user and system,
// every thread) per operation: the client's side, since PostgreSQL and
// Redis are other processes.

func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loop runs f b.N times and reports allocations and the client CPU per
// operation.
func loop(b *testing.B, f func() error) {
	b.ReportAllocs()
	start := processCPU()
	for b.Loop() {
		if err := f(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((processCPU()-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// benchVariants are the DBs the benchmarks compare: without caching,
// with in-process caches, and with a shared Redis.
var benchVariants = []struct {
	name   string
	cached bool
	redis  bool
}{{"uncached", false, false}, {"hit", true, false}, {"redis-hit", true, true}}

func openBench(b *testing.B, url string, cached, redis bool) *runtime.DB {
	ctx := context.Background()
	cfg := runtime.Config{URL: url, Cache: runtime.CacheConfig{Enabled: cached, ListenerURL: pgtest.DirectURL(b, url)}}
	if redis {
		shared, err := rediscache.Open(ctx, redistest.New(b).URL(), rediscache.Options{Prefix: fmt.Sprintf("bench:%d:", rand.Int64())})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { shared.Close() })
		cfg.Cache.Shared = shared
	}
	db, err := runtime.Open(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(db.Close)
	return db
}

// BenchmarkFindByID reads one setting (a table without tenant) by key:
// hand-written pgx on a pool, the generated FindByID uncached, and a hit
// in process and in Redis.
func BenchmarkFindByID(b *testing.B) {
	ctx := context.Background()
	url := pgtest.URL(b)
	seed := openBench(b, url, false, false)
	for i := range 100 {
		if _, err := NewStore(seed).Settings.Create(ctx, NewSetting{Key: fmt.Sprint("key-", i), Value: fmt.Sprint("value ", i)}); err != nil {
			b.Fatal(err)
		}
	}
	const key = "key-42"
	b.Run("pgx", func(b *testing.B) {
		pool, err := pgxpool.New(ctx, url)
		if err != nil {
			b.Fatal(err)
		}
		defer pool.Close()
		const sql = `SELECT "key", "value" FROM "settings" WHERE "key" = $1`
		var v Setting
		loop(b, func() error { return pool.QueryRow(ctx, sql, key).Scan(&v.Key, &v.Value) })
	})
	for _, bv := range benchVariants {
		b.Run(bv.name, func(b *testing.B) {
			s := NewStore(openBench(b, url, bv.cached, bv.redis))
			loop(b, func() error { _, err := s.Settings.FindByID(ctx, key); return err })
		})
	}
}

// BenchmarkFindByIDTenant reads one org (a tenant table, uuid keys) by
// key: uncached, the generated read also sets the tenant for row-level
// security; a hit does not reach the server.
func BenchmarkFindByIDTenant(b *testing.B) {
	ctx := runtime.WithTenant(context.Background(), uuid.New())
	url := pgtest.URL(b)
	o, err := NewStore(openBench(b, url, false, false)).Orgs.Create(ctx, NewOrg{Slug: "acme", Name: "Acme"})
	if err != nil {
		b.Fatal(err)
	}
	for _, bv := range benchVariants {
		b.Run(bv.name, func(b *testing.B) {
			s := NewStore(openBench(b, url, bv.cached, bv.redis))
			loop(b, func() error { _, err := s.Orgs.FindByID(ctx, o.ID); return err })
		})
	}
	for _, bv := range benchVariants[:2] {
		b.Run("by-slug-"+bv.name, func(b *testing.B) {
			s := NewStore(openBench(b, url, bv.cached, false))
			loop(b, func() error { _, err := s.Orgs.BySlug(ctx, "acme"); return err })
		})
	}
}

// BenchmarkFindByIDs reads 20 users of a tenant by id: one statement
// uncached, none when all hit.
func BenchmarkFindByIDs(b *testing.B) {
	ctx := runtime.WithTenant(context.Background(), uuid.New())
	url := pgtest.URL(b)
	s := NewStore(openBench(b, url, false, false))
	if _, err := s.Orgs.Create(ctx, NewOrg{Slug: "acme", Name: "Acme"}); err != nil {
		b.Fatal(err)
	}
	var ids []int64
	for i := range 20 {
		u, err := s.Users.Create(ctx, NewUser{Email: fmt.Sprintf("u%d@x.io", i), Name: fmt.Sprint("u", i)})
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	for _, bv := range benchVariants[:2] {
		b.Run(bv.name, func(b *testing.B) {
			s := NewStore(openBench(b, url, bv.cached, false))
			loop(b, func() error {
				rows, err := s.Users.FindByIDs(ctx, ids)
				if err == nil && len(rows) != len(ids) {
					err = fmt.Errorf("%d rows", len(rows))
				}
				return err
			})
		})
	}
}

// BenchmarkUpdate updates a setting: the write's cost of its
// invalidation (a notification in the same batch, and the instance's own
// listener receiving it) against the same update on a DB without
// caching, which still sends the notification.
func BenchmarkUpdate(b *testing.B) {
	ctx := context.Background()
	url := pgtest.URL(b)
	if _, err := NewStore(openBench(b, url, false, false)).Settings.Create(ctx, NewSetting{Key: "k", Value: "v"}); err != nil {
		b.Fatal(err)
	}
	for _, bv := range benchVariants[:2] {
		b.Run(bv.name, func(b *testing.B) {
			s := NewStore(openBench(b, url, bv.cached, false))
			i := 0
			loop(b, func() error {
				i++
				_, err := s.Settings.Update(ctx, "k", SettingUpdate{Value: runtime.Set(fmt.Sprint(i))})
				return err
			})
		})
	}
}

// BenchmarkUpsertByLabel upserts a code on a unique key other than its
// primary key: on a cached table the row's key comes back from the
// statement, so the method runs it and the invalidation in a
// transaction of its own; uncached is the same method on a DB without
// caching, which still does.
func BenchmarkUpsertByLabel(b *testing.B) {
	ctx := context.Background()
	url := pgtest.URL(b)
	if _, err := NewStore(openBench(b, url, false, false)).Labels.Create(ctx, NewLabel{Name: "gold"}); err != nil {
		b.Fatal(err)
	}
	for _, bv := range []struct {
		name   string
		cached bool
	}{{"uncached", false}, {"cached", true}} {
		b.Run(bv.name, func(b *testing.B) {
			s := NewStore(openBench(b, url, bv.cached, false))
			i := 0
			loop(b, func() error {
				i++
				_, err := s.Codes.UpsertByLabel(ctx, NewCode{Region: RegionEu, Num: 1, Label: "gold", Note: runtime.Set(fmt.Sprint(i))})
				return err
			})
		})
	}
	b.Run("statement-alone", func(b *testing.B) {
		pool, err := pgxpool.New(ctx, url)
		if err != nil {
			b.Fatal(err)
		}
		defer pool.Close()
		i := 0
		var v Code
		loop(b, func() error {
			i++
			return pool.QueryRow(ctx, opCodesUpsertByLabel.SQL, RegionEu, int32(1), "gold", fmt.Sprint(i)).Scan(scanCode(&v, nil)...)
		})
	})
}
