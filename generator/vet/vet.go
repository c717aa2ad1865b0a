package vet

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/internal/pgtypes"
)

// undefinedNameRE finds the name of what the server lacks in the
// message of an undefined function, type or object error: function
// uuidv7() does not exist, type "citext" does not exist.
var undefinedNameRE = regexp.MustCompile(`^(?:function|type|operator|extension|collation) "?([^"(\s]+)`)

// SchemaErrors turns the failure to create the package's schema in vet's
// temporary database into findings at the spec positions of the
// expressions that name what the server lacks (a default calling a
// function PostgreSQL 15 does not have, say): each column default,
// check, index expression and predicate that mentions it. It returns nil
// when err is not such an error or no expression mentions the name.
func SchemaErrors(pkg *ir.Package, err error) []Finding {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || !strings.HasPrefix(pe.Code, "42") {
		return nil
	}
	m := undefinedNameRE.FindStringSubmatch(pe.Message)
	if m == nil {
		return nil
	}
	nameRE := regexp.MustCompile(`(?i)(^|[^A-Za-z0-9_$])` + regexp.QuoteMeta(m[1]) + `($|[^A-Za-z0-9_$])`)
	mentions := func(expr string) bool { return expr != "" && nameRE.MatchString(expr) }
	var out []Finding
	add := func(pos ir.Pos, what, expr string) {
		out = append(out, Finding{Kind: "schema error", Pos: pos,
			Msg: fmt.Sprintf("%s %s: %s (SQLSTATE %s) on the server vet used%s", what, expr, pe.Message, pe.Code, hint(pe))})
	}
	for _, t := range pkg.Tables {
		for _, c := range t.Columns {
			if strings.HasPrefix(pe.Message, "type") && mentions(c.SQLType) {
				add(c.Pos, fmt.Sprintf("the type of column %s.%s", t.SQLName, c.SQLName), c.SQLType)
			}
			if d := c.Default; d != nil && d.Kind == ir.DefaultExpr && mentions(d.Expr) {
				add(d.Pos, fmt.Sprintf("the default of column %s.%s", t.SQLName, c.SQLName), d.Expr)
			}
		}
		for _, k := range t.Checks {
			if k.Expr != "" && mentions(k.Expr) {
				add(k.Pos, fmt.Sprintf("the check %s of table %s", k.SQLName, t.SQLName), k.Expr)
			}
		}
		for _, ix := range t.Indexes {
			if mentions(ix.Where) {
				add(ix.Pos, fmt.Sprintf("the predicate of an index of table %s", t.SQLName), ix.Where)
			}
			for _, part := range ix.Parts {
				if part.Expr != "" && mentions(part.Expr) {
					add(part.Pos, fmt.Sprintf("an index expression of table %s", t.SQLName), part.Expr)
				}
			}
		}
	}
	return out
}

// serverType is a type as the server reports it, named the way specs
// name types where there is a spec name for it.
type serverType struct {
	name  string
	enum  bool
	array bool
	elem  *serverType // of an array
	// base is the row of a built-in type, or nil.
	base *pgtypes.Type
}

func (t *serverType) String() string {
	if t.array && t.elem != nil {
		return t.elem.String() + "[]"
	}
	if t.enum {
		return t.name + " (an enum)"
	}
	return t.name
}

type attrKey struct {
	table uint32
	num   uint16
}

// attr is a table column as pg_attribute has it. A column of a view
// (or another relation that is not a table) has no nullability to
// compare: PostgreSQL marks none NOT NULL.
type attr struct {
	table, column string
	notNull       bool
	view          bool
}

// Finding is one problem vet found: its kind ("prepare error", "type
// mismatch", "column mismatch", "nullability", "schema error"), where in
// the specs, and what is wrong.
type Finding struct {
	Kind string
	Pos  ir.Pos
	Msg  string
}

// finding is one problem, before grouping.
type finding struct {
	Finding
	what string // the statement, for grouping prepare errors
}

// vetter holds the state of one Check.
type vetter struct {
	ctx      context.Context
	conn     *pgx.Conn
	pkg      *ir.Package
	root     string
	types    map[uint32]*serverType
	notNull  map[attrKey]*attr
	findings []finding
}

// Check asks the server conn is connected to — a database holding the
// package's schema — to prepare every statement of the generated package
// (ir.Package.Statements) and compares what it says with the specs:
// statements the server rejects, raw queries whose declared parameter or
// column types or nullability differ from what the server infers, and
// table columns whose type or nullability differ from the database's.
// root is the project root, where the spec files are read to point at
// the line of raw SQL an error is on. The findings come back sorted by
// position, a prepare error shared by several statements once.
func Check(ctx context.Context, conn *pgx.Conn, pkg *ir.Package, root string) ([]Finding, error) {
	v := &vetter{ctx: ctx, conn: conn, pkg: pkg, root: root, types: map[uint32]*serverType{}, notNull: map[attrKey]*attr{}}
	for _, st := range pkg.Statements() {
		if err := v.statement(st); err != nil {
			return nil, err
		}
	}
	return v.grouped(), nil
}

func (v *vetter) add(kind string, pos ir.Pos, what, format string, args ...any) {
	v.findings = append(v.findings, finding{Finding: Finding{Kind: kind, Pos: pos, Msg: fmt.Sprintf(format, args...)}, what: what})
}

// statement prepares one statement and compares what the server says
// with the spec.
func (v *vetter) statement(st ir.GeneratedStatement) error {
	desc, err := v.conn.PgConn().Prepare(v.ctx, "", st.SQL, nil)
	if err != nil {
		var pe *pgconn.PgError
		if !errors.As(err, &pe) {
			return fmt.Errorf("prepare %s: %w", st.Name, err)
		}
		pos, what := st.Pos, st.Name
		if q := st.Query; q != nil && q.Kind == ir.Raw {
			pos = v.sqlErrorPos(q, st.SQL, int(pe.Position))
			what = fmt.Sprintf("query %q", q.Name)
		}
		v.add("prepare error", pos, what, "%s (SQLSTATE %s)%s", pe.Message, pe.Code, hint(pe))
		return nil
	}
	if err := v.resolve(desc); err != nil {
		return err
	}
	if q := st.Query; q != nil && q.Kind == ir.Raw {
		v.rawParams(q, st, desc)
		v.rawColumns(q, desc)
		return nil
	}
	v.tableColumns(desc)
	return nil
}

// hint adds PostgreSQL's hint to a message, when it has one.
func hint(pe *pgconn.PgError) string {
	if pe.Hint != "" {
		return "; " + strings.TrimSuffix(pe.Hint, ".")
	}
	return ""
}

// resolve loads the types and table columns a statement description
// refers to.
func (v *vetter) resolve(desc *pgconn.StatementDescription) error {
	var oids []uint32
	for _, o := range desc.ParamOIDs {
		if v.types[o] == nil {
			oids = append(oids, o)
		}
	}
	for _, f := range desc.Fields {
		if v.types[f.DataTypeOID] == nil {
			oids = append(oids, f.DataTypeOID)
		}
	}
	if len(oids) > 0 {
		rows, err := v.conn.Query(v.ctx, `SELECT t.oid, t.typname, t.typtype = 'e', t.typcategory = 'A',
       COALESCE(e.typname, ''), COALESCE(e.typtype = 'e', false)
FROM pg_type t LEFT JOIN pg_type e ON e.oid = t.typelem AND t.typcategory = 'A'
WHERE t.oid = ANY($1)`, oids)
		if err != nil {
			return fmt.Errorf("read pg_type: %w", err)
		}
		for rows.Next() {
			var oid uint32
			var name, elem string
			var enum, array, elemEnum bool
			if err := rows.Scan(&oid, &name, &enum, &array, &elem, &elemEnum); err != nil {
				rows.Close()
				return err
			}
			t := newServerType(name, enum, array)
			if array && elem != "" {
				t.elem = newServerType(elem, elemEnum, false)
			}
			v.types[oid] = t
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	for _, f := range desc.Fields {
		k := attrKey{f.TableOID, f.TableAttributeNumber}
		if f.TableOID == 0 || f.TableAttributeNumber == 0 || v.notNull[k] != nil {
			continue
		}
		a := &attr{}
		err := v.conn.QueryRow(v.ctx, `SELECT c.relname, a.attname, a.attnotnull, c.relkind NOT IN ('r', 'p') FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid WHERE a.attrelid = $1 AND a.attnum = $2`, f.TableOID, int16(f.TableAttributeNumber)).
			Scan(&a.table, &a.column, &a.notNull, &a.view)
		if err != nil {
			return fmt.Errorf("read pg_attribute: %w", err)
		}
		v.notNull[k] = a
	}
	return nil
}

// newServerType names a pg_type the way specs do: the canonical name of
// the row whose Catalog it is (int4 is integer), else its own.
func newServerType(pgName string, enum, array bool) *serverType {
	t := &serverType{name: pgName, enum: enum, array: array}
	if b := pgtypes.ByCatalog(pgName); b != nil && !enum && !array {
		t.name, t.base = b.Name, b
	}
	return t
}

func (v *vetter) typeOf(oid uint32) *serverType {
	if t := v.types[oid]; t != nil {
		return t
	}
	return &serverType{name: fmt.Sprintf("oid %d", oid)}
}

// rawParams compares a raw query's declared parameters with the types
// the server inferred for its placeholders.
func (v *vetter) rawParams(q *ir.Query, st ir.GeneratedStatement, desc *pgconn.StatementDescription) {
	declared := map[string]*ir.RawColumn{}
	for _, p := range q.Params {
		if p.Decl != nil {
			declared[p.Name] = p.Decl
		}
	}
	for i, a := range st.Variant.Args {
		if i >= len(desc.ParamOIDs) {
			break
		}
		name := a.Param.Name
		var typ ir.Type
		pos := q.SQLPos
		switch p := declared[name]; {
		case p != nil:
			typ, pos = p.Type, p.Pos
		case name == "tenant" && q.Table.Tenant != nil:
			typ = q.Table.Tenant.Type
		default:
			continue
		}
		got := v.typeOf(desc.ParamOIDs[i])
		if !typesMatch(typ, got, true) {
			v.add("type mismatch", pos, "", "query %q parameter %q: declared %s, server says %s", q.Name, name, typ, got)
		}
	}
}

// rawColumns compares a raw query's declared result columns with the
// statement's, by position: names, types and, where the server knows
// the column's table, nullability.
func (v *vetter) rawColumns(q *ir.Query, desc *pgconn.StatementDescription) {
	cols := q.Columns
	if len(cols) == 0 {
		return
	}
	if len(cols) != len(desc.Fields) {
		var names []string
		for _, f := range desc.Fields {
			names = append(names, f.Name)
		}
		v.add("column mismatch", q.SQLPos, "", "query %q declares %d columns, the statement returns %d (%s)", q.Name, len(cols), len(desc.Fields), strings.Join(names, ", "))
	}
	for i, f := range desc.Fields {
		if i >= len(cols) {
			break
		}
		c := cols[i]
		if f.Name != c.Name {
			v.add("column mismatch", c.Pos, "", "query %q column %d: declared %q, the statement returns %q; rows are read by position, so list the columns in the statement's order", q.Name, i+1, c.Name, f.Name)
			continue
		}
		got := v.typeOf(f.DataTypeOID)
		if !typesMatch(c.Type, got, false) {
			v.add("type mismatch", c.Pos, "", "query %q column %q: declared %s, server says %s", q.Name, c.Name, c.Type, got)
		}
		if a := v.notNull[attrKey{f.TableOID, f.TableAttributeNumber}]; a != nil && !a.view && !c.Nullable && !a.notNull {
			v.add("nullability", c.Pos, "", "query %q column %q: declared NOT NULL, but %s.%s allows NULL; add nullable: true", q.Name, c.Name, a.table, a.column)
		}
	}
}

// tableColumns compares the table columns a generated statement returns
// with the spec's: a difference means the database (the migrations) and
// the specs disagree.
func (v *vetter) tableColumns(desc *pgconn.StatementDescription) {
	for _, f := range desc.Fields {
		a := v.notNull[attrKey{f.TableOID, f.TableAttributeNumber}]
		if a == nil {
			continue
		}
		if a.view {
			// A view's columns are what its query computes: their types
			// are compared, never their nullability, which PostgreSQL
			// does not know.
			if col := column(v.pkg.Views, a.table, a.column); col != nil {
				if got := v.typeOf(f.DataTypeOID); !typesMatch(col.Type, got, false) {
					v.add("type mismatch", col.Pos, "column "+a.table+"."+a.column, "column %q of view %q is %s in the specs, %s as the view's query computes it; declare the type the query returns, or cast in the query", a.column, a.table, col.Type, got)
				}
			}
			continue
		}
		col := column(v.pkg.Tables, a.table, a.column)
		if col == nil {
			continue
		}
		got := v.typeOf(f.DataTypeOID)
		if !typesMatch(col.Type, got, false) {
			v.add("type mismatch", col.Pos, "column "+a.table+"."+a.column, "column %q.%q is %s in the specs, %s in the database; run cpcgen migrate diff", a.table, a.column, col.Type, got)
		}
		if !col.Nullable && !a.notNull {
			v.add("nullability", col.Pos, "column "+a.table+"."+a.column, "column %q.%q is NOT NULL in the specs, but the database allows NULL; run cpcgen migrate diff", a.table, a.column)
		}
	}
}

// column returns the column of the table (or view model) named table
// among tables, or nil.
func column(tables []*ir.Table, table, column string) *ir.Column {
	for _, t := range tables {
		if t.SQLName == table {
			return t.Column(column)
		}
	}
	return nil
}

// grouped returns the findings: duplicates once, and prepare errors of
// generated statements grouped by position and message, so that a
// missing column is one finding, not one per method; sorted by position.
func (v *vetter) grouped() []Finding {
	type key struct {
		kind, pos, msg string
	}
	var order []key
	first := map[key]finding{}
	whats := map[key][]string{}
	for _, f := range v.findings {
		k := key{f.Kind, f.Pos.String(), f.Msg}
		if _, seen := first[k]; !seen {
			order = append(order, k)
			first[k] = f
		}
		if f.what != "" && !slices.Contains(whats[k], f.what) {
			whats[k] = append(whats[k], f.what)
		}
	}
	var out []Finding
	for _, k := range order {
		f := first[k].Finding
		if f.Kind == "prepare error" {
			f.Msg = joinLimited(whats[k], 3) + ": " + f.Msg
		}
		out = append(out, f)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Pos.Compare(out[j].Pos) < 0 })
	return out
}

// joinLimited joins names, naming at most n: "a, b, c and 4 more".
func joinLimited(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:n], ", "), len(names)-n)
}

// isString reports whether t is one of the types that are all a Go
// string: the rows that are Text, and the catalog's name type.
func isString(t *serverType) bool {
	return t.base != nil && t.base.Text || !t.enum && t.name == "name"
}

// typesMatch reports whether a declared spec type agrees with the
// server's: see the rules in vet's help.
func typesMatch(decl ir.Type, got *serverType, param bool) bool {
	if got.name == "unknown" {
		return true
	}
	if (decl.ArrayDims > 0) != got.array {
		return false
	}
	g := got
	if got.array {
		if got.elem == nil {
			return false
		}
		g = got.elem
	}
	d := decl.Elem()
	switch {
	case d.Enum != nil:
		return (g.enum && g.name == d.Enum.SQLName) || isString(g)
	case g.enum:
		return param && d.Base.Text
	case got.array && d.Base != nil && d.Base.TextArray && isString(g):
		// An array pgx has no codec of (hstore[]) travels as text[],
		// as raw queries select it.
		return true
	case d.Base.Text && isString(g):
		return true
	case d.Name == g.name:
		return true
	case param && g.base != nil:
		// A narrower declared number than the server's: integer for
		// LIMIT's bigint, real for double precision.
		return pgtypes.Widens(d.Base, g.base)
	}
	return false
}

var tokenRE = regexp.MustCompile(`^[A-Za-z0-9_."]+`)

// sqlErrorPos maps the position PostgreSQL reports in a raw query's
// statement (1-based, in characters) to the spec: the line of the sql:
// value it falls on and, when the offending word is found on it, its
// column. The statement is the query's text after a header line, with
// @names rewritten, which keeps lines but not columns.
func (v *vetter) sqlErrorPos(q *ir.Query, stmt string, charPos int) ir.Pos {
	pos := q.SQLPos
	if charPos <= 0 || !pos.IsValid() {
		return pos
	}
	runes := []rune(stmt)
	if charPos > len(runes) {
		return pos
	}
	before := string(runes[:charPos-1])
	line := strings.Count(before, "\n") // 0: the header
	if len(q.Keys) > 0 {
		// A raw keyset query's SQL is the subquery of SELECT * FROM (,
		// one line down; an error in the lines around it points at the
		// query.
		line--
		if line >= len(strings.Split(strings.TrimRight(q.SQL, " \t\r\n"), "\n"))+1 {
			return pos
		}
	}
	if line <= 0 {
		return pos
	}
	lineStart := strings.LastIndexByte(before, '\n') + 1
	word := tokenRE.FindString(stmt[len(before):])
	srcLines := strings.Split(q.SQL, "\n")
	if line-1 >= len(srcLines) {
		return pos
	}
	orig := srcLines[line-1]
	fileLine, indent, ok := v.sqlLine(pos, line)
	if !ok {
		// A one-line scalar: the value starts at pos.
		col := pos.Col + (len(before) - lineStart)
		if i := strings.Index(orig, word); word != "" && i >= 0 {
			col = pos.Col + len([]rune(orig[:i]))
			if quoted(v.root, pos) {
				col++
			}
		}
		return ir.Pos{File: pos.File, Line: pos.Line, Col: col}
	}
	col := indent + 1
	if i := strings.Index(orig, word); word != "" && i >= 0 {
		col += len([]rune(orig[:i]))
	}
	return ir.Pos{File: pos.File, Line: fileLine, Col: col}
}

// sqlLine returns, for a block scalar (sql: |), the file line of the
// n-th line of its content (1-based) and the block's indentation; ok is
// false when the value is not a block scalar.
func (v *vetter) sqlLine(pos ir.Pos, n int) (line, indent int, ok bool) {
	data, err := os.ReadFile(filepath.Join(v.root, filepath.FromSlash(pos.File)))
	if err != nil {
		return 0, 0, false
	}
	lines := strings.Split(string(data), "\n")
	if pos.Line-1 >= len(lines) {
		return 0, 0, false
	}
	head := []rune(lines[pos.Line-1])
	if pos.Col-1 >= len(head) || (head[pos.Col-1] != '|' && head[pos.Col-1] != '>') {
		return 0, 0, false
	}
	// Content lines follow; blank lines count as lines of the value.
	l := pos.Line + n
	if l-1 >= len(lines) {
		return 0, 0, false
	}
	for i := pos.Line; i < len(lines); i++ {
		if t := strings.TrimLeft(lines[i], " "); t != "" {
			indent = len(lines[i]) - len(t)
			break
		}
	}
	return l, indent, true
}

// quoted reports whether the scalar at pos starts with a quote.
func quoted(root string, pos ir.Pos) bool {
	data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(pos.File)))
	if err != nil {
		return false
	}
	lines := strings.Split(string(data), "\n")
	if pos.Line-1 >= len(lines) {
		return false
	}
	l := []rune(lines[pos.Line-1])
	return pos.Col-1 < len(l) && (l[pos.Col-1] == '"' || l[pos.Col-1] == '\'')
}
