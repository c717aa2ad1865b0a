package ir

import "strings"

// Import paths of the packages generated code uses. Emitters refer to them
// through these constants only.
const (
	PathRuntime = "github.com/cpcgen/cpcgen/runtime"
	PathUUID    = "github.com/google/uuid"
	PathDecimal = "github.com/shopspring/decimal"
	PathPgx     = "github.com/jackc/pgx/v5"
	PathPgconn  = "github.com/jackc/pgx/v5/pgconn"
	PathPgtype  = "github.com/jackc/pgx/v5/pgtype"
	PathTime    = "time"
	PathJSON    = "encoding/json"
	PathNetip   = "net/netip"
	PathContext = "context"
	PathIter    = "iter"
	PathErrors  = "errors"
	PathFmt     = "fmt"
	PathSlices  = "slices"
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
}

// ImportPaths lists ImportNames' keys in a fixed order.
var ImportPaths = []string{
	PathRuntime, PathUUID, PathDecimal, PathPgx, PathPgconn, PathPgtype, PathTime,
	PathJSON, PathNetip, PathContext, PathIter, PathErrors, PathFmt, PathSlices,
}

// GoType is a Go type as the emitters write it.
type GoType struct {
	// Path is the import path of the named type ("" for predeclared
	// types and types of the generated package).
	Path string
	// Name is the type name: string, UUID, Decimal, Currency.
	Name string
	// Slice makes it []Name; Ptr makes it *Name (or *[]Name).
	Slice bool
	Ptr   bool
}

// String writes the type as Go source: *[]uuid.UUID, Currency. Imported
// types are qualified by their package's name (the last element of the
// import path, without a major-version suffix or a "go-" prefix).
func (t GoType) String() string {
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
	return s + t.Name
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

// Elem returns the type without its pointer.
func (t GoType) Elem() GoType {
	t.Ptr = false
	return t
}

// IsSliceLike reports whether values of t are slices, whose nil already
// stands for NULL, so a nullable column needs no pointer.
func (t GoType) IsSliceLike() bool {
	return t.Slice || t.Name == "[]byte" || t.Name == "RawMessage" && t.Path == PathJSON
}
