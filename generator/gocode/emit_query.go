package gocode

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/cpcgen/cpcgen/generator/ir"
)

// genQuery emits a query's params struct, row type, statements and
// methods.
func genQuery(f *jen.File, q *ir.Query) {
	genQueryParams(f, q)
	if q.Result != nil && q.Result.Table == nil {
		genQueryRow(f, q)
	}
	genQueryStatements(f, q)
	genQueryMethod(f, q)
	if q.Stream != "" {
		genQueryStream(f, q)
	}
}

// genQueryStatements emits a query's statements: a constant each, or,
// for a query with variants, an array of each kind indexed by the mask
// of the set optional parameters.
func genQueryStatements(f *jen.File, q *ir.Query) {
	kinds := []func(*ir.QueryVariant) ir.Statement{mainStmt, afterStmt, streamStmt}
	for _, kind := range kinds {
		if !q.Arrays {
			if s := kind(q.Variants[0]); s.Const != "" {
				f.Const().Id(s.Const).Op("=").Add(sqlConst(s.SQL))
				f.Line()
			}
			continue
		}
		first := kind(q.Variants[0]).Const
		if first == "" {
			continue
		}
		name, _, _ := strings.Cut(first, "[")
		f.Var().Id(name).Op("=").Index(jen.Op("...")).String().ValuesFunc(func(g *jen.Group) {
			for _, v := range q.Variants {
				g.Line().Add(sqlConst(kind(v).SQL))
			}
			g.Line()
		})
		f.Line()
	}
}

// genQueryParams emits the params struct of a query that has one.
func genQueryParams(f *jen.File, q *ir.Query) {
	if q.ParamsType == "" {
		return
	}
	doc := fmt.Sprintf("%s holds the parameters of %s.%s.", q.ParamsType, q.Table.Repo, q.Name)
	if len(q.Optional) > 0 || hasOptional(q.Params) {
		doc += " Fields of type runtime.Opt are optional filters: an unset one is left out of the query."
	}
	comment(f, doc)
	f.Type().Id(q.ParamsType).StructFunc(func(g *jen.Group) {
		for i, p := range q.Params {
			if i > 0 {
				g.Line()
			}
			comment(g, p.Doc)
			g.Id(p.Field).Add(queryParamType(p))
		}
	})
	f.Line()
}

func hasOptional(params []*ir.QueryParam) bool {
	for _, p := range params {
		if p.Optional {
			return true
		}
	}
	return false
}

// queryParamType is the Go type of a query parameter.
func queryParamType(p *ir.QueryParam) *jen.Statement {
	if p.Optional {
		return jen.Qual(ir.PathRuntime, "Opt").Types(typeCode(p.Go))
	}
	return typeCode(p.Go)
}

// genQueryRow emits the row struct of a raw query and its scanners.
func genQueryRow(f *jen.File, q *ir.Query) {
	r := q.Result
	comment(f, fmt.Sprintf("%s is one row of the result of %s.%s.", r.Name, q.Table.Repo, q.Name))
	f.Type().Id(r.Name).StructFunc(func(g *jen.Group) {
		for _, fl := range r.Fields {
			g.Id(fl.Field).Add(typeCode(fl.Go)).Tag(map[string]string{"json": fl.JSON})
		}
	})
	f.Line()
	comment(f, fmt.Sprintf("%s gives the scan destinations of the fields of v, columns in declared order.", r.Scan))
	items := []jen.Code{jen.Id("d")}
	for _, fl := range r.Fields {
		items = append(items, fieldPtr("v", fl.Field, fl.TextScan))
	}
	f.Func().Id(r.Scan).Params(jen.Id("v").Op("*").Id(r.Name), jen.Id("d").Index().Any()).Index().Any().Block(
		jen.Return(jen.Append(items...)),
	)
	f.Line()
}

// queryParams are the method's parameters after ctx.
func queryParams(q *ir.Query) []jen.Code {
	out := []jen.Code{ctxParam.Clone()}
	if q.ParamsType != "" {
		out = append(out, jen.Id("p").Id(q.ParamsType))
	} else {
		for _, p := range q.Params {
			out = append(out, jen.Id(p.Local).Add(queryParamType(p)))
		}
	}
	if q.Paginate != "" {
		out = append(out, jen.Id("page").Qual(ir.PathRuntime, "PageArgs"))
	}
	return out
}

// paramExpr reads a parameter: a positional parameter or a field of p.
func paramExpr(q *ir.Query, p *ir.QueryParam) *jen.Statement {
	if p.Kind == ir.TenantParam {
		return jen.Id("tenant")
	}
	if q.ParamsType == "" {
		return jen.Id(p.Local)
	}
	return jen.Id("p").Dot(p.Field)
}

// queryArgExpr reads one statement argument from its parameter.
func queryArgExpr(q *ir.Query, a ir.QueryArg) jen.Code {
	e := paramExpr(q, a.Param)
	switch a.Kind {
	case ir.ArgOptValue:
		return e.Dot("Value")
	case ir.ArgOptPtr:
		return e.Dot("Ptr").Call()
	case ir.ArgOptSet:
		return e.Dot("Set")
	}
	return e
}

// queryCall is how a method passes a query's arguments: inline when the
// query has one statement per shape, through an args slice and a mask
// indexing the statement arrays when it has variants.
type queryCall struct {
	q *ir.Query
}

// prelude builds args and mask from the set optional parameters, in
// placeholder order (variants only).
func (c queryCall) prelude() []jen.Code {
	q := c.q
	if !q.Arrays {
		return nil
	}
	all := q.Variants[len(q.Variants)-1].Args
	extra := 0
	switch q.Paginate {
	case "keyset":
		extra = len(q.Cursor) + 1
	case "offset":
		extra = 2
	}
	out := []jen.Code{
		jen.Id("args").Op(":=").Make(jen.Index().Any(), jen.Lit(0), jen.Lit(len(all)+extra)),
		jen.Var().Id("mask").Uint(),
	}
	bit := map[*ir.QueryParam]int{}
	for i, p := range q.Optional {
		bit[p] = i
	}
	for _, a := range all {
		add := jen.Id("args").Op("=").Append(jen.Id("args"), queryArgExpr(q, a))
		if i, ok := bit[a.Param]; ok {
			out = append(out, jen.If(paramExpr(q, a.Param).Dot("Set")).Block(
				jen.Id("mask").Op("|=").Lit(1<<i),
				add,
			))
			continue
		}
		out = append(out, add)
	}
	return out
}

// sql is the statement of a kind to run: its constant, or its array
// indexed by the mask.
func (c queryCall) sql(stmt func(*ir.QueryVariant) ir.Statement) jen.Code {
	if !c.q.Arrays {
		return jen.Id(stmt(c.q.Variants[0]).Const)
	}
	name, _, _ := strings.Cut(stmt(c.q.Variants[0]).Const, "[")
	return jen.Id(name).Index(jen.Id("mask"))
}

// call returns the arguments of running a statement of a kind, after
// ctx: the statement and the query's arguments.
func (c queryCall) call(stmt func(*ir.QueryVariant) ir.Statement) []jen.Code {
	if c.q.Arrays {
		return []jen.Code{c.sql(stmt), jen.Id("args").Op("...")}
	}
	return append([]jen.Code{c.sql(stmt)}, c.argList()...)
}

// argList are the query's arguments of the only variant, inline.
func (c queryCall) argList() []jen.Code {
	var out []jen.Code
	for _, a := range c.q.Variants[0].Args {
		out = append(out, queryArgExpr(c.q, a))
	}
	return out
}

// argSlice is the query's arguments as a []any: args, or a literal.
func (c queryCall) argSlice() jen.Code {
	if c.q.Arrays {
		return jen.Id("args")
	}
	if args := c.argList(); len(args) > 0 {
		return jen.Index().Any().Values(args...)
	}
	return jen.Nil()
}

// fast returns how the query binds its params struct in a runtime call
// helper (runtime.QueryOne, Query, Exec): p and a function giving
// pointers to its fields, the tenant after them; ok is false for a query
// without a params struct or with variants, which binds its arguments
// as they are.
func (c queryCall) fast() (call, bool) {
	q := c.q
	if q.Arrays {
		return call{}, false
	}
	if q.ParamsType == "" {
		return c.fastPositional()
	}
	var own, tail []jen.Code
	for _, a := range q.Variants[0].Args {
		if a.Param.Kind == ir.TenantParam {
			tail = append(tail, jen.Id("tenant"))
			continue
		}
		if len(tail) > 0 {
			return call{}, false
		}
		field := jen.Id("p").Dot(a.Param.Field)
		switch a.Kind {
		case ir.ArgOptValue:
			own = append(own, jen.Op("&").Add(field.Dot("Value")))
		case ir.ArgOptPtr:
			own = append(own, field.Dot("Arg").Call())
		case ir.ArgOptSet:
			own = append(own, field.Dot("Set"))
		default:
			own = append(own, jen.Op("&").Add(field))
		}
	}
	args := jen.Func().Params(jen.Id("p").Op("*").Id(q.ParamsType), jen.Id("d").Index().Any()).Index().Any().
		Add(inline(jen.Return(jen.Append(append([]jen.Code{jen.Id("d")}, own...)...))))
	return call{in: jen.Id("p"), args: args, rest: tail}, true
}

// fastPositional is fast for a query whose one or two parameters the
// method takes one by one: the call binds the parameter itself, or a
// runtime.Pair of the two, with a function giving pointers into it, the
// tenant after them. ok is false for a query without parameters.
func (c queryCall) fastPositional() (call, bool) {
	q := c.q
	var params []*ir.QueryParam
	for _, p := range q.Params {
		if p.Kind != ir.TenantParam {
			params = append(params, p)
		}
	}
	if len(params) == 0 || len(params) > 2 {
		return call{}, false
	}
	var in, typ jen.Code
	ptr := map[*ir.QueryParam]jen.Code{}
	if len(params) == 1 {
		in, typ = jen.Id(params[0].Local), queryParamType(params[0])
		ptr[params[0]] = jen.Id("p")
	} else {
		pair := jen.Qual(ir.PathRuntime, "Pair").Types(queryParamType(params[0]), queryParamType(params[1]))
		in, typ = pair.Clone().Values(field("First", jen.Id(params[0].Local)), field("Second", jen.Id(params[1].Local))), pair
		ptr[params[0]] = jen.Op("&").Id("p").Dot("First")
		ptr[params[1]] = jen.Op("&").Id("p").Dot("Second")
	}
	var own, tail []jen.Code
	for _, a := range q.Variants[0].Args {
		if a.Param.Kind == ir.TenantParam {
			tail = append(tail, jen.Id("tenant"))
			continue
		}
		if len(tail) > 0 || a.Kind != ir.ArgValue {
			return call{}, false
		}
		own = append(own, ptr[a.Param])
	}
	args := jen.Qual(ir.PathRuntime, "Arg")
	if len(params) > 1 || len(own) != 1 {
		args = jen.Func().Params(jen.Id("p").Op("*").Add(typ), jen.Id("d").Index().Any()).Index().Any().
			Add(inline(jen.Return(jen.Append(append([]jen.Code{jen.Id("d")}, own...)...))))
	}
	return call{in: in, args: args, rest: tail}, true
}

func mainStmt(v *ir.QueryVariant) ir.Statement   { return v.Main }
func afterStmt(v *ir.QueryVariant) ir.Statement  { return v.After }
func streamStmt(v *ir.QueryVariant) ir.Statement { return v.Stream }

// queryDoc is the doc comment of a query's method.
func queryDoc(q *ir.Query) string {
	t := q.Table
	var b strings.Builder
	b.WriteString(q.Name)
	filtered := " that match the query"
	if q.Kind == ir.Raw {
		filtered = ""
	}
	switch q.Returns {
	case "one":
		fmt.Fprintf(&b, " returns the first row%s. If there is none, the error matches runtime.ErrNotFound.", filtered)
		if q.Kind == ir.Structured {
			b.Reset()
			fmt.Fprintf(&b, "%s returns the first row of table %s that matches the query%s. If there is none, the error "+
				"matches runtime.ErrNotFound.", q.Name, t.SQLName, orderDoc(q))
		}
	case "many":
		if q.Kind == ir.Raw && q.Paginate == "keyset" {
			fmt.Fprintf(&b, " returns the rows of the query ordered by %s, a page at a time: up to page.Limit rows after "+
				"the cursor page.After (\"\" for the first page). Pass the returned Next cursor to get the following page; "+
				"it is \"\" after the last one. The cursor holds the keyset values of the last row, which must tell the "+
				"rows apart: rows with the same values as a page's last row are not returned.", keysDoc(q.Keys))
		} else if q.Kind == ir.Raw {
			b.WriteString(" returns the rows of the query, all in memory.")
		} else {
			fmt.Fprintf(&b, " returns the rows of table %s that match the query%s", t.SQLName, orderDoc(q))
			switch q.Paginate {
			case "keyset":
				b.WriteString(", a page at a time: up to page.Limit rows after the cursor page.After (\"\" for the first " +
					"page). Pass the returned Next cursor to get the following page; it is \"\" after the last one. " +
					"The cursor holds the order_by values of the last row, so rows inserted meanwhile after it are " +
					"included, and no row is returned twice.")
			case "offset":
				b.WriteString(", a page at a time: up to page.Limit rows after the cursor page.After (\"\" for the first " +
					"page). Pass the returned Next cursor to get the following page; it is \"\" after the last one. " +
					"The cursor holds an offset: rows inserted or deleted meanwhile shift the following pages.")
			default:
				b.WriteString(".")
			}
		}
	case "count":
		fmt.Fprintf(&b, " returns the number of rows of table %s that match the query.", t.SQLName)
	case "exists":
		b.Reset()
		fmt.Fprintf(&b, "%s reports whether a row of table %s matches the query.", q.Name, t.SQLName)
	case "exec":
		b.WriteString(" runs the query.")
	case "rows_affected":
		b.WriteString(" runs the query and returns the number of rows it affected.")
	}
	switch {
	case len(q.Optional) > 0:
		b.WriteString(" Optional filters left unset are not part of the statement.")
	case hasOptional(q.Params):
		b.WriteString(" An optional filter left unset matches every row.")
	}
	if q.Result != nil && q.Result.Table == nil {
		if kinds := textArrays(q.Columns); len(kinds) > 0 {
			fmt.Fprintf(&b, " The SQL must select %s array columns as text[] (x::text[]).", strings.Join(kinds, " and "))
		}
	}
	return docComment(b.String(), q.Comment)
}

// textArrays names the kinds of the result columns' arrays that the
// runtime reads as text[] (ir.Type.IsTextArray), in the columns' order:
// "enum", or the type's name ("hstore").
func textArrays(cols []*ir.RawColumn) []string {
	var out []string
	for _, c := range cols {
		kind := ""
		switch {
		case c.Type.IsEnumArray():
			kind = "enum"
		case c.Type.IsTextArray():
			kind = c.Type.Base.Name
		}
		if kind != "" && !slices.Contains(out, kind) {
			out = append(out, kind)
		}
	}
	return out
}

// keysDoc lists a raw keyset query's keys: created_at DESC, id.
func keysDoc(keys []*ir.CursorKey) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k.Name
		if k.Desc {
			parts[i] += " DESC"
		}
	}
	return strings.Join(parts, ", ")
}

// orderDoc describes a structured query's order: ", ordered by a, b DESC".
func orderDoc(q *ir.Query) string {
	if len(q.OrderBy) == 0 {
		return ""
	}
	var parts []string
	for _, o := range q.OrderBy {
		s := o.Column.SQLName
		if o.Desc {
			s += " DESC"
		}
		if o.Nulls != "" {
			s += " NULLS " + strings.ToUpper(o.Nulls)
		}
		parts = append(parts, s)
	}
	return ", ordered by " + strings.Join(parts, ", ")
}

// queryResults are the results of a query's method.
func queryResults(q *ir.Query) []jen.Code {
	switch q.Returns {
	case "one":
		return []jen.Code{jen.Id(q.Result.Name), jen.Error()}
	case "many":
		if q.Paginate != "" {
			return []jen.Code{jen.Qual(ir.PathRuntime, "Page").Types(jen.Id(q.Result.Name)), jen.Error()}
		}
		return []jen.Code{jen.Index().Id(q.Result.Name), jen.Error()}
	case "count", "rows_affected":
		return []jen.Code{jen.Int64(), jen.Error()}
	case "exists":
		return []jen.Code{jen.Bool(), jen.Error()}
	}
	return []jen.Code{jen.Error()}
}

// queryPrelude reads the tenant of a scoped query's context, runs a
// query that may change audited rows as the context's actor, and one
// that writes cached tables on runtime.Invalidating. It reports whether
// it declared db, the database the query runs on.
func queryPrelude(q *ir.Query, fail func(jen.Code) jen.Code) ([]jen.Code, bool) {
	if q.Scoped {
		return tenantPrelude(q.Table, q.Name, q.Table.Tenant.Go.Elem(), fail, q.Actor), true
	}
	pre := writeDBPrelude(q.Table, q.Name, q.Actor)
	return pre, pre != nil
}

// queryZero are the zero values a query's method returns beside an error.
func queryZero(q *ir.Query) []jen.Code {
	switch q.Returns {
	case "one":
		return []jen.Code{jen.Id(q.Result.Name).Values()}
	case "many":
		if q.Paginate != "" {
			return []jen.Code{jen.Qual(ir.PathRuntime, "Page").Types(jen.Id(q.Result.Name)).Values()}
		}
		return []jen.Code{jen.Nil()}
	case "count", "rows_affected":
		return []jen.Code{jen.Lit(0)}
	case "exists":
		return []jen.Code{jen.False()}
	}
	return nil
}

// genQueryMethod emits the method running a query.
func genQueryMethod(f *jen.File, q *ir.Query) {
	t := q.Table
	c := queryCall{q}
	body, local := queryPrelude(q, func(err jen.Code) jen.Code { return jen.Return(append(queryZero(q), err)...) })
	body = append(body, c.prelude()...)
	db := dbOf(local)
	run := func(method string) *jen.Statement {
		return db.Clone().Dot(method).Call(append([]jen.Code{jen.Id("ctx")}, c.call(mainStmt)...)...)
	}
	switch {
	case q.Paginate == "keyset":
		body = append(body, keysetBody(f, q, c, db)...)
	case q.Paginate == "offset":
		body = append(body,
			jen.List(jen.Id("pg"), jen.Err()).Op(":=").Qual(ir.PathRuntime, "OffsetPage").Call(jen.Id("ctx"), db, jen.Id("page"),
				literal(jen.Qual(ir.PathRuntime, "Offset").Types(jen.Id(q.Result.Name)), pageFields(t, q.Name, q.Scoped),
					field("SQL", c.sql(mainStmt)), field("Args", c.argSlice()), field("Scan", jen.Id(q.Result.Scan)))),
			jen.Return(jen.Id("pg"), wrapErr(t, q.Name)),
		)
	case q.Returns == "one" && q.CacheIndex != nil:
		body = cachedFinder(q, c)
	case q.Returns == "one":
		if in, ok := c.fast(); ok {
			body = append(body,
				jen.List(jen.Id("v"), jen.Err()).Op(":=").Add(in.run("QueryOne", db, c.sql(mainStmt), ir.Statement{}, jen.Id(q.Result.Scan))),
				jen.Return(jen.Id("v"), wrapErr(t, q.Name)))
		} else {
			body = append(body,
				jen.List(jen.Id("v"), jen.Err()).Op(":=").Qual(ir.PathRuntime, "ScanOne").Call(run("QueryRow"), jen.Id(q.Result.Scan)),
				jen.Return(jen.Id("v"), wrapErr(t, q.Name)))
		}
	case q.Returns == "many":
		if in, ok := c.fast(); ok {
			capacity := limitCapacity(q)
			if capacity == nil {
				capacity = jen.Lit(0)
			}
			body = append(body,
				jen.List(jen.Id("items"), jen.Err()).Op(":=").Add(in.run("Query", db, c.sql(mainStmt), ir.Statement{}, jen.Id(q.Result.Scan), capacity)),
				jen.Return(jen.Id("items"), wrapErr(t, q.Name)))
		} else {
			body = append(body, collect(t, q.Name, run("Query"), q.Result.Scan, limitCapacity(q))...)
		}
	case q.Returns == "count" || q.Returns == "exists":
		typ, local := jen.Int64(), "n"
		if q.Returns == "exists" {
			typ, local = jen.Bool(), "ok"
		}
		body = append(body,
			jen.List(jen.Id(local), jen.Err()).Op(":=").Qual(ir.PathRuntime, "ScanValue").Types(typ).Call(run("QueryRow")),
			jen.Return(jen.Id(local), wrapErr(t, q.Name)),
		)
	case q.Returns == "exec" || q.Returns == "rows_affected":
		exec := run("Exec")
		if in, ok := c.fast(); ok {
			exec = in.run("Exec", db, c.sql(mainStmt), ir.Statement{})
		}
		if q.Returns == "exec" {
			body = append(body,
				jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(exec), jen.Err().Op("!=").Nil()).Block(jen.Return(wrapErr(t, q.Name))),
				jen.Return(jen.Nil()))
		} else {
			body = append(body,
				jen.List(jen.Id("tag"), jen.Err()).Op(":=").Add(exec),
				jen.Return(jen.Id("tag").Dot("RowsAffected").Call(), wrapErr(t, q.Name)),
			)
		}
	}
	method(f, t, q.Name, queryDoc(q)).Params(queryParams(q)...).Params(queryResults(q)...).Block(body...)
	f.Line()
}

// limitCapacity is the number of rows a query that is not paginated
// expects: its limit, or nil when it has none.
func limitCapacity(q *ir.Query) jen.Code {
	for _, p := range q.Params {
		if p.Kind == ir.LimitParam {
			return jen.Int().Call(paramExpr(q, p))
		}
	}
	if q.Limit > 0 {
		return jen.Lit(q.Limit)
	}
	return nil
}

// keysetBody runs the first page or the page after a cursor through
// the query's runtime.Keyset, which it emits (before the method).
func keysetBody(f *jen.File, q *ir.Query, c queryCall, db *jen.Statement) []jen.Code {
	var body, keys, cursor []jen.Code
	for i, col := range q.Cursor {
		k := "k" + strconv.Itoa(i)
		body = append(body, jen.Var().Id(k).Add(typeCode(col.Go)))
		cursor = append(cursor, jen.Op("&").Id(k))
		keys = append(keys, jen.Id("v").Dot(col.Field))
	}
	for i, key := range q.Keys {
		k := "k" + strconv.Itoa(i)
		body = append(body, jen.Var().Id(k).Add(typeCode(key.Go)))
		cursor = append(cursor, jen.Op("&").Id(k))
		keys = append(keys, jen.Id("v").Dot(key.Field))
	}
	base, _, _ := strings.Cut(mainStmt(q.Variants[0]).Const, "[")
	name := "page" + strings.TrimPrefix(base, "sql")
	var stmts, call []jen.Code
	if q.Scoped {
		call = append(call, field("Tenant", jen.Id("tenant")))
	}
	if q.Arrays {
		// The statements depend on the optional parameters set.
		call = append(call, field("Args", c.argSlice()), field("First", c.sql(mainStmt)), field("After", c.sql(afterStmt)))
	} else {
		stmts = []jen.Code{c.sql(mainStmt), c.sql(afterStmt)}
		if len(c.argList()) > 0 {
			call = append(call, field("Args", c.argSlice()))
		}
	}
	genKeyset(f, q.Table, q.Name, name, q.Result.Name, q.Result.Scan, stmts, keys)
	return append(body, jen.Return(jen.Id(name).Dot("Page").Call(append([]jen.Code{jen.Id("ctx"), db.Clone(), jen.Id("page"), pageCall(call)}, cursor...)...)))
}

// genQueryStream emits the streaming variant of a many query.
func genQueryStream(f *jen.File, q *ir.Query) {
	c := queryCall{q}
	stmt := mainStmt
	params := queryParams(q)
	if q.Paginate != "" {
		stmt = streamStmt
		params = params[:len(params)-1]
	}
	body, local := queryPrelude(q, func(err jen.Code) jen.Code {
		return jen.Return(jen.Qual(ir.PathRuntime, "StreamError").Types(jen.Id(q.Result.Name)).Call(err))
	})
	body = append(body, c.prelude()...)
	op := "op" + q.Table.Plural + q.Stream
	var sql jen.Code
	if !q.Arrays {
		sql = c.sql(stmt)
	}
	namingOp(f, q.Table, q.Stream, op, sql)
	body = append(body, jen.Return(streamCall(op, dbOf(local), q.Result.Scan, c.call(stmt))))
	method(f, q.Table, q.Stream, fmt.Sprintf("%s is %s as a sequence: it yields the rows as the loop reads them from "+
		"the server, so memory use does not grow with the result. An error ends the sequence.", q.Stream, q.Name)).
		Params(params...).Qual(ir.PathIter, "Seq2").Types(jen.Id(q.Result.Name), jen.Error()).Block(body...)
	f.Line()
}
