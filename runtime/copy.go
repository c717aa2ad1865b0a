package runtime

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"time"

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

// Copier inserts rows into a table with the COPY protocol. P is the
// pointer type of a row (*NewCustomer): a Copier has no methods, and
// the functions that run it take P, a pointer, so that every table
// shares one compiled body of them; CopyRows is the entry point. Args gives a
// row's values, one per column of Columns: pointers into the row, which
// the runtime's types (RegisterTypes) encode without copying or boxing
// them, so that a row costs no allocation; nil for an optional field the
// row leaves unset (runtime.Opt's Arg). Rows are sent in groups by the
// optional fields they set, so that an unset field takes the column's
// default, as an INSERT that leaves it out would. Generated CreateMany
// methods use one per table, declared as a composite literal; it is safe
// for concurrent use.
type Copier[P any] struct {
	// Op names the operation (CreateMany) and the table, whose name,
	// unquoted, is the one COPY writes to; CopyRows returns its errors
	// wrapped for it (see Op). Op.SQL is not used.
	Op *Op
	// Columns are the table's columns in the order Args gives their
	// values.
	Columns []string
	Args    func(P, []any) []any
	// Unset returns the optional fields a row leaves unset, a bit per
	// column (1<<i for Columns[i]): exactly the values Args gives as nil.
	// It is nil when no column is optional, and when an optional column
	// comes after the 64th (see UnsetFromArgs).
	Unset func(P) uint64
	// UnsetFromArgs says that the rows are grouped by the values Args
	// gives as nil, which are exactly the optional fields a row leaves
	// unset: a table whose optional columns do not all fit Unset's 64
	// bits. It costs one more call of Args per row.
	UnsetFromArgs bool
	// Validate checks a row before any SQL (a generated insert struct's
	// Validate method); nil when rows need no check.
	Validate func(P) error
	// Enums are the enum types whose arrays the columns hold, quoted as in
	// a statement: they are registered on the connection first (see
	// RegisterEnumTypes).
	Enums []string
}

// CopyRows validates rows (with c.Validate) and inserts them with c,
// returning how many it inserted, all or nothing: more than one group of
// rows (see Copier), or a table whose enum arrays need their types
// registered, runs in a transaction of db (a savepoint when db is one).
// Rows are validated, and grouped by the optional fields they set, before
// any SQL; pgx then reads each row's values through c.Args as it encodes
// them. The error is wrapped as c.Op says.
func CopyRows[T any](ctx context.Context, db DBTX, c *Copier[*T], rows []T) (int64, error) {
	if len(rows) == 0 {
		return 0, nil
	}
	return copyRows(ctx, db, c, len(rows), func(i int) *T { return &rows[i] },
		func(i int, d []any) []any { return c.Args(&rows[i], d) })
}

// Bit returns 1<<i when b is true, 0 when it is false: a Copier's Unset
// is the Bit of each optional field's !Set, or-ed.
func Bit(b bool, i int) uint64 {
	if b {
		return 1 << i
	}
	return 0
}

// maxCopyGroups bounds the number of groups of rows a Copy sends (each
// one a COPY); 64 optional columns could make 2^64.
const maxCopyGroups = 64

// copyRows is CopyRows over n rows, row i at(i), whose values args
// appends (c.Args of at(i): one call per row where pgx reads them), its
// error wrapped for c.Op.
func copyRows[P any](ctx context.Context, db DBTX, c *Copier[P], n int, at func(int) P, args func(int, []any) []any) (int64, error) {
	total, err := copyAll(ctx, db, c, n, at, args)
	return total, c.Op.wrap(err)
}

// copyAll is copyRows before the error is wrapped.
func copyAll[P any](ctx context.Context, db DBTX, c *Copier[P], n int, at func(int) P, args func(int, []any) []any) (int64, error) {
	s := &copySource{n: n, i: -1, columns: len(c.Columns), args: args}
	masks, err := groupRows(c, s, at)
	if err != nil {
		return 0, err
	}
	table := pgx.Identifier{c.Op.Table}
	if len(masks) == 1 && len(c.Enums) == 0 {
		return copyGroup(ctx, db, table, c.Columns, s.reset(0, masks[0]))
	}
	var total int64
	err = InTx(ctx, db, TxOptions{}, func(tx pgx.Tx) error {
		if len(c.Enums) > 0 {
			if err := RegisterEnumTypes(ctx, tx.Conn(), c.Enums...); err != nil {
				return err
			}
		}
		total = 0
		for g, m := range masks {
			n, err := copyGroup(ctx, tx, table, c.Columns, s.reset(uint8(g), m))
			if err != nil {
				return err
			}
			total += n
		}
		return nil
	})
	return total, err
}

// group validates the rows of s and groups them by the optional fields
// they leave unset, returning the mask of unset columns of each group:
// with UnsetFromArgs, the index in s.wide of the group's unset columns.
// While every row is alike, s.group stays nil (every row in group 0).
func groupRows[P any](c *Copier[P], s *copySource, at func(int) P) ([]uint64, error) {
	unset := c.Unset
	if c.UnsetFromArgs {
		unset = func(p P) uint64 {
			s.buf = c.Args(p, s.buf[:0])
			return s.widePattern()
		}
	}
	if c.Validate == nil && unset == nil {
		return append(s.masks[:0], 0), nil
	}
	var invalid validationErrors
	var first uint64
	if unset != nil {
		first = unset(at(0))
	}
	masks := append(s.masks[:0], first)
	last, lastGroup := first, 0
	tooMany := false
	for i := range s.n {
		p := at(i)
		if c.Validate != nil {
			if err := c.Validate(p); err != nil {
				invalid.add(i, err)
			}
		}
		if unset == nil || tooMany {
			continue // validating the rest, whose errors say more
		}
		m := unset(p)
		if m == last {
			if s.group != nil {
				s.group[i] = uint8(lastGroup)
			}
			continue
		}
		g := slices.Index(masks, m)
		if g < 0 {
			if len(masks) == maxCopyGroups {
				tooMany = true
				continue
			}
			g = len(masks)
			masks = append(masks, m)
		}
		if s.group == nil {
			s.group = make([]uint8, s.n) // rows before i are in group 0
		}
		s.group[i] = uint8(g)
		last, lastGroup = m, g
	}
	if err := invalid.err(); err != nil {
		return nil, err
	}
	if tooMany {
		return nil, fmt.Errorf("runtime: COPY into %s: the rows set more than %d combinations of optional fields; set them alike or use CreateManyReturning", c.Op.Table, maxCopyGroups)
	}
	return masks, nil
}

// copyGroup copies the rows of the group s is at. A group that sends no
// column (every field optional and unset) cannot be a COPY, whose column
// list must not be empty: it is one INSERT of as many rows of defaults.
func copyGroup(ctx context.Context, db DBTX, table pgx.Identifier, columns []string, s *copySource) (int64, error) {
	names := make([]string, 0, len(columns))
	for j, name := range columns {
		if !s.unset(j) {
			names = append(names, name)
		}
	}
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

// copySource feeds the rows of one group to pgx's CopyFrom: it reads each
// row's values through Args into one buffer, reused for every row. It
// is not generic, so that its methods, which pgx calls through an
// interface, are compiled once.
type copySource struct {
	args    func(i int, d []any) []any // Args of row i
	n       int                        // the number of rows
	columns int                        // the number of values of a row
	group   []uint8                    // the group of each row; nil when they are all in group 0
	g       uint8
	mask    uint64     // the unset columns of group g, a bit per column; or non-zero when unsetWide has any
	wide    [][]uint64 // the sets of unset columns the rows have, by words of 64 columns (Copier.UnsetFromArgs)
	wideRow []uint64   // widePattern's scratch set
	unsetW  []uint64   // the unset columns of group g, one of wide
	i       int
	buf     []any        // Args' values of the current row
	keep    []keptColumn // the columns the group sends
	vals    []any        // their values, as pgx encodes them (copyView)
	views   []view       // how each column's values are viewed, by index in buf
	masks   [4]uint64    // room for the masks of groupRows' first groups
}

// keptColumn is a column a group sends: its index in Args' values, and
// how its values are viewed (a copy of copySource.views, learnt as the
// group's rows are read).
type keptColumn struct {
	j    int
	view view
}

// view says how Values turns a column's values into what pgx encodes
// (copyView), learnt from the first value that is not nil: the type of
// a column's values does not change from row to row (Args gives a
// pointer into the row, or nil). Either way the bytes pgx sends are the
// same: copyView only spares pgx the runtime's pointer plans.
type view uint8

const (
	viewUnknown  view = iota // no value seen yet: copyView decides
	viewSame                 // the value itself (copyView returns it)
	viewText                 // a *string, as its *textValue
	viewNullText             // a *Null[string], as nil or its *textValue
	viewOther                // copyView decides for each value
)

// viewOf returns the view of a column whose value is v.
func viewOf(v any) view {
	switch v.(type) {
	case nil:
		return viewUnknown
	case *string:
		return viewText
	case *Null[string]:
		return viewNullText
	}
	if w := copyView(v); w != nil && reflect.TypeOf(w) == reflect.TypeOf(v) {
		return viewSame
	}
	return viewOther
}

// reset starts group g, whose rows leave unset the columns of mask.
// With UnsetFromArgs, mask is an index in s.wide, whose set holds the
// unset columns.
func (s *copySource) reset(g uint8, mask uint64) *copySource {
	if s.wide != nil {
		s.unsetW = s.wide[mask]
		mask = 0
		for _, w := range s.unsetW {
			mask |= w
		}
	}
	s.g, s.mask, s.i = g, mask, -1
	if s.views == nil {
		s.views = make([]view, s.columns)
	}
	s.keep = s.keep[:0]
	for j := range s.columns {
		if !s.unset(j) {
			s.keep = append(s.keep, keptColumn{j: j, view: s.views[j]})
		}
	}
	s.vals = slices.Grow(s.vals[:0], len(s.keep))[:len(s.keep)]
	return s
}

// unset reports whether column j is an optional field the rows of the
// current group leave unset.
func (s *copySource) unset(j int) bool {
	if s.wide != nil {
		return s.unsetW[j/64]&(1<<(j%64)) != 0
	}
	return j < 64 && s.mask&(1<<j) != 0
}

// widePattern returns the index in s.wide of the set of columns whose
// value in s.buf is nil (Copier.UnsetFromArgs: the row's unset optional
// fields), adding the set when it is new.
func (s *copySource) widePattern() uint64 {
	if s.wideRow == nil {
		s.wideRow = make([]uint64, (s.columns+63)/64)
	}
	clear(s.wideRow)
	for j, v := range s.buf {
		if v == nil {
			s.wideRow[j/64] |= 1 << (j % 64)
		}
	}
	i := slices.IndexFunc(s.wide, func(w []uint64) bool { return slices.Equal(w, s.wideRow) })
	if i < 0 {
		i = len(s.wide)
		s.wide = append(s.wide, slices.Clone(s.wideRow))
	}
	return uint64(i)
}

// Next advances to the next row of the group.
func (s *copySource) Next() bool {
	s.i++
	if s.group == nil {
		return s.i < s.n
	}
	for ; s.i < s.n; s.i++ {
		if s.group[s.i] == s.g {
			return true
		}
	}
	return false
}

// Values returns the current row's values, pointers into the row; the
// slice is reused for the next row.
func (s *copySource) Values() ([]any, error) {
	buf := s.args(s.i, s.buf[:0])
	s.buf = buf
	keep := s.keep
	vals := s.vals[:len(keep)]
	for k, c := range keep {
		v := buf[c.j]
		switch c.view {
		case viewSame:
			vals[k] = v
			continue
		case viewText:
			if p, ok := v.(*string); ok {
				vals[k] = (*textValue)(p)
				continue
			}
		case viewNullText:
			if p, ok := v.(*Null[string]); ok {
				vals[k] = nullView(p.Valid, (*textValue)(&p.V))
				continue
			}
		case viewUnknown:
			s.learn(k, v)
		}
		vals[k] = copyView(v)
	}
	return vals, nil
}

// learn sets the view of the k-th column the group sends from its value
// v, for this group and the next.
func (s *copySource) learn(k int, v any) {
	c := &s.keep[k]
	c.view = viewOf(v)
	s.views[c.j] = c.view
}

// copyView returns the value pgx encodes for v: for a pointer to a
// basic value or a *Null of one, its valuer view (as tryWrapPointer's
// plans find it), which pgx's codecs encode directly, without the
// runtime's pointer plans in between; nil for NULL; v itself for any
// other value (a *uuid.UUID, a *decimal.Decimal…), whose plan is the
// same either way.
func copyView(v any) any {
	switch p := v.(type) {
	case *string:
		return (*textValue)(p)
	case *int64:
		return (*int64Value)(p)
	case *int32:
		return (*int32Value)(p)
	case *int16:
		return (*int16Value)(p)
	case *bool:
		return (*boolValue)(p)
	case *float64:
		return (*float64Value)(p)
	case *time.Time:
		return (*timeValue)(p)
	case *Null[string]:
		return nullView(p.Valid, (*textValue)(&p.V))
	case *Null[int64]:
		return nullView(p.Valid, (*int64Value)(&p.V))
	case *Null[int32]:
		return nullView(p.Valid, (*int32Value)(&p.V))
	case *Null[bool]:
		return nullView(p.Valid, (*boolValue)(&p.V))
	case *Null[time.Time]:
		return nullView(p.Valid, (*timeValue)(&p.V))
	}
	return v
}

// nullView is the view of a *Null: view, its value's, when valid, else
// nil (NULL).
func nullView(valid bool, view any) any {
	if valid {
		return view
	}
	return nil
}

// Err reports no error: the rows are in memory.
func (s *copySource) Err() error { return nil }
