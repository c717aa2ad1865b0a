package runtime

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"net/netip"
	"reflect"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"
)

// BulkRow gathers the rows of one batch statement into its array
// parameters, a row at a time: Bulk.Row adds the values of a row with one
// call of Add, a Cell per parameter in placeholder order (Elem, FlagElem,
// TextElem). These functions are generic in the value's type only, so
// they compile once per value type for all tables.
//
// The parameters hold pointers into the rows (the values are not
// copied); a parameter whose every value is NULL is sent as a NULL array,
// which unnest reads as NULLs, and costs no array (an update's unchanged
// field).
type BulkRow struct {
	// n is the number of rows of the statement, row the one being added,
	// next the parameter its next value goes to.
	n, row, next int
	params       []bulkParam
	// buf holds the parameters of most statements.
	buf [16]bulkParam
	// bad is set when a row adds more values than the first row did.
	bad bool
}

// bulkParam is one array parameter of a batch statement.
type bulkParam struct {
	kind paramKind
	// typ is the array type of a TextElem parameter.
	typ string
	// slice is set when the values are slices: a pointer to a nil one is
	// NULL.
	slice bool
	// ptrs are the values of the rows as *V, nil for NULL; nil while
	// every row's is NULL. They are stored as unsafe.Pointer so that one
	// BulkRow holds parameters of any value type; paramKind turns them
	// back into *V.
	ptrs []unsafe.Pointer
}

// paramKind is the value type of a parameter and how it is sent: the
// zero value of elemKind[V] or textKind[V].
type paramKind interface {
	// slice reports whether the values are slices.
	slice() bool
	// null reports whether the slice p points at is nil.
	null(p unsafe.Pointer) bool
	// param returns the parameter holding the values of p.
	param(p *bulkParam) (any, error)
}

// Cell is one value of a row for its array parameter: a pointer to it
// and how the parameter sends it. Elem, FlagElem and TextElem make one;
// BulkRow.Add adds a row's cells.
type Cell struct {
	p    unsafe.Pointer
	kind paramKind
	// typ is the array type of a TextElem parameter.
	typ string
}

// Elem is the cell of the value of a row that p points at (&v.ID,
// v.Changes.Name.Ptr()), nil for NULL, as is a pointer to a nil slice (a
// json.RawMessage, a []byte), which is NULL in a single-row statement
// too. pgx encodes strings, integers, floats and times through the
// pointers without an allocation per value.
func Elem[V any](p *V) Cell { return Cell{p: unsafe.Pointer(p), kind: elemKind[V]{}} }

// FlagElem is the cell of whether a row sets an optional field (a
// runtime.Opt's Set): a field not set travels as NULL, which the
// statement's CASE WHEN reads as false.
func FlagElem(set *bool) Cell {
	if set != nil && !*set {
		set = nil
	}
	return Cell{p: unsafe.Pointer(set), kind: elemKind[bool]{}}
}

// TextElem is the cell of a value that is an array (a text[] column, an
// enum array), which unnest cannot carry as it is: each row's value
// travels as the text of its array literal ({a,"b c"}), which the
// statement casts back to the column's type. typ names the array type
// pgx encodes the value as ("_text", "_int4"; enum arrays travel as
// "_text"). p is as in Elem.
func TextElem[V any](typ string, p *V) Cell {
	return Cell{p: unsafe.Pointer(p), kind: textKind[V]{}, typ: typ}
}

// Add adds the cells of the current row to the parameters, in order.
func (r *BulkRow) Add(cells ...Cell) {
	for i := range cells {
		r.add(&cells[i])
	}
}

// errBulkRow is the error of a Bulk.Row that adds a different number of
// values for different rows: a bug in the generated code.
var errBulkRow = errors.New("runtime: the rows of a batch add different numbers of values (Bulk.Row)")

// start readies r for a statement of n rows.
func (r *BulkRow) start(n int) {
	if r.params == nil {
		r.params = r.buf[:0]
	}
	clear(r.params)
	r.n, r.params, r.bad = n, r.params[:0], false
}

// add adds the cell v of the current row to the next parameter; the
// first row makes the parameters.
func (r *BulkRow) add(v *Cell) {
	p, kind := v.p, v.kind
	if r.row == 0 {
		r.params = append(r.params, bulkParam{kind: kind, typ: v.typ, slice: kind.slice()})
	}
	if r.next >= len(r.params) {
		r.bad = true
		return
	}
	c := &r.params[r.next]
	r.next++
	if p == nil || c.slice && c.kind.null(p) {
		return
	}
	if c.ptrs == nil {
		c.ptrs = make([]unsafe.Pointer, r.n)
	}
	c.ptrs[r.row] = p
}

// args returns the parameters, then tail.
func (r *BulkRow) args(tail []any) ([]any, error) {
	if r.bad {
		return nil, errBulkRow
	}
	out := make([]any, len(r.params), len(r.params)+len(tail))
	for k := range r.params {
		c := &r.params[k]
		if c.ptrs == nil {
			continue
		}
		a, err := c.kind.param(c)
		if err != nil {
			return nil, err
		}
		out[k] = a
	}
	return append(out, tail...), nil
}

// elemKind is a parameter of values of type V (Elem).
type elemKind[V any] struct{}

func (elemKind[V]) slice() bool { return reflect.TypeFor[V]().Kind() == reflect.Slice }

func (elemKind[V]) null(p unsafe.Pointer) bool { return reflect.ValueOf((*V)(p)).Elem().IsNil() }

func (elemKind[V]) param(p *bulkParam) (any, error) { return refArrayOf(ptrsOf[V](p)), nil }

// ptrsOf returns the values of p as the *V they are.
func ptrsOf[V any](p *bulkParam) []*V {
	return unsafe.Slice((**V)(unsafe.Pointer(unsafe.SliceData(p.ptrs))), len(p.ptrs))
}

// refArrayOf returns pointers into rows as an array parameter whose
// elements pgx encodes without copying them: strings, integers, floats
// and times through pgtype's valuer interfaces, which take no
// allocation, where pgx would dereference a plain pointer by
// reflection and box its value.
func refArrayOf[V any](ptrs []*V) any {
	switch a := any(ptrs).(type) {
	case []*string:
		return textRefs(a)
	case []*int64:
		return int64Refs(a)
	case []*int32:
		return int32Refs(a)
	case []*float64:
		return float64Refs(a)
	case []*time.Time:
		return timeRefs(a)
	case []*json.RawMessage:
		return jsonRefs(a)
	}
	return refArray[V](ptrs)
}

// refArray is an array parameter of pointers (nil for NULL), which pgx
// encodes through its codecs' pointer handling.
type refArray[V any] []*V

// dims are the dimensions of a one-dimensional array of n elements.
func dims(n int) []pgtype.ArrayDimension {
	return []pgtype.ArrayDimension{{Length: int32(n), LowerBound: 1}}
}

func (a refArray[V]) Dimensions() []pgtype.ArrayDimension { return dims(len(a)) }
func (a refArray[V]) Index(i int) any                     { return a[i] }
func (a refArray[V]) IndexType() any                      { return (*V)(nil) }

// plain returns the array as the slice of pointers pgx encodes when the
// parameter's type is not known (StatementModeExec and Simple): the
// runtime's array types are unknown to it there.
func (a refArray[V]) plain() any { return []*V(a) }

// The arrays of pointers whose elements implement pgtype's valuers.
type (
	textRefs    []*string
	int64Refs   []*int64
	int32Refs   []*int32
	float64Refs []*float64
	timeRefs    []*time.Time
)

func (a textRefs) Dimensions() []pgtype.ArrayDimension    { return dims(len(a)) }
func (a textRefs) Index(i int) any                        { return (*textValue)(a[i]) }
func (a textRefs) IndexType() any                         { return (*textValue)(nil) }
func (a textRefs) plain() any                             { return []*string(a) }
func (a int64Refs) Dimensions() []pgtype.ArrayDimension   { return dims(len(a)) }
func (a int64Refs) Index(i int) any                       { return (*int64Value)(a[i]) }
func (a int64Refs) IndexType() any                        { return (*int64Value)(nil) }
func (a int64Refs) plain() any                            { return []*int64(a) }
func (a int32Refs) Dimensions() []pgtype.ArrayDimension   { return dims(len(a)) }
func (a int32Refs) Index(i int) any                       { return (*int32Value)(a[i]) }
func (a int32Refs) IndexType() any                        { return (*int32Value)(nil) }
func (a int32Refs) plain() any                            { return []*int32(a) }
func (a float64Refs) Dimensions() []pgtype.ArrayDimension { return dims(len(a)) }
func (a float64Refs) Index(i int) any                     { return (*float64Value)(a[i]) }
func (a float64Refs) IndexType() any                      { return (*float64Value)(nil) }
func (a float64Refs) plain() any                          { return []*float64(a) }
func (a timeRefs) Dimensions() []pgtype.ArrayDimension    { return dims(len(a)) }
func (a timeRefs) Index(i int) any                        { return (*timeValue)(a[i]) }
func (a timeRefs) IndexType() any                         { return (*timeValue)(nil) }
func (a timeRefs) plain() any                             { return []*time.Time(a) }

// jsonRefs is an array of json.RawMessage pointers (json and jsonb
// values). Its elements go to pgx as json.RawMessage values, which pgx
// writes as they are; a *json.RawMessage, which pgx would be given
// otherwise, goes through encoding/json, which compacts a json value's
// text ("{ \"a\": 1 }" becomes "{\"a\":1}"), where a json column keeps
// it as written. A nil pointer and a pointer to a nil slice are NULL.
type jsonRefs []*json.RawMessage

func (a jsonRefs) Dimensions() []pgtype.ArrayDimension { return dims(len(a)) }
func (a jsonRefs) Index(i int) any {
	if a[i] == nil || *a[i] == nil {
		return nil
	}
	return *a[i]
}
func (a jsonRefs) IndexType() any { return json.RawMessage(nil) }
func (a jsonRefs) plain() any {
	out := make([]json.RawMessage, len(a))
	for i, p := range a {
		if p != nil {
			out[i] = *p
		}
	}
	return out
}

// textMaps hold type maps with pgx's types and the runtime's
// (RegisterTypes), for writing arrays as text and for parsing values that
// arrive as text into a Null. A map is not safe for concurrent use, so
// each call takes one of its own.
var textMaps = sync.Pool{New: func() any {
	m := pgtype.NewMap()
	RegisterTypes(m)
	return m
}}

// textKind is a parameter of array values of type V sent as text
// (TextElem).
type textKind[V any] struct{}

func (textKind[V]) slice() bool { return reflect.TypeFor[V]().Kind() == reflect.Slice }

func (textKind[V]) null(p unsafe.Pointer) bool { return reflect.ValueOf((*V)(p)).Elem().IsNil() }

func (textKind[V]) param(p *bulkParam) (any, error) {
	m := textMaps.Get().(*pgtype.Map)
	defer textMaps.Put(m)
	typ, ok := m.TypeForName(p.typ)
	if !ok {
		return nil, codecErrorf("runtime: unknown array type %q", p.typ)
	}
	out := make([]*string, len(p.ptrs))
	null := true
	var buf []byte
	for k, v := range ptrsOf[V](p) {
		if v == nil {
			continue
		}
		var err error
		buf, err = m.Encode(typ.OID, pgtype.TextFormatCode, *v, buf[:0])
		if err != nil {
			return nil, err
		}
		if buf != nil {
			s := string(buf)
			out[k], null = &s, false
		}
	}
	if null {
		return nil, nil
	}
	return textRefs(out), nil
}

// CompareUUID orders uuids as PostgreSQL does: by their bytes.
func CompareUUID(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }

// CompareTime orders instants, to the microsecond PostgreSQL keeps.
func CompareTime(a, b time.Time) int {
	return a.Round(time.Microsecond).Compare(b.Round(time.Microsecond))
}

// CompareDate orders the dates of times, as a date column holds them.
func CompareDate(a, b time.Time) int {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return cmp.Or(cmp.Compare(ay, by), cmp.Compare(am, bm), cmp.Compare(ad, bd))
}

// CompareChar orders char(n) values as PostgreSQL compares them: without
// their trailing spaces.
func CompareChar(a, b string) int {
	return strings.Compare(strings.TrimRight(a, " "), strings.TrimRight(b, " "))
}

// CompareFold orders citext values as the citext extension compares
// them: by their lower-case form.
func CompareFold(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }

// CompareDecimal orders decimals by value (1.0 and 1.00 are equal, as in
// PostgreSQL).
func CompareDecimal(a, b decimal.Decimal) int { return a.Cmp(b) }

// CompareBool orders false before true.
func CompareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// ComparePrefix orders network addresses by address, then prefix length.
func ComparePrefix(a, b netip.Prefix) int {
	return cmp.Or(a.Addr().Compare(b.Addr()), cmp.Compare(a.Bits(), b.Bits()))
}

// CompareTimeOfDay orders times of day.
func CompareTimeOfDay(a, b pgtype.Time) int {
	return cmp.Or(CompareBool(a.Valid, b.Valid), cmp.Compare(a.Microseconds, b.Microseconds))
}

// CompareBits orders bit strings as PostgreSQL does: by their bits,
// then the shorter first; the bits past Len in the last byte do not
// count.
func CompareBits(a, b pgtype.Bits) int {
	n := min(a.Len, b.Len)
	whole := int(n / 8)
	if c := bytes.Compare(a.Bytes[:whole], b.Bytes[:whole]); c != 0 {
		return c
	}
	if rest := n % 8; rest > 0 {
		mask := byte(0xff << (8 - rest))
		if c := cmp.Compare(a.Bytes[whole]&mask, b.Bytes[whole]&mask); c != 0 {
			return c
		}
	}
	return cmp.Or(cmp.Compare(a.Len, b.Len), CompareBool(a.Valid, b.Valid))
}

// CompareInterval orders intervals by months, days, then microseconds:
// a total order, whose equal intervals are equal in PostgreSQL too.
func CompareInterval(a, b pgtype.Interval) int {
	return cmp.Or(CompareBool(a.Valid, b.Valid), cmp.Compare(a.Months, b.Months), cmp.Compare(a.Days, b.Days),
		cmp.Compare(a.Microseconds, b.Microseconds))
}
