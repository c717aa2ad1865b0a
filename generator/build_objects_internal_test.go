package generator

import (
	"strings"
	"testing"

	"github.com/cpcgen/cpcgen/generator/ir"
)

func TestOrderObjects(t *testing.T) {
	obj := func(key string, deps ...string) *ir.Object { return &ir.Object{Key: key, DependsOn: deps} }
	keys := func(objs []*ir.Object) string {
		var out []string
		for _, o := range objs {
			out = append(out, o.Key)
		}
		return strings.Join(out, ", ")
	}
	// cpcgen's own function first, then the spec's in their order, each
	// after what it depends on; tables are not objects to wait for.
	got, ok := orderObjects([]*ir.Object{
		obj("function cpcgen_audit", "table notes"),
		obj("trigger t on notes", "table notes", "function f"),
		obj("view v", "view w"),
		obj("function f"),
		obj("view w", "table notes", "function cpcgen_audit"),
	})
	if want := "function cpcgen_audit, function f, trigger t on notes, view w, view v"; !ok || keys(got) != want {
		t.Errorf("order %q (%v), want %q", keys(got), ok, want)
	}
	if _, ok := orderObjects([]*ir.Object{obj("view a", "view b"), obj("view b", "view a")}); ok {
		t.Error("a cycle is ordered")
	}
}
