package gocode

import (
	"fmt"
	"strings"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/dave/jennifer/jen"
)

// genTable emits everything of one table: model, insert and update
// structs, repository, statements and methods.
func genTable(f *jen.File, t *ir.Table) {
	keyed := !t.Keyless()
	fam := t.Families
	inserts, updates := fam.Inserts(), keyed && fam.Updates()
	genModel(f, t)
	if inserts {
		genInsertStruct(f, t)
	}
	if updates {
		genUpdateStruct(f, t)
	}
	genRepo(f, t)
	genSentinels(f, t)
	if inserts {
		genValidate(f, t, t.NewType, t.Insert, false)
	}
	if updates {
		genValidate(f, t, t.UpdateType, t.Updatable, true)
	}
	if inserts {
		genRefuseNulls(f, t, t.NewType, t.Insert, false)
	}
	if updates {
		genRefuseNulls(f, t, t.UpdateType, t.Updatable, true)
	}
	if inserts || updates {
		genRuleVars(f, t)
	}
	genWithDeleted(f, t)
	if t.Scanned {
		genScan(f, t)
	}
	if inserts {
		genArgs(f, t)
	}
	if fam.CRUD {
		genCache(f, t)
		genCreate(f, t)
		if keyed {
			genFindByID(f, t)
		}
		genFindAll(f, t)
		genStream(f, t)
		if keyed {
			genList(f, t)
			genUpdate(f, t)
			genDelete(f, t)
		}
		genCount(f, t)
	}
	for _, bh := range t.Behaviours {
		if gen := behaviourMethods[bh.Kind]; gen != nil {
			gen(f, t)
		}
	}
	genBatch(f, t)
	if fam.Batch {
		genBulkWrite(f, t)
	}
	genRelations(f, t)
	for _, q := range t.Queries {
		genQuery(f, q)
	}
}

func genModel(f *jen.File, t *ir.Table) {
	comment(f, docComment(fmt.Sprintf("%s is one row of %s %s.", t.Model, relKind(t), t.SQLName), t.Comment))
	f.Type().Id(t.Model).StructFunc(func(g *jen.Group) {
		for _, c := range t.Columns {
			if c.Comment != "" {
				comment(g, c.Comment)
			}
			g.Id(c.Field).Add(typeCode(c.Go)).Tag(map[string]string{"json": c.JSON})
		}
	})
	f.Line()
}

// insertFieldType is the type of a column's field in the insert struct.
func insertFieldType(c *ir.Column) *jen.Statement {
	if c.HasDefault {
		return jen.Qual(ir.PathRuntime, "Opt").Types(typeCode(c.Go))
	}
	return typeCode(c.Go)
}

func genInsertStruct(f *jen.File, t *ir.Table) {
	doc := fmt.Sprintf("%s holds the values of a new row of table %s.", t.NewType, t.SQLName)
	if hasDefaults(t.Insert) {
		doc += " An unset runtime.Opt field takes its column's default."
	}
	if omitted := omittedOnInsert(t); omitted != "" {
		doc += " " + omitted
	}
	comment(f, doc)
	f.Type().Id(t.NewType).StructFunc(func(g *jen.Group) {
		for _, c := range t.Insert {
			tag := c.JSON
			if c.HasDefault {
				tag += ",omitzero"
			}
			g.Id(c.Field).Add(insertFieldType(c)).Tag(map[string]string{"json": tag})
		}
	})
	f.Line()
}

func hasDefaults(cols []*ir.Column) bool {
	for _, c := range cols {
		if c.HasDefault {
			return true
		}
	}
	return false
}

// omittedOnInsert explains which columns the insert struct leaves out.
func omittedOnInsert(t *ir.Table) string {
	var names []string
	for _, c := range t.Columns {
		if c.Identity || c.Generated != "" || c.Managed != 0 {
			names = append(names, c.SQLName)
		}
	}
	var s string
	if len(names) > 0 {
		s = "The database sets " + strings.Join(names, ", ") + "."
	}
	if t.Tenant != nil {
		s = strings.TrimSpace(s + " Create stamps " + t.Tenant.SQLName + " with the tenant of its context.")
	}
	return s
}

// setNullHint says how an update struct sets its nullable columns to
// NULL, by the forms they have.
func setNullHint(cols []*ir.Column) string {
	var null, ptr bool
	for _, c := range cols {
		null = null || c.Go.Null
		ptr = ptr || c.Go.Ptr
	}
	switch {
	case null && ptr:
		return "; a nullable column is set to NULL with runtime.SetNull[T]() (runtime.Set[*T](nil) for a pointer)"
	case null:
		return "; a nullable column is set to NULL with runtime.SetNull[T]()"
	case ptr:
		return "; a nullable column is set to NULL with runtime.Set[*T](nil)"
	}
	return ""
}

func genUpdateStruct(f *jen.File, t *ir.Table) {
	comment(f, fmt.Sprintf("%s lists changes to a row of table %s; unset fields stay unchanged%s.",
		t.UpdateType, t.SQLName, setNullHint(t.Updatable)))
	f.Type().Id(t.UpdateType).StructFunc(func(g *jen.Group) {
		for _, c := range t.Updatable {
			g.Id(c.Field).Add(jen.Qual(ir.PathRuntime, "Opt").Types(typeCode(c.Go))).
				Tag(map[string]string{"json": c.JSON + ",omitzero"})
		}
	})
	f.Line()
}

func genRepo(f *jen.File, t *ir.Table) {
	doc := fmt.Sprintf("%s reads and writes table %s.", t.Repo, t.SQLName)
	if len(t.Notes) > 0 {
		doc += "\n\n" + strings.Join(t.Notes, " ")
	}
	if b := behaviourDoc(t); b != "" {
		doc += "\n\n" + b
	}
	comment(f, doc)
	f.Type().Id(t.Repo).StructFunc(func(g *jen.Group) {
		g.Id("db").Qual(ir.PathRuntime, "DBTX")
		if t.ReadsDeleted {
			g.Id("withDeleted").Bool()
		}
	})
	f.Line()
	comment(f, fmt.Sprintf("New%s returns the repository of table %s over db.", t.Repo, t.SQLName))
	f.Func().Id("New" + t.Repo).Params(jen.Id("db").Qual(ir.PathRuntime, "DBTX")).Op("*").Id(t.Repo).Block(
		jen.Return(jen.Op("&").Id(t.Repo).Values(jen.Dict{jen.Id("db"): jen.Id("db")})),
	)
	f.Line()
}

func genScan(f *jen.File, t *ir.Table) {
	f.Func().Id(t.Scan).Params(jen.Id("v").Op("*").Id(t.Model), jen.Id("d").Index().Any()).Index().Any().Block(
		jen.Return(jen.Append(append([]jen.Code{jen.Id("d")}, fieldPtrs("v", t.Columns)...)...)),
	)
	f.Line()
}

// fieldPtrs are &v.Field of each column.
func fieldPtrs(v string, cols []*ir.Column) []jen.Code {
	out := make([]jen.Code, len(cols))
	for i, c := range cols {
		out[i] = fieldPtr(v, c.Field, c.Type.ScansAsText(c.Nullable) && !c.GoTypeOverride)
	}
	return out
}

// fieldPtr is &v.field, or (*runtime.Text)(&v.field) for a column of a
// type named by its SQL, which a raw query may return in binary.
func fieldPtr(v, field string, text bool) jen.Code {
	ptr := jen.Op("&").Id(v).Dot(field)
	if text {
		return jen.Parens(jen.Op("*").Qual(ir.PathRuntime, "Text")).Parens(ptr)
	}
	return ptr
}

// genArgs emits the function giving the values Create binds from an
// insert struct.
func genArgs(f *jen.File, t *ir.Table) {
	f.Func().Id(t.Args).Params(jen.Id("n").Op("*").Id(t.NewType), jen.Id("d").Index().Any()).Index().Any().Block(
		jen.Return(appendArgs("n", t.SQL.CreateArgs)),
	)
	f.Line()
}

// appendArgs renders append(d, …) of the arguments read from v, or d.
func appendArgs(v string, args []ir.Arg) jen.Code {
	if len(args) == 0 {
		return jen.Id("d")
	}
	items := []jen.Code{jen.Id("d")}
	for _, a := range args {
		items = append(items, argExpr(v, a))
	}
	return jen.Append(items...)
}

// method starts a repository method declaration.
func method(f *jen.File, t *ir.Table, name, doc string) *jen.Statement {
	comment(f, doc)
	return f.Func().Params(jen.Id("r").Op("*").Id(t.Repo)).Id(name)
}

// argExpr renders how an argument is read from the struct pointer v: a
// pointer to the field, so that binding it boxes nothing; an optional
// field's Arg (nil when unset) or Set.
//
// A field that is itself a pointer or a slice (nil for NULL) is passed
// as it is: a pointer to a nil pointer does not reach every codec as
// NULL, and the JSON codec sends a *json.RawMessage as the JSON of the
// bytes, not the bytes.
func argExpr(v string, a ir.Arg) jen.Code {
	field := jen.Id(v).Dot(a.Column.Field)
	byValue := a.Column.Go.Ptr || a.Column.Go.IsSliceLike()
	switch a.Kind {
	case ir.ArgOptPtr:
		if byValue {
			return jen.Qual(ir.PathRuntime, "OptValue").Call(jen.Op("&").Add(field))
		}
		return field.Dot("Arg").Call()
	case ir.ArgOptSet:
		return field.Dot("Set")
	case ir.ArgOptValue:
		if byValue {
			return field.Dot("Value")
		}
		return jen.Op("&").Add(field.Dot("Value"))
	}
	if byValue {
		return field
	}
	return jen.Op("&").Add(field)
}

// pkParams are the primary key parameters of a method; pkArgs the same
// names as arguments.
func pkParams(t *ir.Table) []jen.Code {
	out := []jen.Code{ctxParam.Clone()}
	for _, c := range t.PK {
		out = append(out, jen.Id(c.Param).Add(typeCode(c.Go)))
	}
	return out
}

func pkArgs(t *ir.Table) []jen.Code {
	var out []jen.Code
	for _, c := range t.PK {
		out = append(out, jen.Id(c.Param))
	}
	return out
}

// keyIn is how a method binds its primary key in a runtime call: the
// first column as the call's input, bound by runtime.Arg, the others in
// its tail.
func keyIn(t *ir.Table) call {
	return call{in: jen.Id(t.PK[0].Param), args: jen.Qual(ir.PathRuntime, "Arg"), rest: pkArgs(t)[1:]}
}

// call is the input of a runtime call helper (runtime.QueryOne, Query,
// Exec …): the value the call copies, the function reading its
// arguments from it, and the values bound after them.
type call struct {
	in, args jen.Code
	rest     []jen.Code
}

// run renders runtime.fn(ctx, db, sql, in, args, extra…, rest…, the
// statement's behaviour values…).
func (c call) run(fn string, db, sql jen.Code, s ir.Statement, extra ...jen.Code) *jen.Statement {
	args := append([]jen.Code{jen.Id("ctx"), db, sql, c.in, c.args}, extra...)
	args = append(append(args, c.rest...), tailArgs(s)...)
	return jen.Qual(ir.PathRuntime, fn).Call(args...)
}

// runOp renders runtime.fn+"Op"(ctx, db, op, in, args, extra…, rest…,
// the statement's behaviour values…): the call of s through its Op.
func (c call) runOp(fn string, db jen.Code, s ir.Statement, extra ...jen.Code) *jen.Statement {
	args := append([]jen.Code{jen.Id("ctx"), db, jen.Id(opName(s)), c.in, c.args}, extra...)
	args = append(append(args, c.rest...), tailArgs(s)...)
	return jen.Qual(ir.PathRuntime, fn+"Op").Call(args...)
}

// pkDesc describes the key parameters in a doc comment: "id" or
// "order_id and product_id".
func pkDesc(t *ir.Table) string {
	params := make([]string, len(t.PK))
	for i, c := range t.PK {
		params[i] = c.Param
	}
	return "the given " + names.JoinAnd(params)
}

// queryOne renders running s through c with runtime.QueryOne and
// returning the row or the error, wrapped.
func queryOne(t *ir.Table, methodName string, scoped bool, s ir.Statement, c call) []jen.Code {
	if asOp(t, s) {
		return []jen.Code{jen.Return(c.runOp("QueryOne", dbOf(scoped), s, jen.Id(t.Scan)))}
	}
	return []jen.Code{
		jen.List(jen.Id("v"), jen.Err()).Op(":=").Add(c.run("QueryOne", dbOf(scoped), stmtExpr(s), s, jen.Id(t.Scan))),
		jen.Return(jen.Id("v"), wrapErr(t, methodName)),
	}
}

// queryMany renders running s through c with runtime.Query, with room
// for capacity rows (nil when unknown), and returning the rows or the
// error, wrapped.
func queryMany(t *ir.Table, methodName string, scoped bool, s ir.Statement, c call, scan string, capacity jen.Code) []jen.Code {
	if capacity == nil {
		capacity = jen.Lit(0)
	}
	if asOp(t, s) {
		return []jen.Code{jen.Return(c.runOp("Query", dbOf(scoped), s, jen.Id(scan), capacity))}
	}
	return []jen.Code{
		jen.List(jen.Id("items"), jen.Err()).Op(":=").Add(c.run("Query", dbOf(scoped), stmtExpr(s), s, jen.Id(scan), capacity)),
		jen.Return(jen.Id("items"), wrapErr(t, methodName)),
	}
}

// collect renders reading the rows of a query call into items with scan,
// and returning them or the error, wrapped.
func collect(t *ir.Table, methodName string, query jen.Code, scan string, capacity jen.Code) []jen.Code {
	return collectWith(t, methodName, "rows", query, jen.Id(scan), capacity)
}

// collectWith is collect with the local holding the query's rows named
// local (a method whose parameter is rows uses another).
func collectWith(t *ir.Table, methodName, local string, query, scan, capacity jen.Code) []jen.Code {
	if capacity == nil {
		capacity = jen.Lit(0)
	}
	return []jen.Code{
		jen.List(jen.Id(local), jen.Err()).Op(":=").Add(query),
		jen.List(jen.Id("items"), jen.Err()).Op(":=").Qual(ir.PathRuntime, "Collect").Call(jen.Id(local), jen.Err(), capacity, scan),
		jen.Return(jen.Id("items"), wrapErr(t, methodName)),
	}
}

// prelude is what a method runs before its statements: Validate on v
// (when not ""), then, when s needs it, the tenant. fail renders the
// return of an error.
func prelude(t *ir.Table, method, v string, s []ir.Statement, fail func(jen.Code) jen.Code) ([]jen.Code, bool) {
	var out []jen.Code
	if v != "" {
		out = append(out, validatePrelude(t, method, v, fail)...)
	}
	scoped := needsTenant(s...)
	acting := t.Actor && writes(s...)
	switch {
	case scoped:
		out = append(out, tenantPrelude(t, method, t.Tenant.Go.Elem(), fail, acting)...)
	default:
		// A write that invalidates cached rows, or changes audited ones,
		// runs on a db of its own.
		if db := writeDBPrelude(t, method, acting); db != nil {
			out, scoped = append(out, db...), true
		}
	}
	return out, scoped
}

// returnsModel is the fail function of methods returning (Model, error).
func returnsModel(t *ir.Table) func(jen.Code) jen.Code {
	return func(err jen.Code) jen.Code { return jen.Return(jen.Id(t.Model).Values(), err) }
}

// returnsBool is the fail function of methods returning (bool, error).
func returnsBool(err jen.Code) jen.Code { return jen.Return(jen.False(), err) }

// returnsNil is the fail function of methods returning (slice or map, error).
func returnsNil(err jen.Code) jen.Code { return jen.Return(jen.Nil(), err) }

// newIn is how Create and the upserts bind an insert struct.
func newIn(t *ir.Table) call { return call{in: jen.Id("n"), args: jen.Id(t.Args)} }

func genCreate(f *jen.File, t *ir.Table) {
	s := t.SQL.Create
	pre, scoped, validate := opPrelude(t, "Create", "n", s, returnsModel(t))
	genOp(f, t, "Create", s, paramFields(nil, t.SQL.CreateArgs), validate)
	doc := fmt.Sprintf("Create inserts n into table %s and returns the row as stored.", t.SQLName)
	if t.Validates {
		doc += " It validates n first."
	}
	method(f, t, "Create", doc).
		Params(ctxParam.Clone(), jen.Id("n").Id(t.NewType)).Params(jen.Id(t.Model), jen.Error()).
		Block(append(pre, createRun(t, s, scoped)...)...)
	f.Line()
}

// createRun renders Create's statement s run and its result returned.
func createRun(t *ir.Table, s ir.Statement, scoped bool) []jen.Code {
	if asOp(t, s) {
		return queryOne(t, "Create", scoped, s, newIn(t))
	}
	return []jen.Code{
		jen.List(jen.Id("v"), jen.Err()).Op(":=").Add(newIn(t).run("QueryOne", dbOf(scoped), stmtExpr(s), s, jen.Id(t.Scan))),
		jen.Return(jen.Id("v"), wrapParamsErr(t, "Create", s, nil, t.SQL.CreateArgs)),
	}
}

func genFindByID(f *jen.File, t *ir.Table) {
	s := t.SQL.FindByID
	genOp(f, t, "FindByID", s, nil, false)
	pre, scoped := prelude(t, "FindByID", "", []ir.Statement{s}, returnsModel(t))
	body := append(pre, queryOne(t, "FindByID", scoped, s, keyIn(t))...)
	if t.Cache != nil {
		body = cachedFindByID(t)
	}
	method(f, t, "FindByID", fmt.Sprintf("FindByID returns the row of %s %s with %s, or runtime.ErrNotFound.",
		relKind(t), t.SQLName, pkDesc(t))+cacheDoc(t, "FindByID")).
		Params(pkParams(t)...).Params(jen.Id(t.Model), jen.Error()).
		Block(body...)
	f.Line()
}

func genFindAll(f *jen.File, t *ir.Table) {
	s := t.SQL.FindAll
	genOp(f, t, "FindAll", s, nil, false)
	pre, scoped := prelude(t, "FindAll", "", []ir.Statement{s}, returnsNil)
	run := collect(t, "FindAll", dbOf(scoped).Dot("Query").Call(callArgs(s, nil)...), t.Scan, nil)
	if asOp(t, s) {
		args := append([]jen.Code{jen.Id("ctx"), dbOf(scoped), jen.Id(opName(s)), jen.Id(t.Scan), jen.Lit(0)}, tailArgs(s)...)
		run = []jen.Code{jen.Return(jen.Qual(ir.PathRuntime, "AllOp").Call(args...))}
	}
	doc := fmt.Sprintf("FindAll returns every row of %s %s in primary key order, in memory.", relKind(t), t.SQLName)
	if t.Keyless() {
		doc = fmt.Sprintf("FindAll returns every row of table %s, in no particular order (no primary key), in memory.", t.SQLName)
	}
	method(f, t, "FindAll", doc).
		Params(ctxParam.Clone()).Params(jen.Index().Id(t.Model), jen.Error()).
		Block(append(pre, run...)...)
	f.Line()
}

func genStream(f *jen.File, t *ir.Table) {
	s := t.SQL.FindAll
	if !asOp(t, s) {
		// FindAll runs its constants: the Op only names the statement.
		namingOp(f, t, "FindAll", opName(s), jen.Id(s.Const))
	}
	pre, scoped := prelude(t, "Stream", "", []ir.Statement{s}, func(err jen.Code) jen.Code {
		return jen.Return(jen.Qual(ir.PathRuntime, "StreamError").Types(jen.Id(t.Model)).Call(err))
	})
	method(f, t, "Stream", "Stream yields the rows of FindAll as the loop reads them (see runtime.Stream).").
		Params(ctxParam.Clone()).Qual(ir.PathIter, "Seq2").Types(jen.Id(t.Model), jen.Error()).
		Block(append(pre, jen.Return(streamCall(opName(s), dbOf(scoped), t.Scan, append([]jen.Code{stmtRef(t, s)}, tailArgs(s)...))))...)
	f.Line()
}

// namingOp emits name, a runtime.Op naming method of t for a runtime
// call that takes the statement apart (runtime.Stream): its SQL is sql,
// a constant, or none when sql is nil.
func namingOp(f *jen.File, t *ir.Table, method, name string, sql jen.Code) {
	fields := []jen.Code{field("Name", jen.Lit(t.Op+"."+method)), field("Table", jen.Lit(t.SQLName)), field("Errs", jen.Id("errs"))}
	if sql != nil {
		fields = append(fields, field("SQL", sql))
	}
	f.Var().Id(name).Op("=").Op("&").Qual(ir.PathRuntime, "Op").Values(fields...)
	f.Line()
}

// streamCall renders runtime.Stream over a query on db with args (the
// statement first), scanned with scan, its errors wrapped for op.
func streamCall(op string, db jen.Code, scan string, args []jen.Code) jen.Code {
	return jen.Qual(ir.PathRuntime, "Stream").Call(append([]jen.Code{jen.Id("ctx"), db, jen.Id(op), jen.Id(scan)}, args...)...)
}

func genList(f *jen.File, t *ir.Table) {
	first, after := t.SQL.ListFirst, t.SQL.ListAfter
	genStatement(f, first)
	genStatement(f, after)
	pageType := jen.Qual(ir.PathRuntime, "Page").Types(jen.Id(t.Model))
	pre, scoped := prelude(t, "List", "", []ir.Statement{first, after}, func(err jen.Code) jen.Code {
		return jen.Return(pageType.Clone().Values(), err)
	})
	var keys, cursor []jen.Code
	body := pre
	for _, c := range t.PK {
		body = append(body, jen.Var().Id(c.Param).Add(typeCode(c.Go)))
		cursor = append(cursor, jen.Op("&").Id(c.Param))
		keys = append(keys, jen.Id("v").Dot(c.Field))
	}
	name := "list" + t.Plural
	var stmts, call []jen.Code
	if first.WithDeleted != nil {
		// A WithDeleted view reads other statements: the call picks them.
		call = append(call, field("First", stmtExpr(first)), field("After", stmtExpr(after)))
	} else {
		stmts = []jen.Code{jen.Id(first.Const), jen.Id(after.Const)}
	}
	genKeyset(f, t, "List", name, t.Model, t.Scan, stmts, keys)
	if scoped {
		call = append([]jen.Code{field("Tenant", jen.Id("tenant"))}, call...)
	}
	if tail := tailArgs(first); len(tail) > 0 {
		call = append(call, field("Tail", jen.Index().Any().Values(tail...)))
	}
	body = append(body, jen.Return(jen.Id(name).Dot("Page").Call(append([]jen.Code{jen.Id("ctx"), dbOf(scoped), jen.Id("page"), pageCall(call)}, cursor...)...)))
	method(f, t, "List", fmt.Sprintf("List returns a page of %s %s in primary key order (see runtime.PageArgs).", relKind(t), t.SQLName)).
		Params(ctxParam.Clone(), jen.Id("page").Qual(ir.PathRuntime, "PageArgs")).Params(pageType.Clone(), jen.Error()).
		Block(body...)
	f.Line()
}

// genKeyset emits name, the runtime.Keyset of method of t, which pages
// rows of model read with scan and keyed by keys (expressions of v, a
// *model); stmts are its first and after statements, or nil when each
// call passes its own.
func genKeyset(f *jen.File, t *ir.Table, method, name, model, scan string, stmts, keys []jen.Code) {
	op := jen.Op("&").Qual(ir.PathRuntime, "Op").Values(
		field("Name", jen.Lit(t.Op+"."+method)), field("Table", jen.Lit(t.SQLName)), field("Errs", jen.Id("errs")))
	kv := []jen.Code{field("Op", op)}
	if stmts != nil {
		kv = append(kv, field("First", stmts[0]), field("After", stmts[1]))
	}
	kv = append(kv,
		field("Scan", jen.Id(scan)),
		field("Key", jen.Func().Params(jen.Id("v").Op("*").Id(model)).Index().Any().Add(inline(jen.Return(jen.Index().Any().Values(keys...))))),
	)
	f.Var().Id(name).Op("=").Op("&").Add(literal(jen.Qual(ir.PathRuntime, "Keyset").Types(jen.Id(model)), kv...))
	f.Line()
}

// pageCall renders a runtime.PageCall literal of fields kv, on one line.
func pageCall(kv []jen.Code) jen.Code {
	return jen.Qual(ir.PathRuntime, "PageCall").Custom(jen.Options{Open: "{", Close: "}", Separator: ", "}, kv...)
}

// versionParam is the parameter of the version the caller read.
func versionParam(t *ir.Table) jen.Code { return jen.Id("version").Add(typeCode(t.Version.Go)) }

// staleVersion renders runtime.StaleVersion for method, telling a stale
// version from a missing row after a versioned write matched none.
func staleVersion(t *ir.Table, method string, scoped bool) jen.Code {
	args := append([]jen.Code{jen.Id("ctx"), dbOf(scoped), jen.Lit(t.Op + "." + method), jen.Lit(t.SQLName), jen.Id(t.SQL.Exists.Const)}, pkArgs(t)...)
	return jen.Qual(ir.PathRuntime, "StaleVersion").Call(append(args, tailArgs(t.SQL.Exists)...)...)
}

// genUpdateVars emits the runtime.Update of a table's Update and the
// function giving the values of an update struct's fields.
func genUpdateVars(f *jen.File, t *ir.Table) {
	if len(t.Updatable) == 0 {
		genStatement(f, t.SQL.Update)
		return
	}
	var kv []jen.Code
	var nullable, sensitive []int
	for i, c := range t.Updatable {
		if c.Nullable {
			nullable = append(nullable, i)
		}
		if c.Sensitive {
			sensitive = append(sensitive, i)
		}
	}
	if p := t.SQL.UpdateParts; p != nil {
		cols := make([]jen.Code, len(t.Updatable))
		for i, c := range t.Updatable {
			cols[i] = strLit(c.Quoted)
		}
		kv = append(kv,
			jen.Custom(jen.Options{Separator: ", "}, field("Name", jen.Lit(t.Op+".Update")), field("Keys", jen.Lit(p.Keys))),
			field("Head", jen.Lit(p.Head)),
			field("Cols", jen.Index().String().Values(cols...)),
		)
		if p.Casts != nil {
			var casts []jen.Code
			for _, c := range p.Casts {
				casts = append(casts, strLit(c))
			}
			kv = append(kv, field("Casts", jen.Index().String().Values(casts...)))
		}
		if p.Stamps != "" {
			kv = append(kv, field("Stamps", jen.Lit(p.Stamps)))
		}
		kv = append(kv, field("Tail", jen.Lit(p.Tail)))
		if sensitive != nil {
			kv = append(kv, field("Sensitive", bitsLit(sensitive)))
		}
		if len(p.SensitiveKeys) > 0 {
			var ks []jen.Code
			for _, k := range p.SensitiveKeys {
				ks = append(ks, jen.Lit(k))
			}
			kv = append(kv, field("SensitiveKeys", jen.Index().Int().Values(ks...)))
		}
	} else {
		genStatement(f, t.SQL.Update)
		kv = append(kv, jen.Custom(jen.Options{Separator: ", "}, field("Fallback", jen.Id(t.SQL.Update.Const)), field("Keys", jen.Lit(len(t.PK)))))
	}
	if nullable != nil {
		kv = append(kv, field("Nullable", bitsLit(nullable)))
	}
	if updateOp(t) {
		op := []jen.Code{
			field("Name", jen.Lit(t.Op+".Update")), field("Table", jen.Lit(t.SQLName)), field("Errs", jen.Id("errs")),
		}
		if updateValidates(t) {
			op = append(op, field("Validate", jen.True()))
		}
		var params []jen.Code
		for _, p := range paramFields(t.PK, t.SQL.UpdateArgs) {
			params = append(params, jen.Lit(p))
		}
		op = append(op, field("Params", jen.Index().String().Values(params...)))
		kv = append(kv, field("Op", jen.Op("&").Qual(ir.PathRuntime, "Op").Values(op...)))
	}
	f.Var().Id(t.UpdateVar).Op("=").Op("&").Add(literal(jen.Qual(ir.PathRuntime, "Update"), kv...))
	f.Line()
	vals := []jen.Code{jen.Id("d")}
	for _, c := range t.Updatable {
		vals = append(vals, argExpr("u", ir.Arg{Column: c, Kind: ir.ArgOptPtr}))
	}
	f.Func().Id(t.UpdateArgs).Params(jen.Id("u").Op("*").Id(t.UpdateType), jen.Id("d").Index().Any()).Index().Any().Block(
		jen.Return(jen.Append(vals...)),
	)
	f.Line()
}

// updateOp reports whether Update's runtime.Update carries an Op, which
// validates and wraps its errors: not for a versioned table (its method
// tells a stale version from a missing row first) nor a cached one.
func updateOp(t *ir.Table) bool {
	return len(t.Updatable) > 0 && t.Version == nil && t.Cache == nil
}

// updateValidates reports whether Update's Op validates u: when the
// table has rules and no tenant is read first (validation comes first).
func updateValidates(t *ir.Table) bool {
	return updateOp(t) && t.Validates && !needsTenant(t.SQL.Update)
}

func genUpdate(f *jen.File, t *ir.Table) {
	s := t.SQL.Update
	genUpdateVars(f, t)
	if t.Version != nil {
		genStatement(f, t.SQL.Exists)
	}
	doc := fmt.Sprintf("Update applies the set fields of u to the row of table %s with %s and returns it as "+
		"stored, or runtime.ErrNotFound.", t.SQLName, pkDesc(t))
	if t.Validates {
		doc += " It validates u first."
	}
	if t.Version != nil {
		doc += fmt.Sprintf(" version is the %s the caller read: when the row has another, Update changes nothing "+
			"and the error has kind Conflict and matches runtime.ErrStaleVersion. It increments %s.", t.Version.SQLName, t.Version.SQLName)
	}
	if t.UpdatedAt != nil {
		doc += fmt.Sprintf(" It sets %s to the transaction's time.", t.UpdatedAt.SQLName)
	}
	params := pkParams(t)
	if t.Version != nil {
		params = append(params, versionParam(t))
	}
	params = append(params, jen.Id("u").Id(t.UpdateType))
	v := "u"
	if updateValidates(t) {
		v = ""
	}
	pre, scoped := prelude(t, "Update", v, []ir.Statement{s}, returnsModel(t))
	var run *jen.Statement
	if len(t.Updatable) == 0 {
		run = keyIn(t).run("QueryOne", dbOf(scoped), stmtExpr(s), s, jen.Id(t.Scan))
	} else {
		k := keyIn(t)
		args := append([]jen.Code{jen.Id("ctx"), dbOf(scoped), jen.Id(t.UpdateVar), k.in, k.args, jen.Id("u"), jen.Id(t.UpdateArgs), jen.Id(t.Scan)}, k.rest...)
		run = jen.Qual(ir.PathRuntime, "UpdateOne").Call(append(args, tailArgs(s)...)...)
	}
	if t.Version == nil && updateOp(t) {
		method(f, t, "Update", doc).Params(params...).Params(jen.Id(t.Model), jen.Error()).Block(append(pre, jen.Return(run))...)
		f.Line()
		return
	}
	body := append(pre, jen.List(jen.Id("v"), jen.Err()).Op(":=").Add(run))
	if t.Version != nil {
		body = append(body, jen.If(jen.Qual(ir.PathErrors, "Is").Call(jen.Err(), jen.Qual(ir.PathPgx, "ErrNoRows"))).Block(
			jen.Comment("No row matched: a stale version is a conflict; a missing row stays not found."),
			jen.If(jen.Id("stale").Op(":=").Add(staleVersion(t, "Update", scoped)), jen.Id("stale").Op("!=").Nil()).Block(
				jen.Err().Op("=").Id("stale"),
			),
		))
	}
	if updateOp(t) {
		body = append(body, jen.Return(jen.Id("v"), jen.Err()))
	} else {
		body = append(body, jen.Return(jen.Id("v"), wrapParamsErr(t, "Update", s, t.PK, t.SQL.UpdateArgs)))
	}
	method(f, t, "Update", doc).Params(params...).Params(jen.Id(t.Model), jen.Error()).Block(body...)
	f.Line()
}

// execCount renders running s with Exec and returning whether it touched
// a row; with versioned, a write that touched none is told from a stale
// version (an error) or a missing row (false).
func execCount(t *ir.Table, method string, s ir.Statement, versioned bool) []jen.Code {
	pre, scoped := prelude(t, method, "", []ir.Statement{s}, returnsBool)
	if asOp(t, s) {
		body := append(pre, jen.List(jen.Id("tag"), jen.Err()).Op(":=").Add(keyIn(t).runOp("Exec", dbOf(scoped), s)))
		if !versioned {
			return append(body, jen.Return(jen.Id("tag").Dot("RowsAffected").Call().Op(">").Lit(0), jen.Err()))
		}
		return append(body,
			jen.If(jen.Err().Op("!=").Nil().Op("||").Id("tag").Dot("RowsAffected").Call().Op(">").Lit(0)).Block(
				jen.Return(jen.Err().Op("==").Nil(), jen.Err()),
			),
			jen.Comment("No row matched: a stale version is a conflict; a missing row is false."),
			jen.Return(jen.False(), wrapErrOf(t, method, staleVersion(t, method, scoped))),
		)
	}
	body := append(pre, jen.List(jen.Id("tag"), jen.Err()).Op(":=").Add(keyIn(t).run("Exec", dbOf(scoped), jen.Id(s.Const), s)))
	if !versioned {
		return append(body, jen.Return(jen.Id("tag").Dot("RowsAffected").Call().Op(">").Lit(0), wrapErr(t, method)))
	}
	return append(body,
		jen.If(jen.Err().Op("!=").Nil().Op("||").Id("tag").Dot("RowsAffected").Call().Op(">").Lit(0)).Block(
			jen.Return(jen.Err().Op("==").Nil(), wrapErr(t, method)),
		),
		jen.Comment("No row matched: a stale version is a conflict; a missing row is false."),
		jen.Return(jen.False(), wrapErrOf(t, method, staleVersion(t, method, scoped))),
	)
}

func genDelete(f *jen.File, t *ir.Table) {
	s := t.SQL.Delete
	genOp(f, t, "Delete", s, nil, false)
	doc := fmt.Sprintf("Delete removes the row of table %s with %s and reports whether there was one.", t.SQLName, pkDesc(t))
	if t.DeletedAt != nil {
		doc = fmt.Sprintf("Delete soft-deletes the row of table %s with %s: it sets %s to the transaction's time, "+
			"and reports whether a live row was deleted. The row stays in the table, out of every read, until "+
			"Restore brings it back or HardDelete removes it.", t.SQLName, pkDesc(t), t.DeletedAt.SQLName)
	}
	params := pkParams(t)
	if t.Version != nil {
		params = append(params, versionParam(t))
		doc += fmt.Sprintf(" version is the %s the caller read: when the row has another, nothing is deleted and "+
			"the error has kind Conflict and matches runtime.ErrStaleVersion.", t.Version.SQLName)
	}
	method(f, t, "Delete", doc).Params(params...).Params(jen.Bool(), jen.Error()).
		Block(execCount(t, "Delete", s, t.Version != nil)...)
	f.Line()
}

func genCount(f *jen.File, t *ir.Table) {
	s := t.SQL.Count
	genOp(f, t, "Count", s, nil, false)
	pre, scoped := prelude(t, "Count", "", []ir.Statement{s}, func(err jen.Code) jen.Code { return jen.Return(jen.Lit(0), err) })
	method(f, t, "Count", fmt.Sprintf("Count returns the number of rows of %s %s.", relKind(t), t.SQLName)).
		Params(ctxParam.Clone()).Params(jen.Int64(), jen.Error()).
		Block(append(pre,
			countRun(t, s, scoped)...,
		)...)
	f.Line()
}

// countRun renders Count's statement s run and its result returned.
func countRun(t *ir.Table, s ir.Statement, scoped bool) []jen.Code {
	if asOp(t, s) {
		args := append([]jen.Code{jen.Id("ctx"), dbOf(scoped), jen.Id(opName(s))}, tailArgs(s)...)
		return []jen.Code{jen.Return(jen.Qual(ir.PathRuntime, "CountOp").Call(args...))}
	}
	return []jen.Code{
		jen.List(jen.Id("n"), jen.Err()).Op(":=").Qual(ir.PathRuntime, "ScanValue").Types(jen.Int64()).Call(dbOf(scoped).Dot("QueryRow").Call(callArgs(s, nil)...)),
		jen.Return(jen.Id("n"), wrapErr(t, "Count")),
	}
}
