package runtime

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"

	"github.com/cpcgen/cpcgen/runtime/internal/firstrow"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// actorKey and tenantKey are the context keys of WithActor and WithTenant.
type (
	actorKey  struct{}
	tenantKey struct{}
)

// WithActor returns a context that names who acts: the generated write
// methods of tables with audit: true send it with their statements
// (see Acting), and the audit trigger records it in each audit row (the
// actor column of cpcgen_audit_log). An empty actor is recorded as NULL,
// like no actor at all.
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// ActorFrom returns the actor of ctx and whether one is set.
func ActorFrom(ctx context.Context) (string, bool) {
	a, ok := ctx.Value(actorKey{}).(string)
	return a, ok && a != ""
}

// ActorArg returns the actor of ctx as a statement argument: a pointer
// to it, or nil (NULL) when ctx has none.
func ActorArg(ctx context.Context) *string {
	if a, ok := ActorFrom(ctx); ok {
		return &a
	}
	return nil
}

// WithTenant returns a context scoped to one tenant: every generated
// method of a table with tenant: reads and writes only rows whose tenant
// column equals v, and Create stamps v into new rows. v must have the Go
// type of the tenant column (uuid.UUID for a uuid column, int64 for
// bigint, string for text).
func WithTenant(ctx context.Context, v any) context.Context {
	return context.WithValue(ctx, tenantKey{}, v)
}

// TenantFrom returns the tenant of ctx, or nil and false.
func TenantFrom(ctx context.Context) (any, bool) {
	v := ctx.Value(tenantKey{})
	return v, v != nil
}

// ErrNoTenant is what a generated method of a tenant table returns, wrapped
// in a *DbError of KindValidation, when its context carries no tenant of
// the right type: it fails closed, before any SQL is sent.
var ErrNoTenant = errors.New("no tenant in context; use runtime.WithTenant")

// ErrZeroTenant is what a generated method of a tenant table returns,
// wrapped in a *DbError of KindValidation, when the tenant of its context
// is the zero value of its type: uuid.Nil, 0 or "". Such a tenant is
// almost always an id that was never filled in, so it is refused rather
// than taken for a tenant of its own.
var ErrZeroTenant = errors.New("the tenant in context is a zero value (uuid.Nil, 0 or an empty string), which is not a tenant; use runtime.WithTenant with the tenant's id")

// TenantFor returns the tenant of ctx as a T, the Go type of the tenant
// column. Without a tenant, or with one of another type, it returns a
// *DbError of KindValidation for op and table wrapping ErrNoTenant; with
// the zero value of T (uuid.Nil, 0, ""), one wrapping ErrZeroTenant.
func TenantFor[T any](ctx context.Context, op, table string) (T, error) {
	v, ok := TenantFrom(ctx)
	if t, match := v.(T); match {
		if isZeroTenant(t) {
			return t, &DbError{Kind: KindValidation, Op: op, Table: table, Message: ErrZeroTenant.Error(), Err: ErrZeroTenant}
		}
		return t, nil
	}
	var zero T
	msg := ErrNoTenant.Error()
	if ok {
		msg = fmt.Sprintf("the tenant in context is a %T, but table %s needs a %s; use runtime.WithTenant", v, table, reflect.TypeFor[T]())
	}
	return zero, &DbError{Kind: KindValidation, Op: op, Table: table, OpTable: table, Message: msg, Err: ErrNoTenant}
}

// isZeroTenant reports whether v is the zero value of its type, or nil.
func isZeroTenant(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case uuid.UUID:
		return t == uuid.Nil
	case string:
		return t == ""
	case int64:
		return t == 0
	case int32:
		return t == 0
	case int:
		return t == 0
	}
	rv := reflect.ValueOf(v)
	return rv.IsZero()
}

// TenantSetting is the PostgreSQL setting that carries the tenant token
// (see TenantKey) the row-level security policies of tenant tables
// verify with cpcgen_tenant(). ScopedDB sets it, local to the
// transaction, before every statement. A value set by any other means
// that is not a valid token, a plain tenant id for one, gives no tenant.
const TenantSetting = "cpcgen.tenant"

// setTenantSQL sets TenantSetting for the rest of the current transaction
// (an implicit one, for a statement sent outside a transaction). It
// changes no data, so it is marked replica=ok: a scoped read, sent in one
// batch behind it, may run on a read replica. Its argument, the token, is
// marked sensitive: the statement log shows it redacted.
const setTenantSQL = "-- name: runtime.SetTenant replica=ok sensitive=1\nSELECT set_config('" + TenantSetting + "', $1, true)"

// ScopedDB runs statements as one tenant: each goes to the server in one
// pgx.Batch behind set_config('cpcgen.tenant', <token>, true), so that
// both run in one transaction (the batch's implicit one, or the caller's)
// and the row-level security policies of tenant tables see the tenant.
// The token is signed for the connection the batch goes to, when it goes
// (see TenantKey): the connection's key from Config.TenantKey or
// CPCGEN_TENANT_KEY; without one, every method fails with a *DbError of
// KindMisuse wrapping ErrNoTenantKey, and nothing is sent. It costs no
// extra round trip. Generated methods of tenant tables make
// one per call with Scope; the WHERE clauses they send confine the rows
// too, so the policies are a second layer for SQL that bypasses them.
//
// COPY cannot be scoped (PostgreSQL does not run COPY FROM on tables with
// row-level security): CopyFrom fails.
//
// A ScopedDB of a zero tenant (uuid.Nil, 0, "", nil) runs nothing: every
// method fails with a *DbError of KindValidation wrapping ErrZeroTenant.
type ScopedDB struct {
	db     DBTX
	tenant string
	zero   bool
}

var _ DBTX = ScopedDB{}

// Scope returns db scoped to tenant, a value of the tenant column's Go
// type (a string, an integer, or a fmt.Stringer such as uuid.UUID).
func Scope(db DBTX, tenant any) ScopedDB {
	if isZeroTenant(tenant) {
		return ScopedDB{db: db, zero: true}
	}
	return ScopedDB{db: db, tenant: tenantText(tenant)}
}

// errZeroScope returns the error of every method of a ScopedDB of a
// zero tenant.
func errZeroScope() error {
	return &DbError{Kind: KindValidation, Op: "runtime.Scope", Message: ErrZeroTenant.Error(), Err: ErrZeroTenant}
}

// CursorKeys returns the cursor keys of the DBTX s runs on, or nil when
// it has none; see CursorKeysOf.
func (s ScopedDB) CursorKeys() *CursorKeys { return ownCursorKeys(s.db) }

// MaxPageSize returns the maximum page size of the DBTX s runs on, or 0
// when it has none; see MaxPageSizeOf.
func (s ScopedDB) MaxPageSize() int { return ownMaxPageSize(s.db) }

// tenantText is the setting's text for a tenant value.
func tenantText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case int64:
		return strconv.FormatInt(v, 10)
	case int32:
		return strconv.FormatInt(int64(v), 10)
	case int16:
		return strconv.FormatInt(int64(v), 10)
	case int:
		return strconv.Itoa(v)
	case fmt.Stringer:
		return v.String()
	}
	return fmt.Sprint(v)
}

// Exec runs sql as the tenant.
func (s ScopedDB) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if s.zero {
		return pgconn.CommandTag{}, errZeroScope()
	}
	return execPrefixed(ctx, s.db, prefixedBatch(setTenantSQL, tenantToken{tenant: s.tenant}, sql, args))
}

// Query runs sql as the tenant; closing the rows ends the batch.
func (s ScopedDB) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if s.zero {
		return nil, errZeroScope()
	}
	return queryPrefixed(ctx, s.db, prefixedBatch(setTenantSQL, tenantToken{tenant: s.tenant}, sql, args))
}

// QueryRow runs sql as the tenant; the row's Scan ends the batch.
func (s ScopedDB) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	rows, err := s.Query(ctx, sql, args...)
	return firstrow.Row{Rows: rows, Err: err}
}

// CopyFrom fails: PostgreSQL refuses COPY FROM on tables with row-level
// security. Generated code inserts into tenant tables with INSERT … SELECT
// FROM unnest instead.
func (s ScopedDB) CopyFrom(ctx context.Context, tableName pgx.Identifier, columnNames []string, rowSrc pgx.CopyFromSource) (int64, error) {
	return 0, &DbError{Kind: KindMisuse, Message: "COPY FROM cannot run on a tenant table (row-level security); insert with INSERT statements"}
}

// SendBatch sends b behind the statement that sets the tenant; the
// results are b's own.
func (s ScopedDB) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	if s.zero {
		return pgx.FailedBatchResults(b, errZeroScope())
	}
	return sendPrefixed(ctx, s.db, setTenantSQL, tenantToken{tenant: s.tenant}, b)
}

// scopedRows are the rows of a query sent in a batch (a scoped Query,
// invalidatingDB.Query): Close also closes the batch, then runs after,
// when set, and Err reports the batch's error.
type scopedRows struct {
	pgx.Rows
	br     pgx.BatchResults
	after  interface{ after(context.Context) }
	ctx    context.Context
	closed bool
	err    error
}

func (r *scopedRows) Close() {
	if r.closed {
		return
	}
	r.closed = true
	r.Rows.Close()
	r.err = r.Rows.Err()
	if err := r.br.Close(); r.err == nil {
		r.err = err
	}
	if r.after != nil {
		r.after.after(r.ctx)
	}
}

func (r *scopedRows) Err() error {
	if r.closed {
		return r.err
	}
	return r.Rows.Err()
}

func (r *scopedRows) Next() bool {
	if r.Rows.Next() {
		return true
	}
	r.Close()
	return false
}

// failedBatch stands for a batch whose tenant statement failed: every
// result reports that failure.
type failedBatch struct {
	pgx.BatchResults
	err error
}

func (b *failedBatch) Exec() (pgconn.CommandTag, error) { return pgconn.CommandTag{}, b.err }
func (b *failedBatch) Query() (pgx.Rows, error)         { return nil, b.err }
func (b *failedBatch) QueryRow() pgx.Row                { return firstrow.Row{Err: b.err} }
func (b *failedBatch) Close() error {
	b.BatchResults.Close()
	return b.err
}
