package otelmetric_test

import (
	"context"
	"testing"
	"time"

	"go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/otelmetric"
)

// BenchmarkObserveQuery measures what one statement's measurement costs:
// with a no-op provider (metrics off) and with the SDK aggregating into
// a manual reader.
func BenchmarkObserveQuery(b *testing.B) {
	e := &runtime.QueryEvent{Op: "accounts.Create", Table: "accounts", Start: time.Now(), Duration: time.Millisecond, Rows: 1,
		Host: "db.internal", Port: 5432, Database: "app"}
	providers := []struct {
		name string
		opt  otelmetric.Option
	}{
		{"noop", otelmetric.WithMeterProvider(noop.NewMeterProvider())},
		{"sdk", otelmetric.WithMeterProvider(sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader())))},
	}
	ctx := context.Background()
	for _, p := range providers {
		o, err := otelmetric.NewObserver(p.opt)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				o.ObserveQuery(ctx, e)
			}
		})
	}
}

// TestObserveAllocatesNothing checks that, once an operation's attribute
// set is built, recording it allocates nothing, with the SDK installed.
func TestObserveAllocatesNothing(t *testing.T) {
	o, err := otelmetric.NewObserver(otelmetric.WithMeterProvider(sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))))
	if err != nil {
		t.Fatal(err)
	}
	e := &runtime.QueryEvent{Op: "accounts.Create", Table: "accounts", Duration: time.Millisecond, Host: "db.internal", Port: 5432, Database: "app"}
	ctx := context.Background()
	o.ObserveQuery(ctx, e)
	if n := testing.AllocsPerRun(100, func() { o.ObserveQuery(ctx, e) }); n != 0 {
		t.Errorf("%v allocations per statement, want 0", n)
	}
}
