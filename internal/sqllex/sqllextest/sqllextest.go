// Package sqllextest holds SQL text that trips scanners which track
// parentheses, commas and semicolons without reading every quoting form
// PostgreSQL has. The tests of each package that scans SQL embed these
// pieces into statements of their own and check that the statements
// split, nest and keep their text as PostgreSQL reads them.
package sqllextest

// Hostile is one expression whose text holds a parenthesis, a comma, a
// semicolon, a quote or a comment opener that is not what it seems
// outside its quotes or comment.
type Hostile struct {
	// Name says which quoting form it exercises.
	Name string
	// SQL is the expression, usable wherever a value is (SELECT <SQL>).
	SQL string
}

// Cases lists every quoting form of PostgreSQL with the characters a
// scanner must not count inside it.
var Cases = []Hostile{
	{"string with close paren", `')'`},
	{"string with open paren", `'('`},
	{"string with comma and semicolon", `',;'`},
	{"string with doubled quote", `'it''s ); ('`},
	{"string holding a comment opener", `'/* -- '`},
	{"escape string with backslash quote", `E'\' ); ('`},
	{"escape string ending in backslash", `E'\\'`},
	{"lower-case escape string", `e'\'),;'`},
	{"escape string, quote then paren", `E'a\'b;)'`},
	{"string right after a word ending in e", `'x' LIKE'y\' ESCAPE '!'`},
	{"national string", `N'),;'`},
	{"bit string", `B'1010'`},
	{"hex string", `X'1F'`},
	{"unicode string with UESCAPE", `U&'d!0061t)' UESCAPE '!'`},
	{"adjacent string constants", "'a)'\n'b;'"},
	{"dollar quote", `$$ ) ; ' " $$`},
	{"tagged dollar quote holding $$", `$f$ $$ ); $f$`},
	{"dollar tag with digit and underscore", `$_1$ ),; $_1$`},
	{"quoted identifier with paren", `"a)b"`},
	{"quoted identifier with doubled quote", `"a"")b;"`},
	{"quoted identifier holding a quote", `"it's ("`},
	{"unicode quoted identifier", `U&"d\0061t),;"`},
	{"identifier with dollar signs", `a$b$c`},
	{"identifier ending in a dollar tag", `x$y$`},
	{"block comment", `/* ) ; ' */ 1`},
	{"nested block comment", `/* /* */ ) ; ' */ 1`},
	{"line comment", "1 -- ) ; ' /*\n"},
	{"comment opener in an identifier", `"/*"`},
	{"number with exponent", `1.5e-3`},
	{"cast and array subscript", `('{1,2}'::int[])[1]`},
}
