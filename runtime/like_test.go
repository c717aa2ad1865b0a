package runtime_test

import (
	"testing"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

func TestEscapeLike(t *testing.T) {
	for in, want := range map[string]string{
		"":           "",
		"abc":        "abc",
		"50%_off":    `50\%\_off`,
		`back\slash`: `back\\slash`,
		`\%`:         `\\\%`,
	} {
		if got := runtime.EscapeLike(in); got != want {
			t.Errorf("EscapeLike(%q) = %q, want %q", in, got, want)
		}
	}
	if got := runtime.LikePrefix("a_b"); got != `a\_b%` {
		t.Errorf("LikePrefix(a_b) = %q", got)
	}
}

// TestLikePrefixOnServer checks on PostgreSQL that LikePrefix patterns
// match exactly the strings that start with the prefix, for prefixes
// made of the characters that patterns give a meaning.
func TestLikePrefixOnServer(t *testing.T) {
	pool := pgtest.Pool(t)
	ctx := testContext(t)
	words := []string{"", "a", "ab", "a%", "a%b", "a_", "a_b", "axb", `a\`, `a\b`, `a\\`, "%", "_", `\`, "A_B", "ä_b"}
	for _, prefix := range words {
		for _, s := range words {
			for _, op := range []string{"LIKE", "ILIKE"} {
				var got bool
				if err := pool.QueryRow(ctx, "SELECT $1::text "+op+" $2", s, runtime.LikePrefix(prefix)).Scan(&got); err != nil {
					t.Fatalf("%q %s LikePrefix(%q): %v", s, op, prefix, err)
				}
				want := len(s) >= len(prefix) && s[:len(prefix)] == prefix
				if op == "ILIKE" {
					var fold bool
					if err := pool.QueryRow(ctx, "SELECT starts_with(lower($1::text), lower($2::text))", s, prefix).Scan(&fold); err != nil {
						t.Fatal(err)
					}
					want = fold
				}
				if got != want {
					t.Errorf("%q %s LikePrefix(%q) = %v, want %v", s, op, prefix, got, want)
				}
			}
		}
	}
}
