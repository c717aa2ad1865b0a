package ir

import (
	"fmt"
	"strings"

	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/internal/find"
)

// Extension is a PostgreSQL extension the package's schema needs: one a
// spec declares under extensions:, or citext when a column has that
// type. It is plain data, so that the migrations snapshot can keep it.
type Extension struct {
	Name string `json:"name"`
	// Schema and Version are CREATE EXTENSION's SCHEMA and VERSION, or ""
	// for the server's defaults.
	Schema  string `json:"schema,omitempty"`
	Version string `json:"version,omitempty"`
	// Implied is set for an extension no spec declares, which a column's
	// type needs (citext).
	Implied bool `json:"-"`
	Pos     Pos  `json:"-"`
}

// Create returns the statement installing the extension, a no-op where
// it is installed already:
//
//	CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA "public" VERSION '1.6'
//
// An extension installed into a schema of its own (pg_partman's partman)
// makes the schema first, where it is missing: CREATE SCHEMA IF NOT
// EXISTS "partman"; CREATE EXTENSION … SCHEMA "partman" (OwnSchema).
// Dropping the extension leaves the schema.
func (e *Extension) Create() string {
	s := e.schemaFirst() + "CREATE EXTENSION IF NOT EXISTS " + extensionName(e.Name)
	if e.Schema != "" {
		s += " SCHEMA " + names.QuoteIdent(e.Schema)
	}
	if e.Version != "" {
		s += " VERSION " + names.QuoteLiteral(e.Version)
	}
	return s
}

// Drop returns the statement removing the extension: DROP EXTENSION IF
// EXISTS pg_trgm. It fails while something still uses the extension.
func (e *Extension) Drop() string { return "DROP EXTENSION IF EXISTS " + extensionName(e.Name) }

// Update returns the statement moving an installed extension to e's
// version: ALTER EXTENSION pg_trgm UPDATE TO '1.6'.
func (e *Extension) Update() string {
	return "ALTER EXTENSION " + extensionName(e.Name) + " UPDATE TO " + names.QuoteLiteral(e.Version)
}

// SetSchema returns the statement moving an installed extension, with
// its types, functions and operators, to e's schema (made first when it
// is not public), or, for an extension e installs into no schema of its
// own, to the schema CREATE EXTENSION would put it in (current_schema()):
// ALTER EXTENSION citext SET SCHEMA "extensions". Columns of its types
// keep them. PostgreSQL refuses it for an extension that is not
// relocatable (plpgsql, PostGIS).
func (e *Extension) SetSchema() string {
	if e.Schema == "" {
		return "DO $$ BEGIN EXECUTE format('ALTER EXTENSION %I SET SCHEMA %I', " + names.QuoteLiteral(e.Name) + ", current_schema()); END $$"
	}
	return e.schemaFirst() + "ALTER EXTENSION " + extensionName(e.Name) + " SET SCHEMA " + names.QuoteIdent(e.Schema)
}

// OwnSchema reports whether e is installed into a schema of its own
// (pg_partman's partman, Supabase's extensions), which Create and
// SetSchema make first: not public, and not a system schema, whose name
// starts with pg_ (adminpack's control file puts it in pg_catalog) and
// which PostgreSQL refuses to create, even with IF NOT EXISTS.
func (e *Extension) OwnSchema() bool {
	return e.Schema != "" && e.Schema != "public" && !strings.HasPrefix(e.Schema, "pg_")
}

// schemaFirst is the statement, with its semicolon, making e's schema
// when it is one of its own (OwnSchema), else "".
func (e *Extension) schemaFirst() string {
	if !e.OwnSchema() {
		return ""
	}
	return "CREATE SCHEMA IF NOT EXISTS " + names.QuoteIdent(e.Schema) + ";\n"
}

// extensionName is an extension's name in a statement: as it is when
// PostgreSQL reads it unquoted (pg_trgm), quoted otherwise ("uuid-ossp").
func extensionName(name string) string {
	if names.IsPlain(name) {
		return name
	}
	return names.QuoteIdent(name)
}

// Key is the extension's key among dependencies: extension pg_trgm.
func (e *Extension) Key() string { return "extension " + e.Name }

// Object is an SQL object a spec declares under sql_objects: — a
// function, trigger, view or anything else cpcgen does not model — with
// the SQL that creates, replaces and drops it. The exported fields with
// JSON names are plain data the migrations snapshot keeps, so that a
// later migration can drop or replace what an earlier one created.
type Object struct {
	// Key identifies the object among the package's and across
	// migrations: its kind and name, and a trigger's table ("function
	// notes_search_text", "trigger notes_search on notes").
	Key string `json:"key"`
	// Kind is the kind's name (function, materialized_view, other); Noun
	// names it in messages (materialized view).
	Kind string `json:"kind"`
	Noun string `json:"noun"`
	// Name is the object's name as declared (name or schema.name);
	// Schema is its schema part, "" when unqualified.
	Name   string `json:"name"`
	Schema string `json:"schema,omitempty"`
	// Table is the table a trigger is on, as its SQL names it.
	Table string `json:"table,omitempty"`
	// Create is the SQL creating the object, without the last
	// semicolon: the spec's statements, then COMMENT ON when the object
	// has a comment and cpcgen knows how to name it.
	Create string `json:"create"`
	// Replace is Create with CREATE OR REPLACE, for the kinds a changed
	// definition of the same Signature replaces in place; "" otherwise.
	Replace   string `json:"replace,omitempty"`
	Signature string `json:"signature,omitempty"`
	// Drop is the SQL removing the object, without the last semicolon.
	Drop string `json:"drop"`
	// Rebuild is set when the object is bound to the columns of the
	// tables it depends on (views): a change to those columns drops it
	// before and creates it again after.
	Rebuild bool `json:"rebuild,omitempty"`
	// RenamedFrom is the previous name of a sequence (renamed_from:), a
	// migration hint: the sequence is renamed, keeping its value, not
	// dropped and created again. Not kept in the snapshot.
	RenamedFrom string `json:"-"`
	// Early is set for the kinds tables may use (sequences, domains,
	// types, schemas): schema.sql, vet and migrations create them after
	// the extensions and before the enums and tables, and drop them after
	// the tables.
	Early bool `json:"early,omitempty"`
	// DependsOn are the keys of what the object needs: other objects'
	// Keys, "table notes", "enum currency", "extension pg_trgm".
	DependsOn []string `json:"depends_on,omitempty"`
	// Comment is the spec's comment; Source the spec file declaring the
	// object and File the .sql file holding its SQL, or "".
	Comment string `json:"-"`
	Source  string `json:"-"`
	File    string `json:"-"`
	// Pos is where the object is declared, SQLPos where its SQL starts,
	// and Lines where each line of its SQL is (see LinePos).
	Pos    Pos   `json:"-"`
	SQLPos Pos   `json:"-"`
	Lines  []Pos `json:"-"`
}

// Title names the object in messages: function "notes_search_text",
// trigger "notes_search" on "notes".
func (o *Object) Title() string {
	if o.Table != "" {
		return fmt.Sprintf("%s %q on %q", o.Noun, o.Name, o.Table)
	}
	return fmt.Sprintf("%s %q", o.Noun, o.Name)
}

// PosAt returns the spec position of a byte offset in Create: the line's
// position plus the offset within the line, for a line whose position is
// exact; SQLPos otherwise.
func (o *Object) PosAt(off int) Pos {
	if off < 0 || off > len(o.Create) {
		return o.SQLPos
	}
	line, start := 0, 0
	for i := 0; i < off; i++ {
		if o.Create[i] == '\n' {
			line, start = line+1, i+1
		}
	}
	if line >= len(o.Lines) {
		return o.SQLPos
	}
	p := o.Lines[line]
	if line > 0 && p == o.Lines[0] && p.Line == o.SQLPos.Line {
		return p // lines of a scalar whose lines cpcgen cannot place
	}
	p.Col += len([]rune(o.Create[start:off]))
	return p
}

// KindPartition is the kind of the objects cpcgen makes for the
// partitions a table's partition: declares (see Partitioning); no spec
// declares an object of this kind under sql_objects:.
const KindPartition = "partition"

// NounPrimaryKeyName is the noun of the objects cpcgen makes for a
// primary key with a name of its own (primary_key_name:): the
// statement renaming it from the name derived from its table's
// (names.PrimaryKey(table)), which PostgreSQL gives it when the
// name is free.
const NounPrimaryKeyName = "primary key name"

// NounDeferrableForeignKey is the noun of the objects cpcgen makes for a
// deferrable foreign key (deferrable:): the statement making it
// DEFERRABLE after Atlas adds it, named by the key.
const NounDeferrableForeignKey = "deferrable foreign key"

// TableKey is the key of a table among an object's dependencies.
func TableKey(table string) string { return "table " + table }

// EnumKey is the key of an enum among an object's dependencies.
func EnumKey(enum string) string { return "enum " + enum }

// Object returns the object with the given key, or nil.
func (p *Package) Object(key string) *Object {
	return find.First(p.Objects, func(o *Object) bool { return o.Key == key })
}

// SplitEarly splits objects, in order, into those created before the
// tables (Early) and the others.
func SplitEarly(objs []*Object) (early, late []*Object) {
	for _, o := range objs {
		if o.Early {
			early = append(early, o)
		} else {
			late = append(late, o)
		}
	}
	return early, late
}
