package generator

import (
	"slices"
	"strings"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/spec"
)

// tableKind is how a Citus cluster holds a table.
type tableKind int

const (
	localTable tableKind = iota
	distributedTable
	referenceTable
)

func kindOf(t *ir.Table) tableKind {
	switch {
	case t.DistributedBy != nil:
		return distributedTable
	case t.Reference:
		return referenceTable
	}
	return localTable
}

func (k tableKind) String() string {
	return [...]string{"local table", "distributed table", "reference table"}[k]
}

// buildEngine records the engine and the tables' distribution, and
// refuses what the engine rejects (see docs/scale-out.md): distributed_by
// and reference outside Citus, and the rules of checkCitus,
// checkCockroachDB.
func (b *builder) buildEngine(pkg *ir.Package) {
	cfg := b.proj.Config
	pkg.Engine = cfg.Engine
	if pkg.Engine == "" {
		pkg.Engine = spec.EnginePostgres
	}
	for _, t := range pkg.Tables {
		st := b.tableSpec[t]
		if st.DistributedBy == nil && !st.Reference {
			continue
		}
		if pkg.Engine != spec.EngineCitus {
			key, pos := "distributed_by", st.DistributedByPos
			if st.DistributedBy == nil {
				key, pos = "reference", st.ReferencePos
			}
			says := "names no engine, so it is " + pkg.Engine
			if cfg.EnginePos.IsValid() {
				says = "says engine: " + pkg.Engine
			}
			b.errs.Add(pos, "%s applies to Citus, but %s %s; set engine: citus there (schema.sql and the migrations then distribute the table) or remove %s",
				key, cfg.File, says, key)
			continue
		}
		t.Reference = st.Reference
		bh := &ir.Behaviour{Kind: ir.BehaviourDistribution, Name: "reference table"}
		if st.DistributedBy != nil {
			t.DistributedBy = t.Column(st.DistributedBy.Name)
			bh.Name, bh.Columns = "distributed by", []*ir.Column{t.DistributedBy}
		}
		t.Behaviours = append(t.Behaviours, bh)
	}
	switch pkg.Engine {
	case spec.EngineCitus:
		b.checkCitus(pkg)
		pkg.Distributions = distributionsOf(pkg.Tables)
	case spec.EngineCockroachDB:
		b.checkCockroachDB(pkg)
	case spec.EngineYugabyteDB:
		b.checkYugabyteDB(pkg)
	}
}

// checkCitus refuses what Citus rejects on distributed and reference
// tables: keys and unique constraints without the distribution column,
// foreign keys between tables that are not co-located, identity columns
// other than bigint on distributed tables; and the audit log there, which
// is not verified on Citus.
func (b *builder) checkCitus(pkg *ir.Package) {
	byName := map[string]*ir.Table{}
	for _, t := range pkg.Tables {
		byName[t.SQLName] = t
	}
	for _, t := range pkg.Tables {
		st, kind, dist := b.tableSpec[t], kindOf(t), t.DistributedBy
		if kind == distributedTable {
			if !slices.Contains(t.PK, dist) {
				b.errs.Add(st.DistributedByPos, "table %q is distributed by %q, which its primary key (%s) lacks: Citus enforces a key only when it holds the distribution column; make it primary_key: [%s]",
					t.SQLName, dist.SQLName, columnNames(t.PK), strings.Join(append([]string{dist.SQLName}, columnNamesExcept(t.PK, dist)...), ", "))
			}
			for _, c := range t.Columns {
				if c.Unique && c != dist {
					b.errs.Add(b.columnSpec[c].Pos, "column %q of table %q is unique, but the table is distributed by %q: Citus enforces a unique constraint only when it holds the distribution column; use a unique index over [%s, %s] instead",
						c.SQLName, t.SQLName, dist.SQLName, dist.SQLName, c.SQLName)
				}
				if c.Identity && c.Type.Name != "bigint" {
					b.errs.Add(b.columnSpec[c].Pos, "column %q of table %q is %s column of type %s: on distributed tables Citus supports bigint identity and serial columns only (each node draws from its own range); make it bigint, or a uuid with default gen_random_uuid()",
						c.SQLName, t.SQLName, numbering(c), c.SQLType)
				}
			}
			for _, idx := range st.Indexes {
				if !idx.Unique {
					continue
				}
				has := false
				for _, p := range idx.Parts {
					if p.Column != nil && p.Column.Name == dist.SQLName {
						has = true
					}
				}
				if !has {
					b.errs.Add(idx.Pos, "unique index of table %q lacks its distribution column %q: Citus enforces a unique index only when it holds the distribution column; add %s to its columns",
						t.SQLName, dist.SQLName, dist.SQLName)
				}
			}
		}
		if t.Audit && kind != localTable {
			b.errs.Add(st.Pos, "table %q is a Citus %s with audit: true: its writes would also insert into the audit log, a local table of the coordinator, in the same statement (a data-modifying common table expression), which Citus restricts and cpcgen has not verified there; remove audit: true (docs/scale-out.md)",
				t.SQLName, kind)
		}
		for _, c := range st.Columns {
			ref := c.References
			if ref == nil {
				continue
			}
			parent := byName[ref.Table.Name]
			if parent == nil {
				continue
			}
			pkind := kindOf(parent)
			switch {
			case kind == distributedTable && pkind == referenceTable,
				kind == referenceTable && pkind == referenceTable,
				kind == localTable && pkind != distributedTable:
			case kind == distributedTable && pkind == distributedTable:
				if c.Name != dist.SQLName || ref.Column.Name != parent.DistributedBy.SQLName {
					b.errs.Add(ref.Pos, "column %q of distributed table %q references %s.%s, but Citus keeps a foreign key between distributed tables only from distribution column to distribution column (co-located: %s by %q, %s by %q); distribute both by the key, or make %s a reference table",
						c.Name, t.SQLName, parent.SQLName, ref.Column.Name, t.SQLName, dist.SQLName, parent.SQLName, parent.DistributedBy.SQLName, parent.SQLName)
				}
			default:
				b.errs.Add(ref.Pos, "column %q of %s %q references %s %q, which Citus does not allow; %s",
					c.Name, kind, t.SQLName, pkind, parent.SQLName, citusFKFix(kind, parent))
			}
		}
	}
}

// citusFKFix says how to mend a foreign key Citus refuses.
func citusFKFix(kind tableKind, parent *ir.Table) string {
	if kind == distributedTable {
		return "make " + parent.SQLName + " a reference table (reference: true) or distribute it by the referenced key"
	}
	if kindOf(parent) == distributedTable {
		return "a table referencing a distributed table must be distributed too, by the referencing column"
	}
	return "make " + parent.SQLName + " a reference table (reference: true)"
}

// checkCockroachDB refuses what CockroachDB turns into a hot spot,
// identity columns (one sequence every insert contends on), and the audit
// log, which is not verified there.
func (b *builder) checkCockroachDB(pkg *ir.Package) {
	for _, t := range pkg.Tables {
		for _, c := range t.Columns {
			if c.Identity {
				b.errs.Add(b.columnSpec[c].Pos, "column %q of table %q is %s column: on CockroachDB its sequence is one range every insert writes to; use a uuid with default gen_random_uuid() (or a bigint with default {sql: unique_rowid()})",
					c.SQLName, t.SQLName, numbering(c))
			}
		}
		if t.Audit {
			b.errs.Add(b.tableSpec[t].Pos, "table %q has audit: true: the audit log records txid_current() and is written by data-modifying common table expressions, neither of which cpcgen has verified on CockroachDB; remove audit: true (docs/scale-out.md)", t.SQLName)
		}
	}
}

// checkYugabyteDB refuses what YugabyteDB rejects: nothing cpcgen
// generates is known to be, beyond Citus's options, which buildEngine
// refuses for every engine but Citus. It exists so that the list in
// docs/scale-out.md has a home for each engine.
func (b *builder) checkYugabyteDB(pkg *ir.Package) {}

func columnNames(cols []*ir.Column) string {
	list := make([]string, len(cols))
	for i, c := range cols {
		list[i] = c.SQLName
	}
	return strings.Join(list, ", ")
}

func columnNamesExcept(cols []*ir.Column, skip *ir.Column) []string {
	var out []string
	for _, c := range cols {
		if c != skip {
			out = append(out, c.SQLName)
		}
	}
	return out
}

// distributionsOf returns the tables' distribution in the order Citus
// needs: reference tables, then distributed tables, each after the tables
// of its kind it references (a foreign key's target is distributed
// first), in spec order otherwise.
func distributionsOf(tables []*ir.Table) []*ir.Distribution {
	var out []*ir.Distribution
	for _, kind := range []tableKind{referenceTable, distributedTable} {
		done := map[string]bool{}
		var pending []*ir.Table
		for _, t := range tables {
			if kindOf(t) == kind {
				pending = append(pending, t)
			}
		}
		for len(pending) > 0 {
			var rest []*ir.Table
			for _, t := range pending {
				ready := true
				for _, c := range t.Columns {
					if r := c.References; r != nil && r.Table.SQLName != t.SQLName && !done[r.Table.SQLName] && isKind(tables, r.Table.SQLName, kind) {
						ready = false
					}
				}
				if !ready {
					rest = append(rest, t)
					continue
				}
				done[t.SQLName] = true
				d := &ir.Distribution{Table: t.SQLName}
				if t.DistributedBy != nil {
					d.Column = t.DistributedBy.SQLName
				}
				out = append(out, d)
			}
			if len(rest) == len(pending) {
				// A cycle of foreign keys: keep spec order.
				for _, t := range rest {
					d := &ir.Distribution{Table: t.SQLName}
					if t.DistributedBy != nil {
						d.Column = t.DistributedBy.SQLName
					}
					out = append(out, d)
				}
				break
			}
			pending = rest
		}
	}
	return out
}

func isKind(tables []*ir.Table, name string, kind tableKind) bool {
	for _, t := range tables {
		if t.SQLName == name {
			return kindOf(t) == kind
		}
	}
	return false
}

// numbering says how a sequence numbers c, a column with Identity set:
// "an identity" or "a serial".
func numbering(c *ir.Column) string {
	if c.Serial {
		return "a serial"
	}
	return "an identity"
}
