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

// Copier inserts rows of T into a table with the COPY protocol. Args
// gives a row's values, one per column of Columns: pointers into the row,
// which the runtime's types (RegisterTypes) encode without copying or
// boxing them, so that a row costs no allocation; nil for an optional
// field the row leaves unset (runtime.Opt's Arg). Rows are sent in groups
// by the optional fields they set, so that an unset field takes the
// column's default, as an INSERT that leaves it out would. Generated
// CreateMany methods use one per table, declared as a composite literal;
// it is safe for concurrent use.
type Copier[T any] struct {
	// Table is the table's name, unquoted; Columns its columns in the
	// order Args gives their values.
	Table   string
	Columns []string
	Args    func(*T, []any) []any
	// Enums are the enum types whose arrays the columns hold, quoted as in
	// a statement: they are registered on the connection first (see
	// RegisterEnumTypes).
	Enums []string
}

// maxCopyGroups bounds the number of groups of rows a Copy sends (each
// one a COPY); 64 optional columns could make 2^64.
const maxCopyGroups = 64

// Copy validates rows (when T has a Validate method, as a generated insert
// struct with rules has: see ValidateAll) and inserts them, returning how
// many it inserted, all or nothing: more than one group of rows, or a
// table whose enum arrays need their types registered, runs in a
// transaction of db (a savepoint when db is one).
//
// The rows are read twice: once before any SQL, to validate them and
// find the optional fields each one sets, and once as pgx encodes them.
func (c *Copier[T]) Copy(ctx context.Context, db DBTX, rows []T) (int64, error) {
	if len(rows) == 0 {
		return 0, nil
	}
	s := &copySource[T]{c: c, rows: rows, i: -1}
	s.group = make([]uint8, len(rows))
	masks := make([]uint64, 0, 4)
	_, validates := any(&rows[0]).(Validator)
	var invalid validationErrors
	last, lastGroup := uint64(0), -1
	tooMany := false
	for i := range rows {
		p := &rows[i]
		if validates {
			if err := any(p).(Validator).Validate(); err != nil {
				invalid.add(i, err)
			}
		}
		if tooMany {
			continue // validating the rest, whose errors say more
		}
		s.buf = c.Args(p, s.buf[:0])
		var m uint64
		for j, v := range s.buf {
			if v == nil && j < 64 {
				m |= 1 << j
			}
		}
		g := lastGroup
		if m != last || g < 0 {
			if g = slices.Index(masks, m); g < 0 {
				if len(masks) == maxCopyGroups {
					tooMany = true
					continue
				}
				g = len(masks)
				masks = append(masks, m)
			}
			last, lastGroup = m, g
		}
		s.group[i] = uint8(g)
	}
	if err := invalid.err(); err != nil {
		return 0, err
	}
	if tooMany {
		return 0, fmt.Errorf("runtime: COPY into %s: the rows set more than %d combinations of optional fields; set them alike or use CreateManyReturning", c.Table, maxCopyGroups)
	}
	table := pgx.Identifier{c.Table}
	if len(masks) == 1 && len(c.Enums) == 0 {
		return c.copyGroup(ctx, db, table, s.reset(0, masks[0]))
	}
	var total int64
	err := InTx(ctx, db, TxOptions{}, func(tx pgx.Tx) error {
		if len(c.Enums) > 0 {
			if err := RegisterEnumTypes(ctx, tx.Conn(), c.Enums...); err != nil {
				return err
			}
		}
		total = 0
		for g, m := range masks {
			n, err := c.copyGroup(ctx, tx, table, s.reset(uint8(g), m))
			if err != nil {
				return err
			}
			total += n
		}
		return nil
	})
	return total, err
}

// copyGroup copies the rows of the group s is at. A group that sends no
// column (every field optional and unset) cannot be a COPY, whose column
// list must not be empty: it is one INSERT of as many rows of defaults.
func (c *Copier[T]) copyGroup(ctx context.Context, db DBTX, table pgx.Identifier, s *copySource[T]) (int64, error) {
	names := c.names(s.mask)
	if len(names) > 0 {
		return db.CopyFrom(ctx, table, names, s)
	}
	n := 0
	for s.Next() {
		n++
	}
	tag, err := db.Exec(ctx, "-- name: runtime.CopyDefaults\nINSERT INTO "+table.Sanitize()+" SELECT FROM generate_series(1, $1)", n)
	return tag.RowsAffected(), err
}

// names returns the columns a group of rows sends: those whose value is
// not an unset optional field, by the mask of the ones that are.
func (c *Copier[T]) names(unset uint64) []string {
	out := make([]string, 0, len(c.Columns))
	for i, name := range c.Columns {
		if i >= 64 || unset&(1<<i) == 0 {
			out = append(out, name)
		}
	}
	return out
}

// copySource feeds the rows of one group to pgx's CopyFrom: it reads each
// row's values through Args into one buffer, reused for every row.
type copySource[T any] struct {
	c     *Copier[T]
	rows  []T
	group []uint8 // the group of each row
	g     uint8
	mask  uint64
	i     int
	buf   []any // Args' values of the current row
	keep  []int // the indexes in buf of the columns the group sends
	vals  []any // their values
}

// reset starts group g, whose rows leave unset the columns of mask.
func (s *copySource[T]) reset(g uint8, mask uint64) *copySource[T] {
	s.g, s.mask, s.i = g, mask, -1
	s.keep = s.keep[:0]
	if mask != 0 {
		for j := range s.c.Columns {
			if j >= 64 || mask&(1<<j) == 0 {
				s.keep = append(s.keep, j)
			}
		}
		s.vals = slices.Grow(s.vals[:0], len(s.keep))[:len(s.keep)]
	}
	return s
}

// Next advances to the next row of the group.
func (s *copySource[T]) Next() bool {
	for s.i++; s.i < len(s.rows); s.i++ {
		if s.group[s.i] == s.g {
			return true
		}
	}
	return false
}

// Values returns the current row's values, pointers into the row; the
// slice is reused for the next row.
func (s *copySource[T]) Values() ([]any, error) {
	s.buf = s.c.Args(&s.rows[s.i], s.buf[:0])
	if s.mask == 0 {
		return s.buf, nil
	}
	for k, j := range s.keep {
		s.vals[k] = s.buf[j]
	}
	return s.vals, nil
}

// Err reports no error: the rows are in memory.
func (s *copySource[T]) Err() error { return nil }
