package spec

import (
	"fmt"
	"strings"

	"github.com/cpcgen/cpcgen/internal/sqllex"
)

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

// clipSQL quotes the start of a statement for a message: its first
// line, clipped.
func clipSQL(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = strings.TrimSpace(s[:i]) + " …"
	}
	return fmt.Sprintf("%q", clip(s))
}
