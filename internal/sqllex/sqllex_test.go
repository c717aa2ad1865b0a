package sqllex

import (
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"path/filepath"
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

// TestStructure: Closing, Split and Top on plain text.
func TestStructure(t *testing.T) {
	toks, err := Lex(`a(b[1], (c, d)), e AND f)`)
	if err != nil {
		t.Fatal(err)
	}
	if got := Closing(toks, 1); got != 12 {
		t.Errorf("Closing(1) = %d", got)
	}
	if got := Closing(toks, 3); got != 5 {
		t.Errorf("Closing(3) = %d", got)
	}
	if got := Closing(toks[:12], 1); got != -1 {
		t.Errorf("Closing of an unclosed parenthesis = %d", got)
	}
	parts := Split(toks[:17], Comma)
	if len(parts) != 2 || NormText(parts[0]) != "a ( b [ 1 ] , ( c , d ) )" || NormText(parts[1]) != "e and f" {
		t.Errorf("Split = %v", parts)
	}
	if got := Split(nil, Comma); got != nil {
		t.Errorf("Split(nil) = %v", got)
	}
	if got := Split(toks[13:14], Comma); len(got) != 2 || len(got[0]) != 0 || len(got[1]) != 0 {
		t.Errorf("Split(,) = %v", got)
	}
	and := func(i int) bool { return toks[i].Is("and") }
	if got := Top(toks, 0, and); got != 15 {
		t.Errorf("Top(and) = %d", got)
	}
	if got := Top(toks[:17], 0, func(i int) bool { return toks[i].Is("c") }); got != 17 {
		t.Errorf("Top(c) = %d, want none", got)
	}
	if got := Top(toks, 8, and); got != 11 {
		t.Errorf("Top from inside a parenthesis = %d, want its closing one", got)
	}
}

// TestLexPartial: the tokens before text that never ends come with the
// error.
func TestLexPartial(t *testing.T) {
	toks, err := Lex(`SELECT 'a', 'b`)
	if err == nil || len(toks) != 3 || toks[2].Text != "," {
		t.Errorf("%v %v", toks, err)
	}
}

// TestStandardLibraryOnly: the runtime imports this package, and apps
// import the runtime, so it must stay free of other modules.
func TestStandardLibraryOnly(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range parsed.Imports {
			if path := strings.Trim(imp.Path.Value, `"`); strings.Contains(strings.Split(path, "/")[0], ".") {
				t.Errorf("%s imports %s: keep package sqllex to the standard library", f, path)
			}
		}
	}
}

// TestStatements: statements end at semicolons outside quotes, comments,
// BEGIN ATOMIC bodies and parentheses; empty ones are dropped.
func TestStatements(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want []string
	}{
		{"SELECT 1; SELECT 2;", []string{"SELECT 1", "SELECT 2"}},
		{"SELECT ';' ; SELECT E'\\';' ; SELECT $x$;$x$;", []string{"SELECT ';'", "SELECT E'\\';'", "SELECT $x$;$x$"}},
		{"SELECT \"a;b\" /* ; /* nested ; */ */ FROM t -- ;\n;", []string{`SELECT "a;b" /* ; /* nested ; */ */ FROM t`}},
		{"CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; SELECT 2; END; SELECT 3",
			[]string{"CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; SELECT 2; END", "SELECT 3"}},
		{"CREATE RULE r AS ON DELETE TO t DO ( DELETE FROM a WHERE (a.id = old.id); DELETE FROM b; ); SELECT 3",
			[]string{"CREATE RULE r AS ON DELETE TO t DO ( DELETE FROM a WHERE (a.id = old.id); DELETE FROM b; )", "SELECT 3"}},
		{";;", nil},
	} {
		toks, err := Lex(tc.src)
		if err != nil {
			t.Errorf("%q: %v", tc.src, err)
			continue
		}
		var got []string
		for _, st := range Statements(toks) {
			got = append(got, tc.src[st[0].Off:st[len(st)-1].End()])
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%q: got %q, want %q", tc.src, got, tc.want)
		}
	}
}

// TestNameAt reads the last part of a possibly qualified name: quoted
// parts unquoted (a doubled quote, a dot or a space inside kept), plain
// ones in lower case.
func TestNameAt(t *testing.T) {
	for src, want := range map[string]string{
		`ALTER TYPE "a""b" ADD VALUE 'x'`:       `a"b`,
		`ALTER TYPE "s"."t" ADD VALUE 'x'`:      "t",
		`ALTER TYPE App.Mood ADD VALUE 'x'`:     "mood",
		`ALTER TYPE "my.type" RENAME TO x`:      "my.type",
		`ALTER TYPE "s x"."t ADD VALUE y" DROP`: "t ADD VALUE y",
		`ALTER TYPE`:                            "",
	} {
		toks, err := Lex(src)
		if err != nil {
			t.Fatal(err)
		}
		if got := NameAt(toks, 2); got != want {
			t.Errorf("NameAt(%q) = %q, want %q", src, got, want)
		}
	}
}

// TestAtomicBody finds BEGIN ATOMIC as two keywords in a row, not in
// the text of a string, a comment or a name.
func TestAtomicBody(t *testing.T) {
	for src, want := range map[string]bool{
		"CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END":               true,
		"CREATE FUNCTION f() RETURNS int LANGUAGE sql\nbegin /* body */ atomic\nSELECT 1;\nEND": true,
		"CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 -- BEGIN ATOMIC\n $$":      false,
		"CREATE FUNCTION f() RETURNS text LANGUAGE sql AS 'SELECT ''BEGIN ATOMIC'''":            false,
		"CREATE FUNCTION \"BEGIN ATOMIC\"() RETURNS int LANGUAGE sql AS 'SELECT 1'":             false,
		"CREATE FUNCTION f() /* BEGIN ATOMIC */ RETURNS int LANGUAGE sql AS 'SELECT 1'":         false,
		"CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$":         false,
		"CREATE FUNCTION f(begin int, atomic int) RETURNS int LANGUAGE sql AS 'SELECT 1'":       false,
	} {
		if got := AtomicBody(src); got != want {
			t.Errorf("AtomicBody(%q) = %v, want %v", src, got, want)
		}
	}
}
