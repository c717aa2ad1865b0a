package pgtest

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeBinDir creates dir with executable stand-ins for the server
// programs.
func fakeBinDir(t *testing.T, dir string, names ...string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func TestFindBinDir(t *testing.T) {
	root := t.TempDir()
	debian := filepath.Join(root, "usr-lib-postgresql")
	for _, v := range []string{"9.6", "13", "15"} {
		fakeBinDir(t, filepath.Join(debian, v, "bin"), serverBinaries...)
	}
	fakeBinDir(t, filepath.Join(debian, "16", "bin"), "initdb") // incomplete: skipped
	empty := filepath.Join(root, "empty")
	fakeBinDir(t, empty)

	t.Run("highest version", func(t *testing.T) {
		t.Setenv("PATH", empty)
		got, err := findBinDir(debian)
		if err != nil || got != filepath.Join(debian, "15", "bin") {
			t.Errorf("findBinDir = %q, %v", got, err)
		}
	})

	t.Run("PATH first, through a lone symlink", func(t *testing.T) {
		// Like /usr/local/bin/initdb linking into the real directory.
		real := filepath.Join(root, "real", "bin")
		fakeBinDir(t, real, serverBinaries...)
		local := filepath.Join(root, "local-bin")
		fakeBinDir(t, local)
		if err := os.Symlink(filepath.Join(real, "initdb"), filepath.Join(local, "initdb")); err != nil {
			t.Fatal(err)
		}
		t.Setenv("PATH", local)
		got, err := findBinDir(debian)
		if err != nil || got != real {
			t.Errorf("findBinDir = %q, %v; want %s", got, err, real)
		}
	})

	t.Run("none", func(t *testing.T) {
		t.Setenv("PATH", empty)
		_, err := findBinDir(filepath.Join(root, "missing"))
		if err == nil || !strings.Contains(err.Error(), "apt-get install postgresql") || !strings.Contains(err.Error(), EnvDatabaseURL) {
			t.Errorf("err = %v", err)
		}
	})
}

// TestPortInUse checks that a start on a taken port is recognized as
// such, which is what makes Start pick another free port and try again.
func TestPortInUse(t *testing.T) {
	SkipIfDisabled(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := Start(ctx, Options{Port: l.Addr().(*net.TCPAddr).Port})
	if err == nil {
		c.Close()
		t.Fatal("Start succeeded on a taken port")
	}
	if !errors.Is(err, errAddressInUse) {
		t.Errorf("err = %v, want errAddressInUse", err)
	}
}
