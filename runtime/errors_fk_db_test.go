package runtime_test

import (
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cpcgen/cpcgen/runtime"
)

// The sentinels generated code declares for the foreign key
// stock.warehouse_code → warehouse.code: one per direction, and the
// either-way sentinel that code generated before directions existed has.
var (
	errStockWarehouseCodeNotFound   = runtime.NewForeignKeySentinel("stock", "stock_warehouse_code_fkey", "warehouse_code.references", runtime.FKMissing)
	errStockWarehouseCodeReferenced = runtime.NewForeignKeySentinel("stock", "stock_warehouse_code_fkey", "warehouse_code.references", runtime.FKReferenced)
	errStockWarehouseCodeEither     = runtime.NewConstraintSentinel(runtime.KindForeignKey, "stock", "stock_warehouse_code_fkey", "warehouse_code.references")
)

var fkSchema = []string{
	`CREATE TABLE warehouse (code char(4) PRIMARY KEY)`,
	`CREATE TABLE stock (
		id             int PRIMARY KEY,
		warehouse_code char(4) NOT NULL CONSTRAINT stock_warehouse_code_fkey REFERENCES warehouse (code)
	)`,
	`CREATE TABLE employee (id int PRIMARY KEY, boss int CONSTRAINT employee_boss_fkey REFERENCES employee (id))`,
	// region → site (cascade) → rack (restrict): deleting a region
	// cascades to its sites, which racks still reference.
	`CREATE TABLE region (id int PRIMARY KEY)`,
	`CREATE TABLE site (id int PRIMARY KEY, region_id int NOT NULL REFERENCES region (id) ON DELETE CASCADE)`,
	`CREATE TABLE rack (id int PRIMARY KEY, site_id int NOT NULL CONSTRAINT rack_site_id_fkey REFERENCES site (id))`,
	`INSERT INTO warehouse VALUES ('DEL'), ('FREE')`,
	`INSERT INTO stock VALUES (1, 'DEL')`,
	`INSERT INTO employee VALUES (1, NULL), (2, 1)`,
	`INSERT INTO region VALUES (1)`, `INSERT INTO site VALUES (10, 1)`, `INSERT INTO rack VALUES (100, 10)`,
}

// TestForeignKeyDirections produces both directions of a foreign key
// violation on a real server and checks the tables, the direction and
// which sentinels match, as a generated method's errs.Wrap reports them.
func TestForeignKeyDirections(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{}, fkSchema...)

	type want struct {
		table, opTable, constraint string
		dir                        runtime.FKDirection
	}
	check := func(t *testing.T, err error, w want) {
		t.Helper()
		de := asDbError(t, err, runtime.ErrForeignKey)
		if de.Table != w.table || de.OpTable != w.opTable || de.Constraint != w.constraint || de.FK != w.dir || de.Code != "23503" {
			t.Errorf("Table %q OpTable %q Constraint %q FK %v Code %s; want %+v", de.Table, de.OpTable, de.Constraint, de.FK, de.Code, w)
		}
		referenced := w.dir == runtime.FKReferenced
		if errors.Is(err, runtime.ErrReferenced) != referenced || errors.Is(err, runtime.ErrReferenceNotFound) == referenced {
			t.Errorf("ErrReferenced %v, ErrReferenceNotFound %v, want %v and %v", errors.Is(err, runtime.ErrReferenced), errors.Is(err, runtime.ErrReferenceNotFound), referenced, !referenced)
		}
		if errors.Is(err, runtime.ErrNotFound) {
			t.Error("a foreign key violation matches ErrNotFound")
		}
	}

	t.Run("delete of a referenced parent", func(t *testing.T) {
		_, err := db.Exec(ctx, "DELETE FROM warehouse WHERE code = $1", "DEL")
		err = runtime.Wrap(err, "warehouse.Delete", "warehouse")
		check(t, err, want{"stock", "warehouse", "stock_warehouse_code_fkey", runtime.FKReferenced})
		if !errors.Is(err, errStockWarehouseCodeReferenced) || !errors.Is(err, errStockWarehouseCodeEither) {
			t.Error("the delete does not match the Referenced or the either-way sentinel")
		}
		if errors.Is(err, errStockWarehouseCodeNotFound) {
			t.Error("the delete matches the NotFound sentinel")
		}
		if de := asDbError(t, err, nil); de.Op != "warehouse.Delete" {
			t.Errorf("Op = %q", de.Op)
		}
	})

	t.Run("update of a referenced key", func(t *testing.T) {
		_, err := db.Exec(ctx, "UPDATE warehouse SET code = $1 WHERE code = $2", "NEW", "DEL")
		err = runtime.Wrap(err, "warehouse.Update", "warehouse")
		check(t, err, want{"stock", "warehouse", "stock_warehouse_code_fkey", runtime.FKReferenced})
		if !errors.Is(err, errStockWarehouseCodeReferenced) {
			t.Error("no match")
		}
	})

	t.Run("insert of a child with a missing parent", func(t *testing.T) {
		_, err := db.Exec(ctx, "INSERT INTO stock VALUES ($1, $2)", 2, "NONE")
		err = runtime.Wrap(err, "stock.Create", "stock")
		check(t, err, want{"stock", "stock", "stock_warehouse_code_fkey", runtime.FKMissing})
		if !errors.Is(err, errStockWarehouseCodeNotFound) || !errors.Is(err, errStockWarehouseCodeEither) || errors.Is(err, errStockWarehouseCodeReferenced) {
			t.Error("the insert matches the wrong sentinels")
		}
	})

	t.Run("update of a child to a missing parent", func(t *testing.T) {
		_, err := db.Exec(ctx, "UPDATE stock SET warehouse_code = $1 WHERE id = 1", "NONE")
		check(t, runtime.Wrap(err, "stock.Update", "stock"), want{"stock", "stock", "stock_warehouse_code_fkey", runtime.FKMissing})
	})

	t.Run("self reference", func(t *testing.T) {
		// Same table on both sides: only the server's wording tells.
		_, err := db.Exec(ctx, "DELETE FROM employee WHERE id = 1")
		check(t, runtime.Wrap(err, "employee.Delete", "employee"), want{"employee", "employee", "employee_boss_fkey", runtime.FKReferenced})
		_, err = db.Exec(ctx, "UPDATE employee SET boss = 99 WHERE id = 2")
		check(t, runtime.Wrap(err, "employee.Update", "employee"), want{"employee", "employee", "employee_boss_fkey", runtime.FKMissing})
	})

	t.Run("through a cascade", func(t *testing.T) {
		_, err := db.Exec(ctx, "DELETE FROM region WHERE id = 1")
		check(t, runtime.Wrap(err, "region.Delete", "region"), want{"rack", "region", "rack_site_id_fkey", runtime.FKReferenced})
	})

	t.Run("inside InTx, named by the method", func(t *testing.T) {
		// A generated method that runs its statements in InTx returns
		// them raw; its own wrap names the operation.
		err := runtime.InTx(ctx, db, runtime.TxOptions{}, func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, "DELETE FROM warehouse WHERE code = $1", "DEL")
			return err
		})
		err = runtime.Wrap(err, "warehouse.DeleteMany", "warehouse")
		check(t, err, want{"stock", "warehouse", "stock_warehouse_code_fkey", runtime.FKReferenced})
		if de := asDbError(t, err, nil); de.Op != "warehouse.DeleteMany" {
			t.Errorf("Op = %q", de.Op)
		}
	})

	// The parent that nobody references goes.
	if _, err := db.Exec(ctx, "DELETE FROM warehouse WHERE code = 'FREE'"); err != nil {
		t.Fatal(err)
	}
}

// TestForeignKeyDirectionLocalized covers a server whose messages are
// not in English (lc_messages): the direction then comes from the
// tables, also when the operation's table is only learnt by a later
// Wrap.
func TestForeignKeyDirectionLocalized(t *testing.T) {
	referenced := &pgconn.PgError{Code: "23503", TableName: "stock", ConstraintName: "stock_warehouse_code_fkey",
		Message: `UPDATE oder DELETE in Tabelle »warehouse« verletzt Fremdschlüssel-Constraint »stock_warehouse_code_fkey« von Tabelle »stock«`}
	missing := &pgconn.PgError{Code: "23503", TableName: "stock", ConstraintName: "stock_warehouse_code_fkey",
		Message: `Einfügen oder Aktualisieren in Tabelle »stock« verletzt Fremdschlüssel-Constraint »stock_warehouse_code_fkey«`}
	cases := []struct {
		name string
		err  error
		want runtime.FKDirection
	}{
		{"delete", runtime.Wrap(referenced, "warehouse.Delete", "warehouse"), runtime.FKReferenced},
		{"insert", runtime.Wrap(missing, "stock.Create", "stock"), runtime.FKMissing},
		{"delete, table known later", runtime.Wrap(runtime.Wrap(referenced, "", ""), "warehouse.Delete", "warehouse"), runtime.FKReferenced},
		{"schema-qualified op table", runtime.Wrap(missing, "stock.Create", "inventory.stock"), runtime.FKMissing},
	}
	for _, tc := range cases {
		de := asDbError(t, tc.err, runtime.ErrForeignKey)
		if de.FK != tc.want {
			t.Errorf("%s: FK = %v, want %v", tc.name, de.FK, tc.want)
		}
		if errors.Is(tc.err, errStockWarehouseCodeReferenced) != (tc.want == runtime.FKReferenced) {
			t.Errorf("%s: Referenced sentinel match is wrong", tc.name)
		}
	}
}

// TestForeignKeySentinelText checks what the sentinels say and match.
func TestForeignKeySentinelText(t *testing.T) {
	cases := []struct {
		s    *runtime.ConstraintSentinel
		text string
	}{
		{errStockWarehouseCodeNotFound, `stock: foreign key violation on "stock_warehouse_code_fkey" (referenced row not found)`},
		{errStockWarehouseCodeReferenced, `stock: foreign key violation on "stock_warehouse_code_fkey" (still referenced)`},
		{errStockWarehouseCodeEither, `stock: foreign key violation on "stock_warehouse_code_fkey"`},
	}
	for _, tc := range cases {
		if got := tc.s.Error(); got != tc.text {
			t.Errorf("Error() = %s, want %s", got, tc.text)
		}
		if !errors.Is(tc.s, runtime.ErrForeignKey) || runtime.KindOf(tc.s) != runtime.KindForeignKey {
			t.Errorf("%s does not match ErrForeignKey", tc.text)
		}
	}
	if !errors.Is(errStockWarehouseCodeReferenced, runtime.ErrReferenced) || errors.Is(errStockWarehouseCodeNotFound, runtime.ErrReferenced) ||
		!errors.Is(errStockWarehouseCodeNotFound, runtime.ErrReferenceNotFound) || errors.Is(errStockWarehouseCodeEither, runtime.ErrReferenced) {
		t.Error("sentinels match the wrong direction")
	}
	if !errors.Is(runtime.ErrReferenced, runtime.ErrForeignKey) || runtime.KindOf(runtime.ErrReferenced) != runtime.KindForeignKey {
		t.Error("ErrReferenced is not a foreign key error")
	}
}
