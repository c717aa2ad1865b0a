package generator

import (
	"strings"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/internal/pgtypes"
)

// goTypeOf returns the Go type of a value of type t: enums map to their
// generated type, arrays to slices, and nullable scalars to
// runtime.Null (pointers for the types the row says, see
// pgtypes.Type.NullPtr).
func goTypeOf(t ir.Type, nullable bool) ir.GoType {
	var g ir.GoType
	if t.Enum != nil {
		g = ir.GoType{Name: t.Enum.GoName}
	} else {
		g = ir.GoTypeOf(t.Base)
	}
	if t.ArrayDims > 0 {
		g.Slice = true
	}
	if nullable && !g.IsSliceLike() {
		if t.Base != nil && t.Base.NullPtr {
			g.Ptr = true
		} else {
			g.Null = true
		}
	}
	return g
}

// parseGoType reads a go_type override: "Name" (a type of the generated
// package or a predeclared one), "path/to/pkg.Name", with an optional
// leading "*" and "[]".
func parseGoType(s string) (ir.GoType, bool) {
	var g ir.GoType
	if strings.HasPrefix(s, "*") {
		g.Ptr = true
		s = s[1:]
	}
	if strings.HasPrefix(s, "[]") {
		g.Slice = true
		s = s[2:]
	}
	if i := strings.LastIndex(s, "."); i >= 0 {
		g.Path, g.Name = s[:i], s[i+1:]
		if g.Path == "" || strings.ContainsAny(g.Path, " \t\"\\") {
			return ir.GoType{}, false
		}
	} else {
		g.Name = s
	}
	if !isGoIdent(g.Name) {
		return ir.GoType{}, false
	}
	g.NilIsNull = pgtypes.GoNilIsNull(g.Path, g.Name)
	return g, true
}

// isGoIdent reports whether s is a valid Go identifier.
func isGoIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || r >= 0x80 && isLetter(r) {
			continue
		}
		if i > 0 && ('0' <= r && r <= '9') {
			continue
		}
		return false
	}
	return true
}
