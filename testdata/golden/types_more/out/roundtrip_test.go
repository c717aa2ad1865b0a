package moretypesdb

import (
	"context"
	"errors"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("schema.sql"))) }

// cmpOpts compare the values PostgreSQL gives back with the ones sent.
var cmpOpts = cmp.Options{}

// edgeRows are new rows holding edge values of every column type; label
// makes their unique labels distinct between the tests' batches.
func edgeRows(label string) []NewGadget {
	s := func(v string) *string { return &v }
	return []NewGadget{
		{
			Label:   runtime.Set(label + " O'Reilly \"quoted\" \\ \u00e9\u4e16\U0001F600 "),
			Alias:   s(""),
			Aliases: []string{"a,b", "{braces}", `"q"`, "", "NULL", " padded "},
		},
		{
			Label: runtime.Set(label + " plain"),
			// NULL everywhere it is allowed; an empty array is not NULL.
			Aliases: []string{},
		},
	}
}

// wantRow is the row PostgreSQL gives back for n, created with id.
func wantRow(id int64, n NewGadget) Gadget {
	return Gadget{ID: id, Label: n.Label.Value, Alias: n.Alias, Aliases: n.Aliases}
}

func TestRoundTripCreateFind(t *testing.T) {
	ctx := context.Background()
	store := NewStore(pgtest.Open(t))
	for i, n := range edgeRows("create") {
		created, err := store.Gadgets.Create(ctx, n)
		if err != nil {
			t.Fatalf("create %d: %v", i, err)
		}
		want := wantRow(created.ID, n)
		if diff := cmp.Diff(want, created, cmpOpts); diff != "" {
			t.Errorf("created row %d (-want +got):\n%s", i, diff)
		}
		found, err := store.Gadgets.FindByID(ctx, created.ID)
		if err != nil {
			t.Fatalf("find %d: %v", i, err)
		}
		if diff := cmp.Diff(want, found, cmpOpts); diff != "" {
			t.Errorf("found row %d (-want +got):\n%s", i, diff)
		}
	}
	// The defaults apply.
	def, err := store.Gadgets.Create(ctx, NewGadget{})
	if err != nil {
		t.Fatal(err)
	}
	if def.Label != "Unnamed" || def.Alias != nil || def.Aliases != nil {
		t.Errorf("defaults: %+v", def)
	}
}

// TestRoundTripCreateMany sends the edge rows through COPY (CreateMany)
// and through INSERT … SELECT FROM unnest (CreateManyReturning): both
// carry every type as pgx encodes it in binary.
func TestRoundTripCreateMany(t *testing.T) {
	ctx := context.Background()
	store := NewStore(pgtest.Open(t))
	rows := edgeRows("copy")
	n, err := store.Gadgets.CreateMany(ctx, rows)
	if err != nil || n != int64(len(rows)) {
		t.Fatalf("CreateMany: %d, %v", n, err)
	}
	all, err := store.Gadgets.FindAll(ctx)
	if err != nil || len(all) != len(rows) {
		t.Fatalf("FindAll: %d rows, %v", len(all), err)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	for i, got := range all {
		if diff := cmp.Diff(wantRow(got.ID, rows[i]), got, cmpOpts); diff != "" {
			t.Errorf("copied row %d (-want +got):\n%s", i, diff)
		}
	}
	rows = edgeRows("unnest")
	returned, err := store.Gadgets.CreateManyReturning(ctx, rows)
	if err != nil || len(returned) != len(rows) {
		t.Fatalf("CreateManyReturning: %d rows, %v", len(returned), err)
	}
	for i, got := range returned {
		if diff := cmp.Diff(wantRow(got.ID, rows[i]), got, cmpOpts); diff != "" {
			t.Errorf("returned row %d (-want +got):\n%s", i, diff)
		}
	}
}

// TestCitextIgnoresCase checks what citext is for: the unique label and
// the query compare without case, and the value keeps the case written.
func TestCitextIgnoresCase(t *testing.T) {
	ctx := context.Background()
	store := NewStore(pgtest.Open(t))
	g, err := store.Gadgets.Create(ctx, NewGadget{Label: runtime.Set("Widget")})
	if err != nil {
		t.Fatal(err)
	}
	found, err := store.Gadgets.ByLabel(ctx, "WIDGET")
	if err != nil || found.ID != g.ID || found.Label != "Widget" {
		t.Fatalf("ByLabel(WIDGET) = %+v, %v; want the row labelled Widget", found, err)
	}
	if _, err := store.Gadgets.Create(ctx, NewGadget{Label: runtime.Set("widget")}); !errors.Is(err, ErrGadgetLabelTaken) {
		t.Fatalf("a second widget: %v, want ErrGadgetLabelTaken", err)
	}
	w := "w"
	up, err := store.Gadgets.UpsertByLabel(ctx, NewGadget{Label: runtime.Set("wIdGeT"), Alias: &w})
	if err != nil || up.ID != g.ID || up.Alias == nil || *up.Alias != "w" {
		t.Fatalf("upsert by a label of another case: %+v, %v", up, err)
	}
}
