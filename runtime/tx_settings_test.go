package runtime_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/cpcgen/cpcgen/runtime"
)

// TestInTxSettings checks that Settings hold inside the transaction, in
// every attempt, and are gone after it, on the same connection.
func TestInTxSettings(t *testing.T) {
	ctx := testContext(t)
	var statements atomic.Int64
	counter := runtime.ObserverFunc(func(context.Context, *runtime.QueryEvent) { statements.Add(1) })
	db := openDB(t, runtime.Config{MaxConns: 1, Observers: []runtime.Observer{counter}}, txSchema...)
	setting := func(q interface {
		QueryRow(context.Context, string, ...any) pgx.Row
	}, name string) string {
		var v string
		if err := q.QueryRow(ctx, "SELECT current_setting($1)", name).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	opts := runtime.TxOptions{
		Isolation: pgx.Serializable,
		ReadOnly:  true,
		Settings: map[string]string{
			"lock_timeout":   "1234ms",
			"enable_seqscan": "off",
			"cpcgen.note":    "it's quoted; -- not a comment",
		},
	}
	attempts := 0
	statements.Store(0)
	err := db.InTx(ctx, opts, func(tx pgx.Tx) error {
		attempts++
		if got := setting(tx, "lock_timeout"); got != "1234ms" {
			t.Errorf("attempt %d: lock_timeout = %q", attempts, got)
		}
		if got := setting(tx, "enable_seqscan"); got != "off" {
			t.Errorf("attempt %d: enable_seqscan = %q", attempts, got)
		}
		if got := setting(tx, "cpcgen.note"); got != "it's quoted; -- not a comment" {
			t.Errorf("attempt %d: cpcgen.note = %q", attempts, got)
		}
		if got := setting(tx, "transaction_isolation"); got != "serializable" {
			t.Errorf("attempt %d: transaction_isolation = %q", attempts, got)
		}
		if got := setting(tx, "transaction_read_only"); got != "on" {
			t.Errorf("attempt %d: transaction_read_only = %q", attempts, got)
		}
		if attempts == 1 {
			return &runtime.DbError{Kind: runtime.KindSerialization, Message: "try again"}
		}
		return nil
	})
	if err != nil || attempts != 2 {
		t.Fatalf("InTx = %v after %d attempts", err, attempts)
	}
	// BEGIN with the settings, five reads and COMMIT or ROLLBACK per attempt.
	if n := statements.Load(); n != 2*7 {
		t.Errorf("%d statements observed, want 14: the settings travel with BEGIN", n)
	}
	if got := setting(db, "lock_timeout"); got != "0" {
		t.Errorf("after the transaction, lock_timeout = %q on the connection", got)
	}
}

func TestInTxSettingsBadName(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{}, txSchema...)
	ran := false
	err := db.InTx(ctx, runtime.TxOptions{Settings: map[string]string{"lock_timeout = 0; DROP TABLE items; --": "1"}}, func(pgx.Tx) error {
		ran = true
		return nil
	})
	var dbErr *runtime.DbError
	if ran || !errors.As(err, &dbErr) || dbErr.Kind != runtime.KindValidation || len(dbErr.Fields) != 1 {
		t.Fatalf("InTx ran %v and returned %v; want a validation error before anything runs", ran, err)
	}
	if got := items(t, db); len(got) != 0 {
		t.Errorf("items = %v", got)
	}
}
