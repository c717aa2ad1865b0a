package runtime

import (
	"context"
	"reflect"
	"strings"
)

// Loader is the static descriptor of a generated batch loader: the
// statement that reads, in one query, the rows of many keys (it binds
// the keys as an array, then the call's tail), how a row is read, and
// which key it is filed under. A generated package declares one per
// loader as a composite literal, which the linker lays out:
//
//	var loadPaymentsByInvoiceID = &runtime.Loader[uuid.UUID, Payment]{
//		Op:   &runtime.Op{Name: "payments.LoadByInvoiceID", Table: "payments", Errs: errs, SQL: `…`},
//		Scan: scanPayment,
//		Key:  func(v *Payment) uuid.UUID { return v.InvoiceID },
//	}
//
// and its LoadBy… and Load<Children> methods call Load. Loader has one
// method, whose generic part is the filing of a row in the map: the
// query and the loop over the rows are compiled once, for all loaders.
type Loader[K comparable, T any] struct {
	// Op is the statement; its Name and Table name the loader in
	// errors (DbError.Op is the loader statement's name, such as
	// "payments.LoadByInvoiceID", also when a parent's Load<Children>
	// runs it).
	Op *Op
	// Scan gives a row's scan destinations (see QueryOne).
	Scan func(*T, []any) []any
	// Key returns the key a row is filed under (its foreign key). A nil
	// Key reads the key from the statement's first column, before the
	// columns Scan gives: a many-to-many loader's, which selects the
	// parent's key beside the target's row.
	Key func(*T) K
	// Padded tells that the key column is char(n) (K is then string, or
	// a type whose underlying type is): the select list reads it as
	// text, without padding, so each of the keys asked for that has
	// trailing spaces is filed too, under the group of the same key
	// without them (char(n) ignores trailing spaces).
	Padded bool
}

// Load returns the rows of l's statement for keys, each filed under its
// key, rows of one key in the order the statement reads them; keys
// without rows are absent. It binds keys, then tail (the tenant of a
// scoped loader). No keys return an empty map without a query. Errors
// come back wrapped for l.Op.
func (l *Loader[K, T]) Load(ctx context.Context, db DBTX, keys []K, tail ...any) (map[K][]T, error) {
	m := make(map[K][]T)
	if len(keys) == 0 {
		return m, nil
	}
	c := new(keyedCall[K, T])
	d := c.buf[:0]
	if l.Key == nil {
		d = append(d, &c.key)
	}
	var zero T
	if err := l.Op.each(ctx, db, keys, tail, l.Scan(&c.row, d), func() {
		k := c.key
		if l.Key != nil {
			k = l.Key(&c.row)
		}
		m[k] = append(m[k], c.row)
		c.row = zero
	}); err != nil {
		return nil, err
	}
	if l.Padded {
		padKeys(keys, func(k, trimmed K) {
			if g, ok := m[trimmed]; ok {
				m[k] = g
			}
		})
	}
	return m, nil
}

// each runs o's statement with keys and then tail, scanning every row
// through d and calling got after each, and returns the error wrapped:
// the part of Loader.Load that does not depend on its types.
func (o *Op) each(ctx context.Context, db DBTX, keys any, tail, d []any, got func()) error {
	args := append(append(make([]any, 0, 1+len(tail)), keys), tail...)
	rows, err := db.Query(ctx, o.SQL, args...)
	if err != nil {
		return o.wrap(err)
	}
	return o.wrap(eachRow(rows, d, got))
}

// padKeys calls file with each of keys that has trailing spaces and the
// same key without them, so that the group of the one is filed under
// the other (see Loader.Padded). K is string, or a type whose underlying
// type is. It is generic in the key only: compiled once for all
// loaders keyed by strings.
func padKeys[K comparable](keys []K, file func(k, trimmed K)) {
	for _, k := range keys {
		s, plain := any(k).(string)
		if !plain {
			s = reflect.ValueOf(k).String()
		}
		n := len(s)
		if n == 0 || s[n-1] != ' ' {
			continue
		}
		trimmed := strings.TrimRight(s, " ")
		var tk K
		if plain {
			tk = any(trimmed).(K)
		} else {
			v := reflect.New(reflect.TypeOf(k)).Elem()
			v.SetString(trimmed)
			tk = v.Interface().(K)
		}
		file(k, tk)
	}
}
