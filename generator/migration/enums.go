package migration

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cpcgen/cpcgen/generator/ir"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
)

// enumLoss returns the values of from that to drops, and whether to
// puts the values they share in another order: the changes ALTER TYPE …
// ADD VALUE, all PostgreSQL can do to an enum type in place, cannot
// make. (Atlas's planner writes nothing for a dropped value.)
func enumLoss(from, to *schema.EnumType) (gone []string, reordered bool) {
	var kept, still []string
	for _, v := range from.Values {
		if slices.Contains(to.Values, v) {
			kept = append(kept, v)
		} else {
			gone = append(gone, v)
		}
	}
	for _, v := range to.Values {
		if slices.Contains(kept, v) {
			still = append(still, v)
		}
	}
	return gone, !slices.Equal(kept, still)
}

// rebuildEnums plans the enum types of current whose values desired
// drops or reorders (see enumLoss) as PostgreSQL needs: the type renamed
// aside, the new one created, every column of it (or of arrays of it)
// converted through its text (ALTER COLUMN … TYPE … USING), its default
// set again as desired has it (the reverse sets the old one), the old
// type dropped. The partial and expression indexes, the checks and the
// generated columns that use such a column are dropped before (their
// SQL compares it with the old type's values; PostgreSQL changes the
// type of no column a generated column reads) and made again after, as
// desired declares them. Every statement has its reverse.
// current is changed to the state after them, so that Atlas's diff plans
// nothing more for them; the returned schema changes are the column
// conversions, which the safety rules and the rebuild of views read.
func rebuildEnums(current, desired *schema.Schema, p *Planned) ([]*Change, []schema.Change, error) {
	var out []*Change
	var changes []schema.Change
	for _, o := range current.Objects {
		from, ok := o.(*schema.EnumType)
		if !ok {
			continue
		}
		to := findEnum(desired, from.T)
		if to == nil {
			continue
		}
		gone, reordered := enumLoss(from, to)
		if len(gone) == 0 && !reordered {
			continue
		}
		old := asideName(from.T)
		oldType := &schema.EnumType{T: from.T, Values: from.Values, Schema: from.Schema}
		rename := len(out) // this enum's first change, of all the enums' out holds
		out = append(out,
			&Change{Cmd: fmt.Sprintf("ALTER TYPE %s RENAME TO %s", quote(from.T), quote(old)),
				Comment: fmt.Sprintf("rename enum type %q aside, to replace it: PostgreSQL cannot drop or reorder the values of an enum type", from.T)},
			&Change{Cmd: enumCreate(from.T, to.Values), Reverse: []string{"DROP TYPE " + quote(from.T)},
				Comment: fmt.Sprintf("create enum type %q with its new values", from.T)})
		var defaults []string // the reverse of the rename sets the defaults again
		for _, t := range current.Tables {
			var mt *schema.ModifyTable
			drops, err := dropEnumUses(t, from, p)
			if err != nil {
				return nil, nil, err
			}
			// Before the rename: the down creates them again after the
			// type has its name back, which their SQL names.
			out = slices.Insert(out, rename, drops...)
			rename += len(drops)
			for _, c := range t.Columns {
				typ, cast := enumColumn(c, from)
				if typ == "" {
					continue
				}
				col, newName, oldName := quote(c.Name), strings.ReplaceAll(typ, "%", quote(from.T)), strings.ReplaceAll(typ, "%", quote(old))
				// The default set again is desired's: the current one may be
				// a value the new type drops (Formbricks's SurveyType lost
				// web, the default of Survey.type, which became app).
				def, next := defaultSQL(c), c
				if dt, ok := desired.Table(t.Name); ok {
					if dc, ok := dt.Column(c.Name); ok {
						if typ, _ := enumColumn(dc, from); typ != "" {
							next = dc
						}
					}
				}
				alter := "ALTER TABLE " + quote(t.Name) + " "
				up := alter + aroundDefault(col, fmt.Sprintf("ALTER COLUMN %s TYPE %s USING %s::%s::%s", col, newName, col, cast, newName), def != "", defaultSQL(next))
				down := alter + aroundDefault(col, fmt.Sprintf("ALTER COLUMN %s TYPE %s USING %s::%s::%s", col, oldName, col, cast, oldName), def != "", "")
				if def != "" {
					defaults = append(defaults, fmt.Sprintf("%sALTER COLUMN %s SET DEFAULT %s", alter, col, def))
				}
				out = append(out, &Change{Cmd: up, Reverse: []string{down},
					Comment: fmt.Sprintf("convert column %q.%q to the new enum type %q", t.Name, c.Name, from.T)})
				if mt == nil {
					mt = &schema.ModifyTable{T: t}
					changes = append(changes, mt)
				}
				before := *c
				before.Type = &schema.ColumnType{Type: oldType, Raw: c.Type.Raw, Null: c.Type.Null}
				if a, ok := c.Type.Type.(*postgres.ArrayType); ok {
					arr := *a
					arr.Type = oldType
					before.Type.Type = &arr
				}
				mt.Changes = append(mt.Changes, &schema.ModifyColumn{From: &before, To: c, Change: schema.ChangeType})
				c.Default = next.Default
			}
		}
		out[rename].Reverse = append([]string{fmt.Sprintf("ALTER TYPE %s RENAME TO %s", quote(old), quote(from.T))}, defaults...)
		out = append(out, &Change{Cmd: "DROP TYPE " + quote(old), Reverse: []string{enumCreate(old, from.Values)},
			Comment: fmt.Sprintf("drop the old enum type %q", from.T)})
		from.Values = slices.Clone(to.Values)
		p.replaced = append(p.replaced, from.T)
	}
	return out, changes, nil
}

// asideName is the name an enum type is renamed to while another of its
// name replaces it, cut to leave the suffix within PostgreSQL's 63 bytes.
func asideName(name string) string {
	return fmt.Sprintf("%.50s_cpcgen_old", name)
}

// enumsAside renames aside the enum types of current that desired drops
// while a column of current still has one (or an array of one), when an
// object the migration creates before the tables takes its name: an
// enum made a domain or a composite type of the same name. The object is
// created before the tables change, so the name must be free by then,
// and the columns are converted from the old type after it.
//
// The returned statements, which planObjects puts before the objects'
// creation, drop the indexes, checks and generated columns that use
// such a column (dropEnumUses: the diff adds them back as desired
// declares them) and rename the type; the down migration renames it
// back after dropping the objects, then makes them again. current is
// changed as the rename leaves it — the columns' type, and every cast to
// it in a default, check, index or generation expression, under the new
// name; the casts too in was, the previous specs, whose text the
// statements going back take — and without the type, which the
// statements of p.post drop after the tables' changes (the down makes
// it again, under the name aside, before the columns go back to it).
func enumsAside(pkg *ir.Package, current, desired, was *schema.Schema, p *Planned) ([]*Change, error) {
	taken := map[string]bool{}
	for _, o := range pkg.Objects {
		if o.Early {
			if n := createdTypeName(o.Create); n != "" {
				taken[n] = true
			}
		}
	}
	var out []*Change
	for _, o := range slices.Clone(current.Objects) {
		e, ok := o.(*schema.EnumType)
		if !ok || !taken[e.T] || findEnum(desired, e.T) != nil {
			continue
		}
		types, arrays := enumTypesOf(current, e.T)
		if len(types) == 0 {
			continue // enumNamesFreed drops it before the objects' creation
		}
		name, aside := e.T, asideName(e.T)
		// Before the rewrite: the down makes them again after the type
		// has its name back, which their SQL names.
		for _, t := range current.Tables {
			drops, err := dropEnumUses(t, e, p)
			if err != nil {
				return nil, err
			}
			out = append(out, drops...)
		}
		for _, s := range []*schema.Schema{current, was} {
			if s == nil {
				continue
			}
			for _, t := range s.Tables {
				alignTable(t, nil, func(have, _ string) (string, bool) {
					got := renameCasts(have, name, aside)
					return got, got != have
				})
			}
		}
		for _, et := range append(types, e) {
			et.T = aside
		}
		for _, a := range arrays {
			if k := strings.IndexByte(a.T, '['); k >= 0 {
				a.T = quote(aside) + a.T[k:]
			}
		}
		current.Objects = slices.DeleteFunc(current.Objects, func(x schema.Object) bool { return x == o })
		out = append(out, &Change{
			Cmd:     fmt.Sprintf("ALTER TYPE %s RENAME TO %s", quote(name), quote(aside)),
			Reverse: []string{fmt.Sprintf("ALTER TYPE %s RENAME TO %s", quote(aside), quote(name))},
			Comment: fmt.Sprintf("rename enum type %q aside, to %q: an object the migration creates takes its name, and its columns are converted after that", name, aside),
		})
		p.post = append(p.post, &Change{
			Cmd:     "DROP TYPE " + quote(aside),
			Reverse: []string{enumCreate(aside, e.Values)},
			Comment: fmt.Sprintf("drop the old enum type %q, renamed aside to %q", name, aside),
		})
	}
	return out, nil
}

// enumTypesOf returns the types of the columns of s that are the enum
// type name (by name: they need not be the schema's object), of the
// columns of arrays of it too, and those arrays' types, which name it.
func enumTypesOf(s *schema.Schema, name string) (types []*schema.EnumType, arrays []*postgres.ArrayType) {
	for _, t := range s.Tables {
		for _, c := range t.Columns {
			switch ct := c.Type.Type.(type) {
			case *schema.EnumType:
				if ct.T == name {
					types = append(types, ct)
				}
			case *postgres.ArrayType:
				if at, ok := ct.Type.(*schema.EnumType); ok && at.T == name {
					types, arrays = append(types, at), append(arrays, ct)
				}
			}
		}
	}
	return types, arrays
}

// enumColumn returns, when c is of the enum type e or an array of it,
// its type with % for the enum's name and the type its values convert
// through (text, text[]); "" otherwise.
func enumColumn(c *schema.Column, e *schema.EnumType) (typ, through string) {
	switch t := c.Type.Type.(type) {
	case *schema.EnumType:
		if t.T == e.T {
			return "%", "text"
		}
	case *postgres.ArrayType:
		if et, ok := t.Type.(*schema.EnumType); ok && et.T == e.T {
			return "%[]", "text[]"
		}
	}
	return "", ""
}

// defaultSQL returns the SQL of c's default, or "".
func defaultSQL(c *schema.Column) string {
	switch d := c.Default.(type) {
	case *schema.RawExpr:
		return d.X
	case *schema.Literal:
		return d.V
	}
	return ""
}

// enumCreate is the CREATE TYPE statement of the enum type name with
// values.
func enumCreate(name string, values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = quoteLiteral(v)
	}
	return fmt.Sprintf("CREATE TYPE %s AS ENUM (%s)", quote(name), strings.Join(q, ", "))
}

// enumDrift returns the error of a database (current) whose enum type
// has the values of the migrations (desired) in another order: a drift
// no statement of a migration can undo. Values only the database has are
// not: a down migration cannot drop the values its up migration added
// (ADD VALUE IF NOT EXISTS lets the up migration run again over them).
func enumDrift(current, desired *schema.Schema) error {
	for _, o := range current.Objects {
		from, ok := o.(*schema.EnumType)
		if !ok {
			continue
		}
		if to := findEnum(desired, from.T); to != nil {
			if _, reordered := enumLoss(from, to); reordered {
				return fmt.Errorf("enum type %q has its values in another order than the migrations' (database: %s; migrations: %s): a migration cannot make it so; find the hand change and undo it", from.T, strings.Join(from.Values, ", "), strings.Join(to.Values, ", "))
			}
		}
	}
	return nil
}

// replacedEnum returns the old and new values' types when a column
// change converts the column to a new enum type of the same name (see
// rebuildEnums), element types for arrays; nil otherwise.
func replacedEnum(c *schema.ModifyColumn) (from, to *schema.EnumType) {
	from, to = enumElem(c.From.Type.Type), enumElem(c.To.Type.Type)
	if from == nil || to == nil || from.T != to.T {
		return nil, nil
	}
	return from, to
}

// enumElem returns t when it is an enum type, its element type when it is
// an array of one, or nil.
func enumElem(t schema.Type) *schema.EnumType {
	if a, ok := t.(*postgres.ArrayType); ok {
		t = a.Type
	}
	e, _ := t.(*schema.EnumType)
	return e
}

// quotedList is values quoted and joined by commas.
func quotedList(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}

// dropEnumUses returns the statements dropping the indexes and checks of
// t whose predicate or expression names a column of the enum type e
// (partial indexes, checks comparing with a value), which PostgreSQL
// cannot carry over to a new type, and takes them out of t, so that the
// diff adds them back; p.again records them.
func dropEnumUses(t *schema.Table, e *schema.EnumType, p *Planned) ([]*Change, error) {
	var cols []string
	for _, c := range t.Columns {
		if typ, _ := enumColumn(c, e); typ != "" {
			cols = append(cols, c.Name)
		}
	}
	if len(cols) == 0 {
		return nil, nil
	}
	uses := func(expr string) bool {
		return slices.ContainsFunc(cols, func(c string) bool { return mentions(expr, c) })
	}
	drops := takeOut(t, func(i *schema.Index) bool { return slices.ContainsFunc(indexExprs(i), uses) },
		nil, func(c *schema.Check) bool { return uses(c.Expr) })
	// A generated column reading such a column, whose type PostgreSQL
	// then does not change (0A000): dropped before with what uses it,
	// and added back after as desired declares it.
	for _, g := range slices.Clone(t.Columns) {
		if x := generatedExpr(g); x != nil && uses(x.Expr) {
			drops = append(drops, takeColumn(t, g)...)
		}
	}
	for _, d := range drops {
		switch d := d.(type) {
		case *schema.DropIndex:
			p.again[t.Name+"."+d.I.Name] = true
		case *schema.DropCheck:
			p.again[t.Name+"."+d.C.Name] = true
		}
	}
	if len(drops) == 0 {
		return nil, nil
	}
	return planChanges([]schema.Change{&schema.ModifyTable{T: t, Changes: drops}})
}

// indexExprs returns the SQL expressions of index i: its predicate and
// its expression parts.
func indexExprs(i *schema.Index) []string {
	var exprs []string
	for _, a := range i.Attrs {
		if p, ok := a.(*postgres.IndexPredicate); ok {
			exprs = append(exprs, p.P)
		}
	}
	for _, p := range i.Parts {
		if x, ok := p.X.(*schema.RawExpr); ok {
			exprs = append(exprs, x.X)
		}
	}
	return exprs
}
