package runtime

import (
	"cmp"
	"encoding/json"
	"fmt"
	"regexp"
	"time"

	"github.com/shopspring/decimal"
)

// Fields collects the failing fields of one Validate, each with the
// first rule it fails. The zero value is ready to use. Generated
// Validate methods check each field with the rules of its column and
// return Err:
//
//	var f runtime.Fields
//	accountName.Check(&f, "name", n.Name)
//	f.Check("currency", n.Currency.Valid(), `must be one of "USD", "EUR"`)
//	return f.Err("accounts")
type Fields struct {
	list []FieldError
}

// Add records that field fails with message. A field already recorded
// by the call before keeps its first message: Validate checks a field's
// rules one after the other, and reports the first it fails.
//
// It is kept out of line: Fits and Check, which the generated Validate
// methods call for every field, inline into a test and a call, where
// an inlined Add would put its append into every one of them.
//
//go:noinline
func (f *Fields) Add(field, message string) {
	if n := len(f.list); n > 0 && f.list[n-1].Field == field {
		return
	}
	f.list = append(f.list, FieldError{Field: field, Message: message})
}

// Fits records that field fails with message unless message is empty:
// the result of a runtime check of what a column's type can hold
// (CheckText, CheckNumeric …).
//
//	f.Fits("amount", runtime.CheckNumeric(n.Amount, 12, 2))
func (f *Fields) Fits(field, message string) {
	if message != "" {
		f.Add(field, message)
	}
}

// Check records that field fails with message when ok is false.
func (f *Fields) Check(field string, ok bool, message string) {
	if !ok {
		f.Add(field, message)
	}
}

// Err returns nil when no field failed, or a *DbError of kind Validation
// on table whose Fields list the failures in the order they were added.
func (f *Fields) Err(table string) error {
	if len(f.list) == 0 { // inlined: a valid row costs no call
		return nil
	}
	return f.err(table)
}

// err is Err when a field failed.
func (f *Fields) err(table string) error {
	return NewValidationError("", table, f.list)
}

// Text checks the value v points to for a text, varchar or char column
// as CheckText does, then, when it fits, against r (nil: no rules); a
// nil v (a field not set, or NULL) is not checked. Generated Validate
// methods make one call per column:
//
//	f.Text("code", &n.Code, &rulesWarehouseCode)
//	f.Text("memo", runtime.IfSetValid(&u.Memo), nil)
func (f *Fields) Text(field string, v *string, r *TextRules) {
	if v != nil { // inlined: an unset field costs no call
		f.text(field, v, r)
	}
}

// text is Text on a value.
func (f *Fields) text(field string, v *string, r *TextRules) {
	s := *v
	if msg := CheckText(s); msg != "" {
		f.Add(field, msg)
		return
	}
	if r != nil {
		r.Check(f, field, s)
	}
}

// Numeric checks the value v points to for a numeric(precision, scale)
// column as CheckNumeric does, then, when it fits, against r (nil: no
// rules); a nil v is not checked.
func (f *Fields) Numeric(field string, v *decimal.Decimal, precision, scale int, r *DecimalRules) {
	if v != nil {
		f.numeric(field, v, precision, scale, r)
	}
}

// numeric is Numeric on a value.
func (f *Fields) numeric(field string, v *decimal.Decimal, precision, scale int, r *DecimalRules) {
	if p := numericProblem(*v, precision, scale); p != numericFits {
		f.Add(field, numericMessage(p, precision, scale))
		return
	}
	if r != nil {
		r.Check(f, field, *v)
	}
}

// Timestamptz checks the value v points to for a timestamptz column as
// CheckTimestamptz does; a nil v is not checked.
func (f *Fields) Timestamptz(field string, v *time.Time) {
	if v != nil {
		f.timeFits(field, v, CheckTimestamptz)
	}
}

// Timestamp checks the value v points to for a timestamp column as
// CheckTimestamp does; a nil v is not checked.
func (f *Fields) Timestamp(field string, v *time.Time) {
	if v != nil {
		f.timeFits(field, v, CheckTimestamp)
	}
}

// Date checks the value v points to for a date column as CheckDate
// does; a nil v is not checked.
func (f *Fields) Date(field string, v *time.Time) {
	if v != nil {
		f.timeFits(field, v, CheckDate)
	}
}

// timeFits is Timestamptz, Timestamp or Date on a value, whose check it
// is.
func (f *Fields) timeFits(field string, v *time.Time, check func(time.Time) string) {
	if msg := check(*v); msg != "" {
		f.Add(field, msg)
	}
}

// JSON checks the value v points to for a json column as CheckJSON
// does, after refusing nil when notNull (a NOT NULL column); a nil v is
// not checked.
func (f *Fields) JSON(field string, v *json.RawMessage, notNull bool) {
	if v != nil {
		sliceFits(f, field, (*[]byte)(v), notNull, CheckJSON)
	}
}

// JSONB checks the value v points to for a jsonb column as CheckJSONB
// does, after refusing nil when notNull; a nil v is not checked.
func (f *Fields) JSONB(field string, v *json.RawMessage, notNull bool) {
	if v != nil {
		sliceFits(f, field, (*[]byte)(v), notNull, CheckJSONB)
	}
}

// Texts checks the value v points to for a text[] column as CheckTexts
// does, after refusing nil when notNull; a nil v is not checked.
func (f *Fields) Texts(field string, v *[]string, notNull bool) {
	if v != nil {
		sliceFits(f, field, v, notNull, CheckTexts)
	}
}

// sliceFits is JSON, JSONB or Texts on a value, whose check it is: nil
// (NULL) fails when notNull, any other value is checked.
func sliceFits[S ~[]E, E any](f *Fields, field string, v *S, notNull bool, check func(S) string) {
	switch {
	case notNull && *v == nil:
		f.Add(field, MsgNotNull)
	default:
		f.Fits(field, check(*v))
	}
}

// CheckEnum records in f that field fails with message unless the enum
// value v points to is one of its labels; a nil v (a field not set, or
// NULL) is not checked.
//
//	runtime.CheckEnum(&f, "status", u.Status.Ptr(), `must be one of "open", "paid"`)
func CheckEnum[E interface{ Valid() bool }](f *Fields, field string, v *E, message string) {
	if v != nil && !(*v).Valid() {
		f.Add(field, message)
	}
}

// IfSetValid returns a pointer to o's value when it is set to a value
// that is not NULL, else nil.
func IfSetValid[T any](o *Opt[Null[T]]) *T {
	if o.Set && o.Value.Valid {
		return &o.Value.V
	}
	return nil
}

// IfSetPtr returns o's pointer when it is set, else nil (a nil pointer
// is NULL, which is not checked either).
func IfSetPtr[T any](o *Opt[*T]) *T {
	if o.Set {
		return o.Value
	}
	return nil
}

// TextRules are the rules of a text column (validate:, min_length:,
// max_length:, pattern:, not_empty:), checked in that order: not_empty,
// min_length, max_length, format, pattern. Lengths count characters, as
// PostgreSQL's char_length does.
type TextRules struct {
	NotEmpty  bool
	MinLength int
	// MaxLength is the largest length allowed; 0 means no bound.
	MaxLength int
	// Format is a named format (FormatMessage lists them), or "".
	Format string
	// Pattern is what the whole value must match, or nil.
	Pattern *Pattern
	// Pad is set for char(n), which pads values with spaces that
	// PostgreSQL ignores in lengths and comparisons: the rules ignore
	// trailing spaces too.
	Pad bool
}

// Check adds to f the first rule of r that v fails, if any.
func (r *TextRules) Check(f *Fields, field, v string) {
	if r.Pad {
		for len(v) > 0 && v[len(v)-1] == ' ' {
			v = v[:len(v)-1] // strings.TrimRight(v, " "), without the call
		}
	}
	switch {
	case r.NotEmpty && v == "":
		f.Add(field, MsgNotEmpty)
	case r.MinLength > 0 && ShorterThan(v, r.MinLength):
		f.Add(field, MinLengthMessage(r.MinLength))
	case r.MaxLength > 0 && LongerThan(v, r.MaxLength):
		f.Add(field, MaxLengthMessage(r.MaxLength))
	case r.Format != "" && !FormatValid(r.Format, v):
		f.Add(field, FormatMessage(r.Format))
	case r.Pattern != nil && !r.Pattern.re.MatchString(v):
		f.Add(field, PatternMessage(r.Pattern.expr))
	}
}

// Pattern is a pattern: rule's regular expression, compiled once to
// match whole values.
type Pattern struct {
	re   *regexp.Regexp
	expr string
}

// NewPattern compiles expr (RE2 syntax) anchored at both ends. It panics
// on a bad expression: the generator only passes ones it has compiled.
func NewPattern(expr string) *Pattern {
	return &Pattern{re: regexp.MustCompile("^(?:" + expr + ")$"), expr: expr}
}

// NumberRules are the min: and max: rules of an integer or floating
// point column.
type NumberRules[T cmp.Ordered] struct {
	Min, Max       T
	HasMin, HasMax bool
}

// Check adds to f the first rule of r that v fails, if any.
func (r *NumberRules[T]) Check(f *Fields, field string, v T) {
	switch {
	case r.HasMin && v < r.Min:
		f.Add(field, MinMessage(fmt.Sprint(r.Min)))
	case r.HasMax && v > r.Max:
		f.Add(field, MaxMessage(fmt.Sprint(r.Max)))
	}
}

// DecimalRules are the min: and max: rules of a numeric column; a nil
// bound is no bound.
type DecimalRules struct {
	Min, Max *decimal.Decimal
}

// Check adds to f the first rule of r that v fails, if any.
func (r *DecimalRules) Check(f *Fields, field string, v decimal.Decimal) {
	switch {
	case r.Min != nil && v.LessThan(*r.Min):
		f.Add(field, MinMessage(r.Min.String()))
	case r.Max != nil && v.GreaterThan(*r.Max):
		f.Add(field, MaxMessage(r.Max.String()))
	}
}

// DecimalBound returns the decimal of s, for the bounds of DecimalRules.
// It panics on text that is not a number: the generator only passes ones
// it has parsed.
func DecimalBound(s string) *decimal.Decimal {
	d := decimal.RequireFromString(s)
	return &d
}

// AllValid reports whether every element of an enum slice is a label of
// its enum.
func AllValid[T interface{ Valid() bool }](vs []T) bool {
	for _, v := range vs {
		if !v.Valid() {
			return false
		}
	}
	return true
}

// The messages of the validation rules. The generator writes the same
// ones into the docs it generates, through these functions.
const (
	// MsgNotEmpty is the message of not_empty.
	MsgNotEmpty = "must not be empty"
	// MsgNotNull is the message of a nil slice, json.RawMessage or []byte
	// given for a NOT NULL column (an empty one is the empty value), and
	// of JSON null for a NOT NULL column's field.
	MsgNotNull = "must not be null"
)

// MinLengthMessage is the message of min_length: n.
func MinLengthMessage(n int) string { return "must be at least " + characters(n) + " long" }

// MaxLengthMessage is the message of max_length: n.
func MaxLengthMessage(n int) string { return "must be at most " + characters(n) + " long" }

// characters is "1 character", "3 characters".
func characters(n int) string {
	if n == 1 {
		return "1 character"
	}
	return fmt.Sprintf("%d characters", n)
}

// MinMessage is the message of min: bound.
func MinMessage(bound string) string { return "must be at least " + bound }

// MaxMessage is the message of max: bound.
func MaxMessage(bound string) string { return "must be at most " + bound }

// PatternMessage is the message of pattern: expr.
func PatternMessage(expr string) string { return "must match the pattern " + expr }

// formats are the named formats: the check of each and its message.
var formats = map[string]struct {
	valid   func(string) bool
	message string
}{
	"email":        {IsEmail, "must be an email address"},
	"url":          {IsURL, "must be an absolute URL"},
	"uuid":         {IsUUID, "must be a UUID"},
	"hostname":     {IsHostname, "must be a host name"},
	"e164":         {IsE164, "must be a phone number in E.164 form, such as +14155550123"},
	"slug":         {IsSlug, "must be lower-case letters and digits joined by single hyphens"},
	"alpha":        {IsAlpha, "must be ASCII letters only"},
	"alphanumeric": {IsAlphanumeric, "must be ASCII letters and digits only"},
}

// FormatValid reports whether v has the named format; an unknown format
// never holds.
func FormatValid(format, v string) bool {
	f, ok := formats[format]
	return ok && f.valid(v)
}

// FormatMessage is the message of validate: format ("email", "url",
// "uuid", "hostname", "e164", "slug", "alpha", "alphanumeric").
func FormatMessage(format string) string {
	if f, ok := formats[format]; ok {
		return f.message
	}
	return "must be a valid " + format
}
