package runtime

import (
	"context"
	"errors"
	"io"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// Kind classifies a database failure so callers can react to it without
// parsing messages or SQLSTATE codes.
type Kind uint8

// The kinds of failure a DbError can have.
const (
	// KindUnknown is any failure that fits no other kind, including an
	// application error returned from a transaction function.
	KindUnknown Kind = iota
	// KindNotFound is a query that had to return a row and returned none.
	KindNotFound
	// KindConflict is a unique or exclusion constraint violation
	// (SQLSTATE 23505, 23P01).
	KindConflict
	// KindForeignKey is a foreign key violation (SQLSTATE 23503).
	KindForeignKey
	// KindCheck is a check constraint violation (SQLSTATE 23514).
	KindCheck
	// KindNotNull is a not-null constraint violation (SQLSTATE 23502).
	KindNotNull
	// KindValidation is input the caller has to fix: rejected by a
	// generated Validate before any SQL (Fields names each field), a value
	// pgx cannot encode for its parameter (an integer out of the column's
	// range, a value that does not marshal to JSON), or a value the server
	// refused as a data exception (SQLSTATE class 22: numeric overflow,
	// a string too long, invalid JSON, a NUL byte or invalid UTF-8 in
	// text, a date out of range, …); also a configuration that does not
	// validate.
	KindValidation
	// KindSerialization is a serialization failure (SQLSTATE 40001); the
	// transaction can be retried.
	KindSerialization
	// KindDeadlock is a detected deadlock (SQLSTATE 40P01); the transaction
	// can be retried.
	KindDeadlock
	// KindConnection is a failure to reach the server or a connection lost
	// while in use (SQLSTATE class 08, 57P01-57P03, network errors).
	KindConnection
	// KindTimeout is a deadline that passed: a context deadline, the
	// statement_timeout or lock_timeout settings, or an acquire timeout.
	KindTimeout
	// KindCanceled is work stopped because its context was canceled or the
	// statement was canceled on request.
	KindCanceled
	// KindEncoding is a value read from the database that could not be
	// converted into its Go destination (a scan error: a NULL into a
	// non-pointer, a type that does not fit), or a binary value the
	// server could not read (SQLSTATE 22P03). It points at a mismatch
	// between the code and the schema, not at the caller's input.
	KindEncoding
	// KindMisuse is a connection or transaction used in a way that cannot
	// work: a statement run while the rows of an earlier one on the same
	// connection or transaction are still open (pgx's "conn busy", for
	// example a query inside a Stream loop over the same transaction), or
	// a transaction used after it ended (pgx.ErrTxClosed). It is a bug in
	// the calling code; retrying never helps.
	KindMisuse
)

var kindNames = [...]string{
	KindUnknown:       "unknown error",
	KindNotFound:      "not found",
	KindConflict:      "unique conflict",
	KindForeignKey:    "foreign key violation",
	KindCheck:         "check violation",
	KindNotNull:       "not null violation",
	KindValidation:    "validation failed",
	KindSerialization: "serialization failure",
	KindDeadlock:      "deadlock",
	KindConnection:    "connection failure",
	KindTimeout:       "timeout",
	KindCanceled:      "canceled",
	KindEncoding:      "encoding error",
	KindMisuse:        "misuse",
}

// String returns a short lowercase description such as "not found" or
// "unique conflict".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

var kindLabels = [...]string{
	KindUnknown:       "unknown",
	KindNotFound:      "not_found",
	KindConflict:      "conflict",
	KindForeignKey:    "foreign_key",
	KindCheck:         "check",
	KindNotNull:       "not_null",
	KindValidation:    "validation",
	KindSerialization: "serialization",
	KindDeadlock:      "deadlock",
	KindConnection:    "connection",
	KindTimeout:       "timeout",
	KindCanceled:      "canceled",
	KindEncoding:      "encoding",
	KindMisuse:        "misuse",
}

// Name returns a stable snake_case identifier of k, such as "not_found"
// or "conflict", for metric labels and structured logs (the error.kind
// attribute). Unlike String, it never changes wording.
func (k Kind) Name() string {
	if int(k) < len(kindLabels) {
		return kindLabels[k]
	}
	return "kind_" + strconv.Itoa(int(k))
}

// kindError is the type of the package's sentinel errors: one value per
// Kind, compared by identity.
type kindError struct{ kind Kind }

func (e *kindError) Error() string { return e.kind.String() }

// Sentinels, one per Kind. A *DbError matches the sentinel of its Kind with
// errors.Is, also when it is wrapped: errors.Is(err, runtime.ErrNotFound).
var (
	// ErrNotFound matches errors of KindNotFound.
	ErrNotFound error = &kindError{KindNotFound}
	// ErrConflict matches errors of KindConflict.
	ErrConflict error = &kindError{KindConflict}
	// ErrForeignKey matches errors of KindForeignKey.
	ErrForeignKey error = &kindError{KindForeignKey}
	// ErrCheck matches errors of KindCheck.
	ErrCheck error = &kindError{KindCheck}
	// ErrNotNull matches errors of KindNotNull.
	ErrNotNull error = &kindError{KindNotNull}
	// ErrValidation matches errors of KindValidation.
	ErrValidation error = &kindError{KindValidation}
	// ErrSerialization matches errors of KindSerialization.
	ErrSerialization error = &kindError{KindSerialization}
	// ErrDeadlock matches errors of KindDeadlock.
	ErrDeadlock error = &kindError{KindDeadlock}
	// ErrConnection matches errors of KindConnection.
	ErrConnection error = &kindError{KindConnection}
	// ErrTimeout matches errors of KindTimeout.
	ErrTimeout error = &kindError{KindTimeout}
	// ErrCanceled matches errors of KindCanceled.
	ErrCanceled error = &kindError{KindCanceled}
	// ErrEncoding matches errors of KindEncoding.
	ErrEncoding error = &kindError{KindEncoding}
	// ErrMisuse matches errors of KindMisuse.
	ErrMisuse error = &kindError{KindMisuse}
)

var sentinels = [...]error{
	KindNotFound:      ErrNotFound,
	KindConflict:      ErrConflict,
	KindForeignKey:    ErrForeignKey,
	KindCheck:         ErrCheck,
	KindNotNull:       ErrNotNull,
	KindValidation:    ErrValidation,
	KindSerialization: ErrSerialization,
	KindDeadlock:      ErrDeadlock,
	KindConnection:    ErrConnection,
	KindTimeout:       ErrTimeout,
	KindCanceled:      ErrCanceled,
	KindEncoding:      ErrEncoding,
	KindMisuse:        ErrMisuse,
}

// sentinelOf returns the sentinel of k, or nil for KindUnknown.
func sentinelOf(k Kind) error {
	if int(k) < len(sentinels) {
		return sentinels[k]
	}
	return nil
}

// FKDirection tells apart the two ways of violating a foreign key, which
// PostgreSQL reports alike: SQLSTATE 23503, on the referencing table's
// constraint.
type FKDirection uint8

const (
	// FKAny is the zero value: a ConstraintSentinel with it matches a
	// violation of either direction; a DbError has it when it is not a
	// foreign key violation.
	FKAny FKDirection = iota
	// FKMissing is an insert into, or an update of, the referencing table
	// whose key is not present in the referenced table: the row pointed
	// at does not exist ("Key (…) is not present in table …").
	FKMissing
	// FKReferenced is a delete from, or an update of the key of, the
	// referenced table while rows of the referencing table still point
	// at the row ("Key (…) is still referenced from table …").
	FKReferenced
)

// String returns "any", "missing" or "referenced".
func (d FKDirection) String() string {
	switch d {
	case FKMissing:
		return "missing"
	case FKReferenced:
		return "referenced"
	}
	return "any"
}

// fkError is the type of ErrReferenced and ErrReferenceNotFound.
type fkError struct{ dir FKDirection }

func (e *fkError) Error() string {
	if e.dir == FKReferenced {
		return "foreign key violation: the row is still referenced"
	}
	return "foreign key violation: the referenced row does not exist"
}

// Is makes both match ErrForeignKey.
func (e *fkError) Is(target error) bool { return target == ErrForeignKey }

var (
	// ErrReferenced matches foreign key violations of direction
	// FKReferenced: a delete (or key update) refused because other rows
	// still reference the row. It also matches ErrForeignKey. HTTP APIs
	// usually answer it with 409 Conflict.
	ErrReferenced error = &fkError{FKReferenced}
	// ErrReferenceNotFound matches foreign key violations of direction
	// FKMissing: a row written with a key that the referenced table does
	// not have. It also matches ErrForeignKey (and never ErrNotFound).
	ErrReferenceNotFound error = &fkError{FKMissing}
)

// FieldError is one rejected input field of a validation error.
type FieldError struct {
	// Field is the name of the field as the caller knows it (a Go field or
	// a column name).
	Field string
	// Message says what is wrong, without repeating the value.
	Message string
}

// DbError is the one error type for every database failure the runtime and
// generated code report. Its Error text is meant for logs: the operation,
// the kind, the constraint and the server's or runtime's message, never
// SQL text, argument values or secrets.
//
// Match it by kind with errors.Is(err, runtime.ErrConflict), by constraint
// with a ConstraintSentinel, or get the fields with errors.As.
type DbError struct {
	// Kind classifies the failure.
	Kind Kind
	// Op is the operation that failed, such as "accounts.Create": the
	// generated method (or the runtime function the application called
	// itself, such as "runtime.Open"). Runtime helpers that generated
	// methods call (InTx, savepoints, retries, COPY) never set it, so the
	// method's name is what the error carries.
	Op string
	// Table is the table the server named in its error — the table of the
	// violated constraint or of the column: for a foreign key violation
	// always the referencing table, also when the operation deleted from
	// the referenced one — and otherwise the operation's table (OpTable).
	// ConstraintSentinels match on it.
	Table string
	// OpTable is the table the operation works on, as its caller passed
	// it to Wrap (generated methods: the method's table), whatever table
	// the server named; empty when not known.
	OpTable string
	// Constraint is the violated constraint, when there is one.
	Constraint string
	// SpecName is the spec's name of Constraint, when generated code
	// knows it: a name written in the spec (an index's or check's name:),
	// otherwise the column and option it comes from, such as
	// "email.unique", "user_id.references" or "email.max_length". Generated
	// methods fill it in; errors made elsewhere leave it empty.
	SpecName string
	// Column is the column the server reported, when there is one (for a
	// value refused while COPY read it, the column of that value).
	Column string
	// FK is, for a foreign key violation, which way it was violated:
	// FKMissing or FKReferenced (see ErrReferenced); FKAny otherwise.
	FK FKDirection
	// Param is, for a value refused as invalid input (KindValidation),
	// the position of the statement parameter that held it ($1 is 1),
	// when pgx or the server said which; 0 otherwise. WrapParams turns it
	// into a field name.
	Param int
	// Code is the SQLSTATE of a server error, such as "23505".
	Code string
	// Message is the server's or the runtime's message; it never holds
	// argument values or secrets.
	Message string
	// Fields lists the rejected fields of a validation error.
	Fields []FieldError
	// Rows lists, for a batch write (UpdateMany, DeleteMany, the batch
	// upserts), the input rows that stopped it, by their index in the
	// caller's slice, in index order; the batch changed nothing.
	Rows []RowError
	// Err is the underlying error, if any.
	Err error

	// fkGuessed is set when FK was inferred from the tables, because the
	// server's message was not in English; a later Wrap that learns the
	// operation's table infers it again.
	fkGuessed bool
}

// Error returns "op: kind on "constraint": message", leaving out the parts
// that are empty, for example
// `accounts.Create: unique conflict on "accounts_email_key": duplicate key
// value violates unique constraint "accounts_email_key"`.
func (e *DbError) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	if e.Kind != KindUnknown || e.Message == "" {
		if e.Kind == KindConflict && e.Constraint == "" && e.Code == "" {
			// A conflict the runtime found, not a unique violation: a
			// stale version, or a key held by a row out of sight.
			b.WriteString("conflict")
		} else {
			b.WriteString(e.Kind.String())
		}
		switch {
		case e.Constraint != "":
			b.WriteString(" on ")
			b.WriteString(strconv.Quote(e.Constraint))
		case e.Column != "" && len(e.Fields) == 0:
			b.WriteString(" on column ")
			b.WriteString(strconv.Quote(e.Column))
		}
		if e.Message != "" {
			b.WriteString(": ")
		}
	}
	b.WriteString(e.Message)
	return b.String()
}

// Unwrap returns the underlying error.
func (e *DbError) Unwrap() error { return e.Err }

// Is reports whether target is the sentinel of e's Kind, ErrReferenced or
// ErrReferenceNotFound for a foreign key violation of that direction, or
// a ConstraintSentinel for e's constraint (and table, and direction, when
// both name one).
func (e *DbError) Is(target error) bool {
	switch t := target.(type) {
	case *ConstraintSentinel:
		return t.matches(e)
	case *fkError:
		return e.Kind == KindForeignKey && e.FK == t.dir
	}
	if s := sentinelOf(e.Kind); s != nil && target == s {
		return true
	}
	return false
}

// ConstraintSentinel stands for one named constraint, so callers can ask
// errors.Is(err, accounts.ErrEmailTaken) rather than comparing names.
// Generated code declares one per unique and check constraint and two
// per foreign key, one for each FKDirection.
type ConstraintSentinel struct {
	// Kind is the kind of error the constraint produces.
	Kind Kind
	// Table is the constrained table (for a foreign key, the referencing
	// table); empty matches any table. It is compared with DbError.Table,
	// the table the server names.
	Table string
	// Constraint is the constraint's name in the database.
	Constraint string
	// Name is the spec's name for the constraint.
	Name string
	// FK narrows a foreign key sentinel to one direction of violation;
	// FKAny matches both.
	FK FKDirection
}

// NewConstraintSentinel returns a sentinel for the constraint named
// constraint on table. For a foreign key (KindForeignKey) it matches
// violations of both directions; NewForeignKeySentinel makes one for a
// single direction.
func NewConstraintSentinel(kind Kind, table, constraint, name string) *ConstraintSentinel {
	return &ConstraintSentinel{Kind: kind, Table: table, Constraint: constraint, Name: name}
}

// NewForeignKeySentinel returns a sentinel of KindForeignKey for the
// foreign key named constraint of the referencing table table that
// matches only violations of direction dir: FKMissing for a row written
// with a key the referenced table lacks (generated name
// Err<Model><Column>NotFound), FKReferenced for a referenced row deleted
// or re-keyed while still referenced (Err<Model><Column>Referenced).
// The FKReferenced sentinel also matches ErrReferenced, the FKMissing one
// ErrReferenceNotFound.
func NewForeignKeySentinel(table, constraint, name string, dir FKDirection) *ConstraintSentinel {
	return &ConstraintSentinel{Kind: KindForeignKey, Table: table, Constraint: constraint, Name: name, FK: dir}
}

// Error returns a description such as
// `accounts: unique conflict on "accounts_email_key"`, or for a foreign
// key sentinel of one direction
// `stock: foreign key violation on "stock_warehouse_code_fkey" (still referenced)`.
func (s *ConstraintSentinel) Error() string {
	var b strings.Builder
	if s.Table != "" {
		b.WriteString(s.Table)
		b.WriteString(": ")
	}
	b.WriteString(s.Kind.String())
	b.WriteString(" on ")
	b.WriteString(strconv.Quote(s.Constraint))
	switch s.FK {
	case FKMissing:
		b.WriteString(" (referenced row not found)")
	case FKReferenced:
		b.WriteString(" (still referenced)")
	}
	return b.String()
}

// Is reports whether target is the sentinel of s's Kind, so that
// errors.Is(accounts.ErrEmailTaken, runtime.ErrConflict) holds, or, for a
// foreign key sentinel of one direction, ErrReferenced or
// ErrReferenceNotFound of that direction.
func (s *ConstraintSentinel) Is(target error) bool {
	if fe, ok := target.(*fkError); ok {
		return s.Kind == KindForeignKey && s.FK != FKAny && s.FK == fe.dir
	}
	st := sentinelOf(s.Kind)
	return st != nil && target == st
}

func (s *ConstraintSentinel) matches(e *DbError) bool {
	if s.Constraint == "" || e.Constraint != s.Constraint {
		return false
	}
	if s.FK != FKAny && s.FK != e.FK {
		return false
	}
	return s.Table == "" || e.Table == "" || s.Table == e.Table
}

// ErrStaleVersion is the underlying error of an optimistic-lock conflict:
// an Update or Delete of a table with optimistic_lock: whose version no
// longer matches the row's. The *DbError around it has KindConflict, no
// Constraint, and matches both errors.Is(err, runtime.ErrConflict) and
// errors.Is(err, runtime.ErrStaleVersion).
var ErrStaleVersion = errors.New("stale version: the row was changed since it was read")

// NewStaleVersionError returns the *DbError of KindConflict that generated
// code reports when a row's version changed since the caller read it.
func NewStaleVersionError(op, table string) error {
	return &DbError{Kind: KindConflict, Op: op, Table: table, OpTable: table, Message: ErrStaleVersion.Error(), Err: ErrStaleVersion}
}

// NewValidationError returns a *DbError of KindValidation for op and table
// whose message lists every rejected field.
func NewValidationError(op, table string, fields []FieldError) error {
	return &DbError{
		Kind:    KindValidation,
		Op:      op,
		Table:   table,
		OpTable: table,
		Message: fieldsMessage(fields),
		Fields:  fields,
	}
}

func fieldsMessage(fields []FieldError) string {
	var b strings.Builder
	for i, f := range fields {
		if i > 0 {
			b.WriteString("; ")
		}
		if f.Field != "" {
			b.WriteString(f.Field)
			b.WriteString(": ")
		}
		b.WriteString(f.Message)
	}
	return b.String()
}

// Wrap turns any error from pgx, pgconn or the runtime into a *DbError for
// op (such as "accounts.Create") on table, the operation's table. It
// returns nil for nil. An error that already is or wraps a *DbError keeps
// its fields; only an empty Op, OpTable or Table is filled in. So the
// first Wrap with an operation names it: runtime helpers that run on a
// generated method's behalf (InTx, savepoints) wrap with an empty op.
//
// Table is the table the server named (for a constraint violation, the
// constraint's table); table goes to OpTable, and to Table only when the
// server named none.
//
// The kind comes from, in order:
//   - pgx.ErrNoRows: KindNotFound;
//   - a *pgconn.PgError, by SQLSTATE: 23505 and 23P01 KindConflict, 23503
//     KindForeignKey (with FK set: FKReferenced when the row is still
//     referenced, FKMissing when the referenced row is not present),
//     23514 KindCheck, 23502 KindNotNull, 40001 KindSerialization, 40P01
//     KindDeadlock, 55P03 (lock_timeout) and 25P03
//     (idle_in_transaction_session_timeout) KindTimeout, 57014
//     KindTimeout when the statement_timeout expired and KindCanceled
//     when the statement was canceled on request (or the chain holds
//     context.Canceled), class 08, class 28, 53300 and 57P01-57P03
//     KindConnection (but 08P01 at severity ERROR, a parameter a binary
//     input function could not read, KindEncoding), class 22 (data
//     exceptions) KindValidation except 22P03 KindEncoding and 2200H (a
//     sequence at its limit) KindUnknown; 42601 from a type's input
//     function (ltree, lquery, tsquery, tsvector, jsonpath: a value, not
//     the statement) KindValidation.
//     A COPY that the client aborted because it could not encode a value
//     (57014 "COPY from stdin failed") is KindValidation too. Everything
//     else, including 42501 (insufficient privilege), stays KindUnknown
//     with its Code set, since neither retrying nor fixing the input
//     helps;
//   - context.Canceled: KindCanceled; context.DeadlineExceeded and
//     pgconn timeouts: KindTimeout;
//   - pgx's "conn busy" and pgx.ErrTxClosed: KindMisuse;
//   - pgx scan errors: KindEncoding; pgx encode errors (a parameter value
//     pgx cannot encode for its type): KindValidation, with Param set;
//   - *pgconn.ConnectError, net.Error, io.EOF and io.ErrUnexpectedEOF,
//     pgconn.ErrConnClosed, a closed pool, and any other error for which
//     pgconn.SafeToRetry reports true: KindConnection.
//
// Messages never hold input values: those the server builds from them
// (class 22) are cut before the value, and pgx's encode errors are
// replaced by one naming the parameter and its type.
func Wrap(err error, op, table string) error {
	if err == nil {
		return nil
	}
	var de *DbError
	if errors.As(err, &de) {
		refine := de.fkGuessed && de.OpTable == "" && table != ""
		if (de.Op != "" || op == "") && (de.OpTable != "" || table == "") && (de.Table != "" || table == "") && err == error(de) && !refine {
			return de
		}
		cp := *de
		if cp.Op == "" {
			cp.Op = op
		}
		if cp.OpTable == "" {
			cp.OpTable = table
		}
		if cp.Table == "" {
			cp.Table = table
		}
		if refine {
			cp.FK = fkByTables(cp.Table, cp.OpTable)
		}
		if err != error(de) {
			cp.Err = err
		}
		return &cp
	}
	e := classify(err, table)
	e.Op = op
	e.OpTable = table
	if e.Table == "" {
		e.Table = table
	}
	return e
}

// WrapParams is Wrap for a generated method whose statement parameters
// hold the fields named in params: params[i] is the field of $i+1 (its
// JSON name), "" for a parameter that is no field (a tenant, a version).
// When the error is invalid input whose parameter is known (DbError.Param)
// and names a field, the result lists that field in Fields, so that it
// reads like a Validate failure: `accounts.Create: validation failed:
// email: invalid byte sequence for encoding "UTF8"`.
func WrapParams(err error, op, table string, params []string) error {
	e := Wrap(err, op, table)
	de, ok := e.(*DbError)
	if !ok || de.Kind != KindValidation || len(de.Fields) > 0 {
		return e
	}
	// An Update variant binds fewer values than the fallback statement,
	// whose order params follows.
	p := fallbackParam(err, de.Param)
	if p <= 0 || p > len(params) || params[p-1] == "" {
		return e
	}
	cp := *de
	cp.Fields = []FieldError{{Field: params[p-1], Message: de.Message}}
	cp.Message = fieldsMessage(cp.Fields)
	return &cp
}

// KindOf returns the Kind of err: the Kind of the *DbError it wraps, of a
// sentinel, or the kind Wrap would give it. It returns KindUnknown for nil.
func KindOf(err error) Kind {
	if err == nil {
		return KindUnknown
	}
	var de *DbError
	if errors.As(err, &de) {
		return de.Kind
	}
	var ke *kindError
	if errors.As(err, &ke) {
		return ke.kind
	}
	var fe *fkError
	if errors.As(err, &fe) {
		return KindForeignKey
	}
	var cs *ConstraintSentinel
	if errors.As(err, &cs) {
		return cs.Kind
	}
	return classify(err, "").Kind
}

// IsRetryable reports whether running the whole transaction again may
// succeed: serialization failures and deadlocks, and connection failures
// that happened before the statement was sent (pgconn.SafeToRetry). A
// misuse ("conn busy") is never retryable, although pgx reports it as
// safe to retry.
func IsRetryable(err error) bool {
	switch KindOf(err) {
	case KindSerialization, KindDeadlock:
		return true
	case KindConnection:
		return pgconn.SafeToRetry(err)
	}
	return false
}

// classify builds a DbError from an error that is not one; opTable is the
// operation's table, when known.
func classify(err error, opTable string) *DbError {
	var re *redactedInput
	if errors.As(err, &re) {
		e := re.de
		e.Err = err
		return &e
	}
	e := classifyError(err, opTable)
	redactInput(e)
	return e
}

// classifyError is classify for an error that holds no redactedInput.
func classifyError(err error, opTable string) *DbError {
	e := &DbError{Err: err}

	if errors.Is(err, pgx.ErrNoRows) {
		e.Kind = KindNotFound
		return e
	}

	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		e.Code = pgErr.Code
		e.Table = pgErr.TableName
		e.Constraint = pgErr.ConstraintName
		e.Column = pgErr.ColumnName
		if isCopyFail(pgErr) {
			classifyCopyFail(e, pgErr)
			return e
		}
		e.Kind = kindOfSQLState(pgErr.Code, pgErr.Message, err)
		e.Message = safeServerMessage(pgErr)
		switch e.Kind {
		case KindForeignKey:
			e.FK, e.fkGuessed = fkDirection(pgErr, opTable)
		case KindValidation:
			e.Param = whereParam(pgErr.Where)
			if e.Column == "" {
				e.Column = copyColumn(pgErr.Where)
			}
			if e.Column != "" {
				e.Fields = []FieldError{{Field: e.Column, Message: e.Message}}
				e.Message = fieldsMessage(e.Fields)
			}
		}
		return e
	}

	switch {
	case errors.Is(err, context.Canceled):
		e.Kind = KindCanceled
		e.Message = "context canceled"
		return e
	case errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err):
		e.Kind = KindTimeout
		e.Message = "context deadline exceeded"
		if !errors.Is(err, context.DeadlineExceeded) {
			e.Message = "network timeout"
		}
		return e
	}

	if errors.Is(err, ErrBadCursor) {
		e.Kind = KindValidation
		e.Message = err.Error()
		return e
	}

	if isConnBusy(err) {
		e.Kind = KindMisuse
		e.Message = connBusyMessage
		return e
	}
	if errors.Is(err, pgx.ErrTxClosed) {
		e.Kind = KindMisuse
		e.Message = txClosedMessage
		return e
	}

	if isScanError(err) {
		e.Kind = KindEncoding
		e.Message = scanMessage(err)
		return e
	}
	if isEncodeError(err) {
		e.Kind = KindValidation
		e.Message, e.Param = encodeMessage(err)
		return e
	}

	if isConnectionError(err) {
		e.Kind = KindConnection
		e.Message = err.Error()
		return e
	}

	e.Kind = KindUnknown
	e.Message = err.Error()
	return e
}

// The messages of KindMisuse.
const (
	connBusyMessage = "conn busy: a statement ran on a connection or transaction whose earlier query still has rows open " +
		"(for example inside a Stream or rows loop over the same transaction); read the rows to the end or close them first, " +
		"or run the second statement on another connection"
	txClosedMessage = "the transaction has already ended (committed or rolled back): run statements inside the InTx function, on the tx it was given"
)

// isConnBusy recognizes pgx's "conn busy", which has no exported type or
// value: a PgConn locked by an earlier statement whose results are still
// being read.
func isConnBusy(err error) bool {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if e.Error() == "conn busy" {
			return true
		}
	}
	return false
}

// fkDirection tells the direction of a foreign key violation from the
// server's message and detail, which PostgreSQL words differently for the
// two (in English). For a server that reports in another language it
// falls back to the tables: an operation on another table than the
// constraint's must have deleted or re-keyed a referenced row.
func fkDirection(pgErr *pgconn.PgError, opTable string) (dir FKDirection, guessed bool) {
	switch {
	case strings.HasPrefix(pgErr.Message, "update or delete on table "), strings.Contains(pgErr.Detail, " is still referenced from table "):
		return FKReferenced, false
	case strings.HasPrefix(pgErr.Message, "insert or update on table "), strings.Contains(pgErr.Detail, " is not present in table "):
		return FKMissing, false
	}
	return fkByTables(pgErr.TableName, opTable), true
}

// fkByTables guesses the direction of a foreign key violation on a
// constraint of table by an operation on opTable; see fkDirection.
func fkByTables(table, opTable string) FKDirection {
	if i := strings.LastIndexByte(opTable, '.'); i >= 0 {
		opTable = opTable[i+1:]
	}
	if opTable != "" && table != "" && opTable != table {
		return FKReferenced
	}
	return FKMissing
}

// kindOfSQLState maps a SQLSTATE to a Kind; see Wrap.
func kindOfSQLState(code, message string, err error) Kind {
	switch code {
	case "23505", "23P01":
		return KindConflict
	case "23503":
		return KindForeignKey
	case "23514":
		return KindCheck
	case "23502":
		return KindNotNull
	case "40001":
		return KindSerialization
	case "40P01":
		return KindDeadlock
	case "55P03", "25P03":
		return KindTimeout
	case "57014":
		switch {
		case errors.Is(err, context.Canceled):
			return KindCanceled
		case errors.Is(err, context.DeadlineExceeded):
			return KindTimeout
		case strings.Contains(message, "user request"):
			return KindCanceled
		}
		return KindTimeout
	case "57P01", "57P02", "57P03", "53300":
		return KindConnection
	case "22P03":
		// invalid_binary_representation: pgx sent bytes the server's
		// binary input function could not read, not a bad value.
		return KindEncoding
	case "08P01":
		// protocol_violation as an ERROR, which leaves the session up:
		// a binary input function ran out of bytes (a parameter pgx
		// sent as it was given, such as a net.HardwareAddr of 3 bytes
		// for a macaddr), as 22P03. A FATAL one ended the connection.
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Severity == "ERROR" {
			return KindEncoding
		}
		return KindConnection
	case "2200H":
		// sequence_generator_limit_exceeded: nothing the caller sent.
		return KindUnknown
	case "42601":
		if pgErr := (*pgconn.PgError)(nil); errors.As(err, &pgErr) && inputSyntax(pgErr) {
			return KindValidation
		}
	}
	switch {
	case strings.HasPrefix(code, "08"), strings.HasPrefix(code, "28"):
		return KindConnection
	case strings.HasPrefix(code, "22"):
		return KindValidation
	}
	return KindUnknown
}

// safeServerMessage returns the server's message without the input values
// that data exceptions quote, such as `invalid input syntax for type
// integer: "abc"` or `invalid byte sequence for encoding "UTF8": 0xff`.
func safeServerMessage(pgErr *pgconn.PgError) string {
	msg := pgErr.Message
	if invalidInput(pgErr) {
		msg = dataExceptionMessage(pgErr.Code, msg)
	}
	return msg + poolerHint(pgErr)
}

// invalidInput reports whether pgErr is the server refusing a value: a
// data exception (SQLSTATE class 22), or the input syntax error of a
// type whose input function reports 42601 (inputSyntax).
func invalidInput(pgErr *pgconn.PgError) bool {
	return strings.HasPrefix(pgErr.Code, "22") || pgErr.Code == "42601" && inputSyntax(pgErr)
}

// inputSyntax reports whether a 42601 error is the input function of a
// type refusing a value, not a statement's syntax: ltree, lquery and
// ltxtquery (`ltree syntax error at character 3`), tsquery and tsvector
// (`syntax error in tsquery: "…"`, which quotes the value) and jsonpath
// (`syntax error at or near "…" of jsonpath input`). It reads the
// server's source file of the error, which does not depend on the
// language of its messages (lc_messages); the English messages serve
// when the file is not reported.
func inputSyntax(pgErr *pgconn.PgError) bool {
	if pgErr.File != "" {
		return slices.Contains(inputSyntaxFiles, pgErr.File)
	}
	msg := pgErr.Message
	return strings.HasPrefix(msg, "ltree syntax error") || strings.HasPrefix(msg, "lquery syntax error") ||
		strings.Contains(msg, " in tsquery") || strings.Contains(msg, " in tsvector") ||
		strings.HasSuffix(msg, " of jsonpath input")
}

// inputSyntaxFiles are the server's source files whose input functions
// report a value they refuse as 42601 (syntax_error).
var inputSyntaxFiles = []string{"tsvector_parser.c", "tsquery.c", "jsonpath_scan.l", "jsonpath_gram.y", "ltree_io.c", "ltxtquery_io.c"}

// localQuotes turns the quotation marks of translated server messages
// into the double quote of the English ones.
var localQuotes = strings.NewReplacer("« ", `"`, " »", `"`, "»", `"`, "«", `"`, "„", `"`, "“", `"`, "”", `"`, "「", `"`, "」", `"`)

// byteSequenceRE matches the bytes PostgreSQL shows of a character it
// cannot read or convert.
var byteSequenceRE = regexp.MustCompile(` ?(?:with byte sequence )?0x[0-9a-fA-F]{2}(?: 0x[0-9a-fA-F]{2})*`)

// keptQuoteWords are the words before a quoted name, not a value, in the
// server's data exception messages: `for encoding "UTF8"`.
var keptQuoteWords = []string{"encoding", "type", "column", "relation", "constraint", "function", "operator", "table"}

// dataExceptionMessage returns a data exception's (SQLSTATE class 22)
// message without the input it quotes or shows as bytes, whatever its
// position: `invalid input syntax for type integer: "abc"`, `value
// "99999999999" is out of range for type integer`, `invalid byte
// sequence for encoding "UTF8": 0xff`, `character with byte sequence
// 0xe2 0x82 0xac in encoding "UTF8" has no equivalent in encoding
// "LATIN1"`. Names of encodings and types stay. A NUL byte in text (code
// 22021 or 22P05) is named as such.
func dataExceptionMessage(code, msg string) string {
	// The quotes of the server's translated messages (lc_messages: »…«
	// in German, «…» in Spanish, « … » in French) are read as the
	// English ones.
	msg = localQuotes.Replace(msg)
	nul := (code == "22021" || code == "22P05") && strings.HasSuffix(msg, ": 0x00")
	if i := strings.Index(msg, `: "`); i >= 0 {
		msg = msg[:i]
	}
	if i := strings.Index(msg, ": 0x"); i >= 0 {
		msg = msg[:i]
	}
	msg = byteSequenceRE.ReplaceAllString(msg, "")
	var b strings.Builder
	for {
		open := strings.IndexByte(msg, '"')
		if open < 0 {
			b.WriteString(msg)
			break
		}
		end := strings.IndexByte(msg[open+1:], '"')
		if end < 0 {
			// An unterminated quote: drop the rest.
			b.WriteString(strings.TrimRight(msg[:open], " "))
			break
		}
		end += open + 2
		before := strings.TrimRight(msg[:open], " ")
		word := before[strings.LastIndexByte(before, ' ')+1:]
		if slices.Contains(keptQuoteWords, word) {
			b.WriteString(msg[:end])
		} else {
			b.WriteString(before)
		}
		msg = msg[end:]
	}
	out := strings.Join(strings.Fields(b.String()), " ")
	if strings.HasPrefix(out, "is ") {
		out = "value " + out
	}
	if nul {
		out += ": text cannot hold the NUL character (0x00)"
	}
	return out
}

// whereParam returns the parameter position a data exception's context
// names when the server refused the value while binding it ("unnamed
// portal parameter $2 = '...'"), or 0. Only that line is read: other
// context lines may quote the value.
func whereParam(where string) int {
	for line := range strings.SplitSeq(where, "\n") {
		rest, ok := strings.CutPrefix(line, "unnamed portal parameter $")
		if !ok {
			if strings.HasPrefix(line, `portal "`) {
				if i := strings.Index(line, `" parameter $`); i >= 0 {
					rest, ok = line[i+len(`" parameter $`):], true
				}
			}
		}
		if !ok {
			continue
		}
		n := 0
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			n++
		}
		if p, err := strconv.Atoi(rest[:n]); err == nil && p > 0 {
			return p
		}
	}
	return 0
}

// copyColumn returns the column a data exception's context names when
// COPY refused one of its values ("COPY accounts, line 3, column email"),
// or "".
func copyColumn(where string) string {
	for line := range strings.SplitSeq(where, "\n") {
		if !strings.HasPrefix(line, "COPY ") {
			continue
		}
		i := strings.LastIndex(line, ", column ")
		if i < 0 {
			return ""
		}
		col := line[i+len(", column "):]
		if j := strings.Index(col, ": "); j >= 0 {
			// Text-format COPY quotes the value after the column.
			col = col[:j]
		}
		return col
	}
	return ""
}

// poolerHint explains a prepared statement of pgx's statement cache that
// the server does not have, or has already: the symptom of prepared
// statements behind a pooler in transaction pooling mode.
func poolerHint(pgErr *pgconn.PgError) string {
	if (pgErr.Code == "26000" || pgErr.Code == "42P05") && strings.Contains(pgErr.Message, `"stmtcache_`) {
		return " (behind PgBouncer in transaction pooling mode? set Config.Pooler, CPCGEN_POOLER=pgbouncer; see docs/scale-out.md)"
	}
	return ""
}

// copyFailPrefix starts the server's message when the client aborted a
// COPY: pgx does so when it cannot encode a value, and passes its own
// error text, which quotes the value.
const copyFailPrefix = "COPY from stdin failed: "

// isCopyFail reports whether pgErr is the server's answer to a COPY the
// client aborted (SQLSTATE 57014, raised in CopyGetData).
func isCopyFail(pgErr *pgconn.PgError) bool {
	return pgErr.Code == "57014" && (strings.HasPrefix(pgErr.Message, copyFailPrefix) || pgErr.Routine == "CopyGetData")
}

// classifyCopyFail fills e for a COPY the client aborted: invalid input
// when pgx could not encode a value, otherwise the copy source's own
// failure (KindUnknown). The SQLSTATE is dropped: nothing was canceled.
func classifyCopyFail(e *DbError, pgErr *pgconn.PgError) {
	e.Code = ""
	reason := pgErr.Message
	if i := strings.Index(reason, ": "); i >= 0 {
		reason = reason[i+2:]
	}
	if isEncodeText(reason) {
		e.Kind = KindValidation
		e.Message = "COPY: cannot encode a value" + encodeDetail(reason)
		return
	}
	e.Kind = KindUnknown
	e.Message = "COPY aborted: " + reason
}

func isConnectionError(err error) bool {
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	switch {
	case errors.As(err, &connectErr),
		errors.As(err, &netErr),
		errors.Is(err, io.EOF),
		errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, net.ErrClosed),
		errors.Is(err, pgconn.ErrConnClosed),
		pgconn.SafeToRetry(err):
		return true
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		switch e.Error() {
		case "closed pool", "conn closed", "conn is closed":
			return true
		}
	}
	return false
}

// isScanError recognizes pgx's scan errors, and this package's codec
// errors on the scan side.
func isScanError(err error) bool {
	var scanErr pgx.ScanArgError
	if errors.As(err, &scanErr) {
		return true
	}
	var ce *codecError
	if errors.As(err, &ce) && !strings.HasPrefix(ce.msg, "cannot encode") {
		return true
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		msg := e.Error()
		if strings.HasPrefix(msg, "cannot scan") || strings.HasPrefix(msg, "can't scan") {
			return true
		}
	}
	return false
}

// isEncodeError recognizes pgx's encode errors, which carry no exported
// type, and this package's codec errors on the encode side.
func isEncodeError(err error) bool {
	var ce *codecError
	if errors.As(err, &ce) {
		return true // isScanError took the others
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		if isEncodeText(e.Error()) {
			return true
		}
	}
	return false
}

// isEncodeText reports whether msg is the text of a pgx encode error.
func isEncodeText(msg string) bool {
	return strings.HasPrefix(msg, "failed to encode args[") || strings.HasPrefix(msg, "unable to encode")
}

// scanMessage describes a scan error by position, since pgx's own text
// quotes the offending value. Errors from this package's codecs name no
// values and are appended.
func scanMessage(err error) string {
	msg := "cannot scan value"
	var scanErr pgx.ScanArgError
	if errors.As(err, &scanErr) {
		msg = "cannot scan column " + strconv.Itoa(scanErr.ColumnIndex)
		if scanErr.FieldName != "" && scanErr.FieldName != "?column?" {
			msg += " (" + scanErr.FieldName + ")"
		}
	}
	var ce *codecError
	if errors.As(err, &ce) {
		return msg + ": " + ce.msg
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		if reason := e.Error(); scanReasonRE.MatchString(reason) {
			return msg + ": " + reason
		}
	}
	return msg
}

// scanReasonRE matches the texts of pgx's scan errors that name no value
// but a kind of one the Go type cannot hold, such as a NULL element of an
// array or an infinite timestamp: "failed to scan array element 1:
// cannot scan NULL into *string", "cannot scan Infinity into *time.Time".
var scanReasonRE = regexp.MustCompile(`^(failed to scan array element [0-9]+: )?cannot scan (NULL|Infinity|-Infinity) into \*?[A-Za-z0-9_.\[\]*]+$`)

// encodeMessage describes an encode error by parameter and type, since
// pgx's own text quotes the offending value, and returns the parameter's
// position ($1 is 1) when pgx named it.
func encodeMessage(err error) (string, int) {
	msg, param := "cannot encode value", 0
	text := err.Error()
	for e := err; e != nil; e = errors.Unwrap(e) {
		if rest, ok := strings.CutPrefix(e.Error(), "failed to encode args["); ok {
			if i := strings.IndexByte(rest, ']'); i > 0 {
				if n, convErr := strconv.Atoi(rest[:i]); convErr == nil {
					param = n + 1
					msg = "cannot encode argument $" + strconv.Itoa(param)
				}
			}
			break
		}
	}
	var ce *codecError
	if errors.As(err, &ce) {
		return msg + ": " + ce.msg, param
	}
	return msg + encodeDetail(text), param
}

// oidRE finds the type pgx names in an encode error:
// `unable to encode 5 into binary format for int4 (OID 23): …`.
var oidRE = regexp.MustCompile(`\(OID ([0-9]+)\)`)

// defaultTypes is pgx's map of the built-in types, for naming the type of
// an encode error by its OID.
var defaultTypes = sync.OnceValue(pgtype.NewMap)

// encodeDetail returns " as <type>: <reason>" for the text of a pgx encode
// error, without the value it quotes: the type comes from the OID (so
// nothing of the value can pass for it), the reason from a fixed list.
func encodeDetail(text string) string {
	var b strings.Builder
	if m := oidRE.FindAllStringSubmatch(text, -1); len(m) > 0 {
		if oid, err := strconv.ParseUint(m[len(m)-1][1], 10, 32); err == nil {
			if t, ok := defaultTypes().TypeForOID(uint32(oid)); ok {
				b.WriteString(" as ")
				b.WriteString(t.Name)
			}
		}
	}
	switch {
	case strings.Contains(text, "is greater than maximum value for"), strings.Contains(text, "is less than minimum value for"),
		strings.Contains(text, "out of range"), strings.Contains(text, "overflow"):
		b.WriteString(": out of range for the type")
	case strings.Contains(text, "json: "):
		b.WriteString(": the value does not marshal to JSON")
	case strings.Contains(text, "cannot find encode plan"):
		b.WriteString(": pgx cannot encode a Go value of this type for it")
	}
	return b.String()
}

// ErrHiddenKey is the underlying error of an upsert or CreateIfAbsent of
// generated code whose key is taken by a row the caller cannot see or
// change: another tenant's row, or a soft-deleted one. The *DbError
// around it has KindConflict.
var ErrHiddenKey = errors.New("the key is taken by a row this call cannot see (another tenant's, or a deleted one)")

// newHiddenKeyError returns the *DbError of KindConflict of an upsert or
// CreateIfAbsent whose row in the way is out of the caller's sight (an
// Op with HiddenKey).
func newHiddenKeyError(op, table string) error {
	return &DbError{Kind: KindConflict, Op: op, Table: table, OpTable: table, Message: ErrHiddenKey.Error(), Err: ErrHiddenKey}
}

// redactedInput stands, in a DbError's chain (DbError.Err), for an error
// whose text quotes a statement's input: a value the server refused as
// invalid (SQLSTATE class 22, whose message shows it, or its bytes as
// "0xff"), a value pgx could not encode or a COPY aborted for one (pgx's
// text quotes it), a value read back that did not scan. Such a value may
// be a sensitive column's or parameter's, so nothing of the chain that
// errors.Unwrap, %v, %+v or a logger reaches may show it: the error
// keeps what Wrap found (de, without Err) and, for a server error, a copy
// of the *pgconn.PgError without the value (errors.As still finds its
// Code). The original error is kept for errors.Is only: its text is
// never returned.
type redactedInput struct {
	de    DbError
	inner *pgconn.PgError
	orig  error
}

// Is reports whether the original error matches target (errors.Is), so
// that the redaction takes nothing from comparisons with sentinels or
// with the error a caller holds.
func (e *redactedInput) Is(target error) bool {
	return e.orig == target || errors.Is(e.orig, target)
}

// Error returns the server's error without the value, or the message
// Wrap made.
func (e *redactedInput) Error() string {
	if e.inner != nil {
		return e.inner.Error()
	}
	return e.de.Message
}

// Unwrap returns the server's error without the value, or nil.
func (e *redactedInput) Unwrap() error {
	if e.inner == nil {
		return nil
	}
	return e.inner
}

// redactInput replaces e.Err by a redactedInput when e is invalid input
// or an encoding error, whose underlying error may quote the value.
func redactInput(e *DbError) {
	var pgErr *pgconn.PgError
	isPg := errors.As(e.Err, &pgErr)
	switch {
	case e.Kind == KindEncoding:
	case e.Kind == KindValidation && isPg && (invalidInput(pgErr) || isCopyFail(pgErr)):
	case e.Kind == KindValidation && !isPg && isEncodeError(e.Err):
	default:
		return
	}
	re := &redactedInput{de: *e, orig: e.Err}
	re.de.Err = nil
	if isPg {
		msg := e.Message
		if len(e.Fields) == 1 {
			msg = e.Fields[0].Message
		}
		cp := *pgErr
		cp.Message, cp.Detail, cp.Where, cp.InternalQuery, cp.InternalPosition = msg, "", "", "", 0
		if p := whereParam(pgErr.Where); p > 0 {
			cp.Where = "unnamed portal parameter $" + strconv.Itoa(p)
		}
		re.inner = &cp
	}
	e.Err = re
}

// SpecName returns the Name of the sentinel of sentinels for the
// constraint named constraint: the one on table when several tables of
// the package have a constraint of that name, or "". The generated errs
// names a violated constraint as the spec does with it, from the
// package's list of its constraints' sentinels.
func SpecName(table, constraint string, sentinels []*ConstraintSentinel) string {
	name, found := "", 0
	for _, s := range sentinels {
		if s.Constraint != constraint {
			continue
		}
		if s.Table == table {
			return s.Name
		}
		name, found = s.Name, found+1
	}
	if found == 1 {
		return name
	}
	return ""
}
