package handpgx_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/bench/benchdb"
	"github.com/cpcgen/cpcgen/bench/handpgx"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// TestSameStatements checks that the batch writes run the statements of
// the generated code, word for word: it runs the generated methods on a
// recorder that keeps the statement they send.
func TestSameStatements(t *testing.T) {
	ctx := context.Background()
	rec := &recorder{}
	s := benchdb.NewStore(rec)
	_, _ = s.Transactions.UpdateMany(ctx, []benchdb.TransactionKeyedUpdate{{ID: uuid.New()}})
	if rec.sql != handpgx.SQLUpdateMany {
		t.Errorf("handpgx.SQLUpdateMany is not the statement of the generated UpdateMany:\n%s", rec.sql)
	}
	rec.sql = ""
	_, _ = s.Users.UpsertManyByEmail(ctx, []benchdb.NewUser{{Email: "a@test", Name: "a"}})
	if rec.sql != handpgx.SQLUpsertMany {
		t.Errorf("handpgx.SQLUpsertMany is not the statement of the generated UpsertManyByEmail:\n%s", rec.sql)
	}
}

// recorder is a transaction that keeps the statement of a query and
// fails it: TestSameStatements reads the generated code's statements
// with it, without a database. The methods it does not define are
// unused (a nil pgx.Tx) and panic.
type recorder struct {
	pgx.Tx
	sql string
}

func (r *recorder) Query(_ context.Context, sql string, _ ...any) (pgx.Rows, error) {
	r.sql = sql
	return nil, errors.New("recorded")
}

func (r *recorder) Begin(context.Context) (pgx.Tx, error) { return r, nil }
func (r *recorder) Rollback(context.Context) error        { return nil }
func (r *recorder) Commit(context.Context) error          { return nil }

func TestBatchWrites(t *testing.T) {
	ctx := context.Background()
	r := &handpgx.Repo{Pool: pgtest.Pool(t)}
	user := newUser(t, r, "batch@test")
	var ids []uuid.UUID
	for i := range 3 {
		tx, err := r.Create(ctx, handpgx.NewTransaction{UserID: user, Amount: decimal.New(int64(i), 0), Currency: "EUR", Status: "pending"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, tx.ID)
	}
	changes := []handpgx.TxnChange{{ID: ids[2], Status: "a", Amount: decimal.New(7, 0)}, {ID: ids[0], Status: "b", Amount: decimal.New(8, 0)}}
	if n, err := r.UpdateMany(ctx, changes); n != 2 || err != nil {
		t.Fatalf("UpdateMany = %d, %v", n, err)
	}
	for _, c := range changes {
		got, err := r.FindByID(ctx, c.ID)
		if err != nil || got.Status != c.Status || !got.Amount.Equal(c.Amount) {
			t.Errorf("%v: %+v, %v", c.ID, got, err)
		}
	}
	if _, err := r.UpdateMany(ctx, append(changes, handpgx.TxnChange{ID: uuid.New()})); !errors.Is(err, handpgx.ErrNotFound) {
		t.Errorf("UpdateMany of a missing row: %v", err)
	}
	rows := []handpgx.NewUser{{Email: "batch@test", Name: "renamed"}, {Email: "new@test", Name: "new"}}
	users, err := r.UpsertMany(ctx, rows)
	if err != nil || users[0].ID != user || users[0].Name != "renamed" || users[1].Email != "new@test" {
		t.Fatalf("UpsertMany = %+v, %v", users, err)
	}
	// Out of key order, the rows come back in the caller's order.
	rows = []handpgx.NewUser{{Email: "zz@test", Name: "z"}, {Email: "new@test", Name: "again"}, {Email: "aa@test", Name: "a"}}
	users, err = r.UpsertMany(ctx, rows)
	if err != nil || len(users) != 3 {
		t.Fatalf("UpsertMany = %+v, %v", users, err)
	}
	for i, u := range users {
		if u.Email != rows[i].Email || u.Name != rows[i].Name {
			t.Errorf("UpsertMany row %d = %+v, want %+v", i, u, rows[i])
		}
	}
	if _, err := r.UpsertMany(ctx, append(rows, handpgx.NewUser{Email: "new@test", Name: "twice"})); !errors.Is(err, handpgx.ErrDuplicateKey) {
		t.Errorf("UpsertMany of a key twice: %v", err)
	}
	if _, err := r.UpdateMany(ctx, append(changes, changes[1])); !errors.Is(err, handpgx.ErrDuplicateKey) {
		t.Errorf("UpdateMany of a key twice: %v", err)
	}
	_ = fmt.Sprint
}
