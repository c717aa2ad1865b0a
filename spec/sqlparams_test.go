package spec

import (
	"errors"
	"reflect"
	"testing"
)

func TestRewriteParams(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		out    string
		params []ParamUse
	}{
		{"none", "SELECT 1", "SELECT 1", nil},
		{"one", "SELECT * FROM t WHERE id = @id", "SELECT * FROM t WHERE id = $1", []ParamUse{{"id", 27}}},
		{"order of first use", "@b + @a + @b", "$1 + $2 + $1", []ParamUse{{"b", 0}, {"a", 5}}},
		{"underscore and digits", "x = @user_id2", "x = $1", []ParamUse{{"user_id2", 4}}},
		{"leading underscore", "x = @_p", "x = $1", []ParamUse{{"_p", 4}}},
		{"after an equals sign", "x=@p", "x=$1", []ParamUse{{"p", 2}}},
		{"glued to an operator", "x<@p", "x<@p", nil},
		{"in parens", "f(@a,@b)", "f($1,$2)", []ParamUse{{"a", 2}, {"b", 5}}},
		{"after comma no space", "IN (@a,@b)", "IN ($1,$2)", []ParamUse{{"a", 4}, {"b", 7}}},
		{"cast", "@a::int", "$1::int", []ParamUse{{"a", 0}}},
		{"cast of column", "x::text = @a", "x::text = $1", []ParamUse{{"a", 10}}},
		{"string literal", "'@a' || @b", "'@a' || $1", []ParamUse{{"b", 8}}},
		{"doubled quote", "'it''s @a' = @b", "'it''s @a' = $1", []ParamUse{{"b", 13}}},
		{"escape string", `E'\'@a' = @b`, `E'\'@a' = $1`, []ParamUse{{"b", 10}}},
		{"lower escape string", `e'\\' = @b`, `e'\\' = $1`, []ParamUse{{"b", 8}}},
		{"identifier ending in e", `sizee'@a'`, `sizee'@a'`, nil},
		{"dollar quoted", "$$ @a $$ || @b", "$$ @a $$ || $1", []ParamUse{{"b", 12}}},
		{"tagged dollar quote", "$fn$ @a $x$ $fn$ @b", "$fn$ @a $x$ $fn$ $1", []ParamUse{{"b", 17}}},
		{"quoted identifier", `"@a" = @b`, `"@a" = $1`, []ParamUse{{"b", 7}}},
		{"quoted identifier with quote", `"a""@b" = @c`, `"a""@b" = $1`, []ParamUse{{"c", 10}}},
		{"line comment", "-- @a\n@b", "-- @a\n$1", []ParamUse{{"b", 6}}},
		{"line comment at end", "@b -- @a", "$1 -- @a", []ParamUse{{"b", 0}}},
		{"block comment", "/* @a */ @b", "/* @a */ $1", []ParamUse{{"b", 9}}},
		{"nested block comment", "/* /* @a */ @c */ @b", "/* /* @a */ @c */ $1", []ParamUse{{"b", 18}}},
		{"contains", "tags @> @t", "tags @> $1", []ParamUse{{"t", 8}}},
		{"contained", "@t <@ tags", "$1 <@ tags", []ParamUse{{"t", 0}}},
		{"contained no space", "x <@tags", "x <@tags", nil},
		{"text search", "doc @@ @q", "doc @@ $1", []ParamUse{{"q", 7}}},
		{"text search no space", "doc @@q", "doc @@q", nil},
		{"center", "@-@ path", "@-@ path", nil},
		{"abs prefix", "@ -5", "@ -5", nil},
		{"at then digit", "@1", "@1", nil},
		{"dollar in identifier", "a$1 = @b", "a$1 = $1", []ParamUse{{"b", 6}}},
		{"lone dollar", "x $ y", "x $ y", nil},
		{"email in string", "'a@b.com'", "'a@b.com'", nil},
		{"multiline", "SELECT *\nFROM t\nWHERE a = @a\n  AND b = @b", "SELECT *\nFROM t\nWHERE a = $1\n  AND b = $2", []ParamUse{{"a", 26}, {"b", 39}}},
		{"unicode", "SELECT 'é' || @a", "SELECT 'é' || $1", []ParamUse{{"a", 15}}},
		{"after a word", "x@a", "x $1", []ParamUse{{"a", 1}}},
		{"after a number", "0@a", "0 $1", []ParamUse{{"a", 1}}},
		{"many reuse", "@a @a @a", "$1 $1 $1", []ParamUse{{"a", 0}}},
		{"ten params", "@a @b @c @d @e @f @g @h @i @j", "$1 $2 $3 $4 $5 $6 $7 $8 $9 $10", []ParamUse{{"a", 0}, {"b", 3}, {"c", 6}, {"d", 9}, {"e", 12}, {"f", 15}, {"g", 18}, {"h", 21}, {"i", 24}, {"j", 27}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, params, err := RewriteParams(tc.in)
			if err != nil {
				t.Fatalf("RewriteParams(%q): %v", tc.in, err)
			}
			if out != tc.out {
				t.Errorf("RewriteParams(%q) = %q, want %q", tc.in, out, tc.out)
			}
			if !reflect.DeepEqual(params, tc.params) {
				t.Errorf("RewriteParams(%q) params = %v, want %v", tc.in, params, tc.params)
			}
		})
	}
}

func TestRewriteParamsErrors(t *testing.T) {
	tests := []struct {
		in     string
		msg    string
		offset int
	}{
		{"WHERE id = $1", "positional parameter $1 is not supported; use @name parameters", 11},
		{"$12", "positional parameter $12 is not supported; use @name parameters", 0},
		{"'abc", "unterminated string constant", 0},
		{"x = 'it''s", "unterminated string constant", 4},
		{`E'abc\'`, "unterminated string constant", 1},
		{`"abc`, "unterminated quoted identifier", 0},
		{"/* a /* b */", "unterminated block comment /*", 0},
		{"$$ body", "unterminated dollar-quoted string $$", 0},
		{"$a$ body $b$", "unterminated dollar-quoted string $a$", 0},
	}
	for _, tc := range tests {
		_, _, err := RewriteParams(tc.in)
		var se *SQLError
		if !errors.As(err, &se) {
			t.Errorf("RewriteParams(%q) error = %v, want an *SQLError", tc.in, err)
			continue
		}
		if se.Msg != tc.msg || se.Offset != tc.offset {
			t.Errorf("RewriteParams(%q) = %q at %d, want %q at %d", tc.in, se.Msg, se.Offset, tc.msg, tc.offset)
		}
	}
}
