package pgtest

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cpcgen/cpcgen/runtime"
)

// Environment variables read by Main.
const (
	// EnvDatabaseURL names an existing server to use instead of starting
	// one; it must allow creating and dropping databases.
	EnvDatabaseURL = "CPCGEN_TEST_DATABASE_URL"
	// EnvSkipDB, set to 1, skips every test that asks for a database
	// instead of failing it. It is an explicit opt-out for machines
	// without PostgreSQL; CI never sets it.
	EnvSkipDB = "CPCGEN_TEST_SKIP_DB"
)

// setupTimeout bounds starting the cluster and preparing the template.
const setupTimeout = 2 * time.Minute

// cleanupTimeout bounds dropping a test's database.
const cleanupTimeout = time.Minute

// Option configures Main.
type Option func(*mainConfig)

type mainConfig struct {
	opts     Options
	template func(ctx context.Context, url string) error
}

// WithOptions sets the Options of the cluster Main starts.
func WithOptions(opts Options) Option {
	return func(c *mainConfig) { c.opts = opts }
}

// WithTemplate makes Main prepare a template database once, by calling
// prepare with its URL (to apply migrations, load fixtures …); every
// database URL, Pool and Open hand out is then a copy of it. prepare
// should close its connections; any left open are ended.
func WithTemplate(prepare func(ctx context.Context, url string) error) Option {
	return func(c *mainConfig) { c.template = prepare }
}

// suite is the state of one test binary, set up by Main.
type suite struct {
	cfg  mainConfig
	skip bool

	once     sync.Once
	cluster  *Cluster
	template string // database copied for each test
	err      error
	// pooler is the PgBouncer in front of cluster (CPCGEN_TEST_POOLER),
	// and poolerParams the parameters of the URLs handed out through it.
	pooler       *PgBouncer
	poolerParams []string

	seq          atomic.Int64
	shutdownOnce sync.Once
}

var (
	suiteMu sync.Mutex
	current *suite
)

// Main runs the tests of a package against a throwaway PostgreSQL:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
// The cluster is started when a test first asks for a database, or an
// existing server is used when CPCGEN_TEST_DATABASE_URL is set. After the
// tests, and on SIGINT or SIGTERM, the cluster is stopped and its files
// removed (databases made on an external server are dropped); should the
// process die otherwise, the cluster's watcher does it. Main then exits
// with the tests' exit code.
//
// With CPCGEN_TEST_SKIP_DB=1 no server is used: tests asking for one are
// skipped, and so are the package's examples (by -test.skip, unless it is
// set already), since examples cannot skip themselves.
func Main(m *testing.M, opts ...Option) {
	os.Exit(run(m, opts...))
}

func run(m *testing.M, opts ...Option) int {
	s := &suite{skip: os.Getenv(EnvSkipDB) == "1"}
	for _, o := range opts {
		o(&s.cfg)
	}
	suiteMu.Lock()
	current = s
	suiteMu.Unlock()

	if s.skip {
		skipExamples()
		return m.Run()
	}

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-signals:
			s.shutdown()
			signal.Reset(sig.(syscall.Signal))
			_ = syscall.Kill(os.Getpid(), sig.(syscall.Signal))
		case <-done:
		}
	}()
	defer func() {
		signal.Stop(signals)
		close(done)
		s.shutdown()
	}()
	return m.Run()
}

// skipExamples adds examples to -test.skip when it is empty.
func skipExamples() {
	if !flag.Parsed() {
		flag.Parse()
	}
	if f := flag.Lookup("test.skip"); f != nil && f.Value.String() == "" {
		_ = f.Value.Set("^Example")
	}
}

// shutdown stops the cluster, or drops the template on an external
// server.
func (s *suite) shutdown() {
	s.shutdownOnce.Do(func() {
		c := s.cluster
		if c == nil {
			return
		}
		if c.external && s.template != "" && s.cfg.template != nil {
			ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
			if err := c.DropDatabase(ctx, s.template); err != nil {
				fmt.Fprintln(os.Stderr, err)
			}
			cancel()
		}
		if s.pooler != nil {
			if err := s.pooler.Close(); err != nil {
				fmt.Fprintln(os.Stderr, err)
			}
		}
		if err := c.Close(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	})
}

// setup starts or connects to the server and prepares the template, once.
func (s *suite) setup() (*Cluster, error) {
	s.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
		defer cancel()
		if dsn := os.Getenv(EnvDatabaseURL); dsn != "" {
			s.cluster, s.err = newExternal(dsn)
		} else {
			s.cluster, s.err = Start(ctx, s.cfg.opts)
		}
		if s.err != nil {
			return
		}
		if s.err = s.startPooler(ctx); s.err != nil {
			return
		}
		s.template = "template0"
		if s.cfg.template != nil {
			s.template = fmt.Sprintf("pgtest_template_%d", os.Getpid())
			s.err = s.prepareTemplate(ctx)
		}
	})
	return s.cluster, s.err
}

func (s *suite) prepareTemplate(ctx context.Context) error {
	c := s.cluster
	if err := c.DropDatabase(ctx, s.template); err != nil {
		return err
	}
	if err := c.CreateDatabase(ctx, s.template, "template0"); err != nil {
		return err
	}
	if err := s.cfg.template(ctx, s.url(s.template)); err != nil {
		return fmt.Errorf("pgtest: prepare template database: %w", err)
	}
	if err := installTenantKey(ctx, s.url(s.template)); err != nil {
		return fmt.Errorf("pgtest: prepare template database: %w", err)
	}
	// A template cannot be copied while anyone is connected to it; refuse
	// new connections and end those left open.
	if err := c.adminExec(ctx, "seal template database", "ALTER DATABASE "+pgx.Identifier{s.template}.Sanitize()+" ALLOW_CONNECTIONS false"); err != nil {
		return err
	}
	return c.terminateSessions(ctx, s.template)
}

// suiteFor returns the suite of the test binary, ending t when Main has
// not run or databases are skipped.
func suiteFor(t testing.TB) *suite {
	t.Helper()
	suiteMu.Lock()
	s := current
	suiteMu.Unlock()
	if s == nil {
		t.Fatal("pgtest: pgtest.Main has not run; add func TestMain(m *testing.M) { pgtest.Main(m) } to a _test.go file of this package")
	}
	if s.skip {
		t.Skip("pgtest: " + EnvSkipDB + "=1: skipping a test that needs PostgreSQL")
	}
	return s
}

// SkipIfDisabled skips t when CPCGEN_TEST_SKIP_DB=1. URL, Pool, Open
// and Current do so themselves; tests that call Start for a cluster of
// their own call it first.
func SkipIfDisabled(t testing.TB) {
	t.Helper()
	if os.Getenv(EnvSkipDB) == "1" {
		t.Skip("pgtest: " + EnvSkipDB + "=1: skipping a test that needs PostgreSQL")
	}
}

// Current returns the cluster of the test binary, starting it if needed,
// for tests that stop, restart or kill the server or start replicas from
// it. A test that stops it must start it again: other tests share it.
func Current(t testing.TB) *Cluster {
	t.Helper()
	c, err := suiteFor(t).setup()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// URL creates a fresh database for t, a copy of the template (see
// WithTemplate), and returns its URL. The database is dropped when t
// ends, after ending any session still connected to it.
func URL(t testing.TB) string {
	t.Helper()
	s := suiteFor(t)
	c, err := s.setup()
	if err != nil {
		t.Fatal(err)
	}
	name := s.databaseName(t.Name())
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	if err := c.CreateDatabase(ctx, name, s.template); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
		defer cancel()
		if err := c.DropDatabase(ctx, name); err != nil {
			if c.Running() {
				t.Error(err)
			} else {
				t.Logf("database %s not dropped: the server is not running", name)
			}
		}
	})
	return s.url(name)
}

// Pool returns a pgxpool.Pool on a fresh database (see URL) with the
// runtime's types registered and the tenant key bound
// (runtime.AfterConnect, runtime.AfterRelease, runtime.SimpleQueryTracer);
// it is closed when t ends.
func Pool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(URL(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.AfterConnect = runtime.AfterConnect
	cfg.AfterRelease = runtime.AfterRelease
	cfg.ConnConfig.Tracer = runtime.SimpleQueryTracer{}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// Context returns a context for t, canceled when t ends, and bounded
// (two minutes) so that a hang fails the test instead of blocking the
// run.
func Context(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// Open returns a runtime.DB on a fresh database (see URL); it is closed
// when t ends.
func Open(t testing.TB) *runtime.DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	db, err := runtime.Open(ctx, runtime.Config{URL: URL(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

// NewDatabase is URL for code without a testing.TB, such as examples: it
// creates a fresh database and returns its URL and a function that drops
// it. Main must be running.
func NewDatabase(ctx context.Context) (url string, drop func(context.Context) error, err error) {
	suiteMu.Lock()
	s := current
	suiteMu.Unlock()
	switch {
	case s == nil:
		return "", nil, errors.New("pgtest: pgtest.Main has not run; add func TestMain(m *testing.M) { pgtest.Main(m) } to a _test.go file of this package")
	case s.skip:
		return "", nil, errors.New("pgtest: " + EnvSkipDB + "=1: no database")
	}
	c, err := s.setup()
	if err != nil {
		return "", nil, err
	}
	name := s.databaseName("")
	if err := c.CreateDatabase(ctx, name, s.template); err != nil {
		return "", nil, err
	}
	return s.url(name), func(ctx context.Context) error { return c.DropDatabase(ctx, name) }, nil
}

// databaseName returns a new database name: a readable part of the test
// name, the process id (several test binaries may share an external
// server) and a sequence number, within PostgreSQL's 63 bytes.
func (s *suite) databaseName(testName string) string {
	var b strings.Builder
	b.WriteString("t_")
	for _, r := range strings.ToLower(testName) {
		if b.Len() >= 32 {
			break
		}
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	b.WriteByte('_')
	b.WriteString(strconv.Itoa(os.Getpid()))
	b.WriteByte('_')
	b.WriteString(strconv.FormatInt(s.seq.Add(1), 10))
	return b.String()
}
