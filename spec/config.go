package spec

import (
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/cpcgen/cpcgen/runtime/migrate"
)

// The migration formats cpcgen can write: the rows of the runner's
// format table.
var migrationFormats = migrate.FormatNames()

// The engines cpcgen.yaml's engine: names (see Config.Engine).
const (
	EnginePostgres    = "postgres"
	EngineCitus       = "citus"
	EngineCockroachDB = "cockroachdb"
	EngineYugabyteDB  = "yugabytedb"
)

// Engines are the values of engine:, the default first.
var Engines = []string{EnginePostgres, EngineCitus, EngineCockroachDB, EngineYugabyteDB}

// The keys of cpcgen.yaml and of its sections. Validation and the JSON
// Schema (jsonschema.go) both read these lists.
var (
	configKeys     = []string{"version", "package", "specs", "migrations", "docs", "engine", "methods"}
	packageKeys    = []string{"name", "dir", "import_path", "store"}
	migrationsKeys = []string{"dir", "format", "table", "online", "lock_timeout", "external"}
	docsKeys       = []string{"dir"}
)

// Defaults of the migrations section.
const (
	DefaultMigrationFormat = migrate.DefaultFormat
	DefaultMigrationTable  = "cpcgen_migrations"
)

// configExtra is what Load needs from the config beyond Config itself.
type configExtra struct {
	specPos []Pos // position of each pattern in Config.Specs
	dirPos  map[string]Pos
}

// ParseConfig decodes and validates cpcgen.yaml. root is the directory
// holding it and name its file name relative to root (positions use
// name). ParseConfig reads no files: Load fills in Package.ImportPath
// from go.mod when the config leaves it out. On error it returns an
// ErrorList.
func ParseConfig(root, name string, data []byte) (*Config, error) {
	var errs ErrorList
	cfg, _ := parseConfig(root, name, data, &errs)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return cfg, nil
}

func parseConfig(root, name string, data []byte, errs *ErrorList) (*Config, configExtra) {
	cfg := &Config{
		Root:   root,
		File:   name,
		Engine: EnginePostgres,
		Migrations: MigrationsConfig{
			Format: DefaultMigrationFormat,
			Table:  DefaultMigrationTable,
		},
	}
	extra := configExtra{dirPos: map[string]Pos{}}
	d := decoder{errs: errs}
	n := parseYAML(name, data, errs)
	start := Pos{File: name, Line: 1, Col: 1}
	cfg.Pos = start
	if n == nil {
		if len(*errs) == 0 {
			errs.Add(start, "config file is empty; it needs version, package and specs")
		}
		return cfg, extra
	}
	cfg.Pos = n.pos
	f := d.fields(n, "config", configKeys...)
	if f == nil {
		return cfg, extra
	}
	for _, k := range []string{"version", "package", "specs"} {
		if !f.has(k) {
			errs.Add(n.pos, "config is missing the required key %q", k)
		}
	}
	if p, ok := f.get("version"); ok {
		if v, ok := d.integer(p.value, "version"); ok && v != 1 {
			errs.Add(p.value.pos, "unsupported version %d; this cpcgen reads version 1", v)
		}
		cfg.Version = 1
	}
	if p, ok := f.get("package"); ok {
		cfg.Package.Pos = p.key.pos
		pf := d.fields(p.value, "package", packageKeys...)
		if pf != nil {
			if v, ok := pf.get("name"); ok {
				if s, ok := d.str(v.value, "package.name"); ok {
					checkPackageName(errs, v.value.pos, s)
					cfg.Package.Name = s
				}
			} else {
				errs.Add(p.key.pos, "package is missing the required key \"name\"")
			}
			d.requiredDir(p, pf, "package", &cfg.Package.Dir, extra.dirPos)
			cfg.Package.Store = "Store"
			if v, ok := pf.get("store"); ok {
				if s, ok := d.goName(v.value, "package.store"); ok {
					cfg.Package.Store, cfg.Package.StorePos = s, v.value.pos
				}
			}
			if v, ok := pf.get("import_path"); ok {
				if s, ok := d.str(v.value, "package.import_path"); ok {
					if !importPathRE.MatchString(s) || strings.Contains(s, "..") || strings.Contains(s, "//") {
						errs.Add(v.value.pos, "package.import_path %q is not a Go import path", clip(s))
					}
					cfg.Package.ImportPath = s
				}
			}
		}
	}
	if p, ok := f.get("specs"); ok {
		items, ok := d.sequence(p.value, "specs")
		if ok && len(items) == 0 {
			errs.Add(p.value.pos, "specs must list at least one glob pattern, like ./schema/*.yaml")
		}
		for _, it := range items {
			s, ok := d.str(it, "specs")
			if !ok {
				continue
			}
			if _, ok := d.checkRelPath(it.pos, "spec pattern", s); !ok {
				continue
			}
			if _, err := path.Match(s, ""); err != nil {
				errs.Add(it.pos, "spec pattern %q is not a valid glob pattern", clip(s))
				continue
			}
			cfg.Specs = append(cfg.Specs, s)
			extra.specPos = append(extra.specPos, it.pos)
		}
	}
	if p, ok := f.get("migrations"); ok {
		cfg.Migrations.Pos = p.key.pos
		mf := d.fields(p.value, "migrations", migrationsKeys...)
		if mf != nil {
			d.requiredDir(p, mf, "migrations", &cfg.Migrations.Dir, extra.dirPos)
			if v, ok := mf.get("format"); ok {
				if s, ok := d.oneOf(v.value, "migrations.format", migrationFormats...); ok {
					cfg.Migrations.Format = s
				}
			}
			if v, ok := mf.get("table"); ok {
				if s, ok := d.ident(v.value, "migrations table"); ok {
					cfg.Migrations.Table = s
				}
			}
			if v, ok := mf.get("online"); ok {
				if b, ok := d.boolean(v.value, "migrations.online"); ok {
					cfg.Migrations.Offline = !b
				}
			}
			if v, ok := mf.get("lock_timeout"); ok {
				if s, ok := d.str(v.value, "migrations.lock_timeout"); ok {
					cfg.Migrations.LockTimeout = d.lockTimeout(v.value.pos, s)
				}
			}
			if v, ok := mf.get("external"); ok {
				if s, ok := d.relPath(v.value, "migrations.external"); ok {
					cfg.Migrations.ExternalFile = s
					extra.dirPos["migrations.external"] = v.value.pos
				}
			}
		}
	}
	if p, ok := f.get("engine"); ok {
		cfg.EnginePos = p.value.pos
		if s, ok := d.oneOf(p.value, "engine", Engines...); ok {
			cfg.Engine = s
		}
	}
	cfg.Methods = AllMethods()
	if p, ok := f.get("methods"); ok {
		if m, ok := d.methods(p.value, "methods"); ok {
			cfg.Methods = m
		}
	}
	if p, ok := f.get("docs"); ok {
		cfg.Docs.Pos = p.key.pos
		df := d.fields(p.value, "docs", docsKeys...)
		if df != nil {
			d.requiredDir(p, df, "docs", &cfg.Docs.Dir, extra.dirPos)
		}
	}
	return cfg, extra
}

// requiredDir reads the dir key that section sec (named name: package,
// migrations, docs), whose fields are f, must have: a path relative to
// the project root, its position kept in dirPos under "name.dir".
func (d *decoder) requiredDir(sec pair, f *fieldSet, name string, dir *string, dirPos map[string]Pos) {
	v, ok := f.get("dir")
	if !ok {
		d.errs.Add(sec.key.pos, "%s is missing the required key \"dir\"", name)
		return
	}
	if s, ok := d.relPath(v.value, name+".dir"); ok {
		*dir = s
		dirPos[name+".dir"] = v.value.pos
	}
}

// lockTimeout reads migrations.lock_timeout: a Go duration of at least
// a millisecond (500ms, 5s, 1m) or "off" (returned as -1).
func (d *decoder) lockTimeout(pos Pos, s string) time.Duration {
	if s == "off" {
		return -1
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < time.Millisecond {
		d.errs.Add(pos, "migrations.lock_timeout %q is not a duration of at least 1ms; write it like 500ms, 5s or 1m, or off", clip(s))
		return 0
	}
	return v
}

var importPathRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._~+\-]*(/[A-Za-z0-9._~+\-]+)*$`)

// relPath decodes a path relative to the project root, cleaned and
// slash-separated.
func (d *decoder) relPath(n *node, what string) (string, bool) {
	s, ok := d.str(n, what)
	if !ok {
		return "", false
	}
	return d.checkRelPath(n.pos, what, s)
}

// checkRelPath rejects empty, absolute and escaping paths and returns
// the cleaned form.
func (d *decoder) checkRelPath(pos Pos, what, s string) (string, bool) {
	switch {
	case strings.TrimSpace(s) == "":
		d.errs.Add(pos, "%s is empty", what)
		return "", false
	case strings.Contains(s, "\\"):
		d.errs.Add(pos, "%s %q must use forward slashes", what, clip(s))
		return "", false
	case path.IsAbs(s) || (len(s) >= 2 && s[1] == ':'):
		d.errs.Add(pos, "%s %q must be relative to the directory of the config file", what, clip(s))
		return "", false
	}
	c := path.Clean(s)
	if c == ".." || strings.HasPrefix(c, "../") {
		d.errs.Add(pos, "%s %q leads outside the project root", what, clip(s))
		return "", false
	}
	return c, true
}
