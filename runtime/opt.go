package runtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/shopspring/decimal"
)

// Opt is an optional value: a field of a generated insert or update struct
// that the caller may leave unset. An unset field of an insert struct
// takes the column's default; an unset field of an update struct leaves
// the column unchanged. For a nullable column T is a pointer, so that
// Set[*string](nil) sets the column to NULL.
//
// The zero Opt is unset. In JSON an unset Opt is omitted (with the
// omitzero tag option the generated structs carry) and any present value
// sets it. JSON null sets it to NULL when T has a value for NULL: nil of
// a pointer, slice or map (Set[*string](nil)), or the zero value of a
// struct with a Valid field (decimal.NullDecimal, pgtype.Range). For
// other types (string, time.Time, uuid.UUID, decimal.Decimal …) null is
// refused, never read as the zero value: omit the field to leave it
// unset.
type Opt[T any] struct {
	// Value is the value; meaningful only when Set is true.
	Value T
	// Set reports whether the field was given.
	Set bool
}

// Set returns an Opt holding v.
func Set[T any](v T) Opt[T] { return Opt[T]{Value: v, Set: true} }

// Ptr returns a pointer to the value, or nil when o is unset. Generated
// statements pass it to PostgreSQL, which reads nil as "not given".
func (o *Opt[T]) Ptr() *T {
	if !o.Set {
		return nil
	}
	return &o.Value
}

// Arg returns what a generated statement binds for o: a pointer to the
// value, or nil when o is unset (which the statement reads as "not
// given": the column's default, or its current value).
func (o *Opt[T]) Arg() any {
	if !o.Set {
		return nil
	}
	return &o.Value
}

// OptValue is Arg for an Opt whose value is bound as it is, not through
// a pointer to it: a pointer (nil is NULL) or a slice, []byte or
// json.RawMessage (nil is NULL; codecs tell a nil slice from a pointer
// to one). It returns the value when set and an untyped nil when unset.
func OptValue[T any](o *Opt[T]) any {
	if !o.Set {
		return nil
	}
	return o.Value
}

// Get returns the value and whether it is set.
func (o Opt[T]) Get() (T, bool) { return o.Value, o.Set }

// Or returns the value, or def when o is unset.
func (o Opt[T]) Or(def T) T {
	if !o.Set {
		return def
	}
	return o.Value
}

// IsZero reports whether o is unset; encoding/json's omitzero uses it.
func (o Opt[T]) IsZero() bool { return !o.Set }

// MarshalJSON encodes the value (null when unset).
func (o Opt[T]) MarshalJSON() ([]byte, error) {
	if !o.Set {
		return []byte("null"), nil
	}
	return json.Marshal(o.Value)
}

// UnmarshalJSON sets o from any JSON value. null sets the zero value
// when that stands for NULL (a pointer, slice or map type, or a struct
// with a Valid field); for any other T it is refused with a
// *json.UnmarshalTypeError, which encoding/json completes with the
// field's name. A decimal (decimal.Decimal,
// *decimal.Decimal, decimal.NullDecimal) with more than MaxDecimalDigits
// digits is refused before it is parsed. Its errors do not quote the
// value.
func (o *Opt[T]) UnmarshalJSON(data []byte) error {
	var v T
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		if !nullable(reflect.TypeFor[T]()) {
			return &json.UnmarshalTypeError{Value: "null", Type: reflect.TypeFor[T]()}
		}
	} else {
		switch any(&v).(type) {
		case *decimal.Decimal, **decimal.Decimal, *decimal.NullDecimal:
			text := strings.Trim(string(bytes.TrimSpace(data)), `"`)
			if err := checkDecimalText(text, MaxDecimalDigits); err != nil {
				return fmt.Errorf("runtime: invalid JSON for %s: %w", reflect.TypeFor[T](), err)
			}
		}
		if err := json.Unmarshal(data, &v); err != nil {
			return optJSONError[T](err)
		}
	}
	o.Value, o.Set = v, true
	return nil
}

// optJSONError returns an error of json.Unmarshal for an Opt[T] without
// the value it may quote: encoding/json's own syntax and type errors
// quote none and are kept, others (from a type's UnmarshalJSON, such as
// decimal's or time's, which quote the text) are replaced.
func optJSONError[T any](err error) error {
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &syntaxErr) || errors.As(err, &typeErr) {
		return err
	}
	return fmt.Errorf("runtime: invalid JSON for %s", reflect.TypeFor[T]())
}

// nullable reports whether a value of type t can stand for NULL: nil of
// a pointer, slice, map or interface type, or the zero value of a struct
// with a bool field Valid (sql.NullString, decimal.NullDecimal, pgtype's
// types).
func nullable(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
		return true
	case reflect.Struct:
		f, ok := t.FieldByName("Valid")
		return ok && f.Type.Kind() == reflect.Bool
	}
	return false
}

// RefuseNulls checks a JSON object about to be decoded into a generated
// insert or update struct of table, before encoding/json would read
// null into a field of a NOT NULL column as the field's zero value
// (0001-01-01, the nil UUID, "") or as nil: it returns nil, or a
// *DbError of kind Validation listing each of fields (JSON names,
// matched as encoding/json matches keys, ignoring case) whose value is
// null, with MsgNotNull. Data that is not a JSON object is left to
// encoding/json. Generated structs call it through UnmarshalNotNull.
//
// It costs one scan of data when data holds no null.
func RefuseNulls(data []byte, table string, fields ...string) error {
	if len(fields) == 0 || !bytes.Contains(data, []byte("null")) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	var bad []FieldError
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil
		}
		if !bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			continue
		}
		for _, f := range fields {
			if strings.EqualFold(f, key) && !listed(bad, f) {
				bad = append(bad, FieldError{Field: f, Message: MsgNotNull})
			}
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return NewValidationError("", table, bad)
}

// UnmarshalNotNull decodes data into v as json.Unmarshal does, after
// RefuseNulls(data, table, fields...) found no null for a NOT NULL
// column. The UnmarshalJSON of generated insert and update structs
// calls it with v their own type under another name (which has no
// UnmarshalJSON method):
//
//	func (n *NewOrder) UnmarshalJSON(data []byte) error {
//		type plain NewOrder
//		return runtime.UnmarshalNotNull(data, (*plain)(n), "orders", "user_id", "placed_at")
//	}
func UnmarshalNotNull(data []byte, v any, table string, fields ...string) error {
	if err := RefuseNulls(data, table, fields...); err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}

// listed reports whether fields holds field.
func listed(fields []FieldError, field string) bool {
	for _, f := range fields {
		if f.Field == field {
			return true
		}
	}
	return false
}
