package pgtest_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// localPrimary returns a cluster this test may replicate: the shared one,
// or, with an external server, one of its own.
func localPrimary(t *testing.T) *pgtest.Cluster {
	t.Helper()
	c := pgtest.Current(t)
	if c.DataDir() != "" {
		return c
	}
	own, err := pgtest.Start(pgtest.Context(t), pgtest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { own.Close() })
	return own
}

func TestStartReplica(t *testing.T) {
	ctx := pgtest.Context(t)
	primary := localPrimary(t)
	if err := primary.CreateDatabase(ctx, "replicated", ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { primary.DropDatabase(context.Background(), "replicated") })
	replica, err := pgtest.StartReplica(ctx, primary, pgtest.Options{Settings: map[string]string{"hot_standby_feedback": "on"}})
	if err != nil {
		t.Fatal(err)
	}
	defer replica.Close()
	if replica.Port() == primary.Port() || replica.DataDir() == primary.DataDir() {
		t.Fatalf("replica shares the primary's port or directory")
	}
	for c, want := range map[*pgtest.Cluster]bool{primary: false, replica: true} {
		if in, err := c.InRecovery(ctx); err != nil || in != want {
			t.Errorf("port %d in recovery: %v, %v; want %v", c.Port(), in, err, want)
		}
	}
	conn, err := pgx.Connect(ctx, primary.URL("replicated"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE TABLE t AS SELECT 42 AS answer"); err != nil {
		t.Fatal(err)
	}
	if err := pgtest.WaitForReplay(ctx, replica, primary); err != nil {
		t.Fatal(err)
	}
	rconn, err := pgx.Connect(ctx, replica.URL("replicated"))
	if err != nil {
		t.Fatal(err)
	}
	defer rconn.Close(ctx)
	var answer int
	var setting string
	if err := rconn.QueryRow(ctx, "SELECT answer, current_setting('hot_standby_feedback') FROM t").Scan(&answer, &setting); err != nil || answer != 42 || setting != "on" {
		t.Errorf("read on the replica: %d, %q, %v", answer, setting, err)
	}
	if _, err := rconn.Exec(ctx, "INSERT INTO t VALUES (1)"); err == nil {
		t.Error("the replica took a write")
	}
	// It stops and starts like any cluster, and catches up.
	if err := replica.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "INSERT INTO t VALUES (43)"); err != nil {
		t.Fatal(err)
	}
	if err := pgtest.WaitForReplay(ctx, replica, primary); err != nil {
		t.Fatal(err)
	}
}

func TestPgBouncerTransactionPooling(t *testing.T) {
	pgtest.SkipIfDisabled(t)
	pgtest.NeedPgBouncer(t)
	ctx := pgtest.Context(t)
	c := pgtest.Current(t)
	// One server connection for every client: what one client prepares,
	// the next finds, so that prepared statements collide.
	b, err := pgtest.StartPgBouncer(ctx, c, pgtest.PgBouncerOptions{PoolSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if !strings.HasPrefix(b.Version(), "1.") {
		t.Errorf("Version() = %q", b.Version())
	}
	admin, err := pgconn.Connect(ctx, b.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	res, err := admin.Exec(ctx, "SHOW CONFIG").ReadAll()
	admin.Close(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var mode string
	for _, row := range res[0].Rows {
		if string(row[0]) == "pool_mode" {
			mode = string(row[1])
		}
	}
	if mode != "transaction" {
		t.Errorf("pool_mode = %q", mode)
	}

	connect := func(sm runtime.StatementMode) *pgx.Conn {
		conn, err := pgx.Connect(ctx, b.URL("postgres", "default_query_exec_mode="+sm.ConnParam()))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close(context.Background()) })
		return conn
	}
	const query = "SELECT $1::int + 1, inet_server_port()"
	for _, sm := range []runtime.StatementMode{runtime.StatementModeDescribe, runtime.StatementModeExec, runtime.StatementModeSimple} {
		a, b2 := connect(sm), connect(sm)
		for i, conn := range []*pgx.Conn{a, b2, a, b2} {
			var n, port int
			if err := conn.QueryRow(ctx, query, i).Scan(&n, &port); err != nil || n != i+1 {
				t.Errorf("%s, client %d: %d, %v", sm, i%2, n, err)
			}
			if port != c.Port() {
				t.Errorf("%s: the statement ran on port %d, not the server's %d", sm, port, c.Port())
			}
		}
	}
	a, b2 := connect(runtime.StatementModePrepared), connect(runtime.StatementModePrepared)
	var n, port int
	if err := a.QueryRow(ctx, query, 1).Scan(&n, &port); err != nil {
		t.Fatal(err)
	}
	err = b2.QueryRow(ctx, query, 1).Scan(&n, &port)
	var pgErr *pgconn.PgError
	if !errorsAs(err, &pgErr) || pgErr.Code != "42P05" {
		t.Errorf("a second client preparing the same statement through one server connection: %v; want prepared statement already exists (42P05)", err)
	}
}

// TestMainThroughPgBouncer runs a child whose Main puts PgBouncer in
// front of its cluster.
func TestMainThroughPgBouncer(t *testing.T) {
	pgtest.SkipIfDisabled(t)
	pgtest.NeedPgBouncer(t)
	for _, mode := range []string{"", "exec"} {
		out, err := runChild(t, "pooler", pgtest.EnvPooler+"=pgbouncer", pgtest.EnvStatementMode+"="+mode)
		if err != nil || !strings.Contains(out, "--- PASS: TestChild") || !strings.Contains(out, "BEHIND POOLER") {
			t.Errorf("statement mode %q: err %v, output:\n%s", mode, err, out)
		}
	}
	out, err := runChild(t, "pooler", pgtest.EnvPooler+"=pgpool")
	if err == nil || !strings.Contains(out, `CPCGEN_TEST_POOLER="pgpool": the only pooler is pgbouncer`) {
		t.Errorf("unknown pooler: err %v, output:\n%s", err, out)
	}
}

// checkBehindPooler checks, in a child run with CPCGEN_TEST_POOLER, that
// what Main hands out goes through PgBouncer.
func checkBehindPooler(t *testing.T, c *pgtest.Cluster, db *runtime.DB) {
	ctx := pgtest.Context(t)
	b := pgtest.CurrentPooler(t)
	if b == nil {
		t.Fatal("no pooler")
	}
	want := runtime.StatementMode(strings.TrimSpace(getenv(pgtest.EnvStatementMode)))
	if want == "" {
		want = runtime.PoolerStatementMode
	}
	if db.StatementMode() != want {
		t.Errorf("Open's statement mode %q, want %q", db.StatementMode(), want)
	}
	u, err := url.Parse(pgtest.URL(t))
	if err != nil || u.Port() != fmt.Sprint(b.Port()) || u.Query().Get("default_query_exec_mode") != want.ConnParam() {
		t.Errorf("URL %v (%v) does not lead to PgBouncer on port %d in mode %s", u, err, b.Port(), want)
	}
	for name, conn := range map[string]interface {
		QueryRow(context.Context, string, ...any) pgx.Row
	}{"Open": db, "Pool": pgtest.Pool(t)} {
		var port int
		var dbname string
		if err := conn.QueryRow(ctx, "SELECT inet_server_port(), current_database()").Scan(&port, &dbname); err != nil || port != c.Port() || !strings.HasPrefix(dbname, "t_") {
			t.Errorf("%s through PgBouncer: server port %d (want %d), database %q, %v", name, port, c.Port(), dbname, err)
		}
	}
	// DirectURL leads to the same database on the server itself.
	pooled := pgtest.URL(t)
	direct := pgtest.DirectURL(t, pooled)
	pu, _ := url.Parse(pooled)
	du, err := url.Parse(direct)
	if err != nil || du.Port() != fmt.Sprint(c.Port()) || du.Path != pu.Path {
		t.Errorf("DirectURL(%s) = %s (%v), want the server's port %d and the same database", pooled, direct, err, c.Port())
	}
	fmt.Println("BEHIND POOLER")
}

// TestDirectURL: without a pooler, the URLs handed out already lead to
// the server.
func TestDirectURL(t *testing.T) {
	pgtest.SkipIfDisabled(t)
	if pgtest.CurrentPooler(t) != nil {
		t.Skip("behind a pooler: checkBehindPooler covers DirectURL")
	}
	u := pgtest.URL(t)
	if got := pgtest.DirectURL(t, u); got != u {
		t.Fatalf("DirectURL(%s) = %s, want it unchanged", u, got)
	}
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }

func getenv(name string) string { return os.Getenv(name) }
