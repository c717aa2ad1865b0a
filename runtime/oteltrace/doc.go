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
// carries the attributes
//
//	db.system     "postgresql"
//	db.operation  the operation's method ("Create"), or the SQL keyword of a statement without a name line
//	db.sql.table  the operation's table ("accounts"), when it has one
//	db.statement  the SQL text, only WithStatement(true); argument values never
//
// plus those given WithAttributes (db.name, server.address, …). A failed
// statement's span has status Error, an exception event with the
// runtime's error (whose message holds no values) and the attribute
// error.type set to the error's kind (runtime.Kind.Name: "conflict",
// "timeout", …).
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
