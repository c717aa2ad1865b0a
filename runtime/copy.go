package runtime

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// RegisterEnumTypes registers enum types and their array types on conn's
// type map, so that pgx can encode enum arrays in the binary format COPY
// uses (it has no codec for a type it does not know, and COPY leaves no
// room for the text[] casts statements use). names are SQL type names as
// they would appear in a statement: quoted where needed ("mood",
// "public"."mood"). Types already registered are skipped; the others are
// looked up with one query. Generated CreateMany methods call it on the
// connection of their transaction; registering is harmless for the other
// statements on the connection.
func RegisterEnumTypes(ctx context.Context, conn *pgx.Conn, names ...string) error {
	m := conn.TypeMap()
	var missing []string
	for _, name := range names {
		if _, ok := m.TypeForName(name); !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	rows, err := conn.Query(ctx, `SELECT n, n::regtype::oid, t.typarray
FROM unnest($1::text[]) WITH ORDINALITY AS u(n, i)
JOIN pg_catalog.pg_type t ON t.oid = n::regtype::oid
ORDER BY i`, missing)
	if err != nil {
		return fmt.Errorf("look up enum types: %w", err)
	}
	type found struct {
		name       string
		oid, array uint32
	}
	var types []found
	for rows.Next() {
		var f found
		if err := rows.Scan(&f.name, &f.oid, &f.array); err != nil {
			rows.Close()
			return fmt.Errorf("look up enum types: %w", err)
		}
		types = append(types, f)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("look up enum types: %w", err)
	}
	for _, f := range types {
		elem := &pgtype.Type{Name: f.name, OID: f.oid, Codec: &pgtype.EnumCodec{}}
		m.RegisterType(elem)
		m.RegisterType(&pgtype.Type{Name: "_" + f.name, OID: f.array, Codec: &pgtype.ArrayCodec{ElementType: elem}})
	}
	return nil
}

// CopyColumn is one column a Copier sends: its name, how a row gives
// the value, and, for an optional field, whether the row sets it.
type CopyColumn[T any] struct {
	// Name is the column's SQL name, unquoted.
	Name string
	// Value returns the row's value of the column: a pointer into the row
	// (&n.Email, &n.Balance.Value), so that sending a row allocates
	// nothing; pgx encodes what it points at, a nil pointer as NULL.
	Value func(*T) any
	// Set reports whether the row sets an optional field; nil for a
	// column every row sends. A row that leaves it unset gets the
	// column's default.
	Set func(*T) bool
}

// Copier inserts rows of T into a table with the COPY protocol, reading
// each value from the row through its column's Value: no value is boxed
// or copied on the way, so a row costs no allocation. Rows are sent in
// groups by the optional fields they set, so that an unset field takes
// the column's default, as an INSERT that leaves it out would. Generated
// CreateMany methods use one per table; it is safe for concurrent use.
type Copier[T any] struct {
	table    pgx.Identifier
	columns  []CopyColumn[T]
	optional []int // indexes into columns of the optional ones, at most 64
	enums    []string
}

// NewCopier returns the Copier of a table and its columns, in the order
// the COPY sends them. enums are the enum types whose arrays the columns
// hold (see RegisterEnumTypes), quoted as in a statement. It panics on
// more than 64 optional columns: the generator does not make such a
// Copier.
func NewCopier[T any](table string, enums []string, columns ...CopyColumn[T]) *Copier[T] {
	c := &Copier[T]{table: pgx.Identifier{table}, columns: columns, enums: enums}
	for i, col := range columns {
		if col.Set != nil {
			c.optional = append(c.optional, i)
		}
	}
	if len(c.optional) > 64 {
		panic("runtime: NewCopier: more than 64 optional columns")
	}
	return c
}

// maskOf returns the bits of the optional columns row sets.
func (c *Copier[T]) maskOf(row *T) uint64 {
	var m uint64
	for bit, i := range c.optional {
		if c.columns[i].Set(row) {
			m |= 1 << bit
		}
	}
	return m
}

// Copy inserts rows and returns how many it inserted, all or nothing:
// more than one group of rows, or a table whose enum arrays need their
// types registered, runs in a transaction of db (a savepoint when db is
// one).
func (c *Copier[T]) Copy(ctx context.Context, db DBTX, rows []T) (int64, error) {
	if len(rows) == 0 {
		return 0, nil
	}
	masks := make([]uint64, 0, 4)
	for i := range rows {
		if m := c.maskOf(&rows[i]); !slices.Contains(masks, m) {
			masks = append(masks, m)
		}
	}
	if len(masks) == 1 && len(c.enums) == 0 {
		return c.copyGroup(ctx, db, rows, masks[0])
	}
	var total int64
	err := InTx(ctx, db, TxOptions{}, func(tx pgx.Tx) error {
		if len(c.enums) > 0 {
			if err := RegisterEnumTypes(ctx, tx.Conn(), c.enums...); err != nil {
				return err
			}
		}
		total = 0
		for _, m := range masks {
			n, err := c.copyGroup(ctx, tx, rows, m)
			if err != nil {
				return err
			}
			total += n
		}
		return nil
	})
	return total, err
}

// copyGroup copies the rows of one group. A group that sends no column
// (every field optional and unset) cannot be a COPY, whose column list
// must not be empty: it is one INSERT of as many rows of defaults.
func (c *Copier[T]) copyGroup(ctx context.Context, db DBTX, rows []T, mask uint64) (int64, error) {
	names := c.names(mask)
	if len(names) > 0 {
		return db.CopyFrom(ctx, c.table, names, c.source(rows, mask))
	}
	src := c.source(rows, mask)
	n := 0
	for src.Next() {
		n++
	}
	tag, err := db.Exec(ctx, "-- name: runtime.CopyDefaults\nINSERT INTO "+c.table.Sanitize()+" SELECT FROM generate_series(1, $1)", n)
	return tag.RowsAffected(), err
}

// names returns the columns a group of rows with the optional fields of
// mask sends, in order.
func (c *Copier[T]) names(mask uint64) []string {
	out := make([]string, 0, len(c.columns))
	for _, i := range c.send(mask) {
		out = append(out, c.columns[i].Name)
	}
	return out
}

// send returns the indexes of the columns a group sends.
func (c *Copier[T]) send(mask uint64) []int {
	out := make([]int, 0, len(c.columns))
	bit := 0
	for i, col := range c.columns {
		if col.Set == nil {
			out = append(out, i)
			continue
		}
		if mask&(1<<bit) != 0 {
			out = append(out, i)
		}
		bit++
	}
	return out
}

// source returns the pgx.CopyFromSource of the rows of one group.
func (c *Copier[T]) source(rows []T, mask uint64) *copySource[T] {
	cols := c.send(mask)
	return &copySource[T]{c: c, rows: rows, mask: mask, i: -1, cols: cols, vals: make([]any, len(cols))}
}

// copySource feeds the rows of one group to pgx's CopyFrom.
type copySource[T any] struct {
	c    *Copier[T]
	rows []T
	mask uint64
	i    int
	cols []int
	vals []any
}

// Next advances to the next row of the group.
func (s *copySource[T]) Next() bool {
	for s.i++; s.i < len(s.rows); s.i++ {
		if len(s.c.optional) == 0 || s.c.maskOf(&s.rows[s.i]) == s.mask {
			return true
		}
	}
	return false
}

// Values returns the current row's values, pointers into the row; the
// slice is reused for the next row.
func (s *copySource[T]) Values() ([]any, error) {
	row := &s.rows[s.i]
	for j, i := range s.cols {
		s.vals[j] = s.c.columns[i].Value(row)
	}
	return s.vals, nil
}

// Err reports no error: the rows are in memory.
func (s *copySource[T]) Err() error { return nil }

// CopyValue is the CopyColumn of a field every row sends: value returns
// a pointer to it in the row or, for a field that is itself a pointer
// (nil for NULL), the field. Either way no value is boxed per row.
func CopyValue[T any](name string, value func(*T) any) CopyColumn[T] {
	return CopyColumn[T]{Name: name, Value: value}
}

// CopyOpt is the CopyColumn of an optional field (a runtime.Opt): field
// returns a pointer to it in the row. A row that leaves it unset gets the
// column's default.
func CopyOpt[T, V any](name string, field func(*T) *Opt[V]) CopyColumn[T] {
	return CopyColumn[T]{
		Name:  name,
		Value: func(row *T) any { return &field(row).Value },
		Set:   func(row *T) bool { return field(row).Set },
	}
}
