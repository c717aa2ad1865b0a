package docs

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"text/template"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/sqlschema"
	"github.com/cpcgen/cpcgen/generator/writer"
	"github.com/cpcgen/cpcgen/internal/filterop"
	"github.com/cpcgen/cpcgen/templates"
)

// DefaultDir is where `cpcgen docs` writes when the config has no docs
// section and no --out is given.
const DefaultDir = "docs/db"

// Header is the first line of every page: the writer's generated-code
// header in its Markdown form.
const Header = "<!-- " + writer.Header + " -->"

// Generate renders the documentation of pkg: one Markdown page,
// <dir>/<package name>.md, relative to the project root and
// slash-separated. The output is deterministic.
func Generate(pkg *ir.Package, dir string) ([]writer.File, error) {
	tmpl, err := template.New("docs.md.tmpl").Funcs(funcs).ParseFS(templates.FS, "docs.md.tmpl")
	if err != nil {
		return nil, fmt.Errorf("docs template: %w", err)
	}
	var b bytes.Buffer
	if err := tmpl.Execute(&b, buildPage(pkg)); err != nil {
		return nil, fmt.Errorf("render docs of package %s: %w", pkg.Name, err)
	}
	if err := writeObjects(&b, pkg); err != nil {
		return nil, err
	}
	out := collapseBlankLines(b.Bytes())
	return []writer.File{{Path: path.Join(dir, pkg.Name+".md"), Data: out}}, nil
}

// Tree is Generate's page as the writer's tree: the file, and dir as the
// directory the docs own (a stale page there is removed).
func Tree(pkg *ir.Package, dir string) (writer.Tree, error) {
	files, err := Generate(pkg, dir)
	if err != nil {
		return writer.Tree{}, err
	}
	return writer.Tree{Files: files, Dirs: []string{dir}}, nil
}

// collapseBlankLines keeps at most one blank line in a row, outside
// fenced blocks, and ends the page with one newline: the template's
// optional sections stay simple.
func collapseBlankLines(data []byte) []byte {
	lines := strings.Split(string(data), "\n")
	var out []string
	open := "" // the fence of the block the line is in
	for _, l := range lines {
		l = strings.TrimRight(l, " ")
		if run := strings.TrimLeft(l, "`"); len(l)-len(run) >= 3 {
			switch {
			case open == "":
				open = l[:len(l)-len(run)]
			case run == "" && len(l) >= len(open):
				open = ""
			}
		}
		if open == "" && l == "" && len(out) > 0 && out[len(out)-1] == "" {
			continue
		}
		out = append(out, l)
	}
	return []byte(strings.TrimRight(strings.Join(out, "\n"), "\n") + "\n")
}

// funcs are the templates' functions: fence returns the fence of a
// block holding a text, three backticks or one more than the text's
// longest run of them, so that no line of the text closes the block.
var funcs = template.FuncMap{"fence": fence}

// fence is the template function of that name.
func fence(text string) string {
	return strings.Repeat("`", max(3, backticks(text)+1))
}

// backticks returns the length of the longest run of backticks in s.
func backticks(s string) int {
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}

// page is what the template prints. Every string is ready to print:
// Markdown table cells are escaped here, not in the template.
type page struct {
	Header     string
	Package    string
	ImportPath string
	Summary    string
	Sources    []listItem
	Diagrams   []diagram
	Enums      []enumView
	Tables     []tableView
}

// listItem is one item of an inline list, with the separator to print
// before it ("", ", " or " and ").
type listItem struct {
	Sep  string
	Name string
	Text string
}

type enumView struct {
	Name, Anchor, GoName, Values, Comment string
}

type tableView struct {
	Name, Anchor, Model, Repo, Source, Comment string
	Options                                    []listItem
	Columns                                    []columnView
	PrimaryKey                                 string
	Indexes                                    []indexView
	Checks                                     []checkView
	ForeignKeys                                []fkView
	Relations                                  []relationView
	Notes                                      []string
	Queries                                    []queryView
	// Methods lists the repository's methods; Sentinels its errors.
	Methods   string
	Sentinels []sentinelView
}

type sentinelView struct {
	Name, Kind, Matches string
}

type columnView struct {
	Name, Type, Nullable, Default, Constraints, Go, Comment string
}

type indexView struct {
	Name, Columns, Unique, Method, Where string
}

type checkView struct {
	Name, Expr string
}

type fkView struct {
	Name, Columns, References, OnDelete, OnUpdate string
}

type relationView struct {
	Kind, Other, Via, Methods string
}

type queryView struct {
	Table, Name, Kind, Returns, Paginate, Source, Comment string
	Params                                                []paramView
	Where, OrderBy, Limit, Result, SQL                    string
	// Cache says how the query meets the row caches: a finder reading
	// through them, or a raw query's declared writes.
	Cache string
}

type paramView struct {
	Name, Go, Note string
}

func inlineList(items []string) []listItem {
	out := make([]listItem, len(items))
	for i, s := range items {
		sep := ", "
		switch {
		case i == 0:
			sep = ""
		case i == len(items)-1:
			sep = " and "
		}
		out[i] = listItem{Sep: sep, Name: s, Text: s}
	}
	return out
}

// buildPage computes the page of a package.
func buildPage(pkg *ir.Package) *page {
	atlas := sqlschema.AtlasSchema(pkg)
	p := &page{
		Header:     Header,
		Package:    pkg.Name,
		ImportPath: pkg.ImportPath,
		Sources:    inlineList(pkg.Sources),
		Diagrams:   diagrams(pkg),
	}
	nq := 0
	for _, t := range append(pkg.Tables[:len(pkg.Tables):len(pkg.Tables)], pkg.Views...) {
		nq += len(t.Queries)
	}
	p.Summary = fmt.Sprintf("%s, %s and %s.", count(len(pkg.Tables), "table"), count(len(pkg.Enums), "enum"), count(nq, "query"))
	if len(pkg.Views) > 0 {
		p.Summary = fmt.Sprintf("%s, %s, %s and %s.", count(len(pkg.Tables), "table"), count(len(pkg.Views), "view model"),
			count(len(pkg.Enums), "enum"), count(nq, "query"))
	}
	for _, e := range pkg.Enums {
		var vals []string
		for _, v := range e.Values {
			vals = append(vals, code(v.Label))
		}
		p.Enums = append(p.Enums, enumView{Name: e.SQLName, Anchor: "enum-" + e.SQLName, GoName: e.GoName,
			Values: strings.Join(vals, ", "), Comment: cell(e.Comment)})
	}
	for _, t := range pkg.Tables {
		at, _ := atlas.Table(t.SQLName)
		p.Tables = append(p.Tables, buildTable(pkg, t, at))
	}
	for _, t := range pkg.Views {
		p.Tables = append(p.Tables, buildView(t))
	}
	return p
}

// buildView describes a view model in the tables' section: its columns,
// declared key, methods and queries; its SQL is with the SQL objects.
func buildView(t *ir.Table) tableView {
	kind, key := "view", "view"
	if t.View.Materialized {
		kind, key = "materialized view", "materialized_view"
	}
	v := tableView{Name: t.SQLName, Anchor: t.SQLName, Model: t.Model, Repo: t.Repo, Source: t.Source, Comment: cell(t.Comment)}
	v.Options = inlineList([]string{fmt.Sprintf("a read-only model of %s [%s](#object-%s-%s), whose SQL is with the SQL objects",
		kind, code(t.SQLName), key, t.SQLName)})
	empty := &schema.Table{}
	for _, c := range t.Columns {
		v.Columns = append(v.Columns, buildColumn(t, c, empty))
	}
	v.PrimaryKey = fmt.Sprintf("(%s), declared: it identifies a row for FindByID and List, PostgreSQL does not enforce it on a view", columnList(t.PK))
	v.Queries, v.Methods = buildCalls(t)
	return v
}

// buildCalls describes what a table's or a view model's repository
// offers: its queries, and the names of its methods as a list.
func buildCalls(t *ir.Table) ([]queryView, string) {
	var queries []queryView
	for _, q := range t.Queries {
		queries = append(queries, buildQuery(q))
	}
	var methods []string
	for _, m := range t.Methods() {
		methods = append(methods, code(m))
	}
	return queries, strings.Join(methods, ", ")
}

func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "y") {
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(noun, "y"))
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func buildTable(pkg *ir.Package, t *ir.Table, at *schema.Table) tableView {
	v := tableView{Name: t.SQLName, Anchor: t.SQLName, Model: t.Model, Repo: t.Repo, Source: t.Source, Comment: cell(t.Comment)}
	var opts []string
	for _, bh := range t.Behaviours {
		if len(bh.Columns) == 0 || bh.Kind == ir.BehaviourRules {
			opts = append(opts, bh.Name)
			continue
		}
		opts = append(opts, bh.Name+" ("+columnList(bh.Columns)+")")
	}
	v.Options = inlineList(opts)

	for _, c := range t.Columns {
		v.Columns = append(v.Columns, buildColumn(t, c, at))
	}
	if pk := at.PrimaryKey; pk != nil {
		v.PrimaryKey = fmt.Sprintf("%s (%s)", code(pk.Name), columnList(t.PK))
	}
	for _, ix := range at.Indexes {
		iv := indexView{Name: ix.Name, Columns: indexParts(ix), Unique: yesNo(ix.Unique), Method: "btree"}
		if sqlschema.IsConstraintIndex(ix) {
			if !slices.ContainsFunc(t.Indexes, func(x *ir.Index) bool { return x.Constraint && x.Name == ix.Name }) {
				continue // listed with its column
			}
			iv.Unique = "yes (a constraint)"
		}
		for _, a := range ix.Attrs {
			switch a := a.(type) {
			case *postgres.IndexPredicate:
				iv.Where = code(a.P)
			case *postgres.IndexType:
				iv.Method = strings.ToLower(a.T)
			case *postgres.IndexNullsDistinct:
				if !a.V {
					iv.Unique += ", NULLS NOT DISTINCT"
				}
			}
		}
		v.Indexes = append(v.Indexes, iv)
	}
	for _, a := range at.Attrs {
		if ck, ok := a.(*schema.Check); ok && !columnCheck(t, ck) {
			v.Checks = append(v.Checks, checkView{Name: ck.Name, Expr: code(ck.Expr)})
		}
	}
	for _, fk := range at.ForeignKeys {
		var cols, refs []string
		for _, c := range fk.Columns {
			cols = append(cols, code(c.Name))
		}
		for _, c := range fk.RefColumns {
			refs = append(refs, c.Name)
		}
		v.ForeignKeys = append(v.ForeignKeys, fkView{
			Name: fk.Symbol, Columns: strings.Join(cols, ", "),
			References: fmt.Sprintf("[%s](#%s).%s", fk.RefTable.Name, fk.RefTable.Name, code(strings.Join(refs, ", "))),
			OnDelete:   refOption(fk.OnDelete), OnUpdate: refOption(fk.OnUpdate),
		})
	}
	for _, r := range t.Relations {
		v.Relations = append(v.Relations, buildRelation(r))
	}
	if p := t.Partition; p != nil {
		var parts []string
		for _, part := range p.Partitions {
			parts = append(parts, code(part.Name)+" ("+code(part.Bound())+")")
		}
		n := fmt.Sprintf("- Partitioned by %s (%s); the repository reads and writes the table as one, and PostgreSQL routes each row to its partition.", p.Method, columnList(p.Key))
		if len(parts) > 0 {
			n += " Partitions: " + strings.Join(parts, ", ") + "."
		}
		v.Notes = append(v.Notes, n)
	}
	for _, n := range t.Notes {
		v.Notes = append(v.Notes, "- "+n)
	}
	v.Queries, v.Methods = buildCalls(t)
	for _, k := range append(t.Constraints[:len(t.Constraints):len(t.Constraints)], t.Referenced...) {
		v.Sentinels = append(v.Sentinels, buildSentinel(t, k))
	}
	return v
}

// buildSentinel describes the sentinel of a constraint of t, or of a
// foreign key of another table that refuses to delete t's rows.
func buildSentinel(t *ir.Table, k *ir.Constraint) sentinelView {
	sv := sentinelView{Name: code(k.Sentinel)}
	switch {
	case k.Referenced:
		sv.Kind = "ForeignKey"
		sv.Matches = fmt.Sprintf("a delete or key change of a row that rows of [%s](#%s) still reference (%s)",
			k.Table.SQLName, k.Table.SQLName, code(k.SQLName))
	case k.Kind == ir.ForeignKeyConstraint:
		ref := k.Column.References.Table.SQLName
		sv.Kind = "ForeignKey"
		of := ""
		if tc := k.Column.References.Tenant; tc != nil {
			of = " of the same " + code(tc.SQLName)
		}
		sv.Matches = fmt.Sprintf("a write whose %s names no row of [%s](#%s)%s (%s)", code(k.Column.SQLName), ref, ref, of, code(k.SQLName))
	default:
		sv.Kind = "Conflict"
		if k.Kind == ir.CheckConstraint {
			sv.Kind = "Check"
		}
		sv.Matches = fmt.Sprintf("a violation of %s (%s)", cell(k.Doc), code(k.SQLName))
	}
	return sv
}

// columnCheck reports whether ck is the CHECK of a column (listed with
// the column) rather than of the table.
func columnCheck(t *ir.Table, ck *schema.Check) bool {
	for _, c := range t.Columns {
		if c.Check != "" && ck.Name == c.CheckName {
			return true
		}
	}
	return false
}

func buildColumn(t *ir.Table, c *ir.Column, at *schema.Table) columnView {
	cv := columnView{Name: c.SQLName, Type: code(c.Type.String()), Nullable: yesNo(c.Nullable),
		Go: code(c.Field + " " + c.Go.String()), Comment: cell(c.Comment)}
	if c.Type.Enum != nil {
		cv.Type = fmt.Sprintf("[%s](#enum-%s)", code(c.Type.String()), c.Type.Enum.SQLName)
	}
	ac, _ := at.Column(c.SQLName)
	if ac != nil {
		if x, ok := ac.Default.(*schema.RawExpr); ok {
			cv.Default = code(x.X)
		}
	}
	var cons []string
	if c.PrimaryKey {
		cons = append(cons, "PK")
	}
	switch {
	case c.Serial:
		cons = append(cons, "serial")
	case c.Identity:
		cons = append(cons, "identity")
	}
	if c.Generated != "" {
		cons = append(cons, "generated ("+code(c.Generated)+")")
	}
	if c.UniqueName != "" {
		cons = append(cons, "unique")
	}
	if ref := c.References; ref != nil {
		s := fmt.Sprintf("FK → [%s](#%s).%s", ref.Table.SQLName, ref.Table.SQLName, code(ref.Column.SQLName))
		if ref.OnDelete != "" {
			s += " on delete " + ref.OnDelete
		}
		cons = append(cons, s)
	}
	if c.Check != "" {
		cons = append(cons, "check "+code(c.Check))
	}
	switch c.Managed {
	case ir.ManagedCreatedAt, ir.ManagedUpdatedAt:
		cons = append(cons, "set by the repository")
	case ir.ManagedDeletedAt:
		cons = append(cons, "soft delete")
	case ir.ManagedVersion:
		cons = append(cons, "version")
	}
	cv.Constraints = strings.Join(cons, "; ")
	return cv
}

func buildRelation(r *ir.Relation) relationView {
	rv := relationView{}
	other := func(t *ir.Table) string { return fmt.Sprintf("[%s](#%s)", t.SQLName, t.SQLName) }
	var methods []string
	add := func(names ...string) {
		for _, n := range names {
			if n != "" {
				methods = append(methods, code(n))
			}
		}
	}
	switch r.Kind {
	case ir.BelongsTo:
		rv.Kind = "belongs to"
		rv.Other = other(r.Target)
		rv.Via = code(r.FK.SQLName) + " → " + code(r.Ref.SQLName)
		add(r.List)
		if r.Skipped == "" {
			add(r.Load)
		}
	case ir.HasMany:
		rv.Kind = "has many"
		rv.Other = other(r.Target)
		rv.Via = code(r.Target.SQLName+"."+r.FK.SQLName) + " → " + code(r.Ref.SQLName)
		if r.Skipped == "" {
			add(r.Load)
		}
	case ir.ManyToMany:
		rv.Kind = "many to many"
		rv.Other = other(r.Target)
		rv.Via = other(r.Through)
		if r.Skipped == "" {
			add(r.Load)
		}
		if r.LinkSkipped == "" {
			add(r.Link, r.Unlink)
		}
	}
	rv.Methods = strings.Join(methods, ", ")
	if rv.Methods == "" {
		rv.Methods = "none"
	}
	return rv
}

func buildQuery(q *ir.Query) queryView {
	qv := queryView{Table: q.Table.Repo, Name: q.Name, Kind: "Structured", Returns: q.Returns, Paginate: pagination(q.Paginate),
		Source: q.Pos.String(), Comment: cell(q.Comment)}
	if len(q.Keys) > 0 {
		var keys []string
		for _, k := range q.Keys {
			s := k.Name
			if k.Desc {
				s += " DESC"
			}
			keys = append(keys, s)
		}
		qv.Paginate += " by (" + strings.Join(keys, ", ") + ")"
	}
	if q.Stream != "" {
		qv.Paginate = strings.TrimPrefix(qv.Paginate+", streamed by "+q.Stream, ", ")
	}
	for _, p := range q.Params {
		note := ""
		if p.Optional {
			note = "optional"
		}
		qv.Params = append(qv.Params, paramView{Name: p.Name, Go: p.Go.String(), Note: note})
	}
	if x := q.CacheIndex; x != nil {
		qv.Cache = "a finder on the unique key (" + code(x.Name) + "), read through the row cache of " + code(q.Table.SQLName) + "."
	}
	if q.Kind == ir.Raw {
		qv.Kind = "Raw SQL"
		qv.SQL = strings.TrimRight(q.SQL, "\n")
		var writes, cached []string
		for _, w := range q.Writes {
			writes = append(writes, code(w.SQLName))
			if w.Cache != nil {
				cached = append(cached, code(w.SQLName))
			}
		}
		if len(writes) > 0 {
			qv.Cache = "writes " + strings.Join(writes, ", ") + "."
		}
		if len(cached) > 0 {
			qv.Cache = strings.TrimSuffix(qv.Cache, ".") + "; the cached rows of " + strings.Join(cached, ", ") + " are invalidated when it commits."
		}
		var cols []string
		for _, c := range q.Columns {
			s := code(c.Name) + " " + c.Type.String()
			if c.Nullable {
				s += " (nullable)"
			}
			cols = append(cols, s)
		}
		qv.Result = strings.Join(cols, ", ")
		if q.Result != nil && q.Result.Table != nil {
			qv.Result = code(q.Result.Name)
		}
		return qv
	}
	var where []string
	for _, f := range q.Where {
		where = append(where, filterText(f))
	}
	qv.Where = strings.Join(where, "; ")
	var order []string
	for _, o := range q.OrderBy {
		s := code(o.Column.SQLName)
		if o.Desc {
			s += " desc"
		}
		if o.Nulls != "" {
			s += " nulls " + o.Nulls
		}
		order = append(order, s)
	}
	qv.OrderBy = strings.Join(order, ", ")
	for _, p := range q.Params {
		if p.Kind == ir.LimitParam {
			qv.Limit = "the caller's"
		}
	}
	if q.Limit > 0 {
		qv.Limit = fmt.Sprint(q.Limit)
	}
	if q.Result != nil {
		qv.Result = code(q.Result.Name)
	}
	return qv
}

func pagination(p string) string {
	switch p {
	case "keyset":
		return "keyset pages"
	case "offset":
		return "offset pages"
	}
	return ""
}

// filterText describes a filter: `currency` = @cur (optional).
func filterText(f *ir.Filter) string {
	col := code(f.Column.SQLName)
	op := filterop.Lookup(f.Op)
	var s string
	switch op.Shape {
	case filterop.NoValue:
		s = col + " " + op.Docs
	case filterop.Range:
		s = fmt.Sprintf("%s %s @%s_from and @%s_to", col, op.Docs, f.Param, f.Param)
	default:
		rhs := "@" + f.Param
		if f.HasValue {
			rhs = code(f.Value)
		}
		s = col + " " + op.Docs + " " + rhs
	}
	if f.Optional {
		s += " (optional)"
	}
	return s
}

func refOption(o schema.ReferenceOption) string {
	if o == "" {
		return strings.ToLower(string(schema.NoAction))
	}
	// SET NULL ("deal_id") reads set null (deal_id).
	return strings.ReplaceAll(strings.ToLower(string(o)), `"`, "")
}

func indexParts(ix *schema.Index) string {
	var parts []string
	for _, p := range ix.Parts {
		s := ""
		switch {
		case p.C != nil:
			s = p.C.Name
		case p.X != nil:
			if x, ok := p.X.(*schema.RawExpr); ok {
				s = x.X
			}
		}
		if p.Desc {
			s += " desc"
		}
		for _, a := range p.Attrs {
			if np, ok := a.(*postgres.IndexColumnProperty); ok {
				if np.NullsFirst {
					s += " nulls first"
				}
				if np.NullsLast {
					s += " nulls last"
				}
			}
		}
		parts = append(parts, code(s))
	}
	return strings.Join(parts, ", ")
}

func columnList(cols []*ir.Column) string {
	var names []string
	for _, c := range cols {
		names = append(names, code(c.SQLName))
	}
	return strings.Join(names, ", ")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// code formats s as inline code inside a table cell.
func code(s string) string {
	if s == "" {
		return ""
	}
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\n", " "), "|", `\|`)
	if n := backticks(s); n > 0 {
		// A code span ends at the first run of as many backticks as it
		// opened with: open with one more than s holds.
		ticks := strings.Repeat("`", n+1)
		return ticks + " " + s + " " + ticks
	}
	return "`" + s + "`"
}

// cell makes text safe inside a Markdown table cell or a one-line
// paragraph.
func cell(s string) string {
	s = strings.TrimSpace(s)
	s = strings.ReplaceAll(s, "\r", "")
	s = strings.ReplaceAll(s, "\n", " ")
	s = strings.ReplaceAll(s, "|", `\|`)
	return htmlStart.ReplaceAllStringFunc(s, func(m string) string {
		return map[byte]string{'<': "&lt;", '&': "&amp;"}[m[0]] + m[1:]
	})
}

// htmlStart matches what would start HTML in Markdown text: a tag (<
// and a letter, /, ! or ?) or an entity (& and a letter or #). A
// comment, which may come from any database, stays text wherever the
// page is rendered; an expression's a <> b or a < b is left as it is.
var htmlStart = regexp.MustCompile(`<[A-Za-z/!?]|&[A-Za-z#]`)
