package runtime

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

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
//
// The result is validated; all problems are reported together.
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

	if err := cfg.Validate(); err != nil {
		errs = append(errs, err)
	}
	return cfg, errors.Join(errs...)
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
	return out
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
	b.WriteString("}")
	return b.String()
}

// GoString returns the same as String, so that %#v does not print the
// password either.
func (c Config) GoString() string { return c.String() }

// LogValue returns the same as String for log/slog.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }
