package generator

import (
	"slices"
	"strconv"
	"strings"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/names"
)

// findByIDsSQL selects the rows of a table with a single-column key
// whose key is in an array.
func findByIDsSQL(t *ir.Table) ir.Statement {
	pk := t.PK[0]
	return readStatement(t, "FindByIDs", sqlName(t, "FindByIDs"), t.DeletedAt != nil, func(p *placeholders, all bool) string {
		conds := append([]string{pk.Quoted + " = ANY(" + arrayParam(p.nextFor(pk), pk) + ")"}, scopeConds(t, "", all)...)
		return "SELECT " + selectList(t.Columns) + " FROM " + t.Quoted + "\nWHERE " + and(conds) + " ORDER BY " + cachedKeyOrder(t, pk)
	})
}

// arrayParam is the placeholder of an array of values of column c: enum
// arrays travel as text[]; other arrays take their type from the column.
func arrayParam(ph string, c *ir.Column) string {
	if c.Type.Enum != nil {
		return arrayCast(ph, c.Type)
	}
	return ph
}

// createManySQL inserts one row per element of parallel arrays, one
// array per argument of Create, in one statement. Columns with defaults
// fall back to the default per row, as in Create; a tenant table's rows
// get the context's tenant. With rows, it returns the rows in input
// order (CreateManyReturning); without, its command tag counts them
// (CreateMany). Its arrays are the arguments of Create, in the same
// order (insertValues), so that the repository binds them through
// runtime.InsertManyOp (or ExecManyOp) with the same args function.
func createManySQL(t *ir.Table, method string, rows bool) ir.Statement {
	var p placeholders
	var arrays, aliases, vals []string
	alias := names.QuoteIdent("u")
	field := func(c *ir.Column) string {
		name := names.QuoteIdent("c" + strconv.Itoa(len(aliases)+1))
		aliases = append(aliases, name)
		return alias + "." + name
	}
	// A value of a type named by its SQL travels as text, cast per row:
	// unnest of an array of a composite type would spread its fields.
	value := func(c *ir.Column) string {
		if c.Type.IsSQLNamed() {
			return castType(field(c), c.Type)
		}
		return field(c)
	}
	array := func(c *ir.Column) string {
		ph := p.nextFor(c)
		if c.Type.IsSQLNamed() {
			return ph + "::text[]"
		}
		return arrayCast(ph, c.Type)
	}
	for _, c := range t.Insert {
		switch {
		case !c.HasDefault:
			arrays = append(arrays, array(c))
			vals = append(vals, value(c))
		case !c.Nullable:
			arrays = append(arrays, array(c))
			vals = append(vals, "COALESCE("+value(c)+", "+defaultSQL(c)+")")
		default:
			arrays = append(arrays, p.next()+"::boolean[]", array(c))
			set, val := field(c), value(c)
			vals = append(vals, "CASE WHEN "+set+" THEN "+val+" ELSE "+defaultSQL(c)+" END")
		}
	}
	cols := quotedList(t.Insert)
	if c := t.Tenant; c != nil {
		cols += ", " + c.Quoted
		vals = append(vals, castType(mark(ir.TailTenant), c.Type))
	}
	ord := names.QuoteIdent("ord")
	insert := "INSERT INTO " + t.Quoted + " (" + cols + ")\n" +
		"SELECT " + strings.Join(vals, ", ") + "\n" +
		"FROM unnest(" + strings.Join(arrays, ", ") + ") WITH ORDINALITY AS " + alias +
		"(" + strings.Join(aliases, ", ") + ", " + ord + ")\n" +
		"ORDER BY " + alias + "." + ord
	sql := insert
	if rows {
		sql = insertSQL(t, insert, "\n")
	}
	return p.finish(t, method, sql)
}

// conflictTarget is the ON CONFLICT target of a unique key.
func conflictTarget(k *ir.UniqueKey) string {
	s := "ON CONFLICT (" + quotedList(k.Columns) + ")"
	if k.Where != "" {
		s += " WHERE " + k.Where
	}
	return s
}

// inKey reports whether c is a column of k.
func inKey(k *ir.UniqueKey, c *ir.Column) bool {
	for _, kc := range k.Columns {
		if kc == c {
			return true
		}
	}
	return false
}

// keyMatch are the conditions finding the row a new row conflicts with on
// k: the key's columns equal to the new row's values, and the partial
// index's predicate.
func keyMatch(t *ir.Table, k *ir.UniqueKey, in insert) []string {
	var match []string
	for _, c := range k.Columns {
		i := in.index(c)
		val := in.vals[i]
		if c.HasDefault && c.Default != nil && c.Default.Kind == ir.DefaultExpr {
			// A function default such as gen_random_uuid() would make the
			// condition volatile and the lookup a scan; a value it
			// generates does not conflict, so only a given value can.
			val = cast(in.phs[i][len(in.phs[i])-1], c)
		}
		match = append(match, c.Quoted+" = "+val)
	}
	if k.Where != "" {
		match = append(match, "("+k.Where+")")
	}
	return match
}

// withScope adds to the conditions finding a row by key the scope
// conditions they do not hold yet (a partial key's predicate may be the
// live-row condition already).
func withScope(match []string, t *ir.Table) []string {
	for _, c := range scopeConds(t, "", false) {
		if !slices.Contains(match, c) && !slices.Contains(match, "("+c+")") {
			match = append(match, c)
		}
	}
	return match
}

// upsertSQL inserts a row or, when it conflicts on k, updates the row
// there and returns it. The update sets every insert column except the
// key's and the primary key's; a column with a default that the caller
// left unset keeps its value, as in Update; updated_at is bumped and the
// version incremented. The row in the way is updated only when the caller
// may see it (its tenant's, live); otherwise the statement returns no row.
func upsertSQL(t *ir.Table, k *ir.UniqueKey) ir.Statement {
	var p placeholders
	in := insertValues(t, &p)
	var sets []string
	for i, c := range t.Insert {
		if inKey(k, c) || c.PrimaryKey {
			continue
		}
		excluded := "EXCLUDED." + c.Quoted
		current := t.Quoted + "." + c.Quoted
		switch {
		case !c.HasDefault:
			sets = append(sets, c.Quoted+" = "+excluded)
		case !c.Nullable:
			sets = append(sets, c.Quoted+" = CASE WHEN "+cast(in.phs[i][0], c)+" IS NULL THEN "+current+" ELSE "+excluded+" END")
		default:
			sets = append(sets, c.Quoted+" = CASE WHEN "+in.phs[i][0]+"::boolean THEN "+excluded+" ELSE "+current+" END")
		}
	}
	sets = append(sets, behaviourSets(t, t.Quoted+".")...)
	if len(sets) == 0 {
		// Nothing to change; the no-op update still returns the row.
		c := k.Columns[0]
		sets = append(sets, c.Quoted+" = EXCLUDED."+c.Quoted)
	}
	guard := scopeConds(t, t.Quoted+".", false)
	doUpdate := " DO UPDATE\nSET " + strings.Join(sets, ",\n    ")
	return p.finish(t, k.Upsert, in.statement(t)+"\n"+conflictTarget(k)+doUpdate+whereClause(guard)+
		"\nRETURNING "+selectList(t.Columns))
}

// createIfAbsentSQL inserts a row unless it conflicts on k, and returns
// whether it did, then the new row or the one already there. The row
// already there is read in the same statement; only when it was
// committed after the statement's snapshot was taken, or the caller may
// not see it (another tenant's, or soft-deleted), does the statement
// return nothing, and the method runs it again.
func createIfAbsentSQL(t *ir.Table, k *ir.UniqueKey) ir.Statement {
	var p placeholders
	in := insertValues(t, &p)
	cte := names.QuoteIdent("inserted")
	if t.SQLName == "inserted" {
		cte = names.QuoteIdent("inserted_")
	}
	match := withScope(keyMatch(t, k, in), t)
	sql := "WITH " + cte + " AS (\n" + in.statement(t) + "\n" + conflictTarget(k) +
		" DO NOTHING\nRETURNING " + selectList(t.Columns) + "\n)\n"
	sql += "SELECT true, " + quotedList(t.Columns) + " FROM " + cte + "\n" +
		"UNION ALL\n" +
		"SELECT false, " + selectList(t.Columns) + " FROM " + t.Quoted + "\nWHERE " + and(match) + "\n" +
		"LIMIT 1"
	return p.finish(t, k.CreateIfAbsent, sql)
}
