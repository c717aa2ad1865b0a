package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
)

// Cache is a row cache shared by every instance of an application, such
// as Redis (runtime/rediscache), used through CacheConfig.Shared in
// place of the in-process caches. It stores encoded rows under a table
// name and a key (the tenant's and the row's key values as text, see
// KeyCodec), and gives leases so that a fill that lost a race with a
// write is not stored: the fill race of memcache's leases.
//
// A miss reserves the key for the caller (a lease); Invalidate and
// Flush end every lease they reach, and a Fill stores a value only
// while its lease is the key's current one. Thus a value read from the
// database before a write committed is never stored after the write's
// invalidation. The in-process default is not a Cache: it keeps the
// rows as Go values, so that a hit costs no decoding.
//
// Methods are safe for concurrent use; an error leaves the cache as it
// was or over-invalidated, never holding a value it was told to drop.
type Cache interface {
	// Get looks up keys in table. values[i] is the value stored for
	// keys[i], or nil on a miss; then leases[i] is nonzero when the miss
	// reserved keys[i] for a Fill by this caller, zero when another
	// caller's fill holds it.
	Get(ctx context.Context, table string, keys []string) (values [][]byte, leases []uint64, err error)
	// Fill stores values[i] for keys[i] (of table) when leases[i] is
	// still the key's reservation, with the given time to live (zero:
	// the cache's default); a key whose lease ended is left alone. A zero
	// lease stores unconditionally: the unique-key indexes' entries are
	// hints, checked on every use.
	Fill(ctx context.Context, table string, keys []string, leases []uint64, values [][]byte, ttl time.Duration) error
	// Invalidate drops the entries and the leases of keys in table.
	Invalidate(ctx context.Context, table string, keys []string) error
	// Flush drops every entry and lease of table, or of every table when
	// table is "".
	Flush(ctx context.Context, table string) error
}

// NoTenant is the tenant type of the cache of a table without a tenant
// column: its keys have no tenant part. NoTenantKeys is its codec.
type NoTenant struct{}

// KeyCodec turns the key values of a cached table (the tenant's, the
// primary key's, a unique key's) into text and back: the form they take
// in invalidation notifications and in a shared Cache. Parse must accept
// what Append writes and give back an equal value. Runtime codecs exist
// for the usual key types (UUIDKeys, Int64Keys, Int32Keys, Int16Keys,
// StringKeys, NoTenantKeys); generated code supplies one for a composite
// key or a named key type.
type KeyCodec[K any] struct {
	// Append appends the text of k to dst.
	Append func(dst []byte, k K) []byte
	// Parse reads a key back from its text.
	Parse func(s string) (K, error)
}

// The key codecs of the usual key types.
var (
	// UUIDKeys writes uuid.UUID keys in their canonical form.
	UUIDKeys = KeyCodec[uuid.UUID]{
		Append: func(dst []byte, k uuid.UUID) []byte {
			var buf [36]byte
			encodeUUID(buf[:], k)
			return append(dst, buf[:]...)
		},
		Parse: uuid.Parse,
	}
	// Int64Keys writes bigint keys in decimal.
	Int64Keys = KeyCodec[int64]{
		Append: func(dst []byte, k int64) []byte { return strconv.AppendInt(dst, k, 10) },
		Parse:  func(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) },
	}
	// Int32Keys writes integer keys in decimal.
	Int32Keys = KeyCodec[int32]{
		Append: func(dst []byte, k int32) []byte { return strconv.AppendInt(dst, int64(k), 10) },
		Parse: func(s string) (int32, error) {
			n, err := strconv.ParseInt(s, 10, 32)
			return int32(n), err
		},
	}
	// Int16Keys writes smallint keys in decimal.
	Int16Keys = KeyCodec[int16]{
		Append: func(dst []byte, k int16) []byte { return strconv.AppendInt(dst, int64(k), 10) },
		Parse: func(s string) (int16, error) {
			n, err := strconv.ParseInt(s, 10, 16)
			return int16(n), err
		},
	}
	// StringKeys writes text keys as they are.
	StringKeys = KeyCodec[string]{
		Append: func(dst []byte, k string) []byte { return append(dst, k...) },
		Parse:  func(s string) (string, error) { return s, nil },
	}
	// NoTenantKeys is the codec of NoTenant: the empty text.
	NoTenantKeys = KeyCodec[NoTenant]{
		Append: func(dst []byte, _ NoTenant) []byte { return dst },
		Parse: func(s string) (NoTenant, error) {
			if s != "" {
				return NoTenant{}, fmt.Errorf("a table without tenant has no tenant key, got %q", s)
			}
			return NoTenant{}, nil
		},
	}
)

// encodeUUID writes the canonical text of u into dst (36 bytes).
func encodeUUID(dst []byte, u uuid.UUID) {
	const hex = "0123456789abcdef"
	j := 0
	for i, b := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			dst[j] = '-'
			j++
		}
		dst[j] = hex[b>>4]
		dst[j+1] = hex[b&0x0f]
		j += 2
	}
}

// ValueCodec encodes the rows of a cached table for a shared Cache. The
// in-process caches keep rows as Go values and do not use it.
type ValueCodec[V any] struct {
	// Append appends the encoding of *v to dst.
	Append func(dst []byte, v *V) ([]byte, error)
	// Decode reads src, which Append wrote, into *v.
	Decode func(src []byte, v *V) error
}

// JSONValues returns a ValueCodec that encodes rows with encoding/json,
// through their JSON tags: the codec of any generated model, whose
// fields all round-trip through JSON.
func JSONValues[V any]() ValueCodec[V] {
	return ValueCodec[V]{
		Append: func(dst []byte, v *V) ([]byte, error) {
			b, err := json.Marshal(v)
			if err != nil {
				return dst, err
			}
			return append(dst, b...), nil
		},
		Decode: func(src []byte, v *V) error { return json.Unmarshal(src, v) },
	}
}

// CacheTableSpec describes the row cache of one table, for
// NewCacheTable: T is the Go type of the tenant column (NoTenant for a
// table without one), K the primary key's and V the model's.
type CacheTableSpec[T, K comparable, V any] struct {
	// Table is the table's name as the generated statements spell it
	// ("customers", or "crm.customers" for a schema-qualified one).
	Table string
	// Tenant and Key are the codecs of the tenant and of the primary key.
	Tenant KeyCodec[T]
	Key    KeyCodec[K]
	// KeyOf returns the primary key of a row (GetMany fills by it).
	KeyOf func(v *V) K
	// Value encodes rows for a shared Cache; nil Append means
	// JSONValues.
	Value ValueCodec[V]
	// TTL is the time to live of an entry, a backstop; zero means
	// CacheConfig.TTL.
	TTL time.Duration
	// MaxEntries bounds the table's in-process cache; zero means
	// CacheConfig.MaxEntries.
	MaxEntries int
	// Version tells encodings of the rows apart in a shared Cache: two
	// versions of an application whose rows encode differently (a column
	// added, say) must not read each other's entries. Generated code sets
	// it to a hash of the table's columns. Invalidations reach every
	// version.
	Version string
}

// CacheTable is the row cache of one table, declared once by generated
// code (a package-level variable) and used with any DB: each DB with
// caching on keeps its own entries for it. Its methods are the calls the
// generated by-key reads make (Get, GetMany), and the invalidations the
// generated writes send (Keys, AllRows, with Invalidating and
// Invalidate). A CacheTable is safe for concurrent use.
type CacheTable[T, K comparable, V any] struct {
	spec CacheTableSpec[T, K, V]
	id   int
}

// cacheIDs numbers the CacheTables and CacheIndexes of the process, to
// find a DB's entries for one by index.
var cacheIDs atomic.Int32

// NewCacheTable returns the row cache described by spec. It panics when
// spec lacks Table, a codec or KeyOf: generated code always sets them.
func NewCacheTable[T, K comparable, V any](spec CacheTableSpec[T, K, V]) *CacheTable[T, K, V] {
	if spec.Table == "" || spec.Tenant.Append == nil || spec.Tenant.Parse == nil ||
		spec.Key.Append == nil || spec.Key.Parse == nil || spec.KeyOf == nil {
		panic("runtime: NewCacheTable needs Table, Tenant, Key and KeyOf")
	}
	if spec.Value.Append == nil || spec.Value.Decode == nil {
		spec.Value = JSONValues[V]()
	}
	return &CacheTable[T, K, V]{spec: spec, id: int(cacheIDs.Add(1)) - 1}
}

// Table returns the name of the cached table.
func (t *CacheTable[T, K, V]) Table() string { return t.spec.Table }

// Get looks up the row of tenant with primary key key, for a generated
// by-key read (FindByID). On a hit (ok), v is the cached row, shared
// with the cache: it must be treated as read-only, pointer fields
// included. Otherwise the caller reads the row from the database, with
// fill.Context(ctx), and then calls fill.Done with it, or fill.Abort when
// there is none or the read failed:
//
//	v, ok, fill := customersCache.Get(ctx, r.db, tenant, id)
//	if ok {
//		return v, nil
//	}
//	if err := scanCustomer(db.QueryRow(fill.Context(ctx), sqlCustomersFindByID, id, tenant), &v); err != nil {
//		fill.Abort()
//		return Customer{}, errs.Wrap(err, "customers.FindByID", "customers")
//	}
//	fill.Done(ctx, &v)
//	return v, nil
//
// fill is nil when db is not a *DB with caching on (a transaction, a
// pool), or while its listener is disconnected; the nil fill's methods
// do nothing. Concurrent misses of one key make one database read: the
// others wait for it and share its row (stampede protection).
func (t *CacheTable[T, K, V]) Get(ctx context.Context, db DBTX, tenant T, key K) (v V, ok bool, fill *CacheFill[T, K, V]) {
	tc := t.state(db)
	if tc == nil {
		return v, false, nil
	}
	return tc.get(ctx, tenant, key)
}

// GetMany looks up the rows of tenant with the given primary keys, for a
// generated FindByIDs. The caller reads the keys of b.Misses from the
// database in one statement (with b.Context(ctx)), passes the rows found
// to b.Done (or calls b.Abort when the read failed), and returns
// b.Values, sorted as its statement orders them:
//
//	b := customersCache.GetMany(ctx, r.db, tenant, ids)
//	if miss := b.Misses(); len(miss) > 0 {
//		rows, err := db.Query(b.Context(ctx), sqlCustomersFindByIDs, miss, tenant)
//		…
//		items, err := runtime.Collect(rows, err, len(miss), scanCustomer)
//		if err != nil {
//			b.Abort()
//			return nil, errs.Wrap(err, …)
//		}
//		b.Done(ctx, items)
//	}
//	out := b.Values()
//
// Without caching (see Get), every key is a miss.
func (t *CacheTable[T, K, V]) GetMany(ctx context.Context, db DBTX, tenant T, keys []K) *CacheBatch[T, K, V] {
	tc := t.state(db)
	b := &CacheBatch[T, K, V]{tc: tc, tenant: tenant}
	if tc == nil {
		b.misses = keys
		return b
	}
	tc.getMany(ctx, b, keys)
	return b
}

// Keys returns the invalidation of the rows of tenant with the given
// primary keys, for a generated write to pass to Invalidating or
// Invalidate.
func (t *CacheTable[T, K, V]) Keys(tenant T, keys ...K) Invalidation {
	inv := Invalidation{table: t.spec.Table, tenant: string(t.spec.Tenant.Append(nil, tenant)), keys: make([]string, len(keys)), owner: t}
	var buf []byte
	for i, k := range keys {
		buf = t.spec.Key.Append(buf[:0], k)
		inv.keys[i] = string(buf)
	}
	return inv
}

// AllRows returns the invalidation of every row of the table, of every
// tenant: for writes whose keys are not known (a cascade from a parent
// table, a raw statement that declares the table).
func (t *CacheTable[T, K, V]) AllRows() Invalidation {
	inv := InvalidateTable(t.spec.Table)
	inv.owner = t
	return inv
}

// stateFor returns rc's cache of t, made if needed: a write applies its
// invalidations to a shared cache even on a DB that has not read the
// table yet.
func (t *CacheTable[T, K, V]) stateFor(rc *rowCaches) cacheState {
	if s := rc.lookup(t.id); s != nil {
		return s
	}
	return rc.register(t.id, func() cacheState { return newTableCache(rc, &t.spec) })
}

// CacheFill is a miss of CacheTable.Get that reserved its key for this
// reader: Done stores the row read from the database unless the key was
// invalidated since Get (the fill race), and hands it to the readers
// that missed the same key meanwhile. A nil *CacheFill (no caching) does
// nothing.
type CacheFill[T, K comparable, V any] struct {
	tc    *tableCache[T, K, V]
	key   cacheKey[T, K]
	epoch uint64
	// Guarded by the key's shard lock.
	stale   bool          // the key was invalidated or flushed since Get
	waiters chan struct{} // made by the first reader that waits
	value   V             // the row, for the waiters when shared
	shared  bool
	// lease is the shared Cache's reservation, zero for none, and
	// entry the key's text there.
	lease uint64
	entry string
}

// Context returns the context for the database read of a fill: one that
// keeps the read on the primary (Primary) when the DB has read replicas,
// since a lagging replica could return a row older than the last
// invalidation. Without a fill, ctx itself.
func (f *CacheFill[T, K, V]) Context(ctx context.Context) context.Context {
	if f == nil || f.tc.rc.db.replicas == nil {
		return ctx
	}
	return Primary(ctx)
}

// Done completes the fill with the row v read from the database: it is
// cached unless the key was invalidated or the cache flushed since Get,
// and given to the readers that waited for it.
func (f *CacheFill[T, K, V]) Done(ctx context.Context, v *V) {
	if f == nil {
		return
	}
	f.tc.done(ctx, f, v)
}

// Abort ends the fill without a row (none was found, or the read
// failed); readers that waited for it read the database themselves.
func (f *CacheFill[T, K, V]) Abort() {
	if f == nil {
		return
	}
	f.tc.abort(f)
}

// CacheBatch is the lookup of several keys by CacheTable.GetMany.
type CacheBatch[T, K comparable, V any] struct {
	tc     *tableCache[T, K, V]
	tenant T
	hits   []V
	misses []K
	// fills are the misses reserved for this batch, by key; nil entries
	// for misses another reader is filling.
	fills map[K]*CacheFill[T, K, V]
	found []V
}

// Misses returns the keys to read from the database: the keys not found
// in the cache, each once.
func (b *CacheBatch[T, K, V]) Misses() []K { return b.misses }

// Context returns the context for the database read of the misses (see
// CacheFill.Context).
func (b *CacheBatch[T, K, V]) Context(ctx context.Context) context.Context {
	if b.tc == nil || len(b.fills) == 0 || b.tc.rc.db.replicas == nil {
		return ctx
	}
	return Primary(ctx)
}

// Done completes the batch with the rows read for Misses: each is cached
// unless its key was invalidated since GetMany; misses without a row are
// released.
func (b *CacheBatch[T, K, V]) Done(ctx context.Context, rows []V) {
	b.found = rows
	if b.tc != nil {
		b.tc.doneMany(ctx, b, rows)
	}
}

// Abort releases the misses without rows.
func (b *CacheBatch[T, K, V]) Abort() {
	if b.tc != nil {
		for _, f := range b.fills {
			if f != nil {
				b.tc.abort(f)
			}
		}
		b.fills = nil
	}
}

// Values returns the rows found: the hits, then the rows passed to Done,
// in no particular order; empty, not nil, when there are none. The
// caller sorts them.
func (b *CacheBatch[T, K, V]) Values() []V {
	if len(b.hits) == 0 {
		if b.found == nil {
			return []V{}
		}
		return b.found
	}
	return append(b.hits, b.found...)
}

// CacheIndexSpec describes the cache of a unique key of a table, for
// NewCacheIndex: it maps the key's values U to the primary key K of the
// row that has them.
type CacheIndexSpec[T, U, K comparable] struct {
	// Table is the indexed table, Index a name for the unique key
	// ("slug", "user_id_name"), unique among the table's indexes.
	Table, Index string
	// Tenant, Unique and Key are the codecs of the tenant, the unique
	// key and the primary key.
	Tenant KeyCodec[T]
	Unique KeyCodec[U]
	Key    KeyCodec[K]
	// TTL, MaxEntries and Version are as in CacheTableSpec.
	TTL        time.Duration
	MaxEntries int
	Version    string
}

// CacheIndex caches which row has a value of a unique key, for generated
// finders on unique keys. Its entries are hints, never invalidated: the
// finder reads the row by the primary key found (a cached read, kept
// exact by the table's invalidations) and uses it only when the row
// still has the value it looked for:
//
//	if id, ok := organizationsBySlug.Get(ctx, r.db, tenant, slug); ok {
//		v, err := r.FindByID(ctx, id)
//		if err == nil && v.Slug == slug {
//			return v, nil
//		}
//		if err != nil && !errors.Is(err, runtime.ErrNotFound) {
//			return Organization{}, err
//		}
//	}
//	…read by slug from the database…
//	organizationsBySlug.Set(ctx, r.db, tenant, slug, v.ID)
type CacheIndex[T, U, K comparable] struct {
	spec CacheIndexSpec[T, U, K]
	name string
	id   int
}

// NewCacheIndex returns the unique-key cache described by spec. It
// panics when spec lacks a name or a codec.
func NewCacheIndex[T, U, K comparable](spec CacheIndexSpec[T, U, K]) *CacheIndex[T, U, K] {
	if spec.Table == "" || spec.Index == "" || spec.Tenant.Append == nil || spec.Tenant.Parse == nil ||
		spec.Unique.Append == nil || spec.Unique.Parse == nil || spec.Key.Append == nil || spec.Key.Parse == nil {
		panic("runtime: NewCacheIndex needs Table, Index, Tenant, Unique and Key")
	}
	return &CacheIndex[T, U, K]{spec: spec, name: spec.Table + "#" + spec.Index, id: int(cacheIDs.Add(1)) - 1}
}

// Get returns the primary key of the row of tenant whose unique key was
// u when it was last read, and whether one is cached. Without caching
// (see CacheTable.Get), never.
func (x *CacheIndex[T, U, K]) Get(ctx context.Context, db DBTX, tenant T, u U) (K, bool) {
	ic := x.state(db)
	if ic == nil {
		var zero K
		return zero, false
	}
	return ic.get(ctx, tenant, u)
}

// Set records that the row of tenant with primary key k has unique key
// u, after a read from the database.
func (x *CacheIndex[T, U, K]) Set(ctx context.Context, db DBTX, tenant T, u U, k K) {
	if ic := x.state(db); ic != nil {
		ic.set(ctx, tenant, u, k)
	}
}

// Invalidation names cache entries a write changed: rows of one table
// and tenant by primary key (CacheTable.Keys), or every row of a table
// (CacheTable.AllRows, InvalidateTable). Generated writes pass them to
// Invalidating or Invalidate.
type Invalidation struct {
	table  string
	tenant string
	keys   []string
	all    bool
	// owner is the CacheTable the invalidation comes from, nil when it
	// was made by table name or read from a notification.
	owner cacheSource
}

// InvalidateTable returns the invalidation of every cached row of the
// table named table, of every tenant: for raw statements that declare
// the tables they write.
func InvalidateTable(table string) Invalidation {
	return Invalidation{table: table, all: true}
}

// Table returns the name of the table the invalidation is about.
func (inv Invalidation) Table() string { return inv.table }

// errCacheBadKey is wrapped by the errors of a notification whose keys
// do not parse.
var errCacheBadKey = errors.New("bad cache key")
