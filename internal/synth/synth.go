package synth

import (
	"fmt"
	"strings"

	"github.com/cpcgen/cpcgen/spec"
)

// TablesPerFile is how many tables one synthetic spec file holds.
const TablesPerFile = 50

// Config returns the cpcgen.yaml of a synthetic project.
func Config() []byte {
	return []byte("version: 1\npackage: {name: synthdb, dir: ./out}\nspecs: [./schema/*.yaml]\nmigrations: {dir: ./migrations}\n")
}

// QueriesPerTable is the number of queries Files declares per table.
const QueriesPerTable = 3

// Files returns the spec files of a synthetic project with n tables, named
// schema/part_NNNN.yaml, and their queries, in schema/queries_NNNN.yaml.
// Table i references tables i-1 and i-2 (when they exist), so the foreign
// keys form a chain the migration planner must order.
func Files(n int) []spec.File { return FilesWithQueries(n, QueriesPerTable) }

// FilesWithQueries is Files with q queries per table (0 to 3): a keyset
// paginated structured query with an optional filter, a count, and a raw
// SQL aggregate, in that order.
func FilesWithQueries(n, q int) []spec.File {
	var files []spec.File
	var b strings.Builder
	flush := func(part int) {
		if b.Len() == 0 {
			return
		}
		files = append(files, spec.File{Name: fmt.Sprintf("schema/part_%04d.yaml", part), Data: []byte(b.String())})
		b.Reset()
	}
	for i := 0; i < n; i++ {
		if i%TablesPerFile == 0 {
			flush(i/TablesPerFile - 1)
			b.WriteString("enums:\n")
			fmt.Fprintf(&b, "  state_%04d: [draft, active, archived]\n", i/TablesPerFile)
			b.WriteString("tables:\n")
		}
		writeTable(&b, i)
	}
	flush((n - 1) / TablesPerFile)
	// Queries go in their own files, after the tables.
	for start := 0; start < n && q > 0; start += TablesPerFile {
		b.WriteString("queries:\n")
		for i := start; i < n && i < start+TablesPerFile; i++ {
			writeQueries(&b, i, q)
		}
		files = append(files, spec.File{Name: fmt.Sprintf("schema/queries_%04d.yaml", start/TablesPerFile), Data: []byte(b.String())})
		b.Reset()
	}
	return files
}

func table(i int) string { return fmt.Sprintf("t%05d", i) }

func writeTable(b *strings.Builder, i int) {
	fmt.Fprintf(b, "  %s:\n    comment: Synthetic table %d.\n    columns:\n", table(i), i)
	b.WriteString("      id:         {type: uuid, primary_key: true, default: gen_random_uuid()}\n")
	b.WriteString("      name:       {type: varchar(120)}\n")
	b.WriteString("      email:      {type: varchar(255), unique: true}\n")
	b.WriteString("      amount:     {type: \"numeric(18,2)\", default: 0, check: \"amount >= 0\"}\n")
	b.WriteString("      quantity:   {type: integer, default: 1}\n")
	fmt.Fprintf(b, "      state:      {type: state_%04d, default: draft}\n", i/TablesPerFile)
	b.WriteString("      tags:       {type: \"text[]\", default: []}\n")
	b.WriteString("      note:       {type: text, nullable: true}\n")
	if i >= 1 {
		fmt.Fprintf(b, "      parent_id:  {type: uuid, references: %s.id, on_delete: cascade}\n", table(i-1))
	} else {
		b.WriteString("      parent_id:  {type: uuid, nullable: true}\n")
	}
	if i >= 2 {
		fmt.Fprintf(b, "      other_id:   {type: uuid, references: %s.id, nullable: true, on_delete: set null}\n", table(i-2))
	} else {
		b.WriteString("      other_id:   {type: uuid, nullable: true}\n")
	}
	b.WriteString("    indexes:\n")
	b.WriteString("      - {columns: [parent_id, created_at]}\n")
	b.WriteString("      - {columns: [state], where: \"state <> 'archived'\"}\n")
	b.WriteString("    timestamps: true\n")
}

func writeQueries(b *strings.Builder, i, q int) {
	fmt.Fprintf(b, "  %s:\n", table(i))
	if q >= 1 {
		b.WriteString("    - {name: ByParent, where: {parent_id: eq, state: {op: eq, optional: true}}, order_by: [\"created_at desc\", id], paginate: keyset}\n")
	}
	if q >= 3 {
		b.WriteString("    - {name: CountActive, where: {state: {op: ne, value: archived}}, returns: count}\n")
	}
	if q >= 2 {
		fmt.Fprintf(b, "    - name: Totals\n      sql: \"SELECT parent_id, sum(amount) AS total FROM %s WHERE created_at >= @since GROUP BY parent_id\"\n", table(i))
		b.WriteString("      params: {since: timestamptz}\n      columns: {parent_id: uuid, total: {type: numeric, nullable: true}}\n")
	}
}
