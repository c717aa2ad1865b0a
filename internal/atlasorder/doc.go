// Package atlasorder orders schema changes as Atlas's PostgreSQL planner
// does, in time linear in their number where Atlas compares every change
// with every other (sqlx.SortChanges: 3 s of a 5,000-table migration).
// The planners of schema.sql (generator/sqlschema) and of migrations
// (generator/migration) call Plan, which orders the changes with Sort,
// then asks Atlas to plan them as they are:
//
//	if sorted, ok := atlasorder.Sort(changes); ok {
//		changes = sorted // and PlanOptions.Mode = migrate.PlanModeUnsortedDump
//	}
//
// Sort copies Atlas's DetachCycles and SortChanges (open-source build,
// the version in go.mod) for the changes cpcgen's schemas produce —
// tables, enum types — and declines anything else, which Atlas then
// orders itself. Its test compares both orders on random schemas; a new
// Atlas version must pass it.
package atlasorder
