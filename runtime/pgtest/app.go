package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/cpcgen/cpcgen/runtime"
)

// AppRole is the role AppURL connects as: a login role that is neither
// a superuser nor exempt from row-level security (NOBYPASSRLS), and owns
// nothing, so that the row-level security policies of tenant tables
// apply to it as they do to an application's role in production
// (docs/operations.md, "Database roles and least privilege").
const AppRole = "cpcgen_app"

// appPassword is AppRole's password: needed on an external server
// (CPCGEN_TEST_DATABASE_URL), which may not trust local logins. It is a
// test role's and no secret.
const appPassword = "cpcgen-test-app"

// AppURL returns the URL of the database at dbURL (one URL, Pool or
// Open made, or any database of the test server) for AppRole, and gives
// that role, in that database, what docs/operations.md grants the
// application's role: USAGE on the public schema, SELECT, INSERT,
// UPDATE and DELETE on its tables and USAGE on its sequences, except
// cpcgen's own tables (nothing: the migration runner's, the tenant keys,
// the audit log's head and key) and the audit log (SELECT only: its
// trigger, running as the owner, writes it), and takes from PUBLIC and
// the role the privilege to create temporary tables in the database, as
// docs/operations.md's REVOKE ALL ON DATABASE does. The role is created
// once per server. Tables created after the call are not granted: call it once
// the schema is there.
func AppURL(t testing.TB, dbURL string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	u, err := GrantApp(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// GrantApp is AppURL for code without a testing.TB: it creates AppRole
// when the server lacks it, grants it what the application's role gets
// in the database at dbURL (connecting with dbURL, which must be allowed
// to grant: a superuser's or the owner's), and returns the database's
// URL for AppRole.
func GrantApp(ctx context.Context, dbURL string) (string, error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return "", fmt.Errorf("pgtest: grant %s: %w", AppRole, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if err := createAppRole(ctx, conn); err != nil {
		return "", err
	}
	var db string
	if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&db); err != nil {
		return "", fmt.Errorf("pgtest: grant %s: %w", AppRole, err)
	}
	role := pgx.Identifier{AppRole}.Sanitize()
	stmts := []string{
		"GRANT CONNECT ON DATABASE " + pgx.Identifier{db}.Sanitize() + " TO " + role,
		// No temporary tables (PUBLIC's by default): one named like a
		// table would take its place (runtime.CheckAppRole).
		"REVOKE TEMPORARY ON DATABASE " + pgx.Identifier{db}.Sanitize() + " FROM PUBLIC, " + role,
		"GRANT USAGE ON SCHEMA public TO " + role,
		"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + role,
		"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO " + role,
		// cpcgen's own tables are the owner's alone, but for the audit
		// log, which the app role reads (its trigger writes it).
		`DO $$
DECLARE t record;
BEGIN
  FOR t IN SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
      AND c.relname LIKE 'cpcgen\_%' AND c.relname <> 'cpcgen_audit_log' LOOP
    EXECUTE format('REVOKE ALL ON public.%I FROM ` + AppRole + `', t.relname);
  END LOOP;
  IF to_regclass('public.cpcgen_audit_log') IS NOT NULL THEN
    REVOKE ALL ON public.cpcgen_audit_log FROM ` + AppRole + `;
    GRANT SELECT ON public.cpcgen_audit_log TO ` + AppRole + `;
  END IF;
END $$`,
	}
	for _, s := range stmts {
		if _, err := conn.Exec(ctx, s); err != nil {
			return "", fmt.Errorf("pgtest: grant %s: %s: %w", AppRole, firstLine(s), err)
		}
	}
	return withUser(dbURL, AppRole, appPassword)
}

// appRoleOnce remembers, per server, that AppRole exists.
var appRoleOnce sync.Map

// createAppRole creates AppRole on conn's server unless it exists;
// concurrent test binaries sharing a server may both try.
func createAppRole(ctx context.Context, conn *pgx.Conn) error {
	server := conn.Config().Host + ":" + fmt.Sprint(conn.Config().Port)
	if _, done := appRoleOnce.Load(server); done {
		return nil
	}
	_, err := conn.Exec(ctx, `DO $$
BEGIN
  CREATE ROLE `+AppRole+` LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD '`+appPassword+`';
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$`)
	if err != nil {
		// Another binary may have created it at the same moment.
		var exists bool
		if qerr := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", AppRole).Scan(&exists); qerr != nil || !exists {
			return fmt.Errorf("pgtest: create role %s: %w", AppRole, err)
		}
	}
	appRoleOnce.Store(server, true)
	return nil
}

// withUser returns dsn with its user and password replaced.
func withUser(dsn, user, password string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("pgtest: %w", err)
		}
		u.User = url.UserPassword(user, password)
		return u.String(), nil
	}
	quote := strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace
	return dsn + " user='" + quote(user) + "' password='" + quote(password) + "'", nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// TenantKey returns the tenant key of the test binary: the key of
// CPCGEN_TENANT_KEY. When the template database (WithTemplate) has the
// tenant key table (cpcgen_tenant_keys, which the schema of a package
// with tenant tables holds), Main sets CPCGEN_TENANT_KEY to a random key
// unless it is set, and installs that key in the template, so every
// database URL hands out accepts the tenant tokens of every pool of the
// tests (Pool, Open, runtime.Open). A test that creates its schema itself
// installs the key with runtime.InstallTenantKey.
func TenantKey(t testing.TB) *runtime.TenantKey {
	t.Helper()
	key, err := runtime.TenantKeyOf()
	if err != nil {
		t.Fatal(err)
	}
	if key == nil {
		key, err = setTenantKey()
		if err != nil {
			t.Fatal(err)
		}
	}
	return key
}

// tenantKeyMu serialises setting CPCGEN_TENANT_KEY.
var tenantKeyMu sync.Mutex

// setTenantKey sets CPCGEN_TENANT_KEY to a random key unless it is set,
// and returns the key it holds.
func setTenantKey() (*runtime.TenantKey, error) {
	tenantKeyMu.Lock()
	defer tenantKeyMu.Unlock()
	if strings.TrimSpace(os.Getenv(runtime.EnvTenantKey)) == "" {
		key := make([]byte, 32)
		_, _ = rand.Read(key)
		if err := os.Setenv(runtime.EnvTenantKey, base64.StdEncoding.EncodeToString(key)); err != nil {
			return nil, err
		}
	}
	return runtime.TenantKeyOf()
}

// installTenantKey installs the test binary's tenant key (setTenantKey)
// in the database at dbURL when it has the tenant key table.
func installTenantKey(ctx context.Context, dbURL string) error {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var has bool
	if err := conn.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", runtime.TenantKeyTable).Scan(&has); err != nil || !has {
		return err
	}
	key, err := setTenantKey()
	if err != nil {
		return err
	}
	if err := runtime.InstallTenantKey(ctx, conn, key); err != nil {
		return fmt.Errorf("pgtest: install the tenant key: %w", err)
	}
	return nil
}
