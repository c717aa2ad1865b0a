package migration

import (
	"bytes"

	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"

	"github.com/cpcgen/cpcgen/internal/parallel"
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
//
// Large schemas are written in chunks of tables, on all cores, and the
// chunks joined (marshalChunks): the text is the same.
func marshalHCL(s *schema.Schema) ([]byte, error) {
	if r := s.Realm; r != nil {
		s.Realm = nil
		defer func() { s.Realm = r }()
	}
	if len(s.Tables) <= hclChunk {
		return postgres.MarshalHCL(s)
	}
	if data, ok, err := marshalChunks(s, hclChunk); ok || err != nil {
		return data, err
	}
	return postgres.MarshalHCL(s)
}

// hclChunk is the number of tables marshalChunks writes at once.
const hclChunk = 200

// marshalChunks writes the snapshot of s in chunks of n tables. Atlas
// formats the whole document at once (hclwrite), which costs more per
// table the larger the document (5,000 tables: 3 of the 8 s of migrate
// diff, 12 times the cost of 1,000 tables), in one goroutine. Atlas
// writes the tables first, each a block of its own that formatting does
// not align with its neighbours, then the schema's other objects, then
// the schema block; so the text of s is the tables of every chunk (each
// marshalled as a schema of those tables alone, without the schema
// block that ends it) followed by the text of s without its tables.
// When a chunk does not end with that schema block, ok is false and
// the caller writes the schema at once.
func marshalChunks(s *schema.Schema, n int) (data []byte, ok bool, err error) {
	var chunks []*schema.Schema
	for i := 0; i < len(s.Tables); i += n {
		chunks = append(chunks, &schema.Schema{Name: s.Name, Attrs: s.Attrs, Tables: s.Tables[i:min(i+n, len(s.Tables))]})
	}
	rest := *s
	rest.Tables = nil
	chunks = append(chunks, &rest)
	tail := &schema.Schema{Name: s.Name, Attrs: s.Attrs}
	chunks = append(chunks, tail)

	out := make([][]byte, len(chunks))
	errs := make([]error, len(chunks))
	parallel.For(len(chunks), func(i int) { out[i], errs[i] = postgres.MarshalHCL(chunks[i]) })
	for _, err := range errs {
		if err != nil {
			return nil, false, err
		}
	}
	schemaBlock := out[len(out)-1]
	var b bytes.Buffer
	for _, c := range out[:len(out)-2] {
		body, found := bytes.CutSuffix(c, schemaBlock)
		if !found {
			return nil, false, nil
		}
		b.Write(body)
	}
	if !bytes.HasSuffix(out[len(out)-2], schemaBlock) {
		return nil, false, nil
	}
	b.Write(out[len(out)-2])
	return b.Bytes(), true, nil
}
