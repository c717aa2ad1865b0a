package gocode

import (
	"fmt"
	"strings"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/dave/jennifer/jen"
)

// pathRegexp is the import path of the patterns' package.
const pathRegexp = "regexp"

// needsTenant reports whether running any of ss needs the context's
// tenant.
func needsTenant(ss ...ir.Statement) bool {
	for _, s := range ss {
		if s.Has(ir.TailTenant) {
			return true
		}
	}
	return false
}

// tenantPrelude reads the tenant of ctx as g and scopes the database to
// it: a method of a tenant table fails closed, before any SQL, without
// one. fail renders the return of an error.
func tenantPrelude(t *ir.Table, method string, g ir.GoType, fail func(jen.Code) jen.Code) []jen.Code {
	return []jen.Code{
		jen.List(jen.Id("tenant"), jen.Err()).Op(":=").Qual(ir.PathRuntime, "TenantFor").Types(typeCode(g)).
			Call(jen.Id("ctx"), jen.Lit(t.Op+"."+method), jen.Lit(t.SQLName)),
		jen.If(jen.Err().Op("!=").Nil()).Block(fail(jen.Err())),
		jen.Id("db").Op(":=").Qual(ir.PathRuntime, "Scope").Call(jen.Id("r").Dot("db"), jen.Id("tenant")),
	}
}

// validatePrelude checks v (an insert or update struct) before any SQL,
// when the table has rules.
func validatePrelude(t *ir.Table, method, v string, fail func(jen.Code) jen.Code) []jen.Code {
	if !t.Validates {
		return nil
	}
	return []jen.Code{
		jen.If(jen.Err().Op(":=").Id(v).Dot("Validate").Call(), jen.Err().Op("!=").Nil()).Block(
			fail(wrapErrOf(t, method, jen.Err())),
		),
	}
}

// dbOf is the database a method runs its statements on: the scoped one
// (local db) or the repository's.
func dbOf(scoped bool) *jen.Statement {
	if scoped {
		return jen.Id("db")
	}
	return jen.Id("r").Dot("db")
}

// stmtExpr is the statement to run: its constant, or, for a read with a
// variant including soft-deleted rows, the one r.pick chooses.
func stmtExpr(s ir.Statement) *jen.Statement {
	if s.WithDeleted != nil {
		return jen.Id("r").Dot("pick").Call(jen.Id(s.Const), jen.Id(s.WithDeleted.Const))
	}
	return jen.Id(s.Const)
}

// tailArgs are the behaviour values s binds after the method's own
// arguments.
func tailArgs(s ir.Statement) []jen.Code {
	var out []jen.Code
	for _, a := range s.Tail {
		switch a {
		case ir.TailVersion:
			out = append(out, jen.Id("version"))
		case ir.TailTenant:
			out = append(out, jen.Id("tenant"))
		case ir.TailActor:
			out = append(out, jen.Qual(ir.PathRuntime, "ActorArg").Call(jen.Id("ctx")))
		}
	}
	return out
}

// callArgs are the arguments of running s: ctx, the statement, own, and
// the behaviour values.
func callArgs(s ir.Statement, own []jen.Code) []jen.Code {
	out := append([]jen.Code{jen.Id("ctx"), stmtExpr(s)}, own...)
	return append(out, tailArgs(s)...)
}

// genStatement emits a statement's constant, and its variant's.
func genStatement(f *jen.File, s ir.Statement) {
	if s.Const == "" {
		return
	}
	f.Const().Id(s.Const).Op("=").Add(sqlConst(s.SQL))
	f.Line()
	if s.WithDeleted != nil {
		f.Const().Id(s.WithDeleted.Const).Op("=").Add(sqlConst(s.WithDeleted.SQL))
		f.Line()
	}
}

// genAuditTrail emits AuditTrail on the repository of an audited table.
func genAuditTrail(f *jen.File, t *ir.Table) {
	s := t.SQL.AuditTrail
	if s.Const == "" {
		return
	}
	genStatement(f, s)
	pre, scoped := prelude(t, "AuditTrail", "", []ir.Statement{s}, returnsNil)
	doc := fmt.Sprintf("AuditTrail returns the rows of %s that record the row of table %s with %s, oldest first: "+
		"every write that changed it, with its action, actor, time and transaction, and the row before and after. "+
		"The row need not exist any more; a key that was never written has an empty trail.", ir.AuditTable, t.SQLName, pkDesc(t))
	if t.Tenant != nil {
		doc += " Only rows of the context's tenant are read: the trail of another tenant's row is empty."
	}
	entry := jen.Qual(ir.PathRuntime, "AuditEntry")
	method(f, t, "AuditTrail", doc).
		Params(pkParams(t)...).Params(jen.Index().Add(entry), jen.Error()).
		Block(append(pre,
			jen.List(jen.Id("rows"), jen.Err()).Op(":=").Add(dbOf(scoped)).Dot("Query").Call(callArgs(s, pkArgs(t))...),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), wrapErr(t, "AuditTrail"))),
			jen.List(jen.Id("items"), jen.Err()).Op(":=").Qual(ir.PathRuntime, "CollectRows").Call(jen.Id("rows"), jen.Lit(0), jen.Qual(ir.PathRuntime, "ScanAuditEntry")),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Nil(), wrapErr(t, "AuditTrail"))),
			jen.Return(jen.Id("items"), jen.Nil()),
		)...)
	f.Line()
}

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

// genSentinels emits the sentinel of every named constraint of t.
func genSentinels(f *jen.File, t *ir.Table) {
	if len(t.Constraints) == 0 {
		return
	}
	f.Var().DefsFunc(func(g *jen.Group) {
		for i, k := range t.Constraints {
			if i > 0 {
				g.Line()
			}
			comment(g, fmt.Sprintf("%s matches, with errors.Is, the errors that violate %s of table %s: constraint %s, "+
				"%s in the spec.", k.Sentinel, k.Doc, t.SQLName, k.SQLName, k.SpecName))
			g.Id(k.Sentinel).Op("=").Qual(ir.PathRuntime, "NewConstraintSentinel").Call(
				jen.Qual(ir.PathRuntime, constraintKinds[k.Kind]), jen.Lit(t.SQLName), jen.Lit(k.SQLName), jen.Lit(k.SpecName))
		}
	})
	f.Line()
}

// constraintKinds are the runtime kinds of the errors each kind of
// constraint produces.
var constraintKinds = map[ir.ConstraintKind]string{
	ir.PrimaryKeyConstraint: "KindConflict",
	ir.UniqueConstraint:     "KindConflict",
	ir.CheckConstraint:      "KindCheck",
	ir.ForeignKeyConstraint: "KindForeignKey",
}

// genErrorHelpers emits wrapErr and specNameOf, which every method's
// error goes through.
func genErrorHelpers(f *jen.File, pkg *ir.Package) {
	comment(f, "wrapErr turns err into a *runtime.DbError for op on table (see runtime.Wrap) and, when a constraint "+
		"of the package was violated, sets its spec name (DbError.SpecName).")
	f.Func().Id("wrapErr").Params(jen.Err().Error(), jen.List(jen.Id("op"), jen.Id("table")).String()).Error().Block(
		jen.Err().Op("=").Qual(ir.PathRuntime, "Wrap").Call(jen.Err(), jen.Id("op"), jen.Id("table")),
		jen.If(
			jen.List(jen.Id("e"), jen.Id("ok")).Op(":=").Err().Assert(jen.Op("*").Qual(ir.PathRuntime, "DbError")),
			jen.Id("ok").Op("&&").Id("e").Dot("Constraint").Op("!=").Lit("").Op("&&").Id("e").Dot("SpecName").Op("==").Lit(""),
		).Block(
			jen.If(jen.Id("name").Op(":=").Id("specNameOf").Call(jen.Id("e").Dot("Table"), jen.Id("e").Dot("Constraint")),
				jen.Id("name").Op("!=").Lit("")).Block(
				jen.Id("cp").Op(":=").Op("*").Id("e"),
				jen.Id("cp").Dot("SpecName").Op("=").Id("name"),
				jen.Return(jen.Op("&").Id("cp")),
			),
		),
		jen.Return(jen.Err()),
	)
	f.Line()

	// Constraint names are unique per table; a name shared by tables is
	// told apart by the table.
	byName := map[string][]*ir.Constraint{}
	var order []string
	for _, k := range pkg.Constraints {
		if _, ok := byName[k.SQLName]; !ok {
			order = append(order, k.SQLName)
		}
		byName[k.SQLName] = append(byName[k.SQLName], k)
	}
	comment(f, "specNameOf returns the spec's name of the constraint of the package named constraint, on table "+
		"when several tables have one of that name, or \"\".")
	f.Func().Id("specNameOf").Params(jen.List(jen.Id("table"), jen.Id("constraint")).String()).String().BlockFunc(func(g *jen.Group) {
		if len(order) == 0 {
			g.Return(jen.Lit(""))
			return
		}
		g.Switch(jen.Id("constraint")).BlockFunc(func(g *jen.Group) {
			for _, name := range order {
				ks := byName[name]
				if len(ks) == 1 {
					g.Case(jen.Lit(name)).Block(jen.Return(jen.Id(ks[0].Sentinel).Dot("Name")))
					continue
				}
				g.Case(jen.Lit(name)).Block(jen.Switch(jen.Id("table")).BlockFunc(func(g *jen.Group) {
					for _, k := range ks {
						g.Case(jen.Lit(k.Table.SQLName)).Block(jen.Return(jen.Id(k.Sentinel).Dot("Name")))
					}
				}))
			}
		})
		g.Return(jen.Lit(""))
	})
	f.Line()
}

// genValidate emits Validate on the insert struct (cols t.Insert) or the
// update struct (update set: only set fields are checked).
func genValidate(f *jen.File, t *ir.Table, typ string, cols []*ir.Column, update bool) {
	recv := "n"
	if update {
		recv = "u"
	}
	doc := fmt.Sprintf("Validate checks %s against the spec's rules for table %s", recv, t.SQLName)
	if update {
		doc += ", field by field for the fields that are set"
	}
	doc += ": enum labels, lengths in characters, bounds, formats, patterns and not_empty. It returns nil, or a " +
		"*runtime.DbError of kind Validation whose Fields list every failing field (JSON names), each with the " +
		"first rule it fails. The repository calls it before any SQL."
	comment(f, doc)
	f.Func().Params(jen.Id(recv).Op("*").Id(typ)).Id("Validate").Params().Error().BlockFunc(func(g *jen.Group) {
		any := false
		for _, c := range cols {
			if len(c.Rules) > 0 {
				any = true
			}
		}
		if !any {
			g.Return(jen.Nil())
			return
		}
		g.Var().Id("fields").Index().Qual(ir.PathRuntime, "FieldError")
		for _, c := range cols {
			if len(c.Rules) == 0 {
				continue
			}
			field := jen.Id(recv).Dot(c.Field)
			var open []jen.Code
			var value *jen.Statement
			switch {
			case update || c.HasDefault:
				// A runtime.Opt: checked when set (and, nullable, not NULL).
				cond := field.Clone().Dot("Set")
				value = field.Clone().Dot("Value")
				if c.Go.Ptr {
					cond = cond.Op("&&").Add(value.Clone()).Op("!=").Nil()
					value = jen.Op("*").Add(value)
				}
				open = append(open, cond)
			case c.Go.Ptr:
				open = append(open, field.Clone().Op("!=").Nil())
				value = jen.Op("*").Add(field.Clone())
			default:
				value = field.Clone()
			}
			if isChar(c) {
				// char(n) pads with spaces, which PostgreSQL ignores in
				// lengths and comparisons: so do the rules.
				value = jen.Qual("strings", "TrimRight").Call(value, jen.Lit(" "))
			}
			body := []jen.Code{jen.Id("v").Op(":=").Add(value)}
			body = append(body, ruleChain(c)...)
			if len(open) > 0 {
				g.If(open[0]).Block(body...)
			} else {
				g.Block(body...)
			}
		}
		g.If(jen.Len(jen.Id("fields")).Op(">").Lit(0)).Block(
			jen.Return(jen.Qual(ir.PathRuntime, "NewValidationError").Call(jen.Lit(""), jen.Lit(t.SQLName), jen.Id("fields"))),
		)
		g.Return(jen.Nil())
	})
	f.Line()
}

// ruleChain renders the checks of a column's value v: the first failing
// rule adds a FieldError.
func ruleChain(c *ir.Column) []jen.Code {
	fail := func(r *ir.Rule) jen.Code {
		return jen.Id("fields").Op("=").Append(jen.Id("fields"), jen.Qual(ir.PathRuntime, "FieldError").Values(jen.Dict{
			jen.Id("Field"): jen.Lit(c.JSON), jen.Id("Message"): jen.Lit(r.Message),
		}))
	}
	var chain *jen.Statement
	var pre []jen.Code
	for _, r := range c.Rules {
		cond := ruleFails(c, r, &pre)
		if chain == nil {
			chain = jen.If(cond).Block(fail(r))
		} else {
			chain = chain.Else().If(cond).Block(fail(r))
		}
	}
	return append(pre, chain)
}

// ruleFails renders the condition under which v fails r; pre receives
// the statements the condition needs first.
func ruleFails(c *ir.Column, r *ir.Rule, pre *[]jen.Code) jen.Code {
	v := jen.Id("v")
	isArray := c.Type.ArrayDims > 0
	switch r.Kind {
	case ir.RuleEnum:
		if isArray {
			*pre = append(*pre,
				jen.Id("badLabel").Op(":=").False(),
				jen.For(jen.List(jen.Id("_"), jen.Id("e")).Op(":=").Range().Id("v")).Block(
					jen.If(jen.Op("!").Id("e").Dot("Valid").Call()).Block(jen.Id("badLabel").Op("=").True(), jen.Break()),
				))
			return jen.Id("badLabel")
		}
		return jen.Op("!").Add(v).Dot("Valid").Call()
	case ir.RuleNotEmpty:
		if c.Nullable && c.Go.IsSliceLike() {
			// A nil slice is NULL, which not_empty allows.
			return v.Op("!=").Nil().Op("&&").Len(jen.Id("v")).Op("==").Lit(0)
		}
		return jen.Len(v).Op("==").Lit(0)
	case ir.RuleMinLength:
		return jen.Qual(ir.PathRuntime, "ShorterThan").Call(v, jen.Lit(r.Length))
	case ir.RuleMaxLength:
		return jen.Qual(ir.PathRuntime, "LongerThan").Call(v, jen.Lit(r.Length))
	case ir.RuleMin, ir.RuleMax:
		op, method := "<", "LessThan"
		if r.Kind == ir.RuleMax {
			op, method = ">", "GreaterThan"
		}
		if r.Var != "" {
			return v.Dot(method).Call(jen.Id(r.Var))
		}
		return v.Op(op).Op(r.Bound)
	case ir.RuleFormat:
		return jen.Op("!").Qual(ir.PathRuntime, r.Func).Call(v)
	case ir.RulePattern:
		return jen.Op("!").Id(r.Var).Dot("MatchString").Call(v)
	}
	panic("unknown rule")
}

// genRuleVars emits the compiled patterns and decimal bounds Validate
// uses: immutable package-level values, made once.
func genRuleVars(f *jen.File, t *ir.Table) {
	if len(t.Patterns) == 0 && len(t.Bounds) == 0 {
		return
	}
	f.Var().DefsFunc(func(g *jen.Group) {
		for _, r := range t.Patterns {
			comment(g, fmt.Sprintf("%s is the pattern of column %s.%s, anchored at both ends.", r.Var, t.SQLName, r.Column.SQLName))
			g.Id(r.Var).Op("=").Qual(pathRegexp, "MustCompile").Call(jen.Lit(r.Pattern))
		}
		for _, r := range t.Bounds {
			word := "lower"
			if r.Kind == ir.RuleMax {
				word = "upper"
			}
			comment(g, fmt.Sprintf("%s is the %s bound of column %s.%s.", r.Var, word, t.SQLName, r.Column.SQLName))
			g.Id(r.Var).Op("=").Qual(ir.PathDecimal, "RequireFromString").Call(jen.Lit(r.Bound))
		}
	})
	f.Line()
}

// behaviourDoc describes, for the repository's doc comment, what the
// table's options do to its methods.
func behaviourDoc(t *ir.Table) string {
	var parts []string
	if t.Tenant != nil {
		parts = append(parts, fmt.Sprintf("Every method is scoped to the tenant of its context (runtime.WithTenant): "+
			"it reads and writes only rows whose %s is that tenant, Create stamps it, and a call without a tenant "+
			"fails with a validation error before any SQL. Each statement also sets the %s setting for the "+
			"row-level security policy of the table.", t.Tenant.SQLName, ir.TenantPolicy))
	}
	if t.DeletedAt != nil {
		parts = append(parts, fmt.Sprintf("Delete sets %s instead of removing the row (HardDelete removes it, Restore "+
			"clears it), and every read leaves deleted rows out unless it runs on WithDeleted.", t.DeletedAt.SQLName))
	}
	if t.Version != nil {
		parts = append(parts, fmt.Sprintf("Update and Delete take the %s the caller read and fail with a conflict "+
			"(runtime.ErrStaleVersion) when the row has changed since; every write increments it.", t.Version.SQLName))
	}
	if t.Audit {
		parts = append(parts, fmt.Sprintf("Every write also records each row it changes in %s, in the same statement, "+
			"with the actor of its context (runtime.WithActor); AuditTrail reads a row's records back.", ir.AuditTable))
	}
	return strings.Join(parts, " ")
}

// isChar reports whether c is a char(n) column, whose trailing spaces do
// not count.
func isChar(c *ir.Column) bool { return c.Type.IsChar() }
