package main

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/spf13/cobra"

	cpcruntime "github.com/cpcgen/cpcgen/runtime"
)

func (c *cli) auditCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Work with the audit log of a database",
		Long: `audit works with the audit log (cpcgen_audit_log) of tables with
audit: true in a live database.`,
		Example: `  cpcgen audit verify --url "$OWNER_URL"`,
	}
	cmd.AddCommand(c.auditVerifyCommand())
	return cmd
}

func (c *cli) auditVerifyCommand() *cobra.Command {
	var dbURL, tenant string
	cmd := &cobra.Command{
		Use:   "verify --url URL [--tenant TENANT]",
		Short: "Check the hash chains of the audit log",
		Long: `verify checks the hash chain of each tenant's audit rows in the database
of --url with its function cpcgen_audit_verify, in one snapshot: every
row's hash is recomputed from the previous row's and its own content, the
places (seq) must follow each other from 1, and the chain must end where
its head (cpcgen_audit_head) says. It prints one line per chain, with the
head's place and hash (record them elsewhere to prove later that the
chain was not rewritten as a whole), and for a broken chain the first
broken link: a row changed after it was written, rows deleted inside the
chain or at its end, a row written outside the trigger.

Connect as the schema's owner (or a role granted EXECUTE on the function
and SELECT on cpcgen_audit_log and cpcgen_audit_head): the app role can
run none of it. --tenant checks one chain; "" is the chain of the rows of
tables without a tenant. DATABASE_URL is not read.

Exit code 1 when a chain is broken.`,
		Example: `  cpcgen audit verify --url postgres://owner@db/app
  cpcgen audit verify --url "$OWNER_URL" --tenant 6f1c2a4e-0d7b-4a8e-9a55-3c2f7e1b9d10`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if dbURL == "" {
				return fmt.Errorf("audit verify needs --url: the database whose audit log to check")
			}
			var only *string
			if cmd.Flags().Changed("tenant") {
				only = &tenant
			}
			return c.auditVerify(cmd.Context(), dbURL, only)
		},
	}
	cmd.Flags().StringVar(&dbURL, "url", "", "the database (`URL`) whose audit log to check")
	cmd.Flags().StringVar(&tenant, "tenant", "", "check only this tenant's chain (\"\" for the rows without a tenant)")
	return cmd
}

// auditVerify runs the verify function on the database at dbURL and
// prints a line per chain.
func (c *cli) auditVerify(ctx context.Context, dbURL string, tenant *string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	where := redact(dbURL)
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return fmt.Errorf("--url: connect to %s: %w", where, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	chains, err := cpcruntime.VerifyAudit(ctx, conn, tenant)
	if err != nil {
		return fmt.Errorf("verify the audit log of %s (connect as the schema's owner; the app role may not run cpcgen_audit_verify): %w", where, err)
	}
	broken := 0
	for _, ch := range chains {
		name := fmt.Sprintf("tenant %q", ch.Tenant)
		if ch.Tenant == "" {
			name = "rows without a tenant"
		}
		if ch.OK() {
			fmt.Fprintf(c.stdout, "ok      %s: %d rows, head seq %d hash %s\n", name, ch.Verified, ch.HeadSeq, ch.HeadHash)
			continue
		}
		broken++
		at := fmt.Sprintf("seq %d", ch.BrokenSeq)
		if ch.BrokenID != 0 {
			at += fmt.Sprintf(", audit row %d", ch.BrokenID)
		}
		fmt.Fprintf(c.stdout, "BROKEN  %s: %d rows verified, broken at %s: %s\n", name, ch.Verified, at, ch.Problem)
	}
	switch {
	case len(chains) == 0 && tenant != nil:
		fmt.Fprintf(c.stdout, "no audit rows of tenant %q in %s\n", *tenant, where)
	case len(chains) == 0:
		fmt.Fprintf(c.stdout, "no audit rows in %s\n", where)
	}
	if broken > 0 {
		fmt.Fprintf(c.stderr, "%d of %d chain(s) broken\n", broken, len(chains))
		return problemsError{n: broken}
	}
	return nil
}
