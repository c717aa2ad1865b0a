package pgtest

import (
	"context"
	"fmt"
	"os"

	"github.com/jackc/pgx/v5"
)

// ExecFiles returns a template preparation (for WithTemplate) that runs
// the given SQL files in order, each as one simple-protocol batch, for
// example the schema.sql that cpcgen generates:
//
//	pgtest.Main(m, pgtest.WithTemplate(pgtest.ExecFiles("schema.sql")))
func ExecFiles(files ...string) func(ctx context.Context, url string) error {
	return func(ctx context.Context, url string) error {
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		for _, name := range files {
			sql, err := os.ReadFile(name)
			if err != nil {
				return err
			}
			if _, err := conn.Exec(ctx, string(sql)); err != nil {
				return fmt.Errorf("run %s: %w", name, err)
			}
		}
		return nil
	}
}
