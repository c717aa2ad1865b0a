package oteltrace_test

import (
	"context"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/oteltrace"
)

// BenchmarkObserveQuery measures what one statement's span costs: with a
// no-op provider (tracing off), with the SDK sampling nothing, and with
// the SDK recording every span into memory.
func BenchmarkObserveQuery(b *testing.B) {
	e := &runtime.QueryEvent{Op: "accounts.Create", Table: "accounts", Start: time.Now(), Duration: time.Millisecond, Rows: 1}
	providers := []struct {
		name string
		opt  oteltrace.Option
	}{
		{"noop", oteltrace.WithTracerProvider(noop.NewTracerProvider())},
		{"sdk-never-sample", oteltrace.WithTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.NeverSample())))},
		{"sdk-recording", oteltrace.WithTracerProvider(sdktrace.NewTracerProvider(
			sdktrace.WithSampler(sdktrace.AlwaysSample()), sdktrace.WithSyncer(discardExporter{})))},
	}
	ctx := context.Background()
	for _, p := range providers {
		o := oteltrace.NewObserver(p.opt)
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				o.ObserveQuery(ctx, e)
			}
		})
	}
}

// discardExporter drops every span.
type discardExporter struct{}

func (discardExporter) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error { return nil }
func (discardExporter) Shutdown(context.Context) error                             { return nil }
