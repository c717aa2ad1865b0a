package runtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"
)

// DefaultPageSize is the page size of a PageArgs whose Limit is 0 (at
// most the maximum page size).
const DefaultPageSize = 100

// DefaultMaxPageSize is the largest page a paginated method returns when
// neither Config.MaxPageSize nor CPCGEN_MAX_PAGE_SIZE says otherwise.
const DefaultMaxPageSize = 1000

// MaxMaxPageSize is the largest maximum page size that can be
// configured, so that the page size plus the one row fetched to see
// whether there is a next page fits an int32.
const MaxMaxPageSize = math.MaxInt32 - 1

// EnvMaxPageSize is the environment variable that holds the maximum page
// size: ConfigFromEnv reads it into Config.MaxPageSize, and MaxPageSizeOf
// falls back to it for a DBTX that carries none.
const EnvMaxPageSize = "CPCGEN_MAX_PAGE_SIZE"

// PageArgs asks for one page of a paginated query: up to Limit rows after
// the cursor of the previous page ("" for the first page).
type PageArgs struct {
	// After is the Next cursor of the previous page, or "" for the first.
	After string
	// Limit is the page size: 0 for DefaultPageSize, at most the
	// maximum page size (see Check).
	Limit int
}

// Size returns the page size asked for: Limit, or DefaultPageSize when
// Limit is not positive, and at most math.MaxInt32, so that the size
// plus one never overflows. It applies no maximum page size; Check does,
// and generated code calls Check.
func (p PageArgs) Size() int {
	if p.Limit <= 0 {
		return DefaultPageSize
	}
	return min(p.Limit, math.MaxInt32)
}

// Check returns the page size the paginated method op on table fetches:
// Limit, or, when Limit is 0, DefaultPageSize (or the maximum page size,
// when that is smaller). It refuses, with a *DbError of KindValidation
// whose Fields name "limit" or "after", a negative Limit, a Limit above
// the maximum page size of db (see MaxPageSizeOf) and an After longer
// than MaxCursorLength. The size it returns plus one fits an int32.
func (p PageArgs) Check(db DBTX, op, table string) (int, error) {
	maxSize, err := MaxPageSizeOf(db)
	if err != nil {
		return 0, Wrap(err, op, table)
	}
	var fields []FieldError
	switch {
	case p.Limit < 0:
		fields = append(fields, FieldError{Field: "limit", Message: fmt.Sprintf("must not be negative (0 means the default page size, %d)", min(DefaultPageSize, maxSize))})
	case p.Limit > maxSize:
		fields = append(fields, FieldError{Field: "limit", Message: fmt.Sprintf("must be at most %d, the maximum page size", maxSize)})
	}
	if len(p.After) > MaxCursorLength {
		fields = append(fields, FieldError{Field: "after", Message: fmt.Sprintf("is not a page cursor: longer than %d bytes", MaxCursorLength)})
	}
	if fields != nil {
		return 0, NewValidationError(op, table, fields)
	}
	if p.Limit == 0 {
		return min(DefaultPageSize, maxSize), nil
	}
	return p.Limit, nil
}

// envMaxPageSizeCache caches the value parsed from CPCGEN_MAX_PAGE_SIZE, by
// the variable's value.
var envMaxPageSizeCache struct {
	sync.Mutex
	raw  string
	size int
	err  error
}

// ownMaxPageSize returns the maximum page size db carries (its method
// MaxPageSize() int), or 0 when it has none.
func ownMaxPageSize(db DBTX) int {
	if h, ok := db.(interface{ MaxPageSize() int }); ok {
		return h.MaxPageSize()
	}
	return 0
}

// MaxPageSizeOf returns the maximum page size of db: its own when it has
// a method MaxPageSize() int that returns a positive size (a *DB opened
// with Config.MaxPageSize, a transaction it began, a ScopedDB over
// either); otherwise that of CPCGEN_MAX_PAGE_SIZE; otherwise
// DefaultMaxPageSize. The error, a *DbError of KindValidation, says that
// CPCGEN_MAX_PAGE_SIZE is not a valid size.
func MaxPageSizeOf(db DBTX) (int, error) {
	if n := ownMaxPageSize(db); n > 0 {
		return n, nil
	}
	raw := strings.TrimSpace(os.Getenv(EnvMaxPageSize))
	if raw == "" {
		return DefaultMaxPageSize, nil
	}
	c := &envMaxPageSizeCache
	c.Lock()
	defer c.Unlock()
	if c.raw != raw || (c.size == 0 && c.err == nil) {
		c.raw = raw
		c.size, c.err = parseMaxPageSize(raw)
		if c.err != nil {
			c.err = &DbError{Kind: KindValidation, Message: EnvMaxPageSize + ": " + c.err.Error(), Err: c.err}
		}
	}
	return c.size, c.err
}

// parseMaxPageSize reads a maximum page size.
func parseMaxPageSize(s string) (int, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1 || n > MaxMaxPageSize {
		return 0, fmt.Errorf("must be an integer from 1 to %d", MaxMaxPageSize)
	}
	return int(n), nil
}

// Page is one page of rows. Next is the cursor of the following page, or
// "" when this page is the last.
type Page[T any] struct {
	// Items are the page's rows, in the query's order.
	Items []T `json:"items"`
	// Next is the cursor to pass as PageArgs.After for the next page.
	Next string `json:"next,omitempty"`
}

// NewPage makes a page from rows fetched with a limit of size+1: when
// there are more than size rows, the extra row is dropped and Next is the
// cursor key computes from the last row kept.
func NewPage[T any](rows []T, size int, key func(*T) string) Page[T] {
	if len(rows) <= size {
		return Page[T]{Items: rows}
	}
	rows = rows[:size]
	return Page[T]{Items: rows, Next: key(&rows[size-1])}
}

// Pager is what a paginated method needs for one call: the page size it
// checked, and cursors sealed for the method and the call's tenant (see
// CursorKeys). Paginate makes one; generated methods use it as
//
//	pager, err := runtime.Paginate(r.db, page, "accounts.List", "accounts", tenant)
//	if err != nil {
//		return runtime.Page[Account]{}, err
//	}
//	if page.After != "" {
//		if err := pager.Decode(page.After, &id); err != nil { … }
//	}
//	… LIMIT pager.Size+1 …
//	return runtime.NewPage(items, pager.Size, func(v *Account) string {
//		return pager.Cursor(v.ID)
//	}), nil
type Pager struct {
	// Size is the page size: the checked PageArgs.Limit, or the default.
	Size   int
	op     string
	table  string
	tenant any
	keys   *CursorKeys
}

// Paginate checks page for the paginated method op on table (see
// PageArgs.Check) and returns a Pager whose cursors are bound to op and
// tenant, the tenant of the call (nil for a table without tenants), and
// sealed with the cursor keys of db (see CursorKeysOf). Its error is a
// *DbError of KindValidation.
func Paginate(db DBTX, page PageArgs, op, table string, tenant any) (Pager, error) {
	size, err := page.Check(db, op, table)
	if err != nil {
		return Pager{}, err
	}
	keys, err := CursorKeysOf(db)
	if err != nil {
		return Pager{}, Wrap(err, op, table)
	}
	return Pager{Size: size, op: op, table: table, tenant: tenant, keys: keys}, nil
}

// Cursor returns the sealed cursor of the row whose sort key is values.
func (p Pager) Cursor(values ...any) string {
	return p.keys.Seal(p.op, p.tenant, values...)
}

// Decode opens cursor, a PageArgs.After, into dest (see
// CursorKeys.Unseal). Its error is a *DbError of KindValidation for the
// field "after" that wraps ErrBadCursor and does not quote the cursor.
func (p Pager) Decode(cursor string, dest ...any) error {
	if err := p.keys.Unseal(cursor, p.op, p.tenant, dest...); err != nil {
		return p.invalid(err)
	}
	return nil
}

// invalid returns the *DbError of KindValidation for the field "after"
// whose cause is err.
func (p Pager) invalid(err error) error {
	fields := []FieldError{{Field: "after", Message: err.Error()}}
	return &DbError{Kind: KindValidation, Op: p.op, Table: p.table, OpTable: p.table, Message: fieldsMessage(fields), Fields: fields, Err: err}
}

// ErrBadCursor is the cause of the error a paginated method returns for a
// cursor it did not produce.
var ErrBadCursor = errors.New("invalid page cursor")

// cursorTime is how a time.Time travels in a cursor: seconds and
// nanoseconds since the Unix epoch, which, unlike RFC 3339 in JSON,
// holds every year PostgreSQL does.
type cursorTime [2]int64

// The texts of the float values JSON has no number for.
const (
	cursorNaN    = "NaN"
	cursorPosInf = "+Inf"
	cursorNegInf = "-Inf"
)

// cursorFloat returns f as it travels in a cursor.
func cursorFloat(f float64) any {
	switch {
	case math.IsNaN(f):
		return cursorNaN
	case math.IsInf(f, 1):
		return cursorPosInf
	case math.IsInf(f, -1):
		return cursorNegInf
	}
	return f
}

// cursorValue returns v as it travels in a cursor.
func cursorValue(v any) any {
	switch x := v.(type) {
	case time.Time:
		return cursorTime{x.Unix(), int64(x.Nanosecond())}
	case *time.Time:
		if x != nil {
			return cursorTime{x.Unix(), int64(x.Nanosecond())}
		}
	case float64:
		return cursorFloat(x)
	case *float64:
		if x != nil {
			return cursorFloat(*x)
		}
	case float32:
		return cursorFloat(float64(x))
	case *float32:
		if x != nil {
			return cursorFloat(float64(*x))
		}
	case decimal.Decimal:
		return cursorDecimal(x)
	case *decimal.Decimal:
		if x != nil {
			return cursorDecimal(*x)
		}
	}
	return v
}

// cursorDecimal writes d as its coefficient and exponent ("9e131000",
// "150e-2"), which the decoder's decimal text takes: as long as its
// significant digits, where decimal.Decimal's own JSON writes every digit
// of the value, so that a key such as 1e-16383 or 9e131000, which
// numeric holds, makes a cursor far longer than MaxCursorLength (and a
// decimal of more than MaxDecimalDigits digits) that the next call
// refuses.
func cursorDecimal(d decimal.Decimal) string {
	return d.Coefficient().String() + "e" + strconv.Itoa(int(d.Exponent()))
}

// marshalCursorValues encodes the values of a cursor as a JSON array.
func marshalCursorValues(values []any) []byte {
	enc := make([]any, len(values))
	for i, v := range values {
		enc[i] = cursorValue(v)
	}
	data, err := json.Marshal(enc)
	if err != nil {
		// Only a Go type a sort key never has (a channel, a function)
		// gets here: a bug of the caller, not bad input.
		panic(fmt.Sprintf("runtime: encode cursor: %v", err))
	}
	return data
}

// unmarshalCursorValues decodes a JSON array made by marshalCursorValues
// into dest. Its errors wrap ErrBadCursor and quote nothing of data.
func unmarshalCursorValues(data []byte, dest []any) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("%w: not a list of values", ErrBadCursor)
	}
	if len(raw) != len(dest) {
		return fmt.Errorf("%w: %d values, want %d", ErrBadCursor, len(raw), len(dest))
	}
	for i, r := range raw {
		if err := unmarshalCursorValue(r, dest[i]); err != nil {
			return fmt.Errorf("%w: value %d is not a valid %s", ErrBadCursor, i+1, destTypeName(dest[i]))
		}
	}
	return nil
}

// destTypeName names the type dest points at.
func destTypeName(dest any) string {
	t := reflect.TypeOf(dest)
	if t == nil {
		return "value"
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.String()
}

// unmarshalCursorValue decodes one value of a cursor into dest.
func unmarshalCursorValue(raw json.RawMessage, dest any) error {
	rv := reflect.ValueOf(dest)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return errors.New("not a pointer")
	}
	if string(raw) == "null" {
		return json.Unmarshal(raw, dest)
	}
	// Reach the value through any pointers of a nullable key.
	target := rv.Elem()
	for target.Kind() == reflect.Pointer {
		if target.IsNil() {
			target.Set(reflect.New(target.Type().Elem()))
		}
		target = target.Elem()
	}
	switch p := target.Addr().Interface().(type) {
	case *time.Time:
		if len(raw) > 0 && raw[0] == '[' {
			var ct cursorTime
			if err := json.Unmarshal(raw, &ct); err != nil {
				return err
			}
			if ct[1] < 0 || ct[1] >= 1e9 {
				return errors.New("nanoseconds out of range")
			}
			*p = time.Unix(ct[0], ct[1]).UTC()
			return nil
		}
		return json.Unmarshal(raw, p)
	case *float64:
		if f, ok := specialFloat(raw); ok {
			*p = f
			return nil
		}
		return json.Unmarshal(raw, p)
	case *float32:
		if f, ok := specialFloat(raw); ok {
			*p = float32(f)
			return nil
		}
		return json.Unmarshal(raw, p)
	case *decimal.Decimal:
		text := strings.Trim(string(raw), `"`)
		if err := checkDecimalText(text, MaxDecimalDigits); err != nil {
			return err
		}
		mant, exp, ok := strings.Cut(strings.ToLower(text), "e")
		if !ok {
			return json.Unmarshal(raw, p)
		}
		// decimal.NewFromString refuses exponents beyond 10000, which
		// numeric holds (cursorDecimal writes them); checkDecimalText
		// bounded this one.
		e, err := strconv.Atoi(exp)
		if err != nil {
			return err
		}
		m, err := decimal.NewFromString(mant)
		if err != nil {
			return err
		}
		*p = decimal.NewFromBigInt(m.Coefficient(), m.Exponent()+int32(e))
		return nil
	}
	return json.Unmarshal(raw, target.Addr().Interface())
}

// specialFloat reads the texts cursorFloat writes for NaN and the
// infinities.
func specialFloat(raw json.RawMessage) (float64, bool) {
	switch string(raw) {
	case `"` + cursorNaN + `"`:
		return math.NaN(), true
	case `"` + cursorPosInf + `"`:
		return math.Inf(1), true
	case `"` + cursorNegInf + `"`:
		return math.Inf(-1), true
	}
	return 0, false
}
