package runtime_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cpcgen/cpcgen/runtime"
)

func TestOpenAppliesConfig(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{
		MinConns:          1,
		MaxConns:          3,
		ConnectTimeout:    30 * time.Second,
		StatementTimeout:  1500 * time.Millisecond,
		IdleInTxTimeout:   2 * time.Second,
		HealthCheckPeriod: 7 * time.Second,
		MaxConnLifetime:   time.Hour,
		MaxConnIdleTime:   time.Minute,
		ApplicationName:   "cpcgen-test",
	})
	var statementTimeout, idleTimeout, app string
	if err := db.QueryRow(ctx, `SELECT current_setting('statement_timeout'),
		current_setting('idle_in_transaction_session_timeout'), current_setting('application_name')`).
		Scan(&statementTimeout, &idleTimeout, &app); err != nil {
		t.Fatal(err)
	}
	if statementTimeout != "1500ms" || idleTimeout != "2s" || app != "cpcgen-test" {
		t.Errorf("server settings: %s %s %s", statementTimeout, idleTimeout, app)
	}
	pc := db.Pool().Config()
	if pc.MinConns != 1 || pc.MaxConns != 3 || pc.HealthCheckPeriod != 7*time.Second ||
		pc.MaxConnLifetime != time.Hour || pc.MaxConnIdleTime != time.Minute || pc.ConnConfig.ConnectTimeout != 30*time.Second {
		t.Errorf("pool config: %+v", pc)
	}
	if err := db.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	s := db.Stats()
	if s.MaxConns != 3 || s.AcquireCount < 2 || s.TotalConns < 1 || s.NewConnsCount < 1 || s.AcquiredConns != 0 {
		t.Errorf("stats: %+v", s)
	}
}

func TestOpenInvalidConfig(t *testing.T) {
	_, err := runtime.Open(testContext(t), runtime.Config{URL: "postgres://localhost/app", MinConns: 4, MaxConns: 2, IdleInTxTimeout: -1})
	de := asDbError(t, err, runtime.ErrValidation)
	if de.Op != "runtime.Open" || len(de.Fields) != 2 || de.Fields[0].Field != "MaxConns" || de.Fields[1].Field != "IdleInTxTimeout" {
		t.Errorf("err = %v, fields %+v", err, de.Fields)
	}
	if !strings.Contains(err.Error(), "runtime.Open: validation failed: invalid config: MaxConns (CPCGEN_MAX_CONNS) must be >= MinConns (4), got 2") {
		t.Errorf("Error() = %s", err)
	}
}

// TestOpenWrongPassword starts a cluster that requires passwords: a
// rejected login is a connection error that does not show the password.
func TestOpenWrongPassword(t *testing.T) {
	ctx := testContext(t)
	c, admin := passwordCluster(t, ctx, "CREATE ROLE app LOGIN PASSWORD 'right-password'")
	defer admin.Close(ctx)
	url := strings.Replace(c.URL("postgres"), "postgres@", "app:wrong-password@", 1)
	_, err := runtime.Open(ctx, runtime.Config{URL: url})
	de := asDbError(t, err, runtime.ErrConnection)
	if de.Code != "28P01" {
		t.Errorf("code = %q: %v", de.Code, err)
	}
	assertNoSecret(t, "wrong-password", "Open", errorTexts(err)...)

	db, err := runtime.Open(ctx, runtime.Config{URL: strings.Replace(url, "wrong-password", "right-password", 1)})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
}

// TestAcquireTimeout holds the only connection of a pool and checks that
// every method gives up waiting after AcquireTimeout, then that every
// method gives its connection back.
func TestAcquireTimeout(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{MaxConns: 1, AcquireTimeout: 20 * time.Millisecond},
		"CREATE TABLE items (n int)")

	holder, err := db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	calls := map[string]func() error{
		"Exec": func() error { _, err := db.Exec(ctx, "SELECT 1"); return err },
		"Query": func() error {
			rows, err := db.Query(ctx, "SELECT 1")
			if err == nil {
				rows.Close()
			}
			return err
		},
		"QueryRow":  func() error { var n int; return db.QueryRow(ctx, "SELECT 1").Scan(&n) },
		"SendBatch": func() error { b := &pgx.Batch{}; b.Queue("SELECT 1"); return db.SendBatch(ctx, b).Close() },
		"CopyFrom": func() error {
			_, err := db.CopyFrom(ctx, pgx.Identifier{"items"}, []string{"n"}, pgx.CopyFromRows([][]any{{1}}))
			return err
		},
		"Begin": func() error { _, err := db.Begin(ctx); return err },
		"Ping":  func() error { return db.Ping(ctx) },
	}
	for name, call := range calls {
		err := call()
		if !errors.Is(runtime.Wrap(err, "op", ""), runtime.ErrTimeout) || !strings.Contains(err.Error(), "AcquireTimeout (20ms)") {
			t.Errorf("%s while the pool is exhausted: %v", name, err)
		}
	}
	// The caller's own cancellation is reported as such.
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := db.Exec(canceled, "SELECT 1"); !errors.Is(runtime.Wrap(err, "op", ""), runtime.ErrCanceled) {
		t.Errorf("canceled: %v", err)
	}
	if err := holder.Commit(ctx); err != nil {
		t.Fatal(err)
	}

	// Each use must release the single connection, or the next one times
	// out.
	steps := []struct {
		name string
		run  func() error
	}{
		{"Exec", calls["Exec"]},
		{"Query read to the end", func() error {
			rows, _ := db.Query(ctx, "SELECT generate_series(1, 3)")
			_, err := pgx.CollectRows(rows, pgx.RowTo[int32])
			return err
		}},
		{"Query closed early", func() error {
			rows, err := db.Query(ctx, "SELECT generate_series(1, 3)")
			if err != nil {
				return err
			}
			rows.Next()
			rows.Close()
			return rows.Err()
		}},
		{"Query failing", func() error {
			rows, err := db.Query(ctx, "SELECT * FROM missing")
			if err == nil {
				for rows.Next() {
				}
				err = rows.Err()
			}
			if err == nil {
				return errors.New("no error")
			}
			return nil
		}},
		{"QueryRow", calls["QueryRow"]},
		{"QueryRow no rows", func() error {
			var n int
			if err := db.QueryRow(ctx, "SELECT 1 WHERE false").Scan(&n); !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
			return nil
		}},
		{"SendBatch", calls["SendBatch"]},
		{"SendBatch with a transaction", func() error {
			b := &pgx.Batch{}
			b.BeginTx(pgx.TxOptions{})
			b.Queue("INSERT INTO items VALUES (2)")
			br := db.SendBatch(ctx, b)
			tx := br.Tx()
			if err := br.Close(); err != nil {
				return err
			}
			if tx == nil {
				return errors.New("batch began no transaction")
			}
			return tx.Commit(ctx)
		}},
		{"CopyFrom", calls["CopyFrom"]},
		{"Begin and Commit", func() error {
			tx, err := db.Begin(ctx)
			if err != nil {
				return err
			}
			return tx.Commit(ctx)
		}},
		{"Begin and Rollback", func() error {
			tx, err := db.Begin(ctx)
			if err != nil {
				return err
			}
			return tx.Rollback(ctx)
		}},
		{"InTx", func() error {
			return db.InTx(ctx, runtime.TxOptions{}, func(tx pgx.Tx) error {
				_, err := tx.Exec(ctx, "INSERT INTO items VALUES (3)")
				return err
			})
		}},
		{"Ping", calls["Ping"]},
	}
	for _, step := range steps {
		if err := step.run(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if n := db.Stats().AcquiredConns; n != 0 {
			t.Fatalf("after %s, %d connections are still acquired", step.name, n)
		}
	}
	var n int
	if err := db.QueryRow(ctx, "SELECT count(*) FROM items").Scan(&n); err != nil || n != 3 {
		t.Errorf("items = %d, %v; want 3", n, err)
	}
}
