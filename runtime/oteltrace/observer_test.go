package oteltrace_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/oteltrace"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// setup opens a DB on a fresh database with a table accounts, observed
// by an oteltrace observer made with opts and an in-memory exporter.
func setup(t *testing.T, opts ...oteltrace.Option) (*runtime.DB, *tracetest.InMemoryExporter, *sdktrace.TracerProvider) {
	t.Helper()
	ctx := pgtest.Context(t)
	url := pgtest.URL(t)
	pgtest.Exec(t, url, "CREATE TABLE accounts (id bigint PRIMARY KEY, owner text NOT NULL)")
	exporter := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exporter))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	opts = append([]oteltrace.Option{oteltrace.WithTracerProvider(tp)}, opts...)
	db, err := runtime.Open(ctx, runtime.Config{URL: url, Observers: []runtime.Observer{oteltrace.NewObserver(opts...)}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db, exporter, tp
}

// attrs returns a span's attributes as a map.
func attrs(s tracetest.SpanStub) map[string]string {
	out := map[string]string{}
	for _, kv := range s.Attributes {
		out[string(kv.Key)] = kv.Value.String()
	}
	return out
}

// TestSpans runs statements under a parent span and checks one span per
// statement: name, kind, parent, attributes, times and error status.
func TestSpans(t *testing.T) {
	ctx := pgtest.Context(t)
	db, exporter, tp := setup(t)

	ctx, parent := tp.Tracer("test").Start(ctx, "POST /accounts")
	before := time.Now()
	const create = "-- name: accounts.Create sensitive=2\nINSERT INTO accounts (id, owner) VALUES ($1, $2)"
	if _, err := db.Exec(ctx, create, 1, "owner-secret"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, create, 1, "owner-secret"); !errors.Is(runtime.Wrap(err, "", ""), runtime.ErrConflict) {
		t.Fatalf("duplicate: %v", err)
	}
	var n int
	if err := db.QueryRow(ctx, "SELECT count(*) FROM accounts").Scan(&n); err != nil {
		t.Fatal(err)
	}
	b := &pgx.Batch{}
	b.Queue("-- name: accounts.Rename\nUPDATE accounts SET owner = $2 WHERE id = $1", 1, "x")
	if err := db.SendBatch(ctx, b).Close(); err != nil {
		t.Fatal(err)
	}
	// A failure without a SQLSTATE: a statement on a transaction whose
	// earlier query still has rows open.
	tx, err := db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := tx.Query(ctx, "-- name: accounts.All\nSELECT id FROM accounts")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "-- name: accounts.Touch\nUPDATE accounts SET owner = owner"); !errors.Is(runtime.Wrap(err, "", ""), runtime.ErrMisuse) {
		t.Fatalf("busy: %v", err)
	}
	rows.Close()
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	after := time.Now()
	parent.End()

	spans := exporter.GetSpans()
	type summary struct {
		Name   string
		Kind   trace.SpanKind
		Attrs  map[string]string
		Status codes.Code
		Events []string
	}
	var got []summary
	for _, s := range spans {
		if s.Name == "POST /accounts" {
			continue
		}
		sum := summary{Name: s.Name, Kind: s.SpanKind, Attrs: attrs(s), Status: s.Status.Code}
		for _, e := range s.Events {
			sum.Events = append(sum.Events, e.Name)
			for _, kv := range e.Attributes {
				if kv.Key == "exception.message" {
					sum.Events = append(sum.Events, kv.Value.AsString())
				}
			}
		}
		got = append(got, sum)

		if s.Parent.SpanID() != parent.SpanContext().SpanID() || s.SpanContext.TraceID() != parent.SpanContext().TraceID() {
			t.Errorf("%s: parent %v, want %v", s.Name, s.Parent.SpanID(), parent.SpanContext().SpanID())
		}
		if s.StartTime.Before(before) || s.EndTime.After(after) || s.EndTime.Before(s.StartTime) {
			t.Errorf("%s: %v – %v, outside %v – %v", s.Name, s.StartTime, s.EndTime, before, after)
		}
		if s.InstrumentationScope.Name != oteltrace.ScopeName || s.InstrumentationScope.SchemaURL != "https://opentelemetry.io/schemas/1.43.0" {
			t.Errorf("%s: scope %q, schema %q", s.Name, s.InstrumentationScope.Name, s.InstrumentationScope.SchemaURL)
		}
	}
	cc := db.Pool().Config().ConnConfig
	pg := func(kv ...string) map[string]string {
		m := map[string]string{"db.system.name": "postgresql", "db.namespace": cc.Database, "server.address": cc.Host, "server.port": strconv.Itoa(int(cc.Port))}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	want := []summary{
		{Name: "accounts.Create", Kind: trace.SpanKindClient, Attrs: pg("db.query.summary", "accounts.Create", "db.operation.name", "Create", "db.collection.name", "accounts")},
		{Name: "accounts.Create", Kind: trace.SpanKindClient, Status: codes.Error,
			Attrs: pg("db.query.summary", "accounts.Create", "db.operation.name", "Create", "db.collection.name", "accounts",
				"db.response.status_code", "23505", "error.type", "23505", "cpcgen.error.kind", "conflict"),
			Events: []string{"exception", `accounts.Create: unique conflict on "accounts_pkey": duplicate key value violates unique constraint "accounts_pkey"`}},
		{Name: "SELECT", Kind: trace.SpanKindClient, Attrs: pg("db.query.summary", "SELECT", "db.operation.name", "SELECT")},
		{Name: "accounts.Rename", Kind: trace.SpanKindClient, Attrs: pg("db.query.summary", "accounts.Rename", "db.operation.name", "Rename", "db.collection.name", "accounts")},
		{Name: "BEGIN", Kind: trace.SpanKindClient, Attrs: pg("db.query.summary", "BEGIN", "db.operation.name", "BEGIN")},
		{Name: "accounts.Touch", Kind: trace.SpanKindClient, Status: codes.Error,
			Attrs: pg("db.query.summary", "accounts.Touch", "db.operation.name", "Touch", "db.collection.name", "accounts",
				"error.type", "misuse", "cpcgen.error.kind", "misuse"),
			Events: []string{"exception", "accounts.Touch: misuse: " + connBusyText}},
		{Name: "accounts.All", Kind: trace.SpanKindClient, Attrs: pg("db.query.summary", "accounts.All", "db.operation.name", "All", "db.collection.name", "accounts")},
		{Name: "ROLLBACK", Kind: trace.SpanKindClient, Attrs: pg("db.query.summary", "ROLLBACK", "db.operation.name", "ROLLBACK")},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("spans (-want +got):\n%s", diff)
	}
	if len(spans) != len(want)+1 {
		t.Errorf("%d spans, want %d", len(spans), len(want)+1)
	}
}

// connBusyText is the runtime's message for pgx's "conn busy".
const connBusyText = "conn busy: a statement ran on a connection or transaction whose earlier query still has rows open " +
	"(for example inside a Stream or rows loop over the same transaction); read the rows to the end or close them first, " +
	"or run the second statement on another connection"

// TestStatementAttribute adds db.query.text and custom attributes on
// request; argument values never appear.
func TestStatementAttribute(t *testing.T) {
	ctx := pgtest.Context(t)
	db, exporter, _ := setup(t, oteltrace.WithStatement(true), oteltrace.WithAttributes(attribute.String("app.pool", "billing")))
	const sql = "-- name: accounts.FindByOwner\nSELECT id FROM accounts WHERE owner = $1"
	rows, err := db.Query(ctx, sql, "owner-secret")
	if err != nil {
		t.Fatal(err)
	}
	rows.Close()
	spans := exporter.GetSpans()
	if len(spans) != 1 {
		t.Fatalf("%d spans", len(spans))
	}
	a := attrs(spans[0])
	if a["db.query.text"] != sql || a["app.pool"] != "billing" {
		t.Errorf("attributes %v", a)
	}
	for k, v := range a {
		if v == "owner-secret" {
			t.Errorf("attribute %s holds an argument value", k)
		}
	}
}

// TestNoParent records root spans for statements run without a span in
// their context.
func TestNoParent(t *testing.T) {
	ctx := pgtest.Context(t)
	db, exporter, _ := setup(t)
	if _, err := db.Exec(ctx, "-- name: accounts.Purge\nDELETE FROM accounts"); err != nil {
		t.Fatal(err)
	}
	spans := exporter.GetSpans()
	if len(spans) != 1 || spans[0].Name != "accounts.Purge" || spans[0].Parent.IsValid() {
		t.Errorf("spans %+v", spans)
	}
}
