package generator

import (
	"fmt"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/spec"
)

// buildRelations adds to t.Relations, and names the methods of, the
// foreign keys of other tables referencing t (Load<Children>) and t's
// many-to-many relations (Load<Name>, Link<Name>, Unlink<Name>).
//
// It runs once for every table after buildBelongsTo has run for every
// table, so that a parent's eager loader finds the child's batch loader.
// referrers are the tables with a foreign key to t, in table order (see
// referringTables).
func (b *builder) buildRelations(t *ir.Table, referrers []*ir.Table) {
	for _, child := range referrers {
		var fks []*ir.Column
		for _, c := range child.Columns {
			if ref := b.columnSpec[c].References; ref != nil && ref.Table == b.tableSpec[t] {
				fks = append(fks, c)
			}
		}
		for _, c := range fks {
			b.hasMany(t, child, c, len(fks) > 1 || child == t)
		}
	}
	for _, m := range b.tableSpec[t].ManyToMany {
		b.manyToMany(t, m)
	}
}

// referringTables maps each table's spec to the tables that have a
// foreign key to it, in table order, each once: an index that keeps
// buildRelations linear in the number of tables.
func referringTables(all []*ir.Table) map[*ir.Table][]*ir.Table {
	out := map[*ir.Table][]*ir.Table{}
	for _, child := range all {
		for _, c := range child.Columns {
			ref := c.References
			if ref == nil || ref.Table == nil {
				continue
			}
			if refs := out[ref.Table]; len(refs) > 0 && refs[len(refs)-1] == child {
				continue // a second key of child to the same table
			}
			out[ref.Table] = append(out[ref.Table], child)
		}
	}
	return out
}

// buildBelongsTo adds the relations of t's foreign key columns.
func (b *builder) buildBelongsTo(t *ir.Table) {
	for _, c := range t.Columns {
		if b.columnSpec[c].References != nil {
			b.belongsTo(t, c)
		}
	}
}

// refColumn returns the IR column a foreign key column references.
func (b *builder) refColumn(c *ir.Column) (*ir.Table, *ir.Column) {
	ref := b.columnSpec[c].References
	parent := b.tables[ref.Table.Name]
	if parent == nil {
		return nil, nil
	}
	for _, pc := range parent.Columns {
		if b.columnSpec[pc] == ref.Column {
			return parent, pc
		}
	}
	return parent, nil
}

// mapKeyProblem says why values of c cannot key a Go map, or "": slices,
// and the types whose row says their values do not compare by value.
func mapKeyProblem(c *ir.Column) string {
	if c.Go.IsSliceLike() || (!c.GoTypeOverride && c.Type.Base != nil && !c.Type.Base.MapKey) {
		return fmt.Sprintf("column %s is %s, which cannot key a Go map", c.SQLName, c.SQLType)
	}
	return ""
}

// convertibleKeys reports whether the keys of ref, in Go, convert to
// those of fk, a foreign key column referencing it: integers of two
// widths (a foreign key of one pgtypes KeyFamily), neither with a
// go_type of its own. An eager loader converts each parent's key with
// runtime.IntKey.
func convertibleKeys(fk, ref *ir.Column) bool {
	intCol := func(c *ir.Column) bool {
		return !c.GoTypeOverride && c.Type.ArrayDims == 0 && c.Type.Base != nil && c.Type.Base.Int != nil
	}
	return intCol(fk) && intCol(ref)
}

// belongsTo adds the relation of t's foreign key column c.
func (b *builder) belongsTo(t *ir.Table, c *ir.Column) {
	parent, ref := b.refColumn(c)
	if ref == nil {
		return
	}
	pos := b.columnSpec[c].References.Pos
	r := &ir.Relation{
		Kind: ir.BelongsTo, Table: t, Target: parent, Child: t, FK: c, Ref: ref, Key: c.Go.Elem(),
		List: "ListBy" + c.Field, Load: "LoadBy" + c.Field, Loader: "load" + t.Plural + "By" + c.Field, Pos: pos,
	}
	what := fmt.Sprintf("the finder of foreign key %s.%s", t.SQLName, c.SQLName)
	if !b.repoMethod(t, r.List, what, pos) {
		return
	}
	r.ListSQL = listBySQL(t, c, r.List)
	b.declareStatement(t, r.ListSQL, pos)
	if p := mapKeyProblem(c); p != "" {
		r.Skipped = p
		t.Notes = append(t.Notes, fmt.Sprintf("%s is not generated: %s.", r.Load, p))
	} else if b.repoMethod(t, r.Load, fmt.Sprintf("the batch loader of foreign key %s.%s", t.SQLName, c.SQLName), pos) {
		r.LoadSQL = loadBySQL(t, c, r.Load)
		b.declareStatement(t, r.LoadSQL, pos)
		b.declareLoader(t, r, fmt.Sprintf("the loader of foreign key %s.%s", t.SQLName, c.SQLName), pos)
	} else {
		r.Skipped = "its name is taken"
	}
	t.Relations = append(t.Relations, r)
}

// hasMany adds to parent the relation of child's foreign key column c;
// byFK names the method after the column too (when child has several
// keys referencing parent, or is parent).
func (b *builder) hasMany(parent, child *ir.Table, c *ir.Column, byFK bool) {
	_, ref := b.refColumn(c)
	if ref == nil {
		return
	}
	pos := b.columnSpec[c].References.Pos
	r := &ir.Relation{
		Kind: ir.HasMany, Table: parent, Target: child, Child: child, FK: c, Ref: ref, Key: c.Go.Elem(),
		Load: "Load" + child.Many, Loader: "load" + child.Plural + "By" + c.Field, Pos: pos,
	}
	if byFK {
		r.Load += "By" + c.Field
	}
	switch {
	case mapKeyProblem(c) != "":
		r.Skipped = mapKeyProblem(c)
	case ref.Go.Elem() != r.Key && !convertibleKeys(c, ref):
		r.Skipped = fmt.Sprintf("column %s.%s is %s in Go but %s.%s is %s", child.SQLName, c.SQLName, r.Key,
			parent.SQLName, ref.SQLName, ref.Go.Elem())
	case !b.loaderOf(child, c):
		r.Skipped = fmt.Sprintf("%s has no batch loader for %s", child.Repo, c.SQLName)
	case !b.repoMethod(parent, r.Load, fmt.Sprintf("the eager loader of foreign key %s.%s", child.SQLName, c.SQLName), pos):
		r.Skipped = "its name is taken"
	}
	if r.Skipped != "" && r.Skipped != "its name is taken" {
		parent.Notes = append(parent.Notes, fmt.Sprintf("%s is not generated: %s.", r.Load, r.Skipped))
	}
	parent.Relations = append(parent.Relations, r)
}

// loaderOf reports whether child has a batch loader for its foreign key
// column c.
func (b *builder) loaderOf(child *ir.Table, c *ir.Column) bool {
	for _, r := range child.Relations {
		if r.Kind == ir.BelongsTo && r.FK == c {
			return r.Skipped == ""
		}
	}
	return false
}

// manyToMany adds the many-to-many relation m of t.
func (b *builder) manyToMany(t *ir.Table, m *spec.ManyToMany) {
	through, target := b.tables[m.Through.Name], b.tables[m.Target.Name]
	if through == nil || target == nil {
		return
	}
	col := func(tab *ir.Table, sc *spec.Column) *ir.Column {
		for _, c := range tab.Columns {
			if b.columnSpec[c] == sc {
				return c
			}
		}
		return nil
	}
	from, to := col(through, m.From), col(through, m.To)
	if from == nil || to == nil {
		return
	}
	_, fromRef := b.refColumn(from)
	_, toRef := b.refColumn(to)
	if fromRef == nil || toRef == nil {
		return
	}
	single := names.ModelName(m.Name)
	r := &ir.Relation{
		Kind: ir.ManyToMany, Table: t, Target: target, Child: through, FK: from, Ref: fromRef,
		Through: through, To: to, ToRef: toRef, Key: from.Go.Elem(),
		Load: "Load" + names.GoName(m.Name), Link: "Link" + single, Unlink: "Unlink" + single, Pos: m.Pos,
		Loader: "load" + t.Plural + names.GoName(m.Name),
	}
	what := fmt.Sprintf("many_to_many relation %q", m.Name)
	switch {
	case mapKeyProblem(from) != "":
		r.Skipped = mapKeyProblem(from)
	case fromRef.Go.Elem() != r.Key && !convertibleKeys(from, fromRef):
		r.Skipped = fmt.Sprintf("column %s.%s is %s in Go but %s.%s is %s", through.SQLName, from.SQLName, r.Key,
			t.SQLName, fromRef.SQLName, fromRef.Go.Elem())
	}
	if r.Skipped != "" {
		t.Notes = append(t.Notes, fmt.Sprintf("%s is not generated: %s.", r.Load, r.Skipped))
	} else if b.repoMethod(t, r.Load, "the loader of "+what, m.Pos) {
		r.LoadSQL = manyToManyLoadSQL(r)
		b.declareStatement(t, r.LoadSQL, m.Pos)
		b.declareLoader(t, r, "the loader of "+what, m.Pos)
	} else {
		r.Skipped = "its name is taken"
	}
	for _, c := range through.Insert {
		if c != from && c != to && !c.HasDefault && !c.Nullable {
			r.LinkSkipped = fmt.Sprintf("join table %s has the column %s, which needs a value", through.SQLName, c.SQLName)
		}
	}
	if from.Identity || to.Identity || from.Managed != ir.NotManaged || to.Managed != ir.NotManaged {
		r.LinkSkipped = fmt.Sprintf("the database sets %s.%s or %s.%s", through.SQLName, from.SQLName, through.SQLName, to.SQLName)
	}
	if hasBehaviours(through) {
		r.LinkSkipped = fmt.Sprintf("join table %s has table options (audit, tenant, soft_delete or optimistic_lock) that its own repository applies; use %s", through.SQLName, through.Repo)
	}
	if r.LinkSkipped != "" {
		t.Notes = append(t.Notes, fmt.Sprintf("%s and %s are not generated: %s.", r.Link, r.Unlink, r.LinkSkipped))
	} else {
		ok := b.repoMethod(t, r.Link, "the link method of "+what, m.Pos)
		ok = b.repoMethod(t, r.Unlink, "the unlink method of "+what, m.Pos) && ok
		if ok {
			r.LinkSQL = linkSQL(r)
			r.UnlinkSQL = unlinkSQL(r)
			b.declareStatement(t, r.LinkSQL, m.Pos)
			b.declareStatement(t, r.UnlinkSQL, m.Pos)
		} else {
			r.LinkSkipped = "its name is taken"
		}
	}
	t.Relations = append(t.Relations, r)
}

// declareLoader declares the runtime.Loader variables of r: r.Loader,
// and its variant including soft-deleted rows when r's statement has one.
func (b *builder) declareLoader(t *ir.Table, r *ir.Relation, what string, pos spec.Pos) {
	b.declareDerived(t, r.Loader, what, pos)
	if r.LoadSQL.WithDeleted != nil {
		b.declareDerived(t, r.Loader+ir.WithDeletedSuffix, what+" including soft-deleted rows", pos)
	}
}
