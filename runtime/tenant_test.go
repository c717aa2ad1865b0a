package runtime_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// testTenantKey returns a random tenant key.
func testTenantKey(t testing.TB) *runtime.TenantKey {
	t.Helper()
	raw := make([]byte, 32)
	_, _ = rand.Read(raw)
	key, err := runtime.NewTenantKey(raw)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// TestTenantToken checks the token's layout and that its mac is
// HMAC-SHA256 under the key, as the pads compute it too.
func TestTenantToken(t *testing.T) {
	raw := bytes.Repeat([]byte{7}, 40)
	key, err := runtime.NewTenantKey(raw)
	if err != nil {
		t.Fatal(err)
	}
	exp := time.Unix(1_800_000_000, 0)
	for _, tenant := range []string{"123e4567-e89b-12d3-a456-426614174000", "42", "acme.corp", "ünïcode"} {
		tok := key.Token(tenant, 4711, exp)
		parts := strings.SplitN(tok, ".", 6)
		if len(parts) != 6 || parts[0] != "v1" || parts[1] != key.ID() || parts[2] != "0000004711" || parts[3] != "001800000000" || parts[5] != tenant {
			t.Fatalf("token %q", tok)
		}
		if len(tok) != 109+len(tenant) || tok[109:] != tenant {
			t.Fatalf("the tenant does not start at byte 110: %q", tok)
		}
		mac := hmac.New(sha256.New, raw)
		mac.Write([]byte(tok[:44] + tenant))
		if want := hex.EncodeToString(mac.Sum(nil)); parts[4] != want {
			t.Fatalf("mac %s, want %s", parts[4], want)
		}
		inner, outer := key.Pads()
		h := sha256.Sum256(append(append([]byte(nil), inner...), []byte(tok[:44]+tenant)...))
		h2 := sha256.Sum256(append(append([]byte(nil), outer...), h[:]...))
		if hex.EncodeToString(h2[:]) != parts[4] {
			t.Fatal("the pads do not compute the mac")
		}
	}
	if key.Token("a", 0, exp)[20:30] != "0000000000" {
		t.Fatal("an unbound token has a pid")
	}
	for _, n := range []int{0, 31, 65} {
		if _, err := runtime.NewTenantKey(make([]byte, n)); err == nil {
			t.Errorf("a %d-byte key is accepted", n)
		}
	}
	other, _ := runtime.NewTenantKey(bytes.Repeat([]byte{8}, 40))
	if other.ID() == key.ID() || len(key.ID()) != 16 {
		t.Fatalf("ids %q %q", key.ID(), other.ID())
	}
}

// TestTenantKeyNeverShown checks that no formatting path shows the key,
// nor any error about a bad one.
func TestTenantKeyNeverShown(t *testing.T) {
	raw := make([]byte, 32)
	_, _ = rand.Read(raw)
	enc := base64.StdEncoding.EncodeToString(raw)
	key, err := runtime.ParseTenantKey(enc)
	if err != nil {
		t.Fatal(err)
	}
	inner, outer := key.Pads()
	secrets := []string{enc, base64.RawURLEncoding.EncodeToString(raw), hex.EncodeToString(raw), string(raw),
		hex.EncodeToString(inner), hex.EncodeToString(outer)}
	cfg := runtime.Config{URL: "postgres://app@db/app", TenantKey: key}
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "key", key, "cfg", cfg)
	js, _ := json.Marshal(map[string]any{"key": key, "cfg": cfg})
	outputs := []string{key.String(), fmt.Sprint(key), fmt.Sprintf("%+v %#v %s %q %x", key, key, key, key, key),
		cfg.String(), fmt.Sprintf("%v %+v %#v", cfg, cfg, cfg), logged.String(), string(js)}
	for _, bad := range []string{enc[:20], enc + "!!", base64.StdEncoding.EncodeToString(raw[:20]), base64.StdEncoding.EncodeToString(bytes.Repeat(raw, 3))} {
		_, err := runtime.ParseTenantKey(bad)
		if err == nil {
			t.Fatalf("bad key %d accepted", len(bad))
		}
		outputs = append(outputs, err.Error())
		t.Setenv(runtime.EnvTenantKey, bad)
		_, err = runtime.ConfigFromEnv()
		if err == nil || !strings.Contains(err.Error(), runtime.EnvTenantKey) {
			t.Fatalf("ConfigFromEnv with a bad key: %v", err)
		}
		outputs = append(outputs, err.Error())
		_, err = runtime.TenantKeyOf()
		outputs = append(outputs, err.Error())
		secrets = append(secrets, bad)
	}
	for _, out := range outputs {
		if !strings.Contains(out, key.ID()) && !strings.Contains(out, "tenant key") && !strings.Contains(out, runtime.EnvTenantKey) {
			t.Errorf("output says nothing of the key: %q", out)
		}
		for _, s := range secrets {
			for i := 0; i+8 <= len(s); i++ {
				if strings.Contains(out, s[i:i+8]) {
					t.Fatalf("output %q shows part of a key", out)
				}
			}
		}
	}
}

// tenantSchema creates the tenant key table, cpcgen_tenant() and a table
// with a policy, as the generated schema does, in the database at url,
// and installs key.
func tenantSchema(t *testing.T, url string, key *runtime.TenantKey) {
	t.Helper()
	ctx := testContext(t)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, sql := range []string{
		"CREATE TABLE " + runtime.TenantKeyTable + " (id text PRIMARY KEY, inner_key bytea NOT NULL, outer_key bytea NOT NULL, added_at timestamptz NOT NULL DEFAULT now())",
		runtime.TenantFunctionSQL, runtime.TenantPrivilegesSQL,
		"CREATE TABLE notes (id serial PRIMARY KEY, org text NOT NULL, body text NOT NULL)",
		"INSERT INTO notes (org, body) SELECT o, o || ' ' || g FROM unnest(ARRAY['a', 'b']) o, generate_series(1, 3) g",
		"ALTER TABLE notes ENABLE ROW LEVEL SECURITY",
		"ALTER TABLE notes FORCE ROW LEVEL SECURITY",
		"CREATE POLICY p ON notes USING (org = (SELECT cpcgen_tenant())) WITH CHECK (org = (SELECT cpcgen_tenant()))",
	} {
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	if err := runtime.InstallTenantKey(ctx, conn, key); err != nil {
		t.Fatal(err)
	}
}

// tenantDatabase makes a database with the tenant schema (tenantSchema)
// under a new key, and returns the key, the database's URL and its URL
// for the application's role (pgtest.AppURL).
func tenantDatabase(t *testing.T) (key *runtime.TenantKey, url, app string) {
	t.Helper()
	key = testTenantKey(t)
	url = pgtest.URL(t)
	tenantSchema(t, url, key)
	return key, url, pgtest.AppURL(t, url)
}

// TestTenantTokenVerified checks cpcgen_tenant() on a server, as the
// application's role: a token the runtime signs gives its tenant; one
// signed with another key, altered, bound to another backend, expired,
// or a plain tenant gives none; the role cannot read the keys.
func TestTenantTokenVerified(t *testing.T) {
	ctx := testContext(t)
	key, url, app := tenantDatabase(t)
	db, err := runtime.Open(ctx, runtime.Config{URL: app, TenantKey: key})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := runtime.CheckTenantKey(ctx, db); err != nil {
		t.Fatal(err)
	}
	count := func(d runtime.DBTX) int {
		t.Helper()
		var n int
		if err := d.QueryRow(ctx, "SELECT count(*) FROM notes").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(runtime.Scope(db, "a")); n != 3 {
		t.Fatalf("tenant a counts %d notes, want 3", n)
	}
	if n := count(db); n != 0 {
		t.Fatalf("no tenant counts %d notes", n)
	}
	// Tokens made by hand, sent on one connection.
	conn, err := db.Pool().Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	pid := conn.Conn().PgConn().PID()
	other := testTenantKey(t)
	later := time.Now().Add(time.Minute)
	good := key.Token("a", pid, later)
	for name, tok := range map[string]string{
		"other key":       other.Token("a", pid, later),
		"other backend":   key.Token("a", pid+1, later),
		"expired":         key.Token("a", pid, time.Now().Add(-time.Second)),
		"tenant changed":  good[:109] + "b",
		"tenant extended": good + "x",
		"mac changed":     good[:44] + strings.Repeat("0", 64) + good[108:],
		"pid changed":     good[:20] + "0000000000" + good[30:],
		"expiry changed":  good[:31] + "999999999999" + good[43:],
		"plain tenant":    "a",
		"truncated":       good[:100],
		"garbage":         strings.Repeat("v1.", 60),
	} {
		var n int
		var got *string
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, "SELECT set_config($1, $2, true)", runtime.TenantSetting, tok); err != nil {
				return err
			}
			return tx.QueryRow(ctx, "SELECT (SELECT count(*) FROM notes), cpcgen_tenant()").Scan(&n, &got)
		})
		if err != nil || n != 0 || got != nil {
			t.Errorf("%s: %d notes, tenant %v, %v; want none", name, n, got, err)
		}
	}
	for name, tok := range map[string]string{"bound": good, "unbound": key.Token("a", 0, later)} {
		var n int
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, "SELECT set_config($1, $2, true)", runtime.TenantSetting, tok); err != nil {
				return err
			}
			return tx.QueryRow(ctx, "SELECT count(*) FROM notes").Scan(&n)
		})
		if err != nil || n != 3 {
			t.Errorf("%s token: %d notes, %v; want 3", name, n, err)
		}
	}
	// The keys are the owner's.
	if _, err := conn.Exec(ctx, "SELECT * FROM "+runtime.TenantKeyTable); err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("the application's role reads the keys: %v", err)
	}
	if _, err := runtime.InstalledTenantKeys(ctx, db); err == nil {
		t.Error("the application's role lists the keys")
	}
	// A key the database does not hold, as CheckTenantKey explains.
	db2, err := runtime.Open(ctx, runtime.Config{URL: app, TenantKey: other})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	if err := runtime.CheckTenantKey(ctx, db2); !errors.Is(err, runtime.ErrTenantNotVerified) || !strings.Contains(err.Error(), other.ID()) || !strings.Contains(err.Error(), "tenant-key add") {
		t.Errorf("CheckTenantKey with an unknown key: %v", err)
	}
	if n := count(runtime.Scope(db2, "a")); n != 0 {
		t.Errorf("an unknown key sees %d notes", n)
	}
	// Rotation: the owner adds the new key, the application moves to it,
	// the owner removes the old one.
	owner, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close(ctx)
	if err := runtime.InstallTenantKey(ctx, owner, other); err != nil {
		t.Fatal(err)
	}
	if n := count(runtime.Scope(db2, "a")); n != 3 {
		t.Errorf("after adding the new key, it sees %d notes", n)
	}
	if ok, err := runtime.RemoveTenantKey(ctx, owner, key.ID()); !ok || err != nil {
		t.Fatalf("remove: %v %v", ok, err)
	}
	if n := count(runtime.Scope(db, "a")); n != 0 {
		t.Errorf("a removed key still sees %d notes", n)
	}
	keys, err := runtime.InstalledTenantKeys(ctx, owner)
	if err != nil || len(keys) != 1 || keys[0].ID != other.ID() {
		t.Errorf("installed keys %+v, %v", keys, err)
	}
}

// TestNoTenantKey checks that a scoped statement on a connection without
// a key fails before anything is sent.
func TestNoTenantKey(t *testing.T) {
	ctx := testContext(t)
	t.Setenv(runtime.EnvTenantKey, "")
	db := openDB(t, runtime.Config{}, "CREATE TABLE marks (n int)")
	_, err := runtime.Scope(db, "a").Exec(ctx, "INSERT INTO marks VALUES (1)")
	var de *runtime.DbError
	if !errors.Is(err, runtime.ErrNoTenantKey) || !errors.As(err, &de) || de.Kind != runtime.KindMisuse {
		t.Fatalf("no key: %v", err)
	}
	var n int
	if err := db.QueryRow(ctx, "SELECT count(*) FROM marks").Scan(&n); err != nil || n != 0 {
		t.Fatalf("the statement ran without a key: %d rows, %v", n, err)
	}
}

// TestTenantResetOnRelease checks that a tenant or an audit actor set for
// the session does not outlive the connection's use: the next user of
// the pooled connection sees neither setting.
func TestTenantResetOnRelease(t *testing.T) {
	ctx := testContext(t)
	for _, mode := range []string{"runtime.Open", "pgxpool"} {
		url := pgtest.URL(t)
		var d runtime.DBTX
		switch mode {
		case "runtime.Open":
			db, err := runtime.Open(ctx, runtime.Config{URL: url, MaxConns: 1, TenantKey: testTenantKey(t)})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			d = db
		default:
			d = callerPool(t, url, 9, nil)
		}
		var pid1, pid2 int
		if err := d.QueryRow(ctx, "SELECT pg_backend_pid() FROM (SELECT set_config($1, 'planted', false), set_config($2, 'mallory', false)) x", runtime.TenantSetting, runtime.ActorSetting).Scan(&pid1); err != nil {
			t.Fatal(err)
		}
		var tenant, actor *string
		if err := d.QueryRow(ctx, "SELECT pg_backend_pid(), nullif(current_setting($1, true), ''), nullif(current_setting($2, true), '')", runtime.TenantSetting, runtime.ActorSetting).Scan(&pid2, &tenant, &actor); err != nil {
			t.Fatal(err)
		}
		if pid1 != pid2 {
			t.Fatalf("%s: two connections (%d, %d) in a pool of one", mode, pid1, pid2)
		}
		if tenant != nil {
			t.Errorf("%s: the next user of the connection sees the tenant setting %q", mode, *tenant)
		}
		if actor != nil {
			t.Errorf("%s: the next user of the connection sees the actor %q", mode, *actor)
		}
	}
}

// TestTempTablesDiscardedOnRelease checks that a temporary table made on
// a pooled connection, by SQL injected into one tenant's statement say,
// does not outlive that use of the connection: it would take the place
// of the table of the same name in the next user's statements (pg_temp
// comes first in the search_path), which would write their rows into it
// for the injector to read, past row-level security.
func TestTempTablesDiscardedOnRelease(t *testing.T) {
	ctx := testContext(t)
	key, url, app := tenantDatabase(t)
	// A role that may create temporary tables, as PUBLIC may by default.
	pgtest.Exec(t, url, "DO $$ BEGIN EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO "+pgtest.AppRole+"', current_database()); END $$")
	db := openOneConn(t, app, key)
	a, b := runtime.Scope(db, "a"), runtime.Scope(db, "b")
	var pid1, pid2 int
	if _, err := a.Exec(ctx, "CREATE TEMP TABLE notes (LIKE public.notes INCLUDING ALL)"); err != nil {
		t.Fatal(err)
	}
	if err := a.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid1); err != nil {
		t.Fatal(err)
	}
	if err := b.QueryRow(ctx, "INSERT INTO notes (org, body) VALUES ('b', 'secret of b') RETURNING pg_backend_pid()").Scan(&pid2); err != nil {
		t.Fatal(err)
	}
	if pid1 != pid2 {
		t.Fatalf("two connections (%d, %d) in a pool of one", pid1, pid2)
	}
	var stolen int
	if err := a.QueryRow(ctx, "SELECT count(*) FROM pg_temp.notes").Scan(&stolen); err == nil {
		t.Fatalf("the temporary table outlived its user: it holds %d rows of the next one", stolen)
	}
	var kept int
	if err := b.QueryRow(ctx, "SELECT count(*) FROM public.notes WHERE body = 'secret of b'").Scan(&kept); err != nil || kept != 1 {
		t.Fatalf("tenant b's row in its table: %d, %v", kept, err)
	}
}

// TestPreparedStatementHijackDiscarded checks that a prepared statement
// made by SQL (PREPARE, as stacked queries injected into a hand-written
// statement can) does not reach the next user of a pooled connection.
// pgx names the statements it caches by a digest of their SQL, so such
// SQL can DEALLOCATE one and PREPARE other SQL under its name, which the
// next user would then run, with its parameters and under its tenant.
// Open's pools, a pgxpool of the caller's with runtime.AfterRelease, and
// one with runtime.SimpleQueryTracer too, close such a connection.
func TestPreparedStatementHijackDiscarded(t *testing.T) {
	ctx := testContext(t)
	key, url, app := tenantDatabase(t)
	for _, mode := range []string{"runtime.Open", "pgxpool", "pgxpool with SimpleQueryTracer"} {
		// Hand-written SQL may start with a name line, as docs/scale-out.md
		// suggests for reads a replica may serve; a tenant's goes in a
		// batch behind the statement that sets the tenant (Scope), where
		// statements do not stack but a whole statement may be the
		// caller's.
		for _, nameLine := range []string{"", "-- name: reports.Daily replica=ok\n", "scoped"} {
			var db runtime.DBTX
			switch mode {
			case "runtime.Open":
				db = openOneConn(t, app, key)
			default:
				var tracer pgx.QueryTracer
				if mode != "pgxpool" {
					tracer = runtime.SimpleQueryTracer{}
				}
				db = callerPool(t, app, 7, tracer)
				installEnvKey(t, url)
			}
			b := runtime.Scope(db, "b")
			query := "SELECT count(*), pg_backend_pid() FROM notes WHERE body <> $1 -- " + mode
			var n, pid1, pid2 int
			if err := b.QueryRow(ctx, query, "x").Scan(&n, &pid1); err != nil || n != 3 {
				t.Fatalf("%s: tenant b counts %d notes, %v; want 3", mode, n, err)
			}
			digest := sha256.Sum256([]byte(query))
			name := "stmtcache_" + hex.EncodeToString(digest[:24])
			// Hand-written SQL without arguments goes as a simple query,
			// where injected statements can stack.
			hijack := []string{nameLine + "SELECT 1; DEALLOCATE " + name + "; PREPARE " + name + " (text) AS SELECT count(*) + 1000, pg_backend_pid() FROM notes WHERE $1 IS NOT NULL"}
			injector := db
			if nameLine == "scoped" {
				hijack = []string{"DEALLOCATE " + name, "PREPARE " + name + " (text) AS SELECT count(*) + 1000, pg_backend_pid() FROM notes WHERE $1 IS NOT NULL"}
				injector = runtime.Scope(db, "a")
			}
			for _, sql := range hijack {
				if _, err := injector.Exec(ctx, sql); err != nil {
					t.Fatal(err)
				}
			}
			if err := b.QueryRow(ctx, query, "x").Scan(&n, &pid2); err != nil || n != 3 {
				t.Fatalf("%s, %q: tenant b counts %d notes, %v, after another user prepared SQL under its statement's name; want 3", mode, nameLine, n, err)
			}
			if pid1 == pid2 {
				t.Errorf("%s, %q: the connection whose statement was replaced went back to the pool (backend %d)", mode, nameLine, pid1)
			}
		}
	}
}

// TestSessionHoldsReleased: a session-level advisory lock, a cursor
// WITH HOLD or a LISTEN that SQL injected into one tenant's statement
// leaves on a pooled connection is gone when the connection is released:
// the lock would block every other connection that takes it (the
// migration runner's, say), the cursor would keep the tenant's rows in
// the session, the channel would fill its queue.
func TestSessionHoldsReleased(t *testing.T) {
	ctx := testContext(t)
	key, url, app := tenantDatabase(t)
	for _, mode := range []string{"runtime.Open", "pgxpool with a setting of its own"} {
		var db runtime.DBTX
		if mode == "runtime.Open" {
			db = openOneConn(t, app, key)
		} else {
			db = callerPool(t, app, 5, nil, "SET statement_timeout = '5min'")
			installEnvKey(t, url)
		}
		a := runtime.Scope(db, "a")
		var took bool
		if err := a.QueryRow(ctx, "SELECT pg_try_advisory_lock(4242)").Scan(&took); err != nil || !took {
			t.Fatalf("%s: the advisory lock: %v, %v (held by an earlier session?)", mode, took, err)
		}
		for _, sql := range []string{"DECLARE held CURSOR WITH HOLD FOR SELECT * FROM notes", "LISTEN tenant_news"} {
			if _, err := a.Exec(ctx, sql); err != nil {
				t.Fatalf("%s: %s: %v", mode, sql, err)
			}
		}
		var cursors, channels int
		if err := db.QueryRow(ctx, "SELECT (SELECT count(*) FROM pg_cursors WHERE name = $1), (SELECT count(*) FROM pg_listening_channels())", "held").Scan(&cursors, &channels); err != nil {
			t.Fatal(err)
		}
		if cursors != 0 || channels != 0 {
			t.Errorf("%s: the next user's session holds %d cursors and listens on %d channels", mode, cursors, channels)
		}
		other, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		var locked bool
		err = other.QueryRow(ctx, "SELECT NOT pg_try_advisory_xact_lock(4242)").Scan(&locked)
		other.Close(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if locked {
			t.Errorf("%s: the advisory lock a released session took is still held", mode)
		}
	}
}

// TestStackedBatchMarked: in the simple statement mode pgx sends a batch
// as one simple query, where a statement holding a semicolon stacks
// others; SimpleQueryTracer marks the connection, so AfterRelease finds
// the statement such a batch prepared and closes the connection.
func TestStackedBatchMarked(t *testing.T) {
	ctx := testContext(t)
	key, _, app := tenantDatabase(t)
	db, err := runtime.Open(ctx, runtime.Config{URL: app, MaxConns: 1, TenantKey: key, StatementMode: runtime.StatementModeSimple})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	pid := func() (pid int) {
		t.Helper()
		if err := db.QueryRow(ctx, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
			t.Fatal(err)
		}
		return pid
	}
	before := pid()
	b := &pgx.Batch{}
	b.Queue("SELECT 1")
	b.Queue("SELECT 2; PREPARE planted AS SELECT 3")
	if err := db.SendBatch(ctx, b).Close(); err != nil {
		t.Fatal(err)
	}
	if after := pid(); after == before {
		t.Errorf("the connection on which a batch prepared a statement went back to the pool (backend %d)", before)
	}
}

// TestPlantedSessionSettingsOnRelease checks that a search_path, a role,
// a client encoding, time zone, date or interval style set for the
// session, by SQL injected into one tenant's statement say,
// even one that binds arguments (set_config needs no stacked statement),
// does not reach the next user of a pooled connection. Given a schema
// the role may create in (which CheckAppRole refuses), a table there
// named like a tenant table would take the next users' rows past
// row-level security; a role it may SET ROLE to would run their
// statements; the others change how its values are read. Such a
// connection is closed, not returned.
func TestPlantedSessionSettingsOnRelease(t *testing.T) {
	ctx := testContext(t)
	key, url, app := tenantDatabase(t)
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	other := "cpcgen_other_" + cfg.Database
	pgtest.Exec(t, url, "CREATE SCHEMA scratch; GRANT USAGE, CREATE ON SCHEMA scratch TO "+pgtest.AppRole)
	pgtest.Exec(t, url, "CREATE ROLE "+other+" NOLOGIN; GRANT "+other+" TO "+pgtest.AppRole)
	t.Cleanup(func() { pgtest.Exec(t, url, "DROP OWNED BY "+other+"; DROP ROLE "+other) })
	const own = "pgxpool with a setting of its own"
	for _, mode := range []string{"runtime.Open", "pgxpool", own} {
		var db runtime.DBTX
		switch mode {
		case "runtime.Open":
			db = openOneConn(t, app, key)
		case own:
			db = callerPool(t, app, 5, nil, "SET statement_timeout = '5min'")
			installEnvKey(t, url)
		default:
			db = callerPool(t, app, 5, nil)
			installEnvKey(t, url)
		}
		a, b := runtime.Scope(db, "a"), runtime.Scope(db, "b")
		for _, sql := range []string{"DROP TABLE IF EXISTS scratch.notes", "CREATE TABLE scratch.notes (LIKE public.notes INCLUDING ALL)"} {
			if _, err := a.Exec(ctx, sql); err != nil {
				t.Fatal(err)
			}
		}
		var pid1, pid2 int
		if err := a.QueryRow(ctx, "SELECT pg_backend_pid() FROM (SELECT set_config('search_path', $1, false)) x", "scratch, public").Scan(&pid1); err != nil {
			t.Fatal(err)
		}
		if err := b.QueryRow(ctx, "INSERT INTO notes (org, body) VALUES ($1, 'secret of b') RETURNING pg_backend_pid()", "b").Scan(&pid2); err != nil {
			t.Fatal(err)
		}
		var stolen int
		if err := a.QueryRow(ctx, "SELECT count(*) FROM scratch.notes").Scan(&stolen); err != nil || stolen != 0 {
			t.Errorf("%s: a search_path set for the session outlived its user (backends %d, %d): the next one's row went to scratch.notes (%d rows, %v)", mode, pid1, pid2, stolen, err)
		}
		var role string
		if err := a.QueryRow(ctx, "SELECT pg_backend_pid() FROM (SELECT set_config('role', $1, false)) x", other).Scan(&pid1); err != nil {
			t.Fatal(err)
		}
		if err := b.QueryRow(ctx, "SELECT current_user, pg_backend_pid()").Scan(&role, &pid2); err != nil {
			t.Fatal(err)
		}
		if role != pgtest.AppRole {
			t.Errorf("%s: a role set for the session outlived its user (backends %d, %d): the next one runs as %s", mode, pid1, pid2, role)
		}
		// Settings that change how the next user's values are read, and
		// that make its statements fail (reset with every setting, which
		// a pool that sets its own does not do).
		for _, set := range []struct {
			name, value string
			reset       bool
		}{
			{"client_encoding", "SJIS", false}, {"TimeZone", "Pacific/Kiritimati", false},
			{"DateStyle", "SQL, DMY", false}, {"IntervalStyle", "sql_standard", false},
			{"statement_timeout", "1ms", true}, {"default_transaction_read_only", "on", true},
		} {
			if set.reset && mode == own {
				continue
			}
			if err := a.QueryRow(ctx, "SELECT pg_backend_pid() FROM (SELECT set_config($1, $2, false)) x", set.name, set.value).Scan(&pid1); err != nil {
				t.Fatal(err)
			}
			var got string
			if err := b.QueryRow(ctx, "SELECT current_setting($1), pg_backend_pid() FROM pg_sleep(0.01)", set.name).Scan(&got, &pid2); err != nil {
				t.Fatalf("%s: after %s was set for the session: %v", mode, set.name, err)
			}
			if got == set.value {
				t.Errorf("%s: %s set for the session outlived its user (backends %d, %d)", mode, set.name, pid1, pid2)
			}
		}
		var timeout string
		if err := b.QueryRow(ctx, "SELECT current_setting('statement_timeout')").Scan(&timeout); err != nil {
			t.Fatal(err)
		}
		if want := map[bool]string{true: "5min", false: "0"}[mode == own]; timeout != want {
			t.Errorf("%s: statement_timeout %s after the releases, want %s", mode, timeout, want)
		}
	}
}

// TestPlantedSettingsBehindPgBouncer: behind PgBouncer in transaction
// pooling, AfterRelease cannot reach the server's session, so a setting
// SQL injected into one tenant's statement sets for the session (here a
// statement_timeout of a millisecond) reaches the next client's
// transactions on that server connection; with the reset
// docs/scale-out.md asks for (server_reset_query = DISCARD ALL,
// server_reset_query_always = 1) it does not.
func TestPlantedSettingsBehindPgBouncer(t *testing.T) {
	pgtest.NeedPgBouncer(t)
	ctx := testContext(t)
	key := testTenantKey(t)
	url := pgtest.DirectURL(t, pgtest.URL(t))
	tenantSchema(t, url, key)
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	for _, reset := range []bool{false, true} {
		// One server connection for both clients.
		opts := pgtest.PgBouncerOptions{PoolSize: 1}
		if reset {
			opts.Settings = map[string]string{"server_reset_query": "DISCARD ALL", "server_reset_query_always": "1"}
		}
		bouncer, err := pgtest.StartPgBouncer(ctx, pgtest.Current(t), opts)
		if err != nil {
			t.Fatal(err)
		}
		defer bouncer.Close()
		db, err := runtime.Open(ctx, runtime.Config{URL: pgtest.AppURL(t, bouncer.URL(cfg.Database, "default_query_exec_mode=cache_describe")), Pooler: runtime.PoolerPgBouncer, MaxConns: 2, TenantKey: key})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		a, b := runtime.Scope(db, "a"), runtime.Scope(db, "b")
		var n int
		if err := b.QueryRow(ctx, "SELECT count(*) FROM notes").Scan(&n); err != nil || n != 3 {
			t.Fatalf("tenant b counts %d notes, %v; want 3", n, err)
		}
		if _, err := a.Exec(ctx, "SELECT set_config('statement_timeout', $1, false)", "1ms"); err != nil {
			t.Fatal(err)
		}
		var timeout string
		err = b.QueryRow(ctx, "SELECT current_setting('statement_timeout') FROM pg_sleep(0.01)").Scan(&timeout)
		switch planted := err != nil || timeout == "1ms"; {
		case reset && planted:
			t.Errorf("with server_reset_query_always, a setting made for the session reached the next client: %q, %v", timeout, err)
		case !reset:
			t.Logf("without server_reset_query_always, the next client's statement: timeout %q, %v", timeout, err)
		}
	}
}

// openOneConn opens a runtime.DB of one connection to url with key, so
// that one user's session is the next one's; it is closed when t ends.
func openOneConn(t *testing.T, url string, key *runtime.TenantKey) *runtime.DB {
	t.Helper()
	db, err := runtime.Open(testContext(t), runtime.Config{URL: url, MaxConns: 1, TenantKey: key})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}

// callerPool opens a pgxpool of one connection to url as an application
// does without runtime.Open: runtime.AfterConnect (after the statements
// of setup) and AfterRelease, the tracer given (or none), and a tenant
// key, every byte seed, in the environment (see runtime.TenantKeyOf). It
// is closed when t ends.
func callerPool(t *testing.T, url string, seed byte, tracer pgx.QueryTracer, setup ...string) *pgxpool.Pool {
	t.Helper()
	t.Setenv(runtime.EnvTenantKey, base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{seed}, 32)))
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 1
	cfg.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
		for _, sql := range setup {
			if _, err := conn.Exec(ctx, sql); err != nil {
				return err
			}
		}
		return runtime.AfterConnect(ctx, conn)
	}
	cfg.AfterRelease = runtime.AfterRelease
	cfg.ConnConfig.Tracer = tracer
	pool, err := pgxpool.NewWithConfig(testContext(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// installEnvKey makes the key of the environment (see callerPool) the
// one installed in the database at url, in place of any other.
func installEnvKey(t *testing.T, url string) {
	t.Helper()
	ctx := testContext(t)
	key, err := runtime.TenantKeyOf()
	if err != nil {
		t.Fatal(err)
	}
	pgtest.Exec(t, url, "DELETE FROM "+runtime.TenantKeyTable)
	owner, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close(ctx)
	if err := runtime.InstallTenantKey(ctx, owner, key); err != nil {
		t.Fatal(err)
	}
}

// TestTenantBindsBackend checks that a connection's tokens are bound to
// its backend when it talks to the server directly.
func TestTenantBindsBackend(t *testing.T) {
	ctx := testContext(t)
	db := openDB(t, runtime.Config{MaxConns: 1, TenantKey: testTenantKey(t)})
	var tok string
	var pid int
	if err := runtime.Scope(db, "a").QueryRow(ctx, "SELECT current_setting($1), pg_backend_pid()", runtime.TenantSetting).Scan(&tok, &pid); err != nil {
		t.Fatal(err)
	}
	want := strconv.Itoa(pid)
	if pgtest.CurrentPooler(t) != nil {
		want = "0" // behind PgBouncer: bound to no backend
	}
	if got := strings.TrimLeft(tok[20:30], "0"); got != strings.TrimLeft(want, "0") {
		t.Fatalf("token bound to %q, backend %d (want %s)", tok[20:30], pid, want)
	}
}

// TestCheckAppRole checks that CheckAppRole refuses a superuser, a role
// that owns a table with row-level security, may create temporary tables
// or may create objects in a schema of its search_path, and a table that
// does not force it, and accepts the application's role once none of these holds.
func TestCheckAppRole(t *testing.T) {
	ctx := testContext(t)
	url := pgtest.URL(t)
	owner, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close(ctx)
	exec := func(sql string) {
		t.Helper()
		if _, err := owner.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	exec("CREATE TABLE secured (t text); ALTER TABLE secured ENABLE ROW LEVEL SECURITY")
	exec("CREATE TABLE forced (t text); ALTER TABLE forced ENABLE ROW LEVEL SECURITY; ALTER TABLE forced FORCE ROW LEVEL SECURITY")
	// The audit log's policy is not forced: its trigger writes as the owner.
	exec("CREATE TABLE cpcgen_audit_log (t text); ALTER TABLE cpcgen_audit_log ENABLE ROW LEVEL SECURITY")
	app, err := pgx.Connect(ctx, pgtest.AppURL(t, url))
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close(ctx)
	check := func(db runtime.DBTX, want ...string) {
		t.Helper()
		err := runtime.CheckAppRole(ctx, db)
		if len(want) == 0 {
			if err != nil {
				t.Fatalf("CheckAppRole: %v, want nil", err)
			}
			return
		}
		var de *runtime.DbError
		if !errors.Is(err, runtime.ErrRowLevelSecurityBypassed) || !errors.As(err, &de) || de.Kind != runtime.KindMisuse {
			t.Fatalf("CheckAppRole: %v, want ErrRowLevelSecurityBypassed", err)
		}
		for _, w := range want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("CheckAppRole: %v, want %q in it", err, w)
			}
		}
	}
	check(owner, "superuser")
	check(app, "not forced on secured")
	exec("ALTER TABLE secured FORCE ROW LEVEL SECURITY")
	check(app)
	exec("DO $$ BEGIN EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO PUBLIC', current_database()); END $$")
	check(app, "it can create temporary tables", "REVOKE TEMPORARY ON DATABASE")
	exec("DO $$ BEGIN EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database()); END $$")
	check(app)
	exec("GRANT CREATE ON SCHEMA public TO PUBLIC")
	check(app, "it can create objects in schema public", "REVOKE CREATE ON SCHEMA")
	exec("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
	check(app)
	// A schema off the search_path counts too: set_config can put it on.
	exec("CREATE SCHEMA scratch; GRANT CREATE ON SCHEMA scratch TO " + pgtest.AppRole)
	check(app, "it can create objects in schema scratch", "REVOKE CREATE ON SCHEMA")
	exec("DROP SCHEMA scratch")
	check(app)
	exec("ALTER TABLE forced OWNER TO " + pgtest.AppRole)
	check(app, "it owns forced")
}

// TestCheckAppRoleMemberships checks that CheckAppRole looks past the
// role's own attributes to the roles it can SET ROLE to: a member of a
// BYPASSRLS role, or of the tables' owner, can become it, even without
// inheriting its privileges (NOINHERIT), and so leave the policies.
func TestCheckAppRoleMemberships(t *testing.T) {
	ctx := testContext(t)
	url := pgtest.URL(t)
	suffix := strconv.FormatInt(time.Now().UnixNano(), 36)
	login, bypass, owner, creator, scratch := "app_"+suffix, "bypass_"+suffix, "owner_"+suffix, "creator_"+suffix, "scratch_"+suffix
	pgtest.Exec(t, url,
		"CREATE ROLE "+login+" LOGIN NOINHERIT",
		"CREATE ROLE "+bypass+" NOLOGIN BYPASSRLS",
		"CREATE ROLE "+owner+" NOLOGIN",
		"CREATE ROLE "+creator+" NOLOGIN",
		"CREATE SCHEMA "+scratch+" AUTHORIZATION "+creator,
		"DO $$ BEGIN EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database()); END $$",
		"CREATE TABLE guarded (t text)",
		"ALTER TABLE guarded ENABLE ROW LEVEL SECURITY",
		"ALTER TABLE guarded FORCE ROW LEVEL SECURITY",
		"ALTER TABLE guarded OWNER TO "+owner,
		"GRANT SELECT ON guarded TO "+login,
	)
	t.Cleanup(func() {
		pgtest.Exec(t, url, "DROP TABLE guarded", "DROP SCHEMA "+scratch, "DROP ROLE "+login, "DROP ROLE "+bypass, "DROP ROLE "+owner, "DROP ROLE "+creator)
	})
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.User = login
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := runtime.CheckAppRole(ctx, conn); err != nil {
		t.Fatalf("CheckAppRole of a role with no membership: %v", err)
	}
	for _, tc := range []struct{ grant, want string }{
		{bypass, "it can SET ROLE to " + bypass},
		{owner, "it owns guarded"},
		{creator, "it can create objects in schema " + scratch},
	} {
		pgtest.Exec(t, url, "GRANT "+tc.grant+" TO "+login)
		err := runtime.CheckAppRole(ctx, conn)
		if !errors.Is(err, runtime.ErrRowLevelSecurityBypassed) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("CheckAppRole of a member of %s: %v, want %q", tc.grant, err, tc.want)
		}
		pgtest.Exec(t, url, "REVOKE "+tc.grant+" FROM "+login)
	}
}
