package runtime

import (
	"reflect"

	"github.com/jackc/pgx/v5/pgtype"
)

// unnest returns the parameters of a statement that inserts n rows, row
// i at(i), from unnest (InsertManyOp, ExecManyOp): one array per value
// args gives for a row, in order, holding that value of every row. args
// is the generated function that binds a row for Create
// (argsNewCustomer), so that the arrays hold what Create would send, row
// by row: pointers into the rows, nil or a NULL runtime.Null for NULL,
// whether an optional field is set. Nothing is copied, and an element
// costs no allocation: the runtime's types encode the pointers as they
// do for Create. n must not be 0. One compiled body serves every table
// (P is a pointer).
func unnest[P any](n int, at func(int) P, args func(P, []any) []any) []any {
	row := args(at(0), nil)
	k := len(row)
	cells := make([]any, k*n)
	for i := range n {
		if i > 0 {
			row = args(at(i), row[:0])
		}
		for j, v := range row {
			cells[j*n+i] = v
		}
	}
	out := make([]any, k)
	for j := range out {
		out[j] = argArray(cells[j*n : (j+1)*n : (j+1)*n])
	}
	return out
}

// argArray is an array parameter of unnest: a column's values as Create
// binds them, each encoded through its own plan (pgx keeps the last
// element type's plan, and every element of a column is of one type or
// nil).
type argArray []any

func (a argArray) Dimensions() []pgtype.ArrayDimension { return dims(len(a)) }

func (a argArray) Index(i int) any { return a[i] }

// IndexType returns nil: the elements of a column are of one type or nil,
// each planned as pgx meets it, so that pgx's array codec takes every
// argArray (it would refuse one whose IndexType it cannot encode, and
// the wrappers after it, tryWrapArgArray among them, write text).
func (a argArray) IndexType() any { return nil }

// slice returns the array as a slice of a type pgx knows a PostgreSQL
// array type of, for when the parameter's type is not known (see
// tryWrapArgArray): a slice of the
// elements' type, a *Null's value pointer (nil for NULL) and a pointer
// to a named string type as a *string; nil, a NULL array, which unnest
// reads as NULLs, when every element is nil.
func (a argArray) slice() any {
	var out reflect.Value
	for i, v := range a {
		if n, ok := v.(nullArg); ok {
			v = n.nullArg()
		}
		if v == nil {
			continue
		}
		rv := reflect.ValueOf(v)
		if t := rv.Type(); t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.String {
			rv = rv.Convert(stringPtrType)
		}
		if !out.IsValid() {
			out = reflect.MakeSlice(reflect.SliceOf(rv.Type()), len(a), len(a))
		}
		out.Index(i).Set(rv)
	}
	if !out.IsValid() {
		return nil
	}
	return out.Interface()
}

var stringPtrType = reflect.TypeFor[*string]()

// tryWrapArgArray lets pgx encode unnest's arrays when it knows no
// codec of the parameter's type (an extension's type, such as citext[],
// or any type in StatementModeExec and StatementModeSimple, which do not
// ask): as the text of the plain slice each holds (slice), planned for
// each array anew, since the arrays of every column are of one Go type
// whatever they hold. (A known array type's codec takes every argArray:
// see IndexType.)
func tryWrapArgArray(value any) (pgtype.WrappedEncodePlanNextSetter, any, bool) {
	if _, ok := value.(argArray); ok {
		return argArrayTextPlan{}, "", true
	}
	return nil, nil, false
}

// argArrayTextPlan encodes an argArray as the text of its plain slice.
type argArrayTextPlan struct{}

func (argArrayTextPlan) SetNext(pgtype.EncodePlan) {}

func (argArrayTextPlan) Encode(value any, buf []byte) ([]byte, error) {
	plain := value.(argArray).slice()
	if plain == nil {
		return nil, nil
	}
	m := textMaps.Get().(*pgtype.Map)
	defer textMaps.Put(m)
	return m.Encode(0, pgtype.TextFormatCode, plain, buf)
}
