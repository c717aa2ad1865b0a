package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/cpcgen/cpcgen/internal/pgtypes"
)

// Limits that keep hostile input cheap to reject.
const (
	// MaxFileSize is the largest config or spec file accepted, in bytes.
	MaxFileSize = 8 << 20
	// MaxNodes is how many YAML nodes aliases may expand to in one file
	// (a "billion laughs" document stops here); nodes written out are
	// bounded by MaxFileSize instead.
	MaxNodes = 100_000
	// MaxDepth is how deeply YAML collections may nest in one file.
	MaxDepth = 64
)

// nodeKind is the shape of a decoded YAML value.
type nodeKind int

const (
	scalarNode nodeKind = iota
	mappingNode
	sequenceNode
)

// node is a YAML value with aliases expanded, merge keys applied and
// duplicate keys rejected. Positions are those of the original text.
type node struct {
	kind  nodeKind
	tag   string // short tag of a scalar: !!str, !!int, !!bool, !!null, …
	value string
	plain bool // an unquoted, untagged scalar
	style yaml.Style
	pos   Pos
	items []*node // sequence items
	pairs []pair  // mapping entries, in order written
}

// pair is one entry of a mapping; keys are always scalars.
type pair struct {
	key   *node
	value *node
}

func (n *node) isNull() bool { return n == nil || (n.kind == scalarNode && n.tag == "!!null") }

// describe names what a node is, for "expected X, got Y" messages.
func describe(n *node) string {
	switch {
	case n == nil:
		return "nothing"
	case n.kind == mappingNode:
		return "a mapping"
	case n.kind == sequenceNode:
		return "a sequence"
	}
	switch n.tag {
	case "!!null":
		return "null"
	case "!!bool":
		return "boolean " + n.value
	case "!!int", "!!float":
		return "number " + clip(n.value)
	}
	return "string " + strconv.Quote(clip(n.value))
}

// clip shortens long values quoted in messages.
func clip(s string) string { return pgtypes.Clip(s) }

// yamlLine matches the position prefix of yaml.v3's syntax errors.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// parseYAML reads one YAML document from data into a node tree. It
// returns nil for an empty document. Problems are added to errs with
// positions in file.
func parseYAML(file string, data []byte, errs *ErrorList) (root *node) {
	filePos := Pos{File: file, Line: 1, Col: 1}
	if len(data) > MaxFileSize {
		errs.Add(filePos, "file is larger than the limit of %d bytes (8 MiB)", MaxFileSize)
		return nil
	}
	var doc yaml.Node
	var err error
	func() {
		// yaml.v3 reports its own errors by value; this guards against a
		// parser bug turning hostile input into a crash.
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("yaml: cannot parse the document (%v)", r)
			}
		}()
		dec := yaml.NewDecoder(bytes.NewReader(data))
		err = dec.Decode(&doc)
		if err == nil {
			var extra yaml.Node
			if e := dec.Decode(&extra); e == nil {
				errs.Add(posOf(file, &extra), "a file holds one YAML document; split this one into its own file")
			} else if !errors.Is(e, io.EOF) {
				err = e
			}
		}
	}()
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err != nil {
		errs.Add(yamlErrorPos(file, err), "%s", yamlErrorText(err))
		return nil
	}
	c := converter{file: file, errs: errs, stack: map[*yaml.Node]bool{}}
	top := &doc
	if top.Kind == yaml.DocumentNode {
		if len(top.Content) == 0 {
			return nil
		}
		top = top.Content[0]
	}
	root = c.convert(top, 0)
	if c.overflow {
		return nil
	}
	if root.isNull() {
		return nil
	}
	return root
}

// parserErrors are the yaml.v3 messages of its parser (as opposed to
// its scanner). yaml.v3 reports their line 0-based: the line before the
// construct that failed.
var parserErrors = []string{
	"did not find expected node content",
	"did not find expected ',' or '}'",
	"did not find expected ',' or ']'",
	"did not find expected key",
	"did not find expected '-' indicator",
	"did not find expected <document start>",
}

// yamlErrorPos recovers the line yaml.v3 puts in its messages (it gives
// no column).
func yamlErrorPos(file string, err error) Pos {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		if n, e := strconv.Atoi(m[1]); e == nil && n > 0 {
			rest := msg[len(m[0]):]
			for _, pe := range parserErrors {
				if rest == pe {
					n++
					break
				}
			}
			return Pos{File: file, Line: n, Col: 1}
		}
	}
	return Pos{File: file, Line: 1, Col: 1}
}

// yamlErrorText rewrites a yaml.v3 error as a cpcgen message.
func yamlErrorText(err error) string {
	msg := err.Error()
	msg = yamlLine.ReplaceAllString(msg, "")
	msg = strings.TrimPrefix(msg, "yaml: ")
	msg = strings.ReplaceAll(msg, "\n", " ")
	return "invalid YAML: " + msg
}

func posOf(file string, n *yaml.Node) Pos {
	return Pos{File: file, Line: n.Line, Col: n.Column}
}

// converter turns yaml.v3 nodes into nodes, following aliases within a
// budget.
type converter struct {
	file     string
	errs     *ErrorList
	visited  int
	overflow bool
	stack    map[*yaml.Node]bool // anchors being expanded
}

func (c *converter) convert(y *yaml.Node, depth int) *node {
	if c.overflow {
		return &node{kind: scalarNode, tag: "!!null", pos: posOf(c.file, y)}
	}
	if len(c.stack) > 0 {
		c.visited++ // only nodes reached through aliases count
	}
	if c.visited > MaxNodes {
		c.overflow = true
		c.errs.Add(posOf(c.file, y), "aliases expand to more than %d YAML nodes; simplify the document", MaxNodes)
		return &node{kind: scalarNode, tag: "!!null", pos: posOf(c.file, y)}
	}
	if depth > MaxDepth {
		c.overflow = true
		c.errs.Add(posOf(c.file, y), "values are nested more than %d levels deep", MaxDepth)
		return &node{kind: scalarNode, tag: "!!null", pos: posOf(c.file, y)}
	}
	switch y.Kind {
	case yaml.AliasNode:
		if y.Alias == nil {
			return &node{kind: scalarNode, tag: "!!null", pos: posOf(c.file, y)}
		}
		if c.stack[y.Alias] {
			c.errs.Add(posOf(c.file, y), "alias *%s refers to a value that contains it", y.Value)
			return &node{kind: scalarNode, tag: "!!null", pos: posOf(c.file, y)}
		}
		c.stack[y.Alias] = true
		n := c.convert(y.Alias, depth)
		delete(c.stack, y.Alias)
		return n
	case yaml.DocumentNode:
		if len(y.Content) == 0 {
			return &node{kind: scalarNode, tag: "!!null", pos: posOf(c.file, y)}
		}
		return c.convert(y.Content[0], depth)
	case yaml.SequenceNode:
		n := &node{kind: sequenceNode, pos: posOf(c.file, y), style: y.Style}
		for _, it := range y.Content {
			if c.overflow {
				break
			}
			n.items = append(n.items, c.convert(it, depth+1))
		}
		return n
	case yaml.MappingNode:
		return c.mapping(y, depth)
	}
	return &node{
		kind:  scalarNode,
		tag:   y.ShortTag(),
		value: y.Value,
		plain: y.Style == 0,
		style: y.Style,
		pos:   posOf(c.file, y),
	}
}

func (c *converter) mapping(y *yaml.Node, depth int) *node {
	n := &node{kind: mappingNode, pos: posOf(c.file, y), style: y.Style}
	seen := map[string]Pos{}
	var merged []pair
	for i := 0; i+1 < len(y.Content) && !c.overflow; i += 2 {
		k, v := y.Content[i], y.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			merged = append(merged, c.merge(v, depth)...)
			continue
		}
		key := c.convert(k, depth+1)
		if key.kind != scalarNode {
			c.errs.Add(key.pos, "mapping keys must be plain names, got %s", describe(key))
			continue
		}
		if first, dup := seen[key.value]; dup {
			c.errs.Add(key.pos, "duplicate key %q; first defined at %s", key.value, first)
			c.convert(v, depth+1)
			continue
		}
		seen[key.value] = key.pos
		n.pairs = append(n.pairs, pair{key: key, value: c.convert(v, depth+1)})
	}
	// Merged entries (<<: *base) come first, written entries override
	// them, as YAML merge keys specify.
	if len(merged) > 0 {
		var out []pair
		for _, p := range merged {
			if _, over := seen[p.key.value]; over {
				continue
			}
			seen[p.key.value] = p.key.pos
			out = append(out, p)
		}
		n.pairs = append(out, n.pairs...)
	}
	return n
}

// merge expands the value of a << key: a mapping or a sequence of them.
func (c *converter) merge(v *yaml.Node, depth int) []pair {
	m := c.convert(v, depth+1)
	var list []*node
	switch m.kind {
	case mappingNode:
		list = []*node{m}
	case sequenceNode:
		list = m.items
	}
	if len(list) == 0 && !m.isNull() {
		c.errs.Add(m.pos, "a merge key (<<) takes a mapping or a sequence of mappings, got %s", describe(m))
		return nil
	}
	var out []pair
	seen := map[string]bool{}
	for _, it := range list {
		if it.kind != mappingNode {
			c.errs.Add(it.pos, "a merge key (<<) takes a mapping or a sequence of mappings, got %s", describe(it))
			continue
		}
		for _, p := range it.pairs {
			if seen[p.key.value] {
				continue // earlier mappings win
			}
			seen[p.key.value] = true
			out = append(out, p)
		}
	}
	return out
}
