package gocode

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/dave/jennifer/jen"
)

// genBatch emits FindByIDs, CreateMany, CreateManyReturning and the
// upserts of a table.
func genBatch(f *jen.File, t *ir.Table) {
	genFindByIDs(f, t)
	genCreateMany(f, t)
	genCreateManyReturning(f, t)
	for _, k := range t.UniqueKeys {
		genUpsert(f, t, k)
		genCreateIfAbsent(f, t, k)
	}
}

func genFindByIDs(f *jen.File, t *ir.Table) {
	s := t.Batch.FindByIDs
	if s == nil {
		return
	}
	pk := t.PK[0]
	genStatement(f, *s)
	// Without a tenant the method fails, whatever its input.
	pre, scoped := prelude(t, "FindByIDs", "", []ir.Statement{*s}, returnsNil)
	body := append(pre, jen.If(jen.Len(jen.Id("ids")).Op("==").Lit(0)).Block(jen.Return(jen.Nil(), jen.Nil())))
	body = append(body, queryMany(t, "FindByIDs", scoped, *s, []jen.Code{jen.Id("ids")}, jen.Len(jen.Id("ids")))...)
	method(f, t, "FindByIDs", fmt.Sprintf("FindByIDs returns the rows of table %s whose %s is in ids, in %s order, "+
		"with one query. Keys without a row are skipped, so the result may be shorter than ids.",
		t.SQLName, pk.SQLName, pk.SQLName)).
		Params(ctxParam.Clone(), jen.Id("ids").Index().Add(typeCode(pk.Go.Elem()))).Params(jen.Index().Id(t.Model), jen.Error()).
		Block(body...)
	f.Line()
}

// copyValue is how the COPY source passes a column's value.
func copyValue(c *ir.Column) *jen.Statement {
	v := jen.Id("n").Dot(c.Field)
	if c.HasDefault {
		return v.Dot("Value")
	}
	return v
}

func genCreateMany(f *jen.File, t *ir.Table) {
	bs := t.Batch
	if bs.CopySource == "" {
		genCreateManyInsert(f, t)
		return
	}
	src := bs.CopySource
	opt := map[*ir.Column]int{}
	for i, c := range bs.CopyOptional {
		opt[c] = i
	}
	grouped := len(bs.CopyOptional) > 0
	recv := jen.Id("s").Op("*").Id(src)

	comment(f, fmt.Sprintf("%s feeds rows of %s to pgx's CopyFrom, reading the struct fields directly. "+
		"It sends the rows whose set optional fields are mask, with the columns of that mask.", src, t.NewType))
	f.Type().Id(src).StructFunc(func(g *jen.Group) {
		g.Id("rows").Index().Id(t.NewType)
		g.Id("mask").Uint64()
		g.Id("i").Int()
		g.Id("vals").Index(jen.Lit(len(t.Insert))).Any()
	})
	f.Line()

	if grouped {
		comment(f, "maskOf returns the bits of the optional fields n sets.")
		f.Func().Params(recv.Clone()).Id("maskOf").Params(jen.Id("n").Op("*").Id(t.NewType)).Uint64().BlockFunc(func(g *jen.Group) {
			g.Var().Id("m").Uint64()
			for i, c := range bs.CopyOptional {
				g.If(jen.Id("n").Dot(c.Field).Dot("Set")).Block(jen.Id("m").Op("|=").Lit(1).Op("<<").Lit(i))
			}
			g.Return(jen.Id("m"))
		})
		f.Line()
	}

	comment(f, "columns returns the columns of the source's mask, in table order.")
	f.Func().Params(recv.Clone()).Id("columns").Params().Index().String().BlockFunc(func(g *jen.Group) {
		if !grouped {
			g.Return(jen.Index().String().ValuesFunc(func(g *jen.Group) {
				for _, c := range t.Insert {
					g.Lit(c.SQLName)
				}
			}))
			return
		}
		g.Id("cols").Op(":=").Make(jen.Index().String(), jen.Lit(0), jen.Lit(len(t.Insert)))
		for _, c := range t.Insert {
			add := jen.Id("cols").Op("=").Append(jen.Id("cols"), jen.Lit(c.SQLName))
			if i, ok := opt[c]; ok {
				g.If(jen.Id("s").Dot("mask").Op("&").Parens(jen.Lit(1).Op("<<").Lit(i)).Op("!=").Lit(0)).Block(add)
			} else {
				g.Add(add)
			}
		}
		g.Return(jen.Id("cols"))
	})
	f.Line()

	comment(f, "Next advances to the next row of the source's mask.")
	if grouped {
		f.Func().Params(recv.Clone()).Id("Next").Params().Bool().Block(
			jen.For(jen.Id("s").Dot("i").Op("++"), jen.Id("s").Dot("i").Op("<").Len(jen.Id("s").Dot("rows")), jen.Id("s").Dot("i").Op("++")).Block(
				jen.If(jen.Id("s").Dot("maskOf").Call(jen.Op("&").Id("s").Dot("rows").Index(jen.Id("s").Dot("i"))).Op("==").Id("s").Dot("mask")).Block(
					jen.Return(jen.True()),
				),
			),
			jen.Return(jen.False()),
		)
	} else {
		f.Func().Params(recv.Clone()).Id("Next").Params().Bool().Block(
			jen.Id("s").Dot("i").Op("++"),
			jen.Return(jen.Id("s").Dot("i").Op("<").Len(jen.Id("s").Dot("rows"))),
		)
	}
	f.Line()

	comment(f, "Values returns the current row's values; the slice is reused for the next row.")
	f.Func().Params(recv.Clone()).Id("Values").Params().Params(jen.Index().Any(), jen.Error()).BlockFunc(func(g *jen.Group) {
		g.Id("n").Op(":=").Op("&").Id("s").Dot("rows").Index(jen.Id("s").Dot("i"))
		g.Id("v").Op(":=").Id("s").Dot("vals").Index(jen.Empty(), jen.Lit(0))
		for _, c := range t.Insert {
			add := jen.Id("v").Op("=").Append(jen.Id("v"), copyValue(c))
			if i, ok := opt[c]; ok {
				g.If(jen.Id("s").Dot("mask").Op("&").Parens(jen.Lit(1).Op("<<").Lit(i)).Op("!=").Lit(0)).Block(add)
			} else {
				g.Add(add)
			}
		}
		g.Return(jen.Id("v"), jen.Nil())
	})
	f.Line()

	comment(f, "Err reports no error: the rows are in memory.")
	f.Func().Params(recv.Clone()).Id("Err").Params().Error().Block(jen.Return(jen.Nil()))
	f.Line()

	ident := jen.Qual(ir.PathPgx, "Identifier").Values(jen.Lit(t.SQLName))
	newSrc := func(mask jen.Code) *jen.Statement {
		return jen.Op("&").Id(src).Values(jen.Dict{
			jen.Id("rows"): jen.Id("rows"),
			jen.Id("mask"): mask,
			jen.Id("i"):    jen.Lit(-1),
		})
	}
	wrap := func() jen.Code { return jen.Return(jen.Lit(0), wrapErr(t, "CreateMany")) }
	var body []jen.Code
	body = append(body, jen.If(jen.Len(jen.Id("rows")).Op("==").Lit(0)).Block(jen.Return(jen.Lit(0), jen.Nil())))
	body = append(body, validateRows(t, "CreateMany", func(err jen.Code) jen.Code { return jen.Return(jen.Lit(0), err) })...)
	if grouped {
		body = append(body,
			jen.Comment("Rows are sent in groups by the optional fields they set, so that an unset field takes"),
			jen.Comment("the column's default; usually every row sets the same ones and there is one group."),
			jen.Id("masks").Op(":=").Make(jen.Index().Uint64(), jen.Lit(0), jen.Lit(4)),
			jen.Id("probe").Op(":=").Id(src).Values(),
			jen.For(jen.Id("i").Op(":=").Range().Id("rows")).Block(
				jen.Id("m").Op(":=").Id("probe").Dot("maskOf").Call(jen.Op("&").Id("rows").Index(jen.Id("i"))),
				jen.If(jen.Op("!").Qual(ir.PathSlices, "Contains").Call(jen.Id("masks"), jen.Id("m"))).Block(
					jen.Id("masks").Op("=").Append(jen.Id("masks"), jen.Id("m")),
				),
			),
		)
	}
	direct := []jen.Code{
		jen.Id("s").Op(":=").Add(newSrc(jen.Id("masks").Index(jen.Lit(0)))),
		jen.List(jen.Id("n"), jen.Err()).Op(":=").Id("r").Dot("db").Dot("CopyFrom").Call(jen.Id("ctx"), ident.Clone(), jen.Id("s").Dot("columns").Call(), jen.Id("s")),
		jen.If(jen.Err().Op("!=").Nil()).Block(wrap()),
		jen.Return(jen.Id("n"), jen.Nil()),
	}
	switch {
	case !grouped && len(bs.CopyEnums) == 0:
		direct[0] = jen.Id("s").Op(":=").Add(newSrc(jen.Lit(0)))
		body = append(body, direct...)
	case !grouped:
		body = append(body, jen.Id("masks").Op(":=").Index().Uint64().Values(jen.Lit(0)))
	case len(bs.CopyEnums) == 0:
		body = append(body, jen.If(jen.Len(jen.Id("masks")).Op("==").Lit(1)).Block(direct...))
	}
	var enums []jen.Code
	if len(bs.CopyEnums) > 0 {
		args := []jen.Code{jen.Id("ctx"), jen.Id("tx").Dot("Conn").Call()}
		for _, e := range bs.CopyEnums {
			args = append(args, jen.Lit(e))
		}
		enums = append(enums, jen.If(jen.Err().Op(":=").Qual(ir.PathRuntime, "RegisterEnumTypes").Call(args...), jen.Err().Op("!=").Nil()).Block(
			jen.Return(jen.Err()),
		))
	}
	fn := append(enums,
		jen.Id("total").Op("=").Lit(0),
		jen.For(jen.List(jen.Id("_"), jen.Id("m")).Op(":=").Range().Id("masks")).Block(
			jen.Id("s").Op(":=").Add(newSrc(jen.Id("m"))),
			jen.List(jen.Id("n"), jen.Err()).Op(":=").Id("tx").Dot("CopyFrom").Call(jen.Id("ctx"), ident.Clone(), jen.Id("s").Dot("columns").Call(), jen.Id("s")),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
			jen.Id("total").Op("+=").Id("n"),
		),
		jen.Return(jen.Nil()),
	)
	if grouped || len(bs.CopyEnums) > 0 {
		body = append(body,
			jen.Var().Id("total").Int64(),
			jen.Err().Op(":=").Qual(ir.PathRuntime, "InTx").Call(jen.Id("ctx"), jen.Id("r").Dot("db"), jen.Qual(ir.PathRuntime, "TxOptions").Values(),
				jen.Func().Params(jen.Id("tx").Qual(ir.PathPgx, "Tx")).Error().Block(fn...)),
			jen.If(jen.Err().Op("!=").Nil()).Block(wrap()),
			jen.Return(jen.Id("total"), jen.Nil()),
		)
	}
	doc := fmt.Sprintf("CreateMany inserts rows into table %s with the COPY protocol and returns how many it inserted. "+
		"It is all or nothing.", t.SQLName)
	if grouped {
		doc += " An optional field left unset takes the column's default, as in Create: rows are copied in groups " +
			"by the optional fields they set."
	}
	switch {
	case len(bs.CopyEnums) > 0:
		doc += fmt.Sprintf(" It runs in a transaction (a savepoint when r is one), on whose connection it registers "+
			"the enum types %s so that pgx can send enum arrays in COPY's binary format.", strings.Join(bs.CopyEnums, ", "))
	case grouped:
		doc += " More than one group runs in a transaction (a savepoint when r is one)."
	}
	doc += " COPY does not return rows; CreateManyReturning does."
	method(f, t, "CreateMany", doc).
		Params(ctxParam.Clone(), jen.Id("rows").Index().Id(t.NewType)).Params(jen.Int64(), jen.Error()).Block(body...)
	f.Line()
}

// returningElem is the Go element type of the array an argument of
// CreateManyReturning binds.
func returningElem(a ir.Arg) jen.Code {
	switch a.Kind {
	case ir.ArgOptSet:
		return jen.Bool()
	case ir.ArgOptPtr:
		return jen.Op("*").Add(typeCode(a.Column.Go))
	}
	return typeCode(a.Column.Go)
}

// validateRows renders the check of every row of a batch before any SQL.
func validateRows(t *ir.Table, method string, fail func(jen.Code) jen.Code) []jen.Code {
	if !t.Validates {
		return nil
	}
	return []jen.Code{
		jen.If(jen.Err().Op(":=").Qual(ir.PathRuntime, "ValidateAll").Call(jen.Id("rows")), jen.Err().Op("!=").Nil()).Block(
			fail(wrapErrOf(t, method, jen.Err())),
		),
	}
}

// unnestArrays renders the arrays a statement over unnest binds, one per
// argument of Create, filled from rows; it returns the statements and
// the arrays in placeholder order.
func unnestArrays(t *ir.Table) ([]jen.Code, []jen.Code) {
	var body []jen.Code
	loop := []jen.Code{jen.Id("n").Op(":=").Op("&").Id("rows").Index(jen.Id("i"))}
	var args []jen.Code
	for i, a := range t.Batch.ReturningArgs {
		local := "a" + strconv.Itoa(i+1)
		body = append(body, jen.Id(local).Op(":=").Make(jen.Index().Add(returningElem(a)), jen.Len(jen.Id("rows"))))
		loop = append(loop, jen.Id(local).Index(jen.Id("i")).Op("=").Add(argExpr("n", a)))
		args = append(args, jen.Id(local))
	}
	body = append(body, jen.For(jen.Id("i").Op(":=").Range().Id("rows")).Block(loop...))
	return body, args
}

// queueCreates renders a pgx.Batch holding Create's statement once per
// row, sent on the method's database.
func queueCreates(t *ir.Table, scoped bool) []jen.Code {
	s := t.SQL.Create
	var args []jen.Code
	for _, a := range t.SQL.CreateArgs {
		args = append(args, argExpr("n", a))
	}
	queue := jen.Id("b").Dot("Queue").Call(append(append([]jen.Code{jen.Id(s.Const)}, args...), tailArgs(s)...)...)
	loop := jen.For(jen.Range().Id("rows")).Block(queue)
	if len(args) > 0 {
		loop = jen.For(jen.Id("i").Op(":=").Range().Id("rows")).Block(
			jen.Id("n").Op(":=").Op("&").Id("rows").Index(jen.Id("i")),
			queue,
		)
	}
	return []jen.Code{
		jen.Id("b").Op(":=").Op("&").Qual(ir.PathPgx, "Batch").Values(),
		loop,
		jen.Id("br").Op(":=").Add(dbOf(scoped)).Dot("SendBatch").Call(jen.Id("ctx"), jen.Id("b")),
	}
}

// genCreateManyInsert emits CreateMany of a table COPY cannot serve
// (tenant or audit): one INSERT … SELECT FROM unnest, or Create queued
// per row when the table has array columns.
func genCreateManyInsert(f *jen.File, t *ir.Table) {
	bs := t.Batch
	if len(t.Insert) == 0 && t.Tenant == nil {
		return
	}
	wrap := func() jen.Code { return jen.Return(jen.Lit(0), wrapErr(t, "CreateMany")) }
	fail := func(err jen.Code) jen.Code { return jen.Return(jen.Lit(0), err) }
	var doc string
	if bs.ReturningBatch {
		body, scoped := prelude(t, "CreateMany", "", []ir.Statement{t.SQL.Create}, fail)
		body = append(body, jen.If(jen.Len(jen.Id("rows")).Op("==").Lit(0)).Block(jen.Return(jen.Lit(0), jen.Nil())))
		body = append(body, validateRows(t, "CreateMany", fail)...)
		body = append(body, queueCreates(t, scoped)...)
		body = append(body,
			jen.For(jen.Range().Id("rows")).Block(
				jen.If(jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("br").Dot("Exec").Call(), jen.Err().Op("!=").Nil()).Block(
					jen.Id("br").Dot("Close").Call(),
					wrap(),
				),
			),
			jen.If(jen.Err().Op(":=").Id("br").Dot("Close").Call(), jen.Err().Op("!=").Nil()).Block(wrap()),
			jen.Return(jen.Int64().Call(jen.Len(jen.Id("rows"))), jen.Nil()),
		)
		doc = fmt.Sprintf("CreateMany inserts rows into table %s and returns how many it inserted. It queues Create's "+
			"statement once per row in one pgx.Batch: one round trip, and all or nothing.", t.SQLName)
		genCreateManyMethod(f, t, doc, body)
		return
	}
	{
		s := bs.Insert
		genStatement(f, s)
		body, scoped := prelude(t, "CreateMany", "", []ir.Statement{s}, fail)
		body = append(body, jen.If(jen.Len(jen.Id("rows")).Op("==").Lit(0)).Block(jen.Return(jen.Lit(0), jen.Nil())))
		body = append(body, validateRows(t, "CreateMany", fail)...)
		arrays, args := unnestArrays(t)
		body = append(body, arrays...)
		if bs.InsertCounts {
			body = append(body,
				jen.Var().Id("n").Int64(),
				jen.If(jen.Err().Op(":=").Add(dbOf(scoped)).Dot("QueryRow").Call(callArgs(s, args)...).Dot("Scan").Call(jen.Op("&").Id("n")),
					jen.Err().Op("!=").Nil()).Block(wrap()),
				jen.Return(jen.Id("n"), jen.Nil()),
			)
		} else {
			body = append(body,
				jen.List(jen.Id("tag"), jen.Err()).Op(":=").Add(dbOf(scoped)).Dot("Exec").Call(callArgs(s, args)...),
				jen.If(jen.Err().Op("!=").Nil()).Block(wrap()),
				jen.Return(jen.Id("tag").Dot("RowsAffected").Call(), jen.Nil()),
			)
		}
		doc = fmt.Sprintf("CreateMany inserts rows into table %s and returns how many it inserted. It runs one "+
			"statement, which binds one array per column (INSERT … SELECT FROM unnest), so it is one round trip and "+
			"all or nothing.", t.SQLName)
		genCreateManyMethod(f, t, doc, body)
	}
}

// genCreateManyMethod emits CreateMany of a table COPY cannot serve, with
// the reason in its doc comment.
func genCreateManyMethod(f *jen.File, t *ir.Table, doc string, body []jen.Code) {
	switch {
	case t.Tenant != nil && t.Audit:
		doc += " COPY is not used: PostgreSQL does not run COPY FROM under row-level security, and the audit rows are written by the same statement."
	case t.Tenant != nil:
		doc += " COPY is not used: PostgreSQL does not run COPY FROM under row-level security."
	case t.Audit:
		doc += " COPY is not used: the statement also writes one audit row per row."
	}
	method(f, t, "CreateMany", doc).
		Params(ctxParam.Clone(), jen.Id("rows").Index().Id(t.NewType)).Params(jen.Int64(), jen.Error()).Block(body...)
	f.Line()
}

func genCreateManyReturning(f *jen.File, t *ir.Table) {
	bs := t.Batch
	wrap := func() jen.Code { return jen.Return(jen.Nil(), wrapErr(t, "CreateManyReturning")) }
	start := func(s ir.Statement) ([]jen.Code, bool) {
		body, scoped := prelude(t, "CreateManyReturning", "", []ir.Statement{s}, returnsNil)
		body = append(body, jen.If(jen.Len(jen.Id("rows")).Op("==").Lit(0)).Block(jen.Return(jen.Nil(), jen.Nil())))
		return append(body, validateRows(t, "CreateManyReturning", returnsNil)...), scoped
	}
	var body []jen.Code
	var doc string
	if bs.ReturningBatch {
		var scoped bool
		body, scoped = start(t.SQL.Create)
		body = append(body, queueCreates(t, scoped)...)
		body = append(body,
			jen.Id("out").Op(":=").Make(jen.Index().Id(t.Model), jen.Lit(0), jen.Len(jen.Id("rows"))),
			jen.For(jen.Range().Id("rows")).Block(
				jen.Var().Id("v").Id(t.Model),
				jen.If(jen.Err().Op(":=").Id(t.Scan).Call(jen.Id("br").Dot("QueryRow").Call(), jen.Op("&").Id("v")), jen.Err().Op("!=").Nil()).Block(
					jen.Id("br").Dot("Close").Call(),
					wrap(),
				),
				jen.Id("out").Op("=").Append(jen.Id("out"), jen.Id("v")),
			),
			jen.If(jen.Err().Op(":=").Id("br").Dot("Close").Call(), jen.Err().Op("!=").Nil()).Block(wrap()),
			jen.Return(jen.Id("out"), jen.Nil()),
		)
		doc = fmt.Sprintf("CreateManyReturning inserts rows into table %s and returns them as stored, in input "+
			"order, defaults applied. It queues Create's statement once per row in one pgx.Batch: one round trip, "+
			"and all or nothing, as the batch runs in one implicit transaction. (A single INSERT … SELECT FROM "+
			"unnest cannot carry the table's array columns.)", t.SQLName)
	} else {
		s := bs.Returning
		genStatement(f, s)
		var scoped bool
		body, scoped = start(s)
		arrays, args := unnestArrays(t)
		body = append(body, arrays...)
		body = append(body,
			jen.List(jen.Id("res"), jen.Err()).Op(":=").Add(dbOf(scoped)).Dot("Query").Call(callArgs(s, args)...),
			jen.If(jen.Err().Op("!=").Nil()).Block(wrap()),
			jen.List(jen.Id("out"), jen.Err()).Op(":=").Add(collectRows("res", t.Scan, jen.Len(jen.Id("rows")))),
			jen.If(jen.Err().Op("!=").Nil()).Block(wrap()),
			jen.Return(jen.Id("out"), jen.Nil()),
		)
		doc = fmt.Sprintf("CreateManyReturning inserts rows into table %s and returns them as stored, in input "+
			"order, defaults applied as in Create. It runs one statement, which binds one array per column "+
			"(INSERT … SELECT FROM unnest), so it is one round trip and all or nothing.", t.SQLName)
	}
	if t.Validates {
		doc += " It validates every row first."
	}
	method(f, t, "CreateManyReturning", doc).
		Params(ctxParam.Clone(), jen.Id("rows").Index().Id(t.NewType)).Params(jen.Index().Id(t.Model), jen.Error()).Block(body...)
	f.Line()
}

// keyDoc names a unique key's columns: "email", "(user_id, currency)".
func keyDoc(k *ir.UniqueKey) string {
	names := make([]string, len(k.Columns))
	for i, c := range k.Columns {
		names[i] = c.SQLName
	}
	s := strings.Join(names, ", ")
	if len(names) > 1 {
		s = "(" + s + ")"
	}
	if k.Where != "" {
		s += " (among the rows where " + k.Where + ")"
	}
	return s
}

func genUpsert(f *jen.File, t *ir.Table, k *ir.UniqueKey) {
	s := k.UpsertSQL
	genStatement(f, s)
	var args []jen.Code
	for _, a := range t.SQL.CreateArgs {
		args = append(args, argExpr("n", a))
	}
	doc := fmt.Sprintf("%s inserts n into table %s or, when a row with the same %s exists, updates that row from "+
		"n, in one statement, and returns the row as stored. The update sets every column of n except the key's "+
		"and the primary key's; an optional field left unset keeps the column's value.", k.Upsert, t.SQLName, keyDoc(k))
	if t.Validates {
		doc += " It validates n first."
	}
	if t.Version != nil {
		doc += fmt.Sprintf(" Updating increments %s.", t.Version.SQLName)
	}
	if t.UpdatedAt != nil {
		doc += fmt.Sprintf(" It sets %s to the transaction's time.", t.UpdatedAt.SQLName)
	}
	if k.Hidden {
		doc += " A row in the way that the caller cannot see (another tenant's, or soft-deleted) is not updated: " +
			"the error has kind Conflict."
	}
	if t.Audit {
		doc += " The audit row holds the old values of an updated row, read and locked by the same statement; when " +
			"the row in the way was committed after the statement started, the statement runs again, up to three times."
	}
	pre, scoped := prelude(t, k.Upsert, "n", []ir.Statement{s}, returnsModel(t))
	var body []jen.Code
	if !k.MayMiss {
		body = append(pre, queryOne(t, k.Upsert, scoped, s, args)...)
	} else {
		body = append(pre, jen.Var().Id("v").Id(t.Model))
		if !scoped {
			body = append(body, jen.Var().Err().Error())
		}
		body = append(body,
			jen.For(jen.Id("attempt").Op(":=").Lit(0), jen.Id("attempt").Op("<").Lit(3), jen.Id("attempt").Op("++")).Block(
				jen.Err().Op("=").Id(t.Scan).Call(dbOf(scoped).Dot("QueryRow").Call(callArgs(s, args)...), jen.Op("&").Id("v")),
				jen.If(jen.Op("!").Qual(ir.PathErrors, "Is").Call(jen.Err(), jen.Qual(ir.PathPgx, "ErrNoRows"))).Block(jen.Break()),
			),
			jen.Switch().Block(
				jen.Case(jen.Qual(ir.PathErrors, "Is").Call(jen.Err(), jen.Qual(ir.PathPgx, "ErrNoRows"))).Block(
					jen.Return(jen.Id(t.Model).Values(), jen.Qual(ir.PathRuntime, "NewHiddenKeyError").Call(jen.Lit(t.Op+"."+k.Upsert), jen.Lit(t.SQLName))),
				),
				jen.Case(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id(t.Model).Values(), wrapErr(t, k.Upsert))),
			),
			jen.Return(jen.Id("v"), jen.Nil()),
		)
	}
	method(f, t, k.Upsert, doc).
		Params(ctxParam.Clone(), jen.Id("n").Id(t.NewType)).Params(jen.Id(t.Model), jen.Error()).
		Block(body...)
	f.Line()
}

func genCreateIfAbsent(f *jen.File, t *ir.Table, k *ir.UniqueKey) {
	s := k.CreateIfAbsentSQL
	genStatement(f, s)
	var args []jen.Code
	for _, a := range t.SQL.CreateArgs {
		args = append(args, argExpr("n", a))
	}
	fail := func(err jen.Code) jen.Code { return jen.Return(jen.Id(t.Model).Values(), jen.False(), err) }
	pre, scoped := prelude(t, k.CreateIfAbsent, "n", []ir.Statement{s}, fail)
	wrap := wrapErr(t, k.CreateIfAbsent)
	exhausted := jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id(t.Model).Values(), jen.False(), wrap))
	if k.Hidden {
		exhausted = jen.If(jen.Qual(ir.PathErrors, "Is").Call(jen.Err(), jen.Qual(ir.PathPgx, "ErrNoRows"))).Block(
			jen.Comment("The row in the way is one the caller cannot see."),
			fail(jen.Qual(ir.PathRuntime, "NewHiddenKeyError").Call(jen.Lit(t.Op+"."+k.CreateIfAbsent), jen.Lit(t.SQLName))),
		).Line().Add(exhausted)
	}
	body := append(pre,
		jen.For(jen.Id("attempt").Op(":=").Lit(1), jen.Empty(), jen.Id("attempt").Op("++")).Block(
			jen.Var().Id("v").Id(t.Model),
			jen.Var().Id("created").Bool(),
			jen.Err().Op(":=").Add(dbOf(scoped)).Dot("QueryRow").Call(callArgs(s, args)...).Dot("Scan").CallFunc(func(g *jen.Group) {
				g.Op("&").Id("created")
				for _, c := range t.Columns {
					g.Op("&").Id("v").Dot(c.Field)
				}
			}),
			jen.If(jen.Qual(ir.PathErrors, "Is").Call(jen.Err(), jen.Qual(ir.PathPgx, "ErrNoRows")).Op("&&").Id("attempt").Op("<").Lit(3)).Block(
				jen.Comment("The row in the way was committed after the statement's snapshot"),
				jen.Comment("was taken; a new statement sees it (or inserts, if it is gone)."),
				jen.Continue(),
			),
			exhausted,
			jen.Return(jen.Id("v"), jen.Id("created"), jen.Nil()),
		),
	)
	doc := fmt.Sprintf("%s inserts n into table %s unless a row with the same %s exists, and returns the new row "+
		"and true, or the existing row, unchanged, and false. One statement does both (INSERT … ON CONFLICT DO "+
		"NOTHING, then a read of the row in the way); when that row was committed by a concurrent transaction "+
		"after the statement started, the statement cannot see it and runs again, up to three times in all.",
		k.CreateIfAbsent, t.SQLName, keyDoc(k))
	if t.Validates {
		doc += " It validates n first."
	}
	if k.Hidden {
		doc += " When the row in the way is one the caller cannot see (another tenant's, or soft-deleted), the " +
			"error has kind Conflict."
	}
	method(f, t, k.CreateIfAbsent, doc).
		Params(ctxParam.Clone(), jen.Id("n").Id(t.NewType)).Params(jen.Id(t.Model), jen.Bool(), jen.Error()).
		Block(body...)
	f.Line()
}
