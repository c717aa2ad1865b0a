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

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

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

// BenchmarkTenantPolicy measures the row-level security policy per
// statement, as the application role (the policies do not apply to the
// superuser of BenchmarkTenantScope): FindByID's statement behind the
// tenant setting in one batch, on a database whose policy compares the
// column with the setting itself (as before tenant tokens; any SQL could
// set it) and on one whose policy verifies a signed token with
// cpcgen_tenant() (the token made for each call, as ScopedDB does),
// alternately.
//
//	go test -run='^$' -bench=TenantPolicy -count=6 ./testdata/golden/behaviours_tenant/out/
func BenchmarkTenantPolicy(b *testing.B) {
	ctx := context.Background()
	key := pgtest.TenantKey(b)
	open := func(legacy bool) (*pgxpool.Pool, org) {
		admin := pgtest.Pool(b)
		a := seed(b, NewStore(admin), "a")
		if legacy {
			expr := `org_id = NULLIF(current_setting('cpcgen.tenant', true), '')::uuid`
			if _, err := admin.Exec(ctx, `ALTER POLICY cpcgen_tenant ON projects USING (`+expr+`) WITH CHECK (`+expr+`)`); err != nil {
				b.Fatal(err)
			}
		}
		return appRole(b, admin), a
	}
	legacyPool, la := open(true)
	tokenPool, ta := open(false)
	find := func(pool *pgxpool.Pool, a org, setting string) {
		batch := &pgx.Batch{}
		batch.Queue(`SELECT set_config('cpcgen.tenant', $1, true)`, setting)
		batch.Queue(sqlProjectsFindByID, a.projects[0].ID, a.id)
		br := pool.SendBatch(ctx, batch)
		if _, err := br.Exec(); err != nil {
			b.Fatal(err)
		}
		if _, err := runtime.ScanOne(br.QueryRow(), scanProject); err != nil {
			b.Fatal(err)
		}
		if err := br.Close(); err != nil {
			b.Fatal(err)
		}
	}
	legacy := func() { find(legacyPool, la, la.id.String()) }
	token := func() { find(tokenPool, ta, key.Token(ta.id.String(), 0, time.Now().Add(time.Minute))) }
	b.Run("FindByID/setting", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			legacy()
		}
	})
	b.Run("FindByID/token", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			token()
		}
	})
	b.Run("FindByID/paired", func(b *testing.B) { paired(b, legacy, token) })
}
