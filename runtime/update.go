package runtime

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Update is the UPDATE of a generated Update method, in parts: it sends
// only the columns the caller sets. For each set of columns it builds
// the statement once and keeps it,
//
//	-- name: accounts.Update
//	UPDATE "accounts"
//	SET "balance" = $2, "note" = $3, "updated_at" = now()
//	WHERE "id" = $1
//	RETURNING …
//
// for up to MaxUpdateVariants sets per table; any other set of columns
// runs the fallback statement, which binds every column and keeps the
// ones left unset (COALESCE($n, col), and CASE WHEN $set THEN $value
// ELSE col END for a nullable column), so that the statements a table
// prepares on a connection stay bounded. Either way the statement text
// is made of the parts below, which the generator computed, and is the
// same on every run: the generator checks the fallback it lists among
// the package's statements against Fallback.
//
// A table whose Update binds values after the columns' (a tenant, a
// version, the audit's actor) has no variants: its Update holds the
// statement as Fallback, and Nullable.
type Update struct {
	// Name is the operation the statement's name line names
	// ("accounts.Update").
	Name string
	// Head is the statement up to its SET list, after the name line;
	// Tail the rest, after the SET list. Keys is the number of
	// placeholders they bind ($1 to $Keys: the primary key); the values
	// of the columns come after.
	Head, Tail string
	Keys       int
	// Cols are the updatable columns, quoted, in the order of the update
	// struct's fields; Casts, when not nil, the cast each one's
	// placeholder needs ("::text[]::\"mood\"[]" for an enum array, ""
	// for the others).
	Cols  []string
	Casts []string
	// Stamps are SET items that every update has ("updated_at" = now()),
	// each preceded by ",\n    ".
	Stamps string
	// Nullable has a bit set for each nullable column: the fallback binds
	// whether it is set as well as its value. Sensitive has one for each
	// sensitive column, whose placeholders the name line lists, as it
	// lists SensitiveKeys, those of the key.
	Nullable, Sensitive Bits
	SensitiveKeys       []int

	// Fallback, when set, is the only statement: Update has no parts but
	// Keys and Nullable then, and binds the key, the columns and then
	// values of its own (see UpdateOne).
	Fallback string

	// Op, when set, tells UpdateOne to validate the input first when
	// Op.Validate is set (the update struct must implement Validator),
	// and to return errors wrapped as Op says (see Op): a generated
	// Update is then its call. Op.SQL is not used.
	Op *Op

	fallbackOnce sync.Once
	built        string
	mu           sync.Mutex
	variants     atomic.Pointer[map[uint64]string]
}

// Bits is a set of column positions, a bit per column: bit i%64 of
// word i/64 for column i. A generated package declares one as a
// composite literal (runtime.Bits{1<<2 | 1<<5}).
type Bits []uint64

// Has reports whether column i is in b.
func (b Bits) Has(i int) bool {
	return i/64 < len(b) && b[i/64]&(1<<(i%64)) != 0
}

// MaxUpdateVariants is the number of sets of columns a table's Update
// prepares a statement of its own for; the others use the fallback.
const MaxUpdateVariants = 32

// statement returns the statement for the columns of mask (bit i: Cols
// i is set) and whether it is a variant (false: the fallback).
func (q *Update) statement(mask uint64) (string, bool) {
	if q.Cols == nil || len(q.Cols) > 64 || mask == 0 && q.Stamps == "" {
		return q.fallbackSQL(), false
	}
	if m := q.variants.Load(); m != nil {
		if s, ok := (*m)[mask]; ok {
			return s, true
		}
		if len(*m) >= MaxUpdateVariants {
			return q.fallbackSQL(), false
		}
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	old := q.variants.Load()
	if old != nil {
		if s, ok := (*old)[mask]; ok {
			return s, true
		}
		if len(*old) >= MaxUpdateVariants {
			return q.fallbackSQL(), false
		}
	}
	s := q.build(mask)
	m := make(map[uint64]string, 1)
	if old != nil {
		for k, v := range *old {
			m[k] = v
		}
	}
	m[mask] = s
	q.variants.Store(&m)
	return s, true
}

// build renders the statement setting the columns of mask.
func (q *Update) build(mask uint64) string {
	var b strings.Builder
	var sens []int
	n := q.Keys
	var items []string
	for i, col := range q.Cols {
		if mask&(1<<i) == 0 {
			continue
		}
		n++
		if q.Sensitive.Has(i) {
			sens = append(sens, n)
		}
		items = append(items, col+" = $"+strconv.Itoa(n)+q.cast(i))
	}
	b.WriteString(q.nameLine(sens))
	b.WriteString(q.Head)
	b.WriteString(strings.Join(items, ",\n    "))
	if len(items) == 0 {
		b.WriteString(strings.TrimPrefix(q.Stamps, ",\n    "))
	} else {
		b.WriteString(q.Stamps)
	}
	b.WriteString(q.Tail)
	return b.String()
}

// FallbackSQL returns the statement that binds every column (see
// Update): Fallback, or the one the parts make.
func (q *Update) FallbackSQL() string { return q.fallbackSQL() }

func (q *Update) fallbackSQL() string {
	if q.Fallback != "" {
		return q.Fallback
	}
	q.fallbackOnce.Do(func() {
		var sens []int
		n := q.Keys
		items := make([]string, len(q.Cols))
		for i, col := range q.Cols {
			if q.Nullable.Has(i) {
				set := n + 1
				n += 2
				items[i] = col + " = CASE WHEN $" + strconv.Itoa(set) + "::boolean THEN $" + strconv.Itoa(n) + q.cast(i) + " ELSE " + col + " END"
			} else {
				n++
				items[i] = col + " = COALESCE($" + strconv.Itoa(n) + q.cast(i) + ", " + col + ")"
			}
			if q.Sensitive.Has(i) {
				sens = append(sens, n)
			}
		}
		q.built = q.nameLine(sens) + q.Head + strings.Join(items, ",\n    ") + q.Stamps + q.Tail
	})
	return q.built
}

// cast returns the cast of column i's placeholder.
func (q *Update) cast(i int) string {
	if q.Casts == nil {
		return ""
	}
	return q.Casts[i]
}

// nameLine is the statement's first line, listing the sensitive
// placeholders: the key's and the columns' in sens.
func (q *Update) nameLine(sens []int) string {
	sens = append(sens, q.SensitiveKeys...)
	s := "-- name: " + q.Name
	if len(sens) > 0 {
		slices.Sort(sens)
		parts := make([]string, len(sens))
		for i, n := range sens {
			parts[i] = strconv.Itoa(n)
		}
		s += " sensitive=" + strings.Join(parts, ",")
	}
	return s + "\n"
}

// updateCall is the memory of one Update.
type updateCall[T, K, U any] struct {
	key  K
	in   U
	row  T
	buf  [callSlots]any
	vals [callSlots]any
}

// UpdateOne runs q for the row whose key is *key, setting the columns
// whose value args gives (nil for a field left unset: runtime.Opt's
// Arg), one per column of q.Cols, read from in, and scans the row it
// returns through dest into a new T, which it returns (a zero one with
// an error, as QueryOne). The error is pgx.ErrNoRows when no row
// matched. Generated Update methods call it:
//
//	v, err := runtime.UpdateOne(ctx, r.db, updateAccounts, &id, runtime.Arg, &u, argsAccountUpdate, scanAccount)
//
// extra are the values of the key's other columns (keyArgs binds the
// first; the key has q.Keys) and then those the statement binds after
// the columns', with a Fallback statement only. With q.Op set, in is
// validated first and errors come back wrapped (see Update.Op).
func UpdateOne[T, K, U any](ctx context.Context, db DBTX, q *Update, key K, keyArgs func(*K, []any) []any, in U, args func(*U, []any) []any, dest func(*T, []any) []any, extra ...any) (T, error) {
	if q.Op == nil {
		c := new(updateCall[T, K, U])
		return c.run(ctx, db, q, key, keyArgs, in, args, dest, extra)
	}
	c := getCall[updateCall[T, K, U]](q.Op)
	v, err := c.run(ctx, db, q, key, keyArgs, in, args, dest, extra)
	putCall(q.Op, c)
	return v, err
}

// run is UpdateOne in the memory c.
func (c *updateCall[T, K, U]) run(ctx context.Context, db DBTX, q *Update, key K, keyArgs func(*K, []any) []any, in U, args func(*U, []any) []any, dest func(*T, []any) []any, extra []any) (T, error) {
	var zero T
	c.key, c.in = key, in
	if q.Op != nil {
		if err := q.Op.check(&c.in); err != nil {
			return zero, err
		}
	}
	if err := updateOne(ctx, db, q, &c.buf, &c.vals, &c.key, keyArgs, &c.in, args, &c.row, dest, extra); err != nil {
		if q.Op != nil {
			err = q.Op.wrap(err)
		}
		return zero, err
	}
	return c.row, nil
}

// updateOne is the body of UpdateOne.
func updateOne[PK, PU, PT any](ctx context.Context, db DBTX, q *Update, buf, valBuf *[callSlots]any, key PK, keyArgs func(PK, []any) []any, in PU, args func(PU, []any) []any, row PT, dest func(PT, []any) []any, extra []any) error {
	a := keyArgs(key, buf[:0])
	rest := min(max(q.Keys-len(a), 0), len(extra))
	a = append(a, extra[:rest]...)
	vals := args(in, valBuf[:0])
	var mask uint64
	for i, v := range vals {
		if v != nil && i < 64 {
			mask |= 1 << i
		}
	}
	sql, variant := q.statement(mask)
	for i, v := range vals {
		switch {
		case variant:
			if v != nil {
				a = append(a, v)
			}
		case q.Nullable.Has(i):
			a = append(a, v != nil, v)
		default:
			a = append(a, v)
		}
	}
	a = append(a, extra[rest:]...)
	var d []any
	if len(vals) < len(valBuf) {
		d = valBuf[len(vals):len(vals)]
	}
	err := db.QueryRow(ctx, sql, a...).Scan(dest(row, d)...)
	if err != nil && variant {
		err = &variantError{err: err, pos: q.fallbackPositions(mask)}
	}
	return err
}

// fallbackPositions returns, for each placeholder of the variant of
// mask, in order, the position of the same value in the fallback
// statement: the key's are the same; a nullable column's value comes
// after whether it is set there.
func (q *Update) fallbackPositions(mask uint64) []int {
	pos := make([]int, 0, q.Keys+len(q.Cols))
	for i := 1; i <= q.Keys; i++ {
		pos = append(pos, i)
	}
	n := q.Keys
	for i := range q.Cols {
		if q.Nullable.Has(i) {
			n += 2
		} else {
			n++
		}
		if i < 64 && mask&(1<<i) != 0 {
			pos = append(pos, n)
		}
	}
	return pos
}

// variantError is the error of an Update variant: pos maps its
// placeholders to the fallback's, whose order the generated method names
// the parameters in (WrapParams).
type variantError struct {
	err error
	pos []int
}

func (e *variantError) Error() string { return e.err.Error() }
func (e *variantError) Unwrap() error { return e.err }

// fallbackParam returns the fallback's position of placeholder n of the
// variant err ran, when err is an Update variant's; n otherwise.
func fallbackParam(err error, n int) int {
	var ve *variantError
	if n > 0 && errors.As(err, &ve) && n <= len(ve.pos) {
		return ve.pos[n-1]
	}
	return n
}
