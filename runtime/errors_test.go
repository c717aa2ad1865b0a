package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cpcgen/cpcgen/runtime"
)

func TestKindString(t *testing.T) {
	want := map[runtime.Kind]string{
		runtime.KindUnknown:       "unknown error",
		runtime.KindNotFound:      "not found",
		runtime.KindConflict:      "unique conflict",
		runtime.KindForeignKey:    "foreign key violation",
		runtime.KindCheck:         "check violation",
		runtime.KindNotNull:       "not null violation",
		runtime.KindValidation:    "validation failed",
		runtime.KindSerialization: "serialization failure",
		runtime.KindDeadlock:      "deadlock",
		runtime.KindConnection:    "connection failure",
		runtime.KindTimeout:       "timeout",
		runtime.KindCanceled:      "canceled",
		runtime.KindEncoding:      "encoding error",
		runtime.KindMisuse:        "misuse",
		runtime.Kind(200):         "kind(200)",
	}
	for k, s := range want {
		if k.String() != s {
			t.Errorf("Kind(%d).String() = %q, want %q", k, k.String(), s)
		}
	}
}

// TestWrapMapping covers the mapping rules with the error values pgx and
// pgconn produce; TestErrorKindsFromServer shows them on a real server.
func TestWrapMapping(t *testing.T) {
	pg := func(code, msg string) error { return &pgconn.PgError{Code: code, Message: msg} }
	cases := []struct {
		err  error
		kind runtime.Kind
	}{
		{pgx.ErrNoRows, runtime.KindNotFound},
		{fmt.Errorf("find: %w", pgx.ErrNoRows), runtime.KindNotFound},
		{pg("23505", "dup"), runtime.KindConflict},
		{pg("23P01", "overlap"), runtime.KindConflict},
		{pg("23503", "fk"), runtime.KindForeignKey},
		{pg("23514", "check"), runtime.KindCheck},
		{pg("23502", "null"), runtime.KindNotNull},
		{pg("40001", "serialize"), runtime.KindSerialization},
		{pg("40P01", "deadlock"), runtime.KindDeadlock},
		{pg("55P03", "lock"), runtime.KindTimeout},
		{pg("57014", "canceling statement due to statement timeout"), runtime.KindTimeout},
		{pg("57014", "canceling statement due to user request"), runtime.KindCanceled},
		{errors.Join(pg("57014", "canceling statement due to user request"), context.DeadlineExceeded), runtime.KindTimeout},
		{pg("08006", "connection failure"), runtime.KindConnection},
		{pg("57P01", "terminating connection due to administrator command"), runtime.KindConnection},
		{pg("57P02", "crash"), runtime.KindConnection},
		{pg("57P03", "cannot connect now"), runtime.KindConnection},
		{pg("53300", "too many connections"), runtime.KindConnection},
		{pg("28P01", "password authentication failed"), runtime.KindConnection},
		{pg("22003", "numeric field overflow"), runtime.KindValidation},
		{pg("22021", `invalid byte sequence for encoding "UTF8": 0x00`), runtime.KindValidation},
		{pg("22P03", "incorrect binary data format"), runtime.KindEncoding},
		{&pgconn.PgError{Severity: "ERROR", Code: "08P01", Message: "no data left in message"}, runtime.KindEncoding},
		{&pgconn.PgError{Severity: "FATAL", Code: "08P01", Message: "invalid frontend message type 0"}, runtime.KindConnection},
		{pg("2200H", "nextval: reached maximum value of sequence"), runtime.KindUnknown},
		{&pgconn.PgError{Code: "57014", Message: "COPY from stdin failed: unable to encode 7 into binary format for int2 (OID 21): 7 is greater than maximum value for int2", Routine: "CopyGetData"}, runtime.KindValidation},
		{&pgconn.PgError{Code: "57014", Message: "COPY from stdin failed: source broke", Routine: "CopyGetData"}, runtime.KindUnknown},
		{pg("42501", "permission denied for table accounts"), runtime.KindUnknown},
		{pg("42P01", "relation does not exist"), runtime.KindUnknown},
		{context.Canceled, runtime.KindCanceled},
		{context.DeadlineExceeded, runtime.KindTimeout},
		{io.EOF, runtime.KindConnection},
		{io.ErrUnexpectedEOF, runtime.KindConnection},
		{pgconn.ErrConnClosed, runtime.KindConnection},
		{errors.New("closed pool"), runtime.KindConnection},
		{fmt.Errorf("failed to encode args[2]: %w", errors.New("unable to encode 5 into binary format")), runtime.KindValidation},
		{errors.New("conn busy"), runtime.KindMisuse},
		{fmt.Errorf("step: %w", pgx.ErrTxClosed), runtime.KindMisuse},
		{pgx.ScanArgError{ColumnIndex: 1, FieldName: "amount", Err: errors.New("cannot scan")}, runtime.KindEncoding},
		{errors.New("something else"), runtime.KindUnknown},
	}
	for _, tc := range cases {
		err := runtime.Wrap(tc.err, "op", "")
		var de *runtime.DbError
		if !errors.As(err, &de) {
			t.Fatalf("Wrap(%v) is %T", tc.err, err)
		}
		if de.Kind != tc.kind {
			t.Errorf("Wrap(%v).Kind = %v, want %v", tc.err, de.Kind, tc.kind)
		}
		if runtime.KindOf(tc.err) != tc.kind {
			t.Errorf("KindOf(%v) = %v, want %v", tc.err, runtime.KindOf(tc.err), tc.kind)
		}
		if !errors.Is(err, tc.err) {
			t.Errorf("Wrap(%v) lost the original error", tc.err)
		}
		if s := sentinelFor(tc.kind); s != nil && !errors.Is(err, s) {
			t.Errorf("Wrap(%v) does not match %v", tc.err, s)
		}
	}
	if runtime.Wrap(nil, "op", "t") != nil {
		t.Error("Wrap(nil) is not nil")
	}
	if runtime.KindOf(nil) != runtime.KindUnknown || runtime.KindOf(runtime.ErrDeadlock) != runtime.KindDeadlock {
		t.Error("KindOf of nil or a sentinel")
	}
}

func sentinelFor(k runtime.Kind) error {
	return map[runtime.Kind]error{
		runtime.KindNotFound: runtime.ErrNotFound, runtime.KindConflict: runtime.ErrConflict,
		runtime.KindForeignKey: runtime.ErrForeignKey, runtime.KindCheck: runtime.ErrCheck,
		runtime.KindNotNull: runtime.ErrNotNull, runtime.KindValidation: runtime.ErrValidation,
		runtime.KindSerialization: runtime.ErrSerialization, runtime.KindDeadlock: runtime.ErrDeadlock,
		runtime.KindConnection: runtime.ErrConnection, runtime.KindTimeout: runtime.ErrTimeout,
		runtime.KindCanceled: runtime.ErrCanceled, runtime.KindEncoding: runtime.ErrEncoding,
		runtime.KindMisuse: runtime.ErrMisuse,
	}[k]
}

func TestWrapKeepsDbError(t *testing.T) {
	orig := &runtime.DbError{Kind: runtime.KindConflict, Op: "accounts.Create", Constraint: "c", Message: "dup"}
	if got := runtime.Wrap(orig, "store.InTx", "other").(*runtime.DbError); got.Op != "accounts.Create" || got.Table != "other" || got.OpTable != "other" {
		t.Errorf("Wrap filled or replaced fields wrongly: %+v", got)
	}
	if orig.Table != "" {
		t.Error("Wrap changed the original DbError")
	}
	if got := runtime.Wrap(orig, "", ""); got != error(orig) {
		t.Error("Wrap with nothing to fill did not return the error itself")
	}
	bare := &runtime.DbError{Kind: runtime.KindNotFound}
	if got := runtime.Wrap(bare, "accounts.Find", "accounts").(*runtime.DbError); got.Op != "accounts.Find" || got.Table != "accounts" || got.OpTable != "accounts" {
		t.Errorf("empty fields not filled: %+v", got)
	}
	// A DbError wrapped by the application keeps its kind and the
	// application's wrapping.
	appErr := fmt.Errorf("checkout: %w", orig)
	got := runtime.Wrap(appErr, "", "").(*runtime.DbError)
	if got.Kind != runtime.KindConflict || !errors.Is(got, orig) || got.Unwrap() != appErr {
		t.Errorf("Wrap of a wrapped DbError: %+v", got)
	}
	// Table is the server's table; the operation's is OpTable, and Table
	// only when the server names none.
	if de := runtime.Wrap(&pgconn.PgError{Code: "23505", TableName: "srv"}, "op", "").(*runtime.DbError); de.Table != "srv" || de.OpTable != "" {
		t.Errorf("table = %q, op table %q, want the server's and none", de.Table, de.OpTable)
	}
	if de := runtime.Wrap(&pgconn.PgError{Code: "23505", TableName: "srv"}, "op", "mine").(*runtime.DbError); de.Table != "srv" || de.OpTable != "mine" {
		t.Errorf("table = %q, op table %q, want srv and mine", de.Table, de.OpTable)
	}
	if de := runtime.Wrap(&pgconn.PgError{Code: "42P01"}, "op", "mine").(*runtime.DbError); de.Table != "mine" || de.OpTable != "mine" {
		t.Errorf("table = %q, op table %q, want mine twice", de.Table, de.OpTable)
	}
}

func TestDbErrorText(t *testing.T) {
	cases := []struct {
		err  *runtime.DbError
		want string
	}{
		{&runtime.DbError{Kind: runtime.KindNotFound, Op: "accounts.FindByID"}, "accounts.FindByID: not found"},
		{&runtime.DbError{Kind: runtime.KindConflict, Op: "accounts.Create", Constraint: "accounts_email_key", Message: "duplicate key"},
			`accounts.Create: unique conflict on "accounts_email_key": duplicate key`},
		{&runtime.DbError{Kind: runtime.KindNotNull, Column: "email", Message: "null value"}, `not null violation on column "email": null value`},
		{&runtime.DbError{Kind: runtime.KindUnknown, Message: "insufficient funds"}, "insufficient funds"},
		{&runtime.DbError{Kind: runtime.KindValidation, Op: "t.Create", Column: "s", Fields: []runtime.FieldError{{Field: "s", Message: "bad"}}, Message: "s: bad"}, "t.Create: validation failed: s: bad"},
		{&runtime.DbError{}, "unknown error"},
	}
	for _, tc := range cases {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
	// Server messages of data exceptions quote the input; it is cut.
	de := runtime.Wrap(&pgconn.PgError{Code: "22P02", Message: `invalid input syntax for type integer: "4111 1111 1111 1111"`}, "q", "").(*runtime.DbError)
	if de.Message != "invalid input syntax for type integer" {
		t.Errorf("Message = %q", de.Message)
	}
}

func TestNewValidationError(t *testing.T) {
	err := runtime.NewValidationError("users.Create", "users", []runtime.FieldError{
		{Field: "email", Message: "must be a valid email address"},
		{Field: "username", Message: "must be at least 3 characters"},
	})
	de := asDbError(t, err, runtime.ErrValidation)
	want := "users.Create: validation failed: email: must be a valid email address; username: must be at least 3 characters"
	if de.Error() != want || len(de.Fields) != 2 || de.Table != "users" {
		t.Errorf("Error() = %q, fields %v", de.Error(), de.Fields)
	}
	if errors.Is(err, runtime.ErrConflict) {
		t.Error("a validation error matches ErrConflict")
	}
}

// retryableConnErr is a connection error that pgconn reports as safe to
// retry, as it does for failures before anything was sent.
type retryableConnErr struct{}

func (retryableConnErr) Error() string     { return "conn busy elsewhere" }
func (retryableConnErr) SafeToRetry() bool { return true }

func TestIsRetryable(t *testing.T) {
	cases := []struct {
		err  error
		want bool
	}{
		{&pgconn.PgError{Code: "40001"}, true},
		{&pgconn.PgError{Code: "40P01"}, true},
		{runtime.Wrap(&pgconn.PgError{Code: "40001"}, "op", ""), true},
		{fmt.Errorf("step: %w", &pgconn.PgError{Code: "40P01"}), true},
		{retryableConnErr{}, true},
		{io.EOF, false},
		{&pgconn.PgError{Code: "23505"}, false},
		{&pgconn.PgError{Code: "57014"}, false},
		{context.Canceled, false},
		{nil, false},
	}
	for _, tc := range cases {
		if got := runtime.IsRetryable(tc.err); got != tc.want {
			t.Errorf("IsRetryable(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
	if !strings.Contains(runtime.Wrap(retryableConnErr{}, "op", "").Error(), "connection failure") {
		t.Error("a SafeToRetry error is not a connection failure")
	}
}

// TestInputNeverQuoted covers the data exceptions whose messages quote
// the input in other places than the end, and the context lines that
// tell the parameter or the COPY column.
func TestInputNeverQuoted(t *testing.T) {
	cases := []struct {
		pg      *pgconn.PgError
		message string
		param   int
		column  string
	}{
		{&pgconn.PgError{Code: "22023", Message: `time zone "Secret/Zone" not recognized`}, `time zone not recognized`, 0, ""},
		{&pgconn.PgError{Code: "22P05", Message: `character with byte sequence 0xe2 0x82 0xac in encoding "UTF8" has no equivalent in encoding "LATIN1"`},
			`character in encoding "UTF8" has no equivalent in encoding "LATIN1"`, 0, ""},
		{&pgconn.PgError{Code: "22021", Message: `invalid byte sequence for encoding "UTF8": 0xc3 0x28`, Where: `portal "p1" parameter $3`},
			`invalid byte sequence for encoding "UTF8"`, 3, ""},
		{&pgconn.PgError{Code: "22P02", Message: `invalid input syntax for type json`, Where: "JSON data, line 1: {\"$7\nunnamed portal parameter $2 = '...'"},
			`invalid input syntax for type json`, 2, ""},
		// A context line that quotes the value is not read for a position.
		{&pgconn.PgError{Code: "22P02", Message: `invalid input syntax for type json`, Where: "JSON data, line 1: unnamed portal parameter $9"},
			`invalid input syntax for type json`, 0, ""},
		{&pgconn.PgError{Code: "22001", Message: `value too long for type character varying(5)`, Where: `COPY t, line 2, column code: "Secret-Value"`},
			`code: value too long for type character varying(5)`, 0, "code"},
	}
	for _, tc := range cases {
		de := runtime.Wrap(tc.pg, "q", "t").(*runtime.DbError)
		if de.Message != tc.message || de.Param != tc.param || de.Column != tc.column || de.Kind != runtime.KindValidation {
			t.Errorf("%s: message %q param %d column %q kind %v; want %q %d %q", tc.pg.Message, de.Message, de.Param, de.Column, de.Kind, tc.message, tc.param, tc.column)
		}
		if strings.Contains(de.Error(), "Secret") || strings.Contains(de.Error(), "0x") {
			t.Errorf("the input shows: %s", de.Error())
		}
	}
}

// TestSpecName: a constraint is named by the one sentinel of its name,
// by the sentinel of the error's table when tables share the name, and
// not at all when none matches.
func TestSpecName(t *testing.T) {
	sentinels := []*runtime.ConstraintSentinel{
		runtime.NewConstraintSentinel(runtime.KindConflict, "users", "users_pkey", "primary_key"),
		runtime.NewConstraintSentinel(runtime.KindCheck, "users", "positive", "age.check"),
		runtime.NewConstraintSentinel(runtime.KindCheck, "orders", "positive", "total.check"),
	}
	for _, c := range []struct{ table, constraint, want string }{
		{"users", "users_pkey", "primary_key"},
		{"accounts", "users_pkey", "primary_key"},
		{"orders", "positive", "total.check"},
		{"users", "positive", "age.check"},
		{"accounts", "positive", ""},
		{"users", "other", ""},
	} {
		if got := runtime.SpecName(c.table, c.constraint, sentinels); got != c.want {
			t.Errorf("SpecName(%q, %q) = %q, want %q", c.table, c.constraint, got, c.want)
		}
	}
	if got := runtime.SpecName("users", "users_pkey", nil); got != "" {
		t.Errorf("no sentinels: %q", got)
	}
}
