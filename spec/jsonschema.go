package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/cpcgen/cpcgen/generator/names"
)

// JSON Schema files that `cpcgen schema` writes, by name.
const (
	ConfigSchemaFile = "cpcgen.schema.json"
	SpecSchemaFile   = "spec.schema.json"
)

// ConfigSchema returns the JSON Schema (draft-07) of cpcgen.yaml, for
// editors: yaml-language-server completes and checks a file whose first
// line is `# yaml-language-server: $schema=<path>`. The output is
// deterministic. The schema describes the shape; Load still does the
// full validation (references, types, positions).
func ConfigSchema() []byte {
	s, _ := configSchema()
	return marshalSchema(s)
}

// SpecSchema returns the JSON Schema (draft-07) of a spec file; see
// ConfigSchema.
func SpecSchema() []byte {
	s, _ := specSchema()
	return marshalSchema(s)
}

// jsonSchema is the subset of JSON Schema draft-07 the exported schemas
// use. Maps marshal with sorted keys, so the output is deterministic.
type jsonSchema struct {
	Schema      string `json:"$schema,omitempty"`
	Comment     string `json:"$comment,omitempty"`
	ID          string `json:"$id,omitempty"`
	Ref         string `json:"$ref,omitempty"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	// Type is a type name or a list of them.
	Type                 any                    `json:"type,omitempty"`
	Enum                 []any                  `json:"enum,omitempty"`
	Pattern              string                 `json:"pattern,omitempty"`
	Minimum              *int                   `json:"minimum,omitempty"`
	MinItems             *int                   `json:"minItems,omitempty"`
	MinProperties        *int                   `json:"minProperties,omitempty"`
	Items                *jsonSchema            `json:"items,omitempty"`
	Properties           map[string]*jsonSchema `json:"properties,omitempty"`
	PropertyNames        *jsonSchema            `json:"propertyNames,omitempty"`
	AdditionalProperties any                    `json:"additionalProperties,omitempty"`
	Required             []string               `json:"required,omitempty"`
	AnyOf                []*jsonSchema          `json:"anyOf,omitempty"`
	Definitions          map[string]*jsonSchema `json:"definitions,omitempty"`
}

func marshalSchema(s *jsonSchema) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		panic(err) // only plain values: cannot fail
	}
	return b.Bytes()
}

// schemaBuilder builds objects from the key lists validation uses and
// records every key without a schema and every schema without a key, so
// that a test keeps the two in step.
type schemaBuilder struct {
	problems []string
}

// object is a closed mapping whose properties are exactly keys; props
// gives each key's schema.
func (b *schemaBuilder) object(what, desc string, keys []string, props map[string]*jsonSchema, required ...string) *jsonSchema {
	o := &jsonSchema{Type: "object", Description: desc, Properties: map[string]*jsonSchema{}, AdditionalProperties: false, Required: required}
	for _, k := range keys {
		p, ok := props[k]
		if !ok {
			b.problems = append(b.problems, fmt.Sprintf("%s: key %q is accepted but has no schema", what, k))
			p = &jsonSchema{}
		}
		o.Properties[k] = p
	}
	var extra []string
	for k := range props {
		if !hasKey(keys, k) {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		b.problems = append(b.problems, fmt.Sprintf("%s: the schema has key %q, which validation does not accept", what, k))
	}
	return o
}

func hasKey(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func jsInt(n int) *int { return &n }

func jsStr(desc string) *jsonSchema { return &jsonSchema{Type: "string", Description: desc} }
func jsBool(desc string) *jsonSchema {
	return &jsonSchema{Type: "boolean", Description: desc}
}
func jsRef(name string) *jsonSchema { return &jsonSchema{Ref: "#/definitions/" + name} }
func jsRefDesc(name, desc string) *jsonSchema {
	// draft-07 ignores siblings of $ref; an allOf-free way to keep a
	// description is anyOf with one member.
	return &jsonSchema{Description: desc, AnyOf: []*jsonSchema{jsRef(name)}}
}
func jsEnum(desc string, values ...string) *jsonSchema {
	s := &jsonSchema{Type: "string", Description: desc}
	for _, v := range values {
		s.Enum = append(s.Enum, v)
	}
	return s
}

// jsMethods is the schema of methods: (spec.MethodFamilies).
func jsMethods(desc string) *jsonSchema {
	return jsList(desc+" crud: Create, FindByID(s), FindAll, Stream, List, Update, Delete, Count; batch: CreateMany, "+
		"UpdateMany, DeleteMany…; upsert: UpsertBy…, CreateIfAbsentBy…; relations: ListBy…, LoadBy…, Load<Children>.",
		jsEnum("A method family.", MethodFamilies...))
}
func jsList(desc string, item *jsonSchema) *jsonSchema {
	return &jsonSchema{Type: "array", Description: desc, Items: item}
}

// identPattern is sqlIdentRE's pattern: the names a spec may give.
const identPattern = names.IdentPattern

// goNamePattern matches the exported Go names go_name and store take.
const goNamePattern = `^[A-Z][A-Za-z0-9_]*$`

// configSchema builds the schema of cpcgen.yaml and returns the key
// problems found.
func configSchema() (*jsonSchema, []string) {
	b := &schemaBuilder{}
	root := b.object("config", "cpcgen.yaml: where the specs are and what to generate from them.", configKeys, map[string]*jsonSchema{
		"version": {Type: "integer", Enum: []any{1}, Description: "The config format version; only 1 exists."},
		"package": b.object("package", "The generated Go package.", packageKeys, map[string]*jsonSchema{
			"name":        {Type: "string", Pattern: `^[a-z_][a-z0-9_]*$`, Description: "Go package name, lower case: appdb."},
			"dir":         jsStr("Output directory, relative to cpcgen.yaml and inside the project: ./internal/appdb."),
			"import_path": jsStr("Go import path of the package; inferred from go.mod when left out."),
			"store":       {Type: "string", Pattern: goNamePattern, Description: "Go name of the type bundling the repositories (default Store)."},
		}, "name", "dir"),
		"specs": {Type: "array", MinItems: jsInt(1), Items: jsStr("A glob pattern relative to cpcgen.yaml: ./schema/*.yaml."),
			Description: "The spec files, as glob patterns relative to cpcgen.yaml."},
		"migrations": b.object("migrations", "Versioned migrations: cpcgen migrate diff writes them, cpcgen check proves they cover the specs.", migrationsKeys, map[string]*jsonSchema{
			"dir":    jsStr("Migrations directory, relative to cpcgen.yaml: ./migrations."),
			"format": jsEnum("File layout of the migrations (default "+DefaultMigrationFormat+").", migrationFormats...),
			"table":  {Type: "string", Pattern: identPattern, Description: "Revisions table the runner records applied migrations in (default " + DefaultMigrationTable + ")."},
			"online": jsBool("Lock-safe plans (default true): indexes built CONCURRENTLY in files of their own, constraints added NOT VALID then validated, SET NOT NULL through a validated check, renames as expand/contract; false plans plain DDL, for databases that are never busy (docs/zero-downtime.md)."),
			"lock_timeout": {Type: "string", Pattern: `^(off|([0-9]+(\.[0-9]+)?(ms|s|m|h))+)$`,
				Description: "Longest wait for a lock of each statement cpcgen migrate applies, as 500ms, 5s or 1m, or off (default 5s); a statement that waits longer is retried, then reported with the sessions blocking it."},
			"external": jsStr("A .sql file, relative to cpcgen.yaml, creating what the migrations use but do not create (another schema's tables, functions and types, as Supabase's auth.users and auth.uid()): run in each temporary database the migrations are replayed into (check --url, migrate baseline, vet, migrate diff --dev-url), never in yours."),
		}, "dir"),
		"docs": b.object("docs", "Where cpcgen docs writes its Markdown pages.", docsKeys, map[string]*jsonSchema{
			"dir": jsStr("Docs directory, relative to cpcgen.yaml: ./docs/db."),
		}, "dir"),
		"engine":  jsEnum("The database the schema is for (default postgres): with citus, distributed_by and reference tables are distributed in schema.sql and the migrations; with any distributed engine, what it rejects is refused (docs/scale-out.md).", Engines...),
		"methods": jsMethods("The repository methods generated for every table, by family (default all of them); a table's methods: overrides it; [] generates the queries only."),
	}, "version", "package", "specs")
	root.Schema = "http://json-schema.org/draft-07/schema#"
	root.ID = "https://github.com/cpcgen/cpcgen/" + ConfigSchemaFile
	root.Title = "cpcgen config (cpcgen.yaml)"
	root.Comment = "Code generated by cpcgen schema. DO NOT EDIT."
	return root, b.problems
}

// specSchema builds the schema of a spec file and returns the key
// problems found.
func specSchema() (*jsonSchema, []string) {
	b := &schemaBuilder{}
	typeNames := &jsonSchema{Description: "A PostgreSQL type: " + strings.Join(BaseTypes, ", ") +
		", with modifiers (varchar(64), numeric(18,2)), aliases (int, bool, timestamp with time zone), arrays (text[]) or a declared enum.",
		AnyOf: []*jsonSchema{{Type: "string", Enum: typeSuggestions()}, {Type: "string"}}}
	fkAction := jsEnum("What the foreign key does when the referenced row goes.", fkActions...)
	nulls := jsEnum("Where NULLs sort.", "first", "last")
	columnName := &jsonSchema{Type: "string", Pattern: identPattern, Description: "A column of the table."}
	optionColumn := &jsonSchema{Type: []any{"boolean", "string"}}

	defs := map[string]*jsonSchema{}
	defs["type"] = typeNames
	sqlType := b.object("sql type", "A type cpcgen does not model, named by its SQL (geometry(Point,4326), vector(3), a composite type; point[] for an array): its values are Go strings in the type's text form.", []string{"sql"}, map[string]*jsonSchema{
		"sql": jsStr("The type as SQL writes it: a name, optionally schema.name or quoted, optionally with modifiers."),
	}, "sql")
	sqlNamedOr := func(desc string) *jsonSchema {
		return &jsonSchema{Description: desc, AnyOf: []*jsonSchema{jsRef("type"), sqlType}}
	}
	defs["column"] = &jsonSchema{
		Description: "A column: its type alone (age: integer), or a mapping.",
		AnyOf: []*jsonSchema{jsRef("type"), b.object("column", "A column of a table.", columnKeys, map[string]*jsonSchema{
			"type":        sqlNamedOr("The column's PostgreSQL type."),
			"nullable":    jsBool("Allow NULL; columns are NOT NULL otherwise. The Go field becomes a pointer."),
			"primary_key": jsBool("Part of the primary key (for a composite key, list the columns in the table's primary_key)."),
			"identity":    jsBool("GENERATED BY DEFAULT AS IDENTITY (smallint, integer, bigint)."),
			"serial":      jsBool("A serial column (smallserial, serial, bigserial): DEFAULT nextval of a sequence the column owns. New tables use identity."),
			"unique":      jsBool("A single-column unique constraint <table>_<column>_key; on a tenant table, unique within each tenant (tenant column first) unless global. Not on the column that is the primary key by itself (unique already)."),
			"global":      jsBool("On a unique column of a tenant table: unique across all tenants instead of within each tenant."),
			"default": {Type: []any{"string", "number", "boolean", "array", "object"},
				Description: "A literal of the column's type (0, false, USD, [], a mapping for jsonb), an unquoted function call such as now() or gen_random_uuid(), or {sql: <expression>}."},
			"check":           jsStr("A CHECK expression, constraint <table>_<column>_check."),
			"references":      jsStr("The referenced table.column, or table (its primary key)."),
			"on_delete":       fkAction,
			"on_update":       fkAction,
			"references_name": {Type: "string", Pattern: identPattern, Description: "The foreign key constraint's name, when it is not <table>_<column>_fkey (an existing database's)."},
			"deferrable":      jsEnum("The foreign key is checked at the end of the transaction (deferred: DEFERRABLE INITIALLY DEFERRED, as Django makes them) or may be deferred with SET CONSTRAINTS (immediate: DEFERRABLE INITIALLY IMMEDIATE).", "immediate", "deferred"),
			"unique_name":     {Type: "string", Pattern: identPattern, Description: "The unique constraint's name, when it is not <table>_<column>_key (an existing database's)."},
			"comment":         jsStr("Doc comment of the Go field and SQL COMMENT."),
			"generated":       jsStr("GENERATED ALWAYS AS (expression) STORED: the database computes the value; read-only in Go."),
			"go_type":         jsStr("Override the Go type: Name, path/to/pkg.Name or *path/to/pkg.Name."),
			"go_name":         {Type: "string", Pattern: goNamePattern, Description: "The Go field name, when the one derived from the column name collides or reads badly."},
			"renamed_from":    {Type: "string", Pattern: identPattern, Description: "The column's previous name: migrations rename instead of drop and add."},
			"sensitive":       jsBool("Never log the column's values."),
			"collation":       {Type: "string", Pattern: names.CollationPattern, Description: "The column's collation (\"C\", und-x-icu, a collation an sql object creates), for text columns."},
			"validate":        jsEnum("A format Validate() checks.", Formats...),
			"min_length":      {Type: "integer", Minimum: jsInt(0), Description: "Minimum length in characters, checked by Validate()."},
			"max_length":      {Type: "integer", Minimum: jsInt(0), Description: "Maximum length in characters, checked by Validate()."},
			"min":             {Type: []any{"number", "string"}, Description: "Smallest allowed value, checked by Validate()."},
			"max":             {Type: []any{"number", "string"}, Description: "Largest allowed value, checked by Validate()."},
			"pattern":         jsStr("A regular expression the value must match, checked by Validate()."),
			"not_empty":       jsBool("Validate() rejects an empty string or array."),
		}, "type")},
	}
	orderTerm := &jsonSchema{
		Description: `A column with an optional direction: "balance desc nulls last", or a mapping.`,
		AnyOf: []*jsonSchema{jsStr(`column [asc|desc] [nulls first|last]`), b.object("order_by term", "A sort term.", orderTermKeys, map[string]*jsonSchema{
			"column": columnName,
			"desc":   jsBool("Sort descending."),
			"nulls":  nulls,
		}, "column")},
	}
	defs["order_term"] = orderTerm
	defs["index"] = b.object("index", "An index of the table.", indexKeys, map[string]*jsonSchema{
		"name": {Type: "string", Pattern: identPattern, Description: "The index name; derived from the table and columns when left out."},
		"columns": {Type: "array", MinItems: jsInt(1), Description: "The indexed columns and expressions, in order.", Items: &jsonSchema{AnyOf: []*jsonSchema{jsRef("order_term"), b.object("index column", "An indexed column or expression.", indexPartKeys, map[string]*jsonSchema{
			"column": columnName,
			"expr":   jsStr("An SQL expression: lower(email)."),
			"desc":   jsBool("Descending order."),
			"nulls":  nulls,
		})}}},
		"unique":             jsBool("A unique index; on a tenant table, unique within each tenant (the tenant column goes first) unless global."),
		"global":             jsBool("On a unique index of a tenant table: unique across all tenants instead of within each tenant."),
		"constraint":         jsBool("On a unique index of plain columns: a unique constraint (ADD CONSTRAINT … UNIQUE) instead of a unique index."),
		"nulls_not_distinct": jsBool("On a unique index: rows whose key columns are NULL conflict (NULLS NOT DISTINCT)."),
		"where":              jsStr("The predicate of a partial index."),
		"method":             jsEnum("The access method (default btree).", IndexMethods...),
	}, "columns")
	defs["check"] = b.object("check", "A table CHECK constraint.", checkKeys, map[string]*jsonSchema{
		"name": {Type: "string", Pattern: identPattern, Description: "The constraint name."},
		"expr": jsStr("The boolean SQL expression."),
	}, "expr")
	defs["relation"] = b.object("relation", "A many-to-many relation through a join table: Load<Name>, Link and Unlink methods.", relationKeys, map[string]*jsonSchema{
		"through": jsStr("The join table."),
		"from":    jsStr("The join table's column referencing this table, when there are several."),
		"to":      jsStr("The join table's column referencing the other table, when there are several."),
	}, "through")
	defs["table"] = b.object("table", "A table and the options of its repository.", tableKeys, map[string]*jsonSchema{
		"comment": jsStr("Doc comment of the model and SQL COMMENT."),
		"columns": {Type: "object", MinProperties: jsInt(1), Description: "The columns, in order.",
			PropertyNames: &jsonSchema{Pattern: identPattern}, AdditionalProperties: jsRef("column")},
		"primary_key": {Description: "A composite primary key: the columns, in key order.",
			AnyOf: []*jsonSchema{columnName, jsList("", columnName)}},
		"primary_key_name": {Type: "string", Pattern: identPattern, Description: "The primary key constraint's name when it is not <table>_pkey (a table renamed since its key was made): migrations rename the key so after creating the table, and its sentinel and DbError.Constraint match it."},
		"indexes":          jsList("Indexes of the table.", jsRef("index")),
		"checks":           jsList("CHECK constraints of the table.", jsRef("check")),
		"timestamps":       jsBool("Add created_at and updated_at (timestamptz NOT NULL DEFAULT now()), managed by the repository."),
		"soft_delete":      withDesc(optionColumn, "true (a deleted_at column) or the name of a nullable timestamptz column: Delete sets it and queries skip deleted rows."),
		"optimistic_lock":  withDesc(optionColumn, "true (a version column) or the name of an integer column bumped by every update; a stale update fails."),
		"audit":            jsBool("Every write also lands in the audit log, in the same transaction."),
		"tenant": {Description: "The column that scopes every query to a tenant, or {column, allow_sequential_ids}.",
			AnyOf: []*jsonSchema{columnName, b.object("tenant", "The tenant column and its options.", tenantKeys, map[string]*jsonSchema{
				"column":               columnName,
				"allow_sequential_ids": jsBool("Do not warn that the primary key (a client-chosen integer, or a global sequence) lets one tenant observe another's rows."),
			}, "column")}},
		"many_to_many": {Type: "object", Description: "Many-to-many relations, by name.",
			PropertyNames: &jsonSchema{Pattern: identPattern}, AdditionalProperties: jsRef("relation")},
		"methods": jsMethods("The families of repository methods generated for this table, instead of cpcgen.yaml's methods: (default all of them); [] generates the table's queries only."),
		"cache": {Description: "Cache the rows FindByID, FindByIDs and the unique-key finders read, invalidated by every generated write when it commits: true, or {ttl, max_entries}.",
			AnyOf: []*jsonSchema{jsBool(""), b.object("cache", "The row cache of the table.", cacheKeys, map[string]*jsonSchema{
				"ttl":         {Type: "string", Pattern: `^([0-9]+(\.[0-9]*)?(ns|us|µs|ms|s|m|h))+$`, Description: "Time to live of an entry, a backstop: 90s, 10m, 1h30m. Default: runtime.CacheConfig.TTL."},
				"max_entries": {Type: "integer", Minimum: jsInt(1), Description: "Bound of the table's in-process cache. Default: runtime.CacheConfig.MaxEntries."},
			})}},
		"distributed_by": withDesc(columnName, "Citus: the distribution column."),
		"reference":      jsBool("Citus: a reference table, replicated to every node."),
		"renamed_from":   {Type: "string", Pattern: identPattern, Description: "The table's previous name: migrations rename instead of drop and create."},
		"go_name":        {Type: "string", Pattern: goNamePattern, Description: "The Go name of the row type (Shop); the repository, structs and Store field are named after it."},
		"view": b.object("view", "Makes the entry a view or materialized view: a read-only model whose columns state the query's result and whose primary_key the columns that identify a row. Beside view:, only comment, columns, primary_key, indexes (materialized only) and go_name apply.", viewKeys, map[string]*jsonSchema{
			"sql":          jsStr("The query (SELECT …); cpcgen writes CREATE [MATERIALIZED] VIEW name AS around it."),
			"file":         jsStr("A .sql file holding the query, relative to the spec file."),
			"materialized": jsBool("A materialized view: the repository gets Refresh, and RefreshConcurrently when a unique index on columns exists."),
			"depends_on":   jsList("The tables, views, functions and extensions the query reads: the view is created after them.", &jsonSchema{Type: "string"}),
		}),
		"partition": b.object("partition", "PARTITION BY: the table is partitioned; the generated code reads and writes the parent. The primary key and unique keys must include the key columns.", partitionKeys, map[string]*jsonSchema{
			"by": jsEnum("The partitioning method.", PartitionMethods...),
			"key": {Description: "The partition key's columns, in order.",
				AnyOf: []*jsonSchema{columnName, jsList("", columnName)}},
			"modulus": {Type: "integer", Minimum: jsInt(1), Description: "Hash only (at most 1024): make the partitions <table>_p0 … <table>_p<modulus-1>."},
			"partitions": jsList("The partitions, created by migrations after the table (an added partition is created online).",
				b.object("partition_item", "A partition: its table name and bound.", partitionItemKeys, map[string]*jsonSchema{
					"name":   {Type: "string", Pattern: identPattern, Description: "The partition's table name."},
					"values": jsStr("The bound: FROM (…) TO (…) (range), IN (…) (list), WITH (MODULUS m, REMAINDER r) (hash), or DEFAULT."),
				}, "name", "values")),
		}, "by", "key"),
	}, "columns")
	defs["param"] = &jsonSchema{
		Description: "A type alone, or {type, nullable}.",
		AnyOf: []*jsonSchema{jsRef("type"), b.object("param", "A parameter or result column of a raw query.", paramKeys, map[string]*jsonSchema{
			"type":     sqlNamedOr("The PostgreSQL type."),
			"nullable": jsBool("May be NULL: the Go type becomes a pointer."),
		}, "type")},
	}
	filterOps := jsEnum("The comparison.", FilterOps...)
	filter := &jsonSchema{
		Description: "An operator (eq, in, between…), or a mapping with op, optional, param or value.",
		AnyOf: []*jsonSchema{filterOps, b.object("filter", "A filter on the column.", filterKeys, map[string]*jsonSchema{
			"op":       filterOps,
			"optional": jsBool("Leave the filter out when the caller passes no value (a runtime.Opt field)."),
			"param":    {Type: "string", Pattern: identPattern, Description: "The parameter's name (default: the column's)."},
			"value":    {Description: "A fixed value instead of a parameter."},
		})},
	}
	defs["filter"] = filter
	queryKeys := append(append(append([]string(nil), commonQueryKeys...), structuredQueryKeys...), rawQueryKeys...)
	defs["query"] = b.object("query", "A repository method: structured (where, order_by, …) or raw (sql, params, columns).", queryKeys, map[string]*jsonSchema{
		"name":    {Type: "string", Pattern: `^[A-Z][A-Za-z0-9_]*$`, Description: "The method name, an exported Go identifier: ForUser."},
		"comment": jsStr("The method's doc comment."),
		"returns": jsEnum("Structured: one, many (default), count, exists. Raw: one, many (default), exec, rows_affected.",
			"one", "many", "count", "exists", "exec", "rows_affected"),
		"where": {Type: "object", Description: "Filters by column; a list of filters applies several to one column.",
			PropertyNames:        &jsonSchema{Pattern: identPattern},
			AdditionalProperties: &jsonSchema{AnyOf: []*jsonSchema{jsRef("filter"), jsList("", jsRef("filter"))}}},
		"order_by": {Description: "Sort terms: currency, \"balance desc nulls last\", or {column, desc, nulls}.",
			AnyOf: []*jsonSchema{jsStr(""), jsList("", jsRef("order_term"))}},
		"limit": {Description: "A fixed row limit, or param: the caller passes it.",
			AnyOf: []*jsonSchema{{Type: "integer", Minimum: jsInt(1)}, {Type: "string", Enum: []any{"param"}}}},
		"offset":   jsBool("Add an Offset field."),
		"paginate": jsEnum("Paginate with a cursor (keyset) or an offset; the method takes runtime.PageArgs. A raw query paginates by keyset only, over the result columns keyset: names.", "keyset", "offset"),
		"keyset": {Type: "array", MinItems: jsInt(1), Description: "Raw queries with paginate: keyset: the non-null result columns that order the pages and together tell the rows apart (the last one is usually a unique id): \"created_at desc\", or {column, desc}.",
			Items: &jsonSchema{AnyOf: []*jsonSchema{{Type: "string", Pattern: `^[a-z_][a-z0-9_]*( +(asc|desc|ASC|DESC))?$`},
				b.object("keyset_key", "A keyset column and its direction.", keysetKeys, map[string]*jsonSchema{
					"column": {Type: "string", Pattern: identPattern, Description: "A result column of the query."},
					"desc":   jsBool("Pages go from the largest value down."),
				}, "column")}}},
		"stream":          jsBool("Add a <Name>Stream method returning iter.Seq2."),
		"include_deleted": jsBool("See soft-deleted rows too."),
		"sql":             jsStr("The SQL text, with @name parameters."),
		"params": {Type: "object", Description: "The parameters' types, in order.",
			PropertyNames: &jsonSchema{Pattern: identPattern}, AdditionalProperties: jsRef("param")},
		"columns": {Type: "object", Description: "The result columns' types, in the order the statement returns them.",
			PropertyNames: &jsonSchema{Pattern: identPattern}, AdditionalProperties: jsRef("param")},
		"read_only":  jsBool("The query only reads: a DB with read replicas may run it on one (returns one or many)."),
		"replica_ok": jsBool("Another name for read_only."),
		"unscoped":   jsBool("On a tenant table: the query does not filter by @tenant."),
		"writes": jsList("The tables the query writes: their cached rows are invalidated when it commits. Required for a query that writes a cached table.",
			&jsonSchema{Type: "string", Pattern: identPattern}),
	}, "name")
	label := jsStr("A label.")
	defs["enum_value"] = &jsonSchema{
		Description: "A label, or a mapping with label and renamed_from.",
		AnyOf: []*jsonSchema{label, b.object("enum value", "A label renamed from another.", enumValueKeys, map[string]*jsonSchema{
			"label":        label,
			"renamed_from": jsStr("The label's previous name: the value is renamed in place (ALTER TYPE … RENAME VALUE), keeping the rows that hold it."),
		}, "label")},
	}
	defs["enum"] = &jsonSchema{
		Description: "The labels, or a mapping with values, comment, go_name and renamed_from.",
		AnyOf: []*jsonSchema{jsList("", jsRef("enum_value")), b.object("enum", "An enum type.", enumKeys, map[string]*jsonSchema{
			"values":       jsList("The labels, in order.", jsRef("enum_value")),
			"comment":      jsStr("Doc comment of the Go type and SQL COMMENT."),
			"go_name":      {Type: "string", Pattern: goNamePattern, Description: "The Go type name, when the one derived from the enum name collides."},
			"renamed_from": {Type: "string", Pattern: identPattern, Description: "The enum's previous name."},
		}, "values")},
	}
	extName := &jsonSchema{Type: "string", Pattern: `^[a-z_][a-z0-9_-]*$`, Description: "The extension's name: pg_trgm, citext, uuid-ossp."}
	defs["extension"] = &jsonSchema{
		Description: "An extension: its name, or a mapping with name, schema and version.",
		AnyOf: []*jsonSchema{extName, b.object("extension", "An extension with CREATE EXTENSION's options.", extensionKeys, map[string]*jsonSchema{
			"name":    extName,
			"schema":  {Type: "string", Pattern: identPattern, Description: "The schema the extension's objects go in (SCHEMA)."},
			"version": jsStr("The extension's version (VERSION); the server's default when left out."),
		}, "name")},
	}
	var kindDocs []string
	for _, k := range ObjectKinds {
		kindDocs = append(kindDocs, k.Name+": "+k.Doc)
	}
	defs["sql_object"] = b.object("sql object", "An SQL object cpcgen does not model (a function, trigger, view …), given as the SQL that creates it.", sqlObjectKeys, map[string]*jsonSchema{
		"name":          {Type: "string", Pattern: `^([a-z_][a-z0-9_]*\.)?[a-z_][a-z0-9_]*$`, Description: "The name the SQL creates: name, or schema.name."},
		"kind":          jsEnum("What the SQL creates. "+strings.Join(kindDocs, "; ")+".", objectKindNames()...),
		"sql":           jsStr("The CREATE statement, and statements that belong with it (COMMENT ON, GRANT, an index of a materialized view), as written."),
		"file":          jsStr("A .sql file holding the statements instead of sql:, relative to the spec file."),
		"drop":          jsStr("The statements removing the object; derived from the kind and the CREATE statement when left out (required for kind other)."),
		"depends_on":    jsList("Tables, enums, extensions and other sql objects the object needs: they are created before it and dropped after it. Write the kind before a name that a table and an object, or two objects, share: \"table designers\", \"function designers\".", jsStr("")),
		"before_tables": {Type: "boolean", Description: "Create the object before the tables and drop it after them, as sequences, domains and types are: a function a generated column, default or check calls (kinds function, procedure and other). It may then depend only on extensions and objects also created before the tables."},
		"comment":       jsStr("What the object is for: the docs page and SQL COMMENT."),
		"renamed_from":  {Type: "string", Pattern: `^([a-z_][a-z0-9_]*\.)?[a-z_][a-z0-9_]*$`, Description: "A sequence's previous name, in the same schema (a migration hint): the migration renames it (ALTER SEQUENCE … RENAME TO), keeping its value."},
	}, "name", "kind")
	root := b.object("spec file", "A cpcgen spec file: extensions, enums, tables, queries and sql objects.", specFileKeys, map[string]*jsonSchema{
		"extensions":  jsList("PostgreSQL extensions the schema needs, created before everything else (CREATE EXTENSION IF NOT EXISTS).", jsRef("extension")),
		"sql_objects": jsList("Functions, triggers, views and other SQL objects, created after the tables in dependency order.", jsRef("sql_object")),
		"enums": {Type: "object", Description: "Enum types, by name.",
			PropertyNames: &jsonSchema{Pattern: identPattern}, AdditionalProperties: jsRef("enum")},
		"tables": {Type: "object", Description: "Tables, by name; columns in the order written.",
			PropertyNames: &jsonSchema{Pattern: identPattern}, AdditionalProperties: jsRef("table")},
		"queries": {Type: "object", Description: "Queries, by table: each becomes a method of the table's repository.",
			PropertyNames: &jsonSchema{Pattern: identPattern}, AdditionalProperties: jsList("", jsRef("query"))},
	})
	root.Schema = "http://json-schema.org/draft-07/schema#"
	root.ID = "https://github.com/cpcgen/cpcgen/" + SpecSchemaFile
	root.Title = "cpcgen spec file"
	root.Comment = "Code generated by cpcgen schema. DO NOT EDIT."
	root.Type = []any{"object", "null"}
	root.Definitions = defs
	return root, b.problems
}

// withDesc returns a copy of s with a description.
func withDesc(s *jsonSchema, desc string) *jsonSchema {
	c := *s
	c.Description = desc
	return &c
}

// typeSuggestions are the type names editors offer: the base types and
// the common parameterized and array forms.
func typeSuggestions() []any {
	var out []any
	for _, t := range BaseTypes {
		out = append(out, t)
	}
	for _, t := range []string{"varchar(255)", "numeric(18,2)", "text[]", "uuid[]", "integer[]", "bigint[]"} {
		out = append(out, t)
	}
	return out
}
