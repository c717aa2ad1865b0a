package runtime_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

var txSchema = []string{
	"CREATE TABLE items (name text PRIMARY KEY)",
	"CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL)",
	"INSERT INTO counters VALUES (1, 0)",
	"CREATE TABLE attempts_log (attempt int NOT NULL)",
}

func items(t *testing.T, db runtime.DBTX) []string {
	t.Helper()
	rows, _ := db.Query(testContext(t), "SELECT name FROM items ORDER BY name")
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func insertItem(ctx context.Context, tx pgx.Tx, name string) error {
	_, err := tx.Exec(ctx, "INSERT INTO items VALUES ($1)", name)
	return err
}

// insertThen returns a transaction body that inserts the item name and
// then, when the insert succeeded, returns fail.
func insertThen(ctx context.Context, name string, fail error) func(pgx.Tx) error {
	return func(tx pgx.Tx) error {
		if err := insertItem(ctx, tx, name); err != nil {
			return err
		}
		return fail
	}
}

func TestInTxCommit(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{}, txSchema...)
	err := db.InTx(ctx, runtime.TxOptions{}, func(tx pgx.Tx) error {
		return insertItem(ctx, tx, "a")
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := items(t, db); strings.Join(got, ",") != "a" {
		t.Errorf("items = %v", got)
	}
}

func TestInTxRollbackOnError(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{}, txSchema...)
	errBoom := errors.New("insufficient funds")
	err := db.InTx(ctx, runtime.TxOptions{}, insertThen(ctx, "a", errBoom))
	de := asDbError(t, err, nil)
	// The application's error comes back as it is, with no operation of
	// the runtime's in front.
	if !errors.Is(err, errBoom) || de.Kind != runtime.KindUnknown || de.Op != "" || de.Error() != "insufficient funds" {
		t.Errorf("err = %v (kind %v)", err, de.Kind)
	}
	if got := items(t, db); len(got) != 0 {
		t.Errorf("items = %v, want none", got)
	}

	// A DbError from fn keeps its operation and kind.
	err = db.InTx(ctx, runtime.TxOptions{}, func(tx pgx.Tx) error {
		_ = insertItem(ctx, tx, "b")
		return runtime.Wrap(insertItem(ctx, tx, "b"), "items.Create", "items")
	})
	de = asDbError(t, err, runtime.ErrConflict)
	if de.Op != "items.Create" {
		t.Errorf("Op = %q", de.Op)
	}
	if got := items(t, db); len(got) != 0 {
		t.Errorf("items = %v, want none", got)
	}
}

func TestInTxRollbackOnPanic(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{MaxConns: 1}, txSchema...)
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Errorf("recovered %v, want the panic to go on", r)
			}
		}()
		_ = db.InTx(ctx, runtime.TxOptions{}, func(tx pgx.Tx) error {
			if err := insertItem(ctx, tx, "a"); err != nil {
				return err
			}
			panic("boom")
		})
		t.Error("InTx returned after a panic")
	}()
	// With one connection, this also shows the connection went back to
	// the pool.
	if got := items(t, db); len(got) != 0 {
		t.Errorf("items = %v, want none", got)
	}
}

func TestInTxSavepoint(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{}, txSchema...)
	errInner := errors.New("inner failed")
	err := db.InTx(ctx, runtime.TxOptions{}, func(tx pgx.Tx) error {
		if err := insertItem(ctx, tx, "outer-1"); err != nil {
			return err
		}
		// An inner call that fails loses only its own work.
		err := runtime.InTx(ctx, tx, runtime.TxOptions{}, insertThen(ctx, "inner-failed", errInner))
		if !errors.Is(err, errInner) {
			t.Errorf("inner error = %v", err)
		}
		// An inner call that panics too, once the panic is handled.
		func() {
			defer func() { _ = recover() }()
			_ = runtime.InTx(ctx, tx, runtime.TxOptions{}, func(tx pgx.Tx) error {
				_ = insertItem(ctx, tx, "inner-panicked")
				panic("inner panic")
			})
		}()
		// An inner call that succeeds keeps its work, and so do nested
		// savepoints.
		err = runtime.InTx(ctx, tx, runtime.TxOptions{}, func(tx pgx.Tx) error {
			if err := insertItem(ctx, tx, "inner-ok"); err != nil {
				return err
			}
			return runtime.InTx(ctx, tx, runtime.TxOptions{}, func(tx pgx.Tx) error {
				return insertItem(ctx, tx, "inner-inner-ok")
			})
		})
		if err != nil {
			return err
		}
		// A constraint violation inside a savepoint does not abort the
		// outer transaction.
		err = runtime.InTx(ctx, tx, runtime.TxOptions{}, func(tx pgx.Tx) error {
			return runtime.Wrap(insertItem(ctx, tx, "outer-1"), "items.Create", "items")
		})
		if !errors.Is(err, runtime.ErrConflict) {
			t.Errorf("duplicate in savepoint: %v", err)
		}
		return insertItem(ctx, tx, "outer-2")
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(items(t, db), ","); got != "inner-inner-ok,inner-ok,outer-1,outer-2" {
		t.Errorf("items = %s", got)
	}
}

// increment adds one to counter 1 in tx, reading it and then updating
// it. When interfering, another connection of db adds 100 to it in
// between and commits, so that a serializable or repeatable read tx can
// no longer update it.
func increment(t *testing.T, ctx context.Context, db *runtime.DB, tx pgx.Tx, interfering bool) error {
	t.Helper()
	var n int
	if err := tx.QueryRow(ctx, "SELECT n FROM counters WHERE id = 1").Scan(&n); err != nil {
		return err
	}
	if interfering {
		if _, err := db.Exec(ctx, "UPDATE counters SET n = n + 100 WHERE id = 1"); err != nil {
			t.Fatal(err)
		}
	}
	_, err := tx.Exec(ctx, "UPDATE counters SET n = $1 WHERE id = 1", n+1)
	return err
}

func TestInTxRetriesSerializationFailure(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{}, txSchema...)
	attempts := 0
	err := db.InTx(ctx, runtime.TxOptions{Isolation: pgx.Serializable}, func(tx pgx.Tx) error {
		attempts++
		if _, err := tx.Exec(ctx, "INSERT INTO attempts_log VALUES ($1)", attempts); err != nil {
			return err
		}
		return runtime.Wrap(increment(t, ctx, db, tx, attempts == 1), "counters.Increment", "counters")
	})
	if err != nil {
		t.Fatal(err)
	}
	if attempts != 2 {
		t.Errorf("fn ran %d times, want 2", attempts)
	}
	var n int
	var logged []int32
	if err := db.QueryRow(ctx, "SELECT n FROM counters WHERE id = 1").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, "SELECT array_agg(attempt) FROM attempts_log").Scan(&logged); err != nil {
		t.Fatal(err)
	}
	// The interfering +100 and exactly one +1; only the second attempt's
	// log row was committed.
	if n != 101 || len(logged) != 1 || logged[0] != 2 {
		t.Errorf("n = %d, attempts logged %v; want 101 and [2]", n, logged)
	}
}

// TestInTxRetriesFailedCommit makes the serialization failure surface at
// COMMIT (write skew between two serializable transactions) and checks
// that the whole function runs again.
func TestInTxRetriesFailedCommit(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{},
		"CREATE TABLE doctors (name text PRIMARY KEY, on_call bool NOT NULL)",
		"INSERT INTO doctors VALUES ('alice', true), ('bob', true)")
	serializable := runtime.TxOptions{Isolation: pgx.Serializable}
	// goOffCall takes name off call if someone else stays on call.
	goOffCall := func(tx pgx.Tx, name string) error {
		var onCall int
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM doctors WHERE on_call").Scan(&onCall); err != nil {
			return err
		}
		if onCall < 2 {
			return errors.New("last doctor on call")
		}
		_, err := tx.Exec(ctx, "UPDATE doctors SET on_call = false WHERE name = $1", name)
		return err
	}
	attempts, fnSucceeded := 0, 0
	err := db.InTx(ctx, serializable, func(tx pgx.Tx) error {
		attempts++
		if err := goOffCall(tx, "alice"); err != nil {
			return err
		}
		if attempts == 1 {
			// Bob does the same concurrently and commits first.
			err := runtime.InTx(ctx, db, serializable, func(tx2 pgx.Tx) error { return goOffCall(tx2, "bob") })
			if err != nil {
				t.Errorf("bob: %v", err)
			}
		}
		fnSucceeded++
		return nil
	})
	var de *runtime.DbError
	// Alice's second attempt sees Bob off call and gives up.
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "last doctor on call") {
		t.Fatalf("err = %v, want the second attempt's own error", err)
	}
	if attempts != 2 || fnSucceeded != 1 {
		t.Errorf("attempts %d, fn succeeded %d times; want 2 and 1 (the first COMMIT failed)", attempts, fnSucceeded)
	}
	var onCall int
	if err := db.QueryRow(ctx, "SELECT count(*) FROM doctors WHERE on_call").Scan(&onCall); err != nil {
		t.Fatal(err)
	}
	if onCall != 1 {
		t.Errorf("%d doctors on call, want 1", onCall)
	}
}

func TestInTxAttemptsExhausted(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{}, txSchema...)
	attempts := 0
	err := db.InTx(ctx, runtime.TxOptions{Isolation: pgx.RepeatableRead, MaxAttempts: 3}, func(tx pgx.Tx) error {
		attempts++
		return increment(t, ctx, db, tx, true)
	})
	de := asDbError(t, err, runtime.ErrSerialization)
	if attempts != 3 || !strings.Contains(err.Error(), "gave up after 3 attempts") || de.Code != "40001" {
		t.Errorf("attempts %d, err %v", attempts, err)
	}

	// MaxAttempts 1 does not retry.
	attempts = 0
	err = db.InTx(ctx, runtime.TxOptions{Isolation: pgx.RepeatableRead, MaxAttempts: 1}, func(tx pgx.Tx) error {
		attempts++
		return increment(t, ctx, db, tx, true)
	})
	if attempts != 1 || !errors.Is(err, runtime.ErrSerialization) {
		t.Errorf("attempts %d, err %v", attempts, err)
	}
}

func TestInTxNestedDoesNotRetry(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{}, txSchema...)
	outer, inner := 0, 0
	err := db.InTx(ctx, runtime.TxOptions{Isolation: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		outer++
		return runtime.InTx(ctx, tx, runtime.TxOptions{}, func(tx pgx.Tx) error {
			inner++
			return increment(t, ctx, db, tx, outer == 1)
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if outer != 2 || inner != 2 {
		t.Errorf("outer ran %d times, inner %d; want 2 and 2 (retried from the outside only)", outer, inner)
	}
}

func TestInTxCanceledDuringBackoff(t *testing.T) {
	db := openDB(t, runtime.Config{}, txSchema...)
	ctx, cancel := context.WithCancel(testContext(t))
	attempts := 0
	err := db.InTx(ctx, runtime.TxOptions{}, func(tx pgx.Tx) error {
		attempts++
		cancel()
		return &pgconn.PgError{Code: "40001", Message: "could not serialize access"}
	})
	de := asDbError(t, err, runtime.ErrCanceled)
	if attempts != 1 || !strings.Contains(de.Message, "while waiting to retry after serialization failure") {
		t.Errorf("attempts %d, err %v", attempts, err)
	}
}

func TestInTxReadOnly(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{}, txSchema...)
	err := db.InTx(ctx, runtime.TxOptions{ReadOnly: true}, func(tx pgx.Tx) error {
		return insertItem(ctx, tx, "a")
	})
	de := asDbError(t, err, nil)
	if de.Code != "25006" {
		t.Errorf("err = %v (code %s), want read_only_sql_transaction", err, de.Code)
	}
	if got := items(t, db); len(got) != 0 {
		t.Errorf("items = %v", got)
	}
}

func TestInTxOptionsApplied(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{})
	cases := []struct {
		opts                            runtime.TxOptions
		isolation, readOnly, deferrable string
	}{
		{runtime.TxOptions{}, "read committed", "off", "off"},
		{runtime.TxOptions{Isolation: pgx.RepeatableRead}, "repeatable read", "off", "off"},
		{runtime.TxOptions{Isolation: pgx.Serializable, ReadOnly: true, Deferrable: true}, "serializable", "on", "on"},
		{runtime.TxOptions{Isolation: pgx.ReadCommitted, ReadOnly: true}, "read committed", "on", "off"},
	}
	for _, tc := range cases {
		var isolation, readOnly, deferrable string
		err := db.InTx(ctx, tc.opts, func(tx pgx.Tx) error {
			return tx.QueryRow(ctx, `SELECT current_setting('transaction_isolation'),
				current_setting('transaction_read_only'), current_setting('transaction_deferrable')`).
				Scan(&isolation, &readOnly, &deferrable)
		})
		if err != nil {
			t.Fatal(err)
		}
		if isolation != tc.isolation || readOnly != tc.readOnly || deferrable != tc.deferrable {
			t.Errorf("%+v: got %s/%s/%s, want %s/%s/%s", tc.opts, isolation, readOnly, deferrable, tc.isolation, tc.readOnly, tc.deferrable)
		}
	}
}

func TestInTxOnPoolAndConn(t *testing.T) {
	ctx := testContext(t)
	pool := pgtest.Pool(t)
	if _, err := pool.Exec(ctx, txSchema[0]); err != nil {
		t.Fatal(err)
	}
	if err := runtime.InTx(ctx, pool, runtime.TxOptions{}, func(tx pgx.Tx) error { return insertItem(ctx, tx, "pool") }); err != nil {
		t.Fatal(err)
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if err := runtime.InTx(ctx, conn.Conn(), runtime.TxOptions{}, func(tx pgx.Tx) error { return insertItem(ctx, tx, "conn") }); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(items(t, pool), ","); got != "conn,pool" {
		t.Errorf("items = %s", got)
	}

	// A DBTX that cannot begin a transaction gets a clear error.
	onlyDBTX := struct{ runtime.DBTX }{pool}
	err = runtime.InTx(ctx, onlyDBTX, runtime.TxOptions{}, func(pgx.Tx) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "cannot begin a transaction") {
		t.Errorf("err = %v", err)
	}
}

func TestBeginError(t *testing.T) {
	db := openDB(t, runtime.Config{})
	ctx, cancel := context.WithCancel(testContext(t))
	cancel()
	_, err := db.Begin(ctx)
	de := asDbError(t, err, runtime.ErrCanceled)
	if de.Op != "runtime.Begin" {
		t.Errorf("Op = %q", de.Op)
	}
}
