package pgtest_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// templatePrepared counts how often the template was prepared.
var templatePrepared atomic.Int32

func TestMain(m *testing.M) {
	if os.Getenv("PGTEST_CHILD") != "" {
		os.Exit(childMain(m))
	}
	pgtest.Main(m, pgtest.WithTemplate(func(ctx context.Context, url string) error {
		templatePrepared.Add(1)
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, `CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL);
			INSERT INTO items VALUES (1, 'from template')`)
		return err
	}))
}

// TestParallelIsolation runs parallel tests that each change their own
// database and see only their own changes and the template's row.
func TestParallelIsolation(t *testing.T) {
	pgtest.SkipIfDisabled(t)
	t.Run("group", func(t *testing.T) {
		for i := range 8 {
			t.Run(strconv.Itoa(i), func(t *testing.T) {
				t.Parallel()
				ctx := pgtest.Context(t)
				pool := pgtest.Pool(t)
				if _, err := pool.Exec(ctx, "INSERT INTO items VALUES ($1, 'mine')", 100+i); err != nil {
					t.Fatal(err)
				}
				var ids []int
				rows, _ := pool.Query(ctx, "SELECT id FROM items ORDER BY id")
				ids, err := pgx.CollectRows(rows, pgx.RowTo[int])
				if err != nil {
					t.Fatal(err)
				}
				if len(ids) != 2 || ids[0] != 1 || ids[1] != 100+i {
					t.Errorf("ids = %v, want [1 %d]", ids, 100+i)
				}
			})
		}
	})
	if n := templatePrepared.Load(); n != 1 {
		t.Errorf("template prepared %d times, want 1", n)
	}
}

func TestDatabaseDroppedAtCleanup(t *testing.T) {
	ctx := pgtest.Context(t)
	var name string
	t.Run("inner", func(t *testing.T) {
		db := pgtest.Open(t)
		if err := db.QueryRow(ctx, "SELECT current_database()").Scan(&name); err != nil {
			t.Fatal(err)
		}
		// A connection left open must not keep the database alive.
		conn, err := pgx.Connect(ctx, pgtest.Current(t).URL(name))
		if err != nil {
			t.Fatal(err)
		}
		_ = conn // deliberately not closed
	})
	admin, err := pgx.Connect(ctx, pgtest.Current(t).AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	var exists bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Errorf("database %s still exists after its test ended", name)
	}
}

// TestClusterLifecycle exercises a cluster of its own: options, Stop,
// Start, Restart, Kill (crash recovery keeps committed data) and Close.
func TestClusterLifecycle(t *testing.T) {
	pgtest.SkipIfDisabled(t)
	ctx := pgtest.Context(t)
	c, err := pgtest.Start(ctx, pgtest.Options{
		Durable:  true,
		Settings: map[string]string{"max_connections": "42", "application_name": "it's quoted"},
		HBA:      []string{"host all nobody 127.0.0.1/32 reject"},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	port, dataDir := c.Port(), c.DataDir()
	if _, err := os.Stat(filepath.Join(c.BinDir(), "pg_basebackup")); err != nil {
		t.Errorf("BinDir %s has no pg_basebackup: %v", c.BinDir(), err)
	}

	query := func(sql string) string {
		t.Helper()
		return queryIn(t, ctx, c.URL("postgres"), sql)
	}
	for setting, want := range map[string]string{"max_connections": "42", "fsync": "on", "full_page_writes": "on", "synchronous_commit": "on", "server_encoding": "UTF8", "lc_collate": "C"} {
		if got := query("SHOW " + setting); got != want {
			t.Errorf("%s = %q, want %q", setting, got, want)
		}
	}
	if conn, err := pgx.Connect(ctx, strings.Replace(c.URL("postgres"), "postgres@", "nobody@", 1)); err == nil {
		conn.Close(ctx)
		t.Error("the HBA reject line was not applied")
	}

	if err := c.CreateDatabase(ctx, "app", ""); err != nil {
		t.Fatal(err)
	}
	exec := func(sql string) {
		t.Helper()
		conn, err := pgx.Connect(ctx, c.URL("app"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	exec("CREATE TABLE kept (n int); INSERT INTO kept VALUES (1)")

	if err := c.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if c.Running() {
		t.Error("Running after Stop")
	}
	if conn, err := pgx.Connect(ctx, c.URL("app")); err == nil {
		conn.Close(ctx)
		t.Fatal("connected to a stopped server")
	}
	if err := c.Stop(ctx); err != nil {
		t.Errorf("second Stop: %v", err)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if c.Port() != port || c.DataDir() != dataDir {
		t.Errorf("Start moved the cluster: port %d→%d, dir %s→%s", port, c.Port(), dataDir, c.DataDir())
	}
	exec("INSERT INTO kept VALUES (2)")
	if err := c.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	exec("INSERT INTO kept VALUES (3)")
	if err := c.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if got := queryIn(t, ctx, c.URL("app"), "SELECT string_agg(n::text, ',' ORDER BY n) FROM kept"); got != "1,2,3" {
		t.Errorf("after crash recovery kept = %s, want 1,2,3", got)
	}
	if log, err := os.ReadFile(c.LogPath()); err != nil || !strings.Contains(string(log), "not properly shut down") {
		t.Errorf("the log shows no crash recovery after Kill (err %v)", err)
	}

	root := filepath.Dir(dataDir)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := os.Stat(root); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Close left %s behind (stat: %v)", root, err)
	}
	assertNoPostgres(t, root)
	if err := c.Start(ctx); err == nil {
		t.Error("Start after Close succeeded")
	}
}

func queryIn(t *testing.T, ctx context.Context, url, sql string) string {
	t.Helper()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var s string
	if err := conn.QueryRow(ctx, sql).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestStartFailureShowsLog starts a cluster with a setting the server
// rejects: the error must carry the server log's explanation.
func TestStartFailureShowsLog(t *testing.T) {
	pgtest.SkipIfDisabled(t)
	_, err := pgtest.Start(pgtest.Context(t), pgtest.Options{Settings: map[string]string{"shared_buffers": "not-a-size"}})
	if err == nil {
		t.Fatal("Start succeeded with an invalid setting")
	}
	if !strings.Contains(err.Error(), "shared_buffers") || !strings.Contains(err.Error(), "server log") {
		t.Errorf("error does not show the server log:\n%v", err)
	}
}

func TestExecFiles(t *testing.T) {
	ctx := pgtest.Context(t)
	url := pgtest.URL(t)
	dir := t.TempDir()
	first, second := filepath.Join(dir, "schema.sql"), filepath.Join(dir, "seed.sql")
	if err := os.WriteFile(first, []byte("CREATE TABLE notes (id int PRIMARY KEY);\nCREATE INDEX ON notes (id);"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(second, []byte("INSERT INTO notes VALUES (1), (2);"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := pgtest.ExecFiles(first, second)(ctx, url); err != nil {
		t.Fatal(err)
	}
	if got := queryIn(t, ctx, url, "SELECT count(*)::text FROM notes"); got != "2" {
		t.Errorf("notes = %s, want 2", got)
	}
	err := pgtest.ExecFiles(filepath.Join(dir, "missing.sql"))(ctx, url)
	if err == nil {
		t.Error("a missing file is no error")
	}
}

// TestInitdbFailureCleansUp uses an initdb that records its data
// directory and fails: the error shows its output and the directory is
// removed.
func TestInitdbFailureCleansUp(t *testing.T) {
	// As root the programs run as the postgres user, which must reach
	// them and write the record.
	bin, err := os.MkdirTemp("", "pgtest-fake-bin-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(bin) })
	if err := os.Chmod(bin, 0o777); err != nil {
		t.Fatal(err)
	}
	record := filepath.Join(bin, "pgdata")
	script := "#!/bin/sh\necho \"$2\" > " + record + "\necho 'initdb: simulated failure' >&2\nexit 1\n"
	for _, name := range []string{"initdb", "postgres", "pg_ctl"} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	_, err = pgtest.Start(pgtest.Context(t), pgtest.Options{BinDir: bin})
	if err == nil || !strings.Contains(err.Error(), "simulated failure") {
		t.Fatalf("err = %v", err)
	}
	data, rerr := os.ReadFile(record)
	if rerr != nil {
		t.Fatalf("initdb did not run: %v", rerr)
	}
	root := filepath.Dir(strings.TrimSpace(string(data)))
	if !strings.Contains(root, "cpcgen-pgtest-") {
		t.Fatalf("unexpected data directory %s", data)
	}
	if exists(root) {
		t.Errorf("%s is left behind after a failed Start", root)
	}
}

// TestExternalServer runs a child test binary with CPCGEN_TEST_DATABASE_URL
// set to this binary's cluster: it must use that server and refuse to
// stop it.
func TestExternalServer(t *testing.T) {
	c := pgtest.Current(t)
	out, err := runChild(t, "external", pgtest.EnvDatabaseURL+"="+c.AdminURL())
	if err != nil {
		t.Fatalf("child failed: %v\n%s", err, out)
	}
	if !strings.Contains(out, fmt.Sprintf("port=%d", c.Port())) {
		t.Errorf("child did not use this cluster:\n%s", out)
	}
}

// TestNoLeftovers runs child test binaries that start a cluster and then
// exit normally, fail, panic, or are killed; in every case the server
// processes and the directory must be gone afterwards.
func TestNoLeftovers(t *testing.T) {
	pgtest.SkipIfDisabled(t)
	for _, mode := range []string{"pass", "fail", "panic", "sigterm", "sigkill"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			out, _ := runChild(t, mode)
			var pid int
			var root string
			for _, line := range strings.Split(out, "\n") {
				if rest, ok := strings.CutPrefix(line, "CLUSTER "); ok {
					fmt.Sscanf(rest, "%d %s", &pid, &root)
				}
			}
			if pid == 0 || root == "" {
				t.Fatalf("child did not report its cluster:\n%s", out)
			}
			// The watcher cleans up asynchronously after a kill; give it a
			// generous bound.
			deadline := time.Now().Add(30 * time.Second)
			for time.Now().Before(deadline) {
				if !alive(pid) && !exists(root) {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			if alive(pid) {
				t.Errorf("postmaster %d still runs after the child exited", pid)
			}
			if exists(root) {
				t.Errorf("%s still exists after the child exited", root)
			}
			assertNoPostgres(t, root)
		})
	}
}

// TestWithoutMainOrServer checks the two ways a test gets no database:
// without pgtest.Main it fails and says how to fix it; with
// CPCGEN_TEST_SKIP_DB=1 it is skipped.
func TestWithoutMainOrServer(t *testing.T) {
	out, err := runChild(t, "nomain")
	if err == nil || !strings.Contains(out, "add func TestMain(m *testing.M) { pgtest.Main(m) }") || strings.Contains(out, "not reached") {
		t.Errorf("without Main: err %v, output:\n%s", err, out)
	}
	out, err = runChild(t, "skip", pgtest.EnvSkipDB+"=1")
	if err != nil || !strings.Contains(out, "--- SKIP: TestChild") || !strings.Contains(out, pgtest.EnvSkipDB+"=1") {
		t.Errorf("with %s=1: err %v, output:\n%s", pgtest.EnvSkipDB, err, out)
	}
}

// runChild runs this test binary as a child in the given mode.
func runChild(t *testing.T, mode string, env ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestChild$", "-test.v")
	cmd.Env = append(os.Environ(), "PGTEST_CHILD="+mode)
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// childMain is TestMain in a child process; TestChild does the work.
func childMain(m *testing.M) int {
	switch os.Getenv("PGTEST_CHILD") {
	case "external":
	case "nomain":
		return m.Run()
	default:
		os.Unsetenv(pgtest.EnvDatabaseURL)
	}
	pgtest.Main(m)
	return 0 // not reached: Main exits
}

// TestChild acts as told by PGTEST_CHILD; it only runs in a child.
func TestChild(t *testing.T) {
	mode := os.Getenv("PGTEST_CHILD")
	if mode == "" {
		t.Skip("only runs as a child of TestNoLeftovers and TestExternalServer")
	}
	if mode == "nomain" {
		pgtest.URL(t)
		t.Log("not reached")
		return
	}
	c := pgtest.Current(t)
	db := pgtest.Open(t)
	ctx := pgtest.Context(t)
	if mode == "external" {
		fmt.Printf("port=%d\n", c.Port())
		if err := c.Stop(ctx); err == nil || !strings.Contains(err.Error(), pgtest.EnvDatabaseURL) {
			t.Errorf("Stop on an external server: %v", err)
		}
		if err := db.Ping(ctx); err != nil {
			t.Error(err)
		}
		return
	}
	pid, err := postmasterPID(c.DataDir())
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("CLUSTER %d %s\n", pid, filepath.Dir(c.DataDir()))
	switch mode {
	case "fail":
		t.Error("failing on purpose")
	case "panic":
		panic("panicking on purpose")
	case "sigterm":
		_ = syscall.Kill(os.Getpid(), syscall.SIGTERM)
		time.Sleep(time.Minute)
	case "sigkill":
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		time.Sleep(time.Minute)
	case "pooler":
		checkBehindPooler(t, c, db)
	}
}

func postmasterPID(dataDir string) (int, error) {
	data, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil {
		return 0, err
	}
	first, _, _ := strings.Cut(string(data), "\n")
	return strconv.Atoi(strings.TrimSpace(first))
}

func alive(pid int) bool {
	return syscall.Kill(pid, 0) == nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// assertNoPostgres fails when a process of the cluster in root still
// runs: one whose command line or working directory is in root.
func assertNoPostgres(t *testing.T, root string) {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		cl := strings.ReplaceAll(string(cmdline), "\x00", " ")
		// Every server process works in the data directory.
		cwd, _ := os.Readlink(filepath.Join("/proc", e.Name(), "cwd"))
		if strings.Contains(cl, root+"/data") || strings.HasPrefix(cwd, root+"/") {
			t.Errorf("process %d still runs: %s (in %s)", pid, cl, cwd)
		}
	}
}
