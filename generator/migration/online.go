package migration

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/generator/sqlschema"
	"github.com/cpcgen/cpcgen/internal/sqllex"
)

// Backfill settings of the batched UPDATEs online plans write: the
// runner's defaults for a write stall of tens of milliseconds per batch
// (docs/zero-downtime.md has the measurements). Edit the directive of a
// migration before it is applied to change them.
const (
	backfillBatch = 1000
	backfillPause = "10ms"
)

// lockSafe rewrites the changes of tables that exist before the
// migration so that no statement holds a lock blocking writes for longer
// than a catalog update, and returns the changes left for the schema
// step with the statements it moved to steps of their own:
//
//   - an index is built with CREATE INDEX CONCURRENTLY in a file of its
//     own, and dropped with DROP INDEX CONCURRENTLY, before the schema
//     step (a partitioned table's, which PostgreSQL cannot, in the
//     schema step); a unique constraint is built as a unique index, then
//     attached with ADD CONSTRAINT … UNIQUE USING INDEX. A unique index
//     a foreign key may use (see mayBackForeignKey) is dropped in the
//     schema step, after the foreign keys that go with it, and one
//     changed into or from such an index is changed there too;
//   - a primary key added or moved over columns that are there already,
//     and that the migration leaves alone or only makes NOT NULL, has its
//     unique index built concurrently before the schema step, which
//     attaches it with ADD CONSTRAINT … PRIMARY KEY USING INDEX
//     (primaryKeyBeforeAttach); any other key builds its index in the
//     schema step;
//   - a foreign key or a check is added NOT VALID (it holds for new rows
//     at once) and validated by the validate step, which scans the rows
//     under a lock that lets writes through;
//   - SET NOT NULL goes through a CHECK (col IS NOT NULL) added NOT
//     VALID and validated, so that SET NOT NULL skips its scan, and the
//     check is dropped after;
//   - a column with a volatile default (gen_random_uuid()) is added
//     without it, gets it for new rows, and is filled by a backfill
//     instead of a table rewrite.
//
// A column the primary key the table gets takes keeps its plain SET NOT
// NULL or ADD COLUMN (see keyGains).
//
// A table the migration renames, or renames columns of (renamed, by its
// new name), has no step before the schema step: the statements of
// those steps, and the downs of their drops, which run after the schema
// step's, name the table and its columns as they are after the renames,
// not as they are then; its indexes are dropped in the schema step,
// which holds the table's ACCESS EXCLUSIVE lock for the renames anyway.
//
// Tables the migration creates need none of this: nobody uses them yet.
// partitions are the partitions the specs declare, by the name of their
// table.
func lockSafe(current *schema.Schema, changes []schema.Change, objects []*ir.Object, partitions map[string][]string, renamed map[string]bool) ([]schema.Change, []*Change, error) {
	var keep []schema.Change
	var stepped []*Change
	referenced := referencedKeys(changes)
	backing := foreignKeyTargets(current)
	freed := freedNames(changes)
	var taken map[string]bool // partitionNames, when a partitioned table gets an index
	for _, c := range changes {
		mt, ok := c.(*schema.ModifyTable)
		if _, existed := current.Table(tableName(c)); !ok || !existed {
			keep = append(keep, c)
			continue
		}
		t := mt.T
		partitioned := isPartitioned(t)
		var rest []schema.Change
		touched := touchedColumns(mt.Changes)
		split, early := splitDroppedIndexes(mt.Changes, touched)
		for from, to := range early {
			if partitioned || renamed[t.Name] || sqlschema.IsConstraintIndex(from) || sqlschema.IsConstraintIndex(to) ||
				to.Unique && referenced[keyOf(t.Name, to.Parts)] ||
				mayBackForeignKey(t.Name, to, nil, objects) || mayBackForeignKey(t.Name, from, backing, objects) ||
				namedByObject(from.Name, objects) || namedByObject(to.Name, objects) {
				delete(early, from)
			}
		}
		replaces := map[*schema.Index]*schema.Index{}
		for from, to := range early {
			replaces[to] = from
		}
		for _, tc := range split {
			switch tc := tc.(type) {
			case *schema.AddIndex:
				if from := replaces[tc.I]; from != nil {
					cs, err := buildBeforeDrop(t, from, tc.I)
					if err != nil {
						return nil, nil, err
					}
					stepped = append(stepped, cs...)
					continue
				}
				needed := tc.I.Unique && referenced[keyOf(t.Name, tc.I.Parts)] || mayBackForeignKey(t.Name, tc.I, nil, objects)
				if needed && !partitioned && !renamed[t.Name] && constraintKind(tc.I) != "x" && !namedByObject(tc.I.Name, objects) &&
					!mayName(tc.I, touched) && !freed[tc.I.Name] {
					// A foreign key the schema step adds needs it, and its
					// columns are there already: built concurrently before
					// (and a unique constraint attached to it there).
					cs, err := concurrentIndex(t, tc.I)
					if err != nil {
						return nil, nil, err
					}
					for _, c := range cs {
						c.Step, c.Object = roleEarlyIndex, tc.I.Name
						if strings.Contains(c.Cmd, " UNIQUE USING INDEX ") {
							// Attached in the step that builds it, whose
							// down drops it anyway: not built again.
							c.Reverse = c.Reverse[:1]
						}
					}
					stepped = append(stepped, cs...)
					continue
				}
				if partitioned && !needed && !renamed[t.Name] && !sqlschema.IsConstraintIndex(tc.I) && !namedByObject(tc.I.Name, objects) {
					if taken == nil {
						taken = partitionNames(current, objects, partitions)
					}
					cs, err := partitionedIndex(t, tc.I, partitions[t.Name], taken)
					if err != nil {
						return nil, nil, err
					}
					if cs != nil {
						stepped = append(stepped, cs...)
						continue
					}
				}
				if partitioned || needed || namedByObject(tc.I.Name, objects) {
					// A foreign key the migration adds references it (a
					// tenant key (tenant, id)): it must exist when the key
					// is added, in the first step.
					rest = append(rest, tc)
					continue
				}
				cs, err := concurrentIndex(t, tc.I)
				if err != nil {
					return nil, nil, err
				}
				stepped = append(stepped, cs...)
			case *schema.DropIndex:
				if early[tc.I] != nil {
					continue // dropped by buildBeforeDrop's step
				}
				if partitioned || renamed[t.Name] || sqlschema.IsConstraintIndex(tc.I) || mayBackForeignKey(t.Name, tc.I, backing, objects) || namedByObject(tc.I.Name, objects) {
					rest = append(rest, tc)
					continue
				}
				c, err := dropIndexConcurrently(t, tc.I)
				if err != nil {
					return nil, nil, err
				}
				stepped = append(stepped, c)
			case *schema.ModifyIndex:
				if partitioned || sqlschema.IsConstraintIndex(tc.To) || tc.To.Unique && referenced[keyOf(t.Name, tc.To.Parts)] ||
					mayBackForeignKey(t.Name, tc.To, nil, objects) || mayBackForeignKey(t.Name, tc.From, backing, objects) ||
					namedByObject(tc.From.Name, objects) || namedByObject(tc.To.Name, objects) {
					// A foreign key (one of several columns, an SQL
					// object) may use the index it becomes, or the one
					// it was: PostgreSQL adds the key only once the
					// unique index exists, and drops the index only
					// after the key, so the swap cannot keep it.
					rest = append(rest, tc)
					continue
				}
				cs, err := swapIndex(t, tc.From, tc.To)
				if err != nil {
					return nil, nil, err
				}
				stepped = append(stepped, cs...)
			case *schema.AddPrimaryKey, *schema.ModifyPrimaryKey:
				var from, to *schema.Index
				if m, ok := tc.(*schema.ModifyPrimaryKey); ok {
					from, to = m.From, m.To
				} else {
					to = tc.(*schema.AddPrimaryKey).P
				}
				cur, _ := current.Table(t.Name)
				gains, ok := keyBuildable(cur, to, mt.Changes, touched)
				if partitioned || renamed[t.Name] || !ok {
					rest = append(rest, tc)
					continue
				}
				cs, attach, err := primaryKeyBeforeAttach(cur, t, to, gains)
				if err != nil {
					return nil, nil, err
				}
				if from != nil {
					rest = append(rest, &schema.DropPrimaryKey{P: from})
				}
				rest = append(rest, attach)
				stepped = append(stepped, cs...)
			case *schema.AddForeignKey:
				rest = append(rest, &schema.AddForeignKey{F: tc.F, Extra: notValid(tc.Extra)})
				stepped = append(stepped, validate(t, tc.F.Symbol, "foreign key"))
			case *schema.ModifyForeignKey:
				rest = append(rest, &schema.DropForeignKey{F: tc.From}, &schema.AddForeignKey{F: tc.To, Extra: notValid(nil)})
				stepped = append(stepped, validate(t, tc.To.Symbol, "foreign key"))
			case *schema.AddCheck:
				rest = append(rest, &schema.AddCheck{C: tc.C, Extra: notValid(tc.Extra)})
				stepped = append(stepped, validate(t, tc.C.Name, "check"))
			case *schema.ModifyCheck:
				rest = append(rest, &schema.DropCheck{C: tc.From}, &schema.AddCheck{C: tc.To, Extra: notValid(nil)})
				stepped = append(stepped, validate(t, tc.To.Name, "check"))
			case *schema.ModifyColumn:
				if !tc.Change.Is(schema.ChangeNull) || tc.To.Type.Null || !tc.From.Type.Null || keyGains(mt.Changes, tc.To.Name) || becomesIdentity(tc.From, tc.To) {
					rest = append(rest, tc)
					continue
				}
				if other := tc.Change &^ schema.ChangeNull; other != schema.NoChange {
					to := *tc.To
					to.Type = &schema.ColumnType{Type: tc.To.Type.Type, Raw: tc.To.Type.Raw, Null: true}
					rest = append(rest, &schema.ModifyColumn{From: tc.From, To: &to, Change: other, Extra: tc.Extra})
				}
				cur, _ := current.Table(t.Name)
				stepped = append(stepped, notNull(t.Name, tc.To.Name, cur, t)...)
			case *schema.AddColumn:
				def := volatileDefault(tc.C)
				cur, _ := current.Table(t.Name)
				key, walkable := backfillKey(cur, t)
				if def == "" || isIdentity(tc.C) || keyGains(mt.Changes, tc.C.Name) || !walkable {
					// A column the new primary key takes needs its values
					// when the key is added: the table is rewritten. So
					// is a table a backfill cannot walk.
					rest = append(rest, tc)
					continue
				}
				col := *tc.C
				col.Type = &schema.ColumnType{Type: tc.C.Type.Type, Raw: tc.C.Type.Raw, Null: true}
				col.Default = nil
				rest = append(rest, &schema.AddColumn{C: &col})
				stepped = append(stepped, &Change{
					Cmd:     fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s", quote(t.Name), quote(col.Name), def),
					Reverse: []string{dropDefault(t.Name, col.Name)},
					Comment: fmt.Sprintf("give new rows of %q a value of %q; the existing rows are filled by a backfill", t.Name, col.Name),
				}, backfillBy(t.Name, col.Name, def, quote(col.Name)+" IS NULL", key))
				if !tc.C.Type.Null {
					// The check comes after the backfill: until it has
					// passed a row, an update of the row keeps its NULL.
					nn := notNull(t.Name, col.Name, cur, t)
					nn[0].Step = roleNotNull
					stepped = append(stepped, nn...)
				}
			default:
				rest = append(rest, tc)
			}
		}
		if len(rest) > 0 {
			keep = append(keep, &schema.ModifyTable{T: t, Changes: rest})
		}
	}
	return keep, stepped, nil
}

// splitDroppedIndexes returns a table's changes with each index changed
// over a column the changes drop (a column renamed in the database, which
// the spec sees dropped and another added, its index keeping its name;
// or one whose predicate or expression names it: soft_delete taken off
// drops deleted_at, which the partial unique indexes named) turned into
// the drop of the index and the addition of the new one:
// PostgreSQL drops the index with its column, so no swap (swapIndex) can
// keep it until the new one is built, and the validate step's DROP INDEX
// found none. early maps each such index to the one replacing it when
// that one names only columns the changes leave alone (none of touched),
// so that it can be
// built before the schema step (buildBeforeDrop) and the table is never
// without either: built after, as the new columns of the others need,
// the table would be without a unique index in between, and rows
// written then could break it.
func splitDroppedIndexes(changes []schema.Change, touched map[string]bool) (out []schema.Change, early map[*schema.Index]*schema.Index) {
	dropped := map[string]bool{}
	for _, c := range changes {
		if d, ok := c.(*schema.DropColumn); ok {
			dropped[d.C.Name] = true
		}
	}
	if len(dropped) == 0 {
		return changes, nil
	}
	early = map[*schema.Index]*schema.Index{}
	out = make([]schema.Change, 0, len(changes))
	for _, c := range changes {
		m, ok := c.(*schema.ModifyIndex)
		if ok && namesAny(m.From, dropped) {
			out = append(out, &schema.DropIndex{I: m.From}, &schema.AddIndex{I: m.To})
			if !mayName(m.To, touched) {
				early[m.From] = m.To
			}
			continue
		}
		out = append(out, c)
	}
	return out, early
}

// constraintKind returns the kind of constraint an index is the index
// of: "u" for a unique constraint, "x" for an exclusion constraint
// (which cannot be built concurrently), "" for a plain index.
func constraintKind(ix *schema.Index) string {
	for _, a := range ix.Attrs {
		if c, ok := a.(*postgres.Constraint); ok {
			return c.T
		}
	}
	return ""
}

// touchedColumns returns the columns a table's changes add, drop, change
// or rename (both names): an index over the others can be built before
// the schema step.
func touchedColumns(changes []schema.Change) map[string]bool {
	touched := map[string]bool{}
	for _, c := range changes {
		switch c := c.(type) {
		case *schema.DropColumn:
			touched[c.C.Name] = true
		case *schema.AddColumn:
			touched[c.C.Name] = true
		case *schema.ModifyColumn:
			touched[c.From.Name], touched[c.To.Name] = true, true
		case *schema.RenameColumn:
			touched[c.From.Name], touched[c.To.Name] = true, true
		}
	}
	return touched
}

// freedNames returns the names of the indexes and keys the changes drop,
// rename or change, of any table: an index taking one of those names
// cannot be built before the schema step, which frees it.
func freedNames(changes []schema.Change) map[string]bool {
	freed := map[string]bool{}
	for _, c := range changes {
		switch c := c.(type) {
		case *schema.DropTable:
			for _, i := range c.T.Indexes {
				freed[i.Name] = true
			}
			if c.T.PrimaryKey != nil {
				freed[c.T.PrimaryKey.Name] = true
			}
		case *schema.ModifyTable:
			for _, tc := range c.Changes {
				switch tc := tc.(type) {
				case *schema.DropIndex:
					freed[tc.I.Name] = true
				case *schema.ModifyIndex:
					freed[tc.From.Name] = true
				case *schema.RenameIndex:
					freed[tc.From.Name] = true
				case *schema.DropPrimaryKey:
					freed[tc.P.Name] = true
				case *schema.ModifyPrimaryKey:
					freed[tc.From.Name] = true
				}
			}
		}
	}
	return freed
}

// namesAny reports whether a column part, the predicate or an
// expression of the index names one of the columns.
func namesAny(i *schema.Index, columns map[string]bool) bool {
	return slices.ContainsFunc(i.Parts, func(p *schema.IndexPart) bool { return p.C != nil && columns[p.C.Name] }) ||
		slices.ContainsFunc(indexExprs(i), func(x string) bool { return mentionsAny(x, columns) })
}

// mayName is namesAny, but for an index with a part that is neither a
// column nor an expression, which may name any column.
func mayName(i *schema.Index, columns map[string]bool) bool {
	return namesAny(i, columns) || slices.ContainsFunc(i.Parts, func(p *schema.IndexPart) bool {
		_, isExpr := p.X.(*schema.RawExpr)
		return p.C == nil && !isExpr
	})
}

// mentionsAny reports whether the SQL expression x names one of the
// columns.
func mentionsAny(x string, columns map[string]bool) bool {
	for c := range columns {
		if mentions(x, c) {
			return true
		}
	}
	return false
}

// becomesIdentity reports whether the column from becomes an identity
// column to (GENERATED … AS IDENTITY; not a serial one): PostgreSQL adds
// an identity only to a column that is NOT NULL already, so a column
// that also becomes NOT NULL keeps its plain SET NOT NULL in the schema
// step, before the identity, where a check validated later left it
// nullable ("column "c" of relation "t" must be declared NOT NULL before
// identity can be added").
func becomesIdentity(from, to *schema.Column) bool {
	has := func(c *schema.Column) bool {
		return slices.ContainsFunc(c.Attrs, func(a schema.Attr) bool {
			_, ok := a.(*postgres.Identity)
			return ok
		})
	}
	return has(to) && !has(from)
}

// keyGains reports whether the changes of a table add or modify its
// primary key to one holding column. Adding the key sets NOT NULL on its
// columns and builds its index under a lock blocking writes anyway, so a
// NOT NULL set through a check validated later spares nothing; worse,
// the down of that validate step would drop NOT NULL from a column still
// in the key, which PostgreSQL refuses, and a column added without its
// volatile default, to be backfilled later, holds NULL in every row when
// the key is added. Such a column keeps its plain SET NOT NULL or ADD
// COLUMN … DEFAULT in the schema step, next to the key.
func keyGains(changes []schema.Change, column string) bool {
	for _, c := range changes {
		var k *schema.Index
		switch c := c.(type) {
		case *schema.AddPrimaryKey:
			k = c.P
		case *schema.ModifyPrimaryKey:
			k = c.To
		}
		if k == nil {
			continue
		}
		for _, p := range k.Parts {
			if p.C != nil && p.C.Name == column {
				return true
			}
		}
	}
	return false
}

// referencedKeys returns the keys (keyOf) that the foreign keys changes
// add or modify reference.
func referencedKeys(changes []schema.Change) map[string]bool {
	out := map[string]bool{}
	add := func(f *schema.ForeignKey) {
		if f != nil && f.RefTable != nil {
			out[foreignKeyTarget(f)] = true
		}
	}
	for _, c := range changes {
		var tcs []schema.Change
		switch c := c.(type) {
		case *schema.ModifyTable:
			tcs = c.Changes
		case *schema.AddTable:
			for _, f := range c.T.ForeignKeys {
				add(f)
			}
		}
		for _, tc := range tcs {
			switch tc := tc.(type) {
			case *schema.AddForeignKey:
				add(tc.F)
			case *schema.ModifyForeignKey:
				add(tc.To)
			}
		}
	}
	return out
}

// isPartitioned reports whether t is a partitioned table, whose indexes
// PostgreSQL neither builds nor drops CONCURRENTLY.
func isPartitioned(t *schema.Table) bool {
	return slices.ContainsFunc(t.Attrs, func(a schema.Attr) bool {
		_, ok := a.(*postgres.Partition)
		return ok
	})
}

// foreignKeyTargets returns the keys (keyOf) the foreign keys of the
// schema reference.
func foreignKeyTargets(s *schema.Schema) map[string]bool {
	out := map[string]bool{}
	for _, t := range s.Tables {
		for _, f := range t.ForeignKeys {
			if f.RefTable != nil {
				out[foreignKeyTarget(f)] = true
			}
		}
	}
	return out
}

// foreignKeyTarget names the key (keyOf) the foreign key f, whose
// RefTable is set, references.
func foreignKeyTarget(f *schema.ForeignKey) string {
	cols := make([]string, len(f.RefColumns))
	for i, c := range f.RefColumns {
		cols[i] = c.Name
	}
	return keyOfNames(f.RefTable.Name, cols)
}

// mayBackForeignKey reports whether the unique index idx of table may be
// the one a foreign key uses: one of the schema's references its columns
// (targets, see foreignKeyTargets), or an SQL object (a foreign key of
// several columns kept as SQL, before the migration or after it)
// references the table. PostgreSQL refuses to drop such an index before
// the key, and to add the key before the index, and the migration drops
// and creates the objects in its schema step, so the index is dropped or
// built there too.
func mayBackForeignKey(table string, idx *schema.Index, targets map[string]bool, objects []*ir.Object) bool {
	if !idx.Unique {
		return false
	}
	if targets[keyOf(table, idx.Parts)] {
		return true
	}
	re := referencesRE(table)
	for _, o := range objects {
		if re.MatchString(o.Create) {
			return true
		}
	}
	return false
}

// namedByObject reports whether an SQL object (before the migration or
// after it) names the index: its comment (COMMENT ON INDEX, which cpcgen
// import keeps as an SQL object), ALTER INDEX, USING INDEX, CLUSTER ON,
// or the constraint it makes, by the index's name (RENAME CONSTRAINT,
// which cpcgen import writes for a unique constraint named otherwise
// than a spec can name it: "uq:fullName").
// The schema step creates and drops the objects, and an index built
// concurrently after it, or dropped concurrently before it, would not
// exist when the object's statement runs, so the index is built, dropped
// or changed in the schema step too (decideObjects makes such an object
// again around an index changed there: rebuiltIndexes).
func namedByObject(index string, objects []*ir.Object) bool {
	re := indexNameRE(index)
	return slices.ContainsFunc(objects, func(o *ir.Object) bool { return namesIndex(o, re) })
}

// indexNameRE matches a statement naming the index: INDEX <name>,
// CONSTRAINT <name>, CLUSTER ON <name>. It is nil for an index without a
// name.
func indexNameRE(index string) *regexp.Regexp {
	if index == "" {
		return nil
	}
	return regexp.MustCompile(`(?i)\b(?:INDEX|CONSTRAINT|CLUSTER\s+ON)\s+(?:CONCURRENTLY\s+)?(?:IF\s+(?:NOT\s+)?EXISTS\s+)?(?:"?public"?\.)?(?:` + regexp.QuoteMeta(quote(index)) + `|` + regexp.QuoteMeta(index) + `(?:[^\w$]|$))`)
}

// namesIndex reports whether the SQL of o (its create or drop statement)
// names the index re matches (indexNameRE).
func namesIndex(o *ir.Object, re *regexp.Regexp) bool {
	return re != nil && (re.MatchString(o.Create) || re.MatchString(o.Drop))
}

// keyOf names the key over the columns of parts of table, in any order.
func keyOf(table string, parts []*schema.IndexPart) string {
	var cols []string
	for _, p := range parts {
		if p.C == nil {
			return ""
		}
		cols = append(cols, p.C.Name)
	}
	return keyOfNames(table, cols)
}

func keyOfNames(table string, cols []string) string {
	cols = slices.Clone(cols)
	slices.Sort(cols)
	return table + "\x00" + strings.Join(cols, "\x00")
}

// tableName is the name of the table a change is about, or "".
func tableName(c schema.Change) string {
	if mt, ok := c.(*schema.ModifyTable); ok {
		return mt.T.Name
	}
	return ""
}

func notValid(extra []schema.Clause) []schema.Clause {
	return append(append([]schema.Clause(nil), extra...), &postgres.NotValid{})
}

// concurrentIndex builds an index of an existing table in a step of its
// own; a unique constraint's index is attached by the validate step.
func concurrentIndex(t *schema.Table, idx *schema.Index) ([]*Change, error) {
	build := *idx
	var constraint string
	build.Attrs = nil
	for _, a := range idx.Attrs {
		if c, ok := a.(*postgres.Constraint); ok {
			if c.T != "u" {
				return nil, fmt.Errorf("plan migration: index %q of table %q is an exclusion constraint, which cannot be built concurrently; write this change by hand in a migration of its own", idx.Name, t.Name)
			}
			constraint = idx.Name
			continue
		}
		build.Attrs = append(build.Attrs, a)
	}
	planned, err := planChanges([]schema.Change{&schema.ModifyTable{T: t, Changes: []schema.Change{
		&schema.AddIndex{I: &build, Extra: []schema.Clause{&postgres.Concurrently{}}},
	}}})
	if err != nil {
		return nil, err
	}
	for _, c := range planned {
		c.Step, c.Object = roleIndex, idx.Name
		if strings.HasPrefix(c.Cmd, "CREATE ") {
			c.Reverse = []string{"DROP INDEX CONCURRENTLY IF EXISTS " + quote(idx.Name)}
			c.Comment = fmt.Sprintf("build index %q of table %q without blocking writes", idx.Name, t.Name)
		}
	}
	if constraint != "" {
		// Dropping the constraint drops the index it took: the reverse
		// builds it again, so that the step attaching it can run again
		// after its down alone (migrate down 1), and the down of the
		// step building it finds it.
		again, err := buildAgain(t, &build)
		if err != nil {
			return nil, err
		}
		reverse := append([]string{fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s", quote(t.Name), quote(constraint))}, again...)
		planned = append(planned, &Change{
			Cmd:     fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s UNIQUE USING INDEX %s", quote(t.Name), quote(constraint), quote(idx.Name)),
			Reverse: reverse,
			Comment: fmt.Sprintf("make the unique index %q the unique constraint of table %q", idx.Name, t.Name),
			Step:    roleValidate,
		})
	}
	return planned, nil
}

// dropIndexConcurrently drops an index of an existing table in a step of
// its own; its down builds it again, concurrently too.
func dropIndexConcurrently(t *schema.Table, idx *schema.Index) (*Change, error) {
	planned, err := planChanges([]schema.Change{&schema.ModifyTable{T: t, Changes: []schema.Change{
		&schema.AddIndex{I: idx, Extra: []schema.Clause{&postgres.Concurrently{}}},
	}}})
	if err != nil {
		return nil, err
	}
	var build string
	for _, c := range planned {
		if strings.HasPrefix(c.Cmd, "CREATE ") {
			build = c.Cmd
		}
	}
	return &Change{
		Cmd:     "DROP INDEX CONCURRENTLY IF EXISTS " + quote(idx.Name),
		Reverse: []string{build},
		Comment: fmt.Sprintf("drop index %q of table %q without blocking writes", idx.Name, t.Name),
		Step:    roleDropIndex, Object: idx.Name,
	}, nil
}

// swapIndex changes the index from of an existing table into to without
// a window in which neither exists (a unique index made partial, by
// soft_delete or a where:, would stop guarding the table): to is built
// concurrently under a name of its own, then the validate step drops
// from (with ALTER TABLE … DROP CONSTRAINT when it is a unique
// constraint's) and gives to its name, which take their locks only for
// a moment. The down migration swaps them back.
func swapIndex(t *schema.Table, from, to *schema.Index) ([]*Change, error) {
	tmp := *to
	tmp.Name = fmt.Sprintf("%.48s_cpcgen_new", to.Name)
	cs, err := concurrentIndex(t, &tmp)
	if err != nil {
		return nil, err
	}
	if from.Unique && sameParts(from.Parts, to.Parts) {
		// from keeps the rows unique on the same columns until to is
		// built: no duplicate can be in the way, which the linter,
		// seeing a unique index added, would warn of.
		for _, c := range cs {
			c.Source = nil
		}
	}
	old, err := planChanges([]schema.Change{&schema.ModifyTable{T: t, Changes: []schema.Change{&schema.AddIndex{I: from}}}})
	if err != nil {
		return nil, err
	}
	var create []string
	for _, c := range old {
		create = append(create, c.Cmd)
	}
	drop, what := "DROP INDEX "+quote(from.Name), "index"
	if sqlschema.IsConstraintIndex(from) {
		// A unique constraint that becomes an index: the constraint's
		// index enforces the key until the new one has its name.
		drop, what = fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s", quote(t.Name), quote(from.Name)), "constraint"
	}
	return append(cs,
		&Change{Cmd: drop, Reverse: create, Step: roleValidate,
			Comment: fmt.Sprintf("drop %s %q of table %q as it was", what, from.Name, t.Name)},
		&Change{Cmd: fmt.Sprintf("ALTER INDEX %s RENAME TO %s", quote(tmp.Name), quote(to.Name)),
			Reverse: []string{fmt.Sprintf("ALTER INDEX %s RENAME TO %s", quote(to.Name), quote(tmp.Name))}, Step: roleValidate,
			Comment: fmt.Sprintf("give index %q of table %q its name", tmp.Name, t.Name)},
	), nil
}

// buildBeforeDrop replaces index from of table t, which the schema step
// would drop with a column, by to without leaving the table without
// either: a step before the schema step builds to concurrently under a
// name of its own, then drops from concurrently, and the validate step
// gives to its name. Its down builds from again once the schema step's
// down has put its column back, then drops to.
func buildBeforeDrop(t *schema.Table, from, to *schema.Index) ([]*Change, error) {
	tmp := *to
	tmp.Name = fmt.Sprintf("%.48s_cpcgen_new", to.Name)
	cs, err := concurrentIndex(t, &tmp)
	if err != nil {
		return nil, err
	}
	drop, err := dropIndexConcurrently(t, from)
	if err != nil {
		return nil, err
	}
	cs = append(cs, drop)
	for _, c := range cs {
		c.Step, c.Object = roleEarlyIndex, to.Name
	}
	return append(cs, &Change{
		Cmd:     fmt.Sprintf("ALTER INDEX %s RENAME TO %s", quote(tmp.Name), quote(to.Name)),
		Reverse: []string{fmt.Sprintf("ALTER INDEX %s RENAME TO %s", quote(to.Name), quote(tmp.Name))},
		Step:    roleValidate,
		Comment: fmt.Sprintf("give index %q of table %q its name", tmp.Name, t.Name),
	}), nil
}

// keyBuildable reports whether the primary key key, which an existing
// table cur gets, can have its index built before the schema step: it
// has a name, and its columns are columns of cur that the table's
// changes leave alone, or only make NOT NULL; those, returned, are
// nullable until then.
func keyBuildable(cur *schema.Table, key *schema.Index, changes []schema.Change, touched map[string]bool) (gains []string, ok bool) {
	if cur == nil || key.Name == "" {
		return nil, false
	}
	for _, p := range key.Parts {
		if p.C == nil {
			return nil, false
		}
		c, ok := cur.Column(p.C.Name)
		if !ok || c.Type == nil {
			return nil, false
		}
		switch {
		case gainsNotNull(changes, p.C.Name):
			gains = append(gains, p.C.Name)
		case touched[p.C.Name] || c.Type.Null:
			return nil, false
		}
	}
	return gains, true
}

// gainsNotNull reports whether the only change a table's changes make
// to column is SET NOT NULL.
func gainsNotNull(changes []schema.Change, column string) bool {
	found := false
	for _, c := range changes {
		switch c := c.(type) {
		case *schema.ModifyColumn:
			if c.From.Name == column || c.To.Name == column {
				if c.From.Name != c.To.Name || c.Change != schema.ChangeNull || c.To.Type.Null || !c.From.Type.Null {
					return false
				}
				found = true
			}
		case *schema.AddColumn, *schema.DropColumn, *schema.RenameColumn:
			if touchedColumns([]schema.Change{c})[column] {
				return false
			}
		}
	}
	return found
}

// primaryKeyBeforeAttach returns the statements that build the unique
// index of the primary key key of table t (cur before the migration)
// without blocking writes, under a name of its own, before the schema
// step, and the change that makes it the key in the schema step (ADD
// CONSTRAINT … PRIMARY KEY USING INDEX, which renames the index after
// the key): ADD PRIMARY KEY would build the index there, holding the
// ACCESS EXCLUSIVE lock of the ALTER TABLE while it reads the whole
// table. The key's columns must be NOT NULL when it is attached; for
// those the migration makes NOT NULL (gains) the early step first adds
// a check (col IS NOT NULL) NOT VALID and validates it, without
// blocking writes, so that the schema step's SET NOT NULL scans
// nothing; the schema step then drops the check.
func primaryKeyBeforeAttach(cur, t *schema.Table, key *schema.Index, gains []string) ([]*Change, schema.Change, error) {
	var cs, drops []*Change
	for _, col := range gains {
		// notNull's check, validated here instead of in the validate
		// step; the key's ALTER TABLE sets NOT NULL.
		nn := notNull(t.Name, col, cur, t)
		add, validate, drop := nn[0], nn[1], nn[3]
		add.Comment = fmt.Sprintf("refuse NULL in %q.%q, which primary key %q takes, for new rows; the next statement checks the existing rows", t.Name, col, key.Name)
		drop.Step = roleSchema
		cs = append(cs, add, validate)
		drops = append(drops, drop)
	}
	idx := &schema.Index{Name: fmt.Sprintf("%.48s_cpcgen_new", key.Name), Unique: true, Table: t, Parts: key.Parts}
	built, err := concurrentIndex(t, idx)
	if err != nil {
		return nil, nil, err
	}
	cs = append(cs, built...)
	for _, c := range cs {
		c.Step, c.Object = roleEarlyKey, key.Name
	}
	return append(cs, drops...), &postgres.AddPKConstraint{Name: key.Name, Using: idx}, nil
}

// attachedKeyIndexes gives the statement of the schema step making an
// index built before it a table's primary key (ADD CONSTRAINT …
// PRIMARY KEY USING INDEX, see primaryKeyBeforeAttach) a reverse that
// builds that index again after dropping the key, which drops the index
// it took: so the schema step can run again after its down alone
// (migrate down 1), and the down of the step building it finds it.
func attachedKeyIndexes(planned []*Change, changes []schema.Change) error {
	for _, c := range changes {
		mt, ok := c.(*schema.ModifyTable)
		if !ok {
			continue
		}
		for _, tc := range mt.Changes {
			a, ok := tc.(*postgres.AddPKConstraint)
			if !ok || a.Using == nil {
				continue
			}
			again, err := buildAgain(mt.T, a.Using)
			if err != nil {
				return err
			}
			for _, p := range planned {
				if strings.Contains(p.Cmd, "PRIMARY KEY USING INDEX "+quote(a.Using.Name)) {
					p.Reverse = append(p.Reverse, again...)
				}
			}
		}
	}
	return nil
}

// buildAgain returns the statements building index idx of table t
// again (its CREATE INDEX, as the planner writes it), for the reverse
// of a statement making it a key: dropping the key drops the index.
func buildAgain(t *schema.Table, idx *schema.Index) ([]string, error) {
	planned, err := planChanges([]schema.Change{&schema.ModifyTable{T: t, Changes: []schema.Change{&schema.AddIndex{I: idx}}}})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, c := range planned {
		if strings.HasPrefix(c.Cmd, "CREATE ") {
			out = append(out, c.Cmd)
		}
	}
	return out, nil
}

// validate is the statement of the validate step that validates a
// constraint added NOT VALID.
func validate(t *schema.Table, name, what string) *Change {
	return &Change{
		Cmd:     fmt.Sprintf("ALTER TABLE %s VALIDATE CONSTRAINT %s", quote(t.Name), quote(name)),
		Comment: fmt.Sprintf("validate %s %q of table %q against the existing rows", what, name, t.Name),
		Step:    roleValidate,
		NoUndo:  true,
	}
}

// notNull returns the statements that set NOT NULL on a column without a
// scan under an ACCESS EXCLUSIVE lock: a check (col IS NOT NULL) added
// NOT VALID in the schema step, validated in the validate step, where
// SET NOT NULL then finds it and skips its own scan, and the check is
// dropped.
//
// The check is named after the table and column (notNullCheck), clear of
// the names the constraints of tables, the table before the migration
// and after it, have.
func notNull(table, column string, tables ...*schema.Table) []*Change {
	check := notNullCheck(table, column, tables)
	t, c, k := quote(table), quote(column), quote(check)
	add := fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s IS NOT NULL) NOT VALID", t, k, c)
	return []*Change{
		{
			Cmd:     add,
			Reverse: []string{fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s", t, k)},
			Comment: fmt.Sprintf("refuse NULL in %q.%q for new rows; the existing rows are checked by the validate step", table, column),
		},
		{
			Cmd:     fmt.Sprintf("ALTER TABLE %s VALIDATE CONSTRAINT %s", t, k),
			Comment: fmt.Sprintf("check that no row of %q holds NULL in %q, without blocking writes", table, column),
			Step:    roleValidate, NoUndo: true,
		},
		{
			Cmd:     fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s SET NOT NULL", t, c),
			Reverse: []string{fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s DROP NOT NULL", t, c)},
			Comment: fmt.Sprintf("set NOT NULL on %q.%q: the validated check spares the scan", table, column),
			Step:    roleValidate,
		},
		{
			Cmd:     fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s", t, k),
			Reverse: []string{add},
			Comment: fmt.Sprintf("drop the check %q, which NOT NULL now does", check),
			Step:    roleValidate,
		},
	}
}

// notNullCheck names the check notNull adds to set NOT NULL on column of
// table: table_column_not_null, or with a number after it when a
// constraint of tables has that name (a check of the project's own,
// which a history that set NOT NULL through a check by hand keeps).
func notNullCheck(table, column string, tables []*schema.Table) string {
	name := names.Constraint(table, column, "not_null")
	for n := 2; constraintNamed(name, tables); n++ {
		name = names.Constraint(table, column, "not_null", strconv.Itoa(n))
	}
	return name
}

// constraintNamed reports whether a check, index, foreign key or
// primary key of tables (nil ones left out) has the name.
func constraintNamed(name string, tables []*schema.Table) bool {
	for _, t := range tables {
		if t == nil {
			continue
		}
		for _, a := range t.Attrs {
			if c, ok := a.(*schema.Check); ok && c.Name == name {
				return true
			}
		}
		if slices.ContainsFunc(t.Indexes, func(i *schema.Index) bool { return i.Name == name }) ||
			slices.ContainsFunc(t.ForeignKeys, func(f *schema.ForeignKey) bool { return f.Symbol == name }) ||
			t.PrimaryKey != nil && t.PrimaryKey.Name == name {
			return true
		}
	}
	return false
}

// backfill is a step filling a column in batches: the runner's backfill
// directive before an UPDATE of the rows not done yet.
func backfill(table, column, value, notDone string) *Change {
	return backfillBy(table, column, value, notDone, nil)
}

// backfillBy is backfill walking the rows by the columns key (its
// key= option) instead of the primary key, when key is not empty.
func backfillBy(table, column, value, notDone string, key []string) *Change {
	c := backfillOf(table, column, value, notDone)
	if len(key) > 0 {
		c.Directive = fmt.Sprintf("-- cpcgen:backfill key=%s batch=%d pause=%s", strings.Join(key, ","), backfillBatch, backfillPause)
	}
	return c
}

// backfillKey returns the columns a backfill of the table walks the rows
// by, and whether it can: none (the primary key, the runner's default)
// when the table has one before the migration, else those of a unique
// index without a predicate or expressions over NOT NULL columns that
// the table has before and after the migration, unchanged (the runner
// refuses a table with neither: Coder's workspace_agent_scripts, keyless,
// given a uuid column with a gen_random_uuid() default).
func backfillKey(cur, desired *schema.Table) ([]string, bool) {
	if cur == nil || cur.PrimaryKey != nil {
		return nil, true
	}
	cols := func(t *schema.Table, name string) ([]string, bool) {
		idx, ok := t.Index(name)
		if !ok || !idx.Unique {
			return nil, false
		}
		for _, a := range idx.Attrs {
			if _, ok := a.(*postgres.IndexPredicate); ok {
				return nil, false
			}
		}
		var out []string
		for _, p := range idx.Parts {
			if p.C == nil || p.C.Type == nil || p.C.Type.Null {
				return nil, false
			}
			out = append(out, p.C.Name)
		}
		return out, len(out) > 0
	}
	for _, idx := range cur.Indexes {
		a, ok1 := cols(cur, idx.Name)
		b, ok2 := cols(desired, idx.Name)
		if ok1 && ok2 && slices.Equal(a, b) {
			return a, true
		}
	}
	return nil, false
}

func backfillOf(table, column, value, notDone string) *Change {
	return &Change{
		Cmd:       fmt.Sprintf("UPDATE %s SET %s = %s WHERE %s", quote(table), quote(column), value, notDone),
		Directive: fmt.Sprintf("-- cpcgen:backfill batch=%d pause=%s", backfillBatch, backfillPause),
		Comment:   fmt.Sprintf("fill %q.%q for the existing rows, %d rows per transaction", table, column, backfillBatch),
		Step:      roleBackfill, Object: table + "_" + column,
		NoUndo: true,
	}
}

// isolateEnumValues moves an ALTER TYPE … ADD VALUE whose value a later
// statement of the schema step uses into a step of its own before it:
// PostgreSQL refuses a value added in the same transaction ("unsafe use
// of new value").
func isolateEnumValues(changes []*Change) {
	for i, c := range changes {
		if c.Step != roleSchema {
			continue
		}
		value, ok := addedValue(c.Cmd)
		if !ok {
			continue
		}
		for _, later := range changes[i+1:] {
			if later.Step == roleSchema && usesEnumLabel(later.Cmd, value) {
				c.Step = roleEnumValue
				c.Object = enumOf(c.Cmd)
				break
			}
		}
	}
}

// usesEnumLabel reports whether cmd may use the enum label that the
// string literal value spells ('ok'): as that literal, or as an element
// of an array literal ('{ok,happy}', '{"not fine"}'), where the label
// stands without quotes of its own. It errs on the side of yes.
func usesEnumLabel(cmd, value string) bool {
	if strings.Contains(cmd, value) {
		return true
	}
	label, ok := unquoteLiteral(value)
	if !ok {
		return false
	}
	for _, lit := range stringLiterals(cmd) {
		if strings.HasPrefix(strings.TrimSpace(lit), "{") && slices.Contains(arrayElements(lit), label) {
			return true
		}
	}
	return false
}

// unquoteLiteral returns the text of the SQL string literal s, its
// doubled quotes made single.
func unquoteLiteral(s string) (string, bool) {
	if len(s) < 2 || s[0] != '\'' || s[len(s)-1] != '\'' {
		return "", false
	}
	return strings.ReplaceAll(s[1:len(s)-1], "''", "'"), true
}

// stringLiterals returns the text of the single-quoted string literals
// of the statement cmd (none when it does not lex).
func stringLiterals(cmd string) []string {
	toks, err := sqllex.Lex(cmd)
	if err != nil {
		return nil
	}
	var out []string
	for _, t := range toks {
		if t.Kind != sqllex.String {
			continue
		}
		if v, ok := unquoteLiteral(strings.TrimLeft(t.Text, "eE")); ok {
			out = append(out, v)
		}
	}
	return out
}

// arrayElements returns the elements of the array literal text lit
// ({a,"b c",{d}}), at every depth, unquoted and unescaped.
func arrayElements(lit string) []string {
	var out []string
	var b strings.Builder
	quoted, inQuotes, have := false, false, false
	flush := func() {
		if have {
			e := b.String()
			if !quoted {
				e = strings.TrimSpace(e)
			}
			out = append(out, e)
		}
		b.Reset()
		quoted, have = false, false
	}
	for i := 0; i < len(lit); i++ {
		c := lit[i]
		switch {
		case c == '\\' && i+1 < len(lit):
			i++
			b.WriteByte(lit[i])
			have = true
		case c == '"':
			inQuotes = !inQuotes
			quoted, have = true, true
		case inQuotes:
			b.WriteByte(c)
		case c == '{' || c == '}' || c == ',':
			flush()
		default:
			b.WriteByte(c)
			if c != ' ' {
				have = true
			}
		}
	}
	flush()
	return out
}

// enumOf returns the type name of an ALTER TYPE statement, unquoted,
// without its schema.
func enumOf(cmd string) string {
	toks, _ := sqllex.Lex(cmd)
	return sqllex.NameAt(toks, 2)
}

// Statements of an early index step (roleEarlyIndex) that build a unique
// key: the unique index built concurrently (index, table) and the unique
// constraint attached to it (table, constraint).
var (
	earlyUniqueIndexRE  = regexp.MustCompile(`^CREATE UNIQUE INDEX CONCURRENTLY ("(?:[^"]|"")+") ON ("(?:[^"]|"")+")`)
	earlyUniqueAttachRE = regexp.MustCompile(`^ALTER TABLE ("(?:[^"]|"")+") ADD CONSTRAINT ("(?:[^"]|"")+") UNIQUE USING INDEX `)
)

// unbindEarlyKeys drops, in the down migration, the unique keys an early
// index step built before the schema step's down makes again the
// foreign keys referencing their table that the migration dropped (a
// reference to a key the migration changes, as unkeyedRefs and
// decideObjects take it out). PostgreSQL binds a foreign key to the
// first unique index over its columns it finds, the oldest: made again
// while the early key, older than the key the down gives back, is
// there, the foreign key would be bound to it, and the early step's
// down could not drop it. The early step's down then drops only what is
// left (IF EXISTS).
func unbindEarlyKeys(changes []*Change) {
	for _, e := range changes {
		if e.Step != roleEarlyIndex || len(e.Reverse) != 1 {
			continue
		}
		var table, drop, left string
		if m := earlyUniqueIndexRE.FindStringSubmatch(e.Cmd); m != nil {
			table = strings.ReplaceAll(m[2][1:len(m[2])-1], `""`, `"`)
			drop, left = "DROP INDEX IF EXISTS "+m[1], "DROP INDEX CONCURRENTLY IF EXISTS "+m[1]
		} else if m := earlyUniqueAttachRE.FindStringSubmatch(e.Cmd); m != nil {
			table = strings.ReplaceAll(m[1][1:len(m[1])-1], `""`, `"`)
			drop = fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT IF EXISTS %s", m[1], m[2])
			left = drop
		} else {
			continue
		}
		// The down migration runs the schema step's reverses last change
		// first: the key goes before the first foreign key made again.
		re := referencesRE(table)
		last := -1
		for i, c := range changes {
			if c.Step == roleSchema && slices.ContainsFunc(c.Reverse, re.MatchString) {
				last = i
			}
		}
		if last < 0 {
			continue
		}
		changes[last].Reverse = append([]string{drop}, changes[last].Reverse...)
		e.Reverse = []string{left}
	}
}

// partitionedIndex plans index idx of partitioned table t, which exists
// before the migration, so that building it blocks no writes, the way
// PostgreSQL's documentation does it (CREATE INDEX CONCURRENTLY cannot
// build a partitioned table's index): the index made on the table alone
// (ON ONLY: invalid, a change of the catalog), each partition the spec
// declares (parts) indexed with CREATE INDEX CONCURRENTLY under the name
// PostgreSQL would give its index and attached to it (ALTER INDEX …
// ATTACH PARTITION), then a DO block indexing, under their locks, and
// attaching any other partition (one made outside the spec, or
// partitioned itself), after which the index is valid. It is one step
// outside a transaction, roleIndex's: an interrupted run resumes at the
// statement that failed, dropping the invalid index a build left. Its
// down drops the index, which drops the partitions' attached ones, and
// any partition's it built that was not attached yet. taken holds the
// names of relations PostgreSQL's choice of a name must avoid; the
// names chosen are added. It returns no change when the planner writes
// the index in a form it does not take apart; the caller then keeps it
// in the schema step. A table with a foreign table as a partition, whose
// index made ON ONLY never becomes valid (CREATE INDEX skips foreign
// tables, ATTACH PARTITION cannot), fails the step's first statement,
// which says what to write instead.
func partitionedIndex(t *schema.Table, idx *schema.Index, parts []string, taken map[string]bool) ([]*Change, error) {
	planned, err := planChanges([]schema.Change{&schema.ModifyTable{T: t, Changes: []schema.Change{&schema.AddIndex{I: idx}}}})
	if err != nil {
		return nil, err
	}
	head := "CREATE INDEX "
	if idx.Unique {
		head = "CREATE UNIQUE INDEX "
	}
	prefix := head + quote(idx.Name) + " ON " + quote(t.Name) + " "
	var def string
	var rest []*Change
	for _, c := range planned {
		if def == "" && strings.HasPrefix(c.Cmd, prefix) {
			def = c.Cmd[len(prefix):]
			continue
		}
		rest = append(rest, c)
	}
	if def == "" || strings.Contains(def, "$cpcgen$") {
		return nil, nil
	}
	parent := quote(idx.Name)
	changes := []*Change{{
		Cmd: "DO $cpcgen$ DECLARE f text; BEGIN SELECT string_agg(c.oid::regclass::text, ', ') INTO f FROM pg_partition_tree(" + quoteLiteral(quote(t.Name)) + "::regclass) p JOIN pg_class c ON c.oid = p.relid WHERE c.relkind = 'f';" +
			" IF f IS NOT NULL THEN RAISE EXCEPTION " + quoteLiteral(fmt.Sprintf("index %s cannot be built partition by partition: table %s has foreign tables as partitions (%%), and an index made ON ONLY it never becomes valid",
			strings.ReplaceAll(parent, "%", "%%"), strings.ReplaceAll(quote(t.Name), "%", "%%"))) +
			", f USING HINT = " + quoteLiteral("replace the statements of this file by "+head+parent+" ON "+quote(t.Name)+" "+def+" (built under the table's lock; foreign tables are skipped), then run cpcgen migrate hash") + "; END IF; END $cpcgen$",
		Comment: fmt.Sprintf("refuse a table with a foreign table as a partition, whose index made ON ONLY %q would never become valid", t.Name),
		NoUndo:  true,
	}, {
		Cmd:     head + parent + " ON ONLY " + quote(t.Name) + " " + def,
		Reverse: []string{"DROP INDEX IF EXISTS " + parent},
		Comment: fmt.Sprintf("make index %q of partitioned table %q on the table alone (ON ONLY), invalid until every partition's index is attached to it", idx.Name, t.Name),
	}}
	columns := names.IndexColumnNames(indexColumnNames(idx))
	for _, part := range parts {
		name := names.PartitionIndexName(part, "", columns, taken)
		taken[name] = true
		changes = append(changes, &Change{
			Cmd:     strings.Replace(head, " INDEX ", " INDEX CONCURRENTLY ", 1) + quote(name) + " ON " + quote(part) + " " + def,
			Comment: fmt.Sprintf("build the index %q of partition %q without blocking writes", name, part),
			NoUndo:  true,
		}, &Change{
			Cmd:     "ALTER INDEX " + parent + " ATTACH PARTITION " + quote(name),
			Comment: fmt.Sprintf("attach it to index %q", idx.Name),
			NoUndo:  true,
		})
		changes[1].Reverse = append(changes[1].Reverse, "DROP INDEX IF EXISTS "+quote(name))
	}
	changes = append(changes, &Change{
		Cmd: "DO $cpcgen$ DECLARE r record; x oid[]; BEGIN FOR r IN SELECT c.oid::regclass AS rel FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid" +
			" WHERE i.inhparent = " + quoteLiteral(quote(t.Name)) + "::regclass AND c.relkind IN ('r', 'p') AND NOT EXISTS (SELECT FROM pg_inherits a JOIN pg_index ix ON ix.indexrelid = a.inhrelid" +
			" WHERE a.inhparent = " + quoteLiteral(parent) + "::regclass AND ix.indrelid = c.oid) ORDER BY c.relname" +
			" LOOP x := ARRAY(SELECT indexrelid FROM pg_index WHERE indrelid = r.rel);" +
			" EXECUTE format(" + quoteLiteral(head+"ON %s ") + ", r.rel) || " + quoteLiteral(def) + ";" +
			" EXECUTE format('ALTER INDEX %s ATTACH PARTITION %s', " + quoteLiteral(parent) + "::regclass, (SELECT indexrelid::regclass FROM pg_index WHERE indrelid = r.rel AND indexrelid <> ALL (x)));" +
			" END LOOP; END $cpcgen$",
		Comment: fmt.Sprintf("index and attach, under their locks, the partitions of %q the spec does not declare (made outside it, or partitioned themselves)", t.Name),
		NoUndo:  true,
	})
	for _, c := range append(changes, rest...) {
		c.Step, c.Object = roleIndex, idx.Name
	}
	return append(changes, rest...), nil
}

// indexColumnNames are the first choices of names of the columns of
// index idx (see names.IndexColumnNames): a column's name, "expr" for
// an expression, the INCLUDE columns after the key's.
func indexColumnNames(idx *schema.Index) []string {
	var out []string
	for _, p := range idx.Parts {
		if p.C != nil {
			out = append(out, p.C.Name)
		} else {
			out = append(out, "expr")
		}
	}
	for _, a := range idx.Attrs {
		if inc, ok := a.(*postgres.IndexInclude); ok {
			for _, c := range inc.Columns {
				out = append(out, c.Name)
			}
		}
	}
	return out
}

// partitionNames returns the names partitionedIndex's choice of a name
// avoids: those of the relations of schema s and objects (relationNames)
// and of the partitions, old (objects) and new (partitions, by table),
// and those PostgreSQL gave the indexes of the partitions of s's
// partitioned tables (their primary keys', and one for each index of
// the table).
func partitionNames(s *schema.Schema, objects []*ir.Object, partitions map[string][]string) map[string]bool {
	byKey := map[string]*ir.Object{}
	for _, o := range objects {
		byKey[o.Key] = o
	}
	taken := relationNames(s, byKey)
	for _, o := range objects {
		if o.Kind == ir.KindPartition {
			taken[o.Name] = true
		}
	}
	for _, t := range s.Tables {
		for _, p := range partitions[t.Name] {
			taken[p] = true
			if t.PrimaryKey != nil {
				taken[names.PartitionIndexName(p, "p", nil, taken)] = true
			}
			for _, ix := range t.Indexes {
				taken[names.PartitionIndexName(p, constraintKind(ix), names.IndexColumnNames(indexColumnNames(ix)), taken)] = true
			}
		}
	}
	return taken
}
