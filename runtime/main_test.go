package runtime_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// testContext returns a context that ends with the test, with a generous
// safety bound so that a hang fails instead of blocking the run.
func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// openDB opens a runtime.DB on a fresh database with cfg (URL filled in)
// and runs the schema statements.
func openDB(t testing.TB, cfg runtime.Config, schema ...string) *runtime.DB {
	t.Helper()
	ctx := testContext(t)
	cfg.URL = pgtest.URL(t)
	db, err := runtime.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	for _, stmt := range schema {
		if _, err := db.Exec(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	return db
}

// ownCluster starts a cluster of t's own with opts, closed when t ends.
// It skips t when the tests that need PostgreSQL are disabled.
func ownCluster(t *testing.T, ctx context.Context, opts pgtest.Options) *pgtest.Cluster {
	t.Helper()
	pgtest.SkipIfDisabled(t)
	c, err := pgtest.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// passwordCluster starts a cluster of t's own (ownCluster) that requires
// a password of role app over TCP, and creates the role with createRole
// (a CREATE ROLE app … statement) on admin, a superuser's connection,
// which the caller closes.
func passwordCluster(t *testing.T, ctx context.Context, createRole string) (*pgtest.Cluster, *pgx.Conn) {
	t.Helper()
	c := ownCluster(t, ctx, pgtest.Options{HBA: []string{"host all app 127.0.0.1/32 scram-sha-256"}})
	admin, err := pgx.Connect(ctx, c.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(ctx, createRole); err != nil {
		admin.Close(ctx)
		t.Fatal(err)
	}
	return c, admin
}
