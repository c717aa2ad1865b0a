package generator

import "github.com/cpcgen/cpcgen/spec"

// Package is the IR of one generated Go package: everything the emitters
// read. Names are computed once, here; slices keep spec order.
type Package struct {
	// Name is the Go package name; ImportPath its import path ("" when
	// the project has no go.mod).
	Name       string
	ImportPath string
	// Dir is the output directory, relative to the project root and
	// slash-separated.
	Dir string
	// Sources are the spec files the package is generated from.
	Sources []string
	Enums   []*Enum
	Tables  []*Table
	// Project is the validated input, for emitters that report positions
	// (migrations lint) — never for re-deriving facts.
	Project *spec.Project
}

// Enum is a PostgreSQL enum and its Go string type.
type Enum struct {
	SQLName string
	// Quoted is the SQL name quoted for use in statements.
	Quoted string
	// GoName is the Go type name: currency → Currency.
	GoName  string
	Comment string
	Values  []*EnumValue
	Source  string
	Spec    *spec.Enum
}

// EnumValue is one label and its Go constant.
type EnumValue struct {
	Label string
	// GoName is the constant's name: CurrencyUSD, DealStageClosedWon.
	GoName string
}

// Table is one table with everything generated for it.
type Table struct {
	SQLName string
	Quoted  string
	// Model is the row type (User); Plural names the Store field (Users).
	Model  string
	Plural string
	// Repo, NewType and UpdateType name the repository, the insert
	// struct and the update struct: UserRepo, NewUser, UserUpdate.
	Repo       string
	NewType    string
	UpdateType string
	// Op is the prefix of operation names in errors and traces: the SQL
	// table name ("users" → "users.Create").
	Op string
	// File is the Go file's name within the package directory.
	File    string
	Source  string
	Comment string
	Columns []*Column
	// PK are the primary key columns in key order.
	PK []*Column
	// Insert are the columns a caller may set on Create, in column order:
	// all but identity columns and columns the table's options manage.
	Insert []*Column
	// Updatable are the columns an update may change: all but primary key,
	// identity and managed columns.
	Updatable []*Column
	// CreatedAt, UpdatedAt, DeletedAt and Version are the managed columns,
	// or nil.
	CreatedAt *Column
	UpdatedAt *Column
	DeletedAt *Column
	Version   *Column
	Audit     bool
	Tenant    *Column
	// SQL holds the statements of the CRUD methods.
	SQL  CRUDSQL
	Spec *spec.Table
}

// CRUDSQL are the statements of a table's CRUD methods, computed at
// generation time. Each starts with a "-- name: table.Method" line that
// tracers and pg_stat_activity show.
type CRUDSQL struct {
	Create string
	// CreateArgs are the arguments of Create after ctx, in placeholder
	// order, read from the insert struct.
	CreateArgs []Arg
	FindByID   string
	FindAll    string
	ListFirst  string
	ListAfter  string
	Update     string
	// UpdateArgs are the arguments of Update after the primary key, read
	// from the update struct.
	UpdateArgs []Arg
	Delete     string
	Count      string
}

// Column is one column of a table.
type Column struct {
	SQLName string
	Quoted  string
	// Field is the Go struct field name (UserID); Param the name of a
	// function parameter or local (userID); JSON the json tag name.
	Field string
	Param string
	JSON  string
	Type  spec.Type
	// SQLType is the column's type as written in casts: numeric(18,2),
	// "currency", text[].
	SQLType string
	// Go is the type of the model's field (a pointer for nullable
	// scalars; slices stay slices, nil meaning NULL).
	Go GoType
	// Select is the column as it appears in a select list (quoted, with
	// a cast where the driver needs one, e.g. enum arrays as text[]).
	Select   string
	Nullable bool
	// HasDefault is set when the column has a default (or identity):
	// the insert struct makes it optional.
	HasDefault bool
	Identity   bool
	Managed    spec.Managed
	Comment    string
	Spec       *spec.Column
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

// Elem returns the type without its pointer.
func (t GoType) Elem() GoType {
	t.Ptr = false
	return t
}

// ArgKind says how a statement argument is read from a struct field.
type ArgKind int

// The ways to read an argument.
const (
	// ArgValue passes the field as it is.
	ArgValue ArgKind = iota
	// ArgOptPtr passes a runtime.Opt field as a pointer, nil when unset.
	ArgOptPtr
	// ArgOptSet passes whether a runtime.Opt field is set.
	ArgOptSet
	// ArgOptValue passes a runtime.Opt field's value.
	ArgOptValue
)

// Arg is one argument of a generated statement, read from the column's
// field of an insert or update struct.
type Arg struct {
	Column *Column
	Kind   ArgKind
}
