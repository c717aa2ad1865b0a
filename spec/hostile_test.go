package spec

import (
	"testing"

	"github.com/cpcgen/cpcgen/internal/sqllex/sqllextest"
)

// TestHostileParams: no quoting form hides a parameter after it or
// turns its own text into one.
func TestHostileParams(t *testing.T) {
	for _, h := range sqllextest.Cases {
		src := "SELECT f(" + h.SQL + ", @p)"
		got, params, err := RewriteParams(src)
		if err != nil || got != "SELECT f("+h.SQL+", $1)" || len(params) != 1 || params[0].Name != "p" {
			t.Errorf("%s: %q: got %q %+v %v", h.Name, src, got, params, err)
		}
	}
}
