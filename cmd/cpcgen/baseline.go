package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/cpcgen/cpcgen/generator"
	"github.com/cpcgen/cpcgen/runtime/migrate"
)

func (c *cli) migrateBaselineCommand() *cobra.Command {
	var dbURL, devURL string
	var version int64
	var force bool
	cmd := &cobra.Command{
		Use:   "baseline",
		Short: "Mark the migrations as applied on a database that already has their schema",
		Long: `baseline records migrations as applied without running them, on a database
that already has the schema they build: the database cpcgen import read,
whose first migration (cpcgen migrate diff after the import) creates that
same schema. Later migrations then apply to it normally, and check --url
compares it with the migrations from the start.

By default every migration of the directory is recorded (right after an
import that is migration 1, or the files it was split into); --version
stops at a version. Before recording anything, baseline replays those
migrations into a temporary database (on the server of --dev-url, or of
--url: that role needs CREATEDB) and compares it with the database, as
check --url does: if they differ it lists the differences and records
nothing, since a recorded migration that does not match the database would
hide the difference from every later check. --force records them anyway.
Migrations already recorded are left alone; a database with a newer
migration applied is refused.`,
		Example: `  cpcgen import --url "$DATABASE_URL" && cpcgen generate && cpcgen migrate diff baseline
  cpcgen migrate baseline --url "$DATABASE_URL"
  cpcgen check --url "$DATABASE_URL"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if dbURL == "" {
				dbURL = os.Getenv("DATABASE_URL")
			}
			if dbURL == "" {
				return errors.New("no database: pass --url or set DATABASE_URL")
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), 10*time.Minute)
			defer cancel()
			return c.baseline(ctx, dbURL, devURL, version, cmd.Flags().Changed("version"), force)
		},
	}
	cmd.Flags().StringVar(&dbURL, "url", "", "the database `URL` (default $DATABASE_URL)")
	cmd.Flags().StringVar(&devURL, "dev-url", "", "server `URL` for the temporary database the migrations are replayed into (default: --url's server)")
	cmd.Flags().Int64Var(&version, "version", 0, "record up to and including this `version` (default: every migration)")
	cmd.Flags().BoolVar(&force, "force", false, "record the migrations even if the database differs from what they build")
	return cmd
}

func (c *cli) baseline(ctx context.Context, dbURL, devURL string, version int64, hasVersion, force bool) error {
	proj, dir, err := c.migrationsProject()
	if err != nil {
		return err
	}
	if err := dir.CheckVersions(); err != nil {
		return err
	}
	pkg, err := generator.Build(proj)
	if err != nil {
		return err
	}
	where := redact(dbURL)
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return fmt.Errorf("--url: %w", err)
	}
	defer pool.Close()
	if err := pool.Ping(ctx); err != nil {
		return fmt.Errorf("cannot reach %s: %s", where, oneLine(err.Error()))
	}
	mc := proj.Config.Migrations
	m, err := newMigrator(pool, dir, migrate.Options{Table: mc.Table, Format: mc.Format})
	if err != nil {
		return err
	}
	migs := m.Migrations()
	if len(migs) == 0 {
		return fmt.Errorf("%s holds no migrations; run cpcgen migrate diff NAME first (after an import it writes the imported schema as migration 1)", dir.Rel)
	}
	if !hasVersion {
		version = migs[len(migs)-1].Version
	}
	if !force {
		ps, _, _, err := c.driftProblems(ctx, proj, pkg, dir, pool, dbURL, devURL, version, false)
		if err != nil {
			return err
		}
		if len(ps) > 0 {
			for _, p := range ps {
				fmt.Fprintln(c.stderr, p.text())
			}
			return fmt.Errorf("%s differs from what the migrations up to %06d build (%s); nothing was recorded: import again, edit the specs and the migration until they match, or pass --force", where, version, plural(len(ps), "difference"))
		}
	}
	done, err := m.Baseline(ctx, version)
	if err != nil {
		return err
	}
	for _, a := range done {
		fmt.Fprintf(c.stdout, "recorded %s as applied (not run)\n", a.File)
	}
	if len(done) == 0 {
		fmt.Fprintf(c.stdout, "%s already records the migrations up to %06d\n", where, version)
		return nil
	}
	fmt.Fprintf(c.stdout, "%d migration(s) recorded on %s\n", len(done), where)
	return nil
}
