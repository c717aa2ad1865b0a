package oteltrace

import (
	"context"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/cpcgen/cpcgen/runtime"
)

// ScopeName is the instrumentation scope of the spans: the name of the
// tracer they are made with.
const ScopeName = "github.com/cpcgen/cpcgen/runtime/oteltrace"

// The attribute keys of a span.
const (
	// KeyDBSystem is the database system, always "postgresql".
	KeyDBSystem = attribute.Key("db.system")
	// KeyDBOperation is the operation's method, such as "Create".
	KeyDBOperation = attribute.Key("db.operation")
	// KeyDBTable is the operation's table, such as "accounts".
	KeyDBTable = attribute.Key("db.sql.table")
	// KeyDBStatement is the statement's SQL text (WithStatement).
	KeyDBStatement = attribute.Key("db.statement")
	// KeyErrorType is the kind of a failure, runtime.Kind.Name.
	KeyErrorType = attribute.Key("error.type")
)

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

// WithStatement adds the statement's SQL text as db.statement. The text
// holds placeholders ($1), never argument values; it is off by default
// because it makes spans larger.
func WithStatement(on bool) Option {
	return func(c *config) { c.statement = on }
}

// WithAttributes adds attrs to every span, for example the database name
// or the server's address.
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
		tracer:    c.provider.Tracer(ScopeName),
		statement: c.statement,
		attrs:     append([]attribute.KeyValue{KeyDBSystem.String("postgresql")}, c.attrs...),
	}
}

type observer struct {
	tracer    trace.Tracer
	statement bool
	attrs     []attribute.KeyValue // the same on every span
}

// ObserveQuery records the span of e, after the fact: it starts at
// e.Start and ends e.Duration later. Attributes are added only to spans
// that record, so that statements outside sampled traces cost little.
func (o *observer) ObserveQuery(ctx context.Context, e *runtime.QueryEvent) {
	name := e.Op
	if name == "" {
		name = "postgresql"
	}
	_, span := o.tracer.Start(ctx, name, clientKind, trace.WithTimestamp(e.Start))
	if !span.IsRecording() {
		span.End()
		return
	}
	attrs := make([]attribute.KeyValue, len(o.attrs), len(o.attrs)+4)
	copy(attrs, o.attrs)
	if m := e.Method(); m != "" {
		attrs = append(attrs, KeyDBOperation.String(m))
	}
	if e.Table != "" {
		attrs = append(attrs, KeyDBTable.String(e.Table))
	}
	if o.statement && e.SQL != "" {
		attrs = append(attrs, KeyDBStatement.String(e.SQL))
	}
	end := e.Start.Add(e.Duration)
	if e.Err != nil {
		attrs = append(attrs, KeyErrorType.String(e.Kind.Name()))
		span.RecordError(e.Err, trace.WithTimestamp(end))
		span.SetStatus(codes.Error, e.Err.Error())
	}
	span.SetAttributes(attrs...)
	span.End(trace.WithTimestamp(end))
}

// clientKind is the span kind of every span, made once.
var clientKind = trace.WithSpanKind(trace.SpanKindClient)
