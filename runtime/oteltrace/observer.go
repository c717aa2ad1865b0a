package oteltrace

import (
	"context"
	"errors"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/internal/otelattr"
)

// ScopeName is the instrumentation scope of the spans: the name of the
// tracer they are made with.
const ScopeName = "github.com/cpcgen/cpcgen/runtime/oteltrace"

// SchemaURL is the OpenTelemetry schema of the attributes: semantic
// conventions 1.43.0, whose database conventions are stable.
const SchemaURL = semconv.SchemaURL

// KeyErrorKind is the one attribute of this package's own: the
// runtime.Kind of a failure (Kind.Name: "conflict", "timeout", …), next
// to the standard error.type.
const KeyErrorKind = otelattr.KeyErrorKind

// Option configures NewObserver.
type Option func(*config)

type config struct {
	provider  trace.TracerProvider
	statement bool
	attrs     []attribute.KeyValue
}

// WithTracerProvider makes spans with tp instead of the global provider
// (otel.GetTracerProvider).
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) { c.provider = tp }
}

// WithStatement adds the statement's SQL text as db.query.text. The text
// holds placeholders ($1), never argument values; it is off by default
// because it makes spans larger.
func WithStatement(on bool) Option {
	return func(c *config) { c.statement = on }
}

// WithAttributes adds attrs to every span, for example
// semconv.DeploymentEnvironmentName or a pool's name.
func WithAttributes(attrs ...attribute.KeyValue) Option {
	return func(c *config) { c.attrs = append(c.attrs, attrs...) }
}

// NewObserver returns a runtime.Observer that records a span for every
// statement; see the package documentation.
func NewObserver(opts ...Option) runtime.Observer {
	var c config
	for _, opt := range opts {
		opt(&c)
	}
	if c.provider == nil {
		c.provider = otel.GetTracerProvider()
	}
	return &observer{
		tracer:    c.provider.Tracer(ScopeName, trace.WithSchemaURL(SchemaURL)),
		statement: c.statement,
		attrs:     c.attrs,
	}
}

type observer struct {
	tracer    trace.Tracer
	statement bool
	attrs     []attribute.KeyValue // the caller's, the same on every span
}

// startAttrs are given when a span starts, so that samplers see them.
var startAttrs = trace.WithAttributes(semconv.DBSystemNamePostgreSQL)

// clientKind is the span kind of every span, made once.
var clientKind = trace.WithSpanKind(trace.SpanKindClient)

// maxAttrs is the number of attributes ObserveQuery adds at most.
const maxAttrs = 11

// ObserveQuery records the span of e, after the fact: it starts at
// e.Start and ends e.Duration later. Attributes beyond db.system.name are
// added only to spans that record, so that statements outside sampled
// traces cost little.
func (o *observer) ObserveQuery(ctx context.Context, e *runtime.QueryEvent) {
	name := e.Op
	if name == "" {
		name = "postgresql"
	}
	_, span := o.tracer.Start(ctx, name, clientKind, startAttrs, trace.WithTimestamp(e.Start))
	if !span.IsRecording() {
		span.End()
		return
	}
	attrs := make([]attribute.KeyValue, 0, len(o.attrs)+maxAttrs)
	attrs = append(attrs, o.attrs...)
	attrs = otelattr.AppendStatement(attrs, statement(e))
	if o.statement && e.SQL != "" {
		attrs = append(attrs, semconv.DBQueryText(e.SQL))
	}
	end := e.Start.Add(e.Duration)
	if e.Err != nil {
		attrs = appendFailure(attrs, e)
		span.RecordError(e.Err, trace.WithTimestamp(end))
		span.SetStatus(codes.Error, e.Err.Error())
	}
	span.SetAttributes(attrs...)
	span.End(trace.WithTimestamp(end))
}

// statement is what the attributes of e describe.
func statement(e *runtime.QueryEvent) otelattr.Statement {
	return otelattr.Statement{Op: e.Op, Method: e.Method(), Table: e.Table, Database: e.Database, Host: e.Host, Port: e.Port}
}

// appendFailure appends the attributes of a failed statement (see
// otelattr.AppendFailure).
func appendFailure(attrs []attribute.KeyValue, e *runtime.QueryEvent) []attribute.KeyValue {
	var code string
	var de *runtime.DbError
	if errors.As(e.Err, &de) {
		code = de.Code
	}
	return otelattr.AppendFailure(attrs, e.Kind, code)
}
