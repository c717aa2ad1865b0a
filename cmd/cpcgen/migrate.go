package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver for Atlas's inspection
	"github.com/spf13/cobra"

	"github.com/cpcgen/cpcgen/generator"
	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/migration"
	"github.com/cpcgen/cpcgen/generator/sqlschema"
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
  cpcgen migrate down 1`,
	}
	cmd.AddCommand(c.migrateDiffCommand(), c.migrateApplyCommand(), c.migrateDownCommand(),
		c.migrateStatusCommand(), c.migrateHashCommand())
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
	var allow bool
	var devURL string
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

Destructive changes (dropping a table, column or enum, narrowing a type) and
data-dependent ones (NOT NULL without a default, a unique index, a check or
foreign key over existing rows, a type conversion) stop the diff with exit
status 2 and an explanation; --allow-destructive writes the migration anyway.
A renamed_from: hint turns a drop and an add into a rename.`,
		Example: `  cpcgen migrate diff add_nickname
  cpcgen migrate diff "drop legacy tables" --allow-destructive
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
			opts := migration.Options{Name: name, AllowDestructive: allow}
			if devURL != "" {
				ctx, cancel := context.WithTimeout(cmd.Context(), 5*time.Minute)
				defer cancel()
				opts.Current, opts.Desired, err = replay(ctx, devURL, dir, proj.Config.Migrations.Table, sqlschema.AtlasSchema(pkg), pkg.Extensions)
				if err != nil {
					return err
				}
			}
			res, err := migration.Diff(pkg, dir, opts)
			if err != nil {
				return err
			}
			if res.Planned.Empty() {
				fmt.Fprintln(c.stdout, "no changes: the migrations already produce the spec's schema; nothing written")
				return nil
			}
			root := c.displayRoot(proj)
			c.printFindings(root, res.Findings)
			if res.Blocked {
				n := 0
				for _, f := range res.Findings {
					if f.Blocking() {
						n++
					}
				}
				return fmt.Errorf("migration not written: %d destructive or data-dependent change(s) above; follow the advice, or run again with --allow-destructive", n)
			}
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
			return nil
		},
	}
	cmd.Flags().BoolVar(&allow, "allow-destructive", false, "write the migration even with destructive or data-dependent changes")
	cmd.Flags().StringVar(&devURL, "dev-url", "", "replay the migrations into a temporary database on this server and inspect it instead of reading the snapshot")
	return cmd
}

// printFindings lists the findings of a diff on stderr, positions
// relative to the working directory.
func (c *cli) printFindings(root string, findings []migration.Finding) {
	for _, f := range findings {
		if f.Pos.IsValid() {
			f.Pos.File = display(root, f.Pos.File)
		}
		fmt.Fprintln(c.stderr, f.String())
	}
}

// replay creates a temporary database on the server of devURL, applies
// the directory to it and inspects the result. It also returns the
// desired schema as that server normalizes it (types, defaults and
// expressions spelled the way PostgreSQL prints them), so the two compare
// like for like. The spec's extensions are created first, for the types
// they bring (citext). The temporary database is dropped before
// returning.
func replay(ctx context.Context, devURL string, dir *migration.Dir, table string, desired *schema.Schema, exts []*ir.Extension) (*schema.Schema, *schema.Schema, error) {
	admin, err := pgx.Connect(ctx, devURL)
	if err != nil {
		return nil, nil, fmt.Errorf("--dev-url: connect: %w", err)
	}
	defer admin.Close(context.WithoutCancel(ctx))
	var nonce [4]byte
	_, _ = rand.Read(nonce[:])
	name := "cpcgen_dev_" + hex.EncodeToString(nonce[:])
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return nil, nil, fmt.Errorf("--dev-url: create a temporary database (the user needs CREATEDB): %w", err)
	}
	defer func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		_, _ = admin.Exec(dctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	}()
	u, err := url.Parse(devURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return nil, nil, fmt.Errorf("--dev-url must be a postgres:// URL")
	}
	u.Path = "/" + name
	scratch := u.String()

	sdb, err := sql.Open("pgx", scratch)
	if err != nil {
		return nil, nil, err
	}
	defer sdb.Close()
	drv, err := postgres.Open(sdb)
	if err != nil {
		return nil, nil, fmt.Errorf("--dev-url: %w", err)
	}
	for _, e := range exts {
		if _, err := sdb.ExecContext(ctx, e.Create()); err != nil {
			return nil, nil, fmt.Errorf("--dev-url: %s: %w", e.Create(), err)
		}
	}
	normalized, err := drv.(*postgres.Driver).NormalizeSchema(ctx, desired)
	if err != nil {
		return nil, nil, fmt.Errorf("--dev-url: normalize the spec's schema: %w", err)
	}
	normalized.Name = sqlschema.SchemaName
	pool, err := pgxpool.New(ctx, scratch)
	if err != nil {
		return nil, nil, err
	}
	defer pool.Close()
	m, err := migrate.New(pool, os.DirFS(dir.Path), migrate.Options{Table: table, Format: dir.Format})
	if err != nil {
		return nil, nil, err
	}
	if _, err := m.Up(ctx); err != nil {
		return nil, nil, fmt.Errorf("--dev-url: replay the migrations: %w", err)
	}
	current, err := drv.InspectSchema(ctx, sqlschema.SchemaName, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("--dev-url: inspect: %w", err)
	}
	var keep []*schema.Table
	for _, t := range current.Tables {
		if t.Name != table && t.Name != table+"_claims" {
			keep = append(keep, t)
		}
	}
	current.Tables = keep
	return current, normalized, nil
}

// migrator opens the database and the migrations directory.
func (c *cli) migrator(ctx context.Context, dbURL string, onApply func(migrate.Applied)) (*migrate.Migrator, func(), error) {
	proj, dir, err := c.migrationsProject()
	if err != nil {
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
	m, err := migrate.New(pool, os.DirFS(dir.Path), migrate.Options{Table: mc.Table, Format: mc.Format, OnApply: onApply})
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
under a transaction-scoped advisory lock, and records it in the revisions
table. Several deployers may run it at once: each migration runs once. It
refuses to start when an applied migration was edited or atlas.sum does not
match the directory.`,
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
