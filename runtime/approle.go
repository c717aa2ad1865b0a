package runtime

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"
)

// ErrRowLevelSecurityBypassed is what CheckAppRole returns, wrapped, when
// the row-level security policies of tenant tables do not bind the role
// the application connects as.
var ErrRowLevelSecurityBypassed = errors.New("row-level security does not bind the application's role")

// checkAppRoleSQL reads what decides whether row-level security binds
// the current role: superuser, BYPASSRLS, the other roles it can SET ROLE
// to that are either (membership, inherited or not), the privilege to
// create temporary tables (and the database's name), the schemas it, or
// a role it can SET ROLE to, may create objects in, and the tables with row-level
// security on the search_path that it owns (or is a member of the owner
// of) or that do not force it. The
// audit log (cpcgen_audit_log) is left out of the latter: its policy lets
// the application read its tenant's rows, and the audit trigger, running
// as the owner, must write past it, which FORCE would refuse.
const checkAppRoleSQL = `-- name: runtime.CheckAppRole
SELECT current_user::text, r.rolsuper, r.rolbypassrls,
  coalesce((SELECT array_agg(m.rolname::text ORDER BY m.rolname) FROM pg_roles m
    WHERE m.oid <> r.oid AND (m.rolsuper OR m.rolbypassrls) AND pg_has_role(r.oid, m.oid, 'MEMBER')), '{}'),
  has_database_privilege(current_database(), 'TEMPORARY'), current_database()::text,
  coalesce((SELECT array_agg(n.nspname::text ORDER BY n.nspname) FROM pg_namespace n
    WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
      AND EXISTS (SELECT FROM pg_roles m WHERE pg_has_role(r.oid, m.oid, 'MEMBER') AND has_schema_privilege(m.oid, n.oid, 'CREATE'))), '{}'),
  coalesce(array_agg(c.relname::text ORDER BY c.relname) FILTER (WHERE pg_has_role(c.relowner, 'MEMBER')), '{}'),
  coalesce(array_agg(c.relname::text ORDER BY c.relname) FILTER (WHERE NOT c.relforcerowsecurity AND c.relname <> 'cpcgen_audit_log'), '{}')
FROM pg_roles r
LEFT JOIN pg_class c ON c.relrowsecurity AND c.relkind IN ('r', 'p')
  AND c.relnamespace IN (SELECT n.oid FROM pg_namespace n WHERE n.nspname = ANY (current_schemas(false)))
WHERE r.rolname = current_user
GROUP BY r.oid, r.rolname, r.rolsuper, r.rolbypassrls`

// CheckAppRole checks, through db as the application connects, that the
// row-level security policies of tenant tables bind its role: that the
// role is not a superuser, has no BYPASSRLS, cannot SET ROLE to a role
// that is either (a member can, inheriting or not), cannot create
// objects in any schema, itself or through such a role (SQL injected
// into a statement can set the session's search_path to one, with
// set_config), cannot create temporary
// tables (PUBLIC can by default; one named like a tenant table takes its
// place in the statements that follow on the connection, and behind a
// transaction pooler AfterRelease cannot drop it), and owns none of the
// tables with row-level security (an owner can turn it off), and that
// every such table but the audit log forces it (FORCE ROW LEVEL
// SECURITY, so that code running as the owner is bound too). The error, a
// *DbError of KindMisuse wrapping ErrRowLevelSecurityBypassed, lists
// every problem found. Call it at start-up, beside CheckTenantKey, and
// see docs/operations.md ("Row-level security: owner, application role,
// BYPASSRLS and FORCE") for the roles.
func CheckAppRole(ctx context.Context, db DBTX) error {
	const op = "runtime.CheckAppRole"
	var role, database string
	var super, bypass, temp bool
	var powerful, creates, owned, unforced []string
	if err := db.QueryRow(ctx, checkAppRoleSQL).Scan(&role, &super, &bypass, &powerful, &temp, &database, &creates, &owned, &unforced); err != nil {
		return Wrap(err, op, "")
	}
	var problems []string
	if super {
		problems = append(problems, "it is a superuser (connect as a role created NOSUPERUSER)")
	}
	if bypass {
		problems = append(problems, "it has BYPASSRLS (ALTER ROLE "+role+" NOBYPASSRLS)")
	}
	if len(powerful) > 0 && !super { // a superuser is a member of every role
		problems = append(problems, "it can SET ROLE to "+strings.Join(powerful, ", ")+", a superuser or BYPASSRLS role, whose statements the policies do not bind (REVOKE the membership)")
	}
	if temp {
		problems = append(problems, "it can create temporary tables, and one named like a tenant table takes its place in the statements that follow on the connection (REVOKE TEMPORARY ON DATABASE "+pgx.Identifier{database}.Sanitize()+" FROM PUBLIC, and from the role)")
	}
	if len(creates) > 0 && !super {
		problems = append(problems, "it can create objects in schema "+strings.Join(creates, ", ")+", and a table, function or operator made there can take the place of the one a statement or policy means once the schema is on the search_path, which SQL injected into a statement can set (REVOKE CREATE ON SCHEMA … FROM PUBLIC, from the role and from the roles it can SET ROLE to)")
	}
	if len(owned) > 0 {
		problems = append(problems, "it owns "+strings.Join(owned, ", ")+" (or can SET ROLE to their owner), and an owner can turn row-level security off (let the migrations' role own the tables, and the application's role not be a member of it)")
	}
	if len(unforced) > 0 {
		problems = append(problems, "row-level security is not forced on "+strings.Join(unforced, ", ")+", so it does not bind their owner (ALTER TABLE … FORCE ROW LEVEL SECURITY)")
	}
	if len(problems) == 0 {
		return nil
	}
	return &DbError{Kind: KindMisuse, Op: op, Err: ErrRowLevelSecurityBypassed,
		Message: ErrRowLevelSecurityBypassed.Error() + " " + role + ": " + strings.Join(problems, "; ")}
}
