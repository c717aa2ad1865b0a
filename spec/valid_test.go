package spec

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLoadValidProject loads spec/testdata/valid and checks the result
// field by field.
func TestLoadValidProject(t *testing.T) {
	p, err := Load("testdata/valid")
	if err != nil {
		t.Fatal(err)
	}
	at := func(file string, line, col int) Pos { return Pos{File: file, Line: line, Col: col} }
	const acc, usr = "schema/accounts.yaml", "schema/users.yaml"

	wantCfg := &Config{
		Root: "testdata/valid", File: "cpcgen.yaml", Version: 1,
		Package: PackageConfig{Name: "financedb", Dir: "internal/financedb",
			ImportPath: "github.com/cpcgen/cpcgen/spec/testdata/valid/internal/financedb", Store: "Store", Pos: at("cpcgen.yaml", 2, 1)},
		Specs:      []string{"./schema/*.yaml"},
		Migrations: MigrationsConfig{Dir: "migrations", Format: "goose", Table: "cpcgen_migrations", Pos: at("cpcgen.yaml", 4, 1)},
		Docs:       DocsConfig{Dir: "docs/db", Pos: at("cpcgen.yaml", 5, 1)},
		Engine:     EnginePostgres,
		Methods:    AllMethods(),
		Pos:        at("cpcgen.yaml", 1, 1),
	}
	if diff := cmp.Diff(wantCfg, p.Config); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{acc, usr}, p.Files); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}

	// Enums, in file order.
	if len(p.Enums) != 2 {
		t.Fatalf("enums = %d", len(p.Enums))
	}
	cur, stage := p.Enum("currency"), p.Enum("stage")
	if diff := cmp.Diff(&Enum{Name: "currency", Pos: at(acc, 2, 3), Values: []EnumValue{
		{Name: "USD", Pos: at(acc, 2, 14)}, {Name: "EUR", Pos: at(acc, 2, 19)}, {Name: "GBP", Pos: at(acc, 2, 24)}}}, cur); diff != "" {
		t.Errorf("currency (-want +got):\n%s", diff)
	}
	if stage.Comment != "Where a deal stands." || stage.RenamedFrom != "deal_stage" || len(stage.Values) != 4 || p.Enums[1] != stage {
		t.Errorf("stage = %+v", stage)
	}

	// Tables, in file order then declaration order.
	var names []string
	for _, tb := range p.Tables {
		names = append(names, tb.Name)
	}
	if diff := cmp.Diff([]string{"accounts", "organizations", "users", "labels", "user_labels"}, names); diff != "" {
		t.Errorf("tables (-want +got):\n%s", diff)
	}
	accounts, orgs, users := p.Table("accounts"), p.Table("organizations"), p.Table("users")
	labels, userLabels := p.Table("labels"), p.Table("user_labels")

	colNames := func(tb *Table) []string { return columnNames(tb) }
	if diff := cmp.Diff([]string{"id", "org_id", "user_id", "currency", "balance", "status", "closed_at", "version"}, colNames(accounts)); diff != "" {
		t.Errorf("accounts columns (-want +got):\n%s", diff)
	}
	if accounts.File != acc || accounts.Pos != at(acc, 5, 3) || accounts.Comment != "Money held by a user in one currency." || !accounts.Audit {
		t.Errorf("accounts = %+v", accounts)
	}
	id := accounts.Column("id")
	if !id.PrimaryKey || id.Nullable || id.Type.Name != "uuid" || id.Pos != at(acc, 8, 7) ||
		*id.Default != (Default{Kind: DefaultExpr, Expr: "gen_random_uuid()", Pos: at(acc, 8, 58)}) {
		t.Errorf("accounts.id = %+v", id)
	}
	if len(accounts.PrimaryKey) != 1 || accounts.PrimaryKey[0] != id {
		t.Errorf("accounts primary key = %v", accounts.PrimaryKey)
	}
	orgID := accounts.Column("org_id")
	if r := orgID.References; r == nil || r.Table != orgs || r.Column != orgs.Column("id") || r.OnDelete != "cascade" || r.OnUpdate != "" || r.Pos != at(acc, 9, 42) {
		t.Errorf("accounts.org_id references = %+v", orgID.References)
	}
	if r := accounts.Column("user_id").References; r == nil || r.Table != users || r.Column != users.Column("id") {
		t.Errorf("accounts.user_id references = %+v", r)
	}
	currency := accounts.Column("currency")
	if currency.Type.Enum != cur || currency.Type.Name != "currency" || currency.Default.Literal != "USD" || currency.Default.Kind != DefaultLiteral {
		t.Errorf("accounts.currency = %+v", currency)
	}
	balance := accounts.Column("balance")
	if balance.Type.String() != "numeric(18,2)" || balance.Default.Literal != "0" || balance.Check != "balance >= 0" ||
		balance.CheckPos != at(acc, 12, 60) || balance.Rules.Min != "0" || balance.Rules.Pos != at(acc, 12, 76) {
		t.Errorf("accounts.balance = %+v / %+v", balance, balance.Rules)
	}
	version := accounts.Column("version")
	if accounts.Version != version || !version.Implied || version.Managed != ManagedVersion || version.Type.Name != "bigint" ||
		version.Nullable || version.Default.Literal != "1" || version.Pos != at(acc, 17, 22) {
		t.Errorf("accounts.version = %+v", version)
	}
	if accounts.Tenant != orgID || accounts.SoftDelete != nil || accounts.Timestamps {
		t.Errorf("accounts options = %+v", accounts)
	}
	if ix := accounts.Indexes; len(ix) != 1 || !ix[0].Unique || len(ix[0].Parts) != 2 || ix[0].Parts[0].Column != accounts.Column("user_id") || ix[0].Parts[1].Column != currency {
		t.Errorf("accounts indexes = %+v", ix)
	}

	// users: timestamps, soft delete, rules, indexes, checks, many_to_many.
	if diff := cmp.Diff([]string{"id", "username", "email", "nickname", "age", "tags", "meta", "code", "stage", "old",
		"created_at", "updated_at", "deleted_at"}, colNames(users)); diff != "" {
		t.Errorf("users columns (-want +got):\n%s", diff)
	}
	if users.RenamedFrom != "people" || users.Comment != "People who hold accounts." {
		t.Errorf("users = %+v", users)
	}
	created, updated, deleted := users.Column("created_at"), users.Column("updated_at"), users.Column("deleted_at")
	if !users.Timestamps || users.CreatedAt != created || users.UpdatedAt != updated || users.SoftDelete != deleted {
		t.Errorf("users options: %+v", users)
	}
	for _, c := range []*Column{created, updated} {
		if !c.Implied || c.Nullable || c.Type.Name != "timestamptz" || c.Default.Kind != DefaultExpr || c.Default.Expr != "now()" || c.Pos != at(usr, 26, 5) {
			t.Errorf("%s = %+v", c.Name, c)
		}
	}
	if created.Managed != ManagedCreatedAt || updated.Managed != ManagedUpdatedAt || deleted.Managed != ManagedDeletedAt || !deleted.Nullable || deleted.Default != nil {
		t.Errorf("managed columns: %v %v %v", created.Managed, updated.Managed, deleted.Managed)
	}
	username := users.Column("username")
	if !username.Unique || *username.Rules.MaxLength != 64 || username.Comment != "Login name." || username.Check != "length(username) >= 3" {
		t.Errorf("users.username = %+v", username)
	}
	email := users.Column("email")
	if email.Rules.Format != "email" || !email.Sensitive || *email.Rules.MaxLength != 255 {
		t.Errorf("users.email = %+v", email)
	}
	code := users.Column("code").Rules
	if *code.MinLength != 3 || *code.MaxLength != 3 || code.Pattern != "^[A-Z]{3}$" || !code.NotEmpty {
		t.Errorf("users.code rules = %+v", code)
	}
	if c := users.Column("nickname"); !c.Nullable || !c.Rules.IsZero() {
		t.Errorf("users.nickname = %+v", c)
	}
	if c := users.Column("age"); c.Type.Name != "integer" || c.Default != nil || c.Pos != at(usr, 16, 7) {
		t.Errorf("users.age = %+v", c)
	}
	if c := users.Column("tags"); c.Type.ArrayDims != 1 || c.Type.Name != "text" || c.Default.Literal != "{}" {
		t.Errorf("users.tags = %+v", c)
	}
	if c := users.Column("meta"); c.GoType != "github.com/acme/types.Meta" || c.Default.Literal != `{"theme":"dark","beta":true}` {
		t.Errorf("users.meta = %+v", c)
	}
	if c := users.Column("stage"); c.Type.Enum != stage || c.Default.Literal != "lead" {
		t.Errorf("users.stage = %+v", c)
	}
	if c := users.Column("old"); c.RenamedFrom != "legacy_name" {
		t.Errorf("users.old = %+v", c)
	}
	if len(users.Indexes) != 2 {
		t.Fatalf("users indexes = %d", len(users.Indexes))
	}
	lower := users.Indexes[0]
	if lower.Name != "users_lower_email" || !lower.Unique || lower.Parts[0].Expr != "lower(email)" || lower.Parts[0].Column != nil {
		t.Errorf("users_lower_email = %+v", lower)
	}
	recent := users.Indexes[1]
	if recent.Method != "btree" || recent.Where != "deleted_at IS NULL" || recent.Parts[0].Column != created || !recent.Parts[0].Desc || recent.Parts[0].Nulls != "last" {
		t.Errorf("recent index = %+v %+v", recent, recent.Parts[0])
	}
	if diff := cmp.Diff([]*Check{{Name: "adult", Expr: "age >= 18", Pos: at(usr, 25, 14)}}, users.Checks); diff != "" {
		t.Errorf("users checks (-want +got):\n%s", diff)
	}
	if len(users.ManyToMany) != 1 {
		t.Fatalf("users many_to_many = %v", users.ManyToMany)
	}
	m := users.ManyToMany[0]
	if m.Name != "labels" || m.Through != userLabels || m.From != userLabels.Column("user_id") || m.To != userLabels.Column("label_id") || m.Target != labels || m.Pos != at(usr, 29, 7) {
		t.Errorf("users.labels = %+v", m)
	}

	// labels and the join table.
	if n := labels.Column("n"); !n.Identity || !n.PrimaryKey || n.Type.Name != "bigint" {
		t.Errorf("labels.n = %+v", n)
	}
	if pk := userLabels.PrimaryKey; len(pk) != 2 || pk[0] != userLabels.Column("user_id") || pk[1] != userLabels.Column("label_id") || !pk[0].PrimaryKey || !pk[1].PrimaryKey {
		t.Errorf("user_labels primary key = %v", pk)
	}
	if r := userLabels.Column("user_id").References; r.Table != users || r.Column != users.Column("id") {
		t.Errorf("user_labels.user_id references = %+v", r)
	}
	if r := userLabels.Column("label_id").References; r.Table != labels || r.Column != labels.Column("n") {
		t.Errorf("user_labels.label_id references = %+v", r)
	}

	// Queries.
	qs := accounts.Queries
	if len(qs) != 3 {
		t.Fatalf("accounts queries = %d", len(qs))
	}
	forUser := qs[0]
	if forUser.Name != "ForUser" || forUser.Table != accounts || forUser.Pos != at(acc, 23, 7) || forUser.Paginate != "keyset" || len(forUser.Where) != 3 ||
		forUser.Where[1].Param != "cur" || !forUser.Where[1].Optional || forUser.Where[2].Value != "closed" || len(forUser.OrderBy) != 2 {
		t.Errorf("ForUser = %+v", forUser)
	}
	rich := qs[1]
	if rich.Kind != Raw || rich.SQLPos != at(acc, 31, 12) || len(rich.Params) != 2 || rich.Params[0].Type.Enum != cur || rich.Params[0].Pos != at(acc, 35, 16) ||
		len(rich.Columns) != 2 || !rich.ReadOnly || rich.Returns != "many" {
		t.Errorf("RichestUsers = %+v", rich)
	}
	if qs[2].Returns != "count" || qs[2].Where[0].Op != "is_null" || qs[2].Where[0].Param != "" {
		t.Errorf("CountOpen = %+v", qs[2])
	}
	checkResolved(t, p)
}

// checkResolved verifies that every pointer in p leads to an object of
// p itself.
func checkResolved(t *testing.T, p *Project) {
	t.Helper()
	tables := map[*Table]bool{}
	cols := map[*Column]*Table{}
	enums := map[*Enum]bool{}
	for _, e := range p.Enums {
		enums[e] = true
	}
	for _, tb := range p.Tables {
		tables[tb] = true
		for _, c := range tb.Columns {
			cols[c] = tb
		}
	}
	own := func(tb *Table, c *Column, what string) {
		if c != nil && cols[c] != tb {
			t.Errorf("%s.%s: column %s is not one of the table's", tb.Name, what, c.Name)
		}
	}
	for _, tb := range p.Tables {
		if len(tb.PrimaryKey) == 0 {
			t.Errorf("%s has no primary key", tb.Name)
		}
		for _, c := range tb.PrimaryKey {
			own(tb, c, "primary key")
		}
		for _, c := range []*Column{tb.CreatedAt, tb.UpdatedAt, tb.SoftDelete, tb.Version, tb.Tenant, tb.DistributedBy} {
			own(tb, c, "option")
		}
		for _, c := range tb.Columns {
			if c.Type.Enum != nil && !enums[c.Type.Enum] {
				t.Errorf("%s.%s: enum not in project", tb.Name, c.Name)
			}
			if r := c.References; r != nil && (!tables[r.Table] || cols[r.Column] != r.Table) {
				t.Errorf("%s.%s: reference not resolved in project", tb.Name, c.Name)
			}
		}
		for _, ix := range tb.Indexes {
			for _, part := range ix.Parts {
				own(tb, part.Column, "index")
			}
		}
		for _, m := range tb.ManyToMany {
			if !tables[m.Through] || !tables[m.Target] {
				t.Errorf("%s.%s: relation tables not in project", tb.Name, m.Name)
			}
			own(m.Through, m.From, "from")
			own(m.Through, m.To, "to")
		}
		for _, q := range tb.Queries {
			if q.Table != tb {
				t.Errorf("query %s: wrong table", q.Name)
			}
			for _, f := range q.Where {
				own(tb, f.Column, "where")
			}
			for _, o := range q.OrderBy {
				own(tb, o.Column, "order_by")
			}
		}
	}
}
