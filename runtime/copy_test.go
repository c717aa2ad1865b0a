package runtime_test

import (
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/cpcgen/cpcgen/runtime"
)

type mood string

func TestRegisterEnumTypesLetsCopyEncodeEnumArrays(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{},
		`CREATE TYPE "Mood ""x""" AS ENUM ('happy', 'so-so', 'it''s complicated')`,
		`CREATE TABLE feelings (id int PRIMARY KEY, one "Mood ""x""", many "Mood ""x"""[])`)
	rows := [][]any{{1, mood("happy"), []mood{"so-so", "it's complicated"}}, {2, nil, []mood{}}, {3, mood("so-so"), nil}}
	copyRows := func(tx pgx.Tx) error {
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"feelings"}, []string{"id", "one", "many"}, pgx.CopyFromRows(rows))
		return err
	}
	// Without the types, pgx cannot encode the array in binary.
	err := runtime.InTx(ctx, db, runtime.TxOptions{}, copyRows)
	if err == nil {
		t.Fatal("COPY of an enum array worked without registering the type; the helper may be unneeded")
	}
	err = runtime.InTx(ctx, db, runtime.TxOptions{}, func(tx pgx.Tx) error {
		for range 2 { // the second call finds the types registered
			if err := runtime.RegisterEnumTypes(ctx, tx.Conn(), `"Mood ""x"""`); err != nil {
				return err
			}
		}
		return copyRows(tx)
	})
	if err != nil {
		t.Fatal(err)
	}
	var many []mood
	if err := db.QueryRow(ctx, `SELECT many::text[] FROM feelings WHERE id = 1`).Scan(&many); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(many, []mood{"so-so", "it's complicated"}) {
		t.Fatalf("read back %q", many)
	}
	err = runtime.InTx(ctx, db, runtime.TxOptions{}, func(tx pgx.Tx) error {
		return runtime.RegisterEnumTypes(ctx, tx.Conn(), "no_such_type")
	})
	if err == nil {
		t.Fatal("an unknown type name was accepted")
	}
}
