package finance_test

import (
	"testing"

	"github.com/cpcgen/cpcgen/examples/finance"
	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/migrate"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// TestIdempotencyKeyMigration takes a database with transactions back to
// the global idempotency keys (migration 3) and forward again: migrations
// 4 and 5, which make the keys unique per user, apply over existing rows,
// and their down files restore the global unique constraint over them.
func TestIdempotencyKeyMigration(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db, err := runtime.Open(ctx, runtime.Config{URL: pgtest.URL(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m, err := migrate.New(db, finance.Migrations(), migrate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	keys := func() (global, perUser bool) {
		t.Helper()
		if err := db.QueryRow(ctx, `SELECT
			EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'transactions_idempotency_key_key'),
			EXISTS (SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
				WHERE c.relname = 'transactions_user_idempotency_key' AND i.indisunique AND i.indisvalid)`).Scan(&global, &perUser); err != nil {
			t.Fatal(err)
		}
		return global, perUser
	}
	if g, u := keys(); g || !u {
		t.Fatalf("at the last migration: global key %v, per-user key %v; want only the per-user one", g, u)
	}
	if _, err := m.Down(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if g, u := keys(); !g || u {
		t.Fatalf("at migration 3: global key %v, per-user key %v; want only the global one", g, u)
	}
	// Rows written under the global keys: two users, a deposit each.
	if _, err := db.Exec(ctx, `
		WITH u AS (INSERT INTO users (email, name) VALUES ('m1@example.com', 'm1'), ('m2@example.com', 'm2') RETURNING id),
		a AS (INSERT INTO accounts (user_id, name, currency, balance) SELECT id, 'checking', 'USD', 5 FROM u RETURNING id, user_id)
		INSERT INTO transactions (user_id, kind, amount, currency, to_account_id, idempotency_key)
		SELECT user_id, 'deposit', 5, 'USD', id, 'migration-' || id FROM a`); err != nil {
		t.Fatal(err)
	}
	if applied, err := m.Up(ctx); err != nil || len(applied) != 2 {
		t.Fatalf("up over rows: %v, %v; want migrations 4 and 5", applied, err)
	}
	if g, u := keys(); g || !u {
		t.Fatalf("up over rows: global key %v, per-user key %v; want only the per-user one", g, u)
	}
	if _, err := m.Down(ctx, 2); err != nil {
		t.Fatalf("down over rows whose keys are distinct: %v", err)
	}
	if g, u := keys(); !g || u {
		t.Fatalf("down over rows: global key %v, per-user key %v; want only the global one", g, u)
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRow(ctx, "SELECT count(*) FROM transactions WHERE idempotency_key LIKE 'migration-%'").Scan(&n); err != nil || n != 2 {
		t.Fatalf("%d transactions (%v) after down and up, want the 2 written", n, err)
	}
}
