package oteltrace_test

import (
	"context"
	"fmt"
	"log"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/oteltrace"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// This example traces one statement inside a request's span. An
// application would install its exporter's provider with
// otel.SetTracerProvider and call NewObserver without options.
func Example() {
	ctx := context.Background()
	url, drop, err := pgtest.NewDatabase(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer drop(ctx)

	exporter := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exporter))
	defer tp.Shutdown(ctx)

	db, err := runtime.Open(ctx, runtime.Config{
		URL:       url,
		Observers: []runtime.Observer{oteltrace.NewObserver(oteltrace.WithTracerProvider(tp))},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	ctx, span := tp.Tracer("app").Start(ctx, "GET /clock")
	var now string
	if err := db.QueryRow(ctx, "-- name: clocks.Now\nSELECT now()::text").Scan(&now); err != nil {
		log.Fatal(err)
	}
	span.End()

	for _, s := range exporter.GetSpans() {
		fmt.Print(s.Name)
		for _, kv := range s.Attributes {
			switch kv.Key {
			case "db.namespace", "server.address", "server.port":
				// The throwaway server's; they vary.
			default:
				fmt.Printf(" %s=%s", kv.Key, kv.Value.String())
			}
		}
		fmt.Println()
	}
	// Output:
	// clocks.Now db.system.name=postgresql db.query.summary=clocks.Now db.operation.name=Now db.collection.name=clocks
	// GET /clock
}
