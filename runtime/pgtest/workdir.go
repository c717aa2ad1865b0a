package pgtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// workDir is the temporary directory of a process pgtest starts (a
// server or a pooler) and the watcher that removes it should the test
// process die first.
type workDir struct {
	root   string
	reaper io.Closer
}

// newWorkDir creates a temporary directory named after prefix, gives it
// to cred's user when running as root, and starts its watcher. On error
// nothing is left behind.
func newWorkDir(prefix string, cred *syscall.Credential) (workDir, error) {
	root, err := os.MkdirTemp(tempBase(cred != nil), prefix)
	if err != nil {
		return workDir{}, fmt.Errorf("pgtest: create temporary directory: %w", err)
	}
	w := workDir{root: root}
	if cred != nil {
		if err := os.Chown(root, int(cred.Uid), int(cred.Gid)); err != nil {
			_ = w.remove()
			return workDir{}, fmt.Errorf("pgtest: give %s to the postgres user: %w", root, err)
		}
	}
	if w.reaper, err = startReaper(root); err != nil {
		_ = w.remove()
		return workDir{}, err
	}
	return w, nil
}

// remove deletes the directory and lets the watcher go.
func (w *workDir) remove() error {
	var err error
	if w.root != "" {
		if rerr := os.RemoveAll(w.root); rerr != nil {
			err = fmt.Errorf("pgtest: remove %s: %w", w.root, rerr)
		}
	}
	if w.reaper != nil {
		_ = w.reaper.Close()
		w.reaper = nil
	}
	return err
}

// startContext bounds a start by timeout (defaultStartTimeout when 0)
// unless ctx has an earlier deadline.
func startContext(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	if timeout <= 0 {
		timeout = defaultStartTimeout
	}
	return context.WithTimeout(ctx, timeout)
}

// serverSetup resolves the directory of the PostgreSQL programs (binDir,
// or found when empty) and, when running as root, the postgres user's
// credential.
func serverSetup(binDir string) (string, *syscall.Credential, error) {
	var err error
	if binDir == "" {
		if binDir, err = FindBinDir(); err != nil {
			return "", nil, err
		}
	} else if err := checkBinDir(binDir); err != nil {
		return "", nil, err
	}
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		if cred, err = postgresCredential(); err != nil {
			return "", nil, err
		}
	}
	return binDir, cred, nil
}

// setup gives c the PostgreSQL programs (in binDir, found when empty)
// and, when running as root, the postgres user's credential; then a work
// directory named after prefix (newDirs).
func (c *Cluster) setup(binDir, prefix string) error {
	var err error
	if c.binDir, c.cred, err = serverSetup(binDir); err != nil {
		return err
	}
	return c.newDirs(prefix)
}

// newDirs gives c a work directory named after prefix, its data directory
// inside it.
func (c *Cluster) newDirs(prefix string) error {
	var err error
	if c.workDir, err = newWorkDir(prefix, c.cred); err != nil {
		return err
	}
	c.dataDir = filepath.Join(c.root, "data")
	return nil
}

// removeUnless removes c's directories unless *started: a constructor
// defers it so that every way out before the server runs cleans up.
func (c *Cluster) removeUnless(started *bool) {
	if !*started {
		c.remove()
	}
}

// notStarted is the error of a program (postgres, pgbouncer) that did
// not come to accept connections: err, then the end of its log (logName,
// at logPath, holding log); it also matches errAddressInUse when the log
// says its port was taken, for the caller to try another.
func notStarted(program, logName, logPath string, log []byte, err error) error {
	wrapped := fmt.Errorf("pgtest: %s did not start: %w\n%s (%s):\n%s", program, err, logName, logPath, tail(log, 30))
	if bytes.Contains(log, []byte("Address already in use")) {
		return fmt.Errorf("%w (%w)", wrapped, errAddressInUse)
	}
	return wrapped
}
