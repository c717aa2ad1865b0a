package promexport_test

import (
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
	"github.com/cpcgen/cpcgen/runtime/promexport"
)

// openDB opens a DB with query metrics on a fresh database and creates a
// table accounts before the collector sees anything.
func openDB(t *testing.T, cfg runtime.Config) *runtime.DB {
	t.Helper()
	ctx := pgtest.Context(t)
	url := pgtest.URL(t)
	pgtest.Exec(t, url, "CREATE TABLE accounts (id bigint PRIMARY KEY, balance int NOT NULL CHECK (balance >= 0))")
	cfg.URL = url
	db, err := runtime.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

// scrape GETs url and parses the text exposition format.
func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return families
}

// byLabels returns the metrics of family name, keyed by their label
// values joined with "/" in the order of the label names given.
func byLabels(families map[string]*dto.MetricFamily, name string, labels ...string) map[string]*dto.Metric {
	out := map[string]*dto.Metric{}
	f := families[name]
	if f == nil {
		return out
	}
	for _, m := range f.GetMetric() {
		values := map[string]string{}
		for _, lp := range m.GetLabel() {
			values[lp.GetName()] = lp.GetValue()
		}
		var key []string
		for _, l := range labels {
			key = append(key, values[l])
		}
		out[strings.Join(key, "/")] = m
	}
	return out
}

// TestScrape runs a known set of statements, scrapes a real HTTP
// handler and checks that the counts are exactly those statements.
func TestScrape(t *testing.T) {
	ctx := pgtest.Context(t)
	db := openDB(t, runtime.Config{Metrics: true, MaxConns: 3})
	reg := prometheus.NewRegistry()
	reg.MustRegister(promexport.NewCollector(db))
	srv := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.HTTPErrorOnError}))
	defer srv.Close()

	const (
		create   = "-- name: accounts.Create\nINSERT INTO accounts (id, balance) VALUES ($1, $2)"
		find     = "-- name: accounts.FindByID\nSELECT balance FROM accounts WHERE id = $1"
		withdraw = "-- name: accounts.Withdraw\nUPDATE accounts SET balance = balance - $2 WHERE id = $1"
	)
	for id := 1; id <= 5; id++ {
		if _, err := db.Exec(ctx, create, id, 100); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		if _, err := db.Exec(ctx, create, 1, 100); !errors.Is(runtime.Wrap(err, "", ""), runtime.ErrConflict) {
			t.Fatalf("duplicate: %v", err)
		}
	}
	if _, err := db.Exec(ctx, withdraw, 2, 1000); !errors.Is(runtime.Wrap(err, "", ""), runtime.ErrCheck) {
		t.Fatalf("overdraw: %v", err)
	}
	if _, err := db.Exec(ctx, withdraw, 2, 10); err != nil {
		t.Fatal(err)
	}
	var balance int
	for id := 1; id <= 3; id++ {
		if err := db.QueryRow(ctx, find, id).Scan(&balance); err != nil {
			t.Fatal(err)
		}
	}

	expected := `
# HELP cpcgen_db_queries_total Statements run, failed ones included, by operation.
# TYPE cpcgen_db_queries_total counter
cpcgen_db_queries_total{operation="accounts.Create",table="accounts"} 7
cpcgen_db_queries_total{operation="accounts.FindByID",table="accounts"} 3
cpcgen_db_queries_total{operation="accounts.Withdraw",table="accounts"} 2
# HELP cpcgen_db_query_errors_total Statements that failed, by operation and kind of failure.
# TYPE cpcgen_db_query_errors_total counter
cpcgen_db_query_errors_total{kind="check",operation="accounts.Withdraw",table="accounts"} 1
cpcgen_db_query_errors_total{kind="conflict",operation="accounts.Create",table="accounts"} 2
# HELP cpcgen_db_query_rows_total Rows returned or affected by statements, by operation.
# TYPE cpcgen_db_query_rows_total counter
cpcgen_db_query_rows_total{operation="accounts.Create",table="accounts"} 5
cpcgen_db_query_rows_total{operation="accounts.FindByID",table="accounts"} 3
cpcgen_db_query_rows_total{operation="accounts.Withdraw",table="accounts"} 1
`
	if err := testutil.ScrapeAndCompare(srv.URL, strings.NewReader(expected),
		"cpcgen_db_queries_total", "cpcgen_db_query_errors_total", "cpcgen_db_query_rows_total"); err != nil {
		t.Error(err)
	}

	families := scrape(t, srv.URL)
	histograms := byLabels(families, "cpcgen_db_query_duration_seconds", "operation")
	counts := map[string]uint64{}
	for op, m := range histograms {
		h := m.GetHistogram()
		counts[op] = h.GetSampleCount()
		if h.GetSampleSum() <= 0 {
			t.Errorf("%s: duration sum %v", op, h.GetSampleSum())
		}
		buckets := h.GetBucket()
		bounds := runtime.QueryBuckets()
		if len(buckets) != len(bounds)+1 {
			t.Fatalf("%s: %d buckets, want %d and +Inf", op, len(buckets), len(bounds))
		}
		if inf := buckets[len(bounds)]; !math.IsInf(inf.GetUpperBound(), 1) || inf.GetCumulativeCount() != h.GetSampleCount() {
			t.Errorf("%s: last bucket %v with %d samples", op, inf, h.GetSampleCount())
		}
		for i, b := range buckets[:len(bounds)] {
			if want := bounds[i].Seconds(); b.GetUpperBound() != want {
				t.Errorf("%s: bucket %d bound %v, want %v", op, i, b.GetUpperBound(), want)
			}
			if i > 0 && b.GetCumulativeCount() < buckets[i-1].GetCumulativeCount() || b.GetCumulativeCount() > h.GetSampleCount() {
				t.Errorf("%s: bucket counts %v with %d samples", op, buckets, h.GetSampleCount())
			}
		}
	}
	if diff := cmp.Diff(map[string]uint64{"accounts.Create": 7, "accounts.FindByID": 3, "accounts.Withdraw": 2}, counts); diff != "" {
		t.Errorf("histogram counts (-want +got):\n%s", diff)
	}

	pool := func(name string) float64 {
		f := families["cpcgen_db_"+name]
		if f == nil || len(f.GetMetric()) != 1 {
			t.Fatalf("no single metric %s", name)
		}
		m := f.GetMetric()[0]
		if m.GetGauge() != nil {
			return m.GetGauge().GetValue()
		}
		return m.GetCounter().GetValue()
	}
	if got := pool("pool_max_conns"); got != 3 {
		t.Errorf("pool_max_conns = %v", got)
	}
	if got := pool("pool_acquired_conns"); got != 0 {
		t.Errorf("pool_acquired_conns = %v", got)
	}
	if got := pool("pool_acquires_total"); got < 12 {
		t.Errorf("pool_acquires_total = %v, want at least one per statement", got)
	}
	if got := pool("pool_new_conns_total"); got < 1 || got > 3 {
		t.Errorf("pool_new_conns_total = %v", got)
	}
	for _, name := range []string{"pool_idle_conns", "pool_total_conns", "pool_constructing_conns", "pool_waiting_acquires",
		"pool_acquire_seconds_total", "pool_canceled_acquires_total", "pool_empty_acquires_total",
		"pool_empty_acquire_wait_seconds_total", "pool_max_lifetime_destroys_total", "pool_max_idle_destroys_total"} {
		pool(name)
	}

	// One more statement shows up in the next scrape, and only it.
	if _, err := db.Exec(ctx, withdraw, 3, 1); err != nil {
		t.Fatal(err)
	}
	again := byLabels(scrape(t, srv.URL), "cpcgen_db_queries_total", "operation")
	if got := again["accounts.Withdraw"].GetCounter().GetValue(); got != 3 {
		t.Errorf("after one more withdraw: %v", got)
	}
	if got := again["accounts.Create"].GetCounter().GetValue(); got != 7 {
		t.Errorf("creates changed to %v", got)
	}
}

// TestWithoutQueryMetrics collects the pool's metrics only when the DB
// was opened without Config.Metrics.
func TestWithoutQueryMetrics(t *testing.T) {
	ctx := pgtest.Context(t)
	db := openDB(t, runtime.Config{})
	if _, err := db.Exec(ctx, "-- name: accounts.Count\nSELECT count(*) FROM accounts"); err != nil {
		t.Fatal(err)
	}
	c := promexport.NewCollector(db)
	if n := testutil.CollectAndCount(c, "cpcgen_db_queries_total"); n != 0 {
		t.Errorf("%d query series without Metrics", n)
	}
	if n := testutil.CollectAndCount(c, "cpcgen_db_pool_max_conns"); n != 1 {
		t.Errorf("%d pool_max_conns series", n)
	}
}

// TestLint checks the metric names and help texts with promlint, and
// that two DBs with distinct constant labels register side by side.
func TestLint(t *testing.T) {
	ctx := pgtest.Context(t)
	db := openDB(t, runtime.Config{Metrics: true})
	if _, err := db.Exec(ctx, "-- name: accounts.Count\nSELECT count(*) FROM accounts"); err != nil {
		t.Fatal(err)
	}
	problems, err := testutil.CollectAndLint(promexport.NewCollector(db))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(promexport.NewCollector(db, promexport.WithConstLabels(prometheus.Labels{"db": "primary"})))
	if err := reg.Register(promexport.NewCollector(db, promexport.WithConstLabels(prometheus.Labels{"db": "replica"}))); err != nil {
		t.Errorf("second collector with other labels: %v", err)
	}
	n, err := testutil.GatherAndCount(reg, "cpcgen_db_queries_total")
	if err != nil || n != 2 {
		t.Errorf("queries_total series: %d, %v", n, err)
	}
	if err := reg.Register(promexport.NewCollector(db, promexport.WithConstLabels(prometheus.Labels{"db": "replica"}))); err == nil {
		t.Error("a duplicate collector registered")
	}
}
