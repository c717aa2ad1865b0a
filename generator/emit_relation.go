package generator

import (
	"fmt"

	"github.com/dave/jennifer/jen"
)

// genRelations emits the methods of a table's relations.
func genRelations(f *jen.File, t *Table) {
	for _, r := range t.Relations {
		switch r.Kind {
		case BelongsTo:
			genBelongsTo(f, r)
		case HasMany:
			if r.Skipped == "" {
				genHasMany(f, r)
			}
		case ManyToMany:
			genManyToMany(f, r)
		}
	}
}

// mapType is map[Key][]Model.
func mapType(r *Relation, model string) *jen.Statement {
	return jen.Map(typeCode(r.Key)).Index().Id(model)
}

// keyOf reads the relation key from a field expression of the given
// column: nullable columns are pointers, dereferenced.
func keyOf(c *Column, expr *jen.Statement) *jen.Statement {
	if c.Go.Ptr {
		return jen.Op("*").Add(expr)
	}
	return expr
}

// genBelongsTo emits ListBy<FK>, LoadBy<FK> and the shared loader.
func genBelongsTo(f *jen.File, r *Relation) {
	t, c := r.Table, r.FK
	genSQLStatement(f, r.ListSQL)
	method(f, t, r.List, fmt.Sprintf("%s returns the rows of table %s whose %s is %s, in primary key order.",
		r.List, t.SQLName, c.SQLName, c.Param)).
		Params(ctxParam.Clone(), jen.Id(c.Param).Add(typeCode(r.Key))).Params(jen.Index().Id(t.Model), jen.Error()).
		Block(queryMany(t, r.List, r.ListSQL.Const, []jen.Code{jen.Id(c.Param)}, nil)...)
	f.Line()
	if r.Skipped != "" {
		return
	}
	genSQLStatement(f, r.LoadSQL)
	mt := mapType(r, t.Model)
	comment(f, fmt.Sprintf("%s returns the rows of table %s whose %s is one of keys, grouped by %s, each group in "+
		"primary key order, with one query. Keys without rows are not in the map.", r.Loader, t.SQLName, c.SQLName, c.SQLName))
	f.Func().Id(r.Loader).Params(ctxParam.Clone(), jen.Id("db").Qual(pathRuntime, "DBTX"), jen.Id("keys").Index().Add(typeCode(r.Key))).
		Params(mt.Clone(), jen.Error()).Block(
		jen.Id("m").Op(":=").Make(mt.Clone()),
		jen.If(jen.Len(jen.Id("keys")).Op("==").Lit(0)).Block(jen.Return(jen.Id("m"), jen.Nil())),
		jen.List(jen.Id("rows"), jen.Err()).Op(":=").Id("db").Dot("Query").Call(jen.Id("ctx"), jen.Id(r.LoadSQL.Const), jen.Id("keys")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		jen.Defer().Id("rows").Dot("Close").Call(),
		jen.For(jen.Id("rows").Dot("Next").Call()).Block(
			jen.Var().Id("v").Id(t.Model),
			jen.If(jen.Err().Op(":=").Id(scanName(t)).Call(jen.Id("rows"), jen.Op("&").Id("v")), jen.Err().Op("!=").Nil()).Block(
				jen.Return(jen.Nil(), jen.Err()),
			),
			jen.Id("k").Op(":=").Add(keyOf(c, jen.Id("v").Dot(c.Field))),
			jen.Id("m").Index(jen.Id("k")).Op("=").Append(jen.Id("m").Index(jen.Id("k")), jen.Id("v")),
		),
		jen.If(jen.Err().Op(":=").Id("rows").Dot("Err").Call(), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), jen.Err())),
		jen.Return(jen.Id("m"), jen.Nil()),
	)
	f.Line()
	method(f, t, r.Load, fmt.Sprintf("%s returns the rows of table %s whose %s is one of keys, grouped by %s, each "+
		"group in primary key order. It runs one query, however many keys there are: load the children of a list "+
		"of %s without a query per row. Keys without rows are not in the map.",
		r.Load, t.SQLName, c.SQLName, c.SQLName, r.Target.SQLName)).
		Params(ctxParam.Clone(), jen.Id("keys").Index().Add(typeCode(r.Key))).Params(mt.Clone(), jen.Error()).
		Block(
			jen.List(jen.Id("m"), jen.Err()).Op(":=").Id(r.Loader).Call(jen.Id("ctx"), jen.Id("r").Dot("db"), jen.Id("keys")),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), wrapErr(t, r.Load))),
			jen.Return(jen.Id("m"), jen.Nil()),
		)
	f.Line()
}

// parentKeys renders the loop collecting the keys of parents from ref.
func parentKeys(r *Relation, ref *Column) []jen.Code {
	elem := jen.Id("parents").Index(jen.Id("i")).Dot(ref.Field)
	add := jen.Id("keys").Op("=").Append(jen.Id("keys"), keyOf(ref, elem.Clone()))
	if ref.Go.Ptr {
		add = jen.If(elem.Clone().Op("!=").Nil()).Block(add)
	}
	return []jen.Code{
		jen.Id("keys").Op(":=").Make(jen.Index().Add(typeCode(r.Key)), jen.Lit(0), jen.Len(jen.Id("parents"))),
		jen.For(jen.Id("i").Op(":=").Range().Id("parents")).Block(add),
	}
}

// genHasMany emits Load<Children> on the parent's repository.
func genHasMany(f *jen.File, r *Relation) {
	t, child := r.Table, r.Target
	body := parentKeys(r, r.Ref)
	body = append(body,
		jen.List(jen.Id("m"), jen.Err()).Op(":=").Id(r.Loader).Call(jen.Id("ctx"), jen.Id("r").Dot("db"), jen.Id("keys")),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), wrapErr(t, r.Load))),
		jen.Return(jen.Id("m"), jen.Nil()),
	)
	method(f, t, r.Load, fmt.Sprintf("%s returns the rows of table %s that reference each of parents (%s.%s = %s.%s), "+
		"keyed by the parent's %s, each group in primary key order. It runs one query for all parents; parents "+
		"without rows are not in the map.", r.Load, child.SQLName, child.SQLName, r.FK.SQLName, t.SQLName,
		r.Ref.SQLName, r.Ref.SQLName)).
		Params(ctxParam.Clone(), jen.Id("parents").Index().Id(t.Model)).Params(mapType(r, child.Model), jen.Error()).
		Block(body...)
	f.Line()
}

// genManyToMany emits Load<Name>, Link<Name> and Unlink<Name>.
func genManyToMany(f *jen.File, r *Relation) {
	t, target := r.Table, r.Target
	if r.Skipped == "" {
		genSQLStatement(f, r.LoadSQL)
		mt := mapType(r, target.Model)
		wrap := func() jen.Code { return jen.Return(jen.Nil(), wrapErr(t, r.Load)) }
		body := parentKeys(r, r.Ref)
		body = append(body,
			jen.Id("m").Op(":=").Make(mt.Clone()),
			jen.If(jen.Len(jen.Id("keys")).Op("==").Lit(0)).Block(jen.Return(jen.Id("m"), jen.Nil())),
			jen.List(jen.Id("rows"), jen.Err()).Op(":=").Id("r").Dot("db").Dot("Query").Call(jen.Id("ctx"), jen.Id(r.LoadSQL.Const), jen.Id("keys")),
			jen.If(jen.Err().Op("!=").Nil()).Block(wrap()),
			jen.Defer().Id("rows").Dot("Close").Call(),
			jen.For(jen.Id("rows").Dot("Next").Call()).Block(
				jen.Var().Id("k").Add(typeCode(r.Key)),
				jen.Var().Id("v").Id(target.Model),
				jen.If(jen.Err().Op(":=").Id("rows").Dot("Scan").CallFunc(func(g *jen.Group) {
					g.Op("&").Id("k")
					for _, c := range target.Columns {
						g.Op("&").Id("v").Dot(c.Field)
					}
				}), jen.Err().Op("!=").Nil()).Block(wrap()),
				jen.Id("m").Index(jen.Id("k")).Op("=").Append(jen.Id("m").Index(jen.Id("k")), jen.Id("v")),
			),
			jen.If(jen.Err().Op(":=").Id("rows").Dot("Err").Call(), jen.Err().Op("!=").Nil()).Block(wrap()),
			jen.Return(jen.Id("m"), jen.Nil()),
		)
		method(f, t, r.Load, fmt.Sprintf("%s returns the rows of table %s linked to each of parents through table %s, "+
			"keyed by the parent's %s, each group in primary key order. It runs one query for all parents; parents "+
			"without links are not in the map.", r.Load, target.SQLName, r.Through.SQLName, r.Ref.SQLName)).
			Params(ctxParam.Clone(), jen.Id("parents").Index().Id(t.Model)).Params(mt.Clone(), jen.Error()).
			Block(body...)
		f.Line()
	}
	if r.LinkSkipped != "" {
		return
	}
	a, b := r.FK.Param, r.To.Param
	if a == b {
		b += "_"
	}
	params := []jen.Code{ctxParam.Clone(), jen.Id(a).Add(typeCode(r.FK.Go.Elem())), jen.Id(b).Add(typeCode(r.To.Go.Elem()))}
	exec := func(name string, s Statement) []jen.Code {
		return []jen.Code{
			jen.List(jen.Id("tag"), jen.Err()).Op(":=").Id("r").Dot("db").Dot("Exec").Call(jen.Id("ctx"), jen.Id(s.Const), jen.Id(a), jen.Id(b)),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.False(), wrapErr(t, name))),
			jen.Return(jen.Id("tag").Dot("RowsAffected").Call().Op(">").Lit(0), jen.Nil()),
		}
	}
	genSQLStatement(f, r.LinkSQL)
	method(f, t, r.Link, fmt.Sprintf("%s links the row of table %s with %s %s to the row of table %s with %s %s, "+
		"adding the pair to table %s. It reports whether the pair is new; linking a pair twice is not an error.",
		r.Link, t.SQLName, r.Ref.SQLName, a, target.SQLName, r.ToRef.SQLName, b, r.Through.SQLName)).
		Params(params...).Params(jen.Bool(), jen.Error()).Block(exec(r.Link, r.LinkSQL)...)
	f.Line()
	genSQLStatement(f, r.UnlinkSQL)
	method(f, t, r.Unlink, fmt.Sprintf("%s removes the pair (%s, %s) from table %s and reports whether it was there.",
		r.Unlink, a, b, r.Through.SQLName)).
		Params(params...).Params(jen.Bool(), jen.Error()).Block(exec(r.Unlink, r.UnlinkSQL)...)
	f.Line()
}

// genSQLStatement emits a statement constant.
func genSQLStatement(f *jen.File, s Statement) {
	f.Const().Id(s.Const).Op("=").Add(sqlConst(s.SQL))
	f.Line()
}
