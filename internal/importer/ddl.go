package importer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cpcgen/cpcgen/internal/sqllex"
)

// DDLError is a statement of a DDL file the server refused.
type DDLError struct {
	// File is the file's name as given; Line the 1-based line the
	// statement starts on, and ErrLine the line the server's error
	// position points at (0 when it gave none).
	File    string
	Line    int
	ErrLine int
	// Statement is the statement's text, cut for messages.
	Statement string
	Err       error
	// Hint says what to do, when the statement's failure follows from a
	// statement left out before it; "" for ddlHint's.
	Hint string
}

// Error names the file, line and statement, and gives the server's
// message.
func (e *DDLError) Error() string {
	line := e.Line
	if e.ErrLine > 0 {
		line = e.ErrLine
	}
	msg := fmt.Sprintf("%s:%d: %v\n  in the statement starting at line %d: %s", e.File, line, e.Err, e.Line, e.Statement)
	hint := e.Hint
	if hint == "" {
		hint = ddlHint(e.Err)
	}
	if hint != "" {
		msg += "\n  " + hint
	}
	return msg
}

// ddlHint says what to do about a statement the server refused for want
// of something installed on it, or "".
func ddlHint(err error) string {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return ""
	}
	switch {
	case pgErr.Code == "58P01": // undefined_file
		return "the statement needs a file the server replaying the DDL does not have: import from the database itself (--url), or give a --dev-url whose server has it"
	case pgErr.Code == "0A000" && (strings.HasPrefix(pgErr.Message, "extension ") && strings.HasSuffix(pgErr.Message, " is not available") ||
		pgErr.Routine == "parse_extension_control_file"): // the routine, where the message is translated
		return "the extension is not installed on the server replaying the DDL: import from the database itself (--url), or give a --dev-url whose server has it"
	case missingRole(err) != "":
		return fmt.Sprintf("the server replaying the DDL has no role %s, which the statement needs (roles are the server's, not the database's): create it on the server of --dev-url, or import from the database itself (--url)", missingRole(err))
	}
	return ""
}

// Unwrap returns the server's error.
func (e *DDLError) Unwrap() error { return e.Err }

// Statement is one statement of a DDL file.
type Statement struct {
	SQL  string
	Line int
	// Include, where SQL is empty, is the file a psql \i (\include)
	// or \ir (\include_relative) meta-command at Line runs there;
	// Relative is true for \ir, which names it from the directory of
	// the file holding the command.
	Include  string
	Relative bool
	// Gexec is set when psql's \gexec, not a semicolon, ends SQL: psql
	// runs the query and then each value of its rows as a statement
	// (SELECT format('CREATE TABLE %I …', …)\gexec).
	Gexec bool
}

// ApplyDDL runs the statements of a DDL file (src, named file for
// messages) one by one on conn. psql's meta-commands (\connect …) and the
// data of COPY … FROM stdin and the statements that write rows are
// skipped: import reads schemas, not data (see dataStatement); so are
// the statements that create or drop a database (databaseStatement) and
// session settings the server does not know (see unknownSetting). A
// statement the server refuses for the rows of a table (SET NOT NULL on a
// column with the nulls of a row a DO block inserted, see onRows) runs
// again once every table is emptied: conn must be connected to a
// database made for the replay.
//
// A C function whose shared library the server does not have (OpenStreetMap's
// libpgosm) is left out, with the statements about it (its comment,
// owner, grants), and reported as a finding; a later statement that
// uses it stops the replay with a message naming it.
//
// The files psql's \i and \ir include (the PostgREST starter kit's
// \ir user.sql) are read and run where the command stands, as psql
// runs them: \i names a file from the working directory, \ir from the
// directory of the file holding it. They were skipped as any other
// meta-command, and their tables silently left out.
func ApplyDDL(ctx context.Context, conn *pgx.Conn, file, src string) ([]Finding, error) {
	r := &ddlRun{left: map[string]string{}}
	err := r.apply(ctx, conn, file, src, 0)
	return r.findings, err
}

// maxIncludeDepth is how deep \i and \ir may nest: deeper is taken for
// a file including itself.
const maxIncludeDepth = 32

// ddlRun is the state of ApplyDDL across a file and those it includes.
type ddlRun struct {
	findings    []Finding
	left        map[string]string // the functions left out, by name: their finding's name
	skipped     int               // the statements writing rows left out
	lastSkipped int               // the line of the last
	roles       map[string]bool   // the missing roles ownership statements named, reported
}

// apply runs the statements of src, the file named file, included at
// the given depth (0 for a file of --sql).
func (r *ddlRun) apply(ctx context.Context, conn *pgx.Conn, file, src string, depth int) error {
	stmts, err := SplitDDL(src)
	if cond := (*ConditionalError)(nil); errors.As(err, &cond) {
		return fmt.Errorf("%s: %w, or run the file with psql and import from that database (--url)", file, err)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	left := r.left
	for _, s := range stmts {
		if s.Include != "" {
			path := s.Include
			if s.Relative && !filepath.IsAbs(path) {
				path = filepath.Join(filepath.Dir(file), path)
			}
			if depth >= maxIncludeDepth {
				return fmt.Errorf("%s:%d: %s: includes nest deeper than %d; does a file include itself?", file, s.Line, path, maxIncludeDepth)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return fmt.Errorf("%s:%d: include %w", file, s.Line, err)
			}
			if err := r.apply(ctx, conn, path, string(data), depth+1); err != nil {
				return err
			}
			continue
		}
		if dataStatement(s.SQL) {
			r.skipped, r.lastSkipped = r.skipped+1, s.Line
			continue
		}
		if databaseStatement(s.SQL) {
			continue
		}
		if s.Gexec {
			stmts, err := GexecStatements(ctx, conn, s.SQL)
			if err != nil {
				return &DDLError{File: file, Line: s.Line, Statement: clipStatement(s.SQL), Err: err}
			}
			for _, g := range stmts {
				if err := r.apply(ctx, conn, fmt.Sprintf("%s:%d (\\gexec)", file, s.Line), g, depth); err != nil {
					return err
				}
			}
			continue
		}
		// Inside a transaction block the file began, a statement that may
		// be left out below runs under a savepoint, so that the block
		// goes on without it.
		guard := ownershipStatement(s.SQL) && conn.PgConn().TxStatus() == 'T'
		if guard {
			if _, err := conn.Exec(ctx, "SAVEPOINT cpcgen_import"); err != nil {
				return &DDLError{File: file, Line: s.Line, Statement: clipStatement(s.SQL), Err: err}
			}
		}
		_, err := conn.Exec(ctx, s.SQL, pgx.QueryExecModeSimpleProtocol)
		if guard {
			undo := "RELEASE SAVEPOINT cpcgen_import"
			if err != nil {
				undo = "ROLLBACK TO SAVEPOINT cpcgen_import"
			}
			if _, uerr := conn.Exec(ctx, undo); uerr != nil && err == nil {
				err = uerr
			}
		}
		if onRows(conn, err) {
			// Rows a statement run before left (a DO block's INSERT)
			// are no part of the schema: empty the tables and try again.
			if _, terr := conn.Exec(ctx, truncateAll); terr != nil {
				return fmt.Errorf("%s:%d: empty the tables to run the statement again after %w: %w", file, s.Line, err, terr)
			}
			_, err = conn.Exec(ctx, s.SQL, pgx.QueryExecModeSimpleProtocol)
		}
		if err == nil || unknownSetting(s.SQL, err) || ExistingSchema(s.SQL, err) {
			continue
		}
		if role := missingRole(err); role != "" && ownershipStatement(s.SQL) {
			// Ownership and privileges are deployment's, which specs do
			// not carry: a pg_dump without --no-owner names roles the
			// server replaying it need not have.
			if !r.roles[role] {
				if r.roles == nil {
					r.roles = map[string]bool{}
				}
				r.roles[role] = true
				r.findings = append(r.findings, Finding{Kind: "role", Name: role, Action: NotImported,
					Why: fmt.Sprintf("the server replaying the DDL has no such role, so the statements giving it objects or privileges (OWNER TO, GRANT, REVOKE, ALTER DEFAULT PRIVILEGES, SET ROLE; the first at %s:%d) are left out: specs and migrations do not carry ownership and privileges, which belong to deployment", file, s.Line)})
			}
			continue
		}
		var pgErr *pgconn.PgError
		errors.As(err, &pgErr)
		name, sig := cFunction(s.SQL)
		switch {
		case pgErr != nil && pgErr.Code == "58P01" && name != "":
			left[name] = sig
			r.findings = append(r.findings, Finding{Kind: "function", Name: sig, Action: NotImported,
				Why: fmt.Sprintf("LANGUAGE c, and the server replaying the DDL refused it (%s:%d: %s): add it as an sql_objects entry once the servers migrations run on have its library", file, s.Line, pgErr.Message)})
			continue
		case pgErr != nil && pgErr.Code == "42883" && left[functionTarget(s.SQL)] != "":
			continue // a statement about a function left out
		}
		de := &DDLError{File: file, Line: s.Line, Statement: clipStatement(s.SQL), Err: err}
		if pgErr != nil && pgErr.Code == "42883" {
			for n, sig := range left {
				if calls(s.SQL, n) {
					de.Hint = fmt.Sprintf("it uses function %s, left out above (a C function whose library the server does not have): give a --dev-url whose server has that library, or import from the database itself (--url)", sig)
					break
				}
			}
		}
		if lead := leadWords(s.SQL, 1); de.Hint == "" && r.skipped > 0 && (lead == "SELECT" || lead == "CALL" || lead == "DO") {
			// Code run by the file may read the rows it wrote before
			// (LedgerSMB's file_links_vrebuild() makes a view of the
			// names file_view_catalog's rows hold).
			de.Hint = fmt.Sprintf("the statement runs code, which may read rows the statements writing rows left out before it would have written (%d, the last at line %d): import from a database the file was run in (--url)", r.skipped, r.lastSkipped)
		}
		if pgErr != nil && pgErr.Position > 0 {
			pos := runeOffset(s.SQL, int(pgErr.Position)-1)
			de.ErrLine = s.Line + strings.Count(s.SQL[:pos], "\n")
			if name := psqlVariable(s.SQL[pos:]); de.Hint == "" && pgErr.Code == "42601" && name != "" {
				de.Hint = fmt.Sprintf("psql puts the value of its variable %s there (\\set %s …, psql -v %s=…), and import does not: write the value in the file, or run the file with psql and import from that database (--url)", name, name, name)
			}
		}
		return de
	}
	return nil
}

// GexecStatements runs query, which psql's \gexec ends, and returns the
// statements it makes: the values of its rows, row by row and left to
// right, nulls left out, as psql runs them.
func GexecStatements(ctx context.Context, conn *pgx.Conn, query string) ([]string, error) {
	rows, err := conn.Query(ctx, query, pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		for _, raw := range rows.RawValues() {
			if raw != nil {
				out = append(out, string(raw))
			}
		}
	}
	return out, rows.Err()
}

// onRows reports whether err is the server's refusal of a statement for
// the rows of a table (a data exception, an integrity constraint
// violation: SET NOT NULL on a column with nulls), outside a transaction
// block the file began, where the tables can be emptied.
func onRows(conn *pgx.Conn, err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (strings.HasPrefix(pgErr.Code, "22") || strings.HasPrefix(pgErr.Code, "23")) &&
		conn.PgConn().TxStatus() == 'I'
}

// truncateAll empties every table of the database but those of the
// system and of extensions (PostGIS's spatial_ref_sys holds the
// extension's rows).
const truncateAll = `DO $$
DECLARE tables text;
BEGIN
  SELECT string_agg(c.oid::regclass::text, ', ') INTO tables
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e');
  IF tables IS NOT NULL THEN
    EXECUTE 'TRUNCATE ' || tables || ' CASCADE';
  END IF;
END $$`

// cFunction returns the name of the function (procedure) stmt creates
// when it is LANGUAGE c, unquoted and without its schema, and its name
// with its arguments as written (for the report); "" otherwise.
func cFunction(stmt string) (name, sig string) {
	lead := leadWords(stmt, 4)
	if !strings.HasPrefix(lead, "CREATE FUNCTION") && !strings.HasPrefix(lead, "CREATE OR REPLACE FUNCTION") &&
		!strings.HasPrefix(lead, "CREATE PROCEDURE") && !strings.HasPrefix(lead, "CREATE OR REPLACE PROCEDURE") {
		return "", ""
	}
	toks, err := sqllex.Lex(stmt)
	if err != nil {
		return "", ""
	}
	c, open := false, -1
	for i, t := range toks {
		if t.Is("language") && i+1 < len(toks) {
			c = strings.EqualFold(strings.Trim(toks[i+1].Text, `'"`), "c")
		}
		if open < 0 && t.IsPunct("(") {
			open = i
		}
	}
	name = functionTarget(stmt)
	if !c || name == "" || open < 0 {
		return "", ""
	}
	end := len(stmt)
	if j := sqllex.Closing(toks, open); j >= 0 {
		end = toks[j].End()
	}
	head := stmt[:end]
	start := strings.LastIndexAny(head[:toks[open].Off], " \t\r\n")
	return name, strings.Join(strings.Fields(head[start+1:]), " ")
}

// functionTarget returns the name after the word FUNCTION or PROCEDURE
// in stmt (CREATE FUNCTION public.tile(…), COMMENT ON FUNCTION tile(…),
// GRANT ALL ON FUNCTION "tile"(…)), unquoted and without its schema,
// lower case unless quoted; "" when there is none.
func functionTarget(stmt string) string {
	toks, _ := sqllex.Lex(stmt)
	for i, t := range toks {
		if t.Is("FUNCTION") || t.Is("PROCEDURE") {
			return sqllex.NameAt(toks, i+1)
		}
	}
	return ""
}

// dataStatement reports whether stmt writes rows: INSERT, UPDATE (but
// of pg_settings, which sets the session's settings), DELETE, MERGE or
// TRUNCATE, or a WITH leading one of them. Import reads
// schemas, not data, and with the data of COPY left out, a row a file
// inserts may reference rows that are not there when its foreign key is
// added (AdventureWorks' install.sql). A statement that writes rows by
// other means (a DO block, a WITH query writing rows for a SELECT, a
// function called) runs, as it may change the schema too; ApplyDDL
// empties the tables if a later statement fails on the rows it left.
func dataStatement(stmt string) bool {
	toks, err := sqllex.Lex(stmt)
	if err != nil || len(toks) == 0 {
		return false
	}
	lead := toks[0]
	if lead.Is("with") {
		lead = withMain(toks)
	}
	if settingsUpdate(toks) {
		return false
	}
	for _, w := range []string{"insert", "update", "delete", "merge", "truncate"} {
		if lead.Is(w) {
			return true
		}
	}
	return false
}

// settingsUpdate reports whether toks are an UPDATE of pg_settings,
// which writes no row but sets the session's settings, as SET does
// (Spacewalk's schema puts each package's schema first in the
// search_path so: update pg_settings set setting = 'rhn_channel,' ||
// setting where name = 'search_path').
func settingsUpdate(toks []sqllex.Tok) bool {
	if len(toks) < 2 || !toks[0].Is("update") {
		return false
	}
	rest := toks[1:]
	if rest[0].Is("only") {
		rest = rest[1:]
	}
	if len(rest) >= 3 && rest[0].Ident() == "pg_catalog" && rest[1].IsPunct(".") {
		rest = rest[2:]
	}
	return len(rest) > 0 && rest[0].Ident() == "pg_settings"
}

// withMain returns the first word of the statement a WITH clause leads,
// toks being the tokens of the whole: the first SELECT, INSERT, UPDATE,
// DELETE, MERGE, VALUES or TABLE outside parentheses after the
// parenthesis that closes the first query; a zero token when there is
// none.
func withMain(toks []sqllex.Tok) sqllex.Tok {
	leads := func(i int) bool {
		return slices.ContainsFunc([]string{"select", "insert", "update", "delete", "merge", "values", "table"}, toks[i].Is)
	}
	first := sqllex.Top(toks, 0, func(i int) bool { return toks[i].IsPunct("(") })
	if first == len(toks) || sqllex.Closing(toks, first) < 0 {
		return sqllex.Tok{}
	}
	if main := sqllex.Top(toks, sqllex.Closing(toks, first)+1, leads); main < len(toks) && leads(main) {
		return toks[main]
	}
	return sqllex.Tok{}
}

// databaseStatement reports whether stmt creates or drops a database
// (a script that makes its own, as Chinook's does, then \connects to
// it): import replays into a database of its own, and must not create or
// drop others on the server of --dev-url.
func databaseStatement(stmt string) bool {
	lead := leadWords(stmt, 2)
	return lead == "CREATE DATABASE" || lead == "DROP DATABASE"
}

// leadWords returns the first n words of stmt in upper case, one space
// between them (fewer when stmt has fewer), without reading further.
func leadWords(stmt string, n int) string {
	var words []string
	rest := strings.TrimLeft(stmt, " \t\r\n(")
	for len(words) < n && rest != "" {
		end := strings.IndexAny(rest, " \t\r\n(")
		if end < 0 {
			end = len(rest)
		}
		words = append(words, strings.ToUpper(rest[:end]))
		rest = strings.TrimLeft(rest[end:], " \t\r\n")
	}
	return strings.Join(words, " ")
}

// OwnershipOfMissingRole reports whether err is the server's refusal of
// stmt, a statement giving an object an owner or privileges (see
// ownershipStatement), for a role it does not have; such a statement
// changes nothing specs carry, and a replay may leave it out.
func OwnershipOfMissingRole(stmt string, err error) bool {
	return missingRole(err) != "" && ownershipStatement(stmt)
}

// missingRole returns the role err, the server's refusal of a
// statement, says does not exist (undefined_object; for SET ROLE and SET
// SESSION AUTHORIZATION, invalid_parameter_value), or "".
func missingRole(err error) string {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "42704" && pgErr.Code != "22023" {
		return ""
	}
	if m := missingRoleRE.FindStringSubmatch(pgErr.Message); m != nil {
		return m[1]
	}
	return ""
}

var missingRoleRE = regexp.MustCompile(`^role "(.*)" does not exist$`)

// ownershipStatement reports whether stmt only gives an object an owner
// or privileges, or changes the role the statements after it run as:
// ALTER … OWNER TO, GRANT, REVOKE, ALTER DEFAULT PRIVILEGES, SET ROLE,
// SET SESSION AUTHORIZATION.
func ownershipStatement(stmt string) bool {
	switch lead := leadWords(stmt, 3); {
	case strings.HasPrefix(lead, "GRANT "), strings.HasPrefix(lead, "REVOKE "),
		lead == "ALTER DEFAULT PRIVILEGES", strings.HasPrefix(lead, "SET ROLE"),
		strings.HasPrefix(lead, "SET SESSION AUTHORIZATION"), strings.HasPrefix(lead, "SET LOCAL ROLE"):
		return true
	case strings.HasPrefix(lead, "ALTER "):
		toks, err := sqllex.Lex(stmt)
		if err != nil {
			return false
		}
		for i := 0; i+2 < len(toks); i++ {
			if toks[i].Is("owner") && toks[i+1].Is("to") && i+3 == len(toks) {
				return true
			}
		}
	}
	return false
}

// ExistingSchema reports whether err is the server's refusal of stmt, a
// plain CREATE SCHEMA (no IF NOT EXISTS, AUTHORIZATION or elements),
// because the schema exists: pg_dump --schema public writes CREATE
// SCHEMA public, which every new database already has, so a replay into
// one stopped at it. The schema being there, a replay goes on.
func ExistingSchema(stmt string, err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "42P06" && plainCreateSchemaRE.MatchString(stmt)
}

var plainCreateSchemaRE = regexp.MustCompile(`(?is)^\s*CREATE\s+SCHEMA\s+(?:[a-z_][a-z0-9_$]*|"(?:[^"]|"")+")\s*;?\s*$`)

// unknownSetting reports whether err is the server's refusal of a
// session setting it does not know, stmt being a SET or set_config (a
// newer pg_dump's SET transaction_timeout = 0 on an older server): such
// a setting does not change the schema, and is skipped.
func unknownSetting(stmt string, err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "42704" ||
		!strings.HasPrefix(pgErr.Message, "unrecognized configuration parameter") && pgErr.Routine != "find_option" { // the routine, where the message is translated
		return false
	}
	lead := leadWords(stmt, 2)
	return strings.HasPrefix(lead, "SET ") && lead != "SET ROLE" || lead == "SELECT PG_CATALOG.SET_CONFIG"
}

func runeOffset(s string, n int) int {
	i := 0
	for off := range s {
		if i == n {
			return off
		}
		i++
	}
	return len(s)
}

// includeCommand returns the file a psql meta-command line names when
// it is \i, \include, \ir or \include_relative, and whether it is
// named from the directory of the file holding it; ok is false for
// another command. A name in single quotes is unquoted, as psql does.
func includeCommand(line string) (file string, relative, ok bool) {
	line = strings.TrimSpace(line)
	cmd, arg := line, ""
	if i := strings.IndexAny(line, " \t"); i >= 0 {
		cmd, arg = line[:i], line[i:]
	}
	switch cmd {
	case `\i`, `\include`:
	case `\ir`, `\include_relative`:
		relative = true
	default:
		return "", false, false
	}
	arg = strings.TrimSpace(arg)
	if len(arg) >= 2 && arg[0] == '\'' && arg[len(arg)-1] == '\'' {
		arg = strings.ReplaceAll(arg[1:len(arg)-1], "''", "'")
	}
	if arg == "" {
		return "", false, false
	}
	return arg, relative, true
}

func clipStatement(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		s = s[:197] + "…"
	}
	return s
}

// psqlVariable returns the name of the psql variable interpolated at the
// start of s (:name, :'name', :"name", :{?name}), or "".
func psqlVariable(s string) string {
	m := psqlVariableRE.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	return m[1] + m[2] + m[3] + m[4]
}

var psqlVariableRE = regexp.MustCompile(`^:(?:([A-Za-z_][A-Za-z0-9_]*)|'([A-Za-z_][A-Za-z0-9_]*)'|"([A-Za-z_][A-Za-z0-9_]*)"|\{\?([A-Za-z_][A-Za-z0-9_]*)\})`)

// conditional reports whether the psql meta-command line opens (\if),
// continues (\elif, \else) or closes (\endif) a conditional block.
func conditional(line string) string {
	switch c := metaCommand(line); c {
	case `\if`, `\elif`, `\else`, `\endif`:
		return c
	}
	return ""
}

// ConditionalError is SplitDDL's error for a statement (or an include)
// between psql's \if and \endif, which it does not evaluate.
type ConditionalError struct {
	// Line is the statement's line, If the line of the \if.
	Line, If int
}

// Error names the lines and says what to do.
func (e *ConditionalError) Error() string {
	return fmt.Sprintf("line %d: a statement inside psql's \\if of line %d: psql's conditionals are not evaluated here, and running every branch would make what psql does not; keep the branch that applies", e.Line, e.If)
}

// SplitDDL splits SQL text into statements at top-level semicolons,
// understanding quoted strings and identifiers, dollar quotes, comments,
// BEGIN ATOMIC bodies and parentheses (as psql, a semicolon inside them,
// as between the actions of CREATE RULE … DO ( …; … ), ends no
// statement); it drops psql meta-commands and COPY data. A statement
// (or an include) between psql's \if and \endif is an error: import does
// not evaluate conditionals, and running every branch, as it did, made
// what psql would not.
func SplitDDL(src string) ([]Statement, error) {
	var out []Statement
	line := 1
	start, startLine := -1, 0
	atomic, parens := 0, 0
	var conds []int // the lines of the \if blocks open
	var condErr error
	inCond := func(at int) {
		if len(conds) > 0 && condErr == nil {
			condErr = &ConditionalError{Line: at, If: conds[len(conds)-1]}
		}
	}
	flush := func(end int) {
		if start >= 0 {
			text := strings.TrimSpace(src[start:end])
			if text != "" {
				inCond(startLine)
				out = append(out, Statement{SQL: text, Line: startLine})
			}
		}
		start = -1
	}
	prev := sqllex.Tok{} // the statement's token before t
	for i := 0; i < len(src); {
		t, ok, err := sqllex.Next(src, i)
		if err != nil {
			le := err.(*sqllex.Error)
			return nil, fmt.Errorf("line %d: %s", line+strings.Count(src[i:le.Off], "\n"), le.Msg)
		}
		if !ok {
			break
		}
		line += strings.Count(src[i:t.Off], "\n")
		if t.IsPunct(`\`) && (start < 0 || atomic == 0 && parens == 0 && sendsBuffer(src[t.Off:])) {
			// A psql meta-command, anywhere outside quotes, runs to the
			// end of its line. Between statements it is skipped (or
			// includes a file); \g and its kin end the statement before
			// them, as a semicolon would, and \gexec marks it to have
			// its rows' values run as statements.
			j := t.Off
			i = j + strings.IndexByte(src[j:]+"\n", '\n')
			if start >= 0 {
				gexec := metaCommand(src[j:i]) == `\gexec`
				flush(j)
				if gexec && len(out) > 0 {
					out[len(out)-1].Gexec = true
				}
				continue
			}
			switch conditional(src[j:i]) {
			case `\if`:
				conds = append(conds, line)
			case `\endif`:
				if len(conds) > 0 {
					conds = conds[:len(conds)-1]
				}
			}
			if inc, rel, ok := includeCommand(src[j:i]); ok {
				inCond(line)
				out = append(out, Statement{Line: line, Include: inc, Relative: rel})
			}
			continue
		}
		i = t.End()
		if t.IsPunct(";") && atomic == 0 && parens == 0 {
			flush(t.Off)
			prev = sqllex.Tok{}
			if copyFromStdin(out) {
				// Skip the data up to the line holding \. alone.
				for i < len(src) {
					j := strings.IndexByte(src[i:], '\n')
					var l string
					if j < 0 {
						l, i = src[i:], len(src)
					} else {
						l = src[i : i+j]
						i += j + 1
						line++
					}
					if strings.TrimSpace(l) == `\.` {
						break
					}
				}
				out = out[:len(out)-1]
			}
			continue
		}
		if start < 0 {
			start, startLine = t.Off, line
		}
		line += strings.Count(t.Text, "\n")
		switch {
		case t.Is("atomic") && prev.Is("begin"):
			atomic = 1
		case atomic > 0 && t.Is("case"):
			atomic++
		case atomic > 0 && t.Is("end"):
			atomic--
		case t.IsPunct("("):
			parens++
		case t.IsPunct(")") && parens > 0:
			parens--
		}
		prev = t
	}
	flush(len(src))
	if condErr != nil {
		return nil, condErr
	}
	return out, nil
}

// metaCommand returns the name of the psql meta-command at the start of
// line, backslash included (\gexec of "\gexec" or "\g out.txt").
func metaCommand(line string) string {
	j := 1
	for j < len(line) && (line[j] >= 'a' && line[j] <= 'z' || line[j] >= 'A' && line[j] <= 'Z' || line[j] == '_') {
		j++
	}
	return line[:j]
}

// sendsBuffer reports whether the psql meta-command at the start of s
// sends the statement before it to the server, as a semicolon does:
// \g (\g file), \gx, \gset and \gexec.
func sendsBuffer(s string) bool {
	switch metaCommand(s) {
	case `\g`, `\gx`, `\gset`, `\gexec`:
		return true
	}
	return false
}

// copyFromStdin reports whether the last statement is COPY … FROM stdin,
// whose data follows it in the file.
func copyFromStdin(stmts []Statement) bool {
	return len(stmts) > 0 && fromStdin(stmts[len(stmts)-1].SQL)
}

// fromStdin reports whether stmt is COPY … FROM stdin, with or without
// options after stdin (WITH DELIMITER '|', (FORMAT csv)).
func fromStdin(stmt string) bool {
	return leadWords(stmt, 1) == "COPY" && copyStdin.MatchString(stmt)
}

var copyStdin = regexp.MustCompile(`(?is)\bFROM\s+STDIN\b`)
