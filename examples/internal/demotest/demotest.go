package demotest

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cpcgen/cpcgen/examples/internal/demo"
	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/migrate"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// Story is what a demo tells, for its tests.
type Story struct {
	// Run is the demo's run function.
	Run func(context.Context, io.Writer, demo.Options) error
	// Migrations are the migrations a run on a new database applies, as
	// the story names them ("000001_init, …").
	Migrations string
	// Want are lines every run tells.
	Want []string
}

// OnDatabase runs the demo with -short on a database of its own, as with
// DATABASE_URL, twice: the first run must apply s.Migrations and tell
// want too, the second finds the migrations applied (and must make rows
// of its own to succeed).
func (s Story) OnDatabase(t *testing.T, want ...string) {
	t.Parallel()
	opts := demo.Options{URL: pgtest.URL(t), Short: true}
	s.check(t, opts, s.Migrations, append([]string{"database: DATABASE_URL"}, want...))
	s.check(t, opts, "none pending", nil)
}

// Throwaway runs the demo as a newcomer would, with no DATABASE_URL, so
// that it starts and removes a PostgreSQL cluster of its own (-short when
// short), and checks that it applies s.Migrations and tells want too.
func (s Story) Throwaway(t *testing.T, short bool, want ...string) {
	pgtest.SkipIfDisabled(t)
	s.check(t, demo.Options{Short: short}, s.Migrations, append([]string{"database: a throwaway PostgreSQL cluster"}, want...))
}

// check runs the demo with opts: it must succeed, name the migrations
// applied ("migrations: " + migrations) and tell s.Want and want.
func (s Story) check(t *testing.T, opts demo.Options, migrations string, want []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var out bytes.Buffer
	if err := s.Run(ctx, &out, opts); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, w := range slices.Concat([]string{"migrations: " + migrations}, s.Want, want) {
		if !strings.Contains(out.String(), w) {
			t.Errorf("the story lacks %q:\n%s", w, out.String())
		}
	}
}

// Main runs an example package's tests (pgtest.Main), each test on a
// database of its own copied from a template that up, the package's
// Migrate, brought to the last migration.
func Main(m *testing.M, up func(context.Context, migrate.Conn) ([]migrate.Applied, error)) {
	pgtest.Main(m, pgtest.WithTemplate(func(ctx context.Context, url string) error {
		db, err := runtime.Open(ctx, runtime.Config{URL: url})
		if err != nil {
			return err
		}
		defer db.Close()
		_, err = up(ctx, db)
		return err
	}))
}

// CheckMigrations checks that the revisions table of db lists every
// migration of dir, unchanged, and nothing else: what a database restored
// from a backup or a dump must show.
func CheckMigrations(t *testing.T, ctx context.Context, db migrate.Conn, dir fs.FS) {
	t.Helper()
	m, err := migrate.New(db, dir, migrate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	states, err := m.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(states) != len(m.Migrations()) {
		t.Errorf("revisions: %d states for %d migrations", len(states), len(m.Migrations()))
	}
	for _, s := range states {
		switch {
		case s.Migration == nil:
			t.Errorf("revision %d %s is not in the migrations directory", s.Version, s.Name)
		case s.Revision == nil:
			t.Errorf("migration %d %s is not recorded as applied", s.Version, s.Name)
		case s.Changed:
			t.Errorf("migration %d %s changed since it was applied", s.Version, s.Name)
		}
	}
}
