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

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
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
	// KindValidation is input rejected before it reached the database, or
	// a configuration that does not validate.
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
	// KindEncoding is a value that could not be converted between Go and
	// PostgreSQL, on either side (SQLSTATE class 22 and client-side
	// encode and scan errors).
	KindEncoding
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
}

// sentinelOf returns the sentinel of k, or nil for KindUnknown.
func sentinelOf(k Kind) error {
	if int(k) < len(sentinels) {
		return sentinels[k]
	}
	return nil
}

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
	// Op is the operation that failed, such as "accounts.Create".
	Op string
	// Table is the table the operation works on or the server reported.
	Table string
	// Constraint is the violated constraint, when there is one.
	Constraint string
	// SpecName is the spec's name of Constraint, when generated code
	// knows it: a name written in the spec (an index's or check's name:),
	// otherwise the column and option it comes from, such as
	// "email.unique", "user_id.references" or "email.max_length". Generated
	// methods fill it in; errors made elsewhere leave it empty.
	SpecName string
	// Column is the column the server reported, when there is one.
	Column string
	// Code is the SQLSTATE of a server error, such as "23505".
	Code string
	// Message is the server's or the runtime's message; it never holds
	// argument values or secrets.
	Message string
	// Fields lists the rejected fields of a validation error.
	Fields []FieldError
	// Err is the underlying error, if any.
	Err error
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
		case e.Column != "":
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

// Is reports whether target is the sentinel of e's Kind, or a
// ConstraintSentinel for e's constraint (and table, when both name one).
func (e *DbError) Is(target error) bool {
	if cs, ok := target.(*ConstraintSentinel); ok {
		return cs.matches(e)
	}
	if s := sentinelOf(e.Kind); s != nil && target == s {
		return true
	}
	return false
}

// ConstraintSentinel stands for one named constraint, so callers can ask
// errors.Is(err, accounts.ErrEmailTaken) rather than comparing names.
// Generated code declares one per unique, foreign key and check constraint.
type ConstraintSentinel struct {
	// Kind is the kind of error the constraint produces.
	Kind Kind
	// Table is the constrained table; empty matches any table.
	Table string
	// Constraint is the constraint's name in the database.
	Constraint string
	// Name is the spec's name for the constraint.
	Name string
}

// NewConstraintSentinel returns a sentinel for the constraint named
// constraint on table.
func NewConstraintSentinel(kind Kind, table, constraint, name string) *ConstraintSentinel {
	return &ConstraintSentinel{Kind: kind, Table: table, Constraint: constraint, Name: name}
}

// Error returns a description such as
// `accounts: unique conflict on "accounts_email_key"`.
func (s *ConstraintSentinel) Error() string {
	var b strings.Builder
	if s.Table != "" {
		b.WriteString(s.Table)
		b.WriteString(": ")
	}
	b.WriteString(s.Kind.String())
	b.WriteString(" on ")
	b.WriteString(strconv.Quote(s.Constraint))
	return b.String()
}

// Is reports whether target is the sentinel of s's Kind, so that
// errors.Is(accounts.ErrEmailTaken, runtime.ErrConflict) holds.
func (s *ConstraintSentinel) Is(target error) bool {
	st := sentinelOf(s.Kind)
	return st != nil && target == st
}

func (s *ConstraintSentinel) matches(e *DbError) bool {
	if s.Constraint == "" || e.Constraint != s.Constraint {
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
	return &DbError{Kind: KindConflict, Op: op, Table: table, Message: ErrStaleVersion.Error(), Err: ErrStaleVersion}
}

// NewValidationError returns a *DbError of KindValidation for op and table
// whose message lists every rejected field.
func NewValidationError(op, table string, fields []FieldError) error {
	return &DbError{
		Kind:    KindValidation,
		Op:      op,
		Table:   table,
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
// op (such as "accounts.Create") on table. It returns nil for nil. An error
// that already is or wraps a *DbError keeps its fields; only an empty Op
// or Table is filled in.
//
// The kind comes from, in order:
//   - pgx.ErrNoRows: KindNotFound;
//   - a *pgconn.PgError, by SQLSTATE: 23505 and 23P01 KindConflict, 23503
//     KindForeignKey, 23514 KindCheck, 23502 KindNotNull, 40001
//     KindSerialization, 40P01 KindDeadlock, 55P03 (lock_timeout) and
//     25P03 (idle_in_transaction_session_timeout) KindTimeout, 57014 KindTimeout when the statement_timeout expired and
//     KindCanceled when the statement was canceled on request (or the
//     chain holds context.Canceled), class 08, class 28, 53300 and
//     57P01-57P03 KindConnection, class 22 KindEncoding. Everything else,
//     including 42501 (insufficient privilege), stays KindUnknown with its
//     Code set, since neither retrying nor fixing the input helps;
//   - context.Canceled: KindCanceled; context.DeadlineExceeded and
//     pgconn timeouts: KindTimeout;
//   - *pgconn.ConnectError, net.Error, io.EOF and io.ErrUnexpectedEOF,
//     pgconn.ErrConnClosed, a closed pool, and any error for which
//     pgconn.SafeToRetry reports true: KindConnection;
//   - pgx encode and scan errors: KindEncoding.
//
// The server's table name is used when table is empty. Messages that the
// server builds from input values (class 22) are cut before the value.
func Wrap(err error, op, table string) error {
	if err == nil {
		return nil
	}
	var de *DbError
	if errors.As(err, &de) {
		if (de.Op != "" || op == "") && (de.Table != "" || table == "") && err == error(de) {
			return de
		}
		cp := *de
		if cp.Op == "" {
			cp.Op = op
		}
		if cp.Table == "" {
			cp.Table = table
		}
		if err != error(de) {
			cp.Err = err
		}
		return &cp
	}
	e := classify(err)
	e.Op = op
	if table != "" {
		e.Table = table
	}
	return e
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
	var cs *ConstraintSentinel
	if errors.As(err, &cs) {
		return cs.Kind
	}
	return classify(err).Kind
}

// IsRetryable reports whether running the whole transaction again may
// succeed: serialization failures and deadlocks, and connection failures
// that happened before the statement was sent (pgconn.SafeToRetry).
func IsRetryable(err error) bool {
	switch KindOf(err) {
	case KindSerialization, KindDeadlock:
		return true
	case KindConnection:
		return pgconn.SafeToRetry(err)
	}
	return false
}

// classify builds a DbError from an error that is not one.
func classify(err error) *DbError {
	e := &DbError{Err: err}

	if errors.Is(err, pgx.ErrNoRows) {
		e.Kind = KindNotFound
		return e
	}

	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		e.Kind = kindOfSQLState(pgErr.Code, pgErr.Message, err)
		e.Code = pgErr.Code
		e.Table = pgErr.TableName
		e.Constraint = pgErr.ConstraintName
		e.Column = pgErr.ColumnName
		e.Message = safeServerMessage(pgErr)
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

	if isEncodingError(err) {
		e.Kind = KindEncoding
		e.Message = encodingMessage(err)
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
	}
	switch {
	case strings.HasPrefix(code, "08"), strings.HasPrefix(code, "28"):
		return KindConnection
	case strings.HasPrefix(code, "22"):
		return KindEncoding
	}
	return KindUnknown
}

// safeServerMessage returns the server's message without the input values
// that data exceptions quote, such as `invalid input syntax for type
// integer: "abc"`.
func safeServerMessage(pgErr *pgconn.PgError) string {
	msg := pgErr.Message
	if strings.HasPrefix(pgErr.Code, "22") {
		msg = dataExceptionMessage(msg)
	}
	return msg + poolerHint(pgErr)
}

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
// "LATIN1"`. Names of encodings and types stay.
func dataExceptionMessage(msg string) string {
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
	return out
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

// isEncodingError recognizes pgx's encode and scan errors, which carry no
// exported type apart from pgx.ScanArgError.
func isEncodingError(err error) bool {
	var scanErr pgx.ScanArgError
	if errors.As(err, &scanErr) {
		return true
	}
	var ce *codecError
	if errors.As(err, &ce) {
		return true
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		msg := e.Error()
		if strings.HasPrefix(msg, "failed to encode args[") ||
			strings.HasPrefix(msg, "unable to encode") ||
			strings.HasPrefix(msg, "cannot scan") ||
			strings.HasPrefix(msg, "can't scan") {
			return true
		}
	}
	return false
}

// encodingMessage describes an encode or scan error by position, since
// pgx's own text quotes the offending value. Errors from this package's
// codecs name no values and are appended.
func encodingMessage(err error) string {
	var msg string
	var scanErr pgx.ScanArgError
	if errors.As(err, &scanErr) {
		msg = "cannot scan column " + strconv.Itoa(scanErr.ColumnIndex)
		if scanErr.FieldName != "" && scanErr.FieldName != "?column?" {
			msg += " (" + scanErr.FieldName + ")"
		}
	} else {
		msg = "cannot encode value"
		for e := err; e != nil; e = errors.Unwrap(e) {
			s := e.Error()
			if rest, ok := strings.CutPrefix(s, "failed to encode args["); ok {
				if i := strings.IndexByte(rest, ']'); i > 0 {
					if n, convErr := strconv.Atoi(rest[:i]); convErr == nil {
						msg = "cannot encode argument $" + strconv.Itoa(n+1)
					}
				}
				break
			}
			if strings.HasPrefix(s, "cannot scan") || strings.HasPrefix(s, "can't scan") {
				msg = "cannot scan value"
				break
			}
		}
	}
	var ce *codecError
	if errors.As(err, &ce) {
		msg += ": " + ce.msg
	}
	return msg
}

// ErrHiddenKey is the underlying error of an upsert or CreateIfAbsent of
// generated code whose key is taken by a row the caller cannot see or
// change: another tenant's row, or a soft-deleted one. The *DbError
// around it has KindConflict.
var ErrHiddenKey = errors.New("the key is taken by a row this call cannot see (another tenant's, or a deleted one)")

// NewHiddenKeyError returns the *DbError of KindConflict that generated
// code reports when the row in the way of an upsert is out of the
// caller's sight.
func NewHiddenKeyError(op, table string) error {
	return &DbError{Kind: KindConflict, Op: op, Table: table, Message: ErrHiddenKey.Error(), Err: ErrHiddenKey}
}
