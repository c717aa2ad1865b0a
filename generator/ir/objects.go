package ir

import (
	"regexp"

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

// Expr is the policy's USING and WITH CHECK condition. A transaction that
// has not set the tenant sees no row: current_setting is NULL, or ” once
// the setting was used in the session.
func (p *Policy) Expr() string {
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

var plainIdentRE = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// regclassLiteral is a table name as a regclass literal: the name itself
// when PostgreSQL reads it unquoted, else quoted inside the literal.
func regclassLiteral(table string) string {
	if plainIdentRE.MatchString(table) {
		return names.QuoteLiteral(table)
	}
	return names.QuoteLiteral(names.QuoteIdent(table))
}
