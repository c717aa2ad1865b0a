package pgtest

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

// reaperScript waits until its standard input reaches end of file, which
// happens when the test process closes the pipe or dies in any way (a
// panic in a test, a go test -timeout, SIGKILL). It then shuts down a
// postmaster still running in the cluster directory $1 (checking that the
// pid still belongs to a postgres process) and removes the directory.
const reaperScript = `trap '' INT TERM HUP QUIT
read -r _
dir=$1
pidfile="$dir/data/postmaster.pid"
if [ -f "$pidfile" ]; then
	pid=$(head -n 1 "$pidfile" 2>/dev/null)
	case "$pid" in ''|*[!0-9]*) pid= ;; esac
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		if [ ! -r "/proc/$pid/comm" ] || grep -q '^postgres' "/proc/$pid/comm"; then
			kill -QUIT "$pid" 2>/dev/null
			i=0
			while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 300 ]; do
				sleep 0.1
				i=$((i+1))
			done
			kill -KILL -- "-$pid" 2>/dev/null
		fi
	fi
fi
rm -rf -- "$dir"
`

// startReaper starts the watcher for the cluster directory root and
// returns the write end of its pipe: closing it (or exiting) triggers the
// cleanup.
func startReaper(root string) (*os.File, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("pgtest: start cleanup watcher: %w", err)
	}
	cmd := exec.Command("/bin/sh", "-c", reaperScript, "pgtest-cleanup", root)
	cmd.Stdin = r
	// Its own process group: a Ctrl-C in the terminal must not kill the
	// watcher before it has cleaned up.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("pgtest: start cleanup watcher: %w", err)
	}
	r.Close()
	go func() { _ = cmd.Wait() }()
	return w, nil
}
