package crm_test

import (
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cpcgen/cpcgen/examples/crm"
	"github.com/cpcgen/cpcgen/runtime/migrate"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// TestTenantScopedKeysMigration takes the database back before the
// migration that makes the foreign keys tenant-scoped (000008, 000009),
// fills it with rows of two organizations, applies the migration over
// them, checks that a cross-tenant reference is then refused, and takes
// it back down with the rows still there.
func TestTenantScopedKeysMigration(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	db := pgtest.Pool(t)
	m, err := migrate.New(db, crm.Migrations(), migrate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Down(ctx, 2); err != nil {
		t.Fatalf("down to 000007 on the empty database: %v", err)
	}
	exec := func(sql string) error {
		_, err := db.Exec(ctx, sql)
		return err
	}
	// Rows as the schema at 000007 holds them, written by the owner.
	for _, sql := range []string{
		`INSERT INTO organizations (id, name, slug) VALUES ('00000000-0000-0000-0000-00000000000a', 'A', 'a'), ('00000000-0000-0000-0000-00000000000b', 'B', 'b')`,
		`INSERT INTO customers (id, organization_id, name, email) VALUES ('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-00000000000a', 'C', 'c@a.example'), ('00000000-0000-0000-0000-0000000000b1', '00000000-0000-0000-0000-00000000000b', 'C', 'c@b.example')`,
		`INSERT INTO deals (id, organization_id, customer_id, title) VALUES ('00000000-0000-0000-0000-0000000000a2', '00000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-0000000000a1', 'D')`,
		`INSERT INTO activities (organization_id, customer_id, deal_id, kind, summary) VALUES ('00000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000a2', 'call', 'hi')`,
		`INSERT INTO contacts (organization_id, customer_id, name) VALUES ('00000000-0000-0000-0000-00000000000b', '00000000-0000-0000-0000-0000000000b1', 'P')`,
		`INSERT INTO tags (id, organization_id, name) VALUES ('00000000-0000-0000-0000-0000000000a3', '00000000-0000-0000-0000-00000000000a', 'vip')`,
		`INSERT INTO customer_tags (organization_id, customer_id, tag_id) VALUES ('00000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000a3')`,
	} {
		if err := exec(sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	crossTenant := `INSERT INTO deals (organization_id, customer_id, title) VALUES ('00000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-0000000000b1', 'poached')`
	if _, err := m.Up(ctx); err != nil {
		t.Fatalf("up over rows: %v", err)
	}
	var pe *pgconn.PgError
	if err := exec(crossTenant); !errors.As(err, &pe) || pe.ConstraintName != "deals_customer_id_fkey" {
		t.Fatalf("a deal of A for B's customer after the migration: %v, want a deals_customer_id_fkey violation", err)
	}
	// SET NULL (deal_id): deleting A's deal keeps the activity's
	// organization.
	if err := exec(`DELETE FROM deals WHERE id = '00000000-0000-0000-0000-0000000000a2'`); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM activities WHERE deal_id IS NULL AND organization_id = '00000000-0000-0000-0000-00000000000a'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("A's activity after its deal was deleted: %d rows, %v; want 1 with no deal and A's organization", n, err)
	}
	if _, err := m.Down(ctx, 2); err != nil {
		t.Fatalf("down over rows: %v", err)
	}
	if err := exec(crossTenant); err != nil {
		t.Fatalf("the single-column key is back after down, so the cross-tenant deal goes in: %v", err)
	}
	if _, err := m.Up(ctx); err == nil {
		t.Fatal("up over a cross-tenant deal succeeded; the validation should refuse it")
	}
}
