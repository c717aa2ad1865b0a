package runtime_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cpcgen/cpcgen/runtime"
)

// observeCases are the set-ups BenchmarkObserve compares: no tracer (what
// Open installs when nothing observes), the tracer with no observer (its
// fixed cost), with the metrics observer (Config.Metrics), and with
// three: metrics, the slog observer with an Info logger (so that only
// slow and failed statements would be logged) and a no-op observer.
func observeCases() []struct {
	name   string
	tracer func() pgx.QueryTracer
} {
	noop := runtime.ObserverFunc(func(context.Context, *runtime.QueryEvent) {})
	info := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))
	return []struct {
		name   string
		tracer func() pgx.QueryTracer
	}{
		{"no-tracer", nil},
		{"observers=0", func() pgx.QueryTracer { return runtime.NewTracerForTest() }},
		{"observers=1", func() pgx.QueryTracer { return runtime.NewTracerForTest(runtime.NewMetricsObserverForTest()) }},
		{"observers=3", func() pgx.QueryTracer {
			return runtime.NewTracerForTest(runtime.NewMetricsObserverForTest(),
				runtime.NewSlogObserver(info, runtime.SlogOptions{SlowQuery: 100e6}), noop)
		}},
	}
}

const benchSQL = "-- name: bench.Get sensitive=2\nSELECT $1::int + 1, $2::text"

// BenchmarkObserve measures what observing statements costs.
//
// roundtrip runs one statement against PostgreSQL per iteration, as an
// application does; tracer calls only the tracer's start and end hooks
// for one statement on an idle connection, which isolates the overhead
// from the network and the server.
func BenchmarkObserve(b *testing.B) {
	url := openDB(b, runtime.Config{}).Pool().Config().ConnString()
	ctx := context.Background()
	for _, c := range observeCases() {
		pc, err := pgxpool.ParseConfig(url)
		if err != nil {
			b.Fatal(err)
		}
		pc.AfterConnect = runtime.AfterConnect
		if c.tracer != nil {
			pc.ConnConfig.Tracer = c.tracer()
		}
		pool, err := pgxpool.NewWithConfig(ctx, pc)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(pool.Close)

		b.Run("roundtrip/"+c.name, func(b *testing.B) { benchRoundTrip(b, ctx, pool) })

		b.Run("tracer/"+c.name, func(b *testing.B) {
			conn, err := pool.Acquire(ctx)
			if err != nil {
				b.Fatal(err)
			}
			defer conn.Release()
			tr := pc.ConnConfig.Tracer
			args := []any{1, "secret"}
			tag := pgconn.NewCommandTag("SELECT 1")
			b.ReportAllocs()
			for b.Loop() {
				if tr == nil {
					continue
				}
				tctx := tr.TraceQueryStart(ctx, conn.Conn(), pgx.TraceQueryStartData{SQL: benchSQL, Args: args})
				tr.TraceQueryEnd(tctx, conn.Conn(), pgx.TraceQueryEndData{CommandTag: tag})
			}
		})
	}
}

// BenchmarkObserveDB runs one statement per iteration through a
// runtime.DB as Open configures it: nothing observing (no tracer), query
// metrics, and metrics plus the statement log at Info level plus one
// more observer.
func BenchmarkObserveDB(b *testing.B) {
	url := openDB(b, runtime.Config{}).Pool().Config().ConnString()
	ctx := context.Background()
	noop := runtime.ObserverFunc(func(context.Context, *runtime.QueryEvent) {})
	info := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))
	for _, c := range []struct {
		name string
		cfg  runtime.Config
	}{
		{"nothing", runtime.Config{}},
		{"metrics", runtime.Config{Metrics: true}},
		{"metrics+log+1", runtime.Config{Metrics: true, Logger: info, SlowQuery: 100e6, Observers: []runtime.Observer{noop}}},
	} {
		c.cfg.URL = url
		db, err := runtime.Open(ctx, c.cfg)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(db.Close)
		b.Run(c.name, func(b *testing.B) { benchRoundTrip(b, ctx, db) })
	}
}

// benchRoundTrip runs benchSQL on db once per iteration.
func benchRoundTrip(b *testing.B, ctx context.Context, db runtime.DBTX) {
	var n int
	var s string
	b.ReportAllocs()
	for b.Loop() {
		if err := db.QueryRow(ctx, benchSQL, 1, "secret").Scan(&n, &s); err != nil {
			b.Fatal(err)
		}
	}
}
