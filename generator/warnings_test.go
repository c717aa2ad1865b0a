package generator_test

import (
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/generator"
	"github.com/cpcgen/cpcgen/spec"
)

// TestTenantKeyWarnings checks the build's warnings about tenant tables
// whose primary key lets one tenant observe another's rows: one per
// client-chosen integer key and per key a shared sequence numbers, with
// the spec position and the remedy, none for a uuid key, a key the
// tenant column starts, the tenant table itself or a table that
// acknowledges it (allow_sequential_ids); and one per foreign key of a
// tenant table to a shared table (no tenant:) whose action changes rows
// (cascade, set null, set default), none for the tenant column's own key
// or a key without such an action.
func TestTenantKeyWarnings(t *testing.T) {
	cfg, err := spec.ParseConfig(".", "cpcgen.yaml", []byte("version: 1\npackage: {name: appdb, dir: ./appdb}\nspecs: [./schema/*.yaml]\n"))
	if err != nil {
		t.Fatal(err)
	}
	src := `tables:
  orgs:
    columns:
      id: {type: bigint, primary_key: true, identity: true}
    tenant: id
  invoices:
    columns:
      number: {type: bigint, primary_key: true}
      org_id: {type: bigint, references: orgs.id}
    tenant: org_id
  events:
    columns:
      id:     {type: integer, primary_key: true, identity: true}
      org_id: {type: bigint, references: orgs.id}
    tenant: org_id
  counters:
    columns:
      id:     {type: bigint, primary_key: true, default: {sql: "nextval('counter_seq')"}}
      org_id: {type: bigint, references: orgs.id}
    tenant: org_id
  notes:
    columns:
      id:     {type: uuid, primary_key: true, default: gen_random_uuid()}
      org_id: {type: bigint, references: orgs.id}
    tenant: org_id
  lines:
    columns:
      org_id: {type: bigint, references: orgs.id}
      n:      {type: integer}
    primary_key: [org_id, n]
    tenant: org_id
  logs:
    columns:
      id:     {type: bigint, primary_key: true, identity: true}
      org_id: {type: bigint, references: orgs.id}
    tenant: {column: org_id, allow_sequential_ids: true}
  plain:
    columns:
      id: {type: bigint, primary_key: true}
  addresses:
    columns:
      id:       {type: uuid, primary_key: true, default: gen_random_uuid()}
      org_id:   {type: bigint, references: orgs.id, on_delete: cascade}
      plain_id: {type: bigint, references: plain, on_delete: cascade, nullable: true}
      other_id: {type: bigint, references: plain, on_delete: restrict}
      last_id:  {type: bigint, references: plain, on_update: set null, nullable: true}
    tenant: org_id
`
	proj, err := spec.Parse(cfg, []spec.File{{Name: "schema/app.yaml", Data: []byte(src)}})
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := generator.Build(proj)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range pkg.Warnings {
		got = append(got, w.String())
	}
	if len(generator.Warnings(proj)) != len(pkg.Warnings) {
		t.Errorf("Warnings(proj) has %d warnings, Build %d", len(generator.Warnings(proj)), len(pkg.Warnings))
	}
	want := []struct{ prefix, remedy string }{
		{"schema/app.yaml:8:7: warning: tenant table invoices: primary key number is an integer the client chooses", "primary_key: [org_id, number]"},
		{"schema/app.yaml:13:7: warning: tenant table events: primary key id is numbered by a sequence all tenants share", "gen_random_uuid()"},
		{"schema/app.yaml:18:7: warning: tenant table counters: primary key id is numbered by a sequence all tenants share", "tenant: {column: org_id, allow_sequential_ids: true}"},
		{"schema/app.yaml:44:44: warning: tenant table addresses: column plain_id references plain, which has no tenant:, with on_delete: cascade", "make plain a tenant table"},
		{"schema/app.yaml:46:44: warning: tenant table addresses: column last_id references plain, which has no tenant:, with on_update: set null, so any tenant that may change the key of a row of plain", "leave on_update out"},
	}
	if len(got) != len(want) {
		t.Fatalf("warnings:\n%s\nwant %d", strings.Join(got, "\n"), len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(got[i], w.prefix) || !strings.Contains(got[i], w.remedy) {
			t.Errorf("warning %d:\n\t%s\nwant it to start with %q and name %q", i, got[i], w.prefix, w.remedy)
		}
	}
}
