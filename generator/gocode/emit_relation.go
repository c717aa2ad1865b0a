package gocode

import (
	"fmt"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/dave/jennifer/jen"
)

// genRelations emits the methods of a table's relations.
func genRelations(f *jen.File, t *ir.Table) {
	for _, r := range t.Relations {
		if !r.Generated() {
			continue
		}
		switch r.Kind {
		case ir.BelongsTo:
			genBelongsTo(f, r)
		case ir.HasMany:
			if r.Skipped == "" {
				genHasMany(f, r)
			}
		case ir.ManyToMany:
			genManyToMany(f, r)
		}
	}
}

// mapType is map[Key][]Model.
func mapType(r *ir.Relation, model string) *jen.Statement {
	return jen.Map(typeCode(r.Key)).Index().Id(model)
}

// keyOf reads the relation key from a field expression of the given
// column: a nullable column's value (a pointer dereferenced).
func keyOf(c *ir.Column, expr *jen.Statement) *jen.Statement {
	switch {
	case c.Go.Null:
		return expr.Dot("V")
	case c.Go.Ptr:
		return jen.Op("*").Add(expr)
	}
	return expr
}

// loaderExtra are the parameters a loader of child takes after its keys:
// the tenant and whether to include soft-deleted rows, as its statement
// needs them.
func loaderExtra(r *ir.Relation) []jen.Code {
	var out []jen.Code
	if r.LoadSQL.Has(ir.TailTenant) {
		out = append(out, jen.Id("tenant").Add(typeCode(r.Child.Tenant.Go.Elem())))
	}
	if r.LoadSQL.WithDeleted != nil {
		out = append(out, jen.Id("withDeleted").Bool())
	}
	return out
}

// loaderArgs are the arguments a method passes a loader after its keys.
func loaderArgs(r *ir.Relation) []jen.Code {
	var out []jen.Code
	if r.LoadSQL.Has(ir.TailTenant) {
		out = append(out, jen.Id("tenant"))
	}
	if r.LoadSQL.WithDeleted != nil {
		out = append(out, jen.Id("r").Dot("withDeleted"))
	}
	return out
}

// loaderPrelude is what a method calling r's loader runs first: the
// tenant of ctx, when the loader needs it.
func loaderPrelude(t *ir.Table, method string, r *ir.Relation, fail func(jen.Code) jen.Code) ([]jen.Code, bool) {
	if !r.LoadSQL.Has(ir.TailTenant) {
		return nil, false
	}
	return tenantPrelude(t, method, r.Child.Tenant.Go.Elem(), fail, false), true
}

// genBelongsTo emits ListBy<FK>, LoadBy<FK> and the shared loader.
func genBelongsTo(f *jen.File, r *ir.Relation) {
	t, c := r.Table, r.FK
	genOp(f, t, r.List, r.ListSQL, nil, false)
	pre, scoped := prelude(t, r.List, "", []ir.Statement{r.ListSQL}, returnsNil)
	method(f, t, r.List, fmt.Sprintf("%s returns the rows of table %s whose %s is %s, in primary key order.",
		r.List, t.SQLName, c.SQLName, c.Param)).
		Params(ctxParam.Clone(), jen.Id(c.Param).Add(typeCode(r.Key))).Params(jen.Index().Id(t.Model), jen.Error()).
		Block(append(pre, queryMany(t, r.List, scoped, r.ListSQL, call{in: jen.Id(c.Param), args: jen.Qual(ir.PathRuntime, "Arg")}, t.Scan, nil)...)...)
	f.Line()
	if r.Skipped != "" {
		return
	}
	s := r.LoadSQL
	genStatement(f, s)
	mt := mapType(r, t.Model)
	if s.Has(ir.TailTenant) {
		comment(f, "db must be scoped to tenant (runtime.Scope).")
	}
	var pick []jen.Code
	sql := jen.Id(s.Const)
	if s.WithDeleted != nil {
		pick = []jen.Code{
			jen.Id("sql").Op(":=").Id(s.Const),
			jen.If(jen.Id("withDeleted")).Block(jen.Id("sql").Op("=").Id(s.WithDeleted.Const)),
		}
		sql = jen.Id("sql")
	}
	query := append([]jen.Code{jen.Id("ctx"), sql, jen.Id("keys")}, tailArgs(s)...)
	params := append([]jen.Code{ctxParam.Clone(), jen.Id("db").Qual(ir.PathRuntime, "DBTX"), jen.Id("keys").Index().Add(typeCode(r.Key))}, loaderExtra(r)...)
	body := []jen.Code{
		jen.If(jen.Len(jen.Id("keys")).Op("==").Lit(0)).Block(jen.Return(mt.Clone().Values(), jen.Nil())),
	}
	body = append(body, pick...)
	group := jen.Qual(ir.PathRuntime, "GroupRows").Call(jen.Id("rows"), jen.Err(), jen.Id(t.Scan),
		jen.Func().Params(jen.Id("v").Op("*").Id(t.Model)).Add(typeCode(r.Key)).Add(inline(jen.Return(keyOf(c, jen.Id("v").Dot(c.Field))))))
	body = append(body, jen.List(jen.Id("rows"), jen.Err()).Op(":=").Id("db").Dot("Query").Call(query...))
	if c.Type.IsPadded() {
		// The rows' keys read without padding; keys passed with it
		// find them too.
		body = append(body,
			jen.List(jen.Id("m"), jen.Err()).Op(":=").Add(group),
			jen.Return(jen.Qual(ir.PathRuntime, "PaddedKeys").Call(jen.Id("m"), jen.Err(), jen.Id("keys"))),
		)
	} else {
		body = append(body, jen.Return(group))
	}
	f.Func().Id(r.Loader).Params(params...).Params(mt.Clone(), jen.Error()).Block(body...)
	f.Line()
	lpre, lscoped := loaderPrelude(t, r.Load, r, returnsNil)
	call := append([]jen.Code{jen.Id("ctx"), dbOf(lscoped), jen.Id("keys")}, loaderArgs(r)...)
	method(f, t, r.Load, fmt.Sprintf("%s returns the rows of table %s whose %s is one of keys, grouped by it, in "+
		"one query (see runtime.GroupRows).", r.Load, t.SQLName, c.SQLName)).
		Params(ctxParam.Clone(), jen.Id("keys").Index().Add(typeCode(r.Key))).Params(mt.Clone(), jen.Error()).
		Block(append(lpre,
			jen.List(jen.Id("m"), jen.Err()).Op(":=").Id(r.Loader).Call(call...),
			jen.Return(jen.Id("m"), wrapErr(t, r.Load)),
		)...)
	f.Line()
}

// parentKeys renders collecting the keys of parents from ref.
func parentKeys(r *ir.Relation, ref *ir.Column) []jen.Code {
	p := func() *jen.Statement { return jen.Id("p").Dot(ref.Field) }
	if ref.Go.Ptr {
		elem := jen.Id("parents").Index(jen.Id("i")).Dot(ref.Field)
		return []jen.Code{
			jen.Id("keys").Op(":=").Make(jen.Index().Add(typeCode(r.Key)), jen.Lit(0), jen.Len(jen.Id("parents"))),
			jen.For(jen.Id("i").Op(":=").Range().Id("parents")).Block(
				jen.If(elem.Clone().Op("!=").Nil()).Block(jen.Id("keys").Op("=").Append(jen.Id("keys"), jen.Op("*").Add(elem.Clone()))),
			),
		}
	}
	ok := jen.True()
	if ref.Go.Null {
		ok = p().Dot("Valid")
	}
	key := jen.Func().Params(jen.Id("p").Op("*").Id(r.Table.Model)).Params(typeCode(r.Key), jen.Bool()).
		Add(inline(jen.Return(keyOf(ref, p()), ok)))
	return []jen.Code{jen.Id("keys").Op(":=").Qual(ir.PathRuntime, "Keys").Call(jen.Id("parents"), key)}
}

// genHasMany emits Load<Children> on the parent's repository.
func genHasMany(f *jen.File, r *ir.Relation) {
	t, child := r.Table, r.Target
	var loader *ir.Relation
	for _, cr := range child.Relations {
		if cr.Kind == ir.BelongsTo && cr.FK == r.FK {
			loader = cr
		}
	}
	body, scoped := loaderPrelude(t, r.Load, loader, returnsNil)
	body = append(body, parentKeys(r, r.Ref)...)
	call := append([]jen.Code{jen.Id("ctx"), dbOf(scoped), jen.Id("keys")}, loaderArgs(loader)...)
	body = append(body,
		jen.List(jen.Id("m"), jen.Err()).Op(":=").Id(r.Loader).Call(call...),
		jen.Return(jen.Id("m"), wrapErr(t, r.Load)),
	)
	method(f, t, r.Load, fmt.Sprintf("%s returns the rows of table %s of each of parents (%s.%s = %s.%s), "+
		"keyed by the parent's %s, as %s does.", r.Load, child.SQLName, child.SQLName, r.FK.SQLName, t.SQLName,
		r.Ref.SQLName, r.Ref.SQLName, loader.Load)).
		Params(ctxParam.Clone(), jen.Id("parents").Index().Id(t.Model)).Params(mapType(r, child.Model), jen.Error()).
		Block(body...)
	f.Line()
}

// genManyToMany emits Load<Name>, Link<Name> and Unlink<Name>.
func genManyToMany(f *jen.File, r *ir.Relation) {
	t, target := r.Table, r.Target
	if r.Skipped == "" {
		s := r.LoadSQL
		genStatement(f, s)
		mt := mapType(r, target.Model)
		var body []jen.Code
		scoped := needsTenant(s)
		if scoped {
			tc := r.Through.Tenant
			if tc == nil {
				tc = r.Target.Tenant
			}
			body = tenantPrelude(t, r.Load, tc.Go.Elem(), returnsNil, false)
		}
		body = append(body, parentKeys(r, r.Ref)...)
		body = append(body,
			jen.If(jen.Len(jen.Id("keys")).Op("==").Lit(0)).Block(jen.Return(mt.Clone().Values(), jen.Nil())),
			jen.List(jen.Id("rows"), jen.Err()).Op(":=").Add(dbOf(scoped)).Dot("Query").Call(callArgs(s, []jen.Code{jen.Id("keys")})...),
			jen.List(jen.Id("m"), jen.Err()).Op(":=").Qual(ir.PathRuntime, "GroupRowsBy").Types(typeCode(r.Key)).Call(jen.Id("rows"), jen.Err(), jen.Id(target.Scan)),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), wrapErr(t, r.Load))),
		)
		if r.FK.Type.IsPadded() {
			body = append(body, jen.Return(jen.Qual(ir.PathRuntime, "PaddedKeys").Call(jen.Id("m"), jen.Nil(), jen.Id("keys"))))
		} else {
			body = append(body, jen.Return(jen.Id("m"), jen.Nil()))
		}
		method(f, t, r.Load, fmt.Sprintf("%s returns the rows of table %s linked to each of parents through table %s, "+
			"keyed by the parent's %s, in one query (see runtime.GroupRows).", r.Load, target.SQLName, r.Through.SQLName, r.Ref.SQLName)).
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
	exec := func(name string, s ir.Statement) []jen.Code {
		_, db, _ := invalidatingDB(t, name, jen.Id("r").Dot("db"))
		in := call{in: jen.Id(a), args: jen.Qual(ir.PathRuntime, "Arg"), rest: []jen.Code{jen.Id(b)}}
		return []jen.Code{
			jen.List(jen.Id("tag"), jen.Err()).Op(":=").Add(in.run("Exec", db, jen.Id(s.Const), s)),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.False(), wrapErr(t, name))),
			jen.Return(jen.Id("tag").Dot("RowsAffected").Call().Op(">").Lit(0), jen.Nil()),
		}
	}
	genStatement(f, r.LinkSQL)
	method(f, t, r.Link, fmt.Sprintf("%s links the row of table %s with %s %s to the row of table %s with %s %s, "+
		"adding the pair to table %s. It reports whether the pair is new; linking a pair twice is not an error.",
		r.Link, t.SQLName, r.Ref.SQLName, a, target.SQLName, r.ToRef.SQLName, b, r.Through.SQLName)).
		Params(params...).Params(jen.Bool(), jen.Error()).Block(exec(r.Link, r.LinkSQL)...)
	f.Line()
	genStatement(f, r.UnlinkSQL)
	method(f, t, r.Unlink, fmt.Sprintf("%s removes the pair (%s, %s) from table %s and reports whether it was there.",
		r.Unlink, a, b, r.Through.SQLName)).
		Params(params...).Params(jen.Bool(), jen.Error()).Block(exec(r.Unlink, r.UnlinkSQL)...)
	f.Line()
}
