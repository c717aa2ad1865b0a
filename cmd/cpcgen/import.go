package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/template"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/cpcgen/cpcgen/generator"
	"github.com/cpcgen/cpcgen/internal/importer"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
	"github.com/cpcgen/cpcgen/spec"
	"github.com/cpcgen/cpcgen/templates"
)

// importOptions are the flags of cpcgen import.
type importOptions struct {
	dbURL, devURL, schema, dir, split, pkgName string
	sqlFiles                                   []string
	detect, force                              bool
}

// countedFlag is a flag value that counts the times it is given.
type countedFlag struct {
	pflag.Value
	sets int
}

// Set sets the value and counts it.
func (f *countedFlag) Set(s string) error {
	f.sets++
	return f.Value.Set(s)
}

func (c *cli) importCommand() *cobra.Command {
	var o importOptions
	sqlFlag := &countedFlag{}
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Write spec files from an existing database or DDL file",
		Long: `import reads one schema of an existing database (--url) or of DDL files
(--sql, applied to a throwaway PostgreSQL first) and writes spec files for
it: schema/<schema>.yaml (or, with --split table, a file per table), and
cpcgen.yaml when there is none.

SQL names are kept exactly; go_name: is set only where a derived Go name
would collide. Every column type, default, identity, foreign key (with its
actions), unique constraint, index, check, comment and enum becomes a spec
entry where the spec can declare it; a column of a type cpcgen does not
model is named by its SQL (type: {sql: …}). What it cannot — functions,
triggers, views, materialized views, sequences, domains, types,
collations, text search dictionaries and configurations, policies,
rules, operators, publications of its tables, constraints and indexes of
kinds specs do not declare — is kept as an sql_objects entry holding the
SQL that creates it, and listed in the report by kind and name with the
reason; what not even that can carry (foreign tables, operator classes,
base types, event triggers …) is listed as not imported. Nothing is
dropped silently.

Behaviours (timestamps, soft_delete, optimistic_lock) are switched on only
with --detect-behaviours, each reported.

import never overwrites a spec file that exists with other content (edited
since it was written) unless --force is given; files holding the same bytes
are left alone, so running it again is safe. The output is deterministic.

--sql files are applied in order (--sql a.sql --sql b.sql, or all after one
--sql: --sql migrations/*.up.sql) to a temporary database on the server of
--dev-url when given, else to a throwaway PostgreSQL started from the local
binaries (as runtime/pgtest does). A statement the server refuses is reported with
the file, line, statement and the server's message.

Next: cpcgen generate, then cpcgen migrate diff baseline (migration 1 is the
imported schema), then cpcgen migrate baseline --url to mark it applied on
the database it came from.`,
		Example: `  cpcgen import --url "$DATABASE_URL"
  cpcgen import --sql db/structure.sql --detect-behaviours
  cpcgen import --url postgres://app@localhost/app --schema billing --split table
  cpcgen import --sql schema.sql --dev-url postgres://postgres@localhost/postgres --force`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case len(args) > 0 && len(o.sqlFiles) == 0:
				return fmt.Errorf("import takes no arguments (%q): DDL files follow --sql (--sql a.sql b.sql); a database is --url", args[0])
			case len(args) > 0 && sqlFlag.sets > 1:
				return fmt.Errorf("DDL files follow either one --sql each or all after one --sql (--sql a.sql b.sql), not both: the place of %q among them is unclear", args[0])
			case len(args) > 0:
				// The files after --sql's: --sql a.sql b.sql, or a
				// shell glob (--sql migrations/*.up.sql).
				o.sqlFiles = append(o.sqlFiles, args...)
			}
			switch {
			case o.dbURL == "" && len(o.sqlFiles) == 0:
				return errors.New("import needs --url (a database to read) or --sql (DDL files to read)")
			case o.dbURL != "" && len(o.sqlFiles) > 0:
				return errors.New("import reads either --url or --sql, not both")
			case o.devURL != "" && len(o.sqlFiles) == 0:
				return errors.New("--dev-url goes with --sql: it names the server the DDL files are applied to")
			case o.split != "schema" && o.split != "table":
				return fmt.Errorf("--split must be schema or table, not %q", o.split)
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), 10*time.Minute)
			defer cancel()
			return c.runImport(ctx, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.dbURL, "url", "", "the database to import (`URL`); it is only read")
	f.StringSliceVar(&o.sqlFiles, "sql", nil, "DDL `file`s to import, applied in order to a temporary database")
	// Count the --sql flags, for the files after one (--sql a.sql b.sql);
	// DefValue "" keeps the help without a default, as a slice's.
	sqlFlag.Value = f.Lookup("sql").Value
	f.Lookup("sql").Value, f.Lookup("sql").DefValue = sqlFlag, ""
	f.StringVar(&o.devURL, "dev-url", "", "with --sql: the server `URL` to create the temporary database on (default: a throwaway local PostgreSQL)")
	f.StringVar(&o.schema, "schema", "", "the PostgreSQL `schema` to import (default: the connection's current schema, public)")
	f.StringVar(&o.dir, "dir", "schema", "the `directory` for the spec files, relative to the project")
	f.StringVar(&o.split, "split", "schema", "one file per `schema`, or per table (table)")
	f.BoolVar(&o.detect, "detect-behaviours", false, "switch on timestamps, soft_delete and optimistic_lock where the columns fit")
	f.BoolVar(&o.force, "force", false, "overwrite spec files that exist with other content")
	f.StringVar(&o.pkgName, "package", "", "the Go package `name` written to a new cpcgen.yaml (default: from go.mod)")
	return cmd
}

// runImport reads the schema, writes the files and prints the report.
func (c *cli) runImport(ctx context.Context, o importOptions) error {
	root := c.dir
	if root == "" {
		root = "."
	}
	if filepath.IsAbs(o.dir) || strings.HasPrefix(filepath.Clean(o.dir), "..") {
		return fmt.Errorf("--dir %q must be a directory inside the project", o.dir)
	}
	var conn *pgx.Conn
	var source string
	var replayed []importer.Finding
	if o.dbURL != "" {
		cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		var err error
		conn, err = pgx.Connect(cctx, o.dbURL)
		if err != nil {
			return fmt.Errorf("cannot reach %s: %s", redact(o.dbURL), oneLine(err.Error()))
		}
		defer conn.Close(context.WithoutCancel(ctx))
		source = "database " + conn.Config().Database
	} else {
		var names []string
		for _, f := range o.sqlFiles {
			names = append(names, filepath.ToSlash(f))
		}
		source = strings.Join(names, ", ")
		dbURL, drop, err := c.ddlDatabase(ctx, o.devURL)
		if err != nil {
			return err
		}
		defer drop()
		conn, err = pgx.Connect(ctx, dbURL)
		if err != nil {
			return fmt.Errorf("connect to the temporary database: %s", oneLine(err.Error()))
		}
		defer conn.Close(context.WithoutCancel(ctx))
		for _, f := range o.sqlFiles {
			data, err := os.ReadFile(f)
			if err != nil {
				return fmt.Errorf("--sql: %w", err)
			}
			found, err := importer.ApplyDDL(ctx, conn, f, string(data))
			if err != nil {
				return err
			}
			replayed = append(replayed, found...)
		}
		if o.schema == "" {
			o.schema = "public"
		}
	}
	start := time.Now()
	cat, err := importer.Inspect(ctx, conn, o.schema)
	if err != nil {
		return err
	}
	if len(o.sqlFiles) > 0 {
		// Only the temporary database: checking re-creates functions.
		if err := importer.CheckBodies(ctx, conn, cat); err != nil {
			return err
		}
	} else {
		notes, err := importer.CheckSQLBodies(ctx, conn, cat)
		if err != nil {
			return err
		}
		replayed = append(replayed, notes...)
	}
	res := importer.Convert(cat, importer.Options{Dir: filepath.ToSlash(filepath.Clean(o.dir)), Split: o.split,
		DetectBehaviours: o.detect, Source: source, Findings: replayed})
	files := res.Files
	cfgPath := c.configPath()
	if _, err := os.Stat(cfgPath); errors.Is(err, os.ErrNotExist) {
		cfg, err := importConfig(root, o)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, cfgPath)
		files = append(files, importer.File{Path: filepath.ToSlash(rel), Data: cfg})
	}
	written, err := importer.WriteFiles(root, files, o.force)
	if err != nil {
		return err
	}
	for _, p := range written {
		fmt.Fprintf(c.stdout, "wrote %s\n", display(c.dir, p))
	}
	if len(written) == 0 {
		fmt.Fprintln(c.stdout, "the spec files are up to date")
	}
	fmt.Fprintf(c.stdout, "imported schema %q of %s: %d tables, %d enums, %d sql objects (%s)\n",
		cat.Schema, importer.Printable(source), res.Tables, len(cat.Enums), res.Objects, time.Since(start).Round(time.Millisecond))
	if len(res.Findings) > 0 {
		fmt.Fprintf(c.stdout, "\n%d notes:\n", len(res.Findings))
		for _, f := range res.Findings {
			fmt.Fprintf(c.stdout, "  %s\n", f)
		}
	}
	// The written specs must load and build; if they do not, that is an
	// import bug, said as such.
	proj, err := spec.Load(cfgPath)
	if err == nil {
		_, err = generator.Build(proj)
	}
	if err != nil {
		// The specs are written: the errors point into them, to be fixed
		// there (printError would say that nothing was written).
		var list spec.ErrorList
		if errors.As(err, &list) {
			c.printErrorList(list)
		} else {
			c.printError(err)
		}
		if importAloneBuilds(root, cfgPath, res.Files) {
			return fmt.Errorf("the imported specs build on their own but not with the project's other spec files; fix the lines above, or import into another directory (--dir)")
		}
		return fmt.Errorf("the imported specs do not build (a bug in import: please report it with the schema); fix the lines above by hand or move the objects into sql_objects")
	}
	fmt.Fprintf(c.stdout, "\nNext: cpcgen generate, cpcgen migrate diff baseline, and on the database it came from cpcgen migrate baseline --url\n")
	return nil
}

// importAloneBuilds reports whether the spec files import wrote load and
// build without the project's other spec files, under its cpcgen.yaml:
// when the project does not build, whether the fault is import's.
func importAloneBuilds(root, cfgPath string, files []importer.File) bool {
	data, err := os.ReadFile(cfgPath)
	if err != nil {
		return false
	}
	cfg, err := spec.ParseConfig(root, filepath.Base(cfgPath), data)
	if err != nil {
		return false
	}
	var specs []spec.File
	for _, f := range files {
		specs = append(specs, spec.File{Name: f.Path, Data: f.Data})
	}
	proj, err := spec.Parse(cfg, specs)
	if err == nil {
		_, err = generator.Build(proj)
	}
	return err == nil
}

// ddlDatabase returns an empty database for --sql files: a temporary one
// on the server of devURL, or one of a throwaway local cluster.
func (c *cli) ddlDatabase(ctx context.Context, devURL string) (string, func(), error) {
	if devURL != "" {
		return scratchDatabase(ctx, devURL, "--dev-url")
	}
	cl, err := pgtest.Start(ctx, pgtest.Options{})
	if err != nil {
		return "", nil, fmt.Errorf("start a throwaway PostgreSQL for --sql (or pass --dev-url): %w", err)
	}
	if err := cl.CreateDatabase(ctx, "cpcgen_import", ""); err != nil {
		_ = cl.Close()
		return "", nil, fmt.Errorf("create the temporary database: %w", err)
	}
	return cl.URL("cpcgen_import"), func() { _ = cl.Close() }, nil
}

// importConfig is the cpcgen.yaml import writes when there is none.
func importConfig(root string, o importOptions) ([]byte, error) {
	name := o.pkgName
	if name == "" {
		name = "appdb"
		if abs, err := filepath.Abs(root); err == nil {
			if _, modPath, _, err := findModule(abs); err == nil {
				name = packageNameFor(modPath)
			}
		}
	} else if !regexp.MustCompile(`^[a-z][a-z0-9_]*$`).MatchString(name) {
		return nil, fmt.Errorf("--package %q is not a lower-case Go package name, like appdb", name)
	}
	dir := filepath.ToSlash(filepath.Clean(o.dir))
	sc := scaffold{
		PackageName:     name,
		PackageDir:      "./internal/" + name,
		SpecsGlob:       "./" + dir + "/*.yaml",
		MigrationsDir:   "./migrations",
		ConfigSchemaRef: dir + "/" + spec.ConfigSchemaFile,
	}
	t, err := template.ParseFS(templates.FS, "init/cpcgen.yaml.tmpl")
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, sc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// oneLine joins the lines of a message.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
