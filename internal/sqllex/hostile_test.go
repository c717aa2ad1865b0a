package sqllex

import (
	"testing"

	"github.com/cpcgen/cpcgen/internal/sqllex/sqllextest"
)

// TestHostile: no quoting form hides a parenthesis, comma or semicolon
// from Lex, Closing, Split and Statements, or shows one that is quoted.
func TestHostile(t *testing.T) {
	for _, h := range sqllextest.Cases {
		src := "SELECT f(" + h.SQL + ", x); SELECT 2"
		toks, err := Lex(src)
		if err != nil {
			t.Errorf("%s: %q: %v", h.Name, src, err)
			continue
		}
		stmts := Statements(toks)
		if len(stmts) != 2 || NormText(stmts[1]) != "select 2" {
			t.Errorf("%s: %q: %d statements", h.Name, src, len(stmts))
			continue
		}
		first := stmts[0]
		end := Closing(first, 2)
		if end != len(first)-1 {
			t.Errorf("%s: %q: the parenthesis closes at token %d of %d", h.Name, src, end, len(first))
			continue
		}
		args := Split(first[3:end], Comma)
		if len(args) != 2 || src[args[0][0].Off:args[0][len(args[0])-1].End()] != trimComment(h.SQL) {
			t.Errorf("%s: %q: arguments %v", h.Name, src, args)
		}
	}
}

// trimComment drops a line comment ending the hostile text, which no
// token holds.
func trimComment(s string) string {
	toks, _ := Lex(s)
	return s[toks[0].Off:toks[len(toks)-1].End()]
}
