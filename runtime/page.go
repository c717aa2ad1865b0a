package runtime

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
)

// DefaultPageSize is the page size of a PageArgs whose Limit is not
// positive.
const DefaultPageSize = 100

// PageArgs asks for one page of a paginated query: up to Limit rows after
// the cursor of the previous page ("" for the first page).
type PageArgs struct {
	// After is the Next cursor of the previous page, or "" for the first.
	After string
	// Limit is the page size; DefaultPageSize when not positive.
	Limit int
}

// Size returns the page size asked for: Limit, or DefaultPageSize when
// Limit is not positive.
func (p PageArgs) Size() int {
	if p.Limit <= 0 {
		return DefaultPageSize
	}
	return p.Limit
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

// EncodeCursor encodes the key values of a row as an opaque page cursor
// (URL-safe base64 of a JSON array). Values must round-trip through
// encoding/json: strings, numbers, time.Time, uuid.UUID, decimal.Decimal
// do.
func EncodeCursor(values ...any) string {
	data, err := json.Marshal(values)
	if err != nil {
		// The generator only passes values of the types above.
		panic(fmt.Sprintf("runtime: encode cursor: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(data)
}

// ErrBadCursor is the cause of the error a paginated method returns for a
// cursor it did not produce.
var ErrBadCursor = errors.New("invalid page cursor")

// DecodeCursor decodes a cursor made by EncodeCursor into dest, which must
// point at values of the types that were encoded, in order.
func DecodeCursor(cursor string, dest ...any) error {
	data, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadCursor, err)
	}
	var raw []json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return fmt.Errorf("%w: %v", ErrBadCursor, err)
	}
	if len(raw) != len(dest) {
		return fmt.Errorf("%w: %d values, want %d", ErrBadCursor, len(raw), len(dest))
	}
	for i, r := range raw {
		if err := json.Unmarshal(r, dest[i]); err != nil {
			return fmt.Errorf("%w: value %d: %v", ErrBadCursor, i+1, err)
		}
	}
	return nil
}
