package generator

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/internal/filterop"
	"github.com/cpcgen/cpcgen/spec"
)

// maxVariantFilters is the number of optional parameters up to which a
// structured query gets one statement per combination of set parameters
// (2^n constants, each binding only its own parameters), so that every
// statement is plain SQL that PostgreSQL plans well, with or without a
// cached generic plan. Beyond it, each optional filter is written as
// "($n::type IS NULL OR column = $n)": one statement, no run-time SQL
// building, but a generic plan cannot use an index for such a filter.
const maxVariantFilters = 4

// maxPositional is the number of raw query parameters passed
// positionally; more travel in a params struct.
const maxPositional = 2

// buildQuery builds the IR of query sq on table t, reporting names that
// collide with generated methods or package-level names. It returns nil
// when the query cannot be generated.
func (b *builder) buildQuery(t *ir.Table, sq *spec.Query, all []*ir.Table) *ir.Query {
	q := &ir.Query{Name: sq.Name, Kind: ir.QueryKind(sq.Kind), Table: t, Returns: sq.Returns, Comment: sq.Comment,
		Limit: sq.Limit, IncludeDeleted: sq.IncludeDeleted, Pos: sq.Pos, SQLPos: sq.SQLPos}
	b.querySpec[q] = sq
	if sq.Kind == spec.Raw {
		q.SQL = sq.SQL
		for _, w := range sq.Writes {
			q.Writes = append(q.Writes, b.irTable[w])
		}
	}
	for _, f := range sq.Where {
		if c := b.irColumn[f.Column]; c != nil {
			q.Where = append(q.Where, &ir.Filter{Column: c, Op: f.Op, Optional: f.Optional, Param: f.Param, Value: f.Value, HasValue: f.HasValue})
		}
	}
	for _, o := range sq.OrderBy {
		if c := b.irColumn[o.Column]; c != nil {
			q.OrderBy = append(q.OrderBy, &ir.OrderTerm{Column: c, Desc: o.Desc, Nulls: o.Nulls})
		}
	}
	for _, sc := range sq.Columns {
		q.Columns = append(q.Columns, &ir.RawColumn{Name: sc.Name, Type: b.irType(sc.Type), Nullable: sc.Nullable, Pos: sc.Pos})
	}
	what := fmt.Sprintf("query %q", sq.Name)
	if !b.repoMethod(t, q.Name, what, sq.Pos) {
		return nil
	}
	if sq.Stream && sq.Returns == "many" {
		q.Stream = q.Name + "Stream"
		if !b.repoMethod(t, q.Stream, "the streaming method of "+what, sq.Pos) {
			return nil
		}
	}
	errs := len(b.errs)
	if sq.Kind == spec.Raw {
		b.rawQuery(q, all)
	} else {
		b.structuredQuery(q)
	}
	if len(b.errs) > errs {
		return nil
	}
	for _, v := range q.Variants {
		for _, a := range v.Args {
			q.Scoped = q.Scoped || a.Param.Kind == ir.TenantParam
		}
	}
	if b.sharedQueryName(sq.Name) {
		// The same query name on several tables: the package-level types
		// take the model's name as a prefix (AccountByParentParams).
		if q.ParamsType != "" {
			q.ParamsType = t.Model + q.ParamsType
		}
		if r := q.Result; r != nil && r.Table == nil {
			r.Name, r.Scan = t.Model+r.Name, "scan"+t.Model+q.Name+"Row"
		}
	}
	used := map[string]bool{}
	for _, p := range q.Params {
		for isQueryLocal(p.Local) || used[p.Local] {
			p.Local += "_"
		}
		used[p.Local] = true
	}
	if q.ParamsType != "" {
		b.declare(q.ParamsType, "the params struct of "+what, sq.Pos)
	}
	if r := q.Result; r != nil && r.Table == nil {
		// The scanners are named after the row type: a collision of the
		// type is the one to report.
		if b.declare(r.Name, "the row type of "+what, sq.Pos) {
			b.declare(r.Scan, "the row scanner of "+what, sq.Pos)
		}
	}
	for _, v := range q.Variants[:min(len(q.Variants), 1)] {
		for _, s := range []ir.Statement{v.Main, v.After, v.Stream} {
			if s.Const != "" {
				name, _, _ := strings.Cut(s.Const, "[")
				b.declareDerived(t, name, "a statement constant of "+what, sq.Pos)
			}
		}
	}
	return q
}

// sharedQueryName reports whether queries of more than one table are
// called name.
func (b *builder) sharedQueryName(name string) bool {
	if b.queryTables == nil {
		// Counted once for all queries: per query, the scan would make
		// Build quadratic in the number of tables.
		b.queryTables = map[string]int{}
		for _, t := range b.proj.Tables {
			seen := map[string]bool{}
			for _, q := range t.Queries {
				if !seen[q.Name] {
					seen[q.Name] = true
					b.queryTables[q.Name]++
				}
			}
		}
	}
	return b.queryTables[name] > 1
}

// isQueryLocal reports whether a name is one the generated query methods
// use for their own variables (k0, k1… hold cursor values).
func isQueryLocal(s string) bool {
	switch s {
	case "p", "pg", "size", "mask", "sql", "start", "created", "attempt", "keys", "key", "m":
		return true
	}
	if len(s) > 1 && s[0] == 'k' {
		_, err := strconv.Atoi(s[1:])
		return err == nil
	}
	return false
}

// queryTerm is one condition of a structured query's WHERE.
type queryTerm struct {
	// op is the filter's operator; an optional between becomes two terms,
	// gte and lte.
	op  *filterop.Op
	col *ir.Column
	// params are the term's parameters: none for is_null, not_null and a
	// fixed value, two for between, one otherwise.
	params   []*ir.QueryParam
	optional bool
	// value is a fixed value in canonical literal text.
	value    string
	hasValue bool
}

// orderTerm is one ORDER BY term.
type orderTerm struct {
	col   *ir.Column
	desc  bool
	nulls string
}

// structuredQuery computes the parameters and statements of a structured
// query.
func (b *builder) structuredQuery(q *ir.Query) {
	sq, t := b.querySpec[q], q.Table
	if sq.Returns == "many" {
		q.Paginate = sq.Paginate
	}
	q.Result = &ir.Result{Name: t.Model, Table: t, Scan: t.Scan}
	fields := map[string]spec.Pos{}
	newParam := func(name string, c *ir.Column, g ir.GoType, optional bool, doc string, pos spec.Pos) *ir.QueryParam {
		p := &ir.QueryParam{Kind: ir.FilterParam, Name: name, Field: names.GoName(name), Local: names.LowerName(name), Go: g,
			Optional: optional, Doc: doc, Column: c}
		if first, dup := fields[p.Field]; dup {
			b.errs.Add(pos, "parameter %q of query %q would be the Go field %s, like a parameter at %s; set param: to another name", name, q.Name, p.Field, first)
		}
		fields[p.Field] = pos
		q.Params = append(q.Params, p)
		return p
	}
	optDoc := func(doc string, optional bool) string {
		if optional {
			return doc + " When unset, the filter is skipped."
		}
		return doc
	}
	var terms []*queryTerm
	for _, f := range sq.Where {
		c := b.irColumn[f.Column]
		if c == nil {
			continue
		}
		elem := c.Go.Elem()
		op := filterop.Lookup(f.Op)
		term := &queryTerm{op: op, col: c, optional: f.Optional, value: f.Value, hasValue: f.HasValue}
		switch {
		case op.Shape == filterop.List && c.Type.ArrayDims > 0:
			b.errs.Add(f.Pos, "in does not apply to array column %q; compare whole arrays with eq", c.SQLName)
			continue
		case f.Param == "":
		case op.Shape == filterop.Range:
			fromName, toName := f.Param+"_from", f.Param+"_to"
			from := newParam(fromName, c, elem, f.Optional, optDoc(fmt.Sprintf("%s is the lower bound of %s (%s >= %s).",
				names.GoName(fromName), c.SQLName, c.SQLName, names.GoName(fromName)), f.Optional), f.Pos)
			to := newParam(toName, c, elem, f.Optional, optDoc(fmt.Sprintf("%s is the upper bound of %s (%s <= %s).",
				names.GoName(toName), c.SQLName, c.SQLName, names.GoName(toName)), f.Optional), f.Pos)
			if f.Optional {
				// Each bound of an optional between is a filter of its own.
				terms = append(terms,
					&queryTerm{op: filterop.Lookup("gte"), col: c, optional: true, params: []*ir.QueryParam{from}},
					&queryTerm{op: filterop.Lookup("lte"), col: c, optional: true, params: []*ir.QueryParam{to}})
				continue
			}
			term.params = []*ir.QueryParam{from, to}
		case op.Shape == filterop.List:
			g := elem
			g.Slice = true
			doc := fmt.Sprintf("%s lists the values of %s to match (%s = ANY(%s)); an empty slice matches no row.",
				names.GoName(f.Param), c.SQLName, c.SQLName, names.GoName(f.Param))
			term.params = []*ir.QueryParam{newParam(f.Param, c, g, f.Optional, optDoc(doc, f.Optional), f.Pos)}
		default:
			doc := fmt.Sprintf("%s filters on %s (%s %s %s).", names.GoName(f.Param), c.SQLName, c.SQLName, op.SQLFor(c.Nullable), names.GoName(f.Param))
			term.params = []*ir.QueryParam{newParam(f.Param, c, elem, f.Optional, optDoc(doc, f.Optional), f.Pos)}
		}
		terms = append(terms, term)
	}
	var limit, offset *ir.QueryParam
	if sq.LimitParam {
		limit = &ir.QueryParam{Kind: ir.LimitParam, Name: "limit", Field: "Limit", Local: "limit", Go: ir.GoType{Name: "int32"},
			Doc: "Limit is the largest number of rows returned."}
		q.Params = append(q.Params, limit)
	}
	if sq.OffsetParam {
		offset = &ir.QueryParam{Kind: ir.OffsetParam, Name: "offset", Field: "Offset", Local: "offset", Go: ir.GoType{Name: "int64"},
			Doc: "Offset is the number of rows skipped before the first one returned."}
		q.Params = append(q.Params, offset)
	}
	if len(q.Params) != 1 || q.Params[0].Optional {
		if len(q.Params) > 0 {
			q.ParamsType = q.Name + "Params"
		}
	}

	var order []orderTerm
	seen := map[*ir.Column]bool{}
	for _, o := range sq.OrderBy {
		if c := b.irColumn[o.Column]; c != nil {
			order = append(order, orderTerm{col: c, desc: o.Desc, nulls: o.Nulls})
			seen[c] = true
		}
	}
	if q.Paginate == "keyset" {
		for _, o := range order {
			q.Cursor = append(q.Cursor, o.col)
		}
	}
	if q.Paginate == "offset" {
		// Pages of an offset query must not overlap: the primary key
		// breaks ties.
		for _, c := range t.PK {
			if !seen[c] {
				order = append(order, orderTerm{col: c})
			}
		}
	}

	var optional []*ir.QueryParam
	for _, term := range terms {
		if term.optional {
			optional = append(optional, term.params...)
		}
	}
	fallback := len(optional) > maxVariantFilters
	if !fallback {
		q.Optional = optional
	}
	var tenant *ir.QueryParam
	if t.Tenant != nil {
		tenant = tenantParam(t)
	}
	base := sqlName(t, q.Name)
	name := func(kind string, mask int) string { return base + kind }
	if len(q.Optional) > 0 {
		// One array of statements per kind, indexed by the mask of the
		// set optional parameters.
		q.Arrays = true
		name = func(kind string, mask int) string { return base + kind + "[" + strconv.Itoa(mask) + "]" }
	}
	for mask := 0; mask < 1<<len(q.Optional); mask++ {
		set := map[*ir.QueryParam]bool{}
		for i, p := range q.Optional {
			if mask&(1<<i) != 0 {
				set[p] = true
			}
		}
		v := structuredSQL(q, terms, order, set, fallback, limit, offset, tenant)
		v.Main.Const = name("", mask)
		if q.Paginate == "keyset" {
			v.After.Const = name("After", mask)
		}
		if q.Paginate != "" && q.Stream != "" {
			v.Stream.Const = name("Stream", mask)
		} else {
			v.Stream = ir.Statement{}
		}
		q.Variants = append(q.Variants, v)
	}
}

// rawQuery computes the parameters, result type and statement of a raw
// query.
func (b *builder) rawQuery(q *ir.Query, all []*ir.Table) {
	sq, t := b.querySpec[q], q.Table
	params := map[string]*ir.QueryParam{}
	types := map[string]ir.Type{}
	fields := map[string]string{}
	for _, sp := range sq.Params {
		decl := &ir.RawColumn{Name: sp.Name, Type: b.irType(sp.Type), Nullable: sp.Nullable, Pos: sp.Pos}
		p := &ir.QueryParam{Kind: ir.RawParam, Name: sp.Name, Field: names.GoName(sp.Name), Local: names.LowerName(sp.Name),
			Go: goTypeOf(decl.Type, sp.Nullable), Decl: decl}
		p.Doc = fmt.Sprintf("%s is the parameter @%s (%s).", p.Field, sp.Name, sp.Type)
		if prev, dup := fields[p.Field]; dup {
			b.errs.Add(sp.Pos, "parameters %q and %q of query %q both become the Go name %s; rename one of them", prev, sp.Name, q.Name, p.Field)
		}
		fields[p.Field] = sp.Name
		params[sp.Name], types[sp.Name] = p, decl.Type
		q.Params = append(q.Params, p)
	}
	if t.Tenant != nil {
		types["tenant"] = t.Tenant.Type
	}
	text, uses, err := spec.RewriteParamsFunc(sq.SQL, func(name string, num int) string {
		ph := "$" + strconv.Itoa(num)
		if typ, ok := types[name]; ok && typ.IsTextArray() {
			return "(" + castType(ph, typ) + ")"
		}
		return ph
	})
	if err != nil {
		b.errs.Add(sq.SQLPos, "%v", err)
		return
	}
	// A parameter named like a sensitive column of the table is taken to
	// carry that column's values: its placeholder is marked sensitive.
	var sens []int
	for i, u := range uses {
		if c := b.tableSpec[t].Column(u.Name); c != nil && c.Sensitive {
			sens = append(sens, i+1)
		}
	}
	// read_only: true marks the query replica=ok; spec only allows it on
	// queries that return rows.
	readOnly := sq.ReadOnly && (sq.Returns == "one" || sq.Returns == "many")
	v := &ir.QueryVariant{Main: ir.Statement{Const: sqlName(t, q.Name), SQL: nameLine(t.Op+"."+q.Name, sens, readOnly) + strings.TrimRight(text, " \t\r\n"), ReadOnly: readOnly}}
	for _, u := range uses {
		p := params[u.Name]
		if p == nil && u.Name == "tenant" && t.Tenant != nil {
			// @tenant is the context's tenant, not a parameter of the
			// method.
			p = tenantParam(t)
			params[u.Name] = p
		}
		if p == nil {
			b.errs.Add(sq.SQLPos, "parameter @%s is not declared in params", u.Name)
			continue
		}
		v.Args = append(v.Args, ir.QueryArg{Param: p, Kind: ir.ArgValue})
	}
	q.Variants = []*ir.QueryVariant{v}
	if len(q.Params) > maxPositional {
		q.ParamsType = q.Name + "Params"
	}
	if q.Returns == "one" || q.Returns == "many" {
		q.Result = b.rawResult(q, all)
	}
	if sq.Paginate == "keyset" && q.Result != nil {
		b.rawKeyset(q, v, text, uses, sens, readOnly)
	}
}

// rawKeyset makes a raw query keyset-paginated: its SQL becomes a
// subquery that the first page orders by the keyset columns and limits,
// and that the pages after a cursor also filter to the rows after the
// cursor's values:
//
//	SELECT * FROM (
//	<the query's SQL>
//	) AS q
//	WHERE ("created_at", "id") > ($3, $4)
//	ORDER BY "created_at", "id"
//	LIMIT $5
//
// The keys must tell the rows apart (spec checks they are non-null
// result columns; their uniqueness is the query's to keep, as the docs
// say): rows with the keys of a page's last row are otherwise skipped.
func (b *builder) rawKeyset(q *ir.Query, v *ir.QueryVariant, text string, uses []spec.ParamUse, sens []int, readOnly bool) {
	sq := b.querySpec[q]
	q.Paginate = "keyset"
	byName := map[string]*ir.RawColumn{}
	for _, c := range q.Columns {
		byName[c.Name] = c
	}
	fields := map[string]string{}
	if r := q.Result; r.Table != nil {
		for _, c := range r.Table.Columns {
			fields[c.SQLName] = c.Field
		}
	} else {
		for _, f := range r.Fields {
			fields[f.SQLName] = f.Field
		}
	}
	var order []orderTerm
	for _, k := range sq.Keyset {
		rc := byName[k.Name]
		if rc == nil || fields[k.Name] == "" {
			b.errs.Add(k.Pos, "keyset column %q of query %q is not a result column", k.Name, q.Name)
			continue
		}
		q.Keys = append(q.Keys, &ir.CursorKey{Name: k.Name, Field: fields[k.Name], Go: goTypeOf(rc.Type, false), Desc: k.Desc})
		// The subquery's columns, for the order and the cursor predicate.
		col := &ir.Column{SQLName: k.Name, Quoted: names.QuoteIdent(k.Name), Type: rc.Type}
		order = append(order, orderTerm{col: col, desc: k.Desc})
	}
	if len(order) == 0 {
		return
	}
	// The query's own parameters are $1..$n, each name bound once.
	n := len(uses)
	body := strings.TrimRight(text, " \t\r\n")
	for strings.HasSuffix(body, ";") {
		body = strings.TrimRight(strings.TrimSuffix(body, ";"), " \t\r\n")
	}
	sel := "SELECT * FROM (\n" + body + "\n) AS q"
	orderBy := orderClause(order)
	stmt := func(p *placeholders, s string) string { return nameLine(q.Table.Op+"."+q.Name, p.sens, readOnly) + s }
	first := placeholders{n: n, sens: slices.Clip(sens)}
	v.Main.SQL = stmt(&first, sel+orderBy+"\nLIMIT "+first.next())
	after := placeholders{n: n, sens: slices.Clip(sens)}
	cond := keysetCondition(order, &after)
	v.After = ir.Statement{Const: v.Main.Const + "After", ReadOnly: readOnly}
	v.After.SQL = stmt(&after, sel+"\nWHERE "+cond+orderBy+"\nLIMIT "+after.next())
}

// tenantParam is the context's tenant as a query argument.
func tenantParam(t *ir.Table) *ir.QueryParam {
	return &ir.QueryParam{Kind: ir.TenantParam, Name: "tenant", Field: "Tenant", Local: "tenant", Go: t.Tenant.Go.Elem(), Column: t.Tenant}
}

// rawResult returns the type of a raw query's rows: the model of the
// query's table, or else of the first table, whose columns the declared
// columns are exactly (names, order, Go types); otherwise a <Query>Row
// struct.
func (b *builder) rawResult(q *ir.Query, all []*ir.Table) *ir.Result {
	var key rowShape
	for _, sc := range q.Columns {
		key.add(sc.Name, goTypeOf(sc.Type, sc.Nullable))
	}
	if shapeOf(q.Table) == key.String() {
		return &ir.Result{Name: q.Table.Model, Table: q.Table, Scan: q.Table.Scan}
	}
	// The tables are indexed by the shape of their rows once: comparing
	// every raw query with every table is quadratic in the tables.
	if b.rowShapes == nil {
		b.rowShapes = make(map[string]*ir.Table, len(all))
		for _, t := range all {
			if k := shapeOf(t); b.rowShapes[k] == nil {
				b.rowShapes[k] = t
			}
		}
	}
	if t := b.rowShapes[key.String()]; t != nil {
		return &ir.Result{Name: t.Model, Table: t, Scan: t.Scan}
	}
	r := &ir.Result{Name: q.Name + "Row", Scan: "scan" + q.Name + "Row"}
	fields := map[string]string{}
	for _, sc := range q.Columns {
		f := &ir.ResultField{SQLName: sc.Name, Field: names.GoName(sc.Name), JSON: sc.Name, Go: goTypeOf(sc.Type, sc.Nullable),
			TextScan: sc.Type.ScansAsText(sc.Nullable)}
		if prev, dup := fields[f.Field]; dup {
			b.errs.Add(sc.Pos, "result columns %q and %q of query %q both become the Go field %s; rename one of them", prev, sc.Name, q.Name, f.Field)
			continue
		}
		fields[f.Field] = sc.Name
		r.Fields = append(r.Fields, f)
	}
	return r
}

// rowShape builds the key of a row's shape: its columns' names and Go
// types, in order.
type rowShape struct{ strings.Builder }

func (k *rowShape) add(name string, g ir.GoType) {
	fmt.Fprintf(k, "%s\x00%s\x00%s\x00%s\x00%s\x00%t%t%t%t\x00", name, g.Path, g.Name, g.ArgPath, g.ArgName, g.Slice, g.Ptr, g.Null, g.NilIsNull)
}

// shapeOf is the shape of table t's rows.
func shapeOf(t *ir.Table) string {
	var k rowShape
	for _, c := range t.Columns {
		k.add(c.SQLName, c.Go)
	}
	return k.String()
}
