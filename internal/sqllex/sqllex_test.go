package sqllex

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestLex: each kind of token, with comments and white space left out,
// and the offsets the tokens stand at.
func TestLex(t *testing.T) {
	for src, want := range map[string]string{
		`SELECT "a""b", 'it''s', E'\'', $f$ ; $f$ -- x` + "\n" + `/* /* */ */ 1.5e-3, $1`: `w:SELECT q:"a""b" p:, s:'it''s' p:, s:E'\'' p:, s:$f$ ; $f$ n:1.5e-3 p:, p:$1`,
		`a$b $$x$$ naïve`: `w:a$b s:$$x$$ w:naïve`,
		``:                ``,
	} {
		toks, err := Lex(src)
		if err != nil {
			t.Errorf("%q: %v", src, err)
			continue
		}
		var got []string
		for _, tk := range toks {
			if src[tk.Off:tk.End()] != tk.Text {
				t.Errorf("%q: token %q at %d", src, tk.Text, tk.Off)
			}
			got = append(got, fmt.Sprintf("%c:%s", "wqsnp"[tk.Kind], tk.Text))
		}
		if strings.Join(got, " ") != want {
			t.Errorf("%q:\n got %s\nwant %s", src, strings.Join(got, " "), want)
		}
	}
}

// TestLexUnterminated: text that never ends is an *Error at the offset
// where it begins.
func TestLexUnterminated(t *testing.T) {
	for src, off := range map[string]int{
		`SELECT 'a`:         7,
		`SELECT "a`:         7,
		`SELECT E'\'`:       8,
		`SELECT $x$ a $y$`:  7,
		`SELECT /* /* */ 1`: 7,
	} {
		_, err := Lex(src)
		var le *Error
		if !errors.As(err, &le) || le.Off != off {
			t.Errorf("%q: %v, want an error at %d", src, err, off)
		}
	}
}

// TestTok: keywords in any case, identifiers folded or unquoted.
func TestTok(t *testing.T) {
	toks, err := Lex(`Select "My""Name" ( Foo`)
	if err != nil {
		t.Fatal(err)
	}
	if !toks[0].Is("select") || toks[0].Norm() != "select" || toks[1].Ident() != `My"Name` || !toks[2].IsPunct("(") || toks[3].Ident() != "foo" || toks[2].Ident() != "" {
		t.Errorf("%+v", toks)
	}
}
