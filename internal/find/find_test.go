package find

import "testing"

func TestFirst(t *testing.T) {
	type item struct{ name string }
	a, b, c := &item{"a"}, &item{"b"}, &item{"b"}
	xs := []*item{a, b, c}
	named := func(name string) func(*item) bool {
		return func(x *item) bool { return x.name == name }
	}
	if got := First(xs, named("b")); got != b {
		t.Errorf("First b = %p, want the first b %p", got, b)
	}
	if got := First(xs, named("z")); got != nil {
		t.Errorf("First z = %v, want nil", got)
	}
	if got := First(nil, named("a")); got != nil {
		t.Errorf("First of nil = %v, want nil", got)
	}
}
