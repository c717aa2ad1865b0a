package finance

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/examples/finance/financedb"
	"github.com/cpcgen/cpcgen/runtime"
)

// The retry bounds of every money movement. Deposit, Withdraw and Transfer
// each run in one SERIALIZABLE transaction; when PostgreSQL aborts it with
// a serialization failure or a deadlock (which it does when concurrent
// movements touch the same accounts), the whole transaction runs again
// after a random wait of up to MinBackoff·2^(n-1), capped at MaxBackoff,
// at most MaxAttempts times in all. When they run out, the error has kind
// runtime.KindSerialization (or KindDeadlock), nothing was recorded, and
// the request can be sent again with the same idempotency key.
const (
	MaxAttempts = 20
	MinBackoff  = time.Millisecond
	MaxBackoff  = 100 * time.Millisecond
)

// txOptions are the options of every movement's transaction.
//
// A serializable transaction's reads take predicate locks: on the rows
// read through an index, but on the whole table for a sequential scan,
// which makes the transaction conflict with every concurrent writer of
// the table. PostgreSQL prefers sequential scans on small tables (a few
// dozen accounts fit in one page), also in the foreign key checks of the
// inserts, so each movement would conflict with every other one and most
// would be retried. Turning sequential scans off for the transaction, as
// PostgreSQL's documentation suggests for serializable workloads, keeps
// the conflicts to movements that share an account.
var txOptions = runtime.TxOptions{
	Isolation:   pgx.Serializable,
	MaxAttempts: MaxAttempts,
	MinBackoff:  MinBackoff,
	MaxBackoff:  MaxBackoff,
	Settings:    map[string]string{"enable_seqscan": "off"},
}

// The reasons a movement is refused. Each comes wrapped in a
// *runtime.DbError: ErrInsufficientFunds, ErrCurrencyMismatch,
// ErrSameAccount and ErrAmountPrecision with kind runtime.KindValidation
// (also matching runtime.ErrValidation, with the field in Fields),
// ErrKeyReused with kind runtime.KindConflict. A refused movement records
// nothing, so a later request with the same key is judged afresh.
var (
	// ErrInsufficientFunds: the account debited holds less than the
	// amount.
	ErrInsufficientFunds = errors.New("insufficient funds")
	// ErrCurrencyMismatch: an account's currency is not the request's.
	ErrCurrencyMismatch = errors.New("currency mismatch")
	// ErrSameAccount: a transfer from an account to itself.
	ErrSameAccount = errors.New("same account")
	// ErrAmountPrecision: an amount finer than the currency's minor unit
	// (a cent; a whole yen).
	ErrAmountPrecision = errors.New("amount finer than the currency's minor unit")
	// ErrKeyReused: the idempotency key was used before, by the same
	// user, for a request with another kind, account, amount or currency.
	ErrKeyReused = errors.New("idempotency key already used for a different request")
)

// TransferRequest asks to move Amount from one account to another of the
// same currency.
type TransferRequest struct {
	// IdempotencyKey identifies the request among the user's: sent again
	// (after a timeout, say), it returns the transaction the first one
	// recorded and changes nothing. 8 to 64 characters, chosen by the
	// client; the same key of another user is another request.
	IdempotencyKey string
	FromAccountID  uuid.UUID
	ToAccountID    uuid.UUID
	// Amount is positive, in whole minor units of Currency.
	Amount decimal.Decimal
	// Currency must be the currency of both accounts.
	Currency   financedb.Currency
	Memo       *string
	CategoryID *int32
}

// DepositRequest asks to put Amount into an account from outside the bank.
type DepositRequest struct {
	// IdempotencyKey: see TransferRequest.
	IdempotencyKey string
	AccountID      uuid.UUID
	Amount         decimal.Decimal
	Currency       financedb.Currency
	Memo           *string
	CategoryID     *int32
}

// WithdrawRequest asks to take Amount out of an account, out of the bank.
type WithdrawRequest struct {
	// IdempotencyKey: see TransferRequest.
	IdempotencyKey string
	AccountID      uuid.UUID
	Amount         decimal.Decimal
	Currency       financedb.Currency
	Memo           *string
	CategoryID     *int32
}

// Transfer moves req.Amount from req.FromAccountID to req.ToAccountID and
// returns the transaction recorded: a row of transactions of kind
// transfer, owned by the user of the account debited, and two ledger
// entries, -Amount on the account debited and +Amount on the account
// credited, which sum to zero. Both balances change with their
// optimistic-lock versions checked, in account id order.
//
// It is idempotent by req.IdempotencyKey, per user: when a transaction of
// the same user (the owner of the account debited) with that key exists
// (also one a concurrent call just recorded), Transfer returns it and
// changes nothing, or fails with ErrKeyReused when it is not the same
// request. Another user's transaction with the same key is neither
// returned nor in the way: keys are unique per user, so a key says
// nothing of other users' requests. It refuses a transfer to the same account (ErrSameAccount),
// between accounts of other currencies than req.Currency
// (ErrCurrencyMismatch), over the balance of the account debited
// (ErrInsufficientFunds) or finer than the currency's minor unit
// (ErrAmountPrecision); the generated validation of the transaction
// refuses non-positive amounts and bad keys. A missing account is
// runtime.ErrNotFound.
//
// Everything runs in one SERIALIZABLE transaction of store, retried as
// MaxAttempts, MinBackoff and MaxBackoff say.
func Transfer(ctx context.Context, store *financedb.Store, req TransferRequest) (financedb.Transaction, error) {
	const op = "finance.Transfer"
	if req.FromAccountID == req.ToAccountID {
		return financedb.Transaction{}, refuse(op, ErrSameAccount, "to_account_id", "is the account to transfer from")
	}
	return move(ctx, store, movement{
		op: op, kind: financedb.TransactionKindTransfer, key: req.IdempotencyKey,
		from: &req.FromAccountID, to: &req.ToAccountID,
		amount: req.Amount, currency: req.Currency, memo: req.Memo, category: req.CategoryID,
	})
}

// Deposit puts req.Amount into req.AccountID: a transaction of kind
// deposit and one ledger entry of +Amount. Like Transfer, it is idempotent
// by key, checks the currency and the amount's precision, and runs in one
// SERIALIZABLE transaction with retries.
func Deposit(ctx context.Context, store *financedb.Store, req DepositRequest) (financedb.Transaction, error) {
	return move(ctx, store, movement{
		op: "finance.Deposit", kind: financedb.TransactionKindDeposit, key: req.IdempotencyKey,
		to:     &req.AccountID,
		amount: req.Amount, currency: req.Currency, memo: req.Memo, category: req.CategoryID,
	})
}

// Withdraw takes req.Amount out of req.AccountID: a transaction of kind
// withdrawal and one ledger entry of -Amount. It refuses to overdraw the
// account (ErrInsufficientFunds); otherwise it behaves like Deposit.
func Withdraw(ctx context.Context, store *financedb.Store, req WithdrawRequest) (financedb.Transaction, error) {
	return move(ctx, store, movement{
		op: "finance.Withdraw", kind: financedb.TransactionKindWithdrawal, key: req.IdempotencyKey,
		from:   &req.AccountID,
		amount: req.Amount, currency: req.Currency, memo: req.Memo, category: req.CategoryID,
	})
}

// MinorUnits returns the number of decimal places amounts of c may have:
// 0 for the yen, 2 for the others.
func MinorUnits(c financedb.Currency) int32 {
	if c == financedb.CurrencyJPY {
		return 0
	}
	return 2
}

// movement is a deposit (to only), a withdrawal (from only) or a transfer.
type movement struct {
	op       string
	kind     financedb.TransactionKind
	key      string
	from, to *uuid.UUID
	amount   decimal.Decimal
	currency financedb.Currency
	memo     *string
	category *int32
}

// move records m in one serializable transaction, once per key. The
// currency's minor unit is checked first, then the transaction row's
// generated validation (kind, amount, currency, memo, key), before any
// SQL.
func move(ctx context.Context, store *financedb.Store, m movement) (financedb.Transaction, error) {
	if !m.amount.Equal(m.amount.Truncate(MinorUnits(m.currency))) {
		return financedb.Transaction{}, refuse(m.op, ErrAmountPrecision, "amount",
			fmt.Sprintf("has more than %d decimal places, the minor unit of %s", MinorUnits(m.currency), m.currency))
	}
	n := m.transaction(uuid.Nil) // the owner is known once the accounts are read
	if err := n.Validate(); err != nil {
		return financedb.Transaction{}, runtime.Wrap(err, m.op, "transactions")
	}
	var out financedb.Transaction
	err := store.InTxWith(ctx, txOptions, func(tx *financedb.Store) error {
		var err error
		out, err = m.record(ctx, tx)
		return err
	})
	switch {
	case errors.Is(err, errReplay):
		// The key was taken: the attempt rolled back what it had changed,
		// and out is the transaction recorded before.
		return m.replay(out)
	case err != nil:
		return financedb.Transaction{}, err
	}
	return out, nil
}

// errReplay ends an attempt that found its idempotency key taken, rolling
// back the balances it had changed.
var errReplay = errors.New("idempotency key taken")

// record is one attempt of move, inside its transaction. It returns the
// transaction recorded, or the one recorded before with the same key
// together with errReplay.
//
// The balances change before the rows that reference the accounts are
// inserted. The foreign key checks of those inserts lock the account rows
// FOR KEY SHARE; on a row this transaction has already updated that lock
// is implied, so concurrent movements of one account meet as plain update
// conflicts, which serializable transactions report as serialization
// failures and InTx retries. (Taken the other way round, the shared lock
// and the update of two transactions can meet in one multixact, which
// PostgreSQL 15 refuses with an internal error.)
func (m movement) record(ctx context.Context, tx *financedb.Store) (financedb.Transaction, error) {
	var ids []uuid.UUID
	for _, id := range []*uuid.UUID{m.from, m.to} {
		if id != nil {
			ids = append(ids, *id)
		}
	}
	accounts, err := tx.Accounts.FindByIDs(ctx, ids) // in id order, the order of the updates below
	if err != nil {
		return financedb.Transaction{}, err
	}
	if len(accounts) != len(ids) {
		for _, id := range ids {
			if !slices.ContainsFunc(accounts, func(a financedb.Account) bool { return a.ID == id }) {
				return financedb.Transaction{}, &runtime.DbError{Kind: runtime.KindNotFound, Op: m.op, Table: "accounts",
					Message: "no account with id " + id.String()}
			}
		}
	}
	owner := m.owner(accounts)
	if reason := m.refusal(accounts); reason != nil {
		// Not when it is a replay: the balances a movement left need not
		// allow it a second time.
		t, err := tx.Transactions.ByIdempotencyKey(ctx, financedb.ByIdempotencyKeyParams{UserID: owner, IdempotencyKey: m.key})
		switch {
		case err == nil:
			return t, errReplay
		case errors.Is(err, runtime.ErrNotFound):
			return financedb.Transaction{}, reason
		default:
			return financedb.Transaction{}, err
		}
	}

	entries := make([]financedb.NewLedgerEntry, 0, 2)
	for _, a := range accounts {
		delta := m.amount
		if m.from != nil && a.ID == *m.from {
			delta = m.amount.Neg()
		}
		if _, err := tx.Accounts.Update(ctx, a.ID, a.Version, financedb.AccountUpdate{
			Balance: runtime.Set(a.Balance.Add(delta)),
		}); err != nil {
			return financedb.Transaction{}, err
		}
		entries = append(entries, financedb.NewLedgerEntry{AccountID: a.ID, UserID: a.UserID, Kind: m.kind, Amount: delta})
	}
	t, created, err := tx.Transactions.CreateIfAbsentByUserIDAndIdempotencyKey(ctx, m.transaction(owner))
	if err != nil {
		return financedb.Transaction{}, err
	}
	if !created {
		return t, errReplay
	}
	for i := range entries {
		entries[i].TransactionID = t.ID
	}
	if _, err := tx.LedgerEntries.CreateMany(ctx, entries); err != nil {
		return financedb.Transaction{}, err
	}
	return t, nil
}

// owner returns the user m is recorded for, whose idempotency keys it
// shares: the owner of the account debited, or for a deposit, credited.
func (m movement) owner(accounts []financedb.Account) uuid.UUID {
	for _, a := range accounts {
		if m.from == nil || a.ID == *m.from {
			return a.UserID
		}
	}
	return uuid.Nil // record found every account of m
}

// transaction returns the row of transactions that records m, for the
// user owner.
func (m movement) transaction(owner uuid.UUID) financedb.NewTransaction {
	return financedb.NewTransaction{
		UserID: owner, Kind: m.kind, Amount: m.amount, Currency: m.currency,
		FromAccountID: runtime.NullFrom(m.from), ToAccountID: runtime.NullFrom(m.to),
		CategoryID: runtime.NullFrom(m.category), Memo: runtime.NullFrom(m.memo),
		IdempotencyKey: m.key,
	}
}

// refusal returns why m cannot be done on accounts, or nil.
func (m movement) refusal(accounts []financedb.Account) error {
	for _, a := range accounts {
		if a.Currency != m.currency {
			return refuse(m.op, ErrCurrencyMismatch, "currency", fmt.Sprintf("account %q holds %s, not %s", a.Name, a.Currency, m.currency))
		}
		if m.from != nil && a.ID == *m.from && a.Balance.LessThan(m.amount) {
			return refuse(m.op, ErrInsufficientFunds, "amount", fmt.Sprintf("account %q holds less than %s %s", a.Name, m.amount.StringFixed(MinorUnits(m.currency)), m.currency))
		}
	}
	return nil
}

// replay returns t, the transaction recorded before with m's key, if it
// records the same request, and an ErrKeyReused conflict otherwise.
func (m movement) replay(t financedb.Transaction) (financedb.Transaction, error) {
	if !m.sameAs(t) {
		return financedb.Transaction{}, &runtime.DbError{Kind: runtime.KindConflict, Op: m.op, Table: "transactions",
			Message: ErrKeyReused.Error(), Err: ErrKeyReused}
	}
	return t, nil
}

// sameAs reports whether t records the same request as m: kind, accounts,
// amount and currency.
func (m movement) sameAs(t financedb.Transaction) bool {
	return t.Kind == m.kind && t.Currency == m.currency && t.Amount.Equal(m.amount) &&
		t.FromAccountID == runtime.NullFrom(m.from) && t.ToAccountID == runtime.NullFrom(m.to)
}

// refuse returns the validation error of a refused movement: kind
// runtime.KindValidation, field and message in Fields, reason as the
// error it wraps.
func refuse(op string, reason error, field, msg string) error {
	err := runtime.NewValidationError(op, "", []runtime.FieldError{{Field: field, Message: reason.Error() + ": " + msg}})
	var e *runtime.DbError
	if errors.As(err, &e) {
		e.Err = reason
	}
	return err
}
