package migration_test

import (
	"testing"

	"ariga.io/atlas/sql/schema"

	"github.com/cpcgen/cpcgen/generator/migration"
)

// TestSchemaCommentNoDrift: the comment of the database's schema
// (COMMENT ON SCHEMA), which a project does not carry (import reports it
// as not imported), is no drift, either way, and the tables are still
// compared.
func TestSchemaCommentNoDrift(t *testing.T) {
	s := func(comment string, cols ...string) *schema.Schema {
		tb := schema.NewTable("notes")
		for _, c := range cols {
			tb.AddColumns(schema.NewIntColumn(c, "integer"))
		}
		sc := schema.New("app").AddTables(tb)
		if comment != "" {
			sc.SetComment(comment)
		}
		return sc
	}
	for _, tc := range []struct{ have, want *schema.Schema }{
		{s("the app", "id"), s("", "id")},
		{s("", "id"), s("the app", "id")},
	} {
		planned, err := migration.Drift(tc.have, tc.want)
		if err != nil {
			t.Fatalf("schema comment: %v", err)
		}
		if len(planned.Summary) != 0 {
			t.Errorf("schema comment is drift: %q", planned.Summary)
		}
	}
	planned, err := migration.Drift(s("the app", "id", "n"), s("", "id"))
	if err != nil {
		t.Fatal(err)
	}
	if len(planned.Summary) != 1 {
		t.Errorf("a column more beside a schema comment: drift %q, want one change", planned.Summary)
	}
}
