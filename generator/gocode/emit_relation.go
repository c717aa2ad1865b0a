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

// loaderPrelude is what a method calling r's loader runs first: the
// tenant of ctx, when the loader needs it.
func loaderPrelude(t *ir.Table, method string, r *ir.Relation, fail func(jen.Code) jen.Code) ([]jen.Code, bool) {
	if !r.LoadSQL.Has(ir.TailTenant) {
		return nil, false
	}
	return tenantPrelude(t, method, r.Child.Tenant.Go.Elem(), fail, false), true
}

// loaderVars are the names of the runtime.Loader variables of statement
// s: the one reading live rows (name) and, for a statement with a
// variant including soft-deleted rows, the variant's.
func loaderVars(name string, s ir.Statement) (live, all string) {
	if s.WithDeleted != nil {
		all = name + ir.WithDeletedSuffix
	}
	return name, all
}

// genLoader emits the runtime.Loader of statement s, named name (and
// its soft-deleted variant's), loading rows of model by keys of type
// key for method of t: key, when not nil, reads a row's key (nil: the
// statement's first column is the key); padded tells a char(n) key.
func genLoader(f *jen.File, t *ir.Table, method, name string, s ir.Statement, keyType ir.GoType, model, scan string, key jen.Code, padded bool) {
	emit := func(v string, st ir.Statement) {
		kv := []jen.Code{
			field("Op", jen.Op("&").Qual(ir.PathRuntime, "Op").Values(opFields(f, t, method, st, nil, false, false)...)),
			field("Scan", jen.Id(scan)),
		}
		if key != nil {
			kv = append(kv, field("Key", key))
		}
		if padded {
			kv = append(kv, field("Padded", jen.True()))
		}
		f.Var().Id(v).Op("=").Op("&").Add(literal(jen.Qual(ir.PathRuntime, "Loader").Types(typeCode(keyType), jen.Id(model)), kv...))
		f.Line()
	}
	live, all := loaderVars(name, s)
	emit(live, s)
	if all != "" {
		emit(all, *s.WithDeleted)
	}
}

// loadCall is the body of a method returning what the loader name of
// statement s returns for keys (an expression) on db: with a soft-deleted variant, the
// one r's view picks.
func loadCall(name string, s ir.Statement, db, keys jen.Code) []jen.Code {
	live, all := loaderVars(name, s)
	args := append([]jen.Code{jen.Id("ctx"), db, keys}, tailArgs(s)...)
	if all == "" {
		return []jen.Code{jen.Return(jen.Id(live).Dot("Load").Call(args...))}
	}
	return []jen.Code{
		jen.Id("l").Op(":=").Id(live),
		jen.If(jen.Id("r").Dot("withDeleted")).Block(jen.Id("l").Op("=").Id(all)),
		jen.Return(jen.Id("l").Dot("Load").Call(args...)),
	}
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
	key := jen.Func().Params(jen.Id("v").Op("*").Id(t.Model)).Add(typeCode(r.Key)).Add(inline(jen.Return(keyOf(c, jen.Id("v").Dot(c.Field)))))
	genLoader(f, t, r.Load, r.Loader, s, r.Key, t.Model, t.Scan, key, c.Type.IsPadded())
	lpre, lscoped := loaderPrelude(t, r.Load, r, returnsNil)
	method(f, t, r.Load, fmt.Sprintf("%s returns the rows of table %s whose %s is one of keys, grouped by it, in "+
		"one query (see runtime.Loader).", r.Load, t.SQLName, c.SQLName)).
		Params(ctxParam.Clone(), jen.Id("keys").Index().Add(typeCode(r.Key))).Params(mapType(r, t.Model), jen.Error()).
		Block(append(lpre, loadCall(r.Loader, s, dbOf(lscoped), jen.Id("keys"))...)...)
	f.Line()
}

// parentKeys renders collecting the keys of parents from ref: the
// statements that collect them into keys and that variable, or only the
// expression (runtime.Keys) that returns them.
func parentKeys(r *ir.Relation, ref *ir.Column) ([]jen.Code, jen.Code) {
	p := func() *jen.Statement { return jen.Id("p").Dot(ref.Field) }
	if ref.Go.Ptr {
		elem := jen.Id("parents").Index(jen.Id("i")).Dot(ref.Field)
		return []jen.Code{
			jen.Id("keys").Op(":=").Make(jen.Index().Add(typeCode(r.Key)), jen.Lit(0), jen.Len(jen.Id("parents"))),
			jen.For(jen.Id("i").Op(":=").Range().Id("parents")).Block(
				jen.If(elem.Clone().Op("!=").Nil()).Block(jen.Id("keys").Op("=").Append(jen.Id("keys"), jen.Op("*").Add(elem.Clone()))),
			),
		}, jen.Id("keys")
	}
	ok := jen.True()
	if ref.Go.Null {
		ok = p().Dot("Valid")
	}
	ret := jen.Return(keyOf(ref, p()), ok)
	if ref.Go.Elem() != r.Key {
		// An integer key of another width than the foreign key's.
		ret = jen.Return(jen.Qual(ir.PathRuntime, "IntKey").Types(typeCode(r.Key)).Call(keyOf(ref, p()), ok))
	}
	key := jen.Func().Params(jen.Id("p").Op("*").Id(r.Table.Model)).Params(typeCode(r.Key), jen.Bool()).
		Add(inline(ret))
	return nil, jen.Qual(ir.PathRuntime, "Keys").Call(jen.Id("parents"), key)
}

// keyedBy says what keys the map of r's eager loader: the parent's key,
// converted to the foreign key's Go type when the two are integers of
// other widths (runtime.IntKey).
func keyedBy(r *ir.Relation) string {
	if r.Ref.Go.Elem() == r.Key {
		return "the parent's " + r.Ref.SQLName
	}
	return fmt.Sprintf("the parent's %s as %s, the type of %s.%s (a parent whose %s does not fit has none)",
		r.Ref.SQLName, r.Key, r.Child.SQLName, r.FK.SQLName, r.Ref.SQLName)
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
	pre, keys := parentKeys(r, r.Ref)
	body = append(body, pre...)
	body = append(body, loadCall(r.Loader, loader.LoadSQL, dbOf(scoped), keys)...)
	method(f, t, r.Load, fmt.Sprintf("%s returns the rows of table %s of each of parents (%s.%s = %s.%s), "+
		"keyed by %s, as %s does.", r.Load, child.SQLName, child.SQLName, r.FK.SQLName, t.SQLName,
		r.Ref.SQLName, keyedBy(r), loader.Load)).
		Params(ctxParam.Clone(), jen.Id("parents").Index().Id(t.Model)).Params(mapType(r, child.Model), jen.Error()).
		Block(body...)
	f.Line()
}

// genManyToMany emits Load<Name>, Link<Name> and Unlink<Name>.
func genManyToMany(f *jen.File, r *ir.Relation) {
	t, target := r.Table, r.Target
	if r.Skipped == "" {
		s := r.LoadSQL
		name := r.Loader
		genLoader(f, t, r.Load, name, s, r.Key, target.Model, target.Scan, nil, r.FK.Type.IsPadded())
		var body []jen.Code
		scoped := needsTenant(s)
		if scoped {
			tc := r.Through.Tenant
			if tc == nil {
				tc = r.Target.Tenant
			}
			body = tenantPrelude(t, r.Load, tc.Go.Elem(), returnsNil, false)
		}
		pre, keys := parentKeys(r, r.Ref)
		body = append(body, pre...)
		body = append(body, loadCall(name, s, dbOf(scoped), keys)...)
		method(f, t, r.Load, fmt.Sprintf("%s returns the rows of table %s linked to each of parents through table %s, "+
			"keyed by %s, in one query (see runtime.Loader).", r.Load, target.SQLName, r.Through.SQLName, keyedBy(r))).
			Params(ctxParam.Clone(), jen.Id("parents").Index().Id(t.Model)).Params(mapType(r, target.Model), jen.Error()).
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
