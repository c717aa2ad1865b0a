// Package online is the driver of the online-migration acceptance tests
// of package migration (TestOnlineStalls, TestRollingDeploy), which
// generate the packages it imports under gen/ and plan its migrations,
// then run it as a test binary of its own. It does not build before.
package online

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cpcgen/cpcgen/generator/migration/testdata/online/gen/v1db"
	"github.com/cpcgen/cpcgen/generator/migration/testdata/online/gen/v2db"
	"github.com/cpcgen/cpcgen/generator/migration/testdata/online/gen/v3db"
	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/migrate"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// lockTimeout is the runner's lock timeout in these tests: the longest a
// migration statement may wait for a lock, and so about the longest it
// may make a write wait behind it in the lock queue.
const lockTimeout = time.Second

var (
	work = os.Getenv("CPCGEN_ONLINE_WORK")
	rows = envInt("CPCGEN_ONLINE_ROWS", 20_000)
)

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// TestMain prepares the template every test database is a copy of: the
// first migration of the base spec and rows accounts over 1,000 owners.
func TestMain(m *testing.M) {
	pgtest.Main(m, pgtest.WithTemplate(func(ctx context.Context, url string) error {
		pool, err := pgxpool.New(ctx, url)
		if err != nil {
			return err
		}
		defer pool.Close()
		mig, err := migrate.New(pool, os.DirFS(filepath.Join(work, "migrations", "online", "add_index")), migrate.Options{})
		if err != nil {
			return err
		}
		if _, err := mig.UpTo(ctx, 1); err != nil {
			return err
		}
		_, err = pool.Exec(ctx, fmt.Sprintf(`INSERT INTO owners (name) SELECT 'owner ' || g FROM generate_series(1, 1000) g;
INSERT INTO accounts (owner_id, holder, region, balance, status)
  SELECT 1 + g %% 1000, 'holder ' || g, 'eu', g %% 100, 'new' FROM generate_series(1, %d) g`, rows))
		if err != nil {
			return err
		}
		_, err = pool.Exec(ctx, `VACUUM ANALYZE`)
		return err
	}))
}

// manifest says which versions of a kind's directory are its change and
// its contract.
type manifest struct {
	Expand   int64 `json:"expand"`
	Contract int64 `json:"contract"`
}

func dirOf(t *testing.T, mode, kind string) (string, manifest) {
	t.Helper()
	dir := filepath.Join(work, "migrations", mode, kind)
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return dir, m
}

func openPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 12
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func migrator(t *testing.T, pool *pgxpool.Pool, dir string) *migrate.Migrator {
	t.Helper()
	return migratorWith(t, pool, dir, nil)
}

// migratorWith is migrator calling onApply after each file.
func migratorWith(t *testing.T, pool *pgxpool.Pool, dir string, onApply func(migrate.Applied)) *migrate.Migrator {
	t.Helper()
	m, err := migrate.New(pool, os.DirFS(dir), migrate.Options{LockTimeout: lockTimeout, OnApply: onApply})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// op is one write (or read) of a release's generated code; i counts the
// writer's operations.
type op func(ctx context.Context, r *rand.Rand, i int) error

// load is a set of writers each running an op about once per
// millisecond (paced, so that the latencies measure waits, not CPU
// starvation of a shared machine), recording every operation.
type load struct {
	stop    chan struct{}
	wg      sync.WaitGroup
	mu      sync.Mutex
	samples []sample
	ops     atomic.Int64
	errors  atomic.Int64
	lastErr atomic.Value
}

type sample struct {
	end time.Time
	lat time.Duration
}

func startLoad(writers int, do op) *load {
	l := &load{stop: make(chan struct{})}
	for w := 0; w < writers; w++ {
		l.wg.Add(1)
		go func(seed uint64) {
			defer l.wg.Done()
			r := rand.New(rand.NewPCG(seed, 7))
			next := time.Now()
			for i := 0; ; i++ {
				select {
				case <-l.stop:
					return
				default:
				}
				next = next.Add(time.Millisecond)
				if d := time.Until(next); d > 0 {
					time.Sleep(d)
				} else {
					next = time.Now()
				}
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				start := time.Now()
				err := do(ctx, r, i)
				end := time.Now()
				cancel()
				l.ops.Add(1)
				if err != nil {
					l.errors.Add(1)
					l.lastErr.Store(err.Error())
				}
				l.mu.Lock()
				l.samples = append(l.samples, sample{end: end, lat: end.Sub(start)})
				l.mu.Unlock()
			}
		}(uint64(w + 1))
	}
	return l
}

// halt stops the writers and waits for them.
func (l *load) halt() {
	close(l.stop)
	l.wg.Wait()
}

// since returns the longest operation and the 99th percentile of those
// that ended after from, and when the longest ended.
func (l *load) since(from time.Time) (longest, p99 time.Duration, n int, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var lats []time.Duration
	for _, s := range l.samples {
		if s.end.After(from) {
			lats = append(lats, s.lat)
			if s.lat > longest {
				longest, at = s.lat, s.end
			}
		}
	}
	if len(lats) == 0 {
		return 0, 0, 0, at
	}
	slices.Sort(lats)
	return lats[len(lats)-1], lats[len(lats)*99/100], len(lats), at
}

func (l *load) failure() string {
	if v, ok := l.lastErr.Load().(string); ok {
		return v
	}
	return ""
}

// oldWrites is the running release's write mix: an update of a random
// row, and every tenth operation an insert.
func oldWrites(s *v1db.Store) op {
	return func(ctx context.Context, r *rand.Rand, i int) error {
		if i%10 == 0 {
			_, err := s.Accounts.Create(ctx, v1db.NewAccount{OwnerID: 1 + r.Int64N(1000), Holder: "holder new", Region: "eu", Status: runtime.NullOf("new")})
			return err
		}
		_, err := s.Accounts.Update(ctx, 1+r.Int64N(int64(rows)), v1db.AccountUpdate{Balance: runtime.Set(int64(i)), Status: runtime.SetNullable("paid")})
		return err
	}
}

// newWrites is the write mix of the release after the rename.
func newWrites(s *v2db.Store) op {
	return func(ctx context.Context, r *rand.Rand, i int) error {
		if i%10 == 0 {
			_, err := s.Accounts.Create(ctx, v2db.NewAccount{OwnerID: 1 + r.Int64N(1000), OwnerName: "holder new", Region: "eu", Status: runtime.NullOf("new")})
			return err
		}
		_, err := s.Accounts.Update(ctx, 1+r.Int64N(int64(rows)), v2db.AccountUpdate{Balance: runtime.Set(int64(i)), Status: runtime.SetNullable("paid")})
		return err
	}
}

// stall is one row of the report.
type stall struct {
	kind, mode      string
	took            time.Duration
	longest, p99    time.Duration
	writes, failed  int64
	firstFailure    string
	lockTimeoutUsed time.Duration
	// during names the file that ran when the longest write ended.
	during string
}

// TestStalls applies each kind of change, as planned with online: false
// and as planned by default, while the running release writes, and
// prints the longest write of each. With the default plans no write may
// fail and none may wait longer than the lock timeout plus 100 ms.
func TestStalls(t *testing.T) {
	kinds := []string{"add_index", "add_foreign_key", "add_check", "set_not_null", "add_column_default", "add_column_volatile", "rename", "drop_column"}
	var report []stall
	for _, kind := range kinds {
		for _, mode := range []string{"offline", "online"} {
			t.Run(kind+"/"+mode, func(t *testing.T) {
				s := measure(t, kind, mode)
				report = append(report, s)
				if mode == "online" {
					if s.failed > 0 {
						t.Errorf("%d writes failed, the last: %s", s.failed, s.firstFailure)
					}
					if s.longest > lockTimeout+100*time.Millisecond {
						t.Errorf("a write waited %s, more than the lock timeout %s plus 100ms", s.longest, lockTimeout)
					}
				}
			})
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n%d rows, lock_timeout %s, 2 writers at up to 1 op/ms each\n", rows, lockTimeout)
	fmt.Fprintf(&b, "| change | plan | took | longest write | during | p99 write | writes | failed |\n|---|---|---|---|---|---|---|---|\n")
	for _, s := range report {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %d | %d |\n", s.kind, s.mode, s.took.Round(10*time.Millisecond),
			s.longest.Round(time.Millisecond), s.during, s.p99.Round(100*time.Microsecond), s.writes, s.failed)
	}
	t.Log(b.String())
}

// measure applies one kind's migrations in one mode under the load and
// returns what the writers saw. For an expand/contract change, the new
// release takes over between the expand and the contract, as a rolling
// deploy does.
func measure(t *testing.T, kind, mode string) stall {
	pool := openPool(t)
	dir, man := dirOf(t, mode, kind)
	// steps records when each file was done, to tell which one the
	// longest write waited for.
	type done struct {
		at   time.Time
		what string
	}
	var stepsMu sync.Mutex
	var steps []done
	m := migratorWith(t, pool, dir, func(a migrate.Applied) {
		stepsMu.Lock()
		steps = append(steps, done{time.Now(), a.File})
		stepsMu.Unlock()
	})
	ctx := context.Background()
	old := startLoad(2, oldWrites(v1db.NewStore(pool)))
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	if _, err := m.UpTo(ctx, man.Expand); err != nil {
		old.halt()
		t.Fatalf("apply %s: %v", kind, err)
	}
	var loads = []*load{old}
	if man.Contract > 0 {
		// The deploy finishes: the new release replaces the old one, then
		// the contract runs.
		var next *load
		switch kind {
		case "rename":
			next = startLoad(2, newWrites(v2db.NewStore(pool)))
		case "drop_column":
			next = startLoad(2, dropWrites(v3db.NewStore(pool)))
		}
		loads = append(loads, next)
		time.Sleep(200 * time.Millisecond)
		old.halt()
		stepsMu.Lock()
		steps = append(steps, done{time.Now(), "the switch to the new release"})
		stepsMu.Unlock()
		if _, err := m.UpTo(ctx, man.Contract); err != nil {
			next.halt()
			t.Fatalf("contract %s: %v", kind, err)
		}
	}
	took := time.Since(start)
	time.Sleep(100 * time.Millisecond)
	s := stall{kind: kind, mode: mode, took: took, lockTimeoutUsed: lockTimeout}
	var longestAt time.Time
	for i, l := range loads {
		if i > 0 || man.Contract == 0 {
			l.halt()
		}
		longest, p99, n, at := l.since(start)
		if longest > s.longest {
			longestAt = at
		}
		s.longest, s.p99 = max(s.longest, longest), max(s.p99, p99)
		s.writes += int64(n)
		s.failed += l.errors.Load()
		if f := l.failure(); f != "" {
			s.firstFailure = f
		}
	}
	// A write a file held up ends right after the file's commit, about
	// when the runner reports it: allow for the difference.
	s.during = "after the migration"
	for _, d := range steps {
		if !d.at.Before(longestAt.Add(-50 * time.Millisecond)) {
			s.during = d.what
			break
		}
	}
	t.Logf("%s/%s: took %s, longest write %s (during %s), p99 %s, %d writes, %d failed %s", kind, mode, took.Round(time.Millisecond),
		s.longest.Round(time.Millisecond), s.during, s.p99.Round(100*time.Microsecond), s.writes, s.failed, s.firstFailure)
	return s
}

// dropWrites is the write mix of the release without the region column.
func dropWrites(s *v3db.Store) op {
	return func(ctx context.Context, r *rand.Rand, i int) error {
		if i%10 == 0 {
			_, err := s.Accounts.Create(ctx, v3db.NewAccount{OwnerID: 1 + r.Int64N(1000), Holder: "holder new", Status: runtime.NullOf("new")})
			return err
		}
		_, err := s.Accounts.Update(ctx, 1+r.Int64N(int64(rows)), v3db.AccountUpdate{Balance: runtime.Set(int64(i)), Status: runtime.SetNullable("paid")})
		return err
	}
}

// created collects the ids of rows a release inserted, with the name it
// gave them, for the other release to read back. A rename holds it
// locked while its update runs, and a check holds it for reading while
// it picks and reads a row, so that a check never races a rename.
type created struct {
	mu  sync.Mutex
	rw  sync.RWMutex
	ids map[int64]string
}

func (c *created) add(id int64, name string) {
	c.mu.Lock()
	c.ids[id] = name
	c.mu.Unlock()
}

func (c *created) pick(r *rand.Rand) (int64, string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(c.ids)
	if n == 0 {
		return 0, "", false
	}
	k := r.IntN(n)
	for id, name := range c.ids {
		if k == 0 {
			return id, name, true
		}
		k--
	}
	return 0, "", false
}

// mismatches counts the reads that saw the other release's write wrong,
// with the last one's description.
type mismatches struct {
	n    atomic.Int64
	last atomic.Value
}

// readBack reads, with read, the name of a row of c picked at random and
// counts the read in m when the name is not the one c holds; say
// describes such a read from the name read, the row and the name c
// holds. c's renames wait for it.
func (m *mismatches) readBack(c *created, r *rand.Rand, read func(id int64) (string, error), say string) error {
	c.rw.RLock()
	defer c.rw.RUnlock()
	id, want, ok := c.pick(r)
	if !ok {
		return nil
	}
	got, err := read(id)
	if err == nil && got != want {
		m.n.Add(1)
		m.last.Store(fmt.Sprintf(say, got, id, want))
	}
	return err
}

// rollingDeploy applies the online migrations of kind as a rolling
// deploy goes: the expand while the previous release (oldOps) runs alone,
// then both releases side by side, then the contract while the next
// release (newOps) runs alone, after beforeContract when it is not nil.
// Each release must run operations, and none may fail.
func rollingDeploy(t *testing.T, pool *pgxpool.Pool, kind string, oldOps, newOps op, beforeContract func(context.Context)) {
	t.Helper()
	dir, man := dirOf(t, "online", kind)
	m := migrator(t, pool, dir)
	ctx := context.Background()
	old := startLoad(2, oldOps)
	// Step 1: the expand, under the old release.
	if _, err := m.UpTo(ctx, man.Expand); err != nil {
		old.halt()
		t.Fatalf("expand: %v", err)
	}
	// Step 2: both releases, as during a rolling deploy.
	nw := startLoad(2, newOps)
	time.Sleep(1500 * time.Millisecond)
	// Step 3: the old release is gone; the contract runs under the new.
	old.halt()
	if beforeContract != nil {
		beforeContract(ctx)
	}
	if _, err := m.UpTo(ctx, man.Contract); err != nil {
		nw.halt()
		t.Fatalf("contract: %v", err)
	}
	time.Sleep(300 * time.Millisecond)
	nw.halt()
	for name, l := range map[string]*load{"old release": old, "new release": nw} {
		if n := l.errors.Load(); n > 0 || l.ops.Load() == 0 {
			t.Errorf("%s: %d of %d operations failed, the last: %s", name, n, l.ops.Load(), l.failure())
		}
	}
}

// TestRollingRename runs the previous release (holder) and the next
// (owner_name, renamed_from: holder) side by side during each step of
// the expand/contract rename: the old alone while the expand migrations
// run, both together (each reading back rows the other inserted and
// renamed), the new alone while the contract runs. Neither sees an error.
func TestRollingRename(t *testing.T) {
	pool := openPool(t)
	olds, news := v1db.NewStore(pool), v2db.NewStore(pool)
	byOld := &created{ids: map[int64]string{}}
	byNew := &created{ids: map[int64]string{}}
	var wrong mismatches

	oldOps := func(ctx context.Context, r *rand.Rand, i int) error {
		switch i % 4 {
		case 0:
			name := fmt.Sprintf("old %d", r.Int64())
			a, err := olds.Accounts.Create(ctx, v1db.NewAccount{OwnerID: 1 + r.Int64N(1000), Holder: name, Region: "eu", Status: runtime.NullOf("new")})
			if err == nil {
				byOld.add(a.ID, name)
			}
			return err
		case 1:
			return wrong.readBack(byNew, r, func(id int64) (string, error) {
				a, err := olds.Accounts.FindByID(ctx, id)
				return a.Holder, err
			}, "the old release reads holder %q of row %d, which the new one created with owner_name %q")
		default:
			_, err := olds.Accounts.Update(ctx, 1+r.Int64N(int64(rows)), v1db.AccountUpdate{Balance: runtime.Set(int64(i)), Status: runtime.SetNullable("paid")})
			return err
		}
	}
	newOps := func(ctx context.Context, r *rand.Rand, i int) error {
		switch i % 4 {
		case 0:
			name := fmt.Sprintf("new %d", r.Int64())
			a, err := news.Accounts.Create(ctx, v2db.NewAccount{OwnerID: 1 + r.Int64N(1000), OwnerName: name, Region: "eu", Status: runtime.NullOf("new")})
			if err == nil {
				byNew.add(a.ID, name)
			}
			return err
		case 1:
			return wrong.readBack(byOld, r, func(id int64) (string, error) {
				a, err := news.Accounts.FindByID(ctx, id)
				return a.OwnerName, err
			}, "the new release reads owner_name %q of row %d, which the old one created with holder %q")
		case 2:
			// A rename by the new release, which the old one must see.
			byNew.rw.Lock()
			defer byNew.rw.Unlock()
			id, _, ok := byNew.pick(r)
			if !ok {
				return nil
			}
			name := fmt.Sprintf("new %d", r.Int64())
			_, err := news.Accounts.Update(ctx, id, v2db.AccountUpdate{OwnerName: runtime.Set(name)})
			if err == nil {
				byNew.add(id, name)
			}
			return err
		default:
			_, err := news.Accounts.Update(ctx, 1+r.Int64N(int64(rows)), v2db.AccountUpdate{Balance: runtime.Set(int64(i))})
			return err
		}
	}
	rollingDeploy(t, pool, "rename", oldOps, newOps, func(ctx context.Context) {
		var unsynced int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM accounts WHERE holder IS DISTINCT FROM owner_name`).Scan(&unsynced); err != nil || unsynced > 0 {
			t.Errorf("%d rows whose two columns differ before the contract (%v)", unsynced, err)
		}
	})
	if n := wrong.n.Load(); n > 0 {
		t.Errorf("%d reads saw the other release's write wrong, the last: %s", n, wrong.last.Load())
	}
	if len(byOld.ids) == 0 || len(byNew.ids) == 0 {
		t.Errorf("the releases inserted %d and %d rows", len(byOld.ids), len(byNew.ids))
	}
}

// TestRollingDrop runs the previous release (which reads and writes
// region, NOT NULL without a default) and the next (without it) side by
// side during a deferred drop: the old release reads back the rows the
// new one inserted without region, and the contract drops the column
// under the new release alone. Neither sees an error.
func TestRollingDrop(t *testing.T) {
	pool := openPool(t)
	olds, news := v1db.NewStore(pool), v3db.NewStore(pool)
	byNew := &created{ids: map[int64]string{}}
	oldOps := func(ctx context.Context, r *rand.Rand, i int) error {
		if i%2 == 0 {
			if id, _, ok := byNew.pick(r); ok {
				_, err := olds.Accounts.FindByID(ctx, id)
				return err
			}
		}
		return oldWrites(olds)(ctx, r, i)
	}
	newOps := func(ctx context.Context, r *rand.Rand, i int) error {
		if i%5 == 0 {
			a, err := news.Accounts.Create(ctx, v3db.NewAccount{OwnerID: 1 + r.Int64N(1000), Holder: "new", Status: runtime.NullOf("new")})
			if err == nil {
				byNew.add(a.ID, "")
			}
			return err
		}
		return dropWrites(news)(ctx, r, i)
	}
	rollingDeploy(t, pool, "drop_column", oldOps, newOps, nil)
	if len(byNew.ids) == 0 {
		t.Error("the new release inserted no row")
	}
}
