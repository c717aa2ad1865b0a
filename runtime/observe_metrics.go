package runtime

import (
	"context"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// queryBuckets are the upper bounds of the latency histogram of every
// operation: Prometheus's default buckets (5ms to 10s) with three finer
// ones below, where most statements of an OLTP application land.
var queryBuckets = [...]time.Duration{
	500 * time.Microsecond,
	1 * time.Millisecond,
	2500 * time.Microsecond,
	5 * time.Millisecond,
	10 * time.Millisecond,
	25 * time.Millisecond,
	50 * time.Millisecond,
	100 * time.Millisecond,
	250 * time.Millisecond,
	500 * time.Millisecond,
	1 * time.Second,
	2500 * time.Millisecond,
	5 * time.Second,
	10 * time.Second,
}

// QueryBuckets returns the upper bounds of the latency histogram buckets
// of QueryStats, smallest first: 0.5ms, 1ms, 2.5ms, 5ms, 10ms, 25ms, 50ms,
// 100ms, 250ms, 500ms, 1s, 2.5s, 5s and 10s (an implicit last bucket
// holds everything slower).
func QueryBuckets() []time.Duration { return slices.Clone(queryBuckets[:]) }

// numKinds is the number of Kinds.
const numKinds = len(kindNames)

// QueryStats are the counters of one operation since Open.
type QueryStats struct {
	// Op and Table are the operation and its table, as in QueryEvent.
	Op, Table string
	// Count is the number of statements run, failed ones included.
	Count int64
	// Errors counts the failed statements by Kind; nil when none failed.
	Errors map[Kind]int64
	// Rows is the total of the rows returned or affected.
	Rows int64
	// Duration is the total time the statements took.
	Duration time.Duration
	// Buckets are the cumulative counts of the latency histogram:
	// Buckets[i] statements took at most QueryBuckets()[i]. Count is the
	// count of the implicit last bucket (+Inf).
	Buckets []int64
}

// ErrorCount returns the number of failed statements of s.
func (s QueryStats) ErrorCount() int64 {
	var n int64
	for _, c := range s.Errors {
		n += c
	}
	return n
}

// queryMetrics is the observer behind Stats.Queries: counters per
// operation, found without locking in a copy-on-write map (operations
// are few and fixed, so the map is copied only the first time each one
// runs) and updated with atomics.
type queryMetrics struct {
	ops atomic.Pointer[map[string]*opMetrics]
	mu  sync.Mutex // serializes copies of ops
	// waiting counts the acquires in progress (see poolTracer).
	waiting atomic.Int64
}

// opMetrics are the counters of one operation.
type opMetrics struct {
	op, table string
	rows      atomic.Int64
	nanos     atomic.Int64
	errors    [numKinds]atomic.Int64
	buckets   [len(queryBuckets) + 1]atomic.Int64 // not cumulative; the last is +Inf
}

func newQueryMetrics() *queryMetrics {
	m := &queryMetrics{}
	ops := map[string]*opMetrics{}
	m.ops.Store(&ops)
	return m
}

// ObserveQuery counts e.
func (m *queryMetrics) ObserveQuery(_ context.Context, e *QueryEvent) {
	o := (*m.ops.Load())[e.Op]
	if o == nil {
		o = m.add(e.Op, e.Table)
	}
	o.rows.Add(e.Rows)
	o.nanos.Add(int64(e.Duration))
	if e.Err != nil && int(e.Kind) < numKinds {
		o.errors[e.Kind].Add(1)
	}
	i := 0
	for i < len(queryBuckets) && e.Duration > queryBuckets[i] {
		i++
	}
	o.buckets[i].Add(1)
}

// add returns the counters of op (whose table is a function of it, see
// ParseOperation), creating them.
func (m *queryMetrics) add(op, table string) *opMetrics {
	m.mu.Lock()
	defer m.mu.Unlock()
	old := *m.ops.Load()
	if o := old[op]; o != nil {
		return o
	}
	o := &opMetrics{op: op, table: table}
	ops := make(map[string]*opMetrics, len(old)+1)
	maps.Copy(ops, old)
	ops[op] = o
	m.ops.Store(&ops)
	return o
}

// snapshot returns the counters of every operation, sorted by Op.
func (m *queryMetrics) snapshot() []QueryStats {
	ops := *m.ops.Load()
	out := make([]QueryStats, 0, len(ops))
	for _, o := range ops {
		s := QueryStats{
			Op:       o.op,
			Table:    o.table,
			Rows:     o.rows.Load(),
			Duration: time.Duration(o.nanos.Load()),
			Buckets:  make([]int64, len(queryBuckets)),
		}
		var total int64
		for i := range o.buckets {
			total += o.buckets[i].Load()
			if i < len(queryBuckets) {
				s.Buckets[i] = total
			}
		}
		// The histogram and the count are read one after the other while
		// statements may finish: take the count from the histogram, so
		// that the two always agree.
		s.Count = total
		for k := range o.errors {
			if n := o.errors[k].Load(); n > 0 {
				if s.Errors == nil {
					s.Errors = map[Kind]int64{}
				}
				s.Errors[Kind(k)] = n
			}
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b QueryStats) int { return strings.Compare(a.Op, b.Op) })
	return out
}
