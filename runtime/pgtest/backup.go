package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// NewServerDir creates a new temporary directory, named after pattern as
// os.MkdirTemp does, that the servers pgtest starts and their tools can
// read and write: owned by the OS user postgres when the process runs as
// root (in a place that user can reach), by the current user otherwise.
// It is for what a server keeps outside its data directory: the WAL
// archive archive_command writes to, base backups (Cluster.BaseBackup),
// the WAL pg_receivewal streams (StartWALReceiver). The caller removes it
// with os.RemoveAll.
func NewServerDir(pattern string) (string, error) {
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		var err error
		if cred, err = postgresCredential(); err != nil {
			return "", err
		}
	}
	dir, err := os.MkdirTemp(tempBase(cred != nil), pattern)
	if err != nil {
		return "", fmt.Errorf("pgtest: create temporary directory: %w", err)
	}
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			os.RemoveAll(dir)
			return "", fmt.Errorf("pgtest: give %s to the postgres user: %w", dir, err)
		}
	}
	return dir, nil
}

// BaseBackup copies the running cluster into dir with pg_basebackup, as
// the postgres user when running as root: plain format, an immediate
// checkpoint (--checkpoint=fast) and the WAL written meanwhile streamed
// alongside (--wal-method=stream), so that dir alone restores to the
// moment the backup ended; the server keeps running and taking writes
// throughout. dir must not exist or be empty, in a directory the server's
// OS user can write (see NewServerDir). args are added to pg_basebackup's
// arguments, for example "--max-rate=32M"; StartFromBackup needs the plain
// format. The copy is synced to disk unless the cluster is not Durable.
func (c *Cluster) BaseBackup(ctx context.Context, dir string, args ...string) error {
	if c.external {
		return errExternal
	}
	if !c.Running() {
		return errors.New("pgtest: BaseBackup: the server is not running")
	}
	all := []string{
		"--pgdata", dir,
		"--wal-method", "stream",
		"--checkpoint", "fast",
		"--host", "127.0.0.1",
		"--port", strconv.Itoa(c.port),
		"--username", Superuser,
		"--no-password",
	}
	if !c.opts.Durable {
		all = append(all, "--no-sync")
	}
	all = append(all, args...)
	out, err := c.command(ctx, "pg_basebackup", all...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("pgtest: pg_basebackup of the server on port %d into %s failed: %w\n%s", c.port, dir, err, tail(out, 20))
	}
	return nil
}

// ArchiveWAL makes the server switch to a new WAL segment
// (pg_switch_wal) and waits until archive_command has archived the one it
// was writing, which holds every transaction committed before the call.
// It returns that segment's file name. The server needs archive_mode on
// and an archive_command (Options.Settings); when the command fails the
// error says so, pointing at the server log. ctx bounds the wait.
func (c *Cluster) ArchiveWAL(ctx context.Context) (string, error) {
	pool, err := c.adminPool(ctx)
	if err != nil {
		return "", err
	}
	var mode string
	if err := pool.QueryRow(ctx, "SELECT current_setting('archive_mode')").Scan(&mode); err != nil {
		return "", fmt.Errorf("pgtest: ArchiveWAL: %w", err)
	}
	if mode == "off" {
		return "", errors.New("pgtest: ArchiveWAL: archive_mode is off; start the cluster with Options.Settings archive_mode and archive_command")
	}
	var segment string
	// When nothing was written since the last switch, pg_switch_wal
	// returns the start of the current segment, which names the previous
	// one: the one archived last, or being archived.
	if err := pool.QueryRow(ctx, "SELECT pg_walfile_name(pg_switch_wal())").Scan(&segment); err != nil {
		return "", fmt.Errorf("pgtest: pg_switch_wal: %w", err)
	}
	delay := 5 * time.Millisecond
	for {
		var archived, failed string
		err := pool.QueryRow(ctx, "SELECT coalesce(last_archived_wal, ''), coalesce(last_failed_wal, '') FROM pg_stat_archiver").Scan(&archived, &failed)
		if err != nil {
			return "", fmt.Errorf("pgtest: pg_stat_archiver: %w", err)
		}
		// Segment names of one timeline sort in WAL order.
		if archived >= segment {
			return segment, nil
		}
		select {
		case <-ctx.Done():
			msg := fmt.Sprintf("pgtest: WAL segment %s was not archived (last archived: %q", segment, archived)
			if failed != "" {
				msg += fmt.Sprintf(", last failed: %q; the server log %s says why", failed, c.LogPath())
			}
			return "", fmt.Errorf("%s): %w", msg, ctx.Err())
		case <-time.After(delay):
		}
		delay = min(2*delay, 100*time.Millisecond)
	}
}

// Destroy plays the loss of the server: it kills it in immediate mode, as
// in a crash, and removes its data directory, so that only what was
// copied elsewhere (base backups, archived or streamed WAL) remains. The
// cluster cannot be started again; Close still removes its directory.
func (c *Cluster) Destroy() error {
	if c.external {
		return errExternal
	}
	if err := c.Kill(); err != nil {
		return err
	}
	c.mu.Lock()
	c.destroyed = true
	c.mu.Unlock()
	if err := os.RemoveAll(c.dataDir); err != nil {
		return fmt.Errorf("pgtest: remove the data directory %s: %w", c.dataDir, err)
	}
	return nil
}

// Recovery says how StartFromBackup recovers its copy of a base backup.
type Recovery struct {
	// RestoreCommand is restore_command: the shell command, run as the
	// server's OS user, that copies the archived WAL file %f to the path
	// %p, for example "cp /archive/%f %p". When set, the server runs
	// archive recovery (StartFromBackup writes recovery.signal): it
	// replays the archive beyond the end of the backup, up to TargetTime
	// or as far as the archive goes, then is promoted to a new timeline
	// and takes writes. When empty, only the WAL inside the backup is
	// replayed, which brings the copy to the moment the backup ended.
	RestoreCommand string
	// TargetTime, when not zero, is recovery_target_time: replay stops
	// before the first transaction that committed after it, so that those
	// committed at or before it (by the time in their commit record) are
	// kept and no later one is. The server is then promoted
	// (recovery_target_action promote). It must be later than the end of
	// the backup. It needs RestoreCommand.
	TargetTime time.Time
}

// recoveryTimeFormat is how recovery_target_time is written: UTC, to the
// microsecond the server keeps.
const recoveryTimeFormat = "2006-01-02 15:04:05.000000-07:00"

// StartFromBackup starts a cluster on a copy of a plain-format base backup
// (the directory Cluster.BaseBackup or pg_basebackup wrote; the backup
// itself is left as it is), in a new temporary directory, on 127.0.0.1
// (opts.Port or a free port: the port of a destroyed server brings its
// clients back without a change). rec says how far it recovers.
//
// The copy keeps the settings of the server it was taken from (its
// archive_command too: a copy that is not meant to archive into the same
// archive must say archive_mode off in opts.Settings); recovery settings
// from rec come next and opts.Settings last, so that they win. During
// archive recovery hot_standby is off unless opts.Settings say otherwise,
// so no client sees the database before recovery has ended:
// StartFromBackup returns once the server is promoted and accepts
// connections. synchronous_standby_names is emptied (unless opts.Settings
// set it): the synchronous standby or WAL receiver the original waited
// for is not there for the copy, and its commits would hang. opts.StartTimeout bounds the whole recovery (default one
// minute); replaying a long archive needs more.
func StartFromBackup(ctx context.Context, backup string, opts Options, rec Recovery) (*Cluster, error) {
	if rec.RestoreCommand == "" && !rec.TargetTime.IsZero() {
		return nil, errors.New("pgtest: StartFromBackup: Recovery.TargetTime needs a RestoreCommand that fetches the archived WAL")
	}
	if _, err := os.Stat(filepath.Join(backup, "backup_label")); err != nil {
		return nil, fmt.Errorf("pgtest: StartFromBackup: %s is not a plain-format base backup (no backup_label): %w", backup, err)
	}
	ctx, cancel := startContext(ctx, opts.StartTimeout)
	defer cancel()

	c := &Cluster{}
	if err := c.setup(opts.BinDir, "cpcgen-pgtest-restored-"); err != nil {
		return nil, err
	}
	started := false
	defer c.removeUnless(&started)
	if err := copyTree(backup, c.dataDir, c.cred); err != nil {
		return nil, fmt.Errorf("pgtest: copy the base backup %s: %w", backup, err)
	}

	// The WAL receiver a synchronous original waited for is not there
	// for the copy: its writes would hang.
	settings := map[string]string{"synchronous_standby_names": ""}
	if rec.RestoreCommand != "" {
		if err := writeOwned(filepath.Join(c.dataDir, "recovery.signal"), nil, c.cred); err != nil {
			return nil, err
		}
		settings["restore_command"] = rec.RestoreCommand
		settings["hot_standby"] = "off"
		if !rec.TargetTime.IsZero() {
			settings["recovery_target_time"] = rec.TargetTime.UTC().Format(recoveryTimeFormat)
			settings["recovery_target_action"] = "promote"
		}
	}
	for k, v := range opts.Settings {
		settings[k] = v
	}
	c.opts = opts
	c.opts.Settings = settings
	return c.launch(ctx, opts.Port, &started)
}

// copyTree copies the directory src to dst (which must not exist) with
// the files' permissions, as owned by cred when not nil.
func copyTree(src, dst string, cred *syscall.Credential) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			if err := os.Mkdir(target, info.Mode().Perm()); err != nil {
				return err
			}
		case d.Type()&fs.ModeSymlink != 0:
			link, err := os.Readlink(path)
			if err != nil {
				return err
			}
			if err := os.Symlink(link, target); err != nil {
				return err
			}
			if cred != nil {
				return os.Lchown(target, int(cred.Uid), int(cred.Gid))
			}
			return nil
		case d.Type().IsRegular():
			if err := copyFile(path, target, info.Mode().Perm()); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%s: not a regular file, directory or symbolic link", path)
		}
		if cred != nil {
			return os.Chown(target, int(cred.Uid), int(cred.Gid))
		}
		return nil
	})
}

func copyFile(src, dst string, perm fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// writeOwned writes a new file, owned by cred when not nil.
func writeOwned(path string, data []byte, cred *syscall.Credential) error {
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	if cred != nil {
		if err := os.Chown(path, int(cred.Uid), int(cred.Gid)); err != nil {
			return fmt.Errorf("pgtest: %w", err)
		}
	}
	return nil
}

// WALReceiverOptions configures StartWALReceiver.
type WALReceiverOptions struct {
	// Synchronous makes pg_receivewal flush each piece of WAL to disk as
	// it arrives and report it at once (--synchronous). With the server's
	// synchronous_standby_names naming it (ApplicationName) and
	// synchronous_commit on (Options.Durable), a commit is acknowledged
	// only once its WAL is on disk in the receiver's directory.
	Synchronous bool
	// Slot is a physical replication slot to stream from, created when
	// missing, so that the server keeps the WAL the receiver has not yet
	// written, even while it is away. Empty streams without a slot.
	Slot string
	// ApplicationName is the name pg_receivewal connects with, the one
	// synchronous_standby_names lists; empty means "pg_receivewal".
	ApplicationName string
	// StartTimeout bounds the wait until it streams, when ctx has no
	// earlier deadline; 0 means one minute.
	StartTimeout time.Duration
}

// WALReceiver is a pg_receivewal process streaming a cluster's WAL into a
// directory: complete segments under their own names, the one being
// written with the suffix .partial. Its methods are safe for concurrent
// use.
type WALReceiver struct {
	dir string
	log *syncBuffer

	mu   sync.Mutex
	proc *serverProcess // nil once stopped
}

// syncBuffer is a bytes.Buffer safe for one writer and concurrent readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// StartWALReceiver starts pg_receivewal streaming the WAL of c, a running
// cluster started by pgtest, into dir, which the server's OS user must be
// able to write (see NewServerDir), and waits until c lists it as
// streaming in pg_stat_replication. It runs as the postgres user when
// running as root, and connects over loopback as the superuser (the
// pg_hba.conf of a cluster from Start trusts replication connections
// there). It stops by itself if the test process dies; Stop stops it.
//
// With a synchronous receiver (opts.Synchronous and the server's
// synchronous_standby_names), commits wait for it: start it before
// anything is written, and expect writes to hang while it is stopped.
func StartWALReceiver(ctx context.Context, c *Cluster, dir string, opts WALReceiverOptions) (*WALReceiver, error) {
	if c == nil || c.external {
		return nil, errors.New("pgtest: StartWALReceiver needs a cluster started by pgtest, not an external server (" + EnvDatabaseURL + ")")
	}
	if !c.Running() {
		return nil, errors.New("pgtest: StartWALReceiver: the server is not running")
	}
	timeout := opts.StartTimeout
	if timeout <= 0 {
		timeout = defaultStartTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	name := opts.ApplicationName
	if name == "" {
		name = "pg_receivewal"
	}
	conninfo := fmt.Sprintf("host=127.0.0.1 port=%d user=%s application_name=%s", c.port, Superuser, name)
	args := []string{"--directory", dir, "--dbname", conninfo, "--no-password", "--status-interval", "1"}
	if opts.Slot != "" {
		out, err := c.command(ctx, "pg_receivewal", append(args, "--slot", opts.Slot, "--create-slot", "--if-not-exists")...).CombinedOutput()
		if err != nil {
			return nil, fmt.Errorf("pgtest: pg_receivewal --create-slot %s: %w\n%s", opts.Slot, err, tail(out, 10))
		}
		args = append(args, "--slot", opts.Slot)
	}
	if opts.Synchronous {
		args = append(args, "--synchronous")
	}
	r := &WALReceiver{dir: dir, log: &syncBuffer{}}
	cmd := c.command(context.Background(), "pg_receivewal", args...)
	cmd.Stdout = r.log
	cmd.Stderr = r.log
	cmd.SysProcAttr.Setpgid = true
	cmd.SysProcAttr.Pdeathsig = syscall.SIGTERM
	p, err := startProcess(cmd)
	if err != nil {
		return nil, fmt.Errorf("pgtest: start pg_receivewal: %w", err)
	}
	r.proc = p

	pool, err := c.adminPool(ctx)
	if err != nil {
		r.Stop()
		return nil, err
	}
	delay := 5 * time.Millisecond
	for {
		var n int
		err := pool.QueryRow(ctx, "SELECT count(*) FROM pg_stat_replication WHERE application_name = $1 AND state = 'streaming'", name).Scan(&n)
		if err == nil && n > 0 {
			return r, nil
		}
		select {
		case <-p.exited:
			return nil, fmt.Errorf("pgtest: pg_receivewal exited: %v\n%s", p.waitErr, tail([]byte(r.log.String()), 10))
		case <-ctx.Done():
			r.Stop()
			return nil, fmt.Errorf("pgtest: pg_receivewal did not start streaming (last error: %v): %w\n%s", err, ctx.Err(), tail([]byte(r.log.String()), 10))
		case <-time.After(delay):
		}
		delay = min(2*delay, 100*time.Millisecond)
	}
}

// Dir returns the directory the receiver writes to.
func (r *WALReceiver) Dir() string { return r.dir }

// Log returns what pg_receivewal has printed so far.
func (r *WALReceiver) Log() string { return r.log.String() }

// Stop ends pg_receivewal (SIGINT) and waits for it, killing it after 30
// seconds. The segment it was writing stays in the directory with the
// suffix .partial: to replay it, copy or rename it to its name without
// the suffix first (PostgreSQL asks restore_command for plain names).
// Stopping a stopped receiver does nothing.
func (r *WALReceiver) Stop() error {
	r.mu.Lock()
	p := r.proc
	r.proc = nil
	r.mu.Unlock()
	if p == nil {
		return nil
	}
	if !stopProcess(p, syscall.SIGINT, stopTimeout) {
		return fmt.Errorf("pgtest: pg_receivewal did not stop within %s and was killed", stopTimeout)
	}
	return nil
}

// UsePartialWAL makes the segments pg_receivewal was writing when it
// stopped (the files of dir ending in .partial) available under their own
// names, which is what restore_command is asked for: each is copied to its
// name without the suffix, unless that file exists. The .partial files
// stay, so that a receiver started again resumes from them. It returns
// the names of the segments it copied.
func UsePartialWAL(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	var out []string
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".partial")
		if !ok || !e.Type().IsRegular() {
			continue
		}
		target := filepath.Join(dir, name)
		if _, err := os.Lstat(target); err == nil {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return out, fmt.Errorf("pgtest: %w", err)
		}
		if err := copyFile(filepath.Join(dir, e.Name()), target, info.Mode().Perm()); err != nil {
			return out, fmt.Errorf("pgtest: copy %s: %w", e.Name(), err)
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok && os.Geteuid() == 0 {
			if err := os.Chown(target, int(st.Uid), int(st.Gid)); err != nil {
				return out, fmt.Errorf("pgtest: %w", err)
			}
		}
		out = append(out, name)
	}
	return out, nil
}
