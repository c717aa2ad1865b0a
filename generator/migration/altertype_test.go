package migration_test

import (
	"cmp"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/generator/migration"
)

// TestTypeInUseRefused: a composite type or a domain that columns use,
// changed other than by attributes added after the others, cannot be
// dropped and created again (PostgreSQL drops no type a column uses):
// diff says so, naming the columns, where it wrote a migration that
// failed at DROP TYPE. A type no column uses is still dropped and
// created again.
func TestTypeInUseRefused(t *testing.T) {
	before, err := os.ReadFile(filepath.Join("testdata", "migrations", "objects_type_in_use", "before.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	domain := "\n  - name: code\n    kind: domain\n    sql: CREATE DOMAIN code AS text CHECK (VALUE <> '')\n"
	spec := strings.Replace(string(before), "      history:", "      code: {type: {sql: code}, nullable: true}\n      history:", 1) + domain
	withArray := strings.Replace(spec, "      history:", "      codes: {type: {sql: \"code[]\"}, nullable: true}\n      history:", 1)
	// money_pair, which columns use, holds the domain: created after it.
	withComposite := strings.Replace(spec, "    sql: CREATE TYPE money_pair AS (amount numeric, currency character(3))", "    depends_on: [code]\n    sql: CREATE TYPE money_pair AS (amount numeric, currency character(3), c code)", 1)
	for _, tc := range []struct {
		name, from, to, want string
		base                 string // the spec before, if not spec
	}{
		{"attribute retyped", "currency character(3)", "currency text",
			`type "money_pair" would be dropped and created again (its definition changed), but columns quotes.price, quotes.history[] use it`, ""},
		{"attribute dropped", "amount numeric, currency character(3)", "amount numeric",
			"only attributes added after the others are changed in place", ""},
		{"attribute added first", "(amount numeric", "(note text, amount numeric",
			"columns quotes.price, quotes.history[] use it", ""},
		{"domain retyped", "code AS text", "code AS varchar(20)",
			`domain "code" would be dropped and created again (its definition changed), but column quotes.code uses it, and PostgreSQL drops no type a column uses; a domain's default, NOT NULL, checks and comments are changed in place (ALTER DOMAIN), not its data type or collation`, ""},
		{"domain check added, an array of it in use", "CHECK (VALUE <> '')", "CHECK (VALUE <> '') CHECK (length(VALUE) < 9)",
			"and its checks and NOT NULL only while no column holds an array of it", withArray},
		{"domain check added, a composite type of it in use", "CHECK (VALUE <> '')", "CHECK (VALUE <> '') CHECK (length(VALUE) < 9)",
			"or a composite type holding it", withComposite},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := cmp.Or(tc.base, spec)
			p := newProject(t, "golang-migrate")
			p.setSpec([]byte(base))
			p.diff("initial", false)
			p.setSpec([]byte(strings.Replace(base, tc.from, tc.to, 1)))
			dir, err := migration.ReadDir(p.root, "migrations", p.format)
			if err != nil {
				t.Fatal(err)
			}
			_, err = migration.Diff(p.build(), dir, migration.Options{Name: "change", AllowDestructive: true, AllowBreaking: true, AllowRewrite: true})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("diff: %v\nwant an error holding %q", err, tc.want)
			}
		})
	}
	// Without columns of the type, it is dropped and created again.
	p := newProject(t, "golang-migrate")
	unused := strings.NewReplacer("      price: {type: {sql: money_pair}, nullable: true}\n", "", "      history: {type: {sql: \"money_pair[]\"}, nullable: true}\n", "").Replace(string(before))
	p.setSpec([]byte(unused))
	p.diff("initial", false)
	p.setSpec([]byte(strings.Replace(unused, "currency character(3)", "currency text", 1)))
	res := p.diff("change", true)
	if !strings.Contains(report(res), `drop and create type "money_pair" again`) {
		t.Errorf("a type no column uses is not dropped and created again:\n%s", report(res))
	}
}
