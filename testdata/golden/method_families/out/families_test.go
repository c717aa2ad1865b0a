package famdb

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("schema.sql"))) }

// hostile is stored and read back through the generated methods.
const hostile = "O'Reilly \"q\" \\ back\\slash; DROP TABLE entries; -- $1 @ref \u00e9\u4e16\U0001F600"

// methodsOf lists the exported methods of a repository type.
func methodsOf(v any) []string {
	var out []string
	typ := reflect.TypeOf(v)
	for i := range typ.NumMethod() {
		out = append(out, typ.Method(i).Name)
	}
	slices.Sort(out)
	return out
}

// TestRepositoriesHaveTheirFamiliesOnly checks each repository's method
// set against the families its table lists.
func TestRepositoriesHaveTheirFamiliesOnly(t *testing.T) {
	for _, c := range []struct {
		repo any
		want []string
	}{
		{&AccountRepo{}, []string{"Count", "Create", "Delete", "FindAll", "FindByID", "FindByIDs", "HardDelete", "LinkLabel",
			"List", "LoadLabels", "LoadNotes", "Restore", "Stream", "UnlinkLabel", "Update", "WithDeleted"}},
		{&EntryRepo{}, []string{"CreateIfAbsentByRef", "CreateMany", "CreateManyIfAbsentByRef", "CreateManyReturning",
			"DeleteMany", "UpdateMany", "UpdateManyReturning", "UpsertByRef", "UpsertManyByRef"}},
		{&NoteRepo{}, []string{"ListByAccountID", "LoadByAccountID", "OfAccount"}},
		{&LabelRepo{}, []string{"ByName"}},
		{&ArchivedRepo{}, []string{"CreateMany", "CreateManyReturning", "DeleteMany", "HardDeleteMany", "RestoreMany",
			"UpdateMany", "UpdateManyReturning", "WithDeleted"}},
		{&EventRepo{}, nil},
		{&AccountLabelRepo{}, nil},
		{&AccountNoteCountRepo{}, []string{"Count", "FindAll", "FindByID", "List", "Stream"}},
	} {
		if got := methodsOf(c.repo); !slices.Equal(got, c.want) {
			t.Errorf("%T has %v, want %v", c.repo, got, c.want)
		}
	}
}

func TestFamiliesWork(t *testing.T) {
	ctx := context.Background()
	db := pgtest.Open(t)
	s := NewStore(db)

	// crud and relations on accounts.
	a, err := s.Accounts.Create(ctx, NewAccount{Email: "a@example.com", Name: hostile})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Accounts.FindByID(ctx, a.ID); err != nil || got.Name != hostile {
		t.Fatalf("FindByID: %+v, %v", got, err)
	}
	if _, err := s.Accounts.Create(ctx, NewAccount{Email: "a@example.com", Name: "dup"}); !errors.Is(err, ErrAccountEmailTaken) {
		t.Fatalf("duplicate email: %v", err)
	}

	// Notes have relations only: written with SQL, read by the loaders
	// and their query.
	if _, err := db.Exec(ctx, "INSERT INTO notes (account_id, body) VALUES ($1, $2), ($1, 'second')", a.ID, hostile); err != nil {
		t.Fatal(err)
	}
	notes, err := s.Notes.OfAccount(ctx, a.ID)
	if err != nil || len(notes) != 2 || notes[0].Body != hostile {
		t.Fatalf("OfAccount: %+v, %v", notes, err)
	}
	if list, err := s.Notes.ListByAccountID(ctx, a.ID); err != nil || len(list) != 2 {
		t.Fatalf("ListByAccountID: %+v, %v", list, err)
	}
	if m, err := s.Notes.LoadByAccountID(ctx, []int64{a.ID, a.ID + 1000}); err != nil || len(m[a.ID]) != 2 || len(m) != 1 {
		t.Fatalf("LoadByAccountID: %+v, %v", m, err)
	}
	if m, err := s.Accounts.LoadNotes(ctx, []Account{a}); err != nil || len(m[a.ID]) != 2 {
		t.Fatalf("LoadNotes: %+v, %v", m, err)
	}
	if c, err := s.AccountNoteCounts.FindByID(ctx, a.ID); err != nil || c.Notes != 2 {
		t.Fatalf("view FindByID: %+v, %v", c, err)
	}

	// Labels have no method: their query, and accounts' many-to-many.
	if _, err := db.Exec(ctx, "INSERT INTO labels (name) VALUES ($1)", hostile); err != nil {
		t.Fatal(err)
	}
	l, err := s.Labels.ByName(ctx, hostile)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Labels.ByName(ctx, "missing"); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("ByName of a missing label: %v", err)
	}
	if added, err := s.Accounts.LinkLabel(ctx, a.ID, l.ID); err != nil || !added {
		t.Fatalf("LinkLabel: %v, %v", added, err)
	}
	if m, err := s.Accounts.LoadLabels(ctx, []Account{a}); err != nil || len(m[a.ID]) != 1 || m[a.ID][0].Name != hostile {
		t.Fatalf("LoadLabels: %+v, %v", m, err)
	}

	// batch and upsert on entries.
	n, err := s.Entries.CreateMany(ctx, []NewEntry{
		{AccountID: a.ID, Ref: hostile, Amount: decimal.RequireFromString("1.50")},
		{AccountID: a.ID, Ref: "r2", Amount: decimal.RequireFromString("2")},
	})
	if err != nil || n != 2 {
		t.Fatalf("CreateMany: %d, %v", n, err)
	}
	up, err := s.Entries.UpsertByRef(ctx, NewEntry{AccountID: a.ID, Ref: hostile, Amount: decimal.RequireFromString("9")})
	if err != nil || !up.Amount.Equal(decimal.RequireFromString("9")) {
		t.Fatalf("UpsertByRef: %+v, %v", up, err)
	}
	got, created, err := s.Entries.CreateIfAbsentByRef(ctx, NewEntry{AccountID: a.ID, Ref: hostile, Amount: decimal.RequireFromString("1")})
	if err != nil || created || got.ID != up.ID {
		t.Fatalf("CreateIfAbsentByRef: %+v, %v, %v", got, created, err)
	}
	rows, err := s.Entries.UpdateManyReturning(ctx, []EntryKeyedUpdate{{ID: up.ID, Changes: EntryUpdate{Amount: runtime.Set(decimal.RequireFromString("3"))}}})
	if err != nil || len(rows) != 1 || !rows[0].Amount.Equal(decimal.RequireFromString("3")) || rows[0].Ref != hostile {
		t.Fatalf("UpdateManyReturning: %+v, %v", rows, err)
	}
	if _, err := s.Entries.UpdateMany(ctx, []EntryKeyedUpdate{{ID: up.ID, Changes: EntryUpdate{Amount: runtime.Set(decimal.RequireFromString("-1"))}}}); runtime.KindOf(err) != runtime.KindValidation {
		t.Fatalf("UpdateMany of a negative amount: %v", err)
	}
	many, err := s.Entries.UpsertManyByRef(ctx, []NewEntry{{AccountID: a.ID, Ref: "r3", Amount: decimal.RequireFromString("4")}})
	if err != nil || len(many) != 1 {
		t.Fatalf("UpsertManyByRef: %+v, %v", many, err)
	}
	if done, err := s.Entries.DeleteMany(ctx, []int64{up.ID, many[0].ID, -1}); err != nil || !slices.Equal(done, []bool{true, true, false}) {
		t.Fatalf("DeleteMany: %v, %v", done, err)
	}

	// batch only on a soft-delete table.
	ar, err := s.Archived.CreateManyReturning(ctx, []NewArchived{{Name: hostile, Tags: []string{hostile, ""}}})
	if err != nil || len(ar) != 1 || ar[0].Name != hostile || !slices.Equal(ar[0].Tags, []string{hostile, ""}) {
		t.Fatalf("CreateManyReturning: %+v, %v", ar, err)
	}
	id := ar[0].ID
	if n, err := s.Archived.CreateMany(ctx, []NewArchived{{Name: "a", Tags: []string{}}, {Name: "b", Tags: []string{"x"}}}); err != nil || n != 2 {
		t.Fatalf("CreateMany: %d, %v", n, err)
	}
	up2, err := s.Archived.UpdateManyReturning(ctx, []ArchivedKeyedUpdate{{ID: id, Changes: ArchivedUpdate{Tags: runtime.Set([]string{"{", hostile, "NULL"})}}})
	if err != nil || len(up2) != 1 || !slices.Equal(up2[0].Tags, []string{"{", hostile, "NULL"}) || up2[0].Name != hostile {
		t.Fatalf("UpdateManyReturning of an array column: %+v, %v", up2, err)
	}
	if _, err := db.Exec(ctx, "DELETE FROM archived WHERE name IN ('a', 'b')"); err != nil {
		t.Fatal(err)
	}
	if done, err := s.Archived.DeleteMany(ctx, []uuid.UUID{id}); err != nil || !done[0] {
		t.Fatalf("soft DeleteMany: %v, %v", done, err)
	}
	if done, err := s.Archived.RestoreMany(ctx, []uuid.UUID{id}); err != nil || !done[0] {
		t.Fatalf("RestoreMany: %v, %v", done, err)
	}
	if done, err := s.Archived.HardDeleteMany(ctx, []uuid.UUID{id}); err != nil || !done[0] {
		t.Fatalf("HardDeleteMany: %v, %v", done, err)
	}
	var left int
	if err := db.QueryRow(ctx, "SELECT count(*) FROM archived").Scan(&left); err != nil || left != 0 {
		t.Fatalf("archived rows left: %d, %v", left, err)
	}

	// The account's soft delete and its single-row methods.
	if ok, err := s.Accounts.Delete(ctx, a.ID); err != nil || !ok {
		t.Fatalf("Delete: %v, %v", ok, err)
	}
	if _, err := s.Accounts.FindByID(ctx, a.ID); !errors.Is(err, runtime.ErrNotFound) {
		t.Fatalf("FindByID of a deleted account: %v", err)
	}
	if ok, err := s.Accounts.Restore(ctx, a.ID); err != nil || !ok {
		t.Fatalf("Restore: %v, %v", ok, err)
	}
}
