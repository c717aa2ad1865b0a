package generator

import (
	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/names"
	"strings"
)

// listBySQL selects the rows of child with one value of its foreign key
// column fk, in primary key order.
func listBySQL(child *ir.Table, fk *ir.Column, method string) ir.Statement {
	return readStatement(child, method, sqlName(child, method), child.DeletedAt != nil, func(p *placeholders, all bool) string {
		conds := append([]string{fk.Quoted + " = " + plainParam(p.nextFor(fk), fk)}, scopeConds(child, "", all)...)
		return "SELECT " + selectList(child.Columns) + " FROM " + child.Quoted +
			"\nWHERE " + and(conds) + orderByKey(child)
	})
}

// orderByKey orders rows of t by its primary key: " ORDER BY id", or
// "" for a table without one.
func orderByKey(t *ir.Table) string {
	if t.Keyless() {
		return ""
	}
	return " ORDER BY " + quotedList(t.PK)
}

// loadBySQL selects the rows of child whose foreign key column fk is in
// an array, in primary key order.
func loadBySQL(child *ir.Table, fk *ir.Column, method string) ir.Statement {
	return readStatement(child, method, sqlName(child, method), child.DeletedAt != nil, func(p *placeholders, all bool) string {
		conds := append([]string{fk.Quoted + " = ANY(" + arrayParam(p.nextFor(fk), fk) + ")"}, scopeConds(child, "", all)...)
		return "SELECT " + selectList(child.Columns) + " FROM " + child.Quoted +
			"\nWHERE " + and(conds) + orderByKey(child)
	})
}

// qualifiedSelect is selectList with each column qualified by alias.
func qualifiedSelect(alias string, cols []*ir.Column) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = alias + "." + c.Quoted + c.Type.ReadCast()
	}
	return strings.Join(parts, ", ")
}

// qualifiedList is quotedList with each column qualified by alias.
func qualifiedList(alias string, cols []*ir.Column) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = alias + "." + c.Quoted
	}
	return strings.Join(parts, ", ")
}

// manyToManyLoadSQL selects, for every owner key in an array, the key
// and the related rows, joined through the join table: one query for any
// number of owners.
//
// Rows of either table that the caller may not see (another tenant's,
// soft-deleted) are left out.
func manyToManyLoadSQL(r *ir.Relation) ir.Statement {
	j, t := names.QuoteIdent("j"), names.QuoteIdent("t")
	from := j + "." + r.FK.Quoted
	soft := r.Through.DeletedAt != nil || r.Target.DeletedAt != nil
	return readStatement(r.Table, r.Load, sqlName(r.Table, r.Load), soft, func(p *placeholders, all bool) string {
		conds := []string{from + " = ANY(" + arrayParam(p.nextFor(r.FK), r.FK) + ")"}
		conds = append(conds, scopeConds(r.Through, j+".", all)...)
		conds = append(conds, scopeConds(r.Target, t+".", all)...)
		return "SELECT " + from + r.FK.Type.ReadCast() + ", " + qualifiedSelect(t, r.Target.Columns) +
			"\nFROM " + r.Through.Quoted + " AS " + j + " JOIN " + r.Target.Quoted + " AS " + t +
			" ON " + t + "." + r.ToRef.Quoted + " = " + j + "." + r.To.Quoted +
			"\nWHERE " + and(conds) +
			"\nORDER BY " + strings.TrimSuffix(from+", "+qualifiedList(t, r.Target.PK), ", ")
	})
}

// linkSQL adds a pair to the join table unless it is there.
func linkSQL(r *ir.Relation) ir.Statement {
	var p placeholders
	a, b := p.nextFor(r.FK), p.nextFor(r.To)
	s := p.finish(r.Table, r.Link, "INSERT INTO "+r.Through.Quoted+" ("+r.FK.Quoted+", "+r.To.Quoted+
		")\nVALUES ("+plainParam(a, r.FK)+", "+plainParam(b, r.To)+")\nON CONFLICT DO NOTHING")
	s.Const = sqlName(r.Table, r.Link)
	return s
}

// unlinkSQL removes a pair from the join table.
func unlinkSQL(r *ir.Relation) ir.Statement {
	var p placeholders
	a, b := p.nextFor(r.FK), p.nextFor(r.To)
	s := p.finish(r.Table, r.Unlink, "DELETE FROM "+r.Through.Quoted+"\nWHERE "+r.FK.Quoted+" = "+
		plainParam(a, r.FK)+" AND "+r.To.Quoted+" = "+plainParam(b, r.To))
	s.Const = sqlName(r.Table, r.Unlink)
	return s
}
