package moretypesdb

import (
	"context"
	"errors"
	"net"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// TestTreeNodes writes ltree and macaddr8 values, plain, NULL and in
// arrays, through every write path a table of them has (Create,
// CreateMany by statement as COPY cannot carry ltree, CreateManyReturning
// through unnest, Update, UpdateMany, UpsertManyByPath) and reads them
// back through FindByID, a filter, a raw query with ltree's <@ and a
// keyset page ordered by macaddr8.
func TestTreeNodes(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	top, err := s.TreeNodes.Create(ctx, NewTreeNode{Path: "Top", Aliases: []string{"A.B", "C_d"}, Euis: []net.HardwareAddr{mac("ff:ff:ff:ff:ff:ff:ff:ff")}})
	if err != nil {
		t.Fatal(err)
	}
	want := TreeNode{ID: top.ID, Path: "Top", Aliases: []string{"A.B", "C_d"}, Eui: mac("08:00:2b:01:02:03:04:05"), Euis: []net.HardwareAddr{mac("ff:ff:ff:ff:ff:ff:ff:ff")}}
	if diff := cmp.Diff(want, top, cmpOpts); diff != "" {
		t.Fatalf("Create (-want +got):\n%s", diff)
	}
	rows := []NewTreeNode{
		{Path: "Top.Science", Parent: runtime.NullOf("Top"), OldEui: mac("00:00:00:00:00:00:00:00")},
		{Path: "Top.Science.Astronomy", Parent: runtime.NullOf("Top.Science"), Eui: runtime.Set(mac("01:23:45:67:89:ab:cd:ef")), Aliases: []string{}},
	}
	if n, err := s.TreeNodes.CreateMany(ctx, rows); err != nil || n != 2 {
		t.Fatalf("CreateMany: %d %v", n, err)
	}
	made, err := s.TreeNodes.CreateManyReturning(ctx, []NewTreeNode{{Path: "Top.Hobbies", Euis: []net.HardwareAddr{}}, {Path: "Top.Hobbies.Chess", Parent: runtime.NullOf("Top.Hobbies")}})
	if err != nil || len(made) != 2 || made[1].Parent != runtime.NullOf("Top.Hobbies") || made[0].Euis == nil || len(made[0].Euis) != 0 {
		t.Fatalf("CreateManyReturning: %+v %v", made, err)
	}
	under, err := s.TreeNodes.Under(ctx, "Top.Science")
	if err != nil || len(under) != 2 || under[0].Path != "Top.Science" || under[1].Path != "Top.Science.Astronomy" {
		t.Fatalf("Under: %+v %v", under, err)
	}
	found, err := s.TreeNodes.ByPaths(ctx, []string{"Top.Hobbies", "Top", "Nowhere"})
	if err != nil || len(found) != 2 || found[0].Path != "Top" || found[1].Path != "Top.Hobbies" {
		t.Fatalf("ByPaths: %+v %v", found, err)
	}
	up, err := s.TreeNodes.Update(ctx, made[1].ID, TreeNodeUpdate{Parent: runtime.SetNull[string](), OldEui: runtime.Set(mac("08:00:2b:ff:fe:01:02:03"))})
	if err != nil || up.Parent.Valid || !bytesEqual(up.OldEui, mac("08:00:2b:ff:fe:01:02:03")) {
		t.Fatalf("Update: %+v %v", up, err)
	}
	if n, err := s.TreeNodes.UpdateMany(ctx, []TreeNodeKeyedUpdate{{ID: top.ID, Changes: TreeNodeUpdate{Aliases: runtime.Set([]string{"Z"}), Euis: runtime.Set([]net.HardwareAddr(nil))}}}); err != nil || n != 1 {
		t.Fatalf("UpdateMany: %d %v", n, err)
	}
	if got, err := s.TreeNodes.FindByID(ctx, top.ID); err != nil || len(got.Aliases) != 1 || got.Aliases[0] != "Z" || got.Euis != nil {
		t.Fatalf("after UpdateMany: %+v %v", got, err)
	}
	upserted, err := s.TreeNodes.UpsertManyByPath(ctx, []NewTreeNode{{Path: "Top", Eui: runtime.Set(mac("00:00:00:00:00:00:00:01"))}, {Path: "Top.Arts"}})
	if err != nil || len(upserted) != 2 || upserted[0].ID != top.ID || !bytesEqual(upserted[0].Eui, mac("00:00:00:00:00:00:00:01")) {
		t.Fatalf("UpsertManyByPath: %+v %v", upserted, err)
	}
	// Pages ordered by macaddr8, then id: every row once.
	seen := 0
	page := runtime.PageArgs{Limit: 2}
	var last net.HardwareAddr
	for {
		p, err := s.TreeNodes.ByEUI(ctx, page)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Items {
			if last != nil && string(r.Eui) < string(last) {
				t.Fatalf("page out of order: %s after %s", r.Eui, last)
			}
			last = r.Eui
			seen++
		}
		if p.Next == "" {
			break
		}
		page.After = p.Next
	}
	if seen != 6 {
		t.Fatalf("pages gave %d rows, want 6", seen)
	}
	// A path PostgreSQL cannot read is the server's error, named.
	_, err = s.TreeNodes.Create(ctx, NewTreeNode{Path: "not a path!"})
	var dbErr *runtime.DbError
	if !errors.As(err, &dbErr) || dbErr.Op != "tree_nodes.Create" {
		t.Fatalf("bad ltree: %v", err)
	}
}

func bytesEqual(a, b net.HardwareAddr) bool { return string(a) == string(b) }

// TestLabels writes hstore values (NULL values, quotes and the => of the
// text form inside keys and values, the empty map) through Create, the
// batch CreateMany and Update, and reads them back, also through a raw
// query with hstore's ? operator.
func TestLabels(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	attrs := pgtype.Hstore{"a": str("1"), "no value": nil, `q"uote`: str(`x=>y\z`), "": str("")}
	l, err := s.Labels.Create(ctx, NewLabel{Attrs: runtime.Set(attrs)})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(Label{ID: l.ID, Attrs: attrs}, l); diff != "" {
		t.Fatalf("Create (-want +got):\n%s", diff)
	}
	empty, err := s.Labels.Create(ctx, NewLabel{Extra: pgtype.Hstore{"k": str("v")}})
	if err != nil || empty.Attrs == nil || len(empty.Attrs) != 0 || *empty.Extra["k"] != "v" {
		t.Fatalf("default and nullable: %+v %v", empty, err)
	}
	if n, err := s.Labels.CreateMany(ctx, []NewLabel{{Attrs: runtime.Set(pgtype.Hstore{"no value": str("set")})}, {}}); err != nil || n != 2 {
		t.Fatalf("CreateMany: %d %v", n, err)
	}
	with, err := s.Labels.WithKey(ctx, "no value")
	if err != nil || len(with) != 2 || with[0].ID != l.ID || with[1].Attrs["no value"] == nil {
		t.Fatalf("WithKey: %+v %v", with, err)
	}
	u, err := s.Labels.Update(ctx, l.ID, LabelUpdate{Extra: runtime.Set(pgtype.Hstore{"x": nil})})
	if err != nil || len(u.Extra) != 1 || u.Extra["x"] != nil {
		t.Fatalf("Update: %+v %v", u, err)
	}
	if _, err := s.Labels.Create(ctx, NewLabel{Attrs: runtime.Set(pgtype.Hstore(nil))}); !errors.Is(err, runtime.ErrValidation) {
		t.Fatalf("a nil map for the NOT NULL column: %v", err)
	}
}

// TestLabelSets writes arrays of hstore (with a NULL element, an empty
// map, quotes and the => of the text form) through every write path of
// their table, which moves them as text[], and reads them back.
func TestLabelSets(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	sets := []pgtype.Hstore{{"a": str("1"), "no value": nil, `q"uote`: str(`x=>y\z`)}, nil, {}}
	l, err := s.LabelSets.Create(ctx, NewLabelSet{Sets: sets})
	if err != nil {
		t.Fatal(err)
	}
	want := LabelSet{ID: l.ID, Sets: sets}
	if diff := cmp.Diff(want, l); diff != "" {
		t.Fatalf("Create (-want +got):\n%s", diff)
	}
	if got, err := s.LabelSets.FindByID(ctx, l.ID); err != nil || !cmp.Equal(want, got) {
		t.Fatalf("FindByID: %+v %v", got, err)
	}
	if n, err := s.LabelSets.CreateMany(ctx, []NewLabelSet{{Sets: sets[:1], More: []pgtype.Hstore{{"k": str("v")}}}, {Sets: []pgtype.Hstore{}}}); err != nil || n != 2 {
		t.Fatalf("CreateMany: %d %v", n, err)
	}
	many, err := s.LabelSets.CreateManyReturning(ctx, []NewLabelSet{{Sets: sets}})
	if err != nil || len(many) != 1 || !cmp.Equal(sets, many[0].Sets) {
		t.Fatalf("CreateManyReturning: %+v %v", many, err)
	}
	u, err := s.LabelSets.Update(ctx, l.ID, LabelSetUpdate{More: runtime.Set([]pgtype.Hstore{nil, {"x": nil}})})
	if err != nil || !cmp.Equal([]pgtype.Hstore{nil, {"x": nil}}, u.More) {
		t.Fatalf("Update: %+v %v", u, err)
	}
	if n, err := s.LabelSets.UpdateMany(ctx, []LabelSetKeyedUpdate{{ID: l.ID, Changes: LabelSetUpdate{Sets: runtime.Set(sets[2:])}}}); err != nil || n != 1 {
		t.Fatalf("UpdateMany: %d %v", n, err)
	}
	page, err := s.LabelSets.List(ctx, runtime.PageArgs{Limit: 10})
	if err != nil || len(page.Items) != 4 || !cmp.Equal(sets[2:], page.Items[0].Sets) || !cmp.Equal(sets[:1], page.Items[1].Sets) || page.Items[2].Sets == nil {
		t.Fatalf("List: %+v %v", page, err)
	}
	rows, err := s.LabelSets.SetsOf(ctx, []int64{l.ID, many[0].ID})
	if err != nil || len(rows) != 2 || !cmp.Equal(sets[2:], rows[0].Sets) || !cmp.Equal(sets, rows[1].Sets) {
		t.Fatalf("SetsOf, a raw query selecting hstore[] as text[]: %+v %v", rows, err)
	}
}

// TestBatchWritesOfExtensionTypes updates citext and ltree values with
// UpdateMany: their array parameters have a type pgx has no codec of,
// and travel as text.
func TestBatchWritesOfExtensionTypes(t *testing.T) {
	ctx := context.Background()
	s := NewStore(pgtest.Open(t))
	g, err := s.Gadgets.Create(ctx, NewGadget{Label: runtime.Set("Before")})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.Gadgets.UpdateMany(ctx, []GadgetKeyedUpdate{{ID: g.ID, Changes: GadgetUpdate{Label: runtime.Set("After"), Alias: runtime.Set(runtime.NullOf("é"))}}}); err != nil || n != 1 {
		t.Fatalf("UpdateMany of a citext: %d %v", n, err)
	}
	if got, err := s.Gadgets.ByLabel(ctx, "AFTER"); err != nil || got.ID != g.ID || got.Alias != runtime.NullOf("é") {
		t.Fatalf("after UpdateMany: %+v %v", got, err)
	}
	node, err := s.TreeNodes.Create(ctx, NewTreeNode{Path: "A"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.TreeNodes.UpdateManyReturning(ctx, []TreeNodeKeyedUpdate{{ID: node.ID, Changes: TreeNodeUpdate{Path: runtime.Set("A.B"), Parent: runtime.Set(runtime.NullOf("A"))}}})
	if err != nil || len(got) != 1 || got[0].Path != "A.B" || got[0].Parent != runtime.NullOf("A") {
		t.Fatalf("UpdateManyReturning of an ltree: %+v %v", got, err)
	}
}
