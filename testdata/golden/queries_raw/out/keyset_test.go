package rawdb

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/cpcgen/cpcgen/runtime"
)

// pageAll reads every page of a keyset query of size limit, failing the
// test after more pages than rows could fill.
func pageAll[T any](t *testing.T, limit, max int, page func(runtime.PageArgs) (runtime.Page[T], error)) (items []T, pages int) {
	t.Helper()
	args := runtime.PageArgs{Limit: limit}
	for {
		p, err := page(args)
		if err != nil {
			t.Fatalf("page %d: %v", pages+1, err)
		}
		pages++
		if len(p.Items) > limit {
			t.Fatalf("page %d has %d rows, more than the limit %d", pages, len(p.Items), limit)
		}
		items = append(items, p.Items...)
		if p.Next == "" {
			return items, pages
		}
		if pages > max {
			t.Fatalf("more than %d pages: the cursor does not advance", max)
		}
		args.After = p.Next
	}
}

// manyAccounts adds accounts to the fixture's two organizations: few
// owners, so that the first key of PageByOwner ties, and few balances, so
// that the first key of PageRichest does.
func manyAccounts(t *testing.T, f fixture) {
	t.Helper()
	owners := []string{"ann", hostile, "bob", "zoe", "Ann"}
	var in, out []NewAccount
	for i := range 40 {
		n := NewAccount{Owner: owners[i%len(owners)], Currency: CurrencyUSD,
			Balance: runtime.Set(dec(fmt.Sprintf("%d.25", i%3)))}
		if i%4 == 3 {
			out = append(out, n)
		} else {
			in = append(in, n)
		}
	}
	if _, err := f.s.Accounts.CreateMany(f.in, in); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Accounts.CreateMany(f.out, out); err != nil {
		t.Fatal(err)
	}
}

// queryIDs runs a query of ids on the fixture's database, as the
// expected result of a paginated one.
func queryIDs(t *testing.T, f fixture, sql string, args ...any) []int64 {
	t.Helper()
	rows, err := f.db.Query(context.Background(), sql, args...)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestRawKeysetCoversTheResultOnce(t *testing.T) {
	f := setup(t)
	manyAccounts(t, f)
	// What PageByOwner must return, in order: the organization's
	// accounts but the hostile owner's, by owner (in the database's
	// collation, so asked of the server) then id.
	want := queryIDs(t, f, `SELECT id FROM accounts WHERE org_id = $1 AND owner <> $2 ORDER BY owner, id`, f.org, hostile)
	if len(want) < 20 {
		t.Fatalf("fixture too small: %d rows", len(want))
	}
	for _, limit := range []int{1, 3, 7, len(want), len(want) + 5} {
		got, pages := pageAll(t, limit, len(want)+2, func(p runtime.PageArgs) (runtime.Page[PageByOwnerRow], error) {
			return f.s.Accounts.PageByOwner(f.in, hostile, p)
		})
		var ids []int64
		for _, r := range got {
			ids = append(ids, r.ID)
			if r.Owner == hostile {
				t.Fatalf("limit %d: row %d has the excluded owner: the parameter was not bound as a value", limit, r.ID)
			}
			if r.Lit != "@literal;" {
				t.Fatalf("limit %d: lit = %q, want the literal untouched", limit, r.Lit)
			}
		}
		if !slices.Equal(ids, want) {
			t.Fatalf("limit %d: pages give\n%v\nwant\n%v", limit, ids, want)
		}
		if wantPages := (len(want) + limit - 1) / limit; pages != wantPages && pages != wantPages+1 {
			t.Fatalf("limit %d: %d pages for %d rows", limit, pages, len(want))
		}
	}
	// The other organization sees only its own rows.
	got, _ := pageAll(t, 4, 100, func(p runtime.PageArgs) (runtime.Page[PageByOwnerRow], error) {
		return f.s.Accounts.PageByOwner(f.out, "nobody", p)
	})
	wantOther := queryIDs(t, f, `SELECT id FROM accounts WHERE org_id = $1 ORDER BY owner, id`, f.other)
	var ids []int64
	for _, r := range got {
		ids = append(ids, r.ID)
	}
	if len(wantOther) == 0 || !slices.Equal(ids, wantOther) {
		t.Fatalf("organization other: pages give %v, want %v", ids, wantOther)
	}

	// Mixed directions (balance DESC, id), across organizations, the rows
	// of the model type.
	want = queryIDs(t, f, `SELECT id FROM accounts WHERE balance >= $1 ORDER BY balance DESC, id`, dec("0.25"))
	for _, limit := range []int{1, 4, 100} {
		got, _ := pageAll(t, limit, len(want)+2, func(p runtime.PageArgs) (runtime.Page[Account], error) {
			return f.s.Accounts.PageRichest(context.Background(), dec("0.25"), p)
		})
		var ids []int64
		for _, a := range got {
			ids = append(ids, a.ID)
		}
		if !slices.Equal(ids, want) {
			t.Fatalf("PageRichest limit %d: pages give\n%v\nwant\n%v", limit, ids, want)
		}
	}
}

func TestRawKeysetCursors(t *testing.T) {
	f := setup(t)
	manyAccounts(t, f)
	p, err := f.s.Accounts.PageByOwner(f.in, "", runtime.PageArgs{Limit: 2})
	if err != nil || p.Next == "" {
		t.Fatalf("first page: %v, next %q", err, p.Next)
	}
	// A cursor is sealed for its query and tenant: another organization,
	// another query, or a changed cursor is refused.
	if _, err := f.s.Accounts.PageByOwner(f.out, "", runtime.PageArgs{Limit: 2, After: p.Next}); err == nil {
		t.Fatal("a cursor of one organization was accepted for another")
	}
	if _, err := f.s.Accounts.PageRichest(context.Background(), dec("0"), runtime.PageArgs{Limit: 2, After: p.Next}); err == nil {
		t.Fatal("a cursor of PageByOwner was accepted by PageRichest")
	}
	bad := p.Next[:len(p.Next)-2] + "AA"
	if bad == p.Next {
		bad = p.Next[:len(p.Next)-2] + "BB"
	}
	if _, err := f.s.Accounts.PageByOwner(f.in, "", runtime.PageArgs{Limit: 2, After: bad}); err == nil {
		t.Fatal("a changed cursor was accepted")
	}
	// A hostile string as the cursor is an error, not SQL.
	if _, err := f.s.Accounts.PageByOwner(f.in, hostile, runtime.PageArgs{Limit: 2, After: hostile}); err == nil {
		t.Fatal("a hostile cursor was accepted")
	}
	// Rows inserted after the cursor's position are on the next pages.
	next, err := f.s.Accounts.PageByOwner(f.in, "", runtime.PageArgs{Limit: 100, After: p.Next})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Accounts.Create(f.in, NewAccount{Owner: "zzz", Currency: CurrencyEUR}); err != nil {
		t.Fatal(err)
	}
	again, err := f.s.Accounts.PageByOwner(f.in, "", runtime.PageArgs{Limit: 100, After: p.Next})
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Items) != len(next.Items)+1 || again.Items[len(again.Items)-1].Owner != "zzz" {
		t.Fatalf("after an insert: %d rows, want %d ending in zzz", len(again.Items), len(next.Items)+1)
	}
}
