package main

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
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/spf13/cobra"

	"github.com/cpcgen/cpcgen/generator"
	"github.com/cpcgen/cpcgen/generator/migration"
	"github.com/cpcgen/cpcgen/spec"
)

func (c *cli) vetCommand() *cobra.Command {
	var devURL, dbURL, format string
	var quiet bool
	cmd := &cobra.Command{
		Use:   "vet",
		Short: "Prepare every generated statement on PostgreSQL and check the declared types",
		Long: `vet creates a temporary database on a PostgreSQL server, applies the
migrations to it (or, without a migrations section, the specs' schema.sql),
and asks the server to prepare every statement of the generated package:
the CRUD, bulk, upsert and relation statements and every query, raw SQL
included. It reports, at the spec's file:line:col:

  prepare error    the server rejects the statement (a missing column, a
                   syntax error in raw SQL); for raw SQL the position is the
                   line of the query the server points at
  type mismatch    a raw query's declared parameter or column type is not
                   what the server infers, or a table column's type in the
                   database is not the spec's
  nullability      a declared NOT NULL result column (no nullable: true)
                   that is a plain table column the database allows NULL in

Types compare by name after aliases (int4 = integer); these count as equal:
text, varchar(n), char(n), citext and name (all Go strings; lengths are not
checked); an enum and text in either direction for parameters, and a
declared enum (or enum[]) read from text (or text[]), as raw queries select
enum arrays; for parameters, a narrower declared number than the server's
(integer for LIMIT's bigint, integer or bigint for numeric, real for double
precision). A parameter the server cannot type (unknown) is not checked.
Nullability is checked only where the server knows the column's table.

The temporary database is created on the server of --dev-url (or --url,
its synonym; the database the URL names is never changed) and dropped at
the end: the role needs CREATEDB. Exit status 1 when anything is found.`,
		Example: `  cpcgen vet --dev-url postgres://postgres@localhost:5432/postgres
  cpcgen vet --url "$DATABASE_URL" --format github`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			server, flag := devURL, "--dev-url"
			if server == "" {
				server, flag = dbURL, "--url"
			}
			if server == "" {
				return errors.New("vet needs a PostgreSQL server to prepare statements on: pass --dev-url postgres://user@host/postgres (a temporary database is created there and dropped)")
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), 5*time.Minute)
			defer cancel()
			return c.vet(ctx, report{w: c.stdout, format: format, title: "cpcgen vet", quiet: quiet}, server, flag)
		},
	}
	cmd.Flags().StringVar(&devURL, "dev-url", "", "PostgreSQL server `URL` to create the temporary database on")
	cmd.Flags().StringVar(&dbURL, "url", "", "synonym of --dev-url: the `URL`'s server gets the temporary database; its own database is not changed")
	cmd.Flags().StringVar(&format, "format", "text", "output `format`: text, or github for GitHub Actions annotations")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "print only the problem lines")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "github"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// vet prepares every statement of the package on a scratch database and
// reports what does not match the specs.
func (c *cli) vet(ctx context.Context, rep report, server, flag string) error {
	proj, err := c.load()
	if err != nil {
		return err
	}
	pkg, err := generator.Build(proj)
	if err != nil {
		return err
	}
	scratch, drop, err := scratchDatabase(ctx, server, flag)
	if err != nil {
		return err
	}
	defer drop()
	source, err := loadSchema(ctx, pkg, scratch)
	if err != nil {
		if ps := schemaErrorProblems(pkg, err, c.displayRoot(proj)); len(ps) > 0 {
			rep.problems(ps)
			if rep.format == "text" {
				fmt.Fprintf(rep.w, "\n%s (the schema could not be created on %s: %v)\n", problemSummary(ps), redact(server), err)
			}
			return problemsError{n: len(ps)}
		}
		return err
	}
	conn, err := pgx.Connect(ctx, scratch)
	if err != nil {
		return fmt.Errorf("%s: connect to the temporary database: %w", flag, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))

	v := &vetter{ctx: ctx, conn: conn, pkg: pkg, types: map[uint32]*serverType{}, notNull: map[attrKey]*attr{}}
	stmts := pkg.Statements()
	for _, st := range stmts {
		if err := v.statement(st); err != nil {
			return err
		}
	}
	ps := v.problems(c.displayRoot(proj))
	rep.problems(ps)
	if len(ps) == 0 {
		rep.note("%d statements prepared on %s: no problems", len(stmts), source)
		return nil
	}
	if rep.format == "text" {
		fmt.Fprintf(rep.w, "\n%s (%d statements prepared on %s)\n", problemSummary(ps), len(stmts), source)
	}
	return problemsError{n: len(ps)}
}

// loadSchema gives the scratch database the package's schema: the
// migrations when the config has them, else the spec's schema.sql. It
// returns what it applied, for messages.
func loadSchema(ctx context.Context, pkg *generator.Package, dbURL string) (string, error) {
	cfg := pkg.Project.Config
	if mc := cfg.Migrations; mc.Dir != "" {
		dir, err := migration.ReadDir(cfg.Root, mc.Dir, mc.Format)
		if err != nil {
			return "", err
		}
		if len(dir.Files) > 0 {
			if err := applyTo(ctx, dbURL, dir, mc.Table, -1); err != nil {
				return "", fmt.Errorf("apply %s to the temporary database: %w", mc.Dir, err)
			}
			return "the schema " + mc.Dir + "/ produces", nil
		}
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return "", err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	// A Citus project's schema.sql ends with Citus calls; on a dev server
	// without Citus, the tables are created without them, which is all
	// preparing statements needs.
	source := "the specs' schema.sql"
	if len(pkg.Distributions) > 0 {
		var hasCitus bool
		if err := conn.QueryRow(ctx, "SELECT to_regproc('create_distributed_table') IS NOT NULL").Scan(&hasCitus); err != nil {
			return "", err
		}
		if !hasCitus {
			plain := *pkg
			plain.Distributions = nil
			pkg = &plain
			source += " (without its Citus calls: the server has no Citus)"
		}
	}
	ddl, err := generator.SchemaSQL(pkg)
	if err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, string(ddl)); err != nil {
		return "", fmt.Errorf("create the spec's schema (schema.sql) in the temporary database: %w", err)
	}
	return source, nil
}

// undefinedNameRE finds the name of what the server lacks in the
// message of an undefined function, type or object error: function
// uuidv7() does not exist, type "citext" does not exist.
var undefinedNameRE = regexp.MustCompile(`^(?:function|type|operator|extension|collation) "?([^"(\s]+)`)

// schemaErrorProblems turns the failure to create the package's schema in
// vet's temporary database into problems at the spec positions of the
// expressions that name what the server lacks (a default calling a
// function PostgreSQL 15 does not have, say): each column default,
// check, index expression and predicate that mentions it. It returns nil
// when err is not such an error or no expression mentions the name.
func schemaErrorProblems(pkg *generator.Package, err error, root string) []problem {
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
	var ps []problem
	add := func(pos spec.Pos, what, expr string) {
		p := problem{Kind: "schema error", Msg: fmt.Sprintf("%s %s: %s (SQLSTATE %s) on the server vet used%s", what, expr, pe.Message, pe.Code, hint(pe))}
		if pos.IsValid() {
			p.File, p.Line, p.Col = display(root, pos.File), pos.Line, pos.Col
		}
		ps = append(ps, p)
	}
	for _, t := range pkg.Tables {
		for _, c := range t.Columns {
			if strings.HasPrefix(pe.Message, "type") && mentions(c.SQLType) {
				add(c.Spec.Pos, fmt.Sprintf("the type of column %s.%s", t.SQLName, c.SQLName), c.SQLType)
			}
			if d := c.Spec.Default; d != nil && d.Kind == spec.DefaultExpr && mentions(d.Expr) {
				add(d.Pos, fmt.Sprintf("the default of column %s.%s", t.SQLName, c.SQLName), d.Expr)
			}
			if c.Spec.Check != "" && mentions(c.Spec.Check) {
				add(c.Spec.CheckPos, fmt.Sprintf("the check of column %s.%s", t.SQLName, c.SQLName), c.Spec.Check)
			}
		}
		for _, k := range t.Spec.Checks {
			if mentions(k.Expr) {
				add(k.Pos, fmt.Sprintf("a check of table %s", t.SQLName), k.Expr)
			}
		}
		for _, ix := range t.Spec.Indexes {
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
	return ps
}

// serverType is a type as the server reports it, named the way specs
// name types where there is a spec name for it.
type serverType struct {
	name  string
	enum  bool
	array bool
	elem  *serverType // of an array
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

// specNames maps pg_type names to the names specs use.
var specNames = map[string]string{
	"bpchar": "char", "bool": "boolean", "int2": "smallint", "int4": "integer", "int8": "bigint",
	"float4": "real", "float8": "double precision",
}

type attrKey struct {
	table uint32
	num   uint16
}

// attr is a table column as pg_attribute has it.
type attr struct {
	table, column string
	notNull       bool
}

// finding is one problem vet found, before grouping.
type finding struct {
	kind string
	pos  spec.Pos
	msg  string
	what string // the statement, for grouping prepare errors
}

type vetter struct {
	ctx      context.Context
	conn     *pgx.Conn
	pkg      *generator.Package
	types    map[uint32]*serverType
	notNull  map[attrKey]*attr
	findings []finding
}

func (v *vetter) add(kind string, pos spec.Pos, what, format string, args ...any) {
	v.findings = append(v.findings, finding{kind: kind, pos: pos, what: what, msg: fmt.Sprintf(format, args...)})
}

// statement prepares one statement and compares what the server says
// with the spec.
func (v *vetter) statement(st generator.GeneratedStatement) error {
	desc, err := v.conn.PgConn().Prepare(v.ctx, "", st.SQL, nil)
	if err != nil {
		var pe *pgconn.PgError
		if !errors.As(err, &pe) {
			return fmt.Errorf("prepare %s: %w", st.Name, err)
		}
		pos, what := st.Pos, st.Name
		if q := st.Query; q != nil && q.Kind == spec.Raw {
			pos = v.sqlErrorPos(q.Spec, st.SQL, int(pe.Position))
			what = fmt.Sprintf("query %q", q.Name)
		}
		v.add("prepare error", pos, what, "%s (SQLSTATE %s)%s", pe.Message, pe.Code, hint(pe))
		return nil
	}
	if err := v.resolve(desc); err != nil {
		return err
	}
	if q := st.Query; q != nil && q.Kind == spec.Raw {
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
			t := &serverType{name: typeName(name), enum: enum, array: array}
			if array && elem != "" {
				t.elem = &serverType{name: typeName(elem), enum: elemEnum}
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
		err := v.conn.QueryRow(v.ctx, `SELECT c.relname, a.attname, a.attnotnull FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid WHERE a.attrelid = $1 AND a.attnum = $2`, f.TableOID, int16(f.TableAttributeNumber)).
			Scan(&a.table, &a.column, &a.notNull)
		if err != nil {
			return fmt.Errorf("read pg_attribute: %w", err)
		}
		v.notNull[k] = a
	}
	return nil
}

func typeName(pgName string) string {
	if n, ok := specNames[pgName]; ok {
		return n
	}
	return pgName
}

func (v *vetter) typeOf(oid uint32) *serverType {
	if t := v.types[oid]; t != nil {
		return t
	}
	return &serverType{name: fmt.Sprintf("oid %d", oid)}
}

// rawParams compares a raw query's declared parameters with the types
// the server inferred for its placeholders.
func (v *vetter) rawParams(q *generator.Query, st generator.GeneratedStatement, desc *pgconn.StatementDescription) {
	declared := map[string]*spec.Param{}
	for _, p := range q.Spec.Params {
		declared[p.Name] = p
	}
	for i, a := range st.Variant.Args {
		if i >= len(desc.ParamOIDs) {
			break
		}
		name := a.Param.Name
		var typ spec.Type
		pos := q.Spec.SQLPos
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
func (v *vetter) rawColumns(q *generator.Query, desc *pgconn.StatementDescription) {
	cols := q.Spec.Columns
	if len(cols) == 0 {
		return
	}
	if len(cols) != len(desc.Fields) {
		var names []string
		for _, f := range desc.Fields {
			names = append(names, f.Name)
		}
		v.add("column mismatch", q.Spec.SQLPos, "", "query %q declares %d columns, the statement returns %d (%s)", q.Name, len(cols), len(desc.Fields), strings.Join(names, ", "))
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
		if a := v.notNull[attrKey{f.TableOID, f.TableAttributeNumber}]; a != nil && !c.Nullable && !a.notNull {
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
		col := v.column(a.table, a.column)
		if col == nil {
			continue
		}
		got := v.typeOf(f.DataTypeOID)
		if !typesMatch(col.Type, got, false) {
			v.add("type mismatch", col.Spec.Pos, "column "+a.table+"."+a.column, "column %q.%q is %s in the specs, %s in the database; run cpcgen migrate diff", a.table, a.column, col.Type, got)
		}
		if !col.Nullable && !a.notNull {
			v.add("nullability", col.Spec.Pos, "column "+a.table+"."+a.column, "column %q.%q is NOT NULL in the specs, but the database allows NULL; run cpcgen migrate diff", a.table, a.column)
		}
	}
}

func (v *vetter) column(table, column string) *generator.Column {
	for _, t := range v.pkg.Tables {
		if t.SQLName == table {
			for _, c := range t.Columns {
				if c.SQLName == column {
					return c
				}
			}
		}
	}
	return nil
}

// problems turns the findings into report lines: duplicates once, and
// prepare errors of generated statements grouped by position and
// message, so that a missing column is one line, not one per method.
func (v *vetter) problems(root string) []problem {
	type key struct {
		kind, pos, msg string
	}
	var order []key
	first := map[key]finding{}
	whats := map[key][]string{}
	for _, f := range v.findings {
		k := key{f.kind, f.pos.String(), f.msg}
		if _, seen := first[k]; !seen {
			order = append(order, k)
			first[k] = f
		}
		if f.what != "" && !slices.Contains(whats[k], f.what) {
			whats[k] = append(whats[k], f.what)
		}
	}
	var ps []problem
	for _, k := range order {
		f := first[k]
		msg := f.msg
		if f.kind == "prepare error" {
			msg = joinLimited(whats[k], 3) + ": " + msg
		}
		p := problem{Kind: f.kind, Msg: msg}
		if f.pos.IsValid() {
			p.File, p.Line, p.Col = display(root, f.pos.File), f.pos.Line, f.pos.Col
		}
		ps = append(ps, p)
	}
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].File != ps[j].File {
			return ps[i].File < ps[j].File
		}
		if ps[i].Line != ps[j].Line {
			return ps[i].Line < ps[j].Line
		}
		return ps[i].Col < ps[j].Col
	})
	return ps
}

// joinLimited joins names, naming at most n: "a, b, c and 4 more".
func joinLimited(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:n], ", "), len(names)-n)
}

// stringTypes are the types that are all a Go string.
var stringTypes = map[string]bool{"text": true, "varchar": true, "char": true, "citext": true, "name": true}

// numberRank orders the numeric types a parameter may widen along.
var numberRank = map[string]int{"smallint": 1, "integer": 2, "bigint": 3, "numeric": 4}

// typesMatch reports whether a declared spec type agrees with the
// server's: see the rules in vet's help.
func typesMatch(decl spec.Type, got *serverType, param bool) bool {
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
		return (g.enum && g.name == d.Name) || stringTypes[g.name]
	case g.enum:
		return param && stringTypes[d.Name]
	case stringTypes[d.Name] && stringTypes[g.name]:
		return true
	case d.Name == g.name:
		return true
	case param && numberRank[d.Name] > 0 && numberRank[g.name] > 0:
		return numberRank[d.Name] <= numberRank[g.name]
	case param && d.Name == "real" && g.name == "double precision":
		return true
	}
	return false
}

var tokenRE = regexp.MustCompile(`^[A-Za-z0-9_."]+`)

// sqlErrorPos maps the position PostgreSQL reports in a raw query's
// statement (1-based, in characters) to the spec: the line of the sql:
// value it falls on and, when the offending word is found on it, its
// column. The statement is the query's text after a header line, with
// @names rewritten, which keeps lines but not columns.
func (v *vetter) sqlErrorPos(q *spec.Query, stmt string, charPos int) spec.Pos {
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
	if line == 0 {
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
			if quoted(v.pkg.Project.Config.Root, pos) {
				col++
			}
		}
		return spec.Pos{File: pos.File, Line: pos.Line, Col: col}
	}
	col := indent + 1
	if i := strings.Index(orig, word); word != "" && i >= 0 {
		col += len([]rune(orig[:i]))
	}
	return spec.Pos{File: pos.File, Line: fileLine, Col: col}
}

// sqlLine returns, for a block scalar (sql: |), the file line of the
// n-th line of its content (1-based) and the block's indentation; ok is
// false when the value is not a block scalar.
func (v *vetter) sqlLine(pos spec.Pos, n int) (line, indent int, ok bool) {
	data, err := os.ReadFile(filepath.Join(v.pkg.Project.Config.Root, filepath.FromSlash(pos.File)))
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
func quoted(root string, pos spec.Pos) bool {
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
