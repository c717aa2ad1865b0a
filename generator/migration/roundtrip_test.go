package migration_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"ariga.io/atlas/sql/schema"

	"github.com/cpcgen/cpcgen/generator/ir"
	"github.com/cpcgen/cpcgen/generator/migration"
	"github.com/cpcgen/cpcgen/runtime/migrate"
)

// evolution is a schema growing over six versions the way an app's does:
// tables and enums added, columns added, renamed, widened and dropped, a
// table renamed, indexes, checks and foreign keys added and removed.
var evolution = []string{
	// 1: users
	`enums:
  currency: [USD, EUR]
tables:
  users:
    comment: People who sign in.
    columns:
      id:         {type: uuid, primary_key: true, default: gen_random_uuid()}
      email:      {type: varchar(255), unique: true}
      created_at: {type: timestamptz, default: now()}
`,
	// 2: accounts, with a foreign key, a check and a composite unique key
	`enums:
  currency: [USD, EUR]
tables:
  users:
    comment: People who sign in.
    columns:
      id:         {type: uuid, primary_key: true, default: gen_random_uuid()}
      email:      {type: varchar(255), unique: true}
      created_at: {type: timestamptz, default: now()}
  accounts:
    columns:
      id:       {type: bigint, primary_key: true, identity: true}
      user_id:  {type: uuid, references: users.id, on_delete: cascade}
      currency: {type: currency, default: USD}
      balance:  {type: "numeric(18,2)", default: 0, check: "balance >= 0"}
    indexes:
      - {columns: [user_id, currency], unique: true}
`,
	// 3: new columns, a partial index, an enum value
	`enums:
  currency: [USD, EUR, GBP]
  status: [active, frozen]
tables:
  users:
    comment: People who sign in.
    columns:
      id:           {type: uuid, primary_key: true, default: gen_random_uuid()}
      email:        {type: varchar(255), unique: true}
      nickname:     {type: text, nullable: true}
      display_name: {type: varchar(64), default: ""}
      created_at:   {type: timestamptz, default: now()}
  accounts:
    columns:
      id:       {type: bigint, primary_key: true, identity: true}
      user_id:  {type: uuid, references: users.id, on_delete: cascade}
      currency: {type: currency, default: USD}
      balance:  {type: "numeric(18,2)", default: 0, check: "balance >= 0"}
      status:   {type: status, default: active}
    indexes:
      - {columns: [user_id, currency], unique: true}
      - {columns: [balance], where: "balance > 0"}
`,
	// 4: a rename by hint, a widened type, a new table with two foreign keys
	`enums:
  currency: [USD, EUR, GBP]
  status: [active, frozen]
tables:
  users:
    comment: People who sign in.
    columns:
      id:           {type: uuid, primary_key: true, default: gen_random_uuid()}
      email:        {type: varchar(255), unique: true}
      handle:       {type: text, nullable: true, renamed_from: nickname, comment: Shown to other users.}
      display_name: {type: varchar(128), default: ""}
      created_at:   {type: timestamptz, default: now()}
  accounts:
    columns:
      id:       {type: bigint, primary_key: true, identity: true}
      user_id:  {type: uuid, references: users.id, on_delete: cascade}
      currency: {type: currency, default: USD}
      balance:  {type: "numeric(18,2)", default: 0, check: "balance >= 0"}
      status:   {type: status, default: active}
    indexes:
      - {columns: [user_id, currency], unique: true}
      - {columns: [balance], where: "balance > 0"}
  transfers:
    columns:
      id:      {type: bigint, primary_key: true, identity: true}
      from_id: {type: bigint, references: accounts.id}
      to_id:   {type: bigint, references: accounts.id}
      amount:  {type: "numeric(18,2)", check: "amount > 0"}
      at:      {type: timestamptz, default: now()}
    indexes:
      - {columns: [from_id, at]}
`,
	// 5: a table renamed by hint, a column with a default, an expression index
	`enums:
  currency: [USD, EUR, GBP]
  status: [active, frozen]
tables:
  users:
    comment: People who sign in.
    columns:
      id:           {type: uuid, primary_key: true, default: gen_random_uuid()}
      email:        {type: varchar(255), unique: true}
      handle:       {type: text, nullable: true, comment: Shown to other users.}
      display_name: {type: varchar(128), default: ""}
      country:      {type: "char(2)", default: US}
      created_at:   {type: timestamptz, default: now()}
    indexes:
      - {columns: [{expr: "lower(email)"}], name: users_email_lower_idx}
  accounts:
    columns:
      id:       {type: bigint, primary_key: true, identity: true}
      user_id:  {type: uuid, references: users.id, on_delete: cascade}
      currency: {type: currency, default: USD}
      balance:  {type: "numeric(18,2)", default: 0, check: "balance >= 0"}
      status:   {type: status, default: active}
    indexes:
      - {columns: [user_id, currency], unique: true}
      - {columns: [balance], where: "balance > 0"}
  payments:
    renamed_from: transfers
    columns:
      id:      {type: bigint, primary_key: true, identity: true}
      from_id: {type: bigint, references: accounts.id}
      to_id:   {type: bigint, references: accounts.id}
      amount:  {type: "numeric(18,2)", check: "amount > 0"}
      memo:    {type: text, nullable: true}
      at:      {type: timestamptz, default: now()}
    indexes:
      - {columns: [from_id, at]}
`,
	// 6: destructive clean-up: a column, an index and an enum dropped, a
	// default changed, a foreign key action changed
	`enums:
  currency: [USD, EUR, GBP]
tables:
  users:
    comment: People who sign in.
    columns:
      id:           {type: uuid, primary_key: true, default: gen_random_uuid()}
      email:        {type: varchar(255), unique: true}
      handle:       {type: text, nullable: true, comment: Shown to other users.}
      display_name: {type: varchar(128), default: anonymous}
      country:      {type: "char(2)", default: US}
    indexes:
      - {columns: [{expr: "lower(email)"}], name: users_email_lower_idx}
  accounts:
    columns:
      id:       {type: bigint, primary_key: true, identity: true}
      user_id:  {type: uuid, references: users.id, on_delete: restrict}
      currency: {type: currency, default: EUR}
      balance:  {type: "numeric(18,2)", default: 0, check: "balance >= 0"}
    indexes:
      - {columns: [user_id, currency], unique: true}
  payments:
    columns:
      id:      {type: bigint, primary_key: true, identity: true}
      from_id: {type: bigint, references: accounts.id}
      to_id:   {type: bigint, references: accounts.id}
      amount:  {type: "numeric(18,2)", check: "amount > 0"}
      memo:    {type: text, nullable: true}
      at:      {type: timestamptz, default: now()}
    indexes:
      - {columns: [from_id, at]}
`,
}

// TestRoundTrip writes the six versions' migrations in every format (the
// rows of migrate.Formats), then
// on PostgreSQL: all ups give exactly the last version's schema (Atlas
// inspection against the spec's schema, empty diff both ways), each down
// gives back the previous version's schema, and all downs give an empty
// database. The only tolerated difference is an enum value a migration
// declared irreversible.
func TestRoundTrip(t *testing.T) {
	start := time.Now()
	// The spec schema of each version, normalized once.
	pkgs := make([]*ir.Package, len(evolution)+1)
	irreversibleFrom := len(evolution) + 1 // first version whose down leaves an enum value behind
	{
		p := newProject(t, "golang-migrate")
		for i, v := range evolution {
			p.setSpec([]byte(v))
			pkgs[i+1] = p.build()
			res := p.diff(fmt.Sprintf("version %d", i+1), true)
			if res.Planned.Empty() {
				t.Fatalf("version %d: no changes", i+1)
			}
			if len(res.Irreversible) > 0 && i+1 < irreversibleFrom {
				irreversibleFrom = i + 1
			}
			// The snapshot now covers the spec.
			dir, err := migration.ReadDir(p.root, "migrations", "golang-migrate")
			if err != nil {
				t.Fatal(err)
			}
			if left, err := migration.Uncovered(pkgs[i+1], dir); err != nil || len(left) > 0 {
				t.Fatalf("version %d: uncovered after diff: %v %v", i+1, left, err)
			}
		}
	}
	// Every row of the runner's format table: the renderer writes it, the
	// runner reads and applies it.
	for _, format := range migrate.FormatNames() {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			p := newProject(t, format)
			// last[v] is the last version of the files of spec version v:
			// a lock-safe plan writes several.
			last := make([]int64, len(evolution)+1)
			steps := make([]int, len(evolution)+1)
			total := 0
			for i, v := range evolution {
				p.setSpec([]byte(v))
				res := p.diff(fmt.Sprintf("version %d", i+1), true)
				n, err := strconv.ParseInt(res.Versions[len(res.Versions)-1], 10, 64)
				if err != nil {
					t.Fatal(err)
				}
				last[i+1], steps[i+1] = n, len(res.Versions)
				total += len(res.Versions)
			}
			db := openDB(t)
			m, err := migrate.New(db.pool, os.DirFS(p.migrationsDir()), migrate.Options{Format: format})
			if err != nil {
				t.Fatal(err)
			}
			if n := len(m.Migrations()); n != total {
				t.Fatalf("%d migrations, want %d", n, total)
			}
			ctx := context.Background()
			// Step by step: each version's schema after its up.
			for v := 1; v <= len(evolution); v++ {
				if _, err := m.UpTo(ctx, last[v]); err != nil {
					t.Fatalf("up to %d: %v", v, err)
				}
				assertSchema(t, db, pkgs[v], nil)
			}
			if !migrate.LookupFormat(format).HasDown() {
				return
			}
			for v := len(evolution); v >= 1; v-- {
				if _, err := m.Down(ctx, steps[v]); err != nil {
					t.Fatalf("down from %d: %v", v, err)
				}
				var tolerate []string
				if v-1 < irreversibleFrom {
					// The enum value added by version irreversibleFrom
					// stays, as its down file says.
					tolerate = []string{"enum value"}
				}
				if v-1 == 0 {
					assertEmpty(t, db)
					continue
				}
				assertSchema(t, db, pkgs[v-1], tolerate)
			}
		})
	}
	t.Cleanup(func() {
		t.Logf("round trip of %d versions in 5 formats: %s", len(evolution), time.Since(start).Round(time.Millisecond))
	})
}

// assertEmpty checks that the database holds no table and no type of
// the spec any more.
func assertEmpty(t *testing.T, db *testDB) {
	t.Helper()
	got := db.inspect(t)
	changes, err := db.drv.SchemaDiff(got, schema.New("public"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range changes {
		t.Errorf("database not empty after all downs: %s", describeChange(c))
	}
}
