package promexport

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/cpcgen/cpcgen/runtime"
)

// Option configures NewCollector.
type Option func(*options)

type options struct {
	constLabels prometheus.Labels
}

// WithConstLabels adds labels with fixed values to every metric of the
// collector, such as {"db": "billing"} when one process has several
// databases.
func WithConstLabels(labels prometheus.Labels) Option {
	return func(o *options) { o.constLabels = labels }
}

// NewCollector returns a prometheus.Collector of db's pool and query
// metrics (see the package documentation). Query metrics need the DB to
// be opened with runtime.Config.Metrics; without it only the pool's are
// collected.
func NewCollector(db *runtime.DB, opts ...Option) prometheus.Collector {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	c := &collector{db: db}
	for _, b := range runtime.QueryBuckets() {
		c.bounds = append(c.bounds, b.Seconds())
	}
	desc := func(name, help string, labels ...string) *prometheus.Desc {
		d := prometheus.NewDesc("cpcgen_db_"+name, help, labels, o.constLabels)
		c.descs = append(c.descs, d)
		return d
	}
	opLabels := []string{"operation", "table"}
	c.queries = desc("queries_total", "Statements run, failed ones included, by operation.", opLabels...)
	c.errors = desc("query_errors_total", "Statements that failed, by operation and kind of failure.", "operation", "table", "kind")
	c.rows = desc("query_rows_total", "Rows returned or affected by statements, by operation.", opLabels...)
	c.duration = desc("query_duration_seconds", "How long statements took, by operation.", opLabels...)

	c.acquiredConns = desc("pool_acquired_conns", "Connections in use.")
	c.idleConns = desc("pool_idle_conns", "Idle connections.")
	c.constructingConns = desc("pool_constructing_conns", "Connections being established.")
	c.totalConns = desc("pool_total_conns", "Connections: idle, in use and being established.")
	c.maxConns = desc("pool_max_conns", "Maximum size of the pool.")
	c.waitingAcquires = desc("pool_waiting_acquires", "Acquires in progress (counted with runtime.Config.Metrics only).")
	c.acquires = desc("pool_acquires_total", "Successful acquires of a connection.")
	c.acquireSeconds = desc("pool_acquire_seconds_total", "Time spent in successful acquires.")
	c.canceledAcquires = desc("pool_canceled_acquires_total", "Acquires canceled by their context.")
	c.emptyAcquires = desc("pool_empty_acquires_total", "Acquires that waited because no connection was idle.")
	c.emptyAcquireWait = desc("pool_empty_acquire_wait_seconds_total", "Time acquires waited because no connection was idle.")
	c.newConns = desc("pool_new_conns_total", "Connections opened.")
	c.lifetimeDestroys = desc("pool_max_lifetime_destroys_total", "Connections closed for reaching their maximum lifetime.")
	c.idleDestroys = desc("pool_max_idle_destroys_total", "Connections closed for reaching their maximum idle time.")

	cacheLabels := []string{"table", "index"}
	c.cacheHits = desc("cache_hits_total", "Reads answered by a row cache.", cacheLabels...)
	c.cacheMisses = desc("cache_misses_total", "Reads that missed a row cache and went to the database.", cacheLabels...)
	c.cacheWaited = desc("cache_waited_total", "Misses that shared another reader's database read of the same key.", cacheLabels...)
	c.cacheFills = desc("cache_fills_total", "Rows stored in a row cache after a miss.", cacheLabels...)
	c.cacheDropped = desc("cache_dropped_fills_total", "Rows not stored because their key was invalidated while they were read.", cacheLabels...)
	c.cacheBypassed = desc("cache_bypassed_total", "Reads that skipped a row cache while its listener was disconnected.", cacheLabels...)
	c.cacheInvalidations = desc("cache_invalidations_total", "Keys dropped from a row cache, by this instance's writes (source local) or by notifications (source remote).", "table", "index", "source")
	c.cacheEntries = desc("cache_entries", "Entries of an in-process row cache (an estimate).", cacheLabels...)
	c.cacheTableFlushes = desc("cache_table_flushes_total", "Times every entry of a row cache was dropped.", cacheLabels...)
	c.cacheUp = desc("cache_listener_up", "1 while the row caches' listener is connected and cached reads are served, else 0.")
	c.cacheDisconnects = desc("cache_listener_disconnects_total", "Connections of the row caches' listener that were lost.")
	c.cacheReconnects = desc("cache_listener_reconnects_total", "Connections of the row caches' listener made after a loss.")
	c.cacheNotifications = desc("cache_notifications_total", "Invalidation notifications received.")
	c.cacheFlushes = desc("cache_flushes_total", "Flushes of every row cache of the DB.")
	c.cacheErrors = desc("cache_shared_errors_total", "Failures of the shared row cache (Redis).")
	return c
}

// collector is what NewCollector returns.
type collector struct {
	db     *runtime.DB
	bounds []float64 // upper bounds of the histogram buckets, in seconds
	descs  []*prometheus.Desc

	queries, errors, rows, duration *prometheus.Desc

	acquiredConns, idleConns, constructingConns, totalConns, maxConns, waitingAcquires *prometheus.Desc

	acquires, acquireSeconds, canceledAcquires, emptyAcquires, emptyAcquireWait,
	newConns, lifetimeDestroys, idleDestroys *prometheus.Desc

	cacheHits, cacheMisses, cacheWaited, cacheFills, cacheDropped, cacheBypassed,
	cacheInvalidations, cacheEntries, cacheTableFlushes *prometheus.Desc
	cacheUp, cacheDisconnects, cacheReconnects, cacheNotifications, cacheFlushes, cacheErrors *prometheus.Desc
}

// Describe sends the descriptions of every metric.
func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
}

// Collect sends the current values, read from DB.Stats.
func (c *collector) Collect(ch chan<- prometheus.Metric) {
	s := c.db.Stats()
	gauge := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v)
	}
	counter := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, labels...)
	}
	gauge(c.acquiredConns, float64(s.AcquiredConns))
	gauge(c.idleConns, float64(s.IdleConns))
	gauge(c.constructingConns, float64(s.ConstructingConns))
	gauge(c.totalConns, float64(s.TotalConns))
	gauge(c.maxConns, float64(s.MaxConns))
	gauge(c.waitingAcquires, float64(s.WaitingAcquires))
	counter(c.acquires, float64(s.AcquireCount))
	counter(c.acquireSeconds, s.AcquireDuration.Seconds())
	counter(c.canceledAcquires, float64(s.CanceledAcquireCount))
	counter(c.emptyAcquires, float64(s.EmptyAcquireCount))
	counter(c.emptyAcquireWait, s.EmptyAcquireWaitTime.Seconds())
	counter(c.newConns, float64(s.NewConnsCount))
	counter(c.lifetimeDestroys, float64(s.MaxLifetimeDestroyCount))
	counter(c.idleDestroys, float64(s.MaxIdleDestroyCount))

	for _, q := range s.Queries {
		counter(c.queries, float64(q.Count), q.Op, q.Table)
		counter(c.rows, float64(q.Rows), q.Op, q.Table)
		for kind, n := range q.Errors {
			counter(c.errors, float64(n), q.Op, q.Table, kind.Name())
		}
		buckets := make(map[float64]uint64, len(c.bounds))
		for i, bound := range c.bounds {
			if i < len(q.Buckets) {
				buckets[bound] = uint64(q.Buckets[i])
			}
		}
		ch <- prometheus.MustNewConstHistogram(c.duration, uint64(q.Count), q.Duration.Seconds(), buckets, q.Op, q.Table)
	}

	if cs := s.Cache; cs != nil {
		up := 0.0
		if cs.State == runtime.CacheListening {
			up = 1
		}
		gauge(c.cacheUp, up)
		counter(c.cacheDisconnects, float64(cs.Disconnects))
		counter(c.cacheReconnects, float64(cs.Reconnects))
		counter(c.cacheNotifications, float64(cs.Notifications))
		counter(c.cacheFlushes, float64(cs.Flushes))
		counter(c.cacheErrors, float64(cs.SharedErrors))
		for _, t := range cs.Tables {
			counter(c.cacheHits, float64(t.Hits), t.Table, t.Index)
			counter(c.cacheMisses, float64(t.Misses), t.Table, t.Index)
			counter(c.cacheWaited, float64(t.Waited), t.Table, t.Index)
			counter(c.cacheFills, float64(t.Fills), t.Table, t.Index)
			counter(c.cacheDropped, float64(t.DroppedFills), t.Table, t.Index)
			counter(c.cacheBypassed, float64(t.Bypassed), t.Table, t.Index)
			counter(c.cacheInvalidations, float64(t.Invalidations), t.Table, t.Index, "local")
			counter(c.cacheInvalidations, float64(t.RemoteInvalidations), t.Table, t.Index, "remote")
			counter(c.cacheTableFlushes, float64(t.Flushes), t.Table, t.Index)
			if t.Entries >= 0 {
				ch <- prometheus.MustNewConstMetric(c.cacheEntries, prometheus.GaugeValue, float64(t.Entries), t.Table, t.Index)
			}
		}
	}
}
