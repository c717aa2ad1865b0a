// Package crm is a multi-tenant CRM built on a package cpcgen generates
// from schema/crm.yaml. Organizations are the tenants: every table is
// scoped by tenant, so each generated method reads and writes only the
// rows of the organization in its context (runtime.WithTenant), and
// row-level security confines hand-written SQL the same way. Customers
// (unique email per organization, in any letter case) have contacts,
// deals moving through stages, activities and tags; changes to customers
// and deals are kept in the audit log with their actor
// (runtime.WithActor).
//
// The generated package crmdb holds everything that touches the
// database; this package adds the CRM's own operations on top: creating
// an organization, moving a deal to another stage, and the board of
// customers with open deals, loaded one query per relation.
//
// Migrate applies the embedded migrations, which cpcgen migrate diff
// wrote in three steps: the initial schema, then tags, then the audit
// log's index that the generated AuditTrail methods read through.
package crm
