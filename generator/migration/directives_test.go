package migration_test

import (
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/generator/migration"
	runmigrate "github.com/cpcgen/cpcgen/runtime/migrate"
)

// TestStatementHoldingDirective: a migration file is read line by line
// for its format's markers and directives, also inside a statement. A
// function body holding the line "-- +goose Down" ended the up part of a
// goose migration there (the rest of the body its down part), one holding
// "-- migrate:down" did so in dbmate's, and one holding a line
// "-- cpcgen:no-transaction" or a format's own no-transaction directive
// made the runner apply the whole file outside a transaction. Diff
// refuses to write such a migration and names the line; a line no tool
// reads so is written.
func TestStatementHoldingDirective(t *testing.T) {
	function := func(line string) string {
		return "tables:\n  notes:\n    columns:\n      id: {type: bigint, primary_key: true}\n" +
			"sql_objects:\n  - name: trick\n    kind: function\n    sql: |\n" +
			"      CREATE FUNCTION trick() RETURNS text LANGUAGE sql AS $$ SELECT '\n      " + line + "\n      '::text $$\n"
	}
	for _, c := range []struct {
		format, line string
		refused      bool
	}{
		{runmigrate.FormatGoose, "-- +goose Down", true},
		{runmigrate.FormatGoose, "  -- +goose StatementEnd", true},
		{runmigrate.FormatDbmate, "-- migrate:down", true},
		{runmigrate.FormatGolangMigrate, "-- cpcgen:no-transaction", true},
		{runmigrate.FormatGolangMigrate, "-- atlas:txmode none", true},
		{runmigrate.FormatAtlas, "-- cpcgen:lock-timeout off", true},
		{runmigrate.FormatGolangMigrate, "-- +goose Down", false},
		{runmigrate.FormatGoose, "-- migrate:down", false},
		{runmigrate.FormatGoose, "-- cpcgen: a note, not a directive", false},
	} {
		p := newProject(t, c.format)
		p.setSpec([]byte(function(c.line)))
		dir, err := migration.ReadDir(p.root, "migrations", c.format)
		if err != nil {
			t.Fatal(err)
		}
		_, err = migration.Diff(p.build(), dir, migration.Options{Name: "init"})
		switch {
		case c.refused && (err == nil || !strings.Contains(err.Error(), strings.TrimSpace(c.line)) || !strings.Contains(err.Error(), `create function "trick"`)):
			t.Errorf("%s, a body line %q: %v, want an error naming the line and the function", c.format, c.line, err)
		case !c.refused && err != nil:
			t.Errorf("%s, a body line %q: %v", c.format, c.line, err)
		}
	}
}
