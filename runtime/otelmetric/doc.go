// Package otelmetric records the duration of every database statement of
// a runtime.DB as the OpenTelemetry histogram db.client.operation.duration
// (seconds), with the stable database attributes of the semantic
// conventions (go.opentelemetry.io/otel/semconv/v1.43.0): an Observer to
// put in runtime.Config.Observers, beside runtime/oteltrace's spans and
// runtime/promexport's Prometheus collector.
//
//	durations, err := otelmetric.NewObserver() // global MeterProvider
//	if err != nil { … }
//	db, err := runtime.Open(ctx, runtime.Config{
//		URL:       url,
//		Observers: []runtime.Observer{durations, oteltrace.NewObserver()},
//	})
//
// Each statement is one measurement with the attributes
//
//	db.system.name           "postgresql"
//	db.query.summary         the operation ("accounts.Create"; see runtime.ParseOperation)
//	db.operation.name        its method ("Create"), or the SQL keyword of a statement without a name line
//	db.collection.name       its table ("accounts"), when it has one
//	db.namespace             the database name of the pool's connection string
//	server.address           the host of the pool's connection string
//	server.port              its port
//
// and for a failure
//
//	db.response.status_code  the SQLSTATE, when the server sent one ("40001")
//	error.type               that SQLSTATE, otherwise the runtime.Kind's name ("timeout", "canceled", …)
//	cpcgen.error.kind        the runtime.Kind's name always ("serialization", "timeout", …)
//
// so that the number of series grows with the operations of the
// application and the ways they fail, never with its data. The bucket
// boundaries are the ones the conventions advise (1 ms to 10 s); a View
// of the SDK can change them.
//
// Attribute sets are built once per operation, outcome and pool and then
// reused: recording allocates nothing of its own.
//
// It is a separate package so that only applications that import it
// depend on the OpenTelemetry metric API; the runtime itself does not.
package otelmetric
