package spec

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cpcgen/cpcgen/generator/names"
)

// View is what view: says of a table entry that is a view or a
// materialized view: a read-only model over a query. The entry's
// columns state the query's result columns (their names, order, types
// and nullability; cpcgen vet checks them against the server), and its
// primary_key the columns that identify a row, for FindByID and the
// keyset pages of List.
//
//	tables:
//	  account_totals:
//	    view:
//	      materialized: true
//	      depends_on: [accounts]
//	      sql: |
//	        SELECT org_id, currency, sum(balance) AS total FROM accounts GROUP BY org_id, currency
//	    columns:
//	      org_id:   uuid
//	      currency: currency
//	      total:    numeric
//	    primary_key: [org_id, currency]
//	    indexes:
//	      - {columns: [org_id, currency], unique: true}
//
// The view is created by migrations as an SQL object (Object, of kind
// view or materialized_view, named as the table) after what it depends
// on: its CREATE statement is CREATE [MATERIALIZED] VIEW name AS the
// query, followed, for a materialized view, by one CREATE INDEX per
// entry of indexes:.
type View struct {
	// Materialized is set by materialized: true.
	Materialized bool
	// Query is the SELECT as written (sql:, or the file file: names).
	Query string
	// Object is the SQL object that creates the view and its indexes.
	Object *SQLObject
	// Concurrent is set for a materialized view with a unique index on
	// columns only, without WHERE: REFRESH MATERIALIZED VIEW CONCURRENTLY
	// needs one.
	Concurrent bool
	Pos        Pos
}

// The keys of view:, the keys a table entry with view: may have beside
// it, and the keys of its columns.
var (
	viewKeys        = []string{"sql", "file", "materialized", "depends_on"}
	viewTableKeys   = []string{"comment", "columns", "primary_key", "indexes", "go_name", "view"}
	viewColumnKeys  = []string{"type", "nullable", "primary_key", "comment", "go_name", "go_type", "sensitive"}
	viewIndexAdvice = "a view has no indexes (only a materialized view has); filter on the indexes of the tables it reads"
)

// view decodes view: of table t, whose other keys f holds, once its
// columns, primary key and indexes are decoded.
func (p *parser) view(t *Table, f *fieldSet, v pair) {
	what := fmt.Sprintf("view %q", t.Name)
	for _, pr := range f.n.pairs {
		if slices.Contains(tableKeys, pr.key.value) && !slices.Contains(viewTableKeys, pr.key.value) {
			p.errs.Add(pr.key.pos, "%s: %s does not apply to a view; a view has %s", what, pr.key.value, quoteList(viewTableKeys))
		}
	}
	if cols, ok := f.get("columns"); ok && cols.value.kind == mappingNode {
		for _, cp := range cols.value.pairs {
			if cp.value.kind != mappingNode {
				continue
			}
			for _, kp := range cp.value.pairs {
				if slices.Contains(columnKeys, kp.key.value) && !slices.Contains(viewColumnKeys, kp.key.value) {
					p.errs.Add(kp.key.pos, "%s: column %q: %s does not apply to a column of a view (its query computes it); a view's column has %s",
						what, cp.key.value, kp.key.value, quoteList(viewColumnKeys))
				}
			}
		}
	}
	vf := p.fields(v.value, what, viewKeys...)
	if vf == nil {
		return
	}
	if len(t.PrimaryKey) == 0 && !f.has("primary_key") {
		p.errs.Add(t.Pos, "%s has no primary key; a view model needs the columns that identify its rows (primary_key: true on a column, or primary_key: [columns]) for FindByID and List; a view without one stays in sql_objects:, read by raw queries", what)
		return
	}
	view := &View{Pos: v.key.pos}
	if m, ok := vf.get("materialized"); ok {
		view.Materialized, _ = p.boolean(m.value, "materialized")
	}
	kind := objectKind("view")
	if view.Materialized {
		kind = objectKind("materialized_view")
	}
	o := &SQLObject{Kind: kind, Name: t.Name, Local: t.Name, Comment: t.Comment, Source: t.File, Pos: t.Pos, View: t}
	aux := &objectAux{deps: p.dependsOn(vf, what)}
	query, rel, queryPos, ok := p.objectSQL(vf, t.File, what, v.key.pos, "add sql: with the query (SELECT …), or file: naming a .sql file that holds it")
	if !ok {
		return
	}
	o.File = rel
	body := strings.TrimRight(strings.TrimSpace(query), ";\t\r\n ")
	if body == "" {
		p.errs.Add(queryPos(0), "the sql of %s holds no query", what)
		return
	}
	if first := strings.ToLower(strings.Fields(body)[0]); first == "create" {
		p.errs.Add(queryPos(0), "the sql of %s is the query alone (SELECT …); cpcgen writes CREATE %s %s AS around it", what, kind.Keyword, t.Name)
		return
	}
	view.Query = body
	lead := len(query) - len(strings.TrimLeft(query, " \t\r\n"))
	head := "CREATE " + kind.Keyword + " " + t.Name + " AS\n"
	src := head + body
	var tail []string
	if len(t.Indexes) > 0 && !view.Materialized {
		p.errs.Add(t.Indexes[0].Pos, "%s: %s", what, viewIndexAdvice)
		return
	}
	for _, ix := range t.Indexes {
		stmt, concurrent, ok := p.viewIndex(t, ix)
		if !ok {
			return
		}
		view.Concurrent = view.Concurrent || concurrent
		tail = append(tail, stmt)
	}
	for _, s := range tail {
		src += ";\n" + s
	}
	viewEnd := len(head) + len(body)
	posAt := func(off int) Pos {
		switch {
		case off < len(head):
			return queryPos(lead)
		case off <= viewEnd:
			return queryPos(lead + off - len(head))
		}
		return t.Indexes[0].Pos
	}
	if !p.analyzeObject(o, aux, src, posAt, false) {
		return
	}
	o.DropDerived = true
	view.Object = o
	t.View = view
	p.objAux[o] = aux
	p.proj.Objects = append(p.proj.Objects, o)
}

// viewIndex renders the CREATE INDEX of an index of materialized view
// t; concurrent tells whether it allows REFRESH … CONCURRENTLY.
func (p *parser) viewIndex(t *Table, ix *Index) (stmt string, concurrent, ok bool) {
	var cols, parts []string
	for _, part := range ix.Parts {
		if part.Column == nil {
			p.errs.Add(part.Pos, "materialized view %q: an index of a materialized view lists columns; write an expression index in sql_objects:", t.Name)
			return "", false, false
		}
		s := names.QuoteIdent(part.Column.Name)
		if part.Desc {
			s += " DESC"
		}
		if part.Nulls != "" {
			s += " NULLS " + strings.ToUpper(part.Nulls)
		}
		cols = append(cols, s)
		parts = append(parts, part.Column.Name)
	}
	name := ix.Name
	if name == "" {
		suffix := "_idx"
		if ix.Unique {
			suffix = "_key"
		}
		name = t.Name + "_" + strings.Join(parts, "_") + suffix
		if len(name) > MaxIdentLen {
			p.errs.Add(ix.Pos, "materialized view %q: the index name %q derived from its columns is longer than %d bytes; give the index a name:", t.Name, name, MaxIdentLen)
			return "", false, false
		}
	}
	s := "CREATE "
	if ix.Unique {
		s += "UNIQUE "
	}
	s += "INDEX " + name + " ON " + t.Name
	if ix.Method != "" && ix.Method != "btree" {
		s += " USING " + ix.Method
	}
	s += " (" + strings.Join(cols, ", ") + ")"
	if ix.Where != "" {
		s += " WHERE " + ix.Where
	}
	return s, ix.Unique && ix.Where == "", true
}
