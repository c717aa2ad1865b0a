package migration

import (
	"slices"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
)

// specText gives the tables and columns the changes create or change,
// in the spec's schema as a database normalizes it, the defaults,
// generation expressions, checks and index expressions and predicates
// of spec, the spec's own schema, by name; and those the changes drop or change from, in the schema the
// migrations produce as that database has it, those of was, the
// snapshot, which the statements undoing them write. The comparison
// that found the changes stays like for like, but the statements write
// what the specs say, as a diff from the snapshot does: normalized, a
// default loses a cast that changes its value ('2020-01-01'::timestamp
// for a timestamptz column is read in the inserting session's time
// zone) or the schema of a function it calls, and a check or an index
// takes PostgreSQL's spelling, which can make another one than the
// spec's (EXTRACT('DOW' FROM d) prints as EXTRACT(DOW FROM d), which
// reads back as the field 'dow'). A nil spec or was changes nothing on
// its side.
func specText(changes []schema.Change, spec, was *schema.Schema) {
	table := func(s *schema.Schema, name string) *schema.Table {
		if s == nil {
			return nil
		}
		t, _ := s.Table(name)
		return t
	}
	for _, c := range changes {
		switch c := c.(type) {
		case *schema.AddTable:
			specTable(c.T, table(spec, c.T.Name))
		case *schema.DropTable:
			specTable(c.T, table(was, c.T.Name))
		case *schema.ModifyTable:
			st, wt := table(spec, c.T.Name), table(was, c.T.Name)
			for _, tc := range c.Changes {
				switch tc := tc.(type) {
				case *schema.AddColumn:
					specColumn(tc.C, st)
				case *schema.DropColumn:
					specColumn(tc.C, wt)
				case *schema.ModifyColumn:
					specColumn(tc.To, st)
					specColumn(tc.From, wt)
				case *schema.AddCheck:
					specChecks([]schema.Attr{tc.C}, st)
				case *schema.DropCheck:
					specChecks([]schema.Attr{tc.C}, wt)
				case *schema.ModifyCheck:
					specChecks([]schema.Attr{tc.To}, st)
					specChecks([]schema.Attr{tc.From}, wt)
				case *schema.AddIndex:
					specIndex(tc.I, st)
				case *schema.DropIndex:
					specIndex(tc.I, wt)
				case *schema.ModifyIndex:
					specIndex(tc.To, st)
					specIndex(tc.From, wt)
				}
			}
		}
	}
}

// specTable sets the defaults, generation expressions and checks of t
// to those of st, the same table as written; a nil st changes nothing.
func specTable(t, st *schema.Table) {
	if st == nil {
		return
	}
	for _, col := range t.Columns {
		specColumn(col, st)
	}
	specChecks(t.Attrs, st)
	for _, idx := range t.Indexes {
		specIndex(idx, st)
	}
}

// specColumn sets the default and generation expression of col to
// those of the column of the same name of st, the table as written; a
// nil st changes nothing.
func specColumn(col *schema.Column, st *schema.Table) {
	if st == nil {
		return
	}
	sc, ok := st.Column(col.Name)
	if !ok {
		return
	}
	if col.Default != nil && sc.Default != nil {
		col.Default = sc.Default
	}
	specAttr[*schema.GeneratedExpr](col.Attrs, sc.Attrs)
}

// specChecks sets the expression of each check of attrs to that of the
// check of the same name of st, the table as written; a nil st changes
// nothing.
func specChecks(attrs []schema.Attr, st *schema.Table) {
	if st == nil {
		return
	}
	for _, a := range attrs {
		c, ok := a.(*schema.Check)
		if !ok || c.Name == "" {
			continue
		}
		for _, sa := range st.Attrs {
			if sc, ok := sa.(*schema.Check); ok && sc.Name == c.Name {
				c.Expr = sc.Expr
			}
		}
	}
}

// specIndex sets the expressions and the predicate of idx to those of
// the index of the same name of st, the table as written: each
// expression part to the expression part at its place, and a predicate
// to the predicate. A nil st, or an index of st with other parts,
// changes nothing.
func specIndex(idx *schema.Index, st *schema.Table) {
	if st == nil {
		return
	}
	si, ok := st.Index(idx.Name)
	if !ok || len(si.Parts) != len(idx.Parts) {
		return
	}
	for i, p := range idx.Parts {
		if p.X != nil && si.Parts[i].X != nil {
			p.X = si.Parts[i].X
		}
	}
	specAttr[*postgres.IndexPredicate](idx.Attrs, si.Attrs)
}

// specAttr sets the attribute of type T of attrs (a generation
// expression, an index predicate) to the last one of spec, the same
// attributes as written, when both have one.
func specAttr[T schema.Attr](attrs, spec []schema.Attr) {
	var want schema.Attr
	for _, a := range spec {
		if _, ok := a.(T); ok {
			want = a
		}
	}
	if want == nil {
		return
	}
	for i, a := range attrs {
		if _, ok := a.(T); ok {
			attrs[i] = want
		}
	}
}

// sameChecksAgain turns each check change whose two sides specText gave
// the same text (the specs' expression, read otherwise by the database
// only because a column it names changes type: char_length(pw) and
// char_length((pw)::text) for a text column made varchar) into the drop
// of the check and its addition, which Atlas's planner writes (it has
// no statement for a change between equal expressions), and records it
// in again: the rows passed it before. It is still dropped and added,
// around the conversion, rather than left to PostgreSQL's rebuild, which
// parses the old expression over the new type (a comparison with a
// value cast to the old type would fail).
func sameChecksAgain(changes []schema.Change, again map[string]bool) {
	for _, c := range changes {
		mt, ok := c.(*schema.ModifyTable)
		if !ok {
			continue
		}
		for i := 0; i < len(mt.Changes); i++ {
			m, ok := mt.Changes[i].(*schema.ModifyCheck)
			if !ok || m.From.Name == "" || m.From.Name != m.To.Name || m.From.Expr != m.To.Expr {
				continue
			}
			mt.Changes = slices.Replace(mt.Changes, i, i+1, []schema.Change{&schema.DropCheck{C: m.From}, &schema.AddCheck{C: m.To}}...)
			again[mt.T.Name+"."+m.To.Name] = true
			i++
		}
	}
}
