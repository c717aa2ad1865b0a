package migration_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"ariga.io/atlas/sql/schema"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/migration"
	"github.com/cpcgen/cpcgen/runtime/migrate"
)

const (
	rebaseBase = `tables:
  users:
    columns:
      id:    {type: bigint, primary_key: true, identity: true}
      email: {type: text}
`
	rebaseA = rebaseBase + `  invoices:
    columns:
      id:     {type: bigint, primary_key: true, identity: true}
      amount: {type: "numeric(12,2)"}
`
	// rebaseTags is the table rebaseB adds.
	rebaseTags = `  tags:
    columns:
      id:   {type: bigint, primary_key: true, identity: true}
      name: {type: text}
`
	rebaseB    = rebaseBase + rebaseTags
	rebaseBoth = rebaseA + rebaseTags
)

// mergedProject plays two branches that each ran migrate diff from the
// same base, merged with the snapshot as a clean merge of both sides
// leaves it: the schema of the merged specs.
func mergedProject(t *testing.T, format string) *project {
	t.Helper()
	p := newProject(t, format)
	p.setSpec([]byte(rebaseBase))
	p.diff("init", false)
	b := newProject(t, format)
	copyDir(t, p.migrationsDir(), b.migrationsDir())
	b.setSpec([]byte(rebaseB))
	b.diff("add_tags", false)
	p.setSpec([]byte(rebaseA))
	p.diff("add_invoices", false)
	// The merged snapshot: what a diff of the merged specs writes.
	p.setSpec([]byte(rebaseBoth))
	res := p.diff("scratch", false)
	for _, f := range res.Files {
		if base := filepath.Base(f.Path); strings.HasSuffix(base, ".sql") {
			os.Remove(filepath.Join(p.root, f.Path))
		}
	}
	entries, err := os.ReadDir(b.migrationsDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), "add_tags") {
			copyFile(t, filepath.Join(b.migrationsDir(), e.Name()), filepath.Join(p.migrationsDir(), e.Name()))
		}
	}
	dir, err := migration.ReadDir(p.root, "migrations", format)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := dir.Hash()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(p.migrationsDir(), migration.SumFile), sum, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(to, 0o755)
	for _, e := range entries {
		copyFile(t, filepath.Join(from, e.Name()), filepath.Join(to, e.Name()))
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRebaseOffline renumbers, in every format, the migration a merge
// brought in when git merged the snapshot cleanly: no database needed.
// The directory then has no duplicate, a matching atlas.sum, the
// snapshot covers the specs, and the migrations apply.
func TestRebaseOffline(t *testing.T) {
	for _, format := range []string{"golang-migrate", "goose", "flyway", "dbmate", "atlas"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			p := mergedProject(t, format)
			dir, err := migration.ReadDir(p.root, "migrations", format)
			if err != nil {
				t.Fatal(err)
			}
			dups := dir.Duplicates()
			if len(dups) != 1 || dups[0][0].Name != "add_invoices" || dups[0][1].Name != "add_tags" {
				t.Fatalf("duplicates: %+v", dups)
			}
			if err := dir.CheckVersions(); err == nil || !strings.Contains(err.Error(), "have the same version 2") {
				t.Fatalf("CheckVersions: %v", err)
			}
			if _, err := migration.Diff(p.build(), dir, migration.Options{Name: "x"}); err == nil || !strings.Contains(err.Error(), "migrate rebase") {
				t.Fatalf("diff over duplicates: %v", err)
			}
			res, err := migration.Rebase(p.build(), dir, migration.RebaseOptions{Names: []string{"add_tags"}})
			if err != nil {
				t.Fatal(err)
			}
			if res.Rebuilt || len(res.Moves) == 0 {
				t.Fatalf("rebase: %+v", res)
			}
			if err := migration.WriteAndRemove(p.root, res.Files, res.Remove); err != nil {
				t.Fatal(err)
			}
			dir, err = migration.ReadDir(p.root, "migrations", format)
			if err != nil {
				t.Fatal(err)
			}
			if err := dir.CheckSum(); err != nil {
				t.Fatal(err)
			}
			if err := dir.CheckVersions(); err != nil {
				t.Fatal(err)
			}
			// Named again, add_tags is the last already: its number
			// stays, and no file is reported renamed or removed.
			again, err := migration.Rebase(p.build(), dir, migration.RebaseOptions{Names: []string{"add_tags"}})
			if err != nil {
				t.Fatalf("rebase of the last migration: %v", err)
			}
			if len(again.Moves) > 0 || len(again.Remove) > 0 {
				t.Fatalf("rebase of the last migration: moves %v, removes %v", again.Moves, again.Remove)
			}
			if left, err := migration.Uncovered(p.build(), dir); err != nil || len(left) > 0 {
				t.Fatalf("uncovered after rebase: %v %v", left, err)
			}
			var moved string
			for _, f := range dir.Files {
				if strings.Contains(f, "add_tags") {
					moved = f
				}
			}
			data, _ := os.ReadFile(filepath.Join(p.migrationsDir(), moved))
			if !strings.Contains(moved, "000003") || !strings.Contains(string(data), "-- Migration 000003 add_tags,") {
				t.Fatalf("%s:\n%s", moved, data)
			}
			db := openDB(t)
			m := p.migrator(t, db, format)
			if _, err := m.Up(context.Background()); err != nil {
				t.Fatal(err)
			}
			assertSchema(t, db, p.build(), nil)
		})
	}
}

// TestRebaseKeepsSteps renumbers a lock-safe migration of several files
// whole, and the version its pending contract names.
func TestRebaseKeepsSteps(t *testing.T) {
	p := newProject(t, "golang-migrate")
	p.setSpec([]byte(rebaseBase))
	p.diff("init", false)
	b := newProject(t, "golang-migrate")
	copyDir(t, p.migrationsDir(), b.migrationsDir())
	renamed := strings.Replace(rebaseBase, "email: {type: text}", "mail: {type: text, renamed_from: email}\n      score: {type: integer, default: 0, check: \"score >= 0\"}", 1)
	b.setSpec([]byte(renamed))
	if res := b.diffWith(migration.Options{Name: "rename_email", AllowDestructive: true}); res.Blocked || len(res.Versions) < 3 || len(res.Pending) != 1 {
		t.Fatalf("expand: %s", report(res))
	}
	p.setSpec([]byte(rebaseA))
	p.diff("add_invoices", false)
	copyDir(t, b.migrationsDir(), p.migrationsDir()) // b's snapshot: one side
	p.setSpec([]byte(strings.Replace(rebaseA, "email: {type: text}", "mail: {type: text, renamed_from: email}\n      score: {type: integer, default: 0, check: \"score >= 0\"}", 1)))
	dir, err := migration.ReadDir(p.root, "migrations", "golang-migrate")
	if err != nil {
		t.Fatal(err)
	}
	sum, _ := dir.Hash()
	os.WriteFile(filepath.Join(p.migrationsDir(), migration.SumFile), sum, 0o644)
	dir, _ = migration.ReadDir(p.root, "migrations", "golang-migrate")
	if _, err := migration.Rebase(p.build(), dir, migration.RebaseOptions{Names: []string{"rename_email"}}); err == nil || !strings.Contains(err.Error(), `does not cover the merged specs (create table "invoices")`) {
		t.Fatalf("rebase with one side's snapshot: %v", err)
	}
	// With the snapshot of the merged specs, the steps move together.
	res, err := migration.Rebase(p.build(), dir, migration.RebaseOptions{Names: []string{"rename_email"},
		Replay: func(files map[string][]byte, _ []*ir.Object) (current, desired *schemaT, err error) {
			return replayed(t, files, p.build())
		}})
	if err != nil {
		t.Fatal(err)
	}
	var tos []string
	for _, m := range res.Moves {
		if strings.HasSuffix(m.To, ".up.sql") {
			tos = append(tos, m.To)
		}
	}
	if len(tos) < 3 || !strings.HasPrefix(tos[0], "000003_rename_email") || !strings.HasPrefix(tos[len(tos)-1], "00000") {
		t.Fatalf("moves: %v", tos)
	}
	if err := migration.WriteAndRemove(p.root, res.Files, res.Remove); err != nil {
		t.Fatal(err)
	}
	dir, err = migration.ReadDir(p.root, "migrations", "golang-migrate")
	if err != nil {
		t.Fatal(err)
	}
	if len(dir.Pending) != 1 || dir.Pending[0].Since != "000003" {
		t.Fatalf("pending after rebase: %+v", dir.Pending[0])
	}
	if left, err := migration.Uncovered(p.build(), dir); err != nil || len(left) > 0 {
		t.Fatalf("uncovered after rebase: %v %v", left, err)
	}
}

type schemaT = schema.Schema

// replayed applies migration files to a fresh database and returns its
// schema and the package's, normalized: what migrate rebase --dev-url
// does.
func replayed(t *testing.T, files map[string][]byte, pkg *ir.Package) (*schema.Schema, *schema.Schema, error) {
	t.Helper()
	fsys := fstest.MapFS{}
	for n, d := range files {
		fsys[n] = &fstest.MapFile{Data: d}
	}
	db := openDB(t)
	m, err := migrate.New(db.pool, fsys, migrate.Options{Format: "golang-migrate"})
	if err != nil {
		return nil, nil, err
	}
	if _, err := m.Up(context.Background()); err != nil {
		return nil, nil, err
	}
	return db.inspect(t), normalize(t, pkg), nil
}
