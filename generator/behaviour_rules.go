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
	"github.com/cpcgen/cpcgen/internal/pgtypes"
	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/spec"
)

// rules are the columns' validation rules (rules: and enum types): Validate
// checks them before any SQL, and CHECK constraints make the database
// enforce the ones PostgreSQL can express.
type rules struct{ noHooks }

func (rules) kind() ir.BehaviourKind { return ir.BehaviourRules }

// claim computes the rules of t's columns; the table has the behaviour
// when a column has a rule.
func (rules) claim(b *builder, st *spec.Table, t *ir.Table) *ir.Behaviour {
	b.buildRules(t)
	var cols []*ir.Column
	for _, c := range t.Columns {
		if len(c.Rules) > 0 || len(b.colChecks[c]) > 0 {
			cols = append(cols, c)
		}
	}
	if len(cols) == 0 {
		return nil
	}
	return &ir.Behaviour{Kind: ir.BehaviourRules, Name: "validation rules", Columns: cols}
}

// validates reports whether Validate checks any of cols.
func validates(cols []*ir.Column) bool {
	return slices.ContainsFunc(cols, (*ir.Column).Validated)
}

// buildRules computes the validation rules of t's columns and their CHECK
// constraints, and the checks every column gets from its type whatever
// the spec says: that a value fits the type, and that a NOT NULL column
// is not given nil.
func (b *builder) buildRules(t *ir.Table) {
	for _, c := range t.Columns {
		c.TypeCheck = typeCheck(c)
		c.RefusesNil = !c.Nullable && !c.Go.Ptr && c.Go.IsSliceLike()
		sc := b.columnSpec[c]
		c.RefusesInvalid = !c.Nullable && sc.GoType == "" && c.Type.ArrayDims == 0 && c.Type.Base != nil && c.Type.Base.Valid
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
				c.RulesVar = b.declareColumnDerived(t, c, "rules", "", fmt.Sprintf("the rules of column %s.%s", t.SQLName, c.SQLName), sc.Rules.Pos)
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
			SpecName: c.SQLName + "." + ruleSpecNames[ck.kind], Expr: ck.expr, Pos: r.Pos,
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

// typeCheck returns the check Validate makes that a value of c fits c's
// type (the type row's Check), or nil. A go_type column's values are the
// caller's type, which the check may not take, except for a predeclared
// integer type wider than the column's (int on an integer column),
// whose values CheckInt bounds.
func typeCheck(c *ir.Column) *ir.TypeCheck {
	base := c.Type.Base
	if base == nil || base.Check == "" {
		return nil
	}
	if c.GoTypeOverride {
		if base.CheckArgs == pgtypes.CheckBits && c.Type.ArrayDims == 0 && !c.Go.Slice && c.Go.Path == "" && goIntWider(c.Go.Name, base.Int) {
			return &ir.TypeCheck{Func: base.Check, Args: []int{base.Int.Bits()}}
		}
		return nil
	}
	switch {
	case c.Type.ArrayDims == 1:
		if base.ArrayCheck == "" {
			return nil
		}
		return &ir.TypeCheck{Func: base.ArrayCheck}
	case c.Type.ArrayDims > 1:
		return nil
	}
	switch base.CheckArgs {
	case pgtypes.CheckBits:
		// The row's own Go type (int16, int32, int64) is the column's.
		return nil
	case pgtypes.CheckPrecisionScale:
		if len(c.Type.Args) == 0 {
			return nil
		}
		scale := 0
		if len(c.Type.Args) > 1 {
			scale = c.Type.Args[1]
		}
		return &ir.TypeCheck{Func: base.Check, Args: []int{c.Type.Args[0], scale}}
	case pgtypes.CheckLength:
		if len(c.Type.Args) == 0 {
			// Any length, but the value's bytes must still hold it.
			return &ir.TypeCheck{Func: base.Check, Args: []int{0}}
		}
		return &ir.TypeCheck{Func: base.Check, Args: []int{c.Type.Args[0]}}
	}
	return &ir.TypeCheck{Func: base.Check}
}

// goIntRanges are the ranges of Go's predeclared integer types (int and
// uint as on 64-bit platforms, the wider case).
var goIntRanges = map[string]struct {
	min int64
	max uint64
}{
	"int8": {math.MinInt8, math.MaxInt8}, "int16": {math.MinInt16, math.MaxInt16},
	"int32": {math.MinInt32, math.MaxInt32}, "rune": {math.MinInt32, math.MaxInt32},
	"int64": {math.MinInt64, math.MaxInt64}, "int": {math.MinInt64, math.MaxInt64},
	"uint8": {0, math.MaxUint8}, "byte": {0, math.MaxUint8}, "uint16": {0, math.MaxUint16},
	"uint32": {0, math.MaxUint32}, "uint64": {0, math.MaxUint64}, "uint": {0, math.MaxUint64},
	"uintptr": {0, math.MaxUint64},
}

// goIntWider reports whether the predeclared integer type name holds
// values outside r.
func goIntWider(name string, r *pgtypes.IntRange) bool {
	g, ok := goIntRanges[name]
	return ok && (g.min < r.Min || g.max > uint64(r.Max))
}
