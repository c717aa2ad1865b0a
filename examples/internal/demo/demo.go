package demo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/cpcgen/cpcgen/runtime/migrate"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// Context returns a context that ends on SIGINT or SIGTERM, so that a
// demo stopped with Ctrl-C returns through its deferred cleanup, and the
// function that stops listening. A second signal then ends the process
// at once (the cluster's watcher process still removes it).
func Context() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// Options configure a demo's run.
type Options struct {
	// URL is the database to use (DATABASE_URL); empty starts a throwaway
	// cluster.
	URL string
	// Short makes the run smaller, for CI (the -short flag, described by
	// Main's short).
	Short bool
}

// Main is a demo's main function: it parses the -short flag (short says
// what it does), runs run with DATABASE_URL on standard output, in a
// Context, and ends as Exit says.
func Main(name, short string, run func(ctx context.Context, out io.Writer, opts Options) error) {
	s := flag.Bool("short", false, short)
	flag.Parse()
	ctx, stop := Context()
	defer stop()
	Exit(ctx, name, run(ctx, os.Stdout, Options{URL: os.Getenv("DATABASE_URL"), Short: *s}))
}

// Exit ends a demo named name after run returned err: nothing after
// success; after an interrupt (ctx ended), exit status 130 and
// "interrupted"; otherwise exit status 1 and the error. Call it before
// the stop function of Context, which ends ctx too.
func Exit(ctx context.Context, name string, err error) {
	switch {
	case err == nil:
	case ctx.Err() != nil:
		fmt.Fprintln(os.Stderr, name+": interrupted")
		os.Exit(130)
	default:
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}

// Database returns the URL of the database a demo runs against and a
// function that releases it. With a non-empty url it is that database,
// and release does nothing. Otherwise Database starts a throwaway
// PostgreSQL cluster from the local server programs (initdb, postgres;
// see runtime/pgtest), creates database name in it, and release stops
// the cluster and removes its files. It writes one line to out saying
// which it is.
func Database(ctx context.Context, out io.Writer, url, name string) (string, func(), error) {
	if url != "" {
		fmt.Fprintln(out, "database: DATABASE_URL")
		return url, func() {}, nil
	}
	c, err := pgtest.Start(ctx, pgtest.Options{})
	if err != nil {
		return "", nil, fmt.Errorf("start a throwaway PostgreSQL (or set DATABASE_URL): %w", err)
	}
	release := func() {
		if err := c.Close(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}
	if err := c.CreateDatabase(ctx, name, ""); err != nil {
		release()
		return "", nil, err
	}
	fmt.Fprintf(out, "database: a throwaway PostgreSQL cluster on port %d, started for this run and removed at exit (set DATABASE_URL to use another)\n", c.Port())
	return c.URL(name), release, nil
}

// SayMigrations writes the line that names the migrations applied
// ("migrations: 000001_init, …"), or "none pending" when there were none.
func SayMigrations(out io.Writer, applied []migrate.Applied) {
	var names []string
	for _, a := range applied {
		names = append(names, fmt.Sprintf("%06d_%s", a.Version, a.Name))
	}
	if len(names) == 0 {
		names = []string{"none pending"}
	}
	fmt.Fprintf(out, "migrations: %s\n", strings.Join(names, ", "))
}

// RunTag returns a short random tag that makes a run's unique values
// (emails, slugs, idempotency keys) new, so that a demo can run again on
// the same database.
func RunTag() string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// AppURL returns the URL a demo's application connects with once the
// migrations ran as ownerURL's role: APP_DATABASE_URL when set (a role
// that is neither a superuser nor exempt from row-level security, and
// owns no table, as docs/operations.md sets up), otherwise the URL of
// pgtest.AppRole, which it creates and grants what the application's
// role gets, connecting as ownerURL's role (which must be allowed to:
// the throwaway cluster's superuser is). It writes one line to out
// saying which it is.
func AppURL(ctx context.Context, out io.Writer, ownerURL string) (string, error) {
	if u := os.Getenv("APP_DATABASE_URL"); u != "" {
		fmt.Fprintln(out, "application role: APP_DATABASE_URL's")
		return u, nil
	}
	u, err := pgtest.GrantApp(ctx, ownerURL)
	if err != nil {
		return "", fmt.Errorf("make the application's role (or set APP_DATABASE_URL to a role that is no superuser and owns no table): %w", err)
	}
	fmt.Fprintf(out, "application role: %s, made for this run (set APP_DATABASE_URL to use another)\n", pgtest.AppRole)
	return u, nil
}
