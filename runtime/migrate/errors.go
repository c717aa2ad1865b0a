package migrate

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cpcgen/cpcgen/runtime"
)

// StatementError reports a statement of a migration file that failed. The
// transaction of the file was rolled back: nothing of it persists and no
// revision was recorded (unless the file runs outside a transaction).
//
// It wraps a *runtime.DbError, so errors.Is(err, runtime.ErrConflict) and
// errors.As(err, &dbErr) work, and through it the *pgconn.PgError.
type StatementError struct {
	// File is the migration file; Index the statement's 0-based index in
	// its part (up or down); Line the 1-based line it starts on.
	File  string
	Index int
	Line  int
	// Statement is the statement's SQL text.
	Statement string
	// ErrLine and ErrCol locate the server's error position in the
	// file, when the server gave one (0 otherwise).
	ErrLine int
	ErrCol  int
	// Err is the *runtime.DbError of the failure.
	Err error
}

// Error names the file, the statement and the server's message, as in
// `migrate: 000003_orders.up.sql:12: statement 2 (ALTER TABLE "orders" …)
// failed: column "totl" does not exist (SQLSTATE 42703) at line 13,
// column 9`, then the server's hint, if it gave one.
func (e *StatementError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "migrate: %s:%d: statement %d (%s) failed: ", e.File, e.Line, e.Index+1, Statement{SQL: e.Statement}.FirstLine())
	var pgErr *pgconn.PgError
	if errors.As(e.Err, &pgErr) {
		b.WriteString(pgErr.Message)
		if pgErr.Detail != "" {
			b.WriteString(" (" + pgErr.Detail + ")")
		}
		fmt.Fprintf(&b, " (SQLSTATE %s)", pgErr.Code)
	} else {
		b.WriteString(e.Err.Error())
	}
	if e.ErrLine > 0 {
		fmt.Fprintf(&b, " at line %d, column %d", e.ErrLine, e.ErrCol)
	}
	if pgErr != nil && pgErr.Hint != "" {
		b.WriteString("; hint: " + pgErr.Hint)
	}
	if validateFailed(e.Statement, pgErr) {
		b.WriteString("; rows already in the table break the constraint, which an earlier statement added NOT VALID (it holds for new rows): " +
			"correct those rows (for a NOT NULL being set, the rows holding NULL), then run the migrations again, which resume at this statement")
	}
	return b.String()
}

// validateFailed reports whether a VALIDATE CONSTRAINT (of a check or a
// foreign key added NOT VALID, as a lock-safe plan does) failed on the
// rows already there.
func validateFailed(stmt string, pgErr *pgconn.PgError) bool {
	if pgErr == nil || pgErr.Code != "23514" && pgErr.Code != "23503" {
		return false
	}
	upper := strings.ToUpper(stmt)
	return strings.HasPrefix(strings.TrimSpace(upper), "ALTER TABLE") && strings.Contains(upper, " VALIDATE CONSTRAINT ")
}

// Unwrap returns the *runtime.DbError.
func (e *StatementError) Unwrap() error { return e.Err }

// newStatementError wraps the failure of statement s. shift is the length
// of a comment the runner put before the statement's text, which the
// server's error position counts.
func newStatementError(file string, index int, s Statement, err error, shift int) error {
	e := &StatementError{File: file, Index: index, Line: s.Line, Statement: s.SQL, Err: runtime.Wrap(err, "migrate "+file, "")}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Position > int32(shift) {
		pgErr.Position -= int32(shift)
		// Position counts characters (not bytes) of the statement, from 1.
		line, col := s.Line, 1
		n := 0
		for _, r := range s.SQL {
			n++
			if n == int(pgErr.Position) {
				break
			}
			if r == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
		}
		if s.Line > 0 {
			e.ErrLine, e.ErrCol = line, col
		}
	}
	return e
}

// dbError wraps a failure of the runner's own bookkeeping.
func dbError(what string, err error) error {
	return fmt.Errorf("migrate: %w", wrapDB(what, err))
}

// wrapDB wraps a database error with what the runner was doing.
func wrapDB(what string, err error) error {
	return fmt.Errorf("%s: %w", what, runtime.Wrap(err, "migrate", ""))
}
