package runtime

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The types below give a connection that DB acquired itself (to honor
// AcquireTimeout) back to the pool at the same moments pgxpool does for
// its own methods.

// heldConn is the connection a value below holds until it gives it back.
type heldConn struct {
	conn *pgxpool.Conn
}

// release gives the connection back to the pool, once.
func (h *heldConn) release() {
	if h.conn != nil {
		h.conn.Release()
		h.conn = nil
	}
}

// releasingRows releases its connection when closed or read to the end.
type releasingRows struct {
	pgx.Rows
	heldConn
}

func (r *releasingRows) Close() {
	r.Rows.Close()
	r.release()
}

func (r *releasingRows) Next() bool {
	if r.Rows.Next() {
		return true
	}
	r.Close()
	return false
}

func (r *releasingRows) Scan(dest ...any) error {
	err := r.Rows.Scan(dest...)
	if err != nil {
		r.Close()
	}
	return err
}

func (r *releasingRows) Values() ([]any, error) {
	v, err := r.Rows.Values()
	if err != nil {
		r.Close()
	}
	return v, err
}

// releasingRow releases its connection after Scan, even if Scan panics.
type releasingRow struct {
	row pgx.Row
	heldConn
}

func (r *releasingRow) Scan(dest ...any) error {
	defer r.release()
	return r.row.Scan(dest...)
}

// releasingBatch releases its connection when closed, unless the batch
// began a transaction, which then owns the connection.
type releasingBatch struct {
	pgx.BatchResults
	heldConn
	tx *releasingTx
}

func (b *releasingBatch) Close() error {
	err := b.BatchResults.Close()
	b.release()
	return err
}

func (b *releasingBatch) Tx() pgx.Tx {
	if b.tx == nil {
		return nil
	}
	return b.tx
}

// releasingTx releases its connection when the transaction ends.
type releasingTx struct {
	pgx.Tx
	heldConn
}

func (t *releasingTx) Commit(ctx context.Context) error {
	err := t.Tx.Commit(ctx)
	t.release()
	return err
}

func (t *releasingTx) Rollback(ctx context.Context) error {
	err := t.Tx.Rollback(ctx)
	t.release()
	return err
}

// errRows is the pgx.Rows of a query that could not start.
type errRows struct{ err error }

func (errRows) Close()                                       {}
func (e errRows) Err() error                                 { return e.err }
func (errRows) CommandTag() pgconn.CommandTag                { return pgconn.CommandTag{} }
func (errRows) FieldDescriptions() []pgconn.FieldDescription { return nil }
func (errRows) Next() bool                                   { return false }
func (e errRows) Scan(...any) error                          { return e.err }
func (e errRows) Values() ([]any, error)                     { return nil, e.err }
func (errRows) RawValues() [][]byte                          { return nil }
func (errRows) Conn() *pgx.Conn                              { return nil }
func (errRows) TypeMap() *pgtype.Map                         { return nil }

// errRow is the pgx.Row of a query that could not start.
type errRow struct{ err error }

func (e errRow) Scan(...any) error { return e.err }
