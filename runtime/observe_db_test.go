package runtime_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/cpcgen/cpcgen/runtime"
)

// logLines collects the lines of a slog JSON handler.
type logLines struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// String returns everything logged so far.
func (l *logLines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// lines returns the logged lines, decoded.
func (l *logLines) lines(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(l.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

// opLines returns the lines about operation op.
func (l *logLines) opLines(t *testing.T, op string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, m := range l.lines(t) {
		if m["db.operation"] == op {
			out = append(out, m)
		}
	}
	return out
}

// newLogger returns a JSON logger at level writing into a logLines.
func newLogger(level slog.Level) (*slog.Logger, *logLines) {
	logs := &logLines{}
	return slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: level})), logs
}

// oneLine returns the only line about op.
func oneLine(t *testing.T, logs *logLines, op string) map[string]any {
	t.Helper()
	lines := logs.opLines(t, op)
	if len(lines) != 1 {
		t.Fatalf("%d lines about %s, want 1:\n%s", len(lines), op, logs)
	}
	return lines[0]
}

// TestLogStatement runs statements on a DB with a Debug logger: each gets
// one line with its operation, table, duration and rows, without its
// argument values or SQL text; failures are logged at Warn or Error with
// their kind.
func TestLogStatement(t *testing.T) {
	ctx := testContext(t)
	logger, logs := newLogger(slog.LevelDebug)
	db := openDB(t, runtime.Config{Logger: logger},
		"CREATE TABLE accounts (id bigint PRIMARY KEY, owner text NOT NULL)")

	const owner = "owner-value-7f3a"
	const create = "-- name: accounts.Create\nINSERT INTO accounts (id, owner) VALUES ($1, $2)"
	if _, err := db.Exec(ctx, create, 1, owner); err != nil {
		t.Fatal(err)
	}
	line := oneLine(t, logs, "accounts.Create")
	if line["level"] != "DEBUG" || line["msg"] != "query" || line["db.table"] != "accounts" || line["rows"] != 1.0 {
		t.Errorf("line = %v", line)
	}
	if d, ok := line["duration"].(float64); !ok || d <= 0 {
		t.Errorf("duration = %v", line["duration"])
	}
	for _, key := range []string{"args", "error", "error.kind"} {
		if _, ok := line[key]; ok {
			t.Errorf("line has %s: %v", key, line)
		}
	}

	// A unique conflict is logged at Warn with its kind; a statement the
	// server cannot run at all at Error.
	if _, err := db.Exec(ctx, strings.Replace(create, "Create", "CreateAgain", 1), 1, owner); !errors.Is(runtime.Wrap(err, "", ""), runtime.ErrConflict) {
		t.Fatalf("duplicate: %v", err)
	}
	failed := oneLine(t, logs, "accounts.CreateAgain")
	if failed["level"] != "WARN" || failed["msg"] != "query failed" || failed["error.kind"] != "conflict" ||
		!strings.Contains(failed["error"].(string), `accounts.CreateAgain: unique conflict on "accounts_pkey"`) {
		t.Errorf("failed line = %v", failed)
	}
	rows, _ := db.Query(ctx, "-- name: accounts.Broken\nSELECT * FROM missing_table WHERE id = $1", 5)
	rows.Close()
	if broken := oneLine(t, logs, "accounts.Broken"); broken["level"] != "ERROR" || broken["error.kind"] != "unknown" {
		t.Errorf("broken line = %v", broken)
	}

	// A statement without a name line is named by its keyword.
	var n int
	if err := db.QueryRow(ctx, "select count(*) from accounts").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if sel := oneLine(t, logs, "SELECT"); sel["db.table"] != "" || sel["rows"] != 1.0 {
		t.Errorf("select line = %v", sel)
	}

	text := logs.String()
	for _, leak := range []string{owner, "INSERT INTO", "WHERE id"} {
		if strings.Contains(text, leak) {
			t.Errorf("log shows %q:\n%s", leak, text)
		}
	}
}

// TestLogArgsRedactsSensitive turns argument logging on: values appear,
// except those the name line marks sensitive, however the statement is
// sent.
func TestLogArgsRedactsSensitive(t *testing.T) {
	ctx := testContext(t)
	logger, logs := newLogger(slog.LevelDebug)
	db := openDB(t, runtime.Config{Logger: logger, LogArgs: true},
		"CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, password_hash text NOT NULL, pin text)")

	const create = "-- name: users.Create sensitive=3,4\nINSERT INTO users (id, email, password_hash, pin) VALUES ($1, $2, $3, $4)"
	secrets := []string{"hash-secret-1", "pin-secret-2", "hash-secret-3", "pin-secret-4", "hash-secret-5", "hash-secret-6", "pin-secret-7"}
	if _, err := db.Exec(ctx, create, 1, "ada@example.com", secrets[0], secrets[1]); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"$1": 1.0, "$2": "ada@example.com", "$3": "[redacted]", "$4": "[redacted]"}
	if diff := cmp.Diff(want, oneLine(t, logs, "users.Create")["args"]); diff != "" {
		t.Errorf("args (-want +got):\n%s", diff)
	}

	// A query option before the arguments does not shift the positions.
	simple := strings.Replace(create, "users.Create", "users.CreateSimple", 1)
	if _, err := db.Exec(ctx, simple, pgx.QueryExecModeSimpleProtocol, 2, "bob@example.com", secrets[2], secrets[3]); err != nil {
		t.Fatal(err)
	}
	want = map[string]any{"$1": 2.0, "$2": "bob@example.com", "$3": "[redacted]", "$4": "[redacted]"}
	if diff := cmp.Diff(want, oneLine(t, logs, "users.CreateSimple")["args"]); diff != "" {
		t.Errorf("args with a query option (-want +got):\n%s", diff)
	}

	// Named arguments cannot be matched to positions: all are redacted.
	named := "-- name: users.CreateNamed sensitive=3\nINSERT INTO users (id, email, password_hash) VALUES (@id, @email, @hash)"
	if _, err := db.Exec(ctx, named, pgx.NamedArgs{"id": 3, "email": "cy@example.com", "hash": secrets[4]}); err != nil {
		t.Fatal(err)
	}
	want = map[string]any{"$1": map[string]any{"id": "[redacted]", "email": "[redacted]", "hash": "[redacted]"}}
	if diff := cmp.Diff(want, oneLine(t, logs, "users.CreateNamed")["args"]); diff != "" {
		t.Errorf("named args (-want +got):\n%s", diff)
	}

	// Statements of a batch and of a failed statement are redacted too.
	b := &pgx.Batch{}
	b.Queue(strings.Replace(create, "users.Create", "users.CreateBatched", 1), 4, "dee@example.com", secrets[5], nil)
	b.Queue(strings.Replace(create, "users.Create", "users.CreateDuplicate", 1), 4, "dee@example.com", secrets[6], "x")
	if err := db.SendBatch(ctx, b).Close(); !errors.Is(runtime.Wrap(err, "", ""), runtime.ErrConflict) {
		t.Fatalf("batch: %v", err)
	}
	batched := oneLine(t, logs, "users.CreateBatched")
	want = map[string]any{"$1": 4.0, "$2": "dee@example.com", "$3": "[redacted]", "$4": "[redacted]"}
	if diff := cmp.Diff(want, batched["args"]); diff != "" || batched["batch"] != true {
		t.Errorf("batched line %v; args (-want +got):\n%s", batched, diff)
	}
	if dup := oneLine(t, logs, "users.CreateDuplicate"); dup["args"].(map[string]any)["$3"] != "[redacted]" || dup["error.kind"] != "conflict" {
		t.Errorf("failed batched line = %v", dup)
	}

	text := logs.String()
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("log shows %q:\n%s", s, text)
		}
	}
}

// TestSlowQueryLog logs only slow statements and failures with an Info
// logger.
func TestSlowQueryLog(t *testing.T) {
	ctx := testContext(t)
	logger, logs := newLogger(slog.LevelInfo)
	const threshold = 200 * time.Millisecond
	db := openDB(t, runtime.Config{Logger: logger, SlowQuery: threshold})

	if _, err := db.Exec(ctx, "-- name: reports.Slow\nSELECT pg_sleep(0.3)"); err != nil {
		t.Fatal(err)
	}
	slow := oneLine(t, logs, "reports.Slow")
	if slow["level"] != "WARN" || slow["msg"] != "slow query" || slow["db.table"] != "reports" {
		t.Errorf("slow line = %v", slow)
	}
	if d, _ := slow["duration"].(float64); time.Duration(d) < threshold {
		t.Errorf("slow line's duration %v is under the threshold", time.Duration(d))
	}
	for _, m := range logs.lines(t) {
		if m["msg"] == "query" {
			t.Errorf("Debug line with an Info logger: %v", m)
		}
		if m["msg"] == "slow query" {
			if d, _ := m["duration"].(float64); time.Duration(d) < threshold {
				t.Errorf("fast statement logged as slow: %v", m)
			}
		}
	}
}

// TestLogQueriesUsesDefaultLogger turns logging on from the environment:
// lines go to slog.Default().
func TestLogQueriesUsesDefaultLogger(t *testing.T) {
	logger, logs := newLogger(slog.LevelDebug)
	old := slog.Default()
	slog.SetDefault(logger)
	t.Cleanup(func() { slog.SetDefault(old) })
	ctx := testContext(t)
	db := openDB(t, runtime.Config{LogQueries: true})
	if _, err := db.Exec(ctx, "-- name: things.Ping\nSELECT 1"); err != nil {
		t.Fatal(err)
	}
	oneLine(t, logs, "things.Ping")
}

// opCounts is what a test compares of one operation's metrics.
type opCounts struct {
	Table  string
	Count  int64
	Rows   int64
	Errors map[string]int64
}

// countsOf returns the counters of every operation in s.
func countsOf(s runtime.Stats) map[string]opCounts {
	out := map[string]opCounts{}
	for _, q := range s.Queries {
		c := opCounts{Table: q.Table, Count: q.Count, Rows: q.Rows}
		for k, n := range q.Errors {
			if c.Errors == nil {
				c.Errors = map[string]int64{}
			}
			c.Errors[k.Name()] = n
		}
		out[q.Op] = c
	}
	return out
}

// TestQueryMetrics runs a known set of statements and compares the
// counters with exactly those.
func TestQueryMetrics(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{Metrics: true},
		"CREATE TABLE accounts (id bigint PRIMARY KEY, balance int NOT NULL CHECK (balance >= 0))")

	const (
		create   = "-- name: accounts.Create\nINSERT INTO accounts (id, balance) VALUES ($1, $2)"
		find     = "-- name: accounts.FindByID\nSELECT balance FROM accounts WHERE id = $1"
		list     = "-- name: accounts.List\nSELECT id FROM accounts ORDER BY id"
		withdraw = "-- name: accounts.Withdraw\nUPDATE accounts SET balance = balance - $2 WHERE id = $1"
		touch    = "-- name: accounts.Touch\nUPDATE accounts SET balance = balance WHERE id = $1"
	)
	for id := 1; id <= 3; id++ {
		if _, err := db.Exec(ctx, create, id, 10); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(ctx, create, 1, 10); !errors.Is(runtime.Wrap(err, "", ""), runtime.ErrConflict) {
		t.Fatalf("duplicate: %v", err)
	}
	if _, err := db.Exec(ctx, withdraw, 1, 1000); !errors.Is(runtime.Wrap(err, "", ""), runtime.ErrCheck) {
		t.Fatalf("overdraw: %v", err)
	}
	var balance int
	if err := db.QueryRow(ctx, find, 2).Scan(&balance); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, find, 99).Scan(&balance); !errors.Is(err, pgx.ErrNoRows) {
		t.Fatalf("missing row: %v", err)
	}
	rows, _ := db.Query(ctx, list)
	if ids, err := pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil || len(ids) != 3 {
		t.Fatalf("list: %v %v", ids, err)
	}
	b := &pgx.Batch{}
	b.Queue(touch, 1)
	b.Queue(touch, 2)
	if err := db.SendBatch(ctx, b).Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CopyFrom(runtime.WithOperation(ctx, "accounts.CreateMany"), pgx.Identifier{"accounts"}, []string{"id", "balance"},
		pgx.CopyFromRows([][]any{{10, 0}, {11, 0}})); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CopyFrom(ctx, pgx.Identifier{"public", "accounts"}, []string{"id", "balance"}, pgx.CopyFromRows([][]any{{12, 0}})); err != nil {
		t.Fatal(err)
	}
	if err := db.InTx(ctx, runtime.TxOptions{}, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, withdraw, 2, 5)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if r := db.Health(ctx); !r.OK {
		t.Fatalf("health: %+v", r)
	}

	s := db.Stats()
	want := map[string]opCounts{
		"CREATE":              {Count: 1},
		"accounts.Create":     {Table: "accounts", Count: 4, Rows: 3, Errors: map[string]int64{"conflict": 1}},
		"accounts.Withdraw":   {Table: "accounts", Count: 2, Rows: 1, Errors: map[string]int64{"check": 1}},
		"accounts.FindByID":   {Table: "accounts", Count: 2, Rows: 1},
		"accounts.List":       {Table: "accounts", Count: 1, Rows: 3},
		"accounts.Touch":      {Table: "accounts", Count: 2, Rows: 2},
		"accounts.CreateMany": {Table: "accounts", Count: 1, Rows: 2},
		"accounts.CopyFrom":   {Table: "accounts", Count: 1, Rows: 1},
		"BEGIN":               {Count: 1},
		"COMMIT":              {Count: 1},
	}
	if diff := cmp.Diff(want, countsOf(s)); diff != "" {
		t.Errorf("query metrics (-want +got):\n%s", diff)
	}
	for _, q := range s.Queries {
		if len(q.Buckets) != len(runtime.QueryBuckets()) || q.Buckets[len(q.Buckets)-1] > q.Count || q.Duration <= 0 {
			t.Errorf("%s: buckets %v, count %d, duration %v", q.Op, q.Buckets, q.Count, q.Duration)
		}
		for i := 1; i < len(q.Buckets); i++ {
			if q.Buckets[i] < q.Buckets[i-1] {
				t.Errorf("%s: buckets not cumulative: %v", q.Op, q.Buckets)
			}
		}
	}
	if q, ok := s.Query("accounts.Create"); !ok || q.ErrorCount() != 1 {
		t.Errorf("Query(accounts.Create) = %+v, %v", q, ok)
	}
	if s.WaitingAcquires != 0 || s.AcquiredConns != 0 {
		t.Errorf("pool at rest: %+v", s.PoolStats)
	}
}

// TestMetricsOff checks that Stats has no query metrics by default and
// that no tracer is installed when nothing observes.
func TestMetricsOff(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{})
	if _, err := db.Exec(ctx, "SELECT 1"); err != nil {
		t.Fatal(err)
	}
	if s := db.Stats(); s.Queries != nil {
		t.Errorf("Queries = %v", s.Queries)
	}
	if tr := db.Pool().Config().ConnConfig.Tracer; tr != nil {
		t.Errorf("tracer %T installed with nothing observing", tr)
	}
}

// eventRecord is what recordingObserver keeps of an event.
type eventRecord struct {
	Op, Table, Method string
	Rows              int64
	Kind              string
	Failed            bool
	Batch, Copy       bool
	Args              []any
	CtxValue          any
}

type ctxKey struct{}

// recordingObserver keeps every event it is told about.
type recordingObserver struct {
	mu     sync.Mutex
	events []eventRecord
}

func (o *recordingObserver) ObserveQuery(ctx context.Context, e *runtime.QueryEvent) {
	if e.Start.IsZero() || e.Duration < 0 {
		panic("event without times")
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.events = append(o.events, eventRecord{
		Op: e.Op, Table: e.Table, Method: e.Method(), Rows: e.Rows, Kind: e.Kind.Name(), Failed: e.Err != nil,
		Batch: e.Batch, Copy: e.Copy, Args: e.Args(), CtxValue: ctx.Value(ctxKey{}),
	})
}

func (o *recordingObserver) take() []eventRecord {
	o.mu.Lock()
	defer o.mu.Unlock()
	ev := o.events
	o.events = nil
	return ev
}

// countingTracer is an application's own pgx tracer.
type countingTracer struct {
	mu           sync.Mutex
	starts, ends int
}

func (c *countingTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.starts++
	return context.WithValue(ctx, ctxKey{}, "from the application's tracer")
}

func (c *countingTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ends++
}

// TestObserverEvents checks what an Observer is told, for each way a
// statement runs, next to an application's own pgx tracer.
func TestObserverEvents(t *testing.T) {
	ctx := testContext(t)
	rec := &recordingObserver{}
	user := &countingTracer{}
	db := openDB(t, runtime.Config{Observers: []runtime.Observer{rec}, Tracer: user},
		"CREATE TABLE items (id int PRIMARY KEY, secret text)")
	rec.take()

	const insert = "-- name: items.Create sensitive=2\nINSERT INTO items VALUES ($1, $2)"
	if _, err := db.Exec(ctx, insert, 1, "s3cret"); err != nil {
		t.Fatal(err)
	}
	b := &pgx.Batch{}
	b.Queue(insert, 2, "s3cret")
	b.Queue("-- name: items.Count\nSELECT count(*) FROM items")
	if err := db.SendBatch(ctx, b).Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CopyFrom(ctx, pgx.Identifier{"items"}, []string{"id"}, pgx.CopyFromRows([][]any{{3}})); err != nil {
		t.Fatal(err)
	}
	// A statement started while a result is still open on the same
	// connection fails as busy; both are reported.
	conn, err := db.Pool().Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := conn.Query(ctx, "-- name: items.All\nSELECT id FROM items ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "-- name: items.Busy\nSELECT 1"); err == nil {
		t.Fatal("no busy error")
	}
	for rows.Next() {
	}
	rows.Close()
	conn.Release()

	got := rec.take()
	fromTracer := "from the application's tracer"
	want := []eventRecord{
		{Op: "items.Create", Table: "items", Method: "Create", Rows: 1, Kind: "unknown", Args: []any{1, runtime.Redacted{}}, CtxValue: fromTracer},
		{Op: "items.Create", Table: "items", Method: "Create", Rows: 1, Kind: "unknown", Batch: true, Args: []any{2, runtime.Redacted{}}},
		{Op: "items.Count", Table: "items", Method: "Count", Rows: 1, Kind: "unknown", Batch: true},
		{Op: "items.CopyFrom", Table: "items", Method: "CopyFrom", Rows: 1, Kind: "unknown", Copy: true},
		{Op: "items.Busy", Table: "items", Method: "Busy", Kind: "misuse", Failed: true, CtxValue: fromTracer},
		{Op: "items.All", Table: "items", Method: "All", Rows: 3, Kind: "unknown", CtxValue: fromTracer},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	user.mu.Lock()
	defer user.mu.Unlock()
	// CREATE TABLE, Exec, the busy Exec and Query; pgx reports batches
	// and COPY to batch and copy tracers only.
	if user.starts != 4 || user.ends != 4 {
		t.Errorf("application tracer: %d starts, %d ends; want 4 and 4", user.starts, user.ends)
	}
}

// TestObserveAcquireTimeout checks that statements that found no free
// connection are reported as failures of their operation, each way a
// statement can be run.
func TestObserveAcquireTimeout(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{MaxConns: 1, AcquireTimeout: 20 * time.Millisecond, Metrics: true},
		"CREATE TABLE items (n int)")
	holder, err := db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = db.Exec(ctx, "-- name: items.Exec\nSELECT 1")
	rows, _ := db.Query(ctx, "-- name: items.Query\nSELECT 1")
	rows.Close()
	var n int
	_ = db.QueryRow(ctx, "-- name: items.QueryRow\nSELECT 1").Scan(&n)
	b := &pgx.Batch{}
	b.Queue("-- name: items.Batched\nSELECT 1")
	b.Queue("-- name: items.Batched\nSELECT 2")
	_ = db.SendBatch(ctx, b).Close()
	_, _ = db.CopyFrom(runtime.WithOperation(ctx, "items.CreateMany"), pgx.Identifier{"items"}, []string{"n"}, pgx.CopyFromRows([][]any{{1}}))
	if _, err := db.Begin(ctx); err == nil {
		t.Fatal("Begin got a connection")
	}
	if err := holder.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	timeouts := map[string]int64{}
	for _, q := range db.Stats().Queries {
		if n := q.Errors[runtime.KindTimeout]; n > 0 {
			timeouts[q.Op] = n
		}
	}
	want := map[string]int64{"items.Exec": 1, "items.Query": 1, "items.QueryRow": 1, "items.Batched": 2, "items.CreateMany": 1, "BEGIN": 1}
	if diff := cmp.Diff(want, timeouts); diff != "" {
		t.Errorf("timeouts (-want +got):\n%s", diff)
	}
}

// TestConcurrentMetrics runs statements from many goroutines over a
// small pool: every one is counted exactly once.
func TestConcurrentMetrics(t *testing.T) {
	ctx := testContext(t)
	var observed atomic.Int64
	counter := runtime.ObserverFunc(func(context.Context, *runtime.QueryEvent) { observed.Add(1) })
	db := openDB(t, runtime.Config{MaxConns: 3, Metrics: true, Observers: []runtime.Observer{counter}},
		"CREATE TABLE hits (n int)")
	const workers, rounds = 8, 40
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := range rounds {
				switch i % 3 {
				case 0:
					if _, err := db.Exec(ctx, "-- name: hits.Add\nINSERT INTO hits VALUES ($1)", w); err != nil {
						errs <- err
						return
					}
				case 1:
					rows, _ := db.Query(ctx, "-- name: hits.Scan\nSELECT n FROM hits LIMIT 5")
					for rows.Next() {
					}
					if err := rows.Err(); err != nil {
						errs <- err
						return
					}
				case 2:
					b := &pgx.Batch{}
					b.Queue("-- name: hits.Count\nSELECT count(*) FROM hits")
					b.Queue("-- name: hits.Count\nSELECT count(*) FROM hits")
					if err := db.SendBatch(ctx, b).Close(); err != nil {
						errs <- err
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got := map[string]int64{}
	var total int64
	for _, q := range db.Stats().Queries {
		got[q.Op] = q.Count
		total += q.Count
	}
	perWorker := func(rem int) int64 {
		n := int64(0)
		for i := range rounds {
			if i%3 == rem {
				n++
			}
		}
		return n * workers
	}
	want := map[string]int64{"CREATE": 1, "hits.Add": perWorker(0), "hits.Scan": perWorker(1), "hits.Count": 2 * perWorker(2)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	if n := observed.Load(); n != total {
		t.Errorf("observer saw %d statements, metrics counted %d", n, total)
	}
}
