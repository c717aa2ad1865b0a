package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"
)

// HealthReport is the result of DB.Health: whether the database answers,
// how fast, and what state it is in.
type HealthReport struct {
	// OK is set when a connection was had and the server answered.
	OK bool
	// Latency is how long the check took: acquiring a connection (and
	// making one, if needed) plus one round trip.
	Latency time.Duration
	// ServerVersion is the server's server_version setting, such as
	// "15.8" or "15.8 (Debian 15.8-1.pgdg120+1)"; empty when not OK.
	ServerVersion string
	// InRecovery is set when the server is a standby or still replaying
	// WAL (pg_is_in_recovery()): it answers reads, but writes fail.
	InRecovery bool
	// Pool is a snapshot of the pool's counters taken after the check.
	Pool PoolStats
	// Error says why the check failed; empty when OK. It holds no
	// password.
	Error string
	// ErrorKind is the Kind of the failure (KindConnection,
	// KindTimeout, …); KindUnknown when OK.
	ErrorKind Kind
	// Cache is the state of the row caches: CacheOff without caching,
	// CacheListening when cached reads are served, CacheDisconnected
	// while the listener reconnects (reads go to the database, so the DB
	// stays OK). CacheError is the listener's or shared cache's last
	// failure, if any.
	Cache      CacheState
	CacheError string
}

// healthSQL is the one statement of a health check.
const healthSQL = "SELECT current_setting('server_version'), pg_is_in_recovery()"

// Health checks that the database answers, for readiness endpoints: it
// acquires a connection and runs one statement that reads the server's
// version and whether it is in recovery. The check is bounded by
// Config.HealthTimeout (DefaultHealthTimeout when zero) even when ctx has
// no deadline, so a server that is down or does not answer is reported
// as not OK within that time; ctx can shorten it.
//
// The statement bypasses the observers: health checks do not show up in
// the statement log, the query metrics or traces.
func (db *DB) Health(ctx context.Context) HealthReport {
	ctx, cancel := context.WithTimeoutCause(ctx, db.healthTimeout, errHealthTimeout)
	defer cancel()
	start := time.Now()
	version, inRecovery, err := db.healthCheck(ctx)
	r := HealthReport{Latency: time.Since(start), Pool: db.poolStats(), Cache: CacheOff}
	if db.caches != nil {
		cs := db.caches.listener.stats()
		r.Cache, r.CacheError = cs.State, cs.LastError
	}
	if err != nil {
		de := *Wrap(err, "runtime.Health", "").(*DbError)
		if context.Cause(ctx) == errHealthTimeout {
			de.Kind = KindTimeout
			de.Message = "no answer within HealthTimeout (" + db.healthTimeout.String() + "): " + de.Message
		}
		r.Error = db.secrets.mask(de.Error())
		r.ErrorKind = de.Kind
		return r
	}
	r.OK = true
	r.ServerVersion = version
	r.InRecovery = inRecovery
	return r
}

var errHealthTimeout = errors.New("health timeout")

// maxHealthAttempts bounds how many pooled connections one health check
// tries when they turn out to be lost.
const maxHealthAttempts = 4

// healthCheck runs healthSQL on a pooled connection, below the pgx
// tracer. A connection lost while it sat idle in the pool (the server
// restarted, say) fails the statement although the server is fine now:
// the check then tries another connection, which the pool makes anew
// once the idle ones are used up.
func (db *DB) healthCheck(ctx context.Context) (version string, inRecovery bool, err error) {
	for attempt := 1; ; attempt++ {
		version, inRecovery, lost, err := db.healthCheckOnce(ctx)
		if err == nil || !lost || attempt == maxHealthAttempts || ctx.Err() != nil {
			return version, inRecovery, err
		}
	}
}

// healthCheckOnce runs one attempt of healthCheck; lost reports that the
// connection failed after it was acquired.
func (db *DB) healthCheckOnce(ctx context.Context) (version string, inRecovery, lost bool, err error) {
	c, err := db.pool.Acquire(ctx)
	if err != nil {
		return "", false, false, err
	}
	defer c.Release()
	results, err := c.Conn().PgConn().Exec(ctx, healthSQL).ReadAll()
	if err != nil {
		return "", false, KindOf(err) == KindConnection, err
	}
	if len(results) != 1 || len(results[0].Rows) != 1 || len(results[0].Rows[0]) != 2 {
		return "", false, false, errors.New("unexpected answer to the health check")
	}
	row := results[0].Rows[0]
	return string(row[0]), string(row[1]) == "t", false, nil
}

// MarshalJSON encodes r for a readiness endpoint:
//
//	{"ok":true,"latency":"1.234ms","latency_seconds":0.001234,
//	 "server_version":"15.8","in_recovery":false,
//	 "pool":{"acquired_conns":0,"idle_conns":2,"total_conns":2,"max_conns":4,
//	         "constructing_conns":0,"waiting_acquires":0}}
//
// with "error" and "error_kind" (Kind.Name) added when not OK, and
// "cache" (the CacheState) and "cache_error" when caching is on.
func (r HealthReport) MarshalJSON() ([]byte, error) {
	type pool struct {
		AcquiredConns     int32 `json:"acquired_conns"`
		IdleConns         int32 `json:"idle_conns"`
		TotalConns        int32 `json:"total_conns"`
		MaxConns          int32 `json:"max_conns"`
		ConstructingConns int32 `json:"constructing_conns"`
		WaitingAcquires   int64 `json:"waiting_acquires"`
	}
	type report struct {
		OK             bool    `json:"ok"`
		Latency        string  `json:"latency"`
		LatencySeconds float64 `json:"latency_seconds"`
		ServerVersion  string  `json:"server_version,omitempty"`
		InRecovery     bool    `json:"in_recovery"`
		Pool           pool    `json:"pool"`
		Error          string  `json:"error,omitempty"`
		ErrorKind      string  `json:"error_kind,omitempty"`
		Cache          string  `json:"cache,omitempty"`
		CacheError     string  `json:"cache_error,omitempty"`
	}
	out := report{
		OK:             r.OK,
		Latency:        r.Latency.String(),
		LatencySeconds: r.Latency.Seconds(),
		ServerVersion:  r.ServerVersion,
		InRecovery:     r.InRecovery,
		Pool: pool{
			AcquiredConns:     r.Pool.AcquiredConns,
			IdleConns:         r.Pool.IdleConns,
			TotalConns:        r.Pool.TotalConns,
			MaxConns:          r.Pool.MaxConns,
			ConstructingConns: r.Pool.ConstructingConns,
			WaitingAcquires:   r.Pool.WaitingAcquires,
		},
		Error:      r.Error,
		CacheError: r.CacheError,
	}
	if r.Cache != CacheOff {
		out.Cache = string(r.Cache)
	}
	if !r.OK {
		out.ErrorKind = r.ErrorKind.Name()
	}
	return json.Marshal(out)
}

// HealthHandler returns an http.Handler for readiness probes: it runs
// db.Health with the request's context and answers 200 when the report
// is OK and 503 Service Unavailable otherwise, with the report as JSON
// (see HealthReport.MarshalJSON). Mount it where the platform looks:
//
//	mux.Handle("GET /readyz", runtime.HealthHandler(db))
//
// A server in recovery is still ready (it answers reads); a probe that
// needs a writable primary can check in_recovery itself.
func HealthHandler(db *DB) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		report := db.Health(req.Context())
		body, err := json.Marshal(report)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if report.OK {
			w.WriteHeader(http.StatusOK)
		} else {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		if req.Method != http.MethodHead {
			_, _ = w.Write(append(body, '\n'))
		}
	})
}
