package main

import (
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/internal/testfile"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// git runs git in dir and returns its output; failure is fatal unless
// mayFail.
func git(t *testing.T, dir string, mayFail bool, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil && !mayFail {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// twoBranches makes a project under git whose branches a and b each ran
// migrate diff from the same base: both wrote a migration 000002, a
// adding table invoices (add_invoices), b table tags (add_tags). It
// returns the project, merged as twoBranchesOf does.
func twoBranches(t *testing.T) string {
	t.Helper()
	return twoBranchesOf(t, nil, "add_invoices", map[string]string{"schema/invoices.yaml": `tables:
  invoices:
    columns:
      id:     {type: bigint, primary_key: true, identity: true}
      amount: {type: "numeric(12,2)"}
`}, "add_tags", map[string]string{"schema/tags.yaml": `tables:
  tags:
    columns:
      id:   {type: bigint, primary_key: true, identity: true}
      name: {type: text, unique: true}
`})
}

// twoBranchesOf makes a project under git, the spec files base added
// to newMigrationsProject's, whose branches a and b each wrote their
// spec files and ran migrate diff from that base: both wrote a migration
// 000002, named aName and bName. It returns the project, merged: b
// merged into main after a, the conflicts in atlas.sum and the snapshot
// resolved by taking main's side and running migrate hash (what a
// developer does), the generated code regenerated.
func twoBranchesOf(t *testing.T, base map[string]string, aName string, a map[string]string, bName string, b map[string]string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatalf("the two-branch workflow needs git: %v", err)
	}
	dir := newMigrationsProject(t, "golang-migrate")
	writeAll := func(files map[string]string) {
		for _, name := range slices.Sorted(maps.Keys(files)) {
			testfile.Write(t, dir, name, files[name])
		}
	}
	writeAll(base)
	mustRun(t, 0, "-C", dir, "generate")
	mustRun(t, 0, "-C", dir, "migrate", "diff", "init")
	git(t, dir, false, "init", "-q")
	git(t, dir, false, "add", "-A")
	git(t, dir, false, "commit", "-q", "-m", "base")

	git(t, dir, false, "checkout", "-q", "-b", "a")
	writeAll(a)
	mustRun(t, 0, "-C", dir, "generate")
	mustRun(t, 0, "-C", dir, "migrate", "diff", aName)
	git(t, dir, false, "add", "-A")
	git(t, dir, false, "commit", "-q", "-m", aName)

	git(t, dir, false, "checkout", "-q", "main")
	git(t, dir, false, "checkout", "-q", "-b", "b")
	writeAll(b)
	mustRun(t, 0, "-C", dir, "generate")
	mustRun(t, 0, "-C", dir, "migrate", "diff", bName)
	git(t, dir, false, "add", "-A")
	git(t, dir, false, "commit", "-q", "-m", bName)

	git(t, dir, false, "checkout", "-q", "main")
	git(t, dir, false, "merge", "-q", "a")
	git(t, dir, true, "merge", "-q", "b")
	for _, f := range []string{"migrations/atlas.sum", "migrations/cpcgen.snapshot.hcl"} {
		git(t, dir, true, "checkout", "--ours", "--", f)
	}
	mustRun(t, 0, "-C", dir, "generate")
	mustRun(t, 0, "-C", dir, "migrate", "hash")
	git(t, dir, false, "add", "-A")
	git(t, dir, false, "commit", "-q", "-m", "merge "+bName)
	return dir
}

// TestTwoBranchWorkflow is the team workflow of docs/migrations.md: two
// branches diff from the same base and are merged; check fails offline,
// naming both version-2 files; rebase renumbers the one the merge
// brought in (rebuilding the snapshot, which the merge left with main's
// side only, from the migrations replayed on --dev-url); check is green;
// the migrations apply.
func TestTwoBranchWorkflow(t *testing.T) {
	dir := twoBranches(t)
	out, _ := mustRun(t, 1, "-C", dir, "check")
	contains(t, "check after the merge", out,
		"migrations/000002_add_invoices.up.sql:1: duplicate migration version: migrations 000002_add_invoices.up.sql and 000002_add_tags.up.sql have the same version 2",
		"run cpcgen migrate rebase NAME with the name of the one the merge brought in (add_invoices or add_tags)",
		`uncovered spec change: create table "tags"`)

	// Without a database, the snapshot main's side left does not cover
	// the merged specs: rebase says so and writes nothing.
	_, errOut := mustRun(t, 2, "-C", dir, "migrate", "rebase", "add_tags")
	contains(t, "offline rebase", errOut, `cpcgen.snapshot.hcl does not cover the merged specs (create table "tags")`, "--dev-url")
	if _, err := os.Stat(filepath.Join(dir, "migrations", "000003_add_tags.up.sql")); err == nil {
		t.Fatal("a refused rebase renamed files")
	}
	_, errOut = mustRun(t, 2, "-C", dir, "migrate", "rebase", "add_tag")
	contains(t, "unknown name", errOut, `no migration named "add_tag"`)

	dev := pgtest.Current(t).AdminURL()
	out, _ = mustRun(t, 0, "-C", dir, "migrate", "rebase", "add_tags", "--dev-url", dev)
	contains(t, "rebase", out, "migrations/000002_add_tags.up.sql to 000003_add_tags.up.sql",
		"migrations/000002_add_tags.down.sql to 000003_add_tags.down.sql",
		"migrations/cpcgen.snapshot.hcl from the migrations replayed", "wrote ")
	data, err := os.ReadFile(filepath.Join(dir, "migrations", "000003_add_tags.up.sql"))
	if err != nil || !strings.HasPrefix(string(data), "-- Migration 000003 add_tags,") {
		t.Fatalf("renumbered file: %v\n%s", err, data)
	}
	out, _ = mustRun(t, 0, "-C", dir, "check")
	contains(t, "check after the rebase", out, "migrations cover the spec")

	url := pgtest.URL(t)
	out, _ = mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", url)
	contains(t, "apply", out, "applied 000002_add_invoices.up.sql", "applied 000003_add_tags.up.sql", "3 migration(s) applied")
	out, _ = mustRun(t, 0, "-C", dir, "check", "--url", url)
	contains(t, "check --url", out, "3 migration(s) applied, none pending, schema matches the migrations")
	assertNoScratchDatabases(t, dev)
}

// TestRebaseWithDatabase renumbers with --url: a database that applied
// main's version 2 decides which migration moves, and one that applied
// the branch's refuses to have it renumbered.
func TestRebaseWithDatabase(t *testing.T) {
	dir := twoBranches(t)
	dev := pgtest.Current(t).AdminURL()

	// A staging database that ran branch b's migrations before the merge.
	git(t, dir, false, "checkout", "-q", "b")
	staging := pgtest.URL(t)
	mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", staging)
	git(t, dir, false, "checkout", "-q", "main")
	_, errOut := mustRun(t, 2, "-C", dir, "migrate", "rebase", "add_tags", "--url", staging, "--dev-url", dev)
	contains(t, "applied", errOut, "migration 000002_add_tags.up.sql is applied to the database", "renumber the other one of version 2 instead")

	// Production ran main's: without names, the unapplied one moves.
	prod := pgtest.URL(t)
	git(t, dir, false, "checkout", "-q", "a")
	mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", prod)
	git(t, dir, false, "checkout", "-q", "main")
	_, errOut = mustRun(t, 2, "-C", dir, "migrate", "rebase")
	contains(t, "ambiguous", errOut, "have the same version 2", "(add_invoices or add_tags)")
	out, _ := mustRun(t, 0, "-C", dir, "migrate", "rebase", "--url", prod, "--dev-url", dev)
	contains(t, "rebase", out, "migrations/000002_add_tags.up.sql to 000003_add_tags.up.sql")
	out, _ = mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", prod)
	contains(t, "apply", out, "applied 000003_add_tags.up.sql", "1 migration(s) applied")
	mustRun(t, 0, "-C", dir, "check", "--url", prod)
}

// TestRebaseDevURLObjects rebuilds, with --dev-url, the snapshot of a
// project whose SQL objects create a table and add indexes and
// constraints to spec tables: the snapshot keeps the spec's tables
// alone, as migrate diff writes it, so nothing is uncovered and the next
// diff finds no changes.
func TestRebaseDevURLObjects(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	testfile.Write(t, dir, "schema/app.yaml", keptAsSQLSpec)
	mustRun(t, 0, "-C", dir, "generate")
	mustRun(t, 0, "-C", dir, "migrate", "diff", "init")
	out, _ := mustRun(t, 0, "-C", dir, "migrate", "rebase", "init", "--dev-url", pgtest.Current(t).AdminURL())
	contains(t, "rebase", out, "migrations/cpcgen.snapshot.hcl from the migrations replayed")
	if strings.Contains(out, "uncovered") {
		t.Errorf("rebase found uncovered changes:\n%s", out)
	}
	out, _ = mustRun(t, 0, "-C", dir, "check")
	contains(t, "check after the rebase", out, "migrations cover the spec")
	out, _ = mustRun(t, 0, "-C", dir, "migrate", "diff", "again")
	contains(t, "diff after the rebase", out, "no changes")
}

// TestRebaseDevURLEnums: two branches each change enums (a adds a value
// to "state"; b adds a value to "level" and a new enum type "mood" with
// a table over it); rebase --dev-url, which rebuilds the snapshot from
// the replayed migrations without the merged snapshot's enums at hand,
// keeps every enum the migrations made: check is green, a second diff
// plans nothing, and the migrations apply and revert on PostgreSQL.
func TestRebaseDevURLEnums(t *testing.T) {
	const task = `tables:
  tasks:
    columns:
      id:    {type: bigint, primary_key: true, identity: true}
      state: {type: state}
      level: {type: level}
`
	dir := twoBranchesOf(t, map[string]string{
		"schema/state.yaml": "enums:\n  state: [new, done]\n" + task,
		"schema/level.yaml": "enums:\n  level: [low, high]\n",
	}, "add_held", map[string]string{
		"schema/state.yaml": "enums:\n  state: [new, done, held]\n" + task,
	}, "add_mood", map[string]string{
		"schema/level.yaml": "enums:\n  level: [low, high, urgent]\n",
		"schema/mood.yaml":  "enums:\n  mood: [calm, tense]\ntables:\n  notes:\n    columns:\n      id: {type: bigint, primary_key: true, identity: true}\n      mood: {type: mood, default: calm}\n",
	})
	dev := pgtest.Current(t).AdminURL()
	out, _ := mustRun(t, 0, "-C", dir, "migrate", "rebase", "add_mood", "--dev-url", dev)
	contains(t, "rebase", out, "migrations/000002_add_mood.up.sql to 000003_add_mood.up.sql",
		"migrations/cpcgen.snapshot.hcl from the migrations replayed")
	if strings.Contains(out, "uncovered") {
		t.Errorf("rebase found uncovered changes:\n%s", out)
	}
	out, _ = mustRun(t, 0, "-C", dir, "check")
	contains(t, "check after the rebase", out, "migrations cover the spec")
	out, _ = mustRun(t, 0, "-C", dir, "migrate", "diff", "again")
	contains(t, "diff after the rebase", out, "no changes")

	url := pgtest.URL(t)
	out, _ = mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", url)
	contains(t, "apply", out, "applied 000002_add_held.up.sql", "applied 000003_add_mood.up.sql", "3 migration(s) applied")
	out, _ = mustRun(t, 0, "-C", dir, "check", "--url", url, "--dev-url", dev)
	contains(t, "check --url", out, "3 migration(s) applied, none pending, schema matches the migrations")
	out, _ = mustRun(t, 0, "-C", dir, "migrate", "down", "3", "--url", url)
	contains(t, "migrate down", out, "3 migration(s) reverted")
	out, _ = mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", url)
	contains(t, "apply again", out, "3 migration(s) applied")
	assertNoScratchDatabases(t, dev)
}

// TestRebaseDevURLEarlyEnum: an enum passing between an object created
// before the tables (as import keeps the enum a composite type uses)
// and the specs' own, the specs changed and rebase --dev-url run before
// migrate diff. Rebase had no snapshot to tell the object's enum from a
// spec enum: it recorded the object's "mood" as a spec enum, reported
// only the column as uncovered, and the next diff dropped the object
// (and the enum with it) without creating the spec's "mood", so apply
// failed. Now the enums of the migrations' own objects are left out
// (and one the migrations made as a spec enum, which a spec object now
// makes, kept): the diff after the rebase applies, up and down.
func TestRebaseDevURLEarlyEnum(t *testing.T) {
	const object = `sql_objects:
  - name: mood
    kind: other
    before_tables: true
    sql: CREATE TYPE mood AS ENUM ('happy', 'sad')
    drop: DROP TYPE mood
  - name: feeling
    kind: type
    depends_on: [mood]
    sql: CREATE TYPE feeling AS (m mood, strength integer)

tables:
  notes:
    columns:
      id:   {type: bigint, primary_key: true, identity: true}
      body: text
`
	const specEnum = `enums:
  mood: [happy, sad]

tables:
  notes:
    columns:
      id:   {type: bigint, primary_key: true, identity: true}
      body: text
      mood: {type: mood, nullable: true}
`
	for _, c := range []struct {
		name, from, to string
		uncovered      []string
	}{
		{"object to spec enum", object, specEnum, []string{`uncovered: create enum type "mood"`, `uncovered: add column "notes"."mood"`}},
		{"spec enum to object", specEnum, object, []string{`uncovered: drop enum type "mood"`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := newMigrationsProject(t, "golang-migrate")
			testfile.Write(t, dir, "schema/app.yaml", c.from)
			mustRun(t, 0, "-C", dir, "generate")
			mustRun(t, 0, "-C", dir, "migrate", "diff", "init")
			testfile.Write(t, dir, "schema/app.yaml", c.to)
			mustRun(t, 0, "-C", dir, "generate")
			dev := pgtest.Current(t).AdminURL()
			out, _ := mustRun(t, 0, "-C", dir, "migrate", "rebase", "init", "--dev-url", dev)
			contains(t, "rebase", out, c.uncovered...)
			mustRun(t, 0, "-C", dir, "migrate", "diff", "change", "--allow-destructive", "--allow-breaking")
			out, _ = mustRun(t, 0, "-C", dir, "migrate", "diff", "again")
			contains(t, "second diff", out, "no changes")
			url := pgtest.URL(t)
			out, _ = mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", url)
			contains(t, "apply", out, "2 migration(s) applied")
			out, _ = mustRun(t, 0, "-C", dir, "check", "--url", url, "--dev-url", dev)
			contains(t, "check --url", out, "schema matches the migrations")
			out, _ = mustRun(t, 0, "-C", dir, "migrate", "down", "2", "--url", url)
			contains(t, "migrate down", out, "2 migration(s) reverted")
			assertNoScratchDatabases(t, dev)
		})
	}
}
