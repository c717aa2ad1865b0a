package importer

import (
	"strings"

	"github.com/cpcgen/cpcgen/internal/sqllex"
)

// keepExtractField quotes, in an expression or statement as PostgreSQL
// prints it, the field of each EXTRACT(field FROM …) that is not in
// lower case: EXTRACT(YEAR FROM d) becomes EXTRACT('YEAR' FROM d).
// PostgreSQL keeps the field as the text constant it was written with
// and prints that text bare, so extract('YEAR' from d) prints as
// EXTRACT(YEAR FROM d); read again, the bare word is folded to lower
// case, another constant, and the object PostgreSQL then prints back
// (a view's query, a check) differs from the original. Quoted, the
// field keeps its case, and prints back as it did. A field in lower case
// reads back the same either way and is left alone.
func keepExtractField(s string) string {
	if !containsFold(s, "extract") {
		return s
	}
	toks, err := sqllex.Lex(s)
	if err != nil {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i+3 < len(toks); i++ {
		if !toks[i].Is("extract") || !toks[i+1].IsPunct("(") || toks[i+2].Kind != sqllex.Word || !toks[i+3].Is("from") {
			continue
		}
		if f := toks[i+2]; f.Text != strings.ToLower(f.Text) {
			b.WriteString(s[last:f.Off])
			b.WriteString("'" + f.Text + "'")
			last = f.End()
		}
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// keepExtractFields applies keepExtractField to every expression and
// statement of the catalog that PostgreSQL printed from its parse tree,
// and to the functions, whose SQL-standard bodies (BEGIN ATOMIC …,
// RETURN …) and argument defaults are printed so; a body in quotes is
// a string to the lexer and stays as written.
func (cat *Catalog) keepExtractFields() {
	cat.mapPrinted(keepExtractField)
	for i := range cat.Functions {
		for j := range cat.Functions[i].Defs {
			cat.Functions[i].Defs[j] = keepExtractField(cat.Functions[i].Defs[j])
		}
	}
}
