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
	if t.Families.CRUD {
		genFindByIDs(f, t)
	}
	if t.Families.Batch {
		if t.QueuesCreate() {
			genOp(f, t, "Create", t.SQL.Create, paramFields(nil, t.SQL.CreateArgs), opValidates(t, t.SQL.Create))
		}
		genCreateMany(f, t)
		genCreateManyReturning(f, t)
	}
	if !t.Families.Upsert {
		return
	}
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
	genOp(f, t, "FindByIDs", *s, nil, false)
	// Without a tenant the method fails, whatever its input.
	pre, scoped := prelude(t, "FindByIDs", "", []ir.Statement{*s}, returnsNil)
	body := append(pre, jen.If(jen.Len(jen.Id("ids")).Op("==").Lit(0)).Block(jen.Return(emptySlice(t), jen.Nil())))
	in := call{in: jen.Id("ids"), args: jen.Qual(ir.PathRuntime, "Arg")}
	body = append(body, queryMany(t, "FindByIDs", scoped, *s, in, t.Scan, jen.Len(jen.Id("ids")))...)
	order := pk.SQLName + " order"
	if t.Cache != nil {
		body = cachedFindByIDs(t)
		if pk.Type.Base.Text {
			order += " (byte by byte, COLLATE \"C\")"
		}
	}
	method(f, t, "FindByIDs", fmt.Sprintf("FindByIDs returns the rows of table %s whose %s is in ids, in %s; "+
		"keys without a row are skipped.", t.SQLName, pk.SQLName, order)+cacheDoc(t, "FindByIDs")).
		Params(ctxParam.Clone(), jen.Id("ids").Index().Add(typeCode(pk.Go.Elem()))).Params(jen.Index().Id(t.Model), jen.Error()).
		Block(body...)
	f.Line()
}

// emptySlice renders an empty slice of t's models: a method returning
// rows returns an empty slice, never nil, when there are none (JSON []).
func emptySlice(t *ir.Table) jen.Code { return jen.Index().Id(t.Model).Values() }

func genCreateMany(f *jen.File, t *ir.Table) {
	bs := t.Batch
	if bs.Copier == "" {
		genCreateManyInsert(f, t)
		return
	}
	kv := []jen.Code{field("Op", jen.Op("&").Qual(ir.PathRuntime, "Op").Values(
		jen.Id("Name").Op(":").Lit(t.Op+".CreateMany"), jen.Id("Table").Op(":").Lit(t.SQLName), jen.Id("Errs").Op(":").Id("errs")))}
	var cols []jen.Code
	for _, c := range t.Insert {
		cols = append(cols, jen.Lit(c.SQLName))
	}
	kv = append(kv, field("Columns", jen.Index().String().Values(cols...)))
	args := jen.Id(t.Args)
	if hasArgKind(t.SQL.CreateArgs, ir.ArgOptSet) {
		// Create binds whether a nullable field with a default is set;
		// COPY sends it or leaves the column out.
		var vals []ir.Arg
		for _, c := range t.Insert {
			kind := ir.ArgValue
			if c.HasDefault {
				kind = ir.ArgOptPtr
			}
			vals = append(vals, ir.Arg{Column: c, Kind: kind})
		}
		args = jen.Func().Params(jen.Id("n").Op("*").Id(t.NewType), jen.Id("d").Index().Any()).Index().Any().Add(inline(jen.Return(appendArgs("n", vals))))
	}
	kv = append(kv, field("Args", args))
	if wideOptional(t) {
		kv = append(kv, field("UnsetFromArgs", jen.True()))
	} else if unset := unsetMask(t); unset != nil {
		kv = append(kv, field("Unset", unset))
	}
	if t.Validates {
		kv = append(kv, field("Validate", jen.Parens(jen.Op("*").Id(t.NewType)).Dot("Validate")))
	}
	if len(bs.CopyEnums) > 0 {
		var lits []jen.Code
		for _, e := range bs.CopyEnums {
			lits = append(lits, jen.Lit(e))
		}
		kv = append(kv, field("Enums", jen.Index().String().Values(lits...)))
	}
	f.Var().Id(bs.Copier).Op("=").Op("&").Add(literal(jen.Qual(ir.PathRuntime, "Copier").Types(jen.Op("*").Id(t.NewType)), kv...))
	f.Line()

	body := []jen.Code{
		jen.Return(jen.Qual(ir.PathRuntime, "CopyRows").Call(jen.Id("ctx"), copyDB(t), jen.Id(bs.Copier), jen.Id("rows"))),
	}
	doc := fmt.Sprintf("CreateMany inserts rows into table %s with COPY, all or nothing, and returns how many "+
		"(see runtime.Copier).", t.SQLName)
	if t.Validates {
		doc += " It validates every row first."
	}
	if len(bs.CopyEnums) > 0 {
		doc += fmt.Sprintf(" It registers the enum types %s on its connection.", strings.Join(bs.CopyEnums, ", "))
	}

	method(f, t, "CreateMany", doc).
		Params(ctxParam.Clone(), jen.Id("rows").Index().Id(t.NewType)).Params(jen.Int64(), jen.Error()).Block(body...)
	f.Line()
}

// wideOptional reports whether an optional field (a column with a
// default) comes after the 64th insert column, past the bits of the
// Copier's Unset: the runtime then finds the unset fields from Args
// (runtime.Copier's UnsetFromArgs).
func wideOptional(t *ir.Table) bool {
	for i, c := range t.Insert {
		if c.HasDefault && i >= 64 {
			return true
		}
	}
	return false
}

// unsetMask renders the Copier's Unset: the optional fields (those of
// columns with defaults) a row leaves unset, a bit per column, as Args
// gives them nil; nil when no column is optional. The caller has checked
// that every optional column is among the first 64 (wideOptional).
func unsetMask(t *ir.Table) jen.Code {
	var bits *jen.Statement
	for i, c := range t.Insert {
		if c.HasDefault {
			if bits == nil {
				bits = jen.Null()
			} else {
				bits.Op("|")
			}
			bits.Qual(ir.PathRuntime, "Bit").Call(jen.Op("!").Id("n").Dot(c.Field).Dot("Set"), jen.Lit(i))
		}
	}
	if bits == nil {
		return nil
	}
	return jen.Func().Params(jen.Id("n").Op("*").Id(t.NewType)).Uint64().Add(inline(jen.Return(bits)))
}

// copyDB is the database CreateMany copies into: the repository's, run
// as the context's actor when the rows are audited (runtime.Acting).
func copyDB(t *ir.Table) jen.Code {
	if t.Actor {
		return jen.Qual(ir.PathRuntime, "Acting").Call(jen.Id("ctx"), jen.Id("r").Dot("db"))
	}
	return jen.Id("r").Dot("db")
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

// hasArgKind reports whether args has one of kind.
func hasArgKind(args []ir.Arg, kind ir.ArgKind) bool {
	for _, a := range args {
		if a.Kind == kind {
			return true
		}
	}
	return false
}

// eachCreateBody is the body of method (CreateMany, or
// CreateManyReturning when returning) that queues Create's statement once
// per row in one pgx.Batch: it validates the rows, then returns what
// runtime.BatchExec (the count) or BatchQuery (the rows) returns.
func eachCreateBody(t *ir.Table, method string, returning bool, fail func(jen.Code) jen.Code) []jen.Code {
	s := t.SQL.Create
	body, scoped := prelude(t, method, "", []ir.Statement{s}, fail)
	body = append(body, validateRows(t, method, fail)...)
	call, result := "BatchExec", "n"
	args := []jen.Code{jen.Id("ctx"), dbOf(scoped), stmtRef(t, s), jen.Id("rows"), jen.Id(t.Args)}
	if returning {
		call, result = "BatchQuery", "out"
		args = append(args, jen.Id(t.Scan))
	}
	return append(body,
		jen.List(jen.Id(result), jen.Err()).Op(":=").Add(jen.Qual(ir.PathRuntime, call).Call(append(args, tailArgs(s)...)...)),
		jen.Return(jen.Id(result), wrapErr(t, method)),
	)
}

// manyOpBody emits the op of s, the one statement of method (CreateMany,
// or CreateManyReturning when returning) over all rows, and returns the
// body that runs it with runtime.ExecManyOp (the count) or InsertManyOp
// (the rows).
func manyOpBody(f *jen.File, t *ir.Table, method string, s ir.Statement, returning bool, fail func(jen.Code) jen.Code) []jen.Code {
	emitOp(f, t, method, s, nil, t.Validates)
	body, scoped := prelude(t, method, "", []ir.Statement{s}, fail)
	call := "ExecManyOp"
	args := []jen.Code{jen.Id("ctx"), dbOf(scoped), jen.Id(opName(s)), jen.Id("rows"), jen.Id(t.Args)}
	if returning {
		call = "InsertManyOp"
		args = append(args, jen.Id(t.Scan))
	}
	return append(body, jen.Return(jen.Qual(ir.PathRuntime, call).Call(append(args, tailArgs(s)...)...)))
}

// genCreateManyInsert emits CreateMany of a table COPY cannot serve
// (tenant, or a type COPY cannot carry): one INSERT … SELECT FROM unnest, or Create queued
// per row when the table has array columns.
func genCreateManyInsert(f *jen.File, t *ir.Table) {
	bs := t.Batch
	if len(t.Insert) == 0 && t.Tenant == nil {
		return
	}
	fail := func(err jen.Code) jen.Code { return jen.Return(jen.Lit(0), err) }
	var doc string
	if bs.ReturningBatch {
		body := eachCreateBody(t, "CreateMany", false, fail)
		doc = fmt.Sprintf("CreateMany inserts rows into table %s in one pgx.Batch of Create's statement, all or "+
			"nothing, and returns how many.", t.SQLName)
		genCreateManyMethod(f, t, doc, body)
		return
	}
	body := manyOpBody(f, t, "CreateMany", bs.Insert, false, fail)
	doc = fmt.Sprintf("CreateMany inserts rows into table %s in one INSERT … SELECT FROM unnest, all or nothing, "+
		"and returns how many (see runtime.ExecManyOp).", t.SQLName)
	if t.Validates {
		doc += " It validates every row first."
	}
	genCreateManyMethod(f, t, doc, body)
}

// genCreateManyMethod emits CreateMany of a table COPY cannot serve, with
// the reason in its doc comment.
func genCreateManyMethod(f *jen.File, t *ir.Table, doc string, body []jen.Code) {
	if t.Tenant != nil {
		doc += " (PostgreSQL does not run COPY FROM under row-level security.)"
	}
	method(f, t, "CreateMany", doc).
		Params(ctxParam.Clone(), jen.Id("rows").Index().Id(t.NewType)).Params(jen.Int64(), jen.Error()).Block(body...)
	f.Line()
}

func genCreateManyReturning(f *jen.File, t *ir.Table) {
	bs := t.Batch
	var body []jen.Code
	var doc string
	if bs.ReturningBatch {
		body = eachCreateBody(t, "CreateManyReturning", true, returnsNil)
		doc = fmt.Sprintf("CreateManyReturning inserts rows into table %s in one pgx.Batch of Create's statement "+
			"(unnest cannot carry its array columns), all or nothing, and returns them as stored.", t.SQLName)
	} else {
		body = manyOpBody(f, t, "CreateManyReturning", bs.Returning, true, returnsNil)
		doc = fmt.Sprintf("CreateManyReturning inserts rows into table %s in one statement and returns them as "+
			"stored (see runtime.InsertManyOp).", t.SQLName)
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
	doc := fmt.Sprintf("%s inserts n into table %s or updates the row with the same %s from n (docs/spec.md tells "+
		"which columns it keeps), in one statement, and returns the row as stored.", k.Upsert, t.SQLName, keyDoc(k))
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
	pre, scoped, validate := writeOpPrelude(t, k.Upsert, s, returnsModel(t))
	emitOpHidden(f, t, k.Upsert, s, validate, k.MayMiss)
	body := append(pre, jen.Return(newIn(t).runOp("QueryOne", dbOf(scoped), s, jen.Id(t.Scan))))
	name := k.Upsert
	if w := returnedWrite(t, k.Upsert); w != nil {
		// The row's key comes back from the statement: the method runs it
		// and the row's invalidation in one transaction.
		genReturnedWrite(f, t, w, doc)
		name, doc = w.Inner, fmt.Sprintf("%s runs the statement of %s on r.db.", w.Inner, k.Upsert)
	}
	method(f, t, name, doc).
		Params(ctxParam.Clone(), jen.Id("n").Id(t.NewType)).Params(jen.Id(t.Model), jen.Error()).
		Block(body...)
	f.Line()
}

// writeOpPrelude is opPrelude for an upsert or CreateIfAbsent, which run
// through their Op on every table (a cached one's too: its cache code
// does not run their statements).
func writeOpPrelude(t *ir.Table, method string, s ir.Statement, fail func(jen.Code) jen.Code) (pre []jen.Code, scoped, validate bool) {
	validate = t.Validates && !needsTenant(s)
	v := "n"
	if validate {
		v = ""
	}
	pre, scoped = prelude(t, method, v, []ir.Statement{s}, fail)
	return pre, scoped, validate
}

func genCreateIfAbsent(f *jen.File, t *ir.Table, k *ir.UniqueKey) {
	s := k.CreateIfAbsentSQL
	fail := func(err jen.Code) jen.Code { return jen.Return(jen.Id(t.Model).Values(), jen.False(), err) }
	pre, scoped, validate := writeOpPrelude(t, k.CreateIfAbsent, s, fail)
	emitOpHidden(f, t, k.CreateIfAbsent, s, validate, k.Hidden)
	body := append(pre, jen.Return(newIn(t).runOp("CreateIfAbsent", dbOf(scoped), s, jen.Id(t.Scan))))
	doc := fmt.Sprintf("%s inserts n into table %s unless a row with the same %s exists, and returns the new row "+
		"and true, or the existing one, unchanged, and false (see runtime.CreateIfAbsentOp).", k.CreateIfAbsent, t.SQLName, keyDoc(k))
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
