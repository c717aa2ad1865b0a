package cachetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
	"github.com/cpcgen/cpcgen/runtime/rediscache"
	"github.com/cpcgen/cpcgen/runtime/rediscache/redistest"
)

// marksCache names no cached rows: a write of version v of item k also
// invalidates key "k:v" of it, so that each instance's observer sees
// when the notification of that very version arrived.
var marksCache = runtime.NewCacheTable(runtime.CacheTableSpec[runtime.NoTenant, string, Item]{
	Table:  "cachetest_marks",
	Tenant: runtime.NoTenantKeys,
	Key:    runtime.StringKeys,
	KeyOf:  func(v *Item) string { return "" },
})

func mark(id, version int64) runtime.Invalidation {
	return marksCache.Keys(runtime.NoTenant{}, strconv.FormatInt(id, 10)+":"+strconv.FormatInt(version, 10))
}

// itemVersion identifies a version of an item.
type itemVersion struct{ id, version int64 }

// recorder is an instance's CacheObserver: when each version's
// notification arrived, and when the caches were flushed.
type recorder struct {
	mu       sync.Mutex
	arrivals map[itemVersion]time.Time
	flushes  []time.Time
	lost     int
}

func newRecorder() *recorder { return &recorder{arrivals: map[itemVersion]time.Time{}} }

func (r *recorder) ObserveQuery(context.Context, *runtime.QueryEvent) {}

func (r *recorder) ObserveCache(_ context.Context, e runtime.CacheEvent) {
	now := time.Now()
	switch {
	case e.Kind == runtime.CacheInvalidated && e.Remote && e.Table == marksCache.Table():
		r.mu.Lock()
		for _, k := range e.Keys {
			id, v, _ := strings.Cut(k, ":")
			iv := itemVersion{}
			iv.id, _ = strconv.ParseInt(id, 10, 64)
			iv.version, _ = strconv.ParseInt(v, 10, 64)
			if _, seen := r.arrivals[iv]; !seen {
				r.arrivals[iv] = now
			}
		}
		r.mu.Unlock()
	case e.Kind == runtime.CacheFlushed:
		r.mu.Lock()
		r.flushes = append(r.flushes, now)
		r.mu.Unlock()
	case e.Kind == runtime.CacheListenerLost:
		r.mu.Lock()
		r.lost++
		r.mu.Unlock()
	}
}

// write is a committed write: version of item id, by instance inst,
// whose call ran from start to end.
type write struct {
	inst       int
	id, ver    int64
	start, end time.Time
}

// read is a read of item id by instance inst that returned version ver.
type read struct {
	inst       int
	id, ver    int64
	start, end time.Time
}

// instance is one application instance: its own pool, caches, listener.
type instance struct {
	n    int
	db   *runtime.DB
	repo *ItemRepo
	rec  *recorder
}

// loadOptions configure runLoad.
type loadOptions struct {
	instances, workers, keys int
	duration                 time.Duration
	writeRatio               float64
	// shared gives instance n its shared cache; nil for in-process.
	shared func(n int) runtime.Cache
	// kill terminates the instances' listeners, in turn, during the load.
	kill bool
	// noKeyInvalidation makes writes send only their marks, for the
	// checker's own test.
	noKeyInvalidation bool
}

func tenantOf(id int64) int64 { return 1 + id%2 }

// loadResult is what runLoad observed.
type loadResult struct {
	insts  []*instance
	writes []write
	reads  []read
	kills  int
}

// soakDuration is the load's duration: CPCGEN_CACHE_SOAK (a Go
// duration) or def.
func soakDuration(def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv("CPCGEN_CACHE_SOAK")); err == nil && d > 0 {
		return d
	}
	return def
}

// runLoad starts the instances on a fresh database and runs the load.
func runLoad(t *testing.T, o loadOptions) loadResult {
	t.Helper()
	ctx := testContext(t)
	url := pgtest.URL(t)
	var res loadResult
	for n := range o.instances {
		rec := newRecorder()
		cfg := cached()
		cfg.MaxConns = 6
		cfg.ApplicationName = fmt.Sprintf("cachetest-%d", n)
		cfg.Observers = []runtime.Observer{rec}
		cfg.Cache.ListenerPing = time.Second
		if o.shared != nil {
			cfg.Cache.Shared = o.shared(n)
		}
		db := openDB(t, url, cfg)
		res.insts = append(res.insts, &instance{n: n, db: db, repo: NewItemRepo(db), rec: rec})
	}
	admin, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	for id := int64(1); id <= int64(o.keys); id++ {
		if _, err := admin.Exec(ctx, `INSERT INTO items (id, tenant_id, slug) VALUES ($1, $2, $3)`, id, tenantOf(id), "item-"+strconv.FormatInt(id, 10)); err != nil {
			t.Fatal(err)
		}
	}

	var mu sync.Mutex
	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, o.workers)
	for w := range o.workers {
		inst := res.insts[w%o.instances]
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 42))
			var writes []write
			var reads []read
			defer func() {
				mu.Lock()
				res.writes = append(res.writes, writes...)
				res.reads = append(res.reads, reads...)
				mu.Unlock()
			}()
			for {
				select {
				case <-stop:
					return
				default:
				}
				id := 1 + rng.Int64N(int64(o.keys))
				tctx := runtime.WithTenant(ctx, tenantOf(id))
				switch p := rng.Float64(); {
				case p < o.writeRatio:
					var cur int64
					if err := inst.db.QueryRow(ctx, "SELECT version FROM items WHERE id = $1", id).Scan(&cur); err != nil {
						errs <- err
						return
					}
					start := time.Now()
					var err error
					if o.noKeyInvalidation {
						err = updateMarkOnly(tctx, inst.db, id, cur+1)
					} else {
						_, err = inst.repo.UpdateVersion(tctx, id, cur+1, "w", mark(id, cur+1))
					}
					end := time.Now()
					switch {
					case errors.Is(err, runtime.ErrNotFound):
						// Another writer got there first.
					case err != nil:
						errs <- err
						return
					default:
						writes = append(writes, write{inst: inst.n, id: id, ver: cur + 1, start: start, end: end})
					}
				case p < o.writeRatio+(1-o.writeRatio)*0.8:
					start := time.Now()
					v, err := inst.repo.FindByID(tctx, id)
					end := time.Now()
					if err != nil {
						errs <- err
						return
					}
					reads = append(reads, read{inst: inst.n, id: id, ver: v.Version, start: start, end: end})
				default:
					ids := []int64{id, id + 2, id + 4}
					start := time.Now()
					vs, err := inst.repo.FindByIDs(tctx, ids)
					end := time.Now()
					if err != nil {
						errs <- err
						return
					}
					for _, v := range vs {
						reads = append(reads, read{inst: inst.n, id: v.ID, ver: v.Version, start: start, end: end})
					}
				}
			}
		}()
	}
	if o.kill {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tick := time.NewTicker(o.duration / time.Duration(2*o.instances+1))
			defer tick.Stop()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				case <-tick.C:
				}
				name := fmt.Sprintf("cachetest-%d (cache listener)", n%o.instances)
				var killed int
				if err := admin.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1`, name).Scan(&killed); err != nil {
					errs <- err
					return
				}
				mu.Lock()
				res.kills += killed
				mu.Unlock()
			}
		}()
	}
	time.Sleep(o.duration)
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	return res
}

// updateMarkOnly is UpdateVersion with the item's own invalidation
// left out: a broken write, for the checker's test.
func updateMarkOnly(ctx context.Context, db runtime.DBTX, id, to int64) error {
	tenant, _ := runtime.TenantFrom(ctx)
	wdb := runtime.Scope(runtime.Invalidating(db, mark(id, to)), tenant)
	var v Item
	return runtime.Wrap(scanItem(wdb.QueryRow(ctx, sqlItemsUpdateVersion, id, tenant, to, "w"), &v), "items.UpdateVersion", "items")
}

// checkReport is the checker's verdict.
type checkReport struct {
	reads, writes int
	// ownStale: reads that missed a write their own instance had
	// finished before they started (guarantee 1).
	ownStale []string
	// survived: reads older than a version whose invalidation had reached
	// their instance before they started, or than a version written
	// before a flush of their instance that came before them (3).
	survived []string
	// crossStale counts the reads older than a write another instance
	// had finished before they started: what guarantee 2 bounds.
	crossStale    int
	crossStaleMax time.Duration
	// window holds, for each write and each other instance, how long
	// after the write returned its notification arrived there.
	window  []time.Duration
	missed  int // notifications lost with a listener connection
	unknown []string
}

// timeline answers "the highest version whose event came before t":
// events sorted by time, with the running maximum of their versions.
type timeline struct {
	at  []time.Time
	max []int64
}

type event struct {
	at  time.Time
	ver int64
}

func newTimeline(evs []event) timeline {
	slices.SortFunc(evs, func(a, b event) int { return a.at.Compare(b.at) })
	tl := timeline{at: make([]time.Time, len(evs)), max: make([]int64, len(evs))}
	var m int64
	for i, e := range evs {
		m = max(m, e.ver)
		tl.at[i], tl.max[i] = e.at, m
	}
	return tl
}

// before returns the highest version of an event strictly before t, or 0.
func (tl timeline) before(t time.Time) int64 {
	i, _ := slices.BinarySearchFunc(tl.at, t, func(a, t time.Time) int {
		if a.Before(t) {
			return -1
		}
		return 1
	})
	if i == 0 {
		return 0
	}
	return tl.max[i-1]
}

// check classifies every read of res.
func check(res loadResult) checkReport {
	rep := checkReport{reads: len(res.reads), writes: len(res.writes)}
	byItem := map[int64][]write{}
	for _, w := range res.writes {
		byItem[w.id] = append(byItem[w.id], w)
	}
	type instItem struct {
		inst int
		id   int64
	}
	global := map[int64]timeline{}
	own := map[instItem]timeline{}
	arrived := map[instItem]timeline{}
	for id, ws := range byItem {
		slices.SortFunc(ws, func(a, b write) int { return int(a.ver - b.ver) })
		for i, w := range ws {
			if w.ver != int64(i)+2 {
				rep.unknown = append(rep.unknown, fmt.Sprintf("item %d: versions not contiguous at %d", id, w.ver))
				break
			}
		}
		var all []event
		mine := map[int][]event{}
		for _, w := range ws {
			all = append(all, event{w.end, w.ver})
			mine[w.inst] = append(mine[w.inst], event{w.end, w.ver})
		}
		global[id] = newTimeline(all)
		for _, inst := range res.insts {
			own[instItem{inst.n, id}] = newTimeline(mine[inst.n])
			var arr []event
			inst.rec.mu.Lock()
			for _, w := range ws {
				if a, ok := inst.rec.arrivals[itemVersion{w.id, w.ver}]; ok {
					arr = append(arr, event{a, w.ver})
				}
			}
			inst.rec.mu.Unlock()
			arrived[instItem{inst.n, id}] = newTimeline(arr)
		}
	}
	flushes := make([][]time.Time, len(res.insts))
	for i, inst := range res.insts {
		inst.rec.mu.Lock()
		flushes[i] = slices.Clone(inst.rec.flushes)
		inst.rec.mu.Unlock()
		slices.SortFunc(flushes[i], time.Time.Compare)
	}
	for _, r := range res.reads {
		ws := byItem[r.id]
		if r.ver < 1 || r.ver > int64(len(ws))+1 {
			rep.unknown = append(rep.unknown, fmt.Sprintf("instance %d read item %d at version %d, which was never written", r.inst, r.id, r.ver))
			continue
		}
		k := instItem{r.inst, r.id}
		var flushed int64
		fs := flushes[r.inst]
		if i, _ := slices.BinarySearchFunc(fs, r.start, func(a, t time.Time) int {
			if a.Before(t) {
				return -1
			}
			return 1
		}); i > 0 {
			flushed = global[r.id].before(fs[i-1])
		}
		switch o, a, g := own[k].before(r.start), arrived[k].before(r.start), global[r.id].before(r.start); {
		case r.ver < o:
			rep.ownStale = append(rep.ownStale, fmt.Sprintf("instance %d read item %d at version %d after writing version %d", r.inst, r.id, r.ver, o))
		case r.ver < a:
			rep.survived = append(rep.survived, fmt.Sprintf("instance %d read item %d at version %d after the invalidation of version %d arrived", r.inst, r.id, r.ver, a))
		case r.ver < flushed:
			rep.survived = append(rep.survived, fmt.Sprintf("instance %d read item %d at version %d after a flush that followed version %d", r.inst, r.id, r.ver, flushed))
		case r.ver < g:
			rep.crossStale++
			newer := ws[r.ver-1] // the write of version r.ver+1
			rep.crossStaleMax = max(rep.crossStaleMax, r.start.Sub(newer.end))
		}
	}
	for _, w := range res.writes {
		for _, inst := range res.insts {
			if inst.n == w.inst {
				continue
			}
			inst.rec.mu.Lock()
			a, ok := inst.rec.arrivals[itemVersion{w.id, w.ver}]
			inst.rec.mu.Unlock()
			if !ok {
				rep.missed++
				continue
			}
			rep.window = append(rep.window, max(a.Sub(w.end), 0))
		}
	}
	slices.Sort(rep.window)
	return rep
}

func (rep checkReport) percentile(p float64) time.Duration {
	if len(rep.window) == 0 {
		return 0
	}
	return rep.window[min(len(rep.window)-1, int(p*float64(len(rep.window))))]
}

// verify fails t for every violation of rep and logs its numbers.
func (rep checkReport) verify(t *testing.T, name string) {
	t.Helper()
	for _, list := range [][]string{rep.unknown, rep.ownStale, rep.survived} {
		for i, v := range list {
			if i == 10 {
				t.Errorf("… and %d more", len(list)-10)
				break
			}
			t.Error(v)
		}
	}
	t.Logf("%s: %d reads, %d writes; violations: read-your-writes %d, stale entry after invalidation %d; "+
		"cross-instance stale reads %d (oldest %s after the newer write returned); "+
		"notification window p50 %s p99 %s max %s over %d deliveries (%d lost with a listener)",
		name, rep.reads, rep.writes, len(rep.ownStale), len(rep.survived), rep.crossStale, rep.crossStaleMax.Round(time.Microsecond),
		rep.percentile(0.50).Round(time.Microsecond), rep.percentile(0.99).Round(time.Microsecond), rep.percentile(1).Round(time.Microsecond),
		len(rep.window), rep.missed)
}

// audit checks, once every instance has applied every notification,
// that each one's cache holds every item at its current version.
func audit(t *testing.T, res loadResult) {
	t.Helper()
	ctx := testContext(t)
	for _, inst := range res.insts {
		if err := inst.db.SyncCache(ctx); err != nil {
			t.Fatal(err)
		}
	}
	want := map[int64]int64{}
	rows, err := res.insts[0].db.Query(ctx, "SELECT id, version FROM items")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, v int64
		if err := rows.Scan(&id, &v); err != nil {
			t.Fatal(err)
		}
		want[id] = v
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, inst := range res.insts {
		for id, v := range want {
			got, err := inst.repo.FindByID(runtime.WithTenant(ctx, tenantOf(id)), id)
			if err != nil {
				t.Fatal(err)
			}
			if got.Version != v {
				t.Errorf("after the load, instance %d reads item %d at version %d; the database has %d", inst.n, id, got.Version, v)
			}
		}
	}
}

// cacheTotals sums the table counters of every instance.
func cacheTotals(res loadResult) (total runtime.TableCacheStats, disconnects, reconnects int64) {
	for _, inst := range res.insts {
		cs := inst.db.Stats().Cache
		disconnects += cs.Disconnects
		reconnects += cs.Reconnects
		if s, ok := cs.Table("items"); ok {
			total.Hits += s.Hits
			total.Misses += s.Misses
			total.Waited += s.Waited
			total.Fills += s.Fills
			total.DroppedFills += s.DroppedFills
			total.Bypassed += s.Bypassed
			total.Invalidations += s.Invalidations
			total.RemoteInvalidations += s.RemoteInvalidations
		}
	}
	return total, disconnects, reconnects
}

func defaultLoad() loadOptions {
	return loadOptions{instances: 4, workers: 16, keys: 24, duration: soakDuration(3 * time.Second), writeRatio: 0.25}
}

// sharedRedis returns a function giving each instance its own client
// of one throwaway redis-server, under a prefix of the test's own.
func sharedRedis(t testing.TB) func(n int) runtime.Cache {
	srv := redistest.New(t)
	prefix := fmt.Sprintf("cachetest:%d:", rand.Int64())
	return func(int) runtime.Cache {
		c, err := rediscache.Open(testContext(t), srv.URL(), rediscache.Options{Prefix: prefix})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
}

// TestInstancesInProcess runs 16 goroutines on 4 instances with their
// own pools and in-process caches, writing and reading random items, and
// checks every read: guarantees 1 and 3 hold with no exception, and
// guarantee 2's window is reported.
func TestInstancesInProcess(t *testing.T) {
	runChecked(t, defaultLoad(), "in-process")
}

// TestInstancesRedis is TestInstancesInProcess with the instances
// sharing one Redis.
func TestInstancesRedis(t *testing.T) {
	o := defaultLoad()
	o.shared = sharedRedis(t)
	runChecked(t, o, "redis")
}

// TestListenerLossInProcess kills the listeners' sessions
// (pg_terminate_backend) in turn during the load: each instance flushes,
// reconnects, and the checker still finds no violation.
func TestListenerLossInProcess(t *testing.T) {
	o := defaultLoad()
	o.kill = true
	runChecked(t, o, "in-process, listeners killed")
}

// TestListenerLossRedis is TestListenerLossInProcess with Redis.
func TestListenerLossRedis(t *testing.T) {
	o := defaultLoad()
	o.kill = true
	o.shared = sharedRedis(t)
	runChecked(t, o, "redis, listeners killed")
}

// runChecked runs the load o and checks every read (the report named
// what), the audit, that the load exercised the cache and, when o kills
// the listeners, that every instance reconnected.
func runChecked(t *testing.T, o loadOptions, what string) {
	t.Helper()
	res := runLoad(t, o)
	rep := check(res)
	rep.verify(t, what)
	audit(t, res)
	expectExercised(t, res, rep)
	if o.kill {
		expectReconnected(t, res)
	}
}

// expectExercised fails when the load did not test what it is for: hits,
// invalidations from other instances, and enough reads and writes.
func expectExercised(t *testing.T, res loadResult, rep checkReport) {
	t.Helper()
	total, _, _ := cacheTotals(res)
	t.Logf("hits %d, misses %d (waited %d), fills %d (dropped %d), bypassed %d, invalidations %d local / %d remote",
		total.Hits, total.Misses, total.Waited, total.Fills, total.DroppedFills, total.Bypassed, total.Invalidations, total.RemoteInvalidations)
	if total.Hits == 0 || total.RemoteInvalidations == 0 || rep.writes < 20 || rep.reads < 100 || len(rep.window) == 0 {
		t.Errorf("the load exercised too little: %d reads, %d writes, %d hits, %d remote invalidations", rep.reads, rep.writes, total.Hits, total.RemoteInvalidations)
	}
}

// expectReconnected fails unless every instance lost its listener and
// came back.
func expectReconnected(t *testing.T, res loadResult) {
	t.Helper()
	ctx := testContext(t)
	for _, inst := range res.insts {
		if err := inst.db.SyncCache(ctx); err != nil {
			t.Fatal(err)
		}
		cs := inst.db.Stats().Cache
		t.Logf("instance %d: %d disconnects, %d reconnects, %d flushes, state %s", inst.n, cs.Disconnects, cs.Reconnects, cs.Flushes, cs.State)
		if cs.Disconnects == 0 || cs.Reconnects == 0 || cs.State != runtime.CacheListening {
			t.Errorf("instance %d: %d disconnects, %d reconnects, state %s; want a loss and a reconnection", inst.n, cs.Disconnects, cs.Reconnects, cs.State)
		}
		if h := inst.db.Health(ctx); h.Cache != runtime.CacheListening {
			t.Errorf("instance %d: health reports cache %q", inst.n, h.Cache)
		}
	}
}

// TestCheckerCatchesMissingInvalidation shows that the checker fails a
// cache that misses invalidations: writes that send their marks but not
// their items' keys leave stale entries that it reports.
func TestCheckerCatchesMissingInvalidation(t *testing.T) {
	o := defaultLoad()
	o.duration = time.Second
	o.noKeyInvalidation = true
	rep := check(runLoad(t, o))
	if len(rep.ownStale) == 0 || len(rep.survived) == 0 {
		t.Fatalf("the checker found %d read-your-writes and %d stale-entry violations in a cache that is never invalidated; want some of each",
			len(rep.ownStale), len(rep.survived))
	}
	t.Logf("found %d and %d violations, as it should", len(rep.ownStale), len(rep.survived))
}
