package bench_test

// BenchmarkBatchWrites measures the generated batch writes of issue 19 on
// 10,000 rows beside hand-written pgx running the same statement
// (handpgx.UpdateMany, handpgx.UpsertMany) and beside a loop of the
// generated single-row method, side by side in one run: each run calls
// the three in turn, in an order that rotates from run to run, on the
// same data and connections. It reports the median over the runs (run
// it with -benchtime=Nx for N runs) of each one's wall time (…-ns/op)
// and CPU time of this process (…-cpu-ns/op), statements sent
// (…-stmts/op), allocations of this process, the pool's included
// (…-allocs/op), the ratios of the generated batch to the reference
// (ratio, cpu-ratio: the medians of the per-run ratios) and how many
// times faster the batch is than the loop (speedup, wall).
//
// When the server runs on this machine (pgtest's cluster), it also
// reports the CPU time of the server's backends (…-srv-cpu-ns/op, read
// from /proc) and the ratio of the loop's client and server CPU time to
// the batch's (cpu-speedup): on a shared machine the wall times follow
// the load (a statement that needs 120 ms of CPU takes 0.3 to 1 s at a
// load average of 10 to 25 on 2 cores), the CPU times much less.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	goruntime "runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/bench/benchdb"
	"github.com/cpcgen/cpcgen/bench/handpgx"
	"github.com/cpcgen/cpcgen/runtime"
)

// batchRows is the size of the batches.
const batchRows = 10_000

// batchVariant is one of the three ways of doing a batch write.
type batchVariant struct {
	name string
	call func(b *testing.B, run int)
}

func BenchmarkBatchWrites(b *testing.B) {
	e := newEnv(b)
	s := benchdb.NewStore(e.pool)
	hand := &handpgx.Repo{Pool: e.pool}
	ctx := context.Background()

	b.Run("op=UpdateMany10k", func(b *testing.B) {
		var user uuid.UUID
		// Each invocation (testing runs it with b.N = 1 first) has a user
		// and rows of its own.
		email := fmt.Sprintf("batch%d@bench.test", time.Now().UnixNano())
		if err := e.pool.QueryRow(ctx, `INSERT INTO users (email, name) VALUES ($1, 'batch') RETURNING id`, email).Scan(&user); err != nil {
			b.Fatal(err)
		}
		ids := e.load(b, user, batchRows)
		rand.New(rand.NewPCG(1, 2)).Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
		var status string
		amount := func(run, i int) decimal.Decimal { return decimal.New(int64(run*batchRows+i), -2) }
		check := func(run int) {
			var n int
			if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM transactions WHERE user_id = $1 AND status = $2`, user, status).Scan(&n); err != nil || n != batchRows {
				b.Fatalf("run %d: %d rows of status %s, %v", run, n, status, err)
			}
		}
		var handRows []handpgx.TxnChange
		var genRows []benchdb.TransactionKeyedUpdate
		runBatch(b, e, check, func(run int) { status = fmt.Sprint("s", run) },
			batchVariant{"pgx", func(b *testing.B, run int) {
				if n, err := hand.UpdateMany(ctx, handRows); err != nil || n != batchRows {
					b.Fatal(n, err)
				}
			}},
			batchVariant{"cpcgen", func(b *testing.B, run int) {
				if n, err := s.Transactions.UpdateMany(ctx, genRows); err != nil || n != batchRows {
					b.Fatal(n, err)
				}
			}},
			batchVariant{"loop", func(b *testing.B, run int) {
				for i, id := range ids {
					if _, err := s.Transactions.Update(ctx, id, benchdb.TransactionUpdate{Status: runtime.Set(status), Amount: runtime.Set(amount(run, i))}); err != nil {
						b.Fatal(err)
					}
				}
			}},
		)(func(run int) {
			handRows, genRows = make([]handpgx.TxnChange, batchRows), make([]benchdb.TransactionKeyedUpdate, batchRows)
			for i, id := range ids {
				handRows[i] = handpgx.TxnChange{ID: id, Status: status, Amount: amount(run, i)}
				genRows[i] = benchdb.TransactionKeyedUpdate{ID: id, Changes: benchdb.TransactionUpdate{Status: runtime.Set(status), Amount: runtime.Set(amount(run, i))}}
			}
		})
	})

	b.Run("op=UpsertMany10k", func(b *testing.B) {
		emails := make([]string, batchRows)
		for i := range emails {
			emails[i] = fmt.Sprintf("up%05d@bench.test", (i*7919)%batchRows)
		}
		var name string
		var handRows []handpgx.NewUser
		var genRows []benchdb.NewUser
		check := func(run int) {
			var n int
			if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM users WHERE email LIKE 'up%' AND name = $1`, name).Scan(&n); err != nil || n != batchRows {
				b.Fatalf("run %d: %d users named %s, %v", run, n, name, err)
			}
		}
		// Before each call, half the users are gone: the batch inserts
		// 5,000 rows and updates 5,000.
		setup := func(run int) {
			name = fmt.Sprint("n", run)
			if _, err := e.pool.Exec(ctx, `DELETE FROM users WHERE email = ANY($1)`, emails[:batchRows/2]); err != nil {
				b.Fatal(err)
			}
		}
		runBatch(b, e, check, setup,
			batchVariant{"pgx", func(b *testing.B, run int) {
				if got, err := hand.UpsertMany(ctx, handRows); err != nil || len(got) != batchRows || got[0].Email != emails[0] {
					b.Fatal(len(got), err)
				}
			}},
			batchVariant{"cpcgen", func(b *testing.B, run int) {
				if got, err := s.Users.UpsertManyByEmail(ctx, genRows); err != nil || len(got) != batchRows || got[0].Email != emails[0] {
					b.Fatal(len(got), err)
				}
			}},
			batchVariant{"loop", func(b *testing.B, run int) {
				for _, email := range emails {
					if _, err := s.Users.UpsertByEmail(ctx, benchdb.NewUser{Email: email, Name: name}); err != nil {
						b.Fatal(err)
					}
				}
			}},
		)(func(run int) {
			handRows, genRows = make([]handpgx.NewUser, batchRows), make([]benchdb.NewUser, batchRows)
			for i, email := range emails {
				handRows[i] = handpgx.NewUser{Email: email, Name: name}
				genRows[i] = benchdb.NewUser{Email: email, Name: name}
			}
		})
	})
}

// runBatch returns a function that runs b.N runs of the variants, each
// call after setup(run) and prepare(run) (untimed) and checked by check
// (untimed), and reports the medians.
func runBatch(b *testing.B, e *env, check, setup func(run int), variants ...batchVariant) func(prepare func(run int)) {
	return func(prepare func(run int)) {
		wall := make([][]time.Duration, len(variants))
		cpu := make([][]time.Duration, len(variants))
		stmts := make([][]float64, len(variants))
		allocs := make([][]float64, len(variants))
		srv := make([][]time.Duration, len(variants))
		backends := newBackendCPU(b, e)
		var ms goruntime.MemStats
		call := 0
		for run := 0; run < b.N; run++ {
			for k := range variants {
				v := (run + k + benchPass(b)) % len(variants)
				call++
				setup(call)
				prepare(call)
				srv0 := backends.read()
				goruntime.ReadMemStats(&ms)
				m0 := ms.Mallocs
				n0, cpu0, start := e.stmts.n.Load(), processCPU(), time.Now()
				variants[v].call(b, call)
				wall[v] = append(wall[v], time.Since(start))
				cpu[v] = append(cpu[v], processCPU()-cpu0)
				goruntime.ReadMemStats(&ms)
				allocs[v] = append(allocs[v], float64(ms.Mallocs-m0))
				stmts[v] = append(stmts[v], float64(e.stmts.n.Load()-n0))
				srv[v] = append(srv[v], backends.since(srv0))
				check(call)
			}
		}
		b.ReportMetric(0, "ns/op")
		for k, v := range variants {
			b.ReportMetric(float64(median(wall[k]).Nanoseconds()), v.name+"-ns/op")
			b.ReportMetric(float64(median(cpu[k]).Nanoseconds()), v.name+"-cpu-ns/op")
			b.ReportMetric(medianF(stmts[k]), v.name+"-stmts/op")
			b.ReportMetric(medianF(allocs[k]), v.name+"-allocs/op")
			if backends.ok {
				b.ReportMetric(float64(median(srv[k]).Nanoseconds()), v.name+"-srv-cpu-ns/op")
			}
		}
		// variants: 0 the reference, 1 the generated batch, 2 the loop.
		ratio, cpuRatio, speedup := make([]float64, b.N), make([]float64, b.N), make([]float64, b.N)
		for run := range b.N {
			ratio[run] = float64(wall[1][run]) / float64(wall[0][run])
			cpuRatio[run] = float64(cpu[1][run]) / float64(cpu[0][run])
			speedup[run] = float64(wall[2][run]) / float64(wall[1][run])
		}
		if backends.ok {
			total := make([]float64, b.N)
			for run := range b.N {
				total[run] = float64(cpu[2][run]+srv[2][run]) / float64(cpu[1][run]+srv[1][run])
			}
			b.ReportMetric(medianF(total), "cpu-speedup")
		}
		b.ReportMetric(medianF(ratio), "ratio")
		b.ReportMetric(medianF(cpuRatio), "cpu-ratio")
		b.ReportMetric(medianF(speedup), "speedup")
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func medianF(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// backendCPU reads the CPU time of the server's backends of the
// benchmark's database from /proc: ok is false when the server does not
// run on this machine (or /proc cannot be read), and the metric is left
// out.
type backendCPU struct {
	b  *testing.B
	e  *env
	ok bool
}

func newBackendCPU(b *testing.B, e *env) *backendCPU {
	c := &backendCPU{b: b, e: e, ok: true}
	c.ok = len(c.read()) > 0
	return c
}

// read returns the CPU time of each backend of the database by process
// id (untimed: it runs one query).
func (c *backendCPU) read() map[int]time.Duration {
	if !c.ok {
		return nil
	}
	rows, err := c.e.pool.Query(context.Background(),
		`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'`)
	if err != nil {
		c.b.Fatal(err)
	}
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		c.b.Fatal(err)
	}
	out := make(map[int]time.Duration, len(pids))
	for _, pid := range pids {
		if t, ok := procCPU(int(pid)); ok {
			out[int(pid)] = t
		}
	}
	return out
}

// since returns the CPU time the backends spent since before (a
// backend started since counts whole).
func (c *backendCPU) since(before map[int]time.Duration) time.Duration {
	if !c.ok {
		return 0
	}
	var d time.Duration
	for pid, t := range c.read() {
		d += t - before[pid]
	}
	return d
}

// procCPU returns the user and system time of process pid, from
// /proc/pid/stat (in clock ticks of 10 ms, as Linux reports them).
func procCPU(pid int) (time.Duration, bool) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	s := string(raw)
	end := strings.LastIndexByte(s, ')')
	if end < 0 {
		return 0, false
	}
	f := strings.Fields(s[end+1:])
	// After the command come the state (field 3) … utime (14), stime (15).
	if len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, true
}
