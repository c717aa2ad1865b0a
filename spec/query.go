package spec

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/internal/filterop"
	"github.com/cpcgen/cpcgen/internal/sqllex"
)

// FilterOps are the names of the operators of a structured query's
// filters (the rows of filterop.All).
var FilterOps = filterop.Names()

// ReservedParams are the parameter names generated query methods use
// for their own arguments.
var ReservedParams = []string{"limit", "offset", "after", "tenant"}

var (
	commonQueryKeys     = []string{"name", "comment", "returns", "paginate"}
	structuredQueryKeys = []string{"where", "order_by", "limit", "offset", "stream", "include_deleted"}
	rawQueryKeys        = []string{"sql", "params", "columns", "read_only", "replica_ok", "unscoped", "writes", "keyset"}
	// keysetKeys are the keys of a raw query's keyset entry written as a
	// mapping.
	keysetKeys = []string{"column", "desc"}
	// orderTermKeys are the keys of an order_by term (and of an index
	// column) written as a mapping; filterKeys of a filter; paramKeys of
	// a raw query's parameter or result column.
	orderTermKeys = []string{"column", "desc", "nulls"}
	filterKeys    = []string{"op", "optional", "param", "value"}
	paramKeys     = []string{"type", "nullable"}
)

// tableQueries decodes the queries listed for one table.
func (p *parser) tableQueries(pr pair) {
	name, ok := p.str(pr.key, "table")
	if !ok {
		return
	}
	t := p.tables[name]
	if t == nil {
		p.errs.Add(pr.key.pos, "queries for unknown table %q%s", clip(name), didYouMean(name, p.tableNames()))
		return
	}
	items, _ := p.sequence(pr.value, "queries")
	if p.queryNames[t] == nil {
		p.queryNames[t] = map[string]Pos{}
	}
	seen := p.queryNames[t]
	for _, it := range items {
		q := p.query(t, it)
		if q == nil {
			continue
		}
		if first, dup := seen[q.Name]; dup && q.Name != "" {
			p.errs.Add(q.Pos, "duplicate query %q on table %q; first at %s", q.Name, t.Name, first)
			continue
		}
		seen[q.Name] = q.Pos
		t.Queries = append(t.Queries, q)
	}
}

// query decodes one query of table t.
func (p *parser) query(t *Table, n *node) *Query {
	keys := append(append(append([]string(nil), commonQueryKeys...), structuredQueryKeys...), rawQueryKeys...)
	f := p.fields(n, "query", keys...)
	if f == nil {
		return nil
	}
	q := &Query{Table: t, Pos: n.pos}
	if v, ok := f.get("name"); ok {
		if s, ok := p.str(v.value, "name"); ok {
			if !goExportedRE.MatchString(s) {
				p.errs.Add(v.value.pos, "query name %q must be an exported Go identifier; did you mean %q?", clip(s), goExportedName(s))
			}
			q.Name = s
		}
	} else {
		p.errs.Add(n.pos, "query has no name")
	}
	if v, ok := f.get("comment"); ok {
		q.Comment, _ = p.str(v.value, "comment")
	}
	if f.has("sql") {
		q.Kind = Raw
		for _, k := range structuredQueryKeys {
			if v, ok := f.get(k); ok {
				p.errs.Add(v.key.pos, "%s is a key of structured queries; query %q has sql:, so it is raw", k, q.Name)
			}
		}
		p.rawQuery(q, f)
	} else {
		for _, k := range rawQueryKeys {
			if v, ok := f.get(k); ok {
				p.errs.Add(v.key.pos, "%s is a key of raw queries; query %q has no sql:", k, q.Name)
			}
		}
		p.structuredQuery(q, f)
	}
	return q
}

// structuredQuery decodes where, order_by, limit… and checks that they
// fit together.
func (p *parser) structuredQuery(q *Query, f *fieldSet) {
	t := q.Table
	q.Returns = "many"
	if v, ok := f.get("returns"); ok {
		q.Returns, _ = p.oneOf(v.value, "returns", "one", "many", "count", "exists")
	}
	params := map[string]Pos{}
	addParam := func(name string, pos Pos) {
		if first, dup := params[name]; dup {
			p.errs.Add(pos, "parameter %q is used twice in query %q (first at %s); set param: to a different name", name, q.Name, first)
			return
		}
		for _, r := range ReservedParams {
			if name == r {
				p.errs.Add(pos, "parameter name %q is reserved for the generated method; set param: to another name", name)
				return
			}
		}
		params[name] = pos
	}
	if v, ok := f.get("where"); ok {
		pairs, _ := p.mapping(v.value, "where")
		for _, pr := range pairs {
			col := p.lookupColumn(t, pr.key, "in where")
			specs := []*node{pr.value}
			keyPos := true
			if pr.value.kind == sequenceNode {
				specs = pr.value.items
				keyPos = false
				if len(specs) == 0 {
					p.errs.Add(pr.value.pos, "where: no filters listed for column %q", pr.key.value)
				}
			}
			for _, sn := range specs {
				pos := sn.pos
				if keyPos {
					pos = pr.key.pos
				}
				flt := p.filter(col, sn, pos)
				if flt == nil {
					continue
				}
				switch {
				case flt.Param == "":
				case filterop.Lookup(flt.Op).Shape == filterop.Range:
					addParam(flt.Param+"_from", pos)
					addParam(flt.Param+"_to", pos)
				default:
					addParam(flt.Param, pos)
				}
				q.Where = append(q.Where, flt)
			}
		}
	}
	if v, ok := f.get("order_by"); ok {
		items := oneOrMore(v.value)
		ordered := map[*Column]bool{}
		for _, it := range items {
			var term *OrderTerm
			if it.kind == mappingNode {
				of := p.fields(it, "order_by term", orderTermKeys...)
				if of == nil {
					continue
				}
				cn, ok := of.get("column")
				if !ok {
					p.errs.Add(it.pos, "order_by term needs column:")
					continue
				}
				c := p.lookupColumn(t, cn.value, "in order_by")
				if c == nil {
					continue
				}
				term = &OrderTerm{Column: c, Pos: it.pos}
				if d, ok := of.get("desc"); ok {
					term.Desc, _ = p.boolean(d.value, "desc")
				}
				if nl, ok := of.get("nulls"); ok {
					term.Nulls, _ = p.oneOf(nl.value, "nulls", "first", "last")
				}
			} else {
				var ok bool
				if term, ok = p.orderTerm(t, it, "in order_by"); !ok {
					continue
				}
			}
			if ordered[term.Column] {
				p.errs.Add(term.Pos, "column %q appears twice in order_by", term.Column.Name)
			}
			ordered[term.Column] = true
			q.OrderBy = append(q.OrderBy, term)
		}
	}
	if v, ok := f.get("limit"); ok {
		if v.value.kind == scalarNode && v.value.tag == "!!str" && v.value.value == "param" {
			q.LimitParam = true
		} else if v.value.kind == scalarNode && v.value.tag == "!!int" {
			if l, ok := p.integer(v.value, "limit"); ok {
				if l < 1 || l > 1<<31-1 {
					p.errs.Add(v.value.pos, "limit must be a positive number, or param")
				} else {
					q.Limit = int(l)
				}
			}
		} else {
			p.errs.Add(v.value.pos, "limit: expected a positive number or param, got %s", describe(v.value))
		}
	}
	if v, ok := f.get("offset"); ok {
		q.OffsetParam, _ = p.boolean(v.value, "offset")
	}
	if v, ok := f.get("paginate"); ok {
		q.Paginate, _ = p.oneOf(v.value, "paginate", "keyset", "offset")
	}
	if v, ok := f.get("stream"); ok {
		q.Stream, _ = p.boolean(v.value, "stream")
	}
	if v, ok := f.get("include_deleted"); ok {
		q.IncludeDeleted, _ = p.boolean(v.value, "include_deleted")
		if q.IncludeDeleted && t.SoftDelete == nil {
			p.errs.Add(v.key.pos, "include_deleted applies to soft_delete tables; table %q has no soft_delete", t.Name)
		}
	}
	keyPos := func(k string) Pos { return f.byKey[k].key.pos }
	switch q.Returns {
	case "count", "exists":
		for _, k := range []string{"order_by", "limit", "offset", "paginate", "stream"} {
			if f.has(k) {
				p.errs.Add(keyPos(k), "%s does not apply to a query that returns %s", k, q.Returns)
			}
		}
	case "one":
		for _, k := range []string{"paginate", "stream", "offset"} {
			if f.has(k) {
				p.errs.Add(keyPos(k), "%s does not apply to a query that returns one", k)
			}
		}
	case "many":
		if q.Paginate != "" {
			for _, k := range []string{"limit", "offset"} {
				if f.has(k) {
					p.errs.Add(keyPos(k), "%s does not apply to a paginated query; pagination passes its own limit and offset", k)
				}
			}
		}
	}
	if q.Paginate == "keyset" && q.Returns == "many" {
		p.keyset(q, f.byKey["paginate"].value.pos)
	}
}

// keyset checks that keyset pagination can work: non-null order_by
// columns ending in a unique key. An empty order_by becomes the primary
// key.
func (p *parser) keyset(q *Query, pos Pos) {
	t := q.Table
	if len(q.OrderBy) == 0 && len(t.PrimaryKey) == 0 {
		p.errs.Add(pos, "keyset pagination of table %q, which has no primary key, needs order_by ending in a unique key", t.Name)
		return
	}
	if len(q.OrderBy) == 0 {
		for _, c := range t.PrimaryKey {
			q.OrderBy = append(q.OrderBy, &OrderTerm{Column: c, Pos: pos})
		}
		return
	}
	for _, term := range q.OrderBy {
		if term.Column.Nullable {
			p.errs.Add(term.Pos, "keyset pagination needs non-null order_by columns; column %q is nullable", term.Column.Name)
		}
		if b := term.Column.Type.Base; b != nil && !b.Keyset {
			p.errs.Add(term.Pos, "keyset pagination cannot order by column %q: %s values cannot be sorted, or do not all survive a page cursor; order by other columns, or use paginate: offset",
				term.Column.Name, term.Column.Type)
		}
	}
	for _, key := range p.keysOf(t) {
		if len(key) > len(q.OrderBy) {
			continue
		}
		tail := q.OrderBy[len(q.OrderBy)-len(key):]
		match := 0
		for _, c := range key {
			for _, term := range tail {
				if term.Column == c {
					match++
					break
				}
			}
		}
		if match == len(key) {
			return
		}
	}
	hint := ""
	if len(t.PrimaryKey) > 0 {
		hint = fmt.Sprintf(" (add %s at the end)", joinNames(t.PrimaryKey))
	}
	p.errs.Add(pos, "keyset pagination needs order_by to end in a unique key of table %q%s", t.Name, hint)
}

// filter decodes one filter on column c (nil when unknown): an op name
// or a mapping {op, optional, param, value}.
func (p *parser) filter(c *Column, n *node, pos Pos) *Filter {
	flt := &Filter{Column: c, Op: "eq", Pos: pos}
	var f *fieldSet
	switch {
	case n.kind == scalarNode && !n.isNull():
		op, ok := p.oneOf(n, "op", FilterOps...)
		if !ok {
			return nil
		}
		flt.Op = op
	case n.kind == mappingNode:
		f = p.fields(n, "filter", filterKeys...)
		if f == nil {
			return nil
		}
		if v, ok := f.get("op"); ok {
			op, ok := p.oneOf(v.value, "op", FilterOps...)
			if !ok {
				return nil
			}
			flt.Op = op
		}
		if v, ok := f.get("optional"); ok {
			flt.Optional, _ = p.boolean(v.value, "optional")
		}
	default:
		p.errs.Add(n.pos, "where: expected an operator or a mapping with op:, got %s", describe(n))
		return nil
	}
	if c == nil {
		return nil
	}
	typeOK := p.colAux[c] != nil && p.colAux[c].typeOK
	opPos := n.pos
	if f != nil && f.has("op") {
		opPos = f.byKey["op"].value.pos
	}
	op := filterop.Lookup(flt.Op)
	if op.Text && typeOK && !c.Type.isTextLike() {
		p.errs.Add(opPos, "%s applies to text columns; column %q is %s", flt.Op, c.Name, c.Type)
	}
	if b := c.sqlNamed(); typeOK && b != nil && (op.Equality || op.Ordered) {
		p.errs.Add(opPos, "%s does not apply to column %q of type {sql: %q}: only is_null and not_null do; compare it in a raw query (sql:)", flt.Op, c.Name, b.Name)
	} else {
		if b := c.Type.scalar(); op.Ordered && typeOK && b != nil && !b.Ordered {
			p.errs.Add(opPos, "%s does not apply to %s column %q", flt.Op, c.Type, c.Name)
		}
		if b := c.Type.scalar(); op.Equality && typeOK && b != nil && b.NoEquality {
			p.errs.Add(opPos, "%s does not apply to %s column %q: PostgreSQL has no equality operator for %s (jsonb has one)", flt.Op, c.Type, c.Name, b.Name)
		}
	}
	if op.Nullable && !c.Nullable {
		p.errs.Add(opPos, "%s applies to nullable columns; column %q is not nullable", flt.Op, c.Name)
	}
	noParam := op.Shape == filterop.NoValue
	if noParam && flt.Optional {
		p.errs.Add(f.byKey["optional"].key.pos, "an %s filter takes no value, so it cannot be optional", flt.Op)
	}
	if f != nil {
		if v, ok := f.get("value"); ok {
			switch {
			case noParam || op.Shape == filterop.Range:
				p.errs.Add(v.key.pos, "a %s filter takes no value", flt.Op)
			case flt.Optional:
				p.errs.Add(v.key.pos, "a filter with a fixed value cannot be optional")
			case f.has("param"):
				p.errs.Add(v.key.pos, "a filter has either a fixed value or a param, not both")
			case typeOK:
				typ := c.Type
				if op.Shape == filterop.List {
					typ.ArrayDims++
				}
				lit, err := p.lits.check(v.value, typ)
				if err != nil {
					p.errs.Add(v.value.pos, "invalid value for column %q: %v", c.Name, err)
				}
				flt.Value, flt.HasValue = lit, true
			default:
				flt.HasValue = true
			}
			noParam = true
		}
		if v, ok := f.get("param"); ok {
			if noParam && !flt.HasValue {
				p.errs.Add(v.key.pos, "a %s filter takes no parameter", flt.Op)
			} else if name, ok := p.ident(v.value, "parameter"); ok {
				flt.Param = name
			}
			return flt
		}
	}
	if !noParam {
		flt.Param = c.Name
		if op.Shape == filterop.List {
			// The parameter of in holds many values: BySKUs(ctx, skus).
			flt.Param = names.Plural(c.Name)
		}
	}
	return flt
}

// paramSpec decodes a parameter or result column: a type, or {type,
// nullable}.
func (p *parser) paramSpec(pr pair, what string) *Param {
	name, ok := p.ident(pr.key, what)
	if !ok {
		return nil
	}
	prm := &Param{Name: name, Pos: pr.key.pos}
	typeNode := pr.value
	if pr.value.kind == mappingNode {
		f := p.fields(pr.value, fmt.Sprintf("%s %q", what, name), paramKeys...)
		if f == nil {
			return nil
		}
		v, ok := f.get("type")
		if !ok {
			p.errs.Add(pr.key.pos, "%s %q has no type", what, name)
			return nil
		}
		typeNode = v.value
		if v, ok := f.get("nullable"); ok {
			prm.Nullable, _ = p.boolean(v.value, "nullable")
		}
	}
	if typeNode.kind == mappingNode {
		t, ok := p.sqlType(typeNode)
		if !ok {
			return nil
		}
		if t.ArrayDims > 0 {
			p.errs.Add(typeNode.pos, "%s %q: a raw query's parameters and columns take no arrays of a type named by its SQL; use text[] and cast in the query (@p::point[], pts::text[])", what, name)
			return nil
		}
		prm.Type = t
		return prm
	}
	s, ok := p.str(typeNode, "type")
	if !ok {
		return nil
	}
	t, err := parseType(s, p.enums)
	if err != nil {
		p.errs.Add(typeNode.pos, "%v", err)
		return nil
	}
	prm.Type = t
	return prm
}

// rawQuery decodes sql, params and columns and checks that the SQL and
// the declarations agree.
func (p *parser) rawQuery(q *Query, f *fieldSet) {
	t := q.Table
	q.Returns = "many"
	if v, ok := f.get("returns"); ok {
		q.Returns, _ = p.oneOf(v.value, "returns", "one", "many", "exec", "rows_affected")
	}
	readOnlyKey := "read_only"
	for _, key := range []string{"read_only", "replica_ok"} {
		v, ok := f.get(key)
		if !ok {
			continue
		}
		if key == "replica_ok" && f.has("read_only") {
			p.errs.Add(v.key.pos, "replica_ok is another name for read_only; query %q has both, keep one", q.Name)
			continue
		}
		readOnlyKey = key
		q.ReadOnly, _ = p.boolean(v.value, key)
		q.ReadOnlyPos = v.key.pos
	}
	if q.ReadOnly && (q.Returns == "exec" || q.Returns == "rows_affected") {
		p.errs.Add(q.ReadOnlyPos, "%s applies to queries that return rows (returns: one or many); query %q returns %s, so it runs on the primary", readOnlyKey, q.Name, q.Returns)
	}
	if v, ok := f.get("unscoped"); ok {
		q.Unscoped, _ = p.boolean(v.value, "unscoped")
		if q.Unscoped && t.Tenant == nil {
			p.errs.Add(v.key.pos, "unscoped applies to tenant tables; table %q has no tenant", t.Name)
		}
	}
	if v, ok := f.get("writes"); ok {
		p.queryWrites(q, v, readOnlyKey)
	}
	declared := map[string]*Param{}
	if v, ok := f.get("params"); ok {
		pairs, _ := p.mapping(v.value, "params")
		for _, pr := range pairs {
			prm := p.paramSpec(pr, "parameter")
			if prm == nil {
				continue
			}
			if prm.Name == "tenant" && t.Tenant != nil {
				p.errs.Add(prm.Pos, "do not declare tenant: @tenant is provided by the runtime on tenant table %q", t.Name)
				continue
			}
			declared[prm.Name] = prm
			q.Params = append(q.Params, prm)
		}
	}
	if v, ok := f.get("columns"); ok {
		pairs, _ := p.mapping(v.value, "columns")
		for _, pr := range pairs {
			if prm := p.paramSpec(pr, "result column"); prm != nil {
				q.Columns = append(q.Columns, prm)
			}
		}
		if q.Returns == "exec" || q.Returns == "rows_affected" {
			p.errs.Add(v.key.pos, "columns does not apply to a query that returns %s", q.Returns)
		} else if len(pairs) == 0 {
			p.errs.Add(v.value.pos, "columns lists no result columns")
		}
	} else if q.Returns == "one" || q.Returns == "many" {
		p.errs.Add(q.Pos, "raw query %q returns %s, so it needs columns: naming the result columns and their types", q.Name, q.Returns)
	}
	sv := f.byKey["sql"]
	q.SQLPos = sv.value.pos
	s, ok := p.nonEmpty(sv.value, "sql")
	if !ok {
		return
	}
	q.SQL = s
	_, uses, err := RewriteParams(s)
	if err != nil {
		var se *SQLError
		pos := q.SQLPos
		if errors.As(err, &se) {
			pos = p.sqlPos(sv.value, se.Offset)
		}
		p.errs.Add(pos, "%v", err)
		return
	}
	used := map[string]bool{}
	names := make([]string, 0, len(q.Params))
	for _, prm := range q.Params {
		names = append(names, prm.Name)
	}
	for _, u := range uses {
		used[u.Name] = true
		if declared[u.Name] != nil || (u.Name == "tenant" && t.Tenant != nil) {
			continue
		}
		p.errs.Add(p.sqlPos(sv.value, u.Offset), "parameter @%s is not declared in params%s", u.Name, didYouMean(u.Name, names))
	}
	for _, prm := range q.Params {
		if !used[prm.Name] {
			hint := ""
			if gluedParam(s, prm.Name) {
				hint = fmt.Sprintf(" (an @ right after an operator character is part of the operator; write a space before @%s)", prm.Name)
			}
			p.errs.Add(prm.Pos, "parameter %q is declared but the SQL does not use @%s%s", prm.Name, prm.Name, hint)
		}
	}
	p.rawKeyset(q, f)
	if t.Tenant != nil && !q.Unscoped && !used["tenant"] {
		p.errs.Add(q.SQLPos, "query %q on tenant table %q must filter by @tenant, or say unscoped: true", q.Name, t.Name)
	}
}

// rawKeyset decodes paginate: and keyset: of a raw query: keyset
// pagination over the query's result, ordered by the keyset columns,
// which must be declared result columns that are not nullable and whose
// types a cursor can carry.
func (p *parser) rawKeyset(q *Query, f *fieldSet) {
	pv, paginated := f.get("paginate")
	kv, hasKeys := f.get("keyset")
	if paginated {
		mode, ok := p.oneOf(pv.value, "paginate", "keyset", "offset")
		switch {
		case !ok:
			return
		case mode == "offset":
			p.errs.Add(pv.value.pos, "raw query %q: paginate: offset applies to structured queries; a raw query paginates with paginate: keyset and keyset: naming the result columns that order it", q.Name)
			return
		case q.Returns != "many":
			p.errs.Add(pv.key.pos, "paginate does not apply to a query that returns %s", q.Returns)
			return
		case !hasKeys:
			p.errs.Add(pv.key.pos, "raw query %q has paginate: keyset but no keyset:; add keyset: with the result columns that order the rows and together tell them apart, like keyset: [created_at, id]", q.Name)
			return
		}
		q.Paginate = mode
	} else if hasKeys {
		p.errs.Add(kv.key.pos, "keyset applies to a paginated raw query; add paginate: keyset to query %q", q.Name)
		return
	}
	if !hasKeys {
		return
	}
	items, _ := p.sequence(kv.value, "keyset")
	if len(items) == 0 && kv.value.kind == sequenceNode {
		p.errs.Add(kv.value.pos, "keyset lists no columns")
		return
	}
	byName := map[string]*Param{}
	var cols []string
	for _, c := range q.Columns {
		byName[c.Name] = c
		cols = append(cols, c.Name)
	}
	seen := map[string]Pos{}
	for _, it := range items {
		k := &KeysetKey{Pos: it.pos}
		nameNode, kf := p.nameEntry(it, "keyset entry", keysetKeys, "column", "keyset entry needs column:")
		if nameNode == nil {
			continue
		}
		if kf != nil {
			if d, ok := kf.get("desc"); ok {
				k.Desc, _ = p.boolean(d.value, "desc")
			}
		}
		s, ok := p.str(nameNode, "keyset column")
		if !ok {
			continue
		}
		name, dir, _ := strings.Cut(strings.TrimSpace(s), " ")
		switch strings.ToLower(strings.TrimSpace(dir)) {
		case "":
		case "asc":
		case "desc":
			k.Desc = true
		default:
			p.errs.Add(nameNode.pos, "keyset column %q is not \"column [asc|desc]\"", clip(s))
			continue
		}
		k.Name = name
		c := byName[name]
		if c == nil {
			p.errs.Add(nameNode.pos, "keyset column %q of query %q is not a result column; keyset: names columns listed in columns:%s", clip(name), q.Name, didYouMean(name, cols))
			continue
		}
		if first, dup := seen[name]; dup {
			p.errs.Add(nameNode.pos, "keyset lists column %q twice (first at %s)", name, first)
			continue
		}
		seen[name] = nameNode.pos
		if c.Nullable {
			p.errs.Add(nameNode.pos, "keyset column %q is nullable; a cursor compares keys with > and a NULL key would drop rows: use non-null columns (COALESCE the value in the SQL)", name)
			continue
		}
		if b := c.Type.Base; b != nil && !b.Keyset || c.Type.ArrayDims > 0 {
			p.errs.Add(nameNode.pos, "keyset column %q: %s values cannot be sorted, or do not all survive a page cursor; use other columns", name, c.Type)
			continue
		}
		q.Keyset = append(q.Keyset, k)
	}
}

// queryWrites decodes writes: the tables of the project a raw query
// writes, each once.
func (p *parser) queryWrites(q *Query, v pair, readOnlyKey string) {
	q.WritesPos = v.key.pos
	if q.ReadOnly {
		p.errs.Add(v.key.pos, "writes does not apply to a query that only reads; query %q says %s: true", q.Name, readOnlyKey)
		return
	}
	items, _ := p.sequence(v.value, "writes")
	seen := map[*Table]Pos{}
	for _, it := range items {
		name, ok := p.ident(it, "table")
		if !ok {
			continue
		}
		t := p.tables[name]
		if t == nil {
			p.errs.Add(it.pos, "writes: unknown table %q%s", clip(name), didYouMean(name, p.tableNames()))
			continue
		}
		if first, dup := seen[t]; dup {
			p.errs.Add(it.pos, "writes: table %q is listed twice (first at %s)", name, first)
			continue
		}
		seen[t] = it.pos
		q.Writes = append(q.Writes, t)
	}
}

// sqlPos maps a byte offset in a scalar's value to a file position: exact
// for single-line scalars and literal (|) blocks, the scalar's own
// position otherwise.
func (p *parser) sqlPos(n *node, off int) Pos {
	v := n.value
	if off < 0 || off > len(v) {
		return n.pos
	}
	before := v[:off]
	switch {
	case n.style&yaml.LiteralStyle != 0:
		line := strings.Count(before, "\n")
		col := utf8.RuneCountInString(before[strings.LastIndexByte(before, '\n')+1:])
		indent, ok := p.blockIndent(n.pos.File, n.pos.Line)
		if !ok {
			return n.pos
		}
		return Pos{File: n.pos.File, Line: n.pos.Line + 1 + line, Col: indent + 1 + col}
	case strings.Contains(v, "\n"):
		return n.pos
	case n.style&yaml.DoubleQuotedStyle != 0:
		if strings.ContainsAny(v, "\\\"") {
			return n.pos
		}
		return Pos{File: n.pos.File, Line: n.pos.Line, Col: n.pos.Col + 1 + utf8.RuneCountInString(before)}
	case n.style&yaml.SingleQuotedStyle != 0:
		return Pos{File: n.pos.File, Line: n.pos.Line, Col: n.pos.Col + 1 + utf8.RuneCountInString(before) + strings.Count(before, "'")}
	case n.style&(yaml.FoldedStyle) != 0:
		return n.pos
	}
	return Pos{File: n.pos.File, Line: n.pos.Line, Col: n.pos.Col + utf8.RuneCountInString(before)}
}

// blockIndent returns the indentation of the first non-blank line after
// line (1-based) in file.
func (p *parser) blockIndent(file string, line int) (int, bool) {
	lines, ok := p.lines[file]
	if !ok {
		lines = strings.Split(string(p.sources[file]), "\n")
		p.lines[file] = lines
	}
	for i := line; i < len(lines); i++ {
		l := strings.TrimRight(lines[i], "\r")
		if strings.TrimSpace(l) == "" {
			continue
		}
		return len(l) - len(strings.TrimLeft(l, " ")), true
	}
	return 0, false
}

// gluedParam reports whether sql holds @name right after an operator
// character, where RewriteParams reads the @ as part of the operator. It
// reads sqllex tokens as RewriteParams does, so that '<@name' in a
// string constant, a quoted identifier or a comment is no such use.
func gluedParam(sql, name string) bool {
	toks, _ := sqllex.Lex(sql)
	for i, t := range toks {
		if !t.IsPunct("@") || t.Off == 0 || !strings.ContainsRune(operatorChars, rune(sql[t.Off-1])) ||
			i+1 >= len(toks) || toks[i+1].Kind != sqllex.Word || toks[i+1].Off != t.End() {
			continue
		}
		if word, _, _ := strings.Cut(toks[i+1].Text, "$"); word == name {
			return true
		}
	}
	return false
}
