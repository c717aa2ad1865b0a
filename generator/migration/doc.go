// Package migration plans versioned migrations: it compares the schema
// the existing migrations produce with the one the specs describe and
// renders the next migration, in the SQL emitter's part of the pipeline.
//
//	pkg, err := generator.Build(proj)
//	dir, err := migration.ReadDir(root, cfg.Migrations.Dir, cfg.Migrations.Format)
//	res, err := migration.Diff(pkg, dir, migration.Options{Name: "add_nickname"})
//	if !res.Blocked && len(res.Files) > 0 {
//		err = migration.Write(root, res.Files)
//	}
//
// The schema the migrations produce comes from a snapshot kept beside
// them (SnapshotFile, Atlas's HCL, listed in atlas.sum), so a diff needs
// no database; or, with Options.Current, from a database the migrations
// were replayed into. Atlas's engine (ariga.io/atlas) computes the diff
// and the plan with reverse statements; renamed_from hints on enums and
// tables become renames, and so do the indexes and constraints whose
// derived names change with them.
//
// Extensions and SQL objects (functions, triggers, views …), which Atlas
// does not model, are kept in the snapshot as JSON lines and planned
// around Atlas's changes: extensions created first and dropped last;
// objects that go or are replaced by drop and create dropped before the
// table changes, dependents first, and created after them in dependency
// order; a function whose signature stays replaced in place (CREATE OR
// REPLACE); a view dropped and created again around changes to the
// columns it reads. InspectObjects reads the same objects back from a
// database's catalogs, for tests and for check --url.
//
// Plans are lock-safe unless Options.Offline (migrations: {online:
// false}): for tables that exist before the migration, indexes are built
// and dropped CONCURRENTLY in files of their own, foreign keys and checks
// are added NOT VALID and validated by a later file, SET NOT NULL goes
// through a validated CHECK (col IS NOT NULL), and a volatile default is
// filled by a batched backfill (the runner's -- cpcgen:backfill
// directive). A migration is then several versioned files (steps), each
// with its own down part, in the order the roles of steps.go give.
//
// Every plan is checked before anything is written. cpcgen's rules mark
// destructive changes (drop table, column or enum, narrowing a type) and
// data-dependent ones (NOT NULL without a default, unique indexes, checks
// and foreign keys over existing rows, type conversions); table rewrites
// (reported with the table's size, Options.TableSizes); and breaking
// changes: those that make the code still running during a deploy fail,
// judged against what the generated package at the last migration reads
// and writes, which the snapshot records (Usage). Each kind stops the
// diff unless its Options flag allows it. Atlas's sqlcheck analyzers run
// on the rendered file, and a spec-aware rule finds raw queries that
// still use a dropped or renamed column. Findings carry the spec position
// that caused them.
//
// Online, a renamed_from column is planned as expand/contract (a new
// column, a trigger keeping both equal, a backfill), and the drop of a
// column the running code reads is deferred; the snapshot keeps each as
// a Pending contract, which a later diff with Options.Contract runs.
//
// Files are rendered in the layout of the project's format, a row of the
// runner's table (runtime/migrate.Formats: golang-migrate, goose, Flyway,
// dbmate, Atlas), so that what is written is what the runner reads;
// they are numbered 000001, 000002, … ; changes without a reverse (an
// enum value added) are named at the top of the down part. Rebase renumbers the migrations a merge
// brought in after the others when two branches wrote the same version.
package migration
