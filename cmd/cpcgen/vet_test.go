package main

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/cpcgen/cpcgen/internal/testfile"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// badQueries has two raw queries that PostgreSQL disagrees with: a
// declared column type that is wrong, and a column that does not exist.
const badQueries = `tables:
  accounts:
    columns:
      id:      {type: bigint, primary_key: true, identity: true}
      owner:   {type: text}
      balance: {type: "numeric(18,2)", default: 0}
      label:   {type: text, nullable: true}
queries:
  accounts:
    - name: Totals
      sql: |
        SELECT owner, sum(balance) AS total
        FROM accounts
        GROUP BY owner
      columns: {owner: text, total: integer}
    - name: Labels
      sql: |
        SELECT id,
               nickname
        FROM accounts WHERE owner = @owner
      params: {owner: text}
      columns: {id: bigint, nickname: text}
    - name: ByID
      sql: "SELECT id, label FROM accounts WHERE id = @id"
      params: {id: text}
      columns: {id: bigint, label: text}
    - name: Inline
      sql: "SELECT id FROM accounts WHERE nope = 1"
      columns: {id: bigint}
    - name: Paged
      sql: |
        SELECT id, owner AS who
        FROM accounts WHERE nope2 = @owner
      params: {owner: text}
      columns: {id: bigint, who: text}
      paginate: keyset
      keyset: [who, id]
`

func TestVetFindsMismatches(t *testing.T) {
	dir := newProject(t)
	testfile.Write(t, dir, "schema/app.yaml", badQueries)
	dev := pgtest.Current(t).AdminURL()
	out, _ := mustRun(t, 1, "-C", dir, "vet", "--dev-url", dev)
	contains(t, "vet", out,
		`schema/app.yaml:15:30: type mismatch: query "Totals" column "total": declared integer, server says numeric`,
		`schema/app.yaml:19:16: prepare error: query "Labels": column "nickname" does not exist (SQLSTATE 42703)`,
		`schema/app.yaml:25:16: type mismatch: query "ByID" parameter "id": declared text, server says bigint`,
		`schema/app.yaml:26:29: nullability: query "ByID" column "label": declared NOT NULL, but accounts.label allows NULL; add nullable: true`,
		`schema/app.yaml:28:43: prepare error: query "Inline": column "nope" does not exist (SQLSTATE 42703)`,
		// A raw keyset query's SQL is wrapped in a subquery: the position
		// is still the line of the query's own SQL, once for both pages.
		`schema/app.yaml:33:29: prepare error: query "Paged": column "nope2" does not exist (SQLSTATE 42703)`,
		"6 problems: 2 type mismatches, 3 prepare errors, 1 nullability")
	out, _ = mustRun(t, 1, "-C", dir, "vet", "--url", dev, "--format", "github", "--quiet")
	contains(t, "vet github", out,
		"::error file=", `schema/app.yaml,line=19,col=16,title=cpcgen vet::prepare error: query "Labels": column "nickname" does not exist (SQLSTATE 42703)`)
	if strings.Contains(out, "problems:") {
		t.Errorf("quiet github output has a summary:\n%s", out)
	}
	assertNoScratchDatabases(t, dev)
}

// TestVetMigrationsBehindSpec vets against the migrations: when they do
// not create a column the specs have, the generated statements using it
// fail to prepare, reported once per table with the statements named.
func TestVetMigrationsBehindSpec(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	dev := pgtest.Current(t).AdminURL()
	mustRun(t, 0, "-C", dir, "migrate", "diff", "init")
	out, _ := mustRun(t, 0, "-C", dir, "vet", "--dev-url", dev)
	contains(t, "vet", out, "statements prepared on the schema migrations/ produces: no problems")
	testfile.Write(t, dir, "schema/app.yaml", `tables:
  users:
    columns:
      id:    {type: uuid, primary_key: true, default: gen_random_uuid()}
      email: {type: text, unique: true}
      bio:   {type: text}
`)
	out, _ = mustRun(t, 1, "-C", dir, "vet", "--dev-url", dev)
	contains(t, "vet", out,
		`schema/app.yaml:2:3: prepare error: users.Create, users.CreateManyReturning, users.UpsertByEmail and 3 more: column "bio" of relation "users" does not exist (SQLSTATE 42703)`,
		`schema/app.yaml:2:3: prepare error: users.FindByID, users.FindAll, users.List and 3 more: column "bio" does not exist (SQLSTATE 42703)`)
}

// TestVetCleanProjects vets every golden case: what the generator
// writes prepares, and every declared type matches.
func TestVetCleanProjects(t *testing.T) {
	dev := pgtest.Current(t).AdminURL()
	cases, err := filepath.Glob("../../testdata/golden/*/cpcgen.yaml")
	if err != nil || len(cases) == 0 {
		t.Fatalf("golden cases: %v", err)
	}
	examples, _ := filepath.Glob("../../examples/*/cpcgen.yaml")
	for _, cfg := range append(cases, examples...) {
		dir := filepath.Dir(cfg)
		code, out, errOut := cpcgen(t, "-C", dir, "vet", "--dev-url", dev)
		if code != 0 || !strings.Contains(out, "no problems") {
			t.Errorf("vet %s: exit %d\n%s%s", dir, code, out, errOut)
		}
	}
}

// assertNoScratchDatabases checks that vet and check dropped their
// temporary databases.
func assertNoScratchDatabases(t *testing.T, url string) {
	t.Helper()
	if n := queryInt(t, url, "SELECT count(*) FROM pg_database WHERE datname LIKE 'cpcgen_scratch_%'"); n != 0 {
		t.Errorf("%d temporary databases left behind", n)
	}
}

// queryInt returns the integer sql selects in the database at url.
func queryInt(t *testing.T, url, sql string) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, sql).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCheckDatabase compares a live database with the migrations
// directory: unapplied migrations, a revision the directory lacks, and
// schema drift, each named.
func TestCheckDatabase(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	live := pgtest.URL(t)
	dev := pgtest.Current(t).AdminURL()
	mustRun(t, 0, "-C", dir, "generate")
	mustRun(t, 0, "-C", dir, "migrate", "diff", "init")

	out, _ := mustRun(t, 1, "-C", dir, "check", "--url", live)
	contains(t, "check before apply", out, "migrations/000001_init.up.sql: unapplied migration: 000001 (init) is not applied to ",
		"run cpcgen migrate apply", "1 problem: 1 unapplied migration")
	if strings.Contains(out, "schema drift") {
		t.Errorf("an empty database drifts from no applied migration:\n%s", out)
	}

	mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", live)
	out, _ = mustRun(t, 0, "-C", dir, "check", "--url", live, "--dev-url", dev)
	contains(t, "check after apply", out, "generated code is up to date", "migrations cover the spec",
		"1 migration(s) applied, none pending, schema matches the migrations")

	pgtest.Exec(t, live,
		`ALTER TABLE users ADD COLUMN note text`,
		`CREATE INDEX users_note_idx ON users (note)`,
		`INSERT INTO cpcgen_migrations (version, name, checksum, duration_ms) VALUES (7, 'hotfix', 'x', 1)`)
	out, _ = mustRun(t, 1, "-C", dir, "check", "--url", live)
	contains(t, "check after drift", out,
		"unknown migration: ", "has migration 000007 (hotfix) applied, which is not in migrations",
		`schema drift: `, `differs from what its applied migrations produce: drop column "users"."note" would bring it back`,
		`drop index "users_note_idx" on "users" would bring it back`,
		"3 problems: 1 unknown migration, 2 schema drift")
	out, _ = mustRun(t, 1, "-C", dir, "check", "--url", live, "--format", "github", "--quiet")
	contains(t, "github", out, "::error title=cpcgen check::schema drift: ")

	_, errOut := mustRun(t, 2, "-C", dir, "check", "--dev-url", dev)
	contains(t, "dev-url alone", errOut, "--dev-url needs --url")
	_, errOut = mustRun(t, 2, "-C", newProject(t), "check", "--url", live)
	contains(t, "no migrations", errOut, "has no migrations section")
	assertNoScratchDatabases(t, dev)
}

// TestCheckDatabasePendingRename checks a database that has every
// migration applied but the last, which renames a column through
// renamed_from (expand/contract: two files): check --url reports the
// unapplied migrations and nothing else, since the database is exactly
// what its applied migrations make.
func TestCheckDatabasePendingRename(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	live := pgtest.URL(t)
	writeUsers(t, dir, "nick: {type: text, nullable: true}")
	mustRun(t, 0, "-C", dir, "generate")
	mustRun(t, 0, "-C", dir, "migrate", "diff", "init")
	writeUsers(t, dir, "nickname: {type: text, nullable: true, renamed_from: nick}")
	mustRun(t, 0, "-C", dir, "generate")
	out, _ := mustRun(t, 0, "-C", dir, "migrate", "diff", "rename_nick")
	contains(t, "diff", out, `rename column "users"."nick" to "nickname"`)
	mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", live, "--to", "1")

	out, _ = mustRun(t, 1, "-C", dir, "check", "--url", live)
	contains(t, "check with the rename pending", out,
		"migrations/000002_rename_nick.up.sql: unapplied migration: 000002 (rename_nick) is not applied to ",
		"migrations/000003_rename_nick_backfill_users_nickname.up.sql: unapplied migration: 000003",
		"2 problems: 2 unapplied migrations")
	if strings.Contains(out, "schema drift") {
		t.Errorf("a database with a pending rename is reported as drifting:\n%s", out)
	}

	mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", live)
	out, _ = mustRun(t, 0, "-C", dir, "check", "--url", live)
	contains(t, "check after the rename", out, "3 migration(s) applied, none pending, schema matches the migrations")
}

// TestVetSchemaErrorHasPosition vets a spec whose default calls a
// function the server lacks: the problem names the default's position.
func TestVetSchemaErrorHasPosition(t *testing.T) {
	dir := newProject(t)
	testfile.Write(t, dir, "schema/app.yaml", `tables:
  users:
    columns:
      id:    {type: uuid, primary_key: true, default: no_such_uuid_fn()}
      email: {type: varchar(255), unique: true}
`)
	mustRun(t, 0, "-C", dir, "generate")
	out, _ := mustRun(t, 1, "-C", dir, "vet", "--dev-url", pgtest.Current(t).AdminURL())
	contains(t, "vet", out, "schema/app.yaml:4:55: schema error: the default of column users.id no_such_uuid_fn(): function no_such_uuid_fn() does not exist (SQLSTATE 42883)",
		"1 problem: 1 schema error")
}

// tenantSpec has a tenant table, whose row-level security policy binds
// only a role that is no superuser, has no BYPASSRLS and does not own it.
const tenantSpec = `tables:
  notes:
    columns:
      id:     {type: bigint, primary_key: true, identity: true}
      org_id: {type: uuid}
      body:   {type: text}
    tenant: org_id
`

// TestVetWarnsAboutAppRole vets with --url naming the application's
// database as four roles connect to it: the application's role
// (pgtest.AppRole: no warning), a superuser, a role with BYPASSRLS, and
// a role that owns the tenant table, whose row-level security is not
// forced. Each of the last three gets a warning naming its problem,
// which leaves the exit status 0; the temporary database is on --dev-url.
func TestVetWarnsAboutAppRole(t *testing.T) {
	dir := newProject(t)
	testfile.Write(t, dir, "schema/app.yaml", tenantSpec)
	mustRun(t, 0, "-C", dir, "generate")
	schema, err := os.ReadFile(filepath.Join(dir, "internal", "appdb", "schema.sql"))
	if err != nil {
		t.Fatal(err)
	}
	live := pgtest.URL(t)
	exec := func(sql string) {
		t.Helper()
		pgtest.Exec(t, live, sql)
	}
	exec(string(schema))
	app := pgtest.AppURL(t, live)
	suffix := strings.ReplaceAll(uuid.NewString()[:8], "-", "")
	as := func(role string) string {
		t.Helper()
		u, err := url.Parse(app)
		if err != nil {
			t.Fatal(err)
		}
		u.User = url.UserPassword(role, "vet-test")
		return u.String()
	}
	bypass, tableOwner := "vet_bypass_"+suffix, "vet_owner_"+suffix
	exec("CREATE ROLE " + bypass + " LOGIN BYPASSRLS PASSWORD 'vet-test'")
	exec("CREATE ROLE " + tableOwner + " LOGIN PASSWORD 'vet-test'")
	t.Cleanup(func() {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, live)
		if err != nil {
			return
		}
		defer conn.Close(ctx)
		_, _ = conn.Exec(ctx, "DROP TABLE IF EXISTS notes CASCADE")
		_, _ = conn.Exec(ctx, "DROP ROLE IF EXISTS "+bypass)
		_, _ = conn.Exec(ctx, "DROP ROLE IF EXISTS "+tableOwner)
	})
	dev := pgtest.Current(t).AdminURL()
	vetAs := func(dbURL string) string {
		t.Helper()
		out, _ := mustRun(t, 0, "-C", dir, "vet", "--dev-url", dev, "--url", dbURL)
		contains(t, "vet", out, "statements prepared on the specs' schema.sql: no problems")
		return out
	}

	if out := vetAs(app); strings.Contains(out, "warning") {
		t.Errorf("vet as the application's role warns:\n%s", out)
	}
	contains(t, "vet as a superuser", vetAs(live),
		"warning: row-level security: row-level security does not bind the application's role", "it is a superuser",
		"the policies of the tenant tables (notes) do not keep its statements to their tenant")
	out := vetAs(as(bypass))
	contains(t, "vet with BYPASSRLS", out, "warning: row-level security: ", "role "+bypass+": it has BYPASSRLS")
	if strings.Contains(out, "it is a superuser") || strings.Contains(out, "it owns") {
		t.Errorf("vet with BYPASSRLS names other problems:\n%s", out)
	}
	exec("ALTER TABLE notes OWNER TO " + tableOwner)
	exec("ALTER TABLE notes NO FORCE ROW LEVEL SECURITY")
	contains(t, "vet as the owner of an unforced tenant table", vetAs(as(tableOwner)),
		"warning: row-level security: ", "role "+tableOwner+": it owns notes", "row-level security is not forced on notes")
	out, _ = mustRun(t, 0, "-C", dir, "vet", "--dev-url", dev, "--url", as(tableOwner), "--format", "github")
	contains(t, "vet github", out, "::warning title=cpcgen vet::row-level security: ")
	if strings.Contains(out, "vet-test") {
		t.Errorf("vet prints the password:\n%s", out)
	}
}
