package auditdb

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// The roles the tests run as: the schema's owner, who creates the
// schema (so the audit trigger function runs as it), and the app role,
// neither superuser nor owner, with the grants of docs/operations.md:
// DML on the tables, SELECT alone on the audit log.
const (
	ownerRole    = "auditdb_owner"
	appRole      = "auditdb_app"
	rolePassword = "auditdb-test"
)

func TestMain(m *testing.M) { pgtest.Main(m, pgtest.WithTemplate(prepare)) }

// prepare makes the roles, creates the schema as the owner and grants
// the app role its rights.
func prepare(ctx context.Context, dbURL string) error {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	schema, err := os.ReadFile("schema.sql")
	if err != nil {
		return err
	}
	for _, stmt := range []string{
		`DO $$ BEGIN CREATE ROLE ` + ownerRole + ` LOGIN PASSWORD '` + rolePassword + `'; EXCEPTION WHEN duplicate_object THEN NULL; END $$`,
		`DO $$ BEGIN CREATE ROLE ` + appRole + ` LOGIN PASSWORD '` + rolePassword + `'; EXCEPTION WHEN duplicate_object THEN NULL; END $$`,
		`GRANT CREATE, USAGE ON SCHEMA public TO ` + ownerRole,
		`SET ROLE ` + ownerRole,
		string(schema),
		`GRANT SELECT, INSERT, UPDATE, DELETE ON accounts, entries, notes, customers, contacts TO ` + appRole,
		`GRANT SELECT ON cpcgen_audit_log TO ` + appRole,
		`RESET ROLE`,
	} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
	}
	return nil
}

// rolePools returns pools on a fresh database connected as the app role
// and as the owner.
func rolePools(t testing.TB) (app, owner *pgxpool.Pool) {
	t.Helper()
	base := pgtest.URL(t)
	as := func(role string) *pgxpool.Pool {
		u, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		u.User = url.UserPassword(role, rolePassword)
		cfg, err := pgxpool.ParseConfig(u.String())
		if err != nil {
			t.Fatal(err)
		}
		cfg.AfterConnect = runtime.AfterConnect
		pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(pool.Close)
		return pool
	}
	app, owner = as(appRole), as(ownerRole)
	var super, bypass bool
	if err := app.QueryRow(context.Background(), `SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`).Scan(&super, &bypass); err != nil || super || bypass {
		t.Fatalf("the app role is superuser (%v) or bypasses RLS (%v): %v", super, bypass, err)
	}
	return app, owner
}
