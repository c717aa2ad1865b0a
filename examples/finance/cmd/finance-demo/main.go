package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/examples/finance"
	"github.com/cpcgen/cpcgen/examples/finance/financedb"
	"github.com/cpcgen/cpcgen/examples/internal/demo"
	"github.com/cpcgen/cpcgen/runtime"
)

func main() { demo.Main("finance-demo", "make the concurrent burst small (for CI)", run) }

// run is the whole demo, writing its story to out; opts.Short makes the concurrent burst small.
func run(ctx context.Context, out io.Writer, opts demo.Options) error {
	url, release, err := demo.Database(ctx, out, opts.URL, "finance_demo")
	if err != nil {
		return err
	}
	defer release()

	retries := &retryCounter{}
	db, err := runtime.Open(ctx, runtime.Config{URL: url, MaxConns: 8, ApplicationName: "finance-demo", Observers: []runtime.Observer{retries}})
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := finance.Migrate(ctx, db)
	if err != nil {
		return err
	}
	demo.SayMigrations(out, applied)

	s := &story{ctx: ctx, out: out, store: financedb.NewStore(db), tag: demo.RunTag(), retries: retries, short: opts.Short}
	steps := []func() error{s.open, s.deposit, s.transfer, s.burst, s.history, s.monthly, s.asOf, s.books}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// retryCounter counts statements that failed with a serialization
// failure or a deadlock: each made InTx run a transaction again.
type retryCounter struct{ n atomic.Int64 }

// ObserveQuery implements runtime.Observer.
func (c *retryCounter) ObserveQuery(_ context.Context, e *runtime.QueryEvent) {
	if e.Kind == runtime.KindSerialization || e.Kind == runtime.KindDeadlock {
		c.n.Add(1)
	}
}

// story is the state the demo's steps share.
type story struct {
	ctx     context.Context
	out     io.Writer
	store   *financedb.Store
	tag     string // makes this run's emails and keys unique
	retries *retryCounter
	short   bool

	ada, grace           financedb.User
	adaUSD, adaEUR, gUSD financedb.Account
	categories           map[string]int32
	firstDeposit         financedb.Transaction
	keys                 int
}

func (s *story) say(format string, args ...any) { fmt.Fprintf(s.out, format+"\n", args...) }

// key returns a new idempotency key, as a client would make one per
// request.
func (s *story) key() string {
	s.keys++
	return fmt.Sprintf("demo-%s-%04d", s.tag, s.keys)
}

func money(d decimal.Decimal, c financedb.Currency) string {
	return d.StringFixed(finance.MinorUnits(c)) + " " + string(c)
}

func dec(v string) decimal.Decimal { return decimal.RequireFromString(v) }

func ptr[T any](v T) *T { return &v }

// open creates two users, their accounts and a few categories.
func (s *story) open() (err error) {
	ctx, st := s.ctx, s.store
	if s.ada, err = st.Users.Create(ctx, financedb.NewUser{Email: "ada." + s.tag + "@example.com", Name: "Ada Lovelace"}); err != nil {
		return err
	}
	if s.grace, err = st.Users.Create(ctx, financedb.NewUser{Email: "grace." + s.tag + "@example.com", Name: "Grace Hopper"}); err != nil {
		return err
	}
	if s.adaUSD, err = st.Accounts.Create(ctx, financedb.NewAccount{UserID: s.ada.ID, Name: "checking", Currency: financedb.CurrencyUSD}); err != nil {
		return err
	}
	if s.adaEUR, err = st.Accounts.Create(ctx, financedb.NewAccount{UserID: s.ada.ID, Name: "savings", Currency: financedb.CurrencyEUR}); err != nil {
		return err
	}
	if s.gUSD, err = st.Accounts.Create(ctx, financedb.NewAccount{UserID: s.grace.ID, Name: "checking", Currency: financedb.CurrencyUSD}); err != nil {
		return err
	}
	// The categories in one statement, whether they exist or not (a run
	// on a database of an earlier run finds them).
	var chart []financedb.NewCategory
	for _, name := range []string{"salary", "gifts", "dining", "groceries"} {
		chart = append(chart, financedb.NewCategory{Name: name})
	}
	cats, _, err := st.Categories.CreateManyIfAbsentByName(ctx, chart)
	if err != nil {
		return err
	}
	s.categories = map[string]int32{}
	for _, c := range cats {
		s.categories[c.Name] = c.ID
	}
	s.say("\nAda Lovelace and Grace Hopper open accounts:")
	for _, a := range []struct {
		who string
		acc financedb.Account
	}{{"Ada", s.adaUSD}, {"Ada", s.adaEUR}, {"Grace", s.gUSD}} {
		s.say("  %-6s %-9s %s  (version %d)", a.who, a.acc.Name, a.acc.Currency, a.acc.Version)
	}
	return nil
}

// deposit puts money into the three accounts.
func (s *story) deposit() error {
	s.say("\nDeposits:")
	for i, d := range []struct {
		who      string
		acc      financedb.Account
		amount   string
		category string
	}{{"Ada's checking", s.adaUSD, "1000.00", "salary"}, {"Grace's checking", s.gUSD, "250.00", "salary"}, {"Ada's savings", s.adaEUR, "400.00", "gifts"}} {
		t, err := finance.Deposit(s.ctx, s.store, finance.DepositRequest{
			IdempotencyKey: s.key(), AccountID: d.acc.ID, Amount: dec(d.amount), Currency: d.acc.Currency,
			CategoryID: ptr(s.categories[d.category]), Memo: ptr(d.category),
		})
		if err != nil {
			return err
		}
		if i == 0 {
			s.firstDeposit = t
		}
		s.say("  %13s to %-16s (%s)", "+"+money(t.Amount, t.Currency), d.who, d.category)
	}
	return nil
}

// transfer moves money between Ada and Grace, replays a request and
// shows three refusals.
func (s *story) transfer() error {
	ctx, st := s.ctx, s.store
	s.say("\nTransfers (one SERIALIZABLE transaction each, retried on conflicts, done once per idempotency key):")
	req := finance.TransferRequest{
		IdempotencyKey: s.key(), FromAccountID: s.adaUSD.ID, ToAccountID: s.gUSD.ID,
		Amount: dec("120.00"), Currency: financedb.CurrencyUSD, Memo: ptr("dinner at the Analytical Café"), CategoryID: ptr(s.categories["dining"]),
	}
	t, err := finance.Transfer(ctx, st, req)
	if err != nil {
		return err
	}
	entries, err := st.LedgerEntries.ListByTransactionID(ctx, t.ID)
	if err != nil {
		return err
	}
	s.say("  Ada → Grace %s %q: transaction %s, ledger entries %s and %s", money(t.Amount, t.Currency), t.Memo.V,
		shortID(t.ID), entries[0].Amount.StringFixed(2), entries[1].Amount.StringFixed(2))

	again, err := finance.Transfer(ctx, st, req)
	if err != nil {
		return err
	}
	ada, grace, err := s.balances()
	if err != nil {
		return err
	}
	s.say("  the same request again (key %s): transaction %s again, nothing moved: Ada %s, Grace %s", req.IdempotencyKey, shortID(again.ID), ada, grace)

	refusals := []struct {
		what string
		req  finance.TransferRequest
	}{
		{"Ada → Grace 5000.00 USD", finance.TransferRequest{FromAccountID: s.adaUSD.ID, ToAccountID: s.gUSD.ID, Amount: dec("5000.00"), Currency: financedb.CurrencyUSD}},
		{"Ada's checking → Ada's savings 10.00 USD", finance.TransferRequest{FromAccountID: s.adaUSD.ID, ToAccountID: s.adaEUR.ID, Amount: dec("10.00"), Currency: financedb.CurrencyUSD}},
		{"Ada → Grace 10.005 USD", finance.TransferRequest{FromAccountID: s.adaUSD.ID, ToAccountID: s.gUSD.ID, Amount: dec("10.005"), Currency: financedb.CurrencyUSD}},
	}
	for _, r := range refusals {
		r.req.IdempotencyKey = s.key()
		_, err := finance.Transfer(ctx, st, r.req)
		var dbErr *runtime.DbError
		if !errors.As(err, &dbErr) || dbErr.Kind != runtime.KindValidation {
			return fmt.Errorf("%s: want a refusal, got %v", r.what, err)
		}
		s.say("  %s: refused: %s", r.what, dbErr.Fields[0].Message)
	}
	w, err := finance.Withdraw(ctx, st, finance.WithdrawRequest{
		IdempotencyKey: s.key(), AccountID: s.gUSD.ID, Amount: dec("45.50"), Currency: financedb.CurrencyUSD,
		Memo: ptr("farmers' market"), CategoryID: ptr(s.categories["groceries"]),
	})
	if err != nil {
		return err
	}
	_, grace, err = s.balances()
	if err != nil {
		return err
	}
	s.say("  Grace withdraws %s (%s): Grace %s", money(w.Amount, w.Currency), w.Memo.V, grace)
	return nil
}

// balances returns Ada's and Grace's USD balances, formatted.
func (s *story) balances() (string, string, error) {
	a, err := s.store.Accounts.FindByIDs(s.ctx, []uuid.UUID{s.adaUSD.ID, s.gUSD.ID})
	if err != nil {
		return "", "", err
	}
	b := map[uuid.UUID]financedb.Account{a[0].ID: a[0], a[1].ID: a[1]}
	return money(b[s.adaUSD.ID].Balance, financedb.CurrencyUSD), money(b[s.gUSD.ID].Balance, financedb.CurrencyUSD), nil
}

// burst makes concurrent random transfers among a few new accounts.
func (s *story) burst() error {
	ctx, st := s.ctx, s.store
	const accounts, workers = 10, 8
	transfers := 1000
	if s.short {
		transfers = 100
	}
	owner, err := st.Users.Create(ctx, financedb.NewUser{Email: "treasury." + s.tag + "@example.com", Name: "Treasury"})
	if err != nil {
		return err
	}
	ids := make([]uuid.UUID, accounts)
	for i := range ids {
		a, err := st.Accounts.Create(ctx, financedb.NewAccount{UserID: owner.ID, Name: fmt.Sprintf("pot %d", i+1), Currency: financedb.CurrencyUSD})
		if err != nil {
			return err
		}
		if _, err := finance.Deposit(ctx, st, finance.DepositRequest{IdempotencyKey: s.key(), AccountID: a.ID, Amount: dec("100.00"), Currency: financedb.CurrencyUSD}); err != nil {
			return err
		}
		ids[i] = a.ID
	}
	var next, done, refused atomic.Int64
	retriesBefore := s.retries.n.Load()
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), uint64(start.UnixNano())))
			for n := next.Add(1); n <= int64(transfers); n = next.Add(1) {
				from := r.IntN(accounts)
				to := (from + 1 + r.IntN(accounts-1)) % accounts
				_, err := finance.Transfer(ctx, st, finance.TransferRequest{
					IdempotencyKey: fmt.Sprintf("burst-%s-%05d", s.tag, n), FromAccountID: ids[from], ToAccountID: ids[to],
					Amount: decimal.New(int64(1+r.IntN(5000)), -2), Currency: financedb.CurrencyUSD,
				})
				switch {
				case err == nil:
					done.Add(1)
				case errors.Is(err, finance.ErrInsufficientFunds):
					refused.Add(1)
				default:
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	totals, err := st.Accounts.FindByIDs(ctx, ids)
	if err != nil {
		return err
	}
	sum := decimal.Zero
	for _, a := range totals {
		sum = sum.Add(a.Balance)
	}
	s.say("\n%d random transfers among %d accounts by %d goroutines at once: %d done, %d refused (insufficient funds), %d attempts retried after serialization failures, in %v; the accounts still hold %s",
		transfers, accounts, workers, done.Load(), refused.Load(), s.retries.n.Load()-retriesBefore, time.Since(start).Round(10*time.Millisecond), money(sum, financedb.CurrencyUSD))
	return nil
}

// history pages through Grace's history, newest first.
func (s *story) history() error {
	ctx, st := s.ctx, s.store
	s.say("\nGrace's history, newest first, two lines a page (keyset pagination):")
	page := runtime.PageArgs{Limit: 2}
	for n := 1; ; n++ {
		p, err := st.LedgerEntries.History(ctx, financedb.HistoryParams{UserID: s.grace.ID}, page)
		if err != nil {
			return err
		}
		ids := make([]uuid.UUID, len(p.Items))
		for i, e := range p.Items {
			ids[i] = e.TransactionID
		}
		txs, err := st.Transactions.FindByIDs(ctx, ids)
		if err != nil {
			return err
		}
		memo := map[uuid.UUID]string{}
		for _, t := range txs {
			if t.Memo.Valid {
				memo[t.ID] = t.Memo.V
			}
		}
		for i, e := range p.Items {
			label := "        "
			if i == 0 {
				label = fmt.Sprintf("page %d:", n)
			}
			amount := e.Amount.StringFixed(2)
			if e.Amount.IsPositive() {
				amount = "+" + amount
			}
			s.say("  %s %s  %-10s %9s  %s", label, e.CreatedAt.UTC().Format("2006-01-02 15:04:05.000"), e.Kind, amount, memo[e.TransactionID])
		}
		if p.Next == "" {
			break
		}
		page.After = p.Next
	}
	p, err := st.LedgerEntries.History(ctx, financedb.HistoryParams{UserID: s.grace.ID, Kind: runtime.Set(financedb.TransactionKindTransfer)}, runtime.PageArgs{})
	if err != nil {
		return err
	}
	s.say("  transfers only (kind filter): %d line(s)", len(p.Items))
	return nil
}

// monthly prints Ada's totals per category for this month.
func (s *story) monthly() error {
	now := time.Now().UTC()
	since := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	rows, err := s.store.Transactions.MonthlyTotalsByCategory(s.ctx, financedb.MonthlyTotalsByCategoryParams{
		UserID: s.ada.ID, Since: since, Until: since.AddDate(0, 1, 0),
	})
	if err != nil {
		return err
	}
	s.say("\nAda's totals for %s per category (raw SQL query):", since.Format("January 2006"))
	for _, r := range rows {
		s.say("  %-10s %s  in %9s  out %9s", r.Category, r.Currency, r.MoneyIn.StringFixed(2), r.MoneyOut.StringFixed(2))
	}
	return nil
}

// asOf shows a balance at the moment of the first deposit.
func (s *story) asOf() error {
	then, err := s.store.Accounts.BalanceAsOf(s.ctx, s.adaUSD.ID, s.firstDeposit.CreatedAt)
	if err != nil {
		return err
	}
	nowAcc, err := s.store.Accounts.FindByID(s.ctx, s.adaUSD.ID)
	if err != nil {
		return err
	}
	s.say("\nAda's checking as of her first deposit (%s): %s from %d ledger entry; now %s, version %d",
		s.firstDeposit.CreatedAt.UTC().Format("15:04:05.000"), money(then.Balance, financedb.CurrencyUSD), then.Entries,
		money(nowAcc.Balance, financedb.CurrencyUSD), nowAcc.Version)
	return nil
}

// books checks the invariants with the reconciliation queries.
func (s *story) books() error {
	books, err := finance.ReadBooks(s.ctx, s.store)
	if err != nil {
		return err
	}
	s.say("\nThe books:")
	ok := len(books.Unbalanced) == 0 && len(books.OutOfBalance) == 0
	for _, t := range books.Totals {
		s.say("  %s: %d account(s) hold %s, deposits minus withdrawals are %s, %d negative balances",
			t.Currency, t.Accounts, t.Total.StringFixed(2), books.Net[t.Currency].StringFixed(2), t.Negative)
		ok = ok && t.Total.Equal(books.Net[t.Currency]) && t.Negative == 0
	}
	s.say("  %d transactions whose ledger entries do not match them, %d accounts whose balance is not the sum of their entries", len(books.Unbalanced), len(books.OutOfBalance))
	if !ok {
		return errors.New("the books do not balance")
	}
	s.say("  balanced.")
	return nil
}

// shortID returns the first 8 characters of id.
func shortID(id uuid.UUID) string { return id.String()[:8] }
