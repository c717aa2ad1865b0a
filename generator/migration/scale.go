package migration

import (
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
)

// Migrations linear in the number of tables: two steps of Atlas are
// quadratic — writing the snapshot (marshalHCL, here) and ordering the
// changes of a plan (Atlas compares every change with every other: 3 of
// the 8 s of migrate diff at 5,000 tables), which package atlasorder
// does with indexes instead.

// marshalHCL is postgres.MarshalHCL of a schema without its realm.
// Atlas writes each table's depends_on after indexing every table of the
// table's realm, when the schema has one (the lint step gives the
// desired schema one): once per table, a cost quadratic in the number of
// tables (7 of the 12 s of migrate diff at 5,000 tables). The index only
// qualifies references between schemas, and a snapshot holds one
// schema, so the text is the same without it.
func marshalHCL(s *schema.Schema) ([]byte, error) {
	if r := s.Realm; r != nil {
		s.Realm = nil
		defer func() { s.Realm = r }()
	}
	return postgres.MarshalHCL(s)
}
