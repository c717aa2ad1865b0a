package generator_test

import (
	"os"
	"os/exec"
	"testing"

	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestGoldenPackages builds, vets and tests the expected output of every
// golden case as the Go packages they are: each case's hand-written tests
// exercise its generated code against this binary's PostgreSQL.
func TestGoldenPackages(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build the golden packages: %v", err)
	}
	cluster := pgtest.Current(t)
	for _, args := range [][]string{
		{"vet", "./testdata/golden/..."},
		{"test", "./testdata/golden/..."},
	} {
		cmd := exec.Command(goBin, args...)
		cmd.Dir = ".."
		cmd.Env = append(os.Environ(), pgtest.EnvDatabaseURL+"="+cluster.AdminURL())
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", args[0], err, out)
		}
		t.Logf("go %s:\n%s", args[0], out)
	}
}
