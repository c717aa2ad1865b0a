package spec

import (
	"fmt"
	"strings"

	"github.com/cpcgen/cpcgen/internal/sqllex"
)

// sqlStmt is one statement of SQL text: its tokens, without the
// terminating semicolon.
type sqlStmt struct {
	toks []sqllex.Tok
}

// start and end are the byte offsets of the statement's first token and
// of the end of its last.
func (s sqlStmt) start() int { return s.toks[0].Off }
func (s sqlStmt) end() int   { return s.toks[len(s.toks)-1].End() }

// splitSQL splits tokens into statements at semicolons outside the
// BEGIN ATOMIC … END body of an SQL-standard function and outside
// parentheses (those between the actions of CREATE RULE … DO ( …; … )).
// Empty statements are dropped.
func splitSQL(toks []sqllex.Tok) []sqlStmt {
	var out []sqlStmt
	start, atomic, parens := 0, 0, 0
	for i, t := range toks {
		switch {
		case t.IsPunct("("):
			parens++
		case t.IsPunct(")"):
			if parens > 0 {
				parens--
			}
		case atomic == 0 && t.Is("atomic") && i > 0 && toks[i-1].Is("begin"):
			atomic = 1
		case atomic > 0 && t.Is("case"):
			atomic++
		case atomic > 0 && t.Is("end"):
			atomic--
		case atomic == 0 && parens == 0 && t.IsPunct(";"):
			if i > start {
				out = append(out, sqlStmt{toks: toks[start:i]})
			}
			start = i + 1
		}
	}
	if start < len(toks) {
		out = append(out, sqlStmt{toks: toks[start:]})
	}
	return out
}

// sourceOf returns the source text from the first token to the end of
// the last, as written.
func sourceOf(src string, toks []sqllex.Tok) string {
	if len(toks) == 0 {
		return ""
	}
	return src[toks[0].Off:toks[len(toks)-1].End()]
}

// qualName is a possibly schema-qualified name in SQL text.
type qualName struct {
	schema, name string
	// text is the name as written ("app"."Notes"); off its offset.
	text string
	off  int
}

// String is the name as cpcgen writes it: schema.name or name.
func (q qualName) String() string {
	if q.schema != "" {
		return q.schema + "." + q.name
	}
	return q.name
}

// readQualName reads a name of one or two parts at toks[i]; n is the
// number of tokens it took, 0 when there is no name there.
func readQualName(src string, toks []sqllex.Tok, i int) (qualName, int) {
	isName := func(j int) bool {
		return j < len(toks) && (toks[j].Kind == sqllex.Word || toks[j].Kind == sqllex.Quoted)
	}
	if !isName(i) {
		return qualName{}, 0
	}
	q := qualName{name: toks[i].Ident(), off: toks[i].Off}
	n := 1
	if i+2 < len(toks) && toks[i+1].IsPunct(".") && isName(i+2) {
		q.schema, q.name = q.name, toks[i+2].Ident()
		n = 3
	}
	q.text = sourceOf(src, toks[i:i+n])
	return q, n
}

// closing returns the index of the parenthesis closing the one at
// toks[i], or -1.
func closing(toks []sqllex.Tok, i int) int {
	depth := 0
	for j := i; j < len(toks); j++ {
		switch {
		case toks[j].IsPunct("(") || toks[j].IsPunct("["):
			depth++
		case toks[j].IsPunct(")") || toks[j].IsPunct("]"):
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// splitTopLevel splits tokens at the commas outside parentheses.
func splitTopLevel(toks []sqllex.Tok) [][]sqllex.Tok {
	var out [][]sqllex.Tok
	depth, start := 0, 0
	for i, t := range toks {
		switch {
		case t.IsPunct("(") || t.IsPunct("["):
			depth++
		case t.IsPunct(")") || t.IsPunct("]"):
			depth--
		case depth == 0 && t.IsPunct(","):
			out = append(out, toks[start:i])
			start = i + 1
		}
	}
	if start < len(toks) {
		out = append(out, toks[start:])
	}
	return out
}

// clipSQL quotes the start of a statement for a message: its first
// line, clipped.
func clipSQL(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = strings.TrimSpace(s[:i]) + " …"
	}
	return fmt.Sprintf("%q", clip(s))
}
