package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	goruntime "runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cpcgen/cpcgen/runtime"
)

// Superuser is the name of the superuser of a cluster started by Start.
const Superuser = "postgres"

// Options configures a cluster started by Start.
type Options struct {
	// Durable keeps PostgreSQL's crash safety: fsync, full_page_writes and
	// synchronous_commit on, and initdb syncing its files. By default
	// they are off, which is much faster and fine for throwaway data.
	Durable bool
	// Settings are added to postgresql.conf after the defaults, so they
	// win: for example {"wal_level": "logical", "max_connections": "50"}.
	Settings map[string]string
	// HBA lines are put at the top of pg_hba.conf, before the defaults
	// (trust for local and loopback connections, replication included).
	HBA []string
	// BinDir holds initdb, postgres and pg_ctl; empty means FindBinDir.
	BinDir string
	// Port is the TCP port on 127.0.0.1; 0 picks a free one.
	Port int
	// StartTimeout bounds initdb and each start of the server when the
	// context has no earlier deadline; 0 means one minute.
	StartTimeout time.Duration
}

const defaultStartTimeout = time.Minute

// stopTimeout bounds a shutdown before it is escalated to SIGKILL.
const stopTimeout = 30 * time.Second

// errExternal is returned by operations that need a local server.
var errExternal = errors.New("pgtest: not available for an external server (" + EnvDatabaseURL + "); only clusters started by pgtest can be stopped, started or killed")

// Cluster is a PostgreSQL server for tests: either a throwaway cluster
// that Start created in a temporary directory, or an existing server
// named by CPCGEN_TEST_DATABASE_URL (see Main), on which only databases
// are created and dropped. Its methods are safe for concurrent use.
type Cluster struct {
	external    bool
	externalURL string

	binDir  string
	workDir // temporary directory: data/, the socket, postgres.log
	dataDir string
	port    int
	opts    Options
	cred    *syscall.Credential // the postgres OS user's, when running as root

	mu        sync.Mutex
	server    *serverProcess // nil when stopped
	admin     *pgxpool.Pool
	closed    bool
	destroyed bool // by Destroy: no data directory left to start
}

// serverProcess is one run of the postmaster.
type serverProcess struct {
	cmd     *exec.Cmd
	exited  chan struct{} // closed when the process has exited
	waitErr error
}

// Start creates a cluster with initdb in a new temporary directory and
// starts it, listening on 127.0.0.1 (Options.Port or a free port) and on
// a Unix socket in that directory. Authentication is trust, the encoding
// UTF8 and the locale C. When the process runs as root, initdb and the
// server run as the OS user postgres, which must exist. Close stops the
// server and removes the directory; should the test process die first,
// a small watcher process does it.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	ctx, cancel := startContext(ctx, opts.StartTimeout)
	defer cancel()

	c := &Cluster{opts: opts}
	if err := c.setup(opts.BinDir, "cpcgen-pgtest-"); err != nil {
		return nil, err
	}
	started := false
	defer c.removeUnless(&started)

	if err := c.initdb(ctx); err != nil {
		return nil, err
	}
	return c.launch(ctx, opts.Port, &started)
}

// launch writes c's configuration and starts the server on port (a free
// one when 0), the last step of every constructor; it then sets *started,
// so that the constructor's deferred removeUnless keeps the cluster.
func (c *Cluster) launch(ctx context.Context, port int, started *bool) (*Cluster, error) {
	if err := c.writeConfig(); err != nil {
		return nil, err
	}
	if err := c.startOnPort(ctx, port); err != nil {
		return nil, err
	}
	*started = true
	return c, nil
}

// startOnPort starts the server on port, or on a free port when it is 0.
// A port picked as free can be taken by another process before the server
// binds it; then it picks again, up to five times.
func (c *Cluster) startOnPort(ctx context.Context, port int) error {
	for attempt := 1; ; attempt++ {
		c.port = port
		if c.port == 0 {
			var err error
			if c.port, err = freePort(); err != nil {
				return err
			}
		}
		err := c.startServer(ctx)
		if err == nil || port != 0 || attempt >= 5 || !errors.Is(err, errAddressInUse) {
			return err
		}
	}
}

// postgresCredential returns the credential of the OS user postgres.
func postgresCredential() (*syscall.Credential, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("pgtest: running as root, PostgreSQL must run as the OS user postgres, which was not found (%w); "+
			"installing PostgreSQL creates it, or run the tests as another user", err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("pgtest: user postgres has a non-numeric uid %q or gid %q", u.Uid, u.Gid)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// tempBase returns the directory for the cluster's temporary directory.
// The postgres user must be able to reach it when running as root, which
// a private TMPDIR may not allow.
func tempBase(asRoot bool) string {
	base := os.TempDir()
	if !asRoot {
		return base
	}
	for dir := base; ; dir = filepath.Dir(dir) {
		fi, err := os.Stat(dir)
		if err != nil || fi.Mode().Perm()&0o001 == 0 {
			return "/tmp"
		}
		if dir == filepath.Dir(dir) {
			return base
		}
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgtest: find a free port: %w", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		return 0, fmt.Errorf("pgtest: find a free port: %w", err)
	}
	return port, nil
}

// command prepares a PostgreSQL program to run in the cluster's
// directory, as the postgres user when running as root, with the PG*
// variables of the test environment removed; ctx ends it
// (context.Background() for a server that outlives the call).
func (c *Cluster) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(c.binDir, name), args...)
	cmd.Dir = c.root
	env := []string{"LC_ALL=C", "LANG=C"}
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PG") || strings.HasPrefix(kv, "LC_") || strings.HasPrefix(kv, "LANG=") {
			continue
		}
		env = append(env, kv)
	}
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	return cmd
}

func (c *Cluster) initdb(ctx context.Context) error {
	args := []string{
		"--pgdata", c.dataDir,
		"--username", Superuser,
		"--auth", "trust",
		"--encoding", "UTF8",
		"--locale", "C",
	}
	if !c.opts.Durable {
		args = append(args, "--no-sync")
	}
	cmd := c.command(ctx, "initdb", args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("pgtest: initdb failed: %w\n%s", err, tail(out, 20))
	}
	return nil
}

// writeConfig appends the cluster's settings to postgresql.conf and the
// extra HBA lines to the top of pg_hba.conf.
func (c *Cluster) writeConfig() error {
	settings := map[string]string{
		"listen_addresses":        "127.0.0.1",
		"unix_socket_directories": c.root,
		"max_connections":         "200",
		"lc_messages":             "C",
		"log_min_messages":        "warning",
	}
	if !c.opts.Durable {
		settings["fsync"] = "off"
		settings["full_page_writes"] = "off"
		settings["synchronous_commit"] = "off"
	}
	var conf bytes.Buffer
	conf.WriteString("\n# added by pgtest\n")
	writeSettings(&conf, settings)
	if len(c.opts.Settings) > 0 {
		conf.WriteString("# Options.Settings\n")
		writeSettings(&conf, c.opts.Settings)
	}
	if err := appendFile(filepath.Join(c.dataDir, "postgresql.conf"), conf.Bytes()); err != nil {
		return err
	}
	if len(c.opts.HBA) > 0 {
		path := filepath.Join(c.dataDir, "pg_hba.conf")
		old, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("pgtest: %w", err)
		}
		var hba bytes.Buffer
		hba.WriteString("# Options.HBA\n")
		for _, line := range c.opts.HBA {
			hba.WriteString(line)
			hba.WriteByte('\n')
		}
		hba.Write(old)
		if err := os.WriteFile(path, hba.Bytes(), 0o600); err != nil {
			return fmt.Errorf("pgtest: %w", err)
		}
	}
	return nil
}

func writeSettings(w *bytes.Buffer, settings map[string]string) {
	keys := make([]string, 0, len(settings))
	for k := range settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "%s = '%s'\n", k, strings.ReplaceAll(settings[k], "'", "''"))
	}
}

func appendFile(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("pgtest: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	return nil
}

// errAddressInUse marks a start that failed because the port was taken.
var errAddressInUse = errors.New("address already in use")

// startServer starts the postmaster and waits until it accepts
// connections. The caller must not hold c.mu.
func (c *Cluster) startServer(ctx context.Context) error {
	logPath := c.LogPath()
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("pgtest: open server log: %w", err)
	}
	defer logFile.Close()
	logStart, _ := logFile.Seek(0, io.SeekEnd)

	cmd := c.command(context.Background(), "postgres", "-D", c.dataDir, "-p", strconv.Itoa(c.port))
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	// Its own process group keeps terminal signals away from the server
	// (Main stops it in order), and the parent-death signal takes it down
	// with an immediate shutdown if the test process dies.
	cmd.SysProcAttr.Setpgid = true
	cmd.SysProcAttr.Pdeathsig = syscall.SIGQUIT

	p, err := startProcess(cmd)
	if err != nil {
		return fmt.Errorf("pgtest: start postgres: %w", err)
	}

	dsn := fmt.Sprintf("host=%s port=%d user=%s dbname=postgres sslmode=disable connect_timeout=5", c.root, c.port, Superuser)
	if err := waitAccepting(ctx, p, dsn, false); err != nil {
		stopProcess(p, syscall.SIGQUIT, 10*time.Second)
		return notStarted("postgres", "server log", logPath, readLogFrom(logPath, logStart), err)
	}
	c.mu.Lock()
	c.server = p
	c.mu.Unlock()
	return nil
}

// startProcess starts cmd and returns the running process; a goroutine
// waits for it and closes exited when it ends. The parent-death signal
// fires when the thread that started the process ends, so that goroutine,
// locked to its thread, stays alive for as long as the process runs.
func startProcess(cmd *exec.Cmd) (*serverProcess, error) {
	p := &serverProcess{cmd: cmd, exited: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		goruntime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return p, nil
}

// waitAccepting connects to dsn until it succeeds (and, with query, until
// SELECT 1 runs: a pooler accepts connections before it reaches the
// server), the process exits or ctx ends, backing off up to 100ms.
func waitAccepting(ctx context.Context, p *serverProcess, dsn string, query bool) error {
	delay := 5 * time.Millisecond
	for {
		select {
		case <-p.exited:
			return fmt.Errorf("process exited: %v", p.waitErr)
		default:
		}
		conn, err := pgconn.Connect(ctx, dsn)
		if err == nil {
			if query {
				err = conn.Exec(ctx, "SELECT 1").Close()
			}
			conn.Close(ctx)
			if err == nil {
				return nil
			}
		}
		select {
		case <-p.exited:
			return fmt.Errorf("process exited: %v", p.waitErr)
		case <-ctx.Done():
			return fmt.Errorf("not ready: %w (last error: %v)", ctx.Err(), err)
		case <-time.After(delay):
		}
		delay = min(delay*2, 100*time.Millisecond)
	}
}

// stopProcess sends sig to the postmaster and waits for it to exit,
// killing its whole process group when it does not within timeout.
func stopProcess(p *serverProcess, sig syscall.Signal, timeout time.Duration) bool {
	select {
	case <-p.exited:
		return true
	default:
	}
	_ = p.cmd.Process.Signal(sig)
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-p.exited:
		return true
	case <-timer.C:
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	<-p.exited
	return false
}

func readLogFrom(path string, offset int64) []byte {
	data, err := os.ReadFile(path)
	if err != nil || offset > int64(len(data)) {
		return nil
	}
	return data[offset:]
}

// tail returns the last n lines of out.
func tail(out []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// URL returns the URL of database dbname over TCP, with sslmode=disable.
func (c *Cluster) URL(dbname string) string {
	if c.external {
		return withDatabase(c.externalURL, dbname)
	}
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User(Superuser),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)),
		Path:     "/" + dbname,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// withDatabase returns the connection string dsn pointed at dbname.
func withDatabase(dsn, dbname string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		if u, err := url.Parse(dsn); err == nil {
			u.Path = "/" + dbname
			u.RawPath = ""
			return u.String()
		}
	}
	return dsn + " dbname='" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(dbname) + "'"
}

// AdminURL returns a URL of the server's maintenance database (postgres),
// for a superuser: the value to hand to a child process as
// CPCGEN_TEST_DATABASE_URL so that it uses this server. For an external
// server it is the URL it was given.
func (c *Cluster) AdminURL() string {
	if c.external {
		return c.externalURL
	}
	return c.URL("postgres")
}

// DataDir returns the data directory, or "" for an external server.
func (c *Cluster) DataDir() string { return c.dataDir }

// BinDir returns the directory of the PostgreSQL programs used, where
// pg_basebackup, psql and the other tools sit too; "" for an external
// server.
func (c *Cluster) BinDir() string { return c.binDir }

// Port returns the server's TCP port.
func (c *Cluster) Port() int { return c.port }

// LogPath returns the server's log file, or "" for an external server.
func (c *Cluster) LogPath() string {
	if c.external {
		return ""
	}
	return filepath.Join(c.root, "postgres.log")
}

// Running reports whether the server is running (always true for an
// external server).
func (c *Cluster) Running() bool {
	if c.external {
		return true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.server == nil {
		return false
	}
	select {
	case <-c.server.exited:
		return false
	default:
		return true
	}
}

// Stop shuts the server down in fast mode (SIGINT: open transactions are
// rolled back, sessions ended, a checkpoint written) and waits for it. If
// ctx ends first, the server is killed. Stopping a stopped server does
// nothing.
func (c *Cluster) Stop(ctx context.Context) error {
	return c.stop(ctx, syscall.SIGINT)
}

// Kill shuts the server down in immediate mode (SIGQUIT, like pg_ctl -m
// immediate): every process exits at once without a checkpoint, as in a
// crash, and the next Start runs crash recovery.
func (c *Cluster) Kill() error {
	return c.stop(context.Background(), syscall.SIGQUIT)
}

func (c *Cluster) stop(ctx context.Context, sig syscall.Signal) error {
	if c.external {
		return errExternal
	}
	c.mu.Lock()
	p := c.server
	c.server = nil
	admin := c.admin
	c.admin = nil
	c.mu.Unlock()
	if admin != nil {
		admin.Close()
	}
	if p == nil {
		return nil
	}
	timeout := stopTimeout
	if d, ok := ctx.Deadline(); ok {
		timeout = min(timeout, time.Until(d))
	}
	if !stopProcess(p, sig, timeout) {
		return fmt.Errorf("pgtest: postgres did not stop within %s and was killed", timeout)
	}
	return nil
}

// Start starts the server again after Stop or Kill, on the same data
// directory and port.
func (c *Cluster) Start(ctx context.Context) error {
	if c.external {
		return errExternal
	}
	c.mu.Lock()
	closed, destroyed, running := c.closed, c.destroyed, c.server != nil
	c.mu.Unlock()
	switch {
	case closed:
		return errors.New("pgtest: cluster is closed")
	case destroyed:
		return errors.New("pgtest: cluster was destroyed: its data directory is gone; StartFromBackup restores a backup")
	case running:
		return errors.New("pgtest: server is already running")
	}
	timeout := c.opts.StartTimeout
	if timeout <= 0 {
		timeout = defaultStartTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return c.startServer(ctx)
}

// Restart stops the server in fast mode and starts it again.
func (c *Cluster) Restart(ctx context.Context) error {
	if err := c.Stop(ctx); err != nil {
		return err
	}
	return c.Start(ctx)
}

// Close stops the server and removes its directory. It is safe to call
// more than once; for an external server it only closes connections.
func (c *Cluster) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	c.mu.Unlock()
	if c.external {
		c.mu.Lock()
		admin := c.admin
		c.admin = nil
		c.mu.Unlock()
		if admin != nil {
			admin.Close()
		}
		return nil
	}
	stopErr := c.Stop(context.Background())
	rmErr := c.remove()
	return errors.Join(stopErr, rmErr)
}

// adminPool returns a small pool on the maintenance database.
func (c *Cluster) adminPool(ctx context.Context) (*pgxpool.Pool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, errors.New("pgtest: cluster is closed")
	}
	if c.admin != nil {
		return c.admin, nil
	}
	if !c.external && c.server == nil {
		return nil, errors.New("pgtest: server is not running")
	}
	cfg, err := pgxpool.ParseConfig(c.AdminURL())
	if err != nil {
		return nil, fmt.Errorf("pgtest: admin connection: %w", err)
	}
	cfg.MaxConns = 4
	cfg.MinConns = 0
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgtest: admin connection: %w", err)
	}
	c.admin = pool
	return pool, nil
}

// CreateDatabase creates database name as a copy of template (empty
// means the server's default, template1). The template must have no
// open connections.
func (c *Cluster) CreateDatabase(ctx context.Context, name, template string) error {
	sql := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize()
	if template != "" {
		sql += " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	}
	return c.adminExec(ctx, "create database "+name, sql)
}

// DropDatabase drops database name if it exists, ending its sessions
// first.
func (c *Cluster) DropDatabase(ctx context.Context, name string) error {
	return c.adminExec(ctx, "drop database "+name, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
}

// terminateSessions ends every session on database name but the caller's.
func (c *Cluster) terminateSessions(ctx context.Context, name string) error {
	return c.adminExec(ctx, "end sessions on "+name,
		"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", name)
}

// adminExec runs sql with args on the maintenance database; what names
// the work in the error of a failure.
func (c *Cluster) adminExec(ctx context.Context, what, sql string, args ...any) error {
	pool, err := c.adminPool(ctx)
	if err != nil {
		return err
	}
	if _, err := pool.Exec(ctx, sql, args...); err != nil {
		return fmt.Errorf("pgtest: %s: %w", what, err)
	}
	return nil
}

// newExternal returns a Cluster for the existing server at dsn.
func newExternal(dsn string) (*Cluster, error) {
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("pgtest: %s is not a valid connection string: %w", EnvDatabaseURL, runtime.RedactError(err, dsn))
	}
	return &Cluster{external: true, externalURL: dsn, port: int(cfg.Port)}, nil
}
