package spec

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/cpcgen/cpcgen/internal/pgtypes"
)

// MaxVarcharLen is the largest n of varchar(n) and char(n).
const MaxVarcharLen = pgtypes.MaxLength

// builtinTypeName reports whether name (lower case) is a built-in type
// name or alias, or one of PostgreSQL's that specs may not use.
func builtinTypeName(name string) bool {
	_, unsupported := pgtypes.Unsupported[name]
	return pgtypes.Lookup(name) != nil || unsupported
}

// typeNames lists the names a type may be written as, for suggestions.
func typeNames(enums map[string]*Enum) []string {
	names := append(pgtypes.Names(), pgtypes.AliasNames()...)
	var en []string
	for e := range enums {
		en = append(en, e)
	}
	sort.Strings(en)
	return append(names, en...)
}

// builtin returns the type of a built-in name, for the columns table
// options imply.
func builtin(name string) Type {
	return Type{Name: name, Base: pgtypes.Lookup(name)}
}

// parseType resolves a type as written ("varchar(64)", "text[]",
// "timestamp(3) with time zone", "currency") against the built-in types
// and the declared enums. The error message is ready to report.
func parseType(s string, enums map[string]*Enum) (Type, error) {
	var t Type
	src := strings.Join(strings.Fields(s), " ")
	if src == "" {
		return t, fmt.Errorf("type is empty")
	}
	for {
		trimmed := strings.TrimSpace(src)
		if strings.HasSuffix(trimmed, "[]") {
			src = strings.TrimSuffix(trimmed, "[]")
			t.ArrayDims++
			continue
		}
		if strings.HasSuffix(trimmed, "]") {
			return t, fmt.Errorf("type %q: array sizes are not supported; write []", clip(s))
		}
		src = trimmed
		break
	}
	if t.ArrayDims > 6 {
		return t, fmt.Errorf("type %q has more than 6 array dimensions", clip(s))
	}
	if e, ok := enums[src]; ok && src != strings.ToLower(src) {
		// An enum whose name has capitals ("Role") is named as written;
		// built-in types and other enums in any case.
		t.Name, t.Enum = e.Name, e
		return t, nil
	}
	src = strings.ToLower(src)
	name, args := src, ""
	hasArgs := false
	if i := strings.IndexByte(src, '('); i >= 0 {
		j := strings.IndexByte(src, ')')
		if j < i {
			return t, fmt.Errorf("type %q: unbalanced parentheses", clip(s))
		}
		hasArgs = true
		name = strings.TrimSpace(src[:i])
		args = src[i+1 : j]
		if rest := strings.TrimSpace(src[j+1:]); rest != "" {
			name += " " + rest
		}
		if strings.ContainsAny(name, "()") || strings.ContainsAny(args, "(") {
			return t, fmt.Errorf("type %q: unbalanced parentheses", clip(s))
		}
	}
	var nums []int
	if hasArgs {
		for _, a := range strings.Split(args, ",") {
			v, err := strconv.Atoi(strings.TrimSpace(a))
			if err != nil {
				return t, fmt.Errorf("type %q: modifier %q is not a whole number", clip(s), clip(strings.TrimSpace(a)))
			}
			nums = append(nums, v)
		}
	}
	if name == "float" && hasArgs {
		if len(nums) != 1 || nums[0] < 1 || nums[0] > 53 {
			return t, fmt.Errorf("type %q: float(p) takes one precision between 1 and 53", clip(s))
		}
		base := pgtypes.Lookup("double precision")
		if nums[0] <= 24 {
			base = pgtypes.Lookup("real")
		}
		t.Name, t.Base = base.Name, base
		return t, nil
	}
	base := pgtypes.Lookup(name)
	if base == nil {
		if e, ok := enums[name]; ok {
			if hasArgs {
				return t, fmt.Errorf("enum type %q takes no modifiers", name)
			}
			t.Name, t.Enum = e.Name, e
			return t, nil
		}
		if advice, ok := pgtypes.Unsupported[name]; ok {
			if !strings.Contains(name, "serial") {
				advice += fmt.Sprintf(", or type: {sql: %s} to move its values as text", name)
			}
			return t, fmt.Errorf("type %q is not supported; %s", name, advice)
		}
		if hint := pgtypes.Hint(name); hint != nil {
			return t, fmt.Errorf("unknown type %q; did you mean %q?", clip(name), hint.Name)
		}
		if len(enums) > maxSuggestCands {
			return t, fmt.Errorf("unknown type %q", clip(name))
		}
		cands := append(typeNames(enums), pgtypes.HintNames()...)
		if s := suggest(name, cands); s != "" {
			if hint := pgtypes.Hint(s); hint != nil {
				s = hint.Name
			}
			return t, fmt.Errorf("unknown type %q; did you mean %q?", clip(name), s)
		}
		return t, fmt.Errorf("unknown type %q; a type cpcgen does not model (an extension's, a composite type) is written type: {sql: %q}", clip(name), clip(src))
	}
	mods, err := base.CheckMods(s, nums, hasArgs)
	if err != nil {
		return t, err
	}
	t.Name, t.Base, t.Args = base.Name, base, mods
	return t, nil
}

// sqlType decodes type: {sql: "…"}, a type cpcgen has no row of, named
// by its SQL (pgtypes.SQLNamed).
func (p *parser) sqlType(n *node) (Type, bool) {
	if len(n.pairs) != 1 || n.pairs[0].key.value != "sql" {
		p.errs.Add(n.pos, "type: expected a type name or {sql: \"…\"} naming a type cpcgen does not model, such as {sql: \"geometry(Point,4326)\"}")
		return Type{}, false
	}
	s, ok := p.nonEmpty(n.pairs[0].value, "type sql")
	if !ok {
		return Type{}, false
	}
	elem, dims := strings.TrimSpace(s), 0
	for strings.HasSuffix(elem, "[]") {
		elem, dims = strings.TrimSpace(strings.TrimSuffix(elem, "[]")), dims+1
	}
	if dims > 6 {
		p.errs.Add(n.pairs[0].value.pos, "type {sql: %q} has more than 6 array dimensions", clip(s))
		return Type{}, false
	}
	named := pgtypes.SQLNamed
	if dims > 0 {
		named = pgtypes.SQLNamedArray
	}
	base, err := named(elem)
	if err != nil {
		p.errs.Add(n.pairs[0].value.pos, "%v", err)
		return Type{}, false
	}
	if e, ok := p.enums[base.Catalog]; ok && !strings.Contains(base.Name, ".") {
		p.errs.Add(n.pairs[0].value.pos, "type {sql: %q}: %s is an enum of the spec; write type: %s", clip(s), base.Catalog, e.Name)
		return Type{}, false
	}
	return Type{Name: base.Name, Base: base, ArrayDims: dims}, true
}

// sqlNamed returns the row of c's type when the spec names it by its SQL
// (type: {sql: …}), or nil; nil for a nil c.
func (c *Column) sqlNamed() *pgtypes.Type {
	if c == nil || c.Type.Base == nil || !c.Type.Base.SQLNamed {
		return nil
	}
	return c.Type.Base
}

// noKey returns the row of c's type when c cannot be a key: a type
// without equality, or one named by its SQL (an array of one too); nil
// otherwise.
func (c *Column) noKey() *pgtypes.Type {
	if b := c.sqlNamed(); b != nil {
		return b
	}
	if b := c.Type.scalar(); b != nil && b.NoEquality {
		return b
	}
	return nil
}

// noKeyAdvice says why a column of type b, which has no equality cpcgen
// can use, cannot be a key, and what to do.
func noKeyAdvice(b *pgtypes.Type) string {
	if b.SQLNamed {
		return fmt.Sprintf("cpcgen keys rows only by types it models, not by {sql: %q}; declare the constraint as an sql object", b.Name)
	}
	return fmt.Sprintf("PostgreSQL has no equality operator for type %s; use jsonb", b.Name)
}

// Type classes used by the validation rules: facts of the type's row
// (none for arrays and enums).

func (t Type) scalar() *pgtypes.Type {
	if t.ArrayDims > 0 || t.Enum != nil {
		return nil
	}
	return t.Base
}

func (t Type) isTextLike() bool {
	b := t.scalar()
	return b != nil && b.Text
}

func (t Type) isNumeric() bool {
	b := t.scalar()
	return b != nil && b.Numeric()
}

func (t Type) isInteger() bool {
	b := t.scalar()
	return b != nil && b.Int != nil
}

func (t Type) isTimestamp() bool {
	b := t.scalar()
	return b != nil && b.Timestamp
}

// maxLen returns n of varchar(n) or char(n), or 0.
func (t Type) maxLen() int {
	if b := t.scalar(); b != nil {
		return b.MaxLen(t.Args)
	}
	return 0
}
