//go:build soak

package finance_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/examples/finance"
	"github.com/cpcgen/cpcgen/examples/finance/financedb"
	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// TestSoak runs mixed reads and writes of the bank from 32 goroutines for
// CPCGEN_SOAK_DURATION (default 2m) against a durable server that is
// restarted twice along the way, then checks that no acknowledged write
// was lost and that the books balance. Run it with scripts/soak.sh; it is
// behind the soak build tag because it takes minutes.
func TestSoak(t *testing.T) {
	duration := 2 * time.Minute
	if s := os.Getenv("CPCGEN_SOAK_DURATION"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			t.Fatalf("CPCGEN_SOAK_DURATION: %v", err)
		}
		duration = d
	}
	const (
		workers  = 32
		users    = 10
		accounts = 50
		restarts = 2
	)
	ctx := context.Background()
	cluster, err := pgtest.Start(ctx, pgtest.Options{Durable: true, Settings: map[string]string{"max_connections": "100"}})
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	if err := cluster.CreateDatabase(ctx, "bank", ""); err != nil {
		t.Fatal(err)
	}
	db, store := openBank(t, ctx, runtime.Config{URL: cluster.URL("bank"), MaxConns: 16, ConnectTimeout: 2 * time.Second, Metrics: true})
	defer db.Close()
	userIDs, ids := openAccounts(t, ctx, store, "Soak", users, accounts/users, "5000.00")

	type acked struct {
		key  string
		id   uuid.UUID
		user uuid.UUID
		req  any
	}
	var (
		mu        sync.Mutex
		acks      []acked
		ops       = map[string]*atomic.Int64{}
		errKinds  = map[string]*atomic.Int64{}
		unexpectd atomic.Value
		stop      atomic.Bool
		wg        sync.WaitGroup
	)
	for _, op := range []string{"transfer", "deposit", "withdraw", "history", "balance", "find", "refused"} {
		ops[op] = &atomic.Int64{}
	}
	countErr := func(err error) {
		k := runtime.KindOf(err).String()
		mu.Lock()
		c := errKinds[k]
		if c == nil {
			c = &atomic.Int64{}
			errKinds[k] = c
		}
		mu.Unlock()
		c.Add(1)
		if runtime.KindOf(err) != runtime.KindConnection {
			unexpectd.Store(err)
		}
	}
	// moved counts a transfer or a withdrawal (op): acknowledged ones are
	// kept for the check, a refusal for insufficient funds is expected.
	moved := func(op, key string, req any, tx financedb.Transaction, err error) {
		switch {
		case err == nil:
			ops[op].Add(1)
			mu.Lock()
			acks = append(acks, acked{key, tx.ID, tx.UserID, req})
			mu.Unlock()
		case errors.Is(err, finance.ErrInsufficientFunds):
			ops["refused"].Add(1)
		default:
			countErr(err)
		}
	}
	amount := func(r *rand.Rand, max int) decimal.Decimal { return decimal.New(int64(1+r.IntN(max*100)), -2) }
	for w := range workers {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 7))
			for !stop.Load() {
				switch p := r.IntN(10); {
				case p < 5:
					from, to := ids[r.IntN(accounts)], ids[r.IntN(accounts)]
					if from == to {
						continue
					}
					req := finance.TransferRequest{IdempotencyKey: key(), FromAccountID: from, ToAccountID: to, Amount: amount(r, 200), Currency: financedb.CurrencyEUR}
					tx, err := finance.Transfer(ctx, store, req)
					moved("transfer", req.IdempotencyKey, req, tx, err)
				case p < 6:
					req := finance.DepositRequest{IdempotencyKey: key(), AccountID: ids[r.IntN(accounts)], Amount: amount(r, 50), Currency: financedb.CurrencyEUR}
					tx, err := finance.Deposit(ctx, store, req)
					if err != nil {
						countErr(err)
						continue
					}
					ops["deposit"].Add(1)
					mu.Lock()
					acks = append(acks, acked{req.IdempotencyKey, tx.ID, tx.UserID, req})
					mu.Unlock()
				case p < 7:
					req := finance.WithdrawRequest{IdempotencyKey: key(), AccountID: ids[r.IntN(accounts)], Amount: amount(r, 50), Currency: financedb.CurrencyEUR}
					tx, err := finance.Withdraw(ctx, store, req)
					moved("withdraw", req.IdempotencyKey, req, tx, err)
				case p < 8:
					if _, err := store.LedgerEntries.History(ctx, financedb.HistoryParams{UserID: userIDs[r.IntN(users)]}, runtime.PageArgs{Limit: 20}); err != nil {
						countErr(err)
						continue
					}
					ops["history"].Add(1)
				case p < 9:
					if _, err := store.Accounts.BalanceAsOf(ctx, ids[r.IntN(accounts)], time.Now()); err != nil {
						countErr(err)
						continue
					}
					ops["balance"].Add(1)
				default:
					if _, err := store.Accounts.FindByID(ctx, ids[r.IntN(accounts)]); err != nil {
						countErr(err)
						continue
					}
					ops["find"].Add(1)
				}
			}
		})
	}

	start := time.Now()
	for i := 1; i <= restarts; i++ {
		time.Sleep(duration / (restarts + 1))
		if err := cluster.Restart(ctx); err != nil {
			t.Fatalf("restart %d: %v", i, err)
		}
		t.Logf("server restarted at %v", time.Since(start).Round(time.Second))
	}
	time.Sleep(duration / (restarts + 1))
	stop.Store(true)
	wg.Wait()
	elapsed := time.Since(start)

	// No acknowledged write lost: each one is there with its ledger, and a
	// replay with its key returns it and moves nothing.
	var lost int
	for i, a := range acks {
		got, err := store.Transactions.ByIdempotencyKey(ctx, financedb.ByIdempotencyKeyParams{UserID: a.user, IdempotencyKey: a.key})
		if err != nil || got.ID != a.id {
			lost++
			continue
		}
		if i%20 != 0 {
			continue
		}
		var again financedb.Transaction
		switch req := a.req.(type) {
		case finance.TransferRequest:
			again, err = finance.Transfer(ctx, store, req)
		case finance.DepositRequest:
			again, err = finance.Deposit(ctx, store, req)
		case finance.WithdrawRequest:
			again, err = finance.Withdraw(ctx, store, req)
		}
		if err != nil || again.ID != a.id {
			t.Errorf("replay of %s: %v, transaction %s (was %s)", a.key, err, again.ID, a.id)
		}
	}
	checkBooks(t, ctx, store)

	var total int64
	var lines []string
	for op, c := range ops {
		total += c.Load()
		lines = append(lines, fmt.Sprintf("%s=%d", op, c.Load()))
	}
	sort.Strings(lines)
	var kinds []string
	for k, c := range errKinds {
		kinds = append(kinds, fmt.Sprintf("%s=%d", k, c.Load()))
	}
	sort.Strings(kinds)
	t.Logf("soak: %v, %d workers, %d restarts survived: %d operations (%v); errors by kind: %v; %d acknowledged writes, %d lost; books balanced: %v",
		elapsed.Round(time.Second), workers, restarts, total, lines, kinds, len(acks), lost, !t.Failed())
	if err, _ := unexpectd.Load().(error); err != nil {
		t.Errorf("an operation failed with kind %v: %v", runtime.KindOf(err), err)
	}
	if lost != 0 {
		t.Fatalf("%d acknowledged writes lost", lost)
	}
}
