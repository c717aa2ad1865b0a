package otelmetric_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/otelmetric"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// collect reads the one histogram the reader holds.
func collect(t *testing.T, reader *sdkmetric.ManualReader) (metricdata.Metrics, metricdata.Histogram[float64]) {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	if len(rm.ScopeMetrics) != 1 || len(rm.ScopeMetrics[0].Metrics) != 1 {
		t.Fatalf("collected %+v, want one scope with one metric", rm.ScopeMetrics)
	}
	sm := rm.ScopeMetrics[0]
	if sm.Scope.Name != otelmetric.ScopeName || sm.Scope.SchemaURL != "https://opentelemetry.io/schemas/1.43.0" {
		t.Errorf("scope %+v", sm.Scope)
	}
	m := sm.Metrics[0]
	h, ok := m.Data.(metricdata.Histogram[float64])
	if !ok {
		t.Fatalf("%s is a %T", m.Name, m.Data)
	}
	return m, h
}

// TestDurationHistogram runs statements that succeed and fail on a real
// server and checks the histogram: its name, unit and buckets, and one
// series per operation and outcome with the semantic conventions'
// attributes.
func TestDurationHistogram(t *testing.T) {
	ctx := pgtest.Context(t)
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	obs, err := otelmetric.NewObserver(otelmetric.WithMeterProvider(mp), otelmetric.WithAttributes(attribute.String("app.pool", "main")))
	if err != nil {
		t.Fatal(err)
	}
	db, err := runtime.Open(ctx, runtime.Config{URL: pgtest.URL(t), Observers: []runtime.Observer{obs}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	if _, err := db.Exec(ctx, "CREATE TABLE accounts (id bigint PRIMARY KEY)"); err != nil {
		t.Fatal(err)
	}
	const create = "-- name: accounts.Create\nINSERT INTO accounts (id) VALUES ($1)"
	for id := range 3 {
		if _, err := db.Exec(ctx, create, id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(ctx, create, 1); !errors.Is(runtime.Wrap(err, "", ""), runtime.ErrConflict) {
		t.Fatalf("duplicate: %v", err)
	}
	tx, err := db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := tx.Query(ctx, "-- name: accounts.All\nSELECT id FROM accounts")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "-- name: accounts.Touch\nUPDATE accounts SET id = id"); !errors.Is(runtime.Wrap(err, "", ""), runtime.ErrMisuse) {
		t.Fatalf("busy: %v", err)
	}
	rows.Close()
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}

	m, h := collect(t, reader)
	if m.Name != "db.client.operation.duration" || m.Unit != "s" {
		t.Errorf("metric %s in %q", m.Name, m.Unit)
	}
	cc := db.Pool().Config().ConnConfig
	base := map[string]string{
		"app.pool": "main", "db.system.name": "postgresql",
		"db.namespace": cc.Database, "server.address": cc.Host, "server.port": strconv.Itoa(int(cc.Port)),
	}
	series := func(count uint64, kv ...string) string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return describe(count, m)
	}
	want := []string{
		series(1, "db.query.summary", "CREATE", "db.operation.name", "CREATE"),
		series(3, "db.query.summary", "accounts.Create", "db.operation.name", "Create", "db.collection.name", "accounts"),
		series(1, "db.query.summary", "accounts.Create", "db.operation.name", "Create", "db.collection.name", "accounts",
			"db.response.status_code", "23505", "error.type", "23505", "cpcgen.error.kind", "conflict"),
		series(1, "db.query.summary", "BEGIN", "db.operation.name", "BEGIN"),
		series(1, "db.query.summary", "accounts.All", "db.operation.name", "All", "db.collection.name", "accounts"),
		series(1, "db.query.summary", "accounts.Touch", "db.operation.name", "Touch", "db.collection.name", "accounts",
			"error.type", "misuse", "cpcgen.error.kind", "misuse"),
		series(1, "db.query.summary", "ROLLBACK", "db.operation.name", "ROLLBACK"),
	}
	var got []string
	for _, dp := range h.DataPoints {
		attrs := map[string]string{}
		for _, kv := range dp.Attributes.ToSlice() {
			attrs[string(kv.Key)] = kv.Value.String()
		}
		got = append(got, describe(dp.Count, attrs))
		if !slices.Equal(dp.Bounds, otelmetric.Buckets) {
			t.Errorf("bounds %v, want %v", dp.Bounds, otelmetric.Buckets)
		}
		var inBuckets uint64
		for _, n := range dp.BucketCounts {
			inBuckets += n
		}
		if inBuckets != dp.Count || dp.Sum <= 0 {
			t.Errorf("%s: buckets hold %d of %d, sum %v", got[len(got)-1], inBuckets, dp.Count, dp.Sum)
		}
	}
	slices.Sort(want)
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("series (-want +got):\n%s", diff)
	}
}

// describe writes a series as its count and sorted attributes.
func describe(count uint64, attrs map[string]string) string {
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	s := strconv.FormatUint(count, 10)
	for _, k := range keys {
		s += " " + k + "=" + attrs[k]
	}
	return s
}

// TestNoSDK records nothing, and fails nothing, without an SDK: the
// global provider is a no-op until an application installs one.
func TestNoSDK(t *testing.T) {
	obs, err := otelmetric.NewObserver()
	if err != nil {
		t.Fatal(err)
	}
	obs.ObserveQuery(context.Background(), &runtime.QueryEvent{Op: "accounts.Create", Table: "accounts", Duration: time.Millisecond})
}
