package handpgx_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/bench/handpgx"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) {
	pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("../benchdb/schema.sql")))
}

func newUser(t *testing.T, r *handpgx.Repo, email string) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	if err := r.Pool.QueryRow(context.Background(), `INSERT INTO users (email, name) VALUES ($1, 'test') RETURNING id`, email).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestRepo runs every method and reads back what it wrote.
func TestRepo(t *testing.T) {
	ctx := context.Background()
	r := &handpgx.Repo{Pool: pgtest.Pool(t)}
	user := newUser(t, r, "a@test")
	memo := "coffee"

	withMemo, err := r.Create(ctx, handpgx.NewTransaction{UserID: user, Amount: decimal.New(1250, -2), Currency: "EUR", Status: "pending", Memo: &memo})
	if err != nil {
		t.Fatal(err)
	}
	if withMemo.ID == uuid.Nil || withMemo.UserID != user || !withMemo.Amount.Equal(decimal.New(1250, -2)) ||
		withMemo.Currency != "EUR" || withMemo.Status != "pending" || withMemo.Memo != (pgtype.Text{String: "coffee", Valid: true}) || withMemo.CreatedAt.IsZero() {
		t.Fatalf("Create returned %+v", withMemo)
	}
	noMemo, err := r.Create(ctx, handpgx.NewTransaction{UserID: user, Amount: decimal.New(-3, 0), Currency: "USD", Status: "settled"})
	if err != nil {
		t.Fatal(err)
	}
	if noMemo.Memo.Valid {
		t.Fatalf("a nil Memo was stored as %+v", noMemo.Memo)
	}

	got, err := r.FindByID(ctx, withMemo.ID)
	if err != nil || got.ID != withMemo.ID || !got.Amount.Equal(withMemo.Amount) || got.Memo != withMemo.Memo || !got.CreatedAt.Equal(withMemo.CreatedAt) {
		t.Fatalf("FindByID: %+v, %v; want %+v", got, err, withMemo)
	}
	if _, err := r.FindByID(ctx, uuid.New()); !errors.Is(err, handpgx.ErrNotFound) {
		t.Fatalf("FindByID of a missing id: %v, want ErrNotFound", err)
	}

	upd, err := r.UpdateStatusAmount(ctx, withMemo.ID, "refunded", decimal.New(99, -1))
	if err != nil || upd.Status != "refunded" || !upd.Amount.Equal(decimal.New(99, -1)) || upd.Memo != withMemo.Memo || upd.Currency != "EUR" {
		t.Fatalf("UpdateStatusAmount: %+v, %v", upd, err)
	}
	if _, err := r.UpdateStatusAmount(ctx, uuid.New(), "x", decimal.Zero); !errors.Is(err, handpgx.ErrNotFound) {
		t.Fatalf("UpdateStatusAmount of a missing id: %v, want ErrNotFound", err)
	}

	recent, err := r.RecentForUser(ctx, user, 10)
	if err != nil || len(recent) != 2 || cap(recent) != 10 || recent[0].ID != noMemo.ID || recent[1].ID != withMemo.ID {
		t.Fatalf("RecentForUser: %d rows (cap %d), %v", len(recent), cap(recent), err)
	}
	large, err := r.LargeForUser(ctx, user, decimal.New(1, 0))
	if err != nil || len(large) != 1 || large[0].ID != withMemo.ID {
		t.Fatalf("LargeForUser: %+v, %v", large, err)
	}

	if ok, err := r.Delete(ctx, noMemo.ID); err != nil || !ok {
		t.Fatalf("Delete: %v, %v", ok, err)
	}
	if ok, err := r.Delete(ctx, noMemo.ID); err != nil || ok {
		t.Fatalf("Delete of a deleted row: %v, %v", ok, err)
	}

	d, c, err := r.Transfer(ctx,
		handpgx.NewTransaction{UserID: user, Amount: decimal.New(-5, 0), Currency: "EUR", Status: "settled"},
		handpgx.NewTransaction{UserID: user, Amount: decimal.New(5, 0), Currency: "EUR", Status: "settled", Memo: &memo},
		"carol")
	if err != nil || d.ID == c.ID || !d.Amount.Equal(decimal.New(-5, 0)) || c.Memo.String != memo {
		t.Fatalf("Transfer: %+v %+v %v", d, c, err)
	}
	var name string
	if err := r.Pool.QueryRow(ctx, `SELECT name FROM users WHERE id = $1`, user).Scan(&name); err != nil || name != "carol" {
		t.Fatalf("user name after Transfer: %q, %v", name, err)
	}
	if _, _, err := r.Transfer(ctx, handpgx.NewTransaction{UserID: user, Amount: decimal.New(1, 0), Currency: "EUR", Status: "settled"},
		handpgx.NewTransaction{UserID: uuid.New(), Amount: decimal.New(1, 0), Currency: "EUR", Status: "settled"}, "dave"); err == nil {
		t.Fatal("Transfer with an unknown user succeeded")
	}
	if err := r.Pool.QueryRow(ctx, `SELECT name FROM users WHERE id = $1`, user).Scan(&name); err != nil || name != "carol" {
		t.Fatalf("a failed Transfer was not rolled back: name %q, %v", name, err)
	}
}

func bulkRows(user uuid.UUID, n int) []handpgx.NewTransaction {
	rows := make([]handpgx.NewTransaction, n)
	for i := range rows {
		rows[i] = handpgx.NewTransaction{UserID: user, Amount: decimal.New(int64(i), -2), Currency: "USD", Status: "pending"}
		if i%2 == 0 {
			m := fmt.Sprintf("memo %d", i)
			rows[i].Memo = &m
		}
	}
	return rows
}

// TestCreateMany copies rows and reads every value back, NULLs included.
func TestCreateMany(t *testing.T) {
	ctx := context.Background()
	r := &handpgx.Repo{Pool: pgtest.Pool(t)}
	user := newUser(t, r, "bulk@test")
	rows := bulkRows(user, 1000)
	n, err := r.CreateMany(ctx, rows)
	if err != nil || n != int64(len(rows)) {
		t.Fatalf("CreateMany: %d, %v", n, err)
	}
	got, err := r.RecentForUser(ctx, user, 2000)
	if err != nil || len(got) != len(rows) {
		t.Fatalf("read back %d rows, %v", len(got), err)
	}
	seen := map[string]int{} // amount → memo
	for _, g := range got {
		if g.Memo.Valid {
			seen[g.Amount.String()]++
		}
	}
	for i, row := range rows {
		want := 0
		if row.Memo != nil {
			want = 1
		}
		if seen[decimal.New(int64(i), -2).String()] != want {
			t.Fatalf("row %d: memo stored %d times, want %d", i, seen[decimal.New(int64(i), -2).String()], want)
		}
	}
}

// TestCopySourceAllocatesNothingPerRow proves the COPY row buffer: going
// through every row allocates nothing.
func TestCopySourceAllocatesNothingPerRow(t *testing.T) {
	rows := bulkRows(uuid.New(), 1000)
	allocs := testing.AllocsPerRun(20, func() {
		s := handpgx.NewCopySource(rows)
		n := 0
		for s.Next() {
			if _, err := s.Values(); err != nil {
				t.Fatal(err)
			}
			n++
		}
		if n != len(rows) {
			t.Fatalf("%d rows, want %d", n, len(rows))
		}
	})
	// One allocation for the source itself.
	if allocs > 1 {
		t.Fatalf("the copy source made %v allocations for %d rows, want at most 1", allocs, len(rows))
	}
}

// TestCreateManyAllocationsPerRow proves the whole COPY, pgx's encoding
// included, allocates less than 0.1 times per row.
func TestCreateManyAllocationsPerRow(t *testing.T) {
	ctx := context.Background()
	r := &handpgx.Repo{Pool: pgtest.Pool(t)}
	rows := bulkRows(newUser(t, r, "allocs@test"), 10_000)
	allocs := testing.AllocsPerRun(3, func() {
		if n, err := r.CreateMany(ctx, rows); err != nil || n != int64(len(rows)) {
			t.Fatalf("CreateMany: %d, %v", n, err)
		}
	})
	if perRow := allocs / float64(len(rows)); perRow >= 0.1 {
		t.Fatalf("CreateMany of %d rows made %v allocations, %.3f per row, want < 0.1", len(rows), allocs, perRow)
	}
	t.Logf("CreateMany of %d rows: %v allocations", len(rows), allocs)
}
