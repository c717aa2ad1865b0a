package pgtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// StartReplica starts a streaming replica of primary, a cluster started
// by Start and running: it copies primary's data directory with
// pg_basebackup -R (which writes standby.signal and primary_conninfo),
// then starts a hot standby on the copy, in a new temporary directory,
// on 127.0.0.1 (opts.Port or a free port). opts.Settings are added to
// the copy's postgresql.conf and opts.HBA to its pg_hba.conf; BinDir
// defaults to primary's.
//
// The primary needs wal_level replica or logical (PostgreSQL's default)
// and free WAL senders (max_wal_senders, default 10); the pg_hba.conf of
// a cluster from Start trusts replication connections over loopback.
// Close stops the standby and removes its directory; Stop, Start,
// Restart and Kill work as on the primary.
func StartReplica(ctx context.Context, primary *Cluster, opts Options) (*Cluster, error) {
	if primary == nil || primary.external {
		return nil, errors.New("pgtest: StartReplica needs a primary started by pgtest.Start, not an external server (" + EnvDatabaseURL + ")")
	}
	if !primary.Running() {
		return nil, errors.New("pgtest: StartReplica: the primary is not running")
	}
	ctx, cancel := startContext(ctx, opts.StartTimeout)
	defer cancel()

	c := &Cluster{binDir: opts.BinDir, opts: opts, cred: primary.cred}
	if c.binDir == "" {
		c.binDir = primary.binDir
	}
	if _, err := os.Stat(filepath.Join(c.binDir, "pg_basebackup")); err != nil {
		return nil, fmt.Errorf("pgtest: StartReplica needs pg_basebackup beside postgres in %s: %w", c.binDir, err)
	}
	if err := c.newDirs("cpcgen-pgtest-replica-"); err != nil {
		return nil, err
	}
	started := false
	defer c.removeUnless(&started)

	args := []string{
		"--pgdata", c.dataDir,
		"--write-recovery-conf",
		"--wal-method", "stream",
		"--checkpoint", "fast",
		"--host", "127.0.0.1",
		"--port", strconv.Itoa(primary.port),
		"--username", Superuser,
		"--no-password",
	}
	if !opts.Durable {
		args = append(args, "--no-sync")
	}
	out, err := c.command(ctx, "pg_basebackup", args...).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("pgtest: pg_basebackup from the primary on port %d failed: %w\n%s", primary.port, err, tail(out, 20))
	}
	// The copy holds the primary's settings (its socket directory among
	// them); this cluster's own, appended, win. A log of the primary's
	// would confuse: the standby writes its own.
	return c.launch(ctx, opts.Port, &started)
}

// InRecovery reports whether the server is a standby replaying WAL
// (pg_is_in_recovery()).
func (c *Cluster) InRecovery(ctx context.Context) (bool, error) {
	pool, err := c.adminPool(ctx)
	if err != nil {
		return false, err
	}
	var in bool
	if err := pool.QueryRow(ctx, "SELECT pg_is_in_recovery()").Scan(&in); err != nil {
		return false, fmt.Errorf("pgtest: pg_is_in_recovery: %w", err)
	}
	return in, nil
}

// WaitForReplay waits until replica has replayed everything primary had
// written when it was called (pg_current_wal_insert_lsn on the primary,
// against pg_last_wal_replay_lsn on the replica), polling; ctx bounds the
// wait.
func WaitForReplay(ctx context.Context, replica, primary *Cluster) error {
	pp, err := primary.adminPool(ctx)
	if err != nil {
		return err
	}
	var lsn string
	// The insert position: with synchronous_commit off (pgtest's default)
	// a commit may not be written out yet.
	if err := pp.QueryRow(ctx, "SELECT pg_current_wal_insert_lsn()::text").Scan(&lsn); err != nil {
		return fmt.Errorf("pgtest: pg_current_wal_insert_lsn: %w", err)
	}
	rp, err := replica.adminPool(ctx)
	if err != nil {
		return err
	}
	delay := time.Millisecond
	for {
		var done bool
		err := rp.QueryRow(ctx, "SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false)", lsn).Scan(&done)
		if err != nil {
			return fmt.Errorf("pgtest: pg_last_wal_replay_lsn: %w", err)
		}
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("pgtest: the replica on port %d did not replay up to %s: %w", replica.port, lsn, ctx.Err())
		case <-time.After(delay):
		}
		delay = min(2*delay, 50*time.Millisecond)
	}
}
