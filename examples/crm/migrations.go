package crm

import (
	"context"
	"embed"
	"io/fs"

	"github.com/cpcgen/cpcgen/runtime/migrate"
)

// migrationFiles holds the migrations directory as cpcgen migrate diff
// wrote it, atlas.sum included.
//
//go:embed migrations
var migrationFiles embed.FS

// Migrations returns the migrations directory: the versioned up and down
// files, the snapshot and atlas.sum.
func Migrations() fs.FS {
	dir, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		panic(err) // the directory is embedded above
	}
	return dir
}

// Migrate applies the migrations that db lacks and returns those it
// applied (see migrate.Migrator.Up).
func Migrate(ctx context.Context, db migrate.Conn) ([]migrate.Applied, error) {
	m, err := migrate.New(db, Migrations(), migrate.Options{})
	if err != nil {
		return nil, err
	}
	return m.Up(ctx)
}
