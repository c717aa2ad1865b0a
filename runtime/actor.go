package runtime

import (
	"context"
	"fmt"

	"github.com/cpcgen/cpcgen/runtime/internal/firstrow"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// ActorSetting is the PostgreSQL setting the audit trigger of tables with
// audit: true reads the actor of a change from (the actor column of
// cpcgen_audit_log). ActingDB sets it, local to the transaction, before
// every statement.
const ActorSetting = "cpcgen.actor"

// setActorSQL sets ActorSetting for the rest of the current transaction
// (an implicit one, for a statement sent outside a transaction); ""
// records no actor.
const setActorSQL = "-- name: runtime.SetActor\nSELECT set_config('" + ActorSetting + "', $1, true)"

// ActingDB runs statements on behalf of the actor of a context
// (WithActor): each goes to the server in one pgx.Batch behind
// set_config('cpcgen.actor', <actor>, true), so that both run in one
// transaction (the batch's implicit one, or the caller's) and the audit
// trigger of every audited row they change, cascades included, records
// the actor. It costs no extra round trip. Without an actor the setting
// is sent empty, so that an actor set earlier in the same transaction is
// not carried over. Generated write methods of audited tables (and of
// tables whose deletes cascade into one) make one per call with Acting.
//
// The actor is what the application says: any statement on the app
// role can set the setting too. What the trigger records besides it —
// the row before and after, the tenant, the hash chain — comes from the
// database and cannot be forged by the app role.
type ActingDB struct {
	db    DBTX
	actor string
}

var _ DBTX = ActingDB{}

// Acting returns db running its statements as the actor of ctx.
func Acting(ctx context.Context, db DBTX) ActingDB {
	a, _ := ActorFrom(ctx)
	return ActingDB{db: db, actor: a}
}

// CursorKeys returns the cursor keys of the DBTX a runs on, or nil when
// it has none; see CursorKeysOf.
func (a ActingDB) CursorKeys() *CursorKeys { return ownCursorKeys(a.db) }

// MaxPageSize returns the maximum page size of the DBTX a runs on, or 0
// when it has none; see MaxPageSizeOf.
func (a ActingDB) MaxPageSize() int { return ownMaxPageSize(a.db) }

// Exec runs sql as the actor.
func (a ActingDB) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	return execPrefixed(ctx, a.db, prefixedBatch(setActorSQL, a.actor, sql, args))
}

// Query runs sql as the actor; closing the rows ends the batch.
func (a ActingDB) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	return queryPrefixed(ctx, a.db, prefixedBatch(setActorSQL, a.actor, sql, args))
}

// QueryRow runs sql as the actor; the row's Scan ends the batch.
func (a ActingDB) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	rows, err := a.Query(ctx, sql, args...)
	return firstrow.Row{Rows: rows, Err: err}
}

// SendBatch sends b behind the statement that sets the actor; the
// results are b's own.
func (a ActingDB) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	return sendPrefixed(ctx, a.db, setActorSQL, a.actor, b)
}

// BeginTx starts a transaction on the DBTX a runs on (a savepoint when
// that is a transaction) and sets the actor in it: every statement of
// the transaction runs as the actor. InTx uses it.
func (a ActingDB) BeginTx(ctx context.Context, opts pgx.TxOptions) (pgx.Tx, error) {
	var tx pgx.Tx
	var err error
	switch db := a.db.(type) {
	case pgx.Tx:
		tx, err = db.Begin(ctx)
	case beginner:
		tx, err = db.BeginTx(ctx, opts)
	default:
		return nil, &DbError{Kind: KindMisuse, Op: "runtime.Acting",
			Message: fmt.Sprintf("cannot begin a transaction on a %T: pass a *runtime.DB, *pgxpool.Pool, *pgxpool.Conn, *pgx.Conn or pgx.Tx", a.db)}
	}
	if err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, setActorSQL, a.actor); err != nil {
		rollback(ctx, tx)
		return nil, err
	}
	return tx, nil
}

// CopyFrom copies rows as the actor: COPY cannot share a batch, so it
// runs in a transaction of its own (a savepoint inside one) that sets
// the actor first. It is not retried: the rows are read once.
func (a ActingDB) CopyFrom(ctx context.Context, tableName pgx.Identifier, columnNames []string, rowSrc pgx.CopyFromSource) (int64, error) {
	var n int64
	err := InTx(ctx, a, TxOptions{MaxAttempts: 1}, func(tx pgx.Tx) error {
		var err error
		n, err = tx.CopyFrom(ctx, tableName, columnNames, rowSrc)
		return err
	})
	return n, err
}
