package migration

import (
	"fmt"
	"slices"
	"strconv"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"

	"github.com/cpcgen/cpcgen/generator/names"
)

// identityToggle is a column of an existing table that becomes an
// identity column or stops being one: Atlas's planner only alters the
// options of an identity column that stays one, and refused the change
// ("unexpected attribute change (expect IDENTITY)"), so cpcgen plans it.
type identityToggle struct {
	mt  *schema.ModifyTable  // the table's change handed to Atlas (a copy)
	m   *schema.ModifyColumn // the column's change, the original
	add bool                 // the column becomes an identity column
}

// splitIdentity returns changes with the identity taken out of each
// column change that adds or drops one (the rest of the change, a type
// or default, left to Atlas, in a copy of the change and of its
// table's), and the toggles taken out.
func splitIdentity(changes []schema.Change) ([]schema.Change, []identityToggle) {
	var toggles []identityToggle
	out := changes
	cloned := false
	for i, c := range changes {
		mt, ok := c.(*schema.ModifyTable)
		if !ok {
			continue
		}
		var cp *schema.ModifyTable
		for j, tc := range mt.Changes {
			m, ok := tc.(*schema.ModifyColumn)
			if !ok || !m.Change.Is(schema.ChangeAttr) {
				continue
			}
			_, from := identityOf(m.From)
			_, to := identityOf(m.To)
			if from == to {
				continue
			}
			if cp == nil {
				c := *mt
				c.Changes = slices.Clone(mt.Changes)
				cp = &c
				if !cloned {
					out, cloned = slices.Clone(changes), true
				}
				out[i] = cp
			}
			rest := *m
			rest.Change &^= schema.ChangeAttr
			if rest.Change == schema.NoChange {
				cp.Changes[j] = nil
			} else {
				cp.Changes[j] = &rest
			}
			toggles = append(toggles, identityToggle{mt: cp, m: m, add: to})
		}
		if cp != nil {
			cp.Changes = slices.DeleteFunc(cp.Changes, func(c schema.Change) bool { return c == nil })
			if len(cp.Changes) == 0 {
				out[i] = nil
			}
		}
	}
	if len(toggles) == 0 {
		return changes, nil
	}
	return slices.DeleteFunc(out, func(c schema.Change) bool { return c == nil }), toggles
}

// identityOf returns the identity of c, with Atlas's defaults filled in,
// and whether c is an identity column.
func identityOf(c *schema.Column) (postgres.Identity, bool) {
	for _, a := range c.Attrs {
		if i, ok := a.(*postgres.Identity); ok {
			id := postgres.Identity{Generation: i.Generation, Sequence: &postgres.Sequence{Start: 1, Increment: 1}}
			if id.Generation == "" {
				id.Generation = "BY DEFAULT"
			}
			if i.Sequence != nil {
				if i.Sequence.Start != 0 {
					id.Sequence.Start = i.Sequence.Start
				}
				if i.Sequence.Increment != 0 {
					id.Sequence.Increment = i.Sequence.Increment
				}
			}
			return id, true
		}
	}
	return postgres.Identity{}, false
}

// addIdentity returns the statements making column c of table an
// identity column: the column's sequence starts after its largest
// value, so that the rows already there keep theirs and the next
// insert does not take one of them.
func addIdentity(table string, c *schema.Column) []string {
	id, _ := identityOf(c)
	add := fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s ADD GENERATED %s AS IDENTITY", quote(table), quote(c.Name), id.Generation)
	if id.Sequence.Start != 1 || id.Sequence.Increment != 1 {
		add += fmt.Sprintf(" (START WITH %d INCREMENT BY %d)", id.Sequence.Start, id.Sequence.Increment)
	}
	if id.Sequence.Increment < 0 {
		return []string{add}
	}
	start := fmt.Sprintf("SELECT setval(pg_get_serial_sequence(%s, %s), greatest(coalesce(max(%s), 0) + 1, %s), false) FROM %s",
		names.QuoteLiteral(quote(table)), names.QuoteLiteral(c.Name), quote(c.Name), strconv.FormatInt(id.Sequence.Start, 10), quote(table))
	return []string{add, start}
}

// dropIdentity returns the statement making identity column c of table
// a plain column.
func dropIdentity(table string, c *schema.Column) string {
	return fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s DROP IDENTITY", quote(table), quote(c.Name))
}

// placeIdentity puts the statements of the toggles into the plan: an
// identity is dropped before the rest of its table's changes (a serial
// column's sequence, made in its place, takes the name the identity's
// frees) and added after them (after the default it replaces is dropped
// and the serial sequence whose name it takes).
func placeIdentity(plan []*Change, toggles []identityToggle) []*Change {
	for _, tg := range toggles {
		first, last := -1, -1
		for i, c := range plan {
			if ofTable(c.Source, tg.mt) {
				if first < 0 {
					first = i
				}
				last = i
			}
		}
		name := tg.mt.T.Name
		if tg.add {
			stmts := addIdentity(name, tg.m.To)
			add := &Change{
				Cmd:     stmts[0],
				Reverse: []string{dropIdentity(name, tg.m.To)},
				Comment: fmt.Sprintf("make column %q of table %q an identity column", tg.m.To.Name, name),
				Source:  tg.m,
			}
			at := last + 1
			if last < 0 {
				at = len(plan)
			}
			ins := []*Change{add}
			if len(stmts) > 1 {
				ins = append(ins, &Change{Cmd: stmts[1], Comment: fmt.Sprintf("start the identity of column %q of table %q after its values", tg.m.To.Name, name), Source: tg.m, NoUndo: true})
			}
			plan = slices.Insert(plan, at, ins...)
			continue
		}
		drop := &Change{
			Cmd:     dropIdentity(name, tg.m.From),
			Reverse: addIdentity(name, tg.m.From),
			Comment: fmt.Sprintf("make identity column %q of table %q a plain column", tg.m.From.Name, name),
			Source:  tg.m,
		}
		at := first
		if first < 0 {
			at = len(plan)
		}
		plan = slices.Insert(plan, at, drop)
	}
	return plan
}

// ofTable reports whether the source of a planned statement is a change
// of mt's table: Atlas's planner hands its statements a ModifyTable of
// its own, and a column's statements its change of the column.
func ofTable(src schema.Change, mt *schema.ModifyTable) bool {
	switch src := src.(type) {
	case *schema.ModifyTable:
		return src.T == mt.T
	case *schema.ModifyColumn:
		return slices.ContainsFunc(mt.Changes, func(c schema.Change) bool {
			m, ok := c.(*schema.ModifyColumn)
			return ok && m.To == src.To
		})
	}
	return false
}
