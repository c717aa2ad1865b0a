package runtime_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/cpcgen/cpcgen/runtime"
)

var productSchema = []string{
	`CREATE TABLE product (
		id    int PRIMARY KEY,
		sku   text NOT NULL CONSTRAINT product_sku_key UNIQUE,
		label text NOT NULL DEFAULT 'none'
	)`,
	`INSERT INTO product (id, sku) VALUES (1, 'TAKEN')`,
}

// newProduct is what generated code calls an insert struct: label is
// optional, and left unset it takes the column's default.
type newProduct struct {
	ID    int
	SKU   string
	Label *string
}

// createManyProducts is product.CreateMany as the generator writes it
// for a table with an optional field: rows are copied in groups by the
// optional fields they set, and more than one group runs in InTx (a
// savepoint when db is a transaction). Its errors are wrapped with the
// method's name, like every generated method's.
func createManyProducts(ctx context.Context, db runtime.DBTX, rows []newProduct) (int64, error) {
	const op, table = "product.CreateMany", "product"
	copyGroup := func(db runtime.DBTX, withLabel bool) (int64, error) {
		cols := []string{"id", "sku"}
		if withLabel {
			cols = append(cols, "label")
		}
		var src [][]any
		for _, r := range rows {
			if (r.Label != nil) != withLabel {
				continue
			}
			v := []any{r.ID, r.SKU}
			if withLabel {
				v = append(v, *r.Label)
			}
			src = append(src, v)
		}
		return db.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(src))
	}
	var groups []bool
	for _, r := range rows {
		if g := r.Label != nil; !slices.Contains(groups, g) {
			groups = append(groups, g)
		}
	}
	if len(groups) == 1 {
		n, err := copyGroup(db, groups[0])
		return n, runtime.Wrap(err, op, table)
	}
	var total int64
	err := runtime.InTx(ctx, db, runtime.TxOptions{}, func(tx pgx.Tx) error {
		total = 0
		for _, g := range groups {
			n, err := copyGroup(tx, g)
			if err != nil {
				return err
			}
			total += n
		}
		return nil
	})
	if err != nil {
		return 0, runtime.Wrap(err, op, table)
	}
	return total, nil
}

// TestOperationIsTheMethod checks that an error of a generated method
// that runs InTx on its own behalf names the method, whether the rows
// set the same optional fields (no transaction) or not (InTx, or a
// savepoint inside the caller's transaction), and that nothing of InTx
// shows in the message.
func TestOperationIsTheMethod(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{}, productSchema...)
	label := "red"
	uniform := []newProduct{{ID: 2, SKU: "A"}, {ID: 3, SKU: "TAKEN"}}
	mixed := []newProduct{{ID: 2, SKU: "A", Label: &label}, {ID: 3, SKU: "TAKEN"}}

	check := func(t *testing.T, err error) {
		t.Helper()
		de := asDbError(t, err, runtime.ErrConflict)
		if de.Op != "product.CreateMany" || de.OpTable != "product" || de.Constraint != "product_sku_key" {
			t.Errorf("Op %q OpTable %q Constraint %q", de.Op, de.OpTable, de.Constraint)
		}
		if !strings.HasPrefix(err.Error(), `product.CreateMany: unique conflict on "product_sku_key": `) || strings.Contains(err.Error(), "runtime.") {
			t.Errorf("Error() = %s", err)
		}
	}
	t.Run("uniform rows", func(t *testing.T) {
		_, err := createManyProducts(ctx, db, uniform)
		check(t, err)
	})
	t.Run("mixed rows", func(t *testing.T) {
		_, err := createManyProducts(ctx, db, mixed)
		check(t, err)
	})
	t.Run("mixed rows in the caller's transaction", func(t *testing.T) {
		err := runtime.InTx(ctx, db, runtime.TxOptions{}, func(tx pgx.Tx) error {
			_, err := createManyProducts(ctx, tx, mixed)
			check(t, err)
			return err
		})
		check(t, err)
	})
	t.Run("mixed rows on a pool", func(t *testing.T) {
		_, err := createManyProducts(ctx, db.Pool(), mixed)
		check(t, err)
	})
	if n := countRows(t, db, "product"); n != 1 {
		t.Errorf("%d products, want 1", n)
	}

	t.Run("BEGIN fails", func(t *testing.T) {
		canceled, cancel := context.WithCancel(ctx)
		cancel()
		_, err := createManyProducts(canceled, db, mixed)
		de := asDbError(t, err, runtime.ErrCanceled)
		if de.Op != "product.CreateMany" {
			t.Errorf("Op = %q: %v", de.Op, err)
		}
		// Begin called by the application still names itself.
		_, err = db.Begin(canceled)
		if de := asDbError(t, err, runtime.ErrCanceled); de.Op != "runtime.Begin" {
			t.Errorf("Begin: Op = %q", de.Op)
		}
	})

	t.Run("retries run out", func(t *testing.T) {
		attempts := 0
		err := runtime.InTx(ctx, db, runtime.TxOptions{MaxAttempts: 2}, func(tx pgx.Tx) error {
			attempts++
			_, err := tx.Exec(ctx, "DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = 'serialization_failure', MESSAGE = 'could not serialize'; END $$")
			return err
		})
		err = runtime.Wrap(err, "product.Reprice", "product")
		de := asDbError(t, err, runtime.ErrSerialization)
		want := "product.Reprice: serialization failure: gave up after 2 attempts: could not serialize"
		if attempts != 2 || de.Op != "product.Reprice" || err.Error() != want {
			t.Errorf("attempts %d\nError() = %s\nwant      %s", attempts, err, want)
		}
	})

	t.Run("canceled while waiting to retry", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		err := runtime.InTx(cctx, db, runtime.TxOptions{}, func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, "DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = 'deadlock_detected'; END $$")
			cancel()
			return err
		})
		err = runtime.Wrap(err, "product.Reprice", "product")
		de := asDbError(t, err, runtime.ErrCanceled)
		if de.Op != "product.Reprice" || strings.Contains(err.Error(), "runtime.") || !strings.Contains(err.Error(), "while waiting to retry after deadlock") {
			t.Errorf("Op %q: %v", de.Op, err)
		}
	})

	t.Run("bad settings", func(t *testing.T) {
		err := runtime.InTx(ctx, db, runtime.TxOptions{Settings: map[string]string{"bad name": "1"}}, func(pgx.Tx) error { return nil })
		err = runtime.Wrap(err, "Store.InTx", "")
		de := asDbError(t, err, runtime.ErrValidation)
		if de.Op != "Store.InTx" || len(de.Fields) != 1 || de.Fields[0].Field != "Settings" {
			t.Errorf("%+v", de)
		}
	})
}

// TestConnBusy runs a statement on a transaction inside a loop over the
// rows of another statement on the same transaction, the mistake of a
// query inside a Stream loop: it is a misuse, says what was done wrong,
// and is not retried.
func TestConnBusy(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{}, productSchema...)
	attempts := 0
	err := runtime.InTx(ctx, db, runtime.TxOptions{}, func(tx pgx.Tx) error {
		attempts++
		rows, err := tx.Query(ctx, "SELECT id FROM product")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if _, err := tx.Exec(ctx, "UPDATE product SET label = 'seen'"); err != nil {
				return runtime.Wrap(err, "product.Touch", "product")
			}
		}
		return rows.Err()
	})
	de := asDbError(t, err, runtime.ErrMisuse)
	if attempts != 1 || de.Op != "product.Touch" || runtime.IsRetryable(err) || errors.Is(err, runtime.ErrConnection) {
		t.Errorf("attempts %d, Op %q, retryable %v: %v", attempts, de.Op, runtime.IsRetryable(err), err)
	}
	if !strings.Contains(err.Error(), "conn busy: a statement ran on a connection or transaction whose earlier query still has rows open") {
		t.Errorf("Error() = %s", err)
	}
	// The transaction was rolled back and the DB is usable.
	var label string
	if err := db.QueryRow(ctx, "SELECT label FROM product WHERE id = 1").Scan(&label); err != nil || label != "none" {
		t.Errorf("label %q, %v", label, err)
	}

	// A transaction used after it ended is a misuse too.
	var leaked pgx.Tx
	if err := runtime.InTx(ctx, db, runtime.TxOptions{}, func(tx pgx.Tx) error { leaked = tx; return nil }); err != nil {
		t.Fatal(err)
	}
	_, err = leaked.Exec(ctx, "SELECT 1")
	err = runtime.Wrap(err, "product.Touch", "product")
	if !errors.Is(err, runtime.ErrMisuse) || runtime.IsRetryable(err) || !strings.Contains(err.Error(), "the transaction has already ended") {
		t.Errorf("closed tx: %v", err)
	}
}
