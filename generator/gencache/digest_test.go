package gencache

import (
	"reflect"
	"strings"
	"testing"
)

type node struct {
	Name   string
	N      int
	F      float64
	OK     bool
	Data   []byte
	Tags   []string
	Attrs  map[string]int
	Next   *node
	Others []*node
	Any    any
	Fn     func()
	hidden string
	At     position
}

type position struct{ Line, Col int }

func digest(t *testing.T, d *Digester, v any) Key {
	t.Helper()
	k, err := d.Sum(v)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestDigestDistinguishes: changing any one fact changes the digest;
// equal graphs built apart digest the same.
func TestDigestDistinguishes(t *testing.T) {
	build := func() *node {
		leaf := &node{Name: "leaf", Attrs: map[string]int{"a": 1, "b": 2, "c": 3}}
		n := &node{Name: "root", N: 7, F: 1.5, OK: true, Data: []byte("ab"), Tags: []string{"x", "yz"},
			Next: leaf, Others: []*node{leaf, {Name: "other"}}, Any: "s", hidden: "h", At: position{3, 4}}
		leaf.Next = n // a cycle
		return n
	}
	var d Digester
	base := digest(t, &d, build())
	if again := digest(t, &d, build()); again != base {
		t.Fatal("equal graphs digest differently")
	}
	mutations := map[string]func(n *node){
		"string":            func(n *node) { n.Name = "rooT" },
		"int":               func(n *node) { n.N = 8 },
		"float":             func(n *node) { n.F = 1.25 },
		"bool":              func(n *node) { n.OK = false },
		"bytes":             func(n *node) { n.Data = []byte("a") },
		"nil bytes":         func(n *node) { n.Data = nil },
		"slice element":     func(n *node) { n.Tags[1] = "y" },
		"string boundaries": func(n *node) { n.Tags = []string{"xy", "z"} },
		"map value":         func(n *node) { n.Next.Attrs["b"] = 20 },
		"map key":           func(n *node) { delete(n.Next.Attrs, "c"); n.Next.Attrs["d"] = 3 },
		"pointer target":    func(n *node) { n.Next.Name = "leaf2" },
		"sharing": func(n *node) {
			n.Others[0] = &node{Name: "leaf", Attrs: map[string]int{"a": 1, "b": 2, "c": 3}, Next: n}
		},
		"cycle end":            func(n *node) { n.Next.Next = nil },
		"interface type":       func(n *node) { n.Any = []byte("s") },
		"interface value":      func(n *node) { n.Any = "t" },
		"unexported field":     func(n *node) { n.hidden = "i" },
		"nested struct":        func(n *node) { n.At.Col = 5 },
		"slice length":         func(n *node) { n.Others = n.Others[:1] },
		"deep in a slice":      func(n *node) { n.Others[1].Name = "another" },
		"map of other content": func(n *node) { n.Next.Attrs = map[string]int{} },
	}
	for name, mutate := range mutations {
		n := build()
		mutate(n)
		if digest(t, &d, n) == base {
			t.Errorf("%s: the digest did not change", name)
		}
	}
}

// TestDigestMapOrder: a map's digest does not depend on the order its
// entries were added in (nor on Go's random iteration order).
func TestDigestMapOrder(t *testing.T) {
	var d Digester
	a := map[string]*node{}
	b := map[string]*node{}
	shared := &node{Name: "shared"}
	for i := 0; i < 50; i++ {
		k := strings.Repeat("k", i+1)
		a[k] = &node{Name: k, Next: shared}
	}
	for i := 49; i >= 0; i-- {
		k := strings.Repeat("k", i+1)
		b[k] = &node{Name: k, Next: shared}
	}
	want := digest(t, &d, a)
	for range 20 {
		if digest(t, &d, b) != want {
			t.Fatal("map digest depends on order")
		}
	}
}

func TestDigestFuncs(t *testing.T) {
	var d Digester
	if _, err := d.Sum(&node{Fn: func() {}}); err == nil {
		t.Fatal("a function value was digested")
	}
	if _, err := d.Sum(&node{}); err != nil {
		t.Fatalf("a nil function: %v", err)
	}
	// Ref can cut the graph before it.
	d.Ref = func(p reflect.Value) (string, bool) {
		if n := p.Interface().(*node); n.Name == "static" {
			return "static", true
		}
		return "", false
	}
	if _, err := d.Sum(&node{Next: &node{Name: "static", Fn: func() {}}}); err != nil {
		t.Fatalf("cut graph: %v", err)
	}
}

func TestDigestRefAndOmit(t *testing.T) {
	d := Digester{
		Ref: func(p reflect.Value) (string, bool) {
			if n := p.Interface().(*node); n.Name != "root" {
				return "node " + n.Name, true
			}
			return "", false
		},
		Omit: func(t reflect.Type) bool { return t == reflect.TypeFor[position]() },
	}
	root := func(other *node, at position) *node { return &node{Name: "root", Next: other, At: at} }
	base := digest(t, &d, root(&node{Name: "b", N: 1}, position{1, 1}))
	if digest(t, &d, root(&node{Name: "b", N: 2}, position{1, 1})) != base {
		t.Fatal("a referenced node's content counts")
	}
	if digest(t, &d, root(&node{Name: "c", N: 1}, position{1, 1})) == base {
		t.Fatal("a referenced node's name does not count")
	}
	if digest(t, &d, root(&node{Name: "b", N: 1}, position{9, 9})) != base {
		t.Fatal("an omitted field counts")
	}
}
