package gocode

import (
	"fmt"
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
	body := append(pre, jen.If(jen.Len(jen.Id("ids")).Op("==").Lit(0)).Block(jen.Return(emptySlice(t), jen.Nil())))
	body = append(body, queryMany(t, "FindByIDs", scoped, *s, []jen.Code{jen.Id("ids")}, jen.Len(jen.Id("ids")))...)
	method(f, t, "FindByIDs", fmt.Sprintf("FindByIDs returns the rows of table %s whose %s is in ids, in %s order, "+
		"with one query. Keys without a row are skipped, so the result may be shorter than ids; it is empty, "+
		"not nil, when no key has a row.",
		t.SQLName, pk.SQLName, pk.SQLName)).
		Params(ctxParam.Clone(), jen.Id("ids").Index().Add(typeCode(pk.Go.Elem()))).Params(jen.Index().Id(t.Model), jen.Error()).
		Block(body...)
	f.Line()
}

// emptySlice renders an empty slice of t's models: a method returning
// rows returns an empty slice, never nil, when there are none (JSON []).
func emptySlice(t *ir.Table) jen.Code { return jen.Index().Id(t.Model).Values() }

// multi renders items as the arguments of a call, one per line.
func multi(items ...jen.Code) *jen.Statement {
	return jen.Custom(jen.Options{Open: "(", Close: ")", Separator: ",", Multi: true}, items...)
}

func genCreateMany(f *jen.File, t *ir.Table) {
	bs := t.Batch
	if bs.Copier == "" {
		genCreateManyInsert(f, t)
		return
	}
	enums := jen.Nil()
	if len(bs.CopyEnums) > 0 {
		var lits []jen.Code
		for _, e := range bs.CopyEnums {
			lits = append(lits, jen.Lit(e))
		}
		enums = jen.Index().String().Values(lits...)
	}
	args := []jen.Code{jen.Lit(t.SQLName), enums}
	row := func() *jen.Statement { return jen.Id("n").Op("*").Id(t.NewType) }
	for _, c := range t.Insert {
		if c.HasDefault {
			args = append(args, jen.Qual(ir.PathRuntime, "CopyOpt").Call(jen.Lit(c.SQLName),
				jen.Func().Params(row()).Op("*").Qual(ir.PathRuntime, "Opt").Types(typeCode(c.Go)).Add(inline(jen.Return(jen.Op("&").Id("n").Dot(c.Field))))))
			continue
		}
		// A pointer field goes as it is (nil is NULL); any other as a
		// pointer to it. Neither boxes a value per row.
		val := jen.Op("&").Id("n").Dot(c.Field)
		if c.Go.Ptr {
			val = jen.Id("n").Dot(c.Field)
		}
		args = append(args, jen.Qual(ir.PathRuntime, "CopyValue").Call(jen.Lit(c.SQLName),
			jen.Func().Params(row()).Any().Add(inline(jen.Return(val)))))
	}
	comment(f, fmt.Sprintf("%s sends rows of %s to table %s with COPY, reading each value in place.", bs.Copier, t.NewType, t.SQLName))
	f.Var().Id(bs.Copier).Op("=").Qual(ir.PathRuntime, "NewCopier").Add(multi(args...))
	f.Line()

	var body []jen.Code
	body = append(body, validateRows(t, "CreateMany", func(err jen.Code) jen.Code { return jen.Return(jen.Lit(0), err) })...)
	body = append(body,
		jen.List(jen.Id("n"), jen.Err()).Op(":=").Id(bs.Copier).Dot("Copy").Call(jen.Id("ctx"), copyDB(t), jen.Id("rows")),
		jen.Return(jen.Id("n"), wrapErr(t, "CreateMany")),
	)
	doc := fmt.Sprintf("CreateMany inserts rows into table %s with the COPY protocol and returns how many it inserted. "+
		"It is all or nothing.", t.SQLName)
	if hasDefaults(t.Insert) {
		doc += " An optional field left unset takes the column's default, as in Create: rows are copied in groups " +
			"by the optional fields they set, in a transaction when there are several (a savepoint when r is one)."
	}
	if len(bs.CopyEnums) > 0 {
		doc += fmt.Sprintf(" It runs in a transaction, on whose connection it registers the enum types %s so that pgx "+
			"can send enum arrays in COPY's binary format.", strings.Join(bs.CopyEnums, ", "))
	}
	doc += " COPY does not return rows; CreateManyReturning does."
	method(f, t, "CreateMany", doc).
		Params(ctxParam.Clone(), jen.Id("rows").Index().Id(t.NewType)).Params(jen.Int64(), jen.Error()).Block(body...)
	f.Line()
}

// copyDB is the database CreateMany copies into: the repository's, run
// as the context's actor when the rows are audited (runtime.Acting).
func copyDB(t *ir.Table) jen.Code {
	if t.Actor {
		return jen.Qual(ir.PathRuntime, "Acting").Call(jen.Id("ctx"), jen.Id("r").Dot("db"))
	}
	return jen.Id("r").Dot("db")
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
// argument of Create, read from rows, in placeholder order.
func unnestArrays(t *ir.Table) []jen.Code {
	var args []jen.Code
	for _, a := range t.Batch.ReturningArgs {
		args = append(args, jen.Qual(ir.PathRuntime, "Column").Call(jen.Id("rows"),
			jen.Func().Params(jen.Id("n").Op("*").Id(t.NewType)).Add(returningElem(a)).Add(inline(jen.Return(argExpr("n", a))))))
	}
	return args
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
// (tenant, or a type COPY cannot carry): one INSERT … SELECT FROM unnest, or Create queued
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
		args := unnestArrays(t)
		body = append(body,
			jen.List(jen.Id("tag"), jen.Err()).Op(":=").Add(dbOf(scoped)).Dot("Exec").Add(multi(callArgs(s, args)...)),
			jen.Return(jen.Id("tag").Dot("RowsAffected").Call(), wrapErr(t, "CreateMany")),
		)
		doc = fmt.Sprintf("CreateMany inserts rows into table %s and returns how many it inserted. It runs one "+
			"statement, which binds one array per column (INSERT … SELECT FROM unnest), so it is one round trip and "+
			"all or nothing.", t.SQLName)
		genCreateManyMethod(f, t, doc, body)
	}
}

// genCreateManyMethod emits CreateMany of a table COPY cannot serve, with
// the reason in its doc comment.
func genCreateManyMethod(f *jen.File, t *ir.Table, doc string, body []jen.Code) {
	if t.Tenant != nil {
		doc += " COPY is not used: PostgreSQL does not run COPY FROM under row-level security."
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
		body = append(body, jen.If(jen.Len(jen.Id("rows")).Op("==").Lit(0)).Block(jen.Return(emptySlice(t), jen.Nil())))
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
		body = append(body, collectWith(t, "CreateManyReturning", "res", dbOf(scoped).Dot("Query").Add(multi(callArgs(s, unnestArrays(t))...)),
			jen.Id(t.Scan), jen.Len(jen.Id("rows")))...)
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
