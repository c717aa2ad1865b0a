// Package promexport exposes a runtime.DB's counters to Prometheus: the
// pool's connections and acquires; when the DB was opened with
// Config.Metrics, the statements of every operation — counts, errors by
// kind, rows and a latency histogram; and when it caches rows
// (Config.Cache), the row caches' hits, misses, fills, invalidations,
// flushes and listener state.
//
// It is a separate package so that only applications that import it
// depend on github.com/prometheus/client_golang; the runtime itself
// does not.
//
//	db, err := runtime.Open(ctx, runtime.Config{URL: url, Metrics: true})
//	…
//	prometheus.MustRegister(promexport.NewCollector(db))
//	http.Handle("/metrics", promhttp.Handler())
//
// The collector reads DB.Stats at every scrape; it keeps no state of its
// own. The metrics, all prefixed cpcgen_db_:
//
//	queries_total{operation,table}                   counter
//	query_errors_total{operation,table,kind}         counter (kind is runtime.Kind.Name: conflict, timeout, …)
//	query_rows_total{operation,table}                counter
//	query_duration_seconds{operation,table}          histogram (runtime.QueryBuckets)
//	pool_acquired_conns, pool_idle_conns,
//	pool_constructing_conns, pool_total_conns,
//	pool_max_conns, pool_waiting_acquires            gauges
//	pool_acquires_total, pool_canceled_acquires_total,
//	pool_empty_acquires_total, pool_new_conns_total,
//	pool_max_lifetime_destroys_total,
//	pool_max_idle_destroys_total                     counters
//	pool_acquire_seconds_total,
//	pool_empty_acquire_wait_seconds_total            counters
//
// and, when the DB caches rows (runtime.Config.Cache):
//
//	cache_hits_total{table,index}, cache_misses_total{table,index},
//	cache_waited_total{table,index}, cache_fills_total{table,index},
//	cache_dropped_fills_total{table,index},
//	cache_bypassed_total{table,index},
//	cache_table_flushes_total{table,index}          counters (index is "" for a table's rows)
//	cache_invalidations_total{table,index,source}   counter (source local or remote)
//	cache_entries{table,index}                      gauge (in-process caches)
//	cache_listener_up                               gauge (1 while cached reads are served)
//	cache_listener_disconnects_total,
//	cache_listener_reconnects_total,
//	cache_notifications_total, cache_flushes_total,
//	cache_shared_errors_total                       counters
//
// operation is the statement's name ("accounts.Create"; see
// runtime.ParseOperation), so the number of series grows with the
// operations of the application, not with its data. Statements without
// a name line are counted under their first keyword ("SELECT").
//
// To tell several databases apart in one registry, give each collector
// constant labels with WithConstLabels.
package promexport
