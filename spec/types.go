package spec

import (
	"strconv"
	"time"

	"github.com/cpcgen/cpcgen/internal/find"
	"github.com/cpcgen/cpcgen/internal/pgtypes"
	"github.com/cpcgen/cpcgen/internal/srcpos"
)

// Pos is a position in a spec file (see srcpos.Pos); the zero Pos means
// "no position".
type Pos = srcpos.Pos

// Config is the decoded cpcgen.yaml of a project.
type Config struct {
	// Root is the directory holding cpcgen.yaml, as given to Load (not
	// necessarily absolute). Every other path in Config is relative to it
	// and slash-separated.
	Root string
	// File is the config file's name relative to Root ("cpcgen.yaml").
	File string
	// Version is the format version; only 1 exists.
	Version int
	// Package says where the generated Go package goes.
	Package PackageConfig
	// Specs are the glob patterns naming the spec files, as written.
	Specs []string
	// Migrations says where versioned migrations live.
	Migrations MigrationsConfig
	// Docs, when Dir is set, is where `cpcgen docs` writes its pages.
	Docs DocsConfig
	// Engine is the database the schema is for: EnginePostgres (the
	// default), or a distributed engine compatible with PostgreSQL
	// (EngineCitus, EngineCockroachDB, EngineYugabyteDB), for which Build
	// refuses what that engine rejects and, for Citus, the schema and the
	// migrations distribute the tables (distributed_by:, reference:).
	// EnginePos is where engine: was written (zero when it was not).
	Engine    string
	EnginePos Pos
	// Methods are the method families generated for every table whose
	// spec does not say (methods:); every family by default.
	Methods Methods
	// Pos is the position of the document's root mapping.
	Pos Pos
}

// PackageConfig is the `package:` section of cpcgen.yaml.
type PackageConfig struct {
	// Name is the Go package name (a valid Go identifier, lower case).
	Name string
	// Dir is the output directory relative to Root (slash-separated,
	// cleaned, never escaping Root).
	Dir string
	// ImportPath is the Go import path of the package. When the config
	// does not set it, Load infers it from the nearest go.mod above Dir;
	// it is empty if there is none.
	ImportPath string
	// Store is the Go name of the type bundling the repositories
	// (`store:`, an exported Go name); "Store" when the config does not
	// set it. StorePos is where it was written.
	Store    string
	StorePos Pos
	Pos      Pos
}

// MigrationsConfig is the `migrations:` section of cpcgen.yaml.
type MigrationsConfig struct {
	// Dir is the migrations directory relative to Root; empty when the
	// project has no migrations section.
	Dir string
	// Format is one of "golang-migrate" (the default), "goose",
	// "flyway", "dbmate", "atlas".
	Format string
	// Table is the revisions table the runner records applied
	// migrations in; default "cpcgen_migrations".
	Table string
	// Offline is set by online: false: migrate diff plans plain DDL (a
	// plain CREATE INDEX, constraints validated where they are added,
	// RENAME COLUMN) for databases that are never busy, instead of the
	// lock-safe plans it writes by default.
	Offline bool
	// LockTimeout is lock_timeout: the longest wait for a lock of each
	// statement cpcgen migrate applies (0: the runner's default, 5s;
	// negative: off, the server's setting applies).
	LockTimeout time.Duration
	// External is the SQL of migrations.external, read from its file:
	// what the migrations use but do not create (another schema's
	// tables, functions, types: Supabase's auth.users), run in every
	// temporary database the migrations are replayed into before them;
	// "" without the key. ExternalFile is the file, relative to Root.
	External     string
	ExternalFile string
	Pos          Pos
}

// DocsConfig is the `docs:` section of cpcgen.yaml.
type DocsConfig struct {
	// Dir is where documentation pages are written, relative to Root.
	Dir string
	Pos Pos
}

// Project is a loaded and validated project: the config and everything
// its spec files declare. Load returns a Project only when the whole
// input is valid; every invariant documented on the types below then
// holds, and every reference (Enum, Table, Column pointers) is resolved
// to an object of the same Project.
type Project struct {
	Config *Config
	// Files are the spec files, relative to Config.Root, sorted.
	Files []string
	// Enums in file order, then declaration order.
	Enums []*Enum
	// Tables in file order, then declaration order.
	Tables []*Table
	// Extensions are the extensions the spec files declare, each once,
	// in file order, then declaration order.
	Extensions []*Extension
	// Objects are the SQL objects (sql_objects:) in file order, then
	// declaration order; their dependencies are resolved and acyclic.
	Objects []*SQLObject
}

// Table returns the table with the given SQL name, or nil.
func (p *Project) Table(name string) *Table {
	return find.First(p.Tables, func(t *Table) bool { return t.Name == name })
}

// Enum returns the enum with the given SQL name, or nil.
func (p *Project) Enum(name string) *Enum {
	return find.First(p.Enums, func(e *Enum) bool { return e.Name == name })
}

// Enum is a PostgreSQL enum type declared under `enums:`.
//
//	enums:
//	  currency: [USD, EUR, GBP]
//	  stage: {values: [lead, won, lost], comment: "Where a deal stands."}
type Enum struct {
	// Name is the SQL type name (a valid identifier, at most 63 bytes).
	Name string
	// Values in declaration order; non-empty, unique, each at most 63
	// bytes.
	Values  []EnumValue
	Comment string
	// GoName is the Go type name given by `go_name:`, or "" for the one
	// derived from Name. GoNamePos is where it was written.
	GoName    string
	GoNamePos Pos
	// RenamedFrom is the enum's previous SQL name, a migration hint.
	RenamedFrom string
	Pos         Pos
}

// EnumValue is one label of an enum.
type EnumValue struct {
	Name string
	// RenamedFrom is the label's previous name (renamed_from:), a
	// migration hint: the value is renamed in place (ALTER TYPE … RENAME
	// VALUE), keeping the rows that hold it; "" when not given (the empty
	// label cannot be named). RenamedFromPos is where it was written.
	RenamedFrom    string
	RenamedFromPos Pos
	Pos            Pos
}

// Table is one table declared under `tables:`.
type Table struct {
	// Name is the SQL table name (a valid identifier, at most 63 bytes).
	Name    string
	Comment string
	// Columns in the order written, followed by the columns that table
	// options add when the spec does not declare them (see Managed).
	Columns []*Column
	// PrimaryKey lists the key's columns in key order: one column says
	// `primary_key: true` or the table has `primary_key: [a, b]`. Empty
	// for a table without a primary key, whose repository has no methods
	// by key.
	PrimaryKey []*Column
	// PrimaryKeyName is the primary key constraint's name as
	// primary_key_name: gives it (a table renamed since its key was
	// created keeps the old name), "" for PostgreSQL's <table>_pkey;
	// PrimaryKeyNamePos is where it is written.
	PrimaryKeyName    string
	PrimaryKeyNamePos Pos
	Indexes           []*Index
	// Checks are table-level CHECK constraints (`checks:`); column-level
	// checks stay on their Column.
	Checks []*Check
	// Timestamps is set by `timestamps: true`: CreatedAt and UpdatedAt
	// are then non-nil.
	Timestamps bool
	CreatedAt  *Column
	UpdatedAt  *Column
	// SoftDelete is the nullable timestamptz column set by `soft_delete:`
	// (`soft_delete: true` means deleted_at), or nil.
	SoftDelete *Column
	// Version is the bigint column of `optimistic_lock:` (`true` means
	// version), or nil.
	Version *Column
	// Audit is set by `audit: true`.
	Audit bool
	// Tenant is the column named by `tenant:`, or nil.
	Tenant *Column
	// AllowSequentialIDs is set by tenant: {column: …,
	// allow_sequential_ids: true}: the build does not warn that the
	// table's primary key lets one tenant observe another's (a
	// client-chosen integer, or a global sequence). TenantPos is where
	// tenant: was written.
	AllowSequentialIDs bool
	TenantPos          Pos
	// ManyToMany are the relations declared under `many_to_many:`.
	ManyToMany []*ManyToMany
	// Methods are the table's method families (`methods:`), or nil for
	// those of cpcgen.yaml.
	Methods *Methods
	// Cache is the table's row cache (`cache: true`, or `cache: {ttl,
	// max_entries}`), or nil when the table is not cached.
	Cache *Cache
	// DistributedBy is the column named by `distributed_by:`, or nil;
	// Reference is set by `reference: true` (a replicated table).
	// DistributedByPos and ReferencePos are where the keys were written.
	DistributedBy    *Column
	Reference        bool
	DistributedByPos Pos
	ReferencePos     Pos
	// Partition is the table's `partition:` (PARTITION BY and its
	// partitions), or nil for a plain table.
	Partition *Partitioning
	// RenamedFrom is the table's previous SQL name, a migration hint.
	RenamedFrom string
	// GoName is the Go name of the table's row type given by `go_name:`
	// (the repository, insert and update structs and the Store field are
	// named after it), or "" for the one derived from Name. GoNamePos is
	// where it was written.
	GoName    string
	GoNamePos Pos
	// Queries are the table's entries under `queries:`, in order.
	Queries []*Query
	// View is set for a view or materialized view (`view:`): a read-only
	// model whose rows its query computes; nil for a table.
	View *View
	// File is the spec file declaring the table.
	File string
	Pos  Pos
}

// Cache is the row cache option of a table: its generated by-key reads
// go through a cache that its writes invalidate (docs/caching.md).
type Cache struct {
	// TTL is the time to live of an entry, a backstop; zero means the
	// run time's default (runtime.CacheConfig.TTL).
	TTL time.Duration
	// MaxEntries bounds the table's in-process cache; zero means the run
	// time's default (runtime.CacheConfig.MaxEntries).
	MaxEntries int
	// Pos is where cache: is written.
	Pos Pos
}

// Column returns the table's column with the given SQL name, or nil.
func (t *Table) Column(name string) *Column {
	return find.First(t.Columns, func(c *Column) bool { return c.Name == name })
}

// Managed says which table option owns a column's value.
type Managed int

// The table options that add or take over a column.
const (
	NotManaged Managed = iota
	ManagedCreatedAt
	ManagedUpdatedAt
	ManagedDeletedAt
	ManagedVersion
)

// Column is one column of a table.
type Column struct {
	// Name is the SQL column name (a valid identifier, at most 63 bytes),
	// unique in its table.
	Name string
	Type Type
	// Nullable is set by `nullable: true`; columns are NOT NULL otherwise.
	// Primary key columns are never nullable.
	Nullable bool
	// PrimaryKey is set on every column of the table's primary key.
	PrimaryKey bool
	// Identity is set by `identity: true` (only on smallint, integer and
	// bigint columns): GENERATED BY DEFAULT AS IDENTITY.
	Identity bool
	// Serial is set by `serial: true` (only on smallint, integer and
	// bigint columns): PostgreSQL's smallserial, serial or bigserial, a
	// sequence the column owns and DEFAULT nextval of it, as tables made
	// before identity columns have them.
	Serial bool
	// Unique is set by `unique: true`: a single-column unique constraint.
	// UniqueName is its name when unique_name: gives one, "" for
	// PostgreSQL's default, <table>_<column>_key. UniquePos is where
	// unique: is written.
	Unique     bool
	UniqueName string
	UniquePos  Pos
	// Global is set by `global: true` on a unique column of a tenant
	// table: the column is unique across tenants, not within each
	// tenant (the default). GlobalPos is where it was written.
	Global    bool
	GlobalPos Pos
	// Generated is the expression of `generated: "expr"`, or "": the
	// column is GENERATED ALWAYS AS (expr) STORED, computed by the
	// database and read-only in Go. GeneratedPos is where it is written.
	Generated    string
	GeneratedPos Pos
	// Default is the column's default, or nil.
	Default *Default
	// Check is the column's CHECK expression as written, or "".
	Check    string
	CheckPos Pos
	// References is the column's foreign key, or nil.
	References *Reference
	Comment    string
	// GoType overrides the Go type: "Name" (a type of the generated
	// package), "path/to/pkg.Name", or "*path/to/pkg.Name"
	GoType string
	// RenamedFrom is the column's previous SQL name, a migration hint.
	RenamedFrom string
	// GoName is the Go field name given by `go_name:`, or "" for the one
	// derived from Name. GoNamePos is where it was written.
	GoName    string
	GoNamePos Pos
	// Rules are the validation rules of the column (see Rules).
	Rules Rules
	// Sensitive is set by `sensitive: true`: the value never appears in
	// logs, even when argument logging is on.
	Sensitive bool
	// Collation is the column's collation (collation:), "" for its type's
	// default.
	Collation string
	// Managed says which table option owns the column, if any.
	Managed Managed
	// Implied is set when a table option added the column because the
	// spec did not declare it.
	Implied bool
	Pos     Pos
}

// Type is a resolved column or parameter type.
type Type struct {
	// Name is the canonical base type: one of the names in BaseTypes,
	// or the name of an enum when Enum is set.
	Name string
	// Args are the type modifiers: varchar(64) → [64]; numeric(18,2) →
	// [18 2]; numeric → nil.
	Args []int
	// ArrayDims is the number of [] suffixes (0 for a scalar).
	ArrayDims int
	// Enum is the enum the type names, or nil.
	Enum *Enum
	// Base is the row of the built-in type Name names (its element type
	// for an array), or nil for an enum.
	Base *pgtypes.Type
}

// BaseTypes are the canonical names of the built-in types a spec may use
// (the rows of pgtypes.All). Aliases (int, int4, int8, bool, float8,
// decimal, "timestamp with time zone", "character varying", …) are mapped
// onto these by the loader.
var BaseTypes = pgtypes.Names()

// Elem returns the type of one element of an array type (t itself for a
// scalar).
func (t Type) Elem() Type {
	if t.ArrayDims == 0 {
		return t
	}
	e := t
	e.ArrayDims = 0
	return e
}

// String returns the type as a spec writes it in canonical form:
// "varchar(64)", "numeric(18,2)", "text[]", "currency".
func (t Type) String() string {
	s := t.Name
	if len(t.Args) > 0 {
		s += "("
		for i, a := range t.Args {
			if i > 0 {
				s += ","
			}
			s += strconv.Itoa(a)
		}
		s += ")"
	}
	for i := 0; i < t.ArrayDims; i++ {
		s += "[]"
	}
	return s
}

// DefaultKind tells literals from expressions.
type DefaultKind int

// The kinds of default.
const (
	// DefaultLiteral is a value of the column's type, validated by the
	// loader: Literal holds it in canonical text form.
	DefaultLiteral DefaultKind = iota
	// DefaultExpr is an SQL expression: a function call written plainly
	// (`now()`, `gen_random_uuid()`) or `{sql: "..."}`.
	DefaultExpr
)

// Default is a column default.
type Default struct {
	Kind DefaultKind
	// Literal is the canonical text of a literal: "true"/"false" for
	// booleans, the decimal text of numbers, the label of an enum, the
	// raw (unquoted) text of strings, dates and times, and for arrays
	// PostgreSQL's array text ("{}", "{a,b}").
	Literal string
	// Expr is the SQL text of an expression default.
	Expr string
	Pos  Pos
}

// Reference is a foreign key from a column to a column of a table.
type Reference struct {
	Table  *Table
	Column *Column
	// OnDelete and OnUpdate are "" (NO ACTION), "cascade", "restrict",
	// "set null" or "set default".
	OnDelete string
	OnUpdate string
	// Name is the foreign key constraint's name when references_name:
	// gives one (an existing database's fk_rails_…), "" for PostgreSQL's
	// default, <table>_<column>_fkey.
	Name string
	// Deferrable is deferrable:'s "immediate" (DEFERRABLE INITIALLY
	// IMMEDIATE) or "deferred" (DEFERRABLE INITIALLY DEFERRED, as Django
	// creates every foreign key), "" for a key checked at each statement.
	Deferrable string
	Pos        Pos
}

// Rules are a column's validation rules. Generated Validate methods check
// them, and the migration schema turns them into CHECK constraints where
// PostgreSQL can express them.
type Rules struct {
	// MinLength and MaxLength bound the length in characters of a string
	// column; MaxLength defaults to n for varchar(n) and char(n).
	MinLength *int
	MaxLength *int
	// Min and Max bound a numeric column; the decimal text as written.
	Min string
	Max string
	// Pattern is a regular expression (RE2 syntax, also valid as a
	// PostgreSQL regular expression) the whole value must match.
	Pattern string
	// Format is a named format: "email", "url", "uuid", "hostname",
	// "e164" (phone number), "slug", "alpha", "alphanumeric".
	Format string
	// NotEmpty rejects "" (and, for arrays, empty arrays).
	NotEmpty bool
	Pos      Pos
}

// IsZero reports whether no rule is set.
func (r Rules) IsZero() bool {
	return r.MinLength == nil && r.MaxLength == nil && r.Min == "" && r.Max == "" &&
		r.Pattern == "" && r.Format == "" && !r.NotEmpty
}

// Index is an entry of a table's `indexes:` list.
type Index struct {
	// Name is the index name as written, or "" to let the generator
	// derive one.
	Name string
	// Parts are the indexed columns and expressions, in order; never
	// empty.
	Parts  []*IndexPart
	Unique bool
	// Global is set by `global: true` on a unique index of a tenant
	// table: the index is unique across tenants instead of within each
	// tenant (the default, which puts the tenant column first).
	// GlobalPos is where it was written.
	Global    bool
	GlobalPos Pos
	// Constraint is set by `constraint: true` on a unique index of plain
	// columns: the key is a unique constraint (ADD CONSTRAINT … UNIQUE)
	// rather than a unique index, as a single column's `unique: true` is.
	Constraint bool
	// NullsNotDistinct is set by `nulls_not_distinct: true` on a unique
	// index: rows whose key columns are NULL conflict as equal values do
	// (UNIQUE NULLS NOT DISTINCT, PostgreSQL 15).
	NullsNotDistinct bool
	// Where is the predicate of a partial index, or "".
	Where string
	// Method is the access method ("btree" when empty, "gin", "gist",
	// "hash", "brin").
	Method string
	Pos    Pos
}

// IndexPart is one column or expression of an index.
type IndexPart struct {
	// Column is the indexed column, or nil for an expression part.
	Column *Column
	// Expr is the SQL expression of an expression part
	// (`{expr: "lower(email)"}`).
	Expr  string
	Desc  bool
	Nulls string // "", "first" or "last"
	Pos   Pos
}

// Check is a named table-level CHECK constraint.
type Check struct {
	// Name is the constraint name as written, or "".
	Name string
	Expr string
	Pos  Pos
}

// ManyToMany is a relation through a join table:
//
//	many_to_many:
//	  tags: {through: customer_tags}
//
// The join table has a foreign key to this table (From) and one to the
// related table (To).
type ManyToMany struct {
	// Name is the relation's name as written (a valid identifier).
	Name    string
	Through *Table
	// From is the join table's column referencing this table; To the one
	// referencing Target.
	From   *Column
	To     *Column
	Target *Table
	Pos    Pos
}

// QueryKind tells structured queries from raw SQL ones.
type QueryKind int

// The kinds of query.
const (
	// Structured queries are built from `where`, `order_by`, `limit`…;
	// their types come from the table.
	Structured QueryKind = iota
	// Raw queries carry SQL text with @name parameters.
	Raw
)

// Query is an entry of `queries: <table>:`.
type Query struct {
	// Name is the method name as written (an exported Go identifier
	// without the receiver, e.g. "ForUser").
	Name    string
	Kind    QueryKind
	Table   *Table
	Comment string
	// Returns is, for structured queries, "one", "many" (the default),
	// "count" or "exists"; for raw queries "one", "many" (the default),
	// "exec" or "rows_affected".
	Returns string

	// Where are the filters of a structured query, in order written.
	Where []*Filter
	// OrderBy are the sort terms of a structured query. A keyset query
	// written without order_by gets the primary key columns here,
	// ascending, positioned at its paginate: value.
	OrderBy []*OrderTerm
	// Limit is the fixed row limit (`limit: 50`), or 0.
	Limit int
	// LimitParam is set by `limit: param`: the caller passes the limit.
	LimitParam bool
	// OffsetParam is set by `offset: true`.
	OffsetParam bool
	// Paginate is "", "keyset" or "offset". Keyset requires, on a
	// structured query, an order_by whose columns end in a unique key of
	// the table; on a raw query, Keyset (raw queries have no offset
	// pagination).
	Paginate string
	// Stream adds a streaming variant of a many query.
	Stream bool

	// SQL is the text of a raw query as written, @name parameters
	// included.
	SQL    string
	SQLPos Pos
	// Params are a raw query's declared parameters, in order written.
	Params []*Param
	// Columns are a raw query's declared result columns, in order.
	Columns []*Param
	// Keyset are the result columns a raw query with paginate: keyset
	// orders its pages by (keyset:), in order; the last values of a page
	// make its cursor.
	Keyset []*KeysetKey

	// ReadOnly marks a raw query that may run on a read replica
	// (`read_only: true`, or its alias `replica_ok: true`); it applies to
	// raw queries that return rows. Structured queries only read and are
	// read-only by nature. ReadOnlyPos is where the key was written.
	ReadOnly    bool
	ReadOnlyPos Pos
	// Unscoped lets a raw query on a tenant table omit @tenant.
	Unscoped bool
	// Writes are the tables a raw query that writes declares it writes
	// (`writes: [accounts]`), whose cached rows it invalidates; WritesPos
	// is where the key was written (zero when it was not).
	Writes    []*Table
	WritesPos Pos
	// IncludeDeleted makes a query on a soft-delete table see deleted
	// rows.
	IncludeDeleted bool
	Pos            Pos
}

// KeysetKey is one column of a raw query's keyset: a result column,
// ascending unless Desc.
type KeysetKey struct {
	Name string
	Desc bool
	Pos  Pos
}

// Filter is one condition of a structured query's `where`.
type Filter struct {
	Column *Column
	// Op is one of "eq", "ne", "lt", "lte", "gt", "gte", "in", "like",
	// "ilike", "is_null", "not_null", "between".
	Op string
	// Optional filters are skipped when the caller passes no value.
	Optional bool
	// Param is the parameter's name (the column name unless `param:`
	// says otherwise, in the plural for in: skus); empty for is_null,
	// not_null and fixed values. For
	// between, the parameters are Param+"_from" and Param+"_to".
	Param string
	// Value is a fixed literal (`value: closed`) in canonical text form
	// (see Default.Literal), compared instead of a parameter; for the in
	// operator it is PostgreSQL array text ("{a,b}"). HasValue tells an
	// empty string from no value.
	Value    string
	HasValue bool
	Pos      Pos
}

// OrderTerm is one entry of a structured query's `order_by`.
type OrderTerm struct {
	Column *Column
	Desc   bool
	Nulls  string // "", "first" or "last"
	Pos    Pos
}

// Param is a declared parameter or result column of a raw query.
type Param struct {
	Name     string
	Type     Type
	Nullable bool
	Pos      Pos
}
