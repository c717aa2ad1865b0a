package spec

import (
	"regexp"
	"strconv"
	"strings"
)

// decoder holds the error list while node trees are decoded.
type decoder struct {
	errs *ErrorList
}

// fieldSet is a mapping whose keys were checked against the known ones.
type fieldSet struct {
	n     *node
	byKey map[string]pair
}

// get returns the entry for key, if present.
func (f *fieldSet) get(key string) (pair, bool) {
	if f == nil {
		return pair{}, false
	}
	p, ok := f.byKey[key]
	return p, ok
}

// has reports whether key is present.
func (f *fieldSet) has(key string) bool {
	_, ok := f.get(key)
	return ok
}

// fields checks that n is a mapping whose keys are all in known, adding
// an error for each unknown key (with a suggestion). ctx names the
// mapping in messages ("column \"id\""). It returns nil when n is not a
// mapping; a null node is an empty mapping.
func (d *decoder) fields(n *node, ctx string, known ...string) *fieldSet {
	f := &fieldSet{n: n, byKey: map[string]pair{}}
	if n.isNull() {
		return f
	}
	if n.kind != mappingNode {
		d.errs.Add(n.pos, "%s: expected a mapping, got %s", ctx, describe(n))
		return nil
	}
	for _, p := range n.pairs {
		ok := false
		for _, k := range known {
			if p.key.value == k {
				ok = true
				break
			}
		}
		if !ok {
			d.errs.Add(p.key.pos, "unknown key %q in %s%s", clip(p.key.value), ctx, didYouMean(p.key.value, known))
			continue
		}
		f.byKey[p.key.value] = p
	}
	return f
}

// mapping checks that n is a mapping (null counts as empty) and returns
// its entries.
func (d *decoder) mapping(n *node, ctx string) ([]pair, bool) {
	return entries(d, n, ctx, mappingNode, "a mapping", n.pairs)
}

// sequence checks that n is a sequence (null counts as empty).
func (d *decoder) sequence(n *node, ctx string) ([]*node, bool) {
	return entries(d, n, ctx, sequenceNode, "a sequence", n.items)
}

// entries returns the entries of n, which are list, when n is of kind
// (what, in the error when it is not); none when n is null.
func entries[T any](d *decoder, n *node, ctx string, kind nodeKind, what string, list []T) ([]T, bool) {
	if n.isNull() {
		return nil, true
	}
	if n.kind != kind {
		d.errs.Add(n.pos, "%s: expected %s, got %s", ctx, what, describe(n))
		return nil, false
	}
	return list, true
}

// str decodes a scalar as text. Numbers and booleans are taken as
// written; null, mappings and sequences are errors.
func (d *decoder) str(n *node, ctx string) (string, bool) {
	if n.kind != scalarNode || n.tag == "!!null" {
		d.errs.Add(n.pos, "%s: expected a string, got %s", ctx, describe(n))
		return "", false
	}
	return n.value, true
}

// nonEmpty decodes a scalar as non-empty text.
func (d *decoder) nonEmpty(n *node, ctx string) (string, bool) {
	s, ok := d.str(n, ctx)
	if ok && strings.TrimSpace(s) == "" {
		d.errs.Add(n.pos, "%s: must not be empty", ctx)
		return "", false
	}
	return s, ok
}

// boolean decodes true or false.
func (d *decoder) boolean(n *node, ctx string) (bool, bool) {
	if n.kind == scalarNode && n.tag == "!!bool" {
		b, err := strconv.ParseBool(strings.ToLower(n.value))
		if err == nil {
			return b, true
		}
	}
	d.errs.Add(n.pos, "%s: expected true or false, got %s", ctx, describe(n))
	return false, false
}

// integer decodes a whole number.
func (d *decoder) integer(n *node, ctx string) (int64, bool) {
	if n.kind == scalarNode && n.tag == "!!int" {
		v, err := strconv.ParseInt(n.value, 0, 64)
		if err == nil {
			return v, true
		}
	}
	d.errs.Add(n.pos, "%s: expected an integer, got %s", ctx, describe(n))
	return 0, false
}

// ident decodes a scalar holding an SQL name.
func (d *decoder) ident(n *node, what string) (string, bool) {
	s, ok := d.str(n, what)
	if !ok {
		return "", false
	}
	return s, checkIdent(d.errs, n.pos, what, s)
}

// goName decodes a scalar holding an exported Go identifier: the go_name
// a spec gives a table, column or enum, and the store name of the
// config.
func (d *decoder) goName(n *node, key string) (string, bool) {
	s, ok := d.str(n, key)
	if !ok {
		return "", false
	}
	if !exportedGoNameRE.MatchString(s) {
		d.errs.Add(n.pos, "%s %q is not an exported Go name: start with an upper-case letter, then letters, digits and underscores", key, clip(s))
		return "", false
	}
	return s, true
}

// exportedGoNameRE matches an exported Go identifier in ASCII.
var exportedGoNameRE = regexp.MustCompile(`^[A-Z][A-Za-z0-9_]*$`)

// oneOf decodes a scalar that must be one of choices.
func (d *decoder) oneOf(n *node, ctx string, choices ...string) (string, bool) {
	s, ok := d.str(n, ctx)
	if !ok {
		return "", false
	}
	for _, c := range choices {
		if s == c {
			return s, true
		}
	}
	d.errs.Add(n.pos, "%s: %q is not one of %s%s", ctx, clip(s), quoteList(choices), didYouMean(s, choices))
	return "", false
}

// quoteList formats choices as `"a", "b" or "c"`.
func quoteList(choices []string) string {
	var b strings.Builder
	for i, c := range choices {
		switch {
		case i == 0:
		case i == len(choices)-1:
			b.WriteString(" or ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(c))
	}
	return b.String()
}

// naming reads the fields enums, tables and columns share: comment,
// renamed_from and go_name (with its position).
func (p *decoder) naming(f *fieldSet, comment, renamedFrom, goName *string, goNamePos *Pos) {
	if v, ok := f.get("comment"); ok {
		*comment, _ = p.str(v.value, "comment")
	}
	if v, ok := f.get("renamed_from"); ok {
		*renamedFrom, _ = p.ident(v.value, "renamed_from")
	}
	if v, ok := f.get("go_name"); ok {
		*goName, _ = p.goName(v.value, "go_name")
		*goNamePos = v.value.pos
	}
}

// oneOrMore returns the items of n when it is a sequence, else n alone:
// the value of a field that takes one item or a list of them (key: id,
// key: [region, id]).
func oneOrMore(n *node) []*node {
	if n.kind == sequenceNode {
		return n.items
	}
	return []*node{n}
}
