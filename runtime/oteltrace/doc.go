// Package oteltrace records one OpenTelemetry span per database
// statement of a runtime.DB: an Observer to put in
// runtime.Config.Observers.
//
//	db, err := runtime.Open(ctx, runtime.Config{
//		URL:       url,
//		Observers: []runtime.Observer{oteltrace.NewObserver()},
//	})
//
// Each span is named after the statement's operation ("accounts.Create";
// see runtime.ParseOperation), is a child of the span in the context the
// statement ran with, covers the statement's start and duration, and
// carries the stable database attributes of the OpenTelemetry semantic
// conventions (go.opentelemetry.io/otel/semconv/v1.43.0; SchemaURL):
//
//	db.system.name           "postgresql", given when the span starts
//	db.query.summary         the operation ("accounts.Create"), also the span's name
//	db.operation.name        the operation's method ("Create"), or the SQL keyword of a statement without a name line
//	db.collection.name       the operation's table ("accounts"), when it has one
//	db.namespace             the database name of the pool's connection string
//	server.address           the host of the pool's connection string (the first, when it lists several)
//	server.port              its port
//	db.query.text            the SQL text, only WithStatement(true); argument values never
//
// plus those given WithAttributes. A failed statement's span has status
// Error, an exception event with the runtime's error (whose message holds
// no values) and
//
//	db.response.status_code  the SQLSTATE, when the server sent one ("23505")
//	error.type               that SQLSTATE, otherwise the runtime.Kind's name ("timeout", "canceled", "validation", …)
//	cpcgen.error.kind        the runtime.Kind's name always ("conflict", "timeout", …)
//
// The duration histogram db.client.operation.duration of the same
// conventions is in the sibling package runtime/otelmetric.
//
// Attributes are set on spans that record only, after the sampler has
// decided, so that statements outside sampled traces cost about as
// little as tracing costs at all (see BenchmarkObserveQuery: about
// 0.1 µs with a no-op provider, 0.3 µs when the SDK samples nothing,
// 2 µs for a recorded span on the test machine).
//
// It is a separate package so that only applications that import it
// depend on OpenTelemetry; the runtime itself does not.
package oteltrace
