package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/internal/testfile"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// TestSerialToDeclaredSequenceDevURL turns a serial column into one
// taking nextval of a sequence the specs declare as an object, planned
// against a --dev-url database: the sequence is kept, and the diffs
// after it plan nothing (each planned to drop the sequence again, which
// failed on the column's default).
func TestSerialToDeclaredSequenceDevURL(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	dev, live := pgtest.Current(t).AdminURL(), pgtest.URL(t)
	testfile.Write(t, dir, "schema/app.yaml", "tables:\n  tickets:\n    columns:\n      id: {type: integer, primary_key: true, serial: true}\n      title: {type: text}\n")
	mustRun(t, 0, "-C", dir, "generate")
	mustRun(t, 0, "-C", dir, "migrate", "diff", "init", "--dev-url", dev)
	mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", live)
	testfile.Write(t, dir, "schema/app.yaml", `tables:
  tickets:
    columns:
      id: {type: integer, primary_key: true, default: {sql: "nextval('tickets_id_seq'::regclass)"}}
      title: {type: text}
sql_objects:
  - name: tickets_id_seq
    kind: sequence
    sql: CREATE SEQUENCE tickets_id_seq
`)
	mustRun(t, 0, "-C", dir, "generate")
	mustRun(t, 0, "-C", dir, "migrate", "diff", "declare", "--dev-url", dev, "--allow-breaking", "--allow-destructive")
	replayedAsPlanned(t, dir, live, dev)
}

// TestSequenceAlteredDevURL changes the options of a sequence the specs
// declare, as import writes it, which a column's default takes nextval
// of, planned against a --dev-url database: the migration alters it in
// place (it was dropped and created again, starting over, with the
// column's default, which stopped the diff without --allow-breaking),
// replays as planned, and its down migration runs.
func TestSequenceAlteredDevURL(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	dev, live := pgtest.Current(t).AdminURL(), pgtest.URL(t)
	spec := `tables:
  tickets:
    columns:
      id: {type: bigint, primary_key: true, default: {sql: "nextval('ticket_no'::regclass)"}}
      title: {type: text}
sql_objects:
  - name: ticket_no
    kind: sequence
    sql: |-
      CREATE SEQUENCE ticket_no
        AS integer
        START WITH 10
        INCREMENT BY 5
        MINVALUE 10
        MAXVALUE 2147483647
        CACHE 20;
      COMMENT ON SEQUENCE ticket_no IS 'x'
`
	testfile.Write(t, dir, "schema/app.yaml", spec)
	mustRun(t, 0, "-C", dir, "generate")
	mustRun(t, 0, "-C", dir, "migrate", "diff", "init", "--dev-url", dev)
	mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", live)
	spec = strings.NewReplacer("AS integer\n", "", "INCREMENT BY 5", "INCREMENT BY 7", "MAXVALUE 2147483647\n", "", "'x'", "'y'").Replace(spec)
	testfile.Write(t, dir, "schema/app.yaml", spec)
	mustRun(t, 0, "-C", dir, "generate")
	mustRun(t, 0, "-C", dir, "migrate", "diff", "change", "--dev-url", dev)
	up, err := os.ReadFile(filepath.Join(dir, "migrations", "000002_change.up.sql"))
	if err != nil {
		t.Fatal(err)
	}
	contains(t, "the up migration", string(up), "ALTER SEQUENCE ticket_no AS bigint INCREMENT BY 7 MINVALUE 10 MAXVALUE 9223372036854775807;\nCOMMENT ON SEQUENCE ticket_no IS 'y';")
	replayedAsPlanned(t, dir, live, dev)
	mustRun(t, 0, "-C", dir, "migrate", "down", "--url", live, "1")
	mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", live)
}

// TestSequenceRenamedDevURL renames a sequence the specs declare
// (renamed_from:), which a column's default takes nextval of, planned
// against a --dev-url database: the migration renames it (it was dropped
// and created again, starting over), leaves the default alone (the
// default holds the sequence; setting it again to the old name would
// fail in the down migration), replays as planned, and its down
// migration runs.
func TestSequenceRenamedDevURL(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	dev, live := pgtest.Current(t).AdminURL(), pgtest.URL(t)
	spec := `tables:
  tickets:
    columns:
      id: {type: bigint, primary_key: true, default: {sql: "nextval('ticket_no'::regclass)"}}
      title: {type: text}
sql_objects:
  - name: ticket_no
    kind: sequence
    sql: CREATE SEQUENCE ticket_no CACHE 20
`
	testfile.Write(t, dir, "schema/app.yaml", spec)
	mustRun(t, 0, "-C", dir, "generate")
	mustRun(t, 0, "-C", dir, "migrate", "diff", "init", "--dev-url", dev)
	mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", live)
	spec = strings.NewReplacer("'ticket_no'", "'ticket_ids'", "name: ticket_no", "name: ticket_ids\n    renamed_from: ticket_no", "SEQUENCE ticket_no", "SEQUENCE ticket_ids").Replace(spec)
	testfile.Write(t, dir, "schema/app.yaml", spec)
	mustRun(t, 0, "-C", dir, "generate")
	mustRun(t, 0, "-C", dir, "migrate", "diff", "rename", "--dev-url", dev)
	up, err := os.ReadFile(filepath.Join(dir, "migrations", "000002_rename.up.sql"))
	if err != nil {
		t.Fatal(err)
	}
	contains(t, "the up migration", string(up), "ALTER SEQUENCE ticket_no RENAME TO ticket_ids;")
	if strings.Contains(string(up), "DEFAULT") || strings.Contains(string(up), "DROP SEQUENCE") {
		t.Errorf("the up migration sets the default again or drops the sequence:\n%s", up)
	}
	replayedAsPlanned(t, dir, live, dev)
	mustRun(t, 0, "-C", dir, "migrate", "down", "--url", live, "1")
	mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", live)
}
