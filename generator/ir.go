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
	SQL CRUDSQL
	// Batch holds what the bulk methods need: FindByIDs, CreateMany and
	// CreateManyReturning.
	Batch BatchSQL
	// UniqueKeys are the keys an upsert can name in ON CONFLICT, in spec
	// order: the primary key (when the caller supplies it), unique
	// columns, unique indexes over columns.
	UniqueKeys []*UniqueKey
	// Relations are the table's relations in both directions: BelongsTo
	// for each of its foreign key columns, HasMany for each foreign key of
	// another table that references it, then its ManyToMany relations.
	Relations []*Relation
	// Queries are the spec's queries on the table, in spec order.
	Queries []*Query
	// Notes are sentences for the repository's doc comment about methods
	// that are not generated, and why.
	Notes []string
	Spec  *spec.Table
}

// Statement is one SQL statement of a generated method, computed at
// generation time and emitted as an unexported constant.
type Statement struct {
	// Const is the Go constant's name.
	Const string
	// SQL is the statement's text; its first line is
	// "-- name: table.Method".
	SQL string
}

// BatchSQL describes a table's bulk methods.
type BatchSQL struct {
	// FindByIDs selects the rows whose primary key is in an array; nil
	// when the key has several columns.
	FindByIDs *Statement
	// CopySource is the name of the pgx.CopyFromSource type CreateMany
	// streams rows through; "" when CreateMany is not generated.
	CopySource string
	// CopyOptional are the insert columns with a default (runtime.Opt
	// fields): bit i of a row's mask is set when CopyOptional[i] is. A
	// COPY sends the insert columns without a default plus the optional
	// columns set in its group's mask, in column order.
	CopyOptional []*Column
	// CopyEnums are the quoted names of the enums whose array types COPY
	// must know: pgx encodes an enum array in binary only once the type
	// is registered on the connection.
	CopyEnums []string
	// Returning is the INSERT … SELECT FROM unnest(…) statement of
	// CreateManyReturning, with ReturningArgs the arrays it binds, in
	// placeholder order. When ReturningBatch is set instead (a column
	// type unnest cannot carry, such as an array), CreateManyReturning
	// queues the Create statement once per row in one pgx.Batch.
	Returning      Statement
	ReturningArgs  []Arg
	ReturningBatch bool
}

// UniqueKey is a set of columns with a unique constraint or index, and
// the upserts generated for it.
type UniqueKey struct {
	Columns []*Column
	// Where is the predicate of a partial unique index, repeated in ON
	// CONFLICT so that PostgreSQL infers the index; "" otherwise.
	Where string
	// Upsert (UpsertByEmail) inserts or updates; CreateIfAbsent
	// (CreateIfAbsentByEmail) inserts or returns the row already there.
	Upsert         string
	CreateIfAbsent string
	// UpsertSQL and CreateIfAbsentSQL bind the arguments of
	// CRUDSQL.CreateArgs, read from the insert struct.
	UpsertSQL         Statement
	CreateIfAbsentSQL Statement
}

// RelationKind says which side of a foreign key a relation is seen from.
type RelationKind int

// The kinds of relation.
const (
	// BelongsTo is a foreign key column of the table itself (accounts.user_id
	// seen from accounts).
	BelongsTo RelationKind = iota
	// HasMany is a foreign key of another table that references this one
	// (accounts.user_id seen from users).
	HasMany
	// ManyToMany links the table to Target through a join table.
	ManyToMany
)

// Relation is one relation of a table, with the names and statements of
// the methods generated for it on the table's repository.
type Relation struct {
	Kind RelationKind
	// Table is the table whose repository has the methods; Target the
	// table at the other end.
	Table  *Table
	Target *Table
	// Child is the table holding the foreign key column FK (Table for
	// BelongsTo, Target for HasMany, Through for ManyToMany); Ref is the
	// column FK references.
	Child *Table
	FK    *Column
	Ref   *Column
	// Through is the join table of a many-to-many relation, To its column
	// referencing Target, and ToRef the column of Target it references.
	Through *Table
	To      *Column
	ToRef   *Column
	// Key is the Go type of the values FK holds (the pointer of a nullable
	// column removed): the key type of the maps the loaders return.
	Key GoType
	// Loader is the unexported function that loads the rows of Child by
	// FK (BelongsTo and HasMany share it): load<Child>By<FK>.
	Loader string
	// List (BelongsTo: ListByUserID) returns the rows with one FK value;
	// Load (BelongsTo: LoadByUserID, HasMany: LoadAccounts, ManyToMany:
	// LoadLabels) the rows for many keys or parents at once; Link and
	// Unlink (ManyToMany: LinkLabel, UnlinkLabel) add and remove a pair.
	List   string
	Load   string
	Link   string
	Unlink string
	// ListSQL and LoadSQL are the statements of List and of the loader
	// (BelongsTo) or of Load (ManyToMany); LinkSQL and UnlinkSQL those of
	// Link and Unlink.
	ListSQL   Statement
	LoadSQL   Statement
	LinkSQL   Statement
	UnlinkSQL Statement
	// Skipped says why no method is generated for the relation, or "".
	// LinkSkipped likewise for Link alone.
	Skipped     string
	LinkSkipped string
	Pos         spec.Pos
}

// Query is a spec query with the names, parameters and statements of its
// methods.
type Query struct {
	// Name is the method's name (ForUser); Stream the streaming variant's
	// (ForUserStream), or "".
	Name   string
	Stream string
	Kind   spec.QueryKind
	Table  *Table
	// Returns is "one", "many", "count" or "exists" for structured
	// queries, "one", "many", "exec" or "rows_affected" for raw ones.
	Returns string
	// Paginate is "", "keyset" or "offset"; the method then takes a
	// runtime.PageArgs and returns a runtime.Page.
	Paginate string
	Comment  string
	// Params are the method's parameters after ctx (and before the page),
	// in spec order. ParamsType is the name of the struct that carries
	// them (ForUserParams), or "" when they are passed positionally.
	Params     []*QueryParam
	ParamsType string
	// Result is the type one row is read into (one and many).
	Result *Result
	// Optional are the parameters whose presence picks a variant: bit i
	// of a variant's index is set when Optional[i] is. Empty when the
	// query has no optional filter, or more than maxVariantFilters, which
	// then test their parameter in SQL instead.
	Optional []*QueryParam
	// Variants are the query's statements, one per combination of set
	// optional parameters, indexed by that bit mask.
	Variants []*QueryVariant
	// Cursor are the columns whose values make a keyset cursor: the
	// order_by columns.
	Cursor []*Column
	Spec   *spec.Query
}

// QueryVariant is one form of a query's statements, for one combination
// of set optional parameters.
type QueryVariant struct {
	// Main is the statement of a query that is not paginated, of the
	// first keyset page, and of every offset page.
	Main Statement
	// After is the keyset page after a cursor (keyset pagination only).
	After Statement
	// Stream is the statement of the streaming method of a paginated
	// query (Main without its LIMIT); unused otherwise, as the stream of
	// a query that is not paginated runs Main.
	Stream Statement
	// Args are the arguments Main binds first, in placeholder order. After
	// them come, for keyset pages, the cursor values (After only) and the
	// page size plus one; for offset pages, the page size plus one and the
	// offset.
	Args []QueryArg
}

// QueryParamKind tells what a query parameter is for.
type QueryParamKind int

// The kinds of query parameter.
const (
	// FilterParam is a value compared with a column.
	FilterParam QueryParamKind = iota
	// LimitParam is the caller's row limit (limit: param).
	LimitParam
	// OffsetParam is the caller's offset (offset: true).
	OffsetParam
	// RawParam is a declared parameter of a raw query.
	RawParam
)

// QueryParam is one parameter of a query method: a positional parameter
// or a field of its params struct.
type QueryParam struct {
	Kind QueryParamKind
	// Name is the spec's name of the parameter (cur, created_at_from).
	Name string
	// Field is the params struct field (Cur); Local the name of a
	// positional parameter (cur).
	Field string
	Local string
	// Go is the type of the value; Optional wraps it in runtime.Opt.
	Go       GoType
	Optional bool
	// Doc is the field's doc comment.
	Doc string
	// Column is the column a filter parameter is compared with.
	Column *Column
}

// QueryArg is one argument a query statement binds, read from a
// parameter as Kind says (ArgValue, ArgOptValue, ArgOptPtr, ArgOptSet).
type QueryArg struct {
	Param *QueryParam
	Kind  ArgKind
}

// Result is the Go type a query's rows are read into: a table's model,
// or a struct of the raw query's declared columns.
type Result struct {
	// Name is the Go type (Account, RichestUsersRow).
	Name string
	// Table is the table whose model Name is; nil for a row struct.
	Table *Table
	// Fields are a row struct's fields in column order.
	Fields []*ResultField
	// Scan and Collect name the functions reading one row (see
	// scanName and collectName).
	Scan    string
	Collect string
}

// ResultField is one column of a raw query's result.
type ResultField struct {
	SQLName string
	Field   string
	JSON    string
	Go      GoType
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
