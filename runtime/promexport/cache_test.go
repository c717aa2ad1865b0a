package promexport_test

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
	"github.com/cpcgen/cpcgen/runtime/promexport"
)

type account struct {
	ID      int64 `json:"id"`
	Balance int   `json:"balance"`
}

var accountsCache = runtime.NewCacheTable(runtime.CacheTableSpec[runtime.NoTenant, int64, account]{
	Table:  "accounts",
	Tenant: runtime.NoTenantKeys,
	Key:    runtime.Int64Keys,
	KeyOf:  func(v *account) int64 { return v.ID },
})

// findAccount is a cached FindByID, as generated code reads.
func findAccount(t *testing.T, db *runtime.DB, id int64) account {
	t.Helper()
	ctx := pgtest.Context(t)
	if v, ok, fill := accountsCache.Get(ctx, db, runtime.NoTenant{}, id); ok {
		return v
	} else {
		var row account
		if err := db.QueryRow(fill.Context(ctx), "-- name: accounts.FindByID\nSELECT id, balance FROM accounts WHERE id = $1", id).Scan(&row.ID, &row.Balance); err != nil {
			fill.Abort()
			t.Fatal(err)
		}
		fill.Done(ctx, &row)
		return row
	}
}

// TestCacheMetrics scrapes the row cache's counters after a known
// sequence: a miss, two hits, an update (a local invalidation), a miss.
func TestCacheMetrics(t *testing.T) {
	ctx := pgtest.Context(t)
	db := openDB(t, runtime.Config{Cache: runtime.CacheConfig{Enabled: true}})
	if _, err := db.Exec(ctx, "INSERT INTO accounts VALUES (1, 10)"); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		findAccount(t, db, 1)
	}
	w := runtime.Invalidating(db, accountsCache.Keys(runtime.NoTenant{}, 1))
	if _, err := w.Exec(ctx, "-- name: accounts.Update\nUPDATE accounts SET balance = 20 WHERE id = $1", 1); err != nil {
		t.Fatal(err)
	}
	if got := findAccount(t, db, 1); got.Balance != 20 {
		t.Fatalf("after the update: %+v", got)
	}
	c := promexport.NewCollector(db)
	expected := `
# HELP cpcgen_db_cache_hits_total Reads answered by a row cache.
# TYPE cpcgen_db_cache_hits_total counter
cpcgen_db_cache_hits_total{index="",table="accounts"} 2
# HELP cpcgen_db_cache_misses_total Reads that missed a row cache and went to the database.
# TYPE cpcgen_db_cache_misses_total counter
cpcgen_db_cache_misses_total{index="",table="accounts"} 2
# HELP cpcgen_db_cache_fills_total Rows stored in a row cache after a miss.
# TYPE cpcgen_db_cache_fills_total counter
cpcgen_db_cache_fills_total{index="",table="accounts"} 2
# HELP cpcgen_db_cache_invalidations_total Keys dropped from a row cache, by this instance's writes (source local) or by notifications (source remote).
# TYPE cpcgen_db_cache_invalidations_total counter
cpcgen_db_cache_invalidations_total{index="",source="local",table="accounts"} 1
cpcgen_db_cache_invalidations_total{index="",source="remote",table="accounts"} 0
# HELP cpcgen_db_cache_entries Entries of an in-process row cache (an estimate).
# TYPE cpcgen_db_cache_entries gauge
cpcgen_db_cache_entries{index="",table="accounts"} 1
# HELP cpcgen_db_cache_listener_up 1 while the row caches' listener is connected and cached reads are served, else 0.
# TYPE cpcgen_db_cache_listener_up gauge
cpcgen_db_cache_listener_up 1
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(expected),
		"cpcgen_db_cache_hits_total", "cpcgen_db_cache_misses_total", "cpcgen_db_cache_fills_total",
		"cpcgen_db_cache_invalidations_total", "cpcgen_db_cache_entries", "cpcgen_db_cache_listener_up"); err != nil {
		t.Error(err)
	}
	problems, err := testutil.CollectAndLint(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
	// Without caching, no cache series.
	plain := openDB(t, runtime.Config{})
	if n := testutil.CollectAndCount(promexport.NewCollector(plain), "cpcgen_db_cache_listener_up"); n != 0 {
		t.Errorf("%d cache series without caching", n)
	}
}
