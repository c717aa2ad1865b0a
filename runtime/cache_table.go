package runtime

import (
	"context"
	"hash/maphash"
	"sync"
	"sync/atomic"
	"time"

	"github.com/maypok86/otter/v2"
)

// cacheKey is the key of an entry of a table's in-process cache: the
// tenant is part of it, so a row is never served to another tenant.
type cacheKey[T, K comparable] struct {
	tenant T
	key    K
}

// cacheShards is the number of locks a table's fills and invalidations
// are spread over.
const cacheShards = 32

// cacheShard holds the fills in flight of the keys that hash to it.
type cacheShard[T, K comparable, V any] struct {
	mu       sync.Mutex
	inflight map[cacheKey[T, K]]*CacheFill[T, K, V]
}

// cacheCounters are the counters of one table's (or index's) cache.
type cacheCounters struct {
	hits, misses, waited, fills, dropped, bypassed  atomic.Int64
	invalidated, remoteInvalidated, flushes, errors atomic.Int64
}

// snapshot returns the counters as TableCacheStats.
func (c *cacheCounters) snapshot(table, index string, entries int) TableCacheStats {
	return TableCacheStats{
		Table:               table,
		Index:               index,
		Hits:                c.hits.Load(),
		Misses:              c.misses.Load(),
		Waited:              c.waited.Load(),
		Fills:               c.fills.Load(),
		DroppedFills:        c.dropped.Load(),
		Bypassed:            c.bypassed.Load(),
		Invalidations:       c.invalidated.Load(),
		RemoteInvalidations: c.remoteInvalidated.Load(),
		Flushes:             c.flushes.Load(),
		Errors:              c.errors.Load(),
		Entries:             entries,
	}
}

// cacheState is what a DB keeps for one CacheTable or CacheIndex; the
// listener reaches it by table name.
type cacheState interface {
	// table is the SQL name of the table the state caches rows (or a
	// unique key) of.
	table() string
	// invalidate drops the entries of tenant with the given keys, from
	// their text; an index ignores it.
	invalidate(ctx context.Context, tenant string, keys []string, remote bool) error
	// dropLocal drops every in-process entry and ends the fills in
	// flight; flushShared drops the table's entries in a shared Cache.
	dropLocal()
	flushShared(ctx context.Context) error
	stats() TableCacheStats
	close()
}

// cacheStore is where a table's or an index's cache keeps its entries,
// with its counters: what tableCache and indexCache share.
type cacheStore[K comparable, V any] struct {
	// local holds the entries as Go values; nil with a shared Cache.
	local  *otter.Cache[K, V]
	shared Cache
	// sharedName is the entries' name in the shared Cache: with the
	// spec's Version.
	sharedName string
	ttl        time.Duration
	c          cacheCounters
}

// init sets s up under rc's config for the entries named name of a spec
// with the given Version, TTL and MaxEntries.
func (s *cacheStore[K, V]) init(rc *rowCaches, name, version string, ttl time.Duration, maxEntries int) {
	s.shared = rc.shared
	s.ttl = ttl
	if s.ttl <= 0 {
		s.ttl = rc.cfg.TTL
	}
	s.sharedName = name
	if version != "" {
		s.sharedName += "@" + version
	}
	if s.shared == nil {
		s.local = newLocalStore[K, V](pick(maxEntries, rc.cfg.MaxEntries), s.ttl)
	}
}

// dropLocal drops every in-process entry.
func (s *cacheStore[K, V]) dropLocal() {
	if s.local != nil {
		s.local.InvalidateAll()
	}
	s.c.flushes.Add(1)
}

func (s *cacheStore[K, V]) flushShared(ctx context.Context) error {
	if s.shared == nil {
		return nil
	}
	return s.shared.Flush(ctx, s.sharedName)
}

// snapshot returns the counters, and the number of in-process entries
// (-1 with a shared Cache), as the TableCacheStats of table and index.
func (s *cacheStore[K, V]) snapshot(table, index string) TableCacheStats {
	entries := -1
	if s.local != nil {
		entries = s.local.EstimatedSize()
	}
	return s.c.snapshot(table, index, entries)
}

func (s *cacheStore[K, V]) close() {
	if s.local != nil {
		s.local.StopAllGoroutines()
	}
}

// tableCache is a DB's cache of one CacheTable: its store holds the rows.
type tableCache[T, K comparable, V any] struct {
	cacheStore[cacheKey[T, K], V]
	spec   *CacheTableSpec[T, K, V]
	rc     *rowCaches
	seed   maphash.Seed
	shards [cacheShards]cacheShard[T, K, V]
}

func newTableCache[T, K comparable, V any](rc *rowCaches, spec *CacheTableSpec[T, K, V]) *tableCache[T, K, V] {
	tc := &tableCache[T, K, V]{spec: spec, rc: rc, seed: maphash.MakeSeed()}
	tc.init(rc, spec.Table, spec.Version, spec.TTL, spec.MaxEntries)
	return tc
}

// newLocalStore returns an in-process store of at most max entries, each
// living ttl (forever when zero).
func newLocalStore[K comparable, V any](max int, ttl time.Duration) *otter.Cache[K, V] {
	o := &otter.Options[K, V]{MaximumSize: max}
	if ttl > 0 {
		o.ExpiryCalculator = otter.ExpiryWriting[K, V](ttl)
	}
	return otter.Must(o)
}

// pick returns v, or def when v is not positive.
func pick(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

// cacheSource is a CacheTable or a CacheIndex: what a DB's cacheState
// is made from.
type cacheSource interface {
	// stateFor returns rc's state of the cache, made if needed.
	stateFor(rc *rowCaches) cacheState
}

// stateOf returns db's state, of type S, of the cache src with the given
// id, or the zero S when db is not a *DB with caching on.
func stateOf[S cacheState](db DBTX, id int, src cacheSource) (s S) {
	d, ok := db.(*DB)
	if !ok || d.caches == nil {
		return s
	}
	if st := d.caches.lookup(id); st != nil {
		return st.(S)
	}
	return src.stateFor(d.caches).(S)
}

// state returns db's cache of t, or nil when db is not a *DB with
// caching on.
func (t *CacheTable[T, K, V]) state(db DBTX) *tableCache[T, K, V] {
	return stateOf[*tableCache[T, K, V]](db, t.id, t)
}

func (tc *tableCache[T, K, V]) table() string { return tc.spec.Table }

func (tc *tableCache[T, K, V]) shard(k cacheKey[T, K]) *cacheShard[T, K, V] {
	return &tc.shards[maphash.Comparable(tc.seed, k)%cacheShards]
}

// entryText returns the text of k in a shared Cache: the tenant's text,
// a NUL byte (which no key text holds: PostgreSQL's text has none) and
// the key's text.
func (tc *tableCache[T, K, V]) entryText(k cacheKey[T, K]) string {
	b := tc.spec.Tenant.Append(make([]byte, 0, 64), k.tenant)
	b = append(b, 0)
	return string(tc.spec.Key.Append(b, k.key))
}

// get is CacheTable.Get.
func (tc *tableCache[T, K, V]) get(ctx context.Context, tenant T, key K) (v V, ok bool, fill *CacheFill[T, K, V]) {
	rc := tc.rc
	// The epoch is read before readiness: a fill whose Get saw the
	// listener up is dropped if the listener went down since (see
	// rowCaches.lost).
	epoch := rc.epoch.Load()
	if !rc.ready.Load() {
		tc.c.bypassed.Add(1)
		return v, false, nil
	}
	k := cacheKey[T, K]{tenant: tenant, key: key}
	if tc.local != nil {
		if v, ok := tc.local.GetIfPresent(k); ok {
			tc.c.hits.Add(1)
			if rc.observers != nil {
				rc.observe(ctx, CacheEvent{Kind: CacheHit, Table: tc.spec.Table})
			}
			return v, true, nil
		}
	}
	sh := tc.shard(k)
	sh.mu.Lock()
	if tc.local != nil {
		if v, ok := tc.local.GetIfPresent(k); ok {
			sh.mu.Unlock()
			tc.c.hits.Add(1)
			return v, true, nil
		}
	}
	if f := sh.inflight[k]; f != nil {
		// Another reader is filling the key: wait for its row.
		if f.waiters == nil {
			f.waiters = make(chan struct{})
		}
		w := f.waiters
		sh.mu.Unlock()
		select {
		case <-w:
		case <-ctx.Done():
			tc.c.misses.Add(1)
			return v, false, nil
		}
		if f.shared {
			tc.c.waited.Add(1)
			return f.value, true, nil
		}
		tc.c.misses.Add(1)
		return v, false, nil
	}
	f := &CacheFill[T, K, V]{tc: tc, key: k, epoch: epoch}
	if sh.inflight == nil {
		sh.inflight = make(map[cacheKey[T, K]]*CacheFill[T, K, V])
	}
	sh.inflight[k] = f
	sh.mu.Unlock()
	if tc.shared != nil {
		if v, ok := tc.sharedGet(ctx, f); ok {
			return v, true, nil
		}
	}
	tc.c.misses.Add(1)
	if rc.observers != nil {
		rc.observe(ctx, CacheEvent{Kind: CacheMiss, Table: tc.spec.Table})
	}
	return v, false, f
}

// sharedGet looks f's key up in the shared Cache: on a hit it completes
// f with the row; on a miss it keeps the lease for f.Done.
func (tc *tableCache[T, K, V]) sharedGet(ctx context.Context, f *CacheFill[T, K, V]) (v V, ok bool) {
	f.entry = tc.entryText(f.key)
	values, leases, err := tc.shared.Get(ctx, tc.sharedName, []string{f.entry})
	if err != nil || len(values) != 1 || len(leases) != 1 {
		tc.sharedFailed(ctx, "get", err)
		return v, false
	}
	if values[0] != nil {
		if err := tc.spec.Value.Decode(values[0], &v); err != nil {
			tc.sharedFailed(ctx, "decode", err)
			return v, false
		}
		tc.complete(f, &v)
		tc.c.hits.Add(1)
		if tc.rc.observers != nil {
			tc.rc.observe(ctx, CacheEvent{Kind: CacheHit, Table: tc.spec.Table})
		}
		return v, true
	}
	f.lease = leases[0]
	return v, false
}

// sharedFailed counts a failure of the shared Cache that leaves it
// correct (a read or a fill): the read goes to the database.
func (tc *tableCache[T, K, V]) sharedFailed(ctx context.Context, what string, err error) {
	tc.c.errors.Add(1)
	tc.rc.sharedError(ctx, tc.spec.Table, what, err, false)
}

// end ends f under its shard's lock: f leaves the fills in flight and
// the readers waiting for it wake. With a row v, f ends with it; when
// filled (v was read from the database), only if f was not invalidated
// nor the cache flushed since f began, and v is then stored in process.
// end reports whether f ended with v.
func (tc *tableCache[T, K, V]) end(f *CacheFill[T, K, V], v *V, filled bool) bool {
	sh := tc.shard(f.key)
	sh.mu.Lock()
	ok := v != nil && (!filled || !f.stale && tc.rc.epoch.Load() == f.epoch)
	if sh.inflight[f.key] == f {
		delete(sh.inflight, f.key)
	}
	if ok {
		if filled && tc.local != nil {
			tc.local.Set(f.key, *v)
		}
		f.value, f.shared = *v, true
	}
	if f.waiters != nil {
		close(f.waiters)
	}
	sh.mu.Unlock()
	return ok
}

// complete ends f with the row v found in the shared Cache, for the
// readers waiting for it; nothing is stored.
func (tc *tableCache[T, K, V]) complete(f *CacheFill[T, K, V], v *V) { tc.end(f, v, false) }

// abort is CacheFill.Abort.
func (tc *tableCache[T, K, V]) abort(f *CacheFill[T, K, V]) { tc.end(f, nil, false) }

// done is CacheFill.Done.
func (tc *tableCache[T, K, V]) done(ctx context.Context, f *CacheFill[T, K, V], v *V) {
	if !tc.end(f, v, true) {
		tc.c.dropped.Add(1)
		if tc.rc.observers != nil {
			tc.rc.observe(ctx, CacheEvent{Kind: CacheFillDropped, Table: tc.spec.Table})
		}
		return
	}
	tc.c.fills.Add(1)
	if tc.shared != nil && f.lease != 0 {
		buf, err := tc.spec.Value.Append(nil, v)
		if err == nil {
			err = tc.shared.Fill(ctx, tc.sharedName, []string{f.entry}, []uint64{f.lease}, [][]byte{buf}, tc.ttl)
		}
		if err != nil {
			tc.sharedFailed(ctx, "fill", err)
		}
	}
	if tc.rc.observers != nil {
		tc.rc.observe(ctx, CacheEvent{Kind: CacheFilled, Table: tc.spec.Table})
	}
}

// getMany is CacheTable.GetMany: hits go to b.hits; each other key is
// reserved for b, unless another reader is filling it, and listed in
// b.misses once.
func (tc *tableCache[T, K, V]) getMany(ctx context.Context, b *CacheBatch[T, K, V], keys []K) {
	rc := tc.rc
	epoch := rc.epoch.Load()
	if !rc.ready.Load() {
		tc.c.bypassed.Add(int64(len(keys)))
		b.misses = keys
		return
	}
	b.fills = make(map[K]*CacheFill[T, K, V], len(keys))
	var reserved []*CacheFill[T, K, V]
	for _, key := range keys {
		if _, seen := b.fills[key]; seen {
			continue
		}
		k := cacheKey[T, K]{tenant: b.tenant, key: key}
		if tc.local != nil {
			if v, ok := tc.local.GetIfPresent(k); ok {
				b.hits = append(b.hits, v)
				b.fills[key] = nil
				continue
			}
		}
		sh := tc.shard(k)
		sh.mu.Lock()
		var f *CacheFill[T, K, V]
		if sh.inflight[k] == nil {
			f = &CacheFill[T, K, V]{tc: tc, key: k, epoch: epoch}
			if sh.inflight == nil {
				sh.inflight = make(map[cacheKey[T, K]]*CacheFill[T, K, V])
			}
			sh.inflight[k] = f
			reserved = append(reserved, f)
		}
		sh.mu.Unlock()
		b.fills[key] = f
		b.misses = append(b.misses, key)
	}
	if tc.shared != nil && len(reserved) > 0 {
		tc.sharedGetMany(ctx, b, reserved)
	}
	tc.c.hits.Add(int64(len(b.hits)))
	tc.c.misses.Add(int64(len(b.misses)))
}

// sharedGetMany looks the reserved keys up in the shared Cache in one
// call: hits leave b.misses.
func (tc *tableCache[T, K, V]) sharedGetMany(ctx context.Context, b *CacheBatch[T, K, V], reserved []*CacheFill[T, K, V]) {
	entries := make([]string, len(reserved))
	for i, f := range reserved {
		f.entry = tc.entryText(f.key)
		entries[i] = f.entry
	}
	values, leases, err := tc.shared.Get(ctx, tc.sharedName, entries)
	if err != nil || len(values) != len(entries) || len(leases) != len(entries) {
		tc.sharedFailed(ctx, "get", err)
		return
	}
	hit := make(map[K]bool)
	for i, f := range reserved {
		if values[i] == nil {
			f.lease = leases[i]
			continue
		}
		var v V
		if err := tc.spec.Value.Decode(values[i], &v); err != nil {
			tc.sharedFailed(ctx, "decode", err)
			continue
		}
		tc.complete(f, &v)
		b.hits = append(b.hits, v)
		b.fills[f.key.key] = nil
		hit[f.key.key] = true
	}
	if len(hit) > 0 {
		misses := b.misses[:0]
		for _, k := range b.misses {
			if !hit[k] {
				misses = append(misses, k)
			}
		}
		b.misses = misses
	}
}

// doneMany is CacheBatch.Done.
func (tc *tableCache[T, K, V]) doneMany(ctx context.Context, b *CacheBatch[T, K, V], rows []V) {
	var keys []string
	var leases []uint64
	var values [][]byte
	for i := range rows {
		key := tc.spec.KeyOf(&rows[i])
		f := b.fills[key]
		if f == nil {
			continue
		}
		delete(b.fills, key)
		if !tc.end(f, &rows[i], true) {
			tc.c.dropped.Add(1)
			continue
		}
		tc.c.fills.Add(1)
		if tc.shared != nil && f.lease != 0 {
			buf, err := tc.spec.Value.Append(nil, &rows[i])
			if err != nil {
				tc.sharedFailed(ctx, "encode", err)
				continue
			}
			keys = append(keys, f.entry)
			leases = append(leases, f.lease)
			values = append(values, buf)
		}
	}
	for _, f := range b.fills {
		if f != nil {
			tc.abort(f)
		}
	}
	b.fills = nil
	if len(keys) > 0 {
		if err := tc.shared.Fill(ctx, tc.sharedName, keys, leases, values, tc.ttl); err != nil {
			tc.sharedFailed(ctx, "fill", err)
		}
	}
}

// invalidate drops the entries of tenant with the given keys and ends
// their fills in flight. A key that does not parse drops the whole
// table's in-process entries instead: too much is safe, too little is
// not.
//
// The shared Cache is emptied first: a miss that begins before the
// fills in flight are ended may still find the old row there, and
// readers arriving later would wait for that miss and share its row
// (after this DB's own write had returned, for a write's invalidation).
// Ending the fills second drops every miss that could have seen the old
// row from being shared.
func (tc *tableCache[T, K, V]) invalidate(ctx context.Context, tenantText string, keys []string, remote bool) error {
	var err error
	if tc.shared != nil {
		entries := make([]string, len(keys))
		for i, s := range keys {
			entries[i] = tenantText + "\x00" + s
		}
		err = tc.shared.Invalidate(ctx, tc.sharedName, entries)
	}
	tenant, perr := tc.spec.Tenant.Parse(tenantText)
	if perr != nil {
		tc.dropLocal()
	} else {
		for _, s := range keys {
			key, perr := tc.spec.Key.Parse(s)
			if perr != nil {
				tc.dropLocal()
				break
			}
			k := cacheKey[T, K]{tenant: tenant, key: key}
			sh := tc.shard(k)
			sh.mu.Lock()
			if tc.local != nil {
				tc.local.Invalidate(k)
			}
			if f := sh.inflight[k]; f != nil {
				f.stale = true
				delete(sh.inflight, k)
			}
			sh.mu.Unlock()
		}
	}
	if remote {
		tc.c.remoteInvalidated.Add(int64(len(keys)))
	} else {
		tc.c.invalidated.Add(int64(len(keys)))
	}
	return err
}

// dropLocal ends every fill in flight and drops every in-process entry.
func (tc *tableCache[T, K, V]) dropLocal() {
	for i := range tc.shards {
		sh := &tc.shards[i]
		sh.mu.Lock()
		for _, f := range sh.inflight {
			f.stale = true
		}
		clear(sh.inflight)
		sh.mu.Unlock()
	}
	tc.cacheStore.dropLocal()
}

func (tc *tableCache[T, K, V]) stats() TableCacheStats { return tc.snapshot(tc.spec.Table, "") }

// indexCache is a DB's cache of one CacheIndex: its store holds the keys
// of the rows.
type indexCache[T, U, K comparable] struct {
	cacheStore[cacheKey[T, U], K]
	spec *CacheIndexSpec[T, U, K]
	rc   *rowCaches
}

// state returns db's cache of x, or nil when db is not a *DB with
// caching on.
func (x *CacheIndex[T, U, K]) state(db DBTX) *indexCache[T, U, K] {
	return stateOf[*indexCache[T, U, K]](db, x.id, x)
}

// stateFor returns rc's cache of x, made if needed.
func (x *CacheIndex[T, U, K]) stateFor(rc *rowCaches) cacheState {
	return rc.register(x.id, func() cacheState {
		ic := &indexCache[T, U, K]{spec: &x.spec, rc: rc}
		ic.init(rc, x.name, x.spec.Version, x.spec.TTL, x.spec.MaxEntries)
		return ic
	})
}

func (ic *indexCache[T, U, K]) table() string { return ic.spec.Table }

func (ic *indexCache[T, U, K]) entryText(tenant T, u U) string {
	b := ic.spec.Tenant.Append(make([]byte, 0, 64), tenant)
	b = append(b, 0)
	return string(ic.spec.Unique.Append(b, u))
}

func (ic *indexCache[T, U, K]) get(ctx context.Context, tenant T, u U) (k K, ok bool) {
	if !ic.rc.ready.Load() {
		ic.c.bypassed.Add(1)
		return k, false
	}
	if ic.local != nil {
		k, ok = ic.local.GetIfPresent(cacheKey[T, U]{tenant: tenant, key: u})
	} else {
		values, _, err := ic.shared.Get(ctx, ic.sharedName, []string{ic.entryText(tenant, u)})
		switch {
		case err != nil || len(values) != 1:
			ic.c.errors.Add(1)
			ic.rc.sharedError(ctx, ic.sharedName, "get", err, false)
		case values[0] != nil:
			k, err = ic.spec.Key.Parse(string(values[0]))
			ok = err == nil
		}
	}
	if ok {
		ic.c.hits.Add(1)
	} else {
		ic.c.misses.Add(1)
	}
	return k, ok
}

func (ic *indexCache[T, U, K]) set(ctx context.Context, tenant T, u U, k K) {
	if !ic.rc.ready.Load() {
		return
	}
	ic.c.fills.Add(1)
	if ic.local != nil {
		ic.local.Set(cacheKey[T, U]{tenant: tenant, key: u}, k)
		return
	}
	// An index entry is a hint, checked against the row on every use: it
	// is stored without a lease.
	value := ic.spec.Key.Append(nil, k)
	if err := ic.shared.Fill(ctx, ic.sharedName, []string{ic.entryText(tenant, u)}, []uint64{0}, [][]byte{value}, ic.ttl); err != nil {
		ic.c.errors.Add(1)
		ic.rc.sharedError(ctx, ic.sharedName, "fill", err, false)
	}
}

// invalidate does nothing: index entries are checked on use.
func (ic *indexCache[T, U, K]) invalidate(context.Context, string, []string, bool) error { return nil }

func (ic *indexCache[T, U, K]) stats() TableCacheStats {
	return ic.snapshot(ic.spec.Table, ic.spec.Index)
}
