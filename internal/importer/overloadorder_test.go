package importer

import (
	"slices"
	"testing"
)

// TestOverloadOrder orders overloads callees first, by the number of
// arguments of each call; overloads calling each other in a circle come
// after the others, in the catalog's order.
func TestOverloadOrder(t *testing.T) {
	def := func(args, body string) string {
		return "CREATE OR REPLACE FUNCTION public.f(" + args + ")\n RETURNS integer\n LANGUAGE sql\nAS $function$" + body + "$function$\n"
	}
	for _, tc := range []struct {
		name string
		args []string
		defs []string
		want []int
	}{
		{"chain", []string{"a integer", "a integer, b integer", "a integer, b integer, c integer"},
			[]string{def("a integer", "SELECT f(a, 1)"), def("a integer, b integer", "SELECT f(a, b, 'x(,)'::text::int)"), def("a integer, b integer, c integer", "SELECT a")},
			[]int{2, 1, 0}},
		{"variadic", []string{"a text", "VARIADIC a integer[]"},
			[]string{def("a text", "SELECT f(1, 2, 3)"), def("VARIADIC a integer[]", "SELECT 1")},
			[]int{1, 0}},
		{"no calls", []string{"a integer", "a text"},
			[]string{def("a integer", "SELECT 1"), def("a text", "SELECT 2")},
			[]int{0, 1}},
		{"circle", []string{"a integer", "a text", "a integer, b integer"},
			[]string{def("a integer", "SELECT f(a::text)"), def("a text", "SELECT f(length(a))"), def("a integer, b integer", "SELECT 1")},
			[]int{2, 0, 1}},
		{"quoted argument names", []string{`"a,b" integer`, "a integer, b integer, c integer", "x integer, y integer"},
			[]string{def(`"a,b" integer`, "SELECT f(1, 1, 1)"), def("a integer, b integer, c integer", "SELECT f(1, 2)"), def("x integer, y integer", "SELECT 1")},
			[]int{2, 1, 0}},
	} {
		got := overloadOrder(CatFunction{Name: "f", Kind: "f", Defs: tc.defs, Args: tc.args})
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: order %v, want %v", tc.name, got, tc.want)
		}
	}
}
