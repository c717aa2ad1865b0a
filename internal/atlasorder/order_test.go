package atlasorder

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
)

// plan plans changes with Atlas: ordering them itself, or, with
// presorted, as they are.
func plan(t *testing.T, changes []schema.Change, presorted bool) []string {
	t.Helper()
	plan, err := planAs("migration", changes, presorted)
	if err != nil {
		t.Fatalf("atlas: %v", err)
	}
	var out []string
	for _, c := range plan.Changes {
		out = append(out, c.Cmd)
	}
	return out
}

// randomSchemas returns a schema and a changed copy: enums added,
// dropped and given values; tables added, dropped and changed, with
// columns of enum and enum array types and foreign keys between random
// tables (to themselves, in chains and, unless acyclic, in cycles).
func randomSchemas(r *rand.Rand, tables, enums int, acyclic bool) (from, to *schema.Schema) {
	build := func(present func(kind string, i int) bool, variant int) *schema.Schema {
		s := schema.New("public")
		var ets []*schema.EnumType
		for e := range enums {
			if !present("enum", e) {
				ets = append(ets, nil)
				continue
			}
			et := &schema.EnumType{T: fmt.Sprintf("e%d", e), Values: []string{"a", "b"}, Schema: s}
			if variant == 1 && e%3 == 0 {
				et.Values = append(et.Values, "c")
			}
			s.AddObjects(et)
			ets = append(ets, et)
		}
		var ts []*schema.Table
		for i := range tables {
			if !present("table", i) {
				ts = append(ts, nil)
				continue
			}
			t := schema.NewTable(fmt.Sprintf("t%03d", i))
			id := schema.NewIntColumn("id", "integer")
			t.AddColumns(id)
			t.SetPrimaryKey(schema.NewPrimaryKey(id))
			for e, et := range ets {
				if et == nil || (i+e+variant)%4 != 0 {
					continue
				}
				var typ schema.Type = et
				if (i+e)%3 == 0 {
					typ = &postgres.ArrayType{Type: et, T: et.T + "[]"}
				}
				t.AddColumns(&schema.Column{Name: fmt.Sprintf("c_e%d", e), Type: &schema.ColumnType{Type: typ}})
			}
			s.AddTables(t)
			ts = append(ts, t)
		}
		// The same random references in both versions, where both ends
		// exist, plus some of one version only.
		rr := rand.New(rand.NewPCG(uint64(tables), uint64(enums)))
		for i, t := range ts {
			for k := range 3 {
				j := rr.IntN(tables)
				if acyclic {
					j = rr.IntN(i + 1) // itself or an earlier table
				}
				only := rr.IntN(4)
				if t == nil || ts[j] == nil || (only == 1 && variant == 0) || (only == 2 && variant == 1) {
					continue
				}
				col := schema.NewNullIntColumn(fmt.Sprintf("ref%d_%d", k, j), "integer")
				t.AddColumns(col)
				fk := schema.NewForeignKey(fmt.Sprintf("%s_ref%d_%d_fkey", t.Name, k, j)).
					SetTable(t).AddColumns(col).SetRefTable(ts[j]).AddRefColumns(ts[j].Columns[0])
				t.AddForeignKeys(fk)
				_ = i
			}
		}
		return s
	}
	presence := map[string]map[int][2]bool{"enum": {}, "table": {}}
	for kind, n := range map[string]int{"enum": enums, "table": tables} {
		for i := range n {
			switch r.IntN(6) {
			case 0:
				presence[kind][i] = [2]bool{true, false} // dropped
			case 1:
				presence[kind][i] = [2]bool{false, true} // added
			default:
				presence[kind][i] = [2]bool{true, true}
			}
		}
	}
	from = build(func(k string, i int) bool { return presence[k][i][0] }, 0)
	to = build(func(k string, i int) bool { return presence[k][i][1] }, 1)
	return from, to
}

// TestSortIsAtlasOrder: the changes in Sort's order, planned as they
// are, give the statements Atlas writes when it orders them itself, for
// random schema changes of every kind Sort takes — with and without
// reference cycles — for a fresh database and for dropping everything.
func TestSortIsAtlasOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	sorted, cycles := 0, 0
	for round := range 60 {
		tables, enums := 5+r.IntN(60), r.IntN(8)
		from, to := randomSchemas(r, tables, enums, round%2 == 0)
		for _, pair := range [][2]*schema.Schema{{from, to}, {schema.New("public"), to}, {from, schema.New("public")}} {
			changes, err := postgres.DefaultDiff.SchemaDiff(pair[0], pair[1])
			if err != nil {
				t.Fatal(err)
			}
			if len(changes) == 0 {
				continue
			}
			ordered, ok := Sort(changes)
			if !ok {
				t.Fatalf("round %d: changes Sort does not take: %T…", round, changes[0])
			}
			if _, cycle, _ := sortMap(ordered); cycle {
				cycles++
			}
			want := plan(t, changes, false)
			gotCmds := plan(t, ordered, true)
			if strings.Join(want, ";\n") != strings.Join(gotCmds, ";\n") {
				t.Fatalf("round %d (%d tables, %d enums): planned\n%s\nAtlas plans\n%s", round, tables, enums,
					strings.Join(gotCmds, ";\n"), strings.Join(want, ";\n"))
			}
			sorted++
		}
	}
	if sorted < 100 {
		t.Fatalf("only %d plans compared", sorted)
	}
	if cycles < 20 || sorted-cycles < 20 {
		t.Fatalf("%d of %d plans with cycles: the test needs both kinds", cycles, sorted)
	}
	t.Logf("%d plans compared, %d with reference cycles", sorted, cycles)
}

// TestSortDeclines: changes Sort does not model are left to Atlas.
func TestSortDeclines(t *testing.T) {
	s := schema.New("public")
	v := schema.NewView("v", "SELECT 1")
	v.SetSchema(s)
	if _, ok := Sort([]schema.Change{&schema.AddView{V: v}}); ok {
		t.Error("a view was sorted")
	}
	tab := schema.NewTable("t")
	tab.AddDeps(v)
	if _, ok := Sort([]schema.Change{&schema.AddTable{T: tab}}); ok {
		t.Error("a table with dependencies was sorted")
	}
	bad := schema.NewTable("b")
	bad.AddForeignKeys(schema.NewForeignKey("b_fkey").SetTable(bad))
	if _, ok := Sort([]schema.Change{&schema.AddTable{T: bad}}); ok {
		t.Error("an invalid foreign key was sorted: Atlas reports it")
	}
}

// TestNullComment: a comment taken away is set to NULL, whatever the
// text of the name; every other statement is kept.
func TestNullComment(t *testing.T) {
	for stmt, want := range map[string]string{
		`COMMENT ON COLUMN "users"."login" IS ''`:         `COMMENT ON COLUMN "users"."login" IS NULL`,
		`COMMENT ON TABLE "it's IS ''" IS ''`:             `COMMENT ON TABLE "it's IS ''" IS NULL`,
		`COMMENT ON TABLE "users" IS 'People.'`:           `COMMENT ON TABLE "users" IS 'People.'`,
		`COMMENT ON TABLE "users" IS ''''`:                `COMMENT ON TABLE "users" IS ''''`,
		`ALTER TABLE "t" ALTER COLUMN "c" SET DEFAULT ''`: `ALTER TABLE "t" ALTER COLUMN "c" SET DEFAULT ''`,
	} {
		if got := nullComment(stmt); got != want {
			t.Errorf("nullComment(%s) = %s, want %s", stmt, got, want)
		}
	}
}
