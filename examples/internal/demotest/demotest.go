package demotest

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/cpcgen/cpcgen/examples/internal/demo"
	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/migrate"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// Run runs a demo's run function with opts and checks its story: it must
// succeed and name the migrations applied ("migrations: " + migrations)
// and hold every line of want. It returns the story for further checks.
func Run(t *testing.T, run func(context.Context, io.Writer, demo.Options) error, opts demo.Options, migrations string, want []string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var out bytes.Buffer
	if err := run(ctx, &out, opts); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, w := range append([]string{"migrations: " + migrations}, want...) {
		if !strings.Contains(out.String(), w) {
			t.Errorf("the story lacks %q:\n%s", w, out.String())
		}
	}
	return out.String()
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
