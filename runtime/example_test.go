package runtime_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// This example opens a pool, moves money between two accounts in one
// transaction, and shows what a violated constraint looks like. It runs
// against the throwaway PostgreSQL of pgtest; an application would call
// runtime.ConfigFromEnv instead.
func Example() {
	ctx := context.Background()
	url, drop, err := pgtest.NewDatabase(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer drop(ctx)

	db, err := runtime.Open(ctx, runtime.Config{URL: url, MaxConns: 4, ApplicationName: "example"})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	if _, err := db.Exec(ctx, `CREATE TABLE accounts (
		name    text PRIMARY KEY,
		balance numeric(18,2) NOT NULL CONSTRAINT accounts_balance_check CHECK (balance >= 0))`); err != nil {
		log.Fatal(err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO accounts VALUES ('alice', 100), ('bob', 0)`); err != nil {
		log.Fatal(err)
	}

	transfer := func(from, to string, amount decimal.Decimal) error {
		return db.InTx(ctx, runtime.TxOptions{Isolation: pgx.Serializable}, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `UPDATE accounts SET balance = balance - $1 WHERE name = $2`, amount, from); err != nil {
				return runtime.Wrap(err, "accounts.Withdraw", "accounts")
			}
			_, err := tx.Exec(ctx, `UPDATE accounts SET balance = balance + $1 WHERE name = $2`, amount, to)
			return runtime.Wrap(err, "accounts.Deposit", "accounts")
		})
	}

	fmt.Println(transfer("alice", "bob", decimal.RequireFromString("30.50")))
	err = transfer("alice", "bob", decimal.RequireFromString("500"))
	fmt.Println(err)
	fmt.Println(errors.Is(err, runtime.ErrCheck))

	rows, _ := db.Query(ctx, `SELECT name, balance FROM accounts ORDER BY name`)
	var name string
	var balance decimal.Decimal
	_, err = pgx.ForEachRow(rows, []any{&name, &balance}, func() error {
		fmt.Println(name, balance.StringFixed(2))
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// <nil>
	// accounts.Withdraw: check violation on "accounts_balance_check": new row for relation "accounts" violates check constraint "accounts_balance_check"
	// true
	// alice 69.50
	// bob 30.50
}
