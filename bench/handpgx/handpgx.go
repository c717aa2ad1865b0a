// Package handpgx is the reference of the benchmarks: repositories for the
// benchmark tables written by hand over pgx/v5, as fast as they can be
// written while staying ordinary code. Statements are constants, results
// are scanned directly into structs, slices are allocated once at their
// final size, bulk inserts use COPY, and partial updates name exactly the
// columns they change. The pool is expected to have the runtime's binary
// codecs for uuid and numeric registered (runtime.AfterConnect), as a
// careful hand-written application would.
package handpgx

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"
)

// User is one row of table users.
type User struct {
	ID        uuid.UUID
	Email     string
	Name      string
	CreatedAt time.Time
}

// Transaction is one row of table transactions.
type Transaction struct {
	ID        uuid.UUID
	UserID    uuid.UUID
	Amount    decimal.Decimal
	Currency  string
	Status    string
	Memo      *string
	CreatedAt time.Time
}

// NewTransaction holds the values of a new transaction; the database
// sets id and created_at.
type NewTransaction struct {
	UserID   uuid.UUID
	Amount   decimal.Decimal
	Currency string
	Status   string
	Memo     *string
}

// Repo reads and writes the benchmark tables.
type Repo struct {
	Pool *pgxpool.Pool
}

const txColumns = `id, user_id, amount, currency, status, memo, created_at`

func scanTransaction(row pgx.Row, t *Transaction) error {
	return row.Scan(&t.ID, &t.UserID, &t.Amount, &t.Currency, &t.Status, &t.Memo, &t.CreatedAt)
}

const sqlCreateUser = `INSERT INTO users (email, name) VALUES ($1, $2) RETURNING id, email, name, created_at`

// CreateUser inserts a user and returns it as stored.
func (r *Repo) CreateUser(ctx context.Context, email, name string) (User, error) {
	var u User
	err := r.Pool.QueryRow(ctx, sqlCreateUser, email, name).Scan(&u.ID, &u.Email, &u.Name, &u.CreatedAt)
	return u, err
}

const sqlCreate = `INSERT INTO transactions (user_id, amount, currency, status, memo) VALUES ($1, $2, $3, $4, $5) RETURNING ` + txColumns

// Create inserts a transaction and returns it as stored.
func (r *Repo) Create(ctx context.Context, n NewTransaction) (Transaction, error) {
	var t Transaction
	err := scanTransaction(r.Pool.QueryRow(ctx, sqlCreate, n.UserID, n.Amount, n.Currency, n.Status, n.Memo), &t)
	return t, err
}

const sqlFindByID = `SELECT ` + txColumns + ` FROM transactions WHERE id = $1`

// ErrNotFound is returned when no row matches.
var ErrNotFound = errors.New("not found")

// FindByID returns the transaction with the given id.
func (r *Repo) FindByID(ctx context.Context, id uuid.UUID) (Transaction, error) {
	var t Transaction
	err := scanTransaction(r.Pool.QueryRow(ctx, sqlFindByID, id), &t)
	if errors.Is(err, pgx.ErrNoRows) {
		return Transaction{}, ErrNotFound
	}
	return t, err
}

const sqlUpdateStatusAmount = `UPDATE transactions SET status = $2, amount = $3 WHERE id = $1 RETURNING ` + txColumns

// UpdateStatusAmount sets the status and amount of a transaction and
// returns it as stored.
func (r *Repo) UpdateStatusAmount(ctx context.Context, id uuid.UUID, status string, amount decimal.Decimal) (Transaction, error) {
	var t Transaction
	err := scanTransaction(r.Pool.QueryRow(ctx, sqlUpdateStatusAmount, id, status, amount), &t)
	if errors.Is(err, pgx.ErrNoRows) {
		return Transaction{}, ErrNotFound
	}
	return t, err
}

const sqlRecentForUser = `SELECT ` + txColumns + ` FROM transactions WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`

// RecentForUser returns up to limit transactions of a user, newest first.
func (r *Repo) RecentForUser(ctx context.Context, userID uuid.UUID, limit int) ([]Transaction, error) {
	return r.collect(ctx, limit, sqlRecentForUser, userID, limit)
}

const sqlLargeForUser = `SELECT ` + txColumns + ` FROM transactions WHERE user_id = $1 AND amount >= $2 ORDER BY created_at DESC, id DESC`

// LargeForUser returns the transactions of a user with at least an
// amount, newest first. The number of rows is not known in advance.
func (r *Repo) LargeForUser(ctx context.Context, userID uuid.UUID, min decimal.Decimal) ([]Transaction, error) {
	return r.collect(ctx, 0, sqlLargeForUser, userID, min)
}

// collect runs a query and scans its rows into a slice with room for
// limit rows (0 when unknown).
func (r *Repo) collect(ctx context.Context, limit int, sql string, args ...any) ([]Transaction, error) {
	rows, err := r.Pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Transaction
	if limit > 0 {
		out = make([]Transaction, 0, limit)
	}
	for rows.Next() {
		out = append(out, Transaction{})
		if err := scanTransaction(rows, &out[len(out)-1]); err != nil {
			return nil, err
		}
	}
	return out, rows.Err()
}

// copySource feeds NewTransaction rows to CopyFrom, reusing one values
// slice.
type copySource struct {
	rows []NewTransaction
	i    int
	vals [5]any
}

func (s *copySource) Next() bool { s.i++; return s.i < len(s.rows) }

func (s *copySource) Values() ([]any, error) {
	n := &s.rows[s.i]
	s.vals = [5]any{n.UserID, n.Amount, n.Currency, n.Status, n.Memo}
	return s.vals[:], nil
}

func (s *copySource) Err() error { return nil }

var copyColumns = []string{"user_id", "amount", "currency", "status", "memo"}

// CreateMany inserts rows with COPY and returns how many it inserted.
func (r *Repo) CreateMany(ctx context.Context, rows []NewTransaction) (int64, error) {
	return r.Pool.CopyFrom(ctx, pgx.Identifier{"transactions"}, copyColumns, &copySource{rows: rows, i: -1})
}

const sqlDelete = `DELETE FROM transactions WHERE id = $1`

// Delete removes a transaction and reports whether there was one.
func (r *Repo) Delete(ctx context.Context, id uuid.UUID) (bool, error) {
	tag, err := r.Pool.Exec(ctx, sqlDelete, id)
	return tag.RowsAffected() > 0, err
}

const sqlRenameUser = `UPDATE users SET name = $2 WHERE id = $1`

// Transfer records a debit and a credit and renames the user, in one
// transaction: three writes.
func (r *Repo) Transfer(ctx context.Context, debit, credit NewTransaction, name string) (Transaction, Transaction, error) {
	var d, c Transaction
	err := pgx.BeginFunc(ctx, r.Pool, func(tx pgx.Tx) error {
		if err := scanTransaction(tx.QueryRow(ctx, sqlCreate, debit.UserID, debit.Amount, debit.Currency, debit.Status, debit.Memo), &d); err != nil {
			return err
		}
		if err := scanTransaction(tx.QueryRow(ctx, sqlCreate, credit.UserID, credit.Amount, credit.Currency, credit.Status, credit.Memo), &c); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, sqlRenameUser, debit.UserID, name)
		if err == nil && tag.RowsAffected() != 1 {
			err = ErrNotFound
		}
		return err
	})
	return d, c, err
}
