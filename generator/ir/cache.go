package ir

import (
	"time"

	"github.com/cpcgen/cpcgen/internal/find"
)

// BehaviourCache is the row cache of a table (cache:).
const BehaviourCache BehaviourKind = "cache"

// Cache is the row cache of a table (cache:): the runtime.CacheTable the
// package declares for it, and the unique-key caches of its finders.
// FindByID, FindByIDs and the finders read through it; every write of
// the package invalidates what it changes (Table.CacheWrites).
type Cache struct {
	// Var names the package-level runtime.CacheTable: organizationsCache.
	Var string
	// TTL and MaxEntries are the spec's; zero means the run time's
	// defaults.
	TTL        time.Duration
	MaxEntries int
	// Version is a hash of the table's columns (names, SQL and Go types,
	// JSON names): entries written by a version of the application with
	// other columns are never read (runtime.CacheTableSpec.Version).
	Version string
	// Tenant is the key of the tenant column, or nil for a table without
	// one (runtime.NoTenant); Key is the primary key's.
	Tenant *CacheKey
	Key    *CacheKey
	// Indexes are the caches of the unique keys finders read by, in the
	// order of their first finder.
	Indexes []*CacheIndex
	// Codecs are the key codecs of single columns the package declares
	// for the table (Var set), each once.
	Codecs []*CacheKeyCodec
}

// CacheKey is a key of a cached table's entries: its tenant, its primary
// key, or a unique key of its finders.
type CacheKey struct {
	// Columns are the key's columns, in key order; Codecs their codecs.
	Columns []*Column
	Codecs  []*CacheKeyCodec
	// Struct names the struct type the package declares for a key of
	// several columns (fields as the model's), and Var its
	// runtime.KeyCodec; both "" for a key of one column.
	Struct string
	Var    string
}

// CacheKeyCodec is the runtime.KeyCodec of one key column: Runtime names the
// runtime's codec of Base, the Go type of the column's PostgreSQL type
// (UUIDKeys of uuid.UUID). When the column's Go type is another (an
// enum's string type, a go_type), Var names the package-level codec that
// converts it to and from Base; Var is "" when the runtime's serves.
type CacheKeyCodec struct {
	Column  *Column
	Runtime string
	Base    GoType
	Var     string
}

// CacheIndex caches which row has each value of a unique key of a cached
// table (runtime.CacheIndex), for the finders by that key.
type CacheIndex struct {
	// Var names the package-level runtime.CacheIndex:
	// organizationsBySlug. Name names the index in the runtime's stats:
	// its columns, comma-separated.
	Var  string
	Name string
	// Key is the unique key's columns the finders pass, in key order: a
	// tenant table's tenant column is left out, as the tenant is part of
	// every entry.
	Key *CacheKey
}

// CacheOwn says how a write invalidates the rows of its own table.
type CacheOwn int

// The ways a write invalidates its own rows.
const (
	// CacheOwnNone: it changes none (an insert), or the table is not
	// cached.
	CacheOwnNone CacheOwn = iota
	// CacheOwnParams: the row whose primary key the method takes, before
	// the statement runs (runtime.Invalidating).
	CacheOwnParams
	// CacheOwnInsert: the row whose primary key the insert struct n
	// holds (an upsert on the primary key).
	CacheOwnInsert
	// CacheOwnReturned: the row the statement returns, after it, in its
	// transaction (runtime.Invalidate): an upsert on another unique key.
	CacheOwnReturned
)

// CacheWrite is what one write method of a repository invalidates.
type CacheWrite struct {
	// Method is the repository method (Update, UpsertBySlug, a raw
	// query); Inner, for CacheOwnReturned, the unexported method running
	// its statements, which Method calls in a transaction.
	Method string
	Inner  string
	Own    CacheOwn
	// Flushes are the cached tables whose every row the write
	// invalidates: the tables its rows' foreign keys reach through ON
	// DELETE and ON UPDATE actions (PostgreSQL changes their rows, whose
	// keys the write does not know), and those a raw query declares it
	// writes.
	Flushes []*CacheFlush
}

// CacheFlush is the invalidation of every row of a cached table by a
// write.
type CacheFlush struct {
	Table *Table
	// When lists the columns of the update struct any of which, when
	// set, makes the write reach Table (an update re-keying a referenced
	// column); empty means always.
	When []*Column
}

// CacheWrite returns what the repository method named method
// invalidates, or nil when it invalidates nothing.
func (t *Table) CacheWrite(method string) *CacheWrite {
	return find.First(t.CacheWrites, func(w *CacheWrite) bool { return w.Method == method })
}
