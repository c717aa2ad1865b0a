package runtime_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cpcgen/cpcgen/runtime"
	"github.com/cpcgen/cpcgen/runtime/pgtest"
)

// TestHiddenKeyInAnotherLanguage runs an upsert whose conflicting row
// another tenant's policy hides on a server that reports in German: the
// error is still a hidden-key conflict, which says nothing of the row,
// and a missing privilege is still a permission error.
func TestHiddenKeyInAnotherLanguage(t *testing.T) {
	ctx := testContext(t)
	c := pgtest.StartInLanguage(t, "de_DE")
	admin := c.URL("postgres")
	pgtest.Exec(t, admin,
		"CREATE TABLE things (id int PRIMARY KEY, org text NOT NULL, name text NOT NULL UNIQUE)",
		"ALTER TABLE things ENABLE ROW LEVEL SECURITY",
		"ALTER TABLE things FORCE ROW LEVEL SECURITY",
		"CREATE POLICY org ON things USING (org = current_setting('app.org')) WITH CHECK (org = current_setting('app.org'))",
		"INSERT INTO things VALUES (1, 'a', 'mine'), (2, 'b', 'theirs')",
	)
	appURL := pgtest.AppURL(t, admin)
	pgtest.Exec(t, admin, "CREATE TABLE locked (id int)") // after AppURL: not granted
	app, err := pgx.Connect(ctx, appURL)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close(ctx)
	if _, err := app.Exec(ctx, "SET app.org = 'a'"); err != nil {
		t.Fatal(err)
	}
	type thing struct {
		ID   int32
		Name string
	}
	args := func(n *thing, d []any) []any { return append(d, &n.ID, &n.Name) }
	scan := func(v *thing, d []any) []any { return append(d, &v.ID, &v.Name) }
	upsert := &runtime.Op{Name: "things.UpsertByName", Table: "things", HiddenKey: true, SQL: `INSERT INTO things (id, org, name) VALUES ($1, current_setting('app.org'), $2)
ON CONFLICT (name) DO UPDATE SET id = EXCLUDED.id RETURNING id, name`}
	// The server's own words are German here: otherwise the test
	// proves nothing of another language.
	_, err = app.Exec(ctx, upsert.SQL, 3, "theirs")
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "42501" {
		t.Fatalf("upsert over another tenant's row: %v, want SQLSTATE 42501", err)
	}
	if strings.Contains(pe.Message, "row-level security") {
		t.Fatalf("the server reports in English (%q): lc_messages did not take", pe.Message)
	}
	_, err = runtime.QueryOneOp(ctx, app, upsert, thing{ID: 3, Name: "theirs"}, args, scan)
	if !errors.Is(err, runtime.ErrHiddenKey) || !errors.Is(err, runtime.ErrConflict) || strings.Contains(err.Error(), pe.Message) {
		t.Fatalf("upsert over another tenant's row: %v, want a hidden-key conflict", err)
	}
	if v, err := runtime.QueryOneOp(ctx, app, upsert, thing{ID: 4, Name: "mine"}, args, scan); err != nil || v.ID != 4 {
		t.Fatalf("upsert over the tenant's own row: %+v, %v", v, err)
	}
	denied := &runtime.Op{Name: "locked.Insert", Table: "locked", HiddenKey: true, SQL: `INSERT INTO locked VALUES ($1) RETURNING id`}
	_, err = runtime.QueryOneOp(ctx, app, denied, int32(1), runtime.Arg, func(v *int32, d []any) []any { return append(d, v) })
	if errors.Is(err, runtime.ErrHiddenKey) || !errors.As(err, &pe) || pe.Code != "42501" {
		t.Fatalf("insert without the privilege: %v, want the server's permission error", err)
	}
}
