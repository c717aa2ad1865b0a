package importer

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cpcgen/cpcgen/internal/find"
	"github.com/cpcgen/cpcgen/internal/sqllex"
)

// Catalog is what Inspect read of one schema of a database: plain facts
// from PostgreSQL's catalogs, sorted by name, nothing interpreted yet.
type Catalog struct {
	// Schema is the schema read; Others are the other schemas of the
	// database that hold relations, functions, types or collations of
	// their own (they are reported, not read).
	Schema string
	Others []string
	// SchemaComment is the comment on the schema read, "" for none or
	// for the one PostgreSQL gives schema public.
	SchemaComment string
	// PublicCommentRemoved is set when the schema read is public and has
	// no comment, not even the one PostgreSQL gives it (COMMENT ON
	// SCHEMA public IS '', as pg_dump then writes).
	PublicCommentRemoved bool

	Extensions []CatExtension
	Enums      []CatEnum
	Tables     []*CatTable
	Sequences  []CatSequence
	Domains    []CatDomain
	Collations []CatCollation
	// Dictionaries and SearchConfigs are the text search dictionaries and
	// configurations of the schema.
	Dictionaries  []CatStatement
	SearchConfigs []CatSearchConfig
	Types         []CatType
	Views         []CatView
	Functions     []CatFunction
	Operators     []CatOperator
	Triggers      []CatTrigger
	// TriggerStates are the triggers of partitions that PostgreSQL made
	// from their parents' (clones) and that are enabled otherwise than
	// their parents' (ALTER TABLE partition DISABLE TRIGGER …), the
	// partitions of a level before those below it.
	TriggerStates []CatTriggerState
	// Policies and Rules are row-level security policies and rewrite
	// rules of tables: their CREATE statements, by table and name.
	// Statistics are the extended statistics objects (CREATE STATISTICS,
	// with the statistics target and comment set after).
	Policies   []CatStatement
	Rules      []CatStatement
	Statistics []CatStatement
	// Publications are the publications of tables of the schema only
	// (FOR TABLE, with column lists and row filters, and TABLES IN
	// SCHEMA of it): their CREATE PUBLICATION and comment, and the
	// tables they name.
	Publications []CatPublication
	// Casts are the casts from or to a type of the schema, or through a
	// function of it (CREATE CAST), but those a range type makes to its
	// multirange type.
	Casts []CatCast
	// Unsupported are objects of kinds import neither models nor keeps
	// (foreign tables, operator classes …), by kind and name.
	Unsupported []Named
	// Privileges are the objects (tables, views, sequences, functions,
	// the schema itself) whose privileges GRANT or REVOKE changed from
	// what PostgreSQL gives them, by kind and name.
	Privileges []Named
}

// Named is an object by kind and name, for reports.
type Named struct{ Kind, Name, Detail string }

// CatExtension is a row of pg_extension. Comment is its comment, ""
// for none; DefaultComment the one CREATE EXTENSION gives it (its control
// file's), "" for none.
type CatExtension struct{ Name, Schema, Version, Comment, DefaultComment string }

// CatEnum is an enum type with its labels in order.
type CatEnum struct {
	Name    string
	Labels  []string
	Comment string
}

// CatTable is a table (relkind r or p) with its columns, constraints and
// indexes.
type CatTable struct {
	OID     uint32
	Name    string
	Kind    string // "r" or "p"
	Comment string
	// PartKey is pg_get_partkeydef of a partitioned table; Parent and
	// Bound are the parent and FOR VALUES clause of a partition.
	PartKey string
	// PartKeyUses are the functions of the schema its partition key
	// calls, without those an extension owns.
	PartKeyUses []string
	Parent      string
	// ParentSchema is the schema of a partition's parent when it is not
	// the imported schema, "" when it is.
	ParentSchema string
	Bound        string
	Inherits     []string
	// InheritsSchemas holds, for each table of Inherits, its schema
	// when it is not the imported schema, "" when it is.
	InheritsSchemas []string
	// Options are reloptions (fillfactor=70), and its TOAST table's
	// prefixed toast. (toast.autovacuum_enabled=false); Unlogged is set for an
	// UNLOGGED table; RLS for row-level security enabled, ForceRLS for it
	// forced on the table's owner too.
	Options  []string
	Unlogged bool
	RLS      bool
	ForceRLS bool
	// ReplicaIdentity is the table's REPLICA IDENTITY when not DEFAULT:
	// FULL, NOTHING or INDEX, with ReplicaIndex the index; "" for DEFAULT.
	ReplicaIdentity, ReplicaIndex string
	// AccessMethod is the table access method of a table made USING one
	// other than heap, or "".
	AccessMethod string
	// ClusterOn is the index ALTER TABLE … CLUSTER ON marked, or "".
	ClusterOn string
	// OfType is the composite type of a typed table (CREATE TABLE … OF
	// type), or "".
	OfType string

	Columns     []*CatColumn
	Constraints []*CatConstraint
	Indexes     []*CatIndex
	// PartIndexes are the indexes of a partition attached to an index
	// of its parent, which Indexes leave out.
	PartIndexes []*CatPartIndex
}

// Column returns the column with the given number, or nil.
func (t *CatTable) Column(num int16) *CatColumn {
	return find.First(t.Columns, func(c *CatColumn) bool { return c.Num == num })
}

// CatColumn is a column of a table.
type CatColumn struct {
	Num  int16
	Name string
	// Type is format_type's spelling; Elem the pg_type row of the
	// element type (of the type itself when not an array), with Dims the
	// array dimensions (0 or 1: the catalog does not keep more).
	Type       string
	ElemName   string
	ElemSchema string
	ElemKind   string // typtype: b base, e enum, d domain, c composite, r range
	// ElemExtension is set when an extension owns the element type.
	ElemExtension bool
	ElemCat       string // typcategory
	Dims          int
	// Mods are the type modifiers read back from Type ("(255)", "(10,2)").
	NotNull bool
	// Inherited is set for a column a table inherits (INHERITS, a
	// partition) and does not declare itself.
	Inherited bool
	Default   string
	Identity  string // "", "a" (ALWAYS) or "d" (BY DEFAULT)
	// IdentitySeq holds the options of an identity column's sequence.
	IdentitySeq SeqOptions
	// IdentityComment is the comment of an identity column's sequence.
	IdentityComment string
	// IdentityUnlogged is set when an identity column's sequence is
	// UNLOGGED (as its table's are, unless ALTER SEQUENCE set it
	// otherwise).
	IdentityUnlogged bool
	Generated        string // "" or "s" (STORED)
	Comment          string
	// Collation is a collation other than the type's default, or "".
	Collation string
	// Sequence is the sequence the column owns: an identity column's, or
	// a serial column's (an OWNED BY sequence whose nextval is the
	// column's default); "" for none.
	Sequence string
	// DefaultUses are the functions of the imported schema the default
	// (or the generated column's expression) calls, without those an
	// extension owns: extensions are created before the tables.
	DefaultUses []string
	// Statistics is the column's statistics target (SET STATISTICS), -1
	// for the server's default; Options its attribute options
	// (n_distinct=-0.02), without those the server keeps itself, whose
	// names start with pg_ (PostgreSQL 15.20's pg_attver, on every
	// column: ALTER COLUMN … RESET does not remove it, pg_dump leaves it
	// out).
	Statistics int
	Options    []string
	// Storage is the column's storage (SET STORAGE) when it is not its
	// type's, and TypeStorage the type's, each PLAIN, EXTERNAL, MAIN or
	// EXTENDED; "" when the column has its type's.
	Storage, TypeStorage string
	// Compression is the column's compression method (SET COMPRESSION),
	// pglz or lz4; "" for the server's default.
	Compression string
}

// SeqOptions are a sequence's options and the largest value of its type.
type SeqOptions struct {
	Start, Increment, Min, Max, Cache, TypeMax int64
	Cycle                                      bool
}

// CatConstraint is a row of pg_constraint on a table.
type CatConstraint struct {
	Name       string
	Type       string // p u f c x
	Columns    []int16
	RefTable   string
	RefSchema  string
	RefColumns []int16
	OnDelete   string // confdeltype: a r c n d
	OnUpdate   string
	Match      string // confmatchtype: s f p
	Def        string // pg_get_constraintdef
	Deferrable bool
	Deferred   bool // INITIALLY DEFERRED
	Validated  bool
	NoInherit  bool
	// Inherited is set for a check a table has of its own and from a
	// table it inherits (merged); a check it has only from that table
	// is not read.
	Inherited bool
	Comment   string
	// Uses are the functions of the schema a check calls, without those
	// an extension owns.
	Uses []string
	// KeyIndex is the index of the referenced table that a foreign key
	// uses: its primary key's or unique constraint's, or a unique index.
	KeyIndex string
	// Invalid is set when the index of a primary key, unique or exclusion
	// constraint is invalid (pg_index.indisvalid false).
	Invalid bool
	// IndexOptions are the storage options (fillfactor=70) of the index
	// of a primary key or unique constraint, which its Def leaves out
	// (pg_get_constraintdef writes WITH (…) for them only in a whole
	// command; an exclusion constraint's Def has them).
	IndexOptions []string
	// IndexComment is the comment on the index of a primary key, unique
	// or exclusion constraint (COMMENT ON INDEX), which has the
	// constraint's name.
	IndexComment string
	plain        string // Def without pretty-printing; see nestedSameOp
}

// CatIndex is an index that does not back a constraint.
type CatIndex struct {
	Name       string
	Def        string // pg_get_indexdef
	Unique     bool
	Method     string
	Keys       []string // pg_get_indexdef of each key column
	KeyCols    []int16  // 0 for an expression
	Desc       []bool
	NullsFirst []bool
	NKeys      int
	Include    []string
	Where      string
	// Plain is set when every key uses its default operator class and
	// collation, without options.
	Plain   bool
	Comment string
	// NullsNotDistinct is set for UNIQUE NULLS NOT DISTINCT.
	NullsNotDistinct bool
	Options          []string
	// Uses are the functions of the schema its expressions or predicate
	// call, without those an extension owns.
	Uses []string
	// Statistics are the statistics targets its columns have (ALTER
	// INDEX … ALTER COLUMN n SET STATISTICS), each "n target".
	Statistics []string
	// Invalid is set when the index is invalid (pg_index.indisvalid
	// false): a CREATE INDEX CONCURRENTLY that failed, or an index of a
	// partitioned table made ON ONLY it that some partition's index was
	// never attached to.
	Invalid    bool
	plainWhere string   // Where without pretty-printing; see nestedSameOp
	plainKeys  []string // Keys without pretty-printing; see nestedSameOp
}

// CatPartIndex is an index of a partition attached to an index of the
// partition's parent (one PostgreSQL made for the parent's index, or one
// made first and attached to it), not backing a constraint.
type CatPartIndex struct {
	Name   string
	Parent string // the parent's index
	// Columns are the names of the parent's index's columns, keys then
	// included ones, as PostgreSQL chose them (item_id, lower, item_id1).
	Columns []string
	// Constraint is the type of the partition's constraint the index
	// is of (p, u or x), "" for none.
	Constraint string
}

// CatSequence is a sequence of the schema that no identity column owns.
type CatSequence struct {
	Name                        string
	Type                        string
	Start, Inc, Min, Max, Cache int64
	Cycle                       bool
	// Unlogged is set for an UNLOGGED sequence.
	Unlogged bool
	// OwnedBy is "table.column" for a sequence OWNED BY a column.
	OwnedBy string
	Comment string
}

// CatCollation is a collation of the schema, with what CREATE COLLATION
// takes: its provider (c for libc, i for ICU, d for the database's
// default), its ICU locale or libc lc_collate and lc_ctype, whether it
// is deterministic; and its comment.
type CatCollation struct {
	Name, Provider, Locale, Collate, Ctype, Comment string
	Deterministic                                   bool
}

// CatSearchConfig is a text search configuration: its parser and its
// mappings, each token types (their aliases) and the dictionaries they
// go through in order, both qualified by schema; and its comment.
type CatSearchConfig struct {
	Name, Parser, Comment string
	Mappings              []Named // Name: the token types; Detail: the dictionaries
}

// CatDomain is a domain with its constraints.
type CatDomain struct {
	Name, Base, Default, Collation string
	NotNull                        bool
	Checks                         []CatDomainCheck
	Comment                        string
	// Uses are the types and functions of the schema it names (its base
	// type, the functions its checks call); see typeUses.
	Uses []string
	// Foreign are those of other schemas, qualified; see typeForeign.
	Foreign []string
}

// CatDomainCheck is a check of a domain: its name, definition (CHECK
// (…)) and comment ("" for none).
type CatDomainCheck struct{ Name, Def, Comment string }

// CatType is a composite or range type.
type CatType struct {
	Name    string
	Kind    string // c or r
	SQL     string // the body after AS
	Comment string
	// Uses are the types and functions of the schema it names (the types
	// of its attributes, its subtype, its subtype_diff); see typeUses.
	Uses []string
	// Foreign are those of other schemas, qualified (geo.point2); see
	// typeForeign.
	Foreign []string
	// ColumnComments are the comments of a composite type's attributes,
	// each [attribute, comment], in the attributes' order.
	ColumnComments [][]string
}

// CatView is a view or materialized view.
type CatView struct {
	Name         string
	Materialized bool
	Def          string
	Options      []string
	Comment      string
	// Indexes are the CREATE INDEX statements of a materialized view.
	Indexes []string
	// Uses are the tables, views and functions of the schema the view
	// reads, by name, without those an extension owns.
	Uses []string
	// ColumnUses are the columns of the schema's tables and views the
	// view reads, each [table, column], in name order.
	ColumnUses [][]string
	// ColumnComments are the comments of its columns, each [column,
	// comment], in the columns' order.
	ColumnComments [][]string
	// ColumnDefaults are the defaults of a view's columns (ALTER VIEW …
	// ALTER COLUMN … SET DEFAULT), each [column, default], in the
	// columns' order.
	ColumnDefaults [][]string
	// IndexComments are the comments of a materialized view's indexes
	// (COMMENT ON INDEX), each [index, comment], by index name.
	IndexComments [][]string
	// IndexStatistics are the statistics targets of a materialized
	// view's index columns (ALTER INDEX … ALTER COLUMN n SET
	// STATISTICS), each [index, "n target"].
	IndexStatistics [][]string
	// ClusterOn is the index a materialized view is clustered on (ALTER
	// MATERIALIZED VIEW … CLUSTER ON), "" for none.
	ClusterOn string
	// ColumnSettings are the settings of a materialized view's columns
	// (ALTER MATERIALIZED VIEW … ALTER COLUMN): each [column, clause],
	// the clause SET STATISTICS n, SET (option=value, …), SET STORAGE
	// or SET COMPRESSION, in the columns' order.
	ColumnSettings [][]string
	plain          string // Def without pretty-printing; see nestedSameOp
}

// CatFunction is a function, procedure or aggregate with its overloads.
type CatFunction struct {
	Name     string
	Kind     string // f p a w
	Defs     []string
	Args     []string // identity arguments of each overload
	Comments []string
	// Shadows tells, for each overload, whether pg_catalog has a
	// function of its name and argument types, which PostgreSQL finds
	// first for an unqualified name (DROP FUNCTION "current_user"(),
	// COMMENT ON it), whatever the search_path.
	Shadows []bool
	// BodyError is why PostgreSQL's check of function bodies refuses an
	// overload (see CheckBodies), or "".
	BodyError string
}

// CatOperator is an operator of the schema. Name is its signature as
// DROP OPERATOR and COMMENT ON OPERATOR name it (~<< (text, text)); SQL
// its CREATE OPERATOR statement; Comment its comment; Uses the functions
// of the schema it calls (its function, restriction and join
// estimators).
type CatOperator struct {
	Name, SQL, Comment string
	Uses               []string
	// Shells are the shell operators of the schema (no function yet)
	// its COMMUTATOR or NEGATOR names, which its CREATE OPERATOR makes
	// (Spacewalk's = makes <> (evr_t, evr_t)), by signature: <> (evr_t,
	// evr_t).
	Shells []string
	// Shadows tells whether pg_catalog has an operator of its name and
	// argument types (> (integer, integer)), which PostgreSQL finds
	// first for an unqualified name whatever the search_path, so that
	// DROP OPERATOR and COMMENT ON OPERATOR would name pg_catalog's;
	// ShadowedShells are the Shells of which that is true.
	Shadows        bool
	ShadowedShells []string
}

// CatCast is a cast: Name is its (source AS target), Function the
// function of the schema it calls ("" for none), SQL its CREATE CAST
// statement with its comment, Types the names of its source and target
// types that are the schema's.
type CatCast struct {
	Name, Function, SQL string
	Types               []string
}

// CatTrigger is a trigger of a table of the schema.
type CatTrigger struct {
	Name, Table, Def, Function, Comment string
	Enabled                             string
	plain                               string // Def without pretty-printing; see nestedSameOp
}

// CatTriggerState is a trigger PostgreSQL made on partition Table from
// its parent's, and enabled otherwise (Enabled, tgenabled: O, D, R or
// A) than that one (ParentEnabled). RootTable is the table of the
// trigger it was made from at the top, "" when that table is another
// schema's.
type CatTriggerState struct {
	Name, Table, Enabled, ParentEnabled, RootTable string
}

// CatStatement is an object of a table known by the statement that
// creates it.
type CatStatement struct {
	Name, Table, SQL string
	plain            string // a rule's definition without pretty-printing; see nestedSameOp
}

// CatPublication is a publication of tables of the schema: SQL is its
// CREATE PUBLICATION statement with its comment, Tables the tables it
// names.
type CatPublication struct {
	Name, SQL string
	Tables    []string
}

// Inspect reads one schema of the database conn is connected to. It sets
// the session's search_path to that schema first, so that the
// definitions PostgreSQL prints name its objects unqualified.
func Inspect(ctx context.Context, conn *pgx.Conn, schemaName string) (*Catalog, error) {
	if schemaName == "" {
		if err := conn.QueryRow(ctx, "SELECT coalesce(current_schema(), 'public')").Scan(&schemaName); err != nil {
			return nil, fmt.Errorf("read the current schema: %w", err)
		}
	}
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", schemaName).Scan(&exists); err != nil {
		return nil, fmt.Errorf("read the schemas: %w", err)
	}
	if !exists {
		return nil, fmt.Errorf("the database has no schema %q; pass --schema with one it has", schemaName)
	}
	if _, err := conn.Exec(ctx, "SELECT set_config('search_path', $1, false)", quoteIdent(schemaName)); err != nil {
		return nil, fmt.Errorf("set search_path: %w", err)
	}
	cat := &Catalog{Schema: schemaName}
	r := &reader{ctx: ctx, conn: conn, cat: cat, schema: schemaName}
	for _, step := range []struct {
		what string
		fn   func() error
	}{
		{"schemas", r.schemas},
		{"extensions", r.extensions},
		{"enums", r.enums},
		{"tables", r.tables},
		{"columns", r.columns},
		{"constraints", r.constraints},
		{"indexes", r.indexes},
		{"indexes of partitions", r.partIndexes},
		{"sequences", r.sequences},
		{"collations", r.collations},
		{"text search configurations", r.searchConfigs},
		{"domains", r.domains},
		{"types", r.types},
		{"views", r.views},
		{"functions", r.functions},
		{"operators", r.operators},
		{"triggers", r.triggers},
		{"states of partitions' triggers", r.triggerStates},
		{"policies and rules", r.policies},
		{"casts", r.casts},
		{"extended statistics", r.statistics},
		{"publications", r.publications},
		{"other objects", r.unsupported},
		{"privileges", r.privileges},
	} {
		if err := step.fn(); err != nil {
			return nil, fmt.Errorf("read the %s of schema %q: %w", step.what, schemaName, err)
		}
	}
	cat.keepArrayCoercions()
	cat.keepSetOpColumnNames()
	cat.keepExtractFields()
	return cat, nil
}

type reader struct {
	ctx    context.Context
	conn   *pgx.Conn
	cat    *Catalog
	schema string
	byOID  map[uint32]*CatTable
}

// notExt excludes the members of extensions; alias.oid must be the
// object's oid and cls its catalog.
func notExt(oid, cls string) string {
	return " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '" + cls + "'::regclass AND d.objid = " + oid + " AND d.deptype = 'e')"
}

func (r *reader) schemas() error {
	rows, err := r.conn.Query(r.ctx, `
SELECT n.nspname FROM pg_namespace n
WHERE n.nspname <> $1 AND n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
  AND (EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = n.oid`+notExt("c.oid", "pg_class")+`)
    OR EXISTS (SELECT 1 FROM pg_proc p WHERE p.pronamespace = n.oid`+notExt("p.oid", "pg_proc")+`)
    OR EXISTS (SELECT 1 FROM pg_type t WHERE t.typnamespace = n.oid AND t.typcategory <> 'A' AND t.typrelid = 0 AND t.typtype <> 'm'`+notExt("t.oid", "pg_type")+`)
    OR EXISTS (SELECT 1 FROM pg_collation co WHERE co.collnamespace = n.oid`+notExt("co.oid", "pg_collation")+`))
ORDER BY 1`, r.schema)
	if err != nil {
		return err
	}
	if r.cat.Others, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return err
	}
	return r.conn.QueryRow(r.ctx, `
SELECT coalesce(nullif(obj_description(n.oid, 'pg_namespace'), CASE n.nspname WHEN 'public' THEN 'standard public schema' END), ''),
  n.nspname = 'public' AND obj_description(n.oid, 'pg_namespace') IS NULL
FROM pg_namespace n WHERE n.nspname = $1`, r.schema).Scan(&r.cat.SchemaComment, &r.cat.PublicCommentRemoved)
}

func (r *reader) extensions() error {
	return appendRows(r, &r.cat.Extensions, func(e *CatExtension) []any {
		return []any{&e.Name, &e.Schema, &e.Version, &e.Comment, &e.DefaultComment}
	}, `
SELECT e.extname, n.nspname, e.extversion, coalesce(obj_description(e.oid, 'pg_extension'), ''),
  coalesce((SELECT a.comment FROM pg_available_extensions a WHERE a.name = e.extname), '')
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname <> 'plpgsql' ORDER BY 1`)
}

func (r *reader) enums() error {
	return appendRows(r, &r.cat.Enums, func(e *CatEnum) []any { return []any{&e.Name, &e.Labels, &e.Comment} }, `
SELECT t.typname, coalesce(array_agg(e.enumlabel ORDER BY e.enumsortorder) FILTER (WHERE e.enumlabel IS NOT NULL), '{}'),
  coalesce(obj_description(t.oid, 'pg_type'), '')
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace LEFT JOIN pg_enum e ON e.enumtypid = t.oid
WHERE n.nspname = $1 AND t.typtype = 'e'`+notExt("t.oid", "pg_type")+`
GROUP BY t.oid, t.typname ORDER BY 1`, r.schema)
}

func (r *reader) tables() error {
	rows, err := r.conn.Query(r.ctx, `
SELECT c.oid, c.relname, c.relkind::text, coalesce(obj_description(c.oid, 'pg_class'), ''),
  CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) ELSE '' END,
  coalesce((SELECT p.relname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent WHERE i.inhrelid = c.oid AND c.relispartition), ''),
  coalesce((SELECT pn.nspname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace
    WHERE i.inhrelid = c.oid AND c.relispartition AND p.relnamespace <> c.relnamespace), ''),
  CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) ELSE '' END,
  coalesce((SELECT array_agg(p.relname ORDER BY i.inhseqno) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent WHERE i.inhrelid = c.oid AND NOT c.relispartition), '{}'),
  coalesce((SELECT array_agg(CASE WHEN p.relnamespace = c.relnamespace THEN '' ELSE pn.nspname END ORDER BY i.inhseqno)
    FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace
    WHERE i.inhrelid = c.oid AND NOT c.relispartition), '{}'),
  coalesce(c.reloptions, '{}') || coalesce((SELECT array_agg('toast.' || o) FROM pg_class tc, unnest(tc.reloptions) o WHERE tc.oid = c.reltoastrelid), '{}'),
  c.relpersistence = 'u', c.relrowsecurity, c.relforcerowsecurity,
  CASE c.relreplident WHEN 'f' THEN 'FULL' WHEN 'n' THEN 'NOTHING' WHEN 'i' THEN 'INDEX' ELSE '' END,
  coalesce((SELECT ic.relname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = c.oid AND i.indisreplident), ''),
  coalesce((SELECT ic.relname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = c.oid AND i.indisclustered), ''),
  coalesce((SELECT ty.typname FROM pg_type ty WHERE ty.oid = c.reloftype), ''),
  coalesce((SELECT am.amname FROM pg_am am WHERE am.oid = c.relam AND am.amname <> 'heap'), ''),
  ARRAY(SELECT DISTINCT p.proname FROM pg_depend d JOIN pg_proc p ON p.oid = d.refobjid
    WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.objsubid = 0 AND d.refclassid = 'pg_proc'::regclass
      AND p.pronamespace = c.relnamespace`+notExt("p.oid", "pg_proc")+` ORDER BY 1)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')`+notExt("c.oid", "pg_class")+`
ORDER BY c.relname`, r.schema)
	if err != nil {
		return err
	}
	r.byOID = map[uint32]*CatTable{}
	for rows.Next() {
		t := &CatTable{}
		if err := rows.Scan(&t.OID, &t.Name, &t.Kind, &t.Comment, &t.PartKey, &t.Parent, &t.ParentSchema, &t.Bound, &t.Inherits, &t.InheritsSchemas, &t.Options, &t.Unlogged, &t.RLS, &t.ForceRLS, &t.ReplicaIdentity, &t.ReplicaIndex, &t.ClusterOn, &t.OfType, &t.AccessMethod, &t.PartKeyUses); err != nil {
			return err
		}
		r.cat.Tables = append(r.cat.Tables, t)
		r.byOID[t.OID] = t
	}
	return rows.Err()
}

func (r *reader) columns() error {
	return tableRows(r, func(c *CatColumn) []any {
		return []any{&c.Num, &c.Name, &c.Type, &c.ElemName, &c.ElemSchema, &c.ElemKind, &c.ElemExtension, &c.ElemCat, &c.Dims,
			&c.NotNull, &c.Inherited, &c.Statistics, &c.Options, &c.Storage, &c.TypeStorage, &c.Compression, &c.Default, &c.Identity, &c.Generated, &c.Comment, &c.Collation, &c.Sequence, &c.DefaultUses,
			&c.IdentitySeq.Start, &c.IdentitySeq.Increment, &c.IdentitySeq.Min, &c.IdentitySeq.Max, &c.IdentitySeq.Cache,
			&c.IdentitySeq.Cycle, &c.IdentitySeq.TypeMax, &c.IdentityComment, &c.IdentityUnlogged}
	}, func(t *CatTable, c *CatColumn) {
		t.Columns = append(t.Columns, c)
	}, `
SELECT a.attrelid, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod),
  et.typname, en.nspname, et.typtype::text,
  EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = et.oid AND d.deptype = 'e'),
  et.typcategory::text, CASE WHEN t.typcategory = 'A' THEN 1 ELSE 0 END,
  a.attnotnull, NOT a.attislocal, coalesce(a.attstattarget::int, -1), ARRAY(SELECT o FROM unnest(a.attoptions) o WHERE o NOT LIKE 'pg\_%'),
  CASE WHEN a.attstorage <> t.typstorage THEN `+storageName("a.attstorage")+` ELSE '' END,
  CASE WHEN a.attstorage <> t.typstorage THEN `+storageName("t.typstorage")+` ELSE '' END,
  CASE a.attcompression WHEN 'p' THEN 'pglz' WHEN 'l' THEN 'lz4' ELSE '' END,
  coalesce(pg_get_expr(ad.adbin, ad.adrelid), ''), a.attidentity::text, a.attgenerated::text,
  coalesce(col_description(a.attrelid, a.attnum), ''),
  CASE WHEN a.attcollation <> 0 AND a.attcollation <> et.typcollation AND a.attcollation <> t.typcollation
    THEN `+collationName("a.attcollation")+` ELSE '' END,
  coalesce((SELECT s.relname FROM pg_depend d JOIN pg_class s ON s.oid = d.objid
    WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = a.attrelid AND d.refobjsubid = a.attnum
      AND d.classid = 'pg_class'::regclass AND s.relkind = 'S' AND d.deptype IN ('a', 'i')
    ORDER BY d.deptype = 'i' DESC, s.relname LIMIT 1), ''),
  ARRAY(SELECT DISTINCT p.proname FROM pg_depend d JOIN pg_proc p ON p.oid = d.refobjid
    WHERE d.classid = 'pg_attrdef'::regclass AND d.objid = ad.oid AND d.refclassid = 'pg_proc'::regclass
      AND p.pronamespace = n.oid`+notExt("p.oid", "pg_proc")+` ORDER BY 1),
  coalesce(sq.seqstart, 0), coalesce(sq.seqincrement, 0), coalesce(sq.seqmin, 0), coalesce(sq.seqmax, 0), coalesce(sq.seqcache, 0),
  coalesce(sq.seqcycle, false),
  CASE sq.seqtypid WHEN 'int2'::regtype THEN 32767 WHEN 'int4'::regtype THEN 2147483647 ELSE 9223372036854775807 END,
  coalesce(obj_description(sq.seqrelid, 'pg_class'), ''),
  coalesce((SELECT s.relpersistence = 'u' FROM pg_class s WHERE s.oid = sq.seqrelid), false)
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_type et ON et.oid = CASE WHEN t.typcategory = 'A' AND t.typelem <> 0 THEN t.typelem ELSE t.oid END
JOIN pg_namespace en ON en.oid = et.typnamespace
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN pg_depend sd ON a.attidentity <> '' AND sd.refclassid = 'pg_class'::regclass AND sd.refobjid = a.attrelid
  AND sd.refobjsubid = a.attnum AND sd.classid = 'pg_class'::regclass AND sd.deptype = 'i'
LEFT JOIN pg_sequence sq ON sq.seqrelid = sd.objid
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum`, r.schema)
}

func (r *reader) constraints() error {
	return tableRows(r, func(k *CatConstraint) []any {
		return []any{&k.Name, &k.Type, &k.Columns, &k.RefTable, &k.RefSchema, &k.RefColumns,
			&k.OnDelete, &k.OnUpdate, &k.Match, &k.Def, &k.Deferrable, &k.Deferred, &k.Validated, &k.NoInherit, &k.Inherited, &k.Comment, &k.Uses, &k.KeyIndex, &k.IndexOptions, &k.plain, &k.Invalid, &k.IndexComment}
	}, func(t *CatTable, k *CatConstraint) {
		if nestedSameOp(k.plain) {
			k.Def = k.plain
		}
		t.Constraints = append(t.Constraints, k)
	}, `
SELECT co.conrelid, co.conname, co.contype::text, coalesce(co.conkey, '{}'),
  coalesce(rc.relname, ''), coalesce(rn.nspname, ''), coalesce(co.confkey, '{}'),
  co.confdeltype::text, co.confupdtype::text, co.confmatchtype::text,
  pg_get_constraintdef(co.oid, true), co.condeferrable, co.condeferred, co.convalidated, co.connoinherit, co.coninhcount > 0,
  coalesce(obj_description(co.oid, 'pg_constraint'), ''),
  ARRAY(SELECT DISTINCT p.proname FROM pg_depend d JOIN pg_proc p ON p.oid = d.refobjid
    WHERE d.classid = 'pg_constraint'::regclass AND d.objid = co.oid AND d.refclassid = 'pg_proc'::regclass
      AND p.pronamespace = n.oid`+notExt("p.oid", "pg_proc")+` ORDER BY 1),
  coalesce((SELECT ki.relname FROM pg_class ki WHERE co.contype = 'f' AND ki.oid = co.conindid), ''),
  coalesce((SELECT ki.reloptions FROM pg_class ki WHERE co.contype IN ('p', 'u') AND ki.oid = co.conindid), '{}'),
  pg_get_constraintdef(co.oid, false),
  coalesce((SELECT NOT i.indisvalid FROM pg_index i WHERE co.contype IN ('p', 'u', 'x') AND i.indexrelid = co.conindid), false),
  CASE WHEN co.contype IN ('p', 'u', 'x') THEN coalesce(obj_description(co.conindid, 'pg_class'), '') ELSE '' END
FROM pg_constraint co
JOIN pg_class c ON c.oid = co.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class rc ON rc.oid = co.confrelid LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND co.contype IN ('p', 'u', 'f', 'c', 'x') AND co.conparentid = 0
  AND NOT (co.contype = 'c' AND co.coninhcount > 0 AND NOT co.conislocal)
ORDER BY co.conrelid, co.conname`, r.schema)
}

func (r *reader) indexes() error {
	return tableRows(r, func(x *CatIndex) []any {
		return []any{&x.Name, &x.Def, &x.Unique, &x.Method, &x.Keys, &x.KeyCols, &x.Desc, &x.NullsFirst, &x.NKeys,
			&x.Include, &x.Where, &x.Plain, &x.Comment, &x.Options, &x.Uses, &x.Statistics, &x.plainWhere, &x.Invalid, &x.plainKeys}
	}, func(t *CatTable, x *CatIndex) {
		if nestedSameOp(x.plainWhere) {
			x.Where = x.plainWhere
		}
		for k := range x.Keys {
			if k < len(x.plainKeys) && nestedSameOp(x.plainKeys[k]) {
				x.Keys[k] = x.plainKeys[k]
			}
		}
		x.NullsNotDistinct = containsFold(x.Def, " NULLS NOT DISTINCT")
		t.Indexes = append(t.Indexes, x)
	}, `
SELECT i.indrelid, ic.relname, pg_get_indexdef(i.indexrelid), i.indisunique, am.amname,
  ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnkeyatts) k),
  ARRAY(SELECT i.indkey[k - 1] FROM generate_series(1, i.indnkeyatts) k)::int2[],
  ARRAY(SELECT (i.indoption[k - 1] & 1) <> 0 FROM generate_series(1, i.indnkeyatts) k),
  ARRAY(SELECT (i.indoption[k - 1] & 2) <> 0 FROM generate_series(1, i.indnkeyatts) k),
  i.indnkeyatts,
  ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(i.indnkeyatts + 1, i.indnatts) k),
  coalesce(pg_get_expr(i.indpred, i.indrelid, true), ''),
  (SELECT bool_and(opc.opcdefault) FROM unnest(i.indclass) WITH ORDINALITY u(cls, k) JOIN pg_opclass opc ON opc.oid = u.cls WHERE u.k <= i.indnkeyatts)
    AND NOT EXISTS (SELECT 1 FROM unnest(i.indcollation) WITH ORDINALITY u(coll, k)
      WHERE u.coll <> 0 AND u.coll <> coalesce((SELECT a.attcollation FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = i.indkey[u.k - 1]), 0)
        AND u.coll <> 100)
    AND ic.reloptions IS NULL
    -- Nor one of an operator class's parameters (gist_hstore_ops (siglen='32')),
    -- which the index's attributes hold.
    AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = i.indexrelid AND a.attoptions IS NOT NULL),
  coalesce(obj_description(i.indexrelid, 'pg_class'), ''),
  coalesce(ic.reloptions, '{}'),
  ARRAY(SELECT DISTINCT p.proname FROM pg_depend d JOIN pg_proc p ON p.oid = d.refobjid
    WHERE d.classid = 'pg_class'::regclass AND d.objid = i.indexrelid AND d.refclassid = 'pg_proc'::regclass
      AND p.pronamespace = n.oid`+notExt("p.oid", "pg_proc")+` ORDER BY 1),
  ARRAY(SELECT a.attnum::text || ' ' || a.attstattarget::text FROM pg_attribute a
    WHERE a.attrelid = i.indexrelid AND a.attnum > 0 AND a.attstattarget >= 0 ORDER BY a.attnum),
  coalesce(pg_get_expr(i.indpred, i.indrelid, false), ''),
  NOT i.indisvalid,
  ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, false) FROM generate_series(1, i.indnkeyatts) k)
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am am ON am.oid = ic.relam
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
  AND NOT EXISTS (SELECT 1 FROM pg_constraint co WHERE co.conindid = i.indexrelid AND co.conrelid = i.indrelid AND co.contype IN ('p', 'u', 'x'))
  AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid)
ORDER BY i.indrelid, ic.relname`, r.schema)
}

func (r *reader) partIndexes() error {
	return tableRows(r, func(x *CatPartIndex) []any {
		return []any{&x.Name, &x.Parent, &x.Columns, &x.Constraint}
	}, func(t *CatTable, x *CatPartIndex) {
		t.PartIndexes = append(t.PartIndexes, x)
	}, `
SELECT i.indrelid, ic.relname, pc.relname,
  ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = h.inhparent AND a.attnum > 0 ORDER BY a.attnum),
  coalesce((SELECT co.contype::text FROM pg_constraint co
    WHERE co.conindid = i.indexrelid AND co.conrelid = i.indrelid AND co.contype IN ('p', 'u', 'x')), '')
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_inherits h ON h.inhrelid = i.indexrelid JOIN pg_class pc ON pc.oid = h.inhparent
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
ORDER BY i.indrelid, ic.relname`, r.schema)
}

func (r *reader) sequences() error {
	return appendRows(r, &r.cat.Sequences, func(s *CatSequence) []any {
		return []any{&s.Name, &s.Type, &s.Start, &s.Inc, &s.Min, &s.Max, &s.Cache, &s.Cycle, &s.Unlogged, &s.OwnedBy, &s.Comment}
	}, `
SELECT c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
  c.relpersistence = 'u',
  coalesce((SELECT t.relname || '.' || a.attname FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid
    JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
    WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a' LIMIT 1), ''),
  coalesce(obj_description(c.oid, 'pg_class'), '')
FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('i', 'e'))
ORDER BY 1`, r.schema)
}

// typeDepends is the condition on pg_depend d of typeUses and
// typeForeign: what type t (a domain, composite or range type) depends
// on by itself, by its attributes (its relation's) or by its checks.
const typeDepends = `d.deptype = 'n' AND (d.classid = 'pg_type'::regclass AND d.objid = t.oid
        OR d.classid = 'pg_class'::regclass AND t.typrelid <> 0 AND d.objid = t.typrelid
        OR d.classid = 'pg_constraint'::regclass AND d.objid IN (SELECT co.oid FROM pg_constraint co WHERE co.contypid = t.oid))`

// typeUses selects the names of the types and functions of schema n.oid
// that type t (a domain, composite or range type) depends on: those its
// definition, its attributes (by their element type for an array) or its
// constraints name, which must exist before it. What an extension owns is
// left out: extensions are created before everything of the schema.
var typeUses = `ARRAY(SELECT DISTINCT coalesce(rt.typname, rp.proname) FROM pg_depend d
    LEFT JOIN pg_type rt0 ON d.refclassid = 'pg_type'::regclass AND rt0.oid = d.refobjid
    LEFT JOIN pg_type rt ON rt.oid = CASE WHEN rt0.typcategory = 'A' AND rt0.typelem <> 0 THEN rt0.typelem ELSE rt0.oid END AND rt.typnamespace = n.oid` +
	notExt("rt.oid", "pg_type") + `
    LEFT JOIN pg_proc rp ON d.refclassid = 'pg_proc'::regclass AND rp.oid = d.refobjid AND rp.pronamespace = n.oid` + notExt("rp.oid", "pg_proc") + `
    WHERE ` + typeDepends + `
      AND coalesce(rt.typname, rp.proname) IS NOT NULL AND coalesce(rt.oid, 0) <> t.oid
    ORDER BY 1)`

// typeForeign selects, qualified and quoted, the types and functions of
// schemas other than n.oid, pg_catalog and information_schema that type
// t (a domain, composite or range type) depends on, as typeUses does
// for those of n.oid: import does not read them, so the schemas must
// exist where the migrations run. What an extension owns is left out.
var typeForeign = `ARRAY(SELECT DISTINCT quote_ident(fn.nspname) || '.' || quote_ident(coalesce(ft.typname, fp.proname)) FROM pg_depend d
    LEFT JOIN pg_type ft0 ON d.refclassid = 'pg_type'::regclass AND ft0.oid = d.refobjid
    LEFT JOIN pg_type ft ON ft.oid = CASE WHEN ft0.typcategory = 'A' AND ft0.typelem <> 0 THEN ft0.typelem ELSE ft0.oid END` +
	notExt("ft.oid", "pg_type") + `
    LEFT JOIN pg_proc fp ON d.refclassid = 'pg_proc'::regclass AND fp.oid = d.refobjid` + notExt("fp.oid", "pg_proc") + `
    JOIN pg_namespace fn ON fn.oid = coalesce(ft.typnamespace, fp.pronamespace)
    WHERE ` + typeDepends + `
      AND fn.oid <> n.oid AND fn.nspname NOT IN ('pg_catalog', 'information_schema')
    ORDER BY 1)`

// columnComments selects the comments of the columns of relation rel
// (a view, a composite type's row), each [column, comment].
func columnComments(rel string) string {
	return `coalesce((SELECT array_agg(ARRAY[a.attname::text, col_description(a.attrelid, a.attnum)] ORDER BY a.attnum)
    FROM pg_attribute a WHERE a.attrelid = ` + rel + ` AND a.attnum > 0 AND NOT a.attisdropped
      AND col_description(a.attrelid, a.attnum) IS NOT NULL), '{}')`
}

// storageName selects the keyword of SET STORAGE for the storage code
// (attstorage, typstorage) expr.
func storageName(expr string) string {
	return `CASE ` + expr + ` WHEN 'p' THEN 'PLAIN' WHEN 'e' THEN 'EXTERNAL' WHEN 'm' THEN 'MAIN' ELSE 'EXTENDED' END`
}

// collationName selects the schema-qualified name of the collation whose
// oid is expr.
func collationName(expr string) string {
	return `(SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname) FROM pg_collation co
    JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = ` + expr + `)`
}

// collations reads the collations of the schema. The ICU locale is
// colliculocale up to PostgreSQL 16, colllocale from 17.
func (r *reader) collations() error {
	return appendRows(r, &r.cat.Collations, func(c *CatCollation) []any {
		return []any{&c.Name, &c.Provider, &c.Locale, &c.Collate, &c.Ctype, &c.Deterministic, &c.Comment}
	}, `
SELECT co.collname, co.collprovider::text, coalesce(to_jsonb(co)->>'colllocale', to_jsonb(co)->>'colliculocale', ''),
  coalesce(co.collcollate, ''), coalesce(co.collctype, ''), co.collisdeterministic, coalesce(obj_description(co.oid, 'pg_collation'), '')
FROM pg_collation co JOIN pg_namespace n ON n.oid = co.collnamespace
WHERE n.nspname = $1`+notExt("co.oid", "pg_collation")+`
ORDER BY 1`, r.schema)
}

// searchConfigs reads the text search dictionaries (their CREATE
// statements) and configurations of the schema. A configuration's
// mappings group the token types that go through the same dictionaries.
func (r *reader) searchConfigs() error {
	err := appendRows(r, &r.cat.Dictionaries, func(d *CatStatement) []any { return []any{&d.Name, &d.SQL} }, `
SELECT td.dictname, 'CREATE TEXT SEARCH DICTIONARY ' || quote_ident(td.dictname) || ' (TEMPLATE = ' ||
    quote_ident(tn.nspname) || '.' || quote_ident(t.tmplname) || coalesce(', ' || td.dictinitoption, '') || ')' ||
    coalesce(';' || chr(10) || 'COMMENT ON TEXT SEARCH DICTIONARY ' || quote_ident(td.dictname) || ' IS ' || quote_literal(obj_description(td.oid, 'pg_ts_dict')), '')
FROM pg_ts_dict td JOIN pg_namespace n ON n.oid = td.dictnamespace
JOIN pg_ts_template t ON t.oid = td.dicttemplate JOIN pg_namespace tn ON tn.oid = t.tmplnamespace
WHERE n.nspname = $1`+notExt("td.oid", "pg_ts_dict")+`
ORDER BY 1`, r.schema)
	if err != nil {
		return err
	}
	rows, err := r.conn.Query(r.ctx, `
SELECT cf.cfgname, quote_ident(pn.nspname) || '.' || quote_ident(p.prsname), coalesce(obj_description(cf.oid, 'pg_ts_config'), ''),
  coalesce(g.tokens, '{}'), coalesce(g.dicts, '{}')
FROM pg_ts_config cf JOIN pg_namespace n ON n.oid = cf.cfgnamespace
JOIN pg_ts_parser p ON p.oid = cf.cfgparser JOIN pg_namespace pn ON pn.oid = p.prsnamespace
LEFT JOIN LATERAL (
  SELECT array_agg(tokens ORDER BY first) AS tokens, array_agg(dicts ORDER BY first) AS dicts FROM (
    SELECT string_agg(m.alias, ', ' ORDER BY m.tokid) AS tokens, min(m.tokid) AS first, m.dicts FROM (
      SELECT t.tokid, t.alias, string_agg(quote_ident(dn.nspname) || '.' || quote_ident(td.dictname), ', ' ORDER BY cm.mapseqno) AS dicts
      FROM pg_ts_config_map cm JOIN ts_token_type(cf.cfgparser) t ON t.tokid = cm.maptokentype
      JOIN pg_ts_dict td ON td.oid = cm.mapdict JOIN pg_namespace dn ON dn.oid = td.dictnamespace
      WHERE cm.mapcfg = cf.oid GROUP BY t.tokid, t.alias) m
    GROUP BY m.dicts) x) g ON true
WHERE n.nspname = $1`+notExt("cf.oid", "pg_ts_config")+`
ORDER BY 1`, r.schema)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var c CatSearchConfig
		var tokens, dicts []string
		if err := rows.Scan(&c.Name, &c.Parser, &c.Comment, &tokens, &dicts); err != nil {
			return err
		}
		for i := range tokens {
			c.Mappings = append(c.Mappings, Named{Name: tokens[i], Detail: dicts[i]})
		}
		r.cat.SearchConfigs = append(r.cat.SearchConfigs, c)
	}
	return rows.Err()
}

func (r *reader) domains() error {
	rows, err := r.conn.Query(r.ctx, `
SELECT t.typname, format_type(t.typbasetype, t.typtypmod), coalesce(pg_get_expr(t.typdefaultbin, 0), ''), t.typnotnull,
  CASE WHEN t.typcollation <> 0 AND t.typcollation <> b.typcollation
    THEN `+collationName("t.typcollation")+` ELSE '' END,
  coalesce((SELECT array_agg(co.conname ORDER BY co.conname) FROM pg_constraint co WHERE co.contypid = t.oid AND co.contype = 'c'), '{}'),
  coalesce((SELECT array_agg(pg_get_constraintdef(co.oid, true) ORDER BY co.conname) FROM pg_constraint co WHERE co.contypid = t.oid AND co.contype = 'c'), '{}'),
  coalesce(obj_description(t.oid, 'pg_type'), ''), `+typeUses+`, `+typeForeign+`,
  coalesce((SELECT array_agg(pg_get_constraintdef(co.oid, false) ORDER BY co.conname) FROM pg_constraint co WHERE co.contypid = t.oid AND co.contype = 'c'), '{}'),
  coalesce((SELECT array_agg(coalesce(obj_description(co.oid, 'pg_constraint'), '') ORDER BY co.conname) FROM pg_constraint co WHERE co.contypid = t.oid AND co.contype = 'c'), '{}')
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_type b ON b.oid = t.typbasetype
WHERE n.nspname = $1 AND t.typtype = 'd'`+notExt("t.oid", "pg_type")+`
ORDER BY 1`, r.schema)
	if err != nil {
		return err
	}
	for rows.Next() {
		var d CatDomain
		var names, defs, plain, comments []string
		if err := rows.Scan(&d.Name, &d.Base, &d.Default, &d.NotNull, &d.Collation, &names, &defs, &d.Comment, &d.Uses, &d.Foreign, &plain, &comments); err != nil {
			return err
		}
		for i := range names {
			if nestedSameOp(plain[i]) {
				defs[i] = plain[i]
			}
			d.Checks = append(d.Checks, CatDomainCheck{Name: names[i], Def: defs[i], Comment: comments[i]})
		}
		r.cat.Domains = append(r.cat.Domains, d)
	}
	return rows.Err()
}

func (r *reader) types() error {
	return appendRows(r, &r.cat.Types, func(t *CatType) []any {
		return []any{&t.Name, &t.Kind, &t.SQL, &t.Comment, &t.Uses, &t.Foreign, &t.ColumnComments}
	}, `
SELECT t.typname, t.typtype::text,
  CASE WHEN t.typtype = 'c' THEN
    '(' || coalesce((SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod) ||
        CASE WHEN a.attcollation <> 0 AND a.attcollation <> at.typcollation THEN ' COLLATE ' || `+collationName("a.attcollation")+` ELSE '' END,
        ', ' ORDER BY a.attnum)
      FROM pg_attribute a JOIN pg_type at ON at.oid = a.atttypid WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped), '') || ')'
  ELSE
    'RANGE (subtype = ' || format_type(rg.rngsubtype, NULL) ||
      CASE WHEN rg.rngcollation <> 0 AND rg.rngcollation <> (SELECT st.typcollation FROM pg_type st WHERE st.oid = rg.rngsubtype)
        THEN ', collation = ' || `+collationName("rg.rngcollation")+` ELSE '' END ||
      CASE WHEN rg.rngsubdiff <> 0 THEN ', subtype_diff = ' || rg.rngsubdiff::regproc::text ELSE '' END ||
      coalesce((SELECT ', subtype_opclass = ' || CASE WHEN opn.nspname IN ('pg_catalog', $1) THEN '' ELSE quote_ident(opn.nspname) || '.' END || quote_ident(opc.opcname)
        FROM pg_opclass opc JOIN pg_namespace opn ON opn.oid = opc.opcnamespace WHERE opc.oid = rg.rngsubopc AND NOT opc.opcdefault), '') ||
      coalesce((SELECT ', multirange_type_name = ' || quote_ident(mt.typname) FROM pg_type mt WHERE mt.oid = rg.rngmultitypid
        AND mt.typname <> CASE WHEN position('range' in t.typname) > 0 THEN overlay(t.typname placing 'multirange' from position('range' in t.typname) for 5)
          ELSE t.typname || '_multirange' END), '') || ')'
  END,
  coalesce(obj_description(t.oid, 'pg_type'), ''), `+typeUses+`, `+typeForeign+`, `+columnComments("t.typrelid")+`
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_class c ON c.oid = t.typrelid
LEFT JOIN pg_range rg ON rg.rngtypid = t.oid
WHERE n.nspname = $1 AND (t.typtype = 'r' OR (t.typtype = 'c' AND c.relkind = 'c'))`+notExt("t.oid", "pg_type")+`
ORDER BY 1`, r.schema)
}

func (r *reader) views() error {
	defer func() {
		for i := range r.cat.Views {
			if v := &r.cat.Views[i]; nestedSameOp(v.plain) {
				v.Def = v.plain
			}
		}
	}()
	if err := r.viewRows(); err != nil {
		if werr := r.unreadableView(); werr != nil {
			return werr
		}
		return err
	}
	return nil
}

// unreadableView names the first view or materialized view of the
// schema whose definition PostgreSQL cannot print, which stopped
// viewRows without a word of which one it was, and says what to do; nil
// when every definition prints. PostgreSQL 15 makes a materialized view
// over a trigger's transition table (CREATE MATERIALIZED VIEW … AS
// SELECT * FROM newrows, run by the trigger's function), whose
// definition pg_get_viewdef (and pg_dump) then refuses with
// "unrecognized RTE kind: 7".
func (r *reader) unreadableView() error {
	type view struct {
		name         string
		materialized bool
		oid          uint32
	}
	var views []view
	rows, err := r.conn.Query(r.ctx, `SELECT c.relname, c.relkind = 'm', c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relkind IN ('v', 'm')`+notExt("c.oid", "pg_class")+` ORDER BY 1`, r.schema)
	if err != nil {
		return nil
	}
	for rows.Next() {
		var v view
		if err := rows.Scan(&v.name, &v.materialized, &v.oid); err != nil {
			rows.Close()
			return nil
		}
		views = append(views, v)
	}
	rows.Close()
	for _, v := range views {
		var def string
		err := r.conn.QueryRow(r.ctx, "SELECT pg_get_viewdef($1::oid)", v.oid).Scan(&def)
		if err == nil {
			continue
		}
		kind, drop := "view", "DROP VIEW "
		if v.materialized {
			kind, drop = "materialized view", "DROP MATERIALIZED VIEW "
		}
		why := "make it again with a definition PostgreSQL can print, or drop it, and import again"
		if strings.Contains(err.Error(), "unrecognized RTE kind") {
			why = "it reads a trigger's transition table (REFERENCING NEW TABLE or OLD TABLE), which exists only while the trigger runs, so no statement can create it again (pg_dump stops at it too): drop it (" +
				drop + quoteIdent(v.name) + "), or make it again over a table, and import again"
		}
		return fmt.Errorf("%s %s: PostgreSQL cannot print its definition: %w; %s", kind, v.name, err, why)
	}
	return nil
}

// viewRows reads the views and materialized views of the schema.
func (r *reader) viewRows() error {
	return appendRows(r, &r.cat.Views, func(v *CatView) []any {
		return []any{&v.Name, &v.Materialized, &v.Def, &v.Options, &v.Comment, &v.Indexes, &v.Uses, &v.ColumnComments, &v.ColumnDefaults, &v.plain,
			&v.IndexComments, &v.IndexStatistics, &v.ClusterOn, &v.ColumnSettings, &v.ColumnUses}
	}, `
SELECT c.relname, c.relkind = 'm', pg_get_viewdef(c.oid, true), coalesce(c.reloptions, '{}'),
  coalesce(obj_description(c.oid, 'pg_class'), ''),
  ARRAY(SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = c.oid ORDER BY ic.relname),
  ARRAY(SELECT DISTINCT coalesce(dc.relname, dp.proname) FROM pg_rewrite rw
    JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid AND d.deptype = 'n'
    LEFT JOIN pg_class dc ON d.refclassid = 'pg_class'::regclass AND dc.oid = d.refobjid AND dc.oid <> c.oid AND dc.relnamespace = n.oid`+notExt("dc.oid", "pg_class")+`
    LEFT JOIN pg_proc dp ON d.refclassid = 'pg_proc'::regclass AND dp.oid = d.refobjid AND dp.pronamespace = n.oid`+notExt("dp.oid", "pg_proc")+`
    WHERE rw.ev_class = c.oid AND coalesce(dc.relname, dp.proname) IS NOT NULL ORDER BY 1),
  `+columnComments("c.oid")+`,
  coalesce((SELECT array_agg(ARRAY[a.attname::text, pg_get_expr(d.adbin, d.adrelid)] ORDER BY a.attnum)
    FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
    WHERE d.adrelid = c.oid AND NOT a.attisdropped), '{}'),
  pg_get_viewdef(c.oid, false),
  coalesce((SELECT array_agg(ARRAY[ic.relname::text, obj_description(ic.oid, 'pg_class')] ORDER BY ic.relname)
    FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
    WHERE i.indrelid = c.oid AND obj_description(ic.oid, 'pg_class') IS NOT NULL), '{}'),
  coalesce((SELECT array_agg(ARRAY[ic.relname::text, a.attnum::text || ' ' || a.attstattarget::text] ORDER BY ic.relname, a.attnum)
    FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_attribute a ON a.attrelid = ic.oid
    WHERE i.indrelid = c.oid AND a.attnum > 0 AND coalesce(a.attstattarget::int, -1) >= 0), '{}'),
  coalesce((SELECT ic.relname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = c.oid AND i.indisclustered), ''),
  coalesce((SELECT array_agg(ARRAY[a.attname::text, v.clause] ORDER BY a.attnum, v.k)
    FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid,
    LATERAL (VALUES
      (1, CASE WHEN coalesce(a.attstattarget::int, -1) >= 0 THEN 'SET STATISTICS ' || a.attstattarget END),
      (2, (SELECT 'SET (' || string_agg(o, ', ') || ')' FROM unnest(a.attoptions) o WHERE o NOT LIKE 'pg\_%')),
      (3, CASE WHEN a.attstorage <> t.typstorage THEN 'SET STORAGE ' || `+storageName("a.attstorage")+` END),
      (4, CASE a.attcompression WHEN 'p' THEN 'SET COMPRESSION pglz' WHEN 'l' THEN 'SET COMPRESSION lz4' END)) v(k, clause)
    WHERE c.relkind = 'm' AND a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND v.clause IS NOT NULL), '{}'),
  coalesce((SELECT array_agg(DISTINCT ARRAY[dc.relname::text, a.attname::text] ORDER BY ARRAY[dc.relname::text, a.attname::text])
    FROM pg_rewrite rw
    JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid AND d.deptype = 'n'
      AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0
    JOIN pg_class dc ON dc.oid = d.refobjid AND dc.oid <> c.oid AND dc.relnamespace = n.oid
    JOIN pg_attribute a ON a.attrelid = dc.oid AND a.attnum = d.refobjsubid
    WHERE rw.ev_class = c.oid), '{}')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relkind IN ('v', 'm')`+notExt("c.oid", "pg_class")+`
ORDER BY 1`, r.schema)
}

// functions reads the functions, procedures and aggregates of the
// schema, without those a type made (a range type's and its multirange
// type's constructors), which are the type's. An aggregate of no
// argument is written name(*), as CREATE and DROP AGGREGATE need it; its
// sort operator by its name alone (SORTOP = <, or OPERATOR(s.<<<) for
// another schema's), as CREATE AGGREGATE takes it, not with its
// argument types, which it refuses.
func (r *reader) functions() error {
	rows, err := r.conn.Query(r.ctx, `
SELECT p.proname, p.prokind::text,
  CASE WHEN p.prokind = 'a' THEN
    'CREATE AGGREGATE ' || quote_ident(p.proname) || '(' || CASE WHEN p.pronargs = 0 THEN '*' ELSE pg_get_function_identity_arguments(p.oid) END || ') (' ||
      'SFUNC = ' || a.aggtransfn::regproc::text || ', STYPE = ' || format_type(a.aggtranstype, NULL) ||
      CASE WHEN a.aggtransspace <> 0 THEN ', SSPACE = ' || a.aggtransspace ELSE '' END ||
      CASE WHEN a.aggfinalfn <> 0 THEN ', FINALFUNC = ' || a.aggfinalfn::regproc::text ELSE '' END ||
      CASE WHEN a.aggfinalextra THEN ', FINALFUNC_EXTRA' ELSE '' END ||
      CASE WHEN a.aggfinalmodify <> CASE WHEN a.aggkind = 'n' THEN 'r' ELSE 'w' END
        THEN ', FINALFUNC_MODIFY = ' || CASE a.aggfinalmodify WHEN 'r' THEN 'READ_ONLY' WHEN 's' THEN 'SHAREABLE' ELSE 'READ_WRITE' END ELSE '' END ||
      CASE WHEN a.aggcombinefn <> 0 THEN ', COMBINEFUNC = ' || a.aggcombinefn::regproc::text ELSE '' END ||
      CASE WHEN a.aggserialfn <> 0 THEN ', SERIALFUNC = ' || a.aggserialfn::regproc::text ELSE '' END ||
      CASE WHEN a.aggdeserialfn <> 0 THEN ', DESERIALFUNC = ' || a.aggdeserialfn::regproc::text ELSE '' END ||
      CASE WHEN a.agginitval IS NOT NULL THEN ', INITCOND = ' || quote_literal(a.agginitval) ELSE '' END ||
      CASE WHEN a.aggmtransfn <> 0 THEN ', MSFUNC = ' || a.aggmtransfn::regproc::text || ', MINVFUNC = ' || a.aggminvtransfn::regproc::text ||
        ', MSTYPE = ' || format_type(a.aggmtranstype, NULL) ELSE '' END ||
      CASE WHEN a.aggmtransspace <> 0 THEN ', MSSPACE = ' || a.aggmtransspace ELSE '' END ||
      CASE WHEN a.aggmfinalfn <> 0 THEN ', MFINALFUNC = ' || a.aggmfinalfn::regproc::text ELSE '' END ||
      CASE WHEN a.aggmfinalextra THEN ', MFINALFUNC_EXTRA' ELSE '' END ||
      CASE WHEN a.aggmtransfn <> 0 AND a.aggmfinalmodify <> CASE WHEN a.aggkind = 'n' THEN 'r' ELSE 'w' END
        THEN ', MFINALFUNC_MODIFY = ' || CASE a.aggmfinalmodify WHEN 'r' THEN 'READ_ONLY' WHEN 's' THEN 'SHAREABLE' ELSE 'READ_WRITE' END ELSE '' END ||
      CASE WHEN a.aggminitval IS NOT NULL THEN ', MINITCOND = ' || quote_literal(a.aggminitval) ELSE '' END ||
      CASE WHEN a.aggsortop <> 0 THEN ', SORTOP = ' || (SELECT CASE WHEN strpos(o, '.') > 0 THEN 'OPERATOR(' || o || ')' ELSE o END
        FROM split_part(a.aggsortop::regoperator::text, '(', 1) o) ELSE '' END ||
      CASE WHEN a.aggkind = 'h' THEN ', HYPOTHETICAL' ELSE '' END ||
      CASE p.proparallel WHEN 's' THEN ', PARALLEL = SAFE' WHEN 'r' THEN ', PARALLEL = RESTRICTED' ELSE '' END || ')'
  ELSE pg_get_functiondef(p.oid) END,
  CASE WHEN p.prokind = 'a' AND p.pronargs = 0 THEN '*' ELSE pg_get_function_identity_arguments(p.oid) END,
  coalesce(obj_description(p.oid, 'pg_proc'), ''),
  EXISTS (SELECT 1 FROM pg_proc b WHERE b.pronamespace = 'pg_catalog'::regnamespace AND b.proname = p.proname AND b.proargtypes = p.proargtypes)
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
LEFT JOIN pg_aggregate a ON a.aggfnoid = p.oid
WHERE n.nspname = $1`+notExt("p.oid", "pg_proc")+`
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
    AND d.refclassid = 'pg_type'::regclass AND d.deptype = 'i')
ORDER BY p.proname, CASE p.prokind WHEN 'w' THEN 'f' ELSE p.prokind END, pg_get_function_identity_arguments(p.oid)`, r.schema)
	if err != nil {
		return err
	}
	var last *CatFunction
	for rows.Next() {
		var name, kind, def, args, comment string
		var shadows bool
		if err := rows.Scan(&name, &kind, &def, &args, &comment, &shadows); err != nil {
			return err
		}
		// One entry holds the overloads of one name and kind, a window
		// function's with the plain functions', whose statements are the
		// same (CREATE FUNCTION); the rows come sorted so.
		if last == nil || last.Name != name || fnKind(last.Kind) != fnKind(kind) {
			r.cat.Functions = append(r.cat.Functions, CatFunction{Name: name, Kind: kind})
			last = &r.cat.Functions[len(r.cat.Functions)-1]
		}
		last.Defs = append(last.Defs, def)
		last.Args = append(last.Args, args)
		last.Comments = append(last.Comments, comment)
		last.Shadows = append(last.Shadows, shadows)
	}
	return rows.Err()
}

// fnKind is a pg_proc.prokind with a window function's ("w") read as a
// plain function's ("f"): both are made by CREATE FUNCTION and are
// overloads of one name.
func fnKind(k string) string {
	if k == "w" {
		return "f"
	}
	return k
}

// operators reads the operators of the schema as CREATE OPERATOR
// statements, as pg_dump writes them: an operator of another schema
// (a commutator, a negator) is named OPERATOR(schema.name).
func (r *reader) operators() error {
	return appendRows(r, &r.cat.Operators, func(o *CatOperator) []any {
		return []any{&o.Name, &o.SQL, &o.Comment, &o.Uses, &o.Shells, &o.Shadows, &o.ShadowedShells}
	}, `
WITH refs AS (
  -- How CREATE OPERATOR names an operator: plain in the schema, but
  -- OPERATOR(<schema>.>) for one with the name and argument types of
  -- one of pg_catalog's, which the plain name would find (<schema> is
  -- written \x01, made the schema the statement runs in); the
  -- signature of a shell operator of the schema.
  SELECT o.oid, CASE WHEN n.nspname = $1 AND EXISTS (SELECT FROM pg_operator c WHERE c.oprnamespace = 'pg_catalog'::regnamespace
      AND c.oprname = o.oprname AND c.oprleft = o.oprleft AND c.oprright = o.oprright) THEN 'OPERATOR(' || chr(1) || '.' || o.oprname || ')'
    WHEN n.nspname = $1 THEN o.oprname ELSE 'OPERATOR(' || quote_ident(n.nspname) || '.' || o.oprname || ')' END AS ref,
    CASE WHEN o.oprcode = 0 AND n.nspname = $1 THEN o.oprname || ' (' || coalesce(format_type(nullif(o.oprleft, 0), NULL), 'NONE') || ', ' ||
      coalesce(format_type(nullif(o.oprright, 0), NULL), 'NONE') || ')' END AS shell,
    EXISTS (SELECT FROM pg_operator c WHERE c.oprnamespace = 'pg_catalog'::regnamespace AND c.oprname = o.oprname
      AND c.oprleft = o.oprleft AND c.oprright = o.oprright) AS shadows
  FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace
), ops AS (
  SELECT o.*,
    o.oprname || ' (' || coalesce(format_type(nullif(o.oprleft, 0), NULL), 'NONE') || ', ' ||
      coalesce(format_type(nullif(o.oprright, 0), NULL), 'NONE') || ')' AS sig
  FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace
  -- Not a shell operator (no function), which CREATE OPERATOR makes
  -- of a COMMUTATOR or NEGATOR not yet defined and makes again.
  WHERE n.nspname = $1 AND o.oprcode <> 0`+notExt("o.oid", "pg_operator")+`
)
SELECT o.sig,
  'CREATE OPERATOR ' || o.oprname || ' (' || chr(10) || '    FUNCTION = ' || o.oprcode::regproc::text ||
  CASE WHEN o.oprleft <> 0 THEN ',' || chr(10) || '    LEFTARG = ' || format_type(o.oprleft, NULL) ELSE '' END ||
  CASE WHEN o.oprright <> 0 THEN ',' || chr(10) || '    RIGHTARG = ' || format_type(o.oprright, NULL) ELSE '' END ||
  coalesce(',' || chr(10) || '    COMMUTATOR = ' || com.ref, '') ||
  coalesce(',' || chr(10) || '    NEGATOR = ' || neg.ref, '') ||
  CASE WHEN o.oprrest <> 0 THEN ',' || chr(10) || '    RESTRICT = ' || o.oprrest::regproc::text ELSE '' END ||
  CASE WHEN o.oprjoin <> 0 THEN ',' || chr(10) || '    JOIN = ' || o.oprjoin::regproc::text ELSE '' END ||
  CASE WHEN o.oprcanhash THEN ',' || chr(10) || '    HASHES' ELSE '' END ||
  CASE WHEN o.oprcanmerge THEN ',' || chr(10) || '    MERGES' ELSE '' END || chr(10) || ')',
  coalesce(obj_description(o.oid, 'pg_operator'), ''),
  ARRAY(SELECT DISTINCT p.proname FROM pg_proc p
    WHERE p.oid IN (o.oprcode, o.oprrest, o.oprjoin) AND p.pronamespace = o.oprnamespace`+notExt("p.oid", "pg_proc")+` ORDER BY 1),
  ARRAY(SELECT DISTINCT x FROM unnest(ARRAY[com.shell, neg.shell]) x WHERE x IS NOT NULL ORDER BY 1),
  EXISTS (SELECT FROM pg_operator c WHERE c.oprnamespace = 'pg_catalog'::regnamespace AND c.oprname = o.oprname
    AND c.oprleft = o.oprleft AND c.oprright = o.oprright),
  ARRAY(SELECT DISTINCT x.shell FROM refs x WHERE x.oid IN (o.oprcom, o.oprnegate) AND x.shell IS NOT NULL AND x.shadows ORDER BY 1)
FROM ops o LEFT JOIN refs com ON com.oid = o.oprcom LEFT JOIN refs neg ON neg.oid = o.oprnegate
ORDER BY o.sig`, r.schema)
}

func (r *reader) triggers() error {
	defer func() {
		for i := range r.cat.Triggers {
			t := &r.cat.Triggers[i]
			// Only the WHEN condition: the plain definition names the
			// table with its schema.
			ps, pe, ok := whenCondition(t.plain)
			s, e, ok2 := whenCondition(t.Def)
			if ok && ok2 && nestedSameOp(t.plain[ps:pe]) {
				t.Def = t.Def[:s] + t.plain[ps:pe] + t.Def[e:]
			}
		}
	}()
	return appendRows(r, &r.cat.Triggers, func(t *CatTrigger) []any {
		return []any{&t.Name, &t.Table, &t.Def, &t.Function, &t.Comment, &t.Enabled, &t.plain}
	}, `
SELECT tg.tgname, c.relname, pg_get_triggerdef(tg.oid, true), p.proname, coalesce(obj_description(tg.oid, 'pg_trigger'), ''), tg.tgenabled::text,
  pg_get_triggerdef(tg.oid, false)
FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_proc p ON p.oid = tg.tgfoid
WHERE n.nspname = $1 AND NOT tg.tgisinternal AND tg.tgparentid = 0`+notExt("c.oid", "pg_class")+`
ORDER BY 2, 1`, r.schema)
}

func (r *reader) triggerStates() error {
	return appendRows(r, &r.cat.TriggerStates, func(t *CatTriggerState) []any {
		return []any{&t.Name, &t.Table, &t.Enabled, &t.ParentEnabled, &t.RootTable}
	}, `
SELECT tg.tgname, c.relname, tg.tgenabled::text, pt.tgenabled::text,
  coalesce((WITH RECURSIVE up(oid, parent) AS (SELECT pt.oid, pt.tgparentid
      UNION ALL SELECT t.oid, t.tgparentid FROM up JOIN pg_trigger t ON t.oid = up.parent)
    SELECT rc.relname FROM up JOIN pg_trigger r ON r.oid = up.oid JOIN pg_class rc ON rc.oid = r.tgrelid
    WHERE up.parent = 0 AND rc.relnamespace = c.relnamespace), '')
FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_trigger pt ON pt.oid = tg.tgparentid
WHERE n.nspname = $1 AND tg.tgparentid <> 0 AND tg.tgenabled <> pt.tgenabled`+notExt("c.oid", "pg_class")+`
ORDER BY (SELECT count(*) FROM pg_partition_ancestors(c.oid)), 2, 1`, r.schema)
}

// whenCondition returns where, in def, a CREATE TRIGGER statement as
// pg_get_triggerdef prints it, the parenthesized condition of its WHEN
// clause starts and ends; ok is false when it has none.
func whenCondition(def string) (start, end int, ok bool) {
	return conditionAfter(def, "WHEN", "EXECUTE")
}

// ruleTable returns where, in def, a CREATE RULE statement as
// pg_get_ruledef prints it, the name of the rule's table after TO starts
// and ends; ok is false when it cannot be read.
func ruleTable(def string) (start, end int, ok bool) {
	toks, err := sqllex.Lex(def)
	if err != nil {
		return 0, 0, false
	}
	for i, t := range toks {
		if !t.Is("TO") {
			continue
		}
		for j := i + 1; j < len(toks); j++ {
			if toks[j].Is("WHERE") || toks[j].Is("DO") {
				if j == i+1 {
					return 0, 0, false
				}
				return toks[i+1].Off, toks[j-1].End(), true
			}
		}
		return 0, 0, false
	}
	return 0, 0, false
}

// statementEnd returns where the first statement of sql ends: at its
// first semicolon outside parentheses (not one between the actions of a
// rule's DO ( …; … )), or at the end.
func statementEnd(sql string) int {
	toks, err := sqllex.Lex(sql)
	if err != nil {
		return len(sql)
	}
	if k := sqllex.Top(toks, 0, func(k int) bool { return toks[k].IsPunct(";") }); k < len(toks) && toks[k].IsPunct(";") {
		return toks[k].Off
	}
	return len(sql)
}

// conditionAfter returns where, in def, the parenthesized condition
// after the word keyword starts and ends, looking no further than the
// word stop; ok is false when there is none.
func conditionAfter(def, keyword, stop string) (start, end int, ok bool) {
	toks, err := sqllex.Lex(def)
	if err != nil {
		return 0, 0, false
	}
	for i := 0; i+1 < len(toks); i++ {
		if toks[i].Is(stop) {
			return 0, 0, false
		}
		if !toks[i].Is(keyword) || !toks[i+1].IsPunct("(") {
			continue
		}
		if j := sqllex.Closing(toks, i+1); j >= 0 {
			return toks[i+1].Off, toks[j].End(), true
		}
		return 0, 0, false
	}
	return 0, 0, false
}

// unsupported lists what the schema holds that import does not carry.
// A multirange type is not among them: its range type makes it. An event
// trigger belongs to the database, not to a schema: one is listed when
// its function is the schema's, which import carries; so is a trigger
// of another schema's table calling one of the schema's functions
// (Supabase's on_auth_user_created on auth.users), which an import of
// the table's schema would not find the function of. A publication
// without tables (Supabase's supabase_realtime, which tables join later)
// is the database's too, and listed with every schema.
func (r *reader) unsupported() error {
	err := appendRows(r, &r.cat.Unsupported, func(n *Named) []any { return []any{&n.Kind, &n.Name} }, `
SELECT 'foreign table', c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'f'`+notExt("c.oid", "pg_class")+`
UNION ALL
SELECT 'publication', p.pubname FROM pg_publication p WHERE (p.puballtables
  OR EXISTS (SELECT 1 FROM pg_publication_rel pr JOIN pg_class c ON c.oid = pr.prrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE pr.prpubid = p.oid AND n.nspname = $1)
  OR EXISTS (SELECT 1 FROM pg_publication_namespace pn JOIN pg_namespace n ON n.oid = pn.pnnspid WHERE pn.pnpubid = p.oid AND n.nspname = $1))
  AND NOT (`+ownPublication+`)
UNION ALL
SELECT 'publication without tables', p.pubname FROM pg_publication p WHERE NOT p.puballtables
  AND NOT EXISTS (SELECT 1 FROM pg_publication_rel pr WHERE pr.prpubid = p.oid)
  AND NOT EXISTS (SELECT 1 FROM pg_publication_namespace pn WHERE pn.pnpubid = p.oid)
UNION ALL
SELECT 'operator class', oc.opcname || ' USING ' || am.amname FROM pg_opclass oc JOIN pg_namespace n ON n.oid = oc.opcnamespace JOIN pg_am am ON am.oid = oc.opcmethod WHERE n.nspname = $1`+notExt("oc.oid", "pg_opclass")+`
UNION ALL
SELECT 'operator family', f.opfname || ' USING ' || am.amname FROM pg_opfamily f JOIN pg_namespace n ON n.oid = f.opfnamespace JOIN pg_am am ON am.oid = f.opfmethod WHERE n.nspname = $1`+notExt("f.oid", "pg_opfamily")+`
  AND NOT EXISTS (SELECT 1 FROM pg_opclass oc WHERE oc.opcfamily = f.oid AND oc.opcname = f.opfname)
UNION ALL
SELECT 'access method', a.amname || ' (TYPE ' || CASE a.amtype WHEN 't' THEN 'TABLE' ELSE 'INDEX' END || ')' FROM pg_am a
  WHERE a.oid >= 16384 AND (EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relam = a.oid AND n.nspname = $1)
    OR EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.oid = a.amhandler AND n.nspname = $1))`+notExt("a.oid", "pg_am")+`
UNION ALL
SELECT 'base type', t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = $1 AND t.typtype IN ('b', 'p') AND t.typelem = 0`+notExt("t.oid", "pg_type")+`
UNION ALL
SELECT 'event trigger', e.evtname FROM pg_event_trigger e JOIN pg_proc p ON p.oid = e.evtfoid JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1`+notExt("e.oid", "pg_event_trigger")+`
UNION ALL
SELECT 'trigger on another schema''s table', tn.nspname || '.' || c.relname || '.' || tg.tgname FROM pg_trigger tg
  JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace tn ON tn.oid = c.relnamespace
  JOIN pg_proc p ON p.oid = tg.tgfoid JOIN pg_namespace n ON n.oid = p.pronamespace
  WHERE n.nspname = $1 AND tn.nspname <> $1 AND NOT tg.tgisinternal AND tg.tgparentid = 0`+notExt("tg.oid", "pg_trigger")+`
UNION ALL
SELECT 'text search parser', x.prsname FROM pg_ts_parser x JOIN pg_namespace n ON n.oid = x.prsnamespace WHERE n.nspname = $1`+notExt("x.oid", "pg_ts_parser")+`
UNION ALL
SELECT 'text search template', x.tmplname FROM pg_ts_template x JOIN pg_namespace n ON n.oid = x.tmplnamespace WHERE n.nspname = $1`+notExt("x.oid", "pg_ts_template")+`
UNION ALL
SELECT 'conversion', x.conname FROM pg_conversion x JOIN pg_namespace n ON n.oid = x.connamespace WHERE n.nspname = $1`+notExt("x.oid", "pg_conversion")+`
UNION ALL
-- A cast made by CREATE CAST (not the server's own, not an extension's)
-- between types that are not the schema's, without a function of the
-- schema (text AS json): it belongs to the database.
SELECT 'cast', format('(%s AS %s)', format_type(k.castsource, NULL), format_type(k.casttarget, NULL)) FROM pg_cast k
  JOIN pg_type st ON st.oid = k.castsource JOIN pg_type tt ON tt.oid = k.casttarget LEFT JOIN pg_proc kp ON kp.oid = k.castfunc
  WHERE k.oid >= 16384 AND st.typnamespace <> (SELECT oid FROM pg_namespace WHERE nspname = $1)
  AND tt.typnamespace <> (SELECT oid FROM pg_namespace WHERE nspname = $1)
  AND (kp.oid IS NULL OR kp.pronamespace <> (SELECT oid FROM pg_namespace WHERE nspname = $1))`+notExt("k.oid", "pg_cast")+`
UNION ALL
-- A materialized view stored by a table access method other than heap,
-- which its sql object would make with the default (a table so is kept
-- as SQL with its USING clause).
SELECT 'table access method', c.relname || ' USING ' || a.amname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am a ON a.oid = c.relam
  WHERE n.nspname = $1 AND c.relkind = 'm' AND a.amname <> 'heap'`+notExt("c.oid", "pg_class")+`
ORDER BY 1, 2`, r.schema)
	if err != nil {
		return err
	}
	sort.SliceStable(r.cat.Unsupported, func(i, j int) bool { return r.cat.Unsupported[i].Kind < r.cat.Unsupported[j].Kind })
	return nil
}

// privileges lists the objects of the schema, and the schema, whose
// access control list is not the one PostgreSQL gives them (acldefault,
// or the initial one pg_init_privs holds for the public schema), and
// the default privileges ALTER DEFAULT PRIVILEGES IN SCHEMA sets for the
// objects created there (kind default privileges, named by the kind of
// objects: tables).
func (r *reader) privileges() error {
	return appendRows(r, &r.cat.Privileges, func(n *Named) []any { return []any{&n.Kind, &n.Name} }, `
SELECT CASE c.relkind WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE 'table' END, c.relname
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
  AND (c.relacl IS NOT NULL AND c.relacl <> acldefault((CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END)::"char", c.relowner)
    OR EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attacl IS NOT NULL))`+notExt("c.oid", "pg_class")+`
UNION ALL
SELECT 'function', p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = $1 AND p.proacl IS NOT NULL AND p.proacl <> acldefault('f', p.proowner)`+notExt("p.oid", "pg_proc")+`
UNION ALL
SELECT 'schema', n.nspname FROM pg_namespace n
WHERE n.nspname = $1 AND n.nspacl IS NOT NULL AND n.nspacl <> coalesce((SELECT ip.initprivs FROM pg_init_privs ip
  WHERE ip.objoid = n.oid AND ip.classoid = 'pg_namespace'::regclass AND ip.objsubid = 0), acldefault('n', n.nspowner))
UNION ALL
SELECT DISTINCT 'default privileges', CASE d.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
    WHEN 'T' THEN 'types' ELSE 'schemas' END
FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace
WHERE n.nspname = $1
ORDER BY 1, 2`, r.schema)
}

func (r *reader) policies() error {
	statement := func(s *CatStatement) []any { return []any{&s.Name, &s.Table, &s.SQL} }
	err := appendRows(r, &r.cat.Policies, statement, `
SELECT pol.polname, c.relname,
  'CREATE POLICY ' || quote_ident(pol.polname) || ' ON ' || quote_ident(c.relname) ||
  CASE WHEN pol.polpermissive THEN '' ELSE ' AS RESTRICTIVE' END ||
  CASE pol.polcmd WHEN 'r' THEN ' FOR SELECT' WHEN 'a' THEN ' FOR INSERT' WHEN 'w' THEN ' FOR UPDATE' WHEN 'd' THEN ' FOR DELETE' ELSE '' END ||
  CASE WHEN pol.polroles = '{0}' THEN '' ELSE ' TO ' || (SELECT string_agg(quote_ident(rolname), ', ' ORDER BY rolname) FROM pg_roles WHERE oid = ANY (pol.polroles)) END ||
  coalesce(' USING (' || pg_get_expr(pol.polqual, pol.polrelid) || ')', '') ||
  coalesce(' WITH CHECK (' || pg_get_expr(pol.polwithcheck, pol.polrelid) || ')', '') ||
  coalesce(';' || chr(10) || 'COMMENT ON POLICY ' || quote_ident(pol.polname) || ' ON ' || quote_ident(c.relname) || ' IS ' ||
    quote_literal(obj_description(pol.oid, 'pg_policy')), '')
FROM pg_policy pol JOIN pg_class c ON c.oid = pol.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1`+notExt("c.oid", "pg_class")+` ORDER BY 2, 1`, r.schema)
	if err != nil {
		return err
	}
	defer func() {
		// A rule whose WHERE or actions hold an AND under an AND, as
		// pg_get_ruledef prints it without pretty-printing (see
		// nestedSameOp), but for its table, which it names with the
		// schema then.
		for i := range r.cat.Rules {
			rl := &r.cat.Rules[i]
			if !nestedSameOp(rl.plain) {
				continue
			}
			plain := strings.TrimSuffix(strings.TrimSpace(rl.plain), ";")
			ps, pe, ok := ruleTable(plain)
			s, e, ok2 := ruleTable(rl.SQL)
			if ok && ok2 {
				rl.SQL = plain[:ps] + rl.SQL[s:e] + plain[pe:] + rl.SQL[statementEnd(rl.SQL):]
			}
		}
	}()
	rule := func(s *CatStatement) []any { return []any{&s.Name, &s.Table, &s.SQL, &s.plain} }
	return appendRows(r, &r.cat.Rules, rule, `
SELECT rw.rulename, c.relname, rtrim(pg_get_ruledef(rw.oid, true), ';') ||
  coalesce(';' || chr(10) || 'COMMENT ON RULE ' || quote_ident(rw.rulename) || ' ON ' || quote_ident(c.relname) || ' IS ' ||
    quote_literal(obj_description(rw.oid, 'pg_rewrite')), '') ||
  -- A rule disabled, or fired always or on replicas only (ALTER TABLE …
  -- DISABLE RULE), which CREATE RULE does not say.
  CASE rw.ev_enabled WHEN 'D' THEN ';' || chr(10) || 'ALTER TABLE ' || quote_ident(c.relname) || ' DISABLE RULE ' || quote_ident(rw.rulename)
    WHEN 'A' THEN ';' || chr(10) || 'ALTER TABLE ' || quote_ident(c.relname) || ' ENABLE ALWAYS RULE ' || quote_ident(rw.rulename)
    WHEN 'R' THEN ';' || chr(10) || 'ALTER TABLE ' || quote_ident(c.relname) || ' ENABLE REPLICA RULE ' || quote_ident(rw.rulename) ELSE '' END,
  pg_get_ruledef(rw.oid, false)
FROM pg_rewrite rw JOIN pg_class c ON c.oid = rw.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND rw.rulename <> '_RETURN'`+notExt("c.oid", "pg_class")+` ORDER BY 2, 1`, r.schema)
}

// casts reads the casts from or to a type of the schema, or through a
// function of it, as CREATE CAST statements; a cast a range type makes
// to its multirange type (an internal dependency) is left out.
func (r *reader) casts() error {
	return appendRows(r, &r.cat.Casts, func(c *CatCast) []any { return []any{&c.Name, &c.Function, &c.SQL, &c.Types} }, `
WITH casts AS (
  SELECT ca.*, '(' || format_type(ca.castsource, NULL) || ' AS ' || format_type(ca.casttarget, NULL) || ')' AS sig
  FROM pg_cast ca WHERE ca.oid >= 16384`+notExt("ca.oid", "pg_cast")+`
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_cast'::regclass AND d.objid = ca.oid AND d.deptype = 'i')
)
SELECT ca.sig, coalesce(p.proname, ''),
  'CREATE CAST ' || ca.sig || ' ' ||
  CASE ca.castmethod WHEN 'f' THEN 'WITH FUNCTION ' || ca.castfunc::regprocedure::text WHEN 'i' THEN 'WITH INOUT' ELSE 'WITHOUT FUNCTION' END ||
  CASE ca.castcontext WHEN 'a' THEN ' AS ASSIGNMENT' WHEN 'i' THEN ' AS IMPLICIT' ELSE '' END ||
  coalesce(';' || chr(10) || 'COMMENT ON CAST ' || ca.sig || ' IS ' || quote_literal(obj_description(ca.oid, 'pg_cast')), ''),
  ARRAY(SELECT DISTINCT t.typname::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE t.oid IN (ca.castsource, ca.casttarget) AND n.nspname = $1 ORDER BY 1)
FROM casts ca LEFT JOIN pg_proc p ON p.oid = ca.castfunc AND p.pronamespace = (SELECT oid FROM pg_namespace WHERE nspname = $1)
WHERE p.oid IS NOT NULL OR EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
  WHERE t.oid IN (ca.castsource, ca.casttarget) AND n.nspname = $1)
ORDER BY 1`, r.schema)
}

// ownPublication is true of a publication p of tables of schema $1
// only: not FOR ALL TABLES, naming a table or TABLES IN SCHEMA of it, and
// no table or schema else.
const ownPublication = `NOT p.puballtables
  AND (EXISTS (SELECT 1 FROM pg_publication_rel pr WHERE pr.prpubid = p.oid)
    OR EXISTS (SELECT 1 FROM pg_publication_namespace pn WHERE pn.pnpubid = p.oid))
  AND NOT EXISTS (SELECT 1 FROM pg_publication_rel pr JOIN pg_class c ON c.oid = pr.prrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE pr.prpubid = p.oid AND n.nspname <> $1)
  AND NOT EXISTS (SELECT 1 FROM pg_publication_namespace pn JOIN pg_namespace n ON n.oid = pn.pnnspid WHERE pn.pnpubid = p.oid AND n.nspname <> $1)`

// publications reads the publications of tables of the schema only
// (ownPublication) and writes each one's CREATE PUBLICATION: its tables
// by name, with their column lists and row filters, TABLES IN SCHEMA
// CURRENT_SCHEMA for the schema, what it publishes when not every kind
// of change, publish_via_partition_root when set; then its comment.
func (r *reader) publications() error {
	return appendRows(r, &r.cat.Publications, func(p *CatPublication) []any { return []any{&p.Name, &p.Tables, &p.SQL} }, `
WITH rels AS (
  SELECT pr.prpubid, c.relname,
    quote_ident(c.relname)
    || coalesce(' (' || (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.i)
         FROM unnest(pr.prattrs::int2[]) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = pr.prrelid AND a.attnum = k.n) || ')', '')
    || coalesce(' WHERE (' || pg_get_expr(pr.prqual, pr.prrelid) || ')', '') AS item
  FROM pg_publication_rel pr JOIN pg_class c ON c.oid = pr.prrelid
)
SELECT p.pubname, ARRAY(SELECT r.relname FROM rels r WHERE r.prpubid = p.oid ORDER BY 1),
  'CREATE PUBLICATION ' || quote_ident(p.pubname) || ' FOR ' || concat_ws(', ',
    'TABLE ' || (SELECT string_agg(r.item, ', ' ORDER BY r.relname) FROM rels r WHERE r.prpubid = p.oid),
    CASE WHEN EXISTS (SELECT 1 FROM pg_publication_namespace pn WHERE pn.pnpubid = p.oid) THEN 'TABLES IN SCHEMA CURRENT_SCHEMA' END)
  || CASE WHEN p.pubinsert AND p.pubupdate AND p.pubdelete AND p.pubtruncate AND NOT p.pubviaroot THEN '' ELSE
       ' WITH (' || concat_ws(', ',
         CASE WHEN NOT (p.pubinsert AND p.pubupdate AND p.pubdelete AND p.pubtruncate) THEN 'publish = ' || quote_literal(concat_ws(', ',
           CASE WHEN p.pubinsert THEN 'insert' END, CASE WHEN p.pubupdate THEN 'update' END,
           CASE WHEN p.pubdelete THEN 'delete' END, CASE WHEN p.pubtruncate THEN 'truncate' END)) END,
         CASE WHEN p.pubviaroot THEN 'publish_via_partition_root = true' END) || ')' END
  || coalesce(';' || chr(10) || 'COMMENT ON PUBLICATION ' || quote_ident(p.pubname) || ' IS ' || quote_literal(obj_description(p.oid, 'pg_publication')), '')
FROM pg_publication p
WHERE `+ownPublication+`
ORDER BY 1`, r.schema)
}

// statistics reads the extended statistics objects of the schema
// (pg_get_statisticsobjdef, which names the object with its schema),
// with their statistics target and comment.
func (r *reader) statistics() error {
	return appendRows(r, &r.cat.Statistics, func(s *CatStatement) []any { return []any{&s.Name, &s.Table, &s.SQL} }, `
SELECT s.stxname, c.relname,
  replace(pg_get_statisticsobjdef(s.oid), 'CREATE STATISTICS ' || quote_ident(n.nspname) || '.', 'CREATE STATISTICS ') ||
  CASE WHEN coalesce(s.stxstattarget::int, -1) >= 0 THEN ';' || chr(10) || 'ALTER STATISTICS ' || quote_ident(s.stxname) || ' SET STATISTICS ' || s.stxstattarget ELSE '' END ||
  coalesce(';' || chr(10) || 'COMMENT ON STATISTICS ' || quote_ident(s.stxname) || ' IS ' || quote_literal(obj_description(s.oid, 'pg_statistic_ext')), '')
FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace JOIN pg_class c ON c.oid = s.stxrelid
WHERE n.nspname = $1`+notExt("s.oid", "pg_statistic_ext")+` ORDER BY 2, 1`, r.schema)
}

// tableRows runs query, whose rows each start with the oid of a table,
// scans the rest of each row into a new T (fields) and hands it to add
// with its table; the rows of tables not read are left out.
func tableRows[T any](r *reader, fields func(*T) []any, add func(*CatTable, *T), query string, args ...any) error {
	type row struct {
		oid uint32
		v   T
	}
	var rows []row
	err := appendRows(r, &rows, func(x *row) []any { return append([]any{&x.oid}, fields(&x.v)...) }, query, args...)
	if err != nil {
		return err
	}
	for i := range rows {
		if t := r.byOID[rows[i].oid]; t != nil {
			add(t, &rows[i].v)
		}
	}
	return nil
}

// appendRows runs query with args and appends to dst a T for each row,
// scanned into the places fields gives for it.
func appendRows[T any](r *reader, dst *[]T, fields func(*T) []any, query string, args ...any) error {
	rows, err := r.conn.Query(r.ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var v T
		if err := rows.Scan(fields(&v)...); err != nil {
			return err
		}
		*dst = append(*dst, v)
	}
	return rows.Err()
}

// CheckBodies runs PostgreSQL's check of function bodies on every
// function and procedure of cat, and sets BodyError on those it refuses:
// a file pg_dump wrote creates functions with check_function_bodies off,
// so one whose body never compiled (a statement with a syntax error, a
// table that is gone) exists in the database, and migrations, which run
// with the check on, would stop at it. Each definition is created again,
// as CREATE OR REPLACE, in a transaction that is rolled back: call it on
// the temporary database import replays DDL files into, never on a
// database of the user's.
func CheckBodies(ctx context.Context, conn *pgx.Conn, cat *Catalog) error {
	return checkBodies(ctx, conn, cat, func(f *CatFunction, def string) (string, bool) { return def, f.Kind != "a" }, nil)
}

// checkBodies sets BodyError on each function of cat of which the server
// refuses a definition, as create gives it the statement to run for it
// (false: none, the definition is not checked). A refusal to create
// anything (cannotCreate) stops it with that error, unless refused,
// given the function and the error, takes it (true): then the
// function is left unchecked.
func checkBodies(ctx context.Context, conn *pgx.Conn, cat *Catalog, create func(f *CatFunction, def string) (string, bool), refused func(f *CatFunction, err error) bool) error {
	for i := range cat.Functions {
		f := &cat.Functions[i]
		for _, def := range f.Defs {
			stmt, ok := create(f, def)
			if !ok {
				continue
			}
			msg, err := bodyError(ctx, conn, stmt)
			if err != nil && refused != nil && cannotCreate(err) && refused(f, err) {
				break
			}
			if err != nil {
				return fmt.Errorf("check the body of function %s: %w", f.Name, err)
			}
			if msg != "" {
				f.BodyError = msg
				break
			}
		}
	}
	return nil
}

// CheckSQLBodies is CheckBodies for a database of the user's (import
// --url), whose functions it leaves alone: each LANGUAGE sql function or
// procedure with a string body — the one whose body PostgreSQL checks
// against the catalogs when it is created, and which goes stale when a
// table or column it names is renamed or dropped later — is created
// again under a name of its own in pg_temp, in a transaction that is
// rolled back. The copy keeps the function's SET search_path, which
// PostgreSQL applies while it checks the body, so a body resolves its
// names with the function's own search_path where it sets one, else
// with the connection's, which may differ from the one the function is
// called with; a body refused for that only gets created with the check
// off as well. The copy leaves out the function's other SET clauses,
// which do not change what the body names and of which the role may not
// be allowed to set some (log_statement is a superuser's). A role
// without the TEMP privilege on the database, or a read-only server,
// cannot create the copies: then none is checked, and the finding
// returned says so and why. A copy the server refuses for another
// reason (a type the role may not use) leaves that function unchecked,
// with a finding of its own.
func CheckSQLBodies(ctx context.Context, conn *pgx.Conn, cat *Catalog) ([]Finding, error) {
	var notes []Finding
	refused := func(f *CatFunction, err error) bool {
		if len(notes) == 0 {
			// Whether the role can create in pg_temp at all.
			if _, perr := bodyError(ctx, conn, "CREATE FUNCTION pg_temp.cpcgen_body_check() RETURNS integer LANGUAGE sql AS 'SELECT 1'"); perr != nil {
				return false
			}
		}
		kind := "function"
		if f.Kind == "p" {
			kind = "procedure"
		}
		notes = append(notes, Finding{Kind: kind, Name: f.Name, Action: Skipped,
			Why: fmt.Sprintf("its body was not checked: the server refused the copy in pg_temp the check creates (%s); if it went stale (names a table or column renamed or dropped since it was made), the migration made from the specs stops at it on a new database", pgMessage(err))})
		return true
	}
	err := checkBodies(ctx, conn, cat, func(f *CatFunction, def string) (string, bool) {
		if f.Kind != "f" && f.Kind != "p" {
			return "", false
		}
		return tempCopy(def)
	}, refused)
	if cannotCreate(err) {
		return []Finding{{Kind: "function bodies", Name: "(LANGUAGE sql)", Action: Skipped,
			Why: fmt.Sprintf("the check for bodies gone stale (naming a table or column renamed or dropped since the function was made) creates a copy of each function in pg_temp, which the server refused (%s); a stale body is kept as it is, and the migration made from the specs stops at it on a new database; import as a role with the TEMP privilege on the database, on a server that is not read-only, to check them", pgMessage(err))}}, nil
	}
	return notes, err
}

// pgMessage is the server's message of err, or err's text.
func pgMessage(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Message
	}
	return err.Error()
}

// cannotCreate reports whether err is the server's refusal to create
// anything at all: the role lacks the privilege (42501), or the
// transaction is read-only (25006).
func cannotCreate(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "42501" || pgErr.Code == "25006")
}

// sqlStringBodyRE matches pg_get_functiondef's line of a LANGUAGE sql
// routine.
var sqlStringBodyRE = regexp.MustCompile(`(?im)^\s*LANGUAGE\s+sql\s*$`)

// tempCopy returns def, a LANGUAGE sql routine's CREATE OR REPLACE as
// pg_get_functiondef prints it, made a CREATE of pg_temp.cpcgen_body_check
// with the same arguments, result, search_path and body; false for another language,
// a BEGIN ATOMIC body (parsed, with its dependencies recorded: never
// stale) or a definition it cannot read.
func tempCopy(def string) (string, bool) {
	if !sqlStringBodyRE.MatchString(def) || sqllex.AtomicBody(def) {
		return "", false
	}
	toks, err := sqllex.Lex(def)
	if err != nil || len(toks) < 5 || !toks[0].Is("CREATE") || !toks[1].Is("OR") || !toks[2].Is("REPLACE") ||
		!toks[3].Is("FUNCTION") && !toks[3].Is("PROCEDURE") {
		return "", false
	}
	for _, t := range toks[4:] {
		if t.IsPunct("(") {
			return "CREATE " + strings.ToUpper(toks[3].Text) + " pg_temp.cpcgen_body_check" + withoutSettings(def[t.Off:]), true
		}
	}
	return "", false
}

// withoutSettings returns def, the rest of pg_get_functiondef's text
// from the argument list on, without the lines of its SET clauses but
// search_path's, which come one a line before the body's AS line.
func withoutSettings(def string) string {
	lines := strings.SplitAfter(def, "\n")
	var b strings.Builder
	for i, line := range lines {
		if strings.HasPrefix(line, "AS ") {
			b.WriteString(strings.Join(lines[i:], ""))
			break
		}
		if !strings.HasPrefix(line, " SET ") || strings.HasPrefix(line, " SET search_path ") {
			b.WriteString(line)
		}
	}
	return b.String()
}

// bodyError returns the server's message refusing def with function
// bodies checked, or "": a refusal to create anything at all
// (cannotCreate, which CheckSQLBodies tells apart) is returned as an
// error.
func bodyError(ctx context.Context, conn *pgx.Conn, def string) (string, error) {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return "", err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, "SET LOCAL check_function_bodies = on"); err != nil {
		return "", err
	}
	if _, err := tx.Exec(ctx, def, pgx.QueryExecModeSimpleProtocol); err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && !cannotCreate(err) {
			return pgErr.Message, nil
		}
		return "", err
	}
	return "", nil
}
