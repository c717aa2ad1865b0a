package docs

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/cpcgen/cpcgen/generator/ir"
)

// maxDiagramTables is the most tables one ER diagram shows. A package
// with more gets one diagram per spec file, each with the file's tables
// and, as bare boxes, the tables of other files they reference or are
// referenced by: a diagram of 30 tables is too small to read on a page.
const maxDiagramTables = 12

// diagram is one Mermaid erDiagram with its heading.
type diagram struct {
	Title, Intro, Mermaid string
}

// diagrams returns the ER diagrams of a package.
func diagrams(pkg *ir.Package) []diagram {
	if len(pkg.Tables) == 0 {
		return nil
	}
	if len(pkg.Tables) <= maxDiagramTables || len(pkg.Sources) == 1 {
		return []diagram{{
			Title:   "ER diagram",
			Intro:   "Every table with its columns; a line is a foreign key, labelled with its column.",
			Mermaid: erDiagram(pkg.Tables, pkg.Tables),
		}}
	}
	var out []diagram
	for _, src := range pkg.Sources {
		var own []*ir.Table
		for _, t := range pkg.Tables {
			if t.Source == src {
				own = append(own, t)
			}
		}
		if len(own) == 0 {
			continue
		}
		out = append(out, diagram{
			Title: "ER diagram: " + src,
			Intro: fmt.Sprintf("The tables of `%s` with their columns; tables of other files that they reference, "+
				"or that reference them, are drawn without columns.", src),
			Mermaid: erDiagram(own, pkg.Tables),
		})
	}
	return out
}

// erDiagram renders the tables of own with their columns, the tables
// of all that share a foreign key with them as bare entities, and those
// foreign keys as relationships.
func erDiagram(own, all []*ir.Table) string {
	var b strings.Builder
	b.WriteString("erDiagram\n")
	isOwn := map[*ir.Table]bool{}
	for _, t := range own {
		isOwn[t] = true
	}
	type edge struct {
		child  *ir.Table
		col    *ir.Column
		parent *ir.Table
	}
	var edges []edge
	linked := map[*ir.Table]bool{}
	for _, t := range all {
		for _, c := range t.Columns {
			ref := c.References
			if ref == nil {
				continue
			}
			var parent *ir.Table
			for _, p := range all {
				if p == ref.Table {
					parent = p
				}
			}
			if parent == nil || (!isOwn[t] && !isOwn[parent]) {
				continue
			}
			edges = append(edges, edge{child: t, col: c, parent: parent})
			linked[t], linked[parent] = true, true
		}
	}
	for _, t := range all {
		switch {
		case isOwn[t]:
			fmt.Fprintf(&b, "    %s {\n", entityName(t.SQLName))
			for _, c := range t.Columns {
				fmt.Fprintf(&b, "        %s %s%s\n", attrType(c), attrName(c.SQLName), attrKeys(c))
			}
			b.WriteString("    }\n")
		case linked[t]:
			fmt.Fprintf(&b, "    %s\n", entityName(t.SQLName))
		}
	}
	for _, e := range edges {
		fmt.Fprintf(&b, "    %s %s %s : %s\n", entityName(e.parent.SQLName), cardinality(e.child, e.col), entityName(e.child.SQLName), label(e.col.SQLName))
	}
	return b.String()
}

// cardinality is the Mermaid relationship from the parent to the child
// of a foreign key: a nullable key makes the parent optional, a unique
// key makes at most one child.
func cardinality(child *ir.Table, c *ir.Column) string {
	left := "||"
	if c.Nullable {
		left = "|o"
	}
	right := "o{"
	if c.Unique || (len(child.PK) == 1 && child.PK[0] == c) {
		right = "o|"
	}
	return left + "--" + right
}

var plainName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// entityName is a table's name as a Mermaid entity: quoted unless it is
// a plain word.
func entityName(name string) string {
	if plainName.MatchString(name) {
		return name
	}
	return `"` + name + `"`
}

func attrName(name string) string { return name }

// attrType is a column's type as a Mermaid attribute type, which must
// be one word without a comma (Mermaid before 11 refuses one): spaces
// become underscores, a single modifier stays (varchar(255)), two go
// (numeric(12,2) is written numeric; attrKeys puts the whole type in
// the comment).
func attrType(c *ir.Column) string {
	t := c.Type
	s := t.Name
	if len(t.Args) == 1 {
		s += fmt.Sprintf("(%d)", t.Args[0])
	}
	s += strings.Repeat("[]", t.ArrayDims)
	return strings.ReplaceAll(s, " ", "_")
}

// attrKeys are the PK, FK and UK markers of a column, and its comment:
// the whole type when attrType cannot show it (numeric(12,2)), and
// "null" when it is nullable.
func attrKeys(c *ir.Column) string {
	var keys []string
	if c.PrimaryKey {
		keys = append(keys, "PK")
	}
	if c.References != nil {
		keys = append(keys, "FK")
	}
	if c.UniqueName != "" {
		keys = append(keys, "UK")
	}
	s := ""
	if len(keys) > 0 {
		s = " " + strings.Join(keys, ", ")
	}
	var notes []string
	if len(c.Type.Args) > 1 {
		notes = append(notes, c.Type.String())
	}
	if c.Nullable {
		notes = append(notes, "null")
	}
	if len(notes) > 0 {
		s += ` "` + strings.Join(notes, ", ") + `"`
	}
	return s
}

func label(s string) string { return `"` + strings.ReplaceAll(s, `"`, "'") + `"` }
