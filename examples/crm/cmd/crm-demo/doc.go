// Command crm-demo runs the CRM example against PostgreSQL and tells what
// it did: two organizations (tenants) with customers, contacts and tags,
// an email looked up in another letter case, deals moving through the
// pipeline with an optimistic-lock conflict, a prefix search a page at a
// time, the pipeline by stage, the board of customers with open deals
// loaded one query per relation, a deal's audit trail, and the other
// organization finding none of it.
//
//	go run ./examples/crm/cmd/crm-demo          # a throwaway PostgreSQL, removed at exit
//	DATABASE_URL=postgres://… go run ./examples/crm/cmd/crm-demo
//
// Without DATABASE_URL it starts a PostgreSQL cluster of its own from the
// local server programs. It applies the example's migrations first, as
// the role of the URL (the tables' owner), then runs as the application
// would: as APP_DATABASE_URL's role, or one it makes
// (pgtest.AppRole), which must be no superuser, have no BYPASSRLS and own
// no table, so that row-level security binds it (runtime.CheckAppRole
// refuses to go on otherwise).
// -short adds fewer customers, for CI.
package main
