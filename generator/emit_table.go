package generator

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"
)

// genTable emits everything of one table: model, insert and update
// structs, repository, statements and methods.
func genTable(f *jen.File, t *Table) {
	genModel(f, t)
	genInsertStruct(f, t)
	genUpdateStruct(f, t)
	genRepo(f, t)
	genScan(f, t)
	genCreate(f, t)
	genFindByID(f, t)
	genFindAll(f, t)
	genStream(f, t)
	genList(f, t)
	genUpdate(f, t)
	genDelete(f, t)
	genCount(f, t)
	genBatch(f, t)
	genRelations(f, t)
	for _, q := range t.Queries {
		genQuery(f, q)
	}
}

// sqlName is the name of the unexported constant holding a statement.
func sqlName(t *Table, method string) string { return "sql" + t.Plural + method }

func genSQLConst(f *jen.File, t *Table, method, sql string) {
	f.Const().Id(sqlName(t, method)).Op("=").Add(sqlConst(sql))
	f.Line()
}

func genModel(f *jen.File, t *Table) {
	comment(f, docComment(fmt.Sprintf("%s is one row of table %s.", t.Model, t.SQLName), t.Comment))
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
func insertFieldType(c *Column) *jen.Statement {
	if c.HasDefault {
		return jen.Qual(pathRuntime, "Opt").Types(typeCode(c.Go))
	}
	return typeCode(c.Go)
}

func genInsertStruct(f *jen.File, t *Table) {
	doc := fmt.Sprintf("%s holds the values of a new row of table %s.", t.NewType, t.SQLName)
	if hasDefaults(t.Insert) {
		doc += " Fields of type runtime.Opt may be left unset: the column's default applies."
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

func hasDefaults(cols []*Column) bool {
	for _, c := range cols {
		if c.HasDefault {
			return true
		}
	}
	return false
}

// omittedOnInsert explains which columns the insert struct leaves out.
func omittedOnInsert(t *Table) string {
	var names []string
	for _, c := range t.Columns {
		if c.Identity || c.Managed != 0 {
			names = append(names, c.SQLName)
		}
	}
	if len(names) == 0 {
		return ""
	}
	return "The database sets " + strings.Join(names, ", ") + "."
}

func genUpdateStruct(f *jen.File, t *Table) {
	comment(f, fmt.Sprintf("%s lists changes to a row of table %s. Unset fields leave their column unchanged; "+
		"a nullable column is set to NULL with runtime.Set[*T](nil).", t.UpdateType, t.SQLName))
	f.Type().Id(t.UpdateType).StructFunc(func(g *jen.Group) {
		for _, c := range t.Updatable {
			g.Id(c.Field).Add(jen.Qual(pathRuntime, "Opt").Types(typeCode(c.Go))).
				Tag(map[string]string{"json": c.JSON + ",omitzero"})
		}
	})
	f.Line()
}

func genRepo(f *jen.File, t *Table) {
	doc := fmt.Sprintf("%s reads and writes table %s.", t.Repo, t.SQLName)
	if len(t.Notes) > 0 {
		doc += "\n\n" + strings.Join(t.Notes, " ")
	}
	comment(f, doc)
	f.Type().Id(t.Repo).Struct(jen.Id("db").Qual(pathRuntime, "DBTX"))
	f.Line()
	comment(f, fmt.Sprintf("New%s returns a repository of table %s that runs its statements on db: a pool, "+
		"a connection or a transaction.", t.Repo, t.SQLName))
	f.Func().Id("New" + t.Repo).Params(jen.Id("db").Qual(pathRuntime, "DBTX")).Op("*").Id(t.Repo).Block(
		jen.Return(jen.Op("&").Id(t.Repo).Values(jen.Dict{jen.Id("db"): jen.Id("db")})),
	)
	f.Line()
}

// scanName and collectName name the table's row scanners.
func scanName(t *Table) string    { return "scan" + t.Model }
func collectName(t *Table) string { return "collect" + t.Model }

func genScan(f *jen.File, t *Table) {
	comment(f, fmt.Sprintf("%s reads a row of table %s, columns in table order, into v.", scanName(t), t.SQLName))
	f.Func().Id(scanName(t)).Params(jen.Id("row").Qual(pathPgx, "Row"), jen.Id("v").Op("*").Id(t.Model)).Error().Block(
		jen.Return(jen.Id("row").Dot("Scan").CallFunc(func(g *jen.Group) {
			for _, c := range t.Columns {
				g.Op("&").Id("v").Dot(c.Field)
			}
		})),
	)
	f.Line()
}

// method starts a repository method declaration.
func method(f *jen.File, t *Table, name, doc string) *jen.Statement {
	comment(f, doc)
	return f.Func().Params(jen.Id("r").Op("*").Id(t.Repo)).Id(name)
}

// argExpr renders how an argument is read from the struct variable v.
func argExpr(v string, a Arg) jen.Code {
	field := jen.Id(v).Dot(a.Column.Field)
	switch a.Kind {
	case ArgOptPtr:
		return field.Dot("Ptr").Call()
	case ArgOptSet:
		return field.Dot("Set")
	case ArgOptValue:
		return field.Dot("Value")
	}
	return field
}

// pkParams are the primary key parameters of a method; pkArgs the same
// names as arguments.
func pkParams(t *Table) []jen.Code {
	out := []jen.Code{ctxParam.Clone()}
	for _, c := range t.PK {
		out = append(out, jen.Id(c.Param).Add(typeCode(c.Go)))
	}
	return out
}

func pkArgs(t *Table) []jen.Code {
	var out []jen.Code
	for _, c := range t.PK {
		out = append(out, jen.Id(c.Param))
	}
	return out
}

// pkDesc describes the key parameters in a doc comment: "id" or
// "order_id and product_id".
func pkDesc(t *Table) string {
	names := make([]string, len(t.PK))
	for i, c := range t.PK {
		names[i] = c.Param
	}
	if len(names) == 1 {
		return "the given " + names[0]
	}
	return "the given " + strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// queryOne renders: var v T; if err := scan(r.db.QueryRow(ctx, sql, args...), &v); err != nil { return T{}, wrap }; return v, nil
func queryOne(t *Table, methodName, sqlConstName string, args []jen.Code) []jen.Code {
	call := append([]jen.Code{jen.Id("ctx"), jen.Id(sqlConstName)}, args...)
	return []jen.Code{
		jen.Var().Id("v").Id(t.Model),
		jen.If(
			jen.Err().Op(":=").Id(scanName(t)).Call(jen.Id("r").Dot("db").Dot("QueryRow").Call(call...), jen.Op("&").Id("v")),
			jen.Err().Op("!=").Nil(),
		).Block(jen.Return(jen.Id(t.Model).Values(), wrapErr(t, methodName))),
		jen.Return(jen.Id("v"), jen.Nil()),
	}
}

// collectRows renders runtime.CollectRows reading rows into a slice of
// the table's models (or of a query's rows, through scan), with room for
// capacity rows (nil when unknown).
func collectRows(rows, scan string, capacity jen.Code) *jen.Statement {
	if capacity == nil {
		capacity = jen.Lit(0)
	}
	return jen.Qual(pathRuntime, "CollectRows").Call(jen.Id(rows), capacity, jen.Id(scan))
}

// queryMany renders a query collected into a slice of models.
func queryMany(t *Table, methodName, sqlConstName string, args []jen.Code, capacity jen.Code) []jen.Code {
	call := append([]jen.Code{jen.Id("ctx"), jen.Id(sqlConstName)}, args...)
	return []jen.Code{
		jen.List(jen.Id("rows"), jen.Err()).Op(":=").Id("r").Dot("db").Dot("Query").Call(call...),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), wrapErr(t, methodName))),
		jen.List(jen.Id("items"), jen.Err()).Op(":=").Add(collectRows("rows", scanName(t), capacity)),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), wrapErr(t, methodName))),
		jen.Return(jen.Id("items"), jen.Nil()),
	}
}

func genCreate(f *jen.File, t *Table) {
	genSQLConst(f, t, "Create", t.SQL.Create)
	var args []jen.Code
	for _, a := range t.SQL.CreateArgs {
		args = append(args, argExpr("n", a))
	}
	method(f, t, "Create", fmt.Sprintf("Create inserts a row into table %s and returns it as stored, defaults applied.", t.SQLName)).
		Params(ctxParam.Clone(), jen.Id("n").Id(t.NewType)).Params(jen.Id(t.Model), jen.Error()).
		Block(queryOne(t, "Create", sqlName(t, "Create"), args)...)
	f.Line()
}

func genFindByID(f *jen.File, t *Table) {
	genSQLConst(f, t, "FindByID", t.SQL.FindByID)
	method(f, t, "FindByID", fmt.Sprintf("FindByID returns the row of table %s with %s. If there is none, "+
		"the error matches runtime.ErrNotFound.", t.SQLName, pkDesc(t))).
		Params(pkParams(t)...).Params(jen.Id(t.Model), jen.Error()).
		Block(queryOne(t, "FindByID", sqlName(t, "FindByID"), pkArgs(t))...)
	f.Line()
}

func genFindAll(f *jen.File, t *Table) {
	genSQLConst(f, t, "FindAll", t.SQL.FindAll)
	method(f, t, "FindAll", fmt.Sprintf("FindAll returns every row of table %s, ordered by primary key. It holds "+
		"the whole result in memory; use List or Stream for large tables.", t.SQLName)).
		Params(ctxParam.Clone()).Params(jen.Index().Id(t.Model), jen.Error()).
		Block(queryMany(t, "FindAll", sqlName(t, "FindAll"), nil, nil)...)
	f.Line()
}

func genStream(f *jen.File, t *Table) {
	zero := jen.Id(t.Model).Values()
	method(f, t, "Stream", fmt.Sprintf("Stream yields every row of table %s, ordered by primary key, reading them "+
		"from the server as the loop goes: memory use does not grow with the table. An error ends the sequence.",
		t.SQLName)).
		Params(ctxParam.Clone()).Qual(pathIter, "Seq2").Types(jen.Id(t.Model), jen.Error()).
		Block(jen.Return(jen.Func().Params(jen.Id("yield").Func().Params(jen.Id(t.Model), jen.Error()).Bool()).Block(
			jen.List(jen.Id("rows"), jen.Err()).Op(":=").Id("r").Dot("db").Dot("Query").Call(jen.Id("ctx"), jen.Id(sqlName(t, "FindAll"))),
			jen.If(jen.Err().Op("!=").Nil()).Block(
				jen.Id("yield").Call(zero.Clone(), wrapErr(t, "Stream")),
				jen.Return(),
			),
			jen.Defer().Id("rows").Dot("Close").Call(),
			jen.Var().Id("v").Id(t.Model),
			jen.For(jen.Id("rows").Dot("Next").Call()).Block(
				jen.Id("v").Op("=").Id(t.Model).Values(),
				jen.If(jen.Err().Op(":=").Id(scanName(t)).Call(jen.Id("rows"), jen.Op("&").Id("v")), jen.Err().Op("!=").Nil()).Block(
					jen.Id("yield").Call(zero.Clone(), wrapErr(t, "Stream")),
					jen.Return(),
				),
				jen.If(jen.Op("!").Id("yield").Call(jen.Id("v"), jen.Nil())).Block(jen.Return()),
			),
			jen.If(jen.Err().Op(":=").Id("rows").Dot("Err").Call(), jen.Err().Op("!=").Nil()).Block(
				jen.Id("yield").Call(zero.Clone(), wrapErr(t, "Stream")),
			),
		)))
	f.Line()
}

func genList(f *jen.File, t *Table) {
	genSQLConst(f, t, "ListFirst", t.SQL.ListFirst)
	genSQLConst(f, t, "ListAfter", t.SQL.ListAfter)
	pageType := jen.Qual(pathRuntime, "Page").Types(jen.Id(t.Model))
	fail := func() jen.Code { return jen.Return(pageType.Clone().Values(), wrapErr(t, "List")) }

	var decl, dest, after []jen.Code
	for _, c := range t.PK {
		decl = append(decl, jen.Var().Id(c.Param).Add(typeCode(c.Go)))
		dest = append(dest, jen.Op("&").Id(c.Param))
		after = append(after, jen.Id(c.Param))
	}
	after = append(after, jen.Id("size").Op("+").Lit(1))
	var key []jen.Code
	for _, c := range t.PK {
		key = append(key, jen.Id("v").Dot(c.Field))
	}

	body := []jen.Code{
		jen.Id("size").Op(":=").Id("page").Dot("Size").Call(),
		jen.Var().Id("rows").Qual(pathPgx, "Rows"),
		jen.Var().Err().Error(),
		jen.If(jen.Id("page").Dot("After").Op("==").Lit("")).Block(
			jen.List(jen.Id("rows"), jen.Err()).Op("=").Id("r").Dot("db").Dot("Query").Call(
				jen.Id("ctx"), jen.Id(sqlName(t, "ListFirst")), jen.Id("size").Op("+").Lit(1)),
		).Else().BlockFunc(func(g *jen.Group) {
			for _, d := range decl {
				g.Add(d)
			}
			g.If(jen.Err().Op(":=").Qual(pathRuntime, "DecodeCursor").Call(append([]jen.Code{jen.Id("page").Dot("After")}, dest...)...),
				jen.Err().Op("!=").Nil()).Block(fail())
			g.List(jen.Id("rows"), jen.Err()).Op("=").Id("r").Dot("db").Dot("Query").Call(
				append([]jen.Code{jen.Id("ctx"), jen.Id(sqlName(t, "ListAfter"))}, after...)...)
		}),
		jen.If(jen.Err().Op("!=").Nil()).Block(fail()),
		jen.List(jen.Id("items"), jen.Err()).Op(":=").Add(collectRows("rows", scanName(t), jen.Id("size").Op("+").Lit(1))),
		jen.If(jen.Err().Op("!=").Nil()).Block(fail()),
		jen.Return(jen.Qual(pathRuntime, "NewPage").Call(jen.Id("items"), jen.Id("size"),
			jen.Func().Params(jen.Id("v").Op("*").Id(t.Model)).String().Block(
				jen.Return(jen.Qual(pathRuntime, "EncodeCursor").Call(key...)),
			)), jen.Nil()),
	}
	method(f, t, "List", fmt.Sprintf("List returns a page of rows of table %s in primary key order: up to "+
		"page.Limit rows after the cursor page.After (\"\" for the first page). Pass the returned Next cursor "+
		"to get the following page; it is \"\" after the last one. Rows inserted meanwhile after the cursor "+
		"are included, and no row is returned twice.", t.SQLName)).
		Params(ctxParam.Clone(), jen.Id("page").Qual(pathRuntime, "PageArgs")).Params(pageType.Clone(), jen.Error()).
		Block(body...)
	f.Line()
}

func genUpdate(f *jen.File, t *Table) {
	genSQLConst(f, t, "Update", t.SQL.Update)
	args := pkArgs(t)
	for _, a := range t.SQL.UpdateArgs {
		args = append(args, argExpr("u", a))
	}
	doc := fmt.Sprintf("Update applies the set fields of u to the row of table %s with %s and returns the row "+
		"as stored. If there is none, the error matches runtime.ErrNotFound.", t.SQLName, pkDesc(t))
	if t.UpdatedAt != nil {
		doc += fmt.Sprintf(" It sets %s to the transaction's time.", t.UpdatedAt.SQLName)
	}
	method(f, t, "Update", doc).
		Params(append(pkParams(t), jen.Id("u").Id(t.UpdateType))...).Params(jen.Id(t.Model), jen.Error()).
		Block(queryOne(t, "Update", sqlName(t, "Update"), args)...)
	f.Line()
}

func genDelete(f *jen.File, t *Table) {
	genSQLConst(f, t, "Delete", t.SQL.Delete)
	method(f, t, "Delete", fmt.Sprintf("Delete removes the row of table %s with %s and reports whether there "+
		"was one.", t.SQLName, pkDesc(t))).
		Params(pkParams(t)...).Params(jen.Bool(), jen.Error()).
		Block(
			jen.List(jen.Id("tag"), jen.Err()).Op(":=").Id("r").Dot("db").Dot("Exec").Call(
				append([]jen.Code{jen.Id("ctx"), jen.Id(sqlName(t, "Delete"))}, pkArgs(t)...)...),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.False(), wrapErr(t, "Delete"))),
			jen.Return(jen.Id("tag").Dot("RowsAffected").Call().Op(">").Lit(0), jen.Nil()),
		)
	f.Line()
}

func genCount(f *jen.File, t *Table) {
	genSQLConst(f, t, "Count", t.SQL.Count)
	method(f, t, "Count", fmt.Sprintf("Count returns the number of rows of table %s.", t.SQLName)).
		Params(ctxParam.Clone()).Params(jen.Int64(), jen.Error()).
		Block(
			jen.Var().Id("n").Int64(),
			jen.If(
				jen.Err().Op(":=").Id("r").Dot("db").Dot("QueryRow").Call(jen.Id("ctx"), jen.Id(sqlName(t, "Count"))).Dot("Scan").Call(jen.Op("&").Id("n")),
				jen.Err().Op("!=").Nil(),
			).Block(jen.Return(jen.Lit(0), wrapErr(t, "Count"))),
			jen.Return(jen.Id("n"), jen.Nil()),
		)
	f.Line()
}
