package notesdb

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("schema.sql"))) }

// words returns the lexemes of a tsvector with their weights:
// "milk:B eggs:B shop:A".
func words(v *pgtype.TSVector) string {
	if v == nil || !v.Valid {
		return "<nil>"
	}
	var out []string
	for _, l := range v.Lexemes {
		w := l.Word
		if len(l.Positions) > 0 {
			w += ":" + string(rune(l.Positions[0].Weight))
		}
		out = append(out, w)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// TestTriggerFiresThroughCreate writes through the generated repository:
// the trigger of schema.sql fills the search vector on Create and on
// Update, and Create's RETURNING hands back the value it wrote.
func TestTriggerFiresThroughCreate(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	n, err := s.Notes.Create(ctx, NewNote{Title: "Shopping", Body: runtime.Set("Milk and eggs")})
	if err != nil {
		t.Fatal(err)
	}
	if got := words(n.Search); got != "egg:B milk:B shop:A" {
		t.Fatalf("search after Create: %s", got)
	}
	u, err := s.Notes.Update(ctx, n.ID, NoteUpdate{Body: runtime.Set("Bread")})
	if err != nil {
		t.Fatal(err)
	}
	if got := words(u.Search); got != "bread:B shop:A" {
		t.Fatalf("search after Update: %s", got)
	}
	// A value the caller sets is overwritten: the trigger owns it.
	forged := pgtype.TSVector{Lexemes: []pgtype.TSVectorLexeme{{Word: "forged"}}, Valid: true}
	n2, err := s.Notes.Create(ctx, NewNote{Title: "Garden", Search: &forged})
	if err != nil {
		t.Fatal(err)
	}
	if got := words(n2.Search); got != "garden:A" {
		t.Fatalf("search of a note with a caller's value: %s", got)
	}
}

// TestViewAndFunctions reads the view and the functions through the
// generated raw queries.
func TestViewAndFunctions(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	var ids []int64
	for _, nn := range []NewNote{
		{Title: "Roses", Body: runtime.Set("Prune the roses in March")},
		{Title: "Rose garden", Body: runtime.Set("Water daily")},
		{Title: "Taxes", Body: runtime.Set("File by April")},
	} {
		n, err := s.Notes.Create(ctx, nn)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, n.ID)
	}
	recent, err := s.Notes.Recent(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(recent) != 3 || recent[0].ID != ids[2] || recent[2].Title != "Roses" {
		t.Fatalf("recent: %+v", recent)
	}
	found, err := s.Notes.Search(ctx, "pruning roses")
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0].ID != ids[0] {
		t.Fatalf("full-text search: %+v", found)
	}
	// Both rose notes match; the one with the word in its title (weight
	// A) ranks first.
	found, err = s.Notes.Search(ctx, "rose")
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 2 || found[0].ID != ids[0] && found[0].ID != ids[1] {
		t.Fatalf("full-text search for rose: %+v", found)
	}
	similar, err := s.Notes.Similar(ctx, "Roses")
	if err != nil {
		t.Fatal(err)
	}
	if len(similar) == 0 || similar[0].Title != "Roses" || similar[0].Score != 1 {
		t.Fatalf("similar: %+v", similar)
	}
	for _, r := range similar {
		if r.Title == "Taxes" {
			t.Fatalf("similar returns an unlike title: %+v", similar)
		}
	}
}
