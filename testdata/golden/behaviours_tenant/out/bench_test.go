package tenantdb

// The cost of tenant scoping: a generated method of a tenant table sends
// its statement in one pgx.Batch behind set_config('cpcgen.tenant', …,
// true). These benchmarks time FindByID that way and the same statement
// (tenant condition included) sent alone, call by call alternately:
//
//	go test -run='^$' -bench=. -count=6 ./testdata/golden/behaviours_tenant/out/

import (
	"context"
	"testing"
	"time"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// paired runs plain and scoped alternately, timing every call, and
// reports both means and their ratio.
func paired(b *testing.B, plain, scoped func()) {
	var tp, ts time.Duration
	run := func(fn func(), total *time.Duration) {
		start := time.Now()
		fn()
		*total += time.Since(start)
	}
	for i := 0; i < b.N; i++ {
		if i%2 == 0 {
			run(plain, &tp)
			run(scoped, &ts)
		} else {
			run(scoped, &ts)
			run(plain, &tp)
		}
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(tp.Nanoseconds())/float64(b.N), "plain-ns/op")
	b.ReportMetric(float64(ts.Nanoseconds())/float64(b.N), "scoped-ns/op")
	b.ReportMetric(float64(ts)/float64(tp), "ratio")
}

func BenchmarkTenantScope(b *testing.B) {
	pool := pgtest.Pool(b)
	s := NewStore(pool)
	a := seed(b, s, "a")
	ctx := a.ctx
	id := a.projects[0].ID
	plain := func() {
		if _, err := runtime.QueryOne(context.Background(), pool, sqlProjectsFindByID, id, runtime.Arg, scanProject, a.id); err != nil {
			b.Fatal(err)
		}
	}
	scoped := func() {
		if _, err := s.Projects.FindByID(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("FindByID/plain", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			plain()
		}
	})
	b.Run("FindByID/scoped", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			scoped()
		}
	})
	b.Run("FindByID/paired", func(b *testing.B) { paired(b, plain, scoped) })
}
