package spec

import "testing"

// TestInvalidSpecs runs one spec file per case and checks that every
// expected message is reported. Full lines (with positions) pin the
// exact text of a representative set.
func TestInvalidSpecs(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		// YAML and structure.
		{"syntax error", "tables:\n  t: [\n", []string{"schema/a.yaml:3:1: invalid YAML: did not find expected node content"}},
		{"top-level typo", "tabels: {}\n", []string{`schema/a.yaml:1:1: unknown key "tabels" in spec file; did you mean "tables"?`}},
		{"root not mapping", "- a\n", []string{"schema/a.yaml:1:1: spec file: expected a mapping, got a sequence"}},
		{"tables not mapping", "tables: [a]\n", []string{"schema/a.yaml:1:9: tables: expected a mapping, got a sequence"}},
		{"duplicate key", "tables:\n  t:\n    columns: {id: {type: uuid, primary_key: true}}\n  t:\n    columns: {}\n",
			[]string{`schema/a.yaml:4:3: duplicate key "t"; first defined at schema/a.yaml:2:3`}},
		{"duplicate column key", table("      id: text\n"), []string{`schema/a.yaml:5:7: duplicate key "id"; first defined at schema/a.yaml:4:7`}},
		{"two documents", "enums: {a: [x]}\n---\nenums: {b: [y]}\n", []string{"a file holds one YAML document"}},
		{"alias cycle", "enums: &a {x: *a}\n", []string{"schema/a.yaml:1:15: alias *a refers to a value that contains it"}},
		{"column key typo", table("      name: {type: text, nulable: true}\n"),
			[]string{`schema/a.yaml:5:26: unknown key "nulable" in column "name"; did you mean "nullable"?`}},
		{"table key typo", table("", "    timestamp: true\n"), []string{`unknown key "timestamp" in table "t"; did you mean "timestamps"?`}},
		{"wrong bool", table("      n: {type: text, nullable: yes}\n"), []string{`schema/a.yaml:5:33: nullable: expected true or false, got string "yes"`}},
		{"column sequence", table("      n: [text]\n"), []string{`column "n": expected a type or a mapping, got a sequence`}},
		{"column without type", table("      n: {nullable: true}\n"), []string{`schema/a.yaml:5:7: column "n" has no type; add type: to it`}},
		{"null column", table("      n:\n"), []string{`column "n" has no type`}},

		// Identifiers.
		{"table name dash", "tables:\n  user-accounts:\n    columns: {id: {type: uuid, primary_key: true}}\n",
			[]string{`schema/a.yaml:2:3: table name "user-accounts" is not a plain SQL name (letters, digits and underscores, not starting with a digit); use "user_accounts"`}},
		{"column name digit", table("      2fa: text\n"), []string{`column name "2fa" is not a plain SQL name`, `use "_2fa"`}},
		{"column name long", table("      " + "a123456789a123456789a123456789a123456789a123456789a123456789abcd: text\n"),
			[]string{`is 64 bytes; PostgreSQL truncates names to 63 bytes`}},
		{"enum name", "enums:\n  Currency Code: [USD]\n", []string{`enum name "Currency Code" is not a plain SQL name`, `use "currency_code"`}},
		{"reserved word allowed", "", nil},

		// A column named with capitals written unquoted in an expression.
		{"unquoted capitals in a check", table("      createdAt: {type: integer, check: createdAt > 0}\n"),
			[]string{`schema/a.yaml:5:41: the check of column "createdAt" names column createdAt unquoted, which PostgreSQL reads as createdat, a column table "t" does not have; write it quoted: "createdAt"`}},
		{"unquoted capitals elsewhere", table("      dueAt: timestamptz\n      n: {type: integer, generated: \"extract(day from dueAt)\"}\n",
			"    checks: [{expr: \"dueAt > now()\"}]\n    indexes: [{columns: [id], where: \"dueAt IS NOT NULL\"}, {columns: [{expr: \"date(dueAt)\"}]}]\n"),
			[]string{`the generated expression of column "n" names column dueAt unquoted`, `the check names column dueAt unquoted`, `the index's predicate names column dueAt unquoted`, `the index's expression names column dueAt unquoted`}},

		// Generated columns and partitioned tables.
		{"generated with default", table("      n: {type: integer, generated: id * 2, default: 1}\n"),
			[]string{`schema/a.yaml:5:45: generated column "n" cannot have default:; the database computes its value from "id * 2"`}},
		{"partition key outside the primary key", table("      at: timestamptz\n", "    partition: {by: range, key: [at]}\n"),
			[]string{`schema/a.yaml:6:5: table "t" is partitioned by (at), so its primary key must include at; write primary_key: [id, at] on the table`}},
		{"partition unique column", table("      at: timestamptz\n      code: {type: text, unique: true}\n", "    primary_key: [id, at]\n    partition: {by: range, key: [at]}\n"),
			[]string{`column "code" of table "t" cannot be unique: the table is partitioned by (at)`}},
		{"partition method", table("", "    partition: {by: interval, key: [id]}\n"), []string{`partition by: "interval" is not one of "range", "list" or "hash"`}},
		{"partition key unknown", table("", "    partition: {by: hash, key: [idd]}\n"), []string{`unknown column "idd" in partition key; did you mean "id"?`}},
		{"partition bound form", table("", "    partition:\n      by: list\n      key: [id]\n      partitions: [{name: t_a, values: \"FROM (1) TO (2)\"}]\n"),
			[]string{`partition "t_a": a list partition's values are written "IN (…)" or DEFAULT, not "FROM (1) TO (2)"`}},
		{"partition name clash", table("", "    partition:\n      by: list\n      key: [id]\n      partitions: [{name: t, values: IN (1)}]\n"),
			[]string{`partition "t" has the name of a table declared at`}},
		{"hash default", table("", "    partition:\n      by: hash\n      key: [id]\n      partitions: [{name: t_a, values: DEFAULT}]\n"),
			[]string{`a hash partitioned table has no DEFAULT partition`}},
		{"modulus not hash", table("", "    partition: {by: list, key: [id], modulus: 2}\n"), []string{`modulus: makes hash partitions; table "t" is partitioned by list`}},

		// Names.
		{"duplicate table across files", "", nil},
		{"table enum clash", "enums:\n  t: [a]\n" + table(""), []string{`schema/a.yaml:4:3: table "t" has the name of an enum declared at schema/a.yaml:2:3; tables and enums share one namespace in PostgreSQL`}},
		{"enum builtin name", "enums:\n  date: [a]\n", []string{`enum "date" has the name of a built-in type`}},
		{"enum empty", "enums:\n  e: []\n", []string{`enum "e" has no values`}},
		{"enum duplicate label", "enums:\n  e: [a, b, a]\n", []string{`schema/a.yaml:2:13: duplicate label "a" in enum "e"; first at schema/a.yaml:2:7`}},
		{"deferrable without references", table("      n: {type: bigint, deferrable: deferred}\n"), []string{`schema/a.yaml:5:25: deferrable needs references: on column "n"`}},
		{"deferrable typo", table("      n: {type: bigint, references: t.id, deferrable: later}\n"), []string{`schema/a.yaml:5:55: deferrable: "later" is not one of "immediate" or "deferred"`}},
		{"json has no equality", table("      j: {type: json, unique: true}\n", "    indexes: []\n") + "queries:\n  t:\n    - name: ByJ\n      where: {j: eq}\n",
			[]string{`schema/a.yaml:5:23: column "j" cannot be unique: PostgreSQL has no equality operator for type json; use jsonb`,
				`eq does not apply to json column "j": PostgreSQL has no equality operator for json (jsonb has one)`}},
		{"primary_key_name without a key", "tables:\n  t:\n    columns: {a: text}\n    primary_key_name: t_pk\n", []string{`schema/a.yaml:4:5: primary_key_name names the primary key, but table "t" has none`}},
		{"primary_key_name not a name", table("", "    primary_key_name: \"t pk\"\n"), []string{`schema/a.yaml:5:23: primary_key_name "t pk" is not a plain SQL name`}},
		{"enum empty label twice", "enums:\n  e: ['', a, '']\n", []string{`duplicate label "" in enum "e"`}},
		{"enum long label", "enums:\n  e: [" + string(make([]byte, 0)) + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]\n", []string{"PostgreSQL allows at most 63"}},
		{"enum mapping typo", "enums:\n  e: {value: [a]}\n", []string{`unknown key "value" in enum "e"; did you mean "values"?`}},
		{"enum value renamed", "enums:\n  e: [a, {label: b, renamed_from: c}]\n", nil},
		{"enum value renamed from a label it keeps", "enums:\n  e: [a, {label: b, renamed_from: a}]\n",
			[]string{`schema/a.yaml:2:35: label "b" of enum "e" is renamed from "a", which the enum still has (at schema/a.yaml:2:7); a value renamed keeps its place, so two labels cannot swap names in one migration: rename one of them to a free name first`}},
		{"enum value renamed from itself", "enums:\n  e: [{label: a, renamed_from: a}]\n", []string{`schema/a.yaml:2:32: label "a" of enum "e" is renamed from itself; drop renamed_from`}},
		{"enum values renamed from one label", "enums:\n  e: [{label: a, renamed_from: x}, {label: b, renamed_from: x}]\n",
			[]string{`schema/a.yaml:2:61: two labels of enum "e" are renamed from "x"; the other at schema/a.yaml:2:32`}},
		{"enum value renamed from the empty label", "enums:\n  e: [{label: a, renamed_from: ''}]\n", []string{`schema/a.yaml:2:32: renamed_from of a value of enum "e" is the empty label`}},
		{"enum value mapping without label", "enums:\n  e: [{renamed_from: x}]\n", []string{`schema/a.yaml:2:7: a value of enum "e" written as a mapping needs label: (the value's name)`}},
		{"enum value mapping typo", "enums:\n  e: [{label: a, renamed: x}]\n", []string{`schema/a.yaml:2:18: unknown key "renamed" in a value of enum "e"`}},

		// Types.
		{"type typo", table("      n: varchr(64)\n"), []string{`schema/a.yaml:5:10: unknown type "varchr"; did you mean "varchar"?`}},
		{"type enum typo", "enums:\n  currency: [USD]\n" + table("      c: curency\n"), []string{`unknown type "curency"; did you mean "currency"?`}},
		{"serial", table("      n: serial\n"), []string{`type "serial" is not supported; use type: integer with identity: true`}},
		{"bigserial", table("      n: bigserial\n"), []string{`use type: bigint with identity: true`}},
		{"varchar zero", table("      n: varchar(0)\n"), []string{`length must be between 1 and 10485760`}},
		{"numeric scale", table("      n: numeric(5,6)\n"), []string{`scale must be between 0 and the precision 5`}},
		{"numeric precision", table("      n: numeric(1001)\n"), []string{`precision must be between 1 and 1000`}},
		{"timestamp precision", table("      n: timestamptz(7)\n"), []string{`precision must be between 0 and 6`}},
		{"text modifier", table("      n: text(5)\n"), []string{`text takes no modifiers`}},
		{"array size", table("      n: int[3]\n"), []string{`array sizes are not supported; write []`}},

		// Primary keys.
		{"no primary key", "tables:\n  t:\n    columns: {a: text}\n", nil},
		{"no primary key cache", "tables:\n  t:\n    columns: {a: text}\n    cache: true\n",
			[]string{`schema/a.yaml:4:5: table "t" has no primary key, which cache needs; add primary_key: true to a column or primary_key: [columns] to the table`}},
		{"no primary key soft delete", "tables:\n  t:\n    columns: {a: text}\n    soft_delete: true\n", []string{`table "t" has no primary key, which soft_delete needs`}},
		{"no primary key reference", "tables:\n  t:\n    columns: {a: text}\n  u:\n    columns: {id: {type: text, primary_key: true}, t_a: {type: text, references: t}}\n",
			[]string{`table "t" has no primary key; name the referenced unique column: references: t.<column>`}},
		{"no primary key keyset", "tables:\n  t:\n    columns: {a: text}\nqueries:\n  t:\n    - {name: Page, paginate: keyset}\n",
			[]string{`keyset pagination of table "t", which has no primary key, needs order_by ending in a unique key`}},
		{"composite unknown", "tables:\n  t:\n    columns: {a: text, b: text}\n    primary_key: [a, c]\n",
			[]string{`schema/a.yaml:4:22: unknown column "c" in primary_key`}},
		{"composite and column", "tables:\n  t:\n    columns: {a: {type: text, primary_key: true}, b: text}\n    primary_key: [a, b]\n",
			[]string{`column "a" says primary_key: true, but table "t" lists its key in primary_key:`}},
		{"two pk columns", "tables:\n  t:\n    columns: {a: {type: text, primary_key: true}, b: {type: text, primary_key: true}}\n",
			[]string{`several columns of table "t" say primary_key: true; for a composite key write primary_key: [a, b] on the table`}},
		{"nullable pk", "tables:\n  t:\n    columns: {a: {type: text, primary_key: true, nullable: true}}\n", []string{`primary key column "a" cannot be nullable`}},
		{"no columns", "tables:\n  t: {comment: x}\n", []string{`table "t" has no columns`}},

		// Identity and defaults.
		{"identity text", table("      n: {type: text, identity: true}\n"), []string{`identity: true needs a smallint, integer or bigint column; column "n" is text`}},
		{"identity default", table("      n: {type: integer, identity: true, default: 1}\n"), []string{`identity column "n" cannot have a default`}},
		{"identity nullable", table("      n: {type: integer, identity: true, nullable: true}\n"), []string{`identity column "n" cannot be nullable`}},
		{"default int range", table("      n: {type: smallint, default: 70000}\n"),
			[]string{`schema/a.yaml:5:36: invalid default for column "n": 70000 is out of range for smallint (-32768 to 32767)`}},
		{"default int text", table("      n: {type: integer, default: abc}\n"), []string{`invalid default for column "n": expected an integer, got string "abc"`}},
		{"default bool", table("      n: {type: boolean, default: 1}\n"), []string{`expected true or false, got number 1`}},
		{"default numeric digits", table("      n: {type: \"numeric(5,2)\", default: 1234.5}\n"), []string{`1234.5 does not fit numeric(5,2): at most 3 digits before the decimal point`}},
		{"default numeric scale", table("      n: {type: \"numeric(5,2)\", default: 1.234}\n"), []string{`1.234 does not fit numeric(5,2): at most 2 digits after the decimal point`}},
		{"default varchar long", table("      n: {type: varchar(3), default: abcd}\n"), []string{`"abcd" is 4 characters, longer than varchar(3) allows`}},
		{"default uuid", table("      n: {type: uuid, default: not-a-uuid}\n"), []string{`"not-a-uuid" is not a UUID`}},
		{"default date", table("      n: {type: date, default: 2024-02-30}\n"), []string{`"2024-02-30" is not a date (YYYY-MM-DD)`}},
		{"default timestamp", table("      n: {type: timestamptz, default: '2024-01-01 25:00:00'}\n"), []string{`is not a timestamp`}},
		{"default enum", "enums:\n  currency: [USD, EUR]\n" + table("      c: {type: currency, default: usd}\n"), []string{`"usd" is not a value of enum "currency"; did you mean "USD"?`}},
		{"default quoted function", table("      n: {type: uuid, default: 'gen_random_uuid()'}\n"), []string{`"gen_random_uuid()" is not a UUID`}},
		{"default null", table("      n: {type: text, default: null}\n"), []string{`null is not a value here`}},
		{"default json", table("      n: {type: jsonb, default: 'not json'}\n"), []string{`"not json" is not valid JSON`}},
		{"default array scalar", table("      n: {type: \"int[]\", default: 1}\n"), []string{`expected a sequence for type integer[], got number 1`}},
		{"default array element", table("      n: {type: \"int[]\", default: [1, x]}\n"), []string{`element 2: expected an integer, got string "x"`}},
		{"default inet", table("      n: {type: inet, default: 300.1.1.1}\n"), []string{`is not an IP address or network`}},
		{"default cidr bits", table("      n: {type: cidr, default: 10.1.2.3/8}\n"), []string{`has bits set to the right of the mask; use "10.0.0.0/8"`}},
		{"default bytea", table("      n: {type: bytea, default: 'xyz'}\n"), []string{`is not bytea hex text`}},
		{"default sql empty", table("      n: {type: text, default: {sql: ''}}\n"), []string{`default sql: must not be empty`}},

		// Rules.
		{"bad format", table("      n: {type: text, validate: emial}\n"), []string{`validate: "emial" is not one of "email", "url", "uuid", "hostname", "e164", "slug", "alpha" or "alphanumeric"; did you mean "email"?`}},
		{"format on int", table("      n: {type: integer, validate: email}\n"), []string{`validate applies to text columns; column "n" is integer`}},
		{"max_length over varchar", table("      n: {type: varchar(10), max_length: 20}\n"), []string{`max_length 20 is more than varchar(10) allows`}},
		{"min_length over max", table("      n: {type: text, min_length: 5, max_length: 2}\n"), []string{`min_length 5 is more than max_length 2`}},
		{"min over max", table("      n: {type: integer, min: 10, max: 1}\n"), []string{`min 10 is more than max 1`}},
		{"min on text", table("      n: {type: text, min: 1}\n"), []string{`min applies to numeric columns; column "n" is text`}},
		{"min fraction on int", table("      n: {type: integer, min: 1.5}\n"), []string{`min 1.5 is not a whole number, but column "n" is integer`}},
		{"bad pattern", table("      n: {type: text, pattern: '[a-'}\n"), []string{`pattern "[a-" is not a valid regular expression`}},
		{"pattern on int", table("      n: {type: integer, pattern: 'a'}\n"), []string{`pattern applies to text columns`}},
		{"not_empty on int", table("      n: {type: integer, not_empty: true}\n"), []string{`not_empty applies to text and array columns; column "n" is integer`}},
		{"go_type", table("      n: {type: jsonb, go_type: 'github.com/x.meta'}\n"), []string{`names an unexported type of another package`}},

		// References.
		{"ref unknown table", table("      u: {type: bigint, references: userz.id}\n") + "  users:\n    columns: {id: {type: bigint, primary_key: true}}\n",
			[]string{`schema/a.yaml:5:37: column "u" references unknown table "userz"; did you mean "users"?`}},
		{"ref unknown column", table("      u: {type: bigint, references: t.idd}\n"), []string{`column "u" references unknown column "idd" of table "t"; did you mean "id"?`}},
		{"ref not unique", table("      a: bigint\n      u: {type: bigint, references: t.a}\n"), []string{`column "u" references t.a, which is neither the primary key nor a unique column of t`}},
		{"references_name alone", table("      u: {type: bigint, references_name: fk_u}\n"), []string{`references_name needs references: on column "u"`}},
		{"unique_name alone", table("      u: {type: bigint, unique_name: u_uniq}\n"), []string{`unique_name needs unique: true on column "u"`}},
		{"references_name bad", table("      u: {type: bigint, references: t, references_name: \"fk u\"}\n"), []string{`references_name`}},
		{"ref type mismatch", table("      u: {type: uuid, references: t}\n"), []string{`column "u" is uuid but references t.id, which is bigint; the types must match`}},
		{"ref composite", "tables:\n  p:\n    columns: {a: text, b: text}\n    primary_key: [a, b]\n" + "  c:\n    columns: {id: {type: text, primary_key: true}, r: {type: text, references: p}}\n",
			[]string{`table "p" has a composite primary key; name the column: references: p.<column>`}},
		{"on_delete set null", table("      u: {type: bigint, references: t, on_delete: set null}\n"), []string{`on_delete: set null needs a nullable column; column "u" is not nullable`}},
		{"on_delete typo", table("      u: {type: bigint, references: t, on_delete: cascad}\n"), []string{`did you mean "cascade"?`}},
		{"on_delete without ref", table("      u: {type: bigint, on_delete: cascade}\n"), []string{`on_delete needs references: on column "u"`}},

		// Indexes and checks.
		{"index unknown column", table("      user_id: bigint\n", "    indexes:\n      - {columns: [usr_id]}\n"),
			[]string{`schema/a.yaml:7:20: unknown column "usr_id" in index; did you mean "user_id"?`}},
		{"index method", table("", "    indexes:\n      - {columns: [id], method: btre}\n"), []string{`did you mean "btree"?`}},
		{"index nulls", table("", "    indexes:\n      - {columns: [{column: id, nulls: middle}]}\n"), []string{`nulls: "middle" is not one of "first" or "last"`}},
		{"index unique gin", table("", "    indexes:\n      - {columns: [id], unique: true, method: gin}\n"), []string{`a unique index must use btree, not gin`}},
		{"index empty", table("", "    indexes:\n      - {columns: []}\n"), []string{`index has no columns`}},
		{"index duplicate name", table("", "    indexes:\n      - {name: ix, columns: [id]}\n      - {name: ix, columns: [id]}\n"), []string{`duplicate index name "ix"; first used at schema/a.yaml:6:9`}},
		{"index name is table", table("", "    indexes:\n      - {name: t, columns: [id]}\n"), []string{`index name "t" is the name of table "t"`}},
		{"check duplicate", table("", "    checks: [{name: c, expr: 'id > 0'}, {name: c, expr: 'id < 9'}]\n"), []string{`duplicate check name "c" in table "t"`}},
		{"check no expr", table("", "    checks: [{name: c}]\n"), []string{`check has no expr`}},

		// Table options.
		{"timestamps wrong type", table("      created_at: text\n", "    timestamps: true\n"), []string{`column "created_at" is used by timestamps, so it must be a non-null timestamptz or timestamp`}},
		{"soft_delete not null", table("      deleted_at: timestamptz\n", "    soft_delete: true\n"), []string{`column "deleted_at" is used by soft_delete, so it must be a nullable timestamptz or timestamp`}},
		{"version text", table("      rev: text\n", "    optimistic_lock: rev\n"), []string{`column "rev" is used by optimistic_lock, so it must be a non-null integer or bigint`}},
		{"tenant unknown", table("      org_id: bigint\n", "    tenant: orgid\n"), []string{`unknown column "orgid" in tenant; did you mean "org_id"?`}},
		{"tenant nullable", table("      org_id: {type: bigint, nullable: true}\n", "    tenant: org_id\n"), []string{`tenant column "org_id" cannot be nullable`}},
		{"distributed and reference", table("", "    distributed_by: id\n    reference: true\n"), []string{`has both distributed_by and reference: true`}},

		// Many to many.
		{"m2m unknown through", table("", "    many_to_many:\n      tags: {through: t_tag}\n"), []string{`relation "tags" goes through unknown table "t_tag"`}},
		{"m2m ambiguous", table("", "    many_to_many:\n      friends: {through: f}\n") +
			"  f:\n    columns: {a: {type: bigint, references: t}, b: {type: bigint, references: t}}\n    primary_key: [a, b]\n",
			[]string{`join table "f" has 2 columns referencing "t"; say which with from:`}},
		{"m2m no fk", table("", "    many_to_many:\n      tags: {through: j, from: x}\n") + "  j:\n    columns: {x: {type: bigint, primary_key: true}}\n",
			[]string{`from: column j.x has no references:, so it cannot link the relation`}},
	}
	for _, tc := range tests {
		if tc.want == nil {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseOne(t, tc.src)
			checkErrors(t, err, tc.want...)
		})
	}
}

// TestValidSpecs checks that correct uses of each rule load cleanly.
func TestValidSpecs(t *testing.T) {
	tests := map[string]string{
		"names with capitals":     "enums:\n  Role: [USER, ADMIN]\ntables:\n  User:\n    columns: {id: {type: int, primary_key: true}, createdAt: timestamptz, role: Role, roles: \"Role[]\"}\n",
		"reserved words as names": "tables:\n  order:\n    columns: {select: {type: bigint, primary_key: true}, from: text}\n",
		"shorthand types":         table("      a: int\n      b: \"double precision\"\n      c: \"timestamp with time zone\"\n      d: bool\n      e: \"varchar(10)[]\"\n"),
		"identity":                "tables:\n  t:\n    columns: {n: {type: smallint, identity: true, primary_key: true}}\n",
		"composite key":           "tables:\n  t:\n    columns: {a: text, b: int}\n    primary_key: [a, b]\n",
		"declared managed columns": table("      created_at: timestamp\n      updated_at: timestamptz\n      deleted_at: {type: timestamp, nullable: true}\n      rev: integer\n",
			"    timestamps: true\n    soft_delete: deleted_at\n    optimistic_lock: rev\n"),
		"options off":             table("", "    timestamps: false\n    soft_delete: false\n    optimistic_lock: false\n    audit: false\n"),
		"distributed":             table("      org_id: bigint\n", "    distributed_by: org_id\n"),
		"reference table":         table("", "    reference: true\n"),
		"set null nullable":       table("      p: {type: bigint, nullable: true, references: t, on_delete: set null, on_update: no action}\n"),
		"ref unique column":       table("      code: {type: text, unique: true}\n      r: {type: text, references: t.code}\n"),
		"constraint names":        table("      code: {type: text, unique: true, unique_name: t_code_uniq}\n      r: {type: bigint, references: t, references_name: fk_rails_0123456789}\n"),
		"ref of the key's family": table("      code: {type: text, unique: true}\n      i: {type: integer, references: t}\n      s: {type: smallint, references: t}\n      v: {type: varchar(9), references: t.code}\n"),
		"ref unique index":        table("      code: text\n      r: {type: text, references: t.code}\n", "    indexes: [{columns: [code], unique: true}]\n"),
		"ref across files":        "",
		"ref varchar lengths":     table("      code: {type: varchar(10), unique: true}\n      r: {type: varchar(20), references: t.code}\n"),
		"rules":                   table("      a: {type: citext, validate: hostname, min_length: 0, max_length: 10, not_empty: true}\n      b: {type: \"numeric(5,2)\", min: -1.5, max: 99.99}\n      c: {type: \"int[]\", not_empty: true}\n      d: {type: char(3), max_length: 3}\n"),
		"index forms":             table("      a: text\n", "    indexes:\n      - {columns: [\"a desc nulls first\", {expr: \"lower(a)\"}]}\n      - {columns: [a], method: gin}\n      - {columns: [a], method: hash}\n"),
		"checks":                  table("", "    checks: [{expr: \"id > 0\"}, {name: small, expr: \"id < 100\"}]\n"),
		"capitals quoted":         table("      dueAt: integer\n      dueat: integer\n      n: {type: integer, check: '\"dueAt\" > 0'}\n", "    checks: [{expr: \"dueat > 0\"}]\n"),
		"m2m with from and to": table("", "    many_to_many:\n      friends: {through: f, from: a, to: b}\n") +
			"  f:\n    columns: {a: {type: bigint, references: t}, b: {type: bigint, references: t}}\n    primary_key: [a, b]\n",
		"enum forms":  "enums:\n  a: [x, 'y z', '1']\n  b: {values: [p], comment: c}\n",
		"empty specs": "enums: {}\ntables: {}\nqueries: {}\n",
	}
	for name, src := range tests {
		t.Run(name, func(t *testing.T) {
			if src == "" {
				_, err := parseFiles(t, "schema/a.yaml", table("      u: {type: bigint, references: users}\n"),
					"schema/b.yaml", "tables:\n  users:\n    columns: {id: {type: bigint, primary_key: true}}\n")
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			p := mustParse(t, src)
			checkResolved(t, p)
		})
	}
}
