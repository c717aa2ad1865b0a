package generator

import (
	"strings"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/spec"
)

// buildPartition sets t's partitioning from the spec's partition:.
func (b *builder) buildPartition(st *spec.Table, t *ir.Table) {
	sp := st.Partition
	if sp == nil {
		return
	}
	p := &ir.Partitioning{Method: strings.ToUpper(sp.By)}
	for _, sc := range sp.Key {
		if c := b.irColumn[sc]; c != nil {
			p.Key = append(p.Key, c)
		}
	}
	for _, part := range sp.Partitions {
		p.Partitions = append(p.Partitions, ir.Partition{Name: part.Name, Values: part.Values})
	}
	t.Partition = p
}

// partitionObjects appends the partitions of the package's partitioned
// tables to pkg.Objects: each a table of its own, created after its
// parent (CREATE TABLE … PARTITION OF … FOR VALUES …) and dropped with
// its rows. Atlas, which plans the tables, does not model partitions;
// as objects they are created, dropped and checked for drift like the
// spec's SQL objects.
func (b *builder) partitionObjects(pkg *ir.Package) {
	for _, t := range pkg.Tables {
		if t.Partition == nil {
			continue
		}
		st := b.tableSpec[t]
		for i, part := range t.Partition.Partitions {
			q := names.QuoteIdent(part.Name)
			pos := st.Partition.Partitions[i].Pos
			pkg.Objects = append(pkg.Objects, &ir.Object{
				Key:       ir.KindPartition + " " + part.Name,
				Kind:      ir.KindPartition,
				Noun:      "partition",
				Name:      part.Name,
				Create:    "CREATE TABLE " + q + " PARTITION OF " + t.Quoted + " " + part.Bound(),
				Drop:      "ALTER TABLE " + t.Quoted + " DETACH PARTITION " + q + "; DROP TABLE " + q,
				DependsOn: []string{ir.TableKey(t.SQLName)},
				Source:    st.File,
				Pos:       pos,
				SQLPos:    pos,
			})
		}
	}
}
