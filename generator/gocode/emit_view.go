package gocode

import (
	"fmt"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/dave/jennifer/jen"
)

// genView emits the read-only model of a view or materialized view: its
// row type, repository, reads and queries; Refresh and
// RefreshConcurrently for a materialized view.
func genView(f *jen.File, t *ir.Table) {
	genModel(f, t)
	comment(f, fmt.Sprintf("%s reads %s %s. It has no write methods: the %s's query computes its rows.", t.Repo, relKind(t), t.SQLName, relNoun(t)))
	f.Type().Id(t.Repo).Struct(jen.Id("db").Qual(ir.PathRuntime, "DBTX"))
	f.Line()
	comment(f, fmt.Sprintf("New%s returns a repository of %s %s that runs its statements on db: a pool, "+
		"a connection or a transaction.", t.Repo, relKind(t), t.SQLName))
	f.Func().Id("New" + t.Repo).Params(jen.Id("db").Qual(ir.PathRuntime, "DBTX")).Op("*").Id(t.Repo).Block(
		jen.Return(jen.Op("&").Id(t.Repo).Values(jen.Dict{jen.Id("db"): jen.Id("db")})),
	)
	f.Line()
	genScan(f, t)
	genFindByID(f, t)
	genFindAll(f, t)
	genStream(f, t)
	genList(f, t)
	genCount(f, t)
	genRefresh(f, t, t.View.Refresh, "Refresh", fmt.Sprintf("Refresh runs the query of materialized view %s again and "+
		"replaces its rows. Reads of the view wait until it is done (it takes an ACCESS EXCLUSIVE lock).", t.SQLName))
	genRefresh(f, t, t.View.RefreshConcurrently, "RefreshConcurrently", fmt.Sprintf("RefreshConcurrently runs the query "+
		"of materialized view %s again and applies the differences to its rows without blocking reads (REFRESH "+
		"MATERIALIZED VIEW CONCURRENTLY, which its unique index allows). It takes longer than Refresh when most rows "+
		"change.", t.SQLName))
	for _, q := range t.Queries {
		genQuery(f, q)
	}
}

// genRefresh emits a refresh method of a materialized view, when it has
// the statement.
func genRefresh(f *jen.File, t *ir.Table, s ir.Statement, name, doc string) {
	if s.Const == "" {
		return
	}
	genStatement(f, s)
	method(f, t, name, doc).Params(ctxParam.Clone()).Error().Block(
		jen.List(jen.Id("_"), jen.Err()).Op(":=").Id("r").Dot("db").Dot("Exec").Call(jen.Id("ctx"), jen.Id(s.Const)),
		jen.Return(wrapErr(t, name)),
	)
	f.Line()
}

// relKind names what t is in doc comments: table, view or materialized
// view.
func relKind(t *ir.Table) string {
	switch {
	case t.View == nil:
		return "table"
	case t.View.Materialized:
		return "materialized view"
	}
	return "view"
}

// relNoun is relKind without materialized: table or view.
func relNoun(t *ir.Table) string {
	if t.View == nil {
		return "table"
	}
	return "view"
}
