package finance

import (
	"context"

	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/examples/finance/financedb"
)

// Books is what the reconciliation queries find. The books balance when
// Unbalanced and OutOfBalance are empty, and per currency no account is
// negative and the balances sum to Net.
type Books struct {
	// Unbalanced are the transactions whose ledger entries do not match
	// them.
	Unbalanced []financedb.UnbalancedRow
	// OutOfBalance are the accounts whose balance is not the sum of their
	// ledger entries.
	OutOfBalance []financedb.OutOfBalanceRow
	// Totals are the accounts' balances per currency.
	Totals []financedb.TotalsByCurrencyRow
	// Net is deposits minus withdrawals per currency: what the balances
	// of the currency must sum to, since transfers only move money
	// between accounts.
	Net map[financedb.Currency]decimal.Decimal
}

// ReadBooks runs the reconciliation queries of store.
func ReadBooks(ctx context.Context, store *financedb.Store) (Books, error) {
	var b Books
	var err error
	if b.Unbalanced, err = store.Transactions.Unbalanced(ctx); err != nil {
		return Books{}, err
	}
	if b.OutOfBalance, err = store.Accounts.OutOfBalance(ctx); err != nil {
		return Books{}, err
	}
	if b.Totals, err = store.Accounts.TotalsByCurrency(ctx); err != nil {
		return Books{}, err
	}
	kinds, err := store.Transactions.TotalsByKind(ctx)
	if err != nil {
		return Books{}, err
	}
	b.Net = map[financedb.Currency]decimal.Decimal{}
	for _, k := range kinds {
		switch k.Kind {
		case financedb.TransactionKindDeposit:
			b.Net[k.Currency] = b.Net[k.Currency].Add(k.Total)
		case financedb.TransactionKindWithdrawal:
			b.Net[k.Currency] = b.Net[k.Currency].Sub(k.Total)
		}
	}
	return b, nil
}
