package spec

import (
	"strings"
	"testing"
)

// vspec is a table accounts and a view over it written with the given
// entry body (indented for an entry under tables:).
func vspec(body string, extra ...string) string {
	return `tables:
  accounts:
    columns:
      id:      {type: bigint, primary_key: true}
      owner:   text
      balance: numeric
  rich:
` + body + strings.Join(extra, "")
}

func TestViewValid(t *testing.T) {
	p := mustParse(t, vspec(`    comment: Accounts with money.
    view:
      materialized: true
      depends_on: [accounts]
      sql: |
        SELECT id, owner FROM accounts WHERE balance > 100;
    columns:
      id:    {type: bigint, primary_key: true}
      owner: {type: text, comment: "Who."}
    indexes:
      - {columns: [id], unique: true}
      - {columns: [owner]}
`))
	var v *Table
	for _, t := range p.Tables {
		if t.Name == "rich" {
			v = t
		}
	}
	if v == nil || v.View == nil {
		t.Fatalf("rich is not a view: %+v", v)
	}
	if !v.View.Materialized || !v.View.Concurrent {
		t.Errorf("view = %+v, want materialized with a unique index", v.View)
	}
	o := v.View.Object
	want := "CREATE MATERIALIZED VIEW rich AS\nSELECT id, owner FROM accounts WHERE balance > 100;\n" +
		"CREATE UNIQUE INDEX rich_id_key ON rich (\"id\");\nCREATE INDEX rich_owner_idx ON rich (\"owner\")"
	if o == nil || o.SQL != want || o.Drop != "DROP MATERIALIZED VIEW rich" || o.Kind.Name != "materialized_view" || o.Comment != "Accounts with money." {
		t.Fatalf("object = %+v\nwant SQL %q", o, want)
	}
	if len(o.DependsOn) != 1 || o.DependsOn[0].Table == nil {
		t.Errorf("depends_on = %+v, want table accounts", o.DependsOn)
	}
	if len(p.Objects) != 1 || p.Objects[0] != o {
		t.Errorf("objects = %v, want the view's", p.Objects)
	}
	// A plain view, and an object depending on it by name.
	p = mustParse(t, vspec(`    view: {sql: "SELECT id FROM accounts"}
    columns: {id: {type: bigint, primary_key: true}}
`, `sql_objects:
  - name: rich_ids
    kind: function
    depends_on: [rich]
    sql: CREATE FUNCTION rich_ids() RETURNS SETOF bigint LANGUAGE sql AS $$ SELECT id FROM rich $$
`))
	if o := p.Objects[1]; len(o.DependsOn) != 1 || o.DependsOn[0].Object != p.Objects[0] {
		t.Errorf("rich_ids depends on %+v, want the view's object", p.Objects[1].DependsOn)
	}
	if v := p.Objects[0]; v.View == nil || v.Kind.Name != "view" || v.SQL != "CREATE VIEW rich AS\nSELECT id FROM accounts" {
		t.Errorf("view object = %+v", v)
	}
}

func TestViewErrors(t *testing.T) {
	cols := "    columns: {id: {type: bigint, primary_key: true}}\n"
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"table key", vspec("    view: {sql: SELECT 1 AS id}\n    timestamps: true\n" + cols),
			[]string{`schema/a.yaml:9:5: view "rich": timestamps does not apply to a view; a view has "comment", "columns", "primary_key", "indexes", "go_name" or "view"`}},
		{"column key", vspec("    view: {sql: SELECT 1 AS id}\n    columns: {id: {type: bigint, primary_key: true, default: 1}}\n"),
			[]string{`schema/a.yaml:9:53: view "rich": column "id": default does not apply to a column of a view (its query computes it)`}},
		{"create", vspec("    view: {sql: CREATE VIEW rich AS SELECT 1 AS id}\n" + cols),
			[]string{`schema/a.yaml:8:17: the sql of view "rich" is the query alone (SELECT …); cpcgen writes CREATE VIEW rich AS around it`}},
		{"no sql", vspec("    view: {depends_on: [accounts]}\n" + cols),
			[]string{`schema/a.yaml:8:5: view "rich" has neither sql: nor file:`}},
		{"index on plain view", vspec("    view: {sql: SELECT 1 AS id}\n" + cols + "    indexes: [{columns: [id]}]\n"),
			[]string{`view "rich": a view has no indexes (only a materialized view has)`}},
		{"expression index", vspec("    view: {sql: SELECT 1 AS id, materialized: true}\n" + cols + "    indexes: [{columns: [{expr: \"id + 1\"}]}]\n"),
			[]string{`an index of a materialized view lists columns`}},
		{"unknown dependency", vspec("    view: {sql: SELECT 1 AS id, depends_on: [acounts]}\n" + cols),
			[]string{`schema/a.yaml:8:46: depends_on of view "rich": unknown table, enum, extension or sql object "acounts"; did you mean "accounts"?`}},
		{"references a view", vspec("    view: {sql: SELECT 1 AS id}\n"+cols, "  other:\n    columns:\n      id: {type: bigint, primary_key: true, references: rich.id}\n"),
			[]string{`column "id" references "rich", a view; a foreign key references a table`}},
		{"no key", vspec("    view: {sql: SELECT 1 AS id}\n    columns: {id: bigint}\n"),
			[]string{`schema/a.yaml:7:3: view "rich" has no primary key; a view model needs the columns that identify its rows`}},
		{"sql object named like it", vspec("    view: {sql: SELECT 1 AS id}\n"+cols, "sql_objects:\n  - {name: rich, kind: view, sql: CREATE VIEW rich AS SELECT 1}\n"),
			[]string{`schema/a.yaml:11:12: duplicate view "rich"; first declared at schema/a.yaml:7:3`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseOne(t, tc.src)
			checkErrors(t, err, tc.want...)
		})
	}
}
