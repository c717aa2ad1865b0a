package migration

import (
	"slices"
	"sort"

	"ariga.io/atlas/sql/schema"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/internal/find"
)

// Usage is what the generated code of one table reads and writes: the
// columns of the statements the package runs. The snapshot keeps one
// line per table ("# cpcgen:usage {json}"), written with the schema, so
// that the next diff knows exactly what the release still running
// during a deploy does with each column — the generated package at the
// last migration — without rebuilding it: the snapshot's schema alone
// does not say which columns the repository writes, which it may leave
// out, or what the raw queries name.
type Usage struct {
	Table string `json:"table"`
	// Read are the columns the code selects: every finder, list and
	// stream scans the whole row, so every column of the table.
	Read []string `json:"read"`
	// Insert are the columns every insert writes (Create, CreateMany,
	// the upserts): the required fields of the insert struct and the
	// tenant column. A column left out of it takes its default when the
	// code does not set it.
	Insert []string `json:"insert"`
	// Write are the columns an insert or an update may write (the
	// insert and update structs' fields, the managed timestamps and
	// version, the tenant), possibly NULL when the column is nullable in
	// the code's spec.
	Write []string `json:"write"`
}

const usagePrefix = "# cpcgen:usage "

// usageOf computes the usage of each table of the package, by table
// name. Its facts come from the package: the columns of the model (which
// every finder selects), of the insert struct (Insert, required when
// the column has no default) and of the update struct (Updatable).
func usageOf(pkg *ir.Package) []*Usage {
	var out []*Usage
	for _, t := range pkg.Tables {
		u := &Usage{Table: t.SQLName}
		write := map[string]bool{}
		for _, c := range t.Columns {
			u.Read = append(u.Read, c.SQLName)
		}
		for _, c := range t.Insert {
			if !c.HasDefault {
				u.Insert = append(u.Insert, c.SQLName)
			}
			write[c.SQLName] = true
		}
		if t.Tenant != nil {
			// Create stamps the context's tenant on every row.
			u.Insert = append(u.Insert, t.Tenant.SQLName)
			write[t.Tenant.SQLName] = true
		}
		for _, c := range t.Updatable {
			write[c.SQLName] = true
		}
		for _, c := range []*ir.Column{t.CreatedAt, t.UpdatedAt, t.DeletedAt, t.Version} {
			if c != nil {
				write[c.SQLName] = true // set by the repository's statements
			}
		}
		for _, c := range t.Columns {
			if write[c.SQLName] {
				u.Write = append(u.Write, c.SQLName)
			}
		}
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Table < out[j].Table })
	return out
}

// schemaUsage is the usage assumed for a snapshot written before usage
// was recorded: the code reads and may write every column of every
// table, and inserts every NOT NULL column that has no default.
func schemaUsage(s *schema.Schema) []*Usage {
	var out []*Usage
	for _, t := range s.Tables {
		u := &Usage{Table: t.Name}
		for _, c := range t.Columns {
			u.Read = append(u.Read, c.Name)
			u.Write = append(u.Write, c.Name)
			if !c.Type.Null && c.Default == nil && !isIdentity(c) {
				u.Insert = append(u.Insert, c.Name)
			}
		}
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Table < out[j].Table })
	return out
}

// ParseUsage reads the usage lines of a snapshot file; has is false when
// the snapshot has none (it predates them, or the package had no table).
func ParseUsage(data []byte) (us []*Usage, has bool, err error) {
	us, err = parseLines(data, usagePrefix, "usage", func(u *Usage) bool { return u.Table != "" })
	if err != nil {
		return nil, false, err
	}
	return us, len(us) > 0, nil
}

// usageOfTable returns the usage of a table, or nil when the code does
// not use it.
func usageOfTable(us []*Usage, table string) *Usage {
	return find.First(us, func(u *Usage) bool { return u.Table == table })
}

func (u *Usage) reads(col string) bool   { return u != nil && slices.Contains(u.Read, col) }
func (u *Usage) writes(col string) bool  { return u != nil && slices.Contains(u.Write, col) }
func (u *Usage) inserts(col string) bool { return u != nil && slices.Contains(u.Insert, col) }
