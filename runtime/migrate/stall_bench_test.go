package migrate_test

import (
	"context"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cpcgen/cpcgen/runtime/migrate"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// BenchmarkWriteStall measures what a schema or data change on a table of
// 1,000,000 rows costs the application's writes running beside it: two
// writers update random rows and insert new ones, and the benchmark
// reports the longest write (max-write-ms) and the 99th percentile
// (p99-write-ms) while the change runs; ns/op is the change's duration.
// The online ways (a batched backfill, CREATE INDEX CONCURRENTLY through
// the runner) run side by side with what a plain migration does (one
// UPDATE of the whole table, a plain CREATE INDEX), the reference.
//
//	go test ./runtime/migrate -run '^$' -bench WriteStall -benchtime 1x
func BenchmarkWriteStall(b *testing.B) {
	cases := []struct {
		name string
		run  func(b *testing.B, pool *pgxpool.Pool)
	}{
		{"backfill/batched-1000", func(b *testing.B, pool *pgxpool.Pool) {
			backfillBench(b, pool, 1000)
		}},
		{"backfill/batched-10000", func(b *testing.B, pool *pgxpool.Pool) {
			backfillBench(b, pool, 10_000)
		}},
		{"backfill/one-update", func(b *testing.B, pool *pgxpool.Pool) {
			if _, err := pool.Exec(context.Background(), `UPDATE events SET n = n + 1`); err != nil {
				b.Fatal(err)
			}
		}},
		{"index/concurrently", func(b *testing.B, pool *pgxpool.Pool) {
			migrateBench(b, pool, "CREATE INDEX CONCURRENTLY events_status_idx ON events (status);\n")
		}},
		{"index/plain", func(b *testing.B, pool *pgxpool.Pool) {
			migrateBench(b, pool, "CREATE INDEX events_status_idx ON events (status);\n")
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var maxLat, p99 time.Duration
			var writes int
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				pool := stallTable(b)
				var nextID atomic.Int64
				nextID.Store(1_000_000)
				load := startWriters(b, pool, 2, 1_000_000, &nextID)
				time.Sleep(200 * time.Millisecond) // writers warm
				b.StartTimer()
				c.run(b, pool)
				b.StopTimer()
				lat := load.stop()
				if n := load.errors.Load(); n > 0 {
					b.Fatalf("%d writes failed, last: %v", n, load.lastErr.Load())
				}
				m, p := latencySummary(lat)
				maxLat, p99 = max(maxLat, m), max(p99, p)
				writes += len(lat)
				pool.Close()
			}
			b.ReportMetric(float64(maxLat.Microseconds())/1000, "max-write-ms")
			b.ReportMetric(float64(p99.Microseconds())/1000, "p99-write-ms")
			b.ReportMetric(float64(writes)/float64(b.N), "writes/op")
		})
	}
}

// stallTable returns a pool on a fresh database holding the table events
// with 1,000,000 rows.
func stallTable(b *testing.B) *pgxpool.Pool {
	cfg, err := pgxpool.ParseConfig(pgtest.URL(b))
	if err != nil {
		b.Fatal(err)
	}
	cfg.MaxConns = 8
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	_, err = pool.Exec(context.Background(), `CREATE TABLE events (id bigint PRIMARY KEY, n int NOT NULL DEFAULT 0, touched int NOT NULL DEFAULT 0, status text);
INSERT INTO events (id, status) SELECT g, (ARRAY['new', 'paid', 'shipped', 'done'])[1 + g % 4] FROM generate_series(1, 1000000) g`)
	if err == nil {
		_, err = pool.Exec(context.Background(), `VACUUM ANALYZE events`)
	}
	if err != nil {
		b.Fatal(err)
	}
	return pool
}

func backfillBench(b *testing.B, pool *pgxpool.Pool, batch int) {
	_, err := migrate.Backfill(context.Background(), pool, migrate.BackfillSpec{Name: "bench", Table: "events", Set: "n = n + 1", BatchSize: batch})
	if err != nil {
		b.Fatal(err)
	}
}

func migrateBench(b *testing.B, pool *pgxpool.Pool, sql string) {
	m, err := migrate.New(pool, fstest.MapFS{"000001_idx.up.sql": file(sql)}, migrate.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := m.Up(context.Background()); err != nil {
		b.Fatal(err)
	}
}
