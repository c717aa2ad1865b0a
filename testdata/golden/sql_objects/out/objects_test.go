package notesdb

import (
	"context"
	"testing"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("schema.sql"))) }

// TestTriggerFiresThroughCreate writes through the generated repository:
// the trigger of schema.sql fills search_text on Create and on Update,
// and Create's RETURNING hands back the value it wrote.
func TestTriggerFiresThroughCreate(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	n, err := s.Notes.Create(ctx, NewNote{Title: "Shopping List", Body: runtime.Set("Milk and EGGS")})
	if err != nil {
		t.Fatal(err)
	}
	if n.SearchText == nil || *n.SearchText != "shopping list milk and eggs" {
		t.Fatalf("search_text after Create: %v", n.SearchText)
	}
	u, err := s.Notes.Update(ctx, n.ID, NoteUpdate{Body: runtime.Set("Bread")})
	if err != nil {
		t.Fatal(err)
	}
	if u.SearchText == nil || *u.SearchText != "shopping list bread" {
		t.Fatalf("search_text after Update: %v", u.SearchText)
	}
	// A value the caller sets is overwritten: the trigger owns it.
	forged := "forged"
	n2, err := s.Notes.Create(ctx, NewNote{Title: "Garden", SearchText: &forged})
	if err != nil {
		t.Fatal(err)
	}
	if n2.SearchText == nil || *n2.SearchText != "garden " {
		t.Fatalf("search_text of a note with a caller's value: %v", n2.SearchText)
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
