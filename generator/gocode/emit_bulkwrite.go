package gocode

import (
	"fmt"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/dave/jennifer/jen"
)

// genBulkWrite emits the batch writes of a table: UpdateMany and
// UpdateManyReturning, DeleteMany, and the batch upserts of its unique
// keys, with the structs and runtime.Bulk values they use. The batch
// forms of HardDelete and Restore come with the soft delete's methods
// (genSoftDeleteMany).
func genBulkWrite(f *jen.File, t *ir.Table) {
	w := &t.Bulk
	if len(w.PK) == 0 {
		return
	}
	if w.Key != "" {
		comment(f, fmt.Sprintf("%s is the primary key of a row of table %s.", w.Key, t.SQLName))
		f.Type().Id(w.Key).StructFunc(func(g *jen.Group) {
			for _, c := range t.PK {
				g.Id(c.Field).Add(typeCode(c.Go)).Tag(map[string]string{"json": c.JSON})
			}
		})
		f.Line()
	}
	if w.KeyedUpdate != "" {
		genKeyedUpdate(f, t)
		genBulkVar(f, t, w.Updates, jen.Id(w.KeyedUpdate), w.UpdateArgs, pkParts(t, w.UpdateArgs),
			jen.Func().Params(jen.Id("v").Op("*").Id(w.KeyedUpdate)).Error().Add(inline(jen.Return(jen.Id("v").Dot(w.Changes).Dot("Validate").Call()))))
		doc := fmt.Sprintf("UpdateMany is Update for many rows of table %s, all or none (see runtime.UpdateMany).", t.SQLName)
		genBulkMethod(f, t, "UpdateMany", w.UpdateMany, w.Updates, w.KeyedUpdate, nil, doc)
		genBulkMethod(f, t, "UpdateManyReturning", w.UpdateManyReturning, w.Updates, w.KeyedUpdate, nil,
			"UpdateManyReturning is UpdateMany returning the rows as stored, in input order.")
	}
	if w.Versions != "" {
		genBulkVar(f, t, w.Versions, versionedType(t), w.VersionArgs, pkParts(t, w.VersionArgs), nil)
	}
	if w.Keys != "" {
		genKeysVar(f, t)
	}
	verb := "deletes"
	if t.DeletedAt != nil {
		verb = "soft-deletes"
	}
	doc := fmt.Sprintf("DeleteMany %s the rows of table %s with the keys given, as Delete does (see "+
		"runtime.WriteMany).", verb, t.SQLName)
	if t.Version != nil {
		genBulkMethod(f, t, "DeleteMany", w.DeleteMany, w.Versions, "", versionedType(t), doc)
	} else {
		genBulkMethod(f, t, "DeleteMany", w.DeleteMany, w.Keys, "", keyType(t), doc)
	}
	if !t.Families.Upsert {
		return
	}
	for _, k := range t.UniqueKeys {
		genBulkUpserts(f, t, k)
	}
}

// pkParts are the columns of the primary key as the rows of args hold
// them: their first arrays.
func pkParts(t *ir.Table, args []ir.BulkArg) []keyPart {
	parts := make([]keyPart, len(t.PK))
	for i, p := range t.Bulk.PK {
		parts[i] = keyPart{p.Compare, args[i].Path}
	}
	return parts
}

// genKeyedUpdate emits the row type of UpdateMany.
func genKeyedUpdate(f *jen.File, t *ir.Table) {
	w := &t.Bulk
	doc := fmt.Sprintf("%s is one row's key and changes for UpdateMany", w.KeyedUpdate)
	if t.Version != nil {
		doc += fmt.Sprintf(", with the %s the caller read", t.Version.SQLName)
	}
	comment(f, doc+".")
	f.Type().Id(w.KeyedUpdate).StructFunc(func(g *jen.Group) {
		for _, c := range t.PK {
			g.Id(c.Field).Add(typeCode(c.Go)).Tag(map[string]string{"json": c.JSON})
		}
		if c := t.Version; c != nil {
			g.Id(c.Field).Add(typeCode(c.Go)).Tag(map[string]string{"json": c.JSON})
		}
		g.Id(w.Changes).Id(t.UpdateType).Tag(map[string]string{"json": "changes"})
	})
	f.Line()
}

// keyType is the type of a key in the batch writes: the key column's Go
// type, or the composite key's struct.
func keyType(t *ir.Table) *jen.Statement {
	if t.Bulk.Key != "" {
		return jen.Id(t.Bulk.Key)
	}
	return typeCode(t.PK[0].Go)
}

// versionedType is runtime.Versioned of the key and the version.
func versionedType(t *ir.Table) *jen.Statement {
	return jen.Qual(ir.PathRuntime, "Versioned").Types(keyType(t), typeCode(t.Version.Go))
}

// genBulkVar emits a package-level runtime.Bulk of rows of type row,
// ordered by parts, sending args; validate,
// when not nil and the table has rules, checks a row. The Bulk is a
// composite literal of functions without captures, which the compiler
// lays out statically: no code runs at package initialisation.
func genBulkVar(f *jen.File, t *ir.Table, name string, row *jen.Statement, args []ir.BulkArg, parts []keyPart, validate jen.Code) {
	kv := []jen.Code{field("Table", jen.Lit(t.SQLName)), field("Key", compareFunc(row, parts))}
	if validate != nil && t.Validates {
		kv = append(kv, field("Validate", validate))
	}
	var elems []jen.Code
	for _, a := range args {
		elems = append(elems, bulkElem(a))
	}
	kv = append(kv, field("Row", jen.Func().Params(jen.Id("v").Op("*").Add(row.Clone()), jen.Id("r").Op("*").Qual(ir.PathRuntime, "BulkRow")).Block(jen.Id("r").Dot("Add").Call(elems...))))
	f.Var().Id(name).Op("=").Op("&").Add(literal(jen.Qual(ir.PathRuntime, "Bulk").Types(jen.Op("*").Add(row.Clone())), kv...))
	f.Line()
}

// genKeysVar emits the runtime.Bulk of the keys of t (DeleteMany and its
// kin): for a key of one column, a literal on one line whose Row is
// runtime.KeyRow; for a composite key's struct, a literal of its own. A
// literal, not a constructor call: a call would run at package
// initialisation, and keep the compiler from laying out statically every
// package variable initialised after it.
func genKeysVar(f *jen.File, t *ir.Table) {
	w := &t.Bulk
	if len(w.KeyArgs) != 1 || len(w.KeyArgs[0].Path) != 0 || w.KeyArgs[0].TextType != "" {
		genBulkVar(f, t, w.Keys, keyType(t), w.KeyArgs, pkParts(t, w.KeyArgs), nil)
		return
	}
	key := keyType(t)
	f.Var().Id(w.Keys).Op("=").Op("&").Qual(ir.PathRuntime, "Bulk").Types(jen.Op("*").Add(key.Clone())).Values(
		field("Table", jen.Lit(t.SQLName)),
		field("Key", compareFunc(key.Clone(), pkParts(t, w.KeyArgs))),
		field("Row", jen.Qual(ir.PathRuntime, "KeyRow").Types(key.Clone())),
	)
	f.Line()
}

// keyPart is one column of a key as a compare function reads it.
type keyPart struct {
	compare ir.GoFunc
	path    []string
}

// compareFunc renders the function ordering two rows by parts.
func compareFunc(row *jen.Statement, parts []keyPart) jen.Code {
	var terms []jen.Code
	for _, p := range parts {
		terms = append(terms, jen.Qual(p.compare.Path, p.compare.Name).Call(keyValue("a", p.path), keyValue("b", p.path)))
	}
	body := jen.Lit(0)
	switch len(terms) {
	case 0:
	case 1:
		body = terms[0].(*jen.Statement)
	default:
		body = jen.Qual(ir.PathCmp, "Or").Call(terms...)
	}
	return jen.Func().Params(jen.List(jen.Id("a"), jen.Id("b")).Op("*").Add(row.Clone())).Int().Add(inline(jen.Return(body)))
}

// keyValue is the value at path in the row v points at.
func keyValue(v string, path []string) *jen.Statement {
	if len(path) == 0 {
		return jen.Op("*").Id(v)
	}
	s := jen.Id(v)
	for _, p := range path {
		s = s.Dot(p)
	}
	return s
}

// bulkElem renders the cell of the value of a in the row v for its array
// parameter: runtime.Elem of a pointer to it (nil for NULL),
// runtime.FlagElem (whether an optional field is set) or, for an
// array-typed value, runtime.TextElem.
func bulkElem(a ir.BulkArg) jen.Code {
	c := a.Column
	field := jen.Id("v")
	for _, p := range a.Path {
		field = field.Dot(p)
	}
	var get *jen.Statement
	switch {
	case len(a.Path) == 0:
		get = jen.Id("v")
	case a.Kind == ir.ArgOptSet:
		return jen.Qual(ir.PathRuntime, "FlagElem").Call(jen.Op("&").Add(field.Dot("Set")))
	case a.Kind == ir.ArgOptPtr:
		get = field.Dot("Ptr").Call()
	case a.Kind == ir.ArgOptValue && c.Go.Null:
		// A pointer into the row's runtime.Null, nil for NULL or when
		// the field is not set: an unset field's value, which
		// Validate does not check, is never sent.
		get = jen.Qual(ir.PathRuntime, "IfSetValid").Call(jen.Op("&").Add(field))
	case c.Go.Null && a.Kind != ir.ArgOptValue:
		get = field.Dot("Ptr").Call()
	case a.Kind == ir.ArgOptValue && c.Go.Ptr:
		get = jen.Qual(ir.PathRuntime, "IfSetPtr").Call(jen.Op("&").Add(field))
	case a.Kind == ir.ArgOptValue:
		get = field.Dot("Ptr").Call()
	case c.Go.Ptr:
		get = field
	default:
		get = jen.Op("&").Add(field)
	}
	if a.TextType != "" {
		return jen.Qual(ir.PathRuntime, "TextElem").Call(jen.Lit(a.TextType), get)
	}
	return jen.Qual(ir.PathRuntime, "Elem").Call(get)
}

// genBulkMethod emits a batch write by key running s through bulk: rows
// of the keyed update type (UpdateMany, UpdateManyReturning), or keys of
// type keys (DeleteMany and its kin), which report per key whether its
// row was written.
func genBulkMethod(f *jen.File, t *ir.Table, method string, s ir.Statement, bulk, keyed string, keys *jen.Statement, doc string) {
	emitOp(f, t, method, s, nil, false)
	var param, result jen.Code
	var call string
	var fail func(jen.Code) jen.Code
	var args []jen.Code
	switch {
	case keys != nil:
		param, result, call, fail = jen.Index().Add(keys), jen.Index().Bool(), "WriteMany", returnsNil
	case method == "UpdateMany":
		param, result, call = jen.Index().Id(keyed), jen.Int64(), "UpdateMany"
		fail = func(err jen.Code) jen.Code { return jen.Return(jen.Lit(0), err) }
	default:
		param, result, call, fail = jen.Index().Id(keyed), jen.Index().Id(t.Model), "UpdateManyReturning", returnsNil
		args = []jen.Code{jen.Id(t.Scan)}
	}
	pre, scoped := prelude(t, method, "", []ir.Statement{s}, fail)
	args = append([]jen.Code{jen.Id("ctx"), dbOf(scoped), jen.Id(bulk), jen.Id(opName(s))}, args...)
	name := "rows"
	if keys != nil {
		name = "keys"
	}
	args = append(append(args, jen.Id(name)), tailArgs(s)...)
	method1(f, t, method, doc, name, param, []jen.Code{result}, append(pre,
		jen.Return(jen.Qual(ir.PathRuntime, call).Call(args...)),
	))
}

// method1 emits a batch method taking a slice named arg of type param and
// returning results and an error.
func method1(f *jen.File, t *ir.Table, name, doc, arg string, param jen.Code, results []jen.Code, body []jen.Code) {
	method(f, t, name, doc).Params(ctxParam.Clone(), jen.Id(arg).Add(param)).Params(append(results, jen.Error())...).Block(body...)
	f.Line()
}

// genBulkUpserts emits the batch forms of a unique key's upsert and
// create-if-absent.
func genBulkUpserts(f *jen.File, t *ir.Table, k *ir.UniqueKey) {
	if k.UpsertMany == "" {
		return
	}
	w := &t.Bulk
	parts := make([]keyPart, len(k.Parts))
	for i, p := range k.Parts {
		parts[i] = keyPart{p.Compare, p.Path}
	}
	if k.Bulk == w.New {
		genBulkVar(f, t, w.New, jen.Id(t.NewType), w.NewArgs, parts, jen.Parens(jen.Op("*").Id(t.NewType)).Dot("Validate"))
	} else {
		// The Bulk of another key, sharing the first one's Row.
		kv := []jen.Code{field("Table", jen.Lit(t.SQLName)), field("Key", compareFunc(jen.Id(t.NewType), parts))}
		if t.Validates {
			kv = append(kv, field("Validate", jen.Parens(jen.Op("*").Id(t.NewType)).Dot("Validate")))
		}
		kv = append(kv, field("Row", jen.Id(w.New).Dot("Row")))
		f.Var().Id(k.Bulk).Op("=").Op("&").Add(literal(jen.Qual(ir.PathRuntime, "Bulk").Types(jen.Op("*").Id(t.NewType)), kv...))
		f.Line()
	}
	bulk := jen.Id(k.Bulk)
	for _, m := range []struct {
		name string
		s    ir.Statement
		call string
		doc  string
	}{
		{k.UpsertMany, k.UpsertManySQL, "UpsertMany", fmt.Sprintf("%s is %s for many rows (see runtime.UpsertMany).",
			k.UpsertMany, k.Upsert)},
		{k.CreateManyIfAbsent, k.CreateManyIfAbsentSQL, "CreateManyIfAbsent", fmt.Sprintf("%s is %s for many rows (see "+
			"runtime.CreateManyIfAbsent).", k.CreateManyIfAbsent, k.CreateIfAbsent)},
	} {
		emitOp(f, t, m.name, m.s, nil, false)
		doc := m.doc
		results := []jen.Code{jen.Index().Id(t.Model)}
		fail := returnsNil
		if m.call == "CreateManyIfAbsent" {
			results = append(results, jen.Index().Bool())
			fail = func(err jen.Code) jen.Code { return jen.Return(jen.Nil(), jen.Nil(), err) }
		}
		pre, scoped := prelude(t, m.name, "", []ir.Statement{m.s}, fail)
		args := append([]jen.Code{jen.Id("ctx"), dbOf(scoped), bulk.Clone(), jen.Id(opName(m.s)), jen.Id(t.Scan), jen.Id("rows")}, tailArgs(m.s)...)
		method1(f, t, m.name, doc, "rows", jen.Index().Id(t.NewType), results, append(pre,
			jen.Return(jen.Qual(ir.PathRuntime, m.call).Call(args...)),
		))
	}
}
