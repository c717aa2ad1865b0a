package spec

import (
	"fmt"
	"strings"
)

// Partitioning is a table's `partition:`: the table is partitioned
// (PARTITION BY) and its partitions are tables of their own, which the
// generated code never names: it reads and writes the parent.
//
//	partition:
//	  by: range
//	  key: [created_at]
//	  partitions:
//	    - {name: events_2026_01, values: "FROM ('2026-01-01') TO ('2026-02-01')"}
//	    - {name: events_rest, values: DEFAULT}
//
// A hash partitioned table may give `modulus: n` instead of partitions:
// the rule makes the n partitions <table>_p0 … <table>_p<n-1>, WITH
// (MODULUS n, REMAINDER r).
type Partitioning struct {
	// By is range, list or hash.
	By string
	// Key are the partition key's columns, in order.
	Key []*Column
	// Partitions are the declared partitions, or those the modulus rule
	// makes, in order.
	Partitions []*Partition
	// Modulus is the modulus: rule's, or 0.
	Modulus int
	Pos     Pos
}

// Partition is one partition of a partitioned table.
type Partition struct {
	// Name is the partition's SQL table name.
	Name string
	// Values is the partition bound as FOR VALUES takes it: FROM (…) TO
	// (…), IN (…), WITH (MODULUS m, REMAINDER r), or DEFAULT.
	Values string
	Pos    Pos
}

// PartitionMethods are the partitioning methods by: takes.
var PartitionMethods = []string{"range", "list", "hash"}

var (
	partitionKeys     = []string{"by", "key", "partitions", "modulus"}
	partitionItemKeys = []string{"name", "values"}
	// boundPrefix is the form each method's bounds take.
	boundPrefix = map[string]string{"range": "FROM", "list": "IN", "hash": "WITH"}
)

// partition decodes a table's partition:; the key columns are checked
// against the primary key and unique keys once the table is decoded.
func (p *parser) partition(t *Table, v pair) {
	f := p.fields(v.value, "partition", partitionKeys...)
	if f == nil {
		return
	}
	pt := &Partitioning{Pos: v.key.pos}
	if by, ok := f.get("by"); ok {
		pt.By, _ = p.oneOf(by.value, "partition by", PartitionMethods...)
	} else {
		p.errs.Add(v.key.pos, "partition of table %q has no by:; write by: range, list or hash", t.Name)
	}
	if kv, ok := f.get("key"); ok {
		items := oneOrMore(kv.value)
		if len(items) == 0 {
			p.errs.Add(kv.value.pos, "partition key lists no columns")
		}
		seen := map[*Column]bool{}
		for _, it := range items {
			c := p.lookupColumn(t, it, "in partition key")
			switch {
			case c == nil:
			case seen[c]:
				p.errs.Add(it.pos, "column %q appears twice in the partition key", c.Name)
			case c.Generated != "":
				p.errs.Add(it.pos, "column %q is a generated column, which PostgreSQL does not allow in a partition key", c.Name)
			default:
				seen[c] = true
				pt.Key = append(pt.Key, c)
			}
		}
		if pt.By == "list" && len(items) > 1 {
			p.errs.Add(kv.value.pos, "a list partition key has one column; table %q lists %d", t.Name, len(items))
		}
	} else {
		p.errs.Add(v.key.pos, "partition of table %q has no key:; write key: [column]", t.Name)
	}
	if mv, ok := f.get("modulus"); ok {
		n, ok := p.integer(mv.value, "modulus")
		switch {
		case !ok:
		case pt.By != "hash":
			p.errs.Add(mv.key.pos, "modulus: makes hash partitions; table %q is partitioned by %s", t.Name, pt.By)
		case n < 1 || n > 1024:
			p.errs.Add(mv.value.pos, "modulus must be between 1 and 1024")
		case f.has("partitions"):
			p.errs.Add(mv.key.pos, "table %q has both modulus: and partitions:; use one or the other", t.Name)
		default:
			pt.Modulus = int(n)
			for r := 0; r < pt.Modulus; r++ {
				name := fmt.Sprintf("%s_p%d", t.Name, r)
				if checkIdent(p.errs, mv.value.pos, "partition", name) && p.declareName("partition", name, mv.value.pos) {
					pt.Partitions = append(pt.Partitions, &Partition{Name: name, Pos: mv.value.pos,
						Values: fmt.Sprintf("WITH (MODULUS %d, REMAINDER %d)", pt.Modulus, r)})
				}
			}
		}
	}
	if pv, ok := f.get("partitions"); ok {
		items, _ := p.sequence(pv.value, "partitions")
		for _, it := range items {
			if part := p.partitionItem(t, pt, it); part != nil {
				pt.Partitions = append(pt.Partitions, part)
			}
		}
	}
	t.Partition = pt
}

// partitionItem decodes one entry of partitions:.
func (p *parser) partitionItem(t *Table, pt *Partitioning, it *node) *Partition {
	f := p.fields(it, "partition", partitionItemKeys...)
	if f == nil {
		return nil
	}
	part := &Partition{Pos: it.pos}
	nv, ok := f.get("name")
	if !ok {
		p.errs.Add(it.pos, "a partition of table %q has no name:", t.Name)
		return nil
	}
	part.Name, ok = p.ident(nv.value, "partition")
	if !ok || !p.declareName("partition", part.Name, nv.value.pos) {
		return nil
	}
	part.Pos = nv.value.pos
	vv, ok := f.get("values")
	if !ok {
		p.errs.Add(it.pos, "partition %q has no values:; write %s", part.Name, boundExample(pt.By))
		return nil
	}
	s, ok := p.nonEmpty(vv.value, "values")
	if !ok {
		return nil
	}
	s = strings.TrimSpace(s)
	word, _, _ := strings.Cut(s, " ")
	word, _, _ = strings.Cut(word, "(")
	word = strings.ToUpper(word)
	switch {
	case word == "DEFAULT" && strings.EqualFold(s, "DEFAULT"):
		if pt.By == "hash" {
			p.errs.Add(vv.value.pos, "a hash partitioned table has no DEFAULT partition")
			return nil
		}
		s = "DEFAULT"
	case pt.By != "" && word != boundPrefix[pt.By]:
		p.errs.Add(vv.value.pos, "partition %q: a %s partition's values are written %s or DEFAULT, not %q", part.Name, pt.By, boundExample(pt.By), clip(s))
		return nil
	}
	part.Values = s
	return part
}

// boundExample shows the bound a partitioning method takes.
func boundExample(by string) string {
	switch by {
	case "range":
		return `"FROM (…) TO (…)"`
	case "list":
		return `"IN (…)"`
	case "hash":
		return `"WITH (MODULUS m, REMAINDER r)"`
	}
	return `"FROM (…) TO (…)", "IN (…)" or "WITH (MODULUS m, REMAINDER r)"`
}

// checkPartitionKeys reports the unique keys of a partitioned table that
// leave out a column of the partition key: PostgreSQL enforces a primary
// key or unique constraint only within a partition, so it refuses one
// that does not include the whole partition key.
func (p *parser) checkPartitionKeys(t *Table) {
	pt := t.Partition
	if pt == nil || len(pt.Key) == 0 {
		return
	}
	missing := func(cols []*Column) []string {
		var out []string
		for _, k := range pt.Key {
			found := false
			for _, c := range cols {
				found = found || c == k
			}
			if !found {
				out = append(out, k.Name)
			}
		}
		return out
	}
	key := joinNames(pt.Key)
	if m := missing(t.PrimaryKey); len(m) > 0 && len(t.PrimaryKey) > 0 {
		p.errs.Add(pt.Pos, "table %q is partitioned by (%s), so its primary key must include %s; write primary_key: [%s, %s] on the table",
			t.Name, key, strings.Join(m, ", "), joinNames(t.PrimaryKey), strings.Join(m, ", "))
	}
	for _, c := range t.Columns {
		if c.Unique && !(c.PrimaryKey && len(t.PrimaryKey) == 1) {
			if m := missing([]*Column{c}); len(m) > 0 {
				p.errs.Add(c.Pos, "column %q of table %q cannot be unique: the table is partitioned by (%s), and a unique key must include %s; declare a unique index over (%s, %s) instead",
					c.Name, t.Name, key, strings.Join(m, ", "), c.Name, strings.Join(m, ", "))
			}
		}
	}
	for _, ix := range t.Indexes {
		if !ix.Unique {
			continue
		}
		var cols []*Column
		for _, part := range ix.Parts {
			if part.Column != nil {
				cols = append(cols, part.Column)
			}
		}
		if m := missing(cols); len(m) > 0 {
			what := "a unique index"
			if ix.Name != "" {
				what = fmt.Sprintf("unique index %q", ix.Name)
			}
			p.errs.Add(ix.Pos, "%s of table %q must include the partition key (%s): add %s to its columns", what, t.Name, key, strings.Join(m, ", "))
		}
	}
}
