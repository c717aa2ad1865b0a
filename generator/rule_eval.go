package generator

import (
	"regexp"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/spec"
)

// formatChecks are the runtime functions of formatFuncs, for checking a
// default at generation time.
var formatChecks = map[string]func(string) bool{
	"IsEmail": runtime.IsEmail, "IsURL": runtime.IsURL, "IsUUID": runtime.IsUUID, "IsHostname": runtime.IsHostname,
	"IsE164": runtime.IsE164, "IsSlug": runtime.IsSlug, "IsAlpha": runtime.IsAlpha, "IsAlphanumeric": runtime.IsAlphanumeric,
}

// Holds reports whether the literal value (in canonical text form, see
// spec.Default.Literal) passes the rule, as Validate and the rule's CHECK
// would decide; known is false when the rule cannot be decided for it
// here (a rule on an array's elements).
func (r *Rule) Holds(literal string) (holds, known bool) {
	c := r.Column
	if c.Type.ArrayDims > 0 {
		if r.Kind == RuleNotEmpty {
			return literal != "{}", true
		}
		return false, false
	}
	switch r.Kind {
	case RuleEnum:
		for _, v := range c.Type.Enum.Values {
			if v.Name == literal {
				return true, true
			}
		}
		return false, true
	case RuleNotEmpty:
		return literal != "", true
	case RuleMinLength:
		return utf8.RuneCountInString(literal) >= r.Length, true
	case RuleMaxLength:
		return utf8.RuneCountInString(literal) <= r.Length, true
	case RuleMin, RuleMax:
		v, err1 := decimal.NewFromString(literal)
		bound, err2 := decimal.NewFromString(r.Bound)
		if err1 != nil || err2 != nil {
			return false, false
		}
		if r.Kind == RuleMin {
			return !v.LessThan(bound), true
		}
		return !v.GreaterThan(bound), true
	case RuleFormat:
		if f := formatChecks[r.Func]; f != nil {
			return f(literal), true
		}
	case RulePattern:
		if re, err := regexp.Compile(r.Pattern); err == nil {
			return re.MatchString(literal), true
		}
	}
	return false, false
}

// DefaultPassesRules reports whether every row that takes c's default
// passes c's rules: true for a nullable column without a default (NULL
// passes every rule's CHECK) and for a literal default that each rule
// holds for; false for an expression default or a rule that cannot be
// decided. A column added with such a default cannot make the CHECKs of
// its rules fail on the rows the table already has.
func DefaultPassesRules(c *Column) bool {
	d := c.Spec.Default
	switch {
	case c.Spec.GoType != "" && !c.Spec.Rules.IsZero():
		// The rules of a go_type column are checked by the database only.
		return false
	case d == nil:
		return c.Nullable && !c.Identity
	case d.Kind != spec.DefaultLiteral:
		return false
	}
	for _, r := range c.Rules {
		if ok, known := r.Holds(d.Literal); !ok || !known {
			return false
		}
	}
	return true
}
