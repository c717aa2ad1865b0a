package spec

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseConfig(t *testing.T) {
	cfg, err := ParseConfig("app", "cpcgen.yaml", []byte(`version: 1
package: {name: financedb, dir: ./internal/financedb/, import_path: example.com/app/internal/financedb}
specs: [./schema/*.yaml, "more/**.yaml"]
migrations: {dir: ./migrations, format: goose, table: revisions}
docs: {dir: docs/db}
`))
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{
		Root: "app", File: "cpcgen.yaml", Version: 1,
		Package: PackageConfig{Name: "financedb", Dir: "internal/financedb", ImportPath: "example.com/app/internal/financedb", Store: "Store",
			Pos: Pos{File: "cpcgen.yaml", Line: 2, Col: 1}},
		Specs:      []string{"./schema/*.yaml", "more/**.yaml"},
		Migrations: MigrationsConfig{Dir: "migrations", Format: "goose", Table: "revisions", Pos: Pos{File: "cpcgen.yaml", Line: 4, Col: 1}},
		Docs:       DocsConfig{Dir: "docs/db", Pos: Pos{File: "cpcgen.yaml", Line: 5, Col: 1}},
		Engine:     EnginePostgres,
		Methods:    AllMethods(),
		Pos:        Pos{File: "cpcgen.yaml", Line: 1, Col: 1},
	}
	if diff := cmp.Diff(want, cfg); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
}

func TestParseConfigEngine(t *testing.T) {
	cfg, err := ParseConfig(".", "cpcgen.yaml", []byte("version: 1\npackage: {name: db, dir: db}\nspecs: [a.yaml]\nengine: citus\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Engine != EngineCitus || cfg.EnginePos != (Pos{File: "cpcgen.yaml", Line: 4, Col: 9}) {
		t.Errorf("engine %q at %v", cfg.Engine, cfg.EnginePos)
	}
}

func TestParseConfigMethods(t *testing.T) {
	cfg, err := ParseConfig(".", "cpcgen.yaml", []byte("version: 1\npackage: {name: db, dir: db}\nspecs: [a.yaml]\nmethods: [crud, relations]\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := Methods{CRUD: true, Relations: true, Pos: Pos{File: "cpcgen.yaml", Line: 4, Col: 10}}
	if cfg.Methods != want {
		t.Errorf("methods %+v, want %+v", cfg.Methods, want)
	}
	cfg, err = ParseConfig(".", "cpcgen.yaml", []byte("version: 1\npackage: {name: db, dir: db}\nspecs: [a.yaml]\nmethods: []\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Methods != (Methods{Pos: Pos{File: "cpcgen.yaml", Line: 4, Col: 10}}) {
		t.Errorf("methods: [] gives %+v, want no family", cfg.Methods)
	}
	for src, want := range map[string]string{
		"methods: [crud, relation]": `cpcgen.yaml:4:17: methods: "relation" is not one of "crud", "batch", "upsert" or "relations"; did you mean "relations"?`,
		"methods: [crud, crud]":     `cpcgen.yaml:4:17: methods: "crud" is listed twice`,
		"methods: crud":             `cpcgen.yaml:4:10: methods: expected a list of method families ("crud", "batch", "upsert" or "relations"), or [] for none, got`,
		"methods:":                  `cpcgen.yaml:4:9: methods: expected a list of method families`,
	} {
		_, err := ParseConfig(".", "cpcgen.yaml", []byte("version: 1\npackage: {name: db, dir: db}\nspecs: [a.yaml]\n"+src+"\n"))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", src, err, want)
		}
	}
}

func TestParseConfigDefaults(t *testing.T) {
	cfg, err := ParseConfig(".", "cpcgen.yaml", []byte("version: 1\npackage: {name: db, dir: .}\nspecs: [a.yaml]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Migrations.Format != "golang-migrate" || cfg.Migrations.Table != "cpcgen_migrations" || cfg.Migrations.Dir != "" {
		t.Errorf("migrations = %+v", cfg.Migrations)
	}
	if cfg.Package.Dir != "." || cfg.Docs.Dir != "" || cfg.Package.ImportPath != "" {
		t.Errorf("config = %+v", cfg)
	}
}

func TestParseConfigOnline(t *testing.T) {
	for _, tc := range []struct {
		src     string
		offline bool
		lock    time.Duration
	}{
		{"migrations: {dir: m}\n", false, 0},
		{"migrations: {dir: m, online: true, lock_timeout: 750ms}\n", false, 750 * time.Millisecond},
		{"migrations: {dir: m, online: false, lock_timeout: \"off\"}\n", true, -1},
	} {
		cfg, err := ParseConfig(".", "cpcgen.yaml", []byte("version: 1\npackage: {name: db, dir: db}\nspecs: [a.yaml]\n"+tc.src))
		if err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		if cfg.Migrations.Offline != tc.offline || cfg.Migrations.LockTimeout != tc.lock {
			t.Errorf("%s: offline %v, lock_timeout %v", tc.src, cfg.Migrations.Offline, cfg.Migrations.LockTimeout)
		}
	}
}

func TestParseConfigErrors(t *testing.T) {
	const ok = "package: {name: db, dir: db}\nspecs: [a.yaml]\n"
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"empty", "", []string{"cpcgen.yaml:1:1: config file is empty; it needs version, package and specs"}},
		{"missing keys", "docs: {dir: d}\n", []string{`cpcgen.yaml:1:1: config is missing the required key "version"`, `missing the required key "package"`, `missing the required key "specs"`}},
		{"version 2", "version: 2\n" + ok, []string{"cpcgen.yaml:1:10: unsupported version 2; this cpcgen reads version 1"}},
		{"version text", "version: one\n" + ok, []string{`version: expected an integer, got string "one"`}},
		{"unknown key", "version: 1\n" + ok + "migration: {dir: m}\n", []string{`cpcgen.yaml:4:1: unknown key "migration" in config; did you mean "migrations"?`}},
		{"package key typo", "version: 1\npackage: {nam: db, dir: db}\nspecs: [a.yaml]\n", []string{`unknown key "nam" in package; did you mean "name"?`, `package is missing the required key "name"`}},
		{"package upper", "version: 1\npackage: {name: FinanceDB, dir: db}\nspecs: [a.yaml]\n", []string{`package name "FinanceDB" is not a lower-case Go identifier; use "finance_db"`}},
		{"package keyword", "version: 1\npackage: {name: func, dir: db}\nspecs: [a.yaml]\n", []string{`package name "func" is a Go keyword; use "funcdb"`}},
		{"package predeclared", "version: 1\npackage: {name: string, dir: db}\nspecs: [a.yaml]\n", []string{`package name "string" shadows a predeclared Go identifier`}},
		{"package blank", "version: 1\npackage: {name: _, dir: db}\nspecs: [a.yaml]\n", []string{`package name must not be the blank identifier _`}},
		{"absolute dir", "version: 1\npackage: {name: db, dir: /tmp/db}\nspecs: [a.yaml]\n", []string{`package.dir "/tmp/db" must be relative to the directory of the config file`}},
		{"escaping dir", "version: 1\npackage: {name: db, dir: ./x/../../db}\nspecs: [a.yaml]\n", []string{`package.dir "./x/../../db" leads outside the project root`}},
		{"backslash dir", "version: 1\npackage: {name: db, dir: 'a\\b'}\nspecs: [a.yaml]\n", []string{`must use forward slashes`}},
		{"empty specs", "version: 1\npackage: {name: db, dir: db}\nspecs: []\n", []string{`specs must list at least one glob pattern`}},
		{"specs not list", "version: 1\npackage: {name: db, dir: db}\nspecs: a.yaml\n", []string{`specs: expected a sequence, got string "a.yaml"`}},
		{"bad glob", "version: 1\npackage: {name: db, dir: db}\nspecs: ['[a']\n", []string{`spec pattern "[a" is not a valid glob pattern`}},
		{"escaping glob", "version: 1\npackage: {name: db, dir: db}\nspecs: ['../x/*.yaml']\n", []string{`spec pattern "../x/*.yaml" leads outside the project root`}},
		{"format typo", "version: 1\n" + ok + "migrations: {dir: m, format: gose}\n", []string{`migrations.format: "gose" is not one of "golang-migrate", "goose", "flyway", "dbmate" or "atlas"; did you mean "goose"?`}},
		{"migrations without dir", "version: 1\n" + ok + "migrations: {format: goose}\n", []string{`migrations is missing the required key "dir"`}},
		{"migrations table", "version: 1\n" + ok + "migrations: {dir: m, table: my-revisions}\n", []string{`migrations table name "my-revisions" is not a plain SQL name`}},
		{"online text", "version: 1\n" + ok + "migrations: {dir: m, online: no-thanks}\n", []string{`cpcgen.yaml:4:30: migrations.online: expected true or false, got string "no-thanks"`}},
		{"lock timeout", "version: 1\n" + ok + "migrations: {dir: m, lock_timeout: 5}\n", []string{`cpcgen.yaml:4:36: migrations.lock_timeout "5" is not a duration of at least 1ms; write it like 500ms, 5s or 1m, or off`}},
		{"import path", "version: 1\npackage: {name: db, dir: db, import_path: 'not a path'}\nspecs: [a.yaml]\n", []string{`package.import_path "not a path" is not a Go import path`}},
		{"engine typo", "version: 1\n" + ok + "engine: citsu\n", []string{`cpcgen.yaml:4:9: engine: "citsu" is not one of "postgres", "citus", "cockroachdb" or "yugabytedb"; did you mean "citus"?`}},
		{"syntax", "version: 1\npackage: {name: db\n", []string{"invalid YAML"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := ParseConfig(".", "cpcgen.yaml", []byte(tc.src))
			if cfg != nil {
				t.Errorf("got a config with errors")
			}
			checkErrors(t, err, tc.want...)
		})
	}
}
