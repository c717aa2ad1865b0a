package spec

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/internal/testfile"
	"github.com/google/go-cmp/cmp"
)

func TestLoadIOErrors(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "missing"))
	if err == nil || !strings.HasPrefix(err.Error(), "read ") || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing project: %v", err)
	}
	dir := t.TempDir()
	testfile.WriteAll(t, dir, map[string]string{"cpcgen.yaml": "version: 1\npackage: {name: db, dir: db}\nspecs: [schema/*.yaml]\n"})
	if err := os.MkdirAll(filepath.Join(dir, "schema"), 0o755); err != nil {
		t.Fatal(err)
	}
	// A dangling symlink matches the pattern but cannot be read.
	if err := os.Symlink(filepath.Join(dir, "nowhere.yaml"), filepath.Join(dir, "schema", "a.yaml")); err != nil {
		t.Skip(err)
	}
	_, err = Load(dir)
	checkErrors(t, err, `cpcgen.yaml:3:9: spec pattern "schema/*.yaml" matches no files`)

	// A directory holding no cpcgen.yaml.
	_, err = Load(t.TempDir())
	if err == nil || !strings.HasPrefix(err.Error(), "read cpcgen.yaml: ") || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("no config: %v", err)
	}
}

func TestLoadConfigPath(t *testing.T) {
	dir := t.TempDir()
	testfile.WriteAll(t, dir, map[string]string{
		"db.yaml":       "version: 1\npackage: {name: db, dir: out}\nspecs: ['*.yaml', 'schema/*.yaml', 'schema/a.yaml']\n",
		"schema/a.yaml": "enums: {e: [x]}\n",
		"schema/b.yaml": "enums: {f: [y]}\n",
		"top.yaml":      "",
		"go.mod":        "// comment\nmodule \"example.com/app\" // trailing\n\ngo 1.22\n",
	})
	p, err := Load(filepath.Join(dir, "db.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"schema/a.yaml", "schema/b.yaml", "top.yaml"}, p.Files); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	if p.Config.File != "db.yaml" || p.Config.Package.ImportPath != "example.com/app/out" {
		t.Errorf("config = %+v", p.Config)
	}
}

func TestLoadNoGoMod(t *testing.T) {
	dir := t.TempDir()
	testfile.WriteAll(t, dir, map[string]string{
		"cpcgen.yaml": "version: 1\npackage: {name: db, dir: .}\nspecs: [a.yaml]\n",
		"a.yaml":      "",
	})
	p, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	// TempDir is outside any module, unless the machine has a go.mod
	// above it.
	if ip := p.Config.Package.ImportPath; ip != "" {
		if _, err := os.Stat("/tmp/go.mod"); err != nil {
			t.Errorf("import path = %q, want none", ip)
		}
	}
}

func TestLoadSymlinkEscape(t *testing.T) {
	outside := t.TempDir()
	dir := t.TempDir()
	testfile.WriteAll(t, dir, map[string]string{
		"cpcgen.yaml": "version: 1\npackage: {name: db, dir: out/db}\nspecs: [schema/*.yaml]\nmigrations: {dir: migrations}\n",
	})
	testfile.WriteAll(t, outside, map[string]string{"a.yaml": "enums: {e: [x]}\n"})
	for _, link := range [][2]string{{outside, "out"}, {outside, "schema"}, {outside, "migrations"}} {
		if err := os.Symlink(link[0], filepath.Join(dir, link[1])); err != nil {
			t.Skip(err)
		}
	}
	_, err := Load(dir)
	checkErrors(t, err,
		`cpcgen.yaml:2:26: package.dir "out/db" leads outside the project root through a symbolic link`,
		`cpcgen.yaml:3:9: spec file "schema/a.yaml" leads outside the project root through a symbolic link`,
		`cpcgen.yaml:4:19: migrations.dir "migrations" leads outside the project root through a symbolic link`)
}

func TestLoadSymlinkInside(t *testing.T) {
	dir := t.TempDir()
	testfile.WriteAll(t, dir, map[string]string{
		"cpcgen.yaml": "version: 1\npackage: {name: db, dir: db}\nspecs: [schema/*.yaml]\n",
		"real/a.yaml": "enums: {e: [x]}\n",
	})
	if err := os.Symlink(filepath.Join(dir, "real"), filepath.Join(dir, "schema")); err != nil {
		t.Skip(err)
	}
	if _, err := Load(dir); err != nil {
		t.Fatal(err)
	}
}

func TestLoadOversizedFile(t *testing.T) {
	dir := t.TempDir()
	testfile.WriteAll(t, dir, map[string]string{
		"cpcgen.yaml": "version: 1\npackage: {name: db, dir: db}\nspecs: [a.yaml]\n",
		"a.yaml":      strings.Repeat("#", MaxFileSize+10),
	})
	_, err := Load(dir)
	checkErrors(t, err, "a.yaml:1:1: file is larger than the limit of 8388608 bytes (8 MiB)")
}

// TestLoadMigrationsExternal reads the file migrations.external names,
// and says where the key is when the file is missing or outside the
// project.
func TestLoadMigrationsExternal(t *testing.T) {
	dir := t.TempDir()
	cfg := "version: 1\npackage: {name: db, dir: .}\nspecs: [a.yaml]\nmigrations: {dir: m, external: %s}\n"
	testfile.WriteAll(t, dir, map[string]string{
		"cpcgen.yaml":     fmt.Sprintf(cfg, "db/external.sql"),
		"a.yaml":          "",
		"db/external.sql": "CREATE SCHEMA auth;\n",
	})
	p, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m := p.Config.Migrations; m.External != "CREATE SCHEMA auth;\n" || m.ExternalFile != "db/external.sql" {
		t.Errorf("migrations.external read as %q from %q", m.External, m.ExternalFile)
	}
	for _, tc := range []struct{ file, want string }{
		{"db/missing.sql", `cpcgen.yaml:4:32: migrations.external: db/missing.sql does not exist; write there the SQL`},
		{"../outside.sql", `cpcgen.yaml:4:32: migrations.external "../outside.sql" leads outside the project root`},
	} {
		testfile.Write(t, dir, "cpcgen.yaml", fmt.Sprintf(cfg, tc.file))
		_, err := Load(dir)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("migrations.external %s: %v, want an error holding %q", tc.file, err, tc.want)
		}
	}
}
