package gocode

import (
	"fmt"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/dave/jennifer/jen"
)

// genStore emits the Store bundling every repository, and the guard that
// ties the generated code to the runtime's version.
func genStore(f *jen.File, pkg *ir.Package) {
	comment(f, "The generated code needs the runtime of the cpcgen version that generated it. If this line "+
		"fails to compile, regenerate with the cpcgen matching the runtime in go.mod, or update both.")
	f.Const().Id("_").Op("=").Qual(ir.PathRuntime, "CodegenV1")
	f.Line()

	comment(f, pkg.Store+" bundles the repositories of every table of the package over one runtime.DBTX.")
	f.Type().Id(pkg.Store).StructFunc(func(g *jen.Group) {
		g.Id("db").Qual(ir.PathRuntime, "DBTX")
		for _, t := range pkg.Tables {
			g.Line()
			comment(g, fmt.Sprintf("%s reads and writes table %s.", t.Plural, t.SQLName))
			g.Id(t.Plural).Op("*").Id(t.Repo)
		}
		for _, t := range pkg.Views {
			g.Line()
			comment(g, fmt.Sprintf("%s reads %s %s.", t.Plural, relKind(t), t.SQLName))
			g.Id(t.Plural).Op("*").Id(t.Repo)
		}
	})
	f.Line()

	comment(f, "storeRepos holds a "+pkg.Store+" and its repositories, so that "+pkg.NewStore+", which InTx calls for every "+
		"transaction, makes one allocation however many tables there are.")
	f.Type().Id("storeRepos").StructFunc(func(g *jen.Group) {
		g.Id("store").Id(pkg.Store)
		for _, t := range repoTables(pkg) {
			g.Id(t.Plural).Id(t.Repo)
		}
	})
	f.Line()

	comment(f, pkg.NewStore+" returns a "+pkg.Store+" whose repositories run on db: a pool (*runtime.DB, *pgxpool.Pool), "+
		"a connection or a transaction.")
	f.Func().Id(pkg.NewStore).Params(jen.Id("db").Qual(ir.PathRuntime, "DBTX")).Op("*").Id(pkg.Store).Block(
		jen.Id("a").Op(":=").Op("&").Id("storeRepos").Values(jen.DictFunc(func(d jen.Dict) {
			for _, t := range repoTables(pkg) {
				d[jen.Id(t.Plural)] = jen.Op("*").Id("New" + t.Repo).Call(jen.Id("db"))
			}
		})),
		jen.Id("a").Dot("store").Op("=").Id(pkg.Store).Values(jen.DictFunc(func(d jen.Dict) {
			d[jen.Id("db")] = jen.Id("db")
			for _, t := range repoTables(pkg) {
				d[jen.Id(t.Plural)] = jen.Op("&").Id("a").Dot(t.Plural)
			}
		})),
		jen.Return(jen.Op("&").Id("a").Dot("store")),
	)
	f.Line()

	comment(f, "DB returns the connection, pool or transaction the store runs on.")
	f.Func().Params(jen.Id("s").Op("*").Id(pkg.Store)).Id("DB").Params().Qual(ir.PathRuntime, "DBTX").Block(
		jen.Return(jen.Id("s").Dot("db")),
	)
	f.Line()

	genErrorHelpers(f, pkg)

	comment(f, "InTx runs fn in a transaction with a "+pkg.Store+" bound to it: committed when fn returns nil, rolled back "+
		"when it returns an error or panics. Called on a "+pkg.Store+" that is already in a transaction, it runs "+
		"fn in a savepoint instead. Serialization failures and deadlocks are retried (runtime.TxOptions' defaults: "+
		"the server's isolation level, up to five attempts), so fn may run more than once and must not have "+
		"effects outside the transaction. InTxWith takes options. See runtime.InTx.")
	f.Func().Params(jen.Id("s").Op("*").Id(pkg.Store)).Id("InTx").Params(
		ctxParam.Clone(),
		jen.Id("fn").Func().Params(jen.Id("tx").Op("*").Id(pkg.Store)).Error(),
	).Error().Block(
		jen.Return(jen.Id("s").Dot("InTxWith").Call(jen.Id("ctx"), jen.Qual(ir.PathRuntime, "TxOptions").Values(), jen.Id("fn"))),
	)
	f.Line()

	comment(f, "InTxWith is InTx with options: the isolation level, read-only or deferrable mode, settings and "+
		"retries of runtime.TxOptions.")
	f.Func().Params(jen.Id("s").Op("*").Id(pkg.Store)).Id("InTxWith").Params(
		ctxParam.Clone(),
		jen.Id("opts").Qual(ir.PathRuntime, "TxOptions"),
		jen.Id("fn").Func().Params(jen.Id("tx").Op("*").Id(pkg.Store)).Error(),
	).Error().Block(
		jen.Return(jen.Qual(ir.PathRuntime, "InTx").Call(jen.Id("ctx"), jen.Id("s").Dot("db"), jen.Id("opts"),
			jen.Func().Params(jen.Id("tx").Qual(ir.PathPgx, "Tx")).Error().Block(
				jen.Return(jen.Id("fn").Call(jen.Id(pkg.NewStore).Call(jen.Id("tx")))),
			))),
	)
}

// genEnum emits an enum's string type, its constants, Valid and Values.
func genEnum(f *jen.File, e *ir.Enum) {
	comment(f, docComment(fmt.Sprintf("%s is a value of the PostgreSQL enum %s.", e.GoName, e.SQLName), e.Comment))
	f.Type().Id(e.GoName).String()
	f.Line()
	comment(f, fmt.Sprintf("The labels of enum %s, in declaration order.", e.SQLName))
	f.Const().DefsFunc(func(g *jen.Group) {
		for _, v := range e.Values {
			g.Id(v.GoName).Id(e.GoName).Op("=").Lit(v.Label)
		}
	})
	f.Line()
	comment(f, fmt.Sprintf("Valid reports whether v is a label of enum %s.", e.SQLName))
	f.Func().Params(jen.Id("v").Id(e.GoName)).Id("Valid").Params().Bool().Block(
		jen.Switch(jen.Id("v")).Block(
			jen.CaseFunc(func(g *jen.Group) {
				for _, v := range e.Values {
					g.Id(v.GoName)
				}
			}).Block(jen.Return(jen.True())),
		),
		jen.Return(jen.False()),
	)
	f.Line()
	comment(f, fmt.Sprintf("%sValues returns the labels of enum %s in declaration order.", e.GoName, e.SQLName))
	f.Func().Id(e.GoName + "Values").Params().Index().Id(e.GoName).Block(
		jen.Return(jen.Index().Id(e.GoName).ValuesFunc(func(g *jen.Group) {
			for _, v := range e.Values {
				g.Id(v.GoName)
			}
		})),
	)
	f.Line()
}

// repoTables are the tables and views with a repository in the Store,
// tables first.
func repoTables(pkg *ir.Package) []*ir.Table {
	return append(pkg.Tables[:len(pkg.Tables):len(pkg.Tables)], pkg.Views...)
}
