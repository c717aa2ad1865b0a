package gocode

import (
	"fmt"
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
	for _, v := range q.Variants {
		for _, s := range []ir.Statement{v.Main, v.After, v.Stream} {
			if s.Const != "" {
				f.Const().Id(s.Const).Op("=").Add(sqlConst(s.SQL))
				f.Line()
			}
		}
	}
	genQueryMethod(f, q)
	if q.Stream != "" {
		genQueryStream(f, q)
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
	comment(f, fmt.Sprintf("%s reads a row of the result of %s.%s, columns in declared order, into v.", r.Scan, q.Table.Repo, q.Name))
	f.Func().Id(r.Scan).Params(jen.Id("row").Qual(ir.PathPgx, "Row"), jen.Id("v").Op("*").Id(r.Name)).Error().Block(
		jen.Return(jen.Id("row").Dot("Scan").CallFunc(func(g *jen.Group) {
			for _, fl := range r.Fields {
				g.Op("&").Id("v").Dot(fl.Field)
			}
		})),
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
// picking the statement when it has variants.
type queryCall struct {
	q *ir.Query
}

func (c queryCall) variants() bool { return len(c.q.Variants) > 1 }

// prelude builds args and mask from the set optional parameters, in
// placeholder order (variants only).
func (c queryCall) prelude() []jen.Code {
	if !c.variants() {
		return nil
	}
	q := c.q
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

// pick assigns to local the statement of the variant the mask selects
// (variants only).
func (c queryCall) pick(local string, stmt func(*ir.QueryVariant) ir.Statement) jen.Code {
	return jen.Var().Id(local).String().Line().Switch(jen.Id("mask")).BlockFunc(func(g *jen.Group) {
		for i, v := range c.q.Variants {
			g.Case(jen.Lit(i)).Block(jen.Id(local).Op("=").Id(stmt(v).Const))
		}
	})
}

// args returns the statements to run before a call and the call's
// arguments after ctx: the statement (a constant, or local when the
// query has variants) and the query's arguments followed by extra.
func (c queryCall) args(local string, stmt func(*ir.QueryVariant) ir.Statement, extra ...jen.Code) ([]jen.Code, []jen.Code) {
	q := c.q
	if !c.variants() {
		v := q.Variants[0]
		call := []jen.Code{jen.Id(stmt(v).Const)}
		for _, a := range v.Args {
			call = append(call, queryArgExpr(q, a))
		}
		return nil, append(call, extra...)
	}
	var pre []jen.Code
	if len(extra) > 0 {
		pre = append(pre, jen.Id("args").Op("=").Append(append([]jen.Code{jen.Id("args")}, extra...)...))
	}
	pre = append(pre, c.pick(local, stmt))
	return pre, []jen.Code{jen.Id(local), jen.Id("args").Op("...")}
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
		if q.Kind == ir.Raw {
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
	if q.Result != nil && q.Result.Table == nil && hasEnumArray(q.Columns) {
		b.WriteString(" The SQL must select enum array columns as text[] (x::text[]).")
	}
	return docComment(b.String(), q.Comment)
}

func hasEnumArray(cols []*ir.RawColumn) bool {
	for _, c := range cols {
		if c.Type.IsEnumArray() {
			return true
		}
	}
	return false
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

// queryPrelude reads the tenant of a scoped query's context.
func queryPrelude(q *ir.Query, fail func(jen.Code) jen.Code) []jen.Code {
	if !q.Scoped {
		return nil
	}
	return tenantPrelude(q.Table, q.Name, q.Table.Tenant.Go.Elem(), fail)
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
	wrap := wrapErr(t, q.Name)
	body := queryPrelude(q, func(err jen.Code) jen.Code { return jen.Return(append(queryZero(q), err)...) })
	body = append(body, c.prelude()...)
	switch {
	case q.Paginate == "keyset":
		body = append(body, keysetBody(q, c)...)
	case q.Paginate == "offset":
		body = append(body, offsetBody(q, c)...)
	case q.Returns == "one":
		pre, args := c.args("sql", mainStmt)
		body = append(body, pre...)
		body = append(body,
			jen.Var().Id("v").Id(q.Result.Name),
			jen.If(
				jen.Err().Op(":=").Id(q.Result.Scan).Call(dbOf(q.Scoped).Dot("QueryRow").Call(append([]jen.Code{jen.Id("ctx")}, args...)...), jen.Op("&").Id("v")),
				jen.Err().Op("!=").Nil(),
			).Block(jen.Return(jen.Id(q.Result.Name).Values(), wrap.Clone())),
			jen.Return(jen.Id("v"), jen.Nil()),
		)
	case q.Returns == "many":
		pre, args := c.args("sql", mainStmt)
		body = append(body, pre...)
		body = append(body,
			jen.List(jen.Id("rows"), jen.Err()).Op(":=").Add(dbOf(q.Scoped)).Dot("Query").Call(append([]jen.Code{jen.Id("ctx")}, args...)...),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), wrap.Clone())),
			jen.List(jen.Id("items"), jen.Err()).Op(":=").Add(collectRows("rows", q.Result.Scan, limitCapacity(q))),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), wrap.Clone())),
			jen.Return(jen.Id("items"), jen.Nil()),
		)
	case q.Returns == "count" || q.Returns == "exists":
		pre, args := c.args("sql", mainStmt)
		body = append(body, pre...)
		typ, local, zero := jen.Int64(), "n", jen.Lit(0)
		if q.Returns == "exists" {
			typ, local, zero = jen.Bool(), "ok", jen.False()
		}
		body = append(body,
			jen.Var().Id(local).Add(typ),
			jen.If(
				jen.Err().Op(":=").Add(dbOf(q.Scoped)).Dot("QueryRow").Call(append([]jen.Code{jen.Id("ctx")}, args...)...).Dot("Scan").Call(jen.Op("&").Id(local)),
				jen.Err().Op("!=").Nil(),
			).Block(jen.Return(zero, wrap.Clone())),
			jen.Return(jen.Id(local), jen.Nil()),
		)
	case q.Returns == "exec":
		pre, args := c.args("sql", mainStmt)
		body = append(body, pre...)
		body = append(body,
			jen.If(
				jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(dbOf(q.Scoped)).Dot("Exec").Call(append([]jen.Code{jen.Id("ctx")}, args...)...),
				jen.Err().Op("!=").Nil(),
			).Block(jen.Return(wrap.Clone())),
			jen.Return(jen.Nil()),
		)
	case q.Returns == "rows_affected":
		pre, args := c.args("sql", mainStmt)
		body = append(body, pre...)
		body = append(body,
			jen.List(jen.Id("tag"), jen.Err()).Op(":=").Add(dbOf(q.Scoped)).Dot("Exec").Call(append([]jen.Code{jen.Id("ctx")}, args...)...),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Lit(0), wrap.Clone())),
			jen.Return(jen.Id("tag").Dot("RowsAffected").Call(), jen.Nil()),
		)
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

// pageBody is the part of a paginated method after the rows are queried.
func pageBody(q *ir.Query, key jen.Code) []jen.Code {
	t := q.Table
	pageType := jen.Qual(ir.PathRuntime, "Page").Types(jen.Id(q.Result.Name))
	return []jen.Code{
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(pageType.Clone().Values(), wrapErr(t, q.Name))),
		jen.List(jen.Id("items"), jen.Err()).Op(":=").Add(collectRows("rows", q.Result.Scan, jen.Id("size").Op("+").Lit(1))),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(pageType.Clone().Values(), wrapErr(t, q.Name))),
		jen.Return(jen.Qual(ir.PathRuntime, "NewPage").Call(jen.Id("items"), jen.Id("size"), key), jen.Nil()),
	}
}

// keysetBody runs the first page or the page after a cursor.
func keysetBody(q *ir.Query, c queryCall) []jen.Code {
	t := q.Table
	pageType := jen.Qual(ir.PathRuntime, "Page").Types(jen.Id(q.Result.Name))
	size1 := jen.Id("size").Op("+").Lit(1)
	firstPre, firstArgs := c.args("sql", mainStmt, size1.Clone())
	var keys, dest, fields []jen.Code
	for i, col := range q.Cursor {
		k := "k" + strconv.Itoa(i)
		keys = append(keys, jen.Id(k))
		dest = append(dest, jen.Op("&").Id(k))
		fields = append(fields, jen.Id("v").Dot(col.Field))
	}
	afterPre, afterArgs := c.args("sql", afterStmt, append(keys, size1.Clone())...)
	body := []jen.Code{
		jen.Id("size").Op(":=").Id("page").Dot("Size").Call(),
		jen.Var().Id("rows").Qual(ir.PathPgx, "Rows"),
		jen.Var().Err().Error(),
	}
	if q.Scoped {
		// err is declared by the tenant prelude.
		body = body[:len(body)-1]
	}
	body = append(body,
		jen.If(jen.Id("page").Dot("After").Op("==").Lit("")).BlockFunc(func(g *jen.Group) {
			for _, s := range firstPre {
				g.Add(s)
			}
			g.List(jen.Id("rows"), jen.Err()).Op("=").Add(dbOf(q.Scoped)).Dot("Query").Call(append([]jen.Code{jen.Id("ctx")}, firstArgs...)...)
		}).Else().BlockFunc(func(g *jen.Group) {
			for i, col := range q.Cursor {
				g.Var().Id("k" + strconv.Itoa(i)).Add(typeCode(col.Go))
			}
			g.If(jen.Err().Op(":=").Qual(ir.PathRuntime, "DecodeCursor").Call(append([]jen.Code{jen.Id("page").Dot("After")}, dest...)...),
				jen.Err().Op("!=").Nil()).Block(jen.Return(pageType.Clone().Values(), wrapErr(t, q.Name)))
			for _, s := range afterPre {
				g.Add(s)
			}
			g.List(jen.Id("rows"), jen.Err()).Op("=").Add(dbOf(q.Scoped)).Dot("Query").Call(append([]jen.Code{jen.Id("ctx")}, afterArgs...)...)
		}),
	)
	key := jen.Func().Params(jen.Id("v").Op("*").Id(q.Result.Name)).String().Block(
		jen.Return(jen.Qual(ir.PathRuntime, "EncodeCursor").Call(fields...)),
	)
	return append(body, pageBody(q, key)...)
}

// offsetBody runs the page at the offset the cursor holds.
func offsetBody(q *ir.Query, c queryCall) []jen.Code {
	t := q.Table
	pageType := jen.Qual(ir.PathRuntime, "Page").Types(jen.Id(q.Result.Name))
	pre, args := c.args("sql", mainStmt, jen.Id("size").Op("+").Lit(1), jen.Id("start"))
	body := []jen.Code{
		jen.Id("size").Op(":=").Id("page").Dot("Size").Call(),
		jen.Var().Id("start").Int64(),
		jen.If(jen.Id("page").Dot("After").Op("!=").Lit("")).Block(
			jen.If(jen.Err().Op(":=").Qual(ir.PathRuntime, "DecodeCursor").Call(jen.Id("page").Dot("After"), jen.Op("&").Id("start")),
				jen.Err().Op("!=").Nil()).Block(jen.Return(pageType.Clone().Values(), wrapErr(t, q.Name))),
			jen.If(jen.Id("start").Op("<").Lit(0)).Block(jen.Return(pageType.Clone().Values(),
				jen.Qual(ir.PathRuntime, "Wrap").Call(
					jen.Qual(ir.PathFmt, "Errorf").Call(jen.Lit("%w: negative offset"), jen.Qual(ir.PathRuntime, "ErrBadCursor")),
					jen.Lit(t.Op+"."+q.Name), jen.Lit(t.SQLName)))),
		),
	}
	body = append(body, pre...)
	body = append(body, jen.List(jen.Id("rows"), jen.Err()).Op(":=").Add(dbOf(q.Scoped)).Dot("Query").Call(append([]jen.Code{jen.Id("ctx")}, args...)...))
	key := jen.Func().Params(jen.Op("*").Id(q.Result.Name)).String().Block(
		jen.Return(jen.Qual(ir.PathRuntime, "EncodeCursor").Call(jen.Id("start").Op("+").Int64().Call(jen.Id("size")))),
	)
	return append(body, pageBody(q, key)...)
}

// genQueryStream emits the streaming variant of a many query.
func genQueryStream(f *jen.File, q *ir.Query) {
	t := q.Table
	c := queryCall{q}
	model := q.Result.Name
	zero := jen.Id(model).Values()
	stmt := mainStmt
	params := queryParams(q)
	if q.Paginate != "" {
		stmt = streamStmt
		params = params[:len(params)-1]
	}
	pre, args := c.args("sql", stmt)
	inner := queryPrelude(q, func(err jen.Code) jen.Code {
		return jen.Id("yield").Call(zero.Clone(), err).Line().Return()
	})
	inner = append(inner, c.prelude()...)
	inner = append(inner, pre...)
	inner = append(inner,
		jen.List(jen.Id("rows"), jen.Err()).Op(":=").Add(dbOf(q.Scoped)).Dot("Query").Call(append([]jen.Code{jen.Id("ctx")}, args...)...),
		jen.If(jen.Err().Op("!=").Nil()).Block(
			jen.Id("yield").Call(zero.Clone(), wrapErr(t, q.Stream)),
			jen.Return(),
		),
		jen.Defer().Id("rows").Dot("Close").Call(),
		jen.Var().Id("v").Id(model),
		jen.For(jen.Id("rows").Dot("Next").Call()).Block(
			jen.Id("v").Op("=").Id(model).Values(),
			jen.If(jen.Err().Op(":=").Id(q.Result.Scan).Call(jen.Id("rows"), jen.Op("&").Id("v")), jen.Err().Op("!=").Nil()).Block(
				jen.Id("yield").Call(zero.Clone(), wrapErr(t, q.Stream)),
				jen.Return(),
			),
			jen.If(jen.Op("!").Id("yield").Call(jen.Id("v"), jen.Nil())).Block(jen.Return()),
		),
		jen.If(jen.Err().Op(":=").Id("rows").Dot("Err").Call(), jen.Err().Op("!=").Nil()).Block(
			jen.Id("yield").Call(zero.Clone(), wrapErr(t, q.Stream)),
		),
	)
	doc := fmt.Sprintf("%s yields the rows of %s one at a time, reading them from the server as the loop goes: "+
		"memory use does not grow with the result. An error ends the sequence.", q.Stream, q.Name)
	if q.Paginate != "" {
		doc += " It runs through every page at once, in the same order."
	}
	method(f, t, q.Stream, doc).Params(params...).Qual(ir.PathIter, "Seq2").Types(jen.Id(model), jen.Error()).
		Block(jen.Return(jen.Func().Params(jen.Id("yield").Func().Params(jen.Id(model), jen.Error()).Bool()).Block(inner...)))
	f.Line()
}
