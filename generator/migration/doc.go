// Package migration plans versioned migrations: it compares the schema
// the existing migrations produce with the one the specs describe and
// renders the next migration, in the SQL emitter's part of the pipeline.
//
//	pkg, err := generator.Build(proj)
//	dir, err := migration.ReadDir(root, cfg.Migrations.Dir, cfg.Migrations.Format)
//	res, err := migration.Diff(pkg, dir, migration.Options{Name: "add_nickname"})
//	if !res.Blocked && !res.Planned.Empty() {
//		err = migration.Write(root, res.Files)
//	}
//
// The schema the migrations produce comes from a snapshot kept beside
// them (SnapshotFile, Atlas's HCL, listed in atlas.sum), so a diff needs
// no database; or, with Options.Current, from a database the migrations
// were replayed into. Atlas's engine (ariga.io/atlas) computes the diff
// and the plan with reverse statements; renamed_from hints on enums,
// tables and columns become renames, and so do the indexes and
// constraints whose derived names change with them.
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
// Every plan is checked before anything is written: cpcgen's rules mark
// destructive changes (drop table, column or enum, narrowing a type) and
// data-dependent ones (NOT NULL without a default, unique indexes, checks
// and foreign keys over existing rows, type conversions), which stop the
// diff unless allowed; Atlas's sqlcheck analyzers run on the rendered
// file, and a spec-aware rule finds raw queries that still use a dropped
// or renamed column. Findings carry the spec position that caused them.
//
// Files are rendered in the layout of the project's format, a row of the
// runner's table (runtime/migrate.Formats: golang-migrate, goose, Flyway,
// dbmate, Atlas), so that what is written is what the runner reads;
// they are numbered 000001, 000002, … ; changes without a reverse (an
// enum value added) are named at the top of the down part.
package migration
