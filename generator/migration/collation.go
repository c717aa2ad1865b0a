package migration

import (
	"bytes"
	"fmt"
	"slices"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"

	"github.com/cpcgen/cpcgen/generator/ir"
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

// collationChanges returns, for each column of a table current and
// desired both hold whose collation changes (which Atlas's diff does not
// compare), an ALTER COLUMN … TYPE … COLLATE with its reverse. A column
// whose type changes too gets its collation from that change.
//
// A column a unique index or key holds gets a data-dependent finding: a
// nondeterministic collation may take two of its values as equal, and
// the conversion then fails.
func collationChanges(pkg *ir.Package, current, desired *schema.Schema, changes []schema.Change) ([]*Change, error) {
	var out []*Change
	for ct, dt := range keptTables(current, desired) {
		for _, to := range dt.Columns {
			from, ok := ct.Column(to.Name)
			if !ok || collationOf(from) == collationOf(to) {
				continue
			}
			if mc := modifiesColumn(changes, dt.Name, to.Name); mc != nil && mc.Change.Is(schema.ChangeType) {
				continue
			}
			typ, err := postgres.FormatType(to.Type.Type)
			if err != nil {
				return nil, fmt.Errorf("column %q of table %q: %w", to.Name, dt.Name, err)
			}
			alter := func(c *schema.Column) string {
				return fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s TYPE %s COLLATE %s", quote(dt.Name), quote(to.Name), typ, collationName(c))
			}
			c := &Change{Cmd: alter(to), Reverse: []string{alter(from)},
				Comment: fmt.Sprintf("change collation of column %q.%q", dt.Name, to.Name)}
			if inUniqueKey(ct, to.Name) {
				f := &Finding{Kind: DataDependent, Code: "CPC207",
					Message: fmt.Sprintf("changing collation of %q.%q to %s rebuilds its unique index and fails if the new collation takes two of its values as equal (a nondeterministic one: 'A@x' and 'a@x')", dt.Name, to.Name, collationName(to)),
					Hint:    fmt.Sprintf("look for such values first (SELECT %s COLLATE %s FROM %s GROUP BY 1 HAVING count(*) > 1), then run again with --allow-destructive", quote(to.Name), collationName(to), quote(dt.Name)),
				}
				if pkg != nil {
					f.Pos = columnPos(pkg, dt.Name, to.Name)
				}
				c.finding = f
			}
			out = append(out, c)
		}
	}
	return out, nil
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
