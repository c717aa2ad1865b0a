package gocode

import (
	"fmt"
	"strings"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/dave/jennifer/jen"
)

// behaviourMethods emit the repository methods a behaviour adds
// (ir.Behaviour.Methods), by kind; each lives in the behaviour's file.
var behaviourMethods = map[ir.BehaviourKind]func(*jen.File, *ir.Table){
	ir.BehaviourSoftDelete: genSoftDelete,
	ir.BehaviourAudit:      genAuditTrail,
}

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

// writes reports whether any of ss may write (is not marked read-only).
func writes(ss ...ir.Statement) bool {
	for _, s := range ss {
		if !s.ReadOnly {
			return true
		}
	}
	return false
}

// tenantPrelude reads the tenant of ctx as g and scopes the database to
// it: a method of a tenant table fails closed, before any SQL, without
// one. fail renders the return of an error. With acting set, the scoped
// database also runs as the actor of ctx (actingDB).
func tenantPrelude(t *ir.Table, method string, g ir.GoType, fail func(jen.Code) jen.Code, acting bool) []jen.Code {
	out := []jen.Code{
		jen.List(jen.Id("tenant"), jen.Err()).Op(":=").Qual(ir.PathRuntime, "TenantFor").Types(typeCode(g)).
			Call(jen.Id("ctx"), jen.Lit(t.Op+"."+method), jen.Lit(t.SQLName)),
		jen.If(jen.Err().Op("!=").Nil()).Block(fail(jen.Err())),
	}
	// A write that invalidates cached rows runs on runtime.Invalidating.
	pre, inv, _ := invalidatingDB(t, method, jen.Id("r").Dot("db"))
	out = append(out, pre...)
	db := jen.Qual(ir.PathRuntime, "Scope").Call(inv, jen.Id("tenant"))
	if acting {
		db = jen.Qual(ir.PathRuntime, "Acting").Call(jen.Id("ctx"), db)
	}
	return append(out, jen.Id("db").Op(":=").Add(db))
}

// actingDB is the database a write that may change audited rows runs
// on: the repository's, sending the context's actor with each statement
// for the audit trigger (runtime.Acting).
func actingDB() jen.Code {
	return jen.Id("db").Op(":=").Qual(ir.PathRuntime, "Acting").Call(jen.Id("ctx"), jen.Id("r").Dot("db"))
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

// opName is the name of the runtime.Op variable of statement s.
func opName(s ir.Statement) string { return "op" + strings.TrimPrefix(s.Const, "sql") }

// asOp reports whether t's methods run s through a runtime.Op (genOp),
// which carries the statement and how its errors are wrapped: every
// statement but a read with a soft-deleted variant (r.pick chooses
// between two constants) and those of cached tables (their cache code
// runs the constants).
func asOp(t *ir.Table, s ir.Statement) bool {
	return s.Const != "" && s.WithDeleted == nil && t.Cache == nil
}

// stmtRef is the text of s in a call that takes it as a string: its
// Op's SQL, or stmtExpr.
func stmtRef(t *ir.Table, s ir.Statement) *jen.Statement {
	if asOp(t, s) {
		return jen.Id(opName(s)).Dot("SQL")
	}
	return stmtExpr(s)
}

// opPrelude is prelude for a method running s through its Op: the Op
// validates v itself (validate) when nothing that may fail runs before
// the statement (the tenant), so that validation still comes first.
func opPrelude(t *ir.Table, method, v string, s ir.Statement, fail func(jen.Code) jen.Code) (pre []jen.Code, scoped, validate bool) {
	validate = v != "" && opValidates(t, s)
	if validate {
		v = ""
	}
	pre, scoped = prelude(t, method, v, []ir.Statement{s}, fail)
	return pre, scoped, validate
}

// opValidates reports whether the Op of s validates its input itself:
// the table has checks and nothing that may fail (the tenant) runs
// before the statement.
func opValidates(t *ir.Table, s ir.Statement) bool {
	return asOp(t, s) && t.Validates && !needsTenant(s)
}

// genOp emits s as the runtime.Op of method of t (when asOp; its
// constant otherwise): params, when not nil, are the fields its
// parameters hold (paramFields), validate whether it validates its input.
func genOp(f *jen.File, t *ir.Table, method string, s ir.Statement, params []string, validate bool) {
	if !asOp(t, s) {
		genStatement(f, s)
		return
	}
	emitOp(f, t, method, s, params, validate)
}

// emitOp emits s as the runtime.Op of method of t, for the runtime
// functions that take nothing else (UpdateMany and the other batch
// writes by key).
func emitOp(f *jen.File, t *ir.Table, method string, s ir.Statement, params []string, validate bool) {
	emitOpFields(f, t, method, s, params, validate, false)
}

// emitOpHidden is emitOp for an upsert or CreateIfAbsent, whose Op says,
// with hidden, that no row back means a row in the way the caller cannot
// see (runtime.Op's HiddenKey).
func emitOpHidden(f *jen.File, t *ir.Table, method string, s ir.Statement, validate, hidden bool) {
	emitOpFields(f, t, method, s, nil, validate, hidden)
}

// emitOpFields is emitOp, with the Op's HiddenKey.
func emitOpFields(f *jen.File, t *ir.Table, method string, s ir.Statement, params []string, validate, hidden bool) {
	fields := opFields(f, t, method, s, params, validate, hidden)
	f.Var().Id(opName(s)).Op("=").Op("&").Qual(ir.PathRuntime, "Op").Values(fields...)
	f.Line()
}

// opFields are the fields of the runtime.Op of s, method of t (see
// emitOp); the constant of a prefix s owns is declared in f first.
func opFields(f *jen.File, t *ir.Table, method string, s ir.Statement, params []string, validate, hidden bool) []jen.Code {
	fields := []jen.Code{
		jen.Id("Name").Op(":").Lit(t.Op + "." + method),
		jen.Id("Table").Op(":").Lit(t.SQLName),
		jen.Id("Errs").Op(":").Id("errs"),
	}
	if validate {
		fields = append(fields, jen.Id("Validate").Op(":").True())
	}
	if hidden {
		fields = append(fields, jen.Id("HiddenKey").Op(":").True())
	}
	if params != nil {
		lits := make([]jen.Code, len(params))
		for i, p := range params {
			lits[i] = jen.Lit(p)
		}
		fields = append(fields, jen.Id("Params").Op(":").Index().String().Values(lits...))
	}
	return append(fields, jen.Id("SQL").Op(":").Add(stmtSQL(f, s)))
}

// stmtSQL renders the text of s: its constant string, or, when s shares
// its start with other statements (ir.Statement.Prefix), its name line,
// the shared constant and the rest, which it declares first when s owns
// it.
func stmtSQL(f *jen.File, s ir.Statement) jen.Code {
	p := s.Prefix
	if p == nil {
		return sqlConst(s.SQL)
	}
	if s.OwnsPrefix {
		f.Const().Id(p.Const).Op("=").Add(sqlConst(p.SQL))
		f.Line()
	}
	name, body, _ := strings.Cut(s.SQL, "\n")
	return jen.Lit(name + "\n").Op("+").Id(p.Const).Op("+").Add(sqlConst(strings.TrimPrefix(body, p.SQL)))
}

// genStatement emits a statement's constant, and its variant's.
func genStatement(f *jen.File, s ir.Statement) {
	if s.Const == "" {
		return
	}
	f.Const().Id(s.Const).Op("=").Add(stmtSQL(f, s))
	f.Line()
	if s.WithDeleted != nil {
		f.Const().Id(s.WithDeleted.Const).Op("=").Add(sqlConst(s.WithDeleted.SQL))
		f.Line()
	}
}

// genSentinels emits the sentinel of every named constraint of t, and
// the sentinels of the foreign keys that refuse to delete or re-key its
// rows while they are referenced.
func genSentinels(f *jen.File, t *ir.Table) {
	all := append(t.Constraints[:len(t.Constraints):len(t.Constraints)], t.Referenced...)
	if len(all) == 0 {
		return
	}
	f.Var().DefsFunc(func(g *jen.Group) {
		for _, k := range all {
			kind, dir := constraintKinds[k.Kind], ""
			switch {
			case k.Referenced:
				comment(g, fmt.Sprintf("%s matches a delete or key change of a row that rows of %s reference.", k.Sentinel, k.Table.SQLName))
				kind, dir = "KindForeignKey", "FKReferenced"
			case k.Kind == ir.ForeignKeyConstraint:
				ref := k.Column.References
				parent := ref.Table.SQLName
				if ref.Tenant != nil {
					// The key includes the tenant: another tenant's row
					// counts as none.
					parent += " of the same " + ref.Tenant.SQLName
				}
				comment(g, fmt.Sprintf("%s matches a write whose %s names no row of %s.", k.Sentinel, k.Column.SQLName, parent))
				dir = "FKMissing"
			default:
				comment(g, fmt.Sprintf("%s matches a violation of %s.", k.Sentinel, k.Doc))
			}
			// A composite literal, not a constructor call: the linker
			// lays it out, where a call would run in the package's init.
			fields := []jen.Code{
				jen.Id("Kind").Op(":").Qual(ir.PathRuntime, kind),
				jen.Id("Table").Op(":").Lit(k.Table.SQLName),
				jen.Id("Constraint").Op(":").Lit(k.SQLName),
				jen.Id("Name").Op(":").Lit(k.SpecName),
			}
			if dir != "" {
				fields = append(fields, jen.Id("FK").Op(":").Qual(ir.PathRuntime, dir))
			}
			g.Id(k.Sentinel).Op("=").Op("&").Qual(ir.PathRuntime, "ConstraintSentinel").Values(fields...)
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

// genErrorHelpers emits errs, the package's constraints, which every
// method's error goes through (runtime.Op's Errs, or errs.Wrap and
// errs.WrapParams in the methods that wrap errors themselves).
func genErrorHelpers(f *jen.File, pkg *ir.Package) {
	var lines []jen.Code
	for _, k := range pkg.Constraints {
		lines = append(lines, jen.Id(k.Sentinel))
	}
	comment(f, "errs holds the package's constraints, which errors name as the spec does (see runtime.Errs).")
	f.Var().Id("errs").Op("=").Op("&").Qual(ir.PathRuntime, "Errs").Values(
		jen.Id("Sentinels").Op(":").Index().Op("*").Qual(ir.PathRuntime, "ConstraintSentinel").Custom(
			jen.Options{Open: "{", Close: "}", Separator: ",", Multi: len(lines) > 0}, lines...))
	f.Line()
}

// genValidate emits Validate on the insert struct (cols t.Insert) or the
// update struct (update set: only set fields are checked). Each checked
// column is a few lines: nil refused for a NOT NULL column, the check of
// its type, its enum check, its rules variable's Check.
func genValidate(f *jen.File, t *ir.Table, typ string, cols []*ir.Column, update bool) {
	recv := "n"
	if update {
		recv = "u"
	}
	doc := fmt.Sprintf("Validate checks %s against the columns of table %s (see runtime.Validator).", recv, t.SQLName)
	if update {
		doc = fmt.Sprintf("Validate checks the fields of u that are set, as %s.Validate does.", t.NewType)
	}
	comment(f, doc)
	f.Func().Params(jen.Id(recv).Op("*").Id(typ)).Id("Validate").Params().Error().BlockFunc(func(g *jen.Group) {
		checked := false
		for _, c := range cols {
			checked = checked || c.Validated()
		}
		if !checked {
			g.Return(jen.Nil())
			return
		}
		g.Var().Id("f").Qual(ir.PathRuntime, "Fields")
		for _, c := range cols {
			if !c.Validated() {
				continue
			}
			if call := compactCheck(c, recv, update || c.HasDefault); call != nil {
				g.Add(call)
				continue
			}
			// field renders recv.Field followed by sel, afresh.
			field := func(sel ...string) *jen.Statement {
				st := jen.Id(recv).Dot(c.Field)
				for _, n := range sel {
					st = st.Dot(n)
				}
				return st
			}
			var cond jen.Code
			value := field()
			switch {
			case update || c.HasDefault:
				// A runtime.Opt: checked when set (and, nullable, not NULL).
				value = field("Value")
				switch {
				case c.Go.Null:
					cond = field("Set").Op("&&").Add(field("Value", "Valid"))
					value = field("Value", "V")
				case c.Go.Ptr:
					cond = field("Set").Op("&&").Add(field("Value")).Op("!=").Nil()
					value = jen.Op("*").Add(field("Value"))
				default:
					cond = field("Set")
				}
			case c.Go.Null:
				cond = field("Valid")
				value = field("V")
			case c.Go.Ptr:
				cond = field().Op("!=").Nil()
				value = jen.Op("*").Add(field())
			}
			checks := columnChecks(c, value)
			if cond != nil {
				g.If(cond).Block(checks...)
			} else {
				for _, s := range checks {
					g.Add(s)
				}
			}
		}
		g.Return(jen.Id("f").Dot("Err").Call(jen.Lit(t.SQLName)))
	})
	f.Line()
}

// compactChecks are the type checks of columns that runtime.Fields makes
// in one call with the column's rules, by the check's name: the method
// of Fields, the Go type (path, name) of the value it takes a pointer
// to, and whether it takes rules.
// The Texts, JSON and JSONB methods take instead whether the column
// refuses nil (NOT NULL).
var compactChecks = map[string]struct {
	method, path, name string
	slice              bool
	rules, notNull     bool
}{
	"CheckText":        {method: "Text", name: "string", rules: true},
	"CheckNumeric":     {method: "Numeric", path: ir.PathDecimal, name: "Decimal", rules: true},
	"CheckTimestamptz": {method: "Timestamptz", path: ir.PathTime, name: "Time"},
	"CheckTimestamp":   {method: "Timestamp", path: ir.PathTime, name: "Time"},
	"CheckDate":        {method: "Date", path: ir.PathTime, name: "Time"},
	"CheckTexts":       {method: "Texts", name: "string", slice: true, notNull: true},
	"CheckJSON":        {method: "JSON", path: ir.PathJSON, name: "RawMessage", notNull: true},
	"CheckJSONB":       {method: "JSONB", path: ir.PathJSON, name: "RawMessage", notNull: true},
}

// compactCheck renders the one call that checks column c of recv's
// struct, its type and then its rules, when runtime.Fields has a method
// for it (f.Text("code", &n.Code, &rulesWarehouseCode)): a pointer to
// the value, nil when the field is not set (opt: a runtime.Opt) or
// NULL, which the method skips. It returns nil for the other columns,
// whose checks columnChecks renders.
func compactCheck(c *ir.Column, recv string, opt bool) jen.Code {
	tc := c.TypeCheck
	if tc == nil {
		return compactEnum(c, recv, opt)
	}
	k, ok := compactChecks[tc.Func]
	dims := 0 // the methods take scalars, or one-dimensional slices
	if k.slice {
		dims = 1
	}
	elem := c.Go.Elem()
	if !ok || c.Type.ArrayDims != dims || elem.Slice != k.slice || elem.Path != k.path || elem.Name != k.name || elem.ArgName != "" ||
		(c.RulesVar != "" && !k.rules) || (c.RefusesNil && !k.notNull) || c.RefusesInvalid {
		return nil
	}
	for _, r := range c.Rules {
		if r.Kind == ir.RuleEnum || (r.Kind == ir.RuleNotEmpty && c.RulesVar == "") {
			return nil
		}
	}
	if k.method == "Text" && c.RulesVar == "" && !opt && !c.Go.Nullable() {
		// f.Fits("status", runtime.CheckText(n.Status)) is one line too,
		// and one call less per row.
		return nil
	}
	args := []jen.Code{jen.Lit(c.JSON), checkedValue(c, recv, opt)}
	for _, a := range tc.Args {
		args = append(args, jen.Lit(a))
	}
	switch {
	case k.rules && c.RulesVar != "":
		args = append(args, jen.Op("&").Id(c.RulesVar))
	case k.rules:
		args = append(args, jen.Nil())
	case k.notNull:
		args = append(args, jen.Lit(c.RefusesNil))
	}
	return jen.Id("f").Dot(k.method).Call(args...)
}

// compactEnum renders runtime.CheckEnum(&f, "status", u.Status.Ptr(),
// "must be one of …") for an enum column whose
// field is optional or nullable, or nil.
func compactEnum(c *ir.Column, recv string, opt bool) jen.Code {
	if len(c.Rules) != 1 || c.Rules[0].Kind != ir.RuleEnum || c.RulesVar != "" || c.RefusesNil ||
		c.Type.ArrayDims > 0 || !(opt || c.Go.Nullable()) {
		return nil
	}
	return jen.Qual(ir.PathRuntime, "CheckEnum").Call(jen.Op("&").Id("f"), jen.Lit(c.JSON), checkedValue(c, recv, opt), jen.Lit(c.Rules[0].Message))
}

// checkedValue renders a pointer to the value of column c in recv's
// struct that Validate checks, nil when the field is not set (opt: a
// runtime.Opt) or NULL: &n.Code, u.Code.Ptr() (Opt.Ptr, Null.Ptr) …
func checkedValue(c *ir.Column, recv string, opt bool) jen.Code {
	field := jen.Op("&").Id(recv).Dot(c.Field)
	var ptr jen.Code
	switch {
	case opt && c.Go.Null:
		ptr = jen.Qual(ir.PathRuntime, "IfSetValid").Call(field)
	case opt && c.Go.Ptr:
		ptr = jen.Qual(ir.PathRuntime, "IfSetPtr").Call(field)
	case opt, c.Go.Null:
		ptr = jen.Id(recv).Dot(c.Field).Dot("Ptr").Call()
	case c.Go.Ptr:
		ptr = jen.Id(recv).Dot(c.Field)
	default:
		ptr = field
	}
	return ptr
}

// genRefuseNulls emits UnmarshalJSON on the insert or update struct typ
// of t, which refuses JSON null for the fields of NOT NULL columns
// (encoding/json would read it as the zero value: 0001-01-01, the nil
// UUID) before decoding as encoding/json does; nothing when every
// column is nullable.
func genRefuseNulls(f *jen.File, t *ir.Table, typ string, cols []*ir.Column, update bool) {
	args := []jen.Code{jen.Id("data"), jen.Lit(t.SQLName)}
	var names []string
	for _, c := range cols {
		if !c.Nullable {
			args = append(args, jen.Lit(c.JSON))
			names = append(names, c.JSON)
		}
	}
	if len(names) == 0 {
		return
	}
	recv := "n"
	if update {
		recv = "u"
	}
	comment(f, "UnmarshalJSON refuses null for NOT NULL columns (see runtime.UnmarshalNotNull).")
	f.Func().Params(jen.Id(recv).Op("*").Id(typ)).Id("UnmarshalJSON").Params(jen.Id("data").Index().Byte()).Error().Block(
		jen.Type().Id("plain").Id(typ),
		jen.Return(jen.Qual(ir.PathRuntime, "UnmarshalNotNull").Call(append([]jen.Code{jen.Id("data"),
			jen.Parens(jen.Op("*").Id("plain")).Call(jen.Id(recv))}, args[1:]...)...)),
	)
	f.Line()
}

// wrapParamsErr renders errs.WrapParams(err, "table.Method", "table",
// []string{…}): errs.Wrap for statement s, whose parameters are the key
// columns, then args, then its behaviour values, so that a value the
// driver cannot encode or the server refuses as invalid input names its
// field (runtime.WrapParams), as a Validate failure does.
func wrapParamsErr(t *ir.Table, method string, s ir.Statement, keys []*ir.Column, args []ir.Arg) *jen.Statement {
	var fields []jen.Code
	for _, p := range paramFields(keys, args) {
		fields = append(fields, jen.Lit(p))
	}
	return jen.Id("errs").Dot("WrapParams").Call(jen.Err(), jen.Lit(t.Op+"."+method), jen.Lit(t.SQLName), jen.Index().String().Values(fields...))
}

// paramFields are the fields a statement's parameters hold: the key
// columns, then args (see wrapParamsErr); never nil.
func paramFields(keys []*ir.Column, args []ir.Arg) []string {
	out := []string{}
	for _, c := range keys {
		out = append(out, c.JSON)
	}
	for _, a := range args {
		out = append(out, a.Column.JSON)
	}
	return out
}

// columnChecks are the statements checking a column's value v into the
// Fields f: nil refused, the type's check, the enum membership and
// not_empty of arrays inline, the other rules through the column's
// rules variable. Fields keeps the first failure of each field.
func columnChecks(c *ir.Column, v *jen.Statement) []jen.Code {
	var out []jen.Code
	if c.RefusesNil {
		out = append(out, jen.Id("f").Dot("Check").Call(jen.Lit(c.JSON), v.Clone().Op("!=").Nil(), jen.Qual(ir.PathRuntime, "MsgNotNull")))
	}
	if c.RefusesInvalid {
		out = append(out, jen.Id("f").Dot("Check").Call(jen.Lit(c.JSON), v.Clone().Dot("Valid"), jen.Qual(ir.PathRuntime, "MsgNotNull")))
	}
	if tc := c.TypeCheck; tc != nil {
		args := []jen.Code{v.Clone()}
		for _, a := range tc.Args {
			args = append(args, jen.Lit(a))
		}
		out = append(out, jen.Id("f").Dot("Fits").Call(jen.Lit(c.JSON), jen.Qual(ir.PathRuntime, tc.Func).Call(args...)))
	}
	for _, r := range c.Rules {
		switch {
		case r.Kind == ir.RuleEnum && c.Type.ArrayDims > 0:
			out = append(out, jen.Id("f").Dot("Check").Call(jen.Lit(c.JSON), jen.Qual(ir.PathRuntime, "AllValid").Call(v.Clone()), jen.Lit(r.Message)))
		case r.Kind == ir.RuleEnum:
			out = append(out, jen.Id("f").Dot("Check").Call(jen.Lit(c.JSON), v.Clone().Dot("Valid").Call(), jen.Lit(r.Message)))
		case r.Kind == ir.RuleNotEmpty && c.Type.ArrayDims > 0:
			ok := jen.Len(v.Clone()).Op(">").Lit(0)
			if c.Nullable {
				// A nil slice is NULL, which not_empty allows.
				ok = v.Clone().Op("==").Nil().Op("||").Add(ok)
			}
			out = append(out, jen.Id("f").Dot("Check").Call(jen.Lit(c.JSON), ok, jen.Qual(ir.PathRuntime, "MsgNotEmpty")))
		}
	}
	if c.RulesVar != "" {
		out = append(out, jen.Id(c.RulesVar).Dot("Check").Call(jen.Op("&").Id("f"), jen.Lit(c.JSON), v.Clone()))
	}
	return out
}

// genRuleVars emits the rules variables of t's columns: what Validate
// checks a value against, made once.
func genRuleVars(f *jen.File, t *ir.Table) {
	var cols []*ir.Column
	for _, c := range t.Columns {
		if c.RulesVar != "" {
			cols = append(cols, c)
		}
	}
	if len(cols) == 0 {
		return
	}
	f.Var().DefsFunc(func(g *jen.Group) {
		for _, c := range cols {
			comment(g, fmt.Sprintf("%s are the rules of column %s.%s.", c.RulesVar, t.SQLName, c.SQLName))
			g.Id(c.RulesVar).Op("=").Add(rulesValue(c))
		}
	})
	f.Line()
}

// rulesValue renders the runtime rules of a column's length, bound,
// format and pattern rules.
func rulesValue(c *ir.Column) jen.Code {
	var kv []jen.Code
	var kind *jen.Statement
	switch {
	case isDecimal(c):
		kind = jen.Qual(ir.PathRuntime, "DecimalRules")
	case isNumber(c):
		kind = jen.Qual(ir.PathRuntime, "NumberRules").Types(typeCode(c.Go.Elem()))
	default:
		kind = jen.Qual(ir.PathRuntime, "TextRules")
		if c.Type.IsChar() {
			kv = append(kv, field("Pad", jen.True()))
		}
	}
	for _, r := range c.Rules {
		switch r.Kind {
		case ir.RuleNotEmpty:
			if c.Type.ArrayDims == 0 {
				kv = append(kv, field("NotEmpty", jen.True()))
			}
		case ir.RuleMinLength:
			kv = append(kv, field("MinLength", jen.Lit(r.Length)))
		case ir.RuleMaxLength:
			kv = append(kv, field("MaxLength", jen.Lit(r.Length)))
		case ir.RuleFormat:
			kv = append(kv, field("Format", jen.Lit(r.Format)))
		case ir.RulePattern:
			kv = append(kv, field("Pattern", jen.Qual(ir.PathRuntime, "NewPattern").Call(jen.Lit(r.Pattern))))
		case ir.RuleMin, ir.RuleMax:
			name := "Min"
			if r.Kind == ir.RuleMax {
				name = "Max"
			}
			if isDecimal(c) {
				kv = append(kv, field(name, jen.Qual(ir.PathRuntime, "DecimalBound").Call(jen.Lit(r.Bound))))
			} else {
				kv = append(kv, field(name, jen.Op(r.Bound)))
				kv = append(kv, field("Has"+name, jen.True()))
			}
		}
	}
	// One line: a column has few rules, each a short field.
	return kind.Custom(jen.Options{Open: "{", Close: "}", Separator: ", "}, kv...)
}

// isNumber reports whether c holds integers or floating point numbers.
func isNumber(c *ir.Column) bool {
	b := c.Type.Base
	return c.Type.ArrayDims == 0 && b != nil && (b.Int != nil || b.FloatBits > 0)
}

// isDecimal reports whether c holds decimal.Decimal values (numeric).
func isDecimal(c *ir.Column) bool {
	return c.Type.ArrayDims == 0 && c.Type.Base != nil && c.Type.Base.Decimal
}

// behaviourDoc describes, for the repository's doc comment, what the
// table's behaviours do to its methods.
func behaviourDoc(t *ir.Table) string {
	var parts []string
	for _, bh := range t.Behaviours {
		if bh.Doc != "" {
			parts = append(parts, bh.Doc)
		}
	}
	return strings.Join(parts, " ")
}
