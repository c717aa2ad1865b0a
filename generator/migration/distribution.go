package migration

import (
	"fmt"
	"slices"
	"sort"

	"ariga.io/atlas/sql/schema"

	"github.com/cpcgen/cpcgen/generator/ir"
)

// distributionPrefix starts the snapshot's lines holding how Citus
// distributes each table (engine: citus), which Atlas does not model.
const distributionPrefix = "# cpcgen:distribution "

// ParseDistributions reads the distribution lines of a snapshot file.
func ParseDistributions(data []byte) ([]*ir.Distribution, error) {
	return parseLines(data, distributionPrefix, "distribution", func(d *ir.Distribution) bool { return d.Table != "" })
}

// planDistributions adds to p the Citus calls that bring the tables'
// distribution from current (the snapshot's) to the package's:
//
//   - a table that stops being distributed, or changes from distributed
//     to reference or back, is undistributed (undistribute_table) before
//     every other change;
//   - a table that becomes distributed or a reference table is so after
//     every other change (create_distributed_table,
//     create_reference_table), in the package's order, reference tables
//     and foreign key targets first; the down migration undoes it;
//   - a distributed table distributed by another column is redistributed
//     (alter_distributed_table) after every other change;
//   - a dropped table needs no call, but the down migration distributes
//     it again after creating it.
//
// Renames by hint (renamed_from) carry a table's distribution along.
func planDistributions(p *Planned, pkg *ir.Package, current []*ir.Distribution) {
	renamed := map[string]string{}
	inSpec := map[string]bool{}
	for _, t := range pkg.Tables {
		inSpec[t.SQLName] = true
		if old := t.RenamedFrom; old != "" {
			renamed[old] = t.SQLName
		}
	}
	have := map[string]*ir.Distribution{}
	before := map[string]*ir.Distribution{}
	for _, d := range current {
		name := d.Table
		if to, ok := renamed[name]; ok && !slices.ContainsFunc(current, func(d *ir.Distribution) bool { return d.Table == to }) {
			name = to
		}
		have[name] = &ir.Distribution{Table: name, Column: d.Column}
		before[name] = d
	}
	want := map[string]*ir.Distribution{}
	for _, d := range pkg.Distributions {
		want[d.Table] = d
	}

	var drops, creates []*Change
	var dropSum, createSum []string
	for _, d := range sortedDistributions(current) {
		name := d.Table
		if to, ok := renamed[name]; ok && have[to] != nil && before[to] == d {
			name = to
		}
		if !inSpec[name] {
			// The table is dropped: its drop's reverse distributes it again.
			for _, c := range p.Changes {
				if dt, ok := c.Source.(*schema.DropTable); ok && dt.T.Name == d.Table {
					c.Reverse = append(c.Reverse, d.Create())
				}
			}
			continue
		}
		w := want[name]
		if w != nil && w.IsReference() == d.IsReference() {
			continue
		}
		// Undistributed, or its kind changes: the table has its old name
		// until the renames run.
		drops = append(drops, &Change{Cmd: d.Drop(), Reverse: []string{d.Create()},
			Comment: fmt.Sprintf("undistribute table %q (Citus): gather its rows on the coordinator", d.Table)})
		dropSum = append(dropSum, fmt.Sprintf("undistribute table %q (Citus)", d.Table))
		delete(have, name)
	}
	for _, w := range pkg.Distributions {
		h := have[w.Table]
		switch {
		case h != nil && *h == *w:
			continue
		case h != nil && !w.IsReference():
			old := &ir.Distribution{Table: w.Table, Column: h.Column}
			creates = append(creates, &Change{Cmd: w.Alter(), Reverse: []string{old.Alter()},
				Comment: fmt.Sprintf("redistribute table %q by %q instead of %q (Citus)", w.Table, w.Column, h.Column)})
			createSum = append(createSum, fmt.Sprintf("redistribute table %q by %q (Citus)", w.Table, w.Column))
			continue
		}
		// The down migration undistributes even a new table before it is
		// dropped: Citus refuses to undistribute a table that distributed
		// tables still reference, and the down runs in reverse order.
		c := &Change{Cmd: w.Create(), Reverse: []string{w.Drop()}}
		if w.IsReference() {
			c.Comment = fmt.Sprintf("make table %q a Citus reference table, copied to every node", w.Table)
			createSum = append(createSum, fmt.Sprintf("make table %q a reference table (Citus)", w.Table))
		} else {
			c.Comment = fmt.Sprintf("distribute table %q over the Citus cluster by %q", w.Table, w.Column)
			createSum = append(createSum, fmt.Sprintf("distribute table %q by %q (Citus)", w.Table, w.Column))
		}
		creates = append(creates, c)
	}
	p.around(drops, dropSum, creates, createSum)
}

// sortedDistributions orders ds by table.
func sortedDistributions(ds []*ir.Distribution) []*ir.Distribution {
	out := append([]*ir.Distribution(nil), ds...)
	sort.Slice(out, func(i, j int) bool { return out[i].Table < out[j].Table })
	return out
}
