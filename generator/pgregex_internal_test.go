package generator

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// TestPGPatternAgrees renders patterns for PostgreSQL and checks, on the
// server, that each matches exactly the strings Go's matches, so that a
// CHECK constraint enforces what Validate does.
func TestPGPatternAgrees(t *testing.T) {
	patterns := []string{
		`[a-z]+`, `(?i)abc`, `(?i)k`, `[^a-c]+`, `a.b`, `(?s)a.b`, `\d{3}-\d{4}`, `(foo|bar)+baz?`,
		`\w+@\w+`, `[é-ü]+x`, `\s*x`, `x{2,5}`, `x{3}`, `x{2,}`, `[[:alpha:]]+`, `a|b|` + "`" + `c`, `[\]\\\-^[]+`,
		`^a$`, `'\x27"`, `.*`, `(a(b)?)*c`, `\.\+\*\?\(\)\[\]\{\}\|\$\^`, `[\x00-\x1f]`, `\t\n`, `😀+`,
	}
	for _, f := range []string{"email", "uuid", "hostname", "e164", "slug", "alpha", "alphanumeric"} {
		p, _ := runtime.FormatPattern(f)
		patterns = append(patterns, p)
	}
	samples := []string{
		"", "a", "abc", "ABC", "aBc", "k", "K", "\u212a", "d", "xyz", "a\nb", "a.b", "axb", "123-4567", "12-34567",
		"foobarbaz", "barfooba", "foo", "baz", "ab@cd", "éü x", "éüx", "  x", "\tx", "\nx", "xx", "xxxxx", "xxxxxx",
		"x", "xxx", "c", "`", "]\\-^[", "'''\"", "'\"", "acc", "abababc", "c", "ac", ".+*?()[]{}|$^", "\x01", "\t\n",
		"😀", "😀😀", "ada@example.com", "ada@example", "123e4567-e89b-12d3-a456-426614174000", "db-1.internal",
		"-a.io", "+14155550123", "hello-world", "hello--world", "Hello", "abc1", "é", strings.Repeat("a", 70) + ".io",
		"a'b", "a\x00b"[:1], "\xe2\x80\xa8", "DROP TABLE x; --",
	}
	pool := pgtest.Pool(t)
	ctx := context.Background()
	for _, p := range patterns {
		pg, err := pgPattern(p)
		if err != nil {
			t.Errorf("%q: %v", p, err)
			continue
		}
		goRE := regexp.MustCompile("^(?:" + p + ")$")
		rows, err := pool.Query(ctx, "SELECT s ~ $2 FROM unnest($1::text[]) WITH ORDINALITY AS u(s, i) ORDER BY i", samples, pg)
		if err != nil {
			t.Errorf("%q rendered as %q: %v", p, pg, err)
			continue
		}
		i := 0
		for rows.Next() {
			var got bool
			if err := rows.Scan(&got); err != nil {
				t.Fatal(err)
			}
			if want := goRE.MatchString(samples[i]); got != want {
				t.Errorf("%q (PostgreSQL %q) on %q: PostgreSQL %v, Go %v", p, pg, samples[i], got, want)
			}
			i++
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("%q: %v", p, err)
		}
	}
	for _, p := range []string{`\bword\b`, `(?m)^a$`, `a{300}`, `\pL+`, `a|`, `\B`} {
		if pg, err := pgPattern(p); err == nil {
			t.Errorf("%q is reported portable, as %q", p, pg)
		}
	}
}
