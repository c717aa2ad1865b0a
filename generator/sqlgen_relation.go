package generator

import "strings"

// listBySQL selects the rows of child with one value of its foreign key
// column fk, in primary key order.
func listBySQL(child *Table, fk *Column, method string) string {
	return header(child, method) + "SELECT " + selectList(child.Columns) + " FROM " + child.Quoted +
		"\nWHERE " + fk.Quoted + " = " + plainParam("$1", fk) + " ORDER BY " + quotedList(child.PK)
}

// loadBySQL selects the rows of child whose foreign key column fk is in
// an array, in primary key order.
func loadBySQL(child *Table, fk *Column, method string) string {
	return header(child, method) + "SELECT " + selectList(child.Columns) + " FROM " + child.Quoted +
		"\nWHERE " + fk.Quoted + " = ANY(" + arrayParam("$1", fk) + ") ORDER BY " + quotedList(child.PK)
}

// qualifiedSelect is selectList with each column qualified by alias.
func qualifiedSelect(alias string, cols []*Column) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = alias + "." + c.Quoted
		if isEnumArray(c.Type) {
			parts[i] += "::text[]"
		}
	}
	return strings.Join(parts, ", ")
}

// qualifiedList is quotedList with each column qualified by alias.
func qualifiedList(alias string, cols []*Column) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = alias + "." + c.Quoted
	}
	return strings.Join(parts, ", ")
}

// manyToManyLoadSQL selects, for every owner key in an array, the key
// and the related rows, joined through the join table: one query for any
// number of owners.
func manyToManyLoadSQL(r *Relation) string {
	j, t := quoteIdent("j"), quoteIdent("t")
	from := j + "." + r.FK.Quoted
	return header(r.Table, r.Load) + "SELECT " + from + ", " + qualifiedSelect(t, r.Target.Columns) +
		"\nFROM " + r.Through.Quoted + " AS " + j + " JOIN " + r.Target.Quoted + " AS " + t +
		" ON " + t + "." + r.ToRef.Quoted + " = " + j + "." + r.To.Quoted +
		"\nWHERE " + from + " = ANY(" + arrayParam("$1", r.FK) + ")" +
		"\nORDER BY " + from + ", " + qualifiedList(t, r.Target.PK)
}

// linkSQL adds a pair to the join table unless it is there.
func linkSQL(r *Relation) string {
	return header(r.Table, r.Link) + "INSERT INTO " + r.Through.Quoted + " (" + r.FK.Quoted + ", " + r.To.Quoted +
		")\nVALUES (" + plainParam("$1", r.FK) + ", " + plainParam("$2", r.To) + ")\nON CONFLICT DO NOTHING"
}

// unlinkSQL removes a pair from the join table.
func unlinkSQL(r *Relation) string {
	return header(r.Table, r.Unlink) + "DELETE FROM " + r.Through.Quoted + "\nWHERE " + r.FK.Quoted + " = " +
		plainParam("$1", r.FK) + " AND " + r.To.Quoted + " = " + plainParam("$2", r.To)
}
