package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cpcgen/cpcgen/internal/testfile"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// TestRenameTableDevURL renames a table whose soft delete and tenant
// give it a partial unique index, planned against a --dev-url database:
// the index is renamed, not dropped and built again (which blocked the
// diff as data-dependent), and the migrations replay as planned.
func TestRenameTableDevURL(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	dev, live := pgtest.Current(t).AdminURL(), pgtest.URL(t)
	spec := func(name string) string {
		data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "migrations", "rename_table_behaviours", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	testfile.Write(t, dir, "schema/app.yaml", spec("before.yaml"))
	mustRun(t, 0, "-C", dir, "generate")
	mustRun(t, 0, "-C", dir, "migrate", "diff", "init", "--dev-url", dev)
	mustRun(t, 0, "-C", dir, "migrate", "apply", "--url", live)
	testfile.Write(t, dir, "schema/app.yaml", spec("after.yaml"))
	mustRun(t, 0, "-C", dir, "generate")
	out, _ := mustRun(t, 0, "-C", dir, "migrate", "diff", "rename", "--dev-url", dev, "--allow-breaking")
	contains(t, "diff", out, `rename table "users" to "members"`, `rename index "users_email_key" to "members_email_key"`,
		`rename sequence "users_id_seq" of "members"."id" to "members_id_seq"`)
	replayedAsPlanned(t, dir, live, dev)
	mustRun(t, 0, "-C", dir, "migrate", "down", "--url", live)
}
