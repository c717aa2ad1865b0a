package rawdb

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("schema.sql"))) }

// hostile is stored and read back through the generated methods.
const hostile = "O'Reilly \"q\" \\ back\\slash; DROP TABLE accounts; -- $1 @param @q \u00e9\u4e16\U0001F600"

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

var cmpDecimal = cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })

type fixture struct {
	s          *Store
	db         *runtime.DB
	org, other uuid.UUID
	// in and out are contexts scoped to org and to other.
	in, out  context.Context
	accounts []Account
}

func setup(t *testing.T) fixture {
	t.Helper()
	ctx := context.Background()
	db := pgtest.Open(t)
	s := NewStore(db)
	org, err := s.Orgs.Create(ctx, NewOrg{Name: hostile})
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.Orgs.Create(ctx, NewOrg{Name: "other"})
	if err != nil {
		t.Fatal(err)
	}
	f := fixture{s: s, db: db, org: org.ID, other: other.ID,
		in: runtime.WithTenant(ctx, org.ID), out: runtime.WithTenant(ctx, other.ID)}
	for i, n := range []NewAccount{
		{Owner: hostile, Currency: CurrencyEUR, Balance: runtime.Set(dec("10.50")), Label: runtime.NullOf("main " + hostile), Tags: runtime.Set([]string{hostile, "{,}"})},
		{Owner: "bob", Currency: CurrencyUSD, Balance: runtime.Set(dec("3"))},
		{Owner: "bob", Currency: CurrencyEUR},
		{Owner: "bob", Currency: CurrencyGBP, Balance: runtime.Set(dec("1000"))},
	} {
		// Create stamps the tenant of its context.
		tctx := f.in
		if i == 3 {
			tctx = f.out
		}
		a, err := s.Accounts.Create(tctx, n)
		if err != nil {
			t.Fatalf("account %d: %v", i, err)
		}
		f.accounts = append(f.accounts, a)
	}
	return f
}

func TestRowStructsAndTenantScope(t *testing.T) {
	f := setup(t)
	ctx := f.in
	if f.accounts[0].OrgID != f.org || f.accounts[3].OrgID != f.other {
		t.Fatalf("Create did not stamp the tenant: %v %v", f.accounts[0].OrgID, f.accounts[3].OrgID)
	}
	// @tenant comes from the context; without one, nothing runs.
	if _, err := f.s.Accounts.Totals(context.Background(), dec("0")); !errors.Is(err, runtime.ErrNoTenant) || !errors.Is(err, runtime.ErrValidation) {
		t.Fatalf("Totals without a tenant: %v", err)
	}
	totals, err := f.s.Accounts.Totals(ctx, dec("0"))
	if err != nil {
		t.Fatal(err)
	}
	want := []TotalsRow{
		{Currency: CurrencyUSD, Total: runtime.NullOf(dec("3")), N: 1},
		{Currency: CurrencyEUR, Total: runtime.NullOf(dec("10.50")), N: 2},
	}
	if diff := cmp.Diff(want, totals, cmpDecimal); diff != "" {
		t.Fatalf("Totals (-want +got):\n%s", diff)
	}
	if totals, err := f.s.Accounts.Totals(ctx, dec("5")); err != nil || len(totals) != 1 || totals[0].N != 1 {
		t.Fatalf("Totals(min 5) = %+v, %v", totals, err)
	}
	if totals, err := f.s.Accounts.Totals(runtime.WithTenant(ctx, uuid.New()), dec("0")); err != nil || len(totals) != 0 {
		t.Fatalf("Totals of an unknown org = %+v, %v", totals, err)
	}

	sum, err := f.s.Accounts.Summary(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Accounts != 3 || !slices.Equal(sum.Currencies, []Currency{CurrencyUSD, CurrencyEUR}) || !sum.LongestLabel.Valid || sum.LongestLabel.V != "main "+hostile {
		t.Fatalf("Summary = %+v", sum)
	}
	// An aggregate over no rows is one row of NULLs.
	empty, err := f.s.Accounts.Summary(runtime.WithTenant(ctx, uuid.New()))
	if err != nil || empty.Accounts != 0 || empty.Currencies != nil || empty.LongestLabel.Valid {
		t.Fatalf("Summary of nothing = %+v, %v", empty, err)
	}
}

func TestParamsReusedAndLiteralsUntouched(t *testing.T) {
	f := setup(t)
	ctx := f.in
	rows, err := f.s.Accounts.Search(ctx, "bob", []Currency{CurrencyUSD, CurrencyEUR, CurrencyGBP})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].ID != f.accounts[1].ID || rows[1].ID != f.accounts[2].ID {
		t.Fatalf("Search(bob) = %+v", rows)
	}
	for _, r := range rows {
		// @q is bound once and used three times; '@literal' stays text.
		if r.Echo != "bob" || r.Lit != "@literal" || r.Owner != "bob" {
			t.Fatalf("row %+v", r)
		}
	}
	rows, err = f.s.Accounts.Search(ctx, hostile, []Currency{CurrencyEUR})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Owner != hostile || rows[0].Echo != hostile || rows[0].Label.V != "main "+hostile {
		t.Fatalf("Search(hostile) = %+v", rows)
	}
	if rows, err := f.s.Accounts.Search(ctx, "bob", nil); err != nil || len(rows) != 0 {
		t.Fatalf("Search with no currencies = %+v, %v", rows, err)
	}

	// Echo is unscoped: it needs no tenant.
	echo, err := f.s.Accounts.Echo(context.Background(), f.accounts[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if echo != (EchoRow{Quoted: " @dollar ", Escaped: "'@escaped", Who: hostile}) {
		t.Fatalf("Echo = %+v", echo)
	}
	if _, err := f.s.Accounts.Echo(ctx, -1); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("Echo(-1): %v", err)
	}
	for _, sql := range []string{sqlAccountsSearch, sqlAccountsEcho} {
		if strings.Contains(sql, "@q") || strings.Contains(sql, "@id") || !strings.Contains(sql, "::text") {
			t.Fatalf("statement not rewritten as expected:\n%s", sql)
		}
	}
}

func TestModelReuse(t *testing.T) {
	f := setup(t)
	ctx := f.in
	got, err := f.s.Accounts.ByOwner(ctx, hostile)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Account{f.accounts[0]}, got, cmpDecimal); diff != "" {
		t.Fatalf("ByOwner (-want +got):\n%s", diff)
	}
	richest, err := f.s.Accounts.Richest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(f.accounts[0], richest, cmpDecimal); diff != "" {
		t.Fatalf("Richest (-want +got):\n%s", diff)
	}
	if _, err := f.s.Accounts.Richest(runtime.WithTenant(ctx, uuid.New())); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("Richest of nothing: %v", err)
	}
}

func TestExecAndRowsAffected(t *testing.T) {
	f := setup(t)
	ctx := f.in
	id := f.accounts[1].ID
	if err := f.s.Accounts.Relabel(ctx, RelabelParams{ID: id, Label: runtime.NullOf(hostile), Tags: []string{hostile, "", "NULL"}}); err != nil {
		t.Fatal(err)
	}
	a, err := f.s.Accounts.FindByID(ctx, id)
	if err != nil || a.Label.V != hostile || !slices.Equal(a.Tags, []string{hostile, "", "NULL"}) {
		t.Fatalf("after Relabel: %+v, %v", a, err)
	}
	// A nil label keeps the current one (COALESCE in the SQL).
	if err := f.s.Accounts.Relabel(ctx, RelabelParams{ID: id, Tags: []string{}}); err != nil {
		t.Fatal(err)
	}
	if a, _ := f.s.Accounts.FindByID(ctx, id); a.Label.V != hostile || len(a.Tags) != 0 {
		t.Fatalf("after Relabel(nil): %+v", a)
	}
	// Another tenant's id is out of scope: nothing happens.
	if err := f.s.Accounts.Relabel(f.out, RelabelParams{ID: id, Label: runtime.NullOf("x"), Tags: []string{}}); err != nil {
		t.Fatal(err)
	}
	if a, _ := f.s.Accounts.FindByID(ctx, id); a.Label.V != hostile {
		t.Fatal("Relabel crossed tenants")
	}

	n, err := f.s.Accounts.Move(ctx, dec("-0.50"), CurrencyEUR)
	if err != nil || n != 2 {
		t.Fatalf("Move = %d, %v", n, err)
	}
	if _, err := f.s.Accounts.Move(ctx, dec("1e40"), CurrencyEUR); !errors.Is(err, runtime.ErrValidation) {
		t.Fatalf("overflowing Move: %v", err)
	}
	n, err = f.s.Accounts.PurgeEmpty(ctx)
	if err != nil || n != 0 {
		t.Fatalf("PurgeEmpty = %d, %v (balances are 10, 3, -0.5, 1000)", n, err)
	}
	if _, err := f.s.Accounts.Move(ctx, dec("-3"), CurrencyUSD); err != nil {
		t.Fatal(err)
	}
	if n, err := f.s.Accounts.PurgeEmpty(ctx); err != nil || n != 1 {
		t.Fatalf("PurgeEmpty = %d, %v", n, err)
	}
}
