package notes

import (
	"context"
	"testing"
	"time"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("schema.sql"))) }

func TestTimestampsAreManaged(t *testing.T) {
	ctx := context.Background()
	db := pgtest.Open(t)
	s := NewStore(db)
	n, err := s.Notes.Create(ctx, NewNote{Title: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if n.CreatedAt.IsZero() || !n.CreatedAt.Equal(n.UpdatedAt) || n.Body != "" {
		t.Fatalf("new note: %+v", n)
	}
	// Both columns come from the database clock: the transaction's start.
	var dbNow time.Time
	if err := db.QueryRow(ctx, "SELECT now()").Scan(&dbNow); err != nil {
		t.Fatal(err)
	}
	if n.CreatedAt.After(dbNow) {
		t.Fatalf("created_at %v is after the database's now() %v", n.CreatedAt, dbNow)
	}
	// Every update bumps updated_at, also one that sets nothing else.
	prev := n
	for _, u := range []NoteUpdate{{Body: runtime.Set("b")}, {}} {
		time.Sleep(2 * time.Millisecond) // timestamps are microseconds; make the next one differ
		got, err := s.Notes.Update(ctx, n.ID, u)
		if err != nil {
			t.Fatal(err)
		}
		if !got.UpdatedAt.After(prev.UpdatedAt) || !got.CreatedAt.Equal(n.CreatedAt) {
			t.Fatalf("update %+v: updated_at %v (was %v), created_at %v (was %v)", u, got.UpdatedAt, prev.UpdatedAt, got.CreatedAt, n.CreatedAt)
		}
		prev = got
	}
	// Inside one transaction both statements see the same clock.
	err = s.InTxWith(ctx, runtime.TxOptions{Isolation: pgx.ReadCommitted}, func(tx *Store) error {
		a, err := tx.Notes.Create(ctx, NewNote{Title: "a"})
		if err != nil {
			return err
		}
		time.Sleep(2 * time.Millisecond)
		b, err := tx.Notes.Update(ctx, a.ID, NoteUpdate{Title: runtime.Set("b")})
		if err != nil {
			return err
		}
		if !a.CreatedAt.Equal(b.UpdatedAt) {
			t.Errorf("in one transaction created_at %v and updated_at %v differ", a.CreatedAt, b.UpdatedAt)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
