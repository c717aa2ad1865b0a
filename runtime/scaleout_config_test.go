package runtime_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestScaleOutConfigFromEnv(t *testing.T) {
	clearEnv(t)
	t.Setenv("DATABASE_URL", "postgres://app@primary/app")
	t.Setenv("CPCGEN_REPLICA_URLS", " postgres://app@replica1/app , postgres://app@replica2/app")
	t.Setenv("CPCGEN_REPLICA_POLICY", "least_busy")
	t.Setenv("CPCGEN_READ_YOUR_WRITES", "2s")
	t.Setenv("CPCGEN_MAX_REPLICA_LAG", "500ms")
	t.Setenv("CPCGEN_REPLICA_RETRY", "3s")
	t.Setenv("CPCGEN_POOLER", "pgbouncer")
	t.Setenv("CPCGEN_STATEMENT_MODE", "exec")
	got, err := runtime.ConfigFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	want := runtime.Config{
		URL:            "postgres://app@primary/app",
		ReplicaURLs:    []string{"postgres://app@replica1/app", "postgres://app@replica2/app"},
		ReplicaPolicy:  runtime.ReplicaLeastBusy,
		ReadYourWrites: 2 * time.Second, MaxReplicaLag: 500 * time.Millisecond, ReplicaRetry: 3 * time.Second,
		Pooler: runtime.PoolerPgBouncer, StatementMode: runtime.StatementModeExec,
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreUnexported(runtime.Config{})); diff != "" {
		t.Errorf("ConfigFromEnv (-want +got):\n%s", diff)
	}
}

func TestScaleOutConfigErrors(t *testing.T) {
	const secret = "S3cret-Pw"
	cfg := runtime.Config{
		URL:            "postgres://app@primary/app",
		ReplicaURLs:    []string{"postgres://app:" + secret + "@replica:notaport/app", ""},
		ReplicaPolicy:  "random",
		ReadYourWrites: -time.Second,
		Pooler:         "pgpool",
		StatementMode:  "fast",
	}
	err := cfg.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		`runtime: config: ReplicaURLs[0] (CPCGEN_REPLICA_URLS) is not a valid connection string`,
		`runtime: config: ReplicaURLs[1] (CPCGEN_REPLICA_URLS) is empty`,
		`runtime: config: ReplicaPolicy (CPCGEN_REPLICA_POLICY) must be round_robin or least_busy, got "random"`,
		`runtime: config: ReadYourWrites (CPCGEN_READ_YOUR_WRITES) must not be negative, got -1s`,
		`runtime: config: Pooler (CPCGEN_POOLER) must be pgbouncer or empty, got "pgpool"`,
		`runtime: config: StatementMode (CPCGEN_STATEMENT_MODE) must be auto, prepared, describe, exec or simple, got "fast"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	assertNoSecret(t, secret, "Validate", err.Error())

	prepared := runtime.Config{URL: "postgres://app@bouncer/app", Pooler: runtime.PoolerPgBouncer, StatementMode: runtime.StatementModePrepared}
	if err := prepared.Validate(); err == nil || !strings.Contains(err.Error(), "prepared does not work behind pgbouncer in transaction pooling mode") {
		t.Errorf("prepared behind PgBouncer: %v", err)
	}

	var logs bytes.Buffer
	shown := runtime.Config{URL: "postgres://app@primary/app", ReplicaURLs: []string{"postgres://app:" + secret + "@replica/app"}, ReadYourWrites: time.Second, Pooler: runtime.PoolerPgBouncer}
	slog.New(slog.NewTextHandler(&logs, nil)).Info("config", "cfg", shown)
	assertNoSecret(t, secret, "formatting", shown.String(), fmt.Sprintf("%#v", shown), logs.String())
	want := `runtime.Config{URL: "postgres://app@primary/app", ReplicaURLs: ["postgres://app:xxxxx@replica/app"], ReadYourWrites: 1s, Pooler: pgbouncer}`
	if got := shown.String(); got != want {
		t.Errorf("String() =\n%s\nwant\n%s", got, want)
	}
}

func TestStatementModeChoice(t *testing.T) {
	pgtest.SkipIfDisabled(t)
	if pgtest.CurrentPooler(t) != nil {
		t.Skip("the URLs handed out behind " + pgtest.EnvPooler + " carry a statement mode of their own")
	}
	url := pgtest.URL(t)
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	for _, c := range []struct {
		name string
		cfg  runtime.Config
		want runtime.StatementMode
	}{
		{"default", runtime.Config{URL: url}, runtime.StatementModePrepared},
		{"behind a pooler", runtime.Config{URL: url, Pooler: runtime.PoolerPgBouncer}, runtime.PoolerStatementMode},
		{"set", runtime.Config{URL: url, StatementMode: runtime.StatementModeSimple}, runtime.StatementModeSimple},
		{"auto spelled out", runtime.Config{URL: url, StatementMode: "auto"}, runtime.StatementModePrepared},
		{"from the URL", runtime.Config{URL: url + sep + "default_query_exec_mode=exec"}, runtime.StatementModeExec},
		{"URL before pooler", runtime.Config{URL: url + sep + "default_query_exec_mode=simple_protocol", Pooler: runtime.PoolerPgBouncer}, runtime.StatementModeSimple},
		{"set wins over URL", runtime.Config{URL: url + sep + "default_query_exec_mode=exec", StatementMode: runtime.StatementModeDescribe}, runtime.StatementModeDescribe},
	} {
		t.Run(c.name, func(t *testing.T) {
			db, err := runtime.Open(testContext(t), c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if got := db.StatementMode(); got != c.want {
				t.Errorf("StatementMode() = %q, want %q", got, c.want)
			}
			qm, _ := c.want.QueryExecMode()
			if got := db.Pool().Config().ConnConfig.DefaultQueryExecMode; got != qm {
				t.Errorf("pool's query exec mode %v, want %v", got, qm)
			}
			var one int
			if err := db.QueryRow(testContext(t), "SELECT $1::int", 1).Scan(&one); err != nil || one != 1 {
				t.Errorf("statement in mode %s: %d, %v", db.StatementMode(), one, err)
			}
		})
	}
	if p := runtime.StatementModeDescribe.ConnParam(); p != "cache_describe" {
		t.Errorf("ConnParam = %q", p)
	}
}

func TestPreparedStatementErrorsHintAtThePooler(t *testing.T) {
	for _, code := range []string{"26000", "42P05"} {
		err := runtime.Wrap(&pgconn.PgError{Code: code, Message: `prepared statement "stmtcache_0123abcd" does not exist`}, "accounts.FindByID", "accounts")
		if !strings.Contains(err.Error(), "CPCGEN_POOLER=pgbouncer") {
			t.Errorf("%s: %v", code, err)
		}
	}
	err := runtime.Wrap(&pgconn.PgError{Code: "26000", Message: `prepared statement "mine" does not exist`}, "x.Y", "")
	if strings.Contains(err.Error(), "PgBouncer") {
		t.Errorf("a prepared statement of the application's own: %v", err)
	}
}
