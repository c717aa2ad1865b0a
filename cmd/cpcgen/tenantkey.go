package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/spf13/cobra"

	cpcruntime "github.com/cpcgen/cpcgen/runtime"
)

func (c *cli) tenantKeyCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tenant-key",
		Short: "Manage the tenant keys a database accepts",
		Long: `tenant-key manages the keys of cpcgen_tenant_keys, the table of the keys
the tenant tokens of scoped statements may be signed with (see
docs/operations.md, "Tenant keys"). Connect as the schema's owner: nobody
else may read or change the table. The key itself is read from
CPCGEN_TENANT_KEY (base64), never from the command line, and never
printed: only its id is.

To rotate: add the new key, deploy the application with the new key in
CPCGEN_TENANT_KEY, then remove the old key by its id.`,
		Example: `  CPCGEN_TENANT_KEY=$(openssl rand -base64 32) cpcgen tenant-key add --url "$OWNER_URL"
  cpcgen tenant-key list --url "$OWNER_URL"
  cpcgen tenant-key remove --url "$OWNER_URL" 3f2a9c0d1b4e5f60`,
	}
	var dbURL string
	flag := func(cmd *cobra.Command) {
		cmd.Flags().StringVar(&dbURL, "url", "", "the database (`URL`) as the schema's owner")
	}
	connect := func(ctx context.Context, what string) (*pgx.Conn, string, error) {
		if dbURL == "" {
			return nil, "", fmt.Errorf("tenant-key %s needs --url: the database, as the schema's owner", what)
		}
		where := redact(dbURL)
		conn, err := pgx.Connect(ctx, dbURL)
		if err != nil {
			return nil, "", fmt.Errorf("--url: connect to %s: %w", where, err)
		}
		return conn, where, nil
	}
	add := &cobra.Command{
		Use:   "add --url URL",
		Short: "Add the key of CPCGEN_TENANT_KEY to the database's tenant keys",
		Long: `add adds the key of CPCGEN_TENANT_KEY (base64, 32 to 64 bytes) to the
tenant keys of the database of --url, as the schema's owner, after the
migrations that create cpcgen_tenant_keys. Adding a key already there
changes nothing. It prints the key's id, never the key.`,
		Example: `  CPCGEN_TENANT_KEY=$(openssl rand -base64 32) cpcgen tenant-key add --url "$OWNER_URL"`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			raw := os.Getenv(cpcruntime.EnvTenantKey)
			if strings.TrimSpace(raw) == "" {
				return fmt.Errorf("tenant-key add reads the key from %s (base64; make one with: openssl rand -base64 32), which is not set", cpcruntime.EnvTenantKey)
			}
			key, err := cpcruntime.ParseTenantKey(raw)
			if err != nil {
				return fmt.Errorf("%s: %w", cpcruntime.EnvTenantKey, err)
			}
			ctx := cmdContext(cmd)
			conn, where, err := connect(ctx, "add")
			if err != nil {
				return err
			}
			defer conn.Close(context.WithoutCancel(ctx))
			if err := cpcruntime.InstallTenantKey(ctx, conn, key); err != nil {
				return fmt.Errorf("add %s to %s (connect as the schema's owner, after the migrations that create %s): %w", key, where, cpcruntime.TenantKeyTable, err)
			}
			fmt.Fprintf(c.stdout, "added %s to %s\n", key, where)
			return nil
		},
	}
	flag(add)
	list := &cobra.Command{
		Use:   "list --url URL",
		Short: "List the ids of the database's tenant keys",
		Long: `list prints the id of each tenant key of the database of --url and when
it was added, oldest first, as the schema's owner.`,
		Example: `  cpcgen tenant-key list --url "$OWNER_URL"`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmdContext(cmd)
			conn, where, err := connect(ctx, "list")
			if err != nil {
				return err
			}
			defer conn.Close(context.WithoutCancel(ctx))
			keys, err := cpcruntime.InstalledTenantKeys(ctx, conn)
			if err != nil {
				return fmt.Errorf("list the tenant keys of %s (connect as the schema's owner): %w", where, err)
			}
			for _, k := range keys {
				fmt.Fprintf(c.stdout, "%s  added %s\n", k.ID, k.Added.UTC().Format("2006-01-02 15:04:05Z"))
			}
			if len(keys) == 0 {
				fmt.Fprintf(c.stdout, "no tenant keys in %s: scoped statements see no rows of tenant tables\n", where)
			}
			return nil
		},
	}
	flag(list)
	remove := &cobra.Command{
		Use:   "remove --url URL ID",
		Short: "Remove a tenant key by its id",
		Long: `remove removes the tenant key with the id ID (as list prints it) from the
database of --url, as the schema's owner: tokens signed with it are
refused from the next statement on. Remove a key only once the
application signs with another one the database holds.`,
		Example: `  cpcgen tenant-key remove --url "$OWNER_URL" 3f2a9c0d1b4e5f60`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmdContext(cmd)
			conn, where, err := connect(ctx, "remove")
			if err != nil {
				return err
			}
			defer conn.Close(context.WithoutCancel(ctx))
			ok, err := cpcruntime.RemoveTenantKey(ctx, conn, args[0])
			if err != nil {
				return fmt.Errorf("remove tenant key %s from %s (connect as the schema's owner): %w", args[0], where, err)
			}
			if !ok {
				return fmt.Errorf("%s has no tenant key %q; cpcgen tenant-key list shows the ids", where, args[0])
			}
			fmt.Fprintf(c.stdout, "removed tenant key %s from %s\n", args[0], where)
			return nil
		},
	}
	flag(remove)
	cmd.AddCommand(add, list, remove)
	return cmd
}

// cmdContext returns cmd's context, or the background context when it
// has none.
func cmdContext(cmd *cobra.Command) context.Context {
	if ctx := cmd.Context(); ctx != nil {
		return ctx
	}
	return context.Background()
}
