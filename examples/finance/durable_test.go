//go:build drill || soak

package finance_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/cpcgen/cpcgen/examples/finance"
	"github.com/cpcgen/cpcgen/examples/finance/financedb"
	"github.com/cpcgen/cpcgen/runtime"
)

// openBank opens the database cfg names and applies the migrations; the
// caller closes the DB (before it stops the server).
func openBank(t *testing.T, ctx context.Context, cfg runtime.Config) (*runtime.DB, *financedb.Store) {
	t.Helper()
	db, err := runtime.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := finance.Migrate(ctx, db); err != nil {
		db.Close()
		t.Fatal(err)
	}
	return db, financedb.NewStore(db)
}

// openAccounts creates users users named who (who0@example.com, …), each
// with perUser EUR accounts to which amount is deposited, and returns the
// users' ids and the accounts' ids.
func openAccounts(t *testing.T, ctx context.Context, store *financedb.Store, who string, users, perUser int, amount string) (userIDs, accountIDs []uuid.UUID) {
	t.Helper()
	for u := range users {
		user, err := store.Users.Create(ctx, financedb.NewUser{Email: fmt.Sprintf("%s%d@example.com", strings.ToLower(who), u), Name: fmt.Sprintf("%s %d", who, u)})
		if err != nil {
			t.Fatal(err)
		}
		userIDs = append(userIDs, user.ID)
		for a := range perUser {
			acc, err := store.Accounts.Create(ctx, financedb.NewAccount{UserID: user.ID, Name: fmt.Sprintf("a%d", a), Currency: financedb.CurrencyEUR})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := finance.Deposit(ctx, store, finance.DepositRequest{IdempotencyKey: key(), AccountID: acc.ID, Amount: dec(amount), Currency: financedb.CurrencyEUR}); err != nil {
				t.Fatal(err)
			}
			accountIDs = append(accountIDs, acc.ID)
		}
	}
	return userIDs, accountIDs
}
