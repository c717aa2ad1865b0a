package migration

import (
	"fmt"
	"github.com/cpcgen/cpcgen/internal/sqllex"
	"iter"
	"reflect"
	"slices"
	"strings"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/sqlschema"
	"github.com/cpcgen/cpcgen/internal/pgtypes"
)

// regenerate prepares for Atlas's diff the columns whose generation
// expression changes and the columns that become generated, which the
// diff refuses: PostgreSQL 15 cannot alter either (ALTER COLUMN … SET
// EXPRESSION is 17's), so the column is dropped and added again. So is a
// generated column whose expression reads a column whose type changes:
// PostgreSQL changes the type of no column a generated column uses
// (0A000), but does within the ALTER TABLE that drops the generated
// column and adds it back. Each such column is taken out of current,
// with the indexes, foreign keys and checks that use it, which
// PostgreSQL drops with it: the diff then adds them all back as desired
// declares them. The returned changes drop them, by table; regenerated
// puts them first in their table's change.
func regenerate(current, desired *schema.Schema) map[string][]schema.Change {
	drops := map[string][]schema.Change{}
	for ct, dt := range keptTables(current, desired) {
		var retyped []string
		for _, dc := range dt.Columns {
			if cc, ok := ct.Column(dc.Name); ok && !isGenerated(cc) && (typeChanges(cc, dc) || collationChanged(cc, dc)) {
				retyped = append(retyped, dc.Name)
			}
		}
		for _, dc := range dt.Columns {
			cc, ok := ct.Column(dc.Name)
			if !ok {
				continue
			}
			from, to := generatedExpr(cc), generatedExpr(dc)
			if to == nil {
				continue
			}
			if from != nil && wrapped(from.Expr) == wrapped(to.Expr) &&
				!slices.ContainsFunc(retyped, func(name string) bool { return mentions(from.Expr, name) }) {
				continue
			}
			drops[dt.Name] = append(drops[dt.Name], takeColumn(ct, cc)...)
		}
	}
	return drops
}

// typeChanges reports whether the column cc becomes dc of another type,
// as PostgreSQL spells them.
func typeChanges(cc, dc *schema.Column) bool {
	from, err1 := postgres.FormatType(cc.Type.Type)
	to, err2 := postgres.FormatType(dc.Type.Type)
	return err1 == nil && err2 == nil && from != to
}

// takeColumn removes the column cc from t, with the indexes (over it,
// or whose expression or predicate reads it), foreign keys and checks
// that use it, and returns the changes that drop them: PostgreSQL drops
// them with the column; saying so gives the down migration the
// statements that create them again.
func takeColumn(t *schema.Table, cc *schema.Column) []schema.Change {
	drops := takeOut(t,
		func(i *schema.Index) bool {
			return slices.ContainsFunc(i.Parts, func(p *schema.IndexPart) bool { return p.C == cc }) ||
				slices.ContainsFunc(indexExprs(i), func(x string) bool { return mentions(x, cc.Name) })
		},
		func(fk *schema.ForeignKey) bool { return slices.Contains(fk.Columns, cc) },
		func(c *schema.Check) bool { return mentions(c.Expr, cc.Name) })
	t.Columns = slices.DeleteFunc(t.Columns, func(c *schema.Column) bool { return c == cc })
	return append(drops, &schema.DropColumn{C: cc})
}

// unbind prepares for Atlas's diff the generated columns, column
// defaults, indexes (expression or predicate) and checks of current whose
// expression calls (names) one of objs, objects created before the
// tables that the migration drops and creates again (a function whose
// result changes): PostgreSQL refuses to drop a function a column,
// default, index or check calls. Each is taken out of current (a column
// by takeColumn, with what uses it), so that its drop runs before the
// object's and the diff adds it back, as desired declares it, after the
// object is created again. The returned changes drop them, one per
// table. A generated column desired drops or makes plain is an error: its
// drop belongs to the diff (expand/contract), and a plain column added
// back would lose the values.
//
// A function whose arguments change (overloaded, by key) is another
// function beside the old one, which the plan drops after the tables
// change, when the callers the change rewrites no longer call it. Callers
// it does not rewrite stay bound to the old one, so theirs are taken out
// too, and rebound returns the keys of such functions with callers, whose
// old version must then go before the tables change — but not when a
// generated column calling it is dropped or made plain: the table
// changes drop that column, and the old function must outlive them.
func unbind(current, desired *schema.Schema, objs []*ir.Object, overloaded map[string]bool) (out []schema.Change, rebound map[string]bool, err error) {
	rebound = map[string]bool{}
	names := map[*ir.Object]string{}
	for _, o := range objs {
		name := strings.TrimPrefix(o.Name, o.Schema+".")
		if overloaded[o.Key] && dropsGeneratedCaller(current, desired, name) {
			continue
		}
		names[o] = name
	}
	// called returns the object of objs expr names, recording it in
	// rebound when its arguments change; nil when it names none.
	called := func(expr string) *ir.Object {
		for _, o := range objs {
			if name, ok := names[o]; ok && mentions(expr, name) {
				if overloaded[o.Key] {
					rebound[o.Key] = true
				}
				return o
			}
		}
		return nil
	}
	calls := func(expr string) bool { return called(expr) != nil }
	for _, ct := range current.Tables {
		var drops []schema.Change
		for _, cc := range slices.Clone(ct.Columns) {
			if g := generatedExpr(cc); g != nil {
				if o := called(g.Expr); o != nil {
					if !keepsGenerated(desired, ct.Name, cc.Name) {
						return nil, nil, fmt.Errorf("generated column %q.%q calls %s, which this migration drops and creates again (CREATE OR REPLACE cannot change it): the column must be dropped before and added back after, but the migration drops it or makes it plain; do that in a migration of its own first", ct.Name, cc.Name, o.Title())
					}
					drops = append(drops, takeColumn(ct, cc)...)
				}
			} else if x, ok := cc.Default.(*schema.RawExpr); ok && calls(x.X) {
				// The default is dropped; the diff sets the one desired
				// declares.
				from := *cc
				cc.Default = nil
				drops = append(drops, &schema.ModifyColumn{From: &from, To: cc, Change: schema.ChangeDefault})
			}
		}
		drops = append(drops, takeOut(ct,
			func(i *schema.Index) bool { return slices.ContainsFunc(indexExprs(i), calls) },
			nil,
			func(c *schema.Check) bool { return calls(c.Expr) })...)
		if len(drops) > 0 {
			out = append(out, &schema.ModifyTable{T: ct, Changes: drops})
		}
	}
	return out, rebound, nil
}

// dropsGeneratedCaller reports whether desired drops, or makes plain, a
// generated column of current whose expression names the function name.
func dropsGeneratedCaller(current, desired *schema.Schema, name string) bool {
	for _, ct := range current.Tables {
		for _, cc := range ct.Columns {
			if g := generatedExpr(cc); g != nil && mentions(g.Expr, name) && !keepsGenerated(desired, ct.Name, cc.Name) {
				return true
			}
		}
	}
	return false
}

// keepsGenerated reports whether s has the column col of table, and
// generated.
func keepsGenerated(s *schema.Schema, table, col string) bool {
	t, ok := s.Table(table)
	if !ok {
		return false
	}
	c, ok := t.Column(col)
	return ok && generatedExpr(c) != nil
}

// planUnbind plans the drops unbind returned: the indexes, foreign keys
// and checks before the columns and apart from them, as Atlas's planner
// leaves those that go with a column it drops to PostgreSQL, with no
// reverse making them again.
func planUnbind(unbound []schema.Change) ([]*Change, error) {
	var uses, cols []schema.Change
	for _, u := range unbound {
		mt := u.(*schema.ModifyTable)
		u, c := splitColumnDrops(mt.Changes)
		if len(u) > 0 {
			uses = append(uses, &schema.ModifyTable{T: mt.T, Changes: u})
		}
		if len(c) > 0 {
			cols = append(cols, &schema.ModifyTable{T: mt.T, Changes: c})
		}
	}
	var out []*Change
	for _, changes := range [][]schema.Change{uses, cols} {
		if len(changes) == 0 {
			continue
		}
		planned, err := planChanges(changes)
		if err != nil {
			return nil, err
		}
		out = append(out, planned...)
	}
	return out, nil
}

// withUnbound returns changes with the drops unbind returned put first
// in the change of their table, or beside them for a table the changes
// do not alter: how the safety rules see them (a column dropped and
// added again loses no values).
func withUnbound(changes, unbound []schema.Change) []schema.Change {
	if len(unbound) == 0 {
		return changes
	}
	out := slices.Clone(changes)
	for _, u := range unbound {
		u := u.(*schema.ModifyTable)
		i := slices.IndexFunc(out, func(c schema.Change) bool {
			mt, ok := c.(*schema.ModifyTable)
			return ok && mt.T.Name == u.T.Name
		})
		if i < 0 {
			out = append(out, u)
			continue
		}
		mt := *out[i].(*schema.ModifyTable)
		mt.Changes = append(slices.Clone(u.Changes), mt.Changes...)
		out[i] = &mt
	}
	return out
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

// regenerated puts the column drops regenerate returned first in the
// change of their table, and the drops of what uses the columns in a
// change of the table before it: Atlas's planner leaves an index or a
// foreign key dropped with its column to PostgreSQL, with no reverse
// making it again for the down migration.
func regenerated(changes []schema.Change, drops map[string][]schema.Change) []schema.Change {
	var out []schema.Change
	for _, c := range changes {
		if mt, ok := c.(*schema.ModifyTable); ok && len(drops[mt.T.Name]) > 0 {
			uses, cols := splitColumnDrops(drops[mt.T.Name])
			if len(uses) > 0 {
				out = append(out, &schema.ModifyTable{T: mt.T, Changes: uses})
			}
			mt.Changes = append(cols, mt.Changes...)
		}
		out = append(out, c)
	}
	return out
}

// splitColumnDrops splits drops into the column drops and the others.
func splitColumnDrops(drops []schema.Change) (uses, cols []schema.Change) {
	for _, d := range drops {
		if _, ok := d.(*schema.DropColumn); ok {
			cols = append(cols, d)
		} else {
			uses = append(uses, d)
		}
	}
	return uses, cols
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
	toks, err := sqllex.Lex(expr)
	if err != nil || len(toks) < 2 || toks[0].Off != 0 || toks[len(toks)-1].End() != len(expr) ||
		!toks[0].IsPunct("(") || sqllex.Closing(toks, 0) != len(toks)-1 {
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

// regeneratedIn returns, as "table.column", the generated columns that
// changes drop and add back: in one ALTER TABLE (regenerate), or in two,
// as an enum's replacement drops those reading its columns before and
// the diff adds them after (dropEnumUses).
func regeneratedIn(changes []schema.Change) map[string]bool {
	dropped, out := map[string]bool{}, map[string]bool{}
	for _, c := range changes {
		if mt, ok := c.(*schema.ModifyTable); ok {
			for _, tc := range mt.Changes {
				if d, ok := tc.(*schema.DropColumn); ok && isGenerated(d.C) {
					dropped[mt.T.Name+"."+d.C.Name] = true
				}
			}
		}
	}
	for _, c := range changes {
		if mt, ok := c.(*schema.ModifyTable); ok {
			for _, tc := range mt.Changes {
				if a, ok := tc.(*schema.AddColumn); ok && dropped[mt.T.Name+"."+a.C.Name] {
					out[mt.T.Name+"."+a.C.Name] = true
				}
			}
		}
	}
	return out
}

// withoutRegenerated returns c without the drops and adds of the columns
// regen holds (regeneratedIn), for Atlas's analyzers, which would report
// the drop as the loss of the column's values and the add of a NOT NULL
// one as failing on a table with rows.
func withoutRegenerated(c schema.Change, regen map[string]bool) schema.Change {
	mt, ok := c.(*schema.ModifyTable)
	if !ok {
		return c
	}
	gone := func(c schema.Change) bool {
		switch c := c.(type) {
		case *schema.DropColumn:
			return regen[mt.T.Name+"."+c.C.Name]
		case *schema.AddColumn:
			return regen[mt.T.Name+"."+c.C.Name]
		}
		return false
	}
	if !slices.ContainsFunc(mt.Changes, gone) {
		return c
	}
	cp := *mt
	cp.Changes = slices.DeleteFunc(slices.Clone(mt.Changes), gone)
	return &cp
}

// keptTables yields the tables of desired that current holds too, each
// after current's.
func keptTables(current, desired *schema.Schema) iter.Seq2[*schema.Table, *schema.Table] {
	return func(yield func(*schema.Table, *schema.Table) bool) {
		for _, dt := range desired.Tables {
			if ct, ok := current.Table(dt.Name); ok && !yield(ct, dt) {
				return
			}
		}
	}
}

// missedChanges adds to changes what Atlas's diff does not see between
// two tables of the same name:
//   - checks by the same name whose expression differs: the diff,
//     outside its normalized mode, finds checks by name and never
//     compares their expressions;
//   - a new check whose expression a check by another name has, which
//     keeps its name (migra's fixture: x becomes price > 10, and y takes
//     x's price > 0): the diff, finding the new check by expression too,
//     took it for that one and added it nowhere;
//   - a unique key by the same name and columns that turns from a unique
//     constraint into a unique index (`constraint:` dropped): the diff
//     does not compare the kind of a unique key. (The other way round is
//     a statement of its own, indexesToConstraints.)
//   - a foreign key by the same name and columns that references another
//     table: the diff compares the referencing tables' names where it
//     means the referenced ones', so a key moved to another table by
//     columns of the same names (Ory Kratos's
//     identity_recovery_tokens_selfservice_recovery_request_id_fkey, from
//     selfservice_recovery_requests to selfservice_recovery_flows) stayed
//     on the old table, whose drop then failed;
//   - a column of a user-defined type that changes to another (a type
//     named by its SQL: geometry(Point,4326) to geometry(Point,3857)):
//     the diff compares the new type's name with itself;
//   - a column whose collation changes, its type staying: the diff does
//     not compare collations. Its change is a type change to the same
//     type, which the planner writes ALTER COLUMN … TYPE … COLLATE, in
//     its table's ALTER TABLE: after the drop of a generated column
//     reading it (regenerate), which PostgreSQL would refuse the change
//     while it is there (0A000), and before the column added back.
func missedChanges(current, desired *schema.Schema, changes []schema.Change) []schema.Change {
	for ct, dt := range keptTables(current, desired) {
		var mods []schema.Change
		for _, to := range dt.Columns {
			from, ok := ct.Column(to.Name)
			if !ok || !userTypeChanged(from, to) && !collationChanged(from, to) {
				continue
			}
			if mc := modifiesColumn(changes, dt.Name, to.Name); mc != nil {
				mc.Change |= schema.ChangeType
				continue
			}
			mods = append(mods, &schema.ModifyColumn{From: from, To: to, Change: schema.ChangeType})
		}
		for _, to := range dt.ForeignKeys {
			from, ok := ct.ForeignKey(to.Symbol)
			if !ok || from.RefTable == nil || to.RefTable == nil || from.RefTable.Name == to.RefTable.Name || modifiesForeignKey(changes, dt.Name, to.Symbol) {
				continue
			}
			mods = append(mods, &schema.ModifyForeignKey{From: from, To: to, Change: schema.ChangeRefTable})
		}
		for _, to := range namedChecks(dt) {
			for _, from := range namedChecks(ct) {
				if from.Name == to.Name && wrapped(from.Expr) != wrapped(to.Expr) {
					mods = append(mods, &schema.ModifyCheck{From: from, To: to})
				}
			}
			if !hasCheck(ct, to.Name) && !addsCheck(changes, dt.Name, to.Name) && !renamedCheck(ct, dt, to, changes) {
				mods = append(mods, &schema.AddCheck{C: to})
			}
		}
		for _, to := range dt.Indexes {
			from, ok := ct.Index(to.Name)
			if ok && sqlschema.IsConstraintIndex(from) && !sqlschema.IsConstraintIndex(to) && sameKey(from, to) {
				mods = append(mods, &schema.ModifyIndex{From: from, To: to, Change: schema.ChangeAttr})
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

// addsCheck reports whether changes add (or modify into) the check name
// of table.
func addsCheck(changes []schema.Change, table, name string) bool {
	mt := findModify(changes, table)
	if mt == nil {
		return false
	}
	return slices.ContainsFunc(mt.Changes, func(c schema.Change) bool {
		switch c := c.(type) {
		case *schema.AddCheck:
			return c.C.Name == name
		case *schema.ModifyCheck:
			return c.To.Name == name
		}
		return false
	})
}

// renamedCheck reports whether the check to of dt, which ct lacks, is
// one of ct's under another name that renameChecks renames: with the
// same expression, a name dt no longer has, and no change of its own.
func renamedCheck(ct, dt *schema.Table, to *schema.Check, changes []schema.Change) bool {
	mt := findModify(changes, dt.Name)
	return slices.ContainsFunc(namedChecks(ct), func(f *schema.Check) bool {
		if wrapped(f.Expr) != wrapped(to.Expr) || hasCheck(dt, f.Name) {
			return false
		}
		return mt == nil || !slices.ContainsFunc(mt.Changes, func(c schema.Change) bool {
			switch c := c.(type) {
			case *schema.DropCheck:
				return c.C.Name == f.Name
			case *schema.AddCheck:
				return c.C.Name == f.Name
			case *schema.ModifyCheck:
				return c.From.Name == f.Name || c.To.Name == f.Name
			}
			return false
		})
	})
}

// collationChanged reports whether the column from becomes to with
// another collation and the same type (a type change carries the
// collation itself).
func collationChanged(from, to *schema.Column) bool {
	return collationOf(from) != collationOf(to) && !typeChanges(from, to)
}

// userTypeChanged reports whether a column of a user-defined type is of
// another one in to.
func userTypeChanged(from, to *schema.Column) bool {
	f, ok1 := from.Type.Type.(*postgres.UserDefinedType)
	t, ok2 := to.Type.Type.(*postgres.UserDefinedType)
	return ok1 && ok2 && f.T != t.T
}

// modifiesColumn returns the change of column col of table in changes,
// or nil.
func modifiesColumn(changes []schema.Change, table, col string) *schema.ModifyColumn {
	mt := findModify(changes, table)
	if mt == nil {
		return nil
	}
	for _, c := range mt.Changes {
		if mc, ok := c.(*schema.ModifyColumn); ok && mc.To.Name == col {
			return mc
		}
	}
	return nil
}

// modifiesForeignKey reports whether changes already modify or drop the
// foreign key name of table.
func modifiesForeignKey(changes []schema.Change, table, name string) bool {
	mt := findModify(changes, table)
	if mt == nil {
		return false
	}
	return slices.ContainsFunc(mt.Changes, func(c schema.Change) bool {
		switch c := c.(type) {
		case *schema.ModifyForeignKey:
			return c.From.Symbol == name
		case *schema.DropForeignKey:
			return c.F.Symbol == name
		}
		return false
	})
}

// sameKey reports whether a and b are unique and alike but for their
// kind (index or constraint).
func sameKey(a, b *schema.Index) bool {
	other := func(a string) bool { return strings.HasPrefix(a, "constraint ") }
	return a.Unique && b.Unique && sameParts(a.Parts, b.Parts) &&
		slices.Equal(slices.DeleteFunc(indexAttrs(a), other), slices.DeleteFunc(indexAttrs(b), other))
}

// indexesToConstraints makes the unique indexes of current that desired
// holds as unique constraints by the same name and columns
// (`constraint: true` added) constraints over the index they have:
// nothing is built again, and no row can be in the way.
func indexesToConstraints(current, desired *schema.Schema) []*Change {
	var out []*Change
	for ct, dt := range keptTables(current, desired) {
		for _, to := range dt.Indexes {
			from, ok := ct.Index(to.Name)
			if !ok || sqlschema.IsConstraintIndex(from) || !sqlschema.IsConstraintIndex(to) || !sameKey(from, to) {
				continue
			}
			cols := make([]string, len(from.Parts))
			for i, p := range from.Parts {
				cols[i] = quote(p.C.Name)
			}
			// PostgreSQL drops the index with the constraint, which it
			// refuses while a foreign key made on the index stands: the
			// down migration drops the references to its columns before
			// and makes them again after.
			unref, reref := referencesTo(desired, keyOf(dt.Name, from.Parts))
			if isPartitioned(ct) {
				// PostgreSQL takes no index for a constraint of a
				// partitioned table (ADD CONSTRAINT … USING INDEX is not
				// supported on partitioned tables): the index is dropped
				// and the constraint built over the same columns, which
				// the rows already satisfy, under the table's lock; the
				// foreign keys made on the index are dropped before and
				// made again after, on the constraint's.
				comment := fmt.Sprintf("make unique index %q of partitioned table %q a unique constraint, built again", from.Name, dt.Name)
				for i, d := range unref {
					c := &Change{Cmd: d, NoUndo: true, Comment: comment}
					if i == 0 {
						c.Reverse, c.NoUndo = reref, false
					}
					out = append(out, c)
				}
				out = append(out,
					&Change{Cmd: fmt.Sprintf("DROP INDEX %s", quote(from.Name)), Comment: comment,
						Reverse: []string{fmt.Sprintf("CREATE UNIQUE INDEX %s ON %s (%s)", quote(from.Name), quote(dt.Name), strings.Join(cols, ", "))}},
					&Change{Cmd: fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s UNIQUE (%s)", quote(dt.Name), quote(to.Name), strings.Join(cols, ", ")), Comment: comment,
						Reverse: []string{fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s", quote(dt.Name), quote(to.Name))}})
				for i, a := range reref {
					c := &Change{Cmd: a, NoUndo: true, Comment: comment}
					if i == len(reref)-1 {
						c.Reverse, c.NoUndo = unref, false
					}
					out = append(out, c)
				}
				continue
			}
			out = append(out, &Change{
				Cmd: fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s UNIQUE USING INDEX %s", quote(dt.Name), quote(to.Name), quote(from.Name)),
				Reverse: slices.Concat(unref, []string{
					fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s", quote(dt.Name), quote(to.Name)),
					fmt.Sprintf("CREATE UNIQUE INDEX %s ON %s (%s)", quote(from.Name), quote(dt.Name), strings.Join(cols, ", ")),
				}, reref),
				Comment: fmt.Sprintf("make unique index %q of table %q a unique constraint", from.Name, dt.Name),
			})
		}
	}
	return out
}

// referencesTo returns the statements dropping, and those making again,
// the foreign keys of s referencing the key (keyOf) key. A foreign key
// the planner cannot write is left out.
func referencesTo(s *schema.Schema, key string) (drops, adds []string) {
	for _, t := range s.Tables {
		for _, fk := range t.ForeignKeys {
			if fk.RefTable == nil || foreignKeyTarget(fk) != key {
				continue
			}
			drop, err := planChanges([]schema.Change{&schema.ModifyTable{T: t, Changes: []schema.Change{&schema.DropForeignKey{F: fk}}}})
			if err != nil {
				continue
			}
			add, err := planChanges([]schema.Change{&schema.ModifyTable{T: t, Changes: []schema.Change{&schema.AddForeignKey{F: fk}}}})
			if err != nil {
				continue
			}
			for _, c := range drop {
				drops = append(drops, c.Cmd)
			}
			for _, c := range add {
				adds = append(adds, c.Cmd)
			}
		}
	}
	return drops, adds
}

// unboundSources points the statements whose source is the change of a
// table unbind drops columns of (its drops, and the diff's change adding
// them back) at that table's change as the safety rules see it
// (schemaChanges, from withUnbound): Atlas's analyzers then read each
// drop with its add, which loses no values, as for the columns regenerate
// drops.
func unboundSources(statements []*Change, schemaChanges, unbound []schema.Change) {
	if len(unbound) == 0 {
		return
	}
	merged := map[string]schema.Change{}
	for _, u := range unbound {
		merged[tableName(u)] = nil
	}
	for _, c := range schemaChanges {
		if name := tableName(c); name != "" {
			if _, ok := merged[name]; ok {
				merged[name] = c
			}
		}
	}
	for _, c := range statements {
		if s := merged[tableName(c.Source)]; s != nil {
			c.Source = s
		}
	}
}

// retypedKeys prepares for Atlas's diff the foreign keys whose columns,
// or the columns they reference, change type: PostgreSQL checks a
// foreign key again when either side of it is converted, and refuses
// the first ALTER COLUMN … TYPE while the other side still has the old
// type (text referencing a column made uuid). So for the indexes over
// such a column that change too: PostgreSQL rebuilds an index through a
// conversion, reading its expression anew (date(col) of a column made
// date becomes col), so the old index, made again by the down migration
// before the column is converted back, would not be the old one. Each
// such key and index is taken out of current, so that the diff adds it
// back as desired declares it, if it does, after the conversions (the
// diff orders a table referencing another after it); the returned
// changes drop them, one per table, before every table change. A foreign
// key that comes back as it was, over columns only widened (every value
// kept, see widening), is put in again: the rows that satisfied it
// satisfy it still, so its validation is no risk to report.
func retypedKeys(current, desired *schema.Schema, again map[string]bool) []schema.Change {
	// The columns of current whose type changes, found once: a foreign
	// key may reference another table's.
	retyped := map[*schema.Column]bool{}
	for ct, dt := range keptTables(current, desired) {
		for _, c := range ct.Columns {
			if dc, ok := dt.Column(c.Name); ok && castTarget(c.Type.Type) != castTarget(dc.Type.Type) {
				retyped[c] = true
			}
		}
	}
	if len(retyped) == 0 {
		return nil
	}
	var drops []schema.Change
	for ct, dt := range keptTables(current, desired) {
		taken := takeOut(ct,
			func(i *schema.Index) bool { return usesRetyped(ct, i, retyped) && indexChanges(i, ct, dt) },
			func(fk *schema.ForeignKey) bool {
				return slices.ContainsFunc(fk.Columns, func(c *schema.Column) bool { return retyped[c] }) ||
					slices.ContainsFunc(fk.RefColumns, func(c *schema.Column) bool { return retyped[c] })
			}, nil)
		if len(taken) > 0 {
			drops = append(drops, &schema.ModifyTable{T: dt, Changes: taken})
		}
		markKept(taken, dt, desired, again)
	}
	return drops
}

// markKept puts in again each foreign key of desired's table dt that
// taken drops only to add it back as it was (keptThroughWidening).
func markKept(taken []schema.Change, dt *schema.Table, desired *schema.Schema, again map[string]bool) {
	for _, c := range taken {
		if d, ok := c.(*schema.DropForeignKey); ok && keptThroughWidening(d.F, dt, desired) {
			again[dt.Name+"."+d.F.Symbol] = true
		}
	}
}

// keptThroughWidening reports whether desired's table dt declares the
// foreign key fk of current again, by name, over the same columns and
// referenced columns, and every column of either side whose type
// changes is widened (widening), so that equal values stay equal.
func keptThroughWidening(fk *schema.ForeignKey, dt *schema.Table, desired *schema.Schema) bool {
	df, ok := dt.ForeignKey(fk.Symbol)
	if !ok || fk.RefTable == nil || df.RefTable == nil || df.RefTable.Name != fk.RefTable.Name ||
		len(df.Columns) != len(fk.Columns) || len(df.RefColumns) != len(fk.RefColumns) {
		return false
	}
	rt, ok := desired.Table(fk.RefTable.Name)
	if !ok {
		return false
	}
	same := func(from, to []*schema.Column, t *schema.Table) bool {
		for i, c := range from {
			if to[i].Name != c.Name {
				return false
			}
			dc, ok := t.Column(c.Name)
			if !ok {
				return false
			}
			if castTarget(c.Type.Type) != castTarget(dc.Type.Type) && widening(c.Type.Type, dc.Type.Type) != 1 {
				return false
			}
		}
		return true
	}
	return same(fk.Columns, df.Columns, dt) && same(fk.RefColumns, df.RefColumns, rt)
}

// usesRetyped reports whether the index i of table t uses one of its
// retyped columns, as a key part, in an expression or in its predicate.
func usesRetyped(t *schema.Table, i *schema.Index, retyped map[*schema.Column]bool) bool {
	for _, c := range t.Columns {
		if !retyped[c] {
			continue
		}
		for _, p := range i.Parts {
			if p.C == c || p.X != nil && mentions(exprText(p.X), c.Name) {
				return true
			}
		}
		for _, a := range i.Attrs {
			if w, ok := a.(*postgres.IndexPredicate); ok && mentions(w.P, c.Name) {
				return true
			}
		}
	}
	return false
}

// indexChanges reports whether the index i of ct is not in dt, the
// table as desired, as it is: dt has one of its name with other parts,
// uniqueness or attributes, or none of its name and none that is i
// renamed (the name cpcgen derives from a renamed column's), which the
// diff's renames pair.
func indexChanges(i *schema.Index, ct, dt *schema.Table) bool {
	if di, ok := dt.Index(i.Name); ok {
		return i.Unique != di.Unique || !sameParts(i.Parts, di.Parts) || !reflect.DeepEqual(indexAttrs(i), indexAttrs(di))
	}
	return !slices.ContainsFunc(dt.Indexes, func(di *schema.Index) bool {
		_, taken := ct.Index(di.Name)
		return !taken && sameIndex(i, di)
	})
}

// unkeyedRefs prepares for Atlas's diff the foreign keys that stay but
// reference columns whose key, the primary key or a unique index over
// exactly those columns, is dropped or changed: PostgreSQL binds a
// foreign key to the key it found when it was made, and refuses to drop
// that key while the foreign key stands, even when another key on the
// same columns remains (LobeChat moving a primary key to "id_nanoid",
// whose unique constraint the references had been made on, imported
// then as an sql object made after the tables). Which key a foreign key
// is bound to is not in a spec, so each foreign key referencing columns
// of a dropped or changed key is taken out of current, as retypedKeys
// does: the returned changes drop it before the table changes, and the
// diff adds it back after them, on the keys desired declares; one kept
// through widening is put in again (see retypedKeys).
func unkeyedRefs(current, desired *schema.Schema, again map[string]bool) []schema.Change {
	// The keys of current that go (keyOf).
	gone := map[string]bool{}
	for ct, dt := range keptTables(current, desired) {
		if pk := ct.PrimaryKey; pk != nil && (dt.PrimaryKey == nil || !sameParts(pk.Parts, dt.PrimaryKey.Parts)) {
			gone[keyOf(ct.Name, pk.Parts)] = true
		}
		for _, i := range ct.Indexes {
			if i.Unique && keyGoes(i, dt) {
				gone[keyOf(ct.Name, i.Parts)] = true
			}
		}
	}
	delete(gone, "") // a key over an expression: no foreign key references it
	if len(gone) == 0 {
		return nil
	}
	var drops []schema.Change
	for ct, dt := range keptTables(current, desired) {
		taken := takeOut(ct, nil, func(fk *schema.ForeignKey) bool {
			if _, ok := dt.ForeignKey(fk.Symbol); !ok {
				return false // the diff drops it, ordered before the key's drop
			}
			return fk.RefTable != nil && gone[foreignKeyTarget(fk)]
		}, nil)
		if len(taken) > 0 {
			drops = append(drops, &schema.ModifyTable{T: dt, Changes: taken})
		}
		markKept(taken, dt, desired, again)
	}
	return drops
}

// keyGoes reports whether the unique index i, of a table whose desired
// form is dt, is dropped: dt has no unique index of its name and parts
// (attributes the inspection of a database and a spec's replay read
// apart do not drop it), nor one of its parts under another name (a
// rename). A unique constraint's index goes when dt has only a plain
// unique index of its parts: PostgreSQL drops the index with the
// constraint, and the plain one is built anew.
func keyGoes(i *schema.Index, dt *schema.Table) bool {
	return !slices.ContainsFunc(dt.Indexes, func(di *schema.Index) bool {
		return di.Unique && sameParts(i.Parts, di.Parts) && (!sqlschema.IsConstraintIndex(i) || sqlschema.IsConstraintIndex(di))
	})
}

// AlignExtensionTypes gives a column of current the type of its column
// in desired where the two name one extension's type (citext, hstore,
// ltree, or arrays of them) in different schemas or one without its
// schema: extensions.citext and citext, as the type reads when the
// specs move its extension to a schema of its own, or as a database
// whose search_path has that schema reads it (a --dev-url database
// normalizing the specs: the statements name the type as the specs do).
// An extension is installed once per database, so the name is the type;
// a move is the extension's ALTER EXTENSION … SET SCHEMA
// (planExtensions), which takes the columns' types with it, not a
// change of the columns' type.
func AlignExtensionTypes(current, desired *schema.Schema) {
	for ct, dt := range keptTables(current, desired) {
		for _, to := range dt.Columns {
			from, ok := ct.Column(to.Name)
			if !ok || from.Type == nil || to.Type == nil {
				continue
			}
			f, ok1 := extensionTypeName(from.Type.Type)
			t, ok2 := extensionTypeName(to.Type.Type)
			if ok1 && ok2 && f == t {
				from.Type.Type, from.Type.Raw = to.Type.Type, to.Type.Raw
			}
		}
	}
}

// extensionTypeName returns the name of an extension's type (a row of
// package pgtypes with an Extension), or of an array of one, without
// its schema: "citext", "hstore[]".
func extensionTypeName(t schema.Type) (string, bool) {
	var name string
	switch t := t.(type) {
	case *postgres.UserDefinedType:
		name = t.T
	case *postgres.ArrayType:
		name = t.T
	default:
		return "", false
	}
	name, arr := strings.CutSuffix(name, "[]")
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	if r := pgtypes.Lookup(name); r == nil || r.Extension == "" {
		return "", false
	}
	if arr {
		name += "[]"
	}
	return name, true
}
