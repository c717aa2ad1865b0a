package migration_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/generator/migration"
	"github.com/cpcgen/cpcgen/runtime/migrate"
)

// tenantEvolution adds, moves and removes the tenant policy of a table:
// the table gains tenant:, is renamed (the policy follows it), its tenant
// column changes type (the policy is dropped and created again around
// the type change), and it loses tenant:.
var tenantEvolution = []string{
	tenantVersion("items", "", "integer", false),
	tenantVersion("items", "", "integer", true),
	tenantVersion("things", "items", "integer", true),
	tenantVersion("things", "", "bigint", true),
	tenantVersion("things", "", "bigint", false),
}

// tenantVersion is the spec of one version of tenantEvolution: its table
// (renamed from renamedFrom when not ""), the type of its column team,
// and whether team is its tenant column (then the table is audited too).
func tenantVersion(table, renamedFrom, teamType string, tenant bool) string {
	s := "tables:\n  " + table + ":\n"
	if renamedFrom != "" {
		s += "    renamed_from: " + renamedFrom + "\n"
	}
	s += `    columns:
      id:    {type: bigint, primary_key: true, identity: true}
      team:  {type: ` + teamType + `}
      label: {type: text}
`
	if tenant {
		s += "    tenant: team\n    audit: true\n"
	}
	return s
}

// policies describes the row-level security of the public tables:
// "table:policy(expr)[forced]" per table with a policy or security on.
func policies(t *testing.T, db *testDB) string {
	t.Helper()
	rows, err := db.pool.Query(context.Background(), `
		SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
		       coalesce((SELECT string_agg(p.polname || '(' || pg_get_expr(p.polqual, p.polrelid) || ')', ',')
		                 FROM pg_policy p WHERE p.polrelid = c.oid), '')
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind = 'r'
		ORDER BY c.relname`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name, pols string
		var on, forced bool
		if err := rows.Scan(&name, &on, &forced, &pols); err != nil {
			t.Fatal(err)
		}
		if (!on && !forced && pols == "") || name == "cpcgen_audit_log" {
			// The audit log's policy is an SQL object of the package,
			// which the objects' tests follow.
			continue
		}
		out = append(out, fmt.Sprintf("%s:%s[on=%v forced=%v]", name, pols, on, forced))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, " ")
}

// TestPolicyMigrations writes the evolution's migrations and checks, on
// PostgreSQL, the policies after every up and every down, and that the
// snapshot keeps them so a diff with nothing new plans nothing.
func TestPolicyMigrations(t *testing.T) {
	p := newProject(t, "golang-migrate")
	var summaries [][]string
	for i, v := range tenantEvolution {
		p.setSpec([]byte(v))
		res := p.diff(fmt.Sprintf("version %d", i+1), true)
		if res.Planned.Empty() {
			t.Fatalf("version %d: no changes", i+1)
		}
		summaries = append(summaries, res.Planned.Summary)
		dir, err := migration.ReadDir(p.root, "migrations", "golang-migrate")
		if err != nil {
			t.Fatal(err)
		}
		if left, err := migration.Uncovered(p.build(), dir); err != nil || len(left) > 0 {
			t.Fatalf("version %d: uncovered after diff: %v %v", i+1, left, err)
		}
		if again := p.diff("again", true); !again.Planned.Empty() {
			t.Fatalf("version %d: a second diff plans %v", i+1, again.Planned.Summary)
		}
	}
	for _, want := range []struct {
		version int
		line    string
		absent  bool
	}{
		{2, `add row-level security policy on "items" (team = the verified tenant)`, false},
		{3, `row-level security`, true}, // the rename carries the policy
		{4, `drop row-level security policy on "things"`, false},
		{4, `add row-level security policy on "things" (team = the verified tenant)`, false},
		{5, `drop row-level security policy on "things"`, false},
	} {
		found := false
		for _, s := range summaries[want.version-1] {
			found = found || strings.Contains(s, want.line)
		}
		if found == want.absent {
			t.Errorf("version %d: summary %q, want %q present=%v", want.version, summaries[want.version-1], want.line, !want.absent)
		}
	}

	db := openDB(t)
	m, err := migrate.New(db.pool, os.DirFS(p.migrationsDir()), migrate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	setting := `(team = ( SELECT (cpcgen_tenant())::%s AS cpcgen_tenant))`
	want := []string{
		"",
		"items:cpcgen_tenant(" + fmt.Sprintf(setting, "integer") + ")[on=true forced=true]",
		"things:cpcgen_tenant(" + fmt.Sprintf(setting, "integer") + ")[on=true forced=true]",
		"things:cpcgen_tenant(" + fmt.Sprintf(setting, "bigint") + ")[on=true forced=true]",
		"",
	}
	for v := 1; v <= len(tenantEvolution); v++ {
		if _, err := m.UpTo(ctx, int64(v)); err != nil {
			t.Fatalf("up to %d: %v", v, err)
		}
		if got := policies(t, db); got != want[v-1] {
			t.Errorf("after up to %d: %q, want %q", v, got, want[v-1])
		}
	}
	for v := len(tenantEvolution); v > 1; v-- {
		if _, err := m.Down(ctx, 1); err != nil {
			t.Fatalf("down from %d: %v", v, err)
		}
		if got := policies(t, db); got != want[v-2] {
			t.Errorf("after down to %d: %q, want %q", v-1, got, want[v-2])
		}
	}
}
