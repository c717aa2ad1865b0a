package migration

import (
	"slices"
	"strings"

	"ariga.io/atlas/sql/schema"
)

// regenerate prepares for Atlas's diff the columns whose generation
// expression changes and the columns that become generated, which the
// diff refuses: PostgreSQL 15 cannot alter either (ALTER COLUMN … SET
// EXPRESSION is 17's), so the column is dropped and added again. Each
// such column is taken out of current, with the indexes, foreign keys
// and checks that use it, which PostgreSQL drops with it: the diff then
// adds them all back as desired declares them. The returned changes drop
// them, by table; regenerated puts them first in their table's change.
func regenerate(current, desired *schema.Schema) map[string][]schema.Change {
	drops := map[string][]schema.Change{}
	for _, dt := range desired.Tables {
		ct, ok := current.Table(dt.Name)
		if !ok {
			continue
		}
		for _, dc := range dt.Columns {
			cc, ok := ct.Column(dc.Name)
			if !ok {
				continue
			}
			from, to := generatedExpr(cc), generatedExpr(dc)
			if to == nil || from != nil && wrapped(from.Expr) == wrapped(to.Expr) {
				continue
			}
			// PostgreSQL drops them with the column; saying so gives the
			// down migration the statements that create them again.
			drops[dt.Name] = append(drops[dt.Name], takeOut(ct,
				func(i *schema.Index) bool {
					return slices.ContainsFunc(i.Parts, func(p *schema.IndexPart) bool { return p.C == cc })
				},
				func(fk *schema.ForeignKey) bool { return slices.Contains(fk.Columns, cc) },
				func(c *schema.Check) bool { return mentions(c.Expr, cc.Name) })...)
			drops[dt.Name] = append(drops[dt.Name], &schema.DropColumn{C: cc})
			ct.Columns = slices.DeleteFunc(ct.Columns, func(c *schema.Column) bool { return c == cc })
		}
	}
	return drops
}

// takeOut removes from t the indexes, foreign keys and checks the
// functions match (a nil function matches none) and returns the changes
// that drop them: what a change PostgreSQL makes drops with a column,
// said, so that the diff adds it back and the down migration makes it
// again.
func takeOut(t *schema.Table, index func(*schema.Index) bool, fk func(*schema.ForeignKey) bool, check func(*schema.Check) bool) []schema.Change {
	var drops []schema.Change
	t.Indexes = slices.DeleteFunc(t.Indexes, func(i *schema.Index) bool {
		if index != nil && index(i) {
			drops = append(drops, &schema.DropIndex{I: i})
			return true
		}
		return false
	})
	t.ForeignKeys = slices.DeleteFunc(t.ForeignKeys, func(f *schema.ForeignKey) bool {
		if fk != nil && fk(f) {
			drops = append(drops, &schema.DropForeignKey{F: f})
			return true
		}
		return false
	})
	t.Attrs = slices.DeleteFunc(t.Attrs, func(a schema.Attr) bool {
		if c, ok := a.(*schema.Check); ok && check != nil && check(c) {
			drops = append(drops, &schema.DropCheck{C: c})
			return true
		}
		return false
	})
	return drops
}

// regenerated puts the drops regenerate returned first in the change of
// their table.
func regenerated(changes []schema.Change, drops map[string][]schema.Change) {
	for _, c := range changes {
		if mt, ok := c.(*schema.ModifyTable); ok && len(drops[mt.T.Name]) > 0 {
			mt.Changes = append(slices.Clone(drops[mt.T.Name]), mt.Changes...)
		}
	}
}

// generatedExpr returns the generation expression of c, or nil.
func generatedExpr(c *schema.Column) *schema.GeneratedExpr {
	for _, a := range c.Attrs {
		if g, ok := a.(*schema.GeneratedExpr); ok {
			return g
		}
	}
	return nil
}

// wrapped returns expr in parentheses unless one pair already encloses
// all of it, as Atlas's diff compares generation expressions.
func wrapped(expr string) string {
	n := len(expr) - 1
	if n < 1 || expr[0] != '(' || expr[n] != ')' {
		return "(" + expr + ")"
	}
	depth := 0
	for i := 1; i < n; i++ {
		switch expr[i] {
		case '\'', '"':
			j := strings.IndexByte(expr[i+1:], expr[i])
			if j < 0 {
				return "(" + expr + ")"
			}
			i += j + 1
		case '(':
			depth++
		case ')':
			if depth--; depth < 0 {
				return "(" + expr + ")"
			}
		}
	}
	if depth != 0 {
		return "(" + expr + ")"
	}
	return expr
}

// regeneratedColumns returns the names of the generated columns the
// change of mt drops and adds back (see regenerate): their values are
// computed again, none is lost, and statements reading them keep
// working.
func regeneratedColumns(mt *schema.ModifyTable) map[string]bool {
	var out map[string]bool
	for _, c := range mt.Changes {
		d, ok := c.(*schema.DropColumn)
		if !ok || !isGenerated(d.C) {
			continue
		}
		for _, c := range mt.Changes {
			if a, ok := c.(*schema.AddColumn); ok && a.C.Name == d.C.Name {
				if out == nil {
					out = map[string]bool{}
				}
				out[d.C.Name] = true
			}
		}
	}
	return out
}

// withoutRegenerated returns c without the drops and adds of the columns
// it regenerates, for Atlas's analyzers, which would report the drop as
// the loss of the column's values.
func withoutRegenerated(c schema.Change) schema.Change {
	mt, ok := c.(*schema.ModifyTable)
	if !ok {
		return c
	}
	regen := regeneratedColumns(mt)
	if regen == nil {
		return c
	}
	cp := *mt
	cp.Changes = slices.DeleteFunc(slices.Clone(mt.Changes), func(c schema.Change) bool {
		switch c := c.(type) {
		case *schema.DropColumn:
			return regen[c.C.Name]
		case *schema.AddColumn:
			return regen[c.C.Name]
		}
		return false
	})
	return &cp
}

// changedChecks adds to changes the checks of a table in both schemas,
// by the same name, whose expression differs: Atlas's diff, outside its
// normalized mode, finds checks by name and never compares their
// expressions, so a changed check planned nothing.
func changedChecks(current, desired *schema.Schema, changes []schema.Change) []schema.Change {
	for _, dt := range desired.Tables {
		ct, ok := current.Table(dt.Name)
		if !ok {
			continue
		}
		var mods []schema.Change
		for _, a := range dt.Attrs {
			to, ok := a.(*schema.Check)
			if !ok || to.Name == "" {
				continue
			}
			for _, b := range ct.Attrs {
				if from, ok := b.(*schema.Check); ok && from.Name == to.Name && wrapped(from.Expr) != wrapped(to.Expr) {
					mods = append(mods, &schema.ModifyCheck{From: from, To: to})
				}
			}
		}
		if len(mods) == 0 {
			continue
		}
		i := slices.IndexFunc(changes, func(c schema.Change) bool {
			mt, ok := c.(*schema.ModifyTable)
			return ok && mt.T.Name == dt.Name
		})
		if i < 0 {
			changes = append(changes, &schema.ModifyTable{T: dt, Changes: mods})
			continue
		}
		mt := changes[i].(*schema.ModifyTable)
		mt.Changes = append(mt.Changes, mods...)
	}
	return changes
}
