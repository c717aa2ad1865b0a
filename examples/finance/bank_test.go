package finance_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/examples/finance"
	"github.com/cpcgen/cpcgen/examples/finance/financedb"
	"github.com/cpcgen/cpcgen/examples/internal/demotest"
	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// TestMain gives every test a database of its own, copied from a template
// the embedded migrations were applied to.
func TestMain(m *testing.M) { demotest.Main(m, finance.Migrate) }

// testContext ends with the test, with a bound so that a hang fails.
func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// retryCounter counts the statements that failed with a retryable error:
// each is one attempt of a transaction that InTx then ran again (or gave
// up on).
type retryCounter struct{ n atomic.Int64 }

// ObserveQuery implements runtime.Observer.
func (c *retryCounter) ObserveQuery(_ context.Context, e *runtime.QueryEvent) {
	if e.Kind == runtime.KindSerialization || e.Kind == runtime.KindDeadlock {
		c.n.Add(1)
	}
}

// openStore opens a store on a fresh, migrated database.
func openStore(t *testing.T, cfg runtime.Config) *financedb.Store {
	t.Helper()
	cfg.URL = pgtest.URL(t)
	db, err := runtime.Open(testContext(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return financedb.NewStore(db)
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func key() string { return "test-" + uuid.NewString() }

// newAccount creates a user with one account.
func newAccount(t *testing.T, ctx context.Context, store *financedb.Store, name string, cur financedb.Currency) financedb.Account {
	t.Helper()
	u, err := store.Users.Create(ctx, financedb.NewUser{Email: name + "-" + uuid.NewString()[:8] + "@example.com", Name: name})
	if err != nil {
		t.Fatal(err)
	}
	a, err := store.Accounts.Create(ctx, financedb.NewAccount{UserID: u.ID, Name: "checking", Currency: cur})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func balance(t *testing.T, ctx context.Context, store *financedb.Store, id uuid.UUID) decimal.Decimal {
	t.Helper()
	a, err := store.Accounts.FindByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return a.Balance
}

// checkBooks checks the books with the generated reconciliation queries
// (finance.ReadBooks): no transaction whose entries do not match it, no
// account whose balance is not the sum of its entries, no negative
// balance, and per currency, the sum of balances equal to deposits minus
// withdrawals.
func checkBooks(t *testing.T, ctx context.Context, store *financedb.Store) {
	t.Helper()
	books, err := finance.ReadBooks(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range books.Unbalanced {
		t.Errorf("transaction %s (%s) has %d ledger entries summing to %s", u.ID, u.Kind, u.Entries, u.Total)
	}
	for _, o := range books.OutOfBalance {
		t.Errorf("account %s has balance %s but ledger entries summing to %s", o.ID, o.Balance, o.Ledger)
	}
	want := books.Net
	for _, c := range books.Totals {
		if c.Negative != 0 {
			t.Errorf("%s: %d accounts with a negative balance", c.Currency, c.Negative)
		}
		if !c.Total.Equal(want[c.Currency]) {
			t.Errorf("%s: balances sum to %s, deposits minus withdrawals are %s", c.Currency, c.Total, want[c.Currency])
		}
		delete(want, c.Currency)
	}
	for cur, w := range want {
		if !w.IsZero() {
			t.Errorf("%s: deposits minus withdrawals are %s, but no account holds %s", cur, w, cur)
		}
	}
}

func TestTransfer(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	store := openStore(t, runtime.Config{})
	ada := newAccount(t, ctx, store, "ada", financedb.CurrencyUSD)
	grace := newAccount(t, ctx, store, "grace", financedb.CurrencyUSD)
	euro := newAccount(t, ctx, store, "marie", financedb.CurrencyEUR)

	dep, err := finance.Deposit(ctx, store, finance.DepositRequest{IdempotencyKey: key(), AccountID: ada.ID, Amount: dec("100.00"), Currency: financedb.CurrencyUSD})
	if err != nil {
		t.Fatal(err)
	}
	if dep.Kind != financedb.TransactionKindDeposit || dep.UserID != ada.UserID || dep.FromAccountID.Valid || dep.ToAccountID.V != ada.ID {
		t.Errorf("deposit = %+v", dep)
	}

	memo := "dinner"
	req := finance.TransferRequest{IdempotencyKey: key(), FromAccountID: ada.ID, ToAccountID: grace.ID, Amount: dec("30.25"), Currency: financedb.CurrencyUSD, Memo: &memo}
	tr, err := finance.Transfer(ctx, store, req)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Kind != financedb.TransactionKindTransfer || tr.UserID != ada.UserID || !tr.Amount.Equal(dec("30.25")) || tr.Memo.V != "dinner" {
		t.Errorf("transfer = %+v", tr)
	}
	if b := balance(t, ctx, store, ada.ID); !b.Equal(dec("69.75")) {
		t.Errorf("ada's balance = %s, want 69.75", b)
	}
	if b := balance(t, ctx, store, grace.ID); !b.Equal(dec("30.25")) {
		t.Errorf("grace's balance = %s, want 30.25", b)
	}
	entries, err := store.LedgerEntries.ListByTransactionID(ctx, tr.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || !entries[0].Amount.Add(entries[1].Amount).IsZero() {
		t.Errorf("entries = %+v, want two summing to zero", entries)
	}
	for _, e := range entries {
		owner := map[uuid.UUID]uuid.UUID{ada.ID: ada.UserID, grace.ID: grace.UserID}[e.AccountID]
		if e.UserID != owner || e.Kind != financedb.TransactionKindTransfer || !e.CreatedAt.Equal(tr.CreatedAt) {
			t.Errorf("entry %+v: want the owner of its account, kind transfer, the transaction's time", e)
		}
	}

	t.Run("replay", func(t *testing.T) {
		again, err := finance.Transfer(ctx, store, req)
		if err != nil || again.ID != tr.ID || !again.CreatedAt.Equal(tr.CreatedAt) {
			t.Errorf("replay = %+v, %v; want transaction %s", again, err, tr.ID)
		}
		if b := balance(t, ctx, store, ada.ID); !b.Equal(dec("69.75")) {
			t.Errorf("ada's balance after the replay = %s", b)
		}
	})

	// Each refused request is refused with reason and the runtime's kind
	// (a validation error matching runtime.ErrValidation), and changes
	// nothing.
	transfer := func(edit func(r *finance.TransferRequest)) func() error {
		return func() error {
			r := req
			edit(&r)
			_, err := finance.Transfer(ctx, store, r)
			return err
		}
	}
	for _, c := range []struct {
		name   string
		try    func() error
		reason error
		kind   runtime.Kind
	}{
		{"insufficient funds", transfer(func(r *finance.TransferRequest) { r.IdempotencyKey, r.Amount = key(), dec("69.76") }),
			finance.ErrInsufficientFunds, runtime.KindValidation},
		{"insufficient funds to withdraw", func() error {
			_, err := finance.Withdraw(ctx, store, finance.WithdrawRequest{IdempotencyKey: key(), AccountID: ada.ID, Amount: dec("1000"), Currency: financedb.CurrencyUSD})
			return err
		}, finance.ErrInsufficientFunds, runtime.KindValidation},
		{"currency mismatch", transfer(func(r *finance.TransferRequest) { r.IdempotencyKey, r.ToAccountID = key(), euro.ID }),
			finance.ErrCurrencyMismatch, runtime.KindValidation},
		{"currency mismatch of a deposit", func() error {
			_, err := finance.Deposit(ctx, store, finance.DepositRequest{IdempotencyKey: key(), AccountID: ada.ID, Amount: dec("1"), Currency: financedb.CurrencyEUR})
			return err
		}, finance.ErrCurrencyMismatch, runtime.KindValidation},
		{"same account", transfer(func(r *finance.TransferRequest) { r.IdempotencyKey, r.ToAccountID = key(), ada.ID }),
			finance.ErrSameAccount, runtime.KindValidation},
		{"precision", transfer(func(r *finance.TransferRequest) { r.IdempotencyKey, r.Amount = key(), dec("10.005") }),
			finance.ErrAmountPrecision, runtime.KindValidation},
		{"key reused", transfer(func(r *finance.TransferRequest) { r.Amount = dec("1.00") }),
			finance.ErrKeyReused, runtime.KindConflict},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.try()
			var dbErr *runtime.DbError
			if !errors.Is(err, c.reason) || !errors.As(err, &dbErr) || dbErr.Kind != c.kind {
				t.Fatalf("err = %v; want %v of kind %s", err, c.reason, c.kind)
			}
			if c.kind == runtime.KindValidation && !errors.Is(err, runtime.ErrValidation) {
				t.Errorf("%v does not match runtime.ErrValidation", err)
			}
			if b := balance(t, ctx, store, ada.ID); !b.Equal(dec("69.75")) {
				t.Errorf("ada's balance = %s after a refused request", b)
			}
			n, err := store.Transactions.Count(ctx)
			if err != nil || n != 2 {
				t.Errorf("%d transactions (%v), want 2", n, err)
			}
		})
	}
	t.Run("generated validation", func(t *testing.T) {
		r := req
		r.IdempotencyKey, r.Amount = key(), dec("-5")
		_, err := finance.Transfer(ctx, store, r)
		var dbErr *runtime.DbError
		if !errors.As(err, &dbErr) || dbErr.Kind != runtime.KindValidation || len(dbErr.Fields) != 1 || dbErr.Fields[0].Field != "amount" {
			t.Fatalf("err = %v, want a validation error on amount", err)
		}
		if dbErr.Op != "finance.Transfer" {
			t.Errorf("op = %q, want finance.Transfer", dbErr.Op)
		}
		r.IdempotencyKey, r.Amount = "short", dec("1")
		if _, err := finance.Transfer(ctx, store, r); !errors.Is(err, runtime.ErrValidation) {
			t.Fatalf("err = %v, want a validation error on idempotency_key", err)
		}
		// A negative deposit is refused for its amount, before any SQL,
		// not for the balance it would leave.
		_, err = finance.Deposit(ctx, store, finance.DepositRequest{IdempotencyKey: key(), AccountID: grace.ID, Amount: dec("-1000"), Currency: financedb.CurrencyUSD})
		if !errors.As(err, &dbErr) || dbErr.Kind != runtime.KindValidation || len(dbErr.Fields) != 1 || dbErr.Fields[0].Field != "amount" {
			t.Fatalf("negative deposit: err = %v, want a validation error on amount", err)
		}
	})
	t.Run("missing account", func(t *testing.T) {
		r := req
		r.IdempotencyKey, r.ToAccountID = key(), uuid.New()
		_, err := finance.Transfer(ctx, store, r)
		if !errors.Is(err, runtime.ErrNotFound) {
			t.Fatalf("err = %v, want not found", err)
		}
	})
	checkBooks(t, ctx, store)
}

// TestIdempotencyKeyPerUser: idempotency keys are unique per user. User B
// sending a request with the key user A used gets an operation of its
// own, whether B's request is the same as A's (it is not A's transaction
// that comes back) or another (no ErrKeyReused, which would tell B that A
// used the key); B's replay with the key then returns B's operation, and
// a refused request of a third user finds no replay in theirs. (Each
// account of newAccount is a user of its own.)
func TestIdempotencyKeyPerUser(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	store := openStore(t, runtime.Config{})
	a := newAccount(t, ctx, store, "alice", financedb.CurrencyUSD)
	a2 := newAccount(t, ctx, store, "alice2", financedb.CurrencyUSD)
	b := newAccount(t, ctx, store, "bob", financedb.CurrencyUSD)
	b2 := newAccount(t, ctx, store, "bob2", financedb.CurrencyUSD)
	shared := key()
	depA, err := finance.Deposit(ctx, store, finance.DepositRequest{IdempotencyKey: shared, AccountID: a.ID, Amount: dec("50.00"), Currency: financedb.CurrencyUSD})
	if err != nil {
		t.Fatal(err)
	}
	depB, err := finance.Deposit(ctx, store, finance.DepositRequest{IdempotencyKey: shared, AccountID: b.ID, Amount: dec("50.00"), Currency: financedb.CurrencyUSD})
	if err != nil || depB.ID == depA.ID || depB.UserID != b.UserID || depB.ToAccountID.V != b.ID {
		t.Fatalf("B's deposit with A's key = %+v, %v; want a deposit of its own to %s, not A's %s", depB, err, b.ID, depA.ID)
	}
	if bal := balance(t, ctx, store, b.ID); !bal.Equal(dec("50.00")) {
		t.Errorf("B's balance = %s, want 50.00", bal)
	}
	// Another request of B with a key A used for a transfer.
	trKey := key()
	trA, err := finance.Transfer(ctx, store, finance.TransferRequest{IdempotencyKey: trKey, FromAccountID: a.ID, ToAccountID: a2.ID, Amount: dec("10.00"), Currency: financedb.CurrencyUSD})
	if err != nil {
		t.Fatal(err)
	}
	trB, err := finance.Transfer(ctx, store, finance.TransferRequest{IdempotencyKey: trKey, FromAccountID: b.ID, ToAccountID: b2.ID, Amount: dec("7.00"), Currency: financedb.CurrencyUSD})
	if err != nil || trB.ID == trA.ID || trB.UserID != b.UserID || !trB.Amount.Equal(dec("7.00")) {
		t.Fatalf("B's transfer with A's key = %+v, %v; want a transfer of its own", trB, err)
	}
	// B's replay returns B's transfer; B's other request with the key is
	// refused as B's own reuse.
	again, err := finance.Transfer(ctx, store, finance.TransferRequest{IdempotencyKey: trKey, FromAccountID: b.ID, ToAccountID: b2.ID, Amount: dec("7.00"), Currency: financedb.CurrencyUSD})
	if err != nil || again.ID != trB.ID {
		t.Errorf("B's replay = %+v, %v; want %s", again, err, trB.ID)
	}
	if _, err := finance.Transfer(ctx, store, finance.TransferRequest{IdempotencyKey: trKey, FromAccountID: b.ID, ToAccountID: b2.ID, Amount: dec("8.00"), Currency: financedb.CurrencyUSD}); !errors.Is(err, finance.ErrKeyReused) {
		t.Errorf("B's other request with its own key: %v, want ErrKeyReused", err)
	}
	// A refused request (more than the account holds) of a third user
	// with a key A and B used is refused for itself, neither answered
	// with their transactions nor refused as a reuse.
	if _, err := finance.Transfer(ctx, store, finance.TransferRequest{IdempotencyKey: shared, FromAccountID: b2.ID, ToAccountID: b.ID, Amount: dec("1000.00"), Currency: financedb.CurrencyUSD}); !errors.Is(err, finance.ErrInsufficientFunds) {
		t.Errorf("B's overdraft with A's key: %v, want ErrInsufficientFunds", err)
	}
	for id, want := range map[uuid.UUID]string{a.ID: "40.00", a2.ID: "10.00", b.ID: "43.00", b2.ID: "7.00"} {
		if bal := balance(t, ctx, store, id); !bal.Equal(dec(want)) {
			t.Errorf("balance of %s = %s, want %s", id, bal, want)
		}
	}
	checkBooks(t, ctx, store)
}

// TestReplayRace sends one new transfer from many goroutines at once:
// exactly one records it, every call returns that transaction.
func TestReplayRace(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	store := openStore(t, runtime.Config{MaxConns: 8})
	from := newAccount(t, ctx, store, "from", financedb.CurrencyUSD)
	to := newAccount(t, ctx, store, "to", financedb.CurrencyUSD)
	if _, err := finance.Deposit(ctx, store, finance.DepositRequest{IdempotencyKey: key(), AccountID: from.ID, Amount: dec("10"), Currency: financedb.CurrencyUSD}); err != nil {
		t.Fatal(err)
	}
	for round := range 10 {
		req := finance.TransferRequest{IdempotencyKey: key(), FromAccountID: from.ID, ToAccountID: to.ID, Amount: dec("0.50"), Currency: financedb.CurrencyUSD}
		const callers = 8
		ids := make([]uuid.UUID, callers)
		errs := make([]error, callers)
		var wg sync.WaitGroup
		for i := range callers {
			wg.Go(func() {
				tr, err := finance.Transfer(ctx, store, req)
				ids[i], errs[i] = tr.ID, err
			})
		}
		wg.Wait()
		for i := range callers {
			if errs[i] != nil || ids[i] != ids[0] {
				t.Fatalf("round %d, caller %d: %v, %v; want transaction %v", round, i, ids[i], errs[i], ids[0])
			}
		}
	}
	if b := balance(t, ctx, store, to.ID); !b.Equal(dec("5.00")) {
		t.Errorf("balance = %s after 10 transfers of 0.50, each sent 8 times; want 5.00", b)
	}
	checkBooks(t, ctx, store)
}

// TestInvariants is the acceptance test of the bank: 20 goroutines make
// 5,000 random transfers among 50 accounts, seeded with deposits, with
// random deposits and withdrawals in between, all at SERIALIZABLE with
// retries. Afterwards no balance is negative, the balances sum to the
// deposits minus the withdrawals, every transfer has two ledger entries
// summing to zero, each balance is what the successful movements make
// it, and replaying transfers with their idempotency keys changes nothing.
func TestInvariants(t *testing.T) {
	t.Parallel()
	const (
		accounts  = 50
		workers   = 20
		transfers = 5000
		// pool is the number of connections the workers share. More
		// concurrent serializable transactions on 50 accounts mostly add
		// conflicts: measured on 2 shared cores, 8 connections make the 5,000
		// transfers in 4 to 6s with about 1,800 retries, 20 in about 6s
		// with about 4,100, 4 in about 4.5s with about 800.
		pool = 8
	)
	ctx := testContext(t)
	retries := &retryCounter{}
	store := openStore(t, runtime.Config{MaxConns: pool, Observers: []runtime.Observer{retries}})

	// 10 users with 5 USD accounts each, 1,000.00 deposited into each.
	ids := make([]uuid.UUID, 0, accounts)
	for u := range accounts / 5 {
		user, err := store.Users.Create(ctx, financedb.NewUser{Email: fmt.Sprintf("user%d@example.com", u), Name: fmt.Sprintf("User %d", u)})
		if err != nil {
			t.Fatal(err)
		}
		for a := range 5 {
			acc, err := store.Accounts.Create(ctx, financedb.NewAccount{UserID: user.ID, Name: fmt.Sprintf("account %d", a), Currency: financedb.CurrencyUSD})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := finance.Deposit(ctx, store, finance.DepositRequest{IdempotencyKey: key(), AccountID: acc.ID, Amount: dec("1000.00"), Currency: financedb.CurrencyUSD}); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, acc.ID)
		}
	}

	// Each worker takes transfers from a shared counter until 5,000 are
	// made; every tenth operation of a worker is also a deposit or a
	// withdrawal. Expected balances follow the movements that succeed.
	var (
		next                         atomic.Int64
		done, refusedFunds, deposits atomic.Int64
		withdrawals, refusedOther    atomic.Int64
		mu                           sync.Mutex
		want                         = map[uuid.UUID]decimal.Decimal{}
		made                         []finance.TransferRequest
	)
	for _, id := range ids {
		want[id] = dec("1000.00")
	}
	amount := func(r *rand.Rand, max int) decimal.Decimal { return decimal.New(int64(1+r.IntN(max*100)), -2) }
	start := time.Now()
	var wg sync.WaitGroup
	failed := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 42))
			for n := 0; next.Add(1) <= transfers; n++ {
				from, to := ids[r.IntN(accounts)], ids[r.IntN(accounts)]
				for to == from {
					to = ids[r.IntN(accounts)]
				}
				req := finance.TransferRequest{IdempotencyKey: key(), FromAccountID: from, ToAccountID: to, Amount: amount(r, 300), Currency: financedb.CurrencyUSD}
				_, err := finance.Transfer(ctx, store, req)
				switch {
				case err == nil:
					done.Add(1)
					mu.Lock()
					want[from] = want[from].Sub(req.Amount)
					want[to] = want[to].Add(req.Amount)
					made = append(made, req)
					mu.Unlock()
				case errors.Is(err, finance.ErrInsufficientFunds):
					refusedFunds.Add(1)
				default:
					failed <- fmt.Errorf("transfer %s → %s of %s: %w", from, to, req.Amount, err)
					return
				}
				if n%10 != 9 {
					continue
				}
				acc := ids[r.IntN(accounts)]
				if r.IntN(2) == 0 {
					dreq := finance.DepositRequest{IdempotencyKey: key(), AccountID: acc, Amount: amount(r, 100), Currency: financedb.CurrencyUSD}
					if _, err := finance.Deposit(ctx, store, dreq); err != nil {
						failed <- fmt.Errorf("deposit: %w", err)
						return
					}
					deposits.Add(1)
					mu.Lock()
					want[acc] = want[acc].Add(dreq.Amount)
					mu.Unlock()
					continue
				}
				wreq := finance.WithdrawRequest{IdempotencyKey: key(), AccountID: acc, Amount: amount(r, 100), Currency: financedb.CurrencyUSD}
				switch _, err := finance.Withdraw(ctx, store, wreq); {
				case err == nil:
					withdrawals.Add(1)
					mu.Lock()
					want[acc] = want[acc].Sub(wreq.Amount)
					mu.Unlock()
				case errors.Is(err, finance.ErrInsufficientFunds):
					refusedOther.Add(1)
				default:
					failed <- fmt.Errorf("withdrawal: %w", err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(failed)
	for err := range failed {
		t.Error(err)
	}
	if t.Failed() {
		t.FailNow()
	}
	elapsed := time.Since(start)
	t.Logf("%d transfers in %v with %d workers (%d connections) on %d accounts: %d done, %d refused for insufficient funds; %d deposits and %d withdrawals besides (%d refused); %d attempts retried after serialization failures or deadlocks",
		transfers, elapsed.Round(time.Millisecond), workers, pool, accounts, done.Load(), refusedFunds.Load(), deposits.Load(), withdrawals.Load(), refusedOther.Load(), retries.n.Load())
	if done.Load() == 0 || done.Load()+refusedFunds.Load() != transfers {
		t.Fatalf("%d done + %d refused, want %d transfers", done.Load(), refusedFunds.Load(), transfers)
	}

	checkBooks(t, ctx, store)
	all, err := store.Accounts.FindByIDs(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range all {
		if !a.Balance.Equal(want[a.ID]) {
			t.Errorf("account %s: balance %s, the successful movements make it %s", a.ID, a.Balance, want[a.ID])
		}
	}
	byKind, err := store.Transactions.TotalsByKind(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range byKind {
		if k.Kind == financedb.TransactionKindTransfer && k.Transactions != done.Load() {
			t.Errorf("%d transfers recorded, %d succeeded", k.Transactions, done.Load())
		}
	}

	// Replays: 500 of the transfers made, sent again by 20 goroutines,
	// change nothing, not even a version.
	before := snapshot(t, ctx, store)
	var replayed atomic.Int64
	for w := range workers {
		wg.Go(func() {
			for i := w; i < min(len(made), 500); i += workers {
				if _, err := finance.Transfer(ctx, store, made[i]); err != nil {
					t.Errorf("replay of %s: %v", made[i].IdempotencyKey, err)
					return
				}
				replayed.Add(1)
			}
		})
	}
	wg.Wait()
	if after := snapshot(t, ctx, store); after != before {
		t.Errorf("replaying %d transfers changed the database:\nbefore: %s\nafter:  %s", replayed.Load(), before, after)
	}
}

// snapshot sums up what a replay must not change: every account's balance
// and version, and the number of transactions and ledger entries.
func snapshot(t *testing.T, ctx context.Context, store *financedb.Store) string {
	t.Helper()
	all, err := store.Accounts.FindAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	txs, err := store.Transactions.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := store.LedgerEntries.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s := fmt.Sprintf("%d transactions, %d entries;", txs, entries)
	for _, a := range all {
		s += fmt.Sprintf(" %s=%s@%d", a.ID.String()[:8], a.Balance, a.Version)
	}
	return s
}
