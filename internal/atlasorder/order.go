package atlasorder

import (
	"reflect"
	"slices"
	"sort"

	"ariga.io/atlas/sql/schema"
)

// Sort returns changes in the order Atlas's PostgreSQL planner
// would plan them — the changes it plans first (schemas, enum renames)
// in their order, then the others as its DetachCycles and SortChanges
// order them (ariga.io/atlas/sql/internal/sqlx, the open-source build) —
// and true; or false when the changes hold something this copy of the
// ordering does not know (views, functions, triggers, objects with
// dependencies of their own, row types, an invalid foreign key), which
// Atlas then orders itself. A test compares both orders on random
// schemas.
func Sort(changes []schema.Change) ([]schema.Change, bool) {
	var top, rest []schema.Change
	for _, c := range changes {
		switch c.(type) {
		case *schema.AddSchema, *schema.ModifySchema, *schema.DropSchema, *schema.RenameObject:
			top = append(top, c)
		default:
			rest = append(rest, c)
		}
	}
	if !sortable(rest) {
		return nil, false
	}
	rest, ok := detachCycles(splitNameMoves(splitKeyMoves(rest)))
	if !ok {
		return nil, false
	}
	return append(top, orderByDependencies(rest)...), true
}

// depender is Atlas's sqlx.Depender: an object with dependencies of its
// own.
type depender interface {
	DependsOn(change, other schema.Change) bool
	DependencyOf(change, other schema.Change) bool
}

// rowTyper is Atlas's sqlx.RowTyper: a type whose source is a table.
type rowTyper interface {
	RowTypeT() *schema.Table
	RowTypeV() *schema.View
}

// sortable reports whether every change is of a kind whose dependencies
// this copy of Atlas's ordering computes: tables and the objects (enum
// types) without dependencies of their own.
func sortable(changes []schema.Change) bool {
	table := func(t *schema.Table) bool {
		if len(t.Deps) > 0 || len(t.Triggers) > 0 {
			return false
		}
		for _, c := range t.Columns {
			if !plainType(c.Type) {
				return false
			}
		}
		return true
	}
	column := func(c *schema.Column) bool { return c == nil || plainType(c.Type) }
	for _, c := range changes {
		switch c := c.(type) {
		case *schema.AddTable:
			if !table(c.T) {
				return false
			}
		case *schema.DropTable:
			if !table(c.T) {
				return false
			}
		case *schema.ModifyTable:
			if !table(c.T) {
				return false
			}
			for _, m := range c.Changes {
				switch m := m.(type) {
				case *schema.AddColumn:
					if !column(m.C) {
						return false
					}
				case *schema.ModifyColumn:
					if !column(m.To) {
						return false
					}
				case *schema.DropColumn:
					if !column(m.C) {
						return false
					}
				}
			}
		case *schema.RenameTable:
		case *schema.AddObject:
			if _, ok := c.O.(depender); ok {
				return false
			}
		case *schema.ModifyObject:
			if _, ok := c.To.(depender); ok {
				return false
			}
		case *schema.DropObject:
			if _, ok := c.O.(depender); ok {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// plainType reports whether no type in t's chain of underlying types is
// a row type or compares itself to others (an Is method): the chain is
// then all IsType looks at.
func plainType(ct *schema.ColumnType) bool {
	if ct == nil {
		return true
	}
	for t := ct.Type; t != nil; {
		if _, ok := t.(rowTyper); ok {
			return false
		}
		if _, ok := t.(interface{ Is(schema.Type) bool }); ok {
			return false
		}
		u, ok := t.(interface{ Underlying() schema.Type })
		if !ok {
			break
		}
		t = u.Underlying()
	}
	return true
}

// detachCycles is Atlas's DetachCycles: the changes sorted by the
// position of their table in a topological order of the tables'
// references, or, when the references make a cycle, every reference to
// another table moved to an ALTER after all the tables. ok is false for
// an invalid foreign key: Atlas reports it.
func detachCycles(changes []schema.Change) ([]schema.Change, bool) {
	sorted, cycle, ok := sortMap(changes)
	if !ok {
		return nil, false
	}
	if cycle {
		return detachReferences(changes), true
	}
	planned := make([]schema.Change, len(changes))
	copy(planned, changes)
	sort.Slice(planned, func(i, j int) bool {
		return sorted[tableName(planned[i])] < sorted[tableName(planned[j])]
	})
	return planned, true
}

// sortMap is Atlas's sortMap: each table's position in a depth-first
// topological order of the references, the tables visited by name.
func sortMap(changes []schema.Change) (sorted map[string]int, cycle, ok bool) {
	deps, ok := dependencies(changes)
	if !ok {
		return nil, false, false
	}
	sorted = make(map[string]int)
	progress := make(map[string]bool)
	var visit func(string) bool
	visit = func(name string) bool {
		if _, done := sorted[name]; done {
			return false
		}
		if progress[name] {
			return true
		}
		progress[name] = true
		for _, ref := range deps[name] {
			if visit(ref.Name) {
				return true
			}
		}
		delete(progress, name)
		sorted[name] = len(sorted)
		return false
	}
	names := make([]string, 0, len(deps))
	for n := range deps {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if visit(n) {
			return nil, true, true
		}
	}
	return sorted, false, true
}

// dependencies is Atlas's dependencies: the tables each table depends
// on, by name. The drops are looked up in a set where Atlas scans the
// changes for each.
func dependencies(changes []schema.Change) (map[string][]*schema.Table, bool) {
	dropped := map[string]bool{}
	for _, c := range changes {
		if d, ok := c.(*schema.DropTable); ok {
			dropped[d.T.Name] = true
		}
	}
	deps := make(map[string][]*schema.Table)
	for _, change := range changes {
		switch change := change.(type) {
		case *schema.AddTable:
			for _, fk := range change.T.ForeignKeys {
				if !validFK(fk) {
					return nil, false
				}
				if fk.RefTable != change.T {
					deps[change.T.Name] = append(deps[change.T.Name], fk.RefTable)
				}
			}
		case *schema.DropTable:
			for _, fk := range change.T.ForeignKeys {
				if !validFK(fk) {
					return nil, false
				}
				if dropped[fk.RefTable.Name] {
					deps[fk.RefTable.Name] = append(deps[fk.RefTable.Name], fk.Table)
				}
			}
		case *schema.ModifyTable:
			for _, c := range change.Changes {
				switch c := c.(type) {
				case *schema.AddForeignKey:
					if !validFK(c.F) {
						return nil, false
					}
					if c.F.RefTable != change.T {
						deps[change.T.Name] = append(deps[change.T.Name], c.F.RefTable)
					}
				case *schema.ModifyForeignKey:
					if !validFK(c.To) {
						return nil, false
					}
					if c.To.RefTable != change.T {
						deps[change.T.Name] = append(deps[change.T.Name], c.To.RefTable)
					}
				case *schema.DropForeignKey:
					if !validFK(c.F) {
						return nil, false
					}
					if dropped[c.F.RefTable.Name] {
						deps[c.F.RefTable.Name] = append(deps[c.F.RefTable.Name], c.F.Table)
					}
				}
			}
		}
	}
	return deps, true
}

func validFK(fk *schema.ForeignKey) bool {
	return fk.Table != nil && len(fk.Columns) > 0 && fk.RefTable != nil && len(fk.RefColumns) > 0
}

// tableName is Atlas's table: the table a change is about, or "".
func tableName(change schema.Change) string {
	switch change := change.(type) {
	case *schema.AddTable:
		return change.T.Name
	case *schema.DropTable:
		return change.T.Name
	case *schema.ModifyTable:
		return change.T.Name
	}
	return ""
}

// detachReferences is Atlas's detachReferences, but for a dropped
// table's references to itself (see below).
func detachReferences(changes []schema.Change) []schema.Change {
	var planned, deferred []schema.Change
	for _, change := range changes {
		switch change := change.(type) {
		case *schema.AddTable:
			var (
				ext  []schema.Change
				self []*schema.ForeignKey
			)
			for _, fk := range change.T.ForeignKeys {
				if fk.RefTable == change.T {
					self = append(self, fk)
				} else {
					ext = append(ext, &schema.AddForeignKey{F: fk})
				}
			}
			if len(ext) > 0 {
				deferred = append(deferred, &schema.ModifyTable{T: change.T, Changes: ext})
				t := *change.T
				t.ForeignKeys = self
				change = &schema.AddTable{T: &t, Extra: change.Extra}
			}
			planned = append(planned, change)
		case *schema.DropTable:
			var (
				fks  []schema.Change
				self []*schema.ForeignKey
			)
			for _, fk := range change.T.ForeignKeys {
				if fk.RefTable == change.T {
					self = append(self, fk)
				} else {
					fks = append(fks, &schema.DropForeignKey{F: fk})
				}
			}
			if len(fks) > 0 {
				planned = append(planned, &schema.ModifyTable{T: change.T, Changes: fks})
				// The table keeps its references to itself, which go with
				// it: the reverse, CREATE TABLE, makes them again (Atlas
				// drops them from both sides, and the down migration
				// lost them).
				t := *change.T
				t.ForeignKeys = self
				change = &schema.DropTable{T: &t, Extra: change.Extra}
			}
			deferred = append(deferred, change)
		case *schema.ModifyTable:
			var fks, rest []schema.Change
			for _, c := range change.Changes {
				switch c := c.(type) {
				case *schema.AddForeignKey:
					fks = append(fks, c)
				default:
					rest = append(rest, c)
				}
			}
			if len(fks) > 0 {
				deferred = append(deferred, &schema.ModifyTable{T: change.T, Changes: fks})
			}
			if len(rest) > 0 {
				planned = append(planned, &schema.ModifyTable{T: change.T, Changes: rest})
			}
		default:
			planned = append(planned, change)
		}
	}
	return append(planned, deferred...)
}

// orderByDependencies is Atlas's SortChanges: drops last, then each
// change after the changes it depends on, depth first in list order. An
// edge c1 → c2 is where Atlas's dependsOn(c1, c2) holds, unless c2 → c1
// was found first (Atlas compares every pair in list order); here the
// pairs that can depend on each other are found through indexes by
// table and type, which the cases of dependsOn below mirror.
func orderByDependencies(in []schema.Change) []schema.Change {
	var drop, other []schema.Change
	for _, c := range in {
		switch c.(type) {
		case *schema.DropTable, *schema.DropObject:
			drop = append(drop, c)
		default:
			other = append(other, c)
		}
	}
	changes := append(other, drop...)
	ix := newChangeIndex(changes)
	edges := make([][]int, len(changes))
	for i, c1 := range changes {
		for _, j := range ix.candidates(c1) {
			if j == i || !dependsOn(c1, changes[j]) {
				continue
			}
			// Atlas skips c1 → c2 when it added c2 → c1 before: when c2
			// came first in the list and depends on c1.
			if j < i && dependsOn(changes[j], c1) {
				continue
			}
			edges[i] = append(edges[i], j)
		}
	}
	added := make([]bool, len(changes))
	planned := make([]schema.Change, 0, len(changes))
	var add func(i int)
	add = func(i int) {
		if added[i] {
			return
		}
		added[i] = true
		for _, d := range edges[i] {
			if !added[d] {
				add(d)
			}
		}
		planned = append(planned, changes[i])
	}
	for i := range changes {
		add(i)
	}
	return planned
}

// changeIndex finds, for a change, the changes it may depend on.
type changeIndex struct {
	// byTable are the changes adding, modifying or dropping each table;
	// refDrops the drops of tables referencing it, refMods the
	// modifications dropping a reference to it.
	byTable, refDrops, refMods map[[2]string][]int
	// freed are the drops of tables whose indexes or key hold each
	// name, by schema and name.
	freed map[[2]string][]int
	// addTypes are the changes adding a comparable type (an enum);
	// typeDrops the drops of tables with a column of the type, typeMods
	// the modifications dropping such a column.
	addTypes, typeDrops, typeMods map[schema.Type][]int
}

// tableKey identifies a table as Atlas's SameTable compares them: by
// name and schema name, a table without a schema differing from one in
// a schema of any name.
func tableKey(t *schema.Table) [2]string {
	s := ""
	if t.Schema != nil {
		s = "\x00" + t.Schema.Name
	}
	return [2]string{s, t.Name}
}

// chain calls fn with each comparable type of t's chain of underlying
// types, which is where IsType finds a match (plainType excludes the
// other ways).
func chain(ct *schema.ColumnType, fn func(schema.Type)) {
	if ct == nil {
		return
	}
	for t := ct.Type; t != nil; {
		if reflect.TypeOf(t).Comparable() {
			fn(t)
		}
		u, ok := t.(interface{ Underlying() schema.Type })
		if !ok {
			return
		}
		t = u.Underlying()
	}
}

func newChangeIndex(changes []schema.Change) *changeIndex {
	ix := &changeIndex{
		byTable: map[[2]string][]int{}, refDrops: map[[2]string][]int{}, refMods: map[[2]string][]int{}, freed: map[[2]string][]int{},
		addTypes: map[schema.Type][]int{}, typeDrops: map[schema.Type][]int{}, typeMods: map[schema.Type][]int{},
	}
	add := func(m map[[2]string][]int, t *schema.Table, i int) { m[tableKey(t)] = append(m[tableKey(t)], i) }
	addType := func(m map[schema.Type][]int, t schema.Type, i int) { m[t] = append(m[t], i) }
	for i, c := range changes {
		switch c := c.(type) {
		case *schema.AddTable:
			add(ix.byTable, c.T, i)
		case *schema.ModifyTable:
			add(ix.byTable, c.T, i)
			for _, m := range c.Changes {
				switch m := m.(type) {
				case *schema.DropForeignKey:
					add(ix.refMods, m.F.RefTable, i)
				case *schema.DropColumn:
					chain(m.C.Type, func(t schema.Type) { addType(ix.typeMods, t, i) })
				}
			}
		case *schema.DropTable:
			add(ix.byTable, c.T, i)
			for _, name := range heldNames(c.T) {
				k := [2]string{schemaName(c.T), name}
				ix.freed[k] = append(ix.freed[k], i)
			}
			for _, fk := range c.T.ForeignKeys {
				add(ix.refDrops, fk.RefTable, i)
			}
			for _, col := range c.T.Columns {
				chain(col.Type, func(t schema.Type) { addType(ix.typeDrops, t, i) })
			}
		case *schema.AddObject:
			if t, ok := c.O.(schema.Type); ok && reflect.TypeOf(t).Comparable() {
				addType(ix.addTypes, t, i)
			}
		}
	}
	return ix
}

// candidates returns, in list order, the indexes of the changes c may
// depend on: a superset of those dependsOn(c, ·) holds for.
func (ix *changeIndex) candidates(c schema.Change) []int {
	var out []int
	tables := func(m map[[2]string][]int, t *schema.Table) { out = append(out, m[tableKey(t)]...) }
	types := func(m map[schema.Type][]int, ct *schema.ColumnType) {
		chain(ct, func(t schema.Type) { out = append(out, m[t]...) })
	}
	switch c := c.(type) {
	case *schema.AddTable:
		tables(ix.byTable, c.T)
		for _, fk := range c.T.ForeignKeys {
			tables(ix.byTable, fk.RefTable)
		}
		for _, name := range append(heldNames(c.T), c.T.Name) {
			out = append(out, ix.freed[[2]string{schemaName(c.T), name}]...)
		}
		for _, col := range c.T.Columns {
			types(ix.addTypes, col.Type)
		}
	case *schema.ModifyTable:
		tables(ix.byTable, c.T)
		if dropsKeyIndex(c) {
			tables(ix.refMods, c.T)
			tables(ix.refDrops, c.T)
		}
		for _, m := range c.Changes {
			switch m := m.(type) {
			case *schema.AddForeignKey:
				tables(ix.byTable, m.F.RefTable)
			case *schema.AddColumn:
				types(ix.addTypes, m.C.Type)
			case *schema.ModifyColumn:
				types(ix.addTypes, m.To.Type)
			}
		}
	case *schema.DropTable:
		tables(ix.refDrops, c.T)
		tables(ix.refMods, c.T)
	case *schema.DropObject:
		if t, ok := c.O.(schema.Type); ok && reflect.TypeOf(t).Comparable() {
			out = append(out, ix.typeDrops[t]...)
			out = append(out, ix.typeMods[t]...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// sameTable and refTo are Atlas's SameTable and refTo.
func sameTable(t1, t2 *schema.Table) bool {
	if t1 == nil || t2 == nil {
		return t1 == t2
	}
	return tableKey(t1) == tableKey(t2)
}

func refTo(fks []*schema.ForeignKey, to *schema.Table) bool {
	return slices.ContainsFunc(fks, func(fk *schema.ForeignKey) bool { return sameTable(fk.RefTable, to) })
}

// dependsOn is Atlas's dependsOn (sqlx_oss.go) for the changes sortable
// admits: no views, functions, triggers or table dependencies, no object
// with dependencies of its own, no row types; the cases that need them
// are false here.
func dependsOn(c1, c2 schema.Change) bool {
	switch c1 := c1.(type) {
	case *schema.AddTable:
		switch c2 := c2.(type) {
		case *schema.DropTable:
			// Table recreation; not Atlas's: or a table taking a name
			// that one of the dropped table's indexes or its key holds
			// (an index's name is the schema's), made after it.
			return c1.T.Name == c2.T.Name && sameSchema(c1.T.Schema, c2.T.Schema) || takesName(c1.T, c2.T)
		case *schema.AddTable:
			return refTo(c1.T.ForeignKeys, c2.T)
		case *schema.ModifyTable:
			return (c1.T.Name != c2.T.Name || !sameSchema(c1.T.Schema, c2.T.Schema)) && refTo(c1.T.ForeignKeys, c2.T)
		case *schema.AddObject:
			t, ok := c2.O.(schema.Type)
			return ok && slices.ContainsFunc(c1.T.Columns, func(c *schema.Column) bool { return schema.IsType(c.Type.Type, t) })
		}
	case *schema.DropTable:
		switch c2 := c2.(type) {
		case *schema.DropTable:
			return refTo(c2.T.ForeignKeys, c1.T)
		case *schema.ModifyTable:
			return dropsRefTo(c2, c1.T)
		}
	case *schema.ModifyTable:
		switch c2 := c2.(type) {
		case *schema.DropTable:
			// Not Atlas's: a unique index or key that a dropped table's
			// foreign keys reference is dropped after the table
			// (PostgreSQL refuses it before: the key's index holds the
			// foreign key), and so made again before it by the down
			// migration.
			return dropsKeyIndex(c1) && refTo(c2.T.ForeignKeys, c1.T) && !sameTable(c2.T, c1.T)
		case *schema.AddTable:
			if c1.T.Name == c2.T.Name && sameSchema(c1.T.Schema, c2.T.Schema) {
				return true
			}
			return slices.ContainsFunc(c1.Changes, func(c schema.Change) bool {
				a, ok := c.(*schema.AddForeignKey)
				return ok && refTo([]*schema.ForeignKey{a.F}, c2.T)
			})
		case *schema.ModifyTable:
			if c1.T == c2.T {
				return false
			}
			if dropsKeyIndex(c1) && dropsRefTo(c2, c1.T) {
				// Not Atlas's: a unique index or key that foreign keys
				// of other tables reference is dropped after them
				// (PostgreSQL refuses it before), and so made again
				// before them by the down migration.
				return true
			}
			if dropsKeyIndex(c2) && addsRefTo(c1, c2.T) && !dropsRefTo(c1, c2.T) {
				// Not Atlas's: a foreign key referencing a table whose
				// unique index or key is dropped or made again goes
				// after it, as the key it needs may be the new one (see
				// splitKeyMoves), and so is dropped before it by the
				// down migration.
				return true
			}
			addC := make(map[*schema.Column]bool)
			for _, c := range c2.Changes {
				if add, ok := c.(*schema.AddColumn); ok {
					addC[add.C] = true
				}
			}
			return slices.ContainsFunc(c1.Changes, func(c schema.Change) bool {
				fk, ok := c.(*schema.AddForeignKey)
				return ok && refTo([]*schema.ForeignKey{fk.F}, c2.T) && slices.ContainsFunc(fk.F.Columns, func(c *schema.Column) bool { return addC[c] })
			})
		case *schema.AddObject:
			t, ok := c2.O.(schema.Type)
			return ok && slices.ContainsFunc(c1.Changes, func(c schema.Change) bool {
				switch c := c.(type) {
				case *schema.AddColumn:
					return schema.IsType(c.C.Type.Type, t)
				case *schema.ModifyColumn:
					return schema.IsType(c.To.Type.Type, t)
				}
				return false
			})
		}
	case *schema.DropObject:
		t, ok := c1.O.(schema.Type)
		if !ok {
			return false
		}
		switch c2 := c2.(type) {
		case *schema.DropTable:
			return slices.ContainsFunc(c2.T.Columns, func(c *schema.Column) bool { return schema.IsType(c.Type.Type, t) })
		case *schema.ModifyTable:
			return slices.ContainsFunc(c2.Changes, func(c schema.Change) bool {
				d, ok := c.(*schema.DropColumn)
				return ok && schema.IsType(d.C.Type.Type, t)
			})
		}
	}
	return false
}

// addsRefTo reports whether m adds a foreign key referencing t.
func addsRefTo(m *schema.ModifyTable, t *schema.Table) bool {
	return slices.ContainsFunc(m.Changes, func(c schema.Change) bool {
		a, ok := c.(*schema.AddForeignKey)
		return ok && refTo([]*schema.ForeignKey{a.F}, t)
	})
}

// splitKeyMoves is not Atlas's: a change of a table that drops a foreign
// key referencing another table whose unique index or primary key is
// dropped, and adds one referencing it (Inbox Zero moving the key of
// "EmailAccount" from "email" to a new "id", and "CleanupJob"'s
// reference with it), must drop the old key's reference before the
// other table's change and add the new one after it: its additions of
// references to that table become a change of their own, which
// dependsOn orders after the other table's (in one ALTER TABLE, the new
// reference was made before the key it needs, or the old key dropped
// before its reference).
func splitKeyMoves(changes []schema.Change) []schema.Change {
	keyDrops := map[[2]string]bool{}
	for _, c := range changes {
		if m, ok := c.(*schema.ModifyTable); ok && dropsKeyIndex(m) {
			keyDrops[tableKey(m.T)] = true
		}
	}
	if len(keyDrops) == 0 {
		return changes
	}
	return splitModifies(changes, func(m *schema.ModifyTable) (rest, adds []schema.Change) {
		for _, mc := range m.Changes {
			if a, ok := mc.(*schema.AddForeignKey); ok && !sameTable(a.F.RefTable, m.T) && keyDrops[tableKey(a.F.RefTable)] && dropsRefTo(m, a.F.RefTable) {
				adds = append(adds, mc)
			} else {
				rest = append(rest, mc)
			}
		}
		return rest, adds
	})
}

// splitModifies returns changes with each table change that split
// parts in two (rest, then moved) replaced by a change of the table
// with rest, when there is any, followed by one with moved.
func splitModifies(changes []schema.Change, split func(*schema.ModifyTable) (rest, moved []schema.Change)) []schema.Change {
	out := make([]schema.Change, 0, len(changes))
	for _, c := range changes {
		m, ok := c.(*schema.ModifyTable)
		if !ok {
			out = append(out, c)
			continue
		}
		rest, moved := split(m)
		if len(moved) == 0 {
			out = append(out, c)
			continue
		}
		if len(rest) > 0 {
			out = append(out, &schema.ModifyTable{T: m.T, Changes: rest})
		}
		out = append(out, &schema.ModifyTable{T: m.T, Changes: moved})
	}
	return out
}

// splitNameMoves is not Atlas's: a table that takes the name of an
// index or the key of a table the changes drop (a table replaced by
// another keeping its index and key names) is made after the drop (see
// dependsOn), so a change of another table that drops its foreign key
// referencing the dropped table and adds one referencing the new table
// (one foreign key whose target changes) must drop the old reference
// before the drop and add the new one after the new table: its
// additions of references to the new table become a change of their
// own (in one ALTER TABLE, the drop could not go first, and PostgreSQL
// refused the new table: relation already exists).
func splitNameMoves(changes []schema.Change) []schema.Change {
	var drops, adds []*schema.Table
	for _, c := range changes {
		switch c := c.(type) {
		case *schema.DropTable:
			drops = append(drops, c.T)
		case *schema.AddTable:
			adds = append(adds, c.T)
		}
	}
	if len(drops) == 0 || len(adds) == 0 {
		return changes
	}
	taking := map[*schema.Table]bool{} // added tables taking a dropped one's name
	for _, a := range adds {
		for _, d := range drops {
			if takesName(a, d) {
				taking[a] = true
			}
		}
	}
	if len(taking) == 0 {
		return changes
	}
	refsTaking := func(fk *schema.ForeignKey) bool {
		return fk != nil && slices.ContainsFunc(adds, func(a *schema.Table) bool { return taking[a] && sameTable(fk.RefTable, a) })
	}
	return splitModifies(changes, func(m *schema.ModifyTable) (rest, moved []schema.Change) {
		for _, mc := range m.Changes {
			switch mc := mc.(type) {
			case *schema.AddForeignKey:
				if refsTaking(mc.F) {
					moved = append(moved, mc)
					continue
				}
			case *schema.ModifyForeignKey:
				if refsTaking(mc.To) && !sameTable(mc.From.RefTable, mc.To.RefTable) {
					rest = append(rest, &schema.DropForeignKey{F: mc.From})
					moved = append(moved, &schema.AddForeignKey{F: mc.To})
					continue
				}
			}
			rest = append(rest, mc)
		}
		return rest, moved
	})
}

// takesName reports whether the added table a takes a name that an
// index or the key of the dropped table d holds, in the same schema.
func takesName(a, d *schema.Table) bool {
	if !sameSchema(a.Schema, d.Schema) {
		return false
	}
	held := heldNames(d)
	return slices.Contains(held, a.Name) || slices.ContainsFunc(heldNames(a), func(n string) bool { return slices.Contains(held, n) })
}

// heldNames returns the names of t's indexes and of its primary key:
// relations of its schema, whose names no other relation may take.
func heldNames(t *schema.Table) []string {
	var names []string
	for _, ix := range t.Indexes {
		if ix.Name != "" {
			names = append(names, ix.Name)
		}
	}
	if t.PrimaryKey != nil && t.PrimaryKey.Name != "" {
		names = append(names, t.PrimaryKey.Name)
	}
	return names
}

// schemaName returns the name of t's schema, "" when it has none.
func schemaName(t *schema.Table) string {
	if t.Schema == nil {
		return ""
	}
	return t.Schema.Name
}

// dropsRefTo reports whether m drops a foreign key referencing t.
func dropsRefTo(m *schema.ModifyTable, t *schema.Table) bool {
	return slices.ContainsFunc(m.Changes, func(c schema.Change) bool {
		d, ok := c.(*schema.DropForeignKey)
		return ok && refTo([]*schema.ForeignKey{d.F}, t)
	})
}

// dropsKeyIndex reports whether m drops a unique index or the primary
// key of its table: what a foreign key referencing the table may need.
// A modified primary key or unique index is dropped too: Atlas's
// planner makes it again (DROP CONSTRAINT, then ADD PRIMARY KEY; DROP
// INDEX, then CREATE INDEX).
func dropsKeyIndex(m *schema.ModifyTable) bool {
	return slices.ContainsFunc(m.Changes, func(c schema.Change) bool {
		switch c := c.(type) {
		case *schema.DropIndex:
			return c.I.Unique
		case *schema.ModifyIndex:
			return c.From != nil && c.From.Unique
		case *schema.DropPrimaryKey, *schema.ModifyPrimaryKey:
			return true
		}
		return false
	})
}

func sameSchema(s1, s2 *schema.Schema) bool {
	if s1 == nil || s2 == nil {
		return s1 == s2
	}
	return s1.Name == s2.Name
}
