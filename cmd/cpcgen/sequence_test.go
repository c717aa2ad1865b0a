package main

import (
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
