package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// PgBouncerOptions configures StartPgBouncer.
type PgBouncerOptions struct {
	// PoolMode is PgBouncer's pool_mode: "transaction" (the default),
	// "session" or "statement".
	PoolMode string
	// PoolSize is default_pool_size, the server connections per database
	// and user; 0 means 10.
	PoolSize int
	// Settings are added to the [pgbouncer] section after the defaults,
	// so they win: for example {"max_prepared_statements": "100"} on
	// PgBouncer 1.21 or later.
	Settings map[string]string
	// Binary is the pgbouncer program; empty means FindPgBouncer.
	Binary string
	// Port is the TCP port on 127.0.0.1; 0 picks a free one.
	Port int
	// StartTimeout bounds the start when the context has no earlier
	// deadline; 0 means one minute.
	StartTimeout time.Duration
}

// PgBouncer is a PgBouncer process in front of a Cluster, for tests of
// code that runs behind a connection pooler. Its methods are safe for
// concurrent use.
type PgBouncer struct {
	backend *Cluster
	workDir
	port    int
	cred    *syscall.Credential
	version string

	mu     sync.Mutex
	proc   *serverProcess
	closed bool
}

// debianPgBouncer is where Debian and Ubuntu install pgbouncer.
const debianPgBouncer = "/usr/sbin/pgbouncer"

// FindPgBouncer returns the path of the pgbouncer program: the one
// CPCGEN_TEST_PGBOUNCER names, or on PATH, or where Debian and Ubuntu
// install it.
func FindPgBouncer() (string, error) {
	p, err := findProgram(EnvPgBouncer, "pgbouncer", debianPgBouncer)
	if err != nil {
		return "", errors.New("pgtest: pgbouncer not found (" + err.Error() + "); install it (Debian/Ubuntu: apt-get install pgbouncer)")
	}
	return p, nil
}

// StartPgBouncer starts PgBouncer in front of backend, listening on
// 127.0.0.1 (opts.Port or a free port), in pool_mode transaction unless
// opts say otherwise. Every database of backend is reachable through it
// under its own name (a "*" entry), as the user the client names, with
// auth_type trust: PgBouncer looks the user up on the backend
// (auth_query, as the superuser) and logs in to it as that user. For an
// external backend (CPCGEN_TEST_DATABASE_URL) the URL's password, if
// any, is used for the server logins.
//
// When the process runs as root, PgBouncer runs as the OS user postgres.
// Close stops it and removes its directory.
func StartPgBouncer(ctx context.Context, backend *Cluster, opts PgBouncerOptions) (*PgBouncer, error) {
	if backend == nil {
		return nil, errors.New("pgtest: StartPgBouncer needs a backend cluster")
	}
	ctx, cancel := startContext(ctx, opts.StartTimeout)
	defer cancel()

	bin := opts.Binary
	if bin == "" {
		var err error
		if bin, err = FindPgBouncer(); err != nil {
			return nil, err
		}
	}
	b := &PgBouncer{backend: backend}
	if os.Geteuid() == 0 {
		var err error
		if b.cred, err = postgresCredential(); err != nil {
			return nil, err
		}
	}
	if out, err := exec.CommandContext(ctx, bin, "--version").CombinedOutput(); err == nil {
		b.version = strings.TrimPrefix(strings.SplitN(string(out), "\n", 2)[0], "PgBouncer ")
	}
	var err error
	if b.workDir, err = newWorkDir("cpcgen-pgbouncer-", b.cred); err != nil {
		return nil, err
	}
	started := false
	defer func() {
		if !started {
			b.remove()
		}
	}()
	for attempt := 1; ; attempt++ {
		b.port = opts.Port
		if b.port == 0 {
			if b.port, err = freePort(); err != nil {
				return nil, err
			}
		}
		if err = b.writeConfig(opts); err != nil {
			return nil, err
		}
		err = b.start(ctx, bin)
		if err == nil {
			started = true
			return b, nil
		}
		if opts.Port != 0 || attempt >= 5 || !errors.Is(err, errAddressInUse) {
			return nil, err
		}
	}
}

// backendTarget returns the host, port, superuser and password PgBouncer
// logs in to the backend with.
func (b *PgBouncer) backendTarget() (host string, port int, user, password string, err error) {
	if !b.backend.external {
		return "127.0.0.1", b.backend.port, Superuser, "", nil
	}
	cfg, err := pgconn.ParseConfig(b.backend.externalURL)
	if err != nil {
		return "", 0, "", "", fmt.Errorf("pgtest: %s: %w", EnvDatabaseURL, err)
	}
	return cfg.Host, int(cfg.Port), cfg.User, cfg.Password, nil
}

// iniValue quotes a value of a connection string in PgBouncer's
// [databases] section.
func iniValue(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

func (b *PgBouncer) writeConfig(opts PgBouncerOptions) error {
	host, port, user, password, err := b.backendTarget()
	if err != nil {
		return err
	}
	mode := opts.PoolMode
	if mode == "" {
		mode = "transaction"
	}
	size := opts.PoolSize
	if size <= 0 {
		size = 10
	}
	target := "host=" + iniValue(host) + " port=" + strconv.Itoa(port)
	if password != "" {
		target += " password=" + iniValue(password)
	}
	settings := map[string]string{
		"listen_addr":         "127.0.0.1",
		"listen_port":         strconv.Itoa(b.port),
		"unix_socket_dir":     "",
		"auth_type":           "trust",
		"auth_file":           filepath.Join(b.root, "userlist.txt"),
		"auth_user":           user,
		"auth_query":          "SELECT rolname, NULL FROM pg_catalog.pg_roles WHERE rolname = $1 AND rolcanlogin",
		"pool_mode":           mode,
		"default_pool_size":   strconv.Itoa(size),
		"max_client_conn":     "2000",
		"server_idle_timeout": "30",
		"admin_users":         user,
		"logfile":             filepath.Join(b.root, "pgbouncer.log"),
		"pidfile":             filepath.Join(b.root, "pgbouncer.pid"),
		"log_connections":     "0",
		"log_disconnections":  "0",
	}
	for k, v := range opts.Settings {
		settings[k] = v
	}
	var ini bytes.Buffer
	ini.WriteString("; written by pgtest\n[databases]\n")
	fmt.Fprintf(&ini, "* = %s\n", target)
	ini.WriteString("\n[pgbouncer]\n")
	keys := make([]string, 0, len(settings))
	for k := range settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&ini, "%s = %s\n", k, settings[k])
	}
	userlist := fmt.Sprintf("%q \"\"\n", user)
	for name, data := range map[string]string{"pgbouncer.ini": ini.String(), "userlist.txt": userlist} {
		path := filepath.Join(b.root, name)
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			return fmt.Errorf("pgtest: %w", err)
		}
		if b.cred != nil {
			if err := os.Chown(path, int(b.cred.Uid), int(b.cred.Gid)); err != nil {
				return fmt.Errorf("pgtest: %w", err)
			}
		}
	}
	return nil
}

// start runs pgbouncer and waits until it accepts connections.
func (b *PgBouncer) start(ctx context.Context, bin string) error {
	logPath := b.LogPath()
	logFile, err := os.OpenFile(filepath.Join(b.root, "stderr.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("pgtest: open pgbouncer output: %w", err)
	}
	defer logFile.Close()
	cmd := exec.Command(bin, filepath.Join(b.root, "pgbouncer.ini"))
	cmd.Dir = b.root
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: b.cred, Setpgid: true, Pdeathsig: syscall.SIGTERM}
	p, err := startProcess(cmd)
	if err != nil {
		return fmt.Errorf("pgtest: start pgbouncer: %w", err)
	}
	_, _, user, _, _ := b.backendTarget()
	dsn := fmt.Sprintf("host=127.0.0.1 port=%d user=%s dbname=postgres sslmode=disable connect_timeout=5", b.port, user)
	if err := waitAccepting(ctx, p, dsn, true); err != nil {
		stopProcess(p, syscall.SIGTERM, 10*time.Second)
		log, _ := os.ReadFile(logPath)
		out, _ := os.ReadFile(filepath.Join(b.root, "stderr.log"))
		return notStarted("pgbouncer", "pgbouncer log", logPath, append(log, out...), err)
	}
	b.mu.Lock()
	b.proc = p
	b.mu.Unlock()
	return nil
}

// URL returns the URL of database dbname through PgBouncer, for the
// backend's user, with sslmode=disable. params, "key=value" pairs, are
// added to the query: default_query_exec_mode=cache_describe, say, which
// pgx reads.
func (b *PgBouncer) URL(dbname string, params ...string) string {
	_, _, user, _, _ := b.backendTarget()
	q := url.Values{"sslmode": {"disable"}}
	for _, p := range params {
		k, v, _ := strings.Cut(p, "=")
		q.Set(k, v)
	}
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User(user),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(b.port)),
		Path:     "/" + dbname,
		RawQuery: q.Encode(),
	}
	return u.String()
}

// AdminURL returns the URL of PgBouncer's admin console (database
// pgbouncer), which answers SHOW POOLS, SHOW STATS, SHOW VERSION … in the
// simple query protocol only (pgconn's Exec, or pgx with
// pgx.QueryExecModeSimpleProtocol).
func (b *PgBouncer) AdminURL() string {
	return b.URL("pgbouncer")
}

// Port returns PgBouncer's TCP port.
func (b *PgBouncer) Port() int { return b.port }

// Version returns PgBouncer's version, such as "1.18.0"; empty when it
// could not be read.
func (b *PgBouncer) Version() string { return b.version }

// LogPath returns PgBouncer's log file.
func (b *PgBouncer) LogPath() string { return filepath.Join(b.root, "pgbouncer.log") }

// Close stops PgBouncer (SIGTERM: connections are closed at once) and
// removes its directory. It is safe to call more than once.
func (b *PgBouncer) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	p := b.proc
	b.proc = nil
	b.mu.Unlock()
	var stopErr error
	if p != nil && !stopProcess(p, syscall.SIGTERM, stopTimeout) {
		stopErr = fmt.Errorf("pgtest: pgbouncer did not stop within %s and was killed", stopTimeout)
	}
	return errors.Join(stopErr, b.remove())
}
