package viewsdb

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("schema.sql"))) }

// hostile is stored and read back through the generated methods.
const hostile = "O'Reilly \"q\" \\ back\\slash; DROP VIEW open_accounts; -- $1 @param \u00e9\u4e16\U0001F600"

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

type fixture struct {
	s  *Store
	db *runtime.DB
	// open are the ids of the accounts not closed, closed those closed.
	open, closed []int64
}

func setup(t *testing.T) fixture {
	t.Helper()
	ctx := context.Background()
	db := pgtest.Open(t)
	f := fixture{s: NewStore(db), db: db}
	owners := []string{"ann", hostile, "bob"}
	currencies := []Currency{CurrencyUSD, CurrencyEUR}
	for i := range 15 {
		a, err := f.s.Accounts.Create(ctx, NewAccount{Owner: owners[i%3], Currency: currencies[i%2],
			Balance: runtime.Set(dec([]string{"5.00", "10.50", "10.50"}[i%3])), Closed: runtime.Set(i%5 == 4)})
		if err != nil {
			t.Fatal(err)
		}
		if a.Closed {
			f.closed = append(f.closed, a.ID)
		} else {
			f.open = append(f.open, a.ID)
		}
	}
	return f
}

func ids(rows []OpenAccount) []int64 {
	out := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = r.ID
	}
	return out
}

// queryIDs runs a query of ids on the fixture's database: the expected
// result of a generated method.
func queryIDs(t *testing.T, f fixture, sql string, args ...any) []int64 {
	t.Helper()
	rows, err := f.db.Query(context.Background(), sql, args...)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestViewModel(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	r := f.s.OpenAccounts
	all, err := r.FindAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids(all), f.open) {
		t.Fatalf("FindAll = %v, want the open accounts %v", ids(all), f.open)
	}
	one, err := r.FindByID(ctx, f.open[1])
	if err != nil || one.ID != f.open[1] || one.Owner != hostile || !one.Balance.Equal(dec("10.50")) {
		t.Fatalf("FindByID = %+v, %v", one, err)
	}
	if _, err := r.FindByID(ctx, f.closed[0]); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("FindByID of a closed account: %v, want ErrNotFound", err)
	}
	if n, err := r.Count(ctx); err != nil || n != int64(len(f.open)) {
		t.Fatalf("Count = %d, %v; want %d", n, err, len(f.open))
	}
	var streamed []int64
	for v, err := range r.Stream(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		streamed = append(streamed, v.ID)
	}
	if !slices.Equal(streamed, f.open) {
		t.Fatalf("Stream = %v, want %v", streamed, f.open)
	}
	var listed []int64
	page := runtime.PageArgs{Limit: 4}
	for {
		p, err := r.List(ctx, page)
		if err != nil {
			t.Fatal(err)
		}
		listed = append(listed, ids(p.Items)...)
		if p.Next == "" {
			break
		}
		page.After = p.Next
	}
	if !slices.Equal(listed, f.open) {
		t.Fatalf("List pages = %v, want %v", listed, f.open)
	}

	// Structured queries: a hostile string as a parameter is a value.
	mine, err := r.ByOwner(ctx, hostile)
	if err != nil {
		t.Fatal(err)
	}
	if want := queryIDs(t, f, `SELECT id FROM accounts WHERE owner = $1 AND NOT closed ORDER BY id`, hostile); len(want) == 0 || !slices.Equal(ids(mine), want) {
		t.Fatalf("ByOwner(hostile) = %v, want %v", ids(mine), want)
	}
	if n, err := r.CountRich(ctx, dec("10")); err != nil || n != int64(len(queryIDs(t, f, `SELECT id FROM accounts WHERE balance >= 10 AND NOT closed`))) {
		t.Fatalf("CountRich = %d, %v", n, err)
	}
	for _, cur := range []runtime.Opt[Currency]{{}, runtime.Set(CurrencyEUR)} {
		want := queryIDs(t, f, `SELECT id FROM accounts WHERE NOT closed AND ($1::currency IS NULL OR currency = $1) ORDER BY balance DESC, id`, cur.Ptr())
		var got []int64
		page := runtime.PageArgs{Limit: 2}
		for {
			p, err := r.Page(ctx, PageParams{Currency: cur}, page)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, ids(p.Items)...)
			if p.Next == "" {
				break
			}
			page.After = p.Next
		}
		if !slices.Equal(got, want) {
			t.Fatalf("Page(%v) = %v, want %v", cur, got, want)
		}
	}

	// A function reading the view, called with a hostile string.
	var total decimal.Decimal
	if err := f.db.QueryRow(ctx, `SELECT owner_total($1)`, hostile).Scan(&total); err != nil {
		t.Fatal(err)
	}
	var sum decimal.Decimal
	for _, a := range mine {
		sum = sum.Add(a.Balance)
	}
	if !total.Equal(sum) {
		t.Fatalf("owner_total(hostile) = %s, want %s", total, sum)
	}
}

// TestViewsHaveNoWrites checks the repositories of views have reads
// only, and Refresh where they are materialized.
func TestViewsHaveNoWrites(t *testing.T) {
	for _, repo := range []any{&OpenAccountRepo{}, &CurrencyTotalRepo{}, &OwnerCountRepo{}} {
		typ := reflect.TypeOf(repo)
		for _, m := range []string{"Create", "Update", "Delete", "CreateMany", "UpdateMany", "DeleteMany", "FindByIDs"} {
			if _, ok := typ.MethodByName(m); ok {
				t.Errorf("%s has %s", typ, m)
			}
		}
	}
	has := func(repo any, m string) bool { _, ok := reflect.TypeOf(repo).MethodByName(m); return ok }
	if has(&OpenAccountRepo{}, "Refresh") {
		t.Error("a plain view has Refresh")
	}
	if !has(&OwnerCountRepo{}, "Refresh") || has(&OwnerCountRepo{}, "RefreshConcurrently") {
		t.Error("owner_counts, without a unique index, must have Refresh and not RefreshConcurrently")
	}
}

func TestMaterializedViewRefresh(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	totals := f.s.CurrencyTotals
	// The views were filled when the schema was made, before the rows.
	if rows, err := totals.FindAll(ctx); err != nil || len(rows) != 0 {
		t.Fatalf("before a refresh: %v, %v; want no rows", rows, err)
	}
	if err := totals.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		rows, err := totals.FindAll(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var want []CurrencyTotal
		r, err := f.db.Query(ctx, `SELECT currency, sum(balance), count(*) FROM accounts WHERE NOT closed GROUP BY currency ORDER BY currency`)
		if err != nil {
			t.Fatal(err)
		}
		want, err = pgx.CollectRows(r, func(row pgx.CollectableRow) (CurrencyTotal, error) {
			var v CurrencyTotal
			return v, row.Scan(&v.Currency, &v.Total, &v.N)
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != len(want) || len(want) == 0 {
			t.Fatalf("%s: %v, want %v", when, rows, want)
		}
		for i := range want {
			if rows[i].Currency != want[i].Currency || !rows[i].Total.Equal(want[i].Total) || rows[i].N != want[i].N {
				t.Fatalf("%s: row %d = %+v, want %+v", when, i, rows[i], want[i])
			}
		}
	}
	check("after Refresh")

	// A change is not visible until the next refresh; CONCURRENTLY
	// works with the unique index, and in a transaction.
	if _, err := f.s.Accounts.Create(ctx, NewAccount{Owner: hostile, Currency: CurrencyGBP, Balance: runtime.Set(dec("7.77"))}); err != nil {
		t.Fatal(err)
	}
	if _, err := totals.FindByID(ctx, CurrencyGBP); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("GBP before the refresh: %v, want ErrNotFound", err)
	}
	if err := totals.RefreshConcurrently(ctx); err != nil {
		t.Fatal(err)
	}
	check("after RefreshConcurrently")
	gbp, err := totals.FindByID(ctx, CurrencyGBP)
	if err != nil || !gbp.Total.Equal(dec("7.77")) || gbp.N != 1 {
		t.Fatalf("GBP after the refresh: %+v, %v", gbp, err)
	}
	if _, err := f.s.Accounts.Update(ctx, f.open[0], AccountUpdate{Closed: runtime.Set(true)}); err != nil {
		t.Fatal(err)
	}
	err = f.s.InTx(ctx, func(tx *Store) error { return tx.CurrencyTotals.RefreshConcurrently(ctx) })
	if err != nil {
		t.Fatal(err)
	}
	check("after RefreshConcurrently in a transaction")
	above, err := totals.Above(ctx, dec("8"))
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range above {
		if a.Total.LessThan(dec("8")) || i > 0 && above[i-1].Total.LessThan(a.Total) {
			t.Fatalf("Above(8) = %+v", above)
		}
	}

	// Without a unique index, Refresh only; its query is in a file.
	counts := f.s.OwnerCounts
	if err := counts.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	c, err := counts.FindByID(ctx, hostile)
	if err != nil || c.N != 6 {
		t.Fatalf("owner_counts of the hostile owner: %+v, %v; want 6 accounts", c, err)
	}
	if _, err := f.db.Exec(ctx, `REFRESH MATERIALIZED VIEW CONCURRENTLY owner_counts`); err == nil {
		t.Fatal("CONCURRENTLY worked without a unique index: the test of RefreshConcurrently's condition is void")
	}
}
