package pgtest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cpcgen/cpcgen/runtime"
)

// Environment variables that put a connection pooler between the tests
// and the server.
const (
	// EnvPooler, set to pgbouncer, makes Main start PgBouncer in
	// transaction pooling mode in front of the server (see
	// StartPgBouncer) and hand out URLs through it: URL, Pool, Open,
	// NewDatabase and the template's preparation all go through
	// PgBouncer, so any package whose tests use Main runs behind it
	// unchanged. Cluster methods (CreateDatabase, AdminURL …) still talk
	// to the server directly. A missing pgbouncer program fails the
	// tests, unless CPCGEN_TEST_SKIP_DB=1.
	EnvPooler = "CPCGEN_TEST_POOLER"
	// EnvStatementMode chooses, with EnvPooler, the statement mode of
	// the URLs handed out: a runtime.StatementMode (describe, exec,
	// simple; prepared to see it fail), written into each URL as pgx's
	// default_query_exec_mode, which runtime.Open, pgxpool and pgx.Connect
	// all follow. Empty means runtime.PoolerStatementMode.
	EnvStatementMode = "CPCGEN_TEST_STATEMENT_MODE"
)

// startPooler starts PgBouncer in front of the suite's cluster when
// CPCGEN_TEST_POOLER asks for it.
func (s *suite) startPooler(ctx context.Context) error {
	pooler := strings.TrimSpace(os.Getenv(EnvPooler))
	switch pooler {
	case "":
		return nil
	case runtime.PoolerPgBouncer:
	default:
		return fmt.Errorf("pgtest: %s=%q: the only pooler is %s", EnvPooler, pooler, runtime.PoolerPgBouncer)
	}
	mode := runtime.StatementMode(strings.TrimSpace(os.Getenv(EnvStatementMode)))
	if mode == "" || mode == "auto" {
		mode = runtime.PoolerStatementMode
	}
	param := mode.ConnParam()
	if param == "" {
		return fmt.Errorf("pgtest: %s=%q: use describe, exec, simple or prepared", EnvStatementMode, mode)
	}
	b, err := StartPgBouncer(ctx, s.cluster, PgBouncerOptions{})
	if err != nil {
		return err
	}
	s.pooler = b
	s.poolerParams = []string{"default_query_exec_mode=" + param}
	return nil
}

// url returns the URL of database name that the suite hands out: through
// its PgBouncer when there is one.
func (s *suite) url(name string) string {
	if s.pooler != nil {
		return s.pooler.URL(name, s.poolerParams...)
	}
	return s.cluster.URL(name)
}

// CurrentPooler returns the PgBouncer that Main put in front of the
// server (CPCGEN_TEST_POOLER), starting the server if needed, or nil when
// the tests talk to the server directly.
func CurrentPooler(t testing.TB) *PgBouncer {
	t.Helper()
	s := suiteFor(t)
	if _, err := s.setup(); err != nil {
		t.Fatal(err)
	}
	return s.pooler
}

// DirectURL returns the URL of the database url names (one URL, Pool or
// Open handed out) leading to the server itself rather than through the
// PgBouncer Main put in front of it (CPCGEN_TEST_POOLER); url itself when
// the tests talk to the server directly. A session that transaction
// pooling cannot keep needs it, such as the row caches' listener:
//
//	cfg := runtime.Config{URL: url, Cache: runtime.CacheConfig{Enabled: true, ListenerURL: pgtest.DirectURL(t, url)}}
func DirectURL(t testing.TB, url string) string {
	t.Helper()
	s := suiteFor(t)
	if _, err := s.setup(); err != nil {
		t.Fatal(err)
	}
	if s.pooler == nil {
		return url
	}
	cfg, err := pgconn.ParseConfig(url)
	if err != nil {
		t.Fatalf("pgtest.DirectURL: %v", err)
	}
	return s.cluster.URL(cfg.Database)
}
