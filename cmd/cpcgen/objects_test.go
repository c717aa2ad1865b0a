package main

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/internal/testfile"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
	"github.com/jackc/pgx/v5"
)

// objectsSpec declares a table, a trigger function whose body has a
// syntax error on its fourth line (":=" written "=:"), its trigger and a
// view.
const objectsSpec = `extensions: [pg_trgm]
tables:
  notes:
    columns:
      id:          {type: bigint, primary_key: true, identity: true}
      title:       text
      search_text: {type: text, nullable: true}
sql_objects:
  - name: notes_search_text
    kind: function
    sql: |
      CREATE FUNCTION notes_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.search_text =: lower(NEW.title);
        RETURN NEW;
      END $$
  - name: notes_search
    kind: trigger
    sql: CREATE TRIGGER notes_search BEFORE INSERT OR UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION notes_search_text()
  - name: titles
    kind: view
    depends_on: [notes]
    sql: CREATE VIEW titles AS SELECT id, title FROM notes
`

// TestVetObjectErrorHasPosition vets a spec whose function body has a
// syntax error: the server's message is reported at the line of the
// body it points at, the trigger that needs the function is not tried,
// and the view is fine. With migrations, whose apply then fails, the
// same problem is found.
func TestVetObjectErrorHasPosition(t *testing.T) {
	dev := pgtest.Current(t).AdminURL()
	want := `schema/app.yaml:14:26: schema error: function "notes_search_text": syntax error at or near ":" (SQLSTATE 42601)`
	dir := newProject(t)
	testfile.Write(t, dir, "schema/app.yaml", objectsSpec)
	out, _ := mustRun(t, 1, "-C", dir, "vet", "--dev-url", dev)
	contains(t, "vet", out, want, "1 problem: 1 schema error")

	dir = newMigrationsProject(t, "golang-migrate")
	testfile.Write(t, dir, "schema/app.yaml", objectsSpec)
	mustRun(t, 0, "-C", dir, "migrate", "diff", "init")
	out, _ = mustRun(t, 1, "-C", dir, "vet", "--dev-url", dev)
	contains(t, "vet with migrations", out, want, "1 problem: 1 schema error")
	assertNoScratchDatabases(t, dev)
}

// goodObjects is objectsSpec with the function's body fixed.
var goodObjects = strings.Replace(objectsSpec, "NEW.search_text =: lower", "NEW.search_text := lower", 1)

// TestCheckDatabaseSchemaApp checks a database whose tables live in
// schema app, the search_path of its connections, as docs/operations.md
// sets it up: no drift, where inspecting public alone saw every table
// missing.
func TestCheckDatabaseSchemaApp(t *testing.T) {
	dir, live := migratedInSchemaApp(t, goodObjects)
	out, _ := mustRun(t, 0, "-C", dir, "check", "--url", live)
	contains(t, "check", out, `1 migration(s) applied, none pending, schema matches the migrations (schema "app")`)
	// The tables, the function, the trigger and the view are in app.
	if n := queryInt(t, live, `SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'app' AND c.relname IN ('notes', 'titles')`); n != 2 {
		t.Fatalf("tables in app: %d", n)
	}
	// A column added by hand in app is drift.
	pgtest.Exec(t, live, "ALTER TABLE app.notes ADD COLUMN extra integer")
	out, _ = mustRun(t, 1, "-C", dir, "check", "--url", live)
	contains(t, "check after a column added by hand", out, `schema drift: `, `drop column "notes"."extra"`)
}

// migratedInSchemaApp writes spec into a new migrations project, and
// applies its first migration to a test database where schema app is
// created and made the database's search_path, as docs/operations.md
// sets it up. It returns the project's directory and the database's URL.
func migratedInSchemaApp(t *testing.T, spec string) (dir, live string) {
	t.Helper()
	dir = newMigrationsProject(t, "golang-migrate")
	testfile.Write(t, dir, "schema/app.yaml", spec)
	live = pgtest.URL(t)
	pgtest.Exec(t, live, "CREATE SCHEMA app",
		"DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET search_path = app', current_database()); END $$")
	migrateInit(t, dir, live)
	return dir, live
}

// appNotesSpec declares a table and a LANGUAGE sql function whose body
// names the table by schema, app.notes, as a project imported with
// --schema app keeps it.
const appNotesSpec = `tables:
  notes:
    columns:
      id:    {type: bigint, primary_key: true}
      title: text
sql_objects:
  - name: note_count
    kind: function
    sql: |-
      CREATE FUNCTION note_count() RETURNS bigint
        LANGUAGE sql STABLE
        AS $$ SELECT count(*) FROM app.notes $$
`

// TestCheckSearchPathSchema checks, and vets, a project whose
// connections name their schema in the URL (options=-csearch_path=es),
// as Zitadel's eventstore schema is reached, and whose function names
// the schema in its body: the temporary database the migrations are
// replayed into gets a schema es too, where the replay stopped at "no
// schema has been selected to create in", so that the function finds
// es.notes and the tables compare with the live ones.
func TestCheckSearchPathSchema(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	testfile.Write(t, dir, "schema/app.yaml", `tables:
  notes:
    columns:
      id: {type: bigint, primary_key: true}
      title: text

sql_objects:
  - name: note_count
    kind: function
    depends_on: [notes]
    sql: CREATE FUNCTION note_count() RETURNS bigint LANGUAGE sql STABLE AS 'SELECT count(*) FROM es.notes'
`)
	live := pgtest.URL(t)
	pgtest.Exec(t, live, "CREATE SCHEMA es")
	withPath := func(u string) string {
		sep := "?"
		if strings.Contains(u, "?") {
			sep = "&"
		}
		return u + sep + "options=-csearch_path%3Des"
	}
	migrateInit(t, dir, withPath(live))
	out, _ := mustRun(t, 0, "-C", dir, "check", "--url", withPath(live))
	contains(t, "check", out, `1 migration(s) applied, none pending, schema matches the migrations (schema "es")`)
	dev := pgtest.Current(t).AdminURL()
	out, _ = mustRun(t, 0, "-C", dir, "vet", "--dev-url", withPath(dev))
	contains(t, "vet", out, "no problems")
	assertNoScratchDatabases(t, dev)
}

// TestCheckDatabaseObjects changes the SQL objects of a migrated
// database by hand and checks that check --url reports each change,
// named, with what to run.
func TestCheckDatabaseObjects(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	testfile.Write(t, dir, "schema/app.yaml", goodObjects)
	live := pgtest.URL(t)
	migrateInit(t, dir, live)
	out, _ := mustRun(t, 0, "-C", dir, "check", "--url", live)
	contains(t, "check", out, "1 migration(s) applied, none pending, schema matches the migrations")

	// Dropped, changed and made by hand.
	pgtest.Exec(t, live,
		"DROP TRIGGER notes_search ON notes",
		"CREATE OR REPLACE VIEW titles AS SELECT id, upper(title) AS title FROM notes",
		"CREATE FUNCTION hand_made() RETURNS int LANGUAGE sql AS 'SELECT 1'")
	out, _ = mustRun(t, 1, "-C", dir, "check", "--url", live)
	contains(t, "check after changes by hand", out,
		`schema/app.yaml:17:11: schema drift: trigger "notes_search" on "notes" is missing from `,
		`, though its applied migrations create it: it was dropped outside the migrations; run its statements from `, `internal/appdb/schema.sql again`,
		`schema/app.yaml:20:11: schema drift: view "titles" in `,
		` differs from the one its applied migrations create (compared as PostgreSQL prints both back)`,
		`note: function "hand_made" is in `, `but neither the specs nor its migrations create it; cpcgen leaves it alone`,
		"2 problems: 2 schema drift")
	out, _ = mustRun(t, 1, "-C", dir, "check", "--url", live, "--undeclared-objects")
	contains(t, "check --undeclared-objects", out, `undeclared object: function "hand_made" is in `, "3 problems: 2 schema drift, 1 undeclared object")

	// Put back; then a new object in the specs: first no migration
	// creates it, then one does but is not applied.
	pgtest.Exec(t, live,
		"CREATE TRIGGER notes_search BEFORE INSERT OR UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION notes_search_text()",
		"CREATE OR REPLACE VIEW titles AS SELECT id, title FROM notes",
		"DROP FUNCTION hand_made()")
	mustRun(t, 0, "-C", dir, "check", "--url", live)
	testfile.Write(t, dir, "schema/app.yaml", goodObjects+`  - name: note_count
    kind: function
    depends_on: [notes]
    sql: CREATE FUNCTION note_count() RETURNS bigint LANGUAGE sql STABLE AS 'SELECT count(*) FROM notes'
`)
	mustRun(t, 0, "-C", dir, "generate")
	out, _ = mustRun(t, 1, "-C", dir, "check", "--url", live)
	contains(t, "check with a new object", out,
		`schema/app.yaml:24:11: uncovered spec change: create function "note_count" is in the specs but in no migration; run cpcgen migrate diff <name>`,
		`schema/app.yaml:24:11: missing object: function "note_count" is not in `, `, and no migration creates it; run cpcgen migrate diff <name>, then cpcgen migrate apply`)
	mustRun(t, 0, "-C", dir, "migrate", "diff", "note_count")
	out, _ = mustRun(t, 1, "-C", dir, "check", "--url", live)
	contains(t, "check with the migration not applied", out,
		`unapplied migration: 000002 (note_count)`,
		`schema/app.yaml:24:11: missing object: function "note_count" is not in `, `: the migration that creates it is not applied; run cpcgen migrate apply`)
	mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", live)
	mustRun(t, 0, "-C", dir, "check", "--url", live)
}

// TestSearchPathSchema reads the schema replayDatabase creates from
// search_path settings as PostgreSQL prints them.
func TestSearchPathSchema(t *testing.T) {
	for path, want := range map[string]string{
		"es":                     "es",
		`"$user", public`:        "public",
		`"My Schema", app`:       `"My Schema"`,
		"pg_catalog, pg_temp, a": "a",
		`"$user"`:                "",
		"":                       "",
		"x;y":                    "",
		`"we""ird"`:              `"we""ird"`,
		"  spaced ,  other ":     "spaced",
	} {
		if got := searchPathSchema(path); got != want {
			t.Errorf("searchPathSchema(%q) = %q, want %q", path, got, want)
		}
	}
}

// TestSetConnParam sets a parameter of a connection URL the way libpq
// and pgx read it back: a space as %20, not "+", which they keep; the
// URL's other parameters as written, a parameter of the same name
// replaced.
func TestSetConnParam(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://h/db": "postgres://h/db?search_path=%22app%22%2C%20public",
		"postgres://h/db?sslmode=disable&search_path=x":         "postgres://h/db?sslmode=disable&search_path=%22app%22%2C%20public",
		"postgres://h/db?options=-csearch_path%3Dapp,+x&port=5": "postgres://h/db?options=-csearch_path%3Dapp,+x&port=5&search_path=%22app%22%2C%20public",
	} {
		u, err := url.Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		setConnParam(u, "search_path", `"app", public`)
		if got := u.String(); got != want {
			t.Errorf("setConnParam(%s) = %s, want %s", in, got, want)
		}
		cfg, err := pgx.ParseConfig(u.String())
		if err != nil {
			t.Fatal(err)
		}
		if got := cfg.RuntimeParams["search_path"]; got != `"app", public` {
			t.Errorf("%s: pgx reads search_path %q", u, got)
		}
	}
}

// TestCheckDatabaseSearchPathURL checks a database whose tables live in
// schema app, named by the search_path parameter of its URL: the
// temporary database the migrations are replayed into does not take
// that parameter along, where the replay failed with "no schema has
// been selected to create in", app not existing there.
func TestCheckDatabaseSearchPathURL(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	testfile.Write(t, dir, "schema/app.yaml", goodObjects)
	live := pgtest.URL(t)
	pgtest.Exec(t, live, "CREATE SCHEMA app")
	u, err := url.Parse(live)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", "app")
	u.RawQuery = q.Encode()
	live = u.String()
	migrateInit(t, dir, live)
	out, _ := mustRun(t, 0, "-C", dir, "check", "--url", live)
	contains(t, "check", out, `1 migration(s) applied, none pending, schema matches the migrations (schema "app")`)
	out, _ = mustRun(t, 0, "-C", dir, "migrate", "baseline", "--url", live)
	contains(t, "baseline", out, "already")
}

// TestCheckDatabaseSchemaAppThenPublic checks a database whose
// connections' search_path is app, then public, with an extension in
// public whose function a LANGUAGE sql function of app calls without
// its schema: the temporary database the migrations are replayed into
// has public after app in its search_path too, where the replay
// stopped at "function crypt(text, text) does not exist", the
// search_path parameter's space having reached the server as "+".
func TestCheckDatabaseSchemaAppThenPublic(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	testfile.Write(t, dir, "schema/app.yaml", `extensions:
  - {name: pgcrypto, schema: public}
tables:
  accounts:
    columns:
      id:   {type: bigint, primary_key: true}
      hash: text
sql_objects:
  - name: password_matches
    kind: function
    depends_on: [accounts]
    sql: |-
      CREATE FUNCTION password_matches(account bigint, password text) RETURNS boolean
        LANGUAGE sql STABLE
        AS $$ SELECT hash = crypt(password, hash) FROM accounts WHERE id = account $$
`)
	live := pgtest.URL(t)
	pgtest.Exec(t, live, "CREATE SCHEMA app",
		"DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET search_path = app, public', current_database()); END $$")
	migrateInit(t, dir, live)
	out, _ := mustRun(t, 0, "-C", dir, "check", "--url", live)
	contains(t, "check", out, `1 migration(s) applied, none pending, schema matches the migrations (schema "app")`)
	if n := queryInt(t, live, `SELECT count(*) FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname = 'pgcrypto' AND n.nspname = 'public'`); n != 1 {
		t.Fatalf("pgcrypto in public: %d", n)
	}
}

// TestCheckDatabaseSchemaQualified checks a database whose tables live
// in schema app, with a LANGUAGE sql function naming its table app.notes,
// as one imported with --schema app does: the migrations are replayed
// into schema app of the temporary database too, where the function was
// refused (relation "app.notes" does not exist) in public's.
func TestCheckDatabaseSchemaQualified(t *testing.T) {
	dir, live := migratedInSchemaApp(t, appNotesSpec)
	out, _ := mustRun(t, 0, "-C", dir, "check", "--url", live)
	contains(t, "check", out, `1 migration(s) applied, none pending, schema matches the migrations (schema "app")`)
	pgtest.Exec(t, live, "ALTER TABLE app.notes ADD COLUMN extra integer")
	out, _ = mustRun(t, 1, "-C", dir, "check", "--url", live)
	contains(t, "check after a column added by hand", out, `schema drift: `, `drop column "notes"."extra"`)
}

// TestVetURLSchemaQualified vets, with the application's database, a
// project whose tables live in schema app and whose LANGUAGE sql
// function names app.notes: the temporary database gets schema app too,
// where the function was a schema error (schema "app" does not exist).
func TestVetURLSchemaQualified(t *testing.T) {
	dir, live := migratedInSchemaApp(t, appNotesSpec)
	dev := pgtest.Current(t).AdminURL()
	out, _ := mustRun(t, 0, "-C", dir, "vet", "--dev-url", dev, "--url", live)
	contains(t, "vet", out, "no problems")
}

// TestExtensionInSchemaOfItsOwn writes, applies and checks the first
// migration of a project whose extension is installed into a schema of
// its own (pg_partman's partman; hstore in ext here, as an import of a
// database holding one writes it), with and without an object created
// before the tables: the temporary database the spec's schema was
// normalized in held the extension's schema, which the engine refused
// ("connected database is not clean: found schema \"ext\""), and
// columns of the extension's type named it unqualified, which no
// search_path without ext finds ("type \"hstore\" does not exist").
func TestExtensionInSchemaOfItsOwn(t *testing.T) {
	for name, objects := range map[string]string{
		"tables only": "",
		"object before the tables": `sql_objects:
  - name: twice
    kind: function
    before_tables: true
    sql: CREATE FUNCTION twice(n integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT 2 * n'
`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := newMigrationsProject(t, "golang-migrate")
			testfile.Write(t, dir, "schema/app.yaml", `extensions:
  - {name: hstore, schema: ext}
tables:
  accounts:
    columns:
      id: {type: bigint, primary_key: true}
      attrs: {type: hstore, nullable: true}
      sets: {type: "hstore[]", nullable: true}
`+objects)
			live := pgtest.URL(t)
			dev := pgtest.Current(t).AdminURL()
			mustRun(t, 0, "-C", dir, "generate")
			mustRun(t, 0, "-C", dir, "migrate", "diff", "init", "--dev-url", dev)
			mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", live)
			out, _ := mustRun(t, 0, "-C", dir, "check", "--url", live, "--dev-url", dev)
			contains(t, "check", out, "schema matches the migrations")
		})
	}
}

// TestExtensionMovedToSchemaOfItsOwn moves citext, which columns, a
// unique key and an array column use, to a schema of its own, planned
// against a --dev-url database: the migration is one ALTER EXTENSION …
// SET SCHEMA (no column is retyped: the replay of the earlier migration
// found citext where it made it, not where the specs now put it, and the
// columns' types read extensions.citext against citext), the rows stay,
// the types the columns have are the extension's in its new schema,
// check is clean (and finds it moved back by hand), vet --url warns
// while the schema is not on the search_path, and the down migration
// moves it back.
func TestExtensionMovedToSchemaOfItsOwn(t *testing.T) {
	dir, dev, live := startFromCase(t, "extension_moved_to_schema")
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, live)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `INSERT INTO users (email, tags) VALUES ('Ann@Example.com', '{Red,blue}')`); err != nil {
		t.Fatal(err)
	}
	state := func() string {
		var s string
		if err := conn.QueryRow(ctx, `SELECT string_agg(format('%s %s', a.attname, n.nspname), ', ' ORDER BY a.attname) || '; ' ||
  (SELECT string_agg(email || ' ' || tags::text, ', ') FROM users)
FROM pg_attribute a
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_type e ON e.oid = CASE WHEN t.typelem <> 0 THEN t.typelem ELSE t.oid END
JOIN pg_namespace n ON n.oid = e.typnamespace
WHERE a.attrelid = 'users'::regclass AND a.attname IN ('email', 'tags')`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if got, want := state(), "email public, tags public; Ann@Example.com {Red,blue}"; got != want {
		t.Fatalf("before: %q, want %q", got, want)
	}
	testfile.Write(t, dir, "schema/app.yaml", caseSpec(t, "extension_moved_to_schema", "after.yaml"))
	mustRun(t, 0, "-C", dir, "generate")
	out, _ := mustRun(t, 0, "-C", dir, "migrate", "diff", "move", "--dev-url", dev)
	contains(t, "diff", out, `move extension "citext" to schema "extensions"`)
	if strings.Contains(out, "alter column") {
		t.Errorf("the diff retypes columns:\n%s", out)
	}
	replayedAsPlanned(t, dir, live, dev)
	if got, want := state(), "email extensions, tags extensions; Ann@Example.com {Red,blue}"; got != want {
		t.Errorf("after the up migration: %q, want %q", got, want)
	}
	// The schema is not on the search_path: citext's operators are not
	// found, which vet --url says, until it is.
	out, _ = mustRun(t, 0, "-C", dir, "vet", "--url", live)
	contains(t, "vet", out, `schema/app.yaml:2:12: warning: search path: extension "citext" is in schema "extensions", which the search_path of the role (pg_catalog, public) lacks`)
	pgtest.Exec(t, live, `DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET search_path = "$user", public, extensions', current_database()); END $$`)
	out, _ = mustRun(t, 0, "-C", dir, "vet", "--url", live)
	if strings.Contains(out, "search path") {
		t.Errorf("vet warns with the schema on the search_path:\n%s", out)
	}
	// Moved back by hand, it is schema drift.
	pgtest.Exec(t, live, "ALTER EXTENSION citext SET SCHEMA public")
	out, _ = mustRun(t, 1, "-C", dir, "check", "--url", live, "--dev-url", dev)
	contains(t, "check", out, `schema/app.yaml:2:12: schema drift: extension "citext" is in schema "public" in `,
		`, not "extensions" as its migrations make it (the generated statements name its types there); run ALTER EXTENSION citext SET SCHEMA "extensions", or declare schema public`)
	pgtest.Exec(t, live, "ALTER EXTENSION citext SET SCHEMA extensions")
	mustRun(t, 0, "-C", dir, "migrate", "down", "--url", live, "1")
	if got, want := state(), "email public, tags public; Ann@Example.com {Red,blue}"; got != want {
		t.Errorf("after the down migration: %q, want %q", got, want)
	}
}

// TestExtensionInPublicTablesInSchemaApp: citext declared in public, the
// tables made in app (the database's search_path is app alone, as for an
// app role set up so): the columns name the type public.citext, in the
// first migration, written offline or against a --dev-url database
// (whose search_path has public, so it reads the type back unqualified),
// where citext alone was "type does not exist".
func TestExtensionInPublicTablesInSchemaApp(t *testing.T) {
	spec := `extensions:
  - {name: citext, schema: public}
tables:
  users:
    columns:
      id: {type: bigint, primary_key: true, identity: true}
      email: {type: citext, unique: true}
      aliases: {type: "citext[]", nullable: true}
`
	dir, live := migratedInSchemaApp(t, spec)
	dev := pgtest.Current(t).AdminURL()
	out, _ := mustRun(t, 0, "-C", dir, "migrate", "diff", "again", "--dev-url", dev)
	contains(t, "second diff", out, "no changes")
	out, _ = mustRun(t, 0, "-C", dir, "check", "--url", live, "--dev-url", dev)
	contains(t, "check", out, `schema matches the migrations (schema "app")`)

	dir = newMigrationsProject(t, "golang-migrate")
	testfile.Write(t, dir, "schema/app.yaml", spec)
	mustRun(t, 0, "-C", dir, "generate")
	mustRun(t, 0, "-C", dir, "migrate", "diff", "init", "--dev-url", dev)
	live = pgtest.URL(t)
	pgtest.Exec(t, live, "CREATE SCHEMA app",
		"DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET search_path = app', current_database()); END $$")
	replayedAsPlanned(t, dir, live, dev)
}

// auditedTenantSpec is a table confined to a tenant, whose migrations make
// row-level security, forced, and its policy; an audited table with a
// trigger; and a foreign key between them.
const auditedTenantSpec = `tables:
  orgs:
    columns:
      id: {type: uuid, primary_key: true, default: gen_random_uuid()}
  notes:
    columns:
      id:     {type: uuid, primary_key: true, default: gen_random_uuid()}
      org_id: {type: uuid, references: orgs.id}
      title:  text
    tenant: org_id
    audit: true
`

// TestCheckDatabaseTableProperties changes by hand what Atlas's
// inspection does not see, and check --url compared with nothing: row-
// level security turned off and its policy dropped (hand-written SQL
// then sees every tenant's rows), a permissive policy added, a foreign
// key's triggers disabled (no longer enforced) or made deferrable, the
// audit trigger disabled, a storage option set, of the table and of its
// TOAST table, replica identity using an index, a rule that makes
// deletes do nothing. Each is schema drift
// at the table's position; put back, check passes again.
func TestCheckDatabaseTableProperties(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	testfile.Write(t, dir, "schema/app.yaml", auditedTenantSpec)
	live := pgtest.URL(t)
	migrateInit(t, dir, live)
	out, _ := mustRun(t, 0, "-C", dir, "check", "--url", live)
	contains(t, "check", out, "1 migration(s) applied, none pending, schema matches the migrations")

	pgtest.Exec(t, live,
		"ALTER TABLE notes NO FORCE ROW LEVEL SECURITY",
		"DROP POLICY cpcgen_tenant ON notes",
		"CREATE POLICY everything ON notes USING (true)",
		"ALTER TABLE notes DISABLE TRIGGER ALL",
		"ALTER TABLE notes ALTER CONSTRAINT notes_org_id_fkey DEFERRABLE",
		"ALTER TABLE orgs SET (fillfactor = 50)",
		"ALTER TABLE notes SET (toast.autovacuum_enabled = false)",
		"ALTER TABLE notes REPLICA IDENTITY USING INDEX notes_pkey",
		"CREATE RULE keep AS ON DELETE TO orgs DO INSTEAD NOTHING")
	out, _ = mustRun(t, 1, "-C", dir, "check", "--url", live)
	contains(t, "check after changes by hand", out,
		`schema/app.yaml:5:3: schema drift: table "notes" in `, ` differs from what its applied migrations make (made outside them: REPLICA IDENTITY USING INDEX notes_pkey, storage option toast.autovacuum_enabled=false; undone outside them: row level security forced on the table's owner); make it again as `, `internal/appdb/schema.sql does, or make the change in a migration`,
		`schema/app.yaml:5:3: schema drift: policy "cpcgen_tenant" on table "notes" is missing from `, `, though its applied migrations create it (AS PERMISSIVE FOR ALL TO PUBLIC USING (`,
		`schema/app.yaml:5:3: schema drift: policy "everything" on table "notes" is in `, ` (AS PERMISSIVE FOR ALL TO PUBLIC USING (true)), though none of its applied migrations creates it`,
		`schema drift: constraint "notes_org_id_fkey" on table "notes" in `, ` (made outside them: DEFERRABLE, triggers disabled (not enforced))`,
		`schema drift: trigger "cpcgen_audit" on table "notes" in `, ` (made outside them: disabled)`,
		`schema/app.yaml:2:3: schema drift: table "orgs" in `, ` (made outside them: storage option fillfactor=50)`,
		`schema/app.yaml:2:3: schema drift: rule "keep" on table "orgs" is in `, ` (CREATE RULE keep AS ON DELETE TO public.orgs DO INSTEAD NOTHING), though none of its applied migrations creates it: it was made outside the migrations, and it rewrites the statements on the table, generated ones too (a DO INSTEAD NOTHING rule makes them do nothing); drop it, or make it in a migration`,
		"7 problems: 7 schema drift")
	if strings.Contains(out, "schema matches the migrations") {
		t.Errorf("check says the schema matches:\n%s", out)
	}

	pgtest.Exec(t, live,
		"ALTER TABLE notes FORCE ROW LEVEL SECURITY",
		"DROP POLICY everything ON notes",
		"ALTER TABLE notes ENABLE TRIGGER ALL",
		"ALTER TABLE notes ALTER CONSTRAINT notes_org_id_fkey NOT DEFERRABLE",
		"ALTER TABLE orgs RESET (fillfactor)",
		"ALTER TABLE notes RESET (toast.autovacuum_enabled)",
		"ALTER TABLE notes REPLICA IDENTITY DEFAULT",
		"DROP RULE keep ON orgs")
	out, _ = mustRun(t, 1, "-C", dir, "check", "--url", live)
	contains(t, "check with the policy still missing", out, `policy "cpcgen_tenant" on table "notes" is missing from `, "1 problem: 1 schema drift")
	pgtest.Exec(t, live, "ALTER TABLE notes DISABLE ROW LEVEL SECURITY")
	out, _ = mustRun(t, 1, "-C", dir, "check", "--url", live)
	contains(t, "check with row level security off", out, `(undone outside them: row level security enabled)`, "2 problems: 2 schema drift")
}

// TestCheckDatabaseColumnSettings changes by hand the settings of columns
// and indexes that Atlas's inspection does not compare, and check --url
// found nothing: a column's statistics target, storage, compression and
// options (n_distinct), an identity column's sequence's CYCLE, maxvalue
// and cache, an index's fillfactor. Each is schema drift at
// the column's or index's position, naming both values. An index's
// comment, which Atlas does compare, is reported once, by Atlas's
// comparison. Put back, check passes again; an identity column's type
// changed by hand, whose sequence's maxvalue follows, is reported once,
// by Atlas's comparison.
func TestCheckDatabaseColumnSettings(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	testfile.Write(t, dir, "schema/app.yaml", `tables:
  docs:
    columns:
      id:    {type: bigint, primary_key: true, identity: true}
      title: text
      body:  text
    indexes:
      - columns: [title]
`)
	live := pgtest.URL(t)
	migrateInit(t, dir, live)
	out, _ := mustRun(t, 0, "-C", dir, "check", "--url", live)
	contains(t, "check", out, "schema matches the migrations")

	pgtest.Exec(t, live,
		"ALTER TABLE docs ALTER COLUMN body SET STATISTICS 500",
		"ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL",
		"ALTER TABLE docs ALTER COLUMN body SET COMPRESSION pglz",
		"ALTER TABLE docs ALTER COLUMN title SET (n_distinct = 100)",
		"ALTER INDEX docs_title_idx SET (fillfactor = 70)",
		"COMMENT ON INDEX docs_title_idx IS 'by title'",
		"ALTER TABLE docs ALTER COLUMN id SET CYCLE SET MAXVALUE 1000 SET CACHE 20")
	out, _ = mustRun(t, 1, "-C", dir, "check", "--url", live)
	contains(t, "check after changes by hand", out,
		`schema/app.yaml:6:7: schema drift: column "body" on table "docs" in `, ` differs from what its applied migrations make (made outside them: compression pglz, statistics target 500, storage EXTERNAL (its type's is EXTENDED); undone outside them: compression default, statistics target default, storage as its type's); make it again as `,
		`schema/app.yaml:5:7: schema drift: column "title" on table "docs" in `, ` (made outside them: option n_distinct=100)`,
		`schema/app.yaml:8:9: schema drift: index "docs_title_idx" on table "docs" in `, ` (made outside them: storage option fillfactor=70)`,
		`change index "docs_title_idx" on "docs" would bring it back`,
		`schema/app.yaml:4:7: schema drift: column "id" on table "docs" in `, ` (made outside them: identity sequence CYCLE, identity sequence cache 20, identity sequence maxvalue 1000; undone outside them: identity sequence NO CYCLE, identity sequence cache 1, identity sequence maxvalue default)`,
		"5 problems: 5 schema drift")
	if strings.Contains(out, "comment 'by title'") {
		t.Errorf("check reports the index's comment twice:\n%s", out)
	}

	pgtest.Exec(t, live,
		"ALTER TABLE docs ALTER COLUMN body SET STATISTICS -1",
		"ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTENDED",
		"ALTER TABLE docs ALTER COLUMN body SET COMPRESSION DEFAULT",
		"ALTER TABLE docs ALTER COLUMN title RESET (n_distinct)",
		"ALTER INDEX docs_title_idx RESET (fillfactor)",
		"COMMENT ON INDEX docs_title_idx IS NULL",
		"ALTER TABLE docs ALTER COLUMN id SET NO CYCLE SET NO MAXVALUE SET CACHE 1",
		"ALTER TABLE docs ALTER COLUMN id TYPE integer")
	out, _ = mustRun(t, 1, "-C", dir, "check", "--url", live)
	contains(t, "check with the identity column's type changed", out, `alter column "docs"."id" (type integer → bigint) would bring it back`, "1 problem: 1 schema drift")
	pgtest.Exec(t, live, "ALTER TABLE docs ALTER COLUMN id TYPE bigint")
	out, _ = mustRun(t, 0, "-C", dir, "check", "--url", live)
	contains(t, "check after putting it back", out, "schema matches the migrations")
}

// TestCheckDatabaseInvalidIndex builds by hand, as a database made by
// other means and then baselined may hold it, the unique index the specs
// declare with CREATE UNIQUE INDEX CONCURRENTLY over duplicate rows: the
// build fails in its first phase and leaves the index invalid, unused
// by queries and not even updated by writes. Atlas's inspection reads it as any other index, and
// check --url said the schema matched; it is schema drift at the
// index's position. Built again, check passes.
func TestCheckDatabaseInvalidIndex(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	testfile.Write(t, dir, "schema/app.yaml", `tables:
  users:
    columns:
      id:    {type: bigint, primary_key: true, identity: true}
      email: text
    indexes:
      - {columns: [email], unique: true}
`)
	live := pgtest.URL(t)
	migrateInit(t, dir, live)
	pgtest.Exec(t, live,
		"DROP INDEX users_email_key",
		"INSERT INTO users (email) VALUES ('a@example.com'), ('a@example.com')")
	conn, err := pgx.Connect(context.Background(), live)
	if err != nil {
		t.Fatal(err)
	}
	_, err = conn.Exec(context.Background(), "CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email)")
	conn.Close(context.Background())
	if err == nil {
		t.Fatal("CREATE UNIQUE INDEX CONCURRENTLY over duplicates succeeded")
	}
	out, _ := mustRun(t, 1, "-C", dir, "check", "--url", live)
	contains(t, "check with the index invalid", out,
		`schema/app.yaml:7:9: schema drift: index "users_email_key" on table "users" in `, ` (made outside them: INVALID (a CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY that did not finish: queries do not use it))`,
		"1 problem: 1 schema drift")

	pgtest.Exec(t, live, "DELETE FROM users WHERE id = 2", "REINDEX INDEX users_email_key")
	out, _ = mustRun(t, 0, "-C", dir, "check", "--url", live)
	contains(t, "check after REINDEX", out, "schema matches the migrations")
}

// TestCheckDatabaseRules compares the rules of a table whose migrations
// make one (an sql object of kind other), in schema app as
// docs/operations.md sets a database up: as the migrations make it,
// check passes; disabled, replaced or dropped by hand, it is schema drift
// naming both definitions, where check saw no rule at all.
func TestCheckDatabaseRules(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	testfile.Write(t, dir, "schema/app.yaml", `tables:
  events:
    columns:
      id:   {type: bigint, primary_key: true, identity: true}
      kind: text
sql_objects:
  - name: events_keep_rule
    kind: other
    depends_on: [events]
    sql: CREATE RULE keep AS ON DELETE TO events WHERE old.kind = 'audit' DO INSTEAD NOTHING
    drop: DROP RULE keep ON events
`)
	live := pgtest.URL(t)
	pgtest.Exec(t, live, "CREATE SCHEMA app",
		"DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET search_path = app', current_database()); END $$")
	migrateInit(t, dir, live)
	out, _ := mustRun(t, 0, "-C", dir, "check", "--url", live)
	contains(t, "check", out, `schema matches the migrations (schema "app")`)

	pgtest.Exec(t, live, "ALTER TABLE app.events DISABLE RULE keep")
	out, _ = mustRun(t, 1, "-C", dir, "check", "--url", live)
	contains(t, "check with the rule disabled", out,
		`schema/app.yaml:2:3: schema drift: rule "keep" on table "events" in `, ` is CREATE RULE keep AS ON DELETE TO app.events WHERE (old.kind = 'audit'::text) DO INSTEAD NOTHING (disabled), but its applied migrations make it CREATE RULE keep AS ON DELETE TO app.events WHERE (old.kind = 'audit'::text) DO INSTEAD NOTHING: it was changed outside the migrations`,
		"1 problem: 1 schema drift")

	pgtest.Exec(t, live, "DROP RULE keep ON app.events")
	out, _ = mustRun(t, 1, "-C", dir, "check", "--url", live)
	contains(t, "check with the rule dropped", out,
		`schema/app.yaml:2:3: schema drift: rule "keep" on table "events" is missing from `, `, though its applied migrations create it (CREATE RULE keep AS ON DELETE TO app.events WHERE (old.kind = 'audit'::text) DO INSTEAD NOTHING): it was dropped outside the migrations`,
		"1 problem: 1 schema drift")

	pgtest.Exec(t, live, "CREATE RULE keep AS ON DELETE TO app.events WHERE old.kind = 'audit' DO INSTEAD NOTHING")
	out, _ = mustRun(t, 0, "-C", dir, "check", "--url", live)
	contains(t, "check with the rule made again", out, "schema matches the migrations")
}

// TestExtensionNotRelocatableMove declares an extension that is not
// relocatable (xml2's control file says so) in another schema than the
// migrations installed it in: migrate diff --dev-url refuses at the
// declaration, saying why, where the migration it planned failed at
// apply (extension "xml2" does not support SET SCHEMA).
func TestExtensionNotRelocatableMove(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	spec := func(ext string) string {
		return "extensions: [" + ext + "]\ntables:\n  docs:\n    columns:\n      id: {type: bigint, primary_key: true, identity: true}\n      body: text\n"
	}
	testfile.Write(t, dir, "schema/app.yaml", spec("xml2"))
	dev := pgtest.Current(t).AdminURL()
	mustRun(t, 0, "-C", dir, "generate")
	mustRun(t, 0, "-C", dir, "migrate", "diff", "init", "--dev-url", dev)
	testfile.Write(t, dir, "schema/app.yaml", spec("{name: xml2, schema: ext}"))
	mustRun(t, 0, "-C", dir, "generate")
	_, errOut := mustRun(t, 2, "-C", dir, "migrate", "diff", "move", "--dev-url", dev)
	contains(t, "diff", errOut, `schema/app.yaml:1:`, `extension "xml2" is in schema "public" where the migrations leave it, and the specs declare schema "ext", but PostgreSQL cannot move it there (it is not relocatable`)
	if entries, err := os.ReadDir(filepath.Join(dir, "migrations")); err != nil {
		t.Fatal(err)
	} else {
		for _, e := range entries {
			if strings.Contains(e.Name(), "move") {
				t.Errorf("diff wrote %s", e.Name())
			}
		}
	}
}
