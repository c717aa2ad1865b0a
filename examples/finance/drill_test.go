//go:build drill

package finance_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/examples/finance"
	"github.com/cpcgen/cpcgen/examples/finance/financedb"
	"github.com/cpcgen/cpcgen/examples/internal/demotest"
	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// The drill's size: acknowledged transfers before the base backup, and
// between the base backup and the loss of the server (CPCGEN_DRILL_TRANSFERS).
const (
	drillWorkers        = 8
	drillBeforeBackup   = 1000
	drillDefaultAfter   = 10000
	drillAfterRecovery  = 200
	drillUsers          = 5
	drillAccountsByUser = 10
)

// acked is a transfer the bank acknowledged: Transfer returned it.
type acked struct {
	key string
	id  uuid.UUID
	// createdAt is the transaction's created_at, now() of the database
	// transaction that recorded it: it committed after this.
	createdAt time.Time
	// ackedAt is the client's clock once Transfer returned: it committed
	// before this. (Client and server share the machine's clock.)
	ackedAt time.Time
}

// ledger is what the workers had acknowledged, safe for concurrent use.
type ledger struct {
	mu   sync.Mutex
	acks []acked
	n    atomic.Int64

	refused  atomic.Int64
	failMu   sync.Mutex
	failures map[string]int // errors by kind, each followed by a retry with the same key
}

func (l *ledger) add(a acked) {
	l.mu.Lock()
	l.acks = append(l.acks, a)
	l.mu.Unlock()
	l.n.Add(1)
}

func (l *ledger) failed(err error) {
	l.failMu.Lock()
	l.failures[runtime.KindOf(err).String()]++
	l.failMu.Unlock()
}

// waitFor waits until n transfers are acknowledged in all.
func (l *ledger) waitFor(t *testing.T, ctx context.Context, n int64, what string) {
	t.Helper()
	for l.n.Load() < n {
		select {
		case <-ctx.Done():
			t.Fatalf("%s: %d of %d transfers acknowledged: %v", what, l.n.Load(), n, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// TestDrill is the disaster-recovery drill of docs/operations.md, on real
// servers. A durable primary archives its WAL two ways: archive_command
// copies each finished segment into an archive directory, and a
// synchronous pg_receivewal streams it into another, so that a commit is
// acknowledged only once its WAL is there. The finance example's
// transfers run from 8 goroutines through one runtime.DB; a base backup
// is taken while they run; they go on, each acknowledged transfer
// recorded with its times; then the primary is destroyed (killed, data
// directory removed) in the middle of the load.
//
// Recovery restores the base backup three times and checks each result:
//
//   - from the archive alone: the books balance, and the transfers of the
//     last, unfinished segment are lost (counted: the recovery point this
//     archive_command setup gives);
//   - (a) from the archive and the streamed tail, on the old port: every
//     acknowledged transfer is there and no other; the workers, which
//     kept sending their requests again with the same idempotency keys,
//     get through the same runtime.DB as soon as it is up;
//   - (b) to a recovery_target_time between the backup and the loss:
//     exactly the transfers whose commit record is at or before it.
//
// After (a) and (b): the books balance (the generated reconciliation
// queries), the revisions table lists every migration unchanged, and
// cpcgen check --url finds no drift.
//
// It takes about a minute and runs with -tags drill (scripts/drill.sh,
// .ci/run).
func TestDrill(t *testing.T) {
	pgtest.SkipIfDisabled(t)
	after := int64(drillDefaultAfter)
	if s := os.Getenv("CPCGEN_DRILL_TRANSFERS"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 100 {
			t.Fatalf("CPCGEN_DRILL_TRANSFERS=%q: want a number of transfers, at least 100", s)
		}
		after = n
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	drillStart := time.Now()

	// cpcgen, for check --url, builds while the drill runs.
	cpcgen := buildCpcgen(t)

	dir := func(pattern string) string {
		d, err := pgtest.NewServerDir(pattern)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(d) })
		return d
	}
	archive, stream, backups := dir("drill-archive-"), dir("drill-stream-"), dir("drill-backups-")

	primary, err := pgtest.Start(ctx, pgtest.Options{Durable: true, Settings: map[string]string{
		"archive_mode":              "on",
		"archive_command":           "test ! -f " + archive + "/%f && cp %p " + archive + "/%f",
		"synchronous_standby_names": "pg_receivewal",
		"track_commit_timestamp":    "on",
		"max_connections":           "100",
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer primary.Close()
	receiver, err := pgtest.StartWALReceiver(ctx, primary, stream, pgtest.WALReceiverOptions{Synchronous: true, Slot: "drill"})
	if err != nil {
		t.Fatal(err)
	}
	defer receiver.Stop()
	if err := primary.CreateDatabase(ctx, "bank", ""); err != nil {
		t.Fatal(err)
	}
	port := primary.Port()
	bankURL := primary.URL("bank")

	// The application: one runtime.DB for the whole drill.
	db, store := openBank(t, ctx, runtime.Config{URL: bankURL, MaxConns: 16, ConnectTimeout: 2 * time.Second, ApplicationName: "drill"})
	defer db.Close()
	_, accounts := openAccounts(t, ctx, store, "Drill", drillUsers, drillAccountsByUser, "10000.00")

	// The workload: transfers between random accounts. A transfer that
	// fails (the server is gone, or starting) is sent again with the same
	// idempotency key until it is acknowledged or refused, as a client of
	// the bank does: it is recorded once either way.
	l := &ledger{failures: map[string]int{}}
	var stop atomic.Bool
	var wg sync.WaitGroup
	for w := range drillWorkers {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 22))
			for !stop.Load() {
				from, to := accounts[r.IntN(len(accounts))], accounts[r.IntN(len(accounts))]
				if from == to {
					continue
				}
				req := finance.TransferRequest{IdempotencyKey: key(), FromAccountID: from, ToAccountID: to,
					Amount: decimal.New(int64(1+r.IntN(500)), -2), Currency: financedb.CurrencyEUR}
				for {
					tx, err := finance.Transfer(ctx, store, req)
					if err == nil {
						l.add(acked{key: req.IdempotencyKey, id: tx.ID, createdAt: tx.CreatedAt, ackedAt: time.Now()})
						break
					}
					if errors.Is(err, finance.ErrInsufficientFunds) {
						l.refused.Add(1)
						break
					}
					if ctx.Err() != nil {
						return
					}
					l.failed(err)
					time.Sleep(20 * time.Millisecond)
				}
			}
		})
	}
	defer func() {
		stop.Store(true)
		cancel()
		wg.Wait()
	}()

	l.waitFor(t, ctx, drillBeforeBackup, "before the base backup")
	base := filepath.Join(backups, "base")
	backupStart := time.Now()
	if err := primary.BaseBackup(ctx, base); err != nil {
		t.Fatal(err)
	}
	backupDone := time.Now()
	backupSize, _ := dirSize(t, base)
	backupWAL, _ := dirSize(t, filepath.Join(base, "pg_wal"))
	t.Logf("drill: base backup (pg_basebackup, plain, WAL streamed) under load: %s (%s of WAL) in %v",
		mib(backupSize), mib(backupWAL), backupDone.Sub(backupStart).Round(10*time.Millisecond))

	lsn := func() string {
		var s string
		if err := db.QueryRow(ctx, "SELECT pg_current_wal_lsn()::text").Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	lsnFrom, acksFrom, timeFrom := lsn(), l.n.Load(), time.Now()
	l.waitFor(t, ctx, acksFrom+after, "after the base backup")
	lsnTo, acksTo, timeTo := lsn(), l.n.Load(), time.Now()
	var walBytes int64
	if err := db.QueryRow(ctx, "SELECT pg_wal_lsn_diff($1::pg_lsn, $2::pg_lsn)::bigint", lsnTo, lsnFrom).Scan(&walBytes); err != nil {
		t.Fatal(err)
	}
	rate := float64(acksTo-acksFrom) / timeTo.Sub(timeFrom).Seconds()
	t.Logf("drill: load: %d transfers acknowledged in %v (%.0f/s, %d workers, each commit synchronous to pg_receivewal); WAL: %s, %s per 10,000 transfers",
		acksTo-acksFrom, timeTo.Sub(timeFrom).Round(time.Second), rate, drillWorkers, mib(walBytes), mib(walBytes*10000/(acksTo-acksFrom)))

	// The disaster, in the middle of the load.
	lostAt := time.Now()
	if err := primary.Destroy(); err != nil {
		t.Fatal(err)
	}
	if err := receiver.Stop(); err != nil {
		t.Fatal(err)
	}
	acksAtLoss := l.n.Load()
	archSize, archFiles := dirSize(t, archive)
	t.Logf("drill: primary destroyed %v after the backup, %d transfers acknowledged by then; archive: %d files, %s",
		lostAt.Sub(backupDone).Round(time.Second), acksAtLoss, archFiles, mib(archSize))
	partial, err := pgtest.UsePartialWAL(stream)
	if err != nil || len(partial) != 1 {
		t.Fatalf("the streamed tail: %v, %v; want the one segment pg_receivewal was writing", partial, err)
	}
	fromArchive := "cp " + archive + "/%f %p"
	fromBoth := fromArchive + " || cp " + stream + "/%f %p"

	// The archive alone: what archive_command gives without the stream.
	t.Run("archive alone", func(t *testing.T) {
		start := time.Now()
		c, err := pgtest.StartFromBackup(ctx, base, pgtest.Options{Durable: true, StartTimeout: 10 * time.Minute,
			Settings: map[string]string{"archive_mode": "off"}}, pgtest.Recovery{RestoreCommand: fromArchive})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		took := time.Since(start)
		side, err := runtime.Open(ctx, runtime.Config{URL: c.URL("bank")})
		if err != nil {
			t.Fatal(err)
		}
		defer side.Close()
		fromArchiveOnly := transferKeys(t, ctx, side)
		checkBooks(t, ctx, financedb.NewStore(side))
		l.mu.Lock()
		acks := slices.Clone(l.acks[:acksAtLoss])
		l.mu.Unlock()
		var lost int
		var oldest time.Time
		for _, a := range acks {
			if !fromArchiveOnly[a.key] {
				lost++
				if oldest.IsZero() || a.ackedAt.Before(oldest) {
					oldest = a.ackedAt
				}
			}
		}
		window := time.Duration(0)
		if lost > 0 {
			window = lostAt.Sub(oldest)
		}
		t.Logf("drill: recovery from the archive alone: %v; %d of %d acknowledged transfers lost (those of the last %v: the segment not yet archived)",
			took.Round(10*time.Millisecond), lost, len(acks), window.Round(time.Millisecond))
	})

	// (a) To the end of the archive and the streamed tail, on the old
	// port: the new primary, archiving as the old one did.
	start := time.Now()
	restored, err := pgtest.StartFromBackup(ctx, base, pgtest.Options{Durable: true, Port: port, StartTimeout: 10 * time.Minute},
		pgtest.Recovery{RestoreCommand: fromBoth})
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	recoveryA := time.Since(start)
	l.waitFor(t, ctx, acksAtLoss+drillAfterRecovery, "after recovery")
	firstAck := firstAckAfter(l, start)
	t.Logf("drill: (a) recovery to the end of the archive and the stream: %v (copy of the base backup and replay); the first transfer after it went through the workers' runtime.DB %v after the restore began",
		recoveryA.Round(10*time.Millisecond), firstAck.Sub(start).Round(time.Millisecond))
	stop.Store(true)
	wg.Wait()

	l.mu.Lock()
	acks := slices.Clone(l.acks)
	l.mu.Unlock()
	var commits map[string]time.Time
	t.Run("a: end of archive", func(t *testing.T) {
		if h := db.Health(ctx); !h.OK || h.InRecovery {
			t.Fatalf("health of the restored server through the application's runtime.DB: %+v", h)
		}
		commits = commitTimes(t, ctx, db)
		missing, extra := 0, len(commits)
		for _, a := range acks {
			ts, ok := commits[a.key]
			if !ok {
				missing++
				if missing <= 5 {
					when := "after recovery"
					if a.ackedAt.Before(lostAt) {
						when = fmt.Sprintf("%v before the loss", lostAt.Sub(a.ackedAt).Round(time.Millisecond))
					}
					t.Errorf("acknowledged transfer %s (%s, acknowledged %s) is missing", a.key, a.id, when)
				}
				continue
			}
			extra--
			// The commit record's time lies between the transaction's start
			// and the acknowledgement: both clocks are the machine's.
			if ts.Before(a.createdAt) || ts.After(a.ackedAt) {
				t.Errorf("transfer %s committed at %v, outside [created %v, acknowledged %v]", a.key, ts, a.createdAt, a.ackedAt)
			}
		}
		if missing > 0 {
			t.Errorf("%d of %d acknowledged transfers missing", missing, len(acks))
		}
		if extra != 0 {
			t.Errorf("%d transfers recorded that were never acknowledged", extra)
		}
		checkRestored(t, ctx, db, cpcgen, restored.URL("bank"))
		if t.Failed() {
			return
		}
		t.Logf("drill: (a) checked: all %d acknowledged transfers present (%d before the loss, %d after recovery), none other; books balanced; migrations recorded and no drift",
			len(acks), acksAtLoss, int64(len(acks))-acksAtLoss)
	})
	if t.Failed() {
		return
	}

	// (b) To a time between the backup and the loss, in the middle, where
	// no transaction committed within the widest gap around it.
	target, gap := pickTarget(commits, backupDone, lostAt)
	var want []string
	var uncertain int
	for _, a := range acks {
		if !commits[a.key].After(target) {
			want = append(want, a.key)
		}
		if !a.createdAt.After(target) && a.ackedAt.After(target) {
			uncertain++
		}
	}
	if err := restored.Close(); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	pitr, err := pgtest.StartFromBackup(ctx, base, pgtest.Options{Durable: true, Port: port, StartTimeout: 10 * time.Minute,
		Settings: map[string]string{"archive_mode": "off", "recovery_target_timeline": "current"}},
		pgtest.Recovery{RestoreCommand: fromBoth, TargetTime: target})
	if err != nil {
		t.Fatal(err)
	}
	defer pitr.Close()
	recoveryB := time.Since(start)
	t.Run("b: target time", func(t *testing.T) {
		if err := waitHealthy(ctx, db); err != nil {
			t.Fatal(err)
		}
		got := transferKeys(t, ctx, db)
		wantSet := map[string]bool{}
		for _, k := range want {
			wantSet[k] = true
			if !got[k] {
				t.Errorf("transfer %s committed at %v, before the target %v, is missing", k, commits[k], target)
			}
		}
		for k := range got {
			if !wantSet[k] {
				ts, ok := commits[k]
				t.Errorf("transfer %s (committed at %v, acknowledged: %v) is there, after the target %v", k, ts, ok, target)
			}
		}
		// What a client can tell from its own clock alone.
		for _, a := range acks {
			if !a.ackedAt.After(target) && !got[a.key] {
				t.Errorf("transfer %s acknowledged at %v, before the target, is missing", a.key, a.ackedAt)
			}
			if a.createdAt.After(target) && got[a.key] {
				t.Errorf("transfer %s begun at %v, after the target, is there", a.key, a.createdAt)
			}
		}
		checkRestored(t, ctx, db, cpcgen, pitr.URL("bank"))
		if t.Failed() {
			return
		}
		t.Logf("drill: (b) recovery to %s (%v after the backup, in a %v gap between commits): %v; checked: exactly the %d acknowledged transfers committed by then, none of the %d after (in flight at the target, begun before and acknowledged after: %d); books balanced; migrations recorded and no drift",
			target.UTC().Format("15:04:05.000000"), target.Sub(backupDone).Round(time.Millisecond), gap.Round(time.Microsecond), recoveryB.Round(10*time.Millisecond),
			len(want), len(acks)-len(want), uncertain)
	})
	l.failMu.Lock()
	t.Logf("drill: done in %v; errors the workers retried with the same key, by kind: %v; refused for funds: %d", time.Since(drillStart).Round(time.Second), l.failures, l.refused.Load())
	l.failMu.Unlock()
}

// firstAckAfter returns the earliest acknowledgement after t.
func firstAckAfter(l *ledger, t time.Time) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	var first time.Time
	for _, a := range l.acks {
		if a.ackedAt.After(t) && (first.IsZero() || a.ackedAt.Before(first)) {
			first = a.ackedAt
		}
	}
	return first
}

// transferKeys returns the idempotency keys of the transfers in db.
func transferKeys(t *testing.T, ctx context.Context, db *runtime.DB) map[string]bool {
	t.Helper()
	rows, err := db.Query(ctx, "SELECT idempotency_key FROM transactions WHERE kind = 'transfer'")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	keys := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		keys[k] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return keys
}

// commitTimes returns the time in the commit record of each transfer in
// db, by idempotency key (track_commit_timestamp): the time
// recovery_target_time is compared with.
func commitTimes(t *testing.T, ctx context.Context, db *runtime.DB) map[string]time.Time {
	t.Helper()
	rows, err := db.Query(ctx, "SELECT idempotency_key, pg_xact_commit_timestamp(xmin) FROM transactions WHERE kind = 'transfer'")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var k string
		var ts *time.Time
		if err := rows.Scan(&k, &ts); err != nil {
			t.Fatal(err)
		}
		if ts == nil {
			t.Fatalf("transfer %s has no commit timestamp: is track_commit_timestamp on?", k)
		}
		out[k] = *ts
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// pickTarget returns a recovery target in the middle third of (from, to):
// the middle of the widest gap there between consecutive commits, so that
// no commit is near it, and that gap.
func pickTarget(commits map[string]time.Time, from, to time.Time) (time.Time, time.Duration) {
	third := to.Sub(from) / 3
	lo, hi := from.Add(third), to.Add(-third)
	var ts []time.Time
	for _, c := range commits {
		if c.After(lo) && c.Before(hi) {
			ts = append(ts, c)
		}
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
	best, gap := lo.Add(third/2), time.Duration(0)
	for i := 1; i < len(ts); i++ {
		if d := ts[i].Sub(ts[i-1]); d > gap {
			best, gap = ts[i-1].Add(d/2).Truncate(time.Microsecond), d
		}
	}
	return best, gap
}

// waitHealthy waits until db reports the server healthy and writable.
func waitHealthy(ctx context.Context, db *runtime.DB) error {
	for {
		h := db.Health(ctx)
		if h.OK && !h.InRecovery {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the server did not come back through the runtime.DB: %+v", h)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// checkRestored checks a restored server, which db is connected to at
// url: the books balance, the revisions table lists every migration
// (demotest.CheckMigrations), and cpcgen check --url finds no drift
// (checkCpcgen).
func checkRestored(t *testing.T, ctx context.Context, db *runtime.DB, cpcgen func() (string, error), url string) {
	t.Helper()
	checkBooks(t, ctx, financedb.NewStore(db))
	demotest.CheckMigrations(t, ctx, db, finance.Migrations())
	checkCpcgen(t, ctx, cpcgen, url)
}

// buildCpcgen builds the cpcgen command in the background and returns a
// function that waits for it and returns its path.
func buildCpcgen(t *testing.T) func() (string, error) {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build cpcgen for check --url: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "cpcgen")
	done := make(chan error, 1)
	go func() {
		out, err := exec.Command(goBin, "build", "-o", bin, "github.com/cpcgen/cpcgen/cmd/cpcgen").CombinedOutput()
		if err != nil {
			err = fmt.Errorf("go build cpcgen: %w\n%s", err, out)
		}
		done <- err
	}()
	var once sync.Once
	var buildErr error
	return func() (string, error) {
		once.Do(func() { buildErr = <-done })
		return bin, buildErr
	}
}

// checkCpcgen runs cpcgen check --url on the example and the database at
// url: generated code current, migrations all applied, no schema drift.
func checkCpcgen(t *testing.T, ctx context.Context, cpcgen func() (string, error), url string) {
	t.Helper()
	bin, err := cpcgen()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(ctx, bin, "check", "--url", url).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "schema matches the migrations") {
		t.Errorf("cpcgen check --url: %v\n%s", err, out)
	}
}

// dirSize returns the bytes and the number of regular files under dir.
func dirSize(t *testing.T, dir string) (int64, int) {
	t.Helper()
	var size int64
	var files int
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		size += info.Size()
		files++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return size, files
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
