package filterop

import "github.com/cpcgen/cpcgen/internal/find"

// Shape is what a filter binds, and so the form of its SQL.
type Shape int

// The shapes of filter.
const (
	// Value binds one value of the column's type: col <SQL> $1.
	Value Shape = iota
	// Range binds two, the parameters <param>_from and <param>_to:
	// col <SQL> $1 AND $2.
	Range
	// List binds a list of values (an array parameter; a fixed value is
	// an array literal): col <SQL>($1).
	List
	// NoValue binds nothing: col <SQL>.
	NoValue
)

// Op is one filter operator.
type Op struct {
	// Name is the spec's name of the operator: eq, between.
	Name string
	// SQL is the operator as the statement writes it after the column
	// (see Shape); NullableSQL replaces it on a nullable column when set
	// (ne also matches NULL there, the way "not equal to x" reads).
	SQL         string
	NullableSQL string
	Shape       Shape
	// Text, Ordered, Equality and Nullable restrict the columns the
	// operator applies to: text types (pgtypes.Type.Text), types with an
	// order (pgtypes.Type.Ordered), types with an equality operator (not
	// pgtypes.Type.NoEquality), nullable columns.
	Text     bool
	Ordered  bool
	Equality bool
	Nullable bool
	// Docs is how docs pages write the comparison: ≤, is null.
	Docs string
}

// All are the operators, in the order the JSON Schema and docs list
// them.
var All = []*Op{
	{Name: "eq", SQL: "=", Equality: true, Docs: "="},
	{Name: "ne", SQL: "<>", NullableSQL: "IS DISTINCT FROM", Equality: true, Docs: "≠"},
	{Name: "lt", SQL: "<", Ordered: true, Docs: "<"},
	{Name: "lte", SQL: "<=", Ordered: true, Docs: "≤"},
	{Name: "gt", SQL: ">", Ordered: true, Docs: ">"},
	{Name: "gte", SQL: ">=", Ordered: true, Docs: "≥"},
	{Name: "in", SQL: "= ANY", Shape: List, Equality: true, Docs: "in"},
	{Name: "like", SQL: "LIKE", Text: true, Docs: "like"},
	{Name: "ilike", SQL: "ILIKE", Text: true, Docs: "ilike"},
	{Name: "is_null", SQL: "IS NULL", Shape: NoValue, Nullable: true, Docs: "is null"},
	{Name: "not_null", SQL: "IS NOT NULL", Shape: NoValue, Nullable: true, Docs: "is not null"},
	{Name: "between", SQL: "BETWEEN", Shape: Range, Ordered: true, Docs: "between"},
}

// Lookup returns the operator with the given name, or nil.
func Lookup(name string) *Op {
	return find.First(All, func(o *Op) bool { return o.Name == name })
}

// Names returns the operators' names, in the order of All.
func Names() []string {
	out := make([]string, len(All))
	for i, o := range All {
		out[i] = o.Name
	}
	return out
}

// SQLFor returns the operator's SQL on a column that is nullable or not.
func (o *Op) SQLFor(nullable bool) string {
	if nullable && o.NullableSQL != "" {
		return o.NullableSQL
	}
	return o.SQL
}

// Condition writes the filter on the column col (quoted) in SQL, given
// the placeholders or constants it binds: one for Value and List, two
// for Range, none for NoValue.
func (o *Op) Condition(col string, nullable bool, args ...string) string {
	op := o.SQLFor(nullable)
	switch o.Shape {
	case Range:
		return col + " " + op + " " + args[0] + " AND " + args[1]
	case List:
		return col + " " + op + "(" + args[0] + ")"
	case NoValue:
		return col + " " + op
	}
	return col + " " + op + " " + args[0]
}
