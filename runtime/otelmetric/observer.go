package otelmetric

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/semconv/v1.43.0/dbconv"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/internal/otelattr"
)

// ScopeName is the instrumentation scope of the histogram: the name of
// the meter it is made with.
const ScopeName = "github.com/cpcgen/cpcgen/runtime/otelmetric"

// KeyErrorKind is the one attribute of this package's own: the
// runtime.Kind of a failure (Kind.Name), next to the standard error.type.
const KeyErrorKind = otelattr.KeyErrorKind

// Buckets are the default bucket boundaries of the histogram, in
// seconds: those the semantic conventions advise for
// db.client.operation.duration.
var Buckets = []float64{0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10}

// maxSets bounds the attribute sets kept for reuse; beyond it (which
// takes an unusual number of operations, pools or SQLSTATEs) a set is
// built for each measurement.
const maxSets = 10000

// Option configures NewObserver.
type Option func(*config)

type config struct {
	provider metric.MeterProvider
	attrs    []attribute.KeyValue
}

// WithMeterProvider records with mp instead of the global provider
// (otel.GetMeterProvider).
func WithMeterProvider(mp metric.MeterProvider) Option {
	return func(c *config) { c.provider = mp }
}

// WithAttributes adds attrs to every measurement, for example to tell
// the pools of several databases apart.
func WithAttributes(attrs ...attribute.KeyValue) Option {
	return func(c *config) { c.attrs = append(c.attrs, attrs...) }
}

// NewObserver returns a runtime.Observer that records the duration of
// every statement in the histogram db.client.operation.duration; see the
// package documentation. It fails only when the meter provider refuses
// to make the histogram.
func NewObserver(opts ...Option) (runtime.Observer, error) {
	var c config
	for _, opt := range opts {
		opt(&c)
	}
	if c.provider == nil {
		c.provider = otel.GetMeterProvider()
	}
	meter := c.provider.Meter(ScopeName, metric.WithSchemaURL(semconv.SchemaURL))
	h, err := dbconv.NewClientOperationDuration(meter, metric.WithExplicitBucketBoundaries(Buckets...))
	if err != nil {
		return nil, fmt.Errorf("otelmetric: make the histogram %s: %w", h.Name(), err)
	}
	o := &observer{histogram: h, attrs: c.attrs}
	o.sets.Store(&map[setKey][]metric.RecordOption{})
	return o, nil
}

type observer struct {
	histogram dbconv.ClientOperationDuration
	attrs     []attribute.KeyValue

	// sets maps what tells measurements apart to the options that carry
	// their attribute set, made once so that recording allocates
	// nothing: read without a lock, replaced under mu when one is added.
	sets atomic.Pointer[map[setKey][]metric.RecordOption]
	mu   sync.Mutex
}

// setKey is what the attributes of a measurement depend on.
type setKey struct {
	op, table, database, host string
	port                      uint16
	failed                    bool
	kind                      runtime.Kind
	code                      string
}

// ObserveQuery records e's duration.
func (o *observer) ObserveQuery(ctx context.Context, e *runtime.QueryEvent) {
	if !o.histogram.Enabled(ctx) {
		return
	}
	k := setKey{op: e.Op, table: e.Table, database: e.Database, host: e.Host, port: e.Port}
	if e.Err != nil {
		k.failed, k.kind = true, e.Kind
		var de *runtime.DbError
		if errors.As(e.Err, &de) {
			k.code = de.Code
		}
	}
	opts, ok := (*o.sets.Load())[k]
	if !ok {
		opts = o.add(k, e.Method())
	}
	o.histogram.Inst().Record(ctx, e.Duration.Seconds(), opts...)
}

// add builds the attribute set of k and keeps it for reuse.
func (o *observer) add(k setKey, method string) []metric.RecordOption {
	opts := []metric.RecordOption{metric.WithAttributeSet(o.build(k, method))}
	o.mu.Lock()
	defer o.mu.Unlock()
	old := *o.sets.Load()
	if s, ok := old[k]; ok {
		return s
	}
	if len(old) >= maxSets {
		return opts
	}
	next := make(map[setKey][]metric.RecordOption, len(old)+1)
	for key, s := range old {
		next[key] = s
	}
	next[k] = opts
	o.sets.Store(&next)
	return opts
}

// build returns the attribute set of a measurement; see the package
// documentation.
func (o *observer) build(k setKey, method string) attribute.Set {
	attrs := make([]attribute.KeyValue, 0, len(o.attrs)+11)
	attrs = append(attrs, o.attrs...)
	attrs = append(attrs, semconv.DBSystemNamePostgreSQL)
	attrs = otelattr.AppendStatement(attrs, otelattr.Statement{Op: k.op, Method: method, Table: k.table, Database: k.database, Host: k.host, Port: k.port})
	if k.failed {
		attrs = otelattr.AppendFailure(attrs, k.kind, k.code)
	}
	return attribute.NewSet(attrs...)
}
