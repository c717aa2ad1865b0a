package generator

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/names"
)

// sqlName is the name of the unexported constant holding a statement of
// t's method.
func sqlName(t *ir.Table, method string) string { return "sql" + t.Plural + method }

// placeholders numbers statement parameters $1, $2, … in order of use,
// remembers the ones bound to sensitive columns, and stands in for the
// behaviour values (TailArg) a statement binds after the method's own
// arguments until finish numbers them.
type placeholders struct {
	n    int
	sens []int
	// readOnly marks the statement replica=ok on its name line: it only
	// reads, so a DB with read replicas may run it on one.
	readOnly bool
}

func (p *placeholders) next() string {
	p.n++
	return "$" + strconv.Itoa(p.n)
}

// nextFor is next for a value bound to column c (nil for none): the
// placeholder is listed as sensitive when c is.
func (p *placeholders) nextFor(c *ir.Column) string {
	ph := p.next()
	if c != nil && c.Sensitive {
		p.sens = append(p.sens, p.n)
	}
	return ph
}

// tailMarks stand in for the behaviour values in a statement's text.
var tailMarks = [...]string{ir.TailVersion: "\x00v\x00", ir.TailTenant: "\x00t\x00"}

// mark returns the stand-in of a behaviour value.
func mark(a ir.TailArg) string { return tailMarks[a] }

// finish numbers the behaviour values body binds after p's placeholders,
// in TailArg order, and prepends the name line of t's method.
func (p *placeholders) finish(t *ir.Table, method, body string) ir.Statement {
	var s ir.Statement
	n := p.n
	for a := ir.TailVersion; a <= ir.TailTenant; a++ {
		if strings.Contains(body, tailMarks[a]) {
			n++
			body = strings.ReplaceAll(body, tailMarks[a], "$"+strconv.Itoa(n))
			s.Tail = append(s.Tail, a)
		}
	}
	s.SQL = nameLine(t.Op+"."+method, p.sens, p.readOnly) + body
	s.ReadOnly = p.readOnly
	return s
}

// nameLine is the first line of a statement: "-- name: op", followed by
// " sensitive=2,5" when placeholders are bound to sensitive columns and
// " replica=ok" when the statement only reads (see
// runtime.ParseOperation). Reads are CRUD reads (FindByID, FindAll, List,
// Stream, Count, FindByIDs), ListBy and LoadBy finders and loaders,
// structured queries, and raw queries with read_only: true that return
// rows; never a write, an upsert, CreateIfAbsent, or a read that a write
// path depends on (the optimistic lock's Exists).
func nameLine(op string, sens []int, readOnly bool) string {
	s := "-- name: " + op
	if len(sens) > 0 {
		nums := append([]int(nil), sens...)
		sort.Ints(nums)
		nums = slices.Compact(nums)
		parts := make([]string, len(nums))
		for i, n := range nums {
			parts[i] = strconv.Itoa(n)
		}
		s += " sensitive=" + strings.Join(parts, ",")
	}
	if readOnly {
		s += " " + replicaOK
	}
	return s + "\n"
}

// replicaOK is the name-line attribute of statements that only read.
const replicaOK = "replica=ok"

// cast returns the placeholder with the cast the column's type needs
// where PostgreSQL cannot infer it (inside COALESCE, CASE, ANY); enum
// arrays travel as text[].
func cast(ph string, c *ir.Column) string {
	return castType(ph, c.Type)
}

// castType returns the placeholder cast to t (see paramSQLType); enum
// arrays (and hstore[]: IsTextArray) and values of a type named by its
// SQL travel as text.
func castType(ph string, t ir.Type) string {
	if t.IsSQLNamed() {
		return ph + "::text" + strings.Repeat("[]", t.ArrayDims) + "::" + t.SQL()
	}
	if t.IsTextArray() {
		return ph + "::text[]::" + t.SQL()
	}
	return ph + "::" + paramSQLType(t)
}

// paramSQLType is the type a parameter of type t is cast to: its row's
// Cast where it has one, such as varchar(n) and char(n) without their
// length (an explicit cast to varchar(n) cuts an over-long string
// silently, while the assignment to the column rejects it, as it must).
func paramSQLType(t ir.Type) string {
	if t.Base != nil && t.Base.Cast != "" {
		return t.Base.Cast + strings.Repeat("[]", t.ArrayDims)
	}
	return t.SQL()
}

// arrayCast returns the placeholder of an array of values of type t (a
// scalar), cast to t's array type: the form unnest and = ANY take.
func arrayCast(ph string, t ir.Type) string {
	t.ArrayDims++
	return castType(ph, t)
}

// plainParam returns the placeholder as a column value where PostgreSQL
// infers its type from the column, except for enum arrays (IsTextArray)
// and types named by their SQL, which travel as text.
func plainParam(ph string, c *ir.Column) string {
	if c.Type.IsTextArray() || c.Type.IsSQLNamed() {
		return cast(ph, c)
	}
	return ph
}

// selectList is the table's columns as a select or RETURNING list.
func selectList(cols []*ir.Column) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = c.Select
	}
	return strings.Join(parts, ", ")
}

// quotedList is the columns' quoted names, comma-separated.
func quotedList(cols []*ir.Column) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = c.Quoted
	}
	return strings.Join(parts, ", ")
}

// defaultSQL renders a column default as an SQL expression.
func defaultSQL(c *ir.Column) string {
	if c.Default == nil {
		return "NULL"
	}
	if c.Type.IsSQLNamed() {
		// COALESCE resolves its arguments to one type by implicit casts
		// only, where a column default needs an assignment cast (0 for
		// money, ROW(…) for a composite type): the cast makes it one.
		return "CAST(" + c.Default.SQL + " AS " + c.Type.SQL() + ")"
	}
	if c.Default.Kind == ir.DefaultExpr && c.Type.ArrayDims == 0 && c.Type.Base != nil && c.Type.Base.Text {
		// Likewise a string column's default of another type (Zitadel's
		// text id defaulting to gen_random_uuid()), which an INSERT
		// converts by the assignment cast every type has to text: made
		// text, the value is converted to the column's type as before.
		return "CAST(" + c.Default.SQL + " AS text)"
	}
	if c.Default.Kind == ir.DefaultExpr && c.Type.ArrayDims == 0 && c.Type.Base != nil && (c.Type.Base.Int != nil || c.Type.Base.Decimal) {
		// A number column's default of a floating-point type (bigint
		// defaulting to floor(random() * 1e12)) would make COALESCE's
		// type double precision, which rounds a value the field sets
		// past 2^53: cast to the column's type without its
		// modifiers, the default is converted as an INSERT's assignment
		// converts it and the field's value is kept exact.
		return "CAST(" + c.Default.SQL + " AS " + c.Type.Base.Name + ")"
	}
	return c.Default.SQL
}

// literalSQL renders a literal in the canonical text form of spec.Default
// as an SQL constant of type t, as its row writes it; arrays and enums
// are quoted text cast to the type.
func literalSQL(t ir.Type, lit string) string {
	if t.ArrayDims == 0 && t.Enum == nil {
		return t.Base.LiteralSQL(lit, t.SQL())
	}
	return names.QuoteLiteral(lit) + "::" + t.SQL()
}
