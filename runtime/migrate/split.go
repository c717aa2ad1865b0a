package migrate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/cpcgen/cpcgen/internal/sqllex"
)

// Statement is one SQL statement of a migration file.
type Statement struct {
	// SQL is the statement's text without the terminating semicolon and
	// without the comments and blank lines before it.
	SQL string
	// Offset is the byte offset of SQL in the file, and Line its 1-based
	// line number there.
	Offset int
	Line   int

	kind     statementKind
	backfill *backfillDirective
}

// FirstLine returns the statement's first line, cut to 80 bytes, for
// messages.
func (s Statement) FirstLine() string {
	line := s.SQL
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = line[:i] + " …"
	}
	if len(line) > 80 {
		line = line[:77] + "…"
	}
	return line
}

// splitStatements splits SQL text into statements as psql does
// (sqllex.Statements): at semicolons outside strings, quoted identifiers,
// dollar-quoted bodies, comments, the BEGIN ATOMIC … END bodies of
// SQL-standard functions and parentheses (those between the actions of
// CREATE RULE … DO ( …; … )). A statement's text runs from its first
// token to its semicolon, comments before that included. base is the
// offset of src in its file, for positions.
func splitStatements(file string, src string, base int, lineOf func(int) int) ([]Statement, error) {
	toks, lexErr := lex(src)
	if lexErr != nil {
		return nil, fmt.Errorf("%s: line %d: %s", file, lineOf(base+lexErr.Off), lexErr.Msg)
	}
	var out []Statement
	for _, st := range sqllex.Statements(toks) {
		start, end := st[0].Off, len(src)
		// The semicolon ending the statement is the token after its last.
		if next := sort.Search(len(toks), func(k int) bool { return toks[k].Off >= st[len(st)-1].End() }); next < len(toks) {
			end = toks[next].Off
		}
		out = append(out, Statement{
			SQL:    strings.TrimRight(src[start:end], " \t\n\r\f\v"),
			Offset: base + start,
			Line:   lineOf(base + start),
		})
	}
	return out, nil
}
