package ir

import (
	"github.com/cpcgen/cpcgen/generator/names"
	"github.com/cpcgen/cpcgen/runtime"
)

// AuditTable is the table the changes to the rows of tables with
// audit: true are logged in, by their trigger; the package's schema
// holds it when any table audits.
const AuditTable = "cpcgen_audit_log"

// AuditHeadTable holds the head of each tenant's hash chain of audit
// rows: the last seq and hash, locked by each audited change of that
// tenant.
const AuditHeadTable = "cpcgen_audit_head"

// AuditKeyTable holds the key of the keyed hashes (HMAC-SHA256) that
// stand for sensitive values in audit rows.
const AuditKeyTable = "cpcgen_audit_key"

// AuditTrigger names the audit trigger function and each audited
// table's trigger; AuditVerify is the function that checks the chains.
const (
	AuditTrigger = "cpcgen_audit"
	AuditVerify  = "cpcgen_audit_verify"
)

// TenantPolicy is the name of the row-level security policy of tenant
// tables.
const TenantPolicy = "cpcgen_tenant"

// Expr is the policy's USING and WITH CHECK condition. A statement that
// has no verified tenant sees no row: for a Token policy,
// cpcgen_tenant() returns NULL unless the tenant setting holds a tenant
// token signed with a key of cpcgen_tenant_keys, bound to the backend
// and not expired (see runtime.TenantKey); it runs once per statement
// (an initplan). A policy made before tokens (Token unset) compares the
// column with the setting itself, which any statement can set.
func (p *Policy) Expr() string {
	if p.Token {
		return names.QuoteIdent(p.Column) + " = (SELECT " + runtime.TenantFunction + "()::" + p.Type + ")"
	}
	return names.QuoteIdent(p.Column) + " = NULLIF(current_setting(" + names.QuoteLiteral(runtime.TenantSetting) + ", true), '')::" + p.Type
}

// Create returns the statements enabling the policy on its table: row
// level security on, forced for the table's owner too, and the policy.
func (p *Policy) Create() []string {
	t := names.QuoteIdent(p.Table)
	return []string{
		"ALTER TABLE " + t + " ENABLE ROW LEVEL SECURITY",
		"ALTER TABLE " + t + " FORCE ROW LEVEL SECURITY",
		"CREATE POLICY " + names.QuoteIdent(TenantPolicy) + " ON " + t + " USING (" + p.Expr() + ") WITH CHECK (" + p.Expr() + ")",
	}
}

// Drop returns the statements undoing Create.
func (p *Policy) Drop() []string {
	t := names.QuoteIdent(p.Table)
	return []string{
		"DROP POLICY " + names.QuoteIdent(TenantPolicy) + " ON " + t,
		"ALTER TABLE " + t + " NO FORCE ROW LEVEL SECURITY",
		"ALTER TABLE " + t + " DISABLE ROW LEVEL SECURITY",
	}
}

// TenantKeyObject returns cpcgen's own SQL object of a package with
// tenant tables: the function cpcgen_tenant() that the policies take the
// tenant from, after verifying the statement's tenant token against the
// keys of cpcgen_tenant_keys, and the privileges that keep those keys the
// owner's. The function runs as its owner (SECURITY DEFINER), so that the
// application's role, which cannot read the keys, can have its tokens
// verified; its search_path is pinned to its own schema (then pg_temp),
// so that no caller can put a table or function of its own in the way.
// The keys' table is the owner's alone: every privilege any other role
// holds on it, those default privileges granted when it was created
// included, is revoked.
func TenantKeyObject() *Object {
	body, rest := runtime.TenantFunctionSQL, ";\n"+runtime.TenantPrivilegesSQL
	return &Object{
		Key:       "function " + runtime.TenantFunction,
		Kind:      "function",
		Noun:      "function",
		Name:      runtime.TenantFunction,
		Create:    body + rest,
		Replace:   "CREATE OR REPLACE" + body[len("CREATE"):] + rest,
		Signature: runtime.TenantFunction + "()",
		Drop:      "DROP FUNCTION " + runtime.TenantFunction + "()",
		DependsOn: []string{TableKey(runtime.TenantKeyTable)},
		Comment:   "Verifies the tenant token of the statement (runtime.TenantKey) for the row-level security policies of tenant tables.",
	}
}

// Distribution says how Citus spreads a table over its nodes: hashed by
// a column (a distributed table), or copied to every node (a reference
// table, Column empty). It is plain data, so that the migrations snapshot
// can keep it.
type Distribution struct {
	Table  string `json:"table"`
	Column string `json:"column,omitempty"`
}

// IsReference reports whether d makes a reference table.
func (d *Distribution) IsReference() bool { return d.Column == "" }

// Create returns the statement that distributes the table:
//
//	SELECT create_distributed_table('accounts', 'org_id')
//	SELECT create_reference_table('currencies')
func (d *Distribution) Create() string {
	if d.IsReference() {
		return "SELECT create_reference_table(" + regclassLiteral(d.Table) + ")"
	}
	return "SELECT create_distributed_table(" + regclassLiteral(d.Table) + ", " + names.QuoteLiteral(d.Column) + ")"
}

// Drop returns the statement that makes the table a local table of the
// coordinator again, its rows gathered there: SELECT
// undistribute_table('accounts').
func (d *Distribution) Drop() string {
	return "SELECT undistribute_table(" + regclassLiteral(d.Table) + ")"
}

// Alter returns the statement that redistributes a distributed table by
// another column: SELECT alter_distributed_table('accounts',
// distribution_column := 'org_id').
func (d *Distribution) Alter() string {
	return "SELECT alter_distributed_table(" + regclassLiteral(d.Table) + ", distribution_column := " + names.QuoteLiteral(d.Column) + ")"
}

// regclassLiteral is a table name as a regclass literal: the name itself
// when PostgreSQL reads it unquoted, else quoted inside the literal.
func regclassLiteral(table string) string {
	if names.IsPlain(table) {
		return names.QuoteLiteral(table)
	}
	return names.QuoteLiteral(names.QuoteIdent(table))
}
