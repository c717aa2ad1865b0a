package runtime

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// CacheChannel is the channel of the invalidation notifications: every
// generated write of a cached table sends one (pg_notify) in its
// transaction, and every DB with caching on LISTENs on it.
const CacheChannel = "cpcgen_cache"

// CacheState is the state of a DB's row caches, in Stats and Health.
type CacheState string

// The cache states.
const (
	// CacheOff: caching is not enabled.
	CacheOff CacheState = "off"
	// CacheListening: the listener is connected; cached reads are served.
	CacheListening CacheState = "listening"
	// CacheDisconnected: the listener lost its connection (or the shared
	// cache missed an invalidation) and is reconnecting; the caches were
	// flushed and reads go to the database until it is back.
	CacheDisconnected CacheState = "disconnected"
	// CacheClosed: the DB was closed.
	CacheClosed CacheState = "closed"
)

// CacheStats is a snapshot of a DB's row caches, in Stats.
type CacheStats struct {
	// State is the listener's state; Since is when it entered it.
	State CacheState
	Since time.Time
	// LastError is the last failure of the listener or of the shared
	// cache, without passwords; empty when there was none.
	LastError string
	// Disconnects counts the listener's lost connections, Reconnects
	// the connections made after one.
	Disconnects, Reconnects int64
	// Notifications counts the notifications received.
	Notifications int64
	// Flushes counts the flushes of every cache of the DB (after a lost
	// listener connection, or a payload that could not be read).
	Flushes int64
	// SharedErrors counts the failures of the shared cache.
	SharedErrors int64
	// Tables are the counters of each table's cache (and of each unique
	// key index), sorted by table and index.
	Tables []TableCacheStats
}

// Table returns the counters of table's row cache.
func (s CacheStats) Table(table string) (TableCacheStats, bool) {
	for _, t := range s.Tables {
		if t.Table == table && t.Index == "" {
			return t, true
		}
	}
	return TableCacheStats{}, false
}

// TableCacheStats are the counters of one table's row cache, or of one
// of its unique key indexes (Index set), since the DB opened.
type TableCacheStats struct {
	Table, Index string
	// Hits are reads answered by the cache; Misses reads that went to the
	// database; Waited misses that waited for another reader's read of
	// the same key and shared its row (no database read of their own).
	Hits, Misses, Waited int64
	// Fills are rows stored after a miss; DroppedFills rows not stored
	// because their key was invalidated (or the cache flushed) while they
	// were read: the fill race, lost safely.
	Fills, DroppedFills int64
	// Bypassed are reads that skipped the cache because the listener was
	// disconnected.
	Bypassed int64
	// Invalidations are keys dropped by this instance's writes,
	// RemoteInvalidations keys dropped by notifications (the other
	// instances' writes, and this one's own, received back).
	Invalidations, RemoteInvalidations int64
	// Flushes counts the times every entry was dropped.
	Flushes int64
	// Errors counts failures of the shared cache for this table.
	Errors int64
	// Entries is the number of in-process entries (an estimate), -1
	// with a shared cache.
	Entries int
}

// rowCaches is the row caching of one DB: the registry of its table
// caches and the listener that applies the other instances'
// invalidations.
type rowCaches struct {
	// id tells this DB's notifications from the others' (see
	// notificationPayload).
	id        string
	db        *DB
	cfg       CacheConfig
	shared    Cache
	observers []CacheObserver

	// ready is set while cached reads may be served: the listener is
	// connected and the shared cache missed no invalidation. epoch counts
	// the flushes; a fill is stored only in the epoch it began in.
	ready atomic.Bool
	epoch atomic.Uint64

	mu     sync.Mutex
	states atomic.Pointer[[]cacheState] // by CacheTable/CacheIndex id
	byName map[string][]cacheState

	listener *cacheListener

	flushes, sharedErrors atomic.Int64
	// broken is set when an invalidation of the shared cache failed: it
	// may hold a stale entry until a flush of it succeeds.
	broken atomic.Bool
	repair chan struct{}
}

// openCaches sets up the row caches of db and connects the listener:
// Open fails when it cannot.
func openCaches(ctx context.Context, cfg Config, db *DB, observers []Observer) (*rowCaches, error) {
	cc := cfg.Cache
	if cc.MaxEntries <= 0 {
		cc.MaxEntries = DefaultCacheMaxEntries
	}
	if cc.ListenerPing <= 0 {
		cc.ListenerPing = DefaultCacheListenerPing
	}
	var raw [9]byte
	_, _ = rand.Read(raw[:])
	rc := &rowCaches{id: hex.EncodeToString(raw[:]), db: db, cfg: cc, shared: cc.Shared, byName: map[string][]cacheState{}, repair: make(chan struct{}, 1)}
	empty := []cacheState{}
	rc.states.Store(&empty)
	for _, o := range observers {
		if co, ok := o.(CacheObserver); ok {
			rc.observers = append(rc.observers, co)
		}
	}
	l, err := newCacheListener(cfg, rc)
	if err != nil {
		return nil, err
	}
	rc.listener = l
	if err := l.start(ctx); err != nil {
		return nil, err
	}
	return rc, nil
}

// lookup returns the state of the cache with the given id, or nil.
func (rc *rowCaches) lookup(id int) cacheState {
	states := *rc.states.Load()
	if id < len(states) {
		return states[id]
	}
	return nil
}

// register returns the state of the cache with the given id, made with
// mk the first time.
func (rc *rowCaches) register(id int, mk func() cacheState) cacheState {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	old := *rc.states.Load()
	if id < len(old) && old[id] != nil {
		return old[id]
	}
	s := mk()
	states := make([]cacheState, max(len(old), id+1))
	copy(states, old)
	states[id] = s
	rc.states.Store(&states)
	rc.byName[s.table()] = append(rc.byName[s.table()], s)
	return s
}

// statesOf returns the states caching rows of table.
func (rc *rowCaches) statesOf(table string) []cacheState {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return slices.Clone(rc.byName[table])
}

// allStates returns every state.
func (rc *rowCaches) allStates() []cacheState {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []cacheState
	for _, s := range *rc.states.Load() {
		if s != nil {
			out = append(out, s)
		}
	}
	return out
}

// apply applies invalidations to the caches of this DB: the keys of this
// instance's committed writes (remote false), or of a notification. The
// observers hear of every one, of tables this DB caches or not.
func (rc *rowCaches) apply(ctx context.Context, invs []Invalidation, remote bool) {
	for _, inv := range invs {
		if inv.owner != nil && rc.shared != nil {
			// This DB may not have read the table yet, but its shared
			// cache may hold rows of it.
			inv.owner.stateFor(rc)
		}
		states := rc.statesOf(inv.table)
		var err error
		if inv.all {
			// The shared cache first, as in tableCache.invalidate.
			for _, s := range states {
				err = errors.Join(err, s.flushShared(ctx))
				s.dropLocal()
			}
		} else {
			for _, s := range states {
				err = errors.Join(err, s.invalidate(ctx, inv.tenant, inv.keys, remote))
			}
		}
		if err != nil {
			rc.sharedError(ctx, inv.table, "invalidate", err, true)
		}
	}
	// Observers hear of the invalidations once all of them are applied:
	// the keys of one write may span several.
	if rc.observers != nil {
		for _, inv := range invs {
			rc.observe(ctx, CacheEvent{Kind: CacheInvalidated, Table: inv.table, Remote: remote, All: inv.all, Tenant: inv.tenant, Keys: inv.keys})
		}
	}
}

// flushAll drops every entry of every cache of this DB, and of the
// shared cache, and ends every fill in flight.
func (rc *rowCaches) flushAll(ctx context.Context, reason string) error {
	// The shared cache first, as in tableCache.invalidate: a miss that
	// began before the in-process flush, whichever epoch of the shared
	// cache it read, is then not shared with later readers.
	var err error
	if rc.shared != nil {
		err = rc.shared.Flush(ctx, "")
	}
	rc.epoch.Add(1)
	for _, s := range rc.allStates() {
		s.dropLocal()
	}
	rc.flushes.Add(1)
	if rc.observers != nil {
		rc.observe(ctx, CacheEvent{Kind: CacheFlushed, Reason: reason, Err: err})
	}
	return err
}

// sharedError records a failure of the shared cache. When it was an
// invalidation (lost true), the shared cache may keep a stale entry:
// cached reads stop until a flush of it succeeds.
func (rc *rowCaches) sharedError(ctx context.Context, table, what string, err error, lost bool) {
	rc.sharedErrors.Add(1)
	if err == nil {
		err = errors.New("unexpected answer")
	}
	msg := fmt.Sprintf("shared cache: %s %s: %v", what, table, err)
	rc.listener.setError(msg)
	if rc.observers != nil {
		rc.observe(ctx, CacheEvent{Kind: CacheSharedError, Table: table, Reason: what, Err: err})
	}
	if lost && rc.shared != nil {
		// Not ready first, then a new epoch: a fill whose Get saw the
		// cache ready began in the old epoch and is dropped.
		rc.broken.Store(true)
		rc.ready.Store(false)
		rc.epoch.Add(1)
		select {
		case rc.repair <- struct{}{}:
		default:
		}
	}
}

// observe tells the cache observers about e.
func (rc *rowCaches) observe(ctx context.Context, e CacheEvent) {
	for _, o := range rc.observers {
		o.ObserveCache(ctx, e)
	}
}

// stats returns a snapshot of the counters.
func (rc *rowCaches) stats() *CacheStats {
	s := rc.listener.stats()
	s.Flushes = rc.flushes.Load()
	s.SharedErrors = rc.sharedErrors.Load()
	for _, st := range rc.allStates() {
		s.Tables = append(s.Tables, st.stats())
	}
	slices.SortFunc(s.Tables, func(a, b TableCacheStats) int {
		if c := strings.Compare(a.Table, b.Table); c != 0 {
			return c
		}
		return strings.Compare(a.Index, b.Index)
	})
	return &s
}

// close stops the listener and the caches' goroutines.
func (rc *rowCaches) close() {
	rc.ready.Store(false)
	rc.listener.stop()
	for _, s := range rc.allStates() {
		s.close()
	}
}

// sync sends a marker notification and waits until the listener has
// received it, so every notification committed before has been applied.
// A marker sent while the listener was down, or lost with its
// connection, is sent again once it listens.
func (rc *rowCaches) sync(ctx context.Context) error {
	const op = "runtime.SyncCache"
	var raw [12]byte
	_, _ = rand.Read(raw[:])
	token := hex.EncodeToString(raw[:])
	ch := rc.listener.expect(token)
	defer rc.listener.forget(token)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		for !rc.listener.listening() {
			select {
			case <-tick.C:
			case <-ctx.Done():
				return Wrap(ctx.Err(), op, "")
			}
		}
		lost := rc.listener.disconnects.Load()
		if _, err := rc.db.Exec(ctx, cacheNotifySQL, CacheChannel, "S\t"+token); err != nil {
			return Wrap(err, op, "")
		}
		for rc.listener.disconnects.Load() == lost {
			select {
			case <-ch:
				return nil
			case <-tick.C:
			case <-ctx.Done():
				return Wrap(ctx.Err(), op, "")
			}
		}
	}
}

// SyncCache waits until the row caches of db have applied every
// invalidation committed before the call, by any instance: it sends a
// marker notification and waits for the listener to receive it (the
// server delivers notifications in commit order). For tests, and for
// code that must see another instance's write through the cache at once.
// While the listener is disconnected it waits for it to listen again.
// Without caching it returns nil at once.
func (db *DB) SyncCache(ctx context.Context) error {
	if db.caches == nil {
		return nil
	}
	return db.caches.sync(ctx)
}

// FlushCache drops every entry of db's row caches (and of its shared
// cache), for operators and tests.
func (db *DB) FlushCache(ctx context.Context) error {
	if db.caches == nil {
		return nil
	}
	return Wrap(db.caches.flushAll(ctx, "requested"), "runtime.FlushCache", "")
}

// beginTx wraps tx, a transaction the DB began, so that the
// invalidations of the writes run in it are applied when it commits.
func (rc *rowCaches) beginTx(tx pgx.Tx) pgx.Tx {
	return &cacheTx{Tx: tx, rc: rc, pending: &pendingInvalidations{}, root: true}
}
