package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	atlasmigrate "ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/cpcgen/cpcgen/generator"
	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/migration"
	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/generator/sqlschema"
	"github.com/cpcgen/cpcgen/internal/atlasdb"
	"github.com/cpcgen/cpcgen/runtime/migrate"
	"github.com/cpcgen/cpcgen/spec"
)

func (c *cli) migrateCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Plan, apply and revert versioned migrations",
		Long: `migrate writes the next versioned migration from the difference between the
specs and the schema the existing migrations produce (diff), applies and
reverts migrations on a database (apply, down), lists them (status), and
rewrites the checksum file after a deliberate edit (hash). The directory
and format come from the migrations section of cpcgen.yaml.`,
		Example: `  cpcgen migrate diff add_nickname
  cpcgen migrate apply --url "$DATABASE_URL"
  cpcgen migrate status
  cpcgen migrate down 1
  cpcgen migrate rebase add_invoices`,
	}
	cmd.AddCommand(c.migrateDiffCommand(), c.migrateApplyCommand(), c.migrateDownCommand(),
		c.migrateStatusCommand(), c.migrateHashCommand(), c.migrateRebaseCommand(), c.migrateBaselineCommand())
	return cmd
}

// migrationsProject loads the project and its migrations directory.
func (c *cli) migrationsProject() (*spec.Project, *migration.Dir, error) {
	proj, err := c.load()
	if err != nil {
		return nil, nil, err
	}
	mc := proj.Config.Migrations
	if mc.Dir == "" {
		return nil, nil, fmt.Errorf("%s has no migrations section; add migrations: {dir: ./migrations}", proj.Config.File)
	}
	dir, err := migration.ReadDir(proj.Config.Root, mc.Dir, mc.Format)
	if err != nil {
		return nil, nil, err
	}
	return proj, dir, nil
}

func (c *cli) migrateDiffCommand() *cobra.Command {
	var opts migration.Options
	var devURL, dbURL string
	cmd := &cobra.Command{
		Use:   "diff NAME",
		Short: "Write the next migration: the spec's changes since the last one",
		Long: `diff compares the schema the existing migrations produce with the one the
specs describe and writes the next migration (up and down, in the configured
format), the schema snapshot and atlas.sum — all of them or nothing.

By default the schema of the migrations is read from the snapshot kept in
the directory, so no database is needed. With --dev-url the migrations are
replayed into a temporary database created on that server (and dropped
afterwards), which is inspected instead.

Plans are lock-safe unless cpcgen.yaml says migrations: {online: false}:
indexes are built CONCURRENTLY, constraints added NOT VALID and validated
later, SET NOT NULL goes through a validated check, a volatile default is
filled by a batched backfill. Statements that cannot share a transaction get
files of their own, so one migration may be several numbered files.

Each change is also checked against the code still running during a deploy,
the generated package at the last migration (recorded in the snapshot). A
renamed_from column is planned as expand/contract (a new column, a trigger
keeping both equal, a backfill), and a dropped column that code reads is
kept: both are finished by a later diff with --contract, once the release
that uses the old column runs nowhere any more.

These stop the diff with exit status 2 and an explanation:
  destructive or data-dependent changes (dropping a table, column or enum,
  narrowing a type, NOT NULL without a default, a unique index, a check or
  foreign key over existing rows)            --allow-destructive
  changes that break the running code         --allow-breaking (which also
                                              plans renames and drops in place)
  table rewrites, with online plans            --allow-rewrite
With --url (or else the database of --dev-url) the report of a table rewrite
gives the table's size.`,
		Example: `  cpcgen migrate diff add_nickname
  cpcgen migrate diff "drop legacy tables" --allow-destructive
  cpcgen migrate diff drop_old_columns --contract
  cpcgen migrate diff widen_ids --allow-rewrite --url "$DATABASE_URL"
  cpcgen migrate diff add_index --dev-url postgres://localhost:5432/postgres`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name, err := migration.MigrationName(args[0])
			if err != nil {
				return err
			}
			proj, dir, err := c.migrationsProject()
			if err != nil {
				return err
			}
			pkg, err := generator.Build(proj)
			if err != nil {
				return err
			}
			opts.Name, opts.Offline = name, proj.Config.Migrations.Offline
			if devURL != "" || dbURL != "" {
				ctx, cancel := context.WithTimeout(cmd.Context(), 5*time.Minute)
				defer cancel()
				if devURL != "" {
					opts.Current, opts.Desired, err = replay(ctx, devURL, dir, proj.Config.Migrations, pkg)
					if err != nil {
						return err
					}
				}
				sizesFrom, flag := dbURL, "--url"
				if sizesFrom == "" {
					sizesFrom, flag = devURL, "--dev-url"
				}
				if opts.TableSizes, err = tableSizes(ctx, sizesFrom, flag); err != nil {
					return err
				}
			}
			res, err := migration.Diff(pkg, dir, opts)
			if err != nil {
				return err
			}
			root := c.displayRoot(proj)
			if res.Blocked {
				c.printFindings(root, res.Findings)
				return blockedError(res.Findings)
			}
			if len(res.Files) == 0 {
				fmt.Fprintln(c.stdout, "no changes: the migrations already produce the spec's schema; nothing written")
				c.printPending(res.Pending)
				return nil
			}
			c.printFindings(root, res.Findings)
			if err := migration.Write(proj.Config.Root, res.Files); err != nil {
				return err
			}
			for _, s := range res.Planned.Summary {
				fmt.Fprintf(c.stdout, "  %s\n", s)
			}
			for _, s := range res.Irreversible {
				fmt.Fprintf(c.stdout, "irreversible: %s\n", s)
			}
			for _, f := range res.Files {
				fmt.Fprintf(c.stdout, "wrote %s\n", display(root, f.Path))
			}
			if len(res.Versions) > 1 {
				fmt.Fprintf(c.stdout, "the migration is %d files, %s to %s: the runner applies them in order, those outside a transaction under its claim protocol\n",
					len(res.Versions), res.Versions[0], res.Versions[len(res.Versions)-1])
			}
			c.printPending(res.Pending)
			return nil
		},
	}
	cmd.Flags().BoolVar(&opts.AllowDestructive, "allow-destructive", false, "write the migration even with destructive or data-dependent changes")
	cmd.Flags().BoolVar(&opts.AllowBreaking, "allow-breaking", false, "write the migration even when it breaks the code still running, renaming and dropping columns in place (stop-the-world deploys)")
	cmd.Flags().BoolVar(&opts.AllowRewrite, "allow-rewrite", false, "write the migration even when it rewrites a table under an ACCESS EXCLUSIVE lock")
	cmd.Flags().BoolVar(&opts.Contract, "contract", false, "also finish the pending expand/contract changes: drop the columns kept for the previous release, which must run nowhere any more")
	cmd.Flags().StringVar(&dbURL, "url", "", "the production `URL` (or a copy) to read table sizes from, for the cost of table rewrites; read only")
	cmd.Flags().StringVar(&devURL, "dev-url", "", "replay the migrations into a temporary database on this server and inspect it instead of reading the snapshot")
	return cmd
}

// blockedError says why a diff wrote nothing and which flag lets each
// kind of finding through.
func blockedError(findings []migration.Finding) error {
	n := map[string]int{}
	for _, f := range findings {
		if f.Blocks {
			n[f.Kind]++
		}
	}
	var parts []string
	for _, k := range allowFlags {
		count := 0
		for _, kind := range k.kinds {
			count += n[kind]
		}
		if count > 0 {
			parts = append(parts, fmt.Sprintf("%d %s (%s)", count, k.what, k.flag))
		}
	}
	return fmt.Errorf("migration not written: %s change(s) above; follow the advice, or run again with the flag", strings.Join(parts, ", "))
}

// printPending lists the contracts pending after a diff.
func (c *cli) printPending(ps []*migration.Pending) {
	for _, p := range ps {
		fmt.Fprintf(c.stdout, "pending contract: %s; run cpcgen migrate diff NAME --contract once the release of migration %s runs everywhere\n", p, p.Since)
	}
}

// tableSizes reads the size of every table of the generated schema of
// the database at dbURL, for the estimates of table rewrites. It only
// reads the catalog.
func tableSizes(ctx context.Context, dbURL, flag string) (map[string]migration.TableSize, error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return nil, fmt.Errorf("%s: connect to %s: %w", flag, redact(dbURL), err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	rows, err := conn.Query(ctx, `SELECT c.relname, c.reltuples::bigint, pg_total_relation_size(c.oid)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')`, sqlschema.SchemaName)
	if err != nil {
		return nil, fmt.Errorf("%s: read table sizes: %w", flag, err)
	}
	out := map[string]migration.TableSize{}
	for rows.Next() {
		var name string
		var s migration.TableSize
		if err := rows.Scan(&name, &s.Rows, &s.Bytes); err != nil {
			return nil, fmt.Errorf("%s: read table sizes: %w", flag, err)
		}
		out[name] = s
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: read table sizes: %w", flag, err)
	}
	return out, nil
}

// printFindings lists the findings of a diff on stderr, positions
// relative to the working directory.
func (c *cli) printFindings(root string, findings []migration.Finding) {
	for _, f := range findings {
		if f.Pos.IsValid() {
			f.Pos.File = display(root, f.Pos.File)
		}
		if flag := allowFlag(f.Kind); flag != "" && !f.Blocks {
			// Allowed by its flag: the advice to pass it is moot.
			f.Hint = "allowed by " + flag
		}
		fmt.Fprintln(c.stderr, f.String())
	}
}

// allowFlags are the flags that allow the kinds of findings that block
// a migration, with what blockedError calls them.
var allowFlags = []struct {
	kinds      []string
	what, flag string
}{
	{[]string{migration.Destructive, migration.DataDependent}, "destructive or data-dependent", "--allow-destructive"},
	{[]string{migration.Breaking}, "breaking for the running code", "--allow-breaking"},
	{[]string{migration.Rewrite}, "rewriting a table", "--allow-rewrite"},
}

// allowFlag returns the flag that allows findings of kind, or "".
func allowFlag(kind string) string {
	for _, k := range allowFlags {
		if slices.Contains(k.kinds, kind) {
			return k.flag
		}
	}
	return ""
}

// replay creates a temporary database on the server of devURL, applies
// the directory to it and inspects the result. It also returns the
// desired schema as that server normalizes it (types, defaults and
// expressions spelled the way PostgreSQL prints them), so the two compare
// like for like. The spec's extensions are created first, for the types
// they bring (citext), and so are the objects the package creates before
// its tables (a sequence a default takes nextval of, a function a
// default calls, a composite type a column has): normalized apart from
// the replay, in a temporary database of its own, since the migrations
// create those objects again. What the SQL objects of the migrations
// (the snapshot's) made is left out of the schema returned (see
// dropObjects). What the migrations use but do not create (mc's
// external SQL) is created before the replay. The temporary databases
// are dropped before returning.
func replay(ctx context.Context, devURL string, dir *migration.Dir, mc spec.MigrationsConfig, pkg *ir.Package) (*schema.Schema, *schema.Schema, error) {
	var fsys fs.FS
	if len(dir.Files) > 0 {
		// Without migrations there is nothing to replay, and the
		// directory may not exist yet (a project's first diff).
		fsys = os.DirFS(dir.Path)
	}
	var declared *schema.Schema
	if dir.HasSnapshot {
		declared = dir.Snapshot
	}
	return replayFS(ctx, devURL, fsys, dir.Format, mc, pkg, dir.Objects, declared, false)
}

// replayFS is replay for the migrations of fsys, in the given format (a
// nil fsys has none), which create the SQL objects objs and the tables
// and enums of declared (their snapshot; nil when unknown), with the
// project's migrations config mc. With rebuild (rebase rebuilding the
// snapshot, declared nil), objs are every object the migrations made,
// and the enums their early objects make tell the objects' enums from
// the specs' own.
func replayFS(ctx context.Context, devURL string, fsys fs.FS, format string, mc spec.MigrationsConfig, pkg *ir.Package, objs []*ir.Object, declared *schema.Schema, rebuild bool) (*schema.Schema, *schema.Schema, error) {
	table := mc.Table
	scratch, drop, err := scratchDatabase(ctx, devURL, "--dev-url")
	if err != nil {
		return nil, nil, err
	}
	defer drop()
	more, err := devSearchPath(ctx, devURL)
	if err != nil {
		return nil, nil, err
	}
	scratch = publicSearchPath(scratch, more...)

	sdb, err := atlasdb.Open(scratch)
	if err != nil {
		return nil, nil, fmt.Errorf("--dev-url: %w", err)
	}
	defer sdb.Close()
	had, err := installedExtensions(ctx, sdb.DB)
	if err != nil {
		return nil, nil, err
	}
	if err := createBeforeTables(ctx, sdb.DB, pkg.Extensions, nil, mc); err != nil {
		return nil, nil, err
	}
	desired := sqlschema.AtlasSchema(pkg)
	normalized, made, err := normalizeDesired(ctx, devURL, sdb, desired, pkg, mc)
	if err != nil {
		return nil, nil, err
	}
	normalized.Name = sqlschema.SchemaName
	migration.CopySetColumns(desired, normalized)
	migration.AlignExtensionTypes(normalized, desired)
	// The migrations create the extensions, where they did: one the
	// specs now install in another schema (or version) was made, for
	// the normalization, where their statements would not find it.
	if err := dropExtensionsBut(ctx, sdb.DB, pkg.Extensions, had); err != nil {
		return nil, nil, err
	}
	// After the normalization, which the Atlas engine does only in a
	// database without other schemas.
	if err := runExternal(ctx, scratch, mc); err != nil {
		return nil, nil, fmt.Errorf("--dev-url: %w", err)
	}
	if fsys != nil {
		if err := replayUp(ctx, scratch, fsys, format, mc); err != nil {
			return nil, nil, err
		}
	}
	if err := unmovableExtension(ctx, sdb.DB, pkg.Extensions); err != nil {
		return nil, nil, err
	}
	dropObjects(ctx, sdb.DB, objs)
	current, err := sdb.InspectSchema(ctx, sqlschema.SchemaName)
	if err != nil {
		return nil, nil, fmt.Errorf("--dev-url: inspect: %w", err)
	}
	if err := migration.InspectSetColumns(ctx, sdb.DB, sqlschema.SchemaName, current); err != nil {
		return nil, nil, fmt.Errorf("--dev-url: %w", err)
	}
	// What the objects made is left out, but for what the migrations
	// made as the specs' own tables and enums: a spec enum that an
	// object now creates under its name (import makes an enum a
	// composite type uses such an object) is the old one to drop or
	// rename aside, before the object creates the new one. So is an
	// enum the migrations' objects made (created before the tables,
	// they are still there), which the snapshot does not declare: one
	// the specs now declare is created by the migration, after the
	// object's drop.
	made = made.without(declared)
	if rebuild {
		// Without the snapshot (rebase rebuilds it, and replays every
		// migration), the enums the migrations' own early objects make
		// are the objects', whatever the specs now say: one the specs
		// now declare in their place is uncovered (a migration must
		// create it after the object's drop), not taken as made; and
		// one the specs' objects now make, which the migrations made
		// as the specs' own, stays, to be dropped or renamed aside
		// before the object creates it.
		made.enums = nil
		if early, _ := ir.SplitEarly(objs); len(early) > 0 {
			_, objsMade, done, err := earlyDatabase(ctx, devURL, pkg, early, mc)
			if err != nil {
				return nil, nil, err
			}
			done()
			made.enums = objsMade.enums
		}
	}
	var keep []*schema.Table
	for _, t := range current.Tables {
		if !migrate.RunnerTable(table, t.Name) && !slices.Contains(made.tables, t.Name) {
			keep = append(keep, t)
		}
	}
	current.Tables = keep
	current.Objects = withoutEnums(current.Objects, made.enums)
	if declared != nil {
		current.Objects = slices.DeleteFunc(current.Objects, func(o schema.Object) bool {
			e, ok := o.(*schema.EnumType)
			return ok && !declaresEnum(declared, e.T)
		})
	}
	return current, normalized, nil
}

// unmovableExtension returns the error of a declared extension that the
// replayed migrations installed in another schema than the specs declare
// (the current schema for one declared without a schema) and that
// PostgreSQL cannot move there: the migration's ALTER EXTENSION … SET
// SCHEMA would fail at apply (PostGIS, and every extension whose control
// file says relocatable = false).
func unmovableExtension(ctx context.Context, db *sql.DB, exts []*ir.Extension) error {
	for _, e := range exts {
		var schema, current string
		var relocatable bool
		err := db.QueryRowContext(ctx, `SELECT n.nspname, e.extrelocatable, current_schema() FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = $1`, e.Name).Scan(&schema, &relocatable, &current)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return fmt.Errorf("--dev-url: read extension %q: %w", e.Name, err)
		}
		want := e.Schema
		if want == "" {
			want = current
		}
		if relocatable || schema == want {
			continue
		}
		where := ""
		if e.Pos.IsValid() {
			where = e.Pos.String() + ": "
		}
		return fmt.Errorf("%sextension %q is in schema %q where the migrations leave it, and the specs declare schema %q, but PostgreSQL cannot move it there (it is not relocatable: ALTER EXTENSION … SET SCHEMA fails); declare schema %q again, or move it in migrations of your own (drop it and what uses it, create it in %s) before declaring the new schema",
			where, e.Name, schema, want, schema, names.QuoteIdent(want))
	}
	return nil
}

// normalizeDesired returns the desired schema as the server of devURL
// normalizes it: in sdb, whose schema has no table yet, when the package
// creates no object before its tables, installs no extension into a
// schema of its own and mc has no external SQL; else
// in a temporary database where the extensions, the external SQL
// (migrations.external: another schema's sequence a default takes
// nextval of, as pgMemento's audit_id_seq) and those objects are created
// first, as schema.sql and the migrations create them, so that the
// tables' defaults, columns and checks that use them can be created. It
// also returns the tables and enums those objects make (before_tables:
// true on a CREATE TABLE, or on a CREATE TYPE … AS ENUM that a composite
// type uses): the object's, planned by its own statements, which the
// Atlas engine must not see. The engine normalizes only in a schema
// without tables: when there are such tables, the schema is normalized
// in sdb, without the objects, as it was before they were created there.
func normalizeDesired(ctx context.Context, devURL string, sdb *atlasdb.DB, desired *schema.Schema, pkg *ir.Package, mc spec.MigrationsConfig) (*schema.Schema, earlyMade, error) {
	var made earlyMade
	if early, _ := ir.SplitEarly(pkg.Objects); len(early) > 0 || mc.External != "" || extensionSchemas(pkg.Extensions) {
		normalized, m, err := normalizeAfter(ctx, devURL, desired, pkg, early, mc)
		if notClean := (*atlasmigrate.NotCleanError)(nil); !errors.As(err, &notClean) {
			return normalized, m, err
		}
		made = m
	}
	normalized, err := sdb.NormalizeSchema(ctx, desired)
	if err != nil {
		return nil, earlyMade{}, fmt.Errorf("%s--dev-url: normalize the spec's schema: %w", refusedTablePlace(err, pkg), err)
	}
	return normalized, made, nil
}

// refusedTable finds the table in the engine's error about a statement
// the database refused: `create "users" table: ERROR: …`.
var refusedTable = regexp.MustCompile(`(?:create|modify) "([^"]+)" table: `)

// refusedTablePlace returns "file:line:col: " of the spec's table whose
// statement the database refused while normalizing (a check, default,
// generated column or index expression naming something the database
// does not have), or "".
func refusedTablePlace(err error, pkg *ir.Package) string {
	m := refusedTable.FindStringSubmatch(err.Error())
	if m == nil {
		return ""
	}
	if t := pkg.Table(m[1]); t != nil && t.Pos.IsValid() {
		return t.Pos.String() + ": "
	}
	return ""
}

// earlyMade names what the objects created before the tables made in
// the schema migrations land in: tables and enum types.
type earlyMade struct {
	tables, enums []string
}

// without returns m without the tables and enum types that s (nil: no
// schema) declares.
func (m earlyMade) without(s *schema.Schema) earlyMade {
	if s == nil {
		return m
	}
	out := earlyMade{}
	for _, t := range m.tables {
		if _, ok := s.Table(t); !ok {
			out.tables = append(out.tables, t)
		}
	}
	for _, e := range m.enums {
		if !declaresEnum(s, e) {
			out.enums = append(out.enums, e)
		}
	}
	return out
}

// declaresEnum reports whether s has the enum type name.
func declaresEnum(s *schema.Schema, name string) bool {
	return slices.ContainsFunc(s.Objects, func(o schema.Object) bool {
		e, ok := o.(*schema.EnumType)
		return ok && e.T == name
	})
}

// normalizeAfter normalizes desired in a temporary database on the
// server of devURL where the extensions exts, the external SQL of mc and
// the objects early are created first, and returns the tables and enums
// those make, which the schema returned leaves out. An error the engine
// returns is wrapped with %w, with what they make.
func normalizeAfter(ctx context.Context, devURL string, desired *schema.Schema, pkg *ir.Package, early []*ir.Object, mc spec.MigrationsConfig) (*schema.Schema, earlyMade, error) {
	db, made, done, err := earlyDatabase(ctx, devURL, pkg, early, mc)
	if err != nil {
		return nil, earlyMade{}, err
	}
	defer done()
	normalize := db.NormalizeSchema
	if mc.External != "" || extensionSchemas(pkg.Extensions) {
		// The engine's refuses a database with the external SQL's
		// schemas, or an extension's schema of its own, as not clean.
		normalize = db.NormalizeSchemaAmong
	}
	normalized, err := normalize(ctx, desired)
	if err != nil {
		return nil, made, fmt.Errorf("%s--dev-url: normalize the spec's schema: %w", refusedTablePlace(err, pkg), err)
	}
	normalized.Objects = withoutEnums(normalized.Objects, made.enums)
	return normalized, made, nil
}

// earlyDatabase makes a temporary database on the server of devURL
// where the extensions of pkg, the external SQL of mc and the objects
// early are created, and returns it open, the tables and enums those
// make, and the function that closes and drops it.
func earlyDatabase(ctx context.Context, devURL string, pkg *ir.Package, early []*ir.Object, mc spec.MigrationsConfig) (*atlasdb.DB, earlyMade, func(), error) {
	scratch, drop, err := scratchDatabase(ctx, devURL, "--dev-url")
	if err != nil {
		return nil, earlyMade{}, nil, err
	}
	more, err := devSearchPath(ctx, devURL)
	if err != nil {
		drop()
		return nil, earlyMade{}, nil, err
	}
	scratch = publicSearchPath(scratch, more...)
	db, err := atlasdb.Open(scratch)
	if err != nil {
		drop()
		return nil, earlyMade{}, nil, fmt.Errorf("--dev-url: %w", err)
	}
	done := func() {
		db.Close()
		drop()
	}
	if err := createBeforeTables(ctx, db.DB, pkg.Extensions, nil, mc); err != nil {
		done()
		return nil, earlyMade{}, nil, err
	}
	if err := runExternal(ctx, scratch, mc); err != nil {
		done()
		return nil, earlyMade{}, nil, fmt.Errorf("--dev-url: %w", err)
	}
	if err := createBeforeTables(ctx, db.DB, nil, early, mc); err != nil {
		done()
		return nil, earlyMade{}, nil, err
	}
	made, err := schemaMade(ctx, db.DB)
	if err != nil {
		done()
		return nil, earlyMade{}, nil, err
	}
	return db, made, done, nil
}

// extensionSchemas reports whether an extension of exts is installed
// into a schema of its own (pg_partman's partman), which its Create
// makes and the engine's normalization refuses as not clean.
func extensionSchemas(exts []*ir.Extension) bool {
	return slices.ContainsFunc(exts, (*ir.Extension).OwnSchema)
}

// withoutEnums returns objs without the enum types named in enums.
func withoutEnums(objs []schema.Object, enums []string) []schema.Object {
	var keep []schema.Object
	for _, o := range objs {
		if e, ok := o.(*schema.EnumType); ok && slices.Contains(enums, e.T) {
			continue
		}
		keep = append(keep, o)
	}
	return keep
}

// schemaMade returns the names of the tables and enum types of the
// schema migrations land in, in db.
func schemaMade(ctx context.Context, db *sql.DB) (earlyMade, error) {
	var made earlyMade
	rows, err := db.QueryContext(ctx, `SELECT c.relname, false FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
UNION ALL
SELECT t.typname, true FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = $1 AND t.typtype = 'e'
ORDER BY 2, 1`, sqlschema.SchemaName)
	if err != nil {
		return made, fmt.Errorf("--dev-url: list tables and enums: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var enum bool
		if err := rows.Scan(&name, &enum); err != nil {
			return made, fmt.Errorf("--dev-url: list tables and enums: %w", err)
		}
		if enum {
			made.enums = append(made.enums, name)
		} else {
			made.tables = append(made.tables, name)
		}
	}
	if err := rows.Err(); err != nil {
		return made, fmt.Errorf("--dev-url: list tables and enums: %w", err)
	}
	return made, nil
}

// publicSearchPath returns the URL of a temporary database of migrate
// diff --dev-url with the search_path public, which the comparison
// inspects: one the URL's options or the role set (an application's
// schema) names a schema the new database lacks, where the replay
// stopped at "no schema has been selected to create in". A search_path
// parameter of the startup packet wins over both.
//
// The schemas in more follow public (see devSearchPath).
func publicSearchPath(dbURL string, more ...string) string {
	u, err := url.Parse(dbURL)
	if err != nil {
		return dbURL
	}
	setConnParam(u, "search_path", strings.Join(append([]string{sqlschema.SchemaName}, more...), ", "))
	return u.String()
}

// devSearchPath returns the schemas of the search_path of the database
// of devURL that exist there, public and the schema its unqualified
// names resolve to aside, quoted for a search_path: Supabase's
// extensions, which ALTER DATABASE … SET search_path adds, and where
// migrations.external creates pgcrypto. A temporary database of diff
// --dev-url keeps them after public, so that a function the migrations
// create calling gen_random_bytes() unqualified finds it, as on the
// databases they run on, where the replay stopped at "function
// gen_random_bytes(integer) does not exist". Only the schemas the
// temporary database has count, those the external SQL creates.
func devSearchPath(ctx context.Context, devURL string) ([]string, error) {
	conn, err := pgx.Connect(ctx, devURL)
	if err != nil {
		return nil, fmt.Errorf("--dev-url: connect to %s: %w", redact(devURL), err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var schemas []string
	if err := conn.QueryRow(ctx, "SELECT current_schemas(false)").Scan(&schemas); err != nil {
		return nil, fmt.Errorf("--dev-url: read the search_path: %w", err)
	}
	var more []string
	for i, s := range schemas {
		if i > 0 && s != sqlschema.SchemaName {
			more = append(more, pgx.Identifier{s}.Sanitize())
		}
	}
	return more, nil
}

// installedExtensions returns the names of the extensions installed in
// the database db.
func installedExtensions(ctx context.Context, db *sql.DB) (map[string]bool, error) {
	rows, err := db.QueryContext(ctx, "SELECT extname FROM pg_extension")
	if err != nil {
		return nil, fmt.Errorf("--dev-url: read the extensions: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("--dev-url: read the extensions: %w", err)
		}
		out[name] = true
	}
	return out, rows.Err()
}

// dropExtensionsBut drops from the database db the extensions of exts
// that are not in had (installed before createBeforeTables made them),
// the last first.
func dropExtensionsBut(ctx context.Context, db *sql.DB, exts []*ir.Extension, had map[string]bool) error {
	for i := len(exts) - 1; i >= 0; i-- {
		if e := exts[i]; !had[e.Name] {
			if _, err := db.ExecContext(ctx, e.Drop()); err != nil {
				return fmt.Errorf("--dev-url: %s: %w", e.Drop(), err)
			}
		}
	}
	return nil
}

// createBeforeTables creates the extensions exts, then the objects
// early, in order, in the database db. An object naming a schema the
// database lacks (a composite type with an attribute of another schema's
// type) points at migrations.external of mc.
func createBeforeTables(ctx context.Context, db *sql.DB, exts []*ir.Extension, early []*ir.Object, mc spec.MigrationsConfig) error {
	for _, e := range exts {
		if _, err := db.ExecContext(ctx, e.Create()); err != nil {
			return fmt.Errorf("--dev-url: %s: %w", e.Create(), err)
		}
	}
	for _, o := range early {
		if _, err := db.ExecContext(ctx, o.Create); err != nil {
			return fmt.Errorf("--dev-url: create %s, which the tables may use: %w%s", o.Title(), err, externalHint(err, mc))
		}
	}
	return nil
}

// dropObjects drops the SQL objects objs from the database db, as their
// migrations created them: dependents first, those created before the
// tables (which the tables may use) left. The tables, indexes,
// constraints and defaults an object of kind other makes are the
// object's, not the spec tables': migrate diff plans them from the
// snapshot's objects, by the objects' own statements, so the Atlas
// engine must not see them, or it plans to drop them too. An object whose
// drop fails (a function a policy uses) stays: it made nothing the
// engine sees, or the diff shows what it made.
func dropObjects(ctx context.Context, db *sql.DB, objs []*ir.Object) {
	for _, o := range slices.Backward(objs) {
		if !o.Early {
			_, _ = db.ExecContext(ctx, o.Drop)
		}
	}
}

// replayUp applies the migrations of fsys to the database at dbURL,
// with the project's migrations config mc.
func replayUp(ctx context.Context, dbURL string, fsys fs.FS, format string, mc spec.MigrationsConfig) error {
	table := mc.Table
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	m, err := migrate.New(pool, fsys, migrate.Options{Table: table, Format: format})
	if err != nil {
		return err
	}
	if _, err := m.Up(ctx); err != nil {
		return fmt.Errorf("--dev-url: replay the migrations: %w%s", err, externalHint(err, mc))
	}
	return nil
}

// migrator opens the database and the migrations directory.
func (c *cli) migrator(ctx context.Context, dbURL string, onApply func(migrate.Applied)) (*migrate.Migrator, func(), error) {
	proj, dir, err := c.migrationsProject()
	if err != nil {
		return nil, nil, err
	}
	if err := dir.CheckVersions(); err != nil {
		return nil, nil, err
	}
	if dbURL == "" {
		dbURL = os.Getenv("DATABASE_URL")
	}
	if dbURL == "" {
		return nil, nil, errors.New("no database: pass --url or set DATABASE_URL")
	}
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return nil, nil, fmt.Errorf("connect: %w", err)
	}
	mc := proj.Config.Migrations
	m, err := newMigrator(pool, dir, migrate.Options{Table: mc.Table, Format: mc.Format, OnApply: onApply, LockTimeout: mc.LockTimeout})
	if err != nil {
		pool.Close()
		return nil, nil, err
	}
	return m, pool.Close, nil
}

func (c *cli) printApplied(a migrate.Applied) {
	verb := "applied"
	if a.Down {
		verb = "reverted"
	}
	fmt.Fprintf(c.stdout, "%s %s (%s)\n", verb, a.File, a.Duration.Round(time.Millisecond))
}

func (c *cli) migrateApplyCommand() *cobra.Command {
	var dbURL string
	var to int64
	cmd := &cobra.Command{
		Use:   "apply",
		Short: "Apply the pending migrations to a database",
		Long: `apply runs every pending migration, in order, each in its own transaction
under a transaction-scoped advisory lock (files marked -- cpcgen:no-transaction,
such as concurrent index builds and backfills, outside one, under a claim),
and records it in the revisions table. Several deployers may run it at once:
each migration runs once. Every statement waits at most lock_timeout for a
lock (migrations.lock_timeout in cpcgen.yaml, default 5s) and is retried,
then reported with the sessions that blocked it. It refuses to start when an
applied migration was edited or atlas.sum does not match the directory.`,
		Example: `  cpcgen migrate apply --url postgres://app@db/app
  DATABASE_URL=postgres://app@db/app cpcgen migrate apply --to 3`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			m, done, err := c.migrator(cmd.Context(), dbURL, c.printApplied)
			if err != nil {
				return err
			}
			defer done()
			var applied []migrate.Applied
			if cmd.Flags().Changed("to") {
				applied, err = m.UpTo(cmd.Context(), to)
			} else {
				applied, err = m.Up(cmd.Context())
			}
			if err != nil {
				return err
			}
			if len(applied) == 0 {
				fmt.Fprintln(c.stdout, "database is up to date")
				return nil
			}
			fmt.Fprintf(c.stdout, "%d migration(s) applied\n", len(applied))
			return nil
		},
	}
	cmd.Flags().StringVar(&dbURL, "url", "", "the database `URL` (default $DATABASE_URL)")
	cmd.Flags().Int64Var(&to, "to", 0, "apply up to and including this `version`")
	return cmd
}

func (c *cli) migrateDownCommand() *cobra.Command {
	var dbURL string
	cmd := &cobra.Command{
		Use:   "down [N]",
		Short: "Revert the last N applied migrations (default 1)",
		Long: `down runs the down part of the last N applied migrations, newest first,
each in its own transaction under the advisory lock, and deletes their
revisions. A migration whose down part cannot undo it (an enum value added)
says so at the top of its down file.`,
		Example: `  cpcgen migrate down --url "$DATABASE_URL"
  cpcgen migrate down 3`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			n := 1
			if len(args) == 1 {
				v, err := strconv.Atoi(args[0])
				if err != nil || v < 1 {
					return fmt.Errorf("down takes a count of migrations, like 1; got %q", args[0])
				}
				n = v
			}
			m, done, err := c.migrator(cmd.Context(), dbURL, c.printApplied)
			if err != nil {
				return err
			}
			defer done()
			reverted, err := m.Down(cmd.Context(), n)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "%d migration(s) reverted\n", len(reverted))
			return nil
		},
	}
	cmd.Flags().StringVar(&dbURL, "url", "", "the database `URL` (default $DATABASE_URL)")
	return cmd
}

func (c *cli) migrateStatusCommand() *cobra.Command {
	var dbURL string
	cmd := &cobra.Command{
		Use:   "status",
		Short: "List the migrations and whether each is applied",
		Long: `status lists every migration of the directory with its state in the
database (applied when, pending), and applied migrations the directory
lacks. It exits with status 1 when a migration is applied but missing from
the directory or was edited after it was applied.`,
		Example: `  cpcgen migrate status --url "$DATABASE_URL"
  DATABASE_URL=postgres://app@db/app cpcgen migrate status`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			m, done, err := c.migrator(cmd.Context(), dbURL, nil)
			if err != nil {
				return err
			}
			defer done()
			states, err := m.Status(cmd.Context())
			if err != nil {
				return err
			}
			pending, problems := 0, 0
			for _, s := range states {
				var state string
				switch {
				case s.Migration == nil:
					state = "applied, but missing from the directory"
					problems++
				case s.Revision == nil:
					state = "pending"
					pending++
				case s.Changed:
					state = "applied, but the file changed since"
					problems++
				default:
					state = fmt.Sprintf("applied %s (%s)", s.Revision.AppliedAt.UTC().Format(time.RFC3339), s.Revision.Duration)
				}
				fmt.Fprintf(c.stdout, "%06d  %-30s  %s\n", s.Version, s.Name, state)
			}
			fmt.Fprintf(c.stdout, "%d migration(s), %d pending\n", len(states), pending)
			if problems > 0 {
				return problemsError{n: problems}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dbURL, "url", "", "the database `URL` (default $DATABASE_URL)")
	return cmd
}

func (c *cli) migrateHashCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "hash",
		Short: "Rewrite atlas.sum after a deliberate edit of a migration not yet applied",
		Long: `hash recomputes atlas.sum from the migrations directory as it is. check,
apply and diff refuse a directory whose files do not match atlas.sum; run
hash only after editing a migration on purpose, before it is applied
anywhere (the runner still refuses an applied migration that changed).`,
		Example: `  cpcgen migrate hash`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			proj, dir, err := c.migrationsProject()
			if err != nil {
				return err
			}
			sum, err := dir.Hash()
			if err != nil {
				return err
			}
			rel := filepath.ToSlash(filepath.Join(dir.Rel, migration.SumFile))
			if err := migration.Write(proj.Config.Root, []migration.File{{Path: rel, Data: sum}}); err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "wrote %s\n", display(c.displayRoot(proj), rel))
			return nil
		},
	}
}

func (c *cli) migrateRebaseCommand() *cobra.Command {
	var dbURL, devURL string
	cmd := &cobra.Command{
		Use:   "rebase [NAME...]",
		Short: "Renumber the migrations a merge brought in after the others",
		Long: `rebase renumbers migrations after the highest version of the directory, in
their order: the ones two branches gave the same version when each ran
migrate diff from the same base. It renames their files, rewrites the version
in their headers, and writes atlas.sum and the snapshot again.

Name the migrations the merge brought in (a migration split into steps by a
lock-safe plan moves whole). Without names, --url decides: of each set of
migrations sharing a version, the ones that database has not applied move.
rebase refuses to renumber a migration the database of --url has applied.

The snapshot the merge left is kept when it covers the merged specs (git
merged both sides of it); otherwise — it has conflict markers, or one side
was taken — give --dev-url: the renumbered migrations are replayed into a
temporary database there and the snapshot is rebuilt from it. Run cpcgen
check afterwards.`,
		Example: `  cpcgen migrate rebase add_invoices
  cpcgen migrate rebase --url "$STAGING_URL"
  cpcgen migrate rebase add_invoices --dev-url postgres://localhost:5432/postgres`,
		RunE: func(cmd *cobra.Command, args []string) error {
			proj, err := c.load()
			if err != nil {
				return err
			}
			mc := proj.Config.Migrations
			if mc.Dir == "" {
				return fmt.Errorf("%s has no migrations section; add migrations: {dir: ./migrations}", proj.Config.File)
			}
			dir, err := migration.ReadDirAfterMerge(proj.Config.Root, mc.Dir, mc.Format)
			if err != nil {
				return err
			}
			pkg, err := generator.Build(proj)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), 5*time.Minute)
			defer cancel()
			opts := migration.RebaseOptions{Names: args}
			if dbURL != "" {
				if opts.Applied, err = appliedVersions(ctx, dbURL, mc.Table); err != nil {
					return err
				}
			}
			if devURL != "" {
				opts.Replay = func(files map[string][]byte, objs []*ir.Object) (*schema.Schema, *schema.Schema, error) {
					tmp, err := os.MkdirTemp("", "cpcgen-rebase-")
					if err != nil {
						return nil, nil, err
					}
					defer os.RemoveAll(tmp)
					for name, data := range files {
						if err := os.WriteFile(filepath.Join(tmp, name), data, 0o644); err != nil {
							return nil, nil, err
						}
					}
					return replayFS(ctx, devURL, os.DirFS(tmp), mc.Format, mc, pkg, objs, nil, true)
				}
			}
			res, err := migration.Rebase(pkg, dir, opts)
			if err != nil {
				return err
			}
			if err := migration.WriteAndRemove(proj.Config.Root, res.Files, res.Remove); err != nil {
				return err
			}
			root := c.displayRoot(proj)
			for _, m := range res.Moves {
				fmt.Fprintf(c.stdout, "renamed %s to %s\n", display(root, path.Join(dir.Rel, m.From)), m.To)
			}
			if res.Rebuilt {
				fmt.Fprintf(c.stdout, "rebuilt %s from the migrations replayed on --dev-url\n", display(root, path.Join(dir.Rel, migration.SnapshotFile)))
			}
			fmt.Fprintf(c.stdout, "wrote %s\n", display(root, path.Join(dir.Rel, migration.SumFile)))
			for _, u := range res.Uncovered {
				fmt.Fprintf(c.stdout, "uncovered: %s is in the specs but in no migration; run cpcgen migrate diff <name>\n", u)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dbURL, "url", "", "a database (`URL`) whose applied migrations must keep their versions; without names, it decides which to renumber")
	cmd.Flags().StringVar(&devURL, "dev-url", "", "rebuild the snapshot: replay the renumbered migrations into a temporary database on this server")
	return cmd
}

// appliedVersions reads the versions and names of the migrations the
// database at dbURL applied; none when it has no revisions table.
func appliedVersions(ctx context.Context, dbURL, table string) (map[int64]string, error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return nil, fmt.Errorf("--url: connect to %s: %w", redact(dbURL), err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	out := map[int64]string{}
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, table).Scan(&exists); err != nil || !exists {
		return out, err
	}
	rows, err := conn.Query(ctx, `SELECT version, name FROM `+pgx.Identifier{table}.Sanitize())
	if err != nil {
		return nil, fmt.Errorf("--url: read the revisions table %s: %w", table, err)
	}
	for rows.Next() {
		var v int64
		var name string
		if err := rows.Scan(&v, &name); err != nil {
			return nil, err
		}
		out[v] = name
	}
	return out, rows.Err()
}
