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
// omitzero tag option the generated structs carry) and any present value,
// null included, sets it.
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

// UnmarshalJSON sets o from any JSON value; null sets the zero value,
// which for a pointer type means NULL. A decimal (decimal.Decimal,
// *decimal.Decimal, decimal.NullDecimal) with more than MaxDecimalDigits
// digits is refused before it is parsed. Its errors do not quote the
// value.
func (o *Opt[T]) UnmarshalJSON(data []byte) error {
	var v T
	if !bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
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
