package citusdb

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// Citus cannot be installed here: schema.sql runs on PostgreSQL with
// testdata/citus_stub.sql standing in for Citus's functions, which
// records each call after checking what Citus would (keys and foreign
// keys hold the distribution column, targets distributed first).
func TestMain(m *testing.M) {
	pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("../../../citus_stub.sql", "schema.sql")))
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// TestSchemaDistributesTables checks the calls schema.sql made, in
// order: reference tables first, then each distributed table after the
// tables it references.
func TestSchemaDistributesTables(t *testing.T) {
	ctx := testContext(t)
	db := pgtest.Pool(t)
	rows, err := db.Query(ctx, "SELECT fn || '(' || tbl || coalesce(', ' || col, '') || ')' FROM citus_stub.calls ORDER BY seq")
	if err != nil {
		t.Fatal(err)
	}
	var calls []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		calls = append(calls, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"create_reference_table(currencies)",
		"create_reference_table(prices)",
		"create_distributed_table(orgs, id)",
		"create_distributed_table(users, org_id)",
		"create_distributed_table(invoices, org_id)",
	}
	if !slices.Equal(calls, want) {
		t.Errorf("calls\n%q\nwant\n%q", calls, want)
	}
}

// TestOneTenantOnTheCoordinator runs the generated code on the schema, as
// it would run on the coordinator: every statement of a tenant table
// carries the tenant, which is what lets Citus route it to one node.
func TestOneTenantOnTheCoordinator(t *testing.T) {
	ctx := testContext(t)
	s := NewStore(pgtest.Open(t))
	if _, err := s.Currencies.Create(ctx, NewCurrency{Code: "EUR", Name: "Euro"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Prices.Create(ctx, NewPrice{Tier: TierFree, Currency: "EUR", Price: decimal.Zero}); err != nil {
		t.Fatal(err)
	}
	org, err := s.Orgs.Create(ctx, NewOrg{Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	tctx := runtime.WithTenant(ctx, org.ID)
	if _, err := s.Users.Create(tctx, NewUser{Email: "ada@example.com"}); err != nil {
		t.Fatal(err)
	}
	inv, err := s.Invoices.Create(tctx, NewInvoice{Currency: "EUR", Total: decimal.RequireFromString("12.50")})
	if err != nil {
		t.Fatal(err)
	}
	open, err := s.Invoices.Open(tctx)
	if err != nil || len(open) != 1 || open[0].ID != inv.ID || open[0].OrgID != org.ID {
		t.Fatalf("Open: %+v, %v", open, err)
	}
	totals, err := s.Invoices.TotalsByCurrency(tctx)
	if err != nil || len(totals) != 1 || !totals[0].Total.Equal(decimal.RequireFromString("12.50")) {
		t.Fatalf("TotalsByCurrency: %+v, %v", totals, err)
	}
	if _, err := s.Invoices.Open(ctx); !errors.Is(err, runtime.ErrNoTenant) {
		t.Errorf("a tenant table's query without a tenant: %v", err)
	}
}
