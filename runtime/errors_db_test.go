package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cpcgen/cpcgen/runtime"
)

var errorSchema = []string{
	`CREATE TABLE accounts (
		id      int PRIMARY KEY,
		email   text NOT NULL CONSTRAINT accounts_email_key UNIQUE,
		balance numeric(18,2) NOT NULL DEFAULT 0 CONSTRAINT accounts_balance_check CHECK (balance >= 0)
	)`,
	`CREATE TABLE orders (
		id         int PRIMARY KEY,
		account_id int NOT NULL CONSTRAINT orders_account_id_fkey REFERENCES accounts (id)
	)`,
	`CREATE TABLE bookings (
		during int4range NOT NULL,
		CONSTRAINT bookings_no_overlap EXCLUDE USING gist (during WITH &&)
	)`,
	`INSERT INTO accounts (id, email) VALUES (1, 'first@example.com'), (2, 'second@example.com')`,
}

// asDbError returns err as a *DbError, failing the test when it is not
// one or does not match want.
func asDbError(t *testing.T, err error, want error) *runtime.DbError {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	var de *runtime.DbError
	if !errors.As(err, &de) {
		t.Fatalf("%T is not a *runtime.DbError: %v", err, err)
	}
	if want != nil && !errors.Is(err, want) {
		t.Fatalf("errors.Is(%v, %v) = false (kind %v, code %s)", err, want, de.Kind, de.Code)
	}
	return de
}

func TestErrorKindsFromServer(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{}, errorSchema...)

	t.Run("unique conflict", func(t *testing.T) {
		_, err := db.Exec(ctx, "INSERT INTO accounts (id, email) VALUES ($1, $2)", 3, "first@example.com")
		err = runtime.Wrap(err, "accounts.Create", "accounts")
		de := asDbError(t, err, runtime.ErrConflict)
		want := `accounts.Create: unique conflict on "accounts_email_key": duplicate key value violates unique constraint "accounts_email_key"`
		if de.Error() != want {
			t.Errorf("Error() =\n%s\nwant\n%s", de.Error(), want)
		}
		if de.Code != "23505" || de.Constraint != "accounts_email_key" || de.Table != "accounts" || de.Op != "accounts.Create" {
			t.Errorf("fields = %+v", de)
		}
		if strings.Contains(de.Error(), "first@example.com") {
			t.Errorf("Error() shows the argument value: %s", de.Error())
		}
		if runtime.IsRetryable(err) {
			t.Error("a unique conflict is retryable")
		}
	})

	t.Run("constraint sentinel", func(t *testing.T) {
		_, err := db.Exec(ctx, "INSERT INTO accounts (id, email) VALUES ($1, $2)", 4, "second@example.com")
		err = runtime.Wrap(err, "accounts.Create", "accounts")
		emailTaken := runtime.NewConstraintSentinel(runtime.KindConflict, "accounts", "accounts_email_key", "EmailTaken")
		anyTable := runtime.NewConstraintSentinel(runtime.KindConflict, "", "accounts_email_key", "EmailTaken")
		otherConstraint := runtime.NewConstraintSentinel(runtime.KindConflict, "accounts", "accounts_pkey", "IDTaken")
		otherTable := runtime.NewConstraintSentinel(runtime.KindConflict, "users", "accounts_email_key", "EmailTaken")
		if !errors.Is(err, emailTaken) || !errors.Is(err, anyTable) {
			t.Error("the error does not match its constraint's sentinel")
		}
		if errors.Is(err, otherConstraint) || errors.Is(err, otherTable) {
			t.Error("the error matches another constraint's sentinel")
		}
		if !errors.Is(emailTaken, runtime.ErrConflict) || errors.Is(emailTaken, runtime.ErrCheck) {
			t.Error("the sentinel does not match exactly the sentinel of its kind")
		}
		if got := emailTaken.Error(); got != `accounts: unique conflict on "accounts_email_key"` {
			t.Errorf("sentinel Error() = %s", got)
		}
		// Wrapped further by the application, it still matches.
		wrapped := errors.Join(errors.New("signup"), err)
		if !errors.Is(wrapped, emailTaken) || !errors.Is(wrapped, runtime.ErrConflict) {
			t.Error("a wrapped error does not match")
		}
	})

	t.Run("exclusion conflict", func(t *testing.T) {
		_, err := db.Exec(ctx, "INSERT INTO bookings VALUES ('[1,10)'), ('[5,15)')")
		de := asDbError(t, runtime.Wrap(err, "bookings.Create", ""), runtime.ErrConflict)
		if de.Code != "23P01" || de.Constraint != "bookings_no_overlap" || de.Table != "bookings" {
			t.Errorf("fields = %+v", de)
		}
	})

	t.Run("foreign key", func(t *testing.T) {
		_, err := db.Exec(ctx, "INSERT INTO orders (id, account_id) VALUES (1, $1)", 999)
		de := asDbError(t, runtime.Wrap(err, "orders.Create", "orders"), runtime.ErrForeignKey)
		if de.Constraint != "orders_account_id_fkey" || de.Code != "23503" {
			t.Errorf("fields = %+v", de)
		}
		if strings.Contains(de.Error(), "999") {
			t.Errorf("Error() shows the argument value: %s", de.Error())
		}
	})

	t.Run("check", func(t *testing.T) {
		_, err := db.Exec(ctx, "UPDATE accounts SET balance = $1 WHERE id = 1", -5)
		de := asDbError(t, runtime.Wrap(err, "accounts.Update", "accounts"), runtime.ErrCheck)
		if de.Constraint != "accounts_balance_check" || de.Code != "23514" {
			t.Errorf("fields = %+v", de)
		}
	})

	t.Run("not null", func(t *testing.T) {
		_, err := db.Exec(ctx, "INSERT INTO accounts (id, email) VALUES (5, $1)", nil)
		de := asDbError(t, runtime.Wrap(err, "accounts.Create", ""), runtime.ErrNotNull)
		if de.Column != "email" || de.Table != "accounts" || de.Code != "23502" {
			t.Errorf("fields = %+v", de)
		}
		if !strings.Contains(de.Error(), `not null violation on column "email"`) {
			t.Errorf("Error() = %s", de.Error())
		}
	})

	t.Run("not found", func(t *testing.T) {
		var email string
		err := db.QueryRow(ctx, "SELECT email FROM accounts WHERE id = $1", 404).Scan(&email)
		err = runtime.Wrap(err, "accounts.FindByID", "accounts")
		de := asDbError(t, err, runtime.ErrNotFound)
		if de.Error() != "accounts.FindByID: not found" {
			t.Errorf("Error() = %s", de.Error())
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			t.Error("pgx.ErrNoRows is not reachable")
		}
	})

	t.Run("invalid input on the server", func(t *testing.T) {
		_, err := db.Exec(ctx, "SELECT $1::text::int", "secret-looking-value")
		de := asDbError(t, runtime.Wrap(err, "q", ""), runtime.ErrValidation)
		if de.Code != "22P02" || strings.Contains(de.Error(), "secret-looking-value") {
			t.Errorf("Error() = %s (code %s)", de.Error(), de.Code)
		}
	})

	t.Run("an argument pgx cannot encode", func(t *testing.T) {
		_, err := db.Exec(ctx, "SELECT $1::int", struct{ Secret string }{"secret-looking-value"})
		de := asDbError(t, runtime.Wrap(err, "q", ""), runtime.ErrValidation)
		if !strings.Contains(de.Error(), "cannot encode argument $1 as int4") || de.Param != 1 || strings.Contains(de.Error(), "secret-looking-value") {
			t.Errorf("Error() = %s", de.Error())
		}
	})

	t.Run("encoding a result", func(t *testing.T) {
		var n int
		err := db.QueryRow(ctx, "SELECT 'secret-looking-value'::text AS label").Scan(&n)
		de := asDbError(t, runtime.Wrap(err, "q", ""), runtime.ErrEncoding)
		if de.Error() != "q: encoding error: cannot scan column 0 (label)" {
			t.Errorf("Error() = %s", de.Error())
		}
	})

	t.Run("a value the Go type cannot hold", func(t *testing.T) {
		for _, tc := range []struct {
			sql    string
			target any
			want   string
		}{
			{"SELECT 'infinity'::timestamptz AS at", new(time.Time), "cannot scan column 0 (at): cannot scan Infinity into *time.Time"},
			{"SELECT '-infinity'::date AS at", new(time.Time), "cannot scan column 0 (at): cannot scan -Infinity into *time.Time"},
			{"SELECT '{a,NULL}'::text[] AS tags", new([]string), "cannot scan column 0 (tags): failed to scan array element 1: cannot scan NULL into *string"},
			{"SELECT NULL::text AS label", new(string), "cannot scan column 0 (label): cannot scan NULL into *string"},
		} {
			err := db.QueryRow(ctx, tc.sql).Scan(tc.target)
			de := asDbError(t, runtime.Wrap(err, "q", ""), runtime.ErrEncoding)
			if want := "q: encoding error: " + tc.want; de.Error() != want {
				t.Errorf("%s: Error() = %s, want %s", tc.sql, de.Error(), want)
			}
		}
	})

	t.Run("lock timeout", func(t *testing.T) {
		tx, err := db.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		if _, err := tx.Exec(ctx, "SELECT * FROM accounts WHERE id = 1 FOR UPDATE"); err != nil {
			t.Fatal(err)
		}
		_, err = db.Exec(ctx, "SELECT * FROM accounts WHERE id = 1 FOR UPDATE NOWAIT")
		de := asDbError(t, runtime.Wrap(err, "q", ""), runtime.ErrTimeout)
		if de.Code != "55P03" {
			t.Errorf("code = %s", de.Code)
		}
	})

	t.Run("connection terminated", func(t *testing.T) {
		conn, err := db.Pool().Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Release()
		_, err = conn.Exec(ctx, "SELECT pg_terminate_backend(pg_backend_pid())")
		de := asDbError(t, runtime.Wrap(err, "q", ""), runtime.ErrConnection)
		if de.Code != "57P01" {
			t.Errorf("code = %s: %v", de.Code, err)
		}
		// The statement was sent: retrying it blindly is not safe.
		if runtime.IsRetryable(err) {
			t.Error("a connection lost after sending is retryable")
		}
	})

	t.Run("unknown keeps the code", func(t *testing.T) {
		_, err := db.Exec(ctx, "SELEC 1")
		de := asDbError(t, runtime.Wrap(err, "q", ""), nil)
		if de.Kind != runtime.KindUnknown || de.Code != "42601" {
			t.Errorf("kind %v code %s", de.Kind, de.Code)
		}
	})
}

func TestSerializationFailure(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{},
		"CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL)",
		"INSERT INTO counters VALUES (1, 0)")
	serializable := pgx.TxOptions{IsoLevel: pgx.Serializable}
	tx1, err := db.BeginTx(ctx, serializable)
	if err != nil {
		t.Fatal(err)
	}
	defer tx1.Rollback(ctx)
	tx2, err := db.BeginTx(ctx, serializable)
	if err != nil {
		t.Fatal(err)
	}
	defer tx2.Rollback(ctx)
	// Both take their snapshot; tx2 then changes the row and commits.
	for _, tx := range []pgx.Tx{tx1, tx2} {
		if _, err := tx.Exec(ctx, "SELECT n FROM counters WHERE id = 1"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := tx2.Exec(ctx, "UPDATE counters SET n = n + 1 WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	if err := tx2.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = tx1.Exec(ctx, "UPDATE counters SET n = n + 1 WHERE id = 1")
	err = runtime.Wrap(err, "counters.Increment", "counters")
	de := asDbError(t, err, runtime.ErrSerialization)
	if de.Code != "40001" || !runtime.IsRetryable(err) {
		t.Errorf("code %s, retryable %v", de.Code, runtime.IsRetryable(err))
	}
}

func TestDeadlock(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{},
		"CREATE TABLE rows (id int PRIMARY KEY, n int NOT NULL)",
		"INSERT INTO rows VALUES (1, 0), (2, 0)")
	begin := func() pgx.Tx {
		tx, err := db.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// Detect the deadlock sooner than the default second.
		if _, err := tx.Exec(ctx, "SET LOCAL deadlock_timeout = '20ms'"); err != nil {
			t.Fatal(err)
		}
		return tx
	}
	tx1, tx2 := begin(), begin()
	defer tx1.Rollback(ctx)
	defer tx2.Rollback(ctx)
	if _, err := tx1.Exec(ctx, "UPDATE rows SET n = 1 WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	if _, err := tx2.Exec(ctx, "UPDATE rows SET n = 2 WHERE id = 2"); err != nil {
		t.Fatal(err)
	}
	// Each now waits for the other's row; the server ends one of them.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, step := range []struct {
		tx pgx.Tx
		id int
	}{{tx1, 2}, {tx2, 1}} {
		wg.Go(func() {
			_, err := step.tx.Exec(ctx, "UPDATE rows SET n = 3 WHERE id = $1", step.id)
			if err != nil {
				// The victim's rollback releases the survivor.
				_ = step.tx.Rollback(ctx)
			}
			errs[i] = runtime.Wrap(err, "rows.Update", "rows")
		})
	}
	wg.Wait()
	deadlocks := 0
	for _, err := range errs {
		if errors.Is(err, runtime.ErrDeadlock) {
			deadlocks++
			if !runtime.IsRetryable(err) {
				t.Error("a deadlock is not retryable")
			}
		} else if err != nil {
			t.Errorf("unexpected error: %v", err)
		}
	}
	if deadlocks != 1 {
		t.Errorf("%d deadlock errors, want 1: %v", deadlocks, errs)
	}
}

func TestStatementTimeout(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{StatementTimeout: 20 * time.Millisecond})
	_, err := db.Exec(ctx, "SELECT pg_sleep(60)")
	de := asDbError(t, runtime.Wrap(err, "slow.Query", ""), runtime.ErrTimeout)
	if de.Code != "57014" || !strings.Contains(de.Message, "statement timeout") {
		t.Errorf("fields = %+v", de)
	}
	if runtime.IsRetryable(err) {
		t.Error("a statement timeout is retryable")
	}
}

func TestCanceledContext(t *testing.T) {
	db := openDB(t, runtime.Config{})
	ctx, cancel := context.WithCancel(testContext(t))
	// Cancel once the statement runs on the server.
	pollCtx := testContext(t)
	go func() {
		defer cancel()
		for range 2000 {
			var n int
			if err := db.QueryRow(pollCtx, "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)' AND state = 'active'").Scan(&n); err != nil || n > 0 {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	_, err := db.Exec(ctx, "SELECT pg_sleep(60)")
	asDbError(t, runtime.Wrap(err, "slow.Query", ""), runtime.ErrCanceled)

	// A context that is already canceled, and one whose deadline passed.
	_, err = db.Exec(ctx, "SELECT 1")
	asDbError(t, runtime.Wrap(err, "q", ""), runtime.ErrCanceled)
	expired, cancel2 := context.WithTimeout(testContext(t), time.Nanosecond)
	defer cancel2()
	<-expired.Done()
	_, err = db.Exec(expired, "SELECT 1")
	asDbError(t, runtime.Wrap(err, "q", ""), runtime.ErrTimeout)
}

func TestServerUnreachable(t *testing.T) {
	ctx := testContext(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	url := "postgres://app:unreachable-pw@127.0.0.1:" + strconv.Itoa(port) + "/app?sslmode=disable&connect_timeout=10"
	db, err := runtime.Open(ctx, runtime.Config{URL: url})
	if err == nil {
		db.Close()
		t.Fatal("Open succeeded on a closed port")
	}
	de := asDbError(t, err, runtime.ErrConnection)
	if de.Op != "runtime.Open" || strings.Contains(err.Error(), "unreachable-pw") {
		t.Errorf("error = %v", err)
	}
}

// TestDataExceptionsQuoteNoValue sends values the server refuses and
// checks that no error shows them, wherever the server's message puts
// them: at the end, in the middle, at the start, or as bytes of an
// invalid character. The statement modes that send parameters as text
// and inline them (simple protocol) are covered too.
func TestDataExceptionsQuoteNoValue(t *testing.T) {
	ctx := testContext(t)
	for _, mode := range []runtime.StatementMode{runtime.StatementModePrepared, runtime.StatementModeExec, runtime.StatementModeSimple} {
		db := openDB(t, runtime.Config{StatementMode: mode}, "CREATE TABLE notes (body text)")
		for _, c := range []struct {
			name, sql string
			arg       any
			shown     []string
			want      string
		}{
			{"syntax", "SELECT $1::text::int", "Secret-Zq9", []string{"Secret", "Zq9"}, "invalid input syntax for type integer"},
			{"out of range", "SELECT $1::text::int", "98765432109", []string{"98765432109", "8765"}, "value is out of range for type integer"},
			{"float range", "SELECT $1::text::float4", "1e99", []string{"1e99"}, "value is out of range for type real"},
			{"invalid UTF-8", "INSERT INTO notes VALUES ($1)", "S\xe9cret\xff\xfeZq9", []string{"0xe9", "0xff", "0xfe", "cret", "Zq9"}, `invalid byte sequence for encoding "UTF8"`},
			{"untranslatable", "SELECT convert_to($1::text, 'LATIN1')", "Zq9-€-Zq9", []string{"0xe2", "0x82", "0xac", "Zq9"}, `character in encoding "UTF8" has no equivalent in encoding "LATIN1"`},
			{"time zone", "SELECT now() AT TIME ZONE $1::text", "Secret.Zq", []string{"Secret", ".Zq"}, "time zone not recognized"},
			{"enum-like", "SELECT $1::text::uuid", "Secret-Zq9", []string{"Secret", "Zq9"}, "invalid input syntax for type uuid"},
			{"date", "SELECT $1::text::date", "2024-13-45", []string{"2024-13", "13-45"}, "date/time field value out of range"},
		} {
			t.Run(string(mode)+"/"+c.name, func(t *testing.T) {
				_, err := db.Exec(ctx, c.sql, c.arg)
				if err == nil {
					t.Fatal("no error")
				}
				err = runtime.Wrap(err, "notes.Create", "notes")
				de := asDbError(t, err, runtime.ErrValidation)
				if de.Message != c.want {
					t.Errorf("Message = %q, want %q", de.Message, c.want)
				}
				for _, s := range c.shown {
					if strings.Contains(de.Error(), s) || strings.Contains(fmt.Sprintf("%v", de), s) {
						t.Errorf("the error shows %q: %v", s, de)
					}
				}
			})
		}
	}
}

func TestDataExceptionMessage(t *testing.T) {
	for msg, want := range map[string]string{
		`invalid input syntax for type integer: "abc"`:                                                          "invalid input syntax for type integer",
		`value "99999999999" is out of range for type integer`:                                                  "value is out of range for type integer",
		`"1e99" is out of range for type real`:                                                                  "value is out of range for type real",
		`invalid byte sequence for encoding "UTF8": 0xe9 0x20 0x61`:                                             `invalid byte sequence for encoding "UTF8"`,
		`character with byte sequence 0xe2 0x82 0xac in encoding "UTF8" has no equivalent in encoding "LATIN1"`: `character in encoding "UTF8" has no equivalent in encoding "LATIN1"`,
		`time zone "secret" not recognized`:                                                                     "time zone not recognized",
		`invalid value "secret" for "YYYY"`:                                                                     "invalid value for",
		`value too long for type character varying(5)`:                                                          "value too long for type character varying(5)",
		`numeric field overflow`:                                                                                "numeric field overflow",
		`unterminated "quote`:                                                                                   "unterminated",
	} {
		if got := runtime.DataExceptionMessage("22000", msg); got != want {
			t.Errorf("%s:\n got %q\nwant %q", msg, got, want)
		}
	}
}

// TestDataExceptionMessageTranslated hides the value in the messages of
// servers whose lc_messages is not English: the translations of
// PostgreSQL 15's data exception messages (its message catalogs), with a
// value that must not show.
func TestDataExceptionMessageTranslated(t *testing.T) {
	for _, msg := range []string{
		"ungültige Eingabesyntax für Typ uuid: »s3cret«",
		"Wert »s3cret« ist außerhalb des gültigen Bereichs für Typ integer",
		"ungültiger Eingabewert für Enum mood: »s3cret«",
		"Zeitzone »s3cret« nicht erkannt",
		"ungültiger Wert »s3cret« für »YYYY«",
		"la sintaxis de entrada no es válida para tipo uuid: «s3cret»",
		"el valor «s3cret» está fuera de rango para el tipo integer",
		"syntaxe en entrée invalide pour le type uuid : « s3cret »",
		"la valeur « s3cret » est en dehors des limites pour le type integer",
		"valeur « s3cret » invalide pour « YYYY »",
		`"uuid"型の入力構文が不正です: "s3cret"`,
		`неверный синтаксис для типа uuid: "s3cret"`,
		`有缺陷的数组常量:"s3cret"`,
		"Syntaxfehler in tsquery: »s3cret«",
	} {
		if got := runtime.DataExceptionMessage("22P02", msg); strings.Contains(got, "s3cret") || got == "" {
			t.Errorf("%s: %q", msg, got)
		}
	}
}
