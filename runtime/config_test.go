package runtime_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// clearEnv unsets every variable ConfigFromEnv and pgx read, for the
// duration of the test.
func clearEnv(t *testing.T) {
	for _, name := range []string{
		"DATABASE_URL", "CPCGEN_MIN_CONNS", "CPCGEN_MAX_CONNS", "CPCGEN_CONNECT_TIMEOUT", "CPCGEN_ACQUIRE_TIMEOUT",
		"CPCGEN_STATEMENT_TIMEOUT", "CPCGEN_IDLE_IN_TX_TIMEOUT", "CPCGEN_HEALTH_CHECK_PERIOD", "CPCGEN_MAX_CONN_LIFETIME",
		"CPCGEN_MAX_CONN_IDLE_TIME", "CPCGEN_APPLICATION_NAME", "CPCGEN_METRICS", "CPCGEN_LOG_QUERIES", "CPCGEN_LOG_ARGS",
		"CPCGEN_SLOW_QUERY", "CPCGEN_HEALTH_TIMEOUT", "CPCGEN_REPLICA_URLS", "CPCGEN_REPLICA_POLICY",
		"CPCGEN_READ_YOUR_WRITES", "CPCGEN_MAX_REPLICA_LAG", "CPCGEN_REPLICA_RETRY", "CPCGEN_POOLER",
		"CPCGEN_STATEMENT_MODE", "CPCGEN_MAX_PAGE_SIZE", "CPCGEN_CURSOR_KEYS", "CPCGEN_CACHE", "CPCGEN_CACHE_MAX_ENTRIES", "CPCGEN_CACHE_TTL",
		"CPCGEN_CACHE_LISTENER_URL", "CPCGEN_CACHE_LISTENER_PING", "PGHOST", "PGPORT", "PGUSER", "PGPASSWORD",
		"PGDATABASE", "PGSSLMODE", "PGAPPNAME", "PGCONNECT_TIMEOUT", "PGSERVICE", "PGSERVICEFILE", "PGPASSFILE",
	} {
		t.Setenv(name, "")
	}
}

func TestConfigFromEnv(t *testing.T) {
	clearEnv(t)
	t.Setenv("DATABASE_URL", "postgres://app@db.internal:5433/app?sslmode=disable")
	t.Setenv("CPCGEN_MIN_CONNS", "2")
	t.Setenv("CPCGEN_MAX_CONNS", " 16 ")
	t.Setenv("CPCGEN_CONNECT_TIMEOUT", "5s")
	t.Setenv("CPCGEN_ACQUIRE_TIMEOUT", "750ms")
	t.Setenv("CPCGEN_STATEMENT_TIMEOUT", "30s")
	t.Setenv("CPCGEN_IDLE_IN_TX_TIMEOUT", "1m")
	t.Setenv("CPCGEN_HEALTH_CHECK_PERIOD", "15s")
	t.Setenv("CPCGEN_MAX_CONN_LIFETIME", "1h30m")
	t.Setenv("CPCGEN_MAX_CONN_IDLE_TIME", "10m")
	t.Setenv("CPCGEN_APPLICATION_NAME", "billing")
	t.Setenv("CPCGEN_METRICS", "true")
	t.Setenv("CPCGEN_LOG_QUERIES", "On")
	t.Setenv("CPCGEN_LOG_ARGS", "1")
	t.Setenv("CPCGEN_SLOW_QUERY", "250ms")
	t.Setenv("CPCGEN_HEALTH_TIMEOUT", "3s")
	got, err := runtime.ConfigFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	want := runtime.Config{
		URL:      "postgres://app@db.internal:5433/app?sslmode=disable",
		MinConns: 2, MaxConns: 16,
		ConnectTimeout: 5 * time.Second, AcquireTimeout: 750 * time.Millisecond,
		StatementTimeout: 30 * time.Second, IdleInTxTimeout: time.Minute,
		HealthCheckPeriod: 15 * time.Second, MaxConnLifetime: 90 * time.Minute, MaxConnIdleTime: 10 * time.Minute,
		ApplicationName: "billing",
		Metrics:         true, LogQueries: true, LogArgs: true,
		SlowQuery: 250 * time.Millisecond, HealthTimeout: 3 * time.Second,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ConfigFromEnv (-want +got):\n%s", diff)
	}

	for value, want := range map[string]bool{"false": false, "0": false, "no": false, "OFF": false, "TRUE": true, "yes": true} {
		t.Setenv("CPCGEN_METRICS", value)
		if cfg, err := runtime.ConfigFromEnv(); err != nil || cfg.Metrics != want {
			t.Errorf("CPCGEN_METRICS=%s: Metrics = %v, %v", value, cfg.Metrics, err)
		}
	}
}

func TestConfigFromEnvErrors(t *testing.T) {
	clearEnv(t)
	t.Setenv("DATABASE_URL", "postgres://localhost/app")
	t.Setenv("CPCGEN_MAX_CONNS", "lots")
	t.Setenv("CPCGEN_STATEMENT_TIMEOUT", "30")
	t.Setenv("CPCGEN_MIN_CONNS", "-1")
	t.Setenv("CPCGEN_METRICS", "sometimes")
	t.Setenv("CPCGEN_SLOW_QUERY", "-1s")
	t.Setenv("CPCGEN_LOG_ARGS", "true")
	t.Setenv("CPCGEN_HEALTH_TIMEOUT", "soon")
	_, err := runtime.ConfigFromEnv()
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		`runtime: config: CPCGEN_MAX_CONNS: invalid integer "lots"`,
		`runtime: config: CPCGEN_STATEMENT_TIMEOUT: invalid duration "30" (use Go syntax such as 5s or 250ms)`,
		`runtime: config: MinConns (CPCGEN_MIN_CONNS) must be >= 0, got -1`,
		`runtime: config: CPCGEN_METRICS: invalid boolean "sometimes" (use true or false)`,
		`runtime: config: CPCGEN_HEALTH_TIMEOUT: invalid duration "soon" (use Go syntax such as 5s or 250ms)`,
		`runtime: config: SlowQuery (CPCGEN_SLOW_QUERY) must not be negative, got -1s`,
		`runtime: config: LogArgs (CPCGEN_LOG_ARGS) needs the statement log: set LogQueries (CPCGEN_LOG_QUERIES), SlowQuery (CPCGEN_SLOW_QUERY) or Logger`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

func TestValidate(t *testing.T) {
	cfg := runtime.Config{
		URL:              "postgres://localhost/app",
		MinConns:         4,
		MaxConns:         2,
		AcquireTimeout:   -time.Second,
		StatementTimeout: 500 * time.Microsecond,
		ApplicationName:  strings.Repeat("x", 64),
		HealthTimeout:    -time.Second,
		LogArgs:          true,
		Observers:        []runtime.Observer{runtime.NewSlogObserver(nil, runtime.SlogOptions{}), nil},
	}
	err := cfg.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	want := []string{
		"runtime: config: MaxConns (CPCGEN_MAX_CONNS) must be >= MinConns (4), got 2",
		"runtime: config: AcquireTimeout (CPCGEN_ACQUIRE_TIMEOUT) must not be negative, got -1s",
		"runtime: config: StatementTimeout (CPCGEN_STATEMENT_TIMEOUT) must be at least 1ms, since PostgreSQL counts it in milliseconds and 0 turns it off, got 500µs",
		"runtime: config: HealthTimeout (CPCGEN_HEALTH_TIMEOUT) must not be negative, got -1s",
		"runtime: config: ApplicationName (CPCGEN_APPLICATION_NAME) must be at most 63 bytes, got 64",
		"runtime: config: LogArgs (CPCGEN_LOG_ARGS) needs the statement log: set LogQueries (CPCGEN_LOG_QUERIES), SlowQuery (CPCGEN_SLOW_QUERY) or Logger",
		"runtime: config: Observers[1] is nil",
	}
	if diff := cmp.Diff(want, strings.Split(err.Error(), "\n")); diff != "" {
		t.Errorf("Validate (-want +got):\n%s", diff)
	}
	if err := (runtime.Config{URL: "postgres://localhost/app"}).Validate(); err != nil {
		t.Errorf("zero settings: %v", err)
	}
	for _, ok := range []runtime.Config{
		{URL: "postgres://localhost/app", LogArgs: true, LogQueries: true},
		{URL: "postgres://localhost/app", LogArgs: true, SlowQuery: time.Second},
		{URL: "postgres://localhost/app", LogArgs: true, Logger: slog.Default()},
	} {
		if err := ok.Validate(); err != nil {
			t.Errorf("%v: %v", ok, err)
		}
	}
}

// errorTexts returns the text of err and of every error it wraps.
func errorTexts(err error) []string {
	if err == nil {
		return nil
	}
	out := []string{err.Error()}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		out = append(out, errorTexts(u.Unwrap())...)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			out = append(out, errorTexts(e)...)
		}
	}
	return out
}

// assertNoSecret fails when secret appears in any of the texts.
func assertNoSecret(t *testing.T, secret string, what string, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(s, secret) {
			t.Errorf("%s shows the password: %s", what, s)
		}
	}
}

func TestPasswordNeverShown(t *testing.T) {
	const secret = "S3cret-Pw"
	closedPort := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	}()
	urls := map[string]string{
		"URL parse error":              "postgres://app:" + secret + "@127.0.0.1:notaport/app",
		"URL with bad parameter":       "postgres://app:" + secret + "@127.0.0.1/app?sslmode=sometimes",
		"keyword parse error":          "host=127.0.0.1 port=notaport user=app password=" + secret + " dbname=app",
		"keyword quoted":               "host=127.0.0.1 port=" + closedPort + " user=app password='" + secret + "' dbname=app connect_timeout=5",
		"URL, server unreachable":      "postgres://app:" + secret + "@127.0.0.1:" + closedPort + "/app?connect_timeout=5",
		"password in query parameters": "postgres://app@127.0.0.1:" + closedPort + "/app?password=" + secret + "&connect_timeout=5",
	}
	for name, url := range urls {
		t.Run(name, func(t *testing.T) {
			cfg := runtime.Config{URL: url, MaxConns: 2}
			assertNoSecret(t, secret, "Validate", errorTexts(cfg.Validate())...)
			_, openErr := runtime.Open(testContext(t), cfg)
			if openErr == nil {
				t.Fatal("Open succeeded")
			}
			assertNoSecret(t, secret, "Open", errorTexts(openErr)...)
			var de *runtime.DbError
			if errors.As(openErr, &de) {
				for _, f := range de.Fields {
					assertNoSecret(t, secret, "FieldError", f.Message)
				}
			}
			var logs bytes.Buffer
			slog.New(slog.NewJSONHandler(&logs, nil)).Info("config", "cfg", cfg)
			slog.New(slog.NewTextHandler(&logs, nil)).Info("config", "cfg", cfg)
			assertNoSecret(t, secret, "formatting", cfg.String(),
				fmt.Sprintf("%v", cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), fmt.Sprint(cfg), logs.String())
			if !strings.Contains(cfg.String(), "xxxxx") && !strings.Contains(cfg.String(), "not shown") {
				t.Errorf("String() does not show where the password is: %s", cfg)
			}
		})
	}
}

func TestConfigString(t *testing.T) {
	cfg := runtime.Config{URL: "postgres://app:pw@db:5432/app?sslmode=require", MaxConns: 8, StatementTimeout: 5 * time.Second, ApplicationName: "billing"}
	want := `runtime.Config{URL: "postgres://app:xxxxx@db:5432/app?sslmode=require", MaxConns: 8, StatementTimeout: 5s, ApplicationName: "billing"}`
	if got := cfg.String(); got != want {
		t.Errorf("String() =\n%s\nwant\n%s", got, want)
	}
	obs := runtime.Config{
		URL: "postgres://app:pw@db/app", Metrics: true, LogQueries: true, LogArgs: true, Logger: slog.Default(),
		SlowQuery: 200 * time.Millisecond, HealthTimeout: time.Second,
		Observers: []runtime.Observer{runtime.NewSlogObserver(nil, runtime.SlogOptions{})}, Tracer: &countingTracer{},
	}
	want = `runtime.Config{URL: "postgres://app:xxxxx@db/app", Metrics: true, LogQueries: true, LogArgs: true, Logger: set, SlowQuery: 200ms, HealthTimeout: 1s, Observers: 1, Tracer: *runtime_test.countingTracer}`
	if got := obs.String(); got != want {
		t.Errorf("String() =\n%s\nwant\n%s", got, want)
	}
	kw := runtime.Config{URL: "host=db password=pw dbname=app"}
	if got := kw.String(); got != `runtime.Config{URL: "host=db password=xxxxx dbname=app"}` {
		t.Errorf("String() = %s", got)
	}
}

// TestOpenFromPGVariables opens a DB with no URL: pgx reads the libpq
// variables.
func TestOpenFromPGVariables(t *testing.T) {
	clearEnv(t)
	pc, err := pgconn.ParseConfig(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PGHOST", pc.Host)
	t.Setenv("PGPORT", strconv.Itoa(int(pc.Port)))
	t.Setenv("PGUSER", pc.User)
	t.Setenv("PGDATABASE", pc.Database)
	t.Setenv("PGSSLMODE", "disable")
	t.Setenv("PGAPPNAME", "from-pgappname")
	t.Setenv("CPCGEN_MAX_CONNS", "2")
	cfg, err := runtime.ConfigFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.URL != "" || cfg.MaxConns != 2 {
		t.Errorf("cfg = %v", cfg)
	}
	ctx := testContext(t)
	db, err := runtime.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var dbname, app string
	if err := db.QueryRow(ctx, "SELECT current_database(), current_setting('application_name')").Scan(&dbname, &app); err != nil {
		t.Fatal(err)
	}
	if dbname != pc.Database || app != "from-pgappname" {
		t.Errorf("connected to %s as %s", dbname, app)
	}

	t.Setenv("PGPORT", "not-a-port")
	if _, err := runtime.ConfigFromEnv(); err == nil || !strings.Contains(err.Error(), "PG* environment variables") {
		t.Errorf("bad PGPORT: %v", err)
	}
}
