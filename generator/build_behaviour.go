package generator

import (
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/spec"
)

// reservedPrefix starts the names of cpcgen's own tables (the audit log)
// and of the common table expressions and columns its statements use.
const reservedPrefix = "cpcgen_"

// checkReserved rejects table and column names cpcgen keeps for itself.
func (b *builder) checkReserved(st *spec.Table) {
	if strings.HasPrefix(st.Name, reservedPrefix) {
		b.errs.Add(st.Pos, "table name %q starts with %q, which is reserved for cpcgen's own tables; rename the table", st.Name, reservedPrefix)
	}
	for _, c := range st.Columns {
		if strings.HasPrefix(c.Name, reservedPrefix) && !c.Implied {
			b.errs.Add(c.Pos, "column name %q starts with %q, which is reserved for the names cpcgen's statements use; rename the column", c.Name, reservedPrefix)
		}
	}
}

// buildTenant checks t's tenant column against the package's other tenant
// tables: one tenant setting serves them all, so their columns must share
// a type.
func (b *builder) buildTenant(pkg *ir.Package, t *ir.Table, first **ir.Table) {
	c := t.Tenant
	if c == nil {
		return
	}
	if c.Type.ArrayDims > 0 || (c.Type.Enum == nil && !c.Type.Base.Tenant) {
		b.errs.Add(b.columnSpec[c].Pos, "tenant column %q is %s; a tenant is a uuid, text or integer value", c.SQLName, c.Type)
		return
	}
	if f := *first; f != nil {
		if f.Tenant.Type.String() != c.Type.String() || f.Tenant.Go != c.Go {
			b.errs.Add(b.columnSpec[c].Pos, "tenant column %s.%s is %s but %s.%s is %s; the tenant columns of a package must have one type",
				t.SQLName, c.SQLName, c.Type, f.SQLName, f.Tenant.SQLName, f.Tenant.Type)
		}
		return
	}
	*first = t
	g := c.Go.Elem()
	pkg.Tenant = &g
}

// policyOf returns the row-level security policy of a tenant table.
func policyOf(t *ir.Table) *ir.Policy {
	return &ir.Policy{Table: t.SQLName, Column: t.Tenant.SQLName, Type: paramSQLType(t.Tenant.Type)}
}

// livePredicate is the predicate of a unique index of t: where (the
// spec's, possibly "") restricted to live rows on a soft-delete table, so
// that a deleted row does not block a new one.
func livePredicate(t *ir.Table, where string) string {
	if t.DeletedAt == nil {
		return where
	}
	live := t.DeletedAt.Quoted + " IS NULL"
	if where == "" {
		return live
	}
	return "(" + where + ") AND " + live
}

// buildRules computes the validation rules of t's columns and their CHECK
// constraints.
func (b *builder) buildRules(t *ir.Table) {
	for _, c := range t.Columns {
		sc := b.columnSpec[c]
		if sc.GoType != "" {
			// The Go type is the caller's; only the database checks it.
			b.ruleChecks(t, c, nil)
			c.DefaultPassesRules = b.defaultPassesRules(c)
			continue
		}
		var rules []*ir.Rule
		add := func(r *ir.Rule) { r.Column = c; rules = append(rules, r) }
		if e := c.Type.Enum; e != nil {
			add(&ir.Rule{Kind: ir.RuleEnum, Message: enumMessage(e)})
		}
		r := sc.Rules
		if r.NotEmpty {
			add(&ir.Rule{Kind: ir.RuleNotEmpty, Message: runtime.MsgNotEmpty})
		}
		if r.MinLength != nil && *r.MinLength > 0 {
			add(&ir.Rule{Kind: ir.RuleMinLength, Length: *r.MinLength, Message: runtime.MinLengthMessage(*r.MinLength)})
		}
		if r.MaxLength != nil {
			add(&ir.Rule{Kind: ir.RuleMaxLength, Length: *r.MaxLength, Message: runtime.MaxLengthMessage(*r.MaxLength)})
		}
		for _, bound := range []struct {
			kind    ir.RuleKind
			text    string
			message func(string) string
		}{{ir.RuleMin, r.Min, runtime.MinMessage}, {ir.RuleMax, r.Max, runtime.MaxMessage}} {
			if bound.text == "" {
				continue
			}
			val, ok := b.boundLiteral(t, c, bound.text)
			if !ok {
				continue
			}
			add(&ir.Rule{Kind: bound.kind, Bound: val, Message: bound.message(val)})
		}
		if r.Format != "" {
			add(&ir.Rule{Kind: ir.RuleFormat, Format: r.Format, Message: runtime.FormatMessage(r.Format)})
		}
		if r.Pattern != "" {
			add(&ir.Rule{Kind: ir.RulePattern, Pattern: r.Pattern, Message: runtime.PatternMessage(r.Pattern)})
		}
		c.Rules = rules
		for _, r := range rules {
			if r.Kind != ir.RuleEnum && !(r.Kind == ir.RuleNotEmpty && c.Type.ArrayDims > 0) {
				c.RulesVar = "rules" + t.Model + c.Field
				b.declareDerived(t, c.RulesVar, fmt.Sprintf("the rules of column %s.%s", t.SQLName, c.SQLName), sc.Rules.Pos)
				break
			}
		}
		b.ruleChecks(t, c, rules)
		c.DefaultPassesRules = b.defaultPassesRules(c)
		if d := sc.Default; d != nil && d.Kind == spec.DefaultLiteral {
			for _, r := range rules {
				if ok, known := ruleHolds(r, d.Literal); known && !ok {
					b.errs.Add(d.Pos, "column %q: the default %q fails its %s rule (%s); change the default or the rule", c.SQLName, d.Literal, ruleSpecNames[r.Kind], r.Message)
				}
			}
		}
	}
	check := func(cols []*ir.Column) bool {
		for _, c := range cols {
			if len(c.Rules) > 0 {
				return true
			}
		}
		return false
	}
	t.Validates = check(t.Insert) || check(t.Updatable)
}

// ruleChecks attaches to rules the CHECK constraints of the column's
// explicit rules that PostgreSQL can express. A go_type column (rules nil)
// still gets them, from the spec.
func (b *builder) ruleChecks(t *ir.Table, c *ir.Column, rules []*ir.Rule) {
	r := b.columnSpec[c].Rules
	col := c.Quoted
	length := "char_length(" + col + ")"
	text := col
	if c.Type.IsChar() {
		// As text, char(n) loses the padding that lengths and
		// comparisons ignore but pattern matching would see.
		text = col + "::text"
	}
	var checks []struct {
		suffix, expr string
		kind         ir.RuleKind
	}
	addCheck := func(kind ir.RuleKind, suffix, expr string) {
		checks = append(checks, struct {
			suffix, expr string
			kind         ir.RuleKind
		}{suffix, expr, kind})
	}
	if r.NotEmpty {
		if c.Type.ArrayDims > 0 {
			addCheck(ir.RuleNotEmpty, "not_empty", "cardinality("+col+") > 0")
		} else {
			addCheck(ir.RuleNotEmpty, "not_empty", col+" <> ''")
		}
	}
	if r.MinLength != nil && *r.MinLength > 0 {
		addCheck(ir.RuleMinLength, "min_length", length+" >= "+strconv.Itoa(*r.MinLength))
	}
	if r.MaxLength != nil && *r.MaxLength != typeMaxLen(c.Type) {
		// varchar(n) and char(n) enforce their own n.
		addCheck(ir.RuleMaxLength, "max_length", length+" <= "+strconv.Itoa(*r.MaxLength))
	}
	if r.Min != "" {
		if v, ok := canonicalDecimal(r.Min); ok {
			addCheck(ir.RuleMin, "min", col+" >= "+sqlNumber(v))
		}
	}
	if r.Max != "" {
		if v, ok := canonicalDecimal(r.Max); ok {
			addCheck(ir.RuleMax, "max", col+" <= "+sqlNumber(v))
		}
	}
	if r.Format != "" {
		if p, ok := runtime.FormatPattern(r.Format); ok {
			if pg, err := pgPattern(p); err == nil {
				expr := text + " ~ " + names.QuoteLiteral(pg)
				if r.Format == "hostname" {
					expr = length + " <= " + strconv.Itoa(runtime.MaxHostnameLength) + " AND " + expr
				}
				addCheck(ir.RuleFormat, "format", expr)
			}
		}
	}
	if r.Pattern != "" {
		// A pattern PostgreSQL does not share stays a Go-only check.
		if pg, err := pgPattern(r.Pattern); err == nil {
			addCheck(ir.RulePattern, "pattern", text+" ~ "+names.QuoteLiteral(pg))
		}
	}
	for _, ck := range checks {
		k := &ir.Constraint{
			Kind: ir.CheckConstraint, Table: t, SQLName: names.Constraint(t.SQLName, c.SQLName, ck.suffix),
			SpecName: c.SQLName + "." + ruleSpecNames[ck.kind], Expr: ck.expr, Pos: irPos(r.Pos),
			Sentinel: "Err" + t.Model + c.Field + names.GoName(ck.suffix) + "Check",
			Doc:      fmt.Sprintf("the %s rule of column %s", ruleSpecNames[ck.kind], c.SQLName),
		}
		for _, rule := range rules {
			if rule.Kind == ck.kind {
				rule.Check = k
			}
		}
		b.colChecks[c] = append(b.colChecks[c], k)
	}
}

// ruleSpecNames are the spec keys of the rules.
var ruleSpecNames = map[ir.RuleKind]string{
	ir.RuleNotEmpty: "not_empty", ir.RuleMinLength: "min_length", ir.RuleMaxLength: "max_length",
	ir.RuleMin: "min", ir.RuleMax: "max", ir.RuleFormat: "validate", ir.RulePattern: "pattern",
}

// enumMessage is the message of an enum membership rule.
func enumMessage(e *ir.Enum) string {
	if len(e.Values) > 8 {
		return "must be a label of enum " + e.SQLName
	}
	labels := make([]string, len(e.Values))
	for i, v := range e.Values {
		labels[i] = strconv.Quote(v.Label)
	}
	return "must be one of " + strings.Join(labels, ", ")
}

// typeMaxLen is n of varchar(n) and char(n), or -1.
func typeMaxLen(t ir.Type) int {
	if t.ArrayDims == 0 && t.Base != nil && t.Base.MaxLen(t.Args) > 0 {
		return t.Base.MaxLen(t.Args)
	}
	return -1
}

// canonicalDecimal returns decimal text as written in a spec (12.50,
// 1e3, -0.5, 0x1F, 1_000) in plain decimal form: "12.5", "1000".
func canonicalDecimal(s string) (string, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), "_", "")
	if i, ok := new(big.Int).SetString(s, 0); ok {
		return i.String(), true
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return "", false
	}
	if r.IsInt() {
		return r.Num().String(), true
	}
	for prec := 1; prec <= 2000; prec++ {
		f := r.FloatString(prec)
		if back, ok := new(big.Rat).SetString(f); ok && back.Cmp(r) == 0 {
			return f, true
		}
	}
	return "", false
}

// sqlNumber writes a decimal as an SQL constant (negative in parentheses).
func sqlNumber(v string) string {
	if strings.HasPrefix(v, "-") {
		return "(" + v + ")"
	}
	return v
}

// boundLiteral returns a min or max bound as a Go constant of the
// column's type, reporting a bound the type cannot hold.
func (b *builder) boundLiteral(t *ir.Table, c *ir.Column, text string) (string, bool) {
	v, ok := canonicalDecimal(text)
	if !ok {
		b.errs.Add(b.columnSpec[c].Rules.Pos, "column %q: bound %q is not a number", c.SQLName, text)
		return "", false
	}
	base := c.Type.Base
	if base == nil {
		return v, true
	}
	if rg := base.Int; rg != nil {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < rg.Min || n > rg.Max {
			b.errs.Add(b.columnSpec[c].Rules.Pos, "column %q: bound %s is outside the range of %s", c.SQLName, v, c.Type)
			return "", false
		}
	}
	if bits := base.FloatBits; bits > 0 {
		if f, err := strconv.ParseFloat(v, bits); err != nil || math.IsInf(f, 0) {
			b.errs.Add(b.columnSpec[c].Rules.Pos, "column %q: bound %s is outside the range of %s", c.SQLName, v, c.Type)
			return "", false
		}
	}
	return v, true
}

// buildConstraints names t's constraints and their sentinels, in schema
// order, and declares the sentinels.
func (b *builder) buildConstraints(t *ir.Table) {
	st := b.tableSpec[t]
	add := func(k *ir.Constraint) {
		k.Table = t
		t.Constraints = append(t.Constraints, k)
		if k.Kind == ir.CheckConstraint {
			t.Checks = append(t.Checks, k)
		}
	}
	fields := func(cols []*spec.Column) string {
		var s string
		for _, c := range cols {
			s += names.GoName(c.Name)
		}
		return s
	}
	columnList := func(cols []*spec.Column) string {
		parts := make([]string, len(cols))
		for i, c := range cols {
			parts[i] = c.Name
		}
		return strings.Join(parts, ", ")
	}
	add(&ir.Constraint{
		Kind: ir.PrimaryKeyConstraint, SQLName: names.Constraint(t.SQLName, "pkey"), SpecName: "primary_key",
		Sentinel: "Err" + t.Model + fields(st.PrimaryKey) + "Taken", Pos: irPos(st.Pos),
		Doc: fmt.Sprintf("the primary key (%s)", columnList(st.PrimaryKey)),
	})
	for _, c := range t.Columns {
		if c.Unique && !c.PrimaryKey {
			add(&ir.Constraint{
				Kind: ir.UniqueConstraint, SQLName: names.Constraint(t.SQLName, c.SQLName, "key"), SpecName: c.SQLName + ".unique",
				Sentinel: "Err" + t.Model + c.Field + "Taken", Pos: c.Pos,
				Doc: fmt.Sprintf("the unique column %s", c.SQLName),
			})
		}
	}
	for i, ix := range st.Indexes {
		if !ix.Unique {
			continue
		}
		var cols []*spec.Column
		var parts []string
		allCols := true
		for _, p := range ix.Parts {
			if p.Column == nil {
				allCols = false
				parts = append(parts, p.Expr)
				continue
			}
			cols = append(cols, p.Column)
			parts = append(parts, p.Column.Name)
		}
		name := t.Indexes[i].Name
		byName := constraintStem(t, name, "_key")
		suffix := byName
		if allCols {
			suffix = fields(cols)
			if ix.Name != "" && slices.ContainsFunc(t.Constraints, func(k *ir.Constraint) bool { return k.Sentinel == "Err"+t.Model+suffix+"Taken" }) {
				// Another key over the same columns has the columns' name:
				// a named index is known by its name.
				suffix = byName
			}
		}
		specName := ix.Name
		if specName == "" {
			specName = "unique(" + strings.Join(parts, ", ") + ")"
		}
		add(&ir.Constraint{
			Kind: ir.UniqueConstraint, SQLName: name, SpecName: specName,
			Sentinel: "Err" + t.Model + suffix + "Taken", Pos: irPos(ix.Pos),
			Doc: fmt.Sprintf("the unique index on (%s)", strings.Join(parts, ", ")),
		})
	}
	for _, c := range t.Columns {
		if b.columnSpec[c].Check != "" {
			add(&ir.Constraint{
				Kind: ir.CheckConstraint, SQLName: c.CheckName, SpecName: c.SQLName + ".check",
				Sentinel: "Err" + t.Model + c.Field + "Check", Expr: c.Check, Pos: c.CheckPos,
				Doc: fmt.Sprintf("the check of column %s (%s)", c.SQLName, b.columnSpec[c].Check),
			})
		}
		for _, k := range b.colChecks[c] {
			add(k)
		}
	}
	for i, chk := range st.Checks {
		name, specName, suffix := chk.Name, chk.Name, constraintStem(t, chk.Name, "_check")
		if name == "" {
			name = names.Constraint(t.SQLName, "check"+strconv.Itoa(i+1))
			specName = "checks[" + strconv.Itoa(i) + "]"
			suffix = strconv.Itoa(i + 1)
		}
		add(&ir.Constraint{
			Kind: ir.CheckConstraint, SQLName: name, SpecName: specName,
			Sentinel: "Err" + t.Model + suffix + "Check", Expr: chk.Expr, Pos: irPos(chk.Pos),
			Doc: fmt.Sprintf("the check %s", chk.Expr),
		})
	}
	for _, c := range t.Columns {
		if ref := b.columnSpec[c].References; ref != nil {
			add(&ir.Constraint{
				Kind: ir.ForeignKeyConstraint, SQLName: names.Constraint(t.SQLName, c.SQLName, "fkey"), SpecName: c.SQLName + ".references",
				Sentinel: "Err" + t.Model + c.Field + "NotFound", Column: c, Pos: irPos(ref.Pos),
				Doc: fmt.Sprintf("the foreign key %s → %s.%s", c.SQLName, ref.Table.Name, ref.Column.Name),
			})
			if target := ref.Table; target.SoftDelete != nil && !ref.Column.PrimaryKey {
				b.errs.Add(ref.Pos, "column %q references %s.%s, which is unique only among the live rows of the soft_delete table %s; reference its primary key",
					c.SQLName, target.Name, ref.Column.Name, target.Name)
			}
		}
	}
	seen := map[string]*ir.Constraint{}
	for _, k := range t.Constraints {
		if prev, dup := seen[k.SQLName]; dup {
			b.errs.Add(spec.Pos(k.Pos), "constraint name %q of table %q is also the name of %s at %s; name one of them differently", k.SQLName, t.SQLName, prev.Doc, prev.Pos)
			continue
		}
		seen[k.SQLName] = k
		b.declareDerived(t, k.Sentinel, fmt.Sprintf("the sentinel of %s of table %q", k.Doc, t.SQLName), spec.Pos(k.Pos))
	}
}

// constraintStem is the Go name a sentinel of t gives the constraint
// (or unique index) named name: the name without t's (or its model's)
// prefix and without the kind's suffix, so that table transactions'
// check transactions_accounts_match is ErrTransactionAccountsMatchCheck.
func constraintStem(t *ir.Table, name, suffix string) string {
	stem := strings.TrimSuffix(name, suffix)
	for _, prefix := range []string{t.SQLName + "_", names.Singular(t.SQLName) + "_"} {
		if rest, ok := strings.CutPrefix(stem, prefix); ok && rest != "" {
			stem = rest
			break
		}
	}
	if g := names.GoName(stem); g != "" {
		return g
	}
	return names.GoName(name)
}

// buildReferencedSentinels gives each foreign key of t that can refuse
// to delete or re-key a referenced row (any but a key that cascades or
// sets null both ways) its second sentinel, declared with the referenced
// table: ErrWarehouseReferencedByStock, with the column's field when t
// has several keys to that table (ErrAccountReferencedByTransferFromID).
func (b *builder) buildReferencedSentinels(t *ir.Table) {
	keys := map[*ir.Table]int{}
	for _, c := range t.Columns {
		if c.References != nil {
			keys[c.References.Table]++
		}
	}
	acts := func(action string) bool {
		return action == "cascade" || action == "set null" || action == "set default"
	}
	for _, k := range t.Constraints {
		if k.Kind != ir.ForeignKeyConstraint || k.Referenced {
			continue
		}
		ref := k.Column.References
		if ref == nil || (acts(ref.OnDelete) && acts(ref.OnUpdate)) {
			continue
		}
		parent := ref.Table
		name := "Err" + parent.Model + "ReferencedBy" + t.Model
		if keys[parent] > 1 {
			name += k.Column.Field
		}
		r := &ir.Constraint{
			Kind: ir.ForeignKeyConstraint, Table: t, Column: k.Column, SQLName: k.SQLName, SpecName: k.SpecName,
			Sentinel: name, Referenced: true, Pos: k.Pos,
			Doc: fmt.Sprintf("the foreign key %s.%s → %s.%s", t.SQLName, k.Column.SQLName, parent.SQLName, ref.Column.SQLName),
		}
		parent.Referenced = append(parent.Referenced, r)
		b.declareDerived(parent, r.Sentinel, fmt.Sprintf("the sentinel of rows of table %q still referenced by %s", parent.SQLName, r.Doc), spec.Pos(r.Pos))
	}
}

// buildReadsDeleted sets t.ReadsDeleted, and names WithDeleted, when a
// read of t's repository can see soft-deleted rows.
func (b *builder) buildReadsDeleted(t *ir.Table) {
	reads := t.DeletedAt != nil
	for _, r := range t.Relations {
		if r.Skipped != "" {
			continue
		}
		switch r.Kind {
		case ir.HasMany:
			reads = reads || r.Child.DeletedAt != nil
		case ir.ManyToMany:
			reads = reads || r.Through.DeletedAt != nil || r.Target.DeletedAt != nil
		}
	}
	if reads && b.repoMethod(t, "WithDeleted", "the generated method WithDeleted", spec.Pos{}) {
		t.ReadsDeleted = true
	}
}

// hasBehaviours reports whether t's writes do more than their statement
// says: audit rows, tenant stamps, soft deletes or version checks.
func hasBehaviours(t *ir.Table) bool {
	return t.Audit || t.Tenant != nil || t.DeletedAt != nil || t.Version != nil
}
