package ir

import (
	"github.com/cpcgen/cpcgen/internal/srcpos"
	"strconv"
	"strings"

	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/internal/find"
	"github.com/cpcgen/cpcgen/internal/pgtypes"
)

// Pos is a position in a spec file (see srcpos.Pos); the zero Pos means
// "no position".
type Pos = srcpos.Pos

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
	// Store is the Go name of the type bundling the repositories
	// (package.store in cpcgen.yaml, "Store" by default); NewStore its
	// constructor's.
	Store    string
	NewStore string
	// DocsDir is where the docs page goes (docs.dir in cpcgen.yaml,
	// relative to the project root), or "" for no page.
	DocsDir string
	// Sources are the spec files the package is generated from.
	Sources []string
	Enums   []*Enum
	Tables  []*Table
	// Views are the package's views and materialized views (a table entry
	// with view:): read-only models built like tables (columns, primary
	// key, finders, queries) with View set, no write methods and no
	// schema of their own: the SQL object named like them in Objects
	// creates them. The schema and migration emitters read Tables only.
	Views []*Table
	// Audit is set when a table has audit: true: the package's schema
	// then holds the audit log (AuditTable) and its chain heads and key
	// (AuditHeadTable, AuditKeyTable), and Objects the audit trigger
	// function and each audited table's trigger.
	Audit bool
	// Tenant is the Go type of the tenant columns (one type for the whole
	// package), when a table has tenant:; Policies are the row-level
	// security policies of those tables, in table order.
	Tenant   *GoType
	Policies []*Policy
	// TenantKeys is set when a table has tenant:: the schema then holds
	// the tenant key table (runtime.TenantKeyTable), and Objects the
	// function that verifies tenant tokens (TenantKeyObject).
	TenantKeys bool
	// Engine is the database the package is for (spec.Config.Engine);
	// with Citus, Distributions are the tables' distribution, in the
	// order schema.sql and the migrations apply it.
	Engine        string
	Distributions []*Distribution
	// Constraints are every named constraint of the package, in table
	// order, each with its sentinel: what the generated errs looks a violated
	// constraint's spec name up in.
	Constraints []*Constraint
	// Warnings are what the build found questionable but not wrong
	// (a tenant table whose key lets one tenant observe another's rows),
	// in spec order: generate, check and vet print them without failing.
	Warnings []*Warning
	// Extensions are the extensions the schema needs, in spec order:
	// created before everything else, dropped after.
	Extensions []*Extension
	// Objects are the spec's SQL objects (sql_objects:) in the order
	// they are created, after the tables and enums: each after what it
	// depends on, in spec order otherwise.
	Objects []*Object
}

// Table returns the table with the given SQL name, or nil.
func (p *Package) Table(name string) *Table {
	return find.First(p.Tables, func(t *Table) bool { return t.SQLName == name })
}

// Enum returns the enum with the given SQL name, or nil.
func (p *Package) Enum(name string) *Enum {
	return find.First(p.Enums, func(e *Enum) bool { return e.SQLName == name })
}

// Path joins the package directory and a file name.
func (p *Package) Path(file string) string { return p.Dir + "/" + file }

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
	// RenamedFrom is the enum's previous SQL name (renamed_from:), a
	// migration hint; "" when not given.
	RenamedFrom string
	Pos         Pos
}

// EnumValue is one label and its Go constant.
type EnumValue struct {
	Label string
	// GoName is the constant's name: CurrencyUSD, DealStageClosedWon.
	GoName string
	// RenamedFrom is the label's previous name (renamed_from:), a
	// migration hint; "" when not given.
	RenamedFrom string
}

// Table is one table with everything generated for it.
type Table struct {
	SQLName string
	Quoted  string
	// View is set for a view or materialized view (Package.Views).
	View *View
	// Model is the row type (User); Plural names the Store field (Users);
	// Many names many rows in relation methods (LoadOrders): the plural
	// of Model where the table's name is singular.
	Model  string
	Plural string
	Many   string
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
	// Audit is set by audit: true: the table's trigger records every row
	// any statement changes in the audit log (AuditTable).
	Audit bool
	// Actor is set when the table's writes can change audited rows — it
	// is audited, or its deletes or key updates cascade into an audited
	// table — so that its write methods send the context's actor with
	// their statements (runtime.Acting).
	Actor bool
	// Tenant is the tenant column (tenant:), or nil. It is left out of the
	// insert and update structs: Create stamps the context's tenant.
	Tenant *Column
	// DistributedBy is the distribution column of a Citus distributed
	// table (distributed_by:), or nil; Reference is set for a Citus
	// reference table (reference: true). Both stay unset for other
	// engines.
	DistributedBy *Column
	Reference     bool
	// ReadsDeleted is set when a read of the repository can include
	// soft-deleted rows: the table or a table its relation methods read
	// has soft_delete. The repository then has WithDeleted.
	ReadsDeleted bool
	// Validates is set when Validate checks anything: the repository then
	// calls it before every write.
	Validates bool
	// Cache is the table's row cache (cache:), or nil.
	Cache *Cache
	// Families are the families of methods the repository has (methods:).
	Families Families
	// Scanned is set when generated code reads rows of the table into its
	// model: its methods, its loaders, a query returning its rows, a
	// many-to-many relation reaching it. The file then has the scan
	// function (Scan).
	Scanned bool
	// CacheWrites are what the repository's write methods invalidate in
	// the caches of the package (the table's own, and cached tables the
	// writes reach), in method order; a method not listed invalidates
	// nothing.
	CacheWrites []*CacheWrite
	// Behaviours are the table's behaviours (tenant:, soft_delete:,
	// optimistic_lock:, timestamps:, audit:, rules, distributed_by:), in
	// the order their conditions and SET items enter its statements.
	Behaviours []*Behaviour
	// Constraints are the table's named constraints in schema order: the
	// primary key, unique columns, unique indexes, checks (column checks
	// and rule checks in column order, then table checks), foreign keys.
	Constraints []*Constraint
	// Referenced are the sentinels, declared with this table, of the
	// foreign keys of other tables (or its own) that refuse to delete or
	// re-key one of its rows while rows still reference it.
	Referenced []*Constraint
	// Checks are the CHECK constraints among Constraints, in order.
	Checks []*Constraint
	// SQL holds the statements of the CRUD methods.
	SQL CRUDSQL
	// Batch holds what the bulk methods need: FindByIDs, CreateMany and
	// CreateManyReturning.
	Batch BatchSQL
	// Bulk holds the batch writes by primary key: UpdateMany, DeleteMany
	// and their kin.
	Bulk BulkWrite
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
	// Scan names the function giving the scan destinations of a Model's
	// fields; Args the one giving the values Create binds from an insert
	// struct; UpdateArgs the one giving the value of each field of an
	// update struct (nil when unset); UpdateVar the runtime.Update of
	// Update's statements.
	Scan       string
	Args       string
	UpdateArgs string
	UpdateVar  string
	// PKName is the name of the primary key constraint.
	PKName string
	// Indexes are the spec's indexes of the table, in spec order, named.
	// On a tenant table, a unique index that is not global starts with
	// the tenant column (added first when the spec leaves it out).
	Indexes []*Index
	// TenantKeys are the unique constraints (tenant column, key) that
	// tenant-scoped foreign keys to the table reference, when no other
	// key of the table is over exactly those columns.
	TenantKeys []*TenantKey
	// LivePredicate selects the rows a soft delete has not deleted
	// ("deleted_at" IS NULL); "" without soft_delete.
	LivePredicate string
	// RenamedFrom is the table's previous SQL name (renamed_from:), a
	// migration hint; "" when not given.
	RenamedFrom string
	// Partition is the table's partitioning (PARTITION BY), or nil. Its
	// partitions are Objects of kind partition, which the package's
	// Objects list after the tables.
	Partition *Partitioning
	Pos       Pos
}

// Partitioning is a partitioned table's PARTITION BY.
type Partitioning struct {
	// Method is RANGE, LIST or HASH.
	Method string
	// Key are the partition key's columns, in order.
	Key []*Column
	// Partitions are the table's declared partitions, in order.
	Partitions []Partition
}

// Partition is one partition of a partitioned table.
type Partition struct {
	// Name is the partition's SQL table name; Values its bound as FOR
	// VALUES takes it (FROM (…) TO (…), IN (…), WITH (…)) or DEFAULT.
	Name   string
	Values string
}

// Bound is the partition's bound clause: FOR VALUES IN (1, 2), DEFAULT.
func (p Partition) Bound() string {
	if p.Values == "DEFAULT" {
		return "DEFAULT"
	}
	return "FOR VALUES " + p.Values
}

// Families are the families of repository methods a table has
// (methods: in the spec, all of them by default); the spec's queries are
// generated whatever they say.
type Families struct {
	// CRUD: Create, FindByID, FindByIDs, FindAll, Stream, List, Update,
	// Delete, Count, and the behaviours' single-row methods.
	CRUD bool
	// Batch: CreateMany, CreateManyReturning, UpdateMany(Returning),
	// DeleteMany, and the behaviours' batch methods.
	Batch bool
	// Upsert: UpsertBy<Key> and CreateIfAbsentBy<Key>; with Batch, their
	// batch forms.
	Upsert bool
	// Relations: ListBy<FK> and LoadBy<FK> of the table as a child,
	// Load<Children>, Link and Unlink as a parent (those need the family
	// on the other table too).
	Relations bool
}

// Inserts reports whether a method inserts rows: the insert struct, its
// Validate and its arguments are then generated.
func (f Families) Inserts() bool { return f.CRUD || f.Batch || f.Upsert }

// Updates reports whether a method updates rows by key with the update
// struct: it, its Validate and its arguments are then generated.
func (f Families) Updates() bool { return f.CRUD || f.Batch }

// Keyless reports whether t has no primary key: its repository creates,
// counts and reads rows, and has no method finding, changing or
// deleting a row by key.
func (t *Table) Keyless() bool { return len(t.PK) == 0 }

// Validated reports whether Validate checks c: its rules, its type's
// check, or that a NOT NULL column is not given nil or an invalid value.
func (c *Column) Validated() bool {
	return len(c.Rules) > 0 || c.TypeCheck != nil || c.RefusesNil || c.RefusesInvalid
}

// QueuesCreate reports whether the batch methods queue Create's
// statement (BatchSQL.ReturningBatch) on a table without the crud
// family, so that the statement is declared without Create.
func (t *Table) QueuesCreate() bool {
	return t.Families.Batch && !t.Families.CRUD && t.Batch.ReturningBatch
}

// Has reports whether the table has the behaviour of kind k.
func (t *Table) Has(k BehaviourKind) bool { return t.Behaviour(k) != nil }

// Behaviour returns the table's behaviour of kind k, or nil.
func (t *Table) Behaviour(k BehaviourKind) *Behaviour {
	return find.First(t.Behaviours, func(b *Behaviour) bool { return b.Kind == k })
}

// BehaviourKind names a table behaviour by its spec key.
type BehaviourKind string

// The table behaviours.
const (
	BehaviourTenant         BehaviourKind = "tenant"
	BehaviourSoftDelete     BehaviourKind = "soft_delete"
	BehaviourOptimisticLock BehaviourKind = "optimistic_lock"
	BehaviourTimestamps     BehaviourKind = "timestamps"
	BehaviourAudit          BehaviourKind = "audit"
	BehaviourRules          BehaviourKind = "rules"
	BehaviourDistribution   BehaviourKind = "distributed_by"
)

// Behaviour is one behaviour of a table, as the emitters see it: what it
// is called, which columns it owns, what the repository's doc and the
// docs page say about it, and the repository methods it adds (their
// emitters are registered by kind in the Go emitter).
type Behaviour struct {
	Kind BehaviourKind
	// Columns are the columns the behaviour manages or reads, or none.
	Columns []*Column
	// Name names it in docs: "soft delete".
	Name string
	// Doc is what it does to the repository's methods, in sentences, for
	// the repository's doc comment; "" when it changes nothing there.
	Doc string
	// Methods are the single-row repository methods it adds (with the
	// crud family), BatchMethods their batch forms (with batch).
	Methods      []string
	BatchMethods []string
}

// Column returns the table's column with the given SQL name, or nil.
func (t *Table) Column(name string) *Column {
	return find.First(t.Columns, func(c *Column) bool { return c.SQLName == name })
}

// Methods returns the names of the repository's methods, as the docs
// page lists them: the CRUD methods, the behaviours' methods,
// WithDeleted, the bulk methods and upserts, the relations' methods,
// then the queries (with their streaming methods). A test checks them
// against the methods the Go emitter declares.
func (t *Table) Methods() []string {
	if t.View != nil {
		// A view's repository reads, and refreshes a materialized view.
		out := []string{"FindByID", "FindAll", "Stream", "List", "Count"}
		if t.View.Refresh.Const != "" {
			out = append(out, "Refresh")
		}
		if t.View.RefreshConcurrently.Const != "" {
			out = append(out, "RefreshConcurrently")
		}
		for _, q := range t.Queries {
			out = append(out, q.Name)
			if q.Stream != "" {
				out = append(out, q.Stream)
			}
		}
		return out
	}
	fam := t.Families
	var out []string
	if fam.CRUD {
		out = []string{"Create", "FindByID", "FindAll", "Stream", "List", "Update", "Delete", "Count"}
		if t.Keyless() {
			out = []string{"Create", "FindAll", "Stream", "Count"}
		}
		for _, bh := range t.Behaviours {
			out = append(out, bh.Methods...)
		}
		if t.Batch.FindByIDs != nil {
			out = append(out, "FindByIDs")
		}
	}
	if fam.Batch {
		for _, bh := range t.Behaviours {
			out = append(out, bh.BatchMethods...)
		}
	}
	if t.ReadsDeleted {
		out = append(out, "WithDeleted")
	}
	if fam.Batch {
		if t.Batch.Copier != "" || len(t.Insert) > 0 || t.Tenant != nil {
			// Without a column to set (and no tenant to stamp) there is no
			// row to copy.
			out = append(out, "CreateMany")
		}
		out = append(out, "CreateManyReturning")
	}
	if fam.Upsert {
		for _, k := range t.UniqueKeys {
			out = append(out, k.Upsert, k.CreateIfAbsent)
		}
	}
	if fam.Batch && len(t.Bulk.PK) > 0 {
		if t.Bulk.KeyedUpdate != "" {
			out = append(out, "UpdateMany", "UpdateManyReturning")
		}
		out = append(out, "DeleteMany")
	}
	if fam.Batch && fam.Upsert {
		for _, k := range t.UniqueKeys {
			if k.UpsertMany != "" {
				out = append(out, k.UpsertMany, k.CreateManyIfAbsent)
			}
		}
	}
	for _, r := range t.Relations {
		if !r.Generated() {
			continue
		}
		if r.Kind == BelongsTo {
			out = append(out, r.List)
		}
		if r.Skipped == "" {
			out = append(out, r.Load)
		}
		if r.Kind == ManyToMany && r.LinkSkipped == "" {
			out = append(out, r.Link, r.Unlink)
		}
	}
	for _, q := range t.Queries {
		out = append(out, q.Name)
		if q.Stream != "" {
			out = append(out, q.Stream)
		}
	}
	return out
}

// Index is an index the spec declares on a table.
type Index struct {
	// Name is the index's name: as written, or derived from the table and
	// the columns (users_email_idx, users_email_key when unique).
	Name   string
	Parts  []*IndexPart
	Unique bool
	// Constraint is set when the key is a unique constraint rather than
	// a unique index (`constraint: true`), except on a soft-delete table,
	// whose unique keys are partial unique indexes over the live rows.
	Constraint bool
	// NullsNotDistinct is set on a unique key whose NULLs conflict
	// (NULLS NOT DISTINCT).
	NullsNotDistinct bool
	// Where is the predicate of a partial index as written; Predicate is
	// the one the database gets: for a unique index of a soft-delete
	// table, Where joined with the table's LivePredicate, so that a
	// deleted row does not block a new one.
	Where     string
	Predicate string
	// Method is the access method in lower case ("" or btree, gin, gist,
	// hash, brin, spgist).
	Method string
	Pos    Pos
}

// Columns returns the columns of the index in order, or nil when a part
// is an expression: only an index of plain columns can serve as a key
// that values of the row's fields match.
func (ix *Index) Columns() []*Column {
	cols := make([]*Column, 0, len(ix.Parts))
	for _, p := range ix.Parts {
		if p.Column == nil {
			return nil
		}
		cols = append(cols, p.Column)
	}
	return cols
}

// IndexPart is one column or expression of an index.
type IndexPart struct {
	// Column is the indexed column, or nil for an expression.
	Column *Column
	Expr   string
	Desc   bool
	// Nulls is "", "first" or "last".
	Nulls string
	Pos   Pos
}

// Statement is one SQL statement of a generated method, computed at
// generation time and emitted as an unexported constant.
type Statement struct {
	// Const is the Go constant's name.
	Const string
	// SQL is the statement's text; its first line is
	// "-- name: table.Method", followed by " sensitive=N,…" when
	// placeholders are bound to sensitive columns.
	SQL string
	// Tail are the values the statement binds after the method's own
	// arguments, in placeholder order.
	Tail []TailArg
	// ReadOnly is set for a statement that only reads (replica=ok on its
	// name line).
	ReadOnly bool
	// WithDeleted is, for a read of soft-deleted rows' tables, the same
	// statement without the deleted_at filter (constant
	// Const+"WithDeleted"); nil otherwise.
	WithDeleted *Statement
	// Prefix, when not nil, is the start of the text after the name line
	// that the statement shares with others of its table (UpdateMany and
	// UpdateManyReturning): the generated code spells it once, as a
	// constant, and the statement as its name line, that constant and
	// the rest. SQL still holds the whole text.
	Prefix *SQLPrefix
	// OwnsPrefix marks the statement whose Go code declares the Prefix's
	// constant, before its own.
	OwnsPrefix bool
}

// SQLPrefix is the text several statements of a table start with, after
// their name lines.
type SQLPrefix struct {
	// Const is the Go constant's name.
	Const string
	// SQL is the shared text.
	SQL string
}

// TailArg is a value a statement binds that comes from the table's
// behaviours rather than from the method's parameters.
type TailArg int

// The behaviour values, in the order statements bind them.
const (
	// TailVersion is the version the caller read (optimistic_lock).
	TailVersion TailArg = iota
	// TailTenant is the context's tenant (tenant:).
	TailTenant
)

// Has reports whether s binds the value a.
func (s Statement) Has(a TailArg) bool {
	for _, x := range s.Tail {
		if x == a {
			return true
		}
	}
	return false
}

// Policy is the row-level security policy of a tenant table: rows are
// visible and writable only when their tenant column equals the tenant
// of the statement's verified tenant token (runtime.TenantSetting,
// cpcgen_tenant()). It is plain data, so that the migrations snapshot can
// keep it.
type Policy struct {
	// Table and Column are the SQL names of the tenant table and column;
	// Type is the column's type as the setting is cast to it (uuid,
	// bigint, text).
	Table  string `json:"table"`
	Column string `json:"column"`
	Type   string `json:"type"`
	// Token is set for policies that take the tenant from the verified
	// tenant token (cpcgen_tenant(), see Expr); every policy cpcgen makes
	// is. A snapshot written before tokens has policies without it, which
	// a migration then replaces.
	Token bool `json:"token,omitempty"`
}

// ConstraintKind tells the kinds of named constraint apart.
type ConstraintKind int

// The kinds of named constraint.
const (
	PrimaryKeyConstraint ConstraintKind = iota
	UniqueConstraint
	CheckConstraint
	ForeignKeyConstraint
)

// Constraint is a named constraint of a table and its sentinel error.
type Constraint struct {
	Kind  ConstraintKind
	Table *Table
	// Column is a foreign key's referencing column.
	Column *Column
	// SQLName is the constraint's (or unique index's) name in the
	// database; SpecName how the spec names it (see runtime.DbError).
	SQLName  string
	SpecName string
	// Sentinel is the Go variable: ErrUserEmailTaken.
	Sentinel string
	// Referenced marks a foreign key's second sentinel: the referenced
	// row's delete or re-key refused (runtime.FKReferenced), where the
	// first is the referencing row's write refused (runtime.FKMissing).
	Referenced bool
	// Doc describes what violates it, for the variable's doc comment.
	Doc string
	// Expr is the expression of a check.
	Expr string
	Pos  Pos
}

// RuleKind is what one validation rule checks.
type RuleKind int

// The validation rules, in the order Validate checks a field.
const (
	RuleEnum RuleKind = iota
	RuleNotEmpty
	RuleMinLength
	RuleMaxLength
	RuleMin
	RuleMax
	RuleFormat
	RulePattern
)

// Rule is one check Validate makes on a column's value, and the CHECK
// constraint that makes the database enforce it too, when PostgreSQL can.
type Rule struct {
	Kind   RuleKind
	Column *Column
	// Length is the bound of min_length and max_length, in characters.
	Length int
	// Bound is the bound of min and max in canonical decimal text.
	Bound string
	// Pattern is a pattern rule's regular expression as written (RE2
	// syntax; it must match the whole value).
	Pattern string
	// Format is a format rule's named format (email, url …).
	Format string
	// Message is the FieldError message when the rule fails (see the
	// runtime's …Message functions).
	Message string
	// Check is the CHECK constraint of the rule, or nil.
	Check *Constraint
}

// TypeCheck is a call Validate makes on a column's value to check that
// the column's type can hold it (the type row's Check): Func is the
// runtime function (CheckText, CheckNumeric, CheckInt …), Args the
// integers passed after the value (precision and scale, bits, a bit
// string's length).
type TypeCheck struct {
	Func string
	Args []int
}

// BatchSQL describes a table's bulk methods.
type BatchSQL struct {
	// FindByIDs selects the rows whose primary key is in an array; nil
	// when the key has several columns.
	FindByIDs *Statement
	// Copier names the package-level runtime.Copier CreateMany sends rows
	// through with COPY; "" when CreateMany does not copy. It sends the
	// insert columns; those with a default (runtime.Opt fields) only for
	// the rows that set them.
	Copier string
	// CopyEnums are the quoted names of the enums whose array types COPY
	// must know: pgx encodes an enum array in binary only once the type
	// is registered on the connection.
	CopyEnums []string
	// Returning is the INSERT … SELECT FROM unnest(…) statement of
	// CreateManyReturning; it binds one array per argument of Create
	// (Statements.CreateArgs), in the same order. When ReturningBatch is set instead (a column
	// type unnest cannot carry, such as an array), CreateManyReturning
	// queues the Create statement once per row in one pgx.Batch.
	Returning      Statement
	ReturningBatch bool
	// Insert is CreateMany's statement when COPY cannot serve the table
	// (tenant: — COPY FROM does not run under row-level security — or a
	// type COPY's binary format cannot carry): INSERT … SELECT FROM
	// unnest, binding the arrays Returning binds. Const is "" when CreateMany copies,
	// or, with ReturningBatch, queues Create once per row.
	Insert Statement
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
	// Hidden is set when the row in the way may be one the caller cannot
	// see (another tenant's, or soft-deleted under the primary key): an
	// upsert or CreateIfAbsent that finds no row then reports a conflict.
	Hidden bool
	// MayMiss is set when the upsert can return no row: the row in the
	// way is out of the caller's sight (another tenant's, or soft-deleted
	// under a primary key). The method runs it again, up to three times,
	// then reports a conflict.
	MayMiss bool
	// UpsertMany (UpsertManyByEmail) and CreateManyIfAbsent
	// (CreateManyIfAbsentByEmail) are the batch forms, binding
	// BulkWrite.NewArgs; "" when not generated. Parts order the rows by
	// the key's columns the caller sets (a tenant column is the call's).
	UpsertMany         string
	CreateManyIfAbsent string
	// Bulk names the package-level runtime.Bulk of the batch forms,
	// ordering rows by this key: BulkWrite.New for the first key with
	// batch forms, a Bulk sharing its Row for the others.
	Bulk                  string
	UpsertManySQL         Statement
	CreateManyIfAbsentSQL Statement
	Parts                 []*BulkKeyPart
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

// Generated reports whether the relation's methods are generated: the
// relations family on the table that has them and, for has-many, on the
// child whose loader they call.
func (r *Relation) Generated() bool {
	if r.Kind == HasMany && !r.Target.Families.Relations {
		return false
	}
	return r.Table.Families.Relations
}

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
	// Loader is the unexported runtime.Loader variable that loads the
	// rows of Child by FK (BelongsTo and HasMany share it):
	// load<Child>By<FK>; for ManyToMany, the one loading the rows of
	// Target linked to many owners, load<Table><Name>. A statement with a
	// variant including soft-deleted rows has a second variable, named
	// with WithDeletedSuffix.
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
	Pos         Pos
}

// Query is a spec query with the names, parameters and statements of its
// methods.
type Query struct {
	// Name is the method's name (ForUser); Stream the streaming variant's
	// (ForUserStream), or "".
	Name   string
	Stream string
	Kind   QueryKind
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
	// optional parameters, indexed by that bit mask. With Arrays, the
	// generated code holds each kind of statement (main, after a cursor,
	// stream) in an array variable indexed by the mask, and the Const of
	// a variant's statement is that indexing expression: sqlX[3].
	Variants []*QueryVariant
	Arrays   bool
	// Cursor are the columns whose values make a keyset cursor: the
	// order_by columns.
	Cursor []*Column
	// Keys are, for a raw query with keyset pagination, the result
	// columns whose values make its cursor (keyset:), in order.
	Keys []*CursorKey
	// Scoped is set when the query binds the context's tenant (every
	// query of a tenant table, @tenant in raw SQL): the method reads it
	// first and runs on a database scoped to it.
	Scoped bool
	// Actor is set when the query may write (a raw query not marked
	// read_only) in a package with audited tables: the method runs it as
	// the context's actor (runtime.Acting), for the audit trigger.
	Actor bool
	// Where are a structured query's filters, as the spec writes them.
	Where []*Filter
	// OrderBy are a structured query's sort terms, as the spec writes
	// them.
	OrderBy []*OrderTerm
	// Limit is a structured query's fixed row limit (limit: 50), or 0.
	Limit int
	// IncludeDeleted is set when the query sees soft-deleted rows too
	// (include_deleted: true).
	IncludeDeleted bool
	// SQL is a raw query's SQL text as written, @name parameters
	// included.
	SQL string
	// Columns are a raw query's declared result columns, in order.
	Columns []*RawColumn
	// Writes are the tables a raw query declares it writes (writes:).
	Writes []*Table
	// CacheIndex is, for a finder of a cached table (a structured query
	// returning one row by equality on every column of a unique key), the
	// cache of that key it reads through; nil otherwise.
	CacheIndex *CacheIndex
	// Pos is where the query is declared; SQLPos where a raw query's SQL
	// text starts.
	Pos    Pos
	SQLPos Pos
}

// QueryKind tells structured queries from raw SQL ones.
type QueryKind int

// The kinds of query.
const (
	// Structured queries are built from where, order_by, limit…; their
	// types come from the table.
	Structured QueryKind = iota
	// Raw queries carry SQL text with @name parameters.
	Raw
)

// Filter is one condition of a structured query's where, as written.
type Filter struct {
	Column *Column
	// Op is one of eq, ne, lt, lte, gt, gte, in, like, ilike, is_null,
	// not_null, between.
	Op       string
	Optional bool
	// Param is the parameter's name ("" for is_null, not_null and a
	// fixed value; for between the parameters are Param_from and
	// Param_to); Value a fixed value in canonical literal text, when
	// HasValue.
	Param    string
	Value    string
	HasValue bool
}

// OrderTerm is one ORDER BY term of a structured query.
type OrderTerm struct {
	Column *Column
	Desc   bool
	// Nulls is "", "first" or "last".
	Nulls string
}

// View is what a read-only model over a view has beyond a table's
// reads.
type View struct {
	Materialized bool
	// Refresh is REFRESH MATERIALIZED VIEW, and RefreshConcurrently its
	// CONCURRENTLY form when a unique index allows it (no Const
	// otherwise); neither for a plain view.
	Refresh             Statement
	RefreshConcurrently Statement
}

// CursorKey is one column of a raw keyset query's cursor: a result
// column, the field of the row type that holds it, and its direction.
type CursorKey struct {
	Name  string
	Field string
	Go    GoType
	Desc  bool
}

// RawColumn is a declared parameter or result column of a raw query.
type RawColumn struct {
	Name     string
	Type     Type
	Nullable bool
	Pos      Pos
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
	// TenantParam is the context's tenant: the filter every structured
	// query of a tenant table gets, and @tenant in raw SQL. It is not a
	// parameter of the method.
	TenantParam
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
	// Decl is a raw query parameter's declaration.
	Decl *RawColumn
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
	// Scan names the function reading one row (see scanName).
	Scan string
}

// ResultField is one column of a raw query's result.
type ResultField struct {
	SQLName string
	Field   string
	JSON    string
	Go      GoType
	// TextScan is set for a NOT NULL column of a type named by its SQL,
	// scanned through runtime.Text: pgx may read it in binary.
	TextScan bool
}

// CRUDSQL are the statements of a table's CRUD methods, computed at
// generation time. Each starts with a "-- name: table.Method" line that
// tracers and pg_stat_activity show.
type CRUDSQL struct {
	Create Statement
	// CreateArgs are the arguments of Create after ctx, in placeholder
	// order, read from the insert struct.
	CreateArgs []Arg
	FindByID   Statement
	FindAll    Statement
	ListFirst  Statement
	ListAfter  Statement
	Update     Statement
	// UpdateArgs are the arguments of Update after the primary key, read
	// from the update struct.
	UpdateArgs []Arg
	// UpdateParts are the parts runtime.Update builds Update's statements
	// from, one per set of columns set, Update being the fallback that
	// binds them all; nil when Update binds values after the columns'
	// (a tenant, a version, an actor) or sets nothing.
	UpdateParts *UpdateParts
	// Delete removes the row, or with soft_delete sets deleted_at.
	Delete Statement
	Count  Statement
	// HardDelete removes a row and Restore clears deleted_at (soft_delete
	// only; Const "" otherwise).
	HardDelete Statement
	Restore    Statement
	// Exists tells a stale version from a missing row after an Update or
	// Delete matched none (optimistic_lock only).
	Exists Statement
	// AuditTrail reads the audit log rows of one row, oldest first
	// (audit: true only).
	AuditTrail Statement
}

// UpdateParts are the parts of a table's UPDATE (see runtime.Update):
// Head the statement after its name line up to the SET list, Tail what
// follows it, binding Keys placeholders ($1 to $Keys: the primary key),
// Stamps the SET items every update has (each after ",\n    "), and
// per updatable column (Table.Updatable) the cast of its placeholder (""
// for most; nil when none has one). SensitiveKeys are the sensitive
// placeholders of the key.
type UpdateParts struct {
	Head, Tail    string
	Keys          int
	Stamps        string
	Casts         []string
	SensitiveKeys []int
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
	Type  Type
	// SQLType is the column's type as written in casts: numeric(18,2),
	// "currency", text[].
	SQLType string
	// Go is the type of the model's field (a pointer for nullable
	// scalars; slices stay slices, nil meaning NULL).
	Go GoType
	// Select is the column as it appears in a select list: quoted, with
	// its type's ReadCast (enum arrays as text[], char(n) as text).
	Select   string
	Nullable bool
	// HasDefault is set when the column has a default (or identity):
	// the insert struct makes it optional.
	HasDefault bool
	// Identity is set when a sequence numbers the column: an identity
	// column, or, with Serial, a serial column (smallserial, serial,
	// bigserial: DEFAULT nextval of a sequence the column owns).
	Identity bool
	Serial   bool
	// Generated is the expression of a generated column (GENERATED
	// ALWAYS AS (Generated) STORED), or "": the database computes the
	// value, so the column is in the row struct and no write lists it.
	Generated string
	Managed   Managed
	Comment   string
	// Sensitive is set by sensitive: true: the name line of every
	// statement binding the column lists its placeholders.
	Sensitive bool
	// Collation is the column's collation, "" for its type's default.
	Collation string
	// Rules are what Validate checks on the column's value, in order;
	// empty for a go_type override. RulesVar names the package-level
	// variable holding the column's runtime.TextRules, NumberRules or
	// DecimalRules (length, bound, format and pattern rules), or "" when
	// it has none of those.
	Rules    []*Rule
	RulesVar string
	// TypeCheck is the check Validate makes that a value fits the
	// column's type (text without NUL bytes, valid JSON, numeric(p,s),
	// timestamps in range …), or nil.
	TypeCheck *TypeCheck
	// RefusesNil is set on a NOT NULL column whose Go type has a nil that
	// would be sent as NULL (a slice, json.RawMessage, []byte): Validate
	// refuses nil, in every method; an empty value is the empty value.
	RefusesNil bool
	// RefusesInvalid is set on a NOT NULL column whose Go value is a
	// pgtype struct with a Valid field (pgtype.Interval, Bits, Range …),
	// false for NULL: Validate refuses it false, in every method.
	RefusesInvalid bool
	// PrimaryKey is set on the columns of the primary key; Unique on a
	// column with unique: true, whose constraint (or, on a soft-delete
	// table, partial unique index over the live rows) is UniqueName: ""
	// when the column is the primary key by itself, a column of a
	// composite key has one of its own.
	// UniqueTenant is the tenant column the constraint starts with, on
	// a tenant table where the column is not global: (tenant, column);
	// nil for a key unique across tenants.
	PrimaryKey   bool
	Unique       bool
	UniqueName   string
	UniqueTenant *Column
	// Default is the column's default, or nil.
	Default *Default
	// Check is the column's check: expression as written, or "";
	// CheckName its constraint's name.
	Check     string
	CheckName string
	CheckPos  Pos
	// References is the column's foreign key, or nil.
	References *Reference
	// GoTypeOverride is set when go_type: gives the Go type.
	GoTypeOverride bool
	// DefaultPassesRules is set when every row that takes the column's
	// default passes its rules: a nullable column without a default (NULL
	// passes), or a literal default that each rule holds for. Adding such
	// a column to a table with rows cannot make its rules' checks fail.
	DefaultPassesRules bool
	// RenamedFrom is the column's previous SQL name (renamed_from:), a
	// migration hint; "" when not given.
	RenamedFrom string
	// RulesPos is where the column's rules are written; Pos where the
	// column is declared.
	RulesPos Pos
	Pos      Pos
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

// DefaultKind tells literal defaults from expressions.
type DefaultKind int

// The kinds of default.
const (
	// DefaultLiteral is a value of the column's type.
	DefaultLiteral DefaultKind = iota
	// DefaultExpr is an SQL expression.
	DefaultExpr
)

// Default is a column default.
type Default struct {
	Kind DefaultKind
	// Literal is a literal's canonical text (see spec.Default.Literal);
	// Expr an expression's SQL text.
	Literal string
	Expr    string
	// SQL is the default as an SQL expression of the column's type:
	// Expr, or the literal as a constant ('USD'::"currency", (-1), TRUE).
	SQL string
	Pos Pos
}

// Reference is the foreign key of a column.
type Reference struct {
	// Table and Column are what the key references.
	Table  *Table
	Column *Column
	// OnDelete and OnUpdate are "" (no action), "cascade", "restrict",
	// "set null" or "set default".
	OnDelete string
	OnUpdate string
	// Name is the constraint's name (accounts_user_id_fkey).
	Name string
	// Tenant and RefTenant are set on a key between two tables scoped by
	// the same tenant: the referencing and the referenced tables' tenant
	// columns, which the key includes first, (Tenant, column) REFERENCES
	// Table (RefTenant, Column), so that a row can only reference a row
	// of its own tenant. A set null or set default action then sets only
	// the column (ON DELETE SET NULL (column)). Both nil otherwise.
	Tenant    *Column
	RefTenant *Column
	Pos       Pos
}

// Columns are the referencing columns of the key, tenant first.
func (r *Reference) Columns(c *Column) []*Column {
	if r.Tenant != nil {
		return []*Column{r.Tenant, c}
	}
	return []*Column{c}
}

// RefColumns are the referenced columns of the key, tenant first.
func (r *Reference) RefColumns() []*Column {
	if r.RefTenant != nil {
		return []*Column{r.RefTenant, r.Column}
	}
	return []*Column{r.Column}
}

// TenantKey is a unique constraint (tenant column, key column) of a
// tenant table that tenant-scoped foreign keys reference.
type TenantKey struct {
	// Name is the constraint's name: <table>_<tenant>_<key>_key.
	Name    string
	Columns []*Column
}

// Warning is something a spec says that the build accepts but that
// deserves a look, at its position in the spec.
type Warning struct {
	Pos     Pos
	Message string
}

// String formats w as file:line:col: warning: message.
func (w *Warning) String() string {
	return w.Pos.String() + ": warning: " + w.Message
}

// Type is a column's or parameter's PostgreSQL type.
type Type struct {
	// Name is the canonical base type (text, numeric, timestamptz …), or
	// the SQL name of the enum when Enum is set.
	Name string
	// Args are the type modifiers: varchar(64) → [64], numeric(18,2) →
	// [18 2].
	Args []int
	// ArrayDims is the number of [] suffixes (0 for a scalar).
	ArrayDims int
	// Enum is the enum the type names, or nil.
	Enum *Enum
	// Base is the row of the built-in type Name names (its element type
	// for an array): every fact about the type, so that emitters never
	// switch on names. It is nil exactly when Enum is set.
	Base *pgtypes.Type
	// Schema is the schema of the extension that provides Base (citext,
	// hstore, ltree) when the specs install it in a named schema
	// (extensions: [{name: citext, schema: extensions}], as Supabase
	// does): SQL names the type there, so that DDL and casts find it
	// whatever the search_path. "" otherwise.
	Schema string
}

// Elem returns the type of one element of an array type (t itself for a
// scalar).
func (t Type) Elem() Type {
	t.ArrayDims = 0
	return t
}

// IsChar reports whether t is char(n), whose values PostgreSQL pads with
// spaces to n characters.
func (t Type) IsChar() bool { return t.ArrayDims == 0 && t.Base != nil && t.Base.Padded }

// IsEnumArray reports whether t is an array of an enum: pgx knows no
// codec for those, so generated SQL moves them as text[].
func (t Type) IsEnumArray() bool { return t.Enum != nil && t.ArrayDims > 0 }

// IsTextArray reports whether t is an array generated SQL moves as
// text[]: of an enum, or of a type whose arrays pgx has no codec of
// (pgtypes.Type.TextArray: hstore[]).
func (t Type) IsTextArray() bool {
	return t.IsEnumArray() || t.ArrayDims > 0 && t.Base != nil && t.Base.TextArray
}

// IsPadded reports whether t's values, or its elements', are char(n),
// which PostgreSQL pads with spaces to n characters.
func (t Type) IsPadded() bool { return t.Base != nil && t.Base.Padded }

// IsSQLNamed reports whether t is a type the spec names by its SQL
// (pgtypes.SQLNamed), whose values travel as their text.
func (t Type) IsSQLNamed() bool { return t.Base != nil && t.Base.SQLNamed }

// ScansAsText reports whether a value of t, NOT NULL unless nullable,
// scans through runtime.Text: a scalar of a type named by its SQL, which
// a query that does not cast it may return in binary. (A nullable one
// is a runtime.Null[string], which falls back to its text alike.)
func (t Type) ScansAsText(nullable bool) bool { return t.IsSQLNamed() && t.ArrayDims == 0 && !nullable }

// ReadCast is the cast a select list gives a column of type t so that
// its values scan as the model holds them, or "": enum arrays read as
// text[] (pgx has no codec for them) and char(n) as text, which drops
// the padding, so that a value reads back as it was written ("AB", not
// "AB  "; char(n) ignores trailing spaces in comparisons anyway); a type
// named by its SQL reads as text.
func (t Type) ReadCast() string {
	switch {
	case t.IsSQLNamed() && t.ArrayDims > 0:
		return "::text[]"
	case t.IsSQLNamed():
		return "::text"
	case t.IsTextArray(), t.IsPadded() && t.ArrayDims > 0:
		return "::text[]"
	case t.IsPadded():
		return "::text"
	}
	return ""
}

// String returns the type as a spec writes it in canonical form:
// "varchar(64)", "numeric(18,2)", "text[]", "currency".
func (t Type) String() string {
	return t.Name + t.mods() + strings.Repeat("[]", t.ArrayDims)
}

// SQL returns the type as written in an SQL cast or DDL: varchar(64),
// numeric(18,2), timestamptz(3), "deal_stage", text[], extensions.citext
// (Schema).
func (t Type) SQL() string {
	if t.Enum != nil {
		return names.QuoteIdent(t.Enum.SQLName) + strings.Repeat("[]", t.ArrayDims)
	}
	name := t.Name
	if t.Schema != "" {
		name = names.QualifiedType(t.Schema, t.Name)
	}
	return name + t.mods() + strings.Repeat("[]", t.ArrayDims)
}

// mods renders the modifiers: "(18,2)", or "" without any.
func (t Type) mods() string {
	if len(t.Args) == 0 {
		return ""
	}
	parts := make([]string, len(t.Args))
	for i, a := range t.Args {
		parts[i] = strconv.Itoa(a)
	}
	return "(" + strings.Join(parts, ",") + ")"
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

// WithDeletedSuffix ends the name of the runtime.Loader variable of a
// loader's variant including soft-deleted rows.
const WithDeletedSuffix = "WithDeleted"
