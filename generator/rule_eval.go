package generator

import (
	"regexp"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/runtime"
)

// ruleHolds reports whether the literal value (in canonical text form, see
// spec.Default.Literal) passes the rule, as Validate and the rule's CHECK
// would decide; known is false when the rule cannot be decided for it
// here (a rule on an array's elements).
func ruleHolds(r *ir.Rule, literal string) (holds, known bool) {
	c := r.Column
	if c.Type.ArrayDims > 0 {
		if r.Kind == ir.RuleNotEmpty {
			return literal != "{}", true
		}
		return false, false
	}
	switch r.Kind {
	case ir.RuleEnum:
		for _, v := range c.Type.Enum.Values {
			if v.Label == literal {
				return true, true
			}
		}
		return false, true
	case ir.RuleNotEmpty:
		return literal != "", true
	case ir.RuleMinLength:
		return utf8.RuneCountInString(literal) >= r.Length, true
	case ir.RuleMaxLength:
		return utf8.RuneCountInString(literal) <= r.Length, true
	case ir.RuleMin, ir.RuleMax:
		v, err1 := decimal.NewFromString(literal)
		bound, err2 := decimal.NewFromString(r.Bound)
		if err1 != nil || err2 != nil {
			return false, false
		}
		if r.Kind == ir.RuleMin {
			return !v.LessThan(bound), true
		}
		return !v.GreaterThan(bound), true
	case ir.RuleFormat:
		return runtime.FormatValid(r.Format, literal), true
	case ir.RulePattern:
		if re, err := regexp.Compile("^(?:" + r.Pattern + ")$"); err == nil {
			return re.MatchString(literal), true
		}
	}
	return false, false
}

// defaultPassesRules reports whether every row that takes c's default
// passes c's rules: true for a nullable column without a default (NULL
// passes every rule's CHECK) and for a literal default that each rule
// holds for; false for an expression default or a rule that cannot be
// decided. A column added with such a default cannot make the CHECKs of
// its rules fail on the rows the table already has.
func (b *builder) defaultPassesRules(c *ir.Column) bool {
	d := c.Default
	switch {
	case c.GoTypeOverride && !b.columnSpec[c].Rules.IsZero():
		// The rules of a go_type column are checked by the database only.
		return false
	case d == nil:
		return c.Nullable && !c.Identity
	case d.Kind != ir.DefaultLiteral:
		return false
	}
	for _, r := range c.Rules {
		if ok, known := ruleHolds(r, d.Literal); !ok || !known {
			return false
		}
	}
	return true
}
