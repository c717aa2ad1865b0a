// Command streammem measures the memory of reading a large table through
// the generated repository: it loads 1,000,000 rows into transactions
// with CreateMany (COPY), then reads them all twice, each time in a fresh
// child process, once with Stream (rows read as the loop goes) and once
// with FindAll (every row in one slice), and reports for each the peak
// heap in use (runtime.ReadMemStats, sampled every 5 ms), the process's
// peak resident memory (VmHWM) and the time taken.
//
//	cd bench && go run ./cmd/streammem            # starts a throwaway PostgreSQL
//	CPCGEN_TEST_DATABASE_URL=postgres://… go run ./cmd/streammem
//
// It fails when Stream's peak heap is 50 MB or more.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	neturl "net/url"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/cpcgen/cpcgen/bench/benchdb"
	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// streamLimit is the target for Stream's peak heap.
const streamLimit = 50 << 20

func main() {
	rows := flag.Int("rows", 1_000_000, "rows to load and read")
	child := flag.String("child", "", "internal: read the table with stream or findall")
	url := flag.String("url", "", "internal: the database of the child")
	flag.Parse()
	if *child != "" {
		os.Exit(read(*child, *url, *rows))
	}
	os.Exit(run(*rows))
}

func run(n int) int {
	ctx := context.Background()
	url, cleanup, err := database(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "streammem:", err)
		return 1
	}
	defer cleanup()
	if err := load(ctx, url, n); err != nil {
		fmt.Fprintln(os.Stderr, "streammem: load:", err)
		return 1
	}

	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "streammem:", err)
		return 1
	}
	fmt.Printf("Reading %d rows of transactions (7 columns: 2 uuid, numeric, char(3), 2 text, timestamptz) through the generated repository, each in a fresh process (GOGC=100).\n\n", n)
	fmt.Println("| method | rows | time s | peak heap in use MB | peak RSS MB |")
	fmt.Println("|---|--:|--:|--:|--:|")
	status := 0
	for _, mode := range []string{"stream", "findall"} {
		cmd := exec.Command(self, "-child", mode, "-url", url, "-rows", fmt.Sprint(n))
		cmd.Env = append(os.Environ(), "GOGC=100")
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			fmt.Fprintf(os.Stderr, "streammem: %s: %v\n", mode, err)
			return 1
		}
		line := strings.TrimSpace(string(out))
		fmt.Println(line)
		if mode == "stream" {
			var peak float64
			fmt.Sscanf(strings.Split(line, "|")[4], "%f", &peak)
			if peak*(1<<20) >= streamLimit {
				fmt.Fprintf(os.Stderr, "streammem: Stream's peak heap %.1f MB is over the %d MB target\n", peak, streamLimit>>20)
				status = 1
			}
		}
	}
	return status
}

// database creates an empty database, on a throwaway cluster or on the
// server of CPCGEN_TEST_DATABASE_URL, and returns its URL and a function
// that drops it (and stops the cluster).
func database(ctx context.Context) (string, func(), error) {
	name := fmt.Sprintf("streammem_%d", os.Getpid())
	if dsn := os.Getenv(pgtest.EnvDatabaseURL); dsn != "" {
		admin, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return "", nil, err
		}
		if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
			admin.Close(ctx)
			return "", nil, err
		}
		u, err := neturl.Parse(dsn)
		if err != nil || u.Scheme == "" {
			admin.Close(ctx)
			return "", nil, fmt.Errorf("%s must be a postgres:// URL", pgtest.EnvDatabaseURL)
		}
		u.Path = "/" + name
		return u.String(), func() {
			admin.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)")
			admin.Close(ctx)
		}, nil
	}
	cluster, err := pgtest.Start(ctx, pgtest.Options{})
	if err != nil {
		return "", nil, err
	}
	if err := cluster.CreateDatabase(ctx, name, "template0"); err != nil {
		cluster.Close()
		return "", nil, err
	}
	return cluster.URL(name), func() { cluster.Close() }, nil
}

// load creates the schema and copies n transactions of one user in
// batches, so that the loader's memory is not part of what is measured.
func load(ctx context.Context, url string, n int) error {
	db, err := runtime.Open(ctx, runtime.Config{URL: url})
	if err != nil {
		return err
	}
	defer db.Close()
	ddl, err := os.ReadFile(filepath.Join("benchdb", "schema.sql"))
	if err != nil {
		return err
	}
	if _, err := db.Exec(ctx, string(ddl)); err != nil {
		return err
	}
	s := benchdb.NewStore(db)
	u, err := s.Users.Create(ctx, benchdb.NewUser{Email: "stream@bench.test", Name: "stream"})
	if err != nil {
		return err
	}
	const batch = 50_000
	memo := "streamed"
	rows := make([]benchdb.NewTransaction, 0, batch)
	for start := 0; start < n; start += batch {
		rows = rows[:0]
		for i := start; i < min(start+batch, n); i++ {
			r := benchdb.NewTransaction{UserID: u.ID, Amount: decimal.New(int64(i%100_000), -2), Currency: "EUR", Status: "settled"}
			if i%2 == 0 {
				r.Memo = runtime.NullOf(memo)
			}
			rows = append(rows, r)
		}
		if _, err := s.Transactions.CreateMany(ctx, rows); err != nil {
			return err
		}
	}
	_, err = db.Exec(ctx, "VACUUM ANALYZE transactions")
	return err
}

// read is the child: it reads every row with Stream or FindAll and prints
// one table row.
func read(mode, url string, want int) int {
	ctx := context.Background()
	db, err := runtime.Open(ctx, runtime.Config{URL: url})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer db.Close()
	s := benchdb.NewStore(db)
	goruntime.GC()

	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms goruntime.MemStats
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			goruntime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()

	start := time.Now()
	var count int
	var sum decimal.Decimal
	var last uuid.UUID
	switch mode {
	case "stream":
		for t, err := range s.Transactions.Stream(ctx) {
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			count++
			sum = sum.Add(t.Amount)
			last = t.ID
		}
	case "findall":
		all, err := s.Transactions.FindAll(ctx)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		for _, t := range all {
			count++
			sum = sum.Add(t.Amount)
			last = t.ID
		}
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", mode)
		return 2
	}
	elapsed := time.Since(start)
	close(stop)
	<-sampled

	if count != want || last == uuid.Nil || !sum.Equal(expectedSum(want)) {
		fmt.Fprintf(os.Stderr, "%s read %d rows summing to %s, want %d summing to %s\n", mode, count, sum, want, expectedSum(want))
		return 1
	}
	name := map[string]string{"stream": "Stream", "findall": "FindAll"}[mode]
	fmt.Printf("| %s | %d | %.2f | %.1f | %.0f |\n", name, count, elapsed.Seconds(), float64(peak.Load())/(1<<20), float64(peakRSS())/(1<<20))
	return 0
}

// expectedSum is the sum of the amounts load writes for n rows.
func expectedSum(n int) decimal.Decimal {
	var cents int64
	for i := 0; i < n; i++ {
		cents += int64(i % 100_000)
	}
	return decimal.New(cents, -2)
}

// peakRSS returns the process's peak resident set size (VmHWM), in
// bytes, or 0 when unknown.
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(rest), "%d", &kb)
			return kb << 10
		}
	}
	return 0
}
