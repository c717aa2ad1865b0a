// Package pgtest gives tests a real, throwaway PostgreSQL: cpcgen's own
// tests and those of applications built on cpcgen-generated code.
//
// A package's tests opt in with a TestMain:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
// and each test asks for its own database, a fresh copy of a template
// that is prepared once per test binary (for example by applying the
// migrations):
//
//	func TestMain(m *testing.M) {
//		pgtest.Main(m, pgtest.WithTemplate(func(ctx context.Context, url string) error {
//			return applyMigrations(ctx, url)
//		}))
//	}
//
//	func TestCreateAccount(t *testing.T) {
//		t.Parallel()
//		db := pgtest.Open(t) // *runtime.DB; also pgtest.Pool(t), pgtest.URL(t)
//		…
//	}
//
// pgtest.Exec(t, url, stmts...) runs a test's own set-up SQL (a table, a
// role, rows) on the database at url.
//
// Databases are isolated, so tests can run with t.Parallel, and several
// test binaries (go test ./...) can run at once: each starts its own
// cluster in its own temporary directory on its own port.
//
// The cluster is made with the local PostgreSQL programs: initdb and
// postgres found on PATH, through pg_config --bindir, or under
// /usr/lib/postgresql/*/bin (Debian/Ubuntu: apt-get install postgresql).
// When the tests run as root, PostgreSQL runs as the OS user postgres. By
// default durability is off (fsync, full_page_writes, synchronous_commit)
// for speed; Options.Durable turns it on for tests of crash behavior.
// Options also add postgresql.conf settings and pg_hba.conf lines.
//
// Environment variables change where the server comes from:
//
//   - CPCGEN_TEST_DATABASE_URL uses an existing server instead (databases
//     are created and dropped on it; Stop, Start, Restart and Kill are
//     not available). Cluster.AdminURL gives the value that hands a
//     running cluster to a child test process.
//   - CPCGEN_TEST_SKIP_DB=1 skips the tests that need PostgreSQL. Without
//     it, such tests fail when no PostgreSQL can be found or started: a
//     missing database is never silently skipped. CI never sets it.
//   - CPCGEN_TEST_POOLER=pgbouncer puts PgBouncer in transaction pooling
//     mode in front of the server (StartPgBouncer; apt-get install
//     pgbouncer), and every URL handed out leads through it, carrying
//     pgx's default_query_exec_mode for CPCGEN_TEST_STATEMENT_MODE
//     (default runtime.PoolerStatementMode): a package's tests run behind
//     the pooler without a change. CurrentPooler returns it, and
//     DirectURL the URL of a database on the server itself, for
//     sessions transaction pooling cannot keep (the row caches' LISTEN).
//
// For tests of replication, StartReplica starts a streaming replica of a
// cluster (pg_basebackup -R, then a hot standby), and WaitForReplay waits
// until it has caught up.
//
// For tests of backups and disaster recovery: NewServerDir makes a
// directory the server can write (the archive of archive_command, base
// backups), Cluster.BaseBackup copies a running cluster with
// pg_basebackup, StartWALReceiver streams its WAL with pg_receivewal
// (synchronously, if wanted), Cluster.ArchiveWAL switches WAL segments
// and waits for the archive, Cluster.Destroy plays the loss of the
// server, and StartFromBackup restores a base backup and recovers it, to
// the end of the archive or to a recovery_target_time, on the old port
// if asked. examples/finance's TestDrill (-tags drill) uses them all.
//
// Tests of failures take the shared cluster with Current and stop,
// restart or kill it, or start their own with Start.
package pgtest
