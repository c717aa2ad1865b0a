package migration

import (
	"bytes"
	"slices"

	"ariga.io/atlas/sql/schema"
)

// collationPrefix starts the snapshot's column collation lines: Atlas's
// HCL for PostgreSQL keeps no column's collation.
const collationPrefix = "# cpcgen:collation "

// collationLine is one column's collation in the snapshot.
type collationLine struct {
	Table     string `json:"table"`
	Column    string `json:"column"`
	Collation string `json:"collation"`
}

// attrOf returns the first attribute of type *T in attrs, or nil.
func attrOf[T any](attrs []schema.Attr) *T {
	for _, a := range attrs {
		if t, ok := any(a).(*T); ok {
			return t
		}
	}
	return nil
}

// collationOf returns the collation of a column, or "".
func collationOf(c *schema.Column) string {
	if co := attrOf[schema.Collation](c.Attrs); co != nil {
		return co.V
	}
	return ""
}

// writeCollations writes the snapshot lines of the columns of s that
// have a collation.
func writeCollations(b *bytes.Buffer, s *schema.Schema) error {
	var lines []collationLine
	for _, t := range s.Tables {
		for _, c := range t.Columns {
			if co := collationOf(c); co != "" {
				lines = append(lines, collationLine{Table: t.Name, Column: c.Name, Collation: co})
			}
		}
	}
	return writeLines(b, collationPrefix, lines)
}

// applyCollations gives the columns of s the collations of the snapshot
// lines in data.
func applyCollations(data []byte, s *schema.Schema) error {
	lines, err := parseLines(data, collationPrefix, "collation", func(l *collationLine) bool {
		return l.Table != "" && l.Column != "" && l.Collation != ""
	})
	if err != nil {
		return err
	}
	for _, l := range lines {
		t, ok := s.Table(l.Table)
		if !ok {
			continue
		}
		if c, ok := t.Column(l.Column); ok {
			c.Attrs = append(c.Attrs, &schema.Collation{V: l.Collation})
		}
	}
	return nil
}

// collationName is a column's collation as SQL names it: quoted, or
// pg_catalog."default" for none.
func collationName(c *schema.Column) string {
	if n := collationOf(c); n != "" {
		return quote(n)
	}
	return `pg_catalog."default"`
}

// inUniqueKey reports whether column col of t is part of its primary key
// or of a unique index.
func inUniqueKey(t *schema.Table, col string) bool {
	holds := func(idx *schema.Index) bool {
		return idx != nil && slices.ContainsFunc(idx.Parts, func(p *schema.IndexPart) bool { return p.C != nil && p.C.Name == col })
	}
	if holds(t.PrimaryKey) {
		return true
	}
	return slices.ContainsFunc(t.Indexes, func(idx *schema.Index) bool { return idx.Unique && holds(idx) })
}
