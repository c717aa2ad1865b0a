package spec

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// typeAliases maps the other names PostgreSQL accepts onto BaseTypes.
var typeAliases = map[string]string{
	"int":                         "integer",
	"int4":                        "integer",
	"int2":                        "smallint",
	"int8":                        "bigint",
	"bool":                        "boolean",
	"float4":                      "real",
	"float8":                      "double precision",
	"float":                       "double precision",
	"decimal":                     "numeric",
	"character varying":           "varchar",
	"character":                   "char",
	"timestamp with time zone":    "timestamptz",
	"timestamp without time zone": "timestamp",
	"time without time zone":      "time",
}

// typeHints map names other languages and databases use onto the
// PostgreSQL type to suggest instead.
var typeHints = map[string]string{
	"string": "text", "str": "text", "datetime": "timestamptz", "int64": "bigint",
	"int32": "integer", "int16": "smallint", "float64": "double precision",
	"float32": "real", "double": "double precision", "blob": "bytea",
	"bytes": "bytea", "tinyint": "smallint", "mediumint": "integer",
	"long": "bigint", "number": "numeric", "uuid4": "uuid",
	"timestamp with timezone": "timestamptz", "map": "jsonb", "object": "jsonb",
}

// serialTypes are the pseudo-types replaced by identity columns.
var serialTypes = map[string]bool{
	"serial": true, "serial2": true, "serial4": true, "serial8": true,
	"smallserial": true, "bigserial": true,
}

// MaxVarcharLen is the largest n of varchar(n) and char(n).
const MaxVarcharLen = 10485760

// isBaseType reports whether name is one of BaseTypes.
func isBaseType(name string) bool {
	for _, b := range BaseTypes {
		if b == name {
			return true
		}
	}
	return false
}

// builtinTypeName reports whether name (lower case) is a built-in type
// name or alias.
func builtinTypeName(name string) bool {
	_, alias := typeAliases[name]
	return alias || isBaseType(name) || serialTypes[name]
}

// typeNames lists the names a type may be written as, for suggestions.
func typeNames(enums map[string]*Enum) []string {
	names := append([]string(nil), BaseTypes...)
	var aliases []string
	for a := range typeAliases {
		aliases = append(aliases, a)
	}
	sort.Strings(aliases)
	names = append(names, aliases...)
	var en []string
	for e := range enums {
		en = append(en, e)
	}
	sort.Strings(en)
	return append(names, en...)
}

// parseType resolves a type as written ("varchar(64)", "text[]",
// "timestamp(3) with time zone", "currency") against the built-in types
// and the declared enums. The error message is ready to report.
func parseType(s string, enums map[string]*Enum) (Type, error) {
	var t Type
	src := strings.Join(strings.Fields(strings.ToLower(s)), " ")
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
	if serialTypes[name] {
		base := map[string]string{"smallserial": "smallint", "serial2": "smallint", "bigserial": "bigint", "serial8": "bigint"}[name]
		if base == "" {
			base = "integer"
		}
		return t, fmt.Errorf("type %q is not supported; use type: %s with identity: true", name, base)
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
	canon := name
	if a, ok := typeAliases[name]; ok {
		canon = a
	}
	if name == "float" && hasArgs {
		if len(nums) != 1 || nums[0] < 1 || nums[0] > 53 {
			return t, fmt.Errorf("type %q: float(p) takes one precision between 1 and 53", clip(s))
		}
		t.Name = "double precision"
		if nums[0] <= 24 {
			t.Name = "real"
		}
		return t, nil
	}
	if !isBaseType(canon) {
		if e, ok := enums[name]; ok {
			if hasArgs {
				return t, fmt.Errorf("enum type %q takes no modifiers", name)
			}
			t.Name, t.Enum = e.Name, e
			return t, nil
		}
		switch name {
		case "timetz", "time with time zone":
			return t, fmt.Errorf("type %q is not supported; use timestamptz or time", name)
		case "money":
			return t, fmt.Errorf("type \"money\" is not supported; use numeric(p,s)")
		}
		if hint, ok := typeHints[name]; ok {
			return t, fmt.Errorf("unknown type %q; did you mean %q?", clip(name), hint)
		}
		if len(enums) > maxSuggestCands {
			return t, fmt.Errorf("unknown type %q", clip(name))
		}
		cands := typeNames(enums)
		for h := range typeHints {
			cands = append(cands, h)
		}
		sort.Strings(cands[len(cands)-len(typeHints):])
		if s := suggest(name, cands); s != "" {
			if hint, ok := typeHints[s]; ok {
				s = hint
			}
			return t, fmt.Errorf("unknown type %q; did you mean %q?", clip(name), s)
		}
		return t, fmt.Errorf("unknown type %q", clip(name))
	}
	t.Name = canon
	switch canon {
	case "varchar", "char":
		if len(nums) > 1 {
			return t, fmt.Errorf("type %q: %s takes one length", clip(s), canon)
		}
		if len(nums) == 1 && (nums[0] < 1 || nums[0] > MaxVarcharLen) {
			return t, fmt.Errorf("type %q: length must be between 1 and %d", clip(s), MaxVarcharLen)
		}
		if hasArgs {
			t.Args = nums
		} else if canon == "char" {
			t.Args = []int{1} // PostgreSQL's char means char(1)
		}
	case "numeric":
		if len(nums) > 2 {
			return t, fmt.Errorf("type %q: numeric takes a precision and an optional scale", clip(s))
		}
		if len(nums) >= 1 && (nums[0] < 1 || nums[0] > 1000) {
			return t, fmt.Errorf("type %q: precision must be between 1 and 1000", clip(s))
		}
		if len(nums) == 2 && (nums[1] < 0 || nums[1] > nums[0]) {
			return t, fmt.Errorf("type %q: scale must be between 0 and the precision %d", clip(s), nums[0])
		}
		t.Args = nums
	case "timestamp", "timestamptz", "time", "interval":
		if len(nums) > 1 {
			return t, fmt.Errorf("type %q: %s takes one precision", clip(s), canon)
		}
		if len(nums) == 1 && (nums[0] < 0 || nums[0] > 6) {
			return t, fmt.Errorf("type %q: precision must be between 0 and 6", clip(s))
		}
		t.Args = nums
	default:
		if hasArgs {
			return t, fmt.Errorf("type %q: %s takes no modifiers", clip(s), canon)
		}
	}
	return t, nil
}

// Type classes used by the validation rules.

func (t Type) isTextLike() bool {
	if t.ArrayDims > 0 || t.Enum != nil {
		return false
	}
	switch t.Name {
	case "text", "varchar", "char", "citext":
		return true
	}
	return false
}

func (t Type) isNumeric() bool {
	if t.ArrayDims > 0 || t.Enum != nil {
		return false
	}
	switch t.Name {
	case "smallint", "integer", "bigint", "numeric", "real", "double precision":
		return true
	}
	return false
}

func (t Type) isInteger() bool {
	if t.ArrayDims > 0 || t.Enum != nil {
		return false
	}
	switch t.Name {
	case "smallint", "integer", "bigint":
		return true
	}
	return false
}

func (t Type) isTimestamp() bool {
	return t.ArrayDims == 0 && t.Enum == nil && (t.Name == "timestamp" || t.Name == "timestamptz")
}

// maxLen returns n of varchar(n) or char(n), or 0.
func (t Type) maxLen() int {
	if t.ArrayDims == 0 && t.Enum == nil && (t.Name == "varchar" || t.Name == "char") && len(t.Args) == 1 {
		return t.Args[0]
	}
	return 0
}
