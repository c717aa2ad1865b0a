package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/spf13/cobra"

	"github.com/cpcgen/cpcgen/generator"
	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/migration"
	"github.com/cpcgen/cpcgen/generator/sqlschema"
	"github.com/cpcgen/cpcgen/generator/vet"
	"github.com/cpcgen/cpcgen/spec"
)

func (c *cli) vetCommand() *cobra.Command {
	var devURL, dbURL, format string
	var quiet bool
	cmd := &cobra.Command{
		Use:   "vet",
		Short: "Prepare every generated statement on PostgreSQL and check the declared types",
		Long: `vet creates a temporary database on a PostgreSQL server, applies the
migrations to it (or, without a migrations section, the specs' schema.sql,
its SQL objects created one at a time), and asks the server to prepare
every statement of the generated package:
the CRUD, bulk, upsert and relation statements and every query, raw SQL
included. It reports, at the spec's file:line:col:

  prepare error    the server rejects the statement (a missing column, a
                   syntax error in raw SQL); for raw SQL the position is the
                   line of the query the server points at
  type mismatch    a raw query's declared parameter or column type is not
                   what the server infers, or a table column's type in the
                   database is not the spec's
  nullability      a declared NOT NULL result column (no nullable: true)
                   that is a plain table column the database allows NULL in
  schema error     the server refuses part of the schema: a column default
                   calling a function it lacks, or an SQL object
                   (sql_objects:) whose SQL it rejects, such as a syntax
                   error in a function's body, at the line it points at

Types compare by name after aliases (int4 = integer); these count as equal:
text, varchar(n), char(n), citext and name (all Go strings; lengths are not
checked); an enum and text in either direction for parameters, and a
declared enum (or enum[]) read from text (or text[]), as raw queries select
enum arrays; for parameters, a narrower declared number than the server's
(integer for LIMIT's bigint, integer or bigint for numeric, real for double
precision). A parameter the server cannot type (unknown) is not checked.
Nullability is checked only where the server knows the column's table
(not for a view's columns, which PostgreSQL never marks NOT NULL).

The temporary database is created on the server of --dev-url (or else of
--url; the database the URL names is never changed) and dropped at the
end: the role needs CREATEDB. Exit status 1 when anything is found.

--url names the application's database, as the application connects to
it. When the specs have tenant tables, vet also checks that role there
(reading the catalogs only, as runtime.CheckAppRole does) and warns when
row-level security does not bind it:

  row-level security  the role is a superuser, has BYPASSRLS, can SET
                      ROLE to such a role, may create temporary tables
                      or objects in a schema, or owns tables with
                      row-level security (or is a member of their
                      owner), or a table's row-level security is not
                      forced (FORCE ROW LEVEL SECURITY), so the tenant
                      policies do not keep its statements to their
                      tenant

A warning does not change the exit status. Give --dev-url too when the
application's role may not create databases, as it should not.`,
		Example: `  cpcgen vet --dev-url postgres://postgres@localhost:5432/postgres
  cpcgen vet --url "$DATABASE_URL" --format github
  cpcgen vet --dev-url postgres://postgres@localhost:5432/postgres --url "$APP_DATABASE_URL"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			server, flag := devURL, "--dev-url"
			if server == "" {
				server, flag = dbURL, "--url"
			}
			if server == "" {
				return errors.New("vet needs a PostgreSQL server to prepare statements on: pass --dev-url postgres://user@host/postgres (a temporary database is created there and dropped)")
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), 5*time.Minute)
			defer cancel()
			return c.vet(ctx, report{w: c.stdout, format: format, title: "cpcgen vet", quiet: quiet}, server, flag, dbURL)
		},
	}
	cmd.Flags().StringVar(&devURL, "dev-url", "", "PostgreSQL server `URL` to create the temporary database on")
	cmd.Flags().StringVar(&dbURL, "url", "", "the application's database `URL`, as it connects: its role is checked for row-level security; its server gets the temporary database unless --dev-url is given; its own database is not changed")
	cmd.Flags().StringVar(&format, "format", "text", "output `format`: text, or github for GitHub Actions annotations")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "print only the problem lines")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "github"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// vet prepares every statement of the package on a scratch database and
// reports what does not match the specs; with appURL, the application's
// database, it first warns about its role (vet.AppRole).
func (c *cli) vet(ctx context.Context, rep report, server, flag, appURL string) error {
	proj, err := c.load()
	if err != nil {
		return err
	}
	c.printWarnings(proj)
	pkg, err := generator.Build(proj)
	if err != nil {
		return err
	}
	if appURL != "" {
		warnings, err := appRoleWarnings(ctx, pkg, appURL, c.displayRoot(proj))
		if err != nil {
			return err
		}
		rep.problems(warnings)
	}
	// With the application's database, the temporary one gets the
	// schema its names resolve to (see replaySchema).
	var live queryRower
	if appURL != "" {
		app, err := pgx.Connect(ctx, appURL)
		if err != nil {
			return fmt.Errorf("--url: connect to %s: %w", redact(appURL), err)
		}
		defer app.Close(context.WithoutCancel(ctx))
		live = app
	}
	scratch, drop, err := replayDatabase(ctx, server, flag, live, proj.Config.Migrations)
	if err != nil {
		return err
	}
	defer drop()
	root := c.displayRoot(proj)
	source, err := loadSchema(ctx, proj, pkg, scratch)
	if err != nil {
		var oe *objectErrors
		findings := vet.SchemaErrors(pkg, err)
		switch {
		case errors.As(err, &oe):
			findings = oe.findings
		case len(findings) == 0 && len(pkg.Objects) > 0:
			// The migrations failed; if an SQL object is why, creating
			// the spec's schema one object at a time says which.
			diag, derr := diagnoseObjects(ctx, pkg, server, flag, live, proj.Config.Migrations)
			if derr != nil {
				return derr
			}
			findings = diag
		}
		if ps := vetProblems(findings, root); len(ps) > 0 {
			rep.problems(ps)
			if rep.format == "text" {
				fmt.Fprintf(rep.w, "\n%s (the schema could not be created on %s: %v)\n", problemSummary(ps), redact(server), err)
			}
			return problemsError{n: len(ps)}
		}
		return err
	}
	conn, err := pgx.Connect(ctx, scratch)
	if err != nil {
		return fmt.Errorf("%s: connect to the temporary database: %w", flag, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))

	findings, err := vet.Check(ctx, conn, pkg, proj.Config.Root)
	if err != nil {
		return err
	}
	stmts := pkg.Statements()
	ps := vetProblems(findings, root)
	rep.problems(ps)
	if len(ps) == 0 {
		rep.note("%d statements prepared on %s: no problems", len(stmts), source)
		return nil
	}
	if rep.format == "text" {
		fmt.Fprintf(rep.w, "\n%s (%d statements prepared on %s)\n", problemSummary(ps), len(stmts), source)
	}
	return problemsError{n: len(ps)}
}

// loadSchema gives the scratch database the package's schema: the
// migrations when the config has them, else the spec's schema.sql. It
// returns what it applied, for messages.
func loadSchema(ctx context.Context, proj *spec.Project, pkg *ir.Package, dbURL string) (string, error) {
	cfg := proj.Config
	if mc := cfg.Migrations; mc.Dir != "" {
		dir, err := migration.ReadDir(cfg.Root, mc.Dir, mc.Format)
		if err != nil {
			return "", err
		}
		if len(dir.Files) > 0 {
			if err := applyTo(ctx, dbURL, dir, mc.Table, -1); err != nil {
				return "", fmt.Errorf("apply %s to the temporary database: %w", mc.Dir, err)
			}
			return "the schema " + mc.Dir + "/ produces", nil
		}
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return "", err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	// A Citus project's schema.sql ends with Citus calls; on a dev server
	// without Citus, the tables are created without them, which is all
	// preparing statements needs.
	source := "the specs' schema.sql"
	if len(pkg.Distributions) > 0 {
		var hasCitus bool
		if err := conn.QueryRow(ctx, "SELECT to_regproc('create_distributed_table') IS NOT NULL").Scan(&hasCitus); err != nil {
			return "", err
		}
		if !hasCitus {
			plain := *pkg
			plain.Distributions = nil
			pkg = &plain
			source += " (without its Citus calls: the server has no Citus)"
		}
	}
	if err := createSchema(ctx, conn, pkg); err != nil {
		return "", err
	}
	return source, nil
}

// objectErrors is the failure to create SQL objects: what the server
// said, at the objects' spec positions.
type objectErrors struct {
	findings []vet.Finding
}

func (e *objectErrors) Error() string {
	return fmt.Sprintf("the server refused %d sql object(s) of the specs", len(e.findings))
}

// createSchema creates the spec's schema (schema.sql) in the database
// conn is connected to: the extensions, enums and tables at once, then
// the SQL objects one at a time, so that what the server refuses is
// reported at its object (an *objectErrors), then the row-level security
// policies.
func createSchema(ctx context.Context, conn *pgx.Conn, pkg *ir.Package) error {
	early, late := ir.SplitEarly(pkg.Objects)
	// The extensions first, then the objects tables use (sequences,
	// domains), then the enums and tables, then the other objects.
	exts := &ir.Package{Extensions: pkg.Extensions}
	var findings []vet.Finding
	if len(early) > 0 {
		var b strings.Builder
		for _, e := range pkg.Extensions {
			b.WriteString(e.Create() + ";\n")
		}
		if _, err := conn.Exec(ctx, b.String()); err != nil {
			return fmt.Errorf("create the spec's extensions in the temporary database: %w", err)
		}
		exts.Extensions = nil
		f, err := vet.CreateObjects(ctx, conn, &ir.Package{Objects: early})
		if err != nil {
			return fmt.Errorf("create the spec's sql objects in the temporary database: %w", err)
		}
		findings = append(findings, f...)
	}
	tables := *pkg
	tables.Objects, tables.Policies = nil, nil
	tables.Extensions = exts.Extensions
	ddl, err := sqlschema.SchemaSQL(&tables)
	if err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, string(ddl)); err != nil {
		return fmt.Errorf("create the spec's schema (schema.sql) in the temporary database: %w", err)
	}
	rest := *pkg
	rest.Objects = late
	f, err := vet.CreateObjects(ctx, conn, &rest)
	if err != nil {
		return fmt.Errorf("create the spec's sql objects in the temporary database: %w", err)
	}
	findings = append(findings, f...)
	if len(findings) > 0 {
		return &objectErrors{findings: findings}
	}
	// The policies call cpcgen's own function, so they come last.
	if policies := sqlschema.PoliciesSQL(pkg); len(policies) > 0 {
		if _, err := conn.Exec(ctx, string(policies)); err != nil {
			return fmt.Errorf("create the row-level security policies in the temporary database: %w", err)
		}
	}
	return nil
}

// diagnoseObjects creates the spec's schema in a second temporary
// database and returns what the server refuses of its SQL objects, for
// when applying the migrations failed; live is the first one's, and mc
// the project's migrations config (see replayDatabase).
func diagnoseObjects(ctx context.Context, pkg *ir.Package, server, flag string, live queryRower, mc spec.MigrationsConfig) ([]vet.Finding, error) {
	scratch, drop, err := replayDatabase(ctx, server, flag, live, mc)
	if err != nil {
		return nil, err
	}
	defer drop()
	conn, err := pgx.Connect(ctx, scratch)
	if err != nil {
		return nil, fmt.Errorf("%s: connect to the temporary database: %w", flag, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var oe *objectErrors
	if err := createSchema(ctx, conn, pkg); errors.As(err, &oe) {
		return oe.findings, nil
	}
	return nil, nil
}

// vetProblems turns vet's findings into report lines, paths relative to
// the working directory.
func vetProblems(findings []vet.Finding, root string) []problem {
	var ps []problem
	for _, f := range findings {
		p := problem{Kind: f.Kind, Msg: f.Msg}
		if f.Pos.IsValid() {
			p.File, p.Line, p.Col = display(root, f.Pos.File), f.Pos.Line, f.Pos.Col
		}
		ps = append(ps, p)
	}
	return ps
}

// appRoleWarnings connects to the application's database at appURL and
// returns vet.AppRole's and vet.SearchPath's findings as warnings.
func appRoleWarnings(ctx context.Context, pkg *ir.Package, appURL, root string) ([]problem, error) {
	conn, err := pgx.Connect(ctx, appURL)
	if err != nil {
		return nil, fmt.Errorf("--url: connect to %s: %w", redact(appURL), err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	findings, err := vet.AppRole(ctx, conn, pkg)
	if err != nil {
		return nil, fmt.Errorf("--url: check the role of %s: %w", redact(appURL), err)
	}
	paths, err := vet.SearchPath(ctx, conn, pkg)
	if err != nil {
		return nil, fmt.Errorf("--url: read the search_path of %s: %w", redact(appURL), err)
	}
	var ps []problem
	for _, f := range append(findings, paths...) {
		p := problem{Kind: f.Kind, Msg: f.Msg, Warning: true}
		if f.Pos.IsValid() {
			p.File, p.Line, p.Col = display(root, f.Pos.File), f.Pos.Line, f.Pos.Col
		}
		ps = append(ps, p)
	}
	return ps, nil
}
