package pgtest

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// Environment variables about the optional programs some tests use.
const (
	// EnvPgBouncer names the pgbouncer program to use. Empty means the
	// one on PATH or where Debian and Ubuntu install it; a path that is
	// not an executable file makes pgbouncer missing, which is how CI
	// plays a fresh machine without it.
	EnvPgBouncer = "CPCGEN_TEST_PGBOUNCER"
	// EnvCI is set to true by CI systems. A test that needs an optional
	// program that is missing then fails instead of skipping, so that CI
	// always runs it.
	EnvCI = "CI"
)

// NeedPgBouncer returns the path of the pgbouncer program (FindPgBouncer).
// When there is none, it skips t with one line that names the program
// and how to install it, or fails t when CI=true.
func NeedPgBouncer(t testing.TB) string {
	t.Helper()
	p, err := FindPgBouncer()
	if err != nil {
		NeedProgram(t, "pgbouncer", "apt-get install pgbouncer", err)
	}
	return p
}

// NeedProgram skips t because the optional program name is missing (err
// says why), with one line naming the program and the command that
// installs it (install). Under CI (CI=true) it fails t instead: CI runs
// every test.
func NeedProgram(t testing.TB, name, install string, err error) {
	t.Helper()
	msg := fmt.Sprintf("SKIP: %s not found (%v); install it with `%s` to run this test", name, err, install)
	if os.Getenv(EnvCI) == "true" {
		t.Fatalf("%s; CI=true, so a missing %s fails the test instead of skipping it", msg, name)
	}
	t.Skip(msg)
}

// isExecutable reports whether path is an executable regular file.
func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// findProgram returns the program named by the environment variable env
// when it is set, or else name on PATH, or else the first of fallbacks
// that is an executable file.
func findProgram(env, name string, fallbacks ...string) (string, error) {
	if p := os.Getenv(env); p != "" {
		if isExecutable(p) {
			return p, nil
		}
		return "", fmt.Errorf("%s=%s is not an executable file", env, p)
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, f := range fallbacks {
		if isExecutable(f) {
			return f, nil
		}
	}
	where := "on PATH"
	for _, f := range fallbacks {
		where += " and at " + f
	}
	return "", fmt.Errorf("looked %s", where)
}
