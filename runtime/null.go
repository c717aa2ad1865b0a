package runtime

import (
	"bytes"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"math"
	"net/netip"
	"reflect"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/shopspring/decimal"
)

// Null is the value of a nullable column: V when Valid, SQL NULL
// when not. Generated models, insert and update structs hold nullable
// columns of the scalar types (text, numbers, booleans, uuid, numeric,
// dates and times, enums, inet, interval, time) as Null values:
//
//	t.Memo.Valid       // false: memo IS NULL
//	t.Memo.V           // the text when Valid
//	n.Memo = runtime.NullOf("paid by card")
//
// A Null is read from a row in place: scanning a page of rows makes no
// allocation per row for a nullable column, as a pointer (*string) would
// (the pointer itself). pgx scans and encodes it through the pgtype
// interfaces of T's type (TextScanner, Int64Scanner, UUIDScanner …) and,
// as a parameter, through RegisterTypes; on a connection without them
// it falls back to database/sql's Scanner and Valuer, which work but
// allocate.
//
// In JSON a Null is null or its value, as a pointer would be: the
// generated models' JSON keeps its shape.
type Null[T any] struct {
	// V is the value; meaningful only when Valid is true.
	V T
	// Valid reports whether the value is not NULL.
	Valid bool
}

// NullOf returns a valid Null holding v.
func NullOf[T any](v T) Null[T] { return Null[T]{V: v, Valid: true} }

// SetNull returns an update struct's field set to NULL:
// u.Memo = runtime.SetNull[string]().
func SetNull[T any]() Opt[Null[T]] { return Opt[Null[T]]{Set: true} }

// SetNullable returns an update struct's field set to v, not NULL:
// u.Memo = runtime.SetNullable("paid").
func SetNullable[T any](v T) Opt[Null[T]] { return Opt[Null[T]]{Value: NullOf(v), Set: true} }

// NullFrom returns a Null holding *p, or NULL when p is nil.
func NullFrom[T any](p *T) Null[T] {
	if p == nil {
		return Null[T]{}
	}
	return Null[T]{V: *p, Valid: true}
}

// Ptr returns a pointer to the value, or nil when n is NULL.
func (n *Null[T]) Ptr() *T {
	if !n.Valid {
		return nil
	}
	return &n.V
}

// Get returns the value and whether it is valid.
func (n Null[T]) Get() (T, bool) { return n.V, n.Valid }

// Or returns the value, or def when n is NULL.
func (n Null[T]) Or(def T) T {
	if !n.Valid {
		return def
	}
	return n.V
}

// IsZero reports whether n is NULL; encoding/json's omitzero uses it.
func (n Null[T]) IsZero() bool { return !n.Valid }

// String returns the value formatted with fmt, or "NULL".
func (n Null[T]) String() string {
	if !n.Valid {
		return "NULL"
	}
	return fmt.Sprint(n.V)
}

// MarshalJSON encodes the value, or null when n is NULL.
func (n Null[T]) MarshalJSON() ([]byte, error) {
	if !n.Valid {
		return []byte("null"), nil
	}
	return json.Marshal(n.V)
}

// UnmarshalJSON sets n from a JSON value; null makes it NULL. A decimal
// with more than MaxDecimalDigits digits is refused before it is parsed;
// errors do not quote the value.
func (n *Null[T]) UnmarshalJSON(data []byte) error {
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		*n = Null[T]{}
		return nil
	}
	var v T
	if _, ok := any(&v).(*decimal.Decimal); ok {
		text := strings.Trim(string(bytes.TrimSpace(data)), `"`)
		if err := checkDecimalText(text, MaxDecimalDigits); err != nil {
			return fmt.Errorf("runtime: invalid JSON for %s: %w", reflect.TypeFor[T](), err)
		}
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return optJSONError[T](err)
	}
	*n = Null[T]{V: v, Valid: true}
	return nil
}

// setNull makes n NULL, its value the zero value.
func (n *Null[T]) setNull() {
	var zero T
	n.V, n.Valid = zero, false
}

// nullArg is what the runtime's parameter plans see of a *Null of any
// type: a pointer to its value, or nil when it is NULL or a nil pointer.
type nullArg interface {
	nullArg() any
}

func (n *Null[T]) nullArg() any {
	if n == nil || !n.Valid {
		return nil
	}
	return &n.V
}

// nullTypeError is the error of scanning a value of another Go type than
// T holds (a column whose type does not match the field's).
func nullTypeError[T any](what string) error {
	return &codecError{msg: fmt.Sprintf("cannot scan %s into runtime.Null[%s]", what, reflect.TypeFor[T]())}
}

// ScanText implements pgtype.TextScanner: text, varchar, char and enum
// columns scan into a Null of a string type through it without another
// allocation than the string's. A value of another type arrives here as
// text when results come in the text format (the simple protocol), and
// is parsed as T.
func (n *Null[T]) ScanText(v pgtype.Text) error {
	if !v.Valid {
		n.setNull()
		return nil
	}
	if p, ok := any(&n.V).(*string); ok {
		*p = v.String
		n.Valid = true
		return nil
	}
	if err := scanTextInto(&n.V, v.String); err != nil {
		return err
	}
	n.Valid = true
	return nil
}

// scanTextInto parses s, PostgreSQL's text format of a value, into *p.
func scanTextInto[T any](p *T, s string) error {
	rv := reflect.ValueOf(p).Elem()
	if rv.Kind() == reflect.String {
		rv.SetString(s)
		return nil
	}
	if t, ok := any(p).(*time.Time); ok {
		// date, timestamp or timestamptz: the text tells which; a date
		// has no time of day ("2006-01-02", "10000-01-01", "4713-01-01 BC").
		oid := uint32(pgtype.TimestampOID)
		switch {
		case !strings.Contains(s, ":"):
			oid = pgtype.DateOID
		case hasZone(s):
			oid = pgtype.TimestamptzOID
		}
		return scanText(oid, s, t)
	}
	m := textMaps.Get().(*pgtype.Map)
	defer textMaps.Put(m)
	dt, ok := m.TypeForValue(p)
	if !ok {
		return nullTypeError[T]("text")
	}
	return m.Scan(dt.OID, pgtype.TextFormatCode, []byte(s), p)
}

// scanText parses s, the text format of a value of type oid, into dst
// with a type map of textMaps (a map is not safe for concurrent use).
func scanText(oid uint32, s string, dst any) error {
	m := textMaps.Get().(*pgtype.Map)
	defer textMaps.Put(m)
	return m.Scan(oid, pgtype.TextFormatCode, []byte(s), dst)
}

// hasZone reports whether a timestamp's text ends with a UTC offset
// (+00, -05:30).
func hasZone(s string) bool {
	i := strings.LastIndexAny(s, "+-")
	return i > len("2006-01-02") && strings.IndexByte(s[:i], ':') > 0
}

// ScanInt64 implements pgtype.Int64Scanner for the integer types.
func (n *Null[T]) ScanInt64(v pgtype.Int8) error {
	if !v.Valid {
		n.setNull()
		return nil
	}
	switch p := any(&n.V).(type) {
	case *int64:
		*p = v.Int64
	case *int32:
		if v.Int64 < math.MinInt32 || v.Int64 > math.MaxInt32 {
			return &codecError{msg: "integer out of range for runtime.Null[int32]"}
		}
		*p = int32(v.Int64)
	case *int16:
		if v.Int64 < math.MinInt16 || v.Int64 > math.MaxInt16 {
			return &codecError{msg: "integer out of range for runtime.Null[int16]"}
		}
		*p = int16(v.Int64)
	case *float64:
		*p = float64(v.Int64)
	case *decimal.Decimal:
		*p = decimal.NewFromInt(v.Int64)
	default:
		return nullTypeError[T]("an integer")
	}
	n.Valid = true
	return nil
}

// ScanFloat64 implements pgtype.Float64Scanner for real and double
// precision.
func (n *Null[T]) ScanFloat64(v pgtype.Float8) error {
	if !v.Valid {
		n.setNull()
		return nil
	}
	switch p := any(&n.V).(type) {
	case *float64:
		*p = v.Float64
	case *float32:
		*p = float32(v.Float64)
	default:
		return nullTypeError[T]("a float")
	}
	n.Valid = true
	return nil
}

// ScanBool implements pgtype.BoolScanner.
func (n *Null[T]) ScanBool(v pgtype.Bool) error {
	return scanNullAs(n, v.Bool, v.Valid, "a boolean")
}

// scanNullAs stores v in n when T is V, or makes n NULL when valid is
// false; what names the scanned value in the error of any other T.
func scanNullAs[T, V any](n *Null[T], v V, valid bool, what string) error {
	if !valid {
		n.setNull()
		return nil
	}
	p, ok := any(&n.V).(*V)
	if !ok {
		return nullTypeError[T](what)
	}
	*p, n.Valid = v, true
	return nil
}

// scanTime stores a finite time.
func (n *Null[T]) scanTime(t time.Time, valid bool, inf pgtype.InfinityModifier, what string) error {
	if !valid {
		n.setNull()
		return nil
	}
	p, ok := any(&n.V).(*time.Time)
	if !ok {
		return nullTypeError[T](what)
	}
	if inf != pgtype.Finite {
		return &codecError{msg: "cannot scan an infinite " + what + " into runtime.Null[time.Time]"}
	}
	*p, n.Valid = t, true
	return nil
}

// ScanTimestamptz implements pgtype.TimestamptzScanner.
func (n *Null[T]) ScanTimestamptz(v pgtype.Timestamptz) error {
	return n.scanTime(v.Time, v.Valid, v.InfinityModifier, "timestamptz")
}

// ScanTimestamp implements pgtype.TimestampScanner.
func (n *Null[T]) ScanTimestamp(v pgtype.Timestamp) error {
	return n.scanTime(v.Time, v.Valid, v.InfinityModifier, "timestamp")
}

// ScanDate implements pgtype.DateScanner.
func (n *Null[T]) ScanDate(v pgtype.Date) error {
	return n.scanTime(v.Time, v.Valid, v.InfinityModifier, "date")
}

// ScanUUID implements pgtype.UUIDScanner.
func (n *Null[T]) ScanUUID(v pgtype.UUID) error {
	return scanNullAs(n, uuid.UUID(v.Bytes), v.Valid, "a uuid")
}

// ScanNumeric implements pgtype.NumericScanner (RegisterTypes scans
// numeric into a Null[decimal.Decimal] without it).
func (n *Null[T]) ScanNumeric(v pgtype.Numeric) error {
	if !v.Valid {
		n.setNull()
		return nil
	}
	p, ok := any(&n.V).(*decimal.Decimal)
	if !ok {
		return nullTypeError[T]("a numeric")
	}
	if v.NaN || v.InfinityModifier != pgtype.Finite {
		return &codecError{msg: "cannot scan NaN or infinity into runtime.Null[decimal.Decimal]"}
	}
	*p, n.Valid = decimal.NewFromBigInt(v.Int, v.Exp), true
	return nil
}

// ScanInterval implements pgtype.IntervalScanner.
func (n *Null[T]) ScanInterval(v pgtype.Interval) error {
	return scanNullAs(n, v, v.Valid, "an interval")
}

// ScanTime implements pgtype.TimeScanner (time of day).
func (n *Null[T]) ScanTime(v pgtype.Time) error {
	return scanNullAs(n, v, v.Valid, "a time of day")
}

// ScanNetipPrefix implements pgtype.NetipPrefixScanner (inet, cidr).
func (n *Null[T]) ScanNetipPrefix(v netip.Prefix) error {
	return scanNullAs(n, v, v.IsValid(), "an inet")
}

// Scan implements database/sql's Scanner, the fallback pgx uses for a
// column type whose interface Null does not implement.
func (n *Null[T]) Scan(src any) error {
	if src == nil {
		n.setNull()
		return nil
	}
	if s, ok := any(&n.V).(sql.Scanner); ok {
		if err := s.Scan(src); err != nil {
			return err
		}
		n.Valid = true
		return nil
	}
	var text string
	switch v := src.(type) {
	case string:
		text = v
	case []byte:
		text = string(v)
	default:
		rv, dst := reflect.ValueOf(src), reflect.ValueOf(&n.V).Elem()
		if !rv.Type().ConvertibleTo(dst.Type()) {
			return nullTypeError[T](rv.Type().String())
		}
		dst.Set(rv.Convert(dst.Type()))
		n.Valid = true
		return nil
	}
	if err := scanTextInto(&n.V, text); err != nil {
		return err
	}
	n.Valid = true
	return nil
}

// Value implements database/sql/driver's Valuer, the fallback pgx uses
// for a parameter on a connection without RegisterTypes.
func (n Null[T]) Value() (driver.Value, error) {
	if !n.Valid {
		return nil, nil
	}
	if v, ok := any(n.V).(driver.Valuer); ok {
		return v.Value()
	}
	rv := reflect.ValueOf(n.V)
	switch rv.Kind() {
	case reflect.String:
		return rv.String(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), nil
	case reflect.Float32, reflect.Float64:
		return rv.Float(), nil
	case reflect.Bool:
		return rv.Bool(), nil
	}
	switch v := any(n.V).(type) {
	case time.Time:
		return v, nil
	case netip.Prefix:
		return v.String(), nil
	}
	return nil, fmt.Errorf("runtime: cannot send a runtime.Null[%s] as a parameter", reflect.TypeFor[T]())
}
