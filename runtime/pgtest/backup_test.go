package pgtest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// serverDir returns a new directory the servers can write, removed when t
// ends.
func serverDir(t *testing.T, pattern string) string {
	t.Helper()
	dir, err := pgtest.NewServerDir(pattern)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// ids returns the ids in table t of the database at url, in order.
func ids(t *testing.T, ctx context.Context, url string) string {
	t.Helper()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var got []int
	rows, _ := conn.Query(ctx, "SELECT id FROM t ORDER BY id")
	got, err = pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(got)
}

// TestPointInTimeRecovery archives a durable cluster's WAL twice (with
// archive_command, and streamed by a synchronous pg_receivewal), takes a
// base backup, destroys the cluster, and restores the backup three ways:
// to the end of the archive, to a time in the middle, and to the end of
// the archive plus the streamed tail, which holds every commit.
func TestPointInTimeRecovery(t *testing.T) {
	pgtest.SkipIfDisabled(t)
	ctx := pgtest.Context(t)
	archive, stream, backups := serverDir(t, "pgtest-archive-"), serverDir(t, "pgtest-stream-"), serverDir(t, "pgtest-backups-")
	primary, err := pgtest.Start(ctx, pgtest.Options{Durable: true, Settings: map[string]string{
		"archive_mode":              "on",
		"archive_command":           "test ! -f " + archive + "/%f && cp %p " + archive + "/%f",
		"synchronous_standby_names": "pg_receivewal",
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer primary.Close()
	receiver, err := pgtest.StartWALReceiver(ctx, primary, stream, pgtest.WALReceiverOptions{Synchronous: true, Slot: "drill"})
	if err != nil {
		t.Fatal(err)
	}
	defer receiver.Stop()

	url := primary.URL("postgres")
	exec := func(sql string) {
		t.Helper()
		pgtest.Exec(t, url, sql)
	}
	exec("CREATE TABLE t (id int PRIMARY KEY)")
	exec("INSERT INTO t VALUES (1)")
	base := filepath.Join(backups, "base")
	if err := primary.BaseBackup(ctx, base); err != nil {
		t.Fatal(err)
	}
	exec("INSERT INTO t VALUES (2)")
	target := time.Now() // after 2 committed, before 3 began
	exec("INSERT INTO t VALUES (3)")
	segment, err := primary.ArchiveWAL(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(archive, segment)); err != nil {
		t.Fatalf("ArchiveWAL returned %s, not in the archive: %v", segment, err)
	}
	exec("INSERT INTO t VALUES (4)") // acknowledged once streamed: in no archived segment
	port := primary.Port()

	if err := primary.Destroy(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(primary.DataDir()); !os.IsNotExist(err) {
		t.Fatalf("data directory after Destroy: %v", err)
	}
	if err := primary.Start(ctx); err == nil || !strings.Contains(err.Error(), "destroyed") {
		t.Errorf("Start after Destroy: %v", err)
	}
	if err := receiver.Stop(); err != nil {
		t.Fatal(err)
	}
	partial, err := pgtest.UsePartialWAL(stream)
	if err != nil || len(partial) != 1 {
		t.Fatalf("UsePartialWAL = %v, %v; want the one segment being written", partial, err)
	}

	fromArchive := "cp " + archive + "/%f %p"
	noArchiving := map[string]string{"archive_mode": "off"}
	for _, tc := range []struct {
		name string
		rec  pgtest.Recovery
		port int
		want string
	}{
		{"the backup alone", pgtest.Recovery{}, 0, "[1]"},
		{"the archive", pgtest.Recovery{RestoreCommand: fromArchive}, 0, "[1 2 3]"},
		{"to the target time", pgtest.Recovery{RestoreCommand: fromArchive, TargetTime: target}, 0, "[1 2]"},
		{"the archive and the stream", pgtest.Recovery{RestoreCommand: fromArchive + " || cp " + stream + "/%f %p"}, port, "[1 2 3 4]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := pgtest.StartFromBackup(ctx, base, pgtest.Options{Durable: true, Port: tc.port, Settings: noArchiving}, tc.rec)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if tc.port != 0 && c.Port() != tc.port {
				t.Errorf("port %d, want %d", c.Port(), tc.port)
			}
			if got := ids(t, ctx, c.URL("postgres")); got != tc.want {
				t.Errorf("rows %s, want %s", got, tc.want)
			}
			// Promoted: it takes writes.
			if in, err := c.InRecovery(ctx); err != nil || in {
				t.Errorf("in recovery: %v, %v", in, err)
			}
			conn, err := pgx.Connect(ctx, c.URL("postgres"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(ctx)
			if _, err := conn.Exec(ctx, "INSERT INTO t VALUES (5)"); err != nil {
				t.Errorf("write after recovery: %v", err)
			}
		})
	}
	// The backup itself is untouched by the restores.
	if _, err := os.Stat(filepath.Join(base, "recovery.signal")); !os.IsNotExist(err) {
		t.Errorf("the backup got a recovery.signal: %v", err)
	}
}

func TestStartFromBackupRefuses(t *testing.T) {
	pgtest.SkipIfDisabled(t)
	ctx := pgtest.Context(t)
	if _, err := pgtest.StartFromBackup(ctx, t.TempDir(), pgtest.Options{}, pgtest.Recovery{}); err == nil || !strings.Contains(err.Error(), "not a plain-format base backup") {
		t.Errorf("a directory without backup_label: %v", err)
	}
	if _, err := pgtest.StartFromBackup(ctx, t.TempDir(), pgtest.Options{}, pgtest.Recovery{TargetTime: time.Now()}); err == nil || !strings.Contains(err.Error(), "needs a RestoreCommand") {
		t.Errorf("a target time without restore_command: %v", err)
	}
	c := pgtest.Current(t)
	if _, err := c.ArchiveWAL(ctx); err == nil || !strings.Contains(err.Error(), "archive_mode is off") {
		t.Errorf("ArchiveWAL without archiving: %v", err)
	}
}
