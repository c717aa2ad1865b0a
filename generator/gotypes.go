package generator

import (
	"strconv"
	"strings"

	"github.com/cpcgen/cpcgen/spec"
)

// Import paths of the packages generated code uses. Emitters refer to them
// through these constants only.
const (
	pathRuntime = "github.com/cpcgen/cpcgen/runtime"
	pathUUID    = "github.com/google/uuid"
	pathDecimal = "github.com/shopspring/decimal"
	pathPgx     = "github.com/jackc/pgx/v5"
	pathPgconn  = "github.com/jackc/pgx/v5/pgconn"
	pathPgtype  = "github.com/jackc/pgx/v5/pgtype"
	pathTime    = "time"
	pathJSON    = "encoding/json"
	pathNetip   = "net/netip"
	pathContext = "context"
	pathIter    = "iter"
	pathErrors  = "errors"
	pathFmt     = "fmt"
	pathSlices  = "slices"
)

// importNames are the names the generated files import packages under.
var importNames = map[string]string{
	pathRuntime: "runtime",
	pathUUID:    "uuid",
	pathDecimal: "decimal",
	pathPgx:     "pgx",
	pathPgconn:  "pgconn",
	pathPgtype:  "pgtype",
	pathTime:    "time",
	pathJSON:    "json",
	pathNetip:   "netip",
	pathContext: "context",
	pathIter:    "iter",
	pathErrors:  "errors",
	pathFmt:     "fmt",
	pathSlices:  "slices",
}

// importPaths lists importNames' keys in a fixed order.
var importPaths = []string{
	pathRuntime, pathUUID, pathDecimal, pathPgx, pathPgconn, pathPgtype, pathTime,
	pathJSON, pathNetip, pathContext, pathIter, pathErrors, pathFmt, pathSlices,
}

// baseGoType maps a spec base type to its Go type (without slice or
// pointer).
func baseGoType(name string) GoType {
	switch name {
	case "uuid":
		return GoType{Path: pathUUID, Name: "UUID"}
	case "text", "varchar", "char", "citext":
		return GoType{Name: "string"}
	case "boolean":
		return GoType{Name: "bool"}
	case "smallint":
		return GoType{Name: "int16"}
	case "integer":
		return GoType{Name: "int32"}
	case "bigint":
		return GoType{Name: "int64"}
	case "numeric":
		return GoType{Path: pathDecimal, Name: "Decimal"}
	case "real":
		return GoType{Name: "float32"}
	case "double precision":
		return GoType{Name: "float64"}
	case "date", "timestamp", "timestamptz":
		return GoType{Path: pathTime, Name: "Time"}
	case "time":
		return GoType{Path: pathPgtype, Name: "Time"}
	case "interval":
		return GoType{Path: pathPgtype, Name: "Interval"}
	case "jsonb", "json":
		return GoType{Path: pathJSON, Name: "RawMessage"}
	case "bytea":
		return GoType{Name: "[]byte"}
	case "inet", "cidr":
		return GoType{Path: pathNetip, Name: "Prefix"}
	}
	return GoType{Name: "string"}
}

// isSliceLike reports whether values of t are slices, whose nil already
// stands for NULL, so a nullable column needs no pointer.
func isSliceLike(t GoType) bool {
	return t.Slice || t.Name == "[]byte" || t.Name == "RawMessage" && t.Path == pathJSON
}

// goTypeOf returns the Go type of a value of type t: enums map to their
// generated type, arrays to slices, and nullable scalars to pointers.
func goTypeOf(t spec.Type, nullable bool, enums map[string]*Enum) GoType {
	var g GoType
	if t.Enum != nil {
		g = GoType{Name: enums[t.Enum.Name].GoName}
	} else {
		g = baseGoType(t.Name)
	}
	if t.ArrayDims > 0 {
		g.Slice = true
	}
	if nullable && !isSliceLike(g) {
		g.Ptr = true
	}
	return g
}

// parseGoType reads a go_type override: "Name" (a type of the generated
// package or a predeclared one), "path/to/pkg.Name", with an optional
// leading "*" and "[]".
func parseGoType(s string) (GoType, bool) {
	var g GoType
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
			return GoType{}, false
		}
	} else {
		g.Name = s
	}
	if !isGoIdent(g.Name) {
		return GoType{}, false
	}
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

// sqlType returns the type as written in an SQL cast or DDL:
// varchar(64), numeric(18,2), timestamptz(3), "deal_stage", text[].
func sqlType(t spec.Type) string {
	var s string
	if t.Enum != nil {
		s = quoteIdent(t.Enum.Name)
	} else {
		s = t.Name
		if len(t.Args) > 0 {
			parts := make([]string, len(t.Args))
			for i, a := range t.Args {
				parts[i] = strconv.Itoa(a)
			}
			s += "(" + strings.Join(parts, ",") + ")"
		}
	}
	return s + strings.Repeat("[]", t.ArrayDims)
}

// isEnumArray reports whether t is an array of an enum: pgx knows no codec
// for those, so generated SQL moves them as text[].
func isEnumArray(t spec.Type) bool { return t.Enum != nil && t.ArrayDims > 0 }
