package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/generator/gencache"
)

func countEntries(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && len(d.Name()) == 64 {
			n++
		}
		return nil
	})
	return n
}

// TestCacheFlags: generate and check fill and use the cache the flags or
// CPCGEN_CACHE name, and leave it alone when it is off.
func TestCacheFlags(t *testing.T) {
	dir := newMigrationsProject(t, "golang-migrate")
	cache := filepath.Join(t.TempDir(), "cache")

	out, _ := mustRun(t, 0, "-C", dir, "generate", "--cache-dir", cache)
	contains(t, "generate", out, "3 written")
	if n := countEntries(t, cache); n < 4 {
		t.Fatalf("%d cache entries after generate", n)
	}
	mustRun(t, 0, "-C", dir, "migrate", "diff", "init")
	out, _ = mustRun(t, 0, "-C", dir, "check", "--cache-dir", cache)
	contains(t, "check", out, "generated code is up to date", "migrations cover the spec")

	// A generated file edited by hand: the tree comes from the cache, the
	// comparison with the disk still happens.
	users := filepath.Join(dir, "internal", "appdb", "users.gen.go")
	data, err := os.ReadFile(users)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(users, append(data, "// edited\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _ = mustRun(t, 1, "-C", dir, "check", "--cache-dir", cache)
	contains(t, "check", out, "stale file")
	out, _ = mustRun(t, 0, "-C", dir, "generate", "--cache-dir", cache)
	contains(t, "generate", out, "1 written")

	// A spec change without a migration, then with one: the migrations
	// report is cached by the directory's content too.
	writeUsers(t, dir, "age: {type: integer, nullable: true}")
	mustRun(t, 0, "-C", dir, "generate", "--cache-dir", cache)
	out, _ = mustRun(t, 1, "-C", dir, "check", "--cache-dir", cache)
	contains(t, "check", out, `uncovered spec change: add column "users"."age"`)
	out, _ = mustRun(t, 1, "-C", dir, "check", "--cache-dir", cache)
	contains(t, "check, cached", out, `uncovered spec change: add column "users"."age"`)
	mustRun(t, 0, "-C", dir, "migrate", "diff", "age")
	out, _ = mustRun(t, 0, "-C", dir, "check", "--cache-dir", cache)
	contains(t, "check", out, "migrations cover the spec")
	// A migration edited by hand after that: the checksum no longer
	// matches, cache or not.
	ups, _ := filepath.Glob(filepath.Join(dir, "migrations", "*_age.up.sql"))
	if len(ups) != 1 {
		t.Fatalf("migrations: %v", ups)
	}
	if err := os.WriteFile(ups[0], []byte("SELECT 1;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _ = mustRun(t, 1, "-C", dir, "check", "--cache-dir", cache)
	contains(t, "check", out, "checksum mismatch")

	// Off: by flag and by the environment, nothing is written.
	empty := filepath.Join(t.TempDir(), "unused")
	mustRun(t, 0, "-C", dir, "generate", "--cache-dir", empty, "--no-cache")
	t.Setenv(gencache.DirEnv, "off")
	mustRun(t, 0, "-C", dir, "generate")
	mustRun(t, 1, "-C", dir, "check")
	t.Setenv(gencache.DirEnv, empty)
	mustRun(t, 0, "-C", dir, "generate", "--no-cache")
	if _, err := os.Stat(empty); !os.IsNotExist(err) {
		t.Fatalf("a cache that is off was created: %v", err)
	}
	// CPCGEN_CACHE names the directory.
	mustRun(t, 0, "-C", dir, "generate")
	if countEntries(t, empty) == 0 {
		t.Fatal("CPCGEN_CACHE was not used")
	}
}

func TestCacheCommand(t *testing.T) {
	cache := filepath.Join(t.TempDir(), "cache")
	t.Setenv(gencache.DirEnv, cache)
	out, _ := mustRun(t, 0, "cache", "dir")
	if strings.TrimSpace(out) != cache {
		t.Fatalf("cache dir: %q, want %q", out, cache)
	}
	out, _ = mustRun(t, 0, "cache", "dir", "--no-cache")
	if strings.TrimSpace(out) != "off" {
		t.Fatalf("cache dir --no-cache: %q", out)
	}
	other := filepath.Join(t.TempDir(), "other")
	out, _ = mustRun(t, 0, "cache", "dir", "--cache-dir", other)
	if strings.TrimSpace(out) != other {
		t.Fatalf("cache dir --cache-dir: %q", out)
	}

	dir := newProject(t)
	mustRun(t, 0, "-C", dir, "generate")
	if countEntries(t, cache) == 0 {
		t.Fatal("no entries")
	}
	out, _ = mustRun(t, 0, "cache", "clean")
	contains(t, "clean", out, "removed the cache in "+cache)
	if n := countEntries(t, cache); n != 0 {
		t.Fatalf("%d entries after clean", n)
	}
	t.Setenv(gencache.DirEnv, "off")
	out, _ = mustRun(t, 0, "cache", "clean")
	contains(t, "clean", out, "the cache is off")
}

// TestCacheUnusable: a cache directory that cannot be created is a
// warning; generation runs without it.
func TestCacheUnusable(t *testing.T) {
	dir := newProject(t)
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut := mustRun(t, 0, "-C", dir, "generate", "--cache-dir", filepath.Join(blocker, "cache"))
	contains(t, "generate", out, "written")
	contains(t, "stderr", errOut, "warning: running without the cache")
}
