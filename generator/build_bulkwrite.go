package generator

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/spec"
)

// buildBulkWrite fills t.Bulk and the batch upserts of t's unique keys:
// UpdateMany and UpdateManyReturning, DeleteMany (and, through the
// behaviours' bulkStatements, HardDeleteMany and RestoreMany), and
// UpsertManyBy… and CreateManyIfAbsentBy… per unique key. It runs after
// buildUniqueKeys.
func (b *builder) buildBulkWrite(t *ir.Table) {
	st := b.tableSpec[t]
	what := fmt.Sprintf("table %q", st.Name)
	w := &t.Bulk
	parts, why := keyParts(t.PK)
	if len(t.PK) == 0 {
		why = "the table has no primary key"
	}
	if why == "" {
		why = unnestable(t)
	}
	if why != "" {
		t.Notes = append(t.Notes, "UpdateMany, DeleteMany and the other batch writes are not generated: "+why+".")
		dropMethods(t, "HardDeleteMany", "RestoreMany")
		return
	}
	w.PK = parts
	decl := func(name, desc string) string {
		b.declareDerived(t, name, desc+" of "+what, st.Pos)
		return name
	}
	if len(t.PK) > 1 {
		w.Key = decl(t.Model+"Key", "the key struct")
	}
	for _, m := range []string{"DeleteMany"} {
		b.repoMethod(t, m, "the generated method "+m, spec.Pos{})
	}

	if len(t.SQL.UpdateArgs) > 0 || len(behaviourSets(t, "")) > 0 {
		for _, m := range []string{"UpdateMany", "UpdateManyReturning"} {
			b.repoMethod(t, m, "the generated method "+m, spec.Pos{})
		}
		w.KeyedUpdate = decl(t.Model+"KeyedUpdate", "the keyed update struct")
		w.Updates = decl("bulk"+t.Plural+"Updates", "the batch updates")
		w.Changes = "Changes"
		for taken(t, w.Changes) {
			w.Changes += "_"
		}
		w.UpdateMany, w.UpdateArgs = updateManySQL(t, w, false)
		w.UpdateManyReturning, _ = updateManySQL(t, w, true)
		sharePrefix(t, "UpdateManyWith", &w.UpdateMany, &w.UpdateManyReturning)
	} else {
		t.Notes = append(t.Notes, "UpdateMany is not generated: no update can change a row.")
	}

	versioned := t.Version != nil
	var args []ir.BulkArg
	w.DeleteMany, args = deleteManySQL(t, "DeleteMany", "delete", nil, scopeConds(t, "", false), versioned)
	if versioned {
		w.Versions, w.VersionArgs = decl("bulk"+t.Plural+"Versions", "the batch deletes"), args
	} else {
		w.Keys, w.KeyArgs = decl("bulk"+t.Plural+"Keys", "the batch deletes"), args
	}
	for _, h := range hooks(t) {
		h.bulkStatements(t, w)
	}
	if w.Keys == "" && (w.HardDeleteMany.Const != "" || w.RestoreMany.Const != "") {
		w.Keys = decl("bulk"+t.Plural+"Keys", "the batch deletes")
		_, w.KeyArgs = deleteManySQL(t, "HardDeleteMany", "", nil, nil, false)
	}
	sharePrefix(t, "DeleteManyWith", &w.DeleteMany, &w.HardDeleteMany, &w.RestoreMany)
	for _, s := range []ir.Statement{w.UpdateMany, w.UpdateManyReturning, w.DeleteMany, w.HardDeleteMany, w.RestoreMany} {
		b.declareStatement(t, s, st.Pos)
	}

	for _, k := range t.UniqueKeys {
		b.buildBulkUpsert(t, k)
	}
}

// buildBulkUpsert names and builds the batch upserts of unique key k,
// when the rows of a batch can be matched by it before they are sent:
// every column of it that the caller sets has no default and an order.
func (b *builder) buildBulkUpsert(t *ir.Table, k *ir.UniqueKey) {
	st := b.tableSpec[t]
	var own []*ir.Column
	for _, c := range k.Columns {
		if c == t.Tenant {
			continue
		}
		if c.HasDefault || c.Nullable {
			t.Notes = append(t.Notes, fmt.Sprintf("%s has no batch form: column %s may be left unset or NULL, so the rows "+
				"of a batch that share a key are not known before they are sent.", k.Upsert, c.SQLName))
			return
		}
		own = append(own, c)
	}
	parts, why := keyParts(own)
	if why != "" {
		t.Notes = append(t.Notes, fmt.Sprintf("%s has no batch form: %s.", k.Upsert, why))
		return
	}
	for _, p := range parts {
		p.Path = []string{p.Column.Field}
	}
	suffix := strings.TrimPrefix(k.Upsert, "UpsertBy")
	upsert, absent := "UpsertManyBy"+suffix, "CreateManyIfAbsentBy"+suffix
	desc := fmt.Sprintf("the batch upsert on the unique key (%s)", keyColumns(k))
	ok := b.repoMethod(t, upsert, desc, spec.Pos{})
	ok = b.repoMethod(t, absent, desc, spec.Pos{}) && ok
	if !ok {
		return
	}
	w := &t.Bulk
	if w.New == "" {
		w.New = "bulk" + t.Plural + "New"
		b.declareDerived(t, w.New, fmt.Sprintf("the batch upserts of table %q", st.Name), st.Pos)
		w.NewArgs = bulkInsertValues(t, &placeholders{}).r.args
		k.Bulk = w.New
	} else {
		k.Bulk = w.New + "By" + suffix
		b.declareDerived(t, k.Bulk, fmt.Sprintf("the batch upserts of table %q by %s", st.Name, keyColumns(k)), st.Pos)
	}
	k.Parts, k.UpsertMany, k.CreateManyIfAbsent = parts, upsert, absent
	k.UpsertManySQL = upsertManySQL(t, k)
	k.CreateManyIfAbsentSQL = createManyIfAbsentSQL(t, k)
	sharePrefix(t, upsert+"With", &k.UpsertManySQL, &k.CreateManyIfAbsentSQL)
	b.declareStatement(t, k.UpsertManySQL, st.Pos)
	b.declareStatement(t, k.CreateManyIfAbsentSQL, st.Pos)
}

// keyColumns names a unique key's columns for a description: "email",
// "user_id, currency".
func keyColumns(k *ir.UniqueKey) string {
	names := make([]string, len(k.Columns))
	for i, c := range k.Columns {
		names[i] = c.SQLName
	}
	return strings.Join(names, ", ")
}

// keyParts returns the key columns with the functions ordering their
// values, or why the rows of a batch cannot be ordered by them.
func keyParts(cols []*ir.Column) ([]*ir.BulkKeyPart, string) {
	var out []*ir.BulkKeyPart
	for _, c := range cols {
		f, ok := compareOf(c)
		if !ok {
			return nil, fmt.Sprintf("the Go values of key column %s have no order to sort a batch by", c.SQLName)
		}
		out = append(out, &ir.BulkKeyPart{Column: c, Compare: f})
	}
	return out, ""
}

// compareOf returns the Go function ordering values of c, from its
// type's row: enums order as the strings they are; a go_type of the
// caller's has none.
func compareOf(c *ir.Column) (ir.GoFunc, bool) {
	switch {
	case c.GoTypeOverride || c.Type.ArrayDims > 0:
		return ir.GoFunc{}, false
	case c.Type.Enum != nil:
		return ir.GoFunc{Path: "cmp", Name: "Compare"}, true
	case c.Type.Base.Compare.Name != "":
		return ir.GoFunc(c.Type.Base.Compare), true
	}
	return ir.GoFunc{}, false
}

// unnestable says which column of t cannot travel as an array of a batch
// statement, or "".
func unnestable(t *ir.Table) string {
	for _, c := range t.Columns {
		if c.Type.ArrayDims == 0 && c.Type.Base != nil && !c.Type.Base.Unnest {
			return fmt.Sprintf("column %s is of type %s, which cannot travel as an array parameter", c.SQLName, c.Type)
		}
	}
	return ""
}

// taken reports whether a field of t's keyed update struct (a key
// column's or the version's) is named name.
func taken(t *ir.Table, name string) bool {
	for _, c := range t.PK {
		if c.Field == name {
			return true
		}
	}
	return t.Version != nil && t.Version.Field == name
}

// dropMethods removes methods from the behaviours' method lists: methods
// a behaviour would add that are not generated.
func dropMethods(t *ir.Table, methods ...string) {
	for _, bh := range t.Behaviours {
		var keep []string
		for _, m := range bh.Methods {
			if !slices.Contains(methods, m) {
				keep = append(keep, m)
			}
		}
		bh.Methods = keep
	}
}
