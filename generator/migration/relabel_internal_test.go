package migration

import (
	"context"
	"strings"
	"testing"

	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5"

	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// TestArrayElem writes labels as elements of an array literal the way
// PostgreSQL's array output does, so that relabelExprs finds them in a
// default PostgreSQL printed.
func TestArrayElem(t *testing.T) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, label := range []string{"new", "on hold", "it's", "", "NULL", "null", "a,b", "{x}", `say "hi"`, `back\slash`, "tab\there", "ümlaut", "x-y"} {
		var got string
		if err := conn.QueryRow(ctx, `SELECT ARRAY['a', $1, 'b']::text[]::text`, label).Scan(&got); err != nil {
			t.Fatal(err)
		}
		want := "{a," + strings.ReplaceAll(arrayElem(label), "''", "'") + ",b}"
		if got != want {
			t.Errorf("label %q: PostgreSQL writes %s, arrayElem %s", label, got, want)
		}
	}
}

// TestAlignExprs gives a default the new label and type only where
// that makes it the desired one: inside an array literal (as PostgreSQL
// writes the element, or quoted as the specs write one holding a
// bracket), in a cast literal, under the type's new name, and not where
// the desired default still says the old label.
func TestAlignExprs(t *testing.T) {
	table := func(defaults ...string) *schema.Schema {
		tb := schema.NewTable("t")
		for i, d := range defaults {
			tb.AddColumns(schema.NewColumn(string(rune('a' + i))).SetDefault(&schema.RawExpr{X: d}))
		}
		return schema.New("public").AddTables(tb)
	}
	current := table(`'{new,"on hold","on hold"}'::state[]`, `'on hold'::state`, `'on hold'::text`, `'{"on hold"}'::state[]`, `'new'::state`, `'x'::"state"`, `'{"a[1]"}'::state[]`)
	desired := table(`'{new,paused,paused}'::"Stage"[]`, `'paused'::state`, `'on hold'::text`, `'{paused,x}'::state[]`, `'new'::"Stage"`, `'x'::"Stage"`, `'{"b[2]"}'::"Stage"[]`)
	alignExprs(current, desired, enumRewrites("state", "Stage", []string{"on hold", "paused", "gone", "went", "a[1]", "b[2]"}))
	var got []string
	for _, c := range current.Tables[0].Columns {
		got = append(got, defaultSQL(c))
	}
	want := []string{`'{new,paused,paused}'::"Stage"[]`, `'paused'::state`, `'on hold'::text`, `'{"on hold"}'::state[]`, `'new'::"Stage"`, `'x'::"Stage"`, `'{"b[2]"}'::"Stage"[]`}
	if strings.Join(got, " | ") != strings.Join(want, " | ") {
		t.Errorf("defaults after alignExprs:\n got %q\nwant %q", got, want)
	}
}

// TestRenameCasts renames a type in the casts of an expression, quoted
// or not, of arrays of it too, and nowhere else: not a type whose name
// it starts (::state_kind), not a column or a string of its name.
func TestRenameCasts(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`state <> 'gone'::state`, `state <> 'gone'::"stage"`},
		{`'{a}'::"state"[]`, `'{a}'::"stage"[]`},
		{`'a'::state_kind = '::state'`, `'a'::state_kind = '::state'`},
		{`x::STATE`, `x::"stage"`},
		{`no casts`, `no casts`},
	} {
		if got := renameCasts(c.in, "state", "stage"); got != c.want {
			t.Errorf("renameCasts(%s) = %s, want %s", c.in, got, c.want)
		}
	}
}

// TestFollowEnum follows an enum's renames into an expression: its casts
// to the old name, and the constants cast to it, by either name, that
// hold a renamed label; not a constant cast to another type or to an
// array of it, nor one not cast.
func TestFollowEnum(t *testing.T) {
	labels := map[string]string{"b": "bee", "it's": "its"}
	for _, c := range []struct{ in, want string }{
		{`kind = 'b'::kind`, `kind = 'bee'::"item_kind"`},
		{`kind = 'b'::item_kind OR kind = 'it''s'::"kind"`, `kind = 'bee'::item_kind OR kind = 'its'::"item_kind"`},
		{`'b'::text = 'b'`, `'b'::text = 'b'`},
		{`'{b}'::kind[]`, `'{b}'::"item_kind"[]`},
		{`'c'::kind`, `'c'::"item_kind"`},
	} {
		if got := followEnum(c.in, "kind", "item_kind", labels, nil); got != c.want {
			t.Errorf("followEnum(%s) = %s, want %s", c.in, got, c.want)
		}
	}
	if got, want := followEnum(`k = 'b'::kind`, "", "kind", labels, nil), `k = 'bee'::kind`; got != want {
		t.Errorf("labels only: %s, want %s", got, want)
	}
	// Constants not cast, as the specs write them: only those a column
	// of the type is compared with.
	cols := map[string]bool{"k": true, "note": false}
	for _, c := range []struct{ in, want string }{
		{`k = 'b'`, `k = 'bee'`},
		{`'b' <> "k" AND note = 'b'`, `'bee' <> "k" AND note = 'b'`},
		{`k != 'b' OR k IN ('a', 'b', 'it''s')`, `k != 'bee' OR k IN ('a', 'bee', 'its')`},
		{`lower(note) = 'b'`, `lower(note) = 'b'`},
		{`'b'::kind = k AND k = 'b'`, `'bee'::kind = k AND k = 'bee'`},
	} {
		if got := followEnum(c.in, "", "kind", labels, cols); got != c.want {
			t.Errorf("followEnum(%s) = %s, want %s", c.in, got, c.want)
		}
	}
	// A cast before a constant compared with a column, the type renamed.
	if got, want := followEnum(`'b'::kind = k AND k = 'b'`, "kind", "item_kind", labels, cols), `'bee'::"item_kind" = k AND k = 'bee'`; got != want {
		t.Errorf("renamed type: %s, want %s", got, want)
	}
}
