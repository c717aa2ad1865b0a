package main

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/cpcgen/cpcgen/internal/testfile"
)

// TestEnumValueRenamed renames two labels of an enum type that a column,
// an array column's default, a generated column, a check and a partial
// index use, planned against a --dev-url database: the rows keep their
// values under the new labels (the type is not replaced), a second diff
// plans nothing, check --url is clean, and the down migration gives the
// rows their old labels back.
func TestEnumValueRenamed(t *testing.T) {
	dir, dev, live := startFromCase(t, "enum_value_renamed")
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, live)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `INSERT INTO accounts (id, state, history, note) OVERRIDING SYSTEM VALUE
VALUES (1, 'suspended', '{suspended,retired}', 'held'), (2, 'retired', '{new}', NULL)`); err != nil {
		t.Fatal(err)
	}
	typeOID := func() uint32 {
		var oid uint32
		if err := conn.QueryRow(ctx, `SELECT 'state'::regtype::oid`).Scan(&oid); err != nil {
			t.Fatal(err)
		}
		return oid
	}
	rows := func() string {
		var s string
		if err := conn.QueryRow(ctx, `SELECT string_agg(format('%s %s %s %s', id, state, history, is_held), '; ' ORDER BY id) FROM accounts`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	oid := typeOID()

	testfile.Write(t, dir, "schema/app.yaml", caseSpec(t, "enum_value_renamed", "after.yaml"))
	mustRun(t, 0, "-C", dir, "generate")
	_, errOut := mustRun(t, 2, "-C", dir, "migrate", "diff", "rename", "--dev-url", dev)
	contains(t, "diff", errOut, `schema/app.yaml:2:3: breaking (CPC506): rename value "suspended" of enum type "state" to "paused" breaks the running code`)
	out, _ := mustRun(t, 0, "-C", dir, "migrate", "diff", "rename", "--dev-url", dev, "--allow-breaking")
	contains(t, "diff", out, `rename value "suspended" of enum type "state" to "paused"`, `rename value "retired" of enum type "state" to "archived"`)
	mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", live)
	if got, want := rows(), "1 paused {paused,archived} t; 2 archived {new} f"; got != want {
		t.Errorf("rows after the up migration: %q, want %q", got, want)
	}
	if typeOID() != oid {
		t.Error("the enum type was replaced, not its values renamed")
	}
	// A row the check refuses under the new label: the check follows it.
	if _, err := conn.Exec(ctx, `INSERT INTO accounts (state) VALUES ('paused')`); err == nil {
		t.Error("the check lets a paused account without a note in")
	}
	replayedAsPlanned(t, dir, live, dev)

	mustRun(t, 0, "-C", dir, "migrate", "down", "--url", live)
	if got, want := rows(), "1 suspended {suspended,retired} t; 2 retired {new} f"; got != want {
		t.Errorf("rows after the down migration: %q, want %q", got, want)
	}
}
