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
// copied: the parameter points at them.
func Array[T, V any](get func(*T) *V) BulkColumn[T] {
	return arrayColumn[T, V]{get: get, slice: reflect.TypeFor[V]().Kind() == reflect.Slice}
}

type arrayColumn[T, V any] struct {
	get   func(*T) *V
	slice bool
}

func (c arrayColumn[T, V]) array(rows []T, at []int) (any, error) {
	out := make([]*V, len(at))
	for k, i := range at {
		p := c.get(&rows[i])
		if c.slice && p != nil && reflect.ValueOf(p).Elem().IsNil() {
			p = nil
		}
		out[k] = p
	}
	return out, nil
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

// textMaps hold the type maps that write arrays as text: pgx's types
// and the runtime's (RegisterTypes). A map is not safe for concurrent
// use, so each call takes one of its own.
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
			out[k] = &s
		}
	}
	return out, nil
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
