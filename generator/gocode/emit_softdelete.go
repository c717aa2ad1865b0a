package gocode

import (
	"fmt"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/dave/jennifer/jen"
)

// genWithDeleted emits WithDeleted and pick on a repository that can read
// soft-deleted rows.
func genWithDeleted(f *jen.File, t *ir.Table) {
	if !t.ReadsDeleted {
		return
	}
	comment(f, fmt.Sprintf("WithDeleted returns a view of the repository whose reads (FindByID, FindAll, Stream, List, "+
		"Count, FindByIDs and the relation methods) include soft-deleted rows. Writes are unchanged: Update and Delete "+
		"still see live rows only; use Restore to bring a deleted row back. The spec's queries follow their "+
		"include_deleted option instead."))
	f.Func().Params(jen.Id("r").Op("*").Id(t.Repo)).Id("WithDeleted").Params().Op("*").Id(t.Repo).Block(
		jen.Return(jen.Op("&").Id(t.Repo).Values(jen.Dict{jen.Id("db"): jen.Id("r").Dot("db"), jen.Id("withDeleted"): jen.True()})),
	)
	f.Line()
	comment(f, "pick returns live, the statement reading live rows, or all when r is a WithDeleted view.")
	f.Func().Params(jen.Id("r").Op("*").Id(t.Repo)).Id("pick").Params(jen.List(jen.Id("live"), jen.Id("all")).String()).String().Block(
		jen.If(jen.Id("r").Dot("withDeleted")).Block(jen.Return(jen.Id("all"))),
		jen.Return(jen.Id("live")),
	)
	f.Line()
}

// genSoftDelete emits the methods of a soft-delete table's repository
// its method families ask for.
func genSoftDelete(f *jen.File, t *ir.Table) {
	if t.Families.CRUD {
		genSoftDeleteOne(f, t)
	}
	if t.Families.Batch {
		genSoftDeleteMany(f, t)
	}
}

// genSoftDeleteOne emits HardDelete and Restore.
func genSoftDeleteOne(f *jen.File, t *ir.Table) {
	genOp(f, t, "HardDelete", t.SQL.HardDelete, nil, false)
	method(f, t, "HardDelete", fmt.Sprintf("HardDelete removes the row of table %s with %s from the table, "+
		"deleted or not, and reports whether there was one.", t.SQLName, pkDesc(t))).
		Params(pkParams(t)...).Params(jen.Bool(), jen.Error()).
		Block(execCount(t, "HardDelete", t.SQL.HardDelete, false)...)
	f.Line()
	genOp(f, t, "Restore", t.SQL.Restore, nil, false)
	method(f, t, "Restore", fmt.Sprintf("Restore brings back the soft-deleted row of table %s with %s (it clears "+
		"%s) and reports whether a deleted row was restored.", t.SQLName, pkDesc(t), t.DeletedAt.SQLName)).
		Params(pkParams(t)...).Params(jen.Bool(), jen.Error()).
		Block(execCount(t, "Restore", t.SQL.Restore, false)...)
	f.Line()
}

// genSoftDeleteMany emits HardDeleteMany and RestoreMany, the batch forms
// of HardDelete and Restore (see genBulkWrite).
func genSoftDeleteMany(f *jen.File, t *ir.Table) {
	w := &t.Bulk
	if w.HardDeleteMany.Const == "" {
		return
	}
	genBulkMethod(f, t, "HardDeleteMany", w.HardDeleteMany, w.Keys, "", keyType(t), "HardDeleteMany is HardDelete "+
		"for many keys: it reports whether each key's row was removed. See runtime.WriteMany.")
	genBulkMethod(f, t, "RestoreMany", w.RestoreMany, w.Keys, "", keyType(t), "RestoreMany is Restore for many keys: "+
		"it reports whether each key's deleted row was restored. See runtime.WriteMany.")
}
