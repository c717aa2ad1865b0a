package redistest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	goruntime "runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// EnvRedisServer names the redis-server program to use. Empty means the
// one on PATH or at debianRedisServer; a path that is not an executable
// file makes it missing.
const EnvRedisServer = "CPCGEN_TEST_REDIS_SERVER"

// debianRedisServer is where Debian and Ubuntu install redis-server.
const debianRedisServer = "/usr/bin/redis-server"

// startTimeout bounds starting a server.
const startTimeout = 30 * time.Second

// FindRedisServer returns the path of the redis-server program.
func FindRedisServer() (string, error) {
	if p, ok := os.LookupEnv(EnvRedisServer); ok && p != "" {
		if isExecutable(p) {
			return p, nil
		}
		return "", fmt.Errorf("redistest: %s=%s is not an executable file", EnvRedisServer, p)
	}
	if p, err := exec.LookPath("redis-server"); err == nil {
		return p, nil
	}
	if isExecutable(debianRedisServer) {
		return debianRedisServer, nil
	}
	return "", errors.New("redistest: redis-server not found on PATH or at " + debianRedisServer)
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// Server is a running redis-server.
type Server struct {
	root string
	port int
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// New starts a redis-server for t and stops it when t ends. When there
// is no redis-server, it skips t with one line naming the install
// command, or fails it under CI=true (pgtest.NeedProgram).
func New(t testing.TB) *Server {
	t.Helper()
	bin, err := FindRedisServer()
	if err != nil {
		pgtest.NeedProgram(t, "redis-server", "apt-get install redis-server", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	s, err := Start(ctx, bin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// Start starts the redis-server program bin (FindRedisServer's, when
// empty) and waits until it answers PING.
func Start(ctx context.Context, bin string) (*Server, error) {
	if bin == "" {
		var err error
		if bin, err = FindRedisServer(); err != nil {
			return nil, err
		}
	}
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		cred = redisCredential()
	}
	base := ""
	if cred != nil {
		// The redis user must reach the directory, which a private TMPDIR
		// may not allow.
		base = "/tmp"
	}
	root, err := os.MkdirTemp(base, "cpcgen-redis-")
	if err != nil {
		return nil, fmt.Errorf("redistest: create temporary directory: %w", err)
	}
	if cred != nil {
		if err := os.Chown(root, int(cred.Uid), int(cred.Gid)); err != nil {
			os.RemoveAll(root)
			return nil, fmt.Errorf("redistest: give %s to the redis user: %w", root, err)
		}
	}
	for attempt := 1; ; attempt++ {
		s, err := start(ctx, bin, root, cred)
		if err == nil {
			return s, nil
		}
		if attempt >= 5 || !strings.Contains(err.Error(), "Address already in use") {
			os.RemoveAll(root)
			return nil, err
		}
	}
}

// redisCredential returns the credential of the OS user redis, or nil
// to run as the current user.
func redisCredential() *syscall.Credential {
	u, err := user.Lookup("redis")
	if err != nil {
		return nil
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 != nil || err2 != nil {
		return nil
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
}

func start(ctx context.Context, bin, root string, cred *syscall.Credential) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(root, "redis.log")
	s := &Server{root: root, port: port, done: make(chan struct{})}
	s.cmd = exec.Command(bin,
		"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--protected-mode", "yes",
		"--save", "", "--appendonly", "no", "--dir", root, "--logfile", logPath, "--daemonize", "no")
	s.cmd.Dir = root
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Setpgid: true, Pdeathsig: syscall.SIGKILL}
	started := make(chan error, 1)
	go func() {
		// The parent-death signal fires when the starting thread ends:
		// keep it for as long as the server runs.
		goruntime.LockOSThread()
		if err := s.cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		s.err = s.cmd.Wait()
		close(s.done)
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("redistest: start %s: %w", bin, err)
	}
	delay := 5 * time.Millisecond
	for {
		if err := ping(s.Addr()); err == nil {
			return s, nil
		}
		select {
		case <-s.done:
			log, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("redistest: redis-server exited (%v):\n%s", s.err, log)
		case <-ctx.Done():
			s.stop()
			log, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("redistest: redis-server did not answer: %w\n%s", ctx.Err(), log)
		case <-time.After(delay):
		}
		delay = min(delay*2, 100*time.Millisecond)
	}
}

// ping sends PING to addr and expects PONG.
func ping(addr string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if strings.TrimSpace(line) != "+PONG" {
		return fmt.Errorf("unexpected answer %q", line)
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("redistest: find a free port: %w", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	return port, l.Close()
}

// Addr returns the server's address, 127.0.0.1:port.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// URL returns the server's URL, redis://127.0.0.1:port/0.
func (s *Server) URL() string { return "redis://" + s.Addr() + "/0" }

// stop ends the server: SIGTERM, then SIGKILL after ten seconds.
func (s *Server) stop() {
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-s.done
	}
}

// Close stops the server and removes its directory.
func (s *Server) Close() error {
	s.stop()
	if err := os.RemoveAll(s.root); err != nil {
		return fmt.Errorf("redistest: remove %s: %w", s.root, err)
	}
	return nil
}
