package ledgerdb

// Benchmarks of generated methods beside hand-written pgx code doing the
// same work: the same SQL text (the generated constants), the same
// arguments, direct Scan into the same structs, over the same pool.
//
//	go test -run='^$' -bench=. -benchmem -count=6 ./testdata/golden/queries_structured/out/
//
// Each benchmark has three parts: pgx and cpcgen run one side alone (for
// allocs/op and B/op), and paired alternates the two call by call and
// reports each side's mean time and their ratio, so that load on the
// machine, the server included, weighs on both sides alike.

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// benchFixture is a database with one user, 1000 accounts and no entries.
type benchFixture struct {
	pool     *pgxpool.Pool
	store    *Store
	accounts []Account
}

// paired runs hand and gen alternately, each after an untimed setup
// (nil for none), timing every call, and reports pgx-ns/op, cpcgen-ns/op
// and their ratio.
func paired(b *testing.B, setup, hand, gen func()) {
	var th, tg time.Duration
	run := func(fn func(), total *time.Duration) {
		if setup != nil {
			setup()
		}
		start := time.Now()
		fn()
		*total += time.Since(start)
	}
	for i := 0; i < b.N; i++ {
		if i%2 == 0 {
			run(hand, &th)
			run(gen, &tg)
		} else {
			run(gen, &tg)
			run(hand, &th)
		}
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(th.Nanoseconds())/float64(b.N), "pgx-ns/op")
	b.ReportMetric(float64(tg.Nanoseconds())/float64(b.N), "cpcgen-ns/op")
	b.ReportMetric(float64(tg)/float64(th), "ratio")
}

func newBenchFixture(b *testing.B) benchFixture {
	b.Helper()
	ctx := context.Background()
	pool := pgtest.Pool(b)
	s := NewStore(pool)
	u, err := s.Users.Create(ctx, NewUser{Email: "bench@x.test", Name: "Bench"})
	if err != nil {
		b.Fatal(err)
	}
	rows := make([]NewAccount, 1000)
	for i := range rows {
		rows[i] = NewAccount{
			UserID:   u.ID,
			Currency: CurrencyValues()[i%3],
			Balance:  runtime.Set(decimal.New(int64(i*137%10007), -2)),
			Label:    runtime.NullOf(fmt.Sprintf("account %d", i)),
			OpenedOn: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i),
		}
	}
	accounts, err := s.Accounts.CreateManyReturning(ctx, rows)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := pool.Exec(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	return benchFixture{pool: pool, store: s, accounts: accounts}
}

// scanAccountByHand is what a hand-written repository does.
func scanAccountByHand(row pgx.Row, a *Account) error {
	return row.Scan(&a.ID, &a.UserID, &a.Currency, &a.Balance, &a.Label, &a.OpenedOn)
}

func BenchmarkFindByID(b *testing.B) {
	f := newBenchFixture(b)
	ctx := context.Background()
	id := f.accounts[500].ID
	b.Run("pgx", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var a Account
			if err := scanAccountByHand(f.pool.QueryRow(ctx, opAccountsFindByID.SQL, id), &a); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cpcgen", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := f.store.Accounts.FindByID(ctx, id); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("paired", func(b *testing.B) {
		paired(b, nil, func() {
			var a Account
			if err := scanAccountByHand(f.pool.QueryRow(ctx, opAccountsFindByID.SQL, id), &a); err != nil {
				b.Fatal(err)
			}
		}, func() {
			if _, err := f.store.Accounts.FindByID(ctx, id); err != nil {
				b.Fatal(err)
			}
		})
	})
}

// handCursorKeys seal the hand-written reference's cursors, as the
// generated methods seal theirs.
var handCursorKeys, _ = runtime.NewCursorKeys(make([]byte, 32))

// listByHand fetches the first page of 100 accounts in key order and
// the cursor of the next, as List does.
func listByHand(ctx context.Context, pool *pgxpool.Pool, size int) ([]Account, string, error) {
	rows, err := pool.Query(ctx, sqlAccountsListFirst, size+1)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		var a Account
		if err := scanAccountByHand(rows, &a); err != nil {
			return nil, "", err
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > size {
		out = out[:size]
		next = handCursorKeys.Seal("accounts.List", nil, out[size-1].ID)
	}
	return out, next, nil
}

func BenchmarkList100(b *testing.B) {
	f := newBenchFixture(b)
	ctx := context.Background()
	b.Run("pgx", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			items, next, err := listByHand(ctx, f.pool, 100)
			if err != nil || len(items) != 100 || next == "" {
				b.Fatal(len(items), next, err)
			}
		}
	})
	b.Run("cpcgen", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			page, err := f.store.Accounts.List(ctx, runtime.PageArgs{Limit: 100})
			if err != nil || len(page.Items) != 100 || page.Next == "" {
				b.Fatal(len(page.Items), page.Next, err)
			}
		}
	})
	b.Run("paired", func(b *testing.B) {
		paired(b, nil, func() {
			if _, _, err := listByHand(ctx, f.pool, 100); err != nil {
				b.Fatal(err)
			}
		}, func() {
			if _, err := f.store.Accounts.List(ctx, runtime.PageArgs{Limit: 100}); err != nil {
				b.Fatal(err)
			}
		})
	})
}

// topByHand runs the two-filter query Top.
func topByHand(ctx context.Context, pool *pgxpool.Pool, balance decimal.Decimal, currency Currency) ([]Account, error) {
	rows, err := pool.Query(ctx, sqlAccountsTop, balance, currency)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		var a Account
		if err := scanAccountByHand(rows, &a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func BenchmarkQueryTwoFilters(b *testing.B) {
	f := newBenchFixture(b)
	ctx := context.Background()
	min := decimal.RequireFromString("20.00")
	b.Run("pgx", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			items, err := topByHand(ctx, f.pool, min, CurrencyEUR)
			if err != nil || len(items) != 10 {
				b.Fatal(len(items), err)
			}
		}
	})
	b.Run("cpcgen", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			items, err := f.store.Accounts.Top(ctx, TopParams{Balance: min, Currency: CurrencyEUR})
			if err != nil || len(items) != 10 {
				b.Fatal(len(items), err)
			}
		}
	})
	b.Run("paired", func(b *testing.B) {
		paired(b, nil, func() {
			if _, err := topByHand(ctx, f.pool, min, CurrencyEUR); err != nil {
				b.Fatal(err)
			}
		}, func() {
			if _, err := f.store.Accounts.Top(ctx, TopParams{Balance: min, Currency: CurrencyEUR}); err != nil {
				b.Fatal(err)
			}
		})
	})
}

// forUserByHand runs the statement ForUser picks for a user and a
// currency, first page of 50.
func forUserByHand(ctx context.Context, pool *pgxpool.Pool, user uuid.UUID, currency Currency) ([]Account, string, error) {
	rows, err := pool.Query(ctx, sqlAccountsForUser[1], user, currency, 51)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		var a Account
		if err := scanAccountByHand(rows, &a); err != nil {
			return nil, "", err
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > 50 {
		out = out[:50]
		next = handCursorKeys.Seal("accounts.ForUser", nil, out[49].Currency, out[49].Balance, out[49].ID)
	}
	return out, next, nil
}

// BenchmarkQueryOptionalFilters runs a keyset query whose statement is
// picked from its set optional filters, beside the hand-written call of
// that statement.
func BenchmarkQueryOptionalFilters(b *testing.B) {
	f := newBenchFixture(b)
	ctx := context.Background()
	user := f.accounts[0].UserID
	currency := f.accounts[2].Currency // GBP, as a caller's variable
	hand := func() {
		items, next, err := forUserByHand(ctx, f.pool, user, currency)
		if err != nil || len(items) != 50 || next == "" {
			b.Fatal(len(items), err)
		}
	}
	gen := func() {
		page, err := f.store.Accounts.ForUser(ctx, ForUserParams{UserID: user, Currency: runtime.Set(currency)}, runtime.PageArgs{Limit: 50})
		if err != nil || len(page.Items) != 50 || page.Next == "" {
			b.Fatal(len(page.Items), err)
		}
	}
	b.Run("pgx", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			hand()
		}
	})
	b.Run("cpcgen", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			gen()
		}
	})
	b.Run("paired", func(b *testing.B) { paired(b, nil, hand, gen) })
}

// copyEntriesByHand is the CopyFromSource a hand-written repository
// passes to CopyFrom.
type copyEntriesByHand struct {
	rows []NewEntry
	i    int
}

func (s *copyEntriesByHand) Next() bool { s.i++; return s.i < len(s.rows) }

func (s *copyEntriesByHand) Values() ([]any, error) {
	r := &s.rows[s.i]
	return []any{r.AccountID, r.Kind, r.Amount, r.Memo}, nil
}

func (s *copyEntriesByHand) Err() error { return nil }

func BenchmarkCreateMany10k(b *testing.B) {
	f := newBenchFixture(b)
	ctx := context.Background()
	rows := make([]NewEntry, 10_000)
	for i := range rows {
		rows[i] = NewEntry{AccountID: f.accounts[i%len(f.accounts)].ID, Kind: EntryKindValues()[i%3], Amount: decimal.New(int64(i), -2), Memo: runtime.NullOf(fmt.Sprint("memo ", i))}
	}
	truncate := func() {
		if _, err := f.pool.Exec(ctx, "TRUNCATE entries"); err != nil {
			b.Fatal(err)
		}
	}
	hand := func() {
		n, err := f.pool.CopyFrom(ctx, pgx.Identifier{"entries"}, []string{"account_id", "kind", "amount", "memo"}, &copyEntriesByHand{rows: rows, i: -1})
		if err != nil || n != int64(len(rows)) {
			b.Fatal(n, err)
		}
	}
	gen := func() {
		n, err := f.store.Entries.CreateMany(ctx, rows)
		if err != nil || n != int64(len(rows)) {
			b.Fatal(n, err)
		}
	}
	for _, side := range []struct {
		name string
		fn   func()
	}{{"pgx", hand}, {"cpcgen", gen}} {
		b.Run(side.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				truncate()
				b.StartTimer()
				side.fn()
			}
		})
	}
	b.Run("paired", func(b *testing.B) { paired(b, truncate, hand, gen) })
}
