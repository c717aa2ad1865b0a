package runtime

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Config configures Open. The zero value of every field means "keep the
// default": the connection string's own setting, or pgxpool's default.
type Config struct {
	// URL is the connection string, as a URL
	// (postgres://user:password@host:5432/db?sslmode=require) or in
	// keyword/value form (host=… dbname=…). When it is empty, pgx reads
	// the standard libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD,
	// PGDATABASE, PGSSLMODE, PGAPPNAME, PGCONNECT_TIMEOUT, PGSERVICE …),
	// which also fill in whatever a URL leaves out.
	URL string
	// MinConns is the number of connections the pool keeps open.
	MinConns int32
	// MaxConns is the maximum number of connections; pgxpool's default is
	// the greater of 4 and the number of CPUs.
	MaxConns int32
	// ConnectTimeout bounds establishing one connection.
	ConnectTimeout time.Duration
	// AcquireTimeout bounds waiting for a free connection of the pool; a
	// wait that runs out fails with KindTimeout. Zero waits as long as
	// the context allows.
	AcquireTimeout time.Duration
	// StatementTimeout is sent as the statement_timeout run-time
	// parameter: the server cancels any statement running longer.
	StatementTimeout time.Duration
	// IdleInTxTimeout is sent as idle_in_transaction_session_timeout: the
	// server ends a session that stays idle inside a transaction longer.
	IdleInTxTimeout time.Duration
	// HealthCheckPeriod is the interval between checks of idle
	// connections; pgxpool's default is one minute.
	HealthCheckPeriod time.Duration
	// MaxConnLifetime is the age after which a connection is closed;
	// pgxpool's default is one hour.
	MaxConnLifetime time.Duration
	// MaxConnIdleTime is the idle time after which a connection is
	// closed; pgxpool's default is 30 minutes.
	MaxConnIdleTime time.Duration
	// ApplicationName is sent as application_name, shown in
	// pg_stat_activity and the server log.
	ApplicationName string

	// Metrics turns on the query metrics of Stats.Queries (counts, errors
	// by kind and a latency histogram per operation) and the count of
	// waiting acquires, which runtime/promexport exports. Off by default;
	// on, it costs a few atomic additions per statement.
	Metrics bool
	// LogQueries turns on the statement log (see NewSlogObserver),
	// written to Logger, or to slog.Default() when Logger is nil.
	LogQueries bool
	// Logger receives the statement log; setting it turns the log on.
	Logger *slog.Logger
	// LogArgs adds argument values to the statement log, with values
	// bound to sensitive columns redacted. It needs the log to be on
	// (LogQueries, Logger or SlowQuery).
	LogArgs bool
	// SlowQuery logs statements that take this long or longer at level
	// Warn; setting it turns the statement log on. Zero turns it off.
	SlowQuery time.Duration
	// HealthTimeout bounds DB.Health, also when its context has no
	// deadline; zero means DefaultHealthTimeout.
	HealthTimeout time.Duration
	// Observers are told about every statement (see Observer), after the
	// built-in metrics and log. With no observer, no metrics and no log,
	// no tracer is installed and observation costs nothing.
	Observers []Observer
	// Tracer is a pgx tracer of the application's own; it runs before
	// the observers, so a context it returns (with a span, say) is the one
	// observers see. It may also implement the other pgx and pgxpool
	// tracer interfaces.
	Tracer pgx.QueryTracer

	// ReplicaURLs are the connection strings of read replicas (streaming
	// standbys of the server at URL). With any, the DB keeps a pool per
	// replica, with the same settings as the primary's, and runs the
	// statements whose name line says replica=ok (see ParseOperation) on
	// a healthy replica, unless they run in a transaction, the context
	// says Primary, or a session's read-your-writes window is open. A
	// replica that fails with a connection error is taken out and the
	// read runs on the primary instead; see docs/scale-out.md.
	ReplicaURLs []string
	// ReplicaPolicy picks among the healthy replicas: ReplicaRoundRobin
	// (the default) or ReplicaLeastBusy.
	ReplicaPolicy ReplicaPolicy
	// ReadYourWrites keeps the reads of a session (WithSession) on the
	// primary for this long after the session's last write, so that it
	// reads what it wrote even when replicas lag behind. Zero turns
	// sessions off: every replica=ok read may go to a replica.
	ReadYourWrites time.Duration
	// MaxReplicaLag takes a replica out while it replays the primary's
	// changes more than this far behind, as measured by its health check
	// (now() - pg_last_xact_replay_timestamp(), zero when it has replayed
	// all it received). Zero means no bound, and no periodic lag checks.
	MaxReplicaLag time.Duration
	// ReplicaRetry is how soon a replica that was taken out is checked
	// again, and, with MaxReplicaLag, how often a healthy replica's lag
	// is checked. The wait doubles after each failed check, up to
	// MaxReplicaRetry. Zero means DefaultReplicaRetry.
	ReplicaRetry time.Duration

	// Pooler names a connection pooler between the application and the
	// server that does not keep a server connection for a session:
	// "pgbouncer" for PgBouncer in transaction pooling mode (also the
	// value for other poolers with the same limits), or "" for none.
	// Behind one, prepared statements cannot be kept on a connection, and
	// StatementModeAuto picks PoolerStatementMode.
	Pooler string
	// StatementMode says how statements are sent; see StatementMode.
	// The zero value, StatementModeAuto, follows the connection string's
	// default_query_exec_mode when it has one, else PoolerStatementMode
	// behind a Pooler, else StatementModePrepared.
	StatementMode StatementMode

	// MaxPageSize is the largest page a paginated method returns: a
	// larger PageArgs.Limit is refused with KindValidation (see
	// PageArgs.Check). Zero means CPCGEN_MAX_PAGE_SIZE, or
	// DefaultMaxPageSize (1000) when that is unset.
	MaxPageSize int
	// CursorKeys seal the page cursors of paginated methods (see
	// CursorKeys): every instance of the application needs the same
	// keys for a cursor one made to work on another. Nil means the keys
	// of CPCGEN_CURSOR_KEYS, or, when that is unset, a random key made
	// per process, with which cursors do not survive a restart; see
	// CursorKeysOf.
	CursorKeys *CursorKeys
	// TenantKey signs the tenant tokens that scoped statements send for
	// the row-level security policies of tenant tables (see TenantKey):
	// the database must hold it (cpcgen tenant-key add). Nil means the
	// key of CPCGEN_TENANT_KEY; without either, methods of tenant tables
	// fail with ErrNoTenantKey. With a key, every connection released to
	// the pool has its tenant setting reset (see AfterRelease).
	TenantKey *TenantKey
	// Cache configures the row caches of tables generated with cache:;
	// see CacheConfig and docs/caching.md. Off by default.
	Cache CacheConfig
}

// DefaultHealthTimeout is how long DB.Health waits when
// Config.HealthTimeout is zero.
const DefaultHealthTimeout = 2 * time.Second

// logging reports whether c turns the statement log on.
func (c Config) logging() bool {
	return c.LogQueries || c.Logger != nil || c.SlowQuery > 0
}

// The environment variables ConfigFromEnv reads, besides the libpq ones.
const (
	envDatabaseURL       = "DATABASE_URL"
	envMinConns          = "CPCGEN_MIN_CONNS"
	envMaxConns          = "CPCGEN_MAX_CONNS"
	envConnectTimeout    = "CPCGEN_CONNECT_TIMEOUT"
	envAcquireTimeout    = "CPCGEN_ACQUIRE_TIMEOUT"
	envStatementTimeout  = "CPCGEN_STATEMENT_TIMEOUT"
	envIdleInTxTimeout   = "CPCGEN_IDLE_IN_TX_TIMEOUT"
	envHealthCheckPeriod = "CPCGEN_HEALTH_CHECK_PERIOD"
	envMaxConnLifetime   = "CPCGEN_MAX_CONN_LIFETIME"
	envMaxConnIdleTime   = "CPCGEN_MAX_CONN_IDLE_TIME"
	envApplicationName   = "CPCGEN_APPLICATION_NAME"
	envMetrics           = "CPCGEN_METRICS"
	envLogQueries        = "CPCGEN_LOG_QUERIES"
	envLogArgs           = "CPCGEN_LOG_ARGS"
	envSlowQuery         = "CPCGEN_SLOW_QUERY"
	envHealthTimeout     = "CPCGEN_HEALTH_TIMEOUT"
	envReplicaURLs       = "CPCGEN_REPLICA_URLS"
	envReplicaPolicy     = "CPCGEN_REPLICA_POLICY"
	envReadYourWrites    = "CPCGEN_READ_YOUR_WRITES"
	envMaxReplicaLag     = "CPCGEN_MAX_REPLICA_LAG"
	envReplicaRetry      = "CPCGEN_REPLICA_RETRY"
	envPooler            = "CPCGEN_POOLER"
	envStatementMode     = "CPCGEN_STATEMENT_MODE"
	envMaxPageSize       = EnvMaxPageSize
	envCursorKeys        = EnvCursorKeys
	envTenantKey         = EnvTenantKey
)

// maxApplicationName is the longest application_name PostgreSQL keeps
// (NAMEDATALEN-1); longer names are cut by the server.
const maxApplicationName = 63

// ConfigFromEnv returns the Config described by the environment:
// DATABASE_URL for URL (when it is unset, URL stays empty and the libpq
// PG* variables apply, see Config.URL), and
//
//	CPCGEN_MIN_CONNS, CPCGEN_MAX_CONNS           integers
//	CPCGEN_CONNECT_TIMEOUT, CPCGEN_ACQUIRE_TIMEOUT,
//	CPCGEN_STATEMENT_TIMEOUT, CPCGEN_IDLE_IN_TX_TIMEOUT,
//	CPCGEN_HEALTH_CHECK_PERIOD, CPCGEN_MAX_CONN_LIFETIME,
//	CPCGEN_MAX_CONN_IDLE_TIME                    Go durations (5s, 250ms)
//	CPCGEN_APPLICATION_NAME                      text
//	CPCGEN_METRICS, CPCGEN_LOG_QUERIES,
//	CPCGEN_LOG_ARGS                              booleans (true/false, 1/0, yes/no, on/off)
//	CPCGEN_SLOW_QUERY, CPCGEN_HEALTH_TIMEOUT     Go durations
//	CPCGEN_REPLICA_URLS                          connection strings, comma-separated
//	CPCGEN_REPLICA_POLICY                        round_robin or least_busy
//	CPCGEN_READ_YOUR_WRITES, CPCGEN_MAX_REPLICA_LAG,
//	CPCGEN_REPLICA_RETRY                         Go durations
//	CPCGEN_POOLER                                pgbouncer, or empty
//	CPCGEN_STATEMENT_MODE                        auto, prepared, describe, exec or simple
//	CPCGEN_MAX_PAGE_SIZE                         integer
//	CPCGEN_CURSOR_KEYS                           base64 keys, comma-separated (see ParseCursorKeys)
//	CPCGEN_TENANT_KEY                            a base64 key (see ParseTenantKey)
//	CPCGEN_CACHE                                 boolean: the row caches (Cache.Enabled)
//	CPCGEN_CACHE_MAX_ENTRIES                     integer
//	CPCGEN_CACHE_TTL, CPCGEN_CACHE_LISTENER_PING Go durations
//	CPCGEN_CACHE_LISTENER_URL                    connection string
//
// Logger, Observers, Tracer and Cache.Shared are code-only
// (runtime/rediscache.FromEnv sets Cache.Shared from CPCGEN_CACHE_REDIS_URL). The result is validated;
// all problems are reported together.
func ConfigFromEnv() (Config, error) {
	var cfg Config
	var errs []error
	cfg.URL = os.Getenv(envDatabaseURL)
	readInt := func(name string, dst *int32) {
		s, ok := os.LookupEnv(name)
		if !ok || strings.TrimSpace(s) == "" {
			return
		}
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 32)
		if err != nil {
			errs = append(errs, fmt.Errorf("runtime: config: %s: invalid integer %q", name, s))
			return
		}
		*dst = int32(n)
	}
	readDuration := func(name string, dst *time.Duration) {
		s, ok := os.LookupEnv(name)
		if !ok || strings.TrimSpace(s) == "" {
			return
		}
		d, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil {
			errs = append(errs, fmt.Errorf("runtime: config: %s: invalid duration %q (use Go syntax such as 5s or 250ms)", name, s))
			return
		}
		*dst = d
	}
	readBool := func(name string, dst *bool) {
		s, ok := os.LookupEnv(name)
		if !ok || strings.TrimSpace(s) == "" {
			return
		}
		b, valid := parseBool(s)
		if !valid {
			errs = append(errs, fmt.Errorf("runtime: config: %s: invalid boolean %q (use true or false)", name, s))
			return
		}
		*dst = b
	}
	readInt(envMinConns, &cfg.MinConns)
	readInt(envMaxConns, &cfg.MaxConns)
	readDuration(envConnectTimeout, &cfg.ConnectTimeout)
	readDuration(envAcquireTimeout, &cfg.AcquireTimeout)
	readDuration(envStatementTimeout, &cfg.StatementTimeout)
	readDuration(envIdleInTxTimeout, &cfg.IdleInTxTimeout)
	readDuration(envHealthCheckPeriod, &cfg.HealthCheckPeriod)
	readDuration(envMaxConnLifetime, &cfg.MaxConnLifetime)
	readDuration(envMaxConnIdleTime, &cfg.MaxConnIdleTime)
	cfg.ApplicationName = os.Getenv(envApplicationName)
	readBool(envMetrics, &cfg.Metrics)
	readBool(envLogQueries, &cfg.LogQueries)
	readBool(envLogArgs, &cfg.LogArgs)
	readDuration(envSlowQuery, &cfg.SlowQuery)
	readDuration(envHealthTimeout, &cfg.HealthTimeout)
	cfg.ReplicaURLs = splitURLs(os.Getenv(envReplicaURLs))
	cfg.ReplicaPolicy = ReplicaPolicy(strings.TrimSpace(os.Getenv(envReplicaPolicy)))
	readDuration(envReadYourWrites, &cfg.ReadYourWrites)
	readDuration(envMaxReplicaLag, &cfg.MaxReplicaLag)
	readDuration(envReplicaRetry, &cfg.ReplicaRetry)
	cfg.Pooler = strings.TrimSpace(os.Getenv(envPooler))
	cfg.StatementMode = StatementMode(strings.TrimSpace(os.Getenv(envStatementMode)))
	if s := strings.TrimSpace(os.Getenv(envMaxPageSize)); s != "" {
		n, err := parseMaxPageSize(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("runtime: config: %s: %v, got %q", envMaxPageSize, err, s))
		}
		cfg.MaxPageSize = n
	}
	if s := os.Getenv(envCursorKeys); strings.TrimSpace(s) != "" {
		keys, err := ParseCursorKeys(s)
		if err != nil {
			// The keys are secret: the error names them by position only.
			errs = append(errs, fmt.Errorf("runtime: config: %s: %s", envCursorKeys, strings.TrimPrefix(err.Error(), "runtime: cursor keys: ")))
		}
		cfg.CursorKeys = keys
	}
	if s := os.Getenv(envTenantKey); strings.TrimSpace(s) != "" {
		key, err := ParseTenantKey(s)
		if err != nil {
			// The key is secret: the error never shows it.
			errs = append(errs, fmt.Errorf("runtime: config: %s: %s", envTenantKey, strings.TrimPrefix(err.Error(), "runtime: tenant key: ")))
		}
		cfg.TenantKey = key
	}
	errs = append(errs, readCacheEnv(&cfg.Cache)...)

	if err := cfg.Validate(); err != nil {
		errs = append(errs, err)
	}
	return cfg, errors.Join(errs...)
}

// parseBool reads a boolean setting: what strconv.ParseBool takes, and
// yes/no and on/off in any case.
func parseBool(s string) (value, ok bool) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "yes", "on":
		return true, true
	case "no", "off":
		return false, true
	}
	b, err := strconv.ParseBool(s)
	return b, err == nil
}

// Validate reports every problem of c, each naming the setting and its
// environment variable, for example
// "runtime: config: MaxConns (CPCGEN_MAX_CONNS) must be >= MinConns (4), got 2".
// The connection string is parsed too; its password never appears in the
// error.
func (c Config) Validate() error {
	problems := c.problems()
	if len(problems) == 0 {
		return nil
	}
	errs := make([]error, len(problems))
	for i, p := range problems {
		errs[i] = errors.New("runtime: config: " + p.Message)
	}
	return errors.Join(errs...)
}

// problems lists what is wrong with c, one FieldError per problem.
func (c Config) problems() []FieldError {
	var out []FieldError
	add := func(field, format string, args ...any) {
		out = append(out, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}

	if _, err := pgconn.ParseConfig(c.URL); err != nil {
		if c.URL == "" {
			add("URL", "URL (DATABASE_URL) is empty and the PG* environment variables do not form a valid connection: %s", parseErrorReason(err, c.URL))
		} else {
			add("URL", "URL (DATABASE_URL) is not a valid connection string: %s", parseErrorReason(err, c.URL))
		}
	} else if why := urlAmbiguity(c.URL); why != "" {
		add("URL", "URL (DATABASE_URL) %s", why)
	}

	if c.MinConns < 0 {
		add("MinConns", "MinConns (%s) must be >= 0, got %d", envMinConns, c.MinConns)
	}
	if c.MaxConns < 0 {
		add("MaxConns", "MaxConns (%s) must be >= 0 (0 means the default), got %d", envMaxConns, c.MaxConns)
	}
	if c.MaxConns > 0 && c.MinConns > c.MaxConns {
		add("MaxConns", "MaxConns (%s) must be >= MinConns (%d), got %d", envMaxConns, c.MinConns, c.MaxConns)
	}

	durations := []struct {
		field, env string
		value      time.Duration
		millis     bool // sent to the server in whole milliseconds
	}{
		{"ConnectTimeout", envConnectTimeout, c.ConnectTimeout, false},
		{"AcquireTimeout", envAcquireTimeout, c.AcquireTimeout, false},
		{"StatementTimeout", envStatementTimeout, c.StatementTimeout, true},
		{"IdleInTxTimeout", envIdleInTxTimeout, c.IdleInTxTimeout, true},
		{"HealthCheckPeriod", envHealthCheckPeriod, c.HealthCheckPeriod, false},
		{"MaxConnLifetime", envMaxConnLifetime, c.MaxConnLifetime, false},
		{"MaxConnIdleTime", envMaxConnIdleTime, c.MaxConnIdleTime, false},
		{"SlowQuery", envSlowQuery, c.SlowQuery, false},
		{"HealthTimeout", envHealthTimeout, c.HealthTimeout, false},
		{"ReadYourWrites", envReadYourWrites, c.ReadYourWrites, false},
		{"MaxReplicaLag", envMaxReplicaLag, c.MaxReplicaLag, false},
		{"ReplicaRetry", envReplicaRetry, c.ReplicaRetry, false},
	}
	for _, d := range durations {
		switch {
		case d.value < 0:
			add(d.field, "%s (%s) must not be negative, got %s", d.field, d.env, d.value)
		case d.millis && d.value > 0 && d.value < time.Millisecond:
			add(d.field, "%s (%s) must be at least 1ms, since PostgreSQL counts it in milliseconds and 0 turns it off, got %s", d.field, d.env, d.value)
		case d.millis && d.value/time.Millisecond > 1<<31-1:
			add(d.field, "%s (%s) must be at most %s, got %s", d.field, d.env, time.Duration(1<<31-1)*time.Millisecond, d.value)
		}
	}

	if len(c.ApplicationName) > maxApplicationName {
		add("ApplicationName", "ApplicationName (%s) must be at most %d bytes, got %d", envApplicationName, maxApplicationName, len(c.ApplicationName))
	}
	for _, r := range c.ApplicationName {
		if r < 0x20 || r > 0x7e {
			add("ApplicationName", "ApplicationName (%s) must be printable ASCII, got %q", envApplicationName, r)
			break
		}
	}

	if c.LogArgs && !c.logging() {
		add("LogArgs", "LogArgs (%s) needs the statement log: set LogQueries (%s), SlowQuery (%s) or Logger", envLogArgs, envLogQueries, envSlowQuery)
	}
	for i, o := range c.Observers {
		if o == nil {
			add("Observers", "Observers[%d] is nil", i)
		}
	}
	if c.MaxPageSize < 0 || c.MaxPageSize > MaxMaxPageSize {
		add("MaxPageSize", "MaxPageSize (%s) must be from 1 to %d, or 0 for the default (%d), got %d", envMaxPageSize, MaxMaxPageSize, DefaultMaxPageSize, c.MaxPageSize)
	}
	out = append(out, c.scaleOutProblems()...)
	out = append(out, c.cacheProblems()...)
	// Belt and braces: no message shows any part of a password.
	secrets := c.secrets()
	for i := range out {
		out[i].Message = maskSecrets(out[i].Message, secrets)
	}
	return out
}

// secrets returns what may be a password in c's connection strings (the
// primary's, the replicas', the cache listener's) and PGPASSWORD (see dsnSecrets).
func (c Config) secrets() []string {
	out := dsnSecrets(c.URL)
	for _, u := range c.ReplicaURLs {
		out = append(out, dsnSecrets(u)...)
	}
	return append(out, dsnSecrets(c.Cache.ListenerURL)...)
}

// String returns c for logs and error messages, with the password of the
// connection string masked.
func (c Config) String() string {
	var b strings.Builder
	b.WriteString("runtime.Config{URL: ")
	b.WriteString(strconv.Quote(redactDSN(c.URL)))
	if c.MinConns != 0 {
		fmt.Fprintf(&b, ", MinConns: %d", c.MinConns)
	}
	if c.MaxConns != 0 {
		fmt.Fprintf(&b, ", MaxConns: %d", c.MaxConns)
	}
	for _, d := range []struct {
		name  string
		value time.Duration
	}{
		{"ConnectTimeout", c.ConnectTimeout},
		{"AcquireTimeout", c.AcquireTimeout},
		{"StatementTimeout", c.StatementTimeout},
		{"IdleInTxTimeout", c.IdleInTxTimeout},
		{"HealthCheckPeriod", c.HealthCheckPeriod},
		{"MaxConnLifetime", c.MaxConnLifetime},
		{"MaxConnIdleTime", c.MaxConnIdleTime},
	} {
		if d.value != 0 {
			fmt.Fprintf(&b, ", %s: %s", d.name, d.value)
		}
	}
	if c.ApplicationName != "" {
		fmt.Fprintf(&b, ", ApplicationName: %q", c.ApplicationName)
	}
	for _, f := range []struct {
		name string
		on   bool
	}{
		{"Metrics", c.Metrics},
		{"LogQueries", c.LogQueries},
		{"LogArgs", c.LogArgs},
	} {
		if f.on {
			fmt.Fprintf(&b, ", %s: true", f.name)
		}
	}
	if c.Logger != nil {
		b.WriteString(", Logger: set")
	}
	if c.SlowQuery != 0 {
		fmt.Fprintf(&b, ", SlowQuery: %s", c.SlowQuery)
	}
	if c.HealthTimeout != 0 {
		fmt.Fprintf(&b, ", HealthTimeout: %s", c.HealthTimeout)
	}
	if len(c.Observers) > 0 {
		fmt.Fprintf(&b, ", Observers: %d", len(c.Observers))
	}
	if c.Tracer != nil {
		fmt.Fprintf(&b, ", Tracer: %T", c.Tracer)
	}
	c.writeScaleOut(&b)
	if c.MaxPageSize != 0 {
		fmt.Fprintf(&b, ", MaxPageSize: %d", c.MaxPageSize)
	}
	if c.CursorKeys != nil {
		fmt.Fprintf(&b, ", CursorKeys: %s", c.CursorKeys)
	}
	if c.TenantKey != nil {
		fmt.Fprintf(&b, ", TenantKey: %s", c.TenantKey)
	}
	c.writeCache(&b)
	b.WriteString("}")
	return maskSecrets(b.String(), c.secrets())
}

// GoString returns the same as String.
func (c Config) GoString() string { return c.String() }

// Format writes String for every verb of fmt (%v, %+v, %#v, %s, %q, %d
// …), so that no verb reaches the fields, which hold the password.
//
// fmt cannot call methods of a value it reaches through an unexported
// field, so a struct of the application's own that holds a Config in an
// unexported field prints the Config field by field, password included:
// hold a *Config there (fmt prints a nested pointer as an address), or
// give the struct a String or Format method of its own.
func (c Config) Format(f fmt.State, verb rune) { writeFormatted(f, verb, c.String()) }

// LogValue returns the same as String for log/slog.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }

// MarshalText returns the same as String, so that encoding/json, XML,
// YAML and other encoders show the masked form rather than the fields.
// (Config has no UnmarshalText: decoding a Config from a JSON object
// still fills its fields.)
func (c Config) MarshalText() ([]byte, error) { return []byte(c.String()), nil }
