package spec

import (
	"strings"
	"testing"
	"time"
)

// qspec is a table with typical columns plus the given queries for it.
func qspec(queries string, tableExtra ...string) string {
	s := `enums:
  currency: [USD, EUR]
tables:
  accounts:
    columns:
      id:         {type: uuid, primary_key: true}
      org_id:     uuid
      user_id:    uuid
      currency:   currency
      name:       text
      active:     boolean
      meta:       jsonb
      closed_at:  {type: timestamptz, nullable: true}
      created_at: timestamptz
      seq:        {type: bigint, unique: true}
`
	for _, e := range tableExtra {
		s += e
	}
	return s + "queries:\n  accounts:\n" + queries
}

func TestQueryErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"unknown table", "queries:\n  acounts: []\n" + table(""), []string{`schema/a.yaml:2:3: queries for unknown table "acounts"`}},
		{"unknown table suggestion", qspec("") + "  acounts: []\n", []string{`queries for unknown table "acounts"; did you mean "accounts"?`}},
		{"no name", qspec("    - {where: {id: eq}}\n"), []string{`query has no name`}},
		{"unexported name", qspec("    - {name: forUser}\n"), []string{`schema/a.yaml:18:14: query name "forUser" must be an exported Go identifier; did you mean "ForUser"?`}},
		{"snake name", qspec("    - {name: for_user}\n"), []string{`did you mean "ForUser"?`}},
		{"duplicate name", qspec("    - {name: A}\n    - {name: A}\n"), []string{`schema/a.yaml:19:7: duplicate query "A" on table "accounts"; first at schema/a.yaml:18:7`}},
		{"unknown key", qspec("    - {name: A, limt: 5}\n"), []string{`unknown key "limt" in query; did you mean "limit"?`}},
		{"filter unknown column", qspec("    - {name: A, where: {usr_id: eq}}\n"), []string{`schema/a.yaml:18:25: unknown column "usr_id" in where; did you mean "user_id"?`}},
		{"bad op", qspec("    - {name: A, where: {user_id: equals}}\n"), []string{`op: "equals" is not one of`}},
		{"bad op typo", qspec("    - {name: A, where: {user_id: {op: gtee}}}\n"), []string{`did you mean "gte"?`}},
		{"like on uuid", qspec("    - {name: A, where: {user_id: like}}\n"), []string{`like applies to text columns; column "user_id" is uuid`}},
		{"lt on boolean", qspec("    - {name: A, where: {active: lt}}\n"), []string{`lt does not apply to boolean column "active"`}},
		{"between on jsonb", qspec("    - {name: A, where: {meta: between}}\n"), []string{`between does not apply to jsonb column "meta"`}},
		{"is_null not nullable", qspec("    - {name: A, where: {name: is_null}}\n"), []string{`is_null applies to nullable columns; column "name" is not nullable`}},
		{"is_null optional", qspec("    - {name: A, where: {closed_at: {op: is_null, optional: true}}}\n"), []string{`an is_null filter takes no value, so it cannot be optional`}},
		{"value bad literal", qspec("    - {name: A, where: {currency: {op: eq, value: usd}}}\n"), []string{`invalid value for column "currency": "usd" is not a value of enum "currency"; did you mean "USD"?`}},
		{"value with optional", qspec("    - {name: A, where: {name: {op: eq, value: x, optional: true}}}\n"), []string{`a filter with a fixed value cannot be optional`}},
		{"value with param", qspec("    - {name: A, where: {name: {op: eq, value: x, param: n}}}\n"), []string{`a filter has either a fixed value or a param, not both`}},
		{"in value scalar", qspec("    - {name: A, where: {name: {op: in, value: x}}}\n"), []string{`expected a sequence for type text[], got string "x"`}},
		{"param reused", qspec("    - name: A\n      where:\n        created_at: [{op: gte}, {op: lt}]\n"), []string{`parameter "created_at" is used twice in query "A"`}},
		{"param reserved", qspec("    - {name: A, where: {name: {op: eq, param: limit}}}\n"), []string{`parameter name "limit" is reserved for the generated method`}},
		{"param bad ident", qspec("    - {name: A, where: {name: {op: eq, param: first-name}}}\n"), []string{`parameter name "first-name" is not a plain SQL name`}},
		{"between params clash", qspec("    - name: A\n      where:\n        created_at: between\n        name: {op: eq, param: created_at_from}\n"), []string{`parameter "created_at_from" is used twice`}},
		{"order_by unknown", qspec("    - {name: A, order_by: [nmae]}\n"), []string{`unknown column "nmae" in order_by; did you mean "name"?`}},
		{"order_by syntax", qspec("    - {name: A, order_by: [\"name sideways\"]}\n"), []string{`"name sideways" is not "column [asc|desc] [nulls first|last]"`}},
		{"returns bad", qspec("    - {name: A, returns: all}\n"), []string{`returns: "all" is not one of "one", "many", "count" or "exists"`}},
		{"returns exec structured", qspec("    - {name: A, returns: exec}\n"), []string{`returns: "exec" is not one of`}},
		{"count with order", qspec("    - {name: A, returns: count, order_by: [name], limit: 5}\n"), []string{`order_by does not apply to a query that returns count`, `limit does not apply to a query that returns count`}},
		{"exists with stream", qspec("    - {name: A, returns: exists, stream: true}\n"), []string{`stream does not apply to a query that returns exists`}},
		{"one with paginate", qspec("    - {name: A, returns: one, paginate: offset, offset: true}\n"), []string{`paginate does not apply to a query that returns one`, `offset does not apply to a query that returns one`}},
		{"paginate with limit", qspec("    - {name: A, paginate: offset, limit: 10}\n"), []string{`limit does not apply to a paginated query`}},
		{"paginate with limit param", qspec("    - {name: A, paginate: offset, limit: param}\n"), []string{`limit does not apply to a paginated query`}},
		{"limit zero", qspec("    - {name: A, limit: 0}\n"), []string{`limit must be a positive number, or param`}},
		{"limit word", qspec("    - {name: A, limit: lots}\n"), []string{`limit: expected a positive number or param, got string "lots"`}},
		{"keyset nullable", qspec("    - {name: A, order_by: [closed_at, id], paginate: keyset}\n"), []string{`keyset pagination needs non-null order_by columns; column "closed_at" is nullable`}},
		{"keyset not unique", qspec("    - {name: A, order_by: [name], paginate: keyset}\n"), []string{`schema/a.yaml:18:45: keyset pagination needs order_by to end in a unique key of table "accounts" (add id at the end)`}},
		{"keyset unique not last", qspec("    - {name: A, order_by: [id, name], paginate: keyset}\n"), []string{`keyset pagination needs order_by to end in a unique key`}},
		{"include_deleted", qspec("    - {name: A, include_deleted: true}\n"), []string{`include_deleted applies to soft_delete tables; table "accounts" has no soft_delete`}},
		{"raw with where", qspec("    - {name: A, sql: 'SELECT 1', where: {id: eq}, returns: exec}\n"), []string{`where is a key of structured queries; query "A" has sql:, so it is raw`}},
		{"structured with params", qspec("    - {name: A, params: {x: text}}\n"), []string{`params is a key of raw queries; query "A" has no sql:`}},
		{"raw empty sql", qspec("    - {name: A, sql: '', returns: exec}\n"), []string{`sql: must not be empty`}},
		{"raw returns count", qspec("    - {name: A, sql: 'SELECT 1', returns: count}\n"), []string{`returns: "count" is not one of "one", "many", "exec" or "rows_affected"`}},
		{"raw undeclared", qspec("    - {name: A, sql: 'DELETE FROM accounts WHERE id = @idd', params: {id: uuid}, returns: exec}\n"),
			[]string{`schema/a.yaml:18:55: parameter @idd is not declared in params; did you mean "id"?`, `schema/a.yaml:18:71: parameter "id" is declared but the SQL does not use @id`}},
		{"raw positional", qspec("    - {name: A, sql: 'DELETE FROM accounts WHERE id = $1', returns: exec}\n"), []string{`schema/a.yaml:18:55: positional parameter $1 is not supported; use @name parameters`}},
		{"raw unterminated", qspec("    - {name: A, sql: \"DELETE FROM accounts WHERE name = 'x\", returns: exec}\n"), []string{`unterminated string constant`}},
		{"raw needs columns", qspec("    - {name: A, sql: 'SELECT 1'}\n"), []string{`raw query "A" returns many, so it needs columns: naming the result columns and their types`}},
		{"raw exec columns", qspec("    - {name: A, sql: 'SELECT 1', returns: exec, columns: {a: int}}\n"), []string{`columns does not apply to a query that returns exec`}},
		{"raw param type", qspec("    - {name: A, sql: 'SELECT @a', params: {a: strng}, columns: {x: int}}\n"), []string{`unknown type "strng"`}},
		{"raw param key", qspec("    - {name: A, sql: 'SELECT @a', params: {a: {type: int, null: true}}, columns: {x: int}}\n"), []string{`unknown key "null" in parameter "a"`}},
		{"raw unscoped no tenant", qspec("    - {name: A, sql: 'SELECT 1', unscoped: true, returns: exec}\n"), []string{`unscoped applies to tenant tables; table "accounts" has no tenant`}},
		{"read_only on exec", qspec("    - {name: A, sql: 'SELECT 1', read_only: true, returns: exec}\n"), []string{`read_only applies to queries that return rows (returns: one or many); query "A" returns exec, so it runs on the primary`}},
		{"replica_ok on rows_affected", qspec("    - {name: A, sql: 'DELETE FROM accounts', replica_ok: true, returns: rows_affected}\n"), []string{`replica_ok applies to queries that return rows`}},
		{"read_only and replica_ok", qspec("    - {name: A, sql: 'SELECT 1 AS x', columns: {x: integer}, read_only: true, replica_ok: true}\n"), []string{`replica_ok is another name for read_only; query "A" has both, keep one`}},
		{"replica_ok structured", qspec("    - {name: A, replica_ok: true}\n"), []string{`replica_ok is a key of raw queries; query "A" has no sql:`}},
		{"raw tenant missing", qspec("    - {name: A, sql: 'SELECT 1', returns: exec}\n", "    tenant: org_id\n"), []string{`query "A" on tenant table "accounts" must filter by @tenant, or say unscoped: true`}},
		{"raw tenant declared", qspec("    - {name: A, sql: 'SELECT @tenant', params: {tenant: uuid}, returns: exec}\n", "    tenant: org_id\n"), []string{`do not declare tenant: @tenant is provided by the runtime on tenant table "accounts"`}},
		{"raw glued param", qspec("    - {name: A, sql: 'DELETE FROM accounts WHERE id<@id', params: {id: uuid}, returns: exec}\n"),
			[]string{`parameter "id" is declared but the SQL does not use @id (an @ right after an operator character is part of the operator; write a space before @id)`}},
		{"raw keyset unknown column", qspec("    - {name: A, sql: 'SELECT id, name FROM accounts', columns: {id: uuid, name: text}, paginate: keyset, keyset: [nmae, id]}\n"),
			[]string{`schema/a.yaml:18:115: keyset column "nmae" of query "A" is not a result column; keyset: names columns listed in columns:; did you mean "name"?`}},
		{"raw keyset block position", qspec("    - name: A\n      sql: SELECT id FROM accounts\n      columns: {id: uuid}\n      paginate: keyset\n      keyset:\n        - id\n        - {column: seq, desc: true}\n"),
			[]string{`schema/a.yaml:24:20: keyset column "seq" of query "A" is not a result column`}},
		{"raw keyset nullable", qspec("    - {name: A, sql: 'SELECT closed_at FROM accounts', columns: {closed_at: {type: timestamptz, nullable: true}}, paginate: keyset, keyset: [closed_at]}\n"),
			[]string{`keyset column "closed_at" is nullable`}},
		{"raw keyset json", qspec("    - {name: A, sql: 'SELECT meta FROM accounts', columns: {meta: json}, paginate: keyset, keyset: [meta]}\n"),
			[]string{`keyset column "meta": json values cannot be sorted`}},
		{"raw keyset twice", qspec("    - {name: A, sql: 'SELECT id FROM accounts', columns: {id: uuid}, paginate: keyset, keyset: [id, id desc]}\n"),
			[]string{`keyset lists column "id" twice`}},
		{"raw keyset direction", qspec("    - {name: A, sql: 'SELECT id FROM accounts', columns: {id: uuid}, paginate: keyset, keyset: [id sideways]}\n"),
			[]string{`keyset column "id sideways" is not "column [asc|desc]"`}},
		{"raw keyset missing", qspec("    - {name: A, sql: 'SELECT id FROM accounts', columns: {id: uuid}, paginate: keyset}\n"),
			[]string{`raw query "A" has paginate: keyset but no keyset:`}},
		{"raw keyset without paginate", qspec("    - {name: A, sql: 'SELECT id FROM accounts', columns: {id: uuid}, keyset: [id]}\n"),
			[]string{`keyset applies to a paginated raw query; add paginate: keyset to query "A"`}},
		{"raw paginate offset", qspec("    - {name: A, sql: 'SELECT id FROM accounts', columns: {id: uuid}, paginate: offset}\n"),
			[]string{`raw query "A": paginate: offset applies to structured queries`}},
		{"raw paginate one", qspec("    - {name: A, sql: 'SELECT id FROM accounts', columns: {id: uuid}, returns: one, paginate: keyset, keyset: [id]}\n"),
			[]string{`paginate does not apply to a query that returns one`}},
		{"structured keyset", qspec("    - {name: A, paginate: keyset, keyset: [id]}\n"), []string{`keyset is a key of raw queries; query "A" has no sql:`}},
		{"raw sql block position", qspec("    - name: A\n      returns: exec\n      sql: |\n        DELETE FROM accounts\n        WHERE id = @nope\n"), []string{`schema/a.yaml:22:20: parameter @nope is not declared in params`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseOne(t, tc.src)
			checkErrors(t, err, tc.want...)
		})
	}
}

func TestQueriesValid(t *testing.T) {
	p := mustParse(t, qspec(`    - name: ForUser
      comment: "Accounts of one user."
      where:
        user_id: eq
        currency: {op: eq, optional: true, param: cur}
        created_at: [{op: gte, param: since, optional: true}, {op: lt, param: until, optional: true}]
        name: {op: ne, value: closed}
        id: in
        closed_at: is_null
        seq: {op: in, value: [1, 2]}
      order_by: [currency, "created_at desc nulls last", {column: id, desc: true}]
      limit: 50
      offset: true
    - {name: Page, paginate: keyset}
    - {name: PageBySeq, paginate: keyset, order_by: [name, seq], stream: true}
    - {name: Between, where: {created_at: between}, returns: count}
    - {name: Lim, limit: param, returns: one}
    - name: Raw
      sql: "SELECT id, name FROM accounts WHERE name = @name AND currency = @currency::currency OR tags @> @name"
      params: {name: text, currency: {type: currency, nullable: true}}
      columns: {id: uuid, name: {type: text, nullable: true}}
      read_only: true
    - {name: Purge, sql: "DELETE FROM accounts", returns: rows_affected}
    - {name: Alias, sql: "SELECT 1 AS one", columns: {one: integer}, returns: one, replica_ok: true}
`))
	qs := p.Table("accounts").Queries
	if len(qs) != 8 {
		t.Fatalf("got %d queries", len(qs))
	}
	if alias := qs[7]; !alias.ReadOnly || alias.ReadOnlyPos.Line == 0 || qs[6].ReadOnly {
		t.Errorf("replica_ok: ReadOnly %v at %v; Purge ReadOnly %v", alias.ReadOnly, alias.ReadOnlyPos, qs[6].ReadOnly)
	}
	q := qs[0]
	if q.Kind != Structured || q.Returns != "many" || q.Limit != 50 || !q.OffsetParam || q.Comment != "Accounts of one user." {
		t.Errorf("ForUser = %+v", q)
	}
	type fl struct {
		col, op, param, value string
		optional, hasValue    bool
	}
	var got []fl
	for _, f := range q.Where {
		got = append(got, fl{f.Column.Name, f.Op, f.Param, f.Value, f.Optional, f.HasValue})
	}
	want := []fl{
		{"user_id", "eq", "user_id", "", false, false},
		{"currency", "eq", "cur", "", true, false},
		{"created_at", "gte", "since", "", true, false},
		{"created_at", "lt", "until", "", true, false},
		{"name", "ne", "", "closed", false, true},
		{"id", "in", "ids", "", false, false},
		{"closed_at", "is_null", "", "", false, false},
		{"seq", "in", "", "{1,2}", false, true},
	}
	if len(got) != len(want) {
		t.Fatalf("filters = %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("filter %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if len(q.OrderBy) != 3 || q.OrderBy[1].Column.Name != "created_at" || !q.OrderBy[1].Desc || q.OrderBy[1].Nulls != "last" || !q.OrderBy[2].Desc {
		t.Errorf("order_by = %+v", q.OrderBy)
	}
	if page := qs[1]; page.Paginate != "keyset" || len(page.OrderBy) != 1 || page.OrderBy[0].Column.Name != "id" {
		t.Errorf("keyset with empty order_by should sort by the primary key: %+v", page.OrderBy)
	}
	if qs[2].Paginate != "keyset" || !qs[2].Stream {
		t.Errorf("PageBySeq = %+v", qs[2])
	}
	if !qs[4].LimitParam || qs[4].Returns != "one" {
		t.Errorf("Lim = %+v", qs[4])
	}
	raw := qs[5]
	if raw.Kind != Raw || !raw.ReadOnly || len(raw.Params) != 2 || !raw.Params[1].Nullable || raw.Params[1].Type.Enum == nil ||
		len(raw.Columns) != 2 || !raw.Columns[1].Nullable || raw.SQLPos.Line != 36 {
		t.Errorf("Raw = %+v", raw)
	}
	if qs[6].Returns != "rows_affected" {
		t.Errorf("Purge = %+v", qs[6])
	}
}

func TestTenantQueries(t *testing.T) {
	mustParse(t, qspec(`    - {name: Scoped, sql: "SELECT count(*) AS n FROM accounts WHERE org_id = @tenant", columns: {n: bigint}, returns: one}
    - {name: All, sql: "SELECT count(*) AS n FROM accounts", columns: {n: bigint}, unscoped: true}
    - {name: Structured, where: {name: eq}}
`, "    tenant: org_id\n"))
}

func TestCacheOption(t *testing.T) {
	p := mustParse(t, qspec(`    - {name: Purge, sql: "DELETE FROM accounts", returns: exec, writes: [accounts]}
    - {name: Touch, sql: "SELECT 1", returns: exec, writes: []}
`, "    cache: {ttl: 10m, max_entries: 500}\n"))
	acc := p.Table("accounts")
	if c := acc.Cache; c == nil || c.TTL != 10*time.Minute || c.MaxEntries != 500 || c.Pos.Line != 16 {
		t.Errorf("cache = %+v", c)
	}
	purge, touch := acc.Queries[0], acc.Queries[1]
	if len(purge.Writes) != 1 || purge.Writes[0] != acc || purge.WritesPos.Line == 0 {
		t.Errorf("Purge writes %v at %v", purge.Writes, purge.WritesPos)
	}
	if len(touch.Writes) != 0 || !touch.WritesPos.IsValid() {
		t.Errorf("Touch writes %v at %v: an empty list is declared", touch.Writes, touch.WritesPos)
	}
	if c := mustParse(t, qspec("    - {name: A, where: {id: eq}}\n", "    cache: true\n")).Table("accounts").Cache; c == nil || c.TTL != 0 || c.MaxEntries != 0 {
		t.Errorf("cache: true = %+v", c)
	}
	if c := mustParse(t, qspec("    - {name: A, where: {id: eq}}\n", "    cache: false\n")).Table("accounts").Cache; c != nil {
		t.Errorf("cache: false = %+v", c)
	}
}

func TestCacheOptionErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"ttl not a duration", qspec("", "    cache: {ttl: soon}\n"), []string{`schema/a.yaml:16:18: cache: ttl must be a duration such as 90s, 10m or 1h30m, got string "soon"`}},
		{"ttl a number", qspec("", "    cache: {ttl: 60}\n"), []string{`cache: ttl must be a duration such as 90s, 10m or 1h30m, got number 60`}},
		{"ttl zero", qspec("", "    cache: {ttl: 0s}\n"), []string{`cache: ttl must be positive, got 0s; leave it out for no time limit`}},
		{"ttl fine", qspec("", "    cache: {ttl: 1500us}\n"), []string{`cache: ttl 1500us is finer than a millisecond; round it`}},
		{"max_entries zero", qspec("", "    cache: {max_entries: 0}\n"), []string{`cache: max_entries must be a positive number, got 0`}},
		{"max_entries text", qspec("", "    cache: {max_entries: many}\n"), []string{`cache: max_entries: expected an integer, got string "many"`}},
		{"unknown key", qspec("", "    cache: {tll: 1m}\n"), []string{`unknown key "tll" in cache; did you mean "ttl"?`}},
		{"sequence", qspec("", "    cache: [ttl]\n"), []string{`cache: expected true, false or a mapping with ttl and max_entries, got a sequence`}},
		{"writes unknown table", qspec("    - {name: A, sql: 'DELETE FROM accounts', returns: exec, writes: [acounts]}\n"),
			[]string{`schema/a.yaml:18:70: writes: unknown table "acounts"; did you mean "accounts"?`}},
		{"writes twice", qspec("    - {name: A, sql: 'DELETE FROM accounts', returns: exec, writes: [accounts, accounts]}\n"),
			[]string{`writes: table "accounts" is listed twice (first at schema/a.yaml:18:70)`}},
		{"writes on read_only", qspec("    - {name: A, sql: 'SELECT 1 AS x', columns: {x: integer}, read_only: true, writes: [accounts]}\n"),
			[]string{`writes does not apply to a query that only reads; query "A" says read_only: true`}},
		{"writes on structured", qspec("    - {name: A, where: {id: eq}, writes: [accounts]}\n"),
			[]string{`writes is a key of raw queries; query "A" has no sql:`}},
		{"writes not a list", qspec("    - {name: A, sql: 'DELETE FROM accounts', returns: exec, writes: accounts}\n"),
			[]string{`writes: expected a sequence, got string "accounts"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseOne(t, tc.src)
			checkErrors(t, err, tc.want...)
		})
	}
}

// TestGluedParam: the hint that an @ right after an operator character
// is part of the operator reads the query's tokens, so that the text of
// a string constant, a quoted identifier or a comment gives no hint.
func TestGluedParam(t *testing.T) {
	for sql, want := range map[string]bool{
		"SELECT 1 WHERE a<@id":        true,
		"SELECT 1 WHERE a <@id":       true,
		"SELECT 1 WHERE a-@id$x":      true,
		"SELECT 1 WHERE a <@ id":      false,
		"SELECT 1 WHERE a<@idx":       false,
		"SELECT 1 WHERE a < @id":      false,
		"SELECT '<@id'":               false,
		`SELECT E'\'<@id'`:            false,
		`SELECT "<@id"`:               false,
		"SELECT $$ <@id $$":           false,
		"SELECT 1 -- <@id\n":          false,
		"SELECT 1 /* <@id */":         false,
		"SELECT '<@id' WHERE a = @id": false,
		"SELECT '<@id' WHERE a ~@id":  true,
	} {
		if got := gluedParam(sql, "id"); got != want {
			t.Errorf("gluedParam(%q, id) = %v, want %v", sql, got, want)
		}
	}
	_, err := parseOne(t, qspec("    - {name: A, sql: 'DELETE FROM accounts WHERE name = ''<@id''', params: {id: uuid}, returns: exec}\n"))
	checkErrors(t, err, `parameter "id" is declared but the SQL does not use @id`)
	if strings.Contains(err.Error(), "operator character") {
		t.Errorf("a string constant holding <@id gave the operator hint:\n%v", err)
	}
}
