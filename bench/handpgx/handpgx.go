// Package handpgx is the reference of the benchmarks: repositories for the
// benchmark tables written by hand over pgx/v5 as a pgx expert writes a hot
// path. Every call is one round trip of a constant statement that pgx
// prepares once per connection and then runs in the binary format
// (QueryExecModeCacheStatement, pgx's default); rows are scanned straight
// into the result; the result slice of a query with a limit is allocated
// once at that size; bulk inserts use COPY from a row buffer that
// allocates nothing per row; Update names only the columns it changes.
//
// What pgx cannot avoid allocating is left to pgx. What the calling code
// would allocate is not allocated:
//
//   - pgx takes arguments and scan destinations as ...any and hands them on
//     through interfaces, so a value boxed into an any escapes (one
//     allocation per uuid, decimal or string argument), and so do the
//     argument and destination slices (one each). Each method instead
//     keeps its arguments, their any slots and the scan destinations in
//     one call struct (one allocation per call); the slots hold pointers
//     into it, and storing a pointer in an any allocates nothing.
//   - strings travel as *pgtype.Text, which pgx encodes through
//     pgtype.TextValuer without copying; a *string argument is
//     dereferenced by reflection and boxed again (one allocation).
//   - the nullable text column memo is scanned into a pgtype.Text: a
//     non-NULL memo costs its string only, where a *string costs a
//     second allocation for the pointer and NULL nothing in both.
//   - a query scans every row through the same destination slots,
//     re-aimed at the row's element of the result.
//
// The pool is expected to have the runtime's binary codecs for uuid and
// numeric registered (runtime.AfterConnect), as the generated code has:
// the comparison is about the code, not the codecs.
package handpgx

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"
)

// Transaction is one row of table transactions. Memo is NULL when
// Memo.Valid is false.
type Transaction struct {
	ID        uuid.UUID
	UserID    uuid.UUID
	Amount    decimal.Decimal
	Currency  string
	Status    string
	Memo      pgtype.Text
	CreatedAt time.Time
}

// NewTransaction holds the values of a new transaction; the database
// sets id and created_at. A nil Memo is NULL.
type NewTransaction struct {
	UserID   uuid.UUID
	Amount   decimal.Decimal
	Currency string
	Status   string
	Memo     *string
}

// ErrNotFound is returned when no row matches.
var ErrNotFound = errors.New("not found")

// Repo reads and writes the benchmark tables.
type Repo struct {
	Pool *pgxpool.Pool
}

const txColumns = `id, user_id, amount, currency, status, memo, created_at`

// txDest holds the scan destinations of a transactions row.
type txDest [7]any

// aim points the destinations at the fields of t and returns them.
func (d *txDest) aim(t *Transaction) []any {
	*d = txDest{&t.ID, &t.UserID, &t.Amount, &t.Currency, &t.Status, &t.Memo, &t.CreatedAt}
	return d[:]
}

// text returns s as a non-NULL text argument.
func text(s string) pgtype.Text { return pgtype.Text{String: s, Valid: true} }

// nullText returns *p as a text argument, NULL when p is nil.
func nullText(p *string) pgtype.Text {
	if p == nil {
		return pgtype.Text{}
	}
	return pgtype.Text{String: *p, Valid: true}
}

// insertCall is the memory of one INSERT of a transaction.
type insertCall struct {
	userID                 uuid.UUID
	amount                 decimal.Decimal
	currency, status, memo pgtype.Text
	args                   [5]any
	row                    Transaction
	dest                   txDest
}

// set copies n into the call and returns the arguments of sqlCreate.
func (c *insertCall) set(n *NewTransaction) []any {
	c.userID, c.amount = n.UserID, n.Amount
	c.currency, c.status, c.memo = text(n.Currency), text(n.Status), nullText(n.Memo)
	c.args = [5]any{&c.userID, &c.amount, &c.currency, &c.status, &c.memo}
	return c.args[:]
}

const sqlCreate = `INSERT INTO transactions (user_id, amount, currency, status, memo) VALUES ($1, $2, $3, $4, $5) RETURNING ` + txColumns

// Create inserts a transaction and returns it as stored.
func (r *Repo) Create(ctx context.Context, n NewTransaction) (Transaction, error) {
	c := &insertCall{}
	err := r.Pool.QueryRow(ctx, sqlCreate, c.set(&n)...).Scan(c.dest.aim(&c.row)...)
	return c.row, err
}

// idCall is the memory of a statement whose one argument is an id.
type idCall struct {
	id   uuid.UUID
	args [1]any
	row  Transaction
	dest txDest
}

func newIDCall(id uuid.UUID) *idCall {
	c := &idCall{id: id}
	c.args[0] = &c.id
	return c
}

const sqlFindByID = `SELECT ` + txColumns + ` FROM transactions WHERE id = $1`

// FindByID returns the transaction with the given id, or ErrNotFound.
func (r *Repo) FindByID(ctx context.Context, id uuid.UUID) (Transaction, error) {
	c := newIDCall(id)
	err := r.Pool.QueryRow(ctx, sqlFindByID, c.args[:]...).Scan(c.dest.aim(&c.row)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return Transaction{}, ErrNotFound
	}
	return c.row, err
}

// updateCall is the memory of one UPDATE of status and amount.
type updateCall struct {
	id     uuid.UUID
	status pgtype.Text
	amount decimal.Decimal
	args   [3]any
	row    Transaction
	dest   txDest
}

const sqlUpdateStatusAmount = `UPDATE transactions SET status = $2, amount = $3 WHERE id = $1 RETURNING ` + txColumns

// UpdateStatusAmount sets the status and amount of a transaction, and
// nothing else, and returns it as stored, or ErrNotFound.
func (r *Repo) UpdateStatusAmount(ctx context.Context, id uuid.UUID, status string, amount decimal.Decimal) (Transaction, error) {
	c := &updateCall{id: id, status: text(status), amount: amount}
	c.args = [3]any{&c.id, &c.status, &c.amount}
	err := r.Pool.QueryRow(ctx, sqlUpdateStatusAmount, c.args[:]...).Scan(c.dest.aim(&c.row)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return Transaction{}, ErrNotFound
	}
	return c.row, err
}

// queryCall is the memory of a query of a user's transactions.
type queryCall struct {
	userID uuid.UUID
	min    decimal.Decimal
	args   [2]any
	dest   txDest
}

const sqlRecentForUser = `SELECT ` + txColumns + ` FROM transactions WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`

// RecentForUser returns up to limit transactions of a user, newest first.
func (r *Repo) RecentForUser(ctx context.Context, userID uuid.UUID, limit int) ([]Transaction, error) {
	c := &queryCall{userID: userID}
	// An int below 256 is boxed without allocating (Go keeps those
	// values); a *int would be dereferenced by reflection, which does.
	c.args = [2]any{&c.userID, limit}
	rows, err := r.Pool.Query(ctx, sqlRecentForUser, c.args[:]...)
	return c.collect(rows, err, limit)
}

const sqlLargeForUser = `SELECT ` + txColumns + ` FROM transactions WHERE user_id = $1 AND amount >= $2 ORDER BY created_at DESC, id DESC`

// LargeForUser returns the transactions of a user with at least an
// amount, newest first. The number of rows is not known in advance, so
// the result grows as append grows it.
func (r *Repo) LargeForUser(ctx context.Context, userID uuid.UUID, min decimal.Decimal) ([]Transaction, error) {
	c := &queryCall{userID: userID, min: min}
	c.args = [2]any{&c.userID, &c.min}
	rows, err := r.Pool.Query(ctx, sqlLargeForUser, c.args[:]...)
	return c.collect(rows, err, 0)
}

// collect scans every row of rows, the result of Query, into a slice with
// room for capacity rows (none when 0), through the call's destinations.
func (c *queryCall) collect(rows pgx.Rows, err error, capacity int) ([]Transaction, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Transaction
	if capacity > 0 {
		out = make([]Transaction, 0, capacity)
	}
	for rows.Next() {
		out = append(out, Transaction{})
		if err := rows.Scan(c.dest.aim(&out[len(out)-1])...); err != nil {
			return nil, err
		}
	}
	return out, rows.Err()
}

// copyRow is the row CopyFrom encodes: every value of a source row is
// copied into it, and the source hands pgx the same pointers to its
// fields for every row. pgx encodes *uuid.UUID and *decimal.Decimal
// with the runtime's codecs and *pgtype.Text through TextValuer, none of
// which allocates.
type copyRow struct {
	userID                 uuid.UUID
	amount                 decimal.Decimal
	currency, status, memo pgtype.Text
}

// copySource feeds NewTransaction rows to CopyFrom (pgx.CopyFromSource)
// without allocating per row.
type copySource struct {
	rows []NewTransaction
	i    int
	row  copyRow
	vals [5]any
}

func newCopySource(rows []NewTransaction) *copySource {
	s := &copySource{rows: rows, i: -1}
	s.vals = [5]any{&s.row.userID, &s.row.amount, &s.row.currency, &s.row.status, &s.row.memo}
	return s
}

// Next advances to the next row.
func (s *copySource) Next() bool { s.i++; return s.i < len(s.rows) }

// Values returns the current row; the slice and what it points to are
// reused for the next row.
func (s *copySource) Values() ([]any, error) {
	n := &s.rows[s.i]
	s.row = copyRow{userID: n.UserID, amount: n.Amount, currency: text(n.Currency), status: text(n.Status), memo: nullText(n.Memo)}
	// A NULL goes to pgx as nil, which it writes without planning an
	// encoder for the value.
	s.vals[4] = &s.row.memo
	if !s.row.memo.Valid {
		s.vals[4] = nil
	}
	return s.vals[:], nil
}

// Err reports no error: the rows are in memory.
func (s *copySource) Err() error { return nil }

// NewCopySource returns the row source CreateMany gives pgx's CopyFrom,
// for the tests and the client-side benchmarks of the COPY path.
func NewCopySource(rows []NewTransaction) pgx.CopyFromSource { return newCopySource(rows) }

var copyColumns = []string{"user_id", "amount", "currency", "status", "memo"}

var transactionsTable = pgx.Identifier{"transactions"}

// CreateMany inserts rows with COPY and returns how many it inserted.
func (r *Repo) CreateMany(ctx context.Context, rows []NewTransaction) (int64, error) {
	return r.Pool.CopyFrom(ctx, transactionsTable, copyColumns, newCopySource(rows))
}

const sqlDelete = `DELETE FROM transactions WHERE id = $1`

// Delete removes a transaction and reports whether there was one.
func (r *Repo) Delete(ctx context.Context, id uuid.UUID) (bool, error) {
	c := &struct {
		id   uuid.UUID
		args [1]any
	}{id: id}
	c.args[0] = &c.id
	tag, err := r.Pool.Exec(ctx, sqlDelete, c.args[:]...)
	return tag.RowsAffected() > 0, err
}

const sqlRenameUser = `UPDATE users SET name = $2 WHERE id = $1`

// transferCall is the memory of one Transfer: its two inserts and the
// rename.
type transferCall struct {
	debit, credit insertCall
	userID        uuid.UUID
	name          pgtype.Text
	renameArgs    [2]any
}

// Transfer records a debit and a credit and renames the user, in one
// transaction: three writes.
func (r *Repo) Transfer(ctx context.Context, debit, credit NewTransaction, name string) (Transaction, Transaction, error) {
	c := &transferCall{userID: debit.UserID, name: text(name)}
	c.renameArgs = [2]any{&c.userID, &c.name}
	err := pgx.BeginFunc(ctx, r.Pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, sqlCreate, c.debit.set(&debit)...).Scan(c.debit.dest.aim(&c.debit.row)...); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, sqlCreate, c.credit.set(&credit)...).Scan(c.credit.dest.aim(&c.credit.row)...); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, sqlRenameUser, c.renameArgs[:]...)
		if err == nil && tag.RowsAffected() != 1 {
			err = ErrNotFound
		}
		return err
	})
	if err != nil {
		return Transaction{}, Transaction{}, err
	}
	return c.debit.row, c.credit.row, nil
}
