package generator

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"
)

// genBatch emits FindByIDs, CreateMany, CreateManyReturning and the
// upserts of a table.
func genBatch(f *jen.File, t *Table) {
	genFindByIDs(f, t)
	genCreateMany(f, t)
	genCreateManyReturning(f, t)
	for _, k := range t.UniqueKeys {
		genUpsert(f, t, k)
		genCreateIfAbsent(f, t, k)
	}
}

func genFindByIDs(f *jen.File, t *Table) {
	s := t.Batch.FindByIDs
	if s == nil {
		return
	}
	pk := t.PK[0]
	genSQLStatement(f, *s)
	body := append([]jen.Code{
		jen.If(jen.Len(jen.Id("ids")).Op("==").Lit(0)).Block(jen.Return(jen.Nil(), jen.Nil())),
	}, queryMany(t, "FindByIDs", s.Const, []jen.Code{jen.Id("ids")}, jen.Len(jen.Id("ids")))...)
	method(f, t, "FindByIDs", fmt.Sprintf("FindByIDs returns the rows of table %s whose %s is in ids, in %s order, "+
		"with one query. Keys without a row are skipped, so the result may be shorter than ids.",
		t.SQLName, pk.SQLName, pk.SQLName)).
		Params(ctxParam.Clone(), jen.Id("ids").Index().Add(typeCode(pk.Go.Elem()))).Params(jen.Index().Id(t.Model), jen.Error()).
		Block(body...)
	f.Line()
}

// copyValue is how the COPY source passes a column's value.
func copyValue(c *Column) *jen.Statement {
	v := jen.Id("n").Dot(c.Field)
	if c.HasDefault {
		return v.Dot("Value")
	}
	return v
}

func genCreateMany(f *jen.File, t *Table) {
	bs := t.Batch
	if bs.CopySource == "" {
		return
	}
	src := bs.CopySource
	opt := map[*Column]int{}
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
		g.Id("vals").Index().Any()
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
		g.Id("s").Dot("vals").Op("=").Id("v")
		g.Return(jen.Id("v"), jen.Nil())
	})
	f.Line()

	comment(f, "Err reports no error: the rows are in memory.")
	f.Func().Params(recv.Clone()).Id("Err").Params().Error().Block(jen.Return(jen.Nil()))
	f.Line()

	ident := jen.Qual(pathPgx, "Identifier").Values(jen.Lit(t.SQLName))
	newSrc := func(mask jen.Code) *jen.Statement {
		return jen.Op("&").Id(src).Values(jen.Dict{
			jen.Id("rows"): jen.Id("rows"),
			jen.Id("mask"): mask,
			jen.Id("i"):    jen.Lit(-1),
			jen.Id("vals"): jen.Make(jen.Index().Any(), jen.Lit(0), jen.Lit(len(t.Insert))),
		})
	}
	wrap := func() jen.Code { return jen.Return(jen.Lit(0), wrapErr(t, "CreateMany")) }
	var body []jen.Code
	body = append(body, jen.If(jen.Len(jen.Id("rows")).Op("==").Lit(0)).Block(jen.Return(jen.Lit(0), jen.Nil())))
	if grouped {
		body = append(body,
			jen.Comment("Rows are sent in groups by the optional fields they set, so that an unset field takes"),
			jen.Comment("the column's default; usually every row sets the same ones and there is one group."),
			jen.Var().Id("masks").Index().Uint64(),
			jen.Id("probe").Op(":=").Id(src).Values(),
			jen.For(jen.Id("i").Op(":=").Range().Id("rows")).Block(
				jen.Id("m").Op(":=").Id("probe").Dot("maskOf").Call(jen.Op("&").Id("rows").Index(jen.Id("i"))),
				jen.If(jen.Op("!").Qual(pathSlices, "Contains").Call(jen.Id("masks"), jen.Id("m"))).Block(
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
		enums = append(enums, jen.If(jen.Err().Op(":=").Qual(pathRuntime, "RegisterEnumTypes").Call(args...), jen.Err().Op("!=").Nil()).Block(
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
			jen.Err().Op(":=").Qual(pathRuntime, "InTx").Call(jen.Id("ctx"), jen.Id("r").Dot("db"), jen.Qual(pathRuntime, "TxOptions").Values(),
				jen.Func().Params(jen.Id("tx").Qual(pathPgx, "Tx")).Error().Block(fn...)),
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
func returningElem(a Arg) jen.Code {
	switch a.Kind {
	case ArgOptSet:
		return jen.Bool()
	case ArgOptPtr:
		return jen.Op("*").Add(typeCode(a.Column.Go))
	}
	return typeCode(a.Column.Go)
}

func genCreateManyReturning(f *jen.File, t *Table) {
	bs := t.Batch
	wrap := func() jen.Code { return jen.Return(jen.Nil(), wrapErr(t, "CreateManyReturning")) }
	body := []jen.Code{jen.If(jen.Len(jen.Id("rows")).Op("==").Lit(0)).Block(jen.Return(jen.Nil(), jen.Nil()))}
	var doc string
	if bs.ReturningBatch {
		var args []jen.Code
		for _, a := range t.SQL.CreateArgs {
			args = append(args, argExpr("n", a))
		}
		queue := jen.Id("b").Dot("Queue").Call(append([]jen.Code{jen.Id(sqlName(t, "Create"))}, args...)...)
		loop := jen.For(jen.Range().Id("rows")).Block(queue)
		if len(args) > 0 {
			loop = jen.For(jen.Id("i").Op(":=").Range().Id("rows")).Block(
				jen.Id("n").Op(":=").Op("&").Id("rows").Index(jen.Id("i")),
				queue,
			)
		}
		body = append(body,
			jen.Id("b").Op(":=").Op("&").Qual(pathPgx, "Batch").Values(),
			loop,
			jen.Id("br").Op(":=").Id("r").Dot("db").Dot("SendBatch").Call(jen.Id("ctx"), jen.Id("b")),
			jen.Id("out").Op(":=").Make(jen.Index().Id(t.Model), jen.Lit(0), jen.Len(jen.Id("rows"))),
			jen.For(jen.Range().Id("rows")).Block(
				jen.Var().Id("v").Id(t.Model),
				jen.If(jen.Err().Op(":=").Id(scanName(t)).Call(jen.Id("br").Dot("QueryRow").Call(), jen.Op("&").Id("v")), jen.Err().Op("!=").Nil()).Block(
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
		loop := []jen.Code{jen.Id("n").Op(":=").Op("&").Id("rows").Index(jen.Id("i"))}
		var args []jen.Code
		for i, a := range bs.ReturningArgs {
			local := "a" + strconv.Itoa(i+1)
			body = append(body, jen.Id(local).Op(":=").Make(jen.Index().Add(returningElem(a)), jen.Len(jen.Id("rows"))))
			loop = append(loop, jen.Id(local).Index(jen.Id("i")).Op("=").Add(argExpr("n", a)))
			args = append(args, jen.Id(local))
		}
		body = append(body,
			jen.For(jen.Id("i").Op(":=").Range().Id("rows")).Block(loop...),
			jen.List(jen.Id("res"), jen.Err()).Op(":=").Id("r").Dot("db").Dot("Query").Call(append([]jen.Code{jen.Id("ctx"), jen.Id(bs.Returning.Const)}, args...)...),
			jen.If(jen.Err().Op("!=").Nil()).Block(wrap()),
			jen.List(jen.Id("out"), jen.Err()).Op(":=").Add(collectRows("res", scanName(t), jen.Len(jen.Id("rows")))),
			jen.If(jen.Err().Op("!=").Nil()).Block(wrap()),
			jen.Return(jen.Id("out"), jen.Nil()),
		)
		doc = fmt.Sprintf("CreateManyReturning inserts rows into table %s and returns them as stored, in input "+
			"order, defaults applied as in Create. It runs one statement, which binds one array per column "+
			"(INSERT … SELECT FROM unnest), so it is one round trip and all or nothing.", t.SQLName)
		genSQLStatement(f, bs.Returning)
	}
	method(f, t, "CreateManyReturning", doc).
		Params(ctxParam.Clone(), jen.Id("rows").Index().Id(t.NewType)).Params(jen.Index().Id(t.Model), jen.Error()).Block(body...)
	f.Line()
}

// keyDoc names a unique key's columns: "email", "(user_id, currency)".
func keyDoc(k *UniqueKey) string {
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

func genUpsert(f *jen.File, t *Table, k *UniqueKey) {
	genSQLStatement(f, k.UpsertSQL)
	var args []jen.Code
	for _, a := range t.SQL.CreateArgs {
		args = append(args, argExpr("n", a))
	}
	doc := fmt.Sprintf("%s inserts n into table %s or, when a row with the same %s exists, updates that row from "+
		"n, in one statement, and returns the row as stored. The update sets every column of n except the key's "+
		"and the primary key's; an optional field left unset keeps the column's value.", k.Upsert, t.SQLName, keyDoc(k))
	if t.UpdatedAt != nil {
		doc += fmt.Sprintf(" It sets %s to the transaction's time.", t.UpdatedAt.SQLName)
	}
	method(f, t, k.Upsert, doc).
		Params(ctxParam.Clone(), jen.Id("n").Id(t.NewType)).Params(jen.Id(t.Model), jen.Error()).
		Block(queryOne(t, k.Upsert, k.UpsertSQL.Const, args)...)
	f.Line()
}

func genCreateIfAbsent(f *jen.File, t *Table, k *UniqueKey) {
	genSQLStatement(f, k.CreateIfAbsentSQL)
	call := []jen.Code{jen.Id("ctx"), jen.Id(k.CreateIfAbsentSQL.Const)}
	for _, a := range t.SQL.CreateArgs {
		call = append(call, argExpr("n", a))
	}
	wrap := wrapErr(t, k.CreateIfAbsent)
	body := []jen.Code{
		jen.For(jen.Id("attempt").Op(":=").Lit(1), jen.Empty(), jen.Id("attempt").Op("++")).Block(
			jen.Var().Id("v").Id(t.Model),
			jen.Var().Id("created").Bool(),
			jen.Err().Op(":=").Id("r").Dot("db").Dot("QueryRow").Call(call...).Dot("Scan").CallFunc(func(g *jen.Group) {
				g.Op("&").Id("created")
				for _, c := range t.Columns {
					g.Op("&").Id("v").Dot(c.Field)
				}
			}),
			jen.If(jen.Qual(pathErrors, "Is").Call(jen.Err(), jen.Qual(pathPgx, "ErrNoRows")).Op("&&").Id("attempt").Op("<").Lit(3)).Block(
				jen.Comment("The row in the way was committed after the statement's snapshot"),
				jen.Comment("was taken; a new statement sees it (or inserts, if it is gone)."),
				jen.Continue(),
			),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Id(t.Model).Values(), jen.False(), wrap)),
			jen.Return(jen.Id("v"), jen.Id("created"), jen.Nil()),
		),
	}
	doc := fmt.Sprintf("%s inserts n into table %s unless a row with the same %s exists, and returns the new row "+
		"and true, or the existing row, unchanged, and false. One statement does both (INSERT … ON CONFLICT DO "+
		"NOTHING, then a read of the row in the way); when that row was committed by a concurrent transaction "+
		"after the statement started, the statement cannot see it and runs again, up to three times in all.",
		k.CreateIfAbsent, t.SQLName, keyDoc(k))
	method(f, t, k.CreateIfAbsent, doc).
		Params(ctxParam.Clone(), jen.Id("n").Id(t.NewType)).Params(jen.Id(t.Model), jen.Bool(), jen.Error()).
		Block(body...)
	f.Line()
}
