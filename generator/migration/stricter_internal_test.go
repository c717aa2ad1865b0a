package migration

import "testing"

// TestStricter: a predicate holding every AND term of another, at any
// depth of parentheses and as PostgreSQL writes it back, is stricter;
// one missing a term, or written with BETWEEN, is not.
func TestStricter(t *testing.T) {
	for _, tc := range []struct {
		to, from string
		want     bool
	}{
		{"((qty IS NOT NULL) AND (mail IS NOT NULL))", "(qty IS NOT NULL)", true},
		{"qty IS NOT NULL AND mail IS NOT NULL", "qty IS NOT NULL", true},
		{"(a > 0) AND ((b = 1) AND (c = 2))", "c = 2 AND a > 0", true},
		{"(a > 0)", "(a > 0) AND (b = 1)", false},
		{"(a > 0) OR (b = 1)", "a > 0", false},
		{"(a > 0) AND (b = 1)", "a > 1", false},
		{"(a > 0) AND (f(a, b) AND g)", "f(a, b)", true},
		{"(a > 0) AND (f(a) OR g)", "f(a)", false},
		{"a BETWEEN 1 AND 2 AND b", "a BETWEEN 1 AND 2", false},
		{"(a) AND (b)", "(a)", true},
	} {
		if got := stricter(tc.to, tc.from); got != tc.want {
			t.Errorf("stricter(%q, %q) = %v, want %v", tc.to, tc.from, got, tc.want)
		}
	}
}
