package cachetest

import (
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// Run the benchmarks side by side:
//
//	go test -run '^$' -bench . -benchmem ./runtime/internal/cachetest
//
// Each reports cpu-ns/op: the CPU time of the whole test process (user
// and system, every thread: the client's side of the work, since the
// servers are other processes) divided by the operations.

// cpuClock measures the process's CPU time.
type cpuClock struct{ total time.Duration }

func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measure runs f, adding the CPU time it took to c.
func (c *cpuClock) measure(f func()) {
	start := processCPU()
	f()
	c.total += processCPU() - start
}

func (c *cpuClock) report(b *testing.B) {
	b.ReportMetric(float64(c.total.Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// measureCPU runs f, the loop of benchmark b, and reports its
// allocations and CPU time per op.
func measureCPU(b *testing.B, f func()) {
	var c cpuClock
	b.ReportAllocs()
	c.measure(f)
	c.report(b)
}

// benchDB seeds notes 1…100 into a fresh database and returns its URL.
func benchDB(b *testing.B) string {
	url := pgtest.URL(b)
	pgtest.Exec(b, url, `INSERT INTO notes (id, body) SELECT i, 'note ' || i FROM generate_series(1, 100) AS i`)
	return url
}

// The configurations the benchmarks compare; each sub-benchmark opens
// its own DB, so that only its listener hears the notifications.
type benchVariant struct {
	name string
	open func(b *testing.B, url string) *runtime.DB
}

func plainDB(b *testing.B, url string) *runtime.DB { return openDB(b, url, runtime.Config{}) }

func inProcessDB(b *testing.B, url string) *runtime.DB {
	return openDB(b, url, runtime.Config{Cache: runtime.CacheConfig{Enabled: true}})
}

func redisDB(b *testing.B, url string) *runtime.DB {
	return openDB(b, url, runtime.Config{Cache: runtime.CacheConfig{Enabled: true, Shared: sharedRedis(b)(0)}})
}

// BenchmarkFindByID compares a read by primary key: hand-written pgx,
// the generated read without cache, and the cached read on a hit, in
// process and in Redis.
func BenchmarkFindByID(b *testing.B) {
	url := benchDB(b)
	ctx := testContext(b)
	const id = 42
	b.Run("pgx", func(b *testing.B) {
		pool, err := pgxpool.New(ctx, url)
		if err != nil {
			b.Fatal(err)
		}
		defer pool.Close()
		var v Note
		measureCPU(b, func() {
			for b.Loop() {
				if err := pool.QueryRow(ctx, sqlNotesFindByID, id).Scan(&v.ID, &v.Version, &v.Body); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("uncached", func(b *testing.B) {
		repo := NewNoteRepo(plainDB(b, url))
		measureCPU(b, func() {
			for b.Loop() {
				if _, err := repo.FindByIDUncached(ctx, id); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	for _, v := range []benchVariant{{"hit", inProcessDB}, {"redis-hit", redisDB}} {
		b.Run(v.name, func(b *testing.B) {
			db := v.open(b, url)
			repo := NewNoteRepo(db)
			if _, err := repo.FindByID(ctx, id); err != nil {
				b.Fatal(err)
			}
			measureCPU(b, func() {
				for b.Loop() {
					if _, err := repo.FindByID(ctx, id); err != nil {
						b.Fatal(err)
					}
				}
			})
			if s, _ := db.Stats().Cache.Table("notes"); s.Misses != 1 {
				b.Fatalf("%d misses, want 1: the benchmark did not measure hits", s.Misses)
			}
		})
	}
}

// BenchmarkFindByIDTenant is BenchmarkFindByID for a tenant table,
// whose uncached read sends the tenant setting in the same batch.
func BenchmarkFindByIDTenant(b *testing.B) {
	url := pgtest.URL(b)
	ctx := runtime.WithTenant(testContext(b), int64(1))
	pgtest.Exec(b, url, `INSERT INTO items (id, tenant_id, slug) VALUES (1, 1, 'one')`)
	b.Run("uncached", func(b *testing.B) {
		repo := NewItemRepo(plainDB(b, url))
		measureCPU(b, func() {
			for b.Loop() {
				if _, err := repo.FindByIDUncached(ctx, 1); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("hit", func(b *testing.B) {
		repo := NewItemRepo(inProcessDB(b, url))
		if _, err := repo.FindByID(ctx, 1); err != nil {
			b.Fatal(err)
		}
		measureCPU(b, func() {
			for b.Loop() {
				if _, err := repo.FindByID(ctx, 1); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}

// BenchmarkFindByIDParallel reads one hot row from every processor.
func BenchmarkFindByIDParallel(b *testing.B) {
	url := benchDB(b)
	ctx := testContext(b)
	for _, v := range []struct {
		benchVariant
		cached bool
	}{{benchVariant{"uncached", plainDB}, false}, {benchVariant{"hit", inProcessDB}, true}} {
		b.Run(v.name, func(b *testing.B) {
			repo := NewNoteRepo(v.open(b, url))
			if _, err := repo.FindByID(ctx, 7); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					var err error
					if v.cached {
						_, err = repo.FindByID(ctx, 7)
					} else {
						_, err = repo.FindByIDUncached(ctx, 7)
					}
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkUpdate compares an update by primary key without cache and
// with its notification (and the local invalidation), in process and
// with Redis (where the writer also drops the key in Redis).
func BenchmarkUpdate(b *testing.B) {
	url := benchDB(b)
	ctx := testContext(b)
	for _, v := range []struct {
		benchVariant
		notify bool
	}{{benchVariant{"plain", plainDB}, false}, {benchVariant{"notify-caching-off", plainDB}, true}, {benchVariant{"notify", inProcessDB}, true}, {benchVariant{"notify-redis", redisDB}, true}} {
		b.Run(v.name, func(b *testing.B) {
			repo := NewNoteRepo(v.open(b, url))
			measureCPU(b, func() {
				for b.Loop() {
					var err error
					if v.notify {
						_, err = repo.Update(ctx, 9, "updated")
					} else {
						_, err = repo.UpdateUncached(ctx, 9, "updated")
					}
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// BenchmarkCopy10k compares a COPY of 10,000 rows without and with the
// invalidation of their keys (in process: 10,000 local invalidations and
// one notification, a table flush, since the keys exceed 8000 bytes).
func BenchmarkCopy10k(b *testing.B) {
	url := benchDB(b)
	ctx := testContext(b)
	rows := make([]Note, 10_000)
	for i := range rows {
		rows[i] = Note{ID: int64(1000 + i), Version: 1, Body: "copied " + strconv.Itoa(i)}
	}
	for _, v := range []struct {
		benchVariant
		notify bool
	}{{benchVariant{"plain", plainDB}, false}, {benchVariant{"notify", inProcessDB}, true}, {benchVariant{"notify-redis", redisDB}, true}} {
		b.Run(v.name, func(b *testing.B) {
			db := v.open(b, url)
			repo := NewNoteRepo(db)
			var c cpuClock
			var wall time.Duration
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				if _, err := db.Exec(ctx, "DELETE FROM notes WHERE id >= 1000"); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				start := time.Now()
				c.measure(func() {
					if _, err := repo.CreateMany(ctx, rows, v.notify); err != nil {
						b.Fatal(err)
					}
				})
				wall += time.Since(start)
			}
			c.report(b)
			b.ReportMetric(float64(wall.Nanoseconds())/float64(b.N), "wall-ns/op")
		})
	}
}
