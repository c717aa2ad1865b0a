package filterop

import "testing"

// TestRowsComplete checks that every operator states every fact.
func TestRowsComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, o := range All {
		if o.Name == "" || o.SQL == "" || o.Docs == "" {
			t.Errorf("operator %+v lacks a name, its SQL or its docs", o)
		}
		if seen[o.Name] {
			t.Errorf("operator %q twice", o.Name)
		}
		seen[o.Name] = true
		if Lookup(o.Name) != o {
			t.Errorf("Lookup(%q) is not its row", o.Name)
		}
		if o.Nullable != (o.Shape == NoValue) {
			t.Errorf("operator %q: only filters that bind no value test nullability, and they apply to nullable columns only", o.Name)
		}
	}
}

func TestCondition(t *testing.T) {
	for _, tc := range []struct {
		op       string
		nullable bool
		args     []string
		want     string
	}{
		{"eq", false, []string{"$1"}, `"a" = $1`},
		{"ne", false, []string{"$1"}, `"a" <> $1`},
		{"ne", true, []string{"$1"}, `"a" IS DISTINCT FROM $1`},
		{"in", false, []string{"$1"}, `"a" = ANY($1)`},
		{"between", false, []string{"$1", "$2"}, `"a" BETWEEN $1 AND $2`},
		{"is_null", true, nil, `"a" IS NULL`},
		{"ilike", false, []string{"'x%'::text"}, `"a" ILIKE 'x%'::text`},
	} {
		if got := Lookup(tc.op).Condition(`"a"`, tc.nullable, tc.args...); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.op, got, tc.want)
		}
	}
}
