package moretypesdb

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// TestSQLNamedTypes writes values of types named by their SQL (a
// composite type, point, box, xml, timetz: pgx has binary codecs of some
// and none of the others) through every write path of a table of them
// and reads them back as their text: Create, Update, CreateMany and
// CreateManyReturning through unnest, the upserts one by one and in
// batches, UpdateMany, a filter. A value the type refuses is a
// validation error naming nothing of the value, and hostile text stays a
// bound value.
func TestSQLNamedTypes(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	got, err := s.Places.Create(ctx, NewPlace{Name: "home", Spot: "(1,2)", Area: runtime.NullOf("((0,0),(2,2))"), Release: runtime.NullOf("(1,2,3)")})
	if err != nil {
		t.Fatal(err)
	}
	want := Place{ID: got.ID, Name: "home", Spot: "(1,2)", Area: runtime.NullOf("(2,2),(0,0)"), Opens: "09:00:00+01", Release: runtime.NullOf("(1,2,3)")}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Create (-want +got):\n%s", diff)
	}
	if found, err := s.Places.FindByID(ctx, got.ID); err != nil || found != want {
		t.Fatalf("FindByID: %+v %v", found, err)
	}
	up, err := s.Places.Update(ctx, got.ID, PlaceUpdate{Spot: runtime.Set("(3.5,-4)"), Doc: runtime.Set(runtime.NullOf("<a>b</a>")), Release: runtime.SetNull[string](), Opens: runtime.Set("10:30:00-02")})
	if err != nil || up.Spot != "(3.5,-4)" || up.Doc != runtime.NullOf("<a>b</a>") || up.Release.Valid || up.Opens != "10:30:00-02" {
		t.Fatalf("Update: %+v %v", up, err)
	}
	hostile := `'); DROP TABLE places; --`
	rows := []NewPlace{
		{Name: "a", Spot: "(0,0)", Doc: runtime.NullOf("<x>" + "&lt;" + hostile + "</x>")},
		{Name: hostile, Spot: "(5,5)", Release: runtime.NullOf(`(1,2,)`), Opens: runtime.Set("00:00:00+00")},
	}
	if n, err := s.Places.CreateMany(ctx, rows); err != nil || n != 2 {
		t.Fatalf("CreateMany: %d %v", n, err)
	}
	made, err := s.Places.CreateManyReturning(ctx, []NewPlace{{Name: "b", Spot: "(7,8)", Area: runtime.NullOf("((1,1),(0,0))")}})
	if err != nil || len(made) != 1 || made[0].Spot != "(7,8)" || made[0].Area != runtime.NullOf("(1,1),(0,0)") || made[0].Opens != "09:00:00+01" {
		t.Fatalf("CreateManyReturning: %+v %v", made, err)
	}
	if p, err := s.Places.UpsertByName(ctx, NewPlace{Name: "b", Spot: "(9,9)", Release: runtime.NullOf("(2,0,0)")}); err != nil || p.ID != made[0].ID || p.Spot != "(9,9)" || p.Release != runtime.NullOf("(2,0,0)") {
		t.Fatalf("UpsertByName: %+v %v", p, err)
	}
	if _, created, err := s.Places.CreateIfAbsentByName(ctx, NewPlace{Name: "c", Spot: "(1,1)"}); err != nil || !created {
		t.Fatalf("CreateIfAbsentByName: %v %v", created, err)
	}
	upserted, err := s.Places.UpsertManyByName(ctx, []NewPlace{{Name: "c", Spot: "(2,2)", Doc: runtime.NullOf("<c/>")}, {Name: "d", Spot: "(3,3)"}})
	if err != nil || len(upserted) != 2 || upserted[0].Spot != "(2,2)" || upserted[0].Doc != runtime.NullOf("<c/>") || upserted[1].Spot != "(3,3)" {
		t.Fatalf("UpsertManyByName: %+v %v", upserted, err)
	}
	if n, err := s.Places.UpdateMany(ctx, []PlaceKeyedUpdate{{ID: made[0].ID, Changes: PlaceUpdate{Area: runtime.Set(runtime.NullOf("((5,5),(6,6))")), Release: runtime.Set(runtime.NullOf("(3,1,4)"))}}}); err != nil || n != 1 {
		t.Fatalf("UpdateMany: %d %v", n, err)
	}
	if p, err := s.Places.FindByID(ctx, made[0].ID); err != nil || p.Area != runtime.NullOf("(6,6),(5,5)") || p.Release != runtime.NullOf("(3,1,4)") {
		t.Fatalf("after UpdateMany: %+v %v", p, err)
	}
	without, err := s.Places.WithoutDoc(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range without {
		names = append(names, p.Name)
	}
	if diff := cmp.Diff([]string{hostile, "b", "d"}, names); diff != "" {
		t.Fatalf("WithoutDoc (-want +got):\n%s", diff)
	}
	if n, err := s.Places.Count(ctx); err != nil || n != 6 {
		t.Fatalf("Count: %d %v", n, err)
	}
	// A raw query that returns point and box uncast, which pgx reads in
	// binary, and takes a point parameter as text.
	near, err := s.Places.Near(ctx, "(0,0)", 3)
	if err != nil {
		t.Fatal(err)
	}
	var spots []string
	for _, r := range near {
		spots = append(spots, r.Spot)
	}
	if diff := cmp.Diff([]string{"(0,0)", "(2,2)"}, spots); diff != "" || near[0].Area.Valid {
		t.Fatalf("Near (-want +got):\n%s%+v", diff, near)
	}
	if near, err := s.Places.Near(ctx, "(8,8)", 2); err != nil || len(near) != 1 || near[0].Area != runtime.NullOf("(6,6),(5,5)") {
		t.Fatalf("Near a box: %+v %v", near, err)
	}

	// Values the types refuse, and text Validate refuses, are validation
	// errors, and nothing is written.
	for _, bad := range []NewPlace{
		{Name: "bad1", Spot: "nowhere"},
		{Name: "bad2", Spot: "(1,1)", Doc: runtime.NullOf("<unclosed>")},
		{Name: "bad3", Spot: "(1,1)", Release: runtime.NullOf("(1,2,3,4)")},
		{Name: "bad4", Spot: "(1,\x001)"},
	} {
		_, err := s.Places.Create(ctx, bad)
		if !errors.Is(err, runtime.ErrValidation) {
			t.Errorf("Create %s: got %v, want a validation error", bad.Name, err)
		}
		if _, err := s.Places.CreateMany(ctx, []NewPlace{bad}); !errors.Is(err, runtime.ErrValidation) {
			t.Errorf("CreateMany %s: got %v, want a validation error", bad.Name, err)
		}
	}
	if n, err := s.Places.Count(ctx); err != nil || n != 6 {
		t.Fatalf("Count after refused writes: %d %v", n, err)
	}
}

// TestSQLNamedArrays writes arrays of types named by their SQL (point,
// a composite type) through Create (and the default, an array of a row),
// CreateMany, CreateManyReturning, Update and UpdateMany, and reads them
// back as text[]; an element the type refuses is a validation error.
func TestSQLNamedArrays(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	got, err := s.Routes.Create(ctx, NewRoute{Stops: []string{"(1,2)", "(3,4)"}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Route{ID: got.ID, Stops: []string{"(1,2)", "(3,4)"}, Releases: []string{"(1,0,0)"}}, got); diff != "" {
		t.Fatalf("Create (-want +got):\n%s", diff)
	}
	if n, err := s.Routes.CreateMany(ctx, []NewRoute{{Stops: []string{}, Releases: runtime.Set([]string(nil))}, {Stops: []string{"(0,0)"}, Releases: runtime.Set([]string{"(2,0,1)", `(3,,)`})}}); err != nil || n != 2 {
		t.Fatalf("CreateMany: %d %v", n, err)
	}
	made, err := s.Routes.CreateManyReturning(ctx, []NewRoute{{Stops: []string{"(5,5)"}}})
	if err != nil || len(made) != 1 || made[0].Stops[0] != "(5,5)" || len(made[0].Releases) != 1 {
		t.Fatalf("CreateManyReturning: %+v %v", made, err)
	}
	up, err := s.Routes.Update(ctx, got.ID, RouteUpdate{Stops: runtime.Set([]string{"(9,9)"}), Releases: runtime.Set([]string(nil))})
	if err != nil || len(up.Stops) != 1 || up.Stops[0] != "(9,9)" || up.Releases != nil {
		t.Fatalf("Update: %+v %v", up, err)
	}
	if n, err := s.Routes.UpdateMany(ctx, []RouteKeyedUpdate{{ID: made[0].ID, Changes: RouteUpdate{Releases: runtime.Set([]string{"(4,4,4)"})}}}); err != nil || n != 1 {
		t.Fatalf("UpdateMany: %d %v", n, err)
	}
	all, err := s.Routes.FindAll(ctx)
	if err != nil || len(all) != 4 {
		t.Fatalf("FindAll: %+v %v", all, err)
	}
	want := [][]string{nil, nil, {"(2,0,1)", "(3,,)"}, {"(4,4,4)"}}
	for i, r := range all {
		if diff := cmp.Diff(want[i], r.Releases); diff != "" {
			t.Errorf("row %d releases (-want +got):\n%s", i, diff)
		}
	}
	if _, err := s.Routes.Create(ctx, NewRoute{Stops: []string{"(1,1)", "nowhere"}}); !errors.Is(err, runtime.ErrValidation) {
		t.Errorf("an element point refuses: got %v, want a validation error", err)
	}
	if _, err := s.Routes.Create(ctx, NewRoute{Stops: []string{"(1,\x001)"}}); !errors.Is(err, runtime.ErrValidation) {
		t.Errorf("an element with a NUL byte: got %v, want a validation error", err)
	}
}
