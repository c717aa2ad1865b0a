package generator

import (
	"strconv"
	"strings"

	"github.com/cpcgen/cpcgen/spec"
)

// placeholders numbers statement parameters $1, $2, … in order of use.
type placeholders struct{ n int }

func (p *placeholders) next() string {
	p.n++
	return "$" + strconv.Itoa(p.n)
}

// cast returns the placeholder with the cast the column's type needs
// where PostgreSQL cannot infer it (inside COALESCE, CASE, ANY); enum
// arrays travel as text[].
func cast(ph string, c *Column) string {
	return castType(ph, c.Type)
}

// castType returns the placeholder cast to t (see paramSQLType); enum
// arrays travel as text[].
func castType(ph string, t spec.Type) string {
	if isEnumArray(t) {
		return ph + "::text[]::" + sqlType(t)
	}
	return ph + "::" + paramSQLType(t)
}

// paramSQLType is the type a parameter of type t is cast to. It is t
// without the length of varchar(n) and char(n): an explicit cast to
// varchar(n) cuts an over-long string silently, while the assignment to
// the column rejects it, as it must.
func paramSQLType(t spec.Type) string {
	if t.Enum == nil {
		switch t.Name {
		case "varchar":
			return "varchar" + strings.Repeat("[]", t.ArrayDims)
		case "char":
			return "bpchar" + strings.Repeat("[]", t.ArrayDims)
		}
	}
	return sqlType(t)
}

// arrayCast returns the placeholder of an array of values of type t (a
// scalar), cast to t's array type: the form unnest and = ANY take.
func arrayCast(ph string, t spec.Type) string {
	t.ArrayDims++
	return castType(ph, t)
}

// plainParam returns the placeholder as a column value where PostgreSQL
// infers its type from the column, except for enum arrays.
func plainParam(ph string, c *Column) string {
	if isEnumArray(c.Type) {
		return cast(ph, c)
	}
	return ph
}

// header is the first line of every generated statement.
func header(t *Table, method string) string {
	return "-- name: " + t.Op + "." + method + "\n"
}

// selectList is the table's columns as a select or RETURNING list.
func selectList(cols []*Column) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = c.Select
	}
	return strings.Join(parts, ", ")
}

// quotedList is the columns' quoted names, comma-separated.
func quotedList(cols []*Column) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = c.Quoted
	}
	return strings.Join(parts, ", ")
}

// defaultSQL renders a column default as an SQL expression.
func defaultSQL(c *Column) string {
	d := c.Spec.Default
	if d == nil {
		return "NULL"
	}
	if d.Kind == spec.DefaultExpr {
		return d.Expr
	}
	return literalSQL(c.Type, d.Literal)
}

// literalSQL renders a literal in the canonical text form of spec.Default
// as an SQL constant of type t.
func literalSQL(t spec.Type, lit string) string {
	if t.ArrayDims == 0 && t.Enum == nil {
		switch t.Name {
		case "boolean":
			return strings.ToUpper(lit)
		case "smallint", "integer", "bigint", "numeric", "real", "double precision":
			if strings.HasPrefix(lit, "-") {
				return "(" + lit + ")"
			}
			return lit
		}
	}
	return quoteLiteral(lit) + "::" + sqlType(t)
}

// pkWhere is the WHERE condition matching the primary key with
// placeholders taken from p.
func pkWhere(t *Table, p *placeholders) string {
	parts := make([]string, len(t.PK))
	for i, c := range t.PK {
		parts[i] = c.Quoted + " = " + plainParam(p.next(), c)
	}
	return strings.Join(parts, " AND ")
}

// crudSQL computes the statements of a table's CRUD methods.
func crudSQL(t *Table) CRUDSQL {
	var s CRUDSQL
	sel := selectList(t.Columns)
	from := " FROM " + t.Quoted
	order := " ORDER BY " + quotedList(t.PK)

	ins := insertValues(t)
	s.CreateArgs = ins.args
	sep := "\n"
	if len(ins.cols) == 0 {
		sep = " "
	}
	s.Create = header(t, "Create") + ins.statement(t) + sep + "RETURNING " + sel

	var p placeholders
	s.FindByID = header(t, "FindByID") + "SELECT " + sel + from + "\nWHERE " + pkWhere(t, &p)
	s.FindAll = header(t, "FindAll") + "SELECT " + sel + from + order
	s.ListFirst = header(t, "List") + "SELECT " + sel + from + order + "\nLIMIT $1"
	p = placeholders{}
	row := make([]string, len(t.PK))
	for i := range t.PK {
		row[i] = p.next()
	}
	s.ListAfter = header(t, "List") + "SELECT " + sel + from + "\nWHERE (" + quotedList(t.PK) + ") > (" +
		strings.Join(row, ", ") + ")" + order + "\nLIMIT " + p.next()

	// Update: unset fields keep their value; nullable fields carry a flag
	// so that they can be set to NULL.
	p = placeholders{}
	where := pkWhere(t, &p)
	var sets []string
	for _, c := range t.Updatable {
		if !c.Nullable {
			sets = append(sets, c.Quoted+" = COALESCE("+cast(p.next(), c)+", "+c.Quoted+")")
			s.UpdateArgs = append(s.UpdateArgs, Arg{c, ArgOptPtr})
			continue
		}
		set, val := p.next(), p.next()
		sets = append(sets, c.Quoted+" = CASE WHEN "+set+"::boolean THEN "+cast(val, c)+" ELSE "+c.Quoted+" END")
		s.UpdateArgs = append(s.UpdateArgs, Arg{c, ArgOptSet}, Arg{c, ArgOptValue})
	}
	if t.UpdatedAt != nil {
		sets = append(sets, t.UpdatedAt.Quoted+" = now()")
	}
	if len(sets) == 0 {
		// Nothing can change: the statement returns the row as it is.
		s.Update = header(t, "Update") + "SELECT " + sel + from + "\nWHERE " + where
	} else {
		s.Update = header(t, "Update") + "UPDATE " + t.Quoted + "\nSET " + strings.Join(sets, ",\n    ") +
			"\nWHERE " + where + "\nRETURNING " + sel
	}

	p = placeholders{}
	s.Delete = header(t, "Delete") + "DELETE" + from + " WHERE " + pkWhere(t, &p)
	s.Count = header(t, "Count") + "SELECT count(*)" + from
	return s
}

// insert is the INSERT of a row from an insert struct, shared by Create
// and the upserts.
type insert struct {
	// cols are the quoted insert columns; vals the expression of each,
	// binding args; phs the placeholders of each (two for a nullable
	// column with a default: whether it is set, and its value).
	cols []string
	vals []string
	phs  [][]string
	args []Arg
}

// insertValues computes the VALUES of a row of t. Columns with defaults
// fall back to the default when the caller leaves them unset, without a
// statement per combination.
func insertValues(t *Table) insert {
	var p placeholders
	var in insert
	for _, c := range t.Insert {
		in.cols = append(in.cols, c.Quoted)
		switch {
		case !c.HasDefault:
			ph := p.next()
			in.vals = append(in.vals, plainParam(ph, c))
			in.phs = append(in.phs, []string{ph})
			in.args = append(in.args, Arg{c, ArgValue})
		case !c.Nullable:
			ph := p.next()
			in.vals = append(in.vals, "COALESCE("+cast(ph, c)+", "+defaultSQL(c)+")")
			in.phs = append(in.phs, []string{ph})
			in.args = append(in.args, Arg{c, ArgOptPtr})
		default:
			set, val := p.next(), p.next()
			in.vals = append(in.vals, "CASE WHEN "+set+"::boolean THEN "+cast(val, c)+" ELSE "+defaultSQL(c)+" END")
			in.phs = append(in.phs, []string{set, val})
			in.args = append(in.args, Arg{c, ArgOptSet}, Arg{c, ArgOptValue})
		}
	}
	return in
}

// statement returns the INSERT without RETURNING.
func (in insert) statement(t *Table) string {
	if len(in.cols) == 0 {
		return "INSERT INTO " + t.Quoted + " DEFAULT VALUES"
	}
	return "INSERT INTO " + t.Quoted + " (" + strings.Join(in.cols, ", ") + ")\nVALUES (" + strings.Join(in.vals, ", ") + ")"
}

// index returns the position of column c in the insert list, or -1.
func (in insert) index(c *Column) int {
	for i, q := range in.cols {
		if q == c.Quoted {
			return i
		}
	}
	return -1
}
