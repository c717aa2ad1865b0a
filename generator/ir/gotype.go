package ir

import (
	"strings"

	"github.com/cpcgen/cpcgen/internal/pgtypes"
)

// Import paths of the packages generated code uses. Emitters refer to them
// through these constants only; the column types' come from their rows
// (package pgtypes).
const (
	PathRuntime = "github.com/cpcgen/cpcgen/runtime"
	PathUUID    = pgtypes.PathUUID
	PathDecimal = pgtypes.PathDecimal
	PathPgx     = "github.com/jackc/pgx/v5"
	PathPgconn  = "github.com/jackc/pgx/v5/pgconn"
	PathPgtype  = pgtypes.PathPgtype
	PathTime    = pgtypes.PathTime
	PathJSON    = pgtypes.PathJSON
	PathNetip   = pgtypes.PathNetip
	PathContext = "context"
	PathIter    = "iter"
	PathErrors  = "errors"
	PathFmt     = "fmt"
	PathSlices  = "slices"
	PathCmp     = "cmp"
	PathBytes   = "bytes"
)

// ImportNames are the names the generated files import packages under.
var ImportNames = map[string]string{
	PathRuntime: "runtime",
	PathUUID:    "uuid",
	PathDecimal: "decimal",
	PathPgx:     "pgx",
	PathPgconn:  "pgconn",
	PathPgtype:  "pgtype",
	PathTime:    "time",
	PathJSON:    "json",
	PathNetip:   "netip",
	PathContext: "context",
	PathIter:    "iter",
	PathErrors:  "errors",
	PathFmt:     "fmt",
	PathSlices:  "slices",
	PathCmp:     "cmp",
	PathBytes:   "bytes",
}

// ImportPaths lists ImportNames' keys in a fixed order.
var ImportPaths = []string{
	PathRuntime, PathUUID, PathDecimal, PathPgx, PathPgconn, PathPgtype, PathTime,
	PathJSON, PathNetip, PathContext, PathIter, PathErrors, PathFmt, PathSlices, PathCmp, PathBytes,
}

// GoType is a Go type as the emitters write it.
type GoType struct {
	// Path is the import path of the named type ("" for predeclared
	// types and types of the generated package).
	Path string
	// Name is the type name: string, UUID, Decimal, Currency.
	Name string
	// ArgPath and ArgName name the type argument of a generic type
	// (pgtype.Range[int32]); ArgName is "" for other types.
	ArgPath string
	ArgName string
	// Slice makes it []Name; Ptr makes it *Name (or *[]Name); Null makes
	// it runtime.Null[Name], the form of a nullable scalar column.
	Slice bool
	Ptr   bool
	Null  bool
	// NilIsNull is set when nil of Name already stands for NULL
	// (json.RawMessage, []byte), so a nullable column needs no pointer.
	NilIsNull bool
}

// GoTypeOf returns the Go type of a value of the base type row (a
// non-null scalar).
func GoTypeOf(row *pgtypes.Type) GoType {
	g := row.Go
	return GoType{Path: g.Path, Name: g.Name, ArgPath: g.ArgPath, ArgName: g.ArgName, NilIsNull: row.NilIsNull}
}

// String writes the type as Go source: *[]uuid.UUID, Currency,
// pgtype.Range[int32]. Imported types are qualified by their package's
// name (the last element of the import path, without a major-version
// suffix or a "go-" prefix).
func (t GoType) String() string {
	if t.Null {
		return "runtime.Null[" + t.Elem().String() + "]"
	}
	s := ""
	if t.Ptr {
		s += "*"
	}
	if t.Slice {
		s += "[]"
	}
	if t.Path != "" {
		s += packageName(t.Path) + "."
	}
	s += t.Name
	if t.ArgName != "" {
		s += "["
		if t.ArgPath != "" {
			s += packageName(t.ArgPath) + "."
		}
		s += t.ArgName + "]"
	}
	return s
}

// packageName guesses a package's name from its import path:
// github.com/jackc/pgx/v5 → pgx, gopkg.in/x/go-yaml → yaml.
func packageName(importPath string) string {
	if name, ok := ImportNames[importPath]; ok {
		return name
	}
	parts := strings.Split(importPath, "/")
	last := parts[len(parts)-1]
	if len(parts) > 1 && len(last) > 1 && last[0] == 'v' && strings.Trim(last[1:], "0123456789") == "" {
		last = parts[len(parts)-2]
	}
	return strings.TrimPrefix(last, "go-")
}

// Elem returns the type without its pointer or runtime.Null.
func (t GoType) Elem() GoType {
	t.Ptr, t.Null = false, false
	return t
}

// Nullable reports whether t is a pointer or a runtime.Null: a field of
// the type may be NULL without its Go type's nil.
func (t GoType) Nullable() bool { return t.Ptr || t.Null }

// IsSliceLike reports whether values of t are slices, whose nil already
// stands for NULL, so a nullable column needs no pointer.
func (t GoType) IsSliceLike() bool {
	return t.Slice || t.NilIsNull
}
