package generator

import (
	"strconv"
	"strings"

	"github.com/cpcgen/cpcgen/spec"
)

// findByIDsSQL selects the rows of a table with a single-column key
// whose key is in an array.
func findByIDsSQL(t *Table) string {
	pk := t.PK[0]
	return header(t, "FindByIDs") + "SELECT " + selectList(t.Columns) + " FROM " + t.Quoted +
		"\nWHERE " + pk.Quoted + " = ANY(" + arrayParam("$1", pk) + ") ORDER BY " + pk.Quoted
}

// arrayParam is the placeholder of an array of values of column c: enum
// arrays travel as text[]; other arrays take their type from the column.
func arrayParam(ph string, c *Column) string {
	if c.Type.Enum != nil {
		return arrayCast(ph, c.Type)
	}
	return ph
}

// createManyReturningSQL inserts one row per element of parallel arrays,
// one array per argument of Create, in one statement, and returns the
// rows in input order. Columns with defaults fall back to the default per
// row, as in Create.
func createManyReturningSQL(t *Table) (string, []Arg) {
	var p placeholders
	var arrays, names, vals []string
	var args []Arg
	alias := quoteIdent("u")
	field := func(c *Column) string {
		name := quoteIdent("c" + strconv.Itoa(len(names)+1))
		names = append(names, name)
		return alias + "." + name
	}
	for _, c := range t.Insert {
		switch {
		case !c.HasDefault:
			arrays = append(arrays, arrayCast(p.next(), c.Type))
			vals = append(vals, field(c))
			args = append(args, Arg{c, ArgValue})
		case !c.Nullable:
			arrays = append(arrays, arrayCast(p.next(), c.Type))
			vals = append(vals, "COALESCE("+field(c)+", "+defaultSQL(c)+")")
			args = append(args, Arg{c, ArgOptPtr})
		default:
			arrays = append(arrays, p.next()+"::boolean[]", arrayCast(p.next(), c.Type))
			set, val := field(c), field(c)
			vals = append(vals, "CASE WHEN "+set+" THEN "+val+" ELSE "+defaultSQL(c)+" END")
			args = append(args, Arg{c, ArgOptSet}, Arg{c, ArgOptValue})
		}
	}
	ord := quoteIdent("ord")
	sql := header(t, "CreateManyReturning") + "INSERT INTO " + t.Quoted + " (" + quotedList(t.Insert) + ")\n" +
		"SELECT " + strings.Join(vals, ", ") + "\n" +
		"FROM unnest(" + strings.Join(arrays, ", ") + ") WITH ORDINALITY AS " + alias +
		"(" + strings.Join(names, ", ") + ", " + ord + ")\n" +
		"ORDER BY " + alias + "." + ord + "\n" +
		"RETURNING " + selectList(t.Columns)
	return sql, args
}

// conflictTarget is the ON CONFLICT target of a unique key.
func conflictTarget(k *UniqueKey) string {
	s := "ON CONFLICT (" + quotedList(k.Columns) + ")"
	if k.Where != "" {
		s += " WHERE " + k.Where
	}
	return s
}

// inKey reports whether c is a column of k.
func inKey(k *UniqueKey, c *Column) bool {
	for _, kc := range k.Columns {
		if kc == c {
			return true
		}
	}
	return false
}

// upsertSQL inserts a row or, when it conflicts on k, updates the row
// there and returns it. The update sets every insert column except the
// key's and the primary key's; a column with a default that the caller
// left unset keeps its value, as in Update, and updated_at is bumped.
func upsertSQL(t *Table, k *UniqueKey) string {
	in := insertValues(t)
	var sets []string
	for i, c := range t.Insert {
		if inKey(k, c) || c.Spec.PrimaryKey {
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
	if t.UpdatedAt != nil {
		sets = append(sets, t.UpdatedAt.Quoted+" = now()")
	}
	if len(sets) == 0 {
		// Nothing to change; the no-op update still returns the row.
		c := k.Columns[0]
		sets = append(sets, c.Quoted+" = EXCLUDED."+c.Quoted)
	}
	return header(t, k.Upsert) + in.statement(t) + "\n" + conflictTarget(k) + " DO UPDATE\nSET " +
		strings.Join(sets, ",\n    ") + "\nRETURNING " + selectList(t.Columns)
}

// createIfAbsentSQL inserts a row unless it conflicts on k, and returns
// whether it did, then the new row or the one already there. The row
// already there is read in the same statement; only when it was
// committed after the statement's snapshot was taken does the statement
// return nothing, and the method runs it again.
func createIfAbsentSQL(t *Table, k *UniqueKey) string {
	in := insertValues(t)
	cte := quoteIdent("inserted")
	if t.SQLName == "inserted" {
		cte = quoteIdent("inserted_")
	}
	var match []string
	for _, c := range k.Columns {
		i := in.index(c)
		val := in.vals[i]
		if c.HasDefault && c.Spec.Default != nil && c.Spec.Default.Kind == spec.DefaultExpr {
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
	return header(t, k.CreateIfAbsent) + "WITH " + cte + " AS (\n" + in.statement(t) + "\n" + conflictTarget(k) +
		" DO NOTHING\nRETURNING " + selectList(t.Columns) + "\n)\n" +
		"SELECT true, " + quotedList(t.Columns) + " FROM " + cte + "\n" +
		"UNION ALL\n" +
		"SELECT false, " + selectList(t.Columns) + " FROM " + t.Quoted + "\nWHERE " + strings.Join(match, " AND ") + "\n" +
		"LIMIT 1"
}
