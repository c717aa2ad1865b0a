package generator

import (
	"slices"
	"strconv"
	"strings"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/runtime"
)

// Names of the common table expressions and columns of batch writes.
const (
	cteOld   = `"cpcgen_old"`
	cteNew   = `"cpcgen_new"`
	cteRows  = `"cpcgen_v"`
	cteBad   = `"cpcgen_bad"`
	cteIns   = `"cpcgen_ins"`
	colOrd   = `"cpcgen_ord"`
	colOK    = `"cpcgen_ok"`
	colState = `"cpcgen_state"`
)

// rowsCol is column col of the rows of a batch: "cpcgen_v"."cpcgen_3".
func rowsCol(col string) string { return cteRows + "." + col }

// bulkRows are the arrays a batch statement binds, unnested into the
// rows of cteRows: one column per array, "cpcgen_1" …, and the row's
// position, colOrd.
type bulkRows struct {
	p      *placeholders
	arrays []string
	args   []ir.BulkArg
	cols   []string
}

// add binds the array of a and returns its column. An array-typed value
// travels as the text of its literal, as does a value of a type named by
// its SQL.
func (r *bulkRows) add(a ir.BulkArg) string {
	c := a.Column
	var param string
	switch {
	case a.Kind == ir.ArgOptSet:
		param = r.p.next() + "::boolean[]"
	case c.Type.ArrayDims > 0 || c.Type.IsSQLNamed():
		param = r.p.nextFor(c) + "::text[]"
		a.TextType = textArrayType(c)
	default:
		param = arrayCast(r.p.nextFor(c), c.Type)
	}
	r.arrays = append(r.arrays, param)
	r.args = append(r.args, a)
	col := names.QuoteIdent("cpcgen_" + strconv.Itoa(len(r.arrays)))
	r.cols = append(r.cols, col)
	return col
}

// value is the expression of a row's value of column c held in col,
// cast back to the column's type when it travels as text.
func (r *bulkRows) value(col string, c *ir.Column, qual string) string {
	v := qual + "." + col
	if c.Type.ArrayDims > 0 || c.Type.IsSQLNamed() {
		return castType(v, c.Type)
	}
	return v
}

// textArrayType is the pgx type an array value of c is written as:
// text[] for arrays of enums, of the types whose Go values are strings
// (text, citext, ltree: the literal is the same, and the statement casts
// it) and of those pgx has no array codec of (hstore), the element
// type's array otherwise.
func textArrayType(c *ir.Column) string {
	if c.Type.IsTextArray() || c.Type.Base.Go.Path == "" && c.Type.Base.Go.Name == "string" {
		return "_text"
	}
	return "_" + c.Type.Base.Catalog
}

// unnest is the FROM item of the rows, aliased alias.
func (r *bulkRows) unnest(alias string) string {
	return "unnest(" + strings.Join(r.arrays, ", ") + ") WITH ORDINALITY AS " + alias +
		"(" + strings.Join(r.cols, ", ") + ", " + colOrd + ")"
}

// cte is the common table expression of the rows, with extra columns
// computed from them (reading alias "cpcgen_u").
func (r *bulkRows) cte(extra []string) string {
	sel := "*"
	if len(extra) > 0 {
		sel += ", " + strings.Join(extra, ", ")
	}
	return cteRows + " AS (SELECT " + sel + " FROM " + r.unnest(`"cpcgen_u"`) + ")"
}

// withSQL joins the common table expressions of a batch statement, one
// a line, and its main query.
func withSQL(ctes []string, final string) string {
	return "WITH " + strings.Join(ctes, ",\n") + "\n" + final
}

// oneLine puts an SQL text on one line.
func oneLine(sql string) string { return strings.ReplaceAll(sql, "\n", " ") }

// perRow makes conditions on one row's values (the behaviours' guards:
// the version the caller read) read them from the rows of the batch.
func perRow(conds []string, version string) []string {
	out := make([]string, len(conds))
	for i, c := range conds {
		out[i] = strings.ReplaceAll(c, mark(ir.TailVersion), version)
	}
	return out
}

// keyedWrite is a batch write of rows by primary key: UpdateMany,
// DeleteMany, HardDeleteMany, RestoreMany.
type keyedWrite struct {
	method string
	// action names the write in the audit log.
	action string
	// sets are the SET items of an update, reading the rows' values; nil
	// for a DELETE.
	sets []string
	// conds are the conditions a row must meet to be written besides its
	// key (scope, live or deleted), unqualified.
	conds []string
	// guard is the per-row check of the version the caller read, "" for
	// none: a row that fails it stops the batch (BulkStale).
	guard string
	// missing makes a key without a row stop the batch (BulkMissing).
	missing bool
	// rows makes the statement return the rows as written.
	rows bool
}

// keyedWriteSQL renders a batch write by primary key over the rows r
// whose key columns are keys. The rows of the table are locked first, in
// the order of the batch, so that batches over overlapping keys lock in
// one order; a row that stops the batch (missing, stale) keeps the write
// from happening at all:
//
//	WITH v AS (SELECT * FROM unnest($1::uuid[], …) WITH ORDINALITY),
//	     old AS MATERIALIZED (SELECT ord, version ok FROM v JOIN t ON key … ORDER BY ord FOR UPDATE OF t),
//	     bad AS (v rows without an old row, or not ok),
//	     new AS (UPDATE t SET … FROM v WHERE key … AND NOT EXISTS (SELECT 1 FROM bad) RETURNING ord, …)
//	SELECT state, ord FROM bad (or the rows of new)
//
// The result has the row's state (runtime.BulkWritten, BulkMissing,
// BulkStale) and position, then, with rows, the columns.
func keyedWriteSQL(t *ir.Table, w keyedWrite, r *bulkRows, keys []string) string {
	join := make([]string, len(t.PK))
	for i, c := range t.PK {
		join[i] = t.Quoted + "." + c.Quoted + " = " + rowsCol(keys[i])
	}
	sel := []string{rowsCol(colOrd)}
	if w.guard != "" {
		sel = append(sel, w.guard+" AS "+colOK)
	}
	ctes := []string{
		r.cte(nil),
		cteOld + " AS MATERIALIZED (SELECT " + strings.Join(sel, ", ") + " FROM " + cteRows + " JOIN " + t.Quoted +
			" ON " + and(join) + oneLine(whereClause(w.conds)) + " ORDER BY " + rowsCol(colOrd) + " FOR UPDATE OF " + t.Quoted + ")",
	}
	oldOrd := cteOld + "." + colOrd
	var bad []string
	switch {
	case w.missing && w.guard != "":
		bad = []string{"SELECT " + rowsCol(colOrd) + ", CASE WHEN " + oldOrd + " IS NULL THEN " + strconv.Itoa(runtime.BulkMissing) +
			" ELSE " + strconv.Itoa(runtime.BulkStale) + " END AS " + colState,
			"FROM " + cteRows + " LEFT JOIN " + cteOld + " ON " + oldOrd + " = " + rowsCol(colOrd),
			"WHERE " + oldOrd + " IS NULL OR NOT " + cteOld + "." + colOK}
	case w.missing:
		bad = []string{"SELECT " + rowsCol(colOrd) + ", " + strconv.Itoa(runtime.BulkMissing) + " AS " + colState,
			"FROM " + cteRows + " LEFT JOIN " + cteOld + " ON " + oldOrd + " = " + rowsCol(colOrd),
			"WHERE " + oldOrd + " IS NULL"}
	case w.guard != "":
		bad = []string{"SELECT " + oldOrd + ", " + strconv.Itoa(runtime.BulkStale) + " AS " + colState,
			"FROM " + cteOld + " WHERE NOT " + colOK}
	}
	// The write reads the rows' locks first: through bad, or by counting
	// them (either is evaluated once, before the first row is written).
	conds := append(join[:len(join):len(join)], w.conds...)
	if len(bad) > 0 {
		ctes = append(ctes, cteBad+" AS ("+strings.Join(bad, " ")+")")
		conds = append(conds, "NOT EXISTS (SELECT 1 FROM "+cteBad+")")
	} else {
		conds = append(conds, lockedFirst)
	}
	from := cteRows
	ret := []string{rowsCol(colOrd)}
	var write string
	if w.sets != nil {
		if w.rows {
			ret = append(ret, quotedList(t.Columns))
		}
		write = "UPDATE " + t.Quoted + " SET " + strings.Join(w.sets, ", ") + " FROM " + from
	} else {
		write = "DELETE FROM " + t.Quoted + " USING " + from
	}
	ctes = append(ctes, cteNew+" AS ("+write+" WHERE "+and(conds)+" RETURNING "+strings.Join(ret, ", ")+")")
	written := strconv.Itoa(runtime.BulkWritten) + " AS " + colState + ", " + cteNew + "." + colOrd
	var final string
	switch {
	case w.rows:
		nulls := strings.TrimSuffix(strings.Repeat("NULL, ", len(t.Columns)), ", ")
		final = "SELECT " + written + ", " + qualifiedSelect(cteNew, t.Columns) + " FROM " + cteNew +
			" UNION ALL SELECT " + colState + ", " + colOrd + ", " + nulls + " FROM " + cteBad
	case w.missing:
		final = "SELECT " + colState + ", " + colOrd + " FROM " + cteBad
	case len(bad) > 0:
		final = "SELECT " + written + " FROM " + cteNew + " UNION ALL SELECT " + colState + ", " + colOrd + " FROM " + cteBad
	default:
		final = "SELECT " + written + " FROM " + cteNew
	}
	return withSQL(ctes, final)
}

// sharePrefix makes the statements ss of t share the text they start
// with after their name lines (ir.Statement.Prefix), as the constant
// named name, when it is at least half of the shortest of them: UpdateMany
// and UpdateManyReturning differ only in what the write returns and the
// final SELECT. The shared text ends at the end of a common table
// expression, or before a list's next item or closing parenthesis.
func sharePrefix(t *ir.Table, name string, ss ...*ir.Statement) {
	bodies := make([]string, len(ss))
	shortest := -1
	for i, s := range ss {
		if s.Const == "" {
			return
		}
		_, bodies[i], _ = strings.Cut(s.SQL, "\n")
		if shortest < 0 || len(bodies[i]) < shortest {
			shortest = len(bodies[i])
		}
	}
	n := 0
	for n < shortest && allAt(bodies, n, bodies[0][n]) {
		n++
	}
	if !allAt(bodies, n, ')', ',') {
		n = max(strings.LastIndex(bodies[0][:n], ",\n"), 0)
	}
	if 2*n < shortest {
		return
	}
	p := &ir.SQLPrefix{Const: sqlName(t, name), SQL: bodies[0][:n]}
	for _, s := range ss {
		s.Prefix = p
	}
	ss[0].OwnsPrefix = true
}

// allAt reports whether every one of texts has one of chars at byte i.
func allAt(texts []string, i int, chars ...byte) bool {
	for _, s := range texts {
		if i >= len(s) || !slices.Contains(chars, s[i]) {
			return false
		}
	}
	return true
}

// lockedFirst is the condition of a batch write that has its rows locked
// (cteOld) before it writes any: an uncorrelated subquery, evaluated once
// at its start, that reads them all.
const lockedFirst = "(SELECT count(*) FROM " + cteOld + ") > 0"

// bulkKeys binds the primary key of each row (read at paths) and returns
// the key columns.
func bulkKeys(t *ir.Table, r *bulkRows, path func(c *ir.Column) []string) []string {
	keys := make([]string, len(t.PK))
	for i, c := range t.PK {
		keys[i] = r.add(ir.BulkArg{Column: c, Kind: ir.ArgValue, Path: path(c)})
	}
	return keys
}

// updateManySQL is the statement of UpdateMany (or, with rows,
// UpdateManyReturning): each row's set fields applied to the row with its
// key, as Update applies them, the version checked per row; a key without
// a row, or with a stale version, stops the batch. The arrays are the
// key, the version, then the fields as Update binds them.
func updateManySQL(t *ir.Table, w *ir.BulkWrite, rows bool) (ir.Statement, []ir.BulkArg) {
	p := placeholders{}
	r := &bulkRows{p: &p}
	keys := bulkKeys(t, r, func(c *ir.Column) []string { return []string{c.Field} })
	kw := keyedWrite{method: "UpdateMany", action: "update", missing: true, rows: rows,
		conds: scopeConds(t, "", false)}
	if t.Version != nil {
		ver := r.add(ir.BulkArg{Column: t.Version, Kind: ir.ArgValue, Path: []string{t.Version.Field}})
		kw.guard = and(perRow(guardConds(t), rowsCol(ver)))
	}
	sets := []string{}
	args := t.SQL.UpdateArgs
	for i := 0; i < len(args); i++ {
		a := args[i]
		c := a.Column
		path := []string{w.Changes, c.Field}
		if a.Kind == ir.ArgOptPtr {
			col := r.add(ir.BulkArg{Column: c, Kind: a.Kind, Path: path})
			sets = append(sets, c.Quoted+" = COALESCE("+r.value(col, c, cteRows)+", "+t.Quoted+"."+c.Quoted+")")
			continue
		}
		set := r.add(ir.BulkArg{Column: c, Kind: ir.ArgOptSet, Path: path})
		val := r.add(ir.BulkArg{Column: c, Kind: ir.ArgOptValue, Path: path})
		i++
		sets = append(sets, c.Quoted+" = CASE WHEN "+rowsCol(set)+" THEN "+r.value(val, c, cteRows)+" ELSE "+t.Quoted+"."+c.Quoted+" END")
	}
	kw.sets = append(sets, behaviourSets(t, t.Quoted+".")...)
	method := "UpdateMany"
	if rows {
		method = "UpdateManyReturning"
	}
	s := p.finish(t, method, keyedWriteSQL(t, kw, r, keys))
	s.Const = sqlName(t, method)
	return s, r.args
}

// keyPath is the path to a key column's value in a key of the table: the
// key itself for a single column, its field in a composite key's struct.
func keyPath(t *ir.Table, c *ir.Column, in ...string) []string {
	if len(t.PK) == 1 {
		return in
	}
	return append(in[:len(in):len(in)], c.Field)
}

// deleteManySQL is the statement of DeleteMany: the rows with the keys
// deleted, a key without a row skipped, and, with optimistic_lock, the
// version checked per row (one stale row stops the batch). It binds the
// keys, then the versions; sets, when not nil, make the delete an update
// (soft_delete), whose conds say which rows it reaches.
func deleteManySQL(t *ir.Table, method, action string, sets, conds []string, versioned bool) (ir.Statement, []ir.BulkArg) {
	p := placeholders{}
	r := &bulkRows{p: &p}
	var in []string
	if versioned {
		in = []string{"Key"}
	}
	keys := bulkKeys(t, r, func(c *ir.Column) []string { return keyPath(t, c, in...) })
	kw := keyedWrite{method: method, action: action, sets: sets, conds: conds}
	if versioned {
		ver := r.add(ir.BulkArg{Column: t.Version, Kind: ir.ArgValue, Path: []string{"Version"}})
		kw.guard = and(perRow(guardConds(t), rowsCol(ver)))
	}
	s := p.finish(t, method, keyedWriteSQL(t, kw, r, keys))
	s.Const = sqlName(t, method)
	return s, r.args
}

// bulkInsert is the rows of a batch insert: the insert values of each
// row computed in cteRows (defaults applied once per row, so that a
// generated key is the same wherever the statement reads it), and the
// columns the behaviours stamp.
type bulkInsert struct {
	r *bulkRows
	// cols are the quoted insert columns and vals their values, reading
	// cteRows (the stamps are constants).
	cols []string
	vals []string
	// raw are, per insert column, the columns of the row's own values:
	// one, or for a nullable column with a default whether it is set and
	// the value.
	raw [][]string
	// exprs are cteRows' computed columns.
	exprs []string
}

// bulkInsertValues binds the insert values of each row of t, read from
// its insert struct.
func bulkInsertValues(t *ir.Table, p *placeholders) *bulkInsert {
	in := &bulkInsert{r: &bulkRows{p: p}}
	u := `"cpcgen_u"`
	for i, c := range t.Insert {
		path := []string{c.Field}
		var expr string
		switch {
		case !c.HasDefault:
			col := in.r.add(ir.BulkArg{Column: c, Kind: ir.ArgValue, Path: path})
			in.raw = append(in.raw, []string{col})
			expr = in.r.value(col, c, u)
		case !c.Nullable:
			col := in.r.add(ir.BulkArg{Column: c, Kind: ir.ArgOptPtr, Path: path})
			in.raw = append(in.raw, []string{col})
			expr = "COALESCE(" + in.r.value(col, c, u) + ", " + defaultSQL(c) + ")"
		default:
			set := in.r.add(ir.BulkArg{Column: c, Kind: ir.ArgOptSet, Path: path})
			val := in.r.add(ir.BulkArg{Column: c, Kind: ir.ArgOptValue, Path: path})
			in.raw = append(in.raw, []string{set, val})
			expr = "CASE WHEN " + u + "." + set + " THEN " + in.r.value(val, c, u) + " ELSE " + defaultSQL(c) + " END"
		}
		name := names.QuoteIdent("cpcgen_i" + strconv.Itoa(i+1))
		in.exprs = append(in.exprs, expr+" AS "+name)
		in.cols = append(in.cols, c.Quoted)
		in.vals = append(in.vals, rowsCol(name))
	}
	for _, h := range hooks(t) {
		cols, vals := h.stamps(t)
		for i, v := range vals {
			in.cols = append(in.cols, cols[i])
			in.vals = append(in.vals, castTypeOf(t, cols[i], v))
		}
	}
	return in
}

// castTypeOf casts a stamped value to the type of the column quoted col.
func castTypeOf(t *ir.Table, col, v string) string {
	for _, c := range t.Columns {
		if c.Quoted == col {
			return castType(v, c.Type)
		}
	}
	return v
}

// value returns the insert value of column c, and whether it is a
// row's own (a stamp is the same for every row).
func (in *bulkInsert) value(t *ir.Table, c *ir.Column) (string, bool) {
	for i, q := range in.cols {
		if q == c.Quoted {
			return in.vals[i], i < len(t.Insert)
		}
	}
	return "NULL", false
}

// keyMatch are the conditions matching a row of the table (unqualified
// columns) of the caller's sight with the row of the batch on k: the key
// columns, the partial index's predicate, and the scope.
func (in *bulkInsert) keyMatch(t *ir.Table, k *ir.UniqueKey) []string {
	var match []string
	for _, c := range k.Columns {
		v, _ := in.value(t, c)
		match = append(match, c.Quoted+" = "+v)
	}
	if k.Where != "" {
		match = append(match, "("+k.Where+")")
	}
	return withScope(match, t)
}

// insertRows is the INSERT of the batch's rows, in the order of the
// batch, skipping those that conflict on k; where filters them.
func (in *bulkInsert) insertRows(t *ir.Table, k *ir.UniqueKey, where string) string {
	ret := quotedList(t.Columns)
	return cteIns + " AS (INSERT INTO " + t.Quoted + " (" + strings.Join(in.cols, ", ") + ") SELECT " +
		strings.Join(in.vals, ", ") + " FROM " + cteRows + where + " ORDER BY " + rowsCol(colOrd) + " " +
		conflictTarget(k) + " DO NOTHING RETURNING " + ret + ")"
}

// insertedRows selects the rows the batch inserted, with the position of
// the row each comes from (its key), as state.
func (in *bulkInsert) insertedRows(t *ir.Table, k *ir.UniqueKey, state int) string {
	var on []string
	for _, c := range k.Columns {
		if v, own := in.value(t, c); own {
			on = append(on, cteIns+"."+c.Quoted+" = "+v)
		}
	}
	if len(on) == 0 {
		on = []string{"true"}
	}
	return "SELECT " + strconv.Itoa(state) + " AS " + colState + ", " + rowsCol(colOrd) + ", " + qualifiedSelect(cteIns, t.Columns) +
		" FROM " + cteIns + " JOIN " + cteRows + " ON " + and(on)
}

// upsertManySQL is the statement of UpsertManyBy…: each row inserted or,
// when a row of the caller's sight is in the way on k, that row updated
// as the upsert updates it. The rows in the way are locked first, in the
// order of the batch; the other rows are inserted, skipping those that
// conflict all the same (a row committed after the statement started, or
// out of sight), which the method sends again; then the locked rows are
// updated:
//
//	WITH v AS (the rows and their insert values),
//	     old AS MATERIALIZED (SELECT ord, pk FROM v JOIN t ON key WHERE scope ORDER BY ord FOR UPDATE OF t),
//	     ins AS (INSERT INTO t SELECT … FROM v WHERE ord NOT IN old ORDER BY ord ON CONFLICT (key) DO NOTHING RETURNING …),
//	     new AS (UPDATE t SET … FROM old JOIN v … RETURNING ord, …)
//	SELECT 0, ord, … FROM ins JOIN v ON key UNION ALL SELECT 0, ord, … FROM new
func upsertManySQL(t *ir.Table, k *ir.UniqueKey) ir.Statement {
	var p placeholders
	in := bulkInsertValues(t, &p)
	match := in.keyMatch(t, k)
	sel := []string{rowsCol(colOrd)}
	pk := make([]string, len(t.PK))
	for i, c := range t.PK {
		pk[i] = names.QuoteIdent("cpcgen_k" + strconv.Itoa(i+1))
		sel = append(sel, t.Quoted+"."+c.Quoted+" AS "+pk[i])
	}
	oldOrd := cteOld + "." + colOrd
	ctes := []string{
		in.r.cte(in.exprs),
		cteOld + " AS MATERIALIZED (SELECT " + strings.Join(sel, ", ") + " FROM " + cteRows + " JOIN " + t.Quoted +
			" ON " + and(match) + " ORDER BY " + rowsCol(colOrd) + " FOR UPDATE OF " + t.Quoted + ")",
		in.insertRows(t, k, " WHERE NOT EXISTS (SELECT 1 FROM "+cteOld+" WHERE "+oldOrd+" = "+rowsCol(colOrd)+")"),
	}
	var sets []string
	for i, c := range t.Insert {
		if inKey(k, c) || c.PrimaryKey {
			continue
		}
		raw := in.raw[i]
		current := t.Quoted + "." + c.Quoted
		switch {
		case !c.HasDefault:
			sets = append(sets, c.Quoted+" = "+in.vals[i])
		case !c.Nullable:
			sets = append(sets, c.Quoted+" = COALESCE("+in.r.value(raw[0], c, cteRows)+", "+current+")")
		default:
			sets = append(sets, c.Quoted+" = CASE WHEN "+rowsCol(raw[0])+" THEN "+in.r.value(raw[1], c, cteRows)+" ELSE "+current+" END")
		}
	}
	sets = append(sets, behaviourSets(t, t.Quoted+".")...)
	if len(sets) == 0 {
		// Nothing to change; the no-op update still returns the row.
		c := k.Columns[0]
		sets = append(sets, c.Quoted+" = "+t.Quoted+"."+c.Quoted)
	}
	ret := rowsCol(colOrd) + ", " + quotedList(t.Columns)
	// The rows in the way are the locked ones: the update finds them by
	// the key as the lock did.
	ctes = append(ctes, cteNew+" AS (UPDATE "+t.Quoted+" SET "+strings.Join(sets, ", ")+" FROM "+cteRows+
		" WHERE "+and(append(match, lockedFirst))+" RETURNING "+ret+")")
	final := in.insertedRows(t, k, runtime.BulkWritten) + " UNION ALL SELECT " + strconv.Itoa(runtime.BulkWritten) + ", " +
		cteNew + "." + colOrd + ", " + qualifiedSelect(cteNew, t.Columns) + " FROM " + cteNew
	s := p.finish(t, k.UpsertMany, withSQL(ctes, final))
	s.Const = sqlName(t, k.UpsertMany)
	return s
}

// createManyIfAbsentSQL is the statement of CreateManyIfAbsentBy…: the
// rows inserted unless they conflict on k, then, for each row, the new
// row (runtime.BulkWritten) or the row of the caller's sight in the way
// (BulkFound). A row in the way committed after the statement started,
// or out of sight, leaves its row out, which the method sends again.
func createManyIfAbsentSQL(t *ir.Table, k *ir.UniqueKey) ir.Statement {
	var p placeholders
	in := bulkInsertValues(t, &p)
	ctes := []string{in.r.cte(in.exprs), in.insertRows(t, k, "")}
	match := in.keyMatch(t, k)
	final := in.insertedRows(t, k, runtime.BulkWritten) + " UNION ALL SELECT " + strconv.Itoa(runtime.BulkFound) + ", " +
		rowsCol(colOrd) + ", " + qualifiedSelect(t.Quoted, t.Columns) + " FROM " + cteRows + " JOIN " + t.Quoted + " ON " + and(match)
	s := p.finish(t, k.CreateManyIfAbsent, withSQL(ctes, final))
	s.Const = sqlName(t, k.CreateManyIfAbsent)
	return s
}
