package edgedb

import (
	"context"
	"errors"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/otelmetric"
	"github.com/cpcgen/cpcgen/runtime/oteltrace"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// Item 12: a generated method's statements are traced and measured with
// the stable database semantic conventions (semconv's keys, not
// hand-written ones): one span per statement named by the generated
// method, and db.client.operation.duration through OpenTelemetry
// metrics, a failure carrying its SQLSTATE as error.type.
func TestTelemetryConventions(t *testing.T) {
	ctx := context.Background()
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	metrics, err := otelmetric.NewObserver(otelmetric.WithMeterProvider(mp))
	if err != nil {
		t.Fatal(err)
	}
	db, err := runtime.Open(ctx, runtime.Config{URL: pgtest.URL(t), Observers: []runtime.Observer{
		oteltrace.NewObserver(oteltrace.WithTracerProvider(tp)), metrics,
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	s := NewStore(db)

	must[Product](t)(s.Products.Create(ctx, newProduct("T-1")))
	if _, err := s.Products.Create(ctx, newProduct("T-1")); !errors.Is(err, ErrProductSKUTaken) {
		t.Fatalf("duplicate: %v", err)
	}

	var creates []tracetest.SpanStub
	for _, sp := range spans.GetSpans() {
		if sp.Name == "products.Create" {
			creates = append(creates, sp)
		}
	}
	if len(creates) != 2 {
		t.Fatalf("%d spans named products.Create in %d spans", len(creates), len(spans.GetSpans()))
	}
	for i, sp := range creates {
		attrs := attribute.NewSet(sp.Attributes...)
		want := map[attribute.Key]string{
			"db.system.name":     "postgresql",
			"db.operation.name":  "Create",
			"db.collection.name": "products",
		}
		if i == 1 {
			want["error.type"] = "23505"
			want["db.response.status_code"] = "23505"
		}
		for k, v := range want {
			if got, ok := attrs.Value(k); !ok || got.String() != v {
				t.Errorf("span %d: %s = %q, want %q", i, k, got.String(), v)
			}
		}
		for _, old := range []attribute.Key{"db.system", "db.operation", "db.sql.table", "db.statement"} {
			if attrs.HasValue(old) {
				t.Errorf("span %d carries the replaced attribute %s", i, old)
			}
		}
	}

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(ctx, &rm); err != nil {
		t.Fatal(err)
	}
	var failed, succeeded uint64
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			h, ok := m.Data.(metricdata.Histogram[float64])
			if m.Name != "db.client.operation.duration" || !ok {
				continue
			}
			for _, p := range h.DataPoints {
				if op, _ := p.Attributes.Value("db.operation.name"); op.String() != "Create" {
					continue
				}
				if table, _ := p.Attributes.Value("db.collection.name"); table.String() != "products" {
					continue
				}
				if code, ok := p.Attributes.Value("error.type"); ok && code.String() == "23505" {
					failed += p.Count
				} else if !ok {
					succeeded += p.Count
				}
			}
		}
	}
	if succeeded != 1 || failed != 1 {
		t.Fatalf("db.client.operation.duration of products.Create: %d succeeded, %d failed; want 1 and 1", succeeded, failed)
	}
}
