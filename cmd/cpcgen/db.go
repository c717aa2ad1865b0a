package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"ariga.io/atlas/sql/schema"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/migration"
	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/generator/sqlschema"
	"github.com/cpcgen/cpcgen/internal/atlasdb"
	"github.com/cpcgen/cpcgen/internal/importer"
	"github.com/cpcgen/cpcgen/runtime/migrate"
	"github.com/cpcgen/cpcgen/spec"
)

// redact returns a database URL fit for messages: the password replaced,
// query parameters dropped; a DSN that is not a URL is not printed.
func redact(dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil || u.Scheme == "" || u.Host == "" && u.Path == "" {
		return "the database"
	}
	u.RawQuery = ""
	return u.Redacted()
}

// scratchDatabase creates a database with a random name on the server of
// serverURL and returns its URL and a function that drops it. flag names
// the flag the URL came from, for messages.
func scratchDatabase(ctx context.Context, serverURL, flag string) (string, func(), error) {
	u, err := url.Parse(serverURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", nil, fmt.Errorf("%s must be a postgres:// URL, like postgres://user@localhost:5432/postgres", flag)
	}
	admin, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return "", nil, fmt.Errorf("%s: connect to %s: %w", flag, redact(serverURL), err)
	}
	var nonce [4]byte
	_, _ = rand.Read(nonce[:])
	name := "cpcgen_scratch_" + hex.EncodeToString(nonce[:])
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close(context.WithoutCancel(ctx))
		return "", nil, fmt.Errorf("%s: create a temporary database on %s (the role needs CREATEDB, or pass --dev-url with a server where it has it): %w", flag, redact(serverURL), err)
	}
	drop := func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		_, _ = admin.Exec(dctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close(dctx)
	}
	u.Path = "/" + name
	return u.String(), drop, nil
}

// queryRower is what replayDatabase reads the live database through: a
// pool or a connection.
type queryRower interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}

// replayDatabase is scratchDatabase for a database that migrations, or
// the specs' schema, are created in, given the schema they land in on
// the database they run on (see replaySchema) and what they use but do
// not create (mc's external SQL, see runExternal); live, when not nil,
// reads that database. Its errors name flag.
func replayDatabase(ctx context.Context, serverURL, flag string, live queryRower, mc spec.MigrationsConfig) (string, func(), error) {
	scratch, drop, err := scratchDatabase(ctx, serverURL, flag)
	if err != nil {
		return "", nil, err
	}
	if scratch, err = replaySchema(ctx, scratch, live); err != nil {
		drop()
		return "", nil, fmt.Errorf("%s: prepare the temporary database: %w", flag, err)
	}
	if err := runExternal(ctx, scratch, mc); err != nil {
		drop()
		return "", nil, err
	}
	return scratch, drop, nil
}

// externalHint is what to add to err, a replay of the migrations that
// failed, when a schema it names does not exist there (SQLSTATE 3F000):
// that migrations.external is where to create what the migrations use
// but do not create. "" for another error.
func externalHint(err error, mc spec.MigrationsConfig) string {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "3F000" {
		return ""
	}
	if mc.ExternalFile != "" {
		return fmt.Sprintf("; the temporary database lacks it: create it in %s (migrations.external)", mc.ExternalFile)
	}
	return "; the temporary database has only what the migrations create: name a file creating what they use from other schemas in migrations.external (docs/migrations.md)"
}

// runExternal runs the SQL of migrations.external (mc.External) in the
// temporary database at scratch: what the migrations use but do not
// create, which exists where they run (another schema's tables and
// functions, as Supabase's auth.users and auth.uid()). Nothing without
// the key. The statements run one by one, as psql runs them, without
// psql's meta-commands: pg_dump's \restrict and \unrestrict lines, in
// the file the docs suggest making with pg_dump, stopped it at a syntax
// error. A query \gexec ends runs, and then the values of its rows. A
// statement giving an object an owner or privileges of a role the
// server lacks (ALTER SCHEMA auth OWNER TO supabase_admin, in a pg_dump
// made without --no-owner) is left out, and so is a CREATE SCHEMA of a
// schema the database has (pg_dump --schema public's CREATE SCHEMA
// public).
func runExternal(ctx context.Context, scratch string, mc spec.MigrationsConfig) error {
	if mc.External == "" {
		return nil
	}
	stmts, err := importer.SplitDDL(mc.External)
	if err != nil {
		return fmt.Errorf("migrations.external %s: %w; fix the file", mc.ExternalFile, err)
	}
	conn, err := pgx.Connect(ctx, scratch)
	if err != nil {
		return fmt.Errorf("connect to the temporary database: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	for _, st := range stmts {
		if st.Include != "" {
			return fmt.Errorf("migrations.external %s:%d: psql's \\i and \\ir are not run there; put the SQL of %s in the file", mc.ExternalFile, st.Line, st.Include)
		}
		sqls := []string{st.SQL}
		if st.Gexec {
			// psql's \gexec: the query's values are the statements.
			if sqls, err = importer.GexecStatements(ctx, conn, st.SQL); err != nil {
				return fmt.Errorf("migrations.external %s:%d, run in a temporary database before the migrations: %s; fix the file", mc.ExternalFile, st.Line, oneLine(err.Error()))
			}
		}
		for _, q := range sqls {
			if _, err := conn.Exec(ctx, q, pgx.QueryExecModeSimpleProtocol); err != nil && !importer.OwnershipOfMissingRole(q, err) && !importer.ExistingSchema(q, err) {
				return fmt.Errorf("migrations.external %s:%d, run in a temporary database before the migrations: %s; fix the file", mc.ExternalFile, st.Line, oneLine(err.Error()))
			}
		}
	}
	return nil
}

// replaySchema gives the temporary database at scratch the schema the
// migrations create their objects in on the database they run on, and
// returns its URL, so that an object whose SQL names that schema (a
// LANGUAGE sql function reading app.notes, Zitadel's eventstore.events2)
// finds what it names:
//   - with live, the schema its unqualified names resolve to (a
//     search_path the database, the role or the URL sets), when it is
//     not public: created, and first in the URL's search_path, then
//     the other schemas of live's, public among them only where live
//     has it (a search_path of app alone names public's types
//     qualified, public.mood, and so must the replay's, or check saw a
//     column type change that is none);
//   - else, when no schema of the connection's own search_path exists
//     there (a URL with options=-csearch_path=eventstore, a role whose
//     search_path is its application's schema), the first one it names
//     ($user aside), where the replay stopped at "no schema has been
//     selected to create in".
//
// With live, the other schemas of its search_path follow, in its order
// (Supabase's extensions, which ALTER DATABASE … SET search_path
// adds): a function the migrations create calling an extension's
// function unqualified (gen_random_bytes of pgcrypto, made in extensions
// by migrations.external) finds it there as on live, where the replay
// stopped at "function gen_random_bytes(integer) does not exist".
func replaySchema(ctx context.Context, scratch string, live queryRower) (string, error) {
	var liveSchema *string
	var livePath []string
	if live != nil {
		if err := live.QueryRow(ctx, "SELECT current_schema(), current_schemas(false)").Scan(&liveSchema, &livePath); err != nil {
			return "", err
		}
	}
	conn, err := pgx.Connect(ctx, scratch)
	if err != nil {
		return "", fmt.Errorf("connect to the temporary database: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if liveSchema != nil {
		// current_schemas lists the schemas of the search_path that
		// exist, the current one first; public is among them only
		// where live has it there.
		path := []string{pgx.Identifier{*liveSchema}.Sanitize()}
		for _, s := range livePath {
			if s != *liveSchema {
				path = append(path, pgx.Identifier{s}.Sanitize())
			}
		}
		if *liveSchema == "public" && len(path) == 1 {
			return scratch, nil
		}
		if *liveSchema != "public" {
			if _, err := conn.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+path[0]); err != nil {
				return "", err
			}
		}
		u, err := url.Parse(scratch)
		if err != nil {
			return "", err
		}
		setConnParam(u, "search_path", strings.Join(path, ", "))
		return u.String(), nil
	}
	var current *string
	var path string
	if err := conn.QueryRow(ctx, "SELECT current_schema(), current_setting('search_path')").Scan(&current, &path); err != nil {
		return "", fmt.Errorf("read the search_path of the temporary database: %w", err)
	}
	if name := searchPathSchema(path); current == nil && name != "" {
		if _, err := conn.Exec(ctx, "CREATE SCHEMA "+name); err != nil {
			return "", fmt.Errorf("create schema %s, the first of the search_path, in the temporary database: %w", name, err)
		}
	}
	return scratch, nil
}

// setConnParam sets the parameter key of the connection URL u to value,
// in place of any the URL has, and leaves its other parameters as they
// are written. The value is escaped as libpq and pgx read a URL, which
// take "+" for itself: url.Values.Encode writes a space as "+", so
// "app, public" reached the server as the search_path "app,+public",
// without public. A parameter is not decoded and encoded again either,
// where a "+" the URL holds would turn into a space.
func setConnParam(u *url.URL, key, value string) {
	var keep []string
	for _, p := range strings.Split(u.RawQuery, "&") {
		if p == "" {
			continue
		}
		k, _, _ := strings.Cut(p, "=")
		if dk, err := url.QueryUnescape(k); err == nil && dk == key {
			continue
		}
		keep = append(keep, p)
	}
	esc := func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
	u.RawQuery = strings.Join(append(keep, esc(key)+"="+esc(value)), "&")
}

// searchPathElem is one element of a search_path setting and the comma
// after it: a quoted name, or a plain one.
var searchPathElem = regexp.MustCompile(`^\s*("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*|[^,]*)\s*(?:,|$)`)

// searchPathSchema returns the first schema a search_path setting names,
// as SQL writes it (quoted when the setting quotes it), leaving out
// $user, pg_catalog and pg_temp; "" when there is none, or when the
// element is neither a plain nor a quoted name.
func searchPathSchema(path string) string {
	for path != "" {
		m := searchPathElem.FindStringSubmatch(path)
		if m == nil || m[0] == "" {
			return ""
		}
		path = path[len(m[0]):]
		elem := m[1]
		switch {
		case elem == "":
			continue
		case strings.EqualFold(elem, "$user"), elem == `"$user"`, strings.EqualFold(elem, "pg_catalog"), strings.EqualFold(elem, "pg_temp"):
			continue
		case strings.HasPrefix(elem, `"`), plainName.MatchString(elem):
			return elem
		default:
			return ""
		}
	}
	return ""
}

// plainName is a name SQL needs no quotes for (case aside).
var plainName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_$]*$`)

// inspect reads the generated schema of a database with the Atlas
// engine, without the revisions tables of the runner: the schema its
// unqualified names resolve to (current_schema(), the first schema of
// its search_path that exists), which it also returns. The schema is
// named sqlschema.SchemaName whatever its name in the database, so that
// two databases compare by content: a live database whose role's
// search_path is app, and a temporary one whose tables landed in public.
func inspect(ctx context.Context, dbURL, table string) (*schema.Schema, string, error) {
	db, err := atlasdb.Open(dbURL)
	if err != nil {
		return nil, "", fmt.Errorf("inspect %s: %w", redact(dbURL), err)
	}
	defer db.Close()
	var current sql.NullString
	if err := db.QueryRowContext(ctx, "SELECT current_schema()").Scan(&current); err != nil {
		return nil, "", fmt.Errorf("inspect %s: %w", redact(dbURL), err)
	}
	if !current.Valid {
		return nil, "", fmt.Errorf("inspect %s: no schema of its search_path exists, so unqualified table names resolve nowhere; create the schema or fix the role's search_path", redact(dbURL))
	}
	s, err := db.InspectSchema(ctx, current.String)
	if err != nil {
		var nf *schema.NotExistError
		if !errors.As(err, &nf) {
			return nil, "", fmt.Errorf("inspect %s: %w", redact(dbURL), err)
		}
		s = schema.New(current.String)
	}
	if err := migration.InspectSetColumns(ctx, db.DB, current.String, s); err != nil {
		return nil, "", fmt.Errorf("inspect %s: %w", redact(dbURL), err)
	}
	s.Name = sqlschema.SchemaName
	var keep []*schema.Table
	for _, t := range s.Tables {
		if !migrate.RunnerTable(table, t.Name) {
			keep = append(keep, t)
		}
	}
	s.Tables = keep
	return s, current.String, nil
}

// newMigrator is the runner over the migrations directory dir. A
// project that has written no migration yet has no directory: that is
// an error saying how to write the first, where the runner would say
// "open .: no such file or directory".
func newMigrator(pool *pgxpool.Pool, dir *migration.Dir, opts migrate.Options) (*migrate.Migrator, error) {
	if _, err := os.Stat(dir.Path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s does not exist: there are no migrations yet; write the first with cpcgen migrate diff NAME", dir.Rel)
	}
	return migrate.New(pool, os.DirFS(dir.Path), opts)
}

// applyTo applies the directory's migrations up to and including
// version (all of them when version < 0) to the database at dbURL.
func applyTo(ctx context.Context, dbURL string, dir *migration.Dir, table string, version int64) error {
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	m, err := newMigrator(pool, dir, migrate.Options{Table: table, Format: dir.Format})
	if err != nil {
		return err
	}
	if version < 0 {
		_, err = m.Up(ctx)
	} else if version > 0 {
		_, err = m.UpTo(ctx, version)
	}
	return err
}

// checkDatabase compares the database at dbURL with the migrations
// directory: revisions first, then the schema against the one the
// applied migrations produce, replayed on the server of devURL (or
// dbURL's), then the SQL objects and extensions (see objectDrift). It
// returns the problems found, notes (objects the specs do not declare,
// unless undeclared makes them problems) and, when there are no
// problems, a line saying so.
func (c *cli) checkDatabase(ctx context.Context, proj *spec.Project, pkg *ir.Package, dir *migration.Dir, dbURL, devURL string, undeclared bool) ([]problem, []string, string, error) {
	mc := proj.Config.Migrations
	where := redact(dbURL)
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return nil, nil, "", fmt.Errorf("--url: %w", err)
	}
	defer pool.Close()
	if err := pool.Ping(ctx); err != nil {
		return nil, nil, "", fmt.Errorf("--url: connect to %s: %w", where, err)
	}
	m, err := newMigrator(pool, dir, migrate.Options{Table: mc.Table, Format: mc.Format})
	if err != nil {
		return nil, nil, "", err
	}
	states, err := m.Status(ctx)
	if err != nil {
		return nil, nil, "", fmt.Errorf("--url: read the revisions table of %s: %w", where, err)
	}
	var ps []problem
	var lastApplied int64
	applied := 0
	for _, s := range states {
		switch {
		case s.Migration == nil:
			ps = append(ps, problem{Kind: "unknown migration", Msg: fmt.Sprintf("%s has migration %06d (%s) applied, which is not in %s; deploy the directory it came from, or revert it there", where, s.Version, s.Name, dir.Rel)})
		case s.Revision == nil:
			ps = append(ps, problem{Kind: "unapplied migration", File: dir.Rel + "/" + s.Migration.File,
				Msg: fmt.Sprintf("%06d (%s) is not applied to %s; run cpcgen migrate apply", s.Version, s.Name, where)})
		case s.Changed:
			ps = append(ps, problem{Kind: "changed migration", File: dir.Rel + "/" + s.Migration.File,
				Msg: fmt.Sprintf("%06d (%s) was edited after %s applied it; restore the file from version control", s.Version, s.Name, where)})
		default:
			applied++
			lastApplied = max(lastApplied, s.Version)
		}
	}
	for i := range ps {
		if ps[i].File != "" {
			ps[i].File = display(c.displayRoot(proj), ps[i].File)
		}
	}

	dps, notes, haveSchema, err := c.driftProblems(ctx, proj, pkg, dir, pool, dbURL, devURL, lastApplied, undeclared)
	if err != nil {
		return nil, nil, "", err
	}
	ps = append(ps, dps...)
	summary := fmt.Sprintf("%s: %d migration(s) applied, none pending, schema matches the migrations (schema %s)", where, applied, names.QuoteIdent(haveSchema))
	return ps, notes, summary, nil
}

// driftProblems compares the database at dbURL (pool) with the schema
// the directory's migrations up to version build, replayed into a
// temporary database on the server of devURL (or dbURL's): the tables
// with the Atlas engine, then the SQL objects and extensions (see
// objectDrift). It returns the problems, the notes and the database's
// schema.
func (c *cli) driftProblems(ctx context.Context, proj *spec.Project, pkg *ir.Package, dir *migration.Dir, pool *pgxpool.Pool, dbURL, devURL string, version int64, undeclared bool) ([]problem, []string, string, error) {
	mc := proj.Config.Migrations
	where := redact(dbURL)
	var ps []problem
	lastApplied := version
	// Drift: replay what the database has applied into a scratch
	// database and compare.
	server, flag := devURL, "--dev-url"
	if server == "" {
		server, flag = dbURL, "--url"
	}
	scratch, drop, err := replayDatabase(ctx, server, flag, pool, mc)
	if err != nil {
		return nil, nil, "", err
	}
	defer drop()
	if err := applyTo(ctx, scratch, dir, mc.Table, lastApplied); err != nil {
		return nil, nil, "", fmt.Errorf("replay the applied migrations into a temporary database: %w%s", err, externalHint(err, mc))
	}
	want, wantSchema, err := inspect(ctx, scratch, mc.Table)
	if err != nil {
		return nil, nil, "", err
	}
	have, haveSchema, err := inspect(ctx, dbURL, mc.Table)
	if err != nil {
		return nil, nil, "", err
	}
	planned, err := migration.Drift(have, want)
	if err != nil {
		return nil, nil, "", fmt.Errorf("compare the schema of %s: %w", where, err)
	}
	for _, line := range planned.Summary {
		ps = append(ps, problem{Kind: "schema drift", Msg: fmt.Sprintf("%s differs from what its applied migrations produce: %s would bring it back", where, line)})
	}
	// SQL objects and extensions, which Atlas does not inspect.
	conn, err := pgx.Connect(ctx, scratch)
	if err != nil {
		return nil, nil, "", fmt.Errorf("connect to the temporary database: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	wantObjs, err := migration.InspectObjects(ctx, conn, objectSchemas(pkg, dir, wantSchema), wantSchema)
	if err != nil {
		return nil, nil, "", fmt.Errorf("inspect the temporary database: %w", err)
	}
	haveObjs, err := migration.InspectObjects(ctx, pool, objectSchemas(pkg, dir, haveSchema), haveSchema)
	if err != nil {
		return nil, nil, "", fmt.Errorf("inspect %s: %w", where, err)
	}
	ops, notes := objectDrift(objectCheck{pkg: pkg, dir: dir, where: where, root: c.displayRoot(proj),
		have: haveObjs, want: wantObjs, haveSchema: haveSchema, wantSchema: wantSchema, undeclared: undeclared})
	ps = append(ps, ops...)
	wantProps, err := migration.InspectTableProperties(ctx, conn, objectSchemas(pkg, dir, wantSchema), wantSchema)
	if err != nil {
		return nil, nil, "", fmt.Errorf("inspect the temporary database: %w", err)
	}
	haveProps, err := migration.InspectTableProperties(ctx, pool, objectSchemas(pkg, dir, haveSchema), haveSchema)
	if err != nil {
		return nil, nil, "", fmt.Errorf("inspect %s: %w", where, err)
	}
	ps = append(ps, propertyDrift(pkg, where, c.displayRoot(proj), haveProps, wantProps)...)
	return ps, notes, haveSchema, nil
}
