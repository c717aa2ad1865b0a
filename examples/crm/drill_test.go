package crm_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cpcgen/cpcgen/examples/crm"
	"github.com/cpcgen/cpcgen/examples/crm/crmdb"
	"github.com/cpcgen/cpcgen/examples/internal/demotest"
	"github.com/cpcgen/cpcgen/internal/doccheck"
	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// TestDrillDumpRestore is the logical half of the drill in
// docs/operations.md. The crm example runs on a server set up as that
// guide says (an owner role that migrates, schema app, an application
// role with row rights only), with row-level security and the audit log;
// two tenants are seeded through the application role, and a third with
// some history. Then pg_dumpall --globals-only (the roles) and pg_dump
// -Fc (the database); the server is lost. On a new server: the roles,
// an empty database, its database-level grants, pg_restore. Connected as
// the application role, neither superuser nor owner, the crm tests'
// tenant checks pass on the restored database, the audit trail is there
// and grows, and the privileges, policies and revisions are those of the
// original.
//
// It takes a few seconds and runs with the package's other tests; the
// physical half, TestDrill in examples/finance, needs -tags drill.
func TestDrillDumpRestore(t *testing.T) {
	pgtest.SkipIfDisabled(t)
	if os.Getenv("CPCGEN_TEST_POOLER") != "" {
		t.Skip("the drill starts servers of its own: behind a pooler it would test nothing more")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	work := t.TempDir()

	source, err := pgtest.Start(ctx, pgtest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer source.Close()
	if err := source.CreateDatabase(ctx, "appdb", ""); err != nil {
		t.Fatal(err)
	}
	pgtest.Exec(t, source.URL("appdb"), doccheck.SQLBlock(t, "../../docs/operations.md", "grants:setup"))
	owner, err := runtime.Open(ctx, runtime.Config{URL: as(source.URL("appdb"), "app_owner")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := crm.Migrate(ctx, owner); err != nil {
		t.Fatal(err)
	}
	// The tenant key the application signs with, added by the owner
	// (cpcgen tenant-key add in docs/operations.md).
	if err := runtime.InstallTenantKey(ctx, owner, pgtest.TenantKey(t)); err != nil {
		t.Fatal(err)
	}
	owner.Close()
	pgtest.Exec(t, source.URL("appdb"), doccheck.SQLBlock(t, "../../docs/operations.md", "grants:after-first-migration"))

	app, err := runtime.Open(ctx, runtime.Config{URL: as(source.URL("appdb"), "app")})
	if err != nil {
		t.Fatal(err)
	}
	st := crmdb.NewStore(app)
	a, b, c := seed(t, st, "acme"), seed(t, st, "globex"), seed(t, st, "initrode")
	// Some history for the third: a deal moved, a customer deleted.
	moved, err := crm.MoveDeal(runtime.WithActor(c.ctx, "carol"), st, c.deals[0].ID, c.deals[0].Version, crmdb.DealStageWon)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := st.Customers.Delete(runtime.WithActor(c.ctx, "carol"), c.customers[1].ID); !ok || err != nil {
		t.Fatalf("delete: %v, %v", ok, err)
	}
	app.Close()
	before := catalog(t, ctx, source.URL("appdb"))

	// The backup: roles (cluster-wide, which pg_dump leaves out), then
	// the database.
	bin := func(name string) string { return filepath.Join(source.BinDir(), name) }
	globals, dump := filepath.Join(work, "globals.sql"), filepath.Join(work, "appdb.dump")
	start := time.Now()
	run(t, ctx, bin("pg_dumpall"), "--globals-only", "--file="+globals, "--dbname="+source.URL("postgres"))
	run(t, ctx, bin("pg_dump"), "--format=custom", "--file="+dump, source.URL("appdb"))
	dumpTook := time.Since(start)
	info, err := os.Stat(dump)
	if err != nil {
		t.Fatal(err)
	}
	if err := source.Close(); err != nil { // the server is lost
		t.Fatal(err)
	}

	// The restore, on a new server.
	target, err := pgtest.Start(ctx, pgtest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer target.Close()
	start = time.Now()
	out := run(t, ctx, bin("psql"), "--no-psqlrc", "--quiet", "--file="+globals, "--dbname="+target.URL("postgres"))
	// The bootstrap superuser exists on every server; nothing else may fail.
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "ERROR:") && !strings.Contains(line, `role "postgres" already exists`) {
			t.Errorf("restoring the roles: %s", line)
		}
	}
	if err := target.CreateDatabase(ctx, "appdb", ""); err != nil {
		t.Fatal(err)
	}
	pgtest.Exec(t, target.URL("appdb"), doccheck.SQLBlock(t, "../../docs/operations.md", "restore:database"))
	run(t, ctx, bin("pg_restore"), "--exit-on-error", "--dbname="+target.URL("appdb"), dump)
	restoreTook := time.Since(start)
	if after := catalog(t, ctx, target.URL("appdb")); after != before {
		t.Errorf("privileges, policies or revisions differ after the restore:\nbefore:\n%s\nafter:\n%s", before, after)
	}

	// The application's role on the restored database.
	app, err = runtime.Open(ctx, runtime.Config{URL: as(target.URL("appdb"), "app")})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	var super, owns bool
	if err := app.QueryRow(ctx, "SELECT rolsuper, EXISTS (SELECT FROM pg_tables WHERE tableowner = current_user) FROM pg_roles WHERE rolname = current_user").Scan(&super, &owns); err != nil || super || owns {
		t.Fatalf("the application's role: superuser %v, owns tables %v (%v); want neither", super, owns, err)
	}
	st = crmdb.NewStore(app)
	checkTenantIsolation(t, st, a, b)
	conn, err := pgx.Connect(ctx, as(target.URL("appdb"), "app"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	checkRowLevelSecurity(t, ctx, conn, a, b)

	// The audit log came along, and the application still writes it.
	trail, err := st.Deals.AuditTrail(c.ctx, moved.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(actions(trail)); got != "[create by initrode-admin update by carol]" {
		t.Errorf("restored audit trail of the moved deal: %s", got)
	}
	if _, err := crm.MoveDeal(runtime.WithActor(c.ctx, "dave"), st, moved.ID, moved.Version, crmdb.DealStageLost); err != nil {
		t.Fatal(err)
	}
	if trail, err = st.Deals.AuditTrail(c.ctx, moved.ID); err != nil || len(trail) != 3 {
		t.Errorf("audit trail after a write on the restored database: %v, %v", actions(trail), err)
	}
	if _, err := st.Customers.FindByID(c.ctx, c.customers[1].ID); err == nil {
		t.Errorf("the customer deleted before the dump is back")
	}

	// The migrations, as the owner sees them.
	ownerDB, err := runtime.Open(ctx, runtime.Config{URL: as(target.URL("appdb"), "app_owner")})
	if err != nil {
		t.Fatal(err)
	}
	defer ownerDB.Close()
	demotest.CheckMigrations(t, ctx, ownerDB, crm.Migrations())
	t.Logf("drill: logical round trip of the crm example: pg_dump -Fc %s in %v; roles, empty database and pg_restore in %v; tenant isolation, row-level security and the audit trail checked as the application role",
		fmt.Sprintf("%.1f KiB", float64(info.Size())/1024), dumpTook.Round(time.Millisecond), restoreTook.Round(time.Millisecond))
}

// as returns url with the user replaced by role.
func as(url, role string) string {
	return strings.Replace(url, pgtest.Superuser+"@", role+"@", 1)
}

// run runs a PostgreSQL client program and returns its output, failing t
// when it fails.
func run(t *testing.T, ctx context.Context, name string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), "PGOPTIONS=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
	}
	return string(out)
}

// catalog describes what a restore must keep beyond the rows: the owner
// and privileges of the schema and of every relation in it, the default
// privileges, the row-level security of each table and its policies, and
// the revisions.
func catalog(t *testing.T, ctx context.Context, url string) string {
	t.Helper()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var b strings.Builder
	for _, q := range []string{
		// A NULL ACL is the owner's default; pg_dump writes nothing for an
		// explicit ACL equal to it.
		`SELECT nspname, nspowner::regrole::text, coalesce(nspacl, acldefault('n'::"char", nspowner))::text FROM pg_namespace WHERE nspname = 'app'`,
		`SELECT c.relname, c.relkind::text, c.relowner::regrole::text,
		        coalesce(c.relacl, acldefault((CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END)::"char", c.relowner))::text,
		        c.relrowsecurity::text, c.relforcerowsecurity::text
		   FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'app' ORDER BY 1`,
		"SELECT defaclrole::regrole::text, defaclobjtype::text, defaclacl::text FROM pg_default_acl ORDER BY 1, 2",
		"SELECT tablename, policyname, cmd, coalesce(qual, ''), coalesce(with_check, '') FROM pg_policies ORDER BY 1, 2",
		"SELECT version::text, name, checksum FROM app.cpcgen_migrations ORDER BY version",
	} {
		rows, err := conn.Query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			vals, err := rows.Values()
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(&b, vals...)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return regexp.MustCompile(`[ \t]+\n`).ReplaceAllString(b.String(), "\n")
}

// actions returns the trail as "action by actor" lines.
func actions(trail []runtime.AuditEntry) []string {
	var out []string
	for _, e := range trail {
		actor := "nobody"
		if e.Actor != nil {
			actor = *e.Actor
		}
		out = append(out, e.Action+" by "+actor)
	}
	return out
}
