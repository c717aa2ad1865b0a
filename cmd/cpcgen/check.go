package main

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/migration"
	"github.com/cpcgen/cpcgen/generator/writer"
	"github.com/cpcgen/cpcgen/spec"
)

// problem is one line of check's report: what is wrong, where, and the
// command that fixes it.
type problem struct {
	// Kind is the short name: "stale file", "missing file", "extra file",
	// "uncovered spec change", "checksum mismatch", "duplicate migration
	// version", "unapplied migration", "unknown migration", "changed
	// migration", "schema drift".
	Kind string
	// File and Line say where, for editors and annotations; File is
	// relative to the working directory, Line 0 when unknown. Col is the
	// column of a spec position, 0 otherwise.
	File string
	Line int
	Col  int
	// Msg is the rest of the line.
	Msg string
	// Warning marks a problem that does not change the exit status: its
	// line starts with "warning: ", its annotation is a warning.
	Warning bool
}

// text is the problem as one line of the text report:
// file:line: kind: msg.
func (p problem) text() string {
	where := p.File
	if where != "" && p.Line > 0 {
		where += fmt.Sprintf(":%d", p.Line)
		if p.Col > 0 {
			where += fmt.Sprintf(":%d", p.Col)
		}
	}
	text := p.Kind + ": " + p.Msg
	if p.Warning {
		text = "warning: " + text
	}
	if where == "" {
		return text
	}
	return where + ": " + text
}

// github is the problem as a GitHub Actions workflow command, which the
// Actions UI shows as an error annotation on the file and line.
func (p problem) github(title string) string {
	var props []string
	if p.File != "" {
		props = append(props, "file="+escapeProperty(p.File))
		if p.Line > 0 {
			props = append(props, fmt.Sprintf("line=%d", p.Line))
		}
		if p.Col > 0 {
			props = append(props, fmt.Sprintf("col=%d", p.Col))
		}
	}
	props = append(props, "title="+escapeProperty(title))
	command := "::error "
	if p.Warning {
		command = "::warning "
	}
	return command + strings.Join(props, ",") + "::" + escapeData(p.Kind+": "+p.Msg)
}

// escapeData and escapeProperty escape workflow command text the way
// the Actions toolkit does.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// report prints problems in the chosen format.
type report struct {
	w      io.Writer
	format string // "text" or "github"
	title  string // annotation title: "cpcgen check"
	quiet  bool
}

// problems prints one line per problem.
func (r report) problems(ps []problem) {
	for _, p := range ps {
		if r.format == "github" {
			fmt.Fprintln(r.w, p.github(r.title))
		} else {
			fmt.Fprintln(r.w, p.text())
		}
	}
}

// note prints a line that is not a problem, unless quiet.
func (r report) note(format string, args ...any) {
	if !r.quiet {
		fmt.Fprintf(r.w, format+"\n", args...)
	}
}

func checkFormat(format string) error {
	if format != "text" && format != "github" {
		return fmt.Errorf("--format must be text or github, not %q", format)
	}
	return nil
}

func (c *cli) checkCommand() *cobra.Command {
	var quiet, undeclared bool
	var format, dbURL, devURL string
	var cacheOpts cacheFlags
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Fail when generated code, docs, migrations or a database are not what the specs say",
		Long: `check runs the same pipeline as generate but compares instead of writing.
It prints one line per problem, then a unified diff for each stale, missing
or extra file, and exits with status 1 when there is any problem:

  stale file, missing file, extra file   generated code (and docs pages when
                                         cpcgen.yaml has docs.dir) differ
                                         from what the specs produce: run
                                         cpcgen generate
  uncovered spec change                  the specs changed and no migration
                                         covers it: run cpcgen migrate diff
  checksum mismatch                      atlas.sum does not match the
                                         migrations directory
  duplicate migration version            two migrations share a version (two
                                         branches each ran migrate diff):
                                         run cpcgen migrate rebase NAME

Contracts that expand/contract migrations left pending (the old column of a
rename, a dropped column the previous release reads) are not problems: check
lists them, for a later cpcgen migrate diff NAME --contract.

With --url it also compares a live database with the migrations directory:

  unapplied migration                    in the directory, not applied
  unknown migration                      applied, missing from the directory
  changed migration                      applied, then edited
  schema drift                           the database's schema differs from
                                         what its applied migrations produce:
                                         tables, and the extensions and SQL
                                         objects (functions, triggers, views,
                                         …) missing, changed or made by hand
  missing object                         an extension or SQL object the specs
                                         declare is not in the database: run
                                         cpcgen migrate apply (or migrate diff
                                         first, when no migration creates it)

Drift is found by replaying the applied migrations into a temporary
database and comparing it with the live one: tables with the Atlas engine
(the revisions tables ignored), extensions and SQL objects through the
catalogs, each object by existence and by the definition PostgreSQL prints
back (pg_get_functiondef, pg_get_viewdef, pg_get_triggerdef, …). Both
databases are read in the schema their unqualified names resolve to
(current_schema(): the first existing schema of the role's search_path,
such as app), plus the schemas the specs' objects name. SQL objects of
kind other are not checked. Objects the database has that neither the
specs nor its migrations create are notes, or problems ("undeclared
object") with --undeclared-objects; what extensions own is left out.
The temporary database is created on the server of --dev-url, or of --url
when --dev-url is not given: that role needs CREATEDB. check never changes
the database of --url. DATABASE_URL is not read: check touches a database
only when asked to.

--format github prints each problem as a GitHub Actions error annotation
(::error file=…,line=…::…) so that it shows on the pull request's files;
--quiet leaves out the diffs and the lines saying what is fine.
check writes nothing but the cache of rendered files it shares with
generate (see cpcgen cache; --no-cache renders every file).`,
		Example: `  cpcgen check
  cpcgen check --quiet
  cpcgen check --format github                       # in a GitHub Actions step
  cpcgen check --url "$DATABASE_URL"                 # also: migrations applied, no drift
  cpcgen check --url postgres://app@prod/app --dev-url postgres://postgres@localhost/postgres`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			if devURL != "" && dbURL == "" {
				return fmt.Errorf("--dev-url needs --url: it names the server for the temporary database that --url's migrations are replayed into")
			}
			rep := report{w: c.stdout, format: format, title: "cpcgen check", quiet: quiet}
			if undeclared && dbURL == "" {
				return fmt.Errorf("--undeclared-objects needs --url: it is about the objects of that database")
			}
			return c.check(cmd.Context(), rep, dbURL, devURL, undeclared, cacheOpts)
		},
	}
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "print only the problem lines: no diffs, nothing when all is well")
	cmd.Flags().StringVar(&format, "format", "text", "output `format`: text, or github for GitHub Actions annotations")
	cmd.Flags().StringVar(&dbURL, "url", "", "also compare this database (`URL`) with the migrations directory")
	cmd.Flags().BoolVar(&undeclared, "undeclared-objects", false, "with --url: report SQL objects of the database that neither the specs nor its migrations create as problems, not notes")
	cmd.Flags().StringVar(&devURL, "dev-url", "", "server `URL` for the temporary database drift detection replays migrations into (default: --url's server)")
	cacheOpts.register(cmd)
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "github"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// check runs every comparison and prints the report.
func (c *cli) check(ctx context.Context, rep report, dbURL, devURL string, undeclared bool, cacheOpts cacheFlags) error {
	proj, run, cache, err := c.startRun(cacheOpts)
	if err != nil {
		return err
	}
	defer c.closeCache(cache)
	root := c.displayRoot(proj)
	// The migrations are read and planned while the code is rendered:
	// both only read the IR, and at scale each takes seconds. Without
	// --url, their report comes from the cache when the project and the
	// directory's files are those of an earlier check.
	var mig struct {
		dir    *migration.Dir
		err    error
		ps     []problem
		ok     bool
		notes  []string
		cached bool
	}
	migrated := make(chan struct{})
	go func() {
		defer close(migrated)
		mc := proj.Config.Migrations
		if mc.Dir == "" {
			return
		}
		var key migrationsKey
		if dbURL == "" {
			key = c.migrationsKey(run, proj, root)
			if mig.ps, mig.ok, mig.notes, mig.cached = key.get(cache); mig.cached {
				return
			}
		}
		pkg, err := run.Package()
		if err != nil {
			mig.err = err
			return
		}
		if mig.dir, mig.err = migration.ReadDir(proj.Config.Root, mc.Dir, mc.Format); mig.err == nil {
			mig.ps, mig.ok, mig.notes = c.checkMigrations(proj, pkg, mig.dir, root)
			key.put(cache, mig.ps, mig.ok, mig.notes)
		}
	}()
	tree, _, err := run.Tree()
	if err != nil {
		<-migrated
		return err
	}
	diffs, err := writer.Compare(proj.Config.Root, tree)
	if err != nil {
		return err
	}
	var ps []problem
	for _, d := range diffs {
		p := problem{Kind: d.Kind + " file", File: display(root, d.Path), Msg: fileAdvice(d.Kind)}
		if d.Kind == writer.Stale {
			p.Line = d.Line
		}
		ps = append(ps, p)
	}
	var oks, notes []string
	if len(diffs) == 0 {
		oks = append(oks, "generated code is up to date")
	}
	ps = append(ps, checkSchemaFiles(proj, root)...)
	<-migrated
	dir := mig.dir
	if mig.err != nil {
		return mig.err
	}
	if dir != nil || mig.cached {
		ps = append(ps, mig.ps...)
		if mig.ok {
			oks = append(oks, "migrations cover the spec")
		}
		oks = append(oks, mig.notes...)
	}
	if dbURL != "" {
		if dir == nil {
			return fmt.Errorf("--url compares a database with the migrations directory, but %s has no migrations section; add migrations: {dir: ./migrations}", display(root, proj.Config.File))
		}
		pkg, err := run.Package()
		if err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		defer cancel()
		dps, dnotes, summary, err := c.checkDatabase(ctx, proj, pkg, dir, dbURL, devURL, undeclared)
		if err != nil {
			return err
		}
		ps = append(ps, dps...)
		notes = append(notes, dnotes...)
		if len(dps) == 0 {
			oks = append(oks, summary)
		}
	}

	rep.problems(ps)
	for _, n := range notes {
		rep.note("note: %s", n)
	}
	for _, ok := range oks {
		rep.note("%s", ok)
	}
	if !rep.quiet {
		for _, d := range diffs {
			fmt.Fprintf(rep.w, "\n%s", d.Diff)
		}
	}
	if len(ps) == 0 {
		return nil
	}
	if !rep.quiet || rep.format == "text" {
		fmt.Fprintf(rep.w, "\n%s\n", problemSummary(ps))
	}
	return problemsError{n: len(ps)}
}

// fileAdvice is the message of a file difference.
func fileAdvice(kind string) string {
	switch kind {
	case writer.Missing:
		return "generate produces it, but it is not on disk; run cpcgen generate"
	case writer.Extra:
		return "a generated file the specs no longer produce; run cpcgen generate to remove it"
	}
	return "differs from what the specs produce (first difference on this line); run cpcgen generate"
}

// problemSummary counts the problems by kind: "3 problems: 2 stale
// files, 1 uncovered spec change".
func problemSummary(ps []problem) string {
	var kinds []string
	n := map[string]int{}
	for _, p := range ps {
		if n[p.Kind] == 0 {
			kinds = append(kinds, p.Kind)
		}
		n[p.Kind]++
	}
	var parts []string
	for _, k := range kinds {
		parts = append(parts, plural(n[k], k))
	}
	return fmt.Sprintf("%s: %s", plural(len(ps), "problem"), strings.Join(parts, ", "))
}

func plural(n int, noun string) string {
	switch {
	case n == 1, strings.HasSuffix(noun, "drift"):
		return fmt.Sprintf("%d %s", n, noun)
	case strings.HasSuffix(noun, "mismatch"):
		return fmt.Sprintf("%d %ses", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// checkMigrations reports spec changes no migration covers, each at its
// spec position, a checksum file that does not match and migrations that
// share a version. ok is set when there is nothing to report; notes name
// the pending contracts.
func (c *cli) checkMigrations(proj *spec.Project, pkg *ir.Package, dir *migration.Dir, root string) (ps []problem, ok bool, notes []string) {
	for _, set := range dir.Duplicates() {
		ps = append(ps, problem{Kind: "duplicate migration version", File: display(root, dir.Rel+"/"+set[0].Files[0]), Line: 1,
			Msg: migration.DuplicateMessage(set)})
	}
	sumFile := display(root, dir.Rel+"/"+migration.SumFile)
	if err := dir.CheckSum(); err != nil {
		return append(ps, problem{Kind: "checksum mismatch", File: sumFile, Msg: err.Error()}), false, nil
	}
	changes, err := migration.Uncovered(pkg, dir)
	if err != nil {
		return append(ps, problem{Kind: "migrations", File: display(root, dir.Rel), Msg: err.Error()}), false, nil
	}
	for _, ch := range changes {
		pos := changePos(pkg, ch)
		p := problem{Kind: "uncovered spec change", Msg: ch + " is in the specs but in no migration; run cpcgen migrate diff <name>"}
		if pos.IsValid() {
			p.File, p.Line, p.Col = display(root, pos.File), pos.Line, pos.Col
		} else {
			p.File = display(root, proj.Config.File)
			p.Line = proj.Config.Migrations.Pos.Line
		}
		ps = append(ps, p)
	}
	for _, p := range dir.Pending {
		notes = append(notes, fmt.Sprintf("pending contract: %s; run cpcgen migrate diff NAME --contract once the release of migration %s runs everywhere", p, p.Since))
	}
	return ps, len(ps) == 0, notes
}

var quotedRE = regexp.MustCompile(`"((?:[^"]|"")*)"`)

// changePos finds where in the specs a change line of the migration
// planner comes from: the SQL object or extension it names, the column
// of `"users"."email"`, else the first quoted name that is a table or an
// enum of the package. It returns the
// zero Pos for changes of things the specs no longer have (a dropped
// table).
func changePos(pkg *ir.Package, change string) ir.Pos {
	for _, o := range pkg.Objects {
		if strings.Contains(change, o.Title()) {
			return o.Pos
		}
	}
	for _, e := range pkg.Extensions {
		if strings.Contains(change, fmt.Sprintf("extension %q", e.Name)) {
			return e.Pos
		}
	}
	var names []string
	for _, m := range quotedRE.FindAllStringSubmatchIndex(change, -1) {
		names = append(names, strings.ReplaceAll(change[m[2]:m[3]], `""`, `"`))
		// "table"."column": the column's position.
		if m[1] < len(change) && change[m[1]] == '.' && len(names) == 1 {
			if rest := quotedRE.FindStringSubmatch(change[m[1]+1:]); rest != nil {
				if t := pkg.Table(names[0]); t != nil {
					if col := t.Column(rest[1]); col != nil {
						return col.Pos
					}
				}
			}
		}
	}
	for _, n := range names {
		if t := pkg.Table(n); t != nil {
			return t.Pos
		}
		if e := pkg.Enum(n); e != nil {
			return e.Pos
		}
	}
	return ir.Pos{}
}
