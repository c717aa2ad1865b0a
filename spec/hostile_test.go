package spec

import (
	"testing"

	"github.com/cpcgen/cpcgen/internal/sqllex/sqllextest"
)

// TestHostileParams: no quoting form hides a parameter after it or
// turns its own text into one, nor hides the write of the statement
// after it.
func TestHostileParams(t *testing.T) {
	for _, h := range sqllextest.Cases {
		src := "SELECT f(" + h.SQL + ", @p)"
		got, params, err := RewriteParams(src)
		if err != nil || got != "SELECT f("+h.SQL+", $1)" || len(params) != 1 || params[0].Name != "p" {
			t.Errorf("%s: %q: got %q %+v %v", h.Name, src, got, params, err)
		}
		w := WrittenTables("INSERT INTO t VALUES (" + h.SQL + "); DELETE FROM u")
		if len(w) != 2 || w[0].Name != "t" || w[1].Name != "u" || w[1].Verb != "delete" {
			t.Errorf("%s: written tables %+v", h.Name, w)
		}
	}
}
