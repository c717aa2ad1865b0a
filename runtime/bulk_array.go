package runtime

import (
	"bytes"
	"cmp"
	"net/netip"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"
)

// Array returns the column of a batch statement whose value get reads
// from each row: a pointer into the row (&v.ID, v.Changes.Name.Ptr()), nil
// for NULL, as is a pointer to a nil slice (a json.RawMessage, a []byte),
// which is NULL in a single-row statement too. The values are not
// copied: the parameter points at them, and pgx encodes strings,
// integers, floats and times through them without an allocation per
// value. A column whose every value is NULL is sent as a NULL array,
// which unnest reads as NULLs.
func Array[T, V any](get func(*T) *V) BulkColumn[T] {
	return arrayColumn[T, V]{get: get, slice: reflect.TypeFor[V]().Kind() == reflect.Slice}
}

// Flags returns the column of a batch statement holding whether each row
// sets an optional field (a runtime.Opt's Set), read as Array's are. A
// column no row sets is sent as a NULL array: a NULL flag is not set.
func Flags[T any](get func(*T) *bool) BulkColumn[T] { return flagsColumn[T]{get} }

type arrayColumn[T, V any] struct {
	get   func(*T) *V
	slice bool
}

func (c arrayColumn[T, V]) array(rows []T, at []int) (any, error) {
	// A column no row sets (an update's unchanged field) costs no array.
	first := 0
	for first < len(at) && c.value(&rows[at[first]]) == nil {
		first++
	}
	if first == len(at) {
		return nil, nil
	}
	out := make([]*V, len(at))
	for k := first; k < len(at); k++ {
		out[k] = c.value(&rows[at[k]])
	}
	return refArrayOf(out), nil
}

// value returns the pointer to the value of row, nil for NULL.
func (c arrayColumn[T, V]) value(row *T) *V {
	p := c.get(row)
	if c.slice && p != nil && reflect.ValueOf(p).Elem().IsNil() {
		return nil
	}
	return p
}

type flagsColumn[T any] struct{ get func(*T) *bool }

func (c flagsColumn[T]) array(rows []T, at []int) (any, error) {
	first := 0
	for first < len(at) && !*c.get(&rows[at[first]]) {
		first++
	}
	if first == len(at) {
		return nil, nil
	}
	out := make([]*bool, len(at))
	for k, i := range at {
		out[k] = c.get(&rows[i])
	}
	return refArray[bool](out), nil
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
	textRef     string
	int64Ref    int64
	int32Ref    int32
	float64Ref  float64
	timeRef     time.Time
)

func (a textRefs) Dimensions() []pgtype.ArrayDimension    { return dims(len(a)) }
func (a textRefs) Index(i int) any                        { return (*textRef)(a[i]) }
func (a textRefs) IndexType() any                         { return (*textRef)(nil) }
func (a textRefs) plain() any                             { return []*string(a) }
func (a int64Refs) Dimensions() []pgtype.ArrayDimension   { return dims(len(a)) }
func (a int64Refs) Index(i int) any                       { return (*int64Ref)(a[i]) }
func (a int64Refs) IndexType() any                        { return (*int64Ref)(nil) }
func (a int64Refs) plain() any                            { return []*int64(a) }
func (a int32Refs) Dimensions() []pgtype.ArrayDimension   { return dims(len(a)) }
func (a int32Refs) Index(i int) any                       { return (*int32Ref)(a[i]) }
func (a int32Refs) IndexType() any                        { return (*int32Ref)(nil) }
func (a int32Refs) plain() any                            { return []*int32(a) }
func (a float64Refs) Dimensions() []pgtype.ArrayDimension { return dims(len(a)) }
func (a float64Refs) Index(i int) any                     { return (*float64Ref)(a[i]) }
func (a float64Refs) IndexType() any                      { return (*float64Ref)(nil) }
func (a float64Refs) plain() any                          { return []*float64(a) }
func (a timeRefs) Dimensions() []pgtype.ArrayDimension    { return dims(len(a)) }
func (a timeRefs) Index(i int) any                        { return (*timeRef)(a[i]) }
func (a timeRefs) IndexType() any                         { return (*timeRef)(nil) }
func (a timeRefs) plain() any                             { return []*time.Time(a) }

// TextValue implements pgtype.TextValuer.
func (r *textRef) TextValue() (pgtype.Text, error) {
	return pgtype.Text{String: string(*r), Valid: true}, nil
}

// Int64Value implements pgtype.Int64Valuer.
func (r *int64Ref) Int64Value() (pgtype.Int8, error) {
	return pgtype.Int8{Int64: int64(*r), Valid: true}, nil
}

// Int64Value implements pgtype.Int64Valuer.
func (r *int32Ref) Int64Value() (pgtype.Int8, error) {
	return pgtype.Int8{Int64: int64(*r), Valid: true}, nil
}

// Float64Value implements pgtype.Float64Valuer.
func (r *float64Ref) Float64Value() (pgtype.Float8, error) {
	return pgtype.Float8{Float64: float64(*r), Valid: true}, nil
}

// TimestamptzValue implements pgtype.TimestamptzValuer.
func (r *timeRef) TimestamptzValue() (pgtype.Timestamptz, error) {
	return pgtype.Timestamptz{Time: time.Time(*r), Valid: true}, nil
}

// TimestampValue implements pgtype.TimestampValuer.
func (r *timeRef) TimestampValue() (pgtype.Timestamp, error) {
	return pgtype.Timestamp{Time: time.Time(*r), Valid: true}, nil
}

// DateValue implements pgtype.DateValuer.
func (r *timeRef) DateValue() (pgtype.Date, error) {
	return pgtype.Date{Time: time.Time(*r), Valid: true}, nil
}

// TextArray returns the column of a batch statement whose values are
// arrays (a text[] column, an enum array), which unnest cannot carry as
// they are: each row's value travels as the text of its array literal
// ({a,"b c"}), which the statement casts back to the column's type.
// typ names the array type pgx encodes the value as ("_text", "_int4";
// enum arrays travel as "_text"). get reads the value as Array's does.
func TextArray[T, V any](typ string, get func(*T) *V) BulkColumn[T] {
	return textArrayColumn[T, V]{typ: typ, get: get}
}

type textArrayColumn[T, V any] struct {
	typ string
	get func(*T) *V
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

func (c textArrayColumn[T, V]) array(rows []T, at []int) (any, error) {
	m := textMaps.Get().(*pgtype.Map)
	defer textMaps.Put(m)
	typ, ok := m.TypeForName(c.typ)
	if !ok {
		return nil, codecErrorf("runtime: unknown array type %q", c.typ)
	}
	out := make([]*string, len(at))
	null := true
	var buf []byte
	for k, i := range at {
		p := c.get(&rows[i])
		if p == nil {
			continue
		}
		var err error
		buf, err = m.Encode(typ.OID, pgtype.TextFormatCode, *p, buf[:0])
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

// CompareInterval orders intervals by months, days, then microseconds:
// a total order, whose equal intervals are equal in PostgreSQL too.
func CompareInterval(a, b pgtype.Interval) int {
	return cmp.Or(CompareBool(a.Valid, b.Valid), cmp.Compare(a.Months, b.Months), cmp.Compare(a.Days, b.Days),
		cmp.Compare(a.Microseconds, b.Microseconds))
}
