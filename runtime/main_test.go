package runtime_test

import (
	"context"
	"testing"
	"time"

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
