package main

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/generator/gencache"
	"github.com/cpcgen/cpcgen/internal/testfile"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) {
	// generate and check use a cache of their own here, not the user's:
	// a cache is shared, so one directory serves every run of the tests.
	os.Setenv(gencache.DirEnv, filepath.Join(os.TempDir(), "cpcgen-test-cache"))
	pgtest.Main(m)
}

// newMigrationsProject is newProject with a migrations section.
func newMigrationsProject(t *testing.T, format string) string {
	t.Helper()
	dir := newProject(t)
	testfile.Write(t, dir, "cpcgen.yaml", "version: 1\npackage: {name: appdb, dir: ./internal/appdb}\nspecs: [./schema/*.yaml]\nmigrations: {dir: ./migrations, format: "+format+"}\n")
	return dir
}

// replayedAsPlanned applies the migrations of the project in dir to the
// database at live and sees, against the --dev-url dev, a second diff
// plan nothing and check --url find live as the migrations make it.
func replayedAsPlanned(t *testing.T, dir, live, dev string) {
	t.Helper()
	mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", live)
	out, _ := mustRun(t, 0, "-C", dir, "migrate", "diff", "again", "--dev-url", dev)
	contains(t, "second diff", out, "no changes")
	out, _ = mustRun(t, 0, "-C", dir, "check", "--url", live, "--dev-url", dev)
	contains(t, "check", out, "schema matches the migrations")
}

// baselinedMatches records the migrations of the project in dir as
// applied on the database of live, made by other means, and wants check
// --url with --dev-url dev to find it matches them.
func baselinedMatches(t *testing.T, dir, live, dev string) {
	t.Helper()
	mustRun(t, 0, "-C", dir, "migrate", "baseline", "--url", live)
	out, _ := mustRun(t, 0, "-C", dir, "check", "--url", live, "--dev-url", dev)
	contains(t, "check", out, "schema matches the migrations")
}

// migrateInit generates the project in dir, writes its first migration
// (init) and applies it to the database of url.
func migrateInit(t *testing.T, dir, url string) {
	t.Helper()
	mustRun(t, 0, "-C", dir, "generate")
	mustRun(t, 0, "-C", dir, "migrate", "diff", "init")
	mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", url)
}

func mustRun(t *testing.T, want int, args ...string) (string, string) {
	t.Helper()
	code, out, errOut := cpcgen(t, args...)
	if code != want {
		t.Fatalf("cpcgen %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, want, out, errOut)
	}
	return out, errOut
}

func contains(t *testing.T, what, s string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(s, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, s)
		}
	}
}

// TestMigrateWorkflow drives the whole workflow through the command line:
// diff, check, apply, status, down, safety refusals and tampering.
func TestMigrateWorkflow(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	url := pgtest.URL(t)
	mustRun(t, 0, "-C", dir, "generate")

	// No migration yet: check names the uncovered changes.
	out, _ := mustRun(t, 1, "-C", dir, "check")
	contains(t, "check", out, `schema/app.yaml:2:3: uncovered spec change: create table "users" is in the specs but in no migration; run cpcgen migrate diff <name>`,
		"1 problem: 1 uncovered spec change")

	out, _ = mustRun(t, 0, "-C", dir, "migrate", "diff", "Create users")
	contains(t, "diff", out, `create table "users"`, "migrations/000001_create_users.up.sql", "migrations/000001_create_users.down.sql",
		"migrations/cpcgen.snapshot.hcl", "migrations/atlas.sum")
	out, _ = mustRun(t, 0, "-C", dir, "check")
	contains(t, "check", out, "migrations cover the spec")
	out, _ = mustRun(t, 0, "-C", dir, "migrate", "diff", "again")
	contains(t, "diff", out, "no changes")
	if _, err := os.Stat(filepath.Join(dir, "migrations", "000002_again.up.sql")); err == nil {
		t.Error("an empty migration was written")
	}

	// A new column.
	writeUsers(t, dir, "nickname: {type: text, nullable: true}")
	mustRun(t, 0, "-C", dir, "generate")
	out, _ = mustRun(t, 1, "-C", dir, "check")
	contains(t, "check", out, `schema/app.yaml:6:7: uncovered spec change: add column "users"."nickname" is in the specs`)
	mustRun(t, 0, "-C", dir, "migrate", "diff", "add_nickname")

	// Apply, status, down.
	out, _ = mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", url)
	contains(t, "apply", out, "applied 000001_create_users.up.sql (", "applied 000002_add_nickname.up.sql (", "2 migration(s) applied")
	out, _ = mustRun(t, 0, "-C", dir, "migrate", "status", "--url", url)
	contains(t, "status", out, "000001  create_users", "000002  add_nickname", "2 migration(s), 0 pending")
	out, _ = mustRun(t, 0, "-C", dir, "migrate", "down", "--url", url)
	contains(t, "down", out, "reverted 000002_add_nickname.down.sql (", "1 migration(s) reverted")
	t.Setenv("DATABASE_URL", url)
	out, _ = mustRun(t, 0, "-C", dir, "migrate", "status")
	contains(t, "status", out, "000002  add_nickname                    pending", "1 pending")
	out, _ = mustRun(t, 0, "-C", dir, "migrate", "apply", "--to", "2")
	contains(t, "apply", out, "applied 000002_add_nickname.up.sql")

	// Dropping the column is refused, with the spec position, exit 2.
	writeUsers(t, dir)
	_, errOut := mustRun(t, 2, "-C", dir, "migrate", "diff", "drop_nickname")
	contains(t, "refusal", errOut, filepath.ToSlash(filepath.Join(dir, "schema/app.yaml"))+":2:3: destructive (CPC103): drop column \"users\".\"nickname\"",
		"--allow-destructive", "migration not written")
	if _, err := os.Stat(filepath.Join(dir, "migrations", "000003_drop_nickname.up.sql")); err == nil {
		t.Error("a refused migration was written")
	}
	// Allowed, the drop waits for the release that reads the column to be
	// gone: a nullable column needs no statement now, only the snapshot.
	out, errOut = mustRun(t, 0, "-C", dir, "migrate", "diff", "drop_nickname", "--allow-destructive")
	contains(t, "deferred drop", out, `pending contract: drop column "users"."nickname"`)
	contains(t, "allowed finding", errOut, `destructive (CPC103): drop column "users"."nickname" deletes its values; allowed by --allow-destructive`)
	mustRun(t, 0, "-C", dir, "generate")
	out, _ = mustRun(t, 0, "-C", dir, "check")
	contains(t, "check with a pending contract", out, "migrations cover the spec", `pending contract: drop column "users"."nickname"`)
	// The second check reads the migrations report from the cache: the
	// note is part of it.
	out, _ = mustRun(t, 0, "-C", dir, "check")
	contains(t, "check with a pending contract, report from the cache", out, "migrations cover the spec", `pending contract: drop column "users"."nickname"`)

	// --dev-url replays the directory instead of reading the snapshot.
	dev := pgtest.Current(t).AdminURL()
	out, _ = mustRun(t, 0, "-C", dir, "migrate", "diff", "nothing", "--dev-url", dev)
	contains(t, "dev diff", out, "no changes")

	// A hand edit is caught by check and by apply.
	up := filepath.Join(dir, "migrations", "000001_create_users.up.sql")
	data, _ := os.ReadFile(up)
	testfile.Write(t, dir, "migrations/000001_create_users.up.sql", string(data)+"\n-- tweak\n")
	out, _ = mustRun(t, 1, "-C", dir, "check")
	contains(t, "check", out, "atlas.sum does not match the directory (000001_create_users.up.sql changed)")
	_, errOut = mustRun(t, 2, "-C", dir, "migrate", "apply")
	contains(t, "apply", errOut, "000001_create_users.up.sql does not match atlas.sum")
	// Rehashing makes the directory consistent again, but the runner still
	// refuses the applied file that changed.
	mustRun(t, 0, "-C", dir, "migrate", "hash")
	_, errOut = mustRun(t, 2, "-C", dir, "migrate", "apply")
	contains(t, "apply", errOut, "000001_create_users.up.sql was changed after it was applied")
	out, _ = mustRun(t, 1, "-C", dir, "migrate", "status")
	contains(t, "status", out, "applied, but the file changed since")
}

func TestMigrateUsage(t *testing.T) {
	dir := newProject(t)
	_, errOut := mustRun(t, 2, "-C", dir, "migrate", "diff", "x")
	contains(t, "no section", errOut, "no migrations section")
	dir = newMigrationsProject(t, "goose")
	_, errOut = mustRun(t, 2, "-C", dir, "migrate", "diff", "bad/name")
	contains(t, "bad name", errOut, "may hold only letters")
	t.Setenv("DATABASE_URL", "")
	_, errOut = mustRun(t, 2, "-C", dir, "migrate", "apply")
	contains(t, "no url", errOut, "pass --url or set DATABASE_URL")
}

// TestMigrateDiffDevURLFirst writes the first migration of a project
// that has no migrations directory yet with --dev-url, as without it:
// there is nothing to replay, and the diff creates the spec's tables.
func TestMigrateDiffDevURLFirst(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	dev := pgtest.Current(t).AdminURL()
	mustRun(t, 0, "-C", dir, "generate")
	out, _ := mustRun(t, 0, "-C", dir, "migrate", "diff", "init", "--dev-url", dev)
	contains(t, "first diff", out, `create table "users"`, "migrations/000001_init.up.sql")
	out, _ = mustRun(t, 0, "-C", dir, "migrate", "diff", "again", "--dev-url", dev)
	contains(t, "second diff", out, "no changes")
}

// TestMigrateWithoutMigrations runs the commands that read the
// migrations on a project that has written none yet: each says how to
// write the first, where they said "open .: no such file or directory".
func TestMigrateWithoutMigrations(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	url := pgtest.URL(t)
	mustRun(t, 0, "-C", dir, "generate")
	for _, args := range [][]string{
		{"migrate", "status", "--url", url},
		{"migrate", "apply", "--url", url},
		{"check", "--url", url},
	} {
		_, errOut := mustRun(t, 2, append([]string{"-C", dir}, args...)...)
		contains(t, strings.Join(args, " "), errOut, "migrations does not exist: there are no migrations yet; write the first with cpcgen migrate diff NAME")
	}
}

// keptAsSQLSpec is a spec with what its tables cannot declare kept as SQL
// objects, as cpcgen import keeps it: a table of an unsupported column
// type, with its foreign key and index; a table inheriting another; an
// index, a check, an exclusion constraint and a default on spec tables;
// and a view over an object's table.
const keptAsSQLSpec = `tables:
  account:
    columns:
      id: {type: bigint, primary_key: true}
      email: text
  event:
    columns:
      id: {type: bigint, primary_key: true}
      at: {type: tstzrange, nullable: true}

sql_objects:
  - name: admin
    kind: other
    depends_on: [account]
    sql: CREATE TABLE admin (level integer) INHERITS (account)
    drop: DROP TABLE admin
  - name: flags
    kind: other
    sql: CREATE TABLE flags (id bigint PRIMARY KEY, bits bit(8) NOT NULL, account_id bigint)
    drop: DROP TABLE flags
  - name: flags_account_id_fkey
    kind: other
    depends_on: [flags, account]
    sql: ALTER TABLE flags ADD CONSTRAINT flags_account_id_fkey FOREIGN KEY (account_id) REFERENCES account (id)
    drop: ALTER TABLE flags DROP CONSTRAINT flags_account_id_fkey
  - name: flags_bits_idx
    kind: other
    depends_on: [flags]
    sql: CREATE INDEX flags_bits_idx ON flags (bits)
    drop: DROP INDEX flags_bits_idx
  - name: flag_counts
    kind: view
    depends_on: [flags]
    sql: CREATE VIEW flag_counts AS SELECT account_id, count(*) AS n FROM flags GROUP BY account_id
  - name: account_email_lower
    kind: other
    depends_on: [account]
    sql: CREATE UNIQUE INDEX account_email_lower ON account (lower(email))
    drop: DROP INDEX account_email_lower
  - name: account_email_check
    kind: other
    depends_on: [account]
    sql: ALTER TABLE account ADD CONSTRAINT account_email_check CHECK (email <> '')
    drop: ALTER TABLE account DROP CONSTRAINT account_email_check
  - name: account_email_default
    kind: other
    depends_on: [account]
    sql: ALTER TABLE account ALTER COLUMN email SET DEFAULT 'none'
    drop: ALTER TABLE account ALTER COLUMN email DROP DEFAULT
  - name: event_at_excl
    kind: other
    depends_on: [event]
    sql: ALTER TABLE event ADD CONSTRAINT event_at_excl EXCLUDE USING gist (at WITH &&)
    drop: ALTER TABLE event DROP CONSTRAINT event_at_excl
`

// TestMigrateDiffDevURLObjects diffs against a --dev-url a spec whose
// SQL objects create tables and add indexes, constraints and a default
// to spec tables: what they make is theirs, planned from the snapshot's
// objects, so with nothing changed the replayed migrations plan nothing
// (Atlas planned to drop all of it), and an object taken out of the
// spec is dropped once, by its own statement.
func TestMigrateDiffDevURLObjects(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	dev, live := pgtest.Current(t).AdminURL(), pgtest.URL(t)
	testfile.Write(t, dir, "schema/app.yaml", keptAsSQLSpec)
	migrateInit(t, dir, live)
	out, _ := mustRun(t, 0, "-C", dir, "migrate", "diff", "again", "--dev-url", dev)
	contains(t, "diff with nothing changed", out, "no changes")

	spec := keptAsSQLSpec
	for _, name := range []string{"flags_bits_idx", "account_email_check"} {
		start := strings.Index(spec, "  - name: "+name+"\n")
		end := start + 1 + strings.Index(spec[start+1:], "  - name: ")
		spec = spec[:start] + spec[end:]
	}
	testfile.Write(t, dir, "schema/app.yaml", spec)
	mustRun(t, 0, "-C", dir, "generate")
	out, _ = mustRun(t, 0, "-C", dir, "migrate", "diff", "drop_two", "--dev-url", dev)
	contains(t, "diff dropping two objects", out, `drop object "flags_bits_idx"`, `drop object "account_email_check"`)
	up, err := os.ReadFile(filepath.Join(dir, "migrations", "000002_drop_two.up.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(up), ";\n"); n != 2 {
		t.Errorf("the migration has %d statements, want the 2 objects' drops:\n%s", n, up)
	}
	replayedAsPlanned(t, dir, live, dev)
}

// TestMigrateDiffDevURLEarlyObjects diffs against a --dev-url a spec
// whose tables use SQL objects created before them, as cpcgen import
// writes Dendrite's: defaults taking nextval of sequences of their own,
// a default calling a function, a column of a composite type. The
// server normalizing the spec's tables has those objects, where it
// failed with "type "pair" does not exist"; and a column taking nextval
// of a sequence it does not own is no serial column, though the
// sequence's name is one's (<a>_<b>_seq): the migration keeps its
// default, where it made the key bigserial, with a sequence of its own,
// and refused the nullable column ("NOT NULL constraint is required").
// The first diff and one with nothing changed both succeed.
func TestMigrateDiffDevURLEarlyObjects(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	dev, live := pgtest.Current(t).AdminURL(), pgtest.URL(t)
	testfile.Write(t, dir, "schema/app.yaml", `tables:
  ticket:
    columns:
      id: {type: bigint, primary_key: true, default: {sql: "nextval('shared_ticket_seq'::regclass)"}}
      version: {type: bigint, nullable: true, default: {sql: "nextval('ticket_version_seq'::regclass)"}}
      code: {type: text, default: new_code()}
      span: {type: {sql: pair}, nullable: true}

sql_objects:
  - name: shared_ticket_seq
    kind: sequence
    sql: CREATE SEQUENCE shared_ticket_seq
  - name: ticket_version_seq
    kind: sequence
    sql: CREATE SEQUENCE ticket_version_seq
  - name: new_code
    kind: function
    before_tables: true
    sql: CREATE FUNCTION new_code() RETURNS text LANGUAGE sql AS $$ SELECT 'x' $$
  - name: pair
    kind: type
    sql: CREATE TYPE pair AS (a integer, b integer)
`)
	mustRun(t, 0, "-C", dir, "generate")
	out, _ := mustRun(t, 0, "-C", dir, "migrate", "diff", "init", "--dev-url", dev)
	contains(t, "first diff", out, `create table "ticket"`, "migrations/000001_init.up.sql")
	up, err := os.ReadFile(filepath.Join(dir, "migrations", "000001_init.up.sql"))
	if err != nil {
		t.Fatal(err)
	}
	contains(t, "first migration", string(up),
		`"id" bigint NOT NULL DEFAULT nextval('shared_ticket_seq'::regclass)`,
		`"version" bigint NULL DEFAULT nextval('ticket_version_seq'::regclass)`)
	if strings.Contains(string(up), "serial") {
		t.Errorf("the first migration makes a serial column:\n%s", up)
	}
	replayedAsPlanned(t, dir, live, dev)
}

// TestMigrateDiffDevURLEarlyTable writes the first migration, against a
// --dev-url, of a spec with an object created before the tables that is
// a table itself: the Atlas engine normalizes only in a schema without
// tables, so the spec's tables are normalized without the objects, as
// before they were created there. A second diff finds no changes: the
// object's table is the object's, where it was planned for a drop.
func TestMigrateDiffDevURLEarlyTable(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	dev, live := pgtest.Current(t).AdminURL(), pgtest.URL(t)
	testfile.Write(t, dir, "schema/app.yaml", `tables:
  ticket:
    columns:
      id: {type: bigint, primary_key: true}

sql_objects:
  - name: odd
    kind: other
    before_tables: true
    sql: CREATE TABLE "odd name" (id integer)
    drop: DROP TABLE "odd name"
`)
	mustRun(t, 0, "-C", dir, "generate")
	out, _ := mustRun(t, 0, "-C", dir, "migrate", "diff", "init", "--dev-url", dev)
	contains(t, "first diff", out, `create table "ticket"`, `create object "odd"`)
	replayedAsPlanned(t, dir, live, dev)
}

// TestMigrateDiffDevURLEarlyEnum writes the first migration, against a
// --dev-url, of a spec with an enum an object creates before the tables
// (as cpcgen import keeps one a composite type uses) and a composite
// type over it: the spec's tables are normalized where those objects
// exist, and the enum the engine reads back there is the object's, where
// the migration created it a second time ("type "color" already
// exists"). A second diff finds no changes.
func TestMigrateDiffDevURLEarlyEnum(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	dev, live := pgtest.Current(t).AdminURL(), pgtest.URL(t)
	testfile.Write(t, dir, "schema/app.yaml", `enums:
  letter: [a, b]
tables:
  paint:
    columns:
      id: {type: bigint, primary_key: true}
      letter: letter
      tint: {type: {sql: tint}, nullable: true}

sql_objects:
  - name: color
    kind: other
    before_tables: true
    sql: CREATE TYPE color AS ENUM ('red', 'green')
    drop: DROP TYPE color
  - name: tint
    kind: type
    depends_on: [color]
    sql: CREATE TYPE tint AS (c color, shade integer)
`)
	mustRun(t, 0, "-C", dir, "generate")
	out, _ := mustRun(t, 0, "-C", dir, "migrate", "diff", "init", "--dev-url", dev)
	contains(t, "first diff", out, `create table "paint"`, `create object "color"`, `create enum type "letter"`)
	if strings.Contains(out, `create enum type "color"`) {
		t.Errorf("the first diff creates the object's enum as the spec's too:\n%s", out)
	}
	replayedAsPlanned(t, dir, live, dev)
}

// TestMigrateDiffDevURLEnumTakenByEarlyObject diffs, against a
// --dev-url, a spec enum that becomes an object created before the
// tables under the same name, as import makes it once a composite type
// uses it (Bytebase's differ pair of an enum emptied, reversed, and any
// enum a new composite type takes): the replayed migrations' enum was
// left out of the current schema as if the object had made it, so the
// migration neither dropped nor renamed it aside, and its CREATE TYPE
// failed on apply ("type "letter" already exists"). The migration
// applies, goes down and applies again; and so does the one back.
func TestMigrateDiffDevURLEnumTakenByEarlyObject(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	dev, live := pgtest.Current(t).AdminURL(), pgtest.URL(t)
	spec := `enums:
  letter: [a, b]
tables:
  paint:
    columns:
      id: {type: bigint, primary_key: true}
      letter: letter
`
	testfile.Write(t, dir, "schema/app.yaml", spec)
	mustRun(t, 0, "-C", dir, "generate")
	mustRun(t, 0, "-C", dir, "migrate", "diff", "init", "--dev-url", dev)
	mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", live)
	testfile.Write(t, dir, "schema/app.yaml", `sql_objects:
  - name: letter
    kind: other
    before_tables: true
    sql: CREATE TYPE letter AS ENUM ('a', 'b')
    drop: DROP TYPE letter
  - name: tint
    kind: type
    depends_on: [letter]
    sql: CREATE TYPE tint AS (l letter, shade integer)
  - name: paint
    kind: other
    sql: CREATE TABLE paint (id bigint PRIMARY KEY, letter letter NOT NULL)
    drop: DROP TABLE paint
`)
	mustRun(t, 0, "-C", dir, "generate")
	out, _ := mustRun(t, 0, "-C", dir, "migrate", "diff", "later", "--dev-url", dev, "--allow-destructive", "--allow-breaking")
	contains(t, "second diff", out, `create object "letter"`, `drop the old enum type "letter"`)
	replayedAsPlanned(t, dir, live, dev)
	mustRun(t, 0, "-C", dir, "migrate", "down", "--url", live)
	mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", live)
	// And back: the enum the object made, which the replayed migrations
	// still have, was taken for the specs' own, so the migration did
	// not create that one, and the object's drop left the column's
	// type missing.
	testfile.Write(t, dir, "schema/app.yaml", spec)
	mustRun(t, 0, "-C", dir, "generate")
	out, _ = mustRun(t, 0, "-C", dir, "migrate", "diff", "back", "--dev-url", dev, "--allow-destructive", "--allow-breaking")
	contains(t, "third diff", out, `drop type "tint"`, `drop object "letter"`, `create enum type "letter"`)
	replayedAsPlanned(t, dir, live, dev)
	mustRun(t, 0, "-C", dir, "migrate", "down", "--url", live)
	mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", live)
}

// TestMigrateDiffDevURLSpecText diffs, against a --dev-url, a spec whose
// default casts a literal to another type than its column's and whose
// check is written otherwise than PostgreSQL prints it: the migrations
// write them as the spec does, where they wrote the normalized forms,
// which lost the cast (so the default's value changed: a timestamp is
// read in the inserting session's time zone) and made another check
// than the database the spec was imported from has. The down writes the
// snapshot's, and a live database made from the spec's own SQL matches.
func TestMigrateDiffDevURLSpecText(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	dev, live := pgtest.Current(t).AdminURL(), pgtest.URL(t)
	spec := `tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      at: {type: timestamptz, default: {sql: "'2020-01-01 00:00'::timestamp"}}
      active: {type: varchar(1), nullable: true, check: "active::text = ANY (ARRAY['Y'::varchar, 'N'::varchar]::text[])"}
`
	testfile.Write(t, dir, "schema/app.yaml", spec)
	mustRun(t, 0, "-C", dir, "migrate", "diff", "init", "--dev-url", dev)
	up, err := os.ReadFile(filepath.Join(dir, "migrations", "000001_init.up.sql"))
	if err != nil {
		t.Fatal(err)
	}
	contains(t, "first migration", string(up), `DEFAULT '2020-01-01 00:00'::timestamp`, `CHECK (active::text = ANY (ARRAY['Y'::varchar, 'N'::varchar]::text[]))`)
	testfile.Write(t, dir, "schema/app.yaml", strings.Replace(spec, "'2020-01-01 00:00'", "'2021-06-01 00:00'", 1))
	mustRun(t, 0, "-C", dir, "generate")
	mustRun(t, 0, "-C", dir, "migrate", "diff", "later", "--dev-url", dev)
	down, err := os.ReadFile(filepath.Join(dir, "migrations", "000002_later.down.sql"))
	if err != nil {
		t.Fatal(err)
	}
	contains(t, "second migration's down", string(down), `SET DEFAULT '2020-01-01 00:00'::timestamp`)
	pgtest.Exec(t, live, "CREATE TABLE t (id integer PRIMARY KEY, at timestamptz NOT NULL DEFAULT '2021-06-01 00:00'::timestamp, "+
		"active varchar(1) CHECK (active::text = ANY (ARRAY['Y'::varchar, 'N'::varchar]::text[])))")
	baselinedMatches(t, dir, live, dev)
}

// TestMigrateDiffDevURLSearchPath diffs against a --dev-url whose
// options set the search_path to an application's schema, which the
// temporary databases lack: they inspect and replay in public, where
// the diff stopped at "current_schema() defined in search_path was not
// found" or, with a sequence, "no schema has been selected to create
// in".
func TestMigrateDiffDevURLSearchPath(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	dev := pgtest.Current(t).AdminURL()
	sep := "?"
	if strings.Contains(dev, "?") {
		sep = "&"
	}
	dev += sep + "options=" + url.QueryEscape("-csearch_path=app")
	testfile.Write(t, dir, "schema/app.yaml", `tables:
  ticket:
    columns:
      id: {type: bigint, primary_key: true, default: {sql: "nextval('ticket_ids')"}}
sql_objects:
  - name: ticket_ids
    kind: sequence
    sql: CREATE SEQUENCE ticket_ids
`)
	out, _ := mustRun(t, 0, "-C", dir, "migrate", "diff", "init", "--dev-url", dev)
	contains(t, "first diff", out, `create table "ticket"`)
	out, _ = mustRun(t, 0, "-C", dir, "migrate", "diff", "again", "--dev-url", dev)
	contains(t, "second diff", out, "no changes")
}

// TestMigrationsExternal: a project whose migrations use another
// schema's table and function (Supabase's auth.users, referenced by a
// foreign key, and auth.uid(), called by a policy) names them in
// migrations.external: check --url, vet and diff --dev-url replay the
// migrations into temporary databases that have them, where they
// stopped at schema "auth" does not exist.
func TestMigrationsExternal(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	dev, live := pgtest.Current(t).AdminURL(), pgtest.URL(t)
	external := `CREATE SCHEMA auth;
CREATE TABLE auth.users (id uuid PRIMARY KEY);
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$ SELECT NULL::uuid $$;
`
	testfile.Write(t, dir, "db/external.sql", external)
	testfile.Write(t, dir, "schema/app.yaml", `tables:
  profiles:
    columns:
      id: {type: uuid, primary_key: true}
      name: {type: text, nullable: true}
sql_objects:
  - name: profiles_user
    kind: other
    sql: ALTER TABLE profiles ADD CONSTRAINT profiles_id_fkey FOREIGN KEY (id) REFERENCES auth.users (id) ON DELETE CASCADE
    drop: ALTER TABLE profiles DROP CONSTRAINT profiles_id_fkey
  - name: profiles_own
    kind: other
    sql: ALTER TABLE profiles ENABLE ROW LEVEL SECURITY; CREATE POLICY own ON profiles USING (id = auth.uid())
    drop: DROP POLICY own ON profiles; ALTER TABLE profiles DISABLE ROW LEVEL SECURITY
`)
	pgtest.Exec(t, live, strings.Split(strings.TrimSpace(external), "\n")...)
	migrateInit(t, dir, live)
	code, _, errOut := cpcgen(t, "-C", dir, "check", "--url", live)
	if code == 0 || !strings.Contains(errOut, `schema "auth" does not exist`) || !strings.Contains(errOut, "in migrations.external (docs/migrations.md)") {
		t.Fatalf("check --url without migrations.external: exit %d, want a failure naming schema auth and the key:\n%s", code, errOut)
	}
	code, _, errOut = cpcgen(t, "-C", dir, "migrate", "diff", "again", "--dev-url", dev)
	if code == 0 || !strings.Contains(errOut, "in migrations.external (docs/migrations.md)") {
		t.Fatalf("diff --dev-url without migrations.external: exit %d, want a failure naming the key:\n%s", code, errOut)
	}
	useExternal(t, dir, external)
	out, _ := mustRun(t, 0, "-C", dir, "check", "--url", live)
	contains(t, "check", out, "schema matches the migrations")
	out, _ = mustRun(t, 0, "-C", dir, "migrate", "diff", "again", "--dev-url", dev)
	contains(t, "diff", out, "no changes")
	out, _ = mustRun(t, 0, "-C", dir, "vet", "--dev-url", dev)
	contains(t, "vet", out, "no problems")
	// A file that does not run says so, naming it.
	testfile.Write(t, dir, "db/external.sql", "CREATE SCHEMA auth; CREATE TABLE auth.users (id uuid PRIMARY KEY;\n")
	code, _, errOut = cpcgen(t, "-C", dir, "check", "--url", live)
	if code == 0 || !strings.Contains(errOut, "migrations.external db/external.sql") {
		t.Fatalf("check with a broken external file: exit %d\n%s", code, errOut)
	}
}

// TestMigrationsExternalType: an sql object of kind type created before
// the tables whose attribute is of another schema's type (CREATE TYPE
// shape AS (p geo.point2), as import keeps it) stopped diff --dev-url at
// schema "geo" does not exist without a word of migrations.external,
// where that schema is to be created; it now points at the key, and with
// it the diff is written.
func TestMigrationsExternalType(t *testing.T) {
	dev := pgtest.Current(t).AdminURL()
	dir := newMigrationsProject(t, "golang-migrate")
	testfile.Write(t, dir, "schema/app.yaml", `tables:
  figure:
    columns:
      id: {type: integer, primary_key: true}
sql_objects:
  - name: shape
    kind: type
    sql: CREATE TYPE shape AS (p geo.point2)
`)
	code, _, errOut := cpcgen(t, "-C", dir, "migrate", "diff", "init", "--dev-url", dev)
	if code == 0 || !strings.Contains(errOut, `schema "geo" does not exist`) || !strings.Contains(errOut, "in migrations.external (docs/migrations.md)") {
		t.Fatalf("diff --dev-url without migrations.external: exit %d, want a failure naming schema geo and the key:\n%s", code, errOut)
	}
	useExternal(t, dir, "CREATE SCHEMA geo; CREATE TYPE geo.point2 AS (x integer, y integer);\n")
	out, _ := mustRun(t, 0, "-C", dir, "migrate", "diff", "init", "--dev-url", dev)
	contains(t, "diff", out, "000001_init.up.sql")
}

// TestMigrationsExternalPublicSchema: a migrations.external file made
// by pg_dump --schema-only --schema public holds CREATE SCHEMA public,
// which every temporary database already has: diff --dev-url stopped at
// schema "public" already exists. The statement is left out there.
func TestMigrationsExternalPublicSchema(t *testing.T) {
	dev := pgtest.Current(t).AdminURL()
	dir := newMigrationsProject(t, "golang-migrate")
	useExternal(t, dir, "CREATE SCHEMA public;\nCREATE SCHEMA geo;\nCREATE TYPE geo.point2 AS (x integer, y integer);\n")
	testfile.Write(t, dir, "schema/app.yaml", `tables:
  figure:
    columns:
      id: {type: integer, primary_key: true}
sql_objects:
  - name: shape
    kind: type
    sql: CREATE TYPE shape AS (p geo.point2)
`)
	out, _ := mustRun(t, 0, "-C", dir, "migrate", "diff", "init", "--dev-url", dev)
	contains(t, "diff", out, "000001_init.up.sql")
}

// TestMigrationsExternalDefault: a spec table whose default takes
// nextval of another schema's sequence (pgMemento's audit_id columns,
// DEFAULT nextval('pgmemento.audit_id_seq')), which migrations.external
// creates: diff --dev-url created the spec's tables, to read back how
// PostgreSQL spells them, in a temporary database without the external
// SQL, and stopped at schema "pgmemento" does not exist. It now writes
// the first migration, which builds the database the spec came from.
func TestMigrationsExternalDefault(t *testing.T) {
	dev, live := pgtest.Current(t).AdminURL(), pgtest.URL(t)
	external := "CREATE SCHEMA pgmemento; CREATE SEQUENCE pgmemento.audit_id_seq;\n"
	dir := externalSequenceProject(t, external)
	mustRun(t, 0, "-C", dir, "generate")
	mustRun(t, 0, "-C", dir, "migrate", "diff", "init", "--dev-url", dev)
	pgtest.Exec(t, live, external, "CREATE TABLE book (id integer PRIMARY KEY, audit_id bigint NOT NULL UNIQUE DEFAULT nextval('pgmemento.audit_id_seq'))")
	baselinedMatches(t, dir, live, dev)
	out, _ := mustRun(t, 0, "-C", dir, "migrate", "diff", "again", "--dev-url", dev)
	contains(t, "diff", out, "no changes")
}

// useExternal writes external to db/external.sql of the project in dir
// and makes it the project's migrations.external.
func useExternal(t *testing.T, dir, external string) {
	t.Helper()
	testfile.Write(t, dir, "db/external.sql", external)
	testfile.Write(t, dir, "cpcgen.yaml", "version: 1\npackage: {name: appdb, dir: ./internal/appdb}\nspecs: [./schema/*.yaml]\n"+
		"migrations: {dir: ./migrations, format: golang-migrate, external: ./db/external.sql}\n")
}

// externalSequenceProject makes a project whose migrations.external is
// external and whose table book takes its audit_id from the sequence
// pgmemento.audit_id_seq, which external is to create.
func externalSequenceProject(t *testing.T, external string) string {
	t.Helper()
	dir := newMigrationsProject(t, "golang-migrate")
	useExternal(t, dir, external)
	testfile.Write(t, dir, "schema/app.yaml", `tables:
  book:
    columns:
      id: {type: integer, primary_key: true}
      audit_id: {type: bigint, unique: true, default: {sql: "nextval('pgmemento.audit_id_seq'::regclass)"}}
`)
	return dir
}

// TestMigrationsExternalPgDump: a migrations.external file made by
// pg_dump, as the docs suggest, holds psql's \restrict and \unrestrict
// meta-commands (pg_dump since 17.6, 16.10, 15.14): the file ran as one
// statement and stopped at a syntax error. Its statements run without
// them, what a query \gexec ends makes too, and without its OWNER TO of
// a role the temporary database's server lacks; a \i, which names
// another file, is refused, naming its line.
func TestMigrationsExternalPgDump(t *testing.T) {
	dev, live := pgtest.Current(t).AdminURL(), pgtest.URL(t)
	external := "--\n-- PostgreSQL database dump\n--\n\n\\restrict AbC123\n\nSET statement_timeout = 0;\n" +
		"SELECT pg_catalog.set_config('search_path', '', false);\nCREATE SCHEMA pgmemento;\nALTER SCHEMA pgmemento OWNER TO memento_admin_nope;\n" +
		"SELECT 'CREATE SEQUENCE pgmemento.' || 'audit_id_seq'\\gexec\n\n\\unrestrict AbC123\n"
	dir := externalSequenceProject(t, external)
	mustRun(t, 0, "-C", dir, "generate")
	mustRun(t, 0, "-C", dir, "migrate", "diff", "init", "--dev-url", dev)
	pgtest.Exec(t, live, "CREATE SCHEMA pgmemento; CREATE SEQUENCE pgmemento.audit_id_seq;")
	mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", live)
	out, _ := mustRun(t, 0, "-C", dir, "check", "--url", live, "--dev-url", dev)
	contains(t, "check", out, "schema matches the migrations")
	testfile.Write(t, dir, "db/external.sql", "CREATE SCHEMA pgmemento;\n\\i other.sql\n")
	code, _, errOut := cpcgen(t, "-C", dir, "check", "--url", live, "--dev-url", dev)
	if code == 0 || !strings.Contains(errOut, "migrations.external db/external.sql:2") || !strings.Contains(errOut, "other.sql") {
		t.Fatalf("check with an external file including another: exit %d\n%s", code, errOut)
	}
}

// TestMigrationsExternalSearchPath: a database whose search_path names
// a schema migrations.external creates after public (Supabase's
// extensions, where pgcrypto's gen_random_bytes lives) and a LANGUAGE
// sql function of the migrations calling one of its functions
// unqualified: check --url, migrate baseline and migrate diff --dev-url
// replayed the migrations with public alone in the search_path, and
// stopped at "function util_token() does not exist".
func TestMigrationsExternalSearchPath(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	dev, live := pgtest.Current(t).AdminURL(), pgtest.URL(t)
	external := "CREATE SCHEMA util; CREATE FUNCTION util.util_token() RETURNS text LANGUAGE sql AS $$ SELECT 'x' $$;\n"
	useExternal(t, dir, external)
	fn := "CREATE FUNCTION make_token() RETURNS text LANGUAGE sql AS $$ SELECT util_token() $$"
	testfile.Write(t, dir, "schema/app.yaml", `tables:
  tokens:
    columns:
      id: {type: bigint, primary_key: true}
sql_objects:
  - name: make_token
    kind: function
    sql: `+fn+`
`)
	pgtest.Exec(t, live, external,
		`DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET search_path = "$user", public, util', current_database()); END $$`)
	mustRun(t, 0, "-C", dir, "generate")
	mustRun(t, 0, "-C", dir, "migrate", "diff", "init")
	mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", live)
	out, _ := mustRun(t, 0, "-C", dir, "check", "--url", live, "--dev-url", dev)
	contains(t, "check", out, "schema matches the migrations")
	mustRun(t, 0, "-C", dir, "migrate", "down", "--url", live)
	pgtest.Exec(t, live, "CREATE TABLE tokens (id bigint PRIMARY KEY)", fn)
	baselinedMatches(t, dir, live, dev)
	// diff --dev-url's temporary databases take the search_path of the
	// --dev-url's database, here live's, after public.
	out, _ = mustRun(t, 0, "-C", dir, "migrate", "diff", "again", "--dev-url", live)
	contains(t, "diff", out, "no changes")
}

// TestCheckSearchPathWithoutPublic: a database whose search_path is its
// application's schema alone (app, without public), with a table of the
// migrations whose column has a type of public (ListenBrainz's
// recommendation.do_not_recommend, of public.do_not_recommend_entity_type,
// which migrations.external creates): the replay put public after app
// all the same, so the temporary database named the type unqualified
// where the database names it public.mood, and check --url and migrate
// baseline reported drift (alter column type public.mood → mood) on a
// database the migrations built. The replay's search_path is now the
// database's own.
func TestCheckSearchPathWithoutPublic(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	dev, live := pgtest.Current(t).AdminURL(), pgtest.URL(t)
	external := "CREATE TYPE public.mood AS ENUM ('happy', 'sad');\n"
	useExternal(t, dir, external)
	testfile.Write(t, dir, "schema/app.yaml", `tables:
  people:
    columns:
      id: {type: bigint, primary_key: true}
sql_objects:
  - name: feelings
    kind: other
    sql: CREATE TABLE feelings (id bigint PRIMARY KEY, mood public.mood NOT NULL)
    drop: DROP TABLE feelings
`)
	pgtest.Exec(t, live, external, "CREATE SCHEMA app",
		`DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET search_path = app', current_database()); END $$`)
	migrateInit(t, dir, live)
	out, _ := mustRun(t, 0, "-C", dir, "check", "--url", live, "--dev-url", dev)
	contains(t, "check", out, `schema matches the migrations (schema "app")`)
	mustRun(t, 0, "-C", dir, "migrate", "down", "--url", live)
	pgtest.Exec(t, live, "CREATE TABLE app.people (id bigint PRIMARY KEY)", "CREATE TABLE app.feelings (id bigint PRIMARY KEY, mood public.mood NOT NULL)")
	baselinedMatches(t, dir, live, dev)
}

// TestMigrateDiffDevURLCheckWithoutColumns diffs, against a --dev-url,
// a spec whose table has checks naming no column (pgwatch's
// metrics_template CHECK (false)), which the Atlas engine's inspection
// leaves out: the first migration wrote the table without them, and
// check --url did not see one dropped by hand. Now the migration makes
// them, a diff after it finds nothing to do, a second one adds such a
// check, and a hand-dropped one is drift.
func TestMigrateDiffDevURLCheckWithoutColumns(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	dev, live := pgtest.Current(t).AdminURL(), pgtest.URL(t)
	spec := `tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
    checks:
      - {name: t_never, expr: "false"}
      - {name: t_pos, expr: "id > 0"}
`
	testfile.Write(t, dir, "schema/app.yaml", spec)
	mustRun(t, 0, "-C", dir, "migrate", "diff", "init", "--dev-url", dev)
	up, err := os.ReadFile(filepath.Join(dir, "migrations", "000001_init.up.sql"))
	if err != nil {
		t.Fatal(err)
	}
	contains(t, "first migration", string(up), `CONSTRAINT "t_never" CHECK (false)`, `CONSTRAINT "t_pos" CHECK (id > 0)`)
	out, _ := mustRun(t, 0, "-C", dir, "migrate", "diff", "again", "--dev-url", dev)
	contains(t, "diff", out, "no changes")
	testfile.Write(t, dir, "schema/app.yaml", spec+"      - {name: t_always, expr: \"true\"}\n")
	mustRun(t, 0, "-C", dir, "generate")
	mustRun(t, 0, "-C", dir, "migrate", "diff", "later", "--dev-url", dev, "--allow-destructive")
	mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", live)
	out, _ = mustRun(t, 0, "-C", dir, "check", "--url", live, "--dev-url", dev)
	contains(t, "check", out, "schema matches the migrations")
	pgtest.Exec(t, live, "ALTER TABLE t DROP CONSTRAINT t_always")
	code, out, _ := cpcgen(t, "-C", dir, "check", "--url", live, "--dev-url", dev)
	if code != 1 || !strings.Contains(out, "schema drift") {
		t.Errorf("check --url after a check naming no column was dropped by hand: exit %d, want schema drift:\n%s", code, out)
	}
}

// TestMigrateDiffDevURLUniqueForForeignKey diffs, against a --dev-url,
// a unique constraint added together with a foreign key referencing its
// column (PeerDB's uq_qrep_runs_flow_name and the key of qrep_partitions
// to it). PostgreSQL records the unique index in the foreign key's
// pg_constraint row too, and the Atlas engine's inspection took the key
// for a constraint of the index: the diff read the index as an
// exclusion constraint and stopped. Now the migration builds the index,
// attaches the constraint and adds the key; it applies, check --url is
// clean, and its down goes back.
func TestMigrateDiffDevURLUniqueForForeignKey(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	dev, live := pgtest.Current(t).AdminURL(), pgtest.URL(t)
	testfile.Write(t, dir, "schema/app.yaml", `tables:
  runs:
    columns:
      id: {type: integer, primary_key: true}
      flow_name: text
  parts:
    columns:
      id: {type: integer, primary_key: true}
      flow_name: text
`)
	mustRun(t, 0, "-C", dir, "migrate", "diff", "init", "--dev-url", dev)
	testfile.Write(t, dir, "schema/app.yaml", `tables:
  runs:
    columns:
      id: {type: integer, primary_key: true}
      flow_name: {type: text, unique: true, unique_name: uq_runs_flow_name}
  parts:
    columns:
      id: {type: integer, primary_key: true}
      flow_name: {type: text, references: runs.flow_name, on_delete: cascade, references_name: fk_parts_flow_name}
`)
	mustRun(t, 0, "-C", dir, "generate")
	mustRun(t, 0, "-C", dir, "migrate", "diff", "keyed", "--dev-url", dev, "--allow-destructive")
	mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", live)
	out, _ := mustRun(t, 0, "-C", dir, "check", "--url", live, "--dev-url", dev)
	contains(t, "check", out, "schema matches the migrations")
	if n := queryInt(t, live, "SELECT count(*) FROM pg_constraint WHERE (conname, contype) IN (('uq_runs_flow_name', 'u'), ('fk_parts_flow_name', 'f'))"); n != 2 {
		t.Errorf("after the migration: %d of the unique constraint and the foreign key, want both", n)
	}
	out, _ = mustRun(t, 0, "-C", dir, "migrate", "diff", "again", "--dev-url", dev)
	contains(t, "diff", out, "no changes")
	mustRun(t, 0, "-C", dir, "migrate", "down", "--url", live, "3")
	if n := queryInt(t, live, "SELECT count(*) FROM pg_constraint WHERE conname IN ('uq_runs_flow_name', 'fk_parts_flow_name')"); n != 0 {
		t.Errorf("after the down: %d of the unique constraint and the foreign key, want none", n)
	}
}

// TestMigrateDiffDevURLSpecIndex diffs, against a --dev-url, a spec
// whose index expression and predicate hold an EXTRACT field written as
// a text constant in capitals, which PostgreSQL prints bare
// (EXTRACT(DOW FROM …)) and reads back as the field 'dow': the
// migrations write the index as the spec does, where they wrote
// PostgreSQL's spelling, which made another index than the database the
// spec was imported from has (migrate baseline refused it). The down of
// a change writes the snapshot's, and a live database made from the
// spec's own SQL matches.
func TestMigrateDiffDevURLSpecIndex(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	dev, live := pgtest.Current(t).AdminURL(), pgtest.URL(t)
	spec := `tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      d: timestamp
    indexes:
      - {name: t_dow, columns: [{expr: "EXTRACT('DOW' FROM d)"}], where: "EXTRACT('YEAR' FROM d) > 2000::numeric"}
`
	testfile.Write(t, dir, "schema/app.yaml", spec)
	mustRun(t, 0, "-C", dir, "migrate", "diff", "init", "--dev-url", dev)
	up, err := os.ReadFile(filepath.Join(dir, "migrations", "000001_init.up.sql"))
	if err != nil {
		t.Fatal(err)
	}
	contains(t, "first migration", string(up), `((EXTRACT('DOW' FROM d))) WHERE EXTRACT('YEAR' FROM d) > 2000::numeric`)
	testfile.Write(t, dir, "schema/app.yaml", strings.Replace(spec, "2000::numeric", "2010::numeric", 1))
	mustRun(t, 0, "-C", dir, "generate")
	mustRun(t, 0, "-C", dir, "migrate", "diff", "later", "--dev-url", dev)
	later, err := filepath.Glob(filepath.Join(dir, "migrations", "*.sql"))
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, f := range later {
		if !strings.Contains(f, "000001_init") {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			all.Write(b)
		}
	}
	contains(t, "second migration", all.String(), `EXTRACT('YEAR' FROM d) > 2010::numeric`, `EXTRACT('YEAR' FROM d) > 2000::numeric`)
	if strings.Contains(all.String(), "EXTRACT(DOW") || strings.Contains(all.String(), "EXTRACT(YEAR") {
		t.Errorf("second migration writes PostgreSQL's spelling of the index:\n%s", all.String())
	}
	pgtest.Exec(t, live, "CREATE TABLE t (id integer PRIMARY KEY, d timestamp NOT NULL); "+
		"CREATE INDEX t_dow ON t ((extract('DOW' from d))) WHERE extract('YEAR' from d) > 2010")
	baselinedMatches(t, dir, live, dev)
}

// TestMigrateDiffDevURLNullNames diffs, against a --dev-url, a spec
// whose table and columns are named null, which the Atlas engine reads
// as SQL NULL: the first migration, replayed there, produces the spec,
// so the diff finds no changes.
func TestMigrateDiffDevURLNullNames(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	dev := pgtest.Current(t).AdminURL()
	testfile.Write(t, dir, "schema/app.yaml", `tables:
  "null":
    columns:
      id: {type: int, primary_key: true}
      "null": {type: text, nullable: true, unique: true, check: "\"null\" <> ''"}
  user:
    columns:
      id: {type: int, primary_key: true}
      "NULL": {type: int, nullable: true, references: null.id}
`)
	mustRun(t, 0, "-C", dir, "generate")
	mustRun(t, 0, "-C", dir, "migrate", "diff", "init")
	out, _ := mustRun(t, 0, "-C", dir, "migrate", "diff", "again", "--dev-url", dev)
	contains(t, "second diff", out, "no changes")
}

// TestMigrateDiffDevURLBeforeTables diffs, against a --dev-url, a spec
// whose generated column calls a function created before the tables and
// whose default takes the next value of a sequence of the spec: the
// spec's schema is normalized there with them, where it failed with
// "function get_level(text) does not exist".
func TestMigrateDiffDevURLBeforeTables(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	dev := pgtest.Current(t).AdminURL()
	spec := `tables:
  items:
    columns:
      id: {type: integer, primary_key: true, default: {sql: "nextval('item_ids')"}}
      name: text
      level: {type: integer, generated: "get_level(name)"}
sql_objects:
  - name: item_ids
    kind: sequence
    sql: CREATE SEQUENCE item_ids
  - name: get_level
    kind: function
    before_tables: true
    sql: |-
      CREATE FUNCTION get_level(name text) RETURNS integer
        LANGUAGE sql IMMUTABLE STRICT
        AS $$ SELECT array_length(string_to_array(name, '/'), 1) $$
`
	testfile.Write(t, dir, "schema/app.yaml", spec)
	mustRun(t, 0, "-C", dir, "generate")
	out, _ := mustRun(t, 0, "-C", dir, "migrate", "diff", "init", "--dev-url", dev)
	contains(t, "first diff", out, `create table "items"`)
	out, _ = mustRun(t, 0, "-C", dir, "migrate", "diff", "again", "--dev-url", dev)
	contains(t, "diff with nothing changed", out, "no changes")
	testfile.Write(t, dir, "schema/app.yaml", strings.Replace(spec, "      name: text\n", "      name: text\n      note: {type: text, nullable: true}\n", 1))
	mustRun(t, 0, "-C", dir, "generate")
	out, _ = mustRun(t, 0, "-C", dir, "migrate", "diff", "note", "--dev-url", dev)
	contains(t, "diff adding a column", out, `add column "items"."note"`)
}

// TestMigrateDiffDevURLIndexSpecText diffs, against a --dev-url, a
// spec whose partial indexes compare a varchar column with an array
// cast to its own type and then to text[], as import writes them: the
// migrations write the predicates as the spec does, where they wrote
// PostgreSQL's spelling, (ARRAY[…])::text[], which PostgreSQL reads back
// as a cast of each element, another predicate than the database the
// spec was imported from has. The index of a new table and the one
// added to a table that exists both keep it, and a live database made
// from the spec's own SQL matches the migrations.
func TestMigrateDiffDevURLIndexSpecText(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	dev, live := pgtest.Current(t).AdminURL(), pgtest.URL(t)
	const where = "status::text = ANY (ARRAY['pending'::character varying, 'running'::character varying]::character varying[]::text[])"
	spec := `tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
      status: {type: varchar(50), nullable: true}
      kind: {type: varchar(50), nullable: true}
    indexes:
      - {name: t_status_idx, columns: [status], where: "` + where + `"}
`
	testfile.Write(t, dir, "schema/app.yaml", spec)
	mustRun(t, 0, "-C", dir, "migrate", "diff", "init", "--dev-url", dev)
	up, err := os.ReadFile(filepath.Join(dir, "migrations", "000001_init.up.sql"))
	if err != nil {
		t.Fatal(err)
	}
	contains(t, "first migration", string(up), "WHERE "+where)
	kindWhere := strings.ReplaceAll(where, "status", "kind")
	testfile.Write(t, dir, "schema/app.yaml", spec+`      - {name: t_kind_idx, columns: [kind], where: "`+kindWhere+`"}
`)
	mustRun(t, 0, "-C", dir, "generate")
	mustRun(t, 0, "-C", dir, "migrate", "diff", "later", "--dev-url", dev)
	up, err = os.ReadFile(filepath.Join(dir, "migrations", "000002_later.up.sql"))
	if err != nil {
		t.Fatal(err)
	}
	contains(t, "second migration", string(up), "WHERE "+kindWhere)
	pgtest.Exec(t, live, "CREATE TABLE t (id integer PRIMARY KEY, status varchar(50), kind varchar(50))",
		"CREATE INDEX t_status_idx ON t (status) WHERE "+where, "CREATE INDEX t_kind_idx ON t (kind) WHERE "+kindWhere)
	baselinedMatches(t, dir, live, dev)
}
