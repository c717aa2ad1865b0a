package migration_test

import (
	"strings"
	"testing"
)

// TestDomainToEnumWithColumnsRefused makes a domain a column has an
// enum of the same name: diff refuses it at the enum's position, naming
// the columns and the way on, where it wrote a migration that failed
// ("type "status" already exists").
func TestDomainToEnumWithColumnsRefused(t *testing.T) {
	domain := "tables:\n  posts:\n    columns:\n      id: {type: bigint, primary_key: true}\n      state: {type: {sql: status}}\n" +
		"sql_objects:\n  - {name: status, kind: domain, sql: \"CREATE DOMAIN status AS text\"}\n"
	enum := "enums:\n  status: [draft, live]\ntables:\n  posts:\n    columns:\n      id: {type: bigint, primary_key: true}\n      state: {type: status}\n"
	err := diffAllowed(t, []byte(domain), []byte(enum))
	want := `schema/spec.yaml:2:3: the specs make "status" an enum type while column(s) "posts.state" still have the type or domain of that name`
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "in a migration of its own first") {
		t.Errorf("diff: %v\nwant %s", err, want)
	}
}
