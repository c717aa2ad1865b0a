package ledgerdb

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("schema.sql"))) }

// hostile is stored and read back through the generated methods.
const hostile = "O'Reilly \"q\" \\ back\\slash; DROP TABLE users; -- $1 @param \u00e9\u4e16\U0001F600 %_"

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// seedUsers creates users with the given names, ages and nicknames.
func seedUsers(t *testing.T, s *Store, specs ...NewUser) []User {
	t.Helper()
	var out []User
	for _, n := range specs {
		u, err := s.Users.Create(context.Background(), n)
		if err != nil {
			t.Fatalf("create user %q: %v", n.Email, err)
		}
		out = append(out, u)
	}
	return out
}

func emails(users []User) []string {
	var out []string
	for _, u := range users {
		out = append(out, u.Email)
	}
	return out
}

func TestOneCountExists(t *testing.T) {
	ctx := context.Background()
	db := pgtest.Open(t)
	s := NewStore(db)
	users := seedUsers(t, s,
		NewUser{Email: hostile, Name: hostile, Nickname: runtime.NullOf(hostile), Age: runtime.NullOf(int32(40))},
		NewUser{Email: "b@x.test", Name: "Bea", Age: runtime.NullOf(int32(17))},
		NewUser{Email: "c@x.test", Name: "Cid"},
	)
	got, err := s.Users.ForEmail(ctx, hostile)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != users[0].ID || got.Email != hostile || got.Name != hostile || got.Nickname.V != hostile {
		t.Fatalf("ForEmail = %+v", got)
	}
	if _, err := s.Users.ForEmail(ctx, "nobody@x.test"); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("ForEmail of nobody: %v, want ErrNotFound", err)
	}
	if n, err := s.Users.CountAdults(ctx, 18); err != nil || n != 1 {
		t.Fatalf("CountAdults(18) = %d, %v", n, err)
	}
	if n, err := s.Users.CountAdults(ctx, 0); err != nil || n != 2 {
		t.Fatalf("CountAdults(0) = %d, %v; NULL ages never compare", n, err)
	}
	for email, want := range map[string]bool{hostile: true, "b@x.test": true, "B@x.test": false, "'": false} {
		if ok, err := s.Users.EmailTaken(ctx, email); err != nil || ok != want {
			t.Fatalf("EmailTaken(%q) = %v, %v; want %v", email, ok, err, want)
		}
	}

	// Soft-deleted rows are invisible to queries unless include_deleted.
	if _, err := db.Exec(ctx, `UPDATE users SET deleted_at = now() WHERE id = $1`, users[1].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Users.ForEmail(ctx, "b@x.test"); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("ForEmail of a deleted user: %v", err)
	}
	if ok, _ := s.Users.EmailTaken(ctx, "b@x.test"); ok {
		t.Fatal("EmailTaken sees a deleted user")
	}
	deleted, err := s.Users.Deleted(ctx)
	if err != nil || len(deleted) != 1 || deleted[0].ID != users[1].ID || !deleted[0].DeletedAt.Valid {
		t.Fatalf("Deleted = %v, %v", deleted, err)
	}
}

func TestNullOperatorsAndNe(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	seedUsers(t, s,
		NewUser{Email: "a@x.test", Name: "Zed", Nickname: runtime.NullOf("zz")},
		NewUser{Email: "b@x.test", Name: "Amy"},
		NewUser{Email: "c@x.test", Name: "Bob", Nickname: runtime.NullOf(hostile)},
		NewUser{Email: "d@x.test", Name: "Bob"},
	)
	without, err := s.Users.WithoutNickname(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := emails(without); !slices.Equal(got, []string{"b@x.test", "d@x.test"}) {
		t.Fatalf("WithoutNickname = %v", got)
	}
	with, err := s.Users.WithNickname(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Ordered by nickname: the hostile one starts with 'O', "zz" after it.
	if got := emails(with); !slices.Equal(got, []string{"c@x.test", "a@x.test"}) || with[0].Nickname.V != hostile {
		t.Fatalf("WithNickname = %v", got)
	}
	// ne on a nullable column keeps the NULLs.
	rows, err := s.Users.NotNamed(ctx, NotNamedParams{Name: "Zed", NotNick: hostile})
	if err != nil {
		t.Fatal(err)
	}
	if got := emails(rows); !slices.Equal(slices.Sorted(slices.Values(got)), []string{"b@x.test", "d@x.test"}) {
		t.Fatalf("NotNamed = %v", got)
	}
}

func TestInWithEmptyAndHugeSlices(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	users := seedUsers(t, s,
		NewUser{Email: "b@x.test", Name: "B"},
		NewUser{Email: "a@x.test", Name: "A"},
		NewUser{Email: "c@x.test", Name: "C"},
	)
	for name, ids := range map[string][]uuid.UUID{"nil": nil, "empty": {}} {
		got, err := s.Users.ByIDs(ctx, ids)
		if err != nil || len(got) != 0 {
			t.Fatalf("ByIDs(%s) = %v, %v; an empty list matches nothing", name, got, err)
		}
	}
	ids := make([]uuid.UUID, 0, 10_000)
	for i := 0; i < 10_000-2; i++ {
		ids = append(ids, uuid.New())
	}
	ids = append(ids, users[2].ID, users[0].ID)
	got, err := s.Users.ByIDs(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	if e := emails(got); !slices.Equal(e, []string{"b@x.test", "c@x.test"}) {
		t.Fatalf("ByIDs(10k) = %v", e)
	}
}

func TestOptionalFiltersEnumerated(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	seedUsers(t, s,
		NewUser{Email: "u1", Name: "Ann Lee", Age: runtime.NullOf(int32(30)), Nickname: runtime.NullOf("al")},
		NewUser{Email: "u2", Name: "anna " + hostile, Age: runtime.NullOf(int32(25))},
		NewUser{Email: "u3", Name: "Bob", Age: runtime.NullOf(int32(30)), Nickname: runtime.NullOf("al")},
		NewUser{Email: "u4", Name: "Cy"},
		NewUser{Email: "u5", Name: "Dan", Age: runtime.NullOf(int32(60)), Nickname: runtime.NullOf("d")},
	)
	all := SearchParams{Limit: 100}
	cases := []struct {
		name string
		p    SearchParams
		want []string
	}{
		// age DESC NULLS LAST, name, id
		{"none", all, []string{"u5", "u1", "u3", "u2", "u4"}},
		{"name", SearchParams{NamePattern: runtime.Set("ann%"), Limit: 100}, []string{"u1", "u2"}},
		{"from", SearchParams{AgeFrom: runtime.Set(int32(30)), Limit: 100}, []string{"u5", "u1", "u3"}},
		{"to", SearchParams{AgeTo: runtime.Set(int32(30)), Limit: 100}, []string{"u1", "u3", "u2"}},
		{"between", SearchParams{AgeFrom: runtime.Set(int32(26)), AgeTo: runtime.Set(int32(59)), Limit: 100}, []string{"u1", "u3"}},
		{"nickname", SearchParams{Nickname: runtime.Set("al"), Limit: 100}, []string{"u1", "u3"}},
		{"all", SearchParams{NamePattern: runtime.Set("%b%"), AgeFrom: runtime.Set(int32(1)), AgeTo: runtime.Set(int32(99)),
			Nickname: runtime.Set("al"), Limit: 100}, []string{"u3"}},
		{"hostile pattern", SearchParams{NamePattern: runtime.Set("%drop table users; -- $1 @param%"), Limit: 100}, []string{"u2"}},
		{"limit", SearchParams{Limit: 2}, []string{"u5", "u1"}},
		{"offset", SearchParams{Limit: 2, Offset: 3}, []string{"u2", "u4"}},
		{"limit 0", SearchParams{}, nil},
	}
	for _, c := range cases {
		got, err := s.Users.Search(ctx, c.p)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if e := emails(got); !slices.Equal(e, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, e, c.want)
		}
	}
	hostileRow, err := s.Users.Search(ctx, SearchParams{NamePattern: runtime.Set("anna %"), Limit: 1})
	if err != nil || len(hostileRow) != 1 || hostileRow[0].Name != "anna "+hostile {
		t.Fatalf("hostile name read back: %v %v", hostileRow, err)
	}
}

// seedAccounts creates n accounts for user, cycling through currencies
// and balances with ties.
func seedAccounts(t *testing.T, s *Store, user uuid.UUID, n int) []Account {
	t.Helper()
	var out []Account
	currencies := CurrencyValues()
	for i := 0; i < n; i++ {
		a, err := s.Accounts.Create(context.Background(), NewAccount{
			UserID:   user,
			Currency: currencies[i%3],
			Balance:  runtime.Set(decimal.NewFromInt(int64(i % 4))),
			Label:    runtime.NullOf(fmt.Sprintf("acct %02d %s", i, hostile)),
			OpenedOn: time.Date(2020, 1, 1+i, 0, 0, 0, 0, time.UTC),
		})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

func TestKeysetMixedDirections(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	u := seedUsers(t, s, NewUser{Email: "a", Name: "A"}, NewUser{Email: "b", Name: "B"})
	accounts := seedAccounts(t, s, u[0].ID, 23)
	seedAccounts(t, s, u[1].ID, 5)

	// The expected order: currency (enum order), balance DESC, id.
	want := slices.Clone(accounts)
	sort.SliceStable(want, func(i, j int) bool {
		a, b := want[i], want[j]
		ai, bi := slices.Index(CurrencyValues(), a.Currency), slices.Index(CurrencyValues(), b.Currency)
		if ai != bi {
			return ai < bi
		}
		if c := a.Balance.Cmp(b.Balance); c != 0 {
			return c > 0
		}
		return a.ID < b.ID
	})
	for _, size := range []int{1, 2, 5, 7, 23, 100} {
		var got []int64
		after := ""
		for pages := 0; ; pages++ {
			if pages > 30 {
				t.Fatal("pagination does not end")
			}
			page, err := s.Accounts.ForUser(ctx, ForUserParams{UserID: u[0].ID}, runtime.PageArgs{After: after, Limit: size})
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range page.Items {
				got = append(got, a.ID)
			}
			if page.Next == "" {
				break
			}
			after = page.Next
		}
		var wantIDs []int64
		for _, a := range want {
			wantIDs = append(wantIDs, a.ID)
		}
		if !slices.Equal(got, wantIDs) {
			t.Fatalf("size %d: pages gave %v, want %v", size, got, wantIDs)
		}
	}

	// The optional filter applies to every page.
	var eur []Account
	after := ""
	for {
		page, err := s.Accounts.ForUser(ctx, ForUserParams{UserID: u[0].ID, Currency: runtime.Set(CurrencyEUR)}, runtime.PageArgs{After: after, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		eur = append(eur, page.Items...)
		if page.Next == "" {
			break
		}
		after = page.Next
	}
	if len(eur) != 8 {
		t.Fatalf("EUR accounts: %d, want 8", len(eur))
	}
	for _, a := range eur {
		if a.Currency != CurrencyEUR {
			t.Fatalf("filter not applied: %+v", a)
		}
	}

	// The stream runs through the same order in one go.
	var streamed []int64
	for a, err := range s.Accounts.ForUserStream(ctx, ForUserParams{UserID: u[0].ID}) {
		if err != nil {
			t.Fatal(err)
		}
		streamed = append(streamed, a.ID)
		if !a.Label.Valid || a.Label.V != fmt.Sprintf("acct %02d %s", slices.IndexFunc(accounts, func(x Account) bool { return x.ID == a.ID }), hostile) {
			t.Fatalf("label read back as %q", a.Label.V)
		}
	}
	if len(streamed) != len(want) || streamed[0] != want[0].ID {
		t.Fatalf("stream: %v", streamed)
	}
	// Stopping early is fine.
	for range s.Accounts.ForUserStream(ctx, ForUserParams{UserID: u[0].ID}) {
		break
	}

	_, err := s.Accounts.ForUser(ctx, ForUserParams{UserID: u[0].ID}, runtime.PageArgs{After: "garbage"})
	if !errors.Is(err, runtime.ErrBadCursor) {
		t.Fatalf("bad cursor: %v", err)
	}
}

// TestKeysetUnderConcurrentInserts pages through an account's entries
// while other connections keep appending entries: every row that existed
// before paging started is returned exactly once, and no row twice.
func TestKeysetUnderConcurrentInserts(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	u := seedUsers(t, s, NewUser{Email: "a", Name: "A"})
	acct := seedAccounts(t, s, u[0].ID, 1)[0]
	const before = 500
	rows := make([]NewEntry, before)
	for i := range rows {
		rows[i] = NewEntry{AccountID: acct.ID, Kind: EntryKindDeposit, Amount: decimal.NewFromInt(int64(i)), Memo: runtime.NullOf(hostile)}
	}
	if n, err := s.Entries.CreateMany(ctx, rows); err != nil || n != before {
		t.Fatalf("seed: %d, %v", n, err)
	}
	existing, err := s.Entries.FindAll(ctx)
	if err != nil {
		t.Fatal(err)
	}

	var stop atomic.Bool
	var inserted atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				if _, err := s.Entries.Create(ctx, NewEntry{AccountID: acct.ID, Kind: EntryKindFeeBank, Amount: dec("0.01")}); err != nil {
					errs <- err
					return
				}
				inserted.Add(1)
			}
		}()
	}
	seen := map[int64]int{}
	after := ""
	var last int64
	for pages := 0; ; pages++ {
		page, err := s.Entries.Ledger(ctx, acct.ID, runtime.PageArgs{After: after, Limit: 7})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Items {
			seen[e.ID]++
			if e.ID <= last {
				t.Fatalf("id %d after %d: not ascending", e.ID, last)
			}
			last = e.ID
		}
		// Keep the writers busy for a while, then let the pages catch up.
		if pages == 200 {
			stop.Store(true)
		}
		if page.Next == "" {
			break
		}
		after = page.Next
	}
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, e := range existing {
		if seen[e.ID] != 1 {
			t.Fatalf("pre-existing entry %d returned %d times", e.ID, seen[e.ID])
		}
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("entry %d returned %d times", id, n)
		}
	}
	t.Logf("%d rows before, %d inserted while paging, %d returned", before, inserted.Load(), len(seen))
}

func TestOffsetPagination(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	u := seedUsers(t, s, NewUser{Email: "a", Name: "A"})
	accounts := seedAccounts(t, s, u[0].ID, 20)
	collect := func(p RichestParams, size int) []int64 {
		t.Helper()
		var ids []int64
		after := ""
		for {
			page, err := s.Accounts.Richest(ctx, p, runtime.PageArgs{After: after, Limit: size})
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range page.Items {
				ids = append(ids, a.ID)
			}
			if page.Next == "" {
				return ids
			}
			after = page.Next
		}
	}
	var want []int64
	for _, a := range accounts {
		if a.Balance.GreaterThan(decimal.Zero) {
			want = append(want, a.ID)
		}
	}
	got := collect(RichestParams{MinBalance: decimal.Zero}, 4)
	slices.Sort(want)
	sortedGot := slices.Sorted(slices.Values(got))
	if !slices.Equal(sortedGot, want) {
		t.Fatalf("offset pages cover %v, want %v", got, want)
	}
	// Balance DESC, then id as the tie breaker.
	for i := 1; i < len(got); i++ {
		a, b := accounts[got[i-1]-accounts[0].ID], accounts[got[i]-accounts[0].ID]
		if a.Balance.LessThan(b.Balance) || a.Balance.Equal(b.Balance) && a.ID > b.ID {
			t.Fatalf("order broken at %d: %v", i, got)
		}
	}
	if got := collect(RichestParams{Currencies: runtime.Set([]Currency{}), MinBalance: decimal.Zero}, 4); len(got) != 0 {
		t.Fatalf("empty currency list: %v", got)
	}
	gbp := collect(RichestParams{Currencies: runtime.Set([]Currency{CurrencyGBP}), MinBalance: dec("1.5")}, 2)
	for _, id := range gbp {
		a := accounts[id-accounts[0].ID]
		if a.Currency != CurrencyGBP || !a.Balance.GreaterThan(dec("1.5")) {
			t.Fatalf("filters not applied: %+v", a)
		}
	}
	if len(gbp) == 0 {
		t.Fatal("no GBP accounts found")
	}
	// The process's own key (none is configured) seals a negative offset:
	// refused all the same, as is a cursor sealed for another method.
	var keys *runtime.CursorKeys
	for _, after := range []string{keys.Seal("accounts.Richest", nil, int64(-5)), keys.Seal("accounts.ForUser", nil, int64(0))} {
		if _, err := s.Accounts.Richest(ctx, RichestParams{}, runtime.PageArgs{After: after}); !errors.Is(err, runtime.ErrBadCursor) || runtime.KindOf(err) != runtime.KindValidation {
			t.Fatalf("bad offset cursor: %v", err)
		}
	}
}

func TestOptionalFiltersInSQL(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	u := seedUsers(t, s, NewUser{Email: "a", Name: "A"}, NewUser{Email: "b", Name: "B"})
	accounts := seedAccounts(t, s, u[0].ID, 12)
	others := seedAccounts(t, s, u[1].ID, 3)
	all := append(slices.Clone(accounts), others...)
	filter := func(p FilterParams, keep func(Account) bool) {
		t.Helper()
		got, err := s.Accounts.Filter(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		var want []int64
		for _, a := range all {
			if keep(a) {
				want = append(want, a.ID)
			}
		}
		var ids []int64
		for _, a := range got {
			ids = append(ids, a.ID)
		}
		if !slices.Equal(ids, want) {
			t.Fatalf("Filter(%+v) = %v, want %v", p, ids, want)
		}
		var streamed []int64
		for a, err := range s.Accounts.FilterStream(ctx, p) {
			if err != nil {
				t.Fatal(err)
			}
			streamed = append(streamed, a.ID)
		}
		if !slices.Equal(streamed, want) {
			t.Fatalf("FilterStream(%+v) = %v, want %v", p, streamed, want)
		}
	}
	filter(FilterParams{}, func(Account) bool { return true })
	filter(FilterParams{UserID: runtime.Set(u[1].ID)}, func(a Account) bool { return a.UserID == u[1].ID })
	filter(FilterParams{Currencies: runtime.Set([]Currency{})}, func(Account) bool { return false })
	filter(FilterParams{Currencies: runtime.Set[[]Currency](nil)}, func(Account) bool { return false })
	filter(FilterParams{Currencies: runtime.Set([]Currency{CurrencyUSD, CurrencyGBP})},
		func(a Account) bool { return a.Currency != CurrencyEUR })
	filter(FilterParams{BalanceFrom: runtime.Set(dec("1")), BalanceTo: runtime.Set(dec("2"))},
		func(a Account) bool {
			return a.Balance.GreaterThanOrEqual(dec("1")) && a.Balance.LessThanOrEqual(dec("2"))
		})
	filter(FilterParams{BalanceTo: runtime.Set(dec("0"))}, func(a Account) bool { return a.Balance.IsZero() })
	filter(FilterParams{LabelPattern: runtime.Set("acct 1%")}, func(a Account) bool { return (a.Label.V)[:6] == "acct 1" })
	filter(FilterParams{OpenedBefore: runtime.Set(time.Date(2020, 1, 3, 0, 0, 0, 0, time.UTC))},
		func(a Account) bool { return a.OpenedOn.Before(time.Date(2020, 1, 3, 0, 0, 0, 0, time.UTC)) })
	filter(FilterParams{UserID: runtime.Set(u[0].ID), Currencies: runtime.Set([]Currency{CurrencyEUR}), BalanceFrom: runtime.Set(dec("1")),
		LabelPattern: runtime.Set("%DROP TABLE users; -- $1 @param%"), OpenedBefore: runtime.Set(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))},
		func(a Account) bool {
			return a.UserID == u[0].ID && a.Currency == CurrencyEUR && a.Balance.GreaterThanOrEqual(dec("1"))
		})
}

func TestFixedValuesAndLimits(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	u := seedUsers(t, s, NewUser{Email: "a", Name: "A"})
	accounts := seedAccounts(t, s, u[0].ID, 30)
	closed := "it's closed"
	if _, err := s.Accounts.Update(ctx, accounts[1].ID, AccountUpdate{Label: runtime.SetNullable(closed)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Accounts.Update(ctx, accounts[2].ID, AccountUpdate{Label: runtime.SetNull[string]()}); err != nil {
		t.Fatal(err)
	}
	in, err := s.Accounts.InCurrencies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range in {
		if a.Currency == CurrencyUSD || a.ID == accounts[1].ID {
			t.Fatalf("fixed filters not applied: %+v", a)
		}
	}
	if len(in) != 19 {
		t.Fatalf("InCurrencies: %d rows, want 19 (20 EUR/GBP minus the closed one; NULL labels stay)", len(in))
	}
	top, err := s.Accounts.Top(ctx, TopParams{Balance: dec("0"), Currency: CurrencyUSD})
	if err != nil || len(top) != 10 {
		t.Fatalf("Top: %d rows, %v; want the fixed limit of 10", len(top), err)
	}
	for i := 1; i < len(top); i++ {
		if top[i-1].Balance.LessThan(top[i].Balance) {
			t.Fatalf("Top is not by balance DESC: %v", top)
		}
	}
}

func TestEntriesBetweenInLike(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	u := seedUsers(t, s, NewUser{Email: "a", Name: "A"})
	acct := seedAccounts(t, s, u[0].ID, 1)[0]
	base := time.Date(2024, 3, 1, 12, 0, 0, 123456000, time.UTC)
	kinds := EntryKindValues()
	var entries []Entry
	for i := 0; i < 30; i++ {
		memo := fmt.Sprintf("entry %d", i)
		if i%10 == 0 {
			memo = hostile
		}
		e, err := s.Entries.Create(ctx, NewEntry{
			AccountID: acct.ID, Kind: kinds[i%3], Amount: decimal.NewFromInt(int64(i)), Memo: runtime.NullOf(memo),
			// Pairs of entries share a time: id breaks the tie.
			BookedAt: runtime.Set(base.Add(time.Duration(i/2) * time.Hour)),
		})
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, e)
	}
	p := RecentParams{AccountID: acct.ID, WindowFrom: base.Add(2 * time.Hour), WindowTo: base.Add(10 * time.Hour),
		Kinds: []EntryKind{EntryKindDeposit, EntryKindFeeBank}}
	var want []int64
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		if !e.BookedAt.Before(p.WindowFrom) && !e.BookedAt.After(p.WindowTo) && e.Kind != EntryKindWithdrawal {
			want = append(want, e.ID)
		}
	}
	var got []int64
	after := ""
	for {
		page, err := s.Entries.Recent(ctx, p, runtime.PageArgs{After: after, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Items {
			got = append(got, e.ID)
		}
		if page.Next == "" {
			break
		}
		after = page.Next
	}
	if !slices.Equal(got, want) {
		t.Fatalf("Recent pages = %v, want %v", got, want)
	}
	var streamed []int64
	for e, err := range s.Entries.RecentStream(ctx, p) {
		if err != nil {
			t.Fatal(err)
		}
		streamed = append(streamed, e.ID)
	}
	if !slices.Equal(streamed, want) {
		t.Fatalf("RecentStream = %v, want %v", streamed, want)
	}
	p.Kinds = nil
	if page, err := s.Entries.Recent(ctx, p, runtime.PageArgs{}); err != nil || len(page.Items) != 0 {
		t.Fatalf("no kinds: %v %v", page.Items, err)
	}

	like, err := s.Entries.MemoLike(ctx, MemoLikeParams{Pattern: "%DROP TABLE users; -- $1 @param%", Amount: dec("15")})
	if err != nil {
		t.Fatal(err)
	}
	if len(like) != 2 || like[0].Memo.V != hostile || like[0].ID != entries[0].ID || like[1].ID != entries[10].ID {
		t.Fatalf("MemoLike = %+v", like)
	}
	n, err := s.Entries.Withdrawals(ctx, dec("10"))
	if err != nil || n != 3 {
		t.Fatalf("Withdrawals(<10) = %d, %v; want 3 (1, 4, 7)", n, err)
	}
}
