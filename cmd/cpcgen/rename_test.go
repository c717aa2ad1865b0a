package main

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/cpcgen/cpcgen/internal/testfile"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// TestRenameTableDevURL renames a table whose soft delete and tenant
// give it a partial unique index, planned against a --dev-url database:
// the index is renamed, not dropped and built again (which blocked the
// diff as data-dependent), and the migrations replay as planned.
func TestRenameTableDevURL(t *testing.T) {
	dir, dev, live := startFromCase(t, "rename_table_behaviours")
	testfile.Write(t, dir, "schema/app.yaml", caseSpec(t, "rename_table_behaviours", "after.yaml"))
	mustRun(t, 0, "-C", dir, "generate")
	out, _ := mustRun(t, 0, "-C", dir, "migrate", "diff", "rename", "--dev-url", dev, "--allow-breaking")
	contains(t, "diff", out, `rename table "users" to "members"`, `rename index "users_email_key" to "members_email_key"`,
		`rename sequence "users_id_seq" of "members"."id" to "members_id_seq"`)
	replayedAsPlanned(t, dir, live, dev)
	mustRun(t, 0, "-C", dir, "migrate", "down", "--url", live)
}

// caseSpec returns the spec file name (before.yaml, after.yaml) of the
// migration planner's golden case.
func caseSpec(t *testing.T, name, file string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "migrations", name, file))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// startFromCase makes a project of the golden case name's before.yaml,
// generates it, writes its first migration against a --dev-url database
// and applies it to a new database; it returns the project's directory
// and the two URLs.
func startFromCase(t *testing.T, name string) (dir, dev, live string) {
	t.Helper()
	dir = newMigrationsProject(t, "golang-migrate")
	dev, live = pgtest.Current(t).AdminURL(), pgtest.URL(t)
	testfile.Write(t, dir, "schema/app.yaml", caseSpec(t, name, "before.yaml"))
	mustRun(t, 0, "-C", dir, "generate")
	mustRun(t, 0, "-C", dir, "migrate", "diff", "init", "--dev-url", dev)
	mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", live)
	return dir, dev, live
}

// TestGoldenCasesDevURL plans golden cases that rename or retype
// columns beside other changes against a --dev-url database, whose
// normalized text the statements take from the specs: each replays as
// planned, its down migration runs, and it applies again. (An index
// dropped with a renamed column was made again, going back, over the
// new column name and the old one at once: "column "done" does not
// exist"; offline, a check over a column made varchar from text, whose
// text only the normalized comparison saw change, stopped the diff:
// "unknown check constraint change"; a predicate over a renamed enum
// whose index the specs change was made again, going back, with a cast
// to the type's old name: "type "status" does not exist", or with a
// renamed label's old value: "invalid input value for enum".)
func TestGoldenCasesDevURL(t *testing.T) {
	for _, c := range []struct {
		name    string
		flags   []string
		offline bool
	}{
		{"rename_column_index_replaced", []string{"--allow-breaking"}, false},
		{"rename_column_drop_index", []string{"--allow-breaking"}, false},
		{"rename_column_index_to_constraint", []string{"--allow-breaking"}, false},
		{"rename_tenant_set_null", []string{"--allow-breaking"}, false},
		{"rename_column_constraint_to_index", []string{"--allow-breaking"}, false},
		{"retype_column_with_check_offline", []string{"--allow-breaking", "--allow-rewrite", "--allow-destructive"}, true},
		{"enum_to_domain_same_name", []string{"--allow-breaking", "--allow-rewrite", "--allow-destructive"}, false},
		{"rename_enum_table_and_replaced_value", []string{"--allow-breaking", "--allow-rewrite", "--allow-destructive"}, false},
		{"rename_enum_labels_in_retyped_index", []string{"--allow-breaking", "--allow-rewrite", "--allow-destructive"}, false},
		{"unique_key_predicate_stricter", nil, false},
		{"primary_key_moved", []string{"--allow-breaking", "--allow-destructive"}, false},
		{"primary_key_added_to_keyless_table", []string{"--allow-destructive"}, false},
		{"primary_key_takes_nullable_column", []string{"--allow-breaking", "--allow-destructive"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir, dev, live := startFromCase(t, c.name)
			if c.offline {
				testfile.Write(t, dir, "cpcgen.yaml", "version: 1\npackage: {name: appdb, dir: ./internal/appdb}\nspecs: [./schema/*.yaml]\nmigrations: {dir: ./migrations, format: golang-migrate, online: false}\n")
			}
			testfile.Write(t, dir, "schema/app.yaml", caseSpec(t, c.name, "after.yaml"))
			mustRun(t, 0, "-C", dir, "generate")
			mustRun(t, 0, append([]string{"-C", dir, "migrate", "diff", "change", "--dev-url", dev}, c.flags...)...)
			replayedAsPlanned(t, dir, live, dev)
			ups, err := filepath.Glob(filepath.Join(dir, "migrations", "*.up.sql"))
			if err != nil {
				t.Fatal(err)
			}
			mustRun(t, 0, "-C", dir, "migrate", "down", "--url", live, strconv.Itoa(len(ups)-1))
			mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", live)
		})
	}
}

// TestDevURLRefusalNamesTheTable: a check naming a column the table does
// not have passes the spec checks (they do not read SQL expressions) but
// not the --dev-url database; the error names the table's place in the
// specs before the database's words.
func TestDevURLRefusalNamesTheTable(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	testfile.Write(t, dir, "schema/app.yaml", "tables:\n  users:\n    columns:\n      id: {type: bigint, primary_key: true}\n      n: {type: integer, check: \"nosuch > 0\"}\n")
	_, errOut := mustRun(t, 2, "-C", dir, "migrate", "diff", "init", "--dev-url", pgtest.Current(t).AdminURL())
	contains(t, "diff", errOut, `schema/app.yaml:2:3: --dev-url: normalize the spec's schema: create "users" table: ERROR: column "nosuch" does not exist`)
}
