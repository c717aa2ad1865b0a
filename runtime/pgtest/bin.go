package pgtest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// serverBinaries are the programs a bin directory must hold to be used.
var serverBinaries = []string{"initdb", "postgres", "pg_ctl"}

// debianBinRoot is where Debian and Ubuntu install one directory per
// PostgreSQL major version.
const debianBinRoot = "/usr/lib/postgresql"

// errNoBinaries explains how to get PostgreSQL when none is found.
var errNoBinaries = errors.New("pgtest: no PostgreSQL server binaries found " +
	"(looked for initdb, postgres and pg_ctl on PATH, via pg_config --bindir and in " + debianBinRoot + "/*/bin); " +
	"install them (Debian/Ubuntu: apt-get install postgresql) or set " + EnvDatabaseURL +
	" to the URL of an existing server")

// FindBinDir returns the directory holding PostgreSQL's server programs
// (initdb, postgres, pg_ctl, and the other client tools beside them). It
// looks on PATH first, following symbolic links so that a lone
// /usr/local/bin/initdb link leads to its real directory; then asks
// pg_config --bindir; then takes the highest version under
// /usr/lib/postgresql/*/bin.
func FindBinDir() (string, error) {
	return findBinDir(debianBinRoot)
}

func findBinDir(debianRoot string) (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		candidates := []string{filepath.Dir(p)}
		if real, err := filepath.EvalSymlinks(p); err == nil {
			candidates = append([]string{filepath.Dir(real)}, candidates...)
		}
		for _, dir := range candidates {
			if hasServerBinaries(dir) {
				return dir, nil
			}
		}
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		if dir := strings.TrimSpace(string(out)); hasServerBinaries(dir) {
			return dir, nil
		}
	}
	if dir := highestDebianBinDir(debianRoot); dir != "" {
		return dir, nil
	}
	return "", errNoBinaries
}

func hasServerBinaries(dir string) bool {
	if dir == "" {
		return false
	}
	for _, name := range serverBinaries {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			return false
		}
	}
	return true
}

// highestDebianBinDir returns root/N/bin for the highest version N that
// holds the server programs, or "".
func highestDebianBinDir(root string) string {
	entries, err := os.ReadDir(root)
	if err != nil {
		return ""
	}
	type version struct {
		parts []int
		dir   string
	}
	var versions []version
	for _, e := range entries {
		var parts []int
		for _, p := range strings.Split(e.Name(), ".") {
			n, err := strconv.Atoi(p)
			if err != nil {
				parts = nil
				break
			}
			parts = append(parts, n)
		}
		dir := filepath.Join(root, e.Name(), "bin")
		if parts != nil && hasServerBinaries(dir) {
			versions = append(versions, version{parts, dir})
		}
	}
	sort.Slice(versions, func(i, j int) bool {
		a, b := versions[i].parts, versions[j].parts
		for k := 0; k < len(a) && k < len(b); k++ {
			if a[k] != b[k] {
				return a[k] > b[k]
			}
		}
		return len(a) > len(b)
	})
	if len(versions) == 0 {
		return ""
	}
	return versions[0].dir
}

// checkBinDir reports a clear error when dir lacks a server program.
func checkBinDir(dir string) error {
	for _, name := range serverBinaries {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			return fmt.Errorf("pgtest: bin directory %s has no %s: %w", dir, name, err)
		}
	}
	return nil
}
