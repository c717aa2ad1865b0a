package cachetest

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) {
	pgtest.Main(m, pgtest.WithTemplate(func(ctx context.Context, url string) error {
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, Schema)
		return err
	}))
}

// testContext returns a context for one test, canceled when it ends.
func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// openDB opens a DB on url with cfg, closed when t ends. The DB signs
// its tenant scopes with a fresh key when cfg has none (items has no
// row-level security, so the server need not know it).
func openDB(t testing.TB, url string, cfg runtime.Config) *runtime.DB {
	t.Helper()
	cfg.URL = url
	if cfg.TenantKey == nil {
		raw := make([]byte, 32)
		_, _ = rand.Read(raw)
		key, err := runtime.NewTenantKey(raw)
		if err != nil {
			t.Fatal(err)
		}
		cfg.TenantKey = key
	}
	db, err := runtime.Open(testContext(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

// cached is the Config of a DB with in-process caching.
func cached() runtime.Config {
	return runtime.Config{Metrics: true, Cache: runtime.CacheConfig{Enabled: true}}
}
