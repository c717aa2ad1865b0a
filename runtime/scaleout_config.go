package runtime

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ReplicaPolicy picks the replica that runs a read; see
// Config.ReplicaPolicy.
type ReplicaPolicy string

// The replica policies.
const (
	// ReplicaRoundRobin takes the healthy replicas in turn. It is the
	// default.
	ReplicaRoundRobin ReplicaPolicy = "round_robin"
	// ReplicaLeastBusy takes the healthy replica whose pool has the fewest
	// connections in use; replicas equally busy take turns.
	ReplicaLeastBusy ReplicaPolicy = "least_busy"
)

// StatementMode says how a DB sends statements to the server, which
// decides whether it works behind a connection pooler in transaction
// pooling mode (Config.Pooler). Each is one of pgx's query exec modes.
type StatementMode string

// The statement modes. docs/scale-out.md has the measured cost of each
// beside StatementModePrepared.
const (
	// StatementModeAuto (the zero value, or "auto") follows the
	// connection string's default_query_exec_mode when it has one; else,
	// behind a Pooler, PoolerStatementMode; else StatementModePrepared.
	StatementModeAuto StatementMode = ""
	// StatementModePrepared prepares each statement once per connection
	// and keeps it (pgx.QueryExecModeCacheStatement, pgx's default): one
	// round trip per statement, parameters and results in binary. It
	// needs the server connection to last as long as the client's, so it
	// does not work behind PgBouncer in transaction pooling mode (1.18
	// and earlier keep no prepared statements there).
	StatementModePrepared StatementMode = "prepared"
	// StatementModeDescribe asks the server once per connection for each
	// statement's parameter and result types and keeps only that
	// description; every run then parses the statement again as the
	// unnamed statement, in the same round trip
	// (pgx.QueryExecModeCacheDescribe). Binary formats as with prepared
	// statements; safe behind a transaction pooler. A schema change that
	// alters a statement's types needs new connections.
	StatementModeDescribe StatementMode = "describe"
	// StatementModeExec sends each statement as the unnamed statement
	// with parameters of unspecified type in text format, and reads text
	// results (pgx.QueryExecModeExec): one round trip, no state kept on
	// the connection, the server infers every parameter's type from the
	// statement, which cpcgen's statements make possible with casts.
	StatementModeExec StatementMode = "exec"
	// StatementModeSimple uses the simple query protocol: pgx quotes the
	// values into the statement's text (pgx.QueryExecModeSimpleProtocol).
	// It needs standard_conforming_strings on and client_encoding UTF8,
	// pgx's own checks.
	StatementModeSimple StatementMode = "simple"
)

// PoolerStatementMode is the statement mode StatementModeAuto picks
// behind a Pooler: the fastest of the modes that pass cpcgen's generated
// code through PgBouncer 1.18 in transaction pooling mode.
const PoolerStatementMode = StatementModeDescribe

// PoolerPgBouncer is the Config.Pooler value for PgBouncer in
// transaction pooling mode.
const PoolerPgBouncer = "pgbouncer"

// DefaultReplicaRetry is how soon a replica taken out is checked again
// when Config.ReplicaRetry is zero; MaxReplicaRetry bounds the wait as it
// doubles.
const (
	DefaultReplicaRetry = time.Second
	MaxReplicaRetry     = 30 * time.Second
)

// queryExecModeParam is the connection string parameter pgx reads the
// default query exec mode from.
const queryExecModeParam = "default_query_exec_mode"

// queryExecModes maps the statement modes to pgx's, and to the value of
// pgx's default_query_exec_mode connection string parameter.
var queryExecModes = map[StatementMode]struct {
	mode  pgx.QueryExecMode
	param string
}{
	StatementModePrepared: {pgx.QueryExecModeCacheStatement, "cache_statement"},
	StatementModeDescribe: {pgx.QueryExecModeCacheDescribe, "cache_describe"},
	StatementModeExec:     {pgx.QueryExecModeExec, "exec"},
	StatementModeSimple:   {pgx.QueryExecModeSimpleProtocol, "simple_protocol"},
}

// QueryExecMode returns the pgx query exec mode of m, and false for
// StatementModeAuto and unknown modes.
func (m StatementMode) QueryExecMode() (pgx.QueryExecMode, bool) {
	e, ok := queryExecModes[m]
	return e.mode, ok
}

// ConnParam returns the value of pgx's default_query_exec_mode
// connection string parameter that selects m ("cache_describe" for
// StatementModeDescribe), or "" for StatementModeAuto and unknown modes:
// a connection string with default_query_exec_mode=cache_describe makes
// pgx.Connect and pgxpool use the mode too, not only Open.
func (m StatementMode) ConnParam() string {
	return queryExecModes[m].param
}

// resolve returns the mode a pool on the connection string dsn uses: m
// itself unless it is auto; see StatementModeAuto.
func (m StatementMode) resolve(dsn, pooler string) StatementMode {
	if m != StatementModeAuto && m != "auto" {
		return m
	}
	if cfg, err := pgconn.ParseConfig(dsn); err == nil {
		if v, ok := cfg.RuntimeParams[queryExecModeParam]; ok {
			for sm, e := range queryExecModes {
				if e.param == v {
					return sm
				}
			}
			// Another of pgx's modes (describe_exec): pgx has set it.
			return StatementMode(v)
		}
	}
	if pooler != "" {
		return PoolerStatementMode
	}
	return StatementModePrepared
}

// applyStatementMode sets pc's default query exec mode from c; the
// connection string's own default_query_exec_mode stays when c says
// auto.
func (c Config) applyStatementMode(pc *pgxpool.Config, dsn string) StatementMode {
	mode := c.StatementMode.resolve(dsn, c.Pooler)
	if qm, ok := mode.QueryExecMode(); ok {
		pc.ConnConfig.DefaultQueryExecMode = qm
	}
	return mode
}

// splitURLs splits a comma-separated list of connection strings,
// dropping blank space around each; "" gives nil.
func splitURLs(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		out = append(out, strings.TrimSpace(p))
	}
	return out
}

// scaleOutProblems lists what is wrong with the replica and pooler
// settings of c.
func (c Config) scaleOutProblems() []FieldError {
	var out []FieldError
	add := func(field, format string, args ...any) {
		out = append(out, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	for i, u := range c.ReplicaURLs {
		if strings.TrimSpace(u) == "" {
			add("ReplicaURLs", "ReplicaURLs[%d] (%s) is empty", i, envReplicaURLs)
			continue
		}
		if _, err := pgconn.ParseConfig(u); err != nil {
			add("ReplicaURLs", "ReplicaURLs[%d] (%s) is not a valid connection string: %s", i, envReplicaURLs, parseErrorReason(err, u))
		} else if why := urlAmbiguity(u); why != "" {
			add("ReplicaURLs", "ReplicaURLs[%d] (%s) %s", i, envReplicaURLs, why)
		}
	}
	switch c.ReplicaPolicy {
	case "", ReplicaRoundRobin, ReplicaLeastBusy:
	default:
		add("ReplicaPolicy", "ReplicaPolicy (%s) must be %s or %s, got %q", envReplicaPolicy, ReplicaRoundRobin, ReplicaLeastBusy, clipValue(string(c.ReplicaPolicy)))
	}
	switch c.Pooler {
	case "", PoolerPgBouncer:
	default:
		add("Pooler", "Pooler (%s) must be %s or empty, got %q", envPooler, PoolerPgBouncer, clipValue(c.Pooler))
	}
	switch c.StatementMode {
	case StatementModeAuto, "auto", StatementModeDescribe, StatementModeExec, StatementModeSimple:
	case StatementModePrepared:
		if c.Pooler != "" {
			add("StatementMode", "StatementMode (%s) prepared does not work behind %s in transaction pooling mode (%s): prepared statements stay on the server connection they were made on; use auto, %s, %s or %s",
				envStatementMode, c.Pooler, envPooler, StatementModeDescribe, StatementModeExec, StatementModeSimple)
		}
	default:
		add("StatementMode", "StatementMode (%s) must be auto, prepared, describe, exec or simple, got %q", envStatementMode, clipValue(string(c.StatementMode)))
	}
	return out
}

// clipValue shortens a setting's value for a message.
func clipValue(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// writeScaleOut adds the replica and pooler settings that are set to
// Config.String's output, connection strings with their passwords masked.
func (c Config) writeScaleOut(b *strings.Builder) {
	if len(c.ReplicaURLs) > 0 {
		b.WriteString(", ReplicaURLs: [")
		for i, u := range c.ReplicaURLs {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.Quote(redactDSN(u)))
		}
		b.WriteString("]")
	}
	if c.ReplicaPolicy != "" {
		fmt.Fprintf(b, ", ReplicaPolicy: %s", c.ReplicaPolicy)
	}
	for _, d := range []struct {
		name  string
		value time.Duration
	}{
		{"ReadYourWrites", c.ReadYourWrites},
		{"MaxReplicaLag", c.MaxReplicaLag},
		{"ReplicaRetry", c.ReplicaRetry},
	} {
		if d.value != 0 {
			fmt.Fprintf(b, ", %s: %s", d.name, d.value)
		}
	}
	if c.Pooler != "" {
		fmt.Fprintf(b, ", Pooler: %s", c.Pooler)
	}
	if c.StatementMode != "" {
		fmt.Fprintf(b, ", StatementMode: %s", c.StatementMode)
	}
}
